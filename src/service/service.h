/* service.h -- the use cases, each written once for every interface (CLI now, HTTP next).
 * A use case resolves names to ids, authorises, opens one transaction, loads, applies the
 * core's rules, saves and commits -- or rolls back and leaves nothing half-written. */
#ifndef SHISHI_SERVICE_H
#define SHISHI_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#include "core/appeal.h"
#include "core/deadline.h"
#include "core/org.h"
#include "core/report.h"
#include "core/workday.h"
#include "store/store.h"
#include "text/hotspot.h"
#include "text/terms.h"
#include "util/err.h"

struct names;

struct service {
    store_t *st;
    struct calendar cal;
    struct limits limits;
    struct names *names;   /* cache of unit, area and channel names (service/view.c) */
    int64_t names_version; /* the org_version counter it was loaded at */
    struct models *models; /* the suggestion models as last read (service/suggest.c) */
};

/* Counter bumped by every change to units, areas or channels, so caches know to reload. */
#define ORG_VERSION "org_version"

/* Loads the holiday notices compiled into the program (data/holidays/). */
int calendar_load_embedded(struct calendar *cal, struct err *e);

enum open_mode { OPEN_EXISTING = 0, OPEN_CREATE = 1 };
/* Opens the store at `url`, applies pending migrations, loads calendar and limits.
 * OPEN_EXISTING refuses a database file that does not exist or was never initialised. */
int service_open(struct service *svc, const char *url, int mode, struct err *e);
void service_close(struct service *svc);
/* Group commit: the use cases run between svc_group_begin() and svc_group_commit() share one
 * transaction, each in a savepoint of its own (IN_TX nests), so a refused one undoes only
 * itself, and the group is made durable by one commit. Nothing is acknowledged before it. */
int svc_group_begin(struct service *svc, struct err *e);
int svc_group_commit(struct service *svc, struct err *e);
void svc_group_rollback(struct service *svc);

/* The program itself, and the local operator without --as: the policy allows it everything.
 * Tests and the demo act as it. */
extern const struct actor svc_system;

/* A citizen of the public pages, holding the last four digits of a phone when given (what the
 * policy's scope "public" asks of them). */
void svc_citizen(struct actor *out, const char *phone_last4);

/* The actor for a username, or the system actor for NULL. */
int svc_actor(struct service *svc, const char *username, struct actor *out, struct err *e);

/* ---- organisation ---- */
int svc_unit_add(struct service *svc, const struct actor *who, const char *name, const char *code, const char *kind,
                 const char *parent, struct unit *out, struct err *e);
/* password may be NULL (the user cannot log in until one is set). */
int svc_user_add(struct service *svc, const struct actor *who, const char *username, const char *name, const char *role,
                 const char *unit, const char *phone, const char *password, struct user *out,
                 struct err *e);
/* Hashes a new password (checked by user_password_validate) into an Argon2id string. */
int svc_password_hash(const char *password, char out[160], struct err *e);
/* Changes to a user, for admins (and the system operator); each runs in one transaction
 * and is one event of subject "user" on the chain (service/user_svc.c). A new password or
 * a disabled account ends the user's sessions at once. ERR_NOT_FOUND names a missing user,
 * ERR_STATE a change that changes nothing (disabling a disabled user). A new password also
 * lifts the account's login throttle (svc_login_forget_account). */
int svc_user_passwd(struct service *svc, const struct actor *who, const char *username,
                    const char *password, int64_t now, struct err *e);
int svc_user_set_active(struct service *svc, const struct actor *who, const char *username,
                        int active, int64_t now, struct err *e);
int svc_user_set_unit(struct service *svc, const struct actor *who, const char *username,
                      const char *unit, int64_t now, struct user *out, struct err *e);
int svc_user_set_role(struct service *svc, const struct actor *who, const char *username,
                      const char *role, int64_t now, struct user *out, struct err *e);
/* Changes `who`'s own password after checking the current one (policy: user.passwd, own):
 * an event of subject "user" like an admin's change, and every session of the user ends. */
int svc_passwd(struct service *svc, const struct actor *who, const char *old_password,
               const char *new_password, int64_t now, struct err *e);
