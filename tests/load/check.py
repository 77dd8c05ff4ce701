#!/usr/bin/env python3
"""Assertions of tests/t-load.sh.  Prints one PASS/FAIL line per check and
exits 1 when any failed.  Reads a case directory: result.json (--json),
stdout, rc and the demo target's log (tab-separated, see demo/README.md:
column 3 is the request target, column 9 t_us)."""
import json
import math
import os
import re
import sys

failed = False


def report(name, ok, why=""):
    global failed
    if ok:
        print("PASS load/%s" % name)
    else:
        failed = True
        print("FAIL load/%s: %s" % (name, why))


def log_lines(d):
    rows = []
    try:
        with open(os.path.join(d, "log")) as f:
            for line in f:
                c = line.rstrip("\n").split("\t")
                if len(c) == 10:
                    rows.append((int(c[8]), c[2]))
    except OSError:
        pass
    rows.sort()
    return rows


def result(d):
    with open(os.path.join(d, "result.json")) as f:
        return json.load(f)


def rc(d):
    try:
        return int(open(os.path.join(d, "rc")).read().strip())
    except (OSError, ValueError):
        return -1


def pct(entry, which, p="p99"):
    return entry[which]["percentiles"][p]


# ---- the load shape: Locust's spawn steps, as runtime/plan.c -------------

