/* server.c -- the HTTP server: libmicrohttpd's thread pool with epoll, request bodies with
 * a size cap, one store connection per worker thread, an access log line per request, and
 * a graceful stop on SIGINT/SIGTERM.
 * Two guards keep a few clients from taking the server: a watchdog closes a connection whose
 * headers or body do not arrive in time (libmicrohttpd's own timeout only counts silence, so
 * one header line every 2 s held a connection forever), and heavy routes (ROUTE_HEAVY) run on
 * a pool of their own while their connection is suspended, so a year's bulletin holds no
 * thread that serves connections; past a bounded queue they are answered 503.
 * Invariant: a response is queued only once the whole request has been read (the second
 * or later call of the access handler); queueing on the first call loses keep-alive. The
 * two exceptions, which close the connection on purpose: headers past
 * SERVER_MAX_HEADER_BYTES (431), and a body past the limit announced with
 * `Expect: 100-continue` (413 instead of 100 Continue). */
#define _GNU_SOURCE /* pthread_setname_np */
#include "http/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/pool.h"
#include "http/req.h"
#include "http/request.h"
#include "http/routes.h"
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

/* Heavy requests that may wait for a pool thread; one more is answered 503 at once. */
#define SERVER_HEAVY_QUEUE 8u

/* Write requests the writer applies in one transaction at most. */
#define SERVER_GROUP_MAX 64

/* A body is given body_timeout seconds, and one more for every this many bytes received
 * (a slow phone uploading a photo), but never more than SERVER_BODY_MAX_FACTOR times. */
#define SERVER_BODY_MIN_RATE 1000
#define SERVER_BODY_MAX_FACTOR 30

static pthread_key_t svc_key;
static const struct server_config *config;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pool *heavy_pool;

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The TCP peer's address as text, or "-". */
static void peer_text(const struct sockaddr *sa, char *out, size_t size)
{
    snprintf(out, size, "-");
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  (socklen_t)size);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  (socklen_t)size);
}

/* ---- the watchdog: deadlines for headers and bodies ---- */

enum stage {
    STAGE_HEADERS, /* waiting for a request's headers: the first, or the next on keep-alive */
    STAGE_BODY,    /* the headers came; the body is arriving */
    STAGE_BUSY,    /* the whole request came: ours to answer, no deadline */
};

/* One per TCP connection (libmicrohttpd's socket context), on a list the watchdog walks. */
struct watch {
    struct watch *prev, *next;
    int fd;
    enum stage stage;
    int64_t since_ns;    /* when the stage began */
    int64_t deadline_ns; /* past it, the connection is shut; INT64_MAX: none */
    size_t received;     /* body bytes so far */
    char peer[64];
};

static pthread_mutex_t watch_lock = PTHREAD_MUTEX_INITIALIZER;
static struct watch *watches;
static pthread_t watchdog_thread;
static int watchdog_stop; /* under watch_lock */
static int watchdog_started;
static pthread_cond_t watchdog_wake = PTHREAD_COND_INITIALIZER;

#define SEC_NS ((int64_t)1000000000)

/* Moves w to stage s from now on, with the deadline that stage has. */
static void watch_stage(struct watch *w, enum stage s)
{
    if (!w)
        return;
    int64_t now = mono_ns();
    pthread_mutex_lock(&watch_lock);
    w->stage = s;
    w->since_ns = now;
    w->received = 0;
    if (s == STAGE_HEADERS) /* the idle timeout, then the headers' own time */
        w->deadline_ns = now + (int64_t)(config->timeout + config->header_timeout) * SEC_NS;
    else if (s == STAGE_BODY)
        w->deadline_ns = now + (int64_t)config->body_timeout * SEC_NS;
    else
        w->deadline_ns = INT64_MAX;
    pthread_mutex_unlock(&watch_lock);
}

