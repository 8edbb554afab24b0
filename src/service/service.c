/* service.c -- opening the service (store, calendar, limits), actors and the organisation. */
#include "service/service.h"
#include "service/tx.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "service/guard.h"
#include "service/lists.h"
#include "service/view.h"
#include "util/civil.h"
#include "util/embedded.h"

#include "util/banned.h"

int calendar_load_embedded(struct calendar *cal, struct err *e)
{
    for (const struct embedded_file *f = embedded_holidays; f->name; f++)
        if (calendar_load_text(cal, (const char *)f->data, f->len, f->name, e) < 0)
            return -1;
    return 0;
}

/* The migration from which visits are sealed onto the chain (0012_visit_seal.sql). */
#define VISIT_SEAL_MIGRATION 12
/* The migration that adds the appeals' text sketches (0015_duplicates.sql). */
#define SKETCH_MIGRATION 15

int service_open(struct service *svc, const char *url, int mode, struct err *e)
{
    memset(svc, 0, sizeof(*svc));
    calendar_init(&svc->cal);
    limits_default(&svc->limits, &svc->cal);
    if (sodium_init() < 0)
        return err_set(e, ERR_IO, "", "cannot initialise libsodium");
    int is_file = strcmp(url, ":memory:") != 0 && strncmp(url, "postgres", 8) != 0;
    struct stat sb;
    if (mode == OPEN_EXISTING && is_file && stat(url, &sb) != 0)
        return err_set(e, ERR_NOT_FOUND, "db",
                       "database '%s' does not exist (create it with 'shishi --db %s init')", url,
                       url);
    /* An empty file is not a database yet; opening it would turn it into one. */
    if (mode == OPEN_EXISTING && is_file && sb.st_size == 0)
        return err_set(e, ERR_NOT_FOUND, "db",
                       "database '%s' is not initialised (run 'shishi --db %s init')", url, url);
    if (store_open(&svc->st, url, e) < 0)
        return -1;
    int applied, known;
    if (store_schema_version(svc->st, &applied, &known, e) < 0)
        goto fail;
    if (mode == OPEN_EXISTING && applied == 0) {
        err_set(e, ERR_NOT_FOUND, "db",
                "database '%s' is not initialised (run 'shishi --db %s init')", url, url);
        goto fail;
    }
    if (store_migrate(svc->st, e) < 0 || calendar_load_embedded(&svc->cal, e) < 0 ||
        store_calendar_load(svc->st, &svc->cal, e) < 0 ||
        svc_limits_now(svc, &svc->limits, e) < 0)
        goto fail;
    /* Crossing migration 0012 seals the visits recorded before visits were sealed. */
    if (applied < VISIT_SEAL_MIGRATION && known >= VISIT_SEAL_MIGRATION &&
        svc_seal_old_visits(svc, (int64_t)time(NULL), e) < 0)
        goto fail;
    /* Crossing 0015 sketches the appeals registered before it (nothing on a new database). */
    int64_t sketched;
    if (applied > 0 && applied < SKETCH_MIGRATION && known >= SKETCH_MIGRATION &&
        svc_sketch_all(svc, &sketched, e) < 0)
        goto fail;
    return 0;
fail:
    service_close(svc);
    return -1;
}

int svc_group_begin(struct service *svc, struct err *e)
{
    return store_begin(svc->st, e);
}

int svc_group_commit(struct service *svc, struct err *e)
{
    return store_commit(svc->st, e);
}

void svc_group_rollback(struct service *svc)
{
    store_rollback(svc->st);
}

void service_close(struct service *svc)
{
    svc_models_release(svc);
    store_close(svc->st);
    svc->st = NULL;
    calendar_release(&svc->cal);
    if (svc->names) {
        names_release(svc->names);
        free(svc->names);
        svc->names = NULL;
    }
}

/* Tells every cache of names (in this process and others on the database) to reload. */
static int org_changed(struct service *svc, struct err *e)
{
    int64_t v;
    return store_counter_next(svc->st, ORG_VERSION, &v, e);
}

const struct actor svc_system = {.role = ROLE_SYSTEM, .name = "system"};

void svc_citizen(struct actor *out, const char *phone_last4)
{
    memset(out, 0, sizeof(*out));
    out->role = ROLE_CITIZEN;
    snprintf(out->name, sizeof(out->name), "citizen");
    if (phone_last4)
        snprintf(out->phone_last4, sizeof(out->phone_last4), "%s", phone_last4);
}

int svc_actor(struct service *svc, const char *username, struct actor *out, struct err *e)
{
    memset(out, 0, sizeof(*out));
    if (!username) {
        out->role = ROLE_SYSTEM;
        snprintf(out->name, sizeof(out->name), "system");
        return 0;
    }
    struct user u;
    if (store_user_find(svc->st, username, &u, e) < 0)
        return -1;
    if (!u.active)
        return err_set(e, ERR_FORBIDDEN, "user", "user '%s' is disabled", username);
    out->user_id = u.id;
    out->role = u.role;
    out->unit_id = u.unit_id;
    snprintf(out->name, sizeof(out->name), "%s", u.username);
    return 0;
}