def ramp(frm, to, rate, el_ms):
    delta = abs(to - frm)
    if delta == 0 or el_ms < 0:
        return frm
    step = max(1, math.floor(rate))
    interval = step / rate * 1000.0
    nsteps = -(-delta // step)
    done = min(nsteps, math.floor(el_ms / interval) + 1)
    moved = min(delta, done * step)
    return frm + moved if to > frm else frm - moved


def target(stages, t_ms):
    start, cur = 0.0, 0
    for dur, to in stages:
        if t_ms < start + dur:
            return ramp(cur, to, abs(to - cur) / (dur / 1000.0),
                        t_ms - start)
        start += dur
        cur = to
    return cur


def check_shape(d):
    stages = [(3000, 6), (2000, 6), (3000, 0)]
    end = sum(s[0] for s in stages)
    r = result(d)
    start = r["run"]["start_unix_ms"]
    samples = [(h["ts_ms"] - start, h["users"]) for h in r["history"]]
    inside = [(t, u) for t, u in samples if 300 <= t <= end - 300]
    bad = []
    for t, u in inside:
        # a sample races the step it lands next to: allow +-300 ms
        near = [target(stages, x) for x in range(int(t) - 300,
                                                   int(t) + 301, 10)]
        if not min(near) <= u <= max(near):
            bad.append("t=%.0fms users=%d expected %d..%d"
                       % (t, u, min(near), max(near)))
    report("shape-follows-stages", len(inside) >= 6 and not bad,
           "%d samples inside the shape; %s" % (len(inside), "; ".join(bad)))
    report("shape-peak-and-end",
           any(u == 6 for _, u in samples) and r["run"]["users"] == 0 and
           rc(d) == 0 and abs(r["run"]["duration_s"] - end / 1000) < 1.0,
           "peak %s, users at the end %s, duration %s s, rc %d"
           % (max([u for _, u in samples] or [0]), r["run"]["users"],
              r["run"]["duration_s"], rc(d)))


# ---- arrival rates --------------------------------------------------------

def check_rate(d, rate, seconds):
    rows = log_lines(d)
    if not rows:
        report("rate-per-second", False, "empty target log")
        return
    t0 = rows[0][0]
    buckets = [0] * (seconds + 1)
    for t, _ in rows:
        b = (t - t0) // 1000000
        if b <= seconds:
            buckets[b] += 1
    # the first and last seconds may be partial: the full ones in between
    full = buckets[1:seconds - 1]
    lo, hi = rate * 0.98, rate * 1.02
    report("rate-per-second", all(lo <= n <= hi for n in full),
           "per-second starts %s, want %g +-2%%" % (full, rate))
    total = len(rows)
    want = rate * seconds
    report("rate-total", abs(total - want) <= want * 0.02 and rc(d) == 0,
           "%d requests in %d s, want %d +-2%% (rc %d)"
           % (total, seconds, want, rc(d)))
    r = result(d)
    report("rate-no-drop", r["run"]["dropped"] == 0,
           "%d dropped with a pool of 50" % r["run"]["dropped"])


def check_ramp(d):
    # 0 -> 100/s over 2 s: A(t) = 25 t^2 (t in s); then 100/s.
    rows = log_lines(d)
    if not rows:
        report("ramp-linear", False, "empty target log")
        return
    t0 = rows[0][0]
    secs = [(t - t0) / 1e6 for t, _ in rows]
    first = sum(1 for s in secs if s < 1.0)
    second = sum(1 for s in secs if 1.0 <= s < 2.0)
    hold = sum(1 for s in secs if 2.0 <= s < 4.0)
    ok = 23 <= first <= 27 and 73 <= second <= 77 and 196 <= hold <= 204
    report("ramp-linear", ok and abs(len(rows) - 300) <= 2,
           "arrivals 0-1 s %d (want 25), 1-2 s %d (75), 2-4 s %d (200), "
           "total %d (300)" % (first, second, hold, len(rows)))


def check_dropped(d):
    r = result(d)
    n = r["run"]["dropped"]
    out = open(os.path.join(d, "stdout")).read()
    m = re.search(r"Dropped iterations: (\d+)", out)
    report("pool-dropped-json", n > 0 and rc(d) == 0,
           "run.dropped = %d, rc %d" % (n, rc(d)))
    report("pool-dropped-summary", m is not None and int(m.group(1)) == n,
           "summary line %r, JSON %d" % (m and m.group(0), n))
    # two users, each busy 200 ms: at most ~10 starts a second were served
    served = sum(1 for _, p in log_lines(d) if p.startswith("/delay/"))
    report("pool-dropped-adds-up", 150 - 4 <= served + n <= 150 and
           served <= 40, "served %d + dropped %d of 150 arrivals"
           % (served, n))


def check_intended(name, calm, delayed, delay_ms):
    a = result(calm)["aggregated"]
    b = result(delayed)["aggregated"]
    if a.get("intended_latency_ms") is None or \
            b.get("intended_latency_ms") is None:
        report(name, False, "no intended-start histogram in the JSON")
        return
    ga = pct(a, "intended_latency_ms") - pct(a, "latency_ms")
    gb = pct(b, "intended_latency_ms") - pct(b, "latency_ms")
    ok = (ga < delay_ms / 4 and gb >= delay_ms / 2 and
          pct(b, "latency_ms") >= delay_ms and
          pct(b, "latency_ms") < delay_ms * 1.5)
    report(name, ok,
           "p99 service %.1f / intended %.1f ms without the delay, "
           "%.1f / %.1f ms with --delay-ms %d"
           % (pct(a, "latency_ms"), pct(a, "intended_latency_ms"),
              pct(b, "latency_ms"), pct(b, "intended_latency_ms"),
              delay_ms))


def check_count(name, d, n, prefix):
    got = sum(1 for _, p in log_lines(d) if p.startswith(prefix))
    report(name, got == n and rc(d) == 0,
           "%d requests to %s, want exactly %d (rc %d)"
           % (got, prefix, n, rc(d)))


def check_seed(d1, d2, d3):
    s1 = [p for _, p in log_lines(d1)]
    s2 = [p for _, p in log_lines(d2)]
    s3 = [p for _, p in log_lines(d3)]
    report("seed-same-sequence", len(s1) == 200 and s1 == s2,
           "%d and %d paths, first difference at %s" % (
               len(s1), len(s2),
               next((i for i, (x, y) in enumerate(zip(s1, s2)) if x != y),
                    "-")))
    report("seed-other-sequence", len(s3) == 200 and s3 != s1,
           "another seed gave the same %d paths" % len(s3))


def check_sigint(d, prefix):
    out = open(os.path.join(d, "stdout")).read()
    report("sigint-summary", rc(d) == 0 and "Aggregated" in out and
           "Response time percentiles" in out,
           "rc %d, stdout %r" % (rc(d), out[:200]))
    missing = []
    for suf in ("stats", "stats_history", "failures", "exceptions"):
        p = "%s_%s.csv" % (prefix, suf)
        if not os.path.exists(p) or os.path.getsize(p) == 0:
            missing.append(os.path.basename(p))
    rows = []
    if os.path.exists(prefix + "_stats.csv"):
        rows = [l for l in open(prefix + "_stats.csv")
                if ",Aggregated," in l]
    report("sigint-csv", not missing and rows and
           int(rows[0].split(",")[2]) > 0,
           "missing %s, aggregated row %s" % (missing, rows))
    stops = sum(1 for _, p in log_lines(d) if "on_stop=1" in p)
    dur = result(d)["run"]["duration_s"]
    report("sigint-graceful", stops == 4 and dur < 6,
           "%d on_stop requests for 4 users, duration %s s" % (stops, dur))


def main(argv):
    what = argv[1]
    if what == "shape":
        check_shape(argv[2])
    elif what == "rate":
        check_rate(argv[2], float(argv[3]), int(argv[4]))
    elif what == "ramp":
        check_ramp(argv[2])
    elif what == "dropped":
        check_dropped(argv[2])
    elif what == "intended":
        check_intended(argv[2], argv[3], argv[4], int(argv[5]))
    elif what == "count":
        check_count(argv[2], argv[3], int(argv[4]), argv[5])
    elif what == "seed":
        check_seed(argv[2], argv[3], argv[4])
    elif what == "sigint":
        check_sigint(argv[2], argv[3])
    else:
        print("FAIL load/check: unknown check %s" % what)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except Exception as e:     # a crash is a failure, never a silent pass
        print("FAIL load/%s: check crashed: %r" % (sys.argv[1], e))
        sys.exit(1)
