"""PeerAuthentication on B's inbound listeners. STRICT refuses a plaintext
client that bypasses A's Envoy while mesh traffic flows; PERMISSIVE takes both; DISABLE takes
plaintext only and auto mTLS falls back to it; port-level beats workload, workload beats
namespace, namespace beats mesh; UNSET inherits.

`m.direct(port)` is a plaintext client straight to 127.0.0.3:port: ('http', 200) when
accepted, ('closed', ...) when the listener took the connection and dropped it (mTLS
required); ('refused', ...) would mean no listener at all, which no test here expects."""
import mtls_config as cfg
from mtls_client import uri_sans
from mtls_harness import A, B, xfcc_fields

ACCEPTED = ("http", 200)


def workload_pa(mode=None, port_level=None, name="b"):
    return cfg.peer_authentication(name, B.ns, mode, selector=B.labels, port_level=port_level)


def namespace_pa(mode=None):
    return cfg.peer_authentication("default", B.ns, mode)


def refused(result):
    return result[0] == "closed"


def mesh_call_identity(m, port=None):
    """Calls B through A's Envoy (must answer 200); returns the peer URI B's app saw in
    x-forwarded-client-cert, or None when the request came in plaintext."""
    port = port or m.p1
    app = m.b.apps[port]
    app.clear()
    r = m.call(port)
    assert r.status == 200, r
    [req] = app.received()
    fields = xfcc_fields(req["headers"].get("x-forwarded-client-cert"))
    return fields[-1].get("URI") if fields else None


def test_default_is_permissive(mtls):
    m = mtls()
    assert m.direct() == ACCEPTED
    assert mesh_call_identity(m) == A.spiffe_id


def test_strict_refuses_plaintext_but_the_mesh_works(mtls):
    m = mtls()
    assert m.direct() == ACCEPTED  # before: PERMISSIVE
    m.apply("pa-b.yaml", workload_pa("STRICT"))
    for port in (m.p1, m.p2):
        before = m.b.apps[port].count
        result = m.direct(port)
        assert refused(result), result
        assert m.b.apps[port].count == before  # the plaintext request never reached the app
        assert mesh_call_identity(m, port) == A.spiffe_id
    # A client with a mesh certificate, not through Envoy, is also accepted, and B presents
    # its own identity.
    kind, status, peer = m.direct_mtls(m.client(A))
    assert (kind, status) == ("http", 200), status
    assert uri_sans(peer) == [B.spiffe_id]


def test_permissive_accepts_plaintext_and_mtls(mtls):
    m = mtls(extra={"pa-b.yaml": workload_pa("PERMISSIVE")})
    assert m.direct() == ACCEPTED
    [req] = m.b.apps[m.p1].received()[-1:]
    assert "x-forwarded-client-cert" not in req["headers"]
    assert mesh_call_identity(m) == A.spiffe_id
    kind, status, _ = m.direct_mtls(m.client(A))
    assert (kind, status) == ("http", 200), status


def test_disable_takes_plaintext_only(mtls):
    m = mtls(extra={"pa-b.yaml": workload_pa("DISABLE")})
    handshakes = m.b.inbound_tls(m.p1).get("handshake", 0)
    for _ in range(3):
        # Auto mTLS sees B's DISABLE and sends plaintext, as Istio does.
        assert mesh_call_identity(m) is None
    assert m.direct() == ACCEPTED
    assert m.b.inbound_tls(m.p1).get("handshake", 0) == handshakes
    assert m.a.outbound_tls(m.p1, B.host).get("handshake", 0) == 0
    kind, err, _ = m.direct_mtls(m.client(A))
    assert kind == "failed", err  # B's listener speaks no TLS

    # The same workload made STRICT: now the mesh call is mTLS (the stats above could count).
    m.apply("pa-b.yaml", workload_pa("STRICT"))
    assert mesh_call_identity(m) == A.spiffe_id
    assert m.b.inbound_tls(m.p1).get("handshake", 0) > handshakes


def test_port_level_overrides_workload(mtls):
    m = mtls()
    m.apply("pa-b.yaml", workload_pa("STRICT", port_level={m.p2: "DISABLE"}))
    assert refused(m.direct(m.p1)), m.direct(m.p1)
    assert m.direct(m.p2) == ACCEPTED
    assert mesh_call_identity(m, m.p1) == A.spiffe_id
    assert mesh_call_identity(m, m.p2) is None  # plaintext to the DISABLE port

    # The reverse: workload DISABLE, port p2 STRICT.
    m.apply("pa-b.yaml", workload_pa("DISABLE", port_level={m.p2: "STRICT"}))
    assert m.direct(m.p1) == ACCEPTED
    assert refused(m.direct(m.p2)), m.direct(m.p2)
    assert mesh_call_identity(m, m.p1) is None
    assert mesh_call_identity(m, m.p2) == A.spiffe_id


def test_port_level_unset_inherits_the_workload_mode(mtls):
    m = mtls()
    m.apply("pa-b.yaml", workload_pa("STRICT", port_level={m.p2: "UNSET"}))
    assert refused(m.direct(m.p1)), m.direct(m.p1)
    assert refused(m.direct(m.p2)), m.direct(m.p2)
    assert mesh_call_identity(m, m.p2) == A.spiffe_id


def test_namespace_overrides_mesh(mtls):
    m = mtls()
    m.apply("pa-mesh.yaml", cfg.mesh_peer_authentication("STRICT"))
    assert refused(m.direct()), m.direct()  # the mesh-wide policy applies to B
    m.apply("pa-ns.yaml", namespace_pa("PERMISSIVE"))
    assert m.direct() == ACCEPTED
    m.apply("pa-ns.yaml", namespace_pa("UNSET"))  # inherits the mesh's STRICT again
    assert refused(m.direct()), m.direct()
    m.apply("pa-ns.yaml", namespace_pa(None))  # no mtls at all: the same as UNSET
    assert refused(m.direct()), m.direct()
    assert mesh_call_identity(m) == A.spiffe_id


def test_workload_overrides_namespace(mtls):
    m = mtls()
    m.apply("pa-ns.yaml", namespace_pa("STRICT"))
    assert refused(m.direct()), m.direct()
    m.apply("pa-b.yaml", workload_pa("PERMISSIVE"))
    assert m.direct() == ACCEPTED
    m.apply("pa-b.yaml", workload_pa("UNSET"))  # inherits the namespace's STRICT
    assert refused(m.direct()), m.direct()
    m.apply("pa-b.yaml", workload_pa("DISABLE"))
    assert m.direct() == ACCEPTED
    assert mesh_call_identity(m) is None
    # Mesh PERMISSIVE does not loosen a namespace STRICT once the workload's policy is gone.
    m.apply("pa-mesh.yaml", cfg.mesh_peer_authentication("PERMISSIVE"))
    m.remove("pa-b.yaml")
    assert refused(m.direct()), m.direct()
    assert mesh_call_identity(m) == A.spiffe_id


def test_policy_of_another_namespace_or_workload_does_not_apply(mtls):
    m = mtls()
    m.apply("pa-other.yaml", [
        cfg.peer_authentication("default", A.ns, "STRICT"),
        cfg.peer_authentication("other", B.ns, "STRICT", selector={"app": "not-b"}),
    ])
    assert m.direct() == ACCEPTED
