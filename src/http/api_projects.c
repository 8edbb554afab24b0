/* api_projects.c -- projects (实事项目) and batches over HTTP. Every rule, including who may
 * do what, is the service's (service/project_svc.c); this file maps JSON to its requests.
 * Quantities travel as decimal strings ("10.47") or integers, never as JSON reals. */
#include "http/api_projects.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/api_util.h"
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
    return get_str(o, key, out, e);
}

static int query_of(struct request *r, struct project_query *q, struct err *e)
{
    memset(q, 0, sizeof(*q));
    const char *s;
    char *end;
    if ((s = query(r, "year"))) {
        long v = strtol(s, &end, 10);
        if (*end || v < 2000 || v > 2100)
            return err_set(e, ERR_INVALID, "year", "bad year '%s'", s);
        q->year = (int)v;
    }
    if ((s = query(r, "batch"))) {
        long v = strtol(s, &end, 10);
        if (*end || v < 1 || v > 1000)
            return err_set(e, ERR_INVALID, "batch", "bad batch '%s'", s);
        q->batch = (int)v;
    }
    q->area = query(r, "area");
    q->unit = query(r, "unit");
    q->as_of = civil_site_date(r->now);
    if ((s = query(r, "month"))) {
        if (svc_bulletin_period(s, NULL, NULL, &q->first, &q->last, e) < 0)
            return -1;
        if (q->as_of > q->last)
            q->as_of = q->last;
    }
    return 0;
}

static json_t *show(struct request *r, const char *code, struct err *e)
{
    struct project_query q;
    json_t *doc;
    if (query_of(r, &q, e) < 0 || svc_project_show_json(r->svc, &r->actor, code, &q, &doc, e) < 0)
        return NULL;
    return doc;
}

