/* layout.c -- the bulletin's sections in the order a district office reads them:
 *   summary (总体情况, with 环比), by channel / area / town / unit, the unit ranking,
 *   overdue appeals, appeals redone or urged, recurring problems, the 12-month trend,
 *   practical-matter projects (filled by the projects module), and the appeal ledger.
 * Invariant: every number comes from the bulletin's reports through the same tally
 * functions `report` uses; nothing here counts appeals itself. */
#include "report/layout.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/project.h"
#include "util/civil.h"
#include "util/xalloc.h"

#include "util/banned.h"

/* Change of a count against the previous period in percent; NAN when there was nothing
 * before. */
static double change(double cur, double prev)
{
    if (prev <= 0 || cur < 0)
        return NAN;
    return (cur - prev) * 100.0 / prev;
}

/* Change of a rate in percentage points (a rate from 95.51% to 96.42% rose 0.91 points,
 * not 0.95%); NAN when either has no value. */
static double points(double cur, double prev)
{
    if (cur < 0 || prev < 0)
        return NAN;
    return round(cur * 100) / 100 - round(prev * 100) / 100;
}

static void date_text(char *out, size_t size, int64_t day)
{
    char d[11];
    civil_format_date(day, d);
    snprintf(out, size, "%s", d);
}

/* "2021-07-09 16:00" in the site's zone, or "" for no time. */
static const char *when(struct doc *d, int64_t t)
{
    if (!t)
        return "";
    char iso[26];
    civil_format_instant(t, iso);
    return doc_printf(d, "%.10s %.5s", iso, iso + 11);
}

static void summary(struct doc *d, const struct bulletin *b)
{
    static const char *const cols[] = {"指标", "本期", "上期", "环比"};
    static const int w[] = {18, 12, 12, 12};
    struct doc_table *t = doc_table_add(d, "summary", "一、总体情况", "汇总", 4, cols, w);
    t->note = "环比：件数为增减百分比（%），比率和得分为增减百分点。";
    const struct tally *c = &b->cur.total, *p = &b->prev.total;
    struct {
        const char *name;
        int64_t cur, prev;
    } counts[] = {
        {"受理量", c->received, p->received},
        {"纳入考核量", c->eligible, p->eligible},
        {"已答复量", tally_count(c, FIG_REPLY), tally_count(p, FIG_REPLY)},
        {"超期未答复量", c->overdue, p->overdue},
    };
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
        struct cell *row = doc_row_add(d, t);
        cell_text(d, &row[0], counts[i].name);
        cell_int(&row[1], counts[i].cur);
        cell_int(&row[2], counts[i].prev);
        cell_change(&row[3], change((double)counts[i].cur, (double)counts[i].prev));
    }
    for (int f = 0; f < FIG_COUNT_; f++) {
        struct cell *row = doc_row_add(d, t);
        cell_text(d, &row[0], doc_printf(d, "%s(%%)", figure_label(f)));
        double rc = tally_rate(c, f), rp = tally_rate(p, f);
        cell_rate(&row[1], rc);
        cell_rate(&row[2], rp);
        cell_change(&row[3], points(rc, rp));
    }
    struct cell *row = doc_row_add(d, t);
    cell_text(d, &row[0], "综合得分");
    double sc = tally_score(c, &b->cur.rules), sp = tally_score(p, &b->prev.rules);
    cell_rate(&row[1], sc);
    cell_rate(&row[2], sp);
    cell_change(&row[3], points(sc, sp));
}

/* One breakdown: received this and last period with 环比, and the rates. */
static void breakdown(struct doc *d, const char *id, const char *title, const char *sheet,
                      const char *what, const struct tally_set *cur, const struct tally_set *prev,
                      const struct names *n, const char *(*name)(const struct names *, int64_t),
                      const char *none)
{
    const char *cols[] = {what,        "受理量",     "上期受理量", "环比(%)",  "回复率(%)",
                          "及时处理率(%)", "满意率(%)", "超期未答复"};
    static const int w[] = {16, 8, 10, 9, 9, 12, 9, 10};
    struct doc_table *t = doc_table_add(d, id, title, sheet, 8, cols, w);
    for (size_t i = 0; i < cur->n; i++) {
        const struct tally *x = &cur->items[i], *p = tally_find(prev, x->key);
        const char *nm = name(n, x->key);
        struct cell *row = doc_row_add(d, t);
        cell_text(d, &row[0], nm && *nm ? nm : none);
        cell_int(&row[1], x->received);
        cell_int(&row[2], p ? p->received : 0);
        cell_change(&row[3], change((double)x->received, p ? (double)p->received : 0));
        cell_rate(&row[4], tally_rate(x, FIG_REPLY));
        cell_rate(&row[5], tally_rate(x, FIG_TIMELY));
        cell_rate(&row[6], tally_rate(x, FIG_SATISFACTION));
        cell_int(&row[7], x->overdue);
    }
}

