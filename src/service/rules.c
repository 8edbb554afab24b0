/* rules.c -- assessment rule set versions, and the time limits in force.
 * A stored body is always the complete, normalised JSON of its rule set (ruleset_to_json
 * of what was parsed, service/rules_json.c), so a version means the same thing whatever
 * later code defaults to. Invariant: a version is never changed; `rules add` stores the
 * next one. */
#include "service/service.h"
#include "service/guard.h"
#include "service/rules_json.h"
#include "service/view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "util/xalloc.h"

#include "util/banned.h"

static int from_row(struct rules_row *row, struct ruleset *out, struct err *e)
{
    int rc = ruleset_from_json(row->body, out, e);
    if (rc < 0) {
        char msg[sizeof(e->msg)];
        snprintf(msg, sizeof(msg), "%s", e ? e->msg : "");
        err_set(e, ERR_DB, "rules", "stored rule set version %d is unreadable: %s", row->version,
                msg);
    } else {
        out->version = row->version;
        out->created_at = row->created_at;
        snprintf(out->name, sizeof(out->name), "%s", row->name);
    }
    rules_row_release(row);
    return rc;
}

int svc_rules_get(struct service *svc, const struct actor *who, int version, struct ruleset *out, struct err *e)
{
    struct rules_row row;
    if (guard(who, SUBJ_RULES, "read", e) < 0 || store_rules_get(svc->st, version, &row, e) < 0)
        return -1;
    return from_row(&row, out, e);
}

int svc_rules_add(struct service *svc, const struct actor *who, const char *json, int64_t now,
                  struct ruleset *out, struct err *e)
{
    if (guard(who, SUBJ_RULES, "add", e) < 0)
        return -1;
    if (ruleset_from_json(json, out, e) < 0)
        return -1;
    struct rules_row row = {0};
    snprintf(row.name, sizeof(row.name), "%s", out->name);
    snprintf(row.created_by, sizeof(row.created_by), "%s", who->name);
    row.created_at = now;
    json_t *norm = ruleset_to_json(out);
    row.body = json_dumps(norm, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(norm);
    int rc = -1;
    if (store_begin(svc->st, e) < 0)
        goto out;
    if (store_rules_add(svc->st, &row, e) < 0 || store_commit(svc->st, e) < 0) {
        store_rollback(svc->st);
        goto out;
    }
    out->version = row.version;
    out->created_at = now;
    rc = 0;
out:
    free(row.body);
    return rc;
}

int svc_rules_list(struct service *svc, const struct actor *who, struct ruleset **out, size_t *n, struct err *e)
{
    struct rules_row *rows;
    size_t nrows;
    *out = NULL;
    *n = 0;
    if (guard(who, SUBJ_RULES, "read", e) < 0)
        return -1;
    if (store_rules_list(svc->st, &rows, &nrows, e) < 0)
        return -1;
    struct ruleset *list = xcalloc(nrows ? nrows : 1, sizeof(*list));
    int rc = 0;
    for (size_t i = 0; i < nrows; i++) {
        if (rc < 0)
            rules_row_release(&rows[i]);
        else if (from_row(&rows[i], &list[i], e) < 0)
            rc = -1;
    }
    free(rows);
    if (rc < 0) {
        free(list);
        return -1;
    }
    *out = list;
    *n = nrows;
    return 0;
}

int svc_limits_now(struct service *svc, struct limits *out, struct err *e)
{
    struct ruleset rs;
    if (svc_rules_get(svc, &svc_system, 0, &rs, e) < 0)
        return -1;
    *out = rs.limits;
    out->cal = &svc->cal;
    /* Limits set on the site's time_limits table (store_limit_set) still win. */
    return store_limits_load(svc->st, out, e);
}
