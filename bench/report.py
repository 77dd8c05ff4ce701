#!/usr/bin/python3
"""bench/report.py - turn what bench/run.sh left in W into Markdown tables.

usage: /usr/bin/python3 bench/report.py W [DOC]

Prints every table it can build from W/records.tsv.  With DOC (normally
docs/performance.md) it also replaces, for each section that has data, the
text between "<!-- bench:NAME -->" and "<!-- /bench:NAME -->" in DOC, so a
quick SECTIONS=tput run updates the throughput table and leaves the others.
"""
import collections
import os
import re
import statistics
import sys

W = sys.argv[1] if len(sys.argv) > 1 else "build/bench"
DOC = sys.argv[2] if len(sys.argv) > 2 else None
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, nd=0, unit=""):
    if x is None:
        return "n/a"
    return f"{x:,.{nd}f}{unit}"


def short_cmd(cmd):
    """The recorded command with repository paths made relative."""
    cmd = cmd.replace(ROOT + "/", "")
    return re.sub(r"\S*/bin/locust\b", "locust", cmd)


def parse_time(path):
    t = read(path)
    out = {}
    for key, pat in (("user", r"User time \(seconds\): ([\d.]+)"),
                     ("sys", r"System time \(seconds\): ([\d.]+)")):
        m = re.search(pat, t)
        out[key] = float(m.group(1)) if m else None
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", t)
    out["rss_kb"] = int(m.group(1)) if m else None
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", t)
    out["elapsed"] = None
    if m:
        s = 0.0
        for p in m.group(1).split(":"):
            s = s * 60 + float(p)
        out["elapsed"] = s
    return out


AGG = re.compile(r"Aggregated\s+(\d+)\s+(\d+)\([\d.]+%\)\s+\|[^|]*\|\s+([\d.]+)")


def parse_tool(kind, base):
    """-> (ok requests, RPS, errors) by the tool's own account, or Nones."""
    t = read(base + ".out")
    if kind == "wrk":
        m = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", t)
        r = re.search(r"Requests/sec:\s+([\d.]+)", t)
        n2 = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
        se = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", t)
        # "read" errors are the server closing a keep-alive-off connection
        err = (int(n2.group(1)) if n2 else 0) + (int(se.group(1)) + int(se.group(4)) if se else 0)
        return (int(m.group(1)) if m else None, float(r.group(1)) if r else None, err)
    if kind == "h2load":
        m = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, "
                      r"(\d+) failed, (\d+) errored", t)
        r = re.search(r"finished in [\d.]+m?s, ([\d.]+) req/s", t)
        return (int(m.group(4)) if m else None, float(r.group(1)) if r else None,
                int(m.group(5)) + int(m.group(6)) if m else None)
    if kind in ("locust", "swarm"):
        # Locust's final summary table; our binary prints the same format.
        m = None
        for m in AGG.finditer(t):
            pass
        if not m:
            return (None, None, None)
        return (int(m.group(1)) - int(m.group(2)), float(m.group(3)), int(m.group(2)))
    if kind == "curluv":
        m = re.search(r"requests=(\d+) errors=(\d+) non2xx=(\d+) .*? rps=(\d+)", t)
        if not m:
            return (None, None, None)
        return (int(m.group(1)) - int(m.group(2)) - int(m.group(3)), float(m.group(4)),
                int(m.group(2)) + int(m.group(3)))
    raise ValueError(kind)


