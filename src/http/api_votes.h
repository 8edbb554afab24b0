/* api_votes.h -- the deputies' vote endpoints (http/api_votes.c), routed from api.c. */
#ifndef SHISHI_API_VOTES_H
#define SHISHI_API_VOTES_H

#include <jansson.h>

#include "http/request.h"

/* /api/v1/votes[/{code}[/deputies|candidates|open|ballots|close]]: seg are the path's
 * segments ("api", "v1", "votes", ...), n their number. New reference, or NULL with e. */
json_t *api_votes(struct request *r, char *const *seg, int n, struct err *e);

#endif
