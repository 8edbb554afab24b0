/* ops_text.c -- what the text methods keep: the MinHash bands of appeals and the candidates
 * for an appeal's duplicates (migration 0015), and the suggestion models (0016). Written once
 * over the driver (db.h) for both engines. */
#include "store/ops.h"

#include <string.h>

#include "util/banned.h"

#define BANDS 16 /* SKETCH_BANDS of text/sketch.h; the service checks the two agree */

int store_bands_put(store_t *st, int64_t appeal_id, const int64_t *bands, int n, struct err *e)
{
    /* One statement for all sixteen: at registration this is the whole cost of the sketch. */
    static const char ins[] = "INSERT INTO appeal_bands (band, appeal_id) VALUES "
                              "(?, ?), (?, ?), (?, ?), (?, ?), (?, ?), (?, ?), (?, ?), (?, ?), "
                              "(?, ?), (?, ?), (?, ?), (?, ?), (?, ?), (?, ?), (?, ?), (?, ?) "
                              "ON CONFLICT DO NOTHING";
    if (n != 0 && n != BANDS)
        return err_set(e, ERR_INVALID, "bands", "%d bands (want 0 or %d)", n, BANDS);
    if (n == 0)
        return 0;
    if (db_write_allowed(st, e) < 0)
        return -1;
    struct db_stmt *q = db_prep(st->db, ins, 0, e);
    if (!q)
        return -1;
    for (int i = 0; i < BANDS; i++) {
        db_bind_int(q, 2 * i + 1, bands[i]);
        db_bind_int(q, 2 * i + 2, appeal_id);
    }
    return db_run(q, "cannot store the appeal's bands", e);
}

int store_bands_clear(store_t *st, struct err *e)
{
    static const char sql[] = "DELETE FROM appeal_bands";
    if (db_write_allowed(st, e) < 0)
        return -1;
    struct db_stmt *q = db_prep(st->db, sql, 0, e);
    return q ? db_run(q, "cannot clear the bands", e) : -1;
}

int store_dup_candidates(store_t *st, int64_t self, const int64_t *bands, int n,
                         const char *phone, const char *address, int64_t from, int64_t to,
                         int64_t *ids, size_t max, size_t *found, struct err *e)
{
    /* A band is shared whatever the time; the window is applied once, outside. The phone
     * and address lookups use their (column, received_at) indexes. */
    static const char sql[] =
        "SELECT id FROM appeals WHERE id IN ("
        "  SELECT appeal_id FROM appeal_bands"
        "   WHERE band IN (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        "  UNION SELECT id FROM appeals WHERE phone = ? AND received_at BETWEEN ? AND ?"
        "  UNION SELECT id FROM appeals WHERE address = ? AND received_at BETWEEN ? AND ?)"
        " AND id <> ? AND received_at BETWEEN ? AND ?"
        " ORDER BY received_at DESC, id DESC LIMIT ?";
    *found = 0;
    if (n < 0 || n > BANDS)
        return err_set(e, ERR_INVALID, "bands", "%d bands (at most %d)", n, BANDS);
    struct db_stmt *q = db_prep(st->db, sql, 0, e);
    if (!q)
        return -1;
    int i = 1;
    for (int b = 0; b < BANDS; b++, i++) {
        if (b < n)
            db_bind_int(q, i, bands[b]);
        else
            db_bind_text(q, i, NULL);
    }
    const char *keys[2] = {phone && *phone ? phone : NULL, address && *address ? address : NULL};
    for (int k = 0; k < 2; k++) {
        db_bind_text(q, i++, keys[k]);
        db_bind_int(q, i++, from);
        db_bind_int(q, i++, to);
    }
    db_bind_int(q, i++, self);
    db_bind_int(q, i++, from);
    db_bind_int(q, i++, to);
    db_bind_int(q, i, (int64_t)max);
    int rc;
    while ((rc = db_step(q, "cannot look for duplicates", e)) > 0)
        if (*found < max)
            ids[(*found)++] = db_col_int(q, 0);
    if (rc < 0)
        return -1;
    db_done(q);
    return 0;
}

/* ---- suggestion models (migration 0016) ---- */
int store_model_put(store_t *st, const char *name, int64_t trained_at, int64_t examples,
                    const char *data, struct err *e)
{
    static const char sql[] =
        "INSERT INTO models (name, trained_at, examples, data) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (name) DO UPDATE SET trained_at = excluded.trained_at, "
        "examples = excluded.examples, data = excluded.data";
    if (db_write_allowed(st, e) < 0)
        return -1;
    struct db_stmt *q = db_prep(st->db, sql, 0, e);
    if (!q)
        return -1;
    db_bind_text(q, 1, name);
    db_bind_int(q, 2, trained_at);
    db_bind_int(q, 3, examples);
    db_bind_text(q, 4, data);
    return db_run(q, "cannot store the model", e);
}

int store_model_get(store_t *st, const char *name, int64_t *trained_at, int64_t *examples,
                    char **data, struct err *e)
{
    static const char with[] = "SELECT trained_at, examples, data FROM models WHERE name = ?";
    static const char without[] = "SELECT trained_at, examples FROM models WHERE name = ?";
    struct db_stmt *q = db_prep(st->db, data ? with : without, 0, e);
    if (!q)
        return -1;
    db_bind_text(q, 1, name);
    int rc = db_step(q, "cannot read the model", e);
    if (rc <= 0) {
        if (rc == 0)
            db_done(q);
        return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "model", "no model '%s' (run shishi learn)", name);
    }
    *trained_at = db_col_int(q, 0);
    *examples = db_col_int(q, 1);
    if (data)
        *data = db_col_dup(q, 2);
    db_done(q);
    return 0;
}
