/* db.h -- the driver interface under the store's shared operations: a dozen primitives
 * that SQLite (db_sqlite.c) and PostgreSQL (db_pg.c) each implement, so that every store
 * operation written above them (ops_*.c) is written once. Private to src/store/.
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

struct db;      /* one connection's statement cache, owned by its backend's handle */
struct db_stmt; /* a cached prepared statement; borrowed until db_done() */

enum db_engine { DB_SQLITE, DB_PG };

/* Statements a caller expects may fail and goes on after (a duplicate name): on
 * PostgreSQL, inside a transaction, they run under a savepoint of their own, since a failed
 * statement there would abort the whole transaction (SQLite undoes just the statement). */
enum db_flags {
    DB_MAY_FAIL = 1,
    /* A text built at run time (struct buf): prepared for this one use, never cached; it
     * must stay valid until db_done(). */
    DB_ONCE = 2,
};

int db_engine(const struct db *d);

struct db_stmt *db_prep(struct db *d, const char *sql, int flags, struct err *e);
void db_bind_int(struct db_stmt *q, int i, int64_t v);
void db_bind_text(struct db_stmt *q, int i, const char *s); /* NULL binds NULL */
void db_bind_id(struct db_stmt *q, int i, int64_t id);      /* 0 binds NULL */
void db_bind(struct db_stmt *q, int i, const struct value *v);
/* 1: a row is ready; 0: no more rows; -1: failed, `e` filled and the statement reset. */
int db_step(struct db_stmt *q, const char *what, struct err *e);
int db_col_null(struct db_stmt *q, int col);
int64_t db_col_int(struct db_stmt *q, int col); /* 0 for NULL */
const char *db_col_text(struct db_stmt *q, int col); /* "" for NULL */
void db_done(struct db_stmt *q);                     /* resets; keeps it cached */
/* The columns of a row, for statements whose columns are not known in advance
 * (SELECT *): how many, their names (valid while stepping), each value as typed by the
 * engine (integers as VAL_INT, everything else as text; text borrowed until the next step). */
int db_col_count(struct db_stmt *q);
const char *db_col_name(struct db_stmt *q, int col);
void db_col_value(struct db_stmt *q, int col, struct value *v);
/* Rows the last INSERT, UPDATE or DELETE of `q` changed (before db_done()). */
int64_t db_changes(struct db_stmt *q);

/* Runs a statement that returns no rows (or whose rows do not matter), then db_done(). */
int db_run(struct db_stmt *q, const char *what, struct err *e);

/* The fault-injection hook of store_fail_after(): every write asks it first. */
int db_write_allowed(store_t *st, struct err *e);

/* The driver state of a backend's handle (struct store.db). */
struct db *db_of(store_t *st);

#endif
