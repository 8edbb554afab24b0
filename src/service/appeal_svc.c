/* appeal_svc.c -- the appeal use cases: register, act, show, list. Each write is one
 * transaction: the appeal row and its event(s) are saved together or not at all. */
#include "service/service.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/audit.h"
#include "service/guard.h"
#include "service/project.h"
#include "service/subject.h"
#include "service/view.h"
#include "util/civil.h"

#include "util/banned.h"

/* Seals `ev` onto the chain and saves the new row: the one way an appeal changes. */
static int save(struct service *svc, struct appeal *next, int64_t expected_version,
                struct event *ev, int insert, struct err *e)
{
    int64_t last_id;
    char head[65];
    if (insert) {
        if (store_appeal_insert(svc->st, next, e) < 0)
            return -1;
        ev->appeal_id = next->id;
    } else if (store_appeal_update(svc->st, next, expected_version, e) < 0) {
        return -1;
    }
    if (store_chain_head(svc->st, &last_id, head, e) < 0)
        return -1;
    appeal_digest(next, ev->row_digest);
    ev->id = last_id + 1;
    audit_seal(ev, head);
    return store_event_append(svc->st, ev, e);
}

static int do_register(struct service *svc, const struct actor *who,
                       const struct register_req *req, struct appeal *out, struct err *e)
{
    struct appeal draft, next;
    struct event ev;
    struct ref ch, area;
    appeal_init(&draft);
    if (!req->channel || !*req->channel)
        return err_set(e, ERR_INVALID, "channel", "channel is required");
    if (store_ref_find(svc->st, REF_CHANNEL, req->channel, &ch, e) < 0)
        return -1;
    if (!ch.active)
        return err_set(e, ERR_INVALID, "channel", "channel '%s' is disabled", ch.name);
    draft.channel_id = ch.id;
    if (req->area && *req->area) {
        if (store_ref_find(svc->st, REF_AREA, req->area, &area, e) < 0)
            return -1;
        if (!area.active)
            return err_set(e, ERR_INVALID, "area", "area '%s' is disabled", area.name);
        draft.area_id = area.id;
    }
    draft.kind = kind_parse(req->kind);
    if (req->kind && *req->kind && draft.kind == KIND_NONE)
        return err_set(e, ERR_INVALID, "kind",
                       "unknown appeal kind '%s' (咨询 求助 投诉 举报 建议)", req->kind);
    draft.urgency = req->urgency && *req->urgency ? urgency_parse(req->urgency) : URG_NORMAL;
    if (draft.urgency < 0)
        return err_set(e, ERR_INVALID, "urgency", "unknown urgency '%s' (一般 紧急 特急)",
                       req->urgency);
    draft.title = (char *)req->title;
    draft.content = (char *)req->content;
    draft.citizen_name = (char *)req->citizen_name;
    draft.phone = (char *)req->phone;
    draft.id_number = (char *)req->id_number;
    draft.address = (char *)req->address;
    struct action act = {.type = ACT_REGISTER, .at = req->at, .actor = *who};
    if (req->n_photo < 0 || req->n_photo > APPEAL_MAX_EVIDENCE)
        return err_set(e, ERR_INVALID, "photo", "at most %d photos", APPEAL_MAX_EVIDENCE);
    for (int i = 0; i < req->n_photo; i++) {
        /* A photo is one the store holds, unchanged; nothing else stands in for one. */
        if (strncmp(req->photo[i], "sha256:", 7) != 0)
            return err_set(e, ERR_INVALID, "photo", "a photo is a stored file (sha256:...), not '%.40s'",
                           req->photo[i]);
        if (svc_file_check(svc, req->photo[i], e) < 0)
            return -1;
        act.evidence[i] = req->photo[i];
    }
    act.n_evidence = req->n_photo;
    if (appeal_apply(&draft, &act, &svc->limits, &next, &ev, e) < 0)
        return -1;
    char prefix[16] = "SS", counter[32], date[11];
    struct err ignore;
    store_setting_get(svc->st, "code_prefix", prefix, sizeof(prefix), &ignore);
    civil_format_date(civil_site_date(req->at), date);
    snprintf(counter, sizeof(counter), "appeal:%.4s%.2s%.2s", date, date + 5, date + 8);
    int64_t n;
    int rc = -1;
    if (store_counter_next(svc->st, counter, &n, e) < 0)
        goto out;
    char code[64];
    snprintf(code, sizeof(code), "%s%.4s%.2s%.2s%04lld", prefix, date, date + 5, date + 8,
             (long long)n);
    if (strlen(code) >= sizeof(next.code)) {
        err_set(e, ERR_INVALID, "code", "appeal code '%s' is too long: shorten the code prefix",
                code);
        goto out;
    }
    memcpy(next.code, code, strlen(code) + 1);
    if (save(svc, &next, 0, &ev, 1, e) < 0 || svc_sketch_appeal(svc, &next, e) < 0)
        goto out;
    rc = 0;
    if (out) {
        *out = next;
        appeal_init(&next);
    }
out:
    appeal_release(&next);
    event_release(&ev);
    return rc;
}

