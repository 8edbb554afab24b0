/* db_pg.c -- the PostgreSQL driver of db.h (libpq). Statements are prepared once per
 * session under a name of their own, with `?` rewritten to `$1, $2, ...` at that moment;
 * values travel as text and come back as text. A statement runs at its first db_step() and
 * its rows are then read from the one result (DB_CURSOR: from a cursor, a page at a time).
 *
 * Write transactions run READ COMMITTED; a read-only one is a REPEATABLE READ READ ONLY
 * snapshot. A lost connection fails the running call with ERR_DB; inside a transaction
 * every call fails until the caller rolls back to depth 0, and the next call then tries
 * PQreset() once. Invariant: every libpq type of the program lives here. */
#include "store/db_driver.h"

#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/embedded.h"
#include "util/xalloc.h"

#include "util/banned.h"

#define STMT_CACHE 96
#define MAX_PARAMS (ROW_MAX_COLS + 1) /* a record update: every column and the id */
#define CURSOR_PAGE "1000"
#define MIGRATE_LOCK "7411744117" /* pg_advisory_lock key: one migrator at a time */

struct pstmt {
    struct db_stmt base; /* first */
    const char *sql;     /* cache key: static SQL strings by address */
    char name[16];
    int flags;
    int declared; /* DB_CURSOR: the cursor is open */
    int n;        /* parameters bound (highest position) */
    const char *v[MAX_PARAMS];
    char num[MAX_PARAMS][24];
    char *text;  /* not cached: the SQL with $n, run unprepared */
    PGresult *r; /* after the first step */
    int row;
};

struct pdb {
    struct db base; /* first */
    PGconn *conn;
    struct pstmt cache[STMT_CACHE];
    int ncache, nprepared;
};

#define PQ_(q) ((struct pstmt *)(q))
#define PD(d) ((struct pdb *)(d))

/* After a reconnect or a migration: none of the cached statements may be used again. */
static void forget(struct pdb *d)
{
    for (int i = 0; i < d->ncache; i++)
        PQclear(d->cache[i].r);
    d->ncache = 0;
    d->nprepared = 0;
}

static void pg_close(struct db *base)
{
    struct pdb *d = PD(base);
    forget(d);
    PQfinish(d->conn);
    free(d);
}

/* The server's message without libpq's "ERROR:  " prefix and line breaks. */
static void server_msg(struct pdb *d, const PGresult *r, char *out, size_t size)
{
    const char *m = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!m || !*m)
        m = PQerrorMessage(d->conn);
    snprintf(out, size, "%s", m && *m ? m : "unknown error");
    size_t n = strlen(out);
    while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' '))
        out[--n] = 0;
    for (char *c = out; *c; c++)
        if (*c == '\n' || *c == '\t')
            *c = ' ';
}

/* Integrity constraints (SQLSTATE class 23) are ERR_CONFLICT, as SQLITE_CONSTRAINT is. */
static int fail(struct pdb *d, PGresult *r, const char *what, struct err *e)
{
    char msg[160];
    server_msg(d, r, msg, sizeof(msg));
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    if (PQstatus(d->conn) == CONNECTION_BAD)
        err_set(e, ERR_DB, "db", "%s: the connection to the database was lost: %s", what, msg);
    else if (state && !strncmp(state, "23", 2))
        err_set(e, ERR_CONFLICT, "", "%s: %s", what, msg);
    else
        err_set(e, ERR_DB, "", "%s: %s", what, msg);
    PQclear(r);
    return -1;
}