/* Checks a password against a user's Argon2id hash; 0 when it matches. */
int svc_password_check(const struct user *u, const char *password, struct err *e);
int svc_ref_add(struct service *svc, const struct actor *who, int table, const char *name, const char *code, int sort,
                struct ref *out, struct err *e);
int svc_ref_set_active(struct service *svc, const struct actor *who, int table, const char *name, int active,
                       struct err *e);

/* What the organisation holds, for those the policy lets read it. Caller frees *out. */
int svc_unit_list(struct service *svc, const struct actor *who, struct unit **out, size_t *n,
                  struct err *e);
int svc_ref_list(struct service *svc, const struct actor *who, int table, struct ref **out,
                 size_t *n, struct err *e);
int svc_user_list(struct service *svc, const struct actor *who, struct user **out, size_t *n,
                  struct err *e);
/* The working-day calendar: `day` plus n working days; whether `day` is a working day. */
int svc_workday_add(struct service *svc, const struct actor *who, int64_t day, int n,
                    int64_t *out, struct err *e);
int svc_workday_is(struct service *svc, const struct actor *who, int64_t day, int *work,
                   const char **name, struct err *e);

/* ---- appeals ---- */
struct register_req {
    const char *title, *content;
    const char *channel; /* name or code */
    const char *kind;    /* 咨询 / consult ... */
    const char *urgency; /* NULL: normal */
    const char *area;    /* NULL: none yet */
    const char *citizen_name, *phone, *id_number, *address;
    const char *photo[APPEAL_MAX_EVIDENCE]; /* stored files (sha256:<hex>.<ext>) sent with it */
    int n_photo;
    int64_t at;
};
int svc_register(struct service *svc, const struct actor *who, const struct register_req *req,
                 struct appeal *out, struct err *e);

/* A citizen's own appeal from the public page, with at most one photo (JPEG or PNG, base64,
 * NULL for none): the photo is stored and the appeal registered in one transaction, or
 * neither. The actor is the citizen's (svc_citizen). */
int svc_public_submit(struct service *svc, struct register_req *req, const char *photo_b64,
                      struct appeal *out, struct err *e); /* checked, as svc_register_checked */

/* An action named by strings, as interfaces receive it. */
struct act_req {
    int type;
    int64_t at;
    const char *code;
    int64_t expected_version; /* 0: do not check */
    const char *unit;         /* dispatch */
    const char *assist[APPEAL_MAX_ASSIST];
    int n_assist;
    int limit_amount, limit_unit, complex;
    int ext_days;
    const char *reason, *text, *record, *note;
    const char *evidence[APPEAL_MAX_EVIDENCE];
    int n_evidence;
    const char *solved, *satisfaction;
    int no_redo;
    const char *into; /* merge */
};
/* Applies one action; a visit that finds the appeal unsolved or unsatisfying (and not
 * marked no-redo) is followed in the same transaction by the automatic redo. */
int svc_act(struct service *svc, const struct actor *who, const struct act_req *req,
            struct appeal *out, struct err *e);

/* ---- likely duplicates (service/dups.c, text/sketch.h) ---- */
#define DUP_MAX 20 /* listed at most, best first */
struct dup {
    int64_t id, received_at, merged_into;
    char code[APPEAL_CODE_LEN];
    char title[256]; /* cut at a byte boundary only when longer: titles are short */
    int state;
    double score, jaccard;
    int reasons; /* enum dup_reason */
};
struct dup_list {
    struct dup items[DUP_MAX];
    size_t n;
    int window_days; /* the candidates were received this many days either side */
};
/* The appeals `who` may read that are likely duplicates of `a` (policy appeal.duplicates on
 * `a`, appeal.read on each), best score first; never blocks anything. */
int svc_duplicates(struct service *svc, const struct actor *who, const struct appeal *a,
                   struct dup_list *out, struct err *e);
const char *svc_dup_level(const struct dup *d);                 /* 疑似重复 or 可能相关 */
void svc_dup_reasons(const struct dup *d, char *out, size_t size); /* 内容相似、同一来电号码 */
/* svc_register as the interfaces call it, one appeal at a time: *dups gets the appeal's
 * likely duplicates `who` may see (none when `who` may see none), and the appeal is flagged
 * 疑似重复 when one among every appeal scores DUP_LIKELY_MIN or more. Neither blocks or
 * undoes the registration. Bulk loads call svc_register alone: the check costs a third of a
 * registration. */
