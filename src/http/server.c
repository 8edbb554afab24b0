/* server.c -- the HTTP server: libmicrohttpd's thread pool with epoll, request bodies with
 * a size cap, one store connection per worker thread, an access log line per request, and
 * a graceful stop on SIGINT/SIGTERM.
 * Invariant: a response is queued only once the whole request has been read (the second
 * or later call of the access handler); queueing on the first call loses keep-alive. The
 * two exceptions, which close the connection on purpose: headers past
 * SERVER_MAX_HEADER_BYTES (431), and a body past the limit announced with
 * `Expect: 100-continue` (413 instead of 100 Continue). */
#include "http/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "http/req.h"
#include "http/request.h"
#include "http/static.h"
#include "http/wire.h"
#include "util/xalloc.h"

#include "util/banned.h"

/* Connections one client address may hold open at once: one host cannot take all of
 * MHD_OPTION_CONNECTION_LIMIT with idle sockets and lock every other client out. */
#define SERVER_PER_IP_CONNECTIONS 64u

/* The request line and headers together, in bytes; past this the answer is our JSON 431.
 * It is well below MHD_OPTION_CONNECTION_MEMORY_LIMIT (64 KiB), past which libmicrohttpd
 * answers 431 itself with its HTML page before calling on_request. */
#define SERVER_MAX_HEADER_BYTES 16384u

static pthread_key_t svc_key;
static const struct server_config *config;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void close_service(void *p)
{
    struct service *svc = p;
    service_close(svc);
    free(svc);
}

/* This thread's service, opened on first use. NULL with e filled on failure. */
static struct service *thread_service(struct err *e)
{
    struct service *svc = pthread_getspecific(svc_key);
    if (svc)
        return svc;
    svc = xcalloc(1, sizeof(*svc));
    if (service_open(svc, config->db, OPEN_EXISTING, e) < 0) {
        free(svc);
        return NULL;
    }
    pthread_setspecific(svc_key, svc);
    return svc;
}

/* An address in one canonical text form (inet_ntop of its bytes); 0 when it is one. */
static int canonical_ip(const char *text, size_t len, char *out, size_t size)
{
    char tmp[64];
    unsigned char bin[16];
    while (len && (*text == ' ' || *text == '\t'))
        text++, len--;
    while (len && (text[len - 1] == ' ' || text[len - 1] == '\t'))
        len--;
    if (len == 0 || len >= sizeof(tmp))
        return -1;
    memcpy(tmp, text, len);
    tmp[len] = '\0';
    if (inet_pton(AF_INET, tmp, bin) == 1)
        return inet_ntop(AF_INET, bin, out, (socklen_t)size) ? 0 : -1;
    if (inet_pton(AF_INET6, tmp, bin) == 1)
        return inet_ntop(AF_INET6, bin, out, (socklen_t)size) ? 0 : -1;
    return -1;
}

static int is_trusted(const struct server_config *cfg, const char *ip)
{
    char a[64];
    for (int i = 0; i < cfg->ntrusted_proxy; i++) {
        const char *p = cfg->trusted_proxy[i];
        if (canonical_ip(p, strlen(p), a, sizeof(a)) == 0 && !strcmp(a, ip))
            return 1;
    }
    return 0;
}

int server_check_proxies(const struct server_config *cfg, struct err *e)
{
    char a[64];
    for (int i = 0; i < cfg->ntrusted_proxy; i++)
        if (canonical_ip(cfg->trusted_proxy[i], strlen(cfg->trusted_proxy[i]), a, sizeof(a)) < 0)
            return err_set(e, ERR_INVALID, "trusted-proxy",
                           "--trusted-proxy '%s' 不是 IP 地址 (is not an IPv4 or IPv6 address)",
                           cfg->trusted_proxy[i]);
    return 0;
}

void server_client_addr(const struct server_config *cfg, const char *peer, const char *xff,
                        const char *real_ip, char *out, size_t size)
{
    char hop[64];
    snprintf(out, size, "%s", peer);
    if (!is_trusted(cfg, peer))
        return;
    if (xff && *xff) {
        /* From the right: each hop a trusted proxy added, until the first it did not. */
        size_t end = strlen(xff);
        for (;;) {
            size_t start = end;
            while (start > 0 && xff[start - 1] != ',')
                start--;
            if (canonical_ip(xff + start, end - start, hop, sizeof(hop)) < 0)
                return; /* malformed: the last hop we could trust is the answer */
            snprintf(out, size, "%s", hop);
            if (!is_trusted(cfg, hop) || start == 0)
                return;
            end = start - 1;
        }
    }
    if (real_ip && canonical_ip(real_ip, strlen(real_ip), hop, sizeof(hop)) == 0)
        snprintf(out, size, "%s", hop);
}

