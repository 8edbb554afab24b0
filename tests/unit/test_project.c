/* test_project.c -- project arithmetic: quantities, percent of plan, early/late, roll-up,
 * overdue milestones and stale projects, each as a table of hand-worked cases. */
#include "core/project.h"
#include "util/civil.h"

#include "test.h"

static int64_t D(const char *s)
{
    int64_t d = 0;
    if (civil_parse_date(s, &d) != 0)
        fprintf(stderr, "bad date in test: %s\n", s);
    return d;
}

static void test_qty(void)
{
    static const struct {
        const char *in;
        int rc;
        int64_t x100;
        const char *back;
    } rows[] = {
        {"35", 0, 3500, "35"},
        {"10.47", 0, 1047, "10.47"},
        {"10.5", 0, 1050, "10.5"},
        {"0", 0, 0, "0"},
        {"0.05", 0, 5, "0.05"},
        {"9932", 0, 993200, "9932"},
        {"1.234", -1, 0, NULL},
        {"abc", -1, 0, NULL},
        {"", -1, 0, NULL},
        {"-1", -1, 0, NULL},
        {"1.", -1, 0, NULL},
        {".5", -1, 0, NULL},
        {"1e3", -1, 0, NULL},
        {"10000000000", 0, 1000000000000LL, "10000000000"},
        {"10000000000.01", -1, 0, NULL},
        {"99999999999999999999", -1, 0, NULL},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        int64_t v = -7;
        CHECK_INT(project_qty_parse(rows[i].in, &v), rows[i].rc);
        if (rows[i].rc == 0) {
            char out[32];
            CHECK_INT(v, rows[i].x100);
            project_qty_format(v, out, sizeof(out));
            CHECK_STR(out, rows[i].back);
        }
    }
}

