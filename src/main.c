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
    const char *help;    /* one line: what it does, its subcommands or main options */
    const char *example; /* lines of examples for `shishi NAME --help` */
};

static const struct command commands[] = {
    {"init", cmd_init, "create or upgrade the database",
     "shishi --db site.db init"},
    {"demo", cmd_demo, "load the Yongding District demo (永定区) into a new database",
     "shishi --db demo.db demo"},
    {"unit", cmd_unit, "units: add --name N --kind K [--parent P] [--code C] | list",
     "shishi --db demo.db unit add --name 区数据局 --kind department --parent 永定区\nshishi --db demo.db unit list --format json"},
    {"user", cmd_user,
     "users: add --username U --role R [--unit U] [--password-stdin] | list | passwd USER "
     "(stdin) | disable USER | enable USER | set-unit USER --unit U | set-role USER --role R",
     "shishi --db demo.db user add --username zj --name 住建承办 --role handler --unit 区住建局 --password-stdin\nshishi --db demo.db user list"},
    {"area", cmd_area, "focus areas (重点领域): add --name N | list | enable N | disable N",
     "shishi --db demo.db area add --name 停车难\nshishi --db demo.db area list"},
    {"channel", cmd_channel, "channels (渠道): add --name N | list | enable N | disable N",
     "shishi --db demo.db channel add --name 政务服务网 --code web"},
    {"register", cmd_register, "register an appeal (受理): --title --content --channel --kind",
     "shishi --db demo.db --as paidan register --title 路灯不亮 --content 永定路路灯连续三天不亮 --channel 12345热线 --kind 投诉 --phone 13812345678"},
    {"dispatch", cmd_action, "dispatch (交办/改派) CODE --unit U [--assist U]... [--days N|--hours N]",
     "shishi --db demo.db --as paidan dispatch YD202107010001 --unit 区住建局 --days 5"},
    {"redispatch", cmd_action, "re-dispatch (改派) a returned appeal CODE --unit U",
     "shishi --db demo.db --as paidan redispatch YD202107010001 --unit 区城管局"},
    {"accept", cmd_action, "sign for (签收) CODE",
     "shishi --db demo.db --as zhujian accept YD202107010001"},
    {"contact", cmd_action, "the lead unit has reached the caller (联系群众) CODE [--note N]",
     "shishi --db demo.db --as zhujian contact YD202107010001 --note 已电话联系诉求人"},
    {"return", cmd_action, "return (退单) CODE --reason R",
     "shishi --db demo.db --as zhujian return YD202107010001 --reason 不属于本单位职责"},
    {"uphold", cmd_action, "uphold the dispatch after a return (维持交办) CODE --reason R",
     "shishi --db demo.db --as paidan uphold YD202107010001 --reason 属于住建局职责"},
    {"extend", cmd_action, "ask for an extension (申请延期) CODE --days N --reason R",
     "shishi --db demo.db --as zhujian extend YD202107010001 --days 5 --reason 需协调多个部门"},
    {"extend-approve", cmd_action, "approve the extension (批准延期) CODE",
     "shishi --db demo.db --as paidan extend-approve YD202107010001"},
    {"extend-deny", cmd_action, "deny the extension (驳回延期) CODE --reason R",
     "shishi --db demo.db --as paidan extend-deny YD202107010001 --reason 时限内可以办结"},
    {"urge", cmd_action, "urge (催办) CODE [--note N]",
     "shishi --db demo.db --as paidan urge YD202107010001 --note 请尽快办理"},
    {"supervise", cmd_action, "supervise (督办) CODE [--note N]",
     "shishi --db demo.db --as lingdao supervise YD202107010001 --note 区领导督办"},
    {"reply", cmd_action, "reply (答复) CODE --text T [--record R] [--evidence E]...",
     "shishi --db demo.db --as zhujian reply YD202107010001 --text 已更换路灯，恢复照明"},
    {"visit", cmd_action,
     "call back (回访) CODE --solved yes|partly|no --satisfaction 满意|基本满意|不满意",
     "shishi --db demo.db --as paidan visit YD202107010001 --solved yes --satisfaction 满意"},
    {"redo", cmd_action, "send back to redo (重办) CODE --reason R",
     "shishi --db demo.db --as paidan redo YD202107010001 --reason 群众反映仍未解决"},
    {"close", cmd_action, "close out (销号) CODE [--evidence E]...",
     "shishi --db demo.db --as paidan close YD202107010001"},
    {"merge", cmd_action, "merge (并单) CODE --into CODE2",
     "shishi --db demo.db --as paidan merge YD202107010002 --into YD202107010001"},
    {"reject", cmd_action, "reject (不予受理) CODE --reason R",
     "shishi --db demo.db --as paidan reject YD202107010001 --reason 非本区事项"},
    {"show", cmd_show, "one appeal with its history: CODE [--format json] [--unmask]",
     "shishi --db demo.db show YD202107010001\nshishi --db demo.db show YD202107010001 --format json"},
    {"duplicates", cmd_duplicates,
     "likely duplicates (疑似重复) of CODE: same caller, alike text, same address [--format json]",
     "shishi --db demo.db duplicates YD202107010001"},
    {"hotspots", cmd_hotspots,
     "hot spots (热点): --from D --to D [--top N] [--format json], or --tsv FILE of messages",
     "shishi --db demo.db hotspots --from 2021-07-01 --to 2021-07-31 --top 5\nshishi hotspots --tsv hotspot.tsv --top 5"},
    {"classify", cmd_classify,
     "the text classifier: eval --train FILE --test FILE (TSV: id, label, text) [--format json]",
     "shishi classify eval --train train.tsv --test test.tsv"},
    {"learn", cmd_learn, "train the dispatch suggestions (lead unit, focus area) from the ledger",
     "shishi --db demo.db learn"},
    {"reindex", cmd_reindex, "rebuild the text sketches duplicates are found by",
     "shishi --db demo.db reindex"},
    {"list", cmd_list,
     "appeals: [--status S] [--unit U] [--area A] [--channel C] [--overdue] [--suspect] [--from D] [--to D] "
     "[--sort KEY] [--format table|json|csv]",
     "shishi --db demo.db list --status replied --unit 区住建局\nshishi --db demo.db list --overdue --format csv"},
    {"report", cmd_report,
     "report: --from D --to D [--rules N] [--explain RATE [--unit U]] [--format table|json|csv]",
     "shishi --db demo.db report --from 2021-01-01 --to 2021-12-31\nshishi --db demo.db report --from 2021-07-01 --to 2021-07-31 --explain timely_rate --unit 区住建局"},
    {"bulletin", cmd_bulletin,
     "monthly bulletin: --month YYYY-MM --format pdf|html|xlsx|csv --out PATH [--rules N]",
     "shishi --db demo.db bulletin --month 2021-07 --format pdf --out 通报-2021-07.pdf"},
    {"rules", cmd_rules, "assessment rule sets: list | show [N] | add --file F",
     "shishi --db demo.db rules list\nshishi --db demo.db rules show 1"},
    {"audit", cmd_audit, "audit verify: recompute the tamper-evident history",
     "shishi --db demo.db audit verify"},
    {"copy", cmd_copy,
     "copy a site to another database: --from SRC --to DST (migrates both; DST must be new)",
     "shishi copy --from demo.db --to postgresql://shishi@localhost/shishi"},
    {"backup", cmd_backup,
     "online backup of a SQLite database (备份), safe while servers write: --to FILE (new, "
     "or a regular file it replaces); PostgreSQL: use pg_dump",
     "shishi --db site.db backup --to /backup/site-2021-07-31.db\n"
     "shishi --db /backup/site-2021-07-31.db audit verify"},
    {"workday", cmd_workday, "working days: add DATE N | is DATE | count FROM TO",
     "shishi workday add 2021-09-30 5\nshishi workday is 2021-10-09"},
    {"calendar", cmd_calendar, "site calendar: years | set-weekends YEAR | set-day DATE KIND",
     "shishi --db demo.db calendar years\nshishi --db demo.db calendar set-day 2027-01-01 holiday"},
    {"project", cmd_project,
     "实事项目: add | list | show CODE | progress CODE --on D --value V | finish | milestone | link",
     "shishi --db demo.db project list --year 2021\nshishi --db demo.db project show SS2021-001"},
    {"batch", cmd_batch, "分批交办 batches: add --year Y --number N --assigned D [--name N] | list",
     "shishi --db demo.db batch add --year 2021 --number 1 --assigned 2021-03-15 --name 第一批"},
    {"task", cmd_task, "lists (任务清单/问题清单): add|list|show|update|close|verify|reopen",
     "shishi --db demo.db task list --list problem --overdue\nshishi --db demo.db task show WT2021-0001"},
    {"leader", cmd_leader,
     "leaders (包企业): add|list|show|link|unlink|compliance --month M | visit (走访) | visits",
     "shishi --db demo.db leader list\nshishi --db demo.db leader compliance --month 2021-07"},
    {"enterprise", cmd_enterprise, "enterprises (企业/商会): add --name N --kind K | list",
     "shishi --db demo.db enterprise add --name 永定区商会 --kind 商会"},
    {"support", cmd_support, "support units (后盾单位): add --unit U --enterprise E",
     "shishi --db demo.db support add --unit 区住建局 --enterprise 永定区商会"},
    {"vote", cmd_vote,
     "deputies' vote on livelihood projects (人大票决制): create | deputy | candidate | open | ballot | close | show | list",
     "shishi --db demo.db vote list\nshishi --db demo.db vote show RD2021-01"},
    {"policy", cmd_policy, "who may do what: the policy table [--format markdown|json]",
     "shishi policy --format markdown"},
    {"serve", cmd_serve, "the HTTP JSON API, the console and the citizens' page (docs/api.md)",
     "shishi --db demo.db serve --listen 127.0.0.1:8080"},
    {NULL, NULL, NULL, NULL},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: shishi [--db FILE] [--as USER] [--at TIME] <command> [options]\n"
               "       shishi help COMMAND | COMMAND --help | --version | completion bash\n\n");
    for (const struct command *c = commands; c->name; c++)
        fprintf(f, "  %-15s %s\n", c->name, c->help);
}

