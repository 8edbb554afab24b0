/* hotspot.c -- grouping appeals into hot spots and scoring them (hotspot.h). */
#include "text/hotspot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/sketch.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#include "util/banned.h"

#define BUCKET_MAX 100  /* appeals sharing one band beyond this are a common phrase: skipped */
#define REP_SAMPLE 200  /* members compared to find the representative */

/* ---- a set of 64-bit keys with counts (open addressing) ---- */
struct counts {
    uint64_t *key;
    uint32_t *n;
    size_t cap, used;
};

static size_t slot(const struct counts *c, uint64_t k)
{
    size_t i = (size_t)(k * 0x9E3779B97F4A7C15ULL) & (c->cap - 1);
    while (c->n[i] && c->key[i] != k)
        i = (i + 1) & (c->cap - 1);
    return i;
}

static void counts_add(struct counts *c, uint64_t k)
{
    if ((c->used + 1) * 2 > c->cap) {
        struct counts g = {xcalloc(c->cap ? c->cap * 2 : 1024, sizeof(uint64_t)),
                           xcalloc(c->cap ? c->cap * 2 : 1024, sizeof(uint32_t)),
                           c->cap ? c->cap * 2 : 1024, c->used};
        for (size_t i = 0; i < c->cap; i++)
            if (c->n[i]) {
                size_t j = slot(&g, c->key[i]);
                g.key[j] = c->key[i];
                g.n[j] = c->n[i];
            }
        free(c->key);
        free(c->n);
        *c = g;
    }
    size_t i = slot(c, k);
    if (!c->n[i]) {
        c->key[i] = k;
        c->used++;
    }
    c->n[i]++;
}

static uint32_t counts_get(const struct counts *c, uint64_t k)
{
    return c->cap ? c->n[slot(c, k)] : 0;
}

/* ---- union-find ---- */
static size_t find(size_t *parent, size_t x)
{
    while (parent[x] != x)
        x = parent[x] = parent[parent[x]];
    return x;
}

/* A shingle's weight: ln(1 + n / df), so that the words every appeal has (小区, 问题, a
 * closing 请有关部门处理) weigh little and the words of one matter much. */
static float *weigh(const struct shingles *s, const struct counts *df, size_t n)
{
    float *w = xcalloc(s->n ? s->n : 1, sizeof(*w));
    for (size_t i = 0; i < s->n; i++)
        w[i] = (float)log1p((double)n / (double)counts_get(df, s->h[i]));
    return w;
}

/* The weighted Jaccard of two sets: the weight they share over the weight of either. */
static double wjaccard(const struct shingles *a, const float *wa, const struct shingles *b,
                       const float *wb)
{
    double both = 0, sa = 0, sb = 0;
    for (size_t i = 0; i < a->n; i++)
        sa += wa[i];
    for (size_t j = 0; j < b->n; j++)
        sb += wb[j];
    for (size_t i = 0, j = 0; i < a->n && j < b->n;) {
        if (a->h[i] == b->h[j])
            both += wa[i], i++, j++;
        else if (a->h[i] < b->h[j])
            i++;
        else
            j++;
    }
    double all = sa + sb - both;
    return all > 0 ? both / all : 0.0;
}

struct band_ref {
    int64_t band;
    size_t doc;
};

static int cmp_band(const void *a, const void *b)
{
    const struct band_ref *x = a, *y = b;
    if (x->band != y->band)
        return x->band < y->band ? -1 : 1;
    return x->doc < y->doc ? -1 : x->doc > y->doc;
}

static void add_bands(struct band_ref **refs, size_t *n, size_t *cap, const struct shingles *s,
                      size_t doc, int64_t salt)
{
    int64_t b[SKETCH_BANDS];
    int nb = shingles_bands(s, b);
    for (int i = 0; i < nb; i++) {
        void *p = *refs;
        xgrow(&p, cap, *n + 1, sizeof(**refs));
        *refs = p;
        (*refs)[(*n)++] = (struct band_ref){b[i] ^ salt, doc};
    }
}

/* ---- places ---- */
/* Words that end a place name. 路 and 街 only at a word's end or before 口, 段, 边 or 旁
 * (路灯 is no road). */
static const char *const place_words[] = {"小区", "花园", "公寓", "大厦", "广场", "社区",
                                          "街道", "大道", "幼儿园", "小学", "中学", "学校",
                                          "医院", "市场", "公园", "村", "苑", "路", "街", NULL};
static const char *const street_words = "路街";
static const char *const street_after = "口段边旁";
/* Characters after which a name starts afresh: the district before it, a verb, "的". */
static const char *const name_breaks = "区市县省镇乡的在于映诉询报是对和与";

static int is_han(uint32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF);
}

