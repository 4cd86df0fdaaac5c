#!/usr/bin/env bash
# Many waiting intents on one node (issue 12 item 1): what each costs, how late their timers fire, and a restart.
#
#   bench/waiting.sh [N]          # N intents (default 1,000,000); AXME_WAIT_* below
#
# 1. A fresh database on the repo's PostgreSQL; the node in its default configuration (rate limit off).
# 2. Creates N intents at concurrency C (bench/waiting.mjs): half plain intents to an agent nobody serves, each with a
#    deadline; half human tasks with one reminder (and a deadline an hour later). Their timers are due evenly over
#    [BASE, BASE + SPREAD]: BASE leaves time to create them all (at a guessed N/GUESS s) and restart the node, SPREAD
#    (default N/1000 s) makes ~1,000 timers a second fire.
# 3. Node RSS and database size per waiting intent: right after the creates, and once the idle grains went.
# 4. kill -9 of the node while all wait, restart: seconds until /ready answers 200 (and RSS then).
# 5. Waits until every timer was due (+ AXME_WAIT_SETTLE s), then reads from the rows: timer lateness (fire - due;
#    deadlines: the TIMED_OUT write's updated_at - deadline_at; reminders: the intent.reminder event's time - created_at
#    - remind_after_seconds), p50/p99/max; lost timers (due, not fired); timers fired twice.
# Output: .data/bench/<stamp>-waiting/ (node logs, summary.json); the figures go to docs/benchmarks.md by hand.
#
# Env: AXME_WAIT_C (64), AXME_WAIT_GUESS (creates/s assumed for BASE, 800), AXME_WAIT_LEAD (s after the guessed end, 120),
#      AXME_WAIT_SPREAD (s, N/1000), AXME_WAIT_IDLE (s to wait for idle grains to go before measuring again, 150),
#      AXME_WAIT_SETTLE (s after the last due time, 60), AXME_WAIT_PORT (8196), AXME_WAIT_DB (axme_waiting);
#      other env (Axme__*, DOTNET_*) reaches the node.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$REPO"
N="${1:-1000000}"
C="${AXME_WAIT_C:-64}"
GUESS="${AXME_WAIT_GUESS:-800}"
LEAD="${AXME_WAIT_LEAD:-120}"
SPREAD="${AXME_WAIT_SPREAD:-$(((N + 999) / 1000))}"
IDLE="${AXME_WAIT_IDLE:-150}"
SETTLE="${AXME_WAIT_SETTLE:-60}"
PORT="${AXME_WAIT_PORT:-8196}"
DB="${AXME_WAIT_DB:-axme_waiting}"
KEY="axme-waiting-$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
OUT="$REPO/.data/bench/$(date -u +%Y-%m-%dT%H%M%SZ)-waiting"
mkdir -p "$OUT"
# shellcheck source=lib.sh
source "$REPO/bench/lib.sh"
NODE_PID=""
trap 'stop_pid "$NODE_PID" 30' EXIT

port_busy "$PORT" && die "port $PORT on 127.0.0.1 is in use; set AXME_WAIT_PORT"
bench_database "$DB"
sql() { PGPASSWORD=axme "$AXME_PG_BIN/psql" -X -q -At -h 127.0.0.1 -p "$AXME_PG_PORT" -U axme -d "$DB" -c "$1"; }
dotnet build src/Silo/Axme.Silo.csproj -c Release > "$OUT/build.log" 2>&1 || { tail -30 "$OUT/build.log" >&2; die "silo build failed"; }

start_node() {
  AXME_HOST=127.0.0.1 AXME_PORT="$PORT" AXME_ADMIN_KEY="$KEY" AXME_POSTGRES="$NODE_PG" AXME_CLUSTER_ID=axme-waiting \
    AXME_SERVICE_ID=axme-waiting AXME_KEYRING_CERT="$REPO/.data/keyring.pfx" AXME_KEYRING_CREATE=true Axme__Api__RateLimitPermits=0 \
    dotnet src/Silo/bin/Release/net10.0/Axme.Silo.dll >> "$OUT/node-$1.log" 2>&1 &
  NODE_PID=$!
}
rss_mb() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$NODE_PID/status"; }
db_mb() { sql "SELECT round(pg_database_size(current_database()) / 1048576.0, 1)"; }

start_node 1
bench_wait_healthy "$NODE_PID" "$PORT" "$OUT/node-1.log"
sleep 10
RSS0="$(rss_mb)" DB0="$(db_mb)"
log "idle node: RSS $RSS0 MB, database $DB0 MB"

NOW_MS="$(date +%s%3N)"
BASE_MS=$((NOW_MS + (N / GUESS + LEAD) * 1000))
log "creating $N waiting intents at C=$C; timers due from $(date -u -d @$((BASE_MS / 1000)) +%H:%M:%S) over $SPREAD s"
CREATE="$(AXME_BASE_URL="http://127.0.0.1:$PORT" AXME_API_KEY="$KEY" node bench/waiting.mjs "$N" "$C" "$BASE_MS" "$SPREAD")"
log "created: $CREATE"
RSS1="$(rss_mb)" DB1="$(db_mb)"
log "right after the creates: RSS $RSS1 MB, database $DB1 MB"
sleep "$IDLE"
RSS2="$(rss_mb)" DB2="$(db_mb)"
log "after $IDLE s idle: RSS $RSS2 MB, database $DB2 MB"
REMINDERS="$(sql "SELECT count(*) FROM orleansreminderstable")"
log "Orleans reminders stored: $REMINDERS"

