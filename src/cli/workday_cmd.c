/* workday_cmd.c -- working-day questions (workday) and the site calendar (calendar).
 * `workday` works without a database from the holiday notices built into the program; with
 * --db it also sees the site's own calendar entries. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "util/civil.h"

#include "util/banned.h"

static int load_calendar(struct cli *c, struct calendar *own, const struct calendar **cal,
                         struct err *e)
{
    if (c->db) {
        if (cli_open(c, 0, e) < 0)
            return -1;
        *cal = &c->svc.cal;
        return 0;
    }
    calendar_init(own);
    *cal = own;
    return calendar_load_embedded(own, e);
}

static int parse_n(const char *s, int *n, struct err *e)
{
    long v;
    if (text_whole(s, -3660, 3660, &v) < 0)
        return err_set(e, ERR_INVALID, "n", "bad number of working days '%s' (-3660..3660)", s);
    *n = (int)v;
    return 0;
}

/* The answer is still printed alone on stdout; a year without its notice is said on stderr. */
static void warn_provisional(const struct calendar *cal, int64_t from, int64_t to)
{
    int64_t d = calendar_is_provisional(cal, from) ? from : to;
    if (!calendar_is_provisional(cal, d))
        return;
    char s[11];
    civil_format_date(d, s);
    fprintf(stderr,
            "shishi: 注意: %.4s 年的国务院放假通知尚未收录, 按法定节假日暂定计算, 未含调休 "
            "(provisional calendar: statutory holidays only)\n",
            s);
}

int cmd_workday(struct cli *c, int argc, char **argv)
{
    static const struct opt_spec spec[] = {COMMON_OPTS, {0, 0}};
    struct opts o;
    struct err e = {0};
    struct calendar own;
    const struct calendar *cal = NULL;
    int rc = 1;
    memset(&own, 0, sizeof(own));
    if (cli_parse(c, argc, argv, spec, &o, &e) < 0)
        return cli_fail(&e);
    const char *sub = o.nargs ? o.args[0] : "";
    int64_t d1, d2, out;
    int n;
    if (!strcmp(sub, "add") && o.nargs == 3) {
        if (civil_parse_date_checked(o.args[1], &d1, &e) < 0 || parse_n(o.args[2], &n, &e) < 0 ||
            load_calendar(c, &own, &cal, &e) < 0 || calendar_add_workdays(cal, d1, n, &out, &e) < 0)
            goto fail;
        char s[11];
        civil_format_date(out, s);
        printf("%s\n", s);
        warn_provisional(cal, d1, out);
    } else if (!strcmp(sub, "is") && o.nargs == 2) {
        int work;
        if (civil_parse_date_checked(o.args[1], &d1, &e) < 0 ||
            load_calendar(c, &own, &cal, &e) < 0 || calendar_is_workday(cal, d1, &work, &e) < 0)
            goto fail;
        const struct cal_day *day = calendar_find(cal, d1);
        printf("%s %s%s%s\n", o.args[1], work ? "workday 工作日" : "holiday 休息日",
               day ? " " : "", day ? day->name : "");
        warn_provisional(cal, d1, d1);
    } else if (!strcmp(sub, "count") && o.nargs == 3) {
        if (civil_parse_date_checked(o.args[1], &d1, &e) < 0 ||
            civil_parse_date_checked(o.args[2], &d2, &e) < 0 ||
            load_calendar(c, &own, &cal, &e) < 0 || calendar_count_workdays(cal, d1, d2, &n, &e) < 0)
            goto fail;
        printf("%d\n", n);
        warn_provisional(cal, d1, d2);
    } else {
        err_set(&e, ERR_INVALID, "",
                "usage: shishi workday add DATE N | is DATE | count FROM TO");
        goto fail;
    }
    rc = 0;
    goto out;
fail:
    rc = cli_fail(&e);
out:
    if (cal == &own)
        calendar_release(&own);
    return rc;
}

int cmd_calendar(struct cli *c, int argc, char **argv)
{
    static const struct opt_spec spec[] = {COMMON_OPTS, {"name", OPT_VALUE}, {0, 0}};
    struct opts o;
    struct err e = {0};
    if (cli_parse(c, argc, argv, spec, &o, &e) < 0 || cli_open(c, 0, &e) < 0)
        return cli_fail(&e);
    const char *sub = o.nargs ? o.args[0] : "years";
    if (!strcmp(sub, "years") && o.nargs <= 1) {
        for (int y = CAL_MIN_YEAR; y <= CAL_MAX_YEAR; y++) {
            int m = calendar_year_mode(&c->svc.cal, y);
            if (m != CAL_YEAR_NONE)
                printf("%d %s\n", y,
                       m == CAL_YEAR_OFFICIAL      ? "official 国务院通知"
                       : m == CAL_YEAR_PROVISIONAL ? "provisional 暂定(法定节假日, 待国务院通知)"
                                                   : "weekends-only 仅周末");
        }
        return 0;
    }
    if (!strcmp(sub, "set-weekends") && o.nargs == 2) {
        long y;
        if (text_whole(o.args[1], CAL_MIN_YEAR, CAL_MAX_YEAR, &y) < 0) {
            err_set(&e, ERR_INVALID, "year", "bad year '%s'", o.args[1]);
            return cli_fail(&e);
        }
        if (svc_calendar_set_weekends(&c->svc, &c->who, (int)y, &e) < 0)
            return cli_fail(&e);
        printf("year %ld set to weekends-only\n", y);
        return 0;
    }
    if (!strcmp(sub, "set-day") && o.nargs == 3) {
        const char *name = opt_get(&o, "name") ? opt_get(&o, "name") : "";
        if (svc_calendar_set_day(&c->svc, &c->who, o.args[1], o.args[2], name, &e) < 0)
            return cli_fail(&e);
        printf("%s set to %s\n", o.args[1], o.args[2]);
        return 0;
    }
    err_set(&e, ERR_INVALID, "",
            "usage: shishi --db FILE calendar years | set-weekends YEAR | set-day DATE "
            "holiday|workday [--name NAME]");
    return cli_fail(&e);
}
