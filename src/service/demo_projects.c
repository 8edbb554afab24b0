/* demo_projects.c -- the demo's practical-matter projects (实事项目) of 2021, entered the way a
 * district office would: batches, projects, dated cumulative progress entries, milestones,
 * finishes and one appeal link. Every total the demo shows (35 km planned, 10.47 km built,
 * 3,500万元, 14,075 school seats, 70.97% of kindergarten seats ...) is computed by shishi
 * from these entries; none is stored as a total. Runs inside svc_demo's transaction. */
#include "service/project.h"

#include <stdio.h>
#include <string.h>

#include "util/civil.h"

#include "util/banned.h"

#define MAX_ENTRIES 4
#define MAX_MS      3

struct demo_ms {
    const char *name, *due, *value, *done; /* done: NULL = not reached */
};

struct demo_project {
    const char *code, *title, *parent, *area, *unit, *measure;
    const char *plan, *budget;
    const char *start, *due;
    int batch;
    long households, people;
    const char *beneficiaries, *description;
    struct {
        const char *on, *value, *note;
    } entries[MAX_ENTRIES];
    const char *finished;
    struct demo_ms ms[MAX_MS];
};

/* clang-format off */
static const struct demo_project projects[] = {
    /* Rural roads: one parent, nine roads. Plans add up to 35 km, the last entries to 10.47 km,
     * budgets to 3,500万元. 罗水村公路 has no entry in July 2021: stale (滞后) that month. */
    {"SS2021-001", "农村公路提质改造", NULL, "宜行", "区交通运输局", "公里", NULL, NULL,
     "2021-03-20", "2021-12-31", 1, 0, 0, "沿线村民", "全区九条农村公路提质改造，完善农村出行条件。",
     {{0}}, NULL, {{0}}},
    {"SS2021-002", "白云村公路", "SS2021-001", "宜行", "区交通运输局", "公里", "3.2", "320",
     "2021-03-20", "2021-10-31", 1, 105, 317, "白云村村民", NULL,
     {{"2021-05-31", "1.5", "路基完成"}, {"2021-07-30", "2.6", "路面铺筑"}, {"2021-08-31", "3.2", "全线贯通"}},
     "2021-08-31", {{"路基完成", "2021-06-15", "1.5", "2021-05-31"}, {0}}},
    {"SS2021-003", "凤翔岗公路", "SS2021-001", "宜行", "区交通运输局", "公里", "2.8", "280",
     "2021-03-20", "2021-10-31", 1, 86, 260, "枫香岗街道凤翔岗沿线居民", NULL,
     {{"2021-06-10", "1.2", NULL}, {"2021-07-20", "2.1", NULL}, {"2021-08-31", "2.8", "全线贯通"}},
     "2021-08-31", {{0}}},
    {"SS2021-004", "天门村公路", "SS2021-001", "宜行", "区交通运输局", "公里", "4.5", "450",
     "2021-04-01", "2021-12-31", 1, 0, 0, "", NULL,
     {{"2021-06-30", "0.6", NULL}, {"2021-07-31", "1.2", NULL}}, NULL, {{0}}},
    {"SS2021-005", "苦竹寨村公路", "SS2021-001", "宜行", "区交通运输局", "公里", "5", "500",
     "2021-04-01", "2021-12-31", 1, 0, 0, "", NULL,
     {{"2021-06-30", "0.3", NULL}, {"2021-07-28", "0.87", "雨季停工"}}, NULL,
     {{"路基完成", "2021-07-15", "2.5", NULL}, {0}}},
    {"SS2021-006", "禾家山村公路", "SS2021-001", "宜行", "区交通运输局", "公里", "3.5", "350",
     "2021-06-25", "2021-12-31", 2, 0, 0, "", NULL,
     {{"2021-07-15", "0.2", NULL}, {"2021-08-31", "0.6", NULL}}, NULL, {{0}}},
    {"SS2021-007", "石堰坪村公路", "SS2021-001", "宜行", "区交通运输局", "公里", "4", "400",
     "2021-06-25", "2021-12-31", 2, 0, 0, "", NULL,
     {{"2021-07-20", "0.1", NULL}, {"2021-09-30", "0.5", NULL}}, NULL, {{0}}},
    {"SS2021-008", "关水坪村公路", "SS2021-001", "宜行", "区交通运输局", "公里", "4.2", "420",
     "2021-06-25", "2021-12-31", 2, 0, 0, "", NULL,
     {{"2021-07-22", "0.1", NULL}, {"2021-10-15", "0.4", NULL}}, NULL, {{0}}},
    {"SS2021-009", "长潭村公路", "SS2021-001", "宜行", "区交通运输局", "公里", "3.8", "380",
     "2021-06-25", "2021-12-31", 2, 0, 0, "", NULL,
     {{"2021-07-26", "0.2", NULL}, {"2021-10-20", "0.5", NULL}}, NULL, {{0}}},
    {"SS2021-010", "罗水村公路", "SS2021-001", "宜行", "区交通运输局", "公里", "4", "400",
     "2021-06-01", "2021-12-31", 2, 0, 0, "", NULL,
     {{"2021-06-28", "0.2", NULL}, {"2021-09-15", "0.4", NULL}}, NULL,
     {{"完成征地", "2021-07-31", NULL, NULL}, {0}}},
    /* Schools: seven, 14,075 new seats in all, ready for the autumn term. */
    {"SS2021-011", "中小学校新建改扩建", NULL, "就学", "区教育局", "个学位", NULL, NULL,
     "2021-03-20", "2021-08-31", 1, 0, 0, "城区及乡镇适龄学生", "新建改扩建中小学校7所。",
     {{0}}, NULL, {{0}}},
    {"SS2021-012", "崇文小学扩建", "SS2021-011", "就学", "区教育局", "个学位", "2700", NULL,
     "2021-03-20", "2021-08-31", 1, 0, 0, "", NULL,
     {{"2021-07-20", "1800", NULL}, {"2021-08-25", "2700", NULL}}, "2021-08-25", {{0}}},
    {"SS2021-013", "阳湖坪学校新建", "SS2021-011", "就学", "区教育局", "个学位", "2250", NULL,
     "2021-03-20", "2021-08-31", 1, 0, 0, "", NULL,
     {{"2021-07-20", "1500", NULL}, {"2021-08-25", "2250", NULL}}, "2021-08-25", {{0}}},
    {"SS2021-014", "西溪坪中学扩建", "SS2021-011", "就学", "区教育局", "个学位", "2025", NULL,
     "2021-03-20", "2021-08-31", 1, 0, 0, "", NULL,
     {{"2021-07-20", "1350", NULL}, {"2021-08-25", "2025", NULL}}, "2021-08-25", {{0}}},
    {"SS2021-015", "官黎坪小学新建", "SS2021-011", "就学", "区教育局", "个学位", "1800", NULL,
     "2021-03-20", "2021-08-31", 1, 0, 0, "", NULL,
     {{"2021-07-20", "1200", NULL}, {"2021-08-25", "1800", NULL}}, "2021-08-25", {{0}}},
    {"SS2021-016", "南庄坪学校扩建", "SS2021-011", "就学", "区教育局", "个学位", "1950", NULL,
     "2021-03-20", "2021-08-31", 1, 0, 0, "", NULL,
     {{"2021-07-20", "1300", NULL}, {"2021-08-25", "1950", NULL}}, "2021-08-25", {{0}}},
    {"SS2021-017", "大庸桥中学扩建", "SS2021-011", "就学", "区教育局", "个学位", "1800", NULL,
     "2021-03-20", "2021-08-31", 1, 0, 0, "", NULL,
     {{"2021-07-20", "1200", NULL}, {"2021-08-25", "1800", NULL}}, "2021-08-25", {{0}}},
    {"SS2021-018", "天门山镇中心学校扩建", "SS2021-011", "就学", "区教育局", "个学位", "1550", NULL,
     "2021-03-20", "2021-08-31", 1, 0, 0, "", NULL,
     {{"2021-07-20", "1000", NULL}, {"2021-08-25", "1550", NULL}}, "2021-08-25", {{0}}},
    /* Kindergarten seats: 7,049 of 9,932 planned by the year's end = 70.97%. */
    {"SS2021-019", "公办幼儿园学位扩容", NULL, "就学", "区教育局", "个学位", "9932", "2120",
     "2021-03-20", "2021-12-31", 1, 0, 0, "学前儿童", "新增公办幼儿园学位。",
     {{"2021-06-30", "3500", NULL}, {"2021-07-28", "5200", NULL}, {"2021-11-30", "7049", "部分园所延至明年"}},
     NULL, {{"秋季开学前新增5000个学位", "2021-08-31", "5000", "2021-07-28"},
            {"年底前全部建成", "2021-12-31", "9932", NULL}, {0}}},
    {"SS2021-020", "偏远村组学生专线公交", NULL, "就学", "区交通运输局", "趟/日", "2", NULL,
     "2021-03-20", "2021-04-30", 1, 0, 120, "120余名学生", "每日开行2趟学生专线公交。",
     {{"2021-04-06", "2", "开通"}}, "2021-04-06", {{0}}},
    /* Clinics: 27 village clinics, each with at least 2 general practitioners. */
    {"SS2021-021", "村卫生室标准化建设", NULL, "就医", "区卫健局", "个", "27", NULL,
     "2021-03-20", "2021-06-30", 1, 0, 0, "27个村的村民", "每个村卫生室至少配备2名全科医生。",
     {{"2021-05-31", "20", NULL}, {"2021-06-30", "27", "每室至少2名全科医生"}}, "2021-06-30",
     {{"全科医生配备到位", "2021-06-30", NULL, "2021-06-30"}, {0}}},
    /* Jobs: one parent over four measures, rolled up as the plain average of the children. */
    {"SS2021-022", "就业服务提质", NULL, "就业", "区人社局", "项", NULL, NULL,
     "2021-03-20", "2021-12-31", 1, 0, 0, "求职群众", NULL, {{0}}, NULL, {{0}}},
    {"SS2021-023", "举办招聘会", "SS2021-022", "就业", "区人社局", "场", "5", NULL,
     "2021-03-20", "2021-12-31", 1, 0, 0, "", NULL,
     {{"2021-04-30", "2", NULL}, {"2021-07-16", "4", NULL}, {"2021-10-15", "5", NULL}}, "2021-10-15", {{0}}},
    {"SS2021-024", "职业技能培训", "SS2021-022", "就业", "区人社局", "人", "2000", NULL,
     "2021-03-20", "2021-12-31", 1, 0, 0, "", NULL,
     {{"2021-05-31", "800", NULL}, {"2021-07-30", "1400", NULL}, {"2021-11-30", "2025", NULL}}, "2021-11-30", {{0}}},
    {"SS2021-025", "提供就业岗位", "SS2021-022", "就业", "区人社局", "个", "15000", NULL,
     "2021-03-20", "2021-12-31", 1, 0, 0, "", NULL,
     {{"2021-04-30", "6000", NULL}, {"2021-07-16", "11000", NULL}, {"2021-10-15", "15200", NULL}}, "2021-10-15", {{0}}},
    {"SS2021-026", "达成就业意向", "SS2021-022", "就业", "区人社局", "人", "1200", NULL,
     "2021-03-20", "2021-12-31", 1, 0, 0, "", NULL,
     {{"2021-04-30", "430", NULL}, {"2021-07-16", "890", NULL}, {"2021-10-15", "1275", NULL}}, "2021-10-15", {{0}}},
    /* Spawned by the night-parking appeal. */
    {"SS2021-027", "夜间停车试点", NULL, "宜行", "区城管执法局", "个泊位", "300", NULL,
     "2021-06-01", "2021-09-30", 2, 0, 0, "城区老旧小区居民", "19时至次日7时在施划泊位内免费停放。",
     {{"2021-06-30", "180", NULL}, {"2021-07-30", "260", NULL}, {"2021-09-28", "320", NULL}},
     "2021-09-30", {{0}}},
};
/* clang-format on */

