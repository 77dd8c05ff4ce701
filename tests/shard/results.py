#!/usr/bin/env python3
"""Checks on swarmc --json results for tests/t-shard.sh.

The HdrHistogram V2 decoder below is written from the format description
(docs/reports.md, HdrHistogram's encoding), independently of the runtime's
C code, so that "the merged histogram is the sum of the shard histograms"
is checked against a second implementation, bucket by bucket.

  results.py sum MERGED SHARD...      merged == sum of the shards, exactly
  results.py same-counts A B          equal request counts per name
  results.py get FILE KEY.KEY...      print one field (JSON-encoded)
  results.py hlog FILE                total count of the untagged lines
  results.py edit IN OUT KEY.KEY=JSON copy IN with one field replaced

Exit status 0 when the check holds; otherwise 1 with the reason on stdout.
"""
import base64
import json
import struct
import sys
import zlib

V2_PAYLOAD = 0x1C849303
V2_COMPRESSED = 0x1C849304


def zigzag_leb128(buf, pos):
    """One ZigZag LEB128 value (at most 9 bytes, the 9th holds 8 bits)."""
    value = 0
    shift = 0
    for i in range(9):
        b = buf[pos]
        pos += 1
        if i == 8:
            value |= b << 56
            break
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            break
    return (value >> 1) ^ -(value & 1), pos


def decode(b64):
    """{bucket index: count} of a V2 compressed base64 histogram."""
    raw = base64.b64decode(b64)
    cookie, length = struct.unpack(">ii", raw[:8])
    if cookie & ~0xF0 != V2_COMPRESSED:
        raise ValueError("not a V2 compressed histogram")
    payload = zlib.decompress(raw[8:8 + length])
    cookie, plen, _offset, _sig, _low, _high = struct.unpack(
        ">iiiiqq", payload[:32])
    if cookie & ~0xF0 != V2_PAYLOAD:
        raise ValueError("bad payload cookie")
    buf = payload[40:40 + plen]
    counts = {}
    idx = 0
    pos = 0
    while pos < len(buf):
        v, pos = zigzag_leb128(buf, pos)
        if v < 0:
            idx += -v
        else:
            if v:
                counts[idx] = v
            idx += 1
    return counts


def add(into, counts):
    for k, v in counts.items():
        into[k] = into.get(k, 0) + v


def load(path):
    with open(path) as f:
        return json.load(f)


def entries(doc):
    """{(method, name): entry}, the aggregated row under (None, None)."""
    out = {(e["method"], e["name"]): e for e in doc["requests"]}
    out[(None, None)] = doc["aggregated"]
    return out


def hist(e, which):
    b = e["histogram"][which]
    return decode(b) if b else None


