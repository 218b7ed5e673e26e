"""A real mutual-TLS handshake between two SVIDs over loopback, with SPIFFE ID checks."""
import socket
import ssl
import threading

from cryptography import x509

import jibca


def _uri_sans(der):
    cert = x509.load_der_x509_certificate(der)
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return san.get_values_for_type(x509.UniformResourceIdentifier)


def _context(side, cert_file, key_file, roots_file):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER if side == "server" else ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert_file, key_file)
    ctx.load_verify_locations(cafile=roots_file)
    ctx.verify_mode = ssl.CERT_REQUIRED
    if side == "client":
        ctx.check_hostname = False  # SVIDs carry no DNS names; the SPIFFE ID is checked instead
    return ctx


def handshake(server_files, client_files, roots_file, expect_server_id, expect_client_id,
              timeout=10):
    """Runs one handshake. Each *_files is (cert_chain_file, key_file). Returns None on
    success, or the error text from either side."""
    server_ctx = _context("server", *server_files, roots_file)
    client_ctx = _context("client", *client_files, roots_file)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(timeout)
    result = {}

    def serve():
        try:
            conn, _ = listener.accept()
            conn.settimeout(timeout)
            with server_ctx.wrap_socket(conn, server_side=True) as s:
                ids = _uri_sans(s.getpeercert(binary_form=True))
                if ids != [expect_client_id]:
                    result["server"] = f"client identity {ids} != {expect_client_id}"
                else:
                    s.sendall(b"ok")
        except Exception as e:  # noqa: BLE001 - reported to the caller
            result["server"] = f"{type(e).__name__}: {e}"
        finally:
            listener.close()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        with socket.create_connection(listener.getsockname(), timeout=timeout) as raw:
            with client_ctx.wrap_socket(raw) as s:
                ids = _uri_sans(s.getpeercert(binary_form=True))
                if ids != [expect_server_id]:
                    result["client"] = f"server identity {ids} != {expect_server_id}"
                elif s.recv(2) != b"ok":
                    result["client"] = "no data from server"
    except Exception as e:  # noqa: BLE001
        result["client"] = f"{type(e).__name__}: {e}"
    t.join(timeout)
    return "; ".join(f"{k}: {v}" for k, v in sorted(result.items())) or None


def write_svid(directory, name, key, chain):
    """Writes key and chain (leaf + intermediates, root left out) for ssl.load_cert_chain."""
    cert_file = directory / f"{name}-chain.pem"
    key_file = directory / f"{name}-key.pem"
    cert_file.write_text("".join(chain[:-1]))
    key_file.write_bytes(jibca.key_pem(key))
    return str(cert_file), str(key_file)
