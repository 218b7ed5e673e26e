"""A mesh client outside Envoy: a workload certificate minted from jibd's CA (CSR + token, as an
agent would), then HTTP over mutual TLS straight to a workload's inbound listener. Used to
show what B's listener accepts independently of A's Envoy, and which certificate B serves."""
import os
import socket
import ssl

import grpc
import jibca
from cryptography import x509

SERVER_NAME = "istiod.istio-system.svc"
# What Istio's sidecars offer (auto mTLS and ISTIO_MUTUAL): any Istio inbound TLS chain matches.
ALPN = ["istio-http/1.1", "istio", "http/1.1"]


def mint(ca_port, roots_pem, token, spiffe_id, ttl=3600):
    """(key PEM, [chain PEMs]) for `spiffe_id` from the CA on ca_port (verified by roots_pem)."""
    key, csr = jibca.make_csr(uris=[spiffe_id])
    channel = grpc.secure_channel(
        f"127.0.0.1:{ca_port}", grpc.ssl_channel_credentials(root_certificates=roots_pem.encode()),
        options=[("grpc.ssl_target_name_override", SERVER_NAME)])
    try:
        call = channel.unary_unary(jibca.METHOD, request_serializer=jibca.Request.SerializeToString,
                                   response_deserializer=jibca.Response.FromString)
        resp = call(jibca.Request(csr=csr.decode(), validity_duration=ttl),
                    metadata=[("authorization", f"Bearer {token}")], timeout=10)
    finally:
        channel.close()
    return jibca.key_pem(key).decode(), list(resp.cert_chain)


class MeshClient:
    """HTTP over mTLS with one minted identity; trusts `roots_pem`."""

    def __init__(self, directory, key_pem, chain, roots_pem):
        os.makedirs(directory, exist_ok=True)
        self.cert_file = os.path.join(directory, "client-chain.pem")
        self.key_file = os.path.join(directory, "client-key.pem")
        self.roots_file = os.path.join(directory, "client-roots.pem")
        # The leaf and intermediates; the root stays out of what a peer presents.
        with open(self.cert_file, "w") as f:
            f.write("".join(chain[:-1] if len(chain) > 1 else chain))
        with open(os.open(self.key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
            f.write(key_pem)
        self.set_roots(roots_pem)

    def set_roots(self, roots_pem):
        with open(self.roots_file, "w") as f:
            f.write(roots_pem)

    def _context(self):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False  # SPIFFE certificates name no host; the URI SAN is checked
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(self.roots_file)
        ctx.load_cert_chain(self.cert_file, self.key_file)
        ctx.set_alpn_protocols(ALPN)
        return ctx

    def get(self, ip, port, host, path="/", timeout=5.0):
        """(status line code, peer certificate, TLS version) of one GET over mTLS; raises
        OSError / ssl.SSLError when the handshake or the exchange fails."""
        with socket.create_connection((ip, int(port)), timeout=timeout) as s:
            with self._context().wrap_socket(s) as t:
                peer = x509.load_der_x509_certificate(t.getpeercert(binary_form=True))
                version = t.version()
                t.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
                          .encode())
                data = b""
                while b"\r\n" not in data:
                    chunk = t.recv(4096)
                    if not chunk:
                        break
                    data += chunk
        if not data.startswith(b"HTTP/1."):
            raise ConnectionError(f"no HTTP response over mTLS: {data[:80]!r}")
        return int(data.split()[1]), peer, version


def uri_sans(cert):
    return cert.extensions.get_extension_for_class(
        x509.SubjectAlternativeName).value.get_values_for_type(x509.UniformResourceIdentifier)


def mtls_probe(client, ip, port, host):
    """('http', status, peer cert) or ('failed', error, None)."""
    try:
        status, peer, _ = client.get(ip, port, host)
        return ("http", status, peer)
    except (OSError, ssl.SSLError, ConnectionError) as e:
        return ("failed", repr(e), None)
