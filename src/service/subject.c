/* subject.c -- events of projects, list items, vote sessions and users on the one chain. */
#include "service/subject.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "util/xalloc.h"

#include "util/banned.h"

#define NO_CHILD {NULL, NULL}
static const struct subject_kind kinds[] = {
    {"project", "projects",
     {{"project_units", "project_id"}, {"milestones", "project_id"},
      {"appeal_links", "project_id"}},
     "code", "state", 0, 0},
    {"task", "task_items", {NO_CHILD, NO_CHILD, NO_CHILD}, "code", "state", 0, 0},
    {"vote", "vote_sessions",
     {{"deputies", "session_id"}, {"vote_candidates", "session_id"}, {"ballots", "session_id"}},
     "code", "state", 0, 0},
    /* The digest covers password_hash too, so a hash swapped behind the program's back is
     * caught; it is a SHA-256 over a salted Argon2id string and tells nothing about the
     * password. Event details never carry the hash. */
    {"user", "users", {NO_CHILD, NO_CHILD, NO_CHILD}, "username", "active", 1, 0},
    /* A visit is written once, sealed by one event: named by its id, always state 1. */
    {"visit", "visits", {{"visit_problems", "visit_id"}, NO_CHILD, NO_CHILD}, NULL, NULL, 0, 1},
    {"disclosure", "disclosures", {NO_CHILD, NO_CHILD, NO_CHILD}, NULL, NULL, 0, 1},
    {NULL, NULL, {NO_CHILD, NO_CHILD, NO_CHILD}, NULL, NULL, 0, 0},
};

const struct subject_kind *subject_kinds(void)
{
    return kinds;
}

const struct subject_kind *subject_find(const char *name)
{
    for (const struct subject_kind *k = kinds; name && k->name; k++)
        if (!strcmp(k->name, name))
            return k;
    return NULL;
}

struct digest_walk {
    crypto_hash_sha256_state h;
    int64_t rows;
};

static int by_name(const void *a, const void *b)
{
    const char *const *x = a, *const *y = b;
    return strcmp(*x, *y);
}

/* One row: its table's tag, then each column as name, type letter and value, by name. */
static int digest_row(const struct row *r, void *ctx)
{
    struct digest_walk *w = ctx;
    const char *names[ROW_MAX_COLS];
    for (int i = 0; i < r->n; i++)
        names[i] = r->name[i];
    qsort(names, (size_t)r->n, sizeof(names[0]), by_name);
    audit_put(&w->h, "row");
    for (int i = 0; i < r->n; i++) {
        const struct value *v = row_get(r, names[i]);
        char num[24];
        audit_put(&w->h, names[i]);
        switch (v->type) {
        case VAL_INT:
            snprintf(num, sizeof(num), "%lld", (long long)v->i);
            audit_put(&w->h, "i");
            audit_put(&w->h, num);
            break;
        case VAL_TEXT:
            audit_put(&w->h, "t");
            audit_put(&w->h, v->s ? v->s : "");
            break;
        default:
            audit_put(&w->h, "n");
            break;
        }
    }
    w->rows++;
    return 0;
}

/* The digest with the subject's row read already (row NULL: read it here). */
static int digest(store_t *st, const struct subject_kind *k, int64_t id, const struct row *row,
                  char out[65], struct err *e)
{
    struct digest_walk w = {.rows = 0};
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&w.h);
    audit_put(&w.h, "shishi-subject-v1");
    audit_put(&w.h, k->name);
    if (row)
        digest_row(row, &w);
    else if (store_rec_where(st, k->table, "id", id, digest_row, &w, e) < 0)
        return -1;
    if (w.rows != 1)
        return err_set(e, ERR_NOT_FOUND, k->name, "no %s with id %lld", k->name, (long long)id);
    for (int c = 0; c < SUBJECT_CHILDREN && k->child[c].table; c++) {
        audit_put(&w.h, k->child[c].table);
        if (store_rec_where(st, k->child[c].table, k->child[c].key, id, digest_row, &w, e) < 0)
            return -1;
    }
    crypto_hash_sha256_final(&w.h, d);
    sodium_bin2hex(out, 65, d, sizeof(d));
    return 0;
}

int subject_digest(store_t *st, const struct subject_kind *k, int64_t id, char out[65],
                   struct err *e)
{
    return digest(st, k, id, NULL, out, e);
}

