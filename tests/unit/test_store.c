/* test_store.c -- the SQLite store and the service over it, on real database files in a
 * temporary directory: upgrading an old database, refusing a missing or uninitialised one,
 * nested transactions, fault injection (the N-th write fails: nothing half-written), the
 * optimistic version, errors that name what was not found, duplicates, list filters,
 * appeal codes, and text with SQL and HTML in it stored verbatim.
 *
 * When SHISHI_TEST_DB_URL names an EMPTY PostgreSQL database (as tests/pg/run_test.sh
 * makes), the backend-neutral parts run there instead: the main database is that one, the
 * list test gets a copy of it made (empty) with CREATE DATABASE ... TEMPLATE, and raw SQL
 * checks go through libpq; the upgrade from version 1 runs in another empty copy. The
 * missing/empty/not-a-database file checks are SQLite's alone and are skipped there,
 * saying so. */
#include "store/store.h"

#include <dirent.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/audit.h"
#include "service/service.h"
#include "test.h"
#include "util/civil.h"

#include "util/banned.h"


static char dir[64];
static int pg_mode; /* SHISHI_TEST_DB_URL names a PostgreSQL database */
static char pg_list_url[600];
static char pg_old_url[600]; /* an empty database for the upgrade-from-version-1 test */

static int64_t T(const char *s)
{
    int64_t t = 0;
    if (civil_parse_instant(s, &t) < 0) {
        fprintf(stderr, "test bug: bad instant %s\n", s);
        abort();
    }
    return t;
}

static const char *path_of(const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s/%s", dir, name);
    return out;
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

/* Raw SQL on a database file, outside the program (for checks the store has no call for). */
static int64_t sql_int(const char *path, const char *sql)
{
    if (pg_mode) {
        PGconn *pg = PQconnectdb(path);
        int64_t v = -1;
        if (PQstatus(pg) == CONNECTION_OK) {
            PGresult *r = PQexec(pg, sql);
            if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) >= 1)
                v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
            else
                fprintf(stderr, "%s: %s", sql, PQerrorMessage(pg));
            PQclear(r);
        }
        PQfinish(pg);
        return v;
    }
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int64_t v = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static int sql_exec(const char *path, const char *sql)
{
    if (pg_mode) {
        PGconn *pg = PQconnectdb(path);
        int ok = PQstatus(pg) == CONNECTION_OK;
        if (ok) {
            PGresult *r = PQexec(pg, sql);
            ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
            if (!ok)
                fprintf(stderr, "%s: %s", sql, PQerrorMessage(pg));
            PQclear(r);
        }
        PQfinish(pg);
        return ok ? 0 : -1;
    }
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc == SQLITE_OK ? 0 : -1;
}

/* ---- a small organisation ------------------------------------------------------------- */

struct org {
    struct actor disp, h_zjj, h_cgj, h_jdb, leader, sys;
};

static void setup_org(struct service *svc, struct org *o)
{
    struct err e = {0};
    must(svc_unit_add(svc, &svc_system, "住建局", "zjj", "department", NULL, NULL, &e), &e, "unit");
    must(svc_unit_add(svc, &svc_system, "城管局", "cgj", "department", NULL, NULL, &e), &e, "unit");
    must(svc_unit_add(svc, &svc_system, "永定街道", "jdb", "street", NULL, NULL, &e), &e, "unit");
    must(svc_user_add(svc, &svc_system, "disp", "派单员甲", "dispatcher", NULL, NULL, NULL, NULL, &e), &e,
         "user");
    must(svc_user_add(svc, &svc_system, "h_zjj", "", "handler", "住建局", NULL, NULL, NULL, &e), &e, "user");
    must(svc_user_add(svc, &svc_system, "h_cgj", "", "handler", "城管局", NULL, NULL, NULL, &e), &e, "user");
    must(svc_user_add(svc, &svc_system, "h_jdb", "", "handler", "jdb", NULL, NULL, NULL, &e), &e, "user");
    must(svc_user_add(svc, &svc_system, "boss", "", "leader", NULL, NULL, NULL, NULL, &e), &e, "user");
    must(svc_actor(svc, "disp", &o->disp, &e), &e, "actor");
    must(svc_actor(svc, "h_zjj", &o->h_zjj, &e), &e, "actor");
    must(svc_actor(svc, "h_cgj", &o->h_cgj, &e), &e, "actor");
    must(svc_actor(svc, "h_jdb", &o->h_jdb, &e), &e, "actor");
    must(svc_actor(svc, "boss", &o->leader, &e), &e, "actor");
    must(svc_actor(svc, NULL, &o->sys, &e), &e, "actor");
}

/* Registers an appeal and returns its code in `code`. */
static int reg(struct service *svc, const struct org *o, const char *at, const char *kind,
               const char *channel, const char *area, char code[APPEAL_CODE_LEN], struct err *e)
{
    struct register_req r;
    memset(&r, 0, sizeof(r));
    r.title = "小区路灯不亮";
    r.content = "永定路12号小区门口路灯坏了一个月。";
    r.channel = channel;
    r.kind = kind;
    r.area = area;
    r.citizen_name = "张三丰";
    r.phone = "13812345678";
    r.at = T(at);
    struct appeal a;
    if (svc_register(svc, &o->disp, &r, &a, e) < 0)
        return -1;
    snprintf(code, APPEAL_CODE_LEN, "%s", a.code);
    appeal_release(&a);
    return 0;
}

static struct act_req req_of(int type, const char *code, const char *at)
{
    struct act_req r;
    memset(&r, 0, sizeof(r));
    r.type = type;
    r.code = code;
    r.at = T(at);
    return r;
}

static int act(struct service *svc, const struct actor *who, const struct act_req *r, struct err *e)
{
    struct appeal a;
    int rc = svc_act(svc, who, r, &a, e);
    if (rc == 0)
        appeal_release(&a);
    return rc;
}

static int dispatch(struct service *svc, const struct org *o, const char *code, const char *unit,
                    const char *at, struct err *e)
{
    struct act_req r = req_of(ACT_DISPATCH, code, at);
    r.unit = unit;
    return act(svc, &o->disp, &r, e);
}

/* ---- snapshots: everything a failed use case must leave as it was ---------------------- */

struct snap {
    int found;
    int64_t version, last_seq, deadline, lead, redo_count;
    int state;
    size_t events;
    int64_t all_events, head_id, appeals;
    char head[65];
};

static int count_event(const struct event *ev, void *ctx)
{
    (void)ev;
    (*(int64_t *)ctx)++;
    return 0;
}

static void snap_take(struct service *svc, const char *code, struct snap *s)
{
    struct err e = {0};
    memset(s, 0, sizeof(*s));
    struct appeal a;
    struct event_list hist;
    if (code && svc_show(svc, &svc_system, code, &a, &hist, &e) == 0) {
        s->found = 1;
        s->version = a.version;
        s->last_seq = a.last_seq;
        s->deadline = a.deadline;
        s->lead = a.lead_unit_id;
        s->redo_count = a.redo_count;
        s->state = a.state;
        s->events = hist.n;
        appeal_release(&a);
        event_list_release(&hist);
    }
    CHECK_INT(store_event_scan(svc->st, count_event, &s->all_events, &e), 0);
    CHECK_INT(store_chain_head(svc->st, &s->head_id, s->head, &e), 0);
    struct appeal_filter f;
    memset(&f, 0, sizeof(f));
    struct appeal_list l;
    CHECK_INT(store_appeal_list(svc->st, &f, &l, &e), 0);
    s->appeals = l.total;
    appeal_list_release(&l);
}

