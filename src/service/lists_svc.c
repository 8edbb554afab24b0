/* lists_svc.c -- list items (任务清单, 问题清单), leaders' lists, visits and their compliance.
 * Each write is one transaction; an item changes only together with its one "task" event on
 * the chain (subject_append after the row change). Visits are inserted, never changed (the
 * tables' triggers refuse it too). */
#include "service/lists.h"
#include "core/text.h"
#include "service/guard.h"
#include "service/tx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/subject.h"
#include "service/view.h"
#include "util/civil.h"
#include "util/xalloc.h"

#include "util/banned.h"

/* ---- helpers ----------------------------------------------------------------------------- */

static int empty(const char *s)
{
    return !s || !*s;
}

/* The row of `table` whose `col` is `text`; ERR_NOT_FOUND "no <what> '<text>'". */
int task_op_parse(const char *name)
{
    static const char *const names[] = {[TASK_OP_UPDATE] = "update", [TASK_OP_CLOSE] = "close",
                                        [TASK_OP_VERIFY] = "verify", [TASK_OP_REOPEN] = "reopen"};
    for (int i = 0; name && i < (int)(sizeof(names) / sizeof(names[0])); i++)
        if (!strcmp(name, names[i]))
            return i;
    return -1;
}

static int find_by_text(store_t *st, const char *table, const char *col, const char *text,
                        const char *what, struct rec *out, struct err *e)
{
    int rc = rec_find(st, table, col, text, out, e);
    if (rc > 0)
        return err_set(e, ERR_NOT_FOUND, what, "no %s '%s'", what, text ? text : "");
    return rc;
}

static int parse_date(const char *s, const char *field, int64_t *day, struct err *e)
{
    if (civil_parse_date(s, day) != 0)
        return err_set(e, ERR_INVALID, field, "%s '%s' is not a date (YYYY-MM-DD)", field, s);
    return 0;
}

static int find_unit(struct service *svc, const char *name, struct unit *u, struct err *e)
{
    if (empty(name))
        return err_set(e, ERR_INVALID, "unit", "an owner unit is required");
    if (store_unit_find(svc->st, name, u, e) < 0)
        return -1;
    if (!u->active)
        return err_set(e, ERR_INVALID, "unit", "unit '%s' is disabled", name);
    return 0;
}

static json_t *date_json(int64_t day)
{
    char d[11];
    if (!day)
        return json_null();
    civil_format_date(day, d);
    return json_string(d);
}

static const char *unit_name(struct service *svc, int64_t id, struct unit *buf)
{
    struct err ignore;
    if (!id || store_unit_get(svc->st, id, buf, &ignore) < 0)
        return "";
    return buf->name;
}


/* ---- list items -------------------------------------------------------------------------- */

#define TEXT_MAX 2000 /* characters of any one text field */

/* Optional free text: the program's one rule for it (core/text.c). */
static int check_text(const char *field, const char *s, struct err *e)
{
    return text_check(field, s, TEXT_MAX, 0, e);
}

