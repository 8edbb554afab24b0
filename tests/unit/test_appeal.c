/* test_appeal.c -- the appeal workflow in the core (appeal_apply), no store: every action
 * against every state (legal ones reach the right state, every other one is ERR_STATE with a
 * message naming the appeal, its state and the action, and leaves `next` and `ev` empty);
 * who may do what; the parameters each action needs; extensions, re-dispatch, uphold,
 * merge and the visit of a merged appeal; deadlines on dispatch on the real calendar
 * (国庆 2021 with its make-up Saturday, a year boundary); and the event each action gives. */
#include "core/appeal.h"
#include "core/audit.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/service.h"
#include "test.h"
#include "util/civil.h"
#include "util/xalloc.h"

#include "util/banned.h"


#define CODE        "YD202101040001"
#define TARGET_CODE "YD202101040002"
#define LEAD        10 /* the lead unit of the fixtures */
#define OTHER       11 /* another unit a dispatcher may choose */
#define STRANGER    20 /* a unit with nothing to do with the appeal */

static struct calendar cal;
static struct limits rules;

static int64_t T(const char *s)
{
    int64_t t = 0;
    if (civil_parse_instant(s, &t) < 0) {
        fprintf(stderr, "test bug: bad instant %s\n", s);
        abort();
    }
    return t;
}

static const char *iso(int64_t t, char out[26])
{
    civil_format_instant(t, out);
    return out;
}

static struct actor who(int role, int64_t unit)
{
    struct actor a;
    memset(&a, 0, sizeof(a));
    a.role = role;
    a.unit_id = unit;
    a.user_id = role * 100 + unit;
    if (role == ROLE_HANDLER)
        snprintf(a.name, sizeof(a.name), "handler%lld", (long long)unit);
    else
        snprintf(a.name, sizeof(a.name), "%s", role_code(role));
    return a;
}

/* The role that does `type` in the ordinary course of the work. */
static struct actor natural(int type)
{
    switch (type) {
    case ACT_ACCEPT:
    case ACT_RETURN:
    case ACT_EXTEND:
    case ACT_REPLY:
    case ACT_CONTACT:
        return who(ROLE_HANDLER, LEAD);
    default:
        return who(ROLE_DISPATCHER, 0);
    }
}

static char *dup(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static const char *const evidence_one[] = {"现场照片.jpg"};

/* An action of `type` at `at` by its natural actor, with every parameter any action needs
 * filled with a valid value, so only the state and the actor decide. */
static struct action base(int type, const char *at)
{
    struct action a;
    memset(&a, 0, sizeof(a));
    a.type = type;
    a.at = T(at);
    a.actor = natural(type);
    a.unit_id = OTHER;
    a.reason = "理由";
    a.text = "已处理完毕";
    a.evidence[0] = evidence_one[0];
    a.n_evidence = 1;
    a.solved = SOLVED_YES;
    a.satisfaction = SAT_SATISFIED;
    a.ext_days = 3;
    a.target_id = 2;
    a.target_code = TARGET_CODE;
    a.target_state = type == ACT_VISIT ? ST_REPLIED : ST_DISPATCHED;
    return a;
}

/* Applies an action that must succeed (building fixtures). */
static void step(struct appeal *a, const struct action *act)
{
    struct appeal next;
    struct event ev;
    struct err e = {0};
    if (appeal_apply(a, act, &rules, &next, &ev, &e) < 0) {
        fprintf(stderr, "fixture: %s %s: %s\n", action_code(act->type), a->code, e.msg);
        abort();
    }
    appeal_release(a);
    *a = next;
    event_release(&ev);
}

/* A freshly registered appeal of `kind` and `urgency` at `at`. */
static void registered(struct appeal *a, int kind, int urgency, const char *at)
{
    struct appeal draft;
    appeal_init(&draft);
    draft.title = xstrdup("小区门口路灯不亮");
    draft.content = xstrdup("永定路12号小区门口的路灯坏了一个月，晚上出行不便。");
    draft.citizen_name = xstrdup("张三丰");
    draft.phone = xstrdup("13812345678");
    draft.channel_id = 2;
    draft.area_id = 5;
    draft.kind = kind;
    draft.urgency = urgency;
    struct action act;
    memset(&act, 0, sizeof(act));
    act.type = ACT_REGISTER;
    act.at = T(at);
    act.actor = who(ROLE_DISPATCHER, 0);
    step(&draft, &act);
    *a = draft;
    a->id = 1;
    snprintf(a->code, sizeof(a->code), "%s", CODE);
}

static void dispatch_to(struct appeal *a, int64_t unit, const char *at)
{
    struct action act = base(ACT_DISPATCH, at);
    act.unit_id = unit;
    step(a, &act);
}

/* The standard fixture in `state`: a 投诉 registered Monday 2021-01-04 09:00, dispatched to
 * LEAD at 09:30 (deadline 2021-01-13), accepted at 10:00, replied on the 5th (no
 * evidence), visited on the 6th, closed on the 7th. `pending` adds an extension request to
 * the accepted appeal. */
static void fixture(int state, int pending, struct appeal *a)
{
    registered(a, KIND_COMPLAINT, URG_NORMAL, "2021-01-04T09:00:00+08:00");
    if (state == ST_RECEIVED)
        return;
    if (state == ST_REJECTED) {
        step(a, &(struct action){.type = ACT_REJECT,
                                 .at = T("2021-01-04T09:15:00+08:00"),
                                 .actor = who(ROLE_DISPATCHER, 0),
                                 .reason = "不属于受理范围"});
        return;
    }
    dispatch_to(a, LEAD, "2021-01-04T09:30:00+08:00");
    if (state == ST_DISPATCHED)
        return;
    if (state == ST_RETURNED) {
        struct action r = base(ACT_RETURN, "2021-01-04T09:45:00+08:00");
        r.reason = "不属于本单位职责";
        step(a, &r);
        return;
    }
    if (state == ST_MERGED) {
        step(a, (struct action[]){base(ACT_MERGE, "2021-01-04T09:45:00+08:00")});
        return;
    }
    step(a, (struct action[]){base(ACT_ACCEPT, "2021-01-04T10:00:00+08:00")});
    if (state == ST_ACCEPTED) {
        if (pending)
            step(a, (struct action[]){base(ACT_EXTEND, "2021-01-04T11:00:00+08:00")});
        return;
    }
    struct action reply = base(ACT_REPLY, "2021-01-05T10:00:00+08:00");
    reply.n_evidence = 0;
    step(a, &reply);
    if (state == ST_REPLIED)
        return;
    step(a, (struct action[]){base(ACT_VISIT, "2021-01-06T10:00:00+08:00")});
    if (state == ST_VISITED)
        return;
    step(a, (struct action[]){base(ACT_CLOSE, "2021-01-07T10:00:00+08:00")});
    if (a->state != ST_CLOSED)
        abort();
}

/* ---- helpers for checking results ---------------------------------------------------- */

static int all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return 0;
    return 1;
}

struct result {
    int rc;
    struct appeal next;
    struct event ev;
    struct err e;
};

/* Runs appeal_apply with `next` and `ev` pre-filled with junk, so "left empty" is seen. */
static void run(const struct appeal *cur, const struct action *act, struct result *r)
{
    memset(&r->next, 0xAB, sizeof(r->next));
    memset(&r->ev, 0xCD, sizeof(r->ev));
    memset(&r->e, 0, sizeof(r->e));
    r->rc = appeal_apply(cur, act, &rules, &r->next, &r->ev, &r->e);
}

static void done(struct result *r)
{
    if (r->rc == 0) {
        appeal_release(&r->next);
        event_release(&r->ev);
    }
}

/* Expects failure with `code` on `field` (NULL: any field) and every needle in the message;
 * and nothing handed out. */
static int expect_fail(const struct appeal *cur, const struct action *act, int code,
                       const char *field, const char *n1, const char *n2, const char *n3)
{
    struct result r;
    run(cur, act, &r);
    int ok = r.rc == -1 && r.e.code == code && (!field || !strcmp(r.e.field, field)) &&
             (!n1 || strstr(r.e.msg, n1)) && (!n2 || strstr(r.e.msg, n2)) &&
             (!n3 || strstr(r.e.msg, n3)) && all_zero(&r.next, sizeof(r.next)) &&
             all_zero(&r.ev, sizeof(r.ev));
    if (!ok)
        fprintf(stderr,
                "%s on %s (%s) by %s: rc %d code %d field '%s' msg \"%s\"; want code %d field "
                "'%s' with '%s' '%s' '%s'%s\n",
                action_code(act->type), cur->code, state_code(cur->state),
                role_code(act->actor.role), r.rc, r.e.code, r.e.field, r.e.msg, code,
                field ? field : "*", n1 ? n1 : "", n2 ? n2 : "", n3 ? n3 : "",
                r.rc == -1 && (!all_zero(&r.next, sizeof(r.next)) || !all_zero(&r.ev, sizeof(r.ev)))
                    ? " (next/ev not left empty)"
                    : "");
    CHECK(ok);
    done(&r);
    return ok;
}

