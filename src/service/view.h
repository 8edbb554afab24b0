/* view.h -- what interfaces show of the data: names for ids, and JSON views of appeals,
 * events and reports shared by the CLI and the HTTP API. Personal data is masked unless
 * the caller says the reader is entitled to it. */
#ifndef SHISHI_VIEW_H
#define SHISHI_VIEW_H

#include <jansson.h>

#include "service/rules_json.h"
#include "service/service.h"

/* Names of units, areas and channels, loaded once. */
struct names {
    struct unit *units;
    size_t nunits;
    struct ref *areas, *channels;
    size_t nareas, nchannels;
};

int names_load(struct service *svc, struct names *n, struct err *e);
void names_release(struct names *n);
const char *names_unit(const struct names *n, int64_t id);    /* "" when unknown */
const struct unit *names_unit_get(const struct names *n, int64_t id); /* NULL when unknown */
const char *names_area(const struct names *n, int64_t id);    /* "" when none */
const char *names_channel(const struct names *n, int64_t id); /* "" when unknown */

/* The service's cache of names, refreshed when the organisation changed; NULL with e on a
 * failure. Valid until the next call. */
const struct names *names_cached(struct service *svc, struct err *e);

/* An ISO 8601 time string, or JSON null for 0. */
json_t *view_time(int64_t t);
/* The appeal as JSON; `unmask` shows phone, ID number and name in full. New reference. */
json_t *view_appeal(const struct names *n, const struct appeal *a, int unmask, int64_t now);
/* One event; details parsed back into an object. New reference. */
json_t *view_event(const struct event *ev);
/* The report of report.h as JSON, rates as percentages with two decimals (null: no value). */
json_t *view_report(const struct names *n, const struct report *r);
json_t *view_explain(const struct explain *x);
/* A stored rule set version: its complete JSON with version and created_at. */
json_t *view_ruleset(const struct ruleset *rs);

/* How much of the citizen's personal data an appeal document shows. */
enum unmask { UNMASK_NO = 0, UNMASK_IF_ALLOWED, UNMASK_OR_REFUSE };
/* The appeal as `who` may see it (view_appeal), with its history when given, its projects,
 * and `allowed_actions`: the actions (as the API names them) `who` may take on it now.
 * UNMASK_OR_REFUSE refuses (ERR_FORBIDDEN) a reader who may not see the personal data. */
json_t *svc_appeal_doc(struct service *svc, const struct actor *who, const struct appeal *a,
                       const struct event_list *hist, int unmask, int64_t now, struct err *e);
/* A page of appeals as {total, items, next_cursor}: each item as svc_appeal_doc's, without
 * history, projects and actions; `offset` is where the page began. */
json_t *svc_appeal_list_doc(struct service *svc, const struct actor *who,
                            const struct appeal_list *l, int offset, int unmask, int64_t now,
                            struct err *e);

/* What `who` may do at all, from the policy table: ["appeal.read", "appeal.dispatch", ...]
 * (a scope may still narrow it per target; allowed_actions answers per appeal). */
json_t *svc_permissions_json(const struct actor *who);
/* svc_duplicates()'s list: code, title, state, received_at, score, jaccard, level, reasons
 * [{code, label}], merged. No personal data. */
json_t *svc_duplicates_json(const struct dup_list *l);
/* {code, window_days, duplicates} of appeal `code`, the list also into *out. */
json_t *svc_duplicates_doc(struct service *svc, const struct actor *who, const char *code,
                           struct dup_list *out, struct err *e);
/* {groups, alerts, alert_score, hotspots}: how many groups and how many score alert_score or
 * more (热点预警), and the `top` best, each with `alert`: rank, score, title (the representative's), place, first, last,
 * appeals, callers, previous, trend, likes, dislikes, codes (of the period). */
json_t *svc_hotspots_json(const struct hotspots *h, size_t top);
/* {unit: [{name, confidence}...3], area: [...]}: the models' likeliest answers for an appeal
 * `who` may dispatch; NULL when `who` may not, or nothing was ever learnt. */
json_t *svc_suggest_json(struct service *svc, const struct actor *who, const struct appeal *a);

/* What a citizen sees of their own appeal: code, status, title, times, the public reply and a
 * timeline of the steps (action names and times only: no actors, notes or records). */
json_t *view_public_appeal(const struct appeal *a, const struct event_list *hist);

#endif
