/* policy_cmd.c -- `shishi policy`: the policy table (core/policy.c) as a reader sees it.
 * --format markdown prints the table docs/api.md carries (a test holds the two equal). */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "core/policy.h"

#include "util/banned.h"


static void markdown(const struct policy_row *rows, size_t n)
{
    size_t ncol;
    const int *columns = policy_roles(&ncol);
    const int NCOLUMNS = (int)ncol;
    printf("| subject.verb | 含义 |");
    for (int k = 0; k < NCOLUMNS; k++)
        printf(" %s %s |", role_code(columns[k]), role_label(columns[k]));
    printf("\n|---|---|");
    for (int k = 0; k < NCOLUMNS; k++)
        printf("---|");
    printf("\n");
    for (size_t i = 0; i < n; i++) {
        printf("| `%s.%s` | %s |", subject_code(rows[i].subject), rows[i].verb, rows[i].label);
        for (int k = 0; k < NCOLUMNS; k++)
            printf(" %s |", scope_code(rows[i].scope[columns[k]]));
        printf("\n");
    }
}

static void json(const struct policy_row *rows, size_t n)
{
    size_t ncol;
    const int *columns = policy_roles(&ncol);
    const int NCOLUMNS = (int)ncol;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_object(), *sc = json_object();
        json_object_set_new(o, "subject", json_string(subject_code(rows[i].subject)));
        json_object_set_new(o, "verb", json_string(rows[i].verb));
        json_object_set_new(o, "label", json_string(rows[i].label));
        for (int k = 0; k < NCOLUMNS; k++)
            json_object_set_new(sc, role_code(columns[k]),
                                json_string(scope_code(rows[i].scope[columns[k]])));
        json_object_set_new(o, "scopes", sc);
        json_array_append_new(arr, o);
    }
    cli_print_json(arr);
}

int cmd_policy(struct cli *c, int argc, char **argv)
{
    static const struct opt_spec spec[] = {{"format", OPT_VALUE}, {0, 0}};
    struct opts o;
    struct err e = {0};
    const char *format;
    if (cli_parse(c, argc, argv, spec, &o, &e) < 0 ||
        opt_format(&o, "table|markdown|json", &format, &e) < 0)
        return cli_fail(&e);
    size_t n;
    const struct policy_row *rows = policy_rows(&n);
    if (!strcmp(format, "json"))
        json(rows, n);
    else
        markdown(rows, n);
    return 0;
}
