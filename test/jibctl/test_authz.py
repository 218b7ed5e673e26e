"""Jibctl authz check: the verdict of the RBAC filters jibd would send a workload, run on one
request as Envoy runs them. The seed matrix (test/authz/seed_matrix.json) row by row,
then stages, workloads, ports, tokens and errors on fixtures/authz beside the seed config."""
import json
import pathlib

import pytest

AUTHZ = pathlib.Path(__file__).parent.parent / "authz"
MATRIX = json.loads((AUTHZ / "seed_matrix.json").read_text())
SEED_RULE = "ns[foo]-policy[httpbin]-rule[0]"
GOOGLE = {"iss": "https://accounts.google.com", "sub": "user-1"}


@pytest.fixture
def check(jibctl, fixtures, tmp_path):
    """check(*flags, claims=None) -> (exit code, parsed -o json output) on the seed config
    and fixtures/authz."""
    def run(*flags, claims=None, extra=True):
        args = ["authz", "check", "--config", AUTHZ / "seed", "-o", "json", *flags]
        if extra:
            args += ["--config", fixtures / "authz"]
        if claims is not None:
            path = tmp_path / "claims.json"
            path.write_text(json.dumps(claims))
            args += ["--claims", path]
        r = jibctl(*args)
        assert r.returncode in (0, 1), r.stdout + r.stderr
        return r.returncode, json.loads(r.stdout)
    return run


def matrix_id(row):
    return f"{row['caller']}-{row['method']}-{row['path']}-{row['token']}"


@pytest.mark.parametrize("row", MATRIX["rows"], ids=matrix_id)
def test_seed_matrix(check, row):
    workload = MATRIX["workload"]
    labels = ",".join(f"{k}={v}" for k, v in workload["labels"].items())
    flags = ["--to", f"{workload['namespace']}:{labels}", "--method", row["method"],
             "--path", row["path"]]
    if row["caller"] is not None:
        flags += ["--from", row["caller"]]
    if row["token"] == "invalid":
        flags.append("--token-invalid")
    code, out = check(*flags, claims=row["claims"] if row["token"] != "invalid" else None,
                      extra=False)
    assert (out["status"], code) == (row["status"], 0 if row["status"] == 200 else 1), \
        row["why"]
    expected = {200: ("ALLOW", SEED_RULE), 403: ("ALLOW", None), 401: ("jwt_authn", None)}
    assert (out["stage"], out["policy"]) == expected[row["status"]]


def test_seed_matrix_is_as_issue_7_says():
    """The data other tests read: the seed policy verbatim, and enough rows of each kind."""
    policy = (AUTHZ / "seed" / "authorization_policy.yaml").read_text()
    assert '      values: ["https://accounts.google.com"]' in policy
    rows = MATRIX["rows"]
    assert len(rows) >= 40
    assert {r["token"] for r in rows} == {"none", "valid-google", "valid-other", "invalid"}
    assert {r["status"] for r in rows} == {200, 401, 403}
    # The claim is part of the whole rule: no GET /info passes without the Google token.
    assert all(r["status"] != 200 for r in rows if r["token"] != "valid-google")


def test_text_output(jibctl, fixtures, tmp_path):
    claims = tmp_path / "claims.json"
    claims.write_text(json.dumps(GOOGLE))
    r = jibctl("authz", "check", "--config", AUTHZ / "seed", "--config", fixtures / "authz",
               "--to", "foo/httpbin-v1-abc", "--from", "cluster.local/ns/default/sa/sleep",
               "--method", "POST", "--path", "/data", "--claims", claims)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "ALLOW",
        "  stage:    ALLOW",
        f"  policy:   {SEED_RULE}",
        "  audit:    logged by ns[foo]-policy[audit-posts]-rule[0]",
        "  workload: Pod foo/httpbin-v1-abc (app=httpbin,version=v1) 10.1.0.5",
        "  port:     8000 (HTTP)",
        "  token:    verified: issuer https://accounts.google.com",
        "  rbac:     DENY: 1 policy, none matched; dry-run 1 policy, none matched",
        f"  rbac:     ALLOW: 2 policies, matched {SEED_RULE}",
        "  rbac:     AUDIT: 1 policy, matched ns[foo]-policy[audit-posts]-rule[0]",
    ]
    r = jibctl("authz", "check", "--config", AUTHZ / "seed", "--to", "foo:app=httpbin,version=v1",
               "--from", "cluster.local/ns/test/sa/x", "--path", "/info")
    assert r.returncode == 1
    assert r.stdout.splitlines()[:3] == ["DENY", "  stage:    ALLOW",
                                         "  policy:   no policy matched"]


