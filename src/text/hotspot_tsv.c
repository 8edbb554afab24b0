/* hotspot_tsv.c -- reading an outside file of messages for hot spots (hotspot.h): the
 * columns of hotspot.tsv (留言编号, 留言用户, 留言主题, 留言时间, 留言详情, 点赞数, 反对数), one
 * message a line after a header line. Outside input: strict, every error names its line,
 * and fuzzed (tests/fuzz/fuzz_hotspot_tsv.c). */
#include "text/hotspot.h"

#include <stdlib.h>
#include <string.h>

#include "util/civil.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#include "util/banned.h"

#define TSV_MAX_ROWS 1000000
static const char *const tsv_head[] = {"留言编号", "留言用户", "留言主题", "留言时间",
                                       "留言详情", "点赞数",   "反对数"};
#define TSV_COLS 7

/* A count in 0..TSV_INT_MAX (likes a message can have; an id). */
#define TSV_INT_MAX 1000000000000LL
static int tsv_int(const char *s, int64_t *v)
{
    char *end;
    long long x = strtoll(s, &end, 10);
    if (!*s || *end || x < 0 || x > TSV_INT_MAX)
        return -1;
    *v = x;
    return 0;
}

/* One line split in place into exactly TSV_COLS fields; -1 for another count. */
static int split(char *line, char **f)
{
    int n = 0;
    for (char *p = line;; p++) {
        if (n == TSV_COLS)
            return -1;
        f[n++] = p;
        p = strchr(p, '\t');
        if (!p)
            break;
        *p = '\0';
    }
    return n == TSV_COLS ? 0 : -1;
}

struct rows {
    int64_t before, from, to;
    struct hs_doc *docs;
    size_t n, cap;
};

static int tsv_row(struct rows *h, char *line, int lineno, struct err *e)
{
    char *f[TSV_COLS];
    if (split(line, f) < 0)
        return err_set(e, ERR_INVALID, "tsv", "line %d: want %d tab-separated columns (%s, ...)",
                       lineno, TSV_COLS, tsv_head[0]);
    struct hs_doc d = {0};
    int64_t id;
    if (tsv_int(f[0], &id) < 0)
        return err_set(e, ERR_INVALID, "tsv", "line %d: bad %s '%.*s'", lineno, tsv_head[0],
                       (int)utf8_fit(f[0], 20), f[0]);
    if (civil_parse_instant(f[3], &d.at) < 0)
        return err_set(e, ERR_INVALID, "tsv", "line %d: bad %s '%.*s'", lineno, tsv_head[3],
                       (int)utf8_fit(f[3], 30), f[3]);
    if (tsv_int(f[5], &d.likes) < 0 || tsv_int(f[6], &d.dislikes) < 0)
        return err_set(e, ERR_INVALID, "tsv", "line %d: bad %s or %s", lineno, tsv_head[5],
                       tsv_head[6]);
    if (d.at < h->before || d.at >= h->to)
        return 0;
    void *p = h->docs;
    xgrow(&p, &h->cap, h->n + 1, sizeof(*h->docs));
    h->docs = p;
    struct hs_doc *x = &h->docs[h->n++];
    *x = d;
    x->id = id;
    x->caller = f[1];
    x->title = f[2];
    x->text = f[4];
    x->current = d.at >= h->from;
    return 0;
}

int hotspot_tsv_read(char *data, size_t len, int64_t before, int64_t from, int64_t to,
                     struct hs_doc **docs, size_t *ndocs, struct err *e)
{
    struct rows r = {before, from, to, NULL, 0, 0};
    *docs = NULL;
    *ndocs = 0;
    if (memchr(data, '\0', len))
        return err_set(e, ERR_INVALID, "tsv", "the file holds a NUL byte: not a text file");
    if (!utf8_valid(data, len))
        return err_set(e, ERR_INVALID, "tsv", "the file is not valid UTF-8");
    int lineno = 0;
    char *p = data, *end = data + len;
    if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
        p += 3;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *line = p;
        p = nl ? nl + 1 : end;
        if (nl)
            *nl = '\0';
        else
            *end = '\0'; /* the caller leaves one byte past the data */
        size_t n = strlen(line);
        if (n && line[n - 1] == '\r')
            line[--n] = '\0';
        if (++lineno == 1) {
            if (strncmp(line, tsv_head[0], strlen(tsv_head[0])) != 0) {
                free(r.docs);
                return err_set(e, ERR_INVALID, "tsv", "line 1: want the header line %s, %s, ...",
                               tsv_head[0], tsv_head[1]);
            }
            continue;
        }
        if (!n)
            continue;
        if (r.n >= TSV_MAX_ROWS || tsv_row(&r, line, lineno, e) < 0) {
            if (r.n >= TSV_MAX_ROWS)
                err_set(e, ERR_INVALID, "tsv", "more than %d rows", TSV_MAX_ROWS);
            free(r.docs);
            return -1;
        }
    }
    *docs = r.docs;
    *ndocs = r.n;
    return 0;
}

