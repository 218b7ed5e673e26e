#!/usr/bin/env bash
# xDS fan-out benchmark driver: generates a config dir with S services, starts jibd on it, runs
# jib-bench-ads-fanout with N simulated sidecars, prints the figures and the exact commands, and
# stops jibd. Figures only, never pass/fail.
#
# Usage: bench/ads_fanout/run.sh [N=1000] [S=1000] [extra client flags...]
# Environment:
#   JIB_BUILD         build dir holding cmd/jibd/jibd and bench/ads_fanout/ (default: build)
#   JIBD              jibd binary (default: $JIB_BUILD/cmd/jibd/jibd)
#   JIB_BENCH_CLIENT  client binary (default: $JIB_BUILD/bench/ads_fanout/jib-bench-ads-fanout)
#   JIBD_ARGS         extra jibd flags, e.g. "--debounce-ms 100"
#   JIB_BENCH_KEEP=1  keep the temporary config dir and jibd log
set -euo pipefail

N=${1:-1000}
S=${2:-1000}
shift $(($# < 2 ? $# : 2))
BUILD=${JIB_BUILD:-build}
JIBD=${JIBD:-$BUILD/cmd/jibd/jibd}
CLIENT=${JIB_BENCH_CLIENT:-$BUILD/bench/ads_fanout/jib-bench-ads-fanout}
for bin in "$JIBD" "$CLIENT"; do
  [[ -x $bin ]] || { echo "run.sh: $bin not found; build jibd and jib-bench-ads-fanout" >&2; exit 2; }
done

# With --streams-per-channel 1 every stream has a connection of its own: leave room for one
# socket per stream in jibd and in the client, plus gRPC's own descriptors.
want=$((2 * N + 1024))
if [[ $(ulimit -n) != unlimited && $(ulimit -n) -lt $want ]]; then
  hard=$(ulimit -Hn)
  if [[ $hard == unlimited || $hard -ge $want ]]; then ulimit -n "$want"; else ulimit -n "$hard"; fi
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/jib-ads-fanout.XXXXXX")
CONFIG=$WORK/config
mkdir -p "$CONFIG"
JIBD_PID=
cleanup() {
  if [[ -n $JIBD_PID ]] && kill -0 "$JIBD_PID" 2>/dev/null; then
    kill -TERM "$JIBD_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$JIBD_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$JIBD_PID" 2>/dev/null || true
  fi
  if [[ ${JIB_BENCH_KEEP:-0} == 1 ]]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --- config: S ServiceEntries (STATIC, port 8080, so they share route config "8080"), a
# DestinationRule with subsets v1/v2 and a 90/10 VirtualService for every 10th service, and the
# VirtualService that the client changes (svc-0, 80/20) in a file of its own.
host() { echo "svc-$1.bench.example.com"; }
dr() {
  printf -- '---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: %s\n  namespace: bench\nspec:\n  host: %s\n  subsets:\n  - name: v1\n    labels: {version: v1}\n  - name: v2\n    labels: {version: v2}\n' \
    "svc-$1" "$(host "$1")"
}
vs() {
  printf -- '---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: %s\n  namespace: bench\nspec:\n  hosts:\n  - %s\n  http:\n  - route:\n    - destination:\n        host: %s\n        subset: v1\n      weight: %d\n    - destination:\n        host: %s\n        subset: v2\n      weight: %d\n' \
    "svc-$1" "$(host "$1")" "$(host "$1")" "$2" "$(host "$1")" "$3"
}
{
  for ((i = 0; i < S; i++)); do
    a=$((100 + i / 250)) b=$((i % 250))
    printf -- '---\napiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: svc-%d\n  namespace: bench\nspec:\n  hosts:\n  - %s\n  ports:\n  - number: 8080\n    name: http\n    protocol: HTTP\n  resolution: STATIC\n  location: MESH_INTERNAL\n  endpoints:\n  - address: 10.%d.%d.1\n    ports: {http: 8080}\n    labels: {version: v1}\n  - address: 10.%d.%d.2\n    ports: {http: 8080}\n    labels: {version: v2}\n' \
      "$i" "$(host "$i")" "$a" "$b" "$a" "$b"
  done
} >"$CONFIG/services.yaml"
{ for ((i = 10; i < S; i += 10)); do dr "$i"; done; } >"$CONFIG/destination-rules.yaml"
{ for ((i = 10; i < S; i += 10)); do vs "$i" 90 10; done; } >"$CONFIG/virtual-services.yaml"
{ dr 0; vs 0 80 20; } >"$CONFIG/vs-target.yaml"

XDS_PORT=$(free_port)
HTTP_PORT=$(free_port)
# shellcheck disable=SC2206
JIBD_CMD=("$JIBD" --config-dir "$CONFIG" --bind 127.0.0.1 --xds-port "$XDS_PORT"
  --http-port "$HTTP_PORT" --ca-port 0 --log-level warn ${JIBD_ARGS:-})
"${JIBD_CMD[@]}" >"$WORK/jibd.log" 2>&1 &
JIBD_PID=$!

ready=0
for _ in $(seq 300); do
  if ! kill -0 "$JIBD_PID" 2>/dev/null; then break; fi
  if curl -fsS -o /dev/null "http://127.0.0.1:$HTTP_PORT/ready" 2>/dev/null; then ready=1; break; fi
  sleep 0.1
done
if [[ $ready != 1 ]]; then
  echo "run.sh: jibd not ready after 30 s; its log:" >&2
  tail -n 50 "$WORK/jibd.log" >&2
  exit 1
fi

CLIENT_CMD=("$CLIENT" --target "127.0.0.1:$XDS_PORT" --clients "$N" --services "$S"
  --config-dir "$CONFIG" --jibd-pid "$JIBD_PID" "$@")
echo "machine: $(nproc) cores, $(uname -sr), ulimit -n $(ulimit -n), loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
echo "jibd:    ${JIBD_CMD[*]}"
echo "client:  ${CLIENT_CMD[*]}"
status=0
"${CLIENT_CMD[@]}" || status=$?
if ! kill -0 "$JIBD_PID" 2>/dev/null; then
  echo "run.sh: jibd exited during the run; its log:" >&2
  tail -n 50 "$WORK/jibd.log" >&2
  status=1
elif grep -qiE 'error|warn' "$WORK/jibd.log"; then
  echo "jibd warnings/errors (first 10):"
  grep -iE 'error|warn' "$WORK/jibd.log" | head -n 10
fi
exit "$status"