static int do_task_add(struct service *svc, const struct actor *who, const struct task_req *req,
                       char *code, struct err *e)
{
    if (guard_to(who, SUBJ_TASK, "add", "add list items", e) < 0)
        return -1;
    const char *list = req->list ? req->list : "";
    const char *prefix;
    if (!strcmp(list, "task") || !strcmp(list, "任务") || !strcmp(list, "任务清单")) {
        list = "task";
        prefix = "RW";
    } else if (!strcmp(list, "problem") || !strcmp(list, "问题") || !strcmp(list, "问题清单")) {
        list = "problem";
        prefix = "WT";
    } else {
        return err_set(e, ERR_INVALID, "list",
                       "unknown list '%s' (task 任务清单, problem 问题清单)", list);
    }
    if (empty(req->title))
        return err_set(e, ERR_INVALID, "title", "a list item needs a title");
    if (check_text("title", req->title, e) < 0 || check_text("detail", req->detail, e) < 0)
        return -1;
    for (int i = 0; i < SIX_COUNT; i++)
        if (check_text(task_six_column(i), req->six[i], e) < 0)
            return -1;
    struct unit u;
    if (find_unit(svc, req->unit, &u, e) < 0)
        return -1;
    int64_t due = 0;
    if (!empty(req->due) && parse_date(req->due, "due", &due, e) < 0)
        return -1;
    int y, m, d;
    civil_ymd(civil_site_date(req->at), &y, &m, &d);
    int batch_year = req->year ? req->year : y; /* the batch's year: given, or the item's */
    int64_t batch_id = 0;
    if (req->batch < 0)
        return err_set(e, ERR_INVALID, "batch", "batch number %d must be positive", req->batch);
    if (req->batch > 0) {
        struct rec *bs;
        size_t nb;
        if (rec_list(svc->st, "batches", "year", batch_year, &bs, &nb, e) < 0)
            return -1;
        for (size_t i = 0; i < nb; i++)
            if (row_int(&bs[i].row, "number") == req->batch)
                batch_id = row_int(&bs[i].row, "id");
        rec_list_release(bs, nb);
        if (!batch_id)
            return err_set(e, ERR_NOT_FOUND, "batch",
                           "%d 年没有第 %d 批 (no batch %d of %d): another year's? name it (year)",
                           batch_year, req->batch, req->batch, batch_year);
    }
    char counter[48];
    int64_t n;
    snprintf(counter, sizeof(counter), "task:%s%d", prefix, y);
    if (store_counter_next(svc->st, counter, &n, e) < 0)
        return -1;
    snprintf(code, TASK_CODE_LEN, "%s%d-%04lld", prefix, y, (long long)n);
    struct row r = {0};
    row_set_text(&r, "code", code);
    row_set_text(&r, "list", list);
    row_set_text(&r, "title", req->title);
    row_set_text(&r, "detail", req->detail ? req->detail : "");
    row_set_id(&r, "batch_id", batch_id);
    row_set_int(&r, "owner_unit_id", u.id);
    row_set_text(&r, "leader", req->leader ? req->leader : "");
    row_set_int(&r, "due_on", due);
    for (int i = 0; i < SIX_COUNT; i++)
        row_set_text(&r, task_six_column(i), req->six[i] ? req->six[i] : "");
    row_set_int(&r, "state", TASK_OPEN);
    row_set_id(&r, "visit_id", req->visit_id);
    row_set_int(&r, "created_at", req->at);
    row_set_int(&r, "updated_at", req->at);
    row_set_int(&r, "version", 1);
    row_set_int(&r, "last_seq", 1);
    int64_t id;
    if (store_rec_insert(svc->st, "task_items", &r, &id, e) < 0)
        return -1;
    json_t *det = json_pack("{s:s, s:s}", "list", list, "unit", u.name);
    char *txt = json_dumps(det, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(det);
    int rc =
        subject_append(svc, who, "task", id, 1, req->at, "create", TASK_NONE, TASK_OPEN, txt, e);
    free(txt);
    return rc;
}

int svc_task_add(struct service *svc, const struct actor *who, const struct task_req *req,
                 char *code, struct err *e)
{
    IN_TX(svc, e, do_task_add(svc, who, req, code, e));
}

static void item_of(const struct rec *r, struct task_item *t)
{
    memset(t, 0, sizeof(*t));
    t->state = (int)row_int(&r->row, "state");
    for (int i = 0; i < SIX_COUNT; i++)
        t->six[i] = row_text(&r->row, task_six_column(i));
    t->evidence = row_text(&r->row, "evidence");
    t->closed_by = row_text(&r->row, "closed_by");
    t->due_on = row_int(&r->row, "due_on");
}

static const char *const op_names[] = {"update", "close", "verify", "reopen"};

/* Who may do `op` to an item owned by unit `owner`: the policy's verb of the same name. */
static int may_change(const struct actor *who, int op, int64_t owner, const char *code,
                      struct err *e)
{
    char what[96];
    snprintf(what, sizeof(what), "%s item %s", op_names[op], code);
    struct policy_target t = {.unit = owner};
    return policy_can_to(who, SUBJ_TASK, op_names[op], &t, what, e);
}

static int do_task_change(struct service *svc, const struct actor *who, int op,
                          const struct task_change *ch, struct err *e)
{
    struct rec cur;
    if (empty(ch->code))
        return err_set(e, ERR_INVALID, "code", "which item? give its code");
    if (find_by_text(svc->st, "task_items", "code", ch->code, "item", &cur, e) < 0)
        return -1;
    int rc = -1;
    char *txt = NULL;
    json_t *det = json_object();
    const char *code = ch->code;
    int64_t id = row_int(&cur.row, "id");
    int64_t version = row_int(&cur.row, "version");
    int from = (int)row_int(&cur.row, "state"), to = from;
    int64_t today = civil_site_date(ch->at);
    const char *name = who->name[0] ? who->name : "system";
    if (ch->expected_version && ch->expected_version != version) {
        err_set(e, ERR_CONFLICT, "version",
                "item %s has changed: version %lld, not %lld; read it again", code,
                (long long)version, (long long)ch->expected_version);
        goto out;
    }
    if (may_change(who, op, row_int(&cur.row, "owner_unit_id"), code, e) < 0)
        goto out;
    if (check_text("evidence", ch->evidence, e) < 0 || check_text("reason", ch->reason, e) < 0)
        goto out;
    for (int i = 0; i < SIX_COUNT; i++)
        if (check_text(task_six_column(i), ch->six[i], e) < 0)
            goto out;
    /* the item as it would stand with the given six */
    struct task_item t;
    item_of(&cur, &t);
    int nsix = 0;
    for (int i = 0; i < SIX_COUNT; i++)
        if (ch->six[i]) {
            t.six[i] = ch->six[i];
            json_object_set_new(det, task_six_column(i), json_string(ch->six[i]));
            nsix++;
        }
    struct row r = {0};
    char action[16];
    snprintf(action, sizeof(action), "%s", op_names[op]);
    switch (op) {
    case TASK_OP_UPDATE: {
        if (from == TASK_CLOSED) {
            err_set(e, ERR_STATE, "state",
                    "cannot update item %s: it is closed (已销号); reopen it first", code);
            goto out;
        }
        int64_t due = row_int(&cur.row, "due_on");
        if (ch->due) {
            due = 0;
            if (*ch->due && parse_date(ch->due, "due", &due, e) < 0)
                goto out;
            row_set_int(&r, "due_on", due);
            json_object_set_new(det, "due", date_json(due));
            nsix++;
        }
        if (!nsix) {
            err_set(e, ERR_INVALID, "",
                    "nothing to update on item %s: give a six 有 field or "
                    "a due date",
                    code);
            goto out;
        }
        break;
    }
    case TASK_OP_CLOSE:
        if (task_close_check(&t, code, ch->evidence, e) < 0)
            goto out;
        to = TASK_PENDING;
        row_set_text(&r, "evidence", ch->evidence);
        row_set_text(&r, "closed_by", name);
        row_set_int(&r, "closed_on", today);
        json_object_set_new(det, "evidence", json_string(ch->evidence));
        break;
    case TASK_OP_VERIFY:
        if (task_verify_check(&t, code, name, ch->accept, ch->reason, e) < 0)
            goto out;
        if (ch->accept) {
            to = TASK_CLOSED;
            row_set_text(&r, "verified_by", name);
            row_set_int(&r, "verified_on", today);
        } else {
            to = TASK_OPEN;
            snprintf(action, sizeof(action), "refuse");
            row_set_text(&r, "closed_by", "");
            row_set_int(&r, "closed_on", 0);
            json_object_set_new(det, "reason", json_string(ch->reason));
        }
        break;
    default:
        if (task_reopen_check(&t, code, ch->reason, e) < 0)
            goto out;
        to = TASK_OPEN;
        row_set_text(&r, "closed_by", "");
        row_set_int(&r, "closed_on", 0);
        row_set_text(&r, "verified_by", "");
        row_set_int(&r, "verified_on", 0);
        json_object_set_new(det, "reason", json_string(ch->reason));
        break;
    }
    for (int i = 0; i < SIX_COUNT; i++)
        if (ch->six[i])
            row_set_text(&r, task_six_column(i), ch->six[i]);
    int64_t seq = row_int(&cur.row, "last_seq") + 1;
    row_set_int(&r, "state", to);
    row_set_int(&r, "version", version + 1);
    row_set_int(&r, "last_seq", seq);
    row_set_int(&r, "updated_at", ch->at);
    if (store_rec_update(svc->st, "task_items", id, &r, e) < 0)
        goto out;
    txt = json_dumps(det, JSON_COMPACT | JSON_SORT_KEYS);
    rc = subject_append(svc, who, "task", id, seq, ch->at, action, from, to, txt, e);
out:
    free(txt);
    json_decref(det);
    rec_release(&cur);
    return rc;
}

int svc_task_change(struct service *svc, const struct actor *who, int op,
                    const struct task_change *ch, struct err *e)
{
    if (op < TASK_OP_UPDATE || op > TASK_OP_REOPEN)
        return err_set(e, ERR_INVALID, "op", "unknown item change %d", op);
    IN_TX(svc, e, do_task_change(svc, who, op, ch, e));
}

static json_t *task_json(struct service *svc, const struct row *r, int64_t as_of)
{
    struct unit u;
    struct task_item t;
    struct rec tmp;
    json_t *j = json_object();
    rec_copy(&tmp, r);
    item_of(&tmp, &t);
    int state = t.state;
    json_object_set_new(j, "code", json_string(row_text(r, "code")));
    json_object_set_new(j, "list", json_string(row_text(r, "list")));
    json_object_set_new(j, "title", json_string(row_text(r, "title")));
    json_object_set_new(j, "detail", json_string(row_text(r, "detail")));
    json_object_set_new(j, "unit", json_string(unit_name(svc, row_int(r, "owner_unit_id"), &u)));
    json_object_set_new(j, "leader", json_string(row_text(r, "leader")));
    json_object_set_new(j, "due_on", date_json(row_int(r, "due_on")));
    int64_t batch = row_int(r, "batch_id");
    json_object_set_new(j, "batch", json_null());
    if (batch) {
        struct rec b;
        struct err ignore;
        if (rec_get(svc->st, "batches", batch, "batch", &b, &ignore) == 0) {
            json_object_set_new(j, "batch", json_integer(row_int(&b.row, "number")));
            rec_release(&b);
        }
    }
    json_t *six = json_object(), *missing = json_array();
    for (int i = 0; i < SIX_COUNT; i++)
        json_object_set_new(six, task_six_column(i), json_string(t.six[i]));
    unsigned miss = task_missing(&t);
    for (int i = 0; i < SIX_COUNT; i++)
        if (miss & (1u << i))
            json_array_append_new(missing, json_string(task_six_label(i)));
    json_object_set_new(j, "six", six);
    json_object_set_new(j, "missing", missing);
    json_object_set_new(j, "state", json_string(task_state_code(state)));
    json_object_set_new(j, "state_label", json_string(task_state_label(state)));
    json_object_set_new(j, "overdue", json_boolean(task_overdue(&t, civil_site_date(as_of))));
    json_object_set_new(j, "evidence", json_string(row_text(r, "evidence")));
    json_object_set_new(j, "closed_by", json_string(row_text(r, "closed_by")));
    json_object_set_new(j, "closed_on", date_json(row_int(r, "closed_on")));
    json_object_set_new(j, "verified_by", json_string(row_text(r, "verified_by")));
    json_object_set_new(j, "verified_on", date_json(row_int(r, "verified_on")));
    json_object_set_new(
        j, "visit_id", row_int(r, "visit_id") ? json_integer(row_int(r, "visit_id")) : json_null());
    json_object_set_new(j, "version", json_integer(row_int(r, "version")));
    json_object_set_new(j, "created_at", view_time(row_int(r, "created_at")));
    json_object_set_new(j, "updated_at", view_time(row_int(r, "updated_at")));
    rec_release(&tmp);
    return j;
}

json_t *svc_task_json(struct service *svc, const struct actor *who, const char *code, int history, int64_t as_of,
                      struct err *e)
{
    if (guard_to(who, SUBJ_TASK, "read", "read list items", e) < 0)
        return NULL;
    struct rec cur;
    if (empty(code))
        return err_set(e, ERR_INVALID, "code", "which item? give its code"), NULL;
    if (find_by_text(svc->st, "task_items", "code", code, "item", &cur, e) < 0)
        return NULL;
    json_t *j = task_json(svc, &cur.row, as_of);
    /* what `who` may do to it now: its state allowing, and the policy */
    struct task_item t;
    item_of(&cur, &t);
    json_t *allowed = json_array();
    struct policy_target own = {.unit = row_int(&cur.row, "owner_unit_id")};
    for (int op = TASK_OP_UPDATE; op <= TASK_OP_REOPEN; op++) {
        struct err no;
        if (task_op_possible(&t, op, who->name[0] ? who->name : "system") &&
            policy_can(who, SUBJ_TASK, op_names[op], &own, &no) == 0)
            json_array_append_new(allowed, json_string(op_names[op]));
    }
    json_object_set_new(j, "allowed_actions", allowed);
    if (history) {
        struct event_list ev = {0};
        if (store_subject_events(svc->st, "task", row_int(&cur.row, "id"), &ev, e) < 0) {
            json_decref(j);
            rec_release(&cur);
            return NULL;
        }
        json_t *h = json_array();
        for (size_t i = 0; i < ev.n; i++)
            json_array_append_new(h, view_event(&ev.items[i]));
        json_object_set_new(j, "history", h);
        event_list_release(&ev);
    }
    rec_release(&cur);
    return j;
}

json_t *svc_task_list_json(struct service *svc, const struct actor *who, const struct task_filter *f, struct err *e)
{
    if (guard_to(who, SUBJ_TASK, "read", "read list items", e) < 0)
        return NULL;
    int64_t unit = 0;
    int state = 0;
    if (!empty(f->unit)) {
        struct unit u;
        if (store_unit_find(svc->st, f->unit, &u, e) < 0)
            return NULL;
        unit = u.id;
    }
    if (!empty(f->state) && !(state = task_state_parse(f->state)))
        return err_set(e, ERR_INVALID, "state",
                       "unknown item state '%s' (open 办理中, pending 待核验, closed 已销号)",
                       f->state),
               NULL;
    if (!empty(f->list) && strcmp(f->list, "task") && strcmp(f->list, "problem"))
        return err_set(e, ERR_INVALID, "list", "unknown list '%s' (task, problem)", f->list), NULL;
    struct rec *items;
    size_t n;
    if (rec_list(svc->st, "task_items", NULL, 0, &items, &n, e) < 0)
        return NULL;
    json_t *arr = json_array();
    int64_t today = civil_site_date(f->as_of);
    for (size_t i = 0; i < n; i++) {
        const struct row *r = &items[i].row;
        struct task_item t;
        item_of(&items[i], &t);
        if ((!empty(f->list) && strcmp(row_text(r, "list"), f->list)) ||
            (unit && row_int(r, "owner_unit_id") != unit) || (state && t.state != state) ||
            (f->overdue && !task_overdue(&t, today)))
            continue;
        json_array_append_new(arr, task_json(svc, r, f->as_of));
    }
    rec_list_release(items, n);
    return arr;
}

/* ---- leaders, enterprises, links ---------------------------------------------------------- */

static int do_leader_add(struct service *svc, const struct actor *who, const char *name,
                         const char *title, const char *username, struct err *e)
{
    if (guard_to(who, SUBJ_LEADER, "add", "add leaders", e) < 0)
        return -1;
    if (empty(name))
        return err_set(e, ERR_INVALID, "name", "a leader needs a name");
    if (check_text("name", name, e) < 0 || check_text("title", title, e) < 0)
        return -1;
    struct rec old;
    struct err ignore;
    if (find_by_text(svc->st, "leaders", "name", name, "leader", &old, &ignore) == 0) {
        rec_release(&old);
        return err_set(e, ERR_CONFLICT, "name", "leader '%s' already exists", name);
    }
    struct row r = {0};
    struct user u = {0};
    if (!empty(username) && store_user_find(svc->st, username, &u, e) < 0)
        return -1;
    row_set_text(&r, "name", name);
    row_set_text(&r, "title", title ? title : "");
    row_set_id(&r, "user_id", u.id);
    int64_t id;
    return store_rec_insert(svc->st, "leaders", &r, &id, e);
}

int svc_leader_add(struct service *svc, const struct actor *who, const char *name,
                   const char *title, const char *username, struct err *e)
{
    IN_TX(svc, e, do_leader_add(svc, who, name, title, username, e));
}

static const char *const ent_kinds[][2] = {
    {"enterprise", "企业"}, {"park", "园区"}, {"chamber", "商会"}, {"project", "项目"}};

static const char *ent_kind_label(const char *code)
{
    for (size_t i = 0; i < 4; i++)
        if (!strcmp(code, ent_kinds[i][0]))
            return ent_kinds[i][1];
    return code;
}

static int do_enterprise_add(struct service *svc, const struct actor *who, const char *name,
                             const char *kind, const char *town, const char *address, struct err *e)
{
    if (guard_to(who, SUBJ_ENTERPRISE, "add", "add enterprises", e) < 0)
        return -1;
    if (empty(name))
        return err_set(e, ERR_INVALID, "name", "an enterprise needs a name");
    if (check_text("name", name, e) < 0 || check_text("address", address, e) < 0)
        return -1;
    const char *k = NULL;
    for (size_t i = 0; i < 4; i++)
        if (kind && (!strcmp(kind, ent_kinds[i][0]) || !strcmp(kind, ent_kinds[i][1])))
            k = ent_kinds[i][0];
    if (!k)
        return err_set(e, ERR_INVALID, "kind",
                       "unknown kind '%s' (enterprise 企业, park 园区, chamber 商会, project 项目)",
                       kind ? kind : "");
    struct rec old;
    struct err ignore;
    if (find_by_text(svc->st, "enterprises", "name", name, "enterprise", &old, &ignore) == 0) {
        rec_release(&old);
        return err_set(e, ERR_CONFLICT, "name", "enterprise '%s' already exists", name);
    }
    struct row r = {0};
    row_set_text(&r, "name", name);
    row_set_text(&r, "kind", k);
    row_set_text(&r, "town", town ? town : "");
    row_set_text(&r, "address", address ? address : "");
    int64_t id;
    return store_rec_insert(svc->st, "enterprises", &r, &id, e);
}

int svc_enterprise_add(struct service *svc, const struct actor *who, const char *name,
                       const char *kind, const char *town, const char *address, struct err *e)
{
    IN_TX(svc, e, do_enterprise_add(svc, who, name, kind, town, address, e));
}

/* The leader and enterprise named, and their link row if any (link->row.n == 0 if none). */
static int pair(struct service *svc, const char *leader, const char *enterprise, struct rec *l,
                struct rec *en, struct rec *link, struct err *e)
{
    memset(link, 0, sizeof(*link));
    if (empty(leader))
        return err_set(e, ERR_INVALID, "leader", "which leader? give --leader");
    if (empty(enterprise))
        return err_set(e, ERR_INVALID, "enterprise", "which enterprise? give --enterprise");
    if (find_by_text(svc->st, "leaders", "name", leader, "leader", l, e) < 0)
        return -1;
    if (find_by_text(svc->st, "enterprises", "name", enterprise, "enterprise", en, e) < 0) {
        rec_release(l);
        return -1;
    }
    struct rec *links;
    size_t n;
    if (rec_list(svc->st, "leader_links", "leader_id", row_int(&l->row, "id"), &links, &n, e) < 0) {
        rec_release(l);
        rec_release(en);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (row_int(&links[i].row, "enterprise_id") == row_int(&en->row, "id")) {
            *link = links[i];
            memset(&links[i], 0, sizeof(links[i]));
        }
    rec_list_release(links, n);
    return 0;
}

static int do_link(struct service *svc, const struct actor *who, const char *leader,
                   const char *enterprise, const char *date, int64_t at, int unlink, struct err *e)
{
    if (guard_to(who, SUBJ_LEADER, "add", unlink ? "unlink leaders" : "link leaders", e) < 0)
        return -1;
    int64_t day = civil_site_date(at);
    if (!empty(date) && parse_date(date, unlink ? "until" : "since", &day, e) < 0)
        return -1;
    struct rec l, en, link;
    if (pair(svc, leader, enterprise, &l, &en, &link, e) < 0)
        return -1;
    int rc = -1;
    struct row r = {0};
    char d[11];
    if (!unlink) {
        if (link.row.n) {
            if (row_int(&link.row, "until_on"))
                civil_format_date(row_int(&link.row, "until_on"), d);
            err_set(e, ERR_CONFLICT, "enterprise", "leader '%s' is %s linked to '%s'%s%s", leader,
                    row_int(&link.row, "until_on") ? "was" : "already", enterprise,
                    row_int(&link.row, "until_on") ? " until " : "",
                    row_int(&link.row, "until_on") ? d : "");
            goto out;
        }
        row_set_int(&r, "leader_id", row_int(&l.row, "id"));
        row_set_int(&r, "enterprise_id", row_int(&en.row, "id"));
        row_set_int(&r, "since_on", day);
        row_set_int(&r, "until_on", 0);
        int64_t id;
        rc = store_rec_insert(svc->st, "leader_links", &r, &id, e);
        goto out;
    }
    if (!link.row.n || row_int(&link.row, "until_on")) {
        err_set(e, ERR_STATE, "enterprise", "leader '%s' is not linked to '%s'", leader,
                enterprise);
        goto out;
    }
    if (day < row_int(&link.row, "since_on")) {
        civil_format_date(row_int(&link.row, "since_on"), d);
        err_set(e, ERR_INVALID, "until", "cannot unlink before the link began (%s)", d);
        goto out;
    }
    row_set_int(&r, "until_on", day);
    rc = store_rec_update(svc->st, "leader_links", row_int(&link.row, "id"), &r, e);
out:
    rec_release(&l);
    rec_release(&en);
    rec_release(&link);
    return rc;
}

int svc_leader_link(struct service *svc, const struct actor *who, const char *leader,
                    const char *enterprise, const char *since, int64_t at, struct err *e)
{
    IN_TX(svc, e, do_link(svc, who, leader, enterprise, since, at, 0, e));
}

int svc_leader_unlink(struct service *svc, const struct actor *who, const char *leader,
                      const char *enterprise, const char *until, int64_t at, struct err *e)
{
    IN_TX(svc, e, do_link(svc, who, leader, enterprise, until, at, 1, e));
}

static int do_support(struct service *svc, const struct actor *who, const char *unit,
                      const char *enterprise, struct err *e)
{
    if (guard_to(who, SUBJ_LEADER, "add", "add support units", e) < 0)
        return -1;
    struct unit u;
    struct rec en;
    if (find_unit(svc, unit, &u, e) < 0)
        return -1;
    if (empty(enterprise))
        return err_set(e, ERR_INVALID, "enterprise", "which enterprise? give --enterprise");
    if (find_by_text(svc->st, "enterprises", "name", enterprise, "enterprise", &en, e) < 0)
        return -1;
    struct row r = {0};
    row_set_int(&r, "unit_id", u.id);
    row_set_int(&r, "enterprise_id", row_int(&en.row, "id"));
    rec_release(&en);
    int64_t id;
    if (store_rec_insert(svc->st, "support_links", &r, &id, e) < 0)
        return err_set(e, ERR_CONFLICT, "unit", "unit '%s' already supports '%s'", u.name,
                       enterprise);
    return 0;
}

int svc_support_add(struct service *svc, const struct actor *who, const char *unit,
                    const char *enterprise, struct err *e)
{
    IN_TX(svc, e, do_support(svc, who, unit, enterprise, e));
}

/* ---- visits ------------------------------------------------------------------------------ */

static int visit_problem(struct service *svc, const struct actor *who, const struct rec *l,
                         const struct rec *en, int64_t visit_id, const struct visit_problem *p,
                         int64_t at, char *code, struct err *e)
{
    int64_t appeal_id = 0, task_id = 0;
    if (empty(p->text))
        return err_set(e, ERR_INVALID, "problem", "a visit problem needs its text");
    if (p->as_appeal) {
        char title[200];
        snprintf(title, sizeof(title), "企业走访：%s", row_text(&en->row, "name"));
        struct register_req rq = {.title = title,
                                  .content = p->text,
                                  .channel = "enterprise",
                                  .kind = "求助",
                                  .citizen_name = row_text(&en->row, "name"),
                                  .address = row_text(&en->row, "address"),
                                  .at = at};
        struct appeal a;
        if (svc_register(svc, who, &rq, &a, e) < 0)
            return -1;
        snprintf(code, TASK_CODE_LEN, "%s", a.code);
        appeal_id = a.id;
        appeal_release(&a);
        if (!empty(p->unit)) {
            struct act_req act = {.type = ACT_DISPATCH, .at = at, .code = code, .unit = p->unit};
            struct appeal b;
            if (svc_act(svc, who, &act, &b, e) < 0)
                return -1;
            appeal_release(&b);
        }
    } else {
        struct task_req tr = {.list = "problem",
                              .title = p->text,
                              .detail = row_text(&en->row, "name"),
                              .unit = p->unit,
                              .leader = row_text(&l->row, "name"),
                              .due = p->due,
                              .batch = p->batch,
                              .visit_id = visit_id,
                              .at = at};
        if (empty(p->unit))
            return err_set(e, ERR_INVALID, "unit",
                           "problem '%s' becomes a list item and needs an owner unit (--unit)",
                           p->text);
        if (svc_task_add(svc, who, &tr, code, e) < 0)
            return -1;
        struct rec t;
        if (find_by_text(svc->st, "task_items", "code", code, "item", &t, e) < 0)
            return -1;
        task_id = row_int(&t.row, "id");
        rec_release(&t);
    }
    struct row r = {0};
    row_set_int(&r, "visit_id", visit_id);
    row_set_id(&r, "appeal_id", appeal_id);
    row_set_id(&r, "task_id", task_id);
    int64_t id;
    return store_rec_insert(svc->st, "visit_problems", &r, &id, e);
}

static int do_visit_add(struct service *svc, const struct actor *who, const struct visit_req *req,
                        struct visit_result *res, struct err *e)
{
    if (guard_to(who, SUBJ_VISIT, "add", "record visits", e) < 0)
        return -1;
    if (empty(req->date))
        return err_set(e, ERR_INVALID, "date", "a visit needs its date (--date YYYY-MM-DD)");
    int64_t day;
    if (parse_date(req->date, "date", &day, e) < 0)
        return -1;
    if (day > civil_site_date(req->at))
        return err_set(e, ERR_INVALID, "date",
                       "a visit cannot be recorded before it happens: %s is after today",
                       req->date);
    if (req->nproblems < 0 || req->nproblems > VISIT_MAX_PROBLEMS)
        return err_set(e, ERR_INVALID, "problem", "at most %d problems a visit",
                       VISIT_MAX_PROBLEMS);
    if (check_text("who", req->who, e) < 0 || check_text("place", req->place, e) < 0 ||
        check_text("findings", req->findings, e) < 0)
        return -1;
    struct rec l, en, link;
    if (pair(svc, req->leader, req->enterprise, &l, &en, &link, e) < 0)
        return -1;
    int rc = -1;
    /* A leader records their own visits; admins and dispatchers anyone's. */
    char what[160];
    snprintf(what, sizeof(what), "record visits for leader '%s'", req->leader);
    struct policy_target own = {.owner_user = row_int(&l.row, "user_id")};
    if (policy_can_to(who, SUBJ_VISIT, "add", &own, what, e) < 0)
        goto out;
    /* The problems found are registered, dispatched or listed by the visit itself: the
     * visit's permission is theirs, and the events still name who recorded it. */
    struct actor by_visit = *who;
    by_visit.role = ROLE_SYSTEM;
    struct link_span span = {0, row_int(&link.row, "since_on"), row_int(&link.row, "until_on")};
    if (!link.row.n || !link_in_month(&span, day, day)) {
        err_set(e, ERR_STATE, "enterprise", "'%s' is not on leader '%s''s list on %s",
                req->enterprise, req->leader, req->date);
        goto out;
    }
    struct row r = {0};
    row_set_int(&r, "leader_id", row_int(&l.row, "id"));
    row_set_int(&r, "enterprise_id", row_int(&en.row, "id"));
    row_set_int(&r, "visited_on", day);
    row_set_text(&r, "who", req->who ? req->who : "");
    row_set_text(&r, "place", req->place ? req->place : "");
    row_set_text(&r, "findings", req->findings ? req->findings : "");
    row_set_int(&r, "created_at", req->at);
    row_set_text(&r, "created_by", who->name[0] ? who->name : "system");
    if (store_rec_insert(svc->st, "visits", &r, &res->visit_id, e) < 0)
        goto out;
    /* The problems were found on the visit's day: their codes, batches and deadlines follow
     * it, not the day it was typed in (WT2021-…, YD20210310… for a visit of 2021-03-10).
     * Recorded on that same day they keep the time of recording; later, 09:00 that day. */
    int64_t found_at = civil_site_date(req->at) == day ? req->at : civil_site_midnight(day) + 9 * 3600;
    for (int i = 0; i < req->nproblems; i++)
        if (visit_problem(svc, &by_visit, &l, &en, res->visit_id, &req->problems[i], found_at,
                          res->codes[i], e) < 0)
            goto out;
    /* The visit and its problems, sealed onto the chain as one record. */
    char det[256];
    snprintf(det, sizeof(det), "{\"leader_id\":%lld,\"enterprise_id\":%lld,\"problems\":%d}",
             (long long)row_int(&l.row, "id"), (long long)row_int(&en.row, "id"),
             req->nproblems);
    if (subject_append(svc, who, "visit", res->visit_id, 1, req->at, "record", 0, 1, det, e) < 0)
        goto out;
    rc = 0;
out:
    rec_release(&l);
    rec_release(&en);
    rec_release(&link);
    return rc;
}

/* Visits recorded before they were sealed onto the chain get their one event now, saying
 * so, the first time a database is opened by a program that seals them; a setting marks it
 * done. The event dates from the sealing, not from the visit: it proves the record from then on. */
static int seal_old_visits(struct service *svc, int64_t now, struct err *e)
{
    char done[8] = "";
    struct err ignore;
    store_setting_get(svc->st, "visits_sealed", done, sizeof(done), &ignore);
    if (!strcmp(done, "1"))
        return 0;
    struct rec *vs;
    size_t n;
    if (rec_list(svc->st, "visits", NULL, 0, &vs, &n, e) < 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        int64_t id = row_int(&vs[i].row, "id");
        struct event_list ev = {0};
        rc = store_subject_events(svc->st, "visit", id, &ev, e);
        if (rc == 0 && ev.n == 0)
            rc = subject_append(svc, &svc_system, "visit", id, 1, now, "seal", 0, 1,
                                "{\"note\":\"recorded before visits were sealed\"}", e);
        event_list_release(&ev);
    }
    rec_list_release(vs, n);
    return rc < 0 ? -1 : store_setting_set(svc->st, "visits_sealed", "1", e);
}

int svc_seal_old_visits(struct service *svc, int64_t now, struct err *e)
{
    IN_TX(svc, e, seal_old_visits(svc, now, e));
}

int svc_visit_add(struct service *svc, const struct actor *who, const struct visit_req *req,
                  struct visit_result *res, struct err *e)
{
    memset(res, 0, sizeof(*res));
    IN_TX(svc, e, do_visit_add(svc, who, req, res, e));
}

/* ---- views ------------------------------------------------------------------------------- */

static const char *name_of(const struct rec *list, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (row_int(&list[i].row, "id") == id)
            return row_text(&list[i].row, "name");
    return "";
}

json_t *svc_leaders_json(struct service *svc, const struct actor *who, struct err *e)
{
    if (guard_to(who, SUBJ_LEADER, "read", "read leaders", e) < 0)
        return NULL;
    struct rec *ls, *links;
    size_t nl, nk;
    if (rec_list(svc->st, "leaders", NULL, 0, &ls, &nl, e) < 0)
        return NULL;
    if (rec_list(svc->st, "leader_links", NULL, 0, &links, &nk, e) < 0) {
        rec_list_release(ls, nl);
        return NULL;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < nl; i++) {
        int64_t id = row_int(&ls[i].row, "id"), active = 0;
        for (size_t k = 0; k < nk; k++)
            active += row_int(&links[k].row, "leader_id") == id &&
                      row_int(&links[k].row, "until_on") == 0;
        struct user u = {0};
        struct err ignore;
        if (row_int(&ls[i].row, "user_id"))
            store_user_get(svc->st, row_int(&ls[i].row, "user_id"), &u, &ignore);
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:I}", "name",
                                             row_text(&ls[i].row, "name"), "title",
                                             row_text(&ls[i].row, "title"), "username", u.username,
                                             "links", (json_int_t)active));
    }
    rec_list_release(ls, nl);
    rec_list_release(links, nk);
    return arr;
}

