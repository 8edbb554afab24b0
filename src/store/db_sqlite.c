/* db_sqlite.c -- the SQLite driver of db.h: prepared statements cached per connection by
 * the address of their SQL text, bound and stepped in place. */
#include "store/db_driver.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

#include "util/banned.h"

#define STMT_CACHE 64

struct lstmt {
    struct db_stmt base; /* first */
    const char *sql;     /* cache key: static SQL strings by address */
    sqlite3_stmt *st;
};

struct ldb {
    struct db base; /* first */
    sqlite3 *conn;  /* borrowed from the backend */
    struct lstmt cache[STMT_CACHE];
    int ncache;
};

#define LQ(q) ((struct lstmt *)(q))
#define LD(d) ((struct ldb *)(d))

static int fail(struct ldb *d, int rc, const char *what, struct err *e)
{
    return err_set(e, (rc & 0xff) == SQLITE_CONSTRAINT ? ERR_CONFLICT : ERR_DB, "", "%s: %s",
                   what, sqlite3_errmsg(d->conn));
}

static struct db_stmt *lite_prep(struct db *base, const char *sql, int flags, struct err *e)
{
    (void)flags; /* SQLite undoes a failed statement by itself */
    struct ldb *d = LD(base);
    for (int i = 0; i < d->ncache && !(flags & DB_ONCE); i++)
        if (d->cache[i].sql == sql)
            return &d->cache[i].base;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v3(d->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK) {
        fail(d, rc, "cannot prepare statement", e);
        return NULL;
    }
    /* Not cached (built at run time, or the cache is full): its own, freed by db_done(),
     * so that a scan's callback may run other statements of the kind meanwhile. */
    int cache = d->ncache < STMT_CACHE && !(flags & DB_ONCE);
    struct lstmt *q = cache ? &d->cache[d->ncache++] : xcalloc(1, sizeof(*q));
    *q = (struct lstmt){.base = {base}, .sql = cache ? sql : NULL, .st = st};
    return &q->base;
}

static void lite_bind_int(struct db_stmt *q, int i, int64_t v)
{
    sqlite3_bind_int64(LQ(q)->st, i, v);
}

static void lite_bind_text(struct db_stmt *q, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(LQ(q)->st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(LQ(q)->st, i);
}

static void lite_done(struct db_stmt *base)
{
    struct lstmt *q = LQ(base);
    if (!q->sql) {
        sqlite3_finalize(q->st);
        free(q);
        return;
    }
    sqlite3_reset(q->st);
    sqlite3_clear_bindings(q->st);
}

static int lite_step(struct db_stmt *q, const char *what, struct err *e)
{
    int rc = sqlite3_step(LQ(q)->st);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    fail(LD(q->d), rc, what, e);
    lite_done(q);
    return -1;
}

static int lite_col_null(struct db_stmt *q, int col)
{
    return sqlite3_column_type(LQ(q)->st, col) == SQLITE_NULL;
}

static int64_t lite_col_int(struct db_stmt *q, int col)
{
    return sqlite3_column_int64(LQ(q)->st, col);
}

static const char *lite_col_text(struct db_stmt *q, int col)
{
    const unsigned char *v = sqlite3_column_text(LQ(q)->st, col);
    return v ? (const char *)v : "";
}

static int lite_col_count(struct db_stmt *q)
{
    return sqlite3_column_count(LQ(q)->st);
}

static const char *lite_col_name(struct db_stmt *q, int col)
{
    return sqlite3_column_name(LQ(q)->st, col);
}

static void lite_col_value(struct db_stmt *q, int col, struct value *v)
{
    sqlite3_stmt *st = LQ(q)->st;
    memset(v, 0, sizeof(*v));
    switch (sqlite3_column_type(st, col)) {
    case SQLITE_NULL:
        v->type = VAL_NULL;
        break;
    case SQLITE_INTEGER:
        v->type = VAL_INT;
        v->i = sqlite3_column_int64(st, col);
        break;
    default:
        v->type = VAL_TEXT;
        v->s = (const char *)sqlite3_column_text(st, col);
        break;
    }
}

static int64_t lite_changes(struct db_stmt *q)
{
    return sqlite3_changes64(LD(q->d)->conn);
}

static const struct db_driver lite_driver = {
    .prep = lite_prep,
    .bind_int = lite_bind_int,
    .bind_text = lite_bind_text,
    .step = lite_step,
    .col_null = lite_col_null,
    .col_int = lite_col_int,
    .col_text = lite_col_text,
    .done = lite_done,
    .col_count = lite_col_count,
    .col_name = lite_col_name,
    .col_value = lite_col_value,
    .changes = lite_changes,
};

struct db *db_sqlite_new(void *conn)
{
    struct ldb *d = xcalloc(1, sizeof(*d));
    d->base = (struct db){&lite_driver, DB_SQLITE};
    d->conn = conn;
    return &d->base;
}

void db_sqlite_free(struct db *base)
{
    struct ldb *d = LD(base);
    if (!d)
        return;
    for (int i = 0; i < d->ncache; i++)
        sqlite3_finalize(d->cache[i].st);
    free(d);
}
