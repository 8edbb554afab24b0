/* routes.c -- every HTTP endpoint, one row each: method, path, handler, flags, and the query
 * parameters it takes (any other is refused with 400 naming it). {x} in a path is one
 * segment, handed to the handler in r->arg[] in order. Rows are matched top to bottom, so a
 * fixed segment ("compliance") comes before a capture in the same place ("{name}"). No path
 * is answered with 404 "no such endpoint". The flags (http/routes.h):
 *   PUBLIC    no session; the handler acts as a citizen or for no one
 *   SNAPSHOT  a read, in one read transaction
 *   WRITE     changes something; a cookie session must send X-CSRF-Token
 *   BODY      the body, a JSON object, parsed into r->json
 *   DOWNLOAD  the answer is a file (r->download)
 * Who may call each is not here: the service asks the policy (core/policy.c). */
#include "http/routes.h"

#include <stdio.h>
#include <string.h>

#include "http/handlers.h"
#include "util/buf.h"

#include "util/banned.h"

#define PUBLIC   ROUTE_PUBLIC
#define SNAPSHOT ROUTE_SNAPSHOT
#define WRITE    ROUTE_WRITE
#define BODY     ROUTE_BODY
#define DOWNLOAD ROUTE_DOWNLOAD
#define HEAVY    ROUTE_HEAVY
#define ALONE    ROUTE_ALONE
#define GET      "GET"
#define POST     "POST"
#define DELETE   "DELETE"

