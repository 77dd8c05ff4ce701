#!/usr/bin/env python3
"""The fault-injection runs of tests/t-faults.sh.

  run.py BIN PORT OUTDIR [--explore]

BIN is tests/faults/faults.swarm compiled; PORT the port of
tests/engines/badserver.py on 127.0.0.1.  Every fault (one --tags task,
one request) runs once under each engine; the run must exit with
--exit-code-on-error's 3 (0 for the good cases), count exactly its one
request as failed with the expected message, and stay under an RSS bound
(the peak, /usr/bin/time's %M: wait4's ru_maxrss of
a small process, as a fork of this one would inherit Python's).  Prints PASS/FAIL lines.
"""
import json
import os
import socket
import subprocess
import sys
import time

# tag -> (failed?, the error message under both engines or
# {engine: message} where they differ)
CASES = {
    "ok": (False, None),
    "refuse": (True, "ConnectionRefusedError: [Errno 111] Connection "
                     "refused (127.0.0.1:{port})"),
    # both engines read the reset and name it (the libcurl engine's socket
    # glue lets libcurl read the socket that reported the error)
    "reset-head": (True, "ConnectionResetError: [Errno 104] Connection "
                         "reset by peer (127.0.0.1:{port})"),
    "reset-body": (True, "ConnectionResetError: [Errno 104] Connection "
                         "reset by peer (127.0.0.1:{port})"),
    "silent": (True, "timeout after 0.3 s waiting for the response from "
                     "127.0.0.1:{port}"),
    "slow": (True, "timeout after 1 s waiting for the response from "
                   "127.0.0.1:{port}"),
    "5xx": (True, "HTTP 503"),
    "chunk-cut": (True, "IncompleteRead: the connection closed before the "
                        "end of the body (127.0.0.1:{port})"),
    "bigchunk": (True, "Failure when receiving data from the peer"),
    # header blocks at and over libcurl 7.88's limits (engine.h): the
    # same outcome and message in both engines
    "headers10k": (False, None),
    "hdrs-block-max": (False, None),
    "hdrs-block-over": (True, "Too large response headers: 307201 > 307200"),
    "hdrs-block-lf-over": (True,
                           "Too large response headers: 307201 > 307200"),
    "hdrs-line-max": (False, None),
    "hdrs-line-over": (True,
                       "Too large response header line: over 102399 bytes"),
    "loop": (True, "Number of redirects hit maximum amount"),
    "huge": (False, None),
    "cut": (True, "IncompleteRead: the connection closed before the end "
                  "of the body (127.0.0.1:{port})"),
    "garbage": (True, "Unsupported protocol"),
    "empty": (True, "RemoteDisconnected: Remote end closed connection "
                    "without response (127.0.0.1:{port})"),
    "badgzip": (True, "ContentDecodingError: Received response with "
                      "content-encoding: gzip, but failed to decode it "
                      "(127.0.0.1:{port})"),
}
ENGINES = ("curl", "auto")


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run(binary, port, engine, tag, out):
    js = os.path.join(out, f"{tag}-{engine}.json")
    err = open(os.path.join(out, f"{tag}-{engine}.stderr"), "w")
    t0 = time.monotonic()
    rssf = os.path.join(out, f"{tag}-{engine}.rss")
    p = subprocess.Popen(
        ["/usr/bin/time", "-f", "%M", "-o", rssf,
         "timeout", "-s", "KILL", "40", binary, "--host", f"http://127.0.0.1:{port}", "-q",
         "--engine", engine, "--threads", "1", "-u", "1", "-r", "100",
         "--iterations", "1", "-t", "30s", "--tags", tag,
         "--exit-code-on-error", "3", "--json", js],
        stdout=subprocess.DEVNULL, stderr=err)
    p.wait()
    try:
        hwm = int(open(rssf).read().split()[-1])    # kB
    except (OSError, ValueError, IndexError):
        hwm = -1
    secs = time.monotonic() - t0
    try:
        res = json.load(open(js))
    except (OSError, ValueError):
        res = None
    return p.returncode, res, hwm, secs


def main():
    binary, port, out = sys.argv[1], sys.argv[2], sys.argv[3]
    explore = "--explore" in sys.argv
    asan = "address" in os.environ.get("SWARMC_CFLAGS", "")
    # plain: a 200 MB body held whole would be > 200 MB; the cap keeps
    # 8 MB.  ASan's shadow and quarantine add their own.
    rss_bound_kb = (256 if asan else 64) << 10
    bad = 0
    for tag, (fails_, msg) in CASES.items():
        for engine in ENGINES:
            fails = fails_
            p = closed_port() if tag == "refuse" else port
            rc, res, hwm, secs = run(binary, p, engine, tag, out)
            name = f"faults/{tag}-{engine}"
            why = []
            rows = [r for r in (res or {}).get("requests", [])]
            errs = [e for e in (res or {}).get("errors", [])]
            if explore:
                print(name, rc, hwm, f"{secs:.2f}s",
                      [(r["name"], r["requests"], r["failures"])
                       for r in rows], errs)
                continue
            if res is None:
                why.append(f"no JSON report (exit {rc})")
            else:
                want = msg.get(engine) if isinstance(msg, dict) else msg
                if want is not None:
                    want = want.replace("{port}", str(p))
                if fails is None:
                    fails = want is not None
                want_rc = 3 if fails else 0
                if rc != want_rc:
                    why.append(f"exit {rc}, expected {want_rc}")
                nreq = sum(r["requests"] for r in rows)
                nfail = sum(r["failures"] for r in rows)
                if nreq != 1 or nfail != (1 if fails else 0):
                    why.append(f"{nreq} requests {nfail} failures")
                if tag == "huge" and sum(r["bytes"] for r in rows) != 200 << 20:
                    why.append(f"{[r['bytes'] for r in rows]} bytes counted, "
                               "expected the whole 200 MB")
                # auto must have served it natively, else this half of
                # the suite would test libcurl twice
                served = res.get("run", {}).get("engines", {})
                key = "native" if engine == "auto" else "curl"
                if served.get(key) != 1:
                    why.append(f"served by {served}, expected {key}")
                got = [e.get("message", "") for e in errs]
                if want is not None and not any(want in g for g in got):
                    why.append(f"messages {got}, expected {want!r}")
                if fails and not got:
                    why.append("no error message")
            if hwm < 0 or hwm > rss_bound_kb:
                why.append(f"peak RSS {hwm} kB > {rss_bound_kb} kB")
            if why:
                bad += 1
                print(f"FAIL {name}: {'; '.join(why)}")
            else:
                print(f"PASS {name}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
