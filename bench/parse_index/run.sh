#!/usr/bin/env bash
# Parse/index benchmark: generates N config objects as YAML (a mix of Services, EndpointSlices,
# Pods, VirtualServices, DestinationRules, Gateways, Secrets, ServiceEntries, WorkloadEntries,
# AuthorizationPolicies, PeerAuthentications and Sidecars), then times parse + validate, the
# ConfigStore batch and Snapshot::build, and prints peak RSS. Figures only, never pass/fail.
#
# Usage: bench/parse_index/run.sh [N=10000] [extra flags, e.g. --repeat 10 --write DIR]
# Environment:
#   JIB_BUILD   build dir holding bench/parse_index/jib-bench-parse-index (default: build)
#   Build it with: cmake --build $JIB_BUILD --target jib-bench-parse-index
set -euo pipefail

N=${1:-10000}
shift $(($# < 1 ? $# : 1))
BUILD=${JIB_BUILD:-build}
BENCH=$BUILD/bench/parse_index/jib-bench-parse-index
[[ -x $BENCH ]] || { echo "run.sh: $BENCH not found; build target jib-bench-parse-index" >&2; exit 2; }

echo "# $BENCH --objects $N $*"
echo "# $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
exec "$BENCH" --objects "$N" "$@"