int svc_register(struct service *svc, const struct actor *who, const struct register_req *req,
                 struct appeal *out, struct err *e)
{
    if (store_begin(svc->st, e) < 0)
        return -1;
    if (do_register(svc, who, req, out, e) < 0 || store_commit(svc->st, e) < 0) {
        store_rollback(svc->st);
        return -1;
    }
    return 0;
}

static int resolve_unit(struct service *svc, const char *name, int64_t *id, struct err *e)
{
    struct unit u;
    if (store_unit_find(svc->st, name, &u, e) < 0)
        return -1;
    if (!u.active)
        return err_set(e, ERR_INVALID, "unit", "unit '%s' is disabled", name);
    *id = u.id;
    return 0;
}

/* Turns the request's names into the core's action. */
static int build_action(struct service *svc, const struct actor *who, const struct act_req *req,
                        const struct appeal *cur, const struct unit_tree *tree,
                        struct action *act, struct err *e)
{
    memset(act, 0, sizeof(*act));
    act->type = req->type;
    act->at = req->at;
    act->actor = *who;
    act->phone_last4 = who->phone_last4[0] ? who->phone_last4 : NULL; /* a citizen's proof */
    act->units = tree;
    if (req->unit && *req->unit && resolve_unit(svc, req->unit, &act->unit_id, e) < 0)
        return -1;
    if (req->n_assist < 0 || req->n_assist > APPEAL_MAX_ASSIST)
        return err_set(e, ERR_INVALID, "assist", "at most %d assisting units", APPEAL_MAX_ASSIST);
    for (int i = 0; i < req->n_assist; i++)
        if (resolve_unit(svc, req->assist[i], &act->assist[i], e) < 0)
            return -1;
    act->n_assist = req->n_assist;
    act->limit_amount = req->limit_amount;
    act->limit_unit = req->limit_unit;
    act->complex = req->complex;
    act->ext_days = req->ext_days;
    act->reason = req->reason;
    act->text = req->text;
    act->record = req->record;
    act->note = req->note;
    if (req->n_evidence < 0 || req->n_evidence > APPEAL_MAX_EVIDENCE)
        return err_set(e, ERR_INVALID, "evidence", "at most %d evidence references",
                       APPEAL_MAX_EVIDENCE);
    for (int i = 0; i < req->n_evidence; i++)
        act->evidence[i] = req->evidence[i];
    act->n_evidence = req->n_evidence;
    if (req->solved && *req->solved) {
        act->solved = solved_parse(req->solved);
        if (!act->solved)
            return err_set(e, ERR_INVALID, "solved", "solved must be yes, partly or no, not '%s'",
                           req->solved);
    }
    if (req->satisfaction && *req->satisfaction) {
        act->satisfaction = satisfaction_parse(req->satisfaction);
        if (!act->satisfaction)
            return err_set(e, ERR_INVALID, "satisfaction",
                           "satisfaction must be 满意, 基本满意 or 不满意, not '%s'",
                           req->satisfaction);
    }
    act->no_redo = req->no_redo;
    if ((req->type == ACT_MERGE || req->type == ACT_REJECT) &&
        store_appeal_joined(svc->st, cur->id, &act->joined, e) < 0)
        return -1;
    if (req->type == ACT_MERGE) {
        if (!req->into || !*req->into)
            return err_set(e, ERR_INVALID, "into", "merge needs the appeal to merge into");
        struct appeal target;
        if (store_appeal_by_code(svc->st, req->into, &target, e) < 0)
            return -1;
        act->target_id = target.id;
        act->target_state = target.state;
        act->target_code = req->into;
        appeal_release(&target);
    } else if (req->type == ACT_VISIT && cur->state == ST_MERGED) {
        struct appeal target;
        if (store_appeal_get(svc->st, cur->merged_into, &target, e) < 0)
            return -1;
        act->target_id = target.id;
        act->target_state = target.state;
        appeal_release(&target);
    }
    return 0;
}

