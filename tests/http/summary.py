"""Prints facts of a --json result for tests/t-http.sh.

  summary.py FILE            REQUESTS FAILURES ENGINES ERROR...
  summary.py FILE bytes NAME the bytes counted for request NAME
"""
import json
import sys

with open(sys.argv[1]) as f:
    d = json.load(f)
if len(sys.argv) > 3 and sys.argv[2] == "bytes":
    print(sum(r["bytes"] for r in d["requests"] if r["name"] == sys.argv[3]))
    sys.exit(0)
a = d["aggregated"]
eng = d.get("run", {}).get("engines", {})
engines = ",".join(f"{k}={v}" for k, v in sorted(eng.items()) if v)
errors = "; ".join(e.get("message", "") for e in d["errors"])
print(a["requests"], a["failures"], engines, errors)
