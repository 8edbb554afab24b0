/* assess.c -- reports, explanations and the monthly bulletin's data, under a rule set.
 * Invariant: every figure comes from report_add()/report_judge() over one fact scan, so a
 * bulletin, a report and an --explain list of the same period and rule set agree. */
#include "service/service.h"
#include "service/guard.h"

#include <stdlib.h>
#include <string.h>

#include "core/mask.h"
#include "service/project.h"
#include "service/view.h"
#include "util/civil.h"
#include "util/xalloc.h"

#include "util/banned.h"

/* The town or street a unit belongs to (itself, or the nearest such ancestor); 0 for the
 * district's own departments. */
static int64_t town_of(const struct names *n, int64_t unit)
{
    for (int depth = 0; unit && depth < 32; depth++) {
        const struct unit *u = names_unit_get(n, unit);
        if (!u)
            return 0;
        if (u->kind == UNIT_TOWN || u->kind == UNIT_STREET)
            return u->id;
        unit = u->parent_id;
    }
    return 0;
}

/* unit id -> town id for every unit, so a scan of many appeals looks towns up in O(1). */
struct towns {
    int64_t *of; /* indexed by unit id; ids are dense */
    int64_t max;
};

static void towns_load(struct towns *t, const struct names *n)
{
    t->max = 0;
    for (size_t i = 0; i < n->nunits; i++)
        if (n->units[i].id > t->max)
            t->max = n->units[i].id;
    t->of = xcalloc((size_t)t->max + 1, sizeof(*t->of));
    for (size_t i = 0; i < n->nunits; i++)
        t->of[n->units[i].id] = town_of(n, n->units[i].id);
}

static int64_t towns_get(const struct towns *t, int64_t unit)
{
    return unit > 0 && unit <= t->max ? t->of[unit] : 0;
}

static int parse_period(const char *from, const char *to, int64_t *d1, int64_t *d2,
                        struct err *e)
{
    if (!from || !to)
        return err_set(e, ERR_INVALID, from ? "to" : "from", "a period needs a from and a to date");
    if (civil_parse_date_checked(from, d1, e) < 0 || civil_parse_date_checked(to, d2, e) < 0)
        return -1;
    if (*d2 < *d1)
        return err_set(e, ERR_INVALID, "to", "the period ends (%s) before it starts (%s)", to,
                       from);
    if (*d2 - *d1 > 366 * 50)
        return err_set(e, ERR_INVALID, "to", "a period may span at most 50 years");
    return 0;
}

struct scan_ctx {
    struct report *r;
    const struct towns *towns;
};

static int add_fact(const struct appeal_fact *f, void *ctx)
{
    struct scan_ctx *c = ctx;
    struct appeal_fact g = *f;
    g.town_id = towns_get(c->towns, f->lead_unit_id);
    report_add(c->r, &g);
    return 0;
}

static int run_report(struct service *svc, const struct ruleset *rs, const struct towns *towns,
                      int64_t d1, int64_t d2, int64_t as_of, struct report *r, struct err *e)
{
    int64_t start, end;
    report_init(r, rs, d1, d2, as_of);
    report_range(r, &start, &end);
    struct scan_ctx c = {r, towns};
    if (store_fact_scan(svc->st, start, end, 0, add_fact, &c, e) < 0) {
        report_release(r);
        return -1;
    }
    report_finish(r);
    return 0;
}

int svc_report(struct service *svc, const struct actor *who, const char *from, const char *to, int rules,
               int64_t as_of, struct report *r, struct err *e)
{
    int64_t d1, d2;
    struct ruleset rs;
    struct names n;
    if (guard(who, SUBJ_REPORT, "read", e) < 0 || parse_period(from, to, &d1, &d2, e) < 0 ||
        svc_rules_get(svc, &svc_system, rules, &rs, e) < 0 ||
        names_load(svc, &n, e) < 0)
        return -1;
    struct towns towns;
    towns_load(&towns, &n);
    int rc = run_report(svc, &rs, &towns, d1, d2, as_of, r, e);
    free(towns.of);
    names_release(&n);
    return rc;
}

/* ---- explain ---------------------------------------------------------------------------- */

struct explain_ctx {
    struct explain *x;
    const struct guard_reader *reader;
    const struct towns *towns;
    int64_t as_of;
    int dim;
    int64_t key;
};

