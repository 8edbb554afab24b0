/* appeal.c -- the appeal workflow: states and actions (diagram in appeal.h). Who may take an
 * action is the policy's (core/policy.c, verb = the action's code); the "who" column below is
 * a reminder of it, and `transitions[]` near the end of this file is the state table.
 *
 * action          from                      to          who                 function
 * register        -                         received    dispatcher,citizen  do_register
 * dispatch        received, returned        dispatched  dispatcher          do_dispatch
 * accept          dispatched                accepted    lead unit           do_accept
 * return          dispatched                returned    lead unit           do_return
 * uphold          returned                  dispatched  dispatcher          do_uphold
 * extend          accepted                  accepted    lead unit           do_extend
 * extend_approve  accepted (pending)        accepted    dispatcher          do_extend_decide
 * extend_deny     accepted (pending)        accepted    dispatcher          do_extend_decide
 * urge, supervise received..returned        same        dispatcher, leader  do_urge
 * reply           accepted                  replied     lead unit           do_reply
 * visit           replied; merged           visited; merged  dispatcher     do_visit
 * redo            visited                   accepted    dispatcher, system  do_redo
 * close           visited                   closed      dispatcher          do_close
 * merge           received, dispatched      merged      dispatcher          do_merge
 * reject          received                  rejected    dispatcher          do_reject
 * contact         accepted                  accepted    lead unit           do_contact
 *
 * Invariant: nothing here does I/O; appeal_apply() either returns the new appeal and its
 * event, or an error and nothing. */
#include "core/appeal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/policy.h"
#include "core/text.h"
#include "util/civil.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#include "util/banned.h"

#define TITLE_MAX   200  /* characters */
#define CONTENT_MAX 5000 /* characters */
#define REASON_MAX  1000
#define REPLY_MAX   5000
#define EVIDENCE_MAX 500 /* characters of an evidence reference */

/* ---- names ------------------------------------------------------------------------- */

struct name {
    const char *code, *label;
};

static const struct name states[ST_COUNT_] = {
    {"", ""},
    {"received", "已受理"},
    {"dispatched", "已交办"},
    {"accepted", "办理中"},
    {"replied", "已答复"},
    {"visited", "已回访"},
    {"closed", "已销号"},
    {"returned", "已退单"},
    {"rejected", "不予受理"},
    {"merged", "已并单"},
};

static const struct name actions[ACT_COUNT_] = {
    {"", ""},
    {"register", "受理"},
    {"dispatch", "交办"},
    {"accept", "签收"},
    {"return", "退单"},
    {"uphold", "维持交办"},
    {"extend", "申请延期"},
    {"extend_approve", "批准延期"},
    {"extend_deny", "驳回延期"},
    {"urge", "催办"},
    {"supervise", "督办"},
    {"reply", "答复"},
    {"visit", "回访"},
    {"redo", "重办"},
    {"close", "销号"},
    {"merge", "并单"},
    {"reject", "不予受理"},
    {"contact", "联系群众"},
};

static const struct name roles[ROLE_COUNT_] = {
    {"", ""},
    {"admin", "管理员"},
    {"dispatcher", "派单员"},
    {"handler", "承办人"},
    {"leader", "领导"},
    {"auditor", "审计员"},
    {"citizen", "群众"},
    {"system", "系统"},
};

static const struct name kinds[KIND_COUNT_] = {
    {"", ""},
    {"consult", "咨询"},
    {"help", "求助"},
    {"complaint", "投诉"},
    {"report", "举报"},
    {"suggest", "建议"},
};

static const struct name urgencies[URG_COUNT_] = {
    {"normal", "一般"},
    {"urgent", "紧急"},
    {"critical", "特急"},
};

static const struct name solveds[SOLVED_COUNT_] = {
    {"", ""},
    {"yes", "已解决"},
    {"partly", "部分解决"},
    {"no", "未解决"},
};

static const struct name satisfactions[SAT_COUNT_] = {
    {"", ""},
    {"satisfied", "满意"},
    {"basic", "基本满意"},
    {"unsatisfied", "不满意"},
};

static int parse_name(const struct name *t, int n, int first, const char *s)
{
    if (!s || !*s)
        return -1;
    for (int i = first; i < n; i++)
        if (!strcmp(s, t[i].code) || !strcmp(s, t[i].label))
            return i;
    return -1;
}

