"""The seed authorization policy, end to end: every row of test/authz/seed_matrix.json sent through a
real Envoy, and `jibctl authz check` on the same config dir predicting each row's verdict.

The mesh is the two-workload one of test/mtls, with the seed's names: httpbin (namespace foo,
labels app=httpbin, version=v1; 127.0.0.3) serves, sleep (default/sleep; 127.0.0.2) calls
through its own Envoy. The seed AuthorizationPolicy is written verbatim (seed/
authorization_policy.yaml); the seed RequestAuthentication gets inline key sets of this test's
keys in place of its jwksUris. Callers other than sleep are direct mTLS clients with
certificates minted from jibd's CA for their identity; the caller `null` is a plaintext client
(httpbin's inbound is PERMISSIVE). Tokens are real JWTs: valid-google signed by the key of
https://accounts.google.com, valid-other by that of https://issuer.example.com, invalid by a
key with Google's kid that no key set holds."""
import json
import os
import pathlib
import subprocess

import jwt
import pytest
import yaml

import authz.authz_util as u
import mtls_config as cfg
from authz.jwt_harness import SigningKey, key_set
from helpers.backend import Backend
from helpers.jibd import DEFAULT_BUILD
from helpers.ports import free_port
from helpers.wait import wait_until
from mtls_harness import MtlsMesh, Workload, WorkloadSpec, describe, http_get, save_config_dump

HERE = pathlib.Path(__file__).parent
MATRIX = json.loads((HERE / "seed_matrix.json").read_text())
GOOGLE = "https://accounts.google.com"
OTHER = "https://issuer.example.com"

SLEEP = WorkloadSpec("sleep", "default", "sleep", "127.0.0.2", "127.0.1.2")
HTTPBIN = WorkloadSpec("httpbin", MATRIX["workload"]["namespace"], "httpbin", "127.0.0.3",
                       "127.0.1.3")
HTTPBIN.labels = dict(MATRIX["workload"]["labels"])
SEED_PRINCIPAL = "cluster.local/ns/default/sa/sleep"  # the caller that goes through an Envoy


def jibctl_binary():
    return os.path.join(os.environ.get("JIB_BUILD", DEFAULT_BUILD), "cmd", "jibctl", "jibctl")


def request_authentication(keys):
    """The seed RequestAuthentication with each jwksUri replaced by the inline key set of
    `keys` {issuer: SigningKey}."""
    ra = yaml.safe_load((HERE / "seed" / "request_authentication.yaml").read_text())
    for rule in ra["spec"]["jwtRules"]:
        del rule["jwksUri"]
        rule["jwks"] = json.dumps(key_set(keys[rule["issuer"]]))
    return ra


@pytest.fixture
def seed_mesh(request, tmp_path, config_dir, issuer, mesh, agent, agent_envoy):
    """(MtlsMesh with a = sleep and b = httpbin, {issuer: SigningKey})."""
    keys = {GOOGLE: SigningKey("google-1", "RS256"), OTHER: SigningKey("other-1", "ES256")}
    apps = [Backend("httpbin"), Backend("httpbin-alt")]
    m = None
    try:
        p1, p2 = free_port(), free_port()
        config_dir.write("httpbin-service.yaml",
                         cfg.mesh_service(HTTPBIN, [(p1, "http"), (p2, "http-alt")]))
        config_dir.write("httpbin-sidecar.yaml", cfg.sidecar(
            HTTPBIN, ingress=[(p1, "http", apps[0].port), (p2, "http-alt", apps[1].port)]))
        config_dir.write("sleep-sidecar.yaml", cfg.sidecar(SLEEP, egress_hosts=["foo/*"]))
        # Verbatim: the file's text, comments and all.
        config_dir.write("seed-authorization-policy.yaml",
                         (HERE / "seed" / "authorization_policy.yaml").read_text())
        config_dir.write("seed-request-authentication.yaml", request_authentication(keys))
        mm = mesh(ca_port=free_port(), debounce_ms=50)
        workloads = {}
        for spec, wapps in ((HTTPBIN, {p1: apps[0], p2: apps[1]}), (SLEEP, {})):
            labels = ",".join(f"{k}={v}" for k, v in spec.labels.items())
            args = ["--xds-address", f"127.0.0.1:{mm.jibd.ca_port}", "--pod-ip", spec.ip,
                    "--labels", labels, "--root-cert-poll", "200ms"]
            ag = agent(mm, namespace=spec.ns, sa=spec.sa, pod=f"{spec.name}-0", extra_args=args,
                       plaintext=False)
            workloads[spec.name] = Workload(spec, ag, agent_envoy(ag), wapps)
        m = MtlsMesh(mm, config_dir, workloads["sleep"], workloads["httpbin"], p1, p2, issuer,
                     tmp_path)
        m.wait_settled(20)
        # Reachable, with the policy in force: httpbin's Envoy answers (rows check the rest).
        wait_until(lambda: u.request(m, u.MESH, "/info")[0] == 403, 15,
                   "sleep -> httpbin GET /info without a token answers 403")
        yield m, keys
    finally:
        failed = any(getattr(request.node, f"rep_{w}", None) is not None
                     and getattr(request.node, f"rep_{w}").failed for w in ("setup", "call"))
        if m is not None and failed:
            for w in m.workloads:
                print(f"\n{describe(w)}\nconfig_dump saved to {save_config_dump(w, tmp_path)}")
        for b in apps:
            b.stop()


