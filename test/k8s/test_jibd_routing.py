"""jibd on a real kube-apiserver drives a real Envoy: a VirtualService applied through the API
server changes routing within 2 s, deleting it reverts; an EndpointSlice change is pushed as EDS
only."""
import time

from k8s.kube_jibd import kube_jibd  # noqa: F401  (fixture)
from k8s.objects import create, delete, destination_rule, service_entry, virtual_service

BOUND_S = 2.0
TYPES = ("cds", "eds", "lds", "rds")


def _who(http, port, host):
    try:
        r = http.get(f"http://127.0.0.1:{port}/", headers={"Host": host}, timeout=5)
    except OSError as e:
        return f"<{type(e).__name__}>"
    return r.headers.get("x-backend") if r.status_code == 200 else f"<{r.status_code}>"


def test_virtual_service_apply_reroutes_within_2s_and_delete_reverts(
        kube_cluster, kube_crds, kube_namespace, kube_jibd, envoy, backend, free_port, http,
        wait_until):
    ns = kube_namespace
    host = f"web.{ns}.example.com"
    v1, v2 = backend("v1"), backend("v2")
    port = free_port()
    create(kube_cluster, service_entry("web", ns, host, port, [
        ("127.0.0.1", v1.port, {"version": "v1"}), ("127.0.0.1", v2.port, {"version": "v2"})]))
    create(kube_cluster, destination_rule("web", ns, host, {"v1": {"version": "v1"},
                                                            "v2": {"version": "v2"}}))
    j = kube_jibd()
    envoy(j)
    # No VirtualService: the default route spreads over both endpoints.
    wait_until(lambda: {_who(http, port, host) for _ in range(20)} == {"v1", "v2"}, 15,
               "traffic reaches v1 and v2 without a VirtualService")

    vs = virtual_service("web", ns, host, "v2")
    start = time.monotonic()
    create(kube_cluster, vs)
    # Ten answers in a row from v2: one could be chance while both still take traffic.
    wait_until(lambda: all(_who(http, port, host) == "v2" for _ in range(10)), BOUND_S,
               "the VirtualService routes to v2", interval=0.02)
    took = time.monotonic() - start
    assert {_who(http, port, host) for _ in range(20)} == {"v2"}
    print(f"VirtualService applied -> Envoy routes to v2 in {took * 1000:.0f} ms")

    start = time.monotonic()
    delete(kube_cluster, vs)
    wait_until(lambda: {_who(http, port, host) for _ in range(20)} == {"v1", "v2"}, BOUND_S,
               "deleting the VirtualService reverts to the default route", interval=0.02)
    print(f"VirtualService deleted -> default route in {(time.monotonic() - start) * 1000:.0f} ms")


def _pushes(jibd):
    m = jibd.metrics()
    return {t: m.get("pilot_xds_pushes", type=t) or 0 for t in TYPES}, \
        m.get("jib_xds_snapshots_built") or 0


def _local_address():
    """A non-loopback address of this host: the API server refuses loopback endpoints."""
    import socket
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("192.0.2.1", 9))  # no packet is sent; this picks the outgoing interface
        return s.getsockname()[0]


def _service_and_slice(cluster, ns, port, address, backend_port):
    cluster.api("POST", f"/api/v1/namespaces/{ns}/services", {
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": ns},
        "spec": {"selector": {"app": "web"},
                 "ports": [{"name": "http", "port": port, "targetPort": backend_port}]}})
    cluster.api("POST", f"/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices",
                _slice(ns, address, backend_port))


def _slice(ns, address, backend_port):
    return {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": "web-1", "namespace": ns,
                         "labels": {"kubernetes.io/service-name": "web"}},
            "addressType": "IPv4",
            "ports": [{"name": "http", "port": backend_port, "protocol": "TCP"}],
            "endpoints": [{"addresses": [address], "conditions": {"ready": True}}]}


def _update_slice(cluster, ns, address, backend_port):
    path = f"/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices/web-1"
    changed = _slice(ns, address, backend_port)
    changed["metadata"]["resourceVersion"] = cluster.get(path)["metadata"]["resourceVersion"]
    cluster.api("PUT", path, changed)


def test_services_and_endpoint_slices_reach_the_store(kube_cluster, kube_namespace, kube_jibd,
                                                      wait_until):
    from k8s.kube_jibd import configz_names
    ns = kube_namespace
    _service_and_slice(kube_cluster, ns, 8080, "10.1.2.3", 9090)
    j = kube_jibd()
    wait_until(lambda: configz_names(j, "EndpointSlice", ns) == ["web-1"], 10,
               "jibd's store has the EndpointSlice")
    assert configz_names(j, "Service", ns) == ["web"]
    generation = lambda: __import__("json").loads(j.get("/debug/configz")[1])["generation"]  # noqa
    before = generation()
    _update_slice(kube_cluster, ns, "10.1.2.4", 9090)
    wait_until(lambda: generation() > before, 5, "the EndpointSlice change is applied")


def test_endpoint_slice_change_is_pushed_as_eds_only(kube_cluster, kube_namespace, kube_jibd,
                                                     envoy, free_port, http, wait_until):
    from helpers.backend import Backend
    ns = kube_namespace
    address = _local_address()
    a, b = Backend("a", host=address), Backend("b", host=address)
    try:
        port = free_port()
        host = f"web.{ns}.svc.cluster.local"
        _service_and_slice(kube_cluster, ns, port, address, a.port)
        j = kube_jibd()
        envoy(j)
        wait_until(lambda: _who(http, port, host) == "a", 15, "the Service's endpoint answers")

        before, snapshots = _pushes(j)
        _update_slice(kube_cluster, ns, address, b.port)
        wait_until(lambda: _pushes(j)[1] > snapshots, 5, "jibd pushes the EndpointSlice change")
        after, _ = _pushes(j)
        delta = {t: after[t] - before[t] for t in TYPES}
        assert delta == {"cds": 0, "eds": 1, "lds": 0, "rds": 0}, delta
        wait_until(lambda: _who(http, port, host) == "b", 5, "traffic follows the new endpoint")
    finally:
        a.stop()
        b.stop()
