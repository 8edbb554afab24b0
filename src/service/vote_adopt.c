/* vote_adopt.c -- a closed vote's chosen candidates become projects (实事项目) of the
 * session's year through svc_project_add() (service/project.h), in one transaction: each
 * chosen candidate's project_id is set and the session gets one "adopt" event.
 */
#include "service/vote.h"
#include "service/guard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/project.h"
#include "service/project.h"
#include "service/subject.h"

#include "util/banned.h"

static int do_adopt(struct service *svc, const struct actor *who, const char *code, int64_t at,
                    int *count, struct err *e)
{
    struct rec s = {0};
    struct rec *cand = NULL;
    size_t ncand = 0;
    int rc = -1, n = 0;
    json_t *made = NULL;
    if (guard_to(who, SUBJ_VOTE, "manage", "adopt a vote", e) < 0)
        goto out;
    int found = rec_find(svc->st, "vote_sessions", "code", code, &s, e);
    if (found < 0)
        goto out;
    if (found > 0) {
        err_set(e, ERR_NOT_FOUND, "code", "no vote session '%s'", code ? code : "");
        goto out;
    }
    int64_t id = row_int(&s.row, "id");
    int state = (int)row_int(&s.row, "state");
    if (state != VOTE_CLOSED) {
        err_set(e, ERR_STATE, "state", "vote session %s is %s (%s): only a closed vote is adopted",
                code, vote_state_label(state), vote_state_code(state));
        goto out;
    }
    if (row_int(&s.row, "adopted_at")) {
        err_set(e, ERR_STATE, "state", "vote session %s has already been adopted", code);
        goto out;
    }
    if (rec_list(svc->st, "vote_candidates", "session_id", id, &cand, &ncand, e) < 0)
        goto out;
    made = json_array();
    for (size_t i = 0; i < ncand; i++) {
        const struct row *c = &cand[i].row;
        if (!row_int(c, "chosen") || row_int(c, "project_id"))
            continue;
        struct project_req q;
        memset(&q, 0, sizeof(q));
        char target[32], budget[32], pcode[32];
        struct ref area;
        struct unit unit;
        project_qty_format(row_int(c, "target_x100"), target, sizeof(target));
        project_qty_format(row_int(c, "budget_x100"), budget, sizeof(budget));
        q.title = row_text(c, "title");
        q.year = (int)row_int(&s.row, "year");
        if (row_int(c, "area_id")) {
            if (store_ref_get(svc->st, REF_AREA, row_int(c, "area_id"), &area, e) < 0)
                goto out;
            q.area = area.name;
        }
        if (row_int(c, "lead_unit_id")) {
            if (store_unit_get(svc->st, row_int(c, "lead_unit_id"), &unit, e) < 0)
                goto out;
            q.lead_unit = unit.name;
        }
        q.measure = row_text(c, "measure");
        q.target = target;
        q.budget = budget;
        q.description = row_text(&s.row, "title");
        q.at = at;
        int64_t pid;
        if (svc_project_add(svc, who, &q, &pid, pcode, e) < 0)
            goto out;
        struct row upd = {0};
        row_set_id(&upd, "project_id", pid);
        if (store_rec_update(svc->st, "vote_candidates", row_int(c, "id"), &upd, e) < 0)
            goto out;
        json_array_append_new(made, json_pack("{s:I, s:s}", "candidate",
                                              (json_int_t)row_int(c, "seq"), "project", pcode));
        n++;
    }
    int64_t seq = row_int(&s.row, "last_seq") + 1;
    struct row upd = {0};
    row_set_int(&upd, "adopted_at", at);
    row_set_int(&upd, "last_seq", seq);
    row_set_int(&upd, "version", row_int(&s.row, "version") + 1);
    row_set_int(&upd, "updated_at", at);
    if (store_rec_update(svc->st, "vote_sessions", id, &upd, e) < 0)
        goto out;
    json_t *d = json_pack("{s:O}", "projects", made);
    char *ds = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(d);
    rc = subject_append(svc, who, "vote", id, seq, at, "adopt", VOTE_CLOSED, VOTE_CLOSED, ds, e);
    free(ds);
    if (rc == 0 && count)
        *count = n;
out:
    json_decref(made);
    rec_list_release(cand, ncand);
    rec_release(&s);
    return rc;
}

int svc_vote_adopt(struct service *svc, const struct actor *who, const char *code, int64_t at,
                   int *n, struct err *e)
{
    if (store_begin(svc->st, e) < 0)
        return -1;
    if (do_adopt(svc, who, code, at, n, e) < 0 || store_commit(svc->st, e) < 0) {
        store_rollback(svc->st);
        return -1;
    }
    return 0;
}
