/* csv.c -- the doc as CSV: every table as a block of rows (its title alone, its header, its
 * data), one empty line between blocks. No paragraphs, no charts: CSV is for the figures.
 *
 * Always true: UTF-8 with a byte order mark (without it Excel reads the file in the ANSI code
 * page and garbles the Chinese), CRLF line ends and RFC 4180 quoting (buf_add_csv); a cell's
 * text comes only from doc_cell_text(), so a block holds exactly the rows LibreOffice exports
 * from the same table's XLSX sheet -- except for the guard below.
 *
 * Formula injection (OWASP "CSV Injection"): a spreadsheet opening a CSV runs a field that
 * starts with = + - @ as a formula, and some strip a leading tab or CR first. The text cells
 * hold what citizens typed (titles, names), so a text cell starting with one of those is
 * written with a single quote in front, which the spreadsheet shows as text and does not run.
 * Number cells are never prefixed: "-3.00" is our own formatting of a number, and a quote
 * would turn it into text. Table titles and column headers are ours and written as they are.
 * (XLSX needs no guard: it stores text cells as strings, which are never evaluated.) */
#include "report/doc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"

#include "util/banned.h"

/* Nonzero if a spreadsheet might evaluate a field starting like this. */
static int looks_like_formula(const char *s)
{
    return s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
}

static void add_text_field(struct buf *b, const char *s)
{
    if (!looks_like_formula(s)) {
        buf_add_csv(b, s);
        return;
    }
    struct buf q = BUF_INIT;
    buf_addc(&q, '\'');
    buf_adds(&q, s);
    buf_add_csv(b, q.ptr);
    buf_release(&q);
}

struct csv_out {
    struct doc_sink sink;
    int ncols; /* of the table being written */
};

static int add_row(const struct cell *row, void *ctx)
{
    struct csv_out *o = ctx;
    struct doc_sink *k = &o->sink;
    struct buf *b = &k->b;
    for (int c = 0; c < o->ncols; c++) {
        char tmp[CELL_TEXT_MAX];
        const char *s = doc_cell_text(&row[c], tmp);
        if (c)
            buf_addc(b, ',');
        if (row[c].kind == CELL_TEXT)
            add_text_field(b, s);
        else
            buf_add_csv(b, s);
    }
    buf_adds(b, "\r\n");
    doc_sink_flush(k, 0);
    return k->bad ? -1 : 0;
}

static int add_table(struct csv_out *o, const struct doc_table *t, struct err *e)
{
    struct buf *b = &o->sink.b;
    buf_add_csv(b, t->title ? t->title : "");
    buf_adds(b, "\r\n");
    for (int c = 0; c < t->ncols; c++) {
        if (c)
            buf_addc(b, ',');
        buf_add_csv(b, t->cols[c] ? t->cols[c] : "");
    }
    buf_adds(b, "\r\n");
    o->ncols = t->ncols;
    return doc_table_rows(t, add_row, o, e);
}

/* Written as it is made, through a 64 KB sink: a ledger of a million rows streams from its
 * source to the file without ever being held. */
int render_csv(const struct doc *d, const char *path, struct err *e)
{
    char *tmp;
    struct csv_out o = {{NULL, BUF_INIT, 0}, 0};
    o.sink.f = doc_out_open(path, "CSV", &tmp, e);
    if (!o.sink.f)
        return -1;
    struct err src = {0};
    int rc = 0;
    buf_adds(&o.sink.b, "\xEF\xBB\xBF");
    for (size_t i = 0; i < d->ntables && rc == 0 && !o.sink.bad; i++) {
        if (i)
            buf_adds(&o.sink.b, "\r\n");
        rc = add_table(&o, &d->tables[i], &src);
    }
    doc_sink_flush(&o.sink, 1);
    buf_release(&o.sink.b);
    return doc_out_finish(o.sink.f, tmp, path, "CSV", o.sink.bad, rc < 0 && !o.sink.bad ? &src : NULL,
                          e);
}