#define NAME_FUNCS(prefix, table, count, first, none)                                          \
    const char *prefix##_code(int v)                                                           \
    {                                                                                          \
        return v >= 0 && v < (count) ? table[v].code : "";                                     \
    }                                                                                          \
    const char *prefix##_label(int v)                                                          \
    {                                                                                          \
        return v >= 0 && v < (count) ? table[v].label : "";                                    \
    }                                                                                          \
    int prefix##_parse(const char *s)                                                          \
    {                                                                                          \
        int v = parse_name(table, (count), (first), s);                                        \
        return v < 0 ? (none) : v;                                                             \
    }

NAME_FUNCS(state, states, ST_COUNT_, 1, ST_NONE)
NAME_FUNCS(action, actions, ACT_COUNT_, 1, ACT_NONE)
NAME_FUNCS(role, roles, ROLE_COUNT_, 1, ROLE_NONE)
NAME_FUNCS(kind, kinds, KIND_COUNT_, 1, KIND_NONE)
NAME_FUNCS(urgency, urgencies, URG_COUNT_, 0, -1)
NAME_FUNCS(solved, solveds, SOLVED_COUNT_, 1, SOLVED_NONE)
NAME_FUNCS(satisfaction, satisfactions, SAT_COUNT_, 1, SAT_NONE)

/* ---- lifecycle ------------------------------------------------------------------------ */

void appeal_init(struct appeal *a)
{
    memset(a, 0, sizeof(*a));
}

