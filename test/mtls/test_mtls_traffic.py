"""A calls B through the mesh over mutual TLS. B's app sees A's SPIFFE ID in
x-forwarded-client-cert; both Envoys did TLS >= 1.2 handshakes with the peer certificate
verified (Envoy's ssl stats, and the SAN A checks in its cluster); an endpoint whose service
account is not the one B's certificate names is refused by A."""
import json

import mtls_config as cfg
from mtls_harness import A, B, outbound_cluster, xfcc_fields

FAIL_VERIFY = ("fail_verify_error", "fail_verify_san", "fail_verify_cert_hash",
               "fail_verify_no_cert")


def _tls_ok(stats, where):
    assert stats.get("handshake", 0) >= 1, f"{where}: no TLS handshake: {stats}"
    bad = {k: stats[k] for k in FAIL_VERIFY + ("connection_error",) if stats.get(k)}
    assert not bad, f"{where}: {bad}"
    modern = stats.get("versions.TLSv1.3", 0) + stats.get("versions.TLSv1.2", 0)
    old = stats.get("versions.TLSv1", 0) + stats.get("versions.TLSv1.1", 0)
    assert modern >= 1 and old == 0, f"{where}: TLS versions {stats}"


def test_a_calls_b_over_mutual_tls(mtls):
    m = mtls()
    for port, app in ((m.p1, m.b.apps[m.p1]), (m.p2, m.b.apps[m.p2])):
        app.clear()
        r = m.call(port)
        assert r.status == 200 and r.body == app.name, r
        [req] = app.received()
        # Exactly one element: B's Envoy set it from the verified peer certificate of A's.
        [xfcc] = xfcc_fields(req["headers"].get("x-forwarded-client-cert"))
        assert xfcc.get("URI") == A.spiffe_id, req["headers"]
        assert xfcc.get("By") == B.spiffe_id, req["headers"]
        assert xfcc.get("Hash"), req["headers"]

        _tls_ok(m.b.inbound_tls(port), f"B's listener {B.ip}:{port}")
        _tls_ok(m.a.outbound_tls(port, B.host), f"A's cluster for {port}")
        # B asked for and got A's certificate.
        assert m.b.inbound_tls(port).get("no_certificate", 0) == 0

    # A verifies B's identity: the SAN it requires (from the endpoint's service account) is in
    # its cluster's TLS config, with the mesh roots from the agent (SDS ROOTCA).
    cluster = m.a.admin.dynamic_clusters()[outbound_cluster(m.p1, B.host)]["cluster"]
    text = json.dumps(cluster)
    assert B.spiffe_id in text and "ROOTCA" in text and '"default"' in text, text[:2000]
    # The handshakes counted above were the mesh traffic: jibd saw no NACK on the way.
    m.assert_no_nack()


def test_a_refuses_b_when_its_certificate_is_not_the_expected_identity(mtls):
    m = mtls()
    # The service now says its endpoint runs as sa-other: B's certificate (sa-b) must not pass.
    wrong = cfg.mesh_service(B, [(m.p1, "http"), (m.p2, "http-alt")])
    wrong["spec"]["endpoints"][0]["serviceAccount"] = "sa-other"
    m.apply("b-service.yaml", wrong)
    before = m.b.apps[m.p1].count
    statuses = [m.call_status() for _ in range(3)]
    assert statuses == [503] * 3, statuses
    assert m.b.apps[m.p1].count == before
    assert m.a.outbound_tls(m.p1, B.host).get("fail_verify_san", 0) >= 1

    # The right service account again: traffic flows.
    m.apply("b-service.yaml", cfg.mesh_service(B, [(m.p1, "http"), (m.p2, "http-alt")]))
    m.wait_traffic(timeout=10)
