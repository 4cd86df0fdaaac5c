#!/usr/bin/env bash
# bench/peers.sh on a corrected copy of the peers' harness whose resource monitor (lib/proc.mjs) reads
# /proc/<pid>/smaps_rollup asynchronously between the first and last samples, so the kernel's page-table walk (33 ms
# per sample for our node and its PostgreSQL on a warmed node, bench/node-probe.sh c1) no longer blocks the driver's
# event loop. Evidence next to the original (docs/benchmarks.md), not a replacement: the targets are measured with the
# harness as shipped. Same arguments and environment as bench/peers.sh, e.g.
#   PEER_LIST="restate axme" PEER_C=1 PEER_N=300 bench/peers-async-monitor.sh
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
SRC="${AXME_PEERS_ORIGINAL:-/work/shared/bench/peers}"
COPY="$REPO/.data/bench-peers-async-src"
rm -rf "$COPY" && mkdir -p "$COPY"
(cd "$SRC" && tar cf - --exclude=node_modules --exclude=results.json .) | (cd "$COPY" && tar xf -)
chmod -R u+w "$COPY"
(cd "$COPY" && git apply "$REPO/bench/peers-async-monitor.patch")
AXME_PEERS_PEERS="$COPY" exec "$REPO/bench/peers.sh" "$@"
