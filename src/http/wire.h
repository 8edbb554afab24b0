/* wire.h -- what the server makes of a request's raw bytes before any handler sees them:
 * percent-decoding, the refusal of paths no route may see, and the escaping of values
 * written to the access log. Pure functions, shared by http/server.c and the HTTP fuzzer
 * (tests/fuzz/fuzz_http.c), so that both see what a handler really sees. */
#ifndef SHISHI_WIRE_H
#define SHISHI_WIRE_H

#include <stddef.h>

#include "util/err.h"

/* Percent-decodes s in place as libmicrohttpd does (the server's unescape callback, for the
 * path and each query key and value), but a decoded NUL becomes DEL: a "%00" must not cut a
 * path short. Returns the new length. */
size_t wire_unescape(char *s);
/* 0 when a decoded path may be routed; -1 with e when it holds a control character
 * (ERR_INVALID, 400) or is too long for struct request (size bytes or more: ERR_NOT_FOUND,
 * since a cut copy could reach another endpoint). */
int wire_check_path(const char *path, size_t size, struct err *e);
/* `in` (NULL: "-") for the access log, percent-encoded where it could forge a line or a
 * field: control characters, space, '%', '"' and DEL. Cut to fit size. */
void wire_log_value(char *out, size_t size, const char *in);

#endif
