/* auth.c -- logins, sessions and throttling. Tokens are 256 random bits handed to the
 * client once; the database keeps only their SHA-256, so a copy of it opens no session. */
#include "service/service.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "util/banned.h"


static void random_hex(char *out, size_t bytes)
{
    unsigned char raw[32];
    randombytes_buf(raw, bytes);
    sodium_bin2hex(out, bytes * 2 + 1, raw, bytes);
}

static void token_hash(const char *token, char out[65])
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)token, strlen(token));
    sodium_bin2hex(out, 65, digest, sizeof(digest));
}

/* Seconds a key must still wait, 0 when it may try now. */
static int64_t wait_for(const struct throttle *t, int64_t now)
{
    if (t->locked_until > now)
        return t->locked_until - now;
    if (t->failures >= LOGIN_SLOW_AFTER) {
        int shift = t->failures - LOGIN_SLOW_AFTER;
        int64_t delay = shift >= 6 ? 60 : (int64_t)1 << shift;
        /* Times are whole seconds: a try one tick after the failure may be a millisecond
         * later, so `delay` has surely passed only once more than `delay` ticks have. */
        if (now - t->last_at <= delay)
            return delay + 1 - (now - t->last_at);
    }
    return 0;
}

static int note_failure(struct service *svc, const char *key, int64_t now, struct err *e)
{
    struct throttle t;
    if (store_throttle_get(svc->st, key, &t, e) < 0)
        return -1;
    if (t.locked_until && t.locked_until <= now)
        t.failures = 0; /* a lock served wipes the slate */
    t.failures++;
    t.last_at = now;
    t.locked_until = t.failures >= LOGIN_LOCK_AFTER ? now + LOGIN_LOCK_SECONDS : 0;
    return store_throttle_put(svc->st, key, &t, e);
}

int svc_login(struct service *svc, const char *username, const char *password, const char *addr,
              int64_t now, struct login *out, struct err *e)
{
    char ukey[96], akey[96];
    struct throttle tu, ta;
    struct user u;
    struct err miss;
    memset(out, 0, sizeof(*out));
    if (!username || !*username || !password)
        return err_set(e, ERR_INVALID, "username", "username and password are required");
    snprintf(ukey, sizeof(ukey), "user:%.80s", username);
    snprintf(akey, sizeof(akey), "addr:%.80s", addr ? addr : "-");
    if (store_throttle_get(svc->st, ukey, &tu, e) < 0 ||
        store_throttle_get(svc->st, akey, &ta, e) < 0)
        return -1;
    int64_t wait = wait_for(&tu, now) > wait_for(&ta, now) ? wait_for(&tu, now) : wait_for(&ta, now);
    if (wait > 0)
        return err_set(e, ERR_THROTTLED, "username",
                       "too many failed logins: try again in %lld seconds", (long long)wait);
    int found = store_user_find(svc->st, username, &u, &miss) == 0 && u.active;
    if (!found || svc_password_check(&u, password, &miss) < 0) {
        if (store_begin(svc->st, e) < 0)
            return -1;
        if (note_failure(svc, ukey, now, e) < 0 || note_failure(svc, akey, now, e) < 0 ||
            store_commit(svc->st, e) < 0) {
            store_rollback(svc->st);
            return -1;
        }
        return err_set(e, ERR_UNAUTHORIZED, "password", "wrong username or password");
    }
    struct session_row row;
    memset(&row, 0, sizeof(row));
    random_hex(out->token, 32);
    random_hex(out->csrf, 32);
    token_hash(out->token, row.token_hash);
    snprintf(row.csrf, sizeof(row.csrf), "%s", out->csrf);
    row.user_id = u.id;
    row.created_at = now;
    row.expires_at = out->expires_at = now + SESSION_TTL;
    if (store_begin(svc->st, e) < 0)
        return -1;
    if (store_throttle_clear(svc->st, ukey, e) < 0 || store_session_purge(svc->st, now, e) < 0 ||
        store_session_add(svc->st, &row, e) < 0 || store_commit(svc->st, e) < 0) {
        store_rollback(svc->st);
        return -1;
    }
    out->actor.user_id = u.id;
    out->actor.role = u.role;
    out->actor.unit_id = u.unit_id;
    snprintf(out->actor.name, sizeof(out->actor.name), "%s", u.username);
    return 0;
}

int svc_session(struct service *svc, const char *token, int64_t now, struct actor *who,
                char csrf[65], struct err *e)
{
    struct session_row row;
    char hash[65];
    struct err miss;
    if (!token || strlen(token) != 64)
        return err_set(e, ERR_UNAUTHORIZED, "session", "not logged in");
    token_hash(token, hash);
    if (store_session_get(svc->st, hash, &row, &miss) < 0) {
        if (miss.code != ERR_NOT_FOUND) {
            *e = miss;
            return -1;
        }
        return err_set(e, ERR_UNAUTHORIZED, "session", "not logged in or the session has ended");
    }
    if (row.expires_at <= now)
        return err_set(e, ERR_UNAUTHORIZED, "session", "the session has expired: log in again");
    if (svc_actor(svc, NULL, who, e) < 0)
        return -1;
    struct user u;
    if (store_user_get(svc->st, row.user_id, &u, e) < 0)
        return -1;
    if (!u.active)
        return err_set(e, ERR_UNAUTHORIZED, "session", "user '%s' is disabled", u.username);
    who->user_id = u.id;
    who->role = u.role;
    who->unit_id = u.unit_id;
    snprintf(who->name, sizeof(who->name), "%s", u.username);
    if (csrf)
        snprintf(csrf, 65, "%s", row.csrf);
    return 0;
}

int svc_logout(struct service *svc, const char *token, struct err *e)
{
    char hash[65];
    if (!token)
        return 0;
    token_hash(token, hash);
    return store_session_delete(svc->st, hash, e);
}

int svc_rate_limit(struct service *svc, const char *key, int window_seconds, int max,
                   int64_t now, struct err *e)
{
    int count = 0;
    if (store_begin(svc->st, e) < 0)
        return -1;
    if (store_rate_hit(svc->st, key, now / window_seconds, &count, e) < 0 ||
        store_commit(svc->st, e) < 0) {
        store_rollback(svc->st);
        return -1;
    }
    if (count > max)
        return err_set(e, ERR_THROTTLED, "", "too many requests: at most %d per %d seconds", max,
                       window_seconds);
    return 0;
}
