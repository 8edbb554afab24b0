/* api_votes.c -- the deputies' vote (人大票决制) over HTTP:
 *     GET  /api/v1/votes                      sessions           leader, auditor, dispatcher
 *     POST /api/v1/votes                      create             dispatcher (admin always)
 *     GET  /api/v1/votes/{code}[?history=1]   one session        leader, auditor, dispatcher
 *     POST /api/v1/votes/{code}/deputies      {"names":[...]}
 *     POST /api/v1/votes/{code}/candidates {"title","area","lead_unit","measure","target","budget"}
 *     POST /api/v1/votes/{code}/open
 *     POST /api/v1/votes/{code}/ballots       {"deputy","candidate","choice"} or {"ballots":[...]}
 *     POST /api/v1/votes/{code}/close
 * Every POST answers with the session as GET shows it. The service checks roles again. */
#include "http/api_votes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/api_util.h"
#include "service/vote.h"

#include "util/banned.h"

#define API_BALLOTS_MAX 10000

static json_t *create(struct request *r, json_t *b, struct err *e)
{
    struct vote_req q = {.at = r->now};
    long long year = 0, max_select = 0, quorum = 0;
    if (get_str(b, "code", &q.code, e) < 0 || get_str(b, "title", &q.title, e) < 0 ||
        get_int(b, "year", 2000, 2100, &year, e) < 0 || get_str(b, "rule", &q.rule, e) < 0 ||
        get_int(b, "max_select", 0, 1000, &max_select, e) < 0 ||
        get_int(b, "quorum", 0, 100000, &quorum, e) < 0)
        return NULL;
    if (!year)
        return err_set(e, ERR_INVALID, "year", "year is required"), NULL;
    q.year = (int)year;
    q.max_select = (int)max_select;
    q.quorum = (int)quorum;
    int64_t id;
    if (svc_vote_create(r->svc, &r->actor, &q, &id, e) < 0)
        return NULL;
    r->status = 201;
    return svc_vote_json(r->svc, &r->actor, q.code, 0, e);
}

static int ballots(struct request *r, const char *code, json_t *b, struct err *e)
{
    json_t *list = json_object_get(b, "ballots");
    size_t n = list ? json_array_size(list) : 1;
    if (list && !json_is_array(list))
        return err_set(e, ERR_INVALID, "ballots", "ballots must be an array");
    if (n == 0 || n > API_BALLOTS_MAX)
        return err_set(e, ERR_INVALID, "ballots", "give 1 to %d ballots", API_BALLOTS_MAX);
    struct vote_ballot_req *q = calloc(n, sizeof(*q));
    if (!q)
        return err_set(e, ERR_TOO_BIG, "ballots", "out of memory");
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        json_t *o = list ? json_array_get(list, i) : b;
        long long seq = 0;
        if (!json_is_object(o))
            rc = err_set(e, ERR_INVALID, "ballots", "ballot %zu is not an object", i + 1);
        else if (get_str(o, "deputy", &q[i].deputy, e) < 0 ||
                 get_int(o, "candidate", 1, 1000000, &seq, e) < 0 ||
                 get_str(o, "choice", &q[i].choice, e) < 0)
            rc = -1;
        else if (!q[i].deputy || !seq || !q[i].choice)
            rc = err_set(e, ERR_INVALID, "ballots", "ballot %zu needs deputy, candidate and choice",
                         i + 1);
        q[i].candidate = seq;
    }
    size_t bad = (size_t)-1;
    if (rc == 0 && svc_vote_ballots(r->svc, &r->actor, code, q, n, r->now, &bad, e) < 0) {
        rc = -1;
        if (list && bad < n) {
            struct err inner = *e;
            err_set(e, inner.code, inner.field, "ballot %zu: %s; no ballot recorded", bad + 1,
                    inner.msg);
        }
    }
    free(q);
    return rc;
}

static int act(struct request *r, const char *code, const char *what, json_t *b, struct err *e)
{
    if (is(what, "open"))
        return svc_vote_open(r->svc, &r->actor, code, r->now, e);
    if (is(what, "close"))
        return svc_vote_close(r->svc, &r->actor, code, r->now, NULL, e);
    if (is(what, "ballots"))
        return ballots(r, code, b, e);
    if (is(what, "adopt"))
        return svc_vote_adopt(r->svc, &r->actor, code, r->now, NULL, e);
    if (is(what, "deputies")) {
        const char *names[VOTE_MAX_NAMES];
        int n = get_strs(b, "names", names, VOTE_MAX_NAMES, e);
        if (n < 0)
            return -1;
        return svc_vote_deputies(r->svc, &r->actor, code, names, n, r->now, e);
    }
    if (is(what, "candidates")) {
        struct vote_candidate_req q = {.at = r->now};
        int64_t seq;
        if (get_str(b, "title", &q.title, e) < 0 || get_str(b, "area", &q.area, e) < 0 ||
            get_str(b, "lead_unit", &q.lead_unit, e) < 0 ||
            get_str(b, "measure", &q.measure, e) < 0 || get_str(b, "target", &q.target, e) < 0 ||
            get_str(b, "budget", &q.budget, e) < 0)
            return -1;
        return svc_vote_candidate(r->svc, &r->actor, code, &q, &seq, e);
    }
    return err_set(e, ERR_NOT_FOUND, "path", "no such endpoint: %s %s", r->method, r->path);
}

json_t *api_votes(struct request *r, char *const *seg, int n, struct err *e)
{
    int get = is(r->method, "GET"), post = is(r->method, "POST");
    if (get && (n == 3 || n == 4)) {
        if (n == 4) {
            const char *h = query(r, "history");
            return svc_vote_json(r->svc, &r->actor, seg[3], h && !is(h, "0"), e);
        }
        json_t *list = svc_vote_list_json(r->svc, &r->actor, e);
        return list ? json_pack("{s:o}", "votes", list) : NULL;
    }
    if (!post || (n != 3 && n != 5))
        return err_set(e, ERR_NOT_FOUND, "path", "no such endpoint: %s %s", r->method, r->path),
               NULL;
    json_t *b = body_object(r, e);
    if (!b)
        return NULL;
    json_t *doc = NULL;
    if (n == 3)
        doc = create(r, b, e);
    else if (act(r, seg[3], seg[4], b, e) == 0)
        doc = svc_vote_json(r->svc, &r->actor, seg[3], 0, e);
    json_decref(b);
    return doc;
}
