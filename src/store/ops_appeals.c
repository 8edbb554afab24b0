/* ops_appeals.c -- appeals: insert, optimistic update, reads by id and by code, the
 * filtered list, and the scans of rows and of report facts. Written once over the driver
 * (db.h) for both engines; three small dialect overrides sit beside the shared text. */
#include "store/ops.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xalloc.h"

#include "util/banned.h"

#define APPEAL_COLS                                                                                \
    "id, code, title, content, channel_id, coalesce(area_id, 0), kind, urgency, complex, "         \
    "citizen_name, phone, id_number, address, state, coalesce(lead_unit_id, 0), received_at, "     \
    "dispatched_at, sign_deadline, accepted_at, deadline, replied_at, visited_at, closed_at, "     \
    "ext_requested, ext_count, urge_count, supervise_level, redo_count, return_count, "            \
    "coalesce(merged_into, 0), reply_text, visit_solved, visit_satisfaction, evidence_count, "     \
    "version, last_seq, updated_at, contacted_at, "

/* The assisting units ride along as a last column, "id,id,..." in the order given, so one
 * statement reads an appeal whole. Override: neither engine spells an ordered string
 * aggregate the other's way (SQLite 3.40 has group_concat and no ORDER BY inside an
 * aggregate; PostgreSQL has string_agg and no group_concat). */
#define LITE_ASSIST                                                                                \
    "(SELECT group_concat(unit_id) FROM (SELECT unit_id FROM appeal_units "                       \
    "WHERE appeal_id = appeals.id AND role = 'assist' ORDER BY rowid)) FROM appeals"
#define PG_ASSIST                                                                                  \
    "(SELECT string_agg(au.unit_id::text, ',' ORDER BY au.rowid) FROM appeal_units au "            \
    "WHERE au.appeal_id = appeals.id AND au.role = 'assist') FROM appeals"

enum { BY_ID, BY_CODE, BY_PAGE, UNFILTERED };
static const char *const lite_appeal_sql[] = {
    [BY_ID] = "SELECT " APPEAL_COLS LITE_ASSIST " WHERE id = ?",
    [BY_CODE] = "SELECT " APPEAL_COLS LITE_ASSIST " WHERE code = ?",
    [BY_PAGE] = "SELECT " APPEAL_COLS LITE_ASSIST " WHERE id > ? ORDER BY id LIMIT ?",
    [UNFILTERED] = "SELECT " APPEAL_COLS LITE_ASSIST,
};
static const char *const pg_appeal_sql[] = {
    [BY_ID] = "SELECT " APPEAL_COLS PG_ASSIST " WHERE id = ?",
    [BY_CODE] = "SELECT " APPEAL_COLS PG_ASSIST " WHERE code = ?",
    [BY_PAGE] = "SELECT " APPEAL_COLS PG_ASSIST " WHERE id > ? ORDER BY id LIMIT ?",
    [UNFILTERED] = "SELECT " APPEAL_COLS PG_ASSIST,
};

static const char *appeal_sql(store_t *st, int which)
{
    return (db_engine(st->db) == DB_PG ? pg_appeal_sql : lite_appeal_sql)[which];
}

