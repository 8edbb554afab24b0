/* sqlite.c -- the SQLite backend of store.h (WAL, foreign keys on, nested transactions
 * as savepoints, prepared statements cached per connection).
 * Invariant: every SQLite statement and every sqlite3 type of the program lives here. */
#include "store/db_driver.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "util/buf.h"
#include "util/embedded.h"
#include "util/xalloc.h"

#include "util/banned.h"

#define STMT_CACHE 64

struct lite {
    struct store base; /* first: a struct lite is a store_t */
    sqlite3 *db;
    struct {
        const char *sql; /* static SQL strings are cached by address */
        sqlite3_stmt *st;
    } cache[STMT_CACHE];
    int ncache;
    /* store_row_insert(): the statement of the table being copied into, and which of a
     * row's columns it binds (the rows of one table all have the same columns). */
    sqlite3_stmt *copy_ins;
    char copy_table[32];
    int copy_used[ROW_MAX_COLS], copy_nused;
};

static int db_err(struct lite *s, struct err *e, const char *what)
{
    return err_set(e, ERR_DB, "", "%s: %s", what, sqlite3_errmsg(s->db));
}

/* A prepared statement for `sql`, reset and unbound; borrowed until the next call. */
static sqlite3_stmt *prep(struct lite *s, const char *sql, struct err *e)
{
    for (int i = 0; i < s->ncache; i++)
        if (s->cache[i].sql == sql) {
            sqlite3_reset(s->cache[i].st);
            sqlite3_clear_bindings(s->cache[i].st);
            return s->cache[i].st;
        }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        db_err(s, e, "cannot prepare statement");
        return NULL;
    }
    if (s->ncache < STMT_CACHE) {
        s->cache[s->ncache].sql = sql;
        s->cache[s->ncache].st = st;
        s->ncache++;
    }
    return st;
}

/* Statements that did not fit the cache are finalised by their caller through this. */
static void done(struct lite *s, sqlite3_stmt *st)
{
    for (int i = 0; i < s->ncache; i++)
        if (s->cache[i].st == st) {
            sqlite3_reset(st);
            return;
        }
    sqlite3_finalize(st);
}

#define write_allowed(s, e) db_write_allowed(&(s)->base, (e))

static int exec(struct lite *s, const char *sql, struct err *e)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        err_set(e, ERR_DB, "", "%s", msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/* Runs a statement that returns no rows; maps constraint failures to ERR_CONFLICT. */
static int step_done(struct lite *s, sqlite3_stmt *st, const char *what, struct err *e)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return 0;
    }
    if ((rc & 0xff) == SQLITE_CONSTRAINT) {
        err_set(e, ERR_CONFLICT, "", "%s: %s", what, sqlite3_errmsg(s->db));
        sqlite3_reset(st);
        return -1;
    }
    db_err(s, e, what);
    sqlite3_reset(st);
    return -1;
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

static void bind_id(sqlite3_stmt *st, int i, int64_t v)
{
    if (v)
        sqlite3_bind_int64(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

static void col_copy(sqlite3_stmt *st, int i, char *out, size_t size)
{
    const unsigned char *v = sqlite3_column_text(st, i);
    snprintf(out, size, "%s", v ? (const char *)v : "");
}

static char *col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *v = sqlite3_column_text(st, i);
    return v ? xstrdup((const char *)v) : NULL;
}

/* ---- open, migrate, transactions ---------------------------------------------------- */

static void lite_close(struct lite *s);

static int lite_open(struct lite **out, const char *url, struct err *e)
{
    *out = NULL;
    struct lite *s = xcalloc(1, sizeof(*s));
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(url, &s->db, flags, NULL) != SQLITE_OK) {
        err_set(e, ERR_DB, "db", "cannot open database '%s': %s", url,
                s->db ? sqlite3_errmsg(s->db) : "out of memory");
        sqlite3_close(s->db);
        free(s);
        return -1;
    }
    sqlite3_busy_timeout(s->db, 5000);
    sqlite3_extended_result_codes(s->db, 1);
    if (exec(s,
             "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; "
             "PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY;",
             e) < 0) {
        char msg[200];
        snprintf(msg, sizeof(msg), "%s", e ? e->msg : "");
        lite_close(s);
        return err_set(e, ERR_DB, "db", "cannot use database '%s': %s", url, msg);
    }
    *out = s;
    return 0;
}

static void lite_close(struct lite *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->ncache; i++)
        sqlite3_finalize(s->cache[i].st);
    db_sqlite_free(s->base.db);
    sqlite3_finalize(s->copy_ins);
    sqlite3_close(s->db);
    free(s);
}

static int lite_begin(struct lite *s, struct err *e)
{
    if (exec(s, s->base.depth ? "SAVEPOINT nested" : "BEGIN IMMEDIATE", e) < 0)
        return -1;
    s->base.depth++;
    return 0;
}

static int lite_begin_read(struct lite *s, struct err *e)
{
    /* A deferred transaction takes no write lock: writers go on while we read. */
    if (exec(s, s->base.depth ? "SAVEPOINT nested" : "BEGIN DEFERRED", e) < 0)
        return -1;
    s->base.depth++;
    return 0;
}

static int lite_commit(struct lite *s, struct err *e)
{
    if (s->base.depth <= 0)
        return err_set(e, ERR_DB, "", "commit without a transaction");
    if (exec(s, s->base.depth > 1 ? "RELEASE nested" : "COMMIT", e) < 0)
        return -1;
    s->base.depth--;
    return 0;
}

