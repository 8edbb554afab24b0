/* test_workday.c -- the working-day calendar against the real holiday files (2020-2026, and 2027 provisional):
 * 调休 weekends, holidays across a year boundary, uncovered years, overrides, and a parser
 * that rejects bad input without touching the calendar. */
#include "core/workday.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "util/civil.h"
#include "util/embedded.h"

#include "util/banned.h"


static int64_t D(const char *s)
{
    int64_t d = 0;
    if (civil_parse_date(s, &d) < 0) {
        fprintf(stderr, "test bug: bad date %s\n", s);
        abort();
    }
    return d;
}

static const char *fmt(int64_t d, char out[11])
{
    civil_format_date(d, out);
    return out;
}

static void load_all(struct calendar *cal)
{
    int files = 0;
    for (const struct embedded_file *f = embedded_holidays; f->name; f++) {
        struct err e = {0};
        int rc = calendar_load_text(cal, (const char *)f->data, f->len, f->name, &e);
        if (rc < 0)
            fprintf(stderr, "loading %s: %s\n", f->name, e.msg);
        CHECK_INT(rc, 0);
        files++;
    }
    CHECK(files >= 7);
}

/* Sorted by date, unique dates, known kinds: the calendar's invariant. */
static int well_formed(const struct calendar *cal)
{
    for (size_t i = 0; i < cal->n; i++) {
        if (i > 0 && cal->days[i - 1].date >= cal->days[i].date)
            return 0;
        if (cal->days[i].kind != CAL_HOLIDAY && cal->days[i].kind != CAL_WORKDAY)
            return 0;
        if (memchr(cal->days[i].name, '\0', sizeof(cal->days[i].name)) == NULL)
            return 0;
    }
    return 1;
}

static void test_years(const struct calendar *cal)
{
    /* Make-up workdays per notice, and working days per year (checked against an
     * independent script over the same notices). 2020 counts the extended Spring Festival:
     * its 1 February make-up day was cancelled. */
    static const struct {
        int year, makeup, workdays;
    } rows[] = {
        {2020, 6, 249}, {2021, 7, 250}, {2022, 7, 249}, {2023, 7, 249},
        {2024, 8, 251}, {2025, 5, 248}, {2026, 6, 248},
    };
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        int y = rows[r].year;
        CHECK_INT(calendar_year_mode(cal, y), CAL_YEAR_OFFICIAL);
        int makeup = 0;
        for (size_t i = 0; i < cal->n; i++) {
            int yy, mm, dd;
            civil_ymd(cal->days[i].date, &yy, &mm, &dd);
            if (yy != y || cal->days[i].kind != CAL_WORKDAY)
                continue;
            makeup++;
            /* A make-up day is always a weekend day. */
            CHECK(civil_weekday(cal->days[i].date) >= 6);
        }
        if (makeup != rows[r].makeup)
            fprintf(stderr, "year %d: %d make-up days, want %d\n", y, makeup, rows[r].makeup);
        CHECK_INT(makeup, rows[r].makeup);

        int n = -1;
        struct err e = {0};
        CHECK_INT(
            calendar_count_workdays(cal, civil_days(y - 1, 12, 31), civil_days(y, 12, 31), &n, &e),
            0);
        if (n != rows[r].workdays)
            fprintf(stderr, "year %d: %d working days, want %d\n", y, n, rows[r].workdays);
        CHECK_INT(n, rows[r].workdays);
    }
    CHECK_INT(calendar_year_mode(cal, 2019), CAL_YEAR_NONE);
    CHECK_INT(calendar_year_mode(cal, 2027), CAL_YEAR_PROVISIONAL);
    CHECK_INT(calendar_year_mode(cal, 2028), CAL_YEAR_NONE);
    CHECK_INT(calendar_year_mode(cal, 1000), CAL_YEAR_NONE);
    CHECK_INT(calendar_year_mode(cal, 99999), CAL_YEAR_NONE);
    CHECK(well_formed(cal));
}