static void read_appeal(struct db_stmt *q, void *item)
{
    struct appeal *a = item;
    appeal_init(a);
    int i = 0;
    a->id = db_col_int(q, i++);
    db_col_copy(q, i++, a->code, sizeof(a->code));
    a->title = db_col_dup(q, i++);
    a->content = db_col_dup(q, i++);
    a->channel_id = db_col_int(q, i++);
    a->area_id = db_col_int(q, i++);
    a->kind = (int)db_col_int(q, i++);
    a->urgency = (int)db_col_int(q, i++);
    a->complex = (int)db_col_int(q, i++);
    a->citizen_name = db_col_dup(q, i++);
    a->phone = db_col_dup(q, i++);
    a->id_number = db_col_dup(q, i++);
    a->address = db_col_dup(q, i++);
    a->state = (int)db_col_int(q, i++);
    a->lead_unit_id = db_col_int(q, i++);
    int64_t *times[] = {&a->received_at, &a->dispatched_at, &a->sign_deadline,
                        &a->accepted_at, &a->deadline,      &a->replied_at,
                        &a->visited_at,  &a->closed_at,     &a->ext_requested};
    for (size_t k = 0; k < sizeof(times) / sizeof(times[0]); k++)
        *times[k] = db_col_int(q, i++);
    int *counts[] = {&a->ext_count, &a->urge_count, &a->supervise_level, &a->redo_count,
                     &a->return_count};
    for (size_t k = 0; k < sizeof(counts) / sizeof(counts[0]); k++)
        *counts[k] = (int)db_col_int(q, i++);
    a->merged_into = db_col_int(q, i++);
    a->reply_text = db_col_dup(q, i++);
    a->visit_solved = (int)db_col_int(q, i++);
    a->visit_satisfaction = (int)db_col_int(q, i++);
    a->evidence_count = (int)db_col_int(q, i++);
    a->version = db_col_int(q, i++);
    a->last_seq = db_col_int(q, i++);
    a->updated_at = db_col_int(q, i++);
    a->contacted_at = db_col_int(q, i++);
    const char *p = db_col_text(q, i++);
    while (*p && a->n_assist < APPEAL_MAX_ASSIST) {
        char *end;
        a->assist[a->n_assist++] = strtoll(p, &end, 10);
        if (end == p)
            break;
        p = *end == ',' ? end + 1 : end;
    }
}

/* Binds every mutable column from position `i` on, in APPEAL_COLS order after `code`. */
static int bind_appeal(struct db_stmt *q, const struct appeal *a, int i)
{
    db_bind_text(q, i++, a->title);
    db_bind_text(q, i++, a->content);
    db_bind_int(q, i++, a->channel_id);
    db_bind_id(q, i++, a->area_id);
    db_bind_int(q, i++, a->kind);
    db_bind_int(q, i++, a->urgency);
    db_bind_int(q, i++, a->complex);
    db_bind_text(q, i++, a->citizen_name);
    db_bind_text(q, i++, a->phone);
    db_bind_text(q, i++, a->id_number);
    db_bind_text(q, i++, a->address);
    db_bind_int(q, i++, a->state);
    db_bind_id(q, i++, a->lead_unit_id);
    const int64_t nums[] = {a->received_at, a->dispatched_at, a->sign_deadline,
                            a->accepted_at, a->deadline,      a->replied_at,
                            a->visited_at,  a->closed_at,     a->ext_requested,
                            a->ext_count,   a->urge_count,    a->supervise_level,
                            a->redo_count,  a->return_count};
    for (size_t k = 0; k < sizeof(nums) / sizeof(nums[0]); k++)
        db_bind_int(q, i++, nums[k]);
    db_bind_id(q, i++, a->merged_into);
    db_bind_text(q, i++, a->reply_text);
    const int64_t tail[] = {a->visit_solved, a->visit_satisfaction, a->evidence_count,
                            a->version,      a->last_seq,           a->updated_at,
                            a->contacted_at};
    for (size_t k = 0; k < sizeof(tail) / sizeof(tail[0]); k++)
        db_bind_int(q, i++, tail[k]);
    return i;
}

/* Rewrites the appeal's lead and assisting units. */
static int write_units(store_t *st, const struct appeal *a, struct err *e)
{
    static const char sql_del[] = "DELETE FROM appeal_units WHERE appeal_id = ?";
    static const char sql_add[] =
        "INSERT INTO appeal_units (appeal_id, unit_id, role) VALUES (?, ?, ?)";
    struct db_stmt *q = db_prep(st->db, sql_del, 0, e);
    if (!q)
        return -1;
    db_bind_int(q, 1, a->id);
    if (db_run(q, "cannot update appeal units", e) < 0)
        return -1;
    for (int k = -1; a->lead_unit_id && k < a->n_assist; k++) {
        if (!(q = db_prep(st->db, sql_add, 0, e)))
            return -1;
        db_bind_int(q, 1, a->id);
        db_bind_int(q, 2, k < 0 ? a->lead_unit_id : a->assist[k]);
        db_bind_text(q, 3, k < 0 ? "lead" : "assist");
        if (db_run(q, "cannot record appeal unit", e) < 0)
            return -1;
    }
    return 0;
}

