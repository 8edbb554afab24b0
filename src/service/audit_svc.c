/* audit_svc.c -- `audit verify`: recompute the event chain and hold the appeal rows (a
 * cache of their events) against it. Reports the first event where anything is off. */
#include "service/service.h"
#include "service/guard.h"

#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "service/subject.h"
#include "util/xalloc.h"

#include "util/banned.h"

/* What the chain says of each appeal so far, indexed by appeal id. */
struct seen {
    int64_t seq;
    int state;
    int has_digest;
    unsigned char digest[32]; /* of the row the appeal's last event left behind */
    int64_t first_event;      /* the appeal's first event, to name it if its row is gone */
    int has_row;
    int64_t merged_into; /* the row's, for the merge check after the scan */
};

/* The same per subject kind (projects, list items, vote sessions), indexed by row id. */
#define KINDS_MAX 8
struct seen_set {
    struct seen *seen;
    size_t nseen;
};

struct walk {
    struct audit_result *res;
    struct seen_set kinds[KINDS_MAX]; /* in subject_kinds() order */
    char prev_hash[65];
    int64_t prev_id;
    int64_t head_id;   /* the chain head's last event */
    int64_t past_head; /* the first event after it, if any */
    int64_t digest_from; /* events from this id on must carry a row digest */
    struct seen *seen;
    size_t nseen;
    /* evidence files the events cite ("sha256:<hex>.<ext>"), checked once the scan is done */
    struct {
        char ref[80];
        int64_t event;
    } *files;
    size_t nfiles, capfiles;
};

/* Notes the evidence files an event's details cite: their hashes are sealed by this event. */
static void note_files(struct walk *w, const struct event *ev)
{
    if (!ev->details || !strstr(ev->details, "sha256:"))
        return;
    json_t *d = json_loads(ev->details, 0, NULL);
    json_t *arr = d ? json_object_get(d, "evidence") : NULL;
    for (size_t i = 0; json_is_array(arr) && i < json_array_size(arr); i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        if (!s || strncmp(s, "sha256:", 7) != 0 || strlen(s) >= sizeof(w->files[0].ref))
            continue;
        if (w->nfiles == w->capfiles) {
            w->capfiles = w->capfiles ? 2 * w->capfiles : 16;
            w->files = xrealloc(w->files, w->capfiles * sizeof(*w->files));
        }
        snprintf(w->files[w->nfiles].ref, sizeof(w->files[0].ref), "%s", s);
        w->files[w->nfiles++].event = ev->id;
    }
    json_decref(d);
}

static struct seen *seen_in(struct seen **seen, size_t *nseen, int64_t id)
{
    if (id <= 0 || id > (int64_t)1 << 40)
        return NULL;
    if ((size_t)id >= *nseen) {
        size_t n = *nseen ? *nseen : 1024;
        while (n <= (size_t)id)
            n *= 2;
        *seen = xrealloc(*seen, n * sizeof(**seen));
        memset(*seen + *nseen, 0, (n - *nseen) * sizeof(**seen));
        *nseen = n;
    }
    return &(*seen)[id];
}

static struct seen *seen_at(struct walk *w, int64_t id)
{
    return seen_in(&w->seen, &w->nseen, id);
}

