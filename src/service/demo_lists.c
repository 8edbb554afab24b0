/* demo_lists.c -- the demo's leaders' lists for 2021 (包企业包项目): 43 key enterprises,
 * parks and chambers of commerce, each linked to one of 9 district leaders (4-5 each) and
 * backed by one of 30 support units (后盾单位, existing demo units); monthly visits with some
 * months missed; and 93 problems found on visits, dispatched as problem-list items (问题清单)
 * in three batches to the units that have handlers: a third closed with evidence and a
 * dispatcher's verification, some pending verification, the rest open, a few past due.
 * No appeals: the demo's appeal figures are asserted elsewhere. Deterministic: no clock, no
 * random numbers; everything is a function of the indexes below. */
#include "service/lists.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/subject.h"
#include "util/civil.h"

#include "util/banned.h"

/* clang-format off */
static const struct {
    const char *name, *title, *username;
} leaders[] = {
    {"向志军", "区委书记", "lingdao"},
    {"田茂林", "区委副书记、区长", NULL},
    {"覃建国", "区委常委、常务副区长", NULL},
    {"吴春华", "区委常委、组织部部长", NULL},
    {"符志刚", "区委常委、宣传部部长", NULL},
    {"杜晓敏", "副区长", NULL},
    {"谷宏伟", "副区长", NULL},
    {"卓丽君", "副区长", NULL},
    {"熊长青", "副区长", NULL},
};
#define N_LEADERS 9

static const struct {
    const char *name, *kind, *town;
} ents[] = {
    {"永定区天门山索道有限公司", "enterprise", "天门山镇"},
    {"永定区湘西北物流有限公司", "enterprise", "阳湖坪街道"},
    {"永定区莓茶生态科技有限公司", "enterprise", "茅岩河镇"},
    {"永定区澧水建材有限公司", "enterprise", "西溪坪街道"},
    {"永定区土家织锦文化有限公司", "enterprise", "永定街道"},
    {"永定区大庸古城旅游开发有限公司", "enterprise", "大庸桥街道"},
    {"永定区绿野农业开发有限公司", "enterprise", "教字垭镇"},
    {"永定区鑫源新材料有限公司", "enterprise", "阳湖坪街道"},
    {"永定区山泉饮品有限公司", "enterprise", "王家坪镇"},
    {"永定区武陵电子科技有限公司", "enterprise", "官黎坪街道"},
    {"永定区天子山茶业有限公司", "enterprise", "沅古坪镇"},
    {"永定区恒达汽车销售服务有限公司", "enterprise", "南庄坪街道"},
    {"永定区民族医药有限公司", "enterprise", "崇文街道"},
    {"永定区峰景酒店管理有限公司", "enterprise", "枫香岗街道"},
    {"永定区溪布老街商业管理有限公司", "enterprise", "大庸桥街道"},
    {"永定区金穗粮油有限公司", "enterprise", "尹家溪镇"},
    {"永定区宏图建筑工程有限公司", "enterprise", "西溪坪街道"},
    {"永定区青山水泥有限公司", "enterprise", "罗水乡"},
    {"永定区百草堂中药材种植有限公司", "enterprise", "教字垭镇"},
    {"永定区天门印务有限公司", "enterprise", "永定街道"},
    {"永定区云顶数字科技有限公司", "enterprise", "官黎坪街道"},
    {"永定区土家腊味食品有限公司", "enterprise", "王家坪镇"},
    {"永定区华悦商贸有限公司", "enterprise", "南庄坪街道"},
    {"永定区湘航水上旅游有限公司", "enterprise", "茅岩河镇"},
    {"永定区瑞丰农机专业合作社", "enterprise", "尹家溪镇"},
    {"永定区汇通电力安装有限公司", "enterprise", "阳湖坪街道"},
    {"永定区梓山竹木制品有限公司", "enterprise", "沅古坪镇"},
    {"永定区晨光学校用品有限公司", "enterprise", "崇文街道"},
    {"永定区康乐养老服务有限公司", "enterprise", "枫香岗街道"},
    {"永定区锦程驾驶培训有限公司", "enterprise", "西溪坪街道"},
    {"永定区盛世民宿管理有限公司", "enterprise", "天门山镇"},
    {"永定区新湘环保科技有限公司", "enterprise", "阳湖坪街道"},
    {"永定区红土地果业有限公司", "enterprise", "罗水乡"},
    {"永定区嘉禾医疗器械有限公司", "enterprise", "官黎坪街道"},
    {"永定区星河文化传媒有限公司", "enterprise", "永定街道"},
    {"永定区荣昌物业服务有限公司", "enterprise", "南庄坪街道"},
    {"永定区阳湖坪工业集中区", "park", "阳湖坪街道"},
    {"永定区西溪坪文旅产业园", "park", "西溪坪街道"},
    {"永定区工商联（总商会）", "chamber", "永定街道"},
    {"永定区湖北商会", "chamber", "大庸桥街道"},
    {"永定区浙江商会", "chamber", "南庄坪街道"},
    {"永定区青年企业家商会", "chamber", "崇文街道"},
    {"永定区民营旅游企业商会", "chamber", "天门山镇"},
};
#define N_ENTS 43

