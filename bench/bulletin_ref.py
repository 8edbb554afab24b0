#!/usr/bin/env python3
"""bulletin_ref.py -- the SQL reference of bench_bulletin.sh, and its self-check.

  bulletin_ref.py sql --at T (--month YYYY-MM | --from D --to D)   > agg.sql
      the bare SQL that computes every count of the bulletin's summary (本期 and 上期), its
      four breakdowns (channel, area, town, lead unit; 本期 and 上期) and its 12-month trend,
      for `sqlite3 DB < agg.sql`. One scan of the appeals in the union of the three ranges,
      grouped by (本期?, 上期?, month of the trend, channel, area, unit) into a temp table,
      then rolled up per section from that small table.
  bulletin_ref.py check --at T (...) AGG_OUT BULLETIN.csv
      compares the bulletin's CSV (summary, breakdowns, trend) with the figures computed from
      the SQL's output; prints one line, exits 1 on the first difference.

The definitions are core/report.h's under the default rule set (version 1: rejected (8) and
merged (9) excluded, 基本满意 counts 100%, 部分解决 0%, weights response 30 / resolution 35 /
satisfaction 35); the periods are svc_bulletin()'s (service/assess.c). Not part of the test
run."""
import csv
import datetime as dt
import io
import math
import sys

SITE_OFFSET = 8 * 3600  # util/civil.h: the site's zone is UTC+08:00
EPOCH = dt.date(1970, 1, 1).toordinal()
WEIGHTS = [0, 0, 30, 35, 35]  # reply, timely, response, resolution, satisfaction
BASIC_SHARE, PARTLY_SHARE = 100, 0
NONE = "—"


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


