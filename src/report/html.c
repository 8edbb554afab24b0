/* html.c -- the doc as one self-contained, printable HTML5 page: the title, the subtitle, the
 * paragraphs, every table (heading, note, table) and every chart as inline SVG, placed after
 * the first table (the summary they illustrate).
 *
 * Always true: the page loads nothing (CSS inline, charts as SVG, no script), so it can be
 * mailed or archived as it is; every piece of text, ours or a citizen's, goes through esc(),
 * so "<script>" in an appeal title is shown, not run; a cell's text comes only from
 * doc_cell_text(), the same as in every other format. The SVG is well-formed XML, so it can
 * also be cut out and used on its own. */
#include "report/doc.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/utf8.h"

#include "util/banned.h"

/* Appends s with & < > " ' escaped (safe in text and in quoted attributes). C0 controls other
 * than tab and newline are dropped: HTML does not allow them and XML (the SVG) forbids them. */
static void esc(struct buf *b, const char *s)
{
    if (!s)
        return;
    for (const char *p = s; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        switch (ch) {
        case '&':
            buf_adds(b, "&amp;");
            break;
        case '<':
            buf_adds(b, "&lt;");
            break;
        case '>':
            buf_adds(b, "&gt;");
            break;
        case '"':
            buf_adds(b, "&quot;");
            break;
        case '\'':
            buf_adds(b, "&#39;");
            break;
        default:
            if (ch >= 0x20 || ch == '\t' || ch == '\n')
                buf_addc(b, (char)ch);
        }
    }
}

