/* test_assess.c -- the assessment rules: how one appeal counts under a rule set (table of
 * facts with hand-worked verdicts), the score, the stored default rule set, rule-set JSON,
 * and the recurring-problem counter. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/report.h"
#include "service/service.h"
#include "service/view.h"
#include "test.h"
#include "text/terms.h"

#define D 86400
#define T0 1625097600 /* 2021-07-01 08:00 +08:00 */

struct judge_row {
    const char *name;
    struct appeal_fact f;
    int basic_share, partly_share, exclude_merged;
    int eligible, overdue;
    int den[FIG_COUNT_], num[FIG_COUNT_];
};

static void test_judge(void)
{
    const int64_t as_of = T0 + 30 * D;
    static const struct judge_row rows[] = {
        {"received, never dispatched: only the reply rate",
         {.state = ST_RECEIVED, .received_at = T0},
         100, 0, 1, 1, 0, {1, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 0}},
        {"rejected: left out",
         {.state = ST_REJECTED, .received_at = T0},
         100, 0, 1, 0, 0, {0}, {0}},
        {"merged: left out by default",
         {.state = ST_MERGED, .received_at = T0, .visit_satisfaction = SAT_SATISFIED},
         100, 0, 1, 0, 0, {0}, {0}},
        {"merged: counted when the rule keeps it (its visit too)",
         {.state = ST_MERGED, .received_at = T0, .visit_satisfaction = SAT_SATISFIED},
         100, 0, 0, 1, 0, {1, 0, 0, 0, 0, 1}, {0, 0, 0, 0, 0, 100}},
        {"replied on the deadline's last second: timely; signed and called on the sign deadline",
         {.state = ST_REPLIED, .deadline = T0 + 5 * D, .replied_at = T0 + 5 * D,
          .sign_deadline = T0 + D, .accepted_at = T0 + D, .contacted_at = T0 + D},
         100, 0, 1, 1, 0, {1, 1, 1, 1, 0, 0}, {100, 100, 100, 100, 0, 0}},
        {"replied a second late, signed a second late",
         {.state = ST_CLOSED, .deadline = T0 + 5 * D, .replied_at = T0 + 5 * D + 1,
          .sign_deadline = T0 + D, .accepted_at = T0 + D + 1, .visit_solved = SOLVED_YES,
          .visit_satisfaction = SAT_SATISFIED},
         100, 0, 1, 1, 0, {1, 1, 1, 1, 1, 1}, {100, 0, 0, 0, 100, 100}},
        {"open past its deadline: overdue; signed in time, caller never called: no response",
         {.state = ST_ACCEPTED, .deadline = T0 + 5 * D, .sign_deadline = T0 + D,
          .accepted_at = T0 + 60},
         100, 0, 1, 1, 1, {1, 1, 1, 1, 0, 0}, {0, 0, 100, 0, 0, 0}},
        {"open before its deadline: not yet judged; caller called a second late",
         {.state = ST_ACCEPTED, .deadline = as_of + 1, .sign_deadline = T0 + D,
          .accepted_at = T0 + 60, .contacted_at = T0 + D + 1},
         100, 0, 1, 1, 0, {1, 0, 1, 1, 0, 0}, {0, 0, 100, 0, 0, 0}},
        {"dispatched, sign deadline passed unsigned",
         {.state = ST_DISPATCHED, .deadline = as_of + D, .sign_deadline = T0 + D},
         100, 0, 1, 1, 0, {1, 0, 1, 1, 0, 0}, {0, 0, 0, 0, 0, 0}},
        {"redone (the redo clears the reply and sets a new deadline): judged afresh",
         {.state = ST_ACCEPTED, .deadline = as_of + D, .replied_at = 0,
          .visit_solved = SOLVED_NO, .visit_satisfaction = SAT_UNSATISFIED},
         100, 0, 1, 1, 0, {1, 0, 0, 0, 1, 1}, {0, 0, 0, 0, 0, 0}},
        {"redone and past the new deadline: overdue again",
         {.state = ST_ACCEPTED, .deadline = as_of - 1, .replied_at = 0,
          .visit_solved = SOLVED_NO, .visit_satisfaction = SAT_UNSATISFIED},
         100, 0, 1, 1, 1, {1, 1, 0, 0, 1, 1}, {0, 0, 0, 0, 0, 0}},
        {"extended deadline: a reply after the first but before the new one is timely",
         {.state = ST_VISITED, .deadline = T0 + 15 * D, .replied_at = T0 + 12 * D,
          .visit_solved = SOLVED_PARTLY, .visit_satisfaction = SAT_BASIC},
         100, 0, 1, 1, 0, {1, 1, 0, 0, 1, 1}, {100, 100, 0, 0, 0, 100}},
        {"基本满意 half, 部分解决 half",
         {.state = ST_VISITED, .deadline = T0 + 15 * D, .replied_at = T0 + 12 * D,
          .visit_solved = SOLVED_PARTLY, .visit_satisfaction = SAT_BASIC},
         50, 50, 1, 1, 0, {1, 1, 0, 0, 1, 1}, {100, 100, 0, 0, 50, 50}},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct judge_row *r = &rows[i];
        struct ruleset rs;
        ruleset_default(&rs);
        rs.basic_share = r->basic_share;
        rs.partly_share = r->partly_share;
        rs.exclude_merged = r->exclude_merged;
        struct verdict v;
        report_judge(&rs, &r->f, as_of, &v);
        int same = v.eligible == r->eligible && v.overdue == r->overdue &&
                   !memcmp(v.den, r->den, sizeof(v.den)) && !memcmp(v.num, r->num, sizeof(v.num));
        if (!same)
            fprintf(stderr, "judge: %s: eligible %d overdue %d den %d%d%d%d%d num %d %d %d %d %d\n",
                    r->name, v.eligible, v.overdue, v.den[0], v.den[1], v.den[2], v.den[3],
                    v.den[4], v.num[0], v.num[1], v.num[2], v.num[3], v.num[4]);
        CHECK(same);
    }
}

