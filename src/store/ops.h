/* ops.h -- the store's handle and the helpers shared by the store operations written once
 * over the driver (store.c, ops_*.c). Private to src/store/. */
#ifndef SHISHI_OPS_H
#define SHISHI_OPS_H

#include "store/db.h"

struct copy; /* ops_copy.c: a whole-site copy in progress */

/* store_t: the one handle of both engines. */
struct store {
    struct db *db;
    int fail_in;  /* fault injection: writes left before one fails (0: off) */
    int tx_write; /* the outermost transaction may write */
    /* The chain head as this write transaction found it, and the events it appended since
     * (ops_events.c): appends inside a transaction move the head once, at commit. */
    struct {
        int read;
        int64_t id;
        char hash[65];
        int64_t n, last_id; /* appended, and the last of them */
        char last_hash[65];
        int inexact; /* a savepoint was undone after an append: ask the events */
    } head;
    struct copy *copy;
};

/* The fault-injection hook of store_fail_after(): every write asks it first. */
int db_write_allowed(store_t *st, struct err *e);

/* ops_events.c: before the outermost commit, the chain head moved to the last event this
 * transaction appended; after a rollback (to depth 0: forgotten); when a transaction ends. */
int chain_commit(store_t *st, struct err *e);
void chain_rollback(store_t *st);
void chain_forget(store_t *st);
/* ops_copy.c: what a copy left behind, at store_close(). */
void copy_free(store_t *st);

/* Column `col` copied into out (truncated to size), or duplicated (NULL for NULL). */
void db_col_copy(struct db_stmt *q, int col, char *out, size_t size);
char *db_col_dup(struct db_stmt *q, int col);

/* Every row of `q` (already bound) into a new array of `size`-byte items, each filled by
 * `read`; `what` names the rows in the error. */
int db_list(struct db_stmt *q, size_t size, void (*read)(struct db_stmt *q, void *item),
            void **out, size_t *n, const char *what, struct err *e);

/* Steps `q` (already bound) for one row read by `read`. 1: read; 0: no row; -1: error. */
int db_one(struct db_stmt *q, void (*read)(struct db_stmt *q, void *item), void *item,
           const char *what, struct err *e);

#endif
