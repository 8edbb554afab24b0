/* demo.c -- the Yongding District (永定区, 张家界市) demo: the district's units, a few users,
 * and its 2021 appeals from the 天门清风 WeChat groups, every change made through the use
 * cases of service.h so that each one is an event on the audit chain, as in a real year.
 *
 * Always true: the demo is deterministic (splitmix64 with a fixed seed, no clock); it loads
 * only into a database without units or appeals; it is all or nothing (one outer
 * transaction, rolled back on any error). The 2021 figures are those the district
 * reported: DEMO_APPEALS appeals, all replied (reply rate 100%), of which exactly DEMO_LATE
 * were replied after their deadline, so the timely rate is 2465/2595 = 94.99% (rounds to
 * 95%). svc_demo() checks them with svc_report() before it commits. January 2022 holds a
 * few scripted appeals left in every live state, for the console.
 *
 * How: every appeal is first planned as a list of timed steps, the planner computing the
 * same deadlines the core will (deadline_compute() under svc->limits and the calendar);
 * then the steps of all appeals run in time order, so event ids and appeal codes follow
 * the clock, and each result is checked against its plan (deadline, replied on time or
 * late). Units and places bear the district's real names (which village lies in which town
 * is not checked against the official register); people, phones and texts are made up,
 * the five real cases of the campaign retold in the same way. */
#include "service/service.h"
#include "service/project.h"
#include "service/vote.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "service/lists.h" /* demo_lists() */
#include "util/civil.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#include "util/banned.h"

#define DEMO_SEED       0x59444a4a32303231ULL /* fixed: the same demo on every machine */
#define DEMO_APPEALS    2595                  /* received in 2021, as the district reported */
#define DEMO_LATE       130                   /* replied late: 2465/2595 = 94.99% on time */
#define DEMO_TIMELY_PCT 95

/* The demo password is public (it is in this source): it is for demo databases only and
 * must never protect real data. Only the users marked below get it, since each Argon2id
 * hash costs a noticeable fraction of a second. */
#define DEMO_PASSWORD "shishi-demo-2021"

/* How many generated 2021 appeals take each path besides the plain one. */
#define N_RETURNED     10 /* first sent to the wrong unit, returned (退单), re-dispatched */
#define N_EXTENDED     14 /* an extension asked for before the deadline and approved */
#define N_EXT10        6  /* of those, asking for 10 working days rather than 5 */
#define N_REDO         12 /* first visit finds them unsolved: automatic redo (重办) */
#define N_URGED_LATE   36 /* late ones urged (催办) the morning after the deadline */
#define N_SUPERVISED   12 /* of those, also supervised (督办) by the leader */
#define N_URGED_TIMELY 8  /* urged by a citizen while still within the limit */
#define N_STOP_REPLIED 4  /* late-December appeals left replied (awaiting the visit) */
#define N_STOP_VISITED 4  /* late-December appeals left visited (awaiting closing) */

#define TITLE_MAX_CHARS 40
#define TEXT_MAX        2048

/* ---- the organisation ------------------------------------------------------------------ */

struct unit_def {
    const char *name, *code, *kind, *parent;
    const char *handler; /* username that acts for the unit; NULL: the system actor */
};

/* clang-format off */
static const struct unit_def unit_defs[] = {
    {"永定区", "yd", "district", NULL, NULL},
    /* the 17 lead departments (牵头部门) */
    {"区委办", "qwb", "department", "yd", NULL},
    {"区政府办", "qzfb", "department", "yd", NULL},
    {"区纪委监委", "jwjw", "department", "yd", NULL},
    {"区发改局", "fgj", "department", "yd", NULL},
    {"区教育局", "jyj", "department", "yd", "jiaoyu"},
    {"区人社局", "rsj", "department", "yd", "renshe"},
    {"永定公安分局", "gafj", "department", "yd", "gongan"},
    {"区民政局", "mzj", "department", "yd", "minzheng"},
    {"区财政局", "czj", "department", "yd", NULL},
    {"区自然资源局", "zrzyj", "department", "yd", NULL},
    {"区住建局", "zjj", "department", "yd", "zhujian"},
    {"区交通运输局", "jtj", "department", "yd", "jiaotong"},
    {"区农业农村局", "nyj", "department", "yd", NULL},
    {"区水利局", "slj", "department", "yd", "shuili"},
    {"区卫健局", "wjj", "department", "yd", "weijian"},
    {"区市场监管局", "scjgj", "department", "yd", NULL},
    {"区城管执法局", "cgj", "department", "yd", "chengguan"},
    /* streets (街道) and towns (乡镇) */
    {"南庄坪街道", "nzp", "street", "yd", NULL},
    {"枫香岗街道", "fxg", "street", "yd", NULL},
    {"大庸桥街道", "dyq", "street", "yd", NULL},
    {"崇文街道", "cw", "street", "yd", NULL},
    {"永定街道", "ydjd", "street", "yd", NULL},
    {"西溪坪街道", "xxp", "street", "yd", NULL},
    {"官黎坪街道", "glp", "street", "yd", NULL},
    {"阳湖坪街道", "yhp", "street", "yd", NULL},
    {"罗水乡", "ls", "town", "yd", NULL},
    {"天门山镇", "tms", "town", "yd", NULL},
    {"茅岩河镇", "myh", "town", "yd", NULL},
    {"教字垭镇", "jzy", "town", "yd", NULL},
    {"王家坪镇", "wjp", "town", "yd", NULL},
    {"尹家溪镇", "yjx", "town", "yd", NULL},
    {"沅古坪镇", "ygp", "town", "yd", NULL},
    /* communities (社区) under the streets, villages (村) under the towns */
    {"紫舞社区", "nzp-zw", "community", "nzp", NULL},
    {"南庄坪社区", "nzp-nzp", "community", "nzp", NULL},
    {"枫香岗社区", "fxg-fxg", "community", "fxg", NULL},
    {"大庸桥社区", "dyq-dyq", "community", "dyq", NULL},
    {"崇文社区", "cw-cw", "community", "cw", NULL},
    {"解放路社区", "ydjd-jfl", "community", "ydjd", NULL},
    {"西溪坪社区", "xxp-xxp", "community", "xxp", NULL},
    {"官黎坪社区", "glp-glp", "community", "glp", NULL},
    {"阳湖坪社区", "yhp-yhp", "community", "yhp", NULL},
    {"小坪村", "ls-xp", "village", "ls", NULL},
    {"罗水村", "ls-ls", "village", "ls", NULL},
    {"白云村", "tms-by", "village", "tms", NULL},
    {"天门村", "tms-tm", "village", "tms", NULL},
    {"苦竹寨村", "myh-kzz", "village", "myh", NULL},
    {"温塘村", "myh-wt", "village", "myh", NULL},
    {"禾家山村", "jzy-hjs", "village", "jzy", NULL},
    {"教字垭村", "jzy-jzy", "village", "jzy", NULL},
    {"石堰坪村", "wjp-syp", "village", "wjp", NULL},
    {"木山村", "wjp-ms", "village", "wjp", NULL},
    {"关水坪村", "wjp-gsp", "village", "wjp", NULL},
    {"尹家溪村", "yjx-yjx", "village", "yjx", NULL},
    {"长潭村", "ygp-ct", "village", "ygp", NULL},
    {"沅古坪村", "ygp-ygp", "village", "ygp", NULL},
    /* support units (保障单位) and enterprises (企业) that assist */
    {"区自来水公司", "zls", "support", "yd", NULL},
    {"国网永定供电公司", "gdgs", "support", "yd", NULL},
    {"张家界市公交公司", "gjgs", "enterprise", "yd", NULL},
    {"天门山旅游公司", "tmslv", "enterprise", "yd", NULL},
};
/* clang-format on */

#define N_UNITS ((int)(sizeof(unit_defs) / sizeof(unit_defs[0])))

struct user_def {
    const char *username, *name, *role, *unit;
    int password; /* gets the demo password */
};

/* clang-format off */
static const struct user_def user_defs[] = {
    {"admin", "系统管理员", "admin", NULL, 1},
    {"paidan", "覃晓燕", "dispatcher", "qzfb", 1},
    {"lingdao", "向志军", "leader", NULL, 1},
    {"shenji", "卓丽君", "auditor", NULL, 1},
    {"jiaoyu", "田永红", "handler", "jyj", 1},
    {"gongan", "龚建华", "handler", "gafj", 1},
    {"zhujian", "谷明亮", "handler", "zjj", 1},
    {"renshe", "李芳", "handler", "rsj", 0},
    {"minzheng", "彭小梅", "handler", "mzj", 0},
    {"weijian", "杨慧", "handler", "wjj", 0},
    {"jiaotong", "陈勇", "handler", "jtj", 0},
    {"shuili", "邓国庆", "handler", "slj", 0},
    {"chengguan", "赵刚", "handler", "cgj", 0},
};
/* clang-format on */

#define N_USERS ((int)(sizeof(user_defs) / sizeof(user_defs[0])))

static const char *const area_names[] = {"就学", "就医", "就业", "就餐", "宜居",
                                         "宜业", "宜游", "宜行", "扶弱", "帮困"};

enum area {
    AR_STUDY,
    AR_MEDICAL,
    AR_JOB,
    AR_DINING,
    AR_LIVING,
    AR_BUSINESS,
    AR_TRAVEL,
    AR_TRANSPORT,
    AR_WEAK,
    AR_HARDSHIP
};

/* ---- generated appeals: templates ----------------------------------------------------- */

enum where { P_ANY, P_RURAL, P_URBAN };

/* In texts, {T} is the town or street, {V} the village or community, {N} a group (组) or
 * building number. "@town" as a unit is the appeal's town or street. */
struct tmpl {
    int area;
    const char *kind;
    int where;  /* enum where: villages, communities or either */
    int weight; /* relative frequency */
    int urgent; /* may be 紧急 (24 hours) */
    const char *lead, *assist[2];
    const char *wrong; /* a unit it is plausibly first sent to by mistake, or NULL */
    const char *title, *content, *reply;
};