/* n more body bytes came: the body's deadline moves on by n / SERVER_BODY_MIN_RATE s. */
static void watch_body(struct watch *w, size_t n)
{
    if (!w)
        return;
    pthread_mutex_lock(&watch_lock);
    w->received += n;
    int64_t grace = (int64_t)(w->received / SERVER_BODY_MIN_RATE);
    if (grace > (int64_t)config->body_timeout * (SERVER_BODY_MAX_FACTOR - 1))
        grace = (int64_t)config->body_timeout * (SERVER_BODY_MAX_FACTOR - 1);
    w->deadline_ns = w->since_ns + ((int64_t)config->body_timeout + grace) * SEC_NS;
    pthread_mutex_unlock(&watch_lock);
}

static struct watch *watch_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    (void)cls;
    struct watch *w = *socket_context;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *fd = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        const union MHD_ConnectionInfo *ca = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        w = xcalloc(1, sizeof(*w));
        w->fd = fd ? fd->connect_fd : -1;
        peer_text(ca ? ca->client_addr : NULL, w->peer, sizeof(w->peer));
        int64_t now = mono_ns();
        w->stage = STAGE_HEADERS;
        w->since_ns = now;
        w->deadline_ns = now + (int64_t)config->header_timeout * SEC_NS;
        pthread_mutex_lock(&watch_lock);
        w->next = watches;
        if (watches)
            watches->prev = w;
        watches = w;
        pthread_mutex_unlock(&watch_lock);
        *socket_context = w;
        return;
    }
    if (!w)
        return;
    /* libmicrohttpd closes the socket only after this returns, so the watchdog, which shuts
     * sockets under watch_lock, never touches a descriptor reused by a newer connection. */
    pthread_mutex_lock(&watch_lock);
    if (w->prev)
        w->prev->next = w->next;
    else
        watches = w->next;
    if (w->next)
        w->next->prev = w->prev;
    pthread_mutex_unlock(&watch_lock);
    free(w);
    *socket_context = NULL;
}

/* Every 200 ms: shuts the socket of each connection past its deadline, which
 * libmicrohttpd then sees as the client gone and closes. */
static void *watchdog(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&watch_lock);
    while (!watchdog_stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 200 * 1000000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&watchdog_wake, &watch_lock, &ts);
        int64_t now = mono_ns();
        for (struct watch *w = watches; w; w = w->next) {
            if (now < w->deadline_ns || w->fd < 0)
                continue;
            shutdown(w->fd, SHUT_RDWR);
            w->deadline_ns = INT64_MAX;
            if (!config->quiet) {
                pthread_mutex_lock(&log_lock);
                fprintf(stderr, "timeout addr=%s stage=%s ms=%.0f bytes=%zu\n", w->peer,
                        w->stage == STAGE_HEADERS ? "headers" : "body",
                        (double)(now - w->since_ns) / 1e6, w->received);
                pthread_mutex_unlock(&log_lock);
            }
        }
    }
    pthread_mutex_unlock(&watch_lock);
    return NULL;
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
    char peer[64];
    snprintf(out, size, "-");
    if (!ci || !ci->client_addr)
        return 0;
    peer_text(ci->client_addr, peer, sizeof(peer));
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

static enum MHD_Result queue_with_headers(struct request *r, struct MHD_Response *resp,
                                          const char *type, const char *disposition);

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
    return queue_with_headers(r, resp, type, disposition);
}

