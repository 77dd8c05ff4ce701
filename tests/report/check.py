#!/usr/bin/env python3
"""Assertions of tests/t-report.sh on a run's outputs (issue 5).

    check.py html DOM.html RESULT.json REPORT.html
        the DOM Chromium dumped after running the page's script: every chart
        series is drawn with one point per history value, on a consistent
        scale, and the request table holds every name with its counts
    check.py netlog NET.json [--expect-requests]
        Chromium's NetLog: the page made no request (with
        --expect-requests: it made at least one, the control case)
    check.py png FILE
        a PNG screenshot of a plausible size
    check.py headers EXPECTED PREFIX
        the four CSV header lines equal Locust 2.x's byte for byte
    check.py summary STDOUT PREFIX RESULT.json
        the final rows of PREFIX_stats.csv match the summary on stdout
    check.py junit FILE PASSING_TEXT FAILING_TEXT
        one testcase per threshold; only the failing one has a <failure>
    check.py timing RESULT.json TARGET_LOG
        the dns/connect/tls/ttfb breakdown is present and sensible
    check.py live OUTDIR BIN ARGS...
        runs BIN under script(1) (stderr on a pseudo-terminal): the live
        line every ~2 s, colours only without NO_COLOR, nothing with
        --quiet or --only-summary

Each command prints nothing and exits 0 when the check holds; otherwise it
prints the reason on one line and exits 1.
"""
import csv
import json
import os
import re
import select
import shlex
import struct
import subprocess
import sys
import time
from html.parser import HTMLParser


class Fail(Exception):
    pass


def need(cond, msg):
    if not cond:
        raise Fail(msg)


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


# ---- html ----------------------------------------------------------------

class Dom(HTMLParser):
    """Collects the SVG polylines per data-series and the tables' cells."""

    def __init__(self):
        super().__init__()
        self.svgs = []          # [{"viewBox": ..., "polylines": [...]}]
        self.tables = []        # [[[cell text, ...], ...]]
        self.cell = None
        self.h2 = None
        self.last_h2 = ""
        self.table_titles = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg":
            self.svgs.append({"viewBox": a.get("viewbox", ""),
                              "polylines": []})
        elif tag == "polyline" and self.svgs:
            self.svgs[-1]["polylines"].append(a)
        elif tag == "table":
            self.tables.append([])
            self.table_titles.append(self.last_h2)
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = []
        elif tag == "h2":
            self.h2 = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            if self.tables and self.tables[-1]:
                self.tables[-1][-1].append("".join(self.cell).strip())
            self.cell = None
        elif tag == "h2" and self.h2 is not None:
            self.last_h2 = "".join(self.h2).strip()
            self.h2 = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)
        if self.h2 is not None:
            self.h2.append(data)


def series_points(dom, sid):
    pts = []
    nlines = 0
    for svg in dom.svgs:
        for pl in svg["polylines"]:
            if pl.get("data-series") != sid:
                continue
            nlines += 1
            for p in pl.get("points", "").split():
                x, y = p.split(",")
                pts.append((float(x), float(y), svg["viewBox"]))
    return pts, nlines