/* clang-format off */
static const struct route routes[] = {
    /* method path                                     handler              flags, query params */
    /* api_session.c */
    {GET,    "/healthz",                              health,              SNAPSHOT | PUBLIC, ""},
    {POST,   "/api/v1/session",                       session_login,       WRITE | BODY | PUBLIC | ALONE,
            ""},
    {GET,    "/api/v1/session",                       session_show,        SNAPSHOT, ""},
    {DELETE, "/api/v1/session",                       session_logout,      WRITE, ""},
    {POST,   "/api/v1/session/password",              session_password,    WRITE | BODY | ALONE, ""},
    /* api_public.c: the citizens' page */
    {POST,   "/api/v1/public/appeals",                public_submit,       WRITE | PUBLIC, ""},
    {GET,    "/api/v1/public/appeals/{code}",         public_follow,       PUBLIC, "phone_last4"},
    {POST,   "/api/v1/public/appeals/{code}/rate",    public_rate,         WRITE | PUBLIC, ""},
    {GET,    "/api/v1/public/areas",                  public_areas,        PUBLIC, ""},
    /* api_appeals.c */
    {GET,    "/api/v1/appeals",                       appeals_list,        SNAPSHOT,
            "status unit area channel from to sort overdue due_soon ext_pending suspect q limit cursor"},
    {POST,   "/api/v1/appeals",                       appeal_register,     WRITE | BODY, ""},
    {GET,    "/api/v1/appeals/{code}",                appeal_show,         SNAPSHOT, ""},
    {GET,    "/api/v1/appeals/{code}/duplicates",     appeal_duplicates,   SNAPSHOT, ""},
    {GET,    "/api/v1/hotspots",                      appeal_hotspots,     SNAPSHOT | HEAVY, "from to top"},
    {POST,   "/api/v1/appeals/{code}/disclose",       appeal_disclose,     WRITE, ""},
    {POST,   "/api/v1/appeals/{code}/{action}",       appeal_act,          WRITE | BODY, ""},
    /* api_files.c */
    {POST,   "/api/v1/files",                         file_upload,         WRITE, ""},
    {GET,    "/api/v1/files/{name}",                  file_download,       SNAPSHOT | DOWNLOAD, ""},
    /* api_org.c */
    {GET,    "/api/v1/units",                         units_list,          SNAPSHOT, ""},
    {POST,   "/api/v1/units",                         unit_add,            WRITE | BODY, ""},
    {GET,    "/api/v1/areas",                         areas_list,          SNAPSHOT, ""},
    {POST,   "/api/v1/areas",                         area_add,            WRITE | BODY, ""},
    {GET,    "/api/v1/channels",                      channels_list,       SNAPSHOT, ""},
    {POST,   "/api/v1/channels",                      channel_add,         WRITE | BODY, ""},
    {GET,    "/api/v1/users",                         users_list,          SNAPSHOT, ""},
    {POST,   "/api/v1/users",                         user_add,            WRITE | BODY | ALONE, ""},
    {POST,   "/api/v1/users/{username}/password",     user_password,       WRITE | BODY | ALONE, ""},
    {POST,   "/api/v1/users/{username}/disable",      user_disable,        WRITE, ""},
    {POST,   "/api/v1/users/{username}/enable",       user_enable,         WRITE, ""},
    {POST,   "/api/v1/users/{username}/unit",         user_set_unit,       WRITE | BODY, ""},
    {POST,   "/api/v1/users/{username}/role",         user_set_role,       WRITE | BODY, ""},
    {GET,    "/api/v1/calendar/add",                  calendar_add,        SNAPSHOT, "date n"},
    {GET,    "/api/v1/calendar/is",                   calendar_is,         SNAPSHOT, "date"},
    /* api_assess.c */
    {GET,    "/api/v1/report",                        report_get,          SNAPSHOT | HEAVY,
            "from to rules explain unit area channel town"},
    {GET,    "/api/v1/rules",                         rules_list,          SNAPSHOT, ""},
    {GET,    "/api/v1/rules/{version}",               rules_get,           SNAPSHOT, ""},
    {POST,   "/api/v1/rules",                         rules_add,           WRITE | BODY, ""},
    {GET,    "/api/v1/bulletin",                      bulletin_get,        SNAPSHOT | DOWNLOAD | HEAVY,
            "month from to format rules"},
    {GET,    "/api/v1/audit/verify",                  audit_verify,        SNAPSHOT | HEAVY, ""},
    /* api_projects.c */
    {GET,    "/api/v1/projects",                      projects_list,       SNAPSHOT,
            "year batch area unit month"},
    {POST,   "/api/v1/projects",                      project_add,         WRITE | BODY, ""},
    {GET,    "/api/v1/projects/{code}",               project_show,        SNAPSHOT, "month"},
    {POST,   "/api/v1/projects/{code}/progress",      project_progress,    WRITE | BODY, ""},
    {POST,   "/api/v1/projects/{code}/finish",        project_finish,      WRITE | BODY, ""},
    {POST,   "/api/v1/projects/{code}/milestones",    project_milestone_add, WRITE | BODY, ""},
    {POST,   "/api/v1/projects/{code}/milestones/{seq}/done", project_milestone_done, WRITE | BODY,
            ""},
    {POST,   "/api/v1/projects/{code}/links",         project_link,        WRITE | BODY, ""},
    {GET,    "/api/v1/batches",                       batches_list,        SNAPSHOT, "year"},
    {POST,   "/api/v1/batches",                       batch_add,           WRITE | BODY, ""},
    /* api_lists.c */
    {GET,    "/api/v1/tasks",                         tasks_list,          SNAPSHOT,
            "list unit state overdue"},
    {POST,   "/api/v1/tasks",                         task_add,            WRITE | BODY, ""},
    {GET,    "/api/v1/tasks/{code}",                  task_show,           SNAPSHOT, ""},
    {POST,   "/api/v1/tasks/{code}/{action}",         task_act,            WRITE | BODY, ""},
    {GET,    "/api/v1/leaders",                       leaders_list,        SNAPSHOT, ""},
    {POST,   "/api/v1/leaders",                       leader_add,          WRITE | BODY, ""},
    {GET,    "/api/v1/leaders/compliance",            leader_compliance,   SNAPSHOT,
            "leader month"},
    {GET,    "/api/v1/leaders/{name}",                leader_show,         SNAPSHOT, ""},
    {GET,    "/api/v1/enterprises",                   enterprises_list,    SNAPSHOT, ""},
    {POST,   "/api/v1/enterprises",                   enterprise_add,      WRITE | BODY, ""},
    {GET,    "/api/v1/visits",                        visits_list,         SNAPSHOT,
            "leader month"},
    {POST,   "/api/v1/visits",                        visit_add,           WRITE | BODY, ""},
    /* api_votes.c */
    {GET,    "/api/v1/votes",                         votes_list,          SNAPSHOT, ""},
    {POST,   "/api/v1/votes",                         vote_create,         WRITE | BODY, ""},
    {GET,    "/api/v1/votes/{code}",                  vote_show,           SNAPSHOT, "history"},
    {POST,   "/api/v1/votes/{code}/deputies",         vote_deputies,       WRITE | BODY, ""},
    {POST,   "/api/v1/votes/{code}/candidates",       vote_candidates,     WRITE | BODY, ""},
    {POST,   "/api/v1/votes/{code}/open",             vote_open,           WRITE | BODY, ""},
    {POST,   "/api/v1/votes/{code}/ballots",          vote_ballots,        WRITE | BODY, ""},
    {POST,   "/api/v1/votes/{code}/close",            vote_close,          WRITE | BODY, ""},
    {POST,   "/api/v1/votes/{code}/adopt",            vote_adopt,          WRITE | BODY, ""},
};
/* clang-format on */

