#!/usr/bin/env python3
"""A server that answers badly on purpose (tests/t-engines.sh).

  badserver.py PORTFILE

Listens on 127.0.0.1 (a kernel-chosen port, written to PORTFILE) and
answers each path with one kind of broken HTTP; /ok is a good answer.
Runs until killed.  Never a target but 127.0.0.1.
"""
import socket
import sys
import threading
import time

CASES = {
    "/ok": b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    "/badstatus": b"HTTP/1.1 2x0 OK\r\nContent-Length: 2\r\n\r\nok",
    "/garbage": b"hello there\r\n\r\n",
    "/badheader": b"HTTP/1.1 200 OK\r\nNo colon here\r\n"
                  b"Content-Length: 2\r\n\r\nok",
    "/badchunk": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 b"zz\r\nabc\r\n0\r\n\r\n",
    "/longer": b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA",
    "/reset": b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial",
    "/cut": b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial",
    "/chunk-cut": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                  b"5\r\nab",
    "/empty": b"",
}
CLOSE_AFTER = {"/badstatus", "/garbage", "/badheader", "/badchunk", "/reset",
               "/cut", "/chunk-cut", "/empty"}


def serve(c):
    data = b""
    try:
        while True:
            while b"\r\n\r\n" not in data:
                d = c.recv(65536)
                if not d:
                    return
                data += d
            head, data = data.split(b"\r\n\r\n", 1)
            path = head.split(b" ")[1].decode().split("?")[0]
            if path == "/never":
                time.sleep(3)
                return
            c.sendall(CASES.get(path, b"HTTP/1.1 404 Not Found\r\n"
                                      b"Content-Length: 0\r\n\r\n"))
            if path == "/reset":
                time.sleep(0.05)
                c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                             b"\x01\x00\x00\x00\x00\x00\x00\x00")
                return
            if path in CLOSE_AFTER:
                return
    finally:
        c.close()


def main():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(str(s.getsockname()[1]))
    import os
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    while True:
        c, _ = s.accept()
        threading.Thread(target=serve, args=(c,), daemon=True).start()


if __name__ == "__main__":
    main()
