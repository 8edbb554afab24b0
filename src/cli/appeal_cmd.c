/* appeal_cmd.c -- register, every workflow action, show and list. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/mask.h"
#include "service/project.h"
#include "util/civil.h"

#include "util/banned.h"

/* Prints the appeal a command produced (as JSON, its code alone, or a status line) and
 * releases it. Returns the exit status. */
static int print_appeal(struct cli *c, struct appeal *a, const char *format, int code_only)
{
    struct err e = {0};
    int rc = 0;
    if (!strcmp(format, "json")) {
        struct names n;
        if (names_load(&c->svc, &n, &e) < 0) {
            rc = cli_fail(&e);
        } else {
            cli_print_json(view_appeal(&n, a, 0, c->now));
            names_release(&n);
        }
    } else if (code_only) {
        printf("%s\n", a->code);
    } else {
        char deadline[26] = "-";
        if (a->deadline)
            civil_format_instant(a->deadline, deadline);
        printf("%s %s %s deadline %s\n", a->code, state_code(a->state), state_label(a->state),
               deadline);
    }
    appeal_release(a);
    return rc;
}

int cmd_register(struct cli *c, int argc, char **argv)
{
    static const struct opt_spec spec[] = {
        COMMON_OPTS,         {"title", OPT_VALUE},   {"content", OPT_VALUE},
        {"channel", OPT_VALUE}, {"kind", OPT_VALUE}, {"urgency", OPT_VALUE},
        {"area", OPT_VALUE}, {"name", OPT_VALUE},    {"phone", OPT_VALUE},
        {"id-number", OPT_VALUE}, {"address", OPT_VALUE}, {"format", OPT_VALUE}, {0, 0}};
    struct opts o;
    struct err e = {0};
    const char *format;
    if (cli_parse(c, argc, argv, spec, &o, &e) < 0 ||
        opt_format(&o, "table|json", &format, &e) < 0 || cli_open(c, 0, &e) < 0)
        return cli_fail(&e);
    struct register_req req = {
        .title = opt_get(&o, "title"),
        .content = opt_get(&o, "content"),
        .channel = opt_get(&o, "channel"),
        .kind = opt_get(&o, "kind"),
        .urgency = opt_get(&o, "urgency"),
        .area = opt_get(&o, "area"),
        .citizen_name = opt_get(&o, "name"),
        .phone = opt_get(&o, "phone"),
        .id_number = opt_get(&o, "id-number"),
        .address = opt_get(&o, "address"),
        .at = c->now,
    };
    if (!req.kind) {
        err_set(&e, ERR_INVALID, "kind", "register needs --kind (咨询 求助 投诉 举报 建议)");
        return cli_fail(&e);
    }
    struct actor who;
    struct appeal a;
    struct dup_list d;
    if (svc_actor(&c->svc, c->as, &who, &e) < 0 ||
        svc_register_checked(&c->svc, &who, &req, &a, &d, &e) < 0)
        return cli_fail(&e);
    /* Likely duplicates never block the registration: JSON carries them, a person at a
     * terminal is told on stderr, a script reading the code is left alone. */
    if (!strcmp(format, "json")) {
        json_t *j = svc_appeal_doc(&c->svc, &who, &a, NULL, UNMASK_NO, c->now, &e);
        if (!j) {
            appeal_release(&a);
            return cli_fail(&e);
        }
        json_object_set_new(j, "duplicates", svc_duplicates_json(&d));
        cli_print_json(j);
        appeal_release(&a);
        return 0;
    }
    if (isatty(STDERR_FILENO))
        cli_print_dups(stderr, &d, 3);
    return print_appeal(c, &a, format, 1);
}

/* CLI word -> action, where the word differs from the action's code. */
static int action_of(const char *cmd)
{
    if (!strcmp(cmd, "extend-approve"))
        return ACT_EXTEND_APPROVE;
    if (!strcmp(cmd, "extend-deny"))
        return ACT_EXTEND_DENY;
    if (!strcmp(cmd, "redispatch"))
        return ACT_DISPATCH;
    int a = action_parse(cmd);
    return a == ACT_REGISTER ? ACT_NONE : a;
}

