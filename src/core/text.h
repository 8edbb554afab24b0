/* text.h -- what a valid free text is, for every text a user types (titles, notes, reasons,
 * replies, findings): well-formed UTF-8, at most `max` characters, no control character but
 * newline and tab, and, when required, not blank -- spaces, ideographic spaces and invisible
 * characters (zero-width space, BOM) alone count as nothing. One rule for the whole program. */
#ifndef SHISHI_TEXT_H
#define SHISHI_TEXT_H

#include <stddef.h>

#include "util/err.h"

/* 0 when s is a valid text for `field` (NULL and "" are valid unless required); else -1
 * with ERR_INVALID naming the field and what is wrong. */
int text_check(const char *field, const char *s, size_t max, int required, struct err *e);
/* Nonzero when s holds nothing visible (NULL, "", or only blanks and invisible characters). */
int text_blank(const char *s);
/* 0 when s is a whole number in decimal digits, an optional '-' before them, and nothing
 * else (no sign '+', no space, no "0x"), from min to max; its value into *out. Else -1.
 * The one reading of a number a user types: options, query parameters, path segments. */
int text_whole(const char *s, long min, long max, long *out);

#endif
