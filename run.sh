#!/usr/bin/env bash
# Start one Axme.Orleans node in the foreground (installs/starts a private PostgreSQL if needed).
#   ./run.sh [extra args for the silo]
# Env: AXME_PORT (default 8100), AXME_POSTGRES (use an existing server), AXME_PG_PORT (default 55432).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
cd "$REPO"

# shellcheck source=scripts/postgres.sh
source "$REPO/scripts/postgres.sh"
axme_pg_start

if ! command -v dotnet >/dev/null 2>&1; then
  for d in "$HOME/.dotnet" /usr/share/dotnet /usr/lib/dotnet; do
    [[ -x "$d/dotnet" ]] && { export PATH="$d:$PATH"; break; }
  done
fi
command -v dotnet >/dev/null 2>&1 || { echo "ERROR: dotnet SDK not found (need .NET 10 SDK, see global.json)" >&2; exit 1; }

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export AXME_PORT="${AXME_PORT:-8100}"
export AXME_POSTGRES
echo "Axme node: building and starting; will listen on http://localhost:$AXME_PORT (PostgreSQL: ${AXME_POSTGRES%%;Password=*})"
exec dotnet run --project src/Silo/Axme.Silo.csproj -c Release --no-launch-profile -- "$@"
