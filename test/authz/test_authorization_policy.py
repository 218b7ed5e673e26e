"""AuthorizationPolicy with Istio's semantics, enforced by B's real Envoy.

Callers: A's app through A's Envoy (MESH: principal cluster.local/ns/ns-a/sa/sa-a, from
127.0.0.1 as B sees it), and direct mTLS clients with certificates minted from jibd's CA for
other identities (C in ns-c, A2 = another service account of ns-a), optionally bound to another
loopback source address. `expect` checks every verdict at once: a 200 reached B's app, a 403 is
Envoy's "RBAC: access denied" and never reached it."""
import time

import pytest

import authz.authz_util as u
from authz.authz_util import MESH, b_policy, expect, policy, principal
from mtls_harness import A, B

C = u.spec("c", "ns-c", "sa-c")
A2 = u.spec("a2", "ns-a", "sa-other")
ROOT = "istio-system"


def from_a():
    return [u.from_principals(principal(A))]


def callers(m, *specs):
    return [u.caller(m, s) for s in specs]


# ---- ALLOW -----------------------------------------------------------------------------------
def test_allow_by_principal(mtls):
    m = mtls()
    c, a2, a_direct = callers(m, C, A2, A)
    # No policy: everyone is allowed.
    expect(m, [(MESH, "/", 200), (c, "/", 200), (a2, "/", 200)])
    m.apply("policy.yaml", b_policy("allow-a", rules=from_a()))
    expect(m, [(MESH, "/", 200), (MESH, "/any/path", 200),
               (a_direct, "/", 200),  # the identity is what counts, not A's Envoy
               (c, "/", 403), (a2, "/", 403)])  # same namespace, other service account
    m.assert_no_nack()


def test_allow_by_namespace(mtls):
    m = mtls(extra={"policy.yaml": b_policy(
        "allow-ns-a", rules=[{"from": [{"source": {"namespaces": ["ns-a"]}}]}])})
    c, a2 = callers(m, C, A2)
    expect(m, [(MESH, "/", 200), (a2, "/", 200), (c, "/", 403)])


def test_no_matching_allow_rule_is_403_only_when_an_allow_policy_applies(mtls):
    m = mtls()
    c, = callers(m, C)
    # A DENY policy that matches nothing, and an ALLOW policy of another namespace: no ALLOW
    # policy applies to B, so C, which matches no ALLOW rule, is allowed.
    m.apply("policy.yaml", [
        b_policy("deny-other", "DENY", rules=[{"from": [{"source": {"namespaces": ["ns-z"]}}]}]),
        policy("allow-a-elsewhere", "ns-a", rules=from_a())])
    expect(m, [(MESH, "/", 200), (c, "/", 200)])
    # Now one ALLOW policy applies to B; C matches none of its rules.
    m.apply("policy-b.yaml", b_policy("allow-a", rules=from_a()))
    expect(m, [(MESH, "/", 200), (c, "/", 403)])
    # Another ALLOW policy for C: ALLOW policies add up.
    m.apply("policy-c.yaml", b_policy("allow-c", rules=[u.from_principals(principal(C))]))
    expect(m, [(MESH, "/", 200), (c, "/", 200)])


# ---- actions ---------------------------------------------------------------------------------
def test_deny_beats_allow(mtls):
    m = mtls()
    c, = callers(m, C)
    m.apply("policy.yaml", [
        b_policy("allow-a-and-c", rules=[u.from_principals(principal(A), principal(C))]),
        b_policy("deny-admin", "DENY", rules=[{"to": [{"operation": {"paths": ["/admin*"]}}]}]),
        b_policy("deny-c-post", "DENY", rules=[
            {"from": [{"source": {"principals": [principal(C)]}}],
             "to": [{"operation": {"methods": ["POST"]}}]}])])
    expect(m, [(MESH, "/", 200), (MESH, "/admin", 403), (MESH, "/admin/users", 403),
               (MESH, "/", 200, {"method": "POST"}),
               (c, "/", 200), (c, "/admin", 403), (c, "/", 403, {"method": "POST"})])
    # An ALLOW that allows everything does not lift a DENY either.
    m.apply("policy.yaml", [b_policy("allow-all", rules=[{}]),
                            b_policy("deny-a", "DENY", rules=from_a())])
    expect(m, [(MESH, "/", 403), (c, "/", 200)])


