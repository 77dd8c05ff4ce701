#!/usr/bin/env python3
"""Structural checks of the Kubernetes example (examples/k8s/*.yaml).

  check-k8s.py DIR                       the manifests in DIR are right
  check-k8s.py --shards N --rendered F   run.sh --render N output is right
  check-k8s.py --mutants DIR             every broken variant is rejected

What "right" means for a sharded run as an Indexed Job:
  - completionMode Indexed, completions == parallelism == --shards N,
    backoffLimit 0 (a failed index must not rerun late), restartPolicy
    Never, a deadline (activeDeadlineSeconds): the run is bounded;
  - the container passes --shards N (the binary takes its index from
    JOB_COMPLETION_INDEX), --start-at from an env value (digits once
    rendered), and --json into a mounted volume, with
    $(JOB_COMPLETION_INDEX) in the file name so shards never overwrite
    each other;
  - the volume is a PersistentVolumeClaim defined alongside;
  - the merge Job reads the same claim, at the same directory, with
    `merge` over every shard file, and backoffLimit 0.
Prints the problems found; exit status 1 when there is one.
"""
import copy
import glob
import os
import re
import sys
import time

import yaml


def load_dir(d):
    docs = []
    for path in sorted(glob.glob(os.path.join(d, "*.yaml"))):
        with open(path) as f:
            docs += [x for x in yaml.safe_load_all(f) if x]
    return docs


def load_file(path):
    with open(path) as f:
        return [x for x in yaml.safe_load_all(f) if x]


def argv_of(container):
    """The container's command line as one list of words."""
    return list(container.get("command") or []) + list(
        container.get("args") or [])


def option(words, name):
    """The value of --name V or --name=V in words, or None."""
    for i, w in enumerate(words):
        if w == name and i + 1 < len(words):
            return str(words[i + 1])
        if isinstance(w, str) and w.startswith(name + "="):
            return w[len(name) + 1:]
    return None


def check(docs, rendered=False, shards=None):
    problems = []
    p = problems.append
    claims = {d["metadata"]["name"] for d in docs
              if d.get("kind") == "PersistentVolumeClaim"}
    jobs = [d for d in docs if d.get("kind") == "Job"]
    indexed = [j for j in jobs
               if j.get("spec", {}).get("completionMode") == "Indexed"]
    if len(indexed) != 1:
        p("expected exactly one Job with completionMode: Indexed, found %d"
          % len(indexed))
        return problems
    job = indexed[0]
    spec = job["spec"]
    n = spec.get("completions")
    if not isinstance(n, int) or n < 1:
        p("completions must be a positive integer, is %r" % (n,))
        return problems
    if spec.get("parallelism") != n:
        p("parallelism %r != completions %d: shards would not start together"
          % (spec.get("parallelism"), n))
    if shards is not None and n != shards:
        p("completions %d, expected %d" % (n, shards))
    if spec.get("backoffLimit") != 0:
        p("backoffLimit must be 0, is %r" % (spec.get("backoffLimit"),))
    if not isinstance(spec.get("activeDeadlineSeconds"), int):
        p("no activeDeadlineSeconds: the run is not bounded")
    pod = spec.get("template", {}).get("spec", {})
    if pod.get("restartPolicy") != "Never":
        p("restartPolicy must be Never, is %r" % (pod.get("restartPolicy"),))
    containers = pod.get("containers") or []
    if len(containers) != 1:
        p("expected one container in the shard pod, found %d"
          % len(containers))
        return problems
    c = containers[0]
    words = argv_of(c)
    env = {e["name"]: e for e in c.get("env") or []}
    sh = option(words, "--shards")
    if sh != str(n):
        p("--shards is %r, must equal completions (%d)" % (sh, n))
    if option(words, "--shard") is not None:
        p("--shard I/N fixes the index; use --shards N")
    start = option(words, "--start-at")
    m = re.fullmatch(r"\$\((\w+)\)", start or "")
    if not m or m.group(1) not in env:
        p("--start-at must come from an env value, is %r" % (start,))
    elif rendered:
        v = str(env[m.group(1)].get("value", ""))
        if not v.isdigit() or int(v) < time.time() - 60:
            p("rendered START_AT %r is not a Unix time ahead of now" % (v,))
    out = option(words, "--json")
    if not out or "$(JOB_COMPLETION_INDEX)" not in out:
        p("--json %r must contain $(JOB_COMPLETION_INDEX)" % (out,))
        return problems
    out_dir = os.path.dirname(out)
    mounts = {v["mountPath"]: v["name"] for v in c.get("volumeMounts") or []}
    vol_name = mounts.get(out_dir)
    if vol_name is None:
        p("--json %s is not on a mounted volume (mounts: %s)"
          % (out, sorted(mounts)))
        return problems
    vols = {v["name"]: v for v in pod.get("volumes") or []}
    claim = (vols.get(vol_name, {}).get("persistentVolumeClaim") or {}).get(
        "claimName")
    if claim not in claims:
        p("volume %s is not a PersistentVolumeClaim defined here (%r)"
          % (vol_name, claim))
    if rendered:
        return problems
    merges = [j for j in jobs if j is not job]
    if len(merges) != 1:
        p("expected one merge Job besides the Indexed Job, found %d"
          % len(merges))
        return problems
    mj = merges[0]
    if mj["spec"].get("backoffLimit") != 0:
        p("the merge Job's backoffLimit must be 0")
    mpod = mj["spec"]["template"]["spec"]
    mc = mpod["containers"][0]
    cmd = " ".join(str(w) for w in argv_of(mc))
    want = os.path.join(out_dir, "shard-*.json")
    mm = {v["mountPath"]: v["name"] for v in mc.get("volumeMounts") or []}
    mvols = {v["name"]: v for v in mpod.get("volumes") or []}
    mclaim = (mvols.get(mm.get(out_dir), {}).get(
        "persistentVolumeClaim") or {}).get("claimName")
    if " merge " not in " %s " % cmd or want not in cmd:
        p("the merge Job must run `merge %s`: %r" % (want, cmd))
    if mclaim != claim:
        p("the merge Job reads %r at %s, the shards write to %r"
          % (mclaim, out_dir, claim))
    return problems


