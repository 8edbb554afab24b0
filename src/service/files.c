/* files.c -- evidence files (photos and PDFs) for replies and close-outs, and the citizens'
 * use cases beyond submit and follow: the public list of areas and the self-service rating.
 *
 * A file is kept once under the SHA-256 of its bytes. Its reference, "sha256:<hex>.<ext>",
 * is what a reply or close-out lists in `evidence`; the event's details carry it into the
 * hash chain, so the chain seals the file's content and svc_file_check() finds a file that
 * was changed or lost. The type is decided by the bytes (magic numbers), not by what the
 * client claims. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/guard.h"
#include "service/service.h"
#include "util/xalloc.h"

#include "util/banned.h"

static const struct file_type {
    const char *mime, *ext;
    const unsigned char *magic;
    size_t magic_len;
} file_types[] = {
    {"image/jpeg", "jpg", (const unsigned char *)"\xff\xd8\xff", 3},
    {"image/png", "png", (const unsigned char *)"\x89PNG\r\n\x1a\n", 8},
    {"application/pdf", "pdf", (const unsigned char *)"%PDF-", 5},
};
#define N_FILE_TYPES (sizeof(file_types) / sizeof(file_types[0]))

static const struct file_type *sniff(const unsigned char *data, size_t len)
{
    for (size_t i = 0; i < N_FILE_TYPES; i++)
        if (len >= file_types[i].magic_len &&
            !memcmp(data, file_types[i].magic, file_types[i].magic_len))
            return &file_types[i];
    return NULL;
}

static void hex_sha256(const unsigned char *data, size_t len, char out[65])
{
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(d, data, len);
    sodium_bin2hex(out, 65, d, sizeof(d));
}

/* Checks and stores the bytes of one file; `photos_only` refuses a PDF. */
static int put_bytes(struct service *svc, const char *claimed_mime, const unsigned char *data,
                     size_t len, int photos_only, int64_t now, char *ref, size_t ref_size,
                     struct err *e)
{
    if (!len)
        return err_set(e, ERR_INVALID, "body", "the file is empty");
    if (len > SVC_FILE_MAX)
        return err_set(e, ERR_TOO_BIG, "body", "a file may hold at most %d bytes (1 MiB)",
                       SVC_FILE_MAX);
    const struct file_type *t = sniff(data, len);
    if (!t || (photos_only && strncmp(t->mime, "image/", 6) != 0))
        return err_set(e, ERR_INVALID, "Content-Type",
                       photos_only ? "only JPEG and PNG photos are accepted"
                                   : "only JPEG and PNG photos and PDF documents are accepted");
    if (claimed_mime && strcmp(claimed_mime, t->mime) != 0)
        return err_set(e, ERR_INVALID, "Content-Type",
                       "the file is %s but was sent as %s", t->mime, claimed_mime);
    char hex[65];
    hex_sha256(data, len, hex);
    size_t b64len = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = xmalloc(b64len);
    sodium_bin2base64(b64, b64len, data, len, sodium_base64_VARIANT_ORIGINAL);
    int rc = store_file_put(svc->st, hex, t->mime, (int64_t)len, b64, now, e);
    free(b64);
    if (rc < 0)
        return -1;
    snprintf(ref, ref_size, "sha256:%s.%s", hex, t->ext);
    return 0;
}

int svc_file_put(struct service *svc, const struct actor *who, const char *claimed_mime,
                 const unsigned char *data, size_t len, int64_t now, char *ref, size_t ref_size,
                 struct err *e)
{
    /* Whoever may reply to or close out an appeal may attach evidence. */
    if (guard(who, SUBJ_APPEAL, "reply", e) < 0) {
        struct err e2;
        if (guard(who, SUBJ_APPEAL, "close", &e2) < 0)
            return -1;
    }
    return put_bytes(svc, claimed_mime, data, len, 0, now, ref, ref_size, e);
}

int svc_public_submit(struct service *svc, struct register_req *req, const char *photo_b64,
                      struct appeal *out, struct err *e)
{
    struct actor citizen;
    svc_citizen(&citizen, NULL);
    char ref[96];
    unsigned char *bytes = NULL;
    size_t len = 0;
    if (photo_b64 && *photo_b64) {
        /* A data: URL as a browser's FileReader or canvas gives it, or bare base64. */
        const char *comma = strncmp(photo_b64, "data:", 5) ? NULL : strchr(photo_b64, ',');
        const char *b64 = comma ? comma + 1 : photo_b64;
        size_t blen = strlen(b64), cap = blen / 4 * 3 + 3;
        if (cap > SVC_FILE_MAX + 3)
            return err_set(e, ERR_TOO_BIG, "photo", "a photo may hold at most %d bytes (1 MiB)",
                           SVC_FILE_MAX);
        bytes = xmalloc(cap);
        if (sodium_base642bin(bytes, cap, b64, blen, "\r\n", &len, NULL,
                              sodium_base64_VARIANT_ORIGINAL) != 0) {
            free(bytes);
            return err_set(e, ERR_INVALID, "photo", "the photo is not valid base64");
        }
    }
    if (store_begin(svc->st, e) < 0) {
        free(bytes);
        return -1;
    }
    int rc = 0;
    if (bytes) {
        rc = put_bytes(svc, NULL, bytes, len, 1, req->at, ref, sizeof(ref), e);
        if (rc < 0 && !strcmp(e->field, "Content-Type"))
            snprintf(e->field, sizeof(e->field), "photo");
        if (rc == 0) {
            req->photo[0] = ref;
            req->n_photo = 1;
        }
    }
    free(bytes);
    if (rc < 0 || svc_register(svc, &citizen, req, out, e) < 0 || store_commit(svc->st, e) < 0) {
        store_rollback(svc->st);
        req->n_photo = 0;
        return -1;
    }
    req->n_photo = 0; /* ref was this call's */
    svc_check_registered(svc, out);
    return 0;
}