static int unit_add(struct service *svc, const char *name, const char *code, const char *kind,
                    const char *parent, struct unit *out, struct err *e)
{
    struct unit u, p;
    memset(&u, 0, sizeof(u));
    snprintf(u.name, sizeof(u.name), "%s", name ? name : "");
    u.kind = unit_kind_parse(kind);
    if (parent && *parent) {
        if (store_unit_find(svc->st, parent, &p, e) < 0)
            return -1;
        u.parent_id = p.id;
    }
    if (code && *code) {
        snprintf(u.code, sizeof(u.code), "%s", code);
    } else {
        int64_t n;
        if (store_counter_next(svc->st, "unit_code", &n, e) < 0)
            return -1;
        snprintf(u.code, sizeof(u.code), "U%04lld", (long long)n);
    }
    struct unit dup;
    struct err miss;
    if (store_unit_find(svc->st, u.name, &dup, &miss) == 0)
        return err_set(e, ERR_CONFLICT, "name", "a unit named '%s' already exists", u.name);
    if (code && *code && store_unit_find(svc->st, u.code, &dup, &miss) == 0)
        return err_set(e, ERR_CONFLICT, "code", "unit code '%s' is taken by '%s'", u.code,
                       dup.name);
    if (unit_validate(&u, u.parent_id ? &p : NULL, e) < 0 || store_unit_add(svc->st, &u, e) < 0 ||
        org_changed(svc, e) < 0)
        return -1;
    if (out)
        *out = u;
    return 0;
}

int svc_unit_add(struct service *svc, const struct actor *who, const char *name, const char *code, const char *kind,
                 const char *parent, struct unit *out, struct err *e)
{
    IN_TX(svc, e, guard(who, SUBJ_UNIT, "add", e) < 0 ? -1 : unit_add(svc, name, code, kind, parent, out, e));
}

int svc_password_hash(const char *password, char out[160], struct err *e)
{
    _Static_assert(crypto_pwhash_STRBYTES <= 160, "struct user holds an Argon2id string");
    if (user_password_validate(password, e) < 0)
        return -1;
    if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return err_set(e, ERR_IO, "password", "out of memory hashing the password");
    return 0;
}

static int user_add(struct service *svc, const char *username, const char *name,
                    const char *role, const char *unit, const char *phone, const char *password,
                    struct user *out, struct err *e)
{
    struct user u;
    memset(&u, 0, sizeof(u));
    snprintf(u.username, sizeof(u.username), "%s", username ? username : "");
    snprintf(u.name, sizeof(u.name), "%s", name ? name : "");
    snprintf(u.phone, sizeof(u.phone), "%s", phone ? phone : "");
    u.role = role_parse(role);
    if (username && strlen(username) >= sizeof(u.username))
        return err_set(e, ERR_INVALID, "username", "username is longer than 63 characters");
    if (unit && *unit) {
        struct unit un;
        if (store_unit_find(svc->st, unit, &un, e) < 0)
            return -1;
        u.unit_id = un.id;
    }
    if (user_validate(&u, e) < 0)
        return -1;
    if (password) {
        if (svc_password_hash(password, u.password_hash, e) < 0)
            return -1;
    }
    if (store_user_add(svc->st, &u, e) < 0)
        return -1;
    if (out)
        *out = u;
    return 0;
}

int svc_user_add(struct service *svc, const struct actor *who, const char *username, const char *name, const char *role,
                 const char *unit, const char *phone, const char *password, struct user *out,
                 struct err *e)
{
    IN_TX(svc, e, guard(who, SUBJ_USER, "add", e) < 0 ? -1 : user_add(svc, username, name, role, unit, phone, password, out, e));
}

int svc_password_check(const struct user *u, const char *password, struct err *e)
{
    if (!u->password_hash[0] ||
        crypto_pwhash_str_verify(u->password_hash, password, strlen(password)) != 0)
        return err_set(e, ERR_FORBIDDEN, "password", "wrong username or password");
    return 0;
}

static int ref_subject(int table)
{
    return table == REF_AREA ? SUBJ_AREA : SUBJ_CHANNEL;
}