static const char page_css[] =
    "*{box-sizing:border-box}\n"
    "body{margin:0 auto;max-width:1100px;padding:24px 28px;color:#222;background:#fff;"
    "font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"PingFang SC\",\"Microsoft YaHei\","
    "\"WenQuanYi Micro Hei\",sans-serif;font-size:14px;line-height:1.6}\n"
    "h1{font-size:22px;text-align:center;margin:8px 0 4px}\n"
    ".subtitle{text-align:center;color:#555;margin:0 0 18px}\n"
    "h2{font-size:17px;margin:24px 0 6px}\n"
    "p{margin:6px 0}\n"
    ".note{color:#555;font-size:13px}\n"
    ".scroll{overflow-x:auto}\n"
    "table{border-collapse:collapse;width:100%;margin:6px 0 12px;font-size:13px}\n"
    "th,td{border:1px solid #999;padding:3px 6px;vertical-align:top}\n"
    "th{background:#d9e1f2;font-weight:bold;text-align:center}\n"
    "tbody tr:nth-child(even){background:#f6f8fb}\n"
    "td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "td.none{color:#999}\n"
    "table.wide{font-size:11px}\n"
    "figure{margin:16px 0}\n"
    "figcaption{font-weight:bold;text-align:center;margin-bottom:4px}\n"
    "svg.chart{display:block;width:100%;max-width:760px;height:auto;margin:0 auto}\n"
    "svg.chart text{font-size:12px;fill:#333}\n"
    "svg.chart .axis{stroke:#666;stroke-width:1}\n"
    "svg.chart .grid{stroke:#ddd;stroke-width:1}\n"
    "svg.chart .value{font-size:11px}\n"
    "@page{size:A4;margin:15mm 12mm}\n"
    "@page wide{size:A4 landscape}\n"
    "@media print{body{max-width:none;padding:0;font-size:12px}"
    ".scroll{overflow:visible}section.wide{page:wide}"
    "thead{display:table-header-group}tr,figure{break-inside:avoid}"
    "h2{break-after:avoid}tbody tr:nth-child(even){background:none}}\n";

/* ---- tables ---- */

static int is_number_kind(int kind)
{
    return kind == CELL_INT || kind == CELL_RATE || kind == CELL_CHANGE || kind == CELL_NONE;
}

struct html_out {
    struct doc_sink sink;
    int ncols; /* of the table being written */
};

static int add_row(const struct cell *row, void *ctx)
{
    struct html_out *o = ctx;
    struct buf *b = &o->sink.b;
    buf_adds(b, "<tr>");
    for (int c = 0; c < o->ncols; c++) {
        char tmp[CELL_TEXT_MAX];
        const char *s = doc_cell_text(&row[c], tmp);
        if (row[c].kind == CELL_NONE)
            buf_adds(b, "<td class=\"num none\">");
        else if (is_number_kind(row[c].kind))
            buf_adds(b, "<td class=\"num\">");
        else
            buf_adds(b, "<td>");
        esc(b, s);
        buf_adds(b, "</td>");
    }
    buf_adds(b, "</tr>\n");
    doc_sink_flush(&o->sink, 0);
    return o->sink.bad ? -1 : 0;
}

static int add_table(struct html_out *o, const struct doc_table *t, struct err *e)
{
    struct buf *b = &o->sink.b;
    buf_adds(b, t->wide ? "<section class=\"table wide\" id=\"t-"
                        : "<section class=\"table\" id=\"t-");
    esc(b, t->id);
    buf_adds(b, "\">\n<h2>");
    esc(b, t->title);
    buf_adds(b, "</h2>\n");
    if (t->note && *t->note) {
        buf_adds(b, "<p class=\"note\">");
        esc(b, t->note);
        buf_adds(b, "</p>\n");
    }
    buf_adds(b, t->wide ? "<div class=\"scroll\"><table class=\"wide\">\n<colgroup>"
                        : "<div class=\"scroll\"><table>\n<colgroup>");
    long total = 0;
    for (int c = 0; c < t->ncols; c++)
        total += t->widths[c] > 0 ? t->widths[c] : 1;
    for (int c = 0; c < t->ncols; c++)
        buf_addf(b, "<col style=\"width:%.1f%%\">",
                 100.0 * (t->widths[c] > 0 ? t->widths[c] : 1) / (double)(total ? total : 1));
    buf_adds(b, "</colgroup>\n<thead><tr>");
    for (int c = 0; c < t->ncols; c++) {
        buf_adds(b, "<th scope=\"col\">");
        esc(b, t->cols[c]);
        buf_adds(b, "</th>");
    }
    buf_adds(b, "</tr></thead>\n<tbody>\n");
    o->ncols = t->ncols;
    int rc = doc_table_rows(t, add_row, o, e);
    buf_adds(b, "</tbody>\n</table></div>\n</section>\n");
    doc_sink_flush(&o->sink, 0);
    return rc;
}

/* ---- charts ---- */

#define CW   760.0 /* viewBox width and height */
#define CH   380.0
#define FONT 12.0

static const char *const palette[] = {"#4472c4", "#ed7d31", "#70ad47", "#ffc000"};

/* Rough width of text in the chart font, erring wide: a wide (CJK) character is 1 em, others
 * (digits, Latin) at most 0.6 em in the fonts a reader is likely to have. */
static double text_width(const char *s, double size)
{
    return (double)utf8_width(s ? s : "") * size * 0.6;
}

/* Decimals for a series' labels: none when every value is whole (counts), else two, like
 * the tables -- the same for the whole series, so 88 and 95.50 do not sit side by side. */
static int series_decimals(const struct doc_chart *c, int s)
{
    for (int i = 0; i < c->n; i++) {
        double v = c->series[s].y[i];
        if (!isnan(v) && (fabs(v) >= 1e15 || fabs(v - round(v)) > 1e-9))
            return 2;
    }
    return 0;
}

static void add_value(struct buf *b, double v, int decimals)
{
    buf_addf(b, "%.*f", decimals, v == 0 ? 0.0 : v);
}

/* Round axis: lo..hi in steps of 1, 2 or 5 times a power of ten, about five of them, always
 * including zero (bars grow from it). */
struct axis {
    double lo, hi, step;
};

static struct axis nice_axis(double min, double max)
{
    struct axis a;
    if (min > 0)
        min = 0;
    if (max < 0)
        max = 0;
    if (max - min <= 0)
        max = min + 5;
    double step = chart_step(max - min);
    a.step = step;
    a.lo = floor(min / step + 1e-9) * step;
    a.hi = ceil(max / step - 1e-9) * step;
    if (a.hi <= a.lo)
        a.hi = a.lo + step;
    return a;
}

static void add_tick_label(struct buf *b, double v, double step)
{
    int decimals = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    if (decimals > 6)
        decimals = 6;
    buf_addf(b, "%.*f", decimals, fabs(v) < step * 1e-6 ? 0.0 : v);
}

struct frame {
    double x0, x1, y0, y1; /* plot area: left, right, top, bottom (baseline) */
    double band;           /* width of one category */
    struct axis left;
    int has_left, has_right;
};

static double y_left(const struct frame *f, double v)
{
    if (v < f->left.lo)
        v = f->left.lo;
    if (v > f->left.hi)
        v = f->left.hi;
    return f->y1 - (v - f->left.lo) / (f->left.hi - f->left.lo) * (f->y1 - f->y0);
}

static double y_right(const struct frame *f, double v)
{
    if (v < 0)
        v = 0;
    if (v > 100)
        v = 100;
    return f->y1 - v / 100.0 * (f->y1 - f->y0);
}

static void add_tooltip(struct buf *b, const struct doc_chart *c, int s, int i)
{
    buf_adds(b, "<title>");
    esc(b, c->labels[i]);
    buf_adds(b, " ");
    esc(b, c->series[s].name);
    buf_adds(b, "：");
    add_value(b, c->series[s].y[i], series_decimals(c, s));
    buf_adds(b, "</title>");
}

/* Returns nonzero if the category labels are slanted (they then take the bottom margin). */
static int add_axes(struct buf *b, const struct doc_chart *c, const struct frame *f)
{
    if (f->has_left) {
        int ticks = (int)round((f->left.hi - f->left.lo) / f->left.step);
        for (int k = 0; k <= ticks; k++) {
            double v = f->left.lo + k * f->left.step;
            double y = y_left(f, v);
            buf_addf(b, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
                     f->x0, y, f->x1, y);
            buf_addf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", f->x0 - 6, y + 4);
            add_tick_label(b, v, f->left.step);
            buf_adds(b, "</text>\n");
        }
        buf_addf(b, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
                 f->x0, f->y0, f->x0, f->y1);
    }
    if (f->has_right) {
        for (int v = 0; v <= 100; v += 20) {
            double y = y_right(f, v);
            if (!f->has_left)
                buf_addf(b,
                         "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
                         f->x0, y, f->x1, y);
            buf_addf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"start\">%d</text>\n", f->x1 + 6,
                     y + 4, v);
        }
        buf_addf(b, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
                 f->x1, f->y0, f->x1, f->y1);
    }
    double base = f->has_left ? y_left(f, 0) : f->y1;
    buf_addf(b, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", f->x0,
             base, f->x1, base);

    /* Category labels: level when they fit their band, else slanted, and then only every
     * k-th one if even slanted ones would overlap. */
    double widest = 0;
    for (int i = 0; i < c->n; i++) {
        double w = text_width(c->labels[i], FONT);
        if (w > widest)
            widest = w;
    }
    int slant = widest > f->band - 6;
    int every = slant && f->band < FONT + 2 ? (int)ceil((FONT + 2) / f->band) : 1;
    for (int i = 0; i < c->n; i += every) {
        double x = f->x0 + (i + 0.5) * f->band;
        if (slant)
            buf_addf(b,
                     "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
                     "transform=\"rotate(-35 %.1f %.1f)\">",
                     x, f->y1 + 16, x, f->y1 + 16);
        else
            buf_addf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", x, f->y1 + 18);
        esc(b, c->labels[i]);
        buf_adds(b, "</text>\n");
    }

    double mid = (f->y0 + f->y1) / 2;
    if (c->left_label && *c->left_label && f->has_left) {
        buf_addf(b,
                 "<text x=\"16\" y=\"%.1f\" text-anchor=\"middle\" "
                 "transform=\"rotate(-90 16 %.1f)\">",
                 mid, mid);
        esc(b, c->left_label);
        buf_adds(b, "</text>\n");
    }
    if (c->right_label && *c->right_label && f->has_right) {
        buf_addf(b,
                 "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                 "transform=\"rotate(90 %.1f %.1f)\">",
                 CW - 16, mid, CW - 16, mid);
        esc(b, c->right_label);
        buf_adds(b, "</text>\n");
    }
    return slant;
}

