/* vote.c -- the deputies' vote: states, ballot checks and the count (rules in vote.h).
 * Invariant: nothing here does I/O; every refusal names the session, deputy or candidate. */
#include "core/vote.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

#include "util/banned.h"

static const char *const state_codes[] = {"?", "draft", "open", "closed"};
static const char *const state_labels[] = {"?", "筹备", "投票中", "已结束"};
static const char *const choice_codes[] = {"?", "yes", "no", "abstain"};
static const char *const choice_labels[] = {"?", "赞成", "反对", "弃权"};

const char *vote_state_code(int s)
{
    return s >= VOTE_DRAFT && s <= VOTE_CLOSED ? state_codes[s] : "?";
}

const char *vote_state_label(int s)
{
    return s >= VOTE_DRAFT && s <= VOTE_CLOSED ? state_labels[s] : "?";
}

const char *vote_choice_code(int c)
{
    return c >= CHOICE_YES && c <= CHOICE_ABSTAIN ? choice_codes[c] : "?";
}

const char *vote_choice_label(int c)
{
    return c >= CHOICE_YES && c <= CHOICE_ABSTAIN ? choice_labels[c] : "?";
}

int vote_choice_parse(const char *s, int *out, struct err *e)
{
    for (int c = CHOICE_YES; s && c <= CHOICE_ABSTAIN; c++)
        if (!strcmp(s, choice_codes[c]) || !strcmp(s, choice_labels[c])) {
            *out = c;
            return 0;
        }
    return err_set(e, ERR_INVALID, "choice",
                   "unknown choice '%s' (赞成/yes, 反对/no, 弃权/abstain)", s ? s : "");
}

const char *vote_rule_code(int r)
{
    return r == RULE_MAJORITY_OF_VOTERS ? "majority_of_voters" : "majority_of_all";
}

int vote_rule_parse(const char *s, int *out, struct err *e)
{
    if (!s || !*s || !strcmp(s, "majority_of_all")) {
        *out = RULE_MAJORITY_OF_ALL;
        return 0;
    }
    if (!strcmp(s, "majority_of_voters")) {
        *out = RULE_MAJORITY_OF_VOTERS;
        return 0;
    }
    return err_set(e, ERR_INVALID, "rule",
                   "unknown rule '%s' (majority_of_all, majority_of_voters)", s);
}

int vote_check_edit(int state, const char *code, const char *what, struct err *e)
{
    if (state != VOTE_DRAFT)
        return err_set(e, ERR_STATE, "state",
                       "vote session %s is %s (%s): %s are added only while it is 筹备 (draft)",
                       code, vote_state_label(state), vote_state_code(state), what);
    return 0;
}

int vote_check_open(int state, const char *code, int ncand, int ndep, struct err *e)
{
    if (state != VOTE_DRAFT)
        return err_set(e, ERR_STATE, "state",
                       "vote session %s is %s (%s): only a draft session can be opened", code,
                       vote_state_label(state), vote_state_code(state));
    if (ncand < 1)
        return err_set(e, ERR_STATE, "candidates",
                       "vote session %s has no candidate: add one before opening", code);
    if (ndep < 1)
        return err_set(e, ERR_STATE, "deputies",
                       "vote session %s has no deputy on its roster: add them before opening",
                       code);
    return 0;
}

int vote_check_close(int state, const char *code, struct err *e)
{
    if (state != VOTE_OPEN)
        return err_set(e, ERR_STATE, "state",
                       "vote session %s is %s (%s): only an open session can be closed", code,
                       vote_state_label(state), vote_state_code(state));
    return 0;
}

int vote_check_ballot(const struct vote_ballot_check *b, struct err *e)
{
    if (b->state != VOTE_OPEN)
        return err_set(e, ERR_STATE, "state",
                       "vote session %s is %s (%s): ballot of deputy '%s' on candidate %lld "
                       "refused, ballots are cast only while it is 投票中 (open)",
                       b->code, vote_state_label(b->state), vote_state_code(b->state), b->deputy,
                       (long long)b->cand_seq);
    if (!b->on_roster)
        return err_set(e, ERR_NOT_FOUND, "deputy",
                       "deputy '%s' is not on the roster of vote session %s", b->deputy, b->code);
    if (!b->cand_exists)
        return err_set(e, ERR_NOT_FOUND, "candidate", "vote session %s has no candidate %lld",
                       b->code, (long long)b->cand_seq);
    if (b->already)
        return err_set(e, ERR_CONFLICT, "ballot",
                       "deputy '%s' has already voted on candidate %lld of vote session %s",
                       b->deputy, (long long)b->cand_seq, b->code);
    return 0;
}

/* ---- the count --------------------------------------------------------------------------- */

static int passes(const struct vote_tally *t, const struct vote_count *c)
{
    int base = t->rule == RULE_MAJORITY_OF_VOTERS ? c->voters : t->roster;
    return c->yes * 2 > base;
}

void vote_tally(struct vote_tally *t, const struct vote_ballot *b, size_t nb)
{
    char *voted = xcalloc((size_t)(t->roster > 0 ? t->roster : 1), 1);
    memset(t->c, 0, sizeof(*t->c) * (size_t)t->ncand);
    t->turnout = t->nchosen = t->ntied = 0;
    for (size_t i = 0; i < nb; i++) {
        if (b[i].deputy < 0 || b[i].deputy >= t->roster || b[i].cand < 0 || b[i].cand >= t->ncand)
            continue;
        struct vote_count *c = &t->c[b[i].cand];
        c->voters++;
        if (b[i].choice == CHOICE_YES)
            c->yes++;
        else if (b[i].choice == CHOICE_NO)
            c->no++;
        else
            c->abstain++;
        if (!voted[b[i].deputy]) {
            voted[b[i].deputy] = 1;
            t->turnout++;
        }
    }
    free(voted);

    if (t->quorum > 0) {
        t->quorum_needed = t->quorum;
        t->quorum_met = t->turnout >= t->quorum;
    } else {
        t->quorum_needed = t->roster / 2 + 1; /* the least n with n * 2 > roster */
        t->quorum_met = t->turnout * 2 > t->roster;
    }
    if (!t->quorum_met) {
        snprintf(t->why, sizeof(t->why),
                 "未达法定人数，表决无效: %d of %d deputies voted, %d needed (quorum not met)",
                 t->turnout, t->roster, t->quorum_needed);
        return;
    }
    int npassed = 0;
    for (int i = 0; i < t->ncand; i++)
        if (passes(t, &t->c[i])) {
            t->c[i].passed = 1;
            npassed++;
        }
    for (int i = 0; i < t->ncand; i++) {
        struct vote_count *c = &t->c[i];
        if (!c->passed)
            continue;
        int above = 0, group = 0;
        for (int k = 0; k < t->ncand; k++) {
            if (!t->c[k].passed)
                continue;
            above += t->c[k].yes > c->yes;
            group += t->c[k].yes == c->yes;
        }
        c->rank = above + 1;
        if (t->max_select == 0 || c->rank + group - 1 <= t->max_select)
            c->chosen = 1;
        else if (c->rank <= t->max_select)
            c->tied = 1;
        t->nchosen += c->chosen;
        t->ntied += c->tied;
    }
    int n = snprintf(t->why, sizeof(t->why), "%d of %d deputies voted; %d passed, %d chosen",
                     t->turnout, t->roster, npassed, t->nchosen);
    if (t->ntied && n > 0 && (size_t)n < sizeof(t->why))
        snprintf(t->why + n, sizeof(t->why) - (size_t)n,
                 "; %d tied at the cut-off (平票，需另行表决)", t->ntied);
}