static void lite_rollback(struct lite *s)
{
    if (s->base.depth <= 0)
        return;
    if (s->base.depth > 1)
        exec(s, "ROLLBACK TO nested; RELEASE nested", NULL);
    else
        exec(s, "ROLLBACK", NULL);
    s->base.depth--;
}

static int migration_number(const char *name)
{
    return (int)strtol(name, NULL, 10);
}

static int lite_schema_version(struct lite *s, int *applied, int *known, struct err *e)
{
    *known = 0;
    for (const struct embedded_file *f = embedded_migrations; f->name; f++)
        if (migration_number(f->name) > *known)
            *known = migration_number(f->name);
    *applied = 0;
    static const char sql_has[] =
        "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='schema_migrations'";
    static const char sql_max[] = "SELECT coalesce(max(version), 0) FROM schema_migrations";
    sqlite3_stmt *st = prep(s, sql_has, e);
    if (!st)
        return -1;
    int has = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
    done(s, st);
    if (!has)
        return 0;
    sqlite3_stmt *mx = NULL;
    if (sqlite3_prepare_v2(s->db, sql_max, -1, &mx, NULL) != SQLITE_OK)
        return db_err(s, e, "cannot read schema version");
    if (sqlite3_step(mx) == SQLITE_ROW)
        *applied = sqlite3_column_int(mx, 0);
    sqlite3_finalize(mx);
    return 0;
}

