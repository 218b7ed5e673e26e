#!/usr/bin/env python3
"""Proxy churn benchmark: jibd's memory while many short-lived proxies, each with a cache key of
its own (a new NAMESPACE), connect to the plaintext xDS port, take their clusters and leave.
Prints jibd's RSS as the proxies come and go; figures only, never pass/fail.

Usage: bench/proxy_churn/run.py [--proxies 20000] [--services 200] [--parallel 8]
Environment: JIB_BUILD (default build), the build dir holding cmd/jibd/jibd.
Run with the project's test venv (~/.cache/jib/venv/bin/python), which has grpcio.
"""
import argparse
import concurrent.futures
import os
import socket
import subprocess
import sys
import tempfile
import time

import grpc  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "test"))
from helpers.ads_client import CDS, AdsStream  # noqa: E402
from helpers.envoy import node_id  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def service_entries(n):
    return "---\n".join(
        f"apiVersion: networking.istio.io/v1\nkind: ServiceEntry\n"
        f"metadata: {{name: svc-{i}, namespace: default}}\nspec:\n  hosts: [svc-{i}.example.com]\n"
        f"  ports: [{{number: 80, name: http, protocol: HTTP}}]\n  resolution: DNS\n"
        for i in range(n))


def one_proxy(port, ns):
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        stream = AdsStream(channel, node_id("app-0", ns), {"NAMESPACE": ns}, timeout=30)
        try:
            stream.subscribe(CDS)
            return len(stream.next(timeout=30).resources)
        finally:
            stream.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--proxies", type=int, default=20000)
    ap.add_argument("--services", type=int, default=200)
    ap.add_argument("--parallel", type=int, default=8)
    ap.add_argument("--every", type=int, default=1000, help="RSS sample interval, in proxies")
    args = ap.parse_args()
    jibd = os.path.join(os.environ.get("JIB_BUILD", "build"), "cmd", "jibd", "jibd")
    work = tempfile.mkdtemp(prefix="jib-proxy-churn.")
    config = os.path.join(work, "config")
    os.mkdir(config)
    with open(os.path.join(config, "services.yaml"), "w") as f:
        f.write(service_entries(args.services))
    xds, http = free_port(), free_port()
    log = open(os.path.join(work, "jibd.log"), "w")
    proc = subprocess.Popen([jibd, "--config-dir", config, "--bind", "127.0.0.1", "--xds-port",
                             str(xds), "--http-port", str(http), "--ca-port", "0",
                             "--ca-state-dir", os.path.join(work, "ca"), "--log-level", "warn"],
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            try:
                one_proxy(xds, "probe")
                break
            except Exception:  # not up yet
                time.sleep(0.1)
        print(f"# jibd {jibd}; S={args.services} services; {args.proxies} proxies, "
              f"{args.parallel} at a time, each in a namespace of its own")
        print(f"{'proxies':>8} {'rss_mib':>8}")
        print(f"{0:>8} {rss_mib(proc.pid):8.1f}")
        samples = []
        start = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(args.parallel) as pool:
            for done in range(0, args.proxies, args.every):
                batch = range(done, min(done + args.every, args.proxies))
                for n in pool.map(lambda i: one_proxy(xds, f"churn-{i}"), batch):
                    assert n >= args.services, n
                rss = rss_mib(proc.pid)
                samples.append(rss)
                print(f"{batch.stop:>8} {rss:8.1f}", flush=True)
        steady = samples[0]
        print(f"# steady state (after {args.every}): {steady:.1f} MiB; max {max(samples):.1f} MiB "
              f"({100 * (max(samples) - steady) / steady:+.1f}%); last {samples[-1]:.1f} MiB; "
              f"{args.proxies / (time.monotonic() - start):.0f} proxies/s")
        print(f"# command: JIB_BUILD={os.environ.get('JIB_BUILD', 'build')} "
              f"{sys.executable} bench/proxy_churn/run.py --proxies {args.proxies} "
              f"--services {args.services} --parallel {args.parallel}")
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


if __name__ == "__main__":
    main()