void appeal_release(struct appeal *a)
{
    free(a->title);
    free(a->content);
    free(a->citizen_name);
    free(a->phone);
    free(a->id_number);
    free(a->address);
    free(a->reply_text);
    appeal_init(a);
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

void appeal_copy(struct appeal *dst, const struct appeal *src)
{
    *dst = *src;
    dst->title = dup_or_null(src->title);
    dst->content = dup_or_null(src->content);
    dst->citizen_name = dup_or_null(src->citizen_name);
    dst->phone = dup_or_null(src->phone);
    dst->id_number = dup_or_null(src->id_number);
    dst->address = dup_or_null(src->address);
    dst->reply_text = dup_or_null(src->reply_text);
}

void event_release(struct event *ev)
{
    free(ev->details);
    memset(ev, 0, sizeof(*ev));
}

int appeal_is_open(int state)
{
    return state == ST_RECEIVED || state == ST_DISPATCHED || state == ST_ACCEPTED ||
           state == ST_RETURNED;
}

int appeal_is_overdue(const struct appeal *a, int64_t now)
{
    if (!a->deadline)
        return 0;
    if (a->replied_at)
        return a->replied_at > a->deadline;
    return (a->state == ST_DISPATCHED || a->state == ST_ACCEPTED || a->state == ST_RETURNED) &&
           now > a->deadline;
}

/* ---- checks ------------------------------------------------------------------------- */

/* Context of one application, so the helpers can name the appeal in errors. */
struct ctx {
    const struct appeal *cur;
    const struct action *act;
    const struct limits *rules;
    struct appeal *next;
    json_t *details;
    struct err *e;
};

static const char *appeal_name(const struct appeal *a)
{
    return a->code[0] ? a->code : "(new)";
}

static int refuse_state(struct ctx *c)
{
    return err_set(c->e, ERR_STATE, "state", "cannot %s (%s) appeal %s: it is %s (%s)",
                   action_code(c->act->type), action_label(c->act->type),
                   appeal_name(c->cur), state_code(c->cur->state),
                   state_label(c->cur->state));
}


/* Text that must be present, valid UTF-8 and at most `max` characters. */
static int check_text(struct ctx *c, const char *field, const char *s, size_t max, int required)
{
    if (!s || !*s) {
        if (required)
            return err_set(c->e, ERR_INVALID, field, "%s of appeal %s: %s is required",
                           action_code(c->act->type), appeal_name(c->cur), field);
        return 0;
    }
    if (required && text_blank(s))
        return err_set(c->e, ERR_INVALID, field, "%s of appeal %s: %s is blank",
                       action_code(c->act->type), appeal_name(c->cur), field);
    return text_check(field, s, max, required, c->e);
}

/* Every free text an action carries, whatever the action: no note, reason, reply or
 * evidence name is written into the history unchecked (required ones are checked again by
 * their action, which knows they are required). */
static int check_action_texts(struct ctx *c)
{
    const struct action *a = c->act;
    if (check_text(c, "reason", a->reason, REASON_MAX, 0) < 0 ||
        check_text(c, "note", a->note, REASON_MAX, 0) < 0 ||
        check_text(c, "text", a->text, REPLY_MAX, 0) < 0 ||
        check_text(c, "record", a->record, REPLY_MAX, 0) < 0)
        return -1;
    for (int i = 0; i < a->n_evidence && i < APPEAL_MAX_EVIDENCE; i++)
        if (check_text(c, "evidence", a->evidence[i], EVIDENCE_MAX, 0) < 0)
            return -1;
    return 0;
}

/* Who may do what is the policy's (core/policy.c); this only adds that a unit's action on an
 * appeal no unit leads yet is refused for its state, which is what is wrong with it. */
static int check_actor(struct ctx *c)
{
    const struct actor *who = &c->act->actor;
    const struct appeal *a = c->cur;
    const char *verb = action_code(c->act->type);
    char name[APPEAL_CODE_LEN + 8];
    snprintf(name, sizeof(name), "appeal %s", appeal_name(a));
    struct policy_target t = {.name = name,
                              .unit = a->lead_unit_id,
                              .assist = a->assist,
                              .nassist = a->n_assist,
                              .phone = a->phone,
                              .phone_last4 = c->act->phone_last4,
                              .tree = c->act->units};
    int scope = policy_scope(who, SUBJ_APPEAL, verb);
    if (scope == SCOPE_LEAD && !a->lead_unit_id && a->state != ST_NONE)
        return refuse_state(c);
    return policy_can(who, SUBJ_APPEAL, verb, c->act->type == ACT_REGISTER ? NULL : &t, c->e);
}

static void set_time(json_t *o, const char *key, int64_t t)
{
    char iso[26];
    civil_format_instant(t, iso);
    json_object_set_new(o, key, json_string(iso));
}

static void set_str(json_t *o, const char *key, const char *s)
{
    if (s && *s)
        json_object_set_new(o, key, json_string(s));
}

static void replace(char **slot, const char *s)
{
    free(*slot);
    *slot = s ? xstrdup(s) : NULL;
}

static struct time_limit handling_limit(const struct limits *r, const struct appeal *a)
{
    if (a->complex && a->urgency == URG_NORMAL)
        return r->complex;
    int k = a->kind > 0 && a->kind < LIMIT_KINDS ? a->kind : 0;
    int u = a->urgency >= 0 && a->urgency < LIMIT_URGENCIES ? a->urgency : 0;
    return r->handle[k][u];
}

static int set_sign_deadline(struct ctx *c)
{
    int u = c->next->urgency >= 0 && c->next->urgency < LIMIT_URGENCIES ? c->next->urgency : 0;
    if (deadline_compute(c->rules->cal, c->act->at, c->rules->sign[u], &c->next->sign_deadline,
                         c->e) < 0)
        return -1;
    set_time(c->details, "sign_deadline", c->next->sign_deadline);
    return 0;
}

/* ---- the actions -------------------------------------------------------------------- */

/* A phone: an optional leading '+', then 7 to 15 digits, with single '-' or ' ' only between
 * digits (010-12345678, +86 138 1234 5678); "-------1234567" is no phone. */
static int check_phone(struct ctx *c, const char *p)
{
    if (!p || !*p)
        return 0;
    size_t n = strlen(p), digits = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = p[i];
        if (ch >= '0' && ch <= '9') {
            digits++;
        } else if (ch == '+' && i == 0) {
            continue;
        } else if (ch == '-' || ch == ' ') {
            int after_digit = i > 0 && p[i - 1] >= '0' && p[i - 1] <= '9';
            int before_digit = p[i + 1] >= '0' && p[i + 1] <= '9';
            if (!after_digit || !before_digit)
                return err_set(c->e, ERR_INVALID, "phone",
                               "phone number '%s': a '%c' may stand only between digits", p, ch);
        } else {
            return err_set(c->e, ERR_INVALID, "phone",
                           "phone number '%s' has a character that is not a digit", p);
        }
    }
    if (digits < 7 || digits > 15)
        return err_set(c->e, ERR_INVALID, "phone", "phone number '%s' must have 7 to 15 digits",
                       p);
    return 0;
}

/* A resident ID number (GB 11643): 17 digits and a digit or X, the 7th to 14th the birth
 * date, which must be a real day from 1900 on. The check character is not verified: numbers
 * in use are entered from documents, and refusing one for its checksum would lose an appeal
 * over a typing slip the handling unit can correct. */
