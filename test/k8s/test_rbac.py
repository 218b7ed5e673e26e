"""k8s/rbac/ against a real kube-apiserver with RBAC: the service account jibd can do exactly
what jibd needs and nothing more. Checked twice: with `kubectl auth can-i` (a
SelfSubjectAccessReview as jibd) over a table, and with real requests made with jibd's token
for the operations whose authorization depends on the request's shape (list by name)."""
import pytest
import requests

NS = "istio-system"
ISTIO_RESOURCES = [
    "virtualservices.networking.istio.io", "destinationrules.networking.istio.io",
    "gateways.networking.istio.io", "serviceentries.networking.istio.io",
    "workloadentries.networking.istio.io", "workloadgroups.networking.istio.io",
    "sidecars.networking.istio.io", "peerauthentications.security.istio.io",
    "requestauthentications.security.istio.io", "authorizationpolicies.security.istio.io",
    "wasmplugins.extensions.istio.io", "telemetries.telemetry.istio.io",
]
READ_CLUSTER_WIDE = ISTIO_RESOURCES + [
    "services", "pods", "serviceaccounts", "namespaces", "endpointslices.discovery.k8s.io",
    "secrets", "customresourcedefinitions.apiextensions.k8s.io",
]

# (verb, resource, namespace or None for all namespaces, name or None)
ALLOWED = (
    [(verb, r, None, None) for r in READ_CLUSTER_WIDE for verb in ("get", "list", "watch")]
    + [(verb, "configmaps", ns, "istio-ca-root-cert")
       for verb in ("get", "list", "watch", "update", "patch") for ns in ("default", NS, None)]
    + [("create", "configmaps", "default", None),
       ("get", "configmaps", NS, "istio"), ("list", "configmaps", NS, None),
       ("watch", "configmaps", NS, None),
       ("create", "secrets", NS, None),
       ("update", "secrets", NS, "istio-ca-secret"), ("patch", "secrets", NS, "istio-ca-secret"),
       ("get", "leases.coordination.k8s.io", NS, "jibd"),
       ("create", "leases.coordination.k8s.io", NS, None),
       ("update", "leases.coordination.k8s.io", NS, "jibd"),
       ("create", "tokenreviews.authentication.k8s.io", None, None),
       ("create", "subjectaccessreviews.authorization.k8s.io", None, None),
       ("create", "events", "default", None), ("patch", "events", "default", None),
       ("create", "events.events.k8s.io", "default", None)]
)
DENIED = (
    [(verb, r, "default", None) for r in ISTIO_RESOURCES
     for verb in ("create", "update", "patch", "delete")]
    + [(verb, r, "default", None) for r in ("services", "pods", "serviceaccounts",
                                              "endpointslices.discovery.k8s.io")
       for verb in ("create", "update", "delete")]
    + [("delete", "namespaces", None, "default"), ("create", "namespaces", None, None),
       # ConfigMaps other than the root cert, outside the control-plane namespace.
       ("get", "configmaps", "default", "app-config"), ("list", "configmaps", "default", None),
       ("list", "configmaps", None, None), ("update", "configmaps", "default", "app-config"),
       ("delete", "configmaps", "default", "istio-ca-root-cert"),
       ("update", "configmaps", NS, "istio"),
       # Secrets are read-only outside istio-ca-secret in the control-plane namespace.
       ("create", "secrets", "default", None), ("update", "secrets", "default", "tls"),
       ("delete", "secrets", "default", "tls"), ("update", "secrets", NS, "cacerts"),
       ("delete", "secrets", NS, "istio-ca-secret"), ("patch", "secrets", NS, "other"),
       # Leases only in the control-plane namespace, never deleted.
       ("create", "leases.coordination.k8s.io", "default", None),
       ("get", "leases.coordination.k8s.io", "default", "jibd"),
       ("delete", "leases.coordination.k8s.io", NS, "jibd"),
       # Nothing that could lift its own privileges or act as someone else.
       ("create", "serviceaccounts/token", "default", None),
       ("create", "clusterrolebindings.rbac.authorization.k8s.io", None, None),
       ("create", "rolebindings.rbac.authorization.k8s.io", NS, None),
       ("update", "clusterroles.rbac.authorization.k8s.io", None, "jibd"),
       ("impersonate", "serviceaccounts", "default", None),
       ("create", "certificatesigningrequests.certificates.k8s.io", None, None),
       ("list", "nodes", None, None),
       ("create", "customresourcedefinitions.apiextensions.k8s.io", None, None),
       ("update", "mutatingwebhookconfigurations.admissionregistration.k8s.io", None, None)]
)


def _id(case):
    verb, resource, ns, name = case
    return f"{verb}-{resource.split('.')[0]}-{ns or 'all'}" + (f"-{name}" if name else "")


def _ssar(client, case):
    """A SelfSubjectAccessReview as jibd (what `kubectl auth can-i` sends)."""
    verb, resource, ns, name = case
    resource, _, subresource = resource.partition("/")
    resource, _, group = resource.partition(".")
    attrs = {"verb": verb, "resource": resource, "group": group}
    if ns:
        attrs["namespace"] = ns
    if name:
        attrs["name"] = name
    if subresource:
        attrs["subresource"] = subresource
    r = client("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
               {"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
                "spec": {"resourceAttributes": attrs}})
    assert r.status_code == 201, r.text
    return r.json()["status"]["allowed"]


@pytest.mark.parametrize("case", ALLOWED, ids=[_id(c) for c in ALLOWED])
def test_jibd_can(jibd_module_client, case):
    assert _ssar(jibd_module_client, case)