/* Applies `act` to `cur`, saves, and moves `cur` on to the new state. */
static int apply_save(struct service *svc, struct appeal *cur, const struct action *act,
                      int64_t expected, struct err *e)
{
    struct appeal next;
    struct event ev;
    struct limits lim; /* read per action: another instance may have added a rule set */
    if (svc_limits_now(svc, &lim, e) < 0 || appeal_apply(cur, act, &lim, &next, &ev, e) < 0)
        return -1;
    int rc = save(svc, &next, expected, &ev, 0, e);
    event_release(&ev);
    if (rc < 0) {
        appeal_release(&next);
        return -1;
    }
    appeal_release(cur);
    *cur = next;
    return 0;
}

static int do_act(struct service *svc, const struct actor *who, const struct act_req *req,
                  struct appeal *out, struct err *e)
{
    struct appeal cur;
    struct action act;
    struct unit_tree tree = {NULL, 0}; /* a leader's subtree scope reads the units */
    if (policy_scope(who, SUBJ_APPEAL, action_code(req->type)) == SCOPE_TREE &&
        guard_tree(svc, &tree, e) < 0)
        return -1;
    if (req->type <= ACT_REGISTER || req->type >= ACT_COUNT_)
        return err_set(e, ERR_INVALID, "action", "unknown action");
    if (!req->code || !*req->code)
        return err_set(e, ERR_INVALID, "code", "which appeal? an appeal code is required");
    /* A merge reads its target's state, and a merge or rejection counts the appeals merged
     * into this one (a merge into it may be committing now): the rows are locked first. */
    if ((req->type == ACT_MERGE || req->type == ACT_REJECT) &&
        store_appeals_lock(svc->st, req->code,
                           req->type == ACT_MERGE && req->into && *req->into ? req->into
                                                                             : req->code,
                           e) < 0)
        return -1;
    if (store_appeal_by_code(svc->st, req->code, &cur, e) < 0)
        return -1;
    int rc = -1;
    if (req->expected_version && req->expected_version != cur.version) {
        err_set(e, ERR_CONFLICT, "version",
                "appeal %s is at version %lld, not %lld: reload it and try again", cur.code,
                (long long)cur.version, (long long)req->expected_version);
        goto out;
    }
    if (build_action(svc, who, req, &cur, &tree, &act, e) < 0 ||
        apply_save(svc, &cur, &act, cur.version, e) < 0)
        goto out;
    if (req->type == ACT_VISIT && cur.state == ST_VISITED && !req->no_redo &&
        (cur.visit_solved == SOLVED_NO || cur.visit_satisfaction == SAT_UNSATISFIED)) {
        struct action redo = {.type = ACT_REDO, .at = req->at};
        redo.actor.role = ROLE_SYSTEM;
        snprintf(redo.actor.name, sizeof(redo.actor.name), "system");
        redo.reason = cur.visit_solved == SOLVED_NO ? "回访未解决，自动重办"
                                                    : "回访不满意，自动重办";
        if (apply_save(svc, &cur, &redo, cur.version, e) < 0)
            goto out;
    }
    rc = 0;
    if (out) {
        *out = cur;
        appeal_init(&cur);
    }
out:
    appeal_release(&cur);
    return rc;
}

int svc_act(struct service *svc, const struct actor *who, const struct act_req *req,
            struct appeal *out, struct err *e)
{
    if (store_begin(svc->st, e) < 0)
        return -1;
    if (do_act(svc, who, req, out, e) < 0 || store_commit(svc->st, e) < 0) {
        store_rollback(svc->st);
        return -1;
    }
    return 0;
}

int svc_show(struct service *svc, const struct actor *who, const char *code, struct appeal *a,
             struct event_list *hist, struct err *e)
{
    if (store_appeal_by_code(svc->st, code, a, e) < 0)
        return -1;
    if (guard_appeal(svc, who, "read", a, e) < 0) {
        appeal_release(a);
        return -1;
    }
    if (hist && store_events_of(svc->st, a->id, hist, e) < 0) {
        appeal_release(a);
        return -1;
    }
    return 0;
}

