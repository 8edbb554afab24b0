/* static.h -- the web console and the citizens' page, built into the binary (web/dist),
 * served for every GET that is not under /api/ or /healthz. */
#ifndef SHISHI_STATIC_H
#define SHISHI_STATIC_H

#include <stddef.h>

struct MHD_Connection;

/* 1 when `url` is the web pages' (not the API's) to answer. */
int static_owns(const char *url);
/* Queues the answer for `url`: the file, or the page's index.html for a route of the
 * single-page app, gzip'ed when the client accepts it. Sets *status and *bytes. */
int static_serve(struct MHD_Connection *conn, const char *method, const char *url, int *status,
                 size_t *bytes);

#endif
