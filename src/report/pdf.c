/* pdf.c -- the bulletin as an A4 portrait PDF drawn with cairo and pango: the title block, the
 * first table (the summary), every chart, the other tables, and "第 N 页" under every page.
 *
 * Invariants: a cell's text comes only from doc_cell_text(); nothing is drawn below
 * BODY_BOTTOM: a row or chart that would cross it starts a new page, and a table's header row
 * is drawn again at the top of every page the table continues on. The PDF is written to
 * `path`.tmp and renamed into place only once complete, so `path` never holds a partial file. */
#include "report/doc.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/xalloc.h"

#include "util/banned.h"

#define PAGE_W      595.28
#define PAGE_H      841.89
#define MARGIN      40.0
#define BODY_W      (PAGE_W - 2 * MARGIN)
#define BODY_BOTTOM (PAGE_H - MARGIN - 12.0) /* the footer sits below */
/* A family list: pango falls back to any sans font when WenQuanYi is not installed. */
#define FONT_FAMILY "WenQuanYi Zen Hei,sans"

#define TABLE_SIZE 9.5
#define WIDE_SIZE  6.5 /* a 13-column ledger fits the portrait width only this small */
#define CELL_PAD   2.5
#define WIDE_PAD   1.5 /* every point counts across 13 columns */
#define CELL_LINES 6   /* longer cells are ellipsized, so no row outgrows a page */

#define PLOT_TOP   54.0 /* from the chart's top: title, legend and axis titles above */
#define PLOT_H     150.0
#define LABEL_SIZE 8.0
#define TURNED_LEN 62.0 /* longest label turned 45 degrees before it is ellipsized */

struct style {
    double size; /* points */
    int bold;
    PangoAlignment align;
    int max_lines; /* > 0: at most this many lines, the last ellipsized */
    double indent; /* first-line indent in ems (Chinese paragraphs indent two characters) */
};

static const struct style S_TITLE = {18, 1, PANGO_ALIGN_CENTER, 0, 0};
static const struct style S_SUBTITLE = {10.5, 0, PANGO_ALIGN_CENTER, 0, 0};
static const struct style S_PARA = {11, 0, PANGO_ALIGN_LEFT, 0, 2};
static const struct style S_HEADING = {13, 1, PANGO_ALIGN_LEFT, 0, 0};
static const struct style S_NOTE = {9, 0, PANGO_ALIGN_LEFT, 0, 0};
static const struct style S_FOOTER = {9, 0, PANGO_ALIGN_CENTER, 1, 0};
static const struct style S_CHART_TITLE = {11.5, 1, PANGO_ALIGN_CENTER, 1, 0};
static const struct style S_AXIS = {LABEL_SIZE, 0, PANGO_ALIGN_LEFT, 1, 0};

/* One colour per series; bars and lines of one chart never share one. */
static const double PALETTE[DOC_MAX_SERIES][3] = {
    {0.27, 0.45, 0.77}, /* blue */
    {0.93, 0.49, 0.19}, /* orange */
    {0.36, 0.65, 0.28}, /* green */
    {0.77, 0.22, 0.22}, /* red */
};

struct pdf {
    cairo_t *cr;
    PangoLayout *layout; /* shared by all one-off text */
    int page;            /* number of the page being drawn, from 1 */
    double y;            /* top of the free space on it */
    struct err src;      /* a table's rows could not be made (src.msg set): why */
};

/* ---- text ---- */

