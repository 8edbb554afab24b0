/* req.h -- what a handler reads from its request, every name with one prefix: the query
 * string, headers and cookies, the JSON body and its typed members. Each refusal names the
 * parameter, header or member at fault in e->field. */
#ifndef SHISHI_REQ_H
#define SHISHI_REQ_H

#include <jansson.h>
#include <stddef.h>

#include "http/request.h"

/* Adds a header, cookie or query argument to what the request holds (the strings are not
 * copied), and releases what the request holds (values and body, not the request). */
void req_add(struct request *r, enum req_kind kind, const char *key, const char *value);
void req_release(struct request *r);

/* A query-string parameter, or NULL when absent. */
const char *req_query(struct request *r, const char *key);
/* A whole-number query parameter from min to max (text_whole: digits only, no sign '+' or
 * space), def when absent; else -1 with ERR_INVALID naming it. */
int req_query_int(struct request *r, const char *key, long min, long max, long def, long *out,
                  struct err *e);
/* A yes/no query parameter: 1 for "1" or "true", else 0 (also when absent). */
int req_query_flag(struct request *r, const char *key);
/* 0 when every query parameter is one of `allowed` (names separated by spaces; "" or NULL
 * for none) and has a value; else -1 with ERR_INVALID naming the first unknown or empty one
 * (and, for an unknown one, what is taken). */
int req_query_known(struct request *r, const char *allowed, struct err *e);
/* A request header, or NULL. */
const char *req_header(struct request *r, const char *key);
/* The value of cookie `name` into out, or "" when absent. */
void req_cookie(struct request *r, const char *name, char *out, size_t size);

/* The body parsed as a JSON object (caller decrefs), or NULL with e naming what is wrong
 * (415 without Content-Type: application/json, 400 when malformed or not an object). */
json_t *req_body(struct request *r, struct err *e);
/* Members of a JSON object, each optional: absent or null gives NULL / 0; a wrong type or a
 * value out of range is ERR_INVALID naming the member. */
int req_str(json_t *o, const char *key, const char **out, struct err *e);
int req_int(json_t *o, const char *key, long long min, long long max, long long *out,
            struct err *e);
int req_bool(json_t *o, const char *key, int *out, struct err *e);
/* An array of strings into out (at most max); returns the count or -1. */
int req_strs(json_t *o, const char *key, const char **out, int max, struct err *e);

#endif
