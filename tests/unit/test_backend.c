/* test_backend.c -- the backend conformance test: the same checks against whichever store
 * SHISHI_TEST_DB_URL names (an EMPTY database; tests/pg/run_test.sh makes one on a
 * throwaway PostgreSQL cluster), or a fresh SQLite file in a temporary directory when it is
 * unset. Only store.h and service.h calls: no SQL, so every backend answers the same test.
 * Covers migrations, settings, the organisation and reference lists (duplicates, unknowns),
 * limits and calendar rows, counters, a whole appeal life, merge and reject, list filters
 * and sort, the report, the audit, stale versions (one handle and two), fault injection,
 * sessions and throttling, and nested transactions. */
#include "store/store.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "service/service.h"
#include "test.h"
#include "util/civil.h"

#include "util/banned.h"

static char dir[64];
static char url[512];

static int64_t T(const char *s)
{
    int64_t t = 0;
    if (civil_parse_instant(s, &t) < 0) {
        fprintf(stderr, "test bug: bad instant %s\n", s);
        abort();
    }
    return t;
}

static void cleanup(void)
{
    if (!dir[0])
        return;
    const char *names[] = {"backend.db", "backend.db-wal", "backend.db-shm"};
    char p[128];
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
        unlink(p);
    }
    rmdir(dir);
}

static void must(int rc, const struct err *e, const char *what)
{
    if (rc < 0) {
        fprintf(stderr, "setup failed: %s: %s\n", what, e->msg);
        CHECK_INT(rc, 0);
        cleanup();
        exit(1);
    }
}

static void expect_err(int rc, const struct err *e, int code, const char *needle)
{
    CHECK_INT(rc, -1);
    CHECK_INT(e->code, code);
    if (needle && !strstr(e->msg, needle))
        fprintf(stderr, "message \"%s\" lacks \"%s\"\n", e->msg, needle);
    CHECK(!needle || strstr(e->msg, needle) != NULL);
}

struct org {
    struct actor disp, h_zjj, h_cgj, leader;
};

static int reg(struct service *svc, const struct org *o, const char *at, const char *kind,
               const char *channel, const char *area, char code[APPEAL_CODE_LEN], struct err *e)
{
    struct register_req r;
    memset(&r, 0, sizeof(r));
    r.title = "小区路灯不亮";
    r.content = "永定路12号小区门口路灯坏了一个月。'; DROP TABLE appeals; -- <b>";
    r.channel = channel;
    r.kind = kind;
    r.area = area;
    r.citizen_name = "张三丰";
    r.phone = "13812345678";
    r.at = T(at);
    struct appeal a;
    if (svc_register(svc, &o->disp, &r, &a, e) < 0)
        return -1;
    snprintf(code, APPEAL_CODE_LEN, "%s", a.code);
    appeal_release(&a);
    return 0;
}

static struct act_req req_of(int type, const char *code, const char *at)
{
    struct act_req r;
    memset(&r, 0, sizeof(r));
    r.type = type;
    r.code = code;
    r.at = T(at);
    return r;
}

static int act(struct service *svc, const struct actor *who, const struct act_req *r, struct err *e)
{
    struct appeal a;
    int rc = svc_act(svc, who, r, &a, e);
    if (rc == 0)
        appeal_release(&a);
    return rc;
}

static int get(struct service *svc, const char *code, struct appeal *a)
{
    struct err e = {0};
    return store_appeal_by_code(svc->st, code, a, &e);
}

static int count_event(const struct event *ev, void *ctx)
{
    (void)ev;
    (*(int64_t *)ctx)++;
    return 0;
}

struct snap {
    int64_t version, events, head_id, appeals;
    int state;
    char head[65];
};

static void snap_take(struct service *svc, const char *code, struct snap *s)
{
    struct err e = {0};
    memset(s, 0, sizeof(*s));
    struct appeal a;
    if (code && get(svc, code, &a) == 0) {
        s->version = a.version;
        s->state = a.state;
        appeal_release(&a);
    }
    CHECK_INT(store_event_scan(svc->st, count_event, &s->events, &e), 0);
    CHECK_INT(store_chain_head(svc->st, &s->head_id, s->head, &e), 0);
    struct appeal_filter f;
    memset(&f, 0, sizeof(f));
    struct appeal_list l;
    CHECK_INT(store_appeal_list(svc->st, &f, &l, &e), 0);
    s->appeals = l.total;
    appeal_list_release(&l);
}

static int snap_same(const struct snap *a, const struct snap *b)
{
    return a->version == b->version && a->state == b->state && a->events == b->events &&
           a->head_id == b->head_id && !strcmp(a->head, b->head) && a->appeals == b->appeals;
}

/* ---- schema, settings, organisation ------------------------------------------------------ */

static void test_schema(struct service *svc)
{
    struct err e = {0};
    int applied = -1, known = -1;
    CHECK_INT(store_schema_version(svc->st, &applied, &known, &e), 0);
    CHECK(known >= 5);
    CHECK_INT(applied, known);
    /* Migrating again changes nothing. */
    CHECK_INT(store_migrate(svc->st, &e), 0);
    CHECK_INT(store_schema_version(svc->st, &applied, &known, &e), 0);
    CHECK_INT(applied, known);
}

