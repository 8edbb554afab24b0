/* dups.c -- an appeal's likely duplicates (疑似重复), the one place that decides them: the
 * candidates the store finds by shared MinHash band, phone or address within a window of
 * days around the appeal, each compared exactly (text/sketch.h) and scored by dup_score();
 * only appeals the reader may read are listed. Also keeps the bands in step: one appeal at
 * registration, all of them on upgrade and on `shishi reindex`. */
#include "service/service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/guard.h"
#include "service/view.h"
#include "text/sketch.h"

#include "util/banned.h"

#define DUP_CANDIDATES 100 /* compared exactly, those sharing most bands first */
#define DUP_WINDOW_DAYS 30       /* either side of the appeal, unless the site sets one */
#define DAY_SECONDS (24 * 3600)

_Static_assert(SKETCH_BANDS == 16, "store/ops_text.c binds 16 bands");

static void shingles_of(const struct appeal *a, struct shingles *s)
{
    shingles_init(s);
    shingles_add(s, a->title);
    shingles_add(s, a->content);
    shingles_finish(s);
}

int svc_sketch_appeal(struct service *svc, const struct appeal *a, struct err *e)
{
    struct shingles s;
    int64_t bands[SKETCH_BANDS];
    shingles_of(a, &s);
    int n = shingles_bands(&s, bands);
    shingles_release(&s);
    return store_bands_put(svc->st, a->id, a->received_at, bands, n, e);
}

struct sketch_ctx {
    struct service *svc;
    struct err *e;
    int64_t *n;
};

static int sketch_one(const struct appeal *a, void *ctx)
{
    struct sketch_ctx *k = ctx;
    (*k->n)++;
    return svc_sketch_appeal(k->svc, a, k->e);
}

int svc_sketch_all(struct service *svc, int64_t *n, struct err *e)
{
    *n = 0;
    struct sketch_ctx ctx = {svc, e, n};
    if (store_begin(svc->st, e) < 0)
        return -1;
    if (store_bands_clear(svc->st, e) < 0 || store_appeal_scan(svc->st, sketch_one, &ctx, e) < 0 ||
        store_commit(svc->st, e) < 0) {
        store_rollback(svc->st);
        return -1;
    }
    return 0;
}

int svc_reindex(struct service *svc, const struct actor *who, int64_t *n, struct err *e)
{
    if (guard_to(who, SUBJ_APPEAL, "reindex", NULL, e) < 0)
        return -1;
    return svc_sketch_all(svc, n, e);
}

static int64_t window_seconds(struct service *svc)
{
    char v[16];
    struct err ignore;
    if (store_setting_get(svc->st, "dup_window_days", v, sizeof(v), &ignore) == 0) {
        char *end;
        long d = strtol(v, &end, 10);
        if (!*end && d >= 1 && d <= 366)
            return (int64_t)d * DAY_SECONDS;
    }
    return (int64_t)DUP_WINDOW_DAYS * DAY_SECONDS;
}

static int same_folded(const char *x, const char *y)
{
    char fx[256], fy[256];
    text_fold(x, fx, sizeof(fx));
    text_fold(y, fy, sizeof(fy));
    return fx[0] && !strcmp(fx, fy);
}

static int by_score(const void *x, const void *y)
{
    const struct dup *a = x, *b = y;
    if (a->score != b->score)
        return a->score < b->score ? 1 : -1;
    return a->received_at < b->received_at ? 1 : a->received_at > b->received_at ? -1 : 0;
}

/* Compares one candidate with the appeal and adds it when it scores. */
static int consider(struct service *svc, const struct actor *who, const struct appeal *a,
                    const struct shingles *sa, int64_t id, struct dup_list *out, struct err *e)
{
    struct appeal c;
    appeal_init(&c);
    if (store_appeal_get(svc->st, id, &c, e) < 0)
        return -1;
    if (!guard_appeal_ok(svc, who, "read", &c)) {
        appeal_release(&c);
        return 0;
    }
    struct shingles sc;
    shingles_of(&c, &sc);
    double j = shingles_jaccard(sa, &sc);
    shingles_release(&sc);
    int why;
    double score = dup_score(j, same_folded(a->phone, c.phone), same_folded(a->address, c.address),
                             &why);
    if (score >= DUP_LIST_MIN && why && out->n < DUP_MAX) {
        struct dup *d = &out->items[out->n++];
        memset(d, 0, sizeof(*d));
        d->id = c.id;
        snprintf(d->code, sizeof(d->code), "%s", c.code);
        snprintf(d->title, sizeof(d->title), "%s", c.title ? c.title : "");
        d->state = c.state;
        d->received_at = c.received_at;
        d->merged_into = c.merged_into;
        d->jaccard = j;
        d->score = score;
        d->reasons = why;
    }
    appeal_release(&c);
    return 0;
}