static void quiet_notices(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* What the session needs on every (re)connect. */
static int session_setup(struct pdb *d, char *msg, size_t size)
{
    PQsetNoticeProcessor(d->conn, quiet_notices, NULL);
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
    PGresult *r = PQexec(d->conn, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        server_msg(d, r, msg, size);
    PQclear(r);
    forget(d);
    return ok ? 0 : -1;
}

/* Before talking to the server: a lost connection is reset once, at depth 0 only, since a
 * transaction does not survive its connection. */
static int alive(struct pdb *d, struct err *e)
{
    /* A connection the server dropped while we were idle (a restart, a terminated backend)
     * says so: its socket is readable though nothing was asked. Reading it marks it bad, so
     * it is reset here instead of failing the statement about to be sent on it. */
    for (int i = 0; i < 3 && d->base.depth == 0 && PQstatus(d->conn) == CONNECTION_OK; i++) {
        struct pollfd p = {.fd = PQsocket(d->conn), .events = POLLIN};
        if (poll(&p, 1, 0) <= 0)
            break;
        PQconsumeInput(d->conn); /* the FATAL message first, then the end of the stream */
    }
    if (PQstatus(d->conn) != CONNECTION_BAD)
        return 0;
    if (d->base.depth > 0)
        return err_set(e, ERR_DB, "db",
                       "the connection to the database was lost inside a transaction");
    PQreset(d->conn);
    char msg[160];
    if (PQstatus(d->conn) != CONNECTION_OK) {
        server_msg(d, NULL, msg, sizeof(msg));
        return err_set(e, ERR_DB, "db", "the connection to the database was lost: %s", msg);
    }
    if (session_setup(d, msg, sizeof(msg)) < 0)
        return err_set(e, ERR_DB, "db", "cannot set up the database session: %s", msg);
    return 0;
}

static int pg_exec(struct db *base, const char *sql, struct err *e)
{
    struct pdb *d = PD(base);
    if (alive(d, e) < 0)
        return -1;
    PGresult *r = PQexec(d->conn, sql);
    /* A connection the server dropped while idle (a restart) is only noticed when used: a
     * BEGIN at depth 0 has done nothing yet, so it reconnects and tries once more. */
    if (PQresultStatus(r) == PGRES_FATAL_ERROR && PQstatus(d->conn) == CONNECTION_BAD &&
        d->base.depth == 0 && !strncmp(sql, "BEGIN", 5)) {
        PQclear(r);
        if (alive(d, e) < 0)
            return -1;
        r = PQexec(d->conn, sql);
    }
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
        char msg[160];
        server_msg(d, r, msg, sizeof(msg));
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

static int pg_migrating(struct db *base, int start, struct err *e)
{
    /* Several servers may start on one database at once: one of them migrates. */
    if (start)
        return pg_exec(base, "SELECT pg_advisory_lock(" MIGRATE_LOCK ")", e);
    pg_exec(base, "SELECT pg_advisory_unlock(" MIGRATE_LOCK ")", NULL);
    /* Statements planned before the schema changed must not be reused. */
    pg_exec(base, "DEALLOCATE ALL", NULL);
    forget(PD(base));
    return 0;
}

/* `?` outside quotes becomes $1, $2, ... */
static void dollars(const char *sql, struct buf *b)
{
    int n = 0;
    char quote = 0;
    for (const char *c = sql; *c; c++) {
        if (quote) {
            if (*c == quote)
                quote = 0;
        } else if (*c == '\'' || *c == '"') {
            quote = *c;
        } else if (*c == '?') {
            buf_addf(b, "$%d", ++n);
            continue;
        }
        buf_addc(b, *c);
    }
}

static struct db_stmt *pg_prep(struct db *base, const char *sql, int flags, struct err *e)
{
    struct pdb *d = PD(base);
    if (alive(d, e) < 0)
        return NULL;
    struct pstmt *q = NULL;
    int once = flags & (DB_ONCE | DB_OWN | DB_CURSOR);
    for (int i = 0; i < d->ncache && !q && !once; i++)
        if (d->cache[i].sql == sql)
            q = &d->cache[i];
    if (!q && d->ncache < STMT_CACHE && !once) {
        q = &d->cache[d->ncache];
        *q = (struct pstmt){.base = {base}, .sql = sql};
        snprintf(q->name, sizeof(q->name), "d%d", d->nprepared++);
        struct buf b = BUF_INIT;
        dollars(sql, &b);
        PGresult *r = PQprepare(d->conn, q->name, b.ptr, 0, NULL);
        buf_release(&b);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            fail(d, r, "cannot prepare statement", e);
            return NULL;
        }
        PQclear(r);
        d->ncache++;
    }
    if (!q) { /* built at run time, or the cache is full: its own */
        q = xcalloc(1, sizeof(*q));
        *q = (struct pstmt){.base = {base}, .sql = sql};
        struct buf b = BUF_INIT;
        if (flags & DB_CURSOR)
            buf_adds(&b, "DECLARE db_cursor NO SCROLL CURSOR FOR ");
        dollars(sql, &b);
        q->text = buf_detach(&b, NULL);
    }
    PQclear(q->r);
    q->r = NULL;
    q->n = 0;
    q->row = -1;
    q->flags = flags;
    return &q->base;
}

static void slot(struct pstmt *q, int i, const char *v)
{
    if (i < 1 || i > MAX_PARAMS)
        abort(); /* a programming error: statements are static */
    q->v[i - 1] = v;
    if (i > q->n)
        q->n = i;
}

static void pg_bind_int(struct db_stmt *base, int i, int64_t v)
{
    struct pstmt *q = PQ_(base);
    if (i < 1 || i > MAX_PARAMS)
        abort();
    snprintf(q->num[i - 1], sizeof(q->num[0]), "%lld", (long long)v);
    slot(q, i, q->num[i - 1]);
}

static void pg_bind_text(struct db_stmt *q, int i, const char *s)
{
    slot(PQ_(q), i, s);
}

static int quiet_exec(struct pdb *d, const char *sql)
{
    PGresult *r = PQexec(d->conn, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok ? 0 : -1;
}

static void pg_free(struct db_stmt *base)
{
    struct pstmt *q = PQ_(base);
    PQclear(q->r);
    free(q->text);
    free(q);
}

static void pg_done(struct db_stmt *base)
{
    struct pstmt *q = PQ_(base);
    struct pdb *d = PD(base->d);
    PQclear(q->r);
    q->r = NULL;
    q->n = 0;
    if (q->declared && PQstatus(d->conn) != CONNECTION_BAD)
        quiet_exec(d, "CLOSE db_cursor");
    q->declared = 0;
    if (q->text && !(q->flags & DB_OWN))
        pg_free(base);
}

/* DB_CURSOR: the next page of rows into q->r. */
static int fetch(struct pstmt *q, const char *what, struct err *e)
{
    struct pdb *d = PD(q->base.d);
    PQclear(q->r);
    q->r = PQexec(d->conn, "FETCH " CURSOR_PAGE " FROM db_cursor");
    q->row = -1;
    if (PQresultStatus(q->r) == PGRES_TUPLES_OK)
        return 0;
    fail(d, q->r, what, e);
    q->r = NULL;
    pg_done(&q->base);
    return -1;
}

static int pg_step(struct db_stmt *base, const char *what, struct err *e)
{
    struct pstmt *q = PQ_(base);
    if (q->declared) {
        if (q->row + 1 >= PQntuples(q->r) && PQntuples(q->r) > 0 && fetch(q, what, e) < 0)
            return -1;
        return ++q->row < PQntuples(q->r) ? 1 : 0;
    }
    if (!q->r) {
        struct pdb *d = PD(base->d);
        if ((q->flags & DB_CURSOR) && d->base.depth == 0) {
            err_set(e, ERR_DB, "", "%s: a scan by cursor needs a transaction", what);
            pg_done(base);
            return -1;
        }
        int guard = (q->flags & DB_MAY_FAIL) && d->base.depth > 0;
        if (guard && quiet_exec(d, "SAVEPOINT guard") < 0) {
            fail(d, NULL, what, e);
            pg_done(base);
            return -1;
        }
        PGresult *r = q->text
                          ? PQexecParams(d->conn, q->text, q->n, NULL, q->v, NULL, NULL, 0)
                          : PQexecPrepared(d->conn, q->name, q->n, q->v, NULL, NULL, 0);
        ExecStatusType rs = PQresultStatus(r);
        int ok = rs == PGRES_COMMAND_OK || rs == PGRES_TUPLES_OK;
        if (guard)
            quiet_exec(d, ok ? "RELEASE guard" : "ROLLBACK TO guard; RELEASE guard");
        if (!ok) {
            fail(d, r, what, e);
            pg_done(base);
            return -1;
        }
        q->r = r;
        q->row = -1;
        if (q->flags & DB_CURSOR) {
            q->declared = 1;
            if (fetch(q, what, e) < 0)
                return -1;
        }
    }
    return ++q->row < PQntuples(q->r) ? 1 : 0;
}

static int pg_col_null(struct db_stmt *base, int col)
{
    struct pstmt *q = PQ_(base);
    return PQgetisnull(q->r, q->row, col);
}

static int64_t pg_col_int(struct db_stmt *base, int col)
{
    struct pstmt *q = PQ_(base);
    return strtoll(PQgetvalue(q->r, q->row, col), NULL, 10);
}

static void pg_col_ints(struct db_stmt *base, int col, int n, int64_t *out)
{
    struct pstmt *q = PQ_(base);
    for (int i = 0; i < n; i++)
        out[i] = strtoll(PQgetvalue(q->r, q->row, col + i), NULL, 10);
}

static const char *pg_col_text(struct db_stmt *base, int col)
{
    struct pstmt *q = PQ_(base);
    return PQgetvalue(q->r, q->row, col);
}


static int pg_col_count(struct db_stmt *q)
{
    return PQ_(q)->r ? PQnfields(PQ_(q)->r) : 0;
}

static const char *pg_col_name(struct db_stmt *q, int col)
{
    return PQfname(PQ_(q)->r, col);
}

static void pg_col_value(struct db_stmt *base, int col, struct value *v)
{
    struct pstmt *q = PQ_(base);
    memset(v, 0, sizeof(*v));
    Oid t = PQftype(q->r, col);
    if (PQgetisnull(q->r, q->row, col)) {
        v->type = VAL_NULL;
    } else if (t == 20 || t == 21 || t == 23) { /* int8, int2, int4 */
        v->type = VAL_INT;
        v->i = strtoll(PQgetvalue(q->r, q->row, col), NULL, 10);
    } else {
        v->type = VAL_TEXT;
        v->s = PQgetvalue(q->r, q->row, col);
    }
}

static int64_t pg_changes(struct db_stmt *q)
{
    return PQ_(q)->r ? strtoll(PQcmdTuples(PQ_(q)->r), NULL, 10) : 0;
}

static int64_t pg_inserted_id(struct db_stmt *base)
{
    struct pstmt *q = PQ_(base);
    return q->r && PQntuples(q->r) > 0 ? strtoll(PQgetvalue(q->r, 0, 0), NULL, 10) : 0;
}

static const struct db_driver pg_driver = {
    .engine = DB_PG,
    /* Writers see each other's commits (READ COMMITTED) and serialise on the rows they
     * lock; a read is one snapshot for the whole read and takes no row locks. */
    .begin = {"BEGIN ISOLATION LEVEL READ COMMITTED",
              "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"},
    .text =
        {
            [DB_HAS_MIGRATIONS] =
                "SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN 0 ELSE 1 END",
            [DB_MIGRATIONS_TABLE] = "CREATE TABLE IF NOT EXISTS schema_migrations (version "
                                    "INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at "
                                    "BIGINT NOT NULL DEFAULT (extract(epoch FROM now())::bigint))",
            /* An identity the table always generates itself (appeal_units.rowid) stands in
             * for SQLite's rowid: the insertion order, never copied. */
            [DB_COLUMNS] = "SELECT column_name, CASE WHEN coalesce(identity_generation, '') = "
                           "'ALWAYS' THEN 1 ELSE 0 END FROM information_schema.columns "
                           "WHERE table_schema = current_schema() AND table_name = ? "
                           "ORDER BY ordinal_position",
            /* Identities generated BY DEFAULT took none of the copied ids: move each past
             * them. */
            [DB_AFTER_COPY] =
                "DO $$ DECLARE c record; BEGIN "
                "FOR c IN SELECT table_name AS t, column_name AS n FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND identity_generation = 'BY DEFAULT' LOOP "
                "EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, %L), m) "
                "FROM (SELECT max(%I) AS m FROM %I) x WHERE m IS NOT NULL', "
                "quote_ident(c.t), c.n, c.n, c.t); "
                "END LOOP; END $$",
        },
    .scan_batch = 2000,
    .migrations = embedded_migrations_pg,
    .close = pg_close,
    .exec = pg_exec,
    .migrating = pg_migrating,
    .prep = pg_prep,
    .bind_int = pg_bind_int,
    .bind_text = pg_bind_text,
    .step = pg_step,
    .col_null = pg_col_null,
    .col_int = pg_col_int,
    .col_ints = pg_col_ints,
    .col_text = pg_col_text,
    .done = pg_done,
    .free = pg_free,
    .col_count = pg_col_count,
    .col_name = pg_col_name,
    .col_value = pg_col_value,
    .changes = pg_changes,
    .inserted_id = pg_inserted_id,
};

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

static int check_database(struct pdb *d, const char *shown, struct err *e)
{
    static const char sql[] =
        "SELECT current_database(), pg_encoding_to_char(encoding), datctype FROM pg_database "
        "WHERE datname = current_database()";
    PGresult *r = PQexec(d->conn, sql);
    int rc = 0;
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
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

int db_pg_open(struct db **out, const char *url, struct err *e)
{
    *out = NULL;
    char shown[256];
    url_shown(url, shown, sizeof(shown));
    struct pdb *d = xcalloc(1, sizeof(*d));
    d->base = (struct db){.drv = &pg_driver};
    d->conn = PQconnectdb(url);
    char msg[160];
    if (!d->conn || PQstatus(d->conn) != CONNECTION_OK) {
        if (d->conn)
            server_msg(d, NULL, msg, sizeof(msg));
        else
            snprintf(msg, sizeof(msg), "out of memory");
        pg_close(&d->base);
        return err_set(e, ERR_DB, "db", "cannot open database '%s': %s", shown, msg);
    }
    if (session_setup(d, msg, sizeof(msg)) < 0) {
        pg_close(&d->base);
        return err_set(e, ERR_DB, "db", "cannot use database '%s': %s", shown, msg);
    }
    if (check_database(d, shown, e) < 0) {
        pg_close(&d->base);
        return -1;
    }
    *out = &d->base;
    return 0;
}
