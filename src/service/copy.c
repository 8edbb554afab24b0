/* copy.c -- `copy`: moves a whole site from one store to another (SQLite file to
 * PostgreSQL and back, or file to file), row by row through store.h's generic rows, ids and
 * every column as they are, since the hash chain seals the ids.
 * Invariant: the destination is changed in one transaction, committed only once every
 * table's row count matches the source and audit verify passes on what was written; on any
 * failure it is left as it was (empty). And `backup`: one SQLite database copied online
 * into a file (svc_backup). */
#include "service/service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/outfile.h"

#include "util/banned.h"

/* A database as it may be named in messages: a URL without its user and password. */
static void shown(const char *url, char *out, size_t size)
{
    const char *rest = strstr(url, "://");
    const char *at = rest ? strrchr(rest, '@') : NULL;
    if (at)
        snprintf(out, size, "%.*s%s", (int)(rest + 3 - url), url, at + 1);
    else
        snprintf(out, size, "%s", url);
}

struct pump {
    store_t *dst;
    const char *table;
    int64_t rows;
    int failed;
    struct err *e;
};

static int pump_row(const struct row *r, void *ctx)
{
    struct pump *p = ctx;
    if (store_row_insert(p->dst, p->table, r, p->e) < 0) {
        p->failed = 1;
        return 1;
    }
    p->rows++;
    return 0;
}

/* Refuses a destination holding anything but what its migrations seeded. */
static int check_empty(store_t *st, const char *name, struct err *e)
{
    for (const struct store_table *t = store_tables(); t->name; t++) {
        int64_t n;
        if (t->seeded)
            continue;
        if (store_rows_count(st, t->name, &n, e) < 0)
            return -1;
        if (n > 0)
            return err_set(e, ERR_CONFLICT, "to",
                           "destination '%s' is not empty: table '%s' has %lld rows (copy "
                           "only into a new database)",
                           name, t->name, (long long)n);
    }
    return 0;
}

static int copy_tables(store_t *src, store_t *dst, struct copy_result *res, struct err *e)
{
    if (store_copy_begin(dst, e) < 0)
        return -1;
    for (const struct store_table *t = store_tables(); t->name; t++) {
        struct pump p = {.dst = dst, .table = t->name, .e = e};
        if (store_rows_scan(src, t->name, pump_row, &p, e) < 0 || p.failed)
            return -1;
        if (res->ntables >= COPY_MAX_TABLES)
            return err_set(e, ERR_DB, "", "too many tables to copy");
        res->tables[res->ntables].name = t->name;
        res->tables[res->ntables].rows = p.rows;
        res->ntables++;
    }
    if (store_copy_finish(dst, e) < 0)
        return -1;
    for (int i = 0; i < res->ntables; i++) {
        int64_t ns, nd;
        const char *name = res->tables[i].name;
        if (store_rows_count(src, name, &ns, e) < 0 || store_rows_count(dst, name, &nd, e) < 0)
            return -1;
        if (ns != res->tables[i].rows || nd != ns)
            return err_set(e, ERR_DB, "",
                           "table '%s' does not match after copying: %lld rows "
                           "in the source, %lld copied, %lld in the destination",
                           name, (long long)ns, (long long)res->tables[i].rows, (long long)nd);
    }
    return 0;
}

int svc_copy(const char *from, const char *to, struct copy_result *res, struct err *e)
{
    struct service src = {0}, dst = {0};
    char from_s[256], to_s[256];
    int rc = -1, src_tx = 0, dst_tx = 0;
    memset(res, 0, sizeof(*res));
    shown(from, from_s, sizeof(from_s));
    shown(to, to_s, sizeof(to_s));
    if (!strcmp(from, to))
        return err_set(e, ERR_INVALID, "to", "source and destination are the same database '%s'",
                       to_s);
    if (service_open(&src, from, OPEN_EXISTING, e) < 0)
        return -1;
    struct audit_result a;
    if (svc_audit_verify(&src, &svc_system, &a, e) < 0)
        goto out;
    if (!a.ok) {
        err_set(e, ERR_STATE, "from", "source '%s' fails audit verify: %s", from_s, a.problem);
        goto out;
    }
    if (service_open(&dst, to, OPEN_CREATE, e) < 0 || check_empty(dst.st, to_s, e) < 0)
        goto out;
    if (store_begin_read(src.st, e) < 0)
        goto out;
    src_tx = 1;
    if (store_begin(dst.st, e) < 0)
        goto out;
    dst_tx = 1;
    /* The text sketches are not copied: they are made again from the appeals copied. */
    /* Nor the suggestion models: a site that had them learns them again from the same
     * appeals, which gives the same models. */
    int64_t sketched, trained_at, examples;
    struct err none = {0};
    int had_models = store_model_get(src.st, "unit", &trained_at, &examples, NULL, &none) == 0;
    struct learn_result learnt;
    if (copy_tables(src.st, dst.st, res, e) < 0 || svc_sketch_all(&dst, &sketched, e) < 0 ||
        (had_models && svc_learn(&dst, &svc_system, trained_at, &learnt, e) < 0))
        goto out;
    /* Verified before commit: a copy that does not verify is never written. */
    struct audit_result b;
    if (svc_audit_verify(&dst, &svc_system, &b, e) < 0)
        goto out;
    if (!b.ok || b.events != a.events || b.appeals != a.appeals) {
        err_set(e, ERR_DB, "to", "the copy in '%s' fails audit verify: %s", to_s,
                b.ok ? "event or appeal count differs from the source" : b.problem);
        goto out;
    }
    if (store_commit(dst.st, e) < 0)
        goto out;
    dst_tx = 0;
    res->events = b.events;
    res->appeals = b.appeals;
    rc = 0;
out:
    if (dst_tx)
        store_rollback(dst.st);
    if (src_tx)
        store_rollback(src.st);
    if (dst.st)
        service_close(&dst);
    if (src.st)
        service_close(&src);
    return rc;
}

int svc_backup(struct service *svc, const char *to, struct err *e)
{
    if (store_backup(svc->st, NULL, e) < 0)
        return -1;
    char *tmp;
    FILE *f = out_open(to, "to", "the backup", &tmp, e);
    if (!f)
        return -1;
    fclose(f); /* empty: SQLite makes a new database in it */
    int rc = store_backup(svc->st, tmp, e) < 0 ? -1 : out_commit(tmp, to, "to", "the backup", e);
    if (rc < 0) {
        struct buf journal = BUF_INIT;
        buf_addf(&journal, "%s-journal", tmp);
        remove(tmp);
        remove(journal.ptr);
        buf_release(&journal);
    }
    free(tmp);
    return rc;
}