json_t *svc_enterprises_json(struct service *svc, const struct actor *who, struct err *e)
{
    if (guard_to(who, SUBJ_ENTERPRISE, "read", "read enterprises", e) < 0)
        return NULL;
    struct rec *es, *sup;
    size_t ne, ns;
    if (rec_list(svc->st, "enterprises", NULL, 0, &es, &ne, e) < 0)
        return NULL;
    if (rec_list(svc->st, "support_links", NULL, 0, &sup, &ns, e) < 0) {
        rec_list_release(es, ne);
        return NULL;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < ne; i++) {
        const char *kind = row_text(&es[i].row, "kind");
        json_t *units = json_array();
        for (size_t k = 0; k < ns; k++)
            if (row_int(&sup[k].row, "enterprise_id") == row_int(&es[i].row, "id")) {
                struct unit u;
                json_array_append_new(
                    units, json_string(unit_name(svc, row_int(&sup[k].row, "unit_id"), &u)));
            }
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "name", row_text(&es[i].row, "name"),
                           "kind", kind, "kind_label", ent_kind_label(kind), "town",
                           row_text(&es[i].row, "town"), "address", row_text(&es[i].row, "address"),
                           "support_units", units));
    }
    rec_list_release(es, ne);
    rec_list_release(sup, ns);
    return arr;
}