int subject_digest_row(store_t *st, const struct subject_kind *k, const struct row *row,
                       char out[65], struct err *e)
{
    return digest(st, k, row_int(row, "id"), row, out, e);
}

int subject_append(struct service *svc, const struct actor *who, const char *subject, int64_t id,
                   int64_t seq, int64_t at, const char *action, int from_state, int to_state,
                   const char *details, struct err *e)
{
    const struct subject_kind *k = subject_find(subject);
    if (!k)
        return err_set(e, ERR_INVALID, "subject", "unknown subject '%s'", subject);
    struct event ev;
    memset(&ev, 0, sizeof(ev));
    snprintf(ev.subject, sizeof(ev.subject), "%s", k->name);
    ev.subject_id = id;
    ev.seq = seq;
    ev.at = at;
    ev.actor_id = who ? who->user_id : 0;
    snprintf(ev.actor, sizeof(ev.actor), "%s", who && who->name[0] ? who->name : "system");
    snprintf(ev.action, sizeof(ev.action), "%s", action);
    ev.from_state = from_state;
    ev.to_state = to_state;
    ev.details = (char *)(details ? details : "{}");
    if (subject_digest(svc->st, k, id, ev.row_digest, e) < 0)
        return -1;
    int64_t last_id;
    char head[65];
    if (store_chain_head(svc->st, &last_id, head, e) < 0)
        return -1;
    ev.id = last_id + 1;
    audit_seal(&ev, head);
    return store_event_append(svc->st, &ev, e);
}

/* ---- copied rows ------------------------------------------------------------------------- */

void rec_copy(struct rec *dst, const struct row *src)
{
    memset(dst, 0, sizeof(*dst));
    dst->row.n = src->n;
    for (int i = 0; i < src->n && i < ROW_MAX_COLS; i++) {
        dst->names[i] = xstrdup(src->name[i]);
        dst->row.name[i] = dst->names[i];
        dst->row.v[i] = src->v[i];
        if (src->v[i].type == VAL_TEXT) {
            dst->text[i] = xstrdup(src->v[i].s ? src->v[i].s : "");
            dst->row.v[i].s = dst->text[i];
        }
    }
}

void rec_release(struct rec *r)
{
    if (!r)
        return;
    for (int i = 0; i < ROW_MAX_COLS; i++) {
        free(r->text[i]);
        free(r->names[i]);
    }
    memset(r, 0, sizeof(*r));
}

void rec_list_release(struct rec *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        rec_release(&list[i]);
    free(list);
}

struct rec_acc {
    struct rec *items;
    size_t n, cap;
};

static int collect(const struct row *r, void *ctx)
{
    struct rec_acc *a = ctx;
    xgrow((void **)&a->items, &a->cap, a->n + 1, sizeof(*a->items));
    rec_copy(&a->items[a->n++], r);
    return 0;
}

int rec_list(store_t *st, const char *table, const char *column, int64_t id, struct rec **out,
             size_t *n, struct err *e)
{
    struct rec_acc a = {0};
    int rc = column ? store_rec_where(st, table, column, id, collect, &a, e)
                    : store_rec_scan(st, table, NULL, NULL, collect, &a, e);
    if (rc < 0) {
        rec_list_release(a.items, a.n);
        *out = NULL;
        *n = 0;
        return -1;
    }
    *out = a.items;
    *n = a.n;
    return 0;
}

static int copy_first(const struct row *r, void *ctx)
{
    rec_copy(ctx, r);
    return 1;
}

int rec_find(store_t *st, const char *table, const char *column, const char *text,
             struct rec *out, struct err *e)
{
    memset(out, 0, sizeof(*out));
    struct value v = {.type = VAL_TEXT, .s = text ? text : ""};
    if (store_rec_scan(st, table, column, &v, copy_first, out, e) < 0) {
        rec_release(out);
        return -1;
    }
    return out->row.n ? 0 : 1;
}

int rec_get(store_t *st, const char *table, int64_t id, const char *what, struct rec *r,
            struct err *e)
{
    struct rec *items;
    size_t n;
    memset(r, 0, sizeof(*r));
    if (rec_list(st, table, "id", id, &items, &n, e) < 0)
        return -1;
    if (n != 1) {
        rec_list_release(items, n);
        return err_set(e, ERR_NOT_FOUND, what, "no %s with id %lld", what, (long long)id);
    }
    *r = items[0];
    free(items);
    return 0;
}
