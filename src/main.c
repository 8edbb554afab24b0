/* main.c -- subcommand dispatch only. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "util/civil.h"

#include "util/banned.h"

struct command {
    const char *name;
    int (*fn)(struct cli *c, int argc, char **argv);
    const char *help;
};

static const struct command commands[] = {
    {"init", cmd_init, "create or upgrade the database"},
    {"demo", cmd_demo, "load the Yongding District demo (永定区) into a new database"},
    {"unit", cmd_unit, "units: add --name N --kind K [--parent P] [--code C] | list"},
    {"user", cmd_user,
     "users: add --username U --role R [--unit U] [--password-stdin] | list | passwd USER "
     "(stdin) | disable USER | enable USER | set-unit USER --unit U | set-role USER --role R"},
    {"area", cmd_area, "focus areas (重点领域): add --name N | list | enable N | disable N"},
    {"channel", cmd_channel, "channels (渠道): add --name N | list | enable N | disable N"},
    {"register", cmd_register, "register an appeal (受理): --title --content --channel --kind"},
    {"dispatch", cmd_action, "dispatch (交办/改派) CODE --unit U [--assist U]... [--days N|--hours N]"},
    {"redispatch", cmd_action, "re-dispatch (改派) a returned appeal CODE --unit U"},
    {"accept", cmd_action, "sign for (签收) CODE"},
    {"contact", cmd_action, "the lead unit has reached the caller (联系群众) CODE [--note N]"},
    {"return", cmd_action, "return (退单) CODE --reason R"},
    {"uphold", cmd_action, "uphold the dispatch after a return (维持交办) CODE --reason R"},
    {"extend", cmd_action, "ask for an extension (申请延期) CODE --days N --reason R"},
    {"extend-approve", cmd_action, "approve the extension (批准延期) CODE"},
    {"extend-deny", cmd_action, "deny the extension (驳回延期) CODE --reason R"},
    {"urge", cmd_action, "urge (催办) CODE [--note N]"},
    {"supervise", cmd_action, "supervise (督办) CODE [--note N]"},
    {"reply", cmd_action, "reply (答复) CODE --text T [--record R] [--evidence E]..."},
    {"visit", cmd_action,
     "call back (回访) CODE --solved yes|partly|no --satisfaction 满意|基本满意|不满意"},
    {"redo", cmd_action, "send back to redo (重办) CODE --reason R"},
    {"close", cmd_action, "close out (销号) CODE [--evidence E]..."},
    {"merge", cmd_action, "merge (并单) CODE --into CODE2"},
    {"reject", cmd_action, "reject (不予受理) CODE --reason R"},
    {"show", cmd_show, "one appeal with its history: CODE [--format json] [--unmask]"},
    {"duplicates", cmd_duplicates,
     "likely duplicates (疑似重复) of CODE: same caller, alike text, same address [--format json]"},
    {"hotspots", cmd_hotspots,
     "hot spots (热点): --from D --to D [--top N] [--format json], or --tsv FILE of messages"},
    {"classify", cmd_classify,
     "the text classifier: eval --train FILE --test FILE (TSV: id, label, text) [--format json]"},
    {"learn", cmd_learn, "train the dispatch suggestions (lead unit, focus area) from the ledger"},
    {"reindex", cmd_reindex, "rebuild the text sketches duplicates are found by"},
    {"list", cmd_list,
     "appeals: [--status S] [--unit U] [--area A] [--channel C] [--overdue] [--suspect] [--from D] [--to D] "
     "[--sort KEY] [--format table|json|csv]"},
    {"report", cmd_report,
     "report: --from D --to D [--rules N] [--explain RATE [--unit U]] [--format table|json|csv]"},
    {"bulletin", cmd_bulletin,
     "monthly bulletin: --month YYYY-MM --format pdf|html|xlsx|csv --out PATH [--rules N]"},
    {"rules", cmd_rules, "assessment rule sets: list | show [N] | add --file F"},
    {"audit", cmd_audit, "audit verify: recompute the tamper-evident history"},
    {"copy", cmd_copy,
     "copy a site to another database: --from SRC --to DST (migrates both; DST must be new)"},
    {"backup", cmd_backup,
     "online backup of a SQLite database (备份), safe while servers write: --to FILE (new, "
     "or a regular file it replaces); PostgreSQL: use pg_dump"},
    {"workday", cmd_workday, "working days: add DATE N | is DATE | count FROM TO"},
    {"calendar", cmd_calendar, "site calendar: years | set-weekends YEAR | set-day DATE KIND"},
    {"project", cmd_project,
     "实事项目: add | list | show CODE | progress CODE --on D --value V | finish | milestone | link"},
    {"batch", cmd_batch, "分批交办 batches: add --year Y --number N --assigned D [--name N] | list"},
    {"task", cmd_task, "lists (任务清单/问题清单): add|list|show|update|close|verify|reopen"},
    {"leader", cmd_leader,
     "leaders (包企业): add|list|show|link|unlink|compliance --month M | visit (走访) | visits"},
    {"enterprise", cmd_enterprise, "enterprises (企业/商会): add --name N --kind K | list"},
    {"support", cmd_support, "support units (后盾单位): add --unit U --enterprise E"},
    {"vote", cmd_vote,
     "deputies' vote on livelihood projects (人大票决制): create | deputy | candidate | open | ballot | close | show | list"},
    {"policy", cmd_policy, "who may do what: the policy table [--format markdown|json]"},
    {"serve", cmd_serve, "HTTP JSON API: [--listen 127.0.0.1:8080] [--threads N] [--trusted-proxy ADDR] "
                         "[--quiet]"},
    {NULL, NULL, NULL},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: shishi [--db FILE] [--as USER] [--at TIME] <command> [options]\n\n");
    for (const struct command *c = commands; c->name; c++)
        fprintf(f, "  %-15s %s\n", c->name, c->help);
}

int main(int argc, char **argv)
{
    struct cli c;
    struct err e = {0};
    memset(&c, 0, sizeof(c));
    c.now = (int64_t)time(NULL);
    int i = 1;
    for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "shishi: option '%s' needs a value\n", a);
            return 2;
        }
        if (!strcmp(a, "--db")) {
            c.db = argv[++i];
        } else if (!strcmp(a, "--as")) {
            c.as = argv[++i];
        } else if (!strcmp(a, "--at")) {
            if (civil_parse_instant_checked(argv[++i], "at", &c.now, &e) < 0)
                return cli_fail(&e);
        } else {
            fprintf(stderr, "shishi: unknown option '%s'\n", a);
            return 2;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    int rc = -1;
    for (const struct command *cmd = commands; cmd->name; cmd++)
        if (!strcmp(cmd->name, argv[i])) {
            rc = cmd->fn(&c, argc - i, argv + i);
            break;
        }
    if (rc == -1) {
        fprintf(stderr, "shishi: unknown command '%s' (see 'shishi --help')\n", argv[i]);
        rc = 2;
    }
    if (c.open)
        service_close(&c.svc);
    return rc;
}
