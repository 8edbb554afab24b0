/* project_cmd.c -- practical-matter projects (实事项目) and batches (分批交办):
 *   project add|list|show|progress|finish|milestone add|milestone done|link
 *   batch add|list
 * Figures come from service/project_svc.c's JSON views, printed as JSON or as tables. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "service/project.h"
#include "util/civil.h"

#include "util/banned.h"

static int usage(const char *msg)
{
    struct err e = {0};
    err_set(&e, ERR_INVALID, "", "%s", msg);
    return cli_fail(&e);
}

/* --month YYYY-MM for stale (滞后) flags; as-of is --at's date. */
static int query_from(struct cli *c, const struct opts *o, struct project_query *q, struct err *e)
{
    long year, batch;
    memset(q, 0, sizeof(*q));
    if (opt_int(o, "year", 2000, 2100, 0, &year, e) < 0 ||
        opt_int(o, "batch", 1, 1000, 0, &batch, e) < 0)
        return -1;
    q->year = (int)year;
    q->batch = (int)batch;
    q->area = opt_get(o, "area");
    q->unit = opt_get(o, "unit");
    q->as_of = civil_site_date(c->now);
    const char *month = opt_get(o, "month");
    if (month) {
        if (svc_bulletin_period(month, NULL, NULL, &q->first, &q->last, e) < 0)
            return -1;
        if (q->as_of > q->last)
            q->as_of = q->last;
    }
    return 0;
}

static int project_add(struct cli *c, const struct opts *o, const char *format)
{
    struct err e = {0};
    long year, batch, weight, households, people;
    if (opt_int(o, "year", 2000, 2100, 0, &year, &e) < 0 ||
        opt_int(o, "batch", 1, 1000, 0, &batch, &e) < 0 ||
        opt_int(o, "weight", 0, 1000000, 0, &weight, &e) < 0 ||
        opt_int(o, "households", 0, 100000000, 0, &households, &e) < 0 ||
        opt_int(o, "people", 0, 100000000, 0, &people, &e) < 0)
        return cli_fail(&e);
    if (!year)
        return usage("project add needs --year");
    struct project_req req = {
        .code = opt_get(o, "code"),
        .title = opt_get(o, "title"),
        .year = (int)year,
        .area = opt_get(o, "area"),
        .lead_unit = opt_get(o, "unit"),
        .leader = opt_get(o, "leader"),
        .measure = opt_get(o, "measure"),
        .baseline = opt_get(o, "baseline"),
        .target = opt_get(o, "target"),
        .plan = opt_get(o, "plan"),
        .budget = opt_get(o, "budget"),
        .start = opt_get(o, "start"),
        .due = opt_get(o, "due"),
        .batch = (int)batch,
        .parent = opt_get(o, "parent"),
        .weight = (int)weight,
        .households = households,
        .people = people,
        .beneficiaries = opt_get(o, "beneficiaries"),
        .description = opt_get(o, "description"),
        .at = c->now,
    };
    req.n_assist = opt_all(o, "assist", req.assist, PROJECT_MAX_ASSIST);
    if (req.n_assist < 0)
        return usage("too many --assist options");
    struct actor who;
    int64_t id;
    char code[32];
    if (svc_actor(&c->svc, c->as, &who, &e) < 0 ||
        svc_project_add(&c->svc, &who, &req, &id, code, &e) < 0)
        return cli_fail(&e);
    if (!strcmp(format, "json"))
        cli_print_json(json_pack("{s:s, s:I}", "code", code, "id", (json_int_t)id));
    else
        printf("%s\n", code);
    return 0;
}

