#!/usr/bin/env bash
# Builds kube-apiserver and kubectl from the Go module k8s.io/kubernetes at the release pinned
# in test/k8s/apiserver/go.mod, into ~/.cache/jib/bin, for the Kubernetes tests (test/k8s/).
# Idempotent: a stamp (hash of go.mod, go.sum and this script) says whether the cached binaries
# match the pin; a second run builds nothing. A cold build takes tens of minutes on 2 cores,
# so it runs niced and only when the pin changes.
set -euo pipefail
cd "$(dirname "$0")/.."

cache="${JIB_CACHE:-$HOME/.cache/jib}"
bin="$cache/bin"
mod=test/k8s/apiserver
export PATH="/usr/local/go/bin:$PATH"

# The version is stamped as the release scripts would (hack/lib/version.sh), so that kubectl
# sees no skew and /version reports the pinned release rather than v0.0.0-master.
kver=$(sed -n 's/^[[:space:]]*\(require \)\{0,1\}k8s.io\/kubernetes \(v[0-9.]*\).*/\2/p' "$mod/go.mod")
[ -n "$kver" ] || { echo "build_kube.sh: no k8s.io/kubernetes pin in $mod/go.mod" >&2; exit 1; }
major=$(echo "${kver#v}" | cut -d. -f1)
minor=$(echo "${kver#v}" | cut -d. -f2)
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags="$ldflags -X $pkg.gitVersion=$kver -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
  ldflags="$ldflags -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done

# The stamp covers what decides the binaries: the pin (go.mod, go.sum) and the build recipe.
# Bump recipe when the go build line below changes.
recipe="cgo0-trimpath-v1"
want=$(printf '%s\n%s\n' "$recipe" "$ldflags" | cat - "$mod/go.mod" "$mod/go.sum" | sha256sum | cut -d' ' -f1)
stamp="$bin/.kube.sha256"
if [ -x "$bin/kube-apiserver" ] && [ -x "$bin/kubectl" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi

command -v go >/dev/null || { echo "build_kube.sh: Go is not installed (want go >= 1.24)" >&2; exit 1; }

mkdir -p "$bin"
# A build cache of its own (about 2.5 GB): an interrupted build resumes from it, a finished one
# deletes it, so that only the two binaries stay in the cache.
export GOCACHE="$cache/go-build-kube"
tmp=$(mktemp -d "$bin/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "build_kube.sh: building kube-apiserver and kubectl $kver (slow the first time)" >&2
start=$(date +%s)
# go.sum is committed and complete, so nothing needs the checksum database; the module proxy
# here does not serve sumdb entries for every k8s.io staging module.
(cd "$mod" && CGO_ENABLED=0 GOFLAGS=-mod=readonly GONOSUMDB=k8s.io \
  nice -n 10 go build -trimpath -ldflags "$ldflags" -o "$tmp/" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl)
mv -f "$tmp/kube-apiserver" "$tmp/kubectl" "$bin/"
echo "$want" > "$stamp"
rm -rf "$GOCACHE"
echo "build_kube.sh: built $kver in $(($(date +%s) - start)) s into $bin" >&2
