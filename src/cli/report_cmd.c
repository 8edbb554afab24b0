/* report_cmd.c -- reports with --explain, assessment rule sets, the monthly bulletin, and
 * audit verify. */
#include "cli/cli.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "report/layout.h"
#include "util/buf.h"
#include "util/civil.h"
#include "util/xalloc.h"

#include "util/banned.h"

static void rate_text(double r, char *out, size_t size)
{
    if (r < 0)
        snprintf(out, size, "—");
    else
        snprintf(out, size, "%.2f%%", round(r * 100.0) / 100.0);
}

static void tally_rows(struct table *t, const struct tally_set *s, const struct names *n,
                       const struct ruleset *rs, const char *what,
                       const char *(*name)(const struct names *, int64_t), const char *none)
{
    for (size_t i = 0; i < s->n; i++) {
        const struct tally *x = &s->items[i];
        char rec[24], rep[24], r[FIG_COUNT_][24], sc[24];
        snprintf(rec, sizeof(rec), "%lld", (long long)x->received);
        snprintf(rep, sizeof(rep), "%lld", (long long)tally_count(x, FIG_REPLY));
        for (int f = 0; f < FIG_COUNT_; f++)
            rate_text(tally_rate(x, f), r[f], sizeof(r[f]));
        rate_text(tally_score(x, rs), sc, sizeof(sc));
        const char *nm = name ? name(n, x->key) : none;
        const char *row[] = {what,         *nm ? nm : none,  rec,
                             rep,          r[FIG_REPLY],     r[FIG_TIMELY],
                             r[FIG_SIGN],  r[FIG_RESPONSE],  r[FIG_RESOLUTION],
                             r[FIG_SATISFACTION], sc};
        table_add(t, row);
    }
}

/* --rules N: a version number; absent means the newest. */
static int opt_rules(const struct opts *o, int *version, struct err *e)
{
    long v;
    if (opt_int(o, "rules", 1, 1000000, 0, &v, e) < 0)
        return -1;
    *version = (int)v;
    return 0;
}

/* --explain FIGURE [--unit U | --area A | --channel C | --town T] */
static int explain(struct cli *c, const struct opts *o, const char *from, const char *to,
                   int rules, const char *format)
{
    static const char *const dims[] = {"unit", "area", "channel", "town"};
    int dim = DIM_ALL;
    const char *key = NULL;
    struct err e = {0};
    for (int i = 0; i < 4; i++)
        if (opt_get(o, dims[i])) {
            if (dim != DIM_ALL) {
                err_set(&e, ERR_INVALID, dims[i], "explain one group at a time");
                return cli_fail(&e);
            }
            dim = DIM_UNIT + i;
            key = opt_get(o, dims[i]);
        }
    struct explain x;
    if (svc_explain(&c->svc, &c->who, from, to, rules, c->now, opt_get(o, "explain"), dim, key, &x, &e) < 0)
        return cli_fail(&e);
    if (!strcmp(format, "json")) {
        cli_print_json(view_explain(&x));
    } else if (x.figure < 0) {
        printf("overdue: %zu appeals (rules v%d)\n", x.n, x.rules.version);
        for (size_t i = 0; i < x.n; i++)
            printf("%s\n", x.items[i].code);
    } else {
        char rate[24];
        rate_text(report_rate(x.num, x.den * 100), rate, sizeof(rate));
        printf("%s %s = %g / %lld (rules v%d)\n", figure_code(x.figure), rate,
               (double)x.num / 100.0, (long long)x.den, x.rules.version);
        printf("numerator:");
        for (size_t i = 0; i < x.n; i++)
            if (x.items[i].share == 100)
                printf(" %s", x.items[i].code);
            else if (x.items[i].share > 0)
                printf(" %s(%d%%)", x.items[i].code, x.items[i].share);
        printf("\ndenominator:");
        for (size_t i = 0; i < x.n; i++)
            printf(" %s", x.items[i].code);
        printf("\n");
    }
    explain_release(&x);
    return 0;
}

