/* api.c -- the JSON API under /api/v1/: routing, authentication (session cookie + CSRF
 * token, or a bearer token), who may read what, and the mapping of service errors to
 * HTTP statuses. Handlers are thin: every use case is a service call. Every answer is JSON
 * but the bulletin's, a file handed to the server in r->download (errors stay JSON).
 *
 * Reading rules: admin, dispatcher and auditor see every appeal; a unit handler only
 * appeals where their unit leads or assists; a leader the appeals of their unit and the
 * units below it (all, when they have no unit). Phone, ID number and name are shown in
 * full to admin, dispatcher and the handling unit only. Actions are checked again by the
 * core (core/appeal.c). */
#include "http/request.h"

#include <errno.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/mask.h"
#include "http/api_projects.h"
#include "http/api_lists.h"
#include "http/api_util.h"
#include "http/api_votes.h"
#include "http/server.h"
#include "report/layout.h"
#include "service/project.h"
#include "service/view.h"
#include "util/buf.h"
#include "util/civil.h"
#include "util/xalloc.h"

#include "util/banned.h"

#define MAX_SEGS 8
#define PUBLIC_FOLLOW_PER_MINUTE 30 /* lookups per address and minute */

int api_status(int code)
{
    switch (code) {
    case ERR_INVALID:
    case ERR_CALENDAR:
        return 400;
    case ERR_UNAUTHORIZED:
        return 401;
    case ERR_FORBIDDEN:
        return 403;
    case ERR_NOT_FOUND:
        return 404;
    case ERR_STATE:
    case ERR_CONFLICT:
        return 409;
    case ERR_TOO_BIG:
        return 413;
    case ERR_MEDIA:
        return 415;
    case ERR_THROTTLED:
        return 429;
    }
    return 500;
}

json_t *api_error(struct request *r, const struct err *e)
{
    r->status = api_status(e->code);
    json_t *inner = json_object();
    json_object_set_new(inner, "code", json_string(err_code_name(e->code)));
    json_object_set_new(inner, "message", json_string(e->msg[0] ? e->msg : "error"));
    json_object_set_new(inner, "field", e->field[0] ? json_string(e->field) : json_null());
    json_t *doc = json_object();
    json_object_set_new(doc, "error", inner);
    return doc;
}

/* ---- request helpers ---------------------------------------------------------------- */

const char *query(struct request *r, const char *key)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

static const char *header(struct request *r, const char *key)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, key);
}

/* The body as a JSON object; NULL with e filled when it is missing or malformed. */
json_t *body_object(struct request *r, struct err *e)
{
    const char *ct = header(r, "Content-Type");
    if (!ct || strncmp(ct, "application/json", 16) != 0) {
        err_set(e, ERR_MEDIA, "Content-Type", "send the body as application/json");
        return NULL;
    }
    json_error_t jerr;
    json_t *j = json_loadb(r->body.ptr, r->body.len, JSON_REJECT_DUPLICATES, &jerr);
    if (!j) {
        err_set(e, ERR_INVALID, "body", "malformed JSON at line %d column %d: %s", jerr.line,
                jerr.column, jerr.text);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        err_set(e, ERR_INVALID, "body", "the body must be a JSON object");
        return NULL;
    }
    return j;
}

/* A string member: NULL when absent or null; error when present with another type. */
int get_str(json_t *o, const char *key, const char **out, struct err *e)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return err_set(e, ERR_INVALID, key, "%s must be a string", key);
    *out = json_string_value(v);
    if (strlen(*out) != json_string_length(v))
        return err_set(e, ERR_INVALID, key, "%s must not contain NUL characters", key);
    return 0;
}

int get_int(json_t *o, const char *key, long long min, long long max, long long *out,
                   struct err *e)
{
    json_t *v = json_object_get(o, key);
    *out = 0;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
        return err_set(e, ERR_INVALID, key, "%s must be a whole number from %lld to %lld", key,
                       min, max);
    *out = json_integer_value(v);
    return 0;
}

int get_bool(json_t *o, const char *key, int *out, struct err *e)
{
    json_t *v = json_object_get(o, key);
    *out = 0;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_boolean(v))
        return err_set(e, ERR_INVALID, key, "%s must be true or false", key);
    *out = json_is_true(v);
    return 0;
}

/* A string array member into out[max]; returns the count or -1. */
int get_strs(json_t *o, const char *key, const char **out, int max, struct err *e)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v))
        return err_set(e, ERR_INVALID, key, "%s must be an array of strings", key);
    if ((int)json_array_size(v) > max)
        return err_set(e, ERR_INVALID, key, "%s holds at most %d items", key, max);
    for (size_t i = 0; i < json_array_size(v); i++) {
        json_t *s = json_array_get(v, i);
        if (!json_is_string(s))
            return err_set(e, ERR_INVALID, key, "%s must be an array of strings", key);
        out[i] = json_string_value(s);
    }
    return (int)json_array_size(v);
}

