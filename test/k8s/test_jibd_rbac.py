"""jibd does all its work as the least-privileged service account of k8s/rbac/, with no 403
in its log: informers, leader election, root-cert ConfigMaps, istio-ca-secret, TokenReview."""
import uuid

from ca.jibca import make_csr
from k8s.kube_jibd import ca_client, kube_jibd, lease_holder  # noqa: F401
from k8s.objects import create, virtual_service


def test_least_privilege_service_account_gets_no_403(kube_cluster, kube_crds, jib_rbac,
                                                     kube_namespace, kube_jibd, wait_until):
    ns = kube_namespace
    j = kube_jibd(kubeconfig=jib_rbac.kubeconfig, name="jibd-rbac")
    wait_until(lambda: lease_holder(kube_cluster) == "jibd-rbac", 30, "jibd-rbac leads")
    new_ns = f"rbac-{uuid.uuid4().hex[:6]}"
    kube_cluster.create_namespace(new_ns)
    try:
        wait_until(lambda: kube_cluster.exists(
            f"/api/v1/namespaces/{new_ns}/configmaps/istio-ca-root-cert"), 5, "root cert written")
    finally:
        kube_cluster.delete_namespace(new_ns)
    create(kube_cluster, virtual_service("r", ns, f"r.{ns}.example.com", "v1"))
    wait_until(lambda: '"name":"r"' in j.get("/debug/configz")[1].replace(" ", ""), 10,
               "the VirtualService reaches the store")
    kube_cluster.create_service_account(ns, "a")
    client = ca_client(j, kube_cluster)
    try:
        client.create(make_csr()[1], kube_cluster.token(ns, "a", ["istio-ca"]))
    finally:
        client.close()
    # jibd words every API error "HTTP <status>: <message>"; a bare "403" could be part of a
    # generated object name.
    denied = [line for line in j.log_text().splitlines()
              if "HTTP 403" in line or " is forbidden" in line]
    assert not denied, denied
