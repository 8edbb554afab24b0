/* project_svc.c -- the practical-matter project (实事项目) use cases: add, batches,
 * progress, finish, milestones, appeal links, and the JSON views with computed figures.
 * Invariant: a project row (and its project_units, milestones, appeal_links) changes only in
 * a write transaction that ends with exactly one subject_append() of subject "project"
 * whose seq is the row's new last_seq. Progress entries live only in those events. */
#include "service/project.h"
#include "core/text.h"
#include "service/guard.h"
#include "service/tx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/project.h"
#include "service/subject.h"
#include "service/view.h"
#include "util/civil.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#include "util/banned.h"

#define TEXT_MAX 500 /* characters of a title, note or description */

/* ---- small helpers --------------------------------------------------------------------- */

static int parse_day(const char *field, const char *s, int64_t *d, struct err *e)
{
    if (civil_parse_date(s, d) != 0)
        return err_set(e, ERR_INVALID, field, "bad date '%s' for %s: use YYYY-MM-DD", s, field);
    return 0;
}

/* Optional free text: the program's one rule for it (core/text.c). */
static int check_text(const char *field, const char *s, struct err *e)
{
    return text_check(field, s, TEXT_MAX, 0, e);
}

static const char *state_word(int s)
{
    return s == PROJECT_DONE ? "done" : "active";
}

static const char *state_text(int s)
{
    return s == PROJECT_DONE ? "已完成" : "推进中";
}

static json_t *day_json(int64_t d)
{
    char s[11];
    if (!d)
        return json_null();
    civil_format_date(d, s);
    return json_string(s);
}

static json_t *qty_json(int64_t x100)
{
    char s[32];
    project_qty_format(x100, s, sizeof(s));
    return json_string(s);
}

/* A quantity that may be absent (a target, a budget): 0 is "not given", null, never "0". */
static json_t *qty_json_opt(int64_t x100)
{
    return x100 ? qty_json(x100) : json_null();
}

static json_t *pct_json(int64_t p)
{
    char s[32];
    if (p < 0)
        return json_null();
    project_percent_format(p, s, sizeof(s));
    return json_string(s);
}

/* The project with code `code` into r (release it); ERR_NOT_FOUND names `what`. */
static int find_project(store_t *st, const char *code, const char *what, struct rec *r,
                        struct err *e)
{
    memset(r, 0, sizeof(*r));
    if (!code || !*code)
        return err_set(e, ERR_INVALID, what, "%s code is required", what);
    int rc = rec_find(st, "projects", "code", code, r, e);
    if (rc < 0)
        return -1;
    if (rc > 0)
        return err_set(e, ERR_NOT_FOUND, what, "unknown %s '%s'", what, code);
    return 0;
}

struct batch_ctx {
    int number;
    int64_t id;
};

static int match_batch(const struct row *r, void *ctx)
{
    struct batch_ctx *b = ctx;
    if (row_int(r, "number") == b->number) {
        b->id = row_int(r, "id");
        return 1;
    }
    return 0;
}

static int find_batch(store_t *st, int year, int number, int64_t *id, struct err *e)
{
    struct batch_ctx b = {number, 0};
    if (store_rec_where(st, "batches", "year", year, match_batch, &b, e) < 0)
        return -1;
    if (!b.id)
        return err_set(e, ERR_NOT_FOUND, "batch", "unknown batch %d of %d", number, year);
    *id = b.id;
    return 0;
}

static int count_row(const struct row *r, void *ctx)
{
    (void)r;
    (*(int64_t *)ctx)++;
    return 0;
}

/* Sets last_seq, version and updated_at for the next change of project p into row;
 * returns the new seq. */
static int64_t bump(struct row *row, const struct rec *p, int64_t at)
{
    int64_t seq = row_int(&p->row, "last_seq") + 1;
    row_set_int(row, "last_seq", seq);
    row_set_int(row, "version", row_int(&p->row, "version") + 1);
    row_set_int(row, "updated_at", at);
    return seq;
}

/* Writes `row` onto project p and seals the change as event `action` with `details`. */
static int change(struct service *svc, const struct actor *who, const struct rec *p,
                  struct row *row, int64_t at, const char *action, int to_state, json_t *details,
                  struct err *e)
{
    int64_t id = row_int(&p->row, "id");
    int64_t seq = bump(row, p, at);
    char *d = json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(details);
    int rc = store_rec_update(svc->st, "projects", id, row, e);
    if (rc == 0)
        rc = subject_append(svc, who, "project", id, seq, at, action,
                            (int)row_int(&p->row, "state"), to_state, d, e);
    free(d);
    return rc;
}


/* ---- add ---------------------------------------------------------------------------------- */

static int code_taken(store_t *st, const char *code, int *taken, struct err *e)
{
    struct rec r;
    struct err miss;
    if (find_project(st, code, "project", &r, &miss) == 0) {
        rec_release(&r);
        *taken = 1;
        return 0;
    }
    if (miss.code != ERR_NOT_FOUND) {
        *e = miss;
        return -1;
    }
    *taken = 0;
    return 0;
}

