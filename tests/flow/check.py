#!/usr/bin/env python3
"""Assertions of tests/t-flow.sh: `check.py CASE DIR` reads DIR/log (the
demo target's request log), DIR/result.json, DIR/rc, DIR/stderr and
DIR/elapsed, prints PASS/FAIL lines for CASE, exits 1 on a failure."""
import json
import os
import sys

failed = False


def report(case, name, ok, why=""):
    global failed
    if ok:
        print(f"PASS flow/{case}-{name}")
    else:
        failed = True
        print(f"FAIL flow/{case}-{name}: {why}")


def read(d, f, default=""):
    try:
        with open(os.path.join(d, f)) as fh:
            return fh.read()
    except OSError:
        return default


def log(d):
    rows = []
    for line in read(d, "log").splitlines():
        c = line.split("\t")
        if len(c) == 10:
            rows.append({"method": c[1], "target": c[2], "auth": c[4],
                         "x_user": c[5], "status": int(c[7]),
                         "t_us": int(c[8])})
    return rows


def stats(d):
    try:
        res = json.loads(read(d, "result.json", "{}"))
    except ValueError:
        return {}
    return {r["name"]: r for r in res.get("requests", [])}


def count(st, name, key="requests"):
    return st[name][key] if name in st else 0


def hooks(case, d, users):
    rows = log(d)
    rc = read(d, "rc").strip()
    report(case, "exit", rc == "0", f"exit status {rc}: {read(d, 'stderr')[:300]}")
    logins = [r for r in rows if r["target"] == "/login"]
    report(case, "start-once", len(logins) == 1,
           f"{len(logins)} POST /login, expected 1 per process")
    byes = [r for r in rows if r["target"] == "/about?bye=admin"]
    report(case, "stop-once", len(byes) == 1,
           f"{len(byes)} on_test_stop requests, expected 1")
    me = [r for r in rows if r["target"] == "/me"]
    auths = {r["auth"] for r in me}
    report(case, "token-shared",
           len(me) > 0 and len(auths) == 1 and
           all(a.startswith("Bearer ") and len(a) > 20 for a in auths) and
           all(r["status"] == 200 for r in me),
           f"{len(me)} /me requests, tokens {sorted(auths)[:3]}, statuses "
           f"{sorted({r['status'] for r in me})}")
    report(case, "every-user",
           len({r["x_user"] for r in me}) == users,
           f"users seen {sorted({r['x_user'] for r in me})}, expected {users}")
    if logins and byes and me:
        first = min(r["t_us"] for r in me)
        last = max(r["t_us"] for r in me)
        report(case, "start-first", logins[0]["t_us"] < first,
               "a user's request came before on_test_start's")
        report(case, "stop-last", byes[0]["t_us"] > last,
               "on_test_stop's request came before a user's last one")
        report(case, "stop-token", byes[0]["auth"] in auths,
               "on_test_stop did not see on_test_start's token")
    st = stats(d)
    report(case, "outside-stats",
           "/login" not in st and "/about?bye=admin" not in st and
           count(st, "/me") > 0 and count(st, "/me", "failures") == 0,
           f"statistics rows {sorted(st)}")


def hook_fail(case, d):
    rows = log(d)
    rc = read(d, "rc").strip()
    err = read(d, "stderr")
    report(case, "exit", rc == "1", f"exit status {rc}, expected 1")
    report(case, "message",
           "on_test_start failed" in err and "setup" in err and "503" in err,
           f"stderr: {err[:300]!r}")
    report(case, "no-user", not any(r["target"] == "/never" for r in rows),
           "a user ran after on_test_start failed")


def hook_sigint(case, d):
    rows = log(d)
    rc = read(d, "rc").strip()
    err = read(d, "stderr")
    el = float(read(d, "elapsed", "999") or 999)
    report(case, "exit", rc == "130", f"exit status {rc}, expected 130")
    report(case, "message", "interrupted in on_test_start" in err,
           f"stderr: {err[:300]!r}")
    report(case, "prompt", el < 10, f"took {el:.1f} s")
    report(case, "setup-ran", any(r["target"] == "/about" for r in rows),
           "on_test_start's request is not in the target's log")
    report(case, "no-user", not any(r["target"] == "/never" for r in rows),
           "a user ran after on_test_start was interrupted")


def retry(case, d, n):
    st = stats(d)
    want = {"always": (3 * n, 3 * n), "after-always": (n, 0),
            "flaky": (2 * n, 2 * n), "ok-at-last": (n, 0), "rest": (n, 0),
            "exhausted": (2 * n, 2 * n), "never": (0, 0)}
    for name, (reqs, fails) in want.items():
        got = (count(st, name), count(st, name, "failures"))
        report(case, name, got == (reqs, fails),
               f"{got[0]} requests, {got[1]} failures; expected {reqs}, {fails}")


def ret(case, d, n):
    st = stats(d)
    got = {k: count(st, k) for k in ("one", "two", "three", "never")}
    report(case, "counts", got == {"one": n, "two": n, "three": n, "never": 0},
           f"{got}, expected {n} of one/two/three and no never")


def loop(case, d, max_s, min_after=3):
    rc = read(d, "rc").strip()
    report(case, "exit", rc == "0", f"exit status {rc}: {read(d, 'stderr')[:300]}")
    el = float(read(d, "elapsed", "999") or 999)
    report(case, "prompt", el < max_s,
           f"the run took {el:.1f} s, expected under {max_s} s")
    st = stats(d)
    after = count(st, "after-loop")
    lp = count(st, "loop")
    report(case, "not-starved", after >= min_after,
           f"{after} after-loop requests: the spinning user starved the "
           "worker")
    report(case, "rounds", 3 * after <= lp <= 3 * after + 3,
           f"{lp} loop requests for {after} after-loop")


def choice(case, d):
    rows = log(d)
    a = sum(r["target"] == "/products/1" for r in rows)
    b = sum(r["target"] == "/products/2" for r in rows)
    share = a / (a + b) if a + b else 0
    # 4000 draws: the share's sd is 0.007; 0.70..0.80 is 7 sd each way
    report(case, "three-to-one", a + b >= 4000 and 0.70 <= share <= 0.80,
           f"{a} x /products/1, {b} x /products/2 (share {share:.3f})")


case, d = sys.argv[1], sys.argv[2]
args = [int(x) for x in sys.argv[3:]]
{"hooks": lambda: hooks(case, d, args[0]),
 "hooks-threads": lambda: hooks(case, d, args[0]),
 "hook-fail": lambda: hook_fail(case, d),
 "hook-sigint": lambda: hook_sigint(case, d),
 "retry": lambda: retry(case, d, args[0]),
 "return": lambda: ret(case, d, args[0]),
 "while": lambda: loop(case, d, *args),
 "while-graceful": lambda: loop(case, d, *args),
 "while-sigint": lambda: loop(case, d, *args),
 "choice": lambda: choice(case, d)}[case]()
sys.exit(1 if failed else 0)