/* clang-format off */
static const struct tmpl tmpls[] = {
    /* 就学 */
    {AR_STUDY, "咨询", P_ANY, 6, 0, "jyj", {NULL, NULL}, NULL,
     "咨询{V}适龄儿童秋季入学政策",
     "我家住在{T}{V}，孩子今年满六周岁，想问一下秋季一年级入学怎么划片、报名要准备哪些材料。",
     "经区教育局核实，今年义务教育阶段招生按“相对就近、免试入学”原则划片，{T}{V}对应学校的"
     "招生范围和报名时间已在区教育局网站公示。报名需提供户口簿、居住证明和预防接种查验证明，"
     "已向诉求人逐项说明。"},
    {AR_STUDY, "投诉", P_ANY, 4, 0, "jyj", {NULL, NULL}, NULL,
     "反映{T}学校课后服务收费不透明",
     "孩子在{T}读小学，学校开展课后延时服务，但收费标准和服务内容没有公示，家长群里疑问很多，"
     "希望教育部门规范一下。",
     "区教育局会同学校调查核实，课后服务收费按备案标准执行，坚持家长自愿参加。学校已在校门"
     "公示栏和家长群公开收费标准、服务内容和退费办法，并召开家长会作了说明。"},
    {AR_STUDY, "求助", P_RURAL, 4, 0, "jyj", {"@town", NULL}, NULL,
     "{V}学生上学路远希望安排住校",
     "{V}{N}组离{T}中心学校有十多里山路，孩子每天早上六点就要出门，冬天天黑路滑很不安全，"
     "希望学校能安排寄宿。",
     "区教育局协调{T}中心学校调剂寄宿床位，已为{V}等偏远村组的学生安排住校，并落实生活老师"
     "值守和寄宿生生活补助。"},
    {AR_STUDY, "咨询", P_ANY, 3, 0, "jyj", {NULL, NULL}, NULL,
     "咨询家庭经济困难学生资助申请",
     "我家住{T}{V}，孩子在城区读高中，家里经济困难，想了解国家助学金怎么申请、什么时候发放。",
     "区学生资助管理中心已与诉求人联系，告知普通高中国家助学金于每学期开学后由学校统一组织"
     "申请，并指导其准备家庭经济困难认定材料，资助资金按学期发放到学生账户。"},
    {AR_STUDY, "建议", P_URBAN, 2, 0, "jyj", {"@town", NULL}, NULL,
     "建议在{T}增加公办幼儿园学位",
     "{T}{V}一带这几年新建小区多，附近公办幼儿园学位很紧张，不少孩子只能去读收费高的民办园，"
     "建议增加公办学位。",
     "区教育局已将{T}片区学前教育学位需求纳入规划，通过挖潜扩班增加公办学位，并推动新建小区"
     "配套幼儿园移交办成公办园，今年秋季已新增一批学位。"},
    {AR_STUDY, "举报", P_URBAN, 2, 0, "jyj", {"scjgj", NULL}, "scjgj",
     "举报{V}附近培训机构违规开展学科培训",
     "{T}{V}附近有培训机构在“双减”后仍以托管名义开设学科类培训，周末上课、预收费用，"
     "希望有关部门查处。",
     "区教育局会同区市场监管局对该机构开展联合检查，责令其停止违规学科类培训，督促清退预收"
     "费用，并将其纳入重点监管名单。"},
    /* 就医 */
    {AR_MEDICAL, "求助", P_RURAL, 5, 0, "wjj", {"@town", NULL}, NULL,
     "{V}卫生室常用药品经常断货",
     "{T}{V}村卫生室最近降压药、降糖药经常断货，老人只能跑到镇上去买，来回很不方便，"
     "希望保障供应。",
     "区卫健局督促{T}卫生院对{V}村卫生室药品配送情况进行核查，已补齐基本药物目录内常用慢性病"
     "药品，并建立缺药登记和每周配送制度。"},
    {AR_MEDICAL, "咨询", P_ANY, 3, 0, "wjj", {NULL, NULL}, NULL,
     "咨询家庭医生签约服务内容",
     "家里老人住在{T}{V}，有高血压，想签约家庭医生，请问怎么签、签约后有哪些服务？",
     "已联系{T}家庭医生团队与诉求人对接，告知签约可在村卫生室（社区卫生服务站）或卫生院办理，"
     "签约后提供健康档案、慢病随访、用药指导等服务，老人已完成签约。"},
    {AR_MEDICAL, "投诉", P_RURAL, 3, 0, "wjj", {NULL, NULL}, NULL,
     "反映{T}卫生院看病排队时间长",
     "上午去{T}卫生院看病，挂号、缴费、拿药都要排长队，只有一个收费窗口，老人站不住，"
     "希望改进。",
     "区卫健局督促{T}卫生院优化就诊流程，高峰时段增开收费窗口，推行诊间结算，并安排导诊人员"
     "为老年人提供帮办服务。"},
    {AR_MEDICAL, "求助", P_RURAL, 2, 0, "wjj", {NULL, NULL}, NULL,
     "请求为{V}行动不便老人上门体检",
     "{V}{N}组有几位八十多岁的老人行动不便，去不了卫生院参加老年人免费体检，希望能上门服务。",
     "{T}卫生院已组织家庭医生团队到{V}为行动不便的老人上门开展健康体检，体检结果已录入健康"
     "档案并告知家属。"},
    {AR_MEDICAL, "咨询", P_ANY, 2, 0, "wjj", {NULL, NULL}, NULL,
     "咨询妇女两癌免费筛查时间地点",
     "听说今年有妇女“两癌”免费筛查，我家在{T}{V}，请问在哪里检查、需要带什么？",
     "区妇幼保健计划生育服务中心已电话告知诉求人，今年“两癌”免费筛查由各乡镇卫生院和社区"
     "卫生服务中心分批组织，{T}的筛查时间已通知到村（社区），携带身份证即可参加。"},
    {AR_MEDICAL, "举报", P_ANY, 1, 0, "wjj", {"scjgj", NULL}, "scjgj",
     "举报{T}一诊所疑似无证行医",
     "{T}{V}附近有一家小诊所，没有挂执业许可证，给人打针输液，担心出医疗事故，请查一查。",
     "区卫生健康综合监督执法大队会同区市场监管局现场检查，该诊所未取得《医疗机构执业许可证》，"
     "已依法取缔并没收药品器械，相关人员已依法处理。"},
    /* 就业 */
    {AR_JOB, "咨询", P_ANY, 3, 0, "rsj", {NULL, NULL}, NULL,
     "咨询灵活就业人员社保缴费办法",
     "我在城区跑外卖，家住{T}{V}，想以灵活就业人员身份交养老保险，请问在哪里办、每年交多少？",
     "区社保中心已电话告知诉求人，灵活就业人员可在区政务服务中心社保窗口或手机“湘税社保”"
     "参保缴费，缴费基数可在规定档次内自主选择，并发送了办事指南。"},
    {AR_JOB, "投诉", P_ANY, 4, 1, "rsj", {"zjj", NULL}, NULL,
     "反映{T}一工地拖欠农民工工资",
     "我们十几个人在{T}一处工地干活，老板拖欠三个多月工资一直不给，家里等着用钱，"
     "希望政府帮忙讨薪。",
     "区人社局劳动保障监察大队会同区住建局约谈施工企业和项目负责人，督促其从农民工工资专用"
     "账户支付拖欠工资，诉求人等人的工资已全部足额发放到位。"},
    {AR_JOB, "求助", P_RURAL, 3, 0, "rsj", {"@town", NULL}, NULL,
     "{V}脱贫户希望参加就业技能培训",
     "我是{T}{V}的脱贫户，四十多岁，想学一门手艺出去务工，听说有免费培训，请问怎么报名？",
     "区人社局已将诉求人纳入脱贫劳动力职业技能培训计划，推荐其参加区就业服务中心组织的家政"
     "服务培训，培训期间享受生活费补贴，结业后推荐就业。"},
    {AR_JOB, "咨询", P_ANY, 2, 0, "rsj", {NULL, NULL}, NULL,
     "咨询返乡创业担保贷款政策",
     "我在外面打工多年，想回{T}开一家农产品加工店，请问返乡创业担保贷款怎么申请、额度多少？",
     "区就业服务中心已向诉求人讲解创业担保贷款政策，符合条件的个人可申请创业担保贷款并享受"
     "财政贴息，已指导其准备营业执照、创业计划等材料并提交申请。"},
    {AR_JOB, "建议", P_ANY, 1, 0, "rsj", {"@town", NULL}, NULL,
     "建议在{T}举办家门口招聘会",
     "{T}很多人想在附近找工作、方便照顾家里，建议人社部门组织企业到镇上（街道）办招聘会。",
     "区人社局采纳建议，在{T}举办“春风行动”家门口招聘会，组织区内企业现场提供就业岗位，"
     "并对有意向的求职者跟踪服务。"},
    /* 就餐 */
    {AR_DINING, "投诉", P_ANY, 4, 0, "scjgj", {NULL, NULL}, "wjj",
     "反映{T}一家餐馆后厨卫生差",
     "前几天在{T}{V}附近一家餐馆吃饭，看到后厨地面油污严重、生熟食物混放，吃完肚子不舒服，"
     "希望监管部门检查。",
     "区市场监管局执法人员对该餐馆进行现场检查，责令其限期整改后厨卫生、规范生熟分开存放，"
     "并督促落实“明厨亮灶”，复查已整改到位。"},
    {AR_DINING, "求助", P_ANY, 2, 0, "mzj", {"@town", NULL}, NULL,
     "希望在{V}开办老年人助餐点",
     "{T}{V}独居老人多，很多老人做饭不方便，希望能办一个老年食堂或助餐点，解决吃饭问题。",
     "区民政局会同{T}利用{V}党群服务中心场地设立老年人助餐点，为辖区老人提供平价午餐，"
     "高龄和困难老人享受用餐补贴。"},
    {AR_DINING, "举报", P_URBAN, 2, 0, "scjgj", {"cgj", NULL}, NULL,
     "举报{V}学校周边售卖三无食品",
     "{T}{V}学校门口的小卖部和流动摊贩卖辣条、饮料等没有生产日期的三无食品，孩子们经常买，"
     "请管一管。",
     "区市场监管局联合区城管执法局开展校园周边食品安全专项检查，下架没收三无食品，取缔流动"
     "摊点，并建立常态化巡查制度。"},
    {AR_DINING, "咨询", P_ANY, 2, 0, "scjgj", {NULL, NULL}, NULL,
     "咨询小餐饮店办理食品经营许可",
     "我准备在{T}开一家小吃店，请问食品经营许可证怎么办理、需要哪些材料、多久能办好？",
     "区市场监管局已向诉求人告知小餐饮许可办理流程，可在区政务服务中心或网上办理，材料齐全的"
     "当场受理、承诺时限内发证，并发送了材料清单。"},
    {AR_DINING, "投诉", P_RURAL, 1, 0, "scjgj", {NULL, NULL}, NULL,
     "反映{T}一家农家乐菜品未明码标价",
     "周末带家人到{T}{V}一家农家乐吃饭，菜单上没标价格，结账时一条鱼要了三百多元，"
     "感觉被宰了。",
     "区市场监管局核查后，责令该农家乐整改明码标价问题并依法处理，经调解商家已向诉求人退还"
     "多收费用。"},
    /* 宜居 */
    {AR_LIVING, "求助", P_RURAL, 6, 1, "slj", {"zls", "@town"}, "zjj",
     "{V}{N}组自来水停水多日",
     "{T}{V}{N}组已经停水三天了，村民只能到井里挑水吃，希望尽快派人检修供水管道。",
     "区水利局会同区自来水公司和{T}组织人员排查，系供水管道破损导致停水，已更换破损管段并"
     "恢复供水，同时对沿线管网进行了检修。"},
    {AR_LIVING, "投诉", P_URBAN, 4, 0, "cgj", {NULL, NULL}, "zjj",
     "{V}附近工地夜间施工噪音扰民",
     "{T}{V}附近工地每天晚上十点以后还在施工，噪音很大，老人小孩都睡不好，希望有关部门管一管。",
     "区城管执法局执法人员夜间现场核查，责令施工单位停止夜间违规作业，确需连续施工的须办理"
     "审批并公示，此后加强夜间巡查。"},
    {AR_LIVING, "求助", P_URBAN, 4, 0, "cgj", {NULL, NULL}, NULL,
     "{V}路段多盏路灯不亮",
     "{T}{V}这一段路有好几盏路灯坏了一个多月，晚上黑漆漆的，老人出门散步很不安全，"
     "请尽快维修。",
     "区城管执法局市政维护人员已对该路段路灯进行检修，更换损坏的灯具和线路，路灯已全部恢复"
     "照明。"},
    {AR_LIVING, "求助", P_RURAL, 3, 0, "@town", {"gdgs", NULL}, NULL,
     "{V}{N}组电压不稳家用电器用不了",
     "{T}{V}{N}组晚上用电高峰电压很低，电饭煲煮不熟饭，冰箱也启动不了，希望供电部门改造线路。",
     "{T}协调国网永定供电公司现场检测，已对{V}{N}组台区进行增容改造，更换变压器和老旧线路，"
     "电压恢复正常。"},
    {AR_LIVING, "投诉", P_ANY, 4, 0, "@town", {"cgj", NULL}, NULL,
     "{V}生活垃圾清运不及时",
     "{T}{V}的垃圾桶经常堆满好几天没人清运，天气一热臭气熏天，影响周边居民生活。",
     "{T}已督促保洁单位加密{V}垃圾清运频次、增设垃圾桶，并将清运情况纳入考核，现已做到日产"
     "日清。"},
    {AR_LIVING, "求助", P_RURAL, 3, 0, "zjj", {"@town", NULL}, NULL,
     "{V}{N}组村民申请危房改造",
     "我家住在{T}{V}{N}组，房子是几十年的土木房，墙体开裂，下雨漏水，想申请危房改造补助。",
     "区住建局会同{T}上门开展房屋安全鉴定，诉求人住房经鉴定为C级危房，符合农村危房改造条件，"
     "已纳入改造计划并拨付补助资金。"},
    {AR_LIVING, "投诉", P_URBAN, 3, 0, "zjj", {NULL, NULL}, NULL,
     "反映{V}一小区物业服务质量差",
     "{T}{V}一个小区物业费不低，但楼道卫生没人打扫，电梯坏了好几天才修，业主意见很大。",
     "区住建局约谈物业服务企业，督促其整改楼道保洁和电梯维保问题，并指导小区业主委员会与物业"
     "公司签订服务质量承诺。"},
    {AR_LIVING, "求助", P_URBAN, 2, 0, "zjj", {"zls", NULL}, NULL,
     "{V}老旧小区水管老化经常爆管",
     "{T}{V}一个老旧小区的供水管网用了二十多年，经常爆管停水，希望纳入老旧小区改造。",
     "区住建局已将该小区纳入老旧小区改造计划，会同区自来水公司更换供水主管和入户管，改造完成"
     "后供水恢复稳定。"},
    {AR_LIVING, "投诉", P_RURAL, 2, 0, "@town", {"nyj", NULL}, NULL,
     "{V}养猪场污水直排小溪",
     "{T}{V}有一家养猪场把粪污直接排到小溪里，下游村民的用水受到影响，气味很大。",
     "{T}会同区农业农村局现场核查，责令养殖场停止直排、完善粪污处理设施，已对溪流进行清理，"
     "并对下游饮用水水质进行了检测。"},
    {AR_LIVING, "咨询", P_RURAL, 2, 0, "zrzyj", {"@town", NULL}, NULL,
     "咨询农村宅基地建房审批手续",
     "我是{T}{V}村民，想在自家宅基地上翻建房屋，请问需要办理哪些审批手续？",
     "区自然资源局已向诉求人告知农村村民建房审批流程：向村委会提出申请，经{T}审核后办理乡村"
     "建设规划许可，并发送了办事指南。"},
    /* 宜业 */
    {AR_BUSINESS, "咨询", P_ANY, 3, 0, "scjgj", {NULL, NULL}, NULL,
     "咨询个体工商户登记注册流程",
     "想在{T}开一家小超市，请问个体工商户营业执照怎么办，网上能不能办？",
     "区市场监管局已告知诉求人可通过企业登记全程电子化系统网上办理，或到区政务服务中心窗口"
     "办理，材料齐全的当日办结。"},
    {AR_BUSINESS, "求助", P_ANY, 2, 0, "fgj", {"gdgs", NULL}, NULL,
     "{T}一企业用电增容报装进度慢",
     "我们是{T}的一家农产品加工企业，申请用电增容两个多月了还没接上，影响生产，希望帮忙协调。",
     "区发改局协调国网永定供电公司开辟绿色通道，已完成该企业线路改造和增容送电，并指导企业"
     "做好安全用电。"},
    {AR_BUSINESS, "投诉", P_ANY, 2, 0, "czj", {"fgj", NULL}, NULL,
     "反映{T}一项目工程款拖欠",
     "我们公司承建{T}的一个项目已经验收两年，还有部分工程款没有结清，企业资金周转困难。",
     "区财政局会同项目业主单位核实工程结算情况，已制定分期支付计划并支付首笔欠款，剩余款项"
     "按计划拨付。"},
    {AR_BUSINESS, "咨询", P_ANY, 2, 0, "czj", {NULL, NULL}, NULL,
     "咨询小微企业减税降费政策",
     "我在{T}经营一家小微企业，想了解今年有哪些减税降费政策，怎么享受？",
     "区财政局联合税务部门向诉求人讲解小规模纳税人增值税减免、小微企业所得税优惠等政策，"
     "并指导其通过电子税务局申报享受。"},
    {AR_BUSINESS, "求助", P_RURAL, 2, 0, "nyj", {"@town", NULL}, NULL,
     "{V}莓茶合作社申请产业扶持",
     "我们在{T}{V}成立了莓茶专业合作社，带动二十多户种植，想申请产业扶持资金，请问怎么申报？",
     "区农业农村局已指导合作社按程序申报特色产业扶持项目，并安排技术人员到{V}开展莓茶种植"
     "加工技术指导。"},
    {AR_BUSINESS, "建议", P_ANY, 1, 0, "scjgj", {"fgj", NULL}, NULL,
     "建议简化{T}民宿办证流程",
     "{T}这几年开民宿的多，但办证要跑好几个部门，建议实行一次性告知、并联审批。",
     "区市场监管局会同相关部门梳理民宿办证事项，在政务服务中心设立“一件事一次办”窗口，"
     "实行一次告知、并联审批。"},
    /* 宜游 */
    {AR_TRAVEL, "投诉", P_ANY, 3, 0, "jtj", {NULL, NULL}, "gafj",
     "反映天门山索道站附近出租车拒载",
     "在天门山索道站附近打车，好几辆出租车拒载或者不打表一口价，影响张家界旅游形象。",
     "区交通运输局对该区域开展出租车专项整治，查处拒载、不打表等违规行为，并在索道站设立"
     "出租车临时调度点。"},
    {AR_TRAVEL, "投诉", P_ANY, 2, 0, "scjgj", {NULL, NULL}, NULL,
     "反映{T}一家民宿价格与预订不符",
     "在网上预订了{T}一家民宿，入住时老板说价格涨了要加钱，否则不让住，希望处理。",
     "区市场监管局调查核实后，责令该民宿按预订价格履约，经调解已退还诉求人多收的房费，并对"
     "经营者进行了约谈。"},
    {AR_TRAVEL, "建议", P_ANY, 2, 0, "@town", {"cgj", NULL}, NULL,
     "建议在{T}游客集中地增设公厕",
     "{T}周末游客多，附近只有一个公厕，排队时间长，建议增设旅游厕所。",
     "{T}已将旅游厕所建设纳入计划，在游客集中地点新建旅游公厕一座，并安排专人保洁。"},
    {AR_TRAVEL, "求助", P_ANY, 2, 1, "gafj", {"tmslv", NULL}, NULL,
     "游客在{T}遗失背包求助",
     "我是外地游客，在{T}游玩时把背包落在了观光车上，包里有身份证和手机，请帮忙找一找。",
     "永定公安分局辖区派出所民警调取沿线视频监控，协调天门山旅游公司找回遗失背包，已当面"
     "交还游客。"},
    {AR_TRAVEL, "咨询", P_ANY, 1, 0, "myh", {NULL, NULL}, NULL,
     "咨询茅岩河漂流开放时间和安全须知",
     "暑假想带孩子去茅岩河漂流，请问今年什么时候开放，儿童有什么年龄限制？",
     "茅岩河镇已告知诉求人，茅岩河漂流视汛期水情开放，儿童须在监护人陪同下并穿戴救生衣，"
     "具体开放信息以景区公告为准。"},
    /* 宜行 */
    {AR_TRANSPORT, "求助", P_RURAL, 5, 0, "jtj", {"@town", NULL}, NULL,
     "{V}通组公路路面破损严重",
     "{T}{V}到{N}组的通组公路坑坑洼洼，下雨天积水，摩托车经常摔倒，希望尽快修补。",
     "区交通运输局会同{T}实地查勘，已安排养护队对破损路面进行修补，并将该路段纳入农村公路"
     "提质改造计划。"},
    {AR_TRANSPORT, "投诉", P_ANY, 3, 0, "jtj", {"gjgs", NULL}, NULL,
     "反映{T}公交班次少等车时间长",
     "{T}到城区的公交车班次太少，早上经常要等四十多分钟，上班上学很不方便，希望增加班次。",
     "区交通运输局协调公交公司优化线路，早晚高峰加密{T}至城区的公交班次，并在站点公示发车"
     "时刻表。"},
    {AR_TRANSPORT, "投诉", P_URBAN, 4, 0, "cgj", {"gafj", NULL}, "jtj",
     "{V}门口车辆乱停乱放堵塞通道",
     "{T}{V}门口的人行道和消防通道经常被车辆占用，老人推轮椅都过不去，希望加强管理。",
     "区城管执法局联合交警部门对该路段开展乱停乱放整治，施划停车泊位、设置隔离桩，并加强日常"
     "巡查。"},
    {AR_TRANSPORT, "建议", P_URBAN, 2, 0, "gafj", {NULL, NULL}, NULL,
     "建议在{V}路口增设红绿灯",
     "{T}{V}路口车流量大，上下学时段孩子过马路很危险，建议安装红绿灯和减速带。",
     "永定公安分局交警大队会同相关部门现场勘查，已在该路口施划斑马线、设置减速带和警示标志，"
     "信号灯已纳入建设计划。"},
    {AR_TRANSPORT, "求助", P_RURAL, 2, 1, "jtj", {"zrzyj", "@town"}, NULL,
     "{V}{N}组山体滑坡阻断道路",
     "昨晚下大雨，{T}{V}{N}组路段发生山体滑坡，土石堵住了道路，车辆无法通行，请尽快清理。",
     "区交通运输局和{T}连夜组织机械清理塌方，道路已恢复通行；区自然资源局对滑坡点开展地质"
     "灾害隐患排查并设置了警示标志。"},
    {AR_TRANSPORT, "求助", P_RURAL, 2, 0, "slj", {"@town", NULL}, "jtj",
     "{V}{N}组过河便桥年久失修",
     "{T}{V}{N}组村民进出要过一座木便桥，桥面木板腐烂，汛期很危险，希望修一座安全的桥。",
     "区水利局会同{T}现场查勘，已对便桥进行加固维修并设置安全警示，新建漫水桥已纳入下一年度"
     "水利项目计划。"},
    {AR_TRANSPORT, "咨询", P_ANY, 2, 0, "gafj", {NULL, NULL}, NULL,
     "咨询驾驶证到期换证办理",
     "我的驾驶证快到期了，人在{T}，请问能不能就近办理换证，需要体检吗？",
     "永定公安分局交警大队已告知诉求人可通过“交管12123”网上申请换证，或到就近的车管服务站"
     "办理，需提交医疗机构出具的体检证明。"},
    /* 扶弱 */
    {AR_WEAK, "求助", P_RURAL, 4, 0, "mzj", {"@town", NULL}, NULL,
     "{V}独居老人申请低保",
     "{T}{V}{N}组有位七十多岁的独居老人，没有子女，身体不好，生活很困难，希望帮他申请低保。",
     "区民政局会同{T}入户核查，老人符合最低生活保障条件，已按程序纳入低保并发放保障金，村里"
     "安排专人定期探访。"},
    {AR_WEAK, "求助", P_ANY, 3, 0, "mzj", {NULL, NULL}, NULL,
     "{V}残疾人申请两项补贴",
     "我家住{T}{V}，持有二级残疾证，听说有困难残疾人生活补贴和重度残疾人护理补贴，"
     "请问怎么申请？",
     "区民政局已联系诉求人，协助其提交残疾人两项补贴申请，经审核符合条件，补贴已按月发放。"},
    {AR_WEAK, "咨询", P_ANY, 2, 0, "mzj", {NULL, NULL}, NULL,
     "咨询高龄津贴申领条件",
     "家里老人住在{T}{V}，今年满八十岁了，请问高龄津贴怎么申请、每月多少？",
     "区民政局已告知诉求人，年满80周岁的老年人可凭身份证、户口簿到所在村（社区）申请高龄"
     "津贴，经审核后按月发放。"},
    {AR_WEAK, "求助", P_RURAL, 2, 0, "mzj", {"jyj", "@town"}, NULL,
     "{V}留守儿童无人照看",
     "{T}{V}有个孩子父母在外打工，跟着年迈的奶奶生活，奶奶生病住院后孩子没人照顾，"
     "希望帮忙。",
     "区民政局会同区教育局和{T}落实儿童主任包户走访，将该儿童纳入重点关爱对象，安排亲属临时"
     "照料，学校也给予了关心关爱。"},
    {AR_WEAK, "求助", P_ANY, 2, 0, "mzj", {NULL, NULL}, NULL,
     "{T}特困老人希望入住敬老院",
     "我叔叔是{T}的特困人员，年纪大了生活不能自理，想申请入住敬老院集中供养。",
     "区民政局已为诉求人的叔叔办理特困人员集中供养手续，安排入住敬老院，享受集中供养待遇。"},
    /* 帮困 */
    {AR_HARDSHIP, "求助", P_RURAL, 3, 0, "mzj", {"@town", NULL}, NULL,
     "{V}农户因病致贫申请临时救助",
     "{T}{V}{N}组村民家里有人患重病，治病花光了积蓄还欠了债，生活很困难，希望申请临时救助。",
     "区民政局会同{T}入户核实，已为诉求人家庭发放临时救助金，协调落实医疗救助，并将其纳入"
     "防止返贫动态监测。"},
    {AR_HARDSHIP, "求助", P_RURAL, 2, 1, "@town", {"mzj", "zjj"}, NULL,
     "{V}{N}组村民房屋受灾求助",
     "昨晚暴雨，{T}{V}{N}组一户村民的房屋后墙倒塌，一家人没地方住，请政府帮帮忙。",
     "{T}已连夜转移安置受灾群众，区民政局发放救灾物资和临时生活救助，区住建局对房屋进行安全"
     "鉴定并指导修缮。"},
    {AR_HARDSHIP, "投诉", P_RURAL, 2, 0, "nyj", {"czj", NULL}, "mzj",
     "反映{V}产业奖补资金未到位",
     "我是{T}{V}的脱贫户，去年按要求发展了养殖，村里说有产业奖补，到现在钱还没发下来。",
     "区农业农村局会同区财政局核查，该笔产业奖补资金因资料不全延迟发放，现已完善手续，奖补"
     "资金已发放到诉求人账户。"},
    {AR_HARDSHIP, "咨询", P_ANY, 2, 0, "nyj", {NULL, NULL}, NULL,
     "咨询防止返贫监测帮扶政策",
     "家里今年因为意外收入大减，住在{T}{V}，请问防止返贫监测帮扶怎么申请，有哪些帮扶措施？",
     "区农业农村局已联系诉求人，告知可向村（社区）申报防止返贫监测，经核实纳入监测对象后，"
     "可落实产业、就业、医疗等针对性帮扶措施。"},
    {AR_HARDSHIP, "举报", P_RURAL, 2, 0, "jwjw", {"mzj", NULL}, NULL,
     "举报{V}低保评定优亲厚友",
     "{T}{V}评低保时，有村干部的亲戚家里条件好也评上了，真正困难的没评上，希望调查。",
     "区纪委监委会同区民政局调查核实，{V}低保评定存在程序不规范问题，已督促重新评议并公示，"
     "对相关责任人进行了批评教育。"},
    {AR_HARDSHIP, "求助", P_RURAL, 1, 0, "nyj", {"@town", NULL}, NULL,
     "{V}柑橘滞销求助",
     "今年{T}{V}柑橘丰收，但收购商压价，很多果子卖不出去烂在地里，希望政府帮忙找销路。",
     "区农业农村局会同{T}组织电商平台和机关单位食堂开展消费帮扶，帮助{V}销售柑橘，并对接"
     "收购企业签订订单。"},
};
/* clang-format on */

