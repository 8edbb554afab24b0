/* guard.h -- how the service asks the policy (core/policy.c): the target of an appeal, the
 * unit tree for leaders' scopes, and a role's scope turned into a store filter. Private to
 * src/service/: interfaces never ask, they call a use case and get its refusal. */
#ifndef SHISHI_GUARD_H
#define SHISHI_GUARD_H

#include "core/policy.h"
#include "service/service.h"
#include "service/view.h"

/* The site's units as the policy's tree, from the service's cache of names (valid until the
 * next change of the organisation is seen). */
int guard_tree(struct service *svc, struct unit_tree *t, struct err *e);

/* May `who` `verb` appeal `a` (read, unmask, or an action's code)? 0, or -1 with e. */
int guard_appeal(struct service *svc, const struct actor *who, const char *verb,
                 const struct appeal *a, struct err *e);
/* The same answer without the reason: 1 allowed, 0 not (or the tree could not be read). */
int guard_appeal_ok(struct service *svc, const struct actor *who, const char *verb,
                    const struct appeal *a);

/* Narrows an appeal filter to what `who` may read: nothing for SCOPE_ANY, the lead or
 * assisting unit for a handler, the subtree of the leader's unit. ERR_FORBIDDEN when the role
 * reads no appeals at all. */
int guard_appeal_filter(const struct actor *who, struct appeal_filter *f, struct err *e);

/* A reader of many appeals at once (explain lists, the bulletin's lists and ledger): which of
 * them the appeal read policy lets it see, asked once per appeal without a lookup. */
struct guard_reader {
    struct actor who;
    int scope;
    struct unit_tree tree;
};
int guard_reader_init(struct service *svc, const struct actor *who, struct guard_reader *g,
                      struct err *e);
int guard_reader_sees(const struct guard_reader *g, int64_t lead_unit);

/* policy_can with no target, the refusal naming the deed in the caller's words. */
int guard_to(const struct actor *who, int subject, const char *verb, const char *what,
             struct err *e);

/* A refusal of `verb` on `subject` in general (no one target): policy_can with no target. */
int guard(const struct actor *who, int subject, const char *verb, struct err *e);

#endif
