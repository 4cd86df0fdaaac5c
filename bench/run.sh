#!/usr/bin/env bash
# Benchmark of one Axme node (Release) next to raw PostgreSQL (pgbench), in one run.
#
#   bench/run.sh [extra Axme.Bench args, e.g. --creates 1000]
#
# 1. PostgreSQL: scripts/postgres.sh start (the repo's private cluster, 127.0.0.1:${AXME_PG_PORT:-55432});
#    the node gets its own database ($AXME_BENCH_DB, dropped and recreated every run).
# 2. Builds the silo and the bench in Release.
# 3. pgbench part of the peers' benchmark (/work/shared/bench/peers, PEER_LIST=pgbench) from a writable
#    copy in .data/bench-peers: a private PostgreSQL with defaults, insert1 and lifecycle3 scripts.
# 4. Starts the node (AXME_PORT=$AXME_BENCH_PORT, per-key rate limit off), waits for /health, runs
#    Axme.Bench against it (including the stream and the http webhook round trips with 1/10/100 agents, its receivers on 127.0.0.1, allowed by Axme__Delivery__AllowPrivateNetworks; the webhook
#    receiver is Kestrel inside Axme.Bench on a random 127.0.0.1 port), stops the node. top snapshots are taken every 5 s while the bench runs.
# Results: bench/results/<stamp>.json (ours, with the pgbench figures) and <stamp>.pgbench.json;
# logs in .data/bench/<stamp>/.
#
# Env: AXME_BENCH_PORT (8190), AXME_BENCH_KEY (random), AXME_BENCH_DB (axme_bench),
#      AXME_BENCH_PEERS (/work/shared/bench/peers), AXME_BENCH_PEER_PORT_BASE (18600),
#      AXME_BENCH_SKIP_PGBENCH=1 (no peers' benchmark at all), AXME_BENCH_PEER_LIST or PEER_LIST (peers to run, default "pgbench";
#      "pgbench dbos restate" adds the DBOS and Restate approval round trip; results in <stamp>.pgbench.json either way),
#      AXME_BENCH_SKIP_STREAM=1 (no stream round trip phases; same as --stream-agents none),
#      AXME_BENCH_SKIP_HTTP=1 (no http webhook round trip phases; same as --http-agents none), AXME_PG_PORT, AXME_POSTGRES (see scripts/postgres.sh),
#      AXME_BENCH_PG_EXTRA (appended to the node's connection string, for experiments, e.g. "No Reset On Close=true").
#      Other env (e.g. DOTNET_*) reaches the node as well.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$REPO"

PORT="${AXME_BENCH_PORT:-8190}"
KEY="${AXME_BENCH_KEY:-axme-bench-$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')}"
DB="${AXME_BENCH_DB:-axme_bench}"
PEERS_SRC="${AXME_BENCH_PEERS:-/work/shared/bench/peers}"
PEERS_DIR="$REPO/.data/bench-peers"
STAMP="$(date -u +%Y-%m-%dT%H%M%SZ)"
LOGS="$REPO/.data/bench/$STAMP"
RESULTS="$REPO/bench/results"
mkdir -p "$LOGS" "$RESULTS"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export CLK_TCK="$(getconf CLK_TCK)"

# shellcheck source=lib.sh
source "$REPO/bench/lib.sh"

NODE_PID="" TOP_PID=""
cleanup() { stop_pid "$TOP_PID" 2; stop_pid "$NODE_PID" 30; }
trap cleanup EXIT
trap 'exit 130' INT TERM

port_busy "$PORT" && die "port $PORT on 127.0.0.1 is in use; set AXME_BENCH_PORT"

LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
DIRTY="$(git status --porcelain -- src 2>/dev/null | wc -l)"
log "bench $STAMP: commit $COMMIT ($DIRTY uncommitted paths under src/), load average $LOAD_START, $(nproc) CPUs; logs in $LOGS"

# 1. PostgreSQL for the node.
bench_database "$DB" "${AXME_BENCH_PG_EXTRA:-}"

# 2. Build (before anything is measured, so the compiler does not compete with the load).
log "building silo and bench (Release)"
dotnet build src/Silo/Axme.Silo.csproj -c Release > "$LOGS/build.log" 2>&1 || { tail -30 "$LOGS/build.log" >&2; die "silo build failed"; }
dotnet build bench/Axme.Bench/Axme.Bench.csproj -c Release >> "$LOGS/build.log" 2>&1 || { tail -30 "$LOGS/build.log" >&2; die "bench build failed"; }

