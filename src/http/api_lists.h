/* api_lists.h -- the lists' endpoints (http/api_lists.c), reached from api.c's route(). */
#ifndef SHISHI_API_LISTS_H
#define SHISHI_API_LISTS_H

#include <jansson.h>

#include "http/request.h"

/* Whether resource seg[2] is one of ours: tasks, leaders, enterprises, visits. */
int api_lists_match(const char *res);
/* Handles /api/v1/<res>/... (seg, n as route() split them); NULL with e filled on error. */
json_t *api_lists(struct request *r, char **seg, int n, struct err *e);

#endif
