/* workday.c -- the working-day calendar: parsing holiday files, answering "is this a working
 * day" and counting working days.
 * Invariants: cal->days is sorted by date with unique dates; an entry's kind is CAL_HOLIDAY or
 * CAL_WORKDAY and its name is valid UTF-8 without control characters, NUL-terminated within
 * the field. A function that fails leaves the calendar as it was. Nothing here does I/O. */
#include "core/workday.h"

#include <stdlib.h>
#include <string.h>

#include "util/civil.h"
#include "util/xalloc.h"

#include "util/banned.h"


#define MAX_LINE      1000 /* bytes in one line of a holiday file, without its newline */
#define MAX_RANGE     31   /* days in one `holiday A..B` line */
#define MAX_FILE_DAYS 2048 /* day entries one file may define (a notice has about 40) */
#define MAX_ADD       3660 /* |n| for calendar_add_workdays: ten years of days */
#define QUOTE_MAX     40   /* bytes of a bad token quoted in an error message */

/* First and last day number the calendar can describe. */
static int64_t first_day(void)
{
    return civil_days(CAL_MIN_YEAR, 1, 1);
}

static int64_t last_day(void)
{
    return civil_days(CAL_MAX_YEAR, 12, 31);
}

static int year_of(int64_t date)
{
    int y, m, d;
    civil_ymd(date, &y, &m, &d);
    return y;
}

/* Index of the first entry whose date is >= date (cal->n when none). */
static size_t lower_bound(const struct calendar *cal, int64_t date)
{
    size_t lo = 0, hi = cal->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cal->days[mid].date < date)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Fills `e` for a date the calendar cannot answer about: outside the supported years, or in
 * a year nobody covered. */
static int err_uncovered(struct err *e, int64_t date)
{
    /* Day numbers this far out do not map to an int year; say so without converting. */
    if (date < -700000000 || date > 700000000)
        return err_set(e, ERR_CALENDAR, "date", "date %lld is outside the calendar's years %d..%d",
                       (long long)date, CAL_MIN_YEAR, CAL_MAX_YEAR);
    int year = year_of(date);
    if (year < CAL_MIN_YEAR || year > CAL_MAX_YEAR)
        return err_set(e, ERR_CALENDAR, "date",
                       "no working-day calendar for year %d (the calendar covers %d..%d)", year,
                       CAL_MIN_YEAR, CAL_MAX_YEAR);
    return err_set(e, ERR_CALENDAR, "date",
                   "no working-day calendar for year %d (add data/holidays/%d.txt or set the "
                   "year to weekends-only)",
                   year, year);
}

/* The year span a walk over days is currently in, so a walk converts a date to a year only
 * when it crosses into another year. */
struct year_span {
    int64_t from, to; /* first and last day of the covered year; from > to when unset */
};

/* 0 when `date` lies in a covered year, updating the span; fills `e` otherwise. */
static int check_covered(const struct calendar *cal, struct year_span *span, int64_t date,
                         struct err *e)
{
    if (date >= span->from && date <= span->to)
        return 0;
    if (date < first_day() || date > last_day())
        return err_uncovered(e, date);
    int year = year_of(date);
    if (cal->year_mode[year - CAL_MIN_YEAR] == CAL_YEAR_NONE)
        return err_uncovered(e, date);
    span->from = civil_days(year, 1, 1);
    span->to = civil_days(year, 12, 31);
    return 0;
}

/* The rule without coverage checks: an entry decides, otherwise Monday..Friday work. */
static int is_work_at(const struct cal_day *entry, int64_t date)
{
    if (entry)
        return entry->kind == CAL_WORKDAY;
    return civil_weekday(date) <= 5;
}

/* Length of the UTF-8 sequence at s (at most n bytes available) when it is a valid, shortest
 * encoding of a scalar value other than a control character; 0 otherwise. */
static size_t utf8_char(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return (c >= 0x20 && c != 0x7f) ? 1 : 0;
    size_t len;
    unsigned int cp, min;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2, cp = c & 0x1f, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3, cp = c & 0x0f, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4, cp = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    if (cp >= 0x80 && cp <= 0x9f) /* C1 controls */
        return 0;
    return len;
}

/* 0 when s[0..n) is valid UTF-8 without control characters. */
static int check_text(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t k = utf8_char((const unsigned char *)s + i, n - i);
        if (k == 0)
            return -1;
        i += k;
    }
    return 0;
}

