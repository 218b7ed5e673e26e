"""Every refusal has its own gRPC status and message (codes as istiod: UNAUTHENTICATED for
authentication, INVALID_ARGUMENT for the CSR and TTL)."""
import base64

import grpc
import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

import jibca

UNAUTH = grpc.StatusCode.UNAUTHENTICATED
INVALID = grpc.StatusCode.INVALID_ARGUMENT
WEB = "spiffe://cluster.local/ns/default/sa/web"


def _bad_signature_csr():
    _, pem = jibca.make_csr(uris=[WEB])
    der = bytearray(x509.load_pem_x509_csr(pem).public_bytes(jibca.serialization.Encoding.DER))
    der[-1] ^= 0x01  # inside the signature's last INTEGER: still DER, no longer valid
    b64 = base64.encodebytes(bytes(der)).decode()
    return f"-----BEGIN CERTIFICATE REQUEST-----\n{b64}-----END CERTIFICATE REQUEST-----\n"


def _cases(issuer):
    ok = lambda: issuer.token("default", "web")  # noqa: E731
    csr = lambda **kw: jibca.make_csr(**kw)[1]  # noqa: E731
    other_key = ec.generate_private_key(ec.SECP256R1())
    return {
        "garbage": (b"hello, I am not a CSR", ok(), 0, INVALID, "not a PEM-encoded PKCS#10"),
        "ca_true": (csr(ca=True), ok(), 0, INVALID, "asks for a CA certificate"),
        "other_extension": (csr(extra_ext=x509.OCSPNoCheck()), ok(), 0, INVALID,
                            "which this CA does not grant"),
        "cert_sign_usage": (csr(extra_ext=x509.KeyUsage(True, False, False, False, False, True,
                                                        False, False, False)),
                            ok(), 0, INVALID, "key usages this CA does not grant"),
        "rsa1024": (csr(key=jibca.make_key("rsa1024")), ok(), 0, INVALID,
                    "RSA key of 1024 bits is too weak"),
        "p521": (csr(key=jibca.make_key("ec521")), ok(), 0, INVALID, "curve secp521r1"),
        "ed25519": (csr(key=jibca.make_key("ed25519")), ok(), 0, INVALID,
                    "key type ED25519 is not accepted"),
        "ttl_too_long": (csr(), ok(), 91 * 86400, INVALID,
                         "is greater than the max allowed TTL"),
        "no_token": (csr(), None, 0, UNAUTH, "no bearer token or client certificate"),
        "expired_token": (csr(), issuer.token(exp_in=-3600), 0, UNAUTH, "token has expired"),
        "wrong_audience": (csr(), issuer.token(aud="someone-else"), 0, UNAUTH,
                           "audience does not include \"istio-ca\""),
        "wrong_issuer": (csr(), issuer.token(iss="https://evil.example"), 0, UNAUTH,
                         "is not the trusted issuer"),
        "unknown_signing_key": (csr(), issuer.token(key=other_key), 0, UNAUTH,
                                "does not verify with any configured key"),
        "alg_none": (csr(), jwt.encode({"iss": jibca.ISSUER, "aud": "istio-ca",
                                        "sub": "system:serviceaccount:default:web",
                                        "exp": 4102444800}, None, algorithm="none"),
                     0, UNAUTH, "algorithm \"none\" is not accepted"),
        "not_a_service_account": (csr(), issuer.token(sub="alice"), 0, UNAUTH,
                                  "does not name a Kubernetes service account"),
        "other_identity": (csr(uris=["spiffe://cluster.local/ns/prod/sa/db"]), ok(), 0, INVALID,
                           "asks for identity spiffe://cluster.local/ns/prod/sa/db but the "
                           "caller is spiffe://cluster.local/ns/default/sa/web"),
        "dns_san": (csr(dns=["db.prod.svc"]), ok(), 0, INVALID, "non-URI subjectAltName"),
        "bad_signature": (_bad_signature_csr(), ok(), 0, INVALID, "signature does not verify"),
        "one_mib": ("A" * (1 << 20), ok(), 0, INVALID,
                    "CSR is 1048576 bytes; at most 65536 are accepted"),
    }


def test_each_refusal_has_its_status_and_message(ca_server, issuer):
    ca = ca_server()
    client = ca.client()
    failures = []
    for name, (csr, token, ttl, code, message) in _cases(issuer).items():
        try:
            client.create(csr, token, ttl=ttl)
            failures.append(f"{name}: accepted")
        except grpc.RpcError as e:
            if e.code() != code or message not in e.details():
                failures.append(f"{name}: {e.code()} {e.details()!r}, wanted {code} {message!r}")
    assert not failures, "\n".join(failures)
    # And the service still works afterwards.
    assert len(client.create(jibca.make_csr(uris=[WEB])[1], issuer.token())) == 2


@pytest.mark.parametrize("args, status, message", [
    (["--key-type", "rsa1024"], "INVALID_ARGUMENT", "RSA key of 1024 bits is too weak"),
    (["--ttl", str(100 * 86400)], "INVALID_ARGUMENT", "greater than the max allowed TTL"),
    (["--san", "spiffe://cluster.local/ns/kube-system/sa/admin"], "INVALID_ARGUMENT",
     "asks for identity spiffe://cluster.local/ns/kube-system/sa/admin"),
])
def test_jibctl_prints_the_status_and_exits_nonzero(ca_server, issuer, jibctl, tmp_path, args,
                                                    status, message):
    ca = ca_server()
    token = tmp_path / "token"
    token.write_text(issuer.token())
    r = jibctl("csr", "--ca", ca.addr, "--token", token, "--root-cert", ca.bundle_path,
               "--out", tmp_path, *args)
    assert r.returncode == 1
    assert f"refused: {status}: " in r.stderr and message in r.stderr, r.stderr
    assert not (tmp_path / "key.pem").exists()


def test_jibctl_refuses_an_unverified_server(ca_server, issuer, jibctl, tmp_path):
    ca, other = ca_server(), ca_server()
    token = tmp_path / "token"
    token.write_text(issuer.token())
    r = jibctl("csr", "--ca", ca.addr, "--token", token, "--root-cert", other.bundle_path,
               "--out", tmp_path, timeout=60)
    assert r.returncode == 1 and "UNAVAILABLE" in r.stderr, r.stderr
