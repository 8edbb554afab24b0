/* test_sketch.c -- shingles, Jaccard, bands and the duplicate score (text/sketch.c), with
 * figures worked out by hand. */
#include "text/sketch.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "test.h"

#include "util/banned.h"

static void set_of(struct shingles *s, const char *a, const char *b)
{
    shingles_init(s);
    shingles_add(s, a);
    shingles_add(s, b);
    shingles_finish(s);
}

static double jac(const char *x, const char *y)
{
    struct shingles a, b;
    set_of(&a, x, NULL);
    set_of(&b, y, NULL);
    double j = shingles_jaccard(&a, &b);
    shingles_release(&a);
    shingles_release(&b);
    return j;
}

static int near(double got, double want)
{
    if (fabs(got - want) < 1e-9)
        return 1;
    fprintf(stderr, "got %.6f, want %.6f\n", got, want);
    return 0;
}

static void test_shingles(void)
{
    struct shingles s;
    /* 路灯不亮: 路灯 灯不 不亮; the word "3" and the lone 号 of "3号"... */
    set_of(&s, "路灯不亮", NULL);
    CHECK_INT(s.n, 3);
    shingles_release(&s);
    /* Two runs split by punctuation: 路灯 | 不亮 -> 2 pairs, no pair across the comma. */
    set_of(&s, "路灯，不亮", NULL);
    CHECK_INT(s.n, 2);
    shingles_release(&s);
    /* A lone Han character is a shingle; a Latin word and a number are one each. */
    set_of(&s, "3号 楼 ABC", NULL);
    CHECK_INT(s.n, 4); /* 3, 号, 楼, abc */
    shingles_release(&s);
    /* Repeats count once; title and content add to one set. */
    set_of(&s, "漏水漏水", "漏水");
    CHECK_INT(s.n, 2); /* 漏水 水漏 */
    shingles_release(&s);
    set_of(&s, NULL, "");
    CHECK_INT(s.n, 0);
    int64_t bands[SKETCH_BANDS];
    CHECK_INT(shingles_bands(&s, bands), 0);
    shingles_release(&s);
    /* Bad bytes separate, they do not crash or join. */
    set_of(&s, "路灯\xff不亮", NULL);
    CHECK_INT(s.n, 2);
    shingles_release(&s);
}

static void test_jaccard(void)
{
    CHECK(near(jac("路灯不亮", "路灯不亮"), 1.0));
    /* {路灯,灯不,不亮} vs {路灯,灯坏,坏了}: 1 shared of 5. */
    CHECK(near(jac("路灯不亮", "路灯坏了"), 1.0 / 5.0));
    CHECK(near(jac("路灯不亮", "噪音扰民"), 0.0));
    CHECK(near(jac("", ""), 0.0));
    /* Full-width and case fold: ＡＢＣ１２３ is abc123. */
    CHECK(near(jac("ＡＢＣ１２３ 停车", "abc123停车"), 1.0));
    CHECK(near(jac("WiFi 没信号", "wifi没信号"), 1.0));
}

static void test_bands(void)
{
    struct shingles a, b, c;
    set_of(&a, "幸福小区3号楼前路灯已坏两周", "夜里看不见路，老人出行不便，请尽快维修。");
    set_of(&b, "幸福小区3号楼路灯坏了两周", "夜里看不见路，老人出行不便，请尽快修理。");
    set_of(&c, "学校门口早晚高峰拥堵", "家长接送车辆乱停，建议设置临时停车区。");
    int64_t ba[SKETCH_BANDS], bb[SKETCH_BANDS], bc[SKETCH_BANDS], ba2[SKETCH_BANDS];
    CHECK_INT(shingles_bands(&a, ba), SKETCH_BANDS);
    CHECK_INT(shingles_bands(&a, ba2), SKETCH_BANDS);
    CHECK(memcmp(ba, ba2, sizeof(ba)) == 0); /* the same text, the same bands */
    shingles_bands(&b, bb);
    shingles_bands(&c, bc);
    int ab = 0, ac = 0;
    for (int i = 0; i < SKETCH_BANDS; i++) {
        ab += ba[i] == bb[i];
        ac += ba[i] == bc[i];
    }
    double jab = shingles_jaccard(&a, &b);
    if (jab < 0.5)
        fprintf(stderr, "near-copy Jaccard %.3f\n", jab);
    CHECK(jab >= 0.5);
    CHECK(ab >= 1);  /* a near-copy shares a band */
    CHECK_INT(ac, 0); /* an unrelated text shares none */
    CHECK(shingles_jaccard(&a, &c) < 0.1);
    shingles_release(&a);
    shingles_release(&b);
    shingles_release(&c);
}

static void test_fold_and_score(void)
{
    char out[64];
    text_fold("幸福小区 ３号楼（东）", out, sizeof(out));
    CHECK_STR(out, "幸福小区3号楼东");
    text_fold("138-1234 5678", out, sizeof(out));
    CHECK_STR(out, "13812345678");
    text_fold("幸福小区", out, 7); /* never a cut character: two of 3 bytes fit in 6 */
    CHECK_STR(out, "幸福");
    text_fold(NULL, out, sizeof(out));
    CHECK_STR(out, "");

    int why = -1;
    CHECK(near(dup_score(0.8, 0, 0, &why), 0.8));
    CHECK_INT(why, DUP_TEXT);
    CHECK(near(dup_score(0.1, 1, 0, &why), 0.4));
    CHECK_INT(why, DUP_PHONE); /* a Jaccard of 0.1 is no reason */
    CHECK(near(dup_score(0.9, 1, 1, &why), 1.0));
    CHECK_INT(why, DUP_TEXT | DUP_PHONE | DUP_PLACE);
    CHECK(dup_score(0.0, 0, 1, NULL) < DUP_LIST_MIN); /* a shared address alone is not listed */
}

int main(void)
{
    test_shingles();
    test_jaccard();
    test_bands();
    test_fold_and_score();
    return test_done("test_sketch");
}
