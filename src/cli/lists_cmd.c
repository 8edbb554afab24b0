/* lists_cmd.c -- task and problem lists (task), leaders' lists (leader, enterprise,
 * support) and their visits (leader visit, leader visits). Tables are drawn from the same JSON the
 * API sends (service/lists.h), so both show the same thing. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/lists.h"

#include "util/banned.h"

static int actor(struct cli *c, struct actor *who, struct err *e)
{
    return svc_actor(&c->svc, c->as, who, e);
}

/* ---- task ---------------------------------------------------------------------------------- */

static void six_opts(const struct opts *o, const char *six[SIX_COUNT])
{
    for (int i = 0; i < SIX_COUNT; i++)
        six[i] = opt_get(o, task_six_column(i));
}

static void print_task(json_t *t)
{
    char b1[16], b2[16];
    printf("%s %s %s（%s）\n", cli_jstr(t, "code"), cli_jstr(t, "title"), cli_jstr(t, "state"), cli_jstr(t, "state_label"));
    printf("清单 list: %s  责任单位 unit: %s  领导 leader: %s  期限 due: %s  批次 batch: %s\n",
           cli_jstr(t, "list"), cli_jstr(t, "unit"), cli_jstr(t, "leader"), cli_jnum(t, "due_on", b1, sizeof(b1)),
           cli_jnum(t, "batch", b2, sizeof(b2)));
    json_t *six = json_object_get(t, "six");
    for (int i = 0; i < SIX_COUNT; i++)
        printf("  %s %s: %s\n", task_six_label(i), task_six_column(i), cli_jstr(six, task_six_column(i)));
    printf("佐证 evidence: %s  销号 closed_by: %s  核验 verified_by: %s  超期 overdue: %s\n",
           cli_jstr(t, "evidence"), cli_jstr(t, "closed_by"), cli_jstr(t, "verified_by"),
           json_is_true(json_object_get(t, "overdue")) ? "yes" : "no");
    json_t *h = json_object_get(t, "history"), *ev;
    size_t i;
    json_array_foreach(h, i, ev)
    {
        char seq[16];
        printf("  #%s %s %s %s\n", cli_jnum(ev, "seq", seq, sizeof(seq)), cli_jstr(ev, "at"), cli_jstr(ev, "actor"),
               cli_jstr(ev, "action"));
    }
}

static int task_list(struct cli *c, const struct opts *o, const char *format)
{
    struct err e = {0};
    struct task_filter f = {.list = opt_get(o, "list"),
                            .unit = opt_get(o, "unit"),
                            .state = opt_get(o, "state"),
                            .overdue = opt_flag(o, "overdue"),
                            .as_of = c->now};
    json_t *arr = svc_task_list_json(&c->svc, &c->who, &f, &e);
    if (!arr)
        return cli_fail(&e);
    if (!strcmp(format, "json")) {
        cli_print_json(arr);
        return 0;
    }
    static const char *const head[] = {"编号", "清单", "标题", "责任单位",
                                       "期限", "状态", "超期", "缺项"};
    struct table t;
    table_init(&t, 8, head);
    size_t i;
    json_t *it;
    json_array_foreach(arr, i, it)
    {
        char due[16], miss[128] = "";
        json_t *m = json_object_get(it, "missing"), *x;
        size_t k;
        json_array_foreach(m, k, x)
        {
            size_t len = strlen(miss);
            snprintf(miss + len, sizeof(miss) - len, "%s%s", k ? "、" : "", json_string_value(x));
        }
        const char *row[] = {cli_jstr(it, "code"),
                             cli_jstr(it, "list"),
                             cli_jstr(it, "title"),
                             cli_jstr(it, "unit"),
                             cli_jnum(it, "due_on", due, sizeof(due)),
                             cli_jstr(it, "state_label"),
                             json_is_true(json_object_get(it, "overdue")) ? "是" : "",
                             miss};
        table_add(&t, row);
    }
    table_print(&t, format);
    table_release(&t);
    json_decref(arr);
    return 0;
}