static int project_list(struct cli *c, const struct opts *o, const char *format)
{
    struct err e = {0};
    struct project_query q;
    struct actor who;
    json_t *j;
    if (query_from(c, o, &q, &e) < 0 || svc_actor(&c->svc, c->as, &who, &e) < 0 ||
        svc_project_list_json(&c->svc, &who, &q, &j, &e) < 0)
        return cli_fail(&e);
    if (!strcmp(format, "json")) {
        cli_print_json(j);
        return 0;
    }
    static const char *const head[] = {"编号", "项目", "计量", "计划",     "完成",    "完成率(%)",
                                       "状态", "进度", "滞后", "节点逾期", "牵头单位"};
    struct table t;
    table_init(&t, 11, head);
    json_t *items = json_object_get(j, "items");
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *x = json_array_get(items, i);
        char title[600], od[24];
        snprintf(title, sizeof(title), "%s%s",
                 json_is_string(json_object_get(x, "parent")) ? "└ " : "", cli_jstr(x, "title"));
        snprintf(od, sizeof(od), "%lld",
                 (long long)json_integer_value(json_object_get(x, "milestones_overdue")));
        const char *row[] = {cli_jstr(x, "code"),
                             title,
                             cli_jstr(x, "measure"),
                             cli_jstr(x, "plan"),
                             cli_jstr(x, "done"),
                             json_is_string(json_object_get(x, "percent")) ? cli_jstr(x, "percent")
                                                                           : "—",
                             cli_jstr(x, "state_label"),
                             cli_jstr(x, "timing_text"),
                             json_is_true(json_object_get(x, "stale")) ? "滞后" : "",
                             od,
                             cli_jstr(x, "lead_unit")};
        table_add(&t, row);
    }
    table_print(&t, format);
    if (!strcmp(format, "table"))
        printf("共 %zu 项\n", json_array_size(items));
    table_release(&t);
    json_decref(j);
    return 0;
}

static int project_show(struct cli *c, const struct opts *o, const char *format)
{
    struct err e = {0};
    struct project_query q;
    struct actor who;
    json_t *j;
    if (o->nargs != 2)
        return usage("usage: shishi project show CODE [--month YYYY-MM] [--format json]");
    if (query_from(c, o, &q, &e) < 0 || svc_actor(&c->svc, c->as, &who, &e) < 0 ||
        svc_project_show_json(&c->svc, &who, o->args[1], &q, &j, &e) < 0)
        return cli_fail(&e);
    if (!strcmp(format, "json")) {
        cli_print_json(j);
        return 0;
    }
    static const char *const keys[][2] = {{"code", "编号"},
                                          {"title", "项目"},
                                          {"area", "领域"},
                                          {"lead_unit", "牵头单位"},
                                          {"leader", "责任领导"},
                                          {"measure", "计量单位"},
                                          {"plan", "年度计划"},
                                          {"done", "已完成"},
                                          {"percent", "完成率(%)"},
                                          {"budget", "投资(万元)"},
                                          {"state_label", "状态"},
                                          {"start_on", "开工"},
                                          {"due_on", "计划完成"},
                                          {"finished_on", "完成日期"},
                                          {"timing_text", "进度"},
                                          {"parent", "上级项目"},
                                          {"beneficiaries", "受益群众"}};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        const char *v = cli_jstr(j, keys[i][0]);
        printf("%s: %s\n", keys[i][1], *v ? v : "-");
    }
    long long hh = (long long)json_integer_value(json_object_get(j, "households")),
              people = (long long)json_integer_value(json_object_get(j, "people"));
    if (hh && people)
        printf("受益: %lld户 %lld人\n", hh, people);
    else if (hh || people)
        printf("受益: %lld%s\n", hh ? hh : people, hh ? "户" : "人");
    else
        printf("受益: -\n");
    printf("滞后: %s  节点逾期: %lld\n", json_is_true(json_object_get(j, "stale")) ? "是" : "否",
           (long long)json_integer_value(json_object_get(j, "milestones_overdue")));
    json_t *p = json_object_get(j, "progress");
    printf("进度记录:\n");
    for (size_t i = 0; i < json_array_size(p); i++) {
        json_t *x = json_array_get(p, i);
        printf("  %s  累计 %s（+%s）%s\n", cli_jstr(x, "on"), cli_jstr(x, "value"), cli_jstr(x, "increment"),
               cli_jstr(x, "note"));
    }
    json_t *m = json_object_get(j, "milestones");
    printf("节点:\n");
    for (size_t i = 0; i < json_array_size(m); i++) {
        json_t *x = json_array_get(m, i);
        printf("  %lld. %s 截止 %s %s%s\n",
               (long long)json_integer_value(json_object_get(x, "seq")), cli_jstr(x, "name"),
               cli_jstr(x, "due_on"), json_is_string(json_object_get(x, "done_on")) ? "已完成 " : "",
               json_is_true(json_object_get(x, "overdue")) ? "逾期" : "");
    }
    json_t *l = json_object_get(j, "links");
    printf("关联诉求:\n");
    for (size_t i = 0; i < json_array_size(l); i++) {
        json_t *x = json_array_get(l, i);
        printf("  %s %s %s\n", cli_jstr(x, "appeal"), cli_jstr(x, "kind"), cli_jstr(x, "title"));
    }
    json_t *k = json_object_get(j, "sub_projects");
    if (json_array_size(k))
        printf("子项目:\n");
    for (size_t i = 0; i < json_array_size(k); i++) {
        json_t *x = json_array_get(k, i);
        printf("  %s %s %s/%s %s%%\n", cli_jstr(x, "code"), cli_jstr(x, "title"), cli_jstr(x, "done"),
               cli_jstr(x, "plan"),
               json_is_string(json_object_get(x, "percent")) ? cli_jstr(x, "percent") : "—");
    }
    json_decref(j);
    return 0;
}