def test_deny_stage_runs_first_and_dry_run_never_decides(check):
    sleep = ["--to", "foo/httpbin-v1-abc", "--from", "cluster.local/ns/default/sa/sleep"]
    code, out = check(*sleep, "--path", "/admin/info", claims=GOOGLE)
    assert (code, out["status"], out["stage"], out["policy"]) == \
        (1, 403, "DENY", "ns[foo]-policy[deny-admin]-rule[0]")
    assert [s["stage"] for s in out["stages"]] == ["DENY"]  # the ALLOW stage is not reached
    code, out = check(*sleep, "--method", "DELETE", "--path", "/info")
    deny = out["stages"][0]
    assert (deny["enforced"], deny["matched"], deny["shadow_matched"], deny["shadow_denies"]) == \
        (True, None, "ns[foo]-policy[deny-delete]-rule[0]", True)
    assert (out["stage"], code) == ("ALLOW", 1)  # denied by the seed policy, not the dry run


def test_paths_are_judged_after_normalization_as_envoy_does(check):
    sleep = ["--to", "foo/httpbin-v1-abc", "--from", "cluster.local/ns/default/sa/sleep"]
    # Envoy resolves dot segments first: /x/../admin/info meets DENY /admin*...
    code, out = check(*sleep, "--path", "/x/../admin/info", claims=GOOGLE)
    assert (code, out["stage"], out["policy"]) == \
        (1, "DENY", "ns[foo]-policy[deny-admin]-rule[0]")
    # ...and /admin/../info is /info, which the seed policy allows.
    code, out = check(*sleep, "--path", "/admin/../info", claims=GOOGLE)
    assert (code, out["status"]) == (0, 200), out


def test_workloads_by_pod_workload_entry_and_labels(check):
    code, out = check("--to", "foo/httpbin-vm", "--method", "DELETE")
    assert out["workload"] == {"kind": "WorkloadEntry", "namespace": "foo", "name": "httpbin-vm",
                               "labels": {"app": "httpbin", "version": "v2"}, "ip": "10.2.0.9"}
    # v2: the seed policy does not apply, deny-admin matches nothing: no stage decides.
    assert (code, out["decision"], out["stage"], out["policy"]) == (0, "ALLOW", "none", None)
    assert [s["stage"] for s in out["stages"]] == ["DENY", "AUDIT"]
    code, out = check("--to", "foo/httpbin-v1-abc")
    assert (out["port"], out["protocol"], out["workload"]["ip"]) == (8000, "HTTP", "10.1.0.5")
    code, out = check("--to", "elsewhere:app=httpbin")
    assert (code, out["stage"], out["stages"], out["port"]) == (0, "none", [], 80)


def test_tcp_port_runs_network_rbac(check):
    code, out = check("--to", "foo/httpbin-v1-abc", "--port", "9000",
                      "--from", "cluster.local/ns/test/sa/x", claims=GOOGLE)
    assert (code, out["protocol"], out["status"], out["stage"], out["policy"]) == \
        (0, "TCP", None, "ALLOW", "ns[foo]-policy[tcp-from-test]-rule[0]")
    assert "a TCP port: the token is not read" in out["notes"]
    # The seed rule needs HTTP: on TCP it is dropped, and sleep matches nothing else.
    code, out = check("--to", "foo/httpbin-v1-abc", "--port", "9000",
                      "--from", "cluster.local/ns/default/sa/sleep", claims=GOOGLE)
    allow = [s for s in out["stages"] if s["stage"] == "ALLOW"][0]
    assert (code, allow["policies"], allow["matched"]) == \
        (1, ["ns[foo]-policy[tcp-from-test]-rule[0]"], None)
    # bar/db has no Sidecar: its port is its service's, TCP. Of bar's three rules only the one
    # on addresses holds on TCP; the host and claim rules are dropped.
    code, out = check("--to", "bar/db", "--source-ip", "10.8.1.1")
    assert (code, out["port"], out["protocol"], out["policy"]) == \
        (0, 5432, "TCP", "ns[bar]-policy[net]-rule[0]")
    assert out["stages"][0]["policies"] == ["ns[bar]-policy[net]-rule[0]"]
    assert check("--to", "bar/db", "--host", "api.bar.example")[0] == 1