static int ref_add(struct service *svc, int table, const char *name, const char *code, int sort,
                   struct ref *out, struct err *e)
{
    struct ref r;
    memset(&r, 0, sizeof(r));
    snprintf(r.name, sizeof(r.name), "%s", name ? name : "");
    r.sort = sort;
    if (code && *code) {
        snprintf(r.code, sizeof(r.code), "%s", code);
    } else {
        int64_t n;
        if (store_counter_next(svc->st, table == REF_AREA ? "area_code" : "channel_code", &n,
                               e) < 0)
            return -1;
        snprintf(r.code, sizeof(r.code), "%s%lld", table == REF_AREA ? "area" : "channel",
                 (long long)n);
    }
    if (ref_validate(&r, table == REF_AREA ? "area" : "channel", e) < 0 ||
        store_ref_add(svc->st, table, &r, e) < 0 || org_changed(svc, e) < 0)
        return -1;
    if (out)
        *out = r;
    return 0;
}

int svc_ref_add(struct service *svc, const struct actor *who, int table, const char *name, const char *code, int sort,
                struct ref *out, struct err *e)
{
    IN_TX(svc, e, guard(who, ref_subject(table), "add", e) < 0 ? -1 : ref_add(svc, table, name, code, sort, out, e));
}

static int ref_active(struct service *svc, int table, const char *name, int active,
                      struct err *e)
{
    struct ref r;
    if (store_ref_find(svc->st, table, name, &r, e) < 0)
        return -1;
    if (store_ref_set_active(svc->st, table, r.id, active, e) < 0)
        return -1;
    return org_changed(svc, e);
}

int svc_ref_set_active(struct service *svc, const struct actor *who, int table, const char *name, int active,
                       struct err *e)
{
    IN_TX(svc, e, guard(who, ref_subject(table), "add", e) < 0 ? -1 : ref_active(svc, table, name, active, e));
}

static int set_weekends(struct service *svc, int year, struct err *e)
{
    /* The core refuses a year with a notice or a provisional calendar. */
    if (calendar_year_mode(&svc->cal, year) != CAL_YEAR_WEEKENDS &&
        calendar_set_weekends_only(&svc->cal, year, e) < 0)
        return -1;
    return store_calendar_set_year(svc->st, year, CAL_YEAR_WEEKENDS, e);
}

int svc_calendar_set_weekends(struct service *svc, const struct actor *who, int year, struct err *e)
{
    IN_TX(svc, e, guard(who, SUBJ_CALENDAR, "update", e) < 0 ? -1 : set_weekends(svc, year, e));
}

static int set_day(struct service *svc, const char *date, const char *kind, const char *name,
                   struct err *e)
{
    int64_t d;
    if (civil_parse_date_checked(date, &d, e) < 0)
        return -1;
    int k = !strcmp(kind, "holiday") || !strcmp(kind, "休") ? CAL_HOLIDAY
            : !strcmp(kind, "workday") || !strcmp(kind, "班") ? CAL_WORKDAY
                                                              : 0;
    if (!k)
        return err_set(e, ERR_INVALID, "kind", "day kind must be 'holiday' or 'workday', not '%s'",
                       kind);
    if (calendar_set_day(&svc->cal, d, k, name, e) < 0)
        return -1;
    return store_calendar_set_day(svc->st, d, k, name, e);
}

int svc_calendar_set_day(struct service *svc, const struct actor *who, const char *date, const char *kind,
                         const char *name, struct err *e)
{
    IN_TX(svc, e, guard(who, SUBJ_CALENDAR, "update", e) < 0 ? -1 : set_day(svc, date, kind, name, e));
}

/* ---- reading the organisation and the calendar ---- */

int svc_unit_list(struct service *svc, const struct actor *who, struct unit **out, size_t *n,
                  struct err *e)
{
    *out = NULL;
    *n = 0;
    if (guard(who, SUBJ_UNIT, "read", e) < 0)
        return -1;
    return store_unit_list(svc->st, out, n, e);
}

int svc_ref_list(struct service *svc, const struct actor *who, int table, struct ref **out,
                 size_t *n, struct err *e)
{
    *out = NULL;
    *n = 0;
    if (guard(who, ref_subject(table), "read", e) < 0)
        return -1;
    return store_ref_list(svc->st, table, out, n, e);
}

int svc_user_list(struct service *svc, const struct actor *who, struct user **out, size_t *n,
                  struct err *e)
{
    *out = NULL;
    *n = 0;
    if (guard(who, SUBJ_USER, "read", e) < 0)
        return -1;
    return store_user_list(svc->st, out, n, e);
}

int svc_workday_add(struct service *svc, const struct actor *who, int64_t day, int n,
                    int64_t *out, struct err *e)
{
    if (guard(who, SUBJ_CALENDAR, "read", e) < 0)
        return -1;
    return calendar_add_workdays(&svc->cal, day, n, out, e);
}

int svc_workday_is(struct service *svc, const struct actor *who, int64_t day, int *work,
                   const char **name, struct err *e)
{
    if (guard(who, SUBJ_CALENDAR, "read", e) < 0 ||
        calendar_is_workday(&svc->cal, day, work, e) < 0)
        return -1;
    const struct cal_day *d = calendar_find(&svc->cal, day);
    *name = d ? d->name : NULL;
    return 0;
}
