#!/usr/bin/env bash
# Many live SSE listeners on one node (issue 12 item 2): memory per connection, commit -> event latency while intents
# complete, keepalives, shedding past the node's stream limit (bench/listeners.mjs says what is measured).
#
#   bench/listeners.sh [N] [HOLD_S] [RATE]     # defaults: 10,000 listeners, 120 s, 100 completions/s
#
# A fresh database on the repo's PostgreSQL; the node in its default configuration (Axme:Api:MaxStreams 10,000, so
# the extra streams of the run are refused). The file-descriptor limit is raised to the hard limit, as ./run.sh does.
# Output: .data/bench/<stamp>-listeners/ (node log, summary.json); the figures go to docs/benchmarks.md by hand.
# Env: AXME_LISTEN_SILO (a silo build's folder, for A/B runs; default: src/Silo built in Release), AXME_LISTEN_PORT (8198), AXME_LISTEN_DB (axme_listeners), AXME_LISTEN_EXTRA (50), AXME_LISTEN_AGENTS (100);
#      other env (Axme__*, DOTNET_*) reaches the node.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$REPO"
N="${1:-10000}" HOLD="${2:-120}" RATE="${3:-100}"
PORT="${AXME_LISTEN_PORT:-8198}"
DB="${AXME_LISTEN_DB:-axme_listeners}"
KEY="axme-listen-$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
OUT="$REPO/.data/bench/$(date -u +%Y-%m-%dT%H%M%SZ)-listeners"
mkdir -p "$OUT"
# shellcheck source=lib.sh
source "$REPO/bench/lib.sh"
NODE_PID=""
trap 'stop_pid "$NODE_PID" 30' EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
(( $(ulimit -n) > N + 1000 )) || log "WARNING: file-descriptor limit $(ulimit -n) is low for $N listeners (the node and the driver each hold one per stream)"

port_busy "$PORT" && die "port $PORT on 127.0.0.1 is in use; set AXME_LISTEN_PORT"
bench_database "$DB"
SILO="${AXME_LISTEN_SILO:-}"
if [[ -z "$SILO" ]]; then
  dotnet build src/Silo/Axme.Silo.csproj -c Release > "$OUT/build.log" 2>&1 || { tail -30 "$OUT/build.log" >&2; die "silo build failed"; }
  SILO=src/Silo/bin/Release/net10.0
fi
bench_start_node "$SILO" "$PORT" axme-listeners "$OUT/node.log"
sleep 5
log "node pid $NODE_PID; $N listeners, hold $HOLD s, $RATE completions/s (commit $(git rev-parse --short HEAD))"
AXME_BASE_URL="http://127.0.0.1:$PORT" AXME_API_KEY="$KEY" AXME_NODE_PID="$NODE_PID" \
  node --max-old-space-size=4096 bench/listeners.mjs "$N" "$HOLD" "$RATE" | tee "$OUT/summary.json"
log "node log: $(grep -cE '^(fail|crit):' "$OUT/node.log" || true) fail/crit entries; output in $OUT"