static void test_settings(struct service *svc)
{
    struct err e = {0};
    char buf[64];
    CHECK_INT(store_setting_get(svc->st, "site_name", buf, sizeof(buf), &e), 0);
    CHECK_STR(buf, "永定区");
    CHECK_INT(store_setting_get(svc->st, "code_prefix", buf, sizeof(buf), &e), 0);
    CHECK_STR(buf, "YD");
    CHECK_INT(store_setting_get(svc->st, "row_digest_from", buf, sizeof(buf), &e), 0);
    CHECK_STR(buf, "1");
    CHECK_INT(store_setting_set(svc->st, "zone", "Asia/Shanghai", &e), 0);
    CHECK_INT(store_setting_set(svc->st, "zone", "亚洲/上海", &e), 0);
    CHECK_INT(store_setting_get(svc->st, "zone", buf, sizeof(buf), &e), 0);
    CHECK_STR(buf, "亚洲/上海");
    char small[4];
    CHECK_INT(store_setting_get(svc->st, "code_prefix", small, sizeof(small), &e), 0);
    CHECK_STR(small, "YD");
    expect_err(store_setting_get(svc->st, "nope", buf, sizeof(buf), &e), &e, ERR_NOT_FOUND,
               "'nope'");
}

static void test_org(struct service *svc, struct org *o)
{
    struct err e = {0};
    struct unit u, got;
    must(svc_unit_add(svc, &svc_system, "住建局", "zjj", "department", NULL, &u, &e), &e, "unit");
    CHECK(u.id > 0);
    must(svc_unit_add(svc, &svc_system, "城管局", "cgj", "department", NULL, NULL, &e), &e, "unit");
    must(svc_unit_add(svc, &svc_system, "永定街道", NULL, "street", NULL, NULL, &e), &e, "unit");
    must(svc_unit_add(svc, &svc_system, "永定社区", "sq1", "community", "永定街道", NULL, &e), &e, "unit");
    CHECK_INT(store_unit_find(svc->st, "zjj", &got, &e), 0);
    CHECK_INT(got.id, u.id);
    CHECK_STR(got.name, "住建局");
    CHECK_INT(got.active, 1);
    CHECK_INT(store_unit_find(svc->st, "城管局", &got, &e), 0);
    CHECK_STR(got.code, "cgj");
    CHECK_INT(store_unit_get(svc->st, u.id, &got, &e), 0);
    CHECK_STR(got.code, "zjj");
    struct unit street;
    CHECK_INT(store_unit_find(svc->st, "永定街道", &street, &e), 0);
    CHECK_STR(street.code, "U0001");
    CHECK_INT(store_unit_find(svc->st, "sq1", &got, &e), 0);
    CHECK_INT(got.parent_id, street.id);
    struct unit *units = NULL;
    size_t n = 0;
    CHECK_INT(store_unit_list(svc->st, &units, &n, &e), 0);
    CHECK_INT(n, 4);
    if (n == 4) {
        CHECK_STR(units[0].name, "住建局");
        CHECK_STR(units[3].name, "永定社区");
        CHECK(units[0].id < units[1].id && units[2].id < units[3].id);
    }
    free(units);
    /* Duplicates straight at the store, and unknowns named in the message. */
    struct unit dup;
    memset(&dup, 0, sizeof(dup));
    snprintf(dup.code, sizeof(dup.code), "zjj2");
    snprintf(dup.name, sizeof(dup.name), "住建局");
    dup.kind = UNIT_DEPARTMENT;
    expect_err(store_unit_add(svc->st, &dup, &e), &e, ERR_CONFLICT, "住建局");
    snprintf(dup.name, sizeof(dup.name), "别的局");
    snprintf(dup.code, sizeof(dup.code), "cgj");
    expect_err(store_unit_add(svc->st, &dup, &e), &e, ERR_CONFLICT, "cgj");
    expect_err(svc_unit_add(svc, &svc_system, "城管局", NULL, "department", NULL, NULL, &e), &e, ERR_CONFLICT,
               "城管局");
    expect_err(store_unit_find(svc->st, "不存在局", &got, &e), &e, ERR_NOT_FOUND, "不存在局");
    expect_err(store_unit_get(svc->st, 9999, &got, &e), &e, ERR_NOT_FOUND, "9999");

    must(svc_user_add(svc, &svc_system, "disp", "派单员甲", "dispatcher", NULL, "13900001111", NULL, NULL, &e),
         &e, "user");
    must(svc_user_add(svc, &svc_system, "h_zjj", "", "handler", "住建局", NULL, "s3cret-pass", NULL, &e), &e,
         "user");
    must(svc_user_add(svc, &svc_system, "h_cgj", "", "handler", "城管局", NULL, NULL, NULL, &e), &e, "user");
    must(svc_user_add(svc, &svc_system, "boss", "", "leader", NULL, NULL, NULL, NULL, &e), &e, "user");
    struct user us;
    CHECK_INT(store_user_find(svc->st, "h_zjj", &us, &e), 0);
    CHECK_INT(us.unit_id, u.id);
    CHECK(us.password_hash[0] != 0);
    CHECK_INT(svc_password_check(&us, "s3cret-pass", &e), 0);
    struct user us2;
    CHECK_INT(store_user_get(svc->st, us.id, &us2, &e), 0);
    CHECK_STR(us2.username, "h_zjj");
    CHECK_INT(store_user_find(svc->st, "disp", &us2, &e), 0);
    CHECK_STR(us2.name, "派单员甲");
    CHECK_STR(us2.phone, "13900001111");
    CHECK_INT(us2.unit_id, 0);
    struct user *users = NULL;
    CHECK_INT(store_user_list(svc->st, &users, &n, &e), 0);
    CHECK_INT(n, 4);
    free(users);
    us2.id = 0;
    expect_err(store_user_add(svc->st, &us2, &e), &e, ERR_CONFLICT, "disp");
    expect_err(store_user_find(svc->st, "nobody", &us2, &e), &e, ERR_NOT_FOUND, "nobody");
    expect_err(store_user_get(svc->st, 777, &us2, &e), &e, ERR_NOT_FOUND, "777");

    /* Areas and channels: the seeded rows, adding, duplicates, unknowns, enabling. */
    struct ref *refs = NULL;
    CHECK_INT(store_ref_list(svc->st, REF_AREA, &refs, &n, &e), 0);
    CHECK_INT(n, 10);
    if (n == 10) {
        CHECK_STR(refs[0].name, "就学");
        CHECK_STR(refs[9].code, "hardship");
    }
    free(refs);
    CHECK_INT(store_ref_list(svc->st, REF_CHANNEL, &refs, &n, &e), 0);
    CHECK_INT(n, 6);
    if (n == 6)
        CHECK_STR(refs[1].name, "12345热线");
    free(refs);
    struct ref r, r2;
    CHECK_INT(svc_ref_add(svc, &svc_system, REF_AREA, "生态", "eco", 11, &r, &e), 0);
    CHECK(r.id > 0);
    CHECK_INT(store_ref_get(svc->st, REF_AREA, r.id, &r2, &e), 0);
    CHECK_STR(r2.name, "生态");
    CHECK_INT(r2.sort, 11);
    CHECK_INT(store_ref_find(svc->st, REF_AREA, "eco", &r2, &e), 0);
    CHECK_INT(r2.id, r.id);
    struct ref d;
    memset(&d, 0, sizeof(d));
    snprintf(d.code, sizeof(d.code), "eco");
    snprintf(d.name, sizeof(d.name), "生态2");
    expect_err(store_ref_add(svc->st, REF_AREA, &d, &e), &e, ERR_CONFLICT, "area");
    snprintf(d.code, sizeof(d.code), "wechat2");
    snprintf(d.name, sizeof(d.name), "微信群");
    expect_err(store_ref_add(svc->st, REF_CHANNEL, &d, &e), &e, ERR_CONFLICT, "channel");
    expect_err(store_ref_find(svc->st, REF_CHANNEL, "飞鸽", &r2, &e), &e, ERR_NOT_FOUND, "飞鸽");
    expect_err(store_ref_get(svc->st, REF_AREA, 4242, &r2, &e), &e, ERR_NOT_FOUND, "4242");
    CHECK_INT(svc_ref_set_active(svc, &svc_system, REF_AREA, "生态", 0, &e), 0);
    CHECK_INT(store_ref_get(svc->st, REF_AREA, r.id, &r2, &e), 0);
    CHECK_INT(r2.active, 0);
    CHECK_INT(store_ref_set_active(svc->st, REF_AREA, r.id, 1, &e), 0);
    CHECK_INT(store_ref_get(svc->st, REF_AREA, r.id, &r2, &e), 0);
    CHECK_INT(r2.active, 1);

    must(svc_actor(svc, "disp", &o->disp, &e), &e, "actor");
    must(svc_actor(svc, "h_zjj", &o->h_zjj, &e), &e, "actor");
    must(svc_actor(svc, "h_cgj", &o->h_cgj, &e), &e, "actor");
    must(svc_actor(svc, "boss", &o->leader, &e), &e, "actor");
}

