/* test_render_files.c -- the HTML, CSV and XLSX renderers on the sample doc: the CSV blocks
 * byte for byte (BOM, CRLF, RFC 4180 quoting, the formula-injection guard), the HTML page
 * (every table and code, one SVG per chart, everything escaped), and the XLSX read back by
 * real LibreOffice: each sheet exported "as shown" must hold exactly the rows of the same
 * table's CSV block, cell for cell. Unwritable paths give ERR_IO and leave no file behind.
 * LibreOffice (soffice) is a test dependency (scripts/setup.sh --test installs it). */
#include "report/doc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/xalloc.h"

#include "sample_doc.h"
#include "test.h"

#include "util/banned.h"

static char dir[] = "/tmp/shishi-render-XXXXXX";

static char *path_in(const char *name)
{
    struct buf b = BUF_INIT;
    buf_addf(&b, "%s/%s", dir, name);
    return buf_detach(&b, NULL);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct buf b = BUF_INIT;
    char tmp[8192];
    size_t n;
    while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
        buf_add(&b, tmp, n);
    fclose(f);
    return buf_detach(&b, len);
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static int has(const char *hay, const char *needle)
{
    return strstr(hay, needle) != NULL;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* ---- a tiny RFC 4180 reader: records of fields; an empty line is a record of no fields ---- */

struct record {
    int nfields;
    char **fields;
};

struct records {
    struct record *v;
    size_t n, cap;
};

static void records_free(struct records *rs)
{
    for (size_t i = 0; i < rs->n; i++) {
        for (int f = 0; f < rs->v[i].nfields; f++)
            free(rs->v[i].fields[f]);
        free(rs->v[i].fields);
    }
    free(rs->v);
    memset(rs, 0, sizeof(*rs));
}

/* Parses s (a leading BOM skipped; CRLF or LF line ends). Returns 0, or -1 on a bad quote. */
static int parse_csv(const char *s, size_t len, struct records *rs)
{
    memset(rs, 0, sizeof(*rs));
    size_t i = 0;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len) {
        struct record rec = {0, NULL};
        size_t fcap = 0;
        if (s[i] == '\n' || (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')) {
            i += s[i] == '\r' ? 2 : 1;
            xgrow((void **)&rs->v, &rs->cap, rs->n + 1, sizeof(*rs->v));
            rs->v[rs->n++] = rec;
            continue;
        }
        for (;;) {
            struct buf field = BUF_INIT;
            if (i < len && s[i] == '"') {
                i++;
                for (;;) {
                    if (i >= len) {
                        buf_release(&field);
                        return -1;
                    }
                    if (s[i] == '"') {
                        if (i + 1 < len && s[i + 1] == '"') {
                            buf_addc(&field, '"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    buf_addc(&field, s[i++]);
                }
                if (i < len && s[i] != ',' && s[i] != '\r' && s[i] != '\n') {
                    buf_release(&field);
                    return -1;
                }
            } else {
                while (i < len && s[i] != ',' && s[i] != '\r' && s[i] != '\n')
                    buf_addc(&field, s[i++]);
            }
            xgrow((void **)&rec.fields, &fcap, (size_t)rec.nfields + 1, sizeof(*rec.fields));
            rec.fields[rec.nfields++] = buf_detach(&field, NULL);
            if (i < len && s[i] == ',') {
                i++;
                continue;
            }
            break;
        }
        if (i < len && s[i] == '\r')
            i++;
        if (i < len && s[i] == '\n')
            i++;
        xgrow((void **)&rs->v, &rs->cap, rs->n + 1, sizeof(*rs->v));
        rs->v[rs->n++] = rec;
    }
    return 0;
}

static const char *field_at(const struct record *r, int f)
{
    return f < r->nfields ? r->fields[f] : "";
}

/* Compares two runs of records cell for cell; a missing trailing field counts as empty
 * (LibreOffice writes every row as wide as the sheet's used area). */
static void compare_rows(const char *what, const struct record *a, size_t na,
                         const struct record *b, size_t nb)
{
    CHECK_INT(na, nb);
    for (size_t r = 0; r < na && r < nb; r++) {
        int w = a[r].nfields > b[r].nfields ? a[r].nfields : b[r].nfields;
        for (int f = 0; f < w; f++) {
            if (strcmp(field_at(&a[r], f), field_at(&b[r], f)) != 0) {
                fprintf(stderr, "%s row %zu field %d: \"%s\" vs \"%s\"\n", what, r, f,
                        field_at(&a[r], f), field_at(&b[r], f));
                CHECK(0);
            }
        }
    }
}

/* ---- CSV ---- */

static void test_csv(const struct doc *d)
{
    char *path = path_in("sample.csv");
    struct err e = {0};
    CHECK_INT(render_csv(d, path, &e), 0);
    size_t len = 0;
    char *s = slurp(path, &len);
    CHECK(s != NULL);
    if (!s) {
        free(path);
        return;
    }
    CHECK(len > 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0);
    /* Every line ends in CRLF: no bare LF, no bare CR. */
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) {
            fprintf(stderr, "bare LF at byte %zu\n", i);
            CHECK(0);
            break;
        }
        if (s[i] == '\r' && (i + 1 == len || s[i + 1] != '\n')) {
            fprintf(stderr, "bare CR at byte %zu\n", i);
            CHECK(0);
            break;
        }
    }
    CHECK(len >= 2 && s[len - 2] == '\r' && s[len - 1] == '\n');
    static const char head[] = "\xEF\xBB\xBF一、总体情况\r\n指标,本期,上期,环比(%)\r\n"
                               "受理量,231,205,+12.50\r\n";
    CHECK(strncmp(s, head, strlen(head)) == 0);
    CHECK(has(s, "\r\n回复率(%),100.00,99.51,-0.49\r\n"));
    CHECK(has(s, "\r\n满意率(%),—,0.00,—\r\n\r\n二、单位排名\r\n"));
    CHECK(has(s, "\r\n名次,单位,办件量,响应率(%),解决率(%),满意率(%),综合得分\r\n"));
    CHECK(has(s, "\r\n1,区教育局,40,100.00,95.50,97.30,98.25\r\n"));
    CHECK(has(s, "\r\n—,罗水乡,3,96.00,87.50,—,—\r\n\r\n附件：诉求台账\r\n"));
    CHECK(has(s, ",\"夜间停车难，建议开放机关单位停车场, 含逗号和\"\"引号\"\"\","));
    CHECK(has(s, "\r\nYD202107010040,2021-07-01 09:30,微信群,宜行,天门山镇小坪村饮水管道漏水,"
                 "张*,138****5678,区住建局,已销号,2021-07-12 24:00,2021-07-09 16:00,已解决,"
                 "满意\r\n"));
    /* The note is not part of the CSV: titles, headers, data only. */
    CHECK(!has(s, "不排名"));

    /* Three blocks of 2 + nrows records, separated by one empty record. */
    struct records rs;
    CHECK_INT(parse_csv(s, len, &rs), 0);
    size_t want = 0;
    for (size_t t = 0; t < d->ntables; t++)
        want += 2 + d->tables[t].nrows + (t ? 1 : 0);
    CHECK_INT(rs.n, want);
    records_free(&rs);
    free(s);
    free(path);
}

/* A small doc of hostile text: formula starts, markup, quotes. */
static void hostile_doc(struct doc *d)
{
    doc_init(d);
    d->title = "<script>alert(1)</script> & \"通报\"";
    d->subtitle = "it's <b>bold</b>";
    doc_para(d, "段落 <img src=x onerror=alert(1)>");
    static const char *const cols[] = {"文本", "数", "变化"};
    struct doc_table *t = doc_table_add(d, "x<y", "表<一>", "表一", 3, cols, NULL);
    t->note = "注 & <说明>";
    static const char *const texts[] = {
        "=1+1",     "+1",      "-2", "@SUM(A1)", "\tx", "\rx", "<script>alert(2)</script>",
        "a\"b'c&d", "正常 =1", ""};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        struct cell *c = doc_row_add(d, t);
        cell_text(d, &c[0], texts[i]);
        cell_int(&c[1], -3 - (int64_t)i);
        cell_change(&c[2], -3);
    }
    struct doc_chart *ch = doc_chart_add(d, "h", "图<表>", CHART_BAR, 2);
    ch->left_label = "左&";
    ch->nseries = 1;
    ch->series[0].name = "\"系列\"";
    ch->series[0].y = doc_alloc(d, 2 * sizeof(double));
    ch->labels[0] = "<a>";
    ch->labels[1] = "b'";
    ch->series[0].y[0] = 1;
    ch->series[0].y[1] = NAN;
}

static void test_csv_injection(const struct doc *d)
{
    char *path = path_in("hostile.csv");
    struct err e = {0};
    CHECK_INT(render_csv(d, path, &e), 0);
    char *s = slurp(path, NULL);
    CHECK(s != NULL);
    if (s) {
        CHECK(has(s, "\r\n'=1+1,-3,-3.00\r\n"));
        CHECK(has(s, "\r\n'+1,-4,-3.00\r\n"));
        CHECK(has(s, "\r\n'-2,-5,-3.00\r\n"));
        CHECK(has(s, "\r\n'@SUM(A1),-6,-3.00\r\n"));
        CHECK(has(s, "\r\n'\tx,-7,-3.00\r\n"));
        CHECK(has(s, "\r\n\"'\rx\",-8,-3.00\r\n"));
        CHECK(has(s, "\r\n<script>alert(2)</script>,-9,-3.00\r\n"));
        CHECK(has(s, "\r\n\"a\"\"b'c&d\",-10,-3.00\r\n"));
        CHECK(has(s, "\r\n正常 =1,-11,-3.00\r\n"));
        CHECK(has(s, "\r\n,-12,-3.00\r\n"));
        CHECK(strstr(s, "\xEF\xBB\xBF表<一>\r\n文本,数,变化\r\n") == s);
    }
    free(s);
    free(path);
}

/* ---- HTML ---- */

static void test_html(const struct doc *d)
{
    char *path = path_in("sample.html");
    struct err e = {0};
    CHECK_INT(render_html(d, path, &e), 0);
    char *s = slurp(path, NULL);
    CHECK(s != NULL);
    if (!s) {
        free(path);
        return;
    }
    CHECK(strncmp(s, "<!DOCTYPE html>\n<html lang=\"zh-CN\">", 34) == 0);
    CHECK(has(s, "<meta charset=\"utf-8\">"));
    CHECK(has(s, "<meta name=\"generator\" content=\"shishi\">"));
    CHECK(has(s, "<title>永定区“我为群众办实事”诉求办理情况通报</title>"));
    CHECK(has(s, "<h1>永定区“我为群众办实事”诉求办理情况通报</h1>"));
    CHECK(has(s, "2021年7月（2021-07-01 至 2021-07-31）· 考核规则第1版"));
    CHECK(has(s, "本月共受理群众诉求 231 件"));
    CHECK(
        has(s, "<h2>二、单位排名</h2>\n<p class=\"note\">办件量少于 5 件的单位列出但不排名。</p>"));
    CHECK(has(s, "<td>受理量</td><td class=\"num\">231</td><td class=\"num\">205</td>"
                 "<td class=\"num\">+12.50</td>"));
    CHECK(has(s, "<td>满意率(%)</td><td class=\"num none\">—</td><td class=\"num\">0.00</td>"
                 "<td class=\"num none\">—</td>"));
    CHECK(has(s, "<thead><tr><th scope=\"col\">编号</th>"));
    CHECK(has(s, "含逗号和&quot;引号&quot;"));
    CHECK_INT(count(s, "<svg"), 2);
    CHECK_INT(count(s, "</svg>"), 2);
    CHECK_INT(count(s, "<table"), 3);
    /* No external resources, no script. */
    CHECK(!has(s, "<script"));
    CHECK(!has(s, "src="));
    CHECK(!has(s, "<link"));
    CHECK(!has(s, "url("));
    for (int i = 1; i <= 40; i++) {
        char code[32];
        snprintf(code, sizeof(code), "<td>YD20210701%04d</td>", i);
        CHECK(strstr(s, code) != NULL);
    }
    /* Charts come right after the first table. */
    const char *summary = strstr(s, "id=\"t-summary\"");
    const char *ranking = strstr(s, "id=\"t-ranking\"");
    const char *svg = strstr(s, "<svg");
    CHECK(summary && ranking && svg && summary < svg && svg < ranking);
    /* The bar chart: 4 bars with value labels; the trend: 7 bars (5 months missing), two lines
     * of 7 markers, a legend and both axis titles. */
    const char *trend = strstr(s, "id=\"chart-trend\"");
    CHECK(trend != NULL);
    if (trend) {
        CHECK(has(s, ">98.25</text>") && has(s, ">88.00</text>"));
        CHECK_INT(count(trend, "<rect x="), 7 + 1);     /* bars + legend swatch */
        CHECK_INT(count(trend, "<circle cx="), 14 + 2); /* markers + legend */
        CHECK_INT(count(trend, "<polyline"), 2);
        CHECK(has(trend, "受理量（件）") && has(trend, "比率（%）"));
        CHECK(has(trend, "<title>2021-07 受理量：227</title>"));
        CHECK(has(trend, "<title>2021-07 回复率：99.00</title>"));
        CHECK(has(trend, ">2020-08</text>"));
    }
    free(s);
    free(path);
}

static void test_html_escaping(const struct doc *d)
{
    char *path = path_in("hostile.html");
    struct err e = {0};
    CHECK_INT(render_html(d, path, &e), 0);
    char *s = slurp(path, NULL);
    CHECK(s != NULL);
    if (s) {
        CHECK(!has(s, "<script"));
        CHECK(!has(s, "<img"));
        CHECK(!has(s, "<b>"));
        CHECK(
            has(s, "<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;通报&quot;</title>"));
        CHECK(has(s, "<h1>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;通报&quot;</h1>"));
        CHECK(has(s, "it&#39;s &lt;b&gt;bold&lt;/b&gt;"));
        CHECK(has(s, "段落 &lt;img src=x onerror=alert(1)&gt;"));
        CHECK(has(s, "<td>&lt;script&gt;alert(2)&lt;/script&gt;</td>"));
        CHECK(has(s, "<td>a&quot;b&#39;c&amp;d</td>"));
        CHECK(has(s, "<td>=1+1</td>")); /* HTML needs no formula guard */
        CHECK(has(s, "id=\"t-x&lt;y\""));
        CHECK(has(s, "<h2>表&lt;一&gt;</h2>"));
        CHECK(has(s, "注 &amp; &lt;说明&gt;"));
        CHECK(has(s, "<figcaption>图&lt;表&gt;</figcaption>"));
        CHECK(has(s, ">&lt;a&gt;</text>"));
        CHECK(has(s, ">b&#39;</text>"));
        CHECK(has(s, ">&quot;系列&quot;</text>"));
        CHECK(has(s, ">左&amp;</text>"));
        CHECK(!has(s, "\r"));                   /* the CR of "\rx" is dropped */
        CHECK_INT(count(s, "<rect x="), 1 + 1); /* the NAN bar skipped; legend */
    }
    free(s);
    free(path);
}

/* ---- XLSX through LibreOffice ---- */

/* The records of each table's block in render_csv's output, by table index. */
static void csv_blocks(const struct doc *d, const struct records *rs, size_t *start)
{
    size_t at = 0;
    for (size_t t = 0; t < d->ntables; t++) {
        if (t) {
            CHECK(at < rs->n && rs->v[at].nfields == 0);
            at++;
        }
        start[t] = at;
        at += 2 + d->tables[t].nrows;
    }
    CHECK_INT(at, rs->n);
}

/* A CSV field as the spreadsheet holds the cell: without the formula guard's quote. */
static const char *unguarded(const char *f)
{
    return f[0] == '\'' && f[1] && strchr("=+-@\t\r", f[1]) ? f + 1 : f;
}

/* Each sheet of <base>.xlsx, as LibreOffice exported it, against the table's block of
 * <base>.csv. */
static void compare_sheets(const struct doc *d, const char *base)
{
    char *csv = NULL;
    {
        struct buf n = BUF_INIT;
        buf_addf(&n, "%s.csv", base);
        csv = path_in(n.ptr);
        buf_release(&n);
    }
    size_t len = 0;
    char *s = slurp(csv, &len);
    struct records rs = {0};
    CHECK(s && parse_csv(s, len, &rs) == 0);
    /* The formula guard is the one difference: XLSX keeps text cells as strings. */
    for (size_t r = 0; r < rs.n; r++)
        for (int f = 0; f < rs.v[r].nfields; f++) {
            const char *u = unguarded(rs.v[r].fields[f]);
            if (u != rs.v[r].fields[f])
                memmove(rs.v[r].fields[f], u, strlen(u) + 1);
        }
    size_t *start = xcalloc(d->ntables + 1, sizeof(*start));
    csv_blocks(d, &rs, start);
    for (size_t t = 0; t < d->ntables; t++) {
        struct buf n = BUF_INIT;
        buf_addf(&n, "%s-%s.csv", base, d->tables[t].sheet);
        char *sheet_path = path_in(n.ptr);
        buf_release(&n);
        size_t slen = 0;
        char *sheet = slurp(sheet_path, &slen);
        if (!sheet) {
            fprintf(stderr, "no sheet export %s\n", sheet_path);
            CHECK(0);
        } else {
            struct records ss;
            CHECK_INT(parse_csv(sheet, slen, &ss), 0);
            if (start[t] + 2 + d->tables[t].nrows <= rs.n)
                compare_rows(sheet_path, &rs.v[start[t]], 2 + d->tables[t].nrows, ss.v, ss.n);
            records_free(&ss);
        }
        free(sheet);
        free(sheet_path);
    }
    free(start);
    records_free(&rs);
    free(s);
    free(csv);
}

/* Renders both docs as XLSX and CSV, has LibreOffice export every sheet of both workbooks
 * in one run (its first start is the slow part), and compares. */
static void test_xlsx(const struct doc *d, const struct doc *h)
{
    if (system("command -v soffice >/dev/null 2>&1") != 0) {
        fprintf(stderr, "soffice not found: install libreoffice-calc-nogui "
                        "(scripts/setup.sh --test)\n");
        CHECK(0);
        return;
    }
    static const char *const names[] = {"sample.xlsx", "sample.csv", "hostile.xlsx", "hostile.csv"};
    for (int i = 0; i < 4; i++) {
        char *p = path_in(names[i]);
        struct err e = {0};
        const struct doc *x = i < 2 ? d : h;
        CHECK_INT((i % 2 ? render_csv : render_xlsx)(x, p, &e), 0);
        if (e.code)
            fprintf(stderr, "%s\n", e.msg);
        free(p);
    }

    /* Token 9 "true" exports cells as shown (through their number formats); token 12 "-1"
     * exports every sheet, each to <base>-<sheet name>.csv (LibreOffice 7.2 and later). */
    struct buf cmd = BUF_INIT;
    buf_addf(&cmd,
             "cd '%s' && timeout 120 soffice --headless --norestore "
             "'-env:UserInstallation=file://%s/lo' --convert-to "
             "'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1' "
             "--outdir '%s' sample.xlsx hostile.xlsx >soffice.log 2>&1",
             dir, dir, dir);
    int rc = system(cmd.ptr);
    buf_release(&cmd);
    CHECK_INT(rc, 0);
    if (rc != 0) {
        char *logpath = path_in("soffice.log");
        char *log = slurp(logpath, NULL);
        fprintf(stderr, "soffice failed:\n%s\n", log ? log : "(no log)");
        free(log);
        free(logpath);
    }
    compare_sheets(d, "sample");
    compare_sheets(h, "hostile");

    /* The chart data and chart sheets come after the tables. */
    char *data = path_in("sample-图表数据.csv");
    char *charts = path_in("sample-图表.csv");
    CHECK(exists(charts));
    char *s = slurp(data, NULL);
    CHECK(s && has(s, "区教育局,98.25"));
    free(s);
    free(data);
    free(charts);
    /* Text stays text: "=1+1" is not computed. */
    char *hs = path_in("hostile-表一.csv");
    s = slurp(hs, NULL);
    CHECK(s && has(s, "\n=1+1,-3,-3.00\n"));
    free(s);
    free(hs);
}

/* ---- errors ---- */

typedef int (*render_fn)(const struct doc *, const char *, struct err *);

static void test_errors(const struct doc *d)
{
    static const struct {
        render_fn fn;
        const char *what;
    } fns[] = {{render_html, "HTML"}, {render_csv, "CSV"}, {render_xlsx, "XLSX"}};
    char *missing = path_in("no/such/dir/out.file");
    char *tmp = path_in("no/such/dir/out.file.tmp");
    for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
        struct err e = {0};
        CHECK_INT(fns[i].fn(d, missing, &e), -1);
        CHECK_INT(e.code, ERR_IO);
        CHECK(strstr(e.msg, missing) != NULL);
        CHECK(strstr(e.msg, fns[i].what) != NULL);
        CHECK(!exists(missing));
        CHECK(!exists(tmp));
    }

    /* A directory where the file should go: refused before writing, no temp file left. */
    char *isdir = path_in("adir");
    CHECK_INT(mkdir(isdir, 0700), 0);
    struct buf t = BUF_INIT;
    buf_addf(&t, "%s.tmp", isdir);
    for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
        struct err e = {0};
        CHECK_INT(fns[i].fn(d, isdir, &e), -1);
        CHECK_INT(e.code, ERR_IO);
        CHECK(strstr(e.msg, isdir) != NULL);
        CHECK(!exists(t.ptr));
    }
    rmdir(isdir);
    buf_release(&t);
    free(isdir);
    free(missing);
    free(tmp);
}

