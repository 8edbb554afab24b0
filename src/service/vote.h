/* vote.h -- the deputies' vote on livelihood projects (人大票决制): the use cases
 * (service/vote_svc.c; the count's rules are core/vote.h's). Each use case is one
 * transaction and seals exactly one event of subject "vote" per change (one per ballot).
 * Admin, dispatcher and the system run sessions and record ballots (the secretariat records
 * them on the deputies' behalf); leaders and auditors read; handlers and citizens neither.
 *
 * Adoption (chosen candidates become projects through svc_project_add()) lives in
 * service/vote_adopt.c. */
#ifndef SHISHI_SERVICE_VOTE_H
#define SHISHI_SERVICE_VOTE_H

#include <jansson.h>

#include "core/vote.h"
#include "service/service.h"

#define VOTE_MAX_NAMES 200 /* deputies added in one call */

struct vote_req {
    const char *code, *title; /* required */
    int year;                 /* required */
    const char *rule;         /* NULL: majority_of_all */
    int max_select;           /* 0: no limit */
    int quorum;               /* 0: more than half of the roster */
    int64_t at;
};
int svc_vote_create(struct service *svc, const struct actor *who, const struct vote_req *req,
                    int64_t *id, struct err *e);

/* Adds deputies by name to a draft session's roster (one event for the call). */
int svc_vote_deputies(struct service *svc, const struct actor *who, const char *code,
                      const char *const *names, int n, int64_t at, struct err *e);

struct vote_candidate_req {
    const char *title;            /* required */
    const char *area, *lead_unit; /* names; NULL: none */
    const char *measure;          /* 公里, 个学位 ...; NULL: "" */
    const char *target, *budget;  /* decimals (budget in 万元); NULL: 0 */
    int64_t at;
};
/* Adds a candidate to a draft session; *seq is its number in the session (1, 2, ...). */
int svc_vote_candidate(struct service *svc, const struct actor *who, const char *code,
                       const struct vote_candidate_req *req, int64_t *seq, struct err *e);

int svc_vote_open(struct service *svc, const struct actor *who, const char *code, int64_t at,
                  struct err *e);

struct vote_ballot_req {
    const char *deputy; /* name on the roster */
    int64_t candidate;  /* seq */
    const char *choice; /* 赞成/反对/弃权 or yes/no/abstain */
};
/* Records n ballots in one transaction, all or nothing; each is one event. On failure
 * *bad (when non-NULL) is the index of the refused ballot (-1 when none was to blame). */
int svc_vote_ballots(struct service *svc, const struct actor *who, const char *code,
                     const struct vote_ballot_req *b, size_t n, int64_t at, size_t *bad,
                     struct err *e);

/* Counts the ballots into the candidates (yes, no, abstain, passed, rank, tied, chosen) and
 * closes the session; *t (when non-NULL) gets the count's summary (t->c is NULL). */
int svc_vote_close(struct service *svc, const struct actor *who, const char *code, int64_t at,
                   struct vote_tally *t, struct err *e);

/* Readers: the session with roster size, candidates and their counts, and (history)
 * its events. New reference. */
json_t *svc_vote_json(struct service *svc, const struct actor *who, const char *code, int history,
                      struct err *e);
json_t *svc_vote_list_json(struct service *svc, const struct actor *who, struct err *e);

/* Chosen candidates become projects of the session's year (svc_project_add), each
 * candidate's project_id is set and the session gets one "adopt" event. Closed sessions
 * only, once. *n (when non-NULL) is the number of projects created. */
int svc_vote_adopt(struct service *svc, const struct actor *who, const char *code, int64_t at,
                   int *n, struct err *e);

/* The demo's vote (service/demo_votes.c): a 2021 session, roster, candidates, ballots,
 * closed (and adopted). */
int demo_votes(struct service *svc, struct err *e);

#endif
