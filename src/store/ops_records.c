/* ops_records.c -- the campaign's tables as generic rows by column name (store.h,
 * "records"): written once over the driver for both engines. Table names come from
 * store_tables() and column names are plain identifiers (checked here), so both may be
 * put into the SQL text, which is built with struct buf and prepared for one use. */
#include "store/ops.h"

#include <stdio.h>
#include <string.h>

#include "util/buf.h"

#include "util/banned.h"

static int rec_table(const char *table, struct err *e)
{
    for (const struct store_table *t = store_tables(); t->name; t++)
        if (!strcmp(t->name, table))
            return t->rec ? 0 : err_set(e, ERR_INVALID, "table", "'%s' is not a record table",
                                        table);
    return err_set(e, ERR_INVALID, "table", "unknown table '%s'", table);
}

/* Column names reach SQL: lower-case letters, digits and '_' only. */
static int plain_column(const char *name, struct err *e)
{
    if (!name || !*name || strlen(name) > 40)
        return err_set(e, ERR_INVALID, "column", "bad column name");
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
            return err_set(e, ERR_INVALID, "column", "bad column name '%s'", name);
    return 0;
}

static int rec_check(const char *table, const struct row *r, struct err *e)
{
    if (rec_table(table, e) < 0)
        return -1;
    if (r->n <= 0 || r->n > ROW_MAX_COLS)
        return err_set(e, ERR_INVALID, "row", "a row for '%s' needs 1 to %d columns", table,
                       ROW_MAX_COLS);
    for (int i = 0; i < r->n; i++)
        if (plain_column(r->name[i], e) < 0)
            return -1;
    return 0;
}

/* Prepares the text of `b` for one use and binds r's values from position 1. */
static struct db_stmt *prep_row(store_t *st, struct buf *b, const struct row *r, struct err *e)
{
    struct db_stmt *q = db_prep(st->db, b->ptr, DB_ONCE, e);
    if (q)
        for (int i = 0; r && i < r->n; i++)
            db_bind(q, i + 1, &r->v[i]);
    return q;
}

int store_rec_insert(store_t *st, const char *table, const struct row *r, int64_t *id,
                     struct err *e)
{
    if (rec_check(table, r, e) < 0 || db_write_allowed(st, e) < 0)
        return -1;
    struct buf b = BUF_INIT;
    buf_addf(&b, "INSERT INTO \"%s\" (", table);
    for (int i = 0; i < r->n; i++)
        buf_addf(&b, "%s\"%s\"", i ? ", " : "", r->name[i]);
    buf_adds(&b, ") VALUES (");
    for (int i = 0; i < r->n; i++)
        buf_adds(&b, i ? ", ?" : "?");
    buf_adds(&b, ") RETURNING id");
    char what[80];
    snprintf(what, sizeof(what), "cannot add a row to '%s'", table);
    struct db_stmt *q = prep_row(st, &b, r, e);
    int rc = q ? db_step(q, what, e) : -1;
    if (rc >= 0) {
        if (id)
            *id = rc > 0 ? db_col_int(q, 0) : 0;
        db_done(q);
    }
    buf_release(&b);
    return rc < 0 ? -1 : 0;
}

int store_rec_update(store_t *st, const char *table, int64_t id, const struct row *r,
                     struct err *e)
{
    if (rec_check(table, r, e) < 0 || db_write_allowed(st, e) < 0)
        return -1;
    struct buf b = BUF_INIT;
    buf_addf(&b, "UPDATE \"%s\" SET ", table);
    for (int i = 0; i < r->n; i++)
        buf_addf(&b, "%s\"%s\" = ?", i ? ", " : "", r->name[i]);
    buf_adds(&b, " WHERE id = ?");
    char what[80];
    snprintf(what, sizeof(what), "cannot change a row of '%s'", table);
    struct db_stmt *q = prep_row(st, &b, r, e);
    int rc = -1;
    if (q) {
        db_bind_int(q, r->n + 1, id);
        rc = db_step(q, what, e);
    }
    if (rc >= 0) {
        int64_t changed = db_changes(q);
        db_done(q);
        if (changed == 0)
            rc = err_set(e, ERR_NOT_FOUND, "id", "no row %lld in '%s'", (long long)id, table);
    }
    buf_release(&b);
    return rc < 0 ? -1 : 0;
}

int store_rec_scan(store_t *st, const char *table, const char *column, const struct value *eq,
                   int (*cb)(const struct row *r, void *ctx), void *ctx, struct err *e)
{
    if (rec_table(table, e) < 0 || (column && plain_column(column, e) < 0))
        return -1;
    int by_value = column && eq && eq->type != VAL_NULL;
    struct buf b = BUF_INIT;
    buf_addf(&b, "SELECT * FROM \"%s\"", table);
    if (column)
        buf_addf(&b, " WHERE \"%s\" %s", column, by_value ? "= ?" : "IS NULL");
    buf_adds(&b, " ORDER BY id");
    struct db_stmt *q = prep_row(st, &b, NULL, e);
    int rc = q ? 0 : -1;
    if (q && by_value)
        db_bind(q, 1, eq);
    struct row r = {0};
    while (rc == 0 && (rc = db_step(q, "cannot read the table", e)) > 0) {
        if (!r.n) {
            r.n = db_col_count(q);
            if (r.n > ROW_MAX_COLS) {
                db_done(q);
                rc = err_set(e, ERR_DB, "", "table '%s' has %d columns, more than %d", table,
                             r.n, ROW_MAX_COLS);
                break;
            }
            for (int i = 0; i < r.n; i++)
                r.name[i] = db_col_name(q, i);
        }
        for (int i = 0; i < r.n; i++)
            db_col_value(q, i, &r.v[i]);
        rc = cb(&r, ctx) ? 1 : 0;
    }
    if (rc >= 0 && q)
        db_done(q);
    buf_release(&b);
    return rc < 0 ? -1 : 0;
}

int store_rec_where(store_t *st, const char *table, const char *column, int64_t id,
                    int (*cb)(const struct row *r, void *ctx), void *ctx, struct err *e)
{
    struct value v = {.type = VAL_INT, .i = id};
    return store_rec_scan(st, table, column, &v, cb, ctx, e);
}
