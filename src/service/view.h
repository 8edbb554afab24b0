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

/* Who may read what: admin, dispatcher, auditor and the system read every appeal; a unit
 * handler those their unit leads or assists; a leader those led by their unit or a unit
 * below it (every appeal when they have no unit). Personal data in full only for admin,
 * dispatcher, the system and the handling unit. */
int view_may_read(const struct names *n, const struct actor *who, const struct appeal *a);
int view_may_unmask(const struct names *n, const struct actor *who, const struct appeal *a);
/* Whether unit `u` is `top` or sits below it in the tree. */
int names_unit_under(const struct names *n, int64_t u, int64_t top);

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

#endif
