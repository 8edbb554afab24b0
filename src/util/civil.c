/* civil.c -- day numbers from and to Gregorian dates (the days-from-civil algorithm,
 * counting in 400-year eras so it is exact for any year we meet). */
#include "util/civil.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "util/banned.h"

int64_t civil_days(int y, int m, int d)
{
    int64_t yy = y - (m <= 2);
    int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
    int64_t yoe = yy - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void civil_ymd(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int dd = (int)(doy - (153 * mp + 2) / 5 + 1);
    int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (mm <= 2));
    *m = mm;
    *d = dd;
}

int civil_weekday(int64_t days)
{
    /* 1970-01-01 was a Thursday (4). */
    int64_t w = (days + 3) % 7;
    if (w < 0)
        w += 7;
    return (int)w + 1;
}

int civil_valid(int y, int m, int d)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int max = mdays[m - 1] + (m == 2 && leap);
    return d <= max;
}

/* Reads exactly n digits; -1 if any is not a digit. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int parse_ymd(const char *s, int *y, int *m, int *d)
{
    if (strlen(s) < 10 || s[4] != '-' || s[7] != '-')
        return -1;
    *y = digits(s, 4);
    *m = digits(s + 5, 2);
    *d = digits(s + 8, 2);
    if (*y < 0 || *m < 0 || *d < 0 || !civil_valid(*y, *m, *d))
        return -1;
    return 0;
}

int civil_parse_date(const char *s, int64_t *days)
{
    int y, m, d;
    if (strlen(s) != 10 || parse_ymd(s, &y, &m, &d) < 0)
        return -1;
    *days = civil_days(y, m, d);
    return 0;
}

void civil_format_date(int64_t days, char out[11])
{
    int y, m, d;
    civil_ymd(days, &y, &m, &d);
    y = y < 0 ? 0 : y > 9999 ? 9999 : y;
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
             (unsigned)d % 100u);
}

int civil_parse_instant(const char *s, int64_t *t)
{
    int y, mo, d, hh = 0, mi = 0, ss = 0;
    if (parse_ymd(s, &y, &mo, &d) < 0)
        return -1;
    const char *p = s + 10;
    if (*p == 'T' || *p == ' ') {
        p++;
        hh = digits(p, 2);
        if (hh < 0 || p[2] != ':')
            return -1;
        mi = digits(p + 3, 2);
        if (mi < 0)
            return -1;
        p += 5;
        if (*p == ':') {
            ss = digits(p + 1, 2);
            if (ss < 0)
                return -1;
            p += 3;
        }
        if (hh > 23 || mi > 59 || ss > 59)
            return -1;
    }
    int offset = SITE_UTC_OFFSET;
    if (*p == 'Z' && p[1] == '\0') {
        offset = 0;
    } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        int oh = digits(p + 1, 2), om = digits(p + 4, 2);
        if (oh < 0 || om < 0 || oh > 14 || om > 59)
            return -1;
        offset = (oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
    } else if (*p != '\0') {
        return -1;
    }
    *t = civil_days(y, mo, d) * DAY_SECONDS + hh * 3600 + mi * 60 + ss - offset;
    return 0;
}

void civil_format_instant(int64_t t, char out[26])
{
    int64_t local = t + SITE_UTC_OFFSET;
    int64_t days = local >= 0 ? local / DAY_SECONDS : -((-local + DAY_SECONDS - 1) / DAY_SECONDS);
    int64_t sec = local - days * DAY_SECONDS;
    int y, m, d;
    civil_ymd(days, &y, &m, &d);
    /* years stay within 4 digits for every instant we store; clamp to keep the format's width */
    y = y < 0 ? 0 : y > 9999 ? 9999 : y;
    snprintf(out, 26, "%04u-%02u-%02uT%02u:%02u:%02u+08:00", (unsigned)y % 10000u,
             (unsigned)m % 100u, (unsigned)d % 100u, (unsigned)(sec / 3600) % 100u,
             (unsigned)(sec / 60 % 60) % 100u, (unsigned)(sec % 60) % 100u);
}

int64_t civil_site_date(int64_t t)
{
    int64_t local = t + SITE_UTC_OFFSET;
    return local >= 0 ? local / DAY_SECONDS : -((-local + DAY_SECONDS - 1) / DAY_SECONDS);
}

int64_t civil_site_midnight(int64_t days)
{
    return days * DAY_SECONDS - SITE_UTC_OFFSET;
}

int civil_parse_date_checked(const char *s, int64_t *days, struct err *e)
{
    if (!s || civil_parse_date(s, days) < 0)
        return err_set(e, ERR_INVALID, "date", "bad date '%s' (want YYYY-MM-DD)", s ? s : "");
    return 0;
}

int civil_parse_instant_checked(const char *s, const char *field, int64_t *t, struct err *e)
{
    if (!s || civil_parse_instant(s, t) < 0)
        return err_set(e, ERR_INVALID, field,
                       "bad time '%s' (want YYYY-MM-DD[THH:MM[:SS]][+08:00])", s ? s : "");
    return 0;
}
