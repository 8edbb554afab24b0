/* demo_cmd.c -- `demo`: the Yongding District demo in a new database. */
#include "cli/cli.h"

#include <stdio.h>

#include "util/banned.h"


int cmd_demo(struct cli *c, int argc, char **argv)
{
    static const struct opt_spec spec[] = {COMMON_OPTS, {0, 0}};
    struct opts o;
    struct err e = {0};
    if (cli_parse(c, argc, argv, spec, &o, &e) < 0 || cli_open(c, 1, &e) < 0 ||
        svc_demo(&c->svc, &e) < 0)
        return cli_fail(&e);
    printf("demo: 永定区 loaded into %s\n", c->db);
    return 0;
}
