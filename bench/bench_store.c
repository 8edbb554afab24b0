/* bench_store.c -- how fast the store is, as ratios against plain SQLite measured in the
 * same run (bench/README.md says how to read them).
 *
 *   A  shishi: N appeals registered and dispatched through svc_register() and svc_act(),
 *      one transaction per use case; then the same N inside one outer transaction.
 *   B  reference: the same rows (appeal, lead unit, two events) written with plain prepared
 *      SQLite statements into the same schema, one transaction per appeal; then batched.
 *   C  the report: svc_report() over a year of M appeals against a plain SQL aggregate of
 *      the same figures over the same rows.
 * --make-report-db PATH builds only C's database, at PATH, and keeps it (bench_bulletin.sh
 * times `shishi bulletin` on it).
 *
 * With --pg-base URL, A, B and C run on PostgreSQL instead: every variant gets a fresh
 * database of its own (CREATE DATABASE through BASE/postgres, dropped at the end), the
 * reference writes its rows with prepared libpq statements (the same statements
 * bench/bench_pg.sh gives pgbench), and the report database is filled with COPY.
 *
 * Invariant: every variant starts from a fresh database made by store_migrate(), so the
 * schema, indexes, triggers and pragmas are the ones the program uses. Data come from a
 * fixed seed: two runs write the same rows. Not part of the test run (EXCLUDE_FROM_ALL). */
#include <errno.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/report.h"
#include "service/service.h"
#include "store/store.h"
#include "util/civil.h"
#include "util/xalloc.h"

#include "util/banned.h" /* last */

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#define SEED        20250101u
#define YEAR        2025
#define REPORT_RUNS 3
#define MAX_FILES   16

enum variant_flags {
    V_SHISHI_TX = 1 << 0,
    V_SHISHI_BATCH = 1 << 1,
    V_RAW_TX = 1 << 2,
    V_RAW_BATCH = 1 << 3,
    V_ALL = (1 << 4) - 1,
};

struct opts {
    long appeals, report_appeals;
    const char *parent; /* where the fresh directory is made */
    int variants;
    int keep;    /* leave the working directory and its databases */
    int profile; /* time shishi's statements */
    const char *pg_base; /* postgresql://user@host:port: run on PostgreSQL */
    const char *make_db; /* --make-report-db PATH: only build phase C's database there */
};

/* The temporary directory and every file put in it, removed at the end. */
struct workdir {
    char path[512];
    int nfiles;
    int keep;
};

static struct workdir wd;
static char wd_files[MAX_FILES][600];
/* Every file a database can leave (with -wal, -shm, -journal), for the signal handler. */
static char wd_leftovers[MAX_FILES * 4][640];

static void die(const char *what, const struct err *e)
{
    fprintf(stderr, "bench_store: %s: %s\n", what, e ? e->msg : "");
    exit(1);
}

static void die_db(const char *what, sqlite3 *db)
{
    fprintf(stderr, "bench_store: %s: %s\n", what, sqlite3_errmsg(db));
    exit(1);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* What a timed stretch cost besides wall time: CPU (user + system) and what the process
 * handed to write()/pwrite() (Linux /proc/self/io), so a reader can tell waiting on the
 * disk from work. */
struct meter {
    double wall, cpu;
    long long wbytes, wcalls;
};

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void io_counts(long long *wbytes, long long *wcalls)
{
    char key[32];
    long long v;
    *wbytes = *wcalls = -1;
    FILE *f = fopen("/proc/self/io", "r");
    if (!f)
        return;
    while (fscanf(f, "%31s %lld", key, &v) == 2) {
        if (!strcmp(key, "wchar:"))
            *wbytes = v;
        else if (!strcmp(key, "syscw:"))
            *wcalls = v;
    }
    fclose(f);
}

static void meter_start(struct meter *m)
{
    io_counts(&m->wbytes, &m->wcalls);
    m->cpu = cpu_s();
    m->wall = now_s();
}

static void meter_stop(struct meter *m)
{
    double wall = now_s(), cpu = cpu_s();
    long long wb, wc;
    io_counts(&wb, &wc);
    m->wall = wall - m->wall;
    m->cpu = cpu - m->cpu;
    m->wbytes = wb >= 0 && m->wbytes >= 0 ? wb - m->wbytes : -1;
    m->wcalls = wc >= 0 && m->wcalls >= 0 ? wc - m->wcalls : -1;
}

/* ---- options ---------------------------------------------------------------------- */

static void usage(FILE *to)
{
    fprintf(
        to,
        "usage: bench_store [--appeals N] [--report-appeals M] [--dir DIR] [--only LIST]\n"
        "  --appeals N          appeals registered and dispatched (default 100000; 0 skips)\n"
        "  --report-appeals M   appeals in the report database (default 1000000; 0 skips)\n"
        "  --dir DIR            where the fresh working directory is made (default /tmp);\n"
        "                       the directory and its databases are removed at the end\n"
        "  --only LIST          comma-separated subset of shishi-tx, shishi-batch, raw-tx,\n"
        "                       raw-batch (for profiling one variant)\n"
        "  --profile            time every SQL statement shishi runs (sqlite3_trace_v2) and\n"
        "                       print where its time goes; slows shishi a little\n"
        "  --keep               leave the working directory and its databases for inspection\n"
        "  --pg-base URL        run on PostgreSQL: URL names a server without a database\n"
        "                       (postgresql://user@host:port); each variant gets a fresh\n"
        "                       database made through URL/postgres and dropped at the end\n"
        "                       (--keep keeps them); the reference is raw libpq\n"
        "  --make-report-db PATH  only build phase C's database (--report-appeals M appeals,\n"
        "                       a shishi database: migrations applied) at PATH and exit;\n"
        "                       PATH must not exist (bench_bulletin.sh uses it)\n");
}

static long parse_count(const char *opt, const char *s)
{
    char *end;
    errno = 0;
    long v = s ? strtol(s, &end, 10) : -1;
    if (!s || errno || *end || v < 0 || v > 100000000) {
        fprintf(stderr, "bench_store: %s needs a count from 0 to 100000000, not '%s'\n", opt,
                s ? s : "");
        exit(2);
    }
    return v;
}

static int parse_variants(const char *s)
{
    static const char *const names[] = {"shishi-tx", "shishi-batch", "raw-tx", "raw-batch"};
    int flags = 0;
    while (s && *s) {
        size_t n = strcspn(s, ",");
        int found = 0;
        for (int i = 0; i < (int)NELEM(names); i++)
            if (strlen(names[i]) == n && !strncmp(s, names[i], n)) {
                flags |= 1 << i;
                found = 1;
            }
        if (!found) {
            fprintf(stderr, "bench_store: unknown variant '%.*s'\n", (int)n, s);
            exit(2);
        }
        s += n + (s[n] == ',');
    }
    return flags;
}

static void parse_opts(int argc, char **argv, struct opts *o)
{
    o->appeals = 100000;
    o->report_appeals = 1000000;
    o->parent = "/tmp";
    o->variants = V_ALL;
    o->keep = 0;
    o->profile = 0;
    o->pg_base = NULL;
    o->make_db = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            exit(0);
        } else if (!strcmp(a, "--appeals")) {
            o->appeals = parse_count(a, v);
            i++;
        } else if (!strcmp(a, "--report-appeals")) {
            o->report_appeals = parse_count(a, v);
            i++;
        } else if (!strcmp(a, "--dir") && v) {
            o->parent = v;
            i++;
        } else if (!strcmp(a, "--keep")) {
            o->keep = 1;
        } else if (!strcmp(a, "--profile")) {
            o->profile = 1;
        } else if (!strcmp(a, "--pg-base") && v) {
            o->pg_base = v;
            i++;
        } else if (!strcmp(a, "--make-report-db") && v) {
            o->make_db = v;
            i++;
        } else if (!strcmp(a, "--only") && v) {
            o->variants = parse_variants(v);
            i++;
        } else {
            fprintf(stderr, "bench_store: unknown option '%s'\n", a);
            usage(stderr);
            exit(2);
        }
    }
    if (o->make_db && (o->pg_base || o->report_appeals < 1)) {
        fprintf(stderr, "bench_store: --make-report-db builds a SQLite database of at least one "
                        "appeal (no --pg-base, --report-appeals above 0)\n");
        exit(2);
    }
    if (o->pg_base && o->profile) {
        fprintf(stderr, "bench_store: --profile times SQLite statements; it does not work with "
                        "--pg-base\n");
        exit(2);
    }
}

/* ---- working directory ------------------------------------------------------------ */

static void workdir_remove(void);

/* Interrupted (Ctrl-C, a closed pipe): remove what we made, then die of the signal. */
static void on_signal(int sig)
{
    if (!wd.keep) {
        for (int i = 0; i < wd.nfiles * 4; i++)
            unlink(wd_leftovers[i]);
        rmdir(wd.path);
    }
    raise(sig); /* SA_RESETHAND put the default action back */
}

static void workdir_make(const char *parent)
{
    snprintf(wd.path, sizeof(wd.path), "%s/bench_store.XXXXXX", parent);
    if (!mkdtemp(wd.path)) {
        fprintf(stderr, "bench_store: cannot make a directory in '%s': %s\n", parent,
                strerror(errno));
        exit(1);
    }
    atexit(workdir_remove); /* also after die() */
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND;
    const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
    for (size_t i = 0; i < NELEM(sigs); i++)
        sigaction(sigs[i], &sa, NULL);
}

/* The path of database `name` in the working directory, remembered for removal. */
static const char *workdir_db(const char *name)
{
    if (wd.nfiles >= MAX_FILES) {
        fprintf(stderr, "bench_store: too many databases\n");
        exit(1);
    }
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    char *p = wd_files[wd.nfiles];
    snprintf(p, sizeof(wd_files[0]), "%s/%s", wd.path, name);
    for (int k = 0; k < 4; k++)
        snprintf(wd_leftovers[wd.nfiles * 4 + k], sizeof(wd_leftovers[0]), "%s%s", p, suffix[k]);
    wd.nfiles++;
    return p;
}

static void remove_db(const char *path)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    char f[640];
    if (wd.keep)
        return;
    for (int k = 0; k < 4; k++) {
        snprintf(f, sizeof(f), "%s%s", path, suffix[k]);
        unlink(f);
    }
}

static void workdir_remove(void)
{
    if (wd.keep && wd.path[0]) {
        fflush(stdout);
        fprintf(stderr, "bench_store: databases kept in %s\n", wd.path);
        return;
    }
    for (int i = 0; i < wd.nfiles; i++)
        remove_db(wd_files[i]);
    wd.nfiles = 0;
    if (wd.path[0] && rmdir(wd.path) != 0)
        fprintf(stderr, "bench_store: cannot remove '%s': %s\n", wd.path, strerror(errno));
    wd.path[0] = '\0';
}

static double file_mib(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (double)sb.st_size / (1024.0 * 1024.0) : 0;
}

/* ---- PostgreSQL databases (--pg-base) ---------------------------------------------- */

