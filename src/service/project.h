/* project.h -- practical-matter projects (实事项目): the use cases (service/project_svc.c).
 * Quantities cross this interface as decimal strings with at most two decimals ("35",
 * "10.47") and are stored in hundredths (projects.*_x100); dates as "YYYY-MM-DD". */
#ifndef SHISHI_PROJECT_H
#define SHISHI_PROJECT_H

#include <jansson.h>

#include "service/service.h"

#define PROJECT_MAX_ASSIST 8

struct project_req {
    const char *code;  /* NULL: the next of the year, e.g. "SS2021-001" */
    const char *title; /* required */
    int year;          /* required */
    const char *area, *lead_unit, *leader; /* names (area, unit); NULL: none */
    const char *assist[PROJECT_MAX_ASSIST];
    int n_assist;
    const char *measure;                        /* required: 公里, 个学位, 万元, 人, 户, 趟 ... */
    const char *baseline, *target, *plan, *budget; /* decimals; NULL: 0 (plan: the target) */
    const char *start, *due;                    /* dates; NULL: none */
    int batch;                                  /* batch number in `year`; 0: none */
    const char *parent;                         /* parent project's code; NULL: none */
    int weight;                                 /* share in the parent's roll-up; 0: none */
    long households, people;
    const char *beneficiaries, *description;
    int64_t at; /* when it is recorded */
};

/* Adds a project (its "create" event sealed on the chain) and sets *id and code (size 32).
 * Runs in its own transaction, or as a savepoint inside the caller's. */
int svc_project_add(struct service *svc, const struct actor *who, const struct project_req *req,
                    int64_t *id, char code[32], struct err *e);


/* ---- the rest of the use cases (service/project_svc.c) ----
 * Who: admin, dispatcher and the system manage projects and batches; a handler may record
 * progress on projects their unit leads; every other signed-in role except citizens reads.
 * Each write is one transaction; a project's row, its child rows and exactly one event of
 * subject "project" are written together. */

/* A batch of assignment (分批交办): number N of `year`, assigned on a date. */
int svc_batch_add(struct service *svc, const struct actor *who, int year, int number,
                  const char *assigned_on, const char *name, int64_t *id, struct err *e);
/* The batches of `year` (0: all) as a JSON array. New reference in *out. */
int svc_batch_list_json(struct service *svc, const struct actor *who, int year, json_t **out, struct err *e);

/* A progress entry: the CUMULATIVE value reached by date `on` (not an increment), so a
 * repeated or corrected report never double-counts. Refused: an unknown project, a project
 * with sub-projects or already finished, a date before the last entry or after `at`, a value
 * below the last entry or above ten times the plan. */
struct progress_req {
    const char *code, *on, *value;
    const char *note, *evidence; /* NULL: none */
    int64_t at;
};
int svc_project_progress(struct service *svc, const struct actor *who,
                         const struct progress_req *req, struct err *e);
/* Marks the project finished on date `on` (state done). */
int svc_project_finish(struct service *svc, const struct actor *who, const char *code,
                       const char *on, int64_t at, struct err *e);
/* Adds milestone (倒排工期 node) number *seq; value: the cumulative value due by then or NULL. */
int svc_project_milestone_add(struct service *svc, const struct actor *who, const char *code,
                              const char *name, const char *due, const char *value,
                              int64_t at, int *seq, struct err *e);
int svc_project_milestone_done(struct service *svc, const struct actor *who, const char *code,
                               int seq, const char *on, int64_t at, struct err *e);
/* Links appeal `appeal` to the project: kind "spawned" (the appeal gave rise to it) or
 * "resolved" (the project resolved it). */
int svc_project_link(struct service *svc, const struct actor *who, const char *code,
                     const char *appeal, const char *kind, int64_t at, struct err *e);

/* Reads. `as_of` is a day number; stale (滞后) is judged for the month [first, last]. */
struct project_query {
    int year;                 /* 0: every year */
    const char *area, *unit;  /* names; unit matches the lead unit */
    int batch;                /* batch number (needs year); 0: any */
    int64_t as_of, first, last;
};
/* One project with milestones, progress history, links, units, computed figures and its
 * children's roll-up. New reference in *out. */
int svc_project_show_json(struct service *svc, const struct actor *who, const char *code,
                          const struct project_query *q, json_t **out, struct err *e);
/* {"total": n, "items": [...]} of the projects matching q, each with computed figures. */
int svc_project_list_json(struct service *svc, const struct actor *who,
                          const struct project_query *q, json_t **out, struct err *e);
/* The projects linked to appeal `appeal_id`: [{"code","title","kind"}]. New reference. */
json_t *svc_appeal_projects_json(struct service *svc, int64_t appeal_id, struct err *e);

/* Fills b->projects with the projects of the bulletin's year (the year of b->to_day). */
int svc_project_bulletin(struct service *svc, struct bulletin *b, int64_t as_of, struct err *e);

/* The demo's projects (service/demo_projects.c), called inside svc_demo's transaction. */
int demo_projects(struct service *svc, struct err *e);

#endif