/* The value of cookie `name` into out, or "" when absent. */
static void cookie(struct request *r, const char *name, char *out, size_t size)
{
    const char *v = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
    snprintf(out, size, "%s", v ? v : "");
}

static int is_write(const struct request *r)
{
    return strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0;
}

/* Establishes who is asking; 0 with r->authed set, or -1 (401) with e filled. */
static int authenticate(struct request *r, struct err *e)
{
    const char *auth = header(r, "Authorization");
    if (auth && !strncasecmp(auth, "Bearer ", 7)) {
        snprintf(r->token, sizeof(r->token), "%s", auth + 7);
    } else {
        cookie(r, "shishi_session", r->token, sizeof(r->token));
        r->via_cookie = r->token[0] != '\0';
    }
    if (!r->token[0])
        return err_set(e, ERR_UNAUTHORIZED, "session",
                       "not logged in: POST /api/v1/session, then send the cookie or a "
                       "Bearer token");
    if (svc_session(r->svc, r->token, r->now, &r->actor, r->csrf, e) < 0)
        return -1;
    if (r->via_cookie && is_write(r)) {
        const char *sent = header(r, "X-CSRF-Token");
        if (!sent || strlen(sent) != 64 || sodium_memcmp(sent, r->csrf, 64) != 0)
            return err_set(e, ERR_FORBIDDEN, "X-CSRF-Token",
                           "missing or wrong X-CSRF-Token header (send the csrf_token from "
                           "login)");
    }
    r->authed = 1;
    return 0;
}


/* ---- appeals ------------------------------------------------------------------------ */

static json_t *get_appeal(struct request *r, const char *code, struct err *e)
{
    struct appeal a;
    struct event_list h;
    if (svc_show(r->svc, &r->actor, code, &a, &h, e) < 0)
        return NULL;
    json_t *doc = svc_appeal_doc(r->svc, &r->actor, &a, &h, UNMASK_IF_ALLOWED, r->now, e);
    appeal_release(&a);
    event_list_release(&h);
    return doc;
}

static json_t *list_appeals(struct request *r, struct err *e)
{
    struct list_req q;
    memset(&q, 0, sizeof(q));
    q.state = query(r, "status");
    q.unit = query(r, "unit");
    q.area = query(r, "area");
    q.channel = query(r, "channel");
    q.from = query(r, "from");
    q.to = query(r, "to");
    q.sort = query(r, "sort");
    q.now = r->now;
    const char *ov = query(r, "overdue");
    q.overdue = ov && (!strcmp(ov, "1") || !strcmp(ov, "true"));
    long limit = 50, offset = 0;
    const char *l = query(r, "limit"), *cur = query(r, "cursor");
    char *end;
    if (l) {
        limit = strtol(l, &end, 10);
        if (!*l || *end || limit < 1 || limit > 500)
            return err_set(e, ERR_INVALID, "limit", "limit must be 1..500"), NULL;
    }
    if (cur) {
        offset = strtol(cur, &end, 10);
        if (!*cur || *end || offset < 0 || offset > 100000000)
            return err_set(e, ERR_INVALID, "cursor", "bad cursor '%s'", cur), NULL;
    }
    q.q = query(r, "q");
    const char *ds = query(r, "due_soon"), *xp = query(r, "ext_pending");
    q.due_soon = ds && (!strcmp(ds, "1") || !strcmp(ds, "true"));
    q.ext_pending = xp && (!strcmp(xp, "1") || !strcmp(xp, "true"));
    q.limit = (int)limit;
    q.offset = (int)offset;
    struct appeal_list lst;
    if (svc_list(r->svc, &r->actor, &q, &lst, e) < 0)
        return NULL;
    json_t *doc = svc_appeal_list_doc(r->svc, &r->actor, &lst, (int)offset, UNMASK_IF_ALLOWED,
                                      r->now, e);
    appeal_list_release(&lst);
    return doc;
}

static json_t *register_appeal(struct request *r, const struct actor *who, json_t *b,
                               struct err *e)
{
    struct register_req q;
    memset(&q, 0, sizeof(q));
    if (get_str(b, "title", &q.title, e) < 0 || get_str(b, "content", &q.content, e) < 0 ||
        get_str(b, "channel", &q.channel, e) < 0 || get_str(b, "kind", &q.kind, e) < 0 ||
        get_str(b, "urgency", &q.urgency, e) < 0 || get_str(b, "area", &q.area, e) < 0 ||
        get_str(b, "citizen_name", &q.citizen_name, e) < 0 || get_str(b, "phone", &q.phone, e) < 0 ||
        get_str(b, "id_number", &q.id_number, e) < 0 || get_str(b, "address", &q.address, e) < 0)
        return NULL;
    if (!q.kind)
        return err_set(e, ERR_INVALID, "kind", "kind is required (咨询 求助 投诉 举报 建议)"), NULL;
    q.at = r->now;
    struct appeal a;
    if (svc_register(r->svc, who, &q, &a, e) < 0)
        return NULL;
    json_t *doc = svc_appeal_doc(r->svc, &r->actor, &a, NULL, UNMASK_IF_ALLOWED, r->now, e);
    appeal_release(&a);
    r->status = 201;
    return doc;
}

