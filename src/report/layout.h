/* layout.h -- the monthly bulletin (通报) laid out as a doc: its sections, their columns and
 * Chinese titles. Every format renders this one doc (report/doc.h). */
#ifndef SHISHI_LAYOUT_H
#define SHISHI_LAYOUT_H

#include "report/doc.h"
#include "service/view.h"

/* Fills d (doc_init'ed here; caller releases) from b. `site` names the district. */
void layout_bulletin(struct doc *d, const struct bulletin *b, const struct names *n,
                     const char *site);

#endif
