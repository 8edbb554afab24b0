#!/usr/bin/env python3
"""bulletin_ref.py -- the SQL reference of bench_bulletin.sh, and its self-check.

  bulletin_ref.py sql --db DB --at T (--month YYYY-MM | --from D --to D)   > agg.sql
      the bare SQL that computes every count of the bulletin's summary (本期 and 上期), its
      four breakdowns (channel, area, town, lead unit; 本期 and 上期) and its 12-month trend,
      for `sqlite3 DB < agg.sql`. One scan of the appeals in the union of the three ranges,
      grouped by (本期?, 上期?, month of the trend, channel, area, unit) into a temp table,
      then rolled up per section from that small table. Ids must fit the packed group key
      (units below 2^20, areas and channels below 4096).
  bulletin_ref.py check --db DB --at T (...) AGG_OUT BULLETIN.csv
      compares the bulletin's CSV (summary, breakdowns, trend) with the figures computed from
      the SQL's output; prints one line, exits 1 on a difference.

DB is only read here for the newest rule set (weights, shares, exclusions, whether a
response needs the caller contacted; absent keys take ruleset_default()'s values) and for
whether appeals have contacted_at. The definitions are core/report.h's (report_judge), the
periods svc_bulletin()'s (service/assess.c). Rows and columns of the CSV are found by their
labels; a label not known here is listed as not checked. Not part of the test run."""
import csv
import datetime as dt
import io
import json
import math
import sqlite3
import sys

SITE_OFFSET = 8 * 3600  # util/civil.h: the site's zone is UTC+08:00
EPOCH = dt.date(1970, 1, 1).toordinal()
NONE = "—"
# enum figure order (core/ruleset.h): tally_score() sums in this order
FIGURES = ["reply", "timely", "sign", "response", "resolution", "satisfaction"]
LABELS = {"回复率": "reply", "及时处理率": "timely", "签收率": "sign", "响应率": "response",
          "解决率": "resolution", "满意率": "satisfaction"}
COUNTS = {"受理量": "received", "纳入考核量": "eligible", "已答复量": "replied",
          "超期未答复量": "overdue", "超期未答复": "overdue"}


class Rules:
    """The newest rule set of the database, as ruleset_from_json() reads it."""

    def __init__(self, db):
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        body = con.execute("SELECT body FROM rule_sets ORDER BY version DESC LIMIT 1").fetchone()
        cols = [r[1] for r in con.execute("PRAGMA table_info(appeals)")]
        con.close()
        o = json.loads(body[0]) if body else {}
        self.weight = {"response": 30, "resolution": 35, "satisfaction": 35}
        for k, w in o.get("weights", {}).items():
            self.weight[k[:-len("_rate")]] = int(w)
        self.basic = int(o.get("basic_satisfied_share", 100))
        self.partly = int(o.get("partly_solved_share", 0))
        excl = o.get("exclude", ["rejected", "merged"])
        self.excluded = sorted({8 for x in excl if x in ("rejected", "不予受理")} |
                               {9 for x in excl if x in ("merged", "已并单")})
        self.has_contact = "contacted_at" in cols
        self.contact = self.has_contact and bool(o.get("response_needs_contact", True))


def day(s):
    return dt.date.fromisoformat(s).toordinal() - EPOCH


def date_of(d):
    return dt.date.fromordinal(d + EPOCH)


def midnight(d):  # civil_site_midnight
    return d * 86400 - SITE_OFFSET


def month_start(d, delta):
    x = date_of(d)
    months = x.year * 12 + (x.month - 1) + delta
    return day(f"{months // 12:04d}-{months % 12 + 1:02d}-01")


def instant(s):  # --at YYYY-MM-DDTHH:MM[:SS] in the site's zone
    t = dt.datetime.fromisoformat(s)
    return (t.date().toordinal() - EPOCH) * 86400 + t.hour * 3600 + t.minute * 60 + t.second \
        - SITE_OFFSET


def periods(args):
    """(from, to), (prev_from, prev_to) and the 12 trend months, as day numbers."""
    if args.get("month"):
        f = day(args["month"] + "-01")
        t = month_start(f, 1) - 1
        pf, pt = month_start(f, -1), f - 1
    else:
        f, t = day(args["from"]), day(args["to"])
        pt = f - 1
        pf = pt - (t - f)
    last = month_start(t, 0)
    trend = [(month_start(last, -i), month_start(last, -i + 1) - 1) for i in range(11, -1, -1)]
    return (f, t), (pf, pt), trend


