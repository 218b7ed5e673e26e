"""Gateway TLS credentials as users store them: a self-signed certificate and key, and the
kubernetes.io/tls Secret that holds them (needs the `cryptography` package)."""
import base64
import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def self_signed(cn):
    """(certificate, certificate PEM, PKCS#8 key PEM) for DNS name `cn`, valid for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(cn)]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return cert, cert_pem, key_pem


def tls_secret(name, namespace, cert_pem, key_pem, ca_pem=None):
    """With ca_pem, also ca.crt (served as `kubernetes://<name>-cacert`)."""
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    data = {"tls.crt": b64(cert_pem), "tls.key": b64(key_pem)}
    if ca_pem:
        data["ca.crt"] = b64(ca_pem)
    return {"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
            "metadata": {"name": name, "namespace": namespace}, "data": data}