static void test_is_workday(const struct calendar *cal)
{
    static const struct {
        const char *date;
        int work;
    } rows[] = {
        /* 2021 National Day: 10-01..10-07 off; Sunday 09-26 and Saturday 10-09 worked. */
        {"2021-09-25", 0},
        {"2021-09-26", 1},
        {"2021-09-30", 1},
        {"2021-10-01", 0},
        {"2021-10-04", 0},
        {"2021-10-07", 0},
        {"2021-10-08", 1},
        {"2021-10-09", 1},
        {"2021-10-10", 0},
        {"2021-10-11", 1},
        {"2021-10-16", 0},
        {"2021-10-17", 0},
        /* 2023 Spring Festival: 01-21..01-27 off, then the 调休 weekend 01-28/29 worked. */
        {"2023-01-20", 1},
        {"2023-01-21", 0},
        {"2023-01-23", 0},
        {"2023-01-27", 0},
        {"2023-01-28", 1},
        {"2023-01-29", 1},
        {"2023-01-30", 1},
        /* 2023's New Year block starts in 2022 (listed in 2023.txt). */
        {"2022-12-30", 1},
        {"2022-12-31", 0},
        {"2023-01-01", 0},
        {"2023-01-02", 0},
        {"2023-01-03", 1},
        /* 2020: Spring Festival extended to 02-02; the 02-01 make-up day cancelled. */
        {"2020-01-19", 1},
        {"2020-01-24", 0},
        {"2020-01-31", 0},
        {"2020-02-01", 0},
        {"2020-02-02", 0},
        {"2020-02-03", 1},
        /* 2024 除夕 (02-09) was only encouraged as a day off: a working day. */
        {"2024-02-09", 1},
        {"2024-02-10", 0},
        {"2024-02-18", 1},
        /* 2026. */
        {"2026-01-04", 1},
        {"2026-02-14", 1},
        {"2026-02-23", 0},
        {"2026-02-28", 1},
        {"2026-09-20", 1},
        {"2026-10-10", 1},
        {"2026-12-31", 1},
    };
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        int work = -1;
        struct err e = {0};
        int rc = calendar_is_workday(cal, D(rows[r].date), &work, &e);
        CHECK_INT(rc, 0);
        if (work != rows[r].work)
            fprintf(stderr, "%s: is_workday %d, want %d\n", rows[r].date, work, rows[r].work);
        CHECK_INT(work, rows[r].work);
    }
}

static void test_add(const struct calendar *cal)
{
    static const struct {
        const char *from;
        int n;
        const char *want;
    } rows[] = {
        {"2021-09-30", 5, "2021-10-13"}, /* across 国庆 with the 10-09 Saturday worked */
        {"2021-09-30", 1, "2021-10-08"},   {"2021-09-30", 2, "2021-10-09"},
        {"2021-09-25", 1, "2021-09-26"}, /* Saturday -> 调休 Sunday */
        {"2021-12-30", 3, "2022-01-05"}, /* New Year 2022 (01-01..01-03) */
        {"2022-12-30", 1, "2023-01-03"}, /* New Year 2023 starting 2022-12-31 */
        {"2023-01-20", 1, "2023-01-28"},   {"2023-01-20", 3, "2023-01-30"},
        {"2020-01-23", 1, "2020-02-03"}, /* extended 2020 Spring Festival */
        {"2025-12-31", 1, "2026-01-04"}, /* 2026 New Year then its Sunday make-up */
        {"2021-10-03", 0, "2021-10-03"}, /* n == 0 is the date itself, even a holiday */
        {"2021-10-13", -5, "2021-09-30"},  {"2021-10-08", -1, "2021-09-30"},
        {"2021-10-11", -1, "2021-10-09"},  {"2022-01-04", -1, "2021-12-31"},
        {"2023-01-03", -1, "2022-12-30"},  {"2023-01-30", -2, "2023-01-28"},
        {"2020-01-02", 250, "2021-01-05"}, {"2021-01-05", -250, "2020-01-02"},
    };
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        int64_t out = 0;
        char got[11];
        struct err e = {0};
        int rc = calendar_add_workdays(cal, D(rows[r].from), rows[r].n, &out, &e);
        if (rc < 0)
            fprintf(stderr, "%s %+d: %s\n", rows[r].from, rows[r].n, e.msg);
        CHECK_INT(rc, 0);
        if (strcmp(fmt(out, got), rows[r].want) != 0)
            fprintf(stderr, "%s %+d: got %s, want %s\n", rows[r].from, rows[r].n, got,
                    rows[r].want);
        CHECK_STR(got, rows[r].want);
    }

    /* Adding then counting back agrees, day by day across the whole covered span. */
    int bad = 0;
    for (int64_t d = D("2020-01-01"); d <= D("2026-09-30"); d += 7) {
        int64_t out = 0;
        int n = 0;
        if (calendar_add_workdays(cal, d, 60, &out, NULL) < 0 ||
            calendar_count_workdays(cal, d, out, &n, NULL) < 0 || n != 60)
            bad++;
        if (calendar_count_workdays(cal, out, d, &n, NULL) < 0 || n != -60)
            bad++;
    }
    CHECK_INT(bad, 0);

    /* The guard on n. */
    int64_t out = 12345;
    struct err e = {0};
    CHECK_INT(calendar_add_workdays(cal, D("2021-01-04"), 3661, &out, &e), -1);
    CHECK_INT(e.code, ERR_INVALID);
    CHECK_STR(e.field, "n");
    CHECK_INT(calendar_add_workdays(cal, D("2021-01-04"), -3661, &out, &e), -1);
    CHECK_INT(calendar_add_workdays(cal, D("2021-01-04"), INT32_MIN, &out, &e), -1);
    CHECK_INT(out, 12345);
}

