#!/usr/bin/env python3
"""Where a node's CPU goes, by owning library: each sample of the silo's thread-pool workers in a perf profile (perf
record -g with the .NET perf map, as bench/node-probe.sh cpu / cpu-submit take it) is charged to the first frame from
the leaf up that belongs to a known library (Orleans, ours, ASP.NET Core, System.Text.Json, Npgsql, ...); frames of
CoreLib, the runtime and the kernel below it count for that library. A flat profile (no symbol over 1 %) says little
by symbol; this says which library's work it is.

  bench/perf-owners.py PERF_DATA                     # share of each owner, then our own top methods
  bench/perf-owners.py PERF_DATA --callers LIB [N]   # what calls into LIB (e.g. System.Text.Json): its samples
                                                     # charged to the first frame above it of another owner
  env PERF_COMM: the thread name to read (".NET TP Worker")
"""
import collections
import os
import re
import subprocess
import sys

# Assembly name prefixes, the first match wins.
OWNERS = ["Orleans.Dashboard", "Orleans", "Axme", "Microsoft.AspNetCore", "System.Text.Json", "Npgsql", "OpenTelemetry", "Polly",
          "Microsoft.Extensions", "System.Net", "System.IO.Pipelines", "System.Diagnostics", "System.Collections.Concurrent",
          "System.Threading.Channels"]


def owner(frame):
    # The method's own assembly: "[Axme.Api] Axme.Api.X::M(...)"; types in its signature are "[Assembly]Type" (no space).
    m = re.search(r"\[([\w.]+)\] [^ ]+::", frame)
    return next((name for name in OWNERS if m.group(1).startswith(name)), None) if m else None


def method(frame):
    m = re.search(r"\] (.*?)(\(|$)", frame)
    return (m.group(1) if m else frame.strip())[:160]


def samples(perf_data, comm):
    out = subprocess.run(["perf", "script", "-i", perf_data, "--comm", comm, "-F", "comm,ip,sym"],
                         capture_output=True, text=True, check=True).stdout
    for block in out.split("\n\n"):
        lines = [line for line in block.split("\n") if line.strip()]
        if lines:
            yield lines[1:]  # the first line is the thread's name


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    data, comm = sys.argv[1], os.environ.get("PERF_COMM", ".NET TP Worker")
    callers = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--callers" else None
    top = int(sys.argv[4]) if callers and len(sys.argv) > 4 else 25
    total, shares, ours, into = 0, collections.Counter(), collections.Counter(), collections.Counter()
    for frames in samples(data, comm):
        total += 1
        i = next((k for k, f in enumerate(frames) if owner(f)), None)
        if i is None:
            shares["kernel" if frames and re.match(r"\s*ffffffff", frames[0]) else "runtime / CoreLib"] += 1
            continue
        shares[owner(frames[i])] += 1
        if owner(frames[i]) == "Axme":
            ours[method(frames[i])] += 1
        if callers and owner(frames[i]) == callers:
            j = next((k for k in range(i, len(frames)) if owner(frames[k]) not in (None, owner(frames[i]))), None)
            into[method(frames[j]) if j is not None else "?"] += 1
    if not total:
        sys.exit(f"no samples of {comm} in {data}")
    print(f"{total} samples of {comm}")
    if callers:
        print(f"{100 * sum(into.values()) / total:.1f} % in {callers}, by caller:")
        for name, n in into.most_common(top):
            print(f"{100 * n / total:6.2f} %  {name}")
        return
    for name, n in shares.most_common():
        print(f"{100 * n / total:5.1f} %  {name}")
    print("our own methods:")
    for name, n in ours.most_common(top):
        print(f"{100 * n / total:6.2f} %  {name}")


if __name__ == "__main__":  # importable: samples(), owner() and method() serve other looks at a profile
    try:
        main()
    except BrokenPipeError:  # piped into head
        pass
