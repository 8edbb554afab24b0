/* static.c -- serving the embedded web pages.
 * Hashed assets (assets/…, named by content) are cached for a year; the index pages are
 * never cached, so a new build is picked up at the next load. A route of a single-page app
 * ("/appeals/YD…", "/h5/follow") gets its page's index.html; a missing asset is a 404.
 * Every page carries a Content-Security-Policy that allows only this origin's scripts and
 * nothing from elsewhere. */
#include "http/static.h"

#include <microhttpd.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/embedded.h"

#include "util/banned.h"

/* No 'unsafe-inline' anywhere: Vue, Element Plus and ECharts set styles through the CSSOM
 * (element.style), which CSP allows; the build emits no inline <script> or <style>. Measured:
 * the browser test (which fails on any console error, CSP reports included) passes with this
 * policy through every page it visits. */
#define CSP                                                                                    \
    "default-src 'none'; script-src 'self'; style-src 'self'; "                \
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "                 \
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"

static const struct {
    const char *ext, *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".woff", "font/woff"},
    {".ttf", "font/ttf"},
    {".txt", "text/plain; charset=utf-8"},
};

static const char *content_type(const char *path)
{
    size_t n = strlen(path);
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        size_t m = strlen(types[i].ext);
        if (n >= m && !strcmp(path + n - m, types[i].ext))
            return types[i].type;
    }
    return "application/octet-stream";
}

static const struct web_file *find(const char *path)
{
    for (int i = 0; i < embedded_web_count; i++)
        if (!strcmp(embedded_web[i].path, path))
            return &embedded_web[i];
    return NULL;
}

int static_owns(const char *url)
{
    return strncmp(url, "/api/", 5) != 0 && strcmp(url, "/api") != 0 &&
           strcmp(url, "/healthz") != 0;
}

static int accepts_gzip(struct MHD_Connection *conn)
{
    const char *ae = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept-Encoding");
    return ae && strstr(ae, "gzip") != NULL;
}

static int plain(struct MHD_Connection *conn, int code, const char *text, int *status,
                 size_t *bytes)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(text), (void *)(uintptr_t)text,
                                        MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", "text/plain; charset=utf-8");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    *status = code;
    *bytes = strlen(text);
    int ok = MHD_queue_response(conn, (unsigned)code, resp);
    MHD_destroy_response(resp);
    return ok;
}

int static_serve(struct MHD_Connection *conn, const char *method, const char *url, int *status,
                 size_t *bytes)
{
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return plain(conn, 405, "405 只接受 GET 请求 (only GET here)\n", status, bytes);
    if (!embedded_web_count)
        return plain(conn, 404,
                     "本程序构建时未包含网页控制台，仅提供 API（/api/v1/）。\n"
                     "The web console was not built into this binary: only the API is served "
                     "under /api/v1/. Build it with `bash scripts/web.sh` and rebuild.\n",
                     status, bytes);
    char path[512];
    snprintf(path, sizeof(path), "%s", url + (url[0] == '/'));
    if (strstr(path, "..") || strchr(path, '\\'))
        return plain(conn, 404, "404 not found\n", status, bytes);
    size_t n = strlen(path);
    const struct web_file *f = NULL;
    if (n && path[n - 1] != '/')
        f = find(path);
    if (!f) {
        /* A missing file with an extension under assets/ is a real 404, not a route. */
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        if (!strncmp(path, "assets/", 7) || !strncmp(path, "h5/assets/", 10) ||
            (strchr(base, '.') && strcmp(base + strlen(base) - 5, ".html") != 0))
            return plain(conn, 404, "404 找不到该文件 (no such file)\n", status, bytes);
        snprintf(path, sizeof(path), "%s", !strncmp(url, "/h5", 3) && (url[3] == '/' || !url[3])
                                               ? "h5/index.html"
                                               : "index.html");
        f = find(path);
        if (!f)
            return plain(conn, 404, "404 not found\n", status, bytes);
    }
    const char *type = content_type(f->path);
    int hashed = strstr(f->path, "assets/") != NULL;
    const struct web_file *body = f;
    if (accepts_gzip(conn)) {
        char gz[520];
        snprintf(gz, sizeof(gz), "%s.gz", f->path);
        const struct web_file *z = find(gz);
        if (z)
            body = z;
    }
    size_t len = (size_t)(body->end - body->data);
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        len, (void *)(uintptr_t)body->data, MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", type);
    MHD_add_response_header(resp, "Cache-Control",
                            hashed ? "public, max-age=31536000, immutable" : "no-cache");
    MHD_add_response_header(resp, "Vary", "Accept-Encoding");
    if (body != f)
        MHD_add_response_header(resp, "Content-Encoding", "gzip");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    if (!strcmp(type, "text/html; charset=utf-8")) {
        MHD_add_response_header(resp, "Content-Security-Policy", CSP);
        MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    }
    *status = 200;
    *bytes = len;
    int ok = MHD_queue_response(conn, 200, resp);
    MHD_destroy_response(resp);
    return ok;
}