/* Applies an action that must succeed, checks the event's bookkeeping, and moves `a` on. */
static int expect_ok(struct appeal *a, const struct action *act, int to)
{
    struct result r;
    run(a, act, &r);
    if (r.rc != 0) {
        fprintf(stderr, "%s on %s (%s) by %s failed: %s\n", action_code(act->type), a->code,
                state_code(a->state), role_code(act->actor.role), r.e.msg);
        CHECK_INT(r.rc, 0);
        return 0;
    }
    CHECK_INT(r.next.state, to);
    CHECK_INT(r.next.version, a->version + 1);
    CHECK_INT(r.next.last_seq, a->last_seq + 1);
    CHECK_INT(r.ev.seq, a->last_seq + 1);
    CHECK_INT(r.ev.appeal_id, a->id);
    CHECK_INT(r.ev.at, act->at);
    CHECK_INT(r.ev.actor_id, act->actor.user_id);
    CHECK_STR(r.ev.actor, act->actor.name[0] ? act->actor.name : "system");
    CHECK_STR(r.ev.action, action_code(act->type));
    CHECK_INT(r.ev.from_state, a->state);
    CHECK_INT(r.ev.to_state, to);
    CHECK_STR(r.next.code, a->code);
    CHECK(r.ev.details != NULL);
    json_error_t jerr;
    json_t *d = r.ev.details ? json_loads(r.ev.details, 0, &jerr) : NULL;
    CHECK(d != NULL && json_is_object(d));
    json_decref(d);
    appeal_release(a);
    *a = r.next;
    event_release(&r.ev);
    return r.next.state == to;
}

/* The event details of applying `act` to a copy of `cur` (caller frees), or NULL. */
static char *details_of(const struct appeal *cur, const struct action *act)
{
    struct result r;
    run(cur, act, &r);
    if (r.rc != 0) {
        fprintf(stderr, "details_of %s: %s\n", action_code(act->type), r.e.msg);
        return NULL;
    }
    char *d = r.ev.details;
    r.ev.details = NULL;
    done(&r);
    return d;
}

/* ---- every action against every state ------------------------------------------------ */

/* The legal moves: every (state, action) pair not listed here is illegal. */
static const struct {
    int from, action, role, to;
} legal[] = {
    {ST_RECEIVED, ACT_DISPATCH, ROLE_DISPATCHER, ST_DISPATCHED},
    {ST_RETURNED, ACT_DISPATCH, ROLE_DISPATCHER, ST_DISPATCHED},
    {ST_DISPATCHED, ACT_ACCEPT, ROLE_HANDLER, ST_ACCEPTED},
    {ST_DISPATCHED, ACT_RETURN, ROLE_HANDLER, ST_RETURNED},
    {ST_RETURNED, ACT_UPHOLD, ROLE_DISPATCHER, ST_DISPATCHED},
    {ST_ACCEPTED, ACT_EXTEND, ROLE_HANDLER, ST_ACCEPTED},
    {ST_ACCEPTED, ACT_EXTEND_APPROVE, ROLE_DISPATCHER, ST_ACCEPTED},
    {ST_ACCEPTED, ACT_EXTEND_DENY, ROLE_DISPATCHER, ST_ACCEPTED},
    {ST_RECEIVED, ACT_URGE, ROLE_DISPATCHER, ST_RECEIVED},
    {ST_DISPATCHED, ACT_URGE, ROLE_DISPATCHER, ST_DISPATCHED},
    {ST_ACCEPTED, ACT_URGE, ROLE_DISPATCHER, ST_ACCEPTED},
    {ST_RETURNED, ACT_URGE, ROLE_DISPATCHER, ST_RETURNED},
    {ST_RECEIVED, ACT_SUPERVISE, ROLE_DISPATCHER, ST_RECEIVED},
    {ST_DISPATCHED, ACT_SUPERVISE, ROLE_DISPATCHER, ST_DISPATCHED},
    {ST_ACCEPTED, ACT_SUPERVISE, ROLE_DISPATCHER, ST_ACCEPTED},
    {ST_RETURNED, ACT_SUPERVISE, ROLE_DISPATCHER, ST_RETURNED},
    {ST_ACCEPTED, ACT_REPLY, ROLE_HANDLER, ST_REPLIED},
    {ST_REPLIED, ACT_VISIT, ROLE_DISPATCHER, ST_VISITED},
    {ST_MERGED, ACT_VISIT, ROLE_DISPATCHER, ST_MERGED},
    {ST_VISITED, ACT_REDO, ROLE_DISPATCHER, ST_ACCEPTED},
    {ST_VISITED, ACT_CLOSE, ROLE_DISPATCHER, ST_CLOSED},
    {ST_RECEIVED, ACT_MERGE, ROLE_DISPATCHER, ST_MERGED},
    {ST_DISPATCHED, ACT_MERGE, ROLE_DISPATCHER, ST_MERGED},
    {ST_RECEIVED, ACT_REJECT, ROLE_DISPATCHER, ST_REJECTED},
    {ST_ACCEPTED, ACT_CONTACT, ROLE_HANDLER, ST_ACCEPTED},
};
#define N_LEGAL (sizeof(legal) / sizeof(legal[0]))

static int legal_row(int from, int action)
{
    for (size_t i = 0; i < N_LEGAL; i++)
        if (legal[i].from == from && legal[i].action == action)
            return (int)i;
    return -1;
}

/* Runs the whole matrix with the actor `mode` gives: 0 the natural one, 1 admin, 2 system. */
static void test_matrix(int mode)
{
    int legal_seen = 0, illegal_seen = 0;
    for (int s = ST_RECEIVED; s < ST_COUNT_; s++) {
        for (int t = ACT_REGISTER; t < ACT_COUNT_; t++) {
            int pending = s == ST_ACCEPTED && (t == ACT_EXTEND_APPROVE || t == ACT_EXTEND_DENY);
            struct appeal a;
            fixture(s, pending, &a);
            struct action act = base(t, "2021-01-08T10:00:00+08:00");
            if (mode == 1)
                act.actor = who(ROLE_ADMIN, 0);
            else if (mode == 2)
                act.actor = who(ROLE_SYSTEM, 0);
            int row = legal_row(s, t);
            if (row >= 0) {
                legal_seen++;
                if (mode == 0)
                    CHECK_INT(act.actor.role, legal[row].role);
                if (!expect_ok(&a, &act, legal[row].to))
                    fprintf(stderr, "  (legal move %s --%s--> %s)\n", state_code(s), action_code(t),
                            state_code(legal[row].to));
            } else {
                illegal_seen++;
                /* Even the lead unit's actions on an appeal no unit leads yet (received,
                 * rejected): what is wrong is the state. */
                expect_fail(&a, &act, ERR_STATE, "state", CODE, state_code(s), action_code(t));
            }
            appeal_release(&a);
        }
    }
    CHECK_INT(legal_seen, (int)N_LEGAL);
    CHECK_INT(legal_seen + illegal_seen, (ST_COUNT_ - 1) * (ACT_COUNT_ - 1));
}

/* The two decisions on an extension need one pending; without it they are ERR_STATE too. */
static void test_matrix_extension_decisions(void)
{
    struct appeal a;
    fixture(ST_ACCEPTED, 0, &a);
    expect_fail(&a, (struct action[]){base(ACT_EXTEND_APPROVE, "2021-01-08T10:00:00+08:00")},
                ERR_STATE, "state", CODE, "no extension request", NULL);
    expect_fail(&a, (struct action[]){base(ACT_EXTEND_DENY, "2021-01-08T10:00:00+08:00")},
                ERR_STATE, "state", CODE, "no extension request", NULL);
    appeal_release(&a);
}

/* ---- who may do what ----------------------------------------------------------------- */