def test_tokens(check):
    seed = ["--to", "foo/httpbin-v1-abc", "--from", "cluster.local/ns/default/sa/sleep",
            "--path", "/info"]
    code, out = check(*seed, claims={"iss": "https://unknown.example.com", "sub": "a"})
    assert (code, out["status"], out["stage"], out["token"]["outcome"]) == \
        (1, 401, "jwt_authn", "rejected")
    code, out = check(*seed, claims={**GOOGLE, "exp": 1000})
    assert (out["status"], out["token"]["detail"]) == (401, "the token has expired")
    # Namespace bar has no RequestAuthentication: the token is not read, claims cannot match.
    code, out = check("--to", "bar:app=x", claims=GOOGLE)
    assert (code, out["status"], out["token"]["outcome"]) == (1, 403, "not_read")
    code, out = check("--to", "bar:app=x", "--token-invalid")
    assert (code, out["status"]) == (1, 403)


def test_addresses_and_hosts(check):
    bar = ["--to", "bar:app=x"]
    assert check(*bar, "--source-ip", "10.8.3.4")[1]["policy"] == "ns[bar]-policy[net]-rule[0]"
    assert check(*bar, "--source-ip", "10.9.3.4")[0] == 1
    # remoteIpBlocks read X-Forwarded-For's last address; ipBlocks the peer's.
    code, out = check(*bar, "--source-ip", "10.9.3.4",
                      "--header", "X-Forwarded-For=198.51.100.1, 203.0.113.7")
    assert (code, out["policy"]) == (0, "ns[bar]-policy[net]-rule[0]")
    assert check(*bar, "--header", "x-forwarded-for=203.0.113.7, 198.51.100.1")[0] == 1
    code, out = check(*bar, "--host", "API.bar.example:8080")
    assert (code, out["policy"]) == (0, "ns[bar]-policy[net]-rule[1]")
    assert check(*bar, "--header", "host=api.bar.example")[0] == 0


@pytest.mark.parametrize("flags,message", [
    ([], "--to is required"),
    (["--to", "foo"], "--to needs namespace/name"),
    (["--to", "foo/nothing"], "no Pod or WorkloadEntry foo/nothing"),
    (["--to", "foo:app"], "is not key=value"),
    (["--to", "foo/x", "--port", "70000"], "--port needs a number"),
    (["--to", "foo/x", "--bogus", "1"], "unknown flag --bogus"),
    (["--to", "foo/x", "--header", "novalue"], "--header needs NAME=VALUE"),
    (["--to", "foo/x", "--claims", "/nonexistent.json"], "cannot read /nonexistent.json"),
])
def test_usage_and_config_errors(jibctl, fixtures, flags, message):
    r = jibctl("authz", "check", "--config", fixtures / "authz", *flags)
    assert r.returncode == 2 and message in r.stderr, r.stderr


def test_invalid_config_is_an_error(jibctl, fixtures, tmp_path):
    (tmp_path / "bad.yaml").write_text(
        "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\n"
        "metadata: {name: bad, namespace: foo}\nspec: {action: DENY, rules: [{to: [{operation: "
        "{paths: [\"/a*b\"]}}]}]}\n")
    r = jibctl("authz", "check", "--config", tmp_path, "--to", "foo:app=x")
    assert r.returncode == 2
    assert "bad.yaml" in r.stderr and "the config has errors" in r.stderr
    claims = tmp_path / "claims.json"
    claims.write_text("[1, 2]")
    r = jibctl("authz", "check", "--config", fixtures / "authz", "--to", "foo:app=x",
               "--claims", claims)
    assert r.returncode == 2 and "must be a JSON object" in r.stderr
    assert jibctl("authz", "explain").returncode == 2
    assert jibctl("authz", "check", "--help").returncode == 0