/* A rule set that does not ask for the call: the response rate is the sign rate. */
static void test_response_without_contact(void)
{
    struct ruleset rs;
    ruleset_default(&rs);
    struct appeal_fact f = {.state = ST_ACCEPTED, .sign_deadline = T0 + D, .accepted_at = T0};
    struct verdict v;
    report_judge(&rs, &f, T0 + 2 * D, &v);
    CHECK_INT(v.num[FIG_SIGN], 100);
    CHECK_INT(v.num[FIG_RESPONSE], 0);
    rs.response_contact = 0;
    report_judge(&rs, &f, T0 + 2 * D, &v);
    CHECK_INT(v.num[FIG_RESPONSE], 100);
    f.accepted_at = 0; /* unsigned, sign deadline passed: neither */
    report_judge(&rs, &f, T0 + 2 * D, &v);
    CHECK(v.den[FIG_SIGN] == 1 && v.den[FIG_RESPONSE] == 1 && v.num[FIG_RESPONSE] == 0);
    report_judge(&rs, &f, T0 + D, &v); /* at the sign deadline: not judged yet */
    CHECK(v.den[FIG_SIGN] == 0 && v.den[FIG_RESPONSE] == 0);
}

static void test_score(void)
{
    struct ruleset rs;
    ruleset_default(&rs);
    struct tally t = {0};
    CHECK(tally_score(&t, &rs) < 0); /* nothing to score: no value, not 0 */
    CHECK(tally_rate(&t, FIG_REPLY) < 0);
    t.den[FIG_RESPONSE] = 4;
    t.num[FIG_RESPONSE] = 300; /* 75 % */
    CHECK(fabs(tally_score(&t, &rs) - 75) < 1e-9); /* the only rate with a value */
    t.den[FIG_RESOLUTION] = 2;
    t.num[FIG_RESOLUTION] = 200;
    t.den[FIG_SATISFACTION] = 2;
    t.num[FIG_SATISFACTION] = 150; /* 75 % */
    /* (30*75 + 35*100 + 35*75) / 100 = 83.75 */
    CHECK(fabs(tally_score(&t, &rs) - 83.75) < 1e-9);
    CHECK_INT(tally_count(&t, FIG_SATISFACTION), 1);
    t.den[FIG_REPLY] = 10; /* reply weighs 0 by default: no effect */
    CHECK(fabs(tally_score(&t, &rs) - 83.75) < 1e-9);
}

