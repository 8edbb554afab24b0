/* vote_svc.c -- the deputies' vote use cases (service/vote.h): each one transaction, each
 * change to a session, its roster, candidates or ballots sealed by exactly one "vote" event
 * after the rows are written (a batch of ballots: one event per ballot). */
#include "service/vote.h"
#include "service/guard.h"
#include "service/tx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/project.h"
#include "service/subject.h"
#include "service/view.h"
#include "util/xalloc.h"

#include "util/banned.h"

/* ---- the session row ---------------------------------------------------------------- */

struct session {
    struct rec r;
    int64_t id, seq, version;
    int state;
    const char *code;
};

static int session_load(struct service *svc, const char *code, struct session *s, struct err *e)
{
    memset(s, 0, sizeof(*s));
    if (!code || !*code)
        return err_set(e, ERR_INVALID, "code", "a vote session code is needed");
    int rc = rec_find(svc->st, "vote_sessions", "code", code, &s->r, e);
    if (rc < 0)
        return -1;
    if (rc > 0)
        return err_set(e, ERR_NOT_FOUND, "code", "no vote session '%s'", code);
    s->id = row_int(&s->r.row, "id");
    s->seq = row_int(&s->r.row, "last_seq");
    s->version = row_int(&s->r.row, "version");
    s->state = (int)row_int(&s->r.row, "state");
    s->code = row_text(&s->r.row, "code");
    return 0;
}

/* Writes `upd` (plus last_seq, version, updated_at) onto the session and seals one event.
 * Takes `details` (may be NULL). */
static int seal(struct service *svc, const struct actor *who, struct session *s, struct row *upd,
                int to_state, int64_t at, const char *action, json_t *details, struct err *e)
{
    s->seq++;
    s->version++;
    row_set_int(upd, "last_seq", s->seq);
    row_set_int(upd, "version", s->version);
    row_set_int(upd, "updated_at", at);
    char *d = details ? json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(details);
    int rc = store_rec_update(svc->st, "vote_sessions", s->id, upd, e);
    if (rc == 0)
        rc = subject_append(svc, who, "vote", s->id, s->seq, at, action, s->state, to_state, d, e);
    free(d);
    if (rc == 0)
        s->state = to_state;
    return rc;
}

static int64_t count_rows(struct service *svc, const char *table, int64_t session, struct err *e)
{
    struct rec *l;
    size_t n;
    if (rec_list(svc->st, table, "session_id", session, &l, &n, e) < 0)
        return -1;
    rec_list_release(l, n);
    return (int64_t)n;
}


/* ---- create ------------------------------------------------------------------------- */

static int do_create(struct service *svc, const struct actor *who, const struct vote_req *q,
                     int64_t *id, struct err *e)
{
    int rule;
    struct session s = {0};
    if (guard_to(who, SUBJ_VOTE, "manage", "create a vote session", e) < 0)
        return -1;
    if (!q->code || !*q->code || strlen(q->code) > 40)
        return err_set(e, ERR_INVALID, "code", "a vote session needs a code (at most 40 bytes)");
    if (!q->title || !*q->title)
        return err_set(e, ERR_INVALID, "title", "vote session %s needs a title", q->code);
    if (q->year < 2000 || q->year > 2100)
        return err_set(e, ERR_INVALID, "year", "year %d is out of range (2000-2100)", q->year);
    if (q->max_select < 0 || q->max_select > 1000)
        return err_set(e, ERR_INVALID, "max_select", "max_select %d is out of range (0-1000)",
                       q->max_select);
    if (q->quorum < 0 || q->quorum > 100000)
        return err_set(e, ERR_INVALID, "quorum", "quorum %d is out of range (0: more than half)",
                       q->quorum);
    if (vote_rule_parse(q->rule, &rule, e) < 0)
        return -1;
    int rc = session_load(svc, q->code, &s, e);
    rec_release(&s.r);
    if (rc == 0)
        return err_set(e, ERR_CONFLICT, "code", "vote session '%s' already exists", q->code);
    if (e->code != ERR_NOT_FOUND)
        return -1;
    err_clear(e);
    struct row r = {0};
    row_set_text(&r, "code", q->code);
    row_set_text(&r, "title", q->title);
    row_set_int(&r, "year", q->year);
    row_set_int(&r, "state", VOTE_DRAFT);
    row_set_text(&r, "rule", vote_rule_code(rule));
    row_set_int(&r, "max_select", q->max_select);
    row_set_int(&r, "quorum", q->quorum);
    row_set_int(&r, "created_at", q->at);
    row_set_int(&r, "updated_at", q->at);
    row_set_int(&r, "version", 1);
    row_set_int(&r, "last_seq", 1);
    if (store_rec_insert(svc->st, "vote_sessions", &r, id, e) < 0)
        return -1;
    json_t *d = json_pack("{s:s, s:s, s:i, s:s, s:i, s:i}", "code", q->code, "title", q->title,
                          "year", q->year, "rule", vote_rule_code(rule), "max_select",
                          q->max_select, "quorum", q->quorum);
    char *ds = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(d);
    rc = subject_append(svc, who, "vote", *id, 1, q->at, "create", 0, VOTE_DRAFT, ds, e);
    free(ds);
    return rc;
}