/* Splits "<hex>.<ext>" (or "sha256:<hex>.<ext>"); 0, or -1 when it is not a reference. */
static int parse_name(const char *name, char hex[65], const struct file_type **t)
{
    if (!strncmp(name, "sha256:", 7))
        name += 7;
    if (strlen(name) < 66 || name[64] != '.')
        return -1;
    for (int i = 0; i < 64; i++)
        if (!strchr("0123456789abcdef", name[i]) || !name[i])
            return -1;
    memcpy(hex, name, 64);
    hex[64] = '\0';
    for (size_t i = 0; i < N_FILE_TYPES; i++)
        if (!strcmp(name + 65, file_types[i].ext)) {
            *t = &file_types[i];
            return 0;
        }
    return -1;
}

/* The bytes of stored file `hex` into *data (malloc'ed), or -1 with e. */
static int load(struct service *svc, const char *hex, unsigned char **data, size_t *len,
                char *mime, size_t mime_size, struct err *e)
{
    char *b64 = NULL;
    if (store_file_get(svc->st, hex, mime, mime_size, &b64, e) < 0)
        return -1;
    size_t cap = strlen(b64) / 4 * 3 + 3;
    *data = xmalloc(cap);
    int rc = sodium_base642bin(*data, cap, b64, strlen(b64), NULL, len, NULL,
                               sodium_base64_VARIANT_ORIGINAL);
    free(b64);
    if (rc != 0) {
        free(*data);
        *data = NULL;
        return err_set(e, ERR_DB, "file", "stored file %.16s… is not valid base64", hex);
    }
    return 0;
}

int svc_file_get(struct service *svc, const struct actor *who, const char *name,
                 unsigned char **data, size_t *len, const char **mime, struct err *e)
{
    if (guard(who, SUBJ_APPEAL, "read", e) < 0)
        return -1;
    char hex[65], stored[64];
    const struct file_type *t;
    if (parse_name(name, hex, &t) < 0)
        return err_set(e, ERR_NOT_FOUND, "file", "no file '%.80s'", name);
    if (load(svc, hex, data, len, stored, sizeof(stored), e) < 0)
        return -1;
    *mime = t->mime;
    return 0;
}

int svc_file_check(struct service *svc, const char *ref, struct err *e)
{
    char hex[65], mime[64], got[65];
    const struct file_type *t;
    if (parse_name(ref, hex, &t) < 0)
        return 0; /* a free-text reference (a paper file number): nothing stored to check */
    unsigned char *data;
    size_t len;
    if (load(svc, hex, &data, &len, mime, sizeof(mime), e) < 0)
        return -1;
    hex_sha256(data, len, got);
    free(data);
    if (strcmp(got, hex) != 0)
        return err_set(e, ERR_INVALID, "file", "file %.16s… was changed: its bytes hash to %.16s…",
                       hex, got);
    return 0;
}

/* ---- the citizens' page --------------------------------------------------------------- */

int svc_public_areas(struct service *svc, struct ref **out, size_t *n, struct err *e)
{
    /* The names of the areas are public: the citizens' form offers them. */
    return store_ref_list(svc->st, REF_AREA, out, n, e);
}

int svc_public_rate(struct service *svc, const char *code, const char *phone_last4,
                    const char *satisfaction, const char *solved, int64_t now,
                    struct appeal *out, struct err *e)
{
    struct actor citizen;
    memset(&citizen, 0, sizeof(citizen));
    citizen.role = ROLE_CITIZEN;
    snprintf(citizen.name, sizeof(citizen.name), "citizen");
    snprintf(citizen.phone_last4, sizeof(citizen.phone_last4), "%s",
             phone_last4 ? phone_last4 : "");
    if (!phone_last4 || strlen(phone_last4) != 4)
        return err_set(e, ERR_INVALID, "phone_last4", "give the last four digits of the phone");
    struct appeal a;
    struct err miss;
    /* The same answer for an unknown code and a wrong phone: codes cannot be probed. */
    if (svc_show(svc, &citizen, code, &a, NULL, &miss) < 0)
        return err_set(e, ERR_NOT_FOUND, "code", "no appeal %s with that phone number", code);
    struct act_req q;
    memset(&q, 0, sizeof(q));
    q.type = ACT_VISIT;
    q.code = a.code;
    q.at = now;
    q.expected_version = a.version;
    q.satisfaction = satisfaction;
    q.solved = solved;
    q.note = "群众通过网页自评";
    int rc = svc_act(svc, &citizen, &q, out, e);
    appeal_release(&a);
    return rc;
}
