/* backend.h -- what a storage backend provides: one function per call of store.h, in a
 * table the dispatcher (store.c) calls through. Private to src/store/. */
#ifndef SHISHI_BACKEND_H
#define SHISHI_BACKEND_H

#include "store/store.h"

struct store_ops {
    void (*close)(store_t *st);
    int (*migrate)(store_t *st, struct err *e);
    int (*migrate_to)(store_t *st, int target, struct err *e);
    int (*schema_version)(store_t *st, int *applied, int *known, struct err *e);
    int (*begin)(store_t *st, struct err *e);
    int (*begin_read)(store_t *st, struct err *e);
    int (*commit)(store_t *st, struct err *e);
    void (*rollback)(store_t *st);
    void (*fail_after)(store_t *st, int n);
    int (*setting_get)(store_t *st, const char *key, char *out, size_t size, struct err *e);
    int (*setting_set)(store_t *st, const char *key, const char *value, struct err *e);
    int (*unit_add)(store_t *st, struct unit *u, struct err *e);
    int (*unit_get)(store_t *st, int64_t id, struct unit *u, struct err *e);
    int (*unit_find)(store_t *st, const char *name, struct unit *u, struct err *e);
    int (*unit_list)(store_t *st, struct unit **out, size_t *n, struct err *e);
    int (*user_add)(store_t *st, struct user *u, struct err *e);
    int (*user_find)(store_t *st, const char *username, struct user *u, struct err *e);
    int (*user_get)(store_t *st, int64_t id, struct user *u, struct err *e);
    int (*user_list)(store_t *st, struct user **out, size_t *n, struct err *e);
    int (*ref_add)(store_t *st, int table, struct ref *r, struct err *e);
    int (*ref_find)(store_t *st, int table, const char *name, struct ref *r, struct err *e);
    int (*ref_get)(store_t *st, int table, int64_t id, struct ref *r, struct err *e);
    int (*ref_list)(store_t *st, int table, struct ref **out, size_t *n, struct err *e);
    int (*ref_set_active)(store_t *st, int table, int64_t id, int active, struct err *e);
    int (*limits_load)(store_t *st, struct limits *l, struct err *e);
    int (*limit_set)(store_t *st, int kind, int urgency, struct time_limit lim, struct err *e);
    int (*calendar_load)(store_t *st, struct calendar *cal, struct err *e);
    int (*calendar_set_year)(store_t *st, int year, int mode, struct err *e);
    int (*calendar_set_day)(store_t *st, int64_t date, int kind, const char *name, struct err *e);
    int (*counter_next)(store_t *st, const char *name, int64_t *value, struct err *e);
    int (*counter_peek)(store_t *st, const char *name, int64_t *value, struct err *e);
    int (*appeal_insert)(store_t *st, struct appeal *a, struct err *e);
    int (*appeal_update)(store_t *st, const struct appeal *a, int64_t expected_version,
                         struct err *e);
    int (*appeal_get)(store_t *st, int64_t id, struct appeal *a, struct err *e);
    int (*appeal_by_code)(store_t *st, const char *code, struct appeal *a, struct err *e);
    int (*appeal_list)(store_t *st, const struct appeal_filter *f, struct appeal_list *out,
                       struct err *e);
    int (*fact_scan)(store_t *st, int64_t from, int64_t to, int flags,
                     int (*cb)(const struct appeal_fact *f, void *ctx), void *ctx, struct err *e);
    int (*rules_get)(store_t *st, int version, struct rules_row *out, struct err *e);
    int (*rules_add)(store_t *st, struct rules_row *r, struct err *e);
    int (*rules_list)(store_t *st, struct rules_row **out, size_t *n, struct err *e);
    int (*chain_head)(store_t *st, int64_t *last_id, char hash[65], struct err *e);
    int (*event_append)(store_t *st, const struct event *ev, struct err *e);
    /* subject "": the appeal `id`'s events; else that subject's. */
    int (*events_of)(store_t *st, const char *subject, int64_t id, struct event_list *out,
                     struct err *e);
    int (*event_scan)(store_t *st, int (*cb)(const struct event *ev, void *ctx), void *ctx,
                      struct err *e);
    int (*appeal_scan)(store_t *st, int (*cb)(const struct appeal *a, void *ctx), void *ctx,
                       struct err *e);
    int (*session_add)(store_t *st, const struct session_row *s, struct err *e);
    int (*session_get)(store_t *st, const char *token_hash, struct session_row *s, struct err *e);
    int (*session_delete)(store_t *st, const char *token_hash, struct err *e);
    int (*session_purge)(store_t *st, int64_t now, struct err *e);
    int (*throttle_get)(store_t *st, const char *key, struct throttle *t, struct err *e);
    int (*throttle_put)(store_t *st, const char *key, const struct throttle *t, struct err *e);
    int (*throttle_clear)(store_t *st, const char *key, struct err *e);
    int (*throttle_lock)(store_t *st, const char *key, struct throttle *t, struct err *e);
    int (*session_end_user)(store_t *st, int64_t user_id, struct err *e);
    int (*rate_hit)(store_t *st, const char *key, int64_t window, int *count, struct err *e);
    int (*file_put)(store_t *st, const char *sha256, const char *mime, int64_t size,
                    const char *b64, int64_t at, struct err *e);
    int (*file_get)(store_t *st, const char *sha256, char *mime, size_t mime_size, char **b64,
                    struct err *e);
    int (*rows_scan)(store_t *st, const char *table, int (*cb)(const struct row *r, void *ctx),
                     void *ctx, struct err *e);
    int (*rows_count)(store_t *st, const char *table, int64_t *n, struct err *e);
    int (*rows_clear)(store_t *st, const char *table, struct err *e);
    int (*copy_begin)(store_t *st, struct err *e);
    int (*row_insert)(store_t *st, const char *table, const struct row *r, struct err *e);
    int (*copy_finish)(store_t *st, struct err *e);
    int (*rec_insert)(store_t *st, const char *table, const struct row *r, int64_t *id,
                      struct err *e);
    int (*rec_update)(store_t *st, const char *table, int64_t id, const struct row *r,
                      struct err *e);
    int (*rec_scan)(store_t *st, const char *table, const char *column, const struct value *eq,
                    int (*cb)(const struct row *r, void *ctx), void *ctx, struct err *e);
};

/* Every backend's handle starts with this, so a backend's struct is a store_t. */
struct store {
    const struct store_ops *ops;
};

/* SQLite: a file path or ":memory:". */
int sqlite_store_open(store_t **out, const char *url, struct err *e);
/* PostgreSQL: a postgresql:// or postgres:// URL. */
int pg_store_open(store_t **out, const char *url, struct err *e);

#endif
