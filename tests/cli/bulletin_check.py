#!/usr/bin/env python3
"""bulletin_check.py -- reads a bulletin's four files back with real programs and checks
that they agree: the CSV blocks, every XLSX sheet as LibreOffice converts it to CSV, the
text pdftotext extracts from the PDF, and the HTML tables.

usage: bulletin_check.py DIR BASENAME REPORT.json
Prints one "ok - ..." or "FAIL - ..." line per check; exits 1 on any failure."""
import csv
import glob
import html.parser
import io
import json
import os
import re
import subprocess
import sys

fails = 0


def check(desc, cond, why=""):
    global fails
    if cond:
        print(f"ok - {desc}")
    else:
        fails += 1
        print(f"FAIL - {desc}: {why}")


def blocks_of(text):
    """CSV blocks: a title row, a header row, data rows, then an empty line."""
    rows = list(csv.reader(io.StringIO(text)))
    out, cur = [], []
    for r in rows:
        if not r or r == [""]:
            if cur:
                out.append(cur)
            cur = []
        else:
            cur.append(r)
    if cur:
        out.append(cur)
    return out


def main():
    d, base, report_path = sys.argv[1], sys.argv[2], sys.argv[3]
    rep = json.load(open(report_path, encoding="utf-8"))
    raw = open(os.path.join(d, base + ".csv"), "rb").read()
    check("CSV starts with a UTF-8 BOM", raw.startswith(b"\xef\xbb\xbf"))
    blocks = blocks_of(raw.decode("utf-8-sig"))
    by_title = {b[0][0]: b for b in blocks}
    summary = {r[0]: r[1:] for r in by_title["一、总体情况"][2:]}

    def fmt(x):
        return "—" if x is None else f"{x:.2f}"

    # The bulletin's figures are the report's.
    for label, key in [("受理量", "received"), ("纳入考核量", "eligible"), ("已答复量", "replied"),
                       ("超期未答复量", "overdue")]:
        check(f"CSV {label} = report {key}", summary[label][0] == str(rep[key]),
              f"{summary[label][0]} vs {rep[key]}")
    for label, key in [("回复率(%)", "reply_rate"), ("及时处理率(%)", "timely_rate"),
                       ("签收率(%)", "sign_rate"), ("响应率(%)", "response_rate"),
                       ("解决率(%)", "resolution_rate"),
                       ("满意率(%)", "satisfaction_rate"), ("综合得分", "score")]:
        check(f"CSV {label} = report {key}", summary[label][0] == fmt(rep[key]),
              f"{summary[label][0]} vs {fmt(rep[key])}")
    units = {r[0]: r for r in by_title["二（四）、分承办单位受理情况"][2:]}
    for u in rep["by_unit"]:
        if u["name"] in units:
            row = units[u["name"]]
            check(f"CSV unit {u['name']} = report",
                  row[1] == str(u["received"]) and row[4] == fmt(u["reply_rate"]) and
                  row[5] == fmt(u["timely_rate"]), f"{row} vs {u}")
    ranking = by_title["三、承办单位综合排名"]
    rep_units = {u["name"]: u for u in rep["by_unit"]}
    check("ranking lists every dispatched unit",
          len(ranking) - 2 == len([u for u in rep["by_unit"] if u["name"] != "(未分类)"]))
    for r in ranking[2:]:
        u = rep_units[r[1]]
        if r[8] != fmt(u["score"]):
            check(f"ranking score of {r[1]}", False, f"{r[8]} vs {u['score']}")
            break
    else:
        check("ranking scores are the report's", True)
    ranks = [r for r in ranking[2:] if r[0] != "—"]
    check("ranked units come first, by score",
          [float(r[8]) for r in ranks] == sorted([float(r[8]) for r in ranks], reverse=True))
    ledger = by_title["附件：诉求台账"]
    check("the ledger lists every appeal of the period", len(ledger) - 2 == rep["received"],
          f"{len(ledger) - 2} rows")
    full_phone = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
    check("no full phone number in the CSV", not full_phone.search(raw.decode("utf-8")))
    check("ledger phones are masked", all("****" in r[6] or r[6] == "" for r in ledger[2:]))

    # XLSX, opened by LibreOffice and written back as CSV, one file per sheet.
    lo = os.path.join(d, "lo")
    os.makedirs(lo, exist_ok=True)
    cmd = ["timeout", "300", "soffice", "--headless", "--norestore",
           f"-env:UserInstallation=file://{lo}/profile", "--convert-to",
           "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1",
           "--outdir", lo, os.path.join(d, base + ".xlsx")]
    p = subprocess.run(cmd, capture_output=True, text=True)
    sheets = sorted(glob.glob(os.path.join(lo, base + "-*.csv")))
    check("LibreOffice converts the workbook", p.returncode == 0 and sheets,
          f"rc {p.returncode}: {p.stderr[-300:]}")
    by_sheet = {}
    for s in sheets:
        name = os.path.basename(s)[len(base) + 1:-4]
        by_sheet[name] = [r for r in csv.reader(open(s, encoding="utf-8"))]
    for b in blocks:
        title = b[0][0]
        match = [rows for rows in by_sheet.values() if rows and rows[0] and rows[0][0] == title]
        if not match:
            check(f"XLSX has a sheet for '{title}'", False, f"sheets: {list(by_sheet)}")
            continue
        rows = [r for r in match[0] if any(c != "" for c in r)]
        rows = [r[:len(b[1])] if i else r[:1] for i, r in enumerate(rows)]
        want = [r[:1] if i == 0 else r for i, r in enumerate(b)]
        check(f"XLSX sheet '{title}' reads back as the CSV block", rows == want,
              f"first difference: {next((x for x in zip(rows, want) if x[0] != x[1]), (len(rows), len(want)))}")
    for name in ("汇总", "排名", "超期", "台账"):
        check(f"XLSX has the sheet {name}", name in by_sheet, f"sheets: {list(by_sheet)}")

    # PDF: text back with pdftotext, pages rendered with pdftoppm.
    pdf = os.path.join(d, base + ".pdf")
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True,
                          text=True).stdout
    check("PDF: the Chinese title", "诉求办理情况通报" in text)
    for label in ("受理量", "回复率(%)", "及时处理率(%)", "综合得分"):
        line = next((l for l in text.splitlines() if l.strip().startswith(label)), "")
        check(f"PDF: {label} is {summary[label][0]}", summary[label][0] in line, line)
    check("PDF: the ranking's first unit", ranks[0][1] in text if ranks else True)
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    check("PDF: A4 pages", "595.28 x 841.89" in info or "(A4)" in info, info)
    check("PDF: no full phone number", not full_phone.search(text))
    prefix = os.path.join(d, "page")
    r = subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "2", pdf, prefix],
                       capture_output=True, text=True)
    pngs = glob.glob(prefix + "*.png")
    check("PDF renders with pdftoppm", r.returncode == 0 and len(pngs) == 2 and
          all(os.path.getsize(x) > 2000 for x in pngs), r.stderr)

    # HTML: the same cells, and the charts as SVG.
    page = open(os.path.join(d, base + ".html"), encoding="utf-8").read()

    class Cells(html.parser.HTMLParser):
        def __init__(self):
            super().__init__()
            self.rows, self.cur, self.cell = [], None, None

        def handle_starttag(self, tag, attrs):
            if tag == "tr":
                self.cur = []
            elif tag in ("td", "th") and self.cur is not None:
                self.cell = ""

        def handle_endtag(self, tag):
            if tag in ("td", "th") and self.cell is not None:
                self.cur.append(self.cell.strip())
                self.cell = None
            elif tag == "tr" and self.cur is not None:
                self.rows.append(self.cur)
                self.cur = None

        def handle_data(self, data):
            if self.cell is not None:
                self.cell += data

    cells = Cells()
    cells.feed(page)
    want_rows = [r for b in blocks for r in b[1:]]
    check("HTML tables hold exactly the CSV rows", cells.rows == want_rows,
          f"{len(cells.rows)} vs {len(want_rows)} rows; first difference: "
          f"{next((x for x in zip(cells.rows, want_rows) if x[0] != x[1]), None)}")
    check("HTML draws the charts as SVG", page.count("<svg") >= 2)
    check("HTML: no full phone number", not full_phone.search(page))
    print(f"{'FAILED' if fails else 'all agree'}")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