/* ---- rules, calendar, counters ------------------------------------------------------------ */

static void test_rules(struct service *svc)
{
    struct err e = {0};
    struct time_limit lim = {4, LIMIT_WORKDAYS};
    CHECK_INT(store_limit_set(svc->st, KIND_CONSULT, 0, lim, &e), 0);
    lim.amount = 5;
    CHECK_INT(store_limit_set(svc->st, KIND_CONSULT, 0, lim, &e), 0);
    struct limits l;
    memset(&l, 0, sizeof(l));
    CHECK_INT(store_limits_load(svc->st, &l, &e), 0);
    CHECK_INT(l.handle[KIND_CONSULT][0].amount, 5);
    CHECK_INT(l.handle[KIND_CONSULT][0].unit, LIMIT_WORKDAYS);
    lim.amount = 3; /* back to the default, so the life below keeps its usual deadlines */
    CHECK_INT(store_limit_set(svc->st, KIND_CONSULT, 0, lim, &e), 0);

    CHECK_INT(svc_calendar_set_weekends(svc, &svc_system, 2099, &e), 0);
    CHECK_INT(svc_calendar_set_day(svc, &svc_system, "2099-03-02", "holiday", "测试假日", &e), 0);
    CHECK_INT(svc_calendar_set_day(svc, &svc_system, "2099-03-02", "休", "改名假日", &e), 0);
    CHECK_INT(svc_calendar_set_day(svc, &svc_system, "2099-03-07", "workday", "调休", &e), 0);
    struct calendar cal;
    calendar_init(&cal);
    CHECK_INT(store_calendar_load(svc->st, &cal, &e), 0);
    CHECK_INT(calendar_year_mode(&cal, 2099), CAL_YEAR_WEEKENDS);
    int64_t mon = 0, sat = 0;
    int work = -1;
    CHECK_INT(civil_parse_date_checked("2099-03-02", &mon, &e), 0);
    CHECK_INT(civil_parse_date_checked("2099-03-07", &sat, &e), 0);
    CHECK_INT(calendar_is_workday(&cal, mon, &work, &e), 0);
    CHECK_INT(work, 0); /* a Monday made a holiday */
    CHECK_INT(calendar_is_workday(&cal, sat, &work, &e), 0);
    CHECK_INT(work, 1); /* a Saturday made a workday */
    calendar_release(&cal);

    int64_t v = -1;
    CHECK_INT(store_counter_peek(svc->st, "t_counter", &v, &e), 0);
    CHECK_INT(v, 0);
    CHECK_INT(store_counter_next(svc->st, "t_counter", &v, &e), 0);
    CHECK_INT(v, 1);
    CHECK_INT(store_counter_next(svc->st, "t_counter", &v, &e), 0);
    CHECK_INT(v, 2);
    CHECK_INT(store_counter_peek(svc->st, "t_counter", &v, &e), 0);
    CHECK_INT(v, 2);
    CHECK_INT(store_counter_next(svc->st, "其他计数", &v, &e), 0);
    CHECK_INT(v, 1);
}

