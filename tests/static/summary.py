"""Prints "REQUESTS FAILURES ERROR..." from a binary's --json result."""
import json
import sys

with open(sys.argv[1]) as f:
    d = json.load(f)
a = d["aggregated"]
errors = "; ".join(e.get("message", "") for e in d["errors"])
print(a["requests"], a["failures"], errors)
