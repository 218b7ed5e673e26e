"""The TokenReview authenticator against a small TLS TokenReview server (python http.server):
a review counts only if authenticated and the audience asked for comes back."""
import datetime
import ipaddress
import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID

import jibca

REVIEWER_TOKEN = "reviewer-credential"


class TokenReviewServer:
    """Answers POST /apis/authentication.k8s.io/v1/tokenreviews from a table of tokens."""

    def __init__(self, directory):
        self.table = {}  # token -> status dict
        self.requests = []
        key = jibca.make_key("ec")
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kube-apiserver")])
        now = jibca.utcnow()
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(minutes=1))
                .not_valid_after(now + datetime.timedelta(hours=1))
                .add_extension(x509.SubjectAlternativeName(
                    [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
                .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                .sign(key, hashes.SHA256()))
        self.cert_file = directory / "apiserver.pem"
        key_file = directory / "apiserver-key.pem"
        self.cert_file.write_bytes(cert.public_bytes(jibca.serialization.Encoding.PEM))
        key_file.write_bytes(jibca.key_pem(key))
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append((self.path, self.headers.get("Authorization"), body))
                if self.headers.get("Authorization") != f"Bearer {REVIEWER_TOKEN}":
                    self.send_response(401)
                    self.end_headers()
                    return
                status = outer.table.get(body["spec"]["token"], {"authenticated": False,
                                                                  "error": "unknown token"})
                out = json.dumps({"apiVersion": "authentication.k8s.io/v1",
                                  "kind": "TokenReview", "status": status}).encode()
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(str(self.cert_file), str(key_file))
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.url = (f"https://127.0.0.1:{self.httpd.server_address[1]}"
                    "/apis/authentication.k8s.io/v1/tokenreviews")
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture
def apiserver(tmp_path):
    s = TokenReviewServer(tmp_path)
    yield s
    s.stop()


def _user(ns, sa):
    return {"username": f"system:serviceaccount:{ns}:{sa}"}


def test_token_review(ca_server, apiserver, tmp_path):
    cred = tmp_path / "reviewer-token"
    cred.write_text(REVIEWER_TOKEN + "\n")
    apiserver.table = {
        "good": {"authenticated": True, "user": _user("shop", "cart"), "audiences": ["istio-ca"]},
        "not-authenticated": {"authenticated": False, "error": "token has been invalidated"},
        "no-audience": {"authenticated": True, "user": _user("shop", "cart")},
        "other-audience": {"authenticated": True, "user": _user("shop", "cart"),
                           "audiences": ["vault"]},
        "a-human": {"authenticated": True, "user": {"username": "alice"},
                    "audiences": ["istio-ca"]},
    }
    ca = ca_server(jwt=False, extra_args=[
        f"--ca-token-review-url={apiserver.url}", f"--ca-token-review-token-file={cred}",
        f"--ca-token-review-ca-file={apiserver.cert_file}"])
    client = ca.client()
    cart = "spiffe://cluster.local/ns/shop/sa/cart"
    chain = client.create(jibca.make_csr(uris=[cart])[1], "good")
    san = jibca.load_cert(chain[0]).extensions.get_extension_for_class(
        x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.UniformResourceIdentifier) == [cart]
    path, auth, body = apiserver.requests[0]
    assert path == "/apis/authentication.k8s.io/v1/tokenreviews"
    assert auth == f"Bearer {REVIEWER_TOKEN}"
    assert body["kind"] == "TokenReview" and body["spec"] == {"token": "good",
                                                              "audiences": ["istio-ca"]}
    # Accepted reviews are cached briefly: a second CSR with the same token costs no call.
    client.create(jibca.make_csr()[1], "good")
    assert len(apiserver.requests) == 1

    for token, message in (("not-authenticated", "not authenticated (token has been invalidated)"),
                           ("unknown", "not authenticated (unknown token)"),
                           ("no-audience", "not valid for audience \"istio-ca\""),
                           ("other-audience", "not valid for audience \"istio-ca\""),
                           ("a-human", "user \"alice\" is not a service account")):
        with pytest.raises(grpc.RpcError) as e:
            client.create(jibca.make_csr()[1], token)
        assert e.value.code() == grpc.StatusCode.UNAUTHENTICATED
        assert "kube-tokenreview: TokenReview: " in e.value.details()
        assert message in e.value.details(), e.value.details()
    # The token of shop/cart cannot ask for someone else's identity.
    with pytest.raises(grpc.RpcError) as e:
        client.create(jibca.make_csr(uris=["spiffe://cluster.local/ns/shop/sa/pay"])[1], "good")
    assert e.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_token_review_server_unreachable_or_untrusted(ca_server, apiserver, tmp_path):
    cred = tmp_path / "reviewer-token"
    cred.write_text(REVIEWER_TOKEN)
    apiserver.table = {"good": {"authenticated": True, "user": _user("shop", "cart"),
                                "audiences": ["istio-ca"]}}
    # Without the API server's CA the TLS check fails, and the CSR is refused, not signed.
    ca = ca_server(jwt=False, extra_args=[f"--ca-token-review-url={apiserver.url}",
                                          f"--ca-token-review-token-file={cred}"])
    with pytest.raises(grpc.RpcError) as e:
        ca.client().create(jibca.make_csr()[1], "good")
    assert e.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "TokenReview request failed" in e.value.details(), e.value.details()
    assert not apiserver.requests
