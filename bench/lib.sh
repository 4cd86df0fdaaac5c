# Shared by bench/run.sh and bench/peers.sh (sourced, not run): logging, stopping what a script started, the
# node's fresh database on the repo's private PostgreSQL, the writable copy of the peers' harness, waiting for a node.

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

stop_pid() {  # TERM, wait up to $2 s, then KILL; only PIDs this script started
  local pid="$1" i
  [[ -n "$pid" ]] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < ${2:-30} * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# bench_database DB [EXTRA]: starts the repo's PostgreSQL (scripts/postgres.sh) and, when it is the private one,
# recreates database DB for the node. Sets NODE_PG (the node's connection string, EXTRA appended), PG_PID (the
# postmaster, for CPU accounting; empty for an external server) and PSQL (psql on database postgres).
bench_database() {
  local db="$1" extra="${2:-}"
  # shellcheck source=../scripts/postgres.sh
  source "$REPO/scripts/postgres.sh"
  axme_pg_start
  export AXME_POSTGRES
  PG_PID=""
  if [[ "${AXME_PG_MANAGED:-}" == "$AXME_POSTGRES" ]]; then
    PSQL=("$AXME_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$AXME_PG_PORT" -U axme -d postgres)
    PGPASSWORD=axme "${PSQL[@]}" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
    NODE_PG="${AXME_POSTGRES/Database=axme;/Database=$db;}${extra:+;$extra}"
    PG_PID="$(head -n1 "$REPO/.data/pg/postmaster.pid")"
    log "node database: $db (fresh) on 127.0.0.1:$AXME_PG_PORT, postmaster pid $PG_PID${extra:+; extra connection settings: $extra}"
  else
    NODE_PG="$AXME_POSTGRES"
    log "external AXME_POSTGRES: used as-is (not recreated; no PostgreSQL counters or CPU accounting)"
  fi
}

# bench_settle_disk: after a warm-up, what it wrote goes to disk before anything is measured. The warm-up writes
# ~150 MB of table pages at C=32 (relation extension leaves them dirty in the page cache); Linux writes an inode's
# dirty pages back 30 s after it first became dirty (vm.dirty_expire_centisecs), in one burst, and PostgreSQL's WAL
# fsyncs queue behind that burst for ~100 ms (seen with perf: kworker writeback, the node idle; /proc/meminfo
# Writeback 130 MB). Without this the burst of the warm-up lands in whichever measured phase runs 30 s later. The
# same as the CHECKPOINT pgbench-style runs take before measuring; the measured load's own writeback stays in.
bench_settle_disk() {
  if [[ -n "${PG_PID:-}" ]]; then PGPASSWORD=axme "${PSQL[@]}" -c "CHECKPOINT"; fi
  sync
}

# bench_peers_copy SRC DIR LOGFILE: the peers' harness in a writable folder (SRC may be read-only; node_modules is
# kept between runs), set up by its own setup.sh (npm ci the first time).
bench_peers_copy() {
  local src="$1" dir="$2" logfile="$3"
  [[ -x "$src/run.sh" ]] || die "peers harness not found at $src"
  mkdir -p "$dir"
  (cd "$src" && tar cf - --exclude=node_modules --exclude=results.json .) | (cd "$dir" && tar xf -)
  chmod -R u+w "$dir"
  log "peers: setup.sh (npm ci only the first time) in $dir"
  (cd "$dir" && ./setup.sh) > "$logfile" 2>&1 || { tail -20 "$logfile" >&2; die "peers setup.sh failed"; }
}

# bench_wait_healthy PID PORT LOGFILE: until the node answers /health, or die with its log.
bench_wait_healthy() {
  local pid="$1" port="$2" logfile="$3" i
  for ((i = 0; ; i++)); do
    kill -0 "$pid" 2>/dev/null || { tail -30 "$logfile" >&2; die "node exited during start"; }
    [[ "$(curl -s -o /dev/null -w '%{http_code}' -m 2 "http://127.0.0.1:$port/health")" == 200 ]] && break
    ((i < 240)) || { tail -30 "$logfile" >&2; die "node not healthy after 120 s"; }
    sleep 0.5
  done
  log "node healthy (pid $pid)"
}

# bench_cpu_ticks PID: CPU ticks (utime + stime) of that process, then of every postgres process, one per line.
bench_cpu_ticks() {
  awk '{print $14 + $15}' "/proc/$1/stat"
  cat /proc/[0-9]*/stat 2> /dev/null | awk '$2 == "(postgres)" {t += $14 + $15} END {print t}'
}

# bench_start_node DIR PORT ID LOGFILE [ENV=VALUE ...]: a node from DIR (its Axme.Silo.dll) on 127.0.0.1:PORT, admin key
# $KEY, database $NODE_PG (bench_database), cluster and service id ID, the repo's key ring; the extra env for this node
# only. NODE_PID is its pid from the start (for the caller's cleanup); returns once /health answers.
bench_start_node() {
  local dir="$1" port="$2" id="$3" logfile="$4"
  shift 4
  env AXME_HOST=127.0.0.1 AXME_PORT="$port" AXME_ADMIN_KEY="$KEY" AXME_POSTGRES="$NODE_PG" AXME_CLUSTER_ID="$id" AXME_SERVICE_ID="$id"     AXME_KEYRING_CERT="$REPO/.data/keyring.pfx" AXME_KEYRING_CREATE=true "$@" dotnet "$dir/Axme.Silo.dll" > "$logfile" 2>&1 &
  NODE_PID=$!
  bench_wait_healthy "$NODE_PID" "$port" "$logfile"
}
