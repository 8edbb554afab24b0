/* cli.c -- option parsing, opening the service, tables and error lines. */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "util/buf.h"
#include "util/civil.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#include "util/banned.h"

static const struct opt_spec *find_spec(const struct opt_spec *spec, const char *name,
                                        size_t len)
{
    for (; spec && spec->name; spec++)
        if (strlen(spec->name) == len && !strncmp(spec->name, name, len))
            return spec;
    return NULL;
}

int opts_parse(int argc, char **argv, const struct opt_spec *spec, struct opts *o, struct err *e)
{
    memset(o, 0, sizeof(*o));
    o->cmd = argc > 0 ? argv[0] : "";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
            if (o->nargs >= ARGS_MAX)
                return err_set(e, ERR_INVALID, "", "too many arguments for '%s'", o->cmd);
            o->args[o->nargs++] = a;
            continue;
        }
        const char *name = a + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const struct opt_spec *s = find_spec(spec, name, len);
        if (!s)
            return err_set(e, ERR_INVALID, "", "unknown option '--%.*s' for '%s'", (int)len,
                           name, o->cmd);
        const char *value = NULL;
        if (s->kind == OPT_FLAG) {
            if (eq)
                return err_set(e, ERR_INVALID, "", "option '--%s' takes no value", s->name);
            value = "1";
        } else if (eq) {
            value = eq + 1;
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            return err_set(e, ERR_INVALID, "", "option '--%s' needs a value", s->name);
        }
        if (s->kind != OPT_MULTI && opt_get(o, s->name))
            return err_set(e, ERR_INVALID, "", "option '--%s' given twice", s->name);
        if (o->n >= OPT_MAX)
            return err_set(e, ERR_INVALID, "", "too many options");
        o->v[o->n].name = s->name;
        o->v[o->n].value = value;
        o->n++;
    }
    return 0;
}

const char *opt_get(const struct opts *o, const char *name)
{
    for (int i = 0; i < o->n; i++)
        if (!strcmp(o->v[i].name, name))
            return o->v[i].value;
    return NULL;
}

int opt_flag(const struct opts *o, const char *name)
{
    return opt_get(o, name) != NULL;
}

int opt_all(const struct opts *o, const char *name, const char **out, int max)
{
    int n = 0;
    for (int i = 0; i < o->n; i++)
        if (!strcmp(o->v[i].name, name)) {
            if (n >= max)
                return -1;
            out[n++] = o->v[i].value;
        }
    return n;
}

int opt_int(const struct opts *o, const char *name, long min, long max, long def, long *out,
            struct err *e)
{
    const char *v = opt_get(o, name);
    if (!v) {
        *out = def;
        return 0;
    }
    long n;
    if (text_whole(v, min, max, &n) < 0)
        return err_set(e, ERR_INVALID, name, "--%s must be a whole number from %ld to %ld, not '%s'",
                       name, min, max, v);
    *out = n;
    return 0;
}

int opt_format(const struct opts *o, const char *allowed, const char **out, struct err *e)
{
    const char *f = opt_get(o, "format");
    if (!f)
        f = "table";
    char key[16];
    snprintf(key, sizeof(key), "%s", f);
    const char *p = strstr(allowed, key);
    size_t n = strlen(key);
    if (!*key || !p || (p != allowed && p[-1] != '|') || (p[n] != '\0' && p[n] != '|'))
        return err_set(e, ERR_INVALID, "format", "--format must be %s, not '%s'", allowed, f);
    *out = f;
    return 0;
}

/* The usage line of the command whose options were read last, for cli_fail(). */
static char usage_line[1024];