struct ranked {
    const struct tally *t;
    double score;
    int ranked;
};

static int by_score(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    if (x->ranked != y->ranked)
        return y->ranked - x->ranked;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    if (x->t->eligible != y->t->eligible)
        return x->t->eligible < y->t->eligible ? 1 : -1;
    return (x->t->key > y->t->key) - (x->t->key < y->t->key);
}

static void ranking(struct doc *d, const struct bulletin *b, const struct names *n)
{
    static const char *const cols[] = {"名次",      "承办单位",  "办件量",    "响应率(%)",
                                       "解决率(%)", "满意率(%)", "回复率(%)", "及时处理率(%)",
                                       "综合得分"};
    static const int w[] = {5, 18, 7, 9, 9, 9, 9, 12, 9};
    const struct ruleset *rs = &b->cur.rules;
    struct doc_table *t = doc_table_add(d, "ranking", "三、承办单位综合排名", "排名", 9, cols, w);
    t->note = doc_printf(d,
                         "按考核规则第%d版（%s）计算：响应率%d%%、解决率%d%%、满意率%d%%加权；"
                         "办件量少于%d件的单位列出但不排名。",
                         rs->version, rs->name, rs->weight[FIG_RESPONSE],
                         rs->weight[FIG_RESOLUTION], rs->weight[FIG_SATISFACTION], rs->min_volume);
    const struct tally_set *s = &b->cur.by_unit;
    struct ranked *list = xcalloc(s->n ? s->n : 1, sizeof(*list));
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (!s->items[i].key) /* not dispatched yet: no unit to rank */
            continue;
        list[k].t = &s->items[i];
        list[k].score = tally_score(&s->items[i], rs);
        list[k].ranked = s->items[i].eligible >= rs->min_volume && list[k].score >= 0;
        k++;
    }
    qsort(list, k, sizeof(*list), by_score);
    struct doc_chart *ch = doc_chart_add(d, "scores", "承办单位综合得分", CHART_BAR, 0);
    ch->left_label = "得分";
    ch->nseries = 1;
    ch->series[0].name = "综合得分";
    ch->labels = doc_alloc(d, (k ? k : 1) * sizeof(*ch->labels));
    ch->series[0].y = doc_alloc(d, (k ? k : 1) * sizeof(double));
    int rank = 0;
    for (size_t i = 0; i < k; i++) {
        const struct tally *x = list[i].t;
        struct cell *row = doc_row_add(d, t);
        /* Equal scores share a place (1, 1, 3): the score, to the shown two decimals, is
         * what is ranked. */
        if (list[i].ranked && (i == 0 || round(list[i].score * 100) !=
                                             round(list[i - 1].score * 100)))
            rank = (int)i + 1;
        if (list[i].ranked)
            cell_int(&row[0], rank);
        else
            cell_none(&row[0]);
        cell_text(d, &row[1], names_unit(n, x->key));
        cell_int(&row[2], x->eligible);
        cell_rate(&row[3], tally_rate(x, FIG_RESPONSE));
        cell_rate(&row[4], tally_rate(x, FIG_RESOLUTION));
        cell_rate(&row[5], tally_rate(x, FIG_SATISFACTION));
        cell_rate(&row[6], tally_rate(x, FIG_REPLY));
        cell_rate(&row[7], tally_rate(x, FIG_TIMELY));
        cell_rate(&row[8], list[i].score);
        if (list[i].ranked) {
            ch->labels[ch->n] = doc_strdup(d, names_unit(n, x->key));
            ch->series[0].y[ch->n] = round(list[i].score * 100) / 100;
            ch->n++;
        }
    }
    free(list);
}

/* The overdue and flagged sections, like the ledger, can hold a good part of a year's
 * appeals: their tables get their rows from sources too (layout_bulletin_for). */
