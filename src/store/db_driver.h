/* db_driver.h -- how a backend's handle makes and frees its driver (db.h). Private to
 * src/store/: the backends pass their engine's connection as a void pointer so that no
 * engine type appears outside the file of that engine. */
#ifndef SHISHI_DB_DRIVER_H
#define SHISHI_DB_DRIVER_H

#include "store/backend.h"
#include "store/db.h"

/* What each driver implements; db.h's functions call through it (row.c). */
struct db_driver {
    struct db_stmt *(*prep)(struct db *d, const char *sql, int flags, struct err *e);
    void (*bind_int)(struct db_stmt *q, int i, int64_t v);
    void (*bind_text)(struct db_stmt *q, int i, const char *s); /* NULL binds NULL */
    int (*step)(struct db_stmt *q, const char *what, struct err *e);
    int (*col_null)(struct db_stmt *q, int col);
    int64_t (*col_int)(struct db_stmt *q, int col);
    const char *(*col_text)(struct db_stmt *q, int col);
    void (*done)(struct db_stmt *q);
    int (*col_count)(struct db_stmt *q);
    const char *(*col_name)(struct db_stmt *q, int col);
    void (*col_value)(struct db_stmt *q, int col, struct value *v);
    int64_t (*changes)(struct db_stmt *q);
};

/* The first member of each driver's connection and statement. */
struct db {
    const struct db_driver *drv;
    int engine; /* enum db_engine */
};
struct db_stmt {
    struct db *d;
};

struct db *db_sqlite_new(void *sqlite3_conn);
void db_sqlite_free(struct db *d);

/* `owner` is the PostgreSQL backend's handle: the driver asks it (pg_alive()) to reset a
 * lost connection before a statement, and reads its transaction depth for DB_MAY_FAIL. */
struct db *db_pg_new(void *pg_conn, store_t *owner);
void db_pg_free(struct db *d);
/* After a reconnect: the new session has none of the old one's prepared statements. */
void db_pg_forget(struct db *d);
int pg_alive(store_t *st, struct err *e);

#endif
