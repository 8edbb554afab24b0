/* xlsx.c -- the doc as an Excel workbook (libxlsxwriter): one worksheet per table, in order,
 * named by the table's `sheet`; then, if the doc has charts, a sheet "图表数据" holding each
 * chart's series and a sheet "图表" with native charts drawn from it.
 *
 * A table's sheet: row 0 its title (bold; the note, if any, as a comment on that cell), row 1
 * the column titles (bold, filled, frozen so they stay in view), data from row 2, column widths
 * from the table's `widths`. Nothing else is written into the sheet, so it holds exactly the
 * rows of the table's CSV block (report/csv.c) -- but for the quote CSV puts before a text
 * cell that starts like a formula, which a string cell here does not need.
 *
 * Always true: numbers are stored as numbers, so they can be summed and sorted, with a number
 * format that shows the very text doc_cell_text() prints ("0", "0.00", "+0.00;-0.00;0.00");
 * a spreadsheet exporting the sheet "as shown" writes the CSV renderer's rows. The cells are
 * rounded to two places by doc.c already, so display rounding cannot disagree.
 * Text is always written as a string cell, never as a formula: a citizen's "=..." stays text.
 * libxlsxwriter writes the file only in workbook_close(), to path + ".tmp", which is renamed
 * into place on success and removed on failure (libxlsxwriter also prints its own "[ERROR]"
 * line to stderr then; it has no switch for that). */
#include "report/doc.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "util/buf.h"

#include "util/banned.h"

#define CHART_DATA_SHEET "图表数据"
#define CHART_SHEET      "图表"
/* Rows between charts on the chart sheet: a chart scaled to 360 px is 18 default rows. */
#define CHART_ROWS 20

struct formats {
    lxw_format *title, *header, *text, *integer, *rate, *change, *none, *bold;
};

static void add_formats(lxw_workbook *wb, struct formats *f)
{
    f->title = workbook_add_format(wb);
    format_set_bold(f->title);
    format_set_font_size(f->title, 14);

    f->header = workbook_add_format(wb);
    format_set_bold(f->header);
    format_set_bg_color(f->header, 0xD9E1F2);
    format_set_border(f->header, LXW_BORDER_THIN);
    format_set_align(f->header, LXW_ALIGN_CENTER);
    format_set_align(f->header, LXW_ALIGN_VERTICAL_CENTER);
    format_set_text_wrap(f->header);

    f->text = workbook_add_format(wb);
    format_set_border(f->text, LXW_BORDER_THIN);

    /* The three number formats print what doc_cell_text() prints: "%lld", "%.2f" and
     * "%+.2f" except that zero has no sign. */
    f->integer = workbook_add_format(wb);
    format_set_num_format(f->integer, "0");
    format_set_border(f->integer, LXW_BORDER_THIN);

    f->rate = workbook_add_format(wb);
    format_set_num_format(f->rate, "0.00");
    format_set_border(f->rate, LXW_BORDER_THIN);

    f->change = workbook_add_format(wb);
    format_set_num_format(f->change, "+0.00;-0.00;0.00");
    format_set_border(f->change, LXW_BORDER_THIN);

    f->none = workbook_add_format(wb);
    format_set_font_color(f->none, LXW_COLOR_GRAY);
    format_set_align(f->none, LXW_ALIGN_RIGHT);
    format_set_border(f->none, LXW_BORDER_THIN);

    f->bold = workbook_add_format(wb);
    format_set_bold(f->bold);
}

static lxw_error write_cell(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const struct cell *cell,
                            const struct formats *f)
{
    char tmp[CELL_TEXT_MAX];
    switch (cell->kind) {
    case CELL_INT:
        return worksheet_write_number(ws, r, c, (double)cell->i, f->integer);
    case CELL_RATE:
        return worksheet_write_number(ws, r, c, cell->x, f->rate);
    case CELL_CHANGE:
        return worksheet_write_number(ws, r, c, cell->x, f->change);
    case CELL_NONE:
        return worksheet_write_string(ws, r, c, doc_cell_text(cell, tmp), f->none);
    default: {
        const char *s = doc_cell_text(cell, tmp);
        /* An empty string cell is dropped by libxlsxwriter; a blank keeps the border. */
        if (!*s)
            return worksheet_write_blank(ws, r, c, f->text);
        return worksheet_write_string(ws, r, c, s, f->text);
    }
    }
}

struct sheet_out {
    lxw_worksheet *ws;
    const struct formats *f;
    int ncols;
    lxw_row_t r; /* the next row */
    lxw_error rc;
};

