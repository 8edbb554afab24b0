/* vote_cmd.c -- `shishi vote ...`: the deputies' vote on livelihood projects (人大票决制). */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "service/vote.h"
#include "util/buf.h"
#include "util/xalloc.h"

#include "util/banned.h"

#define BALLOT_FILE_MAX (4 << 20)
#define BALLOTS_MAX     100000

static int need_code(const struct opts *o, const char *sub, struct err *e)
{
    if (o->nargs != 2)
        return err_set(e, ERR_INVALID, "", "vote %s needs the session code: vote %s CODE", sub,
                       sub);
    return 0;
}

/* One candidate's outcome in words. */
static const char *verdict(json_t *c)
{
    if (json_is_true(json_object_get(c, "chosen")))
        return "入选";
    if (json_is_true(json_object_get(c, "tied")))
        return "平票，需另行表决";
    if (json_is_true(json_object_get(c, "passed")))
        return "通过，超出名额";
    return "未通过";
}

static void print_session(json_t *j)
{
    printf("%s %s (%s, %s) 代表 %lld 人", cli_jstr(j, "code"),
           cli_jstr(j, "title"),
           cli_jstr(j, "state_label"),
           cli_jstr(j, "state"),
           (long long)json_integer_value(json_object_get(j, "roster")));
    const char *outcome = cli_jstr(j, "outcome");
    printf("%s%s\n", *outcome ? " -- " : "", outcome);
    static const char *const head[] = {"序号", "项目", "赞成", "反对",
                                       "弃权", "排名", "结果", "项目编号"};
    struct table t;
    table_init(&t, 8, head);
    json_t *cands = json_object_get(j, "candidates");
    size_t i;
    json_t *c;
    json_array_foreach(cands, i, c)
    {
        char seq[24], yes[24], no[24], ab[24], rank[24];
        cli_jnum(c, "seq", seq, sizeof(seq));
        cli_jnum(c, "yes", yes, sizeof(yes));
        cli_jnum(c, "no", no, sizeof(no));
        cli_jnum(c, "abstain", ab, sizeof(ab));
        long long r = (long long)json_integer_value(json_object_get(c, "rank"));
        snprintf(rank, sizeof(rank), r ? "%lld" : "-", r);
        int closed = !strcmp(cli_jstr(j, "state"), "closed");
        const char *project = cli_jstr(c, "project");
        const char *row[] = {seq,
                             cli_jstr(c, "title"),
                             yes,
                             no,
                             ab,
                             rank,
                             closed ? verdict(c) : "-",
                             project};
        table_add(&t, row);
    }
    table_print(&t, "table");
    table_release(&t);
}

static int show(struct cli *c, const struct actor *who, const char *code, const char *format,
                int history)
{
    struct err e = {0};
    json_t *j = svc_vote_json(&c->svc, who, code, history, &e);
    if (!j)
        return cli_fail(&e);
    if (!strcmp(format, "json")) {
        cli_print_json(j);
        return 0;
    }
    print_session(j);
    json_decref(j);
    return 0;
}

static int list(struct cli *c, const struct actor *who, const char *format)
{
    struct err e = {0};
    json_t *arr = svc_vote_list_json(&c->svc, who, &e);
    if (!arr)
        return cli_fail(&e);
    if (!strcmp(format, "json")) {
        cli_print_json(arr);
        return 0;
    }
    static const char *const head[] = {"编号", "名称", "年度", "状态", "代表", "候选", "入选"};
    struct table t;
    table_init(&t, 7, head);
    size_t i;
    json_t *s;
    json_array_foreach(arr, i, s)
    {
        char year[24], roster[24], cands[24], chosen[24];
        snprintf(year, sizeof(year), "%lld",
                 (long long)json_integer_value(json_object_get(s, "year")));
        snprintf(roster, sizeof(roster), "%lld",
                 (long long)json_integer_value(json_object_get(s, "roster")));
        snprintf(cands, sizeof(cands), "%lld",
                 (long long)json_integer_value(json_object_get(s, "candidates")));
        snprintf(chosen, sizeof(chosen), "%lld",
                 (long long)json_integer_value(json_object_get(s, "chosen")));
        const char *row[] = {cli_jstr(s, "code"),
                             cli_jstr(s, "title"),
                             year,
                             cli_jstr(s, "state_label"),
                             roster,
                             cands,
                             chosen};
        table_add(&t, row);
    }
    table_print(&t, "table");
    table_release(&t);
    json_decref(arr);
    return 0;
}

/* Reads the ballot file (deputy,candidate,choice per line; a first line starting "deputy" or
 * "代表" is a header) into b, pointing into text. Errors name the line. */
