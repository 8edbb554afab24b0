/* test_audit.c -- the tamper-evident history: a small ledger built through the service in a
 * real database verifies clean; then, each on a fresh copy of the database, a determined
 * editor drops the append-only triggers and edits the rows directly: edits an event's
 * details or time, deletes a middle or the last event, swaps events' ids or seq numbers,
 * inserts forged events (naive and properly sealed), and edits or deletes appeal rows.
 * `audit verify` must catch each, name the first broken event (or appeal) and say what is
 * wrong in a sentence. With the triggers in place UPDATE and DELETE fail.
 *
 * The database is a SQLite file in a temporary directory (copied per case, edited with the
 * SQLite C API), or, when SHISHI_TEST_DB_URL names an EMPTY PostgreSQL database (as
 * tests/pg/run_test.sh makes), that database: each case then gets a database of its own
 * made with CREATE DATABASE ... TEMPLATE from it, edited through libpq. */
#include "core/audit.h"

#include <dirent.h>
#include <libpq-fe.h>
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
static char base_path[512]; /* the ledger: a SQLite file or a PostgreSQL URL */

/* PostgreSQL mode: the URL split around its database name, and the maintenance database
 * connection that creates and drops the per-case databases. */
static int pg_mode;
static char pg_prefix[512], pg_suffix[256], pg_base[64];
static PGconn *pg_admin;

static void pg_url(const char *dbname, char *out, size_t size)
{
    int n = snprintf(out, size, "%s/%s%s", pg_prefix, dbname, pg_suffix);
    if (n < 0 || (size_t)n >= size) {
        fprintf(stderr, "test bug: URL too long\n");
        abort();
    }
}