#define APPEAL_INSERT                                                                              \
    "INSERT INTO appeals (code, title, content, channel_id, area_id, kind, urgency, complex, "     \
    "citizen_name, phone, id_number, address, state, lead_unit_id, received_at, "                  \
    "dispatched_at, sign_deadline, accepted_at, deadline, replied_at, visited_at, closed_at, "     \
    "ext_requested, ext_count, urge_count, supervise_level, redo_count, return_count, "            \
    "merged_into, reply_text, visit_solved, visit_satisfaction, evidence_count, version, "         \
    "last_seq, updated_at, contacted_at) "                                                         \
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
/* Override: PostgreSQL names the new id through RETURNING; SQLite runs RETURNING through
 * an ephemeral table (25-43 us against 9-14 us, bench/README.md) and has the rowid free. */
static const char lite_insert[] = APPEAL_INSERT;
static const char pg_insert[] = APPEAL_INSERT " RETURNING id";

int store_appeal_insert(store_t *st, struct appeal *a, struct err *e)
{
    if (db_write_allowed(st, e) < 0)
        return -1;
    struct db_stmt *q =
        db_prep(st->db, db_engine(st->db) == DB_PG ? pg_insert : lite_insert, 0, e);
    if (!q)
        return -1;
    db_bind_text(q, 1, a->code);
    bind_appeal(q, a, 2);
    if (db_step(q, "cannot insert appeal", e) < 0)
        return -1;
    a->id = db_inserted_id(q);
    db_done(q);
    return write_units(st, a, e);
}

int store_appeal_update(store_t *st, const struct appeal *a, int64_t expected_version,
                        struct err *e)
{
    static const char sql[] =
        "UPDATE appeals SET title=?, content=?, channel_id=?, area_id=?, kind=?, urgency=?, "
        "complex=?, citizen_name=?, phone=?, id_number=?, address=?, state=?, lead_unit_id=?, "
        "received_at=?, dispatched_at=?, sign_deadline=?, accepted_at=?, deadline=?, "
        "replied_at=?, visited_at=?, closed_at=?, ext_requested=?, ext_count=?, urge_count=?, "
        "supervise_level=?, redo_count=?, return_count=?, merged_into=?, reply_text=?, "
        "visit_solved=?, visit_satisfaction=?, evidence_count=?, version=?, last_seq=?, "
        "updated_at=?, contacted_at=? "
        "WHERE id = ? AND version = ?";
    if (db_write_allowed(st, e) < 0)
        return -1;
    struct db_stmt *q = db_prep(st->db, sql, 0, e);
    if (!q)
        return -1;
    int i = bind_appeal(q, a, 1);
    db_bind_int(q, i++, a->id);
    db_bind_int(q, i++, expected_version);
    if (db_step(q, "cannot update appeal", e) < 0)
        return -1;
    int64_t changed = db_changes(q);
    db_done(q);
    if (changed != 1)
        return err_set(e, ERR_CONFLICT, "version",
                       "appeal %s was changed by someone else (expected version %lld)", a->code,
                       (long long)expected_version);
    return write_units(st, a, e);
}

int store_appeal_get(store_t *st, int64_t id, struct appeal *a, struct err *e)
{
    struct db_stmt *q = db_prep(st->db, appeal_sql(st, BY_ID), 0, e);
    if (!q)
        return -1;
    db_bind_int(q, 1, id);
    int rc = db_one(q, read_appeal, a, "appeal", e);
    if (rc == 0)
        return err_set(e, ERR_NOT_FOUND, "appeal", "unknown appeal id %lld", (long long)id);
    return rc < 0 ? -1 : 0;
}

