#!/usr/bin/env python3
"""bulletin_memory.py -- the bulletin streams: its peak memory does not grow with the appeals.

usage: python3 tests/cli/bulletin_memory.py /path/to/shishi /path/to/bench_store

Builds two report databases with bench_store --make-report-db, N and 4N appeals received over
2025, renders the bulletin from each in every format (html, csv and xlsx over the year, with the
ledger of every appeal; pdf over one month, as bench/bench_bulletin.sh does: a year's PDF is
too slow for the test run) and compares the peak resident set size of the two runs (os.wait4's
ru_maxrss). Laid out in memory the ledger cost about 2 KB per appeal, so 3N more appeals showed
as tens of MB; streamed, the peak stays where it was. Allowed: 10% + 3 MB more for 4N.
"""
import os
import subprocess
import sys
import tempfile

N = int(os.environ.get("BULLETIN_MEMORY_N", "20000"))


def peak_kb(argv):
    """Runs argv; returns (exit status, ru_maxrss in KB, stderr)."""
    err = tempfile.TemporaryFile()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err)
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    err.seek(0)
    return p.returncode, ru.ru_maxrss, err.read().decode(errors="replace")


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    shishi, bench_store = sys.argv[1], sys.argv[2]
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="bulletin_memory.") as t:
        dbs = {}
        for n in (N, 4 * N):
            db = os.path.join(t, "r%d.db" % n)
            subprocess.run([bench_store, "--make-report-db", db, "--report-appeals", str(n)],
                           check=True, stdout=subprocess.DEVNULL)
            dbs[n] = db
        for fmt in ("csv", "html", "xlsx", "pdf"):
            period = ["--month", "2025-07"] if fmt == "pdf" else ["--from", "2025-01-01",
                                                                 "--to", "2025-12-31"]
            peaks = {}
            for n, db in dbs.items():
                out = os.path.join(t, "b%d.%s" % (n, fmt))
                rc, kb, err = peak_kb([shishi, "--db", db, "--at", "2026-06-30T12:00", "bulletin"]
                                      + period + ["--format", fmt, "--out", out])
                size = os.path.getsize(out) if os.path.exists(out) else 0
                if rc != 0 or size == 0:
                    print("not ok - %s over %d appeals: exit %d, %d bytes: %s"
                          % (fmt, n, rc, size, err.strip()))
                    failed += 1
                peaks[n] = kb
                if os.path.exists(out):
                    os.unlink(out)
            small, big = peaks[N], peaks[4 * N]
            limit = small * 1.10 + 3 * 1024
            verdict = "ok" if big <= limit else "not ok"
            print("%s - %s: peak %.1f MB over %d appeals, %.1f MB over %d (limit %.1f MB)"
                  % (verdict, fmt, small / 1024, N, big / 1024, 4 * N, limit / 1024))
            if big <= limit:
                passed += 1
            else:
                failed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
