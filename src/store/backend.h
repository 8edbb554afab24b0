/* backend.h -- what a storage backend still provides itself: the store.h calls not yet
 * written once over the driver (db.h, ops_*.c): opening, migrations, transactions, appeals,
 * events and the chain, and the whole-site copy, in a table store.c calls through.
 * Private to src/store/. */
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
    int (*appeal_insert)(store_t *st, struct appeal *a, struct err *e);
    int (*appeal_update)(store_t *st, const struct appeal *a, int64_t expected_version,
                         struct err *e);
    int (*appeal_get)(store_t *st, int64_t id, struct appeal *a, struct err *e);
    int (*appeal_by_code)(store_t *st, const char *code, struct appeal *a, struct err *e);
    int (*appeal_list)(store_t *st, const struct appeal_filter *f, struct appeal_list *out,
                       struct err *e);
    int (*fact_scan)(store_t *st, int64_t from, int64_t to, int flags,
                     int (*cb)(const struct appeal_fact *f, void *ctx), void *ctx, struct err *e);
    int (*chain_head)(store_t *st, int64_t *last_id, char hash[65], struct err *e);
    int (*event_append)(store_t *st, const struct event *ev, struct err *e);
    /* subject "": the appeal `id`'s events; else that subject's. */
    int (*events_of)(store_t *st, const char *subject, int64_t id, struct event_list *out,
                     struct err *e);
    int (*event_scan)(store_t *st, int (*cb)(const struct event *ev, void *ctx), void *ctx,
                      struct err *e);
    int (*appeal_scan)(store_t *st, int (*cb)(const struct appeal *a, void *ctx), void *ctx,
                       struct err *e);
    int (*rows_scan)(store_t *st, const char *table, int (*cb)(const struct row *r, void *ctx),
                     void *ctx, struct err *e);
    int (*copy_begin)(store_t *st, struct err *e);
    int (*row_insert)(store_t *st, const char *table, const struct row *r, struct err *e);
    int (*copy_finish)(store_t *st, struct err *e);
};

/* Every backend's handle starts with this, so a backend's struct is a store_t. */
struct store {
    const struct store_ops *ops;
    struct db *db; /* the driver the shared operations (ops_*.c) run on */
    int depth;     /* transaction nesting */
    int fail_in;   /* fault injection: writes left before one fails (0: off) */
};

/* SQLite: a file path or ":memory:". */
int sqlite_store_open(store_t **out, const char *url, struct err *e);
/* PostgreSQL: a postgresql:// or postgres:// URL. */
int pg_store_open(store_t **out, const char *url, struct err *e);

#endif
