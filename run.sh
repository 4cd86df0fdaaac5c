#!/usr/bin/env bash
# Start one Axme.Orleans node in the foreground (installs/starts a private PostgreSQL if needed).
#   ./run.sh [extra args for the silo]
# Env: AXME_PORT (default 8100), AXME_POSTGRES (use an existing server), AXME_PG_PORT (default 55432),
#      AXME_KEYRING_CERT (default .data/keyring.pfx, created on first start).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
cd "$REPO"

# shellcheck source=scripts/postgres.sh
source "$REPO/scripts/postgres.sh"
axme_pg_start

source "$REPO/scripts/dotnet-env.sh"
export AXME_PORT="${AXME_PORT:-8100}"
export AXME_POSTGRES
# The Data Protection key ring is encrypted to a certificate kept outside the database (ADR 017): made here, 0600, on first start.
export AXME_KEYRING_CERT="${AXME_KEYRING_CERT:-$REPO/.data/keyring.pfx}"
export AXME_KEYRING_CREATE="${AXME_KEYRING_CREATE:-true}"
# Every SSE listener holds a socket: raise the soft file-descriptor limit to the hard one (10,000 listeners need more
# than the usual 1,024), and say so when even that is low.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [[ "$(ulimit -n)" != unlimited && "$(ulimit -n)" -lt 65536 ]]; then
  echo "Axme node: file-descriptor limit is $(ulimit -n); raise the hard limit (ulimit -Hn, LimitNOFILE) to hold more live streams" >&2
fi
echo "Axme node: building and starting; will listen on http://localhost:$AXME_PORT (PostgreSQL: ${AXME_POSTGRES%%;Password=*})"
exec dotnet run --project src/Silo/Axme.Silo.csproj -c Release --no-launch-profile -- "$@"
