#!/usr/bin/env bash
# The shared peers' benchmark (/work/shared/bench/peers, "approval round trip") with one Axme node as peer
# `axme`, in ONE run of its run.sh together with pgbench, DBOS and Restate.
#
#   bench/peers.sh
#   PEER_N=500 PEER_C=16 PEER_WARMUP=50 bench/peers.sh           # the harness' own variables pass through
#   Axme__Api__RateLimitPermits=0 bench/peers.sh                 # any other env reaches the node too
#
# 1. PostgreSQL: scripts/postgres.sh start (the repo's private cluster, 127.0.0.1:${AXME_PG_PORT:-55432});
#    the node gets its own database ($AXME_PEERS_DB, dropped and recreated every run).
# 2. Builds the silo in Release (before anything is measured).
# 3. Copies the harness to a writable .data/bench-peers (node_modules kept between runs) and runs its setup.sh.
# 4. Starts the node in its DEFAULT configuration: only host, port, admin key, database and cluster/service id
#    are set. The per-key rate limit stays at its default (50,000 requests per key and route per second, ADR 016);
#    should it throttle, the adapter waits Retry-After and reports the 429s as adapter_stats.rate_limited (printed below).
# 5. Measures the node's database (pg_stat_database) over $AXME_PEERS_IDLE_SECONDS of idle node (after
#    $AXME_PEERS_SETTLE_SECONDS of settling after /health: start-up writes and late statistics), then runs
#    PEER_LIST="pgbench dbos restate axme" run.sh (the node stays up during the other peers' phases; its idle
#    CPU shows in their "other CPU s"), and reads the counters again.
# Reported besides the harness' table: PostgreSQL transactions (commits) of the node's database per completed
# axme round trip, with the idle rate x run duration subtracted; the round trips are the warm-up (PEER_WARMUP;
# the harness does not store its count, and aborts the peer if any warm-up trip fails), the timed phase
# (roundtrip.completed) and the drained submit-only phase (submit_only.completed - drain_errors). Also the node's
# RSS before and after, and the counters once more after the node stopped (its backends flush their statistics
# at exit; the difference to the reading after the run shows what had not yet reached pg_stat_database).
# Results: bench/results/<stamp>.peers.json (the harness' results file) and <stamp>.peers-extra.json (the figures
# above, commit, load averages); logs in .data/bench/<stamp>/ (peers.log: the harness' full output).
#
# Env: AXME_PEERS_PORT (8191), AXME_PEERS_KEY (random admin key), AXME_PEERS_DB (axme_peers),
#      AXME_PEERS_PEERS (harness folder, /work/shared/bench/peers), AXME_PEERS_PORT_BASE (18700, PEER_PORT_BASE),
#      AXME_PEERS_WARM (10000 round trips of warm-up before anything is measured; 0 = cold node),
#      AXME_PEERS_SETTLE_SECONDS (15), AXME_PEERS_IDLE_SECONDS (10), AXME_PEERS_STATS_WAIT (12 s before reading the
#      counters after the run: PostgreSQL >= 15 holds a backend's statistics up to 10 s once it went idle within 1 s
#      of its previous flush; with 2 s, ~6 % of the commits of a short run were still missing),
#      PEER_LIST ("pgbench dbos restate axme"), PEER_N, PEER_C, PEER_WARMUP, PEER_PGBENCH_SECONDS, PEER_KEEP, ...
#      (see the harness' README), AXME_PG_PORT, AXME_POSTGRES (see scripts/postgres.sh; an external server is used
#      as-is: no fresh database, no counters, no PostgreSQL CPU). Other env (e.g. DOTNET_*, Axme__*) reaches the node.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$REPO"

PORT="${AXME_PEERS_PORT:-8191}"
KEY="${AXME_PEERS_KEY:-axme-peers-$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')}"
DB="${AXME_PEERS_DB:-axme_peers}"
PEERS_SRC="${AXME_PEERS_PEERS:-/work/shared/bench/peers}"
PEERS_DIR="$REPO/.data/bench-peers"
SETTLE_S="${AXME_PEERS_SETTLE_SECONDS:-15}"
IDLE_S="${AXME_PEERS_IDLE_SECONDS:-10}"
WARM="${AXME_PEERS_WARM:-10000}"
STATS_WAIT="${AXME_PEERS_STATS_WAIT:-12}"
STAMP="$(date -u +%Y-%m-%dT%H%M%SZ)"
LOGS="$REPO/.data/bench/$STAMP"
RESULTS="$REPO/bench/results"
PEERS_JSON="$RESULTS/$STAMP.peers.json"
EXTRA_JSON="$RESULTS/$STAMP.peers-extra.json"
mkdir -p "$LOGS" "$RESULTS"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export CLK_TCK="$(getconf CLK_TCK)"