int svc_register_checked(struct service *svc, const struct actor *who,
                         const struct register_req *req, struct appeal *out,
                         struct dup_list *dups, struct err *e);
/* The same check for an appeal registered by other means (the citizens' submit). */
void svc_check_registered(struct service *svc, const struct appeal *a);
/* Keeps the text sketch of one appeal (at registration, inside its transaction), of all of
 * them (upgrade, restore: *n appeals), or of all of them for `who` (shishi reindex). */
int svc_sketch_appeal(struct service *svc, const struct appeal *a, struct err *e);
int svc_sketch_all(struct service *svc, int64_t *n, struct err *e);
int svc_reindex(struct service *svc, const struct actor *who, int64_t *n, struct err *e);

/* ---- dispatch suggestions (service/suggest.c, text/classify.h) ---- */
enum { MODEL_UNIT, MODEL_AREA, MODEL_COUNT };
struct learn_result {
    int64_t examples[MODEL_COUNT]; /* appeals trained on: with a lead unit; with an area */
    int classes[MODEL_COUNT];
};
/* Trains the lead-unit and focus-area models from every appeal that has one and stores them
 * (policy appeal.learn). */
int svc_learn(struct service *svc, const struct actor *who, int64_t now, struct learn_result *res,
              struct err *e);
void svc_models_release(struct service *svc);

/* ---- hot spots (service/hotspots.c, text/hotspot.h) ---- */
struct hotspots {
    int64_t before, from, to; /* the period [from, to) and the one before it [before, from) */
    struct hs_doc *docs;      /* the appeals or messages read */
    char **own;               /* what each doc's strings point into (NULL for a file's) */
    size_t ndocs, cap;
    struct hs_group *groups; /* best first */
    size_t ngroups;
    double alert_score; /* a group scoring this or more is an alert (热点预警) */
};
/* The hot spots of the ledger's appeals received from `from` to `to` (dates, inclusive, both
 * required), grown against the period before of the same length (policy appeal.hotspots). */
int svc_hotspots(struct service *svc, const struct actor *who, const char *from, const char *to,
                 struct hotspots *out, struct err *e);
/* The same over an outside file of messages (the columns of hotspot.tsv: 留言编号, 留言用户,
 * 留言主题, 留言时间, 留言详情, 点赞数, 反对数). `data` holds len bytes and one more, is split
 * in place and must outlive *out. */
int svc_hotspots_tsv(char *data, size_t len, const char *from, const char *to,
                     struct hotspots *out, struct err *e);
void svc_hotspots_release(struct hotspots *h);
/* How many groups to list, from the interface's text (NULL: 10); 1..1000 or ERR_INVALID. */
int svc_hotspots_top(const char *s, size_t *top, struct err *e);

/* Appeal `code` with its history (hist may be NULL), if `who` may read it. */
int svc_show(struct service *svc, const struct actor *who, const char *code, struct appeal *a,
             struct event_list *hist, struct err *e);

/* Appeal `code` for one who may see its personal data in full (policy appeal.unmask): the
 * disclosure (who, when, which fields) is recorded and sealed onto the chain first, so every
 * full view of a phone or ID number leaves a trace `audit verify` holds. */
int svc_disclose(struct service *svc, const struct actor *who, const char *code, int64_t at,
                 struct appeal *a, struct event_list *hist, struct err *e);

struct list_req {
    const char *state, *unit, *area, *channel;
    const char *q; /* the code, title or content contains it */
    int overdue, due_soon, ext_pending;
    int suspect; /* flagged 疑似重复 at registration (svc_register_checked) */
    int64_t now;
    const char *from, *to; /* dates, inclusive */
    const char *sort;      /* received, deadline, code, state; '-' prefix: descending */
    int limit, offset;
};
/* One page of the appeals `who` may read that match req; out->total counts them all. */
int svc_list(struct service *svc, const struct actor *who, const struct list_req *req,
             struct appeal_list *out, struct err *e);

/* The API's name of an action ("extend-approve") and back (ACT_NONE when unknown). */
const char *action_url_name(int type, char *buf, size_t size);
int action_url_parse(const char *name);

