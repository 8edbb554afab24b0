/* policy.h -- who may do what: one table (core/policy.c) of {subject, verb} -> for each role,
 * the scope within which it may act. Every service entry point asks policy_can() inside its
 * transaction; interfaces never decide a permission. The system actor (the program itself and
 * the local operator without --as) may do everything and is not in the table. */
#ifndef SHISHI_POLICY_H
#define SHISHI_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "core/appeal.h"
#include "core/org.h"
#include "util/err.h"

enum subject {
    SUBJ_APPEAL = 0,
    SUBJ_REPORT,
    SUBJ_BULLETIN,
    SUBJ_RULES,
    SUBJ_AUDIT,
    SUBJ_UNIT,
    SUBJ_USER,
    SUBJ_AREA,
    SUBJ_CHANNEL,
    SUBJ_CALENDAR,
    SUBJ_PROJECT,
    SUBJ_TASK, /* an item of the task or problem list */
    SUBJ_LEADER,
    SUBJ_ENTERPRISE,
    SUBJ_VISIT,
    SUBJ_VOTE,
    SUBJ_COUNT_
};

/* Within what a role may act. */
enum scope {
    SCOPE_NO = 0, /* not at all */
    SCOPE_ANY,    /* every target */
    SCOPE_LEAD,   /* targets the actor's unit leads (an appeal's lead unit, a project's lead
                     unit, a list item's owner) */
    SCOPE_UNIT,   /* targets the actor's unit leads or assists */
    SCOPE_TREE,   /* targets led by the actor's unit or a unit below it; every target when
                     the actor has no unit */
    SCOPE_OWN,    /* the actor's own records (their leader's visits, their own account) */
    SCOPE_PUBLIC, /* a citizen holding the appeal's code and its phone's last four digits */
    SCOPE_COUNT_
};

/* The units of the site, for SCOPE_TREE (listed by id, as the service caches them). */
struct unit_tree {
    const struct unit *units;
    size_t n;
};

/* What the rule needs to know of the target; zero where it does not apply. */
struct policy_target {
    const char *name;      /* for the reason: "appeal YD202101040001" */
    int64_t unit;          /* the unit it belongs to (lead unit, owner) */
    const int64_t *assist; /* assisting units (appeals) */
    int nassist;
    int64_t owner_user;       /* the user whose own record it is */
    const char *phone;        /* the appeal's phone (SCOPE_PUBLIC) */
    const char *phone_last4;  /* what the citizen gave */
    const struct unit_tree *tree;
};

const char *subject_code(int subject); /* "appeal" ... */
int subject_parse(const char *s);      /* -1 when unknown */
const char *scope_code(int scope);     /* "any", "lead" ... */

/* 0 when `who` may `verb` the `subject` (the target may be NULL for a question about the
 * kind, e.g. "may this role register appeals at all"); -1 with ERR_FORBIDDEN and the reason
 * in e otherwise. An unknown verb is refused (ERR_FORBIDDEN naming it): a missing row
 * forbids. */
int policy_can(const struct actor *who, int subject, const char *verb,
               const struct policy_target *t, struct err *e);
/* The same, with the refusal naming the deed in the caller's words ("change a roster",
 * "close item WT2021-0001") instead of the table's. */
int policy_can_to(const struct actor *who, int subject, const char *verb,
                  const struct policy_target *t, const char *what, struct err *e);
/* Whether target t lies within `scope` for `who` (what policy_can checks after the role). */
int policy_in_scope(int scope, const struct actor *who, const struct policy_target *t);
/* The scope the actor's role has for {subject, verb}: SCOPE_ANY for the system. */
int policy_scope(const struct actor *who, int subject, const char *verb);
/* Unit `id` of the tree, or NULL (units are listed by id and dense: the slot is tried first). */
const struct unit *unit_tree_get(const struct unit_tree *t, int64_t id);
/* Whether unit `u` is `top` or sits below it. */
int unit_tree_under(const struct unit_tree *t, int64_t u, int64_t top);

/* Walks the table: cb(subject, verb, scopes by role) for each row in order. */
struct policy_row {
    int subject;
    const char *verb;
    const char *what;  /* in refusals: "user 'x' may not <what> <target>" */
    const char *label; /* what the verb means, in Chinese */
    unsigned char scope[ROLE_COUNT_]; /* by role; ROLE_SYSTEM is always allowed */
};
const struct policy_row *policy_rows(size_t *n);
/* The roles the table has a column for, in the table's order (the system has none). */
const int *policy_roles(size_t *n);

#endif
