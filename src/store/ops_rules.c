/* ops_rules.c -- time limits, the site calendar and the assessment rule sets: written once
 * over the driver (db.h) for both engines. */
#include "store/ops.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

#include "util/banned.h"

int store_limits_load(store_t *st, struct limits *l, struct err *e)
{
    static const char sql[] = "SELECT scope, kind, urgency, amount, unit FROM time_limits";
    struct db_stmt *q = db_prep(st->db, sql, 0, e);
    if (!q)
        return -1;
    int rc;
    while ((rc = db_step(q, "cannot read time limits", e)) > 0) {
        const char *scope = db_col_text(q, 0);
        int k = (int)db_col_int(q, 1), u = (int)db_col_int(q, 2);
        struct time_limit lim = {(int)db_col_int(q, 3), (int)db_col_int(q, 4)};
        if (k < 0 || k >= LIMIT_KINDS || u < 0 || u >= LIMIT_URGENCIES)
            continue;
        if (!strcmp(scope, "handle"))
            l->handle[k][u] = lim;
        else if (!strcmp(scope, "sign"))
            l->sign[u] = lim;
        else if (!strcmp(scope, "complex"))
            l->complex = lim;
    }
    if (rc < 0)
        return -1;
    db_done(q);
    return 0;
}

int store_limit_set(store_t *st, int kind, int urgency, struct time_limit lim, struct err *e)
{
    static const char sql[] =
        "INSERT INTO time_limits (scope, kind, urgency, amount, unit) VALUES ('handle', ?, ?, ?, ?) "
        "ON CONFLICT (scope, kind, urgency) DO UPDATE SET amount = excluded.amount, "
        "unit = excluded.unit";
    if (db_write_allowed(st, e) < 0)
        return -1;
    struct db_stmt *q = db_prep(st->db, sql, 0, e);
    if (!q)
        return -1;
    db_bind_int(q, 1, kind);
    db_bind_int(q, 2, urgency);
    db_bind_int(q, 3, lim.amount);
    db_bind_int(q, 4, lim.unit);
    return db_run(q, "cannot set time limit", e);
}

int store_calendar_load(store_t *st, struct calendar *cal, struct err *e)
{
    static const char sql_years[] = "SELECT year, mode FROM calendar_years ORDER BY year";
    static const char sql_days[] = "SELECT date, kind, name FROM calendar_days ORDER BY date";
    struct db_stmt *q = db_prep(st->db, sql_years, 0, e);
    if (!q)
        return -1;
    int rc;
    while ((rc = db_step(q, "cannot read calendar years", e)) > 0) {
        int year = (int)db_col_int(q, 0);
        if (db_col_int(q, 1) == CAL_YEAR_WEEKENDS &&
            calendar_year_mode(cal, year) == CAL_YEAR_NONE &&
            calendar_set_weekends_only(cal, year, e) < 0) {
            db_done(q);
            return -1;
        }
    }
    if (rc < 0)
        return -1;
    db_done(q);
    if (!(q = db_prep(st->db, sql_days, 0, e)))
        return -1;
    while ((rc = db_step(q, "cannot read calendar days", e)) > 0) {
        const char *kind = db_col_text(q, 1);
        if (calendar_set_day(cal, db_col_int(q, 0), kind[0] ? kind[0] : 'H', db_col_text(q, 2),
                             e) < 0) {
            db_done(q);
            return -1;
        }
    }
    if (rc < 0)
        return -1;
    db_done(q);
    return 0;
}

int store_calendar_set_year(store_t *st, int year, int mode, struct err *e)
{
    static const char sql[] = "INSERT INTO calendar_years (year, mode) VALUES (?, ?) "
                              "ON CONFLICT (year) DO UPDATE SET mode = excluded.mode";
    if (db_write_allowed(st, e) < 0)
        return -1;
    struct db_stmt *q = db_prep(st->db, sql, 0, e);
    if (!q)
        return -1;
    db_bind_int(q, 1, year);
    db_bind_int(q, 2, mode);
    return db_run(q, "cannot set calendar year", e);
}