#define N_TMPLS ((int)(sizeof(tmpls) / sizeof(tmpls[0])))

static const char *const surnames[] = {"张", "王", "李", "刘", "陈", "杨", "赵", "黄", "周", "吴",
                                       "覃", "向", "田", "龚", "卓", "朱", "彭", "邓", "唐", "胡",
                                       "杜", "宋", "熊", "谷", "符", "钟", "易", "侯", "曾", "谢",
                                       "罗", "蒋", "袁", "丁", "汤", "舒", "满", "全", "庹", "尚"};

static const char *const given_names[] = {
    "建国", "秀英", "桂兰", "志强", "小红", "德明", "春花", "国华", "玉梅", "海军", "丽",
    "伟",   "芳",   "勇",   "静",   "军",   "敏",   "杰",   "娟",   "涛",   "明",   "霞",
    "斌",   "燕",   "永红", "卫东", "翠兰", "金凤", "祖荣", "光辉", "晓峰", "晓燕", "文辉",
    "远华", "菊香", "大勇", "长青", "运生", "青松", "德胜", "家贵", "红梅", "爱华", "新民",
    "婷婷", "思远", "雨欣", "子涵", "浩然", "梓萱", "俊杰", "诗琪", "华",   "平"};

/* Mobile prefixes of the three operators; only 13x, 15x and 18x. */
static const char *const phone_prefixes[] = {
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "180", "181", "182", "183", "186", "187", "188", "189"};