static void test_count(const struct calendar *cal)
{
    static const struct {
        const char *from, *to;
        int want;
    } rows[] = {
        {"2021-09-30", "2021-10-13", 5},    {"2021-10-13", "2021-09-30", -5},
        {"2021-10-01", "2021-10-07", 0},    {"2021-10-05", "2021-10-05", 0},
        {"2021-09-30", "2021-10-09", 2},    {"2021-12-30", "2022-01-05", 3},
        {"2022-12-30", "2023-01-03", 1},    {"2023-01-20", "2023-01-29", 2},
        {"2019-12-31", "2026-12-31", 1744}, /* the sum of the per-year counts */
    };
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        int n = -999;
        struct err e = {0};
        CHECK_INT(calendar_count_workdays(cal, D(rows[r].from), D(rows[r].to), &n, &e), 0);
        if (n != rows[r].want)
            fprintf(stderr, "count %s..%s: %d, want %d\n", rows[r].from, rows[r].to, n,
                    rows[r].want);
        CHECK_INT(n, rows[r].want);
    }
}

static void test_find(const struct calendar *cal)
{
    const struct cal_day *d = calendar_find(cal, D("2021-10-05"));
    CHECK(d != NULL);
    if (d) {
        CHECK_INT(d->kind, CAL_HOLIDAY);
        CHECK_STR(d->name, "国庆节");
    }
    d = calendar_find(cal, D("2021-10-09"));
    CHECK(d != NULL);
    if (d) {
        CHECK_INT(d->kind, CAL_WORKDAY);
        CHECK_STR(d->name, "国庆节调休上班");
    }
    d = calendar_find(cal, D("2022-12-31"));
    CHECK(d != NULL);
    if (d)
        CHECK_STR(d->name, "元旦");
    CHECK(calendar_find(cal, D("2021-10-18")) == NULL);
    CHECK(calendar_find(cal, D("1950-01-01")) == NULL);
}

/* An error of `code` on `field` whose message mentions `needle`. */
static void check_err(int rc, const struct err *e, int code, const char *field, const char *needle)
{
    CHECK_INT(rc, -1);
    CHECK_INT(e->code, code);
    CHECK_STR(e->field, field);
    if (!strstr(e->msg, needle))
        fprintf(stderr, "message \"%s\" lacks \"%s\"\n", e->msg, needle);
    CHECK(strstr(e->msg, needle) != NULL);
}

