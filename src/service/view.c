/* view.c -- names for ids and JSON views (see view.h). */
#include "service/view.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/mask.h"
#include "core/policy.h"
#include "util/civil.h"
#include "util/xalloc.h"

#include "util/banned.h"

static void *dup_array(const void *src, size_t n, size_t size)
{
    void *p = xmalloc(n * size);
    if (n)
        memcpy(p, src, n * size);
    return p;
}

static void names_copy(struct names *dst, const struct names *src)
{
    dst->units = dup_array(src->units, src->nunits, sizeof(*src->units));
    dst->areas = dup_array(src->areas, src->nareas, sizeof(*src->areas));
    dst->channels = dup_array(src->channels, src->nchannels, sizeof(*src->channels));
    dst->nunits = src->nunits;
    dst->nareas = src->nareas;
    dst->nchannels = src->nchannels;
}

/* Reading three tables for every request was a third of the time of a GET: the names
 * are cached per service and reloaded only when the org_version counter moved. */
const struct names *names_cached(struct service *svc, struct err *e)
{
    int64_t version;
    if (store_counter_peek(svc->st, ORG_VERSION, &version, e) < 0)
        return NULL;
    if (!svc->names || svc->names_version != version) {
        struct names fresh;
        memset(&fresh, 0, sizeof(fresh));
        if (store_unit_list(svc->st, &fresh.units, &fresh.nunits, e) < 0 ||
            store_ref_list(svc->st, REF_AREA, &fresh.areas, &fresh.nareas, e) < 0 ||
            store_ref_list(svc->st, REF_CHANNEL, &fresh.channels, &fresh.nchannels, e) < 0) {
            names_release(&fresh);
            return NULL;
        }
        if (!svc->names)
            svc->names = xcalloc(1, sizeof(*svc->names));
        names_release(svc->names);
        *svc->names = fresh;
        svc->names_version = version;
    }
    return svc->names;
}

int names_load(struct service *svc, struct names *n, struct err *e)
{
    memset(n, 0, sizeof(*n));
    const struct names *c = names_cached(svc, e);
    if (!c)
        return -1;
    names_copy(n, c);
    return 0;
}

void names_release(struct names *n)
{
    free(n->units);
    free(n->areas);
    free(n->channels);
    memset(n, 0, sizeof(*n));
}

const struct unit *names_unit_get(const struct names *n, int64_t id)
{
    struct unit_tree t = {n->units, n->nunits};
    return unit_tree_get(&t, id);
}

const char *names_unit(const struct names *n, int64_t id)
{
    const struct unit *u = names_unit_get(n, id);
    return u ? u->name : "";
}

static const char *ref_name(const struct ref *r, size_t count, int64_t id)
{
    for (size_t i = 0; i < count; i++)
        if (r[i].id == id)
            return r[i].name;
    return "";
}

const char *names_area(const struct names *n, int64_t id)
{
    return ref_name(n->areas, n->nareas, id);
}

const char *names_channel(const struct names *n, int64_t id)
{
    return ref_name(n->channels, n->nchannels, id);
}

json_t *view_time(int64_t t)
{
    if (!t)
        return json_null();
    char iso[26];
    civil_format_instant(t, iso);
    return json_string(iso);
}

static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static json_t *masked(const char *s, void (*mask)(const char *, char *, size_t), int unmask)
{
    if (!s || !*s)
        return json_null();
    if (unmask)
        return json_string(s);
    char out[256];
    mask(s, out, sizeof(out));
    return json_string(out);
}