static void test_roles(void)
{
    /* Lead-unit actions: a handler of another unit, a handler without a unit and the other
     * roles are refused; the lead unit's handler may. */
    static const struct {
        int state, action;
    } lead_only[] = {
        {ST_DISPATCHED, ACT_ACCEPT},
        {ST_DISPATCHED, ACT_RETURN},
        {ST_ACCEPTED, ACT_EXTEND},
        {ST_ACCEPTED, ACT_REPLY},
        {ST_ACCEPTED, ACT_CONTACT},
    };
    for (size_t i = 0; i < sizeof(lead_only) / sizeof(lead_only[0]); i++) {
        struct appeal a;
        fixture(lead_only[i].state, 0, &a);
        struct action act = base(lead_only[i].action, "2021-01-08T10:00:00+08:00");
        act.actor = who(ROLE_HANDLER, STRANGER);
        expect_fail(&a, &act, ERR_FORBIDDEN, "actor", CODE, "handler20", "lead unit");
        act.actor = who(ROLE_HANDLER, 0);
        expect_fail(&a, &act, ERR_FORBIDDEN, "actor", CODE, NULL, NULL);
        static const int others[] = {ROLE_DISPATCHER, ROLE_LEADER, ROLE_AUDITOR, ROLE_CITIZEN};
        for (size_t k = 0; k < sizeof(others) / sizeof(others[0]); k++) {
            act.actor = who(others[k], 0);
            expect_fail(&a, &act, ERR_FORBIDDEN, "actor", CODE, role_code(others[k]),
                        action_code(lead_only[i].action));
        }
        act.actor = who(ROLE_HANDLER, LEAD);
        struct appeal b;
        appeal_copy(&b, &a);
        expect_ok(&b, &act,
                  lead_only[i].action == ACT_ACCEPT   ? ST_ACCEPTED
                  : lead_only[i].action == ACT_RETURN ? ST_RETURNED
                  : lead_only[i].action == ACT_REPLY  ? ST_REPLIED
                                                      : ST_ACCEPTED);
        appeal_release(&b);
        appeal_release(&a);
    }

    /* Dispatcher-only actions: refused for every other role (even the lead unit's handler),
     * allowed for the dispatcher, admin and the system. */
    static const struct {
        int state, pending, action, to;
    } dispatcher_only[] = {
        {ST_RECEIVED, 0, ACT_DISPATCH, ST_DISPATCHED},
        {ST_RETURNED, 0, ACT_DISPATCH, ST_DISPATCHED},
        {ST_RETURNED, 0, ACT_UPHOLD, ST_DISPATCHED},
        {ST_ACCEPTED, 1, ACT_EXTEND_APPROVE, ST_ACCEPTED},
        {ST_ACCEPTED, 1, ACT_EXTEND_DENY, ST_ACCEPTED},
        {ST_REPLIED, 0, ACT_VISIT, ST_VISITED},
        {ST_VISITED, 0, ACT_REDO, ST_ACCEPTED},
        {ST_VISITED, 0, ACT_CLOSE, ST_CLOSED},
        {ST_RECEIVED, 0, ACT_MERGE, ST_MERGED},
        {ST_DISPATCHED, 0, ACT_MERGE, ST_MERGED},
        {ST_RECEIVED, 0, ACT_REJECT, ST_REJECTED},
    };
    static const struct {
        int role;
        int64_t unit;
    } refused[] = {
        {ROLE_HANDLER, LEAD}, {ROLE_HANDLER, STRANGER}, {ROLE_LEADER, 0},
        {ROLE_AUDITOR, 0},    {ROLE_CITIZEN, 0},        {ROLE_NONE, 0},
    };
    static const int allowed[] = {ROLE_DISPATCHER, ROLE_ADMIN, ROLE_SYSTEM};
    for (size_t i = 0; i < sizeof(dispatcher_only) / sizeof(dispatcher_only[0]); i++) {
        struct appeal a;
        fixture(dispatcher_only[i].state, dispatcher_only[i].pending, &a);
        struct action act = base(dispatcher_only[i].action, "2021-01-08T10:00:00+08:00");
        for (size_t k = 0; k < sizeof(refused) / sizeof(refused[0]); k++) {
            act.actor = who(refused[k].role, refused[k].unit);
            expect_fail(&a, &act, ERR_FORBIDDEN, "actor", CODE,
                        action_code(dispatcher_only[i].action), NULL);
        }
        for (size_t k = 0; k < sizeof(allowed) / sizeof(allowed[0]); k++) {
            struct appeal b;
            appeal_copy(&b, &a);
            act.actor = who(allowed[k], 0);
            expect_ok(&b, &act, dispatcher_only[i].to);
            appeal_release(&b);
        }
        appeal_release(&a);
    }

    /* Urge and supervise: dispatcher and leader (and admin, system); nobody else. */
    static const struct {
        int role;
        int64_t unit;
        int ok;
    } urgers[] = {
        {ROLE_DISPATCHER, 0, 1}, {ROLE_LEADER, 0, 1},  {ROLE_ADMIN, 0, 1},   {ROLE_SYSTEM, 0, 1},
        {ROLE_HANDLER, LEAD, 0}, {ROLE_AUDITOR, 0, 0}, {ROLE_CITIZEN, 0, 0},
    };
    for (int t = ACT_URGE; t <= ACT_SUPERVISE; t++)
        for (size_t k = 0; k < sizeof(urgers) / sizeof(urgers[0]); k++) {
            struct appeal a;
            fixture(ST_ACCEPTED, 0, &a);
            struct action act = base(t, "2021-01-08T10:00:00+08:00");
            act.actor = who(urgers[k].role, urgers[k].unit);
            if (urgers[k].ok)
                expect_ok(&a, &act, ST_ACCEPTED);
            else
                expect_fail(&a, &act, ERR_FORBIDDEN, "actor", CODE, action_code(t), NULL);
            appeal_release(&a);
        }

    /* Register: dispatcher and citizen (and admin, system); not handler, leader, auditor. */
    static const struct {
        int role, ok;
    } registrars[] = {
        {ROLE_DISPATCHER, 1}, {ROLE_CITIZEN, 1}, {ROLE_ADMIN, 1},   {ROLE_SYSTEM, 1},
        {ROLE_HANDLER, 0},    {ROLE_LEADER, 0},  {ROLE_AUDITOR, 0}, {ROLE_NONE, 0},
    };
    for (size_t k = 0; k < sizeof(registrars) / sizeof(registrars[0]); k++) {
        struct appeal draft;
        appeal_init(&draft);
        draft.title = xstrdup("标题");
        draft.content = xstrdup("内容");
        draft.kind = KIND_CONSULT;
        draft.channel_id = 1;
        struct action act = base(ACT_REGISTER, "2021-01-04T09:00:00+08:00");
        act.actor = who(registrars[k].role, registrars[k].role == ROLE_HANDLER ? LEAD : 0);
        if (registrars[k].ok)
            expect_ok(&draft, &act, ST_RECEIVED);
        else
            expect_fail(&draft, &act, ERR_FORBIDDEN, "actor", "register", NULL, NULL);
        appeal_release(&draft);
    }
}

/* ---- parameters ------------------------------------------------------------------------ */