int cmd_project(struct cli *c, int argc, char **argv)
{
    static const struct opt_spec spec[] = {COMMON_OPTS,
                                           {"format", OPT_VALUE},
                                           {"code", OPT_VALUE},
                                           {"title", OPT_VALUE},
                                           {"year", OPT_VALUE},
                                           {"area", OPT_VALUE},
                                           {"unit", OPT_VALUE},
                                           {"leader", OPT_VALUE},
                                           {"assist", OPT_MULTI},
                                           {"measure", OPT_VALUE},
                                           {"baseline", OPT_VALUE},
                                           {"target", OPT_VALUE},
                                           {"plan", OPT_VALUE},
                                           {"budget", OPT_VALUE},
                                           {"start", OPT_VALUE},
                                           {"due", OPT_VALUE},
                                           {"batch", OPT_VALUE},
                                           {"parent", OPT_VALUE},
                                           {"weight", OPT_VALUE},
                                           {"households", OPT_VALUE},
                                           {"people", OPT_VALUE},
                                           {"beneficiaries", OPT_VALUE},
                                           {"description", OPT_VALUE},
                                           {"on", OPT_VALUE},
                                           {"value", OPT_VALUE},
                                           {"note", OPT_VALUE},
                                           {"evidence", OPT_VALUE},
                                           {"name", OPT_VALUE},
                                           {"appeal", OPT_VALUE},
                                           {"kind", OPT_VALUE},
                                           {"month", OPT_VALUE},
                                           {0, 0}};
    struct opts o;
    struct err e = {0};
    const char *format;
    if (cli_parse(c, argc, argv, spec, &o, &e) < 0 ||
        opt_format(&o, "table|json|csv", &format, &e) < 0)
        return cli_fail(&e);
    const char *sub = o.nargs ? o.args[0] : "list";
    if (cli_open(c, 0, &e) < 0)
        return cli_fail(&e);
    if (!strcmp(sub, "add"))
        return project_add(c, &o, format);
    if (!strcmp(sub, "list"))
        return project_list(c, &o, format);
    if (!strcmp(sub, "show"))
        return project_show(c, &o, format);
    struct actor who;
    if (svc_actor(&c->svc, c->as, &who, &e) < 0)
        return cli_fail(&e);
    if (!strcmp(sub, "progress")) {
        if (o.nargs != 2)
            return usage("usage: shishi project progress CODE --on DATE --value CUMULATIVE "
                         "[--note N] [--evidence E]");
        struct progress_req q = {o.args[1],           opt_get(&o, "on"),       opt_get(&o, "value"),
                                 opt_get(&o, "note"), opt_get(&o, "evidence"), c->now};
        if (svc_project_progress(&c->svc, &who, &q, &e) < 0)
            return cli_fail(&e);
        printf("%s progress %s\n", o.args[1], q.value);
        return 0;
    }
    if (!strcmp(sub, "finish")) {
        if (o.nargs != 2)
            return usage("usage: shishi project finish CODE --on DATE");
        if (svc_project_finish(&c->svc, &who, o.args[1], opt_get(&o, "on"), c->now, &e) < 0)
            return cli_fail(&e);
        printf("%s finished %s\n", o.args[1], opt_get(&o, "on"));
        return 0;
    }
    if (!strcmp(sub, "milestone")) {
        const char *what = o.nargs > 1 ? o.args[1] : "";
        if (!strcmp(what, "add") && o.nargs == 3) {
            int seq;
            if (svc_project_milestone_add(&c->svc, &who, o.args[2], opt_get(&o, "name"),
                                          opt_get(&o, "due"), opt_get(&o, "value"), c->now, &seq,
                                          &e) < 0)
                return cli_fail(&e);
            printf("%s milestone %d\n", o.args[2], seq);
            return 0;
        }
        if (!strcmp(what, "done") && o.nargs == 4) {
            long seq;
            if (text_whole(o.args[3], 1, 100000, &seq) < 0)
                return usage("milestone number must be a positive integer");
            if (svc_project_milestone_done(&c->svc, &who, o.args[2], (int)seq, opt_get(&o, "on"),
                                           c->now, &e) < 0)
                return cli_fail(&e);
            printf("%s milestone %ld done\n", o.args[2], seq);
            return 0;
        }
        return usage("usage: shishi project milestone add CODE --name N --due DATE [--value V] | "
                     "milestone done CODE SEQ --on DATE");
    }
    if (!strcmp(sub, "link")) {
        if (o.nargs != 2)
            return usage("usage: shishi project link CODE --appeal APPEAL --kind spawned|resolved");
        if (svc_project_link(&c->svc, &who, o.args[1], opt_get(&o, "appeal"), opt_get(&o, "kind"),
                             c->now, &e) < 0)
            return cli_fail(&e);
        printf("%s linked %s %s\n", o.args[1], opt_get(&o, "appeal"), opt_get(&o, "kind"));
        return 0;
    }
    err_set(&e, ERR_INVALID, "",
            "unknown subcommand 'project %s' (add, list, show, progress, finish, milestone, link)",
            sub);
    return cli_fail(&e);
}