json_t *view_appeal(const struct names *n, const struct appeal *a, int unmask, int64_t now)
{
    json_t *o = json_object();
    json_object_set_new(o, "code", json_string(a->code));
    json_object_set_new(o, "id", json_integer(a->id));
    json_object_set_new(o, "version", json_integer(a->version));
    json_object_set_new(o, "status", json_string(state_code(a->state)));
    json_object_set_new(o, "status_label", json_string(state_label(a->state)));
    json_object_set_new(o, "title", str_or_null(a->title));
    json_object_set_new(o, "content", str_or_null(a->content));
    json_object_set_new(o, "kind", json_string(kind_label(a->kind)));
    json_object_set_new(o, "urgency", json_string(urgency_label(a->urgency)));
    json_object_set_new(o, "channel", json_string(names_channel(n, a->channel_id)));
    json_object_set_new(o, "area", str_or_null(names_area(n, a->area_id)));
    json_object_set_new(o, "citizen_name", masked(a->citizen_name, mask_name, unmask));
    json_object_set_new(o, "phone", masked(a->phone, mask_phone, unmask));
    json_object_set_new(o, "id_number", masked(a->id_number, mask_id_number, unmask));
    json_object_set_new(o, "address", masked(a->address, mask_address, unmask));
    json_object_set_new(o, "lead_unit", str_or_null(a->lead_unit_id ? names_unit(n, a->lead_unit_id)
                                                                     : NULL));
    json_t *assist = json_array();
    for (int i = 0; i < a->n_assist; i++)
        json_array_append_new(assist, json_string(names_unit(n, a->assist[i])));
    json_object_set_new(o, "assist_units", assist);
    json_object_set_new(o, "received_at", view_time(a->received_at));
    json_object_set_new(o, "dispatched_at", view_time(a->dispatched_at));
    json_object_set_new(o, "sign_deadline", view_time(a->sign_deadline));
    json_object_set_new(o, "accepted_at", view_time(a->accepted_at));
    json_object_set_new(o, "contacted_at", view_time(a->contacted_at));
    json_object_set_new(o, "deadline", view_time(a->deadline));
    json_object_set_new(o, "replied_at", view_time(a->replied_at));
    json_object_set_new(o, "visited_at", view_time(a->visited_at));
    json_object_set_new(o, "closed_at", view_time(a->closed_at));
    json_object_set_new(o, "extension_requested", view_time(a->ext_requested));
    json_object_set_new(o, "extensions", json_integer(a->ext_count));
    json_object_set_new(o, "urge_count", json_integer(a->urge_count));
    json_object_set_new(o, "supervise_level", json_integer(a->supervise_level));
    json_object_set_new(o, "redo_count", json_integer(a->redo_count));
    json_object_set_new(o, "return_count", json_integer(a->return_count));
    json_object_set_new(o, "overdue", json_boolean(appeal_is_overdue(a, now)));
    json_object_set_new(o, "reply", str_or_null(a->reply_text));
    json_object_set_new(o, "visit_solved", str_or_null(solved_label(a->visit_solved)));
    json_object_set_new(o, "visit_satisfaction",
                        str_or_null(satisfaction_label(a->visit_satisfaction)));
    json_object_set_new(o, "merged_into", a->merged_into ? json_integer(a->merged_into)
                                                         : json_null());
    return o;
}

json_t *view_event(const struct event *ev)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(ev->id));
    json_object_set_new(o, "seq", json_integer(ev->seq));
    json_object_set_new(o, "at", view_time(ev->at));
    json_object_set_new(o, "actor", json_string(ev->actor));
    json_object_set_new(o, "action", json_string(ev->action));
    json_object_set_new(o, "action_label", json_string(action_label(action_parse(ev->action))));
    json_object_set_new(o, "from", json_string(state_code(ev->from_state)));
    json_object_set_new(o, "to", json_string(state_code(ev->to_state)));
    json_t *d = json_loads(ev->details ? ev->details : "{}", 0, NULL);
    json_object_set_new(o, "details", d ? d : json_object());
    json_object_set_new(o, "hash", json_string(ev->hash));
    return o;
}

static json_t *pct(double r)
{
    if (r < 0)
        return json_null();
    return json_real(round(r * 100.0) / 100.0);
}

/* The figures of one group: counts, then every rate (null when its denominator is 0). */
static void tally_fields(json_t *o, const struct tally *t, const struct ruleset *rs)
{
    json_object_set_new(o, "received", json_integer(t->received));
    json_object_set_new(o, "eligible", json_integer(t->eligible));
    json_object_set_new(o, "replied", json_integer(tally_count(t, FIG_REPLY)));
    json_object_set_new(o, "reply_rate", pct(tally_rate(t, FIG_REPLY)));
    json_object_set_new(o, "due", json_integer(t->den[FIG_TIMELY]));
    json_object_set_new(o, "timely", json_integer(tally_count(t, FIG_TIMELY)));
    json_object_set_new(o, "timely_rate", pct(tally_rate(t, FIG_TIMELY)));
    json_object_set_new(o, "signed_due", json_integer(t->den[FIG_SIGN]));
    json_object_set_new(o, "signed_in_time", json_integer(tally_count(t, FIG_SIGN)));
    json_object_set_new(o, "sign_rate", pct(tally_rate(t, FIG_SIGN)));
    json_object_set_new(o, "responded", json_integer(tally_count(t, FIG_RESPONSE)));
    json_object_set_new(o, "response_rate", pct(tally_rate(t, FIG_RESPONSE)));
    json_object_set_new(o, "visited", json_integer(t->den[FIG_RESOLUTION]));
    json_object_set_new(o, "resolution_rate", pct(tally_rate(t, FIG_RESOLUTION)));
    json_object_set_new(o, "rated", json_integer(t->den[FIG_SATISFACTION]));
    json_object_set_new(o, "satisfaction_rate", pct(tally_rate(t, FIG_SATISFACTION)));
    json_object_set_new(o, "score", pct(tally_score(t, rs)));
    json_object_set_new(o, "overdue", json_integer(t->overdue));
}