static json_t *act_on_appeal(struct request *r, const char *code, const char *action, json_t *b,
                             struct err *e)
{
    struct act_req q;
    memset(&q, 0, sizeof(q));
    q.type = !strcmp(action, "extend-approve") ? ACT_EXTEND_APPROVE
             : !strcmp(action, "extend-deny")  ? ACT_EXTEND_DENY
                                               : action_parse(action);
    if (q.type == ACT_NONE || q.type == ACT_REGISTER)
        return err_set(e, ERR_NOT_FOUND, "action", "no action '%s'", action), NULL;
    long long version, days, hours;
    if (get_int(b, "version", 1, 1LL << 40, &version, e) < 0 ||
        get_int(b, "days", 1, 3660, &days, e) < 0 || get_int(b, "hours", 1, 8760, &hours, e) < 0 ||
        get_str(b, "unit", &q.unit, e) < 0 || get_str(b, "reason", &q.reason, e) < 0 ||
        get_str(b, "text", &q.text, e) < 0 || get_str(b, "record", &q.record, e) < 0 ||
        get_str(b, "note", &q.note, e) < 0 || get_str(b, "solved", &q.solved, e) < 0 ||
        get_str(b, "satisfaction", &q.satisfaction, e) < 0 || get_str(b, "into", &q.into, e) < 0 ||
        get_bool(b, "complex", &q.complex, e) < 0 || get_bool(b, "no_redo", &q.no_redo, e) < 0 ||
        (q.n_assist = get_strs(b, "assist", q.assist, APPEAL_MAX_ASSIST, e)) < 0 ||
        (q.n_evidence = get_strs(b, "evidence", q.evidence, APPEAL_MAX_EVIDENCE, e)) < 0)
        return NULL;
    if (!version)
        return err_set(e, ERR_INVALID, "version",
                       "version is required: send the version you last read, so that a "
                       "change made meanwhile is not overwritten"),
               NULL;
    if (days && hours)
        return err_set(e, ERR_INVALID, "days", "give days or hours, not both"), NULL;
    q.code = code;
    q.at = r->now;
    q.expected_version = version;
    if (q.type == ACT_EXTEND) {
        q.ext_days = (int)days;
    } else if (days || hours) {
        q.limit_amount = (int)(days ? days : hours);
        q.limit_unit = days ? LIMIT_WORKDAYS : LIMIT_HOURS;
    }
    struct appeal a;
    if (svc_act(r->svc, &r->actor, &q, &a, e) < 0)
        return NULL;
    json_t *doc = svc_appeal_doc(r->svc, &r->actor, &a, NULL, UNMASK_IF_ALLOWED, r->now, e);
    appeal_release(&a);
    return doc;
}

/* ---- the public (citizens') endpoints ------------------------------------------------ */

static json_t *public_submit(struct request *r, struct err *e)
{
    char key[96];
    snprintf(key, sizeof(key), "public:%s", r->addr);
    if (svc_rate_limit(r->svc, key, 60, r->cfg->public_per_minute, r->now, e) < 0)
        return NULL;
    json_t *b = body_object(r, e);
    if (!b)
        return NULL;
    const char *phone;
    json_t *doc = NULL;
    if (get_str(b, "phone", &phone, e) == 0) {
        if (!phone || strlen(phone) < 7) {
            err_set(e, ERR_INVALID, "phone", "a phone number is required to follow the appeal");
        } else {
            struct actor citizen;
            memset(&citizen, 0, sizeof(citizen));
            citizen.role = ROLE_CITIZEN;
            snprintf(citizen.name, sizeof(citizen.name), "citizen");
            /* Citizens always come in through the web/H5 channel. */
            json_object_set_new(b, "channel", json_string("web"));
            struct register_req q;
            struct appeal a;
            memset(&q, 0, sizeof(q));
            if (get_str(b, "title", &q.title, e) == 0 && get_str(b, "content", &q.content, e) == 0 &&
                get_str(b, "kind", &q.kind, e) == 0 && get_str(b, "area", &q.area, e) == 0 &&
                get_str(b, "citizen_name", &q.citizen_name, e) == 0 &&
                get_str(b, "address", &q.address, e) == 0) {
                q.channel = "web";
                q.phone = phone;
                if (!q.kind)
                    q.kind = "求助";
                q.at = r->now;
                if (svc_register(r->svc, &citizen, &q, &a, e) == 0) {
                    doc = json_pack("{s:s, s:s, s:s}", "code", a.code, "status",
                                    state_code(a.state), "message",
                                    "已受理。请凭编号和手机号后四位查询办理进度。");
                    r->status = 201;
                    appeal_release(&a);
                }
            }
        }
    }
    json_decref(b);
    return doc;
}

