"""Root rotation with short lifetimes: the root is renewed before expiry, both roots are in the
bundle during the overlap, and certificates from the old root verify until they expire."""
import time

import jibca
import tls_pair

WEB = "spiffe://cluster.local/ns/default/sa/web"
API = "spiffe://cluster.local/ns/prod/sa/api"


def _roots(ca):
    return jibca.split_pem(ca.bundle().decode())


def _wait(pred, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_root_rotation_keeps_old_certs_valid_until_they_expire(ca_server, issuer, tmp_path):
    ca = ca_server(extra_args=["--ca-root-ttl=16s", "--ca-root-renew-before=8s",
                               "--ca-root-trust-lead=3s", "--ca-check-interval=1s",
                               "--ca-serving-cert-ttl=1h"])
    roots = _roots(ca)
    assert len(roots) == 1
    old_root = roots[0]
    key_a, csr_a = jibca.make_csr(uris=[WEB])
    chain_a = ca.client().create(csr_a, issuer.token("default", "web"), ttl=3600)
    assert chain_a[-1] == old_root
    # The leaf cannot outlive its root.
    assert jibca.load_cert(chain_a[0]).not_valid_after_utc <= \
        jibca.load_cert(old_root).not_valid_after_utc

    # The new root is trusted first (second in the bundle) and does not sign yet...
    roots = _wait(lambda: (r := _roots(ca)) and len(r) == 2 and r, 15, "a second root")
    assert roots[0] == old_root and roots[1] != old_root
    new_root = roots[1]
    early = ca.client().create(jibca.make_csr(uris=[API])[1], issuer.token("prod", "api"))
    if _roots(ca)[0] == old_root:  # still within the lead (3 s) when it was signed
        assert early[-1] == old_root
    # ...then it signs, and the old root stays trusted.
    roots = _wait(lambda: (r := _roots(ca)) and r[0] == new_root and r, 10, "the new root to sign")
    assert roots == [new_root, old_root]
    key_b, csr_b = jibca.make_csr(uris=[API])
    chain_b = ca.client().create(csr_b, issuer.token("prod", "api"))
    assert chain_b[-1] == new_root

    bundle_file = tmp_path / "bundle-overlap.pem"
    bundle_file.write_bytes(ca.bundle())
    for chain in (chain_a, chain_b):
        r = jibca.openssl_verify(chain, bundle_file, tmp_path)
        assert r.returncode == 0, r.stdout + r.stderr
    new_only = tmp_path / "new-root.pem"
    new_only.write_text(new_root)
    assert jibca.openssl_verify(chain_a, new_only, tmp_path).returncode != 0
    # Old and new SVIDs talk to each other with the overlap bundle.
    a = tls_pair.write_svid(tmp_path, "a", key_a, chain_a)
    b = tls_pair.write_svid(tmp_path, "b", key_b, chain_b)
    assert tls_pair.handshake(a, b, str(bundle_file), WEB, API) is None

    # Once the old root expires it leaves the bundle, and so has the old leaf expired.
    _wait(lambda: old_root not in _roots(ca), 20, "the old root to leave the bundle")
    r = jibca.openssl_verify(chain_a, bundle_file, tmp_path)
    assert r.returncode != 0 and "expired" in (r.stdout + r.stderr), r.stdout + r.stderr
    still = tmp_path / "bundle-now.pem"
    still.write_bytes(ca.bundle())
    if new_root in _roots(ca):
        r = jibca.openssl_verify(chain_b, still, tmp_path)
        assert r.returncode == 0, r.stdout + r.stderr
    assert "PRIVATE KEY" not in ca.process.log_text()


def test_rotated_root_survives_restart(ca_server, issuer, tmp_path):
    state = tmp_path / "state"
    args = ["--ca-root-ttl=60s", "--ca-root-renew-before=55s"]
    ca = ca_server(state_dir=state, extra_args=args + ["--ca-check-interval=1s"])
    _wait(lambda: len(_roots(ca)) == 2, 15, "a second root")
    roots = _roots(ca)
    ca.stop()
    # The new root has ~60s left, more than renew-before: the restart must not rotate again.
    again = ca_server(state_dir=state, extra_args=args + ["--ca-check-interval=1h"])
    assert _roots(again) == roots
    chain = again.client().create(jibca.make_csr(uris=[WEB])[1], issuer.token())
    assert chain[-1] == roots[0]
