/* ruleset.h -- an assessment rule set (考核规则): which appeals count, how the rates are
 * weighted into a score, and the time limits units are given. Rule sets are versioned data:
 * a site adds a new version and never edits an old one, so any past period can be
 * recomputed under any version and a report names the version it used.
 * Validation only; storing versions is the store's job, JSON the service's. */
#ifndef SHISHI_RULESET_H
#define SHISHI_RULESET_H

#include <stdint.h>

#include "core/deadline.h"
#include "util/err.h"

/* The rates a report computes for every group of appeals (docs/metrics.md). */
enum figure {
    FIG_REPLY = 0,    /* 回复率 */
    FIG_TIMELY,       /* 及时处理率 */
    FIG_SIGN,         /* 签收率: signed for in time */
    FIG_RESPONSE,     /* 响应率: signed in time and the caller contacted in time */
    FIG_RESOLUTION,   /* 解决率 */
    FIG_SATISFACTION, /* 满意率 */
    FIG_COUNT_
};

#define RULESET_NAME_MAX 128

struct ruleset {
    int version; /* 0 until stored */
    char name[RULESET_NAME_MAX];
    int64_t created_at;
    int weight[FIG_COUNT_]; /* composite score weights; a weight of 0 leaves the rate out */
    int basic_share;        /* a 基本满意 counts as this percentage of a 满意 (0..100) */
    int partly_share;       /* a 部分解决 counts as this percentage of a 已解决 (0..100) */
    int exclude_rejected;   /* rejected appeals (不予受理) are left out of every rate */
    int exclude_merged;     /* merged appeals (已并单) are left out of every rate */
    int min_volume;         /* a unit with fewer eligible appeals is listed, not ranked */
    int response_contact;   /* the response rate also needs the caller contacted in time */
    struct limits limits;   /* time limits; limits.cal is not part of the rule set */
};

/* The district's rule set: response 30 / resolution 35 / satisfaction 35, a response needs
 * the caller contacted, 基本满意 counts in full, 部分解决 does not, rejected and merged
 * appeals excluded, ranked from 5 appeals, and limits_default()'s time limits. */
void ruleset_default(struct ruleset *r);
/* Refuses a rule set that cannot be applied, naming the field. */
int ruleset_check(const struct ruleset *r, struct err *e);

const char *figure_code(int f);  /* "reply_rate" ... */
const char *figure_label(int f); /* "回复率" ... */
int figure_parse(const char *s); /* code or label; -1 when unknown */

#endif