def shard_container(docs):
    job = [d for d in docs if d.get("kind") == "Job"
           and d["spec"].get("completionMode") == "Indexed"][0]
    return job, job["spec"]["template"]["spec"]["containers"][0]


def set_arg(c, name, value):
    args = c["args"]
    for i, w in enumerate(args):
        if w.startswith(name + "="):
            args[i] = name + "=" + value
        elif w == name:
            args[i + 1] = value


def mutants(docs):
    """(description, broken copy of docs) pairs."""
    out = []

    def mutant(desc, fn):
        d = copy.deepcopy(docs)
        fn(d)
        out.append((desc, d))

    mutant("backoffLimit 6",
           lambda d: shard_container(d)[0]["spec"].update(backoffLimit=6))
    mutant("no completionMode",
           lambda d: shard_container(d)[0]["spec"].pop("completionMode"))
    mutant("parallelism != completions",
           lambda d: shard_container(d)[0]["spec"].update(parallelism=1))
    mutant("--shards != completions",
           lambda d: set_arg(shard_container(d)[1], "--shards", "3"))
    mutant("--json without the index",
           lambda d: set_arg(shard_container(d)[1], "--json",
                             "/results/shard.json"))
    mutant("--json off the volume",
           lambda d: set_arg(shard_container(d)[1], "--json",
                             "/tmp/shard-$(JOB_COMPLETION_INDEX).json"))
    mutant("fixed --start-at",
           lambda d: set_arg(shard_container(d)[1], "--start-at", "0"))
    mutant("restartPolicy OnFailure",
           lambda d: shard_container(d)[0]["spec"]["template"]["spec"]
           .update(restartPolicy="OnFailure"))
    mutant("no deadline",
           lambda d: shard_container(d)[0]["spec"].pop(
               "activeDeadlineSeconds"))

    def other_claim(d):
        for x in d:
            if x.get("kind") == "Job" and "completionMode" not in x["spec"]:
                for v in x["spec"]["template"]["spec"]["volumes"]:
                    v["persistentVolumeClaim"]["claimName"] = "elsewhere"
    mutant("merge reads another claim", other_claim)

    def no_pvc(d):
        d[:] = [x for x in d if x.get("kind") != "PersistentVolumeClaim"]
    mutant("no PersistentVolumeClaim", no_pvc)
    return out


def main(argv):
    if argv[1] == "--mutants":
        docs = load_dir(argv[2])
        base = check(docs)
        if base:
            print("the manifests themselves fail: %s" % base)
            return 1
        missed = [desc for desc, d in mutants(docs) if not check(d)]
        for desc in missed:
            print("not rejected: %s" % desc)
        return 1 if missed else 0
    if argv[1] == "--shards":
        problems = check(load_file(argv[4]), rendered=True,
                         shards=int(argv[2]))
    else:
        problems = check(load_dir(argv[1]))
    for x in problems:
        print(x)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
