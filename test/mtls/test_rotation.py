"""Certificates rotate under load without a failed request.

In both tests B's Envoy has its health check failed (admin /healthcheck/fail), so it closes
every inbound connection after its response: each A -> B request is a new connection with a
new TLS handshake, made with the certificates Envoy holds at that moment. Otherwise A's
pooled connection would carry all traffic on its first handshake and rotation would go
untested."""
import time

import jibca
import pytest
from cryptography import x509

from helpers.wait import wait_until
from mtls_client import uri_sans
from mtls_harness import A, B, xfcc_fields
from traffic import Traffic

FAIL_VERIFY = ("fail_verify_error", "fail_verify_san", "fail_verify_cert_hash",
               "fail_verify_no_cert")


def _fresh_handshakes(m):
    status, body = m.b.admin.post("/healthcheck/fail")
    assert status == 200, body


def _no_verify_failures(m, kinds=FAIL_VERIFY):
    for stats, where in ((m.b.inbound_tls(m.p1), "B's listener"),
                         (m.a.outbound_tls(m.p1, B.host), "A's cluster")):
        bad = {k: stats[k] for k in kinds if stats.get(k)}
        assert not bad, f"{where}: {bad}"


def _peer_hashes(app):
    """XFCC Hash (A's certificate digest) of each request B's app received, in order."""
    out = []
    for r in app.received():
        [f] = xfcc_fields(r["headers"].get("x-forwarded-client-cert"))
        assert f.get("URI") == A.spiffe_id, f
        out.append(f["Hash"])
    return out


@pytest.mark.timeout(540)
def test_workload_certificates_rotate_under_load(mtls):
    # 2-minute certificates, renewed at 75-80 % of their life: every ~95 s.
    m = mtls(agent_args=["--cert-ttl", "2m"])
    _fresh_handshakes(m)
    app = m.b.apps[m.p1]
    app.clear()
    served = {w.name: [w.served_cert()[0]] for w in m.workloads}
    handshakes_then = {}  # (workload, serial) -> B's handshakes when Envoy began serving it
    with Traffic(m.call_status, interval=0.15, count=2000) as traffic:
        deadline = time.monotonic() + 400
        while not traffic.done() and time.monotonic() < deadline:
            for w in m.workloads:
                serial = w.served_cert()[0]
                if serial != served[w.name][-1]:
                    served[w.name].append(serial)
                    handshakes_then[(w.name, serial)] = m.b.inbound_tls(m.p1)["handshake"]
            time.sleep(0.5)
    results = traffic.results
    assert len(results) == 2000, len(results)
    assert traffic.failures() == [], traffic.failures()[:10]
    assert results[-1][0] - results[0][0] >= 290  # spread over ~5 minutes

    for w in m.workloads:
        assert len(served[w.name]) >= 3, f"{w.name} rotated fewer than twice: {served}"
        assert set(served[w.name]) <= set(w.agent.serials())
    # Each new certificate was used: many handshakes after Envoy began serving it.
    final = m.b.inbound_tls(m.p1)["handshake"]
    for key, then in handshakes_then.items():
        assert final - then >= 50, (key, then, final)
    # B saw as many distinct client certificates of A's as A's Envoy served, all verified.
    hashes = _peer_hashes(app)
    assert len(hashes) == 2000
    assert len(set(hashes)) >= 3, f"{len(set(hashes))} distinct client certificates"
    _no_verify_failures(m)


def _roots(pem):
    return [jibca.load_cert(c) for c in jibca.split_pem(pem)]


def _ski(cert):
    return cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest


def _aki(cert):
    return cert.extensions.get_extension_for_class(
        x509.AuthorityKeyIdentifier).value.key_identifier