# ------------------------------------------------------------------ records
runs = collections.defaultdict(list)   # (section, label) -> [run]
order = []
cmds = {}                              # (section, label) -> command of rep 1
nginx_desc = {}                        # section -> nginx description
mems = collections.defaultdict(lambda: collections.defaultdict(list))
mem_cmds = {}
irs = collections.defaultdict(dict)
for line in read(os.path.join(W, "records.tsv")).splitlines():
    f = line.split("\t")
    if f[0] == "mem":
        _, label, users, rss, base, active, slab0, slab1, cmd, ndesc = f[:10]
        name = label.rpartition(".r")[0]
        mems[name][int(users)].append(dict(
            rss_kb=int(rss or 0), active=int(active or 0), out=read(base + ".out"),
            slab_kb=int(slab1) - int(slab0)))
        mem_cmds.setdefault(name, short_cmd(cmd))
        continue
    if f[0] == "ir":
        _, label, size, base, s0, s1, cmd = f[:7]
        r0, r1 = int(s0.split()[2]), int(s1.split()[2])
        irs[label][size] = dict(base=base, req=r1 - r0 - 1, cmd=short_cmd(cmd))
        continue
    section, label, kind, rep, base, ncpu, wall, s0, s1, cmd, ndesc, protos, busy = (f + [""] * 13)[:13]
    key = (section, label)
    if key not in runs:
        order.append(key)
        cmds[key] = short_cmd(cmd)
    nginx_desc[section] = ndesc
    tm = parse_time(base + ".time")
    req, rps, err = parse_tool(kind, base)
    a0, c0, q0 = (int(x) for x in s0.split())
    a1, c1, q1 = (int(x) for x in s1.split())
    nreq = q1 - q0 - 1          # minus the stub_status request itself
    own = req is not None
    if not own:                 # fall back on nginx's count
        req = nreq
        if rps is None and tm["elapsed"]:
            rps = nreq / tm["elapsed"]
    cpu = (tm["user"] or 0) + (tm["sys"] or 0)
    runs[key].append(dict(
        kind=kind, req=req, own=own, rps=rps, err=err, cpu=cpu, user=tm["user"], sys=tm["sys"],
        rss=tm["rss_kb"], elapsed=tm["elapsed"], nginx_util=float(ncpu) / float(wall),
        nginx_req=nreq, conns=c1 - c0 - 1, protos=protos,
        # machine busy time that was neither this client nor nginx
        other=(float(busy) - float(ncpu) - cpu) / float(wall) if busy else None))


def row_stats(rs):
    per = [r["cpu"] * 1e6 / r["req"] for r in rs if r["req"]]
    return dict(
        n=len(rs), per=med(per), lo=min(per) if per else None, hi=max(per) if per else None,
        user=med([r["user"] * 1e6 / r["req"] for r in rs if r["req"] and r["user"] is not None]),
        sys=med([r["sys"] * 1e6 / r["req"] for r in rs if r["req"] and r["sys"] is not None]),
        rps=med([r["rps"] for r in rs]), rss=med([r["rss"] for r in rs]),
        busy=med([r["cpu"] / r["elapsed"] for r in rs if r["elapsed"]]),
        nbusy=med([r["nginx_util"] for r in rs]), other=med([r["other"] for r in rs]), conns=med([r["conns"] for r in rs]),
        ratio=med([r["nginx_req"] / r["req"] for r in rs if r["req"] and r["own"]]),
        own=all(r["own"] for r in rs), err=sum(r["err"] or 0 for r in rs),
        # "HTTP/1.1:N HTTP/2.0:M" per run -> the protocol names seen in any run
        protos=", ".join(sorted({p.rpartition(":")[0] for r in rs for p in r["protos"].split()})))


STATS = {k: row_stats(v) for k, v in runs.items()}
OURS_AVAILABLE = read(os.path.join(W, "ours_available")).strip() == "yes"


def group(label):
    m = re.search(r"-(4k|1m|h1|h2)(?:-|$)", label)
    return m.group(1) if m else ""


def ref(section, grp, prefixes):
    for p in prefixes:
        for (s, lab) in order:
            if s == section and group(lab) == grp and lab.startswith(p) and STATS[(s, lab)]["per"]:
                return STATS[(s, lab)]["per"]
    return None


def display(label):
    return label.replace("ours", "**swarmc (ours)**", 1) if label.startswith("ours") else label


