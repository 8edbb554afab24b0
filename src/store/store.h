/* store.h -- the one door to data. Callers speak the core's types; no SQL, and no type of
 * a database library, crosses this header. A backend is chosen by the URL given to
 * store_open(): a file path or ":memory:" opens SQLite (WAL); "postgresql://..." is for a
 * PostgreSQL backend implementing this same interface.
 *
 * Transactions nest: store_begin() at depth 0 opens a transaction and deeper calls open
 * savepoints, so a use case is all-or-nothing whether it runs alone or inside a batch.
 * Every function returns 0 on success, or -1 with `e` filled. Lists are caller-owned and
 * freed with their _release function. */
#ifndef SHISHI_STORE_H
#define SHISHI_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/appeal.h"
#include "core/deadline.h"
#include "core/org.h"
#include "core/report.h"
#include "core/ruleset.h"
#include "core/workday.h"
#include "util/err.h"

typedef struct store store_t;

int store_open(store_t **out, const char *url, struct err *e);
void store_close(store_t *st); /* NULL-safe */
/* Applies every migration not yet recorded, each in its own transaction. */
int store_migrate(store_t *st, struct err *e);
/* The same, stopping after migration `target` (for tests of upgrading old databases). */
int store_migrate_to(store_t *st, int target, struct err *e);
/* Highest migration applied (0 for an empty database) and the highest this build knows. */
int store_schema_version(store_t *st, int *applied, int *known, struct err *e);

int store_begin(store_t *st, struct err *e);
/* A read-only transaction: one consistent snapshot, no write lock. */
int store_begin_read(store_t *st, struct err *e);
int store_commit(store_t *st, struct err *e);
void store_rollback(store_t *st);

/* An online copy of the whole database into `path`, a new empty file (SQLite's backup API:
 * one consistent snapshot, taken while other connections go on writing). PostgreSQL
 * refuses (ERR_INVALID, pointing to pg_dump). The caller makes the file and renames it.
 * path NULL copies nothing: 0 when this engine can back up, else the refusal. */
int store_backup(store_t *st, const char *path, struct err *e);

/* Test hook: the n-th write from now fails with ERR_DB (n = 0 turns it off). */
void store_fail_after(store_t *st, int n);

/* Site settings (settings table): value copied into out; ERR_NOT_FOUND when unset. */
int store_setting_get(store_t *st, const char *key, char *out, size_t size, struct err *e);
int store_setting_set(store_t *st, const char *key, const char *value, struct err *e);

/* ---- organisation ---- */
int store_unit_add(store_t *st, struct unit *u, struct err *e); /* sets u->id */
int store_unit_get(store_t *st, int64_t id, struct unit *u, struct err *e);
/* By exact name or code; ERR_NOT_FOUND names the unit asked for. */
int store_unit_find(store_t *st, const char *name, struct unit *u, struct err *e);
int store_unit_list(store_t *st, struct unit **out, size_t *n, struct err *e); /* free(*out) */

int store_user_add(store_t *st, struct user *u, struct err *e);
int store_user_find(store_t *st, const char *username, struct user *u, struct err *e);
int store_user_get(store_t *st, int64_t id, struct user *u, struct err *e);
int store_user_list(store_t *st, struct user **out, size_t *n, struct err *e);

enum ref_table { REF_AREA, REF_CHANNEL };
int store_ref_add(store_t *st, int table, struct ref *r, struct err *e);
int store_ref_find(store_t *st, int table, const char *name, struct ref *r, struct err *e);
int store_ref_get(store_t *st, int table, int64_t id, struct ref *r, struct err *e);
int store_ref_list(store_t *st, int table, struct ref **out, size_t *n, struct err *e);
int store_ref_set_active(store_t *st, int table, int64_t id, int active, struct err *e);

/* ---- rules and calendar ---- */
int store_limits_load(store_t *st, struct limits *l, struct err *e);
int store_limit_set(store_t *st, int kind, int urgency, struct time_limit lim, struct err *e);
/* Adds the site's own calendar entries (years set weekends-only, days set by an admin). */
int store_calendar_load(store_t *st, struct calendar *cal, struct err *e);
int store_calendar_set_year(store_t *st, int year, int mode, struct err *e);
int store_calendar_set_day(store_t *st, int64_t date, int kind, const char *name,
                           struct err *e);

