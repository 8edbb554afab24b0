/* hotspot.h -- hot spots (热点, the 未诉先办 of the campaign): groups of appeals about the
 * same matter, found by their text, scored by how many people raise it, how fast it grows
 * and how much support it has.
 *
 * Method. Each appeal's title and its title + content become shingles (text/sketch.h),
 * each weighted by ln(1 + N / df): the shingles most appeals share (小区, 问题, a closing 请有关
 * 部门处理) weigh little, those of one matter much. Appeals whose title or whole-text shingles
 * share a MinHash band (a band shared by more than 100 is a stock phrase and skipped) are
 * compared; a weighted Jaccard of at least `link` (0.3) on either links them, and linked
 * appeals form one group (union-find). A group is listed when it holds
 * at least `min_size` appeals of the period. No I/O here. */
#ifndef SHISHI_HOTSPOT_H
#define SHISHI_HOTSPOT_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct hs_doc {
    int64_t id;         /* the caller's: an appeal id, a message number */
    const char *code;   /* shown; NULL: the id */
    const char *title, *text;
    const char *caller; /* who raised it (phone, user id); NULL or "": counted as someone new */
    const char *place;  /* an address, read when the title names no place; NULL: none */
    int64_t at;         /* seconds */
    int64_t likes, dislikes;
    int current;        /* 1: in the period; 0: in the period before (for growth only) */
};

struct hs_opts {
    double link;     /* Jaccard that links two appeals; 0: 0.3 */
    size_t min_size; /* appeals of the period a group needs; 0: 2 */
    int growth;      /* the docs hold the period before too: measure the trend (else 0) */
};

struct hs_group {
    size_t *members; /* indexes into the docs, period first then the period before, by time */
    size_t n;        /* members in all */
    int64_t appeals, callers, previous; /* of the period; distinct callers; of the period before */
    int64_t likes, dislikes;            /* of the period */
    int64_t first, last;                /* times of the period's first and last appeal */
    size_t rep;                         /* the member whose text is most like the others' */
    double trend; /* (appeals - previous) / max(previous, 1), within -1..2 */
    double score; /* (callers + (appeals - callers) / 2 + ln(1 + likes - dislikes)) x (1 + trend / 4) */
    char place[64];
};

/* Groups `docs`, best score first, into *out (caller frees with hotspots_free). */
int hotspots_find(const struct hs_doc *docs, size_t n, const struct hs_opts *o,
                  struct hs_group **out, size_t *ngroups);
void hotspots_free(struct hs_group *g, size_t n);

/* Reads a file of messages with the columns of hotspot.tsv (留言编号, 留言用户, 留言主题,
 * 留言时间, 留言详情, 点赞数, 反对数) after its header line: the messages of [before, to)
 * into *docs (malloc'ed), those from `from` on marked current. `data` holds len bytes and
 * one more, is split in place and must outlive *docs. ERR_INVALID, field "tsv", naming the
 * line. */
int hotspot_tsv_read(char *data, size_t len, int64_t before, int64_t from, int64_t to,
                     struct hs_doc **docs, size_t *ndocs, struct err *e);

/* A place named in a text: the run of characters before the first place word (小区, 村, 路,
 * 学校 ...), at most 8 characters of it, with the place word: "魅力之城小区". "" when none. */
void hotspot_place(const char *text, char *out, size_t size);

#endif
