/* ops_text.c -- what the text methods keep: the MinHash bands of appeals and the candidates
 * for an appeal's duplicates (migration 0015), and the suggestion models (0016). Written once
 * over the driver (db.h) for both engines. */
#include "store/ops.h"

#include <stdlib.h>
#include <string.h>

#include "util/banned.h"

#define BANDS 16 /* SKETCH_BANDS of text/sketch.h; the service checks the two agree */

int store_bands_put(store_t *st, int64_t appeal_id, int64_t received_at, const int64_t *bands,
                    int n, struct err *e)
{
    /* One statement for all sixteen: at registration this is the whole cost of the sketch. */
    static const char ins[] =
        "INSERT INTO appeal_bands (band, received_at, appeal_id) VALUES "
        "(?, ?, ?), (?, ?, ?), (?, ?, ?), (?, ?, ?), (?, ?, ?), (?, ?, ?), (?, ?, ?), (?, ?, ?), "
        "(?, ?, ?), (?, ?, ?), (?, ?, ?), (?, ?, ?), (?, ?, ?), (?, ?, ?), (?, ?, ?), (?, ?, ?) "
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
        db_bind_int(q, 3 * i + 1, bands[i]);
        db_bind_int(q, 3 * i + 2, received_at);
        db_bind_int(q, 3 * i + 3, appeal_id);
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

struct cand {
    int64_t id, at;
    int hits; /* lookups that found it: bands shared, and BANDS for the phone or address */
};

static int cand_id(const void *x, const void *y)
{
    const struct cand *a = x, *b = y;
    return a->id < b->id ? -1 : a->id > b->id;
}

/* Most alike first (the more bands two texts share, the higher their Jaccard), then newest. */
static int cand_best(const void *x, const void *y)
{
    const struct cand *a = x, *b = y;
    if (a->hits != b->hits)
        return a->hits < b->hits ? 1 : -1;
    if (a->at != b->at)
        return a->at < b->at ? 1 : -1;
    return a->id < b->id ? 1 : a->id > b->id ? -1 : 0;
}

/* Adds the (id, received_at) rows of `q`, bound and ready, to c, each worth `hits`. */
static int collect(struct db_stmt *q, int hits, struct cand *c, size_t cap, size_t *n,
                   struct err *e)
{
    int rc;
    while ((rc = db_step(q, "cannot look for duplicates", e)) > 0)
        if (*n < cap)
            c[(*n)++] = (struct cand){db_col_int(q, 0), db_col_int(q, 1), hits};
    if (rc < 0)
        return -1;
    db_done(q);
    return 0;
}

int store_dup_candidates(store_t *st, int64_t self, const int64_t *bands, int n,
                         const char *phone, const char *address, int64_t from, int64_t to,
                         int64_t *ids, size_t max, size_t *found, struct err *e)
{
    /* Each lookup is an index range of the window, newest first and at most PER_KEY rows: a
     * band that thousands share (a stock phrase) costs no more than a rare one. Tried and
     * dropped: one statement over all sixteen bands, grouped per appeal, which reads every
     * row a popular band has in the window (3x slower when run at every registration). */
    enum { PER_KEY = 16 };
    static const char by_band[] =
        "SELECT appeal_id, received_at FROM appeal_bands WHERE band = ? AND received_at "
        "BETWEEN ? AND ? AND appeal_id <> ? ORDER BY received_at DESC LIMIT 16";
    static const char by_phone[] =
        "SELECT id, received_at FROM appeals WHERE phone = ? AND received_at BETWEEN ? AND ? "
        "AND id <> ? ORDER BY received_at DESC LIMIT 16";
    static const char by_address[] =
        "SELECT id, received_at FROM appeals WHERE address = ? AND received_at BETWEEN ? AND ? "
        "AND id <> ? ORDER BY received_at DESC LIMIT 16";
    *found = 0;
    if (n < 0 || n > BANDS)
        return err_set(e, ERR_INVALID, "bands", "%d bands (at most %d)", n, BANDS);
    struct cand c[(BANDS + 2) * PER_KEY];
    size_t nc = 0;
    const char *sql[BANDS + 2];
    const char *key[BANDS + 2] = {0};
    int nkeys = 0;
    for (int i = 0; i < n; i++)
        sql[nkeys++] = by_band;
    if (phone && *phone)
        key[nkeys] = phone, sql[nkeys++] = by_phone;
    if (address && *address)
        key[nkeys] = address, sql[nkeys++] = by_address;
    for (int k = 0; k < nkeys; k++) {
        struct db_stmt *q = db_prep(st->db, sql[k], 0, e);
        if (!q)
            return -1;
        if (key[k])
            db_bind_text(q, 1, key[k]);
        else
            db_bind_int(q, 1, bands[k]);
        db_bind_int(q, 2, from);
        db_bind_int(q, 3, to);
        db_bind_int(q, 4, self);
        if (collect(q, key[k] ? BANDS : 1, c, sizeof(c) / sizeof(c[0]), &nc, e) < 0)
            return -1;
    }
    /* One entry a candidate, its hits summed. */
    qsort(c, nc, sizeof(c[0]), cand_id);
    size_t m = 0;
    for (size_t i = 0; i < nc; i++) {
        if (m && c[m - 1].id == c[i].id)
            c[m - 1].hits += c[i].hits;
        else
            c[m++] = c[i];
    }
    qsort(c, m, sizeof(c[0]), cand_best);
    for (size_t i = 0; i < m && *found < max; i++)
        ids[(*found)++] = c[i].id;
    return 0;
}

int store_suspect_put(store_t *st, int64_t appeal_id, int64_t other_id, int score_milli,
                      struct err *e)
{
    static const char sql[] = "INSERT INTO appeal_suspects (appeal_id, other_id, score) "
                              "VALUES (?, ?, ?) ON CONFLICT (appeal_id) DO UPDATE SET "
                              "other_id = excluded.other_id, score = excluded.score";
    if (db_write_allowed(st, e) < 0)
        return -1;
    struct db_stmt *q = db_prep(st->db, sql, 0, e);
    if (!q)
        return -1;
    db_bind_int(q, 1, appeal_id);
    db_bind_int(q, 2, other_id);
    db_bind_int(q, 3, score_milli);
    return db_run(q, "cannot flag the appeal", e);
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
