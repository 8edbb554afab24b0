/* text_cmd.c -- what the ledger's text tells: an appeal's likely duplicates, and rebuilding
 * the text sketches they are found by. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text/classify.h"
#include "util/civil.h"
#include "util/utf8.h"

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

int cmd_learn(struct cli *c, int argc, char **argv)
{
    static const struct opt_spec spec[] = {COMMON_OPTS, {0, 0}};
    struct opts o;
    struct err e = {0};
    struct learn_result r;
    if (cli_parse(c, argc, argv, spec, &o, &e) < 0 || cli_open(c, 0, &e) < 0 ||
        svc_learn(&c->svc, &c->who, c->now, &r, &e) < 0)
        return cli_fail(&e);
    printf("learnt lead units from %lld appeals (%d units), focus areas from %lld (%d areas)\n",
           (long long)r.examples[MODEL_UNIT], r.classes[MODEL_UNIT],
           (long long)r.examples[MODEL_AREA], r.classes[MODEL_AREA]);
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

#define HOTSPOT_TSV_MAX (256 << 20)

int cmd_hotspots(struct cli *c, int argc, char **argv)
{
    static const struct opt_spec spec[] = {COMMON_OPTS,          {"from", OPT_VALUE},
                                           {"to", OPT_VALUE},    {"top", OPT_VALUE},
                                           {"tsv", OPT_VALUE},   {"format", OPT_VALUE},
                                           {0, 0}};
    struct opts o;
    struct err e = {0};
    const char *format;
    if (cli_parse(c, argc, argv, spec, &o, &e) < 0 ||
        opt_format(&o, "table|json", &format, &e) < 0)
        return cli_fail(&e);
    size_t top;
    if (svc_hotspots_top(opt_get(&o, "top"), &top, &e) < 0)
        return cli_fail(&e);
    if (o.nargs) {
        err_set(&e, ERR_INVALID, "",
                "usage: shishi hotspots [--from D --to D] [--top N] [--tsv FILE] [--format json]");
        return cli_fail(&e);
    }
    const char *from = opt_get(&o, "from"), *to = opt_get(&o, "to"), *tsv = opt_get(&o, "tsv");
    struct hotspots h;
    struct buf text = BUF_INIT;
    int rc;
    if (tsv) {
        rc = cli_read_file(tsv, HOTSPOT_TSV_MAX, &text, &e);
        if (rc == 0)
            rc = svc_hotspots_tsv(text.ptr, text.len, from, to, &h, &e);
    } else {
        rc = cli_open(c, 0, &e) < 0 ? -1 : svc_hotspots(&c->svc, &c->who, from, to, &h, &e);
    }
    if (rc < 0) {
        buf_release(&text);
        return cli_fail(&e);
    }
    json_t *all = svc_hotspots_json(&h, top), *doc = json_object_get(all, "hotspots");
    if (!strcmp(format, "json")) {
        cli_print_json(all);
    } else {
        static const char *const head[] = {"排名", "热度", "诉求数", "人数", "上期", "点赞",
                                           "时间跨度", "地点", "代表标题", "编号"};
        struct table t;
        table_init(&t, 10, head);
        for (size_t i = 0; i < json_array_size(doc); i++) {
            json_t *g = json_array_get(doc, i);
            char rank[24], score[16], n[16], who[16], prev[16], likes[16], span[32], codes[96];
            snprintf(rank, sizeof(rank), "%zu", i + 1);
            snprintf(score, sizeof(score), "%.1f", json_real_value(json_object_get(g, "score")));
            cli_jnum(g, "appeals", n, sizeof(n));
            cli_jnum(g, "callers", who, sizeof(who));
            cli_jnum(g, "previous", prev, sizeof(prev));
            cli_jnum(g, "likes", likes, sizeof(likes));
            snprintf(span, sizeof(span), "%.10s~%.10s", cli_jstr(g, "first"), cli_jstr(g, "last"));
            json_t *cs = json_object_get(g, "codes");
            size_t k = 0;
            codes[0] = '\0';
            for (size_t j = 0; j < json_array_size(cs) && j < 2; j++) {
                json_t *x = json_array_get(cs, j);
                char one[40];
                if (json_is_string(x))
                    snprintf(one, sizeof(one), "%s", json_string_value(x));
                else
                    snprintf(one, sizeof(one), "%lld", (long long)json_integer_value(x));
                int w = snprintf(codes + k, sizeof(codes) - k, "%s%s", j ? " " : "", one);
                if (w > 0 && (size_t)w < sizeof(codes) - k)
                    k += (size_t)w;
            }
            if (json_array_size(cs) > 2 && k + 8 < sizeof(codes))
                snprintf(codes + k, sizeof(codes) - k, " 等%zu件", json_array_size(cs));
            char title[64];
            snprintf(title, sizeof(title), "%s", cli_jstr(g, "title"));
            size_t fit = utf8_fit(title, 38);
            if (title[fit])
                snprintf(title + fit, sizeof(title) - fit, "…");
            const char *row[] = {rank, score, n, who, prev, likes, span, cli_jstr(g, "place"),
                                 title, codes};
            table_add(&t, row);
        }
        table_print(&t, "table");
        table_release(&t);
        json_decref(all);
        if (!h.ngroups)
            printf("没有发现热点：同一事项至少 2 件诉求才成组\n");
    }
    svc_hotspots_release(&h);
    buf_release(&text);
    return 0;
}

#define CLASSIFY_TSV_MAX (256 << 20)

static double seconds_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* shishi classify eval --train FILE --test FILE [--format table|json] */
static int classify_eval(struct cli *c, const struct opts *o, const char *format)
{
    (void)c;
    struct err e = {0};
    const char *train = opt_get(o, "train"), *test = opt_get(o, "test");
    if (!train || !test) {
        err_set(&e, ERR_INVALID, train ? "test" : "train",
                "usage: shishi classify eval --train FILE --test FILE [--format json]");
        return cli_fail(&e);
    }
    struct buf tb = BUF_INIT, sb = BUF_INIT;
    struct cls_row *tr = NULL, *te = NULL;
    size_t ntr = 0, nte = 0;
    struct classifier m;
    classifier_init(&m, 0);
    int rc = -1;
    const char *as = opt_get(o, "alpha");
    if (as) {
        char *end;
        m.alpha = strtod(as, &end);
        if (!*as || *end || !(m.alpha > 0 && m.alpha <= 100)) {
            err_set(&e, ERR_INVALID, "alpha", "--alpha must be a number in (0, 100], not '%s'", as);
            goto out;
        }
    }
    if (cli_read_file(train, CLASSIFY_TSV_MAX, &tb, &e) < 0 ||
        cls_read_tsv(tb.ptr, tb.len, &tr, &ntr, &e) < 0 ||
        cli_read_file(test, CLASSIFY_TSV_MAX, &sb, &e) < 0 ||
        cls_read_tsv(sb.ptr, sb.len, &te, &nte, &e) < 0)
        goto out;
    if (!ntr || !nte) {
        err_set(&e, ERR_INVALID, ntr ? "test" : "train", "the %s file has no rows",
                ntr ? "test" : "train");
        goto out;
    }
    double t0 = seconds_now();
    for (size_t i = 0; i < ntr; i++)
        if (classifier_add(&m, tr[i].label, tr[i].text, &e) < 0) {
            err_set(&e, e.code, "train", "%s, row %zu: %s", train, i + 1, e.msg);
            goto out;
        }
    for (size_t i = 0; i < nte; i++) /* classes only the test set has: never predicted */
        classifier_class(&m, te[i].label, 1);
    classifier_finish(&m);
    double t1 = seconds_now();
    struct cls_eval v;
    cls_eval_init(&v, m.n);
    double mean_conf = 0;
    for (size_t i = 0; i < nte; i++) {
        struct cls_guess g;
        classifier_predict(&m, te[i].text, &g, 1);
        cls_eval_add(&v, m.n, classifier_class(&m, te[i].label, 0), g.cls);
        mean_conf += g.confidence;
    }
    mean_conf /= (double)nte;
    double t2 = seconds_now();
    cls_eval_finish(&v, m.n);
    double per_s = t2 > t1 ? (double)nte / (t2 - t1) : 0;
    if (!strcmp(format, "json")) {
        json_t *classes = json_array(), *labels = json_array(), *conf = json_array();
        for (int k = 0; k < m.n; k++) {
            json_array_append_new(labels, json_string(m.label[k]));
            json_array_append_new(classes, json_pack("{s:s, s:f, s:f, s:f, s:I}", "label",
                                                     m.label[k], "precision", v.precision[k],
                                                     "recall", v.recall[k], "f1", v.f1[k],
                                                     "support", (json_int_t)v.support[k]));
            json_t *row = json_array();
            for (int j = 0; j < m.n; j++)
                json_array_append_new(row, json_integer(v.confusion[(size_t)k * (size_t)m.n + (size_t)j]));
            json_array_append_new(conf, row);
        }
        cli_print_json(json_pack("{s:I, s:I, s:f, s:f, s:f, s:o, s:o, s:o, s:f, s:f}", "train",
                                 (json_int_t)ntr, "test", (json_int_t)nte, "accuracy", v.accuracy,
                                 "macro_f1", v.macro_f1, "mean_confidence", mean_conf, "classes",
                                 classes, "labels", labels,
                                 "confusion", conf, "train_seconds", t1 - t0,
                                 "predict_per_second", per_s));
    } else {
        printf("训练 %zu 条，测试 %zu 条；准确率 accuracy %.4f，宏平均 macro-F1 %.4f\n", ntr, nte,
               v.accuracy, v.macro_f1);
        printf("训练用时 %.3f s，预测 %.0f 条/秒\n", t1 - t0, per_s);
        static const char *const head[] = {"类别", "精确率", "召回率", "F1", "样本数"};
        struct table t;
        table_init(&t, 5, head);
        for (int k = 0; k < m.n; k++) {
            char p[16], r[16], f[16], s[24];
            snprintf(p, sizeof(p), "%.4f", v.precision[k]);
            snprintf(r, sizeof(r), "%.4f", v.recall[k]);
            snprintf(f, sizeof(f), "%.4f", v.f1[k]);
            snprintf(s, sizeof(s), "%lld", (long long)v.support[k]);
            const char *row[] = {m.label[k], p, r, f, s};
            table_add(&t, row);
        }
        table_print(&t, "table");
        table_release(&t);
        printf("混淆矩阵（行：实际，列：预测）\n");
        for (int k = 0; k < m.n; k++) {
            printf("%-12s", m.label[k]);
            for (int j = 0; j < m.n; j++)
                printf(" %5lld", (long long)v.confusion[(size_t)k * (size_t)m.n + (size_t)j]);
            printf("\n");
        }
    }
    cls_eval_release(&v);
    rc = 0;
out:
    free(tr);
    free(te);
    buf_release(&tb);
    buf_release(&sb);
    classifier_release(&m);
    return rc < 0 ? cli_fail(&e) : 0;
}

int cmd_classify(struct cli *c, int argc, char **argv)
{
    static const struct opt_spec spec[] = {COMMON_OPTS,        {"train", OPT_VALUE},
                                           {"test", OPT_VALUE}, {"format", OPT_VALUE},
                                           {"alpha", OPT_VALUE}, {0, 0}};
    struct opts o;
    struct err e = {0};
    const char *format;
    if (cli_parse(c, argc, argv, spec, &o, &e) < 0 ||
        opt_format(&o, "table|json", &format, &e) < 0)
        return cli_fail(&e);
    if (o.nargs == 1 && !strcmp(o.args[0], "eval"))
        return classify_eval(c, &o, format);
    err_set(&e, ERR_INVALID, "",
            "usage: shishi classify eval --train FILE --test FILE [--format json]");
    return cli_fail(&e);
}