int svc_vote_create(struct service *svc, const struct actor *who, const struct vote_req *req,
                    int64_t *id, struct err *e)
{
    IN_TX(svc, e, do_create(svc, who, req, id, e));
}

/* ---- roster and candidates --------------------------------------------------------------- */

static int do_deputies(struct service *svc, const struct actor *who, const char *code,
                       const char *const *names, int n, int64_t at, struct err *e)
{
    struct session s = {0};
    struct rec *have = NULL;
    size_t nhave = 0;
    int rc = -1;
    if (guard_to(who, SUBJ_VOTE, "manage", "change a roster", e) < 0 || session_load(svc, code, &s, e) < 0)
        goto out;
    if (vote_check_edit(s.state, s.code, "deputies", e) < 0)
        goto out;
    if (n < 1 || n > VOTE_MAX_NAMES) {
        err_set(e, ERR_INVALID, "name", "give 1 to %d deputy names", VOTE_MAX_NAMES);
        goto out;
    }
    if (rec_list(svc->st, "deputies", "session_id", s.id, &have, &nhave, e) < 0)
        goto out;
    json_t *added = json_array();
    for (int i = 0; i < n; i++) {
        const char *name = names[i];
        int dup = 0;
        for (size_t k = 0; k < nhave; k++)
            dup |= !strcmp(row_text(&have[k].row, "name"), name);
        for (int k = 0; k < i; k++)
            dup |= !strcmp(names[k], name);
        if (!name || !*name || strlen(name) > 60) {
            json_decref(added);
            err_set(e, ERR_INVALID, "name", "a deputy's name must be 1-60 bytes");
            goto out;
        }
        if (dup) {
            json_decref(added);
            err_set(e, ERR_CONFLICT, "name",
                    "deputy '%s' is already on the roster of vote session %s", name, s.code);
            goto out;
        }
        struct row r = {0};
        int64_t id;
        row_set_id(&r, "session_id", s.id);
        row_set_text(&r, "name", name);
        if (store_rec_insert(svc->st, "deputies", &r, &id, e) < 0) {
            json_decref(added);
            goto out;
        }
        json_array_append_new(added, json_string(name));
    }
    struct row upd = {0};
    rc =
        seal(svc, who, &s, &upd, VOTE_DRAFT, at, "roster",
             json_pack("{s:o, s:I}", "added", added, "roster", (json_int_t)(nhave + (size_t)n)), e);
out:
    rec_list_release(have, nhave);
    rec_release(&s.r);
    return rc;
}

