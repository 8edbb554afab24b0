/* api_util.h -- what every group of endpoints needs from api.c: the query string, the JSON
 * body and its typed fields (each refusal names the field), and the role check. */
#ifndef SHISHI_API_UTIL_H
#define SHISHI_API_UTIL_H

#include <jansson.h>

#include "http/request.h"

/* A query-string parameter, or NULL. */
const char *query(struct request *r, const char *key);
/* The body parsed as a JSON object (caller decrefs), or NULL with e naming what is wrong. */
json_t *body_object(struct request *r, struct err *e);
/* Optional fields: absent or null leaves *out untouched; a wrong type is ERR_INVALID. */
int get_str(json_t *o, const char *key, const char **out, struct err *e);
int get_int(json_t *o, const char *key, long long min, long long max, long long *out,
            struct err *e);
int get_bool(json_t *o, const char *key, int *out, struct err *e);
/* An array of strings into out (at most max); returns the count or -1. */
int get_strs(json_t *o, const char *key, const char **out, int max, struct err *e);
/* String equality. */
int is(const char *a, const char *b);

#endif
