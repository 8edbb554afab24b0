/* test_tasklist.c -- list items (states, the six 有, close-out, second-person verification,
 * overdue) and monthly visit compliance, table by table. */
#include "test.h"

#include "core/tasklist.h"
#include "core/visits.h"
#include "util/civil.h"

#define D(y, m, d) civil_days(y, m, d)

static const char *const FULL[SIX_COUNT] = {"专班A", "方案A", "目标A", "措施A", "结果A", ""};

static void test_missing(void)
{
    static const struct {
        const char *six[SIX_COUNT];
        unsigned want;
        const char *text;
    } rows[] = {
        {{"t", "p", "g", "m", "r", "f"}, 0, ""},
        {{"t", "p", "g", "m", "r", ""}, 1u << SIX_FEEDBACK, "反馈"},
        {{"", "p", " \t", "m", "r", "f"}, (1u << SIX_TEAM) | (1u << SIX_GOAL), "专班、目标"},
        {{NULL, NULL, NULL, NULL, NULL, NULL}, 0x3f, "专班、方案、目标、措施、结果、反馈"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct task_item t = {.state = TASK_OPEN};
        for (int k = 0; k < SIX_COUNT; k++)
            t.six[k] = rows[i].six[k];
        CHECK_INT(task_missing(&t), rows[i].want);
        char txt[128];
        task_missing_text(task_missing(&t), txt, sizeof(txt));
        CHECK_STR(txt, rows[i].text);
    }
}

static void test_close(void)
{
    static const struct {
        int state;
        int drop; /* index of a six field to blank, -1 none */
        const char *evidence;
        int want; /* 0 or the error code */
        const char *msg;
    } rows[] = {
        {TASK_OPEN, -1, "照片.jpg", 0, ""},
        {TASK_OPEN, -1, "", ERR_INVALID, "without evidence"},
        {TASK_OPEN, -1, "  ", ERR_INVALID, "without evidence"},
        {TASK_OPEN, SIX_RESULT, "照片.jpg", ERR_INVALID, "the six 有 lack 结果"},
        {TASK_OPEN, SIX_TEAM, "照片.jpg", ERR_INVALID, "lack 专班"},
        {TASK_OPEN, SIX_FEEDBACK, "照片.jpg", 0, ""}, /* feedback may come later */
        {TASK_PENDING, -1, "照片.jpg", ERR_STATE, "it is pending (待核验)"},
        {TASK_CLOSED, -1, "照片.jpg", ERR_STATE, "it is closed (已销号)"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct task_item t = {.state = rows[i].state};
        for (int k = 0; k < SIX_COUNT; k++)
            t.six[k] = (int)k == rows[i].drop ? "" : FULL[k];
        struct err e = {0};
        int rc = task_close_check(&t, "WT2021-0001", rows[i].evidence, &e);
        CHECK_INT(rc < 0 ? e.code : 0, rows[i].want);
        if (rows[i].want)
            CHECK(strstr(e.msg, rows[i].msg) != NULL);
    }
}

static void test_verify_reopen(void)
{
    static const struct {
        int state;
        const char *closed_by, *verifier;
        int accept;
        const char *reason;
        int want;
        const char *msg;
    } rows[] = {
        {TASK_PENDING, "zj", "disp", 1, NULL, 0, ""},
        {TASK_PENDING, "zj", "disp", 0, "佐证不足", 0, ""},
        {TASK_PENDING, "zj", "disp", 0, "", ERR_INVALID, "needs a reason"},
        {TASK_PENDING, "disp", "disp", 1, NULL, ERR_FORBIDDEN,
         "'disp' may not verify item WT2021-0001: the close-out was submitted by 'disp'"},
        {TASK_OPEN, "", "disp", 1, NULL, ERR_STATE, "it is open (办理中)"},
        {TASK_CLOSED, "zj", "disp", 1, NULL, ERR_STATE, "cannot verify"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct task_item t = {.state = rows[i].state, .closed_by = rows[i].closed_by};
        struct err e = {0};
        int rc = task_verify_check(&t, "WT2021-0001", rows[i].verifier, rows[i].accept,
                                   rows[i].reason, &e);
        CHECK_INT(rc < 0 ? e.code : 0, rows[i].want);
        if (rows[i].want)
            CHECK(strstr(e.msg, rows[i].msg) != NULL);
    }
    static const struct {
        int state;
        const char *reason;
        int want;
    } re[] = {
        {TASK_CLOSED, "群众反映问题反弹", 0}, {TASK_CLOSED, "", ERR_INVALID},
        {TASK_CLOSED, NULL, ERR_INVALID},     {TASK_OPEN, "x", ERR_STATE},
        {TASK_PENDING, "x", ERR_STATE},
    };
    for (size_t i = 0; i < sizeof(re) / sizeof(re[0]); i++) {
        struct task_item t = {.state = re[i].state};
        struct err e = {0};
        int rc = task_reopen_check(&t, "RW2021-0002", re[i].reason, &e);
        CHECK_INT(rc < 0 ? e.code : 0, re[i].want);
    }
}

static void test_overdue_states(void)
{
    const struct {
        int state;
        int64_t due, as_of;
        int want;
    } rows[] = {
        {TASK_OPEN, D(2021, 6, 30), D(2021, 7, 1), 1},
        {TASK_OPEN, D(2021, 6, 30), D(2021, 6, 30), 0}, /* due today is not late */
        {TASK_PENDING, D(2021, 6, 30), D(2021, 7, 1), 1},
        {TASK_CLOSED, D(2021, 6, 30), D(2021, 7, 1), 0},
        {TASK_OPEN, 0, D(2021, 7, 1), 0}, /* no due date */
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct task_item t = {.state = rows[i].state, .due_on = rows[i].due};
        CHECK_INT(task_overdue(&t, rows[i].as_of), rows[i].want);
    }
    CHECK_INT(task_state_parse("pending"), TASK_PENDING);
    CHECK_INT(task_state_parse("已销号"), TASK_CLOSED);
    CHECK_INT(task_state_parse("done"), TASK_NONE);
    CHECK_STR(task_six_column(SIX_MEASURES), "measures");
}

static void test_compliance(void)
{
    /* A leader's list: enterprise 1 all year; 2 linked 2021-03-15 (mid-March); 3 unlinked
     * 2021-03-10 (counts for March, not April); 4 linked 2021-04-01; 5 unlinked 2021-02-28. */
    const struct link_span links[] = {
        {1, D(2021, 1, 1), 0},
        {2, D(2021, 3, 15), 0},
        {3, D(2021, 1, 1), D(2021, 3, 10)},
        {4, D(2021, 4, 1), 0},
        {5, D(2021, 1, 1), D(2021, 2, 28)},
    };
    const struct visit_fact v[] = {
        {1, D(2021, 3, 2)},  {3, D(2021, 3, 31)}, /* after the unlink, still in March */
        {2, D(2021, 2, 27)},                      /* February: does not count for March */
        {1, D(2021, 4, 30)}, {4, D(2021, 4, 1)},  {2, D(2021, 5, 1)},
    };
    static const struct {
        int y, m;
        int required, done;
        int64_t pct;
        int nmissed;
        int64_t missed0;
    } rows[] = {
        {2021, 3, 3, 2, 6667, 1, 2}, /* 1, 2, 3 required; 2 missed */
        {2021, 4, 3, 2, 6667, 1, 2}, /* 1, 2, 4 required; 2 missed (visited 05-01) */
        {2021, 5, 3, 1, 3333, 2, 1}, /* 1, 2, 4; only 2 visited */
        {2021, 2, 3, 0, 0, 3, 1},    /* 1, 3, 5 (5 until 02-28 counts) */
        {2020, 12, 0, 0, -1, 0, 0},  /* nothing linked yet */
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        int64_t first = D(rows[i].y, rows[i].m, 1);
        int64_t last = rows[i].m == 12 ? D(rows[i].y, 12, 31) : D(rows[i].y, rows[i].m + 1, 1) - 1;
        struct compliance c;
        CHECK_INT(visits_compliance(first, last, links, 5, v, 6, &c), 0);
        CHECK_INT(c.required, rows[i].required);
        CHECK_INT(c.done, rows[i].done);
        CHECK_INT(c.percent_x100, rows[i].pct);
        CHECK_INT(c.nmissed, rows[i].nmissed);
        if (rows[i].nmissed)
            CHECK_INT(c.missed[0], rows[i].missed0);
    }
    char s[16];
    percent_format(6667, s, sizeof(s));
    CHECK_STR(s, "66.67");
    percent_format(10000, s, sizeof(s));
    CHECK_STR(s, "100.00");
    percent_format(5, s, sizeof(s));
    CHECK_STR(s, "0.05");
    percent_format(-1, s, sizeof(s));
    CHECK_STR(s, "-");
    /* halves round up: 1 of 8 is 12.5% exactly -> 1250; 1 of 16 is 6.25 -> 625 */
    const struct link_span l8[] = {{1, 0, 0}, {2, 0, 0}, {3, 0, 0}, {4, 0, 0},
                                   {5, 0, 0}, {6, 0, 0}, {7, 0, 0}, {8, 0, 0}};
    const struct visit_fact v1[] = {{1, D(2021, 1, 5)}};
    struct compliance c;
    visits_compliance(D(2021, 1, 1), D(2021, 1, 31), l8, 8, v1, 1, &c);
    CHECK_INT(c.percent_x100, 1250);
    /* 1 of 6 = 16.666..% -> 1667; 5 of 6 -> 8333 */
    visits_compliance(D(2021, 1, 1), D(2021, 1, 31), l8, 6, v1, 1, &c);
    CHECK_INT(c.percent_x100, 1667);
}

int main(void)
{
    test_missing();
    test_close();
    test_verify_reopen();
    test_overdue_states();
    test_compliance();
    return test_done("test_tasklist");
}