/* The visits (optionally of leader `lid` and within [first, last]) as JSON. */
static json_t *visits_of(struct service *svc, int64_t lid, int64_t first, int64_t last,
                         struct err *e)
{
    struct rec *vs, *ls, *es, *ps;
    size_t nv, nl, ne, np;
    if (rec_list(svc->st, "visits", lid ? "leader_id" : NULL, lid, &vs, &nv, e) < 0)
        return NULL;
    json_t *arr = NULL;
    if (rec_list(svc->st, "leaders", NULL, 0, &ls, &nl, e) < 0)
        goto out0;
    if (rec_list(svc->st, "enterprises", NULL, 0, &es, &ne, e) < 0)
        goto out1;
    if (rec_list(svc->st, "visit_problems", NULL, 0, &ps, &np, e) < 0)
        goto out2;
    arr = json_array();
    for (size_t i = 0; i < nv; i++) {
        const struct row *v = &vs[i].row;
        int64_t day = row_int(v, "visited_on");
        if ((first && day < first) || (last && day > last))
            continue;
        json_t *probs = json_array();
        for (size_t k = 0; k < np; k++) {
            const struct row *p = &ps[k].row;
            if (row_int(p, "visit_id") != row_int(v, "id"))
                continue;
            struct rec x;
            struct err ignore;
            int appeal = row_int(p, "appeal_id") != 0;
            const char *code = "";
            struct appeal a;
            appeal_init(&a);
            memset(&x, 0, sizeof(x));
            if (appeal && store_appeal_get(svc->st, row_int(p, "appeal_id"), &a, &ignore) == 0)
                code = a.code;
            else if (!appeal && rec_get(svc->st, "task_items", row_int(p, "task_id"), "item", &x,
                                        &ignore) == 0)
                code = row_text(&x.row, "code");
            json_array_append_new(
                probs, json_pack("{s:s, s:s}", "as", appeal ? "appeal" : "task", "code", code));
            appeal_release(&a);
            rec_release(&x);
        }
        json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:o}", "id",
                                             (json_int_t)row_int(v, "id"), "leader",
                                             name_of(ls, nl, row_int(v, "leader_id")), "enterprise",
                                             name_of(es, ne, row_int(v, "enterprise_id")), "date",
                                             date_json(day), "who", row_text(v, "who"), "place",
                                             row_text(v, "place"), "findings",
                                             row_text(v, "findings"), "created_by",
                                             row_text(v, "created_by"), "problems", probs));
    }
    rec_list_release(ps, np);
