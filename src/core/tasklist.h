/* tasklist.h -- the rules of list items (任务清单 tasks, 问题清单 problems): their states, the
 * six 有 and who may close and verify. Pure: no I/O; the service loads and saves.
 *
 *     open 办理中 --close (evidence + 专班 方案 目标 措施 结果)--> pending 待核验
 *     pending --verify accept (a second person)--> closed 已销号
 *     pending --verify refuse (reason)---------> open
 *     closed  --reopen (reason)----------------> open
 *
 * transition -> function: close task_close_check, verify task_verify_check,
 * reopen task_reopen_check. */
#ifndef SHISHI_TASKLIST_H
#define SHISHI_TASKLIST_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

enum task_state { TASK_NONE = 0, TASK_OPEN = 1, TASK_PENDING = 2, TASK_CLOSED = 3 };

/* The six 有, in this order everywhere. */
enum task_six {
    SIX_TEAM = 0,
    SIX_PLAN,
    SIX_GOAL,
    SIX_MEASURES,
    SIX_RESULT,
    SIX_FEEDBACK,
    SIX_COUNT
};
/* A close-out needs every one of these; feedback (反馈) may come with the verification. */
#define SIX_CLOSE_REQUIRED                                                                         \
    ((1u << SIX_TEAM) | (1u << SIX_PLAN) | (1u << SIX_GOAL) | (1u << SIX_MEASURES) |               \
     (1u << SIX_RESULT))

/* What the rules look at: borrowed strings, NULL read as "". */
struct task_item {
    int state;
    const char *six[SIX_COUNT];
    const char *evidence;
    const char *closed_by;
    int64_t due_on; /* day number; 0: no due date */
};

const char *task_state_code(int s);  /* "open", "pending", "closed"; "" unknown */
const char *task_state_label(int s); /* 办理中, 待核验, 已销号 */
int task_state_parse(const char *s); /* code or label; TASK_NONE when unknown */
const char *task_six_column(int i);  /* "team" ... (the task_items column) */
const char *task_six_label(int i);   /* 专班 ... */

enum task_op { TASK_OP_UPDATE, TASK_OP_CLOSE, TASK_OP_VERIFY, TASK_OP_REOPEN };

/* Whether `op` (update, close, verify, reopen) can be
 * taken on t as it stands by `who` (a close-out is verified by a second person). */
int task_op_possible(const struct task_item *t, int op, const char *who);

/* Bit i set when six[i] is empty (only whitespace counts as empty too). */
unsigned task_missing(const struct task_item *t);
/* The labels of the bits of `mask` joined by "、" into out ("" for none). */
void task_missing_text(unsigned mask, char *out, size_t size);

/* An open item may be submitted for close-out with `evidence` (the item's six as they will
 * stand, result included). ERR_STATE when not open; ERR_INVALID naming what is missing. */
int task_close_check(const struct task_item *t, const char *code, const char *evidence,
                     struct err *e);
/* A pending item is verified by someone other than its submitter; a refusal needs a reason.
 * ERR_STATE when not pending, ERR_FORBIDDEN for self-verification, ERR_INVALID. */
int task_verify_check(const struct task_item *t, const char *code, const char *verifier, int accept,
                      const char *reason, struct err *e);
/* Only a closed item reopens, and only with a reason. */
int task_reopen_check(const struct task_item *t, const char *code, const char *reason,
                      struct err *e);
/* Not closed, has a due date, and it is before `as_of` (a day number). */
int task_overdue(const struct task_item *t, int64_t as_of);

#endif