/* ---- appeals ------------------------------------------------------------------------------ */

static char life[APPEAL_CODE_LEN], merged[APPEAL_CODE_LEN], rejected[APPEAL_CODE_LEN];

static void test_life(struct service *svc, const struct org *o)
{
    struct err e = {0};
    must(reg(svc, o, "2021-11-01T09:00:00+08:00", "投诉", "hotline", "宜居", life, &e), &e, "reg");
    CHECK_STR(life, "YD202111010001");
    struct act_req r = req_of(ACT_DISPATCH, life, "2021-11-01T10:00:00+08:00");
    r.unit = "住建局";
    r.assist[0] = "永定街道";
    r.assist[1] = "城管局";
    r.n_assist = 2;
    must(act(svc, &o->disp, &r, &e), &e, "dispatch");
    struct appeal a;
    CHECK_INT(get(svc, life, &a), 0);
    CHECK_INT(a.state, ST_DISPATCHED);
    CHECK_INT(a.n_assist, 2);
    struct unit street, cgj, zjj;
    must(store_unit_find(svc->st, "永定街道", &street, &e), &e, "unit");
    must(store_unit_find(svc->st, "城管局", &cgj, &e), &e, "unit");
    must(store_unit_find(svc->st, "住建局", &zjj, &e), &e, "unit");
    if (a.n_assist == 2) { /* in the order given, not by id */
        CHECK_INT(a.assist[0], street.id);
        CHECK_INT(a.assist[1], cgj.id);
    }
    CHECK_INT(a.lead_unit_id, zjj.id);
    CHECK(strstr(a.content, "DROP TABLE") != NULL); /* stored verbatim */
    appeal_release(&a);

    r = req_of(ACT_ACCEPT, life, "2021-11-02T10:00:00+08:00");
    must(act(svc, &o->h_zjj, &r, &e), &e, "accept");
    r = req_of(ACT_EXTEND, life, "2021-11-04T09:00:00+08:00");
    r.ext_days = 5;
    r.reason = "需协调供电公司";
    must(act(svc, &o->h_zjj, &r, &e), &e, "extend");
    CHECK_INT(get(svc, life, &a), 0);
    int64_t deadline = a.deadline;
    CHECK(a.ext_requested > a.deadline);
    appeal_release(&a);
    r = req_of(ACT_EXTEND_APPROVE, life, "2021-11-05T09:00:00+08:00");
    must(act(svc, &o->disp, &r, &e), &e, "extend-approve");
    CHECK_INT(get(svc, life, &a), 0);
    CHECK(a.deadline > deadline);
    CHECK_INT(a.ext_count, 1);
    appeal_release(&a);
    r = req_of(ACT_REPLY, life, "2021-11-08T16:00:00+08:00");
    r.text = "已更换路灯控制器";
    r.evidence[0] = "photo-1.jpg";
    r.n_evidence = 1;
    must(act(svc, &o->h_zjj, &r, &e), &e, "reply");
    r = req_of(ACT_VISIT, life, "2021-11-09T10:00:00+08:00");
    r.solved = "no";
    r.satisfaction = "不满意";
    must(act(svc, &o->disp, &r, &e), &e, "visit unsatisfied");
    CHECK_INT(get(svc, life, &a), 0);
    CHECK_INT(a.state, ST_ACCEPTED); /* the automatic redo */
    CHECK_INT(a.redo_count, 1);
    appeal_release(&a);
    r = req_of(ACT_REPLY, life, "2021-11-10T16:00:00+08:00");
    r.text = "已彻底修复";
    r.evidence[0] = "photo-2.jpg";
    r.n_evidence = 1;
    must(act(svc, &o->h_zjj, &r, &e), &e, "reply again");
    r = req_of(ACT_VISIT, life, "2021-11-11T10:00:00+08:00");
    r.solved = "yes";
    r.satisfaction = "满意";
    must(act(svc, &o->disp, &r, &e), &e, "visit");
    r = req_of(ACT_CLOSE, life, "2021-11-12T10:00:00+08:00");
    r.note = "办结";
    must(act(svc, &o->disp, &r, &e), &e, "close");

    struct event_list hist;
    CHECK_INT(svc_show(svc, &svc_system, life, &a, &hist, &e), 0);
    CHECK_INT(a.state, ST_CLOSED);
    CHECK_STR(a.reply_text, "已彻底修复");
    CHECK_INT(hist.n, 11); /* register ... close, with the redo */
    CHECK_INT(a.last_seq, 11);
    CHECK_INT(a.version, 11);
    if (hist.n == 11) {
        CHECK_STR(hist.items[0].action, "register");
        CHECK_STR(hist.items[7].action, "redo");
        CHECK_STR(hist.items[10].action, "close");
        for (size_t i = 1; i < hist.n; i++)
            CHECK_INT(hist.items[i].seq, hist.items[i - 1].seq + 1);
    }
    appeal_release(&a);
    event_list_release(&hist);

    /* Merge and reject. */
    char target[APPEAL_CODE_LEN];
    must(reg(svc, o, "2021-11-02T09:00:00+08:00", "咨询", "微信群", "就医", target, &e), &e, "r");
    must(reg(svc, o, "2021-11-02T09:30:00+08:00", "咨询", "wechat", "就医", merged, &e), &e, "r");
    r = req_of(ACT_MERGE, merged, "2021-11-02T10:00:00+08:00");
    r.into = target;
    must(act(svc, &o->disp, &r, &e), &e, "merge");
    CHECK_INT(get(svc, merged, &a), 0);
    CHECK_INT(a.state, ST_MERGED);
    struct appeal t;
    CHECK_INT(get(svc, target, &t), 0);
    CHECK_INT(a.merged_into, t.id);
    appeal_release(&t);
    appeal_release(&a);
    must(reg(svc, o, "2021-11-03T09:00:00+08:00", "建议", "visit", NULL, rejected, &e), &e, "r");
    r = req_of(ACT_REJECT, rejected, "2021-11-03T10:00:00+08:00");
    r.reason = "不属于受理范围";
    must(act(svc, &o->disp, &r, &e), &e, "reject");
    CHECK_INT(get(svc, rejected, &a), 0);
    CHECK_INT(a.state, ST_REJECTED);
    CHECK_INT(a.area_id, 0);
    appeal_release(&a);

    expect_err(store_appeal_by_code(svc->st, "YD209901010009", &a, &e), &e, ERR_NOT_FOUND,
               "YD209901010009");
    expect_err(store_appeal_get(svc->st, 999999, &a, &e), &e, ERR_NOT_FOUND, "999999");
    r = req_of(ACT_URGE, "YD209901010009", "2021-11-09T10:00:00+08:00");
    expect_err(act(svc, &o->leader, &r, &e), &e, ERR_NOT_FOUND, "YD209901010009");
}

