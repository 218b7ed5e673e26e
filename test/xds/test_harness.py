"""Checks of the harness itself that need no jibd: bootstrap, Envoy, backends, config dir."""
import socket
import subprocess

import yaml

from helpers.envoy import ENVOY_BIN, bootstrap, node_id
from helpers.mesh import service_entry


def test_bootstrap_is_accepted_by_envoy(tmp_path, free_port):
    import json
    path = tmp_path / "bootstrap.json"
    b = bootstrap(free_port(), free_port(), pod="web-0", namespace="default", labels={"app": "web"})
    path.write_text(json.dumps(b))
    r = subprocess.run([ENVOY_BIN, "--mode", "validate", "-c", str(path)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert b["node"]["id"] == "sidecar~127.0.0.1~web-0.default~default.svc.cluster.local"
    assert b["node"]["metadata"]["INTERCEPTION_MODE"] == "NONE"
    # Only jibd's ADS address is static.
    assert [c["name"] for c in b["static_resources"]["clusters"]] == ["xds-grpc"]
    assert "listeners" not in b["static_resources"]


def test_envoy_starts_and_dials_xds(envoy, wait_until):
    # Nothing listens on the xDS port (bound, not listening, so no one else can take it):
    # Envoy runs, keeps initializing and counts failed dials.
    held = socket.socket()
    held.bind(("127.0.0.1", 0))
    e = envoy(held.getsockname()[1], pod="lonely-0", wait_live=False)
    wait_until(lambda: e.admin.ready() in ("PRE_INITIALIZING", "INITIALIZING"), 20,
               "envoy admin up")
    assert e.node_id == node_id("lonely-0", "default")
    assert e.admin.server_info()["node"]["id"] == e.node_id
    assert e.admin.stat("control_plane.connected_state") == 0
    wait_until(lambda: e.admin.stat("cluster.xds-grpc.upstream_cx_connect_fail", 0) >= 1, 20,
               "envoy dialled the xDS port")
    held.close()


def test_backend_answers_with_its_name(backend, http):
    b = backend("alpha")
    r = http.get(f"http://127.0.0.1:{b.port}/x/y?z=1", headers={"Host": "web.example.com"})
    assert r.status_code == 200
    assert r.text == "alpha"
    assert r.headers["x-backend"] == "alpha"
    [req] = b.received()
    assert req["path"] == "/x/y?z=1"
    assert req["headers"]["host"] == "web.example.com"


def test_config_dir_writes(config_dir):
    config_dir.write("a.yaml", [service_entry("web", "web.example.com", 1234,
                                              [("127.0.0.1", 80, {"version": "v1"})])])
    docs = list(yaml.safe_load_all(config_dir.file("a.yaml").read_text()))
    assert docs[0]["spec"]["endpoints"][0] == {"address": "127.0.0.1", "ports": {"http": 80},
                                               "labels": {"version": "v1"}}
    config_dir.write_in_place("a.yaml", "x: 1\n")
    assert config_dir.file("a.yaml").read_text() == "x: 1\n"
    assert config_dir.files() == ["a.yaml"]  # no temp files left behind