int svc_vote_deputies(struct service *svc, const struct actor *who, const char *code,
                      const char *const *names, int n, int64_t at, struct err *e)
{
    IN_TX(svc, e, do_deputies(svc, who, code, names, n, at, e));
}

static int do_candidate(struct service *svc, const struct actor *who, const char *code,
                        const struct vote_candidate_req *q, int64_t *seq, struct err *e)
{
    struct session s = {0};
    int rc = -1;
    int64_t target = 0, budget = 0, n, id;
    struct ref area = {0};
    struct unit unit = {0};
    if (guard_to(who, SUBJ_VOTE, "manage", "add a candidate", e) < 0 || session_load(svc, code, &s, e) < 0)
        goto out;
    if (vote_check_edit(s.state, s.code, "candidates", e) < 0)
        goto out;
    if (!q->title || !*q->title) {
        err_set(e, ERR_INVALID, "title", "a candidate of vote session %s needs a title", s.code);
        goto out;
    }
    if ((q->target && project_qty_field("target", q->target, &target, e) < 0) ||
        (q->budget && project_qty_field("budget", q->budget, &budget, e) < 0) ||
        project_qty_fits("target", q->measure, target, e) < 0)
        goto out;
    if (q->area && *q->area && store_ref_find(svc->st, REF_AREA, q->area, &area, e) < 0)
        goto out;
    if (q->lead_unit && *q->lead_unit && store_unit_find(svc->st, q->lead_unit, &unit, e) < 0)
        goto out;
    if ((n = count_rows(svc, "vote_candidates", s.id, e)) < 0)
        goto out;
    struct row r = {0};
    row_set_id(&r, "session_id", s.id);
    row_set_int(&r, "seq", n + 1);
    row_set_text(&r, "title", q->title);
    row_set_id(&r, "area_id", area.id);
    row_set_id(&r, "lead_unit_id", unit.id);
    row_set_text(&r, "measure", q->measure ? q->measure : "");
    row_set_int(&r, "target_x100", target);
    row_set_int(&r, "budget_x100", budget);
    if (store_rec_insert(svc->st, "vote_candidates", &r, &id, e) < 0)
        goto out;
    *seq = n + 1;
    struct row upd = {0};
    rc = seal(svc, who, &s, &upd, VOTE_DRAFT, q->at, "candidate",
              json_pack("{s:I, s:s}", "seq", (json_int_t)(n + 1), "title", q->title), e);
out:
    rec_release(&s.r);
    return rc;
}

int svc_vote_candidate(struct service *svc, const struct actor *who, const char *code,
                       const struct vote_candidate_req *req, int64_t *seq, struct err *e)
{
    IN_TX(svc, e, do_candidate(svc, who, code, req, seq, e));
}

/* ---- open ------------------------------------------------------------------------------ */

static int do_open(struct service *svc, const struct actor *who, const char *code, int64_t at,
                   struct err *e)
{
    struct session s = {0};
    int rc = -1;
    int64_t nc, nd;
    if (guard_to(who, SUBJ_VOTE, "manage", "open a vote session", e) < 0 || session_load(svc, code, &s, e) < 0)
        goto out;
    if ((nc = count_rows(svc, "vote_candidates", s.id, e)) < 0 ||
        (nd = count_rows(svc, "deputies", s.id, e)) < 0 ||
        vote_check_open(s.state, s.code, (int)nc, (int)nd, e) < 0)
        goto out;
    struct row upd = {0};
    row_set_int(&upd, "state", VOTE_OPEN);
    row_set_int(&upd, "opened_at", at);
    rc = seal(svc, who, &s, &upd, VOTE_OPEN, at, "open",
              json_pack("{s:I, s:I}", "candidates", (json_int_t)nc, "deputies", (json_int_t)nd), e);
out:
    rec_release(&s.r);
    return rc;
}

int svc_vote_open(struct service *svc, const struct actor *who, const char *code, int64_t at,
                  struct err *e)
{
    IN_TX(svc, e, do_open(svc, who, code, at, e));
}

