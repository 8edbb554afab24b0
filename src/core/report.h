/* report.h -- the basic report: intake and handling figures over a period.
 * Definitions (docs/metrics.md is the reference):
 *   period       an appeal belongs to [from, to] when it was received (受理) on a site-zone
 *                date in that range
 *   received     every appeal of the period, whatever became of it
 *   eligible     received minus rejected (不予受理) and merged (已并单) appeals
 *   replied      eligible appeals now replied, visited or closed
 *   reply_rate   replied / eligible
 *   due          eligible appeals with a deadline that were replied, or whose deadline had
 *                passed at the report's as-of instant
 *   timely       due appeals replied at or before their deadline (as extended)
 *   timely_rate  timely / due
 *   signed_due   eligible appeals dispatched with a sign deadline that were signed, or whose
 *                sign deadline had passed at as-of; signed_in_time: signed by that deadline
 *   sign_rate    signed_in_time / signed_due
 *   overdue      eligible appeals not replied whose deadline had passed at as-of
 * A rate with a zero denominator has no value (JSON null, shown as "—"). */
#ifndef SHISHI_REPORT_H
#define SHISHI_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/appeal.h"

/* What a report needs of one appeal: no text, so a scan of a million rows stays cheap. */
struct appeal_fact {
    int64_t id;
    int state;
    int64_t channel_id, area_id, lead_unit_id;
    int64_t received_at, deadline, sign_deadline, accepted_at, replied_at;
};

struct tally {
    int64_t key;
    int64_t received, eligible, replied, due, timely, overdue;
};

struct tally_set {
    struct tally *items; /* sorted by key after report_finish() */
    size_t n, cap;
};

struct report {
    int64_t from_day, to_day; /* site-zone dates, inclusive */
    int64_t as_of;
    struct tally total;
    int64_t by_state[ST_COUNT_];
    int64_t signed_due, signed_in_time;
    struct tally_set by_area, by_unit, by_channel;
};

void report_init(struct report *r, int64_t from_day, int64_t to_day, int64_t as_of);
void report_release(struct report *r);
/* The received_at range [start, end) of instants the period covers. */
void report_range(const struct report *r, int64_t *start, int64_t *end);
void report_add(struct report *r, const struct appeal_fact *f);
void report_finish(struct report *r);
/* Percentage num/den*100; returns -1 when den is 0 (no value). */
double report_rate(int64_t num, int64_t den);

#endif
