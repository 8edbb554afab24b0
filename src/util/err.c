/* err.c -- filling and naming errors. */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(struct err *e, int code, const char *field, const char *fmt, ...)
{
    if (!e)
        return -1;
    e->code = code;
    snprintf(e->field, sizeof(e->field), "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    va_end(ap);
    return -1;
}

void err_clear(struct err *e)
{
    if (e)
        memset(e, 0, sizeof(*e));
}

const char *err_code_name(int code)
{
    switch (code) {
    case ERR_OK:
        return "ok";
    case ERR_INVALID:
        return "invalid";
    case ERR_NOT_FOUND:
        return "not_found";
    case ERR_STATE:
        return "bad_state";
    case ERR_CONFLICT:
        return "conflict";
    case ERR_FORBIDDEN:
        return "forbidden";
    case ERR_CALENDAR:
        return "no_calendar";
    case ERR_DB:
        return "db_error";
    case ERR_IO:
        return "io_error";
    case ERR_TAMPERED:
        return "tampered";
    case ERR_UNAUTHORIZED:
        return "unauthorized";
    case ERR_THROTTLED:
        return "too_many_requests";
    case ERR_TOO_BIG:
        return "too_large";
    case ERR_MEDIA:
        return "unsupported_media_type";
    }
    return "error";
}