static int add_row(const struct cell *row, void *ctx)
{
    struct sheet_out *o = ctx;
    if (o->r >= LXW_ROW_MAX) {
        o->rc = LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE;
        return -1;
    }
    for (int c = 0; c < o->ncols && o->rc == LXW_NO_ERROR; c++)
        o->rc = write_cell(o->ws, o->r, (lxw_col_t)c, &row[c], o->f);
    o->r++;
    return o->rc == LXW_NO_ERROR ? 0 : -1;
}

/* A table's rows failing at their source (not in libxlsxwriter) leave rc as it was and the
 * reason in *src. */
static lxw_error add_table(lxw_workbook *wb, const struct doc_table *t, const struct formats *f,
                           const char **what, struct err *src)
{
    /* No name: libxlsxwriter's "SheetN", rather than no workbook. */
    const char *name = t->sheet && *t->sheet ? t->sheet : NULL;
    *what = name ? name : "";
    lxw_error rc = name ? workbook_validate_sheet_name(wb, name) : LXW_NO_ERROR;
    if (rc != LXW_NO_ERROR)
        return rc;
    lxw_worksheet *ws = workbook_add_worksheet(wb, name);
    if (!ws)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    if (t->title && *t->title)
        rc = worksheet_write_string(ws, 0, 0, t->title, f->title);
    if (rc == LXW_NO_ERROR && t->note && *t->note)
        rc = worksheet_write_comment(ws, 0, 0, t->note);
    for (int c = 0; c < t->ncols && rc == LXW_NO_ERROR; c++) {
        rc = worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, t->widths[c] + 2, NULL);
        if (rc == LXW_NO_ERROR)
            rc = worksheet_write_string(ws, 1, (lxw_col_t)c, t->cols[c] ? t->cols[c] : "",
                                        f->header);
    }
    struct sheet_out o = {ws, f, t->ncols, 2, LXW_NO_ERROR};
    if (rc == LXW_NO_ERROR && doc_table_rows(t, add_row, &o, src) < 0)
        return o.rc != LXW_NO_ERROR ? o.rc : LXW_ERROR_PARAMETER_VALIDATION;
    if (rc == LXW_NO_ERROR)
        rc = worksheet_repeat_rows(ws, 1, 1);
    if (rc == LXW_NO_ERROR) {
        /* On screen the header stays in view; on paper (A4, as wide as the page, the wide
         * tables across it) it is repeated on every page. */
        worksheet_freeze_panes(ws, 2, 0);
        worksheet_set_paper(ws, 9);
        worksheet_fit_to_pages(ws, 1, 0);
        if (t->wide)
            worksheet_set_landscape(ws);
    }
    return rc;
}

/* Joins the names of a chart's series on one side into "title：a、b". */
static void side_title(struct buf *b, const struct doc_chart *c, int right)
{
    buf_adds(b, c->title ? c->title : "");
    const char *sep = "：";
    for (int s = 0; s < c->nseries; s++) {
        if (c->series[s].right != right)
            continue;
        buf_adds(b, sep);
        buf_adds(b, c->series[s].name ? c->series[s].name : "");
        sep = "、";
    }
}

/* Nonzero when every value of series s is whole (counts): its labels get no decimals, else
 * two, like the tables. */
static int whole(const struct doc_chart *c, int s)
{
    if (!c->series[s].y)
        return 1;
    for (int i = 0; i < c->n; i++) {
        double v = c->series[s].y[i];
        if (!isnan(v) && (fabs(v) >= 1e15 || fabs(v - round(v)) > 1e-9))
            return 0;
    }
    return 1;
}

static double min_value(const struct doc_chart *c, int s)
{
    double m = 0;
    for (int i = 0; i < c->n && c->series[s].y; i++)
        if (!isnan(c->series[s].y[i]) && c->series[s].y[i] < m)
            m = c->series[s].y[i];
    return m;
}

/* One native chart of chart `c` whose data block starts at row r0 of the data sheet: its
 * series on the left (right == 0) as columns, or on the right (right == 1) as lines on a
 * 0..100 axis; with only_first (a bar chart) its first series as columns. libxlsxwriter cannot
 * combine two chart types on two axes, so a line chart of the doc becomes two charts, one above the
 * other. */
