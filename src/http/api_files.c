/* api_files.c -- evidence files (photos, PDFs) over HTTP: upload the raw bytes, fetch one
 * back to show inline. What a file may be and who may read it is the service's
 * (service/files.c). */
#include <stdio.h>
#include <string.h>

#include "http/handlers.h"
#include "http/req.h"

#include "util/banned.h"

/* POST /api/v1/files: the raw bytes of one photo or PDF, sent with its Content-Type. */
json_t *file_upload(struct request *r, struct err *e)
{
    const char *type = req_header(r, "Content-Type");
    char mime[64];
    snprintf(mime, sizeof(mime), "%.*s", type ? (int)strcspn(type, "; ") : 0, type ? type : "");
    char ref[96];
    if (svc_file_put(r->svc, &r->actor, mime[0] ? mime : NULL,
                     (const unsigned char *)r->body.ptr, r->body.len, r->now, ref, sizeof(ref),
                     e) < 0)
        return NULL;
    r->status = 201;
    return json_pack("{s:s, s:I}", "ref", ref, "size", (json_int_t)r->body.len);
}

/* GET /api/v1/files/{hex}.{ext}: the file, shown inline (thumbnails, PDF viewer). */
json_t *file_download(struct request *r, struct err *e)
{
    const char *name = r->arg[0];
    unsigned char *data;
    size_t len;
    const char *mime;
    if (svc_file_get(r->svc, &r->actor, name, &data, &len, &mime, e) < 0)
        return NULL;
    r->download.data = (char *)data;
    r->download.len = len;
    r->download.type = mime;
    r->download.inline_ = 1;
    const char *ext = strrchr(name, '.');
    snprintf(r->download.filename, sizeof(r->download.filename), "evidence-%.12s%s", name,
             ext ? ext : "");
    return NULL;
}
