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
    # The mesh config's REGISTRY_ONLY is valid but not applied by jibd: a warning, not an error.
    warnings = ok.pop("warnings")
    assert ok == {"valid": True, "files": 2, "objects": 5, "errors": []}
    assert [(w["object"], w["field"]) for w in warnings] == \
        [("ConfigMap istio-system/istio", "data.mesh.outboundTrafficPolicy.mode")], warnings


def test_missing_path_and_usage(jibctl, tmp_path):
    r = jibctl("validate", tmp_path / "nope.yaml")
    assert r.returncode == 1 and "no such file or directory" in r.stdout
    assert jibctl("validate").returncode == 2
    assert jibctl("validate", "-o", "xml", tmp_path).returncode == 2


def test_fields_jibd_does_not_apply_are_warnings(jibctl, fixtures):
    path = fixtures / "unapplied" / "fault.yaml"
    r = jibctl("validate", path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == ""
    assert f"warning: {path}:8: VirtualService bookinfo/ratings: spec.http[0].fault: accepted, " \
           "not yet applied (no fault is injected)" in r.stderr.splitlines(), r.stderr
    assert "1 file(s), 1 valid object(s), 0 error(s)" in r.stderr
    out = json.loads(jibctl("validate", "-o", "json", path).stdout)
    assert out["valid"] is True and out["errors"] == []
    assert [(w["line"], w["field"]) for w in out["warnings"]] == [(8, "spec.http[0].fault")]


def test_mesh_config_file_fields_jibd_does_not_apply_are_warnings(jibctl, tmp_path):
    mesh = tmp_path / "mesh.yaml"
    mesh.write_text("outboundTrafficPolicy: {mode: REGISTRY_ONLY}\naccessLogFile: /dev/stdout\n")
    r = jibctl("validate", "--mesh-config", mesh)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"warning: {mesh}: MeshConfig: outboundTrafficPolicy.mode: accepted, not yet applied " \
           "for REGISTRY_ONLY" in r.stderr, r.stderr
    assert f"warning: {mesh}: MeshConfig: accessLogFile: accepted" in r.stderr, r.stderr
