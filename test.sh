#!/usr/bin/env bash
# Build and run every test. Extra args go to `dotnet test` (e.g. ./test.sh --filter Name~Foo).
# Env: AXME_POSTGRES (use an existing server), AXME_PG_PORT (default 55432). Installs chromium when absent (browser tests).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
cd "$REPO"

# shellcheck source=scripts/postgres.sh
source "$REPO/scripts/postgres.sh"
axme_pg_start
export AXME_TEST_POSTGRES="$AXME_POSTGRES"

# The browser tests (tests/Axme.Browser.Tests) drive Debian's chromium; install it once, quietly.
if ! command -v chromium >/dev/null 2>&1; then
  echo "[test] installing chromium (browser tests)" >&2
  sudo=(); [[ "$(id -u)" == 0 ]] || sudo=(sudo -n)
  log="$(mktemp)"
  if ! { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q \
      && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "[test] could not install chromium; the browser tests will fail" >&2
  fi
  rm -f "$log"
fi

source "$REPO/scripts/dotnet-env.sh"

if ! dotnet build Axme.Orleans.sln -c Release; then
  echo "Tests: 0 passed, 0 failed (build failed)"
  exit 1
fi

results="$REPO/.data/test-results"
rm -rf "$results"
mkdir -p "$results"

rc=0
dotnet test Axme.Orleans.sln -c Release --no-build \
  --logger "trx;LogFilePrefix=axme" --results-directory "$results" "$@" || rc=$?

# Sum <Counters .../> over all trx files of this run.
attr() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$2"; }
total=0 passed=0 failed=0 skipped=0 files=0
while IFS= read -r -d '' f; do
  files=$((files + 1))
  c="$(grep -o '<Counters [^>]*>' "$f" | head -n1 || true)"
  [[ -n "$c" ]] || continue
  c=" ${c#<Counters }"
  total=$((total + $(attr total "$c" || true) + 0))
  passed=$((passed + $(attr passed "$c" || true) + 0))
  for a in failed error timeout aborted; do failed=$((failed + $(attr "$a" "$c" || true) + 0)); done
  skipped=$((skipped + $(attr notExecuted "$c" || true) + 0))
done < <(find "$results" -name '*.trx' -print0)

summary="Tests: $passed passed, $failed failed"
((skipped > 0)) && summary+=", $skipped skipped"
echo
echo "$summary"

if ((rc != 0)); then echo "dotnet test exited with $rc" >&2; exit "$rc"; fi
if ((failed > 0)); then exit 1; fi
if ((files == 0 || passed + failed == 0)); then echo "no tests ran" >&2; exit 1; fi
exit 0
