/* test_subject.c -- the campaign's record tables and their place in the hash chain, on a
 * real database (a temporary SQLite file, or the EMPTY PostgreSQL database that
 * SHISHI_TEST_DB_URL names, as tests/pg/run_test.sh makes):
 *   - store_rec_insert/update/scan round-trip rows by column name (NULLs, quotes, Chinese),
 *     find a row by a text column, refuse tables that are not record tables and column names that are not identifiers,
 *     map a duplicate to ERR_CONFLICT and a missing row to ERR_NOT_FOUND;
 *   - subject_append seals events of a vote session onto the same chain as appeals;
 *     store_subject_events reads them back in order;
 *   - audit verify counts the session, and fails, naming it, when its row or a child row is
 *     changed outside the workflow, when its state disagrees with its events, or when a row
 *     of a subject table has no events at all; restoring the row makes it pass again;
 *   - an event's subject enters its seal: the same event of another subject hashes apart. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/audit.h"
#include "service/service.h"
#include "service/subject.h"
#include "test.h"

#include "util/banned.h"

static void must(int rc, const struct err *e, const char *what)
{
    if (rc != 0) {
        fprintf(stderr, "test_subject: %s failed: %s\n", what, e->msg);
        exit(1);
    }
}

static int verify(struct service *svc, struct audit_result *res)
{
    struct err e = {0};
    must(svc_audit_verify(svc, &svc_system, res, &e), &e, "audit verify");
    return res->ok;
}

struct count {
    int n;
    char last_name[64];
    int64_t last_null;
};

static int count_row(const struct row *r, void *ctx)
{
    struct count *c = ctx;
    c->n++;
    snprintf(c->last_name, sizeof(c->last_name), "%s", row_text(r, "name"));
    const struct value *v = row_get(r, "user_id");
    c->last_null = v ? v->type == VAL_NULL : -1;
    return 0;
}

static void test_records(struct service *svc)
{
    struct err e = {0};
    store_t *st = svc->st;
    struct row r = {0};
    int64_t id = 0, id2 = 0;
    must(store_begin(st, &e), &e, "begin");
    row_set_text(&r, "name", "王'主任\"");
    row_set_text(&r, "title", "副区长");
    row_set_id(&r, "user_id", 0);
    CHECK_INT(store_rec_insert(st, "leaders", &r, &id, &e), 0);
    CHECK(id > 0);
    struct row r2 = {0};
    row_set_text(&r2, "name", "李四");
    CHECK_INT(store_rec_insert(st, "leaders", &r2, &id2, &e), 0);
    CHECK(id2 > id);
    must(store_commit(st, &e), &e, "commit");
    /* the same name again: a UNIQUE column (a failed use case rolls back) */
    must(store_begin(st, &e), &e, "begin");
    CHECK_INT(store_rec_insert(st, "leaders", &r2, NULL, &e), -1);
    CHECK_INT(e.code, ERR_CONFLICT);
    store_rollback(st);

    struct count c = {0};
    CHECK_INT(store_rec_where(st, "leaders", "id", id, count_row, &c, &e), 0);
    CHECK_INT(c.n, 1);
    CHECK_STR(c.last_name, "王'主任\"");
    CHECK_INT(c.last_null, 1);
    memset(&c, 0, sizeof(c));
    CHECK_INT(store_rec_scan(st, "leaders", NULL, NULL, count_row, &c, &e), 0);
    CHECK_INT(c.n, 2);
    CHECK_STR(c.last_name, "李四"); /* id order */
    struct value null = {.type = VAL_NULL};
    memset(&c, 0, sizeof(c));
    CHECK_INT(store_rec_scan(st, "leaders", "user_id", &null, count_row, &c, &e), 0);
    CHECK_INT(c.n, 2);

    struct rec one;
    CHECK_INT(rec_get(st, "leaders", id2, "leader", &one, &e), 0);
    CHECK_STR(row_text(&one.row, "name"), "李四");
    CHECK_STR(row_text(&one.row, "title"), "");
    CHECK_INT(row_int(&one.row, "active"), 1);
    struct rec moved = one; /* a rec may be moved by assignment */
    CHECK_STR(row_text(&moved.row, "name"), "李四");
    rec_release(&moved);
    CHECK_INT(rec_get(st, "leaders", 999999, "leader", &one, &e), -1);
    CHECK_INT(e.code, ERR_NOT_FOUND);
    CHECK(strstr(e.msg, "no leader with id 999999") != NULL);

    CHECK_INT(rec_find(st, "leaders", "name", "李四", &one, &e), 0);
    CHECK_INT(row_int(&one.row, "id"), id2);
    rec_release(&one);
    CHECK_INT(rec_find(st, "leaders", "name", "无此人", &one, &e), 1);
    CHECK_INT(one.row.n, 0);
    CHECK_INT(rec_find(st, "leaders", "name; --", "x", &one, &e), -1);

    struct row u = {0};
    row_set_text(&u, "title", "区长");
    CHECK_INT(store_rec_update(st, "leaders", id2, &u, &e), 0);
    CHECK_INT(rec_get(st, "leaders", id2, "leader", &one, &e), 0);
    CHECK_STR(row_text(&one.row, "title"), "区长");
    rec_release(&one);
    CHECK_INT(store_rec_update(st, "leaders", 999999, &u, &e), -1);
    CHECK_INT(e.code, ERR_NOT_FOUND);

    /* Only record tables, only plain column names. */
    CHECK_INT(store_rec_insert(st, "appeals", &r2, NULL, &e), -1);
    CHECK(strstr(e.msg, "not a record table") != NULL);
    CHECK_INT(store_rec_scan(st, "no_such", NULL, NULL, count_row, &c, &e), -1);
    CHECK(strstr(e.msg, "unknown table 'no_such'") != NULL);
    struct row bad = {0};
    row_set_text(&bad, "name\" = 'x'; --", "x");
    CHECK_INT(store_rec_update(st, "leaders", id2, &bad, &e), -1);
    CHECK(strstr(e.msg, "bad column name") != NULL);
    CHECK_INT(store_rec_where(st, "leaders", "id; DROP TABLE leaders", 1, count_row, &c, &e), -1);
    memset(&c, 0, sizeof(c));
    CHECK_INT(store_rec_scan(st, "leaders", NULL, NULL, count_row, &c, &e), 0);
    CHECK_INT(c.n, 2);
}