static void test_uncovered(struct calendar *cal)
{
    int work = -1, n = -1;
    int64_t out = 0;
    struct err e = {0};

    check_err(calendar_is_workday(cal, D("2019-06-03"), &work, &e), &e, ERR_CALENDAR, "date",
              "year 2019");
    CHECK(strstr(e.msg, "data/holidays/2019.txt") != NULL);
    check_err(calendar_is_workday(cal, D("2028-03-01"), &work, &e), &e, ERR_CALENDAR, "date",
              "year 2028");
    CHECK_INT(work, -1);
    /* A walk that runs into an uncovered year fails there. */
    check_err(calendar_add_workdays(cal, D("2027-12-30"), 5, &out, &e), &e, ERR_CALENDAR, "date",
              "year 2028");
    check_err(calendar_add_workdays(cal, D("2020-01-03"), -3, &out, &e), &e, ERR_CALENDAR, "date",
              "year 2019");
    check_err(calendar_count_workdays(cal, D("2027-12-01"), D("2028-01-10"), &n, &e), &e,
              ERR_CALENDAR, "date", "year 2028");
    /* n == 0 walks over no day, so it needs no calendar. */
    CHECK_INT(calendar_add_workdays(cal, D("2019-12-31"), 0, &out, &e), 0);
    CHECK_INT(out, D("2019-12-31"));
    /* Outside the years the calendar can hold at all, even absurd day numbers. */
    check_err(calendar_is_workday(cal, civil_days(2300, 1, 1), &work, &e), &e, ERR_CALENDAR, "date",
              "2300");
    check_err(calendar_is_workday(cal, INT64_MAX, &work, &e), &e, ERR_CALENDAR, "date", "outside");
    check_err(calendar_is_workday(cal, INT64_MIN, &work, &e), &e, ERR_CALENDAR, "date", "outside");
    check_err(calendar_add_workdays(cal, INT64_MAX, 1, &out, &e), &e, ERR_CALENDAR, "date",
              "outside");
    check_err(calendar_add_workdays(cal, D("2199-12-31"), 1, &out, &e), &e, ERR_CALENDAR, "date",
              "year 2200");
    check_err(calendar_count_workdays(cal, INT64_MIN, 0, &n, &e), &e, ERR_CALENDAR, "date",
              "outside");

    /* Weekends-only: 2028 is usable; Monday 3 January is an ordinary workday. */
    CHECK_INT(calendar_set_weekends_only(cal, 2028, &e), 0);
    CHECK_INT(calendar_set_weekends_only(cal, 2028, &e), 0);
    CHECK_INT(calendar_year_mode(cal, 2028), CAL_YEAR_WEEKENDS);
    CHECK_INT(calendar_is_workday(cal, D("2028-01-03"), &work, &e), 0);
    CHECK_INT(work, 1);
    CHECK_INT(calendar_is_workday(cal, D("2028-01-02"), &work, &e), 0);
    CHECK_INT(work, 0);
    CHECK(!calendar_is_provisional(cal, D("2028-01-03")));
    char got[11];
    CHECK_INT(calendar_add_workdays(cal, D("2027-12-30"), 5, &out, &e), 0);
    CHECK_STR(fmt(out, got), "2028-01-06");
    CHECK_INT(calendar_count_workdays(cal, D("2027-12-01"), D("2028-01-10"), &n, &e), 0);
    CHECK_INT(n, 22 + 6); /* 2026-12-02..31, then 2028-01-01 and 04..08 */
    check_err(calendar_set_weekends_only(cal, 2021, &e), &e, ERR_CONFLICT, "year", "2021");
    CHECK_INT(calendar_year_mode(cal, 2021), CAL_YEAR_OFFICIAL);
    check_err(calendar_set_weekends_only(cal, 1899, &e), &e, ERR_INVALID, "year", "1899");
    check_err(calendar_set_weekends_only(cal, 2200, &e), &e, ERR_INVALID, "year", "2200");
}