TITLES = {
    "tput": "Keep-alive GET /hello (6-byte body), 50 users / connections, client on one core",
    "threads": "Threads: our binary with --threads 1 and 2 (keep-alive GET /hello, 50 users)",
    "body": "Body size: keep-alive GET of a 4 KiB (`-4k`) and a 1 MiB (`-1m`) static file, 50 users",
    "newconn": "A new TCP connection per request (nginx `keepalive_timeout 0`), GET /hello, 50 users",
    "tls": "HTTPS, TLS 1.3: HTTP/1.1 (`-h1`, ALPN offers only http/1.1) and HTTP/2 "
           "(`-h2`, ALPN offers h2), GET /hello, 50 users",
}
PENDING = {
    "tput": ["ours"], "threads": ["ours-threads1", "ours-threads2"],
    "body": ["ours-4k", "ours-1m"], "newconn": ["ours"], "tls": ["ours-h1", "ours-h2"],
}


def load_table(section):
    keys = [k for k in order if k[0] == section]
    if not keys:
        return None
    locust_fast = STATS.get(("tput", "locust-FastHttpUser"), {}).get("per")
    locust_http = STATS.get(("tput", "locust-HttpUser"), {}).get("per")
    out = [f"#### {TITLES[section]}", ""]
    if nginx_desc.get(section):
        out += [f"nginx: {nginx_desc[section]}; client CPU list as in the command. "
                f"Medians of {max(STATS[k]['n'] for k in keys)} runs.", ""]
    with_locust = section in ("tput",)
    hdr = ["client", "requests/s", "client CPU µs/req (min–max)", "user / sys µs/req",
           "× wrk", "× curluv -T"]
    if with_locust:
        hdr += ["Locust Fast ÷ this", "Locust Http ÷ this"]
    hdr += ["peak RSS", "client CPU busy", "nginx CPU busy", "other CPU busy", "conns opened",
            "nginx reqs / tool reqs", "limited by"]
    if section == "tls":
        hdr.append("protocol seen by nginx")
    out.append("| " + " | ".join(hdr) + " |")
    out.append("|" + "---|" * len(hdr))
    labels = [k[1] for k in keys]
    for lab in PENDING.get(section, []):
        if lab not in labels:
            cells = [display(lab)] + ["pending our binary"] + ["–"] * (len(hdr) - 2)
            out.append("| " + " | ".join(cells) + " |")
    for key in keys:
        s = STATS[key]
        lab = key[1]
        grp = group(lab)
        wref = ref(section, grp, ["wrk", "h2load"])
        cref = ref(section, grp, ["curluv-T"])
        per = s["per"]
        nb, cb = s["nbusy"], s["busy"]
        lim = "nginx" if nb and nb > 0.90 else ("client" if cb and cb > 0.75 else "neither (latency)")
        if s["other"] and s["other"] > 0.15:
            lim += f" (disturbed: other work {s['other'] * 100:.0f}%)"
        name = display(lab) + ("" if s["own"] else " †") + (f" (errors: {s['err']})" if s["err"] else "")
        cells = [name, fmt(s["rps"]), f"**{fmt(per, 1)}** ({fmt(s['lo'], 1)}–{fmt(s['hi'], 1)})",
                 f"{fmt(s['user'], 1)} / {fmt(s['sys'], 1)}",
                 fmt(per / wref if per and wref else None, 2),
                 fmt(per / cref if per and cref else None, 2)]
        if with_locust:
            cells += [fmt(locust_fast / per if per and locust_fast else None, 1),
                      fmt(locust_http / per if per and locust_http else None, 1)]
        cells += [fmt(s["rss"] / 1024 if s["rss"] else None, 1, " MB"),
                  fmt(cb * 100 if cb else None, 0, "%"), fmt(nb * 100 if nb else None, 0, "%"),
                  fmt(max(s["other"], 0) * 100 if s["other"] is not None else None, 0, "%"),
                  fmt(s["conns"]), fmt(s["ratio"], 3), lim]
        if section == "tls":
            cells.append(s["protos"] or "–")
        out.append("| " + " | ".join(cells) + " |")
    out += ["", "Commands (run under `/usr/bin/time -v timeout ...`; URLs point at the bench nginx):", ""]
    for key in keys:
        out.append(f"- {key[1]}: `{cmds[key]}`")
    if any(not STATS[k]["own"] for k in keys):
        out += ["", "† the tool's own count could not be read: requests are nginx's count."]
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ memory
def mem_table():
    if not mems:
        return None
    out = ["| client | state | users | client RSS (median) | RSS per user vs the smallest run "
           "| slope vs previous row | program's own per-handle figure | open conns seen by nginx "
           "| kernel slab per conn (both ends, noisy) |", "|" + "---|" * 9]
    summary = []
    for name, byn in mems.items():
        ns = sorted(byn)
        n0 = ns[0]
        base = med([m["rss_kb"] for m in byn[n0]])
        prev = None
        last_per = None
        for n in ns:
            ms = byn[n]
            rss = med([m["rss_kb"] for m in ms])
            per = (rss - base) * 1024 / (n - n0) if n > n0 and base else None
            slope = (rss - prev[1]) * 1024 / (n - prev[0]) if prev else None
            prev = (n, rss)
            if per:
                last_per = (n, per, base)
            own = [float(x) for m in ms for x in re.findall(r"per_handle_bytes=([\d.]+)", m["out"])]
            slab = med([m["slab_kb"] * 1024 / n for m in ms]) if n >= 1000 else None
            if name.startswith("curluv"):
                state = ("idle keep-alive conn only (easy handle freed)" if name.endswith("-X")
                         else "idle keep-alive conn + its easy handle")
            elif name == "ours-ramp":
                state = "user waiting after on_start's GET, spawned at 1,000/s"
            elif name.startswith("ours"):
                state = "user waiting after on_start's GET, all spawned within ~1 s"
            else:
                state = "user waiting after 1 GET"
            out.append(f"| {display(name)} | {state} | {n:,} | {fmt(rss / 1024, 1)} MB "
                       f"| {fmt(per, 0, ' B') if per else '—'} | {fmt(slope, 0, ' B') if slope else '—'} "
                       f"| {fmt(med(own), 0, ' B') if own and n > 1 else '—'} "
                       f"| {fmt(med([m['active'] for m in ms]))} | {fmt(slab, 0, ' B') if slab else '—'} |")
        if last_per:
            n, per, base = last_per
            summary.append(f"| {display(name)} | {fmt(per / 1024, 1)} KiB (at {n:,}) "
                           f"| {fmt((base * 1024 + per * 100000) / 2**20, 0)} MiB |")
    if not any(n.startswith("ours") for n in mems):
        summary.insert(0, "| **swarmc (ours)** | pending our binary | – |")
    out += ["", "Per idle user, and the 100,000-user extrapolation (base RSS + per-user × 100,000; "
            "the fd hard limit of 20,000 per process stops a direct measurement here):", "",
            "| client | RSS per idle user | 100,000 users (extrapolated) |", "|---|---|---|"] + summary
    out += ["", "Commands (N = users; RSS read from /proc/PID/status VmRSS once nginx sees N more "
            "open connections, then the client is stopped with SIGTERM):", ""]
    for name, c in mem_cmds.items():
        out.append(f"- {name}: `{c}`")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ instructions
