/* db_pg.c -- the PostgreSQL driver of db.h (libpq). Statements are prepared once per
 * session under a name of their own, with `?` rewritten to `$1, $2, ...` at that moment;
 * values travel as text and come back as text. A statement runs at its first db_step() and
 * its rows are then read from the one result. */
#include "store/db_driver.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xalloc.h"

#include "util/banned.h"

#define STMT_CACHE 96
#define MAX_PARAMS (ROW_MAX_COLS + 1) /* a record update: every column and the id */

struct pstmt {
    struct db_stmt base; /* first */
    const char *sql;     /* cache key: static SQL strings by address */
    char name[16];
    int flags;
    int n; /* parameters bound (highest position) */
    const char *v[MAX_PARAMS];
    char num[MAX_PARAMS][24];
    char *text;  /* not cached: the SQL with $n, run unprepared; freed by db_done() */
    PGresult *r; /* after the first step */
    int row;
};

struct pdb {
    struct db base; /* first */
    PGconn *conn;   /* borrowed from the backend */
    store_t *owner;
    struct pstmt cache[STMT_CACHE];
    int ncache, nprepared;
};

#define PQ_(q) ((struct pstmt *)(q))
#define PD(d) ((struct pdb *)(d))

void db_pg_forget(struct db *base)
{
    struct pdb *d = PD(base);
    for (int i = 0; i < d->ncache; i++)
        PQclear(d->cache[i].r);
    d->ncache = 0;
    d->nprepared = 0;
}

void db_pg_free(struct db *base)
{
    if (!base)
        return;
    struct pdb *d = PD(base);
    db_pg_forget(base);
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
    if (pg_alive(d->owner, e) < 0)
        return NULL;
    struct pstmt *q = NULL;
    for (int i = 0; i < d->ncache && !q && !(flags & DB_ONCE); i++)
        if (d->cache[i].sql == sql)
            q = &d->cache[i];
    if (!q && d->ncache < STMT_CACHE && !(flags & DB_ONCE)) {
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
    if (!q) { /* built at run time, or the cache is full: its own, freed by db_done() */
        q = xcalloc(1, sizeof(*q));
        *q = (struct pstmt){.base = {base}, .sql = sql};
        struct buf b = BUF_INIT;
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

static void pg_done(struct db_stmt *base)
{
    struct pstmt *q = PQ_(base);
    PQclear(q->r);
    q->r = NULL;
    q->n = 0;
    if (q->text) {
        free(q->text);
        free(q);
    }
}

static int pg_step(struct db_stmt *base, const char *what, struct err *e)
{
    struct pstmt *q = PQ_(base);
    if (!q->r) {
        struct pdb *d = PD(base->d);
        int guard = (q->flags & DB_MAY_FAIL) && d->owner->depth > 0;
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

static const struct db_driver pg_driver = {
    .prep = pg_prep,
    .bind_int = pg_bind_int,
    .bind_text = pg_bind_text,
    .step = pg_step,
    .col_null = pg_col_null,
    .col_int = pg_col_int,
    .col_text = pg_col_text,
    .done = pg_done,
    .col_count = pg_col_count,
    .col_name = pg_col_name,
    .col_value = pg_col_value,
    .changes = pg_changes,
};

struct db *db_pg_new(void *conn, store_t *owner)
{
    struct pdb *d = xcalloc(1, sizeof(*d));
    d->base = (struct db){&pg_driver, DB_PG};
    d->conn = conn;
    d->owner = owner;
    return &d->base;
}
