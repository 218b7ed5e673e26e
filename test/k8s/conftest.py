"""Fixtures of the Kubernetes tests: a real kube-apiserver and etcd on loopback (test/k8s/cluster.py).

The fixtures of test/conftest.py (jibd, envoy, backend, free_port, wait_until, http) work here
too. Added here:

  kube_cluster       session  Cluster, started once per session (kube-apiserver takes seconds):
                              .server (https URL), .ca_path, .admin_kubeconfig,
                              .api(method, path, body=None, expect=(200, 201)) -> JSON as admin,
                              .get(path), .exists(path), .kubectl(*args, input=, kubeconfig=),
                              .apply(yaml_text_or_path, namespace=None, check=True),
                              .create_namespace(name) (+ its "default" ServiceAccount),
                              .delete_namespace(name),
                              .create_service_account(ns, name), .delete_service_account(ns, name),
                              .token(ns, sa, audiences=None, expiration_seconds=3600) -> JWT,
                              .token_review(token, audiences=None) -> status dict,
                              .kubeconfig_for_token(token, path),
                              .kubeconfig_for_service_account(ns, name, path),
                              .can_i(kubeconfig, verb, resource, namespace=None, name=None),
                              .stop_apiserver(), .start_apiserver(), .restart_apiserver(down_s),
                              .etcdctl(*args), .etcd_revision(), .compact_etcd() -> revision,
                              .etcd_endpoint, .processes() (for log dumps)
  kube_crds          session  applies crds/ once and waits until every CRD is Established;
                              returns the CRD names
  jib_rbac           session  applies k8s/rbac/ (ClusterRole/Role/bindings for the service
                              account jibd in istio-system); returns JibIdentity:
                              .namespace ("istio-system"), .service_account ("jibd"),
                              .kubeconfig (a bearer-token kubeconfig for it: run jibd with this
                              to prove least privilege), .token
  kube_namespace     function a fresh namespace (unique name) deleted at teardown; objects in it
                              are not garbage collected (no controller-manager), names are unique
  control_plane_ns   session  "istio-system", created with the cluster

Everything is torn down at session end, also on failure; a failed test prints the tails of the
kube-apiserver and etcd logs. Without the binaries (scripts/build_kube.sh, Debian etcd-server)
every test here fails with the command that provides them.
"""
import os
import pathlib
import re
import uuid
from dataclasses import dataclass

import pytest

from k8s.cluster import Cluster, missing_binaries

REPO = pathlib.Path(__file__).resolve().parents[2]
CRDS_DIR = REPO / "crds"
RBAC_DIR = REPO / "k8s" / "rbac"
CONTROL_PLANE_NS = "istio-system"
JIBD_SERVICE_ACCOUNT = "jibd"


@dataclass
class JibIdentity:
    namespace: str
    service_account: str
    kubeconfig: str
    token: str


@pytest.fixture(scope="session")
def kube_cluster(tmp_path_factory):
    missing = missing_binaries()
    if missing:
        pytest.fail(f"missing {missing}: run scripts/setup.sh (builds kube-apiserver and kubectl "
                    f"with scripts/build_kube.sh, installs Debian etcd-server/etcd-client)")
    cluster = Cluster(tmp_path_factory.mktemp("kube"))
    try:
        cluster.start()
        cluster.create_namespace(CONTROL_PLANE_NS)
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(autouse=True)
def _kube_logs_on_failure(request):
    yield
    if "kube_cluster" not in request.fixturenames:
        return
    failed = any(getattr(request.node, f"rep_{w}", None) is not None
                 and getattr(request.node, f"rep_{w}").failed for w in ("setup", "call"))
    if failed:
        for p in request.getfixturevalue("kube_cluster").processes():
            print(f"\n===== {p.name} (pid {p.pid}) log {p.log_path} =====")
            print(p.tail(60))


@pytest.fixture(scope="session")
def control_plane_ns(kube_cluster):
    return CONTROL_PLANE_NS


@pytest.fixture(scope="session")
def kube_crds(kube_cluster):
    kube_cluster.apply(CRDS_DIR)
    names = [c["metadata"]["name"] for c in kube_cluster.get(
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions")["items"]
        if c["spec"]["group"].endswith(".istio.io")]
    kube_cluster.wait_crds_established(names)
    return names


@pytest.fixture(scope="session")
def jib_rbac(kube_cluster, tmp_path_factory):
    kube_cluster.apply(RBAC_DIR)
    token = kube_cluster.token(CONTROL_PLANE_NS, JIBD_SERVICE_ACCOUNT,
                               expiration_seconds=86400)
    path = kube_cluster.kubeconfig_for_token(
        token, str(tmp_path_factory.mktemp("jibd-identity") / "jibd.kubeconfig"))
    return JibIdentity(CONTROL_PLANE_NS, JIBD_SERVICE_ACCOUNT, path, token)


@pytest.fixture
def kube_namespace(request, kube_cluster):
    stem = re.sub(r"[^a-z0-9-]", "-", request.node.name.lower())[:40].strip("-")
    name = f"{stem}-{uuid.uuid4().hex[:6]}"
    kube_cluster.create_namespace(name)
    yield name
    if os.environ.get("JIB_KEEP_NAMESPACES") != "1":
        kube_cluster.delete_namespace(name)