int cmd_report(struct cli *c, int argc, char **argv)
{
    static const struct opt_spec spec[] = {
        COMMON_OPTS,          {"from", OPT_VALUE},    {"to", OPT_VALUE},   {"format", OPT_VALUE},
        {"rules", OPT_VALUE}, {"explain", OPT_VALUE}, {"unit", OPT_VALUE}, {"area", OPT_VALUE},
        {"channel", OPT_VALUE}, {"town", OPT_VALUE},  {0, 0}};
    struct opts o;
    struct err e = {0};
    const char *format;
    int rules;
    if (cli_parse(c, argc, argv, spec, &o, &e) < 0 ||
        opt_format(&o, "table|json|csv", &format, &e) < 0 || opt_rules(&o, &rules, &e) < 0)
        return cli_fail(&e);
    if (!opt_get(&o, "from") || !opt_get(&o, "to")) {
        err_set(&e, ERR_INVALID, "", "report needs --from DATE and --to DATE");
        return cli_fail(&e);
    }
    if (cli_open(c, 0, &e) < 0)
        return cli_fail(&e);
    if (opt_get(&o, "explain"))
        return explain(c, &o, opt_get(&o, "from"), opt_get(&o, "to"), rules, format);
    struct report r;
    struct names n;
    if (svc_report(&c->svc, &c->who, opt_get(&o, "from"), opt_get(&o, "to"), rules, c->now, &r, &e) < 0)
        return cli_fail(&e);
    if (names_load(&c->svc, &n, &e) < 0) {
        report_release(&r);
        return cli_fail(&e);
    }
    if (!strcmp(format, "json")) {
        cli_print_json(view_report(&n, &r));
    } else {
        static const char *head[] = {"维度",   "名称",   "受理",   "已答复",
                                     "回复率", "及时率", "签收率", "响应率",
                                     "解决率", "满意率", "综合得分"};
        struct table t;
        table_init(&t, 11, head);
        tally_rows(&t, &(struct tally_set){&r.total, 1, 1}, &n, &r.rules, "合计", NULL, "全部");
        tally_rows(&t, &r.by_unit, &n, &r.rules, "单位", names_unit, "(未分类)");
        tally_rows(&t, &r.by_area, &n, &r.rules, "领域", names_area, "(未分类)");
        tally_rows(&t, &r.by_channel, &n, &r.rules, "渠道", names_channel, "(未知)");
        tally_rows(&t, &r.by_town, &n, &r.rules, "乡镇", names_unit, "区直部门");
        if (strcmp(format, "csv") != 0)
            printf("考核规则第%d版（%s）\n", r.rules.version, r.rules.name);
        table_print(&t, format);
        table_release(&t);
    }
    names_release(&n);
    report_release(&r);
    return 0;
}