/* 2027 has no notice yet: data/holidays/2027.txt holds the statutory days, 补假 included. */
static void test_provisional(struct calendar *cal)
{
    static const struct {
        const char *date;
        int work;
    } days[] = {
        {"2027-01-01", 0}, {"2027-01-04", 1}, {"2027-02-04", 1}, {"2027-02-05", 0},
        {"2027-02-08", 0}, {"2027-02-10", 0}, {"2027-02-11", 1}, {"2027-04-05", 0},
        {"2027-05-04", 0}, {"2027-05-05", 1}, {"2027-06-09", 0}, {"2027-09-15", 0},
        {"2027-10-05", 0}, {"2027-10-06", 1}, {"2027-10-09", 0}, /* no 调休 guessed */
    };
    struct err e = {0};
    for (size_t i = 0; i < sizeof(days) / sizeof(days[0]); i++) {
        int work = -1;
        CHECK_INT(calendar_is_workday(cal, D(days[i].date), &work, &e), 0);
        if (work != days[i].work)
            fprintf(stderr, "%s: work %d, want %d\n", days[i].date, work, days[i].work);
        CHECK_INT(work, days[i].work);
    }
    CHECK(calendar_is_provisional(cal, D("2027-07-01")));
    CHECK(!calendar_is_provisional(cal, D("2026-12-31")));
    CHECK(!calendar_is_provisional(cal, INT64_MAX));
    /* 13 statutory days, 6 on a weekend and made up on the days after: 13 weekdays off. */
    int n = -1;
    CHECK_INT(calendar_count_workdays(cal, D("2026-12-31"), D("2027-12-31"), &n, &e), 0);
    CHECK_INT(n, 261 - 13);
    int64_t out = 0;
    char got[11];
    CHECK_INT(calendar_add_workdays(cal, D("2026-12-30"), 2, &out, &e), 0);
    CHECK_STR(fmt(out, got), "2027-01-04");
    check_err(calendar_set_weekends_only(cal, 2027, &e), &e, ERR_CONFLICT, "year", "provisional");

    /* The notice, when it comes, replaces the provisional days of its year, in either order. */
    static const char notice[] = "year 2027\nholiday 2027-02-05..2027-02-12 春节\n"
                                 "workday 2027-02-20 春节调休上班\n";
    static const char guess[] = "year 2027\nprovisional\nholiday 2027-01-01 元旦\n";
    for (int order = 0; order < 2; order++) {
        struct calendar c;
        calendar_init(&c);
        for (int k = 0; k < 2; k++) {
            const char *t = (k == order) ? guess : notice;
            size_t len = (k == order) ? sizeof(guess) - 1 : sizeof(notice) - 1;
            CHECK_INT(calendar_load_text(&c, t, len, "t.txt", &e), 0);
        }
        CHECK_INT(calendar_year_mode(&c, 2027), CAL_YEAR_OFFICIAL);
        CHECK(calendar_find(&c, D("2027-01-01")) == NULL);
        CHECK(calendar_find(&c, D("2027-02-20")) != NULL);
        CHECK(!calendar_is_provisional(&c, D("2027-02-20")));
        calendar_release(&c);
    }
    struct calendar c;
    calendar_init(&c);
    check_err(calendar_load_text(&c, "provisional\nyear 2027\n", 21, "p.txt", &e), &e,
              ERR_INVALID, "calendar", "p.txt:1: 'provisional' before");
    calendar_release(&c);
}

static void test_set_day(struct calendar *cal)
{
    int work = -1;
    struct err e = {0};
    size_t n0 = cal->n;

    /* A local day off on a Monday, a worked Saturday, and a replaced entry. */
    CHECK_INT(calendar_set_day(cal, D("2021-10-18"), CAL_HOLIDAY, "本区停电", &e), 0);
    CHECK_INT(calendar_is_workday(cal, D("2021-10-18"), &work, &e), 0);
    CHECK_INT(work, 0);
    CHECK_INT(calendar_set_day(cal, D("2021-10-16"), CAL_WORKDAY, NULL, &e), 0);
    CHECK_INT(calendar_is_workday(cal, D("2021-10-16"), &work, &e), 0);
    CHECK_INT(work, 1);
    CHECK_INT(calendar_set_day(cal, D("2021-10-09"), CAL_HOLIDAY, "改为休息", &e), 0);
    CHECK_INT(calendar_is_workday(cal, D("2021-10-09"), &work, &e), 0);
    CHECK_INT(work, 0);
    CHECK_STR(calendar_find(cal, D("2021-10-09"))->name, "改为休息");
    CHECK_INT(cal->n, n0 + 2);
    int64_t out = 0;
    char got[11];
    CHECK_INT(calendar_add_workdays(cal, D("2021-09-30"), 5, &out, &e), 0);
    CHECK_STR(fmt(out, got), "2021-10-14"); /* 10-08, 11, 12, 13, 14: 10-09 is off now */
    CHECK_INT(calendar_add_workdays(cal, D("2021-10-14"), 2, &out, &e), 0);
    CHECK_STR(fmt(out, got), "2021-10-16");
    /* Weekends-only years take overrides too. */
    CHECK_INT(calendar_set_day(cal, D("2027-02-01"), CAL_HOLIDAY, "春节", &e), 0);
    CHECK_INT(calendar_is_workday(cal, D("2027-02-01"), &work, &e), 0);
    CHECK_INT(work, 0);
    CHECK(well_formed(cal));

    /* Refusals leave the calendar alone. */
    size_t n1 = cal->n;
    check_err(calendar_set_day(cal, D("2019-05-06"), CAL_HOLIDAY, "x", &e), &e, ERR_CALENDAR,
              "date", "year 2019");
    check_err(calendar_set_day(cal, D("2021-10-19"), 'X', "x", &e), &e, ERR_INVALID, "kind",
              "kind");
    char name[80];
    memset(name, 'a', 64);
    name[64] = '\0';
    check_err(calendar_set_day(cal, D("2021-10-19"), CAL_HOLIDAY, name, &e), &e, ERR_INVALID,
              "name", "longer than 63 bytes");
    check_err(calendar_set_day(cal, D("2021-10-19"), CAL_HOLIDAY, "bad\xff", &e), &e, ERR_INVALID,
              "name", "bad character");
    check_err(calendar_set_day(cal, D("2021-10-19"), CAL_HOLIDAY, "tab\there", &e), &e, ERR_INVALID,
              "name", "bad character");
    CHECK_INT(cal->n, n1);
    name[63] = '\0';
    CHECK_INT(calendar_set_day(cal, D("2021-10-19"), CAL_HOLIDAY, name, &e), 0);
    CHECK_INT(strlen(calendar_find(cal, D("2021-10-19"))->name), 63);
}