/* Problems found on visits and the unit (by code; each has a handler) that takes them. */
static const struct {
    const char *text, *unit;
} problems[] = {
    {"用工缺口较大，需组织专场招聘会", "rsj"},
    {"厂区门前道路破损，大货车通行困难", "jtj"},
    {"周边路段夜间无路灯，员工下班不安全", "zjj"},
    {"生产用水水压不足，影响正常生产", "slj"},
    {"员工子女就近入学有困难", "jyj"},
    {"周边占道经营影响消防通道", "cgj"},
    {"厂区周边治安巡逻需加强", "gafj"},
    {"职工突发疾病就医绿色通道需求", "wjj"},
    {"困难职工家庭申请临时救助", "mzj"},
    {"项目配套道路建设进度滞后", "jtj"},
    {"员工技能培训补贴申领流程不清", "rsj"},
    {"排水管网堵塞，雨天厂区积水", "zjj"},
    {"游客高峰期周边交通拥堵", "gafj"},
    {"沿河防洪设施需加固", "slj"},
    {"周边工地夜间施工噪声扰民", "cgj"},
};
#define N_PROBLEM_KINDS 15
/* clang-format on */

#define N_PROBLEMS 93
#define N_SUPPORT  30

static const char *const handler_of[][2] = {
    {"jyj", "jiaoyu"},   {"rsj", "renshe"},  {"gafj", "gongan"},
    {"mzj", "minzheng"}, {"zjj", "zhujian"}, {"jtj", "jiaotong"},
    {"slj", "shuili"},   {"wjj", "weijian"}, {"cgj", "chengguan"},
};

static const char *const findings[] = {
    "生产经营总体平稳，订单较上年有所增长",
    "企业反映融资成本偏高",
    "新生产线已投产，用工需求增加",
    "受疫情影响客流回升较慢",
    "企业正在申报高新技术企业",
    "安全生产台账规范，隐患已整改",
};

static int64_t at_day(int64_t day, int hour)
{
    return civil_site_midnight(day) + hour * 3600;
}

