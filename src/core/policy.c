/* policy.c -- who may do what, decided once (see policy.h).
 *
 * The table below is the whole of it: one row per {subject, verb}, one column per role, each
 * cell the scope within which that role may act. The system actor is always allowed. A verb
 * of an appeal is the action's code in core/appeal.c (dispatch, accept, ...); "read" covers
 * showing and listing, "unmask" seeing the citizen's personal data in full. docs/api.md's
 * "who may call what" table is printed from this one (`shishi policy --markdown`) and a test
 * holds the two equal.
 *
 * Scopes: -- not at all; any; lead = the actor's unit leads the target; unit = leads or
 * assists; tree = led by the actor's unit or one below it (any when the actor has no unit);
 * own = the actor's own record; public = a citizen with the code and the phone's last four. */
#include "core/policy.h"

#include <stdio.h>
#include <string.h>

#include "util/banned.h"

#define N SCOPE_NO
#define A SCOPE_ANY
#define L SCOPE_LEAD
#define U SCOPE_UNIT
#define T SCOPE_TREE
#define O SCOPE_OWN
#define P SCOPE_PUBLIC
/* columns: admin, dispatcher, handler (承办人), leader, auditor, citizen */
#define R(ad, di, ha, le, au, ci) {N, ad, di, ha, le, au, ci, A}

static const struct policy_row rows[] = {
    /* subject, verb, what (in refusals), label;                     ad di ha le au ci */
    {SUBJ_APPEAL, "read", "read", "查看诉求", R(A, A, U, T, A, P)},
    {SUBJ_APPEAL, "unmask", "see the personal data of", "查看完整个人信息", R(A, A, U, N, N, N)},
    {SUBJ_APPEAL, "duplicates", "see the likely duplicates of", "查看疑似重复", R(A, A, U, T, A, N)},
    {SUBJ_APPEAL, "hotspots", "see the hot spots of", "查看热点诉求", R(A, A, N, A, A, N)},
    {SUBJ_APPEAL, "learn", "train the dispatch suggestions from", "训练分派建议", R(A, A, N, N, N, N)},
    {SUBJ_APPEAL, "reindex", "rebuild the text index of", "重建文本索引", R(A, N, N, N, N, N)},
    {SUBJ_APPEAL, "register", "register", "受理登记", R(A, A, N, N, N, A)},
    {SUBJ_APPEAL, "dispatch", "dispatch", "交办", R(A, A, N, N, N, N)},
    {SUBJ_APPEAL, "accept", "accept", "签收", R(A, N, L, N, N, N)},
    {SUBJ_APPEAL, "return", "return", "退单", R(A, N, L, N, N, N)},
    {SUBJ_APPEAL, "uphold", "uphold", "维持交办", R(A, A, N, N, N, N)},
    {SUBJ_APPEAL, "contact", "contact", "联系群众", R(A, N, L, N, N, N)},
    {SUBJ_APPEAL, "extend", "extend", "申请延期", R(A, N, L, N, N, N)},
    {SUBJ_APPEAL, "extend_approve", "extend_approve", "批准延期", R(A, A, N, N, N, N)},
    {SUBJ_APPEAL, "extend_deny", "extend_deny", "驳回延期", R(A, A, N, N, N, N)},
    {SUBJ_APPEAL, "urge", "urge", "催办", R(A, A, N, T, N, N)},
    {SUBJ_APPEAL, "supervise", "supervise", "督办", R(A, A, N, T, N, N)},
    {SUBJ_APPEAL, "reply", "reply", "答复", R(A, N, L, N, N, N)},
    {SUBJ_APPEAL, "visit", "visit", "回访（群众自评）", R(A, A, N, N, N, P)},
    {SUBJ_APPEAL, "redo", "redo", "重办", R(A, A, N, N, N, N)},
    {SUBJ_APPEAL, "close", "close", "销号", R(A, A, N, N, N, N)},
    {SUBJ_APPEAL, "merge", "merge", "并单", R(A, A, N, N, N, N)},
    {SUBJ_APPEAL, "reject", "reject", "不予受理", R(A, A, N, N, N, N)},
    {SUBJ_REPORT, "read", "read", "考核报表与指标明细", R(A, A, N, A, A, N)},
    {SUBJ_BULLETIN, "read", "read", "月度通报", R(A, A, N, A, A, N)},
    {SUBJ_RULES, "read", "read", "查看考核规则", R(A, A, N, A, A, N)},
    {SUBJ_RULES, "add", "add", "发布考核规则", R(A, N, N, N, N, N)},
    {SUBJ_AUDIT, "verify", "verify", "校验留痕链", R(A, N, N, N, A, N)},
    {SUBJ_UNIT, "read", "read", "查看单位", R(A, A, A, A, A, N)},
    {SUBJ_UNIT, "add", "add", "新增单位", R(A, N, N, N, N, N)},
    {SUBJ_USER, "read", "read", "查看用户", R(A, N, N, N, A, N)},
    {SUBJ_USER, "add", "add", "新增用户", R(A, N, N, N, N, N)},
    {SUBJ_USER, "update", "change", "重置密码、停用启用、调整单位与角色", R(A, N, N, N, N, N)},
    {SUBJ_USER, "passwd", "change the password of", "修改本人密码", R(A, O, O, O, O, N)},
    {SUBJ_AREA, "read", "read", "查看诉求分类", R(A, A, A, A, A, N)},
    {SUBJ_AREA, "add", "add or disable", "新增与停用分类", R(A, N, N, N, N, N)},
    {SUBJ_CHANNEL, "read", "read", "查看渠道", R(A, A, A, A, A, N)},
    {SUBJ_CHANNEL, "add", "add or disable", "新增与停用渠道", R(A, N, N, N, N, N)},
    {SUBJ_CALENDAR, "read", "read", "查看工作日历", R(A, A, A, A, A, N)},
    {SUBJ_CALENDAR, "update", "change", "维护工作日历", R(A, N, N, N, N, N)},
    {SUBJ_PROJECT, "read", "read", "查看实事项目", R(A, A, A, A, A, N)},
    {SUBJ_PROJECT, "add", "add", "新增项目、批次、节点与关联", R(A, A, N, N, N, N)},
    {SUBJ_PROJECT, "progress", "record progress on", "填报项目进度", R(A, A, L, N, N, N)},
    {SUBJ_PROJECT, "finish", "finish", "项目完成", R(A, A, N, N, N, N)},
    {SUBJ_TASK, "read", "read", "查看清单事项", R(A, A, A, A, A, N)},
    {SUBJ_TASK, "add", "add", "新增清单事项", R(A, A, N, N, N, N)},
    {SUBJ_TASK, "update", "update", "更新清单事项", R(A, A, L, N, N, N)},
    {SUBJ_TASK, "close", "close", "提交销号", R(A, A, L, N, N, N)},
    {SUBJ_TASK, "verify", "verify", "销号核验", R(A, A, N, A, N, N)},
    {SUBJ_TASK, "reopen", "reopen", "重新打开", R(A, A, N, N, N, N)},
    {SUBJ_LEADER, "read", "read", "查看领导包联与走访达标", R(A, A, A, A, A, N)},
    {SUBJ_LEADER, "add", "change", "维护领导、包联与后盾单位", R(A, A, N, N, N, N)},
    {SUBJ_ENTERPRISE, "read", "read", "查看企业", R(A, A, A, A, A, N)},
    {SUBJ_ENTERPRISE, "add", "add", "新增企业", R(A, A, N, N, N, N)},
    {SUBJ_VISIT, "read", "read", "查看走访", R(A, A, A, A, A, N)},
    {SUBJ_VISIT, "add", "record", "记录走访", R(A, A, N, O, N, N)},
    {SUBJ_VOTE, "read", "read", "查看票决", R(A, A, N, A, A, N)},
    {SUBJ_VOTE, "manage", "run", "组织票决（名单、候选、开闭、计票、转项目）", R(A, A, N, N, N, N)},
};

