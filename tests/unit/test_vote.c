/* test_vote.c -- the deputies' vote (core/vote.c): state checks, ballot refusals with their
 * messages, and the count worked out by hand: quorum met / not met, exactly half (fails),
 * majority of all vs of voters, abstentions, ties at and away from the max_select cut-off. */
#include "core/vote.h"

#include <stdio.h>
#include <string.h>

#include "test.h"

#include "util/banned.h"

#define MAXC 6

/* One count: ballots given as a string per candidate, one character per deputy in roster
 * order: 'y' yes, 'n' no, 'a' abstain, '.' no ballot. */
struct tally_case {
    const char *name;
    int rule, quorum, max_select, roster, ncand;
    const char *votes[MAXC];
    int quorum_met, turnout, nchosen, ntied;
    const char *want; /* per candidate: P passed+chosen, T passed+tied, p passed not chosen,
                         - failed; then its rank digit */
    const char *why_has;
};

/* clang-format off */
static const struct tally_case cases[] = {
    /* 5 deputies, majority_of_all: yes*2 > 5 means 3 yes. */
    {"all: 3 of 5 passes, 2 of 5 fails, abstentions count against", RULE_MAJORITY_OF_ALL, 0, 0, 5,
     3, {"yyynn", "yynaa", "yyyya"}, 1, 5, 2, 0, "P2-0P1", "5 of 5 deputies voted; 2 passed, 2 chosen"},
    /* exactly half of 4 (2 yes) fails under both rules */
    {"exactly half fails", RULE_MAJORITY_OF_ALL, 0, 0, 4, 1, {"yynn"}, 1, 4, 0, 0, "-0", "0 passed"},
    {"exactly half of voters fails", RULE_MAJORITY_OF_VOTERS, 0, 0, 6, 1, {"yynn.."}, 1, 4, 0, 0,
     "-0", NULL},
    /* majority of voters: 2 yes of 3 voters on it passes, though 2 of 5 is not a majority of
     * all; abstaining counts as voting */
    {"voters: 2 yes of 3 voting passes", RULE_MAJORITY_OF_VOTERS, 0, 0, 5, 2, {"yyn..", "yya.."},
     1, 3, 2, 0, "P1P1", NULL},
    {"all: the same ballots fail", RULE_MAJORITY_OF_ALL, 0, 0, 5, 2, {"yyn..", "yya.."}, 1, 3, 0,
     0, "-0-0", NULL},
    {"voters: yes 1 of 2 (one abstains) fails", RULE_MAJORITY_OF_VOTERS, 0, 0, 5, 1, {"ya...."},
     0, 2, 0, 0, "-0", NULL},
    /* quorum: default more than half of 5 = 3 deputies; 2 voted -> fails, nothing passes */
    {"quorum not met: 2 of 5", RULE_MAJORITY_OF_VOTERS, 0, 0, 5, 1, {"yy..."}, 0, 2, 0, 0, "-0",
     "2 of 5 deputies voted, 3 needed (quorum not met)"},
    /* turnout counts deputies with any ballot: d1 on c1, d2 on c2, d3 on c1 -> 3 of 5 */
    {"quorum met across candidates", RULE_MAJORITY_OF_VOTERS, 0, 0, 5, 2, {"y.y..", ".y..."}, 1, 3,
     2, 0, "P1P2", NULL},
    /* quorum configured: 4 of 5 needed */
    {"quorum 4 of 5, 3 voted", RULE_MAJORITY_OF_ALL, 4, 0, 5, 1, {"yyy.."}, 0, 3, 0, 0, "-0",
     "3 of 5 deputies voted, 4 needed"},
    {"quorum 2 of 5, 2 voted (yes 2 of all 5 fails)", RULE_MAJORITY_OF_ALL, 2, 0, 5, 1, {"yy..."},
     1, 2, 0, 0, "-0", NULL},
    /* exactly half of the roster voting is not a quorum */
    {"quorum: exactly half is not more than half", RULE_MAJORITY_OF_VOTERS, 0, 0, 4, 1, {"yy.."},
     0, 2, 0, 0, "-0", "2 of 4 deputies voted, 3 needed"},
    /* max_select 2: yes 5, 4, 4, 3 -> ranks 1, 2, 2, 4; the tie at ranks 2-3 straddles the
     * cut-off 2: only rank 1 chosen, the two 4s tied, 3 passed not chosen */
    {"tie at the cut-off", RULE_MAJORITY_OF_ALL, 0, 2, 5, 4, {"yyyyy", "yyyyn", "nyyyy", "yyynn"},
     1, 5, 1, 2, "P1T2T2p4", "1 chosen; 2 tied at the cut-off (平票，需另行表决)"},
    /* max_select 3: the same: the tie group at rank 2 ends at 3 <= 3: chosen, rank 4 not */
    {"tie that fits", RULE_MAJORITY_OF_ALL, 0, 3, 5, 4, {"yyyyy", "yyyyn", "nyyyy", "yyynn"}, 1, 5,
     3, 0, "P1P2P2p4", NULL},
    /* max_select 1: tie at ranks 2-3 lies beyond the cut-off: not tied, just not chosen */
    {"tie below the cut-off", RULE_MAJORITY_OF_ALL, 0, 1, 5, 4, {"yyyyy", "yyyyn", "nyyyy", "yyynn"},
     1, 5, 1, 0, "P1p2p2p4", NULL},
    /* tie at the top with max_select 1: nothing chosen */
    {"tie for the only place", RULE_MAJORITY_OF_ALL, 0, 1, 5, 2, {"yyyyn", "nyyyy"}, 1, 5, 0, 2,
     "T1T1", "0 chosen; 2 tied"},
    /* max_select 0: every passed candidate chosen, ties and all */
    {"max_select 0 chooses all passed", RULE_MAJORITY_OF_ALL, 0, 0, 5, 4,
     {"yyyyy", "yyyyn", "nyyyy", "nnnyy"}, 1, 5, 3, 0, "P1P2P2-0", NULL},
    /* more pass than max_select, no ties: the first max_select by yes votes */
    {"more pass than max_select", RULE_MAJORITY_OF_ALL, 0, 2, 7, 4,
     {"yyyynnn", "yyyyyyy", "yyyyyya", "yyyyynn"}, 1, 7, 2, 0, "p4P1P2p3", NULL},
};
/* clang-format on */