# What the SQL returns for every group, in this order (numerators of shares in hundredths).
COLUMNS = ["received", "eligible", "replied", "due", "timely", "overdue", "sign_den",
           "sign_num", "resp_num", "res_den", "res_num", "sat_den", "sat_num"]


def make_sql(args, rules):
    (f, t), (pf, pt), trend = periods(args)
    as_of = instant(args["at"])
    c0, c1 = midnight(f), midnight(t + 1)
    p0, p1 = midnight(pf), midnight(pt + 1)
    bounds = [midnight(m0) for m0, _ in trend] + [midnight(trend[-1][1] + 1)]
    lo, hi = min(c0, p0, bounds[0]), max(c1, p1, bounds[-1])
    mon = "CASE WHEN received_at < %d OR received_at >= %d THEN -1 " % (bounds[0], bounds[-1])
    mon += " ".join("WHEN received_at < %d THEN %d" % (bounds[k + 1], k) for k in range(11))
    mon += " ELSE 11 END"
    # eligible: not in a state the rules exclude (default rejected 8, merged 9)
    el = "state NOT IN (%s)" % ", ".join(map(str, rules.excluded)) if rules.excluded else "1"
    rep = "state IN (4, 5, 6)"  # replied, visited or closed
    signed = "accepted_at > 0 AND accepted_at <= sign_deadline"
    contacted = " AND contacted_at > 0 AND contacted_at <= sign_deadline" if rules.contact else ""
    partly, basic = rules.partly, rules.basic
    figures = ", ".join(COLUMNS)
    sums = ", ".join("sum(%s)" % c for c in COLUMNS)
    out = f""".bail on
.mode list
.separator |
-- The group key is one integer (cur, prev, month + 1, channel, area, unit in bits 50, 49,
-- 44-48, 32-43, 20-31, 0-19): sorting one column is faster than sorting six.
CREATE TEMP TABLE f AS
SELECT k >> 50 AS cur, (k >> 49) & 1 AS prev, ((k >> 44) & 31) - 1 AS mon,
    (k >> 32) & 4095 AS ch, (k >> 20) & 4095 AS ar, k & 1048575 AS un, {figures}
FROM (
SELECT (({c0} <= received_at AND received_at < {c1}) << 50)
    | (({p0} <= received_at AND received_at < {p1}) << 49)
    | (({mon} + 1) << 44)
    | (channel_id << 32) | (coalesce(area_id, 0) << 20) | coalesce(lead_unit_id, 0) AS k,
    count(*) AS received,
    count(*) FILTER (WHERE {el}) AS eligible,
    count(*) FILTER (WHERE {el} AND {rep}) AS replied,
    count(*) FILTER (WHERE {el} AND deadline > 0
                     AND ({rep} OR replied_at > 0 OR {as_of} > deadline)) AS due,
    count(*) FILTER (WHERE {el} AND deadline > 0 AND replied_at > 0
                     AND replied_at <= deadline) AS timely,
    count(*) FILTER (WHERE {el} AND NOT {rep} AND deadline > 0 AND replied_at = 0
                     AND {as_of} > deadline) AS overdue,
    count(*) FILTER (WHERE {el} AND sign_deadline > 0
                     AND (accepted_at > 0 OR {as_of} > sign_deadline)) AS sign_den,
    count(*) FILTER (WHERE {el} AND sign_deadline > 0 AND {signed}) AS sign_num,
    count(*) FILTER (WHERE {el} AND sign_deadline > 0 AND {signed}{contacted}) AS resp_num,
    count(*) FILTER (WHERE {el} AND visit_solved BETWEEN 1 AND 3) AS res_den,
    100 * count(*) FILTER (WHERE {el} AND visit_solved = 1)
        + {partly} * count(*) FILTER (WHERE {el} AND visit_solved = 2) AS res_num,
    count(*) FILTER (WHERE {el} AND visit_satisfaction BETWEEN 1 AND 3) AS sat_den,
    100 * count(*) FILTER (WHERE {el} AND visit_satisfaction = 1)
        + {basic} * count(*) FILTER (WHERE {el} AND visit_satisfaction = 2) AS sat_num
FROM appeals WHERE received_at >= {lo} AND received_at < {hi}
GROUP BY k);
-- each unit's town or street (kind 3, 4): itself or its nearest such ancestor, else 0
CREATE TEMP TABLE town AS
WITH RECURSIVE up(unit, at, depth) AS (
    SELECT id, id, 0 FROM units
    UNION ALL
    SELECT up.unit, u.parent_id, up.depth + 1 FROM up JOIN units u ON u.id = up.at
    WHERE u.kind NOT IN (3, 4) AND u.parent_id IS NOT NULL AND up.depth < 32)
SELECT up.unit AS unit, coalesce(max(CASE WHEN u.kind IN (3, 4) THEN u.id END), 0) AS town
FROM up JOIN units u ON u.id = up.at GROUP BY up.unit;
"""
    for per in ("cur", "prev"):
        out += f"SELECT 'total', '{per}', 0, {sums} FROM f WHERE {per};\n"
        out += f"SELECT 'channel', '{per}', ch, {sums} FROM f WHERE {per} GROUP BY ch;\n"
        out += f"SELECT 'area', '{per}', ar, {sums} FROM f WHERE {per} GROUP BY ar;\n"
        out += f"SELECT 'unit', '{per}', un, {sums} FROM f WHERE {per} GROUP BY un;\n"
        out += (f"SELECT 'town', '{per}', coalesce(town.town, 0) AS tw, {sums} FROM f "
                f"LEFT JOIN town ON town.unit = f.un WHERE {per} GROUP BY tw;\n")
    out += f"SELECT 'trend', 'cur', mon, {sums} FROM f WHERE mon >= 0 GROUP BY mon;\n"
    out += ("SELECT 'name', 'channel', id, name FROM channels;\n"
            "SELECT 'name', 'area', id, name FROM areas;\n"
            "SELECT 'name', 'unit', id, name FROM units;\n")
    return out