static void set_style(PangoLayout *l, const struct style *s, double width)
{
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family(fd, FONT_FAMILY);
    /* Absolute size: a point is one cairo unit on a PDF surface, whatever pango's dpi. */
    pango_font_description_set_absolute_size(fd, s->size * PANGO_SCALE);
    pango_font_description_set_weight(fd, s->bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(l, width > 0 ? (int)(width * PANGO_SCALE) : -1);
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(l, s->align);
    pango_layout_set_indent(l, (int)(s->indent * s->size * PANGO_SCALE));
    pango_layout_set_spacing(l, (int)(s->size * 0.2 * PANGO_SCALE));
    pango_layout_set_ellipsize(l, s->max_lines > 0 ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
    pango_layout_set_height(l, s->max_lines > 0 ? -s->max_lines : -1);
}

static double layout_w(PangoLayout *l)
{
    int w;
    pango_layout_get_size(l, &w, NULL);
    return (double)w / PANGO_SCALE;
}

static double layout_h(PangoLayout *l)
{
    int h;
    pango_layout_get_size(l, NULL, &h);
    return (double)h / PANGO_SCALE;
}

/* Lays `text` out in the shared layout (width <= 0: unbounded) and returns its height. */
static double measure(struct pdf *p, const char *text, const struct style *s, double width)
{
    set_style(p->layout, s, width);
    pango_layout_set_text(p->layout, text ? text : "", -1);
    return layout_h(p->layout);
}

static void show(struct pdf *p, PangoLayout *l, double x, double y)
{
    cairo_move_to(p->cr, x, y);
    pango_cairo_show_layout(p->cr, l);
}

/* Draws `text` with its box's top-left corner at (x, y); returns its height. */
static double text_at(struct pdf *p, double x, double y, const char *text, const struct style *s,
                      double width)
{
    double h = measure(p, text, s, width);
    show(p, p->layout, x, y);
    return h;
}

/* ---- pages ---- */

static void page_end(struct pdf *p)
{
    /* En spaces (U+2002): text extraction (pdftotext) takes the narrow plain space around a
     * single digit between CJK glyphs for no space at all and reads "第2页". */
    char footer[32];
    snprintf(footer, sizeof(footer), "第\u2002%d\u2002页", p->page);
    cairo_set_source_rgb(p->cr, 0.3, 0.3, 0.3);
    text_at(p, MARGIN, PAGE_H - MARGIN + 6, footer, &S_FOOTER, BODY_W);
    cairo_show_page(p->cr);
    p->page++;
    p->y = MARGIN;
}

/* Starts a new page unless `h` points still fit on this one (or it is still empty: then the
 * block is drawn anyway rather than pushed on from page to page). */
static void need(struct pdf *p, double h)
{
    if (p->y + h > BODY_BOTTOM && p->y > MARGIN)
        page_end(p);
}

/* A block of wrapped text across the body width, kept on one page. */
static void block(struct pdf *p, const char *text, const struct style *s, double gap_after)
{
    double h = measure(p, text, s, BODY_W);
    need(p, h);
    show(p, p->layout, MARGIN, p->y);
    p->y += h + gap_after;
}

/* ---- tables ---- */

/* The width a cell's text needs on one line to read well, estimated without pango (a ledger
 * has thousands of cells): all of a short text (up to four CJK characters: "已销号",
 * "区住建局"), else its longest run of non-space ASCII (an ID, a date, a phone number), which
 * pango cannot break, while it may break a line between any two CJK characters. */
static double keep_width(const char *s, double size, double ascii_w)
{
    double all = 0, run = 0, longest = 0;
    for (const unsigned char *u = (const unsigned char *)s; *u; u++) {
        if (*u >= 0x80 && *u < 0xc0)
            continue; /* a UTF-8 continuation byte */
        if (*u <= ' ' || *u >= 0x80)
            run = 0;
        else
            run += ascii_w;
        all += *u >= 0x80 ? size : ascii_w;
        longest = fmax(longest, run);
    }
    return all <= 4 * size ? all : longest;
}

/* Column widths: `widths` shared proportionally over the body width, then widened where a
 * cell's keep_width() would not fit, the room taken from the columns with some to spare in
 * proportion to it. */
struct keep {
    int n;
    double size, ascii_w;
    double *keep; /* per column */
};

static int keep_row(const struct cell *row, void *ctx)
{
    struct keep *k = ctx;
    for (int c = 0; c < k->n; c++) {
        char buf[CELL_TEXT_MAX];
        k->keep[c] = fmax(k->keep[c], keep_width(doc_cell_text(&row[c], buf), k->size, k->ascii_w));
    }
    return 0;
}

/* A streamed table is read twice: once here, to measure it, then to draw it. */
static int column_widths(const struct doc_table *t, double size, double pad, double ascii_w,
                         double *w, struct err *e)
{
    int n = t->ncols;
    double *min = xcalloc((size_t)n, sizeof(*min));
    double sum = 0;
    for (int c = 0; c < n; c++)
        sum += t->widths[c] > 0 ? t->widths[c] : 1;
    struct keep k = {n, size, ascii_w, min};
    for (int c = 0; c < n; c++)
        min[c] = fmax(2 * size, keep_width(t->cols[c], size, ascii_w));
    if (doc_table_rows(t, keep_row, &k, e) < 0) {
        free(min);
        return -1;
    }
    for (int c = 0; c < n; c++) {
        w[c] = BODY_W * (t->widths[c] > 0 ? t->widths[c] : 1) / sum;
        min[c] = min[c] + 2 * pad + 1; /* + 1: the estimate is not exact */
    }
    double short_by = 0, spare = 0;
    for (int c = 0; c < n; c++) {
        if (min[c] > w[c])
            short_by += min[c] - w[c];
        else
            spare += w[c] - min[c];
    }
    /* When there is not enough to spare, the proportional widths stand and words break. */
    if (short_by > 0 && short_by <= spare) {
        for (int c = 0; c < n; c++)
            w[c] = min[c] > w[c] ? min[c] : w[c] - (w[c] - min[c]) * short_by / spare;
    }
    free(min);
    return 0;
}

struct table_box {
    const struct doc_table *t;
    struct style cell, head;
    double pad;           /* between a cell's text and its grid lines */
    double *x;            /* ncols + 1 column edges */
    PangoLayout **layout; /* one per column: a row is measured and drawn without laying out twice */
};

static void grid(struct pdf *p, const struct table_box *b, double y, double h)
{
    cairo_set_source_rgb(p->cr, 0.55, 0.55, 0.55);
    cairo_set_line_width(p->cr, 0.4);
    for (int c = 0; c < b->t->ncols; c++)
        cairo_rectangle(p->cr, b->x[c], y, b->x[c + 1] - b->x[c], h);
    cairo_stroke(p->cr);
}

static void table_header(struct pdf *p, const struct table_box *b)
{
    int n = b->t->ncols;
    double h = 0;
    for (int c = 0; c < n; c++)
        h = fmax(h, measure(p, b->t->cols[c], &b->head, b->x[c + 1] - b->x[c] - 2 * b->pad));
    h += 2 * b->pad;
    cairo_set_source_rgb(p->cr, 0.87, 0.90, 0.95);
    cairo_rectangle(p->cr, b->x[0], p->y, b->x[n] - b->x[0], h);
    cairo_fill(p->cr);
    grid(p, b, p->y, h);
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    for (int c = 0; c < n; c++)
        text_at(p, b->x[c] + b->pad, p->y + b->pad, b->t->cols[c], &b->head,
                b->x[c + 1] - b->x[c] - 2 * b->pad);
    p->y += h;
}

/* Sets a row's text into the column layouts (the same layouts for every row, so a
 * million-row table makes no more of them) and returns the row's height. */
static double table_row_layout(const struct table_box *b, const struct cell *row)
{
    double h = 0;
    for (int c = 0; c < b->t->ncols; c++) {
        const struct cell *cell = &row[c];
        char buf[CELL_TEXT_MAX];
        PangoLayout *l = b->layout[c];
        pango_layout_set_alignment(l,
                                   cell->kind != CELL_TEXT ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
        pango_layout_set_text(l, doc_cell_text(cell, buf), -1);
        h = fmax(h, layout_h(l));
    }
    return h + 2 * b->pad;
}

struct row_out {
    struct pdf *p;
    const struct table_box *b;
};

/* A page is drawn as its rows come and handed to the file at cairo_show_page (page_end),
 * so the PDF grows on disk, not in memory. */
static int draw_row(const struct cell *row, void *ctx)
{
    struct row_out *o = ctx;
    struct pdf *p = o->p;
    const struct table_box *b = o->b;
    double h = table_row_layout(b, row);
    if (p->y + h > BODY_BOTTOM) {
        page_end(p);
        table_header(p, b);
    }
    grid(p, b, p->y, h);
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    for (int c = 0; c < b->t->ncols; c++)
        show(p, b->layout[c], b->x[c] + b->pad, p->y + b->pad);
    p->y += h;
    return cairo_status(p->cr) == CAIRO_STATUS_SUCCESS ? 0 : -1;
}

static void draw_table(struct pdf *p, const struct doc_table *t)
{
    double size = t->wide ? WIDE_SIZE : TABLE_SIZE;
    struct table_box b = {.t = t, .pad = t->wide ? WIDE_PAD : CELL_PAD};
    b.cell = (struct style){size, 0, PANGO_ALIGN_LEFT, CELL_LINES, 0};
    b.head = (struct style){size, 1, PANGO_ALIGN_CENTER, 3, 0};

    /* The heading, its note, the header row and a first row stay together. */
    double heading_h = measure(p, t->title, &S_HEADING, BODY_W) + 6;
    double note_h = t->note ? measure(p, t->note, &S_NOTE, BODY_W) + 4 : 0;
    need(p, heading_h + note_h + 4 * (size * 1.4 + 2 * b.pad));
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    text_at(p, MARGIN, p->y, t->title, &S_HEADING, BODY_W);
    p->y += heading_h;
    if (t->note) {
        cairo_set_source_rgb(p->cr, 0.3, 0.3, 0.3);
        text_at(p, MARGIN, p->y, t->note, &S_NOTE, BODY_W);
        p->y += note_h;
    }
    if (t->ncols <= 0) {
        p->y += 14;
        return;
    }

    measure(p, "0000000000", &b.cell, -1);
    double ascii_w = layout_w(p->layout) / 10; /* digits are the widest common ASCII */
    double *w = xcalloc((size_t)t->ncols, sizeof(*w));
    if (column_widths(t, size, b.pad, ascii_w, w, &p->src) < 0) {
        free(w);
        return;
    }
    b.x = xcalloc((size_t)t->ncols + 1, sizeof(*b.x));
    b.layout = xcalloc((size_t)t->ncols, sizeof(*b.layout));
    b.x[0] = MARGIN;
    for (int c = 0; c < t->ncols; c++) {
        b.x[c + 1] = b.x[c] + w[c];
        b.layout[c] = pango_layout_new(pango_layout_get_context(p->layout));
        set_style(b.layout[c], &b.cell, w[c] - 2 * b.pad);
    }

    table_header(p, &b);
    struct row_out o = {p, &b};
    doc_table_rows(t, draw_row, &o, &p->src); /* a failure: p->src, or the cairo status */
    p->y += 16;

    for (int c = 0; c < t->ncols; c++)
        g_object_unref(b.layout[c]);
    free(b.layout);
    free(b.x);
    free(w);
}

/* ---- charts ---- */

struct plot {
    double x0, x1, top, bottom; /* the plot area */
    double slot;                /* width of one category */
    double left_max;            /* the left axis runs 0..left_max; the right one 0..100 */
    struct style label;         /* of the category labels */
    int turned;                 /* labels turned 45 degrees */
    double label_h;             /* room taken by the labels under the plot */
};

/* A chart value: whole numbers bare, others with two decimals as in the tables. */
static void format_value(double v, char out[CELL_TEXT_MAX])
{
    snprintf(out, CELL_TEXT_MAX, v == floor(v) && fabs(v) < 1e15 ? "%.0f" : "%.2f", v);
}

static double slot_x(const struct plot *pl, int i)
{
    return pl->x0 + pl->slot * (i + 0.5);
}

/* Where a percentage sits on the right axis; out-of-range values stay inside the plot. */
static double right_y(const struct plot *pl, double pct)
{
    return pl->bottom - (pl->bottom - pl->top) * fmin(fmax(pct, 0), 100) / 100;
}

static void set_colour(struct pdf *p, int s)
{
    cairo_set_source_rgb(p->cr, PALETTE[s][0], PALETTE[s][1], PALETTE[s][2]);
}

static void marker(struct pdf *p, int s, double x, double y)
{
    cairo_new_sub_path(p->cr);
    cairo_arc(p->cr, x, y, 2.2, 0, 2 * M_PI);
    cairo_set_source_rgb(p->cr, 1, 1, 1);
    cairo_fill_preserve(p->cr);
    set_colour(p, s);
    cairo_set_line_width(p->cr, 1.2);
    cairo_stroke(p->cr);
}

static void chart_legend(struct pdf *p, const struct doc_chart *c, double y)
{
    double total = 0, gap = 14, swatch = 16;
    for (int s = 0; s < c->nseries; s++) {
        measure(p, c->series[s].name, &S_AXIS, -1);
        total += swatch + 4 + layout_w(p->layout) + (s ? gap : 0);
    }
    double x = MARGIN + (BODY_W - total) / 2;
    for (int s = 0; s < c->nseries; s++) {
        if (chart_is_line(c, s)) {
            set_colour(p, s);
            cairo_set_line_width(p->cr, 1.5);
            cairo_move_to(p->cr, x, y + 5);
            cairo_line_to(p->cr, x + swatch, y + 5);
            cairo_stroke(p->cr);
            marker(p, s, x + swatch / 2, y + 5);
        } else {
            set_colour(p, s);
            cairo_rectangle(p->cr, x + 3, y + 1, swatch - 6, 8);
            cairo_fill(p->cr);
        }
        cairo_set_source_rgb(p->cr, 0.2, 0.2, 0.2);
        measure(p, c->series[s].name, &S_AXIS, -1);
        show(p, p->layout, x + swatch + 4, y);
        x += swatch + 4 + layout_w(p->layout) + gap;
    }
}

/* Grid lines, the tick labels of both axes and the axis titles above them. */
static void chart_axes(struct pdf *p, const struct doc_chart *c, const struct plot *pl, int left,
                       int right)
{
    struct style tick = S_AXIS;
    cairo_set_line_width(p->cr, 0.4);
    for (int i = 0; i <= 5; i++) {
        double y = pl->bottom - (pl->bottom - pl->top) * i / 5;
        double grey = i ? 0.85 : 0.3; /* the base line darker than the grid */
        cairo_set_source_rgb(p->cr, grey, grey, grey);
        cairo_move_to(p->cr, pl->x0, y);
        cairo_line_to(p->cr, pl->x1, y);
        cairo_stroke(p->cr);
        char buf[CELL_TEXT_MAX];
        cairo_set_source_rgb(p->cr, 0.2, 0.2, 0.2);
        if (left) {
            format_value(pl->left_max * i / 5, buf);
            tick.align = PANGO_ALIGN_RIGHT;
            double h = measure(p, buf, &tick, 36);
            show(p, p->layout, pl->x0 - 40, y - h / 2);
        }
        if (right) {
            snprintf(buf, sizeof(buf), "%d", i * 20);
            tick.align = PANGO_ALIGN_LEFT;
            double h = measure(p, buf, &tick, 36);
            show(p, p->layout, pl->x1 + 4, y - h / 2);
        }
    }
    double y = pl->top - 16;
    if (left && c->left_label) {
        tick.align = PANGO_ALIGN_LEFT;
        text_at(p, MARGIN, y, c->left_label, &tick, BODY_W / 2);
    }
    if (right && c->right_label) {
        tick.align = PANGO_ALIGN_RIGHT;
        text_at(p, MARGIN + BODY_W / 2, y, c->right_label, &tick, BODY_W / 2);
    }
}

/* How the category labels fit under the plot: on one line if every label fits its slot at 8
 * or 7 points; else wrapped to two lines when a slot holds three characters; else turned 45
 * degrees (dates and long unit names on a twelve-month or many-unit axis). */
static void label_fit(struct pdf *p, const struct doc_chart *c, struct plot *pl)
{
    double widest = 0, room = pl->slot - 4;
    pl->label = S_AXIS;
    for (int i = 0; i < c->n; i++) {
        measure(p, c->labels[i], &pl->label, -1);
        widest = fmax(widest, layout_w(p->layout));
    }
    double line = layout_h(p->layout);
    pl->label.align = PANGO_ALIGN_CENTER;
    if (widest <= room) {
        pl->label_h = line;
    } else if (widest * 7 / LABEL_SIZE <= room) {
        pl->label.size = 7;
        pl->label_h = line;
    } else if (room >= 3 * LABEL_SIZE) {
        pl->label.max_lines = 2;
        pl->label_h = 2 * line + 2;
    } else {
        pl->label.size = 7;
        pl->label.align = PANGO_ALIGN_RIGHT;
        pl->turned = 1;
        pl->label_h = TURNED_LEN * sqrt(0.5) + line;
    }
}

static void chart_labels(struct pdf *p, const struct doc_chart *c, const struct plot *pl)
{
    cairo_set_source_rgb(p->cr, 0.2, 0.2, 0.2);
    for (int i = 0; i < c->n; i++) {
        double cx = slot_x(pl, i);
        if (!pl->turned) {
            text_at(p, cx - pl->slot / 2 + 2, pl->bottom + 4, c->labels[i], &pl->label,
                    pl->slot - 4);
            continue;
        }
        /* Right-aligned, then turned about its end: the label ends under its slot. */
        double h = measure(p, c->labels[i], &pl->label, TURNED_LEN);
        cairo_save(p->cr);
        cairo_translate(p->cr, cx, pl->bottom + 4);
        cairo_rotate(p->cr, -M_PI / 4);
        show(p, p->layout, -TURNED_LEN, -h / 2);
        cairo_restore(p->cr);
    }
}

static void chart_bars(struct pdf *p, const struct doc_chart *c, const struct plot *pl)
{
    int nbars = 0;
    for (int s = 0; s < c->nseries; s++)
        nbars += chart_is_bar(c, s);
    if (!nbars)
        return;
    double group = fmin(pl->slot * 0.6, 36.0 * nbars), bar_w = group / nbars;
    struct style s_value = {7, 0, PANGO_ALIGN_LEFT, 1, 0};
    int k = 0;
    for (int s = 0; s < c->nseries; s++) {
        if (!chart_is_bar(c, s))
            continue;
        for (int i = 0; i < c->n; i++) {
            double v = c->series[s].y[i];
            if (isnan(v))
                continue;
            double x = slot_x(pl, i) - group / 2 + bar_w * k;
            double h = (pl->bottom - pl->top) * fmin(fmax(v, 0) / pl->left_max, 1);
            set_colour(p, s);
            cairo_rectangle(p->cr, x + 0.5, pl->bottom - h, bar_w - 1, h);
            cairo_fill(p->cr);
            if (c->kind != CHART_BAR) /* a trend's bars are too many to label */
                continue;
            char buf[CELL_TEXT_MAX];
            format_value(v, buf);
            double th = measure(p, buf, &s_value, -1), tw = layout_w(p->layout);
            if (tw > pl->slot - 1)
                continue; /* it would run into its neighbours' labels */
            cairo_set_source_rgb(p->cr, 0.1, 0.1, 0.1);
            show(p, p->layout, x + bar_w / 2 - tw / 2, pl->bottom - h - th - 1);
        }
        k++;
    }
}

/* Right-axis series as lines with markers; a NAN value ends the line and the next value
 * starts a new one, so a gap in the data shows as a gap. */
static void chart_lines(struct pdf *p, const struct doc_chart *c, const struct plot *pl)
{
    for (int s = 0; s < c->nseries; s++) {
        if (!chart_is_line(c, s))
            continue;
        const double *y = c->series[s].y;
        cairo_new_path(p->cr);
        int pen_down = 0;
        for (int i = 0; i < c->n; i++) {
            if (isnan(y[i])) {
                pen_down = 0;
                continue;
            }
            if (pen_down)
                cairo_line_to(p->cr, slot_x(pl, i), right_y(pl, y[i]));
            else
                cairo_move_to(p->cr, slot_x(pl, i), right_y(pl, y[i]));
            pen_down = 1;
        }
        set_colour(p, s);
        cairo_set_line_width(p->cr, 1.5);
        cairo_stroke(p->cr);
        for (int i = 0; i < c->n; i++)
            if (!isnan(y[i]))
                marker(p, s, slot_x(pl, i), right_y(pl, y[i]));
    }
}

static void draw_chart(struct pdf *p, const struct doc_chart *c)
{
    int left = 0, right = 0;
    double max = 0;
    for (int s = 0; s < c->nseries; s++) {
        left |= chart_is_bar(c, s);
        right |= chart_is_line(c, s);
        for (int i = 0; chart_is_bar(c, s) && i < c->n; i++)
            if (!isnan(c->series[s].y[i]))
                max = fmax(max, c->series[s].y[i]);
    }
    struct plot pl = {
        .x0 = MARGIN + 44,
        .x1 = PAGE_W - MARGIN - (right ? 30 : 10),
        .left_max = 5 * chart_step(max),
    };
    pl.slot = (pl.x1 - pl.x0) / (c->n > 0 ? c->n : 1);
    label_fit(p, c, &pl);
    need(p, PLOT_TOP + PLOT_H + 4 + pl.label_h);
    pl.top = p->y + PLOT_TOP;
    pl.bottom = pl.top + PLOT_H;

    cairo_set_source_rgb(p->cr, 0, 0, 0);
    text_at(p, MARGIN, p->y, c->title, &S_CHART_TITLE, BODY_W);
    if (c->kind == CHART_LINE) /* a bar chart's one series is named by its title */
        chart_legend(p, c, p->y + 20);
    chart_axes(p, c, &pl, left, right);
    chart_bars(p, c, &pl);
    chart_lines(p, c, &pl);
    chart_labels(p, c, &pl);
    p->y = pl.bottom + 4 + pl.label_h + 18;
}

/* ---- the document ---- */

static void draw_doc(struct pdf *p, const struct doc *d)
{
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    if (d->title)
        block(p, d->title, &S_TITLE, 6);
    if (d->subtitle) {
        cairo_set_source_rgb(p->cr, 0.3, 0.3, 0.3);
        block(p, d->subtitle, &S_SUBTITLE, 0);
    }
    p->y += 14;
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    for (size_t i = 0; i < d->nparas; i++)
        block(p, d->paras[i], &S_PARA, 6);
    p->y += 8;
    /* The charts illustrate the summary, so they follow it, ahead of the longer tables. */
    size_t first = d->ntables ? 1 : 0;
    for (size_t i = 0; i < first; i++)
        draw_table(p, &d->tables[i]);
    for (size_t k = 0; k < d->ncharts; k++)
        draw_chart(p, &d->charts[k]);
    for (size_t i = first; i < d->ntables && !p->src.msg[0]; i++)
        draw_table(p, &d->tables[i]);
    page_end(p);
}

/* Glyph positions and advances as designed, not rounded to whole units as for a screen: a
 * 6.5-point CJK character would otherwise take 7 points and the column widths come out short. */
static void unhinted(PangoContext *ctx)
{
    cairo_font_options_t *o = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(o, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(o, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(ctx, o);
    cairo_font_options_destroy(o);
    pango_context_set_round_glyph_positions(ctx, FALSE);
}

struct sink {
    FILE *f;
    int errnum; /* the first write's errno, 0 while all went well */
};

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int len)
{
    struct sink *s = closure;
    if (s->errnum)
        return CAIRO_STATUS_WRITE_ERROR;
    if (fwrite(data, 1, len, s->f) != len) {
        s->errnum = errno ? errno : EIO;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

int render_pdf(const struct doc *d, const char *path, struct err *e)
{
    char *tmp;
    /* Opened here rather than by cairo so a failure has its errno ("No such file or
     * directory") and a full disk is noticed at the write that hit it. */
    struct sink sink = {doc_out_open(path, "PDF", &tmp, e), 0};
    if (!sink.f)
        return -1;

    cairo_surface_t *surface =
        cairo_pdf_surface_create_for_stream(sink_write, &sink, PAGE_W, PAGE_H);
    if (d->title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, d->title);
    cairo_t *cr = cairo_create(surface);
    struct pdf p = {cr, pango_cairo_create_layout(cr), 1, MARGIN, {0}};
    unhinted(pango_layout_get_context(p.layout));
    draw_doc(&p, d);
    g_object_unref(p.layout);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surface); /* writes the trailer: only now is the file complete */
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(surface);
    cairo_surface_destroy(surface);

    int errnum = sink.errnum;
    /* Flushed to disk before the rename, so a crash cannot leave an empty file at path. */
    if (fflush(sink.f) != 0 || fsync(fileno(sink.f)) != 0)
        errnum = errnum ? errnum : errno;
    if (fclose(sink.f) != 0)
        errnum = errnum ? errnum : errno;
    if (!errnum && st == CAIRO_STATUS_SUCCESS && !p.src.msg[0] && rename(tmp, path) != 0)
        errnum = errno;
    int rc = 0;
    if (p.src.msg[0] && !errnum) { /* the rows could not be made: their source says why */
        if (e)
            *e = p.src;
        rc = -1;
        remove(tmp);
    } else if (errnum || st != CAIRO_STATUS_SUCCESS) {
        rc = err_set(e, ERR_IO, "out", "cannot write PDF '%s': %s", path,
                     errnum ? strerror(errnum) : cairo_status_to_string(st));
        remove(tmp);
    }
    free(tmp);
    return rc;
}