/* The record kept for an event's subject: an appeal's, or another kind's (NULL if unknown). */
static struct seen *seen_of(struct walk *w, const struct event *ev, int *unknown_kind,
                            const struct subject_kind **kind)
{
    *unknown_kind = 0;
    *kind = NULL;
    if (!ev->subject[0])
        return seen_at(w, ev->appeal_id);
    int k = 0;
    for (const struct subject_kind *sk = subject_kinds(); sk->name; sk++, k++)
        if (!strcmp(sk->name, ev->subject) && k < KINDS_MAX) {
            *kind = sk;
            return seen_in(&w->kinds[k].seen, &w->kinds[k].nseen, ev->subject_id);
        }
    *unknown_kind = 1;
    return NULL;
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
    if (ev->id >= w->digest_from && !ev->row_digest[0])
        return broken(w, ev, "event %lld has no row digest, which every event since migration "
                      "0004 carries: it was forged", (long long)ev->id);
    int unknown_kind;
    const struct subject_kind *kind;
    struct seen *s = seen_of(w, ev, &unknown_kind, &kind);
    const char *of = ev->subject[0] ? ev->subject : "appeal";
    if (unknown_kind)
        return broken(w, ev, "event %lld names an unknown subject '%s'", (long long)ev->id,
                      ev->subject);
    if (!s)
        return broken(w, ev, "event %lld names an impossible %s id %lld", (long long)ev->id, of,
                      (long long)(ev->subject[0] ? ev->subject_id : ev->appeal_id));
    if (ev->seq != s->seq + 1)
        return broken(w, ev, "event %lld is number %lld of its %s, out of order",
                      (long long)ev->id, (long long)ev->seq, of);
    /* A subject whose history may start after its row (a user's first change) starts from
     * the state its first event records. */
    if (s->seq == 0 && kind && kind->history_optional)
        s->state = ev->from_state;
    if (ev->from_state != s->state) {
        if (ev->subject[0])
            return broken(w, ev, "event %lld starts from state %d, but its %s was in state %d",
                          (long long)ev->id, ev->from_state, of, s->state);
        return broken(w, ev, "event %lld starts from state '%s', but its appeal was '%s'",
                      (long long)ev->id, state_code(ev->from_state), state_code(s->state));
    }
    s->seq = ev->seq;
    s->state = ev->to_state;
    if (!s->first_event)
        s->first_event = ev->id;
    if (ev->id > w->head_id && !w->past_head)
        w->past_head = ev->id;
    s->has_digest = ev->row_digest[0] != '\0' &&
                    sodium_hex2bin(s->digest, sizeof(s->digest), ev->row_digest,
                                   strlen(ev->row_digest), NULL, NULL, NULL) == 0;
    snprintf(w->prev_hash, sizeof(w->prev_hash), "%s", ev->hash);
    w->prev_id = ev->id;
    note_files(w, ev);
    return 0;
}

static int row_mismatch(struct walk *w, const struct appeal *a, const char *what)
{
    w->res->ok = 0;
    snprintf(w->res->bad_appeal, sizeof(w->res->bad_appeal), "%s", a->code);
    snprintf(w->res->problem, sizeof(w->res->problem),
             "appeal %s does not match its history: %s", a->code, what);
    return 1;
}

static int check_appeal(const struct appeal *a, void *ctx)
{
    struct walk *w = ctx;
    w->res->appeals++;
    struct seen *s = seen_at(w, a->id);
    char what[160];
    if (s) {
        s->has_row = 1;
        s->merged_into = a->state == ST_MERGED ? a->merged_into : 0;
    }
    if (s && s->seq == 0)
        return row_mismatch(w, a, "it has no events: the row was made outside the workflow");
    if (!s || s->seq != a->last_seq || s->state != a->state) {
        snprintf(what, sizeof(what), "the row says %s after %lld events, the events say %s after "
                 "%lld", state_code(a->state), (long long)a->last_seq,
                 s ? state_code(s->state) : "?", s ? (long long)s->seq : 0LL);
        return row_mismatch(w, a, what);
    }
    if (s->has_digest) {
        char hex[65];
        unsigned char got[32];
        appeal_digest(a, hex);
        sodium_hex2bin(got, sizeof(got), hex, 64, NULL, NULL, NULL);
        if (sodium_memcmp(got, s->digest, sizeof(got)) != 0)
            return row_mismatch(w, a, "a field of its row was changed outside the workflow");
    }
    return 0;
}

__attribute__((format(printf, 3, 4))) static int subject_broken(struct walk *w, int64_t event,
                                                                 const char *fmt, ...)
{
    w->res->ok = 0;
    w->res->bad_event = event;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->res->problem, sizeof(w->res->problem), fmt, ap);
    va_end(ap);
    return 0;
}

/* Each row of a subject table against its events: the same count, the same state, and the
 * digest of the row and its children as the last event sealed it; and no events without a
 * row. */