static int read_ballots(const char *path, struct buf *text, struct vote_ballot_req **out, size_t *n,
                        int **lines, struct err *e)
{
    if (cli_read_file(path, BALLOT_FILE_MAX, text, e) < 0)
        return -1;
    size_t cap = 0, capl = 0;
    *out = NULL;
    *lines = NULL;
    *n = 0;
    int line = 0;
    for (char *p = text->ptr; p && *p;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        line++;
        char *cur = p;
        p = nl ? nl + 1 : NULL;
        cur[strcspn(cur, "\r")] = '\0';
        if (line == 1 && !strncmp(cur, "\xEF\xBB\xBF", 3))
            cur += 3;
        if (!*cur)
            continue;
        if (line == 1 && (!strncmp(cur, "deputy", 6) || !strncmp(cur, "代表", 6)))
            continue;
        char *f1 = strchr(cur, ','), *f2 = f1 ? strchr(f1 + 1, ',') : NULL;
        if (!f1 || !f2 || strchr(f2 + 1, ','))
            return err_set(e, ERR_INVALID, "file", "%s line %d: expected deputy,candidate,choice",
                           path, line);
        *f1 = *f2 = '\0';
        long seq;
        if (text_whole(f1 + 1, 1, 1000000, &seq) < 0)
            return err_set(e, ERR_INVALID, "file", "%s line %d: candidate '%s' is not a number",
                           path, line, f1 + 1);
        if (*n >= BALLOTS_MAX)
            return err_set(e, ERR_TOO_BIG, "file", "%s: more than %d ballots", path, BALLOTS_MAX);
        xgrow((void **)out, &cap, *n + 1, sizeof(**out));
        xgrow((void **)lines, &capl, *n + 1, sizeof(**lines));
        (*out)[*n] = (struct vote_ballot_req){cur, seq, f2 + 1};
        (*lines)[*n] = line;
        (*n)++;
    }
    if (*n == 0)
        return err_set(e, ERR_INVALID, "file", "%s holds no ballot", path);
    return 0;
}

static int ballot(struct cli *c, const struct actor *who, const struct opts *o, const char *code)
{
    struct err e = {0};
    const char *path = opt_get(o, "file");
    if (path) {
        struct buf text = BUF_INIT;
        struct vote_ballot_req *b = NULL;
        int *lines = NULL;
        size_t n = 0, bad = (size_t)-1;
        int rc = 0;
        if (read_ballots(path, &text, &b, &n, &lines, &e) < 0) {
            rc = cli_fail(&e);
        } else if (svc_vote_ballots(&c->svc, who, code, b, n, c->now, &bad, &e) < 0) {
            if (bad < n) {
                struct err inner = e;
                err_set(&e, inner.code, inner.field, "%s line %d: %s; no ballot recorded", path,
                        lines[bad], inner.msg);
            }
            rc = cli_fail(&e);
        } else {
            printf("%zu ballots recorded in vote session %s\n", n, code);
        }
        free(b);
        free(lines);
        buf_release(&text);
        return rc;
    }
    long seq;
    if (!opt_get(o, "deputy") || !opt_get(o, "candidate") || !opt_get(o, "choice")) {
        err_set(
            &e, ERR_INVALID, "",
            "vote ballot needs --deputy N --candidate SEQ --choice 赞成|反对|弃权, or --file F.csv");
        return cli_fail(&e);
    }
    if (opt_int(o, "candidate", 1, 1000000, 0, &seq, &e) < 0)
        return cli_fail(&e);
    struct vote_ballot_req b = {opt_get(o, "deputy"), seq, opt_get(o, "choice")};
    if (svc_vote_ballots(&c->svc, who, code, &b, 1, c->now, NULL, &e) < 0)
        return cli_fail(&e);
    printf("ballot of %s on candidate %ld recorded in vote session %s\n", b.deputy, seq, code);
    return 0;
}

