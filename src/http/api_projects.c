/* api_projects.c -- projects (实事项目) and batches over HTTP. Every rule, including who may
 * do what, is the service's (service/project_svc.c); this file maps JSON to its requests.
 * Quantities travel as decimal strings ("10.47") or integers, never as JSON reals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "http/handlers.h"
#include "http/req.h"
#include "service/project.h"
#include "util/civil.h"

#include "util/banned.h"

/* A quantity field: a string as given, or an integer written out into buf. */
static int get_qty(json_t *o, const char *key, const char **out, char *buf, size_t size,
                   struct err *e)
{
    json_t *v = json_object_get(o, key);
    if (json_is_integer(v)) {
        snprintf(buf, size, "%lld", (long long)json_integer_value(v));
        *out = buf;
        return 0;
    }
    if (v && !json_is_null(v) && !json_is_string(v))
        return err_set(e, ERR_INVALID, key,
                       "%s must be a decimal string such as \"10.47\" or an integer", key);
    return req_str(o, key, out, e);
}

static int query_of(struct request *r, struct project_query *q, struct err *e)
{
    memset(q, 0, sizeof(*q));
    const char *s;
    long year, batch;
    if (req_query_int(r, "year", 2000, 2100, 0, &year, e) < 0 ||
        req_query_int(r, "batch", 1, 1000, 0, &batch, e) < 0)
        return -1;
    q->year = (int)year;
    q->batch = (int)batch;
    q->area = req_query(r, "area");
    q->unit = req_query(r, "unit");
    q->as_of = civil_site_date(r->now);
    if ((s = req_query(r, "month"))) {
        if (svc_bulletin_period(s, NULL, NULL, &q->first, &q->last, e) < 0)
            return -1;
        if (q->as_of > q->last)
            q->as_of = q->last;
    }
    return 0;
}

/* The project as GET /api/v1/projects/{code} shows it: every POST answers with it. */
static json_t *show(struct request *r, const char *code, struct err *e)
{
    struct project_query q;
    json_t *doc;
    if (query_of(r, &q, e) < 0 || svc_project_show_json(r->svc, &r->actor, code, &q, &doc, e) < 0)
        return NULL;
    return doc;
}

/* POST /api/v1/projects: 201 with the new project. */
json_t *project_add(struct request *r, struct err *e)
{
    json_t *b = r->json;
    struct project_req q;
    long long year = 0, batch = 0, weight = 0, hh = 0, people = 0;
    char bufs[4][32];
    memset(&q, 0, sizeof(q));
    if (req_str(b, "code", &q.code, e) < 0 || req_str(b, "title", &q.title, e) < 0 ||
        req_int(b, "year", 2000, 2100, &year, e) < 0 || req_str(b, "area", &q.area, e) < 0 ||
        req_str(b, "lead_unit", &q.lead_unit, e) < 0 || req_str(b, "leader", &q.leader, e) < 0 ||
        req_str(b, "measure", &q.measure, e) < 0 ||
        get_qty(b, "baseline", &q.baseline, bufs[0], sizeof(bufs[0]), e) < 0 ||
        get_qty(b, "target", &q.target, bufs[1], sizeof(bufs[1]), e) < 0 ||
        get_qty(b, "plan", &q.plan, bufs[2], sizeof(bufs[2]), e) < 0 ||
        get_qty(b, "budget", &q.budget, bufs[3], sizeof(bufs[3]), e) < 0 ||
        req_str(b, "start", &q.start, e) < 0 || req_str(b, "due", &q.due, e) < 0 ||
        req_int(b, "batch", 0, 1000, &batch, e) < 0 || req_str(b, "parent", &q.parent, e) < 0 ||
        req_int(b, "weight", 0, 1000000, &weight, e) < 0 ||
        req_int(b, "households", 0, 100000000, &hh, e) < 0 ||
        req_int(b, "people", 0, 100000000, &people, e) < 0 ||
        req_str(b, "beneficiaries", &q.beneficiaries, e) < 0 ||
        req_str(b, "description", &q.description, e) < 0)
        return NULL;
    if (!year)
        return err_set(e, ERR_INVALID, "year", "year is required"), NULL;
    q.n_assist = req_strs(b, "assist", q.assist, PROJECT_MAX_ASSIST, e);
    if (q.n_assist < 0)
        return NULL;
    q.year = (int)year;
    q.batch = (int)batch;
    q.weight = (int)weight;
    q.households = (long)hh;
    q.people = (long)people;
    q.at = r->now;
    char code[32];
    if (svc_project_add(r->svc, &r->actor, &q, NULL, code, e) < 0)
        return NULL;
    r->status = 201;
    return show(r, code, e);
}