static int snap_same(const struct snap *a, const struct snap *b)
{
    return a->found == b->found && a->version == b->version && a->last_seq == b->last_seq &&
           a->deadline == b->deadline && a->lead == b->lead && a->redo_count == b->redo_count &&
           a->state == b->state && a->events == b->events && a->all_events == b->all_events &&
           a->head_id == b->head_id && !strcmp(a->head, b->head) && a->appeals == b->appeals;
}

/* ---- migrations and opening ------------------------------------------------------------- */

static void test_migrations(void)
{
    char path[600];
    if (pg_mode)
        snprintf(path, sizeof(path), "%s", pg_old_url);
    else
        path_of("old.db", path, sizeof(path));
    struct err e = {0};
    store_t *st = NULL;

    /* A database left at schema version 1, with data written by that version. */
    must(store_open(&st, path, &e), &e, "open");
    must(store_migrate_to(st, 1, &e), &e, "migrate to 1");
    int applied = -1, known = -1;
    CHECK_INT(store_schema_version(st, &applied, &known, &e), 0);
    CHECK_INT(applied, 1);
    CHECK(known >= 2);
    char buf[64];
    CHECK_INT(store_setting_get(st, "code_prefix", buf, sizeof(buf), &e), -1); /* no table yet */

    struct unit u;
    memset(&u, 0, sizeof(u));
    snprintf(u.code, sizeof(u.code), "zjj");
    snprintf(u.name, sizeof(u.name), "住建局");
    u.kind = UNIT_DEPARTMENT;
    must(store_unit_add(st, &u, &e), &e, "unit");
    int64_t unit_id = u.id;

    struct calendar cal;
    struct limits lim;
    calendar_init(&cal);
    must(calendar_load_embedded(&cal, &e), &e, "calendar");
    limits_default(&lim, &cal);
    struct appeal draft, a;
    struct event ev;
    appeal_init(&draft);
    draft.title = "旧库里的诉求";
    draft.content = "升级前登记";
    draft.kind = KIND_HELP;
    draft.channel_id = 2;
    struct action reg_act;
    memset(&reg_act, 0, sizeof(reg_act));
    reg_act.type = ACT_REGISTER;
    reg_act.at = T("2021-10-08T09:00:00+08:00");
    reg_act.actor.role = ROLE_SYSTEM;
    must(appeal_apply(&draft, &reg_act, &lim, &a, &ev, &e), &e, "apply");
    snprintf(a.code, sizeof(a.code), "SS202110080001");
    store_close(st);
    /* The row as version 1 wrote it: only the columns of 0001 (the store itself speaks the
     * newest schema). */
    char *ins = sqlite3_mprintf(
        "INSERT INTO appeals (code, title, content, channel_id, kind, urgency, state, "
        "received_at, version, last_seq) VALUES (%Q, %Q, %Q, %lld, %d, %d, %d, %lld, %lld, %lld)",
        a.code, a.title, a.content, (long long)a.channel_id, a.kind, a.urgency, a.state,
        (long long)a.received_at, (long long)a.version, (long long)a.last_seq);
    CHECK_INT(sql_exec(path, ins), 0);
    sqlite3_free(ins);
    a.id = sql_int(path, "SELECT id FROM appeals WHERE code = 'SS202110080001'");
    CHECK(a.id > 0);
    /* Its event as that version wrote it: the columns of 0001, sealed without a row
     * digest (store_event_append speaks the newest schema). */
    ev.appeal_id = a.id;
    ev.id = 1;
    audit_seal(&ev, AUDIT_GENESIS);
    char *sql = sqlite3_mprintf(
        "INSERT INTO events (id, appeal_id, seq, at, actor_id, actor, action, from_state, "
        "to_state, details, prev_hash, hash) VALUES (%lld, %lld, %lld, %lld, %lld, %Q, %Q, %d, "
        "%d, %Q, %Q, %Q); UPDATE chain_head SET last_id = 1, hash = %Q, count = 1",
        (long long)ev.id, (long long)ev.appeal_id, (long long)ev.seq, (long long)ev.at,
        (long long)ev.actor_id, ev.actor, ev.action, ev.from_state, ev.to_state, ev.details,
        ev.prev_hash, ev.hash, ev.hash);
    CHECK_INT(sql_exec(path, sql), 0);
    sqlite3_free(sql);
    event_release(&ev);
    appeal_release(&a);
    calendar_release(&cal);

    /* Opening it with the service applies the rest, keeping the data. */
    struct service svc;
    int rc = service_open(&svc, path, OPEN_EXISTING, &e);
    if (rc < 0)
        fprintf(stderr, "reopen: %s\n", e.msg);
    CHECK_INT(rc, 0);
    if (rc < 0)
        return;
    CHECK_INT(store_schema_version(svc.st, &applied, &known, &e), 0);
    CHECK_INT(applied, known);
    CHECK(applied >= 2);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM schema_migrations"), known);
    CHECK_INT(sql_int(path, pg_mode ? "SELECT count(*) FROM information_schema.tables WHERE "
                                      "table_name = 'settings'"
                                    : "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                      "AND name = 'settings'"),
              1);
    CHECK_INT(sql_int(path, pg_mode ? "SELECT count(*) FROM pg_indexes WHERE "
                                      "indexname = 'events_appeal'"
                                    : "SELECT count(*) FROM sqlite_master WHERE type = 'index' "
                                      "AND name = 'events_appeal'"),
              1);
    CHECK_INT(store_setting_get(svc.st, "code_prefix", buf, sizeof(buf), &e), 0);
    CHECK_STR(buf, "YD");
    CHECK_INT(store_setting_get(svc.st, "site_name", buf, sizeof(buf), &e), 0);
    CHECK_STR(buf, "永定区");
    struct unit u2;
    CHECK_INT(store_unit_find(svc.st, "住建局", &u2, &e), 0);
    CHECK_INT(u2.id, unit_id);
    CHECK_STR(u2.code, "zjj");
    struct event_list hist;
    CHECK_INT(svc_show(&svc, &svc_system, "SS202110080001", &a, &hist, &e), 0);
    CHECK_STR(a.title, "旧库里的诉求");
    CHECK_STR(a.content, "升级前登记");
    CHECK_INT(a.state, ST_RECEIVED);
    CHECK_INT(a.version, 1);
    CHECK_INT(hist.n, 1);
    CHECK_INT(a.updated_at, T("2021-10-08T09:00:00+08:00")); /* 0004 took it from the events */
    appeal_release(&a);
    event_list_release(&hist);
    struct audit_result res;
    CHECK_INT(svc_audit_verify(&svc, &svc_system, &res, &e), 0);
    CHECK_INT(res.ok, 1);
    CHECK_INT(res.events, 1);
    CHECK_INT(res.appeals, 1);
    /* New appeals get the prefix the upgrade brought. */
    struct org o;
    memset(&o, 0, sizeof(o));
    CHECK_INT(svc_actor(&svc, NULL, &o.disp, &e), 0);
    char code[APPEAL_CODE_LEN];
    CHECK_INT(reg(&svc, &o, "2021-10-08T10:00:00+08:00", "求助", "hotline", NULL, code, &e), 0);
    CHECK_STR(code, "YD202110080001");
    service_close(&svc);

    /* Opening again changes nothing. */
    CHECK_INT(service_open(&svc, path, OPEN_EXISTING, &e), 0);
    CHECK_INT(store_schema_version(svc.st, &applied, &known, &e), 0);
    CHECK_INT(applied, known);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM schema_migrations"), known);
    CHECK_INT(sql_int(path, "SELECT count(*) FROM appeals"), 2);
    service_close(&svc);

    /* A database from a newer program is refused, not touched. */
    CHECK_INT(sql_exec(path, "INSERT INTO schema_migrations (version, name) VALUES "
                             "(999, '0999_future.sql')"),
              0);
    memset(&e, 0, sizeof(e));
    CHECK_INT(service_open(&svc, path, OPEN_EXISTING, &e), -1);
    CHECK(strstr(e.msg, "999") && strstr(e.msg, "newer"));
    CHECK(svc.st == NULL);
    service_close(&svc); /* harmless after a failed open */
}

static void test_open_existing(void)
{
    char path[256];
    struct service svc;
    struct err e = {0};

    /* Missing: refused, and not created by the attempt. */
    path_of("missing.db", path, sizeof(path));
    CHECK_INT(service_open(&svc, path, OPEN_EXISTING, &e), -1);
    CHECK_INT(e.code, ERR_NOT_FOUND);
    CHECK(strstr(e.msg, path) && strstr(e.msg, "does not exist") && strstr(e.msg, "init"));
    CHECK(access(path, F_OK) != 0);

    /* An empty file: never initialised. */
    path_of("empty.db", path, sizeof(path));
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f)
        fclose(f);
    memset(&e, 0, sizeof(e));
    CHECK_INT(service_open(&svc, path, OPEN_EXISTING, &e), -1);
    CHECK_INT(e.code, ERR_NOT_FOUND);
    CHECK(strstr(e.msg, path) && strstr(e.msg, "not initialised"));
    /* ... and it was not initialised behind our back. */
    CHECK_INT(sql_int(path, "SELECT count(*) FROM sqlite_master"), 0);

    /* Not a database at all. */
    path_of("text.db", path, sizeof(path));
    f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        for (int i = 0; i < 200; i++)
            fputs("this is not a database file\n", f);
        fclose(f);
    }
    memset(&e, 0, sizeof(e));
    CHECK_INT(service_open(&svc, path, OPEN_EXISTING, &e), -1);
    CHECK(strstr(e.msg, path) && strstr(e.msg, "not a database"));
    memset(&e, 0, sizeof(e));
    CHECK_INT(service_open(&svc, path, OPEN_CREATE, &e), -1);
    CHECK(strstr(e.msg, "not a database"));

    /* OPEN_CREATE makes a new one at the newest schema. */
    path_of("missing.db", path, sizeof(path));
    CHECK_INT(service_open(&svc, path, OPEN_CREATE, &e), 0);
    int applied = 0, known = -1;
    CHECK_INT(store_schema_version(svc.st, &applied, &known, &e), 0);
    CHECK_INT(applied, known);
    service_close(&svc);
    CHECK_INT(service_open(&svc, path, OPEN_EXISTING, &e), 0);
    service_close(&svc);
}