static json_t *public_follow(struct request *r, const char *code, struct err *e)
{
    const char *last4 = query(r, "phone_last4");
    struct appeal a;
    struct err miss;
    if (!last4 || strlen(last4) != 4)
        return err_set(e, ERR_INVALID, "phone_last4", "give the last four digits of the phone"),
               NULL;
    /* The policy lets a citizen read an appeal whose phone ends in what they gave; any
     * refusal reads as "no such appeal", so that codes cannot be probed. */
    struct actor citizen = {.role = ROLE_CITIZEN, .name = "citizen"};
    snprintf(citizen.phone_last4, sizeof(citizen.phone_last4), "%s", last4);
    if (svc_show(r->svc, &citizen, code, &a, NULL, &miss) < 0)
        return err_set(e, ERR_NOT_FOUND, "code", "no appeal %s with that phone number", code),
               NULL;
    json_t *doc = NULL;
    {
        doc = json_object();
        json_object_set_new(doc, "code", json_string(a.code));
        json_object_set_new(doc, "status", json_string(state_code(a.state)));
        json_object_set_new(doc, "status_label", json_string(state_label(a.state)));
        json_object_set_new(doc, "title", json_string(a.title ? a.title : ""));
        json_object_set_new(doc, "received_at", view_time(a.received_at));
        json_object_set_new(doc, "replied_at", view_time(a.replied_at));
        json_object_set_new(doc, "reply", a.reply_text ? json_string(a.reply_text) : json_null());
    }
    appeal_release(&a);
    return doc;
}

/* ---- organisation, calendar, report, audit -------------------------------------------- */

static json_t *units_doc(struct request *r, struct err *e)
{
    struct unit *u;
    size_t n;
    if (svc_unit_list(r->svc, &r->actor, &u, &n, e) < 0)
        return NULL;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:o}", "id",
                                             (json_int_t)u[i].id, "code", u[i].code, "name",
                                             u[i].name, "kind", unit_kind_code(u[i].kind),
                                             "parent_id",
                                             u[i].parent_id ? json_integer(u[i].parent_id)
                                                            : json_null()));
    free(u);
    return arr;
}

static json_t *refs_doc(struct request *r, int table, struct err *e)
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

static json_t *users_doc(struct request *r, struct err *e)
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
                                             (json_int_t)u[i].id, "username", u[i].username,
                                             "name", u[i].name, "role", role_code(u[i].role),
                                             "unit", names_unit(&nm, u[i].unit_id), "phone",
                                             phone, "active", u[i].active));
    }
    names_release(&nm);
    free(u);
    return arr;
}

/* One user as an admin sees it (the phone masked, as in GET /users). */
static json_t *user_doc(struct request *r, const char *username, struct err *e)
{
    struct user u;
    struct names nm;
    char phone[64];
    if (store_user_find(r->svc->st, username, &u, e) < 0 || names_load(r->svc, &nm, e) < 0)
        return NULL;
    mask_phone(u.phone, phone, sizeof(phone));
    json_t *doc = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)u.id,
                            "username", u.username, "name", u.name, "role", role_code(u.role),
                            "unit", names_unit(&nm, u.unit_id), "phone", phone, "active",
                            u.active);
    names_release(&nm);
    return doc;
}

/* POST /api/v1/users/{username}/{password|disable|enable|unit|role}: the service decides
 * who may. password, unit and role take {"password"|"unit"|"role": "..."}. */
static json_t *change_user(struct request *r, const char *username, const char *what,
                           struct err *e)
{
    int rc;
    if (is(what, "disable") || is(what, "enable")) {
        rc = svc_user_set_active(r->svc, &r->actor, username, is(what, "enable"), r->now, e);
    } else if (is(what, "password") || is(what, "unit") || is(what, "role")) {
        json_t *b = body_object(r, e);
        const char *v;
        if (!b)
            return NULL;
        rc = get_str(b, what, &v, e);
        if (rc == 0 && !v)
            rc = err_set(e, ERR_INVALID, what, "请提供 %s (the body needs \"%s\")", what, what);
        if (rc == 0 && is(what, "password"))
            rc = svc_user_passwd(r->svc, &r->actor, username, v, r->now, e);
        else if (rc == 0 && is(what, "unit"))
            rc = svc_user_set_unit(r->svc, &r->actor, username, v, r->now, NULL, e);
        else if (rc == 0)
            rc = svc_user_set_role(r->svc, &r->actor, username, v, r->now, NULL, e);
        json_decref(b);
    } else {
        return err_set(e, ERR_NOT_FOUND, "path",
                       "no such endpoint: POST /api/v1/users/%s/%s (password, disable, enable, "
                       "unit, role)",
                       username, what),
               NULL;
    }
    return rc < 0 ? NULL : user_doc(r, username, e);
}