/* "shishi NAME [--opt OPT]... [ARGS]" from the command's option table. */
static void usage_of(char *out, size_t size, const char *name, const struct opt_spec *spec)
{
    size_t n = (size_t)snprintf(out, size, "shishi [--db FILE] %s", name);
    for (const struct opt_spec *s = spec; s && s->name && n < size; s++) {
        if (!strcmp(s->name, "as") || !strcmp(s->name, "at"))
            continue; /* every command's: listed apart */
        char meta[40];
        size_t k = 0;
        for (const char *p = s->name; *p && k + 1 < sizeof(meta); p++)
            meta[k++] = *p == '-' ? '_' : (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
        meta[k] = '\0';
        if (s->kind == OPT_FLAG)
            n += (size_t)snprintf(out + n, size - n, " [--%s]", s->name);
        else
            n += (size_t)snprintf(out + n, size - n, " [--%s %s]%s", s->name, meta,
                                  s->kind == OPT_MULTI ? "..." : "");
    }
}

void cli_help(FILE *f, const struct cli *c, const char *name, const struct opt_spec *spec)
{
    char u[1024];
    fprintf(f, "shishi %s — %s\n\n", name, c->cmd_summary ? c->cmd_summary : "");
    if (spec) {
        usage_of(u, sizeof(u), name, spec);
        /* wrapped before an option that would pass column 96 */
        fprintf(f, "用法 (usage):\n ");
        int col = 1;
        for (const char *p = u; *p;) {
            const char *next = strstr(p + 1, " [");
            int len = next ? (int)(next - p) : (int)strlen(p);
            if (col + len > 96 && col > 1) {
                fprintf(f, "\n     ");
                col = 5;
            }
            fprintf(f, "%.*s", len, p);
            col += len;
            p += len;
        }
        fprintf(f, "\n\n");
    }
    fprintf(f, "每个命令都接受 (every command takes):\n"
               "  --db FILE|URL   数据库：SQLite 文件或 postgresql:// 地址 (the ledger)\n"
               "  --as USER       以该用户身份操作 (act as this user)\n"
               "  --at TIME       以该时间为“现在” (take this time as now), e.g. 2021-07-31T18:00\n"
               "  --help, -h      本帮助 (this help)\n");
    if (c->cmd_example && *c->cmd_example) {
        fprintf(f, "\n示例 (example):\n");
        for (const char *p = c->cmd_example; *p;) {
            size_t len = strcspn(p, "\n");
            fprintf(f, "  %.*s\n", (int)len, p);
            p += len + (p[len] == '\n');
        }
    }
}

int cli_parse(struct cli *c, int argc, char **argv, const struct opt_spec *spec, struct opts *o,
              struct err *e)
{
    const char *name = argc > 0 ? argv[0] : "";
    if (c->help) {
        cli_help(stdout, c, name, spec);
        c->help_shown = 1;
        return err_set(e, ERR_HELP, "", "help");
    }
    usage_of(usage_line, sizeof(usage_line), name, spec);
    if (opts_parse(argc, argv, spec, o, e) < 0)
        return -1;
    const char *as = opt_get(o, "as"), *at = opt_get(o, "at");
    if (as)
        c->as = as;
    if (at && civil_parse_instant_checked(at, "at", &c->now, e) < 0)
        return -1;
    return 0;
}

int cli_open(struct cli *c, int create, struct err *e)
{
    if (c->open)
        return 0;
    if (!c->db)
        return err_set(e, ERR_INVALID, "db", "no database: give --db FILE");
    if (service_open(&c->svc, c->db, create ? OPEN_CREATE : OPEN_EXISTING, e) < 0)
        return -1;
    c->open = 1;
    if (svc_actor(&c->svc, c->as, &c->who, e) < 0)
        return -1;
    return 0;
}

int cli_fail(const struct err *e)
{
    if (e->code == ERR_HELP)
        return 0;
    int usage = e->code == ERR_INVALID && !e->field[0];
    if (usage && usage_line[0])
        fprintf(stderr, "shishi: %s (用法 usage: %s)\n", e->msg[0] ? e->msg : "failed", usage_line);
    else
        fprintf(stderr, "shishi: %s\n", e->msg[0] ? e->msg : "failed");
    return usage ? 2 : 1;
}

int cli_read_file(const char *path, size_t max, struct buf *out, struct err *e)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f)
        return err_set(e, ERR_IO, "file", "cannot read '%s': %s", path, strerror(errno));
    buf_init(out, max);
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0 && !buf_error(out))
        buf_add(out, chunk, got);
    int failed = ferror(f);
    if (f != stdin)
        fclose(f);
    if (failed)
        return err_set(e, ERR_IO, "file", "cannot read '%s'", path);
    if (buf_error(out))
        return err_set(e, ERR_TOO_BIG, "file", "'%s' is larger than %zu bytes", path, max);
    return 0;
}

