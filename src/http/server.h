/* server.h -- `shishi serve`: the HTTP JSON API on libmicrohttpd (thread pool, epoll).
 * Each worker thread opens its own connection to the store on first use, so no database
 * handle is shared between threads; SQLite's locking and the store's transactions keep
 * concurrent writers consistent. */
#ifndef SHISHI_SERVER_H
#define SHISHI_SERVER_H

#include <stddef.h>

#include "util/err.h"

#define SERVER_MAX_PROXIES 16

struct server_config {
    const char *db;          /* store URL */
    const char *host;        /* listen address, e.g. "127.0.0.1" */
    unsigned port;
    unsigned threads;        /* worker threads (0: one per core) */
    size_t max_body;         /* request body limit in bytes */
    unsigned timeout;        /* idle connection timeout in seconds */
    unsigned header_timeout; /* seconds a request's headers may take to arrive, in all */
    unsigned body_timeout;   /* seconds a body may take, plus one per 1000 bytes received */
    unsigned heavy_threads;  /* threads for ROUTE_HEAVY requests (0: their own thread) */
    int group_commit;        /* WRITE requests go through the writer's group commit */
    int public_per_minute;   /* public submissions per address per minute */
    int quiet;               /* no access log */
    /* Reverse proxies whose X-Forwarded-For / X-Real-IP name the client (IPv4 or IPv6
     * addresses, as given to --trusted-proxy); from any other peer those headers are
     * ignored and the client is the TCP peer. */
    const char *trusted_proxy[SERVER_MAX_PROXIES];
    int ntrusted_proxy;
};

/* The client's address for throttling and rate limits: `peer` (the TCP peer, text), or, when
 * the peer is one of cfg's trusted proxies, the address the proxy headers name: the
 * rightmost X-Forwarded-For entry that is not itself a trusted proxy, else X-Real-IP.
 * Either header may be NULL. A malformed entry ends the walk at the hop before it. */
void server_client_addr(const struct server_config *cfg, const char *peer, const char *xff,
                        const char *real_ip, char *out, size_t size);
/* Checks cfg's trusted proxies: each must be an IPv4 or IPv6 address. */
int server_check_proxies(const struct server_config *cfg, struct err *e);

/* Serves until SIGINT or SIGTERM, then lets in-flight requests finish, closes every store
 * connection and returns 0; -1 with e filled if the server could not start. */
int server_run(const struct server_config *cfg, struct err *e);

#endif