static json_t *add_org(struct request *r, const char *what, struct err *e)
{
    json_t *b = body_object(r, e);
    if (!b)
        return NULL;
    const char *name, *code, *kind, *parent, *username, *role, *unit, *phone, *password;
    json_t *doc = NULL;
    if (!strcmp(what, "units")) {
        struct unit u;
        if (get_str(b, "name", &name, e) == 0 && get_str(b, "code", &code, e) == 0 &&
            get_str(b, "kind", &kind, e) == 0 && get_str(b, "parent", &parent, e) == 0 &&
            svc_unit_add(r->svc, &r->actor, name, code, kind ? kind : "department", parent, &u, e) == 0)
            doc = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)u.id, "code", u.code, "name",
                            u.name);
    } else if (!strcmp(what, "users")) {
        struct user u;
        if (get_str(b, "username", &username, e) == 0 && get_str(b, "name", &name, e) == 0 &&
            get_str(b, "role", &role, e) == 0 && get_str(b, "unit", &unit, e) == 0 &&
            get_str(b, "phone", &phone, e) == 0 && get_str(b, "password", &password, e) == 0 &&
            svc_user_add(r->svc, &r->actor, username, name, role, unit, phone, password, &u, e) == 0)
            doc = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)u.id, "username", u.username,
                            "role", role_code(u.role));
    } else {
        struct ref x;
        int table = !strcmp(what, "areas") ? REF_AREA : REF_CHANNEL;
        if (get_str(b, "name", &name, e) == 0 && get_str(b, "code", &code, e) == 0 &&
            svc_ref_add(r->svc, &r->actor, table, name, code, 100, &x, e) == 0)
            doc = json_pack("{s:s, s:s}", "code", x.code, "name", x.name);
    }
    json_decref(b);
    if (doc)
        r->status = 201;
    return doc;
}

static json_t *calendar_doc(struct request *r, const char *what, struct err *e)
{
    int64_t d, out;
    if (civil_parse_date_checked(query(r, "date"), &d, e) < 0)
        return NULL;
    char s[11];
    if (!strcmp(what, "add")) {
        const char *ns = query(r, "n");
        char *end;
        long n = ns ? strtol(ns, &end, 10) : 0;
        if (!ns || !*ns || *end || n < -3660 || n > 3660)
            return err_set(e, ERR_INVALID, "n", "n must be a whole number of working days"), NULL;
        if (svc_workday_add(r->svc, &r->actor, d, (int)n, &out, e) < 0)
            return NULL;
        civil_format_date(out, s);
        return json_pack("{s:s, s:i, s:s}", "date", query(r, "date"), "n", (int)n, "result", s);
    }
    int work;
    const char *name;
    if (svc_workday_is(r->svc, &r->actor, d, &work, &name, e) < 0)
        return NULL;
    return json_pack("{s:s, s:b, s:o}", "date", query(r, "date"), "workday", work, "name",
                     name ? json_string(name) : json_null());
}

/* A rule set version from the query: absent means the newest (0). */
static int rules_param(struct request *r, int *version, struct err *e)
{
    const char *v = query(r, "rules");
    char *end;
    *version = 0;
    if (!v || !*v)
        return 0;
    long x = strtol(v, &end, 10);
    if (*end || x < 1 || x > 1000000)
        return err_set(e, ERR_INVALID, "rules", "rules must be a version number, not '%s'", v);
    *version = (int)x;
    return 0;
}

static json_t *explain_doc(struct request *r, const char *from, const char *to, int rules,
                           const char *figure, struct err *e)
{
    static const char *const dims[] = {"unit", "area", "channel", "town"};
    int dim = DIM_ALL;
    const char *key = NULL;
    for (int i = 0; i < 4; i++)
        if (query(r, dims[i])) {
            if (dim != DIM_ALL)
                return err_set(e, ERR_INVALID, dims[i], "explain one group at a time"), NULL;
            dim = DIM_UNIT + i;
            key = query(r, dims[i]);
            if (!*key)
                return err_set(e, ERR_INVALID, dims[i], "name the %s to explain", dims[i]), NULL;
        }
    struct explain x;
    if (svc_explain(r->svc, &r->actor, from, to, rules, r->now, figure, dim, key, &x, e) < 0)
        return NULL;
    json_t *doc = view_explain(&x);
    explain_release(&x);
    return doc;
}