/* ---- transactions ------------------------------------------------------------------------ */

static int unit_add(store_t *st, const char *name)
{
    struct unit u;
    struct err e = {0};
    memset(&u, 0, sizeof(u));
    snprintf(u.name, sizeof(u.name), "%s", name);
    static int serial;
    snprintf(u.code, sizeof(u.code), "tx%d", ++serial);
    u.kind = UNIT_DEPARTMENT;
    return store_unit_add(st, &u, &e);
}

static int has_unit(store_t *st, const char *name)
{
    struct unit u;
    struct err e = {0};
    return store_unit_find(st, name, &u, &e) == 0;
}

static void test_transactions(struct service *svc)
{
    store_t *st = svc->st;
    struct err e = {0};

    /* inner rollback, outer commit: only the outer write stays */
    CHECK_INT(store_begin(st, &e), 0);
    CHECK_INT(unit_add(st, "tx-a1"), 0);
    CHECK_INT(store_begin(st, &e), 0);
    CHECK_INT(unit_add(st, "tx-b1"), 0);
    CHECK(has_unit(st, "tx-b1"));
    store_rollback(st);
    CHECK(!has_unit(st, "tx-b1"));
    CHECK(has_unit(st, "tx-a1"));
    CHECK_INT(store_commit(st, &e), 0);
    CHECK(has_unit(st, "tx-a1"));
    CHECK(!has_unit(st, "tx-b1"));

    /* inner commit, outer rollback: nothing stays */
    CHECK_INT(store_begin(st, &e), 0);
    CHECK_INT(unit_add(st, "tx-a2"), 0);
    CHECK_INT(store_begin(st, &e), 0);
    CHECK_INT(unit_add(st, "tx-b2"), 0);
    CHECK_INT(store_commit(st, &e), 0);
    store_rollback(st);
    CHECK(!has_unit(st, "tx-a2"));
    CHECK(!has_unit(st, "tx-b2"));

    /* three levels: the middle commits, the innermost rolls back, the outer commits */
    CHECK_INT(store_begin(st, &e), 0);
    CHECK_INT(unit_add(st, "tx-a3"), 0);
    CHECK_INT(store_begin(st, &e), 0);
    CHECK_INT(unit_add(st, "tx-b3"), 0);
    CHECK_INT(store_begin(st, &e), 0);
    CHECK_INT(unit_add(st, "tx-c3"), 0);
    store_rollback(st);
    CHECK_INT(unit_add(st, "tx-d3"), 0);
    CHECK_INT(store_commit(st, &e), 0);
    CHECK_INT(store_commit(st, &e), 0);
    CHECK(has_unit(st, "tx-a3"));
    CHECK(has_unit(st, "tx-b3"));
    CHECK(!has_unit(st, "tx-c3"));
    CHECK(has_unit(st, "tx-d3"));

    /* two savepoints in a row at the same depth: rolling back the second keeps the first */
    CHECK_INT(store_begin(st, &e), 0);
    CHECK_INT(store_begin(st, &e), 0);
    CHECK_INT(unit_add(st, "tx-a4"), 0);
    CHECK_INT(store_commit(st, &e), 0);
    CHECK_INT(store_begin(st, &e), 0);
    CHECK_INT(unit_add(st, "tx-b4"), 0);
    store_rollback(st);
    CHECK_INT(store_commit(st, &e), 0);
    CHECK(has_unit(st, "tx-a4"));
    CHECK(!has_unit(st, "tx-b4"));

    /* A use case inside a caller's transaction is all-or-nothing with it. */
    CHECK_INT(store_begin(st, &e), 0);
    CHECK_INT(svc_unit_add(svc, &svc_system, "tx-svc", "txsvc", "department", NULL, NULL, &e), 0);
    CHECK(has_unit(st, "tx-svc"));
    /* ... and a failing one inside it undoes only itself. */
    CHECK_INT(svc_unit_add(svc, &svc_system, "tx-svc", "txsvc2", "department", NULL, NULL, &e), -1);
    CHECK_INT(e.code, ERR_CONFLICT);
    CHECK(has_unit(st, "tx-svc"));
    store_rollback(st);
    CHECK(!has_unit(st, "tx-svc"));

    /* Unbalanced calls are refused or harmless. */
    CHECK_INT(store_commit(st, &e), -1);
    CHECK_INT(e.code, ERR_DB);
    store_rollback(st);
    CHECK_INT(unit_add(st, "tx-after"), 0); /* autocommit still works */
    CHECK(has_unit(st, "tx-after"));

    /* A write that fails inside a transaction leaves it usable. */
    CHECK_INT(store_begin(st, &e), 0);
    CHECK_INT(unit_add(st, "tx-dup"), 0);
    CHECK_INT(unit_add(st, "tx-dup"), -1);
    CHECK_INT(unit_add(st, "tx-dup2"), 0);
    CHECK_INT(store_commit(st, &e), 0);
    CHECK(has_unit(st, "tx-dup") && has_unit(st, "tx-dup2"));
}

/* ---- fault injection ---------------------------------------------------------------------- */

