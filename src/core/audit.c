/* audit.c -- sealing events into a hash chain. Each field enters the hash as its length,
 * a colon and its bytes, so no two different events can serialise alike. */
#include "core/audit.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "util/banned.h"

static void put(crypto_hash_sha256_state *st, const char *s)
{
    char len[24];
    size_t n = strlen(s);
    int k = snprintf(len, sizeof(len), "%zu:", n);
    crypto_hash_sha256_update(st, (const unsigned char *)len, (unsigned long long)k);
    crypto_hash_sha256_update(st, (const unsigned char *)s, n);
}

static void put_int(crypto_hash_sha256_state *st, long long v)
{
    char num[24];
    snprintf(num, sizeof(num), "%lld", v);
    put(st, num);
}

static void compute(const struct event *ev, const char *prev, char out[65])
{
    crypto_hash_sha256_state st;
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&st);
    put(&st, "shishi-event-v1");
    put(&st, prev);
    put_int(&st, ev->id);
    put_int(&st, ev->appeal_id);
    put_int(&st, ev->seq);
    put_int(&st, ev->at);
    put_int(&st, ev->actor_id);
    put(&st, ev->actor);
    put(&st, ev->action);
    put_int(&st, ev->from_state);
    put_int(&st, ev->to_state);
    put(&st, ev->details ? ev->details : "");
    crypto_hash_sha256_final(&st, digest);
    sodium_bin2hex(out, 65, digest, sizeof(digest));
}

void audit_seal(struct event *ev, const char *prev)
{
    snprintf(ev->prev_hash, sizeof(ev->prev_hash), "%s", prev);
    compute(ev, ev->prev_hash, ev->hash);
}

int audit_check(const struct event *ev)
{
    char want[65];
    compute(ev, ev->prev_hash, want);
    return sodium_memcmp(want, ev->hash, 64) == 0 && ev->hash[64] == '\0' ? 0 : -1;
}
