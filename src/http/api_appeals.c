/* api_appeals.c -- appeals (诉求) over HTTP: list, register, show, and every workflow action.
 * Who may read or act, and what each action does, is the service's and the core's
 * (core/appeal.c's transitions, core/policy.c's table); this file maps JSON to requests. */
#include <stdlib.h>
#include <string.h>

#include "http/handlers.h"
#include "http/req.h"
#include "service/view.h"

#include "util/banned.h"

/* GET /api/v1/appeals: one page of the appeals the caller may read that match the filters. */
json_t *appeals_list(struct request *r, struct err *e)
{
    struct list_req q;
    memset(&q, 0, sizeof(q));
    q.state = req_query(r, "status");
    q.unit = req_query(r, "unit");
    q.area = req_query(r, "area");
    q.channel = req_query(r, "channel");
    q.from = req_query(r, "from");
    q.to = req_query(r, "to");
    q.sort = req_query(r, "sort");
    q.q = req_query(r, "q");
    q.now = r->now;
    q.overdue = req_query_flag(r, "overdue");
    q.due_soon = req_query_flag(r, "due_soon");
    q.ext_pending = req_query_flag(r, "ext_pending");
    q.suspect = req_query_flag(r, "suspect");
    long limit, offset;
    if (req_query_int(r, "limit", 1, 500, 50, &limit, e) < 0 ||
        req_query_int(r, "cursor", 0, 100000000, 0, &offset, e) < 0)
        return NULL;
    q.limit = (int)limit;
    q.offset = (int)offset;
    struct appeal_list lst;
    if (svc_list(r->svc, &r->actor, &q, &lst, e) < 0)
        return NULL;
    json_t *doc =
        svc_appeal_list_doc(r->svc, &r->actor, &lst, (int)offset, UNMASK_NO, r->now, e);
    appeal_list_release(&lst);
    return doc;
}

/* POST /api/v1/appeals: registers (受理) an appeal; 201 with it. */
json_t *appeal_register(struct request *r, struct err *e)
{
    json_t *b = r->json;
    struct register_req q;
    memset(&q, 0, sizeof(q));
    if (req_str(b, "title", &q.title, e) < 0 || req_str(b, "content", &q.content, e) < 0 ||
        req_str(b, "channel", &q.channel, e) < 0 || req_str(b, "kind", &q.kind, e) < 0 ||
        req_str(b, "urgency", &q.urgency, e) < 0 || req_str(b, "area", &q.area, e) < 0 ||
        req_str(b, "citizen_name", &q.citizen_name, e) < 0 ||
        req_str(b, "phone", &q.phone, e) < 0 || req_str(b, "id_number", &q.id_number, e) < 0 ||
        req_str(b, "address", &q.address, e) < 0)
        return NULL;
    if (!q.kind)
        return err_set(e, ERR_INVALID, "kind", "kind is required (咨询 求助 投诉 举报 建议)"), NULL;
    q.at = r->now;
    struct appeal a;
    struct dup_list d;
    if (svc_register_checked(r->svc, &r->actor, &q, &a, &d, e) < 0)
        return NULL;
    json_t *doc = svc_appeal_doc(r->svc, &r->actor, &a, NULL, UNMASK_NO, r->now, e);
    if (doc)
        json_object_set_new(doc, "duplicates", svc_duplicates_json(&d));
    appeal_release(&a);
    r->status = 201;
    return doc;
}

/* GET /api/v1/appeals/{code}: the appeal with its history. */
json_t *appeal_show(struct request *r, struct err *e)
{
    struct appeal a;
    struct event_list h;
    if (svc_show(r->svc, &r->actor, r->arg[0], &a, &h, e) < 0)
        return NULL;
    json_t *doc = svc_appeal_doc(r->svc, &r->actor, &a, &h, UNMASK_NO, r->now, e);
    appeal_release(&a);
    event_list_release(&h);
    return doc;
}

/* POST /api/v1/appeals/{code}/disclose: the appeal with its personal data in full
 * (查看完整号码), for one the policy lets see it; the disclosure is recorded on the chain. Every
 * other answer masks them. */
json_t *appeal_disclose(struct request *r, struct err *e)
{
    struct appeal a;
    struct event_list h;
    if (svc_disclose(r->svc, &r->actor, r->arg[0], r->now, &a, &h, e) < 0)
        return NULL;
    json_t *doc = svc_appeal_doc(r->svc, &r->actor, &a, &h, UNMASK_OR_REFUSE, r->now, e);
    appeal_release(&a);
    event_list_release(&h);
    return doc;
}

/* GET /api/v1/appeals/{code}/duplicates: its likely duplicates (疑似重复), best first. */
json_t *appeal_duplicates(struct request *r, struct err *e)
{
    struct dup_list d;
    return svc_duplicates_doc(r->svc, &r->actor, r->arg[0], &d, e);
}

/* GET /api/v1/hotspots?from=&to=&top=: hot spots (热点) of the period, best first. */
json_t *appeal_hotspots(struct request *r, struct err *e)
{
    size_t top;
    struct hotspots h;
    if (svc_hotspots_top(req_query(r, "top"), &top, e) < 0 ||
        svc_hotspots(r->svc, &r->actor, req_query(r, "from"), req_query(r, "to"), &h, e) < 0)
        return NULL;
    json_t *doc = svc_hotspots_json(&h, top);
    svc_hotspots_release(&h);
    return doc;
}

/* POST /api/v1/appeals/{code}/{action}: one step of the workflow; the action names are the
 * core's (action_parse), the members those the actions take. */
json_t *appeal_act(struct request *r, struct err *e)
{
    const char *code = r->arg[0], *action = r->arg[1];
    json_t *b = r->json;
    struct act_req q;
    memset(&q, 0, sizeof(q));
    q.type = !strcmp(action, "extend-approve") ? ACT_EXTEND_APPROVE
             : !strcmp(action, "extend-deny")  ? ACT_EXTEND_DENY
                                               : action_parse(action);
    if (q.type == ACT_NONE || q.type == ACT_REGISTER)
        return err_set(e, ERR_NOT_FOUND, "action", "no action '%s'", action), NULL;
    long long version, days, hours;
    if (req_int(b, "version", 1, 1LL << 40, &version, e) < 0 ||
        req_int(b, "days", 1, 3660, &days, e) < 0 || req_int(b, "hours", 1, 8760, &hours, e) < 0 ||
        req_str(b, "unit", &q.unit, e) < 0 || req_str(b, "reason", &q.reason, e) < 0 ||
        req_str(b, "text", &q.text, e) < 0 || req_str(b, "record", &q.record, e) < 0 ||
        req_str(b, "note", &q.note, e) < 0 || req_str(b, "solved", &q.solved, e) < 0 ||
        req_str(b, "satisfaction", &q.satisfaction, e) < 0 || req_str(b, "into", &q.into, e) < 0 ||
        req_bool(b, "complex", &q.complex, e) < 0 || req_bool(b, "no_redo", &q.no_redo, e) < 0 ||
        (q.n_assist = req_strs(b, "assist", q.assist, APPEAL_MAX_ASSIST, e)) < 0 ||
        (q.n_evidence = req_strs(b, "evidence", q.evidence, APPEAL_MAX_EVIDENCE, e)) < 0)
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
    json_t *doc = svc_appeal_doc(r->svc, &r->actor, &a, NULL, UNMASK_NO, r->now, e);
    appeal_release(&a);
    return doc;
}