static void test_faults(struct service *svc, const struct org *o)
{
    struct err e = {0};
    char code[APPEAL_CODE_LEN];
    struct snap before, after;

    /* Registration: counter, row, event. On failure no appeal, no event, and the day's
     * counter is not used up: the next success still gets number 0001. */
    int first_ok = 0, bad_order = 0;
    for (int n = 1; n <= 8 && !first_ok; n++) {
        snap_take(svc, NULL, &before);
        store_fail_after(svc->st, n);
        memset(&e, 0, sizeof(e));
        int rc = reg(svc, o, "2021-11-01T09:00:00+08:00", "投诉", "hotline", NULL, code, &e);
        store_fail_after(svc->st, 0);
        if (rc == 0) {
            first_ok = n;
            CHECK_STR(code, "YD202111010001");
            break;
        }
        CHECK_INT(e.code, ERR_DB);
        CHECK(strstr(e.msg, "injected") != NULL);
        snap_take(svc, NULL, &after);
        CHECK(snap_same(&before, &after));
    }
    if (first_ok < 4)
        fprintf(stderr, "register succeeded with write %d failing\n", first_ok);
    CHECK(first_ok >= 4); /* three writes at least, each made to fail once */

    /* Dispatch: the row and its event. */
    first_ok = 0;
    for (int n = 1; n <= 8; n++) {
        struct err e2 = {0};
        must(reg(svc, o, "2021-11-02T09:00:00+08:00", "投诉", "hotline", NULL, code, &e2), &e2,
             "register");
        snap_take(svc, code, &before);
        store_fail_after(svc->st, n);
        memset(&e, 0, sizeof(e));
        int rc = dispatch(svc, o, code, "住建局", "2021-11-02T10:00:00+08:00", &e);
        store_fail_after(svc->st, 0);
        snap_take(svc, code, &after);
        if (rc < 0) {
            if (first_ok)
                bad_order++;
            CHECK_INT(e.code, ERR_DB);
            CHECK(strstr(e.msg, "injected") != NULL);
            if (!snap_same(&before, &after))
                fprintf(stderr, "dispatch with write %d failing left something behind\n", n);
            CHECK(snap_same(&before, &after));
            /* With the hook off it goes through. */
            CHECK_INT(dispatch(svc, o, code, "住建局", "2021-11-02T10:00:00+08:00", &e), 0);
            snap_take(svc, code, &after);
        } else if (!first_ok) {
            first_ok = n;
        }
        CHECK_INT(after.state, ST_DISPATCHED);
        CHECK_INT(after.version, before.version + 1);
        CHECK_INT(after.events, before.events + 1);
        CHECK_INT(after.all_events, before.all_events + 1);
        CHECK_INT(after.head_id, before.head_id + 1);
    }
    CHECK_INT(bad_order, 0);
    CHECK(first_ok >= 3); /* the row and the event each made to fail */

    /* A visit that finds the appeal unsolved: the visit and the automatic redo, two rows
     * and two events, all or nothing. */
    first_ok = 0;
    bad_order = 0;
    for (int n = 1; n <= 8; n++) {
        struct err e2 = {0};
        must(reg(svc, o, "2021-11-03T09:00:00+08:00", "投诉", "hotline", NULL, code, &e2), &e2,
             "register");
        must(dispatch(svc, o, code, "住建局", "2021-11-03T10:00:00+08:00", &e2), &e2, "dispatch");
        struct act_req r = req_of(ACT_ACCEPT, code, "2021-11-03T11:00:00+08:00");
        must(act(svc, &o->h_zjj, &r, &e2), &e2, "accept");
        r = req_of(ACT_REPLY, code, "2021-11-04T11:00:00+08:00");
        r.text = "已修复";
        must(act(svc, &o->h_zjj, &r, &e2), &e2, "reply");
        snap_take(svc, code, &before);
        CHECK_INT(before.state, ST_REPLIED);
        r = req_of(ACT_VISIT, code, "2021-11-05T11:00:00+08:00");
        r.solved = "no";
        r.satisfaction = "不满意";
        store_fail_after(svc->st, n);
        memset(&e, 0, sizeof(e));
        int rc = act(svc, &o->disp, &r, &e);
        store_fail_after(svc->st, 0);
        snap_take(svc, code, &after);
        if (rc < 0) {
            if (first_ok)
                bad_order++;
            CHECK_INT(e.code, ERR_DB);
            CHECK(strstr(e.msg, "injected") != NULL);
            if (!snap_same(&before, &after))
                fprintf(stderr, "visit with write %d failing left something behind\n", n);
            CHECK(snap_same(&before, &after));
            CHECK_INT(act(svc, &o->disp, &r, &e), 0);
            snap_take(svc, code, &after);
        } else if (!first_ok) {
            first_ok = n;
        }
        CHECK_INT(after.state, ST_ACCEPTED);
        CHECK_INT(after.redo_count, 1);
        CHECK_INT(after.version, before.version + 2);
        CHECK_INT(after.events, before.events + 2);
        CHECK_INT(after.head_id, before.head_id + 2);
        CHECK(after.deadline > before.deadline);
    }
    CHECK_INT(bad_order, 0);
    CHECK(first_ok >= 5); /* two rows and two events, each made to fail */

    /* After all that the chain is whole. */
    struct audit_result res;
    CHECK_INT(svc_audit_verify(svc, &svc_system, &res, &e), 0);
    if (!res.ok)
        fprintf(stderr, "audit after faults: %s\n", res.problem);
    CHECK_INT(res.ok, 1);
}

/* ---- optimistic version --------------------------------------------------------------- */

static void test_versions(struct service *svc, const struct org *o, const char *path)
{
    struct err e = {0};
    char code[APPEAL_CODE_LEN];
    must(reg(svc, o, "2021-11-08T09:00:00+08:00", "咨询", "hotline", NULL, code, &e), &e, "reg");

    /* The store: a stale expected version writes nothing. */
    struct appeal a;
    CHECK_INT(store_appeal_by_code(svc->st, code, &a, &e), 0);
    CHECK_INT(a.version, 1);
    a.urge_count = 99;
    a.version = 2;
    memset(&e, 0, sizeof(e));
    CHECK_INT(store_appeal_update(svc->st, &a, 0, &e), -1);
    CHECK_INT(e.code, ERR_CONFLICT);
    CHECK_STR(e.field, "version");
    CHECK(strstr(e.msg, code) != NULL);
    CHECK_INT(store_appeal_update(svc->st, &a, 7, &e), -1);
    CHECK_INT(e.code, ERR_CONFLICT);
    struct appeal b;
    CHECK_INT(store_appeal_by_code(svc->st, code, &b, &e), 0);
    CHECK_INT(b.urge_count, 0);
    CHECK_INT(b.version, 1);
    appeal_release(&b);
    appeal_release(&a);

    /* The service: act_req.expected_version. */
    struct snap before, after;
    snap_take(svc, code, &before);
    struct act_req r = req_of(ACT_URGE, code, "2021-11-08T10:00:00+08:00");
    r.expected_version = 5;
    memset(&e, 0, sizeof(e));
    CHECK_INT(act(svc, &o->leader, &r, &e), -1);
    CHECK_INT(e.code, ERR_CONFLICT);
    CHECK_STR(e.field, "version");
    CHECK(strstr(e.msg, code) && strstr(e.msg, "version 1") && strstr(e.msg, "5"));
    snap_take(svc, code, &after);
    CHECK(snap_same(&before, &after));
    r.expected_version = 1;
    CHECK_INT(act(svc, &o->leader, &r, &e), 0);

    /* Two servers on one database: both read version 2, the second to write loses. */
    struct service svc2;
    must(service_open(&svc2, path, OPEN_EXISTING, &e), &e, "second service");
    struct act_req r1 = req_of(ACT_DISPATCH, code, "2021-11-08T11:00:00+08:00");
    r1.unit = "住建局";
    r1.expected_version = 2;
    struct act_req r2 = r1;
    r2.unit = "城管局";
    CHECK_INT(act(svc, &o->disp, &r1, &e), 0);
    snap_take(svc, code, &before);
    memset(&e, 0, sizeof(e));
    CHECK_INT(act(&svc2, &o->disp, &r2, &e), -1);
    CHECK_INT(e.code, ERR_CONFLICT);
    snap_take(svc, code, &after);
    CHECK(snap_same(&before, &after));
    struct unit zjj;
    CHECK_INT(store_unit_find(svc->st, "住建局", &zjj, &e), 0);
    CHECK_INT(after.lead, zjj.id);
    service_close(&svc2);
}