static int lite_migrate_to(struct lite *s, int target, struct err *e)
{
    if (exec(s,
             "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
             "name TEXT NOT NULL, applied_at INTEGER NOT NULL DEFAULT (unixepoch()))",
             e) < 0)
        return -1;
    int applied, known;
    if (lite_schema_version(s, &applied, &known, e) < 0)
        return -1;
    if (applied > known)
        return err_set(e, ERR_DB, "db",
                       "database schema version %d is newer than this program (%d): upgrade "
                       "shishi",
                       applied, known);
    for (const struct embedded_file *f = embedded_migrations; f->name; f++) {
        int v = migration_number(f->name);
        if (v <= applied || v > target)
            continue;
        if (lite_begin(s, e) < 0)
            return -1;
        if (exec(s, (const char *)f->data, e) < 0) {
            char msg[200];
            snprintf(msg, sizeof(msg), "%s", e ? e->msg : "");
            lite_rollback(s);
            return err_set(e, ERR_DB, "db", "migration %s failed: %s", f->name, msg);
        }
        sqlite3_stmt *st = NULL;
        int rc = -1;
        if (sqlite3_prepare_v2(s->db, "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                               -1, &st, NULL) == SQLITE_OK) {
            sqlite3_bind_int(st, 1, v);
            sqlite3_bind_text(st, 2, f->name, -1, SQLITE_STATIC);
            rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
        }
        sqlite3_finalize(st);
        if (rc < 0) {
            db_err(s, e, "cannot record migration");
            lite_rollback(s);
            return -1;
        }
        if (lite_commit(s, e) < 0) {
            lite_rollback(s);
            return -1;
        }
    }
    return 0;
}

static int lite_migrate(struct lite *s, struct err *e)
{
    return lite_migrate_to(s, 1 << 30, e);
}

/* Reads the one row `sql` finds by `key` (bound `key_binds` times) or, when key is NULL, by
 * `id`; ERR_NOT_FOUND names the `what` asked for. */
static int one_row(struct lite *s, const char *sql, int64_t id, const char *key, int key_binds,
                   void (*read)(sqlite3_stmt *st, void *item), void *item, const char *what,
                   struct err *e)
{
    sqlite3_stmt *st = prep(s, sql, e);
    if (!st)
        return -1;
    for (int i = 1; i <= (key ? key_binds : 1); i++) {
        if (key)
            sqlite3_bind_text(st, i, key, -1, SQLITE_STATIC);
        else
            sqlite3_bind_int64(st, i, id);
    }
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read(st, item);
    done(s, st);
    if (rc == SQLITE_ROW)
        return 0;
    if (rc != SQLITE_DONE)
        return err_set(e, ERR_DB, "", "cannot read %s: %s", what, sqlite3_errmsg(s->db));
    if (key)
        return err_set(e, ERR_NOT_FOUND, what, "unknown %s '%s'", what, key);
    return err_set(e, ERR_NOT_FOUND, what, "unknown %s id %lld", what, (long long)id);
}

/* ---- appeals -------------------------------------------------------------------------- */

#define APPEAL_COLS                                                                                \
    "id, code, title, content, channel_id, coalesce(area_id, 0), kind, urgency, complex, "         \
    "citizen_name, phone, id_number, address, state, coalesce(lead_unit_id, 0), received_at, "     \
    "dispatched_at, sign_deadline, accepted_at, deadline, replied_at, visited_at, closed_at, "     \
    "ext_requested, ext_count, urge_count, supervise_level, redo_count, return_count, "            \
    "coalesce(merged_into, 0), reply_text, visit_solved, visit_satisfaction, evidence_count, "     \
    "version, last_seq, updated_at, contacted_at"

static void read_appeal(sqlite3_stmt *st, struct appeal *a)
{
    appeal_init(a);
    int i = 0;
    a->id = sqlite3_column_int64(st, i++);
    col_copy(st, i++, a->code, sizeof(a->code));
    a->title = col_dup(st, i++);
    a->content = col_dup(st, i++);
    a->channel_id = sqlite3_column_int64(st, i++);
    a->area_id = sqlite3_column_int64(st, i++);
    a->kind = sqlite3_column_int(st, i++);
    a->urgency = sqlite3_column_int(st, i++);
    a->complex = sqlite3_column_int(st, i++);
    a->citizen_name = col_dup(st, i++);
    a->phone = col_dup(st, i++);
    a->id_number = col_dup(st, i++);
    a->address = col_dup(st, i++);
    a->state = sqlite3_column_int(st, i++);
    a->lead_unit_id = sqlite3_column_int64(st, i++);
    int64_t *times[] = {&a->received_at, &a->dispatched_at, &a->sign_deadline,
                        &a->accepted_at, &a->deadline,      &a->replied_at,
                        &a->visited_at,  &a->closed_at,     &a->ext_requested};
    for (size_t k = 0; k < sizeof(times) / sizeof(times[0]); k++)
        *times[k] = sqlite3_column_int64(st, i++);
    a->ext_count = sqlite3_column_int(st, i++);
    a->urge_count = sqlite3_column_int(st, i++);
    a->supervise_level = sqlite3_column_int(st, i++);
    a->redo_count = sqlite3_column_int(st, i++);
    a->return_count = sqlite3_column_int(st, i++);
    a->merged_into = sqlite3_column_int64(st, i++);
    a->reply_text = col_dup(st, i++);
    a->visit_solved = sqlite3_column_int(st, i++);
    a->visit_satisfaction = sqlite3_column_int(st, i++);
    a->evidence_count = sqlite3_column_int(st, i++);
    a->version = sqlite3_column_int64(st, i++);
    a->last_seq = sqlite3_column_int64(st, i++);
    a->updated_at = sqlite3_column_int64(st, i++);
    a->contacted_at = sqlite3_column_int64(st, i++);
}

/* Binds every mutable column from index `i` on, in APPEAL_COLS order after `code`. */
static int bind_appeal(sqlite3_stmt *st, const struct appeal *a, int i)
{
    bind_text(st, i++, a->title);
    bind_text(st, i++, a->content);
    sqlite3_bind_int64(st, i++, a->channel_id);
    bind_id(st, i++, a->area_id);
    sqlite3_bind_int(st, i++, a->kind);
    sqlite3_bind_int(st, i++, a->urgency);
    sqlite3_bind_int(st, i++, a->complex);
    bind_text(st, i++, a->citizen_name);
    bind_text(st, i++, a->phone);
    bind_text(st, i++, a->id_number);
    bind_text(st, i++, a->address);
    sqlite3_bind_int(st, i++, a->state);
    bind_id(st, i++, a->lead_unit_id);
    const int64_t times[] = {a->received_at, a->dispatched_at, a->sign_deadline,
                             a->accepted_at, a->deadline,      a->replied_at,
                             a->visited_at,  a->closed_at,     a->ext_requested};
    for (size_t k = 0; k < sizeof(times) / sizeof(times[0]); k++)
        sqlite3_bind_int64(st, i++, times[k]);
    sqlite3_bind_int(st, i++, a->ext_count);
    sqlite3_bind_int(st, i++, a->urge_count);
    sqlite3_bind_int(st, i++, a->supervise_level);
    sqlite3_bind_int(st, i++, a->redo_count);
    sqlite3_bind_int(st, i++, a->return_count);
    bind_id(st, i++, a->merged_into);
    bind_text(st, i++, a->reply_text);
    sqlite3_bind_int(st, i++, a->visit_solved);
    sqlite3_bind_int(st, i++, a->visit_satisfaction);
    sqlite3_bind_int(st, i++, a->evidence_count);
    sqlite3_bind_int64(st, i++, a->version);
    sqlite3_bind_int64(st, i++, a->last_seq);
    sqlite3_bind_int64(st, i++, a->updated_at);
    sqlite3_bind_int64(st, i++, a->contacted_at);
    return i;
}

/* Rewrites the appeal's lead and assisting units. */
static int write_units(struct lite *s, const struct appeal *a, struct err *e)
{
    static const char sql_del[] = "DELETE FROM appeal_units WHERE appeal_id = ?";
    static const char sql_add[] =
        "INSERT INTO appeal_units (appeal_id, unit_id, role) VALUES (?, ?, ?)";
    sqlite3_stmt *st = prep(s, sql_del, e);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, a->id);
    if (step_done(s, st, "cannot update appeal units", e) < 0)
        return -1;
    if (!a->lead_unit_id)
        return 0;
    for (int k = -1; k < a->n_assist; k++) {
        st = prep(s, sql_add, e);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, a->id);
        sqlite3_bind_int64(st, 2, k < 0 ? a->lead_unit_id : a->assist[k]);
        sqlite3_bind_text(st, 3, k < 0 ? "lead" : "assist", -1, SQLITE_STATIC);
        if (step_done(s, st, "cannot record appeal unit", e) < 0)
            return -1;
    }
    return 0;
}

static int read_assist(struct lite *s, struct appeal *a, struct err *e)
{
    static const char sql[] = "SELECT unit_id FROM appeal_units WHERE appeal_id = ? AND "
                              "role = 'assist' ORDER BY rowid";
    sqlite3_stmt *st = prep(s, sql, e);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, a->id);
    int rc;
    a->n_assist = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && a->n_assist < APPEAL_MAX_ASSIST)
        a->assist[a->n_assist++] = sqlite3_column_int64(st, 0);
    done(s, st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return db_err(s, e, "cannot read appeal units");
    return 0;
}

