/* req.c -- the request helpers (see req.h). */
#include "http/req.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/text.h"
#include "util/buf.h"
#include "util/xalloc.h"

#include "util/banned.h"

void req_add(struct request *r, enum req_kind kind, const char *key, const char *value)
{
    if (r->nvalues == r->cap_values) {
        r->cap_values = r->cap_values ? 2 * r->cap_values : 16;
        r->values = xrealloc(r->values, (size_t)r->cap_values * sizeof(r->values[0]));
    }
    r->values[r->nvalues++] = (struct req_value){kind, key, value};
}

void req_release(struct request *r)
{
    free(r->values);
    r->values = NULL;
    r->nvalues = r->cap_values = 0;
    buf_release(&r->body);
    free(r->download.data);
    r->download.data = NULL;
    if (r->download.has_fd)
        close(r->download.fd);
    r->download.has_fd = 0;
}

/* The first value of this kind named key, in any case (as libmicrohttpd looks them up). */
static const char *lookup(struct request *r, int kind, const char *key)
{
    for (int i = 0; i < r->nvalues; i++) {
        const struct req_value *v = &r->values[i];
        if ((v->kind & kind) && v->key && !strcasecmp(v->key, key))
            return v->value;
    }
    return NULL;
}

const char *req_query(struct request *r, const char *key)
{
    return lookup(r, REQ_QUERY, key);
}

int req_query_int(struct request *r, const char *key, long min, long max, long def, long *out,
                  struct err *e)
{
    const char *v = req_query(r, key);
    *out = def;
    if (v && text_whole(v, min, max, out) < 0)
        return err_set(e, ERR_INVALID, key,
                       "查询参数 %s 须为 %ld 到 %ld 的整数 (%s must be a whole number from %ld to "
                       "%ld, not '%s')",
                       key, min, max, key, min, max, v);
    return 0;
}

int req_query_flag(struct request *r, const char *key)
{
    const char *v = req_query(r, key);
    return v && (!strcmp(v, "1") || !strcmp(v, "true"));
}

/* Whether `key` is one of the space-separated names in `allowed`. */
static int listed(const char *allowed, const char *key)
{
    size_t n = strlen(key);
    for (const char *p = allowed ? allowed : ""; *p;) {
        while (*p == ' ')
            p++;
        const char *end = strchr(p, ' ');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len && len == n && !memcmp(p, key, n))
            return 1;
        p += len;
    }
    return 0;
}

int req_query_known(struct request *r, const char *allowed, struct err *e)
{
    const char *unknown = NULL;
    for (int i = 0; i < r->nvalues && !unknown; i++) {
        const struct req_value *v = &r->values[i];
        const char *key = v->key ? v->key : "";
        if (!(v->kind & REQ_QUERY))
            continue;
        if (!listed(allowed, key))
            unknown = key;
        /* "from=" must not read as "from the beginning": an empty value is refused. */
        else if (!v->value || !*v->value)
            return err_set(e, ERR_INVALID, key,
                           "查询参数 %s 为空：请给出值或去掉它 (the query parameter '%s' is empty: "
                           "give it a value or leave it out)",
                           key, key);
    }
    if (!unknown)
        return 0;
    char name[64];
    snprintf(name, sizeof(name), "%s", unknown);
    struct buf takes = BUF_INIT;
    for (const char *p = allowed ? allowed : ""; *p;) {
        while (*p == ' ')
            p++;
        const char *end = strchr(p, ' ');
        int len = end ? (int)(end - p) : (int)strlen(p);
        if (len)
            buf_addf(&takes, "%s%.*s", takes.len ? ", " : "", len, p);
        p += len;
    }
    int rc =
        err_set(e, ERR_INVALID, name, "unknown query parameter '%s' (this endpoint takes: %s)",
                name, takes.len ? takes.ptr : "none");
    buf_release(&takes);
    return rc;
}

const char *req_header(struct request *r, const char *key)
{
    return lookup(r, REQ_HEADER, key);
}

void req_cookie(struct request *r, const char *name, char *out, size_t size)
{
    const char *v = lookup(r, REQ_COOKIE, name);
    snprintf(out, size, "%s", v ? v : "");
}

json_t *req_body(struct request *r, struct err *e)
{
    /* The media type exactly (any case), then nothing or its parameters: not
     * "application/jsonp" or "application/json-seq". */
    const char *ct = req_header(r, "Content-Type");
    if (!ct || strncasecmp(ct, "application/json", 16) != 0 ||
        (ct[16] && ct[16] != ';' && ct[16] != ' ' && ct[16] != '\t')) {
        err_set(e, ERR_MEDIA, "Content-Type", "send the body as application/json");
        return NULL;
    }
    json_error_t jerr;
    json_t *j = json_loadb(r->body.ptr, r->body.len, JSON_REJECT_DUPLICATES, &jerr);
    if (!j) {
        err_set(e, ERR_INVALID, "body", "malformed JSON at line %d column %d: %s", jerr.line,
                jerr.column, jerr.text);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        err_set(e, ERR_INVALID, "body", "the body must be a JSON object");
        return NULL;
    }
    return j;
}

int req_str(json_t *o, const char *key, const char **out, struct err *e)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return err_set(e, ERR_INVALID, key, "%s must be a string", key);
    *out = json_string_value(v);
    if (strlen(*out) != json_string_length(v))
        return err_set(e, ERR_INVALID, key, "%s must not contain NUL characters", key);
    return 0;
}

int req_int(json_t *o, const char *key, long long min, long long max, long long *out, struct err *e)
{
    json_t *v = json_object_get(o, key);
    *out = 0;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
        return err_set(e, ERR_INVALID, key, "%s must be a whole number from %lld to %lld", key, min,
                       max);
    *out = json_integer_value(v);
    return 0;
}

int req_bool(json_t *o, const char *key, int *out, struct err *e)
{
    json_t *v = json_object_get(o, key);
    *out = 0;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_boolean(v))
        return err_set(e, ERR_INVALID, key, "%s must be true or false", key);
    *out = json_is_true(v);
    return 0;
}

int req_strs(json_t *o, const char *key, const char **out, int max, struct err *e)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v))
        return err_set(e, ERR_INVALID, key, "%s must be an array of strings", key);
    if ((int)json_array_size(v) > max)
        return err_set(e, ERR_INVALID, key, "%s holds at most %d items", key, max);
    for (size_t i = 0; i < json_array_size(v); i++) {
        json_t *s = json_array_get(v, i);
        if (!json_is_string(s))
            return err_set(e, ERR_INVALID, key, "%s must be an array of strings", key);
        out[i] = json_string_value(s);
    }
    return (int)json_array_size(v);
}