/* ---- not found, duplicates --------------------------------------------------------------- */

static void expect_err(int rc, const struct err *e, int code, const char *needle)
{
    CHECK_INT(rc, -1);
    CHECK_INT(e->code, code);
    if (!strstr(e->msg, needle))
        fprintf(stderr, "message \"%s\" lacks \"%s\"\n", e->msg, needle);
    CHECK(strstr(e->msg, needle) != NULL);
}

static void test_not_found(struct service *svc, const struct org *o)
{
    struct err e = {0};
    char code[APPEAL_CODE_LEN];
    must(reg(svc, o, "2021-11-09T09:00:00+08:00", "投诉", "hotline", NULL, code, &e), &e, "reg");
    struct snap before, after;
    snap_take(svc, code, &before);

    expect_err(dispatch(svc, o, code, "不存在局", "2021-11-09T10:00:00+08:00", &e), &e,
               ERR_NOT_FOUND, "unknown unit '不存在局'");
    CHECK_STR(e.field, "unit");
    struct act_req r = req_of(ACT_DISPATCH, code, "2021-11-09T10:00:00+08:00");
    r.unit = "住建局";
    r.assist[0] = "城管局";
    r.assist[1] = "不存在局";
    r.n_assist = 2;
    expect_err(act(svc, &o->disp, &r, &e), &e, ERR_NOT_FOUND, "unknown unit '不存在局'");
    r = req_of(ACT_URGE, "YD209901010001", "2021-11-09T10:00:00+08:00");
    expect_err(act(svc, &o->disp, &r, &e), &e, ERR_NOT_FOUND, "unknown appeal 'YD209901010001'");
    CHECK_STR(e.field, "appeal");
    r = req_of(ACT_MERGE, code, "2021-11-09T10:00:00+08:00");
    r.into = "YD209901010009";
    expect_err(act(svc, &o->disp, &r, &e), &e, ERR_NOT_FOUND, "unknown appeal 'YD209901010009'");
    r.into = NULL;
    expect_err(act(svc, &o->disp, &r, &e), &e, ERR_INVALID, "merge needs");
    r = req_of(ACT_URGE, NULL, "2021-11-09T10:00:00+08:00");
    expect_err(act(svc, &o->disp, &r, &e), &e, ERR_INVALID, "code is required");
    r = req_of(ACT_VISIT, code, "2021-11-09T10:00:00+08:00");
    r.solved = "maybe";
    expect_err(act(svc, &o->disp, &r, &e), &e, ERR_INVALID, "'maybe'");
    char dummy[APPEAL_CODE_LEN];
    expect_err(reg(svc, o, "2021-11-09T09:00:00+08:00", "投诉", "不存在渠道", NULL, dummy, &e), &e,
               ERR_NOT_FOUND, "unknown channel '不存在渠道'");
    expect_err(reg(svc, o, "2021-11-09T09:00:00+08:00", "投诉", "hotline", "不存在领域", dummy, &e),
               &e, ERR_NOT_FOUND, "unknown area '不存在领域'");
    expect_err(reg(svc, o, "2021-11-09T09:00:00+08:00", "抱怨", "hotline", NULL, dummy, &e), &e,
               ERR_INVALID, "unknown appeal kind '抱怨'");
    snap_take(svc, code, &after);
    CHECK(snap_same(&before, &after));

    struct actor who;
    expect_err(svc_actor(svc, "nobody", &who, &e), &e, ERR_NOT_FOUND, "unknown user 'nobody'");
    expect_err(svc_unit_add(svc, &svc_system, "新单位", "xdw", "village", "不存在镇", NULL, &e), &e,
               ERR_NOT_FOUND, "unknown unit '不存在镇'");
    expect_err(svc_user_add(svc, &svc_system, "h_x", "", "handler", "不存在局", NULL, NULL, NULL, &e), &e,
               ERR_NOT_FOUND, "unknown unit '不存在局'");
    struct appeal a;
    expect_err(store_appeal_get(svc->st, 987654, &a, &e), &e, ERR_NOT_FOUND, "987654");
    expect_err(svc_show(svc, &svc_system, "YD209901010001", &a, NULL, &e), &e, ERR_NOT_FOUND,
               "unknown appeal 'YD209901010001'");
    struct appeal_list l;
    struct list_req lr;
    memset(&lr, 0, sizeof(lr));
    lr.unit = "不存在局";
    expect_err(svc_list(svc, &svc_system, &lr, &l, &e), &e, ERR_NOT_FOUND, "unknown unit '不存在局'");
    memset(&lr, 0, sizeof(lr));
    lr.area = "不存在领域";
    expect_err(svc_list(svc, &svc_system, &lr, &l, &e), &e, ERR_NOT_FOUND, "unknown area '不存在领域'");
    memset(&lr, 0, sizeof(lr));
    lr.channel = "不存在渠道";
    expect_err(svc_list(svc, &svc_system, &lr, &l, &e), &e, ERR_NOT_FOUND, "unknown channel '不存在渠道'");
    char buf[16];
    expect_err(store_setting_get(svc->st, "no_such_key", buf, sizeof(buf), &e), &e, ERR_NOT_FOUND,
               "no_such_key");

    /* Disabled channels and units are refused by name. */
    CHECK_INT(svc_ref_add(svc, &svc_system, REF_CHANNEL, "旧渠道", "old", 9, NULL, &e), 0);
    CHECK_INT(svc_ref_set_active(svc, &svc_system, REF_CHANNEL, "旧渠道", 0, &e), 0);
    expect_err(reg(svc, o, "2021-11-09T09:00:00+08:00", "投诉", "old", NULL, dummy, &e), &e,
               ERR_INVALID, "disabled");
}

static void test_duplicates(struct service *svc)
{
    struct err e = {0};
    struct unit *list = NULL;
    size_t n0 = 0, n1 = 0;
    CHECK_INT(store_unit_list(svc->st, &list, &n0, &e), 0);
    free(list);

    expect_err(svc_unit_add(svc, &svc_system, "住建局", "zjj2", "department", NULL, NULL, &e), &e, ERR_CONFLICT,
               "住建局");
    CHECK_STR(e.field, "name");
    expect_err(svc_unit_add(svc, &svc_system, "住建局二", "zjj", "department", NULL, NULL, &e), &e, ERR_CONFLICT,
               "zjj");
    /* Without a code one is made up; still the name clashes. */
    expect_err(svc_unit_add(svc, &svc_system, "城管局", NULL, "department", NULL, NULL, &e), &e, ERR_CONFLICT,
               "城管局");
    expect_err(svc_user_add(svc, &svc_system, "disp", "", "dispatcher", NULL, NULL, NULL, NULL, &e), &e,
               ERR_CONFLICT, "'disp'");
    expect_err(svc_ref_add(svc, &svc_system, REF_CHANNEL, "12345热线", "hotline2", 1, NULL, &e), &e,
               ERR_CONFLICT, "12345热线");
    expect_err(svc_ref_add(svc, &svc_system, REF_AREA, "宜居2", "living", 1, NULL, &e), &e, ERR_CONFLICT,
               "living");
    CHECK_INT(store_unit_list(svc->st, &list, &n1, &e), 0);
    free(list);
    CHECK_INT(n1, n0);
}

