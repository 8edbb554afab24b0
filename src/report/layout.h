/* layout.h -- the monthly bulletin (通报) laid out as a doc: its sections, their columns and
 * Chinese titles. Every format renders this one doc (report/doc.h). */
#ifndef SHISHI_LAYOUT_H
#define SHISHI_LAYOUT_H

#include "report/doc.h"
#include "service/view.h"

/* Fills d (doc_init'ed here; caller releases) from b. `site` names the district. The ledger
 * annex is the last table, with no rows: layout_bulletin_for gives it its source. */
void layout_bulletin(struct doc *d, const struct bulletin *b, const struct names *n,
                     const char *site);
/* The whole way from the database to a doc, for `shishi bulletin` and the API alike: the
 * bulletin of svc_bulletin()'s period, laid out under the site's name. On success d is
 * filled (caller releases) and, when not NULL, *from_day and *to_day are its period.
 * The ledger's rows are read from svc while d is rendered: svc and its store must outlive
 * every render of d. */
int layout_bulletin_for(struct service *svc, const struct actor *who, const char *month, const char *from,
                        const char *to, int rules, int64_t as_of, struct doc *d,
                        int64_t *from_day, int64_t *to_day, struct err *e);

#endif
