"""Two jibd replicas: one holds the coordination.k8s.io Lease and does the singleton work;
killing it moves the lease; both serve xDS throughout."""
import signal
import uuid

from k8s.kube_jibd import kube_jibd, lease_holder  # noqa: F401
from k8s.objects import create, service_entry


def _has_cluster(e, host):
    return any(host in c["name"] for c in e.admin.clusters()["cluster_statuses"])


def test_lease_moves_when_the_holder_is_killed_and_both_serve_xds(
        kube_cluster, kube_crds, kube_namespace, kube_jibd, envoy, free_port, wait_until):
    ns = kube_namespace
    a = kube_jibd(name="jibd-a")
    b = kube_jibd(name="jibd-b")
    holder = wait_until(lambda: lease_holder(kube_cluster) in ("jibd-a", "jibd-b")
                        and lease_holder(kube_cluster), 30, "one replica holds the lease")
    leader, follower = (a, b) if holder == "jibd-a" else (b, a)
    e_leader, e_follower = envoy(leader, pod="p-0"), envoy(follower, pod="p-1")

    # Both serve xDS: a ServiceEntry reaches the Envoys of both replicas.
    create(kube_cluster, service_entry("one", ns, f"one.{ns}.example.com", free_port(),
                                       [("127.0.0.1", 1, {})]))
    for e in (e_leader, e_follower):
        wait_until(lambda: _has_cluster(e, f"one.{ns}.example.com"), 10, "both Envoys get CDS")

    leader.signal(signal.SIGKILL)
    wait_until(lambda: lease_holder(kube_cluster) == follower.name_, 40,
               f"the lease moves to {follower.name_}")
    # The new leader does the singleton work...
    new_ns = f"after-failover-{uuid.uuid4().hex[:6]}"
    kube_cluster.create_namespace(new_ns)
    try:
        wait_until(lambda: kube_cluster.exists(
            f"/api/v1/namespaces/{new_ns}/configmaps/istio-ca-root-cert"), 5,
            "the new leader writes istio-ca-root-cert")
    finally:
        kube_cluster.delete_namespace(new_ns)
    # ...and kept serving xDS throughout.
    create(kube_cluster, service_entry("two", ns, f"two.{ns}.example.com", free_port(),
                                       [("127.0.0.1", 1, {})]))
    wait_until(lambda: _has_cluster(e_follower, f"two.{ns}.example.com"), 10,
               "the surviving replica still pushes")
    assert e_follower.admin.stat("control_plane.connected_state") == 1
