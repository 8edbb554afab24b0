/* test_classify.c -- the text classifier (text/classify.c): a fixed tiny corpus whose answers
 * are plain, evaluation figures worked out by hand, the model saved and loaded back giving the
 * same answers, and damaged models and files refused. */
#include "text/classify.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

#include "util/banned.h"

static int near(double a, double b)
{
    if (fabs(a - b) < 1e-9)
        return 1;
    fprintf(stderr, "got %.9f, want %.9f\n", a, b);
    return 0;
}

int main(void)
{
    struct classifier c;
    struct err e = {0};
    classifier_init(&c, 0);
    static const char *const train[][2] = {
        {"停车", "小区停车难，车位不够"}, {"停车", "车位被占，停车收费太贵"},
        {"停车", "乱停车堵住消防通道"},   {"噪音", "夜间施工噪音扰民"},
        {"噪音", "广场舞音响太吵扰民"},   {"噪音", "装修噪音影响休息"},
    };
    for (size_t i = 0; i < sizeof(train) / sizeof(train[0]); i++)
        CHECK_INT(classifier_add(&c, train[i][0], train[i][1], &e), 0);
    classifier_finish(&c);
    CHECK_INT(c.n, 2);

    struct cls_guess g[2];
    CHECK_INT(classifier_predict(&c, "停车位不够用", g, 2), 2);
    CHECK_STR(c.label[g[0].cls], "停车");
    CHECK(g[0].confidence > 0.5 && g[0].confidence <= 1.0);
    CHECK(near(g[0].confidence + g[1].confidence, 1.0));
    CHECK_INT(classifier_predict(&c, "工地夜间噪音", g, 1), 1);
    CHECK_STR(c.label[g[0].cls], "噪音");

    /* Saved and loaded: the same counts, the same answers. */
    struct buf b = BUF_INIT;
    classifier_save(&c, &b);
    CHECK(strncmp(b.ptr, "shishi-nb 1 2 1048576\n停车\t3\t", 31) == 0);
    struct classifier d;
    CHECK_INT(classifier_load(&d, b.ptr, &e), 0);
    CHECK_INT(d.n, 2);
    struct cls_guess h[2];
    classifier_predict(&c, "停车收费", g, 2);
    classifier_predict(&d, "停车收费", h, 2);
    CHECK_INT(h[0].cls, g[0].cls);
    CHECK(near(h[0].confidence, g[0].confidence));
    classifier_release(&d);
    b.ptr[b.len - 3] = 'x'; /* a count that is no number */
    CHECK_INT(classifier_load(&d, b.ptr, &e), -1);
    CHECK_STR(e.field, "model");
    CHECK_INT(classifier_load(&d, "shishi-nb 1 1 1000\n", &e), -1); /* not a power of two */
    CHECK_INT(classifier_load(&d, "hello", &e), -1);
    CHECK(strstr(e.msg, "not a shishi model") != NULL);
    buf_release(&b);

    /* Refusals. */
    CHECK_INT(classifier_add(&c, "", "x", &e), -1);
    CHECK_STR(e.field, "label");
    CHECK_INT(classifier_add(&c, "a\tb", "x", &e), -1);
    CHECK_INT(classifier_class(&c, "没有这类", 0), -1);
    classifier_release(&c);

    /* Evaluation by hand: truth A A A B B B, predicted A A A B B A.
     * A: precision 3/4, recall 1, F1 6/7; B: precision 1, recall 2/3, F1 4/5. */
    struct cls_eval v;
    cls_eval_init(&v, 2);
    static const int truth[] = {0, 0, 0, 1, 1, 1}, pred[] = {0, 0, 0, 1, 1, 0};
    for (int i = 0; i < 6; i++)
        cls_eval_add(&v, 2, truth[i], pred[i]);
    cls_eval_finish(&v, 2);
    CHECK(near(v.accuracy, 5.0 / 6.0));
    CHECK(near(v.precision[0], 0.75));
    CHECK(near(v.recall[0], 1.0));
    CHECK(near(v.f1[1], 0.8));
    CHECK(near(v.macro_f1, (6.0 / 7.0 + 0.8) / 2));
    CHECK_INT(v.confusion[1 * 2 + 0], 1);
    CHECK_INT(v.support[1], 3);
    cls_eval_release(&v);

    /* The file of labelled texts. */
    char ok[] = "id\tlabel\ttext\r\n1\t停车\t车位不够\n\n2\t噪音\t太吵";
    struct cls_row *rows;
    size_t n;
    CHECK_INT(cls_read_tsv(ok, sizeof(ok) - 1, &rows, &n, &e), 0);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_STR(rows[0].label, "停车");
        CHECK_STR(rows[1].text, "太吵");
    }
    free(rows);
    char two[] = "1\t停车\n";
    CHECK_INT(cls_read_tsv(two, sizeof(two) - 1, &rows, &n, &e), -1);
    CHECK(strstr(e.msg, "line 1") != NULL);
    char nolabel[] = "1\t停车\tx\n2\t\ty\n";
    CHECK_INT(cls_read_tsv(nolabel, sizeof(nolabel) - 1, &rows, &n, &e), -1);
    CHECK(strstr(e.msg, "line 2: the label is empty") != NULL);
    char bad[] = "1\t\xff\tx\n";
    CHECK_INT(cls_read_tsv(bad, sizeof(bad) - 1, &rows, &n, &e), -1);
    CHECK(strstr(e.msg, "UTF-8") != NULL);
    return test_done("test_classify");
}
