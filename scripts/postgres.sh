#!/usr/bin/env bash
# Private PostgreSQL for Axme.Orleans development and tests.
#
#   scripts/postgres.sh start|stop|status|url
#   source scripts/postgres.sh && axme_pg_start     # exports AXME_POSTGRES
#
# If AXME_POSTGRES is already set (Npgsql connection string to an existing server),
# it is used as-is and nothing is installed, created or started.
# Otherwise a private cluster lives in $REPO/.data/pg (or $AXME_PG_DATA_ROOT/pg), listens on
# 127.0.0.1:${AXME_PG_PORT:-55432} only, with superuser axme/axme and database axme. (Tests that kill PostgreSQL
# start a second one of their own with AXME_PG_DATA_ROOT and AXME_PG_PORT.)

_axme_pg_repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
AXME_PG_PORT="${AXME_PG_PORT:-55432}"
_axme_pg_data_root="${AXME_PG_DATA_ROOT:-$_axme_pg_repo/.data}"
_axme_pg_data="$_axme_pg_data_root/pg"
_axme_pg_sock="$_axme_pg_data_root/pg-run"
_axme_pg_log="$_axme_pg_data_root/pg.log"
_axme_pg_url="Host=127.0.0.1;Port=$AXME_PG_PORT;Database=axme;Username=axme;Password=axme"

# External server? (AXME_PG_MANAGED marks a value that we exported ourselves.)
if [[ -n "${AXME_POSTGRES:-}" && "${AXME_POSTGRES}" != "${AXME_PG_MANAGED:-}" ]]; then
  _axme_pg_external=1
else
  _axme_pg_external=0
  export AXME_POSTGRES="$_axme_pg_url"
  export AXME_PG_MANAGED="$_axme_pg_url"
fi

_axme_pg_say() { echo "[postgres] $*" >&2; }

# Locate PostgreSQL server binaries (Debian keeps them out of PATH); install if missing.
_axme_pg_find_bin() {
  local d
  if [[ -n "${AXME_PG_BIN:-}" && -x "$AXME_PG_BIN/pg_ctl" ]]; then return 0; fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
    if [[ -x "$d/pg_ctl" && -x "$d/initdb" && -x "$d/postgres" ]]; then AXME_PG_BIN="$d"; return 0; fi
  done
  d="$(command -v pg_ctl 2>/dev/null || true)"
  if [[ -n "$d" ]]; then
    d="$(dirname "$(readlink -f "$d")")"
    if [[ -x "$d/initdb" && -x "$d/postgres" ]]; then AXME_PG_BIN="$d"; return 0; fi
  fi
  return 1
}