static struct doc_table *overdue(struct doc *d)
{
    static const char *const cols[] = {"编号", "诉求标题", "责任单位", "办理期限",
                                       "答复时间", "超期天数", "情形"};
    static const int w[] = {14, 30, 14, 16, 16, 8, 10};
    struct doc_table *t = doc_table_add(d, "overdue", "四、超期诉求", "超期", 7, cols, w);
    t->note = "超期天数按自然日计，自办理期限届满起算至答复时（未答复的至统计截止时）。";
    return t;
}

static struct doc_table *flagged(struct doc *d)
{
    static const char *const cols[] = {"编号", "诉求标题", "责任单位", "状态",
                                       "重办次数", "催办次数", "督办级别"};
    static const int w[] = {14, 30, 14, 8, 8, 8, 8};
    return doc_table_add(d, "flagged", "五、重办、催办和督办诉求", "重办催办", 7, cols, w);
}

static void top_problems(struct doc *d, const struct bulletin *b)
{
    static const char *const cols[] = {"序号", "高频词", "涉及诉求数", "示例编号"};
    static const int w[] = {6, 10, 10, 44};
    struct doc_table *t = doc_table_add(d, "problems", "六、反映集中的问题", "高频问题", 4, cols,
                                        w);
    t->note = "按诉求标题中的高频词统计，同一诉求只计一次。";
    for (size_t i = 0; i < b->ntop; i++) {
        const struct term *x = &b->top[i];
        char samples[3 * (APPEAL_CODE_LEN + 2)] = "";
        for (int s = 0; s < x->nsample; s++) {
            size_t len = strlen(samples);
            snprintf(samples + len, sizeof(samples) - len, "%s%s", s ? "、" : "",
                     b->top_code[i][s]);
        }
        struct cell *row = doc_row_add(d, t);
        cell_int(&row[0], (int64_t)i + 1);
        cell_text(d, &row[1], x->text);
        cell_int(&row[2], x->count);
        cell_text(d, &row[3], samples);
    }
}

static void trend(struct doc *d, const struct bulletin *b)
{
    static const char *const cols[] = {"月份", "受理量", "回复率(%)", "及时处理率(%)",
                                       "满意率(%)"};
    static const int w[] = {10, 10, 10, 12, 10};
    struct doc_table *t = doc_table_add(d, "trend", "七、近12个月走势", "走势", 5, cols, w);
    struct doc_chart *ch = doc_chart_add(d, "trend", "近12个月受理量与办理率", CHART_LINE,
                                         (int)b->ntrend);
    ch->left_label = "受理量（件）";
    ch->right_label = "比率（%）";
    ch->nseries = 4;
    static const char *const names[] = {"受理量", "回复率", "及时处理率", "满意率"};
    static const int figs[] = {-1, FIG_REPLY, FIG_TIMELY, FIG_SATISFACTION};
    for (int s = 0; s < 4; s++) {
        ch->series[s].name = names[s];
        ch->series[s].right = s > 0;
        ch->series[s].y = doc_alloc(d, (b->ntrend ? b->ntrend : 1) * sizeof(double));
    }
    for (size_t i = 0; i < b->ntrend; i++) {
        const struct report *r = &b->trend[i];
        char month[11];
        date_text(month, sizeof(month), r->from_day);
        month[7] = 0;
        ch->labels[i] = doc_strdup(d, month);
        struct cell *row = doc_row_add(d, t);
        cell_text(d, &row[0], month);
        cell_int(&row[1], r->total.received);
        ch->series[0].y[i] = (double)r->total.received;
        for (int s = 1; s < 4; s++) {
            double x = tally_rate(&r->total, figs[s]);
            cell_rate(&row[s + 1], x);
            ch->series[s].y[i] = x < 0 ? NAN : round(x * 100) / 100;
        }
    }
}

/* The year's practical-matter projects as of the period's end (service/project_svc.c
 * computes every figure from the progress entries). */
