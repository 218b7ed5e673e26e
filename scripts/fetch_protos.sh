#!/usr/bin/env bash
# Fetches the pinned upstream API protos into the cache and prints the import root.
# Envoy, xds and googleapis come from the npm package @grpc/grpc-js-xds; validate.proto
# comes from the Go module github.com/envoyproxy/protoc-gen-validate, because the copy
# shipped in the npm package is too old for protoc. Both are checked against pinned sums.
set -euo pipefail

XDS_NPM_VERSION=1.14.1
XDS_NPM_INTEGRITY="sha512-F2mVXwEeMWw1znPUrp+8ykjsIOVnf7Rv+EyIvXOfz73w5tNolCnzokpLkE/d2Ehx30PJmZXqCQdMpx8DcBJohA=="
PGV_VERSION=v1.2.1
PGV_SUM="h1:DEo3O99U8j4hBFwbJfrz9VtgcDfUKS7KJ7spH3d86P8="

cache="${JIB_CACHE:-$HOME/.cache/jib}"
root="$cache/protos/xds-$XDS_NPM_VERSION-pgv-$PGV_VERSION"
if [ -f "$root/.complete" ]; then
  echo "$root"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

tgz="$cache/downloads/grpc-grpc-js-xds-$XDS_NPM_VERSION.tgz"
mkdir -p "$cache/downloads"
if [ ! -f "$tgz" ]; then
  (cd "$work" && npm pack --silent "@grpc/grpc-js-xds@$XDS_NPM_VERSION" >/dev/null 2>&1)
  mv "$work/grpc-grpc-js-xds-$XDS_NPM_VERSION.tgz" "$tgz"
fi
actual="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
if [ "$actual" != "$XDS_NPM_INTEGRITY" ]; then
  echo "integrity mismatch for $tgz: $actual" >&2
  rm -f "$tgz"
  exit 1
fi

pgv_json=$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "github.com/envoyproxy/protoc-gen-validate@$PGV_VERSION")
pgv_dir=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])' <<<"$pgv_json")
pgv_sum=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["Sum"])' <<<"$pgv_json")
if [ "$pgv_sum" != "$PGV_SUM" ]; then
  echo "checksum mismatch for protoc-gen-validate: $pgv_sum" >&2
  exit 1
fi

staging="$root.tmp"
rm -rf "$staging"
mkdir -p "$staging"
tar xzf "$tgz" -C "$work" package/deps
cp -r "$work/package/deps/envoy-api/envoy" "$staging/"
cp -r "$work/package/deps/xds/udpa" "$work/package/deps/xds/xds" "$staging/"
cp -r "$work/package/deps/googleapis/google" "$staging/"
mkdir -p "$staging/validate"
cp "$pgv_dir/validate/validate.proto" "$staging/validate/"
chmod -R u+w "$staging"
touch "$staging/.complete"
rm -rf "$root"
mv "$staging" "$root"
echo "$root"
