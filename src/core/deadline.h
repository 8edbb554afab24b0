/* deadline.h -- time limits (办理时限) and the deadlines they give.
 * A limit counts working days or natural hours. N working days from an instant end at the
 * close (24:00, site zone) of the N-th working day after the day the instant falls on, so
 * a dispatch at 23:00 on a Friday gets the same deadline as one at 09:00 that Friday.
 * N hours from an instant end N*3600 seconds later, whatever the calendar says. */
#ifndef SHISHI_DEADLINE_H
#define SHISHI_DEADLINE_H

#include <stdint.h>

#include "core/workday.h"
#include "util/err.h"

#define LIMIT_KINDS     6 /* enum appeal_kind */
#define LIMIT_URGENCIES 3 /* enum urgency */

enum limit_unit { LIMIT_NONE = 0, LIMIT_WORKDAYS, LIMIT_HOURS };

struct time_limit {
    int amount;
    int unit; /* enum limit_unit */
};

/* The time-limit rules in force. Borrowed calendar. */
struct limits {
    const struct calendar *cal;
    struct time_limit handle[LIMIT_KINDS][LIMIT_URGENCIES]; /* by kind and urgency */
    struct time_limit complex;                               /* complex case, any kind */
    struct time_limit sign[LIMIT_URGENCIES];                 /* to sign for (签收) */
    int max_ext_days;   /* most working days one extension may add */
    int max_extensions; /* most approved extensions per appeal */
};

/* The district's defaults: 咨询 3, 求助 5, 投诉 7, 举报 7, 建议 10 working days; complex 15;
 * 紧急 24 hours, 特急 2 hours; signing within 1 working day (紧急 2 hours, 特急 1 hour);
 * an extension adds at most 10 working days, at most twice. */
void limits_default(struct limits *l, const struct calendar *cal);

/* The deadline `lim` gives from instant `start`. */
int deadline_compute(const struct calendar *cal, int64_t start, struct time_limit lim,
                     int64_t *deadline, struct err *e);
/* "7 个工作日" / "24 小时" into out. */
void limit_format(struct time_limit lim, char *out, int size);
/* Parses a unit word: "workdays"/"wd"/"工作日" or "hours"/"h"/"小时". */
int limit_unit_parse(const char *s);

#endif