static int do_add(struct service *svc, const struct actor *who, const struct project_req *q,
                  int64_t *id, char code[32], struct err *e)
{
    if (guard_to(who, SUBJ_PROJECT, "add", "add projects", e) < 0)
        return -1;
    if (!q->title || !*q->title)
        return err_set(e, ERR_INVALID, "title", "project title is required");
    if (q->year < 2000 || q->year > 2100)
        return err_set(e, ERR_INVALID, "year", "project year %d is out of range (2000-2100)",
                       q->year);
    if (!q->measure || !*q->measure)
        return err_set(e, ERR_INVALID, "measure",
                       "measure (unit of the quantities: 公里, 个学位, 人 ...) is required");
    if (check_text("title", q->title, e) < 0 || check_text("description", q->description, e) < 0 ||
        check_text("beneficiaries", q->beneficiaries, e) < 0 ||
        check_text("leader", q->leader, e) < 0 || check_text("measure", q->measure, e) < 0)
        return -1;
    int64_t baseline = 0, target = 0, plan = 0, budget = 0, start = 0, due = 0;
    if ((q->baseline && project_qty_field("baseline", q->baseline, &baseline, e) < 0) ||
        (q->target && project_qty_field("target", q->target, &target, e) < 0) ||
        (q->plan && project_qty_field("plan", q->plan, &plan, e) < 0) ||
        (q->budget && project_qty_field("budget", q->budget, &budget, e) < 0) ||
        project_qty_fits("baseline", q->measure, baseline, e) < 0 ||
        project_qty_fits("target", q->measure, target, e) < 0 ||
        project_qty_fits("plan", q->measure, plan, e) < 0 ||
        (q->start && parse_day("start", q->start, &start, e) < 0) ||
        (q->due && parse_day("due", q->due, &due, e) < 0))
        return -1;
    if (!q->plan)
        plan = target;
    if (start && due && due < start)
        return err_set(e, ERR_INVALID, "due", "due date %s is before the start %s", q->due,
                       q->start);
    if (q->weight < 0 || q->weight > 1000000)
        return err_set(e, ERR_INVALID, "weight", "weight %d is out of range (0-1000000)",
                       q->weight);
    if (q->households < 0 || q->people < 0 || q->households > 100000000 || q->people > 100000000)
        return err_set(e, ERR_INVALID, "people", "households and people must be 0-100000000");
    int64_t area_id = 0, lead_id = 0, batch_id = 0, parent_id = 0;
    int64_t assist[PROJECT_MAX_ASSIST];
    if (q->area && *q->area) {
        struct ref a;
        if (store_ref_find(svc->st, REF_AREA, q->area, &a, e) < 0)
            return -1;
        area_id = a.id;
    }
    if (q->lead_unit && *q->lead_unit) {
        struct unit u;
        if (store_unit_find(svc->st, q->lead_unit, &u, e) < 0)
            return -1;
        lead_id = u.id;
    }
    if (q->n_assist < 0 || q->n_assist > PROJECT_MAX_ASSIST)
        return err_set(e, ERR_INVALID, "assist", "at most %d assisting units", PROJECT_MAX_ASSIST);
    for (int i = 0; i < q->n_assist; i++) {
        struct unit u;
        if (store_unit_find(svc->st, q->assist[i], &u, e) < 0)
            return -1;
        assist[i] = u.id;
        for (int j = 0; j < i; j++)
            if (assist[j] == u.id)
                return err_set(e, ERR_INVALID, "assist", "assisting unit '%s' named twice",
                               q->assist[i]);
        if (u.id == lead_id)
            return err_set(e, ERR_INVALID, "assist", "unit '%s' already leads the project",
                           q->assist[i]);
    }
    if (q->batch < 0)
        return err_set(e, ERR_INVALID, "batch", "batch number %d is out of range", q->batch);
    if (q->batch && find_batch(svc->st, q->year, q->batch, &batch_id, e) < 0)
        return -1;
    if (q->parent && *q->parent) {
        struct rec p;
        if (find_project(svc->st, q->parent, "parent project", &p, e) < 0)
            return -1;
        parent_id = row_int(&p.row, "id");
        int64_t py = row_int(&p.row, "year"), pdone = row_int(&p.row, "last_progress_on");
        rec_release(&p);
        if (py != q->year)
            return err_set(e, ERR_INVALID, "parent", "parent project '%s' is of %lld, not %d",
                           q->parent, (long long)py, q->year);
        if (pdone)
            return err_set(e, ERR_STATE, "parent",
                           "parent project '%s' has progress entries of its own", q->parent);
    }
    char c[64];
    if (q->code && *q->code) {
        int taken;
        if (strlen(q->code) >= 32)
            return err_set(e, ERR_INVALID, "code", "project code '%s' is longer than 31 bytes",
                           q->code);
        if (code_taken(svc->st, q->code, &taken, e) < 0)
            return -1;
        if (taken)
            return err_set(e, ERR_CONFLICT, "code", "project code '%s' already exists", q->code);
        snprintf(c, sizeof(c), "%s", q->code);
    } else {
        char counter[32];
        snprintf(counter, sizeof(counter), "project:%d", q->year);
        for (int taken = 1; taken;) {
            int64_t n;
            if (store_counter_next(svc->st, counter, &n, e) < 0)
                return -1;
            snprintf(c, sizeof(c), "SS%d-%03lld", q->year, (long long)n);
            if (code_taken(svc->st, c, &taken, e) < 0)
                return -1;
        }
    }
    struct row r = {0};
    row_set_text(&r, "code", c);
    row_set_text(&r, "title", q->title);
    row_set_int(&r, "year", q->year);
    row_set_id(&r, "area_id", area_id);
    row_set_id(&r, "lead_unit_id", lead_id);
    row_set_text(&r, "leader", q->leader ? q->leader : "");
    row_set_text(&r, "measure", q->measure);
    row_set_int(&r, "baseline_x100", baseline);
    row_set_int(&r, "target_x100", target);
    row_set_int(&r, "plan_x100", plan);
    row_set_int(&r, "done_x100", 0);
    row_set_int(&r, "budget_x100", budget);
    row_set_int(&r, "start_on", start);
    row_set_int(&r, "due_on", due);
    row_set_int(&r, "finished_on", 0);
    row_set_id(&r, "batch_id", batch_id);
    row_set_id(&r, "parent_id", parent_id);
    row_set_int(&r, "weight", q->weight);
    row_set_int(&r, "state", PROJECT_ACTIVE);
    row_set_int(&r, "households", q->households);
    row_set_int(&r, "people", q->people);
    row_set_text(&r, "beneficiaries", q->beneficiaries ? q->beneficiaries : "");
    row_set_text(&r, "description", q->description ? q->description : "");
    row_set_int(&r, "last_progress_on", 0);
    row_set_int(&r, "created_at", q->at);
    row_set_int(&r, "updated_at", q->at);
    row_set_int(&r, "version", 1);
    row_set_int(&r, "last_seq", 1);
    int64_t pid;
    if (store_rec_insert(svc->st, "projects", &r, &pid, e) < 0)
        return -1;
    for (int i = 0; i < q->n_assist; i++) {
        struct row u = {0};
        int64_t uid;
        row_set_id(&u, "project_id", pid);
        row_set_id(&u, "unit_id", assist[i]);
        if (store_rec_insert(svc->st, "project_units", &u, &uid, e) < 0)
            return -1;
    }
    json_t *d = json_pack("{s:s, s:s, s:i}", "code", c, "title", q->title, "year", q->year);
    char *ds = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(d);
    int rc = subject_append(svc, who, "project", pid, 1, q->at, "create", 0, PROJECT_ACTIVE, ds, e);
    free(ds);
    if (rc < 0)
        return -1;
    if (id)
        *id = pid;
    if (code)
        memcpy(code, c, strlen(c) + 1); /* checked < 32 above, or "SS<year>-NNN" */
    return 0;
}

int svc_project_add(struct service *svc, const struct actor *who, const struct project_req *req,
                    int64_t *id, char code[32], struct err *e)
{
    IN_TX(svc, e, do_add(svc, who, req, id, code, e));
}

/* ---- batches ------------------------------------------------------------------------------ */