/* ---- ballots --------------------------------------------------------------------------- */

struct pair {
    int64_t deputy, cand;
};

struct roll {
    struct rec *dep, *cand, *bal;
    size_t ndep, ncand, nbal;
};

static void roll_release(struct roll *r)
{
    rec_list_release(r->dep, r->ndep);
    rec_list_release(r->cand, r->ncand);
    rec_list_release(r->bal, r->nbal);
    memset(r, 0, sizeof(*r));
}

static int roll_load(struct service *svc, int64_t session, struct roll *r, struct err *e)
{
    memset(r, 0, sizeof(*r));
    if (rec_list(svc->st, "deputies", "session_id", session, &r->dep, &r->ndep, e) < 0 ||
        rec_list(svc->st, "vote_candidates", "session_id", session, &r->cand, &r->ncand, e) < 0 ||
        rec_list(svc->st, "ballots", "session_id", session, &r->bal, &r->nbal, e) < 0) {
        roll_release(r);
        return -1;
    }
    return 0;
}

static int do_ballots(struct service *svc, const struct actor *who, const char *code,
                      const struct vote_ballot_req *b, size_t n, int64_t at, size_t *bad,
                      struct err *e)
{
    struct session s = {0};
    struct roll roll = {0};
    struct pair *cast = NULL;
    size_t ncast = 0, cap = 0;
    int rc = -1;
    if (bad)
        *bad = (size_t)-1;
    if (guard_to(who, SUBJ_VOTE, "manage", "record ballots", e) < 0 || session_load(svc, code, &s, e) < 0 ||
        roll_load(svc, s.id, &roll, e) < 0)
        goto out;
    if (n == 0) {
        err_set(e, ERR_INVALID, "ballots", "no ballot given for vote session %s", s.code);
        goto out;
    }
    for (size_t i = 0; i < roll.nbal; i++) {
        xgrow((void **)&cast, &cap, ncast + 1, sizeof(*cast));
        cast[ncast++] = (struct pair){row_int(&roll.bal[i].row, "deputy_id"),
                                      row_int(&roll.bal[i].row, "candidate_id")};
    }
    for (size_t i = 0; i < n; i++) {
        if (bad)
            *bad = i;
        const char *name = b[i].deputy ? b[i].deputy : "";
        int choice;
        int64_t dep = 0, cand = 0;
        for (size_t k = 0; k < roll.ndep && !dep; k++)
            if (!strcmp(row_text(&roll.dep[k].row, "name"), name))
                dep = row_int(&roll.dep[k].row, "id");
        for (size_t k = 0; k < roll.ncand && !cand; k++)
            if (row_int(&roll.cand[k].row, "seq") == b[i].candidate)
                cand = row_int(&roll.cand[k].row, "id");
        int already = 0;
        for (size_t k = 0; k < ncast && !already; k++)
            already = cast[k].deputy == dep && cast[k].cand == cand;
        struct vote_ballot_check chk = {s.state,  s.code,    name,   b[i].candidate,
                                        dep != 0, cand != 0, already};
        if (vote_check_ballot(&chk, e) < 0 || vote_choice_parse(b[i].choice, &choice, e) < 0)
            goto out;
        struct row r = {0};
        int64_t id;
        row_set_id(&r, "session_id", s.id);
        row_set_id(&r, "deputy_id", dep);
        row_set_id(&r, "candidate_id", cand);
        row_set_int(&r, "choice", choice);
        row_set_int(&r, "cast_at", at);
        if (store_rec_insert(svc->st, "ballots", &r, &id, e) < 0)
            goto out;
        xgrow((void **)&cast, &cap, ncast + 1, sizeof(*cast));
        cast[ncast++] = (struct pair){dep, cand};
        struct row upd = {0};
        if (seal(svc, who, &s, &upd, VOTE_OPEN, at, "ballot",
                 json_pack("{s:s, s:I, s:s}", "deputy", name, "candidate",
                           (json_int_t)b[i].candidate, "choice", vote_choice_label(choice)),
                 e) < 0)
            goto out;
    }
    if (bad)
        *bad = (size_t)-1;
    rc = 0;
out:
    free(cast);
    roll_release(&roll);
    rec_release(&s.r);
    return rc;
}