ANN = re.compile(r"^\s*([\d,]+)\s+(?:\([\s\d.]+%\)\s+)?(\S.*?)\s+\[(.+)\]\s*$")


def by_object(path):
    """Self Ir per object class from callgrind_annotate's per-function list."""
    tot = collections.Counter()
    for line in read(path).splitlines():
        m = ANN.match(line)
        if not m:
            continue
        ir = int(m.group(1).replace(",", ""))
        fn = m.group(2).rpartition(":")[2]
        obj = os.path.basename(m.group(3))
        if obj.startswith("libcurl"):
            cls = "libcurl"
        elif obj.startswith("libuv") or re.match(r"uv_|uv__", fn):
            cls = "libuv"          # static libuv sits inside our binary
        elif obj.startswith(("libc.so", "libc-", "libm.so", "libpthread")):
            cls = "libc"
        elif obj.startswith(("libssl", "libcrypto", "libnghttp2", "libz", "ld-linux", "libnss")):
            cls = "other libs"
        elif re.match(r"json_|jsonp_|pcre2_|hashtable_", fn):
            cls = "jansson/pcre2"
        elif obj.startswith("lib") or obj.startswith("vgpreload"):
            cls = "other libs"
        else:
            cls = "ours" if obj.startswith(("one_get", "idle_user")) else "app (curluv)"
        tot[cls] += ir
    return tot