static int lite_appeal_insert(struct lite *s, struct appeal *a, struct err *e)
{
    static const char sql[] =
        "INSERT INTO appeals (code, title, content, channel_id, area_id, kind, urgency, complex, "
        "citizen_name, phone, id_number, address, state, lead_unit_id, received_at, "
        "dispatched_at, sign_deadline, accepted_at, deadline, replied_at, visited_at, closed_at, "
        "ext_requested, ext_count, urge_count, supervise_level, redo_count, return_count, "
        "merged_into, reply_text, visit_solved, visit_satisfaction, evidence_count, version, "
        "last_seq, updated_at, contacted_at) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    if (write_allowed(s, e) < 0)
        return -1;
    sqlite3_stmt *st = prep(s, sql, e);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, a->code, -1, SQLITE_STATIC);
    bind_appeal(st, a, 2);
    if (step_done(s, st, "cannot insert appeal", e) < 0)
        return -1;
    a->id = sqlite3_last_insert_rowid(s->db);
    return write_units(s, a, e);
}

static int lite_appeal_update(struct lite *s, const struct appeal *a, int64_t expected_version,
                              struct err *e)
{
    static const char sql[] =
        "UPDATE appeals SET title=?, content=?, channel_id=?, area_id=?, kind=?, urgency=?, "
        "complex=?, citizen_name=?, phone=?, id_number=?, address=?, state=?, lead_unit_id=?, "
        "received_at=?, dispatched_at=?, sign_deadline=?, accepted_at=?, deadline=?, "
        "replied_at=?, visited_at=?, closed_at=?, ext_requested=?, ext_count=?, urge_count=?, "
        "supervise_level=?, redo_count=?, return_count=?, merged_into=?, reply_text=?, "
        "visit_solved=?, visit_satisfaction=?, evidence_count=?, version=?, last_seq=?, "
        "updated_at=?, contacted_at=? "
        "WHERE id = ? AND version = ?";
    if (write_allowed(s, e) < 0)
        return -1;
    sqlite3_stmt *st = prep(s, sql, e);
    if (!st)
        return -1;
    int i = bind_appeal(st, a, 1);
    sqlite3_bind_int64(st, i++, a->id);
    sqlite3_bind_int64(st, i++, expected_version);
    if (step_done(s, st, "cannot update appeal", e) < 0)
        return -1;
    if (sqlite3_changes(s->db) != 1)
        return err_set(e, ERR_CONFLICT, "version",
                       "appeal %s was changed by someone else (expected version %lld)", a->code,
                       (long long)expected_version);
    return write_units(s, a, e);
}

static void read_appeal_item(sqlite3_stmt *st, void *item)
{
    read_appeal(st, item);
}

static int appeal_one(struct lite *s, const char *sql, int64_t id, const char *code,
                      struct appeal *a, struct err *e)
{
    if (one_row(s, sql, id, code, 1, read_appeal_item, a, "appeal", e) < 0)
        return -1;
    if (read_assist(s, a, e) < 0) {
        appeal_release(a);
        return -1;
    }
    return 0;
}

static int lite_appeal_get(struct lite *s, int64_t id, struct appeal *a, struct err *e)
{
    static const char sql[] = "SELECT " APPEAL_COLS " FROM appeals WHERE id = ?";
    return appeal_one(s, sql, id, NULL, a, e);
}

static int lite_appeal_by_code(struct lite *s, const char *code, struct appeal *a, struct err *e)
{
    static const char sql[] = "SELECT " APPEAL_COLS " FROM appeals WHERE code = ?";
    return appeal_one(s, sql, 0, code, a, e);
}

/* Builds the WHERE clause of a list query; binds follow in the same order. */
static void filter_sql(const struct appeal_filter *f, char *where, size_t size)
{
    snprintf(where, size, " WHERE 1=1%s%s%s%s%s%s%s%s%s%s%s%s", f->state ? " AND state = ?" : "",
             f->unit_id ? " AND id IN (SELECT appeal_id FROM appeal_units WHERE unit_id = ?)" : "",
             f->scope_unit ? " AND id IN (SELECT appeal_id FROM appeal_units WHERE unit_id = ?)"
                           : "",
             f->lead_under ? " AND lead_unit_id IN (WITH RECURSIVE sub(id) AS (SELECT "
                             "CAST(? AS INTEGER) UNION SELECT u.id FROM units u JOIN sub ON "
                             "u.parent_id = sub.id) SELECT id FROM sub)"
                           : "",
             f->area_id ? " AND area_id = ?" : "", f->channel_id ? " AND channel_id = ?" : "",
             f->overdue ? " AND deadline > 0 AND ((replied_at = 0 AND state IN (2, 3, 7) AND "
                          "deadline < ?) OR replied_at > deadline)"
                        : "",
             f->due_soon ? " AND replied_at = 0 AND state IN (2, 3, 7) AND deadline >= ? AND "
                           "deadline < ?"
                         : "",
             f->ext_pending ? " AND state = 3 AND ext_requested > 0" : "",
             f->q && *f->q ? " AND (instr(code, ?) > 0 OR instr(title, ?) > 0 OR "
                             "instr(coalesce(content, ''), ?) > 0)"
                           : "",
             f->from ? " AND received_at >= ?" : "", f->to ? " AND received_at < ?" : "");
}