/* ---- lists ------------------------------------------------------------------------------ */

static int list_is(struct service *svc, const struct list_req *lr, char codes[][APPEAL_CODE_LEN],
                   const int *want, int nwant, int64_t total)
{
    struct appeal_list l;
    struct err e = {0};
    int ok = svc_list(svc, &svc_system, lr, &l, &e) == 0;
    if (!ok) {
        fprintf(stderr, "list failed: %s\n", e.msg);
        return 0;
    }
    ok = (int)l.n == nwant && l.total == total;
    for (int i = 0; ok && i < nwant; i++)
        ok = !strcmp(l.items[i].code, codes[want[i]]);
    if (!ok) {
        fprintf(stderr, "list: got %zu (total %lld):", l.n, (long long)l.total);
        for (size_t i = 0; i < l.n; i++)
            fprintf(stderr, " %s", l.items[i].code);
        fprintf(stderr, "; want %d (total %lld):", nwant, (long long)total);
        for (int i = 0; i < nwant; i++)
            fprintf(stderr, " %s", codes[want[i]]);
        fprintf(stderr, "\n");
    }
    appeal_list_release(&l);
    return ok;
}

static void test_lists(void)
{
    char path[600];
    if (pg_mode)
        snprintf(path, sizeof(path), "%s", pg_list_url);
    else
        path_of("list.db", path, sizeof(path));
    struct service svc;
    struct err e = {0};
    must(service_open(&svc, path, OPEN_CREATE, &e), &e, "open list.db");
    struct org o;
    setup_org(&svc, &o);

    /* L0: received only. L1: dispatched to 住建局 with 城管局 assisting, deadline 10-19.
     * L2: 城管局, 1 hour limit, replied late. L3: 住建局, 2 hours, accepted, overdue; its
     * site date is 10-12 though in UTC it was still 10-11. L4: rejected. L5: 永定街道,
     * replied in time. */
    char c[6][APPEAL_CODE_LEN];
    must(reg(&svc, &o, "2021-10-08T09:00:00+08:00", "咨询", "hotline", "就医", c[0], &e), &e, "L0");
    must(reg(&svc, &o, "2021-10-09T09:00:00+08:00", "投诉", "微信群", "宜居", c[1], &e), &e, "L1");
    must(reg(&svc, &o, "2021-10-11T09:00:00+08:00", "求助", "hotline", "宜居", c[2], &e), &e, "L2");
    must(reg(&svc, &o, "2021-10-12T07:00:00+08:00", "投诉", "visit", "就业", c[3], &e), &e, "L3");
    must(reg(&svc, &o, "2021-10-13T09:00:00+08:00", "建议", "hotline", NULL, c[4], &e), &e, "L4");
    must(reg(&svc, &o, "2021-10-14T09:00:00+08:00", "咨询", "微信群", "就医", c[5], &e), &e, "L5");

    struct act_req r = req_of(ACT_DISPATCH, c[1], "2021-10-09T10:00:00+08:00");
    r.unit = "住建局";
    r.assist[0] = "城管局";
    r.n_assist = 1;
    must(act(&svc, &o.disp, &r, &e), &e, "L1 dispatch");
    r = req_of(ACT_DISPATCH, c[2], "2021-10-11T10:00:00+08:00");
    r.unit = "城管局";
    r.limit_amount = 1;
    r.limit_unit = LIMIT_HOURS;
    must(act(&svc, &o.disp, &r, &e), &e, "L2 dispatch");
    r = req_of(ACT_ACCEPT, c[2], "2021-10-11T10:30:00+08:00");
    must(act(&svc, &o.h_cgj, &r, &e), &e, "L2 accept");
    r = req_of(ACT_REPLY, c[2], "2021-10-11T12:00:00+08:00");
    r.text = "已处理";
    must(act(&svc, &o.h_cgj, &r, &e), &e, "L2 reply");
    r = req_of(ACT_DISPATCH, c[3], "2021-10-12T10:00:00+08:00");
    r.unit = "住建局";
    r.limit_amount = 2;
    r.limit_unit = LIMIT_HOURS;
    must(act(&svc, &o.disp, &r, &e), &e, "L3 dispatch");
    r = req_of(ACT_ACCEPT, c[3], "2021-10-12T10:30:00+08:00");
    must(act(&svc, &o.h_zjj, &r, &e), &e, "L3 accept");
    r = req_of(ACT_REJECT, c[4], "2021-10-13T10:00:00+08:00");
    r.reason = "重复诉求";
    must(act(&svc, &o.disp, &r, &e), &e, "L4 reject");
    r = req_of(ACT_DISPATCH, c[5], "2021-10-14T10:00:00+08:00");
    r.unit = "永定街道";
    must(act(&svc, &o.disp, &r, &e), &e, "L5 dispatch");
    r = req_of(ACT_ACCEPT, c[5], "2021-10-14T11:00:00+08:00");
    must(act(&svc, &o.h_jdb, &r, &e), &e, "L5 accept");
    r = req_of(ACT_REPLY, c[5], "2021-10-14T15:00:00+08:00");
    r.text = "已答复";
    must(act(&svc, &o.h_jdb, &r, &e), &e, "L5 reply");

    /* Codes: prefix, site date, 4-digit counter. */
    CHECK_STR(c[0], "YD202110080001");
    CHECK_STR(c[3], "YD202110120001");

    struct {
        const char *state, *unit, *area, *channel, *from, *to, *sort;
        int overdue;
        const char *now;
        int limit, offset;
        int want[7];
        int nwant;
        int64_t total;
    } rows[] = {
        {.want = {0, 1, 2, 3, 4, 5}, .nwant = 6, .total = 6},
        {.state = "dispatched", .want = {1}, .nwant = 1, .total = 1},
        {.state = "已受理", .want = {0}, .nwant = 1, .total = 1},
        {.state = "accepted", .want = {3}, .nwant = 1, .total = 1},
        {.state = "replied", .want = {2, 5}, .nwant = 2, .total = 2},
        {.state = "rejected", .want = {4}, .nwant = 1, .total = 1},
        {.state = "closed", .nwant = 0, .total = 0},
        /* a unit's appeals include those it assists on */
        {.unit = "住建局", .want = {1, 3}, .nwant = 2, .total = 2},
        {.unit = "城管局", .want = {1, 2}, .nwant = 2, .total = 2},
        {.unit = "jdb", .want = {5}, .nwant = 1, .total = 1},
        {.area = "宜居", .want = {1, 2}, .nwant = 2, .total = 2},
        {.area = "medical", .want = {0, 5}, .nwant = 2, .total = 2},
        {.channel = "hotline", .want = {0, 2, 4}, .nwant = 3, .total = 3},
        {.channel = "微信群", .want = {1, 5}, .nwant = 2, .total = 2},
        /* overdue: still open past the deadline, or replied after it */
        {.overdue = 1,
         .now = "2021-10-20T00:00:00+08:00",
         .want = {1, 2, 3},
         .nwant = 3,
         .total = 3},
        {.overdue = 1, .now = "2021-10-19T23:59:59+08:00", .want = {2, 3}, .nwant = 2, .total = 2},
        {.overdue = 1,
         .now = "2021-10-20T00:00:00+08:00",
         .unit = "住建局",
         .want = {1, 3},
         .nwant = 2,
         .total = 2},
        /* dates are site dates, both ends inclusive */
        {.from = "2021-10-09", .to = "2021-10-11", .want = {1, 2}, .nwant = 2, .total = 2},
        {.from = "2021-10-12", .to = "2021-10-12", .want = {3}, .nwant = 1, .total = 1},
        {.to = "2021-10-11", .want = {0, 1, 2}, .nwant = 3, .total = 3},
        {.from = "2021-10-13", .want = {4, 5}, .nwant = 2, .total = 2},
        {.from = "2021-10-15", .nwant = 0, .total = 0},
        /* sorting */
        {.sort = "-received", .want = {5, 4, 3, 2, 1, 0}, .nwant = 6, .total = 6},
        {.sort = "code", .want = {0, 1, 2, 3, 4, 5}, .nwant = 6, .total = 6},
        {.sort = "-code", .want = {5, 4, 3, 2, 1, 0}, .nwant = 6, .total = 6},
        {.sort = "deadline", .want = {0, 4, 2, 3, 1, 5}, .nwant = 6, .total = 6},
        {.sort = "-deadline", .want = {5, 1, 3, 2, 4, 0}, .nwant = 6, .total = 6},
        {.sort = "status", .want = {0, 1, 3, 2, 5, 4}, .nwant = 6, .total = 6},
        /* pages: total counts every match */
        {.limit = 2, .offset = 1, .want = {1, 2}, .nwant = 2, .total = 6},
        {.limit = 2, .offset = 5, .want = {5}, .nwant = 1, .total = 6},
        {.limit = 2, .offset = 6, .nwant = 0, .total = 6},
        {.offset = 4, .want = {4, 5}, .nwant = 2, .total = 6},
        {.state = "replied", .limit = 1, .want = {2}, .nwant = 1, .total = 2},
        {.sort = "-received", .limit = 2, .offset = 1, .want = {4, 3}, .nwant = 2, .total = 6},
        {.channel = "hotline",
         .area = "宜居",
         .state = "replied",
         .want = {2},
         .nwant = 1,
         .total = 1},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct list_req lr;
        memset(&lr, 0, sizeof(lr));
        lr.state = rows[i].state;
        lr.unit = rows[i].unit;
        lr.area = rows[i].area;
        lr.channel = rows[i].channel;
        lr.from = rows[i].from;
        lr.to = rows[i].to;
        lr.sort = rows[i].sort;
        lr.overdue = rows[i].overdue;
        lr.now = rows[i].now ? T(rows[i].now) : 0;
        lr.limit = rows[i].limit;
        lr.offset = rows[i].offset;
        int ok = list_is(&svc, &lr, c, rows[i].want, rows[i].nwant, rows[i].total);
        if (!ok)
            fprintf(stderr, "  (list row %zu)\n", i);
        CHECK(ok);
    }

    /* The list carries assisting units. */
    struct list_req lr;
    memset(&lr, 0, sizeof(lr));
    lr.state = "dispatched";
    struct appeal_list l;
    CHECK_INT(svc_list(&svc, &svc_system, &lr, &l, &e), 0);
    struct unit cgj;
    CHECK_INT(store_unit_find(svc.st, "城管局", &cgj, &e), 0);
    CHECK(l.n == 1 && l.items[0].n_assist == 1 && l.items[0].assist[0] == cgj.id);
    appeal_list_release(&l);

    /* Bad requests. */
    static const struct {
        const char *state, *sort, *from, *to;
        int limit, offset;
        const char *field;
    } bad[] = {
        {"pending", NULL, NULL, NULL, 0, 0, "status"},
        {NULL, "title", NULL, NULL, 0, 0, "sort"},
        {NULL, "-", NULL, NULL, 0, 0, "sort"},
        {NULL, NULL, "2021-02-30", NULL, 0, 0, "date"},
        {NULL, NULL, NULL, "yesterday", 0, 0, "date"},
        {NULL, NULL, NULL, NULL, -1, 0, "limit"},
        {NULL, NULL, NULL, NULL, 0, -1, "limit"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(&lr, 0, sizeof(lr));
        lr.state = bad[i].state;
        lr.sort = bad[i].sort;
        lr.from = bad[i].from;
        lr.to = bad[i].to;
        lr.limit = bad[i].limit;
        lr.offset = bad[i].offset;
        memset(&e, 0, sizeof(e));
        CHECK_INT(svc_list(&svc, &svc_system, &lr, &l, &e), -1);
        CHECK_INT(e.code, ERR_INVALID);
        CHECK_STR(e.field, bad[i].field);
        CHECK_INT(l.n, 0);
    }
    service_close(&svc);
}

/* ---- appeal codes ---------------------------------------------------------------------- */

static void test_codes(struct service *svc, const struct org *o)
{
    static const struct {
        const char *at, *code;
    } rows[] = {
        {"2021-11-10T09:00:00+08:00", "YD202111100001"},
        {"2021-11-10T09:00:00+08:00", "YD202111100002"},
        {"2021-11-10T23:59:59+08:00", "YD202111100003"},
        /* 16:30 UTC on the 10th is 00:30 on the 11th at the site: a new day, a new count */
        {"2021-11-10T16:30:00Z", "YD202111110001"},
        {"2021-11-11T15:59:59Z", "YD202111110002"},
        {"2021-11-11T16:00:00Z", "YD202111120001"},
        {"2021-11-10T10:00:00+08:00", "YD202111100004"},
    };
    char seen[sizeof(rows) / sizeof(rows[0])][APPEAL_CODE_LEN];
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct err e = {0};
        CHECK_INT(reg(svc, o, rows[i].at, "咨询", "hotline", NULL, seen[i], &e), 0);
        CHECK_STR(seen[i], rows[i].code);
        CHECK_INT(strlen(seen[i]), 14);
        for (size_t j = 0; j < i; j++)
            CHECK(strcmp(seen[i], seen[j]) != 0);
    }
    /* Another prefix from the settings. */
    struct err e = {0};
    CHECK_INT(store_setting_set(svc->st, "code_prefix", "QX", &e), 0);
    char code[APPEAL_CODE_LEN];
    CHECK_INT(reg(svc, o, "2021-11-10T11:00:00+08:00", "咨询", "hotline", NULL, code, &e), 0);
    CHECK_STR(code, "QX202111100005");
    CHECK_INT(store_setting_set(svc->st, "code_prefix", "YD", &e), 0);
}

