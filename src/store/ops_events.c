/* ops_events.c -- the events of the hash chain and the chain head: written once over the
 * driver (db.h) for both engines.
 *
 * The chain stays one chain under several writing processes because the first read of the
 * head inside a write transaction takes the head's lock until commit: SQLite's BEGIN
 * IMMEDIATE admits one writer at a time already, and on PostgreSQL (READ COMMITTED) the
 * read is SELECT ... FOR UPDATE, so appends serialise on the chain_head row. Past the head
 * it found, the transaction's chain goes on with its own events (savepoints that rolled back
 * took theirs with them), and the row itself is rewritten once, at commit: thousands of
 * updates of one row in one transaction (a bulk load) would leave as many row versions,
 * which PostgreSQL cannot prune before commit and every read would walk. */
#include "store/ops.h"

#include <stdio.h>
#include <string.h>

#include "util/xalloc.h"

#include "util/banned.h"

#define HEAD_SQL "SELECT last_id, hash FROM chain_head WHERE one = 1"
/* Override: the row lock; SQLite has no FOR UPDATE and needs none (BEGIN IMMEDIATE). */
static const char pg_head_lock[] = HEAD_SQL " FOR UPDATE";

static int head_read(store_t *st, const char *sql, int64_t *id, char hash[65], struct err *e)
{
    struct db_stmt *q = db_prep(st->db, sql, 0, e);
    int rc = q ? db_step(q, "cannot read the chain head", e) : -1;
    if (rc < 0)
        return -1;
    if (rc > 0) {
        *id = db_col_int(q, 0);
        db_col_copy(q, 1, hash, 65);
    }
    db_done(q);
    if (rc == 0)
        return err_set(e, ERR_DB, "", "cannot read the chain head: no chain_head row");
    return 0;
}

/* The head as this write transaction first finds it, locked until it ends. */
static int head_lock(store_t *st, struct err *e)
{
    static const char sql[] = HEAD_SQL;
    const char *lock = db_engine(st->db) == DB_PG ? pg_head_lock : sql;
    if (head_read(st, lock, &st->head.id, st->head.hash, e) < 0)
        return -1;
    st->head.read = 1;
    return 0;
}

void chain_forget(store_t *st)
{
    memset(&st->head, 0, sizeof(st->head));
}

void chain_rollback(store_t *st)
{
    if (db_depth(st->db) == 0)
        chain_forget(st);
    else if (st->head.n)
        st->head.inexact = 1; /* the savepoint may have taken some of the appends along */
}

static int in_write_tx(store_t *st)
{
    return db_depth(st->db) > 0 && st->tx_write;
}

int store_chain_head(store_t *st, int64_t *last_id, char hash[65], struct err *e)
{
    static const char sql[] = HEAD_SQL;
    static const char sql_own[] =
        "SELECT id, hash FROM events WHERE id > ? ORDER BY id DESC LIMIT 1";
    if (!in_write_tx(st))
        return head_read(st, sql, last_id, hash, e);
    if (!st->head.read && head_lock(st, e) < 0)
        return -1;
    int own = st->head.n > 0;
    *last_id = own ? st->head.last_id : st->head.id;
    snprintf(hash, 65, "%s", own ? st->head.last_hash : st->head.hash);
    if (!st->head.inexact)
        return 0;
    struct db_stmt *q = db_prep(st->db, sql_own, 0, e);
    if (!q)
        return -1;
    db_bind_int(q, 1, st->head.id);
    int rc = db_step(q, "cannot read the chain head", e);
    if (rc < 0)
        return -1;
    *last_id = rc > 0 ? db_col_int(q, 0) : st->head.id;
    db_col_copy(q, 1, hash, 65);
    if (rc == 0)
        snprintf(hash, 65, "%s", st->head.hash);
    db_done(q);
    return 0;
}

/* Moves the head row to the last event this transaction appended. The plain update when
 * every append is still there; after an undone savepoint, the events say what is left
 * (none: nothing changes). */
int chain_commit(store_t *st, struct err *e)
{
    static const char sql_exact[] =
        "UPDATE chain_head SET last_id = ?, hash = ?, count = count + ? WHERE one = 1";
    static const char sql_events[] =
        "UPDATE chain_head SET last_id = l.id, hash = l.hash, count = chain_head.count + "
        "(SELECT count(*) FROM events WHERE id > ?) "
        "FROM (SELECT id, hash FROM events WHERE id > ? ORDER BY id DESC LIMIT 1) l "
        "WHERE one = 1";
    if (!st->head.n)
        return 0;
    struct db_stmt *q = db_prep(st->db, st->head.inexact ? sql_events : sql_exact, 0, e);
    if (!q)
        return -1;
    if (st->head.inexact) {
        db_bind_int(q, 1, st->head.id);
        db_bind_int(q, 2, st->head.id);
    } else {
        db_bind_int(q, 1, st->head.last_id);
        db_bind_text(q, 2, st->head.last_hash);
        db_bind_int(q, 3, st->head.n);
    }
    if (db_run(q, "cannot move the chain head", e) < 0)
        return -1;
    chain_forget(st);
    return 0;
}

