/* ops_counter.c -- named counters (the daily numbers in appeal codes): written once over
 * the driver for both engines, with one SQLite override. */
#include "store/ops.h"

#include "util/banned.h"

int store_counter_peek(store_t *st, const char *name, int64_t *value, struct err *e)
{
    static const char sql[] = "SELECT value FROM counters WHERE name = ?";
    *value = 0;
    struct db_stmt *q = db_prep(st->db, sql, 0, e);
    if (!q)
        return -1;
    db_bind_text(q, 1, name);
    int rc = db_step(q, "cannot read counter", e);
    if (rc < 0)
        return -1;
    if (rc > 0)
        *value = db_col_int(q, 0);
    db_done(q);
    return 0;
}

int store_counter_next(store_t *st, const char *name, int64_t *value, struct err *e)
{
    static const char sql[] = "INSERT INTO counters (name, value) VALUES (?, 1) "
                              "ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 "
                              "RETURNING value";
    /* SQLite: the upsert, then a SELECT. SQLite runs RETURNING through an ephemeral table,
     * which made this statement cost 25-43 us against 9-14 us for the two (bench/README.md,
     * measured with --profile); it runs on every registration. */
    static const char lite_upsert[] = "INSERT INTO counters (name, value) VALUES (?, 1) "
                                      "ON CONFLICT (name) DO UPDATE SET value = value + 1";
    if (db_write_allowed(st, e) < 0)
        return -1;
    int lite = db_engine(st->db) == DB_SQLITE;
    struct db_stmt *q = db_prep(st->db, lite ? lite_upsert : sql, 0, e);
    if (!q)
        return -1;
    db_bind_text(q, 1, name);
    int rc = db_step(q, "cannot advance counter", e);
    if (rc < 0)
        return -1;
    if (rc > 0)
        *value = db_col_int(q, 0);
    db_done(q);
    if (lite)
        return store_counter_peek(st, name, value, e);
    return rc > 0 ? 0 : err_set(e, ERR_DB, "", "cannot advance counter: no value returned");
}
