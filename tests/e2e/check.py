#!/usr/bin/env python3
"""Checks one end-to-end run: the demo target's request log plus the outputs
of the compiled scenario.

    check.py CASE DIR

DIR holds: log (the target's request log, see demo/README.md), stdout and
stderr of the scenario binary, rc (its exit status), result.json (--json),
and for some cases extra files.  Prints one "PASS e2e/CASE-…" or
"FAIL e2e/CASE-…: why" line per assertion.  Assertions are about what the
target saw, not about timings, except where a timing is the behaviour under
test, and then with wide margins.
"""
import collections
import math
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from runlog import by_user, read, read_json, read_log  # noqa: E402


results = []


def report(name, ok, why=""):
    results.append(ok)
    if ok:
        print(f"PASS e2e/{name}")
    else:
        print(f"FAIL e2e/{name}: {why}")


def ran_ok(case, d, rows, min_requests=1):
    """Common preconditions: exit status 0 and enough requests logged."""
    rc = read(d, "rc").strip()
    report(f"{case}-exit-0", rc == "0",
           f"exit status {rc}; stderr: {read(d, 'stderr')[-300:]!r}")
    report(f"{case}-requests", len(rows) >= min_requests,
           f"{len(rows)} requests logged, want >= {min_requests}")
    return len(rows) >= min_requests


def summary_aggregated(stdout):
    """(requests, failures) from the summary's Aggregated line, or None."""
    for line in stdout.splitlines():
        m = re.match(r"\s*Aggregated\s+(\d+)\s+(\d+)\(", line)
        if m:
            return int(m.group(1)), int(m.group(2))
    return None


def json_entry(res, name):
    for e in (res or {}).get("requests", []):
        if e.get("name") == name:
            return e
    return None


# ---- cases ---------------------------------------------------------------

def case_weights(d):
    rows = read_log(d)
    if not ran_ok("weights", d, rows, 1000):
        return
    counts = collections.Counter()
    for r in rows:
        m = re.search(r"w=([abc])$", r["target"])
        if m:
            counts[m.group(1)] += 1
    n = sum(counts.values())
    expect = {"a": 0.6, "b": 0.2, "c": 0.2}
    chi2 = sum((counts[k] - n * p) ** 2 / (n * p) for k, p in expect.items())
    # 2 degrees of freedom: P(chi2 > 27.6) = 1e-6.  A wrong weighting (say
    # 1:1:1 over 1000 tasks) gives chi2 in the hundreds.
    report("weights-3-1-1", chi2 < 27.6,
           f"counts {dict(counts)} of {n}, chi2 {chi2:.1f} >= 27.6")
    users = by_user(rows)
    report("weights-every-user-ran", len(users) >= 4 and "-" not in users,
           f"users seen: {list(users)[:10]}")


def case_sequence(d):
    rows = read_log(d)
    if not ran_ok("sequence", d, rows, 200):
        return
    users = by_user(rows)
    # A user's stream must be made of the blocks A, 12 and 123; the run may
    # cut the last block short.
    block = re.compile(r"^(A|123|12)*(1|12)?$")
    bad = []
    restarts = 0
    for u, rs in users.items():
        s = "".join(re.search(r"s=(\w)$", r["target"]).group(1)
                    for r in rs if re.search(r"s=(\w)$", r["target"]))
        if not block.match(s):
            bad.append(f"user {u}: {s[:60]}")
        # An interrupt after step 2 followed by a new entry of the seq: a
        # "12" block with a later block that starts at step 1 again.
        blocks = [b for b in re.findall(r"123|12|A|1", s) if b != "A"]
        restarts += sum(1 for b in blocks[:-1] if b == "12")
    report("sequence-order", not bad, "; ".join(bad[:3]))
    report("sequence-restarts-at-first-step", restarts > 10 and not bad,
           f"only {restarts} interrupted-then-re-entered sequences seen")
    report("sequence-users", len(users) >= 3 and "-" not in users,
           f"users seen: {list(users)[:10]}")


def case_interrupt(d):
    rows = read_log(d)
    if not ran_ok("interrupt", d, rows, 20):
        return
    gaps = {"wait": [], "now": []}
    for u, rs in by_user(rows).items():
        kinds = {re.search(r"i=(\w+)$", r["target"]).group(1) for r in rs}
        if len(kinds) != 1:
            report("interrupt-one-kind-per-user", False, f"user {u}: {kinds}")
            return
        kind = kinds.pop()
        ts = [r["t_us"] for r in rs]
        gaps[kind] += [(b - a) / 1000.0 for a, b in zip(ts, ts[1:])]
    w, n = gaps["wait"], gaps["now"]
    report("interrupt-both-ran", len(w) >= 4 and len(n) >= 4,
           f"{len(w)} gaps with interrupt, {len(n)} with interrupt now")
    if len(w) < 4 or len(n) < 4:
        return
    # `interrupt`: the parent waits its constant 300 ms between requests.
    report("interrupt-parent-waits", min(w) >= 200 and
           statistics.median(w) >= 280,
           f"gaps min {min(w):.0f} ms, median {statistics.median(w):.0f} ms")
    # `interrupt now`: no wait at all, the next request follows at once.
    report("interrupt-now-no-wait", statistics.median(n) < 150,
           f"median gap {statistics.median(n):.0f} ms")
    report("interrupt-now-more-requests", len(n) > 3 * len(w),
           f"{len(n)} vs {len(w)}")