out2:
    rec_list_release(es, ne);
out1:
    rec_list_release(ls, nl);
out0:
    rec_list_release(vs, nv);
    return arr;
}

static int month_range(const char *month, int64_t *first, int64_t *last, struct err *e)
{
    if (empty(month))
        return err_set(e, ERR_INVALID, "month", "which month? give --month YYYY-MM");
    return svc_bulletin_period(month, NULL, NULL, first, last, e);
}

json_t *svc_visits_json(struct service *svc, const struct actor *who, const char *leader, const char *month, struct err *e)
{
    if (guard_to(who, SUBJ_VISIT, "read", "read visits", e) < 0)
        return NULL;
    int64_t first = 0, last = 0, lid = 0;
    if (!empty(month) && month_range(month, &first, &last, e) < 0)
        return NULL;
    if (!empty(leader)) {
        struct rec l;
        if (find_by_text(svc->st, "leaders", "name", leader, "leader", &l, e) < 0)
            return NULL;
        lid = row_int(&l.row, "id");
        rec_release(&l);
    }
    return visits_of(svc, lid, first, last, e);
}

json_t *svc_leader_json(struct service *svc, const struct actor *who, const char *name, struct err *e)
{
    if (guard_to(who, SUBJ_LEADER, "read", "read leaders", e) < 0)
        return NULL;
    struct rec l, *links, *es;
    size_t nk, ne;
    if (empty(name))
        return err_set(e, ERR_INVALID, "leader", "which leader? give the name"), NULL;
    if (find_by_text(svc->st, "leaders", "name", name, "leader", &l, e) < 0)
        return NULL;
    int64_t id = row_int(&l.row, "id");
    json_t *j = json_pack("{s:s, s:s}", "name", row_text(&l.row, "name"), "title",
                          row_text(&l.row, "title"));
    rec_release(&l);
    if (rec_list(svc->st, "leader_links", "leader_id", id, &links, &nk, e) < 0) {
        json_decref(j);
        return NULL;
    }
    if (rec_list(svc->st, "enterprises", NULL, 0, &es, &ne, e) < 0) {
        rec_list_release(links, nk);
        json_decref(j);
        return NULL;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < nk; i++)
        json_array_append_new(arr,
                              json_pack("{s:s, s:o, s:o}", "enterprise",
                                        name_of(es, ne, row_int(&links[i].row, "enterprise_id")),
                                        "since", date_json(row_int(&links[i].row, "since_on")),
                                        "until", date_json(row_int(&links[i].row, "until_on"))));
    json_object_set_new(j, "links", arr);
    rec_list_release(links, nk);
    rec_list_release(es, ne);
    json_t *v = visits_of(svc, id, 0, 0, e);
    if (!v) {
        json_decref(j);
        return NULL;
    }
    json_object_set_new(j, "visits", v);
    return j;
}