static void add_bars(struct buf *b, const struct doc_chart *c, const struct frame *f)
{
    int nbars = 0;
    for (int s = 0; s < c->nseries; s++)
        nbars += chart_is_bar(c, s) && c->series[s].y;
    if (!nbars)
        return;
    double group = f->band * (nbars == 1 ? 0.6 : 0.75);
    double w = group / nbars;
    double base = y_left(f, 0);
    int k = 0;
    for (int s = 0; s < c->nseries; s++) {
        if (!chart_is_bar(c, s) || !c->series[s].y)
            continue;
        buf_addf(b, "<g class=\"bars\" fill=\"%s\">\n", palette[s % 4]);
        for (int i = 0; i < c->n; i++) {
            double v = c->series[s].y[i];
            if (isnan(v))
                continue;
            double x = f->x0 + i * f->band + (f->band - group) / 2 + k * w;
            double y = y_left(f, v);
            buf_addf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">", x,
                     y < base ? y : base, w, fabs(base - y));
            add_tooltip(b, c, s, i);
            buf_adds(b, "</rect>\n");
            if (c->kind == CHART_BAR) {
                buf_addf(b, "<text class=\"value\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
                         x + w / 2, v >= 0 ? y - 4 : y + 12);
                add_value(b, v, series_decimals(c, s));
                buf_adds(b, "</text>\n");
            }
        }
        buf_adds(b, "</g>\n");
        k++;
    }
}