/* A vote session with one deputy, made the way a use case makes it: row, then event. */
static int64_t make_session(struct service *svc, const struct actor *who)
{
    struct err e = {0};
    int64_t id = 0, dep = 0;
    must(store_begin(svc->st, &e), &e, "begin");
    struct row r = {0};
    row_set_text(&r, "code", "V1");
    row_set_text(&r, "title", "民生实事票决");
    row_set_int(&r, "year", 2021);
    row_set_int(&r, "state", 1);
    row_set_int(&r, "created_at", 1609459200);
    row_set_int(&r, "updated_at", 1609459200);
    row_set_int(&r, "last_seq", 1);
    must(store_rec_insert(svc->st, "vote_sessions", &r, &id, &e), &e, "session row");
    must(subject_append(svc, who, "vote", id, 1, 1609459200, "create", 0, 1, NULL, &e), &e,
         "create event");
    struct row d = {0};
    row_set_id(&d, "session_id", id);
    row_set_text(&d, "name", "张代表");
    must(store_rec_insert(svc->st, "deputies", &d, &dep, &e), &e, "deputy row");
    struct row u = {0};
    row_set_int(&u, "last_seq", 2);
    row_set_int(&u, "version", 2);
    must(store_rec_update(svc->st, "vote_sessions", id, &u, &e), &e, "session update");
    must(subject_append(svc, who, "vote", id, 2, 1609459260, "deputy", 1, 1,
                        "{\"name\":\"张代表\"}", &e),
         &e, "deputy event");
    must(store_commit(svc->st, &e), &e, "commit");
    return id;
}