# shellcheck source=lib.sh
source "$REPO/bench/lib.sh"

NODE_PID=""
cleanup() { stop_pid "$NODE_PID" 30; }
trap cleanup EXIT
trap 'exit 130' INT TERM

port_busy "$PORT" && die "port $PORT on 127.0.0.1 is in use; set AXME_PEERS_PORT"
[[ -x "$PEERS_SRC/run.sh" ]] || die "peers harness not found at $PEERS_SRC (set AXME_PEERS_PEERS)"
command -v node >/dev/null || die "node (Node.js) not found; the harness' setup.sh installs it"

LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
DIRTY="$(git status --porcelain -- src 2>/dev/null | wc -l)"
log "peers bench $STAMP: commit $COMMIT ($DIRTY uncommitted paths under src/), load average $LOAD_START, $(nproc) CPUs; logs in $LOGS"

# 1. PostgreSQL for the node.
bench_database "$DB"

# 2. Build (before anything is measured, so the compiler does not compete with the load).
log "building silo (Release)"
dotnet build src/Silo/Axme.Silo.csproj -c Release > "$LOGS/build.log" 2>&1 || { tail -30 "$LOGS/build.log" >&2; die "silo build failed"; }

# 3. The harness (its folder may be read-only: run a writable copy; node_modules is kept between runs).
bench_peers_copy "$PEERS_SRC" "$PEERS_DIR" "$LOGS/peers-setup.log"

# 4. The node, default configuration (no rate-limit override here; the caller's env passes through).
[[ -n "${Axme__Api__RateLimitPermits:-}" ]] && log "note: Axme__Api__RateLimitPermits=$Axme__Api__RateLimitPermits comes from the environment"
log "starting node on 127.0.0.1:$PORT"
bench_start_node src/Silo/bin/Release/net10.0 "$PORT" axme-peers "$LOGS/node.log"

# 4b. Warm-up of the node itself (AXME_PEERS_WARM round trips, default 10000; 0 = a cold node): the harness warms
#     each peer with only PEER_WARMUP (100) round trips, and a .NET node still JIT-compiles (tier-0 -> instrumented
#     -> tier-1 with dynamic PGO) long after that: dotnet-counters (2026-12-05) showed 0.4-0.8 s of JIT time per second
#     for the first ~3,000 round trips AFTER a 3,000-round-trip warm-up (the silo's CPU per round trip 25 % above its
#     steady state), and 0.00-0.08 s/s after 10,000 (docs/benchmarks.md). A node in service runs at that steady state.
#     Run with the harness' own driver and adapter, before the idle baseline, so no figure below includes it.
if ((WARM > 0)); then
  log "warming the node: $WARM round trips with the harness' axme adapter (AXME_PEERS_WARM=0 for a cold node)"
  AXME_BASE_URL="http://127.0.0.1:$PORT" AXME_API_KEY="$KEY" \
    node "$PEERS_DIR/lib/bench.mjs" --peer axme --name axme-warm --n $(((WARM + 1) / 2)) --c "${PEER_C:-32}" --warmup 0 \
      --timeout 180 --out "$LOGS/node-warmup.json" > "$LOGS/node-warmup.log" 2>&1 || { tail -20 "$LOGS/node-warmup.log" >&2; die "warm-up failed"; }
  bench_settle_disk  # the warm-up's dirty pages on disk now, not in a burst inside a measured phase (bench/lib.sh)
fi

# 5. Counters: idle baseline, then the run.
pg_stat() {  # "commit rollback inserted updated deleted fetched" of the node's database, or nothing
  [[ -n "$PG_PID" ]] || return 0  # (read from database postgres: a probe in $DB would count its own transaction)
  PGPASSWORD=axme "${PSQL[@]}" -At -F' ' -c "SELECT xact_commit, xact_rollback, tup_inserted, tup_updated,
    tup_deleted, tup_fetched FROM pg_stat_database WHERE datname = '$DB'" 2>/dev/null || true
}
now() { date +%s.%N; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || true; }