static void projects(struct doc *d, const struct bulletin *b)
{
    static const char *const cols[] = {"编号",      "项目",     "计量单位", "年度计划",
                                       "已完成",    "完成率(%)", "状态",     "受益群众",
                                       "滞后",      "节点逾期"};
    static const int w[] = {12, 26, 8, 10, 10, 10, 16, 22, 6, 8};
    struct doc_table *t = doc_table_add(d, "projects", "八、为民办实事项目进展", "实事项目", 10,
                                        cols, w);
    t->note = "完成率＝已完成÷年度计划；有子项目的按子项目汇总。滞后：本期无进度记录；"
              "节点逾期：倒排工期节点到期未完成的个数。";
    t->wide = 1;
    if (!b->nprojects)
        t->note = "本年度尚无实事项目。";
    for (size_t i = 0; i < b->nprojects; i++) {
        const struct bulletin_project *x = &b->projects[i];
        char plan[32], done[32], who[200], state[96];
        project_qty_format(x->plan_x100, plan, sizeof(plan));
        project_qty_format(x->done_x100, done, sizeof(done));
        char hh[24] = "", pp[24] = "";
        if (x->households)
            snprintf(hh, sizeof(hh), "%lld户", (long long)x->households);
        if (x->people)
            snprintf(pp, sizeof(pp), "%lld人", (long long)x->people);
        snprintf(who, sizeof(who), "%s%s%s%s", x->beneficiaries,
                 *x->beneficiaries && (*hh || *pp) ? "；" : "", hh, pp);
        if (!x->plan_x100 && !x->done_x100) /* a parent whose children measure otherwise */
            snprintf(plan, sizeof(plan), "—"), snprintf(done, sizeof(done), "—");
        snprintf(state, sizeof(state), "%s%s%s", x->state == PROJECT_DONE ? "已完成" : "推进中",
                 *x->timing ? "，" : "", x->timing);
        struct cell *row = doc_row_add(d, t);
        cell_text(d, &row[0], x->code);
        cell_text(d, &row[1], doc_printf(d, "%s%s", x->depth ? "└ " : "", x->title));
        cell_text(d, &row[2], x->measure);
        cell_text(d, &row[3], plan);
        cell_text(d, &row[4], done);
        if (x->percent < 0)
            cell_none(&row[5]);
        else
            cell_rate(&row[5], (double)x->percent / 100.0);
        cell_text(d, &row[6], state);
        cell_text(d, &row[7], who);
        cell_text(d, &row[8], x->stale ? "滞后" : "");
        cell_int(&row[9], x->milestones_overdue);
    }
}

/* The ledger annex: one row per appeal, far too many to hold (a year of a busy district is
 * a million rows, ~2 KB each once laid out), so its rows are made while a renderer draws
 * them: the source asks the service for the ledger (svc_bulletin_ledger, one keyset-paged
 * scan) and lays each row out into a scratch doc emptied after every row. */
#define LEDGER_COLS 13

/* What the streamed tables read from: one per doc, owned by the ledger's source (the last
 * table, so released last); the overdue and flagged sources borrow it. */
struct ledger_src {
    struct service *svc;
    struct actor who;
    int64_t from_day, to_day;
    struct names n;              /* owned */
    struct bulletin_list late;   /* owned: the overdue appeals, in order */
    doc_row_fn fn;  /* of the walk under way */
    void *ctx;
};

/* A row is laid out in a scratch doc released after it: nothing of it outlives fn. */
static int ledger_row_out(const struct ledger_row *x, void *ctx)
{
    struct ledger_src *src = ctx;
    const struct names *n = &src->n;
    struct doc d;
    doc_init(&d);
    struct cell row[LEDGER_COLS];
    memset(row, 0, sizeof(row));
    cell_text(&d, &row[0], x->code);
    cell_text(&d, &row[1], when(&d, x->received_at));
    cell_text(&d, &row[2], names_channel(n, x->channel_id));
    cell_text(&d, &row[3], names_area(n, x->area_id));
    cell_text(&d, &row[4], x->title);
    cell_text(&d, &row[5], x->name);
    cell_text(&d, &row[6], x->phone);
    cell_text(&d, &row[7], names_unit(n, x->unit_id));
    cell_text(&d, &row[8], state_label(x->state));
    cell_text(&d, &row[9], when(&d, x->deadline));
    cell_text(&d, &row[10], when(&d, x->replied_at));
    cell_text(&d, &row[11], solved_label(x->solved));
    cell_text(&d, &row[12], satisfaction_label(x->satisfaction));
    int rc = src->fn(row, src->ctx);
    doc_release(&d);
    return rc;
}

/* One row of the overdue or flagged list, laid out in a scratch doc and handed on: code,
 * title and unit, then what `rest` fills of cells 3 to 6. */