/* A sheet name libxlsxwriter refuses: an error, and no file. */
static void test_xlsx_bad_sheet(void)
{
    struct doc d;
    doc_init(&d);
    d.title = "x";
    static const char *const cols[] = {"a"};
    doc_table_add(&d, "a", "A", "bad/name", 1, cols, NULL);
    char *path = path_in("bad.xlsx");
    struct err e = {0};
    CHECK_INT(render_xlsx(&d, path, &e), -1);
    CHECK_INT(e.code, ERR_IO);
    CHECK(strstr(e.msg, "bad/name") != NULL);
    CHECK(!exists(path));
    struct buf t = BUF_INIT;
    buf_addf(&t, "%s.tmp", path);
    CHECK(!exists(t.ptr));
    buf_release(&t);
    free(path);
    doc_release(&d);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    struct doc d, h;
    sample_doc(&d);
    hostile_doc(&h);
    test_csv(&d);
    test_csv_injection(&h);
    test_html(&d);
    test_html_escaping(&h);
    test_errors(&d);
    test_xlsx_bad_sheet();
    test_xlsx(&d, &h);
    doc_release(&d);
    doc_release(&h);

    int rc = test_done("test_render_files");
    if (rc == 0) {
        struct buf cmd = BUF_INIT;
        buf_addf(&cmd, "rm -rf '%s'", dir);
        if (system(cmd.ptr) != 0)
            fprintf(stderr, "could not remove %s\n", dir);
        buf_release(&cmd);
    } else {
        fprintf(stderr, "files left in %s\n", dir);
    }
    return rc;
}