def test_audit_changes_nothing(mtls):
    m = mtls()
    c, = callers(m, C)
    m.apply("policy.yaml", b_policy("audit-all", "AUDIT", rules=[{}]))
    expect(m, [(MESH, "/", 200), (c, "/", 200), (c, "/x", 200, {"method": "DELETE"})])
    # With an ALLOW policy, AUDIT neither allows what ALLOW denies nor denies what it allows.
    m.apply("policy-allow.yaml", b_policy("allow-a", rules=from_a()))
    expect(m, [(MESH, "/", 200), (c, "/", 403)])
    # The AUDIT policy is in B's Envoy (so the verdicts above were made with it): a LOG filter.
    rbac = u.inbound_rbac(m.b, m.p1)
    assert ("envoy.filters.http.rbac",
            {"rules": ("LOG", ["ns[ns-b]-policy[audit-all]-rule[0]"])}) in rbac, rbac


def test_allow_nothing_denies_all_and_an_empty_rule_allows_all(mtls):
    m = mtls()
    c, = callers(m, C)
    # Only a selector: ALLOW with no rules for B.
    m.apply("allow-nothing.yaml", policy("allow-nothing", B.ns,
                                         spec={"selector": {"matchLabels": B.labels}}))
    expect(m, [(MESH, "/", 403), (c, "/", 403), (MESH, "/", 403, {"port": m.p2})])
    # The whole spec empty (no selector): the namespace's allow-nothing.
    m.remove("allow-nothing.yaml")
    m.apply("allow-nothing-ns.yaml", policy("allow-nothing", B.ns, spec={}))
    expect(m, [(MESH, "/", 403), (c, "/", 403)])
    # rules: [{}] matches every request: with it, ALLOW allows all (policies OR together).
    m.apply("allow-all.yaml", b_policy("allow-all", rules=[{}]))
    expect(m, [(MESH, "/", 200), (c, "/", 200), (c, "/x", 200, {"method": "PUT"})])


def test_deny_without_rules_denies_nothing(mtls):
    m = mtls()
    c, = callers(m, C)
    m.apply("policy.yaml", b_policy("deny-nothing", "DENY"))
    expect(m, [(MESH, "/", 200), (c, "/", 200), (c, "/", 200, {"method": "POST"})])
    # ...while the same policy with one empty rule denies everything.
    m.apply("policy.yaml", b_policy("deny-all", "DENY", rules=[{}]))
    expect(m, [(MESH, "/", 403), (c, "/", 403)])


# ---- scope -----------------------------------------------------------------------------------
@pytest.mark.parametrize("namespace,selector,applies", [
    (ROOT, None, True),            # mesh-wide
    (B.ns, None, True),            # namespace-wide
    (B.ns, {"app": "b"}, True),    # workload
    (ROOT, {"app": "b"}, True),    # a root-namespace selector selects in every namespace
    ("ns-a", None, False),         # another namespace
    ("ns-c", {"app": "b"}, False),  # another namespace, even with B's labels
    (B.ns, {"app": "x"}, False),   # B's namespace, a selector B does not match
    (ROOT, {"app": "x"}, False),
], ids=["mesh", "namespace", "workload", "root-selector", "other-namespace",
        "other-namespace-selector", "non-matching-selector", "root-non-matching-selector"])
def test_scope(mtls, namespace, selector, applies):
    m = mtls()
    c, = callers(m, C)
    m.apply("policy.yaml", policy("allow-a", namespace, rules=from_a(), selector=selector))
    expect(m, [(MESH, "/", 200), (c, "/", 403 if applies else 200)])
    # The same with DENY: C is denied exactly when the policy applies to B.
    m.apply("policy.yaml", policy("deny-c", namespace, "DENY",
                                  rules=[u.from_principals(principal(C))], selector=selector))
    expect(m, [(MESH, "/", 200), (c, "/", 403 if applies else 200)])


# ---- fields ----------------------------------------------------------------------------------
def test_not_fields(mtls):
    m = mtls()
    c, a2 = callers(m, C, A2)
    m.apply("policy.yaml", b_policy("allow-not", rules=[
        {"from": [{"source": {"notNamespaces": ["ns-c"]}}],
         "to": [{"operation": {"notPaths": ["/private*"], "notMethods": ["DELETE"]}}]}]))
    expect(m, [(MESH, "/public", 200), (a2, "/public", 200),
               (c, "/public", 403),  # notNamespaces
               (MESH, "/private/x", 403), (MESH, "/private", 403),  # notPaths
               (MESH, "/public", 403, {"method": "DELETE"}),  # notMethods
               (MESH, "/public", 200, {"method": "POST"})])
    m.apply("policy.yaml", b_policy("deny-not-a", "DENY", rules=[
        {"from": [{"source": {"notPrincipals": [principal(A)]}}]}]))
    expect(m, [(MESH, "/", 200), (c, "/", 403), (a2, "/", 403)])


