/* test_audit.c -- the tamper-evident history: a small ledger built through the service in a
 * real database file verifies clean; then, each on a fresh copy of the file, a determined
 * editor drops the append-only triggers and edits the file with the SQLite C API: edits an
 * event's details or time, deletes a middle or the last event, swaps events' ids or seq
 * numbers, inserts forged events (naive and properly sealed), and edits or deletes appeal
 * rows. `audit verify` must catch each, name the first broken event (or appeal) and say
 * what is wrong in a sentence. With the triggers in place UPDATE and DELETE fail. */
#include "core/audit.h"

#include <dirent.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "service/service.h"
#include "test.h"
#include "util/civil.h"

#include "util/banned.h"


static char dir[64];
static char base_path[256];

static int64_t T(const char *s)
{
    int64_t t = 0;
    if (civil_parse_instant(s, &t) < 0) {
        fprintf(stderr, "test bug: bad instant %s\n", s);
        abort();
    }
    return t;
}

static void remove_dir(void)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *ent;
    char p[512];
    while ((ent = readdir(d)) != NULL) {
        if (!strcmp(ent->d_name, ".") || !strcmp(ent->d_name, ".."))
            continue;
        snprintf(p, sizeof(p), "%s/%s", dir, ent->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

static void must(int rc, const struct err *e, const char *what)
{
    if (rc < 0) {
        fprintf(stderr, "setup failed: %s: %s\n", what, e->msg);
        CHECK_INT(rc, 0);
        remove_dir();
        exit(1);
    }
}

static int copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    int ok = in && out;
    char buf[65536];
    size_t n;
    while (ok && (n = fread(buf, 1, sizeof(buf), in)) > 0)
        ok = fwrite(buf, 1, n, out) == n;
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

/* ---- the ledger ------------------------------------------------------------------------ */

struct ledger {
    char code[4][APPEAL_CODE_LEN]; /* A, B, C, D */
    int64_t id[4];
    int64_t ev[4][8]; /* event ids of each appeal, by seq */
    int nev[4];
    int64_t last; /* the last event id */
};

enum { A, B, C, D };

static struct ledger L;

static void act(struct service *svc, const char *user, int type, int which, const char *at,
                const char *unit, const char *text)
{
    struct actor who;
    struct err e = {0};
    must(svc_actor(svc, user, &who, &e), &e, "actor");
    struct act_req r;
    memset(&r, 0, sizeof(r));
    r.type = type;
    r.code = L.code[which];
    r.at = T(at);
    r.unit = unit;
    r.text = text;
    r.reason = text;
    static const char *const ev[] = {"整改照片.jpg"};
    if (type == ACT_REPLY || type == ACT_CLOSE) {
        r.evidence[0] = ev[0];
        r.n_evidence = 1;
    }
    if (type == ACT_VISIT) {
        r.solved = text;
        r.satisfaction = !strcmp(text, "yes") ? "满意" : "不满意";
        r.reason = NULL;
    }
    struct appeal a;
    must(svc_act(svc, &who, &r, &a, &e), &e, action_code(type));
    appeal_release(&a);
}

/* Four appeals whose events interleave on the chain: A runs to closed, B is returned,
 * re-dispatched and redone after an unsatisfied visit, C is rejected, D only urged. */
static void build_ledger(const char *path)
{
    struct service svc;
    struct err e = {0};
    must(service_open(&svc, path, OPEN_CREATE, &e), &e, "open");
    must(svc_unit_add(&svc, "住建局", "zjj", "department", NULL, NULL, &e), &e, "unit");
    must(svc_unit_add(&svc, "城管局", "cgj", "department", NULL, NULL, &e), &e, "unit");
    must(svc_user_add(&svc, "disp", "", "dispatcher", NULL, NULL, NULL, NULL, &e), &e, "user");
    must(svc_user_add(&svc, "h_zjj", "", "handler", "住建局", NULL, NULL, NULL, &e), &e, "user");
    must(svc_user_add(&svc, "h_cgj", "", "handler", "城管局", NULL, NULL, NULL, &e), &e, "user");
    must(svc_user_add(&svc, "boss", "", "leader", NULL, NULL, NULL, NULL, &e), &e, "user");
    struct actor disp;
    must(svc_actor(&svc, "disp", &disp, &e), &e, "actor");
    static const char *const at[] = {"2021-10-08T09:00:00+08:00", "2021-10-08T09:10:00+08:00",
                                     "2021-10-08T09:20:00+08:00", "2021-10-08T09:30:00+08:00"};
    for (int i = 0; i < 4; i++) {
        struct register_req r;
        memset(&r, 0, sizeof(r));
        r.title = "路灯不亮";
        r.content = "小区门口路灯坏了";
        r.channel = "hotline";
        r.kind = i == C ? "建议" : "投诉";
        r.at = T(at[i]);
        struct appeal a;
        must(svc_register(&svc, &disp, &r, &a, &e), &e, "register");
        snprintf(L.code[i], sizeof(L.code[i]), "%s", a.code);
        L.id[i] = a.id;
        appeal_release(&a);
    }
    act(&svc, "disp", ACT_DISPATCH, A, "2021-10-08T10:00:00+08:00", "住建局", NULL);
    act(&svc, "disp", ACT_DISPATCH, B, "2021-10-08T10:05:00+08:00", "住建局", NULL);
    act(&svc, "disp", ACT_REJECT, C, "2021-10-08T10:10:00+08:00", NULL, "不属于受理范围");
    act(&svc, "boss", ACT_URGE, D, "2021-10-08T10:15:00+08:00", NULL, NULL);
    act(&svc, "h_zjj", ACT_ACCEPT, A, "2021-10-08T11:00:00+08:00", NULL, NULL);
    act(&svc, "h_zjj", ACT_RETURN, B, "2021-10-08T11:05:00+08:00", NULL, "不属于本单位职责");
    act(&svc, "h_zjj", ACT_REPLY, A, "2021-10-09T10:00:00+08:00", NULL, "路灯已修复");
    act(&svc, "disp", ACT_DISPATCH, B, "2021-10-09T10:05:00+08:00", "城管局", NULL);
    act(&svc, "disp", ACT_VISIT, A, "2021-10-11T10:00:00+08:00", NULL, "yes");
    act(&svc, "h_cgj", ACT_ACCEPT, B, "2021-10-11T10:05:00+08:00", NULL, NULL);
    act(&svc, "disp", ACT_CLOSE, A, "2021-10-12T10:00:00+08:00", NULL, NULL);
    act(&svc, "h_cgj", ACT_REPLY, B, "2021-10-12T10:05:00+08:00", NULL, "已清理");
    act(&svc, "disp", ACT_VISIT, B, "2021-10-13T10:05:00+08:00", NULL, "no"); /* + redo */

    for (int i = 0; i < 4; i++) {
        struct appeal a;
        struct event_list hist;
        must(svc_show(&svc, L.code[i], &a, &hist, &e), &e, "show");
        L.nev[i] = (int)hist.n;
        for (size_t k = 0; k < hist.n && k < 8; k++) {
            L.ev[i][k] = hist.items[k].id;
            if (hist.items[k].id > L.last)
                L.last = hist.items[k].id;
        }
        appeal_release(&a);
        event_list_release(&hist);
    }
    CHECK_INT(L.nev[A], 6);
    CHECK_INT(L.nev[B], 8);
    CHECK_INT(L.nev[C], 2);
    CHECK_INT(L.nev[D], 2);
    CHECK_INT(L.last, 18);
    CHECK_INT(L.ev[B][7], 18); /* the automatic redo is the last event */

    struct audit_result res;
    CHECK_INT(svc_audit_verify(&svc, &res, &e), 0);
    CHECK_INT(res.ok, 1);
    CHECK_INT(res.events, 18);
    CHECK_INT(res.appeals, 4);
    CHECK_INT(res.bad_event, 0);
    CHECK_STR(res.bad_appeal, "");
    CHECK_STR(res.problem, "");
    service_close(&svc);
}

/* ---- tampering ------------------------------------------------------------------------- */

typedef int (*tamper_fn)(sqlite3 *db);

static int db_text(sqlite3 *db, const char *sql, int64_t id, char *out, size_t size)
{
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, id);
        if (sqlite3_step(st) == SQLITE_ROW) {
            const unsigned char *v = sqlite3_column_text(st, 0);
            snprintf(out, size, "%s", v ? (const char *)v : "");
            rc = 0;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

/* Writes a forged event, sealed exactly as the program seals them. */
static int insert_event(sqlite3 *db, const struct event *ev)
{
    static const char sql[] =
        "INSERT INTO events (id, appeal_id, seq, at, actor_id, actor, action, from_state, "
        "to_state, details, prev_hash, hash, row_digest) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)";
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, ev->id);
    sqlite3_bind_int64(st, 2, ev->appeal_id);
    sqlite3_bind_int64(st, 3, ev->seq);
    sqlite3_bind_int64(st, 4, ev->at);
    sqlite3_bind_int64(st, 5, ev->actor_id);
    sqlite3_bind_text(st, 6, ev->actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, ev->action, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 8, ev->from_state);
    sqlite3_bind_int(st, 9, ev->to_state);
    sqlite3_bind_text(st, 10, ev->details, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 11, ev->prev_hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 12, ev->hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 13, ev->row_digest, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    sqlite3_finalize(st);
    return rc;
}

/* A second urge of D, properly sealed after event `after` and numbered `id`. */
static int forge_urge(sqlite3 *db, int64_t after, int64_t id, int with_digest)
{
    struct event ev;
    memset(&ev, 0, sizeof(ev));
    char prev[65];
    if (db_text(db, "SELECT hash FROM events WHERE id = ?", after, prev, sizeof(prev)) < 0)
        return -1;
    ev.id = id;
    ev.appeal_id = L.id[D];
    ev.seq = 3;
    ev.at = T("2021-10-14T10:00:00+08:00");
    snprintf(ev.actor, sizeof(ev.actor), "boss");
    snprintf(ev.action, sizeof(ev.action), "urge");
    ev.from_state = ST_RECEIVED;
    ev.to_state = ST_RECEIVED;
    ev.details = "{\"urge_count\":2}";
    if (with_digest) /* a careful forger writes a digest too; it cannot match the row */
        snprintf(ev.row_digest, sizeof(ev.row_digest), "%064d", 7);
    audit_seal(&ev, prev);
    return insert_event(db, &ev);
}

static int forge_at_end_no_digest(sqlite3 *db)
{
    return forge_urge(db, L.last, L.last + 1, 0);
}

static int forge_at_end(sqlite3 *db)
{
    return forge_urge(db, L.last, L.last + 1, 1);
}

static int forge_at_end_and_head(sqlite3 *db)
{
    if (forge_urge(db, L.last, L.last + 1, 1) < 0)
        return -1;
    char sql[200];
    snprintf(sql, sizeof(sql),
             "UPDATE chain_head SET last_id = %lld, count = count + 1, hash = (SELECT hash FROM "
             "events WHERE id = %lld)",
             (long long)(L.last + 1), (long long)(L.last + 1));
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* After event 12: move 13.. up by one and seal a forgery into the gap. */
static int forge_in_middle(sqlite3 *db)
{
    if (sqlite3_exec(db,
                     "UPDATE events SET id = -id WHERE id > 12; "
                     "UPDATE events SET id = 1 - id WHERE id < 0; "
                     "UPDATE chain_head SET last_id = last_id + 1, count = count + 1",
                     NULL, NULL, NULL) != SQLITE_OK)
        return -1;
    return forge_urge(db, 12, 13, 1);
}

/* Edits the details of the last event and seals it again, as the program would. */
static int reseal_last(sqlite3 *db)
{
    struct event ev;
    memset(&ev, 0, sizeof(ev));
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(db,
                           "SELECT id, appeal_id, seq, at, actor_id, actor, action, from_state, "
                           "to_state, prev_hash, row_digest FROM events WHERE id = ?",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, L.last);
        if (sqlite3_step(st) == SQLITE_ROW) {
            ev.id = sqlite3_column_int64(st, 0);
            ev.appeal_id = sqlite3_column_int64(st, 1);
            ev.seq = sqlite3_column_int64(st, 2);
            ev.at = sqlite3_column_int64(st, 3);
            ev.actor_id = sqlite3_column_int64(st, 4);
            snprintf(ev.actor, sizeof(ev.actor), "%s", (const char *)sqlite3_column_text(st, 5));
            snprintf(ev.action, sizeof(ev.action), "%s", (const char *)sqlite3_column_text(st, 6));
            ev.from_state = sqlite3_column_int(st, 7);
            ev.to_state = sqlite3_column_int(st, 8);
            snprintf(ev.prev_hash, sizeof(ev.prev_hash), "%s",
                     (const char *)sqlite3_column_text(st, 9));
            snprintf(ev.row_digest, sizeof(ev.row_digest), "%s",
                     (const char *)sqlite3_column_text(st, 10));
            rc = 0;
        }
    }
    sqlite3_finalize(st);
    if (rc < 0)
        return -1;
    ev.details = "{\"reason\":\"已与诉求人沟通，无需重办\"}";
    char prev[65];
    snprintf(prev, sizeof(prev), "%s", ev.prev_hash);
    audit_seal(&ev, prev);
    sqlite3_stmt *up = NULL;
    rc = -1;
    if (sqlite3_prepare_v2(db, "UPDATE events SET details = ?, hash = ? WHERE id = ?", -1, &up,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_text(up, 1, ev.details, -1, SQLITE_STATIC);
        sqlite3_bind_text(up, 2, ev.hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64(up, 3, ev.id);
        rc = sqlite3_step(up) == SQLITE_DONE ? 0 : -1;
    }
    sqlite3_finalize(up);
    return rc;
}

struct tamper_case {
    const char *name;
    char sql[600];
    tamper_fn fn;
    int64_t bad_event;
    const char *bad_appeal; /* "" when the break is an event */
    const char *needles[3];
};

static void run_case(const struct tamper_case *tc)
{
    char path[256], wal[300];
    snprintf(path, sizeof(path), "%s/case.db", dir);
    snprintf(wal, sizeof(wal), "%s-wal", base_path);
    CHECK_INT(access(wal, F_OK) != 0, 1); /* the base was checkpointed on close */
    if (copy_file(base_path, path) < 0) {
        fprintf(stderr, "%s: cannot copy the database\n", tc->name);
        CHECK(0);
        return;
    }
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;", NULL,
                          NULL, NULL);
    if (rc == SQLITE_OK && tc->sql[0])
        rc = sqlite3_exec(db, tc->sql, NULL, NULL, NULL);
    if (rc == SQLITE_OK && tc->fn && tc->fn(db) < 0)
        rc = SQLITE_ERROR;
    if (rc != SQLITE_OK)
        fprintf(stderr, "%s: tampering failed: %s\n", tc->name, sqlite3_errmsg(db));
    CHECK_INT(rc, SQLITE_OK);
    sqlite3_close(db);

    struct service svc;
    struct err e = {0};
    struct audit_result res;
    if (service_open(&svc, path, OPEN_EXISTING, &e) < 0) {
        fprintf(stderr, "%s: cannot open: %s\n", tc->name, e.msg);
        CHECK(0);
    } else {
        rc = svc_audit_verify(&svc, &res, &e);
        CHECK_INT(rc, 0);
        int ok = rc == 0 && res.ok == 0 && res.bad_event == tc->bad_event &&
                 !strcmp(res.bad_appeal, tc->bad_appeal) && res.problem[0] >= 'a' &&
                 res.problem[0] <= 'z' && !strchr(res.problem, '%');
        for (int i = 0; i < 3 && tc->needles[i]; i++)
            ok = ok && strstr(res.problem, tc->needles[i]) != NULL;
        /* The sentence names the event it reports. */
        char num[24];
        snprintf(num, sizeof(num), "%lld", (long long)tc->bad_event);
        if (tc->bad_event)
            ok = ok && strstr(res.problem, num) != NULL;
        if (!ok)
            fprintf(stderr,
                    "%s: ok %d bad_event %lld bad_appeal '%s' problem \"%s\"; want bad_event "
                    "%lld bad_appeal '%s' with '%s' '%s' '%s'\n",
                    tc->name, res.ok, (long long)res.bad_event, res.bad_appeal, res.problem,
                    (long long)tc->bad_event, tc->bad_appeal, tc->needles[0],
                    tc->needles[1] ? tc->needles[1] : "", tc->needles[2] ? tc->needles[2] : "");
        CHECK(ok);
        service_close(&svc);
    }
    unlink(path);
    snprintf(wal, sizeof(wal), "%s-wal", path);
    unlink(wal);
    snprintf(wal, sizeof(wal), "%s-shm", path);
    unlink(wal);
}

static void test_tampering(void)
{
    const int64_t n = L.last;
    const int64_t a_reply = L.ev[A][3], b_accept = L.ev[B][4], a_accept = L.ev[A][2];
    const int64_t x = L.ev[A][1], y = L.ev[B][2]; /* two events far apart */
    const int64_t b2 = L.ev[B][1], b3 = L.ev[B][2];
    static struct tamper_case cases[24];
    int k = 0;

    /* (a) an event's details */
    cases[k] = (struct tamper_case){.name = "edit details", .bad_event = a_reply, .bad_appeal = ""};
    snprintf(cases[k].sql, sizeof(cases[k].sql),
             "UPDATE events SET details = '{\"text\":\"伪造的答复\"}' WHERE id = %lld",
             (long long)a_reply);
    cases[k].needles[0] = "altered";
    k++;
    /* (a2) the last event's details, sealed again: only the chain head can tell */
    cases[k] = (struct tamper_case){.name = "edit and reseal the last event",
                                    .fn = reseal_last,
                                    .bad_event = n,
                                    .bad_appeal = "",
                                    .needles = {"head"}};
    k++;
    /* (b) an event's time */
    cases[k] = (struct tamper_case){
        .name = "edit at", .bad_event = b_accept, .bad_appeal = "", .needles = {"altered"}};
    snprintf(cases[k].sql, sizeof(cases[k].sql),
             "UPDATE events SET at = at - 86400 WHERE id = %lld", (long long)b_accept);
    k++;
    /* (b2) an event's actor */
    cases[k] = (struct tamper_case){
        .name = "edit actor", .bad_event = b_accept, .bad_appeal = "", .needles = {"altered"}};
    snprintf(cases[k].sql, sizeof(cases[k].sql), "UPDATE events SET actor = 'disp' WHERE id = %lld",
             (long long)b_accept);
    k++;
    /* (c) a middle event deleted: the next one no longer follows */
    cases[k] = (struct tamper_case){.name = "delete a middle event",
                                    .bad_event = a_accept + 1,
                                    .bad_appeal = "",
                                    .needles = {"does not follow", "removed"}};
    snprintf(cases[k].sql, sizeof(cases[k].sql), "DELETE FROM events WHERE id = %lld",
             (long long)a_accept);
    k++;
    /* (d) the last event deleted */
    cases[k] = (struct tamper_case){.name = "delete the last event",
                                    .bad_event = n,
                                    .bad_appeal = "",
                                    .needles = {"removed from the end"}};
    snprintf(cases[k].sql, sizeof(cases[k].sql), "DELETE FROM events WHERE id = %lld",
             (long long)n);
    k++;
    /* (d2) ... and the head moved back too: the appeal's row still counts the event */
    cases[k] = (struct tamper_case){.name = "delete the last event and move the head",
                                    .bad_event = 0,
                                    .bad_appeal = L.code[B],
                                    .needles = {"does not match its history", L.code[B]}};
    snprintf(cases[k].sql, sizeof(cases[k].sql),
             "DELETE FROM events WHERE id = %lld; UPDATE chain_head SET last_id = %lld, count = "
             "count - 1, hash = (SELECT hash FROM events WHERE id = %lld)",
             (long long)n, (long long)(n - 1), (long long)(n - 1));
    k++;
    /* (e) two events' ids swapped, far apart and adjacent */
    cases[k] = (struct tamper_case){.name = "swap ids",
                                    .bad_event = x,
                                    .bad_appeal = "",
                                    .needles = {"does not follow", "reordered"}};
    snprintf(cases[k].sql, sizeof(cases[k].sql),
             "UPDATE events SET id = -1 WHERE id = %lld; UPDATE events SET id = %lld WHERE id = "
             "%lld; UPDATE events SET id = %lld WHERE id = -1",
             (long long)x, (long long)x, (long long)y, (long long)y);
    k++;
    cases[k] = (struct tamper_case){.name = "swap adjacent ids",
                                    .bad_event = 11,
                                    .bad_appeal = "",
                                    .needles = {"does not follow"}};
    snprintf(cases[k].sql, sizeof(cases[k].sql),
             "UPDATE events SET id = -1 WHERE id = 11; UPDATE events SET id = 11 WHERE id = 12; "
             "UPDATE events SET id = 12 WHERE id = -1");
    k++;
    /* (f) two events of one appeal swap their seq numbers */
    cases[k] = (struct tamper_case){.name = "swap seq",
                                    .bad_event = b2 < b3 ? b2 : b3,
                                    .bad_appeal = "",
                                    .needles = {"altered"}};
    snprintf(cases[k].sql, sizeof(cases[k].sql),
             "UPDATE events SET seq = -1 WHERE id = %lld; UPDATE events SET seq = 2 WHERE id = "
             "%lld; UPDATE events SET seq = 3 WHERE id = %lld",
             (long long)b2, (long long)b3, (long long)b2);
    k++;
    /* (g) forged events: a naive copy with new details; one sealed properly at the end; the
     * same with the head moved (the appeal's row gives it away); one sealed into the middle
     * (the chain breaks at the event after it, which no longer follows). */
    cases[k] = (struct tamper_case){.name = "insert a naive forgery",
                                    .bad_event = n + 1,
                                    .bad_appeal = "",
                                    .needles = {"does not follow"}};
    snprintf(cases[k].sql, sizeof(cases[k].sql),
             "INSERT INTO events (id, appeal_id, seq, at, actor_id, actor, action, from_state, "
             "to_state, details, prev_hash, hash) SELECT %lld, appeal_id, 99, at, actor_id, "
             "actor, action, from_state, to_state, '{\"text\":\"伪造\"}', prev_hash, hash FROM "
             "events WHERE id = %lld",
             (long long)(n + 1), (long long)a_reply);
    k++;
    cases[k] = (struct tamper_case){.name = "insert a sealed forgery at the end",
                                    .fn = forge_at_end,
                                    .bad_event = n + 1,
                                    .bad_appeal = "",
                                    .needles = {"head"}};
    k++;
    cases[k] = (struct tamper_case){.name = "insert a sealed forgery without a row digest",
                                    .fn = forge_at_end_no_digest,
                                    .bad_event = n + 1,
                                    .bad_appeal = "",
                                    .needles = {"no row digest", "forged"}};
    k++;
    cases[k] = (struct tamper_case){.name = "insert a sealed forgery and move the head",
                                    .fn = forge_at_end_and_head,
                                    .bad_event = 0,
                                    .bad_appeal = L.code[D],
                                    .needles = {"does not match its history", L.code[D]}};
    k++;
    cases[k] = (struct tamper_case){.name = "insert a sealed forgery in the middle",
                                    .fn = forge_in_middle,
                                    .bad_event = 14,
                                    .bad_appeal = "",
                                    .needles = {"event 14 does not follow event 13"}};
    k++;
    /* (h) an appeal's row changed without an event */
    cases[k] =
        (struct tamper_case){.name = "edit an appeal's state",
                             .bad_event = 0,
                             .bad_appeal = L.code[B],
                             .needles = {"does not match its history", "closed", "accepted"}};
    snprintf(cases[k].sql, sizeof(cases[k].sql), "UPDATE appeals SET state = %d WHERE code = '%s'",
             ST_CLOSED, L.code[B]);
    k++;
    cases[k] = (struct tamper_case){.name = "edit an appeal's last_seq",
                                    .bad_event = 0,
                                    .bad_appeal = L.code[C],
                                    .needles = {"does not match its history", L.code[C]}};
    snprintf(cases[k].sql, sizeof(cases[k].sql),
             "UPDATE appeals SET last_seq = last_seq + 1 WHERE code = '%s'", L.code[C]);
    k++;
    cases[k] = (struct tamper_case){.name = "move an appeal's deadline",
                                    .bad_event = 0,
                                    .bad_appeal = L.code[B],
                                    .needles = {"does not match its history", L.code[B]}};
    snprintf(cases[k].sql, sizeof(cases[k].sql),
             "UPDATE appeals SET deadline = deadline + 7 * 86400 WHERE code = '%s'", L.code[B]);
    k++;
    /* (i) an appeal's row deleted: its history is still there, naming its first event */
    cases[k] = (struct tamper_case){.name = "delete an appeal's row",
                                    .bad_event = L.ev[D][0],
                                    .bad_appeal = "",
                                    .needles = {"no row"}};
    snprintf(cases[k].sql, sizeof(cases[k].sql), "DELETE FROM appeals WHERE code = '%s'",
             L.code[D]);
    k++;
    /* (j) a forged appeal row with no history at all */
    cases[k] = (struct tamper_case){.name = "insert an appeal row without events",
                                    .bad_event = 0,
                                    .bad_appeal = "YD202110089999",
                                    .needles = {"YD202110089999", "no events"}};
    snprintf(cases[k].sql, sizeof(cases[k].sql),
             "INSERT INTO appeals (code, title, content, channel_id, kind, state, received_at, "
             "version, last_seq) VALUES ('YD202110089999', 'x', 'x', 1, 1, 0, 0, 0, 0)");
    k++;
    /* (k) the chain head row edited: the chain is whole, the head is wrong */
    cases[k] = (struct tamper_case){
        .name = "edit the head's hash", .bad_event = n, .bad_appeal = "", .needles = {"head"}};
    snprintf(cases[k].sql, sizeof(cases[k].sql), "UPDATE chain_head SET hash = '%s'",
             AUDIT_GENESIS);
    k++;

    CHECK(k <= (int)(sizeof(cases) / sizeof(cases[0])));
    for (int i = 0; i < k; i++)
        run_case(&cases[i]);
}

/* ---- the triggers ---------------------------------------------------------------------- */

static void test_triggers(void)
{
    sqlite3 *db = NULL;
    CHECK_INT(sqlite3_open_v2(base_path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    static const char *const sqls[] = {
        "UPDATE events SET details = '{}' WHERE id = 3",
        "UPDATE events SET id = 100 WHERE id = 18",
        "DELETE FROM events WHERE id = 18",
        "DELETE FROM events",
    };
    for (size_t i = 0; i < sizeof(sqls) / sizeof(sqls[0]); i++) {
        int rc = sqlite3_exec(db, sqls[i], NULL, NULL, NULL);
        CHECK((rc & 0xff) == SQLITE_CONSTRAINT);
        CHECK(strstr(sqlite3_errmsg(db), "append-only") != NULL);
    }
    sqlite3_close(db);

    /* Nothing changed: it still verifies. */
    struct service svc;
    struct err e = {0};
    must(service_open(&svc, base_path, OPEN_EXISTING, &e), &e, "open");
    struct audit_result res;
    CHECK_INT(svc_audit_verify(&svc, &res, &e), 0);
    CHECK_INT(res.ok, 1);
    CHECK_INT(res.events, 18);
    service_close(&svc);
}

static void test_empty(void)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/empty.db", dir);
    struct service svc;
    struct err e = {0};
    must(service_open(&svc, path, OPEN_CREATE, &e), &e, "open");
    struct audit_result res;
    CHECK_INT(svc_audit_verify(&svc, &res, &e), 0);
    CHECK_INT(res.ok, 1);
    CHECK_INT(res.events, 0);
    CHECK_INT(res.appeals, 0);
    service_close(&svc);
}

int main(void)
{
    snprintf(dir, sizeof(dir), "/tmp/shishi-test-audit-XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(base_path, sizeof(base_path), "%s/base.db", dir);

    test_empty();
    build_ledger(base_path);
    test_tampering();
    test_triggers();

    remove_dir();
    CHECK(access(dir, F_OK) != 0);
    return test_done("test_audit");
}