/* The client's address into out; returns whether the TCP peer is a trusted proxy. */
static int client_addr(struct MHD_Connection *c, char *out, size_t size)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char peer[64] = "-";
    snprintf(out, size, "-");
    if (!ci || !ci->client_addr)
        return 0;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, peer,
                  (socklen_t)sizeof(peer));
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, peer,
                  (socklen_t)sizeof(peer));
    server_client_addr(config, peer,
                       MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For"),
                       MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Real-IP"), out, size);
    return is_trusted(config, peer);
}

/* Whether the client reached us over TLS: our own (the daemon runs without TLS today, so
 * the connection info says so) or a trusted proxy's, as its X-Forwarded-Proto says. */
static int over_https(struct MHD_Connection *c, int via_trusted_proxy)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_PROTOCOL);
    if (ci && ci->protocol != 0)
        return 1; /* a GnuTLS protocol: only TLS connections have one */
    const char *proto = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-Proto");
    return via_trusted_proxy && proto && !strcasecmp(proto, "https");
}

/* Queues `len` bytes of `body` (malloc'ed; taken here) with the headers every answer has. */
static enum MHD_Result send_body(struct request *r, char *body, size_t len, const char *type,
                                 const char *disposition)
{
    r->bytes = len;
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", type);
    if (disposition)
        MHD_add_response_header(resp, "Content-Disposition", disposition);
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    for (int i = 0; i < r->ncookies; i++)
        MHD_add_response_header(resp, "Set-Cookie", r->cookies[i]);
    enum MHD_Result ok = MHD_queue_response(r->conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ok;
}

static enum MHD_Result send_json(struct request *r, json_t *doc)
{
    char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    json_decref(doc);
    if (!text)
        text = xstrdup("{\"error\":{\"code\":\"internal\",\"message\":\"cannot encode\"}}");
    size_t len = strlen(text);
    char *body = xmalloc(len + 2);
    memcpy(body, text, len);
    body[len++] = '\n';
    body[len] = '\0';
    free(text);
    return send_body(r, body, len, "application/json; charset=utf-8", NULL);
}

/* The download a route left in r->download, as an attachment. */
static enum MHD_Result send_download(struct request *r)
{
    char disposition[128];
    snprintf(disposition, sizeof(disposition), "%s; filename=\"%s\"",
             r->download.inline_ ? "inline" : "attachment", r->download.filename);
    char *body = r->download.data;
    r->download.data = NULL;
    return send_body(r, body, r->download.len, r->download.type, disposition);
}

static enum MHD_Result fail(struct request *r, int code, const char *field, const char *msg)
{
    struct err e;
    err_set(&e, code, field, "%s", msg);
    return send_json(r, api_error(r, &e));
}

static enum MHD_Result fail_too_big(struct request *r)
{
    char msg[160];
    snprintf(msg, sizeof(msg), "请求体过大，超过 %zu 字节 (the request body is larger than %zu bytes)",
             config->max_body, config->max_body);
    return fail(r, ERR_TOO_BIG, "body", msg);
}

/* The server's unescape callback (wire_unescape()). */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    (void)cls;
    (void)conn;
    return wire_unescape(s);
}

/* Copies one header, cookie or query argument into the request (req_add()). */
static enum MHD_Result copy_value(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *value)
{
    int k = kind == MHD_HEADER_KIND ? REQ_HEADER : kind == MHD_COOKIE_KIND ? REQ_COOKIE
                                                                          : REQ_QUERY;
    req_add(cls, k, key, value);
    return MHD_YES;
}

static enum MHD_Result add_header_len(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    (void)kind;
    *(size_t *)cls += strlen(key) + (value ? strlen(value) : 0) + 4; /* ": " and CRLF */
    return MHD_YES;
}