def check_sum(merged_path, shard_paths):
    m = load(merged_path)
    shards = [load(p) for p in shard_paths]
    me = entries(m)
    problems = []
    keys = set()
    for s in shards:
        keys |= set(entries(s))
    if keys != set(me):
        problems.append("names differ: merged %s, shards %s"
                        % (sorted(map(str, me)), sorted(map(str, keys))))
    for key in sorted(keys, key=str):
        parts = [entries(s)[key] for s in shards if key in entries(s)]
        e = me.get(key)
        if e is None:
            continue
        for field in ("requests", "failures", "bytes"):
            want = sum(p[field] for p in parts)
            if e[field] != want:
                problems.append("%s %s: %d, shards add up to %d"
                                % (key, field, e[field], want))
        for field in ("latency", "dns", "connect", "tls", "ttfb"):
            want = sum(p["sum_us"][field] for p in parts)
            if e["sum_us"][field] != want:
                problems.append("%s sum_us.%s: %d, shards add up to %d"
                                % (key, field, e["sum_us"][field], want))
        live = [p for p in parts if p["requests"]]
        if live:
            lo = min(p["latency_ms"]["min"] for p in live)
            hi = max(p["latency_ms"]["max"] for p in live)
            if (e["latency_ms"]["min"], e["latency_ms"]["max"]) != (lo, hi):
                problems.append("%s min/max %s/%s, shards %s/%s"
                                % (key, e["latency_ms"]["min"],
                                   e["latency_ms"]["max"], lo, hi))
        want = {}
        for p in parts:
            add(want, hist(p, "service") or {})
        got = hist(e, "service") or {}
        if got != want:
            problems.append("%s: merged service histogram is not the sum "
                            "of the shards' (%d vs %d values)"
                            % (key, sum(got.values()), sum(want.values())))
        if any(p["histogram"]["intended"] for p in parts):
            want = {}
            for p in parts:
                add(want, hist(p, "intended") or hist(p, "service") or {})
            if (hist(e, "intended") or {}) != want:
                problems.append("%s: merged intended histogram is not the "
                                "sum of the shards'" % (key,))
        elif e["histogram"]["intended"]:
            problems.append("%s: an intended histogram no shard had"
                            % (key,))
    errs = {}
    for s in shards:
        for x in s["errors"]:
            k = (x["method"], x["name"], x["message"])
            errs[k] = errs.get(k, 0) + x["occurrences"]
    got = {(x["method"], x["name"], x["message"]): x["occurrences"]
           for x in m["errors"]}
    if got != errs:
        problems.append("errors %s, shards add up to %s" % (got, errs))
    # The history: its last cumulative count is the total, and its
    # per-second histograms add up to the whole run.
    h = m["history"]
    total = m["aggregated"]["requests"]
    if not h or h[-1]["requests"] != total:
        problems.append("history ends at %s requests, total %d"
                        % (h[-1]["requests"] if h else None, total))
    per_sec = {}
    for row in h:
        if row["histogram"]:
            add(per_sec, decode(row["histogram"]))
    if per_sec != (hist(m["aggregated"], "service") or {}):
        problems.append("history histograms add up to %d values, not the "
                        "total histogram (%d)"
                        % (sum(per_sec.values()), total))
    stamps = [row["ts_ms"] for row in h]
    if stamps != sorted(stamps) or len({t // 1000 for t in stamps}) != len(h):
        problems.append("history is not one row per second in order")
    return problems


def check_same_counts(a_path, b_path):
    a, b = entries(load(a_path)), entries(load(b_path))
    ca = {k: (e["requests"], e["failures"]) for k, e in a.items()}
    cb = {k: (e["requests"], e["failures"]) for k, e in b.items()}
    if ca != cb:
        return ["counts differ: %s vs %s" % (ca, cb)]
    return []


def get(path, keys):
    v = load(path)
    for k in keys.split("."):
        v = v[int(k)] if isinstance(v, list) else v[k]
    return v


def hlog_total(path):
    total = 0
    with open(path) as f:
        for line in f:
            if line.startswith(("#", '"', "Tag=")) or not line.strip():
                continue
            total += sum(decode(line.strip().split(",")[3]).values())
    return total


def edit(src, dst, assignment):
    path, value = assignment.split("=", 1)
    doc = load(src)
    v = doc
    keys = path.split(".")
    for k in keys[:-1]:
        v = v[int(k)] if isinstance(v, list) else v[k]
    last = keys[-1]
    if isinstance(v, list):
        v[int(last)] = json.loads(value)
    else:
        v[last] = json.loads(value)
    with open(dst, "w") as f:
        json.dump(doc, f, indent=1)


def main(argv):
    cmd = argv[1]
    if cmd == "sum":
        problems = check_sum(argv[2], argv[3:])
    elif cmd == "same-counts":
        problems = check_same_counts(argv[2], argv[3])
    elif cmd == "get":
        print(json.dumps(get(argv[2], argv[3])))
        return 0
    elif cmd == "hlog":
        print(hlog_total(argv[2]))
        return 0
    elif cmd == "edit":
        edit(argv[2], argv[3], argv[4])
        return 0
    else:
        print("unknown command " + cmd)
        return 2
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
