/* db_sqlite.c -- the SQLite driver of db.h: a connection in WAL mode with foreign keys on,
 * prepared statements cached per connection by the address of their SQL text, bound and
 * stepped in place. Invariant: every sqlite3 type of the program lives here. */
#include "store/db_driver.h"
#include "store/ops.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/embedded.h"
#include "util/xalloc.h"

#include "util/banned.h"

#define STMT_CACHE 64
#define PATH_MAX_URI 4200 /* "file:" + a percent-encoded path + "?immutable=1" */

struct lstmt {
    struct db_stmt base; /* first */
    const char *sql;     /* cache key: static SQL strings by address; NULL: not cached */
    int flags;
    sqlite3_stmt *st;
};

struct ldb {
    struct db base; /* first */
    sqlite3 *conn;
    struct lstmt cache[STMT_CACHE];
    int ncache;
};

#define LQ(q) ((struct lstmt *)(q))
#define LD(d) ((struct ldb *)(d))

static int fail(struct ldb *d, int rc, const char *what, struct err *e)
{
    if ((rc & 0xff) == SQLITE_READONLY)
        return err_set(e, ERR_DB, "db", "数据库只读，不能写入 (the database is read-only): %s", what);
    return err_set(e, (rc & 0xff) == SQLITE_CONSTRAINT ? ERR_CONFLICT : ERR_DB, "", "%s: %s",
                   what, sqlite3_errmsg(d->conn));
}

