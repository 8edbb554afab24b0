/* workday.h -- the working-day calendar: statutory holidays and 调休 make-up workdays.
 * A date is a working day when it is a make-up workday, or a Monday..Friday that is not a
 * holiday. A year is usable only when the calendar covers it: from an official notice
 * (data/holidays/YYYY.txt) or because the site explicitly set it to weekends-only.
 * Asking about any other year is an ERR_CALENDAR error naming the year. No I/O here:
 * callers hand in the files' text. */
#ifndef SHISHI_WORKDAY_H
#define SHISHI_WORKDAY_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define CAL_MIN_YEAR 1900
#define CAL_MAX_YEAR 2199

enum cal_kind {
    CAL_HOLIDAY = 'H', /* a day off (statutory holiday or a weekday moved off by 调休) */
    CAL_WORKDAY = 'W', /* a make-up working day on a weekend (调休上班) */
};

enum cal_year_mode {
    CAL_YEAR_NONE = 0,     /* not covered: using it is an error */
    CAL_YEAR_OFFICIAL = 1, /* covered by a holiday notice */
    CAL_YEAR_WEEKENDS = 2, /* site chose weekends-only for this year */
    /* No notice yet: the statutory holidays of 全国年节及纪念日放假办法 on their dates, without
     * the 调休 the notice will add. Deadlines in such a year are marked provisional. */
    CAL_YEAR_PROVISIONAL = 3,
};

struct cal_day {
    int64_t date; /* day number, see util/civil.h */
    char kind;    /* enum cal_kind */
    char name[64];
};

struct calendar {
    struct cal_day *days; /* sorted by date, unique dates */
    size_t n, cap;
    unsigned char year_mode[CAL_MAX_YEAR - CAL_MIN_YEAR + 1];
};

void calendar_init(struct calendar *cal);
void calendar_release(struct calendar *cal);

/* Parses a holiday file and adds its days; marks its year official. `source` names the
 * file in error messages. Format, one directive a line, '#' starts a comment:
 *     year 2021
 *     holiday 2021-10-01..2021-10-07 国庆节
 *     holiday 2021-06-14 端午节
 *     workday 2021-10-09 国庆节调休上班
 * A file with a `provisional` line (after `year`) marks its year CAL_YEAR_PROVISIONAL instead:
 * it holds the statutory holidays before the year's notice is out. An official file for the
 * same year, loaded before or after, wins: the provisional days of that year are dropped.
 * Exactly one `year` line, before any day; days may fall outside that year (a New Year
 * holiday that starts on 31 December). A later `holiday`/`workday` for the same date
 * replaces the earlier one. On error nothing is added.
 * Strict: a '#' anywhere ends the line's text (names cannot hold one); lines end in LF or
 * CRLF and hold at most 1000 bytes; a range `A..B` runs forward and spans at most 31 days;
 * every day lies in the `year` or a year next to it; the name (the rest of the line) is
 * required, valid UTF-8 without control characters, and at most 63 bytes: a longer name is
 * rejected, not truncated. Loading a year already loaded merges into it. Errors are
 * ERR_INVALID, field "calendar", message "source:line: what went wrong". */
int calendar_load_text(struct calendar *cal, const char *text, size_t len, const char *source,
                       struct err *e);
/* Adds or replaces one day (kind CAL_HOLIDAY or CAL_WORKDAY); the year must be covered.
 * `name` may be NULL; the same rules as in files apply to it (ERR_INVALID, field "name"). */
int calendar_set_day(struct calendar *cal, int64_t date, int kind, const char *name,
                     struct err *e);
/* Declares a year covered without a notice: only Saturdays and Sundays are off.
 * ERR_CONFLICT when the year already has a notice loaded. */
int calendar_set_weekends_only(struct calendar *cal, int year, struct err *e);
int calendar_year_mode(const struct calendar *cal, int year);
/* 1 when the date lies in a provisional year (see CAL_YEAR_PROVISIONAL). */
int calendar_is_provisional(const struct calendar *cal, int64_t date);

/* *is_work = 1 for a working day. ERR_CALENDAR when the date's year is not covered. */
int calendar_is_workday(const struct calendar *cal, int64_t date, int *is_work, struct err *e);
/* The n-th working day strictly after `date` (n >= 1), or `date` itself for n == 0; with
 * n < 0 the |n|-th working day strictly before. 2021-09-30 + 5 = 2021-10-13.
 * |n| <= 3660 (ERR_INVALID, field "n"); every day walked over must be in a covered year. */
int calendar_add_workdays(const struct calendar *cal, int64_t date, int n, int64_t *out,
                          struct err *e);
/* Working days d with from < d <= to (negative when to < from). */
int calendar_count_workdays(const struct calendar *cal, int64_t from, int64_t to, int *n,
                            struct err *e);
/* The holiday/workday entry for a date, or NULL (borrowed). */
const struct cal_day *calendar_find(const struct calendar *cal, int64_t date);

#endif