def test_path_forms_and_methods(mtls):
    m = mtls()
    c, = callers(m, C)
    m.apply("policy.yaml", b_policy("allow-paths", rules=[
        {"to": [{"operation": {"paths": ["/api/*", "*.png", "/exact"],
                               "methods": ["GET", "HEAD"]}}]}]))
    expect(m, [(MESH, "/api/v1", 200), (MESH, "/api/", 200), (MESH, "/api", 403),
               (MESH, "/img/logo.png", 200), (MESH, "/img/logo.jpg", 403),
               (MESH, "/exact", 200), (MESH, "/exact/more", 403), (MESH, "/exactly", 403),
               (MESH, "/api/v1", 403, {"method": "POST"}),
               (MESH, "/exact", 403, {"method": "DELETE"}),
               (c, "/api/v1", 200)])  # no `from`: any caller
    # "*" matches any path.
    m.apply("policy.yaml", b_policy("allow-any-path", rules=[
        {"to": [{"operation": {"paths": ["*"], "methods": ["POST"]}}]}]))
    expect(m, [(MESH, "/", 200, {"method": "POST"}), (c, "/a/b?c=d", 200, {"method": "POST"}),
               (MESH, "/", 403)])


def test_paths_are_normalized_before_policies(mtls):
    """Istio's default path normalization (BASE) on B's inbound: a raw /x/../admin, sent by a
    direct client so that no Envoy normalizes it before B, is /admin to the policy (and to
    the app)."""
    m = mtls()
    c, = callers(m, C)
    m.apply("policy.yaml", b_policy("deny-admin", "DENY", rules=[
        {"to": [{"operation": {"paths": ["/admin*"]}}]}]))
    expect(m, [(c, "/x/../admin", 403), (c, "/./admin/users", 403), (c, "/admin", 403),
               (c, "/admin/../public", 200, {"app_path": "/public"}),
               (c, "/x/./y", 200, {"app_path": "/x/y"}),
               (MESH, "/x/../admin", 403)])


def test_when_conditions(mtls):
    m = mtls()
    c, a2 = callers(m, C, A2)
    m.apply("policy.yaml", b_policy("allow-when", rules=[
        {"when": [{"key": "request.headers[x-user]", "values": ["alice", "bob*"]},
                  {"key": "request.headers[x-env]", "notValues": ["prod"]}]}]))
    expect(m, [(MESH, "/", 200, {"headers": {"x-user": "alice"}}),
               (MESH, "/", 200, {"headers": {"x-user": "bobby", "x-env": "dev"}}),
               (MESH, "/", 403, {"headers": {"x-user": "alice", "x-env": "prod"}}),
               (MESH, "/", 403, {"headers": {"x-user": "carol"}}),
               (MESH, "/", 403),
               (c, "/", 200, {"headers": {"x-user": "alice"}})])
    m.apply("policy.yaml", b_policy("allow-when", rules=[
        {"when": [{"key": "source.namespace", "values": ["ns-a"]}]},
        {"when": [{"key": "source.principal", "values": [principal(C)]}]}]))
    expect(m, [(MESH, "/", 200), (a2, "/", 200), (c, "/", 200)])
    d, = callers(m, u.spec("d", "ns-d", "sa-d"))
    expect(m, [(d, "/", 403)])
    m.apply("policy.yaml", b_policy("allow-when", rules=[
        {"when": [{"key": "destination.port", "values": [str(m.p1)]}]}]))
    expect(m, [(MESH, "/", 200), (MESH, "/", 403, {"port": m.p2}),
               (c, "/", 200), (c, "/", 403, {"port": m.p2})])


def test_ip_blocks(mtls):
    m = mtls()
    # A's Envoy reaches B from 127.0.0.1 (the loopback source Linux picks for 127.0.0.3).
    from_9, from_12 = u.caller(m, A, "127.0.0.9"), u.caller(m, A, "127.0.0.12")
    from_1 = u.caller(m, A, "127.0.0.1")
    m.apply("policy.yaml", b_policy("allow-local", rules=[
        {"from": [{"source": {"ipBlocks": ["127.0.0.1/32"]}}]}]))
    expect(m, [(MESH, "/", 200), (from_1, "/", 200), (from_9, "/", 403), (from_12, "/", 403)])
    # A CIDR in DENY, and notIpBlocks in ALLOW.
    m.apply("policy.yaml", [
        b_policy("deny-8-30", "DENY",
                 rules=[{"from": [{"source": {"ipBlocks": ["127.0.0.8/30"]}}]}]),
        b_policy("allow-not-12", rules=[{"from": [{"source": {"notIpBlocks": ["127.0.0.12"]}}]}])])
    expect(m, [(MESH, "/", 200), (from_9, "/", 403), (from_12, "/", 403)])
    from_13 = u.caller(m, A, "127.0.0.13")
    expect(m, [(from_13, "/", 200)])


