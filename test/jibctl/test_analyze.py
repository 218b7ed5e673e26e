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
