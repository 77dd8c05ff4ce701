#!/usr/bin/env python3
"""The web UI's own CPU, thread by thread (bench/run.sh, section web).

  web_threads.py OUT BINARY HOST PORT [ARGS...]

Runs BINARY (one_get) with its UI on PORT (--autostart) against HOST, polls
/stats/requests?swarmc=1 twice a second as two open pages do, and reads
every thread's CPU time from /proc/PID/task/TID/schedstat (nanoseconds) over
10 s of steady load.  Threads: the main thread (TID = PID: the 1 s merge,
the reporter and, with the UI, the rendering of the published bodies), the
web UI's server thread (named "swarm-web"), the workers (the rest).  Writes
one Markdown paragraph to OUT: the UI threads' CPU per second and as a share
of the process's CPU, and the same main thread without the UI.
"""
import json
import os
import subprocess
import sys
import time
import urllib.request


def threads(pid):
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                ns = int(f.read().split()[0])
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = f.read().strip()
        except OSError:
            continue
        out[int(tid)] = (name, ns)
    return out


def requests(url):
    try:
        with urllib.request.urlopen(url + "/stats/requests", timeout=5) as r:
            return json.loads(r.read())["stats"][-1]["num_requests"]
    except Exception:
        return None


def measure(binary, host, port, extra, ui):
    args = [binary, "-u", "50", "-r", "1000", "--threads", "1", "-t", "20s",
            "--host", host, "--only-summary"] + extra
    if ui:
        args += ["-P", str(port), "--autostart", "--autoquit", "0"]
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    time.sleep(5)
    a = threads(p.pid)
    t0 = time.time()
    while time.time() - t0 < 10:
        if ui:
            requests(url)
            requests(url)
        time.sleep(0.5)
    b = threads(p.pid)
    dt = time.time() - t0
    p.wait()
    cpu = {}
    for tid, (name, ns) in b.items():
        if tid in a:
            role = "main" if tid == p.pid else ("web" if name == "swarm-web" else "workers")
            cpu[role] = cpu.get(role, 0) + (ns - a[tid][1]) / dt   # ns per second
    return cpu


def main():
    out, binary, host, port = sys.argv[1:5]
    extra = sys.argv[5:]
    off = measure(binary, host, int(port), extra, False)
    on = measure(binary, host, int(port), extra, True)
    total_on = sum(on.values())
    ui_ns = on.get("web", 0) + max(on.get("main", 0) - off.get("main", 0), 0)
    text = (
        "Thread by thread (`bench/web_threads.py`: CPU time from `/proc/PID/task/*/schedstat` "
        "over 10 s of steady load, the UI polled twice a second): with the UI the server "
        f"thread used **{on.get('web', 0) / 1e6:.2f} ms/s** and the main thread "
        f"{on.get('main', 0) / 1e6:.2f} ms/s (without the UI: {off.get('main', 0) / 1e6:.2f} ms/s), "
        f"the worker {on.get('workers', 0) / 1e6:.0f} ms/s; what the UI adds is "
        f"**{100.0 * ui_ns / total_on:.2f} %** of the process's CPU.\n")
    with open(out, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