static int check_id_number(struct ctx *c, const char *s)
{
    if (!s || !*s)
        return 0;
    size_t n = strlen(s);
    int ok = n == 18 && s[0] != '0';
    for (size_t i = 0; ok && i < 17; i++)
        ok = s[i] >= '0' && s[i] <= '9';
    if (ok)
        ok = (s[17] >= '0' && s[17] <= '9') || s[17] == 'X' || s[17] == 'x';
    if (!ok)
        return err_set(c->e, ERR_INVALID, "id_number",
                       "ID number must be 17 digits and a digit or X (18 characters)");
    int y = (s[6] - '0') * 1000 + (s[7] - '0') * 100 + (s[8] - '0') * 10 + (s[9] - '0');
    int m = (s[10] - '0') * 10 + (s[11] - '0'), d = (s[12] - '0') * 10 + (s[13] - '0');
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1900 || m < 1 || m > 12 || d < 1 || d > days[m - 1] || (m == 2 && d == 29 && !leap))
        return err_set(c->e, ERR_INVALID, "id_number",
                       "ID number '%.6s********%.4s': its birth date %.4s-%.2s-%.2s is not a day",
                       s, s + 14, s + 6, s + 10, s + 12);
    return 0;
}

static int add_evidence_as(struct ctx *c, int handling);

static int do_register(struct ctx *c)
{
    const struct appeal *a = c->cur;
    if (check_text(c, "title", a->title, TITLE_MAX, 1) < 0 ||
        check_text(c, "content", a->content, CONTENT_MAX, 1) < 0 ||
        check_text(c, "citizen_name", a->citizen_name, 64, 0) < 0 ||
        check_text(c, "address", a->address, 200, 0) < 0 || check_phone(c, a->phone) < 0 ||
        check_id_number(c, a->id_number) < 0)
        return -1;
    if (a->kind <= KIND_NONE || a->kind >= KIND_COUNT_)
        return err_set(c->e, ERR_INVALID, "kind", "appeal kind is required (咨询 求助 投诉 举报 建议)");
    if (a->urgency < 0 || a->urgency >= URG_COUNT_)
        return err_set(c->e, ERR_INVALID, "urgency", "urgency must be 一般, 紧急 or 特急");
    if (a->channel_id <= 0)
        return err_set(c->e, ERR_INVALID, "channel", "channel is required");
    c->next->state = ST_RECEIVED;
    c->next->received_at = c->act->at;
    json_object_set_new(c->details, "title", json_string(a->title));
    json_object_set_new(c->details, "content", json_string(a->content));
    json_object_set_new(c->details, "kind", json_string(kind_code(a->kind)));
    json_object_set_new(c->details, "urgency", json_string(urgency_code(a->urgency)));
    json_object_set_new(c->details, "channel_id", json_integer(a->channel_id));
    if (a->area_id)
        json_object_set_new(c->details, "area_id", json_integer(a->area_id));
    /* Photos the caller sent with the appeal: sealed with it, no evidence of handling. */
    return add_evidence_as(c, 0);
}

static int set_units(struct ctx *c)
{
    const struct action *act = c->act;
    if (act->unit_id <= 0)
        return err_set(c->e, ERR_INVALID, "unit", "dispatch of appeal %s: a lead unit is required",
                       appeal_name(c->cur));
    if (act->n_assist < 0 || act->n_assist > APPEAL_MAX_ASSIST)
        return err_set(c->e, ERR_INVALID, "assist", "at most %d assisting units",
                       APPEAL_MAX_ASSIST);
    json_t *assist = json_array();
    for (int i = 0; i < act->n_assist; i++) {
        if (act->assist[i] == act->unit_id) {
            json_decref(assist);
            return err_set(c->e, ERR_INVALID, "assist",
                           "the lead unit cannot also be an assisting unit");
        }
        for (int j = 0; j < i; j++)
            if (act->assist[j] == act->assist[i]) {
                json_decref(assist);
                return err_set(c->e, ERR_INVALID, "assist", "an assisting unit is listed twice");
            }
        c->next->assist[i] = act->assist[i];
        json_array_append_new(assist, json_integer(act->assist[i]));
    }
    c->next->n_assist = act->n_assist;
    c->next->lead_unit_id = act->unit_id;
    json_object_set_new(c->details, "unit_id", json_integer(act->unit_id));
    json_object_set_new(c->details, "assist", assist);
    return 0;
}