static void run_tally(const struct tally_case *tc)
{
    struct vote_ballot b[64];
    size_t nb = 0;
    struct vote_count c[MAXC];
    for (int k = 0; k < tc->ncand; k++)
        for (int d = 0; tc->votes[k][d]; d++) {
            char ch = tc->votes[k][d];
            if (ch == '.')
                continue;
            b[nb].deputy = d;
            b[nb].cand = k;
            b[nb].choice = ch == 'y' ? CHOICE_YES : ch == 'n' ? CHOICE_NO : CHOICE_ABSTAIN;
            nb++;
        }
    struct vote_tally t = {.rule = tc->rule,
                           .quorum = tc->quorum,
                           .max_select = tc->max_select,
                           .roster = tc->roster,
                           .ncand = tc->ncand,
                           .c = c};
    vote_tally(&t, b, nb);
    char got[2 * MAXC + 1] = "";
    for (int k = 0; k < tc->ncand; k++) {
        got[2 * k] = !c[k].passed ? '-' : c[k].chosen ? 'P' : c[k].tied ? 'T' : 'p';
        got[2 * k + 1] = (char)('0' + c[k].rank);
        CHECK(!(c[k].chosen && c[k].tied));
    }
    got[2 * tc->ncand] = '\0';
    if (strcmp(got, tc->want) != 0)
        fprintf(stderr, "case '%s'\n", tc->name);
    CHECK_STR(got, tc->want);
    CHECK_INT(t.quorum_met, tc->quorum_met);
    CHECK_INT(t.turnout, tc->turnout);
    CHECK_INT(t.nchosen, tc->nchosen);
    CHECK_INT(t.ntied, tc->ntied);
    if (tc->why_has && !strstr(t.why, tc->why_has)) {
        fprintf(stderr, "case '%s': why '%s' lacks '%s'\n", tc->name, t.why, tc->why_has);
        CHECK(0);
    }
}

static void test_counts(void)
{
    /* the counts of the first case, by hand: c1 yyynn, c2 yynaa, c3 yyyya */
    struct vote_ballot b[] = {{0, 0, 1}, {1, 0, 1}, {2, 0, 1}, {3, 0, 2}, {4, 0, 2},
                              {0, 1, 1}, {1, 1, 1}, {2, 1, 2}, {3, 1, 3}, {4, 1, 3}};
    struct vote_count c[2];
    struct vote_tally t = {.rule = RULE_MAJORITY_OF_ALL, .roster = 5, .ncand = 2, .c = c};
    vote_tally(&t, b, sizeof(b) / sizeof(b[0]));
    CHECK_INT(c[0].yes, 3);
    CHECK_INT(c[0].no, 2);
    CHECK_INT(c[0].abstain, 0);
    CHECK_INT(c[1].yes, 2);
    CHECK_INT(c[1].no, 1);
    CHECK_INT(c[1].abstain, 2);
    CHECK_INT(c[1].voters, 5);
    CHECK_INT(t.quorum_needed, 3);
}