static int do_batch_add(struct service *svc, const struct actor *who, int year, int number,
                        const char *assigned_on, const char *name, int64_t *id, struct err *e)
{
    int64_t day, existing;
    if (guard_to(who, SUBJ_PROJECT, "add", "add batches", e) < 0)
        return -1;
    if (year < 2000 || year > 2100)
        return err_set(e, ERR_INVALID, "year", "batch year %d is out of range (2000-2100)", year);
    if (number < 1 || number > 1000)
        return err_set(e, ERR_INVALID, "number", "batch number %d is out of range (1-1000)",
                       number);
    if (!assigned_on || !*assigned_on)
        return err_set(e, ERR_INVALID, "assigned", "the date the batch was assigned is required");
    if (parse_day("assigned", assigned_on, &day, e) < 0 || check_text("name", name, e) < 0)
        return -1;
    struct err miss;
    if (find_batch(svc->st, year, number, &existing, &miss) == 0)
        return err_set(e, ERR_CONFLICT, "number", "batch %d of %d already exists", number, year);
    struct row r = {0};
    row_set_int(&r, "year", year);
    row_set_int(&r, "number", number);
    row_set_text(&r, "name", name ? name : "");
    row_set_int(&r, "assigned_on", day);
    return store_rec_insert(svc->st, "batches", &r, id, e);
}

int svc_batch_add(struct service *svc, const struct actor *who, int year, int number,
                  const char *assigned_on, const char *name, int64_t *id, struct err *e)
{
    int64_t ignore;
    IN_TX(svc, e, do_batch_add(svc, who, year, number, assigned_on, name, id ? id : &ignore, e));
}

int svc_batch_list_json(struct service *svc, const struct actor *who, int year, json_t **out, struct err *e)
{
    if (guard_to(who, SUBJ_PROJECT, "read", "read batches", e) < 0)
        return -1;
    struct rec *b;
    size_t n;
    if ((year ? rec_list(svc->st, "batches", "year", year, &b, &n, e)
              : rec_list(svc->st, "batches", NULL, 0, &b, &n, e)) < 0)
        return -1;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        int64_t cnt = 0;
        if (store_rec_where(svc->st, "projects", "batch_id", row_int(&b[i].row, "id"), count_row,
                            &cnt, e) < 0) {
            json_decref(arr);
            rec_list_release(b, n);
            return -1;
        }
        json_array_append_new(arr, json_pack("{s:I, s:I, s:s, s:o, s:I}", "year",
                                             (json_int_t)row_int(&b[i].row, "year"), "number",
                                             (json_int_t)row_int(&b[i].row, "number"), "name",
                                             row_text(&b[i].row, "name"), "assigned_on",
                                             day_json(row_int(&b[i].row, "assigned_on")),
                                             "projects", (json_int_t)cnt));
    }
    rec_list_release(b, n);
    *out = arr;
    return 0;
}

/* ---- progress, finish, milestones, links --------------------------------------------------- */

static int has_children(store_t *st, int64_t id, int *yes, struct err *e)
{
    int64_t n = 0;
    if (store_rec_where(st, "projects", "parent_id", id, count_row, &n, e) < 0)
        return -1;
    *yes = n > 0;
    return 0;
}

static int do_progress(struct service *svc, const struct actor *who, const struct progress_req *q,
                       struct rec *p, struct err *e)
{
    if (find_project(svc->st, q->code, "project", p, e) < 0)
        return -1;
    const char *code = row_text(&p->row, "code");
    int64_t lead = row_int(&p->row, "lead_unit_id");
    char what[96];
    snprintf(what, sizeof(what), "record progress on project %s", code);
    struct policy_target t = {.unit = lead};
    if (policy_can_to(who, SUBJ_PROJECT, "progress", &t, what, e) < 0)
        return -1;
    if (row_int(&p->row, "state") != PROJECT_ACTIVE)
        return err_set(e, ERR_STATE, "state", "project %s is finished", code);
    int kids;
    if (has_children(svc->st, row_int(&p->row, "id"), &kids, e) < 0)
        return -1;
    if (kids)
        return err_set(e, ERR_STATE, "project",
                       "project %s has sub-projects: record progress on them", code);
    int64_t on, value;
    if (!q->on || !*q->on)
        return err_set(e, ERR_INVALID, "on", "the date of the progress entry is required");
    if (!q->value || !*q->value)
        return err_set(e, ERR_INVALID, "value", "the cumulative value reached is required");
    if (parse_day("on", q->on, &on, e) < 0 || project_qty_field("value", q->value, &value, e) < 0 ||
        project_qty_fits("value", row_text(&p->row, "measure"), value, e) < 0 ||
        check_text("note", q->note, e) < 0 || check_text("evidence", q->evidence, e) < 0)
        return -1;
    int64_t last = row_int(&p->row, "last_progress_on"), done = row_int(&p->row, "done_x100");
    int64_t plan = row_int(&p->row, "plan_x100");
    char a[11], b[32], c[32];
    if (last && on < last) {
        civil_format_date(last, a);
        return err_set(e, ERR_INVALID, "on",
                       "progress dated %s is before the last entry (%s) of project %s", q->on, a,
                       code);
    }
    if (on > civil_site_date(q->at))
        return err_set(e, ERR_INVALID, "on", "progress dated %s is in the future", q->on);
    if (value < done) {
        project_qty_format(done, b, sizeof(b));
        return err_set(e, ERR_INVALID, "value",
                       "value %s is below the last entry's %s: progress values are cumulative",
                       q->value, b);
    }
    if (plan > 0 && value > plan * 10) {
        project_qty_format(plan, c, sizeof(c));
        return err_set(e, ERR_INVALID, "value", "value %s is beyond ten times the plan (%s %s)",
                       q->value, c, row_text(&p->row, "measure"));
    }
    struct row r = {0};
    row_set_int(&r, "done_x100", value);
    row_set_int(&r, "last_progress_on", on);
    json_t *d = json_pack("{s:s, s:I, s:I}", "on", q->on, "value_x100", (json_int_t)value,
                          "increment_x100", (json_int_t)(value - done));
    if (q->note && *q->note)
        json_object_set_new(d, "note", json_string(q->note));
    if (q->evidence && *q->evidence)
        json_object_set_new(d, "evidence", json_string(q->evidence));
    return change(svc, who, p, &r, q->at, "progress", PROJECT_ACTIVE, d, e);
}

int svc_project_progress(struct service *svc, const struct actor *who,
                         const struct progress_req *req, struct err *e)
{
    struct rec p;
    memset(&p, 0, sizeof(p));
    if (store_begin(svc->st, e) < 0)
        return -1;
    int rc = do_progress(svc, who, req, &p, e);
    rec_release(&p);
    if (rc < 0 || store_commit(svc->st, e) < 0) {
        store_rollback(svc->st);
        return -1;
    }
    return 0;
}

