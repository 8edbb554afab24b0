/* db_driver.h -- what each driver (db_sqlite.c, db_pg.c) fills in; db.h's calls go through
 * it (row.c). Private to the drivers and row.c: no engine type appears outside the file of
 * its engine. */
#ifndef SHISHI_DB_DRIVER_H
#define SHISHI_DB_DRIVER_H

#include "store/db.h"

struct db_driver {
    int engine; /* enum db_engine */
    const char *begin[2];             /* the outermost BEGIN: for writing, read-only */
    const char *text[DB_AFTER_COPY + 1]; /* enum db_text */
    int64_t scan_batch;
    const struct embedded_file *migrations;
    void (*close)(struct db *d);
    int (*exec)(struct db *d, const char *sql, struct err *e);
    int (*migrating)(struct db *d, int start, struct err *e); /* NULL: nothing to do */
    struct db_stmt *(*prep)(struct db *d, const char *sql, int flags, struct err *e);
    void (*bind_int)(struct db_stmt *q, int i, int64_t v);
    void (*bind_text)(struct db_stmt *q, int i, const char *s); /* NULL binds NULL */
    int (*step)(struct db_stmt *q, const char *what, struct err *e);
    int (*col_null)(struct db_stmt *q, int col);
    int64_t (*col_int)(struct db_stmt *q, int col);
    void (*col_ints)(struct db_stmt *q, int col, int n, int64_t *out);
    const char *(*col_text)(struct db_stmt *q, int col);
    void (*done)(struct db_stmt *q);
    void (*free)(struct db_stmt *q);
    int (*col_count)(struct db_stmt *q);
    const char *(*col_name)(struct db_stmt *q, int col);
    void (*col_value)(struct db_stmt *q, int col, struct value *v);
    int64_t (*changes)(struct db_stmt *q);
    int64_t (*inserted_id)(struct db_stmt *q);
};

/* The first member of each driver's connection and statement. */
struct db {
    const struct db_driver *drv;
    int depth; /* transaction nesting (db_begin) */
};
struct db_stmt {
    struct db *d;
};

int db_sqlite_open(struct db **out, const char *path, struct err *e);
int db_pg_open(struct db **out, const char *url, struct err *e);

#endif