int cmd_bulletin(struct cli *c, int argc, char **argv)
{
    static const struct opt_spec spec[] = {
        COMMON_OPTS,          {"month", OPT_VALUE},   {"from", OPT_VALUE},   {"to", OPT_VALUE},
        {"format", OPT_VALUE}, {"out", OPT_VALUE},    {"rules", OPT_VALUE},  {"explain", OPT_VALUE},
        {"unit", OPT_VALUE},  {"area", OPT_VALUE},    {"channel", OPT_VALUE}, {"town", OPT_VALUE},
        {0, 0}};
    struct opts o;
    struct err e = {0};
    int rules;
    if (cli_parse(c, argc, argv, spec, &o, &e) < 0 || opt_rules(&o, &rules, &e) < 0)
        return cli_fail(&e);
    const char *month = opt_get(&o, "month"), *format = opt_get(&o, "format"),
               *out = opt_get(&o, "out");
    if (!month == !(opt_get(&o, "from") || opt_get(&o, "to"))) {
        err_set(&e, ERR_INVALID, "month", "bulletin needs --month YYYY-MM, or --from and --to");
        return cli_fail(&e);
    }
    if (opt_get(&o, "explain")) {
        /* The figures of a bulletin are the report's figures for its period. */
        int64_t d1, d2;
        char from[11], to[11];
        if (svc_bulletin_period(month, opt_get(&o, "from"), opt_get(&o, "to"), &d1, &d2, &e) < 0 ||
            cli_open(c, 0, &e) < 0)
            return cli_fail(&e);
        civil_format_date(d1, from);
        civil_format_date(d2, to);
        return explain(c, &o, from, to, rules, format && !strcmp(format, "json") ? "json" : "table");
    }
    if (!format || !out) {
        err_set(&e, ERR_INVALID, format ? "out" : "format",
                "bulletin needs --format pdf|html|xlsx|csv and --out PATH");
        return cli_fail(&e);
    }
    int (*render)(const struct doc *, const char *, struct err *) =
        !strcmp(format, "pdf")    ? render_pdf
        : !strcmp(format, "html") ? render_html
        : !strcmp(format, "xlsx") ? render_xlsx
        : !strcmp(format, "csv")  ? render_csv
                                  : NULL;
    if (!render) {
        err_set(&e, ERR_INVALID, "format", "unknown format '%s' (pdf, html, xlsx, csv)", format);
        return cli_fail(&e);
    }
    struct doc d;
    /* One snapshot for the figures and the rows the renderer reads while it writes (the
     * ledger streams from the store): a writer elsewhere cannot make them disagree. The API
     * reads its bulletin in one too (a SNAPSHOT route). */
    if (cli_open(c, 0, &e) < 0 || store_begin_read(c->svc.st, &e) < 0)
        return cli_fail(&e);
    if (layout_bulletin_for(&c->svc, &c->who, month, opt_get(&o, "from"), opt_get(&o, "to"), rules,
                            c->now, &d, NULL, NULL, &e) < 0) {
        store_rollback(c->svc.st);
        return cli_fail(&e);
    }
    int rc = render(&d, out, &e);
    doc_release(&d);
    store_rollback(c->svc.st);
    if (rc < 0)
        return cli_fail(&e);
    printf("%s\n", out);
    return 0;
}

int cmd_rules(struct cli *c, int argc, char **argv)
{
    static const struct opt_spec spec[] = {COMMON_OPTS, {"file", OPT_VALUE}, {"format", OPT_VALUE},
                                           {0, 0}};
    struct opts o;
    struct err e = {0};
    const char *format;
    if (cli_parse(c, argc, argv, spec, &o, &e) < 0 ||
        opt_format(&o, "table|json", &format, &e) < 0)
        return cli_fail(&e);
    const char *sub = o.nargs ? o.args[0] : "list";
    if (!strcmp(sub, "add")) {
        const char *path = opt_get(&o, "file");
        if (o.nargs != 1 || !path) {
            err_set(&e, ERR_INVALID, "file", "usage: shishi rules add --file RULES.json (- for stdin)");
            return cli_fail(&e);
        }
        struct buf text = BUF_INIT;
        struct actor who;
        struct ruleset rs;
        int rc = cli_read_file(path, 1 << 20, &text, &e);
        if (rc == 0 && (cli_open(c, 0, &e) < 0 || svc_actor(&c->svc, c->as, &who, &e) < 0 ||
                        svc_rules_add(&c->svc, &who, text.ptr, c->now, &rs, &e) < 0))
            rc = -1;
        buf_release(&text);
        if (rc < 0)
            return cli_fail(&e);
        if (!strcmp(format, "json"))
            cli_print_json(view_ruleset(&rs));
        else
            printf("rule set version %d added: %s\n", rs.version, rs.name);
        return 0;
    }
    if (!strcmp(sub, "show")) {
        long v = 0;
        if (o.nargs > 2 || (o.nargs == 2 && text_whole(o.args[1], 1, 1000000, &v) < 0)) {
            err_set(&e, ERR_INVALID, "version", "usage: shishi rules show [VERSION]");
            return cli_fail(&e);
        }
        struct ruleset rs;
        if (cli_open(c, 0, &e) < 0 || svc_rules_get(&c->svc, &c->who, (int)v, &rs, &e) < 0)
            return cli_fail(&e);
        cli_print_json(view_ruleset(&rs));
        return 0;
    }
    if (strcmp(sub, "list") != 0 || o.nargs > 1) {
        err_set(&e, ERR_INVALID, "", "usage: shishi rules list | show [VERSION] | add --file F");
        return cli_fail(&e);
    }
    struct ruleset *list;
    size_t n;
    if (cli_open(c, 0, &e) < 0 || svc_rules_list(&c->svc, &c->who, &list, &n, &e) < 0)
        return cli_fail(&e);
    if (!strcmp(format, "json")) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr, view_ruleset(&list[i]));
        cli_print_json(arr);
    } else {
        static const char *head[] = {"版本", "名称", "权重(响应/解决/满意)", "基本满意计入",
                                     "最低排名件数"};
        struct table t;
        table_init(&t, 5, head);
        for (size_t i = 0; i < n; i++) {
            char v[16], w[48], b[16], m[16];
            snprintf(v, sizeof(v), "%d", list[i].version);
            snprintf(w, sizeof(w), "%d/%d/%d", list[i].weight[FIG_RESPONSE],
                     list[i].weight[FIG_RESOLUTION], list[i].weight[FIG_SATISFACTION]);
            snprintf(b, sizeof(b), "%d%%", list[i].basic_share);
            snprintf(m, sizeof(m), "%d", list[i].min_volume);
            const char *row[] = {v, list[i].name, w, b, m};
            table_add(&t, row);
        }
        table_print(&t, "table");
        table_release(&t);
    }
    free(list);
    return 0;
}