static const struct command *find_command(const char *name)
{
    for (const struct command *cmd = commands; cmd->name; cmd++)
        if (!strcmp(cmd->name, name))
            return cmd;
    return NULL;
}

/* Whether the words after a command ask for its help: --help or -h anywhere before a "--",
 * or "help" as its first word (`shishi project help`). */
static int wants_help(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "help"))
        return 1;
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return 1;
    return 0;
}

/* Runs cmd for its help: the command prints it from its own option table when it reads its
 * options (cli_parse); one that never gets that far gets the table's lines alone. */
static int command_help(struct cli *c, const struct command *cmd, int argc, char **argv)
{
    c->help = 1;
    c->cmd_summary = cmd->help;
    c->cmd_example = cmd->example;
    int rc = cmd->fn(c, argc, argv);
    if (!c->help_shown)
        cli_help(stdout, c, cmd->name, NULL);
    (void)rc;
    return 0;
}

/* A bash completion script: command names from the table above, and each command's options
 * read, when completing, from its own --help (so they never drift from its option table). */
static void completion_bash(void)
{
    printf("# bash completion for shishi: eval \"$(shishi completion bash)\"\n"
           "_shishi() {\n"
           "    local cur=${COMP_WORDS[COMP_CWORD]} cmd= i\n"
           "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
           "        case ${COMP_WORDS[i]} in\n"
           "        --db|--as|--at) ((i++)) ;;\n"
           "        -*) ;;\n"
           "        *) cmd=${COMP_WORDS[i]}; break ;;\n"
           "        esac\n"
           "    done\n"
           "    if [ -z \"$cmd\" ]; then\n"
           "        if [[ $cur == -* ]]; then\n"
           "            COMPREPLY=($(compgen -W '--db --as --at --help --version' -- \"$cur\"))\n"
           "        else\n"
           "            COMPREPLY=($(compgen -W '");
    for (const struct command *c = commands; c->name; c++)
        printf("%s ", c->name);
    printf("help completion' -- \"$cur\"))\n"
           "        fi\n"
           "    elif [[ $cur == -* ]]; then\n"
           "        COMPREPLY=($(compgen -W \"$(\"${COMP_WORDS[0]}\" \"$cmd\" --help 2>/dev/null |"
           " grep -o -- '--[a-z][a-z-]*' | sort -u)\" -- \"$cur\"))\n"
           "    else\n"
           "        COMPREPLY=($(compgen -f -- \"$cur\"))\n"
           "    fi\n"
           "}\n"
           "complete -F _shishi shishi\n");
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
        if (!strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        }
        if (!strcmp(a, "--version")) {
            printf("shishi %s\n", SHISHI_VERSION);
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
            fprintf(stderr, "shishi: unknown option '%s' (see 'shishi --help')\n", a);
            return 2;
        }
    }
    if (i < argc && !strcmp(argv[i], "-h")) {
        usage(stdout);
        return 0;
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    const char *name = argv[i];
    if (!strcmp(name, "version")) {
        printf("shishi %s\n", SHISHI_VERSION);
        return 0;
    }
    if (!strcmp(name, "completion")) {
        if (i + 1 < argc && !strcmp(argv[i + 1], "bash")) {
            completion_bash();
            return 0;
        }
        fprintf(stderr, "shishi: usage: shishi completion bash\n");
        return 2;
    }
    if (!strcmp(name, "help")) {
        if (i + 1 >= argc) {
            usage(stdout);
            return 0;
        }
        i++;
        const struct command *cmd = find_command(argv[i]);
        if (!cmd) {
            fprintf(stderr, "shishi: unknown command '%s' (see 'shishi --help')\n", argv[i]);
            return 2;
        }
        return command_help(&c, cmd, argc - i, argv + i);
    }
    const struct command *cmd = find_command(name);
    if (!cmd) {
        fprintf(stderr, "shishi: unknown command '%s' (see 'shishi --help')\n", name);
        return 2;
    }
    int rc = wants_help(argc - i, argv + i) ? command_help(&c, cmd, argc - i, argv + i)
                                             : cmd->fn(&c, argc - i, argv + i);
    if (c.open)
        service_close(&c.svc);
    return rc;
}