static int do_dispatch(struct ctx *c)
{
    if (c->cur->state == ST_RETURNED && c->act->unit_id == c->cur->lead_unit_id)
        return err_set(c->e, ERR_INVALID, "unit",
                       "appeal %s was returned by this unit: re-dispatch (改派) it to another "
                       "unit, or uphold (维持交办) the dispatch",
                       appeal_name(c->cur));
    if (set_units(c) < 0)
        return -1;
    struct appeal *n = c->next;
    n->complex = c->act->complex;
    struct time_limit lim = handling_limit(c->rules, n);
    if (c->act->limit_amount) {
        lim.amount = c->act->limit_amount;
        lim.unit = c->act->limit_unit ? c->act->limit_unit : LIMIT_WORKDAYS;
    }
    if (deadline_compute(c->rules->cal, c->act->at, lim, &n->deadline, c->e) < 0)
        return -1;
    n->state = ST_DISPATCHED;
    n->dispatched_at = c->act->at;
    n->accepted_at = 0;
    n->contacted_at = 0; /* a unit newly dispatched must reach the caller itself */
    n->ext_requested = 0;
    char limtext[48];
    limit_format(lim, limtext, sizeof(limtext));
    json_object_set_new(c->details, "limit", json_string(limtext));
    set_time(c->details, "deadline", n->deadline);
    if (c->cur->state == ST_RETURNED)
        json_object_set_new(c->details, "redispatch", json_true());
    if (n->complex)
        json_object_set_new(c->details, "complex", json_true());
    set_str(c->details, "note", c->act->note);
    return set_sign_deadline(c);
}

static int do_accept(struct ctx *c)
{
    c->next->state = ST_ACCEPTED;
    c->next->accepted_at = c->act->at;
    if (c->next->sign_deadline && c->act->at > c->next->sign_deadline)
        json_object_set_new(c->details, "late", json_true());
    return 0;
}

static int do_return(struct ctx *c)
{
    if (check_text(c, "reason", c->act->reason, REASON_MAX, 1) < 0)
        return -1;
    c->next->state = ST_RETURNED;
    c->next->return_count++;
    set_str(c->details, "reason", c->act->reason);
    return 0;
}

static int do_uphold(struct ctx *c)
{
    if (check_text(c, "reason", c->act->reason, REASON_MAX, 1) < 0)
        return -1;
    c->next->state = ST_DISPATCHED;
    set_str(c->details, "reason", c->act->reason);
    json_object_set_new(c->details, "unit_id", json_integer(c->cur->lead_unit_id));
    return set_sign_deadline(c);
}

static int do_extend(struct ctx *c)
{
    const struct appeal *a = c->cur;
    if (check_text(c, "reason", c->act->reason, REASON_MAX, 1) < 0)
        return -1;
    if (a->ext_requested)
        return err_set(c->e, ERR_STATE, "state",
                       "appeal %s already has an extension request awaiting a decision",
                       appeal_name(a));
    if (c->act->at > a->deadline)
        return err_set(c->e, ERR_STATE, "deadline",
                       "appeal %s is past its deadline: an extension must be asked for before it",
                       appeal_name(a));
    if (a->ext_count >= c->rules->max_extensions)
        return err_set(c->e, ERR_STATE, "state", "appeal %s has had %d extensions, the most allowed",
                       appeal_name(a), a->ext_count);
    if (c->act->ext_days < 1 || c->act->ext_days > c->rules->max_ext_days)
        return err_set(c->e, ERR_INVALID, "days", "an extension adds 1 to %d working days",
                       c->rules->max_ext_days);
    int64_t day;
    if (calendar_add_workdays(c->rules->cal, civil_site_date(a->deadline), c->act->ext_days, &day,
                              c->e) < 0)
        return -1;
    c->next->ext_requested = civil_site_midnight(day + 1) - 1;
    json_object_set_new(c->details, "days", json_integer(c->act->ext_days));
    set_time(c->details, "requested_deadline", c->next->ext_requested);
    set_str(c->details, "reason", c->act->reason);
    return 0;
}

static int do_extend_decide(struct ctx *c)
{
    const struct appeal *a = c->cur;
    if (!a->ext_requested)
        return err_set(c->e, ERR_STATE, "state", "appeal %s has no extension request to decide",
                       appeal_name(a));
    if (c->act->at > a->deadline)
        return err_set(c->e, ERR_STATE, "deadline",
                       "appeal %s is past its deadline: its extension request has lapsed",
                       appeal_name(a));
    if (c->act->type == ACT_EXTEND_APPROVE) {
        set_time(c->details, "old_deadline", a->deadline);
        set_time(c->details, "deadline", a->ext_requested);
        c->next->deadline = a->ext_requested;
        c->next->ext_count++;
    } else if (check_text(c, "reason", c->act->reason, REASON_MAX, 1) < 0) {
        return -1;
    }
    set_str(c->details, "reason", c->act->reason);
    c->next->ext_requested = 0;
    return 0;
}

