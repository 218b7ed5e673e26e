"""jibctl analyze: cross-object findings with Istio's analyzer codes; exit 79 on errors."""
import json


def test_findings_with_istio_codes(jibctl, fixtures):
    path = fixtures / "analyze" / "bookinfo.yaml"
    r = jibctl("analyze", fixtures / "analyze")
    assert r.returncode == 79, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert f"{path}:33: Error [IST0101] (VirtualService default/reviews) " \
           "spec.http[0].route[2].destination.host: Referenced host not found: \"ratings\"" in lines
    assert any("[IST0101]" in l and "reviews+v9" in l for l in lines)
    assert any("[IST0173]" in l and "Subset v4" in l for l in lines)
    assert any("[IST0101] (Gateway default/gw)" in l and "missing-cert" in l for l in lines)
    assert sum("[IST0109]" in l for l in lines) == 2


def test_json_and_clean_config(jibctl, fixtures):
    out = json.loads(jibctl("analyze", "-o", "json", fixtures / "analyze").stdout)
    codes = sorted(f["code"] for f in out)
    assert codes == ["IST0101", "IST0101", "IST0101", "IST0109", "IST0109", "IST0173"]
    assert all(f["level"] == "Error" and f["line"] > 0 for f in out)
    clean = jibctl("analyze", fixtures / "valid")
    assert clean.returncode == 0, clean.stdout
    assert "No validation issues found" in clean.stdout


def test_invalid_objects_are_schema_errors(jibctl, fixtures):
    r = jibctl("analyze", "-o", "json", fixtures / "invalid")
    assert r.returncode == 79
    assert {f["code"] for f in json.loads(r.stdout)} == {"IST0106"}


def test_security_policy_findings(jibctl, fixtures, tmp_path):
    path = fixtures / "analyze_security" / "security.yaml"
    r = jibctl("analyze", fixtures / "analyze_security")
    assert r.returncode == 79, r.stdout + r.stderr  # JIB0003 is an error
    lines = r.stdout.splitlines()
    assert f"{path}:32: Warning [IST0127] (AuthorizationPolicy httpbin/httpbin-v2) " \
           "spec.selector: No matching workloads for this resource with the following labels: " \
           "app=httpbin,version=v2" in lines
    out = json.loads(jibctl("analyze", "-o", "json", fixtures / "analyze_security").stdout)
    assert sorted((f["code"], f["object"]) for f in out) == [
        ("IST0127", "AuthorizationPolicy httpbin/httpbin-v2"),
        ("JIB0003", "PeerAuthentication istio-system/default"),
        ("JIB0003", "PeerAuthentication istio-system/permissive"),
    ]
    assert all("only the oldest (by creation time, then name), default, takes effect mesh-wide"
               in f["message"] for f in out if f["code"] == "JIB0003")

    # Under another root namespace the two are namespace-wide policies of istio-system.
    mesh = tmp_path / "mesh.yaml"
    mesh.write_text("rootNamespace: mesh-root\n")
    out = json.loads(jibctl("analyze", "-o", "json", "--mesh-config", mesh,
                            fixtures / "analyze_security").stdout)
    assert sorted(f["code"] for f in out) == ["IST0127", "JIB0004", "JIB0004"]
