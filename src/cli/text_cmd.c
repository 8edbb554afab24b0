/* text_cmd.c -- what the ledger's text tells: an appeal's likely duplicates, and rebuilding
 * the text sketches they are found by. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "util/civil.h"

#include "util/banned.h"

void cli_print_dups(FILE *f, const struct dup_list *d, size_t max)
{
    for (size_t i = 0; i < d->n && i < max; i++) {
        char why[128];
        svc_dup_reasons(&d->items[i], why, sizeof(why));
        fprintf(f, "提示: %s %s %.2f（%s）: %s\n", svc_dup_level(&d->items[i]), d->items[i].code,
                d->items[i].score, why, d->items[i].title);
    }
    if (d->n > max)
        fprintf(f, "提示: 另有 %zu 件相关诉求，见 shishi duplicates\n", d->n - max);
}

int cmd_duplicates(struct cli *c, int argc, char **argv)
{
    static const struct opt_spec spec[] = {COMMON_OPTS, {"format", OPT_VALUE}, {0, 0}};
    struct opts o;
    struct err e = {0};
    const char *format;
    if (cli_parse(c, argc, argv, spec, &o, &e) < 0 ||
        opt_format(&o, "table|json|csv", &format, &e) < 0)
        return cli_fail(&e);
    if (o.nargs != 1) {
        err_set(&e, ERR_INVALID, "", "usage: shishi duplicates CODE [--format table|json|csv]");
        return cli_fail(&e);
    }
    struct dup_list d;
    json_t *doc = NULL;
    if (cli_open(c, 0, &e) < 0 ||
        !(doc = svc_duplicates_doc(&c->svc, &c->who, o.args[0], &d, &e)))
        return cli_fail(&e);
    if (!strcmp(format, "json")) {
        cli_print_json(doc);
        return 0;
    }
    json_decref(doc);
    static const char *const head[] = {"编号", "判断", "得分", "文本相似度", "原因", "状态",
                                       "受理时间", "标题"};
    struct table t;
    table_init(&t, 8, head);
    for (size_t i = 0; i < d.n; i++) {
        const struct dup *x = &d.items[i];
        char score[16], jac[16], why[128], at[26];
        snprintf(score, sizeof(score), "%.2f", x->score);
        snprintf(jac, sizeof(jac), "%.2f", x->jaccard);
        svc_dup_reasons(x, why, sizeof(why));
        civil_format_instant(x->received_at, at);
        const char *row[] = {x->code, svc_dup_level(x), score, jac, why, state_label(x->state),
                             at, x->title};
        table_add(&t, row);
    }
    table_print(&t, format);
    table_release(&t);
    if (!strcmp(format, "table") && d.n == 0)
        printf("前后 %d 天内没有疑似重复的诉求\n", d.window_days);
    return 0;
}

int cmd_reindex(struct cli *c, int argc, char **argv)
{
    static const struct opt_spec spec[] = {COMMON_OPTS, {0, 0}};
    struct opts o;
    struct err e = {0};
    int64_t n;
    if (cli_parse(c, argc, argv, spec, &o, &e) < 0 || cli_open(c, 0, &e) < 0 ||
        svc_reindex(&c->svc, &c->who, &n, &e) < 0)
        return cli_fail(&e);
    printf("reindexed %lld appeals\n", (long long)n);
    return 0;
}