int svc_vote_ballots(struct service *svc, const struct actor *who, const char *code,
                     const struct vote_ballot_req *b, size_t n, int64_t at, size_t *bad,
                     struct err *e)
{
    IN_TX(svc, e, do_ballots(svc, who, code, b, n, at, bad, e));
}

/* ---- close: the count -------------------------------------------------------------------- */

static int index_of(const struct rec *l, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (row_int(&l[i].row, "id") == id)
            return (int)i;
    return -1;
}

static int do_close(struct service *svc, const struct actor *who, const char *code, int64_t at,
                    struct vote_tally *out, struct err *e)
{
    struct session s = {0};
    struct roll roll = {0};
    struct vote_ballot *b = NULL;
    struct vote_tally t = {0};
    int rc = -1;
    if (guard_to(who, SUBJ_VOTE, "manage", "close a vote session", e) < 0 || session_load(svc, code, &s, e) < 0)
        goto out;
    if (vote_check_close(s.state, s.code, e) < 0 || roll_load(svc, s.id, &roll, e) < 0)
        goto out;
    b = xcalloc(roll.nbal + 1, sizeof(*b));
    for (size_t i = 0; i < roll.nbal; i++) {
        b[i].deputy = index_of(roll.dep, roll.ndep, row_int(&roll.bal[i].row, "deputy_id"));
        b[i].cand = index_of(roll.cand, roll.ncand, row_int(&roll.bal[i].row, "candidate_id"));
        b[i].choice = (int)row_int(&roll.bal[i].row, "choice");
    }
    struct err ignore = {0};
    if (vote_rule_parse(row_text(&s.r.row, "rule"), &t.rule, &ignore) < 0)
        t.rule = RULE_MAJORITY_OF_ALL;
    t.quorum = (int)row_int(&s.r.row, "quorum");
    t.max_select = (int)row_int(&s.r.row, "max_select");
    t.roster = (int)roll.ndep;
    t.ncand = (int)roll.ncand;
    t.c = xcalloc(roll.ncand + 1, sizeof(*t.c));
    vote_tally(&t, b, roll.nbal);
    json_t *chosen = json_array(), *tied = json_array();
    for (size_t i = 0; i < roll.ncand; i++) {
        const struct vote_count *c = &t.c[i];
        struct row r = {0};
        row_set_int(&r, "yes", c->yes);
        row_set_int(&r, "no", c->no);
        row_set_int(&r, "abstain", c->abstain);
        row_set_int(&r, "passed", c->passed);
        row_set_int(&r, "rank", c->rank);
        row_set_int(&r, "tied", c->tied);
        row_set_int(&r, "chosen", c->chosen);
        json_int_t seq = (json_int_t)row_int(&roll.cand[i].row, "seq");
        if (c->chosen)
            json_array_append_new(chosen, json_integer(seq));
        if (c->tied)
            json_array_append_new(tied, json_integer(seq));
        if (store_rec_update(svc->st, "vote_candidates", row_int(&roll.cand[i].row, "id"), &r, e) <
            0) {
            json_decref(chosen);
            json_decref(tied);
            goto out;
        }
    }
    struct row upd = {0};
    row_set_int(&upd, "state", VOTE_CLOSED);
    row_set_int(&upd, "closed_at", at);
    row_set_int(&upd, "turnout", t.turnout);
    row_set_text(&upd, "outcome", t.why);
    rc = seal(svc, who, &s, &upd, VOTE_CLOSED, at, "close",
              json_pack("{s:i, s:i, s:b, s:o, s:o, s:s}", "roster", t.roster, "turnout", t.turnout,
                        "quorum_met", t.quorum_met, "chosen", chosen, "tied", tied, "outcome",
                        t.why),
              e);
    if (rc == 0 && out) {
        *out = t;
        out->c = NULL;
    }
out:
    free(t.c);
    free(b);
    roll_release(&roll);
    rec_release(&s.r);
    return rc;
}

