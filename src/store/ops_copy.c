/* ops_copy.c -- moving a whole site (service/copy.c): every row of a table as a generic
 * row, and rows inserted with their ids, written once over the driver (db.h). Table names
 * come from store_tables() and column names from the database's own catalogue
 * (db_text(DB_COLUMNS)), so both may be put into SQL, which is built with struct buf.
 *
 * Foreign keys are checked row by row (PostgreSQL's are not DEFERRABLE), and the tables are
 * copied parents first; only references within one table (a unit's parent, the appeal a
 * merged appeal joined) may point forward, so they are inserted empty and filled in by
 * store_copy_finish(). */
#include "store/ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xalloc.h"

#include "util/banned.h"

static const struct {
    const char *table, *column, *sql;
} self_refs[] = {
    {"units", "parent_id", "UPDATE units SET parent_id = ? WHERE id = ?"},
    {"appeals", "merged_into", "UPDATE appeals SET merged_into = ? WHERE id = ?"},
    {"projects", "parent_id", "UPDATE projects SET parent_id = ? WHERE id = ?"},
};
#define N_SELF_REFS (int)(sizeof(self_refs) / sizeof(self_refs[0]))

struct forward_ref {
    int ref; /* index into self_refs */
    int64_t id, value;
};

struct copy {
    char table[32];           /* whose insert `ins` is */
    struct buf sql;           /* its text, alive as long as it */
    struct db_stmt *ins;      /* DB_OWN */
    int used[ROW_MAX_COLS];   /* for each parameter, the row's column it binds */
    int self[ROW_MAX_COLS];   /* and the self_refs entry it fills later, or -1 */
    int nused;
    struct forward_ref *fwd;
    size_t nfwd, cap;
};

/* A table's columns as the database lists them, less the one that only keeps the
 * insertion order (`order`: SQLite's rowid, PostgreSQL's appeal_units.rowid; "" if none). */
struct cols {
    int n;
    char name[ROW_MAX_COLS][64];
    char order[64];
};

static int known_table(const char *table, struct err *e)
{
    for (const struct store_table *t = store_tables(); t->name; t++)
        if (!strcmp(t->name, table))
            return 0;
    return err_set(e, ERR_INVALID, "table", "unknown table '%s'", table);
}

static int table_cols(store_t *st, const char *table, struct cols *c, struct err *e)
{
    memset(c, 0, sizeof(*c));
    struct db_stmt *q = db_prep(st->db, db_text(st->db, DB_COLUMNS), 0, e);
    if (!q)
        return -1;
    db_bind_text(q, 1, table);
    int rc;
    while ((rc = db_step(q, "cannot read the table's columns", e)) > 0) {
        if (db_col_int(q, 1)) {
            db_col_copy(q, 0, c->order, sizeof(c->order));
        } else if (c->n < ROW_MAX_COLS) {
            db_col_copy(q, 0, c->name[c->n++], sizeof(c->name[0]));
        } else {
            db_done(q);
            return err_set(e, ERR_DB, "", "table '%s' has more than %d columns", table,
                           ROW_MAX_COLS);
        }
    }
    if (rc < 0)
        return -1;
    db_done(q);
    return c->n ? 0 : err_set(e, ERR_DB, "", "table '%s' not found", table);
}

int store_rows_count(store_t *st, const char *table, int64_t *n, struct err *e)
{
    *n = 0;
    if (known_table(table, e) < 0)
        return -1;
    struct buf sql = BUF_INIT;
    buf_addf(&sql, "SELECT count(*) FROM \"%s\"", table);
    struct db_stmt *q = db_prep(st->db, sql.ptr, DB_ONCE, e);
    int rc = q ? db_step(q, "cannot count rows", e) : -1;
    if (rc >= 0) {
        *n = rc > 0 ? db_col_int(q, 0) : 0;
        db_done(q);
    }
    buf_release(&sql);
    return rc < 0 ? -1 : 0;
}

int store_rows_scan(store_t *st, const char *table, int (*cb)(const struct row *r, void *ctx),
                    void *ctx, struct err *e)
{
    struct cols c;
    if (known_table(table, e) < 0 || table_cols(st, table, &c, e) < 0)
        return -1;
    struct buf sql = BUF_INIT;
    buf_adds(&sql, "SELECT ");
    for (int i = 0; i < c.n; i++)
        buf_addf(&sql, "%s\"%s\"", i ? ", " : "", c.name[i]);
    buf_addf(&sql, " FROM \"%s\" ORDER BY %s%s%s", table, c.order[0] ? "\"" : "",
             c.order[0] ? c.order : "1", c.order[0] ? "\"" : "");
    struct db_stmt *q = db_prep(st->db, sql.ptr, DB_CURSOR, e);
    int rc = q ? 0 : -1;
    struct row r = {.n = c.n};
    for (int i = 0; i < c.n; i++)
        r.name[i] = c.name[i];
    while (rc == 0 && (rc = db_step(q, "cannot read the table", e)) > 0) {
        for (int i = 0; i < c.n; i++)
            db_col_value(q, i, &r.v[i]);
        rc = cb(&r, ctx) ? 1 : 0;
    }
    if (rc >= 0 && q)
        db_done(q);
    buf_release(&sql);
    return rc < 0 ? -1 : 0;
}