def token_for(row, keys):
    """The Authorization header value of a row's token, and the payload it carries."""
    kind = row["token"]
    if kind == "none":
        return None, None
    claims = dict(row["claims"])
    iss, sub = claims.pop("iss"), claims.pop("sub")
    if kind == "valid-google":
        assert iss == GOOGLE, row
        key = keys[GOOGLE]
    elif kind == "valid-other":
        assert iss == OTHER, row
        key = keys[OTHER]
    elif kind == "invalid":
        key = SigningKey(keys[GOOGLE].kid, "RS256")  # Google's kid, a key no key set holds
    else:
        raise AssertionError(f"unknown token kind {kind!r}")
    token = key.token(issuer=iss, subject=sub, audience=None, **claims)
    return f"Bearer {token}", jwt.decode(token, options={"verify_signature": False})


def row_id(row):
    return f"{row['caller']} {row['method']} {row['path']} token={row['token']}"


class Callers:
    """The request of a row from its caller: sleep through its Envoy, others direct."""

    def __init__(self, m):
        self.m = m
        self.direct = {}

    def send(self, row, authorization):
        m = self.m
        headers = {"authorization": authorization} if authorization else {}
        caller = row["caller"]
        if caller is None:
            try:
                r = http_get(m.b.ip, m.p1, m.b.host, row["path"], headers=headers,
                             method=row["method"])
                return r.status, r.body
            except OSError as e:
                return f"failed: {e!r}", ""
        if caller == SEED_PRINCIPAL:
            return u.request(m, u.MESH, row["path"], row["method"], headers)
        if caller not in self.direct:
            parts = caller.split("/")
            assert parts[0] == "cluster.local" and parts[1] == "ns" and parts[3] == "sa", caller
            ns, sa = parts[2], parts[4]
            self.direct[caller] = u.caller(m, u.spec(f"{ns}-{sa}", ns, sa))
        return u.request(m, self.direct[caller], row["path"], row["method"], headers)


def check_envoy(m, callers, row, authorization):
    """'' when httpbin's Envoy gave the row's status the way it should, else what went wrong."""
    app = m.b.apps[m.p1]
    before = app.count
    status, body = callers.send(row, authorization)
    want = row["status"]
    if status != want:
        return f"Envoy answered {status} {body[:60]!r}, want {want} ({row['why']})"
    if want == 200:
        got = app.received()[before:]
        if len(got) != 1 or got[0]["path"] != row["path"] or got[0]["method"] != row["method"]:
            return f"200, but httpbin got {got}"
        return ""
    if app.count != before:
        return f"{want}, but the request reached httpbin"
    if row["method"] != "HEAD":
        marker = u.RBAC_DENIED_BODY if want == 403 else "Jwt"
        if marker not in body:
            return f"{want} without {marker!r} in the body: {body[:80]!r}"
    return ""


def check_jibctl(m, row, payload, tmp_path):
    """'' when `jibctl authz check` on the mesh's config dir predicts the row's status."""
    labels = ",".join(f"{k}={v}" for k, v in HTTPBIN.labels.items())
    args = [jibctl_binary(), "authz", "check", "--config", str(m.config.path),
            "--to", f"{HTTPBIN.ns}:{labels}", "--port", str(m.p1),
            "--method", row["method"], "--path", row["path"], "-o", "json"]
    if row["caller"] is not None:
        args += ["--from", row["caller"]]
    if row["token"] == "invalid":
        args.append("--token-invalid")
    elif payload is not None:
        claims = tmp_path / "claims.json"
        claims.write_text(json.dumps(payload))
        args += ["--claims", str(claims)]
    r = subprocess.run(args, capture_output=True, text=True, timeout=60)
    if r.returncode not in (0, 1):
        return f"jibctl exit {r.returncode}: {r.stderr.strip()[:300]}"
    out = json.loads(r.stdout)
    want_code = 0 if row["status"] == 200 else 1
    if (out.get("status"), r.returncode) != (row["status"], want_code):
        return (f"jibctl predicts {out.get('status')} (exit {r.returncode}, stage "
                f"{out.get('stage')}, policy {out.get('policy')}), want {row['status']}")
    return ""


def test_seed_matrix_through_envoy_and_jibctl(seed_mesh, tmp_path):
    m, keys = seed_mesh
    if not os.access(jibctl_binary(), os.X_OK):
        pytest.fail(f"jibctl not found at {jibctl_binary()} (set JIB_BUILD to a build dir)")
    callers = Callers(m)
    rows = MATRIX["rows"]
    assert len(rows) >= 40 and {r["status"] for r in rows} == {200, 401, 403}
    wrong = []
    for row in rows:
        authorization, payload = token_for(row, keys)
        problem = check_envoy(m, callers, row, authorization)
        if problem:
            wrong.append(f"{row_id(row)}: {problem}")
        problem = check_jibctl(m, row, payload, tmp_path)
        if problem:
            wrong.append(f"{row_id(row)}: {problem}")
    assert not wrong, f"{len(wrong)} of {len(rows)} rows wrong:\n  " + "\n  ".join(wrong)
    m.assert_no_nack()