def case_session(d, nusers):
    rows = read_log(d)
    if not ran_ok("session", d, rows, 5 * nusers):
        return
    users = by_user(rows)
    report("session-all-users", len(users) == nusers and "-" not in users,
           f"{len(users)} users seen, want {nusers}: {list(users)[:12]}")
    once, first, own, sessions, tokens, bad_status = [], [], [], {}, {}, []
    for u, rs in users.items():
        logins = [r for r in rs if r["target"] == "/login"]
        if len(logins) != 1:
            once.append(f"user {u}: {len(logins)} logins")
        if rs[0]["target"] != "/login" or rs[0]["cookie"] != "-":
            first.append(f"user {u} starts with {rs[0]['target']} "
                         f"cookie {rs[0]['cookie']}")
        if f'"user{u}"' not in logins[0]["body"] if logins else True:
            first.append(f"user {u}: login body {logins[:1]}")
        cookies = {r["cookie"] for r in rs[1:]}
        auths = {r["auth"] for r in rs[1:] if r["target"] == "/me"}
        if len(cookies) != 1 or not re.fullmatch(r"session=[0-9a-f]{32}",
                                                 next(iter(cookies), "")):
            own.append(f"user {u}: cookies {sorted(cookies)[:3]}")
        else:
            sessions[u] = cookies.pop()
        if len(auths) == 1:
            tokens[u] = auths.pop()
        bad_status += [f"user {u} {r['target']} {r['status']}"
                       for r in rs if r["status"] != 200]
    report("session-on-start-once", not once, "; ".join(once[:3]))
    report("session-login-first", not first, "; ".join(first[:3]))
    report("session-one-cookie-per-user", not own, "; ".join(own[:3]))
    report("session-cookies-distinct",
           len(set(sessions.values())) == len(sessions) == nusers,
           f"{len(set(sessions.values()))} distinct sessions for {nusers}")
    report("session-tokens-captured",
           len(tokens) == nusers and
           len(set(tokens.values())) == nusers and
           all(re.fullmatch(r"Bearer [0-9a-f]{32}", t)
               for t in tokens.values()),
           f"tokens: {list(tokens.values())[:3]}")
    report("session-all-200", not bad_status, "; ".join(bad_status[:3]))


def case_failures(d):
    rows = read_log(d)
    if not ran_ok("failures", d, rows, 20):
        return
    res = read_json(d)
    served500 = sum(1 for r in rows if r["status"] == 500)
    served200 = sum(1 for r in rows if r["status"] == 200)
    report("failures-json", res is not None, "no result.json")
    if res is None:
        return
    bad = json_entry(res, "/status/500")
    good = json_entry(res, "/products/1")
    agg = res.get("aggregated", {})
    nusers = len(by_user(rows))
    # Requests cut off by the end of the run may be logged by the target but
    # not counted by the client: allow one per user.
    report("failures-500-counted", bad is not None and
           bad["failures"] == bad["requests"] and
           served500 - nusers <= bad["failures"] <= served500,
           f"json {bad and (bad['requests'], bad['failures'])}, "
           f"target sent {served500} 500s")
    report("failures-200-not-counted", good is not None and
           good["failures"] == 0 and
           served200 - nusers <= good["requests"] <= served200,
           f"json {good and (good['requests'], good['failures'])}, "
           f"target sent {served200} 200s")
    agg_sum = summary_aggregated(read(d, "stdout"))
    report("failures-summary", agg_sum is not None and
           agg_sum == (agg.get("requests"), agg.get("failures")),
           f"summary Aggregated {agg_sum}, json "
           f"{(agg.get('requests'), agg.get('failures'))}")


def case_refused(d):
    res = read_json(d)
    rc = read(d, "rc").strip()
    report("refused-run-completes", rc == "0",
           f"exit status {rc}; stderr {read(d, 'stderr')[-300:]!r}")
    agg = (res or {}).get("aggregated", {})
    n, f = agg.get("requests", 0), agg.get("failures", -1)
    report("refused-all-failed", n >= 5 and f == n,
           f"{n} requests, {f} failures")
    agg_sum = summary_aggregated(read(d, "stdout"))
    report("refused-summary", agg_sum is not None and agg_sum[0] == agg_sum[1]
           and agg_sum[0] >= 5, f"summary Aggregated {agg_sum}")
    errors = (res or {}).get("errors", [])
    report("refused-error-reported", len(errors) >= 1,
           f"errors: {str(errors)[:200]}")


