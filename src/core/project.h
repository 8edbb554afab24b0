/* project.h -- the arithmetic of practical-matter projects (实事项目): quantities in
 * hundredths, percent of plan, early or late against the due date, the roll-up of a parent
 * from its children, overdue milestones and stale (滞后) projects. Pure: no I/O.
 * Percentages are integers in hundredths of a percent (70.97% is 7097), rounded half up. */
#ifndef SHISHI_CORE_PROJECT_H
#define SHISHI_CORE_PROJECT_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

enum project_state { PROJECT_ACTIVE = 1, PROJECT_DONE = 2 };

/* Largest quantity accepted anywhere: 1e10 units (1e12 hundredths). */
#define PROJECT_QTY_MAX_X100 1000000000000LL

/* "35", "10.47", "0.5" -> hundredths; no sign, at most two decimals, at most
 * PROJECT_QTY_MAX_X100. 0 on success, -1 on anything else. */
int project_qty_parse(const char *s, int64_t *x100);
/* The same for an input field: ERR_INVALID naming `field` and the text on failure. */
int project_qty_field(const char *field, const char *s, int64_t *x100, struct err *e);
/* Whether a measure counts whole things -- seats, schools, people, households (个学位, 所, 人,
 * 户 ...) -- rather than measuring (公里, 平方米, 万元, 亩): the words of one table. */
int project_measure_counted(const char *measure);
/* 0 when x100 is a quantity of `measure`: a whole number for a counted one; else ERR_INVALID
 * naming `field` ("2 所 are counted whole: 4.36 is not"). */
int project_qty_fits(const char *field, const char *measure, int64_t x100, struct err *e);
/* 3500 -> "35", 1050 -> "10.5", 1047 -> "10.47" (out: at least 32 bytes). */
void project_qty_format(int64_t x100, char *out, size_t size);

/* done / plan in hundredths of a percent, rounded half up: 7049 of 9932 -> 7097 (70.97%).
 * Over 100% is returned as it is (12000 for 120%). -1 when plan <= 0 (no value). */
int64_t project_percent(int64_t done_x100, int64_t plan_x100);
/* "70.97" or "—" for -1. */
void project_percent_format(int64_t pct_x100, char *out, size_t size);

/* Where a project stands against its due date. */
enum timing_kind {
    TIMING_NONE = 0, /* no due date */
    TIMING_PENDING,  /* unfinished, due date not passed at as-of */
    TIMING_OVERDUE,  /* unfinished and due_on < as-of */
    TIMING_EARLY,    /* finished before due_on */
    TIMING_ON_TIME,  /* finished on due_on */
    TIMING_LATE      /* finished after due_on */
};
struct timing {
    int kind;      /* enum timing_kind */
    int days;      /* |due - finished| (or as-of - due when overdue); 0 otherwise */
    int months;    /* whole months in that gap: the largest k with start + k months <= end, the
                      day clamped to the month's length (08-31 + 1 month = 09-30) */
    char text[64]; /* "提前2个月完成", "提前5天完成", "按期完成", "逾期3天完成", "逾期3天", "" */
};
/* finished_on, due_on, as_of: day numbers; 0 finished_on = unfinished, 0 due_on = none. */
void project_timing(int64_t finished_on, int64_t due_on, int64_t as_of, struct timing *t);
/* Whole months from day a to day b (a <= b) as described above. */
int project_whole_months(int64_t a, int64_t b);

/* The roll-up of a parent from its children. Each child gives its percent (its own done of
 * plan, or its own roll-up when it has children: nested levels roll up bottom-up) and its
 * weight. Rules:
 *   - a child without a value (percent -1) takes no part;
 *   - each child's percent counts at most 100% (one child ahead cannot hide one behind);
 *   - if any taking part has weight > 0, the result is sum(p*w) / sum(w) over them, so a
 *     child of weight 0 beside weighted ones counts for nothing (a mix: weights win);
 *   - otherwise the plain average of their percents;
 *   - rounded half up; -1 when no child takes part. */
struct rollup_child {
    int64_t percent; /* hundredths of a percent, -1 none */
    int64_t weight;
};
int64_t project_rollup(const struct rollup_child *c, size_t n);

/* The day a project is done (已完成) without being finished by hand: it has met a plan > 0
 * (the first entry whose cumulative value reaches it) and no milestone is open -- the later
 * of that entry's day and `milestones_done_on`, the day the last milestone was done (0:
 * none). 0 while it is not done that way. `on` and `value` are its entries in order. */
int64_t project_reached_on(int64_t plan_x100, const int64_t *on, const int64_t *value, size_t n,
                           int open_milestones, int64_t milestones_done_on);
/* A milestone (倒排工期) is overdue at as_of when it is not done, due_on < as_of and, when it
 * names a value, the project's cumulative done is still below it. */
int project_milestone_overdue(int64_t due_on, int64_t done_on, int64_t value_x100,
                              int64_t project_done_x100, int64_t as_of);

/* Stale (滞后): an active project, started by the month's last day (or without a start), with
 * no progress entry dated within [first, last]. */
int project_stale(int state, int64_t start_on, const int64_t *entry_days, size_t n, int64_t first,
                  int64_t last);

#endif
