/* doc.c -- the report model's arena, builders and the one cell formatter.
 * Invariant: everything a doc points at was allocated from its arena. */
#include "report/doc.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/outfile.h"
#include "util/xalloc.h"

#include "util/banned.h"

/* A list of blocks: small, and freed all at once. */
struct doc_block {
    struct doc_block *next;
    max_align_t data[];
};

struct doc_arena {
    struct doc_block *head;
};

void doc_init(struct doc *d)
{
    memset(d, 0, sizeof(*d));
    d->arena = xcalloc(1, sizeof(*d->arena));
}

void doc_release(struct doc *d)
{
    if (d->arena) {
        for (struct doc_block *b = d->arena->head, *next; b; b = next) {
            next = b->next;
            free(b);
        }
        free(d->arena);
    }
    for (size_t i = 0; i < d->ntables; i++)
        if (d->tables[i].source.release)
            d->tables[i].source.release(d->tables[i].source.src);
    free(d->tables);
    free(d->charts);
    free(d->paras);
    memset(d, 0, sizeof(*d));
}

void *doc_alloc(struct doc *d, size_t size)
{
    struct doc_block *b = xcalloc(1, sizeof(*b) + size);
    b->next = d->arena->head;
    d->arena->head = b;
    return b->data;
}

const char *doc_strdup(struct doc *d, const char *s)
{
    size_t n = strlen(s ? s : "");
    char *p = doc_alloc(d, n + 1);
    memcpy(p, s ? s : "", n);
    return p;
}

const char *doc_printf(struct doc *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = doc_alloc(d, (size_t)(n < 0 ? 0 : n) + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
    va_end(ap);
    return p;
}

void doc_para(struct doc *d, const char *text)
{
    d->paras = xrealloc(d->paras, (d->nparas + 1) * sizeof(*d->paras));
    d->paras[d->nparas++] = doc_strdup(d, text);
}

struct doc_table *doc_table_add(struct doc *d, const char *id, const char *title,
                                const char *sheet, int ncols, const char *const *cols,
                                const int *widths)
{
    d->tables = xrealloc(d->tables, (d->ntables + 1) * sizeof(*d->tables));
    struct doc_table *t = &d->tables[d->ntables++];
    memset(t, 0, sizeof(*t));
    t->id = doc_strdup(d, id);
    t->title = doc_strdup(d, title);
    t->sheet = doc_strdup(d, sheet);
    t->ncols = ncols;
    t->cols = doc_alloc(d, (size_t)ncols * sizeof(*t->cols));
    t->widths = doc_alloc(d, (size_t)ncols * sizeof(*t->widths));
    for (int i = 0; i < ncols; i++) {
        t->cols[i] = doc_strdup(d, cols[i]);
        t->widths[i] = widths ? widths[i] : 10;
    }
    return t;
}

/* Rows grow by doubling inside the arena: the old block is left for doc_release(). */
struct cell *doc_row_add(struct doc *d, struct doc_table *t)
{
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        struct cell *cells = doc_alloc(d, cap * (size_t)t->ncols * sizeof(*cells));
        if (t->nrows)
            memcpy(cells, t->cells, t->nrows * (size_t)t->ncols * sizeof(*cells));
        t->cells = cells;
        t->cap = cap;
    }
    struct cell *row = &t->cells[t->nrows * (size_t)t->ncols];
    t->nrows++;
    return row;
}

int doc_table_rows(const struct doc_table *t, doc_row_fn fn, void *ctx, struct err *e)
{
    if (t->source.each)
        return t->source.each(t->source.src, fn, ctx, e);
    for (size_t r = 0; r < t->nrows; r++)
        if (fn(&t->cells[r * (size_t)t->ncols], ctx))
            return -1;
    return 0;
}

