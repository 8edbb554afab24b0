/* terms.h -- recurring problems: the Chinese character pairs (bigrams) most appeals of a
 * period share in their titles ("停车" in 37 appeals, "漏水" in 12). A bigram counts once per
 * appeal; pairs with a non-Han character and common filler pairs ("反映", "问题") are left
 * out, and a pair that only ever appears inside a longer, equally frequent one is not
 * listed twice. */
#ifndef SHISHI_TERMS_H
#define SHISHI_TERMS_H

#include <stddef.h>
#include <stdint.h>

#define TERM_SAMPLES 3

struct term {
    char text[8]; /* two Han characters, UTF-8 */
    int64_t count;
    int64_t sample[TERM_SAMPLES]; /* the first appeals (by the caller's ids) holding it */
    int nsample;
};

struct terms; /* opaque counter */

struct terms *terms_new(void);
void terms_free(struct terms *t); /* NULL-safe */
/* Never lists the bigrams of `text` (place and unit names: "坪村" of "小坪村" is no problem). */
void terms_stop(struct terms *t, const char *text);
/* Counts the bigrams of one appeal's text. */
void terms_add(struct terms *t, int64_t id, const char *text);
/* The `max` most frequent (ties: by text), at least `min_count` appeals each; returns how
 * many were written to out. */
size_t terms_top(struct terms *t, struct term *out, size_t max, int64_t min_count);

#endif