def by_function(path):
    """Self Ir per function (with its object) from callgrind_annotate."""
    tot = collections.Counter()
    for line in read(path).splitlines():
        m = ANN.match(line)
        if m:
            fn = m.group(2).rpartition(":")[2]
            tot[f"{fn} ({os.path.basename(m.group(3))})"] += int(m.group(1).replace(",", ""))
    return tot


def ir_table():
    rows = []
    for label, sz in irs.items():
        if "small" not in sz or "big" not in sz:
            continue
        s, b = sz["small"], sz["big"]
        ts, tb = by_object(s["base"] + ".annotate"), by_object(b["base"] + ".annotate")
        dn = b["req"] - s["req"]
        if dn <= 0 or not ts or not tb:
            rows.append(f"| {display(label)} | {s['req']:,} / {b['req']:,} | n/a | |")
            continue
        per = (sum(tb.values()) - sum(ts.values())) / dn
        parts = []
        for cls in sorted(set(ts) | set(tb), key=lambda c: -(tb[c] - ts[c])):
            v = (tb[cls] - ts[cls]) / dn
            if abs(v) >= 50:
                parts.append(f"{cls} {v:,.0f}")
        rows.append(f"| {display(label)} | {s['req']:,} / {b['req']:,} | **{per:,.0f}** | {'; '.join(parts)} |")
    if not rows:
        return None
    if "ours" not in irs:
        rows.insert(0, "| **swarmc (ours)** | pending our binary | – | – |")
    out = ["| client | requests (nginx count) small / big | Ir per request | by object (Ir/req) |",
           "|---|---|---|---|"] + rows
    for label, sz in irs.items():
        if label != "ours" or "small" not in sz or "big" not in sz:
            continue
        dn = sz["big"]["req"] - sz["small"]["req"]
        fs, fb = by_function(sz["small"]["base"] + ".annotate"), by_function(sz["big"]["base"] + ".annotate")
        if dn > 0 and fb:
            top = sorted(fb, key=lambda k: -(fb[k] - fs[k]))[:15]
            out += ["", "Our binary's 15 most expensive functions per request (self Ir, marginal; "
                    "`???:0x…` are libcurl's internal functions, which have no symbols):", "",
                    "| function (object) | Ir/req |", "|---|---:|"]
            out += [f"| `{k}` | {(fb[k] - fs[k]) / dn:,.0f} |" for k in top]
            mine = [k for k in fb if not re.search(r"\((lib|ld-|vgpreload)", k)]
            mine = sorted(mine, key=lambda k: -(fb[k] - fs[k]))[:10]
            out += ["", "and the 10 most expensive in our own binary (runtime, generated code, "
                    "static libuv/jansson/pcre2):", "", "| function | Ir/req |", "|---|---:|"]
            out += [f"| `{k.rpartition(' (')[0]}` | {(fb[k] - fs[k]) / dn:,.0f} |" for k in mine]
    out += ["", "Ir per request = (Ir(big run) − Ir(small run)) / (requests(big) − requests(small)): "
            "the marginal cost without start-up. Objects from `callgrind_annotate --inclusive=no`; "
            "libuv is linked statically into our binary, so it is told apart by its `uv_`/`uv__` "
            "function names.", "", "Commands:", ""]
    for label, sz in irs.items():
        for size in ("small", "big"):
            if size in sz:
                out.append(f"- {label} {size}: `{sz[size]['cmd']}`")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ summary