/* A good file with every allowed variation: BOM, CRLF, tabs, trailing comments, a range in
 * the year before, a 31-day range, and a later line replacing an earlier one. */
static void test_parse_good(void)
{
    static const char text[] = "\xef\xbb\xbf# a site's own calendar\r\n"
                               "\t year\t2030   # trailing comment\r\n"
                               "\r\n"
                               "holiday 2029-12-31..2030-01-01 元旦 假期\r\n"
                               "holiday 2030-07-01..2030-07-31 暑期\n"
                               "holiday 2030-03-04 x\n"
                               "workday 2030-03-04 改为上班\n"
                               "workday 2030-03-09..2030-03-10 补班";
    struct calendar cal;
    struct err e = {0};
    calendar_init(&cal);
    int rc = calendar_load_text(&cal, text, sizeof(text) - 1, "site.txt", &e);
    if (rc < 0)
        fprintf(stderr, "site.txt: %s\n", e.msg);
    CHECK_INT(rc, 0);
    CHECK_INT(calendar_year_mode(&cal, 2030), CAL_YEAR_OFFICIAL);
    CHECK_INT(calendar_year_mode(&cal, 2029), CAL_YEAR_NONE);
    CHECK_INT(cal.n, 2 + 31 + 1 + 2);
    const struct cal_day *d = calendar_find(&cal, D("2029-12-31"));
    CHECK(d && strcmp(d->name, "元旦 假期") == 0);
    d = calendar_find(&cal, D("2030-03-04"));
    CHECK(d && d->kind == CAL_WORKDAY && strcmp(d->name, "改为上班") == 0);
    CHECK(well_formed(&cal));
    calendar_release(&cal);
    CHECK(cal.days == NULL && cal.n == 0);
}

