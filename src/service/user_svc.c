/* user_svc.c -- what an admin changes about a user: the password, disabled or enabled, the
 * unit, the role. Invariant: a user row changes here only in a write transaction that ends
 * with exactly one subject_append() of subject "user" whose seq is the row's new last_seq;
 * the event's details name what changed and never carry the password hash. */
#include "service/service.h"
#include "service/guard.h"
#include "service/subject.h"
#include "service/tx.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/banned.h"

/* Who may change users: admins and the system operator (the local CLI without --as).
 * To be folded into the policy table (core/policy.c) as {user, change}. */
enum user_change { CHANGE_PASSWORD, CHANGE_ACTIVE, CHANGE_UNIT, CHANGE_ROLE };

struct user_edit {
    int what; /* enum user_change */
    const char *password, *unit, *role;
    int active;
};

/* One change, inside the caller's transaction. */
static int change(struct service *svc, const struct actor *who, const char *username,
                  const struct user_edit *ed, int64_t now, struct user *out, struct err *e)
{
    struct user before, after;
    struct unit un;
    struct rec r;
    char what[96];
    snprintf(what, sizeof(what), "change user '%s'", username ? username : "");
    if (policy_can_to(who, SUBJ_USER, "update", NULL, what, e) < 0)
        return -1;
    if (!username || !*username)
        return err_set(e, ERR_INVALID, "username", "请指定用户名 (a username is required)");
    if (store_user_find(svc->st, username, &before, e) < 0)
        return -1;
    after = before;
    const char *action = "";
    json_t *d = json_pack("{s:s}", "username", before.username);
    switch (ed->what) {
    case CHANGE_PASSWORD:
        action = "password";
        if (svc_password_hash(ed->password, after.password_hash, e) < 0)
            goto fail;
        break;
    case CHANGE_ACTIVE:
        action = ed->active ? "enable" : "disable";
        if (before.active == ed->active) {
            err_set(e, ERR_STATE, "username", "用户 '%s' 已是%s状态 (user '%s' is already %s)",
                    username, ed->active ? "启用" : "停用", username,
                    ed->active ? "enabled" : "disabled");
            goto fail;
        }
        after.active = ed->active;
        break;
    case CHANGE_UNIT:
        action = "set_unit";
        if (!ed->unit || !*ed->unit) {
            err_set(e, ERR_INVALID, "unit", "请指定单位 (a unit is required)");
            goto fail;
        }
        if (store_unit_find(svc->st, ed->unit, &un, e) < 0)
            goto fail;
        if (before.unit_id == un.id) {
            err_set(e, ERR_STATE, "unit", "用户 '%s' 已属于 %s (user '%s' is in '%s' already)",
                    username, un.name, username, un.name);
            goto fail;
        }
        after.unit_id = un.id;
        json_object_set_new(d, "unit", json_string(un.name));
        break;
    case CHANGE_ROLE:
        action = "set_role";
        after.role = role_parse(ed->role);
        if (after.role != ROLE_NONE && after.role == before.role) {
            err_set(e, ERR_STATE, "role", "用户 '%s' 已是%s (user '%s' is %s already)", username,
                    role_label(after.role), username, role_code(after.role));
            goto fail;
        }
        json_object_set_new(d, "role", json_string(role_code(after.role)));
        break;
    }
    if (user_change_validate(&before, &after, who->user_id && who->user_id == before.id, e) < 0)
        goto fail;
    if (rec_get(svc->st, "users", before.id, "user", &r, e) < 0)
        goto fail;
    int64_t seq = row_int(&r.row, "last_seq") + 1;
    rec_release(&r);
    struct row row = {0};
    row_set_int(&row, "role", after.role);
    row_set_id(&row, "unit_id", after.unit_id);
    row_set_text(&row, "password_hash", after.password_hash);
    row_set_int(&row, "active", after.active);
    row_set_int(&row, "last_seq", seq);
    char *ds = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(d);
    d = NULL;
    int rc = store_rec_update(svc->st, "users", before.id, &row, e);
    /* A new password or a disabled account: whoever holds a session is out now. */
    if (rc == 0 && (ed->what == CHANGE_PASSWORD || !after.active))
        rc = store_session_end_user(svc->st, before.id, e);
    if (rc == 0 && ed->what == CHANGE_PASSWORD)
        rc = svc_login_forget_account(svc, before.username, e);
    if (rc == 0)
        rc = subject_append(svc, who, "user", before.id, seq, now, action, before.active,
                            after.active, ds, e);
    free(ds);
    if (rc == 0 && out)
        *out = after;
    return rc;
fail:
    json_decref(d);
    return -1;
}

int svc_user_passwd(struct service *svc, const struct actor *who, const char *username,
                    const char *password, int64_t now, struct err *e)
{
    struct user_edit ed = {.what = CHANGE_PASSWORD, .password = password};
    IN_TX(svc, e, change(svc, who, username, &ed, now, NULL, e));
}

int svc_user_set_active(struct service *svc, const struct actor *who, const char *username,
                        int active, int64_t now, struct err *e)
{
    struct user_edit ed = {.what = CHANGE_ACTIVE, .active = active ? 1 : 0};
    IN_TX(svc, e, change(svc, who, username, &ed, now, NULL, e));
}

int svc_user_set_unit(struct service *svc, const struct actor *who, const char *username,
                      const char *unit, int64_t now, struct user *out, struct err *e)
{
    struct user_edit ed = {.what = CHANGE_UNIT, .unit = unit};
    IN_TX(svc, e, change(svc, who, username, &ed, now, out, e));
}

int svc_user_set_role(struct service *svc, const struct actor *who, const char *username,
                      const char *role, int64_t now, struct user *out, struct err *e)
{
    struct user_edit ed = {.what = CHANGE_ROLE, .role = role};
    IN_TX(svc, e, change(svc, who, username, &ed, now, out, e));
}