int cmd_task(struct cli *c, int argc, char **argv)
{
    static const struct opt_spec spec[] = {COMMON_OPTS,
                                           {"list", OPT_VALUE},
                                           {"title", OPT_VALUE},
                                           {"detail", OPT_VALUE},
                                           {"unit", OPT_VALUE},
                                           {"leader", OPT_VALUE},
                                           {"due", OPT_VALUE},
                                           {"batch", OPT_VALUE},
                                           {"year", OPT_VALUE},
                                           {"team", OPT_VALUE},
                                           {"plan", OPT_VALUE},
                                           {"goal", OPT_VALUE},
                                           {"measures", OPT_VALUE},
                                           {"result", OPT_VALUE},
                                           {"feedback", OPT_VALUE},
                                           {"evidence", OPT_VALUE},
                                           {"reason", OPT_VALUE},
                                           {"refuse", OPT_FLAG},
                                           {"accept", OPT_FLAG},
                                           {"state", OPT_VALUE},
                                           {"overdue", OPT_FLAG},
                                           {"format", OPT_VALUE},
                                           {0, 0}};
    struct opts o;
    struct err e = {0};
    const char *format;
    if (cli_parse(c, argc, argv, spec, &o, &e) < 0 ||
        opt_format(&o, "table|json|csv", &format, &e) < 0)
        return cli_fail(&e);
    const char *sub = o.nargs ? o.args[0] : "list";
    const char *code = o.nargs > 1 ? o.args[1] : NULL;
    struct actor who;
    if (cli_open(c, 0, &e) < 0)
        return cli_fail(&e);
    if (!strcmp(sub, "list"))
        return task_list(c, &o, format);
    if (!strcmp(sub, "show")) {
        json_t *t = svc_task_json(&c->svc, &c->who, code, 1, c->now, &e);
        if (!t)
            return cli_fail(&e);
        if (!strcmp(format, "json")) {
            cli_print_json(t);
        } else {
            print_task(t);
            json_decref(t);
        }
        return 0;
    }
    if (actor(c, &who, &e) < 0)
        return cli_fail(&e);
    if (!strcmp(sub, "add")) {
        long batch = 0, year = 0;
        if (opt_int(&o, "batch", 1, 1000, 0, &batch, &e) < 0 ||
            opt_int(&o, "year", 2000, 2100, 0, &year, &e) < 0)
            return cli_fail(&e);
        struct task_req req = {.list = opt_get(&o, "list") ? opt_get(&o, "list") : "task",
                               .title = opt_get(&o, "title"),
                               .detail = opt_get(&o, "detail"),
                               .unit = opt_get(&o, "unit"),
                               .leader = opt_get(&o, "leader"),
                               .due = opt_get(&o, "due"),
                               .batch = (int)batch,
                               .year = (int)year,
                               .at = c->now};
        six_opts(&o, req.six);
        char out[TASK_CODE_LEN];
        if (svc_task_add(&c->svc, &who, &req, out, &e) < 0)
            return cli_fail(&e);
        printf("%s\n", out);
        return 0;
    }
    int op = task_op_parse(sub);
    if (op >= 0) {
        if (opt_flag(&o, "accept") && opt_flag(&o, "refuse")) {
            err_set(&e, ERR_INVALID, "", "give --accept or --refuse, not both");
            return cli_fail(&e);
        }
        struct task_change ch = {.code = code,
                                 .due = opt_get(&o, "due"),
                                 .evidence = opt_get(&o, "evidence"),
                                 .accept = !opt_flag(&o, "refuse"),
                                 .reason = opt_get(&o, "reason"),
                                 .at = c->now};
        six_opts(&o, ch.six);
        if (svc_task_change(&c->svc, &who, op, &ch, &e) < 0)
            return cli_fail(&e);
        json_t *t = svc_task_json(&c->svc, &c->who, code, 0, c->now, &e);
        if (!t)
            return cli_fail(&e);
        printf("%s %s %s\n", cli_jstr(t, "code"), cli_jstr(t, "state"), cli_jstr(t, "state_label"));
        json_decref(t);
        return 0;
    }
    err_set(&e, ERR_INVALID, "",
            "unknown subcommand 'task %s' (add, list, show, update, close, verify, reopen)", sub);
    return cli_fail(&e);
}

/* ---- leader, enterprise, support ------------------------------------------------------------ */

static int print_compliance(json_t *doc, const char *format)
{
    if (!strcmp(format, "json")) {
        cli_print_json(doc);
        return 0;
    }
    static const char *const head[] = {"领导",   "应走访",  "已走访",
                                       "未走访", "走访率%", "未走访企业"};
    struct table t;
    table_init(&t, 6, head);
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(doc, "leaders"), i, l)
    {
        char a[16], b[16], m[16], names[1024] = "";
        json_t *x;
        size_t k;
        json_array_foreach(json_object_get(l, "missed"), k, x)
        {
            size_t len = strlen(names);
            snprintf(names + len, sizeof(names) - len, "%s%s", k ? "、" : "", json_string_value(x));
        }
        const char *row[] = {cli_jstr(l, "leader"),
                             cli_jnum(l, "required", a, sizeof(a)),
                             cli_jnum(l, "done", b, sizeof(b)),
                             cli_jnum(l, "missed_count", m, sizeof(m)),
                             cli_jstr(l, "percent_text"),
                             names};
        table_add(&t, row);
    }
    table_print(&t, format);
    table_release(&t);
    json_decref(doc);
    return 0;
}

