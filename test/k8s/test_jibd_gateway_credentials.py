"""Gateway TLS keys over secure xDS follow the cluster's RBAC, as istiod's: SDS hands a
router the private key of a Secret of its namespace only when its service account may list
Secrets there (SubjectAccessReview). jibd runs as its least-privilege service account, with
short answer TTLs so that a revocation is seen at the first push after them."""
import grpc
import pytest

from helpers.ads_client import SDS, AdsStream, secrets
from helpers.gateway_credentials import self_signed, tls_secret
from k8s.kube_jibd import ca_root_pems, configz_names, kube_jibd  # noqa: F401

CREDENTIAL = "kubernetes://shop-gw-cert"
CA = CREDENTIAL + "-cacert"


def grant_list_secrets(cluster, ns, sa):
    """What Istio's gateway chart grants its service account: get/watch/list on Secrets."""
    cluster.api("POST", f"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles",
                {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                 "metadata": {"name": "gateway-secrets"},
                 "rules": [{"apiGroups": [""], "resources": ["secrets"],
                            "verbs": ["get", "watch", "list"]}]})
    cluster.api("POST", f"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings",
                {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                 "metadata": {"name": "gateway-secrets"},
                 "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role",
                             "name": "gateway-secrets"},
                 "subjects": [{"kind": "ServiceAccount", "name": sa, "namespace": ns}]})


@pytest.fixture
def gateway_setup(kube_cluster, kube_namespace, jib_rbac, kube_jibd, wait_until):
    """jibd (as its own service account, TTLs 1s), a namespace with service accounts web and gw
    (gw granted list on Secrets) and the Secret shop-gw-cert (with a ca.crt, public, so that
    its -cacert shows that jibd serves from a snapshot that has the Secret); yields a function
    that opens an SDS stream as one of them, declaring itself a router, and closes them all at
    teardown."""
    ns = kube_namespace
    j = kube_jibd(kubeconfig=jib_rbac.kubeconfig, name="jibd-gwcreds",
                  extra_args=["--credentials-allow-ttl", "1s", "--credentials-deny-ttl", "1s"])
    for sa in ("web", "gw"):
        kube_cluster.create_service_account(ns, sa)
    grant_list_secrets(kube_cluster, ns, "gw")
    _, cert_pem, key_pem = self_signed("gw.shop.example.com")
    kube_cluster.api("POST", f"/api/v1/namespaces/{ns}/secrets",
                     tls_secret("shop-gw-cert", ns, cert_pem, key_pem, ca_pem=cert_pem))
    wait_until(lambda: "shop-gw-cert" in configz_names(j, "Secret", ns), 10,
               "the Secret reaches jibd's store")
    channels, streams = [], []

    def open_stream(sa):
        channel = grpc.secure_channel(
            f"127.0.0.1:{j.ca_port}",
            grpc.ssl_channel_credentials(root_certificates="".join(
                ca_root_pems(kube_cluster)).encode()))
        channels.append(channel)
        stream = AdsStream(channel, f"router~127.0.0.1~{sa}-0.{ns}~{ns}.svc.cluster.local",
                           {"NAMESPACE": ns, "SERVICE_ACCOUNT": sa},
                           token=kube_cluster.token(ns, sa, ["istio-ca"]))
        streams.append(stream)
        stream.subscribe(SDS, [CREDENTIAL, CA])
        return stream

    yield j, ns, key_pem, open_stream
    for s in streams:
        s.close()
    for c in channels:
        c.close()


def key_of(response):
    secret = secrets(response).get(CREDENTIAL)
    return secret.tls_certificate.private_key.inline_bytes if secret else None


def test_workload_declaring_itself_a_router_gets_no_key(gateway_setup):
    j, ns, key_pem, open_stream = gateway_setup
    response = open_stream("web").next_matching(lambda r: CA in secrets(r))
    assert CREDENTIAL not in secrets(response)
    assert key_pem not in response.SerializeToString()
    j.wait_for_log(rf"refusing the credentials of namespace {ns} to router~127\.0\.0\.1~web-0"
                   rf".*system:serviceaccount:{ns}:web may not list secrets in namespace {ns}", 10)
    assert j.metrics().get("pilot_sds_certificate_errors_total") >= 1
    # jibd's own identity may create the reviews: no 403 anywhere.
    assert "HTTP 403" not in j.log_text()


def test_gateway_allowed_by_rbac_gets_the_key(gateway_setup):
    j, ns, key_pem, open_stream = gateway_setup
    response = open_stream("gw").next_matching(lambda r: CA in secrets(r))
    assert key_of(response) == key_pem


def test_revoked_rbac_takes_the_key_away_at_the_next_push(kube_cluster, gateway_setup,
                                                          wait_until):
    j, ns, key_pem, open_stream = gateway_setup
    gw = open_stream("gw")
    assert key_of(gw.next_matching(lambda r: CA in secrets(r))) == key_pem
    kube_cluster.api("DELETE", f"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/"
                     "rolebindings/gateway-secrets")

    def push_and_see_no_key():
        # A new key each time: while the grant is still cached the push carries it (and is
        # ACKed); once the cached grant expires, the push carries no key at all.
        _, cert_pem, new_key = self_signed("gw.shop.example.com")
        kube_cluster.api("PUT", f"/api/v1/namespaces/{ns}/secrets/shop-gw-cert",
                         tls_secret("shop-gw-cert", ns, cert_pem, new_key, ca_pem=cert_pem))
        response = gw.next(timeout=10)
        gw.ack(response)
        return response if key_of(response) is None else None

    response = wait_until(push_and_see_no_key, 30, "a push without the key after revocation")
    assert key_pem not in response.SerializeToString()
    j.wait_for_log(rf"refusing the credentials of namespace {ns} to router~127\.0\.0\.1~gw-0", 5)