static int explain_fact(const struct appeal_fact *f, void *ctx)
{
    struct explain_ctx *c = ctx;
    int64_t k = c->dim == DIM_UNIT      ? f->lead_unit_id
                : c->dim == DIM_AREA    ? f->area_id
                : c->dim == DIM_CHANNEL ? f->channel_id
                : c->dim == DIM_TOWN    ? towns_get(c->towns, f->lead_unit_id)
                                        : 0;
    if (c->dim != DIM_ALL && k != c->key)
        return 0;
    struct verdict v;
    report_judge(&c->x->rules, f, c->as_of, &v);
    int in_den, share;
    if (c->x->figure < 0) { /* overdue: a count, every overdue appeal counts whole */
        in_den = v.overdue;
        share = 100;
    } else {
        in_den = v.den[c->x->figure];
        share = v.num[c->x->figure];
    }
    if (!in_den)
        return 0;
    struct explain *x = c->x;
    x->den++;
    x->num += share;
    if (!guard_reader_sees(c->reader, f->lead_unit_id)) {
        x->hidden++;
        return 0;
    }
    xgrow((void **)&x->items, &x->cap, x->n + 1, sizeof(*x->items));
    struct explain_item *it = &x->items[x->n++];
    memcpy(it->code, f->code, sizeof(it->code));
    it->share = share;
    return 0;
}

static int dim_key(const struct names *n, int dim, const char *key, int64_t *out, struct err *e)
{
    *out = 0;
    if (dim == DIM_ALL)
        return 0;
    if (!key || !*key)
        return err_set(e, ERR_INVALID, "key", "name the group to explain");
    if (dim == DIM_UNIT || dim == DIM_TOWN) {
        for (size_t i = 0; i < n->nunits; i++)
            if (!strcmp(n->units[i].name, key) || !strcmp(n->units[i].code, key)) {
                if (dim == DIM_TOWN && n->units[i].kind != UNIT_TOWN &&
                    n->units[i].kind != UNIT_STREET)
                    return err_set(e, ERR_INVALID, "town", "'%s' is not a town or street", key);
                *out = n->units[i].id;
                return 0;
            }
        return err_set(e, ERR_NOT_FOUND, dim == DIM_UNIT ? "unit" : "town", "unknown unit '%s'",
                       key);
    }
    const struct ref *refs = dim == DIM_AREA ? n->areas : n->channels;
    size_t nrefs = dim == DIM_AREA ? n->nareas : n->nchannels;
    for (size_t i = 0; i < nrefs; i++)
        if (!strcmp(refs[i].name, key) || !strcmp(refs[i].code, key)) {
            *out = refs[i].id;
            return 0;
        }
    return err_set(e, ERR_NOT_FOUND, dim == DIM_AREA ? "area" : "channel", "unknown %s '%s'",
                   dim == DIM_AREA ? "area" : "channel", key);
}

int svc_explain(struct service *svc, const struct actor *who, const char *from, const char *to, int rules, int64_t as_of,
                const char *figure, int dim, const char *key, struct explain *x,
                struct err *e)
{
    memset(x, 0, sizeof(*x));
    int fig = -2;
    if (figure && !strcmp(figure, "overdue"))
        fig = -1;
    else if (figure && figure_parse(figure) >= 0)
        fig = figure_parse(figure);
    x->figure = fig;
    if (fig == -2)
        return err_set(e, ERR_INVALID, "explain",
                       "cannot explain '%s' (reply_rate, timely_rate, sign_rate, "
                       "response_rate, resolution_rate, satisfaction_rate, overdue)",
                       figure ? figure : "");
    int64_t d1, d2, k;
    struct names n;
    struct guard_reader reader;
    if (guard(who, SUBJ_REPORT, "read", e) < 0 || guard_reader_init(svc, who, &reader, e) < 0 ||
        parse_period(from, to, &d1, &d2, e) < 0 ||
        svc_rules_get(svc, &svc_system, rules, &x->rules, e) < 0 ||
        names_load(svc, &n, e) < 0)
        return -1;
    struct towns towns;
    towns_load(&towns, &n);
    int rc = dim_key(&n, dim, key, &k, e);
    if (rc == 0) {
        struct explain_ctx c = {x, &reader, &towns, as_of, dim, k};
        rc = store_fact_scan(svc->st, civil_site_midnight(d1), civil_site_midnight(d2 + 1), 0,
                             explain_fact, &c, e);
    }
    free(towns.of);
    names_release(&n);
    if (rc < 0)
        explain_release(x);
    return rc;
}

void explain_release(struct explain *x)
{
    free(x->items);
    x->items = NULL;
    x->n = x->cap = 0;
}

/* ---- the bulletin ----------------------------------------------------------------------- */

struct bulletin_ctx {
    struct bulletin *b;
    const struct guard_reader *reader;
    const struct towns *towns;
    struct terms *terms;
    int64_t as_of;
};