# ---- the check --------------------------------------------------------------------------

def c_round(x):  # C's round(): halves away from zero
    return math.copysign(math.floor(abs(x) + 0.5), x)


def two_places(x):
    r = c_round(x * 100.0) / 100.0
    return 0.0 if r == 0 else r


def rate_text(r):
    return NONE if r < 0 else "%.2f" % two_places(r)


def change_text(x):
    if x is None:
        return NONE
    x = two_places(x)
    return ("+%.2f" if x > 0 else "%.2f") % x


class Tally:
    """One group's figures from the SQL's output, as struct tally keeps them."""

    def __init__(self, rules, v=None):
        x = dict(zip(COLUMNS, [int(a) if a else 0 for a in (v or [])]))
        for c in COLUMNS:
            x.setdefault(c, 0)
        self.rules = rules
        self.count = {c: x[c] for c in ("received", "eligible", "replied", "overdue")}
        self.due, self.timely = x["due"], x["timely"]
        self.den = {"reply": x["eligible"], "timely": x["due"], "sign": x["sign_den"],
                    "response": x["sign_den"], "resolution": x["res_den"],
                    "satisfaction": x["sat_den"]}
        self.num = {"reply": 100 * x["replied"], "timely": 100 * x["timely"],
                    "sign": 100 * x["sign_num"], "response": 100 * x["resp_num"],
                    "resolution": x["res_num"], "satisfaction": x["sat_num"]}

    def rate(self, fig):  # tally_rate
        return -1 if self.den[fig] <= 0 else self.num[fig] / self.den[fig]

    def score(self):  # tally_score
        s, w = 0.0, 0
        for fig in FIGURES:
            r, wt = self.rate(fig), self.rules.weight.get(fig, 0)
            if wt <= 0 or r < 0:
                continue
            s += r * wt
            w += wt
        return s / w if w else -1


def change(cur, prev):
    return None if prev <= 0 or cur < 0 else (cur - prev) * 100.0 / prev


def points(cur, prev):
    if cur < 0 or prev < 0:
        return None
    return c_round(cur * 100) / 100 - c_round(prev * 100) / 100


