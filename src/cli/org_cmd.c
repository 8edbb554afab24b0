/* org_cmd.c -- init, and the organisation: unit, user, area, channel. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sodium.h>
#include <time.h>

#include "util/banned.h"


int cmd_init(struct cli *c, int argc, char **argv)
{
    static const struct opt_spec spec[] = {COMMON_OPTS, {0, 0}};
    struct opts o;
    struct err e = {0};
    if (cli_parse(c, argc, argv, spec, &o, &e) < 0 || cli_open(c, 1, &e) < 0)
        return cli_fail(&e);
    int applied, known;
    if (store_schema_version(c->svc.st, &applied, &known, &e) < 0)
        return cli_fail(&e);
    printf("database %s ready (schema version %d)\n", c->db, applied);
    return 0;
}

static int unit_list(struct cli *c, const struct opts *o)
{
    struct err e = {0};
    const char *format;
    struct unit *u;
    size_t n;
    if (opt_format(o, "table|json|csv", &format, &e) < 0 || cli_open(c, 0, &e) < 0 ||
        svc_unit_list(&c->svc, &c->who, &u, &n, &e) < 0)
        return cli_fail(&e);
    if (!strcmp(format, "json")) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            json_t *j = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)u[i].id, "code",
                                  u[i].code, "name", u[i].name, "kind",
                                  unit_kind_code(u[i].kind));
            const char *parent = "";
            for (size_t k = 0; k < n; k++)
                if (u[k].id == u[i].parent_id)
                    parent = u[k].name;
            json_object_set_new(j, "parent", *parent ? json_string(parent) : json_null());
            json_array_append_new(arr, j);
        }
        cli_print_json(arr);
    } else {
        static const char *const head[] = {"编号", "名称", "类型", "上级"};
        struct table t;
        table_init(&t, 4, head);
        for (size_t i = 0; i < n; i++) {
            const char *parent = "";
            for (size_t k = 0; k < n; k++)
                if (u[k].id == u[i].parent_id)
                    parent = u[k].name;
            const char *row[] = {u[i].code, u[i].name, unit_kind_label(u[i].kind), parent};
            table_add(&t, row);
        }
        table_print(&t, format);
        table_release(&t);
    }
    free(u);
    return 0;
}

int cmd_unit(struct cli *c, int argc, char **argv)
{
    static const struct opt_spec spec[] = {COMMON_OPTS,          {"name", OPT_VALUE},
                                           {"code", OPT_VALUE},  {"kind", OPT_VALUE},
                                           {"parent", OPT_VALUE}, {"format", OPT_VALUE},
                                           {0, 0}};
    struct opts o;
    struct err e = {0};
    if (cli_parse(c, argc, argv, spec, &o, &e) < 0)
        return cli_fail(&e);
    const char *sub = o.nargs ? o.args[0] : "list";
    if (!strcmp(sub, "list"))
        return unit_list(c, &o);
    if (strcmp(sub, "add") != 0) {
        err_set(&e, ERR_INVALID, "", "unknown subcommand 'unit %s' (add, list)", sub);
        return cli_fail(&e);
    }
    struct unit u;
    if (!opt_get(&o, "name")) {
        err_set(&e, ERR_INVALID, "", "unit add needs --name");
        return cli_fail(&e);
    }
    if (cli_open(c, 0, &e) < 0 || svc_unit_add(&c->svc, &c->who, opt_get(&o, "name"), opt_get(&o, "code"),
                     opt_get(&o, "kind") ? opt_get(&o, "kind") : "department",
                     opt_get(&o, "parent"), &u, &e) < 0)
        return cli_fail(&e);
    printf("unit %s %s added\n", u.code, u.name);
    return 0;
}

/* Reads one line from stdin as the password, without its newline. */
static int read_password(char *out, size_t size, struct err *e)
{
    if (!fgets(out, (int)size, stdin))
        return err_set(e, ERR_INVALID, "password", "no password on standard input");
    out[strcspn(out, "\r\n")] = '\0';
    return 0;
}

static int user_change_sub(const char *sub)
{
    static const char *const subs[] = {"passwd", "disable", "enable", "set-unit", "set-role"};
    for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
        if (!strcmp(sub, subs[i]))
            return 1;
    return 0;
}

