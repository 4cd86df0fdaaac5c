#!/usr/bin/env bash
# A/B of two silo builds (folders holding Axme.Silo.dll, e.g. copies of src/Silo/bin/Release/net10.0 made at two commits)
# on this machine, whose pace drifts by a fifth within minutes: figures only compare within one run.
#
#   bench/builds-ab.sh c1 DIR_A DIR_B [N]    # both nodes up at once, each warmed (3,000 round trips at C=32, 500 at C=1),
#                                            # then N (1000) round trips each at C=1, alternated trip by trip
#                                            # (bench/c1-pair.mjs): p50/p90/p99 of each, the median of the paired differences
#   bench/builds-ab.sh c32 DIR_A DIR_B [R]   # R (2) pairs of runs, A then B, one node at a time: 5,000 round trips of
#                                            # warm-up, then the harness' driver for 6,000 round trips at C=32 and as many
#                                            # submit-only: round trips/s, submit-only/s, node and PostgreSQL CPU ms per round
#                                            # trip, intent write batches per round trip (/metrics)
#   bench/builds-ab.sh submit DIR_A DIR_B [R] [N]  # R (2) rounds, A then B, one node at a time: 20,000 submit-only applies of
#                                            # warm-up, then two runs of N (20000) at C=32 (bench/submit-probe.mjs, its agent
#                                            # answering each step): submits/s, node and PostgreSQL CPU ms per submit, and
#                                            # how often the agent's stream read its deliveries from the rows (index scans)
#
# Nodes on 127.0.0.1:${AXME_AB_PORT:-8196} (and the port after it), databases axme_ab_a / axme_ab_b (recreated), the
# repo's PostgreSQL (scripts/postgres.sh). Other env (DOTNET_*, Axme__*) reaches both nodes.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$REPO"
MODE="${1:?mode: c1, c32 or submit}"; A="${2:?build folder A}"; B="${3:?build folder B}"
PORT="${AXME_AB_PORT:-8196}"
KEY="axme-ab-$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
PEERS_DIR="$REPO/.data/bench-peers"
OUT="$REPO/.data/bench/$(date -u +%Y-%m-%dT%H%M%SZ)-ab"
mkdir -p "$OUT"
# shellcheck source=lib.sh
source "$REPO/bench/lib.sh"
source "$REPO/scripts/dotnet-env.sh"
PIDS=()
NODE_PID=""
trap 'for p in "${PIDS[@]}" "$NODE_PID"; do stop_pid "$p" 30; done' EXIT
for d in "$A" "$B"; do [[ -f "$d/Axme.Silo.dll" ]] || die "no Axme.Silo.dll in $d"; done
bench_peers_copy "${AXME_PEERS_PEERS:-/work/shared/bench/peers}" "$PEERS_DIR" "$OUT/peers-setup.log"
export AXME_PEERS_LIB="$PEERS_DIR/lib"

start() { # start DIR PORT DB: a node from DIR; its pid in NODE_PID
  port_busy "$2" && die "port $2 on 127.0.0.1 is in use; set AXME_AB_PORT"
  bench_database "$3"
  bench_start_node "$1" "$2" "$3" "$OUT/node-$3.log"
  PIDS+=("$NODE_PID")
}
drive() { # drive PORT NAME N C: the harness' driver against the node on PORT
  AXME_BASE_URL="http://127.0.0.1:$1" AXME_API_KEY="$KEY" node "$PEERS_DIR/lib/bench.mjs" --peer axme --name "$2" --n "$3" --c "$4" \
    --warmup 0 --timeout 300 --out "$OUT/$2.json" > "$OUT/$2.log" 2>&1
}
batches() { curl -s -H "x-api-key: $KEY" "http://127.0.0.1:$1/metrics" | awk '/axme_intents_store_batch_count\{.*kind="write"/ {c = $NF} END {print c + 0}'; }