static const char *const reply_ends[] = {
    "已电话告知诉求人办理结果，诉求人表示认可。",
    "办理结果已在“天门清风”微信群公开回复。",
    "承办人员已当面向诉求人反馈办理情况。",
    "已将办理情况告知诉求人，并留下联系方式便于后续跟进。",
};

static const char *const records[] = {
    "承办人员现场核查，电话联系诉求人，协调相关单位办理。",
    "调阅相关资料，约谈相关责任方，督促限期整改。",
    "会同属地乡镇（街道）和村（社区）入户走访核实。",
    "召开协调会研究解决方案，明确责任分工和完成时限。",
};

#define NOTE_OVERDUE   "已超过办理期限，请立即办理并反馈结果。"
#define NOTE_CITIZEN   "诉求人在微信群再次反映，请加快办理进度。"
#define NOTE_SUPERVISE "逾期未办结，列为区级督办事项，请单位主要负责人亲自过问。"
#define NOTE_CLOSE     "经核查办理到位、佐证材料齐全，予以销号。"
#define REASON_EXT5    "需协调相关单位现场勘查并制定处理方案，申请延期5个工作日。"
#define REASON_EXT10                                                                               \
    "涉及工程施工，需履行采购和施工程序，申请延期10个工作日，其间已采取临时措施保障群众需求。"

/* ---- scripted appeals: the real cases of 2021 and the live ones of January 2022 ------- */

/* One step of a script, at a site-zone time. */
struct sstep {
    const char *at;
    int type;         /* ACT_*; ACT_REGISTER first, 0 ends the script */
    const char *who;  /* username; NULL: the system actor */
    const char *unit; /* dispatch: the lead unit */
    const char *assist[2];
    int n;            /* dispatch: complex case; extend: working days */
    const char *text; /* reason, note or reply */
    const char *solved, *sat;
    const char *into; /* merge: key of the script merged into */
};

#define STEP(when, what, user) .at = (when), .type = (what), .who = (user)

struct script {
    const char *key;
    const char *kind, *urgency, *area;
    const char *name, *phone, *address;
    const char *title, *content;
    struct sstep steps[10];
};

/* The five real cases of the campaign, each replied within its limit. */
/* clang-format off */
static const struct script real_cases[] = {
    {"vaccination", "建议", NULL, "就医", "向桂英", "13974465218",
     "张家界市永定区枫香岗街道枫香岗社区", "建议在枫香岗街道增设新冠疫苗临时接种点",
     "枫香岗街道离城区的新冠疫苗接种点比较远，老人和上班的人去接种要排很长的队，有的跑了两趟"
     "都没打上。希望在街道或社区增设临时接种点，周末和晚上也能接种。",
     {{STEP("2021-04-12 10:05", ACT_REGISTER, "paidan")},
      {STEP("2021-04-12 10:40", ACT_DISPATCH, "paidan"), .unit = "wjj", .assist = {"fxg", NULL}},
      {STEP("2021-04-12 11:05", ACT_ACCEPT, "weijian")},
      {STEP("2021-04-16 16:30", ACT_REPLY, "weijian"), .text =
       "区卫健局采纳建议，自4月17日起在枫香岗街道社区卫生服务中心增设新冠病毒疫苗临时接种点，"
       "工作日延长接种时间至晚上8点，周末正常开放；对行动不便的老年人，由流动接种队进村入户"
       "提供接种服务。接种点信息已在“天门清风”微信群和各社区公告栏公布。"},
      {STEP("2021-04-19 09:30", ACT_VISIT, "paidan"), .solved = "yes", .sat = "satisfied",
       .text = "诉求人表示已在新设的接种点完成接种，对办理结果满意。"},
      {STEP("2021-04-19 15:00", ACT_CLOSE, "paidan"), .text = NOTE_CLOSE}}},
    {"night-parking", "建议", NULL, "宜行", "覃建平", "15874479023",
     "张家界市永定区南庄坪街道紫舞社区", "建议城区试行夜间道路临时停车",
     "我住南庄坪街道紫舞社区，老小区没有停车位，晚上下班回来只能把车停在路边，第二天一早经常被"
     "贴罚单。能不能在晚上和节假日允许部分道路临时停车，白天再挪走？这样既不影响交通，也方便"
     "居民。",
     {{STEP("2021-05-10 20:40", ACT_REGISTER, "paidan")},
      {STEP("2021-05-11 09:00", ACT_DISPATCH, "paidan"), .unit = "cgj", .assist = {"gafj", "nzp"}},
      {STEP("2021-05-11 09:35", ACT_ACCEPT, "chengguan")},
      {STEP("2021-05-12 10:00", ACT_SUPERVISE, "lingdao"), .text =
       "群众反映集中，请区城管执法局牵头，会同公安交警和南庄坪街道研究夜间停车试点方案。"},
      {STEP("2021-05-24 17:00", ACT_REPLY, "chengguan"), .text =
       "区城管执法局会同永定公安分局交警大队、南庄坪街道对城区老旧小区周边道路的停车需求进行了"
       "摸排，制定了夜间停车试点方案：自2021年6月1日起，在南庄坪街道等城区部分道路试行夜间"
       "临时停车，每日19时至次日7时及法定节假日允许在施划的临时泊位内免费停放，试点路段设置"
       "公示牌，试点期间根据群众意见动态调整。"},
      {STEP("2021-06-03 10:00", ACT_VISIT, "paidan"), .solved = "yes", .sat = "satisfied",
       .text = "诉求人表示试点后晚上停车方便多了，非常满意。"},
      {STEP("2021-06-03 16:00", ACT_CLOSE, "paidan"), .text = NOTE_CLOSE}}},
    {"xiaoping-water", "求助", NULL, "宜居", "卓守国", "18974412607",
     "张家界市永定区罗水乡小坪村3组", "罗水乡小坪村3组、4组饮水困难",
     "罗水乡小坪村3组、4组有四十多户人家，原来的山泉水源入夏后基本干了，村民每天要走半个小时"
     "山路去挑水，老人小孩吃水很困难。希望政府帮忙解决安全饮水问题。",
     {{STEP("2021-07-19 08:50", ACT_REGISTER, "paidan")},
      {STEP("2021-07-19 09:30", ACT_DISPATCH, "paidan"), .unit = "slj", .assist = {"zls", "ls"},
       .n = 1 /* complex: 15 working days */},
      {STEP("2021-07-19 10:10", ACT_ACCEPT, "shuili")},
      {STEP("2021-08-06 10:00", ACT_EXTEND, "shuili"), .n = 10, .text =
       "新水源引水管道需穿越林地铺设约3公里，施工周期较长，申请延期10个工作日；其间已安排"
       "送水车每日送水，保障临时饮水。"},
      {STEP("2021-08-06 15:00", ACT_EXTEND_APPROVE, "paidan")},
      {STEP("2021-08-20 16:00", ACT_REPLY, "shuili"), .text =
       "区水利局会同区自来水公司、罗水乡政府实地查勘后，确定从小坪村后山新水源引水：新建50"
       "立方米蓄水池一座，铺设引水和入户管道约3公里，并安装净化消毒设备。工程于8月19日完工"
       "通水，3组、4组40余户村民全部用上了安全干净的自来水。施工期间每日安排送水车送水，"
       "保障了群众临时饮水。"},
      {STEP("2021-08-24 10:00", ACT_VISIT, "paidan"), .solved = "yes", .sat = "satisfied",
       .text = "回访3组、4组村民代表，均表示水质好、水压足，非常满意。"},
      {STEP("2021-08-25 09:30", ACT_CLOSE, "paidan"), .text = NOTE_CLOSE}}},
    {"student-bus", "求助", NULL, "就学", "田小兰", "13787443196",
     "张家界市永定区教字垭镇禾家山村", "教字垭镇学生周末往返城区乘车难",
     "我家孩子在城区读初中，每周五放学回教字垭镇、周日返校，班车少，学生挤不上车，只能坐没有"
     "营运资质的面包车，超载严重，很不安全。马上要开学了，希望能开通学生专线或增加班次。",
     {{STEP("2021-08-23 19:30", ACT_REGISTER, "paidan")},
      {STEP("2021-08-24 08:45", ACT_DISPATCH, "paidan"), .unit = "jyj", .assist = {"jtj", "gjgs"}},
      {STEP("2021-08-24 09:20", ACT_ACCEPT, "jiaoyu")},
      {STEP("2021-08-31 11:00", ACT_REPLY, "jiaoyu"), .text =
       "区教育局会同区交通运输局、公交公司对教字垭镇学生周末往返城区的出行需求进行了摸底，"
       "自9月3日起开通教字垭镇至城区学校的周末学生专线，每周五下午、周日下午在学校和镇上定点"
       "发车，高峰时段加密班次，学生凭学生证乘车享受优惠票价；同时联合交警部门开展非法营运车辆"
       "专项整治。"},
      {STEP("2021-09-06 10:00", ACT_VISIT, "paidan"), .solved = "yes", .sat = "satisfied",
       .text = "诉求人表示孩子已乘坐学生专线返校，安全方便，非常满意。"},
      {STEP("2021-09-06 16:00", ACT_CLOSE, "paidan"), .text = NOTE_CLOSE}}},
    {"fingerprint", "求助", NULL, "扶弱", "王秀珍", "15907449831",
     "张家界市永定区崇文街道崇文社区", "八旬老人行动不便希望在社区采集指纹换证",
     "我母亲今年82岁，身份证快到期了要换新证，换证需要采集指纹，但她腿脚不便去不了派出所。社区"
     "里像这样的老人还有好几个，能不能请民警到社区集中采集，或者上门办理？",
     {{STEP("2021-10-18 15:20", ACT_REGISTER, "paidan")},
      {STEP("2021-10-18 16:00", ACT_DISPATCH, "paidan"), .unit = "gafj", .assist = {"cw", NULL}},
      {STEP("2021-10-18 16:30", ACT_ACCEPT, "gongan")},
      {STEP("2021-10-22 17:00", ACT_REPLY, "gongan"), .text =
       "永定公安分局组织户籍民警携带移动采集设备到崇文社区设立临时采集点，10月21日为辖区30余名"
       "行动不便的老人集中采集指纹、拍摄证件照片，并为诉求人的母亲上门办理了换证手续，新证办好"
       "后由社区民警送证上门。分局已将“进社区、上门办”作为常态化便民措施。"},
      {STEP("2021-10-29 09:40", ACT_VISIT, "paidan"), .solved = "yes", .sat = "satisfied",
       .text = "诉求人表示母亲已收到新身份证，对民警上门服务非常满意。"},
      {STEP("2021-10-29 15:30", ACT_CLOSE, "paidan"), .text = NOTE_CLOSE}}},
};
/* clang-format on */