static void test_parse_errors(struct calendar *cal)
{
    char longline[1100], longname[200], nul[] = "year 2030\nholi\0day 2030-01-01 x\n";
    memset(longline, 0, sizeof(longline));
    memcpy(longline, "year 2030\n# ", 12);
    memset(longline + 12, 'x', 1000);
    memset(longname, 0, sizeof(longname));
    memcpy(longname, "year 2030\nholiday 2030-01-01 ", 29);
    for (int i = 0; i < 22; i++) /* 22 Chinese characters: 66 bytes */
        memcpy(longname + 29 + 3 * i, "节", 3);

    const struct {
        const char *text;
        const char *want;
    } rows[] = {
        {"year 2030\nholiday 2030-01-01 元旦\nfoo 2030-01-02 x\n",
         "bad.txt:3: unknown directive 'foo'"},
        {"year 2030\nHoliday 2030-01-01 x\n", "bad.txt:2: unknown directive 'Holiday'"},
        {"year 2030\nholiday 2030-13-01 x\n", "bad.txt:2: bad date '2030-13-01'"},
        {"year 2030\nholiday 2030-02-29 x\n", "bad.txt:2: bad date '2030-02-29'"},
        {"year 2030\nholiday 2030-1-01 x\n", "bad.txt:2: bad date '2030-1-01'"},
        {"year 2030\nholiday 2030-01-01..2030-01-0x x\n", "bad.txt:2: bad date '2030-01-0x'"},
        {"year 2030\nholiday 2030-01-01...2030-01-02 x\n", "bad.txt:2: bad date '.2030-01-02'"},
        {"year 2030\nholiday ..2030-01-02 x\n", "bad.txt:2: bad date ''"},
        {"year 2030\nholiday 2030-01-01.. x\n", "bad.txt:2: bad date ''"},
        {"year 2030\nholiday\n", "bad.txt:2: bad date ''"},
        {"year 2030\nholiday 2030-01-10..2030-01-05 x\n", "bad.txt:2: reversed range"},
        {"year 2030\nholiday 2030-01-01..2030-02-01 x\n", "bad.txt:2: range '2030-01-01..2030-"},
        {"year 2030\nholiday 2030-01-01..2030-02-01 x\n", "longer than 31 days"},
        {"year 2030\nholiday 2035-01-01 x\n", "bad.txt:2: date '2035-01-01' is too far"},
        {"year 2030\nholiday 2028-12-31 x\n", "bad.txt:2: date '2028-12-31' is too far"},
        {"year 1900\nholiday 1899-12-31 x\n", "bad.txt:2: bad date '1899-12-31'"},
        {"year 2199\nworkday 2200-01-01 x\n", "bad.txt:2: date '2200-01-01' is outside"},
        {"holiday 2030-01-01 x\nyear 2030\n", "bad.txt:1: 'holiday' before the 'year' line"},
        {"# c\nworkday 2030-01-05 x\n", "bad.txt:2: 'workday' before the 'year' line"},
        {"year 2030\nyear 2030\n", "bad.txt:2: duplicate 'year' line"},
        {"year 2030\nholiday 2030-01-01 x\nworkday 2030-01-05 y\nyear 2031\n",
         "bad.txt:4: duplicate 'year' line"},
        {"# nothing but comments\n\n   \n", "bad.txt: no 'year' line"},
        {"", "bad.txt: no 'year' line"},
        {"year 1899\n", "bad.txt:1: year 1899 is outside 1900..2199"},
        {"year 2200\n", "bad.txt:1: year 2200 is outside 1900..2199"},
        {"year 20300\n", "bad.txt:1: bad year '20300'"},
        {"year 2o30\n", "bad.txt:1: bad year '2o30'"},
        {"year -030\n", "bad.txt:1: bad year '-030'"},
        {"year\n", "bad.txt:1: bad year ''"},
        {"year 2030 2031\n", "bad.txt:1: bad year '2030 2031'"},
        {"year 2030\nholiday 2030-01-01\n", "bad.txt:2: missing name"},
        {"year 2030\nholiday 2030-01-01   # name is a comment\n", "bad.txt:2: missing name"},
        {"year 2030\nholiday 2030-01-01 bad\xff\n", "bad.txt:2: bad character in name 'bad?'"},
        {"year 2030\nholiday 2030-01-01 a\x01z\n", "bad.txt:2: bad character in name"},
        {"year 2030\nholiday 2030-01-01 \xed\xa0\x80\n", "bad.txt:2: bad character in name"},
        {"year 2030\nholiday 2030-01-01 \xc0\xaf\n", "bad.txt:2: bad character in name"},
        {"year 2030\rholiday 2030-01-01 x\n", "bad.txt:1: bad year '2030?holiday 2030-01-01 x'"},
        {longname, "bad.txt:2: name '节节节节节节节节节节节节节...' is longer than 63 bytes"},
        {longline, "bad.txt:2: line longer than 1000 bytes"},
    };

    /* Snapshot the loaded calendar: no failed load may change it. */
    size_t n0 = cal->n;
    struct cal_day *days0 = malloc(n0 * sizeof(*days0) + 1);
    memcpy(days0, cal->days, n0 * sizeof(*days0));
    unsigned char modes0[sizeof(cal->year_mode)];
    memcpy(modes0, cal->year_mode, sizeof(modes0));

    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        struct err e = {0};
        int rc = calendar_load_text(cal, rows[r].text, strlen(rows[r].text), "bad.txt", &e);
        int ok = rc == -1 && e.code == ERR_INVALID && strcmp(e.field, "calendar") == 0 &&
                 strstr(e.msg, rows[r].want) != NULL;
        if (!ok)
            fprintf(stderr, "parse row %zu: rc %d code %d msg \"%s\", want \"%s\"\n", r, rc, e.code,
                    e.msg, rows[r].want);
        CHECK(ok);
        CHECK_INT(cal->n, n0);
        CHECK(memcmp(cal->days, days0, n0 * sizeof(*days0)) == 0);
        CHECK(memcmp(cal->year_mode, modes0, sizeof(modes0)) == 0);
    }

    /* A NUL byte inside the text (the length says where the text ends, not a NUL). */
    struct err e = {0};
    int rc = calendar_load_text(cal, nul, sizeof(nul) - 1, "bad.txt", &e);
    check_err(rc, &e, ERR_INVALID, "calendar", "bad.txt:2: NUL byte");
    /* The text is not read past `len`: the same bytes cut short are a good file. */
    CHECK_INT(calendar_load_text(cal, "year 2031\nholiday 2031-01-01 x\nfoo", 30, "t.txt", &e), 0);
    CHECK_INT(calendar_year_mode(cal, 2031), CAL_YEAR_OFFICIAL);
    CHECK(calendar_find(cal, D("2031-01-01")) != NULL);
    free(days0);
}

