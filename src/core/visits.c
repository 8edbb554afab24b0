/* visits.c -- monthly visit compliance (see visits.h for the rule). No I/O. */
#include "core/visits.h"

#include <stdio.h>
#include <string.h>

#include "util/banned.h"

int link_in_month(const struct link_span *l, int64_t first, int64_t last)
{
    return l->since_on <= last && (l->until_on == 0 || l->until_on >= first);
}

int visits_compliance(int64_t first, int64_t last, const struct link_span *links, size_t nl,
                      const struct visit_fact *v, size_t nv, struct compliance *out)
{
    int rc = 0;
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < nl; i++) {
        if (!link_in_month(&links[i], first, last))
            continue;
        int64_t ent = links[i].enterprise_id;
        int seen = 0;
        for (int k = 0; k < out->required; k++)
            seen |= out->required_ids[k] == ent;
        if (seen)
            continue;
        if (out->required == COMPLIANCE_MAX) {
            rc = -1;
            break;
        }
        out->required_ids[out->required++] = ent;
        int visited = 0;
        for (size_t k = 0; k < nv && !visited; k++)
            visited =
                v[k].enterprise_id == ent && v[k].visited_on >= first && v[k].visited_on <= last;
        if (visited)
            out->done++;
        else
            out->missed[out->nmissed++] = ent;
    }
    out->percent_x100 =
        out->required ? ((int64_t)out->done * 10000 + out->required / 2) / out->required : -1;
    return rc;
}

void percent_format(int64_t x100, char *out, size_t size)
{
    if (x100 < 0)
        snprintf(out, size, "-");
    else
        snprintf(out, size, "%lld.%02lld", (long long)(x100 / 100), (long long)(x100 % 100));
}