/* A line per right-axis series, broken where a value is missing; a marker on every value
 * (an isolated value has no line at all, only its marker). */
static void add_lines(struct buf *b, const struct doc_chart *c, const struct frame *f)
{
    for (int s = 0; s < c->nseries; s++) {
        if (!chart_is_line(c, s) || !c->series[s].y)
            continue;
        const double *y = c->series[s].y;
        const char *color = palette[s % 4];
        buf_addf(b, "<g class=\"line\" stroke=\"%s\" fill=\"none\" stroke-width=\"2\">\n", color);
        for (int i = 0; i < c->n;) {
            if (isnan(y[i])) {
                i++;
                continue;
            }
            int j = i;
            while (j < c->n && !isnan(y[j]))
                j++;
            if (j - i >= 2) {
                buf_adds(b, "<polyline points=\"");
                for (int p = i; p < j; p++)
                    buf_addf(b, "%s%.1f,%.1f", p > i ? " " : "", f->x0 + (p + 0.5) * f->band,
                             y_right(f, y[p]));
                buf_adds(b, "\"/>\n");
            }
            i = j;
        }
        buf_adds(b, "</g>\n");
        buf_addf(b, "<g class=\"markers\" fill=\"%s\" stroke=\"#fff\" stroke-width=\"1\">\n",
                 color);
        for (int i = 0; i < c->n; i++) {
            if (isnan(y[i]))
                continue;
            buf_addf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\">", f->x0 + (i + 0.5) * f->band,
                     y_right(f, y[i]));
            add_tooltip(b, c, s, i);
            buf_adds(b, "</circle>\n");
        }
        buf_adds(b, "</g>\n");
    }
}

static void add_legend(struct buf *b, const struct doc_chart *c, double x, double y)
{
    buf_adds(b, "<g class=\"legend\">\n");
    for (int s = 0; s < c->nseries; s++) {
        if (!chart_is_bar(c, s) && !chart_is_line(c, s))
            continue;
        const char *color = palette[s % 4];
        if (chart_is_line(c, s))
            buf_addf(b,
                     "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                     "stroke-width=\"2\"/><circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>",
                     x, y - 4, x + 18, y - 4, color, x + 9, y - 4, color);
        else
            buf_addf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"18\" height=\"10\" fill=\"%s\"/>", x,
                     y - 9, color);
        buf_addf(b, "<text x=\"%.1f\" y=\"%.1f\">", x + 24, y);
        esc(b, c->series[s].name);
        buf_adds(b, "</text>\n");
        x += 24 + text_width(c->series[s].name, FONT) + 20;
    }
    buf_adds(b, "</g>\n");
}