int cmd_action(struct cli *c, int argc, char **argv)
{
    static const struct opt_spec spec[] = {
        COMMON_OPTS,          {"unit", OPT_VALUE},     {"assist", OPT_MULTI},
        {"days", OPT_VALUE},  {"hours", OPT_VALUE},    {"complex", OPT_FLAG},
        {"reason", OPT_VALUE}, {"text", OPT_VALUE},    {"record", OPT_VALUE},
        {"note", OPT_VALUE},  {"evidence", OPT_MULTI}, {"solved", OPT_VALUE},
        {"satisfaction", OPT_VALUE}, {"no-redo", OPT_FLAG}, {"into", OPT_VALUE},
        {"version", OPT_VALUE}, {"format", OPT_VALUE}, {0, 0}};
    struct opts o;
    struct err e = {0};
    const char *format;
    struct act_req req;
    memset(&req, 0, sizeof(req));
    req.type = action_of(argv[0]);
    if (cli_parse(c, argc, argv, spec, &o, &e) < 0 ||
        opt_format(&o, "table|json", &format, &e) < 0)
        return cli_fail(&e);
    if (o.nargs != 1) {
        err_set(&e, ERR_INVALID, "", "usage: shishi --db FILE %s CODE [options]", argv[0]);
        return cli_fail(&e);
    }
    long days, hours, version;
    if (opt_int(&o, "days", 1, 3660, 0, &days, &e) < 0 ||
        opt_int(&o, "hours", 1, 8760, 0, &hours, &e) < 0 ||
        opt_int(&o, "version", 1, 1L << 40, 0, &version, &e) < 0)
        return cli_fail(&e);
    if (days && hours) {
        err_set(&e, ERR_INVALID, "days", "give --days or --hours, not both");
        return cli_fail(&e);
    }
    req.code = o.args[0];
    req.at = c->now;
    req.expected_version = version;
    req.unit = opt_get(&o, "unit");
    req.n_assist = opt_all(&o, "assist", req.assist, APPEAL_MAX_ASSIST);
    req.n_evidence = opt_all(&o, "evidence", req.evidence, APPEAL_MAX_EVIDENCE);
    if (req.n_assist < 0 || req.n_evidence < 0) {
        err_set(&e, ERR_INVALID, "", "too many --assist or --evidence options");
        return cli_fail(&e);
    }
    if (req.type == ACT_EXTEND)
        req.ext_days = (int)days;
    else if (days || hours) {
        req.limit_amount = (int)(days ? days : hours);
        req.limit_unit = days ? LIMIT_WORKDAYS : LIMIT_HOURS;
    }
    req.complex = opt_flag(&o, "complex");
    req.reason = opt_get(&o, "reason");
    req.text = opt_get(&o, "text");
    req.record = opt_get(&o, "record");
    req.note = opt_get(&o, "note");
    req.solved = opt_get(&o, "solved");
    req.satisfaction = opt_get(&o, "satisfaction");
    req.no_redo = opt_flag(&o, "no-redo");
    req.into = opt_get(&o, "into");
    struct actor who;
    struct appeal a;
    if (cli_open(c, 0, &e) < 0 || svc_actor(&c->svc, c->as, &who, &e) < 0 ||
        svc_act(&c->svc, &who, &req, &a, &e) < 0)
        return cli_fail(&e);
    return print_appeal(c, &a, format, 0);
}

int cmd_show(struct cli *c, int argc, char **argv)
{
    static const struct opt_spec spec[] = {COMMON_OPTS, {"format", OPT_VALUE}, {"unmask", OPT_FLAG},
                                           {0, 0}};
    struct opts o;
    struct err e = {0};
    const char *format;
    if (cli_parse(c, argc, argv, spec, &o, &e) < 0 ||
        opt_format(&o, "table|json", &format, &e) < 0)
        return cli_fail(&e);
    if (o.nargs != 1) {
        err_set(&e, ERR_INVALID, "", "usage: shishi --db FILE show CODE [--format json]");
        return cli_fail(&e);
    }
    struct appeal a;
    struct event_list h;
    /* A full view is a disclosure, recorded on the chain (svc_disclose). */
    if (cli_open(c, 0, &e) < 0 ||
        (opt_flag(&o, "unmask") ? svc_disclose(&c->svc, &c->who, o.args[0], c->now, &a, &h, &e)
                                : svc_show(&c->svc, &c->who, o.args[0], &a, &h, &e)) < 0)
        return cli_fail(&e);
    json_t *j = svc_appeal_doc(&c->svc, &c->who, &a, &h,
                               opt_flag(&o, "unmask") ? UNMASK_OR_REFUSE : UNMASK_NO, c->now, &e);
    if (!j) {
        appeal_release(&a);
        event_list_release(&h);
        return cli_fail(&e);
    }
    if (!strcmp(format, "json")) {
        cli_print_json(j);
    } else {
        static const char *const keys[][2] = {
            {"code", "编号"},        {"status_label", "状态"}, {"title", "标题"},
            {"content", "内容"},     {"kind", "类型"},         {"urgency", "紧急程度"},
            {"channel", "渠道"},     {"area", "领域"},         {"citizen_name", "诉求人"},
            {"phone", "电话"},       {"address", "地址"},      {"lead_unit", "主办单位"},
            {"received_at", "受理时间"}, {"deadline", "办理期限"}, {"replied_at", "答复时间"},
            {"reply", "答复内容"},   {"visit_satisfaction", "回访满意度"}};
        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
            const char *v = json_string_value(json_object_get(j, keys[i][0]));
            printf("%s: %s\n", keys[i][1], v ? v : "-");
        }
        json_t *pj = json_object_get(j, "projects");
        for (size_t i = 0; i < json_array_size(pj); i++)
            printf("关联项目: %s %s (%s)\n",
                   json_string_value(json_object_get(json_array_get(pj, i), "code")),
                   json_string_value(json_object_get(json_array_get(pj, i), "title")),
                   json_string_value(json_object_get(json_array_get(pj, i), "kind")));
        printf("历史:\n");
        static const char *const head[] = {"#", "时间", "操作", "操作人", "状态"};
        struct table t;
        table_init(&t, 5, head);
        for (size_t i = 0; i < h.n; i++) {
            char seq[24], at[26], states[64];
            snprintf(seq, sizeof(seq), "%lld", (long long)h.items[i].seq);
            civil_format_instant(h.items[i].at, at);
            snprintf(states, sizeof(states), "%s→%s", state_label(h.items[i].from_state),
                     state_label(h.items[i].to_state));
            const char *row[] = {seq, at, action_label(action_parse(h.items[i].action)),
                                 h.items[i].actor, states};
            table_add(&t, row);
        }
        table_print(&t, "table");
        table_release(&t);
        json_decref(j);
    }
    appeal_release(&a);
    event_list_release(&h);
    return 0;
}