/* Adds the headers every answer has and queues resp (destroyed here). */
static enum MHD_Result queue_with_headers(struct request *r, struct MHD_Response *resp,
                                          const char *type, const char *disposition)
{
    MHD_add_response_header(resp, "Content-Type", type);
    if (disposition)
        MHD_add_response_header(resp, "Content-Disposition", disposition);
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    for (int i = 0; i < r->ncookies; i++)
        MHD_add_response_header(resp, "Set-Cookie", r->cookies[i]);
    if (r->status == 503)
        MHD_add_response_header(resp, "Retry-After", "5");
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
    if (r->download.has_fd) { /* a file: MHD reads it as it sends, and closes it */
        r->download.has_fd = 0;
        r->bytes = r->download.len;
        struct MHD_Response *resp =
            MHD_create_response_from_fd((uint64_t)r->download.len, r->download.fd);
        if (!resp) {
            close(r->download.fd);
            return MHD_NO;
        }
        return queue_with_headers(r, resp, r->download.type, disposition);
    }
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

/* ---- heavy work, on a pool of its own ---- */

/* r's answer, on this thread's service: JSON, or NULL for the download in r->download. */
static json_t *answer(struct request *r)
{
    struct err e = {0};
    r->svc = thread_service(&e);
    return r->svc ? api_handle(r) : api_error(r, &e);
}

static void run_heavy(void *arg)
{
    struct request *r = arg;
    r->answer = answer(r);
    MHD_resume_connection(r->conn); /* libmicrohttpd calls on_request again, which sends it */
}

/* Suspends r's connection and queues its work on the pool; the answer goes out when the
 * pool resumes it. A full queue is a 503 at once; a pool that is stopping (the server is
 * shutting down) leaves the work to this thread. */
static enum MHD_Result queue_heavy(struct request *r)
{
    /* Suspended first: the job may finish and resume before pool_submit() returns. */
    MHD_suspend_connection(r->conn);
    r->queued = 1;
    int rc = pool_submit(heavy_pool, run_heavy, r);
    if (rc == 0)
        return MHD_YES;
    if (rc == POOL_FULL) {
        struct err e;
        err_set(&e, ERR_THROTTLED, "",
                "服务器正忙于其他大型报表，请稍后重试 (the server is busy with other heavy "
                "requests: retry in a few seconds)");
        r->answer = api_error(r, &e);
        r->status = 503;
    } else {
        r->answer = answer(r);
    }
    MHD_resume_connection(r->conn);
    return MHD_YES;
}

/* ---- group commit: one writer applies concurrent writes in one transaction ---- */

/* The writer takes what has queued while it was busy, up to SERVER_GROUP_MAX requests, and
 * applies them in one transaction, each in its own savepoint: a request refused (4xx) undoes
 * only itself. One commit, one sync, then every answer goes out: nothing is acknowledged
 * before it is durable. When a request fails with a 5xx (the database went away, the disk is
 * full) the whole group is rolled back and each request is applied again on its own, so each
 * is answered as it would be alone. A lone request is applied on its own at once: with one
 * client this is the path of every write. SQLite only (serve_cmd.c says why). */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t ready;
    struct request *head, *tail;
    int stop, started;
    pthread_t thread;
} writer = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, NULL, 0, 0, 0};

/* Forgets what a first try left in r (its answer, cookies, who asked), to try again. */
static void request_retry(struct request *r)
{
    json_decref(r->answer);
    r->answer = NULL;
    r->status = 200;
    r->ncookies = 0;
    r->authed = 0;
    r->via_cookie = 0;
    memset(&r->actor, 0, sizeof(r->actor));
    r->token[0] = r->csrf[0] = '\0';
}

static void apply_group(struct request **g, int n)
{
    struct err e = {0};
    struct service *svc = n > 1 ? thread_service(&e) : NULL;
    if (n == 1 || !svc || svc_group_begin(svc, &e) < 0) {
        for (int i = 0; i < n; i++)
            g[i]->answer = answer(g[i]);
        return;
    }
    int failed = -1;
    for (int i = 0; i < n && failed < 0; i++) {
        g[i]->answer = answer(g[i]);
        if (g[i]->status >= 500)
            failed = i;
    }
    if (failed < 0 && svc_group_commit(svc, &e) == 0) {
        for (int i = 0; i < n; i++)
            g[i]->group = n;
        return;
    }
    /* Each on its own, the failed one too: its failure may have been the group's (a deadlock
     * with another server's transaction); if it was its own it fails again, alone. */
    svc_group_rollback(svc);
    for (int i = 0; i < n; i++) {
        request_retry(g[i]);
        g[i]->answer = answer(g[i]);
    }
}