static json_t *report_doc(struct request *r, struct err *e)
{
    struct report rep;
    struct names n;
    int rules;
    const char *from = query(r, "from"), *to = query(r, "to");
    if (!from || !to)
        return err_set(e, ERR_INVALID, "from", "give from and to dates (YYYY-MM-DD)"), NULL;
    if (rules_param(r, &rules, e) < 0)
        return NULL;
    if (query(r, "explain"))
        return explain_doc(r, from, to, rules, query(r, "explain"), e);
    if (svc_report(r->svc, &r->actor, from, to, rules, r->now, &rep, e) < 0)
        return NULL;
    json_t *doc = NULL;
    if (names_load(r->svc, &n, e) == 0) {
        doc = view_report(&n, &rep);
        names_release(&n);
    }
    report_release(&rep);
    return doc;
}

static json_t *rules_doc(struct request *r, const char *version, struct err *e)
{
    if (version) {
        char *end;
        long v = strtol(version, &end, 10);
        struct ruleset rs;
        if (*end || v < 1 || v > 1000000)
            return err_set(e, ERR_NOT_FOUND, "version", "no rule set version '%s'", version),
                   NULL;
        if (svc_rules_get(r->svc, &r->actor, (int)v, &rs, e) < 0)
            return NULL;
        return view_ruleset(&rs);
    }
    struct ruleset *list;
    size_t n;
    if (svc_rules_list(r->svc, &r->actor, &list, &n, e) < 0)
        return NULL;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, view_ruleset(&list[i]));
    free(list);
    return json_pack("{s:o}", "items", arr);
}

static json_t *rules_add(struct request *r, struct err *e)
{
    json_t *b = body_object(r, e);
    if (!b)
        return NULL;
    char *text = json_dumps(b, JSON_COMPACT);
    json_decref(b);
    struct ruleset rs;
    int rc = svc_rules_add(r->svc, &r->actor, text, r->now, &rs, e);
    free(text);
    if (rc < 0)
        return NULL;
    json_t *o = view_ruleset(&rs);
    r->status = 201;
    return o;
}

static json_t *audit_doc(struct request *r, struct err *e)
{
    struct audit_result res;
    if (svc_audit_verify(r->svc, &r->actor, &res, e) < 0)
        return NULL;
    json_t *doc = json_pack("{s:b, s:I, s:I, s:I}", "ok", res.ok, "events",
                            (json_int_t)res.events, "appeals", (json_int_t)res.appeals, "users",
                            (json_int_t)res.users);
    if (!res.ok) {
        json_object_set_new(doc, "bad_event",
                            res.bad_event ? json_integer(res.bad_event) : json_null());
        json_object_set_new(doc, "problem", json_string(res.problem));
    }
    return doc;
}

/* ---- the bulletin: a download -------------------------------------------------------- */

static const struct bulletin_format {
    const char *name, *type;
    int (*render)(const struct doc *, const char *, struct err *);
} bulletin_formats[] = {
    {"html", "text/html; charset=utf-8", render_html},
    {"csv", "text/csv; charset=utf-8", render_csv},
    {"pdf", "application/pdf", render_pdf},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", render_xlsx},
};

/* The whole file at `path` into a malloc'ed block. */
static int slurp(const char *path, char **out, size_t *len, struct err *e)
{
    FILE *f = fopen(path, "rb");
    struct stat sb;
    if (!f || fstat(fileno(f), &sb) != 0) {
        int errnum = errno;
        if (f)
            fclose(f);
        return err_set(e, ERR_IO, "", "cannot read the rendered bulletin: %s", strerror(errnum));
    }
    *len = (size_t)sb.st_size;
    *out = xmalloc(*len + 1);
    int bad = fread(*out, 1, *len, f) != *len;
    fclose(f);
    if (bad) {
        free(*out);
        *out = NULL;
        return err_set(e, ERR_IO, "", "cannot read the rendered bulletin: short read");
    }
    return 0;
}

/* Renders d as `fmt` into memory. The renderers write a file (path.tmp, then renamed), so
 * this one lives in a fresh directory of our own (mkdtemp: mode 0700, under TMPDIR or
 * /tmp) where no other user can reach either name; both are gone when this returns. */
static int render_to_memory(const struct doc *d, const struct bulletin_format *fmt, char **out,
                            size_t *len, struct err *e)
{
    const char *tmpdir = getenv("TMPDIR");
    struct buf dir = BUF_INIT, path = BUF_INIT;
    buf_addf(&dir, "%s/shishi-bulletin.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (!mkdtemp(dir.ptr)) {
        int rc = err_set(e, ERR_IO, "", "cannot make a directory in %s to render into: %s",
                         tmpdir && *tmpdir ? tmpdir : "/tmp", strerror(errno));
        buf_release(&dir);
        return rc;
    }
    buf_addf(&path, "%s/bulletin.%s", dir.ptr, fmt->name);
    int rc = fmt->render(d, path.ptr, e);
    if (rc < 0) {
        /* The renderer names its --out option and path; here both are ours, not the client's. */
        char msg[sizeof(e->msg)];
        snprintf(msg, sizeof(msg), "%s", e->msg);
        err_set(e, ERR_IO, "", "cannot render the bulletin as %s: %s", fmt->name, msg);
    } else {
        rc = slurp(path.ptr, out, len, e);
        unlink(path.ptr);
    }
    rmdir(dir.ptr);
    buf_release(&path);
    buf_release(&dir);
    return rc;
}

