#!/usr/bin/env python3
"""Assertions of tests/t-metrics.sh on a --json result (and its CSV/HTML/
JUnit siblings).  Prints PASS/FAIL lines; exit status 1 on any FAIL.

check.py shop RESULT.json [CSV_PREFIX]   the shop.swarm run
check.py merged MERGED.json A.json B.json  exact merge of two results
"""
import csv
import json
import sys

SUITE = "metrics"
failed = False


def ok(name, cond, why=""):
    global failed
    if cond:
        print(f"PASS {SUITE}/{name}")
    else:
        failed = True
        print(f"FAIL {SUITE}/{name}: {why}")


def rows(d):
    return {(r["method"], r["name"]): r for r in d["requests"]}


def metrics(d):
    return {m["name"]: m for m in d["metrics"]}


def shop(path, prefix=None, tag="shop"):
    d = json.load(open(path))
    r = rows(d)
    names = sorted(f"{m} {n}" for m, n in r)
    ok(f"{tag}-request-names",
       ("GET", "checkout::product") in r
       and ("POST", "checkout::pay::/cart/add") in r
       and ("GET", "/") in r and ("GET", "product") not in r, names)
    g = r.get(("GROUP", "checkout"))
    gp = r.get(("GROUP", "checkout::pay"))
    ok(f"{tag}-group-rows", g is not None and gp is not None, names)
    if g is None or gp is None:
        return
    n = g["requests"]
    ok(f"{tag}-group-count", n > 0 and gp["requests"] == n
       and r[("GET", "checkout::product")]["requests"] == n, f"{n}")
    lat = g["latency_ms"]
    # the group holds a 100 ms sleep and two local requests (the event
    # loop's timers run on its cached clock: a sleep may end a little
    # before 100 ms of real time have passed)
    ok(f"{tag}-group-duration", 95 <= lat["min"] and lat["max"] < 5000
       and lat["min"] <= lat["percentiles"]["p50"] <= lat["max"],
       json.dumps(lat))
    ok(f"{tag}-inner-group-shorter", gp["latency_ms"]["max"] < 100,
       json.dumps(gp["latency_ms"]))
    reqs = sum(e["requests"] for (m, _), e in r.items() if m != "GROUP")
    ok(f"{tag}-aggregated-requests-only",
       d["aggregated"]["requests"] == reqs, f"{d['aggregated']['requests']} "
       f"!= {reqs}")
    m = metrics(d)
    ok(f"{tag}-metric-list", list(m) == ["items_added", "items", "basket",
                                         "think"], list(m))
    ok(f"{tag}-counter-exact", m["items_added"]["value"] == n
       and m["items"]["value"] == 3 * n and m["items"]["count"] == n,
       f"{m['items_added']} {m['items']} groups={n}")
    b = m["basket"]
    ok(f"{tag}-trend-exact", b["count"] == 8 * n and b["min"] == 10
       and b["max"] == 30 and b["percentiles"]["p50"] == 20
       and b["percentiles"]["p90"] == 30 and b["unit"] is None
       and b["avg"] == 20, json.dumps(b))
    t = m["think"]
    ok(f"{tag}-time-trend", t["kind"] == "time" and t["unit"] == "ms"
       and t["count"] == n and t["avg"] == 250
       and t["percentiles"]["p99"] == 250 and t["raw"]["max"] == 250000,
       json.dumps(t))
    th = d["thresholds"]
    ok(f"{tag}-thresholds-pass", d["thresholds_ok"] and len(th) == 8,
       json.dumps(th))
    if prefix is None:
        return
    with open(prefix + "_metrics.csv", newline="") as f:
        c = {row["Name"]: row for row in csv.DictReader(f)}
    ok(f"{tag}-csv-metrics", c.get("items", {}).get("Value") == str(3 * n)
       and c["basket"]["50%"] == "20" and c["think"]["Unit"] == "ms"
       and c["think"]["Max"] == "250", json.dumps(c))
    with open(prefix + "_stats.csv", newline="") as f:
        s = {(row["Type"], row["Name"]): row for row in csv.DictReader(f)}
    ok(f"{tag}-csv-group-row", s.get(("GROUP", "checkout"), {})
       .get("Request Count") == str(n)
       and s[("", "Aggregated")]["Request Count"] == str(reqs),
       json.dumps(list(s)))


def merged(path, a, b):
    d, x, y = (json.load(open(p)) for p in (path, a, b))
    m, mx, my = metrics(d), metrics(x), metrics(y)
    ok("merge-counters-add", all(m[k]["value"] == mx[k]["value"]
                                 + my[k]["value"]
                                 for k in ("items", "items_added")),
       json.dumps([m["items"], mx["items"], my["items"]]))
    ok("merge-trend-exact", m["basket"]["count"] == mx["basket"]["count"]
       + my["basket"]["count"] and m["basket"]["percentiles"]["p50"] == 20
       and m["basket"]["min"] == 10 and m["basket"]["max"] == 30
       and m["think"]["avg"] == 250, json.dumps(m["basket"]))
    r, rx, ry = rows(d), rows(x), rows(y)
    k = ("GROUP", "checkout")
    ok("merge-group-row", r[k]["requests"] == rx[k]["requests"]
       + ry[k]["requests"] and d["aggregated"]["requests"]
       == x["aggregated"]["requests"] + y["aggregated"]["requests"],
       json.dumps(r[k]["requests"]))
    ok("merge-thresholds", d["thresholds_ok"]
       and any(t["custom"] for t in d["thresholds"]),
       json.dumps(d["thresholds"]))


if __name__ == "__main__":
    if sys.argv[1] == "shop":
        shop(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None,
             sys.argv[4] if len(sys.argv) > 4 else "shop")
    else:
        merged(sys.argv[2], sys.argv[3], sys.argv[4])
    sys.exit(1 if failed else 0)