static struct db_stmt *lite_prep(struct db *base, const char *sql, int flags, struct err *e)
{
    /* DB_MAY_FAIL needs nothing: SQLite undoes a failed statement by itself. */
    struct ldb *d = LD(base);
    int once = flags & (DB_ONCE | DB_OWN | DB_CURSOR);
    for (int i = 0; i < d->ncache && !once; i++)
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
    int cache = d->ncache < STMT_CACHE && !once;
    struct lstmt *q = cache ? &d->cache[d->ncache++] : xcalloc(1, sizeof(*q));
    *q = (struct lstmt){.base = {base}, .sql = cache ? sql : NULL, .flags = flags, .st = st};
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

static void lite_free(struct db_stmt *base)
{
    sqlite3_finalize(LQ(base)->st);
    free(base);
}

static void lite_done(struct db_stmt *base)
{
    struct lstmt *q = LQ(base);
    if (!q->sql && !(q->flags & DB_OWN)) {
        lite_free(base);
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

static void lite_col_ints(struct db_stmt *q, int col, int n, int64_t *out)
{
    for (int i = 0; i < n; i++)
        out[i] = sqlite3_column_int64(LQ(q)->st, col + i);
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

static int64_t lite_inserted_id(struct db_stmt *q)
{
    return sqlite3_last_insert_rowid(LD(q->d)->conn);
}

static int lite_exec(struct db *base, const char *sql, struct err *e)
{
    struct ldb *d = LD(base);
    char *msg = NULL;
    if (sqlite3_exec(d->conn, sql, NULL, NULL, &msg) != SQLITE_OK) {
        err_set(e, ERR_DB, "", "%s", msg ? msg : sqlite3_errmsg(d->conn));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static void lite_close(struct db *base)
{
    struct ldb *d = LD(base);
    for (int i = 0; i < d->ncache; i++)
        sqlite3_finalize(d->cache[i].st);
    sqlite3_close(d->conn);
    free(d);
}

static const struct db_driver lite_driver = {
    .engine = DB_SQLITE,
    /* IMMEDIATE takes the write lock at once, so one writer at a time reads and then
     * writes; a deferred transaction takes no write lock: writers go on while we read. */
    .begin = {"BEGIN IMMEDIATE", "BEGIN DEFERRED"},
    .text =
        {
            [DB_HAS_MIGRATIONS] = "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                  "AND name = 'schema_migrations'",
            [DB_MIGRATIONS_TABLE] = "CREATE TABLE IF NOT EXISTS schema_migrations (version "
                                    "INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at "
                                    "INTEGER NOT NULL DEFAULT (unixepoch()))",
            /* The implicit rowid is the insertion order (appeal_units keep the order
             * assisting units were given). */
            [DB_COLUMNS] = "SELECT name, 0 FROM pragma_table_info(?) UNION ALL SELECT 'rowid', 1",
        },
    .scan_batch = INT64_MAX,
    .migrations = embedded_migrations,
    .close = lite_close,
    .exec = lite_exec,
    .prep = lite_prep,
    .bind_int = lite_bind_int,
    .bind_text = lite_bind_text,
    .step = lite_step,
    .col_null = lite_col_null,
    .col_int = lite_col_int,
    .col_ints = lite_col_ints,
    .col_text = lite_col_text,
    .done = lite_done,
    .free = lite_free,
    .col_count = lite_col_count,
    .col_name = lite_col_name,
    .col_value = lite_col_value,
    .changes = lite_changes,
    .inserted_id = lite_inserted_id,
};

/* The URI that opens `path` as immutable: read-only media, where SQLite can neither write
 * the database nor create the -shm file a WAL database is read through. */
static int immutable_uri(char *out, size_t size, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = (size_t)snprintf(out, size, "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (o + 4 > size - sizeof("?immutable=1"))
            return -1; /* too long: never open a cut path */
        if (*p == '%' || *p == '?' || *p == '#' || *p < 0x20) {
            out[o++] = '%';
            out[o++] = hex[*p >> 4];
            out[o++] = hex[*p & 15];
        } else {
            out[o++] = (char)*p;
        }
    }
    return (size_t)snprintf(out + o, size - o, "?immutable=1") < size - o ? 0 : -1;
}

static int lite_connect(struct ldb *d, const char *path, int flags, struct err *e)
{
    if (sqlite3_open_v2(path, &d->conn, flags | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK)
        return 0;
    err_set(e, ERR_DB, "db", "cannot open database '%s': %s", path,
            d->conn ? sqlite3_errmsg(d->conn) : "out of memory");
    sqlite3_close(d->conn);
    d->conn = NULL;
    return -1;
}

/* Opens read-write, or read-only when the file cannot be written (a 0444 backup, a
 * read-only mount): then nothing is set that would write, and when SQLite cannot even
 * read it (a WAL database whose -shm cannot be created there) it opens as immutable.
 * Writes to such a database fail with SQLite's "attempt to write a readonly database". */
int db_sqlite_open(struct db **out, const char *path, struct err *e)
{
    *out = NULL;
    struct ldb *d = xcalloc(1, sizeof(*d));
    d->base = (struct db){.drv = &lite_driver};
    if (lite_connect(d, path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, e) < 0)
        goto fail;
    int readonly = sqlite3_db_readonly(d->conn, "main") == 1;
    if (readonly && sqlite3_exec(d->conn, "SELECT count(*) FROM sqlite_schema", NULL, NULL,
                                 NULL) != SQLITE_OK) {
        char uri[PATH_MAX_URI];
        sqlite3_close(d->conn);
        d->conn = NULL;
        if (immutable_uri(uri, sizeof(uri), path) < 0) {
            err_set(e, ERR_DB, "db", "cannot open database '%s': read-only, and its path is too long",
                    path);
            goto fail;
        }
        if (lite_connect(d, uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, e) < 0)
            goto fail;
    }
    sqlite3_busy_timeout(d->conn, 5000);
    sqlite3_extended_result_codes(d->conn, 1);
    if (lite_exec(&d->base,
                  readonly ? "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;"
                           : "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; "
                             "PRAGMA synchronous = FULL; PRAGMA temp_store = MEMORY;",
                  e) < 0) {
        char msg[200];
        snprintf(msg, sizeof(msg), "%s", e ? e->msg : "");
        lite_close(&d->base);
        return err_set(e, ERR_DB, "db", "cannot use database '%s': %s", path, msg);
    }
    *out = &d->base;
    return 0;
fail:
    lite_close(&d->base);
    return -1;
}

/* One step copying every page: the copy is one snapshot of the source (WAL: writers go on
 * meanwhile; stepping in pieces would restart on every write by another connection). */
int store_backup(store_t *st, const char *path, struct err *e)
{
    if (db_engine(st->db) != DB_SQLITE)
        return err_set(e, ERR_INVALID, "db",
                       "PostgreSQL 数据库请用 pg_dump 备份 (shishi backup copies SQLite "
                       "databases; for PostgreSQL use pg_dump, see docs/operations.md)");
    if (!path)
        return 0;
    struct ldb *src = LD(st->db);
    sqlite3 *dst = NULL;
    int rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    sqlite3_backup *b = rc == SQLITE_OK ? sqlite3_backup_init(dst, "main", src->conn, "main") : NULL;
    if (b) {
        sqlite3_busy_timeout(dst, 5000);
        rc = sqlite3_backup_step(b, -1);
        rc = sqlite3_backup_finish(b) == SQLITE_OK && rc == SQLITE_DONE ? SQLITE_OK
             : rc == SQLITE_DONE                                       ? sqlite3_errcode(dst)
                                                                       : rc;
    } else if (rc == SQLITE_OK) {
        rc = sqlite3_errcode(dst);
    }
    if (rc != SQLITE_OK) {
        err_set(e, ERR_IO, "to", "备份失败 (the backup to '%s' failed): %s", path,
                sqlite3_errstr(rc));
        sqlite3_close(dst);
        return -1;
    }
    if (sqlite3_close(dst) != SQLITE_OK)
        return err_set(e, ERR_IO, "to", "备份失败 (the backup to '%s' failed): cannot close it",
                       path);
    return 0;
}