/* ---- assessment (service/rules.c, service/assess.c) ---- */
/* Rule set `version`, or the newest for 0; ERR_NOT_FOUND names a missing version. */
int svc_rules_get(struct service *svc, const struct actor *who, int version, struct ruleset *out, struct err *e);
/* Parses, checks and stores `json` as the next version (admin or system only). */
int svc_rules_add(struct service *svc, const struct actor *who, const char *json, int64_t now,
                  struct ruleset *out, struct err *e);
int svc_rules_list(struct service *svc, const struct actor *who, struct ruleset **out, size_t *n, struct err *e);
/* The time limits in force: the newest rule set's (the site's time_limits rows win). */
int svc_limits_now(struct service *svc, struct limits *out, struct err *e);

/* The report for dates [from, to] under rule set `rules` (0: newest) as of `as_of`.
 * Caller releases r. */
int svc_report(struct service *svc, const struct actor *who, const char *from, const char *to, int rules,
               int64_t as_of, struct report *r, struct err *e);

/* Which group of a report a figure is explained for. */
enum explain_dim { DIM_ALL = 0, DIM_UNIT, DIM_AREA, DIM_CHANNEL, DIM_TOWN };

struct explain_item {
    char code[APPEAL_CODE_LEN];
    int share; /* in the numerator: percent of one appeal (100 whole, 50 half, 0 not) */
};
struct explain {
    int figure; /* enum figure, or -1 for "overdue" */
    struct ruleset rules;
    int64_t num, den; /* as the report has them: num in hundredths of an appeal */
    struct explain_item *items; /* the denominator's appeals, by received time */
    int64_t hidden;             /* of those, how many the reader may not read (not listed) */
    size_t n, cap;
};
/* Lists the appeals behind `figure` ("reply_rate" ... or "overdue") for the whole period
 * or one group (dim and its name, e.g. DIM_UNIT "区教育局"). Caller releases x. */
int svc_explain(struct service *svc, const struct actor *who, const char *from, const char *to, int rules, int64_t as_of,
                const char *figure, int dim, const char *key, struct explain *x,
                struct err *e);
void explain_release(struct explain *x);

/* The monthly bulletin's data (report/layout.c lays it out). */
struct bulletin_item {
    char code[APPEAL_CODE_LEN];
    const char *title; /* borrowed for the callback */
    int64_t unit_id, received_at, deadline, replied_at;
    int state;
    int late_days; /* overdue: whole days past the deadline at the reply or at as-of */
    int redo_count, urge_count, supervise_level;
};
/* An overdue appeal as the bulletin keeps it until its table is drawn: what orders the list
 * (late days, code) and the id to read the rest by, 40 bytes, where the row itself would be
 * hundreds (a third of a year's million appeals can be overdue). */
struct bulletin_late {
    int64_t id;
    int late_days; /* whole days past the deadline at the reply or at as-of */
    char code[APPEAL_CODE_LEN];
};
struct bulletin_list {
    struct bulletin_late *items; /* most late first, then by code */
    size_t n, cap;
};
struct ledger_row {
    char code[APPEAL_CODE_LEN];
    const char *title;         /* borrowed for the callback */
    char name[64], phone[32];  /* masked */
    int64_t received_at, channel_id, area_id, unit_id, deadline, replied_at;
    int state, solved, satisfaction;
};
/* One practical-matter project as the bulletin shows it (svc_project_bulletin). */
struct bulletin_project {
    char code[32];
    char *title, *measure, *beneficiaries; /* owned */
    int64_t plan_x100, done_x100, percent; /* percent: hundredths, -1 none */
    int64_t households, people;
    int state, depth; /* depth: 0 top level, 1 a sub-project ... */
    char timing[64];  /* "提前2个月完成", "逾期3天" ... */
    int stale, milestones_overdue;
};
#define BULLETIN_TREND 12
#define BULLETIN_TOP   10
struct bulletin {
    int64_t from_day, to_day, prev_from, prev_to;
    struct report cur, prev;
    struct bulletin_list overdue; /* unreplied past deadline, and replies after it */
    struct term top[BULLETIN_TOP];
    size_t ntop;
    /* the codes of top[i]'s sample appeals (top[i].sample holds their ids) */
    char top_code[BULLETIN_TOP][TERM_SAMPLES][APPEAL_CODE_LEN];
    struct report trend[BULLETIN_TREND]; /* the months up to the period's last, oldest first */
    size_t ntrend;
    struct bulletin_project *projects; /* the year's projects */
    size_t nprojects;
    int64_t hidden; /* appeals of the period the reader may not read: counted, not listed */
};
/* The bulletin for a month ("2021-07") or for dates [from, to] (month NULL); the previous
 * period is the month before, or the same number of days before. Caller releases b. */
