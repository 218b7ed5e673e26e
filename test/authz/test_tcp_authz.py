"""AuthorizationPolicy on TCP ports, enforced by B's Envoy with the network RBAC
filter before tcp_proxy, with Istio's rules for HTTP-only fields
(https://istio.io/latest/docs/tasks/security/authorization/authz-tcp/ and the
AuthorizationPolicy reference): an ALLOW rule that uses HTTP-only fields (methods, paths, ...)
is dropped for TCP, so with no other ALLOW rule everything is denied; a DENY rule drops only
those fields and so denies more (e.g. the whole port it names).

B gets two TCP ports t1 and t2 (ServiceEntry and Sidecar ingress, protocol TCP) forwarding to
an echo server; A's app reaches them through A's TCP egress listeners (tcp_proxy, mTLS to B),
another identity through a direct mTLS client. A denied connection is closed without an echo,
and the echo server never gets its bytes."""

import pytest

import authz.authz_util as u
from authz.authz_util import MESH, b_policy, expect, principal
from helpers.ports import free_port
from mtls_harness import A

C = u.spec("c", "ns-c", "sa-c")
ECHOED = "echoed"


@pytest.fixture
def tcp_mesh(mtls):
    """(mesh, echo server, t1, t2): the harness with B's TCP ports, A -> B over TCP working."""
    echo = u.TcpEcho()
    try:
        m = mtls()
        t1, t2 = free_port(), free_port()
        u.add_tcp_ports(m, [(t1, "tcp"), (t2, "tcp-alt")], echo.port)
        for t in (t1, t2):
            outcome = u.tcp_via_a(m, t)
            assert outcome == (ECHOED, b"echo:ping"), (t, outcome)
        yield m, echo, t1, t2
    finally:
        echo.stop()


def outcomes(m, c, ports):
    """{(caller, port): 'echoed' / 'closed' / ...} for A through its Envoy and `c` direct."""
    out = {}
    for t in ports:
        out[("A", t)] = u.tcp_via_a(m, t)[0]
        out[("C", t)] = u.tcp_direct(m, c, t)[0]
    return out


def assert_tcp(m, echo, c, want):
    """`want`: {(caller, port): outcome}. Denied connections must not reach the echo server,
    and each shows in B's network RBAC `denied` counter."""
    served = echo.served
    denied = u.tcp_rbac_stats(m.b).get("denied", 0)
    got = outcomes(m, c, sorted({p for _, p in want}))
    assert got == want
    n_echoed = sum(1 for v in want.values() if v == ECHOED)
    assert echo.served - served == n_echoed, "a denied connection's bytes reached the app"
    assert u.tcp_rbac_stats(m.b).get("denied", 0) - denied == len(want) - n_echoed


def test_tcp_allow_by_principal(tcp_mesh):
    m, echo, t1, t2 = tcp_mesh
    c = u.caller(m, C)
    assert_tcp(m, echo, c, {("A", t1): ECHOED, ("C", t1): ECHOED})
    m.apply("policy.yaml", b_policy("allow-a", rules=[u.from_principals(principal(A))]))
    assert_tcp(m, echo, c, {("A", t1): ECHOED, ("C", t1): "closed",
                            ("A", t2): ECHOED, ("C", t2): "closed"})
    # The same policy on B's HTTP port.
    expect(m, [(MESH, "/", 200), (c, "/", 403)])
    m.assert_no_nack()


def test_tcp_allow_rule_with_http_fields_is_dropped(tcp_mesh):
    m, echo, t1, t2 = tcp_mesh
    c = u.caller(m, C)
    # Istio's example: ALLOW GET on port t1. For TCP the rule can never match and is dropped;
    # it is the only ALLOW rule, so all TCP traffic is denied, on t2 as well.
    m.apply("policy.yaml", b_policy("allow-get", rules=[
        {"to": [{"operation": {"methods": ["GET"], "ports": [str(t1)]}}]}]))
    assert_tcp(m, echo, c, {("A", t1): "closed", ("A", t2): "closed",
                            ("C", t1): "closed", ("C", t2): "closed"})
    # A rule with methods only: still dropped for TCP, but enforced as written for HTTP.
    m.apply("policy.yaml", b_policy("allow-get", rules=[
        {"to": [{"operation": {"methods": ["GET"]}}]}]))
    assert_tcp(m, echo, c, {("A", t1): "closed", ("C", t1): "closed"})
    expect(m, [(MESH, "/", 200), (c, "/", 200), (MESH, "/", 403, {"method": "POST"})])
    # With a TCP-compatible ALLOW rule besides it, that rule decides TCP.
    m.apply("policy-tcp.yaml", b_policy("allow-a-t2", rules=[
        {"from": [{"source": {"principals": [principal(A)]}}],
         "to": [{"operation": {"ports": [str(t2)]}}]}]))
    assert_tcp(m, echo, c, {("A", t1): "closed", ("A", t2): ECHOED,
                            ("C", t1): "closed", ("C", t2): "closed"})
    m.assert_no_nack()


def test_tcp_deny_rule_with_http_fields_denies_more(tcp_mesh):
    m, echo, t1, t2 = tcp_mesh
    c = u.caller(m, C)
    # Istio's example: DENY GET on port t1. For TCP the method is dropped, so the rule denies
    # every connection to t1; t2 is untouched.
    m.apply("policy.yaml", b_policy("deny-get-t1", "DENY", rules=[
        {"to": [{"operation": {"methods": ["GET"], "ports": [str(t1)]}}]}]))
    assert_tcp(m, echo, c, {("A", t1): "closed", ("A", t2): ECHOED,
                            ("C", t1): "closed", ("C", t2): ECHOED})
    expect(m, [(MESH, "/", 200)])  # HTTP on p1: the port does not match
    # DENY C on paths /x: for TCP, C is denied on every port; over HTTP only on /x.
    m.apply("policy.yaml", b_policy("deny-c-x", "DENY", rules=[
        {"from": [{"source": {"principals": [principal(C)]}}],
         "to": [{"operation": {"paths": ["/x"]}}]}]))
    assert_tcp(m, echo, c, {("A", t1): ECHOED, ("A", t2): ECHOED,
                            ("C", t1): "closed", ("C", t2): "closed"})
    expect(m, [(c, "/", 200), (c, "/x", 403), (MESH, "/x", 200)])
    m.assert_no_nack()