int cmd_audit(struct cli *c, int argc, char **argv)
{
    static const struct opt_spec spec[] = {COMMON_OPTS, {"format", OPT_VALUE}, {0, 0}};
    struct opts o;
    struct err e = {0};
    const char *format;
    if (cli_parse(c, argc, argv, spec, &o, &e) < 0 ||
        opt_format(&o, "table|json", &format, &e) < 0)
        return cli_fail(&e);
    if (o.nargs != 1 || strcmp(o.args[0], "verify") != 0) {
        err_set(&e, ERR_INVALID, "", "usage: shishi --db FILE audit verify");
        return cli_fail(&e);
    }
    struct audit_result res;
    if (cli_open(c, 0, &e) < 0 || svc_audit_verify(&c->svc, &c->who, &res, &e) < 0)
        return cli_fail(&e);
    if (!strcmp(format, "json")) {
        json_t *j = json_pack("{s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "ok", res.ok, "events",
                              (json_int_t)res.events, "appeals", (json_int_t)res.appeals,
                              "projects", (json_int_t)res.projects, "list_items",
                              (json_int_t)res.items, "vote_sessions", (json_int_t)res.votes,
                              "visits", (json_int_t)res.visits, "users", (json_int_t)res.users,
                              "disclosures", (json_int_t)res.disclosures);
        if (!res.ok) {
            json_object_set_new(j, "bad_event",
                                res.bad_event ? json_integer(res.bad_event) : json_null());
            json_object_set_new(j, "bad_appeal",
                                res.bad_appeal[0] ? json_string(res.bad_appeal) : json_null());
            json_object_set_new(j, "problem", json_string(res.problem));
        }
        cli_print_json(j);
    } else if (res.ok) {
        printf("audit ok: %lld events chained, %lld appeals match their history", (long long)res.events,
               (long long)res.appeals);
        if (res.subjects - res.users - res.disclosures) /* projects, items, votes, visits */
            printf(", and so do %lld project%s, %lld list item%s%s %lld vote session%s",
                   (long long)res.projects, res.projects == 1 ? "" : "s", (long long)res.items,
                   res.items == 1 ? "" : "s", res.visits ? "," : " and", (long long)res.votes,
                   res.votes == 1 ? "" : "s");
        if (res.visits)
            printf(" and %lld visit%s", (long long)res.visits, res.visits == 1 ? "" : "s");
        if (res.users) /* users changed since they were added */
            printf(", %lld changed user%s", (long long)res.users, res.users == 1 ? "" : "s");
        if (res.disclosures)
            printf(", %lld full view%s of personal data", (long long)res.disclosures,
                   res.disclosures == 1 ? "" : "s");
        printf("\n");
    }
    /* A failed audit is the command's one line on stderr, as every failure is. */
    if (!res.ok)
        fprintf(stderr, "shishi: audit failed: %s\n", res.problem);
    return res.ok ? 0 : 3;
}