static void late_add(struct bulletin_list *l, const struct appeal_fact *f, int late_days)
{
    xgrow((void **)&l->items, &l->cap, l->n + 1, sizeof(*l->items));
    struct bulletin_late *it = &l->items[l->n++];
    memset(it, 0, sizeof(*it));
    it->id = f->id;
    it->late_days = late_days;
    memcpy(it->code, f->code, sizeof(it->code));
}

static void item_of(struct bulletin_item *it, const struct appeal_fact *f, int late_days)
{
    memset(it, 0, sizeof(*it));
    memcpy(it->code, f->code, sizeof(it->code));
    it->title = f->title ? f->title : "";
    it->unit_id = f->lead_unit_id;
    it->received_at = f->received_at;
    it->deadline = f->deadline;
    it->replied_at = f->replied_at;
    it->state = f->state;
    it->late_days = late_days;
    it->redo_count = f->redo_count;
    it->urge_count = f->urge_count;
    it->supervise_level = f->supervise_level;
}

/* Whole days (rounded up) from a deadline to `t`. */
static int days_after(int64_t deadline, int64_t t)
{
    return (int)((t - deadline + 86399) / 86400);
}

/* Adds an appeal to the previous period and to its month of the trend, where it falls in
 * them: every appeal is read once, whichever of the bulletin's reports it counts in. */
static void add_elsewhere(struct bulletin *b, const struct appeal_fact *g)
{
    int64_t day = civil_site_date(g->received_at);
    if (day >= b->prev_from && day <= b->prev_to)
        report_add(&b->prev, g);
    for (size_t i = 0; i < b->ntrend; i++)
        if (day >= b->trend[i].from_day && day <= b->trend[i].to_day) {
            report_add(&b->trend[i], g);
            break;
        }
}

static int other_fact(const struct appeal_fact *f, void *ctx)
{
    struct bulletin_ctx *c = ctx;
    struct appeal_fact g = *f;
    g.town_id = towns_get(c->towns, f->lead_unit_id);
    add_elsewhere(c->b, &g);
    return 0;
}

static int bulletin_fact(const struct appeal_fact *f, void *ctx)
{
    struct bulletin_ctx *c = ctx;
    struct bulletin *b = c->b;
    struct appeal_fact g = *f;
    g.town_id = towns_get(c->towns, f->lead_unit_id);
    report_add(&b->cur, &g);
    add_elsewhere(b, &g);
    /* The figures count every appeal; the lists show only what the reader may read. */
    if (!guard_reader_sees(c->reader, f->lead_unit_id)) {
        b->hidden++;
        return 0;
    }
    struct verdict v;
    report_judge(&b->cur.rules, &g, c->as_of, &v);
    if (v.overdue)
        late_add(&b->overdue, f, days_after(f->deadline, c->as_of));
    else if (v.den[FIG_TIMELY] && !v.num[FIG_TIMELY] && f->replied_at)
        late_add(&b->overdue, f, days_after(f->deadline, f->replied_at));
    /* The flagged appeals and the ledger are read again when their tables are drawn
     * (svc_bulletin_flagged, svc_bulletin_ledger), so nothing per appeal is kept here but
     * the overdue list; terms count by appeal id, the samples' codes read back at the end. */
    terms_add(c->terms, f->id, f->title);
    return 0;
}

struct ledger_ctx {
    const struct guard_reader *reader;
    int (*cb)(const struct ledger_row *row, void *ctx);
    int (*item)(const struct bulletin_item *it, void *ctx); /* the flagged scan */
    void *ctx;
    int stopped;
};

static int flagged_fact(const struct appeal_fact *f, void *ctx)
{
    struct ledger_ctx *c = ctx;
    if (!(f->redo_count || f->urge_count || f->supervise_level) ||
        !guard_reader_sees(c->reader, f->lead_unit_id))
        return 0;
    struct bulletin_item it;
    item_of(&it, f, 0);
    if (c->item(&it, c->ctx)) {
        c->stopped = 1;
        return 1;
    }
    return 0;
}

int svc_bulletin_flagged(struct service *svc, const struct actor *who, int64_t from_day,
                         int64_t to_day, int (*cb)(const struct bulletin_item *it, void *ctx),
                         void *ctx, struct err *e)
{
    struct guard_reader reader;
    if (guard(who, SUBJ_BULLETIN, "read", e) < 0 || guard_reader_init(svc, who, &reader, e) < 0)
        return -1;
    struct ledger_ctx c = {&reader, NULL, cb, ctx, 0};
    if (store_fact_scan(svc->st, civil_site_midnight(from_day), civil_site_midnight(to_day + 1),
                        FACT_TEXT, flagged_fact, &c, e) < 0)
        return -1;
    return c.stopped ? -1 : 0;
}