# 3. pgbench from the peers' harness (its folder may be read-only: run a writable copy; node_modules is kept between runs).
PEERS_JSON=""
if [[ "${AXME_BENCH_SKIP_PGBENCH:-0}" != 1 ]]; then
  bench_peers_copy "$PEERS_SRC" "$PEERS_DIR" "$LOGS/peers-setup.log"
  PEERS_JSON="$RESULTS/$STAMP.pgbench.json"
  PEER_LIST_RUN="${AXME_BENCH_PEER_LIST:-${PEER_LIST:-pgbench}}"
  log "peers: PEER_LIST=\"$PEER_LIST_RUN\" run.sh (pgbench 2 x ${PEER_PGBENCH_SECONDS:-20} s)"
  if PEER_LIST="$PEER_LIST_RUN" PEER_RESULTS="$PEERS_JSON" PEER_PORT_BASE="${AXME_BENCH_PEER_PORT_BASE:-18600}" \
      "$PEERS_DIR/run.sh" > "$LOGS/peers.log" 2>&1; then
    sed -n '/^peer /,$p' "$LOGS/peers.log" >&2
  else
    tail -20 "$LOGS/peers.log" >&2; log "pgbench failed; continuing without it"; PEERS_JSON=""
  fi
fi

# 4. The node.
log "starting node on 127.0.0.1:$PORT"
bench_start_node src/Silo/bin/Release/net10.0 "$PORT" axme-bench "$LOGS/node.log" Axme__Api__RateLimitPermits=0 \
  Axme__Delivery__AllowPrivateNetworks=127.0.0.1

( for _ in $(seq 1 120); do echo "=== $(date +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"; top -b -n 1 -w 200 | sed -n '1,5p;7,22p'; sleep 5; done ) \
  > "$LOGS/top.txt" 2>&1 &
TOP_PID=$!

PIDS="silo=$NODE_PID"; [[ -n "$PG_PID" ]] && PIDS+=",postgres=$PG_PID"
args=(--url "http://127.0.0.1:$PORT" --key "$KEY" --pids "$PIDS" --pg-database "$DB" --out "$RESULTS/$STAMP.json"
      --note "commit $COMMIT, $DIRTY uncommitted paths under src/; load average at start of run.sh $LOAD_START")
[[ -n "$PEERS_JSON" ]] && args+=(--peers-results "$PEERS_JSON")
[[ "${AXME_BENCH_SKIP_STREAM:-0}" == 1 ]] && args+=(--stream-agents none)
[[ "${AXME_BENCH_SKIP_HTTP:-0}" == 1 ]] && args+=(--http-agents none)
pg_stat() {  # commit/tuple counters of the node's database (stats reach pg_stat_database within ~1 s)
  [[ -n "$PG_PID" ]] || return 0
  PGPASSWORD=axme "${PSQL[@]}" -d "$DB" -At -F' ' -c "SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_fetched
    FROM pg_stat_database WHERE datname = current_database()" 2>/dev/null || true
}
STAT0="$(pg_stat)"
rc=0
dotnet bench/Axme.Bench/bin/Release/net10.0/Axme.Bench.dll "${args[@]}" "$@" || rc=$?
sleep 2; STAT1="$(pg_stat)"
if [[ -n "$STAT0" && -n "$STAT1" ]]; then
  read -r c0 r0 i0 u0 f0 <<<"$STAT0"; read -r c1 r1 i1 u1 f1 <<<"$STAT1"
  log "node database during the bench (warm-up included): $((c1 - c0)) commits, $((r1 - r0)) rollbacks, $((i1 - i0)) rows inserted, $((u1 - u0)) updated, $((f1 - f0)) fetched"
fi
stop_pid "$TOP_PID" 2; TOP_PID=""
stop_pid "$NODE_PID" 30; NODE_PID=""
log "node log: $(grep -cE '^(fail|crit):' "$LOGS/node.log" || true) fail/crit entries ($LOGS/node.log)"
log "done (exit $rc); results in $RESULTS/$STAMP.json; top snapshots in $LOGS/top.txt"
exit "$rc"
