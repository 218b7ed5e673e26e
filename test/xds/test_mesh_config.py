"""MeshConfig from the istio ConfigMap: without --mesh-config, jibd reads the `mesh`
key of istio-system/istio like any object, and a change to it is pushed to the Envoys."""
from helpers.mesh import service_entry

HOST = "web.mesh.example"


def _mesh_config_map(mesh_yaml):
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "istio", "namespace": "istio-system"},
            "data": {"mesh": mesh_yaml}}


def _tls_matches(envoy):
    """Transport socket match names of the web cluster: of the version warming if there is one
    (an mTLS cluster waits for a workload certificate this Envoy never gets), else the active."""
    dump = envoy.admin.config_dump(include_eds=False)
    for config in dump["configs"]:
        if not config["@type"].endswith("ClustersConfigDump"):
            continue
        for kind in ("dynamic_warming_clusters", "dynamic_active_clusters"):
            for c in config.get(kind, []):
                if HOST in c["cluster"]["name"]:
                    return [m["name"] for m in c["cluster"].get("transport_socket_matches", [])]
    return None


def test_istio_config_map_sets_the_mesh_config_and_its_changes_are_pushed(
        config_dir, jibd, envoy, free_port, wait_until):
    se = service_entry("web", HOST, free_port(), [("127.0.0.1", free_port())])
    se["spec"]["location"] = "MESH_INTERNAL"  # auto mTLS applies inside the mesh only
    config_dir.write("se.yaml", se)
    # This Envoy has no agent to serve a workload certificate: auto mTLS is off for the mesh.
    config_dir.write("mesh.yaml", _mesh_config_map("enableAutoMtls: false\n"))
    j = jibd()
    e = envoy(j)
    wait_until(lambda: _tls_matches(e) == [], 10, "the web cluster without mTLS matches")

    config_dir.write("mesh.yaml", _mesh_config_map("enableAutoMtls: true\n"))
    wait_until(lambda: _tls_matches(e) == ["tlsMode-istio", "tlsMode-disabled"], 10,
               "auto mTLS turned on by the ConfigMap")
    config_dir.write("mesh.yaml", _mesh_config_map("enableAutoMtls: false\n"))
    wait_until(lambda: _tls_matches(e) == [], 10, "auto mTLS off again")
    # A bad mesh config is refused by name and field, and the last good one stays in force
    # (Istio's defaults would turn auto mTLS on).
    config_dir.write("mesh.yaml", _mesh_config_map("enableAutoMtls: true\nconnectTimeout: 0s\n"))
    wait_until(lambda: "ConfigMap istio-system/istio: data.mesh.connectTimeout" in
               "\n".join(j.log_lines("error")), 10, "jibd reports the bad ConfigMap")
    assert _tls_matches(e) == []
    config_dir.file("mesh.yaml").unlink()  # Istio's defaults: auto mTLS on
    wait_until(lambda: _tls_matches(e) == ["tlsMode-istio", "tlsMode-disabled"], 10,
               "Istio's defaults once the ConfigMap is gone")