#define N_REAL ((int)(sizeof(real_cases) / sizeof(real_cases[0])))

/* January 2022: appeals left in each live state, so the console has work to show. */
/* clang-format off */
static const struct script live_cases[] = {
    {"frozen-pipe", "求助", "紧急", "宜居", "向德明", "13517443380",
     "张家界市永定区王家坪镇石堰坪村5组", "石堰坪村5组水管冻裂停水",
     "这几天气温零下，王家坪镇石堰坪村5组的主水管冻裂了，十几户人家停水两天，老人只能烧雪水，"
     "请尽快抢修。",
     {{STEP("2022-01-04 08:20", ACT_REGISTER, "paidan")},
      {STEP("2022-01-04 08:40", ACT_DISPATCH, "paidan"), .unit = "slj", .assist = {"zls", "wjp"}},
      {STEP("2022-01-04 09:00", ACT_ACCEPT, "shuili")},
      {STEP("2022-01-04 18:30", ACT_REPLY, "shuili"), .text =
       "区水利局联合区自来水公司、王家坪镇组织抢修队冒雪上山，更换冻裂主水管40余米，于1月4日"
       "18时恢复供水，并对暴露管段加装保温层，入户发放防冻提示。"},
      {STEP("2022-01-05 10:00", ACT_VISIT, "paidan"), .solved = "yes", .sat = "satisfied",
       .text = "电话回访，诉求人表示已恢复供水，非常满意。"},
      {STEP("2022-01-05 15:00", ACT_CLOSE, "paidan"), .text = NOTE_CLOSE}}},
    {"wages", "投诉", NULL, "就业", "彭志勇", "18707446152",
     "张家界市永定区阳湖坪街道阳湖坪社区", "反映春节前一住宅工地拖欠农民工工资",
     "我们二十多个工人在阳湖坪一处住宅工地做了半年，包工头说开发商没拨款，拖欠工资十多万元，"
     "眼看要过年了，希望政府帮我们讨回工钱。",
     {{STEP("2022-01-05 14:10", ACT_REGISTER, "paidan")},
      {STEP("2022-01-05 14:40", ACT_DISPATCH, "paidan"), .unit = "rsj", .assist = {"zjj", "yhp"}},
      {STEP("2022-01-05 15:20", ACT_ACCEPT, "renshe")},
      {STEP("2022-01-12 17:00", ACT_REPLY, "renshe"), .text =
       "区人社局劳动保障监察大队会同区住建局约谈建设单位和施工总承包企业，责令其从农民工工资"
       "专用账户足额支付，1月12日已将拖欠的工资全部发放到工人个人账户。"},
      {STEP("2022-01-13 10:00", ACT_VISIT, "paidan"), .solved = "yes", .sat = "satisfied",
       .text = "电话回访，工人代表表示工资已全部到账，非常满意。"},
      {STEP("2022-01-13 16:00", ACT_CLOSE, "paidan"), .text = NOTE_CLOSE}}},
    {"nucleic-test", "咨询", NULL, "就医", "李娜", "13908446721",
     "张家界市永定区官黎坪街道官黎坪社区", "咨询春节返乡人员核酸检测要求",
     "我在广东打工，春节准备回官黎坪街道过年，请问返乡前要不要做核酸检测，回来后需要居家健康"
     "监测吗？",
     {{STEP("2022-01-10 20:15", ACT_REGISTER, "paidan")},
      {STEP("2022-01-11 08:40", ACT_DISPATCH, "paidan"), .unit = "wjj", .assist = {"glp", NULL}},
      {STEP("2022-01-11 09:10", ACT_ACCEPT, "weijian")},
      {STEP("2022-01-11 15:00", ACT_REPLY, "weijian"), .text =
       "区卫健局已电话告知诉求人：低风险地区返乡人员须持48小时内核酸检测阴性证明，返乡后主动"
       "向社区报备并做好健康监测；中高风险地区返乡人员按规定落实管控措施。具体以区疫情防控"
       "指挥部的最新公告为准。"},
      {STEP("2022-01-12 10:30", ACT_VISIT, "paidan"), .solved = "yes", .sat = "basic",
       .text = "诉求人表示已了解政策，希望政策调整时及时通知，基本满意。"}}},
    {"icy-road", "求助", "紧急", "宜行", "覃军", "15274463308",
     "张家界市永定区天门山镇白云村", "天门山镇白云村通村公路路面结冰",
     "天门山镇白云村通村公路弯道多、坡陡，这两天下雪后路面结了冰，已经有车辆打滑，希望尽快"
     "撒盐除冰、设置警示。",
     {{STEP("2022-01-17 07:50", ACT_REGISTER, "paidan")},
      {STEP("2022-01-17 08:20", ACT_DISPATCH, "paidan"), .unit = "jtj", .assist = {"tms", NULL}},
      {STEP("2022-01-17 08:45", ACT_ACCEPT, "jiaotong")},
      {STEP("2022-01-17 16:40", ACT_REPLY, "jiaotong"), .text =
       "区交通运输局公路养护站会同天门山镇在白云村通村公路陡坡弯道撒布融雪剂和防滑料，设置"
       "“路面结冰 减速慢行”警示牌，安排专人巡查，路面已恢复安全通行。"}}},
    {"job-subsidy", "咨询", NULL, "宜业", "张晓峰", "18674401925",
     "张家界市永定区大庸桥街道大庸桥社区", "咨询企业失业保险稳岗返还政策",
     "我们是大庸桥街道的一家旅游服务企业，疫情以来没有裁员，请问今年能不能申请失业保险稳岗"
     "返还，怎么申请？",
     {{STEP("2022-01-19 10:20", ACT_REGISTER, "paidan")},
      {STEP("2022-01-19 10:50", ACT_DISPATCH, "paidan"), .unit = "rsj"},
      {STEP("2022-01-19 11:20", ACT_ACCEPT, "renshe")},
      {STEP("2022-01-21 15:30", ACT_REPLY, "renshe"), .text =
       "区社保中心已告知诉求人：参保企业上年度未裁员或裁员率低于规定标准的可享受失业保险稳岗"
       "返还，今年实行“免申即享”，符合条件的企业无需申请，返还资金将直接拨付至企业对公账户。"}}},
    {"septic-tank", "投诉", NULL, "宜居", "杜红梅", "13687448210",
     "张家界市永定区南庄坪街道紫舞社区", "紫舞社区一小区化粪池堵塞污水外溢",
     "南庄坪街道紫舞社区一个老小区的化粪池堵塞，污水从井盖溢到路面上，臭味很大，居民进出都要"
     "绕着走，已经一个多星期了。",
     {{STEP("2022-01-12 09:05", ACT_REGISTER, "paidan")},
      {STEP("2022-01-12 09:40", ACT_DISPATCH, "paidan"), .unit = "zjj", .assist = {"nzp", "cgj"}},
      {STEP("2022-01-12 10:20", ACT_ACCEPT, "zhujian")},
      {STEP("2022-01-19 16:30", ACT_URGE, "paidan"),
       .text = "群众在微信群再次反映污水仍在外溢，请加快办理。"},
      {STEP("2022-01-24 09:00", ACT_SUPERVISE, "lingdao"), .text =
       "已超过办理期限，列为区级督办事项，请区住建局主要负责人亲自过问，限期解决。"}}},
    {"septic-tank-2", "投诉", NULL, "宜居", "宋丽华", "15116448732",
     "张家界市永定区南庄坪街道紫舞社区", "紫舞社区化粪池污水外溢无人处理",
     "紫舞社区这边化粪池满了往外冒污水，整条巷子都是臭味，物业说不归他们管，请相关部门尽快"
     "处理。",
     {{STEP("2022-01-13 19:40", ACT_REGISTER, "paidan")},
      {STEP("2022-01-14 09:00", ACT_MERGE, "paidan"), .into = "septic-tank",
       .text = "与紫舞社区化粪池堵塞问题重复，并入先受理的诉求一并办理。"}}},
    {"water-pipe-renewal", "求助", NULL, "宜居", "钟国华", "18207447715",
     "张家界市永定区罗水乡罗水村2组", "罗水村2组饮水管道老化需要改造",
     "罗水乡罗水村2组的饮水管道是十多年前铺的，现在经常破裂漏水，一到冬天就停水，希望纳入农村"
     "饮水提质改造。",
     {{STEP("2022-01-18 09:30", ACT_REGISTER, "paidan")},
      {STEP("2022-01-18 10:10", ACT_DISPATCH, "paidan"), .unit = "slj", .assist = {"ls", "zls"}},
      {STEP("2022-01-18 10:40", ACT_ACCEPT, "shuili")},
      {STEP("2022-01-24 15:00", ACT_EXTEND, "shuili"), .n = 10, .text =
       "管道改造需纳入2022年农村供水保障项目统一招标实施，春节前难以完工，申请延期10个工作日，"
       "其间先行对漏点进行抢修。"}}},
    {"fire-relief", "求助", NULL, "帮困", "黄春花", "13574417736",
     "张家界市永定区沅古坪镇长潭村4组", "长潭村一户村民家中失火申请临时救助",
     "沅古坪镇长潭村4组一户村民前天晚上家里失火，烧毁了两间房屋和过冬物资，一家五口暂住在亲戚"
     "家，希望申请临时救助。",
     {{STEP("2022-01-26 11:15", ACT_REGISTER, "paidan")},
      {STEP("2022-01-26 11:40", ACT_DISPATCH, "paidan"), .unit = "mzj", .assist = {"ygp", NULL}},
      {STEP("2022-01-26 14:20", ACT_ACCEPT, "minzheng")}}},
    {"elevator", "投诉", NULL, "宜居", "刘伟", "18974490341",
     "张家界市永定区西溪坪街道西溪坪社区", "西溪坪社区一小区电梯频繁故障困人",
     "西溪坪街道西溪坪社区一个小区的电梯一个月坏了好几次，上周还困了人，物业只是简单修一下，"
     "希望有关部门督促彻底检修。",
     {{STEP("2022-01-24 18:20", ACT_REGISTER, "paidan")},
      {STEP("2022-01-25 08:50", ACT_DISPATCH, "paidan"), .unit = "zjj"},
      {STEP("2022-01-25 10:30", ACT_RETURN, "zhujian"), .text =
       "电梯安全监察属区市场监管局（特种设备安全监察）职责，物业服务问题本局可配合督促，请改派"
       "区市场监管局主办。"}}},
    {"private-loan", "求助", NULL, "帮困", "吴勇", "15807441169",
     "张家界市永定区永定街道解放路社区", "求助追讨亲戚多年前的借款",
     "我亲戚五年前借了我三万元，一直拖着不还，打电话也不接，请政府帮我把钱要回来。",
     {{STEP("2022-01-20 21:05", ACT_REGISTER, "paidan")},
      {STEP("2022-01-21 09:15", ACT_REJECT, "paidan"), .text =
       "该诉求属民间借贷纠纷，不属于行政机关受理范围。已告知诉求人可向人民法院提起诉讼，或向"
       "所在街道人民调解委员会申请调解。"}}},
    {"festival-traffic", "咨询", NULL, "宜游", "唐晓明", "13107446083",
     "张家界市永定区永定街道解放路社区", "咨询春节期间天门山景区周边交通管制",
     "春节准备带家人去天门山，请问景区周边春节期间有没有交通管制，自驾车停在哪里？",
     {{STEP("2022-01-27 10:30", ACT_REGISTER, "paidan")},
      {STEP("2022-01-27 11:00", ACT_DISPATCH, "paidan"), .unit = "gafj", .assist = {"tms", NULL}}}},
    {"winter-heating", "求助", NULL, "扶弱", "彭翠兰", "18374419257",
     "张家界市永定区尹家溪镇尹家溪村3组", "尹家溪村独居老人冬季取暖困难",
     "尹家溪镇尹家溪村3组有位独居老人，房子漏风，这几天降温，家里没有取暖设备，希望民政部门"
     "帮忙。",
     {{STEP("2022-01-28 09:40", ACT_REGISTER, "paidan")},
      {STEP("2022-01-28 10:15", ACT_DISPATCH, "paidan"), .unit = "mzj", .assist = {"yjx", NULL}}}},
    {"bus-hours", "建议", NULL, "宜行", "赵磊", "15173448806",
     "张家界市永定区崇文街道崇文社区", "建议春运期间延长城区公交运营时间",
     "春运期间晚上到站的旅客多，城区公交末班车太早，打车难，建议春运期间把公交运营时间延长到"
     "晚上十点。",
     {{STEP("2022-01-29 16:45", ACT_REGISTER, "paidan")}}},
    {"winter-care", "咨询", NULL, "就学", "周敏", "13762447590",
     "张家界市永定区永定街道解放路社区", "咨询寒假期间学校托管服务",
     "孩子在城区读小学，寒假期间我们夫妻都要上班，请问学校有没有寒假托管服务，怎么报名？",
     {{STEP("2022-01-30 10:05", ACT_REGISTER, "paidan")}}},
};
/* clang-format on */

