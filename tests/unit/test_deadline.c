/* test_deadline.c -- deadlines from time limits on the real holiday calendars: N working
 * days end at 24:00 (site zone) of the N-th working day after the start's site date; N
 * hours are N*3600 seconds whatever the calendar says. Across 国庆 with its make-up
 * Saturday, a year boundary, a Friday-night start, the site's date line, an uncovered
 * year, and limits out of range. */
#include "core/deadline.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/service.h"
#include "test.h"
#include "util/civil.h"

#include "util/banned.h"


static int64_t T(const char *s)
{
    int64_t t = 0;
    if (civil_parse_instant(s, &t) < 0) {
        fprintf(stderr, "test bug: bad instant %s\n", s);
        abort();
    }
    return t;
}

static void test_compute(const struct calendar *cal)
{
    static const struct {
        const char *start;
        int amount, unit;
        const char *want;
    } rows[] = {
        /* 7 working days across 国庆 2021: 10-08, 10-09 (Saturday worked), 11..15. */
        {"2021-09-30T10:00:00+08:00", 7, LIMIT_WORKDAYS, "2021-10-15T23:59:59+08:00"},
        {"2021-09-30T10:00:00+08:00", 1, LIMIT_WORKDAYS, "2021-10-08T23:59:59+08:00"},
        {"2021-09-30T10:00:00+08:00", 2, LIMIT_WORKDAYS, "2021-10-09T23:59:59+08:00"},
        {"2021-09-30T10:00:00+08:00", 3, LIMIT_WORKDAYS, "2021-10-11T23:59:59+08:00"},
        /* Started on a holiday: the count starts after it all the same. */
        {"2021-10-03T10:00:00+08:00", 1, LIMIT_WORKDAYS, "2021-10-08T23:59:59+08:00"},
        /* Year boundary: New Year 2022 is 01-01..01-03. */
        {"2021-12-31T10:00:00+08:00", 1, LIMIT_WORKDAYS, "2022-01-04T23:59:59+08:00"},
        {"2021-12-31T23:59:59+08:00", 1, LIMIT_WORKDAYS, "2022-01-04T23:59:59+08:00"},
        {"2022-12-30T09:00:00+08:00", 3, LIMIT_WORKDAYS, "2023-01-05T23:59:59+08:00"},
        /* A Friday night start counts from that Friday: Monday is the first working day. */
        {"2021-10-15T23:30:00+08:00", 1, LIMIT_WORKDAYS, "2021-10-18T23:59:59+08:00"},
        {"2021-10-15T09:00:00+08:00", 1, LIMIT_WORKDAYS, "2021-10-18T23:59:59+08:00"},
        {"2021-10-15T23:30:00+08:00", 7, LIMIT_WORKDAYS, "2021-10-26T23:59:59+08:00"},
        /* The site's date decides, not UTC's: Thursday 23:59:59 vs Friday 00:30 at the site. */
        {"2021-10-14T15:59:59Z", 1, LIMIT_WORKDAYS, "2021-10-15T23:59:59+08:00"},
        {"2021-10-14T16:30:00Z", 1, LIMIT_WORKDAYS, "2021-10-18T23:59:59+08:00"},
        /* Spring Festival 2023 and its 调休 weekend (01-28/29 worked). */
        {"2023-01-20T10:00:00+08:00", 1, LIMIT_WORKDAYS, "2023-01-28T23:59:59+08:00"},
        {"2023-01-20T10:00:00+08:00", 3, LIMIT_WORKDAYS, "2023-01-30T23:59:59+08:00"},
        /* Complex cases: 15 working days from 09-30. */
        {"2021-09-30T10:00:00+08:00", 15, LIMIT_WORKDAYS, "2021-10-27T23:59:59+08:00"},
        /* Hours ignore the calendar. */
        {"2021-09-30T10:00:00+08:00", 24, LIMIT_HOURS, "2021-10-01T10:00:00+08:00"},
        {"2021-09-30T10:00:00+08:00", 2, LIMIT_HOURS, "2021-09-30T12:00:00+08:00"},
        {"2021-12-31T23:00:00+08:00", 2, LIMIT_HOURS, "2022-01-01T01:00:00+08:00"},
        {"2021-10-15T23:30:00+08:00", 1, LIMIT_HOURS, "2021-10-16T00:30:00+08:00"},
        /* Hours need no calendar, even into a year without one. */
        {"2026-12-31T20:00:00+08:00", 48, LIMIT_HOURS, "2027-01-02T20:00:00+08:00"},
        {"2030-06-01T08:00:00+08:00", 1, LIMIT_HOURS, "2030-06-01T09:00:00+08:00"},
    };
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        int64_t dl = 0;
        struct err e = {0};
        struct time_limit lim = {rows[r].amount, rows[r].unit};
        int rc = deadline_compute(cal, T(rows[r].start), lim, &dl, &e);
        if (rc < 0)
            fprintf(stderr, "%s + %d: %s\n", rows[r].start, rows[r].amount, e.msg);
        CHECK_INT(rc, 0);
        char got[26];
        civil_format_instant(dl, got);
        if (strcmp(got, rows[r].want) != 0)
            fprintf(stderr, "%s + %d %s: got %s, want %s\n", rows[r].start, rows[r].amount,
                    rows[r].unit == LIMIT_HOURS ? "h" : "wd", got, rows[r].want);
        CHECK_STR(got, rows[r].want);
    }
}

