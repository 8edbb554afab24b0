/* terms.c -- counting title bigrams per appeal for the bulletin's recurring problems.
 * Invariant: an appeal adds at most one to a bigram's count (the last id that touched a
 * bigram is kept, and appeals are added one at a time). */
#include "text/terms.h"

#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"
#include "util/xalloc.h"

#include "util/banned.h"

struct entry {
    uint64_t key; /* two code points, 21 bits each */
    int stop;     /* never listed */
    int64_t count, last_id;
    int64_t sample[TERM_SAMPLES];
    int nsample;
};

struct terms {
    struct entry *slots; /* open addressing, power-of-two size */
    size_t cap, used;
};

/* Words of petition language that say nothing about the problem itself. */
static const char *const filler[] = {
    "反映", "问题", "希望", "请求", "要求", "建议", "关于", "解决", "情况", "相关", "部门",
    "群众", "居民", "村民", "市民", "投诉", "咨询", "求助", "举报", "处理", "协调", "尽快",
    "能否", "是否", "如何", "什么", "为什", "怎么", "我们", "他们", "没有", "一直", "存在",
    "严重", "影响", "导致", "不能", "无法", "需要", "进行", "有关", "工作", "办理", "落实",
    "诉求", "我为", "为群", "众办", "办实", "实事", "帮助", "申请", "多次", "至今", "目前",
    "附近", "周边", "一些", "有人", "个别", "不少", "经常", "现在", "今年", "去年",
    /* Measured on the 2,946 titles of messages.tsv: ranked in the top 40 and say nothing of
     * the matter. */
    "时间", "服务", "何时", "为何", "请问", "人员", "管理", "有限", "限公",
};

static int is_han(uint32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF);
}

static uint64_t hash64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
}

static void encode(uint64_t key, char out[8])
{
    uint32_t cps[2] = {(uint32_t)(key >> 21), (uint32_t)(key & 0x1FFFFF)};
    size_t n = 0;
    for (int i = 0; i < 2; i++) { /* Han characters are three bytes in UTF-8 */
        out[n++] = (char)(0xE0 | (cps[i] >> 12));
        out[n++] = (char)(0x80 | ((cps[i] >> 6) & 0x3F));
        out[n++] = (char)(0x80 | (cps[i] & 0x3F));
    }
    out[n] = 0;
}

/* A pair straddling two words: a place suffix then the next word's start ("镇一" of
 * "王家坪镇一企业"), or a word then a particle. */
static int straddles(uint64_t key)
{
    static const uint32_t suffix[] = {0x533A, 0x9547, 0x6751, 0x4E61, 0x8857, 0x5E02}; /* 区镇村乡街市 */
    static const uint32_t particle[] = {0x4E00, 0x7684, 0x4E86, 0x5728, 0x548C, 0x4E0E,
                                        0x53CA, 0x662F}; /* 一的了在和与及是 */
    /* Function characters that start no word of a matter either: "的问" of "的问题". */
    static const uint32_t leading[] = {0x7684, 0x4E86, 0x548C, 0x4E0E, 0x53CA, 0x5417,
                                       0x5462, 0x88AB, 0x628A}; /* 的了和与及吗呢被把 */
    uint32_t a = (uint32_t)(key >> 21), b = (uint32_t)(key & 0x1FFFFF);
    for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++)
        if (a == suffix[i])
            return 1;
    for (size_t i = 0; i < sizeof(particle) / sizeof(particle[0]); i++)
        if (b == particle[i])
            return 1;
    for (size_t i = 0; i < sizeof(leading) / sizeof(leading[0]); i++)
        if (a == leading[i])
            return 1;
    return 0;
}

static int is_filler(uint64_t key)
{
    char s[8];
    if (straddles(key))
        return 1;
    encode(key, s);
    for (size_t i = 0; i < sizeof(filler) / sizeof(filler[0]); i++)
        if (!strcmp(s, filler[i]))
            return 1;
    return 0;
}