int cmd_batch(struct cli *c, int argc, char **argv)
{
    static const struct opt_spec spec[] = {COMMON_OPTS,
                                           {"format", OPT_VALUE},
                                           {"year", OPT_VALUE},
                                           {"number", OPT_VALUE},
                                           {"assigned", OPT_VALUE},
                                           {"name", OPT_VALUE},
                                           {0, 0}};
    struct opts o;
    struct err e = {0};
    const char *format;
    long year, number;
    if (cli_parse(c, argc, argv, spec, &o, &e) < 0 ||
        opt_format(&o, "table|json|csv", &format, &e) < 0 ||
        opt_int(&o, "year", 2000, 2100, 0, &year, &e) < 0 ||
        opt_int(&o, "number", 1, 1000, 0, &number, &e) < 0 || cli_open(c, 0, &e) < 0)
        return cli_fail(&e);
    const char *sub = o.nargs ? o.args[0] : "list";
    if (!strcmp(sub, "add")) {
        struct actor who;
        if (!year || !number)
            return usage("batch add needs --year and --number");
        if (svc_actor(&c->svc, c->as, &who, &e) < 0 ||
            svc_batch_add(&c->svc, &who, (int)year, (int)number, opt_get(&o, "assigned"),
                          opt_get(&o, "name"), NULL, &e) < 0)
            return cli_fail(&e);
        printf("batch %ld of %ld added\n", number, year);
        return 0;
    }
    if (strcmp(sub, "list"))
        return usage("unknown subcommand: use batch add|list");
    json_t *j;
    if (svc_batch_list_json(&c->svc, &c->who, (int)year, &j, &e) < 0)
        return cli_fail(&e);
    if (!strcmp(format, "json")) {
        cli_print_json(j);
        return 0;
    }
    static const char *const head[] = {"年度", "批次", "交办日期", "名称", "项目数"};
    struct table t;
    table_init(&t, 5, head);
    for (size_t i = 0; i < json_array_size(j); i++) {
        json_t *x = json_array_get(j, i);
        char y[16], n[16], p[16];
        snprintf(y, sizeof(y), "%lld", (long long)json_integer_value(json_object_get(x, "year")));
        snprintf(n, sizeof(n), "%lld", (long long)json_integer_value(json_object_get(x, "number")));
        snprintf(p, sizeof(p), "%lld",
                 (long long)json_integer_value(json_object_get(x, "projects")));
        const char *row[] = {y, n, cli_jstr(x, "assigned_on"), cli_jstr(x, "name"), p};
        table_add(&t, row);
    }
    table_print(&t, format);
    table_release(&t);
    json_decref(j);
    return 0;
}
