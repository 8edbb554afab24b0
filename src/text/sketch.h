/* sketch.h -- how alike two short Chinese texts are, and how to find the alike ones fast.
 *
 * A text becomes a set of shingles: the character pairs (bigrams) of each run of Han
 * characters (a run of one character is itself a shingle), and each run of Latin letters
 * and digits as one word, on a copy normalised for comparing: full-width forms folded to
 * ASCII, Latin lowercased, punctuation and spaces only separating. Two texts are as alike as
 * the Jaccard index of their sets (|A ∩ B| / |A ∪ B|). Measured on the appeals this ledger
 * takes, a Jaccard of 0.5 or more is a duplicate and 0.3..0.5 worth a look; SimHash, tried
 * first, could not tell texts this short apart.
 *
 * To find candidates without comparing a new text with every other, its MinHash signature
 * (SKETCH_HASHES minima under seeded hashes) is cut into SKETCH_BANDS bands; two texts that
 * share any band are compared exactly. With bands of two rows, texts of Jaccard 0.3 share a
 * band with probability 1 - (1 - 0.3^2)^16 = 0.78, of 0.5 with 0.99. No I/O here. */
#ifndef SHISHI_SKETCH_H
#define SHISHI_SKETCH_H

#include <stddef.h>
#include <stdint.h>

#define SKETCH_HASHES 32
#define SKETCH_BANDS  16

/* A text's shingles: sorted, unique 64-bit hashes. */
struct shingles {
    uint64_t *h;
    size_t n, cap;
};

void shingles_init(struct shingles *s);
void shingles_release(struct shingles *s);
/* Adds the shingles of `text` (NULL adds none; invalid UTF-8 bytes only separate). Several
 * texts may be added to one set (title and content); call shingles_finish() after the last. */
void shingles_add(struct shingles *s, const char *text);
void shingles_finish(struct shingles *s);

/* Every feature of `text` a classifier counts, repeats included: each Han character, each
 * pair of Han characters in a run, each Latin/digit word, on the same folded copy as the
 * shingles (whose pairs and words hash the same). */
void text_features(const char *text, void (*emit)(uint64_t h, void *ctx), void *ctx);

/* |A ∩ B| / |A ∪ B| of two finished sets; 0 when both are empty. */
double shingles_jaccard(const struct shingles *a, const struct shingles *b);

/* The LSH bands of a finished set, as signed 64-bit keys for the store. An empty set has
 * no bands: returns 0; else SKETCH_BANDS. */
int shingles_bands(const struct shingles *s, int64_t bands[SKETCH_BANDS]);

/* The copy of a short field (a phone number, an address) that two callers would share:
 * full-width folded, Latin lowercased, spaces and punctuation dropped. Writes at most
 * size - 1 bytes. */
void text_fold(const char *in, char *out, size_t size);

/* Why an appeal may be another's duplicate, and how sure: the one rule for both. */
enum dup_reason {
    DUP_TEXT = 1,  /* the texts are alike (Jaccard at least DUP_TEXT_MIN) */
    DUP_PHONE = 2, /* the same caller's number */
    DUP_PLACE = 4, /* the same address */
};

#define DUP_TEXT_MIN   0.3 /* a Jaccard below this is no reason */
#define DUP_LIST_MIN   0.3 /* a score below this is not listed */
#define DUP_LIKELY_MIN 0.5 /* from this score: 疑似重复; below it: 可能相关 */

/* Score in 0..1 and reasons (enum dup_reason) of a pair: the Jaccard, raised by 0.3 for the
 * same phone and 0.2 for the same address. */
double dup_score(double jaccard, int same_phone, int same_place, int *reasons);

#endif
