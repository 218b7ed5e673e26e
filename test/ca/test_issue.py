"""Issued SVIDs: chains verify with openssl, carry exactly the SPIFFE extensions, and work
in real mutual-TLS handshakes; jibctl gets and renews them."""
import os
import re
import stat

import jibca
import tls_pair

WEB = "spiffe://cluster.local/ns/default/sa/web"
API = "spiffe://cluster.local/ns/prod/sa/api"


def _extensions(text):
    """{extension name: (critical, value text)} from `openssl x509 -text` output."""
    out, lines = {}, text.splitlines()
    start = next(i for i, l in enumerate(lines) if "X509v3 extensions:" in l)
    name = None
    for line in lines[start + 1:]:
        if re.match(r"^ {4}\S", line) or re.match(r"^ {0,7}\S", line):
            break  # the extensions section ended (Signature Algorithm, ...)
        m = re.match(r"^ {12}(\S.*?):( critical)?\s*$", line)
        if m:
            name = m.group(1)
            out[name] = (bool(m.group(2)), "")
        elif name:
            crit, val = out[name]
            out[name] = (crit, (val + " " + line.strip()).strip())
    return out


def test_chain_verifies_and_has_exactly_the_svid_extensions(ca_server, issuer, tmp_path):
    ca = ca_server()
    for kind in ("ec", "ec384", "rsa2048", "rsa4096"):
        key, csr = jibca.make_csr(jibca.make_key(kind), uris=[WEB])
        chain = ca.client().create(csr, issuer.token("default", "web"))
        assert len(chain) == 2, "self-signed CA: leaf then root"
        assert jibca.load_cert(chain[-1]).subject == jibca.load_cert(chain[-1]).issuer
        r = jibca.openssl_verify(chain, ca.bundle_path, tmp_path)
        assert r.returncode == 0 and ": OK" in r.stdout, r.stdout + r.stderr

        text = jibca.openssl("x509", "-noout", "-text", input=chain[0]).stdout
        ext = _extensions(text)
        assert set(ext) == {"X509v3 Basic Constraints", "X509v3 Key Usage",
                            "X509v3 Extended Key Usage", "X509v3 Subject Key Identifier",
                            "X509v3 Authority Key Identifier",
                            "X509v3 Subject Alternative Name"}, (kind, ext)
        assert ext["X509v3 Basic Constraints"] == (True, "CA:FALSE")
        want_ku = "Digital Signature" + (", Key Encipherment" if kind.startswith("rsa") else "")
        assert ext["X509v3 Key Usage"] == (True, want_ku)
        assert ext["X509v3 Extended Key Usage"] == (
            False, "TLS Web Server Authentication, TLS Web Client Authentication")
        assert ext["X509v3 Subject Alternative Name"] == (True, f"URI:{WEB}")
        leaf = jibca.load_cert(chain[0])
        assert leaf.serial_number > 0 and leaf.serial_number.bit_length() > 64
        assert leaf.not_valid_before_utc < jibca.utcnow() - jibca.datetime.timedelta(seconds=60)


def test_default_ttl_and_requested_ttl(ca_server, issuer):
    ca = ca_server(extra_args=["--ca-default-cert-ttl=2h", "--ca-max-cert-ttl=10h"])
    c = ca.client()
    for ttl, want in ((0, 7200), (3600, 3600), (36000, 36000)):
        _, csr = jibca.make_csr()
        leaf = jibca.load_cert(c.create(csr, issuer.token(), ttl=ttl)[0])
        life = (leaf.not_valid_after_utc - jibca.utcnow()).total_seconds()
        assert want - 30 < life <= want, (ttl, life)


def test_mutual_tls_between_two_svids(ca_server, issuer, tmp_path):
    ca = ca_server()
    other = ca_server()  # another state dir, hence another root
    key_a, csr_a = jibca.make_csr(uris=[WEB])
    key_b, csr_b = jibca.make_csr(uris=[API])
    key_x, csr_x = jibca.make_csr(uris=[API])
    chain_a = ca.client().create(csr_a, issuer.token("default", "web"))
    chain_b = ca.client().create(csr_b, issuer.token("prod", "api"))
    chain_x = other.client().create(csr_x, issuer.token("prod", "api"))
    a = tls_pair.write_svid(tmp_path, "a", key_a, chain_a)
    b = tls_pair.write_svid(tmp_path, "b", key_b, chain_b)
    x = tls_pair.write_svid(tmp_path, "x", key_x, chain_x)

    assert tls_pair.handshake(a, b, str(ca.bundle_path), WEB, API) is None
    err = tls_pair.handshake(a, x, str(ca.bundle_path), WEB, API)
    assert err is not None and "certificate" in err.lower(), err
    err = tls_pair.handshake(x, b, str(ca.bundle_path), API, API)
    assert err is not None and "verify failed" in err.lower(), err


def test_jibctl_csr_writes_key_chain_and_root(ca_server, issuer, jibctl, tmp_path):
    ca = ca_server()
    token = tmp_path / "token"
    token.write_text(issuer.token("default", "web") + "\n")
    out = tmp_path / "out"
    out.mkdir()
    r = jibctl("csr", "--ca", ca.addr, "--token", token, "--root-cert", ca.bundle_path,
               "--out", out, "--ttl", "3600", "--key-type", "ec")
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(os.stat(out / "key.pem").st_mode) == 0o600
    chain = jibca.split_pem((out / "cert-chain.pem").read_text())
    assert jibca.load_cert((out / "root-cert.pem").read_text()) == jibca.load_cert(chain[-1])
    r = jibca.openssl_verify(chain, out / "root-cert.pem", tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    # The key jibctl wrote belongs to the certificate.
    pub = jibca.openssl("pkey", "-in", str(out / "key.pem"), "-pubout").stdout
    assert pub == jibca.openssl("x509", "-noout", "-pubkey", input=chain[0]).stdout


def test_renewal_with_client_certificate(ca_server, issuer, jibctl, tmp_path):
    ca = ca_server()
    token = tmp_path / "token"
    token.write_text(issuer.token("prod", "api"))
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    r = jibctl("csr", "--ca", ca.addr, "--token", token, "--root-cert", ca.bundle_path,
               "--out", first, "--key-type", "rsa")
    assert r.returncode == 0, r.stderr
    # No token this time: the SVID just issued is the credential.
    r = jibctl("csr", "--ca", ca.addr, "--renew", first, "--root-cert", ca.bundle_path,
               "--out", second)
    assert r.returncode == 0, r.stderr
    leaf = jibca.load_cert(jibca.split_pem((second / "cert-chain.pem").read_text())[0])
    san = leaf.extensions.get_extension_for_class(jibca.x509.SubjectAlternativeName).value
    assert san.get_values_for_type(jibca.x509.UniformResourceIdentifier) == [API]


def test_renewal_with_foreign_certificate_is_refused(ca_server, issuer, jibctl, tmp_path):
    ca, other = ca_server(), ca_server()
    token = tmp_path / "token"
    token.write_text(issuer.token("prod", "api"))
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    r = jibctl("csr", "--ca", other.addr, "--token", token, "--root-cert", other.bundle_path,
               "--out", foreign)
    assert r.returncode == 0, r.stderr
    r = jibctl("csr", "--ca", ca.addr, "--renew", foreign, "--root-cert", ca.bundle_path,
               "--out", tmp_path)
    assert r.returncode != 0
    assert "UNAUTHENTICATED" in r.stderr and "does not verify against the mesh roots" in r.stderr
