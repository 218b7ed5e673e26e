"""Helpers for the CA tests: the CA gRPC call without generated stubs, CSRs and keys made with
`cryptography`, tokens with PyJWT, and openssl CLI checks."""
import datetime
import os
import subprocess
import time
import uuid

import grpc
import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

BUILD = os.environ.get("JIB_BUILD", "/work/main/build")
TESTSERVER = os.path.join(BUILD, "ca", "jib-ca-testserver")
JIBCTL = os.path.join(BUILD, "cmd", "jibctl", "jibctl")
METHOD = "/istio.v1.auth.IstioCertificateService/CreateCertificate"
ISSUER = "https://jib.test/issuer"
AUDIENCE = "istio-ca"


def _messages():
    # The two messages of proto/istio/ca.proto that the tests need (metadata is left out).
    F = descriptor_pb2.FieldDescriptorProto
    fdp = descriptor_pb2.FileDescriptorProto(name="jibtest/ca.proto", package="istio.v1.auth",
                                             syntax="proto3")
    req = fdp.message_type.add(name="IstioCertificateRequest")
    req.field.add(name="csr", number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    req.field.add(name="validity_duration", number=2, type=F.TYPE_INT64, label=F.LABEL_OPTIONAL)
    resp = fdp.message_type.add(name="IstioCertificateResponse")
    resp.field.add(name="cert_chain", number=1, type=F.TYPE_STRING, label=F.LABEL_REPEATED)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    get = lambda n: message_factory.GetMessageClass(pool.FindMessageTypeByName(n))
    return get("istio.v1.auth.IstioCertificateRequest"), get("istio.v1.auth.IstioCertificateResponse")


Request, Response = _messages()


class CaClient:
    """One TLS channel to the CA; verifies the server against `roots_pem`."""

    def __init__(self, port, roots_pem, client_key_pem=None, client_chain_pem=None):
        creds = grpc.ssl_channel_credentials(root_certificates=roots_pem,
                                             private_key=client_key_pem,
                                             certificate_chain=client_chain_pem)
        self.channel = grpc.secure_channel(f"127.0.0.1:{port}", creds)
        self.call = self.channel.unary_unary(METHOD, request_serializer=Request.SerializeToString,
                                             response_deserializer=Response.FromString)

    def create(self, csr_pem, token=None, ttl=0, timeout=20):
        md = [("authorization", f"Bearer {token}")] if token else None
        req = Request(csr=csr_pem.decode() if isinstance(csr_pem, bytes) else csr_pem,
                      validity_duration=ttl)
        return list(self.call(req, metadata=md, timeout=timeout).cert_chain)

    def close(self):
        self.channel.close()


def make_key(kind="ec"):
    if kind == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    if kind == "ec384":
        return ec.generate_private_key(ec.SECP384R1())
    if kind == "ec521":
        return ec.generate_private_key(ec.SECP521R1())
    if kind == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    if kind.startswith("rsa"):
        return rsa.generate_private_key(65537, int(kind[3:] or 2048))
    raise ValueError(kind)


def key_pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def make_csr(key=None, uris=(), dns=(), ca=None, extra_ext=None):
    key = key or make_key()
    b = x509.CertificateSigningRequestBuilder().subject_name(x509.Name([]))
    sans = [x509.UniformResourceIdentifier(u) for u in uris] + [x509.DNSName(d) for d in dns]
    if sans:
        b = b.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    if ca is not None:
        b = b.add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    if extra_ext is not None:
        b = b.add_extension(extra_ext, critical=False)
    algo = None if isinstance(key, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    return key, b.sign(key, algo).public_bytes(serialization.Encoding.PEM)


class Issuer:
    """A JWT issuer with one ES256 and one RS256 key, published as a JWKS file."""

    def __init__(self, directory, issuer=ISSUER):
        self.issuer = issuer
        self.ec = ec.generate_private_key(ec.SECP256R1())
        self.rsa = rsa.generate_private_key(65537, 2048)
        keys = []
        for kid, k, alg in (("ec-1", self.ec, "ES256"), ("rsa-1", self.rsa, "RS256")):
            jwk = jwt.algorithms.get_default_algorithms()[alg].to_jwk(k.public_key(), as_dict=True)
            jwk.update(kid=kid, alg=alg, use="sig")
            keys.append(jwk)
        import json
        self.jwks_path = os.path.join(directory, "jwks.json")
        with open(self.jwks_path, "w") as f:
            json.dump({"keys": keys}, f)

    def token(self, ns="default", sa="web", aud=AUDIENCE, iss=None, exp_in=3600, alg="ES256",
              sub=None, key=None):
        now = int(time.time())
        claims = {"iss": iss or self.issuer, "aud": aud, "iat": now, "nbf": now - 5,
                  "exp": now + exp_in, "jti": str(uuid.uuid4()),
                  "sub": sub or f"system:serviceaccount:{ns}:{sa}"}
        k = key or (self.ec if alg == "ES256" else self.rsa)
        kid = "ec-1" if alg == "ES256" else "rsa-1"
        return jwt.encode(claims, k, algorithm=alg, headers={"kid": kid})


def split_pem(text):
    end = "-----END CERTIFICATE-----"
    return [p.strip() + "\n" + end + "\n" for p in text.split(end) if p.strip()]


def load_cert(pem):
    return x509.load_pem_x509_certificate(pem.encode() if isinstance(pem, str) else pem)


def openssl(*args, input=None):
    return subprocess.run(["openssl", *args], input=input, capture_output=True, timeout=30,
                          text=True)


def openssl_verify(chain, roots_file, tmp_path, attime=None):
    """`openssl verify` of chain[0] with chain[1:-1] as untrusted intermediates."""
    leaf = tmp_path / f"leaf-{uuid.uuid4().hex}.pem"
    leaf.write_text(chain[0])
    args = ["verify", "-CAfile", str(roots_file), "-purpose", "sslclient"]
    if len(chain) > 2:
        inter = tmp_path / f"inter-{uuid.uuid4().hex}.pem"
        inter.write_text("".join(chain[1:-1]))
        args += ["-untrusted", str(inter)]
    if attime is not None:
        args += ["-attime", str(int(attime))]
    return openssl(*args, str(leaf))


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)