struct check_case {
    int state;
    const char *deputy;
    int on_roster, cand_exists, already;
    int code;
    const char *has;
};

static void test_ballot_checks(void)
{
    /* clang-format off */
    static const struct check_case rows[] = {
        {VOTE_OPEN, "张三", 1, 1, 0, 0, NULL},
        {VOTE_DRAFT, "张三", 1, 1, 0, ERR_STATE, "ballot of deputy '张三' on candidate 2 refused"},
        {VOTE_CLOSED, "张三", 1, 1, 0, ERR_STATE, "is 已结束 (closed)"},
        {VOTE_OPEN, "路人", 0, 1, 0, ERR_NOT_FOUND, "deputy '路人' is not on the roster of vote session V1"},
        {VOTE_OPEN, "张三", 1, 0, 0, ERR_NOT_FOUND, "vote session V1 has no candidate 2"},
        {VOTE_OPEN, "张三", 1, 1, 1, ERR_CONFLICT, "deputy '张三' has already voted on candidate 2"},
    };
    /* clang-format on */
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct err e = {0};
        struct vote_ballot_check b = {
            rows[i].state,       "V1",           rows[i].deputy, 2, rows[i].on_roster,
            rows[i].cand_exists, rows[i].already};
        int rc = vote_check_ballot(&b, &e);
        CHECK_INT(rc < 0 ? e.code : 0, rows[i].code);
        if (rows[i].has && !strstr(e.msg, rows[i].has)) {
            fprintf(stderr, "row %zu: '%s' lacks '%s'\n", i, e.msg, rows[i].has);
            CHECK(0);
        }
    }
}

static void test_states(void)
{
    struct err e = {0};
    CHECK_INT(vote_check_edit(VOTE_DRAFT, "V1", "deputies", &e), 0);
    CHECK(vote_check_edit(VOTE_OPEN, "V1", "deputies", &e) < 0);
    CHECK(strstr(e.msg, "deputies are added only while it is 筹备 (draft)") != NULL);
    CHECK_INT(vote_check_open(VOTE_DRAFT, "V1", 1, 1, &e), 0);
    CHECK(vote_check_open(VOTE_DRAFT, "V1", 0, 5, &e) < 0);
    CHECK_STR(e.msg, "vote session V1 has no candidate: add one before opening");
    CHECK(vote_check_open(VOTE_DRAFT, "V1", 3, 0, &e) < 0);
    CHECK_STR(e.field, "deputies");
    CHECK(vote_check_open(VOTE_OPEN, "V1", 3, 3, &e) < 0);
    CHECK_INT(e.code, ERR_STATE);
    CHECK_INT(vote_check_close(VOTE_OPEN, "V1", &e), 0);
    CHECK(vote_check_close(VOTE_CLOSED, "V1", &e) < 0);
    CHECK(vote_check_close(VOTE_DRAFT, "V1", &e) < 0);
    CHECK_STR(e.msg, "vote session V1 is 筹备 (draft): only an open session can be closed");
}

static void test_words(void)
{
    struct err e = {0};
    int c = 0;
    CHECK_INT(vote_choice_parse("赞成", &c, &e), 0);
    CHECK_INT(c, CHOICE_YES);
    CHECK_INT(vote_choice_parse("abstain", &c, &e), 0);
    CHECK_INT(c, CHOICE_ABSTAIN);
    CHECK(vote_choice_parse("同意", &c, &e) < 0);
    CHECK(strstr(e.msg, "unknown choice '同意'") != NULL);
    CHECK_INT(vote_rule_parse(NULL, &c, &e), 0);
    CHECK_INT(c, RULE_MAJORITY_OF_ALL);
    CHECK_INT(vote_rule_parse("majority_of_voters", &c, &e), 0);
    CHECK_INT(c, RULE_MAJORITY_OF_VOTERS);
    CHECK(vote_rule_parse("two_thirds", &c, &e) < 0);
}

int main(void)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        run_tally(&cases[i]);
    test_counts();
    test_ballot_checks();
    test_states();
    test_words();
    return test_done("test_vote");
}