def make_sql(args):
    (f, t), (pf, pt), trend = periods(args)
    as_of = instant(args["at"])
    c0, c1 = midnight(f), midnight(t + 1)
    p0, p1 = midnight(pf), midnight(pt + 1)
    bounds = [midnight(m0) for m0, _ in trend] + [midnight(trend[-1][1] + 1)]
    lo, hi = min(c0, p0, bounds[0]), max(c1, p1, bounds[-1])
    mon = "CASE WHEN received_at < %d OR received_at >= %d THEN -1 " % (bounds[0], bounds[-1])
    mon += " ".join("WHEN received_at < %d THEN %d" % (bounds[k + 1], k) for k in range(11))
    mon += " ELSE 11 END"
    figures = ("received, eligible, replied, due, timely, overdue, "
               "resp_den, resp_num, res_den, res_num, sat_den, sat_num")
    sums = ", ".join("sum(%s)" % c for c in figures.split(", "))
    out = f""".bail on
.mode list
.separator |
CREATE TEMP TABLE f AS
SELECT cur, prev, mon, ch, ar, un, count(*) AS received, sum(el) AS eligible,
    sum(el AND rep) AS replied,
    sum(el AND deadline > 0 AND (rep OR replied_at > 0 OR {as_of} > deadline)) AS due,
    sum(el AND deadline > 0 AND (rep OR replied_at > 0) AND replied_at > 0
        AND replied_at <= deadline) AS timely,
    sum(el AND deadline > 0 AND NOT (rep OR replied_at > 0) AND {as_of} > deadline) AS overdue,
    sum(el AND sign_deadline > 0 AND (accepted_at > 0 OR {as_of} > sign_deadline)) AS resp_den,
    sum(el AND sign_deadline > 0 AND accepted_at > 0 AND accepted_at <= sign_deadline)
        AS resp_num,
    sum(el AND visit_solved BETWEEN 1 AND 3) AS res_den,
    sum(CASE WHEN NOT el THEN 0 WHEN visit_solved = 1 THEN 100
             WHEN visit_solved = 2 THEN {PARTLY_SHARE} ELSE 0 END) AS res_num,
    sum(el AND visit_satisfaction BETWEEN 1 AND 3) AS sat_den,
    sum(CASE WHEN NOT el THEN 0 WHEN visit_satisfaction = 1 THEN 100
             WHEN visit_satisfaction = 2 THEN {BASIC_SHARE} ELSE 0 END) AS sat_num
FROM (SELECT received_at >= {c0} AND received_at < {c1} AS cur,
             received_at >= {p0} AND received_at < {p1} AS prev,
             {mon} AS mon,
             channel_id AS ch, coalesce(area_id, 0) AS ar, coalesce(lead_unit_id, 0) AS un,
             state NOT IN (8, 9) AS el, state IN (4, 5, 6) AS rep, deadline, replied_at,
             sign_deadline, accepted_at, visit_solved, visit_satisfaction
      FROM appeals WHERE received_at >= {lo} AND received_at < {hi})
GROUP BY cur, prev, mon, ch, ar, un;
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
    def __init__(self, v=None):
        v = [int(x) if x else 0 for x in (v or [0] * 12)]
        (self.received, self.eligible, self.replied, self.due, self.timely, self.overdue,
         rden, rnum, resden, resnum, satden, satnum) = v
        self.den = [self.eligible, self.due, rden, resden, satden]
        self.num = [100 * self.replied, 100 * self.timely, 100 * rnum, resnum, satnum]

    def rate(self, f):  # tally_rate
        return -1 if self.den[f] <= 0 else self.num[f] / self.den[f]

    def score(self):  # tally_score
        s, w = 0.0, 0
        for f in range(5):
            r = self.rate(f)
            if WEIGHTS[f] <= 0 or r < 0:
                continue
            s += r * WEIGHTS[f]
            w += WEIGHTS[f]
        return s / w if w else -1


def change(cur, prev):
    return None if prev <= 0 or cur < 0 else (cur - prev) * 100.0 / prev


def points(cur, prev):
    if cur < 0 or prev < 0:
        return None
    return c_round(cur * 100) / 100 - c_round(prev * 100) / 100


def blocks(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(io.StringIO(fh.read())))
    out, cur = {}, []
    for r in rows + [[]]:
        if not r:
            if cur:
                out[cur[0][0]] = cur[2:]
            cur = []
        else:
            cur.append(r)
    return out


def check(args, agg_out, csv_path):
    (f, t), _, trend = periods(args)
    data, names = {}, {"channel": {}, "area": {}, "unit": {}}
    with open(agg_out, encoding="utf-8") as fh:
        for line in fh:
            p = line.rstrip("\n").split("|")
            if p[0] == "name":
                names[p[1]][int(p[2])] = p[3]
            else:
                data.setdefault((p[0], p[1]), {})[int(p[2]) if p[2] else 0] = Tally(p[3:])
    b = blocks(csv_path)
    problems = []

    def same(where, got, want):
        if len(problems) < 10 and got != want:
            problems.append(f"{where}: bulletin {got!r}, SQL {want!r}")

    def block(title):
        for k, v in b.items():
            if k.startswith(title):
                return v
        problems.append(f"no block '{title}' in the CSV")
        return []

    cur, prev = data[("total", "cur")][0], data[("total", "prev")][0]
    summary = block("一、总体情况")
    want = [[cur.received, prev.received], [cur.eligible, prev.eligible],
            [cur.replied, prev.replied], [cur.overdue, prev.overdue]]
    for i, (c, p) in enumerate(want):
        same(f"summary row {i + 1}", summary[i][1:4] if i < len(summary) else None,
             [str(c), str(p), change_text(change(c, p))])
    for fig in range(5):
        i = 4 + fig
        rc, rp = cur.rate(fig), prev.rate(fig)
        same(f"summary row {i + 1}", summary[i][1:4] if i < len(summary) else None,
             [rate_text(rc), rate_text(rp), change_text(points(rc, rp))])
    sc, sp = cur.score(), prev.score()
    same("summary score", summary[9][1:4] if len(summary) > 9 else None,
         [rate_text(sc), rate_text(sp), change_text(points(sc, sp))])

    sections = [("channel", "二（一）", "channel", "(未知)"), ("area", "二（二）", "area", "(未分类)"),
                ("town", "二（三）", "unit", "区直部门"), ("unit", "二（四）", "unit", "(未交办)")]
    nrows = 0
    for dim, title, nm, none in sections:
        rows = block(title)
        curs, prevs = data.get((dim, "cur"), {}), data.get((dim, "prev"), {})
        want = []
        for key in sorted(curs):
            x = curs[key]
            p = prevs.get(key, Tally())
            name = names[nm].get(key, "") if key else ""
            want.append([name or none, str(x.received), str(p.received),
                         change_text(change(x.received, p.received)), rate_text(x.rate(0)),
                         rate_text(x.rate(1)), rate_text(x.rate(4)), str(x.overdue)])
        same(f"{dim} rows", len(rows), len(want))
        for got, w in zip(rows, want):
            same(f"{dim} '{w[0]}'", got, w)
        nrows += len(want)

    rows = block("七、")
    tr = data.get(("trend", "cur"), {})
    want = []
    for k, (m0, _) in enumerate(trend):
        x = tr.get(k, Tally())
        want.append([date_of(m0).isoformat()[:7], str(x.received), rate_text(x.rate(0)),
                     rate_text(x.rate(1)), rate_text(x.rate(4))])
    same("trend rows", len(rows), len(want))
    for got, w in zip(rows, want):
        same(f"trend {w[0]}", got, w)

    if problems:
        print("  MISMATCH between the bulletin and the SQL aggregate:")
        for p in problems:
            print("    " + p)
        return 1
    print(f"  checked {date_of(f)}..{date_of(t)}: the bulletin's CSV equals the SQL "
          f"(受理量 {cur.received}, 纳入考核 {cur.eligible}, 已答复 {cur.replied}, "
          f"due {cur.due}, timely {cur.timely}, 超期未答复 {cur.overdue}, 上期受理 "
          f"{prev.received}; 10 summary rows, {nrows} breakdown rows, 12 trend months)")
    return 0


def main(argv):
    if len(argv) < 2 or argv[1] not in ("sql", "check"):
        sys.exit(__doc__)
    args, rest, i = {}, [], 2
    while i < len(argv):
        if argv[i] in ("--at", "--month", "--from", "--to"):
            args[argv[i][2:]] = argv[i + 1]
            i += 2
        else:
            rest.append(argv[i])
            i += 1
    if argv[1] == "sql":
        sys.stdout.write(make_sql(args))
        return 0
    return check(args, rest[0], rest[1])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
