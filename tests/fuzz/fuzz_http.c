/* fuzz_http.c -- libFuzzer target for the HTTP API: each input is one request, decoded the way
 * the server decodes it (http/wire.c, libmicrohttpd's argument and cookie parsing mirrored
 * here), routed and handled by the real dispatcher and handlers (http/api.c, routes.c,
 * api_*.c, req.c) on a real SQLite ledger holding the demo (永定区), with sessions for a few
 * of its users. Every input starts from the same ledger (a fresh copy of it) at the same
 * clock, so each run is deterministic.
 *
 * Input format (text; tests/fuzz/corpus/http/ has examples):
 *   W METHOD TARGET\n        W: who asks (see `whos` below), TARGET: path[?query], raw
 *   Name: value\n ...        headers, up to an empty line (Cookie is parsed into cookies)
 *   \n
 *   body...                  the rest, as sent
 *
 * Invariants: the path checks and the access-log escaping hold; every answer's status is in
 * 100..599 and never 5xx; a JSON answer encodes and parses back as an object or array, and
 * one with status >= 400 is {"error":{"code":"...","message":"...",...}}; a download is a
 * 200 with a type and a filename that cannot break its Content-Disposition header; no
 * Set-Cookie value holds a control character. ASan checks the rest, leaks included.
 *
 * Not reached: the static console (not an API path), and the routes that hash a password
 * with Argon2id (logging in, setting a password: a tenth of a second each), which are
 * answered "skipped" so that the fuzzer keeps its speed; their refusals before the hash are
 * covered by tests/api/. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/req.h"
#include "http/request.h"
#include "http/server.h"
#include "http/wire.h"
#include "service/service.h"

#include "util/banned.h"

#define FIXED_NOW ((int64_t)1644890400) /* 2022-02-15 10:00 in Beijing, after the demo */
#define MAX_BODY  ((size_t)1 << 20)     /* serve's default --max-body */

/* Who asks, chosen by the first byte of the input. */
struct who {
    char letter;
    const char *username; /* NULL: nobody */
    int cookie;           /* 0 Bearer token, 1 session cookie + X-CSRF-Token, 2 cookie only */
};
static const struct who whos[] = {
    {'-', NULL, 0},      {'a', "admin", 0},   {'A', "admin", 1},  {'c', "admin", 2},
    {'d', "paidan", 0},  {'D', "paidan", 1},  {'h', "zhujian", 0}, {'H', "zhujian", 1},
    {'l', "lingdao", 0}, {'s', "shenji", 0},  {'j', "jiaoyu", 0},
};
#define NWHOS ((int)(sizeof(whos) / sizeof(whos[0])))

static struct login logins[NWHOS];
static char dir[64], pristine[96], work[96];
static struct server_config config;

static void die(const char *what, const struct err *e)
{
    fprintf(stderr, "fuzz_http: %s: %s\n", what, e ? e->msg : strerror(errno));
    abort();
}

static int pristine_fd = -1; /* the demo ledger, unlinked once open */

static void copy_file(const char *to)
{
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    char b[1 << 16];
    ssize_t n;
    off_t at = 0;
    if (out < 0)
        die("open", NULL);
    while ((n = pread(pristine_fd, b, sizeof(b), at)) > 0) {
        if (write(out, b, (size_t)n) != n)
            die("write", NULL);
        at += n;
    }
    close(out);
}

static void cleanup(void)
{
    char p[128];
    unlink(pristine);
    unlink(work);
    snprintf(p, sizeof(p), "%s-wal", work);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", work);
    unlink(p);
    snprintf(p, sizeof(p), "%s-journal", work);
    unlink(p);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    struct err e = {0};
    struct service svc;
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(dir, sizeof(dir), "%s/shishi-fuzz-http-%ld", base, (long)getpid());
    snprintf(pristine, sizeof(pristine), "%s/pristine.db", dir);
    snprintf(work, sizeof(work), "%s/work.db", dir);
    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        die("mkdir", NULL);
    if (service_open(&svc, pristine, OPEN_CREATE, &e) < 0 || svc_demo(&svc, &e) < 0)
        die("demo", &e);
    for (int i = 0; i < NWHOS; i++)
        if (whos[i].username &&
            svc_login(&svc, whos[i].username, "shishi-demo-2021", "192.0.2.1", FIXED_NOW,
                      &logins[i], &e) < 0)
            die(whos[i].username, &e);
    service_close(&svc);
    /* libFuzzer leaves by _exit() on a crash or a timeout: nothing may stay behind then */
    if ((pristine_fd = open(pristine, O_RDONLY)) < 0)
        die("open", NULL);
    cleanup();
    config.db = work;
    config.host = "127.0.0.1";
    config.port = 8080;
    config.max_body = MAX_BODY;
    config.timeout = 30;
    config.public_per_minute = 5;
    config.quiet = 1;
    return 0;
}