/* Random damage to a real file must end in success or a clean error: never a crash, and the
 * calendar stays well formed (ASan/UBSan watch the rest). */
static void test_mutations(void)
{
    const struct embedded_file *src = NULL;
    for (const struct embedded_file *f = embedded_holidays; f->name; f++)
        if (strcmp(f->name, "2023.txt") == 0)
            src = f;
    CHECK(src != NULL);
    if (!src)
        return;
    static const char alphabet[] = "0123456789-.#\n\r\t yholidaywrk\x00\xe5\x85\x83\xff";
    uint32_t seed = 12345;
    int bad = 0;
    for (int iter = 0; iter < 3000; iter++) {
        size_t len = src->len;
        char *buf = malloc(len + 64);
        memcpy(buf, src->data, len);
        int edits = 1 + iter % 8;
        for (int k = 0; k < edits; k++) {
            seed = seed * 1103515245u + 12345u;
            uint32_t r = seed >> 8;
            size_t pos = len ? r % len : 0;
            char c = alphabet[(r >> 12) % (sizeof(alphabet) - 1)];
            switch ((r >> 20) % 3) {
            case 0:
                if (len)
                    buf[pos] = c;
                break;
            case 1:
                if (len < src->len + 60) {
                    memmove(buf + pos + 1, buf + pos, len - pos);
                    buf[pos] = c;
                    len++;
                }
                break;
            default:
                if (len) {
                    memmove(buf + pos, buf + pos + 1, len - pos - 1);
                    len--;
                }
                break;
            }
        }
        struct calendar cal;
        struct err e = {0};
        calendar_init(&cal);
        int rc = calendar_load_text(&cal, buf, len, "m.txt", &e);
        if (rc < 0 && (e.code != ERR_INVALID || strncmp(e.msg, "m.txt:", 6) != 0 || cal.n != 0))
            bad++;
        if (rc == 0 && !well_formed(&cal))
            bad++;
        calendar_release(&cal);
        free(buf);
    }
    CHECK_INT(bad, 0);
}

int main(void)
{
    struct calendar cal;
    calendar_init(&cal);
    load_all(&cal);

    test_years(&cal);
    test_is_workday(&cal);
    test_add(&cal);
    test_count(&cal);
    test_find(&cal);
    test_parse_errors(&cal);
    test_provisional(&cal);
    test_uncovered(&cal);
    test_set_day(&cal);
    test_parse_good();
    test_mutations();

    calendar_release(&cal);
    return test_done("test_workday");
}