int cmd_vote(struct cli *c, int argc, char **argv)
{
    static const struct opt_spec spec[] = {COMMON_OPTS,
                                           {"code", OPT_VALUE},
                                           {"title", OPT_VALUE},
                                           {"year", OPT_VALUE},
                                           {"rule", OPT_VALUE},
                                           {"max-select", OPT_VALUE},
                                           {"quorum", OPT_VALUE},
                                           {"name", OPT_MULTI},
                                           {"area", OPT_VALUE},
                                           {"unit", OPT_VALUE},
                                           {"measure", OPT_VALUE},
                                           {"target", OPT_VALUE},
                                           {"budget", OPT_VALUE},
                                           {"deputy", OPT_VALUE},
                                           {"candidate", OPT_VALUE},
                                           {"choice", OPT_VALUE},
                                           {"file", OPT_VALUE},
                                           {"format", OPT_VALUE},
                                           {"history", OPT_FLAG},
                                           {0, 0}};
    struct opts o;
    struct err e = {0};
    struct actor who;
    const char *format;
    if (cli_parse(c, argc, argv, spec, &o, &e) < 0 || opt_format(&o, "table|json", &format, &e) < 0)
        return cli_fail(&e);
    const char *sub = o.nargs ? o.args[0] : "";
    const char *code = o.nargs > 1 ? o.args[1] : NULL;
    if (!strcmp(sub, "list")) {
        if (cli_open(c, 0, &e) < 0 || svc_actor(&c->svc, c->as, &who, &e) < 0)
            return cli_fail(&e);
        return list(c, &who, format);
    }
    if (!strcmp(sub, "create")) {
        long year, max_select, quorum;
        if (opt_int(&o, "year", 2000, 2100, 0, &year, &e) < 0 ||
            opt_int(&o, "max-select", 0, 1000, 0, &max_select, &e) < 0 ||
            opt_int(&o, "quorum", 0, 100000, 0, &quorum, &e) < 0)
            return cli_fail(&e);
        if (!opt_get(&o, "code") || !opt_get(&o, "title") || !opt_get(&o, "year")) {
            err_set(&e, ERR_INVALID, "", "vote create needs --code C --title T --year Y");
            return cli_fail(&e);
        }
        struct vote_req q = {
            opt_get(&o, "code"), opt_get(&o, "title"), (int)year, opt_get(&o, "rule"),
            (int)max_select,     (int)quorum,          c->now};
        int64_t id;
        if (cli_open(c, 0, &e) < 0 || svc_actor(&c->svc, c->as, &who, &e) < 0 ||
            svc_vote_create(&c->svc, &who, &q, &id, &e) < 0)
            return cli_fail(&e);
        printf("vote session %s created (筹备 draft)\n", q.code);
        return 0;
    }
    static const char *const subs[] = {
        "deputy",
        "candidate",
        "open",
        "ballot",
        "close",
        "show",
        "adopt",
        NULL
    };
    int known = 0;
    for (int i = 0; subs[i]; i++)
        known |= !strcmp(sub, subs[i]);
    if (!known) {
        if (*sub)
            err_set(&e, ERR_INVALID, "",
                    "unknown subcommand 'vote %s' (create, deputy, candidate, open, ballot, "
                    "close, show, list)",
                    sub);
        else
            err_set(&e, ERR_INVALID, "",
                    "vote needs a subcommand: create, deputy, candidate, open, ballot, close, "
                    "show, list (docs/votes.md)");
        return cli_fail(&e);
    }
    if (need_code(&o, sub, &e) < 0 || cli_open(c, 0, &e) < 0 ||
        svc_actor(&c->svc, c->as, &who, &e) < 0)
        return cli_fail(&e);
    if (!strcmp(sub, "show"))
        return show(c, &who, code, format, opt_flag(&o, "history"));
    if (!strcmp(sub, "ballot"))
        return ballot(c, &who, &o, code);
    if (!strcmp(sub, "deputy")) {
        const char *names[VOTE_MAX_NAMES];
        int n = opt_all(&o, "name", names, VOTE_MAX_NAMES);
        if (n == 0) {
            err_set(&e, ERR_INVALID, "", "vote deputy needs --name N (repeat for more)");
            return cli_fail(&e);
        }
        if (svc_vote_deputies(&c->svc, &who, code, names, n, c->now, &e) < 0)
            return cli_fail(&e);
        printf("%d deput%s added to vote session %s\n", n, n == 1 ? "y" : "ies", code);
        return 0;
    }
    if (!strcmp(sub, "candidate")) {
        struct vote_candidate_req q = {opt_get(&o, "title"),
                                       opt_get(&o, "area"),
                                       opt_get(&o, "unit"),
                                       opt_get(&o, "measure"),
                                       opt_get(&o, "target"),
                                       opt_get(&o, "budget"),
                                       c->now};
        int64_t seq;
        if (svc_vote_candidate(&c->svc, &who, code, &q, &seq, &e) < 0)
            return cli_fail(&e);
        printf("candidate %lld %s added to vote session %s\n", (long long)seq, q.title, code);
        return 0;
    }
    if (!strcmp(sub, "open")) {
        if (svc_vote_open(&c->svc, &who, code, c->now, &e) < 0)
            return cli_fail(&e);
        printf("vote session %s is open (投票中)\n", code);
        return 0;
    }
    if (!strcmp(sub, "close")) {
        struct vote_tally t;
        if (svc_vote_close(&c->svc, &who, code, c->now, &t, &e) < 0)
            return cli_fail(&e);
        return show(c, &who, code, format, 0);
    }
    if (!strcmp(sub, "adopt")) {
        int n;
        if (svc_vote_adopt(&c->svc, &who, code, c->now, &n, &e) < 0)
            return cli_fail(&e);
        printf("%d project%s adopted from vote session %s\n", n, n == 1 ? "" : "s", code);
        return 0;
    }
    return 0;
}
