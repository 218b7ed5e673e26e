#!/usr/bin/env bash
# Builds the libFuzzer target with clang (ASan, UBSan, LeakSanitizer) into build-fuzz and runs it
# for a bounded time on a seed corpus made from the project's config fixtures.
#   test/fuzz/run.sh [SECONDS]   (default 60; FUZZ_JOBS=N runs N workers)
# Exits non-zero on a crash, sanitizer report, leak or timeout; the reproducer is left in
# build-fuzz/artifacts/ (rerun: build-fuzz/parse_fuzzer build-fuzz/artifacts/crash-...).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
seconds="${1:-60}"
build="${JIB_FUZZ_BUILD:-$root/build-fuzz}"

command -v clang++ >/dev/null || { echo "run.sh: clang++ not found (scripts/setup.sh installs it)" >&2; exit 3; }
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$root/test/fuzz" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_COMPILER=clang++ "${launcher[@]}" >/dev/null
cmake --build "$build" --target parse_fuzzer -j"${FUZZ_BUILD_JOBS:-2}"

# Seeds: every YAML/JSON fixture the tests and examples use, each once per entry point (the
# first byte picks it: 0 lenient, 1 strict, 2 MeshConfig).
corpus="$build/corpus"
mkdir -p "$corpus" "$build/artifacts"
while IFS= read -r -d '' f; do
  base="$(basename "$f")"
  for mode in 0 1; do
    { printf "\\x0$mode"; cat "$f"; } > "$corpus/seed-$mode-$base"
  done
done < <(find "$root/examples" "$root/test/jibctl/fixtures" -type f \( -name '*.yaml' -o -name '*.json' \) -print0)
printf '\x02trustDomain: a.b\ndefaultConfig: {concurrency: 2}\nextensionProviders: [{name: p, prometheus: {}}]\n' \
  > "$corpus/seed-2-mesh.yaml"

cd "$build"
exec ./parse_fuzzer -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$build/artifacts/" -print_final_stats=1 ${FUZZ_JOBS:+-jobs=$FUZZ_JOBS} \
  "$corpus"