/* ---- text stored verbatim ---------------------------------------------------------------- */

static void test_verbatim(struct service *svc, const struct org *o, const char *path)
{
    static const char sql[] = "'); DROP TABLE appeals;--";
    static const char html[] = "<script>alert(1)</script>";
    static const char name[] = "O'Brien \"张\" \\ %_";
    static const char reply[] = "'; DELETE FROM events; -- <b>已办结</b> & \"ok\"";
    struct err e = {0};
    CHECK_INT(svc_unit_add(svc, &svc_system, "王'局\"<i>", "wang", "department", NULL, NULL, &e), 0);
    CHECK_INT(svc_user_add(svc, &svc_system, "h_wang", "", "handler", "王'局\"<i>", NULL, NULL, NULL, &e), 0);
    struct actor h;
    CHECK_INT(svc_actor(svc, "h_wang", &h, &e), 0);

    struct register_req r;
    memset(&r, 0, sizeof(r));
    r.title = sql;
    r.content = html;
    r.channel = "hotline";
    r.kind = "投诉";
    r.citizen_name = name;
    r.address = html;
    r.at = T("2021-11-15T09:00:00+08:00");
    struct appeal a;
    CHECK_INT(svc_register(svc, &o->disp, &r, &a, &e), 0);
    char code[APPEAL_CODE_LEN];
    snprintf(code, sizeof(code), "%s", a.code);
    appeal_release(&a);
    struct act_req q = req_of(ACT_DISPATCH, code, "2021-11-15T10:00:00+08:00");
    q.unit = "王'局\"<i>";
    q.note = sql;
    CHECK_INT(act(svc, &o->disp, &q, &e), 0);
    q = req_of(ACT_ACCEPT, code, "2021-11-15T11:00:00+08:00");
    CHECK_INT(act(svc, &h, &q, &e), 0);
    q = req_of(ACT_REPLY, code, "2021-11-15T12:00:00+08:00");
    q.text = reply;
    q.record = html;
    CHECK_INT(act(svc, &h, &q, &e), 0);

    struct event_list hist;
    CHECK_INT(svc_show(svc, &svc_system, code, &a, &hist, &e), 0);
    CHECK_STR(a.title, sql);
    CHECK_STR(a.content, html);
    CHECK_STR(a.citizen_name, name);
    CHECK_STR(a.address, html);
    CHECK_STR(a.reply_text, reply);
    CHECK_INT(hist.n, 4);
    if (hist.n == 4) {
        json_error_t jerr;
        json_t *d = json_loads(hist.items[0].details, 0, &jerr);
        CHECK(d != NULL);
        CHECK_STR(json_string_value(json_object_get(d, "title")), sql);
        CHECK_STR(json_string_value(json_object_get(d, "content")), html);
        json_decref(d);
        d = json_loads(hist.items[1].details, 0, &jerr);
        CHECK_STR(json_string_value(json_object_get(d, "note")), sql);
        json_decref(d);
        d = json_loads(hist.items[3].details, 0, &jerr);
        CHECK_STR(json_string_value(json_object_get(d, "text")), reply);
        CHECK_STR(json_string_value(json_object_get(d, "record")), html);
        json_decref(d);
    }
    appeal_release(&a);
    event_list_release(&hist);
    /* The tables are all still there, and nothing was deleted. */
    CHECK_INT(sql_int(path, pg_mode ? "SELECT count(*) FROM information_schema.tables WHERE "
                                      "table_schema = current_schema() AND table_name IN "
                                      "('appeals', 'events')"
                                    : "SELECT count(*) FROM sqlite_master WHERE name IN "
                                      "('appeals', 'events')"),
              2);
    CHECK(sql_int(path, "SELECT count(*) FROM events") > 4);
    struct unit u;
    CHECK_INT(store_unit_find(svc->st, "王'局\"<i>", &u, &e), 0);
    CHECK_STR(u.name, "王'局\"<i>");
    /* Listing by that unit finds it. */
    struct list_req lr;
    memset(&lr, 0, sizeof(lr));
    lr.unit = "王'局\"<i>";
    struct appeal_list l;
    CHECK_INT(svc_list(svc, &svc_system, &lr, &l, &e), 0);
    CHECK(l.n == 1 && !strcmp(l.items[0].title, sql));
    appeal_list_release(&l);
    /* And a name that is a LIKE pattern matches only itself. */
    memset(&lr, 0, sizeof(lr));
    lr.unit = "%";
    CHECK_INT(svc_list(svc, &svc_system, &lr, &l, &e), -1);
    CHECK_INT(e.code, ERR_NOT_FOUND);
    CHECK(strstr(e.msg, "'%'") != NULL);
}

