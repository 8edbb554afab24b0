/* deadline.c -- time limits and the deadlines they give (see deadline.h for the rule). */
#include "core/deadline.h"

#include <stdio.h>
#include <string.h>

#include "util/civil.h"

#include "util/banned.h"

void limits_default(struct limits *l, const struct calendar *cal)
{
    static const int days[LIMIT_KINDS] = {5, 3, 5, 7, 7, 10}; /* none, 咨询 求助 投诉 举报 建议 */
    memset(l, 0, sizeof(*l));
    l->cal = cal;
    for (int k = 0; k < LIMIT_KINDS; k++) {
        l->handle[k][0] = (struct time_limit){days[k], LIMIT_WORKDAYS};
        l->handle[k][1] = (struct time_limit){24, LIMIT_HOURS};
        l->handle[k][2] = (struct time_limit){2, LIMIT_HOURS};
    }
    l->complex = (struct time_limit){15, LIMIT_WORKDAYS};
    l->sign[0] = (struct time_limit){1, LIMIT_WORKDAYS};
    l->sign[1] = (struct time_limit){2, LIMIT_HOURS};
    l->sign[2] = (struct time_limit){1, LIMIT_HOURS};
    l->max_ext_days = 10;
    l->max_extensions = 2;
}

int deadline_compute(const struct calendar *cal, int64_t start, struct time_limit lim,
                     int64_t *deadline, struct err *e)
{
    if (lim.amount <= 0 || lim.amount > 3660)
        return err_set(e, ERR_INVALID, "limit", "time limit %d is out of range (1..3660)",
                       lim.amount);
    if (lim.unit == LIMIT_HOURS) {
        *deadline = start + (int64_t)lim.amount * 3600;
        return 0;
    }
    if (lim.unit != LIMIT_WORKDAYS)
        return err_set(e, ERR_INVALID, "limit", "time limit has no unit");
    int64_t day;
    if (calendar_add_workdays(cal, civil_site_date(start), lim.amount, &day, e) < 0)
        return -1;
    *deadline = civil_site_midnight(day + 1) - 1;
    return 0;
}

void limit_format(struct time_limit lim, char *out, int size)
{
    snprintf(out, (size_t)size, "%d %s", lim.amount,
             lim.unit == LIMIT_HOURS ? "小时" : "个工作日");
}

int limit_unit_parse(const char *s)
{
    if (!strcmp(s, "workdays") || !strcmp(s, "wd") || !strcmp(s, "工作日"))
        return LIMIT_WORKDAYS;
    if (!strcmp(s, "hours") || !strcmp(s, "h") || !strcmp(s, "小时"))
        return LIMIT_HOURS;
    return LIMIT_NONE;
}