int svc_bulletin_overdue(struct service *svc, const struct bulletin_list *late,
                         int (*cb)(const struct bulletin_item *it, void *ctx), void *ctx,
                         struct err *e)
{
    for (size_t i = 0; i < late->n; i++) {
        struct appeal a;
        appeal_init(&a);
        if (store_appeal_get(svc->st, late->items[i].id, &a, e) < 0) {
            appeal_release(&a);
            return -1;
        }
        struct bulletin_item it;
        memset(&it, 0, sizeof(it));
        memcpy(it.code, late->items[i].code, sizeof(it.code));
        it.title = a.title ? a.title : "";
        it.unit_id = a.lead_unit_id;
        it.received_at = a.received_at;
        it.deadline = a.deadline;
        it.replied_at = a.replied_at;
        it.state = a.state;
        it.late_days = late->items[i].late_days;
        it.redo_count = a.redo_count;
        it.urge_count = a.urge_count;
        it.supervise_level = a.supervise_level;
        int stop = cb(&it, ctx);
        appeal_release(&a);
        if (stop)
            return -1;
    }
    return 0;
}

static int ledger_fact(const struct appeal_fact *f, void *ctx)
{
    struct ledger_ctx *c = ctx;
    if (!guard_reader_sees(c->reader, f->lead_unit_id)) /* counted in figures, not listed */
        return 0;
    struct ledger_row row;
    memset(&row, 0, sizeof(row));
    memcpy(row.code, f->code, sizeof(row.code));
    row.title = f->title ? f->title : "";
    mask_name(f->citizen_name ? f->citizen_name : "", row.name, sizeof(row.name));
    mask_phone(f->phone ? f->phone : "", row.phone, sizeof(row.phone));
    row.received_at = f->received_at;
    row.channel_id = f->channel_id;
    row.area_id = f->area_id;
    row.unit_id = f->lead_unit_id;
    row.deadline = f->deadline;
    row.replied_at = f->replied_at;
    row.state = f->state;
    row.solved = f->visit_solved;
    row.satisfaction = f->visit_satisfaction;
    if (c->cb(&row, c->ctx)) {
        c->stopped = 1;
        return 1;
    }
    return 0;
}

int svc_bulletin_ledger(struct service *svc, const struct actor *who, int64_t from_day,
                        int64_t to_day, int (*cb)(const struct ledger_row *row, void *ctx),
                        void *ctx, struct err *e)
{
    struct guard_reader reader;
    if (guard(who, SUBJ_BULLETIN, "read", e) < 0 || guard_reader_init(svc, who, &reader, e) < 0)
        return -1;
    struct ledger_ctx c = {&reader, cb, NULL, ctx, 0};
    if (store_fact_scan(svc->st, civil_site_midnight(from_day), civil_site_midnight(to_day + 1),
                        FACT_TEXT, ledger_fact, &c, e) < 0)
        return -1;
    return c.stopped ? -1 : 0;
}

/* The codes of the top terms' sample appeals, by id: at most BULLETIN_TOP * TERM_SAMPLES
 * reads. */
static int top_codes(struct service *svc, struct bulletin *b, struct err *e)
{
    for (size_t i = 0; i < b->ntop; i++)
        for (int s = 0; s < b->top[i].nsample; s++) {
            struct appeal a;
            appeal_init(&a);
            if (store_appeal_get(svc->st, b->top[i].sample[s], &a, e) < 0) {
                appeal_release(&a);
                return -1;
            }
            memcpy(b->top_code[i][s], a.code, sizeof(b->top_code[i][s]));
            appeal_release(&a);
        }
    return 0;
}

static int by_late(const void *a, const void *b)
{
    const struct bulletin_late *x = a, *y = b;
    if (x->late_days != y->late_days)
        return x->late_days < y->late_days ? 1 : -1;
    return strcmp(x->code, y->code);
}

static int64_t month_start(int64_t day, int delta)
{
    int y, m, d;
    civil_ymd(day, &y, &m, &d);
    int months = y * 12 + (m - 1) + delta;
    return civil_days(months / 12, months % 12 + 1, 1);
}

