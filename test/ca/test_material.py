"""CA material: the self-signed root survives restarts; a plugged-in CA (made here with the
openssl CLI, Istio's cacerts layout) issues leaf -> intermediate -> root."""
import os
import stat

import jibca

WEB = "spiffe://cluster.local/ns/default/sa/web"


def test_restart_with_same_state_dir_keeps_the_root(ca_server, issuer, tmp_path):
    state = tmp_path / "state"
    first = ca_server(state_dir=state)
    chain_a = first.client().create(jibca.make_csr(uris=[WEB])[1], issuer.token())
    first.stop()
    assert stat.S_IMODE(os.stat(state / "ca-key.pem").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(state / "serving" / "key.pem").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(state).st_mode) == 0o700

    second = ca_server(state_dir=state)
    chain_b = second.client().create(jibca.make_csr(uris=[WEB])[1], issuer.token())
    assert chain_a[-1] == chain_b[-1]
    # A certificate from before the restart verifies against the root served after it.
    r = jibca.openssl_verify(chain_a, second.bundle_path, tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    for p in (first, second):
        assert "PRIVATE KEY" not in p.process.log_text()


def _plugged_in_ca(d):
    """root (EC) -> intermediate (RSA) in Istio's cacerts layout, made with openssl."""
    d.mkdir()
    run = lambda *a: jibca.openssl(*a)  # noqa: E731
    r = run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", str(d / "root-key.pem"), "-out", str(d / "root-cert.pem"),
            "-subj", "/O=Plugged/CN=Plugged Root", "-days", "30",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    assert r.returncode == 0, r.stderr
    r = run("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", str(d / "ca-key.pem"),
            "-out", str(d / "ca.csr"), "-subj", "/O=Plugged/CN=Plugged Intermediate")
    assert r.returncode == 0, r.stderr
    (d / "ext.cnf").write_text("basicConstraints=critical,CA:TRUE,pathlen:0\n"
                               "keyUsage=critical,keyCertSign,cRLSign\n"
                               "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n")
    r = run("x509", "-req", "-in", str(d / "ca.csr"), "-CA", str(d / "root-cert.pem"),
            "-CAkey", str(d / "root-key.pem"), "-CAcreateserial", "-days", "20",
            "-extfile", str(d / "ext.cnf"), "-out", str(d / "ca-cert.pem"))
    assert r.returncode == 0, r.stderr
    (d / "cert-chain.pem").write_text((d / "ca-cert.pem").read_text() +
                                      (d / "root-cert.pem").read_text())
    (d / "root-key.pem").unlink()  # an operator keeps the root key offline
    os.chmod(d / "ca-key.pem", 0o600)


def test_plugged_in_ca_issues_leaf_intermediate_root(ca_server, issuer, tmp_path):
    cacerts = tmp_path / "cacerts"
    _plugged_in_ca(cacerts)
    ca = ca_server(cacerts_dir=cacerts)
    chain = ca.client().create(jibca.make_csr(uris=[WEB])[1], issuer.token())
    assert len(chain) == 3
    certs = [jibca.load_cert(c) for c in chain]
    inter = jibca.load_cert((cacerts / "ca-cert.pem").read_text())
    root = jibca.load_cert((cacerts / "root-cert.pem").read_text())
    assert certs[1] == inter and certs[2] == root
    assert certs[0].issuer == inter.subject
    assert ca.bundle() == (cacerts / "root-cert.pem").read_bytes().replace(b"\r", b"") or \
        jibca.load_cert(ca.bundle()) == root
    r = jibca.openssl_verify(chain, cacerts / "root-cert.pem", tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    # The state dir holds no CA key in plugged-in mode: the operator's directory is the source.
    assert not (ca.state_dir / "ca-key.pem").exists()


def test_plugged_in_ca_with_mismatched_key_does_not_start(ca_server, tmp_path):
    cacerts = tmp_path / "cacerts"
    _plugged_in_ca(cacerts)
    r = jibca.openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                      "-out", str(cacerts / "ca-key.pem"))
    assert r.returncode == 0
    p = jibca.subprocess.run([jibca.TESTSERVER, "--ca-port=0", f"--ca-cacerts-dir={cacerts}",
                              f"--ca-state-dir={tmp_path / 's'}", "--ca-client-cert-auth=true"],
                             capture_output=True, text=True, timeout=30)
    assert p.returncode == 1 and "CA key does not match the CA certificate" in p.stderr, p.stderr