static void test_parameters(void)
{
    const char *at = "2021-01-08T10:00:00+08:00";
    struct appeal a;

    /* Reasons are required for return, reject, uphold and redo. */
    static const struct {
        int state, action;
    } need_reason[] = {
        {ST_DISPATCHED, ACT_RETURN},
        {ST_RECEIVED, ACT_REJECT},
        {ST_RETURNED, ACT_UPHOLD},
        {ST_VISITED, ACT_REDO},
    };
    for (size_t i = 0; i < sizeof(need_reason) / sizeof(need_reason[0]); i++) {
        fixture(need_reason[i].state, 0, &a);
        struct action act = base(need_reason[i].action, at);
        act.reason = NULL;
        expect_fail(&a, &act, ERR_INVALID, "reason", CODE, "reason is required",
                    action_code(need_reason[i].action));
        act.reason = "";
        expect_fail(&a, &act, ERR_INVALID, "reason", CODE, NULL, NULL);
        act.reason = "bad \xff utf-8";
        expect_fail(&a, &act, ERR_INVALID, "reason", "UTF-8", NULL, NULL);
        appeal_release(&a);
    }

    /* Reply needs the text; the record is optional; too long a reply is refused. */
    fixture(ST_ACCEPTED, 0, &a);
    struct action reply = base(ACT_REPLY, at);
    reply.text = NULL;
    expect_fail(&a, &reply, ERR_INVALID, "text", CODE, "text is required", NULL);
    reply.text = "";
    expect_fail(&a, &reply, ERR_INVALID, "text", NULL, NULL, NULL);
    char *long_text = xmalloc(5001 * 3 + 1);
    for (int i = 0; i < 5001; i++)
        memcpy(long_text + 3 * i, "办", 3);
    long_text[5001 * 3] = '\0';
    reply.text = long_text;
    expect_fail(&a, &reply, ERR_INVALID, "text", "5000 characters", NULL, NULL);
    long_text[5000 * 3] = '\0'; /* exactly 5000 characters is allowed */
    reply.text = long_text;
    {
        struct appeal b;
        appeal_copy(&b, &a);
        expect_ok(&b, &reply, ST_REPLIED);
        CHECK_STR(b.reply_text, long_text);
        appeal_release(&b);
    }
    free(long_text);
    appeal_release(&a);

    /* Visit needs solved and satisfaction; no-redo only when bad, and then with a reason. */
    fixture(ST_REPLIED, 0, &a);
    struct action visit = base(ACT_VISIT, at);
    visit.solved = SOLVED_NONE;
    expect_fail(&a, &visit, ERR_INVALID, "solved", NULL, NULL, NULL);
    visit.solved = SOLVED_COUNT_;
    expect_fail(&a, &visit, ERR_INVALID, "solved", NULL, NULL, NULL);
    visit = base(ACT_VISIT, at);
    visit.satisfaction = SAT_NONE;
    expect_fail(&a, &visit, ERR_INVALID, "satisfaction", NULL, NULL, NULL);
    visit.satisfaction = -1;
    expect_fail(&a, &visit, ERR_INVALID, "satisfaction", NULL, NULL, NULL);
    visit = base(ACT_VISIT, at);
    visit.no_redo = 1;
    expect_fail(&a, &visit, ERR_INVALID, "no_redo", NULL, NULL, NULL);
    visit.satisfaction = SAT_UNSATISFIED;
    visit.reason = NULL;
    expect_fail(&a, &visit, ERR_INVALID, "reason", NULL, NULL, NULL);
    visit.reason = "诉求人要求不合理";
    {
        struct appeal b;
        appeal_copy(&b, &a);
        expect_ok(&b, &visit, ST_VISITED);
        CHECK_INT(b.visit_satisfaction, SAT_UNSATISFIED);
        CHECK_INT(b.visit_solved, SOLVED_YES);
        CHECK_INT(b.visited_at, T(at));
        appeal_release(&b);
    }
    appeal_release(&a);

    /* Close needs evidence: none at reply and none at close is refused. */
    fixture(ST_VISITED, 0, &a);
    CHECK_INT(a.evidence_count, 0);
    struct action close = base(ACT_CLOSE, at);
    close.n_evidence = 0;
    expect_fail(&a, &close, ERR_INVALID, "evidence", CODE, "evidence", "close");
    close.n_evidence = 1;
    close.evidence[0] = "";
    expect_fail(&a, &close, ERR_INVALID, "evidence", NULL, NULL, NULL);
    close.n_evidence = APPEAL_MAX_EVIDENCE + 1;
    expect_fail(&a, &close, ERR_INVALID, "evidence", NULL, NULL, NULL);
    close = base(ACT_CLOSE, at);
    {
        struct appeal b;
        appeal_copy(&b, &a);
        expect_ok(&b, &close, ST_CLOSED);
        CHECK_INT(b.evidence_count, 1);
        CHECK_INT(b.closed_at, T(at));
        appeal_release(&b);
    }
    appeal_release(&a);
    /* Evidence given at the reply is enough to close without more. */
    fixture(ST_ACCEPTED, 0, &a);
    reply = base(ACT_REPLY, "2021-01-05T10:00:00+08:00");
    const char *two[] = {"整改前.jpg", "整改后.jpg"};
    reply.evidence[0] = two[0];
    reply.evidence[1] = two[1];
    reply.n_evidence = 2;
    expect_ok(&a, &reply, ST_REPLIED);
    CHECK_INT(a.evidence_count, 2);
    expect_ok(&a, (struct action[]){base(ACT_VISIT, "2021-01-06T10:00:00+08:00")}, ST_VISITED);
    close = base(ACT_CLOSE, at);
    close.n_evidence = 0;
    expect_ok(&a, &close, ST_CLOSED);
    CHECK_INT(a.evidence_count, 2);
    appeal_release(&a);

    /* Dispatch needs a lead unit, and assisting units that are neither it nor repeated. */
    fixture(ST_RECEIVED, 0, &a);
    struct action d = base(ACT_DISPATCH, at);
    d.unit_id = 0;
    expect_fail(&a, &d, ERR_INVALID, "unit", CODE, "lead unit", NULL);
    d = base(ACT_DISPATCH, at);
    d.assist[0] = 12;
    d.assist[1] = OTHER;
    d.n_assist = 2;
    expect_fail(&a, &d, ERR_INVALID, "assist", "lead unit", NULL, NULL);
    d.assist[1] = 12;
    expect_fail(&a, &d, ERR_INVALID, "assist", "twice", NULL, NULL);
    d.n_assist = APPEAL_MAX_ASSIST + 1;
    expect_fail(&a, &d, ERR_INVALID, "assist", NULL, NULL, NULL);
    d.assist[1] = 13;
    d.n_assist = 2;
    expect_ok(&a, &d, ST_DISPATCHED);
    CHECK_INT(a.lead_unit_id, OTHER);
    CHECK_INT(a.n_assist, 2);
    CHECK_INT(a.assist[0], 12);
    CHECK_INT(a.assist[1], 13);
    appeal_release(&a);

    /* Unknown action, an action on no appeal, and a time before the appeal was received. */
    fixture(ST_RECEIVED, 0, &a);
    struct action bad = base(ACT_DISPATCH, at);
    bad.type = ACT_COUNT_;
    expect_fail(&a, &bad, ERR_INVALID, "action", NULL, NULL, NULL);
    bad.type = ACT_NONE;
    expect_fail(&a, &bad, ERR_INVALID, "action", NULL, NULL, NULL);
    bad = base(ACT_DISPATCH, "2021-01-04T08:59:59+08:00");
    expect_fail(&a, &bad, ERR_INVALID, "at", CODE, "before", NULL);
    appeal_release(&a);
    /* ... or before its latest recorded step: history only moves forward. */
    fixture(ST_REPLIED, 0, &a); /* replied 2021-01-05 10:00 */
    expect_fail(&a, (struct action[]){base(ACT_VISIT, "2021-01-05T09:59:59+08:00")}, ERR_INVALID,
                "at", CODE, "before", NULL);
    {
        struct appeal b;
        appeal_copy(&b, &a);
        expect_ok(&b, (struct action[]){base(ACT_VISIT, "2021-01-05T10:00:00+08:00")}, ST_VISITED);
        appeal_release(&b);
    }
    struct appeal none;
    appeal_init(&none);
    expect_fail(&none, (struct action[]){base(ACT_DISPATCH, at)}, ERR_NOT_FOUND, "appeal", NULL,
                NULL, NULL);
    appeal_release(&a);

    /* Registration checks the appeal itself. */
    static const struct {
        const char *title, *content, *phone, *id_number;
        int kind, urgency;
        int64_t channel;
        const char *field;
    } reg[] = {
        {NULL, "内容", NULL, NULL, KIND_HELP, 0, 1, "title"},
        {"标题", "", NULL, NULL, KIND_HELP, 0, 1, "content"},
        {"标题", "内容", NULL, NULL, KIND_NONE, 0, 1, "kind"},
        {"标题", "内容", NULL, NULL, KIND_COUNT_, 0, 1, "kind"},
        {"标题", "内容", NULL, NULL, KIND_HELP, URG_COUNT_, 1, "urgency"},
        {"标题", "内容", NULL, NULL, KIND_HELP, 0, 0, "channel"},
        {"标题", "内容", "138-1234-5678x", NULL, KIND_HELP, 0, 1, "phone"},
        {"标题", "内容", "123456", NULL, KIND_HELP, 0, 1, "phone"},
        {"标题", "内容", "1234567890123456", NULL, KIND_HELP, 0, 1, "phone"},
        {"标题", "内容", NULL, "43080219900101123", KIND_HELP, 0, 1, "id_number"},
        {"标题", "内容", NULL, "43080219900101123Y", KIND_HELP, 0, 1, "id_number"},
        {"标题", "内容", "+86 138", NULL, KIND_HELP, 0, 1, "phone"},
        /* issue 16: separators only between digits; a birth date that is a day */
        {"标题", "内容", "-------1234567", NULL, KIND_HELP, 0, 1, "phone"},
        {"标题", "内容", "1381234567-", NULL, KIND_HELP, 0, 1, "phone"},
        {"标题", "内容", "138--12345678", NULL, KIND_HELP, 0, 1, "phone"},
        {"标题", "内容", NULL, "430802199013011234", KIND_HELP, 0, 1, "id_number"}, /* month 13 */
        {"标题", "内容", NULL, "430802199002301234", KIND_HELP, 0, 1, "id_number"}, /* 30 Feb */
        {"标题", "内容", NULL, "430802190002291234", KIND_HELP, 0, 1, "id_number"}, /* 1900 */
        {"标题", "内容", NULL, "430802189912311234", KIND_HELP, 0, 1, "id_number"},
        {"标题", "内容", NULL, "030802199001011234", KIND_HELP, 0, 1, "id_number"},
        {"标题", "内容", "   ", NULL, KIND_HELP, 0, 1, "phone"},
        /* and the good ones */
        {"标题", "内容", "010 1234 5678", "430802200002291234", KIND_HELP, 0, 1, NULL},
        {"标题", "内容", "+86-138-1234-5678", "43080219900101123x", KIND_HELP, 2, 1, NULL},
        {"标题", "内容", "1234567", "430802199001011234", KIND_SUGGEST, 0, 1, NULL},
    };
    for (size_t i = 0; i < sizeof(reg) / sizeof(reg[0]); i++) {
        struct appeal draft;
        appeal_init(&draft);
        draft.title = dup(reg[i].title);
        draft.content = dup(reg[i].content);
        draft.phone = dup(reg[i].phone);
        draft.id_number = dup(reg[i].id_number);
        draft.kind = reg[i].kind;
        draft.urgency = reg[i].urgency;
        draft.channel_id = reg[i].channel;
        struct action act = base(ACT_REGISTER, at);
        if (reg[i].field) {
            expect_fail(&draft, &act, ERR_INVALID, reg[i].field, NULL, NULL, NULL);
        } else {
            expect_ok(&draft, &act, ST_RECEIVED);
            CHECK_INT(draft.received_at, T(at));
        }
        appeal_release(&draft);
    }
}

/* ---- extensions ----------------------------------------------------------------------- */

