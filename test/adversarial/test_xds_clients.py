"""Hostile xDS clients on the plaintext port (unauthenticated, as istiod's 15010): proxies that
come and go with cache keys of their own, NACK floods, huge node ids and subscriptions. jibd
stays alive, its memory flat and its log short."""
import os

import grpc

from adversarial.attacks import rss_mib, service_entry
from helpers.ads_client import CDS, SDS, AdsStream
from helpers.envoy import node_id

SERVICES = 200


def mesh_of(config_dir, n=SERVICES):
    config_dir.write("services.yaml", "---\n".join(
        service_entry(f"svc-{i}", f"svc-{i}.example.com") for i in range(n)))


def plaintext(port):
    return grpc.insecure_channel(f"127.0.0.1:{port}")


def one_proxy(port, ns, names=(), type_url=CDS, node=None):
    """Connects as a sidecar of namespace ns, takes the first response, disconnects."""
    with plaintext(port) as channel:
        stream = AdsStream(channel, node or node_id("app-0", ns), {"NAMESPACE": ns}, timeout=20)
        try:
            stream.subscribe(type_url, names)
            return stream.next()
        finally:
            stream.close()


def test_short_lived_proxies_with_keys_of_their_own_leave_nothing(config_dir, jibd):
    mesh_of(config_dir)
    j = jibd(log_level="info")
    for i in range(100):  # warm up: allocator pools, gRPC threads
        assert len(one_proxy(j.xds_port, f"warm-{i}").resources) >= SERVICES
    baseline = rss_mib(j.pid)
    for i in range(1500):
        one_proxy(j.xds_port, f"ns-{i}")
    # Without release each namespace keeps its clusters (~100 KiB here): 150 MiB and more.
    grown = rss_mib(j.pid) - baseline
    assert grown < 30, f"RSS grew by {grown:.0f} MiB over 1500 short-lived proxies"
    assert j.alive()


def log_size(jibd):
    return os.path.getsize(jibd.log_path)


def test_nack_floods_and_huge_texts_are_clipped_and_rate_limited(config_dir, jibd):
    mesh_of(config_dir, 3)
    j = jibd(log_level="info")
    before = log_size(j)
    detail = "E" * (1 << 20)
    with plaintext(j.xds_port) as channel:
        stream = AdsStream(channel, node_id("app-0", "flood"), {"NAMESPACE": "flood"})
        stream.subscribe(CDS)
        first = stream.next()
        for _ in range(200):
            stream.nack(first, detail)
        stream.close()
    # Hundreds of huge node ids on as many streams from one address.
    for i in range(300):
        try:
            one_proxy(j.xds_port, "x", node="x" * 100_000)
            raise AssertionError("a malformed node id was served")
        except grpc.RpcError as e:
            assert e.code() == grpc.StatusCode.INVALID_ARGUMENT
            assert len(e.details()) < 2048
    # 100k names in one subscription.
    one_proxy(j.xds_port, "names", names=[f"name-{i}" for i in range(100_000)], type_url=SDS)
    grown = log_size(j) - before
    assert grown < 256 * 1024, f"the log grew by {grown} bytes"
    text = j.log_text()
    assert "more bytes)" in text  # clipped, and saying so
    assert j.metrics().get("jib_log_lines_suppressed_total") > 0
    assert j.alive()