/* The dates a month ("2021-07") or a range [from, to] (month NULL) covers, checked. */
int svc_bulletin_period(const char *month, const char *from, const char *to, int64_t *from_day,
                        int64_t *to_day, struct err *e);
int svc_bulletin(struct service *svc, const struct actor *who, const char *month, const char *from, const char *to,
                 int rules, int64_t as_of, struct bulletin *b, struct err *e);
void bulletin_release(struct bulletin *b);
/* The bulletin's ledger: one masked row per appeal received from from_day to to_day (site
 * dates) that `who` may read, in (received_at, id) order, each handed to cb and gone when it
 * returns. A bulletin holds no ledger: a year of a busy district is a million rows, so the
 * renderer asks for them as it writes them (report/layout.c) and memory stays flat. cb
 * returning non-zero stops the scan (and this returns -1, e as cb left it). */
int svc_bulletin_ledger(struct service *svc, const struct actor *who, int64_t from_day,
                        int64_t to_day, int (*cb)(const struct ledger_row *row, void *ctx),
                        void *ctx, struct err *e);
/* The same scan for the appeals redone, urged or supervised (the flagged section). */
int svc_bulletin_flagged(struct service *svc, const struct actor *who, int64_t from_day,
                         int64_t to_day, int (*cb)(const struct bulletin_item *it, void *ctx),
                         void *ctx, struct err *e);
/* The overdue section's rows, in b->overdue's order, each read back by id (the late days
 * are the bulletin's, computed at its as-of), handed to cb and gone when it returns. */
int svc_bulletin_overdue(struct service *svc, const struct bulletin_list *late,
                         int (*cb)(const struct bulletin_item *it, void *ctx), void *ctx,
                         struct err *e);

/* ---- audit ---- */
struct audit_result {
    int64_t events, appeals;
    int64_t subjects; /* projects, list items, vote sessions, visits, users that match */
    int64_t projects, items, votes, visits, users; /* the same by kind (users: changed ones) */
    int64_t disclosures; /* full views of personal data (查看完整号码), each sealed */
    int ok;
    int64_t bad_event; /* first broken event id (0 when the break is not one event) */
    char bad_appeal[APPEAL_CODE_LEN];
    char problem[240];
};
int svc_audit_verify(struct service *svc, const struct actor *who, struct audit_result *res, struct err *e);

/* ---- moving a site (service/copy.c) ---- */
#define COPY_MAX_TABLES 40
struct copy_result {
    struct {
        const char *name; /* static */
        int64_t rows;
    } tables[COPY_MAX_TABLES];
    int ntables;
    int64_t events, appeals; /* as audit verify counted them in the destination */
};
/* Copies every table of the site at `from` into `to`, ids and all, in one transaction of
 * `to`. Both are opened as every command opens them, so pending migrations are applied to
 * both (the source too). `to` must hold nothing beyond what its migrations seed (ERR_CONFLICT
 * naming it); the source must pass audit verify, and so must the copy before it commits. */
int svc_copy(const char *from, const char *to, struct copy_result *res, struct err *e);
/* `shishi backup --to FILE`: an online copy of a SQLite database into `to`, taken while
 * servers go on writing: into "FILE.tmp" beside it, then fsync, rename and fsync of the
 * directory, so `to` holds the whole copy or nothing (util/outfile.h; `to` must be absent or
 * a regular file). PostgreSQL refuses, pointing to pg_dump. */
int svc_backup(struct service *svc, const char *to, struct err *e);

/* ---- calendar ---- */
int svc_calendar_set_weekends(struct service *svc, const struct actor *who, int year, struct err *e);
int svc_calendar_set_day(struct service *svc, const struct actor *who, const char *date, const char *kind,
                         const char *name, struct err *e);

/* ---- accounts and sessions ---- */
#define SESSION_TTL        (8 * 3600) /* a login lasts a working day */
/* Login throttling (service/auth.c; docs/operations.md explains the numbers). An account is
 * slowed by its own failures; an address only by many failures across accounts, so that an
 * office behind one NAT or a reverse proxy's clients do not lock each other out. */