static void add_chart(struct buf *b, const struct doc_chart *c, size_t k)
{
    struct frame f;
    memset(&f, 0, sizeof(f));
    double min = 0, max = 0;
    for (int s = 0; s < c->nseries; s++) {
        if (chart_is_line(c, s))
            f.has_right = 1;
        if (!chart_is_bar(c, s) || !c->series[s].y)
            continue;
        f.has_left = 1;
        for (int i = 0; i < c->n; i++) {
            double v = c->series[s].y[i];
            if (isnan(v) || isinf(v))
                continue;
            if (v < min)
                min = v;
            if (v > max)
                max = v;
        }
    }
    if (c->right_label && *c->right_label && c->kind == CHART_LINE)
        f.has_right = 1;
    if (!f.has_left && !f.has_right)
        f.has_left = 1;
    f.left = nice_axis(min, max);
    f.x0 = 72;
    f.x1 = CW - (f.has_right ? 64 : 24);
    f.y0 = 24;
    f.y1 = CH - 84;
    f.band = (f.x1 - f.x0) / (c->n > 0 ? c->n : 1);

    buf_adds(b, "<figure id=\"chart-");
    esc(b, c->id);
    buf_adds(b, "\">\n<figcaption>");
    esc(b, c->title);
    buf_adds(b, "</figcaption>\n");
    buf_addf(b,
             "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" "
             "width=\"%.0f\" height=\"%.0f\" role=\"img\" aria-labelledby=\"chart-title-%zu\">\n",
             CW, CH, CW, CH, k);
    buf_addf(b, "<title id=\"chart-title-%zu\">", k);
    esc(b, c->title);
    buf_adds(b, "</title>\n");
    int slant = add_axes(b, c, &f);
    add_bars(b, c, &f);
    add_lines(b, c, &f);
    add_legend(b, c, f.x0, slant ? CH - 12 : f.y1 + 50);
    buf_adds(b, "</svg>\n</figure>\n");
}

static void add_charts(struct buf *b, const struct doc *d)
{
    if (!d->ncharts)
        return;
    buf_adds(b, "<section class=\"charts\">\n");
    for (size_t k = 0; k < d->ncharts; k++)
        add_chart(b, &d->charts[k], k);
    buf_adds(b, "</section>\n");
}

/* ---- the page ---- */

static int add_page(struct html_out *o, const struct doc *d, struct err *e)
{
    struct buf *b = &o->sink.b;
    int rc = 0;
    buf_adds(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<meta name=\"generator\" content=\"shishi\">\n<title>");
    esc(b, d->title);
    buf_adds(b, "</title>\n<style>\n");
    buf_adds(b, page_css);
    buf_adds(b, "</style>\n</head>\n<body>\n<main>\n<header>\n<h1>");
    esc(b, d->title);
    buf_adds(b, "</h1>\n");
    if (d->subtitle && *d->subtitle) {
        buf_adds(b, "<p class=\"subtitle\">");
        esc(b, d->subtitle);
        buf_adds(b, "</p>\n");
    }
    buf_adds(b, "</header>\n");
    for (size_t i = 0; i < d->nparas; i++) {
        buf_adds(b, "<p>");
        esc(b, d->paras[i]);
        buf_adds(b, "</p>\n");
    }
    if (!d->ntables)
        add_charts(b, d);
    for (size_t i = 0; i < d->ntables && rc == 0 && !o->sink.bad; i++) {
        rc = add_table(o, &d->tables[i], e);
        if (i == 0)
            add_charts(b, d);
    }
    buf_adds(b, "</main>\n</body>\n</html>\n");
    return rc;
}

/* Written as it is made, through a 64 KB sink (doc_sink): the ledger's rows stream from
 * their source to the file without ever being held. */
int render_html(const struct doc *d, const char *path, struct err *e)
{
    char *tmp;
    struct html_out o = {{NULL, BUF_INIT, 0}, 0};
    o.sink.f = doc_out_open(path, "HTML", &tmp, e);
    if (!o.sink.f)
        return -1;
    struct err src = {0};
    int rc = add_page(&o, d, &src);
    doc_sink_flush(&o.sink, 1);
    buf_release(&o.sink.b);
    return doc_out_finish(o.sink.f, tmp, path, "HTML", o.sink.bad,
                          rc < 0 && !o.sink.bad ? &src : NULL, e);
}
