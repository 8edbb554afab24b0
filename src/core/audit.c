/* audit.c -- sealing events into a hash chain. Each field enters the hash as its length,
 * a colon and its bytes, so no two different events can serialise alike. */
#include "core/audit.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "util/banned.h"


void audit_put(crypto_hash_sha256_state *st, const char *s)
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
    audit_put(st, num);
}

static void compute(const struct event *ev, const char *prev, char out[65])
{
    crypto_hash_sha256_state st;
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&st);
    audit_put(&st, "shishi-event-v1");
    audit_put(&st, prev);
    put_int(&st, ev->id);
    put_int(&st, ev->appeal_id);
    put_int(&st, ev->seq);
    put_int(&st, ev->at);
    put_int(&st, ev->actor_id);
    audit_put(&st, ev->actor);
    audit_put(&st, ev->action);
    put_int(&st, ev->from_state);
    put_int(&st, ev->to_state);
    audit_put(&st, ev->details ? ev->details : "");
    if (ev->row_digest[0]) /* events before migration 0004 carry none */
        audit_put(&st, ev->row_digest);
    if (ev->subject[0]) { /* not an appeal's (migration 0008): appeal events hash as before */
        audit_put(&st, ev->subject);
        put_int(&st, ev->subject_id);
    }
    crypto_hash_sha256_final(&st, digest);
    sodium_bin2hex(out, 65, digest, sizeof(digest));
}

void appeal_digest(const struct appeal *a, char out[65])
{
    crypto_hash_sha256_state st;
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&st);
    audit_put(&st, "shishi-appeal-v1");
    const char *texts[] = {a->code,         a->title,   a->content,   a->citizen_name,
                           a->phone,        a->id_number, a->address, a->reply_text};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        audit_put(&st, texts[i] ? texts[i] : "");
    const long long nums[] = {
        a->id,           a->channel_id,    a->area_id,       a->kind,          a->urgency,
        a->complex,      a->state,         a->lead_unit_id,  a->received_at,   a->dispatched_at,
        a->sign_deadline, a->accepted_at,  a->deadline,      a->replied_at,    a->visited_at,
        a->closed_at,    a->ext_requested, a->ext_count,     a->urge_count,    a->supervise_level,
        a->redo_count,   a->return_count,  a->merged_into,   a->visit_solved,
        a->visit_satisfaction, a->evidence_count, a->version, a->last_seq, a->n_assist,
        a->updated_at};
    for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
        put_int(&st, nums[i]);
    for (int i = 0; i < a->n_assist && i < APPEAL_MAX_ASSIST; i++)
        put_int(&st, a->assist[i]);
    /* Fields added later enter only when set, so rows sealed before them still verify. */
    if (a->contacted_at)
        put_int(&st, a->contacted_at);
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