/* GET /api/v1/bulletin?month=YYYY-MM|from=&to=&format=F[&rules=N]: the monthly bulletin,
 * the very file `shishi bulletin` writes, as an attachment in r->download. Names and
 * phones in its ledger are masked by the service, so every role that may read the report
 * may have it. Returns 0, or -1 with e filled. */
static int bulletin_download(struct request *r, struct err *e)
{
    const char *month = query(r, "month"), *from = query(r, "from"), *to = query(r, "to");
    const char *format = query(r, "format");
    int rules;
    if (!month == !(from || to))
        return err_set(e, ERR_INVALID, "month", "give month=YYYY-MM, or from and to dates");
    if (rules_param(r, &rules, e) < 0)
        return -1;
    const struct bulletin_format *fmt = NULL;
    for (size_t i = 0; format && i < sizeof(bulletin_formats) / sizeof(*bulletin_formats); i++)
        if (!strcmp(format, bulletin_formats[i].name))
            fmt = &bulletin_formats[i];
    if (!format)
        return err_set(e, ERR_INVALID, "format", "give format=html, csv, pdf or xlsx");
    if (!fmt)
        return err_set(e, ERR_INVALID, "format", "format must be html, csv, pdf or xlsx, not '%s'",
                       format);
    struct doc d;
    int64_t from_day, to_day;
    if (layout_bulletin_for(r->svc, &r->actor, month, from, to, rules, r->now, &d, &from_day, &to_day, e) < 0)
        return -1;
    char *data = NULL;
    size_t len = 0;
    int rc = render_to_memory(&d, fmt, &data, &len, e);
    if (rc == 0) {
        /* Named from the dates the service parsed, never from the query's text. */
        char d1[11], d2[11];
        civil_format_date(from_day, d1);
        civil_format_date(to_day, d2);
        if (month)
            snprintf(r->download.filename, sizeof(r->download.filename), "bulletin-%.7s.%s", d1,
                     fmt->name);
        else
            snprintf(r->download.filename, sizeof(r->download.filename), "bulletin-%s_%s.%s",
                     d1, d2, fmt->name);
        r->download.data = data;
        r->download.len = len;
        r->download.type = fmt->type;
    }
    doc_release(&d);
    return rc;
}

/* ---- sessions ----------------------------------------------------------------------- */

static json_t *login(struct request *r, struct err *e)
{
    json_t *b = body_object(r, e);
    if (!b)
        return NULL;
    const char *username, *password;
    struct login lg;
    json_t *doc = NULL;
    if (get_str(b, "username", &username, e) == 0 && get_str(b, "password", &password, e) == 0 &&
        svc_login(r->svc, username, password, r->addr, r->now, &lg, e) == 0) {
        snprintf(r->cookies[0], sizeof(r->cookies[0]),
                 "shishi_session=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict", lg.token,
                 SESSION_TTL);
        snprintf(r->cookies[1], sizeof(r->cookies[1]),
                 "shishi_csrf=%s; Path=/; Max-Age=%d; SameSite=Strict", lg.csrf, SESSION_TTL);
        r->ncookies = 2;
        r->authed = 1;
        r->actor = lg.actor;
        doc = json_pack("{s:s, s:s, s:o, s:{s:s, s:s}}", "token", lg.token, "csrf_token", lg.csrf,
                        "expires_at", view_time(lg.expires_at), "user", "username",
                        lg.actor.name, "role", role_code(lg.actor.role));
    }
    json_decref(b);
    return doc;
}

/* ---- routing -------------------------------------------------------------------------- */

static int split(char *path, char **seg)
{
    int n = 0;
    for (char *p = path; *p && n < MAX_SEGS;) {
        while (*p == '/')
            *p++ = '\0';
        if (!*p)
            break;
        seg[n++] = p;
        while (*p && *p != '/')
            p++;
    }
    return n;
}

int is(const char *a, const char *b)
{
    return a && !strcmp(a, b);
}

