/* ops_org.c -- site settings, units, users, areas and channels: written once over the
 * driver (db.h) for both engines. */
#include "store/ops.h"

#include <string.h>

#include "util/banned.h"

/* ---- settings ------------------------------------------------------------------------ */

struct text_out {
    char *out;
    size_t size;
};

static void read_text(struct db_stmt *q, void *item)
{
    struct text_out *t = item;
    db_col_copy(q, 0, t->out, t->size);
}

int store_setting_get(store_t *st, const char *key, char *out, size_t size, struct err *e)
{
    static const char sql[] = "SELECT value FROM settings WHERE key = ?";
    struct db_stmt *q = db_prep(st->db, sql, 0, e);
    if (!q)
        return -1;
    db_bind_text(q, 1, key);
    struct text_out t = {out, size};
    int rc = db_one(q, read_text, &t, "setting", e);
    if (rc == 0)
        return err_set(e, ERR_NOT_FOUND, "key", "no setting '%s'", key);
    return rc < 0 ? -1 : 0;
}

int store_setting_set(store_t *st, const char *key, const char *value, struct err *e)
{
    static const char sql[] = "INSERT INTO settings (key, value) VALUES (?, ?) "
                              "ON CONFLICT (key) DO UPDATE SET value = excluded.value";
    if (db_write_allowed(st, e) < 0)
        return -1;
    struct db_stmt *q = db_prep(st->db, sql, 0, e);
    if (!q)
        return -1;
    db_bind_text(q, 1, key);
    db_bind_text(q, 2, value);
    return db_run(q, "cannot write setting", e);
}

/* An insert whose RETURNING gives the new id; a constraint failure is left in `e` as
 * ERR_CONFLICT for the caller to name. */
static int insert_id(struct db_stmt *q, int64_t *id, const char *what, struct err *e)
{
    int rc = db_step(q, what, e);
    if (rc < 0)
        return -1;
    *id = rc > 0 ? db_col_int(q, 0) : 0;
    db_done(q);
    if (rc == 0)
        return err_set(e, ERR_DB, "", "%s: no id returned", what);
    return 0;
}

/* The row `q` finds (already bound); ERR_NOT_FOUND names the `what` by key or by id. */
static int one_or_missing(struct db_stmt *q, void (*read)(struct db_stmt *q, void *item),
                          void *item, const char *what, const char *key, int64_t id,
                          struct err *e)
{
    int rc = db_one(q, read, item, what, e);
    if (rc > 0)
        return 0;
    if (rc < 0)
        return -1;
    if (key)
        return err_set(e, ERR_NOT_FOUND, what, "unknown %s '%s'", what, key);
    return err_set(e, ERR_NOT_FOUND, what, "unknown %s id %lld", what, (long long)id);
}

/* Binds a lookup key: the name (twice, for "name = ? OR code = ?") or the id. */
static void bind_key(struct db_stmt *q, const char *key, int times, int64_t id)
{
    for (int i = 1; i <= (key ? times : 1); i++) {
        if (key)
            db_bind_text(q, i, key);
        else
            db_bind_int(q, i, id);
    }
}

/* ---- units ---------------------------------------------------------------------------- */

#define UNIT_COLS "id, code, name, kind, coalesce(parent_id, 0), active"

static void read_unit(struct db_stmt *q, void *item)
{
    struct unit *u = item;
    memset(u, 0, sizeof(*u));
    u->id = db_col_int(q, 0);
    db_col_copy(q, 1, u->code, sizeof(u->code));
    db_col_copy(q, 2, u->name, sizeof(u->name));
    u->kind = (int)db_col_int(q, 3);
    u->parent_id = db_col_int(q, 4);
    u->active = (int)db_col_int(q, 5);
}

int store_unit_add(store_t *st, struct unit *u, struct err *e)
{
    static const char sql[] = "INSERT INTO units (code, name, kind, parent_id, active) "
                              "VALUES (?, ?, ?, ?, 1) RETURNING id";
    if (db_write_allowed(st, e) < 0)
        return -1;
    struct db_stmt *q = db_prep(st->db, sql, DB_MAY_FAIL, e);
    if (!q)
        return -1;
    db_bind_text(q, 1, u->code);
    db_bind_text(q, 2, u->name);
    db_bind_int(q, 3, u->kind);
    db_bind_id(q, 4, u->parent_id);
    if (insert_id(q, &u->id, "cannot add unit", e) < 0) {
        if (e && e->code == ERR_CONFLICT)
            err_set(e, ERR_CONFLICT, "name", "a unit named '%s' or coded '%s' already exists",
                    u->name, u->code);
        return -1;
    }
    u->active = 1;
    return 0;
}

