/* doc.h -- a report as every renderer sees it: a title, paragraphs, tables of typed cells and
 * charts. The bulletin is laid out once into a doc (report/layout.c) and each format (HTML,
 * PDF, XLSX, CSV) draws that same doc, so the formats cannot disagree on a figure.
 *
 * Invariant: a cell's printed text comes only from doc_cell_text(); a renderer that writes
 * numbers natively (XLSX) uses a number format that prints the same text.
 * Memory: every string and array of a doc lives in its arena and is freed by doc_release();
 * a table too long to hold (the ledger) has a row source instead of cells (struct
 * doc_source), and every renderer writes as it goes, so memory does not grow with its rows. */
#ifndef SHISHI_DOC_H
#define SHISHI_DOC_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "util/err.h"

enum cell_kind {
    CELL_TEXT = 0, /* s */
    CELL_INT,      /* i: "2595" */
    CELL_RATE,     /* x: a percentage with two decimals, "94.99" (the column title says "%") */
    CELL_CHANGE,   /* x: a signed change in percent with two decimals, "+12.50", "-3.00", "0.00" */
    CELL_NONE      /* no value (zero denominator, no previous period): "—" */
};

struct cell {
    int kind; /* enum cell_kind */
    int64_t i;
    double x;
    const char *s;
};

/* Longest text doc_cell_text() writes for a number cell, with its NUL. */
#define CELL_TEXT_MAX 32

/* Called once per row of a table, in order; `row` holds the table's ncols cells and lives
 * only for the call. Returns 0 to go on, -1 (with the caller's error filled) to stop. */
typedef int (*doc_row_fn)(const struct cell *row, void *ctx);

/* Rows made on demand: a table too long to hold (the ledger annex, one row per appeal) is
 * drawn from a source that yields one row at a time into scratch memory it reuses, so a
 * renderer's memory does not grow with the rows. each() may be called more than once (PDF
 * measures a table before drawing it) and yields the same rows every time. */
struct doc_source {
    int (*each)(void *src, doc_row_fn fn, void *ctx, struct err *e); /* 0, or -1 with e */
    void (*release)(void *src); /* by doc_release() */
    void *src;
};

struct doc_table {
    const char *id;    /* stable ASCII name: "summary", "ranking", "overdue", "ledger", ... */
    const char *title; /* heading, e.g. "二、单位排名" */
    const char *sheet; /* XLSX sheet name: at most 31 characters, no []:*?/\ */
    const char *note;  /* a sentence under the heading, or NULL */
    int ncols;
    const char **cols; /* column titles */
    int *widths;       /* relative column widths (characters), for PDF and XLSX */
    struct cell *cells; /* nrows * ncols, row-major */
    size_t nrows;
    size_t cap; /* rows allocated (doc_row_add's) */
    int wide; /* too wide for A4 portrait: PDF draws it landscape or in a smaller font */
    struct doc_source source; /* each != NULL: the rows come from here, cells is unused */
};

/* Every row of a table, fixed or streamed, through one walk, so every renderer draws both
 * kinds the same way. Returns 0, or -1 with e filled (by the source or by fn). */
int doc_table_rows(const struct doc_table *t, doc_row_fn fn, void *ctx, struct err *e);

enum chart_kind { CHART_BAR = 1, CHART_LINE };

struct doc_series {
    const char *name;
    double *y;     /* n values; NAN for "no value" (drawn as a gap) */
    int right;     /* drawn against the right axis (0..100 %) instead of the left */
};

#define DOC_MAX_SERIES 4

struct doc_chart {
    const char *id;    /* "scores", "trend" */
    const char *title;
    int kind;          /* enum chart_kind: a bar chart draws series 0 as bars; a line chart
                        * draws series with right == 0 as bars (counts) and right == 1 as lines */
    const char *left_label, *right_label; /* axis titles; right_label NULL: no right axis */
    int n;             /* categories */
    const char **labels;
    int nseries;
    struct doc_series series[DOC_MAX_SERIES];
};

struct doc_arena; /* opaque */

