/* serve_cmd.c -- `serve`: the HTTP JSON API. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "http/server.h"

#include "util/banned.h"

int cmd_serve(struct cli *c, int argc, char **argv)
{
    static const struct opt_spec spec[] = {COMMON_OPTS,           {"listen", OPT_VALUE},
                                           {"threads", OPT_VALUE}, {"max-body", OPT_VALUE},
                                           {"quiet", OPT_FLAG},    {"public-per-minute", OPT_VALUE},
                                           {"trusted-proxy", OPT_MULTI},
                                           {"header-timeout", OPT_VALUE},
                                           {"body-timeout", OPT_VALUE},
                                           {"heavy-threads", OPT_VALUE},
                                           {"no-group-commit", OPT_FLAG}, {0, 0}};
    struct opts o;
    struct err e = {0};
    long threads, max_body, per_minute, header_timeout, body_timeout, heavy;
    if (cli_parse(c, argc, argv, spec, &o, &e) < 0 ||
        opt_int(&o, "threads", 0, 256, 0, &threads, &e) < 0 ||
        opt_int(&o, "max-body", 1024, 64L << 20, 1L << 20, &max_body, &e) < 0 ||
        opt_int(&o, "public-per-minute", 1, 100000, 5, &per_minute, &e) < 0 ||
        opt_int(&o, "header-timeout", 1, 3600, 10, &header_timeout, &e) < 0 ||
        opt_int(&o, "body-timeout", 1, 3600, 20, &body_timeout, &e) < 0 ||
        opt_int(&o, "heavy-threads", 0, 64, 1, &heavy, &e) < 0)
        return cli_fail(&e);
    if (!c->db) {
        err_set(&e, ERR_INVALID, "db", "serve needs --db FILE");
        return cli_fail(&e);
    }
    const char *listen = opt_get(&o, "listen") ? opt_get(&o, "listen") : "127.0.0.1:8080";
    char host[64];
    const char *colon = strrchr(listen, ':');
    long port;
    if (!colon || text_whole(colon + 1, 1, 65535, &port) < 0 ||
        (size_t)(colon - listen) >= sizeof(host)) {
        err_set(&e, ERR_INVALID, "listen", "--listen must be HOST:PORT, not '%s'", listen);
        return cli_fail(&e);
    }
    snprintf(host, sizeof(host), "%.*s", (int)(colon - listen), listen);
    struct server_config cfg = {
        .db = c->db,
        .host = host,
        .port = (unsigned)port,
        .threads = (unsigned)threads,
        .max_body = (size_t)max_body,
        .timeout = 30,
        .header_timeout = (unsigned)header_timeout,
        .body_timeout = (unsigned)body_timeout,
        .heavy_threads = (unsigned)heavy,
        /* Group commit pays SQLite's one sync per commit once for many writers. PostgreSQL
         * already syncs concurrent commits together, and groups holding the chain head while
         * they lock more appeals deadlocked with a second server's writes (pg/api_test_two_
         * servers: 2 of ~200 writes), so there each write commits alone. */
        .group_commit = !opt_flag(&o, "no-group-commit") && strncmp(c->db, "postgres", 8) != 0,
        .public_per_minute = (int)per_minute,
        .quiet = opt_flag(&o, "quiet"),
    };
    /* --trusted-proxy ADDR, repeatable, each a comma list. */
    const char *given[SERVER_MAX_PROXIES];
    char lists[SERVER_MAX_PROXIES][256];
    int ngiven = opt_all(&o, "trusted-proxy", given, SERVER_MAX_PROXIES);
    if (ngiven < 0) {
        err_set(&e, ERR_INVALID, "trusted-proxy", "--trusted-proxy given more than %d times",
                SERVER_MAX_PROXIES);
        return cli_fail(&e);
    }
    for (int i = 0; i < ngiven; i++) {
        snprintf(lists[i], sizeof(lists[i]), "%s", given[i]);
        for (char *p = lists[i], *next; p; p = next) {
            next = strchr(p, ',');
            if (next)
                *next++ = '\0';
            if (!*p)
                continue;
            if (cfg.ntrusted_proxy >= SERVER_MAX_PROXIES) {
                err_set(&e, ERR_INVALID, "trusted-proxy", "at most %d trusted proxies",
                        SERVER_MAX_PROXIES);
                return cli_fail(&e);
            }
            cfg.trusted_proxy[cfg.ntrusted_proxy++] = p;
        }
    }
    if (server_run(&cfg, &e) < 0)
        return cli_fail(&e);
    return 0;
}
