/* api.c -- the JSON API's dispatcher: finds the request's row in the route table
 * (http/routes.c), authenticates it (session cookie + CSRF token, or a bearer token) unless
 * the row is PUBLIC, refuses query parameters the row does not take, parses a BODY row's
 * body, runs a SNAPSHOT row in one read transaction, and maps service errors to HTTP
 * statuses. Who may do what is the service's (core/policy.c); the handlers (api_*.c) only
 * translate. Every answer is JSON but a DOWNLOAD row's, a file in r->download (errors stay
 * JSON). */
#include "http/request.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http/req.h"
#include "http/routes.h"

#include "util/banned.h"

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

/* s as a JSON string; a message or field that quotes the request (a path, a query parameter's
 * name) may not be UTF-8, and JSON strings must be: its bytes past ASCII become '?' then,
 * rather than the member going missing. */
static json_t *error_text(const char *s)
{
    json_t *j = json_string(s);
    if (j)
        return j;
    char copy[sizeof(((struct err *)0)->msg)];
    snprintf(copy, sizeof(copy), "%s", s);
    for (char *p = copy; *p; p++)
        if ((unsigned char)*p >= 0x80)
            *p = '?';
    return json_string(copy);
}

json_t *api_error(struct request *r, const struct err *e)
{
    r->status = api_status(e->code);
    json_t *inner = json_object();
    json_object_set_new(inner, "code", json_string(err_code_name(e->code)));
    json_object_set_new(inner, "message", error_text(e->msg[0] ? e->msg : "error"));
    json_object_set_new(inner, "field", e->field[0] ? error_text(e->field) : json_null());
    json_t *doc = json_object();
    json_object_set_new(doc, "error", inner);
    return doc;
}

/* Establishes who is asking; 0 with r->authed set, or -1 (401) with e filled. A cookie
 * session must send its CSRF token with every request that writes. */
static int authenticate(struct request *r, int writes, struct err *e)
{
    const char *auth = req_header(r, "Authorization");
    if (auth && !strncasecmp(auth, "Bearer ", 7)) {
        snprintf(r->token, sizeof(r->token), "%s", auth + 7);
    } else {
        req_cookie(r, "shishi_session", r->token, sizeof(r->token));
        r->via_cookie = r->token[0] != '\0';
    }
    if (!r->token[0])
        return err_set(e, ERR_UNAUTHORIZED, "session",
                       "not logged in: POST /api/v1/session, then send the cookie or a "
                       "Bearer token");
    if (svc_session(r->svc, r->token, r->now, &r->actor, r->csrf, e) < 0)
        return -1;
    if (r->via_cookie && writes) {
        const char *sent = req_header(r, "X-CSRF-Token");
        if (!sent || strlen(sent) != 64 || sodium_memcmp(sent, r->csrf, 64) != 0)
            return err_set(e, ERR_FORBIDDEN, "X-CSRF-Token",
                           "missing or wrong X-CSRF-Token header (send the csrf_token from "
                           "login)");
    }
    r->authed = 1;
    return 0;
}

/* What the row's flags ask before its handler, then the handler. */
static json_t *run(struct request *r, const struct route *rt, struct err *e)
{
    if (!(rt->flags & ROUTE_PUBLIC) && authenticate(r, rt->flags & ROUTE_WRITE, e) < 0)
        return NULL;
    if (req_query_known(r, rt->params, e) < 0)
        return NULL;
    if ((rt->flags & ROUTE_BODY) && !(r->json = req_body(r, e)))
        return NULL;
    return rt->handler(r, e);
}

unsigned api_flags(struct request *r)
{
    struct err e;
    const struct route *rt = route_find(r, &e);
    return rt ? rt->flags : 0;
}

json_t *api_handle(struct request *r)
{
    struct err e = {0};
    const struct route *rt = route_find(r, &e);
    if (!rt)
        return api_error(r, &e);
    /* A SNAPSHOT row (a private GET) reads one consistent snapshot in one transaction, not
     * one per statement. Public GETs write (rate limits) and stay outside. */
    int snapshot = (rt->flags & ROUTE_SNAPSHOT) != 0;
    if (snapshot && store_begin_read(r->svc->st, &e) < 0)
        return api_error(r, &e);
    json_t *doc = run(r, rt, &e);
    if (snapshot)
        store_rollback(r->svc->st);
    json_decref(r->json);
    r->json = NULL;
    if (!doc && (rt->flags & ROUTE_DOWNLOAD) && (r->download.data || r->download.has_fd))
        return NULL;
    if (!doc)
        return api_error(r, &e);
    return doc;
}
