/* appeal.h -- the appeal workflow (诉求办理): states, actions, who may do what.
 *
 *   received 已受理 --dispatch--> dispatched 已交办 --accept--> accepted 已签收(办理中)
 *        |  \--reject--> rejected 不予受理          |  \--return--> returned 已退单
 *        \--merge--> merged 已并单 <--merge--------/      returned --dispatch(改派)/uphold--> dispatched
 *   accepted --reply--> replied 已答复 --visit--> visited 已回访 --close--> closed 已销号
 *   visited --redo(automatic when unsolved/unsatisfied, or by hand)--> accepted
 *   accepted --extend/extend-approve/extend-deny--> accepted (deadline moves on approval)
 *   any open state --urge/supervise--> same state (urge count, supervision level rise)
 *   accepted --contact--> accepted (the lead unit reached the caller: 联系群众)
 *   merged --visit--> merged (the merged caller still gets a call back)
 *
 * Invariant: the state of an appeal changes only in appeal_apply(), which checks the
 * actor's role and unit, the state, the parameters and the deadline rules, and on success
 * returns the new appeal and the one event to append. Nothing here does I/O. */
#ifndef SHISHI_APPEAL_H
#define SHISHI_APPEAL_H

#include <stdint.h>

#include "core/deadline.h"
#include "util/err.h"

#define APPEAL_MAX_ASSIST   16
#define APPEAL_MAX_EVIDENCE 16
#define APPEAL_CODE_LEN     24

enum appeal_state {
    ST_NONE = 0,
    ST_RECEIVED,
    ST_DISPATCHED,
    ST_ACCEPTED,
    ST_REPLIED,
    ST_VISITED,
    ST_CLOSED,
    ST_RETURNED,
    ST_REJECTED,
    ST_MERGED,
    ST_COUNT_
};

enum appeal_action {
    ACT_NONE = 0,
    ACT_REGISTER,
    ACT_DISPATCH, /* from received: 交办; from returned to another unit: 改派 */
    ACT_ACCEPT,
    ACT_RETURN,
    ACT_UPHOLD, /* dispatcher upholds the original dispatch after a return (维持原交办) */
    ACT_EXTEND, /* lead unit asks for an extension */
    ACT_EXTEND_APPROVE,
    ACT_EXTEND_DENY,
    ACT_URGE,
    ACT_SUPERVISE,
    ACT_REPLY,
    ACT_VISIT,
    ACT_REDO,
    ACT_CLOSE,
    ACT_MERGE,
    ACT_REJECT,
    ACT_CONTACT, /* the lead unit contacts the caller (联系群众): counts toward the response rate */
    ACT_COUNT_
};

enum role {
    ROLE_NONE = 0,
    ROLE_ADMIN,
    ROLE_DISPATCHER,
    ROLE_HANDLER, /* 承办人: acts for one unit */
    ROLE_LEADER,
    ROLE_AUDITOR,
    ROLE_CITIZEN,
    ROLE_SYSTEM, /* the program itself: imports, automatic redo, the local CLI operator */
    ROLE_COUNT_
};

enum appeal_kind { KIND_NONE = 0, KIND_CONSULT, KIND_HELP, KIND_COMPLAINT, KIND_REPORT,
                   KIND_SUGGEST, KIND_COUNT_ };
enum urgency { URG_NORMAL = 0, URG_URGENT, URG_CRITICAL, URG_COUNT_ };
enum solved { SOLVED_NONE = 0, SOLVED_YES, SOLVED_PARTLY, SOLVED_NO, SOLVED_COUNT_ };
enum satisfaction { SAT_NONE = 0, SAT_SATISFIED, SAT_BASIC, SAT_UNSATISFIED, SAT_COUNT_ };

struct actor {
    int64_t user_id; /* 0 for the system */
    int role;
    int64_t unit_id; /* the handler's unit; 0 otherwise */
    char name[64];
    char phone_last4[8]; /* a citizen's proof that an appeal is theirs; "" otherwise */
};

