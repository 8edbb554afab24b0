/* ops.h -- helpers shared by the store operations written once over the driver (ops_*.c).
 * Private to src/store/. */
#ifndef SHISHI_OPS_H
#define SHISHI_OPS_H

#include "store/backend.h"
#include "store/db.h"

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
