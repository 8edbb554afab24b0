/* hotspots.c -- hot spots (热点) of the ledger or of an outside file of messages: which
 * appeals are read and how the period is set is decided here, how they group and score in
 * text/hotspot.c, and the document both interfaces print is built here once. */
#include "service/service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "service/guard.h"
#include "service/view.h"
#include "util/civil.h"
#include "util/xalloc.h"

#include "util/banned.h"

#define HOTSPOT_SPAN_MAX 366 /* days a period may span */
#define HOTSPOT_TOP_DEFAULT 10
#define HOTSPOT_TOP_MAX 1000
/* The score from which a group is an alert, unless the site sets hotspot_alert_score: ten
 * callers about one matter in the period, or fewer growing fast. */
#define HOTSPOT_ALERT_SCORE 10.0

void svc_hotspots_release(struct hotspots *h)
{
    hotspots_free(h->groups, h->ngroups);
    for (size_t i = 0; i < h->ndocs; i++)
        free(h->own[i]);
    free(h->own);
    free(h->docs);
    memset(h, 0, sizeof(*h));
}

int svc_hotspots_top(const char *s, size_t *top, struct err *e)
{
    *top = HOTSPOT_TOP_DEFAULT;
    if (!s)
        return 0;
    long v;
    if (text_whole(s, 1, HOTSPOT_TOP_MAX, &v) < 0)
        return err_set(e, ERR_INVALID, "top", "top must be 1..%d, not '%.20s'", HOTSPOT_TOP_MAX, s);
    *top = (size_t)v;
    return 0;
}

/* Turns --from/--to into [from, to) seconds and the period before, of the same length.
 * Both absent: everything is the period. */
static int period(const char *from, const char *to, struct hotspots *h, struct err *e)
{
    if (!from && !to) {
        h->from = INT64_MIN;
        h->to = INT64_MAX;
        h->before = INT64_MIN;
        return 0;
    }
    if (!from || !to)
        return err_set(e, ERR_INVALID, from ? "to" : "from", "hot spots need both --from and --to");
    int64_t d1, d2;
    if (civil_parse_date_checked(from, &d1, e) < 0 || civil_parse_date_checked(to, &d2, e) < 0)
        return -1;
    if (d2 < d1)
        return err_set(e, ERR_INVALID, "to", "to (%s) is before from (%s)", to, from);
    if (d2 - d1 + 1 > HOTSPOT_SPAN_MAX)
        return err_set(e, ERR_INVALID, "to", "a period of hot spots spans at most %d days",
                       HOTSPOT_SPAN_MAX);
    h->from = civil_site_midnight(d1);
    h->to = civil_site_midnight(d2 + 1);
    h->before = h->from - (h->to - h->from);
    return 0;
}

static struct hs_doc *new_doc(struct hotspots *h, char *own)
{
    if (h->ndocs == h->cap) {
        size_t cap = h->cap;
        void *p = h->docs;
        xgrow(&p, &cap, h->ndocs + 1, sizeof(*h->docs));
        h->docs = p;
        p = h->own;
        xgrow(&p, &h->cap, h->ndocs + 1, sizeof(*h->own));
        h->own = p;
    }
    h->own[h->ndocs] = own;
    struct hs_doc *d = &h->docs[h->ndocs++];
    memset(d, 0, sizeof(*d));
    return d;
}

/* Copies what a group needs of one appeal into one allocation: code, title, content,
 * phone, address (the appeal itself is released after the callback). */
static int take_appeal(const struct appeal *a, void *ctx)
{
    struct hotspots *h = ctx;
    if (a->received_at < h->before || a->received_at >= h->to)
        return 0;
    const char *f[5] = {a->code, a->title, a->content, a->phone, a->address};
    size_t len[5], total = 0;
    for (int i = 0; i < 5; i++)
        total += (len[i] = f[i] ? strlen(f[i]) : 0) + 1;
    char *own = xmalloc(total), *p = own;
    const char *at[5];
    for (int i = 0; i < 5; i++) {
        memcpy(p, f[i] ? f[i] : "", len[i] + 1);
        at[i] = p;
        p += len[i] + 1;
    }
    struct hs_doc *d = new_doc(h, own);
    d->id = a->id;
    d->code = at[0];
    d->title = at[1];
    d->text = at[2];
    d->caller = at[3];
    d->place = at[4];
    d->at = a->received_at;
    d->current = a->received_at >= h->from;
    return 0;
}

