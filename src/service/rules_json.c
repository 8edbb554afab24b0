/* rules_json.c -- assessment rule sets to and from JSON: the format of a stored version and
 * of `shishi rules add --file`. A parse starts from ruleset_default(), takes the keys given,
 * refuses keys it does not know (a misspelt rule is an error, not a default) and ends with
 * ruleset_check(). Depends on nothing but the core and jansson, so it can be fuzzed alone
 * (tests/fuzz/fuzz_ruleset.c). */
#include "service/rules_json.h"

#include <stdio.h>
#include <string.h>

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
    json_object_set_new(o, "response_needs_contact", json_boolean(r->response_contact));
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
    /* "version" and "created_at" are what `rules show` adds: a shown version edited and
     * added again is accepted, and the store gives it its own. */
    static const char *const keys[] = {"name",       "weights",    "basic_satisfied_share",
                                       "partly_solved_share", "exclude", "min_volume",
                                       "time_limits", "version",   "created_at", "response_needs_contact",
                                       NULL};
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
                        "unknown rate '%s' in weights (reply_rate, timely_rate, sign_rate, "
                        "response_rate, resolution_rate, satisfaction_rate)",
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
    v = json_object_get(o, "response_needs_contact");
    if (v) {
        if (!json_is_boolean(v)) {
            err_set(e, ERR_INVALID, "response_needs_contact",
                    "'response_needs_contact' must be true or false");
            goto out;
        }
        out->response_contact = json_is_true(v);
    }
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
