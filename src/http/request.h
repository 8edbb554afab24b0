/* request.h -- one HTTP request as the API handlers see it. Nothing below http/ sees this.
 * What goes back is JSON, or a download: a handler that fills `download` returns NULL from
 * api_handle() and the server sends those bytes instead. */
#ifndef SHISHI_REQUEST_H
#define SHISHI_REQUEST_H

#include <jansson.h>
#include <stdint.h>

#include "service/service.h"
#include "util/buf.h"

struct MHD_Connection;

#define REQUEST_MAX_ARGS 4 /* captures of a route's path pattern */

/* Where a request value came from (struct req_value's kind; bits, as a lookup may ask for
 * several). */
enum req_kind { REQ_HEADER = 1, REQ_COOKIE = 2, REQ_QUERY = 4 };

/* One header, cookie or (percent-decoded) query argument; a query argument without '='
 * has a NULL value. The strings are not copied: the server's stay in libmicrohttpd's memory
 * for the request's life. */
struct req_value {
    int kind;
    const char *key;
    const char *value;
};

struct request {
    struct MHD_Connection *conn; /* the server's only: handlers read values[] (http/req.h) */
    const struct server_config *cfg;
    const char *method;
    char path[512];
    /* the headers, cookies and query arguments in the order sent, all a handler reads of
     * the connection (req_add(); the server copies them in, the fuzzer makes them up) */
    struct req_value *values; /* malloc'ed: req_release() */
    int nvalues, cap_values;
    /* what the route table found (http/routes.c) */
    char segs[512];                    /* a copy of path, cut into segments; arg points into it */
    const char *arg[REQUEST_MAX_ARGS]; /* the pattern's {captures}, in order */
    json_t *json; /* a BODY route's body, parsed (the dispatcher releases it) */
    struct buf body;
    int too_big;
    int started; /* the access handler has seen the headers */
    char addr[64];
    int https; /* came over TLS, or a trusted proxy says X-Forwarded-Proto: https */
    struct service *svc;
    int64_t now;
    /* who is asking */
    int authed;
    int via_cookie;
    struct actor actor;
    char token[65];
    char csrf[65];
    /* what goes back */
    int status;
    char cookies[3][256];
    int ncookies;
    size_t bytes;
    int64_t start_ns;
    /* the answer of a request handed to the heavy-work pool or the writer, made there while
     * the connection waits, suspended */
    int queued;
    json_t *answer;              /* NULL with queued set: a download, in `download` */
    struct request *next_write;  /* the writer's queue */
    int group;                   /* committed with this many others and itself (access log) */
    /* a download (GET /api/v1/bulletin): set only once the whole body is ready */
    struct {
        char *data; /* malloc'ed; the server takes it, or frees it with the request */
        size_t len;
        /* or, with has_fd, a file of len bytes read from its start (the bulletin: an
         * unlinked temporary file, so a year's ledger is never in memory); the server takes
         * the descriptor, or closes it with the request */
        int has_fd, fd;
        const char *type;  /* Content-Type, a static string */
        char filename[64]; /* ASCII, no quotes: Content-Disposition's attachment name */
        int inline_;       /* shown in the page (evidence files), not saved */
    } download;
};

/* The flags (enum route_flags, http/routes.h) of the route r asks for; 0 when none has it.
 * The server runs ROUTE_HEAVY rows on its heavy-work pool and the other WRITE rows, except
 * ROUTE_ALONE, on its writer. */
unsigned api_flags(struct request *r);
/* Routes and handles a complete request: returns the JSON to send (new reference) with
 * r->status set, or NULL when the route filled r->download (status 200) instead. */
json_t *api_handle(struct request *r);
/* The error document {"error":{"code","message","field"}} and its HTTP status. */
json_t *api_error(struct request *r, const struct err *e);
int api_status(int err_code);

#endif
