#!/usr/bin/env bash
# Looks inside one node under the approval round trip (the peers' harness adapter), for the measurements behind
# docs/benchmarks.md that the peers' table cannot show:
#
#   bench/node-probe.sh c1 [N]              # warm-up, then N (1500) round trips at C=1, each timed by phase (bench/c1-probe.mjs);
#                                           # then N more under the harness' resource monitor (its samples block the driver)
#   bench/node-probe.sh timeline [N]        # warm-up, then N (1000) round trips at C=1 timed hop by hop from the driver
#                                           # (bench/c1-timeline.mjs): when the delivery, the task, the answers arrive
#   bench/node-probe.sh memory [BLOCKS] [N] # BLOCKS (4) x N (12500) round trips + N submit-only at C=32, a gcdump after each
#   bench/node-probe.sh rate [N] [R]        # warm-up, then R (3) runs of N (6000) round trips at C=32: round trips/s and CPU
#                                           # ms per round trip of the node and of PostgreSQL (for A/B runs of node settings;
#                                           # the CPU includes the driver's submit-only phase and its drain)
#   bench/node-probe.sh cpu [N]             # warm-up (20000), then N (6000) round trips at C=32 under perf (needs perf and root):
#                                           # where the node's and PostgreSQL's CPU goes, by symbol and, for the silo,
#                                           # by owning library (bench/perf-owners.py) (cpu-*.txt)
#   bench/node-probe.sh cpu-submit [N]      # the same for N (20000) submit-only applies at C=32 (bench/submit-probe.mjs)
#   bench/node-probe.sh alloc [N] [R]       # warm-up (20000 submits), then R (2) runs of N (20000) submit-only applies at C=32
#                                           # with their agent answering (bench/submit-probe.mjs): KB the node allocated and
#                                           # GCs per submit (/metrics: steadier than CPU on this machine), CPU ms per submit
#   bench/node-probe.sh apply [N] [R]       # the accept path alone: R (3) runs of N (20000) applies at C=32 to an agent
#                                           # nobody listens to (bench/apply-probe.mjs): applies/s, CPU ms per apply;
#                                           # AXME_APPLY_MODE=start: the same bundle registered once and started by id
#
# With dotnet-counters / dotnet-gcdump on PATH or in $AXME_DOTNET_TOOLS (dotnet tool install --tool-path DIR ...):
# c1 records System.Runtime counters during the probe (JIT time, GC pauses: counters.csv); memory needs dotnet-gcdump
# (it forces a full GC, so the live heap it reports is what is really kept). Env: AXME_PROBE_PORT (8195),
# AXME_PROBE_DB (axme_probe, recreated), AXME_PROBE_WARM (10000 round trips at C=32 before c1), AXME_PEERS_PEERS
# (/work/shared/bench/peers); other env (DOTNET_*, Axme__*) reaches the node. Output in .data/bench/<stamp>-probe/.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$REPO"
MODE="${1:-c1}"
PORT="${AXME_PROBE_PORT:-8195}"
DB="${AXME_PROBE_DB:-axme_probe}"
KEY="axme-probe-$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
PEERS_DIR="$REPO/.data/bench-peers"
OUT="$REPO/.data/bench/$(date -u +%Y-%m-%dT%H%M%SZ)-probe"
mkdir -p "$OUT"
export PATH="${AXME_DOTNET_TOOLS:+$AXME_DOTNET_TOOLS:}$PATH"
# shellcheck source=lib.sh
source "$REPO/bench/lib.sh"
NODE_PID=""
trap 'stop_pid "$NODE_PID" 30' EXIT

port_busy "$PORT" && die "port $PORT on 127.0.0.1 is in use; set AXME_PROBE_PORT"
bench_database "$DB"
dotnet build src/Silo/Axme.Silo.csproj -c Release > "$OUT/build.log" 2>&1 || { tail -30 "$OUT/build.log" >&2; die "silo build failed"; }
bench_peers_copy "${AXME_PEERS_PEERS:-/work/shared/bench/peers}" "$PEERS_DIR" "$OUT/peers-setup.log"
# perf symbolises JIT code from the node's perf map only when that code is in anonymous memory: without W^X, whose
# double mapping (memfd:doublemapper) perf takes for a file.
[[ "$MODE" == cpu* ]] && export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
bench_start_node src/Silo/bin/Release/net10.0 "$PORT" axme-probe "$OUT/node.log"
export AXME_BASE_URL="http://127.0.0.1:$PORT" AXME_API_KEY="$KEY" AXME_PEERS_LIB="$PEERS_DIR/lib"
cpu_ticks() { bench_cpu_ticks "$NODE_PID"; } # CPU ticks of the node, and of every postgres process
drive() { node "$PEERS_DIR/lib/bench.mjs" --peer axme --name "$1" --n "$2" --c "$3" --warmup 0 --timeout 300 --out "$OUT/$1.json" > "$OUT/$1.log" 2>&1; }
warm_for_c1() { # AXME_PROBE_WARM round trips at C=32, then 500 at C=1, then the warm-up's writes to disk
  local warm="${AXME_PROBE_WARM:-10000}"
  log "warming: $warm round trips at C=32, then 500 at C=1"
  drive warm $(((warm + 1) / 2)) 32
  drive warm-c1 500 1
  bench_settle_disk
}