static void *write_loop(void *arg)
{
    (void)arg;
    struct request *g[SERVER_GROUP_MAX];
    pthread_mutex_lock(&writer.lock);
    for (;;) {
        while (!writer.head && !writer.stop)
            pthread_cond_wait(&writer.ready, &writer.lock);
        if (!writer.head)
            break; /* stopping, and nothing left to write */
        int n = 0;
        while (writer.head && n < SERVER_GROUP_MAX) {
            g[n++] = writer.head;
            writer.head = writer.head->next_write;
        }
        if (!writer.head)
            writer.tail = NULL;
        pthread_mutex_unlock(&writer.lock);
        apply_group(g, n);
        for (int i = 0; i < n; i++)
            MHD_resume_connection(g[i]->conn);
        pthread_mutex_lock(&writer.lock);
    }
    pthread_mutex_unlock(&writer.lock);
    return NULL;
}

/* Suspends r's connection and queues it for the writer; once the writer has stopped (the
 * server is shutting down) r is applied on this thread. */
static enum MHD_Result queue_write(struct request *r)
{
    MHD_suspend_connection(r->conn);
    r->queued = 1;
    pthread_mutex_lock(&writer.lock);
    int open = !writer.stop;
    if (open) {
        r->next_write = NULL;
        if (writer.tail)
            writer.tail->next_write = r;
        else
            writer.head = r;
        writer.tail = r;
        pthread_cond_signal(&writer.ready);
    }
    pthread_mutex_unlock(&writer.lock);
    if (!open) {
        r->answer = answer(r);
        MHD_resume_connection(r->conn);
    }
    return MHD_YES;
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
        watch_stage(watch_of(conn), STAGE_BODY);
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
    if (r->queued) { /* resumed: the heavy-work pool has the answer */
        json_t *doc = r->answer;
        r->answer = NULL;
        return doc ? send_json(r, doc) : send_download(r);
    }
    if (*upload_size) {
        watch_body(watch_of(conn), *upload_size);
        if (!r->too_big) {
            buf_add(&r->body, upload_data, *upload_size);
            if (buf_error(&r->body))
                r->too_big = 1;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    watch_stage(watch_of(conn), STAGE_BUSY);
    struct err e = {0};
    if (wire_check_path(url, sizeof(r->path), &e) < 0)
        return send_json(r, api_error(r, &e));
    if (r->too_big)
        return fail_too_big(r);
    if (static_owns(r->path))
        return static_serve(conn, method, r->path, &r->status, &r->bytes) == MHD_YES ? MHD_YES
                                                                                    : MHD_NO;
    r->now = (int64_t)time(NULL);
    unsigned flags = api_flags(r);
    if (heavy_pool && (flags & ROUTE_HEAVY))
        return queue_heavy(r);
    if ((flags & ROUTE_WRITE) && !(flags & ROUTE_ALONE) && config->group_commit)
        return queue_write(r);
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
        char group[24] = "";
        if (r->group > 1)
            snprintf(group, sizeof(group), " group=%d", r->group);
        fprintf(stderr, "access addr=%s method=%s path=%s status=%d bytes=%zu ms=%.2f user=%s%s%s\n",
                addr, method, path, r->status, r->bytes,
                (double)(mono_ns() - r->start_ns) / 1e6, user, group,
                toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=1");
        pthread_mutex_unlock(&log_lock);
    }
    req_release(r);
    json_decref(r->answer);
    free(r);
    *con_cls = NULL;
    watch_stage(watch_of(conn), STAGE_HEADERS);
}

/* Stops the heavy-work pool (running what it holds; a heavy request after this runs on the
 * thread that took it) and the watchdog. The pool is freed once the daemon has stopped. */
static void stop_guards(void)
{
    pool_stop(heavy_pool);
    pthread_mutex_lock(&writer.lock);
    writer.stop = 1;
    pthread_cond_signal(&writer.ready);
    pthread_mutex_unlock(&writer.lock);
    if (writer.started)
        pthread_join(writer.thread, NULL);
    writer.started = 0;
    pthread_mutex_lock(&watch_lock);
    watchdog_stop = 1;
    pthread_cond_signal(&watchdog_wake);
    pthread_mutex_unlock(&watch_lock);
    if (watchdog_started)
        pthread_join(watchdog_thread, NULL);
    watchdog_started = 0;
}

/* Starts the heavy-work pool, the writer and the watchdog, or none of them. */
static int start_guards(const struct server_config *cfg, struct err *e)
{
    writer.stop = watchdog_stop = 0;
    if (cfg->heavy_threads && !(heavy_pool = pool_start(cfg->heavy_threads, SERVER_HEAVY_QUEUE)))
        goto fail;
    if (cfg->group_commit && pthread_create(&writer.thread, NULL, write_loop, NULL) != 0)
        goto fail;
    writer.started = cfg->group_commit;
    if (pthread_create(&watchdog_thread, NULL, watchdog, NULL) != 0)
        goto fail;
    watchdog_started = 1;
    /* Named, so that top -H, perf and a fault test can tell them apart. */
    if (writer.started)
        pthread_setname_np(writer.thread, "shishi-writer");
    pthread_setname_np(watchdog_thread, "shishi-watchdog");
    return 0;
fail:
    stop_guards();
    pool_free(heavy_pool);
    heavy_pool = NULL;
    return err_set(e, ERR_IO, "", "cannot start the server's threads");
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
    if (start_guards(cfg, e) < 0) {
        pthread_sigmask(SIG_UNBLOCK, &sigs, NULL);
        return -1;
    }
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME,
        (uint16_t)cfg->port, NULL, NULL,
        on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, threads ? threads : 1u, MHD_OPTION_CONNECTION_TIMEOUT,
        cfg->timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
        MHD_OPTION_CONNECTION_LIMIT, 1000u, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        SERVER_PER_IP_CONNECTIONS, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_NOTIFY_CONNECTION,
        on_connection, NULL, MHD_OPTION_END);
    if (!d) {
        stop_guards();
        pool_free(heavy_pool);
        heavy_pool = NULL;
        pthread_sigmask(SIG_UNBLOCK, &sigs, NULL);
        return err_set(e, ERR_IO, "listen",
                       "端口 %s:%u 已被占用或无权使用，请用 --listen HOST:PORT 换一个 "
                       "(cannot listen on %s:%u: in use or not allowed)",
                       cfg->host, cfg->port, cfg->host, cfg->port);
    }
    fprintf(stderr, "shishi: serving %s on http://%s:%u/ with %u threads (%u for heavy work)\n",
            cfg->db, cfg->host, cfg->port, threads, cfg->heavy_threads);
    int sig = 0;
    sigwait(&sigs, &sig);
    fprintf(stderr, "shishi: %s received, finishing requests in flight\n",
            sig == SIGINT ? "SIGINT" : "SIGTERM");
    /* No new connections; the heavy work queued finishes and resumes its connections (a
     * suspended one must not outlive the daemon), then the workers stop. */
    MHD_socket listener = MHD_quiesce_daemon(d);
    stop_guards();
    MHD_stop_daemon(d); /* joins the workers; their store connections close on thread exit */
    if (listener != MHD_INVALID_SOCKET)
        close(listener);
    pool_free(heavy_pool);
    heavy_pool = NULL;
    pthread_key_delete(svc_key);
    pthread_sigmask(SIG_UNBLOCK, &sigs, NULL);
    fprintf(stderr, "shishi: stopped\n");
    return 0;
}