static void test_percent(void)
{
    static const struct {
        int64_t done, plan, want;
        const char *text;
    } rows[] = {
        {704900, 993200, 7097, "70.97"}, /* 70.9726... */
        {1047, 3500, 2991, "29.91"},     /* 29.914... */
        {1, 3, 3333, "33.33"},           /* 33.333... */
        {2, 3, 6667, "66.67"},           /* 66.666... rounds up */
        {1, 8, 1250, "12.50"},           /* 12.5 exactly */
        {1, 8000, 1, "0.01"},            /* 0.0125 -> 0.01 */
        {1, 4000, 3, "0.03"},            /* 0.025 -> half up 0.03 */
        {0, 100, 0, "0.00"},
        {3500, 3500, 10000, "100.00"},
        {4200, 3500, 12000, "120.00"}, /* over 100%: as it is */
        {500, 0, -1, "—"},             /* no plan: no value */
        {0, 0, -1, "—"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char out[32];
        int64_t p = project_percent(rows[i].done, rows[i].plan);
        CHECK_INT(p, rows[i].want);
        project_percent_format(p, out, sizeof(out));
        CHECK_STR(out, rows[i].text);
    }
}

static void test_timing(void)
{
    static const struct {
        const char *finished, *due, *asof;
        int kind, days, months;
        const char *text;
    } rows[] = {
        {"2021-08-31", "2021-10-31", "2021-12-31", TIMING_EARLY, 61, 2, "提前2个月完成"},
        {"2021-08-31", "2021-09-30", "2021-12-31", TIMING_EARLY, 30, 1, "提前1个月完成"},
        {"2021-10-26", "2021-10-31", "2021-12-31", TIMING_EARLY, 5, 0, "提前5天完成"},
        {"2021-10-01", "2021-10-31", "2021-12-31", TIMING_EARLY, 30, 0, "提前30天完成"},
        {"2021-10-31", "2021-10-31", "2021-12-31", TIMING_ON_TIME, 0, 0, "按期完成"},
        {"2021-11-03", "2021-10-31", "2021-12-31", TIMING_LATE, 3, 0, "逾期3天完成"},
        {NULL, "2021-10-31", "2021-11-10", TIMING_OVERDUE, 10, 0, "逾期10天"},
        {NULL, "2021-10-31", "2021-10-31", TIMING_PENDING, 0, 0, ""}, /* due today: not yet */
        {NULL, NULL, "2021-10-31", TIMING_NONE, 0, 0, ""},
        {"2021-05-01", NULL, "2021-10-31", TIMING_NONE, 0, 0, ""},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct timing t;
        project_timing(rows[i].finished ? D(rows[i].finished) : 0, rows[i].due ? D(rows[i].due) : 0,
                       D(rows[i].asof), &t);
        CHECK_INT(t.kind, rows[i].kind);
        CHECK_INT(t.days, rows[i].days);
        CHECK_INT(t.months, rows[i].months);
        CHECK_STR(t.text, rows[i].text);
    }
    CHECK_INT(project_whole_months(D("2021-01-31"), D("2021-02-28")), 1);
    CHECK_INT(project_whole_months(D("2021-01-31"), D("2021-02-27")), 0);
    CHECK_INT(project_whole_months(D("2021-01-15"), D("2022-01-15")), 12);
    CHECK_INT(project_whole_months(D("2021-03-01"), D("2021-03-01")), 0);
}

static void test_rollup(void)
{
    /* plain average: (50 + 100) / 2 */
    struct rollup_child plain[] = {{5000, 0}, {10000, 0}};
    CHECK_INT(project_rollup(plain, 2), 7500);
    /* weighted: (50*1 + 100*3) / 4 = 87.5 */
    struct rollup_child w[] = {{5000, 1}, {10000, 3}};
    CHECK_INT(project_rollup(w, 2), 8750);
    /* a mix: the weight-0 child counts for nothing: (20*2) / 2 */
    struct rollup_child mix[] = {{2000, 2}, {9000, 0}};
    CHECK_INT(project_rollup(mix, 2), 2000);
    /* a child without value takes no part; over 100% counts as 100 */
    struct rollup_child odd[] = {{-1, 5}, {12000, 0}, {4000, 0}};
    CHECK_INT(project_rollup(odd, 3), 7000);
    /* rounding half up: (1 + 2) / 2 hundredths = 1.5 -> 2 */
    struct rollup_child half[] = {{1, 0}, {2, 0}};
    CHECK_INT(project_rollup(half, 2), 2);
    /* nothing takes part */
    struct rollup_child none[] = {{-1, 1}};
    CHECK_INT(project_rollup(none, 1), -1);
    CHECK_INT(project_rollup(NULL, 0), -1);
    /* nested: a grandparent over [child roll-up 75.00, leaf 25.00] = 50.00 */
    struct rollup_child top[] = {{project_rollup(plain, 2), 0}, {2500, 0}};
    CHECK_INT(project_rollup(top, 2), 5000);
}

static void test_milestones(void)
{
    int64_t asof = D("2021-07-15");
    /* not done, due passed, no value -> overdue */
    CHECK_INT(project_milestone_overdue(D("2021-07-14"), 0, 0, 0, asof), 1);
    /* due today: not yet */
    CHECK_INT(project_milestone_overdue(D("2021-07-15"), 0, 0, 0, asof), 0);
    /* done */
    CHECK_INT(project_milestone_overdue(D("2021-07-01"), D("2021-07-02"), 0, 0, asof), 0);
    /* value reached by the project's progress */
    CHECK_INT(project_milestone_overdue(D("2021-07-01"), 0, 1000, 1000, asof), 0);
    /* value not reached */
    CHECK_INT(project_milestone_overdue(D("2021-07-01"), 0, 1000, 999, asof), 1);
}

static void test_stale(void)
{
    int64_t first = D("2021-07-01"), last = D("2021-07-31");
    int64_t in[] = {D("2021-06-30"), D("2021-07-31")};
    int64_t out[] = {D("2021-06-30"), D("2021-08-01")};
    CHECK_INT(project_stale(PROJECT_ACTIVE, 0, in, 2, first, last), 0);
    CHECK_INT(project_stale(PROJECT_ACTIVE, 0, out, 2, first, last), 1);
    CHECK_INT(project_stale(PROJECT_ACTIVE, 0, NULL, 0, first, last), 1);
    CHECK_INT(project_stale(PROJECT_DONE, 0, out, 2, first, last), 0);
    /* not started yet by the month's end */
    CHECK_INT(project_stale(PROJECT_ACTIVE, D("2021-08-01"), NULL, 0, first, last), 0);
    CHECK_INT(project_stale(PROJECT_ACTIVE, D("2021-07-31"), NULL, 0, first, last), 1);
}

/* Counted measures take whole numbers; a project is done on the day its plan is met. */
static void test_counted(void)
{
    static const struct {
        const char *measure;
        int counted;
    } m[] = {{"个学位", 1}, {"个泊位", 1}, {"所", 1}, {"人", 1}, {"户", 1}, {"人次", 1},
             {"公里", 0},   {"平方米", 0}, {"万元", 0}, {"亩", 0}, {"趟/日", 0}, {"", 0}};
    for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
        CHECK_INT(project_measure_counted(m[i].measure), m[i].counted);
    struct err e = {0};
    CHECK(project_qty_fits("value", "所", 436, &e) < 0 && strstr(e.msg, "4.36") &&
          !strcmp(e.field, "value"));
    CHECK(project_qty_fits("value", "所", 400, &e) == 0);
    CHECK(project_qty_fits("value", "公里", 1047, &e) == 0);
    int64_t on[] = {10, 20, 30}, val[] = {50000, 100000, 120000};
    CHECK_INT(project_reached_on(100000, on, val, 3, 0, 0), 20);  /* the first entry meeting it */
    CHECK_INT(project_reached_on(100000, on, val, 3, 0, 25), 25); /* its last milestone, later */
    CHECK_INT(project_reached_on(100000, on, val, 3, 0, 15), 20);
    CHECK_INT(project_reached_on(100000, on, val, 3, 1, 0), 0);   /* a milestone still open */
    CHECK_INT(project_reached_on(200000, on, val, 3, 0, 0), 0);   /* not met */
    CHECK_INT(project_reached_on(0, on, val, 3, 0, 0), 0);        /* no plan */
}

int main(void)
{
    test_counted();
    test_qty();
    test_percent();
    test_timing();
    test_rollup();
    test_milestones();
    test_stale();
    return test_done("test_project");
}
