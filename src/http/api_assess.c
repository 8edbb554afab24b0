/* api_assess.c -- the assessment over HTTP: the report and its explanation (明细), the rule
 * sets, the monthly bulletin (a download: the very file `shishi bulletin` writes) and the
 * audit chain's verification. The service decides who may read each and applies the
 * reader's scope. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/text.h"
#include "http/handlers.h"
#include "http/req.h"
#include "report/layout.h"
#include "service/view.h"
#include "util/buf.h"
#include "util/civil.h"
#include "util/xalloc.h"

#include "util/banned.h"

/* A rule set version from the query: absent means the newest (0). */
static int rules_param(struct request *r, int *version, struct err *e)
{
    long x;
    if (req_query_int(r, "rules", 1, 1000000, 0, &x, e) < 0)
        return -1;
    *version = (int)x;
    return 0;
}

static json_t *explain_doc(struct request *r, const char *from, const char *to, int rules,
                           const char *figure, struct err *e)
{
    static const char *const dims[] = {"unit", "area", "channel", "town"};
    int dim = DIM_ALL;
    const char *key = NULL;
    for (int i = 0; i < 4; i++)
        if (req_query(r, dims[i])) {
            if (dim != DIM_ALL)
                return err_set(e, ERR_INVALID, dims[i], "explain one group at a time"), NULL;
            dim = DIM_UNIT + i;
            key = req_query(r, dims[i]);
            if (!*key)
                return err_set(e, ERR_INVALID, dims[i], "name the %s to explain", dims[i]), NULL;
        }
    struct explain x;
    if (svc_explain(r->svc, &r->actor, from, to, rules, r->now, figure, dim, key, &x, e) < 0)
        return NULL;
    json_t *doc = view_explain(&x);
    explain_release(&x);
    return doc;
}

/* GET /api/v1/report?from=&to=[&rules=][&explain=FIGURE[&unit=|area=|channel=|town=]] */
json_t *report_get(struct request *r, struct err *e)
{
    struct report rep;
    struct names n;
    int rules;
    const char *from = req_query(r, "from"), *to = req_query(r, "to");
    if (!from || !to)
        return err_set(e, ERR_INVALID, "from", "give from and to dates (YYYY-MM-DD)"), NULL;
    if (rules_param(r, &rules, e) < 0)
        return NULL;
    if (req_query(r, "explain"))
        return explain_doc(r, from, to, rules, req_query(r, "explain"), e);
    if (svc_report(r->svc, &r->actor, from, to, rules, r->now, &rep, e) < 0)
        return NULL;
    json_t *doc = NULL;
    if (names_load(r->svc, &n, e) == 0) {
        doc = view_report(&n, &rep);
        names_release(&n);
    }
    report_release(&rep);
    return doc;
}

/* GET /api/v1/rules: every rule set version. */
json_t *rules_list(struct request *r, struct err *e)
{
    struct ruleset *list;
    size_t n;
    if (svc_rules_list(r->svc, &r->actor, &list, &n, e) < 0)
        return NULL;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, view_ruleset(&list[i]));
    free(list);
    return json_pack("{s:o}", "items", arr);
}

/* GET /api/v1/rules/{version} */
json_t *rules_get(struct request *r, struct err *e)
{
    const char *version = r->arg[0];
    long v;
    struct ruleset rs;
    if (text_whole(version, 1, 1000000, &v) < 0)
        return err_set(e, ERR_NOT_FOUND, "version", "no rule set version '%s'", version), NULL;
    if (svc_rules_get(r->svc, &r->actor, (int)v, &rs, e) < 0)
        return NULL;
    return view_ruleset(&rs);
}

/* POST /api/v1/rules: the body is the new rule set; 201 with it. */
json_t *rules_add(struct request *r, struct err *e)
{
    char *text = json_dumps(r->json, JSON_COMPACT);
    struct ruleset rs;
    int rc = svc_rules_add(r->svc, &r->actor, text, r->now, &rs, e);
    free(text);
    if (rc < 0)
        return NULL;
    r->status = 201;
    return view_ruleset(&rs);
}

/* GET /api/v1/audit/verify: the hash chain checked end to end. */
json_t *audit_verify(struct request *r, struct err *e)
{
    struct audit_result res;
    if (svc_audit_verify(r->svc, &r->actor, &res, e) < 0)
        return NULL;
    json_t *doc = json_pack("{s:b, s:I, s:I, s:I, s:I}", "ok", res.ok, "events",
                            (json_int_t)res.events, "appeals", (json_int_t)res.appeals, "users",
                            (json_int_t)res.users, "disclosures", (json_int_t)res.disclosures);
    if (!res.ok) {
        json_object_set_new(doc, "bad_event",
                            res.bad_event ? json_integer(res.bad_event) : json_null());
        json_object_set_new(doc, "problem", json_string(res.problem));
    }
    return doc;
}

/* ---- the bulletin: a download -------------------------------------------------------- */