int svc_duplicates(struct service *svc, const struct actor *who, const struct appeal *a,
                   struct dup_list *out, struct err *e)
{
    memset(out, 0, sizeof(*out));
    if (guard_appeal(svc, who, "duplicates", a, e) < 0)
        return -1;
    struct shingles sa;
    int64_t bands[SKETCH_BANDS];
    shingles_of(a, &sa);
    int nb = shingles_bands(&sa, bands);
    int64_t w = window_seconds(svc);
    out->window_days = (int)(w / DAY_SECONDS);
    int64_t ids[DUP_CANDIDATES];
    size_t n;
    int rc = store_dup_candidates(svc->st, a->id, bands, nb, a->phone, a->address,
                                  a->received_at - w, a->received_at + w, ids, DUP_CANDIDATES, &n,
                                  e);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = consider(svc, who, a, &sa, ids[i], out, e);
    shingles_release(&sa);
    if (rc < 0)
        return -1;
    qsort(out->items, out->n, sizeof(out->items[0]), by_score);
    return 0;
}

/* The reasons, as the console and the CLI show them. */
static const struct {
    int bit;
    const char *code, *label;
} reasons[] = {
    {DUP_TEXT, "text", "内容相似"},
    {DUP_PHONE, "phone", "同一来电号码"},
    {DUP_PLACE, "place", "同一地址"},
};

const char *svc_dup_level(const struct dup *d)
{
    return d->score >= DUP_LIKELY_MIN ? "疑似重复" : "可能相关";
}

void svc_dup_reasons(const struct dup *d, char *out, size_t size)
{
    size_t k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
        if (d->reasons & reasons[i].bit) {
            int w = snprintf(out + k, size - k, "%s%s", k ? "、" : "", reasons[i].label);
            if (w < 0 || (size_t)w >= size - k)
                break;
            k += (size_t)w;
        }
}

static double round2(double x)
{
    return (double)(long long)(x * 100.0 + 0.5) / 100.0;
}

json_t *svc_duplicates_json(const struct dup_list *l)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < l->n; i++) {
        const struct dup *d = &l->items[i];
        json_t *why = json_array();
        for (size_t r = 0; r < sizeof(reasons) / sizeof(reasons[0]); r++)
            if (d->reasons & reasons[r].bit)
                json_array_append_new(why, json_pack("{s:s, s:s}", "code", reasons[r].code,
                                                     "label", reasons[r].label));
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:s, s:o, s:f, s:f, s:s, s:o, s:b}", "code", d->code,
                           "title", d->title, "state", state_label(d->state), "received_at",
                           view_time(d->received_at), "score", round2(d->score), "jaccard",
                           round2(d->jaccard), "level", svc_dup_level(d), "reasons", why,
                           "merged", d->merged_into != 0));
    }
    return arr;
}

json_t *svc_duplicates_doc(struct service *svc, const struct actor *who, const char *code,
                           struct dup_list *out, struct err *e)
{
    struct appeal a;
    if (svc_show(svc, who, code, &a, NULL, e) < 0)
        return NULL;
    int rc = svc_duplicates(svc, who, &a, out, e);
    json_t *doc = rc < 0 ? NULL
                         : json_pack("{s:s, s:i, s:o}", "code", a.code, "window_days",
                                     out->window_days, "duplicates", svc_duplicates_json(out));
    appeal_release(&a);
    return doc;
}

/* Flags `a` with the best likely duplicate of `all` (its duplicates among every appeal); a
 * failure only skips the flag. */
static void flag_best(struct service *svc, const struct appeal *a, const struct dup_list *all)
{
    struct err e = {0};
    for (size_t i = 0; i < all->n; i++) /* best first */
        if (all->items[i].score >= DUP_LIKELY_MIN && !all->items[i].merged_into) {
            if (store_begin(svc->st, &e) < 0)
                return;
            if (store_suspect_put(svc->st, a->id, all->items[i].id,
                                  (int)(all->items[i].score * 1000 + 0.5), &e) < 0 ||
                store_commit(svc->st, &e) < 0)
                store_rollback(svc->st);
            return;
        }
}

void svc_check_registered(struct service *svc, const struct appeal *a)
{
    struct dup_list all;
    struct err e = {0};
    if (svc_duplicates(svc, &svc_system, a, &all, &e) == 0)
        flag_best(svc, a, &all);
}

int svc_register_checked(struct service *svc, const struct actor *who,
                         const struct register_req *req, struct appeal *out,
                         struct dup_list *dups, struct err *e)
{
    if (svc_register(svc, who, req, out, e) < 0)
        return -1;
    struct err ignore = {0};
    if (svc_duplicates(svc, who, out, dups, &ignore) < 0)
        memset(dups, 0, sizeof(*dups)); /* one who may not see duplicates registers all the same */
    /* A reader of every appeal has just computed the list the flag needs. */
    if (policy_scope(who, SUBJ_APPEAL, "duplicates") == SCOPE_ANY)
        flag_best(svc, out, dups);
    else
        svc_check_registered(svc, out);
    return 0;
}