int svc_hotspots(struct service *svc, const struct actor *who, const char *from, const char *to,
                 struct hotspots *out, struct err *e)
{
    memset(out, 0, sizeof(*out));
    if (guard_to(who, SUBJ_APPEAL, "hotspots", NULL, e) < 0)
        return -1;
    /* The ledger has years of appeals: its hot spots are always of a period. */
    if (!from || !to)
        return err_set(e, ERR_INVALID, from ? "to" : "from",
                       "hot spots of the ledger need from and to (dates)");
    if (period(from, to, out, e) < 0)
        return -1;
    out->alert_score = HOTSPOT_ALERT_SCORE;
    char v[32];
    struct err ignore;
    if (store_setting_get(svc->st, "hotspot_alert_score", v, sizeof(v), &ignore) == 0) {
        char *end;
        double x = strtod(v, &end);
        if (!*end && x > 0 && x < 1e6)
            out->alert_score = x;
    }
    if (store_begin_read(svc->st, e) < 0)
        return -1;
    int rc = store_appeal_scan(svc->st, take_appeal, out, e);
    store_rollback(svc->st);
    struct hs_opts o = {.growth = 1};
    if (rc < 0 || hotspots_find(out->docs, out->ndocs, &o, &out->groups, &out->ngroups) < 0) {
        svc_hotspots_release(out);
        return -1;
    }
    return 0;
}

int svc_hotspots_tsv(char *data, size_t len, const char *from, const char *to,
                     struct hotspots *out, struct err *e)
{
    memset(out, 0, sizeof(*out));
    out->alert_score = HOTSPOT_ALERT_SCORE;
    if (period(from, to, out, e) < 0 ||
        hotspot_tsv_read(data, len, out->before, out->from, out->to, &out->docs, &out->ndocs, e) < 0)
        return -1;
    out->own = xcalloc(out->ndocs ? out->ndocs : 1, sizeof(*out->own)); /* the file owns them */
    out->cap = out->ndocs;
    struct hs_opts o = {.growth = from != NULL};
    hotspots_find(out->docs, out->ndocs, &o, &out->groups, &out->ngroups);
    return 0;
}

json_t *svc_hotspots_json(const struct hotspots *h, size_t top)
{
    json_t *arr = json_array();
    json_int_t alerts = 0;
    for (size_t i = 0; i < h->ngroups; i++)
        alerts += h->groups[i].score >= h->alert_score;
    for (size_t i = 0; i < h->ngroups && i < top; i++) {
        const struct hs_group *g = &h->groups[i];
        const struct hs_doc *rep = &h->docs[g->rep];
        json_t *codes = json_array();
        for (size_t k = 0; k < g->n; k++) {
            const struct hs_doc *d = &h->docs[g->members[k]];
            if (!d->current)
                continue;
            if (d->code)
                json_array_append_new(codes, json_string(d->code));
            else
                json_array_append_new(codes, json_integer(d->id));
        }
        json_array_append_new(
            arr, json_pack("{s:i, s:f, s:s, s:s, s:o, s:o, s:I, s:I, s:I, s:f, s:I, s:I, s:o}",
                           "rank", (int)i + 1, "score", (double)(int64_t)(g->score * 100 + 0.5) / 100,
                           "title", rep->title ? rep->title : "", "place", g->place, "first",
                           view_time(g->first), "last", view_time(g->last), "appeals",
                           (json_int_t)g->appeals, "callers", (json_int_t)g->callers, "previous",
                           (json_int_t)g->previous, "trend", g->trend, "likes",
                           (json_int_t)g->likes, "dislikes", (json_int_t)g->dislikes, "codes",
                           codes));
        json_object_set_new(json_array_get(arr, json_array_size(arr) - 1), "alert",
                            json_boolean(g->score >= h->alert_score));
    }
    return json_pack("{s:I, s:I, s:f, s:o}", "groups", (json_int_t)h->ngroups, "alerts", alerts,
                     "alert_score", h->alert_score, "hotspots", arr);
}
