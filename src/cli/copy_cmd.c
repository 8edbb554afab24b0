/* copy_cmd.c -- `copy --from SRC --to DST`: moves a whole site to another database; and
 * `backup --to FILE`: an online copy of a SQLite database. */
#include "cli/cli.h"

#include <stdio.h>

#include "util/banned.h"

int cmd_copy(struct cli *c, int argc, char **argv)
{
    static const struct opt_spec spec[] = {
        COMMON_OPTS, {"from", OPT_VALUE}, {"to", OPT_VALUE}, {0, 0}};
    struct opts o;
    struct err e = {0};
    if (cli_parse(c, argc, argv, spec, &o, &e) < 0)
        return cli_fail(&e);
    const char *from = opt_get(&o, "from"), *to = opt_get(&o, "to");
    if (!from || !to) {
        fprintf(stderr, "shishi: copy needs --from SRC and --to DST (a file or a "
                        "postgresql:// URL)\n");
        return 2;
    }
    struct copy_result res;
    if (svc_copy(from, to, &res, &e) < 0)
        return cli_fail(&e);
    struct table t;
    static const char *const head[] = {"table", "rows"};
    table_init(&t, 2, head);
    for (int i = 0; i < res.ntables; i++) {
        char n[24];
        snprintf(n, sizeof(n), "%lld", (long long)res.tables[i].rows);
        const char *cells[] = {res.tables[i].name, n};
        table_add(&t, cells);
    }
    table_print(&t, "table");
    table_release(&t);
    printf("copy ok: %lld events chained, %lld appeals match their history\n",
           (long long)res.events, (long long)res.appeals);
    return 0;
}

int cmd_backup(struct cli *c, int argc, char **argv)
{
    static const struct opt_spec spec[] = {COMMON_OPTS, {"to", OPT_VALUE}, {0, 0}};
    struct opts o;
    struct err e = {0};
    if (cli_parse(c, argc, argv, spec, &o, &e) < 0)
        return cli_fail(&e);
    const char *to = opt_get(&o, "to");
    if (!to || !*to || o.nargs) {
        err_set(&e, ERR_INVALID, "", "备份需要 --to FILE (usage: shishi --db FILE backup --to FILE)");
        return cli_fail(&e);
    }
    if (cli_open(c, 0, &e) < 0 || svc_backup(&c->svc, to, &e) < 0)
        return cli_fail(&e);
    printf("backup ok: %s\n", to);
    return 0;
}