static int filter_bind(sqlite3_stmt *st, const struct appeal_filter *f)
{
    int i = 1;
    if (f->state)
        sqlite3_bind_int(st, i++, f->state);
    if (f->unit_id)
        sqlite3_bind_int64(st, i++, f->unit_id);
    if (f->scope_unit)
        sqlite3_bind_int64(st, i++, f->scope_unit);
    if (f->lead_under)
        sqlite3_bind_int64(st, i++, f->lead_under);
    if (f->area_id)
        sqlite3_bind_int64(st, i++, f->area_id);
    if (f->channel_id)
        sqlite3_bind_int64(st, i++, f->channel_id);
    if (f->overdue)
        sqlite3_bind_int64(st, i++, f->now);
    if (f->due_soon) {
        sqlite3_bind_int64(st, i++, f->now);
        sqlite3_bind_int64(st, i++, f->now + DUE_SOON_SECONDS);
    }
    for (int k = 0; f->q && *f->q && k < 3; k++) /* code, title, content */
        sqlite3_bind_text(st, i++, f->q, -1, SQLITE_TRANSIENT);
    if (f->from)
        sqlite3_bind_int64(st, i++, f->from);
    if (f->to)
        sqlite3_bind_int64(st, i++, f->to);
    return i;
}

static int lite_appeal_list(struct lite *s, const struct appeal_filter *f, struct appeal_list *out,
                            struct err *e)
{
    static const char *const order[] = {"received_at", "deadline", "code", "state"};
    memset(out, 0, sizeof(*out));
    char where[1500], sql[2800];
    filter_sql(f, where, sizeof(where));
    int sort = f->sort >= 0 && f->sort <= SORT_STATE ? f->sort : 0;
    sqlite3_stmt *st = NULL;
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM appeals%s", where);
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_err(s, e, "cannot list appeals");
    filter_bind(st, f);
    if (sqlite3_step(st) == SQLITE_ROW)
        out->total = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    snprintf(sql, sizeof(sql),
             "SELECT " APPEAL_COLS " FROM appeals%s ORDER BY %s %s, id %s "
             "LIMIT ? OFFSET ?",
             where, order[sort], f->desc ? "DESC" : "ASC", f->desc ? "DESC" : "ASC");
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_err(s, e, "cannot list appeals");
    int i = filter_bind(st, f);
    sqlite3_bind_int64(st, i++, f->limit > 0 ? f->limit : -1);
    sqlite3_bind_int64(st, i++, f->offset > 0 ? f->offset : 0);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        xgrow((void **)&out->items, &out->cap, out->n + 1, sizeof(*out->items));
        read_appeal(st, &out->items[out->n++]);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        appeal_list_release(out);
        return db_err(s, e, "cannot list appeals");
    }
    for (size_t k = 0; k < out->n; k++)
        if (read_assist(s, &out->items[k], e) < 0) {
            appeal_list_release(out);
            return -1;
        }
    return 0;
}

#define FACT_COLS                                                                                  \
    "id, code, state, kind, urgency, channel_id, coalesce(area_id, 0), "                           \
    "coalesce(lead_unit_id, 0), received_at, dispatched_at, deadline, sign_deadline, "             \
    "accepted_at, replied_at, visit_solved, visit_satisfaction, urge_count, supervise_level, "    \
    "redo_count, contacted_at"

static int lite_fact_scan(struct lite *s, int64_t from, int64_t to, int flags,
                          int (*cb)(const struct appeal_fact *f, void *ctx), void *ctx,
                          struct err *e)
{
    static const char sql[] = "SELECT " FACT_COLS " FROM appeals "
                              "WHERE received_at >= ? AND received_at < ? "
                              "ORDER BY received_at, id";
    static const char sql_text[] = "SELECT " FACT_COLS ", title, citizen_name, phone "
                                   "FROM appeals WHERE received_at >= ? AND received_at < ? "
                                   "ORDER BY received_at, id";
    sqlite3_stmt *st = prep(s, flags & FACT_TEXT ? sql_text : sql, e);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    int rc;
    struct appeal_fact f;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        memset(&f, 0, sizeof(f));
        int i = 0;
        f.id = sqlite3_column_int64(st, i++);
        col_copy(st, i++, f.code, sizeof(f.code));
        f.state = sqlite3_column_int(st, i++);
        f.kind = sqlite3_column_int(st, i++);
        f.urgency = sqlite3_column_int(st, i++);
        f.channel_id = sqlite3_column_int64(st, i++);
        f.area_id = sqlite3_column_int64(st, i++);
        f.lead_unit_id = sqlite3_column_int64(st, i++);
        f.received_at = sqlite3_column_int64(st, i++);
        f.dispatched_at = sqlite3_column_int64(st, i++);
        f.deadline = sqlite3_column_int64(st, i++);
        f.sign_deadline = sqlite3_column_int64(st, i++);
        f.accepted_at = sqlite3_column_int64(st, i++);
        f.replied_at = sqlite3_column_int64(st, i++);
        f.visit_solved = sqlite3_column_int(st, i++);
        f.visit_satisfaction = sqlite3_column_int(st, i++);
        f.urge_count = sqlite3_column_int(st, i++);
        f.supervise_level = sqlite3_column_int(st, i++);
        f.redo_count = sqlite3_column_int(st, i++);
        f.contacted_at = sqlite3_column_int64(st, i++);
        if (flags & FACT_TEXT) {
            f.title = (const char *)sqlite3_column_text(st, i++);
            f.citizen_name = (const char *)sqlite3_column_text(st, i++);
            f.phone = (const char *)sqlite3_column_text(st, i++);
        }
        if (cb(&f, ctx)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    done(s, st);
    if (rc != SQLITE_DONE)
        return db_err(s, e, "cannot scan appeals");
    return 0;
}

/* ---- events ---------------------------------------------------------------------------- */

static int lite_chain_head(struct lite *s, int64_t *last_id, char hash[65], struct err *e)
{
    static const char sql[] = "SELECT last_id, hash FROM chain_head WHERE one = 1";
    sqlite3_stmt *st = prep(s, sql, e);
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *last_id = sqlite3_column_int64(st, 0);
        col_copy(st, 1, hash, 65);
    }
    done(s, st);
    if (rc != SQLITE_ROW)
        return db_err(s, e, "cannot read the chain head");
    return 0;
}