# The first ~12 s after /health still carry start-up work (schema, and statistics PostgreSQL flushes only once a
# backend has been idle for 10 s), so the idle window starts after a settle period.
log "idle baseline: ${SETTLE_S} s settle, then ${IDLE_S} s of idle node"
sleep "$SETTLE_S"
IDLE_T0="$(now)"; IDLE0="$(pg_stat)"
sleep "$IDLE_S"
RUN_T0="$(now)"; STAT0="$(pg_stat)"; RSS0="$(rss_kb "$NODE_PID")"

PEER_LIST_RUN="${PEER_LIST:-pgbench dbos restate axme}"
log "peers: PEER_LIST=\"$PEER_LIST_RUN\" PEER_N=${PEER_N:-2000} PEER_C=${PEER_C:-32} PEER_WARMUP=${PEER_WARMUP:-100} run.sh (log: $LOGS/peers.log)"
rc=0
AXME_BASE_URL="http://127.0.0.1:$PORT" AXME_API_KEY="$KEY" AXME_COMPONENTS="silo=$NODE_PID${PG_PID:+,postgres=$PG_PID}" \
  PEER_LIST="$PEER_LIST_RUN" PEER_RESULTS="$PEERS_JSON" PEER_PORT_BASE="${AXME_PEERS_PORT_BASE:-18700}" \
  "$PEERS_DIR/run.sh" > "$LOGS/peers.log" 2>&1 || rc=$?
kill -0 "$NODE_PID" 2>/dev/null || log "WARNING: the node is no longer running"
RSS1="$(rss_kb "$NODE_PID")"; HWM1="$(awk '/^VmHWM:/ {print $2}' "/proc/$NODE_PID/status" 2>/dev/null || true)"
sleep "$STATS_WAIT"; RUN_T1="$(now)"; STAT1="$(pg_stat)"
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"
stop_pid "$NODE_PID" 30; NODE_PID=""
sleep 1; STAT2="$(pg_stat)"   # the node's backends flushed their pending statistics at exit

if ((rc != 0)) || [[ ! -s "$PEERS_JSON" ]]; then
  tail -30 "$LOGS/peers.log" >&2
  die "peers run.sh failed (exit $rc); full log: $LOGS/peers.log"
fi
grep -E '^\[axme\] (WARNING|setup|drained)|^\[.*\] axme' "$LOGS/peers.log" >&2 || true
sed -n '/^peer /,$p' "$LOGS/peers.log" >&2

