#!/usr/bin/env python3
"""What the demo target received from tests/reqlang/reqlang.swarm
(tests/t-reqlang.sh).

  check.py ENGINE HLOG RESULT_JSON

HLOG is the target's --header-log (conn, method, target, headers, body;
backslash escapes).  Checks, request by request (named in the scenario):

- upload: one Content-Type `multipart/form-data; boundary=B` (B 32 hex
  digits) and a body byte for byte what python-requests builds for the
  same fields and files with boundary B (urllib3's encoder, as
  requests.models._encode_files calls it);
- default headers: the user's, replaced by the seq's and the request's of
  the same name (case-insensitive; a body's type is the request's own,
  a body without one takes the default), one line per name, the captured token
  current at each request (empty at login, before it is captured);
- cookies: a cookie set by the scenario is sent; a path-scoped one only
  below its path; a request's own Cookie header is the only Cookie line;
  the jar is back afterwards; `clear cookies` leaves no Cookie at all;
- the run's report: no failure (the scenario's own expects passed: the
  target's multipart parser saw every part byte for byte).

Prints PASS/FAIL lines named reqlang/ENGINE-...
"""
import json
import os
import re
import sys

from urllib3.fields import RequestField
from urllib3.filepost import encode_multipart_formdata

engine, hlog, result = sys.argv[1:4]
here = os.path.dirname(os.path.abspath(__file__))
rc = 0


def report(name, ok, why=""):
    global rc
    if ok:
        print("PASS reqlang/%s-%s" % (engine, name))
    else:
        print("FAIL reqlang/%s-%s: %s" % (engine, name, why))
        rc = 1


def unescape(b):
    if b == b"-":
        return b""
    out, i = bytearray(), 0
    while i < len(b):
        c = b[i:i + 1]
        if c == b"\\" and i + 1 < len(b):
            n = b[i + 1:i + 2]
            if n == b"x":
                out += bytes([int(b[i + 2:i + 4], 16)])
                i += 4
                continue
            out += {b"n": b"\n", b"t": b"\t", b"r": b"\r"}.get(n, n)
            i += 2
            continue
        out += c
        i += 1
    return bytes(out)


reqs = []
with open(hlog, "rb") as f:
    for line in f:
        cols = line.rstrip(b"\n").split(b"\t")
        if len(cols) < 5:
            continue
        heads = unescape(cols[3]).decode("latin-1").split("\n")
        heads = [h.split(": ", 1) if ": " in h else [h.rstrip(":"), ""]
                 for h in heads if h]
        reqs.append({"method": cols[1].decode(), "target": cols[2].decode(),
                     "headers": heads, "body": unescape(cols[4])})

# the scenario's order: login, upload, 2 x /headers, /cookies, /api/x,
# 3 x /cookies
want = ["/login", "/upload", "/headers", "/headers", "/echo", "/cookies",
        "/api/x", "/cookies", "/cookies", "/cookies"]
got = [r["target"] for r in reqs]
report("order", got == want, "targets %s" % got)
if got != want:
    sys.exit(1)
login, upload, defaults, override, raw, jar, scoped, manual, restored, \
    cleared = reqs


def values(r, name):
    return [v for k, v in r["headers"] if k.lower() == name.lower()]


# ---- multipart ----
ctype = values(upload, "Content-Type")
m = re.fullmatch(r"multipart/form-data; boundary=([0-9a-f]{32})",
                 ctype[0] if len(ctype) == 1 else "")
report("multipart-content-type", m is not None, "Content-Type %s" % ctype)
if m:
    def file_field(name, path, ctype):
        with open(os.path.join(here, path), "rb") as fh:
            rf = RequestField(name=name, data=fh.read(), filename=path)
        rf.make_multipart(content_type=ctype)
        return rf
    fields = []
    for name, value in (("greeting", "hello 1"), ("n", "3")):
        rf = RequestField(name=name, data=value.encode())
        rf.make_multipart()
        fields.append(rf)
    fields.append(file_field("note", "note.txt", "text/plain"))
    fields.append(file_field("blob", "blob.bin", None))
    body, _ = encode_multipart_formdata(fields, boundary=m.group(1))
    report("multipart-body", upload["body"] == body,
           "body differs from python-requests':\n  got  %r\n  want %r"
           % (upload["body"][:300], body[:300]))

# ---- default headers ----
def one(r, name):
    v = values(r, name)
    return v[0] if len(v) == 1 else v

token = one(defaults, "X-Token")
report("defaults-login", one(login, "X-Level") == "user" and
       one(login, "X-Token") == "t=" and one(login, "X-From-User") == "yes",
       "login headers %s" % login["headers"])
report("defaults-seq", one(defaults, "X-Level") == "seq" and
       one(defaults, "X-From-User") == "yes" and
       isinstance(token, str) and re.fullmatch(r"t=[0-9a-f]{32}", token),
       "headers %s" % defaults["headers"])
report("defaults-request-wins", one(override, "X-Level") == "request" and
       one(override, "X-Token") == token, "headers %s" % override["headers"])
report("defaults-multipart", one(upload, "X-Level") == "seq",
       "headers %s" % upload["headers"])
# a body without a type of its own takes the default Content-Type
report("defaults-content-type", one(raw, "Content-Type") == "text/plain" and
       one(defaults, "Content-Type") == "text/plain" and
       one(login, "Content-Type") == "application/x-www-form-urlencoded",
       "raw %s login %s" % (raw["headers"], login["headers"]))

# ---- cookies ----
def cookies(r):
    v = values(r, "Cookie")
    if len(v) > 1:
        return "two Cookie lines: %s" % v
    return dict(p.split("=", 1) for p in v[0].split("; ")) if v else {}

c = cookies(jar)
report("cookie-set", isinstance(c, dict) and c.get("k") == "v1" and
       "session" in c and "scoped" not in c, "Cookie %s" % c)
c = cookies(scoped)
report("cookie-path", isinstance(c, dict) and c.get("scoped") == "yes",
       "Cookie %s" % c)
report("cookie-manual-only", values(manual, "Cookie") == ["manual=1"],
       "Cookie lines %s" % values(manual, "Cookie"))
c = cookies(restored)
report("cookie-jar-back", isinstance(c, dict) and c.get("k") == "v1" and
       "session" in c, "Cookie %s" % c)
report("cookie-clear", values(cleared, "Cookie") == [],
       "Cookie lines %s" % values(cleared, "Cookie"))

# ---- the report ----
with open(result) as f:
    res = json.load(f)
agg = res.get("aggregated", {})
report("no-failures", agg.get("requests") == 10 and agg.get("failures") == 0
       and res.get("errors") == [],
       "requests %s failures %s errors %s" % (agg.get("requests"),
                                              agg.get("failures"),
                                              res.get("errors")))
sys.exit(rc)