int svc_vote_close(struct service *svc, const struct actor *who, const char *code, int64_t at,
                   struct vote_tally *t, struct err *e)
{
    IN_TX(svc, e, do_close(svc, who, code, at, t, e));
}

/* ---- reading ----------------------------------------------------------------------------- */

static json_t *x100_json(int64_t v)
{
    char s[32];
    project_qty_format(v, s, sizeof(s));
    return json_string(s);
}

static json_t *candidate_json(struct service *svc, const struct row *c)
{
    json_t *j = json_object();
    json_object_set_new(j, "seq", json_integer((json_int_t)row_int(c, "seq")));
    json_object_set_new(j, "title", json_string(row_text(c, "title")));
    struct ref area;
    struct unit unit;
    struct err ignore = {0};
    int64_t a = row_int(c, "area_id"), u = row_int(c, "lead_unit_id"), p = row_int(c, "project_id");
    json_object_set_new(j, "area",
                        a && store_ref_get(svc->st, REF_AREA, a, &area, &ignore) == 0
                            ? json_string(area.name)
                            : json_null());
    json_object_set_new(j, "lead_unit",
                        u && store_unit_get(svc->st, u, &unit, &ignore) == 0
                            ? json_string(unit.name)
                            : json_null());
    json_object_set_new(j, "measure", json_string(row_text(c, "measure")));
    json_object_set_new(j, "target", x100_json(row_int(c, "target_x100")));
    json_object_set_new(j, "budget", x100_json(row_int(c, "budget_x100")));
    static const char *const counts[] = {"yes", "no", "abstain", "rank"};
    for (int i = 0; i < 4; i++)
        json_object_set_new(j, counts[i], json_integer((json_int_t)row_int(c, counts[i])));
    static const char *const flags[] = {"passed", "tied", "chosen"};
    for (int i = 0; i < 3; i++)
        json_object_set_new(j, flags[i], json_boolean(row_int(c, flags[i]) != 0));
    json_t *project = json_null();
    struct rec pr;
    if (p && rec_get(svc->st, "projects", p, "project", &pr, &ignore) == 0) {
        json_decref(project);
        project = json_string(row_text(&pr.row, "code"));
        rec_release(&pr);
    }
    json_object_set_new(j, "project", project);
    return j;
}

static json_t *session_json(struct service *svc, const struct row *s, int full, struct err *e)
{
    int64_t id = row_int(s, "id");
    struct roll roll = {0};
    if (roll_load(svc, id, &roll, e) < 0)
        return NULL;
    int state = (int)row_int(s, "state");
    int64_t quorum = row_int(s, "quorum");
    json_t *j = json_object();
    json_object_set_new(j, "code", json_string(row_text(s, "code")));
    json_object_set_new(j, "title", json_string(row_text(s, "title")));
    json_object_set_new(j, "year", json_integer((json_int_t)row_int(s, "year")));
    json_object_set_new(j, "state", json_string(vote_state_code(state)));
    json_object_set_new(j, "state_label", json_string(vote_state_label(state)));
    json_object_set_new(j, "rule", json_string(row_text(s, "rule")));
    json_object_set_new(j, "max_select", json_integer((json_int_t)row_int(s, "max_select")));
    json_object_set_new(j, "quorum", json_integer((json_int_t)quorum));
    json_object_set_new(
        j, "quorum_needed",
        json_integer((json_int_t)(quorum > 0 ? quorum : (int64_t)roll.ndep / 2 + 1)));
    json_object_set_new(j, "roster", json_integer((json_int_t)roll.ndep));
    json_object_set_new(j, "ballots", json_integer((json_int_t)roll.nbal));
    json_object_set_new(j, "turnout", json_integer((json_int_t)row_int(s, "turnout")));
    json_object_set_new(j, "outcome", json_string(row_text(s, "outcome")));
    json_object_set_new(j, "opened_at", view_time(row_int(s, "opened_at")));
    json_object_set_new(j, "closed_at", view_time(row_int(s, "closed_at")));
    json_object_set_new(j, "adopted_at", view_time(row_int(s, "adopted_at")));
    json_object_set_new(j, "version", json_integer((json_int_t)row_int(s, "version")));
    int nchosen = 0;
    json_t *cands = json_array();
    for (size_t i = 0; i < roll.ncand; i++) {
        nchosen += row_int(&roll.cand[i].row, "chosen") != 0;
        if (full)
            json_array_append_new(cands, candidate_json(svc, &roll.cand[i].row));
    }
    json_object_set_new(j, "chosen", json_integer(nchosen));
    if (full) {
        json_object_set_new(j, "candidates", cands);
        json_t *deps = json_array();
        for (size_t i = 0; i < roll.ndep; i++)
            json_array_append_new(deps, json_string(row_text(&roll.dep[i].row, "name")));
        json_object_set_new(j, "deputies", deps);
    } else {
        json_decref(cands);
        json_object_set_new(j, "candidates", json_integer((json_int_t)roll.ncand));
    }
    roll_release(&roll);
    return j;
}

