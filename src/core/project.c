/* project.c -- practical-matter project arithmetic (see project.h). Integers only: every
 * quantity is in hundredths, every percentage in hundredths of a percent. */
#include "core/project.h"

#include <stdio.h>
#include <string.h>

#include "util/civil.h"

#include "util/banned.h"

int project_qty_parse(const char *s, int64_t *x100)
{
    if (!s || !*s)
        return -1;
    int64_t whole = 0, frac = 0;
    int nd = 0, nf = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++, nd++) {
        if (whole > PROJECT_QTY_MAX_X100 / 100)
            return -1;
        whole = whole * 10 + (*p - '0');
    }
    if (*p == '.') {
        p++;
        for (; *p >= '0' && *p <= '9'; p++, nf++) {
            if (nf >= 2)
                return -1;
            frac = frac * 10 + (*p - '0');
        }
        if (nf == 0)
            return -1;
        if (nf == 1)
            frac *= 10;
    }
    if (*p || nd == 0)
        return -1;
    int64_t v = whole * 100 + frac;
    if (v > PROJECT_QTY_MAX_X100)
        return -1;
    *x100 = v;
    return 0;
}

int project_qty_field(const char *field, const char *s, int64_t *x100, struct err *e)
{
    if (project_qty_parse(s, x100) < 0)
        return err_set(e, ERR_INVALID, field,
                       "bad quantity '%s' for %s: give a number >= 0 with at most two decimals",
                       s ? s : "", field);
    return 0;
}

/* Measures of things counted one by one: a measure is counted when it is one of these or
 * begins with 个 (个学位, 个泊位). Everything else (公里, 平方米, 万元, 亩, 吨) measures. */
static const char *const counters[] = {"人", "户", "所", "座", "家", "项", "件", "台", "辆",
                                       "套", "张", "名", "处", "间", "栋", "盏", "口", "班",
                                       "趟", "次", "个", "人次", "户次", "名学生", "间教室"};

int64_t project_reached_on(int64_t plan_x100, const int64_t *on, const int64_t *value, size_t n,
                           int open_milestones, int64_t milestones_done_on)
{
    if (plan_x100 <= 0 || open_milestones > 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (value[i] >= plan_x100)
            return on[i] > milestones_done_on ? on[i] : milestones_done_on;
    return 0;
}

int project_measure_counted(const char *measure)
{
    if (!measure)
        return 0;
    if (!strncmp(measure, "个", strlen("个")))
        return 1;
    for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++)
        if (!strcmp(measure, counters[i]))
            return 1;
    return 0;
}

int project_qty_fits(const char *field, const char *measure, int64_t x100, struct err *e)
{
    if (x100 % 100 == 0 || !project_measure_counted(measure))
        return 0;
    char q[32];
    project_qty_format(x100, q, sizeof(q));
    return err_set(e, ERR_INVALID, field, "%s 按整数计 (%s are counted whole): %s 不是整数 (is not)",
                   measure, measure, q);
}

void project_qty_format(int64_t x100, char *out, size_t size)
{
    const char *sign = x100 < 0 ? "-" : "";
    int64_t a = x100 < 0 ? -x100 : x100;
    int64_t w = a / 100, f = a % 100;
    if (f == 0)
        snprintf(out, size, "%s%lld", sign, (long long)w);
    else if (f % 10 == 0)
        snprintf(out, size, "%s%lld.%lld", sign, (long long)w, (long long)(f / 10));
    else
        snprintf(out, size, "%s%lld.%02lld", sign, (long long)w, (long long)f);
}

/* a / b rounded half up, a >= 0, b > 0. */
static int64_t div_half_up(int64_t a, int64_t b)
{
    return (2 * a + b) / (2 * b);
}

int64_t project_percent(int64_t done_x100, int64_t plan_x100)
{
    if (plan_x100 <= 0)
        return -1;
    if (done_x100 < 0)
        done_x100 = 0;
    /* done <= 1e12, so done * 10000 * 2 stays far below 2^63. */
    return div_half_up(done_x100 * 10000, plan_x100);
}

void project_percent_format(int64_t p, char *out, size_t size)
{
    if (p < 0)
        snprintf(out, size, "—");
    else
        snprintf(out, size, "%lld.%02lld", (long long)(p / 100), (long long)(p % 100));
}

static int64_t add_months(int64_t day, int k)
{
    int y, m, d;
    civil_ymd(day, &y, &m, &d);
    int mm = m - 1 + k;
    y += mm / 12;
    m = mm % 12 + 1;
    while (d > 28 && !civil_valid(y, m, d))
        d--;
    return civil_days(y, m, d);
}

int project_whole_months(int64_t a, int64_t b)
{
    if (b <= a)
        return 0;
    int k = 0;
    while (add_months(a, k + 1) <= b)
        k++;
    return k;
}

void project_timing(int64_t finished_on, int64_t due_on, int64_t as_of, struct timing *t)
{
    t->kind = TIMING_NONE;
    t->days = t->months = 0;
    t->text[0] = '\0';
    if (!due_on)
        return;
    if (!finished_on) {
        if (as_of > due_on) {
            t->kind = TIMING_OVERDUE;
            t->days = (int)(as_of - due_on);
            t->months = project_whole_months(due_on, as_of);
            snprintf(t->text, sizeof(t->text), "逾期%d天", t->days);
        } else {
            t->kind = TIMING_PENDING;
        }
        return;
    }
    if (finished_on == due_on) {
        t->kind = TIMING_ON_TIME;
        snprintf(t->text, sizeof(t->text), "按期完成");
    } else if (finished_on < due_on) {
        t->kind = TIMING_EARLY;
        t->days = (int)(due_on - finished_on);
        t->months = project_whole_months(finished_on, due_on);
        if (t->months > 0)
            snprintf(t->text, sizeof(t->text), "提前%d个月完成", t->months);
        else
            snprintf(t->text, sizeof(t->text), "提前%d天完成", t->days);
    } else {
        t->kind = TIMING_LATE;
        t->days = (int)(finished_on - due_on);
        t->months = project_whole_months(due_on, finished_on);
        snprintf(t->text, sizeof(t->text), "逾期%d天完成", t->days);
    }
}

int64_t project_rollup(const struct rollup_child *c, size_t n)
{
    int weighted = 0;
    size_t used = 0;
    for (size_t i = 0; i < n; i++)
        if (c[i].percent >= 0) {
            used++;
            if (c[i].weight > 0)
                weighted = 1;
        }
    if (!used)
        return -1;
    int64_t num = 0, den = 0;
    for (size_t i = 0; i < n; i++) {
        if (c[i].percent < 0)
            continue;
        int64_t p = c[i].percent > 10000 ? 10000 : c[i].percent;
        int64_t w = weighted ? (c[i].weight > 0 ? c[i].weight : 0) : 1;
        num += p * w;
        den += w;
    }
    return den ? div_half_up(num, den) : -1;
}

int project_milestone_overdue(int64_t due_on, int64_t done_on, int64_t value_x100,
                              int64_t project_done_x100, int64_t as_of)
{
    if (done_on || due_on >= as_of)
        return 0;
    if (value_x100 > 0 && project_done_x100 >= value_x100)
        return 0;
    return 1;
}

int project_stale(int state, int64_t start_on, const int64_t *entry_days, size_t n, int64_t first,
                  int64_t last)
{
    if (state != PROJECT_ACTIVE || (start_on && start_on > last))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (entry_days[i] >= first && entry_days[i] <= last)
            return 0;
    return 1;
}