static int leader_visit(struct cli *c, int argc, char **argv);

int cmd_leader(struct cli *c, int argc, char **argv)
{
    /* leader visit ... records a visit, leader visits ... lists them */
    if (argc >= 2 && (!strcmp(argv[1], "visit") || !strcmp(argv[1], "visits"))) {
        static char add[] = "add", list[] = "list";
        argv[1] = !strcmp(argv[1], "visit") ? add : list;
        return leader_visit(c, argc, argv);
    }
    static const struct opt_spec spec[] = {COMMON_OPTS,
                                           {"name", OPT_VALUE},
                                           {"title", OPT_VALUE},
                                           {"username", OPT_VALUE},
                                           {"leader", OPT_VALUE},
                                           {"enterprise", OPT_VALUE},
                                           {"since", OPT_VALUE},
                                           {"until", OPT_VALUE},
                                           {"month", OPT_VALUE},
                                           {"format", OPT_VALUE},
                                           {0, 0}};
    struct opts o;
    struct err e = {0};
    const char *format;
    if (cli_parse(c, argc, argv, spec, &o, &e) < 0 ||
        opt_format(&o, "table|json|csv", &format, &e) < 0 || cli_open(c, 0, &e) < 0)
        return cli_fail(&e);
    const char *sub = o.nargs ? o.args[0] : "list";
    const char *leader =
        opt_get(&o, "leader") ? opt_get(&o, "leader") : (o.nargs > 1 ? o.args[1] : NULL);
    struct actor who;
    if (!strcmp(sub, "list")) {
        json_t *arr = svc_leaders_json(&c->svc, &c->who, &e);
        if (!arr)
            return cli_fail(&e);
        if (!strcmp(format, "json")) {
            cli_print_json(arr);
            return 0;
        }
        static const char *const head[] = {"姓名", "职务", "账号", "联系企业数"};
        struct table t;
        table_init(&t, 4, head);
        size_t i;
        json_t *l;
        json_array_foreach(arr, i, l)
        {
            char n[16];
            const char *row[] = {cli_jstr(l, "name"), cli_jstr(l, "title"), cli_jstr(l, "username"),
                                 cli_jnum(l, "links", n, sizeof(n))};
            table_add(&t, row);
        }
        table_print(&t, format);
        table_release(&t);
        json_decref(arr);
        return 0;
    }
    if (!strcmp(sub, "show")) {
        json_t *j = svc_leader_json(&c->svc, &c->who, leader, &e);
        if (!j)
            return cli_fail(&e);
        if (!strcmp(format, "json")) {
            cli_print_json(j);
            return 0;
        }
        printf("%s %s\n", cli_jstr(j, "name"), cli_jstr(j, "title"));
        size_t i;
        json_t *x;
        json_array_foreach(json_object_get(j, "links"), i, x)
        {
            char s[16], u[16];
            printf("  包联 %s since %s until %s\n", cli_jstr(x, "enterprise"),
                   cli_jnum(x, "since", s, sizeof(s)), cli_jnum(x, "until", u, sizeof(u)));
        }
        json_array_foreach(json_object_get(j, "visits"), i, x)
            printf("  走访 %s %s %s\n", cli_jstr(x, "date"), cli_jstr(x, "enterprise"), cli_jstr(x, "findings"));
        json_decref(j);
        return 0;
    }
    if (!strcmp(sub, "compliance")) {
        json_t *doc = svc_compliance_json(&c->svc, &c->who, leader, opt_get(&o, "month"), &e);
        return doc ? print_compliance(doc, format) : cli_fail(&e);
    }
    if (actor(c, &who, &e) < 0)
        return cli_fail(&e);
    int rc;
    if (!strcmp(sub, "add"))
        rc = svc_leader_add(&c->svc, &who, opt_get(&o, "name"), opt_get(&o, "title"),
                            opt_get(&o, "username"), &e);
    else if (!strcmp(sub, "link"))
        rc = svc_leader_link(&c->svc, &who, leader, opt_get(&o, "enterprise"), opt_get(&o, "since"),
                             c->now, &e);
    else if (!strcmp(sub, "unlink"))
        rc = svc_leader_unlink(&c->svc, &who, leader, opt_get(&o, "enterprise"),
                               opt_get(&o, "until"), c->now, &e);
    else
        rc = err_set(&e, ERR_INVALID, "",
                     "unknown subcommand 'leader %s' (add, list, show, link, unlink, compliance)",
                     sub);
    if (rc < 0)
        return cli_fail(&e);
    printf("leader %s %s\n", sub, !strcmp(sub, "add") ? opt_get(&o, "name") : leader);
    return 0;
}

