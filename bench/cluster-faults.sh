#!/usr/bin/env bash
# A three-node cluster on one PostgreSQL, one node killed with SIGKILL while N approval round trips are in flight
# (issue 12 item 4; bench/cluster-faults.mjs says what the clients and the agent do).
#
#   bench/cluster-faults.sh [N] [KILL_AT]      # defaults: 1,000 round trips, the kill once 300 are done
#
# Afterwards, from the database: every acknowledged round trip's intent is there once, COMPLETED, with exactly one
# terminal event. Output: .data/bench/<stamp>-cluster-faults/ (node logs, summary.json, checks.txt).
# Env: AXME_THREE_PORT (8201: the nodes use it and the next two), AXME_THREE_DB (axme_three); other env (Axme__*,
#      DOTNET_*) reaches the nodes.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$REPO"
N="${1:-1000}" KILL_AT="${2:-300}"
PORT="${AXME_THREE_PORT:-8201}"
DB="${AXME_THREE_DB:-axme_three}"
KEY="axme-three-$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
OUT="$REPO/.data/bench/$(date -u +%Y-%m-%dT%H%M%SZ)-cluster-faults"
mkdir -p "$OUT"
# shellcheck source=lib.sh
source "$REPO/bench/lib.sh"
PIDS=()
trap 'for p in "${PIDS[@]}"; do stop_pid "$p" 30; done' EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

for i in 0 1 2; do port_busy $((PORT + i)) && die "port $((PORT + i)) on 127.0.0.1 is in use; set AXME_THREE_PORT"; done
bench_database "$DB"
dotnet build src/Silo/Axme.Silo.csproj -c Release > "$OUT/build.log" 2>&1 || { tail -30 "$OUT/build.log" >&2; die "silo build failed"; }
NODES=()
for i in 0 1 2; do
  AXME_HOST=127.0.0.1 AXME_PORT=$((PORT + i)) AXME_SILO_PORT=$((PORT + 100 + i)) AXME_GATEWAY_PORT=$((PORT + 200 + i)) \
    AXME_ADMIN_KEY="$KEY" AXME_POSTGRES="$NODE_PG" AXME_CLUSTER_ID=axme-three AXME_SERVICE_ID=axme-three \
    AXME_KEYRING_CERT="$REPO/.data/keyring.pfx" AXME_KEYRING_CREATE=true Axme__Api__RateLimitPermits=0 \
    dotnet src/Silo/bin/Release/net10.0/Axme.Silo.dll > "$OUT/node-$i.log" 2>&1 &
  PIDS+=($!)
  NODES+=("http://127.0.0.1:$((PORT + i))")
  bench_wait_healthy "${PIDS[$i]}" $((PORT + i)) "$OUT/node-$i.log"
done
for ((i = 0; i < 120; i++)); do
  [[ "$(curl -s -m 5 "${NODES[0]}/ready" | grep -o '"active_silos":[0-9]*' | cut -d: -f2)" == 3 ]] && break
  sleep 0.5
done
log "three nodes ready (pids ${PIDS[*]}); $N round trips, node 2 killed after $KILL_AT (commit $(git rev-parse --short HEAD))"
AXME_NODES="$(IFS=,; echo "${NODES[*]}")" AXME_API_KEY="$KEY" AXME_KILL_PID="${PIDS[2]}" AXME_IDS_FILE="$OUT/ids.txt" \
  node --max-old-space-size=4096 bench/cluster-faults.mjs "$N" "$KILL_AT" | tee "$OUT/summary.json"

# From the database: each acknowledged round trip's intent once, COMPLETED, with one terminal event.
PGPASSWORD=axme "${PSQL[@]:0:$((${#PSQL[@]} - 1))}" "$DB" -At > "$OUT/checks.txt" <<SQL
CREATE TEMP TABLE acked(intent_id uuid);
\copy acked FROM '$OUT/ids.txt'
SELECT 'acknowledged ' || count(*) FROM acked;
SELECT 'missing ' || count(*) FROM acked a WHERE NOT EXISTS (SELECT 1 FROM axme_intents i WHERE i.intent_id = a.intent_id);
SELECT 'not completed ' || count(*) FROM acked a JOIN axme_intents i USING (intent_id) WHERE i.status <> 'COMPLETED';
SELECT 'terminal events ' || count(*) FROM acked a JOIN axme_intent_events e USING (intent_id)
  WHERE e.doc::jsonb ->> 'event_type' IN ('intent.completed', 'intent.failed', 'intent.canceled', 'intent.timed_out');
SELECT 'intents with more than one terminal event ' || count(*) FROM (SELECT e.intent_id FROM axme_intent_events e
  WHERE e.doc::jsonb ->> 'event_type' IN ('intent.completed', 'intent.failed', 'intent.canceled', 'intent.timed_out')
  GROUP BY e.intent_id HAVING count(*) > 1) d;
SQL
cat "$OUT/checks.txt" >&2
log "node logs: $(cat "$OUT"/node-{0,1}.log | grep -cE '^(fail|crit):' || true) fail/crit entries on the survivors; output in $OUT"