static void test_chain(struct service *svc)
{
    struct err e = {0};
    struct actor sys;
    must(svc_actor(svc, NULL, &sys, &e), &e, "actor");
    /* An appeal first, so subject events share the chain with appeal events. */
    struct register_req req = {.title = "路灯不亮", .content = "小区路灯坏了", .channel = "12345热线",
                               .kind = "求助", .at = 1609459100};
    struct appeal a;
    appeal_init(&a);
    must(svc_register(svc, &sys, &req, &a, &e), &e, "register");
    appeal_release(&a);
    int64_t id = make_session(svc, &sys);

    struct event_list ev;
    CHECK_INT(store_subject_events(svc->st, "vote", id, &ev, &e), 0);
    CHECK_INT(ev.n, 2);
    if (ev.n == 2) {
        CHECK_STR(ev.items[0].action, "create");
        CHECK_INT(ev.items[0].seq, 1);
        CHECK_INT(ev.items[1].seq, 2);
        CHECK_STR(ev.items[1].subject, "vote");
        CHECK_INT(ev.items[1].subject_id, id);
        CHECK_INT(ev.items[1].appeal_id, 0);
        CHECK_INT(ev.items[0].id, 2); /* after the appeal's register event */
        CHECK(strstr(ev.items[1].details, "张代表") != NULL);
        CHECK_INT(audit_check(&ev.items[1]), 0);
    }
    event_list_release(&ev);
    CHECK_INT(store_subject_events(svc->st, "", id, &ev, &e), -1);
    CHECK_INT(subject_append(svc, &sys, "bogus", id, 3, 1609459300, "x", 1, 1, NULL, &e), -1);
    CHECK(strstr(e.msg, "unknown subject 'bogus'") != NULL);

    struct audit_result res;
    CHECK(verify(svc, &res));
    CHECK_INT(res.events, 3);
    CHECK_INT(res.appeals, 1);
    CHECK_INT(res.subjects, 1);

    /* A child row edited behind the workflow's back, then put back. */
    struct rec dep;
    struct rec *deps;
    size_t n;
    must(rec_list(svc->st, "deputies", "session_id", id, &deps, &n, &e), &e, "deputies");
    CHECK_INT(n, 1);
    int64_t dep_id = row_int(&deps[0].row, "id");
    rec_list_release(deps, n);
    struct row u = {0};
    row_set_text(&u, "name", "假代表");
    must(store_rec_update(svc->st, "deputies", dep_id, &u, &e), &e, "tamper deputy");
    CHECK(!verify(svc, &res));
    CHECK(strstr(res.problem, "vote V1 does not match its history") != NULL);
    CHECK(strstr(res.problem, "changed outside the workflow") != NULL);
    row_set_text(&u, "name", "张代表");
    must(store_rec_update(svc->st, "deputies", dep_id, &u, &e), &e, "restore deputy");
    CHECK(verify(svc, &res));
    must(rec_get(svc->st, "deputies", dep_id, "deputy", &dep, &e), &e, "deputy");
    CHECK_STR(row_text(&dep.row, "name"), "张代表");
    rec_release(&dep);

    /* The row's state against its events. */
    struct row s = {0};
    row_set_int(&s, "state", 3);
    must(store_rec_update(svc->st, "vote_sessions", id, &s, &e), &e, "tamper state");
    CHECK(!verify(svc, &res));
    CHECK(strstr(res.problem, "the row says state 3 after 2 events, the events say state 1") !=
          NULL);
    row_set_int(&s, "state", 1);
    must(store_rec_update(svc->st, "vote_sessions", id, &s, &e), &e, "restore state");
    CHECK(verify(svc, &res));

    /* A subject row nobody's events made. */
    struct row v = {0};
    int64_t forged;
    row_set_text(&v, "code", "V2");
    row_set_text(&v, "title", "伪造");
    row_set_int(&v, "year", 2021);
    row_set_int(&v, "state", 1);
    row_set_int(&v, "created_at", 1);
    row_set_int(&v, "updated_at", 1);
    must(store_rec_insert(svc->st, "vote_sessions", &v, &forged, &e), &e, "forged row");
    CHECK(!verify(svc, &res));
    CHECK(strstr(res.problem, "vote V2 has no events") != NULL);
}

static void test_seal(void)
{
    struct event a, b;
    memset(&a, 0, sizeof(a));
    a.id = 7;
    a.seq = 1;
    a.at = 100;
    snprintf(a.actor, sizeof(a.actor), "system");
    snprintf(a.action, sizeof(a.action), "create");
    a.details = "{}";
    b = a;
    snprintf(b.subject, sizeof(b.subject), "vote");
    b.subject_id = 0;
    struct event c = b;
    snprintf(c.subject, sizeof(c.subject), "task");
    audit_seal(&a, AUDIT_GENESIS);
    audit_seal(&b, AUDIT_GENESIS);
    audit_seal(&c, AUDIT_GENESIS);
    CHECK(strcmp(a.hash, b.hash) != 0);
    CHECK(strcmp(b.hash, c.hash) != 0);
    b.subject_id = 1; /* moving an event to another subject breaks its seal */
    CHECK_INT(audit_check(&b), -1);
}

int main(void)
{
    const char *env = getenv("SHISHI_TEST_DB_URL");
    char path[600], dir[64] = "/tmp/shishi-test-subject-XXXXXX";
    if (env && *env) {
        snprintf(path, sizeof(path), "%s", env);
    } else {
        if (!mkdtemp(dir)) {
            perror("mkdtemp");
            return 1;
        }
        snprintf(path, sizeof(path), "%s/subject.db", dir);
    }
    struct service svc;
    struct err e = {0};
    must(service_open(&svc, path, OPEN_CREATE, &e), &e, "open");
    test_seal();
    test_records(&svc);
    test_chain(&svc);
    service_close(&svc);
    if (!(env && *env)) {
        char f[700];
        const char *suffix[] = {"", "-wal", "-shm"};
        for (int i = 0; i < 3; i++) {
            snprintf(f, sizeof(f), "%s%s", path, suffix[i]);
            unlink(f);
        }
        rmdir(dir);
    }
    return test_done("test_subject");
}