static void test_errors(const struct calendar *cal)
{
    static const struct {
        const char *start;
        int amount, unit;
        int code;
        const char *field, *needle;
    } rows[] = {
        {"2028-03-01T10:00:00+08:00", 3, LIMIT_WORKDAYS, ERR_CALENDAR, "date", "year 2028"},
        {"2019-06-03T10:00:00+08:00", 1, LIMIT_WORKDAYS, ERR_CALENDAR, "date", "year 2019"},
        /* The walk runs off the end of the calendar. */
        {"2027-12-30T10:00:00+08:00", 5, LIMIT_WORKDAYS, ERR_CALENDAR, "date", "year 2028"},
        {"2021-10-01T10:00:00+08:00", 0, LIMIT_WORKDAYS, ERR_INVALID, "limit", "out of range"},
        {"2021-10-01T10:00:00+08:00", -3, LIMIT_WORKDAYS, ERR_INVALID, "limit", "-3"},
        {"2021-10-01T10:00:00+08:00", 3661, LIMIT_HOURS, ERR_INVALID, "limit", "3661"},
        {"2021-10-01T10:00:00+08:00", 0, LIMIT_HOURS, ERR_INVALID, "limit", "out of range"},
        {"2021-10-01T10:00:00+08:00", 3, LIMIT_NONE, ERR_INVALID, "limit", "no unit"},
        {"2021-10-01T10:00:00+08:00", 3, 99, ERR_INVALID, "limit", "no unit"},
    };
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        int64_t dl = 12345;
        struct err e = {0};
        struct time_limit lim = {rows[r].amount, rows[r].unit};
        int rc = deadline_compute(cal, T(rows[r].start), lim, &dl, &e);
        CHECK_INT(rc, -1);
        CHECK_INT(e.code, rows[r].code);
        CHECK_STR(e.field, rows[r].field);
        if (!strstr(e.msg, rows[r].needle))
            fprintf(stderr, "error row %zu: \"%s\" lacks \"%s\"\n", r, e.msg, rows[r].needle);
        CHECK(strstr(e.msg, rows[r].needle) != NULL);
        CHECK_INT(dl, 12345); /* untouched */
    }
    /* The largest limit allowed works (in hours: no calendar needed). */
    int64_t dl = 0;
    CHECK_INT(deadline_compute(cal, T("2021-10-01T10:00:00+08:00"),
                               (struct time_limit){3660, LIMIT_HOURS}, &dl, NULL),
              0);
    CHECK_INT(dl, T("2021-10-01T10:00:00+08:00") + 3660LL * 3600);
}

static void test_defaults(const struct calendar *cal)
{
    struct limits l;
    limits_default(&l, cal);
    CHECK(l.cal == cal);
    static const struct {
        int kind, urgency, amount, unit;
    } rows[] = {
        {1, 0, 3, LIMIT_WORKDAYS}, {2, 0, 5, LIMIT_WORKDAYS},  {3, 0, 7, LIMIT_WORKDAYS},
        {4, 0, 7, LIMIT_WORKDAYS}, {5, 0, 10, LIMIT_WORKDAYS}, {1, 1, 24, LIMIT_HOURS},
        {3, 1, 24, LIMIT_HOURS},   {5, 2, 2, LIMIT_HOURS},
    };
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        CHECK_INT(l.handle[rows[r].kind][rows[r].urgency].amount, rows[r].amount);
        CHECK_INT(l.handle[rows[r].kind][rows[r].urgency].unit, rows[r].unit);
    }
    CHECK_INT(l.complex.amount, 15);
    CHECK_INT(l.complex.unit, LIMIT_WORKDAYS);
    CHECK_INT(l.sign[0].amount, 1);
    CHECK_INT(l.sign[0].unit, LIMIT_WORKDAYS);
    CHECK_INT(l.sign[1].amount, 2);
    CHECK_INT(l.sign[1].unit, LIMIT_HOURS);
    CHECK_INT(l.sign[2].amount, 1);
    CHECK_INT(l.sign[2].unit, LIMIT_HOURS);
    CHECK_INT(l.max_ext_days, 10);
    CHECK_INT(l.max_extensions, 2);
}

static void test_format_parse(void)
{
    char out[48];
    limit_format((struct time_limit){7, LIMIT_WORKDAYS}, out, sizeof(out));
    CHECK_STR(out, "7 个工作日");
    limit_format((struct time_limit){24, LIMIT_HOURS}, out, sizeof(out));
    CHECK_STR(out, "24 小时");

    static const struct {
        const char *s;
        int unit;
    } rows[] = {
        {"workdays", LIMIT_WORKDAYS}, {"wd", LIMIT_WORKDAYS}, {"工作日", LIMIT_WORKDAYS},
        {"hours", LIMIT_HOURS},       {"h", LIMIT_HOURS},     {"小时", LIMIT_HOURS},
        {"days", LIMIT_NONE},         {"", LIMIT_NONE},       {"Hours", LIMIT_NONE},
    };
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++)
        CHECK_INT(limit_unit_parse(rows[r].s), rows[r].unit);
}

int main(void)
{
    struct calendar cal;
    struct err e = {0};
    calendar_init(&cal);
    CHECK_INT(calendar_load_embedded(&cal, &e), 0);
    CHECK_INT(calendar_year_mode(&cal, 2021), CAL_YEAR_OFFICIAL);
    CHECK_INT(calendar_year_mode(&cal, 2027), CAL_YEAR_PROVISIONAL);
    CHECK_INT(calendar_year_mode(&cal, 2028), CAL_YEAR_NONE);

    test_compute(&cal);
    test_errors(&cal);
    test_defaults(&cal);
    test_format_parse();

    calendar_release(&cal);
    return test_done("test_deadline");
}
