"""A change pushes only the xDS types whose resources changed, and nothing when no proxy's
resources change. Counted from jibd's pilot_xds_pushes and checked against Envoy's view."""
import pytest

from helpers.mesh import dest, destination_rule, http_route, service_entry, virtual_service

HOST = "web.example.com"
TYPES = ("cds", "eds", "lds", "rds")


def pushes(jibd):
    m = jibd.metrics()
    return {t: m.get("pilot_xds_pushes", type=t) for t in TYPES}, m.get("jib_xds_snapshots_built")


@pytest.fixture
def mesh(backend, config_dir, jibd, envoy, free_port, http, wait_until):
    v1, v2 = backend("v1"), backend("v2")
    port = free_port()
    config_dir.write("se.yaml", service_entry(
        "web", HOST, port, [("127.0.0.1", v1.port, {"version": "v1"})]))
    config_dir.write("dr.yaml", destination_rule("web", HOST, {"v1": {"version": "v1"}}))
    config_dir.write("vs.yaml", virtual_service("web", [HOST], [http_route([dest(HOST, "v1")])]))
    j = jibd()
    e = envoy(j)
    url = f"http://127.0.0.1:{port}/"

    def who():
        r = http.get(url, headers={"Host": HOST}, timeout=5)
        return r.headers.get("x-backend") if r.status_code == 200 else f"<{r.status_code}>"

    wait_until(lambda: who() == "v1", 10, "traffic reaches v1")
    return j, e, v1, v2, port, who


def change_and_wait(jibd, wait_until, change):
    """Applies a change, waits until jibd built a snapshot for it, returns pushes by type."""
    before, snapshots = pushes(jibd)
    change()
    wait_until(lambda: pushes(jibd)[1] > snapshots, 5, "jibd builds a snapshot for the change")
    # jibd counts a snapshot only once it has been pushed to every stream.
    after, _ = pushes(jibd)
    return {t: after[t] - before[t] for t in TYPES}


def test_virtual_service_change_pushes_routes_only(mesh, config_dir, wait_until):
    j, e, v1, v2, port, who = mesh
    delta = change_and_wait(j, wait_until, lambda: config_dir.write(
        "vs.yaml", virtual_service("web", [HOST], [http_route([dest(HOST, "v1")], name="renamed")])))
    assert delta == {"cds": 0, "eds": 0, "lds": 0, "rds": 1}, delta
    assert e.admin.stat("cluster_manager.cds.update_success") >= 1


def test_endpoint_change_pushes_endpoints_only(mesh, config_dir, wait_until):
    j, e, v1, v2, port, who = mesh
    delta = change_and_wait(j, wait_until, lambda: config_dir.write("se.yaml", service_entry(
        "web", HOST, port, [("127.0.0.1", v2.port, {"version": "v1"})])))
    assert delta == {"cds": 0, "eds": 1, "lds": 0, "rds": 0}, delta
    wait_until(lambda: who() == "v2", 5, "traffic follows the new endpoint")


def test_change_that_affects_no_proxy_pushes_nothing(mesh, config_dir, wait_until):
    j, e, v1, v2, port, who = mesh
    # A VirtualService for a host that no service has changes no proxy's resources.
    delta = change_and_wait(j, wait_until, lambda: config_dir.write("other.yaml", virtual_service(
        "other", ["nowhere.example.com"], [http_route([dest("nowhere.example.com")])])))
    assert delta == {"cds": 0, "eds": 0, "lds": 0, "rds": 0}, delta
    assert who() == "v1"
