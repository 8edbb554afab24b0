/* test_civil.c -- dates and instants without the C library's time zone: day numbers and
 * weekdays, strict parsing of dates and instants (offsets Z, +08:00, -05:00; no 24:00, no
 * 29 February in a common year, no trailing garbage), formatting in the site's zone, and
 * round trips between the two. */
#include "util/civil.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "test.h"

#include "util/banned.h"


static void test_days(void)
{
    static const struct {
        int y, m, d;
        int64_t days;
        int weekday;
    } rows[] = {
        {1970, 1, 1, 0, 4}, /* the epoch, a Thursday */
        {1969, 12, 31, -1, 3},    {1900, 1, 1, -25567, 1}, {1900, 3, 1, -25508, 4},
        {2000, 2, 29, 11016, 2},  {2000, 3, 1, 11017, 3},  {2021, 10, 1, 18901, 5},
        {2021, 10, 9, 18909, 6}, /* the 调休 Saturday */
        {2021, 12, 31, 18992, 5}, {2022, 1, 1, 18993, 6},  {2024, 2, 29, 19782, 4},
        {2100, 2, 28, 47540, 7},  {2100, 3, 1, 47541, 1},  {2199, 12, 31, 84005, 2},
    };
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        int64_t d = civil_days(rows[r].y, rows[r].m, rows[r].d);
        if (d != rows[r].days)
            fprintf(stderr, "%04d-%02d-%02d: day %lld, want %lld\n", rows[r].y, rows[r].m,
                    rows[r].d, (long long)d, (long long)rows[r].days);
        CHECK_INT(d, rows[r].days);
        CHECK_INT(civil_weekday(d), rows[r].weekday);
        int y, m, dd;
        civil_ymd(d, &y, &m, &dd);
        CHECK_INT(y, rows[r].y);
        CHECK_INT(m, rows[r].m);
        CHECK_INT(dd, rows[r].d);
    }

    /* Every day of 1900..2199 goes to a date and back, one day after the other, and the
     * weekday cycles. */
    int bad = 0;
    int64_t prev = civil_days(1899, 12, 31);
    for (int y = 1900; y <= 2199; y++)
        for (int m = 1; m <= 12; m++)
            for (int d = 1; d <= 31; d++) {
                if (!civil_valid(y, m, d))
                    continue;
                int64_t n = civil_days(y, m, d);
                int yy, mm, ddd;
                civil_ymd(n, &yy, &mm, &ddd);
                if (n != prev + 1 || yy != y || mm != m || ddd != d ||
                    civil_weekday(n) != (civil_weekday(prev) % 7) + 1)
                    bad++;
                prev = n;
            }
    CHECK_INT(bad, 0);
    CHECK_INT(prev, civil_days(2199, 12, 31));
}

static void test_valid(void)
{
    static const struct {
        int y, m, d, ok;
    } rows[] = {
        {2021, 2, 28, 1}, {2021, 2, 29, 0}, {2020, 2, 29, 1},  {1900, 2, 29, 0},  {2000, 2, 29, 1},
        {2100, 2, 29, 0}, {2021, 4, 30, 1}, {2021, 4, 31, 0},  {2021, 12, 31, 1}, {2021, 13, 1, 0},
        {2021, 0, 1, 0},  {2021, 1, 0, 0},  {1899, 12, 31, 0}, {9999, 12, 31, 1}, {10000, 1, 1, 0},
    };
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        if (civil_valid(rows[r].y, rows[r].m, rows[r].d) != rows[r].ok)
            fprintf(stderr, "civil_valid(%d, %d, %d) != %d\n", rows[r].y, rows[r].m, rows[r].d,
                    rows[r].ok);
        CHECK_INT(civil_valid(rows[r].y, rows[r].m, rows[r].d), rows[r].ok);
    }
}