struct doc_chart *doc_chart_add(struct doc *d, const char *id, const char *title, int kind,
                                int n)
{
    d->charts = xrealloc(d->charts, (d->ncharts + 1) * sizeof(*d->charts));
    struct doc_chart *c = &d->charts[d->ncharts++];
    memset(c, 0, sizeof(*c));
    c->id = doc_strdup(d, id);
    c->title = doc_strdup(d, title);
    c->kind = kind;
    c->n = n;
    c->labels = doc_alloc(d, (size_t)(n ? n : 1) * sizeof(*c->labels));
    for (int i = 0; i < n; i++)
        c->labels[i] = "";
    return c;
}

int chart_is_bar(const struct doc_chart *c, int s)
{
    return c->kind == CHART_BAR ? s == 0 : !c->series[s].right;
}

int chart_is_line(const struct doc_chart *c, int s)
{
    return c->kind == CHART_LINE && c->series[s].right;
}

double chart_step(double span)
{
    if (!(span > 0))
        return 1;
    double raw = span / 5, mag = pow(10, floor(log10(raw))), f = raw / mag;
    return (f <= 1 + 1e-9 ? 1 : f <= 2 + 1e-9 ? 2 : f <= 5 + 1e-9 ? 5 : 10) * mag;
}

void cell_text(struct doc *d, struct cell *c, const char *s)
{
    c->kind = CELL_TEXT;
    c->s = doc_strdup(d, s);
}

void cell_int(struct cell *c, int64_t v)
{
    c->kind = CELL_INT;
    c->i = v;
}

/* Rounded to two decimals once, here, so every format prints the same digits. */
static double two_places(double x)
{
    double r = round(x * 100.0) / 100.0;
    return r == 0 ? 0 : r; /* no "-0.00" */
}

void cell_rate(struct cell *c, double pct)
{
    if (pct < 0) {
        cell_none(c);
        return;
    }
    c->kind = CELL_RATE;
    c->x = two_places(pct);
}

void cell_change(struct cell *c, double pct)
{
    if (isnan(pct)) {
        cell_none(c);
        return;
    }
    c->kind = CELL_CHANGE;
    c->x = two_places(pct);
}

void cell_none(struct cell *c)
{
    c->kind = CELL_NONE;
}

const char *doc_cell_text(const struct cell *c, char out[CELL_TEXT_MAX])
{
    switch (c->kind) {
    case CELL_INT:
        snprintf(out, CELL_TEXT_MAX, "%lld", (long long)c->i);
        return out;
    case CELL_RATE:
        snprintf(out, CELL_TEXT_MAX, "%.2f", c->x);
        return out;
    case CELL_CHANGE:
        snprintf(out, CELL_TEXT_MAX, c->x > 0 ? "+%.2f" : "%.2f", c->x);
        return out;
    case CELL_NONE:
        return "—";
    default:
        return c->s ? c->s : "";
    }
}

FILE *doc_out_open(const char *path, const char *what, char **tmp, struct err *e)
{
    return out_open(path, "out", what, tmp, e);
}

int doc_out_finish(FILE *f, char *tmp, const char *path, const char *what, int bad,
                   const struct err *why, struct err *e)
{
    int ok = !bad && !why, saved = bad ? (errno ? errno : EIO) : 0;
    /* on disk before the rename, so a crash cannot leave an empty file at path */
    if (ok && (ferror(f) || fflush(f) != 0 || fsync(fileno(f)) != 0)) {
        ok = 0;
        saved = errno ? errno : EIO;
    }
    if (fclose(f) != 0 && ok) {
        ok = 0;
        saved = errno ? errno : EIO;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = 0;
        saved = errno ? errno : EIO;
    }
    if (!ok)
        remove(tmp);
    free(tmp);
    if (ok)
        return 0;
    if (saved || !why)
        return err_set(e, ERR_IO, "out", "cannot write %s '%s': %s", what, path,
                       strerror(saved ? saved : EIO));
    if (e)
        *e = *why;
    return -1;
}

void doc_sink_flush(struct doc_sink *s, int force)
{
    if (!force && s->b.len < DOC_SINK_CHUNK)
        return;
    if (buf_error(&s->b) || (s->b.len && fwrite(s->b.ptr, 1, s->b.len, s->f) != s->b.len))
        s->bad = 1;
    buf_reset(&s->b);
}