def blocks(path):
    """The CSV's tables: title -> (header, rows)."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(io.StringIO(fh.read())))
    out, cur = {}, []
    for r in rows + [[]]:
        if not r:
            if cur:
                out[cur[0][0]] = (cur[1] if len(cur) > 1 else [], cur[2:])
            cur = []
        else:
            cur.append(r)
    return out


def label(s):
    return s[:-3] if s.endswith("(%)") else s


def cell(col, x, p):
    """The text the bulletin shows in column `col` for tally x (p: the same group last
    period), or None for a column this check does not know."""
    col = label(col)
    if col in COUNTS:
        return str(x.count[COUNTS[col]])
    if col in LABELS:
        return rate_text(x.rate(LABELS[col]))
    if col == "上期受理量":
        return str(p.count["received"])
    if col == "环比":
        return change_text(change(x.count["received"], p.count["received"]))
    return None


def check(args, rules, agg_out, csv_path):
    (f, t), _, trend = periods(args)
    data, names = {}, {"channel": {}, "area": {}, "unit": {}}
    with open(agg_out, encoding="utf-8") as fh:
        for line in fh:
            p = line.rstrip("\n").split("|")
            if p[0] == "name":
                names[p[1]][int(p[2])] = p[3]
            else:
                data.setdefault((p[0], p[1]), {})[int(p[2]) if p[2] else 0] = Tally(rules, p[3:])
    b = blocks(csv_path)
    problems, unchecked = [], set()
    ncells = 0

    def same(where, got, want):
        nonlocal ncells
        ncells += 1
        if len(problems) < 10 and got != want:
            problems.append(f"{where}: bulletin {got!r}, SQL {want!r}")

    def block(title):
        for k, v in b.items():
            if k.startswith(title):
                return v
        problems.append(f"no table '{title}' in the CSV")
        return [], []

    empty = Tally(rules)
    cur, prev = data[("total", "cur")][0], data[("total", "prev")][0]
    # 一、总体情况: rows 指标, 本期, 上期, 环比
    _, rows = block("一、总体情况")
    for r in rows:
        name = label(r[0])
        if name in COUNTS:
            c, p = cur.count[COUNTS[name]], prev.count[COUNTS[name]]
            want = [str(c), str(p), change_text(change(c, p))]
        elif name in LABELS or name == "综合得分":
            rc, rp = ((cur.rate(LABELS[name]), prev.rate(LABELS[name])) if name in LABELS
                      else (cur.score(), prev.score()))
            want = [rate_text(rc), rate_text(rp), change_text(points(rc, rp))]
        else:
            unchecked.add("总体情况 " + r[0])
            continue
        same(f"summary '{r[0]}'", r[1:4], want)

    sections = [("channel", "二（一）", "channel", "(未知)"), ("area", "二（二）", "area", "(未分类)"),
                ("town", "二（三）", "unit", "区直部门"), ("unit", "二（四）", "unit", "(未交办)")]
    nrows = 0
    for dim, title, nm, none in sections:
        head, rows = block(title)
        curs, prevs = data.get((dim, "cur"), {}), data.get((dim, "prev"), {})
        keys = sorted(curs)
        same(f"{dim}: number of rows", len(rows), len(keys))
        for key, got in zip(keys, rows):
            x, p = curs[key], prevs.get(key, empty)
            name = (names[nm].get(key, "") if key else "") or none
            same(f"{dim} name", got[0], name)
            for col, g in zip(head[1:], got[1:]):
                want = cell(col, x, p)
                if want is None:
                    unchecked.add(f"{title} {col}")
                else:
                    same(f"{dim} '{name}' {col}", g, want)
        nrows += len(keys)

    head, rows = block("七、")  # the trend: 月份 and figures per month
    tr = data.get(("trend", "cur"), {})
    same("trend: number of months", len(rows), len(trend))
    for k, ((m0, _), got) in enumerate(zip(trend, rows)):
        x = tr.get(k, empty)
        same("trend month", got[0], date_of(m0).isoformat()[:7])
        for col, g in zip(head[1:], got[1:]):
            want = cell(col, x, empty)
            if want is None:
                unchecked.add(f"走势 {col}")
            else:
                same(f"trend {got[0]} {col}", g, want)

    if problems:
        print("  MISMATCH between the bulletin and the SQL aggregate:")
        for p in problems:
            print("    " + p)
        return 1
    print(f"  checked {date_of(f)}..{date_of(t)}: the bulletin's CSV equals the SQL in "
          f"{ncells} cells (受理量 {cur.count['received']}, 纳入考核 {cur.count['eligible']}, "
          f"已答复 {cur.count['replied']}, due {cur.due}, timely {cur.timely}, 超期未答复 "
          f"{cur.count['overdue']}, 上期受理 {prev.count['received']}; summary, {nrows} "
          f"breakdown rows, {len(trend)} trend months)"
          + (f"; not checked: {', '.join(sorted(unchecked))}" if unchecked else ""))
    return 0


def main(argv):
    if len(argv) < 2 or argv[1] not in ("sql", "check"):
        sys.exit(__doc__)
    args, rest, i = {}, [], 2
    while i < len(argv):
        if argv[i] in ("--db", "--at", "--month", "--from", "--to") and i + 1 < len(argv):
            args[argv[i][2:]] = argv[i + 1]
            i += 2
        else:
            rest.append(argv[i])
            i += 1
    if "db" not in args or "at" not in args or not (args.get("month") or
                                                     (args.get("from") and args.get("to"))):
        sys.exit(__doc__)
    rules = Rules(args["db"])
    if argv[1] == "sql":
        sys.stdout.write(make_sql(args, rules))
        return 0
    if len(rest) != 2:
        sys.exit(__doc__)
    return check(args, rules, rest[0], rest[1])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
