/* utf8.h -- the little UTF-8 we need: validity, character counts, display width. */
#ifndef SHISHI_UTF8_H
#define SHISHI_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Nonzero when s[0..len) is well-formed UTF-8 (no overlongs, surrogates or NULs). */
int utf8_valid(const char *s, size_t len);
/* Number of code points in a valid NUL-terminated string. */
size_t utf8_count(const char *s);
/* Columns a terminal gives the string: East Asian wide and fullwidth characters take 2. */
size_t utf8_width(const char *s);
/* Byte length of the longest prefix of s that fits in `cols` columns. */
size_t utf8_fit(const char *s, size_t cols);
/* Decodes one code point at s; returns its byte length (0 at NUL or on bad input). */
int utf8_decode(const char *s, uint32_t *cp);

#endif