case "$MODE" in
  c1)
    warm_for_c1
    COUNTERS=""
    if command -v dotnet-counters >/dev/null; then
      dotnet-counters collect -p "$NODE_PID" --counters System.Runtime --format csv -o "$OUT/counters.csv" --refresh-interval 1 > /dev/null 2>&1 &
      COUNTERS=$!
      sleep 2
    fi
    log "probe: ${2:-1500} round trips at C=1 (slow ones listed)"
    node bench/c1-probe.mjs "${2:-1500}" | tee "$OUT/probe.log"
    if [[ -n "${PG_PID:-}" ]]; then
      log "probe again with the harness' resource monitor sampling the node and PostgreSQL on the driver's event loop"
      AXME_PROBE_MONITOR="node=$NODE_PID,postgres=$PG_PID" node bench/c1-probe.mjs "${2:-1500}" | tee "$OUT/probe-monitored.log"
      log "what one memory sample of that monitor costs, process by process:"
      node bench/monitor-cost.mjs "$PEERS_DIR/lib/proc.mjs" "node=$NODE_PID" "postgres=$PG_PID" | tee "$OUT/monitor-cost.log"
    fi
    if [[ -n "$COUNTERS" ]]; then
      stop_pid "$COUNTERS" 5
      log "GC pauses during the probe (s of pause in each second that had one):"
      if [[ -s "$OUT/counters.csv" ]]; then
        awk -F, '/dotnet.gc.pause.time/ && $5 > 0 {printf "  %s %.1f ms\n", $1, $5 * 1000}' "$OUT/counters.csv" >&2
      else
        log "  (dotnet-counters wrote nothing: a probe of a few seconds can end before its first sample)"
      fi
    fi
    ;;
  timeline)
    warm_for_c1
    node bench/c1-timeline.mjs "${2:-1000}" | tee "$OUT/timeline.log"
    ;;
  memory)
    command -v dotnet-gcdump >/dev/null || die "dotnet-gcdump not found (PATH or AXME_DOTNET_TOOLS)"
    for ((b = 1; b <= ${2:-4}; b++)); do
      drive "block$b" "${3:-12500}" 32
      sleep 35 # finished intents go idle (15 s), released stream observers (30 s)
      dotnet-gcdump collect -p "$NODE_PID" -o "$OUT/block$b.gcdump" > /dev/null 2>&1
      heap="$(dotnet-gcdump report "$OUT/block$b.gcdump" | sed -n '1,2p' | awk '{print $1}' | paste -sd' ' | awk '{print "live heap " $1 " bytes in " $2 " objects"}')"
      rate="$(node -e 'const r = require(process.argv[1]); console.log(`${r.roundtrip.ops_per_s} round trips/s, ${r.submit_only.ops_per_s} submits/s`)' "$OUT/block$b.json")"
      log "block $b: $rate; $heap; RSS $(awk '/^VmRSS/ {print $2, $3}' "/proc/$NODE_PID/status")"
    done
    ;;
  apply)
    node bench/apply-probe.mjs 10000 32 > "$OUT/apply-warm.log" 2>&1
    for ((r = 1; r <= ${3:-3}; r++)); do
      mapfile -t before < <(cpu_ticks)
      res="$(node bench/apply-probe.mjs "${2:-20000}" 32)"
      mapfile -t after < <(cpu_ticks)
      node -e '
        const [res, n, hz, nb, na, pb, pa] = process.argv.slice(1); const r = JSON.parse(res);
        const ms = (a, b) => ((b - a) / hz * 1000 / n).toFixed(2);
        console.log(`run (${r.mode}): ${r.per_s} applies/s, ${r.errors} errors; CPU per apply: node ${ms(nb, na)} ms, PostgreSQL ${ms(pb, pa)} ms`);
      ' "$res" "${2:-20000}" "$(getconf CLK_TCK)" "${before[0]}" "${after[0]}" "${before[1]}" "${after[1]}" | tee -a "$OUT/apply.txt" >&2
    done
    ;;
  alloc)
    node bench/submit-probe.mjs 20000 32 > "$OUT/alloc-warm.log" 2>&1
    # The runtime's allocated-bytes and collection counters, summed over generations (OpenTelemetry runtime metrics).
    gc_totals() { curl -sf -H "x-api-key: $KEY" "$AXME_BASE_URL/metrics" | awk '/^dotnet_gc_heap_total_allocated_bytes_total/ {a = $NF} /^dotnet_gc_collections_total/ {g += $NF} END {print a, g}'; }
    for ((r = 1; r <= ${3:-2}; r++)); do
      read -r a0 g0 < <(gc_totals)
      mapfile -t before < <(cpu_ticks)
      res="$(node bench/submit-probe.mjs "${2:-20000}" 32)"
      mapfile -t after < <(cpu_ticks)
      read -r a1 g1 < <(gc_totals)
      node -e '
        const [res, n, hz, a0, a1, g0, g1, nb, na, pb, pa] = process.argv.slice(1); const r = JSON.parse(res);
        const ms = (a, b) => ((b - a) / hz * 1000 / n).toFixed(2);
        console.log(`run: ${r.per_s} submits/s, ${r.errors} errors; per submit: ${((a1 - a0) / n / 1024).toFixed(1)} KB allocated, ${g1 - g0} GCs in all; CPU per submit: node ${ms(nb, na)} ms, PostgreSQL ${ms(pb, pa)} ms`);
      ' "$res" "${2:-20000}" "$(getconf CLK_TCK)" "$a0" "$a1" "$g0" "$g1" "${before[0]}" "${after[0]}" "${before[1]}" "${after[1]}" | tee -a "$OUT/alloc.txt" >&2
    done
    ;;
  rate)
    warm="${AXME_PROBE_WARM:-10000}"
    log "warming: $warm round trips at C=32"
    drive warm $(((warm + 1) / 2)) 32
    hz="$(getconf CLK_TCK)"
    for ((r = 1; r <= ${3:-3}; r++)); do
      mapfile -t before < <(cpu_ticks)
      drive "rate$r" "${2:-6000}" 32
      mapfile -t after < <(cpu_ticks)
      node -e '
        const [file, n, hz, nb, na, pb, pa] = process.argv.slice(1); const r = require(file).roundtrip;
        const ms = (a, b) => ((b - a) / hz * 1000 / n).toFixed(2);
        console.log(`run: ${r.ops_per_s} round trips/s, p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms; CPU per round trip: node ${ms(nb, na)} ms, PostgreSQL ${ms(pb, pa)} ms (round trips, then as many submit-only and their drain)`);
      ' "$OUT/rate$r.json" "${2:-6000}" "$hz" "${before[0]}" "${after[0]}" "${before[1]}" "${after[1]}" | tee -a "$OUT/rate.txt" >&2
    done
    ;;
  cpu | cpu-submit)
    command -v perf >/dev/null || die "perf not found (Debian linux-perf)"
    # 20,000: after 10,000 (5,000 round trips and 5,000 applies) the JIT still took ~10 % of the machine in the profile
    # (dotnet-counters: 1-1.4 s of JIT time per 2 s until ~10,000 round trips, then near 0; 2026-12-06).
    warm="${AXME_PROBE_WARM:-20000}"
    log "warming: $warm round trips at C=32"
    drive warm $(((warm + 1) / 2)) 32
    log "profiling ($MODE) at C=32 (perf record -a -g -F 999)"
    perf record -a -g -F 999 -o "$OUT/perf.data" > "$OUT/perf-record.log" 2>&1 &
    PERF=$!
    sleep 1
    if [[ "$MODE" == cpu ]]; then drive profiled "${2:-6000}" 32
    else node bench/submit-probe.mjs "${2:-20000}" 32 | tee "$OUT/submit-probe.json" >&2; fi
    kill -INT "$PERF"; wait "$PERF" || true
    # JIT code is symbolised from the node's perf map (DOTNET_PerfMapEnabled=1 at its start).
    perf report -i "$OUT/perf.data" --no-children --sort comm,dso,sym --percent-limit 0.2 --stdio -g none 2> /dev/null \
      | grep '%' > "$OUT/cpu-symbols.txt" || true
    perf report -i "$OUT/perf.data" --no-children --sort comm --stdio -g none 2> /dev/null | grep '%' > "$OUT/cpu-by-process.txt" || true
    [[ "$MODE" == cpu ]] && node -e 'const r = require(process.argv[1]); console.log(`${r.roundtrip.ops_per_s} round trips/s`)' "$OUT/profiled.json" >&2
    log "by process:"; cat "$OUT/cpu-by-process.txt" >&2
    # The silo's thread-pool samples by owning library (flat by symbol: this says whose work it is).
    bench/perf-owners.py "$OUT/perf.data" > "$OUT/cpu-owners.txt" 2>&1 || true
    log "the silo's workers by owner:"; head -12 "$OUT/cpu-owners.txt" >&2
    log "top symbols: $OUT/cpu-symbols.txt; owners and our top methods: $OUT/cpu-owners.txt"
    ;;
  *) die "mode: c1, timeline, memory, rate, alloc, apply, cpu or cpu-submit" ;;
esac
log "output in $OUT"