int store_event_append(store_t *st, const struct event *ev, struct err *e)
{
    static const char sql[] =
        "INSERT INTO events (id, appeal_id, seq, at, actor_id, actor, action, from_state, "
        "to_state, details, prev_hash, hash, row_digest, subject, subject_id) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    static const char sql_head[] =
        "UPDATE chain_head SET last_id = ?, hash = ?, count = count + 1 WHERE one = 1";
    if (db_write_allowed(st, e) < 0)
        return -1;
    int in_tx = in_write_tx(st);
    if (in_tx && !st->head.read && head_lock(st, e) < 0)
        return -1;
    struct db_stmt *q = db_prep(st->db, sql, 0, e);
    if (!q)
        return -1;
    int subject = ev->subject[0] != 0;
    db_bind_int(q, 1, ev->id);
    db_bind_id(q, 2, subject ? 0 : ev->appeal_id);
    db_bind_int(q, 3, ev->seq);
    db_bind_int(q, 4, ev->at);
    db_bind_int(q, 5, ev->actor_id);
    db_bind_text(q, 6, ev->actor);
    db_bind_text(q, 7, ev->action);
    db_bind_int(q, 8, ev->from_state);
    db_bind_int(q, 9, ev->to_state);
    db_bind_text(q, 10, ev->details ? ev->details : "{}");
    db_bind_text(q, 11, ev->prev_hash);
    db_bind_text(q, 12, ev->hash);
    db_bind_text(q, 13, ev->row_digest);
    db_bind_text(q, 14, ev->subject);
    db_bind_id(q, 15, subject ? ev->subject_id : 0);
    if (db_run(q, "cannot append event", e) < 0)
        return -1;
    if (in_tx) { /* the head row is written at commit */
        st->head.n++;
        st->head.last_id = ev->id;
        snprintf(st->head.last_hash, sizeof(st->head.last_hash), "%s", ev->hash);
        return 0;
    }
    if (!(q = db_prep(st->db, sql_head, 0, e)))
        return -1;
    db_bind_int(q, 1, ev->id);
    db_bind_text(q, 2, ev->hash);
    return db_run(q, "cannot move the chain head", e);
}

#define EVENT_COLS                                                                                 \
    "SELECT id, appeal_id, seq, at, actor_id, actor, action, from_state, to_state, details, "      \
    "prev_hash, hash, row_digest, subject, subject_id FROM events"

/* With copy_details 0, ev->details is borrowed from the statement until its next step. */
static void read_event(struct db_stmt *q, struct event *ev, int copy_details)
{
    memset(ev, 0, sizeof(*ev));
    ev->id = db_col_int(q, 0);
    ev->appeal_id = db_col_int(q, 1);
    ev->seq = db_col_int(q, 2);
    ev->at = db_col_int(q, 3);
    ev->actor_id = db_col_int(q, 4);
    db_col_copy(q, 5, ev->actor, sizeof(ev->actor));
    db_col_copy(q, 6, ev->action, sizeof(ev->action));
    ev->from_state = (int)db_col_int(q, 7);
    ev->to_state = (int)db_col_int(q, 8);
    ev->details = copy_details ? db_col_dup(q, 9) : (char *)db_col_text(q, 9);
    db_col_copy(q, 10, ev->prev_hash, sizeof(ev->prev_hash));
    db_col_copy(q, 11, ev->hash, sizeof(ev->hash));
    db_col_copy(q, 12, ev->row_digest, sizeof(ev->row_digest));
    db_col_copy(q, 13, ev->subject, sizeof(ev->subject));
    ev->subject_id = db_col_int(q, 14);
}

static void read_event_item(struct db_stmt *q, void *item)
{
    read_event(q, item, 1);
}

/* subject NULL: the appeal `id`'s events; else that subject's. */
static int events_of(store_t *st, const char *subject, int64_t id, struct event_list *out,
                     struct err *e)
{
    static const char sql[] = EVENT_COLS " WHERE appeal_id = ? ORDER BY seq";
    static const char sql_subject[] = EVENT_COLS " WHERE subject = ? AND subject_id = ? ORDER BY seq";
    memset(out, 0, sizeof(*out));
    struct db_stmt *q = db_prep(st->db, subject ? sql_subject : sql, 0, e);
    if (!q)
        return -1;
    if (subject)
        db_bind_text(q, 1, subject);
    db_bind_int(q, subject ? 2 : 1, id);
    void *items = NULL;
    int rc = db_list(q, sizeof(struct event), read_event_item, &items, &out->n, "history", e);
    out->items = items;
    out->cap = out->n;
    return rc;
}

int store_events_of(store_t *st, int64_t appeal_id, struct event_list *out, struct err *e)
{
    return events_of(st, NULL, appeal_id, out, e);
}

int store_subject_events(store_t *st, const char *subject, int64_t id, struct event_list *out,
                         struct err *e)
{
    if (!subject || !subject[0])
        return err_set(e, ERR_INVALID, "subject", "no subject named for its events");
    return events_of(st, subject, id, out, e);
}

int store_event_scan(store_t *st, int (*cb)(const struct event *ev, void *ctx), void *ctx,
                     struct err *e)
{
    static const char sql[] = EVENT_COLS " WHERE id > ? ORDER BY id LIMIT ?";
    int64_t batch = db_scan_batch(st->db), after = INT64_MIN, rows;
    do {
        struct db_stmt *q = db_prep(st->db, sql, 0, e);
        if (!q)
            return -1;
        db_bind_int(q, 1, after);
        db_bind_int(q, 2, batch);
        int rc = 0;
        struct event ev;
        for (rows = 0; (rc = db_step(q, "cannot scan events", e)) > 0; rows++) {
            read_event(q, &ev, 0);
            after = ev.id;
            if (cb(&ev, ctx)) {
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