static json_t *compliance_of(struct service *svc, const struct rec *l, int64_t first, int64_t last,
                             const struct rec *es, size_t ne, struct err *e)
{
    struct rec *links, *vs;
    size_t nk, nv;
    int64_t id = row_int(&l->row, "id");
    if (rec_list(svc->st, "leader_links", "leader_id", id, &links, &nk, e) < 0)
        return NULL;
    if (rec_list(svc->st, "visits", "leader_id", id, &vs, &nv, e) < 0) {
        rec_list_release(links, nk);
        return NULL;
    }
    struct link_span *sp = xcalloc(nk ? nk : 1, sizeof(*sp));
    struct visit_fact *vf = xcalloc(nv ? nv : 1, sizeof(*vf));
    for (size_t i = 0; i < nk; i++) {
        sp[i].enterprise_id = row_int(&links[i].row, "enterprise_id");
        sp[i].since_on = row_int(&links[i].row, "since_on");
        sp[i].until_on = row_int(&links[i].row, "until_on");
    }
    for (size_t i = 0; i < nv; i++) {
        vf[i].enterprise_id = row_int(&vs[i].row, "enterprise_id");
        vf[i].visited_on = row_int(&vs[i].row, "visited_on");
    }
    struct compliance *c = xmalloc(sizeof(*c));
    visits_compliance(first, last, sp, nk, vf, nv, c);
    json_t *missed = json_array();
    for (int i = 0; i < c->nmissed; i++)
        json_array_append_new(missed, json_string(name_of(es, ne, c->missed[i])));
    char pct[16];
    percent_format(c->percent_x100, pct, sizeof(pct));
    json_t *j = json_pack(
        "{s:s, s:i, s:i, s:i, s:o, s:o, s:s}", "leader", row_text(&l->row, "name"), "required",
        c->required, "done", c->done, "missed_count", c->nmissed, "missed", missed, "percent",
        c->percent_x100 < 0 ? json_null() : json_real((double)c->percent_x100 / 100.0),
        "percent_text", pct);
    free(c);
    free(sp);
    free(vf);
    rec_list_release(links, nk);
    rec_list_release(vs, nv);
    return j;
}