/* The batch (分批交办) of 2021 with `number`, created if the demo has none yet. */
static int batch_id(struct service *svc, int number, int64_t assigned_on, int64_t *id,
                    struct err *e)
{
    struct rec *bs;
    size_t n;
    *id = 0;
    if (rec_list(svc->st, "batches", "year", 2021, &bs, &n, e) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (row_int(&bs[i].row, "number") == number)
            *id = row_int(&bs[i].row, "id");
    rec_list_release(bs, n);
    if (*id)
        return 0;
    char name[32];
    snprintf(name, sizeof(name), "2021年第%d批", number);
    struct row r = {0};
    row_set_int(&r, "year", 2021);
    row_set_int(&r, "number", number);
    row_set_text(&r, "name", name);
    row_set_int(&r, "assigned_on", assigned_on);
    return store_rec_insert(svc->st, "batches", &r, id, e);
}

/* The 30 support units: the demo's departments, streets and towns, in unit order. */
static int support_units(struct service *svc, const char *out[N_SUPPORT], char names[][128],
                         struct err *e)
{
    struct unit *u;
    size_t n;
    int k = 0;
    if (store_unit_list(svc->st, &u, &n, e) < 0)
        return -1;
    for (size_t i = 0; i < n && k < N_SUPPORT; i++)
        if (u[i].kind == UNIT_DEPARTMENT || u[i].kind == UNIT_STREET || u[i].kind == UNIT_TOWN) {
            snprintf(names[k], 128, "%s", u[i].name);
            out[k] = names[k];
            k++;
        }
    free(u);
    if (k < N_SUPPORT)
        return err_set(e, ERR_STATE, "unit", "the demo has %d units for support, not %d", k,
                       N_SUPPORT);
    return 0;
}

int demo_lists(struct service *svc, struct err *e)
{
    struct actor sys, disp;
    if (svc_actor(svc, NULL, &sys, e) < 0 || svc_actor(svc, "paidan", &disp, e) < 0)
        return -1;
    int64_t jan1 = civil_days(2021, 1, 1);
    int64_t setup_at = at_day(jan1, 9);
    for (int i = 0; i < N_LEADERS; i++)
        if (svc_leader_add(svc, &sys, leaders[i].name, leaders[i].title, leaders[i].username, e) <
            0)
            return -1;
    const char *sup[N_SUPPORT];
    char sup_names[N_SUPPORT][128];
    if (support_units(svc, sup, sup_names, e) < 0)
        return -1;
    /* Enterprise i belongs to leader i % 9 (43 = 7 x 5 + 2 x 4); the last three joined the
     * list on 2021-04-15, and enterprise 6 moved from leader 6 to leader 7 after 2021-09-30. */
    int64_t since[N_ENTS];
    for (int i = 0; i < N_ENTS; i++) {
        since[i] = i >= N_ENTS - 3 ? civil_days(2021, 4, 15) : jan1;
        char d[11];
        civil_format_date(since[i], d);
        if (svc_enterprise_add(svc, &sys, ents[i].name, ents[i].kind, ents[i].town, "", e) < 0 ||
            svc_support_add(svc, &sys, sup[i % N_SUPPORT], ents[i].name, e) < 0 ||
            svc_leader_link(svc, &sys, leaders[i % N_LEADERS].name, ents[i].name, d, setup_at, e) <
                0)
            return -1;
    }
    if (svc_leader_unlink(svc, &sys, leaders[6].name, ents[6].name, "2021-09-30", setup_at, e) <
            0 ||
        svc_leader_link(svc, &sys, leaders[7].name, ents[6].name, "2021-10-01", setup_at, e) < 0)
        return -1;
    /* problems of January-April come in batch 1, May-August 2, September-December 3 */
    int64_t batches[3];
    if (batch_id(svc, 1, civil_days(2021, 1, 4), &batches[0], e) < 0 ||
        batch_id(svc, 2, civil_days(2021, 5, 4), &batches[1], e) < 0 ||
        batch_id(svc, 3, civil_days(2021, 9, 1), &batches[2], e) < 0)
        return -1;
    /* Monthly visits: each leader visits each enterprise on their list every month, except
     * when (leader * 7 + enterprise * 3 + month) % 11 == 0 -- a missed month. Visits
     * number 2 and 6 of every nine (counting from 0) turn up one problem each, until 93. */
    int nvisit = 0, nprob = 0;
    for (int m = 1; m <= 12; m++) {
        int64_t first = civil_days(2021, m, 1);
        int64_t last = (m == 12 ? civil_days(2022, 1, 1) : civil_days(2021, m + 1, 1)) - 1;
        for (int i = 0; i < N_ENTS; i++) {
            int li = i == 6 && first >= civil_days(2021, 10, 1) ? 7 : i % N_LEADERS;
            if (since[i] > last || (li * 7 + i * 3 + m) % 11 == 0)
                continue;
            int64_t day = first + 4 + (i * 3 + m) % 20;
            if (day < since[i])
                day = since[i];
            char date[11], who[200];
            civil_format_date(day, date);
            snprintf(who, sizeof(who), "%s、%s负责同志", leaders[li].name, sup[i % N_SUPPORT]);
            struct visit_req req;
            memset(&req, 0, sizeof(req));
            req.leader = leaders[li].name;
            req.enterprise = ents[i].name;
            req.date = date;
            req.who = who;
            req.place = ents[i].name;
            req.findings = findings[(i + m) % 6];
            req.at = at_day(day, 18);
            int kind = nprob % N_PROBLEM_KINDS;
            char due[11];
            /* due by the year's end; a few (every tenth) within twenty days */
            civil_format_date(nprob % 10 == 4 ? day + 20 : civil_days(2021, 12, 31), due);
            if ((nvisit % 9 == 2 || nvisit % 9 == 6) && nprob < N_PROBLEMS) {
                req.problems[0].text = problems[kind].text;
                req.problems[0].unit = problems[kind].unit;
                req.problems[0].due = due;
                req.problems[0].batch = (m - 1) / 4 + 1;
                req.nproblems = 1;
            }
            struct visit_result res;
            if (svc_visit_add(svc, &disp, &req, &res, e) < 0)
                return -1;
            nvisit++;
            if (!req.nproblems)
                continue;
            int p = nprob++;
            const char *code = res.codes[0];
            /* the six 有 filled in the evening of the visit; a few still lack their measures */
            struct task_change ch = {.code = code, .at = at_day(day, 19)};
            ch.six[SIX_TEAM] = "责任单位主要负责人牵头的工作专班";
            ch.six[SIX_PLAN] = "一问题一方案，明确时间表";
            ch.six[SIX_GOAL] = "问题清零、企业满意";
            if (p % 7 != 5)
                ch.six[SIX_MEASURES] = "现场办公，协调相关部门限时解决";
            if (svc_task_change(svc, &disp, TASK_OP_UPDATE, &ch, e) < 0)
                return -1;
            if (day > civil_days(2021, 12, 10) || p % 7 == 5)
                continue; /* too late in the year, or lacking measures: open */
            const char *unit = problems[kind].unit, *handler = NULL;
            for (size_t k = 0; k < sizeof(handler_of) / sizeof(handler_of[0]); k++)
                if (!strcmp(handler_of[k][0], unit))
                    handler = handler_of[k][1];
            struct actor h;
            if (svc_actor(svc, handler, &h, e) < 0)
                return -1;
            if (p % 3 == 1 || p % 6 == 2)
                continue; /* open */
            char evidence[64];
            snprintf(evidence, sizeof(evidence), "整改佐证-%s.jpg", code);
            struct task_change cl = {
                .code = code, .evidence = evidence, .at = at_day(day + 12, 16)};
            cl.six[SIX_RESULT] = "已协调解决，企业确认";
            if (svc_task_change(svc, &h, TASK_OP_CLOSE, &cl, e) < 0)
                return -1;
            if (p % 6 == 5)
                continue; /* pending verification */
            struct task_change v = {.code = code, .accept = 1, .at = at_day(day + 15, 10)};
            v.six[SIX_FEEDBACK] = "企业对办理结果表示满意";
            if (svc_task_change(svc, &disp, TASK_OP_VERIFY, &v, e) < 0)
                return -1;
        }
    }
    if (nprob != N_PROBLEMS)
        return err_set(e, ERR_STATE, "demo", "the demo found %d visit problems, not %d", nprob,
                       N_PROBLEMS);
    return 0;
}
