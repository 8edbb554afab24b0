/* api_public.c -- the citizens' endpoints, without a session: submit an appeal, follow it
 * with its code and the phone's last four digits, and the areas to choose from. Each acts
 * as the citizen actor; the policy decides what a citizen may do. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/handlers.h"
#include "http/req.h"
#include "http/server.h"
#include "service/view.h"

#include "util/banned.h"

#define PUBLIC_FOLLOW_PER_MINUTE 30 /* lookups per address and minute */

/* POST /api/v1/public/appeals: the rate limit comes first, then the body (so it is read
 * here, not by the dispatcher). */
json_t *public_submit(struct request *r, struct err *e)
{
    char key[96];
    snprintf(key, sizeof(key), "public:%s", r->addr);
    if (svc_rate_limit(r->svc, key, 60, r->cfg->public_per_minute, r->now, e) < 0)
        return NULL;
    json_t *b = req_body(r, e);
    if (!b)
        return NULL;
    const char *phone;
    json_t *doc = NULL;
    struct register_req q;
    memset(&q, 0, sizeof(q));
    if (req_str(b, "phone", &phone, e) < 0)
        goto out;
    if (!phone || strlen(phone) < 7) {
        err_set(e, ERR_INVALID, "phone", "a phone number is required to follow the appeal");
        goto out;
    }
    const char *photo;
    if (req_str(b, "title", &q.title, e) < 0 || req_str(b, "content", &q.content, e) < 0 ||
        req_str(b, "kind", &q.kind, e) < 0 || req_str(b, "area", &q.area, e) < 0 ||
        req_str(b, "citizen_name", &q.citizen_name, e) < 0 ||
        req_str(b, "address", &q.address, e) < 0 || req_str(b, "photo", &photo, e) < 0)
        goto out;
    q.channel = "web"; /* citizens always come in through the web/H5 channel */
    q.phone = phone;
    if (!q.kind)
        q.kind = "求助";
    q.at = r->now;
    struct appeal a;
    if (svc_public_submit(r->svc, &q, photo, &a, e) == 0) {
        doc = json_pack("{s:s, s:s, s:s}", "code", a.code, "status", state_code(a.state), "message",
                        "已受理。请凭编号和手机号后四位查询办理进度。");
        r->status = 201;
        appeal_release(&a);
    }
out:
    json_decref(b);
    return doc;
}

/* GET /api/v1/public/appeals/{code}?phone_last4=NNNN: the state and the reply, nothing
 * personal. Codes run in sequence: without a limit, anyone could walk them and try every
 * four-digit phone ending. */
json_t *public_follow(struct request *r, struct err *e)
{
    const char *code = r->arg[0];
    char key[96];
    snprintf(key, sizeof(key), "follow:%s", r->addr);
    if (svc_rate_limit(r->svc, key, 60, PUBLIC_FOLLOW_PER_MINUTE, r->now, e) < 0)
        return NULL;
    const char *last4 = req_query(r, "phone_last4");
    if (!last4 || strlen(last4) != 4)
        return err_set(e, ERR_INVALID, "phone_last4", "give the last four digits of the phone"),
               NULL;
    /* The policy lets a citizen read an appeal whose phone ends in what they gave; any
     * refusal reads as "no such appeal", so that codes cannot be probed. */
    struct actor citizen;
    svc_citizen(&citizen, NULL);
    snprintf(citizen.phone_last4, sizeof(citizen.phone_last4), "%s", last4);
    struct appeal a;
    struct event_list h;
    struct err miss;
    if (svc_show(r->svc, &citizen, code, &a, &h, &miss) < 0)
        return err_set(e, ERR_NOT_FOUND, "code", "no appeal %s with that phone number", code),
               NULL;
    json_t *doc = view_public_appeal(&a, &h);
    appeal_release(&a);
    event_list_release(&h);
    return doc;
}

/* POST /api/v1/public/appeals/{code}/rate {phone_last4, satisfaction, solved}: the citizen's
 * own 回访. Rate-limited per address like the other public endpoints; the body is read after
 * the limit. */
json_t *public_rate(struct request *r, struct err *e)
{
    const char *code = r->arg[0];
    char key[96];
    snprintf(key, sizeof(key), "rate:%s", r->addr);
    if (svc_rate_limit(r->svc, key, 60, r->cfg->public_per_minute, r->now, e) < 0)
        return NULL;
    json_t *b = req_body(r, e);
    if (!b)
        return NULL;
    const char *last4, *sat, *solved;
    json_t *doc = NULL;
    struct appeal a;
    if (req_str(b, "phone_last4", &last4, e) == 0 && req_str(b, "satisfaction", &sat, e) == 0 &&
        req_str(b, "solved", &solved, e) == 0 &&
        svc_public_rate(r->svc, code, last4, sat, solved, r->now, &a, e) == 0) {
        appeal_release(&a);
        struct actor citizen;
        svc_citizen(&citizen, NULL);
        snprintf(citizen.phone_last4, sizeof(citizen.phone_last4), "%s", last4);
        struct event_list h;
        if (svc_show(r->svc, &citizen, code, &a, &h, e) == 0) {
            doc = view_public_appeal(&a, &h);
            appeal_release(&a);
            event_list_release(&h);
        }
    }
    json_decref(b);
    return doc;
}

/* GET /api/v1/public/areas: the active areas' code and name, for the submission form;
 * rate-limited with the follow-ups. */
json_t *public_areas(struct request *r, struct err *e)
{
    char key[96];
    snprintf(key, sizeof(key), "follow:%s", r->addr);
    if (svc_rate_limit(r->svc, key, 60, PUBLIC_FOLLOW_PER_MINUTE, r->now, e) < 0)
        return NULL;
    struct ref *x;
    size_t n;
    if (svc_public_areas(r->svc, &x, &n, e) < 0)
        return NULL;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        if (x[i].active)
            json_array_append_new(arr,
                                  json_pack("{s:s, s:s}", "code", x[i].code, "name", x[i].name));
    free(x);
    return arr;
}