/* The request line and headers' size, as sent (near enough: whitespace is not counted). */
static size_t header_bytes(struct MHD_Connection *conn, const char *url, const char *method)
{
    size_t n = strlen(method) + strlen(url) + 12;
    MHD_get_connection_values(conn, MHD_HEADER_KIND, add_header_len, &n);
    return n;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **con_cls)
{
    (void)cls;
    (void)version;
    struct request *r = *con_cls;
    if (!r) {
        r = xcalloc(1, sizeof(*r));
        r->start_ns = mono_ns();
        r->conn = conn;
        r->cfg = config;
        r->method = method;
        r->status = 200;
        snprintf(r->path, sizeof(r->path), "%s", url);
        buf_init(&r->body, config->max_body);
        MHD_get_connection_values(conn, MHD_HEADER_KIND | MHD_COOKIE_KIND | MHD_GET_ARGUMENT_KIND,
                                  copy_value, r);
        r->https = over_https(conn, client_addr(conn, r->addr, sizeof(r->addr)));
        *con_cls = r;
        /* Answered at once, on the first call: the connection closes after it. */
        if (header_bytes(conn, url, method) > SERVER_MAX_HEADER_BYTES) {
            struct err e;
            char msg[160];
            snprintf(msg, sizeof(msg),
                     "请求头过大，超过 %u 字节 (the request headers are larger than %u bytes)",
                     SERVER_MAX_HEADER_BYTES, SERVER_MAX_HEADER_BYTES);
            err_set(&e, ERR_TOO_BIG, "headers", "%s", msg);
            json_t *doc = api_error(r, &e);
            r->status = 431; /* api_error's 413 is for bodies */
            return send_json(r, doc);
        }
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > config->max_body) {
            r->too_big = 1;
            /* A client waiting for "100 Continue" is answered now, so it never sends the
             * body; queued on this first call, libmicrohttpd sends no 100 Continue. */
            const char *expect = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Expect");
            if (expect && !strcasecmp(expect, "100-continue"))
                return fail_too_big(r);
        }
        return MHD_YES;
    }
    if (*upload_size) {
        if (!r->too_big) {
            buf_add(&r->body, upload_data, *upload_size);
            if (buf_error(&r->body))
                r->too_big = 1;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    struct err e = {0};
    if (wire_check_path(url, sizeof(r->path), &e) < 0)
        return send_json(r, api_error(r, &e));
    if (r->too_big)
        return fail_too_big(r);
    if (static_owns(r->path))
        return static_serve(conn, method, r->path, &r->status, &r->bytes) == MHD_YES ? MHD_YES
                                                                                    : MHD_NO;
    r->now = (int64_t)time(NULL);
    r->svc = thread_service(&e);
    if (!r->svc)
        return send_json(r, api_error(r, &e));
    json_t *doc = api_handle(r);
    return doc ? send_json(r, doc) : send_download(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    struct request *r = *con_cls;
    if (!r)
        return;
    if (!config->quiet) {
        /* The path only: query strings may carry personal data (a phone suffix). */
        char cut[128], path[400], method[40], user[200], addr[200];
        snprintf(cut, sizeof(cut), "%.*s", (int)strcspn(r->path, "?"), r->path);
        wire_log_value(path, sizeof(path), cut);
        wire_log_value(method, sizeof(method), r->method);
        wire_log_value(user, sizeof(user), r->authed ? r->actor.name : "-");
        wire_log_value(addr, sizeof(addr), r->addr);
        pthread_mutex_lock(&log_lock);
        fprintf(stderr, "access addr=%s method=%s path=%s status=%d bytes=%zu ms=%.2f user=%s%s\n",
                addr, method, path, r->status, r->bytes,
                (double)(mono_ns() - r->start_ns) / 1e6, user,
                toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=1");
        pthread_mutex_unlock(&log_lock);
    }
    req_release(r);
    free(r);
    *con_cls = NULL;
}

int server_run(const struct server_config *cfg, struct err *e)
{
    config = cfg;
    if (server_check_proxies(cfg, e) < 0)
        return -1;
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)cfg->port);
    if (inet_pton(AF_INET, cfg->host, &addr.sin_addr) != 1)
        return err_set(e, ERR_INVALID, "listen", "cannot listen on '%s': not an IPv4 address",
                       cfg->host);
    /* The database must open before we accept anyone. */
    struct service probe;
    if (service_open(&probe, cfg->db, OPEN_EXISTING, e) < 0)
        return -1;
    service_close(&probe);
    if (pthread_key_create(&svc_key, close_service) != 0)
        return err_set(e, ERR_IO, "", "cannot create thread key");

    /* Signals go to the main thread only, which waits for them below. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    unsigned threads = cfg->threads ? cfg->threads : (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, (uint16_t)cfg->port, NULL, NULL,
        on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, threads ? threads : 1u, MHD_OPTION_CONNECTION_TIMEOUT,
        cfg->timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
        MHD_OPTION_CONNECTION_LIMIT, 1000u, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        SERVER_PER_IP_CONNECTIONS, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_END);
    if (!d) {
        pthread_sigmask(SIG_UNBLOCK, &sigs, NULL);
        return err_set(e, ERR_IO, "listen", "cannot listen on %s:%u (in use, or not allowed)",
                       cfg->host, cfg->port);
    }
    fprintf(stderr, "shishi: serving %s on http://%s:%u/ with %u threads\n", cfg->db, cfg->host,
            cfg->port, threads);
    int sig = 0;
    sigwait(&sigs, &sig);
    fprintf(stderr, "shishi: %s received, finishing requests in flight\n",
            sig == SIGINT ? "SIGINT" : "SIGTERM");
    MHD_stop_daemon(d); /* joins the workers; their store connections close on thread exit */
    pthread_key_delete(svc_key);
    pthread_sigmask(SIG_UNBLOCK, &sigs, NULL);
    fprintf(stderr, "shishi: stopped\n");
    return 0;
}