static const char *pg_base; /* NULL: everything runs on SQLite */
static PGconn *pg_admin;    /* to BASE/postgres: makes, measures and drops the databases */
static char pg_names[MAX_FILES][64];
static char pg_urls[MAX_FILES][600];
static int pg_n, pg_keep;

static void die_pg(const char *what, PGconn *c, const PGresult *r)
{
    const char *m = r ? PQresultErrorMessage(r) : NULL;
    fprintf(stderr, "bench_store: %s: %s", what, m && *m ? m : c ? PQerrorMessage(c) : "");
    exit(1);
}

static void quiet_notices(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* The URL of database `db` on the --pg-base server (a query string is kept at the end). */
static void pg_url(char *out, size_t size, const char *db)
{
    size_t q = strcspn(pg_base, "?"), n = q;
    while (n > 0 && pg_base[n - 1] == '/')
        n--;
    snprintf(out, size, "%.*s/%s%s", (int)n, pg_base, db, pg_base + q);
}

static PGconn *pg_connect(const char *url)
{
    PGconn *c = PQconnectdb(url);
    if (!c || PQstatus(c) != CONNECTION_OK)
        die_pg("cannot connect to PostgreSQL", c, NULL);
    PQsetNoticeProcessor(c, quiet_notices, NULL);
    return c;
}

/* A statement with text parameters; dies unless it succeeded. The caller PQclear()s. */
static PGresult *pg_run(PGconn *c, const char *sql, int n, const char *const *v)
{
    PGresult *r = PQexecParams(c, sql, n, NULL, v, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        fprintf(stderr, "bench_store: in '%.60s'\n", sql);
        die_pg("PostgreSQL statement failed", c, r);
    }
    return r;
}

static void pg_exec(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        fprintf(stderr, "bench_store: in '%.60s'\n", sql);
        die_pg("PostgreSQL statement failed", c, r);
    }
    PQclear(r);
}

static int64_t pg_int(PGconn *c, const char *sql, const char *param)
{
    PGresult *r = pg_run(c, sql, param ? 1 : 0, &param);
    int64_t v = PQntuples(r) > 0 && !PQgetisnull(r, 0, 0) ? strtoll(PQgetvalue(r, 0, 0), NULL, 10)
                                                           : -1;
    PQclear(r);
    return v;
}

static void pg_drop(const char *url)
{
    for (int i = 0; i < pg_n; i++)
        if (pg_names[i][0] && !strcmp(pg_urls[i], url)) {
            if (pg_keep)
                return;
            char sql[128];
            snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %.63s WITH (FORCE)", pg_names[i]);
            pg_exec(pg_admin, sql);
            pg_names[i][0] = '\0';
        }
}

static void pg_drop_all(void)
{
    if (!pg_admin)
        return;
    for (int i = 0; i < pg_n; i++)
        if (pg_names[i][0]) {
            if (pg_keep) {
                fflush(stdout);
                fprintf(stderr, "bench_store: database kept: %s\n", pg_urls[i]);
                continue;
            }
            char sql[128];
            snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %.63s WITH (FORCE)", pg_names[i]);
            PQclear(PQexec(pg_admin, sql));
        }
    PQfinish(pg_admin);
    pg_admin = NULL;
}

static void pg_admin_open(const char *base, int keep)
{
    char url[600];
    pg_base = base;
    pg_keep = keep;
    pg_url(url, sizeof(url), "postgres");
    pg_admin = pg_connect(url);
    atexit(pg_drop_all); /* also after die() */
}

/* A fresh empty database for `file` ("shishi_tx.db" makes bench_store_PID_shishi_tx);
 * returns its URL, remembered for dropping. */
static const char *pg_create(const char *file)
{
    if (pg_n >= MAX_FILES) {
        fprintf(stderr, "bench_store: too many databases\n");
        exit(1);
    }
    char *name = pg_names[pg_n], sql[160];
    snprintf(name, sizeof(pg_names[0]), "bench_store_%ld_%.*s", (long)getpid(),
             (int)strcspn(file, "."), file);
    snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
    pg_exec(pg_admin, sql);
    snprintf(sql, sizeof(sql), "CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8'", name);
    pg_exec(pg_admin, sql);
    pg_url(pg_urls[pg_n], sizeof(pg_urls[0]), name);
    return pg_urls[pg_n++];
}

static const char *pg_name_of(const char *url)
{
    for (int i = 0; i < pg_n; i++)
        if (!strcmp(pg_urls[i], url))
            return pg_names[i];
    return "";
}

static double pg_mib(const char *url)
{
    return (double)pg_int(pg_admin, "SELECT pg_database_size($1)", pg_name_of(url)) /
           (1024.0 * 1024.0);
}

/* The server process serving the one client connected to database `url`. */
static int pg_backend_of(const char *url)
{
    return (int)pg_int(pg_admin,
                       "SELECT min(pid) FROM pg_stat_activity WHERE datname = $1 "
                       "AND backend_type = 'client backend'",
                       pg_name_of(url));
}

/* CPU (user + system) a server process has used, from /proc/PID/stat: the server runs on
 * this machine in the benchmark's set-up (bench_pg.sh). -1 when it cannot be read. */
static double proc_cpu_s(int pid)
{
    char path[64], buf[1024];
    if (pid <= 0)
        return -1;
    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')'); /* after the command name, fields 3, 4, ... */
    unsigned long long ut, st;
    if (!p || sscanf(p + 2, "%*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu %llu", &ut,
                     &st) != 2)
        return -1;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* Bytes of WAL the server has inserted so far. */
static long long pg_wal_now(void)
{
    return (long long)pg_int(pg_admin, "SELECT (pg_current_wal_insert_lsn() - '0/0')::bigint",
                             NULL);
}

/* ---- deterministic data ----------------------------------------------------------- */

struct rng {
    uint64_t s;
};

static uint64_t rng_next(struct rng *r) /* splitmix64 */
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static int rng_below(struct rng *r, int n)
{
    return (int)(rng_next(r) % (uint64_t)n);
}

static const char *const subjects[] = {
    "小区路灯损坏夜间无照明", "施工噪音影响居民休息", "道路积水影响通行",
    "小区停车位严重不足",     "冬季供暖温度不达标",   "生活垃圾清运不及时",
    "农贸市场占道经营",       "公交站台设施破损",     "学校周边上下学交通拥堵",
    "医保异地报销进度咨询",   "农民工工资被拖欠",     "餐饮油烟扰民",
    "老旧小区加装电梯",       "自来水水压偏低",       "移动网络信号覆盖差",
    "营业执照变更办理咨询",   "景区门票价格投诉",     "低保申请进度查询",
    "残疾人补贴未按时发放",   "企业用电报装进度缓慢",
};
static const char *const places[] = {
    "永定路", "西溪街道", "南庄镇",   "滨河社区", "阳湖新村", "城北工业园",
    "人民路", "建设路",   "东城街道", "紫荆花园", "解放大道", "青石村",
};
static const char *const remarks[] = {
    "已持续两周未得到处理，",       "多次向物业反映无果，",
    "给周边群众生活带来很大不便，", "附近老人和孩子出行存在安全隐患，",
    "此前已拨打过热线但未见答复，", "周边商户和居民意见很大，",
    "夜间情况尤其严重，",           "雨天情况更加突出，",
};
static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵",
                                       "吴", "周", "徐", "孙", "马", "朱", "胡", "郭"};
static const char *const given[] = {"伟", "芳", "娜", "敏", "静", "强", "磊", "洋",
                                    "艳", "勇", "军", "杰", "娟", "涛", "明", "超"};
static const char *const channels[] = {"wechat", "hotline", "visit", "web", "enterprise", "letter"};

/* The text of one appeal, as a citizen or a dispatcher would type it. */
struct text {
    char title[96];
    char content[640];
    char name[16];
    char phone[32];
    char id_number[64]; /* empty for most appeals */
    char address[96];
};

static void gen_text(struct rng *r, struct text *t)
{
    const char *subject = subjects[rng_below(r, NELEM(subjects))];
    const char *place = places[rng_below(r, NELEM(places))];
    int house = 1 + rng_below(r, 300);
    snprintf(t->title, sizeof(t->title), "%s%s", place, subject);
    int len = snprintf(t->content, sizeof(t->content), "市民来电反映：%s%d号附近%s，", place, house,
                       subject);
    for (int k = 2 + rng_below(r, 3); k > 0 && len < 400; k--)
        len += snprintf(t->content + len, sizeof(t->content) - (size_t)len, "%s",
                        remarks[rng_below(r, NELEM(remarks))]);
    snprintf(t->content + len, sizeof(t->content) - (size_t)len,
             "希望有关部门尽快核实处理并给予答复。");
    snprintf(t->name, sizeof(t->name), "%s%s", surnames[rng_below(r, NELEM(surnames))],
             given[rng_below(r, NELEM(given))]);
    snprintf(t->phone, sizeof(t->phone), "1%d%09d", 3 + rng_below(r, 7), rng_below(r, 1000000000));
    t->id_number[0] = '\0';
    if (rng_below(r, 10) < 3)
        snprintf(t->id_number, sizeof(t->id_number), "430802%04d%02d%02d%03d%c",
                 1950 + rng_below(r, 55), 1 + rng_below(r, 12), 1 + rng_below(r, 28),
                 rng_below(r, 1000), rng_below(r, 11) == 10 ? 'X' : '0' + rng_below(r, 10));
    snprintf(t->address, sizeof(t->address), "永定区%s%d号", place, house);
}

/* The code the program gives the nth appeal received on site date `day` (appeal_svc.c). */
static void appeal_code(char out[APPEAL_CODE_LEN], int64_t day, int nth)
{
    char date[11];
    civil_format_date(day, date);
    snprintf(out, APPEAL_CODE_LEN, "YD%.4s%.2s%.2s%04d", date, date + 5, date + 8, nth);
}

/* One appeal of phases A and B: what is registered, when it is dispatched, and the rows
 * the reference writes (prepared here so the reference times SQLite alone). */
struct spec {
    struct text t;
    int kind, urgency; /* enum appeal_kind, enum urgency */
    const char *channel;
    int channel_id;
    int64_t received_at, dispatched_at, sign_deadline, deadline;
    char code[APPEAL_CODE_LEN];
    char *reg_details, *disp_details; /* owned */
};

/* Channel ids in the order migration 0001 seeds them. */
static int channel_id_of(const char *code)
{
    for (size_t i = 0; i < NELEM(channels); i++)
        if (!strcmp(code, channels[i]))
            return (int)i + 1;
    return 0;
}

static char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/* N appeals spread evenly over the year, each dispatched 5 to 180 minutes after it came in.
 * Codes follow the program's scheme (prefix, site date, number of the day) so the
 * reference writes the very codes shishi gives. */
