/* err.h -- one error struct filled by the layer that fails, rendered by the interface.
 * Invariant: functions return 0 on success and a negative value on failure; on failure
 * they fill the caller's `struct err` (when non-NULL) exactly once. */
#ifndef SHISHI_ERR_H
#define SHISHI_ERR_H

enum err_code {
    ERR_OK = 0,
    ERR_INVALID,   /* malformed or out-of-range input */
    ERR_NOT_FOUND, /* unknown id, code or name */
    ERR_STATE,     /* illegal transition for the current state */
    ERR_CONFLICT,  /* stale version or duplicate key */
    ERR_FORBIDDEN, /* actor's role or unit may not do this */
    ERR_CALENDAR,  /* a year has no working-day calendar */
    ERR_DB,        /* storage failure */
    ERR_IO,        /* file system failure */
    ERR_TAMPERED,  /* audit chain broken */
    ERR_UNAUTHORIZED, /* no valid session or credentials */
    ERR_THROTTLED,    /* too many attempts or requests: wait */
    ERR_TOO_BIG,      /* request larger than allowed */
    ERR_MEDIA,        /* unsupported content type */
    ERR_HELP,         /* not a failure: the CLI printed the help asked for (--help) */
};

struct err {
    int code;
    char field[32];
    char msg[200];
};

/* Fills `e` (if non-NULL) and returns -1 so callers can `return err_set(...)`. */
int err_set(struct err *e, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void err_clear(struct err *e);
/* Machine-readable name of a code: "invalid", "not_found", "bad_state" ... */
const char *err_code_name(int code);

#endif
