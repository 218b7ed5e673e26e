"""The istio-ca-root-cert ConfigMap: created in a new namespace within 2 s, restored when deleted
or edited, holding the roots of istio-ca-secret."""
import time
import uuid

from k8s.kube_jibd import ca_root_pems, kube_jibd, lease_holder, split_pem  # noqa: F401

CM = "istio-ca-root-cert"


def _root_cm(cluster, ns):
    path = f"/api/v1/namespaces/{ns}/configmaps/{CM}"
    return cluster.get(path) if cluster.exists(path) else None


def test_namespace_gets_root_cert_within_2s_and_it_is_restored(kube_cluster, kube_jibd,
                                                               wait_until):
    j = kube_jibd(name="jibd-rootcert")
    wait_until(lambda: lease_holder(kube_cluster) == "jibd-rootcert", 30, "jibd leads")
    roots = ca_root_pems(kube_cluster)
    ns = f"rootcert-{uuid.uuid4().hex[:6]}"
    start = time.monotonic()
    kube_cluster.create_namespace(ns)
    try:
        wait_until(lambda: _root_cm(kube_cluster, ns), 2.0, f"{ns}/{CM} is created",
                   interval=0.02)
        print(f"namespace created -> {CM} in {(time.monotonic() - start) * 1000:.0f} ms")
        cm = _root_cm(kube_cluster, ns)
        assert list(cm["data"]) == ["root-cert.pem"]
        assert split_pem(cm["data"]["root-cert.pem"]) == roots

        kube_cluster.api("DELETE", f"/api/v1/namespaces/{ns}/configmaps/{CM}")
        wait_until(lambda: _root_cm(kube_cluster, ns), 5, "a deleted ConfigMap is restored")

        edited = _root_cm(kube_cluster, ns)
        edited["data"] = {"root-cert.pem": "not a root", "extra": "x"}
        kube_cluster.api("PUT", f"/api/v1/namespaces/{ns}/configmaps/{CM}", edited)

        def restored():
            cm = _root_cm(kube_cluster, ns)
            return cm and list(cm["data"]) == ["root-cert.pem"] and \
                split_pem(cm["data"]["root-cert.pem"]) == roots
        wait_until(restored, 5, "an edited ConfigMap is restored")
        assert "HTTP 403" not in j.log_text()
    finally:
        kube_cluster.delete_namespace(ns)