static lxw_chart *make_chart(lxw_workbook *wb, const struct doc_chart *c, lxw_row_t r0, int right,
                             int only_first)
{
    lxw_chart *ch = workbook_add_chart(wb, right ? LXW_CHART_LINE : LXW_CHART_COLUMN);
    if (!ch)
        return NULL;
    int count = 0, from_zero = !right;
    for (int s = 0; s < c->nseries; s++) {
        if (only_first ? s > 0 : c->series[s].right != right)
            continue;
        lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
        if (!se)
            return NULL;
        lxw_row_t first = r0 + 2, last = r0 + 1 + (lxw_row_t)(c->n > 0 ? c->n : 1);
        chart_series_set_categories(se, CHART_DATA_SHEET, first, 0, last, 0);
        chart_series_set_values(se, CHART_DATA_SHEET, first, (lxw_col_t)(s + 1), last,
                                (lxw_col_t)(s + 1));
        chart_series_set_name_range(se, CHART_DATA_SHEET, r0 + 1, (lxw_col_t)(s + 1));
        if (right)
            chart_series_set_marker_type(se, LXW_CHART_MARKER_CIRCLE);
        if (c->kind == CHART_BAR) {
            chart_series_set_labels(se);
            chart_series_set_labels_num_format(se, whole(c, s) ? "0" : "0.00");
        }
        if (!right && min_value(c, s) < 0)
            from_zero = 0;
        count++;
    }
    struct buf title = BUF_INIT;
    if (c->kind == CHART_BAR)
        buf_adds(&title, c->title ? c->title : "");
    else
        side_title(&title, c, right);
    chart_title_set_name(ch, title.ptr);
    buf_release(&title);
    const char *axis = right ? c->right_label : c->left_label;
    if (axis && *axis)
        chart_axis_set_name(ch->y_axis, axis);
    /* Bars start at zero (a bar's length is its value); rates run 0..100. */
    if (right || from_zero)
        chart_axis_set_min(ch->y_axis, 0);
    if (right)
        chart_axis_set_max(ch->y_axis, 100);
    chart_show_blanks_as(ch, LXW_CHART_BLANKS_AS_GAP);
    chart_legend_set_position(ch, count > 1 ? LXW_CHART_LEGEND_BOTTOM : LXW_CHART_LEGEND_NONE);
    return ch;
}

/* The data sheet (each chart as a block: its title; a header of series names; one row per
 * category, an empty cell for NAN so the chart shows a gap) and the chart sheet. */
static lxw_error add_charts(lxw_workbook *wb, const struct doc *d, const struct formats *f)
{
    /* A table already using one of the names: the charts are left out, the tables are what
     * the workbook is for. */
    if (workbook_validate_sheet_name(wb, CHART_DATA_SHEET) != LXW_NO_ERROR ||
        workbook_validate_sheet_name(wb, CHART_SHEET) != LXW_NO_ERROR)
        return LXW_NO_ERROR;
    lxw_worksheet *data = workbook_add_worksheet(wb, CHART_DATA_SHEET);
    lxw_worksheet *sheet = workbook_add_worksheet(wb, CHART_SHEET);
    if (!data || !sheet)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    worksheet_set_paper(sheet, 9);
    worksheet_fit_to_pages(sheet, 1, 0);
    lxw_error rc = worksheet_set_column(data, 0, 0, 14, NULL);
    lxw_row_t r0 = 0, at = 0;
    for (size_t k = 0; k < d->ncharts && rc == LXW_NO_ERROR; k++) {
        const struct doc_chart *c = &d->charts[k];
        rc = worksheet_write_string(data, r0, 0, c->title ? c->title : "", f->bold);
        for (int s = 0; s < c->nseries && rc == LXW_NO_ERROR; s++)
            rc = worksheet_write_string(data, r0 + 1, (lxw_col_t)(s + 1),
                                        c->series[s].name ? c->series[s].name : "", f->bold);
        for (int i = 0; i < c->n && rc == LXW_NO_ERROR; i++) {
            lxw_row_t r = r0 + 2 + (lxw_row_t)i;
            rc = worksheet_write_string(data, r, 0, c->labels[i] ? c->labels[i] : "", NULL);
            for (int s = 0; s < c->nseries && rc == LXW_NO_ERROR; s++)
                if (c->series[s].y && !isnan(c->series[s].y[i]))
                    rc = worksheet_write_number(data, r, (lxw_col_t)(s + 1), c->series[s].y[i],
                                                NULL);
        }
        if (rc != LXW_NO_ERROR)
            break;
        lxw_row_t next = r0 + 2 + (lxw_row_t)(c->n > 0 ? c->n : 0) + 1;
        int sides[2] = {0, 0};
        for (int s = 0; s < c->nseries; s++)
            sides[c->series[s].right ? 1 : 0] = 1;
        for (int right = 0; right < 2; right++) {
            if (c->n <= 0 || (c->kind == CHART_BAR ? right == 1 || c->nseries < 1 : !sides[right]))
                continue;
            lxw_chart *ch = make_chart(wb, c, r0, right, c->kind == CHART_BAR);
            if (!ch)
                return LXW_ERROR_MEMORY_MALLOC_FAILED;
            lxw_chart_options opt = {.x_scale = 1.5, .y_scale = 1.25};
            rc = worksheet_insert_chart_opt(sheet, at, 0, ch, &opt);
            if (rc != LXW_NO_ERROR)
                return rc;
            at += CHART_ROWS;
        }
        r0 = next;
    }
    return rc;
}

