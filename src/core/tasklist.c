/* tasklist.c -- list items: states, the six 有, close-out and verification. No I/O. */
#include "core/tasklist.h"

#include <stdio.h>
#include <string.h>

#include "util/banned.h"

static const char *const state_codes[] = {"", "open", "pending", "closed"};
static const char *const state_labels[] = {"", "办理中", "待核验", "已销号"};
static const char *const six_columns[] = {"team", "plan", "goal", "measures", "result", "feedback"};
static const char *const six_labels[] = {"专班", "方案", "目标", "措施", "结果", "反馈"};

const char *task_state_code(int s)
{
    return s >= TASK_OPEN && s <= TASK_CLOSED ? state_codes[s] : "";
}

const char *task_state_label(int s)
{
    return s >= TASK_OPEN && s <= TASK_CLOSED ? state_labels[s] : "";
}

int task_state_parse(const char *s)
{
    for (int i = TASK_OPEN; s && i <= TASK_CLOSED; i++)
        if (!strcmp(s, state_codes[i]) || !strcmp(s, state_labels[i]))
            return i;
    return TASK_NONE;
}

const char *task_six_column(int i)
{
    return i >= 0 && i < SIX_COUNT ? six_columns[i] : "";
}

const char *task_six_label(int i)
{
    return i >= 0 && i < SIX_COUNT ? six_labels[i] : "";
}

static int blank(const char *s)
{
    for (; s && *s; s++)
        if (!strchr(" \t\r\n", *s))
            return 0;
    return 1;
}

unsigned task_missing(const struct task_item *t)
{
    unsigned m = 0;
    for (int i = 0; i < SIX_COUNT; i++)
        if (blank(t->six[i]))
            m |= 1u << i;
    return m;
}

void task_missing_text(unsigned mask, char *out, size_t size)
{
    size_t len = 0;
    if (size)
        out[0] = '\0';
    for (int i = 0; i < SIX_COUNT; i++) {
        if (!(mask & (1u << i)))
            continue;
        int k = snprintf(out + len, size > len ? size - len : 0, "%s%s", len ? "、" : "",
                         six_labels[i]);
        if (k < 0 || (size_t)k >= size - len)
            return;
        len += (size_t)k;
    }
}

static int refuse_state(const struct task_item *t, const char *code, const char *what,
                        const char *needs, struct err *e)
{
    return err_set(e, ERR_STATE, "state", "cannot %s item %s: it is %s (%s), %s", what, code,
                   task_state_code(t->state), task_state_label(t->state), needs);
}

int task_close_check(const struct task_item *t, const char *code, const char *evidence,
                     struct err *e)
{
    if (t->state != TASK_OPEN)
        return refuse_state(t, code, "close", "only an open (办理中) item is submitted", e);
    if (blank(evidence))
        return err_set(e, ERR_INVALID, "evidence",
                       "cannot close item %s without evidence (佐证材料)", code);
    unsigned miss = task_missing(t) & SIX_CLOSE_REQUIRED;
    if (miss) {
        char names[128];
        task_missing_text(miss, names, sizeof(names));
        return err_set(e, ERR_INVALID, "six",
                       "cannot close item %s: the six 有 lack %s (close-out needs 专班、方案、"
                       "目标、措施、结果)",
                       code, names);
    }
    return 0;
}

int task_verify_check(const struct task_item *t, const char *code, const char *verifier, int accept,
                      const char *reason, struct err *e)
{
    if (t->state != TASK_PENDING)
        return refuse_state(t, code, "verify", "only a pending (待核验) close-out is verified", e);
    const char *by = t->closed_by ? t->closed_by : "";
    if (!strcmp(by, verifier ? verifier : ""))
        return err_set(e, ERR_FORBIDDEN, "actor",
                       "'%s' may not verify item %s: the close-out was submitted by '%s'; a "
                       "second person verifies",
                       verifier ? verifier : "", code, by);
    if (!accept && blank(reason))
        return err_set(e, ERR_INVALID, "reason", "refusing the close-out of item %s needs a reason",
                       code);
    return 0;
}

int task_reopen_check(const struct task_item *t, const char *code, const char *reason,
                      struct err *e)
{
    if (t->state != TASK_CLOSED)
        return refuse_state(t, code, "reopen", "only a closed (已销号) item reopens", e);
    if (blank(reason))
        return err_set(e, ERR_INVALID, "reason", "reopening item %s needs a reason", code);
    return 0;
}

int task_op_possible(const struct task_item *t, int op, const char *who)
{
    switch (op) {
    case TASK_OP_UPDATE:
        return t->state == TASK_OPEN || t->state == TASK_PENDING;
    case TASK_OP_CLOSE:
        return t->state == TASK_OPEN;
    case TASK_OP_VERIFY:
        return t->state == TASK_PENDING && strcmp(t->closed_by ? t->closed_by : "", who ? who : "");
    case TASK_OP_REOPEN:
        return t->state == TASK_CLOSED;
    }
    return 0;
}

int task_overdue(const struct task_item *t, int64_t as_of)
{
    return t->state != TASK_CLOSED && t->due_on > 0 && t->due_on < as_of;
}
