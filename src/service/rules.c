/* rules.c -- assessment rule sets as JSON, their versions, and the limits in force.
 * A stored body is always the complete, normalised JSON of its rule set (ruleset_to_json
 * of what was parsed), so a version means the same thing whatever later code defaults to.
 * Invariant: a version is never changed; `rules add` stores the next one. */
#include "service/service.h"
#include "service/view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "util/xalloc.h"

#include "util/banned.h"

/* By kind (enum appeal_kind), NULL-terminated for only_keys(). */
static const char *const kind_keys[LIMIT_KINDS + 1] = {"default", "consult",  "help", "complaint",
                                                       "report",  "suggest", NULL};

static json_t *limit_json(struct time_limit l)
{
    char s[32];
    snprintf(s, sizeof(s), "%d %s", l.amount, l.unit == LIMIT_HOURS ? "hours" : "workdays");
    return json_string(s);
}

static json_t *limit_row(const struct time_limit *l)
{
    json_t *a = json_array();
    for (int u = 0; u < LIMIT_URGENCIES; u++)
        json_array_append_new(a, limit_json(l[u]));
    return a;
}

json_t *ruleset_to_json(const struct ruleset *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(r->name));
    json_t *w = json_object();
    for (int f = 0; f < FIG_COUNT_; f++)
        json_object_set_new(w, figure_code(f), json_integer(r->weight[f]));
    json_object_set_new(o, "weights", w);
    json_object_set_new(o, "basic_satisfied_share", json_integer(r->basic_share));
    json_object_set_new(o, "partly_solved_share", json_integer(r->partly_share));
    json_t *ex = json_array();
    if (r->exclude_rejected)
        json_array_append_new(ex, json_string("rejected"));
    if (r->exclude_merged)
        json_array_append_new(ex, json_string("merged"));
    json_object_set_new(o, "exclude", ex);
    json_object_set_new(o, "min_volume", json_integer(r->min_volume));
    json_t *tl = json_object(), *h = json_object();
    for (int k = 0; k < LIMIT_KINDS; k++)
        json_object_set_new(h, kind_keys[k], limit_row(r->limits.handle[k]));
    json_object_set_new(tl, "handle", h);
    json_object_set_new(tl, "complex", limit_json(r->limits.complex));
    json_object_set_new(tl, "sign", limit_row(r->limits.sign));
    json_object_set_new(tl, "max_extension_workdays", json_integer(r->limits.max_ext_days));
    json_object_set_new(tl, "max_extensions", json_integer(r->limits.max_extensions));
    json_object_set_new(o, "time_limits", tl);
    return o;
}

/* "7 workdays", "24 hours" (or 工作日 / 小时). */
static int parse_limit(json_t *v, const char *field, struct time_limit *out, struct err *e)
{
    char word[32];
    int amount, used = 0;
    const char *s = json_string_value(v);
    if (!s || sscanf(s, "%d %31s%n", &amount, word, &used) != 2 || s[used] != 0)
        return err_set(e, ERR_INVALID, field,
                       "'%s' must be a string like \"7 workdays\" or \"24 hours\"", field);
    out->amount = amount;
    out->unit = limit_unit_parse(word);
    if (out->unit == LIMIT_NONE)
        return err_set(e, ERR_INVALID, field, "'%s': unknown unit '%s' (workdays, hours)", field,
                       word);
    return 0;
}

static int parse_limit_row(json_t *v, const char *field, struct time_limit *row, struct err *e)
{
    if (!json_is_array(v) || json_array_size(v) != LIMIT_URGENCIES)
        return err_set(e, ERR_INVALID, field,
                       "'%s' must list 3 limits: normal, urgent, critical", field);
    for (int u = 0; u < LIMIT_URGENCIES; u++)
        if (parse_limit(json_array_get(v, (size_t)u), field, &row[u], e) < 0)
            return -1;
    return 0;
}

static int get_int(json_t *o, const char *key, const char *field, int *out, struct err *e)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return 0;
    if (!json_is_integer(v))
        return err_set(e, ERR_INVALID, field, "'%s' must be a whole number", field);
    json_int_t x = json_integer_value(v);
    if (x < -1000000000 || x > 1000000000)
        return err_set(e, ERR_INVALID, field, "'%s' is out of range", field);
    *out = (int)x;
    return 0;
}

/* Refuses keys it does not know, so a misspelt rule is an error rather than a default. */
static int only_keys(json_t *o, const char *const *keys, const char *where, struct err *e)
{
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        int known = 0;
        for (const char *const *p = keys; *p; p++)
            known |= !strcmp(k, *p);
        if (!known)
            return err_set(e, ERR_INVALID, k, "unknown key '%s' in %s", k, where);
    }
    return 0;
}

