#!/usr/bin/env bash
# The input fuzzer of the test suite (tests/Axme.Api.Tests/Fuzz) at a larger count: every operation of the node's
# OpenAPI document with malformed and adversarial requests against a real node (no 5xx, no write by a refused request,
# MCP never -32603). CI runs scale 1 (~3,200 requests); this runs AXME_FUZZ_SCALE (default 20, ~63,000 requests).
#
#   bench/fuzz.sh
#   AXME_FUZZ_SCALE=50 AXME_FUZZ_SEED=7 bench/fuzz.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export AXME_FUZZ_SCALE="${AXME_FUZZ_SCALE:-20}"
exec ./test.sh --filter "FullyQualifiedName~InputFuzzTests" --logger "console;verbosity=detailed"