int svc_bulletin_period(const char *month, const char *from, const char *to, int64_t *from_day,
                        int64_t *to_day, struct err *e)
{
    if (!month)
        return parse_period(from, to, from_day, to_day, e);
    /* exactly YYYY-MM: "2021-7" or " 2021-07" would be a guess at what was meant */
    int digits = strlen(month) == 7 && month[4] == '-';
    for (int i = 0; digits && i < 7; i++)
        digits = i == 4 || (month[i] >= '0' && month[i] <= '9');
    int y = 0, m = 0;
    for (int i = 0; digits && i < 4; i++)
        y = y * 10 + (month[i] - '0');
    if (digits)
        m = (month[5] - '0') * 10 + (month[6] - '0');
    if (!digits || m < 1 || m > 12 || y < 1900 || y > 9999)
        return err_set(e, ERR_INVALID, "month", "month '%s' is not YYYY-MM", month);
    *from_day = civil_days(y, m, 1);
    *to_day = month_start(*from_day, 1) - 1;
    return 0;
}

int svc_bulletin(struct service *svc, const struct actor *who, const char *month, const char *from, const char *to,
                 int rules, int64_t as_of, struct bulletin *b, struct err *e)
{
    memset(b, 0, sizeof(*b));
    if (svc_bulletin_period(month, from, to, &b->from_day, &b->to_day, e) < 0)
        return -1;
    b->prev_to = b->from_day - 1;
    b->prev_from = month ? month_start(b->from_day, -1) : b->prev_to - (b->to_day - b->from_day);
    struct ruleset rs;
    struct names n;
    struct guard_reader reader;
    if (guard(who, SUBJ_BULLETIN, "read", e) < 0 || guard_reader_init(svc, who, &reader, e) < 0 ||
        svc_rules_get(svc, &svc_system, rules, &rs, e) < 0 || names_load(svc, &n, e) < 0)
        return -1;
    struct towns towns;
    towns_load(&towns, &n);
    struct bulletin_ctx c = {b, &reader, &towns, terms_new(), as_of};
    for (size_t i = 0; i < n.nunits; i++) /* place names are where, not what */
        terms_stop(c.terms, n.units[i].name);
    int rc = -1;
    report_init(&b->cur, &rs, b->from_day, b->to_day, as_of);
    report_init(&b->prev, &rs, b->prev_from, b->prev_to, as_of);
    int64_t last = month_start(b->to_day, 0);
    for (int i = BULLETIN_TREND - 1; i >= 0; i--, b->ntrend++)
        report_init(&b->trend[b->ntrend], &rs, month_start(last, -i),
                    month_start(last, -i + 1) - 1, as_of);
    /* Three reads, none twice: the period with its text, then what the previous period and
     * the trend need before it and (a range ending mid-month) after it. */
    int64_t lo = b->prev_from < b->trend[0].from_day ? b->prev_from : b->trend[0].from_day;
    int64_t hi = b->trend[b->ntrend - 1].to_day;
    if (store_fact_scan(svc->st, civil_site_midnight(b->from_day),
                        civil_site_midnight(b->to_day + 1), FACT_TEXT, bulletin_fact, &c,
                        e) < 0 ||
        store_fact_scan(svc->st, civil_site_midnight(lo), civil_site_midnight(b->from_day), 0,
                        other_fact, &c, e) < 0 ||
        (hi > b->to_day && store_fact_scan(svc->st, civil_site_midnight(b->to_day + 1),
                                           civil_site_midnight(hi + 1), 0, other_fact, &c,
                                           e) < 0))
        goto out;
    report_finish(&b->cur);
    report_finish(&b->prev);
    for (size_t i = 0; i < b->ntrend; i++)
        report_finish(&b->trend[i]);
    /* Recurring problems: pairs in at least 2 appeals; samples are ledger rows. */
    b->ntop = terms_top(c.terms, b->top, BULLETIN_TOP, 2);
    if (top_codes(svc, b, e) < 0)
        goto out;
    if (b->overdue.n)
        qsort(b->overdue.items, b->overdue.n, sizeof(*b->overdue.items), by_late);
    if (svc_project_bulletin(svc, b, as_of, e) < 0)
        goto out;
    rc = 0;
out:
    terms_free(c.terms);
    free(towns.of);
    names_release(&n);
    if (rc < 0)
        bulletin_release(b);
    return rc;
}

static void list_release(struct bulletin_list *l)
{
    free(l->items);
    memset(l, 0, sizeof(*l));
}

void bulletin_release(struct bulletin *b)
{
    report_release(&b->cur);
    report_release(&b->prev);
    for (size_t i = 0; i < b->ntrend; i++)
        report_release(&b->trend[i]);
    list_release(&b->overdue);
    for (size_t i = 0; i < b->nprojects; i++) {
        free(b->projects[i].title);
        free(b->projects[i].measure);
        free(b->projects[i].beneficiaries);
    }
    free(b->projects);
    memset(b, 0, sizeof(*b));
}