static void test_extensions(void)
{
    char buf[26];
    /* A 咨询 dispatched Tuesday 2021-09-28: 3 working days end on 10-08, after 国庆. */
    struct appeal a;
    registered(&a, KIND_CONSULT, URG_NORMAL, "2021-09-28T09:00:00+08:00");
    dispatch_to(&a, LEAD, "2021-09-28T10:00:00+08:00");
    CHECK_STR(iso(a.deadline, buf), "2021-10-08T23:59:59+08:00");
    expect_ok(&a, (struct action[]){base(ACT_ACCEPT, "2021-09-28T11:00:00+08:00")}, ST_ACCEPTED);

    /* 1..10 working days. */
    static const struct {
        int days, ok;
    } lengths[] = {{0, 0}, {-1, 0}, {11, 0}, {100, 0}, {1, 1}, {10, 1}};
    for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
        struct action ext = base(ACT_EXTEND, "2021-10-08T12:00:00+08:00");
        ext.ext_days = lengths[i].days;
        if (lengths[i].ok) {
            struct appeal b;
            appeal_copy(&b, &a);
            expect_ok(&b, &ext, ST_ACCEPTED);
            CHECK(b.ext_requested > b.deadline);
            CHECK_INT(b.deadline, a.deadline); /* asking does not move it */
            appeal_release(&b);
        } else {
            expect_fail(&a, &ext, ERR_INVALID, "days", "1 to 10", NULL, NULL);
        }
    }
    struct action ext = base(ACT_EXTEND, "2021-10-08T12:00:00+08:00");
    ext.reason = NULL;
    expect_fail(&a, &ext, ERR_INVALID, "reason", NULL, NULL, NULL);

    /* Only before the deadline: one second after it is refused, the last second is not. */
    ext = base(ACT_EXTEND, "2021-10-09T00:00:00+08:00");
    ext.ext_days = 2;
    expect_fail(&a, &ext, ERR_STATE, "deadline", CODE, "past its deadline", NULL);
    ext.at = T("2021-10-08T23:59:59+08:00");
    expect_ok(&a, &ext, ST_ACCEPTED);
    /* 2 working days after 10-08: the make-up Saturday 10-09, then Monday 10-11. */
    CHECK_STR(iso(a.ext_requested, buf), "2021-10-11T23:59:59+08:00");
    CHECK_STR(iso(a.deadline, buf), "2021-10-08T23:59:59+08:00");

    /* A second request while one is pending. */
    ext.at = T("2021-10-08T23:59:59+08:00");
    expect_fail(&a, &ext, ERR_STATE, "state", CODE, "awaiting a decision", NULL);

    /* Deciding after the deadline is too late; deny needs a reason; approve moves it. */
    struct action approve = base(ACT_EXTEND_APPROVE, "2021-10-09T00:00:01+08:00");
    expect_fail(&a, &approve, ERR_STATE, "deadline", CODE, "lapsed", NULL);
    struct action deny = base(ACT_EXTEND_DENY, "2021-10-08T23:59:59+08:00");
    deny.reason = NULL;
    expect_fail(&a, &deny, ERR_INVALID, "reason", NULL, NULL, NULL);
    deny.reason = "理由不充分";
    {
        struct appeal b;
        appeal_copy(&b, &a);
        expect_ok(&b, &deny, ST_ACCEPTED);
        CHECK_INT(b.ext_requested, 0);
        CHECK_INT(b.ext_count, 0);
        CHECK_INT(b.deadline, a.deadline);
        appeal_release(&b);
    }
    approve.at = T("2021-10-08T23:59:59+08:00");
    char *det = details_of(&a, &approve);
    CHECK_STR(det, "{\"deadline\":\"2021-10-11T23:59:59+08:00\","
                   "\"old_deadline\":\"2021-10-08T23:59:59+08:00\",\"reason\":\"理由\"}");
    free(det);
    expect_ok(&a, &approve, ST_ACCEPTED);
    CHECK_STR(iso(a.deadline, buf), "2021-10-11T23:59:59+08:00");
    CHECK_INT(a.ext_requested, 0);
    CHECK_INT(a.ext_count, 1);

    /* The second extension: 10 working days after 10-11 is 10-25. */
    ext = base(ACT_EXTEND, "2021-10-10T09:00:00+08:00");
    ext.ext_days = 10;
    det = details_of(&a, &ext);
    CHECK_STR(det, "{\"days\":10,\"reason\":\"理由\","
                   "\"requested_deadline\":\"2021-10-25T23:59:59+08:00\"}");
    free(det);
    expect_ok(&a, &ext, ST_ACCEPTED);
    approve.at = T("2021-10-11T09:00:00+08:00");
    expect_ok(&a, &approve, ST_ACCEPTED);
    CHECK_STR(iso(a.deadline, buf), "2021-10-25T23:59:59+08:00");
    CHECK_INT(a.ext_count, 2);

    /* A third is refused: at most two. */
    ext = base(ACT_EXTEND, "2021-10-12T09:00:00+08:00");
    ext.ext_days = 1;
    expect_fail(&a, &ext, ERR_STATE, "state", CODE, "2 extensions", NULL);

    /* A reply clears nothing it should not, and is on time. */
    struct action reply = base(ACT_REPLY, "2021-10-25T18:00:00+08:00");
    det = details_of(&a, &reply);
    CHECK(det && !strstr(det, "overdue"));
    free(det);
    reply.at = T("2021-10-26T00:00:00+08:00");
    det = details_of(&a, &reply);
    CHECK(det && strstr(det, "\"overdue\":true"));
    free(det);
    appeal_release(&a);

    /* A denied request leaves room for another: it did not count. */
    registered(&a, KIND_CONSULT, URG_NORMAL, "2021-09-28T09:00:00+08:00");
    dispatch_to(&a, LEAD, "2021-09-28T10:00:00+08:00");
    step(&a, (struct action[]){base(ACT_ACCEPT, "2021-09-28T11:00:00+08:00")});
    static const char *const times[] = {"2021-09-29T09:00:00+08:00", "2021-09-29T10:00:00+08:00",
                                        "2021-09-29T11:00:00+08:00", "2021-09-29T12:00:00+08:00",
                                        "2021-09-29T13:00:00+08:00", "2021-09-29T14:00:00+08:00"};
    for (int i = 0; i < 3; i++) {
        step(&a, (struct action[]){base(ACT_EXTEND, times[2 * i])});
        step(&a, (struct action[]){base(ACT_EXTEND_DENY, times[2 * i + 1])});
    }
    CHECK_INT(a.ext_count, 0);
    expect_ok(&a, (struct action[]){base(ACT_EXTEND, "2021-09-29T15:00:00+08:00")}, ST_ACCEPTED);
    appeal_release(&a);
}

/* ---- return, re-dispatch, uphold ------------------------------------------------------- */

/* 联系群众: the first contact since dispatch stays on the row; later ones are events marked
 * "again"; one after the sign deadline is marked late; only the lead unit may; a re-dispatch
 * to another unit needs a contact of its own; and the row digest covers the field. */
static void test_contact(void)
{
    struct appeal a;
    fixture(ST_ACCEPTED, 0, &a);
    CHECK_INT(a.contacted_at, 0);
    char before[65], after[65];
    appeal_digest(&a, before);
    struct action c = base(ACT_CONTACT, "2021-01-04T16:00:00+08:00");
    c.note = "电话联系，已告知办理进度";
    char *det = details_of(&a, &c);
    CHECK_STR(det, "{\"note\":\"电话联系，已告知办理进度\"}");
    free(det);
    expect_ok(&a, &c, ST_ACCEPTED);
    CHECK_INT(a.contacted_at, T("2021-01-04T16:00:00+08:00"));
    appeal_digest(&a, after);
    CHECK(strcmp(before, after) != 0);
    struct action again = base(ACT_CONTACT, "2021-01-08T10:00:00+08:00");
    again.note = NULL;
    det = details_of(&a, &again);
    CHECK_STR(det, "{\"again\":true,\"late\":true}");
    free(det);
    expect_ok(&a, &again, ST_ACCEPTED);
    CHECK_INT(a.contacted_at, T("2021-01-04T16:00:00+08:00"));
    struct action bad = base(ACT_CONTACT, "2021-01-08T11:00:00+08:00");
    bad.note = "bad \xff utf-8";
    expect_fail(&a, &bad, ERR_INVALID, "note", "UTF-8", NULL, NULL);
    appeal_release(&a);

    /* Returned and re-dispatched to another unit: the new unit's contact is what counts. */
    registered(&a, KIND_COMPLAINT, URG_NORMAL, "2021-01-04T09:00:00+08:00");
    dispatch_to(&a, LEAD, "2021-01-04T09:30:00+08:00");
    struct action ret = base(ACT_RETURN, "2021-01-04T10:00:00+08:00");
    ret.reason = "不属于本单位职责";
    expect_ok(&a, &ret, ST_RETURNED);
    a.contacted_at = T("2021-01-04T09:50:00+08:00"); /* as if the first unit had called */
    struct action d = base(ACT_DISPATCH, "2021-01-04T11:00:00+08:00");
    d.unit_id = OTHER;
    expect_ok(&a, &d, ST_DISPATCHED);
    CHECK_INT(a.contacted_at, 0);
    appeal_release(&a);
}

