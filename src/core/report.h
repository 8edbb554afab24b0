/* report.h -- the assessment: appeal facts judged under a rule set and tallied over a period.
 * Definitions (docs/metrics.md is the reference):
 *   period       an appeal belongs to [from, to] when it was received (受理) on a site-zone
 *                date in that range
 *   received     every appeal of the period, whatever became of it
 *   eligible     received minus what the rule set excludes (default: rejected and merged)
 *   reply        eligible appeals now replied, visited or closed / eligible
 *   timely       due appeals replied at or before their deadline (as extended) / due, where
 *                due = eligible appeals with a deadline that were replied, or whose deadline
 *                had passed at the report's as-of instant
 *   sign         eligible appeals signed for by their sign deadline / those with a sign
 *                deadline that were signed, or whose sign deadline had passed at as-of
 *   response     as sign, and the caller also contacted by the sign deadline (when the
 *                rule set asks for contact) / the same denominator
 *   resolution   visited eligible appeals: 已解决 1, 部分解决 the rule's share, 未解决 0
 *   satisfaction visited eligible appeals: 满意 1, 基本满意 the rule's share, 不满意 0
 *   overdue      eligible appeals not replied whose deadline had passed at as-of
 *   score        the rates weighted by the rule set, over the rates that have a value
 * A rate with a zero denominator has no value (JSON null, shown as "—").
 * Invariant: report_judge() is the one place these definitions live; tallies and the
 * --explain lists are both built from its verdicts, so they cannot disagree. */
#ifndef SHISHI_REPORT_H
#define SHISHI_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/appeal.h"
#include "core/ruleset.h"

/* What a report needs of one appeal. The text fields are read only when a scan asks for
 * them (FACT_TEXT), so a scan of a million rows for figures stays cheap. */
struct appeal_fact {
    int64_t id;
    char code[APPEAL_CODE_LEN];
    int state, kind, urgency;
    int64_t channel_id, area_id, lead_unit_id;
    int64_t town_id; /* set by the service from the unit tree; the store leaves it 0 */
    int64_t received_at, dispatched_at, deadline, sign_deadline, accepted_at, replied_at;
    int64_t contacted_at;
    int visit_solved, visit_satisfaction;
    int urge_count, supervise_level, redo_count;
    const char *title, *citizen_name, *phone; /* FACT_TEXT: borrowed for the callback */
};

enum fact_flags { FACT_TEXT = 1 << 0 };

/* How one appeal counts. num[] is the appeal's share of a numerator in percent (0..100):
 * a 基本满意 under a rule that counts it half is 50. */
struct verdict {
    int eligible;
    int overdue;
    int den[FIG_COUNT_];
    int num[FIG_COUNT_];
};

void report_judge(const struct ruleset *rs, const struct appeal_fact *f, int64_t as_of,
                  struct verdict *v);

struct tally {
    int64_t key;
    int64_t received, eligible, overdue;
    int64_t den[FIG_COUNT_];
    int64_t num[FIG_COUNT_]; /* sums of verdict.num: hundredths of an appeal */
};

struct tally_set {
    struct tally *items; /* sorted by key after report_finish() */
    size_t n, cap;
};

struct report {
    struct ruleset rules;
    int64_t from_day, to_day; /* site-zone dates, inclusive */
    int64_t as_of;
    struct tally total;
    int64_t by_state[ST_COUNT_];
    struct tally_set by_area, by_unit, by_channel, by_town;
};

void report_init(struct report *r, const struct ruleset *rs, int64_t from_day, int64_t to_day,
                 int64_t as_of);
void report_release(struct report *r);
/* The received_at range [start, end) of instants the period covers. */
void report_range(const struct report *r, int64_t *start, int64_t *end);
void report_add(struct report *r, const struct appeal_fact *f);
void report_finish(struct report *r);
/* The tally of `key` in a set, or NULL. */
const struct tally *tally_find(const struct tally_set *s, int64_t key);

/* Percentage num/den*100; returns -1 when den is 0 (no value). */
double report_rate(int64_t num, int64_t den);
/* A figure of a tally as a percentage, -1 when it has no value. */
double tally_rate(const struct tally *t, int fig);
/* Whole appeals in a figure's numerator (a share counts as its fraction, rounded down). */
int64_t tally_count(const struct tally *t, int fig);
/* The weighted score: sum(weight * rate) / sum(weight) over the weighted rates that have a
 * value; -1 when none has. */
double tally_score(const struct tally *t, const struct ruleset *rs);

#endif
