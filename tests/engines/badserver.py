#!/usr/bin/env python3
"""A server that answers badly on purpose (tests/t-engines.sh and the
fault-injection suite tests/t-faults.sh).

  badserver.py PORTFILE

Listens on 127.0.0.1 (a kernel-chosen port, written to PORTFILE) and
answers each path with one kind of broken HTTP; /ok is a good answer.
Runs until killed.  Never a target but 127.0.0.1.

Faults with a behaviour over time (see serve): /never accepts and stays
silent, /slow sends a good answer 1 byte per 100 ms, /reset-head resets
in the middle of the header block, /reset in the middle of the body,
/loop redirects to itself, /huge streams a 200 MB body from one 64 KB
buffer (never held whole), /headers10k has 10,000 header lines.
/hdrs-* are header blocks at libcurl 7.88's limits (300 KB for the block,
102,399 bytes for one line, CRLF included): exactly at the limit, and one
byte over it.
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
    "/badgzip": b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
                b"Content-Length: 8\r\n\r\nnot gzip",
    "/reset-head": b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Cut: ab",
    "/5xx": b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n"
            b"\r\nbusy",
    "/bigchunk": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 b"FFFFFFFFFFFFFFFFFFFFFFFF\r\nabc\r\n0\r\n\r\n",
    "/headers10k": b"HTTP/1.1 200 OK\r\n" +
                   b"".join(b"X-H%d: v\r\n" % i for i in range(10000)) +
                   b"Content-Length: 2\r\n\r\nok",
    "/loop": b"HTTP/1.1 302 Found\r\nLocation: /loop\r\n"
             b"Content-Length: 0\r\n\r\n",
}


def head_of(total, line, eol=b"\r\n"):
    """A 200 whose header block (status line, header lines, the blank line,
    line ends counted) is `total` bytes, in lines of at most `line` bytes
    (the last one shorter)."""
    start = b"HTTP/1.1 200 OK" + eol
    end = b"Content-Length: 2" + eol + eol
    lines, size, i = [], len(start) + len(end), 0
    while size < total:
        pre = b"X-H%d: " % i
        n = min(line, total - size) - len(pre) - len(eol)
        if n < 1:       # too little room left for a line: widen the last
            lines[-1] = lines[-1][:-len(eol)] + b"v" * (total - size) + eol
            break
        lines.append(pre + b"v" * n + eol)
        size += len(lines[-1])
        i += 1
    head = start + b"".join(lines) + end
    assert len(head) == total, (len(head), total)
    return head + b"ok"


CASES.update({
    "/hdrs-block-max": head_of(307200, 1000),
    "/hdrs-block-over": head_of(307201, 1000),
    "/hdrs-block-lf-over": head_of(307201, 1000, b"\n"),
    "/hdrs-line-max": head_of(150000, 102399),
    "/hdrs-line-over": head_of(150000, 102400),
})
SLOW = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
HUGE_BYTES = 200 << 20
CLOSE_AFTER = {"/badstatus", "/garbage", "/badheader", "/badchunk", "/reset",
               "/cut", "/chunk-cut", "/empty", "/reset-head", "/bigchunk"}
RESET_AFTER = {"/reset", "/reset-head"}


def huge(c):
    c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % HUGE_BYTES)
    block = b"x" * 65536
    for _ in range(HUGE_BYTES // len(block)):
        c.sendall(block)


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
            if path == "/slow":
                for i in range(len(SLOW)):
                    c.sendall(SLOW[i:i + 1])
                    time.sleep(0.1)
                continue
            if path == "/huge":
                huge(c)
                continue
            c.sendall(CASES.get(path, b"HTTP/1.1 404 Not Found\r\n"
                                      b"Content-Length: 0\r\n\r\n"))
            if path in RESET_AFTER:
                time.sleep(0.05)
                c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                             b"\x01\x00\x00\x00\x00\x00\x00\x00")
                return
            if path in CLOSE_AFTER:
                return
    except OSError:
        pass    # the client gave up (a timeout, a cap): nothing to do
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
