/* report_cmd.c -- the basic report, and audit verify. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

#include "util/banned.h"

static void rate_text(int64_t num, int64_t den, char *out, size_t size)
{
    double r = report_rate(num, den);
    if (r < 0)
        snprintf(out, size, "—");
    else
        snprintf(out, size, "%.2f%%", r);
}

static void tally_rows(struct table *t, const struct tally_set *s, const struct names *n,
                       const char *what, const char *(*name)(const struct names *, int64_t))
{
    for (size_t i = 0; i < s->n; i++) {
        const struct tally *x = &s->items[i];
        char rec[24], rep[24], rr[24], tr[24];
        snprintf(rec, sizeof(rec), "%lld", (long long)x->received);
        snprintf(rep, sizeof(rep), "%lld", (long long)x->replied);
        rate_text(x->replied, x->eligible, rr, sizeof(rr));
        rate_text(x->timely, x->due, tr, sizeof(tr));
        const char *nm = name(n, x->key);
        const char *row[] = {what, *nm ? nm : "(未分类)", rec, rep, rr, tr};
        table_add(t, row);
    }
}

int cmd_report(struct cli *c, int argc, char **argv)
{
    static const struct opt_spec spec[] = {COMMON_OPTS, {"from", OPT_VALUE}, {"to", OPT_VALUE},
                                           {"format", OPT_VALUE}, {0, 0}};
    struct opts o;
    struct err e = {0};
    const char *format;
    if (cli_parse(c, argc, argv, spec, &o, &e) < 0 ||
        opt_format(&o, "table|json|csv", &format, &e) < 0)
        return cli_fail(&e);
    if (!opt_get(&o, "from") || !opt_get(&o, "to")) {
        err_set(&e, ERR_INVALID, "", "report needs --from DATE and --to DATE");
        return cli_fail(&e);
    }
    struct report r;
    struct names n;
    if (cli_open(c, 0, &e) < 0 ||
        svc_report(&c->svc, opt_get(&o, "from"), opt_get(&o, "to"), c->now, &r, &e) < 0)
        return cli_fail(&e);
    if (names_load(&c->svc, &n, &e) < 0) {
        report_release(&r);
        return cli_fail(&e);
    }
    if (!strcmp(format, "json")) {
        cli_print_json(view_report(&n, &r));
    } else {
        static const char *const head[] = {"维度", "名称", "受理", "已答复", "回复率", "及时率"};
        struct table t;
        table_init(&t, 6, head);
        tally_rows(&t, &(struct tally_set){&r.total, 1, 1}, &n, "合计", names_area);
        free(t.cells[1]);
        t.cells[1] = xstrdup("全部");
        tally_rows(&t, &r.by_unit, &n, "单位", names_unit);
        tally_rows(&t, &r.by_area, &n, "领域", names_area);
        tally_rows(&t, &r.by_channel, &n, "渠道", names_channel);
        table_print(&t, format);
        table_release(&t);
    }
    names_release(&n);
    report_release(&r);
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
    if (cli_open(c, 0, &e) < 0 || svc_audit_verify(&c->svc, &res, &e) < 0)
        return cli_fail(&e);
    if (!strcmp(format, "json")) {
        json_t *j = json_pack("{s:b, s:I, s:I}", "ok", res.ok, "events", (json_int_t)res.events,
                              "appeals", (json_int_t)res.appeals);
        if (!res.ok) {
            json_object_set_new(j, "bad_event",
                                res.bad_event ? json_integer(res.bad_event) : json_null());
            json_object_set_new(j, "bad_appeal",
                                res.bad_appeal[0] ? json_string(res.bad_appeal) : json_null());
            json_object_set_new(j, "problem", json_string(res.problem));
        }
        cli_print_json(j);
    } else if (res.ok) {
        printf("audit ok: %lld events chained, %lld appeals match their history\n",
               (long long)res.events, (long long)res.appeals);
    } else {
        printf("audit FAILED: %s\n", res.problem);
    }
    if (!res.ok)
        fprintf(stderr, "shishi: audit failed: %s\n", res.problem);
    return res.ok ? 0 : 3;
}
