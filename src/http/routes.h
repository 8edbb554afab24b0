/* routes.h -- the HTTP API's routes as one table (http/routes.c): each endpoint is a row of
 * method, path pattern, handler, flags and the query parameters it takes. api_handle()
 * (http/api.c) finds the row and does what its flags say before calling the handler. */
#ifndef SHISHI_ROUTES_H
#define SHISHI_ROUTES_H

#include <jansson.h>
#include <stddef.h>

#include "http/request.h"

#define ROUTE_MAX_ARGS REQUEST_MAX_ARGS

enum route_flags {
    ROUTE_PUBLIC = 1 << 0,   /* no session: the handler acts as a citizen, or for no one */
    ROUTE_SNAPSHOT = 1 << 1, /* a read: the whole request in one read transaction */
    ROUTE_WRITE = 1 << 2,    /* changes something: a cookie session must send X-CSRF-Token */
    ROUTE_BODY = 1 << 3,     /* r->json holds the body, a JSON object, parsed and checked */
    ROUTE_DOWNLOAD = 1 << 4, /* answers with a file in r->download; errors stay JSON */
    ROUTE_HEAVY = 1 << 5,    /* may read the whole ledger: runs on the server's heavy-work
                                pool, never on a thread that serves connections */
    ROUTE_ALONE = 1 << 6,    /* a WRITE that spends its time hashing a password: runs on its
                                own thread, outside the writer's group commit */
};

/* A handler: the captures are r->arg[], a BODY route's body r->json. Returns the JSON to
 * send (r->status 200 unless it set another), or NULL with e filled; a DOWNLOAD handler
 * fills r->download and returns NULL. */
typedef json_t *route_handler(struct request *r, struct err *e);

struct route {
    const char *method;
    const char *pattern; /* "/api/v1/appeals/{code}/{action}": {x} is one segment */
    route_handler *handler;
    unsigned flags;
    const char *params; /* the query parameters it takes, separated by spaces */
};

/* The first row for r->method and r->path; fills r->arg. NULL when no row has both, with e
 * filled: 404 "no such endpoint", naming the fixed last segments the rows next to it take. */
const struct route *route_find(struct request *r, struct err *e);

#endif