def check_html(dom_path, json_path, html_path):
    with open(dom_path, encoding="utf-8") as f:
        dom_text = f.read()
    res = load_json(json_path)
    with open(html_path, encoding="utf-8") as f:
        raw = f.read()
    # Self-contained: nothing in the file itself that could load a resource.
    for pat in (r"<link\b", r"<img\b", r"<iframe\b", r"\bsrc\s*=",
                r"@import", r"url\(", r"\bfetch\(", r"XMLHttpRequest",
                r"<script[^>]*\bsrc\b"):
        need(not re.search(pat, raw, re.I),
             f"the report contains {pat!r}: it could load something")
    dom = Dom()
    dom.feed(dom_text)
    need(len(dom.svgs) >= 3,
         f"{len(dom.svgs)} <svg> in the rendered page, expected 3 charts "
         "(did the script run?)")
    hist = res["history"]
    need(len(hist) >= 3, f"only {len(hist)} history rows in the JSON")
    t0 = res["run"]["start_unix_ms"]
    values = {
        "rps": [h["rps"] for h in hist],
        "fps": [h["failures_per_s"] for h in hist],
        "users": [h["users"] for h in hist],
        "p50": [h["p50_ms"] for h in hist],
        "p95": [h["p95_ms"] for h in hist],
    }
    ts = [(h["ts_ms"] - t0) / 1000.0 for h in hist]
    for sid, vals in values.items():
        pts, nlines = series_points(dom, sid)
        want = [(t, v) for t, v in zip(ts, vals) if v is not None]
        need(nlines >= 1, f"series {sid}: no polyline drawn")
        need(len(pts) == len(want),
             f"series {sid}: {len(pts)} points drawn, {len(want)} values "
             "in the JSON history")
        need(len(pts) >= 3, f"series {sid}: only {len(pts)} points")
        vb = [float(x) for x in pts[0][2].split()]
        for x, y, _ in pts:
            need(vb[0] <= x <= vb[0] + vb[2] and vb[1] <= y <= vb[1] + vb[3],
                 f"series {sid}: point {x},{y} outside the chart {vb}")
        # The points lie on one linear scale: x grows with time, y falls
        # as the value grows, and every point is where the scale puts it.
        xs = [p[0] for p in pts]
        need(xs == sorted(xs), f"series {sid}: x not increasing")
        _check_scale(sid, "x", [t for t, _ in want], xs, 1)
        _check_scale(sid, "y", [v for _, v in want], [p[1] for p in pts], -1)
    # The per-name table, with the JSON's counts.
    rows = {}
    for title, table in zip(dom.table_titles, dom.tables):
        if title == "Request statistics":
            for r in table[1:]:
                rows[r[1]] = r
    need(rows, "no 'Request statistics' table in the page")
    for r in res["requests"] + [dict(res["aggregated"], name="Aggregated")]:
        row = rows.get(r["name"])
        need(row is not None, f"request table: no row for {r['name']}")
        need(row[2] == str(r["requests"]) and row[3] == str(r["failures"]),
             f"request table row {row} != JSON {r['requests']} requests, "
             f"{r['failures']} failures")


def _check_scale(sid, axis, vals, coords, sign):
    lo = min(range(len(vals)), key=lambda i: vals[i])
    hi = max(range(len(vals)), key=lambda i: vals[i])
    if vals[hi] == vals[lo]:
        need(max(coords) - min(coords) < 0.2,
             f"series {sid}: equal values drawn at different {axis}")
        return
    if abs(coords[hi] - coords[lo]) <= 0.6:
        # values closer than the drawing's resolution (p50 0.041-0.047 ms
        # on an axis that p95's 26 ms sets): one line, no direction to see
        need(max(coords) - min(coords) <= 0.6,
             f"series {sid}: values within a pixel drawn apart on {axis}")
        return
    k = (coords[hi] - coords[lo]) / (vals[hi] - vals[lo])
    need(k * sign > 0, f"series {sid}: {axis} scale has the wrong direction")
    for v, c in zip(vals, coords):
        want = coords[lo] + k * (v - vals[lo])
        need(abs(c - want) <= 0.6,
             f"series {sid}: value {v} drawn at {axis}={c}, the scale "
             f"puts it at {want:.1f}")


# ---- netlog --------------------------------------------------------------