json_t *svc_compliance_json(struct service *svc, const struct actor *who, const char *leader, const char *month,
                            struct err *e)
{
    if (guard_to(who, SUBJ_LEADER, "read", "read leaders' compliance", e) < 0)
        return NULL;
    int64_t first, last;
    if (month_range(month, &first, &last, e) < 0)
        return NULL;
    struct rec *ls, *es;
    size_t nl, ne;
    if (!empty(leader)) {
        ls = xcalloc(1, sizeof(*ls));
        nl = 1;
        if (find_by_text(svc->st, "leaders", "name", leader, "leader", &ls[0], e) < 0) {
            free(ls);
            return NULL;
        }
    } else if (rec_list(svc->st, "leaders", NULL, 0, &ls, &nl, e) < 0) {
        return NULL;
    }
    if (rec_list(svc->st, "enterprises", NULL, 0, &es, &ne, e) < 0) {
        rec_list_release(ls, nl);
        return NULL;
    }
    json_t *arr = json_array(), *doc = NULL;
    int64_t req = 0, done = 0;
    for (size_t i = 0; i < nl; i++) {
        if (empty(leader) && !row_int(&ls[i].row, "active"))
            continue;
        json_t *c = compliance_of(svc, &ls[i], first, last, es, ne, e);
        if (!c) {
            json_decref(arr);
            goto out;
        }
        req += json_integer_value(json_object_get(c, "required"));
        done += json_integer_value(json_object_get(c, "done"));
        json_array_append_new(arr, c);
    }
    char m[8];
    snprintf(m, sizeof(m), "%.7s", month);
    int64_t pct = req ? (done * 10000 + req / 2) / req : -1;
    char txt[16];
    percent_format(pct, txt, sizeof(txt));
    doc = json_pack("{s:s, s:o, s:o, s:o, s:{s:I, s:I, s:o, s:s}}", "month", m, "first",
                    date_json(first), "last", date_json(last), "leaders", arr, "total", "required",
                    (json_int_t)req, "done", (json_int_t)done, "percent",
                    pct < 0 ? json_null() : json_real((double)pct / 100.0), "percent_text", txt);
out:
    rec_list_release(ls, nl);
    rec_list_release(es, ne);
    return doc;
}
