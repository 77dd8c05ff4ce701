#!/usr/bin/env python3
"""An open web UI page's traffic (bench/run.sh, section web): one keep-alive
connection asking /stats/requests?swarmc=1 once a second, reconnecting while
the binary is not (or no longer) there.

  web_poll.py PORT
"""
import http.client
import sys
import time

port = int(sys.argv[1])
while True:
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        while True:
            c.request("GET", "/stats/requests?swarmc=1")
            c.getresponse().read()
            time.sleep(1)
    except (OSError, http.client.HTTPException):
        time.sleep(0.2)
