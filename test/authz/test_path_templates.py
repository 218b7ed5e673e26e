"""AuthorizationPolicy paths and notPaths with Istio's path templates ({*} one
path segment, {**} any remaining text), enforced by B's real Envoy through Envoy's uri_template
matcher, and `jibctl authz check` on the same config directory agreeing on every request.

Callers: A's app through A's Envoy (MESH) and C, a direct mTLS client of another namespace.
Per the semantics checked here (Envoy's): {*} is one non-empty segment, {**} any text of path
characters, '/' included, even none ("/api/{**}" matches "/api/" but not "/api"); text may
follow {**}; the query is not part of the path."""
import json
import os
import subprocess

import authz.authz_util as u
from authz.authz_util import MESH, b_policy, expect, principal
from helpers.jibd import DEFAULT_BUILD
from helpers.wait import wait_until
from mtls_harness import A, B

C = u.spec("c", "ns-c", "sa-c")
JIBCTL = os.path.join(os.environ.get("JIB_BUILD", DEFAULT_BUILD), "cmd", "jibctl", "jibctl")


def run_jibctl(m, caller, path):
    """`jibctl authz check` on the mesh's config directory: one GET from `caller` to B on p1."""
    return subprocess.run(
        [JIBCTL, "authz", "check", "--config", str(m.config.path), "--to",
         f"{B.ns}:app={B.name}", "--port", str(m.p1), "--from", principal(caller),
         "--method", "GET", "--path", path, "-o", "json"],
        capture_output=True, text=True, timeout=60)


def jibctl_check(m, caller, path):
    """(exit code, -o json report) of run_jibctl; 0 is ALLOW, 1 DENY."""
    r = run_jibctl(m, caller, path)
    assert r.returncode in (0, 1), r.stdout + r.stderr
    return r.returncode, json.loads(r.stdout)


def check_both(m, cases, policy):
    """B's Envoy (expect) and jibctl on each case (who: MESH for A, else C's caller; path;
    status); jibctl must name `policy` ({status: Envoy policy name}) as the one deciding."""
    expect(m, cases)
    wrong = []
    for who, path, status in cases:
        spec = A if who == MESH else C
        code, out = jibctl_check(m, spec, path)
        got = (code, out["status"], out["policy"])
        want = (0 if status == 200 else 1, status, policy.get(status))
        if got != want:
            wrong.append(f"{spec.ns}/{spec.sa} GET {path}: jibctl {got}, Envoy gave {want}")
    assert not wrong, "jibctl disagrees with Envoy:\n  " + "\n  ".join(wrong)


def uri_templates(m):
    """The path_templates in B's inbound RBAC, from its config_dump."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if "path_template" in node:
                found.append(node["path_template"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(m.b.admin.dynamic_listeners())
    return sorted(set(found))


def test_allow_with_templates(mtls):
    m = mtls()
    m.apply("policy.yaml", b_policy("templates", rules=[{"to": [{"operation": {
        "paths": ["/admin/{*}", "/api/{**}", "/foo/{*}/bar/{**}"],
        "notPaths": ["/api/{*}/private"]}}]}]))
    c = u.caller(m, C)
    assert uri_templates(m) == ["/admin/*", "/api/**", "/api/*/private", "/foo/*/bar/**"]
    allowed = {200: "ns[ns-b]-policy[templates]-rule[0]", 403: None}
    check_both(m, [
        (MESH, "/admin/users", 200), (MESH, "/admin/users?page=2", 200),
        (MESH, "/api/", 200), (MESH, "/api/v1/items/7", 200),
        (MESH, "/foo/x/bar/", 200), (MESH, "/foo/x/bar/a/b", 200),
        (c, "/admin/users", 200),  # paths only: any caller
        (MESH, "/admin", 403), (MESH, "/admin/", 403), (MESH, "/admin/a/b", 403),
        (MESH, "/api", 403), (MESH, "/api/v1/private", 403), (MESH, "/foo/x/bar", 403),
        (MESH, "/foo/x/y/bar/z", 403), (MESH, "/", 403), (c, "/other", 403),
    ], allowed)
    m.assert_no_nack()


def test_deny_with_templates(mtls):
    m = mtls(extra={"policy.yaml": [
        b_policy("deny-templates", "DENY", rules=[
            {"to": [{"operation": {"paths": ["/secret/{*}", "/files/{**}/raw"]}}]},
            {"from": [{"source": {"principals": [principal(C)]}}],
             "to": [{"operation": {"notPaths": ["/v1/{**}"]}}]}])]})
    c = u.caller(m, C)
    assert uri_templates(m) == ["/files/**/raw", "/secret/*", "/v1/**"]
    rule0 = {403: "ns[ns-b]-policy[deny-templates]-rule[0]", 200: None}
    check_both(m, [
        (MESH, "/secret/key", 403), (MESH, "/secret/key?x=1", 403),
        (MESH, "/files/a/b/raw", 403), (MESH, "/files//raw", 403), (c, "/secret/key", 403),
        (MESH, "/secret", 200), (MESH, "/secret/", 200), (MESH, "/secret/a/b", 200),
        (MESH, "/files/raw", 200), (MESH, "/files/a/raw/x", 200), (MESH, "/public", 200),
    ], rule0)
    # notPaths: C is denied everywhere but under /v1/ (and "/v1" itself is not under it).
    check_both(m, [(c, "/v1/", 200), (c, "/v1/items?q=1", 200), (c, "/v1/a/b", 200),
                   (c, "/v1", 403), (c, "/v2/items", 403), (MESH, "/v2/items", 200)],
               {403: "ns[ns-b]-policy[deny-templates]-rule[1]", 200: None})
    m.assert_no_nack()


def test_invalid_template_is_refused_and_the_last_good_policy_stays(mtls):
    """Istio passes "admin/{*}" (no leading '/'), on which Envoy aborts: jibd refuses the file,
    and B keeps the policy it had."""
    m = mtls(extra={"policy.yaml": b_policy("deny-admin", "DENY", rules=[
        {"to": [{"operation": {"paths": ["/admin/{*}"]}}]}])})
    expect(m, [(MESH, "/admin/x", 403), (MESH, "/x", 200)])
    m.config.write("policy.yaml", b_policy("deny-admin", "DENY", rules=[
        {"to": [{"operation": {"paths": ["admin/{*}"]}}]}]))
    wait_until(lambda: m.jibd.log_lines(r"a path template must start with '/'"), 10,
               "jibd to report the invalid template")
    m.wait_settled()
    assert uri_templates(m) == ["/admin/*"]
    expect(m, [(MESH, "/admin/x", 403), (MESH, "/x", 200)])
    # jibctl loads the config as jibd does, and says what is wrong with it.
    r = run_jibctl(m, A, "/admin/x")
    assert r.returncode == 2 and "policy.yaml" in r.stderr and \
        "a path template must start with '/'" in r.stderr, r.stderr
    m.assert_no_nack()