int store_calendar_set_day(store_t *st, int64_t date, int kind, const char *name,
                           struct err *e)
{
    static const char sql[] = "INSERT INTO calendar_days (date, kind, name) VALUES (?, ?, ?) "
                              "ON CONFLICT (date) DO UPDATE SET kind = excluded.kind, "
                              "name = excluded.name";
    if (db_write_allowed(st, e) < 0)
        return -1;
    struct db_stmt *q = db_prep(st->db, sql, 0, e);
    if (!q)
        return -1;
    char k[2] = {(char)kind, 0};
    db_bind_int(q, 1, date);
    db_bind_text(q, 2, k);
    db_bind_text(q, 3, name ? name : "");
    return db_run(q, "cannot set calendar day", e);
}

/* ---- assessment rule sets ------------------------------------------------------------- */

#define RULES_COLS "version, name, body, created_at, created_by"

static void read_rules(struct db_stmt *q, void *item)
{
    struct rules_row *r = item;
    memset(r, 0, sizeof(*r));
    r->version = (int)db_col_int(q, 0);
    db_col_copy(q, 1, r->name, sizeof(r->name));
    r->body = xstrdup(db_col_text(q, 2));
    r->created_at = db_col_int(q, 3);
    db_col_copy(q, 4, r->created_by, sizeof(r->created_by));
}

int store_rules_get(store_t *st, int version, struct rules_row *out, struct err *e)
{
    static const char sql[] = "SELECT " RULES_COLS " FROM rule_sets WHERE version = ?";
    static const char sql_newest[] =
        "SELECT " RULES_COLS " FROM rule_sets ORDER BY version DESC LIMIT 1";
    memset(out, 0, sizeof(*out));
    if (version < 0)
        return err_set(e, ERR_INVALID, "rules", "rule set version %d is not a version", version);
    struct db_stmt *q = db_prep(st->db, version ? sql : sql_newest, 0, e);
    if (!q)
        return -1;
    if (version)
        db_bind_int(q, 1, version);
    int rc = db_one(q, read_rules, out, "rule set", e);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    if (!version)
        return err_set(e, ERR_NOT_FOUND, "rules", "the database holds no rule set");
    return err_set(e, ERR_NOT_FOUND, "rules", "rule set version %d does not exist", version);
}

int store_rules_add(store_t *st, struct rules_row *r, struct err *e)
{
    /* PostgreSQL only: two writers adding a version at once would both read the same
     * max(version) under READ COMMITTED and one would fail on the key. SQLite's BEGIN
     * IMMEDIATE already lets one writer in at a time. */
    static const char pg_lock[] = "LOCK TABLE rule_sets IN EXCLUSIVE MODE";
    static const char sql[] =
        "INSERT INTO rule_sets (version, name, body, created_at, created_by) "
        "SELECT coalesce(max(version), 0) + 1, ?, ?, ?, ? FROM rule_sets RETURNING version";
    if (!r->body || !r->name[0])
        return err_set(e, ERR_INVALID, "rules", "a rule set needs a name and a body");
    if (db_write_allowed(st, e) < 0)
        return -1;
    struct db_stmt *q;
    if (db_engine(st->db) == DB_PG) {
        if (!(q = db_prep(st->db, pg_lock, 0, e)) || db_run(q, "cannot lock rule sets", e) < 0)
            return -1;
    }
    if (!(q = db_prep(st->db, sql, 0, e)))
        return -1;
    db_bind_text(q, 1, r->name);
    db_bind_text(q, 2, r->body);
    db_bind_int(q, 3, r->created_at);
    db_bind_text(q, 4, r->created_by);
    int rc = db_step(q, "cannot store rule set", e);
    if (rc < 0)
        return -1;
    if (rc > 0)
        r->version = (int)db_col_int(q, 0);
    db_done(q);
    return rc > 0 ? 0 : err_set(e, ERR_DB, "", "cannot store rule set: no version returned");
}

int store_rules_list(store_t *st, struct rules_row **out, size_t *n, struct err *e)
{
    static const char sql[] = "SELECT " RULES_COLS " FROM rule_sets ORDER BY version";
    *out = NULL;
    *n = 0;
    struct db_stmt *q = db_prep(st->db, sql, 0, e);
    if (!q)
        return -1;
    size_t cap = 0;
    int rc;
    while ((rc = db_step(q, "cannot list rule sets", e)) > 0) {
        xgrow((void **)out, &cap, *n + 1, sizeof(**out));
        read_rules(q, &(*out)[(*n)++]);
    }
    if (rc < 0) {
        for (size_t i = 0; i < *n; i++)
            rules_row_release(&(*out)[i]);
        free(*out);
        *out = NULL;
        *n = 0;
        return -1;
    }
    db_done(q);
    return 0;
}