/* Records one disclosure of `a`'s personal data to `who` and seals it onto the chain. */
static int disclose(struct service *svc, const struct actor *who, const struct appeal *a,
                    int64_t at, struct err *e)
{
    static const struct {
        const char *name;
        size_t off;
    } fields[] = {
        {"citizen_name", offsetof(struct appeal, citizen_name)},
        {"phone", offsetof(struct appeal, phone)},
        {"id_number", offsetof(struct appeal, id_number)},
        {"address", offsetof(struct appeal, address)},
    };
    char list[64] = "";
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        const char *v = *(char *const *)((const char *)a + fields[i].off);
        if (v && *v)
            snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", *list ? "," : "",
                     fields[i].name);
    }
    struct row r = {0};
    row_set_int(&r, "appeal_id", a->id);
    row_set_id(&r, "user_id", who->user_id);
    row_set_text(&r, "username", who->name[0] ? who->name : "system");
    row_set_text(&r, "fields", list);
    row_set_int(&r, "at", at);
    int64_t id;
    if (store_rec_insert(svc->st, "disclosures", &r, &id, e) < 0)
        return -1;
    char det[160];
    snprintf(det, sizeof(det), "{\"appeal\":\"%s\",\"fields\":\"%s\"}", a->code, list);
    return subject_append(svc, who, "disclosure", id, 1, at, "disclose", 0, 1, det, e);
}

int svc_disclose(struct service *svc, const struct actor *who, const char *code, int64_t at,
                 struct appeal *a, struct event_list *hist, struct err *e)
{
    if (store_begin(svc->st, e) < 0)
        return -1;
    if (svc_show(svc, who, code, a, hist, e) < 0) {
        store_rollback(svc->st);
        return -1;
    }
    if (guard_appeal(svc, who, "unmask", a, e) < 0 || disclose(svc, who, a, at, e) < 0 ||
        store_commit(svc->st, e) < 0) {
        store_rollback(svc->st);
        appeal_release(a);
        if (hist)
            event_list_release(hist);
        return -1;
    }
    return 0;
}

int svc_list(struct service *svc, const struct actor *who, const struct list_req *req,
             struct appeal_list *out, struct err *e)
{
    struct appeal_filter f;
    memset(&f, 0, sizeof(f));
    memset(out, 0, sizeof(*out));
    if (guard_appeal_filter(who, &f, e) < 0)
        return -1;
    if (req->q && *req->q) {
        if (strlen(req->q) > 200)
            return err_set(e, ERR_INVALID, "q", "the search text is longer than 200 bytes");
        f.q = req->q;
    }
    f.due_soon = req->due_soon;
    f.ext_pending = req->ext_pending;
    f.suspect = req->suspect;
    if (req->state && *req->state && !(f.state = state_parse(req->state)))
        return err_set(e, ERR_INVALID, "status", "unknown status '%s'", req->state);
    if (req->unit && *req->unit) {
        struct unit u;
        if (store_unit_find(svc->st, req->unit, &u, e) < 0)
            return -1;
        f.unit_id = u.id;
    }
    struct ref r;
    if (req->area && *req->area) {
        if (store_ref_find(svc->st, REF_AREA, req->area, &r, e) < 0)
            return -1;
        f.area_id = r.id;
    }
    if (req->channel && *req->channel) {
        if (store_ref_find(svc->st, REF_CHANNEL, req->channel, &r, e) < 0)
            return -1;
        f.channel_id = r.id;
    }
    int64_t d;
    if (req->from && *req->from) {
        if (civil_parse_date_checked(req->from, &d, e) < 0)
            return -1;
        f.from = civil_site_midnight(d);
    }
    if (req->to && *req->to) {
        if (civil_parse_date_checked(req->to, &d, e) < 0)
            return -1;
        f.to = civil_site_midnight(d + 1);
    }
    f.overdue = req->overdue;
    f.now = req->now;
    if (req->sort && *req->sort) {
        const char *s = req->sort;
        if (*s == '-') {
            f.desc = 1;
            s++;
        }
        static const char *const keys[] = {"received", "deadline", "code", "status"};
        f.sort = -1;
        for (int i = 0; i < 4; i++)
            if (!strcmp(s, keys[i]))
                f.sort = i;
        if (f.sort < 0)
            return err_set(e, ERR_INVALID, "sort",
                           "cannot sort by '%s' (received, deadline, code, status; '-' for "
                           "descending)",
                           req->sort);
    }
    if (req->limit < 0 || req->offset < 0)
        return err_set(e, ERR_INVALID, "limit", "limit and offset cannot be negative");
    f.limit = req->limit;
    f.offset = req->offset;
    return store_appeal_list(svc->st, &f, out, e);
}