static int do_finish(struct service *svc, const struct actor *who, const char *code, const char *on,
                     int64_t at, struct rec *p, struct err *e)
{
    int64_t day;
    if (guard_to(who, SUBJ_PROJECT, "finish", "finish projects", e) < 0 ||
        find_project(svc->st, code, "project", p, e) < 0)
        return -1;
    if (row_int(&p->row, "state") == PROJECT_DONE)
        return err_set(e, ERR_STATE, "state", "project %s is already finished", code);
    if (!on || !*on)
        return err_set(e, ERR_INVALID, "on", "the date the project was finished is required");
    if (parse_day("on", on, &day, e) < 0)
        return -1;
    int64_t last = row_int(&p->row, "last_progress_on");
    if (day < last) {
        char a[11];
        civil_format_date(last, a);
        return err_set(e, ERR_INVALID, "on", "finish date %s is before the last entry (%s)", on, a);
    }
    if (day > civil_site_date(at))
        return err_set(e, ERR_INVALID, "on", "finish date %s is in the future", on);
    struct row r = {0};
    row_set_int(&r, "finished_on", day);
    row_set_int(&r, "state", PROJECT_DONE);
    return change(svc, who, p, &r, at, "finish", PROJECT_DONE, json_pack("{s:s}", "on", on), e);
}

int svc_project_finish(struct service *svc, const struct actor *who, const char *code,
                       const char *on, int64_t at, struct err *e)
{
    struct rec p;
    memset(&p, 0, sizeof(p));
    if (store_begin(svc->st, e) < 0)
        return -1;
    int rc = do_finish(svc, who, code, on, at, &p, e);
    rec_release(&p);
    if (rc < 0 || store_commit(svc->st, e) < 0) {
        store_rollback(svc->st);
        return -1;
    }
    return 0;
}

static int max_seq(const struct row *r, void *ctx)
{
    int64_t *m = ctx;
    if (row_int(r, "seq") > *m)
        *m = row_int(r, "seq");
    return 0;
}

static int do_milestone_add(struct service *svc, const struct actor *who, const char *code,
                            const char *name, const char *due, const char *value, int64_t at,
                            int *seq, struct rec *p, struct err *e)
{
    int64_t day, v = 0, m = 0;
    if (guard_to(who, SUBJ_PROJECT, "add", "add milestones", e) < 0 ||
        find_project(svc->st, code, "project", p, e) < 0)
        return -1;
    if (!name || !*name)
        return err_set(e, ERR_INVALID, "name", "milestone name is required");
    if (!due || !*due)
        return err_set(e, ERR_INVALID, "due", "milestone due date is required");
    if (check_text("name", name, e) < 0 || parse_day("due", due, &day, e) < 0 ||
        (value && *value && project_qty_field("value", value, &v, e) < 0) ||
        project_qty_fits("value", row_text(&p->row, "measure"), v, e) < 0)
        return -1;
    int64_t pid = row_int(&p->row, "id");
    if (store_rec_where(svc->st, "milestones", "project_id", pid, max_seq, &m, e) < 0)
        return -1;
    struct row r = {0};
    int64_t mid;
    row_set_id(&r, "project_id", pid);
    row_set_int(&r, "seq", m + 1);
    row_set_text(&r, "name", name);
    row_set_int(&r, "due_on", day);
    row_set_int(&r, "value_x100", v);
    row_set_int(&r, "done_on", 0);
    if (store_rec_insert(svc->st, "milestones", &r, &mid, e) < 0)
        return -1;
    *seq = (int)(m + 1);
    struct row pr = {0};
    return change(svc, who, p, &pr, at, "milestone", (int)row_int(&p->row, "state"),
                  json_pack("{s:I, s:s, s:s, s:I}", "seq", (json_int_t)(m + 1), "name", name, "due",
                            due, "value_x100", (json_int_t)v),
                  e);
}

int svc_project_milestone_add(struct service *svc, const struct actor *who, const char *code,
                              const char *name, const char *due, const char *value, int64_t at,
                              int *seq, struct err *e)
{
    struct rec p;
    int ignore;
    memset(&p, 0, sizeof(p));
    if (store_begin(svc->st, e) < 0)
        return -1;
    int rc = do_milestone_add(svc, who, code, name, due, value, at, seq ? seq : &ignore, &p, e);
    rec_release(&p);
    if (rc < 0 || store_commit(svc->st, e) < 0) {
        store_rollback(svc->st);
        return -1;
    }
    return 0;
}

struct ms_find {
    int64_t seq;
    struct rec r;
    int found;
};

static int find_ms(const struct row *r, void *ctx)
{
    struct ms_find *f = ctx;
    if (row_int(r, "seq") == f->seq) {
        rec_copy(&f->r, r);
        f->found = 1;
        return 1;
    }
    return 0;
}

static int do_milestone_done(struct service *svc, const struct actor *who, const char *code,
                             int seq, const char *on, int64_t at, struct rec *p, struct err *e)
{
    int64_t day;
    if (guard_to(who, SUBJ_PROJECT, "add", "complete milestones", e) < 0 ||
        find_project(svc->st, code, "project", p, e) < 0)
        return -1;
    if (!on || !*on)
        return err_set(e, ERR_INVALID, "on", "the date the milestone was reached is required");
    if (parse_day("on", on, &day, e) < 0)
        return -1;
    if (day > civil_site_date(at))
        return err_set(e, ERR_INVALID, "on", "milestone date %s is in the future", on);
    struct ms_find f = {.seq = seq};
    if (store_rec_where(svc->st, "milestones", "project_id", row_int(&p->row, "id"), find_ms, &f,
                        e) < 0)
        return -1;
    if (!f.found)
        return err_set(e, ERR_NOT_FOUND, "milestone", "project %s has no milestone %d", code, seq);
    int64_t mid = row_int(&f.r.row, "id"), done = row_int(&f.r.row, "done_on");
    rec_release(&f.r);
    if (done)
        return err_set(e, ERR_STATE, "milestone", "milestone %d of project %s is already done", seq,
                       code);
    struct row r = {0};
    row_set_int(&r, "done_on", day);
    if (store_rec_update(svc->st, "milestones", mid, &r, e) < 0)
        return -1;
    struct row pr = {0};
    return change(svc, who, p, &pr, at, "milestone_done", (int)row_int(&p->row, "state"),
                  json_pack("{s:i, s:s}", "seq", seq, "on", on), e);
}

int svc_project_milestone_done(struct service *svc, const struct actor *who, const char *code,
                               int seq, const char *on, int64_t at, struct err *e)
{
    struct rec p;
    memset(&p, 0, sizeof(p));
    if (store_begin(svc->st, e) < 0)
        return -1;
    int rc = do_milestone_done(svc, who, code, seq, on, at, &p, e);
    rec_release(&p);
    if (rc < 0 || store_commit(svc->st, e) < 0) {
        store_rollback(svc->st);
        return -1;
    }
    return 0;
}