static int item_row_out(struct ledger_src *src, const struct bulletin_item *it,
                        void (*rest)(struct doc *d, struct cell *row, const struct bulletin_item *it))
{
    struct doc d;
    doc_init(&d);
    struct cell row[7];
    memset(row, 0, sizeof(row));
    cell_text(&d, &row[0], it->code);
    cell_text(&d, &row[1], it->title);
    cell_text(&d, &row[2], names_unit(&src->n, it->unit_id));
    rest(&d, row, it);
    int rc = src->fn(row, src->ctx);
    doc_release(&d);
    return rc;
}

static void overdue_rest(struct doc *d, struct cell *row, const struct bulletin_item *it)
{
    cell_text(d, &row[3], when(d, it->deadline));
    cell_text(d, &row[4], it->replied_at ? when(d, it->replied_at) : "未答复");
    cell_int(&row[5], it->late_days);
    cell_text(d, &row[6], it->replied_at ? "超期答复" : "超期未答复");
}

static void flagged_rest(struct doc *d, struct cell *row, const struct bulletin_item *it)
{
    cell_text(d, &row[3], state_label(it->state));
    cell_int(&row[4], it->redo_count);
    cell_int(&row[5], it->urge_count);
    cell_int(&row[6], it->supervise_level);
}

static int overdue_row_out(const struct bulletin_item *it, void *ctx)
{
    return item_row_out(ctx, it, overdue_rest);
}

static int flagged_row_out(const struct bulletin_item *it, void *ctx)
{
    return item_row_out(ctx, it, flagged_rest);
}

static int ledger_each(void *p, doc_row_fn fn, void *ctx, struct err *e)
{
    struct ledger_src *src = p;
    src->fn = fn;
    src->ctx = ctx;
    return svc_bulletin_ledger(src->svc, &src->who, src->from_day, src->to_day, ledger_row_out,
                               src, e);
}

static int overdue_each(void *p, doc_row_fn fn, void *ctx, struct err *e)
{
    struct ledger_src *src = p;
    src->fn = fn;
    src->ctx = ctx;
    return svc_bulletin_overdue(src->svc, &src->late, overdue_row_out, src, e);
}

static int flagged_each(void *p, doc_row_fn fn, void *ctx, struct err *e)
{
    struct ledger_src *src = p;
    src->fn = fn;
    src->ctx = ctx;
    return svc_bulletin_flagged(src->svc, &src->who, src->from_day, src->to_day,
                                flagged_row_out, src, e);
}

static void ledger_free(void *p)
{
    struct ledger_src *src = p;
    names_release(&src->n);
    free(src->late.items);
    free(src);
}

static struct doc_table *ledger(struct doc *d)
{
    static const char *const cols[LEDGER_COLS] = {
        "编号",     "受理时间", "渠道",     "领域", "诉求标题", "联系人",  "联系电话",
        "承办单位", "状态",     "办理期限", "答复时间", "解决情况", "满意度"};
    static const int w[LEDGER_COLS] = {14, 16, 8, 6, 30, 6, 12, 14, 8, 16, 16, 8, 8};
    struct doc_table *t = doc_table_add(d, "ledger", "附件：诉求台账", "台账", LEDGER_COLS,
                                        cols, w);
    t->note = "联系人姓名和电话已脱敏。";
    t->wide = 1;
    return t;
}