struct appeal {
    int64_t id;
    char code[APPEAL_CODE_LEN];
    char *title, *content; /* owned */
    int64_t channel_id, area_id;
    int kind, urgency, complex;
    char *citizen_name, *phone, *id_number, *address; /* owned; personal data */
    int state;
    int64_t lead_unit_id;
    int64_t assist[APPEAL_MAX_ASSIST];
    int n_assist;
    int64_t received_at, dispatched_at, sign_deadline, accepted_at, deadline, replied_at,
        visited_at, closed_at;
    int64_t contacted_at; /* the lead unit's first contact with the caller since dispatch */
    int64_t ext_requested; /* pending extension's requested deadline; 0 when none */
    int ext_count;
    int urge_count, supervise_level, redo_count, return_count;
    int64_t merged_into;
    char *reply_text; /* owned; the public reply */
    int visit_solved, visit_satisfaction;
    int evidence_count;
    int64_t updated_at; /* time of the last event: history only moves forward */
    int64_t version;    /* bumped by every event */
    int64_t last_seq;
};

/* One action request: the type, when, who, and the parameters the type uses. Strings are
 * borrowed for the duration of appeal_apply(). */
struct unit_tree;

struct action {
    int type;
    int64_t at;
    struct actor actor;
    int64_t unit_id; /* dispatch: lead unit */
    int64_t assist[APPEAL_MAX_ASSIST];
    int n_assist;
    int limit_amount; /* dispatch: explicit limit overriding the rules (0: from the rules) */
    int limit_unit;   /* enum limit_unit */
    int complex;      /* dispatch: complex case, longer limit */
    int ext_days;     /* extend: extra working days asked for */
    const char *reason, *text, *record, *note;
    const char *evidence[APPEAL_MAX_EVIDENCE];
    int n_evidence;
    int solved, satisfaction;
    int no_redo;       /* visit: unsatisfied without cause, no redo (reason required) */
    int64_t target_id; /* merge: the appeal this one joins; visit of a merged appeal */
    int target_state;  /* the target's state, loaded by the caller */
    const char *target_code;
    int64_t joined;    /* merge, reject: how many appeals are merged into this one */
    const struct unit_tree *units; /* for a leader's scope (core/policy.h); NULL: none */
    const char *phone_last4;       /* a citizen's proof that the appeal is theirs */
};

/* An event: the record appended for each action. `details` is compact JSON with sorted
 * keys (owned). The hashes are filled by audit_seal(). */
/* An event of an appeal (appeal_id set, subject "") or of another subject of the chain
 * (subject "project", "task" or "vote" and subject_id; appeal_id 0). */
#define SUBJECT_LEN 12
struct event {
    int64_t id;
    int64_t appeal_id;
    char subject[SUBJECT_LEN];
    int64_t subject_id;
    int64_t seq;
    int64_t at;
    int64_t actor_id;
    char actor[64];
    char action[24];
    int from_state, to_state;
    char *details;
    char row_digest[65]; /* appeal_digest() (or the subject's digest) of the row left behind */
    char prev_hash[65];
    char hash[65];
};

void appeal_init(struct appeal *a);
void appeal_release(struct appeal *a);
/* Deep copy of src into dst (dst is overwritten, not released). */
void appeal_copy(struct appeal *dst, const struct appeal *src);
void event_release(struct event *ev);

/* Applies `act` to `cur` (ST_NONE for register) under `rules`. On success fills `next`
 * (caller releases) and `ev` (caller releases), and returns 0. On failure returns -1 with
 * `e` naming the appeal, its state and the action; `next` and `ev` are left empty. */
int appeal_apply(const struct appeal *cur, const struct action *act, const struct limits *rules,
                 struct appeal *next, struct event *ev, struct err *e);

/* Whether an appeal in this state is still being worked (not closed/rejected/merged). */
int appeal_is_open(int state);
/* Whether action `type` can be applied to `a` as it stands (its state, and for extensions
 * whether one is pending), whoever asks: the transition table of core/appeal.c. */
int appeal_action_possible(const struct appeal *a, int type);
/* Whether the appeal is past its handling deadline at `now` without a reply. */
int appeal_is_overdue(const struct appeal *a, int64_t now);

/* Names: code (English, stable, used in data and the API) and label (Chinese, for people).
 * *_parse accepts either and returns 0 / ST_NONE / ... on no match. */
const char *state_code(int s);
const char *state_label(int s);
int state_parse(const char *s);
const char *action_code(int a);
const char *action_label(int a);
int action_parse(const char *s);
const char *role_code(int r);
const char *role_label(int r);
int role_parse(const char *s);
const char *kind_code(int k);
const char *kind_label(int k);
int kind_parse(const char *s);
const char *urgency_code(int u);
const char *urgency_label(int u);
int urgency_parse(const char *s);
const char *solved_code(int v);
const char *solved_label(int v);
int solved_parse(const char *s);
const char *satisfaction_code(int v);
const char *satisfaction_label(int v);
int satisfaction_parse(const char *s);

#endif
