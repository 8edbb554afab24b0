/* demo_votes.c -- the demo's deputies' vote: the 2021 people's congress of 永定区 votes on
 * its livelihood projects (民生实事项目票决). 48 deputies (names made up, deterministically),
 * 7 candidate projects, every deputy votes on every candidate (choices from a fixed-seed
 * generator against each candidate's support), majority_of_all, at most 5 chosen. The
 * count, as test_demo_votes.sh asserts: the town road upgrade (乡镇公路提质改造) is chosen.
 * Every change goes through the use cases of service/vote.h, inside svc_demo()'s
 * transaction. The chosen candidates then become 2021 projects, and their lead units report
 * cumulative progress on the 25th of each month from February on. */
#include "core/project.h"
#include "service/vote.h"

#include <stdio.h>
#include <string.h>

#include "service/project.h"
#include "service/subject.h"
#include "util/civil.h"

#include "util/banned.h"

#define DEMO_VOTE_CODE  "RD2021-01"
#define DEMO_VOTE_SEED  0x5244323032310001ULL
#define DEMO_DEPUTIES   48
#define DEMO_MAX_SELECT 5

struct cand_def {
    const char *title, *area, *unit, *measure, *target, *budget;
    int yes_pct, no_pct; /* the chance of each choice; the rest abstain */
};

/* clang-format off */
static const struct cand_def cands[] = {
    {"乡镇公路提质改造", "宜行", "区交通运输局", "公里", "120.5", "8600", 90, 4},
    {"城区中小学扩容提质", "就学", "区教育局", "个学位", "2400", "15000", 86, 6},
    {"农村安全饮水巩固提升", "宜居", "区水利局", "人", "36000", "4200", 82, 6},
    {"乡镇卫生院服务能力提升", "就医", "区卫健局", "所", "8", "3600", 76, 10},
    {"城区老旧小区改造", "宜居", "区住建局", "户", "2600", "9800", 64, 16},
    {"社区居家养老助餐点建设", "就餐", "区民政局", "个", "12", "1500", 52, 20},
    {"城区公共停车泊位建设", "宜行", "区城管执法局", "个", "1800", "5400", 30, 40},
};
static const char *const surnames[] = {"张", "王", "李", "刘", "陈", "杨", "赵", "黄",
                                       "周", "吴", "覃", "向", "田", "彭", "龚", "卓"};
static const char *const given[] = {"建国", "秀英", "志刚", "丽华", "海波", "春兰",
                                    "德明", "桂芳", "永红", "国庆", "晓燕", "卫东"};
/* clang-format on */

#define NCANDS ((int)(sizeof(cands) / sizeof(cands[0])))

static uint64_t next(uint64_t *s)
{
    /* splitmix64 */
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Where each chosen project stands by December, in percent of its plan (by candidate seq). */
static const int december_pct[] = {92, 100, 85, 100, 75, 90, 90};

/* The adopted projects' monthly progress: cumulative, linear from February to December. */
static int adopted_progress(struct service *svc, const struct actor *who, struct err *e)
{
    struct rec session;
    struct rec *cands_rows = NULL;
    size_t nc = 0;
    int rc = -1;
    int found = rec_find(svc->st, "vote_sessions", "code", DEMO_VOTE_CODE, &session, e);
    if (found != 0)
        return found < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "code", "no vote %s", DEMO_VOTE_CODE);
    if (rec_list(svc->st, "vote_candidates", "session_id", row_int(&session.row, "id"),
                 &cands_rows, &nc, e) < 0)
        goto out;
    for (size_t k = 0; k < nc; k++) {
        int64_t project = row_int(&cands_rows[k].row, "project_id");
        int seq = (int)row_int(&cands_rows[k].row, "seq");
        if (!project || seq < 1 || seq > (int)(sizeof(december_pct) / sizeof(december_pct[0])))
            continue;
        struct rec p;
        if (rec_get(svc->st, "projects", project, "project", &p, e) < 0)
            goto out;
        char pcode[32];
        snprintf(pcode, sizeof(pcode), "%s", row_text(&p.row, "code"));
        int64_t plan = row_int(&p.row, "plan_x100");
        char measure[64];
        snprintf(measure, sizeof(measure), "%s", row_text(&p.row, "measure"));
        rec_release(&p);
        for (int m = 2; m <= 12; m++) {
            int64_t v = plan * december_pct[seq - 1] * (m - 1) / (11 * 100);
            if (project_measure_counted(measure))
                v -= v % 100; /* seats and schools are counted whole */
            char on[16], value[32];
            int64_t d = civil_days(2021, m, 25);
            civil_format_date(d, on);
            snprintf(value, sizeof(value), "%lld.%02lld", (long long)(v / 100),
                     (long long)(v % 100));
            struct progress_req pr = {.code = pcode, .on = on, .value = value,
                                      .note = "月度进度报送", .at = civil_site_midnight(d) + 10 * 3600};
            if (svc_project_progress(svc, who, &pr, e) < 0)
                goto out;
        }
    }
    rc = 0;
out:
    rec_release(&session);
    rec_list_release(cands_rows, nc);
    return rc;
}

