"""Fields jibd accepts but does not apply are logged: one warning per object when it is loaded or
changed, never again for an object that did not change."""
from helpers.mesh import dest, http_route, service_entry, virtual_service

HOST = "ratings.example.com"
WARNING = "VirtualService default/ratings: accepted, not yet applied: spec.http[0].fault"


def _ratings(extra):
    route = http_route([dest(HOST)])
    route.update(extra)
    return virtual_service("ratings", [HOST], [route])


def _warnings(jibd):
    return [line for line in jibd.log_lines("accepted, not yet applied")
            if "VirtualService default/ratings" in line]


def _snapshots(jibd):
    return jibd.metrics().get("jib_xds_snapshots_built")


def test_fault_is_warned_once_per_load_and_change(config_dir, jibd, free_port, wait_until):
    config_dir.write("se.yaml", service_entry("ratings", HOST, free_port(),
                                              [("127.0.0.1", free_port())]))
    fault = {"fault": {"abort": {"httpStatus": 503, "percentage": {"value": 100}}}}
    config_dir.write("vs.yaml", _ratings(fault))
    j = jibd()
    wait_until(lambda: len(_warnings(j)) == 1, 10, "jibd warns about the fault at start-up")
    assert WARNING in _warnings(j)[0] and "no fault is injected" in _warnings(j)[0], _warnings(j)

    # Another object changes: the VirtualService did not, so it is not warned about again.
    snapshots = _snapshots(j)
    config_dir.write("other.yaml", service_entry("other", "other.example.com", free_port(),
                                                 [("127.0.0.1", free_port())]))
    wait_until(lambda: _snapshots(j) > snapshots, 10, "jibd loads the other object")
    assert len(_warnings(j)) == 1, _warnings(j)

    # The VirtualService changes: one new warning, naming what it sets now.
    config_dir.write("vs.yaml", _ratings({**fault, "corsPolicy": {"allowMethods": ["GET"]}}))
    wait_until(lambda: len(_warnings(j)) == 2, 10, "jibd warns about the changed object")
    assert "spec.http[0].corsPolicy" in _warnings(j)[1], _warnings(j)

    # Without the fields, nothing to warn about.
    snapshots = _snapshots(j)
    config_dir.write("vs.yaml", _ratings({"timeout": "5s"}))
    wait_until(lambda: _snapshots(j) > snapshots, 10, "jibd loads the plain VirtualService")
    assert len(_warnings(j)) == 2, _warnings(j)