static json_t *route(struct request *r, struct err *e)
{
    char path[512];
    char *seg[MAX_SEGS] = {0};
    snprintf(path, sizeof(path), "%s", r->path);
    int n = split(path, seg);
    const char *m = r->method;
    int get = is(m, "GET"), post = is(m, "POST");
    if (n == 1 && is(seg[0], "healthz") && get)
        return json_pack("{s:s}", "status", "ok");
    if (n < 2 || !is(seg[0], "api") || !is(seg[1], "v1"))
        return err_set(e, ERR_NOT_FOUND, "path", "no such endpoint: %s %s", m, r->path), NULL;
    const char *res = n > 2 ? seg[2] : "";

    /* public: no session */
    if (is(res, "public") && n >= 4 && is(seg[3], "appeals")) {
        if (n == 4 && post)
            return public_submit(r, e);
        if (n == 5 && get) {
            /* Codes run in sequence: without a limit, anyone could walk them and try every
             * four-digit phone ending. */
            char key[96];
            snprintf(key, sizeof(key), "follow:%s", r->addr);
            if (svc_rate_limit(r->svc, key, 60, PUBLIC_FOLLOW_PER_MINUTE, r->now, e) < 0)
                return NULL;
            return public_follow(r, seg[4], e);
        }
    }
    if (is(res, "session") && n == 3 && post)
        return login(r, e);

    if (authenticate(r, e) < 0)
        return NULL;
    int role = r->actor.role;
    /* Anyone who can log in can see and end their session. */
    if (is(res, "session") && n == 3) {
        if (get) {
            const struct names *nm = names_cached(r->svc, e);
            const char *unit = nm && r->actor.unit_id ? names_unit(nm, r->actor.unit_id) : "";
            return json_pack("{s:s, s:s, s:s, s:o, s:s, s:o}", "username", r->actor.name,
                             "role", role_code(role), "role_label", role_label(role), "unit",
                             *unit ? json_string(unit) : json_null(), "csrf_token", r->csrf,
                             "permissions", svc_permissions_json(&r->actor));
        }
        if (is(m, "DELETE")) {
            if (svc_logout(r->svc, r->token, e) < 0)
                return NULL;
            snprintf(r->cookies[0], sizeof(r->cookies[0]),
                     "shishi_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
            snprintf(r->cookies[1], sizeof(r->cookies[1]),
                     "shishi_csrf=; Path=/; Max-Age=0; SameSite=Strict");
            r->ncookies = 2;
            return json_pack("{s:b}", "logged_out", 1);
        }
    }
    if (is(res, "appeals")) {
        if (n == 3 && get)
            return list_appeals(r, e);
        if (n == 3 && post) {
            json_t *b = body_object(r, e);
            if (!b)
                return NULL;
            json_t *doc = register_appeal(r, &r->actor, b, e);
            json_decref(b);
            return doc;
        }
        if (n == 4 && get)
            return get_appeal(r, seg[3], e);
        if (n == 5 && post) {
            json_t *b = body_object(r, e);
            if (!b)
                return NULL;
            json_t *doc = act_on_appeal(r, seg[3], seg[4], b, e);
            json_decref(b);
            return doc;
        }
    }
    if (n == 3 && (is(res, "units") || is(res, "areas") || is(res, "channels") || is(res, "users"))) {
        if (post)
            return add_org(r, res, e);
        if (get && is(res, "users"))
            return users_doc(r, e);
        if (get && is(res, "units"))
            return units_doc(r, e);
        if (get)
            return refs_doc(r, is(res, "areas") ? REF_AREA : REF_CHANNEL, e);
    }
    if (is(res, "users") && n == 5 && post)
        return change_user(r, seg[3], seg[4], e);
    if (is(res, "calendar") && n == 4 && get && (is(seg[3], "add") || is(seg[3], "is")))
        return calendar_doc(r, seg[3], e);
    if (is(res, "report") && n == 3 && get)
        return report_doc(r, e);
    if (is(res, "rules") && n == 3 && post)
        return rules_add(r, e);
    if (is(res, "rules") && (n == 3 || n == 4) && get)
        return rules_doc(r, n == 4 ? seg[3] : NULL, e);
    if (is(res, "bulletin") && n == 3 && get) {
        /* A download, not JSON: r->download is filled on success, e on failure. */
        bulletin_download(r, e);
        return NULL;
    }
    if (is(res, "audit") && n == 4 && is(seg[3], "verify") && get)
        return audit_doc(r, e);
    if (is(res, "projects") || is(res, "batches"))
        return api_projects(r, seg, n, e);
    if (api_lists_match(res))
        return api_lists(r, seg, n, e);
    if (is(res, "votes"))
        return api_votes(r, seg, n, e);
    return err_set(e, ERR_NOT_FOUND, "path", "no such endpoint: %s %s", m, r->path), NULL;
}

json_t *api_handle(struct request *r)
{
    struct err e = {0};
    /* A private GET reads one consistent snapshot in one transaction, not one per statement.
     * Public GETs write (rate limits) and stay outside. */
    int snapshot = !strcmp(r->method, "GET") && strncmp(r->path, "/api/v1/public/", 15) != 0;
    if (snapshot && store_begin_read(r->svc->st, &e) < 0)
        return api_error(r, &e);
    json_t *doc = route(r, &e);
    if (snapshot)
        store_rollback(r->svc->st);
    if (!doc && r->download.data)
        return NULL;
    if (!doc)
        return api_error(r, &e);
    return doc;
}