int store_appeal_by_code(store_t *st, const char *code, struct appeal *a, struct err *e)
{
    struct db_stmt *q = db_prep(st->db, appeal_sql(st, BY_CODE), 0, e);
    if (!q)
        return -1;
    db_bind_text(q, 1, code);
    int rc = db_one(q, read_appeal, a, "appeal", e);
    if (rc == 0)
        return err_set(e, ERR_NOT_FOUND, "appeal", "unknown appeal '%s'", code);
    return rc < 0 ? -1 : 0;
}

/* Override: the row locks, on PostgreSQL only. SQLite has no FOR UPDATE and needs none: the
 * caller's BEGIN IMMEDIATE already holds the one write lock, so there nothing is run. */
static const char pg_merge_lock[] =
    "SELECT id FROM appeals WHERE code IN (?, ?) ORDER BY id FOR UPDATE";

int store_appeals_lock(store_t *st, const char *a, const char *b, struct err *e)
{
    if (db_engine(st->db) != DB_PG)
        return 0;
    struct db_stmt *q = db_prep(st->db, pg_merge_lock, 0, e);
    if (!q)
        return -1;
    db_bind_text(q, 1, a);
    db_bind_text(q, 2, b);
    int rc;
    while ((rc = db_step(q, "cannot lock the appeals", e)) > 0)
        ;
    db_done(q);
    return rc < 0 ? -1 : 0;
}

int store_appeal_joined(store_t *st, int64_t id, int64_t *n, struct err *e)
{
    struct db_stmt *q =
        db_prep(st->db, "SELECT count(*) FROM appeals WHERE merged_into = ?", 0, e);
    if (!q)
        return -1;
    db_bind_int(q, 1, id);
    int rc = db_step(q, "cannot count the merged appeals", e);
    *n = rc > 0 ? db_col_int(q, 0) : 0;
    db_done(q);
    return rc < 0 ? -1 : 0;
}

/* ---- the filtered list ---- */

/* A list query's WHERE clause and its values, in the order they are bound. */
struct where {
    struct buf sql;
    struct value v[20];
    int n;
};

static void cond(struct where *w, const char *sql, int nvals, int64_t a, int64_t b)
{
    buf_adds(&w->sql, sql);
    for (int k = 0; k < nvals; k++)
        w->v[w->n++] = (struct value){.type = VAL_INT, .i = k ? b : a};
}

/* Override: SQLite has instr() and no strpos(), PostgreSQL strpos() and no instr(). */
static const char lite_q[] = " AND (instr(code, ?) > 0 OR instr(title, ?) > 0 OR "
                             "instr(coalesce(content, ''), ?) > 0)";
static const char pg_q[] = " AND (strpos(code, ?) > 0 OR strpos(title, ?) > 0 OR "
                           "strpos(coalesce(content, ''), ?) > 0)";