static const struct bulletin_format {
    const char *name, *type;
    int (*render)(const struct doc *, const char *, struct err *);
} bulletin_formats[] = {
    {"html", "text/html; charset=utf-8", render_html},
    {"csv", "text/csv; charset=utf-8", render_csv},
    {"pdf", "application/pdf", render_pdf},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", render_xlsx},
};

/* Renders d as `fmt` into a file that no name reaches and returns its descriptor, read from
 * the start, and its size: the server sends it from there (MHD_create_response_from_fd), so
 * neither the rendering nor the sending holds the whole bulletin in memory. The renderers
 * write a file (path.tmp, then renamed), so it is made in a fresh directory of our own
 * (mkdtemp: mode 0700, under TMPDIR or /tmp) where no other user can reach either name; the
 * file is opened, then both names are removed before this returns, and the space goes back
 * when the descriptor is closed. */
static int render_to_fd(const struct doc *d, const struct bulletin_format *fmt, int *fd,
                        size_t *len, struct err *e)
{
    const char *tmpdir = getenv("TMPDIR");
    struct buf dir = BUF_INIT, path = BUF_INIT;
    buf_addf(&dir, "%s/shishi-bulletin.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (!mkdtemp(dir.ptr)) {
        int rc = err_set(e, ERR_IO, "", "cannot make a directory in %s to render into: %s",
                         tmpdir && *tmpdir ? tmpdir : "/tmp", strerror(errno));
        buf_release(&dir);
        return rc;
    }
    buf_addf(&path, "%s/bulletin.%s", dir.ptr, fmt->name);
    int rc = fmt->render(d, path.ptr, e);
    if (rc < 0) {
        /* The renderer names its --out option and path; here both are ours, not the client's. */
        char msg[sizeof(e->msg)];
        snprintf(msg, sizeof(msg), "%s", e->msg);
        err_set(e, ERR_IO, "", "cannot render the bulletin as %s: %s", fmt->name, msg);
    } else {
        struct stat sb;
        *fd = open(path.ptr, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (*fd < 0 || fstat(*fd, &sb) != 0) {
            rc = err_set(e, ERR_IO, "", "cannot read the rendered bulletin: %s", strerror(errno));
            if (*fd >= 0)
                close(*fd);
        } else {
            *len = (size_t)sb.st_size;
        }
        unlink(path.ptr);
    }
    rmdir(dir.ptr);
    buf_release(&path);
    buf_release(&dir);
    return rc;
}

/* GET /api/v1/bulletin?month=YYYY-MM|from=&to=&format=F[&rules=N]: the monthly bulletin,
 * the very file `shishi bulletin` writes, as an attachment in r->download (a file
 * descriptor: the server sends it as it reads it). Names and
 * phones in its ledger are masked by the service, so every role that may read the report
 * may have it. Returns 0, or -1 with e filled. */
static int bulletin_download(struct request *r, struct err *e)
{
    const char *month = req_query(r, "month"), *from = req_query(r, "from"),
               *to = req_query(r, "to");
    const char *format = req_query(r, "format");
    int rules;
    if (!month == !(from || to))
        return err_set(e, ERR_INVALID, "month", "give month=YYYY-MM, or from and to dates");
    if (rules_param(r, &rules, e) < 0)
        return -1;
    const struct bulletin_format *fmt = NULL;
    for (size_t i = 0; format && i < sizeof(bulletin_formats) / sizeof(*bulletin_formats); i++)
        if (!strcmp(format, bulletin_formats[i].name))
            fmt = &bulletin_formats[i];
    if (!format)
        return err_set(e, ERR_INVALID, "format", "give format=html, csv, pdf or xlsx");
    if (!fmt)
        return err_set(e, ERR_INVALID, "format", "format must be html, csv, pdf or xlsx, not '%s'",
                       format);
    struct doc d;
    int64_t from_day, to_day;
    if (layout_bulletin_for(r->svc, &r->actor, month, from, to, rules, r->now, &d, &from_day,
                            &to_day, e) < 0)
        return -1;
    int fd = -1;
    size_t len = 0;
    int rc = render_to_fd(&d, fmt, &fd, &len, e);
    if (rc == 0) {
        /* Named from the dates the service parsed, never from the query's text. */
        char d1[11], d2[11];
        civil_format_date(from_day, d1);
        civil_format_date(to_day, d2);
        if (month)
            snprintf(r->download.filename, sizeof(r->download.filename), "bulletin-%.7s.%s", d1,
                     fmt->name);
        else
            snprintf(r->download.filename, sizeof(r->download.filename), "bulletin-%s_%s.%s", d1,
                     d2, fmt->name);
        r->download.has_fd = 1;
        r->download.fd = fd;
        r->download.len = len;
        r->download.type = fmt->type;
    }
    doc_release(&d);
    return rc;
}

json_t *bulletin_get(struct request *r, struct err *e)
{
    bulletin_download(r, e);
    return NULL;
}
