/* row.c -- what every part of the store uses: the list and row helpers of store.h, the
 * fault-injection hook, the driver helpers of ops.h, and db.h's calls, each sent to the
 * connection's driver (db_sqlite.c, db_pg.c) or written once for both (transactions). */
#include "store/db_driver.h"
#include "store/ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

#include "util/banned.h"

int db_write_allowed(store_t *st, struct err *e)
{
    if (st->fail_in > 0 && --st->fail_in == 0)
        return err_set(e, ERR_DB, "", "injected store failure");
    return 0;
}

void store_fail_after(store_t *st, int n)
{
    st->fail_in = n;
}

int db_run(struct db_stmt *q, const char *what, struct err *e)
{
    int rc = db_step(q, what, e);
    if (rc < 0)
        return -1;
    db_done(q);
    return 0;
}

void db_col_copy(struct db_stmt *q, int col, char *out, size_t size)
{
    snprintf(out, size, "%s", db_col_text(q, col));
}

char *db_col_dup(struct db_stmt *q, int col)
{
    return db_col_null(q, col) ? NULL : xstrdup(db_col_text(q, col));
}

int db_list(struct db_stmt *q, size_t size, void (*read)(struct db_stmt *q, void *item),
            void **out, size_t *n, const char *what, struct err *e)
{
    *out = NULL;
    *n = 0;
    size_t cap = 0;
    char msg[64];
    snprintf(msg, sizeof(msg), "cannot list %s", what);
    int rc;
    while ((rc = db_step(q, msg, e)) > 0) {
        xgrow(out, &cap, *n + 1, size);
        read(q, (char *)*out + (*n)++ * size);
    }
    if (rc < 0) {
        free(*out);
        *out = NULL;
        *n = 0;
        return -1;
    }
    db_done(q);
    return 0;
}

int db_one(struct db_stmt *q, void (*read)(struct db_stmt *q, void *item), void *item,
           const char *what, struct err *e)
{
    char msg[64];
    snprintf(msg, sizeof(msg), "cannot read %s", what);
    int rc = db_step(q, msg, e);
    if (rc < 0)
        return -1;
    if (rc > 0)
        read(q, item);
    db_done(q);
    return rc;
}

void appeal_list_release(struct appeal_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        appeal_release(&l->items[i]);
    free(l->items);
    memset(l, 0, sizeof(*l));
}

void event_list_release(struct event_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        event_release(&l->items[i]);
    free(l->items);
    memset(l, 0, sizeof(*l));
}

void rules_row_release(struct rules_row *r)
{
    free(r->body);
    r->body = NULL;
}

static struct value *row_slot(struct row *r, const char *name)
{
    for (int i = 0; i < r->n; i++)
        if (!strcmp(r->name[i], name))
            return &r->v[i];
    if (r->n >= ROW_MAX_COLS)
        abort(); /* a programming error: rows are built from fixed column lists */
    r->name[r->n] = name;
    return &r->v[r->n++];
}

void row_set_int(struct row *r, const char *name, int64_t v)
{
    *row_slot(r, name) = (struct value){.type = VAL_INT, .i = v};
}

void row_set_id(struct row *r, const char *name, int64_t id)
{
    *row_slot(r, name) = id ? (struct value){.type = VAL_INT, .i = id}
                            : (struct value){.type = VAL_NULL};
}

void row_set_text(struct row *r, const char *name, const char *s)
{
    *row_slot(r, name) = s ? (struct value){.type = VAL_TEXT, .s = s}
                           : (struct value){.type = VAL_NULL};
}

const struct value *row_get(const struct row *r, const char *name)
{
    for (int i = 0; i < r->n; i++)
        if (!strcmp(r->name[i], name))
            return &r->v[i];
    return NULL;
}

int64_t row_int(const struct row *r, const char *name)
{
    const struct value *v = row_get(r, name);
    if (!v)
        return 0;
    if (v->type == VAL_INT)
        return v->i;
    if (v->type == VAL_TEXT && v->s) /* a backend that hands numbers as text */
        return strtoll(v->s, NULL, 10);
    return 0;
}

const char *row_text(const struct row *r, const char *name)
{
    const struct value *v = row_get(r, name);
    return v && v->type == VAL_TEXT && v->s ? v->s : "";
}

