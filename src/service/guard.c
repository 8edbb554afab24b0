/* guard.c -- the service's questions to the policy (see guard.h). */
#include "service/guard.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "util/banned.h"

int guard_tree(struct service *svc, struct unit_tree *t, struct err *e)
{
    const struct names *n = names_cached(svc, e);
    if (!n)
        return -1;
    t->units = n->units;
    t->n = n->nunits;
    return 0;
}

int guard_appeal(struct service *svc, const struct actor *who, const char *verb,
                 const struct appeal *a, struct err *e)
{
    if (who->role == ROLE_SYSTEM)
        return 0;
    /* Only a subtree scope needs the units: reading them costs a query, and a document's
     * allowed_actions asks once per action. */
    struct unit_tree tree = {NULL, 0};
    if (policy_scope(who, SUBJ_APPEAL, verb) == SCOPE_TREE && guard_tree(svc, &tree, e) < 0)
        return -1;
    char name[APPEAL_CODE_LEN + 8];
    snprintf(name, sizeof(name), "appeal %s", a->code);
    struct policy_target t = {.name = name,
                              .unit = a->lead_unit_id,
                              .assist = a->assist,
                              .nassist = a->n_assist,
                              .phone = a->phone,
                              .phone_last4 = who->phone_last4,
                              .tree = &tree};
    return policy_can(who, SUBJ_APPEAL, verb, &t, e);
}

int guard_appeal_ok(struct service *svc, const struct actor *who, const char *verb,
                    const struct appeal *a)
{
    struct err ignore;
    return guard_appeal(svc, who, verb, a, &ignore) == 0;
}

int guard_appeal_filter(const struct actor *who, struct appeal_filter *f, struct err *e)
{
    switch (policy_scope(who, SUBJ_APPEAL, "read")) {
    case SCOPE_ANY:
        return 0;
    case SCOPE_UNIT:
        f->scope_unit = who->unit_id ? who->unit_id : -1; /* -1: no unit, nothing */
        return 0;
    case SCOPE_TREE:
        f->lead_under = who->unit_id;
        return 0;
    }
    if (policy_can(who, SUBJ_APPEAL, "read", NULL, e) < 0)
        return -1;
    return err_set(e, ERR_FORBIDDEN, "actor",
                   "user '%s' may not list appeals: follow one by its code instead", who->name);
}

int guard_reader_init(struct service *svc, const struct actor *who, struct guard_reader *g,
                      struct err *e)
{
    g->who = *who;
    g->scope = policy_scope(who, SUBJ_APPEAL, "read");
    g->tree.units = NULL;
    g->tree.n = 0;
    return g->scope == SCOPE_TREE ? guard_tree(svc, &g->tree, e) : 0;
}

/* Lists show appeals by their lead unit: an assisting unit's reader (a handler) sees its
 * appeals one by one, not in the district's lists, which it may not read anyway. */
int guard_reader_sees(const struct guard_reader *g, int64_t lead_unit)
{
    if (g->scope == SCOPE_ANY)
        return 1;
    struct policy_target t = {.unit = lead_unit, .tree = &g->tree};
    return policy_in_scope(g->scope, &g->who, &t);
}

int guard(const struct actor *who, int subject, const char *verb, struct err *e)
{
    return policy_can(who, subject, verb, NULL, e);
}

int guard_to(const struct actor *who, int subject, const char *verb, const char *what,
             struct err *e)
{
    return policy_can_to(who, subject, verb, NULL, what, e);
}

json_t *svc_permissions_json(const struct actor *who)
{
    size_t n;
    const struct policy_row *rows = policy_rows(&n);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        if (policy_scope(who, rows[i].subject, rows[i].verb) != SCOPE_NO) {
            char name[64];
            snprintf(name, sizeof(name), "%s.%s", subject_code(rows[i].subject), rows[i].verb);
            json_array_append_new(arr, json_string(name));
        }
    return arr;
}