/* ---- appeals and events ---- */
/* Next number of a named counter (1, 2, ...), e.g. for appeal codes of one day. */
int store_counter_next(store_t *st, const char *name, int64_t *value, struct err *e);
/* A counter's current value without moving it (0 when it never moved). */
int store_counter_peek(store_t *st, const char *name, int64_t *value, struct err *e);
int store_appeal_insert(store_t *st, struct appeal *a, struct err *e); /* sets a->id */
/* Writes a's row if the stored version is still `expected_version`; else ERR_CONFLICT. */
int store_appeal_update(store_t *st, const struct appeal *a, int64_t expected_version,
                        struct err *e);
int store_appeal_get(store_t *st, int64_t id, struct appeal *a, struct err *e);
int store_appeal_by_code(store_t *st, const char *code, struct appeal *a, struct err *e);
/* Locks the rows of appeals `a` and `b` (codes; the same code twice for one) until the
 * transaction ends, in id order so two transactions locking the same pair cannot deadlock.
 * A merge reads its target's state and a merge or rejection counts who joined the appeal
 * only after this, so neither decides on a row another writer is changing. Unknown codes
 * lock nothing (the reads after say which is unknown). SQLite's write transaction already
 * excludes every other writer; there this does nothing. */
int store_appeals_lock(store_t *st, const char *a, const char *b, struct err *e);
/* How many appeals are merged into appeal `id`. */
int store_appeal_joined(store_t *st, int64_t id, int64_t *n, struct err *e);

enum appeal_sort { SORT_RECEIVED = 0, SORT_DEADLINE, SORT_CODE, SORT_STATE };

/* "即将超期": an unreplied appeal whose deadline falls within the next two days. */
#define DUE_SOON_SECONDS (2 * 86400)

struct appeal_filter {
    int state;          /* 0: any */
    int64_t unit_id;    /* lead or assisting unit; 0: any */
    int64_t area_id;    /* 0: any */
    int64_t channel_id; /* 0: any */
    int overdue;        /* only appeals overdue at `now` */
    int64_t now;
    int64_t from, to; /* received_at in [from, to); 0: open-ended */
    /* What the reader may see (service/guard.c); 0: no narrowing. */
    int64_t scope_unit; /* led or assisted by this unit (-1: by no unit, so nothing) */
    int64_t lead_under; /* led by this unit or a unit below it */
    const char *q;      /* code, title or content contains this text */
    int due_soon;       /* not replied, deadline in [now, now + DUE_SOON_SECONDS) */
    int ext_pending;    /* an extension request awaits its decision */
    int suspect;        /* flagged 疑似重复 (appeal_suspects) */
    int sort;         /* enum appeal_sort */
    int desc;
    int limit; /* 0: no limit */
    int offset;
};

struct appeal_list {
    struct appeal *items;
    size_t n, cap;
    int64_t total; /* matches before limit/offset */
};
int store_appeal_list(store_t *st, const struct appeal_filter *f, struct appeal_list *out,
                      struct err *e);
void appeal_list_release(struct appeal_list *l);

/* Streams the report facts of appeals received in [from, to) in (received_at, id) order;
 * `flags` (enum fact_flags) asks for the text fields too. cb returning non-zero stops. */
int store_fact_scan(store_t *st, int64_t from, int64_t to, int flags,
                    int (*cb)(const struct appeal_fact *f, void *ctx), void *ctx,
                    struct err *e);

/* ---- assessment rule sets (immutable versions) ---- */
struct rules_row {
    int version;
    char name[RULESET_NAME_MAX];
    char *body; /* JSON; owned: free() or rules_row_release() */
    int64_t created_at;
    char created_by[64];
};
void rules_row_release(struct rules_row *r);
/* Version `version`, or the newest when it is 0; ERR_NOT_FOUND names a missing version. */
int store_rules_get(store_t *st, int version, struct rules_row *out, struct err *e);
/* Stores r as the next version (newest + 1) and sets r->version. */
int store_rules_add(store_t *st, struct rules_row *r, struct err *e);
/* Every version, oldest first; bodies included. Release each row, then free(*out). */
int store_rules_list(store_t *st, struct rules_row **out, size_t *n, struct err *e);

/* The chain head: id and hash of the last event (0 and AUDIT_GENESIS when none). */
int store_chain_head(store_t *st, int64_t *last_id, char hash[65], struct err *e);
/* Inserts a sealed event (ev->id set by the caller) and moves the chain head to it. */
int store_event_append(store_t *st, const struct event *ev, struct err *e);