static void filter_where(store_t *st, const struct appeal_filter *f, struct where *w)
{
    static const char in_unit[] =
        " AND id IN (SELECT appeal_id FROM appeal_units WHERE unit_id = ?)";
    static const char unreplied[] = " AND replied_at = 0 AND state IN (2, 3, 7)";
    buf_adds(&w->sql, " WHERE 1=1");
    if (f->state)
        cond(w, " AND state = ?", 1, f->state, 0);
    if (f->unit_id)
        cond(w, in_unit, 1, f->unit_id, 0);
    if (f->scope_unit)
        cond(w, in_unit, 1, f->scope_unit, 0);
    if (f->lead_under)
        cond(w,
             " AND lead_unit_id IN (WITH RECURSIVE sub(id) AS (SELECT CAST(? AS BIGINT) "
             "UNION SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id) "
             "SELECT id FROM sub)",
             1, f->lead_under, 0);
    if (f->area_id)
        cond(w, " AND area_id = ?", 1, f->area_id, 0);
    if (f->channel_id)
        cond(w, " AND channel_id = ?", 1, f->channel_id, 0);
    if (f->overdue)
        cond(w,
             " AND deadline > 0 AND ((replied_at = 0 AND state IN (2, 3, 7) AND deadline < ?) "
             "OR replied_at > deadline)",
             1, f->now, 0);
    if (f->due_soon) {
        buf_adds(&w->sql, unreplied);
        cond(w, " AND deadline >= ? AND deadline < ?", 2, f->now, f->now + DUE_SOON_SECONDS);
    }
    if (f->ext_pending)
        buf_adds(&w->sql, " AND state = 3 AND ext_requested > 0");
    if (f->suspect)
        buf_adds(&w->sql, " AND id IN (SELECT appeal_id FROM appeal_suspects)");
    if (f->q && *f->q) {
        buf_adds(&w->sql, db_engine(st->db) == DB_PG ? pg_q : lite_q);
        for (int k = 0; k < 3; k++) /* code, title, content */
            w->v[w->n++] = (struct value){.type = VAL_TEXT, .s = f->q};
    }
    if (f->from)
        cond(w, " AND received_at >= ?", 1, f->from, 0);
    if (f->to)
        cond(w, " AND received_at < ?", 1, f->to, 0);
}

/* Prepares `sql` for one use and binds the filter's values. */
static struct db_stmt *prep_where(store_t *st, const struct buf *sql, const struct where *w,
                                  struct err *e)
{
    struct db_stmt *q = db_prep(st->db, sql->ptr, DB_ONCE, e);
    for (int k = 0; q && k < w->n; k++)
        db_bind(q, k + 1, &w->v[k]);
    return q;
}

int store_appeal_list(store_t *st, const struct appeal_filter *f, struct appeal_list *out,
                      struct err *e)
{
    static const char *const order[] = {"received_at", "deadline", "code", "state"};
    memset(out, 0, sizeof(*out));
    struct where w = {.sql = BUF_INIT};
    filter_where(st, f, &w);
    struct buf sql = BUF_INIT;
    buf_addf(&sql, "SELECT count(*) FROM appeals%s", w.sql.ptr);
    struct db_stmt *q = prep_where(st, &sql, &w, e);
    int rc = q ? db_step(q, "cannot list appeals", e) : -1;
    if (rc >= 0) {
        out->total = rc > 0 ? db_col_int(q, 0) : 0;
        db_done(q);
        int sort = f->sort >= 0 && f->sort <= SORT_STATE ? f->sort : 0;
        const char *dir = f->desc ? "DESC" : "ASC";
        buf_reset(&sql);
        buf_addf(&sql, "%s%s ORDER BY %s %s, id %s LIMIT ? OFFSET ?",
                 appeal_sql(st, UNFILTERED), w.sql.ptr, order[sort], dir, dir);
        q = prep_where(st, &sql, &w, e);
        rc = q ? 0 : -1;
    }
    if (rc >= 0) {
        db_bind_int(q, w.n + 1, f->limit > 0 ? f->limit : INT64_MAX);
        db_bind_int(q, w.n + 2, f->offset > 0 ? f->offset : 0);
        void *items = NULL;
        rc = db_list(q, sizeof(struct appeal), read_appeal, &items, &out->n, "appeals", e);
        out->items = items;
        out->cap = out->n;
    }
    buf_release(&sql);
    buf_release(&w.sql);
    return rc < 0 ? -1 : 0;
}

/* ---- scans, in pages of db_scan_batch() rows ---- */