static size_t list_n(struct service *svc, struct list_req *lr, char codes[][APPEAL_CODE_LEN],
                     int64_t *total)
{
    struct err e = {0};
    struct appeal_list l;
    if (svc_list(svc, &svc_system, lr, &l, &e) < 0) {
        fprintf(stderr, "svc_list: %s\n", e.msg);
        CHECK(0);
        return 0;
    }
    size_t n = l.n;
    for (size_t i = 0; i < l.n && codes; i++)
        snprintf(codes[i], APPEAL_CODE_LEN, "%s", l.items[i].code);
    if (total)
        *total = l.total;
    appeal_list_release(&l);
    return n;
}

static void test_list_report(struct service *svc)
{
    struct list_req lr;
    char codes[16][APPEAL_CODE_LEN];
    int64_t total;
    memset(&lr, 0, sizeof(lr));
    CHECK_INT(list_n(svc, &lr, codes, &total), 4);
    CHECK_INT(total, 4);
    memset(&lr, 0, sizeof(lr));
    lr.sort = "-received";
    CHECK_INT(list_n(svc, &lr, codes, NULL), 4);
    CHECK_STR(codes[0], rejected);
    CHECK_STR(codes[3], life);
    lr.limit = 2;
    lr.offset = 1;
    CHECK_INT(list_n(svc, &lr, codes, &total), 2);
    CHECK_INT(total, 4);
    CHECK_STR(codes[0], merged);
    memset(&lr, 0, sizeof(lr));
    lr.state = "closed";
    CHECK_INT(list_n(svc, &lr, codes, NULL), 1);
    CHECK_STR(codes[0], life);
    memset(&lr, 0, sizeof(lr));
    lr.unit = "城管局"; /* assisting unit */
    CHECK_INT(list_n(svc, &lr, codes, NULL), 1);
    memset(&lr, 0, sizeof(lr));
    lr.area = "就医";
    lr.sort = "code";
    CHECK_INT(list_n(svc, &lr, codes, NULL), 2);
    CHECK_STR(codes[1], merged);
    memset(&lr, 0, sizeof(lr));
    lr.channel = "visit";
    CHECK_INT(list_n(svc, &lr, codes, NULL), 1);
    CHECK_STR(codes[0], rejected);
    memset(&lr, 0, sizeof(lr));
    lr.from = "2021-11-02";
    lr.to = "2021-11-02";
    CHECK_INT(list_n(svc, &lr, codes, NULL), 2);
    memset(&lr, 0, sizeof(lr));
    lr.overdue = 1;
    lr.now = T("2021-12-01T00:00:00+08:00");
    CHECK_INT(list_n(svc, &lr, codes, NULL), 0);

    struct err e = {0};
    struct report rep;
    CHECK_INT(svc_report(svc, &svc_system, "2021-11-01", "2021-11-30", 0, T("2021-12-01T00:00:00+08:00"), &rep,
                         &e),
              0);
    CHECK_INT(rep.total.received, 4);
    CHECK_INT(tally_count(&rep.total, FIG_REPLY), 1);
    CHECK_INT(rep.by_state[ST_CLOSED], 1);
    CHECK_INT(rep.by_state[ST_MERGED], 1);
    CHECK_INT(rep.by_state[ST_REJECTED], 1);
    CHECK_INT(rep.by_state[ST_RECEIVED], 1);
    report_release(&rep);

    struct audit_result res;
    CHECK_INT(svc_audit_verify(svc, &svc_system, &res, &e), 0);
    if (!res.ok)
        fprintf(stderr, "audit: %s\n", res.problem);
    CHECK_INT(res.ok, 1);
    CHECK_INT(res.appeals, 4);
    CHECK_INT(res.events, 11 + 3 + 2);
}