static struct spec *make_specs(long n, int64_t unit_id, int64_t area_id)
{
    struct spec *sp = xcalloc((size_t)(n ? n : 1), sizeof(*sp));
    struct rng r = {SEED};
    int64_t start = civil_site_midnight(civil_days(YEAR, 1, 1)) + 8 * 3600;
    int64_t span = civil_site_midnight(civil_days(YEAR, 12, 31)) - start;
    int64_t day = -1;
    int nth = 0;
    for (long i = 0; i < n; i++) {
        struct spec *s = &sp[i];
        gen_text(&r, &s->t);
        int u = rng_below(&r, 100);
        s->kind = KIND_CONSULT + rng_below(&r, KIND_COUNT_ - KIND_CONSULT);
        s->urgency = u < 90 ? URG_NORMAL : u < 98 ? URG_URGENT : URG_CRITICAL;
        s->channel = channels[rng_below(&r, NELEM(channels))];
        s->channel_id = channel_id_of(s->channel);
        s->received_at = start + span * i / n + rng_below(&r, 60);
        s->dispatched_at = s->received_at + 300 + rng_below(&r, 175 * 60);
        s->sign_deadline = s->dispatched_at + DAY_SECONDS;
        s->deadline = s->dispatched_at + 7 * DAY_SECONDS;
        int64_t d = civil_site_date(s->received_at);
        nth = d == day ? nth + 1 : 1;
        day = d;
        appeal_code(s->code, d, nth);
        s->reg_details = xprintf("{\"area_id\":%lld,\"channel_id\":%d,\"content\":\"%s\","
                                 "\"kind\":\"%s\",\"title\":\"%s\",\"urgency\":\"%s\"}",
                                 (long long)area_id, s->channel_id, s->t.content,
                                 kind_code(s->kind), s->t.title, urgency_code(s->urgency));
        char dl[26], sd[26];
        civil_format_instant(s->deadline, dl);
        civil_format_instant(s->sign_deadline, sd);
        s->disp_details = xprintf("{\"assist\":[],\"deadline\":\"%s\",\"limit\":\"7 个工作日\","
                                  "\"sign_deadline\":\"%s\",\"unit_id\":%lld}",
                                  dl, sd, (long long)unit_id);
    }
    return sp;
}

static void free_specs(struct spec *sp, long n)
{
    for (long i = 0; i < n; i++) {
        free(sp[i].reg_details);
        free(sp[i].disp_details);
    }
    free(sp);
}

/* ---- A and B: the variants -------------------------------------------------------- */

#define UNIT_NAME "区住房和城乡建设局"
#define UNIT_CODE "zjj"
#define AREA_NAME "宜商"
#define AREA_CODE "bench"
/* Ids the first unit and the first added area get in a fresh database (migration 0001 seeds
 * ten areas); the reference writes the same ids into its rows. */
#define BENCH_UNIT_ID 1
#define BENCH_AREA_ID 11

/* A variant's N appeals are written in ROUNDS chunks, taking turns with the other variants
 * of its group, so a burst of load from elsewhere on the machine falls on all of them. */
#define ROUNDS 10

enum engine { ENG_SHISHI, ENG_RAW };

/* The reference's statements. */
enum { W_BEGIN, W_COMMIT, W_APPEAL, W_UNIT, W_EVENT, W_COUNT };

struct variant {
    int flag; /* enum variant_flags */
    const char *file, *label;
    int engine, batched;
    const char *path;
    struct meter m;     /* summed over the rounds */
    double mib;         /* database size at the end */
    struct service svc; /* ENG_SHISHI */
    struct actor who;
    struct sql_profile *prof; /* ENG_SHISHI with --profile */
    sqlite3 *db;              /* ENG_RAW */
    sqlite3_stmt *q[W_COUNT];
    int64_t event_id;
    int row_digest; /* the schema has events.row_digest */
    PGconn *pg;     /* ENG_RAW on PostgreSQL */
    int backend;    /* on PostgreSQL: the server process of this variant's connection */
    double srv_cpu; /* its CPU time, summed over the rounds (-1: unknown) */
    long long wal;  /* WAL bytes the server inserted during the rounds */
};

static sqlite3_stmt *raw_prep(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
        die_db("cannot prepare", db);
    return st;
}

static void raw_step(sqlite3 *db, sqlite3_stmt *st)
{
    if (sqlite3_step(st) != SQLITE_DONE)
        die_db("reference statement failed", db);
    sqlite3_reset(st);
}

static void raw_exec(sqlite3 *db, const char *sql)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        die_db("reference statement failed", db);
}