#define LOGIN_SLOW_AFTER      3         /* account failures before each try must wait */
#define LOGIN_LOCK_AFTER      10        /* account failures before it is locked */
#define LOGIN_ADDR_SLOW_AFTER 20        /* failures from one address before it must wait */
#define LOGIN_ADDR_LOCK_AFTER 100       /* failures from one address before it is locked */
#define LOGIN_LOCK_SECONDS    (15 * 60) /* how long a lock lasts */
#define LOGIN_MAX_DELAY       60        /* the doubling wait stops here (seconds) */
#define LOGIN_WINDOW_SECONDS  (15 * 60) /* failures are forgotten this long after the last */

struct login {
    char token[65]; /* hand to the client; only its hash is stored */
    char csrf[65];
    int64_t expires_at;
    struct actor actor;
};
/* Checks the password (Argon2id) with throttling per account and per address: after
 * LOGIN_SLOW_AFTER failures of an account (LOGIN_ADDR_SLOW_AFTER of an address) each try
 * must wait 1, 2, 4 ... up to LOGIN_MAX_DELAY seconds after the last failure; after
 * LOGIN_LOCK_AFTER (LOGIN_ADDR_LOCK_AFTER) failures the key is refused for
 * LOGIN_LOCK_SECONDS. The check and the count are one write transaction taken before the
 * password is verified, so concurrent tries cannot pass a check together. Unknown and
 * disabled users cost one Argon2id verify too. A right password wipes the account's
 * failures. Errors: ERR_UNAUTHORIZED (one message whether the user exists or not),
 * ERR_THROTTLED. */
int svc_login(struct service *svc, const char *username, const char *password, const char *addr,
              int64_t now, struct login *out, struct err *e);
/* Inside the caller's transaction: the account's failed logins are forgotten (an admin set
 * a new password: the user may log in with it at once). The address counts stay. */
int svc_login_forget_account(struct service *svc, const char *username, struct err *e);
/* The actor behind a token, and the session's CSRF token; ERR_UNAUTHORIZED if none/expired. */
int svc_session(struct service *svc, const char *token, int64_t now, struct actor *who,
                char csrf[65], struct err *e);
int svc_logout(struct service *svc, const char *token, struct err *e);
/* Counts one request of `key` in the current window; ERR_THROTTLED past `max`. */
int svc_rate_limit(struct service *svc, const char *key, int window_seconds, int max,
                   int64_t now, struct err *e);

/* ---- evidence files and the citizens' page (service/files.c) ---- */
#define SVC_FILE_MAX (1024 * 1024) /* bytes of one evidence file */
/* Stores a photo (JPEG, PNG) or PDF once, by content, and writes its evidence reference
 * "sha256:<hex>.<ext>" into ref. `claimed_mime` (the request's type, or NULL) must match the
 * bytes. Whoever may reply or close out may upload. */
int svc_file_put(struct service *svc, const struct actor *who, const char *claimed_mime,
                 const unsigned char *data, size_t len, int64_t now, char *ref, size_t ref_size,
                 struct err *e);
/* File "<hex>.<ext>" for a reader of appeals: its bytes (*data malloc'ed) and type. */
int svc_file_get(struct service *svc, const struct actor *who, const char *name,
                 unsigned char **data, size_t *len, const char **mime, struct err *e);
/* For `audit verify`: 0 when evidence reference `ref` names no stored file (free text) or a
 * file whose bytes still hash to its name; -1 with e when it is missing or changed. */
int svc_file_check(struct service *svc, const char *ref, struct err *e);
/* The areas a citizen may choose from (names are public). */
int svc_public_areas(struct service *svc, struct ref **out, size_t *n, struct err *e);
/* The citizen's own 回访: a visit by the citizen who proves the appeal is theirs with the last
 * four digits of the phone; counts like a dispatcher's visit. */
int svc_public_rate(struct service *svc, const char *code, const char *phone_last4,
                    const char *satisfaction, const char *solved, int64_t now,
                    struct appeal *out, struct err *e);

/* ---- demo ---- */
/* Builds the deterministic Yongding District demo into an empty database. */
int svc_demo(struct service *svc, struct err *e);

#endif
