/* api_votes.c -- the deputies' vote (人大票决制) over HTTP (rows in http/routes.c):
 *     GET  /api/v1/votes                      the sessions
 *     POST /api/v1/votes                      {"code","title","year","rule","max_select","quorum"}
 *     GET  /api/v1/votes/{code}[?history=1]   one session
 *     POST /api/v1/votes/{code}/deputies      {"names":[...]}
 *     POST /api/v1/votes/{code}/candidates {"title","area","lead_unit","measure","target","budget"}
 *     POST /api/v1/votes/{code}/open
 *     POST /api/v1/votes/{code}/ballots       {"deputy","candidate","choice"} or {"ballots":[...]}
 *     POST /api/v1/votes/{code}/close
 *     POST /api/v1/votes/{code}/adopt
 * Every POST answers with the session as GET shows it. Who may do what is the policy's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/handlers.h"
#include "http/req.h"
#include "service/vote.h"

#include "util/banned.h"

#define API_BALLOTS_MAX 10000

json_t *vote_create(struct request *r, struct err *e)
{
    json_t *b = r->json;
    struct vote_req q = {.at = r->now};
    long long year = 0, max_select = 0, quorum = 0;
    if (req_str(b, "code", &q.code, e) < 0 || req_str(b, "title", &q.title, e) < 0 ||
        req_int(b, "year", 2000, 2100, &year, e) < 0 || req_str(b, "rule", &q.rule, e) < 0 ||
        req_int(b, "max_select", 0, 1000, &max_select, e) < 0 ||
        req_int(b, "quorum", 0, 100000, &quorum, e) < 0)
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
        else if (req_str(o, "deputy", &q[i].deputy, e) < 0 ||
                 req_int(o, "candidate", 1, 1000000, &seq, e) < 0 ||
                 req_str(o, "choice", &q[i].choice, e) < 0)
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

/* Every POST on a session answers with the session, as GET shows it. */
static json_t *after(struct request *r, int rc, struct err *e)
{
    return rc < 0 ? NULL : svc_vote_json(r->svc, &r->actor, r->arg[0], 0, e);
}

json_t *vote_open(struct request *r, struct err *e)
{
    return after(r, svc_vote_open(r->svc, &r->actor, r->arg[0], r->now, e), e);
}

json_t *vote_close(struct request *r, struct err *e)
{
    return after(r, svc_vote_close(r->svc, &r->actor, r->arg[0], r->now, NULL, e), e);
}

json_t *vote_adopt(struct request *r, struct err *e)
{
    return after(r, svc_vote_adopt(r->svc, &r->actor, r->arg[0], r->now, NULL, e), e);
}

json_t *vote_ballots(struct request *r, struct err *e)
{
    return after(r, ballots(r, r->arg[0], r->json, e), e);
}

json_t *vote_deputies(struct request *r, struct err *e)
{
    const char *names[VOTE_MAX_NAMES];
    int n = req_strs(r->json, "names", names, VOTE_MAX_NAMES, e);
    if (n < 0)
        return NULL;
    return after(r, svc_vote_deputies(r->svc, &r->actor, r->arg[0], names, n, r->now, e), e);
}

json_t *vote_candidates(struct request *r, struct err *e)
{
    json_t *b = r->json;
    struct vote_candidate_req q = {.at = r->now};
    int64_t seq;
    if (req_str(b, "title", &q.title, e) < 0 || req_str(b, "area", &q.area, e) < 0 ||
        req_str(b, "lead_unit", &q.lead_unit, e) < 0 || req_str(b, "measure", &q.measure, e) < 0 ||
        req_str(b, "target", &q.target, e) < 0 || req_str(b, "budget", &q.budget, e) < 0)
        return NULL;
    return after(r, svc_vote_candidate(r->svc, &r->actor, r->arg[0], &q, &seq, e), e);
}

json_t *votes_list(struct request *r, struct err *e)
{
    json_t *list = svc_vote_list_json(r->svc, &r->actor, e);
    return list ? json_pack("{s:o}", "votes", list) : NULL;
}

/* GET /api/v1/votes/{code}[?history=1] */
json_t *vote_show(struct request *r, struct err *e)
{
    const char *h = req_query(r, "history");
    return svc_vote_json(r->svc, &r->actor, r->arg[0], h && strcmp(h, "0") != 0, e);
}