static int unit_one(store_t *st, const char *sql, int64_t id, const char *name, struct unit *u,
                    struct err *e)
{
    struct db_stmt *q = db_prep(st->db, sql, 0, e);
    if (!q)
        return -1;
    bind_key(q, name, 2, id);
    return one_or_missing(q, read_unit, u, "unit", name, id, e);
}

int store_unit_get(store_t *st, int64_t id, struct unit *u, struct err *e)
{
    static const char sql[] = "SELECT " UNIT_COLS " FROM units WHERE id = ?";
    return unit_one(st, sql, id, NULL, u, e);
}

int store_unit_find(store_t *st, const char *name, struct unit *u, struct err *e)
{
    /* The first by id when a name is also another unit's code. */
    static const char sql[] = "SELECT " UNIT_COLS " FROM units WHERE name = ? OR code = ? "
                              "ORDER BY id LIMIT 1";
    return unit_one(st, sql, 0, name, u, e);
}

int store_unit_list(store_t *st, struct unit **out, size_t *n, struct err *e)
{
    static const char sql[] = "SELECT " UNIT_COLS " FROM units ORDER BY id";
    struct db_stmt *q = db_prep(st->db, sql, 0, e);
    if (!q)
        return -1;
    return db_list(q, sizeof(**out), read_unit, (void **)out, n, "units", e);
}

/* ---- users ---------------------------------------------------------------------------- */

#define USER_COLS "id, username, name, role, coalesce(unit_id, 0), phone, password_hash, active"

static void read_user(struct db_stmt *q, void *item)
{
    struct user *u = item;
    memset(u, 0, sizeof(*u));
    u->id = db_col_int(q, 0);
    db_col_copy(q, 1, u->username, sizeof(u->username));
    db_col_copy(q, 2, u->name, sizeof(u->name));
    u->role = (int)db_col_int(q, 3);
    u->unit_id = db_col_int(q, 4);
    db_col_copy(q, 5, u->phone, sizeof(u->phone));
    db_col_copy(q, 6, u->password_hash, sizeof(u->password_hash));
    u->active = (int)db_col_int(q, 7);
}

int store_user_add(store_t *st, struct user *u, struct err *e)
{
    static const char sql[] = "INSERT INTO users (username, name, role, unit_id, phone, "
                              "password_hash, active) VALUES (?, ?, ?, ?, ?, ?, 1) RETURNING id";
    if (db_write_allowed(st, e) < 0)
        return -1;
    struct db_stmt *q = db_prep(st->db, sql, DB_MAY_FAIL, e);
    if (!q)
        return -1;
    db_bind_text(q, 1, u->username);
    db_bind_text(q, 2, u->name);
    db_bind_int(q, 3, u->role);
    db_bind_id(q, 4, u->unit_id);
    db_bind_text(q, 5, u->phone);
    db_bind_text(q, 6, u->password_hash);
    if (insert_id(q, &u->id, "cannot add user", e) < 0) {
        if (e && e->code == ERR_CONFLICT)
            err_set(e, ERR_CONFLICT, "username", "user '%s' already exists", u->username);
        return -1;
    }
    u->active = 1;
    return 0;
}

static int user_one(store_t *st, const char *sql, int64_t id, const char *name, struct user *u,
                    struct err *e)
{
    struct db_stmt *q = db_prep(st->db, sql, 0, e);
    if (!q)
        return -1;
    bind_key(q, name, 1, id);
    return one_or_missing(q, read_user, u, "user", name, id, e);
}

int store_user_find(store_t *st, const char *username, struct user *u, struct err *e)
{
    static const char sql[] = "SELECT " USER_COLS " FROM users WHERE username = ?";
    return user_one(st, sql, 0, username, u, e);
}

