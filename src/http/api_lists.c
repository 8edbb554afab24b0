/* api_lists.c -- the JSON API of the task and problem lists and the leaders' lists:
 *   GET/POST /api/v1/tasks, GET /api/v1/tasks/{code},
 *   POST /api/v1/tasks/{code}/close|verify|reopen|update,
 *   GET/POST /api/v1/leaders, GET /api/v1/leaders/compliance?month=YYYY-MM[&leader=],
 *   GET/POST /api/v1/enterprises, GET/POST /api/v1/visits.
 * (their rows are in http/routes.c). The service decides who may read and write, the same
 * for the CLI and the API. */
#include <string.h>

#include "http/handlers.h"
#include "http/req.h"
#include "service/lists.h"

#include "util/banned.h"

/* The six 有 of a body ("team", ... "feedback"), each optional. */
static int six_of(json_t *b, const char *six[SIX_COUNT], struct err *e)
{
    for (int i = 0; i < SIX_COUNT; i++)
        if (req_str(b, task_six_column(i), &six[i], e) < 0)
            return -1;
    return 0;
}

json_t *task_add(struct request *r, struct err *e)
{
    json_t *b = r->json;
    struct task_req req = {.list = "task", .at = r->now};
    long long batch = 0, year = 0;
    if (req_int(b, "year", 2000, 2100, &year, e) < 0 || req_str(b, "list", &req.list, e) < 0 || req_str(b, "title", &req.title, e) < 0 ||
        req_str(b, "detail", &req.detail, e) < 0 || req_str(b, "unit", &req.unit, e) < 0 ||
        req_str(b, "leader", &req.leader, e) < 0 || req_str(b, "due", &req.due, e) < 0 ||
        req_int(b, "batch", 1, 1000, &batch, e) < 0 || six_of(b, req.six, e) < 0)
        return NULL;
    req.batch = (int)batch;
    req.year = (int)year;
    if (!req.list)
        req.list = "task";
    char code[TASK_CODE_LEN];
    if (svc_task_add(r->svc, &r->actor, &req, code, e) < 0)
        return NULL;
    r->status = 201;
    return svc_task_json(r->svc, &r->actor, code, 1, r->now, e);
}

json_t *task_act(struct request *r, struct err *e)
{
    const char *code = r->arg[0], *action = r->arg[1];
    json_t *b = r->json;
    int op = task_op_parse(action);
    if (op < 0)
        return err_set(e, ERR_NOT_FOUND, "action",
                       "no item action '%s' (update, close, "
                       "verify, reopen)",
                       action),
               NULL;
    struct task_change ch = {.code = code, .accept = 1, .at = r->now};
    long long version = 0;
    if (req_int(b, "version", 1, (long long)1 << 40, &version, e) < 0 ||
        req_str(b, "due", &ch.due, e) < 0 || req_str(b, "evidence", &ch.evidence, e) < 0 ||
        req_str(b, "reason", &ch.reason, e) < 0 || req_bool(b, "accept", &ch.accept, e) < 0 ||
        six_of(b, ch.six, e) < 0)
        return NULL;
    if (!json_object_get(b, "accept"))
        ch.accept = 1;
    ch.expected_version = version;
    if (svc_task_change(r->svc, &r->actor, op, &ch, e) < 0)
        return NULL;
    return svc_task_json(r->svc, &r->actor, code, 1, r->now, e);
}

json_t *leader_add(struct request *r, struct err *e)
{
    json_t *b = r->json;
    const char *name = NULL, *title = NULL, *username = NULL, *enterprise = NULL, *since = NULL,
               *until = NULL;
    if (req_str(b, "name", &name, e) < 0 || req_str(b, "title", &title, e) < 0 ||
        req_str(b, "username", &username, e) < 0 || req_str(b, "enterprise", &enterprise, e) < 0 ||
        req_str(b, "since", &since, e) < 0 || req_str(b, "until", &until, e) < 0)
        return NULL;
    /* With an enterprise, the body links (or with "until", unlinks) an existing leader. */
    int rc;
    if (enterprise && until)
        rc = svc_leader_unlink(r->svc, &r->actor, name, enterprise, until, r->now, e);
    else if (enterprise)
        rc = svc_leader_link(r->svc, &r->actor, name, enterprise, since, r->now, e);
    else
        rc = svc_leader_add(r->svc, &r->actor, name, title, username, e);
    if (rc < 0)
        return NULL;
    r->status = enterprise ? 200 : 201;
    return svc_leader_json(r->svc, &r->actor, name, e);
}