static json_t *add(struct request *r, json_t *b, struct err *e)
{
    struct project_req q;
    long long year = 0, batch = 0, weight = 0, hh = 0, people = 0;
    char bufs[4][32];
    memset(&q, 0, sizeof(q));
    if (get_str(b, "code", &q.code, e) < 0 || get_str(b, "title", &q.title, e) < 0 ||
        get_int(b, "year", 2000, 2100, &year, e) < 0 || get_str(b, "area", &q.area, e) < 0 ||
        get_str(b, "lead_unit", &q.lead_unit, e) < 0 || get_str(b, "leader", &q.leader, e) < 0 ||
        get_str(b, "measure", &q.measure, e) < 0 ||
        get_qty(b, "baseline", &q.baseline, bufs[0], sizeof(bufs[0]), e) < 0 ||
        get_qty(b, "target", &q.target, bufs[1], sizeof(bufs[1]), e) < 0 ||
        get_qty(b, "plan", &q.plan, bufs[2], sizeof(bufs[2]), e) < 0 ||
        get_qty(b, "budget", &q.budget, bufs[3], sizeof(bufs[3]), e) < 0 ||
        get_str(b, "start", &q.start, e) < 0 || get_str(b, "due", &q.due, e) < 0 ||
        get_int(b, "batch", 0, 1000, &batch, e) < 0 || get_str(b, "parent", &q.parent, e) < 0 ||
        get_int(b, "weight", 0, 1000000, &weight, e) < 0 ||
        get_int(b, "households", 0, 100000000, &hh, e) < 0 ||
        get_int(b, "people", 0, 100000000, &people, e) < 0 ||
        get_str(b, "beneficiaries", &q.beneficiaries, e) < 0 ||
        get_str(b, "description", &q.description, e) < 0)
        return NULL;
    if (!year)
        return err_set(e, ERR_INVALID, "year", "year is required"), NULL;
    q.n_assist = get_strs(b, "assist", q.assist, PROJECT_MAX_ASSIST, e);
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

static json_t *act(struct request *r, const char *code, char **seg, int n, json_t *b, struct err *e)
{
    const char *what = seg[4];
    const char *on = NULL, *s1 = NULL, *s2 = NULL, *s3 = NULL;
    char buf[32];
    int rc;
    if (get_str(b, "on", &on, e) < 0)
        return NULL;
    if (n == 5 && is(what, "progress")) {
        if (get_qty(b, "value", &s1, buf, sizeof(buf), e) < 0 || get_str(b, "note", &s2, e) < 0 ||
            get_str(b, "evidence", &s3, e) < 0)
            return NULL;
        struct progress_req q = {code, on, s1, s2, s3, r->now};
        rc = svc_project_progress(r->svc, &r->actor, &q, e);
    } else if (n == 5 && is(what, "finish")) {
        rc = svc_project_finish(r->svc, &r->actor, code, on, r->now, e);
    } else if (n == 5 && is(what, "milestones")) {
        if (get_str(b, "name", &s1, e) < 0 || get_str(b, "due", &s2, e) < 0 ||
            get_qty(b, "value", &s3, buf, sizeof(buf), e) < 0)
            return NULL;
        rc = svc_project_milestone_add(r->svc, &r->actor, code, s1, s2, s3, r->now, NULL, e);
    } else if (n == 7 && is(what, "milestones") && is(seg[6], "done")) {
        char *end;
        long seq = strtol(seg[5], &end, 10);
        if (*end || seq < 1 || seq > 100000)
            return err_set(e, ERR_INVALID, "seq", "bad milestone number '%s'", seg[5]), NULL;
        rc = svc_project_milestone_done(r->svc, &r->actor, code, (int)seq, on, r->now, e);
    } else if (n == 5 && is(what, "links")) {
        if (get_str(b, "appeal", &s1, e) < 0 || get_str(b, "kind", &s2, e) < 0)
            return NULL;
        rc = svc_project_link(r->svc, &r->actor, code, s1, s2, r->now, e);
    } else {
        return err_set(e, ERR_NOT_FOUND, "path", "no such endpoint: %s %s", r->method, r->path),
               NULL;
    }
    return rc < 0 ? NULL : show(r, code, e);
}

static json_t *batches(struct request *r, int post, struct err *e)
{
    json_t *doc = NULL;
    if (post) {
        json_t *b = body_object(r, e);
        long long year = 0, number = 0;
        const char *on = NULL, *name = NULL;
        if (!b)
            return NULL;
        if (get_int(b, "year", 2000, 2100, &year, e) == 0 &&
            get_int(b, "number", 1, 1000, &number, e) == 0 &&
            get_str(b, "assigned_on", &on, e) == 0 && get_str(b, "name", &name, e) == 0 &&
            svc_batch_add(r->svc, &r->actor, (int)year, (int)number, on, name, NULL, e) == 0) {
            r->status = 201;
            doc = json_pack("{s:I, s:I}", "year", (json_int_t)year, "number", (json_int_t)number);
        }
        json_decref(b);
        return doc;
    }
    struct project_query q;
    if (query_of(r, &q, e) < 0 || svc_batch_list_json(r->svc, &r->actor, q.year, &doc, e) < 0)
        return NULL;
    return json_pack("{s:o}", "items", doc);
}

json_t *api_projects(struct request *r, char **seg, int n, struct err *e)
{
    int get = is(r->method, "GET"), post = is(r->method, "POST");
    if (is(seg[2], "batches") && n == 3 && (get || post))
        return batches(r, post, e);
    if (is(seg[2], "projects")) {
        if (n == 3 && get) {
            struct project_query q;
            json_t *doc;
            if (query_of(r, &q, e) < 0 || svc_project_list_json(r->svc, &r->actor, &q, &doc, e) < 0)
                return NULL;
            return doc;
        }
        if (n == 4 && get)
            return show(r, seg[3], e);
        if ((n == 3 || n >= 5) && post) {
            json_t *b = body_object(r, e);
            if (!b)
                return NULL;
            json_t *doc = n == 3 ? add(r, b, e) : act(r, seg[3], seg, n, b, e);
            json_decref(b);
            return doc;
        }
    }
    return err_set(e, ERR_NOT_FOUND, "path", "no such endpoint: %s %s", r->method, r->path), NULL;
}