static int fail(struct err *e, const char *path, const char *why)
{
    return err_set(e, ERR_IO, "out", "cannot write %s '%s': %s", "XLSX", path, why);
}

int render_xlsx(const struct doc *d, const char *path, struct err *e)
{
    struct buf tmp = BUF_INIT;
    char *made;
    /* libxlsxwriter reports a file it cannot create on stderr itself, at close: find out
     * first, so the one error the user sees is ours; and the file it then writes is the
     * regular file made here, never a link or a device. */
    FILE *probe = doc_out_open(path, "XLSX", &made, e);
    if (!probe)
        return -1;
    fclose(probe);
    buf_adds(&tmp, made);
    free(made);
    /* Constant memory: each row goes to a temporary file (in TMPDIR) as soon as the next
     * one begins, so a ledger of a million rows is never held. The mode asks that rows be
     * written in order, which add_table does; its strings are inline rather than shared,
     * which changes nothing a reader sees (the same text, the same number formats). */
    const char *tmpdir = getenv("TMPDIR");
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE,
                                .tmpdir = (char *)(tmpdir && *tmpdir ? tmpdir : NULL)};
    lxw_workbook *wb = workbook_new_opt(tmp.ptr, &opt);
    if (!wb) {
        buf_release(&tmp);
        return fail(e, path, "cannot create the workbook");
    }
    struct formats f;
    add_formats(wb, &f);
    lxw_doc_properties props = {
        .title = (char *)(d->title ? d->title : ""),
        .subject = (char *)(d->subtitle ? d->subtitle : ""),
        .comments = (char *)"shishi",
    };
    lxw_error rc = workbook_set_properties(wb, &props);
    const char *sheet = NULL;
    struct err src = {0};
    for (size_t i = 0; i < d->ntables && rc == LXW_NO_ERROR && !src.msg[0]; i++)
        rc = add_table(wb, &d->tables[i], &f, &sheet, &src);
    if (rc == LXW_NO_ERROR && d->ncharts > 0) {
        sheet = NULL;
        rc = add_charts(wb, d, &f);
    }
    /* A workbook with no sheet is not a valid file: give it an empty one. */
    if (rc == LXW_NO_ERROR && d->ntables == 0 && d->ncharts == 0 &&
        !workbook_add_worksheet(wb, NULL))
        rc = LXW_ERROR_MEMORY_MALLOC_FAILED;

    /* Closing frees the workbook whatever happened; it writes the file only when asked to. */
    errno = 0;
    lxw_error closed = workbook_close(wb);
    int saved = errno;
    int ret = 0;
    if (src.msg[0]) { /* the rows could not be made: their source says why */
        if (e)
            *e = src;
        ret = -1;
    } else if (rc != LXW_NO_ERROR) {
        struct buf why = BUF_INIT;
        if (sheet)
            buf_addf(&why, "sheet '%s': %s", sheet, lxw_strerror(rc));
        else
            buf_adds(&why, lxw_strerror(rc));
        ret = fail(e, path, why.ptr);
        buf_release(&why);
    } else if (closed != LXW_NO_ERROR) {
        /* Not creating the file is the usual failure, and errno says why better than
         * libxlsxwriter's "Usually a permissions error". */
        if (closed == LXW_ERROR_CREATING_XLSX_FILE && saved)
            ret = fail(e, path, strerror(saved));
        else
            ret = fail(e, path, lxw_strerror(closed));
    } else if (rename(tmp.ptr, path) != 0) {
        ret = fail(e, path, strerror(errno));
    }
    if (ret)
        remove(tmp.ptr);
    buf_release(&tmp);
    return ret;
}