# 6./7. The extra figures.
IDLE_T0="$IDLE_T0" RUN_T0="$RUN_T0" RUN_T1="$RUN_T1" IDLE0="$IDLE0" STAT0="$STAT0" STAT1="$STAT1" STAT2="$STAT2" \
RSS0="$RSS0" RSS1="$RSS1" HWM1="$HWM1" PEERS_JSON="$PEERS_JSON" EXTRA_JSON="$EXTRA_JSON" DB="$DB" STAMP="$STAMP" \
COMMIT="$(git rev-parse HEAD 2>/dev/null || echo unknown)" DIRTY="$DIRTY" LOAD_START="$LOAD_START" LOAD_END="$LOAD_END" \
WARMUP="${PEER_WARMUP:-100}" PEER_LIST_RUN="$PEER_LIST_RUN" STATS_WAIT="$STATS_WAIT" \
RATE_LIMIT="${Axme__Api__RateLimitPermits:-default}" NODE_WARM="$WARM" node --input-type=module -e '
import { readFileSync, writeFileSync } from "node:fs";
const e = process.env, keys = ["xact_commit", "xact_rollback", "tup_inserted", "tup_updated", "tup_deleted", "tup_fetched"];
const stat = (s) => (s ? Object.fromEntries(s.trim().split(/\s+/).map((v, i) => [keys[i], +v])) : null);
const delta = (a, b) => (a && b ? Object.fromEntries(keys.map((k) => [k, b[k] - a[k]])) : null);
const idle0 = stat(e.IDLE0), s0 = stat(e.STAT0), s1 = stat(e.STAT1), s2 = stat(e.STAT2);
const idleS = +e.RUN_T0 - +e.IDLE_T0, runS = +e.RUN_T1 - +e.RUN_T0;
const idle = delta(idle0, s0), run = delta(s0, s1);
const idleRate = idle && Object.fromEntries(keys.map((k) => [k, idle[k] / idleS]));
const ax = JSON.parse(readFileSync(e.PEERS_JSON, "utf8")).peers?.axme;
let trips = null, tripsNote;
if (ax && !ax.error) {
  const warm = +e.WARMUP, rt = ax.roundtrip?.completed ?? 0, so = (ax.submit_only?.completed ?? 0) - (ax.submit_only?.drain_errors ?? 0);
  trips = { warmup: warm, roundtrip: rt, submit_only_drained: so, total: warm + rt + so, steps_resolved: ax.adapter_stats?.steps_resolved ?? null };
  tripsNote = "warm-up = PEER_WARMUP (the harness stores no warm-up count; a failed warm-up aborts the peer); roundtrip.completed; submit_only.completed - drain_errors";
} else tripsNote = `no axme result: ${ax?.error ?? "axme not in PEER_LIST"}`;
const net = run && idleRate ? Object.fromEntries(keys.map((k) => [k, run[k] - idleRate[k] * runS])) : null;
const perTrip = net && trips?.total ? Object.fromEntries(keys.map((k) => [k, +(net[k] / trips.total).toFixed(2)])) : null;
const mb = (kb) => (kb ? +(kb / 1024).toFixed(1) : null);
const extra = {
  stamp: e.STAMP, commit: e.COMMIT, node_warm_round_trips: +e.NODE_WARM, uncommitted_src_paths: +e.DIRTY, peer_list: e.PEER_LIST_RUN,
  rate_limit_permits: e.RATE_LIMIT, load_average_start: e.LOAD_START, load_average_end: e.LOAD_END,
  database: e.DB, idle: { seconds: +idleS.toFixed(1), delta: idle, per_s: idleRate && Object.fromEntries(keys.map((k) => [k, +idleRate[k].toFixed(3)])) },
  run: { seconds: +runS.toFixed(1), stats_wait_s: +e.STATS_WAIT, delta: run, net_of_idle: net && Object.fromEntries(keys.map((k) => [k, Math.round(net[k])])) },
  after_node_stop_extra: delta(s1, s2),
  axme_round_trips: trips, axme_round_trips_note: tripsNote,
  per_round_trip: perTrip,
  rate_limited: ax?.adapter_stats?.rate_limited ?? null,
  node_rss_mb: { before: mb(+e.RSS0), after: mb(+e.RSS1), peak_vmhwm: mb(+e.HWM1) },
  peers_results: e.PEERS_JSON,
};
writeFileSync(e.EXTRA_JSON, JSON.stringify(extra, null, 2) + "\n");
const out = [];
out.push(`node warmed before the run with ${e.NODE_WARM} round trips (AXME_PEERS_WARM; not in any figure)`);
if (trips) out.push(`axme round trips: ${trips.total} (warm-up ${trips.warmup} + timed ${trips.roundtrip} + submit-only drained ${trips.submit_only_drained}; steps resolved by the agent ${trips.steps_resolved}); 429 waits (rate_limited): ${extra.rate_limited}; rate limit permits: ${e.RATE_LIMIT}`);
else out.push(tripsNote);
if (idle) out.push(`idle node: ${idle.xact_commit} commits in ${idleS.toFixed(1)} s (${idleRate.xact_commit.toFixed(2)}/s)`);
if (run) out.push(`node database during the run (${runS.toFixed(1)} s, all peers): ${run.xact_commit} commits, ${run.xact_rollback} rollbacks, ${run.tup_inserted} inserted, ${run.tup_updated} updated, ${run.tup_deleted} deleted, ${run.tup_fetched} fetched`);
if (perTrip) out.push(`PostgreSQL transactions per round trip: ${perTrip.xact_commit} (commits net of idle ${Math.round(net.xact_commit)} / ${trips.total}); per round trip also ${perTrip.tup_inserted} rows inserted, ${perTrip.tup_updated} updated, ${perTrip.tup_deleted} deleted, ${perTrip.tup_fetched} fetched, ${perTrip.xact_rollback} rollbacks`);
if (extra.after_node_stop_extra) out.push(`flushed only at node stop (not in the figures above, includes shutdown): ${extra.after_node_stop_extra.xact_commit} commits`);
out.push(`node RSS: ${extra.node_rss_mb.before} MB before, ${extra.node_rss_mb.after} MB after (VmHWM ${extra.node_rss_mb.peak_vmhwm} MB); load average ${e.LOAD_START} -> ${e.LOAD_END}`);
console.error(out.join("\n"));
' || log "WARNING: could not compute the extra figures"

log "node log: $(grep -cE '^(fail|crit):' "$LOGS/node.log" || true) fail/crit entries ($LOGS/node.log)"
log "done; results in $PEERS_JSON and $EXTRA_JSON; logs in $LOGS"
