/* api_org.c -- the organisation over HTTP: units, areas (诉求分类), channels, users, and the
 * working-day calendar. The policy (core/policy.c) decides who may read or change each. */
#include <stdlib.h>
#include <string.h>

#include "core/mask.h"
#include "http/handlers.h"
#include "http/req.h"
#include "service/view.h"
#include "util/civil.h"

#include "util/banned.h"

json_t *units_list(struct request *r, struct err *e)
{
    struct unit *u;
    size_t n;
    if (svc_unit_list(r->svc, &r->actor, &u, &n, e) < 0)
        return NULL;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            arr,
            json_pack("{s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)u[i].id, "code", u[i].code,
                      "name", u[i].name, "kind", unit_kind_code(u[i].kind), "parent_id",
                      u[i].parent_id ? json_integer(u[i].parent_id) : json_null()));
    free(u);
    return arr;
}

/* POST /api/v1/units {"name","code","kind","parent"}: 201 with its id, code and name. */
json_t *unit_add(struct request *r, struct err *e)
{
    const char *name, *code, *kind, *parent;
    struct unit u;
    if (req_str(r->json, "name", &name, e) < 0 || req_str(r->json, "code", &code, e) < 0 ||
        req_str(r->json, "kind", &kind, e) < 0 || req_str(r->json, "parent", &parent, e) < 0 ||
        svc_unit_add(r->svc, &r->actor, name, code, kind ? kind : "department", parent, &u, e) < 0)
        return NULL;
    r->status = 201;
    return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)u.id, "code", u.code, "name", u.name);
}

static json_t *refs_list(struct request *r, int table, struct err *e)
{
    struct ref *x;
    size_t n;
    if (svc_ref_list(r->svc, &r->actor, table, &x, &n, e) < 0)
        return NULL;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "code", x[i].code, "name",
                                             x[i].name, "active", x[i].active));
    free(x);
    return arr;
}

static json_t *ref_add(struct request *r, int table, struct err *e)
{
    const char *name, *code;
    struct ref x;
    if (req_str(r->json, "name", &name, e) < 0 || req_str(r->json, "code", &code, e) < 0 ||
        svc_ref_add(r->svc, &r->actor, table, name, code, 100, &x, e) < 0)
        return NULL;
    r->status = 201;
    return json_pack("{s:s, s:s}", "code", x.code, "name", x.name);
}

json_t *areas_list(struct request *r, struct err *e)
{
    return refs_list(r, REF_AREA, e);
}

json_t *area_add(struct request *r, struct err *e)
{
    return ref_add(r, REF_AREA, e);
}

json_t *channels_list(struct request *r, struct err *e)
{
    return refs_list(r, REF_CHANNEL, e);
}

json_t *channel_add(struct request *r, struct err *e)
{
    return ref_add(r, REF_CHANNEL, e);
}

/* GET /api/v1/users: every user, phones masked for everyone. */
json_t *users_list(struct request *r, struct err *e)
{
    struct user *u;
    size_t n;
    struct names nm;
    if (svc_user_list(r->svc, &r->actor, &u, &n, e) < 0)
        return NULL;
    if (names_load(r->svc, &nm, e) < 0) {
        free(u);
        return NULL;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        char phone[64];
        mask_phone(u[i].phone, phone, sizeof(phone));
        json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b}", "id",
                                             (json_int_t)u[i].id, "username", u[i].username, "name",
                                             u[i].name, "role", role_code(u[i].role), "unit",
                                             names_unit(&nm, u[i].unit_id), "phone", phone,
                                             "active", u[i].active));
    }
    names_release(&nm);
    free(u);
    return arr;
}

/* POST /api/v1/users {"username","name","role","unit","phone","password"}: 201. */
json_t *user_add(struct request *r, struct err *e)
{
    json_t *b = r->json;
    const char *username, *name, *role, *unit, *phone, *password;
    struct user u;
    if (req_str(b, "username", &username, e) < 0 || req_str(b, "name", &name, e) < 0 ||
        req_str(b, "role", &role, e) < 0 || req_str(b, "unit", &unit, e) < 0 ||
        req_str(b, "phone", &phone, e) < 0 || req_str(b, "password", &password, e) < 0 ||
        svc_user_add(r->svc, &r->actor, username, name, role, unit, phone, password, &u, e) < 0)
        return NULL;
    r->status = 201;
    return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)u.id, "username", u.username, "role",
                     role_code(u.role));
}

