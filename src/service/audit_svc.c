/* audit_svc.c -- `audit verify`: recompute the event chain and hold the appeal rows (a
 * cache of their events) against it. Reports the first event where anything is off. */
#include "service/service.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* What the chain says of each appeal so far, indexed by appeal id. */
struct seen {
    int64_t seq;
    int state;
};

struct walk {
    struct audit_result *res;
    char prev_hash[65];
    int64_t prev_id;
    struct seen *seen;
    size_t nseen;
};

static struct seen *seen_at(struct walk *w, int64_t id)
{
    if (id <= 0 || id > (int64_t)1 << 40)
        return NULL;
    if ((size_t)id >= w->nseen) {
        size_t n = w->nseen ? w->nseen : 1024;
        while (n <= (size_t)id)
            n *= 2;
        w->seen = xrealloc(w->seen, n * sizeof(*w->seen));
        memset(w->seen + w->nseen, 0, (n - w->nseen) * sizeof(*w->seen));
        w->nseen = n;
    }
    return &w->seen[id];
}

__attribute__((format(printf, 3, 4))) static int broken(struct walk *w, const struct event *ev,
                                                         const char *fmt, ...)
{
    w->res->ok = 0;
    w->res->bad_event = ev->id;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->res->problem, sizeof(w->res->problem), fmt, ap);
    va_end(ap);
    return 1;
}

static int check_event(const struct event *ev, void *ctx)
{
    struct walk *w = ctx;
    w->res->events++;
    if (strcmp(ev->prev_hash, w->prev_hash) != 0)
        return broken(w, ev,
                      "event %lld does not follow event %lld: an event was removed, inserted or "
                      "reordered here",
                      (long long)ev->id, (long long)w->prev_id);
    if (audit_check(ev) != 0)
        return broken(w, ev, "event %lld was altered: its hash does not match its contents",
                      (long long)ev->id);
    struct seen *s = seen_at(w, ev->appeal_id);
    if (!s)
        return broken(w, ev, "event %lld names an impossible appeal id %lld",
                      (long long)ev->id, (long long)ev->appeal_id);
    if (ev->seq != s->seq + 1)
        return broken(w, ev, "event %lld is number %lld of its appeal, out of order",
                      (long long)ev->id, (long long)ev->seq);
    if (ev->from_state != s->state)
        return broken(w, ev, "event %lld starts from state '%s', but its appeal was '%s'",
                      (long long)ev->id, state_code(ev->from_state), state_code(s->state));
    s->seq = ev->seq;
    s->state = ev->to_state;
    snprintf(w->prev_hash, sizeof(w->prev_hash), "%s", ev->hash);
    w->prev_id = ev->id;
    return 0;
}

static int check_appeal(int64_t id, const char *code, int state, int64_t last_seq, void *ctx)
{
    struct walk *w = ctx;
    w->res->appeals++;
    struct seen *s = seen_at(w, id);
    if (!s || s->seq != last_seq || s->state != state) {
        w->res->ok = 0;
        snprintf(w->res->bad_appeal, sizeof(w->res->bad_appeal), "%s", code);
        snprintf(w->res->problem, sizeof(w->res->problem),
                 "appeal %s does not match its history: the row says %s after %lld events, the "
                 "events say %s after %lld",
                 code, state_code(state), (long long)last_seq, s ? state_code(s->state) : "?",
                 s ? (long long)s->seq : 0LL);
        return 1;
    }
    return 0;
}

int svc_audit_verify(struct service *svc, struct audit_result *res, struct err *e)
{
    memset(res, 0, sizeof(*res));
    res->ok = 1;
    struct walk w = {.res = res};
    snprintf(w.prev_hash, sizeof(w.prev_hash), "%s", AUDIT_GENESIS);
    int64_t head_id;
    char head_hash[65];
    int rc = -1;
    if (store_begin(svc->st, e) < 0)
        return -1;
    if (store_chain_head(svc->st, &head_id, head_hash, e) < 0 ||
        store_event_scan(svc->st, check_event, &w, e) < 0)
        goto out;
    if (res->ok && (head_id != w.prev_id || strcmp(head_hash, w.prev_hash) != 0)) {
        res->ok = 0;
        res->bad_event = w.prev_id + 1;
        snprintf(res->problem, sizeof(res->problem),
                 "the chain ends at event %lld but its head says %lld: events were removed "
                 "from the end",
                 (long long)w.prev_id, (long long)head_id);
    }
    if (res->ok && store_appeal_state_scan(svc->st, check_appeal, &w, e) < 0)
        goto out;
    rc = 0;
out:
    store_rollback(svc->st); /* read-only */
    free(w.seen);
    return rc;
}
