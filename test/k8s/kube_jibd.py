"""jibd in Kubernetes mode, for test/k8s/test_jibd_*.py (K2's tests).

  kube_jibd(kubeconfig=None, name=None, wait_ready=True, leader_election=True, extra_args=())
      -> KubeJibd: jibd --kubeconfig (admin's by default) on free loopback ports, CA port real
         (TLS, serving SAN 127.0.0.1), its own CA state dir, POD_NAME=name (its lease identity);
         stopped at teardown, log tail printed on failure.
The mesh's istio ConfigMap (created if absent) turns auto mTLS off: the Envoys of these tests
run without an agent, so nothing would serve them the workload certificate that an mTLS
cluster waits for (as under Istio); test/mtls covers mTLS.
Helpers: lease_holder(cluster), ca_root_pems(cluster), configz_names(jibd, kind, ns),
         ca_client(jibd, cluster) -> ca.jibca.CaClient.
Import the fixture into a test module with `from k8s.kube_jibd import kube_jibd  # noqa: F401`.
"""
import base64
import os

import pytest

from helpers.jibd import Jibd, jibd_binary
from helpers.ports import free_port
from helpers.proc import Process

CONTROL_PLANE_NS = "istio-system"
LEASE = "jib-leader"


class KubeJibd(Jibd):
    """A Jibd (same HTTP helpers) started with --kubeconfig instead of --config-dir."""

    def __init__(self, kubeconfig, workdir, name, leader_election=True, extra_args=()):
        self.config_dir = None
        self.name_ = name
        self.xds_port, self.http_port, self.ca_port = free_port(), free_port(), free_port()
        self.bind = "127.0.0.1"
        self.state_dir = os.path.join(str(workdir), f"ca-state-{name}")
        argv = [jibd_binary(), "--kubeconfig", kubeconfig, "--bind", "127.0.0.1",
                "--xds-port", self.xds_port, "--http-port", self.http_port,
                "--ca-port", self.ca_port, "--log-level", "debug",
                "--leader-election", "true" if leader_election else "false",
                f"--ca-state-dir={self.state_dir}", "--ca-extra-serving-sans=127.0.0.1",
                *extra_args]
        env = dict(os.environ, POD_NAME=name)
        Process.__init__(self, [str(a) for a in argv], os.path.join(str(workdir), f"{name}.log"),
                         env=env, name=name)


@pytest.fixture
def kube_jibd(request, tmp_path, kube_cluster):
    started = []

    def start(kubeconfig=None, name=None, wait_ready=True, leader_election=True, extra_args=()):
        _ensure_mesh_config(kube_cluster)
        binary = jibd_binary()
        if not os.access(binary, os.X_OK):
            pytest.fail(f"jibd binary not found at {binary} (set JIB_BUILD to a build dir)")
        name = name or f"jibd-{len(started)}"
        j = KubeJibd(kubeconfig or kube_cluster.admin_kubeconfig, tmp_path, name,
                     leader_election, extra_args)
        started.append(j)
        if wait_ready:
            j.wait_ready(timeout=60)
        return j

    yield start
    failed = any(getattr(request.node, f"rep_{w}", None) is not None
                 and getattr(request.node, f"rep_{w}").failed for w in ("setup", "call"))
    for j in started:
        j.stop()
        if failed:
            print(f"\n===== {j.name_} (pid {j.pid}, exit {j.returncode}) log {j.log_path} =====")
            print(j.tail(80))


def _ensure_mesh_config(cluster):
    path = f"/api/v1/namespaces/{CONTROL_PLANE_NS}/configmaps"
    if cluster.exists(f"{path}/istio"):
        return
    cluster.api("POST", path, {"apiVersion": "v1", "kind": "ConfigMap",
                               "metadata": {"name": "istio", "namespace": CONTROL_PLANE_NS},
                               "data": {"mesh": "enableAutoMtls: false\n"}},
                expect=(201, 409))


def lease_holder(cluster):
    path = f"/apis/coordination.k8s.io/v1/namespaces/{CONTROL_PLANE_NS}/leases/{LEASE}"
    if not cluster.exists(path):
        return None
    return cluster.get(path)["spec"].get("holderIdentity") or None


def split_pem(text):
    end = "-----END CERTIFICATE-----"
    return [p.strip() + "\n" + end + "\n" for p in text.split(end) if "BEGIN" in p]


def ca_root_pems(cluster):
    """The roots in istio-ca-secret's root-cert.pem (current first)."""
    secret = cluster.get(f"/api/v1/namespaces/{CONTROL_PLANE_NS}/secrets/istio-ca-secret")
    return split_pem(base64.b64decode(secret["data"]["root-cert.pem"]).decode())


def configz_names(jibd, kind, namespace):
    """Names of the objects of one kind and namespace in jibd's store (may repeat if
    duplicated: that is what some tests check)."""
    status, body = jibd.get("/debug/configz")
    assert status == 200, body
    import json
    return [o["name"] for o in json.loads(body)["objects"]
            if o["kind"] == kind and o["namespace"] == namespace]


def ca_client(jibd, cluster):
    from ca.jibca import CaClient
    roots = "".join(ca_root_pems(cluster)).encode()
    return CaClient(jibd.ca_port, roots)