#undef R
#undef N
#undef A
#undef L
#undef U
#undef T
#undef O
#undef P

static const char *const subjects[SUBJ_COUNT_] = {
    "appeal", "report", "bulletin", "rules",   "audit",   "unit",       "user",  "area",
    "channel", "calendar", "project", "task", "leader", "enterprise", "visit", "vote",
};

static const char *const scopes[SCOPE_COUNT_] = {"-", "any", "lead", "unit", "tree", "own",
                                                  "public"};

const char *subject_code(int s)
{
    return s >= 0 && s < SUBJ_COUNT_ ? subjects[s] : "";
}

int subject_parse(const char *s)
{
    for (int i = 0; s && i < SUBJ_COUNT_; i++)
        if (!strcmp(s, subjects[i]))
            return i;
    return -1;
}

const char *scope_code(int s)
{
    return s >= 0 && s < SCOPE_COUNT_ ? scopes[s] : "";
}

const int *policy_roles(size_t *n)
{
    static const int cols[] = {ROLE_ADMIN,  ROLE_DISPATCHER, ROLE_HANDLER,
                               ROLE_LEADER, ROLE_AUDITOR,    ROLE_CITIZEN};
    *n = sizeof(cols) / sizeof(cols[0]);
    return cols;
}

const struct policy_row *policy_rows(size_t *n)
{
    *n = sizeof(rows) / sizeof(rows[0]);
    return rows;
}

static const struct policy_row *find(int subject, const char *verb)
{
    for (size_t i = 0; verb && i < sizeof(rows) / sizeof(rows[0]); i++)
        if (rows[i].subject == subject && !strcmp(rows[i].verb, verb))
            return &rows[i];
    return NULL;
}