/* ---- versions, two handles ---------------------------------------------------------------- */

static void test_versions(struct service *svc, const struct org *o)
{
    struct err e = {0};
    char code[APPEAL_CODE_LEN];
    must(reg(svc, o, "2021-11-08T09:00:00+08:00", "咨询", "hotline", NULL, code, &e), &e, "reg");
    struct appeal a;
    CHECK_INT(store_appeal_by_code(svc->st, code, &a, &e), 0);
    a.urge_count = 99;
    a.version = 2;
    expect_err(store_appeal_update(svc->st, &a, 7, &e), &e, ERR_CONFLICT, code);
    CHECK_STR(e.field, "version");
    appeal_release(&a);

    struct snap before, after;
    snap_take(svc, code, &before);
    struct act_req r = req_of(ACT_URGE, code, "2021-11-08T10:00:00+08:00");
    r.expected_version = 5;
    expect_err(act(svc, &o->leader, &r, &e), &e, ERR_CONFLICT, code);
    snap_take(svc, code, &after);
    CHECK(snap_same(&before, &after));
    r.expected_version = 1;
    CHECK_INT(act(svc, &o->leader, &r, &e), 0);

    /* A second handle on the same database: each sees the other's writes, and of two
     * writers holding version 2 the second loses. */
    struct service svc2;
    must(service_open(&svc2, url, OPEN_EXISTING, &e), &e, "second service");
    CHECK_INT(get(&svc2, code, &a), 0);
    CHECK_INT(a.version, 2);
    CHECK_INT(a.urge_count, 1);
    appeal_release(&a);
    struct act_req r1 = req_of(ACT_DISPATCH, code, "2021-11-08T11:00:00+08:00");
    r1.unit = "住建局";
    r1.expected_version = 2;
    struct act_req r2 = r1;
    r2.unit = "城管局";
    CHECK_INT(act(&svc2, &o->disp, &r1, &e), 0);
    CHECK_INT(get(svc, code, &a), 0);
    CHECK_INT(a.version, 3);
    appeal_release(&a);
    snap_take(svc, code, &before);
    expect_err(act(svc, &o->disp, &r2, &e), &e, ERR_CONFLICT, code);
    snap_take(&svc2, code, &after);
    CHECK(snap_same(&before, &after));
    /* The chain stays one chain across the two writers. */
    r = req_of(ACT_URGE, code, "2021-11-08T12:00:00+08:00");
    CHECK_INT(act(svc, &o->leader, &r, &e), 0);
    r = req_of(ACT_SUPERVISE, code, "2021-11-08T13:00:00+08:00");
    CHECK_INT(act(&svc2, &o->disp, &r, &e), 0);
    struct audit_result res;
    CHECK_INT(svc_audit_verify(&svc2, &svc_system, &res, &e), 0);
    CHECK_INT(res.ok, 1);
    service_close(&svc2);
}