#define N_LIVE ((int)(sizeof(live_cases) / sizeof(live_cases[0])))
#define N_GEN  (DEMO_APPEALS - N_REAL)

/* ---- the generator's state ----------------------------------------------------------- */

enum plan_flags {
    F_LATE = 1 << 0,
    F_EXTENDED = 1 << 1,
    F_EXT10 = 1 << 2,
    F_REDO = 1 << 3,
    F_RETURNED = 1 << 4,
    F_URGED = 1 << 5,
    F_SUPERVISED = 1 << 6,
    F_STOP_REPLIED = 1 << 7,
    F_STOP_VISITED = 1 << 8,
};

struct plan {
    const struct tmpl *t;   /* a generated appeal, or NULL */
    const struct script *s; /* a scripted appeal, or NULL */
    int place;              /* unit_defs index of the village or community */
    int group;              /* 组 of a village, 栋 of a community */
    int urgent;
    unsigned flags;
    int surname, given;
    char phone[12];
    int64_t at; /* registration */
    int serial; /* creation order, to break ties deterministically */
    int n_steps;
    int64_t last_at;
    char code[APPEAL_CODE_LEN];
};

/* One action of one appeal at one instant. Strings are static or NULL (made at run time). */
struct step {
    int64_t at;
    int plan, seq;
    int type;
    const struct actor *who;
    const char *unit;
    const char *assist[2];
    int n_assist;
    int complex, ext_days;
    int phase;       /* reply: 2 after a redo */
    int expect_late; /* reply: whether it lands after the deadline */
    const char *text;
    const char *solved, *sat;
    int into;         /* merge: plan index */
    int64_t deadline; /* the deadline the appeal should have after this step; 0: unchecked */
};

/* Days the scheduler may touch: December 2020 to the end of 2022. */
#define WORK_DAYS 761

struct demo {
    struct service *svc;
    struct err *e;
    uint64_t rng;
    int64_t day0;
    unsigned char work[WORK_DAYS];
    int out_of_range; /* a day outside work[] was asked for: a bug of the demo */
    struct actor actors[N_USERS];
    struct actor system;
    const struct actor *paidan, *lingdao;
    int town_of[N_UNITS]; /* place -> its town or street (unit_defs indices) */
    int rural[N_UNITS], n_rural, urban[N_UNITS], n_urban, any[N_UNITS], n_any;
    struct plan *plans;
    int n_plans;
    struct step *steps;
    size_t n_steps, cap_steps;
    int bad_plan; /* first plan whose steps went back in time, + 1 */
};