/* ---- the appeal as a reader sees it ------------------------------------------------------ */

const char *action_url_name(int type, char *buf, size_t size)
{
    snprintf(buf, size, "%s", action_code(type));
    for (char *p = buf; *p; p++)
        if (*p == '_')
            *p = '-';
    return buf;
}

int action_url_parse(const char *name)
{
    char buf[32];
    for (int t = ACT_REGISTER + 1; name && t < ACT_COUNT_; t++)
        if (!strcmp(name, action_url_name(t, buf, sizeof(buf))))
            return t;
    return ACT_NONE;
}

json_t *svc_appeal_doc(struct service *svc, const struct actor *who, const struct appeal *a,
                       const struct event_list *hist, int unmask, int64_t now, struct err *e)
{
    const struct names *n = names_cached(svc, e);
    if (!n || guard_appeal(svc, who, "read", a, e) < 0)
        return NULL;
    int full = unmask != UNMASK_NO && guard_appeal_ok(svc, who, "unmask", a);
    if (unmask == UNMASK_OR_REFUSE && !full) {
        guard_appeal(svc, who, "unmask", a, e);
        return NULL;
    }
    json_t *j = view_appeal(n, a, full, now);
    /* A deadline in a year without its holiday notice may move when the notice's 调休 come. */
    json_object_set_new(j, "deadline_provisional",
                        json_boolean(a->deadline &&
                                     calendar_is_provisional(&svc->cal, civil_site_date(a->deadline))));
    json_t *allowed = json_array();
    for (int t = ACT_REGISTER + 1; t < ACT_COUNT_; t++) {
        char name[32];
        if (appeal_action_possible(a, t) && guard_appeal_ok(svc, who, action_code(t), a))
            json_array_append_new(allowed, json_string(action_url_name(t, name, sizeof(name))));
    }
    json_object_set_new(j, "allowed_actions", allowed);
    /* The suggestions matter while the appeal waits for its unit. */
    json_t *sugg = appeal_action_possible(a, ACT_DISPATCH) ? svc_suggest_json(svc, who, a) : NULL;
    if (sugg)
        json_object_set_new(j, "suggested", sugg);
    if (hist) {
        json_t *arr = json_array();
        for (size_t i = 0; i < hist->n; i++)
            json_array_append_new(arr, view_event(&hist->items[i]));
        json_object_set_new(j, "history", arr);
    }
    json_t *projects = svc_appeal_projects_json(svc, a->id, e);
    if (!projects) {
        json_decref(j);
        return NULL;
    }
    json_object_set_new(j, "projects", projects);
    return j;
}

json_t *svc_appeal_list_doc(struct service *svc, const struct actor *who,
                            const struct appeal_list *l, int offset, int unmask, int64_t now,
                            struct err *e)
{
    const struct names *n = names_cached(svc, e);
    if (!n)
        return NULL;
    json_t *items = json_array();
    for (size_t i = 0; i < l->n; i++) {
        const struct appeal *a = &l->items[i];
        int full = unmask != UNMASK_NO && guard_appeal_ok(svc, who, "unmask", a);
        json_array_append_new(items, view_appeal(n, a, full, now));
    }
    json_t *doc = json_object();
    json_object_set_new(doc, "total", json_integer(l->total));
    json_object_set_new(doc, "items", items);
    int64_t next = offset + (int64_t)l->n;
    if (next < l->total) {
        char nc[24];
        snprintf(nc, sizeof(nc), "%lld", (long long)next);
        json_object_set_new(doc, "next_cursor", json_string(nc));
    } else {
        json_object_set_new(doc, "next_cursor", json_null());
    }
    return doc;
}