/* Copies a column's text into a field, cut to fit (the fields are sized for their values). */
static void copy_str(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static int pg_split(const char *url)
{
    const char *scheme = strstr(url, "://");
    const char *slash = scheme ? strchr(scheme + 3, '/') : NULL;
    if (!slash)
        return -1;
    const char *q = strchr(slash, '?');
    size_t n = q ? (size_t)(q - slash - 1) : strlen(slash + 1);
    if (n == 0 || n >= sizeof(pg_base) || (size_t)(slash - url) >= sizeof(pg_prefix))
        return -1;
    snprintf(pg_prefix, sizeof(pg_prefix), "%.*s", (int)(slash - url), url);
    snprintf(pg_base, sizeof(pg_base), "%.*s", (int)n, slash + 1);
    snprintf(pg_suffix, sizeof(pg_suffix), "%s", q ? q : "");
    for (size_t i = 0; pg_base[i]; i++) /* used unquoted in CREATE/DROP DATABASE */
        if (!((pg_base[i] >= 'a' && pg_base[i] <= 'z') || (pg_base[i] >= '0' && pg_base[i] <= '9') ||
              pg_base[i] == '_'))
            return -1;
    return 0;
}

/* Runs one statement on the maintenance database (CREATE/DROP DATABASE refuse to run in
 * a multi-statement string). */
static int pg_admin_exec(const char *fmt, const char *a, const char *b)
{
    char sql[256];
    snprintf(sql, sizeof(sql), fmt, a, b);
    PGresult *r = PQexec(pg_admin, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        fprintf(stderr, "%s: %s", sql, PQerrorMessage(pg_admin));
    PQclear(r);
    return ok ? 0 : -1;
}

/* Makes database NAME a copy of database FROM (no one may be connected to FROM). */
static int pg_copy_db(const char *from, const char *name)
{
    if (pg_admin_exec("DROP DATABASE IF EXISTS %s%s", name, "") < 0)
        return -1;
    return pg_admin_exec("CREATE DATABASE %s TEMPLATE %s", name, from);
}

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
    if (pg_mode) {
        char name[96];
        snprintf(name, sizeof(name), "%s_case", pg_base);
        pg_admin_exec("DROP DATABASE IF EXISTS %s%s", name, "");
        snprintf(name, sizeof(name), "%s_empty", pg_base);
        pg_admin_exec("DROP DATABASE IF EXISTS %s%s", name, "");
        PQfinish(pg_admin);
        pg_admin = NULL;
        return;
    }
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
    must(svc_unit_add(&svc, &svc_system, "住建局", "zjj", "department", NULL, NULL, &e), &e, "unit");
    must(svc_unit_add(&svc, &svc_system, "城管局", "cgj", "department", NULL, NULL, &e), &e, "unit");
    must(svc_user_add(&svc, &svc_system, "disp", "", "dispatcher", NULL, NULL, NULL, NULL, &e), &e, "user");
    must(svc_user_add(&svc, &svc_system, "h_zjj", "", "handler", "住建局", NULL, NULL, NULL, &e), &e, "user");
    must(svc_user_add(&svc, &svc_system, "h_cgj", "", "handler", "城管局", NULL, NULL, NULL, &e), &e, "user");
    must(svc_user_add(&svc, &svc_system, "boss", "", "leader", NULL, NULL, NULL, NULL, &e), &e, "user");
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
        must(svc_show(&svc, &svc_system, L.code[i], &a, &hist, &e), &e, "show");
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
    CHECK_INT(svc_audit_verify(&svc, &svc_system, &res, &e), 0);
    CHECK_INT(res.ok, 1);
    CHECK_INT(res.events, 18);
    CHECK_INT(res.appeals, 4);
    CHECK_INT(res.bad_event, 0);
    CHECK_STR(res.bad_appeal, "");
    CHECK_STR(res.problem, "");
    service_close(&svc);
}

/* ---- tampering ------------------------------------------------------------------------- */

/* The tamperer's connection: the SQLite C API on a file, or libpq on a PostgreSQL
 * database. Statements are written once, with ? placeholders ($1, $2, ... on PostgreSQL). */
struct tdb {
    sqlite3 *lite;
    PGconn *pg;
    char msg[512];
};

struct param {
    const char *s; /* text, or NULL for the integer i */
    int64_t i;
};
#define PI(v) ((struct param){NULL, (v)})
#define PS(v) ((struct param){(v), 0})

typedef int (*tamper_fn)(struct tdb *db);

/* Runs SQL (several statements, no parameters). */
static int tdb_exec(struct tdb *db, const char *sql)
{
    if (db->lite) {
        char *err = NULL;
        int rc = sqlite3_exec(db->lite, sql, NULL, NULL, &err);
        if (rc != SQLITE_OK)
            snprintf(db->msg, sizeof(db->msg), "%s", err ? err : sqlite3_errmsg(db->lite));
        sqlite3_free(err);
        return rc == SQLITE_OK ? 0 : -1;
    }
    PGresult *r = PQexec(db->pg, sql);
    ExecStatusType es = PQresultStatus(r);
    int ok = es == PGRES_COMMAND_OK || es == PGRES_TUPLES_OK;
    if (!ok)
        snprintf(db->msg, sizeof(db->msg), "%s", PQerrorMessage(db->pg));
    PQclear(r);
    return ok ? 0 : -1;
}

/* Runs one statement with parameters. With ncol > 0 it must return a row, whose first
 * ncol columns are copied as text into cols (ncol buffers of width bytes); with ncol 0 it
 * must return none. */
static int tdb_query(struct tdb *db, const char *sql, const struct param *p, int n, char *cols,
                     int ncol, size_t width)
{
    int rc = -1;
    if (db->lite) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(db->lite, sql, -1, &st, NULL) == SQLITE_OK) {
            for (int i = 0; i < n; i++) {
                if (p[i].s)
                    sqlite3_bind_text(st, i + 1, p[i].s, -1, SQLITE_STATIC);
                else
                    sqlite3_bind_int64(st, i + 1, p[i].i);
            }
            int s = sqlite3_step(st);
            if (ncol == 0 ? s == SQLITE_DONE : s == SQLITE_ROW) {
                for (int c = 0; c < ncol; c++) {
                    const unsigned char *v = sqlite3_column_text(st, c);
                    snprintf(cols + (size_t)c * width, width, "%s", v ? (const char *)v : "");
                }
                rc = 0;
            }
        }
        if (rc < 0)
            snprintf(db->msg, sizeof(db->msg), "%s", sqlite3_errmsg(db->lite));
        sqlite3_finalize(st);
        return rc;
    }
    char q[1024];
    size_t o = 0;
    int k = 0;
    const char *s = sql;
    for (; *s && o + 12 < sizeof(q); s++) {
        if (*s == '?')
            o += (size_t)snprintf(q + o, sizeof(q) - o, "$%d", ++k);
        else
            q[o++] = *s;
    }
    q[o] = '\0';
    char num[16][24];
    const char *vals[16];
    if (*s || k != n || n > 16) {
        snprintf(db->msg, sizeof(db->msg), "test bug: statement too long or parameters differ");
        return -1;
    }
    for (int i = 0; i < n; i++) {
        if (p[i].s) {
            vals[i] = p[i].s;
        } else {
            snprintf(num[i], sizeof(num[i]), "%lld", (long long)p[i].i);
            vals[i] = num[i];
        }
    }
    PGresult *r = PQexecParams(db->pg, q, n, NULL, vals, NULL, NULL, 0);
    ExecStatusType es = PQresultStatus(r);
    if (ncol == 0 ? es == PGRES_COMMAND_OK
                  : es == PGRES_TUPLES_OK && PQntuples(r) >= 1 && PQnfields(r) >= ncol) {
        for (int c = 0; c < ncol; c++)
            snprintf(cols + (size_t)c * width, width, "%s", PQgetvalue(r, 0, c));
        rc = 0;
    } else {
        snprintf(db->msg, sizeof(db->msg), "%s",
                 es == PGRES_TUPLES_OK ? "no row" : PQerrorMessage(db->pg));
    }
    PQclear(r);
    return rc;
}