void copy_free(store_t *st)
{
    struct copy *c = st->copy;
    if (!c)
        return;
    db_free(c->ins);
    buf_release(&c->sql);
    free(c->fwd);
    free(c);
    st->copy = NULL;
}

/* Empties a table of store_tables(). */
static int rows_clear(store_t *st, const char *table, struct err *e)
{
    struct buf sql = BUF_INIT;
    buf_addf(&sql, "DELETE FROM \"%s\"", table);
    struct db_stmt *q = db_prep(st->db, sql.ptr, DB_ONCE, e);
    int rc = q ? db_run(q, "cannot empty the table", e) : -1;
    buf_release(&sql);
    return rc;
}

int store_copy_begin(store_t *st, struct err *e)
{
    copy_free(st);
    st->copy = xcalloc(1, sizeof(*st->copy));
    st->copy->sql = (struct buf)BUF_INIT;
    size_t n = 0;
    while (store_tables()[n].name)
        n++;
    while (n-- > 0) /* children before parents */
        if (rows_clear(st, store_tables()[n].name, e) < 0)
            return -1;
    return 0;
}

static int self_ref(const char *table, const char *column)
{
    for (int f = 0; f < N_SELF_REFS; f++)
        if (!strcmp(self_refs[f].table, table) && !strcmp(self_refs[f].column, column))
            return f;
    return -1;
}

/* The insert for `table` with the columns of r it has; the rows of one table all have the
 * same columns. */
static int copy_prepare(store_t *st, struct copy *c, const char *table, const struct row *r,
                        struct err *e)
{
    db_free(c->ins);
    c->ins = NULL;
    c->table[0] = 0;
    c->nused = 0;
    struct cols tc;
    if (table_cols(st, table, &tc, e) < 0)
        return -1;
    buf_release(&c->sql);
    buf_addf(&c->sql, "INSERT INTO \"%s\" (", table);
    for (int i = 0; i < r->n && i < ROW_MAX_COLS; i++) {
        int k = 0;
        while (k < tc.n && strcmp(tc.name[k], r->name[i]) != 0)
            k++;
        if (k == tc.n)
            continue;
        buf_addf(&c->sql, "%s\"%s\"", c->nused ? ", " : "", r->name[i]);
        c->self[c->nused] = self_ref(table, r->name[i]);
        c->used[c->nused++] = i;
    }
    buf_adds(&c->sql, ") VALUES (");
    for (int k = 0; k < c->nused; k++)
        buf_adds(&c->sql, k ? ", ?" : "?");
    buf_adds(&c->sql, ")");
    if (!(c->ins = db_prep(st->db, c->sql.ptr, DB_OWN, e)))
        return -1;
    snprintf(c->table, sizeof(c->table), "%s", table);
    return 0;
}

int store_row_insert(store_t *st, const char *table, const struct row *r, struct err *e)
{
    struct copy *c = st->copy;
    if (known_table(table, e) < 0 || db_write_allowed(st, e) < 0)
        return -1;
    if (!c)
        return err_set(e, ERR_DB, "", "a row copied before store_copy_begin()");
    if ((!c->ins || strcmp(c->table, table) != 0) && copy_prepare(st, c, table, r, e) < 0)
        return -1;
    const struct value *id = row_get(r, "id");
    for (int k = 0; k < c->nused; k++) {
        const struct value *v = &r->v[c->used[k]];
        if (c->self[k] >= 0 && v->type == VAL_INT && id && id->type == VAL_INT) {
            xgrow((void **)&c->fwd, &c->cap, c->nfwd + 1, sizeof(*c->fwd));
            c->fwd[c->nfwd++] = (struct forward_ref){c->self[k], id->i, v->i};
            db_bind_text(c->ins, k + 1, NULL);
        } else {
            db_bind(c->ins, k + 1, v);
        }
    }
    char what[64];
    snprintf(what, sizeof(what), "cannot copy a row into '%s'", table);
    return db_run(c->ins, what, e);
}

int store_copy_finish(store_t *st, struct err *e)
{
    struct copy *c = st->copy;
    int rc = 0;
    for (size_t i = 0; c && rc == 0 && i < c->nfwd; i++) {
        struct db_stmt *q = db_prep(st->db, self_refs[c->fwd[i].ref].sql, 0, e);
        if (!q)
            rc = -1;
        else {
            db_bind_int(q, 1, c->fwd[i].value);
            db_bind_int(q, 2, c->fwd[i].id);
            rc = db_run(q, "cannot copy a reference", e);
        }
    }
    const char *after = db_text(st->db, DB_AFTER_COPY);
    if (rc == 0 && after)
        rc = db_exec(st->db, after, e);
    copy_free(st);
    return rc;
}
