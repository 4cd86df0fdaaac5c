#!/usr/bin/env bash
# Sourced by run.sh and test.sh: finds the .NET SDK (also when it is not on PATH) and quiets its first-run output.
if ! command -v dotnet >/dev/null 2>&1; then
  for d in "$HOME/.dotnet" /usr/share/dotnet /usr/lib/dotnet; do
    [[ -x "$d/dotnet" ]] && { export PATH="$d:$PATH"; break; }
  done
fi
command -v dotnet >/dev/null 2>&1 || { echo "ERROR: dotnet SDK not found (need .NET 10 SDK, see global.json)" >&2; exit 1; }
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
