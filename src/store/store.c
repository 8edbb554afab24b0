/* store.c -- the store's handle: opening a database, its migrations and its transactions,
 * written once over the driver (db.h); and the site's list of tables. */
#include "store/ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/embedded.h"
#include "util/xalloc.h"

#include "util/banned.h"

int store_open(store_t **out, const char *url, struct err *e)
{
    *out = NULL;
    if (!url || !*url)
        return err_set(e, ERR_INVALID, "db", "no database given");
    struct db *d;
    if (db_open(&d, url, e) < 0)
        return -1;
    store_t *st = xcalloc(1, sizeof(*st));
    st->db = d;
    *out = st;
    return 0;
}

void store_close(store_t *st)
{
    if (!st)
        return;
    copy_free(st);
    db_close(st->db);
    free(st);
}

/* ---- migrations ---- */

static int migration_number(const char *name)
{
    return (int)strtol(name, NULL, 10);
}

int store_schema_version(store_t *st, int *applied, int *known, struct err *e)
{
    /* Not cached: the statement must not outlive a schema it was planned against. */
    static const char sql_max[] = "SELECT coalesce(max(version), 0) FROM schema_migrations";
    *known = 0;
    for (const struct embedded_file *f = db_migrations(st->db); f->name; f++)
        if (migration_number(f->name) > *known)
            *known = migration_number(f->name);
    *applied = 0;
    struct db_stmt *q = db_prep(st->db, db_text(st->db, DB_HAS_MIGRATIONS), 0, e);
    int rc = q ? db_step(q, "cannot read schema version", e) : -1;
    if (rc < 0)
        return -1;
    int has = rc > 0 && db_col_int(q, 0) > 0;
    db_done(q);
    if (!has)
        return 0;
    q = db_prep(st->db, sql_max, DB_ONCE, e);
    rc = q ? db_step(q, "cannot read schema version", e) : -1;
    if (rc < 0)
        return -1;
    *applied = rc > 0 ? (int)db_col_int(q, 0) : 0;
    db_done(q);
    return 0;
}

/* One migration in its own transaction, recorded under its shared file name. */
static int migrate_one(store_t *st, const struct embedded_file *f, struct err *e)
{
    static const char sql_record[] =
        "INSERT INTO schema_migrations (version, name) VALUES (?, ?)";
    if (db_begin(st->db, 0, e) < 0)
        return -1;
    if (db_exec(st->db, (const char *)f->data, e) < 0) {
        char msg[200];
        snprintf(msg, sizeof(msg), "%s", e ? e->msg : "");
        db_rollback(st->db);
        return err_set(e, ERR_DB, "db", "migration %s failed: %s", f->name, msg);
    }
    struct db_stmt *q = db_prep(st->db, sql_record, DB_ONCE, e);
    if (q) {
        db_bind_int(q, 1, migration_number(f->name));
        db_bind_text(q, 2, f->name);
    }
    if (!q || db_run(q, "cannot record migration", e) < 0 || db_commit(st->db, e) < 0) {
        db_rollback(st->db);
        return -1;
    }
    return 0;
}

static int migrate_locked(store_t *st, int target, struct err *e)
{
    if (db_exec(st->db, db_text(st->db, DB_MIGRATIONS_TABLE), e) < 0)
        return -1;
    int applied, known;
    if (store_schema_version(st, &applied, &known, e) < 0)
        return -1;
    if (applied > known)
        return err_set(e, ERR_DB, "db",
                       "database schema version %d is newer than this program (%d): upgrade "
                       "shishi",
                       applied, known);
    for (const struct embedded_file *f = db_migrations(st->db); f->name; f++) {
        int v = migration_number(f->name);
        if (v > applied && v <= target && migrate_one(st, f, e) < 0)
            return -1;
    }
    return 0;
}

int store_migrate_to(store_t *st, int target, struct err *e)
{
    if (db_migrating(st->db, 1, e) < 0)
        return -1;
    int rc = migrate_locked(st, target, e);
    db_migrating(st->db, 0, NULL);
    return rc;
}

int store_migrate(store_t *st, struct err *e)
{
    return store_migrate_to(st, 1 << 30, e);
}

/* ---- transactions ---- */

static int begin(store_t *st, int read_only, struct err *e)
{
    if (db_begin(st->db, read_only, e) < 0)
        return -1;
    if (db_depth(st->db) == 1) {
        st->tx_write = !read_only;
        chain_forget(st);
    }
    return 0;
}

int store_begin(store_t *st, struct err *e)
{
    return begin(st, 0, e);
}

int store_begin_read(store_t *st, struct err *e)
{
    return begin(st, 1, e);
}

int store_commit(store_t *st, struct err *e)
{
    if (db_depth(st->db) == 1 && chain_commit(st, e) < 0)
        return -1;
    if (db_commit(st->db, e) < 0)
        return -1;
    if (db_depth(st->db) == 0)
        chain_forget(st);
    return 0;
}

void store_rollback(store_t *st)
{
    db_rollback(st->db);
    chain_rollback(st);
}

/* ---- the site's tables ---- */

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