struct link_find {
    int64_t appeal_id;
    const char *kind;
    int found;
};

static int find_link(const struct row *r, void *ctx)
{
    struct link_find *f = ctx;
    if (row_int(r, "appeal_id") == f->appeal_id && !strcmp(row_text(r, "kind"), f->kind)) {
        f->found = 1;
        return 1;
    }
    return 0;
}

static int do_link(struct service *svc, const struct actor *who, const char *code,
                   const char *appeal, const char *kind, int64_t at, struct rec *p, struct err *e)
{
    if (guard_to(who, SUBJ_PROJECT, "add", "link appeals to projects", e) < 0 ||
        find_project(svc->st, code, "project", p, e) < 0)
        return -1;
    if (!kind || (strcmp(kind, "spawned") && strcmp(kind, "resolved")))
        return err_set(e, ERR_INVALID, "kind", "link kind '%s' is neither spawned nor resolved",
                       kind ? kind : "");
    if (!appeal || !*appeal)
        return err_set(e, ERR_INVALID, "appeal", "appeal code is required");
    struct appeal a;
    if (store_appeal_by_code(svc->st, appeal, &a, e) < 0)
        return -1;
    int64_t aid = a.id;
    appeal_release(&a);
    int64_t pid = row_int(&p->row, "id");
    struct link_find f = {aid, kind, 0};
    if (store_rec_where(svc->st, "appeal_links", "project_id", pid, find_link, &f, e) < 0)
        return -1;
    if (f.found)
        return err_set(e, ERR_CONFLICT, "appeal", "appeal %s is already linked to project %s as %s",
                       appeal, code, kind);
    struct row r = {0};
    int64_t lid;
    row_set_id(&r, "project_id", pid);
    row_set_id(&r, "appeal_id", aid);
    row_set_text(&r, "kind", kind);
    row_set_int(&r, "created_at", at);
    if (store_rec_insert(svc->st, "appeal_links", &r, &lid, e) < 0)
        return -1;
    struct row pr = {0};
    return change(svc, who, p, &pr, at, "link", (int)row_int(&p->row, "state"),
                  json_pack("{s:s, s:s}", "appeal", appeal, "kind", kind), e);
}

int svc_project_link(struct service *svc, const struct actor *who, const char *code,
                     const char *appeal, const char *kind, int64_t at, struct err *e)
{
    struct rec p;
    memset(&p, 0, sizeof(p));
    if (store_begin(svc->st, e) < 0)
        return -1;
    int rc = do_link(svc, who, code, appeal, kind, at, &p, e);
    rec_release(&p);
    if (rc < 0 || store_commit(svc->st, e) < 0) {
        store_rollback(svc->st);
        return -1;
    }
    return 0;
}

/* ---- reading: every project with its figures as of a day ----------------------------------- */

struct entry {
    int64_t on, value;
};

struct pnode {
    struct rec r;
    int64_t id, parent_id;
    size_t parent; /* index, or SIZE_MAX */
    int depth;
    struct entry *entries; /* progress entries in order */
    size_t nentries;
    /* as of the day: */
    int64_t plan, done, budget, pct;
    int nchildren, computed;
    int state;
    int64_t finished;
    int open_milestones;        /* not done by the day */
    int64_t milestones_done_on; /* the last one done by the day; 0: none */
};

struct ptree {
    struct pnode *p;
    size_t n;
    int64_t day, first, last;
};

static void tree_release(struct ptree *t)
{
    for (size_t i = 0; i < t->n; i++) {
        rec_release(&t->p[i].r);
        free(t->p[i].entries);
    }
    free(t->p);
    memset(t, 0, sizeof(*t));
}

static int load_entries(store_t *st, struct pnode *p, struct err *e)
{
    struct event_list ev = {0};
    if (store_subject_events(st, "project", p->id, &ev, e) < 0)
        return -1;
    for (size_t i = 0; i < ev.n; i++) {
        if (strcmp(ev.items[i].action, "progress"))
            continue;
        json_t *d = json_loads(ev.items[i].details ? ev.items[i].details : "{}", 0, NULL);
        int64_t on = 0;
        if (d)
            civil_parse_date(json_string_value(json_object_get(d, "on"))
                                 ? json_string_value(json_object_get(d, "on"))
                                 : "",
                             &on);
        p->entries = xrealloc(p->entries, (p->nentries + 1) * sizeof(*p->entries));
        p->entries[p->nentries].on = on;
        p->entries[p->nentries].value =
            d ? json_integer_value(json_object_get(d, "value_x100")) : 0;
        p->nentries++;
        json_decref(d);
    }
    event_list_release(&ev);
    return 0;
}

static void compute(struct ptree *t, size_t i)
{
    struct pnode *p = &t->p[i];
    if (p->computed)
        return;
    p->computed = 1; /* also guards against a cycle */
    int64_t fin = row_int(&p->r.row, "finished_on");
    p->finished = fin && fin <= t->day ? fin : 0;
    p->state = p->finished ? PROJECT_DONE : PROJECT_ACTIVE;
    struct rollup_child *kids = NULL;
    size_t nk = 0;
    int64_t plan = 0, done = 0, budget = 0;
    const char *measure = row_text(&p->r.row, "measure");
    for (size_t j = 0; j < t->n; j++) {
        if (t->p[j].parent != i || j == i)
            continue;
        compute(t, j);
        kids = xrealloc(kids, (nk + 1) * sizeof(*kids));
        kids[nk].percent = t->p[j].pct;
        kids[nk].weight = row_int(&t->p[j].r.row, "weight");
        nk++;
        if (!strcmp(row_text(&t->p[j].r.row, "measure"), measure)) {
            plan += t->p[j].plan;
            done += t->p[j].done;
        }
        budget += t->p[j].budget;
    }
    p->nchildren = (int)nk;
    /* A parent not finished itself is finished when all its children are, on the last
     * child's date. */
    if (nk && !p->finished) {
        int64_t last = 0;
        int all = 1;
        for (size_t j = 0; j < t->n; j++) {
            if (t->p[j].parent != i || j == i)
                continue;
            if (!t->p[j].finished)
                all = 0;
            else if (t->p[j].finished > last)
                last = t->p[j].finished;
        }
        if (all) {
            p->finished = last;
            p->state = PROJECT_DONE;
        }
    }
    if (nk) {
        p->plan = plan;
        p->done = done;
        p->budget = budget;
        p->pct = project_rollup(kids, nk);
    } else {
        p->plan = row_int(&p->r.row, "plan_x100");
        p->budget = row_int(&p->r.row, "budget_x100");
        p->done = 0;
        for (size_t k = 0; k < p->nentries; k++)
            if (p->entries[k].on <= t->day)
                p->done = p->entries[k].value;
        p->pct = project_percent(p->done, p->plan);
        /* At 100 % of plan with no milestone open it is done, on the day the plan was met. */
        if (!p->finished) {
            size_t k = 0, cap = p->nentries ? p->nentries : 1;
            int64_t *on = xmalloc(cap * sizeof(*on)), *val = xmalloc(cap * sizeof(*val));
            for (size_t j = 0; j < p->nentries; j++)
                if (p->entries[j].on <= t->day) {
                    on[k] = p->entries[j].on;
                    val[k++] = p->entries[j].value;
                }
            int64_t reached = project_reached_on(p->plan, on, val, k, p->open_milestones,
                                                 p->milestones_done_on);
            free(on);
            free(val);
            if (reached) {
                p->finished = reached;
                p->state = PROJECT_DONE;
            }
        }
    }
    free(kids);
}