void cli_print_json(json_t *j)
{
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    if (s) {
        fputs(s, stdout);
        fputc('\n', stdout);
        free(s);
    }
    json_decref(j);
}

void table_init(struct table *t, int ncols, const char *const *head)
{
    memset(t, 0, sizeof(*t));
    t->ncols = ncols;
    for (int i = 0; i < ncols; i++)
        t->head[i] = head[i];
}

void table_add(struct table *t, const char *const *row)
{
    size_t need = (t->nrows + 1) * (size_t)t->ncols;
    xgrow((void **)&t->cells, &t->cap, need, sizeof(char *));
    for (int i = 0; i < t->ncols; i++)
        t->cells[t->nrows * (size_t)t->ncols + (size_t)i] = xstrdup(row[i] ? row[i] : "");
    t->nrows++;
}

void table_release(struct table *t)
{
    for (size_t i = 0; i < t->nrows * (size_t)t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    memset(t, 0, sizeof(*t));
}

#define COL_MAX 40 /* display columns a table cell may take before it is cut */

static void print_cell(const char *s, size_t width, int last)
{
    size_t fit = utf8_fit(s, COL_MAX);
    fwrite(s, 1, fit, stdout);
    if (last)
        return;
    char tmp[COL_MAX * 4 + 1];
    memcpy(tmp, s, fit);
    tmp[fit] = '\0';
    for (size_t w = utf8_width(tmp); w < width + 2; w++)
        fputc(' ', stdout);
}

void table_print(const struct table *t, const char *format)
{
    if (!strcmp(format, "csv")) {
        struct buf b = BUF_INIT;
        buf_init(&b, 0);
        fputs("\xEF\xBB\xBF", stdout); /* BOM: Excel then reads the file as UTF-8 */
        for (size_t r = 0; r <= t->nrows; r++) {
            buf_reset(&b);
            for (int i = 0; i < t->ncols; i++) {
                if (i)
                    buf_addc(&b, ',');
                buf_add_csv(&b, r ? t->cells[(r - 1) * (size_t)t->ncols + (size_t)i] : t->head[i]);
            }
            buf_adds(&b, "\r\n");
            fputs(b.ptr, stdout);
        }
        buf_release(&b);
        return;
    }
    size_t width[16] = {0};
    for (int i = 0; i < t->ncols; i++)
        width[i] = utf8_width(t->head[i]);
    for (size_t r = 0; r < t->nrows; r++)
        for (int i = 0; i < t->ncols; i++) {
            size_t w = utf8_width(t->cells[r * (size_t)t->ncols + (size_t)i]);
            w = w > COL_MAX ? COL_MAX : w;
            if (w > width[i])
                width[i] = w;
        }
    for (int i = 0; i < t->ncols; i++)
        print_cell(t->head[i], width[i], i == t->ncols - 1);
    fputc('\n', stdout);
    for (size_t r = 0; r < t->nrows; r++) {
        for (int i = 0; i < t->ncols; i++)
            print_cell(t->cells[r * (size_t)t->ncols + (size_t)i], width[i], i == t->ncols - 1);
        fputc('\n', stdout);
    }
}

const char *cli_jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : "";
}

const char *cli_jnum(json_t *o, const char *key, char *buf, size_t size)
{
    json_t *v = json_object_get(o, key);
    if (json_is_integer(v))
        snprintf(buf, size, "%lld", (long long)json_integer_value(v));
    else if (json_is_string(v))
        snprintf(buf, size, "%s", json_string_value(v));
    else
        snprintf(buf, size, "-");
    return buf;
}