struct terms *terms_new(void)
{
    struct terms *t = xcalloc(1, sizeof(*t));
    t->cap = 1024;
    t->slots = xcalloc(t->cap, sizeof(*t->slots));
    return t;
}

void terms_free(struct terms *t)
{
    if (!t)
        return;
    free(t->slots);
    free(t);
}

static struct entry *find(struct entry *slots, size_t cap, uint64_t key)
{
    size_t i = hash64(key) & (cap - 1);
    while (slots[i].key && slots[i].key != key)
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static void grow(struct terms *t)
{
    size_t cap = t->cap * 2;
    struct entry *slots = xcalloc(cap, sizeof(*slots));
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].key)
            *find(slots, cap, t->slots[i].key) = t->slots[i];
    free(t->slots);
    t->slots = slots;
    t->cap = cap;
}

/* Calls fn for each pair of adjacent Han characters in text. */
static void each_bigram(struct terms *t, int64_t id, const char *text,
                        void (*fn)(struct terms *, int64_t, uint64_t))
{
    uint32_t prev = 0;
    for (const char *p = text ? text : ""; *p;) {
        uint32_t cp;
        int n = utf8_decode(p, &cp);
        if (n <= 0) {
            p++;
            prev = 0;
            continue;
        }
        p += n;
        if (!is_han(cp)) {
            prev = 0;
            continue;
        }
        if (prev)
            fn(t, id, ((uint64_t)prev << 21) | cp);
        prev = cp;
    }
}

static struct entry *slot(struct terms *t, uint64_t key)
{
    if (t->used * 2 >= t->cap)
        grow(t);
    struct entry *x = find(t->slots, t->cap, key);
    if (!x->key) {
        x->key = key;
        x->last_id = -1;
        t->used++;
    }
    return x;
}

static void stop_one(struct terms *t, int64_t id, uint64_t key)
{
    (void)id;
    slot(t, key)->stop = 1;
}

static void count_one(struct terms *t, int64_t id, uint64_t key)
{
    struct entry *x = slot(t, key);
    if (x->last_id == id)
        return;
    x->last_id = id;
    x->count++;
    if (x->nsample < TERM_SAMPLES)
        x->sample[x->nsample++] = id;
}

void terms_stop(struct terms *t, const char *text)
{
    each_bigram(t, 0, text, stop_one);
}

void terms_add(struct terms *t, int64_t id, const char *text)
{
    each_bigram(t, id, text, count_one);
}

static int by_count(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return x->key < y->key ? -1 : x->key > y->key;
}

/* Whether `a` overlaps `b` (shares its first or last character) with the same count: then
 * both come from one longer phrase ("饮水" and "水管" of "饮水管") and one is enough. */
static int same_phrase(const struct entry *a, const struct entry *b)
{
    uint32_t a0 = (uint32_t)(a->key >> 21), a1 = (uint32_t)(a->key & 0x1FFFFF);
    uint32_t b0 = (uint32_t)(b->key >> 21), b1 = (uint32_t)(b->key & 0x1FFFFF);
    return a->count == b->count && (a1 == b0 || b1 == a0) &&
           !memcmp(a->sample, b->sample, sizeof(a->sample));
}

size_t terms_top(struct terms *t, struct term *out, size_t max, int64_t min_count)
{
    struct entry *all = xcalloc(t->used ? t->used : 1, sizeof(*all));
    size_t n = 0;
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].key && !t->slots[i].stop && t->slots[i].count >= min_count &&
            !is_filler(t->slots[i].key))
            all[n++] = t->slots[i];
    qsort(all, n, sizeof(*all), by_count);
    size_t k = 0;
    for (size_t i = 0; i < n && k < max; i++) {
        int dup = 0;
        for (size_t j = 0; j < i && !dup; j++)
            dup = same_phrase(&all[i], &all[j]);
        if (dup)
            continue;
        encode(all[i].key, out[k].text);
        out[k].count = all[i].count;
        out[k].nsample = all[i].nsample;
        memcpy(out[k].sample, all[i].sample, sizeof(out[k].sample));
        k++;
    }
    free(all);
    return k;
}