static int check_subjects(struct service *svc, struct walk *w, const struct subject_kind *sk,
                          struct seen_set *set, struct err *e)
{
    struct rec *rows;
    size_t n;
    if (rec_list(svc->st, sk->table, NULL, 0, &rows, &n, e) < 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && w->res->ok; i++) {
        int64_t id = row_int(&rows[i].row, "id");
        int64_t last_seq = sk->once ? 1 : row_int(&rows[i].row, "last_seq");
        int state = sk->once ? 1 : (int)row_int(&rows[i].row, sk->state);
        char idname[32];
        snprintf(idname, sizeof(idname), "#%lld", (long long)id);
        const char *code = sk->label ? row_text(&rows[i].row, sk->label) : idname;
        struct seen *s = seen_in(&set->seen, &set->nseen, id);
        if (sk->history_optional && s && s->seq == 0 && last_seq == 0)
            continue; /* as added, never changed since */
        if (!s || s->seq == 0) {
            subject_broken(w, 0, "%s %s has no events: the row was made outside the workflow",
                           sk->name, code);
            break;
        }
        s->has_row = 1;
        if (s->seq != last_seq || s->state != state) {
            subject_broken(w, s->first_event, "%s %s does not match its history: the row says "
                           "state %d after %lld events, the events say state %d after %lld",
                           sk->name, code, state, (long long)last_seq, s->state,
                           (long long)s->seq);
            break;
        }
        char hex[65];
        unsigned char got[32];
        if (subject_digest_row(svc->st, sk, &rows[i].row, hex, e) < 0) {
            rc = -1;
            break;
        }
        sodium_hex2bin(got, sizeof(got), hex, 64, NULL, NULL, NULL);
        if (!s->has_digest || sodium_memcmp(got, s->digest, sizeof(got)) != 0)
            subject_broken(w, s->first_event, "%s %s does not match its history: a field of "
                           "its row, or a row that belongs to it, was changed outside the "
                           "workflow", sk->name, code);
        w->res->subjects++;
        if (!strcmp(sk->name, "project"))
            w->res->projects++;
        else if (!strcmp(sk->name, "task"))
            w->res->items++;
        else if (!strcmp(sk->name, "vote"))
            w->res->votes++;
        else if (!strcmp(sk->name, "visit"))
            w->res->visits++;
        else if (!strcmp(sk->name, "user"))
            w->res->users++;
        else if (!strcmp(sk->name, "disclosure"))
            w->res->disclosures++;
    }
    for (size_t id = 1; rc == 0 && w->res->ok && id < set->nseen; id++)
        if (set->seen[id].seq > 0 && !set->seen[id].has_row)
            subject_broken(w, set->seen[id].first_event,
                           "%s id %zu has %lld events from event %lld on but no row: its row "
                           "was deleted",
                           sk->name, id, (long long)set->seen[id].seq,
                           (long long)set->seen[id].first_event);
    rec_list_release(rows, n);
    return rc;
}

