#!/usr/bin/env bash
# bench/peers.sh against a copy of the peers harness whose resource Monitor samples memory on a worker thread
# (bench/peers-monitor/proc.mjs) instead of on the driver's event loop; everything else is the harness as shipped.
# For showing what the harness' own sampling costs a peer's latency, next to a run of bench/peers.sh; the targets
# stay measured with the harness as shipped. Same arguments and environment as bench/peers.sh.
#   PEER_C=1 PEER_N=300 PEER_LIST="restate axme" bench/peers-monitor.sh
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
SRC="${AXME_PEERS_PEERS:-/work/shared/bench/peers}"
COPY="$REPO/.data/peers-monitor-src"
rm -rf "$COPY" && mkdir -p "$COPY"
(cd "$SRC" && tar cf - --exclude=node_modules --exclude=results.json .) | (cd "$COPY" && tar xf -)
chmod -R u+w "$COPY"
mv "$COPY/lib/proc.mjs" "$COPY/lib/proc.orig.mjs"
cp "$REPO/bench/peers-monitor/proc.mjs" "$COPY/lib/proc.mjs"
AXME_PEERS_PEERS="$COPY" exec "$REPO/bench/peers.sh" "$@"