/* user passwd|disable|enable|set-unit|set-role USERNAME: the service decides who may. */
static int user_change(struct cli *c, const struct opts *o, const char *sub)
{
    struct err e = {0};
    struct actor who;
    struct user u;
    char pw[300];
    if (o->nargs != 2) {
        err_set(&e, ERR_INVALID, "username", "user %s needs one USERNAME", sub);
        return cli_fail(&e);
    }
    const char *name = o->args[1];
    int64_t now = (int64_t)time(NULL);
    if (!strcmp(sub, "passwd") && read_password(pw, sizeof(pw), &e) < 0)
        return cli_fail(&e);
    if (!strcmp(sub, "set-unit") && !opt_get(o, "unit")) {
        err_set(&e, ERR_INVALID, "unit", "user set-unit needs --unit UNIT");
        return cli_fail(&e);
    }
    if (!strcmp(sub, "set-role") && !opt_get(o, "role")) {
        err_set(&e, ERR_INVALID, "role", "user set-role needs --role ROLE");
        return cli_fail(&e);
    }
    if (cli_open(c, 0, &e) < 0 || svc_actor(&c->svc, c->as, &who, &e) < 0)
        return cli_fail(&e);
    int rc;
    if (!strcmp(sub, "passwd"))
        rc = svc_user_passwd(&c->svc, &who, name, pw, now, &e);
    else if (!strcmp(sub, "set-unit"))
        rc = svc_user_set_unit(&c->svc, &who, name, opt_get(o, "unit"), now, &u, &e);
    else if (!strcmp(sub, "set-role"))
        rc = svc_user_set_role(&c->svc, &who, name, opt_get(o, "role"), now, &u, &e);
    else
        rc = svc_user_set_active(&c->svc, &who, name, !strcmp(sub, "enable"), now, &e);
    sodium_memzero(pw, sizeof(pw));
    if (rc < 0)
        return cli_fail(&e);
    if (!strcmp(sub, "passwd"))
        printf("用户 %s 的密码已更改，其会话已结束 (password of user %s changed, sessions ended)\n",
               name, name);
    else if (!strcmp(sub, "disable"))
        printf("用户 %s 已停用，其会话已结束 (user %s disabled, sessions ended)\n", name, name);
    else if (!strcmp(sub, "enable"))
        printf("用户 %s 已启用 (user %s enabled)\n", name, name);
    else if (!strcmp(sub, "set-unit"))
        printf("用户 %s 已调至 %s (user %s moved to %s)\n", name, opt_get(o, "unit"), name,
               opt_get(o, "unit"));
    else
        printf("用户 %s 的角色已改为%s (user %s is now %s)\n", name, role_label(u.role), name,
               role_code(u.role));
    return 0;
}

int cmd_user(struct cli *c, int argc, char **argv)
{
    static const struct opt_spec spec[] = {
        COMMON_OPTS,          {"username", OPT_VALUE}, {"name", OPT_VALUE},
        {"role", OPT_VALUE},  {"unit", OPT_VALUE},     {"phone", OPT_VALUE},
        {"password-stdin", OPT_FLAG}, {"format", OPT_VALUE}, {0, 0}};
    struct opts o;
    struct err e = {0};
    if (cli_parse(c, argc, argv, spec, &o, &e) < 0)
        return cli_fail(&e);
    const char *sub = o.nargs ? o.args[0] : "list";
    if (!strcmp(sub, "add")) {
        char pw[300];
        const char *password = NULL;
        if (opt_flag(&o, "password-stdin")) {
            if (read_password(pw, sizeof(pw), &e) < 0)
                return cli_fail(&e);
            password = pw;
        }
        struct user u;
        if (!opt_get(&o, "username") || !opt_get(&o, "role")) {
            err_set(&e, ERR_INVALID, "", "user add needs --username and --role");
            return cli_fail(&e);
        }
        if (cli_open(c, 0, &e) < 0 || svc_user_add(&c->svc, &c->who, opt_get(&o, "username"), opt_get(&o, "name"),
                         opt_get(&o, "role"), opt_get(&o, "unit"), opt_get(&o, "phone"), password,
                         &u, &e) < 0)
            return cli_fail(&e);
        printf("user %s (%s) added\n", u.username, role_label(u.role));
        return 0;
    }
    if (user_change_sub(sub))
        return user_change(c, &o, sub);
    if (strcmp(sub, "list") != 0) {
        err_set(&e, ERR_INVALID, "",
                "unknown subcommand 'user %s' (add, list, passwd, disable, enable, set-unit, "
                "set-role)",
                sub);
        return cli_fail(&e);
    }
    const char *format;
    struct user *u;
    size_t n;
    struct names names;
    if (opt_format(&o, "table|json|csv", &format, &e) < 0 || cli_open(c, 0, &e) < 0 ||
        svc_user_list(&c->svc, &c->who, &u, &n, &e) < 0)
        return cli_fail(&e);
    if (names_load(&c->svc, &names, &e) < 0) {
        free(u);
        return cli_fail(&e);
    }
    static const char *const head[] = {"用户名", "姓名", "角色", "单位", "状态"};
    struct table t;
    table_init(&t, 5, head);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        const char *row[] = {u[i].username, u[i].name, role_label(u[i].role),
                             names_unit(&names, u[i].unit_id), u[i].active ? "启用" : "停用"};
        table_add(&t, row);
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:b}", "username",
                                             u[i].username, "name", u[i].name, "role",
                                             role_code(u[i].role), "unit",
                                             names_unit(&names, u[i].unit_id), "active",
                                             u[i].active));
    }
    if (!strcmp(format, "json"))
        cli_print_json(arr);
    else {
        json_decref(arr);
        table_print(&t, format);
    }
    table_release(&t);
    names_release(&names);
    free(u);
    return 0;
}