int svc_audit_verify(struct service *svc, const struct actor *who, struct audit_result *res, struct err *e)
{
    memset(res, 0, sizeof(*res));
    res->ok = 1;
    if (guard(who, SUBJ_AUDIT, "verify", e) < 0)
        return -1;
    struct walk w = {.res = res};
    snprintf(w.prev_hash, sizeof(w.prev_hash), "%s", AUDIT_GENESIS);
    int64_t head_id;
    char head_hash[65];
    int rc = -1;
    if (store_begin_read(svc->st, e) < 0)
        return -1;
    if (store_chain_head(svc->st, &head_id, head_hash, e) < 0)
        goto out;
    w.head_id = head_id;
    char from[24];
    struct err miss;
    w.digest_from = 1; /* without the setting, every event must have a digest */
    if (store_setting_get(svc->st, "row_digest_from", from, sizeof(from), &miss) == 0)
        w.digest_from = strtoll(from, NULL, 10) > 0 ? strtoll(from, NULL, 10) : 1;
    if (store_event_scan(svc->st, check_event, &w, e) < 0)
        goto out;
    if (res->ok && head_id < w.prev_id) {
        res->ok = 0;
        res->bad_event = w.past_head;
        snprintf(res->problem, sizeof(res->problem),
                 "event %lld comes after the chain head (event %lld): events were added behind "
                 "the program's back",
                 (long long)w.past_head, (long long)head_id);
    } else if (res->ok && head_id > w.prev_id) {
        res->ok = 0;
        res->bad_event = w.prev_id + 1;
        snprintf(res->problem, sizeof(res->problem),
                 "the chain ends at event %lld but its head says %lld: events were removed "
                 "from the end",
                 (long long)w.prev_id, (long long)head_id);
    } else if (res->ok && strcmp(head_hash, w.prev_hash) != 0) {
        res->ok = 0;
        res->bad_event = w.prev_id;
        snprintf(res->problem, sizeof(res->problem),
                 "event %lld does not match the chain head's hash: it was replaced or the head "
                 "was edited",
                 (long long)w.prev_id);
    }
    if (res->ok && store_appeal_scan(svc->st, check_appeal, &w, e) < 0)
        goto out;
    /* Events of an appeal whose row is gone: the appeal vanished from every list. */
    for (size_t id = 1; res->ok && id < w.nseen; id++)
        if (w.seen[id].seq > 0 && !w.seen[id].has_row) {
            res->ok = 0;
            res->bad_event = w.seen[id].first_event;
            snprintf(res->problem, sizeof(res->problem),
                     "appeal id %zu has %lld events from event %lld on but no row: its row was "
                     "deleted",
                     id, (long long)w.seen[id].seq, (long long)w.seen[id].first_event);
        }
    /* A merged appeal follows its target: a target itself merged or rejected leaves it
     * unhandled (an orphaned merge), and a chain that comes back is a cycle. */
    for (size_t id = 1; res->ok && id < w.nseen; id++) {
        int64_t to = w.seen[id].merged_into;
        if (!to)
            continue;
        if (to < 0 || (size_t)to >= w.nseen || !w.seen[to].has_row) {
            res->ok = 0;
            snprintf(res->problem, sizeof(res->problem),
                     "appeal id %zu is merged into appeal id %lld, which does not exist", id,
                     (long long)to);
        } else if (w.seen[to].state == ST_MERGED || w.seen[to].state == ST_REJECTED) {
            size_t at = (size_t)to;
            int steps = 0;
            while (steps++ < 64 && at != id && w.seen[at].merged_into > 0 &&
                   (size_t)w.seen[at].merged_into < w.nseen)
                at = (size_t)w.seen[at].merged_into;
            res->ok = 0;
            snprintf(res->problem, sizeof(res->problem),
                     at == id ? "appeal id %zu is in a merge cycle (并单成环) through appeal id "
                                "%lld: nobody handles either"
                              : "appeal id %zu is merged into appeal id %lld, which is %s: an "
                                "orphaned merge nobody handles",
                     id, (long long)to, state_code(w.seen[to].state));
        }
    }
    int k = 0;
    for (const struct subject_kind *sk = subject_kinds(); res->ok && sk->name; sk++, k++)
        if (check_subjects(svc, &w, sk, &w.kinds[k], e) < 0)
            goto out;
    for (size_t i = 0; res->ok && i < w.nfiles; i++) {
        struct err fe;
        if (svc_file_check(svc, w.files[i].ref, &fe) < 0) {
            if (fe.code != ERR_NOT_FOUND && fe.code != ERR_INVALID) {
                *e = fe;
                goto out;
            }
            res->ok = 0;
            res->bad_event = w.files[i].event;
            snprintf(res->problem, sizeof(res->problem),
                     "event %lld cites evidence file %.24s…, which is %s",
                     (long long)w.files[i].event, w.files[i].ref,
                     fe.code == ERR_NOT_FOUND ? "missing" : "changed");
        }
    }
    rc = 0;
out:
    store_rollback(svc->st); /* read-only */
    free(w.files);
    free(w.seen);
    for (int i = 0; i < KINDS_MAX; i++)
        free(w.kinds[i].seen);
    return rc;
}
