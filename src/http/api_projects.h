/* api_projects.h -- the practical-matter project endpoints (http/api_projects.c):
 *   GET/POST /api/v1/projects, GET /api/v1/projects/{code},
 *   POST /api/v1/projects/{code}/progress|finish|milestones|links,
 *   POST /api/v1/projects/{code}/milestones/{seq}/done, GET/POST /api/v1/batches. */
#ifndef SHISHI_API_PROJECTS_H
#define SHISHI_API_PROJECTS_H

#include "http/request.h"

/* Handles the request when seg[2] is "projects" or "batches": returns the JSON (new
 * reference) or NULL with e filled (ERR_NOT_FOUND for a path it does not serve). */
json_t *api_projects(struct request *r, char **seg, int n, struct err *e);

#endif