struct event_list {
    struct event *items;
    size_t n, cap;
};
int store_events_of(store_t *st, int64_t appeal_id, struct event_list *out, struct err *e);
void event_list_release(struct event_list *l);
/* Every event in id order; cb returning non-zero stops the scan. */
int store_event_scan(store_t *st, int (*cb)(const struct event *ev, void *ctx), void *ctx,
                     struct err *e);
/* Every appeal row in id order (with its assisting units); cb returning non-zero stops. */
int store_appeal_scan(store_t *st, int (*cb)(const struct appeal *a, void *ctx), void *ctx,
                      struct err *e);

/* ---- sessions and throttling ---- */
struct session_row {
    char token_hash[65];
    int64_t user_id;
    char csrf[65];
    int64_t created_at, expires_at;
};
int store_session_add(store_t *st, const struct session_row *s, struct err *e);
/* ERR_NOT_FOUND when no such session. */
int store_session_get(store_t *st, const char *token_hash, struct session_row *s,
                      struct err *e);
int store_session_delete(store_t *st, const char *token_hash, struct err *e);
int store_session_purge(store_t *st, int64_t now, struct err *e);

struct throttle {
    int failures;
    int64_t last_at, locked_until;
};
/* A missing key reads as zeroes. */
int store_throttle_get(store_t *st, const char *key, struct throttle *t, struct err *e);
int store_throttle_put(store_t *st, const char *key, const struct throttle *t, struct err *e);
int store_throttle_clear(store_t *st, const char *key, struct err *e);
/* Inside a write transaction: key's counters (zeroes when new), and no other transaction
 * may lock or change them until this one ends, so a check and its count are one step. */
int store_throttle_lock(store_t *st, const char *key, struct throttle *t, struct err *e);
/* Ends every session of one user (a disabled user, a reset password). */
int store_session_end_user(store_t *st, int64_t user_id, struct err *e);
/* Adds one to the counter of (key, window) and returns the new count. */
int store_rate_hit(store_t *st, const char *key, int64_t window, int *count, struct err *e);

/* ---- evidence files (migration 0014), keyed by the SHA-256 (hex) of their bytes ---- */
/* Stores a file once; storing the same bytes again is a no-op. `b64` is the bytes in base64. */
int store_file_put(store_t *st, const char *sha256, const char *mime, int64_t size,
                   const char *b64, int64_t at, struct err *e);
/* The file's type into mime (mime_size bytes) and its base64 into *b64 (malloc'ed);
 * ERR_NOT_FOUND when no such file. */
int store_file_get(store_t *st, const char *sha256, char *mime, size_t mime_size, char **b64,
                   struct err *e);

/* ---- likely duplicates (migration 0015, text/sketch.h) ---- */
/* Adds a new appeal's MinHash bands: n is 0 (a text without shingles) or 16. A changed
 * text is sketched again by clearing all (store_bands_clear) and putting each anew. */
int store_bands_put(store_t *st, int64_t appeal_id, int64_t received_at, const int64_t *bands,
                    int n, struct err *e);
/* Forgets every appeal's bands, before they are all computed again. */
int store_bands_clear(store_t *st, struct err *e);
/* The ids (at most `max`) of the appeals other than `self`, received in [from, to], that
 * share a band (SKETCH_BANDS of them, or n == 0 for none), the phone or the address (NULL or
 * "" for none): those sharing most first, then the newest. */
int store_dup_candidates(store_t *st, int64_t self, const int64_t *bands, int n,
                         const char *phone, const char *address, int64_t from, int64_t to,
                         int64_t *ids, size_t max, size_t *found, struct err *e);


/* Flags an appeal that had a likely duplicate (the best, its score x 1000). */
int store_suspect_put(store_t *st, int64_t appeal_id, int64_t other_id, int score_milli,
                      struct err *e);

/* ---- suggestion models (migration 0016, text/classify.h) ---- */
/* Stores (or replaces) model `name` as text. */
int store_model_put(store_t *st, const char *name, int64_t trained_at, int64_t examples,
                    const char *data, struct err *e);
/* Model `name`: when trained, from how many, and (data non-NULL) its text, malloc'ed;
 * ERR_NOT_FOUND when it was never trained. */
int store_model_get(store_t *st, const char *name, int64_t *trained_at, int64_t *examples,
                    char **data, struct err *e);