static void test_rules_json(void)
{
    struct err e = {0};
    struct ruleset def, rs;
    ruleset_default(&def);
    CHECK_INT(ruleset_check(&def, &e), 0);
    /* JSON round trip of the default. */
    json_t *j = ruleset_to_json(&def);
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    CHECK_INT(ruleset_from_json(text, &rs, &e), 0);
    free(text);
    CHECK(!memcmp(rs.weight, def.weight, sizeof(rs.weight)));
    CHECK(!memcmp(rs.limits.handle, def.limits.handle, sizeof(rs.limits.handle)));
    CHECK_INT(rs.basic_share, 100);
    /* The version-1 body a migration stores is the default, field for field. */
    struct service svc;
    CHECK_INT(service_open(&svc, ":memory:", OPEN_CREATE, &e), 0);
    CHECK_INT(svc_rules_get(&svc, &svc_system, 1, &rs, &e), 0);
    CHECK_INT(rs.version, 1);
    CHECK(!memcmp(rs.weight, def.weight, sizeof(rs.weight)));
    CHECK(!memcmp(rs.limits.handle, def.limits.handle, sizeof(rs.limits.handle)));
    CHECK(!memcmp(rs.limits.sign, def.limits.sign, sizeof(rs.limits.sign)));
    CHECK(rs.limits.complex.amount == def.limits.complex.amount &&
          rs.limits.max_ext_days == def.limits.max_ext_days &&
          rs.limits.max_extensions == def.limits.max_extensions);
    CHECK_INT(rs.response_contact, 1);
    CHECK(rs.basic_share == def.basic_share && rs.partly_share == def.partly_share &&
          rs.exclude_rejected == def.exclude_rejected && rs.exclude_merged == def.exclude_merged &&
          rs.min_volume == def.min_volume);
    CHECK_INT(svc_rules_get(&svc, &svc_system, 2, &rs, &e), -1);
    CHECK_INT(e.code, ERR_NOT_FOUND);
    CHECK(strstr(e.msg, "version 2") != NULL);
    /* A handler may not add a version; a bad body stores nothing. */
    struct actor handler = {.role = ROLE_HANDLER, .unit_id = 2};
    CHECK_INT(svc_rules_add(&svc, &handler, "{\"name\":\"x\"}", T0, &rs, &e), -1);
    CHECK_INT(e.code, ERR_FORBIDDEN);
    struct actor sys = {.role = ROLE_SYSTEM};
    CHECK_INT(svc_rules_add(&svc, &sys, "{\"name\":\"x\",\"min_volume\":-1}", T0, &rs, &e), -1);
    CHECK_STR(e.field, "min_volume");
    CHECK_INT(svc_rules_add(&svc, &sys, "{\"name\":\"y\",\"min_volume\":3}", T0, &rs, &e), 0);
    CHECK_INT(rs.version, 2);
    struct ruleset *list;
    size_t n;
    CHECK_INT(svc_rules_list(&svc, &svc_system, &list, &n, &e), 0);
    CHECK_INT(n, 2);
    CHECK_INT(list[1].min_volume, 3);
    free(list);
    service_close(&svc);

    static const struct {
        const char *json, *field;
    } bad[] = {
        {"[]", "rules"},
        {"{\"name\":\"\"}", "name"},
        {"{\"weights\":{\"reply_rate\":\"ten\"}}", "weights"},
        {"{\"weights\":{\"reply_rate\":-5}}", "weights"},
        {"{\"exclude\":[\"closed\"]}", "exclude"},
        {"{\"time_limits\":{\"sign\":[\"1 hours\"]}}", "time_limits.sign"},
        {"{\"time_limits\":{\"complex\":\"0 workdays\"}}", "time_limits.complex"},
        {"{\"time_limits\":{\"handle\":{\"gossip\":[\"1 hours\",\"1 hours\",\"1 hours\"]}}}",
         "gossip"},
        {"{\"name\":\"a\",\"name\":\"b\"}", "rules"},
        {"{\"response_needs_contact\":1}", "response_needs_contact"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err_clear(&e);
        CHECK_INT(ruleset_from_json(bad[i].json, &rs, &e), -1);
        if (strcmp(e.field, bad[i].field) != 0)
            fprintf(stderr, "rule set %s: field '%s' (%s), want '%s'\n", bad[i].json, e.field,
                    e.msg, bad[i].field);
        CHECK_STR(e.field, bad[i].field);
    }
}

static void test_terms(void)
{
    struct terms *t = terms_new();
    terms_stop(t, "小坪村");
    terms_add(t, 1, "小坪村夜间停车难，停车位不足");
    terms_add(t, 2, "南庄坪街道停车收费问题");
    terms_add(t, 3, "小坪村自来水管道漏水");
    terms_add(t, 4, "楼道漏水严重");
    terms_add(t, 5, "希望解决停车问题");
    struct term top[4];
    size_t n = terms_top(t, top, 4, 2);
    CHECK_INT(n, 2);
    CHECK_STR(top[0].text, "停车"); /* 3 appeals; twice in appeal 1 counts once */
    CHECK_INT(top[0].count, 3);
    CHECK_INT(top[0].nsample, 3);
    CHECK_INT(top[0].sample[0], 1);
    CHECK_STR(top[1].text, "漏水");
    CHECK_INT(top[1].count, 2);
    terms_free(t);

    /* Words every title has are no recurring problem: 时间, 服务, 何时, and the pair a
     * particle starts ("的问" of "的问题"). */
    t = terms_new();
    static const char *const titles[] = {"办事时间太长的问题", "何时提供上门服务的问题",
                                         "服务时间何时延长的问题"};
    for (int i = 0; i < 3; i++)
        terms_add(t, i + 1, titles[i]);
    n = terms_top(t, top, 4, 2);
    for (size_t i = 0; i < n; i++) {
        CHECK(strcmp(top[i].text, "时间") != 0 && strcmp(top[i].text, "服务") != 0);
        CHECK(strcmp(top[i].text, "何时") != 0 && strcmp(top[i].text, "的问") != 0);
    }
    CHECK_INT(n, 0);
    terms_free(t);
}

int main(void)
{
    test_judge();
    test_response_without_contact();
    test_score();
    test_rules_json();
    test_terms();
    return test_done("test_assess");
}
