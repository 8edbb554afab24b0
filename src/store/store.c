/* store.c -- the dispatcher behind store.h: picks a backend by URL and forwards every call
 * to it. Lists and their release functions are backend-neutral and live here too. */
#include "store/backend.h"
#include "store/db.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

#include "util/banned.h"


int store_open(store_t **out, const char *url, struct err *e)
{
    *out = NULL;
    if (!url || !*url)
        return err_set(e, ERR_INVALID, "db", "no database given");
    if (!strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11))
        return pg_store_open(out, url, e);
    return sqlite_store_open(out, url, e);
}



void store_close(store_t *st)
{
    if (st)
        st->ops->close(st);
}

int store_migrate(store_t *st, struct err *e)
{
    return st->ops->migrate(st, e);
}

int store_migrate_to(store_t *st, int target, struct err *e)
{
    return st->ops->migrate_to(st, target, e);
}

int store_schema_version(store_t *st, int *applied, int *known, struct err *e)
{
    return st->ops->schema_version(st, applied, known, e);
}

int store_begin(store_t *st, struct err *e)
{
    return st->ops->begin(st, e);
}

int store_begin_read(store_t *st, struct err *e)
{
    return st->ops->begin_read(st, e);
}

int store_commit(store_t *st, struct err *e)
{
    return st->ops->commit(st, e);
}

void store_rollback(store_t *st)
{
    st->ops->rollback(st);
}

int store_appeal_insert(store_t *st, struct appeal *a, struct err *e)
{
    return st->ops->appeal_insert(st, a, e);
}

int store_appeal_update(store_t *st, const struct appeal *a, int64_t expected_version,
                        struct err *e)
{
    return st->ops->appeal_update(st, a, expected_version, e);
}

int store_appeal_get(store_t *st, int64_t id, struct appeal *a, struct err *e)
{
    return st->ops->appeal_get(st, id, a, e);
}

int store_appeal_by_code(store_t *st, const char *code, struct appeal *a, struct err *e)
{
    return st->ops->appeal_by_code(st, code, a, e);
}

int store_appeal_list(store_t *st, const struct appeal_filter *f, struct appeal_list *out,
                      struct err *e)
{
    return st->ops->appeal_list(st, f, out, e);
}

int store_fact_scan(store_t *st, int64_t from, int64_t to, int flags,
                    int (*cb)(const struct appeal_fact *f, void *ctx), void *ctx, struct err *e)
{
    return st->ops->fact_scan(st, from, to, flags, cb, ctx, e);
}


int store_chain_head(store_t *st, int64_t *last_id, char hash[65], struct err *e)
{
    return st->ops->chain_head(st, last_id, hash, e);
}

int store_event_append(store_t *st, const struct event *ev, struct err *e)
{
    return st->ops->event_append(st, ev, e);
}

int store_events_of(store_t *st, int64_t appeal_id, struct event_list *out, struct err *e)
{
    return st->ops->events_of(st, "", appeal_id, out, e);
}

int store_subject_events(store_t *st, const char *subject, int64_t id, struct event_list *out,
                         struct err *e)
{
    if (!subject || !subject[0])
        return err_set(e, ERR_INVALID, "subject", "no subject named for its events");
    return st->ops->events_of(st, subject, id, out, e);
}

int store_event_scan(store_t *st, int (*cb)(const struct event *ev, void *ctx), void *ctx,
                     struct err *e)
{
    return st->ops->event_scan(st, cb, ctx, e);
}

int store_appeal_scan(store_t *st, int (*cb)(const struct appeal *a, void *ctx), void *ctx,
                      struct err *e)
{
    return st->ops->appeal_scan(st, cb, ctx, e);
}

/* ---- moving a whole site ---- */

/* `rec`: a table open to store_rec_*(): the campaign tables (migrations 0008-0011), and
 * users, a subject of the chain since 0013 (service/user_svc.c). */
static const struct store_table tables[] = {
    {"units", 0, 0},          {"users", 0, 1},           {"areas", 1, 0},
    {"channels", 1, 0},       {"settings", 1, 0},        {"counters", 0, 0},
    {"time_limits", 0, 0},    {"calendar_years", 0, 0},  {"calendar_days", 0, 0},
    {"appeals", 0, 0},        {"appeal_units", 0, 0},    {"batches", 0, 1},
    {"projects", 0, 1},       {"project_units", 0, 1},   {"milestones", 0, 1},
    {"appeal_links", 0, 1},   {"leaders", 0, 1},         {"enterprises", 0, 1},
    {"leader_links", 0, 1},   {"support_links", 0, 1},   {"visits", 0, 1},
    {"task_items", 0, 1},     {"visit_problems", 0, 1},  {"vote_sessions", 0, 1},
    {"deputies", 0, 1},       {"vote_candidates", 0, 1}, {"ballots", 0, 1},
    {"events", 0, 0},         {"chain_head", 1, 0},      {"sessions", 0, 0},
    {"login_failures", 0, 0}, {"rate_windows", 0, 0},    {"rule_sets", 1, 0},
    {"files", 0, 0},          {"disclosures", 0, 1},
    {NULL, 0, 0},
};

const struct store_table *store_tables(void)
{
    return tables;
}

/* Backends put table names into SQL: only the names of the list get there. */
static int known_table(const char *table, struct err *e)
{
    for (const struct store_table *t = tables; t->name; t++)
        if (!strcmp(t->name, table))
            return 0;
    return err_set(e, ERR_INVALID, "table", "unknown table '%s'", table);
}

int store_rows_scan(store_t *st, const char *table, int (*cb)(const struct row *r, void *ctx),
                    void *ctx, struct err *e)
{
    if (known_table(table, e) < 0)
        return -1;
    return st->ops->rows_scan(st, table, cb, ctx, e);
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

/* Empties a table of store_tables() (children first: store_copy_begin()). */
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
    if (st->ops->copy_begin(st, e) < 0)
        return -1;
    size_t n = 0;
    while (tables[n].name)
        n++;
    while (n-- > 0) /* children before parents */
        if (rows_clear(st, tables[n].name, e) < 0)
            return -1;
    return 0;
}

int store_row_insert(store_t *st, const char *table, const struct row *r, struct err *e)
{
    if (known_table(table, e) < 0)
        return -1;
    return st->ops->row_insert(st, table, r, e);
}

int store_copy_finish(store_t *st, struct err *e)
{
    return st->ops->copy_finish(st, e);
}

/* ---- records ----------------------------------------------------------------------------- */