/* ---- moving a whole site (service/copy.c) ----
 * A backend-neutral row: the columns of one table row by name, as typed values. Column
 * lists come from the database itself, so a column only one backend has (PostgreSQL's
 * appeal_units.rowid, which stands in for SQLite's implicit rowid) is left to that backend:
 * never scanned from it and not inserted into it. */
#define ROW_MAX_COLS 48
enum value_type { VAL_NULL = 0, VAL_INT, VAL_TEXT };
struct value {
    int type;      /* enum value_type */
    int64_t i;     /* VAL_INT */
    const char *s; /* VAL_TEXT; borrowed: valid during the callback */
};
struct row {
    int n;
    const char *name[ROW_MAX_COLS]; /* borrowed, like the values */
    struct value v[ROW_MAX_COLS];
};

/* The site's tables in foreign-key order, NULL-terminated (schema_migrations is each
 * database's own and not among them). `seeded` tells whether migrations put rows in it. */
struct store_table {
    const char *name;
    int seeded;
    int rec; /* open to store_rec_*() */
};
const struct store_table *store_tables(void);

/* Every row of `table` (one of store_tables()) in a stable order: by rowid / insertion
 * order, so appeal_units keep the order assisting units were given. Needs a transaction
 * on PostgreSQL. cb returning non-zero stops the scan. */
int store_rows_scan(store_t *st, const char *table, int (*cb)(const struct row *r, void *ctx),
                    void *ctx, struct err *e);
int store_rows_count(store_t *st, const char *table, int64_t *n, struct err *e);
/* Inside a write transaction, before the first store_row_insert(): empties every table of
 * store_tables() (the rows migrations seeded) and lets references point forward until
 * store_copy_finish() (a merged appeal may name a later one). */
int store_copy_begin(store_t *st, struct err *e);
/* Inserts r into `table` with every column as given, ids included; columns the table does
 * not have are skipped. */
int store_row_insert(store_t *st, const char *table, const struct row *r, struct err *e);
/* After the last insert, still inside the transaction: the backend's fix-ups (PostgreSQL:
 * forward references, identity sequences moved past the copied ids). */
int store_copy_finish(store_t *st, struct err *e);

/* ---- records: the campaign's tables ----
 * Projects, list items, leaders, visits and votes are few (hundreds to thousands a year) and
 * their rules live in core/ and service/; the store keeps their rows as generic rows by
 * column name (migrations 0008-0011 define them), so each backend implements three calls
 * instead of one per use case. Only tables store_tables() marks `rec` are accepted, and
 * column names must be plain identifiers. Every such table has an integer `id`. */
/* Inserts the columns r names (not id) and sets *id to the new row's id. Constraint
 * failures are ERR_CONFLICT. */
int store_rec_insert(store_t *st, const char *table, const struct row *r, int64_t *id,
                     struct err *e);
/* Sets the columns r names on row `id`; ERR_NOT_FOUND when there is no such row. */
int store_rec_update(store_t *st, const char *table, int64_t id, const struct row *r,
                     struct err *e);
/* Rows where `column` equals *eq (IS NULL for a VAL_NULL eq; every row for column NULL), in
 * id order. Values are borrowed for the callback; cb returning non-zero stops. */
int store_rec_scan(store_t *st, const char *table, const char *column, const struct value *eq,
                   int (*cb)(const struct row *r, void *ctx), void *ctx, struct err *e);
/* store_rec_scan() with an integer key (e.g. "id", "project_id"). */
int store_rec_where(store_t *st, const char *table, const char *column, int64_t id,
                    int (*cb)(const struct row *r, void *ctx), void *ctx, struct err *e);

/* Building and reading generic rows. Names and text are borrowed, not copied. */
void row_set_int(struct row *r, const char *name, int64_t v);
void row_set_id(struct row *r, const char *name, int64_t id); /* 0 is NULL */
void row_set_text(struct row *r, const char *name, const char *s); /* NULL is NULL */
const struct value *row_get(const struct row *r, const char *name); /* NULL if absent */
int64_t row_int(const struct row *r, const char *name);        /* 0 for NULL or absent */
const char *row_text(const struct row *r, const char *name);   /* "" for NULL or absent */

/* The events of a subject of the chain other than appeals ("project", "task", "vote"). */
int store_subject_events(store_t *st, const char *subject, int64_t id, struct event_list *out,
                         struct err *e);

#endif
