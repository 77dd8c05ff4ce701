"""What one end-to-end run left behind, for the suites' check.py scripts
(tests/e2e, tests/data): the demo target's request log (columns in
demo/README.md), the scenario binary's output files and its --json result.
"""
import collections
import json
import os
import urllib.parse

COLUMNS = ["conn", "method", "target", "cookie", "auth", "x_user", "body",
           "status", "t_us", "dur_us"]


def read_log(d, name="log"):
    """The target's request log in DIR as dicts, in arrival order; each row
    also has the target's path and its query as a dict."""
    rows = []
    path = os.path.join(d, name)
    if not os.path.exists(path):
        return rows
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != len(COLUMNS):
                continue
            r = dict(zip(COLUMNS, parts))
            r["status"] = int(r["status"])
            r["t_us"] = int(r["t_us"])
            u = urllib.parse.urlsplit(r["target"])
            r["path"] = u.path
            r["q"] = dict(urllib.parse.parse_qsl(u.query,
                                                 keep_blank_values=True))
            rows.append(r)
    rows.sort(key=lambda r: r["t_us"])
    return rows


def read(d, name):
    """A file of the run as text, or "" when it is missing."""
    try:
        with open(os.path.join(d, name), encoding="utf-8",
                  errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def read_json(d):
    """The run's --json result, or None when missing or not JSON."""
    try:
        with open(os.path.join(d, "result.json"), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def by_user(rows):
    """Requests per X-User header value, in arrival order."""
    users = collections.OrderedDict()
    for r in rows:
        users.setdefault(r["x_user"], []).append(r)
    return users