/* The strings one input makes, freed together. */
struct arena {
    char **s;
    size_t n;
};

static char *keep(struct arena *a, const char *p, size_t len)
{
    char *s = malloc(len + 1);
    if (!s)
        abort();
    memcpy(s, p, len);
    s[len] = '\0';
    a->s = realloc(a->s, (a->n + 1) * sizeof(*a->s));
    if (!a->s)
        abort();
    a->s[a->n++] = s;
    return s;
}

static void release(struct arena *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->s[i]);
    free(a->s);
}

/* A query key or value as libmicrohttpd's argument parser leaves it: '+' as space, then the
 * server's unescape callback. */
static char *arg_text(struct arena *a, const char *p, size_t len)
{
    char *s = keep(a, p, len);
    for (char *q = s; *q; q++)
        if (*q == '+')
            *q = ' ';
    wire_unescape(s);
    return s;
}

/* The query string into r as libmicrohttpd splits it: at '&', then at the first '='; an
 * argument without '=' has no value. */
static void add_query(struct request *r, struct arena *a, const char *q)
{
    while (*q) {
        size_t len = strcspn(q, "&");
        const char *eq = memchr(q, '=', len);
        if (eq)
            req_add(r, REQ_QUERY, arg_text(a, q, (size_t)(eq - q)),
                    arg_text(a, eq + 1, len - (size_t)(eq - q) - 1));
        else
            req_add(r, REQ_QUERY, arg_text(a, q, len), NULL);
        q += len;
        if (*q == '&')
            q++;
    }
}

/* A Cookie header into r's cookies as libmicrohttpd parses one: "name=value" pairs split at
 * ';', spaces before a name dropped, a value's surrounding quotes taken off. */
static void add_cookies(struct request *r, struct arena *a, const char *h)
{
    while (*h) {
        while (*h == ' ' || *h == '\t')
            h++;
        size_t len = strcspn(h, ";");
        const char *eq = memchr(h, '=', len);
        if (len && eq) {
            const char *v = eq + 1;
            size_t vlen = len - (size_t)(v - h);
            if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"')
                v++, vlen -= 2;
            req_add(r, REQ_COOKIE, keep(a, h, (size_t)(eq - h)), keep(a, v, vlen));
        } else if (len) {
            req_add(r, REQ_COOKIE, keep(a, h, len), "");
        }
        h += len;
        if (*h == ';')
            h++;
    }
}

static void add_header(struct request *r, struct arena *a, const char *name, const char *value)
{
    req_add(r, REQ_HEADER, name, value);
    if (!strcasecmp(name, "Cookie"))
        add_cookies(r, a, value);
}

/* Whether the access log could show s as something else: a byte it must have encoded. */
static void check_log_value(const char *s)
{
    char out[400];
    wire_log_value(out, sizeof(out), s);
    for (const unsigned char *p = (const unsigned char *)out; *p; p++)
        if (*p <= 0x20 || *p == 0x7f || *p == '"')
            abort();
}

