/* ops_files.c -- evidence files (migration 0014), keyed by the SHA-256 of their bytes:
 * written once over the driver (db.h) for both engines. */
#include "store/ops.h"

#include <stdio.h>
#include <string.h>

#include "util/xalloc.h"

#include "util/banned.h"

int store_file_put(store_t *st, const char *sha256, const char *mime, int64_t size,
                   const char *b64, int64_t at, struct err *e)
{
    static const char sql[] = "INSERT INTO files (sha256, mime, size, data, created_at) "
                              "VALUES (?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING";
    if (db_write_allowed(st, e) < 0)
        return -1;
    struct db_stmt *q = db_prep(st->db, sql, 0, e);
    if (!q)
        return -1;
    db_bind_text(q, 1, sha256);
    db_bind_text(q, 2, mime);
    db_bind_int(q, 3, size);
    db_bind_text(q, 4, b64);
    db_bind_int(q, 5, at);
    return db_run(q, "cannot store the file", e);
}

struct file_out {
    char *mime;
    size_t mime_size;
    char **b64;
};

static void read_file(struct db_stmt *q, void *item)
{
    struct file_out *f = item;
    snprintf(f->mime, f->mime_size, "%s", db_col_text(q, 0));
    *f->b64 = xstrdup(db_col_text(q, 1));
}

int store_file_get(store_t *st, const char *sha256, char *mime, size_t mime_size, char **b64,
                   struct err *e)
{
    static const char sql[] = "SELECT mime, data FROM files WHERE sha256 = ?";
    struct db_stmt *q = db_prep(st->db, sql, 0, e);
    if (!q)
        return -1;
    db_bind_text(q, 1, sha256);
    struct file_out f = {mime, mime_size, b64};
    *b64 = NULL;
    int rc = db_one(q, read_file, &f, "file", e);
    if (rc == 0)
        return err_set(e, ERR_NOT_FOUND, "file", "no file %.16s…", sha256);
    return rc < 0 ? -1 : 0;
}
