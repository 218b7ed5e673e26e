"""jibctl validate: every error with file:line, exit status 0 only when all is valid, strict by
default, -o json for tools."""
import json


def test_valid_directory_exits_zero(jibctl, fixtures):
    r = jibctl("validate", fixtures / "valid")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == ""
    assert "2 file(s), 5 valid object(s), 0 error(s)" in r.stderr


def test_every_error_with_its_location(jibctl, fixtures):
    path = fixtures / "invalid" / "weights.yaml"
    r = jibctl("validate", path)
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert f"{path}:8: VirtualService bookinfo/reviews: spec.http[0].route: weights sum to 70, " \
           "must be 100" in r.stdout or any("weights sum to 70" in line for line in lines), r.stdout
    assert f"{path}:17: Service bookinfo/web: spec.ports[0].port: port number 0 must be between " \
           "1 and 65535" in lines, r.stdout


def test_strict_by_default_lenient_on_request(jibctl, fixtures):
    path = fixtures / "invalid" / "future_field.yaml"
    strict = jibctl("validate", path)
    assert strict.returncode == 1
    assert f"{path}:6: DestinationRule bookinfo/reviews: spec.fieldFromTheFuture:" in strict.stdout
    lenient = jibctl("validate", "--lenient", path)
    assert lenient.returncode == 0, lenient.stdout
    assert "warning:" in lenient.stderr and "spec.fieldFromTheFuture" in lenient.stderr


def test_mesh_config_in_the_istio_config_map_is_validated(jibctl, fixtures):
    r = jibctl("validate", fixtures / "invalid" / "mesh_config.yaml")
    assert r.returncode == 1
    assert "ConfigMap istio-system/istio: data.mesh.connectTimeout: duration must be at least 1ms" \
        in r.stdout


def test_json_output(jibctl, fixtures):
    r = jibctl("validate", "-o", "json", fixtures / "invalid")
    assert r.returncode == 1
    out = json.loads(r.stdout)
    assert out["valid"] is False
    assert out["files"] == 3
    fields = {(e["object"], e["field"]) for e in out["errors"]}
    assert ("Service bookinfo/web", "spec.ports[0].port") in fields
    assert all(e["line"] > 0 and e["file"].endswith(".yaml") for e in out["errors"])
    ok = json.loads(jibctl("validate", "-o", "json", fixtures / "valid").stdout)
    assert ok == {"valid": True, "files": 2, "objects": 5, "errors": [], "warnings": []}


def test_missing_path_and_usage(jibctl, tmp_path):
    r = jibctl("validate", tmp_path / "nope.yaml")
    assert r.returncode == 1 and "no such file or directory" in r.stdout
    assert jibctl("validate").returncode == 2
    assert jibctl("validate", "-o", "xml", tmp_path).returncode == 2