@pytest.mark.timeout(300)
def test_root_rotation_under_traffic(mtls):
    # Root R1 (80 s) gets a successor R2 when it has 45 s left, trusted at once and signing
    # 10 s later; R1 stays trusted until it expires. Workload certificates live 20 s and renew
    # at 40-50 %: every agent picks up the new root.
    m = mtls(jibd_args=["--ca-root-ttl=80s", "--ca-root-renew-before=45s",
                        "--ca-root-trust-lead=10s", "--ca-check-interval=1s"],
             agent_args=["--cert-ttl", "20s", "--renew-fraction", "0.5", "--renew-jitter",
                         "0.1"])
    _fresh_handshakes(m)
    r1 = _roots(m.roots_pem())[0]
    rotated_at = None
    both_roots_in = set()       # workloads whose Envoy trusted R1 and R2 together
    new_cert_at = {}            # workload -> time its Envoy first served an R2-era certificate
    handshakes_then = None
    r1_gone_at = None
    with Traffic(m.call_status, interval=0.1) as traffic:
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline:
            m.publish_roots()
            roots = _roots(m.roots_pem())
            if rotated_at is None and roots[0].serial_number != r1.serial_number:
                rotated_at, r2 = time.monotonic(), roots[0]
                rotated_serials = {w.name: w.served_cert()[0] for w in m.workloads}
            if rotated_at:
                for w in m.workloads:
                    held = {c.serial_number for c in _roots(w.envoy.rootca_pem())}
                    if {r1.serial_number, r2.serial_number} <= held:
                        both_roots_in.add(w.name)
                    if w.name not in new_cert_at and w.served_cert()[0] != rotated_serials[w.name]:
                        new_cert_at[w.name] = time.monotonic()
                if len(new_cert_at) == 2 and handshakes_then is None:
                    handshakes_then = m.b.inbound_tls(m.p1)["handshake"]
            if r1_gone_at is None and all(c.serial_number != r1.serial_number for c in roots):
                r1_gone_at = time.monotonic()
            if r1_gone_at and time.monotonic() > r1_gone_at + 5 and handshakes_then:
                break
            time.sleep(0.2)
    assert rotated_at, "jibd's root did not rotate"
    assert both_roots_in == {"a", "b"}, f"Envoys that trusted both roots: {both_roots_in}"
    assert set(new_cert_at) == {"a", "b"}, f"renewed after the rotation: {new_cert_at}"
    assert r1_gone_at, "the old root never left the bundle"
    results = traffic.results
    failed = traffic.failures()
    assert failed == [], (
        f"{len(failed)} failed, at {[round(t - rotated_at, 2) for t, _ in failed[:10]]} s from "
        f"the rotation: {[r for _, r in failed[:5]]}; untrusted peer certificates seen by B: "
        f"{m.b.inbound_tls(m.p1).get('fail_verify_error', 0)}, by A: "
        f"{m.a.outbound_tls(m.p1, B.host).get('fail_verify_error', 0)}")
    assert len([t for t, _ in results if t > rotated_at]) >= 200
    # After both renewed, new handshakes (new connections) kept succeeding.
    assert m.b.inbound_tls(m.p1)["handshake"] - handshakes_then >= 50
    # Every certificate had the right identity and came from a root its peer already trusted.
    _no_verify_failures(m)
    # B now serves a certificate of the new roots: its issuer is not R1.
    kind, status, peer = m.direct_mtls(m.client(A))
    assert (kind, status) == ("http", 200), status
    assert uri_sans(peer) == [B.spiffe_id]
    assert _aki(peer) != _ski(r1)
    assert _aki(peer) in {_ski(c) for c in _roots(m.roots_pem())}
    # And the Envoys no longer trust R1.
    for w in m.workloads:
        held = {c.serial_number for c in _roots(w.envoy.rootca_pem())}
        assert r1.serial_number not in held, w.name


@pytest.mark.timeout(120)
def test_a_certificate_issued_around_a_rotation_is_trusted(mtls):
    # R1 (60 s) gets a successor R2 when it has 40 s left; R2 signs 10 s later. The agents'
    # certificates are clipped to R1's expiry and renew at ~80 % of that, well after the
    # rotation, and B's root file is only republished below: B trusts R1 alone until then.
    m = mtls(jibd_args=["--ca-root-ttl=60s", "--ca-root-renew-before=40s",
                        "--ca-root-trust-lead=10s", "--ca-check-interval=1s"])
    r1 = _roots(m.roots_pem())[0]
    kind, status, _ = m.direct_mtls(m.client(A))
    assert (kind, status) == ("http", 200), status  # an R1 certificate is accepted
    wait_until(lambda: len(_roots(m.roots_pem())) == 2, 40, "a second root in jibd's bundle")
    roots = _roots(m.roots_pem())
    assert roots[0].serial_number == r1.serial_number, "the new root signed at once"
    r2 = roots[1]
    held = {c.serial_number for c in _roots(m.b.envoy.rootca_pem())}
    assert held == {r1.serial_number}, "B learnt the new root already: the test proves nothing"
    # A workload renewing now, as any may at any time, gets a certificate B trusts: R1's.
    client = m.client(A)
    assert _roots(client.chain[-1])[0].serial_number == r1.serial_number
    kind, status, _ = m.direct_mtls(client)
    assert (kind, status) == ("http", 200), f"B refused a certificate issued now: {status}"
    # The new root reaches B (as the istio-ca-root-cert ConfigMap would) before it signs...
    assert m.publish_roots()
    wait_until(lambda: r2.serial_number in
               {c.serial_number for c in _roots(m.b.envoy.rootca_pem())}, 8,
               "B's Envoy to trust the new root")
    assert _roots(m.roots_pem())[0].serial_number == r1.serial_number, \
        "the new root signed before the lead was over"
    # ...and once it signs, its certificates are trusted at once.
    wait_until(lambda: _roots(m.roots_pem())[0].serial_number == r2.serial_number, 15,
               "the new root to sign")
    client = m.client(A)
    assert _roots(client.chain[-1])[0].serial_number == r2.serial_number
    kind, status, _ = m.direct_mtls(client)
    assert (kind, status) == ("http", 200), f"B refused a certificate of the new root: {status}"