_axme_pg_install() {
  _axme_pg_find_bin && return 0
  _axme_pg_say "PostgreSQL not found; installing the Debian 'postgresql' package"
  local sudo=()
  if [[ "$(id -u)" != 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then sudo=(sudo -n); else
      _axme_pg_say "ERROR: need root (or sudo) to apt-get install postgresql, or set AXME_POSTGRES"; return 1
    fi
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q || return 1
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold postgresql || return 1
  _axme_pg_find_bin || { _axme_pg_say "ERROR: postgresql installed but pg_ctl not found"; return 1; }
}

# OS user that owns the cluster: ourselves unless root (initdb refuses root).
_axme_pg_user() {
  if [[ "$(id -u)" != 0 ]]; then id -un; return 0; fi
  if id -u postgres >/dev/null 2>&1; then echo postgres; return 0; fi
  if ! id -u axmepg >/dev/null 2>&1; then
    useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin axmepg >&2 || return 1
  fi
  echo axmepg
}

# Run a command as the cluster owner (from / so the cwd is always accessible).
_axme_pg_as() {
  if [[ "$(id -u)" != 0 ]]; then (cd / && "$@"); else (cd / && runuser -u "$_axme_pg_owner" -- "$@"); fi
}

# Make sure the owner can traverse every ancestor of .data (add o+x only where needed).
_axme_pg_traverse() {
  [[ "$(id -u)" == 0 ]] || return 0
  local d="$_axme_pg_data_root"
  while [[ "$d" != "/" && -n "$d" ]]; do
    if ! runuser -u "$_axme_pg_owner" -- test -x "$d" 2>/dev/null; then
      _axme_pg_say "granting o+x on $d so '$_axme_pg_owner' can reach the data dir"
      chmod o+x "$d" || return 1
    fi
    d="$(dirname "$d")"
  done
}

_axme_pg_ctl() { _axme_pg_as "$AXME_PG_BIN/pg_ctl" -D "$_axme_pg_data" "$@"; }

_axme_pg_running() { _axme_pg_ctl status >/dev/null 2>&1; }

_axme_pg_init() {
  if [[ -f "$_axme_pg_data/PG_VERSION" ]]; then
    local have want
    have="$(cat "$_axme_pg_data/PG_VERSION")"
    want="$("$AXME_PG_BIN/pg_ctl" --version | sed -E 's/^[^)]*\) ([0-9]+).*/\1/')"
    if [[ "$have" != "$want" ]]; then
      _axme_pg_say "ERROR: $_axme_pg_data was created by PostgreSQL $have but binaries are $want; remove .data/pg to recreate"
      return 1
    fi
    return 0
  fi
  _axme_pg_say "initializing private cluster in $_axme_pg_data (owner $_axme_pg_owner)"
  rm -rf "$_axme_pg_data"
  install -d -m 700 -o "$_axme_pg_owner" "$_axme_pg_data"
  local pwfile="$_axme_pg_data_root/.pgpass-init"
  (umask 077 && echo axme >"$pwfile") && chown "$_axme_pg_owner" "$pwfile"
  if ! _axme_pg_as "$AXME_PG_BIN/initdb" -D "$_axme_pg_data" -U axme --pwfile="$pwfile" \
      --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$_axme_pg_data_root/initdb.log" 2>&1; then
    rm -f "$pwfile"; cat "$_axme_pg_data_root/initdb.log" >&2
    _axme_pg_say "ERROR: initdb failed"; rm -rf "$_axme_pg_data"; return 1
  fi
  rm -f "$pwfile"
  echo "include_if_exists = 'axme.conf'" >>"$_axme_pg_data/postgresql.conf"
}

# Settings rewritten on every start so AXME_PG_PORT changes take effect.
_axme_pg_write_conf() {
  local sockdir="$_axme_pg_sock"
  # Unix socket paths are limited to ~107 bytes; fall back to TCP only for very deep repos.
  if (( ${#sockdir} + 20 > 100 )); then sockdir=""; fi
  _axme_pg_as tee "$_axme_pg_data/axme.conf" >/dev/null <<EOF
# Managed by scripts/postgres.sh - overwritten on every start.
listen_addresses = '127.0.0.1'
port = $AXME_PG_PORT
unix_socket_directories = '$sockdir'
max_connections = 300
shared_buffers = 256MB
# In huge pages when the kernel has them reserved (_axme_pg_huge_reserve), else in normal pages.
huge_pages = try
fsync = on
synchronous_commit = on
# WAL sized for the node's write rate (docs/operations/scaling.md): a checkpoint every 1 GB of WAL (the default) came
# every ~30 s under load, each followed by full-page images, and segments were zero-filled anew instead of recycled.
max_wal_size = 4GB
min_wal_size = 1GB
checkpoint_timeout = 15min
wal_compression = lz4
password_encryption = scram-sha-256
logging_collector = off
EOF
}

# Huge pages for PostgreSQL's shared memory (huge_pages = try uses them when the kernel has enough reserved). With 4 kB
# pages every backend that touches the 256 MB of shared buffers maps up to 65,536 of them: page tables of up to 512 kB
# per backend, TLB misses, and a page-table walk for anything that reads its memory map (/proc/PID/smaps_rollup took
# 2.6-5.6 ms per busy backend and 30 ms for the cluster; 2.8 ms with huge pages: docs/operations/scaling.md, ADR 036).
# Run as root with the default AXME_PG_HUGE_PAGES=auto, start reserves what the cluster needs and is not free
# (vm.nr_hugepages), and stop gives back what start added; elsewhere, or with AXME_PG_HUGE_PAGES=off, nothing is
# reserved and PostgreSQL uses normal pages.
_axme_pg_huge_file() { echo "$_axme_pg_data_root/pg-hugepages"; }
_axme_pg_huge_available() { awk '/^HugePages_Free:/ {f = $2} /^HugePages_Rsvd:/ {r = $2} END {print f - r}' /proc/meminfo; }
_axme_pg_huge_reserve() {
  [[ "${AXME_PG_HUGE_PAGES:-auto}" == auto && "$(id -u)" == 0 && -w /proc/sys/vm/nr_hugepages ]] || return 0
  local need total available want got
  need="$(_axme_pg_as "$AXME_PG_BIN/postgres" -D "$_axme_pg_data" -C shared_memory_size_in_huge_pages 2>/dev/null)" || return 0
  [[ "$need" =~ ^[0-9]+$ ]] && ((need > 0)) || return 0
  total="$(cat /proc/sys/vm/nr_hugepages)"
  available="$(_axme_pg_huge_available)"
  ((available < need)) || return 0
  want=$((total + need - available))
  echo "$want" > /proc/sys/vm/nr_hugepages 2>/dev/null || return 0
  got="$(cat /proc/sys/vm/nr_hugepages)"
  # The kernel may find fewer free 2 MB blocks than asked for; PostgreSQL then falls back to normal pages.
  if ((got > total)); then
    echo "$((got - total + $(cat "$(_axme_pg_huge_file)" 2>/dev/null || echo 0)))" > "$(_axme_pg_huge_file)"
    _axme_pg_say "reserved $((got - total)) huge pages for shared memory (vm.nr_hugepages $total -> $got; AXME_PG_HUGE_PAGES=off: none)"
  fi
}
_axme_pg_huge_release() {
  local file added total available give
  file="$(_axme_pg_huge_file)"
  [[ -f "$file" && -w /proc/sys/vm/nr_hugepages ]] || return 0
  added="$(cat "$file")"
  total="$(cat /proc/sys/vm/nr_hugepages)"
  available="$(_axme_pg_huge_available)"
  give=$((added < available ? added : available))
  ((give > 0)) && echo "$((total - give))" > /proc/sys/vm/nr_hugepages 2>/dev/null
  rm -f "$file"
}

# Is $1 a live (non-zombie) postgres process?
_axme_pg_pid_alive() {
  [[ "$1" =~ ^[0-9]+$ ]] && [[ -r "/proc/$1/stat" ]] || return 1
  [[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]] || return 1
  tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q postgres
}

# Handle a postmaster.pid / socket lock left behind by a crash or kill -9.
_axme_pg_clear_stale() {
  local pidfile="$_axme_pg_data/postmaster.pid" pid="" p i f
  if [[ -f "$pidfile" ]]; then
    pid="$(head -n1 "$pidfile" 2>/dev/null || true)"
    if _axme_pg_pid_alive "$pid"; then return 0; fi   # genuinely running
    _axme_pg_say "cleaning up after a postmaster that is gone (pid $pid)"
  fi
  # Orphaned backends of a killed postmaster still hold shared memory; wait, then kill them.
  # (Only postgres processes whose cwd is our data dir; a killed postmaster may also linger as a zombie.)
  for i in $(seq 1 20); do
    local left=() zombie=0
    for p in /proc/[0-9]*; do
      [[ "$(readlink "$p/cwd" 2>/dev/null)" == "$_axme_pg_data" ]] && _axme_pg_pid_alive "${p#/proc/}" && left+=("${p#/proc/}")
    done
    [[ "$pid" =~ ^[0-9]+$ && "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" == Z ]] && zombie=1
    ((${#left[@]} == 0 && zombie == 0)) && break
    if ((i == 20)); then
      ((${#left[@]} == 0)) || kill -9 "${left[@]}" 2>/dev/null || true; sleep 1
    else sleep 0.5; fi
  done
  rm -f "$pidfile"
  for f in "$_axme_pg_sock"/.s.PGSQL.*.lock; do
    [[ -f "$f" ]] || continue
    _axme_pg_pid_alive "$(head -n1 "$f" 2>/dev/null)" || rm -f "$f" "${f%.lock}"
  done
}

axme_pg_start() {
  if [[ "$_axme_pg_external" == 1 ]]; then _axme_pg_say "using external AXME_POSTGRES"; return 0; fi
  _axme_pg_install || return 1
  _axme_pg_owner="$(_axme_pg_user)" || return 1
  mkdir -p "$_axme_pg_data_root"
  _axme_pg_traverse || return 1
  _axme_pg_init || return 1
  install -d -m 700 -o "$_axme_pg_owner" "$_axme_pg_sock"
  [[ -f "$_axme_pg_log" ]] || : >"$_axme_pg_log"
  chown "$_axme_pg_owner" "$_axme_pg_log"
  _axme_pg_write_conf || return 1
  if _axme_pg_running; then
    _axme_pg_clear_stale
  fi
  if _axme_pg_running && [[ "$(sed -n 4p "$_axme_pg_data/postmaster.pid" 2>/dev/null)" != "$AXME_PG_PORT" ]]; then
    _axme_pg_say "running on another port; restarting on $AXME_PG_PORT"
    _axme_pg_ctl stop -m fast -w -t 60 >/dev/null || return 1
  fi
  if ! _axme_pg_running; then
    _axme_pg_clear_stale
    _axme_pg_huge_reserve
    _axme_pg_say "starting on 127.0.0.1:$AXME_PG_PORT (log: $_axme_pg_log)"
    if ! _axme_pg_ctl start -w -t 60 -l "$_axme_pg_log" >/dev/null 2>&1; then
      _axme_pg_say "ERROR: PostgreSQL did not start; last log lines:"
      tail -n 30 "$_axme_pg_log" >&2
      if grep -q 'Address already in use' <(tail -n 30 "$_axme_pg_log"); then
        _axme_pg_say "port $AXME_PG_PORT is taken by another process; set AXME_PG_PORT to a free port"
      fi
      return 1
    fi
  fi
  local i
  for i in $(seq 1 60); do
    "$AXME_PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$AXME_PG_PORT" -d postgres && break
    if ((i == 60)); then
      _axme_pg_say "ERROR: pg_isready did not answer within 60 s; last log lines:"
      tail -n 30 "$_axme_pg_log" >&2; return 1
    fi
    sleep 1
  done
  local psql=("$AXME_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$AXME_PG_PORT" -U axme -d postgres)
  if [[ "$(PGPASSWORD=axme "${psql[@]}" -tAc "select 1 from pg_database where datname = 'axme'")" != 1 ]]; then
    PGPASSWORD=axme "${psql[@]}" -c 'create database axme' >/dev/null || return 1
    _axme_pg_say "created database axme"
  fi
  export AXME_POSTGRES="$_axme_pg_url" AXME_PG_MANAGED="$_axme_pg_url"
}

axme_pg_stop() {
  if [[ "$_axme_pg_external" == 1 ]]; then _axme_pg_say "using external AXME_POSTGRES; nothing to stop"; return 0; fi
  _axme_pg_find_bin || { _axme_pg_say "PostgreSQL not installed"; return 0; }
  _axme_pg_owner="$(_axme_pg_user)" || return 1
  [[ -f "$_axme_pg_data/PG_VERSION" ]] || { _axme_pg_say "no cluster in $_axme_pg_data"; return 0; }
  if _axme_pg_running; then
    _axme_pg_ctl stop -m fast -w -t 60 >/dev/null && _axme_pg_say "stopped"
    _axme_pg_huge_release
  else
    _axme_pg_clear_stale
    _axme_pg_say "not running"
  fi
}

axme_pg_status() {
  if [[ "$_axme_pg_external" == 1 ]]; then
    echo "external: $AXME_POSTGRES"; return 0
  fi
  if ! _axme_pg_find_bin || [[ ! -f "$_axme_pg_data/PG_VERSION" ]]; then
    echo "not initialized ($_axme_pg_data)"; return 3
  fi
  _axme_pg_owner="$(_axme_pg_user)" || return 1
  if _axme_pg_running && "$AXME_PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$AXME_PG_PORT" -d postgres; then
    echo "running: 127.0.0.1:$AXME_PG_PORT data=$_axme_pg_data"; return 0
  fi
  echo "stopped: data=$_axme_pg_data"; return 3
}

axme_pg_url() { echo "$AXME_POSTGRES"; }

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  case "${1:-}" in
    start) axme_pg_start; echo "$AXME_POSTGRES" ;;
    stop) axme_pg_stop ;;
    status) axme_pg_status ;;
    url) axme_pg_url ;;
    *) echo "usage: $0 start|stop|status|url" >&2; exit 2 ;;
  esac
fi