static int db_text(struct tdb *db, const char *sql, int64_t id, char *out, size_t size)
{
    struct param p[] = {PI(id)};
    return tdb_query(db, sql, p, 1, out, 1, size);
}

/* Writes a forged event, sealed exactly as the program seals them. */
static int insert_event(struct tdb *db, const struct event *ev)
{
    static const char sql[] =
        "INSERT INTO events (id, appeal_id, seq, at, actor_id, actor, action, from_state, "
        "to_state, details, prev_hash, hash, row_digest) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)";
    struct param p[] = {PI(ev->id),         PI(ev->appeal_id),  PI(ev->seq),
                        PI(ev->at),         PI(ev->actor_id),   PS(ev->actor),
                        PS(ev->action),     PI(ev->from_state), PI(ev->to_state),
                        PS(ev->details),    PS(ev->prev_hash),  PS(ev->hash),
                        PS(ev->row_digest)};
    return tdb_query(db, sql, p, 13, NULL, 0, 0);
}

/* A second urge of D, properly sealed after event `after` and numbered `id`. */
static int forge_urge(struct tdb *db, int64_t after, int64_t id, int with_digest)
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

static int forge_at_end_no_digest(struct tdb *db)
{
    return forge_urge(db, L.last, L.last + 1, 0);
}

static int forge_at_end(struct tdb *db)
{
    return forge_urge(db, L.last, L.last + 1, 1);
}

static int forge_at_end_and_head(struct tdb *db)
{
    if (forge_urge(db, L.last, L.last + 1, 1) < 0)
        return -1;
    char sql[200];
    snprintf(sql, sizeof(sql),
             "UPDATE chain_head SET last_id = %lld, count = count + 1, hash = (SELECT hash FROM "
             "events WHERE id = %lld)",
             (long long)(L.last + 1), (long long)(L.last + 1));
    return tdb_exec(db, sql);
}

/* After event 12: move 13.. up by one and seal a forgery into the gap. */
static int forge_in_middle(struct tdb *db)
{
    if (tdb_exec(db, "UPDATE events SET id = -id WHERE id > 12; "
                     "UPDATE events SET id = 1 - id WHERE id < 0; "
                     "UPDATE chain_head SET last_id = last_id + 1, count = count + 1") < 0)
        return -1;
    return forge_urge(db, 12, 13, 1);
}

static int64_t to_i64(const char *s)
{
    return strtoll(s, NULL, 10);
}

/* Edits the details of the last event and seals it again, as the program would. */
static int reseal_last(struct tdb *db)
{
    struct event ev;
    memset(&ev, 0, sizeof(ev));
    enum { W = 160 };
    char c[11][W];
    struct param id[] = {PI(L.last)};
    if (tdb_query(db,
                  "SELECT id, appeal_id, seq, at, actor_id, actor, action, from_state, "
                  "to_state, prev_hash, row_digest FROM events WHERE id = ?",
                  id, 1, &c[0][0], 11, W) < 0)
        return -1;
    ev.id = to_i64(c[0]);
    ev.appeal_id = to_i64(c[1]);
    ev.seq = to_i64(c[2]);
    ev.at = to_i64(c[3]);
    ev.actor_id = to_i64(c[4]);
    copy_str(ev.actor, sizeof(ev.actor), c[5]);
    copy_str(ev.action, sizeof(ev.action), c[6]);
    ev.from_state = (int)to_i64(c[7]);
    ev.to_state = (int)to_i64(c[8]);
    copy_str(ev.prev_hash, sizeof(ev.prev_hash), c[9]);
    copy_str(ev.row_digest, sizeof(ev.row_digest), c[10]);
    ev.details = "{\"reason\":\"已与诉求人沟通，无需重办\"}";
    char prev[65];
    snprintf(prev, sizeof(prev), "%s", ev.prev_hash);
    audit_seal(&ev, prev);
    struct param up[] = {PS(ev.details), PS(ev.hash), PI(ev.id)};
    return tdb_query(db, "UPDATE events SET details = ?, hash = ? WHERE id = ?", up, 3, NULL, 0,
                     0);
}

