/* auth.c -- logins, sessions and throttling. Tokens are 256 random bits handed to the
 * client once; the database keeps only their SHA-256, so a copy of it opens no session. */
#include "service/service.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

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

/* How one kind of key is throttled: an account by its own failures, an address only by
 * many failures across accounts (an office behind one NAT shares its address). */
struct throttle_rule {
    const char *prefix;
    int slow_after, lock_after;
};
static const struct throttle_rule account_rule = {"user:", LOGIN_SLOW_AFTER, LOGIN_LOCK_AFTER};
static const struct throttle_rule address_rule = {"addr:", LOGIN_ADDR_SLOW_AFTER,
                                                  LOGIN_ADDR_LOCK_AFTER};

/* An Argon2id string (the parameters svc_user_add hashes with) of a password nobody uses:
 * an unknown or disabled user costs the same verify as a known one, so the answer's timing
 * does not tell which usernames exist. */
static const char dummy_hash[crypto_pwhash_STRBYTES] =
    "$argon2id$v=19$m=65536,t=2,p=1$wOvZqlXqwbTIoDG/pTn/VA$"
    "HloFF10YRFipxrGfREDGl4V13wAj4PoiHiE+R2Ghipc";

/* Failures older than the window, or before a lock that has been served, no longer count. */
static void expire(struct throttle *t, int64_t now)
{
    if ((t->locked_until && t->locked_until <= now) ||
        (t->failures && now - t->last_at > LOGIN_WINDOW_SECONDS)) {
        t->failures = 0;
        t->locked_until = 0;
    }
}

/* Seconds a key must still wait, 0 when it may try now. */
static int64_t wait_for(const struct throttle *t, const struct throttle_rule *rule, int64_t now)
{
    if (t->locked_until > now)
        return t->locked_until - now;
    if (t->failures >= rule->slow_after) {
        int shift = t->failures - rule->slow_after;
        int64_t delay = shift >= 6 ? LOGIN_MAX_DELAY : (int64_t)1 << shift;
        /* Times are whole seconds: a try one tick after the failure may be a millisecond
         * later, so `delay` has surely passed only once more than `delay` ticks have. */
        if (now - t->last_at <= delay)
            return delay + 1 - (now - t->last_at);
    }
    return 0;
}

/* Counts one attempt against t (before its password is checked). */
static void count_attempt(struct throttle *t, const struct throttle_rule *rule, int64_t now)
{
    t->failures++;
    t->last_at = now;
    t->locked_until = t->failures >= rule->lock_after ? now + LOGIN_LOCK_SECONDS : 0;
}

/* Step 1 of a login, one write transaction: lock both keys' counters, refuse if either must
 * wait, else count this attempt as a failure on both before any password is checked. Two
 * logins for one account therefore never both pass a check that only one of them should:
 * at most LOGIN_SLOW_AFTER passwords are checked before the account waits. The user row is
 * read in the same transaction. */
static int admit(struct service *svc, const char *ukey, const char *akey, const char *username,
                 int64_t now, struct user *u, int *found, struct err *e)
{
    struct throttle tu, ta;
    struct err miss;
    if (store_throttle_lock(svc->st, ukey, &tu, e) < 0 ||
        store_throttle_lock(svc->st, akey, &ta, e) < 0)
        return -1;
    expire(&tu, now);
    expire(&ta, now);
    int64_t wu = wait_for(&tu, &account_rule, now), wa = wait_for(&ta, &address_rule, now);
    int64_t wait = wu > wa ? wu : wa;
    if (wait > 0)
        return err_set(e, ERR_THROTTLED, "username",
                       "登录失败次数过多，请 %lld 秒后再试 (too many failed logins: try again in "
                       "%lld %s)",
                       (long long)wait, (long long)wait, wait == 1 ? "second" : "seconds");
    count_attempt(&tu, &account_rule, now);
    count_attempt(&ta, &address_rule, now);
    if (store_throttle_put(svc->st, ukey, &tu, e) < 0 ||
        store_throttle_put(svc->st, akey, &ta, e) < 0)
        return -1;
    *found = store_user_find(svc->st, username, u, &miss) == 0;
    if (!*found && miss.code != ERR_NOT_FOUND) {
        *e = miss;
        return -1;
    }
    return 0;
}

