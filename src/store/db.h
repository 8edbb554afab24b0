/* db.h -- the driver interface under the store's operations: the primitives that SQLite
 * (db_sqlite.c) and PostgreSQL (db_pg.c) each implement, so that every store operation
 * above them (store.c, ops_*.c) is written once. Private to src/store/.
 *
 * SQL is a static string with `?` placeholders; a statement is prepared once per
 * connection and found again by the string's address (the PostgreSQL driver rewrites `?`
 * to `$1, $2, ...` once, when it prepares). Values are bound by position from 1 and stay
 * borrowed until the statement is stepped; columns are read by position from 0 and stay
 * valid until the next step or db_done().
 *
 * Errors are mapped to the store's codes once, here: a constraint violation is
 * ERR_CONFLICT, everything else (busy, I/O, disk full, a lost connection) ERR_DB with the
 * engine's message after `what`. */
#ifndef SHISHI_DB_H
#define SHISHI_DB_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct db;      /* one connection and its statement cache */
struct db_stmt; /* a prepared statement; borrowed until db_done() */
struct embedded_file;

enum db_engine { DB_SQLITE, DB_PG };

enum db_flags {
    /* A statement the caller expects may fail and goes on after (a duplicate name): on
     * PostgreSQL, inside a transaction, it runs under a savepoint of its own, since a
     * failed statement there aborts the whole transaction (SQLite undoes the statement). */
    DB_MAY_FAIL = 1,
    /* A text built at run time (struct buf): prepared for this one use, never cached; it
     * must stay valid until db_done(). */
    DB_ONCE = 2,
    /* A text built at run time that the caller runs many times: not cached, and not freed
     * by db_done() but by db_free(). The text must stay valid until then. */
    DB_OWN = 4,
    /* A long result read in pages (PostgreSQL: a cursor, so the whole table never sits in
     * memory; needs a transaction). Implies DB_ONCE. */
    DB_CURSOR = 8,
};

/* ---- the connection ---- */
/* A file path or ":memory:" opens SQLite; a postgresql:// or postgres:// URL PostgreSQL. */
int db_open(struct db **out, const char *url, struct err *e);
void db_close(struct db *d); /* NULL-safe */
int db_engine(const struct db *d);
/* Plain SQL without parameters, possibly several statements (migrations, pragmas). */
int db_exec(struct db *d, const char *sql, struct err *e);

/* ---- transactions: depth 0 begins one, deeper calls open savepoints ---- */
int db_begin(struct db *d, int read_only, struct err *e);
int db_commit(struct db *d, struct err *e);
void db_rollback(struct db *d);
int db_depth(const struct db *d);

/* ---- what differs per engine outside the store's own SQL ---- */
enum db_text {
    /* One row, one integer: whether schema_migrations exists. */
    DB_HAS_MIGRATIONS,
    /* Makes schema_migrations if it is missing (applied_at defaults to now). */
    DB_MIGRATIONS_TABLE,
    /* Parameter: a table name. Its columns in order, each (name, 1 if it is the column
     * that keeps insertion order and is never copied, else 0). */
    DB_COLUMNS,
    /* After a whole-site copy (NULL: nothing). */
    DB_AFTER_COPY,
};
const char *db_text(const struct db *d, int which);
/* Rows a scan asks for at once: PostgreSQL holds a statement's result whole, so long
 * scans go in pages of this many; SQLite steps a cursor and reads in one page. */
int64_t db_scan_batch(const struct db *d);
/* The migrations this engine runs, in order (util/embedded.h). */
const struct embedded_file *db_migrations(const struct db *d);
/* Around store_migrate(): start 1 before, 0 after (PostgreSQL: one migrator at a time, and
 * no statement planned before the schema changed is used after). */
int db_migrating(struct db *d, int start, struct err *e);

/* ---- statements ---- */
struct db_stmt *db_prep(struct db *d, const char *sql, int flags, struct err *e);
void db_bind_int(struct db_stmt *q, int i, int64_t v);
void db_bind_text(struct db_stmt *q, int i, const char *s); /* NULL binds NULL */
void db_bind_id(struct db_stmt *q, int i, int64_t id);      /* 0 binds NULL */
void db_bind(struct db_stmt *q, int i, const struct value *v);
/* 1: a row is ready; 0: no more rows; -1: failed, `e` filled and the statement reset. */
int db_step(struct db_stmt *q, const char *what, struct err *e);
int db_col_null(struct db_stmt *q, int col);
int64_t db_col_int(struct db_stmt *q, int col); /* 0 for NULL */
/* Columns col .. col + n - 1 as integers at once (a report reads millions of rows). */
void db_col_ints(struct db_stmt *q, int col, int n, int64_t *out);
const char *db_col_text(struct db_stmt *q, int col); /* "" for NULL */
void db_done(struct db_stmt *q);                     /* resets; keeps it cached */
void db_free(struct db_stmt *q);                     /* a DB_OWN statement; NULL-safe */
/* The columns of a row, for statements whose columns are not known in advance
 * (SELECT *): how many, their names (valid while stepping), each value as typed by the
 * engine (integers as VAL_INT, everything else as text; text borrowed until the next step). */
int db_col_count(struct db_stmt *q);
const char *db_col_name(struct db_stmt *q, int col);
void db_col_value(struct db_stmt *q, int col, struct value *v);
/* Rows the last INSERT, UPDATE or DELETE of `q` changed (before db_done()). */
int64_t db_changes(struct db_stmt *q);
/* The id of the row the INSERT of `q` added (before db_done()): SQLite's rowid, or on
 * PostgreSQL the first column of the statement's RETURNING. */
int64_t db_inserted_id(struct db_stmt *q);

/* Runs a statement that returns no rows (or whose rows do not matter), then db_done(). */
int db_run(struct db_stmt *q, const char *what, struct err *e);

#endif