json_t *enterprise_add(struct request *r, struct err *e)
{
    json_t *b = r->json;
    const char *name = NULL, *kind = "enterprise", *town = NULL, *address = NULL;
    const char *units[16];
    int nu;
    if (req_str(b, "name", &name, e) < 0 || req_str(b, "kind", &kind, e) < 0 ||
        req_str(b, "town", &town, e) < 0 || req_str(b, "address", &address, e) < 0 ||
        (nu = req_strs(b, "support_units", units, 16, e)) < 0)
        return NULL;
    if (!kind)
        kind = "enterprise";
    /* the enterprise and its support units in one transaction */
    if (store_begin(r->svc->st, e) < 0)
        return NULL;
    int rc = svc_enterprise_add(r->svc, &r->actor, name, kind, town, address, e);
    for (int i = 0; rc == 0 && i < nu; i++)
        rc = svc_support_add(r->svc, &r->actor, units[i], name, e);
    if (rc < 0 || store_commit(r->svc->st, e) < 0) {
        store_rollback(r->svc->st);
        return NULL;
    }
    r->status = 201;
    return json_pack("{s:s, s:s}", "name", name, "kind", kind);
}

json_t *visit_add(struct request *r, struct err *e)
{
    json_t *b = r->json;
    struct visit_req req;
    memset(&req, 0, sizeof(req));
    req.at = r->now;
    if (req_str(b, "leader", &req.leader, e) < 0 ||
        req_str(b, "enterprise", &req.enterprise, e) < 0 || req_str(b, "date", &req.date, e) < 0 ||
        req_str(b, "who", &req.who, e) < 0 || req_str(b, "place", &req.place, e) < 0 ||
        req_str(b, "findings", &req.findings, e) < 0)
        return NULL;
    json_t *ps = json_object_get(b, "problems"), *p;
    if (ps && !json_is_array(ps))
        return err_set(e, ERR_INVALID, "problems", "problems must be a list"), NULL;
    size_t i;
    json_array_foreach(ps, i, p)
    {
        if (i >= VISIT_MAX_PROBLEMS)
            return err_set(e, ERR_INVALID, "problems", "at most %d problems a visit",
                           VISIT_MAX_PROBLEMS),
                   NULL;
        struct visit_problem *vp = &req.problems[req.nproblems++];
        const char *as = "task";
        if (!json_is_object(p))
            return err_set(e, ERR_INVALID, "problems", "each problem is an object"), NULL;
        if (req_str(p, "text", &vp->text, e) < 0 || req_str(p, "as", &as, e) < 0 ||
            req_str(p, "unit", &vp->unit, e) < 0 || req_str(p, "due", &vp->due, e) < 0)
            return NULL;
        if (!as)
            as = "task";
        if (strcmp(as, "task") != 0 && strcmp(as, "appeal") != 0)
            return err_set(e, ERR_INVALID, "as",
                           "a problem becomes a 'task' or an 'appeal', "
                           "not '%s'",
                           as),
                   NULL;
        vp->as_appeal = !strcmp(as, "appeal");
    }
    struct visit_result res;
    if (svc_visit_add(r->svc, &r->actor, &req, &res, e) < 0)
        return NULL;
    r->status = 201;
    json_t *codes = json_array();
    for (int k = 0; k < req.nproblems; k++)
        json_array_append_new(codes, json_pack("{s:s, s:s}", "as",
                                               req.problems[k].as_appeal ? "appeal" : "task",
                                               "code", res.codes[k]));
    return json_pack("{s:I, s:o}", "visit_id", (json_int_t)res.visit_id, "problems", codes);
}

json_t *tasks_list(struct request *r, struct err *e)
{
    struct task_filter f = {.list = req_query(r, "list"),
                            .unit = req_query(r, "unit"),
                            .state = req_query(r, "state"),
                            .overdue = req_query_flag(r, "overdue"),
                            .as_of = r->now};
    return svc_task_list_json(r->svc, &r->actor, &f, e);
}

json_t *task_show(struct request *r, struct err *e)
{
    return svc_task_json(r->svc, &r->actor, r->arg[0], 1, r->now, e);
}

json_t *leaders_list(struct request *r, struct err *e)
{
    return svc_leaders_json(r->svc, &r->actor, e);
}

json_t *leader_compliance(struct request *r, struct err *e)
{
    return svc_compliance_json(r->svc, &r->actor, req_query(r, "leader"), req_query(r, "month"), e);
}

json_t *leader_show(struct request *r, struct err *e)
{
    return svc_leader_json(r->svc, &r->actor, r->arg[0], e);
}

json_t *enterprises_list(struct request *r, struct err *e)
{
    return svc_enterprises_json(r->svc, &r->actor, e);
}

json_t *visits_list(struct request *r, struct err *e)
{
    return svc_visits_json(r->svc, &r->actor, req_query(r, "leader"), req_query(r, "month"), e);
}