int demo_votes(struct service *svc, struct err *e)
{
    struct actor who;
    if (svc_actor(svc, NULL, &who, e) < 0)
        return -1;
    int64_t day = civil_site_midnight(civil_days(2021, 1, 14));
    struct vote_req q = {DEMO_VOTE_CODE,
                         "永定区第十八届人民代表大会第六次会议民生实事项目票决",
                         2021,
                         "majority_of_all",
                         DEMO_MAX_SELECT,
                         0,
                         day + 9 * 3600};
    int64_t id, seq;
    if (svc_vote_create(svc, &who, &q, &id, e) < 0)
        return -1;

    /* 48 distinct names: surname i % 16 with given name (i / 16 * 5 + i) % 12 */
    char names[DEMO_DEPUTIES][32];
    const char *np[DEMO_DEPUTIES];
    for (int i = 0; i < DEMO_DEPUTIES; i++) {
        snprintf(names[i], sizeof(names[i]), "%s%s", surnames[i % 16],
                 given[(i / 16 * 5 + i) % 12]);
        np[i] = names[i];
    }
    if (svc_vote_deputies(svc, &who, DEMO_VOTE_CODE, np, DEMO_DEPUTIES, day + 9 * 3600 + 600, e) <
        0)
        return -1;
    for (int k = 0; k < NCANDS; k++) {
        struct vote_candidate_req c = {cands[k].title,
                                       cands[k].area,
                                       cands[k].unit,
                                       cands[k].measure,
                                       cands[k].target,
                                       cands[k].budget,
                                       day + 9 * 3600 + 900 + k * 60};
        if (svc_vote_candidate(svc, &who, DEMO_VOTE_CODE, &c, &seq, e) < 0)
            return -1;
    }
    if (svc_vote_open(svc, &who, DEMO_VOTE_CODE, day + 15 * 3600, e) < 0)
        return -1;

    static const char *const choice[] = {"赞成", "反对", "弃权"};
    struct vote_ballot_req b[DEMO_DEPUTIES * NCANDS];
    uint64_t rng = DEMO_VOTE_SEED;
    size_t n = 0;
    for (int i = 0; i < DEMO_DEPUTIES; i++)
        for (int k = 0; k < NCANDS; k++) {
            int roll = (int)(next(&rng) % 100);
            int c = roll < cands[k].yes_pct ? 0 : roll < cands[k].yes_pct + cands[k].no_pct ? 1 : 2;
            b[n++] = (struct vote_ballot_req){names[i], k + 1, choice[c]};
        }
    if (svc_vote_ballots(svc, &who, DEMO_VOTE_CODE, b, n, day + 15 * 3600 + 1800, NULL, e) < 0 ||
        svc_vote_close(svc, &who, DEMO_VOTE_CODE, day + 16 * 3600, NULL, e) < 0)
        return -1;
    if (svc_vote_adopt(svc, &who, DEMO_VOTE_CODE, day + 17 * 3600, NULL, e) < 0)
        return -1;
    return adopted_progress(svc, &who, e);
}