# ---- dry-run ---------------------------------------------------------------------------------
DRY_RUN = {"istio.io/dry-run": "true"}


def test_dry_run_changes_nothing_but_is_counted(mtls):
    m = mtls()
    c, = callers(m, C)
    m.apply("policy.yaml", [
        b_policy("dry-allow-a", rules=from_a(), annotations=DRY_RUN),
        b_policy("dry-deny-admin", "DENY", rules=[{"to": [{"operation": {"paths": ["/admin"]}}]}],
                 annotations=DRY_RUN)])
    # Envoy's shadow stats: http.inbound_<ip>_<port>.rbac.<shadow prefix>.shadow_{allowed,denied}
    allow_p, deny_p = "istio_dry_run_allow_.", "istio_dry_run_deny_."

    def delta(before):
        after = u.http_rbac_stats(m.b, m.p1)
        return {k: after.get(k, 0) - before.get(k, 0)
                for k in after if k.startswith((allow_p, deny_p))}

    cases = [
        # (who, path, shadow stats it must move)
        (c, "/", {allow_p + "shadow_denied": 1, deny_p + "shadow_allowed": 1}),
        (MESH, "/", {allow_p + "shadow_allowed": 1, deny_p + "shadow_allowed": 1}),
        (MESH, "/admin", {allow_p + "shadow_allowed": 1, deny_p + "shadow_denied": 1}),
        (c, "/admin", {allow_p + "shadow_denied": 1, deny_p + "shadow_denied": 1}),
    ]
    for who, path, moved in cases:
        before = u.http_rbac_stats(m.b, m.p1)
        expect(m, [(who, path, 200)])  # enforced: nothing
        want = {k: moved.get(k, 0) for k in (allow_p + "shadow_allowed", allow_p + "shadow_denied",
                                             deny_p + "shadow_allowed", deny_p + "shadow_denied")}
        assert delta(before) == want, (u.who_name(who), path)
    # The same policies without the annotation are enforced.
    m.apply("policy.yaml", [b_policy("allow-a", rules=from_a()),
                            b_policy("deny-admin", "DENY",
                                     rules=[{"to": [{"operation": {"paths": ["/admin"]}}]}])])
    expect(m, [(c, "/", 403), (MESH, "/", 200), (MESH, "/admin", 403)])


# ---- changes ---------------------------------------------------------------------------------
def test_policy_change_takes_effect_within_2s_without_restart_or_nack(mtls):
    m = mtls()
    c, = callers(m, C)
    pids = {w.name: w.envoy.pid for w in m.workloads}
    uptime = {w.name: w.envoy.admin.stat("server.uptime") for w in m.workloads}
    expect(m, [(c, "/", 200)])

    def flip(name, objects, want, who=c, path="/"):
        """Writes the file, then calls until the verdict is `want`: the seconds it took."""
        start = time.monotonic()
        m.config.write(name, objects)
        got = None
        while time.monotonic() - start < 5:
            got, _ = u.request(m, who, path)
            if got == want:
                return time.monotonic() - start
            time.sleep(0.02)
        raise AssertionError(f"{name}: still {got} after 5 s, want {want}")

    took = [flip("policy.yaml", b_policy("allow-a", rules=from_a()), 403),
            flip("policy.yaml", b_policy("allow-a", rules=from_a() + [
                u.from_principals(principal(C))]), 200),
            flip("deny.yaml", b_policy("deny-x", "DENY", rules=[
                {"to": [{"operation": {"paths": ["/x"]}}]}]), 403, MESH, "/x"),
            flip("deny.yaml", b_policy("deny-x", "DENY", rules=[
                {"to": [{"operation": {"paths": ["/y"]}}]}]), 200, MESH, "/x")]
    print(f"verdict flips after writing the file: {[round(t, 3) for t in took]} s")
    assert max(took) < 2.0, took
    m.wait_settled()
    m.assert_no_nack()
    for w in m.workloads:
        assert w.envoy.pid == pids[w.name] and w.envoy.alive(), f"{w.name}'s Envoy restarted"
        assert w.envoy.admin.stat("server.uptime") >= uptime[w.name], f"{w.name}'s uptime reset"
        assert w.envoy.admin.stat("server.hot_restart_epoch", 0) == 0
        rejected = {k: v for k, v in w.admin.stats(filter=r"update_rejected$").items() if v}
        assert not rejected, rejected
    expect(m, [(c, "/", 200), (MESH, "/x", 200), (MESH, "/y", 403)])
