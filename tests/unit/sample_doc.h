/* sample_doc.h -- a small bulletin-shaped doc for the renderer tests: Chinese text, every cell
 * kind, a wide table, a bar chart and a trend chart with a gap. */
#ifndef SHISHI_SAMPLE_DOC_H
#define SHISHI_SAMPLE_DOC_H

#include <math.h>

#include "report/doc.h"

static void sample_doc(struct doc *d)
{
    doc_init(d);
    d->title = "永定区“我为群众办实事”诉求办理情况通报";
    d->subtitle = "2021年7月（2021-07-01 至 2021-07-31）· 考核规则第1版";
    doc_para(d, "本月共受理群众诉求 231 件，环比增长 12.50%；回复率 100.00%，及时率 94.81%。");

    static const char *const scols[] = {"指标", "本期", "上期", "环比(%)"};
    static const int sw[] = {16, 10, 10, 10};
    struct doc_table *t = doc_table_add(d, "summary", "一、总体情况", "汇总", 4, scols, sw);
    struct cell *c = doc_row_add(d, t);
    cell_text(d, &c[0], "受理量");
    cell_int(&c[1], 231);
    cell_int(&c[2], 205);
    cell_change(&c[3], 12.5);
    c = doc_row_add(d, t);
    cell_text(d, &c[0], "回复率(%)");
    cell_rate(&c[1], 100);
    cell_rate(&c[2], 99.51);
    cell_change(&c[3], -0.49);
    c = doc_row_add(d, t);
    cell_text(d, &c[0], "满意率(%)");
    cell_none(&c[1]);
    cell_rate(&c[2], 0);
    cell_change(&c[3], NAN);

    static const char *const rcols[] = {"名次", "单位", "办件量", "响应率(%)", "解决率(%)",
                                        "满意率(%)", "综合得分"};
    static const int rw[] = {6, 18, 8, 10, 10, 10, 10};
    t = doc_table_add(d, "ranking", "二、单位排名", "排名", 7, rcols, rw);
    t->note = "办件量少于 5 件的单位列出但不排名。";
    static const char *const units[] = {"区教育局", "永定公安分局", "区住建局", "南庄坪街道",
                                        "罗水乡"};
    static const double score[] = {98.25, 95.5, 91.04, 88, -1};
    for (int i = 0; i < 5; i++) {
        c = doc_row_add(d, t);
        if (score[i] >= 0)
            cell_int(&c[0], i + 1);
        else
            cell_none(&c[0]);
        cell_text(d, &c[1], units[i]);
        cell_int(&c[2], score[i] >= 0 ? 40 - i * 7 : 3);
        cell_rate(&c[3], 100 - i);
        cell_rate(&c[4], 95.5 - i * 2);
        cell_rate(&c[5], score[i] >= 0 ? 97.3 - i : -1);
        cell_rate(&c[6], score[i]);
    }

    static const char *const lcols[] = {"编号",     "受理时间", "渠道",     "领域", "标题",
                                        "联系人",   "电话",     "承办单位", "状态", "办理期限",
                                        "答复时间", "解决情况", "满意度"};
    static const int lw[] = {14, 16, 8, 6, 30, 6, 12, 14, 8, 16, 16, 8, 8};
    t = doc_table_add(d, "ledger", "附件：诉求台账", "台账", 13, lcols, lw);
    t->wide = 1;
    for (int i = 0; i < 40; i++) {
        c = doc_row_add(d, t);
        cell_text(d, &c[0], doc_printf(d, "YD20210701%04d", i + 1));
        cell_text(d, &c[1], "2021-07-01 09:30");
        cell_text(d, &c[2], "微信群");
        cell_text(d, &c[3], "宜行");
        cell_text(d, &c[4], i == 3 ? "夜间停车难，建议开放机关单位停车场, 含逗号和\"引号\""
                                   : "天门山镇小坪村饮水管道漏水");
        cell_text(d, &c[5], "张*");
        cell_text(d, &c[6], "138****5678");
        cell_text(d, &c[7], "区住建局");
        cell_text(d, &c[8], "已销号");
        cell_text(d, &c[9], "2021-07-12 24:00");
        cell_text(d, &c[10], "2021-07-09 16:00");
        cell_text(d, &c[11], "已解决");
        cell_text(d, &c[12], "满意");
    }

    struct doc_chart *ch = doc_chart_add(d, "scores", "单位综合得分", CHART_BAR, 4);
    ch->left_label = "得分";
    ch->nseries = 1;
    ch->series[0].name = "综合得分";
    ch->series[0].y = doc_alloc(d, 4 * sizeof(double));
    for (int i = 0; i < 4; i++) {
        ch->labels[i] = units[i];
        ch->series[0].y[i] = score[i];
    }

    static const char *const months[] = {"2020-08", "2020-09", "2020-10", "2020-11",
                                         "2020-12", "2021-01", "2021-02", "2021-03",
                                         "2021-04", "2021-05", "2021-06", "2021-07"};
    ch = doc_chart_add(d, "trend", "近12个月受理量与办理率", CHART_LINE, 12);
    ch->left_label = "受理量（件）";
    ch->right_label = "比率（%）";
    ch->nseries = 3;
    ch->series[0].name = "受理量";
    ch->series[1].name = "回复率";
    ch->series[1].right = 1;
    ch->series[2].name = "及时率";
    ch->series[2].right = 1;
    for (int s = 0; s < 3; s++)
        ch->series[s].y = doc_alloc(d, 12 * sizeof(double));
    for (int i = 0; i < 12; i++) {
        ch->labels[i] = months[i];
        ch->series[0].y[i] = i < 5 ? NAN : 150 + i * 7;
        ch->series[1].y[i] = i < 5 ? NAN : 98 + (i % 3) * 0.5;
        ch->series[2].y[i] = i < 5 ? NAN : 90 + i * 0.4;
    }
}

#endif
