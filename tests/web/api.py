#!/usr/bin/env python3
"""The web UI suite's HTTP client (tests/t-web.sh), standard library only.

  api.py get URL PATH            a value of the JSON at URL (PATH: a.b.0.c)
  api.py wait URL EXPR SECONDS   until EXPR (Python, `d` = the JSON) holds;
                                 exit 1 with the last JSON after SECONDS
  api.py keys URL                the key sets of /stats/requests: top level,
                                 stats[] entries, errors[] entries
  api.py watch URL SECONDS       polls every 0.1 s until the server is gone:
                                 the states seen, in order, and how long
                                 the server stayed after the first
                                 "stopped" ("running stopped 3.0")
  api.py flood HOST PORT N PATH  N connections at once, one GET each; prints
                                 "status count" lines (0: no answer)
  api.py tls-abuse HOST PORT     what a TLS server must survive, one line
                                 each: a record of garbage, a ClientHello
                                 cut short then a reset, a whole one then a
                                 reset, a ClientHello with its body mangled

An https:// URL is verified against $SSL_CERT_FILE (the suite's own cert).
"""
import json
import socket
import ssl
import struct
import sys
import time
import urllib.request


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read().decode())


def pick(d, path):
    for p in path.split("."):
        if p == "":
            continue
        d = d[int(p)] if isinstance(d, list) else d[p]
    return d


def keys(d):
    out = {"top": sorted(d.keys())}
    out["stats"] = sorted(set().union(*[set(e) for e in d["stats"]]))
    out["errors"] = sorted(set().union(*[set(e) for e in d["errors"]])) \
        if d["errors"] else []
    return out


def flood(host, port, n, path):
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.settimeout(15)
        try:
            s.connect((host, port))
            socks.append(s)
        except OSError:
            socks.append(None)
    req = ("GET %s HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n\r\n"
           % (path, host, port)).encode()
    for s in socks:
        if s:
            try:
                s.sendall(req)
            except OSError:
                pass
    counts = {}
    for s in socks:
        status = 0
        if s:
            try:
                head = s.recv(64).decode("latin-1")
                if head.startswith("HTTP/1.1 "):
                    status = int(head[9:12])
            except (OSError, ValueError):
                pass
            s.close()
        counts[status] = counts.get(status, 0) + 1
    for k in sorted(counts):
        print(k, counts[k])


def client_hello():
    """The bytes a real client opens a TLS session with."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    out = ssl.MemoryBIO()
    obj = ctx.wrap_bio(ssl.MemoryBIO(), out)
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return out.read()


def tls_abuse(host, port):
    hello = client_hello()
    mangled = hello[:9] + bytes(b ^ 0x5A for b in hello[9:])

    def answer(data, reset=False):
        s = socket.create_connection((host, port), timeout=5)
        s.sendall(data)
        if reset:
            time.sleep(0.1)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                         struct.pack("ii", 1, 0))
            s.close()
            return "reset"
        got = b""
        try:
            while True:
                d = s.recv(4096)
                if not d:
                    break
                got += d
        except OSError:
            pass
        s.close()
        # a TLS alert record starts 0x15
        return "alert" if got[:1] == b"\x15" else "closed" if not got else \
            "answer %r" % got[:20]

    print("garbage", answer(b"\x16\x03\x01\x00\x05hello"))
    print("cut-short", answer(hello[:20], reset=True))
    print("hello-then-reset", answer(hello, reset=True))
    print("mangled", answer(mangled))


def main():
    cmd = sys.argv[1]
    if cmd == "get":
        v = pick(fetch(sys.argv[2]), sys.argv[3])
        print(json.dumps(v) if isinstance(v, (dict, list)) or v is None else v)
    elif cmd == "wait":
        url, expr, limit = sys.argv[2], sys.argv[3], float(sys.argv[4])
        end = time.time() + limit
        d = None
        while True:
            try:
                d = fetch(url)
                if eval(expr, {}, {"d": d}):
                    return 0
            except Exception as e:  # not up yet, or a key not there yet
                d = d or str(e)
            if time.time() > end:
                print(json.dumps(d)[:600])
                return 1
            time.sleep(0.2)
    elif cmd == "watch":
        url, limit = sys.argv[2], float(sys.argv[3])
        end = time.time() + limit
        states, stopped_at, gone_at = [], None, None
        while time.time() < end:
            try:
                st = fetch(url)["state"]
                if not states or states[-1] != st:
                    states.append(st)
                if st == "stopped" and stopped_at is None:
                    stopped_at = time.time()
            except Exception:
                if states:
                    gone_at = time.time()
                    break
            time.sleep(0.1)
        stayed = "%.1f" % (gone_at - stopped_at) if stopped_at and gone_at else "-"
        print(" ".join(states), stayed)
    elif cmd == "keys":
        print(json.dumps(keys(fetch(sys.argv[2])), sort_keys=True))
    elif cmd == "flood":
        flood(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    elif cmd == "tls-abuse":
        tls_abuse(sys.argv[2], int(sys.argv[3]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