static int is_name_char(uint32_t c)
{
    return is_han(c) || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int in_list(const char *p, uint32_t c)
{
    uint32_t b;
    int n;
    while ((n = utf8_decode(p, &b)) > 0) {
        if (b == c)
            return 1;
        p += n;
    }
    return 0;
}

void hotspot_place(const char *text, char *out, size_t size)
{
    out[0] = '\0';
    if (!text || size < 2)
        return;
    const char *start = text; /* where the current name began */
    int chars = 0;            /* its characters so far */
    for (const char *p = text; *p;) {
        for (int w = 0; place_words[w] && chars >= 2; w++) {
            size_t len = strlen(place_words[w]);
            if (strncmp(p, place_words[w], len) != 0)
                continue;
            uint32_t word, next = 0;
            utf8_decode(p, &word);
            if (len == 3 && in_list(street_words, word) && utf8_decode(p + len, &next) > 0 &&
                is_han(next) && !in_list(street_after, next))
                continue; /* 路 inside a word */
            /* At most 8 characters of the name. */
            const char *s = start;
            uint32_t c;
            for (int skip = chars - 8; skip > 0; skip--)
                s += utf8_decode(s, &c);
            size_t n = (size_t)(p - s) + len;
            if (n >= size)
                return;
            memcpy(out, s, n);
            out[n] = '\0';
            return;
        }
        uint32_t c;
        int n = utf8_decode(p, &c);
        if (n <= 0) {
            p++;
            start = p;
            chars = 0;
            continue;
        }
        p += n;
        if (!is_name_char(c) || in_list(name_breaks, c)) {
            start = p;
            chars = 0;
        } else {
            chars++;
        }
    }
}

/* ---- the groups ---- */
static int cmp_score(const void *a, const void *b)
{
    const struct hs_group *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return x->first < y->first ? -1 : x->first > y->first;
}

/* A member as it sorts: the period first, then by time (qsort has no context argument, and
 * the server calls this from several threads). */
struct member_key {
    int current;
    int64_t at;
    size_t doc;
};

static int cmp_member(const void *a, const void *b)
{
    const struct member_key *x = a, *y = b;
    if (x->current != y->current)
        return y->current - x->current;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return x->doc < y->doc ? -1 : x->doc > y->doc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* a + b for counts that cannot be negative, stopping at INT64_MAX. */
static int64_t add_sat(int64_t a, int64_t b)
{
    if (b < 0)
        b = 0;
    return a > INT64_MAX - b ? INT64_MAX : a + b;
}

/* The figures of one group; its members are already collected. */
static void measure(struct hs_group *g, const struct hs_doc *docs, const struct shingles *all,
                    int growth)
{
    struct member_key *keys = xcalloc(g->n, sizeof(*keys));
    for (size_t i = 0; i < g->n; i++)
        keys[i] = (struct member_key){docs[g->members[i]].current != 0, docs[g->members[i]].at,
                                      g->members[i]};
    qsort(keys, g->n, sizeof(*keys), cmp_member);
    for (size_t i = 0; i < g->n; i++)
        g->members[i] = keys[i].doc;
    free(keys);
    const char **who = xcalloc(g->n, sizeof(*who));
    size_t nwho = 0;
    for (size_t i = 0; i < g->n; i++) {
        const struct hs_doc *d = &docs[g->members[i]];
        if (!d->current) {
            g->previous++;
            continue;
        }
        if (!g->appeals || d->at < g->first)
            g->first = d->at;
        if (!g->appeals || d->at > g->last)
            g->last = d->at;
        g->appeals++;
        g->likes = add_sat(g->likes, d->likes);
        g->dislikes = add_sat(g->dislikes, d->dislikes);
        if (d->caller && *d->caller)
            who[nwho++] = d->caller;
        else
            g->callers++; /* nobody known: someone new */
    }
    qsort(who, nwho, sizeof(*who), cmp_str);
    for (size_t i = 0; i < nwho; i++)
        if (i == 0 || strcmp(who[i], who[i - 1]) != 0)
            g->callers++;
    free(who);

    double t = (double)(g->appeals - g->previous) / (double)(g->previous > 0 ? g->previous : 1);
    g->trend = !growth ? 0 : t < -1 ? -1 : t > 2 ? 2 : t;
    int64_t support = g->likes - g->dislikes;
    double base = (double)g->callers + 0.5 * (double)(g->appeals - g->callers) +
                  log1p(support > 0 ? (double)support : 0.0);
    g->score = base * (1.0 + g->trend / 4.0);

    /* The representative: of the period's first members, the most like the others. */
    size_t m = (size_t)g->appeals < REP_SAMPLE ? (size_t)g->appeals : REP_SAMPLE;
    double best = -1;
    for (size_t i = 0; i < m; i++) {
        double sum = 0;
        for (size_t j = 0; j < m; j++)
            if (i != j)
                sum += shingles_jaccard(&all[g->members[i]], &all[g->members[j]]);
        if (sum > best) {
            best = sum;
            g->rep = g->members[i];
        }
    }

    /* The place most of the period's members name. */
    char (*places)[64] = xcalloc(m ? m : 1, sizeof(*places));
    for (size_t i = 0; i < m; i++) {
        const struct hs_doc *d = &docs[g->members[i]];
        /* The title says where the matter is; an address is often only the caller's. */
        hotspot_place(d->title, places[i], sizeof(places[i]));
        if (!places[i][0] && d->place && *d->place)
            hotspot_place(d->place, places[i], sizeof(places[i]));
    }
    int top = 0;
    for (size_t i = 0; i < m; i++) {
        if (!places[i][0])
            continue;
        int k = 0;
        for (size_t j = 0; j < m; j++)
            k += !strcmp(places[i], places[j]);
        if (k > top) {
            top = k;
            snprintf(g->place, sizeof(g->place), "%s", places[i]);
        }
    }
    free(places);
}

int hotspots_find(const struct hs_doc *docs, size_t n, const struct hs_opts *o,
                  struct hs_group **out, size_t *ngroups)
{
    double link = o && o->link > 0 ? o->link : 0.3;
    size_t min_size = o && o->min_size ? o->min_size : 2;
    *out = NULL;
    *ngroups = 0;
    struct shingles *title = xcalloc(n ? n : 1, sizeof(*title));
    struct shingles *all = xcalloc(n ? n : 1, sizeof(*all));
    struct counts df = {0};
    for (size_t i = 0; i < n; i++) {
        shingles_init(&title[i]);
        shingles_add(&title[i], docs[i].title);
        shingles_finish(&title[i]);
        shingles_init(&all[i]);
        shingles_add(&all[i], docs[i].title);
        shingles_add(&all[i], docs[i].text);
        shingles_finish(&all[i]);
        for (size_t k = 0; k < all[i].n; k++)
            counts_add(&df, all[i].h[k]);
    }
    struct band_ref *refs = NULL;
    size_t nrefs = 0, cap = 0;
    float **wt = xcalloc(n ? n : 1, sizeof(*wt)), **wa = xcalloc(n ? n : 1, sizeof(*wa));
    for (size_t i = 0; i < n; i++) {
        wt[i] = weigh(&title[i], &df, n);
        wa[i] = weigh(&all[i], &df, n);
        add_bands(&refs, &nrefs, &cap, &title[i], i, 0x5EED);
        add_bands(&refs, &nrefs, &cap, &all[i], i, 0);
    }
    free(df.key);
    free(df.n);
    if (nrefs)
        qsort(refs, nrefs, sizeof(*refs), cmp_band);

    size_t *parent = xcalloc(n ? n : 1, sizeof(*parent));
    for (size_t i = 0; i < n; i++)
        parent[i] = i;
    for (size_t a = 0; a < nrefs;) {
        size_t b = a;
        while (b < nrefs && refs[b].band == refs[a].band)
            b++;
        if (b - a <= BUCKET_MAX)
            for (size_t i = a; i < b; i++)
                for (size_t j = i + 1; j < b; j++) {
                    size_t x = refs[i].doc, y = refs[j].doc;
                    if (x == y || find(parent, x) == find(parent, y))
                        continue;
                    if (wjaccard(&title[x], wt[x], &title[y], wt[y]) >= link ||
                        wjaccard(&all[x], wa[x], &all[y], wa[y]) >= link)
                        parent[find(parent, x)] = find(parent, y);
                }
        a = b;
    }
    free(refs);

    /* Collect the members of each root; keep the groups with enough of the period. */
    size_t *size = xcalloc(n ? n : 1, sizeof(*size)), *cur = xcalloc(n ? n : 1, sizeof(*cur));
    for (size_t i = 0; i < n; i++) {
        size_t r = find(parent, i);
        size[r]++;
        cur[r] += docs[i].current != 0;
    }
    size_t ng = 0;
    for (size_t i = 0; i < n; i++)
        ng += parent[i] == i && cur[i] >= min_size;
    struct hs_group *g = xcalloc(ng ? ng : 1, sizeof(*g));
    size_t *index = xcalloc(n ? n : 1, sizeof(*index)); /* root -> group + 1 */
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (parent[i] == i && cur[i] >= min_size) {
            g[k].members = xcalloc(size[i], sizeof(size_t));
            index[i] = ++k;
        }
    for (size_t i = 0; i < n; i++) {
        size_t r = find(parent, i);
        if (index[r]) {
            struct hs_group *x = &g[index[r] - 1];
            x->members[x->n++] = i;
        }
    }
    for (size_t i = 0; i < ng; i++)
        measure(&g[i], docs, all, o && o->growth);
    if (ng)
        qsort(g, ng, sizeof(*g), cmp_score);

    for (size_t i = 0; i < n; i++) {
        shingles_release(&title[i]);
        shingles_release(&all[i]);
        free(wt[i]);
        free(wa[i]);
    }
    free(wt);
    free(wa);
    free(title);
    free(all);
    free(parent);
    free(size);
    free(cur);
    free(index);
    *out = g;
    *ngroups = ng;
    return 0;
}

void hotspots_free(struct hs_group *g, size_t n)
{
    for (size_t i = 0; g && i < n; i++)
        free(g[i].members);
    free(g);
}
