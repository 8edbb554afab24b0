/* server.h -- `shishi serve`: the HTTP JSON API on libmicrohttpd (thread pool, epoll).
 * Each worker thread opens its own connection to the store on first use, so no database
 * handle is shared between threads; SQLite's locking and the store's transactions keep
 * concurrent writers consistent. */
#ifndef SHISHI_SERVER_H
#define SHISHI_SERVER_H

#include <stddef.h>

#include "util/err.h"

struct server_config {
    const char *db;          /* store URL */
    const char *host;        /* listen address, e.g. "127.0.0.1" */
    unsigned port;
    unsigned threads;        /* worker threads (0: one per core) */
    size_t max_body;         /* request body limit in bytes */
    unsigned timeout;        /* idle connection timeout in seconds */
    int public_per_minute;   /* public submissions per address per minute */
    int quiet;               /* no access log */
};

/* Serves until SIGINT or SIGTERM, then lets in-flight requests finish, closes every store
 * connection and returns 0; -1 with e filled if the server could not start. */
int server_run(const struct server_config *cfg, struct err *e);

#endif
