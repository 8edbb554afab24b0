/* lists.h -- task and problem lists (任务清单, 问题清单) and leaders' lists (包企业包项目)
 * with their visits (走访): the use cases (service/lists_svc.c) and their JSON views, which
 * the CLI and the HTTP API both print. Dates cross this interface as "YYYY-MM-DD".
 *
 * Who may do what: admins, dispatchers and the system manage everything (add items, update,
 * close on a unit's behalf, leaders, enterprises, links, visits); a unit handler updates
 * and submits the close-out of items its unit owns; a close-out is verified by a
 * dispatcher, leader, admin or the system who is not its submitter; leaders may also record
 * visits. Every role but citizens reads. */
#ifndef SHISHI_LISTS_H
#define SHISHI_LISTS_H

#include <jansson.h>

#include "core/tasklist.h"
#include "core/visits.h"
#include "service/service.h"

#define TASK_CODE_LEN      32
#define VISIT_MAX_PROBLEMS 16

struct task_req {
    const char *list; /* "task" (任务) or "problem" (问题) */
    const char *title, *detail;
    const char *unit;           /* owner unit: name or code (required) */
    const char *leader;         /* the responsible leader's name, free text */
    const char *due;            /* NULL: none */
    int batch;                  /* batch number (batches table); 0: none */
    int year;                   /* the batch's year; 0: the year of `at` */
    const char *six[SIX_COUNT]; /* NULL: empty */
    int64_t visit_id;           /* the visit it was found on; 0: none */
    int64_t at;
};
/* Adds an item in state open with its "create" event; code (TASK_CODE_LEN) is RW2021-0001
 * for tasks, WT2021-0001 for problems. Own transaction, or a savepoint in the caller's. */
int svc_task_add(struct service *svc, const struct actor *who, const struct task_req *req,
                 char *code, struct err *e);

/* "update", "close", "verify", "reopen" -> enum task_op; -1 for anything else. */
int task_op_parse(const char *name);
struct task_change {
    const char *code;
    int64_t expected_version;   /* 0: do not check */
    const char *six[SIX_COUNT]; /* NULL: unchanged (update; close and verify take some too) */
    const char *due;            /* update: NULL unchanged, "" none */
    const char *evidence;       /* close */
    int accept;                 /* verify: 1 accept, 0 refuse */
    const char *reason;         /* verify refusal, reopen */
    int64_t at;
};
/* One change of an item and its event, in one transaction. */
int svc_task_change(struct service *svc, const struct actor *who, int op,
                    const struct task_change *ch, struct err *e);

/* The item as JSON; with `history`, its events too. New reference, or NULL with e set. */
json_t *svc_task_json(struct service *svc, const struct actor *who, const char *code, int history, int64_t as_of,
                      struct err *e);
struct task_filter {
    const char *list, *unit, *state; /* NULL: any */
    int overdue;                     /* only overdue at as_of */
    int64_t as_of;                   /* an instant */
};
json_t *svc_task_list_json(struct service *svc, const struct actor *who, const struct task_filter *f, struct err *e);

/* ---- leaders, enterprises, links, visits ---- */
int svc_leader_add(struct service *svc, const struct actor *who, const char *name,
                   const char *title, const char *username, struct err *e);
/* kind: enterprise | park | chamber | project (or 企业 园区 商会 项目). */
int svc_enterprise_add(struct service *svc, const struct actor *who, const char *name,
                       const char *kind, const char *town, const char *address, struct err *e);
/* Links from `since` (NULL: the day of `at`); unlink ends the link on `until`. */
int svc_leader_link(struct service *svc, const struct actor *who, const char *leader,
                    const char *enterprise, const char *since, int64_t at, struct err *e);
int svc_leader_unlink(struct service *svc, const struct actor *who, const char *leader,
                      const char *enterprise, const char *until, int64_t at, struct err *e);
int svc_support_add(struct service *svc, const struct actor *who, const char *unit,
                    const char *enterprise, struct err *e);

struct visit_problem {
    const char *text;
    int as_appeal;    /* 1: an appeal of channel 企业走访; 0: a problem-list item */
    const char *unit; /* appeal: dispatch at once (集中交办); item: owner unit (required) */
    const char *due;  /* item: due date; NULL none */
    int batch;        /* item: batch number in the visit's year; 0 none */
};
struct visit_req {
    const char *leader, *enterprise, *date, *who, *place, *findings;
    struct visit_problem problems[VISIT_MAX_PROBLEMS];
    int nproblems;
    int64_t at;
};
struct visit_result {
    int64_t visit_id;
    char codes[VISIT_MAX_PROBLEMS][TASK_CODE_LEN]; /* appeal or item code of each problem */
};
/* Records a visit and its problems, all in one transaction. */
int svc_visit_add(struct service *svc, const struct actor *who, const struct visit_req *req,
                  struct visit_result *res, struct err *e);

/* Seals onto the chain the visits a database holds from before visits were sealed (once;
 * service_open calls it). */
int svc_seal_old_visits(struct service *svc, int64_t now, struct err *e);

json_t *svc_leaders_json(struct service *svc, const struct actor *who, struct err *e);
/* One leader with links and visits. */
json_t *svc_leader_json(struct service *svc, const struct actor *who, const char *name, struct err *e);
json_t *svc_enterprises_json(struct service *svc, const struct actor *who, struct err *e);
/* Visits, optionally of one leader and/or in one month ("2021-03"); NULL: all. */
json_t *svc_visits_json(struct service *svc, const struct actor *who, const char *leader, const char *month, struct err *e);
/* Compliance for `month` ("2021-03") of one leader, or of every active leader (NULL):
 * {"month","first","last","leaders":[{leader,required,done,missed:[names],percent}]}. */
json_t *svc_compliance_json(struct service *svc, const struct actor *who, const char *leader, const char *month,
                            struct err *e);

/* The demo's lists (service/demo_lists.c), inside svc_demo()'s transaction. */
int demo_lists(struct service *svc, struct err *e);

#endif