int store_user_get(store_t *st, int64_t id, struct user *u, struct err *e)
{
    static const char sql[] = "SELECT " USER_COLS " FROM users WHERE id = ?";
    return user_one(st, sql, id, NULL, u, e);
}

int store_user_list(store_t *st, struct user **out, size_t *n, struct err *e)
{
    static const char sql[] = "SELECT " USER_COLS " FROM users ORDER BY id";
    struct db_stmt *q = db_prep(st->db, sql, 0, e);
    if (!q)
        return -1;
    return db_list(q, sizeof(**out), read_user, (void **)out, n, "users", e);
}

/* ---- areas and channels ------------------------------------------------------------- */

struct ref_sql {
    const char *what;
    const char *add, *find, *get, *list, *active;
};

#define REF_SQL(what, table)                                                                      \
    {                                                                                             \
        what, "INSERT INTO " table " (code, name, sort) VALUES (?, ?, ?) RETURNING id",           \
            "SELECT id, code, name, sort, active FROM " table " WHERE name = ? OR code = ? "      \
            "ORDER BY id LIMIT 1",                                                                \
            "SELECT id, code, name, sort, active FROM " table " WHERE id = ?",                    \
            "SELECT id, code, name, sort, active FROM " table " ORDER BY sort, id",               \
            "UPDATE " table " SET active = ? WHERE id = ?"                                        \
    }

static const struct ref_sql ref_sqls[2] = {REF_SQL("area", "areas"),
                                           REF_SQL("channel", "channels")};

static void read_ref(struct db_stmt *q, void *item)
{
    struct ref *r = item;
    memset(r, 0, sizeof(*r));
    r->id = db_col_int(q, 0);
    db_col_copy(q, 1, r->code, sizeof(r->code));
    db_col_copy(q, 2, r->name, sizeof(r->name));
    r->sort = (int)db_col_int(q, 3);
    r->active = (int)db_col_int(q, 4);
}

int store_ref_add(store_t *st, int table, struct ref *r, struct err *e)
{
    const struct ref_sql *s = &ref_sqls[table == REF_CHANNEL];
    if (db_write_allowed(st, e) < 0)
        return -1;
    struct db_stmt *q = db_prep(st->db, s->add, DB_MAY_FAIL, e);
    if (!q)
        return -1;
    db_bind_text(q, 1, r->code);
    db_bind_text(q, 2, r->name);
    db_bind_int(q, 3, r->sort);
    if (insert_id(q, &r->id, "cannot add", e) < 0) {
        if (e && e->code == ERR_CONFLICT)
            err_set(e, ERR_CONFLICT, "name", "%s '%s' (code '%s') already exists", s->what,
                    r->name, r->code);
        return -1;
    }
    r->active = 1;
    return 0;
}

static int ref_one(store_t *st, int table, const char *name, int64_t id, struct ref *r,
                   struct err *e)
{
    const struct ref_sql *s = &ref_sqls[table == REF_CHANNEL];
    struct db_stmt *q = db_prep(st->db, name ? s->find : s->get, 0, e);
    if (!q)
        return -1;
    bind_key(q, name, 2, id);
    return one_or_missing(q, read_ref, r, s->what, name, id, e);
}

int store_ref_find(store_t *st, int table, const char *name, struct ref *r, struct err *e)
{
    return ref_one(st, table, name, 0, r, e);
}

int store_ref_get(store_t *st, int table, int64_t id, struct ref *r, struct err *e)
{
    return ref_one(st, table, NULL, id, r, e);
}

int store_ref_list(store_t *st, int table, struct ref **out, size_t *n, struct err *e)
{
    const struct ref_sql *s = &ref_sqls[table == REF_CHANNEL];
    struct db_stmt *q = db_prep(st->db, s->list, 0, e);
    if (!q)
        return -1;
    return db_list(q, sizeof(**out), read_ref, (void **)out, n, s->what, e);
}

int store_ref_set_active(store_t *st, int table, int64_t id, int active, struct err *e)
{
    const struct ref_sql *s = &ref_sqls[table == REF_CHANNEL];
    if (db_write_allowed(st, e) < 0)
        return -1;
    struct db_stmt *q = db_prep(st->db, s->active, 0, e);
    if (!q)
        return -1;
    db_bind_int(q, 1, active);
    db_bind_int(q, 2, id);
    return db_run(q, "cannot update", e);
}