@pytest.mark.parametrize("case", DENIED, ids=[_id(c) for c in DENIED])
def test_jibd_cannot(jibd_module_client, case):
    assert not _ssar(jibd_module_client, case)


def test_kubectl_auth_can_i_agrees(kube_cluster, kube_crds, jib_rbac):
    """The same answers through kubectl with jibd's kubeconfig (as an operator would check)."""
    kc = jib_rbac.kubeconfig
    assert kube_cluster.can_i(kc, "watch", "virtualservices.networking.istio.io")
    assert kube_cluster.can_i(kc, "update", "configmaps", namespace="default",
                              name="istio-ca-root-cert")
    assert kube_cluster.can_i(kc, "create", "leases.coordination.k8s.io", namespace=NS)
    assert not kube_cluster.can_i(kc, "create", "secrets", namespace="default")
    assert not kube_cluster.can_i(kc, "create", "serviceaccounts", namespace="default",
                                  subresource="token")
    assert not kube_cluster.can_i(kc, "list", "configmaps", namespace="default")


class AsJibd:
    """REST calls with jibd's bearer token."""

    def __init__(self, cluster, token):
        self.cluster = cluster
        self.s = requests.Session()
        self.s.trust_env = False
        self.s.verify = cluster.ca_path
        self.s.headers["Authorization"] = f"Bearer {token}"

    def __call__(self, method, path, body=None, params=None):
        return self.s.request(method, self.cluster.server + path, json=body, params=params,
                              timeout=30)


@pytest.fixture
def as_jibd(kube_cluster, jib_rbac):
    client = AsJibd(kube_cluster, jib_rbac.token)
    yield client
    client.s.close()


@pytest.fixture(scope="module")
def jibd_module_client(kube_cluster, kube_crds, jib_rbac):
    client = AsJibd(kube_cluster, jib_rbac.token)
    yield client
    client.s.close()


def test_root_cert_configmaps_by_field_selector(kube_cluster, as_jibd, kube_namespace):
    """jibd keeps istio-ca-root-cert in every namespace: it lists and watches ConfigMaps
    cluster-wide with a metadata.name field selector (allowed by resourceNames), creates and
    updates them; without the selector the list is forbidden."""
    by_name = {"fieldSelector": "metadata.name=istio-ca-root-cert"}
    r = as_jibd("GET", "/api/v1/configmaps", params=by_name)
    assert r.status_code == 200, r.text
    r = as_jibd("GET", "/api/v1/configmaps", params={**by_name, "watch": "1",
                                                     "timeoutSeconds": "1"})
    assert r.status_code == 200, r.text
    assert as_jibd("GET", "/api/v1/configmaps").status_code == 403

    cm = {"apiVersion": "v1", "kind": "ConfigMap",
          "metadata": {"name": "istio-ca-root-cert"}, "data": {"root-cert.pem": "x"}}
    path = f"/api/v1/namespaces/{kube_namespace}/configmaps"
    r = as_jibd("POST", path, cm)
    assert r.status_code == 201, r.text
    cm = r.json()
    cm["data"]["root-cert.pem"] = "y"
    r = as_jibd("PUT", f"{path}/istio-ca-root-cert", cm)
    assert r.status_code == 200, r.text
    assert as_jibd("DELETE", f"{path}/istio-ca-root-cert").status_code == 403

    kube_cluster.api("POST", path, {"apiVersion": "v1", "kind": "ConfigMap",
                                    "metadata": {"name": "app-config"}, "data": {"k": "v"}})
    assert as_jibd("GET", f"{path}/app-config").status_code == 403


def test_ca_secret_and_lease_in_control_plane_namespace(kube_cluster, as_jibd):
    secrets = f"/api/v1/namespaces/{NS}/secrets"
    body = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "istio-ca-secret"},
            "type": "istio.io/ca-root", "data": {"ca-cert.pem": "eA=="}}
    r = as_jibd("POST", secrets, body)
    assert r.status_code in (201, 409), r.text
    got = as_jibd("GET", f"{secrets}/istio-ca-secret")
    assert got.status_code == 200
    s = got.json()
    s["data"]["ca-cert.pem"] = "eQ=="
    assert as_jibd("PUT", f"{secrets}/istio-ca-secret", s).status_code == 200

    leases = f"/apis/coordination.k8s.io/v1/namespaces/{NS}/leases"
    lease = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
             "metadata": {"name": "jib-rbac-test"},
             "spec": {"holderIdentity": "jibd-0", "leaseDurationSeconds": 15}}
    r = as_jibd("POST", leases, lease)
    assert r.status_code == 201, r.text
    lease = r.json()
    lease["spec"]["holderIdentity"] = "jibd-1"
    assert as_jibd("PUT", f"{leases}/jib-rbac-test", lease).status_code == 200
    assert as_jibd("DELETE", f"{leases}/jib-rbac-test").status_code == 403
    assert as_jibd("POST", "/apis/coordination.k8s.io/v1/namespaces/default/leases",
                   lease).status_code == 403


def test_token_review_as_jibd(kube_cluster, as_jibd, kube_namespace):
    kube_cluster.create_service_account(kube_namespace, "a")
    token = kube_cluster.token(kube_namespace, "a", audiences=["istio-ca"])
    r = as_jibd("POST", "/apis/authentication.k8s.io/v1/tokenreviews",
                {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview",
                 "spec": {"token": token, "audiences": ["istio-ca"]}})
    assert r.status_code == 201, r.text
    status = r.json()["status"]
    assert status["authenticated"] is True
    assert status["user"]["username"] == f"system:serviceaccount:{kube_namespace}:a"
    assert status["audiences"] == ["istio-ca"]
