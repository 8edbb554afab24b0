/* pg_stub.c -- placeholder for the PostgreSQL backend until src/store/pg.c lands. */
#include "store/backend.h"

#include "util/banned.h"


int pg_store_open(store_t **out, const char *url, struct err *e)
{
    *out = NULL;
    return err_set(e, ERR_INVALID, "db", "PostgreSQL URLs are not supported by this build yet: '%s'",
                   url);
}