void layout_bulletin(struct doc *d, const struct bulletin *b, const struct names *n,
                     const char *site)
{
    doc_init(d);
    char from[11], to[11], asof[26];
    date_text(from, sizeof(from), b->from_day);
    date_text(to, sizeof(to), b->to_day);
    civil_format_instant(b->cur.as_of, asof);
    /* A whole month: from its 1st to the day before the next 1st, in one month. */
    int y, m, dd, y2, m2, d2, yn, mn, dn;
    civil_ymd(b->from_day, &y, &m, &dd);
    civil_ymd(b->to_day, &y2, &m2, &d2);
    civil_ymd(b->to_day + 1, &yn, &mn, &dn);
    int whole_month = dd == 1 && dn == 1 && y == y2 && m == m2;
    d->title = doc_printf(d, "%s“我为群众办实事”诉求办理情况通报", site);
    d->subtitle = whole_month
                      ? doc_printf(d, "%d年%d月（%s 至 %s） · 考核规则第%d版 · 统计截至 %.10s %.5s",
                                   y, m, from, to, b->cur.rules.version, asof, asof + 11)
                      : doc_printf(d, "%s 至 %s · 考核规则第%d版 · 统计截至 %.10s %.5s", from, to,
                                   b->cur.rules.version, asof, asof + 11);
    const struct tally *c = &b->cur.total, *p = &b->prev.total;
    char buf[600];
    double ch = change((double)c->received, (double)p->received);
    char chtext[64];
    if (isnan(ch))
        snprintf(chtext, sizeof(chtext), "上期无受理");
    else
        snprintf(chtext, sizeof(chtext), "环比%s%.2f%%", ch >= 0 ? "增长" : "下降", fabs(ch));
    char rates[FIG_COUNT_][16];
    for (int f = 0; f < FIG_COUNT_; f++) {
        double r = tally_rate(c, f);
        if (r < 0)
            snprintf(rates[f], sizeof(rates[f]), "—");
        else
            snprintf(rates[f], sizeof(rates[f]), "%.2f%%", round(r * 100) / 100);
    }
    snprintf(buf, sizeof(buf),
             "本期共受理群众诉求%lld件（%s），纳入考核%lld件，已答复%lld件。回复率%s，"
             "及时处理率%s，响应率%s，解决率%s，满意率%s；超期未答复%lld件。",
             (long long)c->received, chtext, (long long)c->eligible,
             (long long)tally_count(c, FIG_REPLY), rates[FIG_REPLY], rates[FIG_TIMELY],
             rates[FIG_RESPONSE], rates[FIG_RESOLUTION], rates[FIG_SATISFACTION],
             (long long)c->overdue);
    doc_para(d, buf);
    summary(d, b);
    breakdown(d, "channels", "二（一）、分渠道受理情况", "分渠道", "渠道", &b->cur.by_channel,
              &b->prev.by_channel, n, names_channel, "(未知)");
    breakdown(d, "areas", "二（二）、分领域受理情况", "分领域", "领域", &b->cur.by_area,
              &b->prev.by_area, n, names_area, "(未分类)");
    breakdown(d, "towns", "二（三）、分乡镇（街道）受理情况", "分乡镇", "乡镇（街道）",
              &b->cur.by_town, &b->prev.by_town, n, names_unit, "区直部门");
    breakdown(d, "units", "二（四）、分承办单位受理情况", "分单位", "承办单位", &b->cur.by_unit,
              &b->prev.by_unit, n, names_unit, "(未交办)");
    ranking(d, b, n);
    overdue(d); /* its rows, flagged's and the ledger's: sources, set by layout_bulletin_for */
    flagged(d);
    top_problems(d, b);
    trend(d, b);
    projects(d, b);
    ledger(d);
}

int layout_bulletin_for(struct service *svc, const struct actor *who, const char *month, const char *from,
                        const char *to, int rules, int64_t as_of, struct doc *d,
                        int64_t *from_day, int64_t *to_day, struct err *e)
{
    struct bulletin b;
    struct names n;
    if (svc_bulletin(svc, who, month, from, to, rules, as_of, &b, e) < 0)
        return -1;
    if (names_load(svc, &n, e) < 0) {
        bulletin_release(&b);
        return -1;
    }
    char site[128] = "本区";
    struct err miss;
    store_setting_get(svc->st, "site_name", site, sizeof(site), &miss);
    layout_bulletin(d, &b, &n, site);
    /* The long tables' rows come later, while rendering; the names and the overdue list go
     * with them. */
    struct ledger_src *src = xcalloc(1, sizeof(*src));
    src->svc = svc;
    src->who = *who;
    src->from_day = b.from_day;
    src->to_day = b.to_day;
    src->n = n;
    src->late = b.overdue;
    memset(&b.overdue, 0, sizeof(b.overdue));
    for (size_t i = 0; i < d->ntables; i++) {
        struct doc_table *t = &d->tables[i];
        t->source.src = src;
        if (!strcmp(t->id, "overdue"))
            t->source.each = overdue_each;
        else if (!strcmp(t->id, "flagged"))
            t->source.each = flagged_each;
        else if (!strcmp(t->id, "ledger")) {
            t->source.each = ledger_each;
            t->source.release = ledger_free; /* the last table: the others are gone by then */
        } else
            t->source.src = NULL;
    }
    if (from_day)
        *from_day = b.from_day;
    if (to_day)
        *to_day = b.to_day;
    bulletin_release(&b);
    return 0;
}
