/* sketch.c -- shingles, Jaccard, MinHash bands and the duplicate score (sketch.h). */
#include "text/sketch.h"

#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"
#include "util/xalloc.h"

#include "util/banned.h"

/* What one code point is to the shingler. */
enum cls { C_SEP, C_HAN, C_WORD };

/* Folds the forms two people type for the same thing: full-width ASCII (ＡＢＣ１２３) and
 * the ideographic space to ASCII, Latin to lowercase. */
static uint32_t fold(uint32_t c)
{
    if (c >= 0xFF01 && c <= 0xFF5E)
        c -= 0xFEE0;
    else if (c == 0x3000)
        c = ' ';
    if (c >= 'A' && c <= 'Z')
        c += 'a' - 'A';
    return c;
}

static enum cls classify(uint32_t c)
{
    if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
        (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3134F))
        return C_HAN;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
        return C_WORD;
    return C_SEP;
}

/* Reads the next code point at *s, folded; bad bytes read as a separator. 0 at the end. */
static uint32_t next_cp(const char **s)
{
    uint32_t c;
    int n = utf8_decode(*s, &c);
    if (n > 0) {
        *s += n;
        return fold(c);
    }
    if (**s == '\0')
        return 0;
    (*s)++;
    return ' ';
}

/* splitmix64's finaliser: a cheap, well-mixed 64-bit hash of a 64-bit value. */
static uint64_t mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

static void push(struct shingles *s, uint64_t h)
{
    void *p = s->h;
    xgrow(&p, &s->cap, s->n + 1, sizeof(*s->h));
    s->h = p;
    s->h[s->n++] = h;
}

void shingles_init(struct shingles *s)
{
    memset(s, 0, sizeof(*s));
}

void shingles_release(struct shingles *s)
{
    free(s->h);
    memset(s, 0, sizeof(*s));
}

void shingles_add(struct shingles *s, const char *text)
{
    if (!text)
        return;
    const char *p = text;
    uint32_t prev = 0;         /* the previous Han character of the current run */
    int run = 0;               /* Han characters in the current run */
    uint64_t word = 0;         /* hash of the current Latin/digit word */
    int in_word = 0;
    for (;;) {
        uint32_t c = next_cp(&p);
        enum cls k = c ? classify(c) : C_SEP;
        if (k != C_HAN && run == 1)
            push(s, mix(((uint64_t)1 << 62) | prev)); /* a lone Han character */
        if (k != C_HAN)
            run = 0;
        if (k != C_WORD && in_word) {
            push(s, mix(word ^ ((uint64_t)2 << 62)));
            in_word = 0;
        }
        if (!c)
            break;
        if (k == C_HAN) {
            if (run >= 1)
                push(s, mix(((uint64_t)prev << 21) | c));
            prev = c;
            run++;
        } else if (k == C_WORD) {
            word = in_word ? mix(word ^ c) : mix(c);
            in_word = 1;
        }
    }
}

void text_features(const char *text, void (*emit)(uint64_t h, void *ctx), void *ctx)
{
    if (!text)
        return;
    const char *p = text;
    uint32_t prev = 0;
    int run = 0;
    uint64_t word = 0;
    int in_word = 0;
    for (;;) {
        uint32_t c = next_cp(&p);
        enum cls k = c ? classify(c) : C_SEP;
        if (k != C_WORD && in_word) {
            emit(mix(word ^ ((uint64_t)2 << 62)), ctx);
            in_word = 0;
        }
        if (!c)
            break;
        if (k == C_HAN) {
            emit(mix(((uint64_t)1 << 62) | c), ctx);
            if (run >= 1)
                emit(mix(((uint64_t)prev << 21) | c), ctx);
            prev = c;
            run++;
        } else {
            run = 0;
            if (k == C_WORD) {
                word = in_word ? mix(word ^ c) : mix(c);
                in_word = 1;
            }
        }
    }
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

void shingles_finish(struct shingles *s)
{
    if (s->n < 2)
        return;
    qsort(s->h, s->n, sizeof(*s->h), cmp_u64);
    size_t k = 1;
    for (size_t i = 1; i < s->n; i++)
        if (s->h[i] != s->h[k - 1])
            s->h[k++] = s->h[i];
    s->n = k;
}

double shingles_jaccard(const struct shingles *a, const struct shingles *b)
{
    size_t i = 0, j = 0, both = 0;
    while (i < a->n && j < b->n) {
        if (a->h[i] == b->h[j])
            both++, i++, j++;
        else if (a->h[i] < b->h[j])
            i++;
        else
            j++;
    }
    size_t all = a->n + b->n - both;
    return all ? (double)both / (double)all : 0.0;
}

int shingles_bands(const struct shingles *s, int64_t bands[SKETCH_BANDS])
{
    if (s->n == 0)
        return 0;
    uint64_t min[SKETCH_HASHES];
    for (int k = 0; k < SKETCH_HASHES; k++)
        min[k] = UINT64_MAX;
    for (size_t i = 0; i < s->n; i++)
        for (int k = 0; k < SKETCH_HASHES; k++) {
            uint64_t h = mix(s->h[i] ^ mix((uint64_t)k + 1));
            if (h < min[k])
                min[k] = h;
        }
    const int rows = SKETCH_HASHES / SKETCH_BANDS;
    for (int b = 0; b < SKETCH_BANDS; b++) {
        uint64_t h = mix((uint64_t)b);
        for (int r = 0; r < rows; r++)
            h = mix(h ^ min[b * rows + r]);
        memcpy(&bands[b], &h, sizeof(h));
    }
    return SKETCH_BANDS;
}

void text_fold(const char *in, char *out, size_t size)
{
    size_t k = 0;
    if (!size)
        return;
    const char *p = in ? in : "";
    for (;;) {
        const char *start = p;
        uint32_t c = next_cp(&p);
        if (!c)
            break;
        if (classify(c) == C_SEP)
            continue;
        char enc[4];
        size_t n;
        if (c < 0x80) {
            enc[0] = (char)c;
            n = 1;
        } else {
            n = (size_t)(p - start); /* a folded character below 0x80 took the branch above */
            memcpy(enc, start, n);
        }
        if (k + n >= size)
            break;
        memcpy(out + k, enc, n);
        k += n;
    }
    out[k] = '\0';
}

double dup_score(double jaccard, int same_phone, int same_place, int *reasons)
{
    int why = 0;
    double score = jaccard;
    if (jaccard >= DUP_TEXT_MIN)
        why |= DUP_TEXT;
    if (same_phone) {
        why |= DUP_PHONE;
        score += 0.3;
    }
    if (same_place) {
        why |= DUP_PLACE;
        score += 0.2;
    }
    if (reasons)
        *reasons = why;
    return score > 1.0 ? 1.0 : score;
}
