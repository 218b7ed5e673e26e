"""Self-checks of the Kubernetes harness (cluster.py): the API server is real and enforces RBAC,
TokenRequest and TokenReview behave as the CA on Kubernetes will rely on, and the failure
modes later tests provoke (API server restart, etcd compaction, 410 Gone) are reachable."""
import json
import time

import requests

from helpers.wait import wait_until


def test_version_and_rbac(kube_cluster):
    v = kube_cluster.get("/version")
    assert v["major"] == "1" and v["gitVersion"].startswith("v1.32."), v
    out = kube_cluster.kubectl("version", "-o", "json").stdout
    assert json.loads(out)["clientVersion"]["gitVersion"] == v["gitVersion"]
    # RBAC is the authorizer: a service account with no bindings is refused.
    r = requests.get(kube_cluster.server + "/api/v1/namespaces", verify=kube_cluster.ca_path,
                     timeout=10)
    assert r.status_code == 403, r.text  # anonymous


def test_token_request_and_review(kube_cluster, kube_namespace, tmp_path):
    """A TokenRequest token for SA a in namespace n, audience istio-ca, reviews as
    system:serviceaccount:n:a with that audience; a token for another audience is not
    authenticated for istio-ca; the token of a deleted service account is refused."""
    kube_cluster.create_service_account(kube_namespace, "a")
    token = kube_cluster.token(kube_namespace, "a", audiences=["istio-ca"])
    st = kube_cluster.token_review(token, audiences=["istio-ca"])
    assert st["authenticated"] is True, st
    assert st["user"]["username"] == f"system:serviceaccount:{kube_namespace}:a"
    assert st["audiences"] == ["istio-ca"]

    other = kube_cluster.token(kube_namespace, "a", audiences=["somebody-else"])
    st = kube_cluster.token_review(other, audiences=["istio-ca"])
    assert st.get("authenticated") is not True, st

    # A token without explicit audiences is for the API server and works as a bearer token.
    kc = kube_cluster.kubeconfig_for_token(kube_cluster.token(kube_namespace, "a"),
                                           tmp_path / "a.kubeconfig")
    p = kube_cluster.kubectl("auth", "whoami", "-o", "json", kubeconfig=kc)
    assert json.loads(p.stdout)["status"]["userInfo"]["username"] == \
        f"system:serviceaccount:{kube_namespace}:a"

    # The API server caches a successful token authentication for 10 s (not configurable by
    # flag), so the deleted account's token is refused once that entry expires.
    kube_cluster.delete_service_account(kube_namespace, "a")
    start = time.monotonic()
    wait_until(lambda: kube_cluster.token_review(token, audiences=["istio-ca"])
               .get("authenticated") is not True, 30, "the deleted account's token refused",
               interval=0.5)
    print(f"deleted service account's token refused after {time.monotonic() - start:.1f} s")


def test_restart_apiserver_keeps_objects(kube_cluster, kube_namespace):
    cms = f"/api/v1/namespaces/{kube_namespace}/configmaps"
    kube_cluster.api("POST", cms, {"apiVersion": "v1", "kind": "ConfigMap",
                                   "metadata": {"name": "survivor"}, "data": {"k": "v"}})
    kube_cluster.restart_apiserver()
    assert kube_cluster.get(f"{cms}/survivor")["data"] == {"k": "v"}


def test_compaction_makes_old_resource_version_gone(kube_cluster, kube_namespace):
    """What a forced 410 looks like: after etcd compaction and an API server restart (which
    drops its watch cache), a watch from an older resourceVersion ends with a 410 ERROR
    event and an exact list at it is refused with 410."""
    cms = f"/api/v1/namespaces/{kube_namespace}/configmaps"
    first = kube_cluster.api("POST", cms, {"apiVersion": "v1", "kind": "ConfigMap",
                                           "metadata": {"name": "c0"}})
    old_rv = first["metadata"]["resourceVersion"]
    for i in range(1, 4):
        kube_cluster.api("POST", cms, {"apiVersion": "v1", "kind": "ConfigMap",
                                       "metadata": {"name": f"c{i}"}})
    kube_cluster.compact_etcd()
    kube_cluster.restart_apiserver()

    r = kube_cluster.api("GET", cms, params={"watch": "1", "resourceVersion": old_rv,
                                             "timeoutSeconds": "5"}, expect=None)
    if r.status_code == 200:
        events = [json.loads(line) for line in r.text.splitlines() if line.strip()]
        assert events and events[0]["type"] == "ERROR", events[:2]
        assert events[0]["object"]["code"] == 410, events[0]
    else:
        assert r.status_code == 410, r.text
    r = kube_cluster.api("GET", cms, params={"resourceVersion": old_rv,
                                             "resourceVersionMatch": "Exact"}, expect=None)
    assert r.status_code == 410, r.text