case "$MODE" in
  c1)
    start "$A" "$PORT" axme_ab_a
    start "$B" "$((PORT + 1))" axme_ab_b
    for p in "$PORT" "$((PORT + 1))"; do drive "$p" "warm-$p" 3000 32; drive "$p" "warm1-$p" 500 1; done
    log "A = $A, B = $B: ${4:-1000} round trips each at C=1, alternated"
    node bench/c1-pair.mjs "${4:-1000}" "http://127.0.0.1:$PORT" "$KEY" "http://127.0.0.1:$((PORT + 1))" "$KEY" | tee "$OUT/pair.txt"
    ;;
  c32)
    hz="$(getconf CLK_TCK)"
    for ((r = 1; r <= ${4:-2}; r++)); do
      for side in A B; do
        dir="$A"; [[ "$side" == B ]] && dir="$B"
        start "$dir" "$PORT" "axme_ab_$(tr 'AB' 'ab' <<< "$side")"
        drive "$PORT" "warm-$side$r" 5000 32
        c0="$(batches "$PORT")"; mapfile -t t0 < <(bench_cpu_ticks "$NODE_PID")
        drive "$PORT" "run-$side$r" 6000 32
        c1="$(batches "$PORT")"; mapfile -t t1 < <(bench_cpu_ticks "$NODE_PID")
        node -e '
          const [side, file, hz, c0, c1, n0, n1, p0, p1] = process.argv.slice(1); const r = require(file), N = 6000;
          const ms = (a, b) => ((b - a) / hz * 1000 / N).toFixed(2);
          console.log(`${side}: ${r.roundtrip.ops_per_s} round trips/s, submit-only ${r.submit_only.ops_per_s}/s; CPU per round trip: node ${ms(n0, n1)} ms, PostgreSQL ${ms(p0, p1)} ms; write batches per round trip ${((c1 - c0) / N).toFixed(2)}`);
        ' "$side$r" "$OUT/run-$side$r.json" "$hz" "$c0" "$c1" "${t0[0]}" "${t1[0]}" "${t0[1]}" "${t1[1]}" | tee -a "$OUT/c32.txt"
        stop_pid "$NODE_PID" 30
      done
    done
    ;;
  submit)
    hz="$(getconf CLK_TCK)"; n="${5:-20000}"
    # Index scans of the never-handed-out deliveries: one per read of an agent's rows by its stream (ADR 037, 042).
    # (After 1.5 s: backends report their statistics at most once a second.)
    reads() { sleep 1.5; PGPASSWORD=axme "${PSQL[@]}" -At -d "$1" -c \
      "SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = 'ix_axme_intents_agent_queued'"; }
    for ((r = 1; r <= ${4:-2}; r++)); do
      for side in A B; do
        dir="$A"; [[ "$side" == B ]] && dir="$B"
        db="axme_ab_$(tr 'AB' 'ab' <<< "$side")"
        start "$dir" "$PORT" "$db"
        AXME_BASE_URL="http://127.0.0.1:$PORT" AXME_API_KEY="$KEY" node bench/submit-probe.mjs 20000 32 > "$OUT/warm-$side$r.json"
        for run in 1 2; do
          q0="$(reads "$db")"; mapfile -t t0 < <(bench_cpu_ticks "$NODE_PID")
          res="$(AXME_BASE_URL="http://127.0.0.1:$PORT" AXME_API_KEY="$KEY" node bench/submit-probe.mjs "$n" 32)"
          mapfile -t t1 < <(bench_cpu_ticks "$NODE_PID"); q1="$(reads "$db")"
          node -e '
            const [side, res, n, hz, q0, q1, n0, n1, p0, p1] = process.argv.slice(1); const r = JSON.parse(res);
            const ms = (a, b) => ((b - a) / hz * 1000 / n).toFixed(3);
            console.log(`${side}: ${r.per_s} submits/s, ${r.errors} errors; CPU per submit: node ${ms(n0, n1)} ms, PostgreSQL ${ms(p0, p1)} ms; stream reads of the rows ${q1 - q0}`);
          ' "$side$r.$run" "$res" "$n" "$hz" "$q0" "$q1" "${t0[0]}" "${t1[0]}" "${t0[1]}" "${t1[1]}" | tee -a "$OUT/submit.txt"
        done
        stop_pid "$NODE_PID" 30
      done
    done
    ;;
  *) die "mode: c1, c32 or submit" ;;
esac
log "output in $OUT"