static int do_urge(struct ctx *c)
{
    if (check_text(c, "note", c->act->note, REASON_MAX, 0) < 0)
        return -1;
    if (c->act->type == ACT_URGE) {
        c->next->urge_count++;
        json_object_set_new(c->details, "urge_count", json_integer(c->next->urge_count));
    } else {
        if (c->next->supervise_level < 3)
            c->next->supervise_level++;
        json_object_set_new(c->details, "level", json_integer(c->next->supervise_level));
    }
    set_str(c->details, "note", c->act->note);
    return 0;
}

/* Writes the action's evidence into its details. `handling`: it is evidence of the handling,
 * which a close-out needs (a citizen's photo at registration is not). */
static int add_evidence_as(struct ctx *c, int handling)
{
    if (c->act->n_evidence < 0 || c->act->n_evidence > APPEAL_MAX_EVIDENCE)
        return err_set(c->e, ERR_INVALID, "evidence", "at most %d evidence references",
                       APPEAL_MAX_EVIDENCE);
    if (!c->act->n_evidence)
        return 0;
    json_t *arr = json_array();
    for (int i = 0; i < c->act->n_evidence; i++) {
        if (check_text(c, "evidence", c->act->evidence[i], 500, 1) < 0) {
            json_decref(arr);
            return -1;
        }
        json_array_append_new(arr, json_string(c->act->evidence[i]));
    }
    json_object_set_new(c->details, "evidence", arr);
    if (handling)
        c->next->evidence_count += c->act->n_evidence;
    return 0;
}

static int add_evidence(struct ctx *c)
{
    return add_evidence_as(c, 1);
}

static int do_reply(struct ctx *c)
{
    if (check_text(c, "text", c->act->text, REPLY_MAX, 1) < 0 ||
        check_text(c, "record", c->act->record, REPLY_MAX, 0) < 0 || add_evidence(c) < 0)
        return -1;
    c->next->state = ST_REPLIED;
    c->next->replied_at = c->act->at;
    c->next->ext_requested = 0;
    replace(&c->next->reply_text, c->act->text);
    json_object_set_new(c->details, "text", json_string(c->act->text));
    set_str(c->details, "record", c->act->record);
    if (c->act->at > c->cur->deadline)
        json_object_set_new(c->details, "overdue", json_true());
    return 0;
}

static int do_visit(struct ctx *c)
{
    const struct action *act = c->act;
    if (c->cur->state == ST_MERGED) {
        int t = act->target_state;
        if (t != ST_REPLIED && t != ST_VISITED && t != ST_CLOSED)
            return err_set(c->e, ERR_STATE, "state",
                           "cannot visit (回访) merged appeal %s before the appeal it joined "
                           "is replied",
                           appeal_name(c->cur));
        if (c->cur->visited_at)
            return err_set(c->e, ERR_STATE, "state", "merged appeal %s was already visited",
                           appeal_name(c->cur));
    }
    if (act->solved <= SOLVED_NONE || act->solved >= SOLVED_COUNT_)
        return err_set(c->e, ERR_INVALID, "solved", "visit needs solved: yes, partly or no");
    if (act->satisfaction <= SAT_NONE || act->satisfaction >= SAT_COUNT_)
        return err_set(c->e, ERR_INVALID, "satisfaction",
                       "visit needs satisfaction: 满意, 基本满意 or 不满意");
    int bad = act->solved == SOLVED_NO || act->satisfaction == SAT_UNSATISFIED;
    if (act->no_redo && !bad)
        return err_set(c->e, ERR_INVALID, "no_redo",
                       "no-redo applies only to an unsolved or unsatisfied visit");
    if (check_text(c, "reason", act->reason, REASON_MAX, act->no_redo) < 0 ||
        check_text(c, "note", act->note, REASON_MAX, 0) < 0)
        return -1;
    if (c->cur->state != ST_MERGED)
        c->next->state = ST_VISITED;
    c->next->visited_at = act->at;
    c->next->visit_solved = act->solved;
    c->next->visit_satisfaction = act->satisfaction;
    json_object_set_new(c->details, "solved", json_string(solved_code(act->solved)));
    json_object_set_new(c->details, "satisfaction",
                        json_string(satisfaction_code(act->satisfaction)));
    if (act->no_redo)
        json_object_set_new(c->details, "no_redo", json_true());
    set_str(c->details, "reason", act->reason);
    set_str(c->details, "note", act->note);
    return 0;
}

