/* vote.h -- the deputies' vote on livelihood projects (人大票决制): session states, who may
 * cast which ballot, and the count. Pure: no I/O; the service loads and saves.
 *
 *     draft 筹备 --open--> open 投票中 --close--> closed 已结束
 *
 *     transition / change      allowed in   checked by
 *     add deputy, candidate    draft        vote_check_edit()
 *     open                     draft        vote_check_open(): >= 1 candidate, >= 1 deputy
 *     ballot                   open         vote_check_ballot()
 *     close (count)            open         vote_check_close(), then vote_tally()
 *
 * The count (vote_tally):
 *   turnout  = deputies on the roster who cast at least one ballot.
 *   quorum   = `quorum` deputies if set (> 0), else more than half the roster
 *              (turnout * 2 > roster). Below quorum nothing passes and `why` says so.
 *   passes   = majority_of_all:    yes * 2 > roster (all deputies on the roster)
 *              majority_of_voters: yes * 2 > voters (deputies with a ballot, abstentions
 *              included, on that candidate)
 *   rank     = among the passed: 1 + the number of passed candidates with more yes votes
 *              (ties share a rank: 1, 2, 2, 4).
 *   chosen   = every passed candidate when max_select is 0; else those whose tie group
 *              fits: a group of g candidates at rank r is chosen when r + g - 1 <= max_select.
 *              A group with r <= max_select < r + g - 1 straddles the cut-off: none of it is
 *              chosen and each is flagged `tied` (平票，需另行表决); the places it leaves are
 *              not filled from below. Passed candidates with r > max_select are not chosen. */
#ifndef SHISHI_CORE_VOTE_H
#define SHISHI_CORE_VOTE_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

enum vote_state { VOTE_DRAFT = 1, VOTE_OPEN = 2, VOTE_CLOSED = 3 };
enum vote_choice { CHOICE_YES = 1, CHOICE_NO = 2, CHOICE_ABSTAIN = 3 };
enum vote_rule { RULE_MAJORITY_OF_ALL = 0, RULE_MAJORITY_OF_VOTERS = 1 };

const char *vote_state_code(int s);   /* "draft" ... ; "?" when unknown */
const char *vote_state_label(int s);  /* "筹备" ... */
const char *vote_choice_label(int c); /* "赞成" ... */
const char *vote_choice_code(int c);  /* "yes" ... */
/* 赞成/yes, 反对/no, 弃权/abstain; ERR_INVALID naming the word otherwise. */
int vote_choice_parse(const char *s, int *out, struct err *e);
const char *vote_rule_code(int r); /* "majority_of_all", "majority_of_voters" */
/* NULL or "" is the default majority_of_all. */
int vote_rule_parse(const char *s, int *out, struct err *e);


/* Roster and candidates change only in draft (`what`: "deputies", "candidates"). */
int vote_check_edit(int state, const char *code, const char *what, struct err *e);
int vote_check_open(int state, const char *code, int ncand, int ndep, struct err *e);
int vote_check_close(int state, const char *code, struct err *e);

/* One ballot: the session must be open, the deputy on its roster, the candidate one of its
 * candidates (by seq), and the deputy must not have voted on it yet. */
struct vote_ballot_check {
    int state;
    const char *code, *deputy;
    int64_t cand_seq;
    int on_roster, cand_exists, already;
};
int vote_check_ballot(const struct vote_ballot_check *b, struct err *e);

/* ---- the count ---- */
struct vote_ballot {
    int deputy; /* index into the roster, 0 .. roster-1 */
    int cand;   /* index into the candidates, 0 .. ncand-1 */
    int choice; /* enum vote_choice */
};
struct vote_count {
    int yes, no, abstain, voters;
    int passed, rank, tied, chosen;
};
struct vote_tally {
    int rule, quorum, max_select; /* quorum 0: more than half the roster */
    int roster, ncand;
    int turnout, quorum_needed, quorum_met, nchosen, ntied;
    struct vote_count *c; /* ncand entries, caller-owned */
    char why[200];        /* the outcome in words */
};
/* Counts ballots into t->c (t->rule, quorum, max_select, roster, ncand and c set by the
 * caller). Ballots with out-of-range indexes are a caller bug and ignored. */
void vote_tally(struct vote_tally *t, const struct vote_ballot *b, size_t nb);

#endif
