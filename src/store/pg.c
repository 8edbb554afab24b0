/* pg.c -- the PostgreSQL backend of store.h (libpq), with the semantics of sqlite.c:
 * nested transactions as savepoints, prepared statements cached per connection, the same
 * fault-injection hook, the same error codes (ERR_NOT_FOUND naming the thing, ERR_CONFLICT
 * on constraint violations and stale versions, ERR_DB with the server's message otherwise).
 *
 * Write transactions run READ COMMITTED; store_begin_read() opens a REPEATABLE READ READ ONLY
 * snapshot. The hash chain stays one chain under several writing processes because
 * chain_head() inside a write transaction locks the chain_head row (SELECT ... FOR UPDATE)
 * until commit: appends serialise on it. The row itself is rewritten once, at commit:
 * thousands of updates of one row in one transaction (a bulk load) leave as many row
 * versions, which PostgreSQL cannot prune before commit and every read would walk.
 *
 * A lost connection fails the running call with ERR_DB; inside a transaction every call
 * fails until the caller rolls back to depth 0, and the next call then tries PQreset()
 * once. Invariant: every SQL string and every libpq type of the program lives here. */
#include "store/db_driver.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/audit.h"
#include "util/embedded.h"
#include "util/xalloc.h"

#include "util/banned.h"

#define STMT_CACHE   96
#define MAX_PARAMS   48
#define SCAN_BATCH   2000         /* rows a scan holds at once; keep "LIMIT 2000" below in step */
#define MIGRATE_LOCK "7411744117" /* pg_advisory_lock key: one migrator at a time */

struct pg {
    struct store base; /* first: a struct pg is a store_t */
    PGconn *conn;
    int tx_write; /* the outermost transaction may write */
    /* The chain head as locked by this write transaction (see pg_chain_head()). */
    int head_locked, head_dirty;
    int64_t head_id;
    char head_hash[65];
    struct {
        const char *sql; /* static SQL strings are cached by address */
        char name[16];
    } cache[STMT_CACHE];
    int ncache;
    int nprepared; /* names handed out on this session */
    struct {
        struct forward_ref *items; /* store_copy_begin() to _finish(): references to fill */
        size_t n, cap;
    } forward;
    struct cols *copy_cols; /* store_row_insert(): the columns of the table copied into */
};

struct params {
    int n;
    const char *v[MAX_PARAMS];
    char buf[MAX_PARAMS][24];
};

static void p_text(struct params *p, const char *v)
{
    if (p->n < MAX_PARAMS)
        p->v[p->n++] = v;
}

static void p_int(struct params *p, int64_t v)
{
    if (p->n >= MAX_PARAMS)
        return;
    snprintf(p->buf[p->n], sizeof(p->buf[p->n]), "%lld", (long long)v);
    p->v[p->n] = p->buf[p->n];
    p->n++;
}

/* An optional reference: 0 is stored as NULL. */
static void p_id(struct params *p, int64_t v)
{
    if (v)
        p_int(p, v);
    else
        p_text(p, NULL);
}

static int64_t g64(const PGresult *r, int row, int col)
{
    return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static int gint(const PGresult *r, int row, int col)
{
    return (int)strtol(PQgetvalue(r, row, col), NULL, 10);
}

static void gcopy(const PGresult *r, int row, int col, char *out, size_t size)
{
    snprintf(out, size, "%s", PQgetvalue(r, row, col));
}

static char *gdup(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? NULL : xstrdup(PQgetvalue(r, row, col));
}

/* The server's message without libpq's "ERROR:  " prefix and trailing newline. */
static void server_msg(struct pg *s, const PGresult *r, char *out, size_t size)
{
    const char *m = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!m || !*m)
        m = PQerrorMessage(s->conn);
    snprintf(out, size, "%s", m && *m ? m : "unknown error");
    size_t n = strlen(out);
    while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' '))
        out[--n] = 0;
    for (char *c = out; *c; c++)
        if (*c == '\n' || *c == '\t')
            *c = ' ';
}

