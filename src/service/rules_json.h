/* rules_json.h -- an assessment rule set as JSON (docs/metrics.md lists the keys). */
#ifndef SHISHI_RULES_JSON_H
#define SHISHI_RULES_JSON_H

#include <jansson.h>

#include "core/appeal.h"
#include "core/ruleset.h"
#include "util/err.h"

/* The complete JSON of r: what a stored version holds. Caller owns the reference. */
json_t *ruleset_to_json(const struct ruleset *r);
/* Parses and checks a rule set; absent keys take ruleset_default()'s values. */
int ruleset_from_json(const char *text, struct ruleset *out, struct err *e);

#endif