struct tamper_case {
    const char *name;
    char sql[600];
    tamper_fn fn;
    int64_t bad_event;
    const char *bad_appeal; /* "" when the break is an event */
    const char *needles[3];
    /* PostgreSQL only, run before sql: what else the editor must drop there. (SQLite does
     * not enforce foreign keys on a connection that did not ask for them; PostgreSQL
     * always does.) */
    const char *pg_first;
};

/* A fresh copy of the ledger for one case, opened for the tamperer with the append-only
 * triggers dropped; its name or URL goes to target. Returns 0, or -1 with db->msg. */
static int open_case(struct tdb *db, char *target, size_t size)
{
    memset(db, 0, sizeof(*db));
    if (pg_mode) {
        char name[96];
        snprintf(name, sizeof(name), "%s_case", pg_base);
        pg_url(name, target, size);
        int rc = pg_copy_db(pg_base, name);
        CHECK_INT(rc, 0);
        if (rc < 0) {
            snprintf(db->msg, sizeof(db->msg), "cannot copy the database");
            return -1;
        }
        db->pg = PQconnectdb(target);
        if (PQstatus(db->pg) != CONNECTION_OK) {
            snprintf(db->msg, sizeof(db->msg), "%s", PQerrorMessage(db->pg));
            return -1;
        }
        return tdb_exec(db, "SET client_min_messages = warning; "
                            "DROP TRIGGER events_no_update ON events; "
                            "DROP TRIGGER events_no_delete ON events;");
    }
    char wal[600];
    snprintf(target, size, "%s/case.db", dir);
    snprintf(wal, sizeof(wal), "%s-wal", base_path);
    CHECK_INT(access(wal, F_OK) != 0, 1); /* the base was checkpointed on close */
    if (copy_file(base_path, target) < 0) {
        snprintf(db->msg, sizeof(db->msg), "cannot copy the database");
        return -1;
    }
    if (sqlite3_open_v2(target, &db->lite, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        snprintf(db->msg, sizeof(db->msg), "%s", sqlite3_errmsg(db->lite));
        return -1;
    }
    return tdb_exec(db, "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;");
}

static void close_tdb(struct tdb *db)
{
    if (db->lite)
        sqlite3_close(db->lite);
    if (db->pg)
        PQfinish(db->pg);
    db->lite = NULL;
    db->pg = NULL;
}

static void run_case(const struct tamper_case *tc)
{
    char path[512], wal[600];
    struct tdb db;
    int rc = open_case(&db, path, sizeof(path));
    if (rc == 0 && pg_mode && tc->pg_first)
        rc = tdb_exec(&db, tc->pg_first);
    if (rc == 0 && tc->sql[0])
        rc = tdb_exec(&db, tc->sql);
    if (rc == 0 && tc->fn)
        rc = tc->fn(&db);
    if (rc != 0)
        fprintf(stderr, "%s: tampering failed: %s\n", tc->name, db.msg);
    CHECK_INT(rc, 0);
    close_tdb(&db);

    struct service svc;
    struct err e = {0};
    struct audit_result res;
    if (service_open(&svc, path, OPEN_EXISTING, &e) < 0) {
        fprintf(stderr, "%s: cannot open: %s\n", tc->name, e.msg);
        CHECK(0);
    } else {
        rc = svc_audit_verify(&svc, &svc_system, &res, &e);
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
    if (pg_mode) {
        char name[96];
        snprintf(name, sizeof(name), "%s_case", pg_base);
        CHECK_INT(pg_admin_exec("DROP DATABASE %s%s", name, ""), 0);
        return;
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
    cases[k].pg_first = "ALTER TABLE events DROP CONSTRAINT events_appeal_id_fkey";
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
    static const char *const sqls[] = {
        "UPDATE events SET details = '{}' WHERE id = 3",
        "UPDATE events SET id = 100 WHERE id = 18",
        "DELETE FROM events WHERE id = 18",
        "DELETE FROM events",
    };
    if (pg_mode) {
        /* The trigger function RAISEs: SQLSTATE P0001 (raise_exception). */
        PGconn *pg = PQconnectdb(base_path);
        CHECK_INT(PQstatus(pg), CONNECTION_OK);
        for (size_t i = 0; i < sizeof(sqls) / sizeof(sqls[0]); i++) {
            PGresult *r = PQexec(pg, sqls[i]);
            const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
            CHECK(PQresultStatus(r) == PGRES_FATAL_ERROR && state && !strcmp(state, "P0001"));
            CHECK(strstr(PQerrorMessage(pg), "append-only") != NULL);
            PQclear(r);
        }
        PQfinish(pg);
    } else {
        sqlite3 *db = NULL;
        CHECK_INT(sqlite3_open_v2(base_path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
        for (size_t i = 0; i < sizeof(sqls) / sizeof(sqls[0]); i++) {
            int rc = sqlite3_exec(db, sqls[i], NULL, NULL, NULL);
            CHECK((rc & 0xff) == SQLITE_CONSTRAINT);
            CHECK(strstr(sqlite3_errmsg(db), "append-only") != NULL);
        }
        sqlite3_close(db);
    }

    /* Nothing changed: it still verifies. */
    struct service svc;
    struct err e = {0};
    must(service_open(&svc, base_path, OPEN_EXISTING, &e), &e, "open");
    struct audit_result res;
    CHECK_INT(svc_audit_verify(&svc, &svc_system, &res, &e), 0);
    CHECK_INT(res.ok, 1);
    CHECK_INT(res.events, 18);
    service_close(&svc);
}

static void test_empty(void)
{
    char path[512];
    if (pg_mode) { /* a copy of the empty database, before the ledger is built in it */
        char name[96];
        snprintf(name, sizeof(name), "%s_empty", pg_base);
        CHECK_INT(pg_copy_db(pg_base, name), 0);
        pg_url(name, path, sizeof(path));
    } else {
        snprintf(path, sizeof(path), "%s/empty.db", dir);
    }
    struct service svc;
    struct err e = {0};
    must(service_open(&svc, path, OPEN_CREATE, &e), &e, "open");
    struct audit_result res;
    CHECK_INT(svc_audit_verify(&svc, &svc_system, &res, &e), 0);
    CHECK_INT(res.ok, 1);
    CHECK_INT(res.events, 0);
    CHECK_INT(res.appeals, 0);
    service_close(&svc);
}

int main(void)
{
    const char *env = getenv("SHISHI_TEST_DB_URL");
    if (env && *env) {
        pg_mode = 1;
        snprintf(base_path, sizeof(base_path), "%s", env);
        if (strncmp(env, "postgres", 8) != 0 || pg_split(env) < 0) {
            fprintf(stderr, "test_audit: SHISHI_TEST_DB_URL must be a PostgreSQL URL ending in a "
                            "plain database name (a-z, 0-9, _): %s\n",
                    env);
            return 1;
        }
        char admin[600];
        pg_url("postgres", admin, sizeof(admin));
        pg_admin = PQconnectdb(admin);
        if (PQstatus(pg_admin) != CONNECTION_OK) {
            fprintf(stderr, "test_audit: %s: %s", admin, PQerrorMessage(pg_admin));
            PQfinish(pg_admin);
            return 1;
        }
        PQclear(PQexec(pg_admin, "SET client_min_messages = warning"));
        printf("test_audit: %s (a database per tamper case, copied from it)\n", base_path);
    } else {
        snprintf(dir, sizeof(dir), "/tmp/shishi-test-audit-XXXXXX");
        if (!mkdtemp(dir)) {
            perror("mkdtemp");
            return 1;
        }
        snprintf(base_path, sizeof(base_path), "%s/base.db", dir);
    }

    test_empty();
    build_ledger(base_path);
    test_tampering();
    test_triggers();

    remove_dir();
    if (!pg_mode)
        CHECK(access(dir, F_OK) != 0);
    return test_done("test_audit");
}
