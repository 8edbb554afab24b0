/* report.c -- tallying appeal facts into the basic report (definitions in report.h).
 * Invariant: every figure is a count of appeals; rates are computed only when printed. */
#include "core/report.h"

#include <stdlib.h>
#include <string.h>

#include "util/civil.h"
#include "util/xalloc.h"

#include "util/banned.h"

void report_init(struct report *r, int64_t from_day, int64_t to_day, int64_t as_of)
{
    memset(r, 0, sizeof(*r));
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
}

void report_range(const struct report *r, int64_t *start, int64_t *end)
{
    *start = civil_site_midnight(r->from_day);
    *end = civil_site_midnight(r->to_day + 1);
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

static void count(struct tally *t, const struct appeal_fact *f, int64_t as_of)
{
    t->received++;
    if (f->state == ST_REJECTED || f->state == ST_MERGED)
        return;
    t->eligible++;
    int replied = f->state == ST_REPLIED || f->state == ST_VISITED || f->state == ST_CLOSED;
    if (replied)
        t->replied++;
    if (!f->deadline)
        return;
    if (replied || f->replied_at) {
        t->due++;
        if (f->replied_at && f->replied_at <= f->deadline)
            t->timely++;
    } else if (as_of > f->deadline) {
        t->due++;
        t->overdue++;
    }
}

void report_add(struct report *r, const struct appeal_fact *f)
{
    if (f->state > 0 && f->state < ST_COUNT_)
        r->by_state[f->state]++;
    count(&r->total, f, r->as_of);
    count(slot(&r->by_area, f->area_id), f, r->as_of);
    count(slot(&r->by_unit, f->lead_unit_id), f, r->as_of);
    count(slot(&r->by_channel, f->channel_id), f, r->as_of);
    if (f->state != ST_REJECTED && f->state != ST_MERGED && f->sign_deadline) {
        if (f->accepted_at) {
            r->signed_due++;
            if (f->accepted_at <= f->sign_deadline)
                r->signed_in_time++;
        } else if (r->as_of > f->sign_deadline) {
            r->signed_due++;
        }
    }
}

static int by_key(const void *a, const void *b)
{
    int64_t x = ((const struct tally *)a)->key, y = ((const struct tally *)b)->key;
    return (x > y) - (x < y);
}

void report_finish(struct report *r)
{
    struct tally_set *sets[] = {&r->by_area, &r->by_unit, &r->by_channel};
    for (size_t i = 0; i < 3; i++)
        if (sets[i]->n)
            qsort(sets[i]->items, sets[i]->n, sizeof(struct tally), by_key);
}

double report_rate(int64_t num, int64_t den)
{
    if (den <= 0)
        return -1;
    return (double)num * 100.0 / (double)den;
}