static void test_return_redispatch(void)
{
    char buf[26];
    struct appeal a;
    registered(&a, KIND_COMPLAINT, URG_NORMAL, "2021-09-30T09:00:00+08:00");
    dispatch_to(&a, LEAD, "2021-09-30T10:00:00+08:00");
    CHECK_STR(iso(a.deadline, buf), "2021-10-15T23:59:59+08:00");
    struct action ret = base(ACT_RETURN, "2021-10-08T09:00:00+08:00");
    ret.reason = "不属于本单位职责";
    char *det = details_of(&a, &ret);
    CHECK_STR(det, "{\"reason\":\"不属于本单位职责\"}");
    free(det);
    expect_ok(&a, &ret, ST_RETURNED);
    CHECK_INT(a.return_count, 1);
    CHECK_INT(a.lead_unit_id, LEAD);

    /* Back to the unit that returned it: refused, pointing at 改派 and uphold. */
    struct action d = base(ACT_DISPATCH, "2021-10-08T10:00:00+08:00");
    d.unit_id = LEAD;
    expect_fail(&a, &d, ERR_INVALID, "unit", CODE, "改派", "uphold");

    /* Uphold: same unit, same deadline, a new time to sign for it. */
    struct appeal up;
    appeal_copy(&up, &a);
    struct action uphold = base(ACT_UPHOLD, "2021-10-08T10:00:00+08:00");
    uphold.reason = "属于本单位职责，维持交办";
    det = details_of(&up, &uphold);
    CHECK_STR(det, "{\"reason\":\"属于本单位职责，维持交办\","
                   "\"sign_deadline\":\"2021-10-09T23:59:59+08:00\",\"unit_id\":10}");
    free(det);
    expect_ok(&up, &uphold, ST_DISPATCHED);
    CHECK_INT(up.lead_unit_id, LEAD);
    CHECK_INT(up.deadline, a.deadline);
    CHECK_STR(iso(up.deadline, buf), "2021-10-15T23:59:59+08:00");
    CHECK_STR(iso(up.sign_deadline, buf), "2021-10-09T23:59:59+08:00");
    /* ... and the unit can then accept it. */
    expect_ok(&up, (struct action[]){base(ACT_ACCEPT, "2021-10-09T09:00:00+08:00")}, ST_ACCEPTED);
    appeal_release(&up);

    /* 改派 to another unit: a new deadline from the new dispatch. */
    d.unit_id = OTHER;
    det = details_of(&a, &d);
    CHECK_STR(det, "{\"assist\":[],\"deadline\":\"2021-10-18T23:59:59+08:00\","
                   "\"limit\":\"7 个工作日\",\"redispatch\":true,"
                   "\"sign_deadline\":\"2021-10-09T23:59:59+08:00\",\"unit_id\":11}");
    free(det);
    expect_ok(&a, &d, ST_DISPATCHED);
    CHECK_INT(a.lead_unit_id, OTHER);
    CHECK_STR(iso(a.deadline, buf), "2021-10-18T23:59:59+08:00");
    CHECK_INT(a.dispatched_at, T("2021-10-08T10:00:00+08:00"));
    /* The old unit has no say any more; the new one has. */
    expect_fail(&a, (struct action[]){base(ACT_ACCEPT, "2021-10-08T11:00:00+08:00")}, ERR_FORBIDDEN,
                "actor", CODE, "handler10", NULL);
    struct action acc = base(ACT_ACCEPT, "2021-10-08T11:00:00+08:00");
    acc.actor = who(ROLE_HANDLER, OTHER);
    expect_ok(&a, &acc, ST_ACCEPTED);
    CHECK_INT(a.accepted_at, T("2021-10-08T11:00:00+08:00"));
    appeal_release(&a);
}

/* ---- merge and the visit of a merged appeal -------------------------------------------- */

static void test_merge(void)
{
    const char *at = "2021-01-08T10:00:00+08:00";
    struct appeal a;
    fixture(ST_DISPATCHED, 0, &a);

    struct action m = base(ACT_MERGE, at);
    m.target_id = a.id;
    expect_fail(&a, &m, ERR_INVALID, "into", CODE, "itself", NULL);
    m.target_id = 0;
    expect_fail(&a, &m, ERR_INVALID, "into", NULL, NULL, NULL);

    /* Into an appeal that is no longer being worked: closed, rejected, merged, visited. */
    static const int closed_targets[] = {ST_CLOSED, ST_REJECTED, ST_MERGED, ST_VISITED};
    for (size_t i = 0; i < sizeof(closed_targets) / sizeof(closed_targets[0]); i++) {
        m = base(ACT_MERGE, at);
        m.target_state = closed_targets[i];
        expect_fail(&a, &m, ERR_STATE, "into", TARGET_CODE, state_code(closed_targets[i]), CODE);
    }
    /* Into one still open, or replied. */
    static const int open_targets[] = {ST_RECEIVED, ST_DISPATCHED, ST_ACCEPTED, ST_RETURNED,
                                       ST_REPLIED};
    for (size_t i = 0; i < sizeof(open_targets) / sizeof(open_targets[0]); i++) {
        struct appeal b;
        appeal_copy(&b, &a);
        m = base(ACT_MERGE, at);
        m.target_state = open_targets[i];
        expect_ok(&b, &m, ST_MERGED);
        CHECK_INT(b.merged_into, 2);
        appeal_release(&b);
    }
    m = base(ACT_MERGE, at);
    char *det = details_of(&a, &m);
    CHECK_STR(det, "{\"into\":2,\"into_code\":\"" TARGET_CODE "\"}");
    free(det);
    expect_ok(&a, &m, ST_MERGED);

    /* The merged caller is visited only once the appeal it joined has been replied. */
    static const struct {
        int target_state, ok;
    } visits[] = {
        {ST_RECEIVED, 0}, {ST_DISPATCHED, 0}, {ST_ACCEPTED, 0}, {ST_RETURNED, 0},
        {ST_REPLIED, 1},  {ST_VISITED, 1},    {ST_CLOSED, 1},
    };
    for (size_t i = 0; i < sizeof(visits) / sizeof(visits[0]); i++) {
        struct action v = base(ACT_VISIT, "2021-01-09T10:00:00+08:00");
        v.target_state = visits[i].target_state;
        if (visits[i].ok) {
            struct appeal b;
            appeal_copy(&b, &a);
            expect_ok(&b, &v, ST_MERGED);
            CHECK_INT(b.visited_at, v.at);
            CHECK_INT(b.visit_solved, SOLVED_YES);
            /* Once only. */
            expect_fail(&b, &v, ERR_STATE, "state", CODE, "already", NULL);
            appeal_release(&b);
        } else {
            expect_fail(&a, &v, ERR_STATE, "state", CODE, "replied", NULL);
        }
    }
    /* An unsatisfied merged caller stays merged: redo is for the appeal that was worked. */
    struct action v = base(ACT_VISIT, "2021-01-09T10:00:00+08:00");
    v.satisfaction = SAT_UNSATISFIED;
    expect_ok(&a, &v, ST_MERGED);
    expect_fail(&a, (struct action[]){base(ACT_REDO, "2021-01-10T10:00:00+08:00")}, ERR_STATE,
                "state", CODE, "merged", "redo");
    appeal_release(&a);
}

/* ---- redo ---------------------------------------------------------------------------- */

static void test_redo(void)
{
    char buf[26];
    struct appeal a;
    fixture(ST_REPLIED, 0, &a);
    struct action v = base(ACT_VISIT, "2021-01-06T10:00:00+08:00");
    v.solved = SOLVED_NO;
    v.satisfaction = SAT_UNSATISFIED;
    v.reason = NULL;
    char *det = details_of(&a, &v);
    CHECK_STR(det, "{\"satisfaction\":\"unsatisfied\",\"solved\":\"no\"}");
    free(det);
    expect_ok(&a, &v, ST_VISITED); /* the core does not redo by itself: the service does */
    struct action redo = base(ACT_REDO, "2021-01-08T10:00:00+08:00");
    redo.actor = who(ROLE_SYSTEM, 0);
    redo.actor.name[0] = '\0';
    redo.reason = "回访未解决，自动重办";
    expect_ok(&a, &redo, ST_ACCEPTED);
    CHECK_INT(a.redo_count, 1);
    CHECK_INT(a.replied_at, 0);
    CHECK_INT(a.visited_at, 0);
    CHECK_INT(a.visit_solved, SOLVED_NONE);
    CHECK_INT(a.visit_satisfaction, SAT_NONE);
    CHECK(a.reply_text != NULL); /* the old reply stays on record until the new one */
    /* 7 working days from Friday 2021-01-08: 11..15, 18, 19. */
    CHECK_STR(iso(a.deadline, buf), "2021-01-19T23:59:59+08:00");
    /* The unit replies again and the second visit is fine. */
    expect_ok(&a, (struct action[]){base(ACT_REPLY, "2021-01-12T10:00:00+08:00")}, ST_REPLIED);
    expect_ok(&a, (struct action[]){base(ACT_VISIT, "2021-01-13T10:00:00+08:00")}, ST_VISITED);
    expect_ok(&a, (struct action[]){base(ACT_CLOSE, "2021-01-14T10:00:00+08:00")}, ST_CLOSED);
    CHECK_INT(a.redo_count, 1);
    CHECK_INT(a.version, 9);
    appeal_release(&a);
}

/* ---- urge and supervise ----------------------------------------------------------------- */

static void test_urge(void)
{
    struct appeal a;
    fixture(ST_DISPATCHED, 0, &a);
    for (int i = 1; i <= 4; i++) {
        struct action u = base(ACT_URGE, "2021-01-08T10:00:00+08:00");
        u.actor = who(ROLE_LEADER, 0);
        u.note = i == 1 ? "请抓紧办理" : NULL;
        expect_ok(&a, &u, ST_DISPATCHED);
        CHECK_INT(a.urge_count, i);
        struct action s = base(ACT_SUPERVISE, "2021-01-08T10:00:00+08:00");
        s.actor = who(ROLE_LEADER, 0);
        expect_ok(&a, &s, ST_DISPATCHED);
        CHECK_INT(a.supervise_level, i < 3 ? i : 3); /* the level stops at 3 */
    }
    struct action u = base(ACT_URGE, "2021-01-08T10:00:00+08:00");
    u.note = "请抓紧办理";
    char *det = details_of(&a, &u);
    CHECK_STR(det, "{\"note\":\"请抓紧办理\",\"urge_count\":5}");
    free(det);
    struct action s = base(ACT_SUPERVISE, "2021-01-08T10:00:00+08:00");
    det = details_of(&a, &s);
    CHECK_STR(det, "{\"level\":3}");
    free(det);
    /* Urging changes neither the state nor the deadline. */
    CHECK_INT(a.state, ST_DISPATCHED);
    CHECK_INT(a.version, 2 + 8);
    appeal_release(&a);
}