static void test_settings(struct service *svc)
{
    struct err e = {0};
    char buf[8];
    CHECK_INT(store_setting_set(svc->st, "site_name", "永定区人民政府", &e), 0);
    char big[64];
    CHECK_INT(store_setting_get(svc->st, "site_name", big, sizeof(big), &e), 0);
    CHECK_STR(big, "永定区人民政府");
    /* A small buffer gets a terminated prefix. */
    CHECK_INT(store_setting_get(svc->st, "code_prefix", buf, sizeof(buf), &e), 0);
    CHECK_STR(buf, "YD");
    CHECK_INT(store_setting_set(svc->st, "site_name", "永定区", &e), 0);
    int64_t n1 = 0, n2 = 0;
    CHECK_INT(store_counter_next(svc->st, "test:counter", &n1, &e), 0);
    CHECK_INT(store_counter_next(svc->st, "test:counter", &n2, &e), 0);
    CHECK_INT(n1, 1);
    CHECK_INT(n2, 2);
}

/* PostgreSQL mode: makes LIST_NAME, an empty copy of the (still empty) database the URL
 * names, through the cluster's maintenance database `postgres`; the list test's URL goes
 * to pg_list_url. Returns 0 or -1. */
static int pg_prepare(const char *url)
{
    const char *scheme = strstr(url, "://");
    const char *slash = scheme ? strchr(scheme + 3, '/') : NULL;
    if (!slash)
        return -1;
    const char *q = strchr(slash, '?');
    size_t n = q ? (size_t)(q - slash - 1) : strlen(slash + 1);
    char base[64];
    if (n == 0 || n + 6 >= sizeof(base))
        return -1;
    snprintf(base, sizeof(base), "%.*s", (int)n, slash + 1);
    for (size_t i = 0; base[i]; i++) /* used unquoted in CREATE DATABASE */
        if (!((base[i] >= 'a' && base[i] <= 'z') || (base[i] >= '0' && base[i] <= '9') ||
              base[i] == '_'))
            return -1;
    char admin[600], sql[200];
    snprintf(admin, sizeof(admin), "%.*s/postgres%s", (int)(slash - url), url, q ? q : "");
    snprintf(pg_list_url, sizeof(pg_list_url), "%.*s/%s_list%s", (int)(slash - url), url, base,
             q ? q : "");
    PGconn *pg = PQconnectdb(admin);
    int rc = PQstatus(pg) == CONNECTION_OK ? 0 : -1;
    snprintf(pg_old_url, sizeof(pg_old_url), "%.*s/%s_old%s", (int)(slash - url), url, base,
             q ? q : "");
    static const char *const suffixes[] = {"list", "old"};
    for (size_t i = 0; rc == 0 && i < 2; i++) {
        snprintf(sql, sizeof(sql), "CREATE DATABASE %s_%s TEMPLATE %s", base, suffixes[i], base);
        PGresult *r = PQexec(pg, sql);
        rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
        PQclear(r);
    }
    if (rc < 0)
        fprintf(stderr, "test_store: %s: %s", sql, PQerrorMessage(pg));
    PQfinish(pg);
    return rc;
}

int main(void)
{
    const char *env = getenv("SHISHI_TEST_DB_URL");
    char path[600];
    if (env && *env) {
        pg_mode = 1;
        snprintf(path, sizeof(path), "%s", env);
        if (strncmp(env, "postgres", 8) != 0 || pg_prepare(env) < 0) {
            fprintf(stderr, "test_store: SHISHI_TEST_DB_URL must name an empty PostgreSQL "
                            "database (a plain name: a-z, 0-9, _) on a server where it may "
                            "CREATE DATABASE: %s\n",
                    env);
            return 1;
        }
        printf("test_store: %s (lists in %s)\n", path, pg_list_url);
        printf("test_store: skipped on PostgreSQL: the missing, empty and not-a-database "
               "file checks (SQLite files)\n");
        test_migrations();
    } else {
        snprintf(dir, sizeof(dir), "/tmp/shishi-test-store-XXXXXX");
        if (!mkdtemp(dir)) {
            perror("mkdtemp");
            return 1;
        }

        test_migrations();
        test_open_existing();

        path_of("main.db", path, sizeof(path));
    }
    struct service svc;
    struct err e = {0};
    must(service_open(&svc, path, OPEN_CREATE, &e), &e, "open main.db");
    struct org o;
    setup_org(&svc, &o);

    test_transactions(&svc);
    test_faults(&svc, &o);
    test_versions(&svc, &o, path);
    test_not_found(&svc, &o);
    test_duplicates(&svc);
    test_codes(&svc, &o);
    test_verbatim(&svc, &o, path);
    test_settings(&svc);

    struct audit_result res;
    CHECK_INT(svc_audit_verify(&svc, &svc_system, &res, &e), 0);
    CHECK_INT(res.ok, 1);
    service_close(&svc);

    test_lists();

    if (!pg_mode) {
        remove_dir();
        CHECK(access(dir, F_OK) != 0);
    }
    return test_done("test_store");
}