static void test_parse_date(void)
{
    static const struct {
        const char *s;
        int ok;
        int y, m, d;
    } rows[] = {
        {"2021-10-09", 1, 2021, 10, 9},
        {"2020-02-29", 1, 2020, 2, 29},
        {"1900-01-01", 1, 1900, 1, 1},
        {"2021-02-29", 0, 0, 0, 0},
        {"2021-04-31", 0, 0, 0, 0},
        {"2021-13-01", 0, 0, 0, 0},
        {"2021-00-10", 0, 0, 0, 0},
        {"2021-10-00", 0, 0, 0, 0},
        {"1899-12-31", 0, 0, 0, 0},
        {"2021-1-09", 0, 0, 0, 0},
        {"2021/10/09", 0, 0, 0, 0},
        {"20211009", 0, 0, 0, 0},
        {"2021-10-09 ", 0, 0, 0, 0},
        {" 2021-10-09", 0, 0, 0, 0},
        {"2021-10-09T00:00", 0, 0, 0, 0}, /* a date, not an instant */
        {"2021-1o-09", 0, 0, 0, 0},
        {"+021-10-09", 0, 0, 0, 0},
        {"", 0, 0, 0, 0},
        {"garbage", 0, 0, 0, 0},
    };
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        int64_t d = 777;
        int rc = civil_parse_date(rows[r].s, &d);
        if ((rc == 0) != rows[r].ok)
            fprintf(stderr, "civil_parse_date(\"%s\") = %d\n", rows[r].s, rc);
        CHECK_INT(rc == 0, rows[r].ok);
        if (rows[r].ok) {
            CHECK_INT(d, civil_days(rows[r].y, rows[r].m, rows[r].d));
            char out[11];
            civil_format_date(d, out);
            CHECK_STR(out, rows[r].s);
        } else {
            CHECK_INT(d, 777); /* untouched on failure */
        }
    }

    struct err e = {0};
    int64_t d;
    CHECK_INT(civil_parse_date_checked("2021-02-29", &d, &e), -1);
    CHECK_INT(e.code, ERR_INVALID);
    CHECK_STR(e.field, "date");
    CHECK(strstr(e.msg, "'2021-02-29'") != NULL);
    CHECK_INT(civil_parse_date_checked(NULL, &d, &e), -1);
    CHECK_INT(civil_parse_date_checked("2021-10-09", &d, &e), 0);
    CHECK_INT(d, civil_days(2021, 10, 9));
}

/* UTC seconds of a site-zone wall clock time. */
static int64_t site(int y, int m, int d, int hh, int mm, int ss)
{
    return civil_days(y, m, d) * DAY_SECONDS + hh * 3600 + mm * 60 + ss - SITE_UTC_OFFSET;
}

static void test_parse_instant(void)
{
    const struct {
        const char *s;
        int ok;
        int64_t want;    /* when ok */
        const char *iso; /* formatted back, in the site's zone */
    } rows[] = {
        {"2021-10-01T10:00:00+08:00", 1, site(2021, 10, 1, 10, 0, 0), "2021-10-01T10:00:00+08:00"},
        {"2021-10-01 10:00:00+08:00", 1, site(2021, 10, 1, 10, 0, 0), "2021-10-01T10:00:00+08:00"},
        {"2021-10-01T10:00", 1, site(2021, 10, 1, 10, 0, 0), "2021-10-01T10:00:00+08:00"},
        {"2021-10-01 10:00", 1, site(2021, 10, 1, 10, 0, 0), "2021-10-01T10:00:00+08:00"},
        {"2021-10-01", 1, site(2021, 10, 1, 0, 0, 0), "2021-10-01T00:00:00+08:00"},
        {"2021-10-01T02:00:00Z", 1, site(2021, 10, 1, 10, 0, 0), "2021-10-01T10:00:00+08:00"},
        {"2021-10-01T02:00Z", 1, site(2021, 10, 1, 10, 0, 0), "2021-10-01T10:00:00+08:00"},
        {"2021-09-30T21:00:00-05:00", 1, site(2021, 10, 1, 10, 0, 0), "2021-10-01T10:00:00+08:00"},
        {"2021-10-01T10:00:00+00:00", 1, site(2021, 10, 1, 18, 0, 0), "2021-10-01T18:00:00+08:00"},
        {"2021-10-01T10:00:00+05:30", 1, site(2021, 10, 1, 12, 30, 0), "2021-10-01T12:30:00+08:00"},
        /* A UTC evening is the next day in the site's zone, across a year boundary too. */
        {"2021-12-31T16:00:00Z", 1, site(2022, 1, 1, 0, 0, 0), "2022-01-01T00:00:00+08:00"},
        {"2021-12-31T15:59:59Z", 1, site(2021, 12, 31, 23, 59, 59), "2021-12-31T23:59:59+08:00"},
        {"2020-02-29T23:59:59", 1, site(2020, 2, 29, 23, 59, 59), "2020-02-29T23:59:59+08:00"},
        {"1970-01-01T08:00:00+08:00", 1, 0, "1970-01-01T08:00:00+08:00"},
        {"2021-10-01T00:00:00+14:00", 1, site(2021, 9, 30, 18, 0, 0), "2021-09-30T18:00:00+08:00"},
        /* rejected */
        {"2021-02-29T10:00", 0, 0, NULL},
        {"2021-02-29", 0, 0, NULL},
        {"2021-10-01T24:00", 0, 0, NULL},
        {"2021-10-01T24:00:00", 0, 0, NULL},
        {"2021-10-01T23:60", 0, 0, NULL},
        {"2021-10-01T23:59:60", 0, 0, NULL},
        {"2021-10-01T9:00", 0, 0, NULL},
        {"2021-10-01T10", 0, 0, NULL},
        {"2021-10-01T10:", 0, 0, NULL},
        {"2021-10-01T10:00:", 0, 0, NULL},
        {"2021-10-01T10:00:0", 0, 0, NULL},
        {"2021-10-01T", 0, 0, NULL},
        {"2021-10-01X10:00", 0, 0, NULL},
        {"2021-10-01T10:00:00+8:00", 0, 0, NULL},
        {"2021-10-01T10:00:00+0800", 0, 0, NULL},
        {"2021-10-01T10:00:00+08", 0, 0, NULL},
        {"2021-10-01T10:00:00+15:00", 0, 0, NULL},
        {"2021-10-01T10:00:00+08:60", 0, 0, NULL},
        {"2021-10-01T10:00:00+08:00 ", 0, 0, NULL},
        {"2021-10-01T10:00:00Zjunk", 0, 0, NULL},
        {"2021-10-01T10:00:00z", 0, 0, NULL},
        {"2021-10-01 junk", 0, 0, NULL},
        {"2021-10-01T-1:00", 0, 0, NULL},
        {"garbage", 0, 0, NULL},
        {"", 0, 0, NULL},
        {"2021-10", 0, 0, NULL},
    };
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        int64_t t = 4242;
        int rc = civil_parse_instant(rows[r].s, &t);
        if ((rc == 0) != rows[r].ok)
            fprintf(stderr, "civil_parse_instant(\"%s\") = %d\n", rows[r].s, rc);
        CHECK_INT(rc == 0, rows[r].ok);
        if (!rows[r].ok) {
            CHECK_INT(t, 4242);
            continue;
        }
        CHECK_INT(t, rows[r].want);
        char iso[26];
        civil_format_instant(t, iso);
        CHECK_STR(iso, rows[r].iso);
        /* The formatted form parses back to the same instant. */
        int64_t back = 0;
        CHECK_INT(civil_parse_instant(iso, &back), 0);
        CHECK_INT(back, t);
    }

    struct err e = {0};
    int64_t t;
    CHECK_INT(civil_parse_instant_checked("2021-10-01T24:00", "at", &t, &e), -1);
    CHECK_INT(e.code, ERR_INVALID);
    CHECK_STR(e.field, "at");
    CHECK(strstr(e.msg, "'2021-10-01T24:00'") != NULL);
    CHECK_INT(civil_parse_instant_checked(NULL, "at", &t, &e), -1);
}