if (($(date +%s%3N) > BASE_MS)); then log "WARNING: timers already due before the restart (creates slower than AXME_WAIT_GUESS)"; fi
log "kill -9 of the node, restart"
kill -KILL "$NODE_PID"; wait "$NODE_PID" 2>/dev/null || true
T0="$(date +%s%3N)"
start_node 2
for ((i = 0; ; i++)); do
  kill -0 "$NODE_PID" 2>/dev/null || { tail -30 "$OUT/node-2.log" >&2; die "node exited during restart"; }
  [[ "$(curl -s -o /dev/null -w '%{http_code}' -m 2 "http://127.0.0.1:$PORT/ready")" == 200 ]] && break
  ((i < 1200)) || die "node not ready after 600 s"
  sleep 0.25
done
READY_S="$(awk -v a="$T0" -v b="$(date +%s%3N)" 'BEGIN {printf "%.1f", (b - a) / 1000}')"
sleep 30
RSS3="$(rss_mb)"
log "restarted: ready after $READY_S s; RSS 30 s later $RSS3 MB"

END_MS=$((BASE_MS + SPREAD * 1000 + SETTLE * 1000))
while (($(date +%s%3N) < END_MS)); do
  sleep 30
  log "  deadlines fired so far: $(sql "SELECT count(*) FROM axme_intents WHERE status = 'TIMED_OUT'"); RSS $(rss_mb) MB"
done
RSS4="$(rss_mb)"

LATE_DEADLINE="$(sql "SELECT json_build_object('n', count(*), 'p50_s', round(percentile_cont(0.5) WITHIN GROUP (ORDER BY l)::numeric, 3),
  'p99_s', round(percentile_cont(0.99) WITHIN GROUP (ORDER BY l)::numeric, 3), 'max_s', round(max(l)::numeric, 3))
  FROM (SELECT extract(epoch FROM updated_at - deadline_at) AS l FROM axme_intents
        WHERE intent_type = 'bench.waiting.deadline.v1' AND status = 'TIMED_OUT') t")"
LATE_REMINDER="$(sql "SELECT json_build_object('n', count(*), 'p50_s', round(percentile_cont(0.5) WITHIN GROUP (ORDER BY l)::numeric, 3),
  'p99_s', round(percentile_cont(0.99) WITHIN GROUP (ORDER BY l)::numeric, 3), 'max_s', round(max(l)::numeric, 3))
  FROM (SELECT extract(epoch FROM (e.doc::jsonb ->> 'at')::timestamptz - i.created_at
                 - ((i.doc::jsonb ->> 'remind_after_seconds')::int * interval '1 second')) AS l
        FROM axme_intent_events e JOIN axme_intents i USING (service_id, intent_id)
        WHERE i.intent_type = 'bench.waiting.human.v1' AND e.doc LIKE '%\"intent.reminder\"%') t")"
LOST="$(sql "SELECT (SELECT count(*) FROM axme_intents WHERE intent_type = 'bench.waiting.deadline.v1' AND status <> 'TIMED_OUT')
  + (SELECT count(*) FROM axme_intents i WHERE intent_type = 'bench.waiting.human.v1' AND NOT EXISTS
       (SELECT 1 FROM axme_intent_events e WHERE e.service_id = i.service_id AND e.intent_id = i.intent_id AND e.doc LIKE '%\"intent.reminder\"%'))")"
TWICE="$(sql "SELECT count(*) FROM (SELECT intent_id FROM axme_intent_events
  WHERE doc LIKE '%\"intent.timed_out\"%' OR doc LIKE '%\"intent.reminder\"%' GROUP BY service_id, intent_id HAVING count(*) > 1) t")"
log "deadlines: $LATE_DEADLINE"
log "reminders: $LATE_REMINDER"
log "timers lost: $LOST; fired twice: $TWICE; RSS at the end $RSS4 MB"

cat > "$OUT/summary.json" <<EOF
{"n": $N, "c": $C, "spread_s": $SPREAD, "create": $CREATE,
 "rss_mb": {"idle": $RSS0, "after_creates": $RSS1, "after_idle": $RSS2, "restarted": $RSS3, "end": $RSS4},
 "database_mb": {"idle": $DB0, "after_creates": $DB1, "after_idle": $DB2}, "orleans_reminders": $REMINDERS,
 "restart_ready_s": $READY_S, "lateness": {"deadline": $LATE_DEADLINE, "reminder": $LATE_REMINDER},
 "lost": $LOST, "fired_twice": $TWICE, "commit": "$(git rev-parse --short HEAD)"}
EOF
log "summary: $OUT/summary.json"
