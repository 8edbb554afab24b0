/* test_render_stream.c -- a table whose rows come from a source (struct doc_source, how the
 * bulletin's ledger is drawn) renders exactly as the same rows held in the doc, in every
 * format; and a source that fails part way leaves no file at the path (nor its .tmp) and
 * its own error in e. */
#include "report/doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

#define ROWS 300

static char dir[] = "/tmp/test_render_stream.XXXXXX";

static void path_of(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", dir, name);
}

/* Row r of the test table, into a scratch doc. */
static void make_row(struct doc *scratch, struct cell *row, int r)
{
    char code[32];
    snprintf(code, sizeof(code), "YD2025%06d", r);
    cell_text(scratch, &row[0], code);
    cell_text(scratch, &row[1], r % 7 ? "路灯不亮" : "=1+1 \"引号\", 逗号 <b>&amp;</b>");
    cell_int(&row[2], r * 37 - 500);
    cell_rate(&row[3], r % 5 ? r * 0.3137 : -1);
    cell_change(&row[4], r % 3 ? (r - 150) * 0.5 : 0);
}

static const char *const cols[] = {"编号", "诉求标题", "件数", "比率(%)", "环比"};
static const int widths[] = {14, 30, 8, 8, 8};

struct src {
    int fail_at; /* < 0: never */
};

static int each(void *p, doc_row_fn fn, void *ctx, struct err *e)
{
    struct src *s = p;
    for (int r = 0; r < ROWS; r++) {
        if (r == s->fail_at)
            return err_set(e, ERR_IO, "", "the store went away at row %d", r);
        struct doc scratch;
        doc_init(&scratch);
        struct cell row[5];
        memset(row, 0, sizeof(row));
        make_row(&scratch, row, r);
        int rc = fn(row, ctx);
        doc_release(&scratch);
        if (rc)
            return -1;
    }
    return 0;
}

static int released;

static void release(void *p)
{
    (void)p;
    released++;
}

/* A doc of a short fixed table and the test table, held (src NULL) or streamed. */
static void make_doc(struct doc *d, struct src *src)
{
    doc_init(d);
    d->title = "流式表格";
    doc_para(d, "一段说明。");
    static const char *const c1[] = {"指标", "本期"};
    struct doc_table *t = doc_table_add(d, "summary", "一、总体情况", "汇总", 2, c1, NULL);
    struct cell *row = doc_row_add(d, t);
    cell_text(d, &row[0], "受理量");
    cell_int(&row[1], ROWS);
    t = doc_table_add(d, "ledger", "附件：诉求台账", "台账", 5, cols, widths);
    t->note = "联系人姓名和电话已脱敏。";
    t->wide = 1;
    if (src) {
        t->source.each = each;
        t->source.release = release;
        t->source.src = src;
    } else {
        for (int r = 0; r < ROWS; r++)
            make_row(d, doc_row_add(d, t), r);
    }
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)n + 1);
    *len = fread(p, 1, (size_t)n, f);
    fclose(f);
    return p;
}

static int exists(const char *path)
{
    struct stat sb;
    return lstat(path, &sb) == 0;
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    static const struct {
        const char *ext;
        int (*render)(const struct doc *, const char *, struct err *);
        int same_bytes; /* XLSX and PDF carry a creation time: compared by size only */
    } fmts[] = {{"csv", render_csv, 1},
                {"html", render_html, 1},
                {"xlsx", render_xlsx, 0},
                {"pdf", render_pdf, 0}};
    for (size_t i = 0; i < sizeof(fmts) / sizeof(*fmts); i++) {
        char held[600], streamed[600], failed[600], tmp[64];
        snprintf(tmp, sizeof(tmp), "held.%s", fmts[i].ext);
        path_of(held, sizeof(held), tmp);
        snprintf(tmp, sizeof(tmp), "streamed.%s", fmts[i].ext);
        path_of(streamed, sizeof(streamed), tmp);
        snprintf(tmp, sizeof(tmp), "failed.%s", fmts[i].ext);
        path_of(failed, sizeof(failed), tmp);

        struct doc d;
        struct err e = {0};
        make_doc(&d, NULL);
        CHECK_INT(fmts[i].render(&d, held, &e), 0);
        doc_release(&d);

        struct src ok = {-1};
        released = 0;
        make_doc(&d, &ok);
        CHECK_INT(fmts[i].render(&d, streamed, &e), 0);
        doc_release(&d);
        CHECK_INT(released, 1);

        size_t n1 = 0, n2 = 0;
        char *a = slurp(held, &n1), *b = slurp(streamed, &n2);
        CHECK(a && b);
        CHECK(n1 > 1000);
        if (fmts[i].same_bytes) {
            CHECK_INT(n2, n1);
            CHECK(a && b && n1 == n2 && !memcmp(a, b, n1));
        } else {
            /* the same cells in the same order; a timestamp may differ in its digits */
            CHECK(n2 + 64 > n1 && n1 + 64 > n2);
        }
        if (!a || !b || (fmts[i].same_bytes && (n1 != n2 || memcmp(a, b, n1))))
            fprintf(stderr, "%s: held %zu bytes, streamed %zu\n", fmts[i].ext, n1, n2);
        free(a);
        free(b);

        struct src bad = {ROWS / 2};
        make_doc(&d, &bad);
        memset(&e, 0, sizeof(e));
        CHECK_INT(fmts[i].render(&d, failed, &e), -1);
        doc_release(&d);
        CHECK_STR(e.msg, "the store went away at row 150");
        CHECK(!exists(failed));
        char dot_tmp[620];
        snprintf(dot_tmp, sizeof(dot_tmp), "%s.tmp", failed);
        CHECK(!exists(dot_tmp));
        unlink(held);
        unlink(streamed);
    }
    rmdir(dir);
    return test_done("test_render_stream");
}
