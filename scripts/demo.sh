#!/usr/bin/env bash
# `make run`: jibd on examples/, two backends, one Envoy fed by jibd over ADS. Ctrl-C stops all.
#   scripts/demo.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=$(cd "${1:?usage: scripts/demo.sh BUILD_DIR}" && pwd)
jibd="$build/cmd/jibd/jibd"
venv="${JIB_CACHE:-$HOME/.cache/jib}/venv"
python="$venv/bin/python"
envoy="$venv/bin/envoy"
for f in "$jibd" "$python" "$envoy"; do
  [ -x "$f" ] || { echo "demo: $f not found (run make build / make setup)" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/jib-demo.XXXXXX")
pids=()
cleanup() {
  trap - INT TERM EXIT
  echo
  echo "demo: stopping"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "demo: logs kept in $work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Waits up to $2 seconds until URL $1 answers 200; $3 names the process for the message.
wait_http() {
  for _ in $(seq 1 $(( $2 * 10 ))); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "demo: $3 did not come up; see $work" >&2
  exit 1
}

"$jibd" --config-dir "$root/examples" --bind 127.0.0.1 --xds-port 15010 --http-port 15014 \
  --ca-port 15012 --ca-state-dir "$work/ca" --log-level info 2> >(tee "$work/jibd.log" >&2) &
pids+=($!)
wait_http http://127.0.0.1:15014/ready 15 jibd

for b in v1:18081 v2:18082; do
  PYTHONPATH="$root/test" "$python" -m helpers.backend --name "${b%%:*}" --port "${b##*:}" \
    >"$work/backend-${b%%:*}.log" 2>&1 &
  pids+=($!)
done

PYTHONPATH="$root/test" "$python" -m helpers.envoy --xds-port 15010 --admin-port 15000 \
  --pod web-0 --namespace default --label app=web --out "$work/envoy.json"
"$envoy" -c "$work/envoy.json" -l info --disable-hot-restart --concurrency 1 \
  >"$work/envoy.log" 2>&1 &
pids+=($!)
wait_http http://127.0.0.1:15000/ready 30 envoy

cat <<MSG

Jib demo is up (config: examples/web.yaml; logs: $work).
  curl -H 'Host: web.example.com' http://127.0.0.1:18080/      # v1 80%, v2 20%
  curl -H 'Host: web.example.com' http://127.0.0.1:18080/v2    # always v2
  curl http://127.0.0.1:15014/debug/syncz                      # what jibd sent, what Envoy ACKed
  curl http://127.0.0.1:15014/metrics                          # Prometheus metrics
  curl http://127.0.0.1:15000/config_dump                      # Envoy's view
Edit examples/web.yaml to change routing live. Ctrl-C stops everything.

MSG
all_alive() {
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || return 1; done
}
while all_alive; do sleep 0.5; done
echo "demo: a process exited; see $work" >&2
exit 1