static int lite_event_append(struct lite *s, const struct event *ev, struct err *e)
{
    static const char sql[] =
        "INSERT INTO events (id, appeal_id, seq, at, actor_id, actor, action, from_state, "
        "to_state, details, prev_hash, hash, row_digest, subject, subject_id) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    static const char sql_head[] =
        "UPDATE chain_head SET last_id = ?, hash = ?, count = count + 1 WHERE one = 1";
    if (write_allowed(s, e) < 0)
        return -1;
    sqlite3_stmt *st = prep(s, sql, e);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, ev->id);
    bind_id(st, 2, ev->subject[0] ? 0 : ev->appeal_id);
    sqlite3_bind_int64(st, 3, ev->seq);
    sqlite3_bind_int64(st, 4, ev->at);
    sqlite3_bind_int64(st, 5, ev->actor_id);
    sqlite3_bind_text(st, 6, ev->actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, ev->action, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 8, ev->from_state);
    sqlite3_bind_int(st, 9, ev->to_state);
    sqlite3_bind_text(st, 10, ev->details ? ev->details : "{}", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 11, ev->prev_hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 12, ev->hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 13, ev->row_digest, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 14, ev->subject, -1, SQLITE_STATIC);
    bind_id(st, 15, ev->subject[0] ? ev->subject_id : 0);
    if (step_done(s, st, "cannot append event", e) < 0)
        return -1;
    st = prep(s, sql_head, e);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, ev->id);
    sqlite3_bind_text(st, 2, ev->hash, -1, SQLITE_STATIC);
    return step_done(s, st, "cannot move the chain head", e);
}

#define EVENT_COLS                                                                                 \
    "id, appeal_id, seq, at, actor_id, actor, action, from_state, to_state, details, "             \
    "prev_hash, hash, row_digest, subject, subject_id"

static void read_event(sqlite3_stmt *st, struct event *ev, int copy_details)
{
    memset(ev, 0, sizeof(*ev));
    ev->id = sqlite3_column_int64(st, 0);
    ev->appeal_id = sqlite3_column_int64(st, 1);
    ev->seq = sqlite3_column_int64(st, 2);
    ev->at = sqlite3_column_int64(st, 3);
    ev->actor_id = sqlite3_column_int64(st, 4);
    col_copy(st, 5, ev->actor, sizeof(ev->actor));
    col_copy(st, 6, ev->action, sizeof(ev->action));
    ev->from_state = sqlite3_column_int(st, 7);
    ev->to_state = sqlite3_column_int(st, 8);
    ev->details = copy_details ? col_dup(st, 9) : (char *)sqlite3_column_text(st, 9);
    col_copy(st, 10, ev->prev_hash, sizeof(ev->prev_hash));
    col_copy(st, 11, ev->hash, sizeof(ev->hash));
    col_copy(st, 12, ev->row_digest, sizeof(ev->row_digest));
    col_copy(st, 13, ev->subject, sizeof(ev->subject));
    ev->subject_id = sqlite3_column_int64(st, 14);
}

static int lite_events_of(struct lite *s, const char *subject, int64_t id, struct event_list *out,
                          struct err *e)
{
    static const char sql[] = "SELECT " EVENT_COLS " FROM events WHERE appeal_id = ? ORDER BY seq";
    static const char sql_subject[] =
        "SELECT " EVENT_COLS " FROM events WHERE subject = ? AND subject_id = ? ORDER BY seq";
    memset(out, 0, sizeof(*out));
    sqlite3_stmt *st = prep(s, subject[0] ? sql_subject : sql, e);
    if (!st)
        return -1;
    if (subject[0]) {
        sqlite3_bind_text(st, 1, subject, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, id);
    } else {
        sqlite3_bind_int64(st, 1, id);
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        xgrow((void **)&out->items, &out->cap, out->n + 1, sizeof(*out->items));
        read_event(st, &out->items[out->n++], 1);
    }
    done(s, st);
    if (rc != SQLITE_DONE) {
        event_list_release(out);
        return db_err(s, e, "cannot read history");
    }
    return 0;
}

