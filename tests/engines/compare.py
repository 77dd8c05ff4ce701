#!/usr/bin/env python3
"""Differential check of the two HTTP engines (tests/t-engines.sh).

  compare.py NAME CURL_DIR AUTO_DIR [--native-min N] [--known NAME:WHY]

Each DIR holds one run of the same scenario with the same seed: `hlog` (the
demo target's --header-log: conn, method, target, headers, body) and
`result.json`.  What the target received must be the same request for
request, per user (X-User, else one group): method, target, every header
line (Cookie and Authorization included), body, and which of the user's
connections carried it (connection reuse).  The reports must count the
same: requests, failures and response bytes per (method, name), and the
same errors.  Only timings may differ.  Values the target makes up at
random (32-hex session ids and tokens) and UUIDs are numbered by first
appearance within a user; the target's port and wall-clock timestamps
(13-digit Unix milliseconds) are dropped.

Without an hlog (a server other than the demo target) only the reports are
compared.  --known NAME:WHY (repeatable) names a request whose error
message may differ between the engines, for the reason WHY (its failures
must still be counted alike).

Prints "PASS engines/NAME-..." or "FAIL engines/NAME-...: why" lines.
"""
import os
import json
import re
import sys

RANDOM = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
                    r"[0-9a-f]{12}\b|\b[0-9a-f]{32}\b")
PORT = re.compile(r"127\.0\.0\.1:\d+")
# wall-clock Unix milliseconds a scenario puts in a body (now())
CLOCK_MS = re.compile(r"\b1[0-9]{12}\b")


def unescape(s):
    if s == "-":
        return ""
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            if n == "x" and i + 3 < len(s):
                out.append(chr(int(s[i + 2:i + 4], 16)))
                i += 4
                continue
            out.append({"n": "\n", "t": "\t", "r": "\r", "\\": "\\"}.get(n, n))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def requests_by_user(path):
    users = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) != 5:
                continue
            conn, method, target, headers, body = cols
            hdrs = [h for h in unescape(headers).split("\n") if h]
            user = "-"
            for h in hdrs:
                if h.lower().startswith("x-user:"):
                    user = h.split(":", 1)[1].strip()
            users.setdefault(user, []).append(
                (conn, method, unescape(target), hdrs, unescape(body)))
    return users


def normalize(reqs):
    """Random values and connection ids numbered within one user."""
    seen, conns, out = {}, {}, []
    def sub(text):
        text = PORT.sub("127.0.0.1:PORT", text)
        text = CLOCK_MS.sub("<NOW>", text)
        return RANDOM.sub(lambda m: "<R%d>" % seen.setdefault(m.group(0),
                                                             len(seen)),
                          text)
    for conn, method, target, hdrs, body in reqs:
        c = conns.setdefault(conn, len(conns))
        out.append((c, method, sub(target), [sub(h) for h in hdrs], sub(body)))
    return out


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i, x, y
    if len(a) != len(b):
        i = min(len(a), len(b))
        return i, a[i] if i < len(a) else None, b[i] if i < len(b) else None
    return None


def report(name, ok, why=""):
    if ok:
        print(f"PASS engines/{name}")
    else:
        print(f"FAIL engines/{name}: {why}")
    return ok


def counts(res, known=()):
    rows = {}
    for r in res.get("requests", []):
        rows[(r["method"], r["name"])] = (r["requests"], r["failures"],
                                          r["bytes"])
    agg = res.get("aggregated", {})
    rows[("", "Aggregated")] = (agg.get("requests"), agg.get("failures"),
                                agg.get("bytes"))
    errs = sorted((e.get("method"), e.get("name"),
                   "(known)" if e.get("name") in known else e.get("message"),
                   e.get("occurrences")) for e in res.get("errors", []))
    return rows, errs


def main():
    name, dcurl, dauto = sys.argv[1:4]
    native_min, known = 1, set()
    args = sys.argv[4:]
    for i, a in enumerate(args):
        if a == "--native-min":
            native_min = int(args[i + 1])
        elif a == "--known":
            known.add(args[i + 1].split(":", 1)[0])
    ok = True
    if os.path.exists(f"{dcurl}/hlog"):
        a = requests_by_user(f"{dcurl}/hlog")
        b = requests_by_user(f"{dauto}/hlog")
        ok &= report(f"{name}-same-users", sorted(a) == sorted(b),
                     f"curl {sorted(a)[:8]} auto {sorted(b)[:8]}")
        nreq = sum(len(v) for v in a.values())
        ok &= report(f"{name}-requests-seen", nreq > 0,
                     "the target saw nothing")
        diffs = []
        for user in sorted(set(a) & set(b)):
            d = first_difference(normalize(a[user]), normalize(b[user]))
            if d:
                i, x, y = d
                diffs.append(f"user {user} request {i}: curl {x} auto {y}")
        ok &= report(f"{name}-same-wire", not diffs, "; ".join(diffs[:2]))
    try:
        ra = json.load(open(f"{dcurl}/result.json"))
        rb = json.load(open(f"{dauto}/result.json"))
    except (OSError, ValueError) as e:
        report(f"{name}-reports", False, str(e))
        return 1
    ca, cb = counts(ra, known), counts(rb, known)
    ok &= report(f"{name}-same-counts", ca[0] == cb[0],
                 f"curl {sorted(ca[0].items())[:4]} "
                 f"auto {sorted(cb[0].items())[:4]}")
    ok &= report(f"{name}-same-errors", ca[1] == cb[1],
                 f"curl {ca[1][:3]} auto {cb[1][:3]}")
    ea = ra.get("run", {}).get("engines", {})
    eb = rb.get("run", {}).get("engines", {})
    total = ca[0][("", "Aggregated")][0]
    ok &= report(f"{name}-engines-counted",
                 ea.get("native") == 0 and ea.get("curl") == total and
                 eb.get("native", 0) + eb.get("curl", 0) == total and
                 eb.get("native", 0) >= native_min,
                 f"curl run {ea}, auto run {eb}, {total} requests")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