/* splitmix64 (Vigna): small, fast and the same everywhere. */
static uint64_t rnd(struct demo *d)
{
    uint64_t z = (d->rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int rnd_below(struct demo *d, int n)
{
    return n > 0 ? (int)(rnd(d) % (uint64_t)n) : 0;
}

/* A random whole number of minutes in [lo, hi], as seconds. */
static int64_t minutes(struct demo *d, int lo, int hi)
{
    return (int64_t)(lo + rnd_below(d, hi - lo + 1)) * 60;
}

static int unit_index(const char *code)
{
    for (int i = 0; i < N_UNITS; i++)
        if (!strcmp(unit_defs[i].code, code))
            return i;
    return -1;
}

static const struct actor *actor_named(struct demo *d, const char *username)
{
    if (!username)
        return &d->system;
    for (int i = 0; i < N_USERS; i++)
        if (!strcmp(user_defs[i].username, username))
            return &d->actors[i];
    return NULL;
}

/* Who acts for a unit: its handler user, or the system actor when it has none. */
static const struct actor *handler_of(struct demo *d, const char *code)
{
    int i = unit_index(code);
    const struct actor *a = i < 0 ? NULL : actor_named(d, unit_defs[i].handler);
    return a ? a : &d->system;
}

/* A template's unit for this appeal: "@town" is the appeal's town or street. */
static const char *unit_for(const struct plan *p, const struct demo *d, const char *code)
{
    if (code && !strcmp(code, "@town"))
        return unit_defs[d->town_of[p->place]].code;
    return code;
}

/* ---- working time -------------------------------------------------------------------- */

#define DAY_OPEN  (8 * 3600 + 30 * 60)
#define DAY_CLOSE (17 * 3600 + 30 * 60)

static int is_work(struct demo *d, int64_t day)
{
    if (day < d->day0 || day >= d->day0 + WORK_DAYS) {
        d->out_of_range = 1;
        return 0;
    }
    return d->work[day - d->day0];
}

/* The k-th working day after `day` (k >= 1). */
static int64_t next_workday(struct demo *d, int64_t day, int k)
{
    while (k > 0 && !d->out_of_range)
        if (is_work(d, ++day))
            k--;
    return day;
}

static int64_t prev_workday(struct demo *d, int64_t day)
{
    while (!d->out_of_range && !is_work(d, --day))
        ;
    return day;
}

/* Working days x with from < x <= to. */
static int workdays_between(struct demo *d, int64_t from, int64_t to)
{
    int n = 0;
    for (int64_t x = from + 1; x <= to && !d->out_of_range; x++)
        n += is_work(d, x);
    return n;
}

/* `t` if it falls in office hours, else a little after the next opening. */
static int64_t work_after(struct demo *d, int64_t t)
{
    int64_t day = civil_site_date(t), sec = t - civil_site_midnight(day);
    if (is_work(d, day) && sec <= DAY_CLOSE) {
        if (sec >= DAY_OPEN)
            return t;
    } else {
        day = next_workday(d, day, 1);
    }
    return civil_site_midnight(day) + DAY_OPEN + minutes(d, 0, 40);
}

/* The handling deadline the core gives a dispatch (or redo) of plan p at `start`; generated
 * appeals are never complex cases. */
static int deadline_from(struct demo *d, const struct plan *p, int64_t start, int64_t *out)
{
    int kind = kind_parse(p->t->kind), urgency = p->urgent ? URG_URGENT : URG_NORMAL;
    return deadline_compute(&d->svc->cal, start, d->svc->limits.handle[kind][urgency], out, d->e);
}

/* ---- planning -------------------------------------------------------------------------- */

static struct step *add_step(struct demo *d, int plan, int64_t at, int type,
                             const struct actor *who)
{
    struct plan *p = &d->plans[plan];
    if (at < p->last_at && !d->bad_plan)
        d->bad_plan = plan + 1;
    p->last_at = at;
    xgrow((void **)&d->steps, &d->cap_steps, d->n_steps + 1, sizeof(*d->steps));
    struct step *s = &d->steps[d->n_steps++];
    memset(s, 0, sizeof(*s));
    s->at = at;
    s->plan = plan;
    s->seq = p->n_steps++;
    s->type = type;
    s->who = who;
    return s;
}

/* What a handler notes after calling the citizen (联系群众). */
static const char *const contact_notes[] = {
    "已电话联系诉求人，告知已签收并正在办理。",
    "已电话联系诉求人，了解具体情况，约定现场查看时间。",
    "已联系诉求人，说明办理流程和预计办结时间。",
};
#define N_CONTACT_NOTES ((int)(sizeof(contact_notes) / sizeof(contact_notes[0])))

/* Plans the reply of a generated appeal handled since `start` against deadline `dl`, with
 * the urges that come before it; returns the reply's time. */
static int64_t plan_reply(struct demo *d, int i, int64_t start, int64_t dl, int late, int phase,
                          int urge)
{
    struct plan *p = &d->plans[i];
    int64_t r;
    if (p->urgent) {
        if (late)
            r = dl + minutes(d, 60, 1080);
        else
            r = start + minutes(d, 60, (int)((dl - start) / 60) - 30);
    } else {
        int64_t from = civil_site_date(start), to = civil_site_date(dl);
        if (late) {
            r = civil_site_midnight(next_workday(d, to, 1 + rnd_below(d, 3))) + 9 * 3600 +
                minutes(d, 10, 500);
        } else {
            int m = workdays_between(d, from, to), k;
            if (m < 1) {
                if (!d->bad_plan)
                    d->bad_plan = i + 1;
                m = 1;
            }
            if (p->flags & F_EXTENDED) {
                k = m - rnd_below(d, m < 3 ? m : 3);
            } else {
                int x = rnd_below(d, m), y = rnd_below(d, m);
                k = 1 + (x < y ? x : y); /* most are answered well before the limit */
            }
            r = civil_site_midnight(next_workday(d, from, k)) + DAY_OPEN + minutes(d, 0, 540);
        }
    }
    if (urge && late) {
        int64_t u =
            p->urgent ? dl + minutes(d, 5, 30)
                      : civil_site_midnight(civil_site_date(dl) + 1) + 8 * 3600 + minutes(d, 0, 20);
        add_step(d, i, u, ACT_URGE, d->paidan)->text = NOTE_OVERDUE;
        if (p->flags & F_SUPERVISED)
            add_step(d, i, u + minutes(d, 10, 20), ACT_SUPERVISE, d->lingdao)->text =
                NOTE_SUPERVISE;
    } else if (urge) {
        int64_t u = work_after(d, start + (r - start) / 3);
        if (u + 600 < r)
            add_step(d, i, u, ACT_URGE, d->paidan)->text = NOTE_CITIZEN;
    }
    struct step *s = add_step(d, i, r, ACT_REPLY, handler_of(d, unit_for(p, d, p->t->lead)));
    s->expect_late = late;
    s->phase = phase;
    return r;
}

static void plan_visit(struct demo *d, struct step *s, int bad)
{
    int r = rnd_below(d, 100);
    if (bad) {
        s->solved = r < 50 ? "no" : "partly";
        s->sat = "unsatisfied";
        s->text = r < 50 ? "电话回访，诉求人反映问题仍未解决，表示不满意。"
                         : "电话回访，诉求人认为问题只解决了一部分，表示不满意。";
    } else if (r < 86) {
        s->solved = "yes";
        s->sat = "satisfied";
        s->text = "电话回访，诉求人对办理结果表示满意。";
    } else if (r < 96) {
        s->solved = "yes";
        s->sat = "basic";
        s->text = "电话回访，诉求人表示基本满意，希望持续关注。";
    } else {
        s->solved = "partly";
        s->sat = "basic";
        s->text = "电话回访，问题已部分解决，诉求人表示基本满意，已说明后续安排。";
    }
}

static int plan_generated(struct demo *d, int i)
{
    struct plan *p = &d->plans[i];
    const struct tmpl *t = p->t;
    const char *lead = unit_for(p, d, t->lead);
    const struct actor *h = handler_of(d, lead);
    struct step *s;
    int64_t at, dl;

    add_step(d, i, p->at, ACT_REGISTER, d->paidan);
    /* registration keeps the second the message came in; handling runs on whole minutes */
    at = p->urgent ? p->at + minutes(d, 5, 30) : work_after(d, p->at + minutes(d, 10, 90));
    at -= at % 60;
    if (p->flags & F_RETURNED) {
        if (deadline_from(d, p, at, &dl) < 0)
            return -1;
        s = add_step(d, i, at, ACT_DISPATCH, d->paidan);
        s->unit = t->wrong;
        s->deadline = dl;
        at = work_after(d, at + minutes(d, 20, 180));
        add_step(d, i, at, ACT_RETURN, handler_of(d, t->wrong));
        at = work_after(d, at + minutes(d, 15, 120));
    }
    if (deadline_from(d, p, at, &dl) < 0)
        return -1;
    s = add_step(d, i, at, ACT_DISPATCH, d->paidan);
    s->unit = lead;
    s->deadline = dl;
    for (int k = 0; k < 2 && t->assist[k]; k++)
        s->assist[s->n_assist++] = unit_for(p, d, t->assist[k]);
    at = p->urgent ? at + minutes(d, 5, 50) : work_after(d, at + minutes(d, 10, 200));
    add_step(d, i, at, ACT_ACCEPT, h);
    /* The handler calls the citizen soon after signing. The offset comes from the plan's
     * index, not the generator, so adding this step left every other draw as it was. */
    at += 60 * (p->urgent ? 3 + i % 10 : 10 + (i * 37) % 80);
    if (!p->urgent && i % 43 == 11) /* one in 43 calls waits for the next working day */
        at = work_after(d, at + 86400);
    add_step(d, i, at, ACT_CONTACT, h)->text = contact_notes[i % N_CONTACT_NOTES];

    if (p->flags & F_EXTENDED) {
        int days = p->flags & F_EXT10 ? 10 : 5;
        int64_t day = prev_workday(d, civil_site_date(dl));
        int64_t ask = civil_site_midnight(day) + 10 * 3600 + minutes(d, 0, 90), nd;
        if (ask <= at)
            ask = at + minutes(d, 20, 40);
        s = add_step(d, i, ask, ACT_EXTEND, h);
        s->ext_days = days;
        s->text = days == 10 ? REASON_EXT10 : REASON_EXT5;
        if (calendar_add_workdays(&d->svc->cal, civil_site_date(dl), days, &nd, d->e) < 0)
            return -1;
        dl = civil_site_midnight(nd + 1) - 1;
        at = ask + minutes(d, 60, 240);
        add_step(d, i, at, ACT_EXTEND_APPROVE, d->paidan)->deadline = dl;
    }

    int redo = (p->flags & F_REDO) != 0;
    at = plan_reply(d, i, at, dl, redo ? 0 : (p->flags & F_LATE) != 0, 1,
                    redo ? 0 : (p->flags & F_URGED) != 0);
    if (p->flags & F_STOP_REPLIED)
        return 0;
    int64_t v = work_after(d, at + minutes(d, 120, 2880));
    if (redo) {
        s = add_step(d, i, v, ACT_VISIT, d->paidan);
        plan_visit(d, s, 1);
        /* the service redoes it at once: a new deadline from the visit */
        if (deadline_from(d, p, v, &dl) < 0)
            return -1;
        d->steps[d->n_steps - 1].deadline = dl;
        at = plan_reply(d, i, v, dl, (p->flags & F_LATE) != 0, 2, (p->flags & F_URGED) != 0);
        v = work_after(d, at + minutes(d, 120, 2880));
    }
    s = add_step(d, i, v, ACT_VISIT, d->paidan);
    plan_visit(d, s, 0);
    if (p->flags & F_STOP_VISITED)
        return 0;
    add_step(d, i, work_after(d, v + minutes(d, 20, 600)), ACT_CLOSE, d->paidan)->text = NOTE_CLOSE;
    return 0;
}

static int plan_index_of(const struct demo *d, const char *key)
{
    for (int i = 0; i < d->n_plans; i++)
        if (d->plans[i].s && !strcmp(d->plans[i].s->key, key))
            return i;
    return -1;
}

static int plan_script(struct demo *d, int i)
{
    int64_t accepted = 0; /* a signing waiting for its call to the citizen */
    const struct actor *caller = NULL;
    const struct script *sc = d->plans[i].s;
    for (int k = 0; k < 10 && sc->steps[k].type; k++) {
        const struct sstep *x = &sc->steps[k];
        const struct actor *who = actor_named(d, x->who);
        int64_t at;
        if (!who)
            return err_set(d->e, ERR_INVALID, "demo", "demo script '%s' names no user '%s'",
                           sc->key, x->who);
        if (civil_parse_instant_checked(x->at, "at", &at, d->e) < 0)
            return -1;
        if (accepted) { /* the call comes before the next scripted step, within 20 minutes */
            int64_t call = accepted + (at - accepted < 2400 ? (at - accepted) / 2 : 1200);
            add_step(d, i, call - call % 60, ACT_CONTACT, caller)->text =
                contact_notes[i % N_CONTACT_NOTES];
            accepted = 0;
        }
        struct step *s = add_step(d, i, at, x->type, who);
        if (x->type == ACT_ACCEPT) {
            accepted = at;
            caller = who;
        }
        s->unit = x->unit;
        for (int j = 0; j < 2 && x->assist[j]; j++)
            s->assist[s->n_assist++] = x->assist[j];
        s->complex = x->type == ACT_DISPATCH ? x->n : 0;
        s->ext_days = x->type == ACT_EXTEND ? x->n : 0;
        s->text = x->text;
        s->solved = x->solved;
        s->sat = x->sat;
        s->phase = 1;
        if (x->type == ACT_MERGE && (s->into = plan_index_of(d, x->into)) < 0)
            return err_set(d->e, ERR_INVALID, "demo", "demo script '%s' merges into unknown '%s'",
                           sc->key, x->into ? x->into : "");
    }
    if (accepted)
        add_step(d, i, accepted + 1200, ACT_CONTACT, caller)->text =
            contact_notes[i % N_CONTACT_NOTES];
    return 0;
}

/* ---- choosing the year's appeals --------------------------------------------------------- */

/* More appeals as the campaign (党史学习教育, from March) got going; fewer at Spring Festival. */
static const int month_weight[12] = {7, 6, 9, 10, 11, 12, 12, 11, 10, 9, 10, 9};
/* WeChat groups are read from early morning to late evening, most in office hours. */
static const int hour_weight[24] = {0, 0, 0, 0, 0, 0, 0, 1, 4, 8, 9, 7,
                                    4, 3, 6, 7, 7, 5, 4, 5, 6, 4, 2, 0};

static int64_t random_time_of_day(struct demo *d)
{
    int total = 0, h = 0;
    for (int k = 0; k < 24; k++)
        total += hour_weight[k];
    int r = rnd_below(d, total);
    while (r >= hour_weight[h])
        r -= hour_weight[h++];
    return (int64_t)h * 3600 + rnd_below(d, 60) * 60 + rnd_below(d, 60);
}

static void new_generated(struct demo *d, struct plan *p, int64_t at)
{
    int total = 0;
    for (int k = 0; k < N_TMPLS; k++)
        total += tmpls[k].weight;
    int r = rnd_below(d, total), k = 0;
    while (r >= tmpls[k].weight)
        r -= tmpls[k++].weight;
    p->t = &tmpls[k];
    const int *from = p->t->where == P_RURAL   ? d->rural
                      : p->t->where == P_URBAN ? d->urban
                                               : d->any;
    int n = p->t->where == P_RURAL ? d->n_rural : p->t->where == P_URBAN ? d->n_urban : d->n_any;
    p->place = from[rnd_below(d, n)];
    p->group = 1 + rnd_below(d, 12);
    p->urgent = p->t->urgent && rnd_below(d, 100) < 15;
    p->surname = rnd_below(d, (int)(sizeof(surnames) / sizeof(surnames[0])));
    p->given = rnd_below(d, (int)(sizeof(given_names) / sizeof(given_names[0])));
    const char *pre =
        phone_prefixes[rnd_below(d, (int)(sizeof(phone_prefixes) / sizeof(phone_prefixes[0])))];
    snprintf(p->phone, sizeof(p->phone), "%s%08d", pre, rnd_below(d, 100000000));
    p->at = at;
}

/* Spreads N_GEN appeals over the days of 2021 by weight (largest remainder, so the total is
 * exact), then adds the real cases and sorts them all by the time they were received. */
static void make_year(struct demo *d)
{
    enum { DAYS = 365 };
    int64_t first = civil_days(2021, 1, 1), weight[DAYS], sum = 0;
    int count[DAYS], given = 0;
    int64_t rem[DAYS];
    for (int i = 0; i < DAYS; i++) {
        int y, m, dd;
        civil_ymd(first + i, &y, &m, &dd);
        weight[i] = month_weight[m - 1] * (is_work(d, first + i) ? 5 : 2);
        sum += weight[i];
    }
    for (int i = 0; i < DAYS; i++) {
        count[i] = (int)(N_GEN * weight[i] / sum);
        rem[i] = N_GEN * weight[i] % sum;
        given += count[i];
    }
    while (given < N_GEN) {
        int best = 0;
        for (int i = 1; i < DAYS; i++)
            if (rem[i] > rem[best])
                best = i;
        count[best]++;
        rem[best] = -1;
        given++;
    }
    for (int i = 0; i < DAYS; i++)
        for (int j = 0; j < count[i]; j++) {
            struct plan *p = &d->plans[d->n_plans];
            new_generated(d, p, civil_site_midnight(first + i) + random_time_of_day(d));
            p->serial = d->n_plans++;
        }
}

static int by_received(const void *x, const void *y)
{
    const struct plan *a = x, *b = y;
    if (a->at != b->at)
        return a->at < b->at ? -1 : 1;
    return (a->serial > b->serial) - (a->serial < b->serial);
}

static int fits_returned(const struct plan *p)
{
    return p->t && p->t->wrong && !p->urgent;
}

static int fits_extended(const struct plan *p)
{
    return p->t && !p->urgent && !(p->flags & F_RETURNED);
}

static int fits_ext10(const struct plan *p)
{
    return (p->flags & F_EXTENDED) != 0;
}

static int fits_redo(const struct plan *p)
{
    return p->t && !p->urgent && !(p->flags & (F_EXTENDED | F_RETURNED)) &&
           p->at < civil_site_midnight(civil_days(2021, 12, 1));
}

static int fits_late(const struct plan *p)
{
    return p->t && !(p->flags & F_EXTENDED);
}

static int fits_urged_late(const struct plan *p)
{
    return (p->flags & F_LATE) != 0;
}

static int fits_supervised(const struct plan *p)
{
    return (p->flags & F_URGED) && (p->flags & F_LATE);
}

static int fits_urged_timely(const struct plan *p)
{
    return p->t && !p->urgent && !(p->flags & (F_LATE | F_URGED));
}

static int fits_stop(const struct plan *p)
{
    return p->t && p->at >= civil_site_midnight(civil_days(2021, 12, 20)) &&
           !(p->flags & (F_EXTENDED | F_REDO | F_STOP_REPLIED | F_STOP_VISITED));
}

/* Sets `flag` on k of the 2021 plans that `fits` accepts, drawn at random. */
static int draw(struct demo *d, int k, unsigned flag, int (*fits)(const struct plan *))
{
    int *cand = xmalloc(sizeof(int) * (size_t)d->n_plans), n = 0;
    for (int i = 0; i < d->n_plans; i++)
        if (fits(&d->plans[i]))
            cand[n++] = i;
    if (n < k) {
        free(cand);
        return err_set(d->e, ERR_INVALID, "demo",
                       "demo: only %d appeals fit flag %#x where %d are wanted", n, flag, k);
    }
    for (int j = 0; j < k; j++) {
        int r = j + rnd_below(d, n - j), tmp = cand[j];
        cand[j] = cand[r];
        cand[r] = tmp;
        d->plans[cand[j]].flags |= flag;
    }
    free(cand);
    return 0;
}

/* ---- running the steps ------------------------------------------------------------------ */

/* Copies `tmpl` into out with {T}, {V} and {N} filled in for plan p. */
static int fill(struct demo *d, const struct plan *p, const char *tmpl, char *out, size_t size)
{
    size_t n = 0;
    const char *town = unit_defs[d->town_of[p->place]].name, *place = unit_defs[p->place].name;
    char num[12];
    snprintf(num, sizeof(num), "%d", p->group);
    for (const char *s = tmpl; *s;) {
        const char *ins = NULL;
        if (s[0] == '{' && s[1] && s[2] == '}')
            ins = s[1] == 'T' ? town : s[1] == 'V' ? place : s[1] == 'N' ? num : NULL;
        size_t len = ins ? strlen(ins) : 1;
        if (n + len >= size)
            return err_set(d->e, ERR_INVALID, "demo", "demo text too long: '%.40s'", tmpl);
        memcpy(out + n, ins ? ins : s, len);
        n += len;
        s += ins ? 3 : 1;
    }
    out[n] = '\0';
    return 0;
}

static int run_register(struct demo *d, struct plan *p, const struct step *s, struct appeal *a)
{
    char title[TEXT_MAX], content[TEXT_MAX], name[64], address[256];
    struct register_req req;
    memset(&req, 0, sizeof(req));
    req.channel = "微信群";
    req.at = s->at;
    if (p->s) {
        req.title = p->s->title;
        req.content = p->s->content;
        req.kind = p->s->kind;
        req.urgency = p->s->urgency;
        req.area = p->s->area;
        req.citizen_name = p->s->name;
        req.phone = p->s->phone;
        req.address = p->s->address;
    } else {
        const struct unit_def *place = &unit_defs[p->place];
        const char *town = unit_defs[d->town_of[p->place]].name;
        if (fill(d, p, p->t->title, title, sizeof(title)) < 0 ||
            fill(d, p, p->t->content, content, sizeof(content)) < 0)
            return -1;
        snprintf(name, sizeof(name), "%s%s", surnames[p->surname], given_names[p->given]);
        if (!strcmp(place->kind, "village"))
            snprintf(address, sizeof(address), "张家界市永定区%s%s%d组", town, place->name,
                     p->group);
        else
            snprintf(address, sizeof(address), "张家界市永定区%s%s%d栋%d单元", town, place->name,
                     p->group, 1 + p->group % 3);
        req.title = title;
        req.content = content;
        req.kind = p->t->kind;
        req.urgency = p->urgent ? "紧急" : NULL;
        req.area = area_names[p->t->area];
        req.citizen_name = name;
        req.phone = p->phone;
        req.address = address;
    }
    if (utf8_count(req.title) > TITLE_MAX_CHARS)
        return err_set(d->e, ERR_INVALID, "demo", "demo title '%s' is longer than %d characters",
                       req.title, TITLE_MAX_CHARS);
    if (svc_register(d->svc, s->who, &req, a, d->e) < 0)
        return -1;
    snprintf(p->code, sizeof(p->code), "%s", a->code);
    return 0;
}

static int run_act(struct demo *d, struct plan *p, const struct step *s, struct appeal *a)
{
    char text[2 * TEXT_MAX], body[TEXT_MAX], ev1[128], ev2[128];
    struct act_req req;
    memset(&req, 0, sizeof(req));
    req.type = s->type;
    req.at = s->at;
    req.code = p->code;
    req.unit = s->unit;
    for (int k = 0; k < s->n_assist; k++)
        req.assist[k] = s->assist[k];
    req.n_assist = s->n_assist;
    req.complex = s->complex;
    req.ext_days = s->ext_days;
    switch (s->type) {
    case ACT_RETURN:
    case ACT_EXTEND:
    case ACT_REJECT:
        req.reason = s->text;
        if (!req.reason) {
            const char *lead = unit_for(p, d, p->t->lead);
            snprintf(text, sizeof(text),
                     "经核实，该诉求属%s职责范围，不属于本单位办理事项，请予改派。",
                     unit_defs[unit_index(lead)].name);
            req.reason = text;
        }
        break;
    case ACT_REPLY:
        req.text = s->text;
        if (!req.text) {
            int v = p->serial + s->phase;
            if (fill(d, p, p->t->reply, body, sizeof(body)) < 0)
                return -1;
            if (s->phase == 2)
                snprintf(text, sizeof(text),
                         "重办答复：针对回访中诉求人反映的问题，承办单位"
                         "再次上门核查处理。%s经复核，问题已解决。",
                         body);
            else
                snprintf(text, sizeof(text), "%s%s", body,
                         reply_ends[v % (int)(sizeof(reply_ends) / sizeof(reply_ends[0]))]);
            req.text = text;
            req.record = records[v % (int)(sizeof(records) / sizeof(records[0]))];
        }
        snprintf(ev1, sizeof(ev1), "现场照片-%s%s.jpg", p->code, s->phase == 2 ? "-2" : "");
        req.evidence[req.n_evidence++] = ev1;
        if (p->s || s->phase == 2 || p->serial % 3 == 0) {
            snprintf(ev2, sizeof(ev2), "办理记录-%s%s.pdf", p->code, s->phase == 2 ? "-2" : "");
            req.evidence[req.n_evidence++] = ev2;
        }
        break;
    case ACT_VISIT:
        req.solved = s->solved;
        req.satisfaction = s->sat;
        req.note = s->text;
        break;
    case ACT_CLOSE:
        req.note = s->text;
        snprintf(ev1, sizeof(ev1), "销号审核表-%s.pdf", p->code);
        req.evidence[req.n_evidence++] = ev1;
        break;
    case ACT_MERGE:
        req.into = d->plans[s->into].code;
        req.note = s->text;
        break;
    default: /* urge, supervise */
        req.note = s->text;
        break;
    }
    return svc_act(d->svc, s->who, &req, a, d->e);
}

static int run_step(struct demo *d, const struct step *s)
{
    struct plan *p = &d->plans[s->plan];
    struct appeal a;
    char want[26], got[26];
    int rc;
    appeal_init(&a);
    rc = s->type == ACT_REGISTER ? run_register(d, p, s, &a) : run_act(d, p, s, &a);
    if (rc < 0)
        goto out;
    rc = -1;
    if (s->deadline && a.deadline != s->deadline) {
        civil_format_instant(s->deadline, want);
        civil_format_instant(a.deadline, got);
        err_set(d->e, ERR_INVALID, "demo", "demo planned deadline %s for %s after %s, got %s", want,
                a.code, action_code(s->type), got);
        goto out;
    }
    if (s->type == ACT_REPLY && (a.replied_at > a.deadline) != s->expect_late) {
        err_set(d->e, ERR_INVALID, "demo", "demo planned appeal %s to be replied %s", a.code,
                s->expect_late ? "late" : "on time");
        goto out;
    }
    rc = 0;
out:
    appeal_release(&a);
    return rc;
}

static int by_time(const void *x, const void *y)
{
    const struct step *a = x, *b = y;
    if (a->at != b->at)
        return a->at < b->at ? -1 : 1;
    if (a->plan != b->plan)
        return a->plan < b->plan ? -1 : 1;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

/* ---- setting up ---------------------------------------------------------------------- */

static int check_empty(struct demo *d)
{
    struct unit *list = NULL;
    size_t n_units = 0;
    struct list_req lr = {.limit = 1};
    struct appeal_list al;
    if (store_unit_list(d->svc->st, &list, &n_units, d->e) < 0)
        return -1;
    free(list);
    if (svc_list(d->svc, &svc_system, &lr, &al, d->e) < 0)
        return -1;
    int64_t n_appeals = al.total;
    appeal_list_release(&al);
    if (n_units || n_appeals)
        return err_set(d->e, ERR_CONFLICT, "db",
                       "database is not empty (%zu units, %lld appeals): load the demo into a "
                       "new database",
                       n_units, (long long)n_appeals);
    return 0;
}

static int setup_org(struct demo *d)
{
    static const char *const channel = "微信群";
    struct ref r;
    struct err ignore;
    if (store_setting_set(d->svc->st, "code_prefix", "YD", d->e) < 0 ||
        store_setting_set(d->svc->st, "site_name", "永定区", d->e) < 0)
        return -1;
    /* The reference lists come with the schema; put back any that an admin removed. */
    for (int k = 0; k < 10; k++)
        if (store_ref_find(d->svc->st, REF_AREA, area_names[k], &r, &ignore) < 0 &&
            svc_ref_add(d->svc, &svc_system, REF_AREA, area_names[k], NULL, k + 1, NULL, d->e) < 0)
            return -1;
    if (store_ref_find(d->svc->st, REF_CHANNEL, channel, &r, &ignore) < 0 &&
        svc_ref_add(d->svc, &svc_system, REF_CHANNEL, channel, "wechat", 1, NULL, d->e) < 0)
        return -1;
    for (int i = 0; i < N_UNITS; i++) {
        const struct unit_def *u = &unit_defs[i];
        if (svc_unit_add(d->svc, &svc_system, u->name, u->code, u->kind, u->parent, NULL, d->e) < 0)
            return -1;
        if (!strcmp(u->kind, "village") || !strcmp(u->kind, "community")) {
            d->town_of[i] = unit_index(u->parent);
            d->any[d->n_any++] = i;
            if (!strcmp(u->kind, "village"))
                d->rural[d->n_rural++] = i;
            else
                d->urban[d->n_urban++] = i;
        }
    }
    for (int i = 0; i < N_USERS; i++) {
        const struct user_def *u = &user_defs[i];
        if (svc_user_add(d->svc, &svc_system, u->username, u->name, u->role, u->unit, NULL,
                         u->password ? DEMO_PASSWORD : NULL, NULL, d->e) < 0 ||
            svc_actor(d->svc, u->username, &d->actors[i], d->e) < 0)
            return -1;
    }
    if (svc_actor(d->svc, NULL, &d->system, d->e) < 0)
        return -1;
    d->paidan = actor_named(d, "paidan");
    d->lingdao = actor_named(d, "lingdao");
    return 0;
}

static int load_workdays(struct demo *d)
{
    d->day0 = civil_days(2020, 12, 1);
    for (int i = 0; i < WORK_DAYS; i++) {
        int w;
        if (calendar_is_workday(&d->svc->cal, d->day0 + i, &w, d->e) < 0)
            return -1;
        d->work[i] = (unsigned char)w;
    }
    return 0;
}

/* Picks and plans every appeal; fills d->steps in time order. */
static int plan_all(struct demo *d)
{
    d->plans = xcalloc((size_t)(N_GEN + N_REAL + N_LIVE), sizeof(*d->plans));
    make_year(d);
    for (int i = 0; i < N_REAL; i++) {
        struct plan *p = &d->plans[d->n_plans];
        p->s = &real_cases[i];
        p->serial = d->n_plans++;
        if (civil_parse_instant_checked(p->s->steps[0].at, "at", &p->at, d->e) < 0)
            return -1;
    }
    qsort(d->plans, (size_t)d->n_plans, sizeof(*d->plans), by_received);
    if (draw(d, N_RETURNED, F_RETURNED, fits_returned) < 0 ||
        draw(d, N_EXTENDED, F_EXTENDED, fits_extended) < 0 ||
        draw(d, N_EXT10, F_EXT10, fits_ext10) < 0 || draw(d, N_REDO, F_REDO, fits_redo) < 0 ||
        draw(d, N_STOP_REPLIED, F_STOP_REPLIED, fits_stop) < 0 ||
        draw(d, N_STOP_VISITED, F_STOP_VISITED, fits_stop) < 0 ||
        draw(d, DEMO_LATE, F_LATE, fits_late) < 0 ||
        draw(d, N_URGED_LATE, F_URGED, fits_urged_late) < 0 ||
        draw(d, N_SUPERVISED, F_SUPERVISED, fits_supervised) < 0 ||
        draw(d, N_URGED_TIMELY, F_URGED, fits_urged_timely) < 0)
        return -1;
    for (int i = 0; i < N_LIVE; i++) {
        struct plan *p = &d->plans[d->n_plans];
        p->s = &live_cases[i];
        p->serial = d->n_plans++;
    }
    for (int i = 0; i < d->n_plans; i++)
        if ((d->plans[i].s ? plan_script(d, i) : plan_generated(d, i)) < 0)
            return -1;
    if (d->out_of_range)
        return err_set(d->e, ERR_INVALID, "demo", "demo planned a day outside 2020-12..2022");
    if (d->bad_plan)
        return err_set(d->e, ERR_INVALID, "demo", "demo plan %d goes back in time",
                       d->bad_plan - 1);
    qsort(d->steps, d->n_steps, sizeof(*d->steps), by_time);
    return 0;
}

/* The generator's self-check: the 2021 figures the district reported. */
static int check_report(struct demo *d)
{
    struct report r;
    int64_t as_of;
    if (civil_parse_instant_checked("2022-06-30T18:00:00+08:00", "as_of", &as_of, d->e) < 0 ||
        svc_report(d->svc, &svc_system, "2021-01-01", "2021-12-31", 0, as_of, &r, d->e) < 0)
        return -1;
    const struct tally *t = &r.total;
    int64_t replied = tally_count(t, FIG_REPLY), due = t->den[FIG_TIMELY],
            timely = tally_count(t, FIG_TIMELY);
    int64_t pct2 = due ? (timely * 200 + due) / (2 * due) : -1; /* rounded */
    int ok = t->received == DEMO_APPEALS && t->eligible == DEMO_APPEALS &&
             replied == DEMO_APPEALS && due == DEMO_APPEALS &&
             timely == DEMO_APPEALS - DEMO_LATE && pct2 == DEMO_TIMELY_PCT;
    if (!ok)
        err_set(d->e, ERR_INVALID, "demo",
                "demo 2021 report is off: received %lld, eligible %lld, replied %lld, "
                "timely %lld of %lld due",
                (long long)t->received, (long long)t->eligible, (long long)replied,
                (long long)timely, (long long)due);
    report_release(&r);
    return ok ? 0 : -1;
}

static int build(struct demo *d)
{
    if (check_empty(d) < 0 || load_workdays(d) < 0 || setup_org(d) < 0 || plan_all(d) < 0)
        return -1;
    for (size_t k = 0; k < d->n_steps; k++)
        if (run_step(d, &d->steps[k]) < 0)
            return -1;
    return check_report(d);
}

int svc_demo(struct service *svc, struct err *e)
{
    struct demo d;
    memset(&d, 0, sizeof(d));
    d.svc = svc;
    d.e = e;
    d.rng = DEMO_SEED;
    if (store_begin(svc->st, e) < 0)
        return -1;
    int rc = build(&d);
    if (rc == 0) rc = demo_projects(svc, e);
    if (rc == 0) rc = demo_lists(svc, e);
    if (rc == 0) rc = demo_votes(svc, e);
    if (rc == 0 && store_commit(svc->st, e) < 0)
        rc = -1;
    if (rc < 0)
        store_rollback(svc->st);
    /* A demo site suggests units and areas from the start: learnt from its own appeals. */
    struct learn_result learnt;
    if (rc == 0 && svc_learn(svc, &svc_system, (int64_t)time(NULL), &learnt, e) < 0)
        rc = -1;
    free(d.plans);
    free(d.steps);
    return rc;
}