static int lite_event_scan(struct lite *s, int (*cb)(const struct event *ev, void *ctx), void *ctx,
                           struct err *e)
{
    static const char sql[] = "SELECT " EVENT_COLS " FROM events ORDER BY id";
    sqlite3_stmt *st = prep(s, sql, e);
    if (!st)
        return -1;
    int rc;
    struct event ev;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_event(st, &ev, 0); /* details borrowed from the statement for the callback */
        if (cb(&ev, ctx)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    done(s, st);
    if (rc != SQLITE_DONE)
        return db_err(s, e, "cannot scan events");
    return 0;
}

static int lite_appeal_scan(struct lite *s, int (*cb)(const struct appeal *a, void *ctx), void *ctx,
                            struct err *e)
{
    static const char sql[] = "SELECT " APPEAL_COLS " FROM appeals ORDER BY id";
    sqlite3_stmt *st = NULL;
    /* Not cached: read_assist() runs its own statement while this one is stepping. */
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_err(s, e, "cannot scan appeals");
    int rc, stop = 0;
    struct appeal a;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_appeal(st, &a);
        if (read_assist(s, &a, e) < 0) {
            appeal_release(&a);
            sqlite3_finalize(st);
            return -1;
        }
        stop = cb(&a, ctx);
        appeal_release(&a);
    }
    sqlite3_finalize(st);
    if (!stop && rc != SQLITE_DONE)
        return db_err(s, e, "cannot scan appeals");
    return 0;
}

/* ---- whole-site copy: generic rows ------------------------------------------------------ */

/* Hands every row of prepared statement q to cb as a generic row; does not finalise q. */
static int scan_rows(struct lite *s, sqlite3_stmt *q, const char *table,
                     int (*cb)(const struct row *r, void *ctx), void *ctx, struct err *e)
{
    int ncol = sqlite3_column_count(q);
    if (ncol > ROW_MAX_COLS)
        return err_set(e, ERR_DB, "", "table '%s' has %d columns, more than %d", table, ncol,
                       ROW_MAX_COLS);
    struct row r = {.n = ncol};
    for (int i = 0; i < ncol; i++)
        r.name[i] = sqlite3_column_name(q, i);
    int step;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        for (int i = 0; i < ncol; i++) {
            struct value *v = &r.v[i];
            memset(v, 0, sizeof(*v));
            switch (sqlite3_column_type(q, i)) {
            case SQLITE_NULL:
                v->type = VAL_NULL;
                break;
            case SQLITE_INTEGER:
                v->type = VAL_INT;
                v->i = sqlite3_column_int64(q, i);
                break;
            default:
                v->type = VAL_TEXT;
                v->s = (const char *)sqlite3_column_text(q, i);
                break;
            }
        }
        if (cb(&r, ctx))
            return 0;
    }
    if (step != SQLITE_DONE)
        return db_err(s, e, "cannot read the table");
    return 0;
}

static int lite_rows_scan(store_t *st, const char *table,
                          int (*cb)(const struct row *r, void *ctx), void *ctx, struct err *e)
{
    struct lite *s = (struct lite *)st;
    struct buf sql = BUF_INIT;
    buf_addf(&sql, "SELECT * FROM \"%s\" ORDER BY rowid", table);
    sqlite3_stmt *q = NULL;
    int ok = sqlite3_prepare_v2(s->db, sql.ptr, -1, &q, NULL) == SQLITE_OK;
    buf_release(&sql);
    if (!ok)
        return db_err(s, e, "cannot read the table");
    int rc = scan_rows(s, q, table, cb, ctx, e);
    sqlite3_finalize(q);
    return rc;
}

static int lite_copy_begin(store_t *st, struct err *e)
{
    /* Foreign keys are checked at commit instead of row by row (reset by COMMIT). */
    return exec((struct lite *)st, "PRAGMA defer_foreign_keys = ON", e);
}

