#!/usr/bin/env bash
# CA signing benchmark: jib's signing path alone and end to end over gRPC+TLS, for ECDSA P-256
# and RSA 2048, beside `openssl speed` for the same algorithms, with the ratio. Figures only,
# never pass/fail; the machine's load shows in them, so compare runs on a quiet machine.
#
# Usage: bench/csr/run.sh [SECONDS=3]
# Environment:
#   JIB_BUILD   build dir holding bench/csr/jib-bench-csr (default: build)
#   Build it with: cmake --build $JIB_BUILD --target jib-bench-csr
set -euo pipefail

SECS=${1:-3}
BUILD=${JIB_BUILD:-build}
BENCH=$BUILD/bench/csr/jib-bench-csr
[[ -x $BENCH ]] || { echo "run.sh: $BENCH not found; build target jib-bench-csr" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "# $BENCH --benchmark_min_time=$SECS --benchmark_format=json"
"$BENCH" --benchmark_min_time="$SECS" --benchmark_format=json >"$tmp/jib.json" 2>"$tmp/jib.err"
echo "# openssl speed -seconds $SECS ecdsap256 rsa2048"
openssl speed -seconds "$SECS" ecdsap256 rsa2048 >"$tmp/openssl.txt" 2>/dev/null

python3 - "$tmp/jib.json" "$tmp/openssl.txt" <<'PY'
import json, re, sys

jib = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read()
m_rsa = re.search(r"^rsa\s+2048 bits\s+\S+s\s+\S+s\s+([\d.]+)\s+([\d.]+)", text, re.M)
m_ec = re.search(r"^\s*256 bits ecdsa \(nistp256\)\s+\S+s\s+\S+s\s+([\d.]+)\s+([\d.]+)", text, re.M)
speed = {"ecdsa-p256": float(m_ec.group(1)) if m_ec else None,
         "rsa2048": float(m_rsa.group(1)) if m_rsa else None}

print(f"\nload average: {open('/proc/loadavg').read().split()[0]}  "
      f"(cores: {jib['context'].get('num_cpus')})")
print(f"{'benchmark':44} {'algorithm':11} {'certs/s':>10} {'openssl sign/s':>15} {'ratio':>7}")
for b in jib["benchmarks"]:
    name = b["name"].split("/min_time")[0]
    threads = re.search(r"threads:(\d+)", b["name"])
    if threads:
        name += f" ({threads.group(1)} client threads)"
    alg = b.get("label", "")
    rate = b.get("items_per_second", 0.0)
    ref = speed.get(alg)
    ratio = f"{rate / ref:7.3f}" if ref else "    n/a"
    print(f"{name:44} {alg:11} {rate:10.0f} {ref or 0:15.0f} {ratio}")
print("\nBM_Sign: building + signing one SVID from an EVP_PKEY (CPU time); BM_SignFromCsrKey: the "
      "same from a parsed CSR's public key, as the server signs;\nBM_ValidateAndSign adds the CSR "
      "checks (parse, signature, key, extensions).\nBM_EndToEndGrpcTls: CreateCertificate over TLS "
      "with ES256 token verification, wall-clock, one in-process CaServer.\nopenssl speed: raw "
      "signatures per second, one core; ratio = our certs/s / openssl sign/s.")
PY
