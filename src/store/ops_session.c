/* ops_session.c -- sessions, login throttles and request-rate windows: written once over
 * the driver (db.h) for both engines. */
#include "store/ops.h"

#include <string.h>

#include "util/banned.h"

/* A write of one statement with one parameter: `text`, or `num` when text is NULL. */
static int write_one(store_t *st, const char *sql, const char *text, int64_t num,
                     const char *what, struct err *e)
{
    if (db_write_allowed(st, e) < 0)
        return -1;
    struct db_stmt *q = db_prep(st->db, sql, 0, e);
    if (!q)
        return -1;
    if (text)
        db_bind_text(q, 1, text);
    else
        db_bind_int(q, 1, num);
    return db_run(q, what, e);
}

int store_session_add(store_t *st, const struct session_row *s, struct err *e)
{
    static const char sql[] = "INSERT INTO sessions (token_hash, user_id, csrf, created_at, "
                              "expires_at) VALUES (?, ?, ?, ?, ?)";
    if (db_write_allowed(st, e) < 0)
        return -1;
    struct db_stmt *q = db_prep(st->db, sql, 0, e);
    if (!q)
        return -1;
    db_bind_text(q, 1, s->token_hash);
    db_bind_int(q, 2, s->user_id);
    db_bind_text(q, 3, s->csrf);
    db_bind_int(q, 4, s->created_at);
    db_bind_int(q, 5, s->expires_at);
    return db_run(q, "cannot create session", e);
}

static void read_session(struct db_stmt *q, void *item)
{
    struct session_row *s = item;
    db_col_copy(q, 0, s->token_hash, sizeof(s->token_hash));
    s->user_id = db_col_int(q, 1);
    db_col_copy(q, 2, s->csrf, sizeof(s->csrf));
    s->created_at = db_col_int(q, 3);
    s->expires_at = db_col_int(q, 4);
}

int store_session_get(store_t *st, const char *token_hash, struct session_row *s,
                      struct err *e)
{
    static const char sql[] = "SELECT token_hash, user_id, csrf, created_at, expires_at "
                              "FROM sessions WHERE token_hash = ?";
    struct db_stmt *q = db_prep(st->db, sql, 0, e);
    if (!q)
        return -1;
    db_bind_text(q, 1, token_hash);
    int rc = db_one(q, read_session, s, "session", e);
    if (rc == 0)
        return err_set(e, ERR_NOT_FOUND, "session", "no such session");
    return rc < 0 ? -1 : 0;
}

int store_session_delete(store_t *st, const char *token_hash, struct err *e)
{
    static const char sql[] = "DELETE FROM sessions WHERE token_hash = ?";
    return write_one(st, sql, token_hash, 0, "cannot delete session", e);
}

int store_session_purge(store_t *st, int64_t now, struct err *e)
{
    static const char sql[] = "DELETE FROM sessions WHERE expires_at < ?";
    return write_one(st, sql, NULL, now, "cannot purge sessions", e);
}

static void read_throttle(struct db_stmt *q, void *item)
{
    struct throttle *t = item;
    t->failures = (int)db_col_int(q, 0);
    t->last_at = db_col_int(q, 1);
    t->locked_until = db_col_int(q, 2);
}

int store_throttle_get(store_t *st, const char *key, struct throttle *t, struct err *e)
{
    static const char sql[] =
        "SELECT failures, last_at, locked_until FROM login_failures WHERE key = ?";
    memset(t, 0, sizeof(*t));
    struct db_stmt *q = db_prep(st->db, sql, 0, e);
    if (!q)
        return -1;
    db_bind_text(q, 1, key);
    return db_one(q, read_throttle, t, "login failures", e) < 0 ? -1 : 0;
}

int store_throttle_put(store_t *st, const char *key, const struct throttle *t, struct err *e)
{
    static const char sql[] =
        "INSERT INTO login_failures (key, failures, last_at, locked_until) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, last_at = "
        "excluded.last_at, locked_until = excluded.locked_until";
    if (db_write_allowed(st, e) < 0)
        return -1;
    struct db_stmt *q = db_prep(st->db, sql, 0, e);
    if (!q)
        return -1;
    db_bind_text(q, 1, key);
    db_bind_int(q, 2, t->failures);
    db_bind_int(q, 3, t->last_at);
    db_bind_int(q, 4, t->locked_until);
    return db_run(q, "cannot record login failure", e);
}

int store_throttle_clear(store_t *st, const char *key, struct err *e)
{
    static const char sql[] = "DELETE FROM login_failures WHERE key = ?";
    return write_one(st, sql, key, 0, "cannot clear login failures", e);
}

/* The key's counters, held until the transaction ends. The zero row is inserted first so
 * that even a key's first failures are serialised: PostgreSQL's FOR UPDATE locks only rows
 * that exist. */
int store_throttle_lock(store_t *st, const char *key, struct throttle *t, struct err *e)
{
    static const char sql_seed[] =
        "INSERT INTO login_failures (key, failures, last_at, locked_until) "
        "VALUES (?, 0, 0, 0) ON CONFLICT (key) DO NOTHING";
    /* PostgreSQL only: the row lock that serialises two logins of one key under READ
     * COMMITTED. SQLite has no FOR UPDATE and needs none: the caller is inside BEGIN
     * IMMEDIATE, which admits one writer at a time. */
    static const char pg_for_update[] =
        "SELECT failures, last_at, locked_until FROM login_failures WHERE key = ? FOR UPDATE";
    memset(t, 0, sizeof(*t));
    if (write_one(st, sql_seed, key, 0, "cannot record login attempt", e) < 0)
        return -1;
    if (db_engine(st->db) != DB_PG)
        return store_throttle_get(st, key, t, e);
    struct db_stmt *q = db_prep(st->db, pg_for_update, 0, e);
    if (!q)
        return -1;
    db_bind_text(q, 1, key);
    return db_one(q, read_throttle, t, "login failures", e) < 0 ? -1 : 0;
}

int store_session_end_user(store_t *st, int64_t user_id, struct err *e)
{
    static const char sql[] = "DELETE FROM sessions WHERE user_id = ?";
    return write_one(st, sql, NULL, user_id, "cannot end the user's sessions", e);
}

int store_rate_hit(store_t *st, const char *key, int64_t window, int *count, struct err *e)
{
    /* "window" is quoted: PostgreSQL reserves the word, SQLite accepts it quoted too. */
    static const char sql_old[] = "DELETE FROM rate_windows WHERE \"window\" < ?";
    static const char sql[] =
        "INSERT INTO rate_windows (key, \"window\", count) VALUES (?, ?, 1) "
        "ON CONFLICT (key, \"window\") DO UPDATE SET count = rate_windows.count + 1 "
        "RETURNING count";
    if (write_one(st, sql_old, NULL, window - 1, "cannot expire rate windows", e) < 0)
        return -1;
    struct db_stmt *q = db_prep(st->db, sql, 0, e);
    if (!q)
        return -1;
    db_bind_text(q, 1, key);
    db_bind_int(q, 2, window);
    int rc = db_step(q, "cannot count requests", e);
    if (rc < 0)
        return -1;
    if (rc > 0)
        *count = (int)db_col_int(q, 0);
    db_done(q);
    return rc > 0 ? 0 : err_set(e, ERR_DB, "", "cannot count requests: no count returned");
}