int policy_scope(const struct actor *who, int subject, const char *verb)
{
    if (who->role == ROLE_SYSTEM)
        return SCOPE_ANY;
    const struct policy_row *r = find(subject, verb);
    if (!r || who->role <= ROLE_NONE || who->role >= ROLE_COUNT_)
        return SCOPE_NO;
    return r->scope[who->role];
}

const struct unit *unit_tree_get(const struct unit_tree *t, int64_t id)
{
    if (id > 0 && (size_t)id <= t->n && t->units[id - 1].id == id)
        return &t->units[id - 1];
    for (size_t i = 0; i < t->n; i++)
        if (t->units[i].id == id)
            return &t->units[i];
    return NULL;
}

int unit_tree_under(const struct unit_tree *t, int64_t u, int64_t top)
{
    for (int depth = 0; u && depth < 32; depth++) {
        if (u == top)
            return 1;
        const struct unit *x = t ? unit_tree_get(t, u) : NULL;
        u = x ? x->parent_id : 0;
    }
    return 0;
}

static int phone_ends(const char *phone, const char *last4)
{
    size_t n = phone ? strlen(phone) : 0;
    return last4 && strlen(last4) == 4 && n >= 4 && !strcmp(phone + n - 4, last4);
}

int policy_in_scope(int scope, const struct actor *who, const struct policy_target *t)
{
    switch (scope) {
    case SCOPE_ANY:
        return 1;
    case SCOPE_LEAD:
        return who->unit_id && t->unit == who->unit_id;
    case SCOPE_UNIT:
        if (who->unit_id && t->unit == who->unit_id)
            return 1;
        for (int i = 0; who->unit_id && i < t->nassist; i++)
            if (t->assist[i] == who->unit_id)
                return 1;
        return 0;
    case SCOPE_TREE:
        return !who->unit_id || (t->unit && unit_tree_under(t->tree, t->unit, who->unit_id));
    case SCOPE_OWN:
        return who->user_id && t->owner_user == who->user_id;
    case SCOPE_PUBLIC:
        return phone_ends(t->phone, t->phone_last4);
    }
    return 0;
}

/* The reason a scope was not met, for the one who asked. */
static const char *scope_reason(int scope, int subject)
{
    switch (scope) {
    case SCOPE_LEAD:
        return subject == SUBJ_TASK ? "their unit does not own it" : "their unit is not its lead unit";
    case SCOPE_UNIT:
        return "their unit neither leads nor assists it";
    case SCOPE_TREE:
        return "it is not led by their unit or a unit below it";
    case SCOPE_OWN:
        return "it is not their own";
    case SCOPE_PUBLIC:
        return "the code and phone number do not match";
    }
    return "";
}

/* What the refusal names when no one target is in question: "appeals", "projects". */
static const char *const plurals[SUBJ_COUNT_] = {
    "appeals",  "reports",  "bulletins", "rule sets", "the audit trail", "units",
    "users",    "areas",    "channels",  "the calendar", "projects", "list items",
    "leaders",  "enterprises", "visits", "votes",
};

int policy_can_to(const struct actor *who, int subject, const char *verb,
                  const struct policy_target *t, const char *what, struct err *e)
{
    if (who->role == ROLE_SYSTEM)
        return 0;
    const struct policy_row *r = find(subject, verb);
    int role = who->role > ROLE_NONE && who->role < ROLE_COUNT_ ? who->role : ROLE_NONE;
    const char *name = who->name[0] ? who->name : "anonymous";
    char phrase[160];
    if (what)
        snprintf(phrase, sizeof(phrase), "%s", what);
    else
        snprintf(phrase, sizeof(phrase), "%s %s (%s)", r ? r->what : verb ? verb : "?",
                 t && t->name ? t->name : subject >= 0 && subject < SUBJ_COUNT_ ? plurals[subject] : "",
                 r ? r->label : "");
    int scope = r ? r->scope[role] : SCOPE_NO;
    if (scope == SCOPE_NO) {
        /* name the roles that may, so that the refused know whom to ask */
        char may[96] = "";
        size_t used = 0;
        for (int k = ROLE_ADMIN; r && k < ROLE_SYSTEM; k++)
            if (r->scope[k] != SCOPE_NO && used < sizeof(may))
                used += (size_t)snprintf(may + used, sizeof(may) - used, "%s%s",
                                         used ? ", " : "", role_code(k));
        return err_set(e, ERR_FORBIDDEN, "actor", "user '%s': role %s (%s) may not %s%s%s", name,
                       role_code(role), role_label(role), phrase, used ? "; allowed: " : "",
                       may);
    }
    if (!t || policy_in_scope(scope, who, t))
        return 0;
    return err_set(e, ERR_FORBIDDEN, "actor", "user '%s' may not %s: %s", name, phrase,
                   scope_reason(scope, subject));
}

int policy_can(const struct actor *who, int subject, const char *verb,
               const struct policy_target *t, struct err *e)
{
    return policy_can_to(who, subject, verb, t, NULL, e);
}
