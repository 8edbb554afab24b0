/* test_render_pdf.c -- the PDF bulletin read back with poppler's tools: the text of every
 * table survives (the last ledger row proves page breaks keep rows), pages are A4 and
 * numbered, page 1 rasterises, and a file that cannot be written fails with ERR_IO and leaves
 * nothing behind. */
#include "report/doc.h"

#include <cairo.h>
#include <dlfcn.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sample_doc.h"
#include "test.h"
#include "util/xalloc.h"

#include "util/banned.h"

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* The standard output of a shell command; the caller frees. */
static char *run(const char *cmd)
{
    FILE *f = popen(cmd, "r");
    if (!f) {
        perror(cmd);
        return xstrdup("");
    }
    size_t len = 0, cap = 4096;
    char *out = xmalloc(cap);
    size_t k;
    while ((k = fread(out + len, 1, cap - len - 1, f)) > 0) {
        len += k;
        if (cap - len < 2)
            out = xrealloc(out, cap *= 2);
    }
    out[len] = '\0';
    int status = pclose(f);
    if (status != 0)
        fprintf(stderr, "'%s' exited with %d\n", cmd, status);
    CHECK_INT(status, 0);
    return out;
}

static void check_contains(const char *text, const char *want)
{
    if (!strstr(text, want))
        fprintf(stderr, "PDF text lacks \"%s\"\n", want);
    CHECK(strstr(text, want) != NULL);
}

static void test_render(const char *dir, const struct doc *d)
{
    char pdf[512], cmd[1200];
    snprintf(pdf, sizeof(pdf), "%s/bulletin.pdf", dir);
    /* An old file at the path is replaced whole. */
    FILE *old = fopen(pdf, "w");
    CHECK(old != NULL);
    if (old)
        fclose(old);
    struct err e = {0};
    CHECK_INT(render_pdf(d, pdf, &e), 0);
    CHECK_INT(e.code, ERR_OK);
    struct stat st = {0};
    CHECK_INT(stat(pdf, &st), 0);
    CHECK(st.st_size > 10000);
    char tmp[600];
    snprintf(tmp, sizeof(tmp), "%s.tmp", pdf);
    CHECK(!exists(tmp));

    snprintf(cmd, sizeof(cmd), "pdftotext -layout '%s' -", pdf);
    char *text = run(cmd);
    static const char *const wants[] = {
        "诉求办理情况通报", /* the title */
        "区教育局",         /* a text cell */
        "98.25",            /* a rate */
        "—",                /* no value */
        "+12.50",           /* a signed change */
        "YD202107010040",   /* the last ledger row: page breaks lose no row */
        "第 2 页",          /* the footer of page 2 */
    };
    for (size_t i = 0; i < sizeof(wants) / sizeof(wants[0]); i++)
        check_contains(text, wants[i]);
    free(text);

    snprintf(cmd, sizeof(cmd), "pdfinfo '%s'", pdf);
    char *info = run(cmd);
    const char *pages = strstr(info, "Pages:");
    CHECK(pages != NULL);
    if (pages)
        CHECK(strtol(pages + strlen("Pages:"), NULL, 10) >= 2);
    const char *size = strstr(info, "Page size:");
    CHECK(size != NULL);
    if (size) {
        double w = 0, h = 0;
        CHECK_INT(sscanf(size, "Page size: %lf x %lf pts", &w, &h), 2);
        CHECK(w > 594.5 && w < 596);
        CHECK(h > 841 && h < 842.5);
    }
    free(info);

    /* -singlefile: the image is page1.png, without a page number in its name. */
    snprintf(cmd, sizeof(cmd), "pdftoppm -r 50 -png -f 1 -l 1 -singlefile '%s' '%s/page1'", pdf,
             dir);
    free(run(cmd));
    char png[600];
    snprintf(png, sizeof(png), "%s/page1.png", dir);
    CHECK_INT(stat(png, &st), 0);
    CHECK(st.st_size > 5000); /* a blank A4 page at 50 dpi compresses to far less */
    remove(png);
    CHECK_INT(remove(pdf), 0);
}

static void test_unwritable(const char *dir, const struct doc *d)
{
    /* A directory that does not exist: the temporary file cannot even be created. */
    char path[512];
    snprintf(path, sizeof(path), "%s/no/such/dir/bulletin.pdf", dir);
    struct err e = {0};
    CHECK(render_pdf(d, path, &e) < 0);
    CHECK_INT(e.code, ERR_IO);
    CHECK_STR(e.field, "out");
    CHECK(strstr(e.msg, "cannot write PDF") != NULL);
    CHECK(strstr(e.msg, path) != NULL);
    CHECK(!exists(path));

    /* The path is a directory: refused before anything is written, no temporary left. */
    snprintf(path, sizeof(path), "%s/taken", dir);
    CHECK_INT(mkdir(path, 0700), 0);
    err_clear(&e);
    CHECK(render_pdf(d, path, &e) < 0);
    CHECK_INT(e.code, ERR_IO);
    CHECK(strstr(e.msg, path) != NULL);
    char tmp[600];
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    CHECK(!exists(tmp));
    rmdir(path);
}

/* Drops the process-wide font caches of pango, cairo and fontconfig so that LeakSanitizer
 * sees only our own memory. fontconfig comes in through pango, not on our link line, so its
 * FcFini() is looked up in the copy already loaded. */
static void release_font_caches(void)
{
    pango_cairo_font_map_set_default(NULL);
    cairo_debug_reset_static_data();
    void *fc = dlopen("libfontconfig.so.1", RTLD_LAZY);
    if (fc) {
        void (*fc_fini)(void) = (void (*)(void))dlsym(fc, "FcFini");
        if (fc_fini)
            fc_fini();
        dlclose(fc);
    }
}

int main(void)
{
    char dir[] = "/tmp/shishi-pdf-XXXXXX", cmd_rm[64];
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    struct doc d;
    sample_doc(&d);
    test_render(dir, &d);
    test_unwritable(dir, &d);
    doc_release(&d);
    if (rmdir(dir) != 0) { /* not empty: a file the test made was left behind */
        CHECK(0);
        snprintf(cmd_rm, sizeof(cmd_rm), "rm -rf '%s'", dir);
        if (system(cmd_rm) != 0)
            fprintf(stderr, "could not remove %s\n", dir);
    }

    release_font_caches();
    return test_done("test_render_pdf");
}