static int ref_cmd(struct cli *c, int argc, char **argv, int table, const char *what)
{
    static const struct opt_spec spec[] = {COMMON_OPTS,         {"name", OPT_VALUE},
                                           {"code", OPT_VALUE}, {"sort", OPT_VALUE},
                                           {"format", OPT_VALUE}, {0, 0}};
    struct opts o;
    struct err e = {0};
    if (cli_parse(c, argc, argv, spec, &o, &e) < 0)
        return cli_fail(&e);
    const char *sub = o.nargs ? o.args[0] : "list";
    if (!strcmp(sub, "add")) {
        long sort;
        struct ref r;
        if (!opt_get(&o, "name")) {
            err_set(&e, ERR_INVALID, "", "%s add needs --name", what);
            return cli_fail(&e);
        }
        if (opt_int(&o, "sort", 0, 10000, 100, &sort, &e) < 0 || cli_open(c, 0, &e) < 0 ||
            svc_ref_add(&c->svc, &c->who, table, opt_get(&o, "name"), opt_get(&o, "code"), (int)sort, &r,
                        &e) < 0)
            return cli_fail(&e);
        printf("%s %s (%s) added\n", what, r.name, r.code);
        return 0;
    }
    if (!strcmp(sub, "disable") || !strcmp(sub, "enable")) {
        if (o.nargs < 2) {
            err_set(&e, ERR_INVALID, "", "%s %s needs a name", what, sub);
            return cli_fail(&e);
        }
        if (cli_open(c, 0, &e) < 0 || svc_ref_set_active(&c->svc, &c->who, table, o.args[1], !strcmp(sub, "enable"), &e) < 0)
            return cli_fail(&e);
        printf("%s %s %sd\n", what, o.args[1], sub);
        return 0;
    }
    if (strcmp(sub, "list") != 0) {
        err_set(&e, ERR_INVALID, "", "unknown subcommand '%s %s' (add, list, enable, disable)",
                what, sub);
        return cli_fail(&e);
    }
    const char *format;
    struct ref *r;
    size_t n;
    if (opt_format(&o, "table|json|csv", &format, &e) < 0 || cli_open(c, 0, &e) < 0 ||
        svc_ref_list(&c->svc, &c->who, table, &r, &n, &e) < 0)
        return cli_fail(&e);
    static const char *const head[] = {"代码", "名称", "状态"};
    struct table t;
    table_init(&t, 3, head);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        const char *row[] = {r[i].code, r[i].name, r[i].active ? "启用" : "停用"};
        table_add(&t, row);
        json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "code", r[i].code, "name",
                                             r[i].name, "active", r[i].active));
    }
    if (!strcmp(format, "json"))
        cli_print_json(arr);
    else {
        json_decref(arr);
        table_print(&t, format);
    }
    table_release(&t);
    free(r);
    return 0;
}

int cmd_area(struct cli *c, int argc, char **argv)
{
    return ref_cmd(c, argc, argv, REF_AREA, "area");
}

int cmd_channel(struct cli *c, int argc, char **argv)
{
    return ref_cmd(c, argc, argv, REF_CHANNEL, "channel");
}