int store_appeal_scan(store_t *st, int (*cb)(const struct appeal *a, void *ctx), void *ctx,
                      struct err *e)
{
    int64_t batch = db_scan_batch(st->db), after = INT64_MIN, rows;
    do {
        struct db_stmt *q = db_prep(st->db, appeal_sql(st, BY_PAGE), 0, e);
        if (!q)
            return -1;
        db_bind_int(q, 1, after);
        db_bind_int(q, 2, batch);
        int rc = 0, stop = 0;
        struct appeal a;
        for (rows = 0; !stop && (rc = db_step(q, "cannot scan appeals", e)) > 0; rows++) {
            read_appeal(q, &a);
            after = a.id;
            stop = cb(&a, ctx);
            appeal_release(&a);
        }
        if (!stop && rc < 0)
            return -1;
        db_done(q);
        if (stop)
            return 0;
    } while (rows == batch);
    return 0;
}

#define FACT_COLS                                                                                  \
    "id, code, state, kind, urgency, channel_id, coalesce(area_id, 0), "                           \
    "coalesce(lead_unit_id, 0), received_at, dispatched_at, deadline, sign_deadline, "             \
    "accepted_at, replied_at, visit_solved, visit_satisfaction, urge_count, supervise_level, "    \
    "redo_count, contacted_at"
/* The pages walk the received_at index by (received_at, id): paging by id alone made every
 * page scan the whole period again, and a year's report grew with the square of its
 * appeals. */
#define FACT_PAGE                                                                                  \
    " FROM appeals WHERE received_at >= ? AND received_at < ? AND (received_at, id) > (?, ?) "     \
    "ORDER BY received_at, id LIMIT ?"

static void read_fact(struct db_stmt *q, struct appeal_fact *f, int flags)
{
    int64_t v[18]; /* the integer columns after id and code, in FACT_COLS order */
    memset(f, 0, sizeof(*f));
    f->id = db_col_int(q, 0);
    db_col_copy(q, 1, f->code, sizeof(f->code));
    db_col_ints(q, 2, 18, v);
    int *small[] = {&f->state, &f->kind, &f->urgency};
    for (int k = 0; k < 3; k++)
        *small[k] = (int)v[k];
    int64_t *big[] = {&f->channel_id,    &f->area_id,  &f->lead_unit_id,  &f->received_at,
                      &f->dispatched_at, &f->deadline, &f->sign_deadline, &f->accepted_at,
                      &f->replied_at};
    for (int k = 0; k < 9; k++)
        *big[k] = v[3 + k];
    int *counts[] = {&f->visit_solved, &f->visit_satisfaction, &f->urge_count,
                     &f->supervise_level, &f->redo_count};
    for (int k = 0; k < 5; k++)
        *counts[k] = (int)v[12 + k];
    f->contacted_at = v[17];
    if (flags & FACT_TEXT) { /* borrowed from the statement for the callback */
        f->title = db_col_text(q, 20);
        f->citizen_name = db_col_text(q, 21);
        f->phone = db_col_text(q, 22);
    }
}

int store_fact_scan(store_t *st, int64_t from, int64_t to, int flags,
                    int (*cb)(const struct appeal_fact *f, void *ctx), void *ctx, struct err *e)
{
    static const char sql[] = "SELECT " FACT_COLS FACT_PAGE;
    static const char sql_text[] = "SELECT " FACT_COLS ", title, citizen_name, phone" FACT_PAGE;
    int64_t batch = db_scan_batch(st->db), after_at = from - 1, after = 0, rows;
    do {
        struct db_stmt *q = db_prep(st->db, flags & FACT_TEXT ? sql_text : sql, 0, e);
        if (!q)
            return -1;
        const int64_t args[] = {from, to, after_at, after, batch};
        for (int k = 0; k < 5; k++)
            db_bind_int(q, k + 1, args[k]);
        int rc = 0;
        struct appeal_fact f;
        for (rows = 0; (rc = db_step(q, "cannot scan appeals", e)) > 0; rows++) {
            read_fact(q, &f, flags);
            after_at = f.received_at;
            after = f.id;
            if (cb(&f, ctx)) {
                db_done(q);
                return 0;
            }
        }
        if (rc < 0)
            return -1;
        db_done(q);
    } while (rows == batch);
    return 0;
}
