/* cli.h -- the command line: option parsing, the context every command gets, output.
 * Every command prints its result on stdout and returns 0, or prints one line
 * "shishi: <message>" on stderr and returns non-zero (1 refused or invalid, 2 usage). */
#ifndef SHISHI_CLI_H
#define SHISHI_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "service/service.h"
#include "service/view.h"
#include "util/buf.h"

#define OPT_MAX  48
#define ARGS_MAX 8

enum opt_kind { OPT_FLAG, OPT_VALUE, OPT_MULTI };

struct opt_spec {
    const char *name; /* without the leading "--" */
    int kind;
};

struct opts {
    const char *cmd;
    struct {
        const char *name;
        const char *value;
    } v[OPT_MAX];
    int n;
    const char *args[ARGS_MAX];
    int nargs;
};

struct cli {
    /* help: the command's --help (or `help CMD`) was asked for; cli_parse() prints it from
     * the command's option table and these lines of the command table (main.c) */
    int help, help_shown;
    const char *cmd_summary, *cmd_example;
    const char *db;  /* --db */
    const char *as;  /* --as: act as this user */
    int64_t now;     /* --at, or the clock */
    struct service svc;
    struct actor who; /* --as, resolved when the database opens; the system without it */
    int open;
};

/* Options every command accepts besides its own: --as USER, --at TIME. */
#define COMMON_OPTS {"as", OPT_VALUE}, {"at", OPT_VALUE}

/* Parses argv against `spec`; unknown options and missing values are usage errors. */
int opts_parse(int argc, char **argv, const struct opt_spec *spec, struct opts *o,
               struct err *e);
const char *opt_get(const struct opts *o, const char *name);
int opt_flag(const struct opts *o, const char *name);
int opt_all(const struct opts *o, const char *name, const char **out, int max);
/* An integer option within [min, max]; `def` when absent. */
int opt_int(const struct opts *o, const char *name, long min, long max, long def, long *out,
            struct err *e);
/* Output format: table (default), json or csv. */
int opt_format(const struct opts *o, const char *allowed, const char **out, struct err *e);

/* Parses argv and applies the common options to c; 0 on success. */
int cli_parse(struct cli *c, int argc, char **argv, const struct opt_spec *spec, struct opts *o,
              struct err *e);
/* Opens the service on --db (OPEN_EXISTING unless `create`). */
int cli_open(struct cli *c, int create, struct err *e);
/* Prints the error line and returns the exit status for it; a usage error (exit 2) of a
 * command whose options cli_parse() read ends with that command's usage line. ERR_HELP (the
 * help was printed) is exit 0 and prints nothing. */
int cli_fail(const struct err *e);
/* The help of command `name`: its summary, usage (from spec, or none when NULL), options
 * every command takes, and the example. */
void cli_help(FILE *f, const struct cli *c, const char *name, const struct opt_spec *spec);
/* The whole of a file (or stdin for "-") into out, at most max bytes; ERR_IO or ERR_TOO_BIG
 * naming the path. Release out either way. */
int cli_read_file(const char *path, size_t max, struct buf *out, struct err *e);
/* Prints JSON with a newline, and drops the reference. */
void cli_print_json(json_t *j);
/* A JSON member as text for a table cell: a string as is, "" when absent or not a string. */
const char *cli_jstr(json_t *o, const char *key);
/* An integer or string member into buf ("-" when absent); returns buf. */
const char *cli_jnum(json_t *o, const char *key, char *buf, size_t size);

/* A table printed with columns aligned by display width (CJK counts 2). */
struct table {
    int ncols;
    const char *head[16];
    char **cells; /* row-major, owned */
    size_t nrows, cap;
};
void table_init(struct table *t, int ncols, const char *const *head);
void table_add(struct table *t, const char *const *row);
/* format "table" aligns columns, "csv" writes RFC 4180 with a header line. */
void table_print(const struct table *t, const char *format);
void table_release(struct table *t);

/* Command groups; each parses its own options. */
int cmd_init(struct cli *c, int argc, char **argv);
int cmd_unit(struct cli *c, int argc, char **argv);
int cmd_user(struct cli *c, int argc, char **argv);
int cmd_area(struct cli *c, int argc, char **argv);
int cmd_channel(struct cli *c, int argc, char **argv);
int cmd_register(struct cli *c, int argc, char **argv);
int cmd_action(struct cli *c, int argc, char **argv); /* dispatch, accept, ... by argv[0] */
int cmd_show(struct cli *c, int argc, char **argv);
int cmd_duplicates(struct cli *c, int argc, char **argv);
int cmd_reindex(struct cli *c, int argc, char **argv);
int cmd_hotspots(struct cli *c, int argc, char **argv);
int cmd_classify(struct cli *c, int argc, char **argv);
int cmd_learn(struct cli *c, int argc, char **argv);
/* Up to `max` lines "提示: 疑似重复 CODE 0.82（内容相似、同一来电号码）: title". */
void cli_print_dups(FILE *f, const struct dup_list *d, size_t max);
int cmd_list(struct cli *c, int argc, char **argv);
int cmd_report(struct cli *c, int argc, char **argv);
int cmd_audit(struct cli *c, int argc, char **argv);
int cmd_bulletin(struct cli *c, int argc, char **argv);
int cmd_rules(struct cli *c, int argc, char **argv);
int cmd_copy(struct cli *c, int argc, char **argv);
int cmd_backup(struct cli *c, int argc, char **argv);
int cmd_workday(struct cli *c, int argc, char **argv);
int cmd_policy(struct cli *c, int argc, char **argv);
int cmd_calendar(struct cli *c, int argc, char **argv);
int cmd_demo(struct cli *c, int argc, char **argv);
int cmd_serve(struct cli *c, int argc, char **argv);
int cmd_project(struct cli *c, int argc, char **argv);
int cmd_batch(struct cli *c, int argc, char **argv);
int cmd_task(struct cli *c, int argc, char **argv);       /* cli/lists_cmd.c */
int cmd_leader(struct cli *c, int argc, char **argv);     /* cli/lists_cmd.c */
int cmd_enterprise(struct cli *c, int argc, char **argv); /* cli/lists_cmd.c */
int cmd_support(struct cli *c, int argc, char **argv);    /* cli/lists_cmd.c */
int cmd_vote(struct cli *c, int argc, char **argv);

#endif
