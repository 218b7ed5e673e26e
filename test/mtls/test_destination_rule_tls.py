"""A DestinationRule's tls.mode overrides auto mTLS. DISABLE towards a STRICT
workload fails (A answers 503, as Istio's sidecar does) until the rule is removed;
ISTIO_MUTUAL towards a DISABLE workload fails too. The rule works from the client's
namespace and from the service's."""
import pytest

import mtls_config as cfg
from mtls_harness import A, B


def strict_b():
    return cfg.peer_authentication("b", B.ns, "STRICT", selector=B.labels)


def _all_fail(m, n=3):
    before = m.b.apps[m.p1].count
    statuses = [m.call_status() for _ in range(n)]
    assert statuses == [503] * n, statuses
    assert m.b.apps[m.p1].count == before  # nothing reached B's app


@pytest.mark.parametrize("dr_ns", [A.ns, B.ns])
def test_tls_disable_to_strict_workload_fails_until_removed(mtls, dr_ns):
    m = mtls(extra={"pa-b.yaml": strict_b()})
    assert m.call().status == 200  # auto mTLS to a STRICT workload
    m.apply("dr.yaml", cfg.tls_destination_rule("b-plaintext", dr_ns, B.host, "DISABLE"))
    _all_fail(m)
    m.remove("dr.yaml")
    assert m.call().status == 200
    assert m.call(m.p2).status == 200


def test_istio_mutual_to_disabled_workload_fails(mtls):
    m = mtls(extra={"pa-b.yaml": cfg.peer_authentication("b", B.ns, "DISABLE",
                                                          selector=B.labels)})
    assert m.call().status == 200  # auto mTLS falls back to plaintext
    m.apply("dr.yaml", cfg.tls_destination_rule("b-mtls", A.ns, B.host, "ISTIO_MUTUAL"))
    _all_fail(m)
    m.remove("dr.yaml")
    assert m.call().status == 200


def test_istio_mutual_to_strict_workload_works(mtls):
    m = mtls(extra={"pa-b.yaml": strict_b()})
    m.apply("dr.yaml", cfg.tls_destination_rule("b-mtls", A.ns, B.host, "ISTIO_MUTUAL"))
    app = m.b.apps[m.p1]
    app.clear()
    assert m.call().status == 200
    assert "URI=" + A.spiffe_id in app.received()[0]["headers"]["x-forwarded-client-cert"]