/* ---- fault injection ---------------------------------------------------------------------- */

static void test_faults(struct service *svc, const struct org *o)
{
    struct err e = {0};
    char code[APPEAL_CODE_LEN];
    struct snap before, after;
    int first_ok = 0;
    for (int n = 1; n <= 6; n++) {
        struct err e2 = {0};
        must(reg(svc, o, "2021-11-15T09:00:00+08:00", "投诉", "hotline", NULL, code, &e2), &e2,
             "register");
        snap_take(svc, code, &before);
        store_fail_after(svc->st, n);
        memset(&e, 0, sizeof(e));
        struct act_req r = req_of(ACT_DISPATCH, code, "2021-11-15T10:00:00+08:00");
        r.unit = "住建局";
        int rc = act(svc, &o->disp, &r, &e);
        store_fail_after(svc->st, 0);
        snap_take(svc, code, &after);
        if (rc < 0) {
            CHECK(!first_ok);
            CHECK_INT(e.code, ERR_DB);
            CHECK(strstr(e.msg, "injected") != NULL);
            if (!snap_same(&before, &after))
                fprintf(stderr, "dispatch with write %d failing left something behind\n", n);
            CHECK(snap_same(&before, &after));
            CHECK_INT(act(svc, &o->disp, &r, &e), 0); /* and it goes through after */
            snap_take(svc, code, &after);
        } else if (!first_ok) {
            first_ok = n;
        }
        CHECK_INT(after.state, ST_DISPATCHED);
        CHECK_INT(after.version, before.version + 1);
        CHECK_INT(after.events, before.events + 1);
        CHECK_INT(after.head_id, before.head_id + 1);
    }
    CHECK(first_ok >= 3);
    struct audit_result res;
    CHECK_INT(svc_audit_verify(svc, &svc_system, &res, &e), 0);
    CHECK_INT(res.ok, 1);
}

/* ---- sessions, throttling, transactions --------------------------------------------------- */

static void test_sessions(struct service *svc)
{
    struct err e = {0};
    struct user u;
    must(store_user_find(svc->st, "disp", &u, &e), &e, "user");
    struct session_row s, g;
    memset(&s, 0, sizeof(s));
    snprintf(s.token_hash, sizeof(s.token_hash), "%064d", 1);
    snprintf(s.csrf, sizeof(s.csrf), "csrf-1");
    s.user_id = u.id;
    s.created_at = 1000;
    s.expires_at = 2000;
    CHECK_INT(store_session_add(svc->st, &s, &e), 0);
    expect_err(store_session_add(svc->st, &s, &e), &e, ERR_CONFLICT, NULL);
    CHECK_INT(store_session_get(svc->st, s.token_hash, &g, &e), 0);
    CHECK_STR(g.csrf, "csrf-1");
    CHECK_INT(g.user_id, u.id);
    CHECK_INT(g.expires_at, 2000);
    snprintf(s.token_hash, sizeof(s.token_hash), "%064d", 2);
    s.expires_at = 5000;
    CHECK_INT(store_session_add(svc->st, &s, &e), 0);
    CHECK_INT(store_session_purge(svc->st, 3000, &e), 0);
    expect_err(store_session_get(svc->st, g.token_hash, &g, &e), &e, ERR_NOT_FOUND, "session");
    CHECK_INT(store_session_get(svc->st, s.token_hash, &g, &e), 0);
    CHECK_INT(store_session_delete(svc->st, s.token_hash, &e), 0);
    expect_err(store_session_get(svc->st, s.token_hash, &g, &e), &e, ERR_NOT_FOUND, "session");

    struct throttle t = {3, 100, 200}, t2;
    CHECK_INT(store_throttle_get(svc->st, "user:nobody", &t2, &e), 0);
    CHECK_INT(t2.failures, 0);
    CHECK_INT(store_throttle_put(svc->st, "user:张三", &t, &e), 0);
    t.failures = 4;
    CHECK_INT(store_throttle_put(svc->st, "user:张三", &t, &e), 0);
    CHECK_INT(store_throttle_get(svc->st, "user:张三", &t2, &e), 0);
    CHECK_INT(t2.failures, 4);
    CHECK_INT(t2.last_at, 100);
    CHECK_INT(t2.locked_until, 200);
    CHECK_INT(store_throttle_clear(svc->st, "user:张三", &e), 0);
    CHECK_INT(store_throttle_get(svc->st, "user:张三", &t2, &e), 0);
    CHECK_INT(t2.failures, 0);
    int c = 0;
    CHECK_INT(store_rate_hit(svc->st, "addr:127.0.0.1", 10, &c, &e), 0);
    CHECK_INT(c, 1);
    CHECK_INT(store_rate_hit(svc->st, "addr:127.0.0.1", 10, &c, &e), 0);
    CHECK_INT(c, 2);
    CHECK_INT(store_rate_hit(svc->st, "addr:127.0.0.1", 11, &c, &e), 0);
    CHECK_INT(c, 1);

    /* Through the service: a login, its session, a logout. */
    struct login lg;
    CHECK_INT(
        svc_login(svc, "h_zjj", "s3cret-pass", "127.0.0.1", T("2021-12-01T09:00:00Z"), &lg, &e), 0);
    struct actor who;
    char csrf[65];
    CHECK_INT(svc_session(svc, lg.token, T("2021-12-01T09:10:00Z"), &who, csrf, &e), 0);
    CHECK_STR(who.name, "h_zjj");
    CHECK_INT(svc_logout(svc, lg.token, &e), 0);
    CHECK_INT(svc_session(svc, lg.token, T("2021-12-01T09:11:00Z"), &who, csrf, &e), -1);
}