/* GET /api/v1/projects/{code}[?month=YYYY-MM] */
json_t *project_show(struct request *r, struct err *e)
{
    return show(r, r->arg[0], e);
}

/* POST /api/v1/projects/{code}/progress {"on","value","note","evidence"} */
json_t *project_progress(struct request *r, struct err *e)
{
    const char *on, *value, *note, *evidence;
    char buf[32];
    if (req_str(r->json, "on", &on, e) < 0 ||
        get_qty(r->json, "value", &value, buf, sizeof(buf), e) < 0 ||
        req_str(r->json, "note", &note, e) < 0 || req_str(r->json, "evidence", &evidence, e) < 0)
        return NULL;
    struct progress_req q = {r->arg[0], on, value, note, evidence, r->now};
    if (svc_project_progress(r->svc, &r->actor, &q, e) < 0)
        return NULL;
    return show(r, r->arg[0], e);
}

/* POST /api/v1/projects/{code}/finish {"on"} */
json_t *project_finish(struct request *r, struct err *e)
{
    const char *on;
    if (req_str(r->json, "on", &on, e) < 0 ||
        svc_project_finish(r->svc, &r->actor, r->arg[0], on, r->now, e) < 0)
        return NULL;
    return show(r, r->arg[0], e);
}

/* POST /api/v1/projects/{code}/milestones {"name","due","value"} */
json_t *project_milestone_add(struct request *r, struct err *e)
{
    const char *on, *name, *due, *value;
    char buf[32];
    if (req_str(r->json, "on", &on, e) < 0 || req_str(r->json, "name", &name, e) < 0 ||
        req_str(r->json, "due", &due, e) < 0 ||
        get_qty(r->json, "value", &value, buf, sizeof(buf), e) < 0 ||
        svc_project_milestone_add(r->svc, &r->actor, r->arg[0], name, due, value, r->now, NULL, e) <
            0)
        return NULL;
    return show(r, r->arg[0], e);
}

/* POST /api/v1/projects/{code}/milestones/{seq}/done {"on"} */
json_t *project_milestone_done(struct request *r, struct err *e)
{
    const char *on;
    long seq;
    if (req_str(r->json, "on", &on, e) < 0)
        return NULL;
    if (text_whole(r->arg[1], 1, 100000, &seq) < 0)
        return err_set(e, ERR_INVALID, "seq", "bad milestone number '%s'", r->arg[1]), NULL;
    if (svc_project_milestone_done(r->svc, &r->actor, r->arg[0], (int)seq, on, r->now, e) < 0)
        return NULL;
    return show(r, r->arg[0], e);
}

/* POST /api/v1/projects/{code}/links {"appeal","kind"} */
json_t *project_link(struct request *r, struct err *e)
{
    const char *on, *appeal, *kind;
    if (req_str(r->json, "on", &on, e) < 0 || req_str(r->json, "appeal", &appeal, e) < 0 ||
        req_str(r->json, "kind", &kind, e) < 0 ||
        svc_project_link(r->svc, &r->actor, r->arg[0], appeal, kind, r->now, e) < 0)
        return NULL;
    return show(r, r->arg[0], e);
}

/* GET /api/v1/batches[?year=] */
json_t *batches_list(struct request *r, struct err *e)
{
    struct project_query q;
    json_t *doc;
    if (query_of(r, &q, e) < 0 || svc_batch_list_json(r->svc, &r->actor, q.year, &doc, e) < 0)
        return NULL;
    return json_pack("{s:o}", "items", doc);
}

/* POST /api/v1/batches {"year","number","assigned_on","name"}: 201. */
json_t *batch_add(struct request *r, struct err *e)
{
    long long year = 0, number = 0;
    const char *on = NULL, *name = NULL;
    if (req_int(r->json, "year", 2000, 2100, &year, e) < 0 ||
        req_int(r->json, "number", 1, 1000, &number, e) < 0 ||
        req_str(r->json, "assigned_on", &on, e) < 0 || req_str(r->json, "name", &name, e) < 0 ||
        svc_batch_add(r->svc, &r->actor, (int)year, (int)number, on, name, NULL, e) < 0)
        return NULL;
    r->status = 201;
    return json_pack("{s:I, s:I}", "year", (json_int_t)year, "number", (json_int_t)number);
}

/* GET /api/v1/projects?year=&batch=&area=&unit=&month= */
json_t *projects_list(struct request *r, struct err *e)
{
    struct project_query q;
    json_t *doc;
    if (query_of(r, &q, e) < 0 || svc_project_list_json(r->svc, &r->actor, &q, &doc, e) < 0)
        return NULL;
    return doc;
}