static int do_redo(struct ctx *c)
{
    if (check_text(c, "reason", c->act->reason, REASON_MAX, 1) < 0)
        return -1;
    struct appeal *n = c->next;
    if (deadline_compute(c->rules->cal, c->act->at, handling_limit(c->rules, n), &n->deadline,
                         c->e) < 0)
        return -1;
    n->state = ST_ACCEPTED;
    n->redo_count++;
    n->replied_at = 0;
    n->visited_at = 0;
    n->visit_solved = SOLVED_NONE;
    n->visit_satisfaction = SAT_NONE;
    set_time(c->details, "deadline", n->deadline);
    set_str(c->details, "reason", c->act->reason);
    return 0;
}

static int do_close(struct ctx *c)
{
    const struct appeal *a = c->cur;
    if (add_evidence(c) < 0 ||
        check_text(c, "note", c->act->note, REASON_MAX, 0) < 0)
        return -1;
    if (c->next->evidence_count == 0)
        return err_set(c->e, ERR_INVALID, "evidence",
                       "cannot close (销号) appeal %s without evidence of the handling",
                       appeal_name(a));
    c->next->state = ST_CLOSED;
    c->next->closed_at = c->act->at;
    set_str(c->details, "note", c->act->note);
    return 0;
}

/* An appeal others were merged into carries them: rejecting it or merging it on would leave
 * them merged into an appeal nobody handles (issue 16, item 1), so it is handled itself. */
static int check_not_joined(struct ctx *c, const char *what)
{
    if (c->act->joined <= 0)
        return 0;
    return err_set(c->e, ERR_STATE, "state",
                   "cannot %s (%s) appeal %s: %lld appeal%s merged (并单) into it and would be "
                   "left unhandled; handle this appeal instead",
                   what, strcmp(what, "merge") ? "不予受理" : "并单", appeal_name(c->cur),
                   (long long)c->act->joined, c->act->joined == 1 ? " is" : "s are");
}

static int do_merge(struct ctx *c)
{
    const struct action *act = c->act;
    if (act->target_id <= 0 || act->target_id == c->cur->id)
        return err_set(c->e, ERR_INVALID, "into", "appeal %s cannot be merged into itself",
                       appeal_name(c->cur));
    if (!appeal_is_open(act->target_state) && act->target_state != ST_REPLIED)
        return err_set(c->e, ERR_STATE, "into",
                       "cannot merge appeal %s into %s: that appeal is %s (%s)",
                       appeal_name(c->cur), act->target_code ? act->target_code : "?",
                       state_code(act->target_state), state_label(act->target_state));
    if (check_not_joined(c, "merge") < 0)
        return -1;
    c->next->state = ST_MERGED;
    c->next->merged_into = act->target_id;
    json_object_set_new(c->details, "into", json_integer(act->target_id));
    set_str(c->details, "into_code", act->target_code);
    set_str(c->details, "note", act->note);
    return 0;
}

static int do_reject(struct ctx *c)
{
    if (check_text(c, "reason", c->act->reason, REASON_MAX, 1) < 0 ||
        check_not_joined(c, "reject") < 0)
        return -1;
    c->next->state = ST_REJECTED;
    set_str(c->details, "reason", c->act->reason);
    return 0;
}

/* Only the first contact since dispatch is kept on the row (it is what the response rate
 * judges); every contact is an event with its note. */
static int do_contact(struct ctx *c)
{
    if (check_text(c, "note", c->act->note, REASON_MAX, 0) < 0)
        return -1;
    if (!c->next->contacted_at)
        c->next->contacted_at = c->act->at;
    else
        json_object_set_new(c->details, "again", json_true());
    if (c->next->sign_deadline && c->act->at > c->next->sign_deadline)
        json_object_set_new(c->details, "late", json_true());
    set_str(c->details, "note", c->act->note);
    return 0;
}

typedef int (*action_fn)(struct ctx *c);

/* The transitions: from which states each action may be taken, and what it does (the "to"
 * state is the handler's; see the table at the head of this file). */