/* The roads weigh in the roll-up by their planned length (in 100 m), so the parent's percent
 * is close to built km / planned km; the schools and jobs roll up as a plain average. */
static const struct {
    const char *code;
    int weight;
} weights[] = {{"SS2021-002", 32}, {"SS2021-003", 28}, {"SS2021-004", 45},
               {"SS2021-005", 50}, {"SS2021-006", 35}, {"SS2021-007", 40},
               {"SS2021-008", 42}, {"SS2021-009", 38}, {"SS2021-010", 40}};

static int weight_of(const char *code)
{
    for (size_t i = 0; i < sizeof(weights) / sizeof(weights[0]); i++)
        if (!strcmp(weights[i].code, code))
            return weights[i].weight;
    return 0;
}

static int64_t at_day(const char *date, int hour)
{
    int64_t d = 0;
    civil_parse_date(date, &d);
    return civil_site_midnight(d) + hour * 3600;
}

struct find_parking {
    char code[APPEAL_CODE_LEN];
};

static int parking(const struct appeal *a, void *ctx)
{
    struct find_parking *f = ctx;
    if (a->title && strstr(a->title, "停车") && strstr(a->title, "夜间")) {
        snprintf(f->code, sizeof(f->code), "%s", a->code);
        return 1;
    }
    return 0;
}