def page_requests(path):
    """URLs of the requests the page made: Chromium's own background
    requests have the initiator 'not an origin', a page's have its origin
    ('null' for file://) and a file:// network isolation key."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    # Chromium may leave the log without its closing brackets when killed.
    try:
        d = json.loads(text)
    except ValueError:
        d = json.loads(text.rstrip().rstrip(",") + "]}")
    types = {v: k for k, v in d["constants"]["logEventTypes"].items()}
    urls = []
    for e in d.get("events", []):
        if types.get(e["type"]) != "URL_REQUEST_START_JOB":
            continue
        p = e.get("params", {})
        if "url" not in p:
            continue
        if (p.get("initiator") != "not an origin" or
                "file://" in p.get("network_isolation_key", "")):
            urls.append(p["url"])
    return urls


def check_netlog(path, expect):
    urls = page_requests(path)
    if expect:
        need(urls, "the control page's requests were not seen in the "
             "NetLog: the no-network check cannot work")
    else:
        need(not urls, f"the page made requests: {urls[:5]}")


def check_png(path):
    with open(path, "rb") as f:
        head = f.read(24)
    need(head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG")
    w, h = struct.unpack(">II", head[16:24])
    need(w >= 800 and h >= 1000, f"screenshot is {w}x{h}")
    need(os.path.getsize(path) > 20000,
         f"screenshot is only {os.path.getsize(path)} bytes: blank?")


# ---- csv -----------------------------------------------------------------

SUFFIXES = ("_stats.csv", "_stats_history.csv", "_failures.csv",
            "_exceptions.csv")


def check_headers(expected, prefix):
    with open(expected, encoding="utf-8") as f:
        want = [ln.rstrip("\n") for ln in f if not ln.startswith("#")]
    need(len(want) == 4, f"{expected}: expected 4 header lines")
    for suffix, header in zip(SUFFIXES, want):
        with open(prefix + suffix, "rb") as f:
            first = f.readline()
        need(first == header.encode() + b"\r\n",
             f"{suffix} header {first!r} != Locust's {header!r}+CRLF")
    with open(prefix + "_exceptions.csv", "rb") as f:
        need(len(f.read().splitlines()) == 1,
             "_exceptions.csv has rows besides its header")


def short_ms(ms):
    """sw__fmt_ms_short: 3 significant digits (docs/reports.md)."""
    if ms < 10.0:
        return "%.2f" % ms
    if ms < 100.0:
        return "%.1f" % ms
    return "%.0f" % ms


def parse_summary(text):
    """{name: {...}} from the request and percentile tables on stdout."""
    lines = text.splitlines()
    req, pct = {}, {}
    section = None
    for ln in lines:
        if ln.startswith("Type     Name") and "# reqs" in ln and "Avg" in ln:
            section = req
            continue
        if ln.startswith("Type     Name") and "50%" in ln:
            section = pct
            continue
        if section is None or ln.startswith("--------|"):
            continue
        if not ln.strip():
            section = None
            continue
        typ = ln[:8].strip()
        if section is req:
            parts = ln[9:].split("|")
            need(len(parts) == 3, f"cannot parse summary line {ln!r}")
            left = parts[0].split()
            name = " ".join(left[:-2])
            m = re.fullmatch(r"(\d+)\(([\d.]+)%\)", left[-1])
            need(m, f"cannot parse failures in {ln!r}")
            req[name] = {"type": typ, "reqs": int(left[-2]),
                         "fails": int(m.group(1)),
                         "times": parts[1].split(),
                         "rates": parts[2].split()}
        else:
            f = ln[9:].split()
            pct[" ".join(f[:-12])] = f[-12:-1]
    return req, pct


def check_summary(stdout_path, prefix, json_path):
    with open(stdout_path, encoding="utf-8") as f:
        out = f.read()
    for part in ("Response time percentiles (ms)", "Error report",
                 "Thresholds", "Aggregated"):
        need(part in out, f"summary on stdout lacks {part!r}")
    req, pct = parse_summary(out)
    with open(prefix + "_stats.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    need(rows and rows[-1]["Name"] == "Aggregated" and
         rows[-1]["Type"] == "", "_stats.csv does not end in Aggregated")
    need(len(rows) >= 3, f"_stats.csv has only {len(rows)} rows")
    need([r["Name"] for r in rows] == list(req),
         f"names: csv {[r['Name'] for r in rows]} != stdout {list(req)}")
    need(list(pct) == list(req), "percentile table names differ")
    labels = ["50%", "66%", "75%", "80%", "90%", "95%", "98%", "99%",
              "99.9%", "99.99%", "100%"]
    for r in rows:
        s = req[r["Name"]]
        what = f"{r['Name']}: csv vs stdout"
        need(r["Type"] == s["type"], f"{what}: type")
        need(int(r["Request Count"]) == s["reqs"], f"{what}: requests "
             f"{r['Request Count']} != {s['reqs']}")
        need(int(r["Failure Count"]) == s["fails"], f"{what}: failures "
             f"{r['Failure Count']} != {s['fails']}")
        avg, mn, mx, med = s["times"]
        # Min, max and percentiles are whole microseconds in the CSV:
        # formatted like the console they must give the same text.  The
        # average is rounded to 1 us in the CSV first, so it may differ
        # from the console by rounding only.
        for col, shown in (("Min Response Time", mn),
                           ("Max Response Time", mx),
                           ("Median Response Time", med)):
            need(short_ms(float(r[col])) == shown,
                 f"{what}: {col} {r[col]} shows as {shown}")
        a = float(r["Average Response Time"])
        unit = 0.01 if a < 10 else 0.1 if a < 100 else 1.0
        need(abs(a - float(avg)) <= unit / 2 + 0.0006,
             f"{what}: average {a} shows as {avg}")
        need(abs(float(r["Requests/s"]) - float(s["rates"][0])) <= 0.0051,
             f"{what}: Requests/s {r['Requests/s']} vs {s['rates'][0]}")
        need(abs(float(r["Failures/s"]) - float(s["rates"][1])) <= 0.0051,
             f"{what}: Failures/s {r['Failures/s']} vs {s['rates'][1]}")
        got = [short_ms(float(r[c])) for c in labels]
        need(got == pct[r["Name"]],
             f"{what}: percentiles {got} != {pct[r['Name']]}")
    agg = rows[-1]
    need(sum(int(r["Request Count"]) for r in rows[:-1]) ==
         int(agg["Request Count"]), "per-name counts do not add up")
    # The other files were written at the stop as well.
    with open(prefix + "_stats_history.csv", newline="",
              encoding="utf-8") as f:
        hist = list(csv.DictReader(f))
    need(hist and hist[-1]["Total Request Count"] == agg["Request Count"],
         "the last _stats_history.csv row does not hold the final count")
    with open(prefix + "_failures.csv", newline="", encoding="utf-8") as f:
        fails = list(csv.DictReader(f))
    need(sum(int(r["Occurrences"]) for r in fails) ==
         int(agg["Failure Count"]), "_failures.csv does not add up")
    res = load_json(json_path)
    need(res["aggregated"]["requests"] == int(agg["Request Count"]),
         "the JSON's count differs from the CSV's")


# ---- junit ---------------------------------------------------------------

def check_junit(path, passing, failing):
    import xml.etree.ElementTree as ET
    root = ET.parse(path).getroot()
    cases = {c.get("name"): c for c in root.iter("testcase")}
    need(set(cases) == {passing, failing},
         f"testcases {sorted(cases)} != [{passing!r}, {failing!r}]")
    need(cases[passing].find("failure") is None,
         f"the passing threshold {passing!r} has a <failure>")
    f = cases[failing].find("failure")
    need(f is not None, f"the failing threshold {failing!r} has no <failure>")
    need(failing in (f.text or "") and f.get("message"),
         f"the <failure> does not say which threshold: {f.attrib} {f.text}")
    need(root.get("failures") == "1" and root.get("tests") == "2",
         f"testsuites counts {root.attrib}")


# ---- timing --------------------------------------------------------------

def check_timing(json_path, target_log):
    res = load_json(json_path)
    conns = set()
    with open(target_log, encoding="utf-8", errors="replace") as f:
        for ln in f:
            conns.add(ln.split("\t", 1)[0])
    total_connect = 0
    for r in res["requests"] + [res["aggregated"]]:
        who = r["name"] or "Aggregated"
        t = r.get("timing")
        need(isinstance(t, dict), f"{who}: no timing object")
        for ph in ("dns", "connect", "tls", "ttfb"):
            p = t.get(ph)
            need(isinstance(p, dict) and
                 set(p) >= {"count", "avg_ms", "max_ms"},
                 f"{who}: timing.{ph} missing or incomplete: {p}")
            need(0 <= p["avg_ms"] <= p["max_ms"] or p["count"] == 0,
                 f"{who}: timing.{ph} avg > max: {p}")
            need(p["count"] <= r["requests"],
                 f"{who}: timing.{ph} counted more than the requests")
        lat = r["latency_ms"]
        ttfb = t["ttfb"]
        need(ttfb["count"] == r["requests"],
             f"{who}: ttfb reported by {ttfb['count']} of "
             f"{r['requests']} requests")
        need(0 < ttfb["avg_ms"] <= lat["avg"],
             f"{who}: ttfb avg {ttfb['avg_ms']} vs total avg {lat['avg']}")
        need(ttfb["max_ms"] <= lat["max"],
             f"{who}: ttfb max {ttfb['max_ms']} > total max {lat['max']}")
        c = t["connect"]
        need(c["count"] == 0 or c["avg_ms"] > 0,
             f"{who}: connections opened in 0 ms on average: {c}")
        need(t["tls"]["count"] == 0, f"{who}: TLS time over plain HTTP")
        need(t["dns"]["count"] == c["count"],
             f"{who}: DNS counted for {t['dns']['count']} requests but "
             f"{c['count']} opened a connection")
        if r is not res["aggregated"]:
            total_connect += c["count"]
    agg = res["aggregated"]["timing"]["connect"]
    # Each keep-alive connection is opened once, by its first request.
    need(agg["count"] == total_connect,
         f"aggregated connect count {agg['count']} != sum {total_connect}")
    need(agg["count"] == len(conns) and agg["avg_ms"] > 0,
         f"{agg['count']} connects measured, the target saw {len(conns)} "
         "connections")


# ---- live view -----------------------------------------------------------

LIVE = re.compile(r"\[\s*(\d+)s\] users (\d+)/(\d+) \| (\d+) reqs, "
                  r"(?:\x1b\[31m)?(\d+) fails \(([\d.]+)%\)(?:\x1b\[0m)? \| "
                  r"([\d.]+) req/s \| p50 ([\d.]+)ms p95 ([\d.]+)ms "
                  r"p99 ([\d.]+)ms")
SGR = re.compile(rb"\x1b\[[0-9;]*m")


def run_live(outdir, argv, runs):
    """Starts every run under script(1) at once; returns per run the
    (seconds since start, bytes) chunks read from the pseudo-terminal."""
    procs = {}
    for name, env_extra, extra in runs:
        env = dict(os.environ)
        env.pop("NO_COLOR", None)
        env.update(env_extra)
        cmd = " ".join(shlex.quote(a) for a in argv + extra)
        cmd += " >" + shlex.quote(os.path.join(outdir, name + ".stdout"))
        p = subprocess.Popen(["script", "-qfec", cmd, "/dev/null"],
                             stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, env=env)
        procs[p.stdout.fileno()] = (name, p, [])
    t0 = time.monotonic()
    live = dict(procs)
    while live and time.monotonic() - t0 < 60:
        ready, _, _ = select.select(list(live), [], [], 1.0)
        for fd in ready:
            data = os.read(fd, 65536)
            if not data:
                del live[fd]
                continue
            live[fd][2].append((time.monotonic() - t0, data))
    out = {}
    for name, p, chunks in procs.values():
        try:
            rc = p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            rc = p.wait()
        with open(os.path.join(outdir, name + ".pty"), "wb") as f:
            f.write(b"".join(c for _, c in chunks))
        out[name] = (rc, chunks)
    return out


def live_lines(chunks):
    """(arrival time, text) of each live line drawn."""
    lines = []
    for t, data in chunks:
        for part in data.split(b"\r\x1b[K"):
            m = LIVE.search(part.decode("utf-8", "replace"))
            if m:
                lines.append((t, m))
    return lines


def check_live(outdir, argv):
    res = run_live(outdir, argv, [
        ("color", {}, []),
        ("nocolor", {"NO_COLOR": "1"}, []),
        ("quiet", {}, ["--quiet"]),
        ("summary", {}, ["--only-summary"]),
    ])
    errors = []

    def err(name, msg):
        errors.append(f"{name}: {msg}")

    for name in ("color", "nocolor"):
        rc, chunks = res[name]
        raw = b"".join(c for _, c in chunks)
        lines = live_lines(chunks)
        if rc != 0:
            err(name, f"exit status {rc}")
        if len(lines) < 3:
            err(name, f"{len(lines)} live lines in "
                f"{os.path.join(outdir, name + '.pty')}, expected 3")
            continue
        secs = [int(m.group(1)) for _, m in lines]
        if secs[:3] != [2, 4, 6]:
            err(name, f"lines stamped {secs}, expected 2s, 4s, 6s")
        gaps = [b[0] - a[0] for a, b in zip(lines, lines[1:])]
        if not all(1.5 <= g <= 2.6 for g in gaps):
            err(name, f"lines arrived {['%.2f' % g for g in gaps]} s apart")
        reqs = [int(m.group(4)) for _, m in lines]
        if reqs != sorted(reqs) or reqs[0] <= 0:
            err(name, f"request counts {reqs}")
        for _, m in lines:
            users, target = int(m.group(2)), int(m.group(3))
            if target != 2 or not 1 <= users <= 2:
                err(name, f"users {users}/{target}")
            if float(m.group(7)) <= 0:
                err(name, f"rate {m.group(7)} req/s")
            p50, p95, p99 = (float(m.group(i)) for i in (8, 9, 10))
            if not 0 < p50 <= p95 <= p99:
                err(name, f"percentiles p50 {p50} p95 {p95} p99 {p99}")
        has_sgr = bool(SGR.search(raw))
        if name == "color" and not has_sgr:
            err(name, "no colour on a terminal (the failures should be red)")
        if name == "nocolor" and has_sgr:
            err(name, f"colour escapes with NO_COLOR: "
                f"{SGR.findall(raw)[:3]}")
    for name in ("quiet", "summary"):
        rc, chunks = res[name]
        raw = b"".join(c for _, c in chunks)
        if rc != 0:
            err(name, f"exit status {rc}")
        if b"req/s" in raw or b"\x1b[K" in raw or b"users" in raw:
            err(name, f"periodic output: {raw[:120]!r}")
    for name in res:
        with open(os.path.join(outdir, name + ".stdout"),
                  encoding="utf-8", errors="replace") as f:
            if "Aggregated" not in f.read():
                err(name, "no summary on stdout")
    need(not errors, "; ".join(errors))


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    a = argv[2:]
    try:
        if cmd == "html" and len(a) == 3:
            check_html(*a)
        elif cmd == "netlog" and len(a) in (1, 2):
            check_netlog(a[0], a[1:] == ["--expect-requests"])
        elif cmd == "png" and len(a) == 1:
            check_png(a[0])
        elif cmd == "headers" and len(a) == 2:
            check_headers(*a)
        elif cmd == "summary" and len(a) == 3:
            check_summary(*a)
        elif cmd == "junit" and len(a) == 3:
            check_junit(*a)
        elif cmd == "timing" and len(a) == 2:
            check_timing(*a)
        elif cmd == "live" and len(a) >= 2:
            check_live(a[0], a[1:])
        else:
            print(__doc__.strip().splitlines()[0], file=sys.stderr)
            return 2
    except Fail as e:
        print(e)
        return 1
    except (OSError, ValueError, KeyError, IndexError, TypeError) as e:
        print(f"{type(e).__name__}: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
