/* test_hotspot.c -- hot spots (text/hotspot.c) on a generated corpus: three planted matters,
 * each written up by several people in their own words, among one-off appeals; the groups
 * found are exactly the planted ones, scored and placed as the header says. */
#include "text/hotspot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

#include "util/banned.h"

/* The planted matters: a place, what is wrong, and how people word it. */
static const struct {
    const char *place, *what;
    int callers, likes;
} planted[] = {
    {"丽发新城小区", "附近搅拌站夜间施工噪音扰民", 8, 40},
    {"魅力之城小区", "一楼夜宵摊油烟直排扰民", 6, 5},
    {"滨河苑", "开发商车位捆绑销售", 4, 0},
};
static const char *const openers[] = {"反映", "投诉", "请求解决", "关于", "强烈要求处理",
                                      "再次反映", "紧急求助", "希望关注"};
static const char *const closers[] = {"，请尽快处理。", "，影响居民休息。", "，多次反映无果。",
                                      "，望有关部门重视。", "。", "，严重影响生活。",
                                      "，恳请督促整改。", "，盼回复。"};
/* One-off appeals, each about a different thing in a different place. */
static const char *const singles[] = {
    "育才路口红绿灯时间太短", "东湖公园厕所无人清扫", "人民医院挂号排队太长",
    "城南中学门口缺少斑马线", "火车站出租车拒载", "青山村自来水浑浊发黄",
    "农贸市场活禽宰杀污染", "幸福里公交站牌损坏", "工业园区企业拖欠工资",
    "高铁新城路灯不亮", "西门老街下水道堵塞", "金色家园电梯经常故障",
    "解放大道井盖缺失", "实验小学周边占道经营", "阳光花园物业乱收费",
    "滨江广场广场舞音响过大", "北郊垃圾站臭气熏天", "南湖社区健身器材损坏"};

#define MAX_DOCS 64

int main(void)
{
    struct hs_doc d[MAX_DOCS];
    char titles[MAX_DOCS][160], texts[MAX_DOCS][240], who[MAX_DOCS][16];
    size_t n = 0;
    int64_t t0 = 1700000000;
    for (size_t p = 0; p < sizeof(planted) / sizeof(planted[0]); p++)
        for (int k = 0; k < planted[p].callers; k++) {
            snprintf(titles[n], sizeof(titles[n]), "%sA市%s%s", openers[k % 8], planted[p].place,
                     planted[p].what);
            snprintf(texts[n], sizeof(texts[n]), "本人住在%s，%s%s", planted[p].place,
                     planted[p].what, closers[(k + (int)p) % 8]);
            snprintf(who[n], sizeof(who[n]), "U%zu-%d", p, k % (planted[p].callers - 1));
            d[n] = (struct hs_doc){.id = (int64_t)n + 1, .title = titles[n], .text = texts[n],
                                   .caller = who[n], .at = t0 + (int64_t)n * 3600,
                                   .likes = k == 0 ? planted[p].likes : 0, .current = 1};
            n++;
        }
    size_t planted_n = n;
    for (size_t s = 0; s < sizeof(singles) / sizeof(singles[0]); s++) {
        snprintf(titles[n], sizeof(titles[n]), "%s", singles[s]);
        snprintf(texts[n], sizeof(texts[n]), "%s，请有关部门处理。", singles[s]);
        snprintf(who[n], sizeof(who[n]), "S%zu", s);
        d[n] = (struct hs_doc){.id = (int64_t)n + 1, .title = titles[n], .text = texts[n],
                               .caller = who[n], .at = t0 + (int64_t)n * 3600, .current = 1};
        n++;
    }

    struct hs_group *g;
    size_t ng;
    CHECK_INT(hotspots_find(d, n, NULL, &g, &ng), 0);
    CHECK_INT(ng, 3);
    /* Best first: 8 appeals of 7 callers with 40 likes, then 6 of 5, then 4 of 3. */
    for (size_t i = 0; i < ng && i < 3; i++) {
        CHECK_INT(g[i].appeals, planted[i].callers);
        CHECK_INT(g[i].callers, planted[i].callers - 1);
        CHECK_STR(g[i].place, planted[i].place);
        CHECK(strstr(d[g[i].rep].title, planted[i].place) != NULL);
        for (size_t m = 0; m < g[i].n; m++)
            CHECK(g[i].members[m] < planted_n); /* no one-off appeal joined */
        double want = (double)(planted[i].callers - 1) + 0.5 + log1p((double)planted[i].likes);
        if (fabs(g[i].score - want) > 1e-9)
            fprintf(stderr, "group %zu: score %.4f, want %.4f\n", i, g[i].score, want);
        CHECK(fabs(g[i].score - want) < 1e-9);
        CHECK(g[i].trend == 0.0); /* no period before was given */
    }
    if (ng >= 1) {
        CHECK_INT(g[0].first, t0);
        CHECK_INT(g[0].last, t0 + 7 * 3600);
    }
    hotspots_free(g, ng);

    /* Growth: the first matter's first half moved to the period before. */
    for (int k = 0; k < 4; k++)
        d[k].current = 0;
    struct hs_opts o = {.growth = 1};
    CHECK_INT(hotspots_find(d, n, &o, &g, &ng), 0);
    CHECK_INT(ng, 3);
    int seen = 0;
    for (size_t i = 0; i < ng; i++)
        if (!strcmp(g[i].place, planted[0].place)) {
            seen = 1;
            CHECK_INT(g[i].appeals, 4);
            CHECK_INT(g[i].previous, 4);
            CHECK(g[i].trend == 0.0); /* (4 - 4) / 4 */
        } else {
            CHECK(g[i].trend == 2.0); /* nothing before: growth capped at 2 */
        }
    CHECK(seen);
    hotspots_free(g, ng);

    /* A group needs two appeals of the period; nothing at all is no group. */
    CHECK_INT(hotspots_find(d, 0, NULL, &g, &ng), 0);
    CHECK_INT(ng, 0);
    hotspots_free(g, ng);

    char place[64];
    hotspot_place("反映A5区劳动东路魅力之城小区一楼夜宵摊", place, sizeof(place));
    CHECK_STR(place, "劳动东路魅力之城小区");
    hotspot_place("小区路灯不亮", place, sizeof(place));
    CHECK_STR(place, ""); /* 小区 with no name before it, and 路灯 is no road */
    hotspot_place("A市育才路口拥堵", place, sizeof(place));
    CHECK_STR(place, "育才路");
    hotspot_place("投诉青山村自来水", place, sizeof(place));
    CHECK_STR(place, "青山村");
    hotspot_place(NULL, place, sizeof(place));
    CHECK_STR(place, "");
    return test_done("test_hotspot");
}