int cmd_enterprise(struct cli *c, int argc, char **argv)
{
    static const struct opt_spec spec[] = {COMMON_OPTS,
                                           {"name", OPT_VALUE},
                                           {"kind", OPT_VALUE},
                                           {"town", OPT_VALUE},
                                           {"address", OPT_VALUE},
                                           {"format", OPT_VALUE},
                                           {0, 0}};
    struct opts o;
    struct err e = {0};
    const char *format;
    if (cli_parse(c, argc, argv, spec, &o, &e) < 0 ||
        opt_format(&o, "table|json|csv", &format, &e) < 0 || cli_open(c, 0, &e) < 0)
        return cli_fail(&e);
    const char *sub = o.nargs ? o.args[0] : "list";
    if (!strcmp(sub, "add")) {
        struct actor who;
        if (actor(c, &who, &e) < 0 ||
            svc_enterprise_add(&c->svc, &who, opt_get(&o, "name"),
                               opt_get(&o, "kind") ? opt_get(&o, "kind") : "enterprise",
                               opt_get(&o, "town"), opt_get(&o, "address"), &e) < 0)
            return cli_fail(&e);
        printf("enterprise %s added\n", opt_get(&o, "name"));
        return 0;
    }
    if (strcmp(sub, "list") != 0) {
        err_set(&e, ERR_INVALID, "", "unknown subcommand 'enterprise %s' (add, list)", sub);
        return cli_fail(&e);
    }
    json_t *arr = svc_enterprises_json(&c->svc, &c->who, &e);
    if (!arr)
        return cli_fail(&e);
    if (!strcmp(format, "json")) {
        cli_print_json(arr);
        return 0;
    }
    static const char *const head[] = {"名称", "类型", "乡镇", "后盾单位"};
    struct table t;
    table_init(&t, 4, head);
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x)
    {
        char units[512] = "";
        json_t *u;
        size_t k;
        json_array_foreach(json_object_get(x, "support_units"), k, u)
        {
            size_t len = strlen(units);
            snprintf(units + len, sizeof(units) - len, "%s%s", k ? "、" : "", json_string_value(u));
        }
        const char *row[] = {cli_jstr(x, "name"), cli_jstr(x, "kind_label"), cli_jstr(x, "town"), units};
        table_add(&t, row);
    }
    table_print(&t, format);
    table_release(&t);
    json_decref(arr);
    return 0;
}

int cmd_support(struct cli *c, int argc, char **argv)
{
    static const struct opt_spec spec[] = {
        COMMON_OPTS, {"unit", OPT_VALUE}, {"enterprise", OPT_VALUE}, {0, 0}};
    struct opts o;
    struct err e = {0};
    struct actor who;
    if (cli_parse(c, argc, argv, spec, &o, &e) < 0 || cli_open(c, 0, &e) < 0)
        return cli_fail(&e);
    const char *sub = o.nargs ? o.args[0] : "";
    if (strcmp(sub, "add") != 0) {
        err_set(&e, ERR_INVALID, "", "unknown subcommand 'support %s' (add)", sub);
        return cli_fail(&e);
    }
    if (actor(c, &who, &e) < 0 ||
        svc_support_add(&c->svc, &who, opt_get(&o, "unit"), opt_get(&o, "enterprise"), &e) < 0)
        return cli_fail(&e);
    printf("support %s -> %s\n", opt_get(&o, "unit"), opt_get(&o, "enterprise"));
    return 0;
}

/* ---- leader visit | leader visits -------------------------------------------------------------
 * A leader's visit (走访) lives under `leader`: the top-level `visit` is the appeal call-back
 * (回访). */

/* Takes the problem groups out of argv: each "--problem TEXT" starts one, and "--into
 * task|appeal", "--unit U" and "--due D" after it belong to it. The rest goes to *rest. */
