/* project.h -- practical-matter projects (实事项目): the use cases (service/project_svc.c).
 * Quantities cross this interface as decimal strings with at most two decimals ("35",
 * "10.47") and are stored in hundredths (projects.*_x100); dates as "YYYY-MM-DD". */
#ifndef SHISHI_PROJECT_H
#define SHISHI_PROJECT_H

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

#endif
