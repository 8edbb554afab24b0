/* audit.h -- the tamper-evident history: every event is sealed with
 * hash = SHA-256(prev_hash ‖ event), chaining all events of the ledger in id order.
 * The first event's prev_hash is 64 zeros. Any edit, deletion, insertion or reordering of
 * events breaks the chain at the first event touched; removing events from the end is
 * caught against the chain head the store keeps beside the events. */
#ifndef SHISHI_AUDIT_H
#define SHISHI_AUDIT_H

#include <sodium.h>

#include "core/appeal.h"

#define AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* SHA-256 over every stored field of the appeal, in a fixed order: each event records the
 * digest of the row it produced, so `audit verify` notices a row edited behind the
 * history's back (a deadline moved, a lead unit swapped, a reply rewritten). */
void appeal_digest(const struct appeal *a, char out[65]);

/* Feeds one field into a hash as its length, a colon and its bytes, so no two different
 * sequences of fields hash alike: the encoding of every seal and digest. */
void audit_put(crypto_hash_sha256_state *h, const char *s);

/* Sets ev->prev_hash to `prev` and ev->hash to the seal over prev and every field. */
void audit_seal(struct event *ev, const char *prev);
/* Recomputes the seal of ev with its own prev_hash; 0 when ev->hash matches. */
int audit_check(const struct event *ev);

#endif