static int depth_of(const struct ptree *t, size_t i)
{
    int d = 0;
    for (size_t j = t->p[i].parent; j != SIZE_MAX && d < 16; j = t->p[j].parent)
        d++;
    return d;
}

struct open_count {
    int64_t day;
    int n;
    int64_t last_done;
};

/* store_rec_where's callback: the milestones not done by the day. */
static int count_open(const struct row *r, void *ctx)
{
    struct open_count *oc = ctx;
    int64_t done = row_int(r, "done_on");
    if (!done || done > oc->day)
        oc->n++;
    else if (done > oc->last_done)
        oc->last_done = done;
    return 0;
}

/* Every project (all of `year`, or all when 0) with figures as of t->day. */
static int tree_load(store_t *st, int year, struct ptree *t, struct err *e)
{
    struct rec *rows;
    size_t n;
    if ((year ? rec_list(st, "projects", "year", year, &rows, &n, e)
              : rec_list(st, "projects", NULL, 0, &rows, &n, e)) < 0)
        return -1;
    t->p = xcalloc(n ? n : 1, sizeof(*t->p));
    t->n = n;
    for (size_t i = 0; i < n; i++) {
        t->p[i].r = rows[i];
        t->p[i].id = row_int(&rows[i].row, "id");
        t->p[i].parent_id = row_int(&rows[i].row, "parent_id");
        t->p[i].parent = SIZE_MAX;
    }
    free(rows);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n && t->p[i].parent_id; j++)
            if (t->p[j].id == t->p[i].parent_id)
                t->p[i].parent = j;
    for (size_t i = 0; i < n; i++) {
        struct open_count oc = {t->day, 0, 0};
        if (load_entries(st, &t->p[i], e) < 0 ||
            store_rec_where(st, "milestones", "project_id", t->p[i].id, count_open, &oc, e) < 0) {
            tree_release(t);
            return -1;
        }
        t->p[i].open_milestones = oc.n;
        t->p[i].milestones_done_on = oc.last_done;
    }
    for (size_t i = 0; i < n; i++) {
        compute(t, i);
        t->p[i].depth = depth_of(t, i);
    }
    return 0;
}

static int node_stale(const struct ptree *t, const struct pnode *p)
{
    if (p->nchildren)
        return 0; /* a parent has no entries of its own: its children are judged */
    int64_t days[1];
    int64_t *d = p->nentries ? xmalloc(p->nentries * sizeof(int64_t)) : days;
    size_t k = 0;
    for (size_t i = 0; i < p->nentries; i++)
        if (p->entries[i].on <= t->day)
            d[k++] = p->entries[i].on;
    int s = project_stale(p->state, row_int(&p->r.row, "start_on"), d, k, t->first, t->last);
    if (d != days)
        free(d);
    return s;
}

/* The project's milestones as JSON (when arr is not NULL); returns how many are overdue. */
static int milestones(store_t *st, const struct ptree *t, const struct pnode *p, json_t *arr,
                      struct err *e)
{
    struct rec *m;
    size_t n;
    if (rec_list(st, "milestones", "project_id", p->id, &m, &n, e) < 0)
        return -1;
    int overdue = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t due = row_int(&m[i].row, "due_on"), done = row_int(&m[i].row, "done_on");
        int64_t v = row_int(&m[i].row, "value_x100");
        if (done > t->day)
            done = 0;
        int od = project_milestone_overdue(due, done, v, p->done, t->day);
        overdue += od;
        if (arr) {
            json_t *o = json_pack(
                "{s:I, s:s, s:o, s:o, s:o, s:b}", "seq", (json_int_t)row_int(&m[i].row, "seq"),
                "name", row_text(&m[i].row, "name"), "due_on", day_json(due), "done_on",
                day_json(done), "value", v ? qty_json(v) : json_null(), "overdue", od);
            json_array_append_new(arr, o);
        }
    }
    rec_list_release(m, n);
    return overdue;
}

static json_t *unit_json(const struct names *n, int64_t id)
{
    return id ? json_string(names_unit(n, id)) : json_null();
}

