/* visits.h -- monthly visit compliance of a leader's list (包企业包项目). Pure.
 *
 * For a leader and a month [first, last] the required visits are one per enterprise linked
 * to the leader during the month: linked on or before `last` (since_on <= last) and not
 * unlinked before `first` (until_on == 0 or until_on >= first). A required enterprise is done
 * when the leader visited it on a day in [first, last], else missed.
 * percent_x100 = round(done * 10000 / required), halves up, in integers (66.67% is 6667);
 * -1 when nothing was required. */
#ifndef SHISHI_VISITS_H
#define SHISHI_VISITS_H

#include <stddef.h>
#include <stdint.h>

struct link_span {
    int64_t enterprise_id;
    int64_t since_on, until_on; /* day numbers; until_on 0: still linked */
};

struct visit_fact {
    int64_t enterprise_id;
    int64_t visited_on;
};

#define COMPLIANCE_MAX 256 /* enterprises on one leader's list */

struct compliance {
    int required, done;
    int64_t required_ids[COMPLIANCE_MAX]; /* in the links' order */
    int64_t missed[COMPLIANCE_MAX];       /* in the links' order */
    int nmissed;
    int64_t percent_x100; /* -1: nothing required */
};

/* Whether a link counts for the month [first, last]. */
int link_in_month(const struct link_span *l, int64_t first, int64_t last);
/* Fills out; links beyond COMPLIANCE_MAX are not counted (returns -1 then, else 0). A link
 * listed twice for one enterprise counts once. */
int visits_compliance(int64_t first, int64_t last, const struct link_span *links, size_t nl,
                      const struct visit_fact *v, size_t nv, struct compliance *out);
/* "66.67" into out (at least 16 bytes); "-" for -1. */
void percent_format(int64_t x100, char *out, size_t size);

#endif