/* The user as GET /api/v1/users shows it (the phone masked), read through the service. */
static json_t *user_doc(struct request *r, const char *username, struct err *e)
{
    json_t *all = users_list(r, e), *u;
    size_t i;
    json_array_foreach(all, i, u)
    {
        if (!strcmp(json_string_value(json_object_get(u, "username")), username)) {
            json_incref(u);
            json_decref(all);
            return u;
        }
    }
    json_decref(all);
    return all ? (err_set(e, ERR_NOT_FOUND, "username", "unknown user '%s'", username), NULL)
               : NULL;
}

/* The one member a change of a user takes: {"password"|"unit"|"role": "..."}. */
static int member(struct request *r, const char *key, const char **out, struct err *e)
{
    if (req_str(r->json, key, out, e) < 0)
        return -1;
    if (!*out)
        return err_set(e, ERR_INVALID, key, "请提供 %s (the body needs \"%s\")", key, key);
    return 0;
}

/* POST /api/v1/users/{username}/password {"password"} */
json_t *user_password(struct request *r, struct err *e)
{
    const char *v;
    if (member(r, "password", &v, e) < 0 ||
        svc_user_passwd(r->svc, &r->actor, r->arg[0], v, r->now, e) < 0)
        return NULL;
    return user_doc(r, r->arg[0], e);
}

/* POST /api/v1/users/{username}/disable: their sessions end at once. */
json_t *user_disable(struct request *r, struct err *e)
{
    if (svc_user_set_active(r->svc, &r->actor, r->arg[0], 0, r->now, e) < 0)
        return NULL;
    return user_doc(r, r->arg[0], e);
}

/* POST /api/v1/users/{username}/enable */
json_t *user_enable(struct request *r, struct err *e)
{
    if (svc_user_set_active(r->svc, &r->actor, r->arg[0], 1, r->now, e) < 0)
        return NULL;
    return user_doc(r, r->arg[0], e);
}

/* POST /api/v1/users/{username}/unit {"unit"} */
json_t *user_set_unit(struct request *r, struct err *e)
{
    const char *v;
    if (member(r, "unit", &v, e) < 0 ||
        svc_user_set_unit(r->svc, &r->actor, r->arg[0], v, r->now, NULL, e) < 0)
        return NULL;
    return user_doc(r, r->arg[0], e);
}

/* POST /api/v1/users/{username}/role {"role"} */
json_t *user_set_role(struct request *r, struct err *e)
{
    const char *v;
    if (member(r, "role", &v, e) < 0 ||
        svc_user_set_role(r->svc, &r->actor, r->arg[0], v, r->now, NULL, e) < 0)
        return NULL;
    return user_doc(r, r->arg[0], e);
}

/* GET /api/v1/calendar/add?date=&n=: the date n working days after (or before) date. */
json_t *calendar_add(struct request *r, struct err *e)
{
    int64_t d, out;
    if (civil_parse_date_checked(req_query(r, "date"), &d, e) < 0)
        return NULL;
    long n;
    if (!req_query(r, "n"))
        return err_set(e, ERR_INVALID, "n", "n must be a whole number of working days"), NULL;
    if (req_query_int(r, "n", -3660, 3660, 0, &n, e) < 0)
        return NULL;
    if (svc_workday_add(r->svc, &r->actor, d, (int)n, &out, e) < 0)
        return NULL;
    char s[11];
    civil_format_date(out, s);
    return json_pack("{s:s, s:i, s:s, s:b}", "date", req_query(r, "date"), "n", (int)n, "result", s,
                     "provisional", calendar_is_provisional(&r->svc->cal, out));
}

/* GET /api/v1/calendar/is?date=: whether it is a working day, and the holiday's name. */
json_t *calendar_is(struct request *r, struct err *e)
{
    int64_t d;
    if (civil_parse_date_checked(req_query(r, "date"), &d, e) < 0)
        return NULL;
    int work;
    const char *name;
    if (svc_workday_is(r->svc, &r->actor, d, &work, &name, e) < 0)
        return NULL;
    return json_pack("{s:s, s:b, s:o, s:b}", "date", req_query(r, "date"), "workday", work, "name",
                     name ? json_string(name) : json_null(), "provisional",
                     calendar_is_provisional(&r->svc->cal, d));
}
