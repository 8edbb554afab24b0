/* report.c -- judging appeal facts under a rule set and tallying the verdicts (definitions
 * in report.h and docs/metrics.md).
 * Invariant: every figure is a sum of verdicts; rates are computed only when printed. */
#include "core/report.h"

#include <stdlib.h>
#include <string.h>

#include "util/civil.h"
#include "util/xalloc.h"

#include "util/banned.h"

void report_init(struct report *r, const struct ruleset *rs, int64_t from_day, int64_t to_day,
                 int64_t as_of)
{
    memset(r, 0, sizeof(*r));
    r->rules = *rs;
    r->from_day = from_day;
    r->to_day = to_day;
    r->as_of = as_of;
}

static void set_release(struct tally_set *s)
{
    free(s->items);
    memset(s, 0, sizeof(*s));
}

void report_release(struct report *r)
{
    set_release(&r->by_area);
    set_release(&r->by_unit);
    set_release(&r->by_channel);
    set_release(&r->by_town);
}

void report_range(const struct report *r, int64_t *start, int64_t *end)
{
    *start = civil_site_midnight(r->from_day);
    *end = civil_site_midnight(r->to_day + 1);
}

static int is_excluded(const struct ruleset *rs, int state)
{
    return (state == ST_REJECTED && rs->exclude_rejected) ||
           (state == ST_MERGED && rs->exclude_merged);
}

void report_judge(const struct ruleset *rs, const struct appeal_fact *f, int64_t as_of,
                  struct verdict *v)
{
    memset(v, 0, sizeof(*v));
    if (is_excluded(rs, f->state))
        return;
    v->eligible = 1;
    int replied = f->state == ST_REPLIED || f->state == ST_VISITED || f->state == ST_CLOSED;
    v->den[FIG_REPLY] = 1;
    v->num[FIG_REPLY] = replied ? 100 : 0;
    /* A redo clears the reply and gives a new deadline: the appeal is judged afresh
     * against it. An approved extension has already moved `deadline`. */
    if (f->deadline) {
        if (replied || f->replied_at) {
            v->den[FIG_TIMELY] = 1;
            v->num[FIG_TIMELY] = f->replied_at && f->replied_at <= f->deadline ? 100 : 0;
        } else if (as_of > f->deadline) {
            v->den[FIG_TIMELY] = 1;
            v->overdue = 1;
        }
    }
    if (f->sign_deadline && (f->accepted_at || as_of > f->sign_deadline)) {
        int signed_in_time = f->accepted_at && f->accepted_at <= f->sign_deadline;
        int contacted = f->contacted_at && f->contacted_at <= f->sign_deadline;
        v->den[FIG_SIGN] = v->den[FIG_RESPONSE] = 1;
        v->num[FIG_SIGN] = signed_in_time ? 100 : 0;
        v->num[FIG_RESPONSE] =
            signed_in_time && (contacted || !rs->response_contact) ? 100 : 0;
    }
    if (f->visit_solved > SOLVED_NONE && f->visit_solved < SOLVED_COUNT_) {
        v->den[FIG_RESOLUTION] = 1;
        v->num[FIG_RESOLUTION] = f->visit_solved == SOLVED_YES      ? 100
                                 : f->visit_solved == SOLVED_PARTLY ? rs->partly_share
                                                                    : 0;
    }
    if (f->visit_satisfaction > SAT_NONE && f->visit_satisfaction < SAT_COUNT_) {
        v->den[FIG_SATISFACTION] = 1;
        v->num[FIG_SATISFACTION] = f->visit_satisfaction == SAT_SATISFIED ? 100
                                   : f->visit_satisfaction == SAT_BASIC   ? rs->basic_share
                                                                          : 0;
    }
}

/* Keys are few (tens of units, ten areas): a linear search beats hashing at this size. The
 * last hit is checked first because scans come in clusters. */
static struct tally *slot(struct tally_set *s, int64_t key)
{
    for (size_t i = s->n; i-- > 0;)
        if (s->items[i].key == key)
            return &s->items[i];
    xgrow((void **)&s->items, &s->cap, s->n + 1, sizeof(*s->items));
    struct tally *t = &s->items[s->n++];
    memset(t, 0, sizeof(*t));
    t->key = key;
    return t;
}

static void count(struct tally *t, const struct verdict *v)
{
    t->received++;
    t->eligible += v->eligible;
    t->overdue += v->overdue;
    for (int f = 0; f < FIG_COUNT_; f++) {
        t->den[f] += v->den[f];
        t->num[f] += v->num[f];
    }
}

void report_add(struct report *r, const struct appeal_fact *f)
{
    struct verdict v;
    report_judge(&r->rules, f, r->as_of, &v);
    if (f->state > 0 && f->state < ST_COUNT_)
        r->by_state[f->state]++;
    count(&r->total, &v);
    count(slot(&r->by_area, f->area_id), &v);
    count(slot(&r->by_unit, f->lead_unit_id), &v);
    count(slot(&r->by_channel, f->channel_id), &v);
    count(slot(&r->by_town, f->town_id), &v);
}

static int by_key(const void *a, const void *b)
{
    int64_t x = ((const struct tally *)a)->key, y = ((const struct tally *)b)->key;
    return (x > y) - (x < y);
}

void report_finish(struct report *r)
{
    struct tally_set *sets[] = {&r->by_area, &r->by_unit, &r->by_channel, &r->by_town};
    for (size_t i = 0; i < 4; i++)
        if (sets[i]->n)
            qsort(sets[i]->items, sets[i]->n, sizeof(struct tally), by_key);
}

const struct tally *tally_find(const struct tally_set *s, int64_t key)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->items[i].key == key)
            return &s->items[i];
    return NULL;
}

double report_rate(int64_t num, int64_t den)
{
    if (den <= 0)
        return -1;
    return (double)num * 100.0 / (double)den;
}

double tally_rate(const struct tally *t, int fig)
{
    if (t->den[fig] <= 0)
        return -1;
    return (double)t->num[fig] / (double)t->den[fig];
}

int64_t tally_count(const struct tally *t, int fig)
{
    return t->num[fig] / 100;
}

double tally_score(const struct tally *t, const struct ruleset *rs)
{
    double sum = 0;
    int weights = 0;
    for (int f = 0; f < FIG_COUNT_; f++) {
        double rate = tally_rate(t, f);
        if (rs->weight[f] <= 0 || rate < 0)
            continue;
        sum += rate * rs->weight[f];
        weights += rs->weight[f];
    }
    return weights ? sum / weights : -1;
}