static int parse_limits(json_t *tl, struct limits *l, struct err *e)
{
    static const char *const keys[] = {"handle", "complex", "sign", "max_extension_workdays",
                                       "max_extensions", NULL};
    if (!json_is_object(tl))
        return err_set(e, ERR_INVALID, "time_limits", "'time_limits' must be an object");
    if (only_keys(tl, keys, "time_limits", e) < 0)
        return -1;
    json_t *h = json_object_get(tl, "handle");
    if (h) {
        if (!json_is_object(h) || only_keys(h, kind_keys, "time_limits.handle", e) < 0)
            return json_is_object(h) ? -1
                                     : err_set(e, ERR_INVALID, "time_limits.handle",
                                               "'time_limits.handle' must be an object");
        for (int k = 0; k < LIMIT_KINDS; k++) {
            json_t *row = json_object_get(h, kind_keys[k]);
            if (row && parse_limit_row(row, "time_limits.handle", l->handle[k], e) < 0)
                return -1;
        }
    }
    json_t *v = json_object_get(tl, "complex");
    if (v && parse_limit(v, "time_limits.complex", &l->complex, e) < 0)
        return -1;
    v = json_object_get(tl, "sign");
    if (v && parse_limit_row(v, "time_limits.sign", l->sign, e) < 0)
        return -1;
    if (get_int(tl, "max_extension_workdays", "time_limits.max_extension_workdays",
                &l->max_ext_days, e) < 0 ||
        get_int(tl, "max_extensions", "time_limits.max_extensions", &l->max_extensions, e) < 0)
        return -1;
    return 0;
}

int ruleset_from_json(const char *text, struct ruleset *out, struct err *e)
{
    static const char *const keys[] = {"name", "weights", "basic_satisfied_share",
                                       "partly_solved_share", "exclude", "min_volume",
                                       "time_limits", NULL};
    json_error_t je;
    json_t *o = json_loads(text, JSON_REJECT_DUPLICATES, &je);
    int rc = -1;
    ruleset_default(out);
    if (!o)
        return err_set(e, ERR_INVALID, "rules", "rule set is not valid JSON: %s (line %d)",
                       je.text, je.line);
    if (!json_is_object(o)) {
        err_set(e, ERR_INVALID, "rules", "a rule set must be a JSON object");
        goto out;
    }
    if (only_keys(o, keys, "the rule set", e) < 0)
        goto out;
    json_t *v = json_object_get(o, "name");
    if (v) {
        if (!json_is_string(v) || json_string_length(v) == 0 ||
            json_string_length(v) >= sizeof(out->name)) {
            err_set(e, ERR_INVALID, "name", "'name' must be a string of 1..%d bytes",
                    (int)sizeof(out->name) - 1);
            goto out;
        }
        snprintf(out->name, sizeof(out->name), "%s", json_string_value(v));
    }
    v = json_object_get(o, "weights");
    if (v) {
        if (!json_is_object(v)) {
            err_set(e, ERR_INVALID, "weights", "'weights' must be an object of rate: weight");
            goto out;
        }
        const char *k;
        json_t *w;
        json_object_foreach(v, k, w) {
            int f = figure_parse(k);
            if (f < 0) {
                err_set(e, ERR_INVALID, "weights",
                        "unknown rate '%s' in weights (reply_rate, timely_rate, response_rate, "
                        "resolution_rate, satisfaction_rate)",
                        k);
                goto out;
            }
            if (get_int(v, k, "weights", &out->weight[f], e) < 0)
                goto out;
        }
    }
    if (get_int(o, "basic_satisfied_share", "basic_satisfied_share", &out->basic_share, e) < 0 ||
        get_int(o, "partly_solved_share", "partly_solved_share", &out->partly_share, e) < 0 ||
        get_int(o, "min_volume", "min_volume", &out->min_volume, e) < 0)
        goto out;
    v = json_object_get(o, "exclude");
    if (v) {
        if (!json_is_array(v)) {
            err_set(e, ERR_INVALID, "exclude", "'exclude' must be a list of states");
            goto out;
        }
        out->exclude_rejected = out->exclude_merged = 0;
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            int s = json_is_string(x) ? state_parse(json_string_value(x)) : 0;
            if (s == ST_REJECTED)
                out->exclude_rejected = 1;
            else if (s == ST_MERGED)
                out->exclude_merged = 1;
            else {
                err_set(e, ERR_INVALID, "exclude",
                        "'exclude' may hold only \"rejected\" and \"merged\"");
                goto out;
            }
        }
    }
    v = json_object_get(o, "time_limits");
    if (v && parse_limits(v, &out->limits, e) < 0)
        goto out;
    rc = ruleset_check(out, e);
out:
    json_decref(o);
    return rc;
}

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

int svc_rules_get(struct service *svc, int version, struct ruleset *out, struct err *e)
{
    struct rules_row row;
    if (store_rules_get(svc->st, version, &row, e) < 0)
        return -1;
    return from_row(&row, out, e);
}

int svc_rules_add(struct service *svc, const struct actor *who, const char *json, int64_t now,
                  struct ruleset *out, struct err *e)
{
    if (who->role != ROLE_ADMIN && who->role != ROLE_SYSTEM)
        return err_set(e, ERR_FORBIDDEN, "role", "only an admin may add a rule set, not a %s",
                       role_label(who->role));
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

int svc_rules_list(struct service *svc, struct ruleset **out, size_t *n, struct err *e)
{
    struct rules_row *rows;
    size_t nrows;
    *out = NULL;
    *n = 0;
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
    if (svc_rules_get(svc, 0, &rs, e) < 0)
        return -1;
    *out = rs.limits;
    out->cal = &svc->cal;
    /* Limits set on the site's time_limits table (store_limit_set) still win. */
    return store_limits_load(svc->st, out, e);
}