/* ---- db.h: each call goes to the connection's driver (db_sqlite.c, db_pg.c) ---- */

int db_open(struct db **out, const char *url, struct err *e)
{
    *out = NULL;
    if (!strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11))
        return db_pg_open(out, url, e);
    return db_sqlite_open(out, url, e);
}

void db_close(struct db *d)
{
    if (d)
        d->drv->close(d);
}

int db_engine(const struct db *d)
{
    return d->drv->engine;
}

int db_exec(struct db *d, const char *sql, struct err *e)
{
    return d->drv->exec(d, sql, e);
}

const char *db_text(const struct db *d, int which)
{
    return d->drv->text[which];
}

int64_t db_scan_batch(const struct db *d)
{
    return d->drv->scan_batch;
}

const struct embedded_file *db_migrations(const struct db *d)
{
    return d->drv->migrations;
}

int db_migrating(struct db *d, int start, struct err *e)
{
    return d->drv->migrating ? d->drv->migrating(d, start, e) : 0;
}

/* The savepoint statements are the same on both engines; only the outermost BEGIN is the
 * driver's (its locking and isolation). */
int db_begin(struct db *d, int read_only, struct err *e)
{
    if (d->drv->exec(d, d->depth ? "SAVEPOINT nested" : d->drv->begin[!!read_only], e) < 0)
        return -1;
    d->depth++;
    return 0;
}

int db_commit(struct db *d, struct err *e)
{
    if (d->depth <= 0)
        return err_set(e, ERR_DB, "", "commit without a transaction");
    if (d->drv->exec(d, d->depth > 1 ? "RELEASE nested" : "COMMIT", e) < 0)
        return -1;
    d->depth--;
    return 0;
}

void db_rollback(struct db *d)
{
    if (d->depth <= 0)
        return;
    d->drv->exec(d, d->depth > 1 ? "ROLLBACK TO nested; RELEASE nested" : "ROLLBACK", NULL);
    d->depth--;
}

int db_depth(const struct db *d)
{
    return d->depth;
}

struct db_stmt *db_prep(struct db *d, const char *sql, int flags, struct err *e)
{
    return d->drv->prep(d, sql, flags, e);
}

void db_bind_int(struct db_stmt *q, int i, int64_t v)
{
    q->d->drv->bind_int(q, i, v);
}

void db_bind_text(struct db_stmt *q, int i, const char *s)
{
    q->d->drv->bind_text(q, i, s);
}

void db_bind_id(struct db_stmt *q, int i, int64_t id)
{
    if (id)
        q->d->drv->bind_int(q, i, id);
    else
        q->d->drv->bind_text(q, i, NULL);
}

void db_bind(struct db_stmt *q, int i, const struct value *v)
{
    if (v->type == VAL_INT)
        q->d->drv->bind_int(q, i, v->i);
    else
        q->d->drv->bind_text(q, i, v->type == VAL_TEXT ? v->s : NULL);
}

int db_step(struct db_stmt *q, const char *what, struct err *e)
{
    return q->d->drv->step(q, what, e);
}

int db_col_null(struct db_stmt *q, int col)
{
    return q->d->drv->col_null(q, col);
}

int64_t db_col_int(struct db_stmt *q, int col)
{
    return q->d->drv->col_int(q, col);
}

void db_col_ints(struct db_stmt *q, int col, int n, int64_t *out)
{
    q->d->drv->col_ints(q, col, n, out);
}

const char *db_col_text(struct db_stmt *q, int col)
{
    return q->d->drv->col_text(q, col);
}

void db_done(struct db_stmt *q)
{
    q->d->drv->done(q);
}

void db_free(struct db_stmt *q)
{
    if (q)
        q->d->drv->free(q);
}

int db_col_count(struct db_stmt *q)
{
    return q->d->drv->col_count(q);
}

const char *db_col_name(struct db_stmt *q, int col)
{
    return q->d->drv->col_name(q, col);
}

void db_col_value(struct db_stmt *q, int col, struct value *v)
{
    q->d->drv->col_value(q, col, v);
}

int64_t db_changes(struct db_stmt *q)
{
    return q->d->drv->changes(q);
}

int64_t db_inserted_id(struct db_stmt *q)
{
    return q->d->drv->inserted_id(q);
}