/* ---- deadlines on dispatch ------------------------------------------------------------ */

static void test_dispatch_deadlines(void)
{
    static const struct {
        int kind, urgency, complex;
        int limit_amount, limit_unit;
        const char *at;
        const char *deadline, *sign, *limit;
    } rows[] = {
        /* 投诉 7 working days across 国庆 2021 with the 10-09 make-up Saturday. */
        {KIND_COMPLAINT, URG_NORMAL, 0, 0, 0, "2021-09-30T10:00:00+08:00",
         "2021-10-15T23:59:59+08:00", "2021-10-08T23:59:59+08:00", "7 个工作日"},
        {KIND_CONSULT, URG_NORMAL, 0, 0, 0, "2021-09-30T10:00:00+08:00",
         "2021-10-11T23:59:59+08:00", "2021-10-08T23:59:59+08:00", "3 个工作日"},
        {KIND_HELP, URG_NORMAL, 0, 0, 0, "2021-09-30T10:00:00+08:00", "2021-10-13T23:59:59+08:00",
         "2021-10-08T23:59:59+08:00", "5 个工作日"},
        {KIND_REPORT, URG_NORMAL, 0, 0, 0, "2021-09-30T10:00:00+08:00", "2021-10-15T23:59:59+08:00",
         "2021-10-08T23:59:59+08:00", "7 个工作日"},
        {KIND_SUGGEST, URG_NORMAL, 0, 0, 0, "2021-09-30T10:00:00+08:00",
         "2021-10-20T23:59:59+08:00", "2021-10-08T23:59:59+08:00", "10 个工作日"},
        /* Urgent: 24 hours whatever the holiday; sign within 2 hours. Critical: 2 and 1. */
        {KIND_COMPLAINT, URG_URGENT, 0, 0, 0, "2021-09-30T10:00:00+08:00",
         "2021-10-01T10:00:00+08:00", "2021-09-30T12:00:00+08:00", "24 小时"},
        {KIND_CONSULT, URG_CRITICAL, 0, 0, 0, "2021-09-30T10:00:00+08:00",
         "2021-09-30T12:00:00+08:00", "2021-09-30T11:00:00+08:00", "2 小时"},
        /* Complex: 15 working days; urgency still wins over complexity. */
        {KIND_COMPLAINT, URG_NORMAL, 1, 0, 0, "2021-09-30T10:00:00+08:00",
         "2021-10-27T23:59:59+08:00", "2021-10-08T23:59:59+08:00", "15 个工作日"},
        {KIND_COMPLAINT, URG_URGENT, 1, 0, 0, "2021-09-30T10:00:00+08:00",
         "2021-10-01T10:00:00+08:00", "2021-09-30T12:00:00+08:00", "24 小时"},
        /* An explicit limit (--days / --hours) overrides the rules, complex or not. */
        {KIND_COMPLAINT, URG_NORMAL, 0, 2, 0, "2021-09-30T10:00:00+08:00",
         "2021-10-09T23:59:59+08:00", "2021-10-08T23:59:59+08:00", "2 个工作日"},
        {KIND_COMPLAINT, URG_NORMAL, 0, 2, LIMIT_WORKDAYS, "2021-09-30T10:00:00+08:00",
         "2021-10-09T23:59:59+08:00", "2021-10-08T23:59:59+08:00", "2 个工作日"},
        {KIND_COMPLAINT, URG_NORMAL, 1, 3, LIMIT_WORKDAYS, "2021-09-30T10:00:00+08:00",
         "2021-10-11T23:59:59+08:00", "2021-10-08T23:59:59+08:00", "3 个工作日"},
        {KIND_COMPLAINT, URG_NORMAL, 0, 36, LIMIT_HOURS, "2021-09-30T10:00:00+08:00",
         "2021-10-01T22:00:00+08:00", "2021-10-08T23:59:59+08:00", "36 小时"},
        {KIND_CONSULT, URG_URGENT, 0, 5, LIMIT_WORKDAYS, "2021-09-30T10:00:00+08:00",
         "2021-10-13T23:59:59+08:00", "2021-09-30T12:00:00+08:00", "5 个工作日"},
        /* A Friday-night dispatch counts from that Friday. */
        {KIND_COMPLAINT, URG_NORMAL, 0, 0, 0, "2021-10-15T23:30:00+08:00",
         "2021-10-26T23:59:59+08:00", "2021-10-18T23:59:59+08:00", "7 个工作日"},
        /* Across the year boundary (New Year 2022: 01-01..01-03). */
        {KIND_CONSULT, URG_NORMAL, 0, 0, 0, "2021-12-31T10:00:00+08:00",
         "2022-01-06T23:59:59+08:00", "2022-01-04T23:59:59+08:00", "3 个工作日"},
    };
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        struct appeal a;
        registered(&a, rows[r].kind, rows[r].urgency, "2021-09-01T09:00:00+08:00");
        struct action d = base(ACT_DISPATCH, rows[r].at);
        d.unit_id = LEAD;
        d.complex = rows[r].complex;
        d.limit_amount = rows[r].limit_amount;
        d.limit_unit = rows[r].limit_unit;
        char *det = details_of(&a, &d);
        if (!expect_ok(&a, &d, ST_DISPATCHED)) {
            free(det);
            appeal_release(&a);
            continue;
        }
        char got[26], sign[26];
        iso(a.deadline, got);
        iso(a.sign_deadline, sign);
        if (strcmp(got, rows[r].deadline) != 0 || strcmp(sign, rows[r].sign) != 0)
            fprintf(stderr, "dispatch row %zu at %s: deadline %s sign %s, want %s %s\n", r,
                    rows[r].at, got, sign, rows[r].deadline, rows[r].sign);
        CHECK_STR(got, rows[r].deadline);
        CHECK_STR(sign, rows[r].sign);
        CHECK_INT(a.dispatched_at, T(rows[r].at));
        CHECK_INT(a.complex, rows[r].complex);
        /* The event says the same. */
        json_error_t jerr;
        json_t *o = det ? json_loads(det, 0, &jerr) : NULL;
        CHECK(o != NULL);
        if (o) {
            CHECK_STR(json_string_value(json_object_get(o, "deadline")), rows[r].deadline);
            CHECK_STR(json_string_value(json_object_get(o, "sign_deadline")), rows[r].sign);
            CHECK_STR(json_string_value(json_object_get(o, "limit")), rows[r].limit);
            CHECK_INT(json_integer_value(json_object_get(o, "unit_id")), LEAD);
            CHECK(json_is_array(json_object_get(o, "assist")));
            CHECK_INT(json_is_true(json_object_get(o, "complex")), rows[r].complex);
            CHECK(json_object_get(o, "redispatch") == NULL);
            json_decref(o);
        }
        free(det);
        appeal_release(&a);
    }

    /* The exact details of a plain dispatch, with a note and assisting units. */
    struct appeal a;
    registered(&a, KIND_COMPLAINT, URG_NORMAL, "2021-09-30T09:00:00+08:00");
    struct action d = base(ACT_DISPATCH, "2021-09-30T10:00:00+08:00");
    d.unit_id = LEAD;
    d.assist[0] = 12;
    d.assist[1] = 13;
    d.n_assist = 2;
    d.note = "请会同街道办理";
    char *det = details_of(&a, &d);
    CHECK_STR(det, "{\"assist\":[12,13],\"deadline\":\"2021-10-15T23:59:59+08:00\","
                   "\"limit\":\"7 个工作日\",\"note\":\"请会同街道办理\","
                   "\"sign_deadline\":\"2021-10-08T23:59:59+08:00\",\"unit_id\":10}");
    free(det);

    /* A deadline in a year without a calendar, and a bad explicit limit. */
    struct action late = base(ACT_DISPATCH, "2028-03-01T10:00:00+08:00");
    expect_fail(&a, &late, ERR_CALENDAR, "date", "2028", NULL, NULL);
    late = base(ACT_DISPATCH, "2027-12-30T10:00:00+08:00");
    expect_fail(&a, &late, ERR_CALENDAR, "date", "2028", NULL, NULL);
    late = base(ACT_DISPATCH, "2027-12-31T10:00:00+08:00");
    late.limit_amount = 48;
    late.limit_unit = LIMIT_HOURS;
    /* ... though the sign deadline (1 working day) still needs the calendar. */
    expect_fail(&a, &late, ERR_CALENDAR, "date", "2028", NULL, NULL);
    struct action badlim = base(ACT_DISPATCH, "2021-10-08T10:00:00+08:00");
    badlim.limit_amount = -1;
    expect_fail(&a, &badlim, ERR_INVALID, "limit", NULL, NULL, NULL);
    badlim.limit_amount = 3661;
    expect_fail(&a, &badlim, ERR_INVALID, "limit", NULL, NULL, NULL);
    appeal_release(&a);
}