static int has_unit(store_t *st, const char *name)
{
    struct unit u;
    struct err e = {0};
    return store_unit_find(st, name, &u, &e) == 0;
}

static int add_unit(store_t *st, const char *name, struct err *e)
{
    struct unit u;
    memset(&u, 0, sizeof(u));
    snprintf(u.code, sizeof(u.code), "%s", name);
    snprintf(u.name, sizeof(u.name), "%s", name);
    u.kind = UNIT_DEPARTMENT;
    return store_unit_add(st, &u, e);
}

static void test_nesting(struct service *svc)
{
    store_t *st = svc->st;
    struct err e = {0};
    CHECK_INT(store_begin(st, &e), 0);
    CHECK_INT(add_unit(st, "tx-outer", &e), 0);
    CHECK_INT(store_begin(st, &e), 0);
    CHECK_INT(add_unit(st, "tx-inner", &e), 0);
    store_rollback(st); /* the inner one only */
    CHECK(has_unit(st, "tx-outer"));
    CHECK(!has_unit(st, "tx-inner"));
    CHECK_INT(store_begin(st, &e), 0);
    CHECK_INT(add_unit(st, "tx-inner2", &e), 0);
    CHECK_INT(store_commit(st, &e), 0);
    /* A duplicate inside the transaction fails alone; the transaction goes on. */
    expect_err(add_unit(st, "tx-outer", &e), &e, ERR_CONFLICT, "tx-outer");
    CHECK_INT(add_unit(st, "tx-after-dup", &e), 0);
    CHECK_INT(store_commit(st, &e), 0);
    CHECK(has_unit(st, "tx-outer") && has_unit(st, "tx-inner2") && has_unit(st, "tx-after-dup"));
    CHECK(!has_unit(st, "tx-inner"));

    CHECK_INT(store_begin(st, &e), 0);
    CHECK_INT(add_unit(st, "tx-gone", &e), 0);
    CHECK_INT(store_begin(st, &e), 0);
    CHECK_INT(add_unit(st, "tx-gone2", &e), 0);
    CHECK_INT(store_commit(st, &e), 0);
    store_rollback(st); /* the outer one takes the released inner with it */
    CHECK(!has_unit(st, "tx-gone") && !has_unit(st, "tx-gone2"));

    /* A read transaction sees the data and nests too. */
    CHECK_INT(store_begin_read(st, &e), 0);
    CHECK(has_unit(st, "tx-outer"));
    CHECK_INT(store_begin_read(st, &e), 0);
    CHECK_INT(store_commit(st, &e), 0);
    CHECK_INT(store_commit(st, &e), 0);
    expect_err(store_commit(st, &e), &e, ERR_DB, "without a transaction");
    store_rollback(st); /* harmless at depth 0 */
}

int main(void)
{
    const char *env = getenv("SHISHI_TEST_DB_URL");
    if (env && *env) {
        snprintf(url, sizeof(url), "%s", env);
    } else {
        snprintf(dir, sizeof(dir), "/tmp/shishi-backend.XXXXXX");
        if (!mkdtemp(dir)) {
            perror("mkdtemp");
            return 1;
        }
        snprintf(url, sizeof(url), "%s/backend.db", dir);
    }
    printf("test_backend: %s\n", url);
    struct service svc;
    struct err e = {0};
    must(service_open(&svc, url, OPEN_CREATE, &e), &e, "open");
    struct org o;
    test_schema(&svc);
    test_settings(&svc);
    test_org(&svc, &o);
    test_rules(&svc);
    test_life(&svc, &o);
    test_list_report(&svc);
    test_versions(&svc, &o);
    test_faults(&svc, &o);
    test_sessions(&svc);
    test_nesting(&svc);
    service_close(&svc);
    cleanup();
    return test_done("test_backend");
}