/* After a wrong password whose check took `spent` whole seconds (a slow or loaded machine):
 * the failure happened then, not when it was counted, so the wait runs from there. */
static int note_failure_end(struct service *svc, const char *key, int64_t at, struct err *e)
{
    struct throttle t;
    if (store_throttle_lock(svc->st, key, &t, e) < 0)
        return -1;
    if (t.failures == 0 || t.last_at >= at)
        return 0;
    t.last_at = at;
    return store_throttle_put(svc->st, key, &t, e);
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Step 3 after a right password: the account's failures are wiped, the address gets back
 * the attempt step 1 counted, and the session is stored. */
static int open_session(struct service *svc, const char *ukey, const char *akey,
                        const struct session_row *row, int64_t now, struct err *e)
{
    struct throttle ta;
    if (store_throttle_clear(svc->st, ukey, e) < 0 ||
        store_throttle_lock(svc->st, akey, &ta, e) < 0)
        return -1;
    if (ta.failures > 0)
        ta.failures--;
    if (ta.failures < LOGIN_ADDR_LOCK_AFTER)
        ta.locked_until = 0;
    if ((ta.failures ? store_throttle_put(svc->st, akey, &ta, e)
                     : store_throttle_clear(svc->st, akey, e)) < 0)
        return -1;
    return store_session_purge(svc->st, now, e) < 0 ? -1 : store_session_add(svc->st, row, e);
}

int svc_login_forget_account(struct service *svc, const char *username, struct err *e)
{
    char ukey[96];
    snprintf(ukey, sizeof(ukey), "%s%.80s", account_rule.prefix, username);
    return store_throttle_clear(svc->st, ukey, e);
}

int svc_login(struct service *svc, const char *username, const char *password, const char *addr,
              int64_t now, struct login *out, struct err *e)
{
    char ukey[96], akey[96];
    struct user u;
    int found = 0;
    memset(out, 0, sizeof(*out));
    memset(&u, 0, sizeof(u));
    if (!username || !*username || !password)
        return err_set(e, ERR_INVALID, "username",
                       "请填写用户名和密码 (username and password are required)");
    snprintf(ukey, sizeof(ukey), "%s%.80s", account_rule.prefix, username);
    snprintf(akey, sizeof(akey), "%s%.80s", address_rule.prefix, addr && *addr ? addr : "-");
    if (store_begin(svc->st, e) < 0)
        return -1;
    if (admit(svc, ukey, akey, username, now, &u, &found, e) < 0 || store_commit(svc->st, e) < 0) {
        store_rollback(svc->st);
        return -1;
    }
    /* Step 2, outside any transaction: one Argon2id verify whoever asked. */
    int usable = found && u.active && u.password_hash[0];
    const char *hash = usable ? u.password_hash : dummy_hash;
    int64_t t0 = mono_ms();
    int match = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
    int64_t spent = (mono_ms() - t0) / 1000;
    if (!usable || !match) {
        if (spent > 0) {
            if (store_begin(svc->st, e) < 0)
                return -1;
            if (note_failure_end(svc, ukey, now + spent, e) < 0 ||
                note_failure_end(svc, akey, now + spent, e) < 0 || store_commit(svc->st, e) < 0) {
                store_rollback(svc->st);
                return -1;
            }
        }
        return err_set(e, ERR_UNAUTHORIZED, "password",
                       "用户名或密码错误 (wrong username or password)");
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
    if (open_session(svc, ukey, akey, &row, now, e) < 0 || store_commit(svc->st, e) < 0) {
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
        return err_set(e, ERR_THROTTLED, "",
                       "请求过于频繁，每 %d 秒最多 %d 次 (too many requests: at most %d per %d %s)",
                       window_seconds, max, max, window_seconds,
                       window_seconds == 1 ? "second" : "seconds");
    return 0;
}