struct doc {
    const char *title;    /* "永定区“我为群众办实事”诉求办理情况通报" */
    const char *subtitle; /* period, rule version, as-of */
    const char **paras;   /* summary paragraphs */
    size_t nparas;
    struct doc_table *tables;
    size_t ntables;
    struct doc_chart *charts;
    size_t ncharts;
    struct doc_arena *arena;
};

void doc_init(struct doc *d);
void doc_release(struct doc *d);

/* Arena helpers: memory freed with the doc. */
void *doc_alloc(struct doc *d, size_t size); /* zeroed */
const char *doc_strdup(struct doc *d, const char *s);
const char *doc_printf(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void doc_para(struct doc *d, const char *text); /* copies */
/* Adds a table with `ncols` columns (titles and widths copied) and returns it. */
struct doc_table *doc_table_add(struct doc *d, const char *id, const char *title,
                                const char *sheet, int ncols, const char *const *cols,
                                const int *widths);
/* Appends a row and returns its ncols cells (zeroed: CELL_TEXT with s NULL prints ""). */
struct cell *doc_row_add(struct doc *d, struct doc_table *t);
struct doc_chart *doc_chart_add(struct doc *d, const char *id, const char *title, int kind,
                                int n);

/* How a renderer draws a chart's series s: as bars (series 0 of a bar chart, the left-axis
 * series of a line chart) or as a line (the right-axis series of a line chart). */
int chart_is_bar(const struct doc_chart *c, int s);
int chart_is_line(const struct doc_chart *c, int s);
/* The axis step of 1, 2 or 5 times a power of ten whose five steps first cover `span`. */
double chart_step(double span);

/* Cell setters; text is copied into the arena. */
void cell_text(struct doc *d, struct cell *c, const char *s);
void cell_int(struct cell *c, int64_t v);
void cell_rate(struct cell *c, double pct);   /* pct < 0: no value */
void cell_change(struct cell *c, double pct); /* isnan(pct): no value */
void cell_none(struct cell *c);

/* The text of a cell, the same in every format; returns c->s for text cells, else out. */
const char *doc_cell_text(const struct cell *c, char out[CELL_TEXT_MAX]);

/* The temporary file a renderer writes before renaming it over `path` ("PATH.tmp"):
 * util/outfile.h's out_open() for option --out, made safely: `path` must be absent or a regular file (not a FIFO, a device, a directory or a
 * symbolic link, which a rename would replace); the temporary file is created anew with
 * O_EXCL and O_NOFOLLOW (a stale one left by a crash is removed first, a link never
 * followed). Returns the open file, its name in *tmp (free it), or NULL with e filled. */
FILE *doc_out_open(const char *path, const char *what, char **tmp, struct err *e);

/* Ends what doc_out_open() began: flushes, syncs and closes f and renames tmp over path;
 * frees tmp. When the writes failed (bad) or the rows could not be made (why: that error,
 * passed on as it is), or any of this fails, nothing is left at either name. Returns 0, or
 * -1 with e filled ("cannot write <what> '<path>': <reason>", or *why). */
int doc_out_finish(FILE *f, char *tmp, const char *path, const char *what, int bad,
                   const struct err *why, struct err *e);

#include "util/buf.h"
/* A text renderer's output: it appends to b, and doc_sink_flush() hands b to the file once
 * it holds DOC_SINK_CHUNK bytes (or always with force), so no renderer holds its whole
 * output. bad is set, sticky, when a write fails. */
#define DOC_SINK_CHUNK (64 * 1024)
struct doc_sink {
    FILE *f;
    struct buf b;
    int bad;
};
void doc_sink_flush(struct doc_sink *s, int force);


/* Renderers (report/html.c, csv.c, pdf.c, xlsx.c). Each writes the whole doc: every table
 * in order (PDF: tables with `wide` set may be drawn smaller), every chart (HTML as inline
 * SVG, PDF drawn with cairo; XLSX as native charts where it can; CSV has no charts).
 * A failure fills e (ERR_IO naming the path, or a row source's own error) and leaves no
 * partial file at `path`. */
int render_html(const struct doc *d, const char *path, struct err *e);
int render_csv(const struct doc *d, const char *path, struct err *e);
int render_pdf(const struct doc *d, const char *path, struct err *e);
int render_xlsx(const struct doc *d, const char *path, struct err *e);

#endif