/* Copies at most QUOTE_MAX bytes of s[0..n) into out for quoting in a message, cut at a
 * character boundary, with bytes that are not printable UTF-8 shown as '?'. */
static void quote_token(char out[QUOTE_MAX + 4], const char *s, size_t n)
{
    size_t i = 0, o = 0;
    while (i < n && o < QUOTE_MAX) {
        size_t k = utf8_char((const unsigned char *)s + i, n - i);
        if (k == 0) {
            out[o++] = '?';
            i++;
            continue;
        }
        if (o + k > QUOTE_MAX)
            break;
        memcpy(out + o, s + i, k);
        o += k;
        i += k;
    }
    if (i < n) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* A day entry while a file is parsed; `seq` keeps "a later line wins" through sorting. */
struct pending {
    struct cal_day day;
    size_t seq;
};

static int cmp_pending(const void *a, const void *b)
{
    const struct pending *x = a, *y = b;
    if (x->day.date != y->day.date)
        return x->day.date < y->day.date ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* What one file has produced so far. */
struct parse {
    const char *source;
    int lineno;
    int year; /* 0 until the `year` line */
    int provisional; /* a `provisional` line was seen */
    struct pending *list;
    size_t n, cap;
};

/* Fills `e` with "source:line: " and the message; returns -1. */
#define PARSE_ERR(p, e, fmt, ...)                                                                  \
    err_set(e, ERR_INVALID, "calendar", "%s:%d: " fmt, (p)->source, (p)->lineno, __VA_ARGS__)

static int parse_year(struct parse *p, const char *arg, size_t n, struct err *e)
{
    char q[QUOTE_MAX + 4];
    quote_token(q, arg, n);
    if (p->year)
        return PARSE_ERR(p, e, "duplicate 'year' line '%s' (year %d already set)", q, p->year);
    if (n != 4)
        return PARSE_ERR(p, e, "bad year '%s'", q);
    int year = 0;
    for (size_t i = 0; i < n; i++) {
        if (arg[i] < '0' || arg[i] > '9')
            return PARSE_ERR(p, e, "bad year '%s'", q);
        year = year * 10 + (arg[i] - '0');
    }
    if (year < CAL_MIN_YEAR || year > CAL_MAX_YEAR)
        return PARSE_ERR(p, e, "year %d is outside %d..%d", year, CAL_MIN_YEAR, CAL_MAX_YEAR);
    p->year = year;
    return 0;
}

/* Parses one "YYYY-MM-DD" of exactly n bytes that must lie in or next to the file's year. */
static int parse_one_date(struct parse *p, const char *s, size_t n, int64_t *out, struct err *e)
{
    char buf[11], q[QUOTE_MAX + 4];
    quote_token(q, s, n);
    if (n != 10)
        return PARSE_ERR(p, e, "bad date '%s'", q);
    memcpy(buf, s, 10);
    buf[10] = '\0';
    if (civil_parse_date(buf, out) < 0)
        return PARSE_ERR(p, e, "bad date '%s'", q);
    int y = year_of(*out);
    if (y < CAL_MIN_YEAR || y > CAL_MAX_YEAR)
        return PARSE_ERR(p, e, "date '%s' is outside years %d..%d", q, CAL_MIN_YEAR, CAL_MAX_YEAR);
    if (y < p->year - 1 || y > p->year + 1)
        return PARSE_ERR(p, e, "date '%s' is too far from year %d", q, p->year);
    return 0;
}

/* `holiday DATE[..DATE] NAME` or `workday DATE[..DATE] NAME`; `arg` is what follows the
 * directive, trimmed. */
static int parse_day(struct parse *p, char kind, const char *arg, size_t n, struct err *e)
{
    char q[QUOTE_MAX + 4];
    if (!p->year)
        return PARSE_ERR(p, e, "'%s' before the 'year' line",
                         kind == CAL_HOLIDAY ? "holiday" : "workday");

    size_t dlen = 0;
    while (dlen < n && !is_blank(arg[dlen]))
        dlen++;
    const char *name = arg + dlen;
    size_t nlen = n - dlen;
    while (nlen > 0 && is_blank(*name))
        name++, nlen--;

    int64_t from, to;
    const char *dots = NULL;
    for (size_t i = 0; i + 1 < dlen; i++) {
        if (arg[i] == '.' && arg[i + 1] == '.') {
            dots = arg + i;
            break;
        }
    }
    if (dots) {
        size_t alen = (size_t)(dots - arg);
        if (parse_one_date(p, arg, alen, &from, e) < 0 ||
            parse_one_date(p, dots + 2, dlen - alen - 2, &to, e) < 0)
            return -1;
        quote_token(q, arg, dlen);
        if (to < from)
            return PARSE_ERR(p, e, "reversed range '%s'", q);
        if (to - from + 1 > MAX_RANGE)
            return PARSE_ERR(p, e, "range '%s' is longer than %d days", q, MAX_RANGE);
    } else {
        if (parse_one_date(p, arg, dlen, &from, e) < 0)
            return -1;
        to = from;
    }

    if (nlen == 0)
        return PARSE_ERR(p, e, "missing name after '%.*s'", (int)dlen, arg);
    quote_token(q, name, nlen);
    if (check_text(name, nlen) < 0)
        return PARSE_ERR(p, e, "bad character in name '%s'", q);
    if (nlen >= sizeof(p->list[0].day.name))
        return PARSE_ERR(p, e, "name '%s' is longer than %zu bytes", q,
                         sizeof(p->list[0].day.name) - 1);

    size_t count = (size_t)(to - from + 1);
    if (p->n + count > MAX_FILE_DAYS)
        return PARSE_ERR(p, e, "more than %d days in one file", MAX_FILE_DAYS);
    void *grown = p->list;
    xgrow(&grown, &p->cap, p->n + count, sizeof(*p->list));
    p->list = grown;
    for (int64_t d = from; d <= to; d++) {
        struct pending *pd = &p->list[p->n];
        memset(pd, 0, sizeof(*pd));
        pd->day.date = d;
        pd->day.kind = kind;
        memcpy(pd->day.name, name, nlen);
        pd->seq = p->n;
        p->n++;
    }
    return 0;
}

/* One line, comment already cut off; s[0..n) has no newline and no NUL. */
static int parse_line(struct parse *p, const char *s, size_t n, struct err *e)
{
    while (n > 0 && (is_blank(*s) || *s == '\r'))
        s++, n--;
    while (n > 0 && (is_blank(s[n - 1]) || s[n - 1] == '\r'))
        n--;
    if (n == 0)
        return 0;

    size_t wlen = 0;
    while (wlen < n && !is_blank(s[wlen]))
        wlen++;
    const char *arg = s + wlen;
    size_t alen = n - wlen;
    while (alen > 0 && is_blank(*arg))
        arg++, alen--;

    if (wlen == 4 && memcmp(s, "year", 4) == 0)
        return parse_year(p, arg, alen, e);
    if (wlen == 7 && memcmp(s, "holiday", 7) == 0)
        return parse_day(p, CAL_HOLIDAY, arg, alen, e);
    if (wlen == 11 && memcmp(s, "provisional", 11) == 0) {
        if (!p->year)
            return PARSE_ERR(p, e, "%s", "'provisional' before the 'year' line");
        p->provisional = 1;
        return 0;
    }
    if (wlen == 7 && memcmp(s, "workday", 7) == 0)
        return parse_day(p, CAL_WORKDAY, arg, alen, e);
    char q[QUOTE_MAX + 4];
    quote_token(q, s, wlen);
    return PARSE_ERR(p, e, "unknown directive '%s'", q);
}

/* Merges the sorted, duplicate-free `add` into cal->days; entries of `add` win. */
static void merge_days(struct calendar *cal, const struct cal_day *add, size_t m)
{
    size_t cap = cal->n + m;
    struct cal_day *out = xcalloc(cap, sizeof(*out));
    size_t i = 0, j = 0, k = 0;
    while (i < cal->n || j < m) {
        if (j == m || (i < cal->n && cal->days[i].date < add[j].date)) {
            out[k++] = cal->days[i++];
        } else {
            if (i < cal->n && cal->days[i].date == add[j].date)
                i++;
            out[k++] = add[j++];
        }
    }
    free(cal->days);
    cal->days = out;
    cal->n = k;
    cal->cap = cap;
}

/* Removes the days of one year (a provisional year about to get its notice). */
static void drop_year(struct calendar *cal, int year)
{
    int64_t from = civil_days(year, 1, 1), to = civil_days(year, 12, 31);
    size_t k = 0;
    for (size_t i = 0; i < cal->n; i++)
        if (cal->days[i].date < from || cal->days[i].date > to)
            cal->days[k++] = cal->days[i];
    cal->n = k;
}

void calendar_init(struct calendar *cal)
{
    memset(cal, 0, sizeof(*cal));
}

void calendar_release(struct calendar *cal)
{
    free(cal->days);
    memset(cal, 0, sizeof(*cal));
}

int calendar_load_text(struct calendar *cal, const char *text, size_t len, const char *source,
                       struct err *e)
{
    struct parse p = {.source = source ? source : "(calendar)"};
    struct cal_day *days = NULL;
    int rc = -1;
    size_t pos = 0;

    if (!text)
        len = 0;
    /* A UTF-8 byte order mark is what some editors put at the start; it says nothing. */
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        pos = 3;
    while (pos < len) {
        p.lineno++;
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - line) : len - pos;
        pos += n + (nl ? 1 : 0);
        if (n > MAX_LINE) {
            PARSE_ERR(&p, e, "line longer than %d bytes", MAX_LINE);
            goto out;
        }
        if (memchr(line, '\0', n)) {
            PARSE_ERR(&p, e, "%s", "NUL byte in line");
            goto out;
        }
        const char *hash = memchr(line, '#', n);
        if (hash)
            n = (size_t)(hash - line);
        if (parse_line(&p, line, n, e) < 0)
            goto out;
    }
    if (!p.year) {
        err_set(e, ERR_INVALID, "calendar", "%s: no 'year' line", p.source);
        goto out;
    }

    /* Sort by date, then keep the last line's entry for each date. */
    size_t m = 0;
    if (p.n > 0) {
        qsort(p.list, p.n, sizeof(*p.list), cmp_pending);
        days = xcalloc(p.n, sizeof(*days));
        for (size_t i = 0; i < p.n; i++) {
            if (i + 1 < p.n && p.list[i + 1].day.date == p.list[i].day.date)
                continue;
            days[m++] = p.list[i].day;
        }
    }
    unsigned char *mode = &cal->year_mode[p.year - CAL_MIN_YEAR];
    if (p.provisional && *mode == CAL_YEAR_OFFICIAL) {
        rc = 0; /* the notice is already in: the statutory guess adds nothing */
        goto out;
    }
    if (!p.provisional && *mode == CAL_YEAR_PROVISIONAL)
        drop_year(cal, p.year);
    merge_days(cal, days, m);
    *mode = p.provisional ? CAL_YEAR_PROVISIONAL : CAL_YEAR_OFFICIAL;
    rc = 0;
out:
    free(p.list);
    free(days);
    return rc;
}

int calendar_set_day(struct calendar *cal, int64_t date, int kind, const char *name, struct err *e)
{
    struct year_span span = {1, 0};
    if (kind != CAL_HOLIDAY && kind != CAL_WORKDAY)
        return err_set(e, ERR_INVALID, "kind", "bad day kind %d (want holiday or workday)", kind);
    if (check_covered(cal, &span, date, e) < 0)
        return -1;
    if (!name)
        name = "";
    size_t nlen = strlen(name);
    char q[QUOTE_MAX + 4];
    quote_token(q, name, nlen);
    if (check_text(name, nlen) < 0)
        return err_set(e, ERR_INVALID, "name", "bad character in name '%s'", q);
    if (nlen >= sizeof(cal->days[0].name))
        return err_set(e, ERR_INVALID, "name", "name '%s' is longer than %zu bytes", q,
                       sizeof(cal->days[0].name) - 1);

    size_t i = lower_bound(cal, date);
    if (i == cal->n || cal->days[i].date != date) {
        void *grown = cal->days;
        xgrow(&grown, &cal->cap, cal->n + 1, sizeof(*cal->days));
        cal->days = grown;
        memmove(cal->days + i + 1, cal->days + i, (cal->n - i) * sizeof(*cal->days));
        cal->n++;
    }
    struct cal_day *d = &cal->days[i];
    memset(d, 0, sizeof(*d));
    d->date = date;
    d->kind = (char)kind;
    memcpy(d->name, name, nlen);
    return 0;
}

int calendar_set_weekends_only(struct calendar *cal, int year, struct err *e)
{
    if (year < CAL_MIN_YEAR || year > CAL_MAX_YEAR)
        return err_set(e, ERR_INVALID, "year", "year %d is outside %d..%d", year, CAL_MIN_YEAR,
                       CAL_MAX_YEAR);
    /* Its notice's holidays would still apply: refuse rather than half-switch the year. */
    if (cal->year_mode[year - CAL_MIN_YEAR] == CAL_YEAR_OFFICIAL)
        return err_set(e, ERR_CONFLICT, "year", "year %d already has an official holiday calendar",
                       year);
    if (cal->year_mode[year - CAL_MIN_YEAR] == CAL_YEAR_PROVISIONAL)
        return err_set(e, ERR_CONFLICT, "year",
                       "year %d already has a provisional calendar of its statutory holidays; "
                       "change single days with set-day",
                       year);
    cal->year_mode[year - CAL_MIN_YEAR] = CAL_YEAR_WEEKENDS;
    return 0;
}

int calendar_year_mode(const struct calendar *cal, int year)
{
    if (year < CAL_MIN_YEAR || year > CAL_MAX_YEAR)
        return CAL_YEAR_NONE;
    return cal->year_mode[year - CAL_MIN_YEAR];
}

int calendar_is_provisional(const struct calendar *cal, int64_t date)
{
    if (date < first_day() || date > last_day())
        return 0;
    return calendar_year_mode(cal, year_of(date)) == CAL_YEAR_PROVISIONAL;
}

int calendar_is_workday(const struct calendar *cal, int64_t date, int *is_work, struct err *e)
{
    struct year_span span = {1, 0};
    if (check_covered(cal, &span, date, e) < 0)
        return -1;
    *is_work = is_work_at(calendar_find(cal, date), date);
    return 0;
}

int calendar_add_workdays(const struct calendar *cal, int64_t date, int n, int64_t *out,
                          struct err *e)
{
    if (n < -MAX_ADD || n > MAX_ADD)
        return err_set(e, ERR_INVALID, "n", "working-day offset %d is outside -%d..%d", n, MAX_ADD,
                       MAX_ADD);
    if (date < first_day() || date > last_day())
        return err_uncovered(e, date);
    if (n == 0) {
        *out = date;
        return 0;
    }

    /* Walk day by day; `i` follows the walk through the sorted entries so each step costs a
     * comparison, not a search. Forward, days[i] is the first entry not before the day;
     * backward, days[i - 1] is the last entry not after it. */
    struct year_span span = {1, 0};
    int step = n > 0 ? 1 : -1;
    int left = n > 0 ? n : -n;
    int64_t d = date;
    size_t i = lower_bound(cal, step > 0 ? date + 1 : date);
    while (left > 0) {
        d += step;
        if (check_covered(cal, &span, d, e) < 0)
            return -1;
        const struct cal_day *entry = NULL;
        if (step > 0) {
            while (i < cal->n && cal->days[i].date < d)
                i++;
            if (i < cal->n && cal->days[i].date == d)
                entry = &cal->days[i];
        } else {
            while (i > 0 && cal->days[i - 1].date > d)
                i--;
            if (i > 0 && cal->days[i - 1].date == d)
                entry = &cal->days[i - 1];
        }
        if (is_work_at(entry, d))
            left--;
    }
    *out = d;
    return 0;
}

int calendar_count_workdays(const struct calendar *cal, int64_t from, int64_t to, int *n,
                            struct err *e)
{
    if (from < first_day() || from > last_day())
        return err_uncovered(e, from);
    if (to < first_day() || to > last_day())
        return err_uncovered(e, to);
    int sign = 1;
    if (to < from) {
        int64_t t = from;
        from = to;
        to = t;
        sign = -1;
    }
    /* Both ends lie within CAL_MIN_YEAR..CAL_MAX_YEAR, so the count fits an int. */
    struct year_span span = {1, 0};
    size_t i = lower_bound(cal, from + 1);
    int count = 0;
    for (int64_t d = from + 1; d <= to; d++) {
        if (check_covered(cal, &span, d, e) < 0)
            return -1;
        while (i < cal->n && cal->days[i].date < d)
            i++;
        const struct cal_day *entry = i < cal->n && cal->days[i].date == d ? &cal->days[i] : NULL;
        count += is_work_at(entry, d);
    }
    *n = sign * count;
    return 0;
}

const struct cal_day *calendar_find(const struct calendar *cal, int64_t date)
{
    size_t i = lower_bound(cal, date);
    if (i < cal->n && cal->days[i].date == date)
        return &cal->days[i];
    return NULL;
}