static int take_problems(int argc, char **argv, struct visit_req *req, char **rest, int *nrest,
                         struct err *e)
{
    struct visit_problem *cur = NULL;
    *nrest = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int grouped = cur && (!strcmp(a, "--into") || !strcmp(a, "--unit") || !strcmp(a, "--due"));
        if (strcmp(a, "--problem") != 0 && !grouped) {
            rest[(*nrest)++] = argv[i];
            continue;
        }
        if (i + 1 >= argc)
            return err_set(e, ERR_INVALID, "", "option '%s' needs a value", a);
        const char *v = argv[++i];
        if (!strcmp(a, "--problem")) {
            if (req->nproblems == VISIT_MAX_PROBLEMS)
                return err_set(e, ERR_INVALID, "problem", "at most %d problems a visit",
                               VISIT_MAX_PROBLEMS);
            cur = &req->problems[req->nproblems++];
            memset(cur, 0, sizeof(*cur));
            cur->text = v;
        } else if (!strcmp(a, "--into")) {
            if (!strcmp(v, "appeal"))
                cur->as_appeal = 1;
            else if (!strcmp(v, "task"))
                cur->as_appeal = 0;
            else
                return err_set(e, ERR_INVALID, "problem",
                               "--into after --problem takes task or appeal, not '%s'", v);
        } else if (!strcmp(a, "--unit")) {
            cur->unit = v;
        } else {
            cur->due = v;
        }
    }
    rest[*nrest] = NULL;
    return 0;
}

/* argv[1] is "add" or "list". */
static int leader_visit(struct cli *c, int argc, char **argv)
{
    static const struct opt_spec spec[] = {COMMON_OPTS,
                                           {"leader", OPT_VALUE},
                                           {"enterprise", OPT_VALUE},
                                           {"date", OPT_VALUE},
                                           {"who", OPT_VALUE},
                                           {"place", OPT_VALUE},
                                           {"findings", OPT_VALUE},
                                           {"month", OPT_VALUE},
                                           {"format", OPT_VALUE},
                                           {0, 0}};
    struct opts o;
    struct err e = {0};
    const char *format;
    struct visit_req req;
    memset(&req, 0, sizeof(req));
    char **rest = calloc((size_t)argc + 1, sizeof(*rest));
    int nrest;
    if (!rest)
        return 1;
    if (take_problems(argc, argv, &req, rest, &nrest, &e) < 0 ||
        cli_parse(c, nrest, rest, spec, &o, &e) < 0 ||
        opt_format(&o, "table|json|csv", &format, &e) < 0 || cli_open(c, 0, &e) < 0) {
        free(rest);
        return cli_fail(&e);
    }
    free(rest);
    if (!strcmp(o.args[0], "list")) {
        json_t *arr = svc_visits_json(&c->svc, &c->who, opt_get(&o, "leader"), opt_get(&o, "month"), &e);
        if (!arr)
            return cli_fail(&e);
        if (!strcmp(format, "json")) {
            cli_print_json(arr);
            return 0;
        }
        static const char *const head[] = {"日期", "领导", "企业", "地点", "发现问题", "转办"};
        struct table t;
        table_init(&t, 6, head);
        size_t i;
        json_t *v;
        json_array_foreach(arr, i, v)
        {
            char codes[512] = "";
            json_t *p;
            size_t k;
            json_array_foreach(json_object_get(v, "problems"), k, p)
            {
                size_t len = strlen(codes);
                snprintf(codes + len, sizeof(codes) - len, "%s%s", k ? " " : "", cli_jstr(p, "code"));
            }
            const char *row[] = {cli_jstr(v, "date"),  cli_jstr(v, "leader"),   cli_jstr(v, "enterprise"),
                                 cli_jstr(v, "place"), cli_jstr(v, "findings"), codes};
            table_add(&t, row);
        }
        table_print(&t, format);
        table_release(&t);
        json_decref(arr);
        return 0;
    }
    struct actor who;
    req.leader = opt_get(&o, "leader");
    req.enterprise = opt_get(&o, "enterprise");
    req.date = opt_get(&o, "date");
    req.who = opt_get(&o, "who");
    req.place = opt_get(&o, "place");
    req.findings = opt_get(&o, "findings");
    req.at = c->now;
    struct visit_result res;
    if (actor(c, &who, &e) < 0 || svc_visit_add(&c->svc, &who, &req, &res, &e) < 0)
        return cli_fail(&e);
    printf("visit %lld\n", (long long)res.visit_id);
    for (int i = 0; i < req.nproblems; i++)
        printf("%s %s\n", req.problems[i].as_appeal ? "appeal" : "task", res.codes[i]);
    return 0;
}