#undef PUBLIC
#undef SNAPSHOT
#undef WRITE
#undef BODY
#undef DOWNLOAD
#undef GET
#undef POST
#undef DELETE

#define MAX_SEGS 8

/* Cuts `path` into its segments (empty ones dropped); -1 when there are too many. */
static int split(char *path, char **seg)
{
    int n = 0;
    for (char *p = path; *p;) {
        while (*p == '/')
            *p++ = '\0';
        if (!*p)
            break;
        if (n == MAX_SEGS)
            return -1;
        seg[n++] = p;
        while (*p && *p != '/')
            p++;
    }
    return n;
}

/* Whether the pattern's segments match seg[0..n); fills arg with the captures. */
static int match(const char *pattern, char *const *seg, int n, const char **arg)
{
    const char *p = pattern;
    int i = 0, nargs = 0;
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        size_t len = strcspn(p, "/");
        if (i == n)
            return 0;
        if (p[0] == '{') {
            if (nargs == ROUTE_MAX_ARGS)
                return 0;
            arg[nargs++] = seg[i];
        } else if (strlen(seg[i]) != len || memcmp(seg[i], p, len) != 0) {
            return 0;
        }
        i++;
        p += len;
    }
    return i == n;
}

/* The last segments of the rows for this method whose path is the request's but for its last
 * segment, a fixed one: what might have been meant ("open, close, ..."); "" when none, or
 * when the path is directly under /api/v1 (every resource would be named). */
static void siblings(const char *method, char *const *seg, int n, struct buf *out)
{
    const char *arg[ROUTE_MAX_ARGS];
    char prefix[512];
    if (n < 4)
        return;
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        const char *last = strrchr(routes[i].pattern, '/');
        if (strcmp(routes[i].method, method) != 0 || !last || last[1] == '{')
            continue;
        snprintf(prefix, sizeof(prefix), "%.*s", (int)(last - routes[i].pattern),
                 routes[i].pattern);
        if (match(prefix, seg, n - 1, arg))
            buf_addf(out, "%s%s", out->len ? ", " : "", last + 1);
    }
}

const struct route *route_find(struct request *r, struct err *e)
{
    char *seg[MAX_SEGS];
    snprintf(r->segs, sizeof(r->segs), "%s", r->path);
    int n = split(r->segs, seg);
    /* HEAD is GET without the body (the server sends the headers alone): a monitor's HEAD
     * /healthz finds the GET row. */
    const char *method = strcmp(r->method, "HEAD") ? r->method : "GET";
    for (size_t i = 0; n >= 0 && i < sizeof(routes) / sizeof(routes[0]); i++) {
        const char *arg[ROUTE_MAX_ARGS] = {0};
        if (strcmp(routes[i].method, method) != 0 || !match(routes[i].pattern, seg, n, arg))
            continue;
        memcpy(r->arg, arg, sizeof(r->arg));
        return &routes[i];
    }
    struct buf hint = BUF_INIT;
    if (n > 0)
        siblings(r->method, seg, n, &hint);
    if (hint.len)
        err_set(e, ERR_NOT_FOUND, "path", "no such endpoint: %s %s (%s there: %s)", r->method,
                r->path, r->method, hint.ptr);
    else
        err_set(e, ERR_NOT_FOUND, "path", "no such endpoint: %s %s", r->method, r->path);
    buf_release(&hint);
    return NULL;
}