/* ---- the events of a whole life --------------------------------------------------------- */

static void test_lifecycle_events(void)
{
    struct appeal draft;
    appeal_init(&draft);
    draft.title = xstrdup("路灯不亮");
    draft.content = xstrdup("路灯坏了");
    draft.kind = KIND_HELP;
    draft.urgency = URG_NORMAL;
    draft.channel_id = 3;
    struct action reg = base(ACT_REGISTER, "2021-01-04T09:00:00+08:00");
    reg.actor = who(ROLE_CITIZEN, 0);
    /* The citizen's photo is sealed with the registration, and is no evidence of handling. */
    char *det = details_of(&draft, &reg);
    CHECK_STR(det, "{\"channel_id\":3,\"content\":\"路灯坏了\",\"evidence\":[\"现场照片.jpg\"],"
                   "\"kind\":\"help\",\"title\":\"路灯不亮\",\"urgency\":\"normal\"}");
    free(det);
    reg.n_evidence = 0;
    det = details_of(&draft, &reg);
    CHECK_STR(det, "{\"channel_id\":3,\"content\":\"路灯坏了\",\"kind\":\"help\","
                   "\"title\":\"路灯不亮\",\"urgency\":\"normal\"}");
    free(det);
    reg.n_evidence = 1;
    expect_ok(&draft, &reg, ST_RECEIVED);
    struct appeal a = draft;
    CHECK_INT(a.evidence_count, 0);
    CHECK_INT(a.version, 1);
    CHECK_INT(a.last_seq, 1);
    CHECK_INT(a.received_at, T("2021-01-04T09:00:00+08:00"));
    a.id = 7;
    snprintf(a.code, sizeof(a.code), "%s", CODE);

    static const struct {
        int action;
        const char *at;
        int to;
        const char *details; /* exact, when not NULL */
    } life[] = {
        {ACT_DISPATCH, "2021-01-04T09:30:00+08:00", ST_DISPATCHED, NULL},
        {ACT_ACCEPT, "2021-01-04T10:00:00+08:00", ST_ACCEPTED, "{}"},
        {ACT_REPLY, "2021-01-05T10:00:00+08:00", ST_REPLIED,
         "{\"evidence\":[\"现场照片.jpg\"],\"text\":\"已处理完毕\"}"},
        {ACT_VISIT, "2021-01-06T10:00:00+08:00", ST_VISITED,
         "{\"satisfaction\":\"satisfied\",\"solved\":\"yes\"}"},
        {ACT_CLOSE, "2021-01-07T10:00:00+08:00", ST_CLOSED, "{\"evidence\":[\"现场照片.jpg\"]}"},
    };
    for (size_t i = 0; i < sizeof(life) / sizeof(life[0]); i++) {
        struct action act = base(life[i].action, life[i].at);
        act.unit_id = LEAD;
        if (life[i].action == ACT_VISIT)
            act.reason = NULL;
        if (life[i].details) {
            det = details_of(&a, &act);
            CHECK_STR(det, life[i].details);
            free(det);
        }
        int64_t v = a.version;
        expect_ok(&a, &act, life[i].to);
        CHECK_INT(a.version, v + 1);
        CHECK_INT(a.last_seq, (int64_t)i + 2);
    }
    CHECK_INT(a.sign_deadline, T("2021-01-05T23:59:59+08:00"));
    CHECK_INT(a.accepted_at, T("2021-01-04T10:00:00+08:00"));
    CHECK_INT(a.replied_at, T("2021-01-05T10:00:00+08:00"));
    CHECK_INT(a.closed_at, T("2021-01-07T10:00:00+08:00"));
    CHECK_INT(a.evidence_count, 2);
    CHECK_STR(a.reply_text, "已处理完毕");
    /* A closed appeal is read-only: nothing applies, not even by admin. */
    for (int t = ACT_REGISTER; t < ACT_COUNT_; t++) {
        struct action act = base(t, "2021-01-08T10:00:00+08:00");
        act.actor = who(ROLE_ADMIN, 0);
        expect_fail(&a, &act, ERR_STATE, "state", CODE, "closed", action_code(t));
    }
    /* e.g. the message the brief quotes. */
    struct result r;
    run(&a, (struct action[]){base(ACT_ACCEPT, "2021-01-08T10:00:00+08:00")}, &r);
    CHECK_INT(r.rc, -1);
    CHECK(strstr(r.e.msg, "YD20210104") && strstr(r.e.msg, "closed") && strstr(r.e.msg, "accept"));
    appeal_release(&a);

    /* A late signature is marked. */
    fixture(ST_DISPATCHED, 0, &a);
    det = details_of(&a, (struct action[]){base(ACT_ACCEPT, "2021-01-06T00:00:00+08:00")});
    CHECK_STR(det, "{\"late\":true}");
    free(det);
    det = details_of(&a, (struct action[]){base(ACT_ACCEPT, "2021-01-05T23:59:59+08:00")});
    CHECK_STR(det, "{}");
    free(det);
    appeal_release(&a);
}

/* ---- small helpers: open, overdue, names ------------------------------------------------ */

static void test_helpers(void)
{
    static const struct {
        int state, open;
    } open_rows[] = {
        {ST_NONE, 0},    {ST_RECEIVED, 1}, {ST_DISPATCHED, 1}, {ST_ACCEPTED, 1}, {ST_REPLIED, 0},
        {ST_VISITED, 0}, {ST_CLOSED, 0},   {ST_RETURNED, 1},   {ST_REJECTED, 0}, {ST_MERGED, 0},
    };
    for (size_t i = 0; i < sizeof(open_rows) / sizeof(open_rows[0]); i++)
        CHECK_INT(appeal_is_open(open_rows[i].state), open_rows[i].open);

    struct appeal a;
    fixture(ST_ACCEPTED, 0, &a); /* deadline 2021-01-13T23:59:59 */
    CHECK_INT(appeal_is_overdue(&a, T("2021-01-13T23:59:59+08:00")), 0);
    CHECK_INT(appeal_is_overdue(&a, T("2021-01-14T00:00:00+08:00")), 1);
    step(&a, (struct action[]){base(ACT_REPLY, "2021-01-14T00:00:00+08:00")});
    CHECK_INT(appeal_is_overdue(&a, T("2021-01-14T00:00:01+08:00")), 1); /* replied late */
    appeal_release(&a);
    fixture(ST_REPLIED, 0, &a);
    CHECK_INT(appeal_is_overdue(&a, T("2022-01-01T00:00:00+08:00")), 0); /* replied in time */
    appeal_release(&a);
    fixture(ST_RECEIVED, 0, &a);
    CHECK_INT(appeal_is_overdue(&a, T("2022-01-01T00:00:00+08:00")), 0); /* no deadline yet */
    appeal_release(&a);

    static const struct {
        const char *s;
        int state;
    } states[] = {
        {"received", ST_RECEIVED},
        {"已受理", ST_RECEIVED},
        {"closed", ST_CLOSED},
        {"已销号", ST_CLOSED},
        {"merged", ST_MERGED},
        {"办理中", ST_ACCEPTED},
        {"", ST_NONE},
        {"Closed", ST_NONE},
        {"nope", ST_NONE},
    };
    for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
        CHECK_INT(state_parse(states[i].s), states[i].state);
    CHECK_INT(state_parse(NULL), ST_NONE);
    for (int s = ST_RECEIVED; s < ST_COUNT_; s++) {
        CHECK_INT(state_parse(state_code(s)), s);
        CHECK_INT(state_parse(state_label(s)), s);
    }
    for (int t = ACT_REGISTER; t < ACT_COUNT_; t++)
        CHECK_INT(action_parse(action_code(t)), t);
    for (int k = KIND_CONSULT; k < KIND_COUNT_; k++)
        CHECK_INT(kind_parse(kind_label(k)), k);
    CHECK_INT(kind_parse("投诉"), KIND_COMPLAINT);
    CHECK_INT(urgency_parse("一般"), URG_NORMAL);
    CHECK_INT(urgency_parse("特急"), URG_CRITICAL);
    CHECK_INT(urgency_parse("x"), -1);
    CHECK_INT(satisfaction_parse("基本满意"), SAT_BASIC);
    CHECK_INT(solved_parse("partly"), SOLVED_PARTLY);
    CHECK_INT(role_parse("承办人"), ROLE_HANDLER);
    CHECK_STR(state_code(-1), "");
    CHECK_STR(state_code(ST_COUNT_), "");
    CHECK_STR(action_label(ACT_COUNT_), "");
}

int main(void)
{
    struct err e = {0};
    calendar_init(&cal);
    if (calendar_load_embedded(&cal, &e) < 0) {
        fprintf(stderr, "loading calendars: %s\n", e.msg);
        return 1;
    }
    limits_default(&rules, &cal);

    test_matrix(0);
    test_matrix(1);
    test_matrix(2);
    test_matrix_extension_decisions();
    test_roles();
    test_parameters();
    test_extensions();
    test_return_redispatch();
    test_contact();
    test_merge();
    test_redo();
    test_urge();
    test_dispatch_deadlines();
    test_lifecycle_events();
    test_helpers();

    calendar_release(&cal);
    return test_done("test_appeal");
}