/* Whether `table` has a column `name` (PRAGMA table_info: the database's own list). */
static int lite_has_column(struct lite *s, const char *table, const char *name, int *has,
                           struct err *e)
{
    static const char sql[] = "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2";
    sqlite3_stmt *q = prep(s, sql, e);
    if (!q)
        return -1;
    sqlite3_bind_text(q, 1, table, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 2, name, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(q);
    *has = rc == SQLITE_ROW;
    done(s, q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_err(s, e, "cannot read the table's columns");
    return 0;
}

/* Prepares the insert for `table` with the columns of r it has (s->copy_*). */
static int lite_copy_prepare(struct lite *s, const char *table, const struct row *r,
                             struct err *e)
{
    sqlite3_finalize(s->copy_ins);
    s->copy_ins = NULL;
    s->copy_table[0] = 0;
    struct buf sql = BUF_INIT;
    buf_addf(&sql, "INSERT INTO \"%s\" (", table);
    int nused = 0;
    for (int i = 0; i < r->n && i < ROW_MAX_COLS; i++) {
        int has;
        if (lite_has_column(s, table, r->name[i], &has, e) < 0) {
            buf_release(&sql);
            return -1;
        }
        if (!has)
            continue;
        buf_addf(&sql, "%s\"%s\"", nused ? ", " : "", r->name[i]);
        s->copy_used[nused++] = i;
    }
    buf_adds(&sql, ") VALUES (");
    for (int k = 0; k < nused; k++)
        buf_adds(&sql, k ? ", ?" : "?");
    buf_adds(&sql, ")");
    int ok = sqlite3_prepare_v2(s->db, sql.ptr, -1, &s->copy_ins, NULL) == SQLITE_OK;
    buf_release(&sql);
    if (!ok)
        return db_err(s, e, "cannot copy a row");
    s->copy_nused = nused;
    snprintf(s->copy_table, sizeof(s->copy_table), "%s", table);
    return 0;
}

static int lite_row_insert(store_t *st, const char *table, const struct row *r, struct err *e)
{
    struct lite *s = (struct lite *)st;
    if (write_allowed(s, e) < 0)
        return -1;
    if ((!s->copy_ins || strcmp(s->copy_table, table) != 0) &&
        lite_copy_prepare(s, table, r, e) < 0)
        return -1;
    sqlite3_stmt *q = s->copy_ins;
    for (int k = 0; k < s->copy_nused; k++) {
        const struct value *v = &r->v[s->copy_used[k]];
        if (v->type == VAL_INT)
            sqlite3_bind_int64(q, k + 1, v->i);
        else if (v->type == VAL_TEXT && v->s)
            sqlite3_bind_text(q, k + 1, v->s, -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(q, k + 1);
    }
    char what[64];
    snprintf(what, sizeof(what), "cannot copy a row into '%s'", table);
    int rc = step_done(s, q, what, e);
    sqlite3_clear_bindings(q);
    return rc;
}

static int lite_copy_finish(store_t *st, struct err *e)
{
    struct lite *s = (struct lite *)st;
    (void)e;
    sqlite3_finalize(s->copy_ins);
    s->copy_ins = NULL;
    s->copy_table[0] = 0;
    return 0;
}

/* ---- records: rows by column name (store_rec_*) ---------------------------------------- */

/* Table and column names were checked by store.c (known table, plain identifiers). */
/* ---- the backend table ------------------------------------------------------------------ */

static void op_close(store_t *st)
{
    lite_close((struct lite *)st);
}

static int op_migrate(store_t *st, struct err *e)
{
    return lite_migrate((struct lite *)st, e);
}

static int op_migrate_to(store_t *st, int target, struct err *e)
{
    return lite_migrate_to((struct lite *)st, target, e);
}

static int op_schema_version(store_t *st, int *applied, int *known, struct err *e)
{
    return lite_schema_version((struct lite *)st, applied, known, e);
}

static int op_begin(store_t *st, struct err *e)
{
    return lite_begin((struct lite *)st, e);
}

static int op_begin_read(store_t *st, struct err *e)
{
    return lite_begin_read((struct lite *)st, e);
}

static int op_commit(store_t *st, struct err *e)
{
    return lite_commit((struct lite *)st, e);
}

static void op_rollback(store_t *st)
{
    lite_rollback((struct lite *)st);
}

static int op_appeal_insert(store_t *st, struct appeal *a, struct err *e)
{
    return lite_appeal_insert((struct lite *)st, a, e);
}

static int op_appeal_update(store_t *st, const struct appeal *a, int64_t expected_version,
                            struct err *e)
{
    return lite_appeal_update((struct lite *)st, a, expected_version, e);
}

static int op_appeal_get(store_t *st, int64_t id, struct appeal *a, struct err *e)
{
    return lite_appeal_get((struct lite *)st, id, a, e);
}

static int op_appeal_by_code(store_t *st, const char *code, struct appeal *a, struct err *e)
{
    return lite_appeal_by_code((struct lite *)st, code, a, e);
}

static int op_appeal_list(store_t *st, const struct appeal_filter *f, struct appeal_list *out,
                          struct err *e)
{
    return lite_appeal_list((struct lite *)st, f, out, e);
}

static int op_fact_scan(store_t *st, int64_t from, int64_t to, int flags,
                        int (*cb)(const struct appeal_fact *f, void *ctx), void *ctx, struct err *e)
{
    return lite_fact_scan((struct lite *)st, from, to, flags, cb, ctx, e);
}

static int op_chain_head(store_t *st, int64_t *last_id, char hash[65], struct err *e)
{
    return lite_chain_head((struct lite *)st, last_id, hash, e);
}

static int op_event_append(store_t *st, const struct event *ev, struct err *e)
{
    return lite_event_append((struct lite *)st, ev, e);
}

static int op_events_of(store_t *st, const char *subject, int64_t id, struct event_list *out,
                        struct err *e)
{
    return lite_events_of((struct lite *)st, subject, id, out, e);
}

static int op_event_scan(store_t *st, int (*cb)(const struct event *ev, void *ctx), void *ctx,
                         struct err *e)
{
    return lite_event_scan((struct lite *)st, cb, ctx, e);
}

static int op_appeal_scan(store_t *st, int (*cb)(const struct appeal *a, void *ctx), void *ctx,
                          struct err *e)
{
    return lite_appeal_scan((struct lite *)st, cb, ctx, e);
}

static const struct store_ops lite_ops = {
    .close = op_close,
    .migrate = op_migrate,
    .migrate_to = op_migrate_to,
    .schema_version = op_schema_version,
    .begin = op_begin,
    .begin_read = op_begin_read,
    .commit = op_commit,
    .rollback = op_rollback,
    .appeal_insert = op_appeal_insert,
    .appeal_update = op_appeal_update,
    .appeal_get = op_appeal_get,
    .appeal_by_code = op_appeal_by_code,
    .appeal_list = op_appeal_list,
    .fact_scan = op_fact_scan,
    .chain_head = op_chain_head,
    .event_append = op_event_append,
    .events_of = op_events_of,
    .event_scan = op_event_scan,
    .appeal_scan = op_appeal_scan,
    .rows_scan = lite_rows_scan,
    .copy_begin = lite_copy_begin,
    .row_insert = lite_row_insert,
    .copy_finish = lite_copy_finish,
};

int sqlite_store_open(store_t **out, const char *url, struct err *e)
{
    struct lite *s = NULL;
    *out = NULL;
    if (lite_open(&s, url, e) < 0)
        return -1;
    s->base.ops = &lite_ops;
    s->base.db = db_sqlite_new(s->db);
    *out = &s->base;
    return 0;
}