static void bind_str(sqlite3_stmt *st, int i, const char *s)
{
    if (s && *s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

/* A database with the program's schema, reopened without the store: same file format, same
 * pragmas (those store_open sets: WAL, synchronous=FULL, foreign_keys=ON, temp_store in
 * memory). */
static sqlite3 *raw_open(const char *path)
{
    store_t *st;
    struct err e = {0};
    if (store_open(&st, path, &e) < 0 || store_migrate(st, &e) < 0)
        die("cannot create the reference schema", &e);
    store_close(st);
    sqlite3 *db;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        die_db("cannot reopen the reference database", db);
    raw_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
                 "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;");
    return db;
}

/* ---- --profile: where shishi's time goes ---- */

/* Every statement the store runs on a profiled connection is timed from its first step to
 * its end (sqlite3_trace_v2: SQLITE_TRACE_STMT, then SQLITE_TRACE_PROFILE, whose own
 * figure has only millisecond resolution) and summed by SQL text. SQLite runs the WAL
 * checkpoint after a COMMIT has reported its end, so the profile puts in a WAL hook that
 * does what the default one does (a passive checkpoint once the WAL holds
 * PROF_CHECKPOINT pages) and times it. What the variant's wall time has beyond the sum was
 * spent outside SQLite: the rules, JSON, SHA-256, copies. The connection is reached
 * without touching the store: an auto-extension runs on every connection opened while it
 * is registered. */
#define PROF_SLOTS      48
#define PROF_OPEN       8
#define PROF_CHECKPOINT 1000 /* SQLite's default wal_autocheckpoint */

struct prof_slot {
    char *sql; /* owned */
    long calls;
    double secs;
};

struct sql_profile {
    int on;     /* counting only while a chunk is timed */
    int hooked; /* the WAL hook is in */
    struct prof_slot slot[PROF_SLOTS];
    int n;
    struct {
        sqlite3_stmt *st;
        double t0;
    } open[PROF_OPEN];
    int nopen;
};

static struct sql_profile *prof_pending; /* handed to the next connection opened */

static void prof_add(struct sql_profile *p, const char *sql, double secs)
{
    int i = 0;
    while (i < p->n && strcmp(p->slot[i].sql, sql) != 0)
        i++;
    if (i == p->n) {
        if (p->n == PROF_SLOTS) {
            i = PROF_SLOTS - 1; /* lumped with the last one */
        } else {
            p->slot[i].sql = xstrdup(sql);
            p->n++;
        }
    }
    p->slot[i].calls++;
    p->slot[i].secs += secs;
}

/* sqlite3WalDefaultHook, timed. A "PRAGMA wal_autocheckpoint" from the store would put
 * the default hook back: the checkpoints would then count as time outside SQLite. */
static int prof_wal_hook(void *ctx, sqlite3 *db, const char *name, int frames)
{
    struct sql_profile *p = ctx;
    if (frames < PROF_CHECKPOINT)
        return SQLITE_OK;
    double t0 = now_s();
    sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    if (p->on)
        prof_add(p, "(WAL checkpoint after a COMMIT, each ~1000 pages)", now_s() - t0);
    return SQLITE_OK;
}

static int prof_trace(unsigned type, void *ctx, void *stmt, void *x)
{
    struct sql_profile *p = ctx;
    sqlite3_stmt *st = stmt;
    if (!p->hooked) { /* not at open: sqlite3_open puts the default hook in after extensions */
        sqlite3_wal_hook(sqlite3_db_handle(st), prof_wal_hook, p);
        p->hooked = 1;
    }
    if (!p->on)
        return 0;
    if (type == SQLITE_TRACE_STMT) {
        const char *text = x;
        if (text[0] == '-' && text[1] == '-') /* a trigger starting within the statement */
            return 0;
        if (p->nopen < PROF_OPEN) {
            p->open[p->nopen].st = st;
            p->open[p->nopen].t0 = now_s();
            p->nopen++;
        }
        return 0;
    }
    for (int i = p->nopen - 1; i >= 0; i--)
        if (p->open[i].st == st) {
            double secs = now_s() - p->open[i].t0;
            p->open[i] = p->open[--p->nopen];
            prof_add(p, sqlite3_sql(st), secs);
            break;
        }
    return 0;
}

static int prof_attach(sqlite3 *db, char **msg, const sqlite3_api_routines *api)
{
    (void)msg;
    (void)api;
    if (prof_pending)
        sqlite3_trace_v2(db, SQLITE_TRACE_STMT | SQLITE_TRACE_PROFILE, prof_trace, prof_pending);
    return SQLITE_OK;
}

static int by_secs(const void *a, const void *b)
{
    double x = ((const struct prof_slot *)a)->secs, y = ((const struct prof_slot *)b)->secs;
    return (x < y) - (x > y);
}

/* The statements by time, with what was spent outside SQLite; frees the texts. */
static void prof_print(struct sql_profile *p, const char *label, long n, double wall)
{
    double sql = 0;
    for (int i = 0; i < p->n; i++)
        sql += p->slot[i].secs;
    qsort(p->slot, (size_t)p->n, sizeof(p->slot[0]), by_secs);
    printf("  where '%s' spends its time (SQL timed one statement at a time)\n", label);
    printf("    %6s %9s %6s  %s\n", "share", "us/appeal", "runs", "statement");
    for (int i = 0; i < p->n; i++) {
        const struct prof_slot *ps = &p->slot[i];
        char text[76];
        size_t k = 0;
        for (const char *c = ps->sql; *c && k + 1 < sizeof(text); c++)
            if (!(*c == ' ' && k > 0 && text[k - 1] == ' '))
                text[k++] = *c == '\n' ? ' ' : *c;
        text[k] = '\0';
        if (ps->secs / wall >= 0.002)
            printf("    %5.1f%% %9.1f %6.2f  %s\n", 100 * ps->secs / wall,
                   ps->secs / (double)n * 1e6, (double)ps->calls / (double)n, text);
        free(ps->sql);
    }
    printf("    %5.1f%% %9.1f %6s  %s\n", 100 * (wall - sql) / wall, (wall - sql) / (double)n * 1e6,
           "", "outside SQLite: rules, JSON, SHA-256, row copies, the calls themselves");
    p->n = 0;
}

/* ---- A: shishi ---- */

/* A fresh database made by the program itself, with the one unit and area appeals use. */
static void shishi_open(struct variant *v)
{
    struct err e = {0};
    struct unit u;
    struct ref area;
    if (v->prof) {
        prof_pending = v->prof;
        sqlite3_auto_extension((void (*)(void))prof_attach);
    }
    int rc = service_open(&v->svc, v->path, OPEN_CREATE, &e);
    if (v->prof) {
        sqlite3_cancel_auto_extension((void (*)(void))prof_attach);
        prof_pending = NULL;
    }
    if (rc < 0)
        die("cannot open the shishi database", &e);
    if (svc_unit_add(&v->svc, &svc_system, UNIT_NAME, UNIT_CODE, "department", NULL, &u, &e) < 0 ||
        svc_ref_add(&v->svc, &svc_system, REF_AREA, AREA_NAME, AREA_CODE, 11, &area, &e) < 0 ||
        svc_actor(&v->svc, NULL, &v->who, &e) < 0)
        die("cannot set up the organisation", &e);
    if (u.id != BENCH_UNIT_ID || area.id != BENCH_AREA_ID) {
        fprintf(stderr, "bench_store: the unit and area got ids %lld and %lld, not %d and %d\n",
                (long long)u.id, (long long)area.id, BENCH_UNIT_ID, BENCH_AREA_ID);
        exit(1);
    }
}

/* One appeal the way an interface does it: register, then dispatch by the code it got. */
static void shishi_one(struct variant *v, const struct spec *s)
{
    struct err e = {0};
    struct register_req rq = {
        .title = s->t.title,
        .content = s->t.content,
        .channel = s->channel,
        .kind = kind_code(s->kind),
        .urgency = urgency_code(s->urgency),
        .area = AREA_CODE,
        .citizen_name = s->t.name,
        .phone = s->t.phone,
        .id_number = s->t.id_number[0] ? s->t.id_number : NULL,
        .address = s->t.address,
        .at = s->received_at,
    };
    struct appeal a;
    if (svc_register(&v->svc, &v->who, &rq, &a, &e) < 0)
        die("register failed", &e);
    if (strcmp(a.code, s->code) != 0) {
        fprintf(stderr, "bench_store: shishi gave code %s where %s was expected\n", a.code,
                s->code);
        exit(1);
    }
    struct act_req aq = {
        .type = ACT_DISPATCH, .at = s->dispatched_at, .code = a.code, .unit = UNIT_CODE};
    if (svc_act(&v->svc, &v->who, &aq, NULL, &e) < 0)
        die("dispatch failed", &e);
    appeal_release(&a);
}

/* The chain must verify and hold every appeal, or shishi was timed doing something else. */
static void shishi_close(struct variant *v, long n)
{
    struct err e = {0};
    struct audit_result res;
    if (svc_audit_verify(&v->svc, &svc_system, &res, &e) < 0)
        die("audit failed", &e);
    if (!res.ok || res.events != 2 * n || res.appeals != n) {
        fprintf(stderr, "bench_store: the audit of %s found %lld events, %lld appeals: %s\n",
                v->path, (long long)res.events, (long long)res.appeals, res.problem);
        exit(1);
    }
    service_close(&v->svc);
}

/* ---- B: plain SQLite ---- */

/* A placeholder seal: the reference writes 64 hex digits without computing them. */
static const char placeholder_hash[] =
    "5f3c9a1e7b2d4f608e1a3c5b7d9f0e2a4c6b8d0f1e3a5c7b9d2f4e6a8c0b1d3f";

static const char *const raw_sql[W_COUNT] = {
    [W_BEGIN] = "BEGIN IMMEDIATE",
    [W_COMMIT] = "COMMIT",
    [W_APPEAL] = "INSERT INTO appeals (code, title, content, channel_id, area_id, kind, "
                 "urgency, citizen_name, phone, id_number, address, state, lead_unit_id, "
                 "received_at, dispatched_at, sign_deadline, deadline, version, last_seq) "
                 "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [W_UNIT] = "INSERT INTO appeal_units (appeal_id, unit_id, role) VALUES (?, ?, 'lead')",
    [W_EVENT] = "INSERT INTO events (id, appeal_id, seq, at, actor_id, actor, action, "
                "from_state, to_state, details, prev_hash, hash) "
                "VALUES (?, ?, ?, ?, 0, 'system', ?, ?, ?, ?, ?, ?)",
};

/* Once migration 0004 is in, each event also carries the digest of the row it produced. */
static const char raw_event_digest[] =
    "INSERT INTO events (id, appeal_id, seq, at, actor_id, actor, action, from_state, "
    "to_state, details, prev_hash, hash, row_digest) "
    "VALUES (?, ?, ?, ?, 0, 'system', ?, ?, ?, ?, ?, ?, ?)";

/* The rows register + dispatch leave behind: the appeal as dispatched, its lead unit and
 * the two events, in one transaction unless batched. */
static void raw_one(struct variant *v, const struct spec *s)
{
    sqlite3 *db = v->db;
    if (!v->batched)
        raw_step(db, v->q[W_BEGIN]);
    sqlite3_stmt *st = v->q[W_APPEAL];
    sqlite3_bind_text(st, 1, s->code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, s->t.title, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, s->t.content, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, s->channel_id);
    sqlite3_bind_int(st, 5, BENCH_AREA_ID);
    sqlite3_bind_int(st, 6, s->kind);
    sqlite3_bind_int(st, 7, s->urgency);
    bind_str(st, 8, s->t.name);
    bind_str(st, 9, s->t.phone);
    bind_str(st, 10, s->t.id_number);
    bind_str(st, 11, s->t.address);
    sqlite3_bind_int(st, 12, ST_DISPATCHED);
    sqlite3_bind_int(st, 13, BENCH_UNIT_ID);
    sqlite3_bind_int64(st, 14, s->received_at);
    sqlite3_bind_int64(st, 15, s->dispatched_at);
    sqlite3_bind_int64(st, 16, s->sign_deadline);
    sqlite3_bind_int64(st, 17, s->deadline);
    sqlite3_bind_int(st, 18, 2);
    sqlite3_bind_int(st, 19, 2);
    raw_step(db, st);
    int64_t appeal_id = sqlite3_last_insert_rowid(db);
    st = v->q[W_UNIT];
    sqlite3_bind_int64(st, 1, appeal_id);
    sqlite3_bind_int(st, 2, BENCH_UNIT_ID);
    raw_step(db, st);
    for (int k = 0; k < 2; k++) {
        st = v->q[W_EVENT];
        sqlite3_bind_int64(st, 1, ++v->event_id);
        sqlite3_bind_int64(st, 2, appeal_id);
        sqlite3_bind_int(st, 3, k + 1);
        sqlite3_bind_int64(st, 4, k ? s->dispatched_at : s->received_at);
        sqlite3_bind_text(st, 5, k ? "dispatch" : "register", -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 6, k ? ST_RECEIVED : ST_NONE);
        sqlite3_bind_int(st, 7, k ? ST_DISPATCHED : ST_RECEIVED);
        sqlite3_bind_text(st, 8, k ? s->disp_details : s->reg_details, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 9, placeholder_hash, 64, SQLITE_STATIC);
        sqlite3_bind_text(st, 10, placeholder_hash, 64, SQLITE_STATIC);
        if (v->row_digest)
            sqlite3_bind_text(st, 11, placeholder_hash, 64, SQLITE_STATIC);
        raw_step(db, st);
    }
    if (!v->batched)
        raw_step(db, v->q[W_COMMIT]);
}

/* ---- B on PostgreSQL: plain libpq ---- */

/* The same rows through prepared statements, plus what the chain costs on PostgreSQL: the
 * chain_head row is locked and moved by each transaction (shishi locks it with SELECT ...
 * FOR UPDATE and rewrites it at commit). bench/bench_pg.sh gives pgbench these very
 * statements. Batched, the head moves once at the end, as the store does (a row updated
 * thousands of times in one transaction leaves as many versions to walk). */
enum { P_HEAD, P_APPEAL, P_UNIT, P_EVENT, P_HEAD_SET, P_COUNT };

static const char *const raw_pg_sql[P_COUNT] = {
    [P_HEAD] = "UPDATE chain_head SET last_id = last_id + 2, hash = $1, count = count + 2 "
               "WHERE one = 1 RETURNING last_id",
    [P_APPEAL] = "INSERT INTO appeals (code, title, content, channel_id, area_id, kind, "
                 "urgency, citizen_name, phone, id_number, address, state, lead_unit_id, "
                 "received_at, dispatched_at, sign_deadline, deadline, version, last_seq, "
                 "updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,"
                 "$17,$18,$19,$20) RETURNING id",
    [P_UNIT] = "INSERT INTO appeal_units (appeal_id, unit_id, role) VALUES ($1, $2, 'lead')",
    [P_EVENT] = "INSERT INTO events (id, appeal_id, seq, at, actor_id, actor, action, "
                "from_state, to_state, details, prev_hash, hash, row_digest) "
                "VALUES ($1, $2, $3, $4, 0, 'system', $5, $6, $7, $8, $9, $10, $11)",
    [P_HEAD_SET] = "UPDATE chain_head SET last_id = $1, hash = $2, count = count + $3 "
                   "WHERE one = 1",
};

struct pgparams {
    int n;
    const char *v[24];
    char buf[24][24];
};

static void pp_str(struct pgparams *p, const char *s)
{
    p->v[p->n++] = s && *s ? s : NULL; /* an empty optional field is NULL, as bind_str */
}

static void pp_int(struct pgparams *p, int64_t x)
{
    snprintf(p->buf[p->n], sizeof(p->buf[0]), "%lld", (long long)x);
    p->v[p->n] = p->buf[p->n];
    p->n++;
}

/* Runs prepared statement `k`; returns the first column of its first row, or 0. */
static int64_t raw_pg_step(struct variant *v, int k, const struct pgparams *p)
{
    char name[8];
    snprintf(name, sizeof(name), "w%d", k);
    PGresult *r = PQexecPrepared(v->pg, name, p->n, p->v, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        die_pg("reference statement failed", v->pg, r);
    int64_t x = st == PGRES_TUPLES_OK && PQntuples(r) > 0 ? strtoll(PQgetvalue(r, 0, 0), NULL, 10)
                                                           : 0;
    PQclear(r);
    return x;
}

static void raw_pg_open(struct variant *v)
{
    store_t *st;
    struct err e = {0};
    if (store_open(&st, v->path, &e) < 0 || store_migrate(st, &e) < 0)
        die("cannot create the reference schema", &e);
    store_close(st);
    v->pg = pg_connect(v->path);
    pg_exec(v->pg, "INSERT INTO units (code, name, kind) VALUES ('" UNIT_CODE "', '" UNIT_NAME
                   "', 2)");
    if (pg_int(v->pg,
               "INSERT INTO areas (code, name, sort) VALUES ('" AREA_CODE "', '" AREA_NAME
               "', 11) RETURNING id",
               NULL) != BENCH_AREA_ID) {
        fprintf(stderr, "bench_store: the reference area did not get id %d\n", BENCH_AREA_ID);
        exit(1);
    }
    for (int k = 0; k < P_COUNT; k++) {
        char name[8];
        snprintf(name, sizeof(name), "w%d", k);
        PGresult *r = PQprepare(v->pg, name, raw_pg_sql[k], 0, NULL);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            die_pg("cannot prepare", v->pg, r);
        PQclear(r);
    }
    v->event_id = 0;
}

static void raw_pg_one(struct variant *v, const struct spec *s)
{
    struct pgparams p;
    if (!v->batched) {
        pg_exec(v->pg, "BEGIN");
        p.n = 0;
        pp_str(&p, placeholder_hash);
        v->event_id = raw_pg_step(v, P_HEAD, &p) - 2;
    }
    p.n = 0;
    pp_str(&p, s->code);
    pp_str(&p, s->t.title);
    pp_str(&p, s->t.content);
    pp_int(&p, s->channel_id);
    pp_int(&p, BENCH_AREA_ID);
    pp_int(&p, s->kind);
    pp_int(&p, s->urgency);
    pp_str(&p, s->t.name);
    pp_str(&p, s->t.phone);
    pp_str(&p, s->t.id_number);
    pp_str(&p, s->t.address);
    pp_int(&p, ST_DISPATCHED);
    pp_int(&p, BENCH_UNIT_ID);
    pp_int(&p, s->received_at);
    pp_int(&p, s->dispatched_at);
    pp_int(&p, s->sign_deadline);
    pp_int(&p, s->deadline);
    pp_int(&p, 2);
    pp_int(&p, 2);
    pp_int(&p, s->dispatched_at);
    int64_t appeal_id = raw_pg_step(v, P_APPEAL, &p);
    p.n = 0;
    pp_int(&p, appeal_id);
    pp_int(&p, BENCH_UNIT_ID);
    raw_pg_step(v, P_UNIT, &p);
    for (int k = 0; k < 2; k++) {
        p.n = 0;
        pp_int(&p, ++v->event_id);
        pp_int(&p, appeal_id);
        pp_int(&p, k + 1);
        pp_int(&p, k ? s->dispatched_at : s->received_at);
        pp_str(&p, k ? "dispatch" : "register");
        pp_int(&p, k ? ST_RECEIVED : ST_NONE);
        pp_int(&p, k ? ST_DISPATCHED : ST_RECEIVED);
        pp_str(&p, k ? s->disp_details : s->reg_details);
        pp_str(&p, placeholder_hash);
        pp_str(&p, placeholder_hash);
        pp_str(&p, placeholder_hash);
        raw_pg_step(v, P_EVENT, &p);
    }
    if (!v->batched)
        pg_exec(v->pg, "COMMIT");
}

/* Batched: BEGIN, or move the chain head past all the events and COMMIT. */
static void raw_pg_edge(struct variant *v, int begin, long n)
{
    if (begin) {
        pg_exec(v->pg, "BEGIN");
        return;
    }
    struct pgparams p = {0};
    pp_int(&p, v->event_id);
    pp_str(&p, placeholder_hash);
    pp_int(&p, 2 * (int64_t)n);
    raw_pg_step(v, P_HEAD_SET, &p);
    pg_exec(v->pg, "COMMIT");
}

/* ---- running a group of variants in turns ---- */

static void variant_open(struct variant *v)
{
    v->path = pg_base ? pg_create(v->file) : workdir_db(v->file);
    memset(&v->m, 0, sizeof(v->m));
    v->srv_cpu = 0;
    v->wal = 0;
    if (v->engine == ENG_SHISHI)
        shishi_open(v);
    else if (pg_base)
        raw_pg_open(v);
    if (pg_base) {
        v->backend = pg_backend_of(v->path);
        if (v->backend <= 0 || proc_cpu_s(v->backend) < 0)
            v->srv_cpu = -1; /* a server on another machine, or not ours to read */
        return;
    }
    if (v->engine == ENG_SHISHI)
        return;
    v->db = raw_open(v->path);
    raw_exec(v->db, "INSERT INTO units (code, name, kind) VALUES ('" UNIT_CODE "', '" UNIT_NAME
                    "', 2); INSERT INTO areas (code, name, sort) VALUES ('" AREA_CODE
                    "', '" AREA_NAME "', 11);");
    if (sqlite3_last_insert_rowid(v->db) != BENCH_AREA_ID)
        die_db("the reference area did not get the expected id", v->db);
    sqlite3_stmt *st = raw_prep(v->db, "SELECT count(*) FROM pragma_table_info('events') "
                                       "WHERE name = 'row_digest'");
    v->row_digest = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
    sqlite3_finalize(st);
    for (int k = 0; k < W_COUNT; k++)
        v->q[k] = raw_prep(v->db, v->row_digest && k == W_EVENT ? raw_event_digest : raw_sql[k]);
    v->event_id = 0;
}

/* Opens or commits a variant's batch, the one transaction around all its appeals. */
static void batch_edge(struct variant *v, int begin, long n)
{
    struct err e = {0};
    if (v->engine != ENG_SHISHI && pg_base)
        raw_pg_edge(v, begin, n);
    else if (v->engine != ENG_SHISHI)
        raw_step(v->db, v->q[begin ? W_BEGIN : W_COMMIT]);
    else if ((begin ? store_begin(v->svc.st, &e) : store_commit(v->svc.st, &e)) < 0)
        die("cannot begin or commit the batch", &e);
}

/* Appeals [from, to) of n; a batch opens with the first and commits with the last. */
static void variant_chunk(struct variant *v, const struct spec *sp, long from, long to, long n)
{
    struct meter m;
    double srv0 = 0;
    long long wal0 = 0;
    if (pg_base) {
        wal0 = pg_wal_now();
        srv0 = v->srv_cpu >= 0 ? proc_cpu_s(v->backend) : 0;
    }
    if (v->prof)
        v->prof->on = 1;
    meter_start(&m);
    if (v->batched && from == 0)
        batch_edge(v, 1, n);
    for (long i = from; i < to; i++) {
        if (v->engine == ENG_SHISHI)
            shishi_one(v, &sp[i]);
        else if (pg_base)
            raw_pg_one(v, &sp[i]);
        else
            raw_one(v, &sp[i]);
    }
    if (v->batched && to == n)
        batch_edge(v, 0, n);
    meter_stop(&m);
    if (v->prof)
        v->prof->on = 0;
    if (pg_base) {
        v->wal += pg_wal_now() - wal0;
        if (v->srv_cpu >= 0)
            v->srv_cpu += proc_cpu_s(v->backend) - srv0;
    }
    v->m.wall += m.wall;
    v->m.cpu += m.cpu;
    v->m.wbytes += m.wbytes;
    v->m.wcalls += m.wcalls;
}

static void variant_close(struct variant *v, long n)
{
    if (v->engine == ENG_SHISHI) {
        shishi_close(v, n);
    } else if (pg_base) {
        if (pg_int(v->pg, "SELECT count(*) FROM events", NULL) != 2 * n ||
            pg_int(v->pg, "SELECT count FROM chain_head", NULL) != 2 * n) {
            fprintf(stderr, "bench_store: the reference did not write %ld events\n", 2 * n);
            exit(1);
        }
        PQfinish(v->pg);
        v->pg = NULL;
    } else {
        for (int k = 0; k < W_COUNT; k++)
            sqlite3_finalize(v->q[k]);
        if (sqlite3_close(v->db) != SQLITE_OK)
            die_db("cannot close the reference database", v->db);
    }
    if (pg_base) {
        v->mib = pg_mib(v->path);
        pg_drop(v->path);
        return;
    }
    v->mib = file_mib(v->path);
    remove_db(v->path);
}

static void print_rate(const struct variant *v, long n)
{
    if (pg_base) { /* client cpu, server process cpu, WAL the server wrote */
        char srv[16] = "     -";
        if (v->srv_cpu >= 0)
            snprintf(srv, sizeof(srv), "%6.2f", v->srv_cpu);
        printf("  %-38s %7.0f appeals/s %7.2f s  cpu %6.2f s  server cpu %s s  WAL %5.1f "
               "KiB/appeal  db %5.1f MiB\n",
               v->label, (double)n / v->m.wall, v->m.wall, v->m.cpu, srv,
               (double)v->wal / 1024.0 / (double)n, v->mib);
        return;
    }
    printf("  %-38s %7.0f appeals/s %7.2f s  cpu %6.2f s  %5.1f KiB %4.1f writes/appeal"
           "  db %5.1f MiB\n",
           v->label, (double)n / v->m.wall, v->m.wall, v->m.cpu,
           (double)v->m.wbytes / 1024.0 / (double)n, (double)v->m.wcalls / (double)n, v->mib);
}

/* Runs the selected variants of a group in turns; returns how many ran. */
static int run_group(struct variant *vs, int nv, int selected, const struct spec *sp, long n)
{
    struct variant *run[8];
    int k = 0;
    for (int i = 0; i < nv && k < 8; i++)
        if (selected & vs[i].flag)
            run[k++] = &vs[i];
    for (int i = 0; i < k; i++)
        variant_open(run[i]);
    long rounds = n < ROUNDS ? 1 : ROUNDS;
    for (long r = 0; r < rounds; r++)
        for (int i = 0; i < k; i++) { /* every other round in reverse order */
            struct variant *v = run[r % 2 ? k - 1 - i : i];
            variant_chunk(v, sp, n * r / rounds, n * (r + 1) / rounds, n);
        }
    for (int i = 0; i < k; i++) {
        variant_close(run[i], n);
        print_rate(run[i], n);
    }
    for (int i = 0; i < k; i++)
        if (run[i]->prof)
            prof_print(run[i]->prof, run[i]->label, n, run[i]->m.wall);
    fflush(stdout);
    return k;
}

static double rate_of(const struct variant *v, int selected, long n)
{
    return selected & v->flag ? (double)n / v->m.wall : -1;
}

/* ---- C: the report ---------------------------------------------------------------- */

#define REPORT_UNITS 60

static const char *const departments[] = {
    "住房和城乡建设局", "交通运输局", "城市管理局",   "市场监督管理局", "人力资源和社会保障局",
    "卫生健康局",       "教育局",     "生态环境分局", "水利局",         "民政局",
    "公安分局",         "供电公司",   "自来水公司",   "燃气公司",       "文化旅游广电体育局",
    "医疗保障局",       "自然资源局", "农业农村局",   "退役军人事务局", "行政审批服务局",
};
static const char *const replies[] = {
    "经核实，相关部门已安排人员现场处理，问题已解决。",
    "已联系责任单位限期整改，并将持续跟踪落实情况。",
    "经调查，该问题涉及多个部门，已协调联合处置并向来电人说明。",
    "已向来电人详细解释相关政策和办理流程，来电人表示理解。",
};

/* Handling limit in calendar seconds, roughly the working days of the default rules. */
static int64_t limit_seconds(int kind)
{
    static const int days[KIND_COUNT_] = {7, 3, 5, 7, 7, 10};
    return (int64_t)days[kind] * DAY_SECONDS * 7 / 5;
}

/* One appeal of a year's ledger as it stands at `as_of`: older appeals are mostly closed,
 * the last month's mostly still open; some are rejected, merged or returned. */
static int pick_state(struct rng *r, int recent)
{
    static const int old_mix[] = {ST_CLOSED,  ST_CLOSED,   ST_CLOSED,   ST_CLOSED,
                                  ST_CLOSED,  ST_CLOSED,   ST_VISITED,  ST_VISITED,
                                  ST_REPLIED, ST_ACCEPTED, ST_REJECTED, ST_MERGED};
    static const int new_mix[] = {ST_RECEIVED, ST_DISPATCHED, ST_DISPATCHED, ST_ACCEPTED,
                                  ST_ACCEPTED, ST_ACCEPTED,   ST_REPLIED,    ST_REPLIED,
                                  ST_VISITED,  ST_CLOSED,     ST_RETURNED,   ST_REJECTED};
    return recent ? new_mix[rng_below(r, NELEM(new_mix))] : old_mix[rng_below(r, NELEM(old_mix))];
}

/* One appeal row of the report database. */
struct report_row {
    int64_t id;
    char code[APPEAL_CODE_LEN];
    struct text t;
    int channel_id, area_id, kind, urgency, state;
    int64_t lead_unit_id;                 /* 0: NULL */
    int64_t times[8];                     /* received, dispatched, sign deadline, accepted,
                                             deadline, replied, visited, closed */
    int64_t merged_into;                  /* 0: NULL */
    const char *reply_text;               /* NULL: NULL */
    int visit_solved, visit_satisfaction, urge_count, events;
    int64_t contacted_at; /* 0: the caller not reached (yet) */
};

struct report_gen {
    struct rng r;
    long m;
    int64_t start, end, day;
    int nth;
};

static void report_gen_init(struct report_gen *g, long m)
{
    g->r.s = SEED ^ 0x5eedu;
    g->m = m;
    g->start = civil_site_midnight(civil_days(YEAR, 1, 1));
    g->end = civil_site_midnight(civil_days(YEAR + 1, 1, 1));
    g->day = -1;
    g->nth = 0;
}

/* The i-th row (in order, i from 0): both backends' builds write the same rows. */
static void report_next(struct report_gen *g, long i, struct report_row *w)
{
    struct rng *r = &g->r;
    gen_text(r, &w->t);
    int64_t id = i + 1, rec = g->start + (g->end - g->start) * i / g->m + rng_below(r, 30);
    int kind = KIND_CONSULT + rng_below(r, KIND_COUNT_ - KIND_CONSULT);
    int state = pick_state(r, rec > g->end - 30 * DAY_SECONDS);
    if (state == ST_MERGED && id < 2)
        state = ST_REJECTED;
    int64_t d = civil_site_date(rec);
    g->nth = d == g->day ? g->nth + 1 : 1;
    g->day = d;
    appeal_code(w->code, d, g->nth);
    int dispatched = state != ST_RECEIVED && state != ST_REJECTED;
    int accepted = state == ST_ACCEPTED || state == ST_REPLIED || state == ST_VISITED ||
                   state == ST_CLOSED;
    int replied = state == ST_REPLIED || state == ST_VISITED || state == ST_CLOSED;
    int visited = state == ST_VISITED || state == ST_CLOSED;
    int64_t dis = 0, sign = 0, acc = 0, dl = 0, rep = 0, vis = 0, clo = 0;
    if (dispatched) {
        dis = rec + 600 + rng_below(r, 4 * 3600);
        sign = dis + DAY_SECONDS;
        dl = dis + limit_seconds(kind);
    }
    if (accepted)
        acc = dis + rng_below(r, 30 * 3600); /* about one in five signs late */
    if (replied)                             /* about one in eight replies late */
        rep = acc + rng_below(r, (int)((dl - acc) * 8 / 7 + 1));
    if (visited)
        vis = rep + rng_below(r, 3 * DAY_SECONDS);
    if (state == ST_CLOSED)
        clo = vis + rng_below(r, 2 * DAY_SECONDS);
    w->id = id;
    w->kind = kind;
    w->state = state;
    w->channel_id = 1 + rng_below(r, NELEM(channels));
    w->area_id = 1 + rng_below(r, 10);
    w->urgency = rng_below(r, 50) ? URG_NORMAL : URG_URGENT;
    w->lead_unit_id = 0;
    if (dispatched) { /* a few busy units get most appeals */
        int a = rng_below(r, REPORT_UNITS);
        int b = rng_below(r, REPORT_UNITS);
        w->lead_unit_id = 1 + (a * b) / REPORT_UNITS;
    }
    const int64_t times[] = {rec, dis, sign, acc, dl, rep, vis, clo};
    memcpy(w->times, times, sizeof(times));
    w->merged_into = 0;
    if (state == ST_MERGED)
        w->merged_into = id - 1 - rng_below(r, (int)(id - 1 < 50 ? id - 1 : 50));
    w->reply_text = replied ? replies[rng_below(r, NELEM(replies))] : NULL;
    w->visit_solved = visited ? 1 + (rng_below(r, 10) == 0) * 2 : 0;
    w->visit_satisfaction = visited ? 1 + rng_below(r, 10) / 6 : 0;
    w->urge_count = rng_below(r, 20) == 0;
    w->events = 1 + dispatched + accepted + replied + visited + (state == ST_CLOSED);
    /* The caller reached 0 to 6 hours after signing (so some after the sign deadline): a
     * function of the id, not a draw, so the other columns stay what they were before
     * contacted_at existed. */
    w->contacted_at = acc ? acc + (int64_t)((uint64_t)id * 2654435761u % (6 * 3600)) : 0;
}

/* The report database's units: 20 departments, then streets. */
static void report_unit(int u, char code[16], char name[64], int *kind)
{
    snprintf(code, 16, "U%04d", u);
    if (u <= (int)NELEM(departments))
        snprintf(name, 64, "区%s", departments[u - 1]);
    else
        snprintf(name, 64, "%s%d号片区", places[u % NELEM(places)], u);
    *kind = u <= (int)NELEM(departments) ? UNIT_DEPARTMENT : UNIT_STREET;
}

#define REPORT_COLUMNS                                                                         \
    "id, code, title, content, channel_id, area_id, kind, urgency, citizen_name, phone, "      \
    "id_number, address, state, lead_unit_id, received_at, dispatched_at, sign_deadline, "     \
    "accepted_at, deadline, replied_at, visited_at, closed_at, merged_into, reply_text, "      \
    "visit_solved, visit_satisfaction, urge_count, version, last_seq, contacted_at"

static void report_build(const char *path, long m)
{
    sqlite3 *db = raw_open(path);
    /* Only the build goes faster this way (no WAL copy, a cache for the indexes); the
     * service reopens the file in WAL mode before anything is timed. */
    raw_exec(db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
                 "PRAGMA foreign_keys = OFF; PRAGMA cache_size = -262144; BEGIN");
    sqlite3_stmt *unit = raw_prep(db, "INSERT INTO units (id, code, name, kind) VALUES (?,?,?,?)");
    for (int u = 1; u <= REPORT_UNITS; u++) {
        char code[16], name[64];
        int kind;
        report_unit(u, code, name, &kind);
        sqlite3_bind_int(unit, 1, u);
        sqlite3_bind_text(unit, 2, code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(unit, 3, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(unit, 4, kind);
        raw_step(db, unit);
    }
    sqlite3_finalize(unit);
    sqlite3_stmt *st = raw_prep(db, "INSERT INTO appeals (" REPORT_COLUMNS ") VALUES "
                                    "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    struct report_gen g;
    struct report_row w;
    report_gen_init(&g, m);
    for (long i = 0; i < m; i++) {
        report_next(&g, i, &w);
        int i_ = 1;
        sqlite3_bind_int64(st, i_++, w.id);
        sqlite3_bind_text(st, i_++, w.code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, i_++, w.t.title, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, i_++, w.t.content, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, i_++, w.channel_id);
        sqlite3_bind_int(st, i_++, w.area_id);
        sqlite3_bind_int(st, i_++, w.kind);
        sqlite3_bind_int(st, i_++, w.urgency);
        bind_str(st, i_++, w.t.name);
        bind_str(st, i_++, w.t.phone);
        bind_str(st, i_++, w.t.id_number);
        bind_str(st, i_++, w.t.address);
        sqlite3_bind_int(st, i_++, w.state);
        if (w.lead_unit_id)
            sqlite3_bind_int64(st, i_++, w.lead_unit_id);
        else
            sqlite3_bind_null(st, i_++);
        for (size_t k = 0; k < NELEM(w.times); k++)
            sqlite3_bind_int64(st, i_++, w.times[k]);
        if (w.merged_into)
            sqlite3_bind_int64(st, i_++, w.merged_into);
        else
            sqlite3_bind_null(st, i_++);
        if (w.reply_text)
            sqlite3_bind_text(st, i_++, w.reply_text, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, i_++);
        sqlite3_bind_int(st, i_++, w.visit_solved);
        sqlite3_bind_int(st, i_++, w.visit_satisfaction);
        sqlite3_bind_int(st, i_++, w.urge_count);
        sqlite3_bind_int(st, i_++, w.events);
        sqlite3_bind_int(st, i_++, w.events);
        sqlite3_bind_int64(st, i_++, w.contacted_at);
        raw_step(db, st);
    }
    sqlite3_finalize(st);
    raw_exec(db, "COMMIT");
    if (sqlite3_close(db) != SQLITE_OK)
        die_db("cannot close the report database", db);
}

/* COPY text format: a field, or \N for NULL (optional texts: empty is NULL, as bind_str). */
struct copybuf {
    char *b;
    size_t n, cap;
};

static void cb_raw(struct copybuf *c, const char *s, size_t len)
{
    if (c->n + len + 1 > c->cap) {
        c->cap = (c->n + len + 1) * 2;
        c->b = xrealloc(c->b, c->cap);
    }
    memcpy(c->b + c->n, s, len);
    c->n += len;
}

static void cb_sep(struct copybuf *c, int first)
{
    if (!first)
        cb_raw(c, "\t", 1);
}

static void cb_str(struct copybuf *c, const char *s, int first)
{
    cb_sep(c, first);
    if (!s || !*s) {
        cb_raw(c, "\\N", 2);
        return;
    }
    for (; *s; s++) {
        const char *esc = *s == '\\' ? "\\\\" : *s == '\t' ? "\\t" : *s == '\n' ? "\\n"
                                                             : *s == '\r' ? "\\r" : NULL;
        if (esc)
            cb_raw(c, esc, 2);
        else
            cb_raw(c, s, 1);
    }
}

static void cb_int(struct copybuf *c, int64_t v, int null_if_zero)
{
    char b[24];
    cb_sep(c, 0);
    if (null_if_zero && v == 0) {
        cb_raw(c, "\\N", 2);
        return;
    }
    int n = snprintf(b, sizeof(b), "%lld", (long long)v);
    cb_raw(c, b, (size_t)n);
}

static void copy_flush(PGconn *c, struct copybuf *cb)
{
    if (cb->n && PQputCopyData(c, cb->b, (int)cb->n) != 1)
        die_pg("COPY failed", c, NULL);
    cb->n = 0;
}

/* The same rows on PostgreSQL: the program's schema, then one COPY (triggers and foreign
 * key checks off for the load, as pg_restore does), then VACUUM ANALYZE, so the timed
 * queries meet a table as autovacuum would leave it. */
static void report_build_pg(const char *url, long m)
{
    store_t *sto;
    struct err e = {0};
    if (store_open(&sto, url, &e) < 0 || store_migrate(sto, &e) < 0)
        die("cannot create the report schema", &e);
    store_close(sto);
    PGconn *c = pg_connect(url);
    PQclear(PQexec(c, "SET session_replication_role = replica")); /* superusers only */
    pg_exec(c, "BEGIN");
    for (int u = 1; u <= REPORT_UNITS; u++) {
        char code[16], name[64], id[16], kind_s[8];
        int kind;
        report_unit(u, code, name, &kind);
        snprintf(id, sizeof(id), "%d", u);
        snprintf(kind_s, sizeof(kind_s), "%d", kind);
        const char *v[] = {id, code, name, kind_s};
        PQclear(pg_run(c, "INSERT INTO units (id, code, name, kind) VALUES ($1,$2,$3,$4)", 4, v));
    }
    pg_exec(c, "SELECT setval(pg_get_serial_sequence('units', 'id'), 1000)");
    PGresult *r = PQexec(c, "COPY appeals (" REPORT_COLUMNS ") FROM STDIN");
    if (PQresultStatus(r) != PGRES_COPY_IN)
        die_pg("cannot start COPY", c, r);
    PQclear(r);
    struct report_gen g;
    struct report_row w;
    struct copybuf cb = {0};
    report_gen_init(&g, m);
    for (long i = 0; i < m; i++) {
        report_next(&g, i, &w);
        char id[24];
        snprintf(id, sizeof(id), "%lld", (long long)w.id);
        cb_str(&cb, id, 1);
        cb_str(&cb, w.code, 0);
        cb_str(&cb, w.t.title, 0);
        cb_str(&cb, w.t.content, 0);
        cb_int(&cb, w.channel_id, 0);
        cb_int(&cb, w.area_id, 0);
        cb_int(&cb, w.kind, 0);
        cb_int(&cb, w.urgency, 0);
        cb_str(&cb, w.t.name, 0);
        cb_str(&cb, w.t.phone, 0);
        cb_str(&cb, w.t.id_number, 0);
        cb_str(&cb, w.t.address, 0);
        cb_int(&cb, w.state, 0);
        cb_int(&cb, w.lead_unit_id, 1);
        for (size_t k = 0; k < NELEM(w.times); k++)
            cb_int(&cb, w.times[k], 0);
        cb_int(&cb, w.merged_into, 1);
        cb_str(&cb, w.reply_text, 0);
        cb_int(&cb, w.visit_solved, 0);
        cb_int(&cb, w.visit_satisfaction, 0);
        cb_int(&cb, w.urge_count, 0);
        cb_int(&cb, w.events, 0);
        cb_int(&cb, w.events, 0);
        cb_int(&cb, w.contacted_at, 0);
        cb_raw(&cb, "\n", 1);
        if (cb.n > 256 * 1024)
            copy_flush(c, &cb);
    }
    copy_flush(c, &cb);
    free(cb.b);
    if (PQputCopyEnd(c, NULL) != 1)
        die_pg("COPY failed", c, NULL);
    r = PQgetResult(c);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        die_pg("COPY failed", c, r);
    PQclear(r);
    while ((r = PQgetResult(c)))
        PQclear(r);
    pg_exec(c, "SELECT setval(pg_get_serial_sequence('appeals', 'id'), "
               "(SELECT max(id) FROM appeals))");
    pg_exec(c, "COMMIT");
    pg_exec(c, "VACUUM ANALYZE");
    PQfinish(c);
}

/* What the report counts per lead unit, in SQL (definitions in core/report.h). */
static const char sql_reference[] =
    "SELECT coalesce(lead_unit_id, 0), count(*), "
    "sum(el), sum(el AND rep), "
    "sum(el AND deadline > 0 AND (rep OR replied_at > 0 OR ?3 > deadline)), "
    "sum(el AND deadline > 0 AND (rep OR replied_at > 0) AND replied_at > 0 "
    "    AND replied_at <= deadline), "
    "sum(el AND deadline > 0 AND NOT (rep OR replied_at > 0) AND ?3 > deadline) "
    "FROM (SELECT lead_unit_id, deadline, replied_at, state NOT IN (8, 9) AS el, "
    "      state IN (4, 5, 6) AS rep FROM appeals "
    "      WHERE received_at >= ?1 AND received_at < ?2) "
    "GROUP BY 1";

/* The rows the report reads (store_fact_scan's query: the columns of FACT_COLS in
 * src/store/ops_appeals.c, kept equal by hand), stepped with nothing done to them: the
 * floor of reading them through SQLite. */
#define FACT_COLS                                                                                  \
    "id, code, state, kind, urgency, channel_id, coalesce(area_id, 0), "                           \
    "coalesce(lead_unit_id, 0), received_at, dispatched_at, deadline, sign_deadline, "             \
    "accepted_at, replied_at, visit_solved, visit_satisfaction, urge_count, supervise_level, "    \
    "redo_count, contacted_at"
static const char sql_rows[] = "SELECT " FACT_COLS " FROM appeals "
                               "WHERE received_at >= ?1 AND received_at < ?2 "
                               "ORDER BY received_at, id";

/* The same two on PostgreSQL: booleans do not sum there, so the aggregate counts with
 * FILTER; the floor fetches every row in one result and converts every value. */
static const char pg_sql_reference[] =
    "SELECT coalesce(lead_unit_id, 0), count(*), "
    "count(*) FILTER (WHERE el), count(*) FILTER (WHERE el AND rep), "
    "count(*) FILTER (WHERE el AND deadline > 0 AND (rep OR replied_at > 0 OR $3 > deadline)), "
    "count(*) FILTER (WHERE el AND deadline > 0 AND (rep OR replied_at > 0) AND replied_at > 0 "
    "    AND replied_at <= deadline), "
    "count(*) FILTER (WHERE el AND deadline > 0 AND NOT (rep OR replied_at > 0) "
    "    AND $3 > deadline) "
    "FROM (SELECT lead_unit_id, deadline, replied_at, state NOT IN (8, 9) AS el, "
    "      state IN (4, 5, 6) AS rep FROM appeals "
    "      WHERE received_at >= $1 AND received_at < $2) s "
    "GROUP BY 1";

static const char pg_sql_rows[] = "SELECT " FACT_COLS " FROM appeals "
                                  "WHERE received_at >= $1 AND received_at < $2 "
                                  "ORDER BY received_at, id";

struct report_result {
    double report_s, sql_s, read_s;
};

/* The counts both sides must agree on (a report's tally keeps numerators in hundredths of
 * an appeal and by figure; totals_of() reads these out of it). */
struct totals {
    int64_t received, eligible, replied, due, timely, overdue;
};

static void totals_of(const struct tally *t, struct totals *out)
{
    out->received = t->received;
    out->eligible = t->eligible;
    out->replied = tally_count(t, FIG_REPLY);
    out->due = t->den[FIG_TIMELY];
    out->timely = tally_count(t, FIG_TIMELY);
    out->overdue = t->overdue;
}

static volatile int64_t time_sql_sink; /* the floor's column reads go somewhere */

/* Runs a query REPORT_RUNS times and returns the fastest time. An aggregate's rows are
 * summed from column `first` on into `sum`; first < 0 only reads every column and counts
 * the rows into sum->received. */
static double time_sql(sqlite3 *db, const char *sql, int first, int64_t start, int64_t end,
                       int64_t as_of, struct totals *sum)
{
    sqlite3_stmt *st = raw_prep(db, sql);
    /* The floor reads each column once, as the store does: a TEXT column (the code) as
     * text, the others as integers; which is which is known before the loop. */
    int ncols = sqlite3_column_count(st), is_text[64] = {0};
    for (int c = 0; c < ncols && c < (int)NELEM(is_text); c++) {
        const char *type = sqlite3_column_decltype(st, c);
        is_text[c] = type && !strcmp(type, "TEXT");
    }
    double best = 1e30;
    for (int k = 0; k < REPORT_RUNS; k++) {
        memset(sum, 0, sizeof(*sum));
        double t0 = now_s();
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, start);
        sqlite3_bind_int64(st, 2, end);
        if (sqlite3_bind_parameter_count(st) >= 3)
            sqlite3_bind_int64(st, 3, as_of);
        int rc;
        int64_t sink = 0;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            if (first < 0) {
                sum->received++;
                for (int c = 0; c < ncols; c++)
                    if (is_text[c])
                        sink += *sqlite3_column_text(st, c) + sqlite3_column_bytes(st, c);
                    else
                        sink += sqlite3_column_int64(st, c);
                continue;
            }
            int64_t *f[] = {&sum->received, &sum->eligible, &sum->replied,
                            &sum->due,      &sum->timely,   &sum->overdue};
            for (int c = 0; c < 6; c++)
                *f[c] += sqlite3_column_int64(st, first + c);
        }
        if (rc != SQLITE_DONE)
            die_db("reference query failed", db);
        double t = now_s() - t0;
        best = t < best ? t : best;
        time_sql_sink += sink;
    }
    sqlite3_finalize(st);
    return best;
}

/* time_sql() through libpq: prepared once, run REPORT_RUNS times, the fastest counts. */
static double time_sql_pg(PGconn *c, const char *name, const char *sql, int first, int nparams,
                          int64_t start, int64_t end, int64_t as_of, struct totals *sum)
{
    PGresult *r = PQprepare(c, name, sql, 0, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        die_pg("cannot prepare the reference query", c, r);
    PQclear(r);
    struct pgparams p = {0};
    pp_int(&p, start);
    pp_int(&p, end);
    pp_int(&p, as_of);
    double best = 1e30;
    for (int k = 0; k < REPORT_RUNS; k++) {
        memset(sum, 0, sizeof(*sum));
        double t0 = now_s();
        r = PQexecPrepared(c, name, nparams, p.v, NULL, NULL, 0);
        if (PQresultStatus(r) != PGRES_TUPLES_OK)
            die_pg("reference query failed", c, r);
        int rows = PQntuples(r), cols = PQnfields(r);
        for (int i = 0; i < rows; i++) {
            if (first < 0) {
                sum->received++;
                for (int j = 0; j < cols; j++)
                    time_sql_sink += strtoll(PQgetvalue(r, i, j), NULL, 10);
                continue;
            }
            int64_t *f[] = {&sum->received, &sum->eligible, &sum->replied,
                            &sum->due,      &sum->timely,   &sum->overdue};
            for (int j = 0; j < 6; j++)
                *f[j] += strtoll(PQgetvalue(r, i, first + j), NULL, 10);
        }
        PQclear(r);
        double t = now_s() - t0;
        best = t < best ? t : best;
    }
    return best;
}

/* Both sides must have counted the same thing, or the ratio means nothing. */
static void check_totals(const char *what, const struct tally *t, const struct totals *sum)
{
    struct totals tt;
    totals_of(t, &tt);
    const struct totals *tot = &tt;
    if (sum->received == tot->received && sum->eligible == tot->eligible &&
        sum->replied == tot->replied && sum->due == tot->due && sum->timely == tot->timely &&
        sum->overdue == tot->overdue)
        return;
    fprintf(stderr,
            "bench_store: the report and %s disagree: received %lld/%lld eligible %lld/%lld "
            "replied %lld/%lld due %lld/%lld timely %lld/%lld overdue %lld/%lld\n",
            what, (long long)tot->received, (long long)sum->received, (long long)tot->eligible,
            (long long)sum->eligible, (long long)tot->replied, (long long)sum->replied,
            (long long)tot->due, (long long)sum->due, (long long)tot->timely,
            (long long)sum->timely, (long long)tot->overdue, (long long)sum->overdue);
    exit(1);
}

static void report_run(const char *path, long m, struct report_result *out)
{
    struct service svc;
    struct err e = {0};
    char from[11], to[11];
    civil_format_date(civil_days(YEAR, 1, 1), from);
    civil_format_date(civil_days(YEAR, 12, 31), to);
    int64_t as_of = civil_site_midnight(civil_days(YEAR + 1, 1, 10));
    if (service_open(&svc, path, OPEN_EXISTING, &e) < 0)
        die("cannot open the report database", &e);
    struct report rep;
    out->report_s = 1e30;
    for (int k = 0; k < REPORT_RUNS; k++) {
        double t0 = now_s();
        if (svc_report(&svc, &svc_system, from, to, 0, as_of, &rep, &e) < 0)
            die("report failed", &e);
        double t = now_s() - t0;
        out->report_s = t < out->report_s ? t : out->report_s;
        if (k + 1 < REPORT_RUNS)
            report_release(&rep);
    }
    service_close(&svc);

    int64_t start, end;
    report_range(&rep, &start, &end);
    struct totals sum;
    if (pg_base) {
        PGconn *c = pg_connect(path);
        out->sql_s = time_sql_pg(c, "agg", pg_sql_reference, 1, 3, start, end, as_of, &sum);
        check_totals("the SQL aggregate", &rep.total, &sum);
        out->read_s = time_sql_pg(c, "rows", pg_sql_rows, -1, 2, start, end, as_of, &sum);
        PQfinish(c);
    } else {
        sqlite3 *db;
        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
            SQLITE_OK)
            die_db("cannot open the report database", db);
        out->sql_s = time_sql(db, sql_reference, 1, start, end, as_of, &sum);
        check_totals("the SQL aggregate", &rep.total, &sum);
        out->read_s = time_sql(db, sql_rows, -1, start, end, as_of, &sum);
        sqlite3_close(db);
    }
    struct totals tt;
    totals_of(&rep.total, &tt);
    const struct totals *tot = &tt;
    if (tot->received != m || sum.received != m) {
        fprintf(stderr, "bench_store: the report counted %lld appeals and the scan %lld, not %ld\n",
                (long long)tot->received, (long long)sum.received, m);
        exit(1);
    }
    printf("  checked: SQL totals equal the report's (received %lld, eligible %lld, replied %lld, "
           "due %lld, timely %lld, overdue %lld; %zu units)\n",
           (long long)tot->received, (long long)tot->eligible, (long long)tot->replied,
           (long long)tot->due,
           (long long)tot->timely, (long long)tot->overdue, rep.by_unit.n);
    report_release(&rep);
}

/* ---- --make-report-db ------------------------------------------------------------ */

static const char *made_db; /* removed at exit unless the build finished */

static void made_db_remove(void)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    char f[4200];
    if (!made_db)
        return;
    for (int k = 0; k < 4; k++) {
        snprintf(f, sizeof(f), "%s%s", made_db, suffix[k]);
        unlink(f);
    }
}

/* Phase C's database at `path` and nothing else: a file of the program's own schema
 * (store_migrate), the 60 units, the seeded areas and channels, and M appeals with Chinese
 * titles. A half-built file is removed. */
static int make_report_db(const char *path, long m)
{
    struct stat sb;
    if (lstat(path, &sb) == 0) {
        fprintf(stderr, "bench_store: '%s' exists; --make-report-db makes a new file\n", path);
        return 2;
    }
    made_db = path;
    atexit(made_db_remove); /* also after die() */
    double t0 = now_s();
    report_build(path, m);
    made_db = NULL;
    printf("report database %s: %ld appeals received in %d, built in %.1f s, %.1f MiB\n", path,
           m, YEAR, now_s() - t0, file_mib(path));
    return 0;
}

/* ---- main ------------------------------------------------------------------------- */

/* A JSON number, or null for a figure this run did not measure. */
static void json_num(const char *key, double v, int last)
{
    if (v >= 0)
        printf("\"%s\":%.6g%s", key, v, last ? "" : ",");
    else
        printf("\"%s\":null%s", key, last ? "" : ",");
}

static double ratio(double num, double den)
{
    return num > 0 && den > 0 ? num / den : -1;
}

static void print_ratio(const char *what, double num_per_s, double den_per_s)
{
    if (num_per_s > 0 && den_per_s > 0)
        printf("  %-38s %7.2fx   (inverse %.3f)\n", what, num_per_s / den_per_s,
               den_per_s / num_per_s);
}

int main(int argc, char **argv)
{
    struct opts o;
    parse_opts(argc, argv, &o);
    if (o.make_db)
        return make_report_db(o.make_db, o.report_appeals);
    double t_run = now_s();
    wd.keep = o.keep;
    workdir_make(o.parent);
    char today[11], server[32] = "";
    civil_format_date(civil_site_date((int64_t)time(NULL)), today);
    if (o.pg_base) {
        pg_admin_open(o.pg_base, o.keep);
        const char *v = PQparameterStatus(pg_admin, "server_version");
        snprintf(server, sizeof(server), "%s", v ? v : "?");
        printf("bench_store %s  PostgreSQL %s  appeals %ld  report appeals %ld  server %s\n",
               today, server, o.appeals, o.report_appeals, o.pg_base);
    } else {
        printf("bench_store %s  SQLite %s  appeals %ld  report appeals %ld  dir %s\n", today,
               sqlite3_libversion(), o.appeals, o.report_appeals, wd.path);
    }
    const char *raw_label = o.pg_base ? "raw libpq, 5 statements, 1 commit"
                                      : "raw SQLite, 4 INSERTs, 1 commit";
    const char *raw_label_b = o.pg_base ? "raw libpq, 5 statements, one commit"
                                        : "raw SQLite, 4 INSERTs, one commit";

    double s_tx = -1, r_tx = -1, s_b = -1, r_b = -1;
    if (o.appeals > 0) {
        struct spec *sp = make_specs(o.appeals, BENCH_UNIT_ID, BENCH_AREA_ID);
        struct variant tx[] = {
            {.flag = V_SHISHI_TX,
             .file = "shishi_tx.db",
             .engine = ENG_SHISHI,
             .label = "shishi svc_register + svc_act"},
            {.flag = V_RAW_TX,
             .file = "raw_tx.db",
             .engine = ENG_RAW,
             .label = raw_label},
        };
        struct variant batch[] = {
            {.flag = V_SHISHI_BATCH,
             .file = "shishi_batch.db",
             .engine = ENG_SHISHI,
             .batched = 1,
             .label = "shishi, one outer store_begin"},
            {.flag = V_RAW_BATCH,
             .file = "raw_batch.db",
             .engine = ENG_RAW,
             .batched = 1,
             .label = raw_label_b},
        };
        struct sql_profile prof_tx, prof_batch;
        memset(&prof_tx, 0, sizeof(prof_tx));
        memset(&prof_batch, 0, sizeof(prof_batch));
        if (o.profile) {
            tx[0].prof = &prof_tx;
            batch[0].prof = &prof_batch;
        }
        if (o.variants & (V_SHISHI_TX | V_RAW_TX)) {
            printf("register + dispatch, one transaction per use case (%d rounds, taking turns)\n",
                   ROUNDS);
            run_group(tx, (int)NELEM(tx), o.variants, sp, o.appeals);
            s_tx = rate_of(&tx[0], o.variants, o.appeals);
            r_tx = rate_of(&tx[1], o.variants, o.appeals);
            print_ratio("ratio raw/shishi (x slower)", r_tx, s_tx);
        }
        if (o.variants & (V_SHISHI_BATCH | V_RAW_BATCH)) {
            printf("register + dispatch, all in one transaction (an import)\n");
            run_group(batch, (int)NELEM(batch), o.variants, sp, o.appeals);
            s_b = rate_of(&batch[0], o.variants, o.appeals);
            r_b = rate_of(&batch[1], o.variants, o.appeals);
            print_ratio("ratio raw/shishi (x slower)", r_b, s_b);
        }
        free_specs(sp, o.appeals);
    }

    struct report_result rr = {-1, -1, -1};
    if (o.report_appeals > 0) {
        const char *path = o.pg_base ? pg_create("report.db") : workdir_db("report.db");
        printf("report over %ld appeals received in %d (min of %d runs)\n", o.report_appeals, YEAR,
               REPORT_RUNS);
        double t0 = now_s();
        if (o.pg_base) {
            report_build_pg(path, o.report_appeals);
            printf("  (built with COPY in %.1f s, db %.1f MiB)\n", now_s() - t0, pg_mib(path));
        } else {
            report_build(path, o.report_appeals);
            printf("  (built with plain SQLite in %.1f s, db %.1f MiB)\n", now_s() - t0,
                   file_mib(path));
        }
        fflush(stdout);
        report_run(path, o.report_appeals, &rr);
        printf("  %-38s %9.3f s\n", "shishi svc_report (whole year)", rr.report_s);
        printf("  %-38s %9.3f s\n", "SQL aggregate GROUP BY lead_unit_id", rr.sql_s);
        printf("  %-38s %9.3f s\n", "SQL read of the same rows (floor)", rr.read_s);
        printf("  %-38s %9.2fx\n", "ratio shishi/SQL GROUP BY (x slower)", rr.report_s / rr.sql_s);
        printf("  %-38s %9.2fx\n", "ratio shishi/SQL floor (x slower)", rr.report_s / rr.read_s);
        if (o.pg_base)
            pg_drop(path);
        else
            remove_db(path);
    }

    printf("(whole run %.0f s)\n", now_s() - t_run);
    printf("{\"date\":\"%s\",\"backend\":\"%s\",\"sqlite\":\"%s\",", today,
           o.pg_base ? "postgresql" : "sqlite", sqlite3_libversion());
    if (o.pg_base)
        printf("\"postgresql\":\"%s\",", server);
    printf("\"appeals\":%ld,", o.appeals);
    json_num("register_dispatch_per_s", s_tx, 0);
    json_num("raw_sqlite_per_s", r_tx, 0);
    json_num("ratio", ratio(r_tx, s_tx), 0);
    json_num("shishi_over_raw", ratio(s_tx, r_tx), 0);
    json_num("register_dispatch_batched_per_s", s_b, 0);
    json_num("raw_sqlite_batched_per_s", r_b, 0);
    json_num("ratio_batched", ratio(r_b, s_b), 0);
    json_num("shishi_over_raw_batched", ratio(s_b, r_b), 0);
    printf("\"report_appeals\":%ld,", o.report_appeals);
    json_num("report_s", rr.report_s, 0);
    json_num("report_sql_s", rr.sql_s, 0);
    json_num("report_sql_read_s", rr.read_s, 0);
    json_num("report_ratio", ratio(rr.report_s, rr.sql_s), 0);
    json_num("report_ratio_read", ratio(rr.report_s, rr.read_s), 1);
    printf("}\n");
    return 0;
}
