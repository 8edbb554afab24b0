/* ruleset.c -- the default assessment rule set and the checks every version must pass. */
#include "core/ruleset.h"

#include <string.h>

#include "util/banned.h"

static const char *const codes[FIG_COUNT_] = {"reply_rate",      "timely_rate",
                                              "sign_rate",       "response_rate",
                                              "resolution_rate", "satisfaction_rate"};
static const char *const labels[FIG_COUNT_] = {"回复率", "及时处理率", "签收率",
                                               "响应率", "解决率",     "满意率"};

void ruleset_default(struct ruleset *r)
{
    memset(r, 0, sizeof(*r));
    memcpy(r->name, "默认考核规则", sizeof("默认考核规则"));
    r->weight[FIG_RESPONSE] = 30;
    r->weight[FIG_RESOLUTION] = 35;
    r->weight[FIG_SATISFACTION] = 35;
    r->basic_share = 100;
    r->partly_share = 0;
    r->exclude_rejected = 1;
    r->exclude_merged = 1;
    r->min_volume = 5;
    r->response_contact = 1;
    limits_default(&r->limits, NULL);
}

static int check_limit(struct time_limit l, const char *field, struct err *e)
{
    if (l.amount <= 0 || l.amount > 3660 || (l.unit != LIMIT_WORKDAYS && l.unit != LIMIT_HOURS))
        return err_set(e, ERR_INVALID, field,
                       "time limit '%s' must be 1..3660 working days or hours", field);
    return 0;
}

int ruleset_check(const struct ruleset *r, struct err *e)
{
    if (!r->name[0])
        return err_set(e, ERR_INVALID, "name", "a rule set needs a name");
    int sum = 0;
    for (int f = 0; f < FIG_COUNT_; f++) {
        if (r->weight[f] < 0 || r->weight[f] > 1000)
            return err_set(e, ERR_INVALID, "weights", "weight of '%s' must be 0..1000, not %d",
                           codes[f], r->weight[f]);
        sum += r->weight[f];
    }
    if (sum == 0)
        return err_set(e, ERR_INVALID, "weights", "at least one rate needs a weight above 0");
    if (r->basic_share < 0 || r->basic_share > 100)
        return err_set(e, ERR_INVALID, "basic_satisfied_share",
                       "basic_satisfied_share must be 0..100, not %d", r->basic_share);
    if (r->partly_share < 0 || r->partly_share > 100)
        return err_set(e, ERR_INVALID, "partly_solved_share",
                       "partly_solved_share must be 0..100, not %d", r->partly_share);
    if (r->min_volume < 0 || r->min_volume > 1000000)
        return err_set(e, ERR_INVALID, "min_volume", "min_volume must be 0..1000000, not %d",
                       r->min_volume);
    const struct limits *l = &r->limits;
    for (int k = 0; k < LIMIT_KINDS; k++)
        for (int u = 0; u < LIMIT_URGENCIES; u++)
            if (check_limit(l->handle[k][u], "time_limits.handle", e) < 0)
                return -1;
    for (int u = 0; u < LIMIT_URGENCIES; u++)
        if (check_limit(l->sign[u], "time_limits.sign", e) < 0)
            return -1;
    if (check_limit(l->complex, "time_limits.complex", e) < 0)
        return -1;
    if (l->max_ext_days < 1 || l->max_ext_days > 365 || l->max_extensions < 0 ||
        l->max_extensions > 10)
        return err_set(e, ERR_INVALID, "time_limits",
                       "extensions must add 1..365 working days, at most 0..10 times");
    return 0;
}

const char *figure_code(int f)
{
    return f >= 0 && f < FIG_COUNT_ ? codes[f] : "";
}

const char *figure_label(int f)
{
    return f >= 0 && f < FIG_COUNT_ ? labels[f] : "";
}

int figure_parse(const char *s)
{
    for (int f = 0; f < FIG_COUNT_; f++)
        if (!strcmp(s, codes[f]) || !strcmp(s, labels[f]))
            return f;
    return -1;
}