/* The answer's invariants (see the top of this file). */
static void check_answer(struct request *r, json_t *doc)
{
    if (r->status < 100 || r->status > 599)
        abort();
    if (r->status >= 500) {
        char *t = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
        fprintf(stderr, "fuzz_http: %s %s answered %d: %s\n", r->method, r->path, r->status,
                t ? t : "(download)");
        abort();
    }
    for (int i = 0; i < r->ncookies; i++)
        for (const unsigned char *p = (const unsigned char *)r->cookies[i]; *p; p++)
            if (*p < 0x20 || *p == 0x7f)
                abort();
    if (!doc) {
        if (r->status != 200 || !r->download.type ||
            (!r->download.data && !r->download.has_fd && r->download.len))
            abort();
        for (const unsigned char *p = (const unsigned char *)r->download.filename; *p; p++)
            if (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\')
                abort();
        return;
    }
    char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    if (!text)
        abort(); /* the server would answer 200 with its "cannot encode" error */
    json_error_t jerr;
    json_t *back = json_loads(text, 0, &jerr);
    if (!back || !(json_is_object(back) || json_is_array(back)))
        abort();
    if (r->status >= 400) {
        json_t *err = json_object_get(back, "error");
        if (!json_is_object(err) || !json_is_string(json_object_get(err, "code")) ||
            !json_is_string(json_object_get(err, "message")))
            abort();
    }
    json_decref(back);
    free(text);
}

/* Routes the server would not hand to api_handle(), or that this target leaves out. */
static int skipped(const char *method, const char *path)
{
    /* static_owns() (http/static.c): everything but the API is the console */
    if (strncmp(path, "/api/", 5) != 0 && strcmp(path, "/api") != 0 && strcmp(path, "/healthz"))
        return 1;
    if (strcmp(method, "POST") != 0)
        return 0;
    /* Argon2id */
    const char *last = strrchr(path, '/');
    return !strcmp(path, "/api/v1/session") || !strcmp(last, "/password") ||
           !strcmp(path, "/api/v1/users");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data, *end = in + size;
    struct arena a = {0};
    if (size < 2)
        return 0;
    const struct who *who = &whos[0];
    for (int i = 0; i < NWHOS; i++)
        if (whos[i].letter == in[0])
            who = &whos[i];
    const struct login *lg = &logins[who - whos];
    in++;
    while (in < end && *in == ' ')
        in++;

    /* the request line: METHOD TARGET */
    const char *nl = memchr(in, '\n', (size_t)(end - in));
    const char *line_end = nl ? nl : end;
    char *line = keep(&a, in, (size_t)(line_end - in));
    in = nl ? nl + 1 : end;
    size_t llen = strlen(line);
    if (llen && line[llen - 1] == '\r')
        line[--llen] = '\0';
    char *sp = strchr(line, ' ');
    if (!sp || sp == line) {
        release(&a);
        return 0;
    }
    *sp = '\0';
    const char *method = line;
    char *target = sp + 1;
    char *q = strchr(target, '?');
    if (q)
        *q++ = '\0';
    wire_unescape(target); /* libmicrohttpd hands the handler the decoded path */

    struct request r;
    memset(&r, 0, sizeof(r));
    r.cfg = &config;
    r.method = method;
    r.status = 200;
    snprintf(r.path, sizeof(r.path), "%s", target);
    buf_init(&r.body, config.max_body);
    snprintf(r.addr, sizeof(r.addr), "192.0.2.7");
    r.now = FIXED_NOW;
    if (q)
        add_query(&r, &a, q);

    /* who asks comes first: libmicrohttpd's lookups answer a header's first value */
    char cookie[96];
    if (who->username && who->cookie) {
        snprintf(cookie, sizeof(cookie), "shishi_session=%s", lg->token);
        add_header(&r, &a, "Cookie", cookie);
        if (who->cookie == 1)
            add_header(&r, &a, "X-CSRF-Token", lg->csrf);
    } else if (who->username) {
        snprintf(cookie, sizeof(cookie), "Bearer %s", lg->token);
        add_header(&r, &a, "Authorization", cookie);
    }

    /* headers, up to an empty line; values trimmed as libmicrohttpd trims them */
    while (in < end) {
        nl = memchr(in, '\n', (size_t)(end - in));
        line_end = nl ? nl : end;
        char *h = keep(&a, in, (size_t)(line_end - in));
        in = nl ? nl + 1 : end;
        size_t hlen = strlen(h);
        if (hlen && h[hlen - 1] == '\r')
            h[--hlen] = '\0';
        if (!hlen)
            break;
        char *colon = strchr(h, ':');
        if (!colon || colon == h)
            continue;
        *colon = '\0';
        char *v = colon + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        size_t vlen = strlen(v);
        while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
            v[--vlen] = '\0';
        add_header(&r, &a, h, v);
    }
    buf_add(&r.body, in, (size_t)(end - in));

    check_log_value(r.path);
    check_log_value(r.method);
    struct err e = {0};
    json_t *doc = NULL;
    int answered = 1;
    if (wire_check_path(target, sizeof(r.path), &e) < 0) {
        if (e.code != ERR_INVALID && e.code != ERR_NOT_FOUND)
            abort();
        doc = api_error(&r, &e);
    } else if (skipped(method, r.path)) {
        answered = 0;
    } else {
        struct service svc;
        if (mkdir(dir, 0700) < 0 && errno != EEXIST)
            die("mkdir", NULL);
        copy_file(work);
        if (service_open(&svc, work, OPEN_EXISTING, &e) < 0)
            die("open", &e);
        r.svc = &svc;
        doc = api_handle(&r);
        if (r.authed)
            check_log_value(r.actor.name);
        r.svc = NULL;
        service_close(&svc);
        cleanup();
    }
    if (answered)
        check_answer(&r, doc);
    json_decref(doc);
    req_release(&r);
    release(&a);
    return 0;
}
