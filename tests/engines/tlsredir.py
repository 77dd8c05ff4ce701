#!/usr/bin/env python3
"""The server of the hand-over test in tests/t-engines.sh: plain HTTP and
HTTPS side by side on 127.0.0.1, the first redirecting to the second.

  tlsredir.py DIR

Writes a self-signed certificate to DIR (openssl), listens on two
kernel-chosen ports of 127.0.0.1 and writes "HTTP_PORT HTTPS_PORT" to
DIR/ports once both listen.  Every request it answers is one line of
DIR/log (scheme, method, path, Cookie, Authorization, body).  Runs until
killed.  Never a target but 127.0.0.1.

  http  /r/<code>/<path>   sets cookie h=1, answers <code> with Location
                           https://127.0.0.1:HTTPS_PORT/<path>
  http  /plain             200 (the native engine's own requests)
  https /landed            200, sets cookie s=2 (no Secure: it goes back
                           over plain HTTP too)
  https /back              302 to http://127.0.0.1:HTTP_PORT/plain
"""
import os
import socket
import ssl
import subprocess
import sys
import threading

DIR = sys.argv[1]
LOCK = threading.Lock()


def log(scheme, method, path, headers, body):
    with LOCK, open(os.path.join(DIR, "log"), "a") as f:
        f.write("%s %s %s cookie=%s auth=%s body=%r\n" % (
            scheme, method, path, headers.get("cookie", "-"),
            headers.get("authorization", "-"), body))


def answer(c, code, extra=b"", body=b"ok"):
    c.sendall(b"HTTP/1.1 %d X\r\n%sContent-Length: %d\r\n\r\n%s" % (
        code, extra, len(body), body))


def serve(c, scheme, ports):
    data = b""
    try:
        while True:
            while b"\r\n\r\n" not in data:
                d = c.recv(65536)
                if not d:
                    return
                data += d
            head, data = data.split(b"\r\n\r\n", 1)
            lines = head.decode("latin-1").split("\r\n")
            method, path = lines[0].split(" ")[:2]
            headers = {}
            for ln in lines[1:]:
                k, _, v = ln.partition(":")
                headers[k.strip().lower()] = v.strip()
            n = int(headers.get("content-length", "0"))
            while len(data) < n:
                d = c.recv(65536)
                if not d:
                    return
                data += d
            body, data = data[:n], data[n:]
            log(scheme, method, path, headers, body.decode("latin-1"))
            if scheme == "http" and path.startswith("/r/"):
                _, _, code, rest = path.split("/", 3)
                loc = "https://127.0.0.1:%d/%s" % (ports[1], rest)
                answer(c, int(code), b"Set-Cookie: h=1; Path=/\r\n"
                       b"Location: " + loc.encode() + b"\r\n")
            elif scheme == "https" and path == "/back":
                loc = "http://127.0.0.1:%d/plain" % ports[0]
                answer(c, 302, b"Location: " + loc.encode() + b"\r\n")
            elif scheme == "https":
                answer(c, 200, b"Set-Cookie: s=2; Path=/\r\n")
            else:
                answer(c, 200)
    except (OSError, ssl.SSLError, ValueError):
        pass
    finally:
        c.close()


def listen():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    return s


def accept_loop(s, scheme, ports, ctx=None):
    while True:
        c, _ = s.accept()
        if ctx is not None:
            try:
                c = ctx.wrap_socket(c, server_side=True)
            except (OSError, ssl.SSLError):
                c.close()
                continue
        threading.Thread(target=serve, args=(c, scheme, ports),
                         daemon=True).start()


def main():
    key, crt = os.path.join(DIR, "key.pem"), os.path.join(DIR, "crt.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                    "-nodes", "-keyout", key, "-out", crt, "-days", "2",
                    "-subj", "/CN=127.0.0.1"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(crt, key)
    h, t = listen(), listen()
    ports = (h.getsockname()[1], t.getsockname()[1])
    threading.Thread(target=accept_loop, args=(t, "https", ports, ctx),
                     daemon=True).start()
    with open(os.path.join(DIR, "ports.tmp"), "w") as f:
        f.write("%d %d" % ports)
    os.rename(os.path.join(DIR, "ports.tmp"), os.path.join(DIR, "ports"))
    accept_loop(h, "http", ports)


if __name__ == "__main__":
    main()