static void quiet_notices(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* What the session needs on every (re)connect. */
static int session_setup(struct pg *s, char *msg, size_t size)
{
    PQsetNoticeProcessor(s->conn, quiet_notices, NULL);
    /* SHISHI_PG_LOCK_TIMEOUT_MS (tests, operators) shortens or lengthens the wait for a row
     * lock; 10 s by default. */
    long lock_ms = 10000;
    const char *env = getenv("SHISHI_PG_LOCK_TIMEOUT_MS");
    if (env && *env) {
        char *end;
        long v = strtol(env, &end, 10);
        if (!*end && v > 0 && v <= 3600000)
            lock_ms = v;
    }
    char sql[200];
    snprintf(sql, sizeof(sql),
             "SET statement_timeout = '30s'; SET lock_timeout = %ld; "
             "SET client_encoding = 'UTF8'; SET client_min_messages = warning",
             lock_ms);
    PGresult *r = PQexec(s->conn, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        server_msg(s, r, msg, size);
    PQclear(r);
    s->ncache = 0;
    s->nprepared = 0;
    if (s->base.db)
        db_pg_forget(s->base.db);
    return ok ? 0 : -1;
}

/* Before talking to the server: a lost connection is reset once, at depth 0 only, since a
 * transaction does not survive its connection. */
static int alive(struct pg *s, struct err *e)
{
    if (PQstatus(s->conn) != CONNECTION_BAD)
        return 0;
    if (s->base.depth > 0)
        return err_set(e, ERR_DB, "db",
                       "the connection to the database was lost inside a transaction");
    PQreset(s->conn);
    char msg[160];
    if (PQstatus(s->conn) != CONNECTION_OK) {
        server_msg(s, NULL, msg, sizeof(msg));
        return err_set(e, ERR_DB, "db", "the connection to the database was lost: %s", msg);
    }
    if (session_setup(s, msg, sizeof(msg)) < 0)
        return err_set(e, ERR_DB, "db", "cannot set up the database session: %s", msg);
    return 0;
}

int pg_alive(store_t *st, struct err *e)
{
    return alive((struct pg *)st, e);
}

#define write_allowed(s, e) db_write_allowed(&(s)->base, (e))

/* Maps a failed result to ERR_CONFLICT (integrity constraint, SQLSTATE class 23, as
 * SQLITE_CONSTRAINT is in sqlite.c) or ERR_DB, and frees it. */
static PGresult *failed(struct pg *s, PGresult *r, const char *what, struct err *e)
{
    char msg[160];
    server_msg(s, r, msg, sizeof(msg));
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    if (PQstatus(s->conn) == CONNECTION_BAD)
        err_set(e, ERR_DB, "db", "%s: the connection to the database was lost: %s", what, msg);
    else if (state && !strncmp(state, "23", 2))
        err_set(e, ERR_CONFLICT, "", "%s: %s", what, msg);
    else
        err_set(e, ERR_DB, "", "%s: %s", what, msg);
    PQclear(r);
    return NULL;
}

/* Runs `sql` with text parameters. A static string (`cached`) is prepared once per session
 * and found again by its address. Returns the result (caller PQclear()s) or NULL. */
static PGresult *run_sql(struct pg *s, const char *sql, const struct params *p, int cached,
                         const char *what, struct err *e)
{
    if (alive(s, e) < 0)
        return NULL;
    int n = p ? p->n : 0;
    const char *const *v = p ? p->v : NULL;
    PGresult *r = NULL;
    const char *name = NULL;
    if (cached) {
        for (int i = 0; i < s->ncache; i++)
            if (s->cache[i].sql == sql) {
                name = s->cache[i].name;
                break;
            }
        if (!name && s->ncache < STMT_CACHE) {
            char *slot = s->cache[s->ncache].name;
            snprintf(slot, sizeof(s->cache[0].name), "s%d", s->nprepared++);
            r = PQprepare(s->conn, slot, sql, 0, NULL);
            if (PQresultStatus(r) != PGRES_COMMAND_OK)
                return failed(s, r, what, e);
            PQclear(r);
            s->cache[s->ncache].sql = sql;
            name = slot;
            s->ncache++;
        }
    }
    if (name)
        r = PQexecPrepared(s->conn, name, n, v, NULL, NULL, 0);
    else
        r = PQexecParams(s->conn, sql, n, NULL, v, NULL, NULL, 0);
    ExecStatusType rs = PQresultStatus(r);
    if (rs != PGRES_COMMAND_OK && rs != PGRES_TUPLES_OK)
        return failed(s, r, what, e);
    return r;
}

static PGresult *run(struct pg *s, const char *sql, const struct params *p, const char *what,
                     struct err *e)
{
    return run_sql(s, sql, p, 1, what, e);
}

/* Runs a statement whose rows, if any, do not matter. */
static int run_done(struct pg *s, const char *sql, const struct params *p, const char *what,
                    struct err *e)
{
    PGresult *r = run(s, sql, p, what, e);
    if (!r)
        return -1;
    PQclear(r);
    return 0;
}

/* Plain SQL without parameters (may hold several statements). */
static int exec(struct pg *s, const char *sql, struct err *e)
{
    if (alive(s, e) < 0)
        return -1;
    PGresult *r = PQexec(s->conn, sql);
    /* A connection the server dropped while idle (a restart) is only noticed when used: a
     * BEGIN at depth 0 has done nothing yet, so it reconnects and tries once more. */
    if (PQresultStatus(r) == PGRES_FATAL_ERROR && PQstatus(s->conn) == CONNECTION_BAD &&
        s->base.depth == 0 && !strncmp(sql, "BEGIN", 5)) {
        PQclear(r);
        if (alive(s, e) < 0)
            return -1;
        r = PQexec(s->conn, sql);
    }
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
        char msg[160];
        server_msg(s, r, msg, sizeof(msg));
        PQclear(r);
        return err_set(e, ERR_DB, "", "%s", msg);
    }
    /* COMMIT of a transaction that already failed "succeeds" by rolling back. */
    int rolled_back = !strcmp(sql, "COMMIT") && !strcmp(PQcmdStatus(r), "ROLLBACK");
    PQclear(r);
    if (rolled_back)
        return err_set(e, ERR_DB, "", "the transaction failed earlier and was rolled back");
    return 0;
}

/* A URL as it may be shown: without the user and password. */
static void url_shown(const char *url, char *out, size_t size)
{
    const char *at = strrchr(url, '@');
    const char *rest = strstr(url, "://");
    if (at && rest && at > rest)
        snprintf(out, size, "%.*s%s", (int)(rest + 3 - url), url, at + 1);
    else
        snprintf(out, size, "%s", url);
}

static int utf8_ctype(const char *ctype)
{
    size_t n = strlen(ctype);
    return (n >= 6 && !strcasecmp(ctype + n - 6, ".UTF-8")) ||
           (n >= 5 && !strcasecmp(ctype + n - 5, ".utf8"));
}

/* ---- open, migrate, transactions ---------------------------------------------------- */

static void pg_close(store_t *st)
{
    struct pg *s = (struct pg *)st;
    if (!s)
        return;
    db_pg_free(s->base.db);
    PQfinish(s->conn);
    free(s->forward.items);
    free(s->copy_cols);
    free(s);
}

static int pg_check_database(struct pg *s, const char *shown, struct err *e)
{
    static const char sql[] =
        "SELECT current_database(), pg_encoding_to_char(encoding), datctype FROM pg_database "
        "WHERE datname = current_database()";
    PGresult *r = run(s, sql, NULL, "cannot read the database's encoding", e);
    if (!r)
        return -1;
    int rc = 0;
    if (PQntuples(r) != 1) {
        rc = err_set(e, ERR_DB, "db", "cannot read the encoding of database '%s'", shown);
    } else {
        const char *db = PQgetvalue(r, 0, 0), *enc = PQgetvalue(r, 0, 1),
                   *ctype = PQgetvalue(r, 0, 2);
        if (strcmp(enc, "UTF8") != 0 || !utf8_ctype(ctype))
            rc = err_set(e, ERR_DB, "db",
                         "database '%s' has ENCODING '%s', LC_CTYPE '%s': shishi needs "
                         "ENCODING 'UTF8' and a UTF-8 LC_CTYPE (C.UTF-8, zh_CN.UTF-8)",
                         db, enc, ctype);
    }
    PQclear(r);
    return rc;
}

static int head_write(struct pg *s, struct err *e);

static int pg_begin(store_t *st, struct err *e)
{
    struct pg *s = (struct pg *)st;
    if (exec(s, s->base.depth ? "SAVEPOINT nested" : "BEGIN ISOLATION LEVEL READ COMMITTED", e) < 0)
        return -1;
    if (!s->base.depth) {
        s->tx_write = 1;
        s->head_locked = s->head_dirty = 0;
    }
    s->base.depth++;
    return 0;
}

static int pg_begin_read(store_t *st, struct err *e)
{
    struct pg *s = (struct pg *)st;
    /* One snapshot for the whole read, and no row locks: writers go on while we read. */
    if (exec(s, s->base.depth ? "SAVEPOINT nested" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
             e) < 0)
        return -1;
    if (!s->base.depth) {
        s->tx_write = 0;
        s->head_locked = s->head_dirty = 0;
    }
    s->base.depth++;
    return 0;
}

static int pg_commit(store_t *st, struct err *e)
{
    struct pg *s = (struct pg *)st;
    if (s->base.depth <= 0)
        return err_set(e, ERR_DB, "", "commit without a transaction");
    if (s->base.depth == 1 && s->head_dirty && head_write(s, e) < 0)
        return -1;
    if (exec(s, s->base.depth > 1 ? "RELEASE nested" : "COMMIT", e) < 0)
        return -1;
    s->base.depth--;
    if (!s->base.depth)
        s->head_locked = s->head_dirty = 0;
    return 0;
}

static void pg_rollback(store_t *st)
{
    struct pg *s = (struct pg *)st;
    if (s->base.depth <= 0)
        return;
    if (PQstatus(s->conn) != CONNECTION_BAD) {
        if (s->base.depth > 1)
            exec(s, "ROLLBACK TO nested; RELEASE nested", NULL);
        else
            exec(s, "ROLLBACK", NULL);
    }
    s->base.depth--;
    if (!s->base.depth)
        s->head_locked = s->head_dirty = 0;
}

static int migration_number(const char *name)
{
    return (int)strtol(name, NULL, 10);
}

static int pg_schema_version(store_t *st, int *applied, int *known, struct err *e)
{
    struct pg *s = (struct pg *)st;
    *known = 0;
    for (const struct embedded_file *f = embedded_migrations_pg; f->name; f++)
        if (migration_number(f->name) > *known)
            *known = migration_number(f->name);
    *applied = 0;
    static const char sql_has[] = "SELECT to_regclass('schema_migrations') IS NOT NULL";
    static const char sql_max[] = "SELECT coalesce(max(version), 0) FROM schema_migrations";
    PGresult *r = run(s, sql_has, NULL, "cannot read schema version", e);
    if (!r)
        return -1;
    int has = PQntuples(r) == 1 && !strcmp(PQgetvalue(r, 0, 0), "t");
    PQclear(r);
    if (!has)
        return 0;
    /* Not cached: the statement must not outlive a schema it was planned against. */
    r = run_sql(s, sql_max, NULL, 0, "cannot read schema version", e);
    if (!r)
        return -1;
    if (PQntuples(r) == 1)
        *applied = gint(r, 0, 0);
    PQclear(r);
    return 0;
}

static int migrate_locked(struct pg *s, int target, struct err *e)
{
    static const char sql_record[] =
        "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)";
    if (exec(s,
             "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
             "name TEXT NOT NULL, applied_at BIGINT NOT NULL "
             "DEFAULT (extract(epoch FROM now())::bigint))",
             e) < 0)
        return -1;
    int applied, known;
    if (pg_schema_version(&s->base, &applied, &known, e) < 0)
        return -1;
    if (applied > known)
        return err_set(e, ERR_DB, "db",
                       "database schema version %d is newer than this program (%d): upgrade "
                       "shishi",
                       applied, known);
    for (const struct embedded_file *f = embedded_migrations_pg; f->name; f++) {
        int v = migration_number(f->name);
        if (v <= applied || v > target)
            continue;
        if (pg_begin(&s->base, e) < 0)
            return -1;
        if (exec(s, (const char *)f->data, e) < 0) {
            char msg[200];
            snprintf(msg, sizeof(msg), "%s", e ? e->msg : "");
            pg_rollback(&s->base);
            return err_set(e, ERR_DB, "db", "migration %s failed: %s", f->name, msg);
        }
        struct params p = {0};
        p_int(&p, v);
        p_text(&p, f->name);
        PGresult *r = run_sql(s, sql_record, &p, 0, "cannot record migration", e);
        if (!r) {
            pg_rollback(&s->base);
            return -1;
        }
        PQclear(r);
        if (pg_commit(&s->base, e) < 0) {
            pg_rollback(&s->base);
            return -1;
        }
    }
    return 0;
}

static int pg_migrate_to(store_t *st, int target, struct err *e)
{
    struct pg *s = (struct pg *)st;
    /* Several servers may start on one database at once: one of them migrates. */
    if (exec(s, "SELECT pg_advisory_lock(" MIGRATE_LOCK ")", e) < 0)
        return -1;
    int rc = migrate_locked(s, target, e);
    exec(s, "SELECT pg_advisory_unlock(" MIGRATE_LOCK ")", NULL);
    /* Statements planned before the schema changed must not be reused. */
    exec(s, "DEALLOCATE ALL", NULL);
    s->ncache = 0;
    db_pg_forget(s->base.db);
    return rc;
}

static int pg_migrate(store_t *st, struct err *e)
{
    return pg_migrate_to(st, 1 << 30, e);
}

/* Reads the one row `sql` finds by `key` ($1) or, when key is NULL, by `id`;
 * ERR_NOT_FOUND names the `what` asked for. */
static int one_row(struct pg *s, const char *sql, int64_t id, const char *key,
                   void (*read)(const PGresult *r, int row, void *item), void *item,
                   const char *what, struct err *e)
{
    struct params p = {0};
    if (key)
        p_text(&p, key);
    else
        p_int(&p, id);
    char msg[64];
    snprintf(msg, sizeof(msg), "cannot read %s", what);
    PGresult *r = run(s, sql, &p, msg, e);
    if (!r)
        return -1;
    int found = PQntuples(r) > 0;
    if (found)
        read(r, 0, item);
    PQclear(r);
    if (found)
        return 0;
    if (key)
        return err_set(e, ERR_NOT_FOUND, what, "unknown %s '%s'", what, key);
    return err_set(e, ERR_NOT_FOUND, what, "unknown %s id %lld", what, (long long)id);
}

/* ---- appeals -------------------------------------------------------------------------- */

/* The assisting units ride along as a last column, "id,id,..." in the order given. */
#define APPEAL_COLS                                                                                \
    "id, code, title, content, channel_id, coalesce(area_id, 0), kind, urgency, complex, "         \
    "citizen_name, phone, id_number, address, state, coalesce(lead_unit_id, 0), received_at, "     \
    "dispatched_at, sign_deadline, accepted_at, deadline, replied_at, visited_at, closed_at, "     \
    "ext_requested, ext_count, urge_count, supervise_level, redo_count, return_count, "            \
    "coalesce(merged_into, 0), reply_text, visit_solved, visit_satisfaction, evidence_count, "     \
    "version, last_seq, updated_at, contacted_at, "                                                \
    "(SELECT string_agg(au.unit_id::text, ',' ORDER BY au.rowid) FROM appeal_units au "            \
    "WHERE au.appeal_id = appeals.id AND au.role = 'assist')"

static void read_appeal(const PGresult *r, int row, struct appeal *a)
{
    appeal_init(a);
    int i = 0;
    a->id = g64(r, row, i++);
    gcopy(r, row, i++, a->code, sizeof(a->code));
    a->title = gdup(r, row, i++);
    a->content = gdup(r, row, i++);
    a->channel_id = g64(r, row, i++);
    a->area_id = g64(r, row, i++);
    a->kind = gint(r, row, i++);
    a->urgency = gint(r, row, i++);
    a->complex = gint(r, row, i++);
    a->citizen_name = gdup(r, row, i++);
    a->phone = gdup(r, row, i++);
    a->id_number = gdup(r, row, i++);
    a->address = gdup(r, row, i++);
    a->state = gint(r, row, i++);
    a->lead_unit_id = g64(r, row, i++);
    int64_t *times[] = {&a->received_at, &a->dispatched_at, &a->sign_deadline,
                        &a->accepted_at, &a->deadline,      &a->replied_at,
                        &a->visited_at,  &a->closed_at,     &a->ext_requested};
    for (size_t k = 0; k < sizeof(times) / sizeof(times[0]); k++)
        *times[k] = g64(r, row, i++);
    a->ext_count = gint(r, row, i++);
    a->urge_count = gint(r, row, i++);
    a->supervise_level = gint(r, row, i++);
    a->redo_count = gint(r, row, i++);
    a->return_count = gint(r, row, i++);
    a->merged_into = g64(r, row, i++);
    a->reply_text = gdup(r, row, i++);
    a->visit_solved = gint(r, row, i++);
    a->visit_satisfaction = gint(r, row, i++);
    a->evidence_count = gint(r, row, i++);
    a->version = g64(r, row, i++);
    a->last_seq = g64(r, row, i++);
    a->updated_at = g64(r, row, i++);
    a->contacted_at = g64(r, row, i++);
    const char *p = PQgetvalue(r, row, i++);
    a->n_assist = 0;
    while (*p && a->n_assist < APPEAL_MAX_ASSIST) {
        char *end;
        a->assist[a->n_assist++] = strtoll(p, &end, 10);
        p = *end == ',' ? end + 1 : end;
        if (end == p && *p)
            break;
    }
}

/* Adds every mutable column, in APPEAL_COLS order after `code`. */
static void bind_appeal(struct params *p, const struct appeal *a)
{
    p_text(p, a->title);
    p_text(p, a->content);
    p_int(p, a->channel_id);
    p_id(p, a->area_id);
    p_int(p, a->kind);
    p_int(p, a->urgency);
    p_int(p, a->complex);
    p_text(p, a->citizen_name);
    p_text(p, a->phone);
    p_text(p, a->id_number);
    p_text(p, a->address);
    p_int(p, a->state);
    p_id(p, a->lead_unit_id);
    const int64_t times[] = {a->received_at, a->dispatched_at, a->sign_deadline,
                             a->accepted_at, a->deadline,      a->replied_at,
                             a->visited_at,  a->closed_at,     a->ext_requested};
    for (size_t k = 0; k < sizeof(times) / sizeof(times[0]); k++)
        p_int(p, times[k]);
    p_int(p, a->ext_count);
    p_int(p, a->urge_count);
    p_int(p, a->supervise_level);
    p_int(p, a->redo_count);
    p_int(p, a->return_count);
    p_id(p, a->merged_into);
    p_text(p, a->reply_text);
    p_int(p, a->visit_solved);
    p_int(p, a->visit_satisfaction);
    p_int(p, a->evidence_count);
    p_int(p, a->version);
    p_int(p, a->last_seq);
    p_int(p, a->updated_at);
    p_int(p, a->contacted_at);
}

/* Rewrites the appeal's lead and assisting units. */
static int write_units(struct pg *s, const struct appeal *a, struct err *e)
{
    static const char sql_del[] = "DELETE FROM appeal_units WHERE appeal_id = $1";
    static const char sql_add[] =
        "INSERT INTO appeal_units (appeal_id, unit_id, role) VALUES ($1, $2, $3)";
    struct params p = {0};
    p_int(&p, a->id);
    if (run_done(s, sql_del, &p, "cannot update appeal units", e) < 0)
        return -1;
    if (!a->lead_unit_id)
        return 0;
    for (int k = -1; k < a->n_assist; k++) {
        struct params q = {0};
        p_int(&q, a->id);
        p_int(&q, k < 0 ? a->lead_unit_id : a->assist[k]);
        p_text(&q, k < 0 ? "lead" : "assist");
        if (run_done(s, sql_add, &q, "cannot record appeal unit", e) < 0)
            return -1;
    }
    return 0;
}

static int pg_appeal_insert(store_t *st, struct appeal *a, struct err *e)
{
    static const char sql[] =
        "INSERT INTO appeals (code, title, content, channel_id, area_id, kind, urgency, complex, "
        "citizen_name, phone, id_number, address, state, lead_unit_id, received_at, "
        "dispatched_at, sign_deadline, accepted_at, deadline, replied_at, visited_at, closed_at, "
        "ext_requested, ext_count, urge_count, supervise_level, redo_count, return_count, "
        "merged_into, reply_text, visit_solved, visit_satisfaction, evidence_count, version, "
        "last_seq, updated_at, contacted_at) "
        "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,"
        "$23,$24,$25,$26,$27,$28,$29,$30,$31,$32,$33,$34,$35,$36,$37) RETURNING id";
    struct pg *s = (struct pg *)st;
    if (write_allowed(s, e) < 0)
        return -1;
    struct params p = {0};
    p_text(&p, a->code);
    bind_appeal(&p, a);
    PGresult *r = run(s, sql, &p, "cannot insert appeal", e);
    if (!r)
        return -1;
    a->id = g64(r, 0, 0);
    PQclear(r);
    return write_units(s, a, e);
}

static int pg_appeal_update(store_t *st, const struct appeal *a, int64_t expected_version,
                            struct err *e)
{
    static const char sql[] =
        "UPDATE appeals SET title=$1, content=$2, channel_id=$3, area_id=$4, kind=$5, "
        "urgency=$6, complex=$7, citizen_name=$8, phone=$9, id_number=$10, address=$11, "
        "state=$12, lead_unit_id=$13, received_at=$14, dispatched_at=$15, sign_deadline=$16, "
        "accepted_at=$17, deadline=$18, replied_at=$19, visited_at=$20, closed_at=$21, "
        "ext_requested=$22, ext_count=$23, urge_count=$24, supervise_level=$25, redo_count=$26, "
        "return_count=$27, merged_into=$28, reply_text=$29, visit_solved=$30, "
        "visit_satisfaction=$31, evidence_count=$32, version=$33, last_seq=$34, updated_at=$35, "
        "contacted_at=$36 WHERE id = $37 AND version = $38";
    struct pg *s = (struct pg *)st;
    if (write_allowed(s, e) < 0)
        return -1;
    struct params p = {0};
    bind_appeal(&p, a);
    p_int(&p, a->id);
    p_int(&p, expected_version);
    PGresult *r = run(s, sql, &p, "cannot update appeal", e);
    if (!r)
        return -1;
    int changed = !strcmp(PQcmdTuples(r), "1");
    PQclear(r);
    if (!changed)
        return err_set(e, ERR_CONFLICT, "version",
                       "appeal %s was changed by someone else (expected version %lld)", a->code,
                       (long long)expected_version);
    return write_units(s, a, e);
}

static void read_appeal_item(const PGresult *r, int row, void *item)
{
    read_appeal(r, row, item);
}

static int appeal_one(struct pg *s, const char *sql, int64_t id, const char *code, struct appeal *a,
                      struct err *e)
{
    return one_row(s, sql, id, code, read_appeal_item, a, "appeal", e);
}

static int pg_appeal_get(store_t *st, int64_t id, struct appeal *a, struct err *e)
{
    static const char sql[] = "SELECT " APPEAL_COLS " FROM appeals WHERE id = $1";
    return appeal_one((struct pg *)st, sql, id, NULL, a, e);
}

static int pg_appeal_by_code(store_t *st, const char *code, struct appeal *a, struct err *e)
{
    static const char sql[] = "SELECT " APPEAL_COLS " FROM appeals WHERE code = $1";
    return appeal_one((struct pg *)st, sql, 0, code, a, e);
}

/* Builds the WHERE clause of a list query and its parameters, numbered in the same order. */
static void filter_sql(const struct appeal_filter *f, char *where, size_t size, struct params *p)
{
    size_t n = 0;
    n += (size_t)snprintf(where + n, size - n, " WHERE 1=1");
    if (f->state) {
        p_int(p, f->state);
        n += (size_t)snprintf(where + n, size - n, " AND state = $%d", p->n);
    }
    if (f->unit_id) {
        p_int(p, f->unit_id);
        n += (size_t)snprintf(where + n, size - n,
                              " AND id IN (SELECT appeal_id FROM appeal_units WHERE unit_id = $%d)",
                              p->n);
    }
    if (f->scope_unit) {
        p_int(p, f->scope_unit);
        n += (size_t)snprintf(where + n, size - n,
                              " AND id IN (SELECT appeal_id FROM appeal_units WHERE unit_id = $%d)",
                              p->n);
    }
    if (f->lead_under) {
        p_int(p, f->lead_under);
        n += (size_t)snprintf(where + n, size - n,
                              " AND lead_unit_id IN (WITH RECURSIVE sub(id) AS (SELECT "
                              "CAST($%d AS BIGINT) UNION SELECT u.id FROM units u JOIN sub ON "
                              "u.parent_id = sub.id) SELECT id FROM sub)",
                              p->n);
    }
    if (f->area_id) {
        p_int(p, f->area_id);
        n += (size_t)snprintf(where + n, size - n, " AND area_id = $%d", p->n);
    }
    if (f->channel_id) {
        p_int(p, f->channel_id);
        n += (size_t)snprintf(where + n, size - n, " AND channel_id = $%d", p->n);
    }
    if (f->overdue) {
        p_int(p, f->now);
        n += (size_t)snprintf(where + n, size - n,
                              " AND deadline > 0 AND ((replied_at = 0 AND state IN (2, 3, 7) AND "
                              "deadline < $%d) OR replied_at > deadline)",
                              p->n);
    }
    if (f->due_soon) {
        p_int(p, f->now);
        p_int(p, f->now + DUE_SOON_SECONDS);
        n += (size_t)snprintf(where + n, size - n,
                              " AND replied_at = 0 AND state IN (2, 3, 7) AND deadline >= $%d "
                              "AND deadline < $%d",
                              p->n - 1, p->n);
    }
    if (f->ext_pending)
        n += (size_t)snprintf(where + n, size - n, " AND state = 3 AND ext_requested > 0");
    if (f->q && *f->q) {
        p_text(p, f->q);
        n += (size_t)snprintf(where + n, size - n,
                              " AND (strpos(code, $%d) > 0 OR strpos(title, $%d) > 0 OR "
                              "strpos(coalesce(content, ''), $%d) > 0)",
                              p->n, p->n, p->n);
    }
    if (f->from) {
        p_int(p, f->from);
        n += (size_t)snprintf(where + n, size - n, " AND received_at >= $%d", p->n);
    }
    if (f->to) {
        p_int(p, f->to);
        snprintf(where + n, size - n, " AND received_at < $%d", p->n);
    }
}

static int pg_appeal_list(store_t *st, const struct appeal_filter *f, struct appeal_list *out,
                          struct err *e)
{
    static const char *const order[] = {"received_at", "deadline", "code", "state"};
    struct pg *s = (struct pg *)st;
    memset(out, 0, sizeof(*out));
    char where[1600], sql[3400];
    struct params p = {0};
    filter_sql(f, where, sizeof(where), &p);
    int sort = f->sort >= 0 && f->sort <= SORT_STATE ? f->sort : 0;
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM appeals%s", where);
    PGresult *r = run_sql(s, sql, &p, 0, "cannot list appeals", e);
    if (!r)
        return -1;
    if (PQntuples(r) == 1)
        out->total = g64(r, 0, 0);
    PQclear(r);
    snprintf(sql, sizeof(sql),
             "SELECT " APPEAL_COLS " FROM appeals%s ORDER BY %s %s, id %s LIMIT $%d OFFSET $%d",
             where, order[sort], f->desc ? "DESC" : "ASC", f->desc ? "DESC" : "ASC", p.n + 1,
             p.n + 2);
    if (f->limit > 0)
        p_int(&p, f->limit);
    else
        p_text(&p, NULL); /* LIMIT NULL: no limit */
    p_int(&p, f->offset > 0 ? f->offset : 0);
    r = run_sql(s, sql, &p, 0, "cannot list appeals", e);
    if (!r)
        return -1;
    for (int i = 0; i < PQntuples(r); i++) {
        xgrow((void **)&out->items, &out->cap, out->n + 1, sizeof(*out->items));
        read_appeal(r, i, &out->items[out->n++]);
    }
    PQclear(r);
    return 0;
}

#define FACT_COLS                                                                                  \
    "id, code, state, kind, urgency, channel_id, coalesce(area_id, 0), "                           \
    "coalesce(lead_unit_id, 0), received_at, dispatched_at, deadline, sign_deadline, "             \
    "accepted_at, replied_at, visit_solved, visit_satisfaction, urge_count, supervise_level, "    \
    "redo_count, contacted_at"
#define FACT_PAGE                                                                                  \
    " FROM appeals WHERE received_at >= $1 AND received_at < $2 AND (received_at, id) > ($3, $4) " \
    "ORDER BY received_at, id LIMIT 2000"

static int pg_fact_scan(store_t *st, int64_t from, int64_t to, int flags,
                        int (*cb)(const struct appeal_fact *f, void *ctx), void *ctx, struct err *e)
{
    /* In batches, so a long period never sits in memory whole. The batches walk the
     * received_at index by (received_at, id): paging by id alone made every batch scan the
     * whole period again, and a year's report grew with the square of its appeals. */
    static const char sql[] = "SELECT " FACT_COLS FACT_PAGE;
    static const char sql_text[] = "SELECT " FACT_COLS ", title, citizen_name, phone" FACT_PAGE;
    struct pg *s = (struct pg *)st;
    int64_t after_at = from - 1, after = 0;
    for (;;) {
        struct params p = {0};
        p_int(&p, from);
        p_int(&p, to);
        p_int(&p, after_at);
        p_int(&p, after);
        PGresult *r = run(s, flags & FACT_TEXT ? sql_text : sql, &p, "cannot scan appeals", e);
        if (!r)
            return -1;
        int rows = PQntuples(r);
        struct appeal_fact f;
        for (int row = 0; row < rows; row++) {
            memset(&f, 0, sizeof(f));
            int i = 0;
            f.id = g64(r, row, i++);
            gcopy(r, row, i++, f.code, sizeof(f.code));
            f.state = gint(r, row, i++);
            f.kind = gint(r, row, i++);
            f.urgency = gint(r, row, i++);
            f.channel_id = g64(r, row, i++);
            f.area_id = g64(r, row, i++);
            f.lead_unit_id = g64(r, row, i++);
            f.received_at = g64(r, row, i++);
            f.dispatched_at = g64(r, row, i++);
            f.deadline = g64(r, row, i++);
            f.sign_deadline = g64(r, row, i++);
            f.accepted_at = g64(r, row, i++);
            f.replied_at = g64(r, row, i++);
            f.visit_solved = gint(r, row, i++);
            f.visit_satisfaction = gint(r, row, i++);
            f.urge_count = gint(r, row, i++);
            f.supervise_level = gint(r, row, i++);
            f.redo_count = gint(r, row, i++);
            f.contacted_at = g64(r, row, i++);
            if (flags & FACT_TEXT) {
                f.title = PQgetvalue(r, row, i++);
                f.citizen_name = PQgetvalue(r, row, i++);
                f.phone = PQgetvalue(r, row, i++);
            }
            after_at = f.received_at;
            after = f.id;
            if (cb(&f, ctx)) {
                PQclear(r);
                return 0;
            }
        }
        PQclear(r);
        if (rows < SCAN_BATCH)
            return 0;
    }
}

/* ---- events ---------------------------------------------------------------------------- */

/* Locks the chain_head row for the rest of this write transaction and remembers it. */
static int head_lock(struct pg *s, struct err *e)
{
    static const char sql[] = "SELECT last_id, hash FROM chain_head WHERE one = 1 FOR UPDATE";
    PGresult *r = run(s, sql, NULL, "cannot read the chain head", e);
    if (!r)
        return -1;
    int ok = PQntuples(r) == 1;
    if (ok) {
        s->head_id = g64(r, 0, 0);
        gcopy(r, 0, 1, s->head_hash, sizeof(s->head_hash));
        s->head_locked = 1;
    }
    PQclear(r);
    if (!ok)
        return err_set(e, ERR_DB, "", "cannot read the chain head: no chain_head row");
    return 0;
}

/* Moves the locked chain_head row to the last event this transaction appended (none left
 * if savepoints undid them all: then nothing changes). */
static int head_write(struct pg *s, struct err *e)
{
    static const char sql[] =
        "UPDATE chain_head SET last_id = l.id, hash = l.hash, count = chain_head.count + "
        "(SELECT count(*) FROM events WHERE id > $1) "
        "FROM (SELECT id, hash FROM events WHERE id > $1 ORDER BY id DESC LIMIT 1) l "
        "WHERE one = 1";
    struct params p = {0};
    p_int(&p, s->head_id);
    if (run_done(s, sql, &p, "cannot move the chain head", e) < 0)
        return -1;
    s->head_dirty = 0;
    return 0;
}

static int pg_chain_head(store_t *st, int64_t *last_id, char hash[65], struct err *e)
{
    static const char sql[] = "SELECT last_id, hash FROM chain_head WHERE one = 1";
    static const char sql_own[] =
        "SELECT id, hash FROM events WHERE id > $1 ORDER BY id DESC LIMIT 1";
    struct pg *s = (struct pg *)st;
    if (s->base.depth > 0 && s->tx_write) {
        /* The lock is held to commit: whoever reads the head to append after it appends
         * next. Past the locked head, the chain goes on with this transaction's own events
         * (savepoints that rolled back took theirs with them). */
        if (!s->head_locked) {
            if (head_lock(s, e) < 0)
                return -1;
            *last_id = s->head_id;
            snprintf(hash, 65, "%s", s->head_hash);
            return 0;
        }
        struct params p = {0};
        p_int(&p, s->head_id);
        PGresult *r = run(s, sql_own, &p, "cannot read the chain head", e);
        if (!r)
            return -1;
        if (PQntuples(r) == 1) {
            *last_id = g64(r, 0, 0);
            gcopy(r, 0, 1, hash, 65);
        } else {
            *last_id = s->head_id;
            snprintf(hash, 65, "%s", s->head_hash);
        }
        PQclear(r);
        return 0;
    }
    PGresult *r = run(s, sql, NULL, "cannot read the chain head", e);
    if (!r)
        return -1;
    int ok = PQntuples(r) == 1;
    if (ok) {
        *last_id = g64(r, 0, 0);
        gcopy(r, 0, 1, hash, 65);
    }
    PQclear(r);
    if (!ok)
        return err_set(e, ERR_DB, "", "cannot read the chain head: no chain_head row");
    return 0;
}

static int pg_event_append(store_t *st, const struct event *ev, struct err *e)
{
    static const char sql[] =
        "INSERT INTO events (id, appeal_id, seq, at, actor_id, actor, action, from_state, "
        "to_state, details, prev_hash, hash, row_digest, subject, subject_id) "
        "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)";
    static const char sql_head[] =
        "UPDATE chain_head SET last_id = $1, hash = $2, count = count + 1 WHERE one = 1";
    struct pg *s = (struct pg *)st;
    if (write_allowed(s, e) < 0)
        return -1;
    int in_tx = s->base.depth > 0 && s->tx_write;
    if (in_tx && !s->head_locked && head_lock(s, e) < 0)
        return -1;
    struct params p = {0};
    p_int(&p, ev->id);
    p_id(&p, ev->subject[0] ? 0 : ev->appeal_id);
    p_int(&p, ev->seq);
    p_int(&p, ev->at);
    p_int(&p, ev->actor_id);
    p_text(&p, ev->actor);
    p_text(&p, ev->action);
    p_int(&p, ev->from_state);
    p_int(&p, ev->to_state);
    p_text(&p, ev->details ? ev->details : "{}");
    p_text(&p, ev->prev_hash);
    p_text(&p, ev->hash);
    p_text(&p, ev->row_digest);
    p_text(&p, ev->subject);
    p_id(&p, ev->subject[0] ? ev->subject_id : 0);
    if (run_done(s, sql, &p, "cannot append event", e) < 0)
        return -1;
    if (in_tx) {
        s->head_dirty = 1; /* written at commit */
        return 0;
    }
    struct params h = {0};
    p_int(&h, ev->id);
    p_text(&h, ev->hash);
    return run_done(s, sql_head, &h, "cannot move the chain head", e);
}

#define EVENT_COLS                                                                                 \
    "id, appeal_id, seq, at, actor_id, actor, action, from_state, to_state, details, "             \
    "prev_hash, hash, row_digest, subject, subject_id"

/* With copy_details 0, ev->details is borrowed from `r`. */
static void read_event(const PGresult *r, int row, struct event *ev, int copy_details)
{
    memset(ev, 0, sizeof(*ev));
    ev->id = g64(r, row, 0);
    ev->appeal_id = g64(r, row, 1);
    ev->seq = g64(r, row, 2);
    ev->at = g64(r, row, 3);
    ev->actor_id = g64(r, row, 4);
    gcopy(r, row, 5, ev->actor, sizeof(ev->actor));
    gcopy(r, row, 6, ev->action, sizeof(ev->action));
    ev->from_state = gint(r, row, 7);
    ev->to_state = gint(r, row, 8);
    ev->details = copy_details ? gdup(r, row, 9) : PQgetvalue(r, row, 9);
    gcopy(r, row, 10, ev->prev_hash, sizeof(ev->prev_hash));
    gcopy(r, row, 11, ev->hash, sizeof(ev->hash));
    gcopy(r, row, 12, ev->row_digest, sizeof(ev->row_digest));
    gcopy(r, row, 13, ev->subject, sizeof(ev->subject));
    ev->subject_id = PQgetisnull(r, row, 14) ? 0 : g64(r, row, 14);
}

static int pg_events_of(store_t *st, const char *subject, int64_t id, struct event_list *out,
                        struct err *e)
{
    static const char sql[] = "SELECT " EVENT_COLS " FROM events WHERE appeal_id = $1 ORDER BY seq";
    static const char sql_subject[] =
        "SELECT " EVENT_COLS " FROM events WHERE subject = $1 AND subject_id = $2 ORDER BY seq";
    memset(out, 0, sizeof(*out));
    struct params p = {0};
    if (subject[0])
        p_text(&p, subject);
    p_int(&p, id);
    PGresult *r = run((struct pg *)st, subject[0] ? sql_subject : sql, &p, "cannot read history", e);
    if (!r)
        return -1;
    for (int i = 0; i < PQntuples(r); i++) {
        xgrow((void **)&out->items, &out->cap, out->n + 1, sizeof(*out->items));
        read_event(r, i, &out->items[out->n++], 1);
    }
    PQclear(r);
    return 0;
}

static int pg_event_scan(store_t *st, int (*cb)(const struct event *ev, void *ctx), void *ctx,
                         struct err *e)
{
    static const char sql[] =
        "SELECT " EVENT_COLS " FROM events WHERE id > $1 ORDER BY id LIMIT 2000";
    struct pg *s = (struct pg *)st;
    int64_t after = -1; /* INT64_MIN would do; ids start at 1 */
    for (;;) {
        struct params p = {0};
        p_int(&p, after);
        PGresult *r = run(s, sql, &p, "cannot scan events", e);
        if (!r)
            return -1;
        int rows = PQntuples(r);
        struct event ev;
        for (int i = 0; i < rows; i++) {
            read_event(r, i, &ev, 0); /* details borrowed from the result for the callback */
            after = ev.id;
            if (cb(&ev, ctx)) {
                PQclear(r);
                return 0;
            }
        }
        PQclear(r);
        if (rows < SCAN_BATCH)
            return 0;
    }
}

static int pg_appeal_scan(store_t *st, int (*cb)(const struct appeal *a, void *ctx), void *ctx,
                          struct err *e)
{
    static const char sql[] =
        "SELECT " APPEAL_COLS " FROM appeals WHERE id > $1 ORDER BY id LIMIT 2000";
    struct pg *s = (struct pg *)st;
    int64_t after = -1;
    for (;;) {
        struct params p = {0};
        p_int(&p, after);
        PGresult *r = run(s, sql, &p, "cannot scan appeals", e);
        if (!r)
            return -1;
        int rows = PQntuples(r);
        struct appeal a;
        for (int i = 0; i < rows; i++) {
            read_appeal(r, i, &a);
            after = a.id;
            int stop = cb(&a, ctx);
            appeal_release(&a);
            if (stop) {
                PQclear(r);
                return 0;
            }
        }
        PQclear(r);
        if (rows < SCAN_BATCH)
            return 0;
    }
}

/* ---- whole-site copy: generic rows ------------------------------------------------------ */

/* A table's columns as the database lists them, less identities it always generates itself
 * (appeal_units.rowid: they follow insertion order). */
struct cols {
    int n;
    char name[ROW_MAX_COLS][64];
    int is_int[ROW_MAX_COLS];
    char order_by[64]; /* the always-generated identity, if any: the insertion order */
    char table[32];    /* whose columns these are (set by the caller that caches them) */
};

static int table_cols(struct pg *s, const char *table, struct cols *c, struct err *e)
{
    static const char sql[] =
        "SELECT column_name, data_type IN ('bigint', 'integer', 'smallint'), "
        "coalesce(identity_generation, '') = 'ALWAYS' FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position";
    memset(c, 0, sizeof(*c));
    struct params p = {0};
    p_text(&p, table);
    PGresult *r = run(s, sql, &p, "cannot read the table's columns", e);
    if (!r)
        return -1;
    int rc = 0;
    for (int i = 0; i < PQntuples(r); i++) {
        if (!strcmp(PQgetvalue(r, i, 2), "t")) {
            gcopy(r, i, 0, c->order_by, sizeof(c->order_by));
            continue;
        }
        if (c->n >= ROW_MAX_COLS) {
            rc = err_set(e, ERR_DB, "", "table '%s' has more than %d columns", table,
                         ROW_MAX_COLS);
            break;
        }
        gcopy(r, i, 0, c->name[c->n], sizeof(c->name[0]));
        c->is_int[c->n] = !strcmp(PQgetvalue(r, i, 1), "t");
        c->n++;
    }
    if (!rc && c->n == 0)
        rc = err_set(e, ERR_DB, "", "table '%s' not found", table);
    PQclear(r);
    return rc;
}

/* Identifiers are quoted, so the reserved "window" is a column like any other. Names come
 * from store.c's list of tables and from the database's own catalogue. */
static void append_ident(char *sql, size_t size, const char *name)
{
    size_t n = strlen(sql);
    snprintf(sql + n, size > n ? size - n : 0, "\"%s\"", name);
}

static void append(char *sql, size_t size, const char *text)
{
    size_t n = strlen(sql);
    snprintf(sql + n, size > n ? size - n : 0, "%s", text);
}

static int pg_rows_scan(store_t *st, const char *table,
                        int (*cb)(const struct row *r, void *ctx), void *ctx, struct err *e)
{
    struct pg *s = (struct pg *)st;
    if (s->base.depth == 0)
        return err_set(e, ERR_DB, "", "scanning '%s' needs a transaction", table);
    struct cols c;
    if (table_cols(s, table, &c, e) < 0)
        return -1;
    char sql[4096] = "DECLARE rows_scan NO SCROLL CURSOR FOR SELECT ";
    for (int i = 0; i < c.n; i++) {
        if (i)
            append(sql, sizeof(sql), ", ");
        append_ident(sql, sizeof(sql), c.name[i]);
    }
    append(sql, sizeof(sql), " FROM ");
    append_ident(sql, sizeof(sql), table);
    append(sql, sizeof(sql), " ORDER BY ");
    if (c.order_by[0])
        append_ident(sql, sizeof(sql), c.order_by);
    else
        append(sql, sizeof(sql), "1");
    if (strlen(sql) >= sizeof(sql) - 1)
        return err_set(e, ERR_DB, "", "cannot read '%s': too many columns", table);
    PGresult *r = run_sql(s, sql, NULL, 0, "cannot read the table", e);
    if (!r)
        return -1;
    PQclear(r);
    struct row row = {.n = c.n};
    for (int i = 0; i < c.n; i++)
        row.name[i] = c.name[i];
    int rc = -1, stop = 0;
    while (!stop) {
        r = run_sql(s, "FETCH 1000 FROM rows_scan", NULL, 0, "cannot read the table", e);
        if (!r)
            goto out;
        int n = PQntuples(r);
        for (int k = 0; k < n && !stop; k++) {
            for (int i = 0; i < c.n; i++) {
                struct value *v = &row.v[i];
                memset(v, 0, sizeof(*v));
                if (PQgetisnull(r, k, i)) {
                    v->type = VAL_NULL;
                } else if (c.is_int[i]) {
                    v->type = VAL_INT;
                    v->i = g64(r, k, i);
                } else {
                    v->type = VAL_TEXT;
                    v->s = PQgetvalue(r, k, i);
                }
            }
            stop = cb(&row, ctx) != 0;
        }
        PQclear(r);
        if (n == 0)
            break;
    }
    rc = 0;
out:
    if (PQstatus(s->conn) != CONNECTION_BAD)
        exec(s, "CLOSE rows_scan", rc == 0 ? e : NULL);
    return rc;
}

/* PostgreSQL checks a foreign key row by row unless it was declared DEFERRABLE, and ours
 * are not: references within one table (a unit's parent, the appeal a merged appeal joined)
 * may point forward, so they are inserted empty and filled in by pg_copy_finish(). */
static const struct {
    const char *table, *column;
} self_refs[] = {{"units", "parent_id"}, {"appeals", "merged_into"}, {"projects", "parent_id"}};

struct forward_ref {
    int ref;          /* index into self_refs */
    int64_t id, value;
};

static int pg_copy_begin(store_t *st, struct err *e)
{
    struct pg *s = (struct pg *)st;
    (void)e;
    free(s->forward.items);
    memset(&s->forward, 0, sizeof(s->forward));
    if (s->copy_cols)
        s->copy_cols->table[0] = 0;
    return 0;
}

static int pg_row_insert(store_t *st, const char *table, const struct row *r, struct err *e)
{
    struct pg *s = (struct pg *)st;
    if (write_allowed(s, e) < 0)
        return -1;
    if (!s->copy_cols)
        s->copy_cols = xcalloc(1, sizeof(*s->copy_cols));
    if (strcmp(s->copy_cols->table, table) != 0) {
        if (table_cols(s, table, s->copy_cols, e) < 0)
            return -1;
        snprintf(s->copy_cols->table, sizeof(s->copy_cols->table), "%s", table);
    }
    const struct cols c = *s->copy_cols;
    char sql[4096] = "INSERT INTO ";
    append_ident(sql, sizeof(sql), table);
    append(sql, sizeof(sql), " (");
    struct params p = {0};
    int64_t id = 0;
    int has_id = 0;
    for (int i = 0; i < r->n && i < ROW_MAX_COLS; i++)
        if (!strcmp(r->name[i], "id") && r->v[i].type == VAL_INT) {
            id = r->v[i].i;
            has_id = 1;
        }
    for (int i = 0; i < r->n && i < ROW_MAX_COLS; i++) {
        int k = 0;
        while (k < c.n && strcmp(c.name[k], r->name[i]) != 0)
            k++;
        if (k == c.n)
            continue;
        if (p.n >= MAX_PARAMS)
            return err_set(e, ERR_DB, "", "cannot copy into '%s': too many columns", table);
        const struct value *v = &r->v[i];
        int deferred = 0;
        for (size_t f = 0; f < sizeof(self_refs) / sizeof(self_refs[0]); f++)
            if (has_id && v->type == VAL_INT && !strcmp(self_refs[f].table, table) &&
                !strcmp(self_refs[f].column, r->name[i])) {
                if (s->forward.n == s->forward.cap) {
                    s->forward.cap = s->forward.cap ? s->forward.cap * 2 : 64;
                    s->forward.items =
                        xrealloc(s->forward.items, s->forward.cap * sizeof(*s->forward.items));
                }
                s->forward.items[s->forward.n++] = (struct forward_ref){(int)f, id, v->i};
                deferred = 1;
            }
        if (p.n)
            append(sql, sizeof(sql), ", ");
        append_ident(sql, sizeof(sql), r->name[i]);
        if (deferred || v->type == VAL_NULL)
            p_text(&p, NULL);
        else if (v->type == VAL_INT)
            p_int(&p, v->i);
        else
            p_text(&p, v->s);
    }
    append(sql, sizeof(sql), ") VALUES (");
    for (int k = 0; k < p.n; k++) {
        char ph[16];
        snprintf(ph, sizeof(ph), "%s$%d", k ? ", " : "", k + 1);
        append(sql, sizeof(sql), ph);
    }
    append(sql, sizeof(sql), ")");
    if (strlen(sql) >= sizeof(sql) - 1)
        return err_set(e, ERR_DB, "", "cannot copy into '%s': too many columns", table);
    char what[64];
    snprintf(what, sizeof(what), "cannot copy a row into '%s'", table);
    PGresult *res = run_sql(s, sql, &p, 0, what, e);
    if (!res)
        return -1;
    PQclear(res);
    return 0;
}

/* ---- records: rows by column name (store_rec_*) ---------------------------------------- */

/* Table and column names were checked by store.c (known table, plain identifiers). */
static int pg_copy_finish(store_t *st, struct err *e)
{
    /* Identities generated BY DEFAULT took none of the copied ids: move each past them. */
    static const char sql_seq[] =
        "DO $$ DECLARE c record; BEGIN "
        "FOR c IN SELECT table_name AS t, column_name AS n FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND identity_generation = 'BY DEFAULT' LOOP "
        "EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, %L), m) "
        "FROM (SELECT max(%I) AS m FROM %I) x WHERE m IS NOT NULL', "
        "quote_ident(c.t), c.n, c.n, c.t); "
        "END LOOP; END $$";
    struct pg *s = (struct pg *)st;
    int rc = -1;
    for (size_t i = 0; i < s->forward.n; i++) {
        const struct forward_ref *f = &s->forward.items[i];
        char sql[160] = "UPDATE ";
        append_ident(sql, sizeof(sql), self_refs[f->ref].table);
        append(sql, sizeof(sql), " SET ");
        append_ident(sql, sizeof(sql), self_refs[f->ref].column);
        append(sql, sizeof(sql), " = $1 WHERE id = $2");
        struct params p = {0};
        p_int(&p, f->value);
        p_int(&p, f->id);
        PGresult *r = run_sql(s, sql, &p, 0, "cannot copy a reference", e);
        if (!r)
            goto out;
        PQclear(r);
    }
    if (exec(s, sql_seq, e) < 0)
        goto out;
    rc = 0;
out:
    free(s->forward.items);
    memset(&s->forward, 0, sizeof(s->forward));
    if (s->copy_cols)
        s->copy_cols->table[0] = 0;
    return rc;
}

/* ---- the backend table ------------------------------------------------------------------ */

static const struct store_ops pg_ops = {
    .close = pg_close,
    .migrate = pg_migrate,
    .migrate_to = pg_migrate_to,
    .schema_version = pg_schema_version,
    .begin = pg_begin,
    .begin_read = pg_begin_read,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .appeal_insert = pg_appeal_insert,
    .appeal_update = pg_appeal_update,
    .appeal_get = pg_appeal_get,
    .appeal_by_code = pg_appeal_by_code,
    .appeal_list = pg_appeal_list,
    .fact_scan = pg_fact_scan,
    .chain_head = pg_chain_head,
    .event_append = pg_event_append,
    .events_of = pg_events_of,
    .event_scan = pg_event_scan,
    .appeal_scan = pg_appeal_scan,
    .rows_scan = pg_rows_scan,
    .copy_begin = pg_copy_begin,
    .row_insert = pg_row_insert,
    .copy_finish = pg_copy_finish,
};

int pg_store_open(store_t **out, const char *url, struct err *e)
{
    *out = NULL;
    char shown[256];
    url_shown(url, shown, sizeof(shown));
    struct pg *s = xcalloc(1, sizeof(*s));
    s->base.ops = &pg_ops;
    s->conn = PQconnectdb(url);
    s->base.db = db_pg_new(s->conn, &s->base);
    char msg[160];
    if (!s->conn || PQstatus(s->conn) != CONNECTION_OK) {
        if (s->conn)
            server_msg(s, NULL, msg, sizeof(msg));
        else
            snprintf(msg, sizeof(msg), "out of memory");
        pg_close(&s->base);
        return err_set(e, ERR_DB, "db", "cannot open database '%s': %s", shown, msg);
    }
    if (session_setup(s, msg, sizeof(msg)) < 0) {
        pg_close(&s->base);
        return err_set(e, ERR_DB, "db", "cannot use database '%s': %s", shown, msg);
    }
    if (pg_check_database(s, shown, e) < 0) {
        pg_close(&s->base);
        return -1;
    }
    *out = &s->base;
    return 0;
}