#define S(x) (1u << (x))
#define OPEN (S(ST_RECEIVED) | S(ST_DISPATCHED) | S(ST_ACCEPTED) | S(ST_RETURNED))
static const struct transition {
    action_fn fn;
    unsigned from;
} transitions[ACT_COUNT_] = {
    [ACT_REGISTER] = {do_register, S(ST_NONE)},
    [ACT_DISPATCH] = {do_dispatch, S(ST_RECEIVED) | S(ST_RETURNED)},
    [ACT_ACCEPT] = {do_accept, S(ST_DISPATCHED)},
    [ACT_RETURN] = {do_return, S(ST_DISPATCHED)},
    [ACT_UPHOLD] = {do_uphold, S(ST_RETURNED)},
    [ACT_EXTEND] = {do_extend, S(ST_ACCEPTED)},
    [ACT_EXTEND_APPROVE] = {do_extend_decide, S(ST_ACCEPTED)},
    [ACT_EXTEND_DENY] = {do_extend_decide, S(ST_ACCEPTED)},
    [ACT_URGE] = {do_urge, OPEN},
    [ACT_SUPERVISE] = {do_urge, OPEN},
    [ACT_REPLY] = {do_reply, S(ST_ACCEPTED)},
    [ACT_VISIT] = {do_visit, S(ST_REPLIED) | S(ST_MERGED)},
    [ACT_REDO] = {do_redo, S(ST_VISITED)},
    [ACT_CLOSE] = {do_close, S(ST_VISITED)},
    [ACT_MERGE] = {do_merge, S(ST_RECEIVED) | S(ST_DISPATCHED)},
    [ACT_REJECT] = {do_reject, S(ST_RECEIVED)},
    [ACT_CONTACT] = {do_contact, S(ST_ACCEPTED)},
};
#undef OPEN
#undef S

int appeal_action_possible(const struct appeal *a, int type)
{
    if (type <= ACT_NONE || type >= ACT_COUNT_ || a->state < 0 || a->state >= ST_COUNT_ ||
        !(transitions[type].from & (1u << a->state)))
        return 0;
    switch (type) {
    case ACT_EXTEND:
        return !a->ext_requested;
    case ACT_EXTEND_APPROVE:
    case ACT_EXTEND_DENY:
        return a->ext_requested != 0;
    case ACT_VISIT:
        return a->state != ST_MERGED || !a->visited_at;
    }
    return 1;
}

int appeal_apply(const struct appeal *cur, const struct action *act, const struct limits *rules,
                 struct appeal *next, struct event *ev, struct err *e)
{
    appeal_init(next);
    memset(ev, 0, sizeof(*ev));
    if (act->type <= ACT_NONE || act->type >= ACT_COUNT_)
        return err_set(e, ERR_INVALID, "action", "unknown action");
    if (act->type != ACT_REGISTER && cur->state == ST_NONE)
        return err_set(e, ERR_NOT_FOUND, "appeal", "no such appeal");
    /* History only moves forward: no action is dated before the appeal's last event. */
    if (act->type != ACT_REGISTER && act->at < cur->updated_at)
        return err_set(e, ERR_INVALID, "at",
                       "cannot %s appeal %s at a time before its last recorded step",
                       action_code(act->type), appeal_name(cur));
    struct ctx c = {cur, act, rules, next, json_object(), e};
    appeal_copy(next, cur);
    int rc = check_actor(&c);
    if (rc == 0)
        rc = check_action_texts(&c);
    if (rc == 0 && !(transitions[act->type].from & (1u << cur->state)))
        rc = refuse_state(&c);
    if (rc == 0)
        rc = transitions[act->type].fn(&c);
    if (rc < 0) {
        json_decref(c.details);
        appeal_release(next);
        return -1;
    }
    next->version = cur->version + 1;
    next->last_seq = cur->last_seq + 1;
    next->updated_at = act->at;
    ev->appeal_id = cur->id;
    ev->seq = next->last_seq;
    ev->at = act->at;
    ev->actor_id = act->actor.user_id;
    snprintf(ev->actor, sizeof(ev->actor), "%s", act->actor.name[0] ? act->actor.name : "system");
    snprintf(ev->action, sizeof(ev->action), "%s", action_code(act->type));
    ev->from_state = cur->state;
    ev->to_state = next->state;
    ev->details = json_dumps(c.details, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(c.details);
    if (!ev->details)
        ev->details = xstrdup("{}");
    return 0;
}