static json_t *node_json(struct service *svc, const struct names *nm, const struct ptree *t,
                         const struct pnode *p, int full, struct err *e)
{
    const struct row *r = &p->r.row;
    struct timing tm;
    project_timing(p->finished, row_int(r, "due_on"), t->day, &tm);
    static const char *const tk[] = {"none", "pending", "overdue", "early", "on_time", "late"};
    json_t *ms = full ? json_array() : NULL;
    int od = milestones(svc->st, t, p, ms, e);
    if (od < 0) {
        json_decref(ms);
        return NULL;
    }
    json_t *o = json_object();
    json_object_set_new(o, "code", json_string(row_text(r, "code")));
    json_object_set_new(o, "title", json_string(row_text(r, "title")));
    json_object_set_new(o, "year", json_integer(row_int(r, "year")));
    json_object_set_new(o, "area",
                        row_int(r, "area_id") ? json_string(names_area(nm, row_int(r, "area_id")))
                                              : json_null());
    json_object_set_new(o, "lead_unit", unit_json(nm, row_int(r, "lead_unit_id")));
    json_object_set_new(o, "leader", json_string(row_text(r, "leader")));
    json_object_set_new(o, "measure", json_string(row_text(r, "measure")));
    json_object_set_new(o, "baseline", qty_json(row_int(r, "baseline_x100")));
    json_object_set_new(o, "target", qty_json_opt(row_int(r, "target_x100")));
    json_object_set_new(o, "plan", qty_json(p->plan));
    json_object_set_new(o, "done", qty_json(p->done));
    json_object_set_new(o, "budget", qty_json_opt(p->budget));
    json_object_set_new(o, "plan_x100", json_integer(p->plan));
    json_object_set_new(o, "done_x100", json_integer(p->done));
    json_object_set_new(o, "budget_x100", json_integer(p->budget));
    json_object_set_new(o, "percent", pct_json(p->pct));
    json_object_set_new(o, "percent_x100", p->pct < 0 ? json_null() : json_integer(p->pct));
    json_object_set_new(o, "state", json_string(state_word(p->state)));
    json_object_set_new(o, "state_label", json_string(state_text(p->state)));
    json_object_set_new(o, "start_on", day_json(row_int(r, "start_on")));
    json_object_set_new(o, "due_on", day_json(row_int(r, "due_on")));
    json_object_set_new(o, "finished_on", day_json(p->finished));
    json_object_set_new(o, "timing", json_string(tk[tm.kind]));
    json_object_set_new(o, "timing_text", json_string(tm.text));
    json_object_set_new(o, "timing_days", json_integer(tm.days));
    json_object_set_new(o, "timing_months", json_integer(tm.months));
    json_object_set_new(o, "overdue", json_boolean(tm.kind == TIMING_OVERDUE));
    json_object_set_new(o, "stale", json_boolean(node_stale(t, p)));
    json_object_set_new(o, "milestones_overdue", json_integer(od));
    json_object_set_new(o, "last_progress_on", day_json(row_int(r, "last_progress_on")));
    json_object_set_new(o, "parent",
                        p->parent != SIZE_MAX
                            ? json_string(row_text(&t->p[p->parent].r.row, "code"))
                            : json_null());
    json_object_set_new(o, "weight", json_integer(row_int(r, "weight")));
    json_object_set_new(o, "children", json_integer(p->nchildren));
    json_object_set_new(o, "households", json_integer(row_int(r, "households")));
    json_object_set_new(o, "people", json_integer(row_int(r, "people")));
    json_object_set_new(o, "beneficiaries", json_string(row_text(r, "beneficiaries")));
    json_object_set_new(o, "version", json_integer(row_int(r, "version")));
    int64_t batch = row_int(r, "batch_id");
    if (batch) {
        struct rec b;
        if (rec_get(svc->st, "batches", batch, "batch", &b, e) < 0) {
            json_decref(o);
            json_decref(ms);
            return NULL;
        }
        json_object_set_new(o, "batch", json_integer(row_int(&b.row, "number")));
        rec_release(&b);
    } else {
        json_object_set_new(o, "batch", json_null());
    }
    if (!full)
        return o;
    json_object_set_new(o, "milestones", ms);
    json_object_set_new(o, "description", json_string(row_text(r, "description")));
    /* assisting units */
    struct rec *u;
    size_t nu;
    json_t *assist = json_array();
    if (rec_list(svc->st, "project_units", "project_id", p->id, &u, &nu, e) == 0) {
        for (size_t i = 0; i < nu; i++)
            json_array_append_new(assist, unit_json(nm, row_int(&u[i].row, "unit_id")));
        rec_list_release(u, nu);
    }
    json_object_set_new(o, "assist", assist);
    /* progress history, from the events */
    struct event_list ev = {0};
    json_t *prog = json_array(), *hist = json_array();
    if (store_subject_events(svc->st, "project", p->id, &ev, e) < 0) {
        json_decref(o);
        json_decref(prog);
        json_decref(hist);
        return NULL;
    }
    for (size_t i = 0; i < ev.n; i++) {
        const struct event *x = &ev.items[i];
        /* As of t->day: what was recorded after it is not shown (--at 2021-07-31). */
        if (civil_site_date(x->at) > t->day)
            continue;
        json_t *d = json_loads(x->details ? x->details : "{}", 0, NULL);
        if (!d)
            d = json_object();
        json_t *h =
            json_pack("{s:I, s:o, s:s, s:s, s:O}", "seq", (json_int_t)x->seq, "at",
                      view_time(x->at), "actor", x->actor, "action", x->action, "details", d);
        json_array_append_new(hist, h);
        int64_t on_day;
        const char *on = json_string_value(json_object_get(d, "on"));
        if (!strcmp(x->action, "progress") &&
            !(on && civil_parse_date(on, &on_day) == 0 && on_day > t->day)) {
            json_t *g = json_object();
            json_object_set(g, "on", json_object_get(d, "on"));
            int64_t v = json_integer_value(json_object_get(d, "value_x100"));
            int64_t inc = json_integer_value(json_object_get(d, "increment_x100"));
            json_object_set_new(g, "value", qty_json(v));
            json_object_set_new(g, "value_x100", json_integer(v));
            json_object_set_new(g, "increment", qty_json(inc));
            json_object_set(g, "note",
                            json_object_get(d, "note") ? json_object_get(d, "note") : json_null());
            json_object_set(g, "evidence",
                            json_object_get(d, "evidence") ? json_object_get(d, "evidence")
                                                           : json_null());
            json_object_set_new(g, "actor", json_string(x->actor));
            json_array_append_new(prog, g);
        }
        json_decref(d);
    }
    event_list_release(&ev);
    json_object_set_new(o, "progress", prog);
    json_object_set_new(o, "history", hist);
    /* appeal links */
    struct rec *l;
    size_t nl;
    json_t *links = json_array();
    if (rec_list(svc->st, "appeal_links", "project_id", p->id, &l, &nl, e) == 0) {
        for (size_t i = 0; i < nl; i++) {
            struct appeal a;
            struct err ignore;
            if (store_appeal_get(svc->st, row_int(&l[i].row, "appeal_id"), &a, &ignore) < 0)
                continue;
            json_array_append_new(links, json_pack("{s:s, s:s, s:s}", "appeal", a.code, "title",
                                                   a.title ? a.title : "", "kind",
                                                   row_text(&l[i].row, "kind")));
            appeal_release(&a);
        }
        rec_list_release(l, nl);
    }
    json_object_set_new(o, "links", links);
    /* children, with the roll-up */
    json_t *kids = json_array();
    for (size_t j = 0; j < t->n; j++) {
        const struct pnode *c = &t->p[j];
        if (c->parent != (size_t)(p - t->p) || c == p)
            continue;
        json_array_append_new(
            kids,
            json_pack("{s:s, s:s, s:o, s:o, s:o, s:I, s:s}", "code", row_text(&c->r.row, "code"),
                      "title", row_text(&c->r.row, "title"), "plan", qty_json(c->plan), "done",
                      qty_json(c->done), "percent", pct_json(c->pct), "weight",
                      (json_int_t)row_int(&c->r.row, "weight"), "state", state_word(c->state)));
    }
    json_object_set_new(o, "sub_projects", kids);
    return o;
}

static void query_days(const struct project_query *q, struct ptree *t)
{
    t->day = q->as_of;
    if (q->first && q->last) {
        t->first = q->first;
        t->last = q->last;
    } else {
        int y, m, d;
        civil_ymd(q->as_of, &y, &m, &d);
        t->first = civil_days(y, m, 1);
        t->last = (m == 12 ? civil_days(y + 1, 1, 1) : civil_days(y, m + 1, 1)) - 1;
    }
}