int cmd_list(struct cli *c, int argc, char **argv)
{
    static const struct opt_spec spec[] = {
        COMMON_OPTS,         {"status", OPT_VALUE}, {"unit", OPT_VALUE},  {"area", OPT_VALUE},
        {"channel", OPT_VALUE}, {"overdue", OPT_FLAG}, {"from", OPT_VALUE}, {"to", OPT_VALUE},
        {"sort", OPT_VALUE}, {"limit", OPT_VALUE},  {"offset", OPT_VALUE}, {"format", OPT_VALUE},
        {"q", OPT_VALUE},    {"due-soon", OPT_FLAG}, {"ext-pending", OPT_FLAG}, {"suspect", OPT_FLAG},
        {0, 0}};
    struct opts o;
    struct err e = {0};
    const char *format;
    long limit, offset;
    if (cli_parse(c, argc, argv, spec, &o, &e) < 0 ||
        opt_format(&o, "table|json|csv", &format, &e) < 0 ||
        opt_int(&o, "limit", 0, 1000000, 0, &limit, &e) < 0 ||
        opt_int(&o, "offset", 0, 100000000, 0, &offset, &e) < 0 || cli_open(c, 0, &e) < 0)
        return cli_fail(&e);
    struct list_req req = {
        .state = opt_get(&o, "status"),
        .unit = opt_get(&o, "unit"),
        .area = opt_get(&o, "area"),
        .channel = opt_get(&o, "channel"),
        .overdue = opt_flag(&o, "overdue"),
        .due_soon = opt_flag(&o, "due-soon"),
        .ext_pending = opt_flag(&o, "ext-pending"),
        .suspect = opt_flag(&o, "suspect"),
        .q = opt_get(&o, "q"),
        .now = c->now,
        .from = opt_get(&o, "from"),
        .to = opt_get(&o, "to"),
        .sort = opt_get(&o, "sort"),
        .limit = (int)limit,
        .offset = (int)offset,
    };
    struct appeal_list l;
    struct names n;
    if (svc_list(&c->svc, &c->who, &req, &l, &e) < 0 || names_load(&c->svc, &n, &e) < 0) {
        appeal_list_release(&l);
        return cli_fail(&e);
    }
    if (!strcmp(format, "json")) {
        json_t *items = json_array();
        for (size_t i = 0; i < l.n; i++)
            json_array_append_new(items, view_appeal(&n, &l.items[i], 0, c->now));
        json_t *j = json_object();
        json_object_set_new(j, "total", json_integer(l.total));
        json_object_set_new(j, "items", items);
        cli_print_json(j);
    } else {
        static const char *const head[] = {"编号", "受理时间", "状态", "渠道", "领域",
                                           "主办单位", "办理期限", "超期", "电话", "标题"};
        struct table t;
        table_init(&t, 10, head);
        for (size_t i = 0; i < l.n; i++) {
            const struct appeal *a = &l.items[i];
            char rec[26], dl[26] = "", phone[64];
            civil_format_instant(a->received_at, rec);
            rec[16] = '\0';
            if (a->deadline) {
                civil_format_instant(a->deadline, dl);
                dl[16] = '\0';
            }
            mask_phone(a->phone, phone, sizeof(phone));
            const char *row[] = {a->code, rec, state_label(a->state),
                                 names_channel(&n, a->channel_id), names_area(&n, a->area_id),
                                 names_unit(&n, a->lead_unit_id), dl,
                                 appeal_is_overdue(a, c->now) ? "是" : "", phone, a->title};
            table_add(&t, row);
        }
        table_print(&t, format);
        if (!strcmp(format, "table"))
            printf("共 %lld 条\n", (long long)l.total);
        table_release(&t);
    }
    names_release(&n);
    appeal_list_release(&l);
    return 0;
}