static void test_round_trips(void)
{
    /* Every 7919 seconds over 2019..2027 (covers every hour and minute pattern, site
     * midnights and both sides of the UTC date line): format then parse is the identity,
     * and the site date agrees with the formatted date. */
    int bad = 0;
    int64_t from = site(2019, 1, 1, 0, 0, 0), to = site(2027, 12, 31, 23, 59, 59);
    for (int64_t t = from; t <= to; t += 7919) {
        char iso[26], date[11];
        int64_t back = -1;
        civil_format_instant(t, iso);
        if (civil_parse_instant(iso, &back) != 0 || back != t)
            bad++;
        civil_format_date(civil_site_date(t), date);
        if (strncmp(iso, date, 10) != 0)
            bad++;
        if (civil_site_midnight(civil_site_date(t)) > t ||
            civil_site_midnight(civil_site_date(t) + 1) <= t)
            bad++;
    }
    CHECK_INT(bad, 0);

    /* The site date of the last and first second of a site day. */
    CHECK_INT(civil_site_date(site(2021, 10, 9, 23, 59, 59)), civil_days(2021, 10, 9));
    CHECK_INT(civil_site_date(site(2021, 10, 10, 0, 0, 0)), civil_days(2021, 10, 10));
    CHECK_INT(civil_site_midnight(civil_days(2021, 10, 10)), site(2021, 10, 10, 0, 0, 0));
    /* Before the epoch too (negative instants round toward the earlier day). */
    CHECK_INT(civil_site_date(-8 * 3600 - 1), -1);
    CHECK_INT(civil_site_date(-8 * 3600), 0);
    char iso[26];
    civil_format_instant(-8 * 3600 - 1, iso);
    CHECK_STR(iso, "1969-12-31T23:59:59+08:00");
}

int main(void)
{
    test_days();
    test_valid();
    test_parse_date();
    test_parse_instant();
    test_round_trips();
    return test_done("test_civil");
}