def case_shop(d):
    rows = read_log(d)
    if not ran_ok("shop", d, rows, 10):
        return
    out = read(d, "stdout")
    report("shop-report", summary_aggregated(out) is not None and
           "Response time percentiles" in out, f"stdout: {out[:300]!r}")
    paths = {re.sub(r"/products/\d+$", "/products/N", r["target"])
             for r in rows}
    # "/" and "/products" are certain within a few seconds; "/about" (one
    # task in eight) is not, so it is only allowed, not required.
    report("shop-paths", {"/", "/products"} <= paths and
           paths <= {"/", "/about", "/products", "/products/N", "/cart/add"},
           f"paths {sorted(paths)}")
    bad = [r for r in rows if r["status"] != 200]
    report("shop-no-errors", not bad, f"{len(bad)} non-200: {bad[:2]}")


def case_data(d):
    rows = read_log(d)
    if not ran_ok("data", d, rows, 10):
        return
    logins = [r for r in rows if r["target"] == "/login"]
    conns = {r["conn"] for r in rows}
    names = [re.search(r'"username":\s*"([^"]*)"', r["body"]) for r in logins]
    report("data-feeder-rows", all(n and re.fullmatch(r"user\d+", n.group(1))
                                   for n in names) and len(logins) >= 1,
           f"login bodies {[r['body'] for r in logins[:3]]}")
    report("data-feeder-round-robin",
           len({n.group(1) for n in names if n}) == len(logins),
           "two users got the same account row")
    me = [r for r in rows if r["target"] == "/me"]
    report("data-token-captured", me and all(r["status"] == 200 for r in me),
           f"{len(me)} /me, statuses {collections.Counter(r['status'] for r in me)}")
    prods = [r for r in rows if re.fullmatch(r"/products/\d+", r["target"])]
    searches = [r for r in rows if r["target"].startswith("/search?")]
    report("data-search-query", searches and all(
        re.fullmatch(r"/search\?(q=(shoes|hats)&page=[1-5]|"
                     r"page=[1-5]&q=(shoes|hats))", r["target"])
        for r in searches), f"targets {[r['target'] for r in searches[:3]]}")
    report("data-regex-capture", prods and all(r["status"] == 200
                                               for r in prods),
           f"{len(prods)} product requests after {len(searches)} searches")
    report("data-users", len(conns) >= 1, "no connections")


def case_everything(d):
    rows = read_log(d)
    if not ran_ok("everything", d, rows, 50):
        return
    methods = {r["method"] for r in rows}
    want = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}
    report("everything-methods", want <= methods,
           f"missing {sorted(want - methods)}")
    logins = [r for r in rows if r["target"] == "/login"]
    report("everything-form-login", logins and all(
        re.fullmatch(r"username=user\d+&password=pass\d+", r["body"])
        for r in logins), f"bodies {[r['body'] for r in logins[:2]]}")
    basic = [r for r in rows if r["target"] == "/headers"]
    # "admin:secret" in base64 (env ADMIN_PASSWORD unset: the default).
    report("everything-basic-auth", basic and all(
        r["auth"] == "Basic YWRtaW46c2VjcmV0" for r in basic),
        f"auth {[r['auth'] for r in basic[:2]]}")
    redirects = [r for r in rows if r["target"] == "/redirect"]
    report("everything-redirects", redirects and
           all(r["status"] == 302 for r in redirects) and
           any(r["target"] == "/about" for r in rows),
           f"{len(redirects)} /redirect")
    searches = [r for r in rows if r["target"].startswith("/search?")]
    report("everything-query", searches and all(
        re.search(r"q=(shoes|hats)", r["target"]) for r in searches),
        f"{[r['target'] for r in searches[:3]]}")
    byes = [r for r in rows if r["target"] == "/echo" and
            r["method"] == "POST"]
    report("everything-on-stop", byes and all(
        re.fullmatch(r"user \d+: \d+ visits, \d+", r["body"])
        for r in byes), f"on_stop bodies {[r['body'] for r in byes[:2]]}")
    res = read_json(d) or {}
    report("everything-thresholds-ok", res.get("thresholds_ok") is True,
           f"thresholds {res.get('thresholds')}")


def case_threshold(d):
    rc = read(d, "rc").strip()
    res = read_json(d) or {}
    report("threshold-broken-exit", rc not in ("", "0"),
           f"exit status {rc!r} with a broken threshold")
    report("threshold-broken-json", res.get("thresholds_ok") is False,
           f"thresholds_ok {res.get('thresholds_ok')}")


def main():
    case, d = sys.argv[1], sys.argv[2]
    if case == "session":
        case_session(d, int(sys.argv[3]))
    else:
        globals()["case_" + case](d)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
