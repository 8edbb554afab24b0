/* civil.h -- calendar dates and instants without the C library's time zone state.
 * Dates are day numbers (days since 1970-01-01, proleptic Gregorian). Instants are UTC
 * seconds since the epoch. The site's zone is a fixed offset: Asia/Shanghai has been
 * UTC+08:00 without daylight saving since 1991, so every day we count is in that zone. */
#ifndef SHISHI_CIVIL_H
#define SHISHI_CIVIL_H

#include <stdint.h>

#include "util/err.h"

#define SITE_UTC_OFFSET (8 * 3600)
#define DAY_SECONDS 86400

int64_t civil_days(int y, int m, int d);
void civil_ymd(int64_t days, int *y, int *m, int *d);
/* ISO weekday: 1 Monday .. 7 Sunday. */
int civil_weekday(int64_t days);
int civil_valid(int y, int m, int d);
/* Parses exactly "YYYY-MM-DD"; 0 on success. */
int civil_parse_date(const char *s, int64_t *days);
/* Writes "YYYY-MM-DD" into out (at least 11 bytes). */
void civil_format_date(int64_t days, char out[11]);
/* Parses "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS]" or "YYYY-MM-DDTHH:MM[:SS]" with an optional
 * "Z" or "+HH:MM"/"-HH:MM" suffix. Without an offset the site's zone is meant.
 * 0 on success. */
int civil_parse_instant(const char *s, int64_t *t);
/* Writes ISO 8601 in the site's zone, "2021-10-13T17:30:00+08:00" (26 bytes). */
void civil_format_instant(int64_t t, char out[26]);
/* The site-zone date an instant falls on, and the first instant of a site-zone date. */
int64_t civil_site_date(int64_t t);
int64_t civil_site_midnight(int64_t days);

/* The same parsers, filling `e` with a message that quotes the input on failure. */
int civil_parse_date_checked(const char *s, int64_t *days, struct err *e);
int civil_parse_instant_checked(const char *s, const char *field, int64_t *t, struct err *e);

#endif