json_t *svc_vote_json(struct service *svc, const struct actor *who, const char *code, int history,
                      struct err *e)
{
    struct session s = {0};
    json_t *j = NULL;
    if (guard_to(who, SUBJ_VOTE, "read", "read votes", e) < 0 || store_begin_read(svc->st, e) < 0)
        return NULL;
    if (session_load(svc, code, &s, e) < 0)
        goto out;
    j = session_json(svc, &s.r.row, 1, e);
    if (j) {
        /* what `who` may do to it now: its state allowing, and the policy */
        static const char *const by_state[][4] = {
            [VOTE_DRAFT] = {"deputies", "candidates", "open", NULL},
            [VOTE_OPEN] = {"ballots", "close", NULL, NULL},
            [VOTE_CLOSED] = {"adopt", NULL, NULL, NULL},
        };
        json_t *allowed = json_array();
        struct err no;
        if (s.state >= VOTE_DRAFT && s.state <= VOTE_CLOSED &&
            policy_can(who, SUBJ_VOTE, "manage", NULL, &no) == 0)
            for (int k = 0; k < 4 && by_state[s.state][k]; k++)
                json_array_append_new(allowed, json_string(by_state[s.state][k]));
        json_object_set_new(j, "allowed_actions", allowed);
    }
    if (j && history) {
        struct event_list ev = {0};
        if (store_subject_events(svc->st, "vote", s.id, &ev, e) < 0) {
            json_decref(j);
            j = NULL;
            goto out;
        }
        json_t *h = json_array();
        for (size_t i = 0; i < ev.n; i++)
            json_array_append_new(h, view_event(&ev.items[i]));
        json_object_set_new(j, "history", h);
        event_list_release(&ev);
    }
out:
    rec_release(&s.r);
    store_rollback(svc->st);
    return j;
}

json_t *svc_vote_list_json(struct service *svc, const struct actor *who, struct err *e)
{
    struct rec *l = NULL;
    size_t n = 0;
    if (guard_to(who, SUBJ_VOTE, "read", "read votes", e) < 0 || store_begin_read(svc->st, e) < 0)
        return NULL;
    json_t *arr = NULL;
    if (rec_list(svc->st, "vote_sessions", NULL, 0, &l, &n, e) < 0)
        goto out;
    arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *j = session_json(svc, &l[i].row, 0, e);
        if (!j) {
            json_decref(arr);
            arr = NULL;
            goto out;
        }
        json_array_append_new(arr, j);
    }
out:
    rec_list_release(l, n);
    store_rollback(svc->st);
    return arr;
}