/* One op of the demo, in date order: what happens when. */
enum op_kind { OP_PROGRESS, OP_MS_DONE, OP_FINISH };
struct op {
    int64_t at;
    int kind;
    size_t p;
    int idx;
};

int demo_projects(struct service *svc, struct err *e)
{
    struct actor who;
    if (svc_actor(svc, NULL, &who, e) < 0)
        return -1;
    if (svc_batch_add(svc, &who, 2021, 1, "2021-03-15", "2021年第一批民生实事", NULL, e) < 0 ||
        svc_batch_add(svc, &who, 2021, 2, "2021-06-20", "2021年第二批民生实事", NULL, e) < 0)
        return -1;
    size_t np = sizeof(projects) / sizeof(projects[0]);
    struct op ops[sizeof(projects) / sizeof(projects[0]) * (MAX_ENTRIES + MAX_MS + 1)];
    size_t nops = 0;
    for (size_t i = 0; i < np; i++) {
        const struct demo_project *d = &projects[i];
        struct project_req q = {
            .code = d->code,
            .title = d->title,
            .year = 2021,
            .area = d->area,
            .lead_unit = d->unit,
            .measure = d->measure,
            .plan = d->plan,
            .budget = d->budget,
            .start = d->start,
            .due = d->due,
            .batch = d->batch,
            .parent = d->parent,
            .weight = weight_of(d->code),
            .households = d->households,
            .people = d->people,
            .beneficiaries = d->beneficiaries,
            .description = d->description,
            .at = at_day(d->batch == 2 ? "2021-06-21" : "2021-03-16", 9),
        };
        if (svc_project_add(svc, &who, &q, NULL, NULL, e) < 0)
            return -1;
        for (int m = 0; m < MAX_MS && d->ms[m].name; m++) {
            if (svc_project_milestone_add(svc, &who, d->code, d->ms[m].name, d->ms[m].due,
                                          d->ms[m].value, q.at, NULL, e) < 0)
                return -1;
            if (d->ms[m].done)
                ops[nops++] = (struct op){at_day(d->ms[m].done, 19), OP_MS_DONE, i, m};
        }
        for (int k = 0; k < MAX_ENTRIES && d->entries[k].on; k++)
            ops[nops++] = (struct op){at_day(d->entries[k].on, 18), OP_PROGRESS, i, k};
        if (d->finished)
            ops[nops++] = (struct op){at_day(d->finished, 20), OP_FINISH, i, 0};
    }
    /* In time order (a stable insertion sort: the table's order breaks ties). */
    for (size_t i = 1; i < nops; i++)
        for (size_t j = i; j > 0 && ops[j - 1].at > ops[j].at; j--) {
            struct op t = ops[j];
            ops[j] = ops[j - 1];
            ops[j - 1] = t;
        }
    for (size_t i = 0; i < nops; i++) {
        const struct demo_project *d = &projects[ops[i].p];
        char on[11];
        civil_format_date(civil_site_date(ops[i].at), on);
        int rc = 0;
        if (ops[i].kind == OP_PROGRESS) {
            struct progress_req q = {
                d->code, on,       d->entries[ops[i].idx].value, d->entries[ops[i].idx].note,
                NULL,    ops[i].at};
            rc = svc_project_progress(svc, &who, &q, e);
        } else if (ops[i].kind == OP_MS_DONE) {
            rc = svc_project_milestone_done(svc, &who, d->code, ops[i].idx + 1, on, ops[i].at, e);
        } else {
            rc = svc_project_finish(svc, &who, d->code, on, ops[i].at, e);
        }
        if (rc < 0)
            return -1;
    }
    struct find_parking f = {""};
    if (store_appeal_scan(svc->st, parking, &f, e) < 0)
        return -1;
    if (!f.code[0])
        return err_set(e, ERR_NOT_FOUND, "demo", "demo: no appeal about night-time parking");
    return svc_project_link(svc, &who, "SS2021-027", f.code, "spawned", at_day("2021-06-01", 10),
                            e);
}