static json_t *tally_list(const struct tally_set *s, const struct names *n,
                          const struct ruleset *rs,
                          const char *(*name)(const struct names *, int64_t), const char *none)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < s->n; i++) {
        json_t *o = json_object();
        const char *nm = name(n, s->items[i].key);
        json_object_set_new(o, "name", json_string(nm && *nm ? nm : none));
        tally_fields(o, &s->items[i], rs);
        json_array_append_new(arr, o);
    }
    return arr;
}

json_t *view_report(const struct names *n, const struct report *r)
{
    json_t *o = json_object();
    char from[11], to[11];
    civil_format_date(r->from_day, from);
    civil_format_date(r->to_day, to);
    json_object_set_new(o, "from", json_string(from));
    json_object_set_new(o, "to", json_string(to));
    json_object_set_new(o, "as_of", view_time(r->as_of));
    json_object_set_new(o, "rules_version", json_integer(r->rules.version));
    json_object_set_new(o, "rules_name", json_string(r->rules.name));
    tally_fields(o, &r->total, &r->rules);
    json_t *st = json_object();
    for (int s = 1; s < ST_COUNT_; s++)
        json_object_set_new(st, state_code(s), json_integer(r->by_state[s]));
    json_object_set_new(o, "by_status", st);
    json_object_set_new(o, "by_area", tally_list(&r->by_area, n, &r->rules, names_area,
                                                 "(未分类)"));
    json_object_set_new(o, "by_unit", tally_list(&r->by_unit, n, &r->rules, names_unit,
                                                 "(未分类)"));
    json_object_set_new(o, "by_channel", tally_list(&r->by_channel, n, &r->rules,
                                                    names_channel, "(未知)"));
    json_object_set_new(o, "by_town", tally_list(&r->by_town, n, &r->rules, names_unit,
                                                 "区直部门"));
    return o;
}

json_t *view_ruleset(const struct ruleset *rs)
{
    json_t *o = ruleset_to_json(rs);
    json_object_set_new(o, "version", json_integer(rs->version));
    json_object_set_new(o, "created_at", view_time(rs->created_at));
    return o;
}

json_t *view_explain(const struct explain *x)
{
    json_t *o = json_object(), *num = json_array(), *den = json_array(), *part = json_object();
    json_object_set_new(o, "figure", json_string(x->figure < 0 ? "overdue"
                                                                : figure_code(x->figure)));
    json_object_set_new(o, "rules_version", json_integer(x->rules.version));
    /* Counted in the figure, not listed: appeals outside what the reader may read. */
    if (x->hidden)
        json_object_set_new(o, "hidden_appeals", json_integer(x->hidden));
    for (size_t i = 0; i < x->n; i++) {
        const struct explain_item *it = &x->items[i];
        json_array_append_new(den, json_string(it->code));
        if (it->share > 0)
            json_array_append_new(num, json_string(it->code));
        if (it->share > 0 && it->share < 100)
            json_object_set_new(part, it->code, json_integer(it->share));
    }
    if (x->figure < 0) {
        json_object_set_new(o, "count", json_integer((json_int_t)x->n));
        json_object_set_new(o, "appeals", den);
        json_decref(num);
        json_decref(part);
        return o;
    }
    json_object_set_new(o, "numerator", json_real((double)x->num / 100.0));
    json_object_set_new(o, "denominator", json_integer(x->den));
    json_object_set_new(o, "rate", pct(report_rate(x->num, x->den * 100)));
    json_object_set_new(o, "numerator_appeals", num);
    json_object_set_new(o, "denominator_appeals", den);
    json_object_set_new(o, "partial_shares", part);
    return o;
}

json_t *view_public_appeal(const struct appeal *a, const struct event_list *hist)
{
    json_t *doc = json_object();
    json_object_set_new(doc, "code", json_string(a->code));
    json_object_set_new(doc, "status", json_string(state_code(a->state)));
    json_object_set_new(doc, "status_label", json_string(state_label(a->state)));
    json_object_set_new(doc, "title", json_string(a->title ? a->title : ""));
    json_object_set_new(doc, "received_at", view_time(a->received_at));
    json_object_set_new(doc, "replied_at", view_time(a->replied_at));
    json_object_set_new(doc, "reply", a->reply_text ? json_string(a->reply_text) : json_null());
    json_t *tl = json_array();
    for (size_t i = 0; hist && i < hist->n; i++)
        json_array_append_new(tl, json_pack("{s:s, s:o}", "label",
                                            action_label(action_parse(hist->items[i].action)),
                                            "at", view_time(hist->items[i].at)));
    json_object_set_new(doc, "timeline", tl);
    return doc;
}