def summary_table():
    ours = STATS.get(("tput", "ours"))
    cT = STATS.get(("tput", "curluv-T"), {}).get("per")
    fast = STATS.get(("tput", "locust-FastHttpUser"), {}).get("per")
    http = STATS.get(("tput", "locust-HttpUser"), {}).get("per")
    wrk = STATS.get(("tput", "wrk"), {}).get("per")
    if not (cT or fast or wrk):
        return None
    op = ours["per"] if ours else None

    def status(ok):
        return "–" if ok is None else ("**met**" if ok else "**not met**")
    rows = ["| target (issue 7) | measured | status |", "|---|---|---|"]
    if op:
        rows.append(f"| CPU per request ≤ 1.1 × curluv -T | {fmt(op, 1)} µs vs {fmt(cT, 1)} µs = "
                    f"{fmt(op / cT if cT else None, 2)}× | {status(op / cT <= 1.1 if cT else None)} |")
        rows.append(f"| ≥ 7× cheaper than Locust FastHttpUser | {fmt(fast / op if fast else None, 1)}× "
                    f"| {status(fast / op >= 7 if fast else None)} |")
        rows.append(f"| ≥ 25× cheaper than Locust HttpUser | {fmt(http / op if http else None, 1)}× "
                    f"| {status(http / op >= 25 if http else None)} |")
        rows.append(f"| (reference) × wrk | {fmt(op / wrk if wrk else None, 2)}× | – |")
    else:
        rows.append("| CPU per request ≤ 1.1 × curluv -T, ≥ 7× below FastHttpUser, ≥ 25× below HttpUser "
                    f"| pending our binary (curluv -T {fmt(cT, 1)} µs, FastHttpUser {fmt(fast, 1)} µs, "
                    f"HttpUser {fmt(http, 1)} µs) | pending |")
    t1 = STATS.get(("threads", "ours-threads1"), {}).get("rps")
    t2 = STATS.get(("threads", "ours-threads2"), {}).get("rps")
    if t1 and t2:
        rows.append(f"| 2 threads ≥ 1.8 × the requests/s of 1 (server not the bottleneck) | "
                    f"{fmt(t2 / t1, 2)}× ({fmt(t1)} → {fmt(t2)} req/s; nginx shares the 2 cores) "
                    f"| {status(t2 / t1 >= 1.8)} (see threads) |")
    om = mems.get("ours")
    if om and len(om) > 1:
        ns = sorted(om)
        b = med([m["rss_kb"] for m in om[ns[0]]])
        r = med([m["rss_kb"] for m in om[ns[-1]]])
        per = (r - b) * 1024 / (ns[-1] - ns[0])
        rows.append(f"| idle connected user ≤ 12 KiB RSS | {fmt(per / 1024, 1)} KiB at {ns[-1]:,} users "
                    f"| {status(per <= 12 * 1024)} |")
    return "\n".join(rows) + "\n"


# ------------------------------------------------------------------ output
blocks = {}
machine = read(os.path.join(W, "machine.txt")).strip()
if machine:
    blocks["machine"] = "\n".join(f"- {line}" for line in machine.splitlines()) + "\n"
s = summary_table()
if s:
    blocks["summary"] = s
for sec in ("tput", "threads", "body", "newconn", "tls"):
    t = load_table(sec)
    if t:
        blocks[sec] = t
m = mem_table()
if m:
    blocks["mem"] = m
i = ir_table()
if i:
    blocks["ir"] = i

for name, text in blocks.items():
    print(f"\n### {name}\n\n{text}")

if DOC:
    doc = read(DOC)
    if not doc:
        sys.exit(f"report.py: cannot read {DOC}")
    for name, text in blocks.items():
        pat = re.compile(rf"(<!-- bench:{name} -->\n).*?(<!-- /bench:{name} -->)", re.S)
        if pat.search(doc):
            doc = pat.sub(lambda mm: mm.group(1) + text + mm.group(2), doc)
        else:
            print(f"report.py: no bench:{name} block in {DOC}", file=sys.stderr)
    tmp = DOC + ".tmp"
    with open(tmp, "w") as f:
        f.write(doc)
    os.replace(tmp, DOC)
    print(f"\nupdated {DOC}: {', '.join(blocks)}", file=sys.stderr)
