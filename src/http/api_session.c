/* api_session.c -- logging in and out, who the session is, and /healthz. How a request is
 * authenticated (cookie + CSRF token, or a bearer token) is the dispatcher's (http/api.c). */
#include <stdio.h>

#include "http/handlers.h"
#include "http/req.h"
#include "service/view.h"

#include "util/banned.h"

json_t *health(struct request *r, struct err *e)
{
    (void)r;
    (void)e;
    return json_pack("{s:s}", "status", "ok");
}

/* POST /api/v1/session {"username","password"}: the token and CSRF token, also as cookies. */
json_t *session_login(struct request *r, struct err *e)
{
    const char *username, *password;
    struct login lg;
    if (req_str(r->json, "username", &username, e) < 0 ||
        req_str(r->json, "password", &password, e) < 0 ||
        svc_login(r->svc, username, password, r->addr, r->now, &lg, e) < 0)
        return NULL;
    /* Secure only over https: on plain http a browser would drop a Secure cookie. */
    const char *secure = r->https ? "; Secure" : "";
    snprintf(r->cookies[0], sizeof(r->cookies[0]),
             "shishi_session=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict%s", lg.token,
             SESSION_TTL, secure);
    snprintf(r->cookies[1], sizeof(r->cookies[1]),
             "shishi_csrf=%s; Path=/; Max-Age=%d; SameSite=Strict%s", lg.csrf, SESSION_TTL,
             secure);
    r->ncookies = 2;
    r->authed = 1;
    r->actor = lg.actor;
    return json_pack("{s:s, s:s, s:o, s:{s:s, s:s}}", "token", lg.token, "csrf_token", lg.csrf,
                     "expires_at", view_time(lg.expires_at), "user", "username", lg.actor.name,
                     "role", role_code(lg.actor.role));
}

/* GET /api/v1/session: anyone logged in sees who they are and what they may do. */
json_t *session_show(struct request *r, struct err *e)
{
    const struct names *nm = names_cached(r->svc, e);
    const char *unit = nm && r->actor.unit_id ? names_unit(nm, r->actor.unit_id) : "";
    return json_pack("{s:s, s:s, s:s, s:o, s:s, s:o}", "username", r->actor.name, "role",
                     role_code(r->actor.role), "role_label", role_label(r->actor.role), "unit",
                     *unit ? json_string(unit) : json_null(), "csrf_token", r->csrf, "permissions",
                     svc_permissions_json(&r->actor));
}

/* DELETE /api/v1/session: ends it, and clears both cookies. */
json_t *session_logout(struct request *r, struct err *e)
{
    if (svc_logout(r->svc, r->token, e) < 0)
        return NULL;
    const char *secure = r->https ? "; Secure" : ""; /* as the login set them */
    snprintf(r->cookies[0], sizeof(r->cookies[0]),
             "shishi_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s", secure);
    snprintf(r->cookies[1], sizeof(r->cookies[1]),
             "shishi_csrf=; Path=/; Max-Age=0; SameSite=Strict%s", secure);
    r->ncookies = 2;
    return json_pack("{s:b}", "logged_out", 1);
}

/* POST /api/v1/session/password {old_password, new_password}: one's own password. */
json_t *session_password(struct request *r, struct err *e)
{
    const char *old_pw, *new_pw;
    if (req_str(r->json, "old_password", &old_pw, e) < 0 ||
        req_str(r->json, "new_password", &new_pw, e) < 0 ||
        svc_passwd(r->svc, &r->actor, old_pw, new_pw, r->now, e) < 0)
        return NULL;
    return json_pack("{s:b}", "changed", 1);
}
