/* org.c -- validation of units, users, areas and channels. */
#include "core/org.h"

#include <string.h>

#include "core/appeal.h"
#include "util/utf8.h"

#include "util/banned.h"

static const char *const kind_codes[UNIT_COUNT_] = {
    "", "district", "department", "town", "street", "village", "community", "enterprise",
    "support"};
static const char *const kind_labels[UNIT_COUNT_] = {
    "", "区", "部门", "乡镇", "街道", "村", "社区", "企业", "保障单位"};

const char *unit_kind_code(int k)
{
    return k > 0 && k < UNIT_COUNT_ ? kind_codes[k] : "";
}

const char *unit_kind_label(int k)
{
    return k > 0 && k < UNIT_COUNT_ ? kind_labels[k] : "";
}

int unit_kind_parse(const char *s)
{
    for (int k = 1; s && k < UNIT_COUNT_; k++)
        if (!strcmp(s, kind_codes[k]) || !strcmp(s, kind_labels[k]))
            return k;
    return UNIT_NONE;
}

static int check_name(const char *name, size_t max, const char *what, struct err *e)
{
    size_t n = strlen(name);
    if (n == 0)
        return err_set(e, ERR_INVALID, "name", "%s name is required", what);
    if (!utf8_valid(name, n))
        return err_set(e, ERR_INVALID, "name", "%s name is not valid UTF-8", what);
    if (utf8_count(name) > max)
        return err_set(e, ERR_INVALID, "name", "%s name '%s' is longer than %zu characters", what,
                       name, max);
    return 0;
}

static int check_code(const char *code, const char *what, struct err *e)
{
    for (const char *p = code; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '-' || *p == '.'))
            return err_set(e, ERR_INVALID, "code",
                           "%s code '%s' may hold only letters, digits, '.', '_' and '-'", what,
                           code);
    return 0;
}

int unit_validate(const struct unit *u, const struct unit *parent, struct err *e)
{
    if (check_name(u->name, 40, "unit", e) < 0 || check_code(u->code, "unit", e) < 0)
        return -1;
    if (u->kind <= UNIT_NONE || u->kind >= UNIT_COUNT_)
        return err_set(e, ERR_INVALID, "kind",
                       "unit kind must be one of district, department, town, street, village, "
                       "community, enterprise, support");
    if (u->kind == UNIT_DISTRICT && parent)
        return err_set(e, ERR_INVALID, "parent", "a district unit has no parent");
    if ((u->kind == UNIT_VILLAGE || u->kind == UNIT_COMMUNITY) &&
        (!parent || (parent->kind != UNIT_TOWN && parent->kind != UNIT_STREET)))
        return err_set(e, ERR_INVALID, "parent",
                       "%s '%s' must sit under a town (乡镇) or street (街道)",
                       unit_kind_code(u->kind), u->name);
    return 0;
}

int user_validate(const struct user *u, struct err *e)
{
    size_t n = strlen(u->username);
    if (n < 2 || n > 63)
        return err_set(e, ERR_INVALID, "username", "username must be 2 to 63 characters");
    for (size_t i = 0; i < n; i++) {
        char c = u->username[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return err_set(e, ERR_INVALID, "username",
                           "username '%s' may hold only letters, digits, '.', '_' and '-'",
                           u->username);
    }
    if (u->name[0] && check_name(u->name, 20, "user", e) < 0)
        return -1;
    if (u->role <= ROLE_NONE || u->role >= ROLE_COUNT_ || u->role == ROLE_SYSTEM)
        return err_set(e, ERR_INVALID, "role",
                       "role must be admin, dispatcher, handler, leader, auditor or citizen");
    if (u->role == ROLE_HANDLER && !u->unit_id)
        return err_set(e, ERR_INVALID, "unit", "a handler (承办人) must belong to a unit");
    return 0;
}

int user_password_validate(const char *password, struct err *e)
{
    size_t n = password ? strlen(password) : 0;
    if (n < 8 || n > 256)
        return err_set(e, ERR_INVALID, "password",
                       "密码须为 8 到 256 个字符 (password must be 8 to 256 characters)");
    return 0;
}

int user_change_validate(const struct user *before, const struct user *after, int self,
                         struct err *e)
{
    if (user_validate(after, e) < 0)
        return -1;
    if (self && before->active && !after->active)
        return err_set(e, ERR_FORBIDDEN, "username",
                       "不能停用自己的账号 (you may not disable your own account '%s')",
                       before->username);
    if (self && before->role == ROLE_ADMIN && after->role != ROLE_ADMIN)
        return err_set(e, ERR_FORBIDDEN, "role",
                       "不能取消自己的管理员角色 (you may not take the admin role from your own "
                       "account '%s')",
                       before->username);
    return 0;
}

int ref_validate(const struct ref *r, const char *what, struct err *e)
{
    if (check_name(r->name, 20, what, e) < 0)
        return -1;
    if (!r->code[0])
        return err_set(e, ERR_INVALID, "code", "%s code is required", what);
    return check_code(r->code, what, e);
}
