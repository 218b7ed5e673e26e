"""Hostile xDS clients on the plaintext port (unauthenticated, as istiod's 15010): proxies that
come and go with cache keys of their own, NACK floods, huge node ids and subscriptions. jibd
stays alive, its memory flat and its log short."""
import os
import queue

import grpc

from adversarial.attacks import rss_mib, service_entry
from helpers import xds_wire as wire

SERVICES = 200


def mesh_of(config_dir, n=SERVICES):
    config_dir.write("services.yaml", "---\n".join(
        service_entry(f"svc-{i}", f"svc-{i}.example.com") for i in range(n)))


def one_proxy(port, ns, names=(), type_url=wire.CDS):
    """Connects as a sidecar of namespace ns, takes the first response, disconnects."""
    with wire.plaintext(port) as channel:
        responses = wire.ads_call(channel)(
            iter([wire.request(type_url, node=wire.node_id(ns=ns), names=names,
                               metadata={"NAMESPACE": ns})]), timeout=10)
        return next(responses)


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
    with wire.plaintext(j.xds_port) as channel:
        requests = queue.Queue()
        requests.put(wire.request(wire.CDS, node=wire.node_id(ns="flood")))
        responses = wire.ads_call(channel)(iter(requests.get, None), timeout=30)
        first = next(responses)
        for _ in range(200):
            requests.put(wire.request(wire.CDS, version=first.version_info, nonce=first.nonce,
                                      error=detail))
        requests.put(None)  # half-close: the server ends the stream when it has read all
        for _ in responses:
            pass
    # Hundreds of huge node ids on as many streams from one address.
    for i in range(300):
        with wire.plaintext(j.xds_port) as channel:
            try:
                next(wire.ads_call(channel)(iter([wire.request(wire.CDS, node="x" * 100_000)]),
                                            timeout=5))
            except grpc.RpcError as e:
                assert e.code() == grpc.StatusCode.INVALID_ARGUMENT
                assert len(e.details()) < 2048
    # 100k names in one subscription.
    one_proxy(j.xds_port, "names", names=[f"name-{i}" for i in range(100_000)],
              type_url=wire.SDS)
    grown = log_size(j) - before
    assert grown < 256 * 1024, f"the log grew by {grown} bytes"
    text = j.log_text()
    assert "more bytes)" in text  # clipped, and saying so
    assert j.metrics().get("jib_log_lines_suppressed_total") > 0
    assert j.alive()