int svc_project_show_json(struct service *svc, const struct actor *who, const char *code,
                          const struct project_query *q, json_t **out, struct err *e)
{
    struct rec r;
    if (guard_to(who, SUBJ_PROJECT, "read", "read projects", e) < 0 || find_project(svc->st, code, "project", &r, e) < 0)
        return -1;
    int year = (int)row_int(&r.row, "year");
    int64_t id = row_int(&r.row, "id");
    rec_release(&r);
    struct ptree t = {0};
    struct names n;
    query_days(q, &t);
    if (tree_load(svc->st, year, &t, e) < 0)
        return -1;
    if (names_load(svc, &n, e) < 0) {
        tree_release(&t);
        return -1;
    }
    *out = NULL;
    const struct pnode *p = NULL;
    for (size_t i = 0; i < t.n; i++)
        if (t.p[i].id == id) {
            p = &t.p[i];
            *out = node_json(svc, &n, &t, p, 1, e);
        }
    if (*out) {
        /* what `who` may do to it now: its state allowing, and the policy */
        static const struct {
            const char *action, *verb;
            int active_only;
        } acts[] = {{"progress", "progress", 1}, {"finish", "finish", 1},
                    {"milestone", "add", 0},     {"link", "add", 0}};
        int active = p && row_int(&p->r.row, "state") == PROJECT_ACTIVE;
        struct policy_target lead = {.unit = p ? row_int(&p->r.row, "lead_unit_id") : 0};
        json_t *allowed = json_array();
        for (size_t k = 0; k < sizeof(acts) / sizeof(acts[0]); k++) {
            struct err no;
            if ((active || !acts[k].active_only) &&
                policy_can(who, SUBJ_PROJECT, acts[k].verb, &lead, &no) == 0)
                json_array_append_new(allowed, json_string(acts[k].action));
        }
        json_object_set_new(*out, "allowed_actions", allowed);
    }
    names_release(&n);
    tree_release(&t);
    return *out ? 0 : -1;
}

int svc_project_list_json(struct service *svc, const struct actor *who,
                          const struct project_query *q, json_t **out, struct err *e)
{
    int64_t area = 0, unit = 0, batch = 0;
    if (guard_to(who, SUBJ_PROJECT, "read", "read projects", e) < 0)
        return -1;
    if (q->area && *q->area) {
        struct ref a;
        if (store_ref_find(svc->st, REF_AREA, q->area, &a, e) < 0)
            return -1;
        area = a.id;
    }
    if (q->unit && *q->unit) {
        struct unit u;
        if (store_unit_find(svc->st, q->unit, &u, e) < 0)
            return -1;
        unit = u.id;
    }
    if (q->batch) {
        if (!q->year)
            return err_set(e, ERR_INVALID, "batch",
                           "a batch is numbered within a year: give the year");
        if (find_batch(svc->st, q->year, q->batch, &batch, e) < 0)
            return -1;
    }
    struct ptree t = {0};
    struct names n;
    query_days(q, &t);
    if (tree_load(svc->st, q->year, &t, e) < 0)
        return -1;
    if (names_load(svc, &n, e) < 0) {
        tree_release(&t);
        return -1;
    }
    json_t *items = json_array();
    int rc = 0;
    for (size_t i = 0; i < t.n && rc == 0; i++) {
        const struct row *r = &t.p[i].r.row;
        if ((area && row_int(r, "area_id") != area) ||
            (unit && row_int(r, "lead_unit_id") != unit) ||
            (batch && row_int(r, "batch_id") != batch))
            continue;
        json_t *o = node_json(svc, &n, &t, &t.p[i], 0, e);
        if (!o)
            rc = -1;
        else
            json_array_append_new(items, o);
    }
    names_release(&n);
    tree_release(&t);
    if (rc < 0) {
        json_decref(items);
        return -1;
    }
    *out = json_pack("{s:I, s:o}", "total", (json_int_t)json_array_size(items), "items", items);
    return 0;
}

json_t *svc_appeal_projects_json(struct service *svc, int64_t appeal_id, struct err *e)
{
    struct rec *l;
    size_t n;
    if (rec_list(svc->st, "appeal_links", "appeal_id", appeal_id, &l, &n, e) < 0)
        return NULL;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        struct rec p;
        if (rec_get(svc->st, "projects", row_int(&l[i].row, "project_id"), "project", &p, e) < 0) {
            json_decref(arr);
            arr = NULL;
            break;
        }
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "code", row_text(&p.row, "code"),
                                             "title", row_text(&p.row, "title"), "kind",
                                             row_text(&l[i].row, "kind")));
        rec_release(&p);
    }
    rec_list_release(l, n);
    return arr;
}

/* ---- the bulletin's section ----------------------------------------------------------------- */

static int by_code(const void *a, const void *b)
{
    const struct bulletin_project *x = a, *y = b;
    return strcmp(x->code, y->code);
}

int svc_project_bulletin(struct service *svc, struct bulletin *b, int64_t as_of, struct err *e)
{
    int y, m, d;
    civil_ymd(b->to_day, &y, &m, &d);
    struct ptree t = {0};
    int64_t day = civil_site_date(as_of);
    t.day = day < b->to_day ? day : b->to_day;
    t.first = b->from_day;
    t.last = b->to_day;
    if (tree_load(svc->st, y, &t, e) < 0)
        return -1;
    b->projects = xcalloc(t.n ? t.n : 1, sizeof(*b->projects));
    int rc = 0;
    for (size_t i = 0; i < t.n; i++) {
        const struct pnode *p = &t.p[i];
        struct bulletin_project *x = &b->projects[b->nprojects++];
        struct timing tm;
        snprintf(x->code, sizeof(x->code), "%s", row_text(&p->r.row, "code"));
        x->title = xstrdup(row_text(&p->r.row, "title"));
        x->measure = xstrdup(row_text(&p->r.row, "measure"));
        x->beneficiaries = xstrdup(row_text(&p->r.row, "beneficiaries"));
        x->plan_x100 = p->plan;
        x->done_x100 = p->done;
        x->percent = p->pct;
        x->households = row_int(&p->r.row, "households");
        x->people = row_int(&p->r.row, "people");
        x->state = p->state;
        x->depth = p->depth;
        project_timing(p->finished, row_int(&p->r.row, "due_on"), t.day, &tm);
        snprintf(x->timing, sizeof(x->timing), "%s", tm.text);
        x->stale = node_stale(&t, p);
        int od = milestones(svc->st, &t, p, NULL, e);
        if (od < 0) {
            rc = -1;
            break;
        }
        x->milestones_overdue = od;
    }
    tree_release(&t);
    if (rc == 0 && b->nprojects)
        qsort(b->projects, b->nprojects, sizeof(*b->projects), by_code);
    return rc;
}
