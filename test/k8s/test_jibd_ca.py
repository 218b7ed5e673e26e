"""The CA of jibd on Kubernetes: TokenRequest tokens are reviewed by the real API server
(TokenReview, audience istio-ca), and the self-signed root lives in istio-ca-secret, so that a
restarted jibd keeps it."""
import grpc
import pytest
from cryptography import x509

from ca.jibca import make_csr
from k8s.kube_jibd import ca_client, ca_root_pems, kube_jibd, split_pem  # noqa: F401


def _uri_sans(chain):
    leaf = x509.load_pem_x509_certificate(chain[0].encode())
    return leaf.extensions.get_extension_for_class(
        x509.SubjectAlternativeName).value.get_values_for_type(x509.UniformResourceIdentifier)


def test_token_request_token_gets_its_spiffe_identity(kube_cluster, kube_namespace, kube_jibd):
    ns = kube_namespace
    j = kube_jibd()
    kube_cluster.create_service_account(ns, "a")
    client = ca_client(j, kube_cluster)
    try:
        chain = client.create(make_csr()[1],
                              kube_cluster.token(ns, "a", audiences=["istio-ca"]))
        assert _uri_sans(chain) == [f"spiffe://cluster.local/ns/{ns}/sa/a"]
        # The chain ends at the root that istio-ca-secret holds.
        assert split_pem(chain[-1])[0] == ca_root_pems(kube_cluster)[0] or \
            x509.load_pem_x509_certificate(chain[-1].encode()).issuer == \
            x509.load_pem_x509_certificate(ca_root_pems(kube_cluster)[0].encode()).subject
    finally:
        client.close()


def test_wrong_audience_and_deleted_service_account_are_refused(kube_cluster, kube_namespace,
                                                                kube_jibd):
    ns = kube_namespace
    j = kube_jibd()
    kube_cluster.create_service_account(ns, "a")
    kube_cluster.create_service_account(ns, "gone")
    wrong_audience = kube_cluster.token(ns, "a", audiences=["some-other-audience"])
    api_audience = kube_cluster.token(ns, "a")  # the API server's own audience
    of_deleted = kube_cluster.token(ns, "gone", audiences=["istio-ca"])
    kube_cluster.delete_service_account(ns, "gone")
    client = ca_client(j, kube_cluster)
    try:
        for token in (wrong_audience, api_audience, of_deleted, "not-a-token"):
            with pytest.raises(grpc.RpcError) as e:
                client.create(make_csr()[1], token)
            assert e.value.code() == grpc.StatusCode.UNAUTHENTICATED, e.value
    finally:
        client.close()


def test_restart_keeps_the_root_from_istio_ca_secret(kube_cluster, kube_namespace, kube_jibd):
    ns = kube_namespace
    kube_cluster.create_service_account(ns, "a")
    first = kube_jibd(name="jibd-first")
    root = ca_root_pems(kube_cluster)[0]
    client = ca_client(first, kube_cluster)
    chain_1 = client.create(make_csr()[1], kube_cluster.token(ns, "a", ["istio-ca"]))
    client.close()
    first.stop()
    # A new process with a fresh state dir: only the Secret can give it the same root.
    second = kube_jibd(name="jibd-second")
    assert ca_root_pems(kube_cluster)[0] == root
    client = ca_client(second, kube_cluster)
    try:
        chain_2 = client.create(make_csr()[1], kube_cluster.token(ns, "a", ["istio-ca"]))
    finally:
        client.close()
    issuer = lambda chain: x509.load_pem_x509_certificate(chain[-1].encode()).issuer  # noqa: E731
    assert issuer(chain_1) == issuer(chain_2)
    assert x509.load_pem_x509_certificate(root.encode()).subject == issuer(chain_2)


def _plugged_in_ca(d):
    """root (EC) -> intermediate (EC) in Istio's cacerts layout, made with openssl (as
    test/ca/test_material.py does)."""
    import os

    from ca.jibca import openssl
    d.mkdir()
    r = openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", str(d / "root-key.pem"), "-out", str(d / "root-cert.pem"),
                "-subj", "/O=Plugged/CN=Plugged Root", "-days", "30",
                "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    assert r.returncode == 0, r.stderr
    r = openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", str(d / "ca-key.pem"), "-out", str(d / "ca.csr"),
                "-subj", "/O=Plugged/CN=Plugged Intermediate")
    assert r.returncode == 0, r.stderr
    (d / "ext.cnf").write_text("basicConstraints=critical,CA:TRUE,pathlen:0\n"
                               "keyUsage=critical,keyCertSign,cRLSign\n"
                               "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n")
    r = openssl("x509", "-req", "-in", str(d / "ca.csr"), "-CA", str(d / "root-cert.pem"),
                "-CAkey", str(d / "root-key.pem"), "-CAcreateserial", "-days", "20",
                "-extfile", str(d / "ext.cnf"), "-out", str(d / "ca-cert.pem"))
    assert r.returncode == 0, r.stderr
    (d / "cert-chain.pem").write_text((d / "ca-cert.pem").read_text() +
                                      (d / "root-cert.pem").read_text())
    os.chmod(d / "ca-key.pem", 0o600)


def test_cacerts_secret_switches_to_the_plugged_in_ca(kube_cluster, kube_namespace, kube_jibd,
                                                      tmp_path, wait_until):
    import base64

    from ca.jibca import CaClient, load_cert
    from k8s.kube_jibd import CONTROL_PLANE_NS, lease_holder

    ns = kube_namespace
    cacerts = tmp_path / "cacerts"
    _plugged_in_ca(cacerts)
    keys = ("ca-cert.pem", "ca-key.pem", "cert-chain.pem", "root-cert.pem")
    secrets = f"/api/v1/namespaces/{CONTROL_PLANE_NS}/secrets"
    kube_cluster.api("POST", secrets, {
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "cacerts", "namespace": CONTROL_PLANE_NS},
        "data": {k: base64.b64encode((cacerts / k).read_bytes()).decode() for k in keys}})
    try:
        kube_cluster.create_service_account(ns, "a")
        j = kube_jibd(name="jibd-plugged")
        root_pem = (cacerts / "root-cert.pem").read_bytes()
        client = CaClient(j.ca_port, root_pem)
        try:
            chain = client.create(make_csr()[1], kube_cluster.token(ns, "a", ["istio-ca"]))
        finally:
            client.close()
        assert load_cert(chain[0]).issuer == load_cert((cacerts / "ca-cert.pem").read_text()).subject
        assert load_cert(chain[-1]) == load_cert(root_pem.decode())
        # The namespaces' root-cert ConfigMaps follow the plugged-in root.
        wait_until(lambda: lease_holder(kube_cluster) == "jibd-plugged", 30, "jibd leads")
        cm = f"/api/v1/namespaces/{ns}/configmaps/istio-ca-root-cert"
        wait_until(lambda: load_cert(kube_cluster.get(cm)["data"]["root-cert.pem"]) ==
                   load_cert(root_pem.decode()), 10, "istio-ca-root-cert holds the plugged root")
        j.stop()
    finally:
        kube_cluster.api("DELETE", f"{secrets}/cacerts")
