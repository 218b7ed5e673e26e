"""The walking skeleton: YAML files -> jibd -> ADS -> a real Envoy -> real backends.

Every test runs its own jibd, Envoy and backends on loopback ports that it picks itself.
The Envoy has no interception: jibd gives it an outbound listener on 127.0.0.1:<service port>,
so a request to 127.0.0.1:P with `Host: web.example.com` is routed by jibd's config.
"""
import math
import re
import time
import types

import pytest

from helpers.mesh import dest, destination_rule, http_route, service_entry, virtual_service

HOST = "web.example.com"
XDS_TYPES = ("cds", "eds", "lds", "rds")
# Longer than jibd's default debounce (100 ms) plus its file watch, to see that nothing changes.
SETTLE_S = 1.5
# How soon an edited file must change the traffic, measured from the write.
RELOAD_BOUND_S = 2.0


class Route:
    """Sends requests through the Envoy listener 127.0.0.1:port with a Host header."""

    def __init__(self, http, port, host=HOST):
        self.http = http
        self.url = f"http://127.0.0.1:{port}"
        self.host = host

    def get(self, path="/"):
        return self.http.get(self.url + path, headers={"Host": self.host}, timeout=5)

    def who(self, path="/"):
        """The name of the backend that answered, or `<status>` when none did."""
        r = self.get(path)
        return r.headers.get("x-backend") if r.status_code == 200 else f"<{r.status_code}>"

    def names(self, n, path="/"):
        return [self.who(path) for _ in range(n)]


def acked_row(jibd, node_id):
    """The syncz row of node_id if every xDS type has been sent and ACKed without NACK."""
    row = jibd.syncz_row(node_id)
    if row is None:
        return None
    for t in XDS_TYPES:
        s = row.get(t) or {}
        if not s.get("sent") or s.get("acked") != s.get("sent") or s.get("nack"):
            return None
    return row


def web_with_subsets(v1, v2, port, weights=None):
    """ServiceEntry web.example.com:port over backends v1 and v2 (labels version=v1|v2),
    a DestinationRule with subsets v1 and v2; and a VirtualService with the given weights."""
    se = service_entry("web", HOST, port, [("127.0.0.1", v1.port, {"version": "v1"}),
                                           ("127.0.0.1", v2.port, {"version": "v2"})])
    dr = destination_rule("web", HOST, {"v1": {"version": "v1"}, "v2": {"version": "v2"}})
    return [se, dr], vs_weights(weights or {"v1": 100})


def vs_weights(weights):
    """VirtualService web: one route splitting between subsets by weight."""
    if len(weights) == 1:
        [(subset, _)] = weights.items()
        return virtual_service("web", [HOST], [http_route([dest(HOST, subset)])])
    return virtual_service("web", [HOST], [http_route(
        [dest(HOST, s, weight=w) for s, w in weights.items()])])


@pytest.fixture
def subsets_mesh(backend, config_dir, jibd, envoy, free_port, http, wait_until):
    """jibd + Envoy + backends v1, v2; web.example.com routed 100% to v1 (vs.yaml)."""
    v1, v2 = backend("v1"), backend("v2")
    port = free_port()
    base, vs = web_with_subsets(v1, v2, port)
    config_dir.write("web.yaml", base)
    config_dir.write("vs.yaml", vs)
    j = jibd()
    e = envoy(j)
    route = Route(http, port)
    wait_until(lambda: route.who() == "v1", 10, "traffic reaches v1")
    wait_until(lambda: acked_row(j, e.node_id), 10, "all xDS types ACKed")

    return types.SimpleNamespace(v1=v1, v2=v2, port=port, jibd=j, envoy=e, route=route)


def settled_row(jibd, node_id):
    """The syncz row of node_id once every type is either ACKed (acked == sent) or NACKed."""
    row = jibd.syncz_row(node_id)
    if row is None:
        return None
    for t in XDS_TYPES:
        s = row.get(t) or {}
        if not s.get("sent") or (s.get("acked") != s.get("sent") and not s.get("nack")):
            return None
    return row


def assert_no_nack(j, e, wait_until):
    """Neither jibd's syncz nor Envoy's stats show a rejected update, and all types are ACKed."""
    # Envoy applies a push before jibd has its ACK: wait (bounded) until every type settled.
    row = wait_until(lambda: settled_row(j, e.node_id), 5,
                     f"syncz: every type of {e.node_id} ACKed or NACKed")
    for t in XDS_TYPES:
        assert not row[t].get("nack"), f"{t} NACK in syncz: {row}"
        assert row[t].get("acked") == row[t].get("sent"), f"{t} not ACKed: {row}"
    rejected = e.update_rejected()
    # The subscriptions whose rejections Envoy counts: CDS, LDS, RDS per route config, EDS per
    # cluster. Their stats must exist (else this check would be vacuous) and all be zero.
    assert "cluster_manager.cds.update_rejected" in rejected, sorted(rejected)
    assert "listener_manager.lds.update_rejected" in rejected, sorted(rejected)
    assert any(re.fullmatch(r"http\..*\.rds\..*\.update_rejected", k) for k in rejected), \
        sorted(rejected)
    assert any(re.fullmatch(r"cluster\.outbound\|.*\.update_rejected", k) for k in rejected), \
        sorted(rejected)
    assert {k: v for k, v in rejected.items() if v} == {}
    assert not j.log_lines(r"\bNACK\b"), j.log_lines(r"\bNACK\b")


def test_envoy_connects_and_acks_every_type(backend, config_dir, jibd, envoy, free_port,
                                            wait_until):
    web = backend("web-v1")
    port = free_port()
    config_dir.write("web.yaml", service_entry("web", HOST, port, [("127.0.0.1", web.port)]))
    j = jibd()
    e = envoy(j)

    row = wait_until(lambda: acked_row(j, e.node_id), 10,
                     f"syncz: {e.node_id} has sent == acked for {XDS_TYPES} and no NACK")
    for t in XDS_TYPES:
        assert row[t]["sent"], row

    cluster = f"outbound|{port}||{HOST}"
    listener = f"127.0.0.1_{port}"

    def complete():
        dump = e.admin.config_dump()
        return (cluster in e.admin.dynamic_clusters(dump)
                and listener in e.admin.dynamic_listeners(dump)
                and str(port) in e.admin.dynamic_route_configs(dump)
                and cluster in e.admin.dynamic_endpoints(dump)) and dump
    dump = wait_until(complete, 10, f"config_dump has {cluster}, {listener}, route {port}, EDS")

    clusters = e.admin.dynamic_clusters(dump)
    assert clusters[cluster]["cluster"].get("type") == "EDS", clusters[cluster]

    lst = e.admin.dynamic_listeners(dump)[listener]
    assert "active_state" in lst, f"listener not active: {lst}"
    addr = lst["active_state"]["listener"]["address"]["socket_address"]
    assert (addr["address"], addr.get("port_value")) == ("127.0.0.1", port), addr

    rc = e.admin.dynamic_route_configs(dump)[str(port)]["route_config"]
    domains = [d for vh in rc.get("virtual_hosts", []) for d in vh.get("domains", [])]
    assert HOST in domains, rc

    cla = e.admin.dynamic_endpoints(dump)[cluster]
    eps = [lb["endpoint"]["address"]["socket_address"]
           for le in cla.get("endpoints", []) for lb in le.get("lb_endpoints", [])]
    assert [(a["address"], a["port_value"]) for a in eps] == [("127.0.0.1", web.port)], cla

    # The only static config is jibd's ADS address; everything above came over ADS.
    assert e.admin.stat("control_plane.connected_state") == 1
    assert e.admin.stat("cluster_manager.cds.update_success") >= 1
    assert e.admin.stat("listener_manager.lds.update_success") >= 1


def test_path_prefix_routes_to_the_right_service(backend, config_dir, jibd, envoy, free_port,
                                                 http, wait_until):
    a, b = backend("svc-a"), backend("svc-b")
    port_a, port_b = free_port(), free_port()
    config_dir.write("services.yaml", [
        service_entry("web", HOST, port_a, [("127.0.0.1", a.port)]),
        service_entry("b", "b.example.com", port_b, [("127.0.0.1", b.port)]),
    ])
    config_dir.write("vs.yaml", virtual_service("web", [HOST], [
        http_route([dest(HOST)], prefix="/a"),
        http_route([dest("b.example.com")], prefix="/b"),
    ]))
    j = jibd()
    envoy(j)
    route = Route(http, port_a)
    wait_until(lambda: route.who("/a") == "svc-a", 10, "/a reaches svc-a")

    for _ in range(5):
        r = route.get("/a/one?x=1")
        assert (r.status_code, r.text, r.headers.get("x-backend")) == (200, "svc-a", "svc-a")
        r = route.get("/b/two")
        assert (r.status_code, r.text, r.headers.get("x-backend")) == (200, "svc-b", "svc-b")
    assert {q["path"] for q in a.received()} == {"/a", "/a/one?x=1"}
    assert {q["path"] for q in b.received()} == {"/b/two"}
    assert all(q["headers"]["host"] == HOST for q in a.received() + b.received())

    # No route matches /c: as in Istio, the VirtualService has no default route, so 404.
    a.clear(), b.clear()
    assert route.get("/c").status_code == 404
    assert a.count == 0 and b.count == 0


def test_uri_exact_and_regex_matches(backend, config_dir, jibd, envoy, free_port, http,
                                     wait_until):
    a, b = backend("svc-a"), backend("svc-b")
    port_a, port_b = free_port(), free_port()
    config_dir.write("all.yaml", [
        service_entry("web", HOST, port_a, [("127.0.0.1", a.port)]),
        service_entry("b", "b.example.com", port_b, [("127.0.0.1", b.port)]),
        virtual_service("web", [HOST], [
            http_route([dest("b.example.com")], exact="/exact"),
            http_route([dest("b.example.com")], regex="/r[0-9]+"),
            http_route([dest(HOST)]),  # no match: everything else
        ]),
    ])
    j = jibd()
    envoy(j)
    route = Route(http, port_a)
    wait_until(lambda: route.who("/exact") == "svc-b", 10, "/exact reaches svc-b")
    # Istio's regex is RE2 and matches the whole path; exact is exact.
    expected = {"/exact": "svc-b", "/exact/x": "svc-a", "/exactly": "svc-a",
                "/r12": "svc-b", "/r12x": "svc-a", "/xr12": "svc-a", "/": "svc-a"}
    got = {path: route.who(path) for path in expected}
    assert got == expected


def test_weighted_split_80_20(backend, config_dir, jibd, envoy, free_port, http, wait_until):
    v1, v2 = backend("v1"), backend("v2")
    port = free_port()
    base, vs = web_with_subsets(v1, v2, port, {"v1": 80, "v2": 20})
    config_dir.write("web.yaml", base + [vs])
    j = jibd()
    envoy(j)
    route = Route(http, port)
    wait_until(lambda: route.get().status_code == 200, 10, "traffic flows")

    n = 1000
    names = route.names(n)
    counts = {name: names.count(name) for name in set(names)}
    assert set(counts) <= {"v1", "v2"}, counts
    sigma = math.sqrt(n * 0.8 * 0.2)  # binomial, ~12.65
    assert abs(counts.get("v1", 0) - 0.8 * n) <= 3 * sigma, \
        f"{counts}: v1 should be 800 +- {3 * sigma:.1f}"


def _until_backend(route, expected, since, wait_until):
    """Polls until `expected` answers; returns seconds since `since` (a monotonic time)."""
    left = RELOAD_BOUND_S - (time.monotonic() - since)
    wait_until(lambda: route.who() == expected, max(left, 0.0),
               f"traffic moves to {expected} within {RELOAD_BOUND_S}s of the write", interval=0.02)
    return time.monotonic() - since


def test_editing_a_file_reroutes_without_restart(subsets_mesh, config_dir, wait_until):
    m = subsets_mesh
    assert set(m.route.names(20)) == {"v1"}
    jibd_pid, envoy_pid = m.jibd.pid, m.envoy.pid
    epoch = m.envoy.admin.stat("server.hot_restart_epoch")
    uptime0, t_uptime0 = m.envoy.uptime(), time.monotonic()

    # Atomic replace (write a temp file, rename over vs.yaml).
    t0 = time.monotonic()
    config_dir.write("vs.yaml", vs_weights({"v2": 100}))
    took = _until_backend(m.route, "v2", t0, wait_until)
    assert set(m.route.names(20)) == {"v2"}, f"after {took:.2f}s"

    # In-place rewrite of the same file.
    t1 = time.monotonic()
    config_dir.write_in_place("vs.yaml", vs_weights({"v1": 100}))
    _until_backend(m.route, "v1", t1, wait_until)
    assert set(m.route.names(20)) == {"v1"}

    # Neither process restarted.
    assert m.jibd.alive() and m.jibd.pid == jibd_pid
    assert m.envoy.alive() and m.envoy.pid == envoy_pid
    assert m.envoy.admin.stat("server.hot_restart_epoch") == epoch
    # ... and the ADS stream was never dropped: one connection to jibd, still up.
    assert m.envoy.admin.stat("cluster.xds-grpc.upstream_cx_total") == 1
    assert m.envoy.admin.stat("control_plane.connected_state") == 1
    elapsed = time.monotonic() - t_uptime0
    uptime = m.envoy.uptime()
    assert uptime >= uptime0 + int(elapsed) - 1, (uptime0, uptime, elapsed)
    assert_no_nack(m.jibd, m.envoy, wait_until)


BROKEN_YAML = """apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: broken
  namespace: default
spec:
  hosts: [web.example.com
  http:
  - route:
      - destination: {host: web.example.com, subset: v2
"""


def test_removing_a_file_removes_its_objects(subsets_mesh, config_dir, wait_until):
    m = subsets_mesh
    t0 = time.monotonic()
    config_dir.remove("vs.yaml")
    # Without a VirtualService the service's default route spreads over all its endpoints.
    seen = set()

    def both():
        seen.add(m.route.who())
        return seen >= {"v1", "v2"}
    wait_until(both, RELOAD_BOUND_S, "traffic reaches v1 and v2 once vs.yaml is gone",
               interval=0.01)
    assert seen == {"v1", "v2"}, seen
    assert time.monotonic() - t0 <= RELOAD_BOUND_S + 0.5
    assert_no_nack(m.jibd, m.envoy, wait_until)


def test_startup_with_an_invalid_file_serves_the_rest(backend, config_dir, jibd, envoy,
                                                      free_port, http, wait_until):
    v1 = backend("v1")
    port = free_port()
    config_dir.write("web.yaml", service_entry("web", HOST, port, [("127.0.0.1", v1.port)]))
    config_dir.write("broken.yaml", BROKEN_YAML)
    j = jibd()  # ready although one file is broken
    assert j.log_lines(r"broken\.yaml:\d+:"), j.tail()
    e = envoy(j)
    route = Route(http, port)
    wait_until(lambda: route.who() == "v1", 10, "traffic reaches v1")
    assert_no_nack(j, e, wait_until)


@pytest.mark.parametrize("where", ["new-file", "existing-file"])
def test_invalid_yaml_keeps_previous_routing(subsets_mesh, config_dir, wait_until, where):
    m = subsets_mesh
    name = "broken.yaml" if where == "new-file" else "vs.yaml"
    mark = m.jibd.log_mark()
    (config_dir.write if where == "new-file" else config_dir.write_in_place)(name, BROKEN_YAML)

    line = m.jibd.wait_for_log(rf"{re.escape(name)}:\d+:", timeout=5, since=mark)
    time.sleep(SETTLE_S)  # longer than the debounce: a wrong reload would have happened by now
    assert set(m.route.names(50)) == {"v1"}, f"routing changed after {name} broke: {line}"
    assert_no_nack(m.jibd, m.envoy, wait_until)

    # The watch survives the error: a good version of the file applies.
    t0 = time.monotonic()
    config_dir.write("vs.yaml", vs_weights({"v2": 100}))
    _until_backend(m.route, "v2", t0, wait_until)
    assert_no_nack(m.jibd, m.envoy, wait_until)


def test_invalid_object_keeps_previous_routing(subsets_mesh, config_dir, wait_until):
    m = subsets_mesh
    mark = m.jibd.log_mark()
    # Valid YAML, but the weights sum to 70.
    config_dir.write("vs.yaml", vs_weights({"v1": 50, "v2": 20}))

    line = m.jibd.wait_for_log(r"weights sum to 70", timeout=5, since=mark)
    assert "vs.yaml" in line, line
    assert "spec.http[0]" in line, line
    assert "VirtualService default/web" in line, line
    assert re.search(r"vs\.yaml:\d+: VirtualService default/web: spec\.http\[0\][^ ]*: "
                     r".*weights sum to 70", line), line

    time.sleep(SETTLE_S)  # longer than the debounce: a wrong push would have happened by now
    assert set(m.route.names(50)) == {"v1"}, "routing changed after an invalid VirtualService"
    assert_no_nack(m.jibd, m.envoy, wait_until)

    # Fixing the file applies.
    t0 = time.monotonic()
    config_dir.write("vs.yaml", vs_weights({"v2": 100}))
    _until_backend(m.route, "v2", t0, wait_until)
    assert_no_nack(m.jibd, m.envoy, wait_until)


def test_metrics(subsets_mesh, config_dir, wait_until):
    m = subsets_mesh
    text = m.jibd.metrics_text()
    metrics = m.jibd.metrics()
    assert metrics.types.get("pilot_xds") == "gauge", text
    assert metrics.get("pilot_xds") == 1, text
    for t in XDS_TYPES:
        v = metrics.get("pilot_xds_pushes", type=t)
        assert v is not None and v >= 1, f"pilot_xds_pushes{{type={t!r}}}: {v}\n{text}"
    assert metrics.get("pilot_total_xds_rejects") == 0, text

    # A config change pushes routes again; counters never go down.
    config_dir.write("vs.yaml", vs_weights({"v2": 100}))
    wait_until(lambda: m.route.who() == "v2", 5, "traffic moves to v2")
    after = m.jibd.metrics()
    assert after.get("pilot_xds_pushes", type="rds") > metrics.get("pilot_xds_pushes", type="rds")
    for t in XDS_TYPES:
        assert after.get("pilot_xds_pushes", type=t) >= metrics.get("pilot_xds_pushes", type=t)
    assert after.get("pilot_total_xds_rejects") == 0

    # The gauge follows the connections.
    m.envoy.stop()
    wait_until(lambda: m.jibd.metrics().get("pilot_xds") == 0, 5, "pilot_xds back to 0")


def test_envoy_survives_a_jibd_restart(subsets_mesh, config_dir, jibd, wait_until):
    m = subsets_mesh
    rc = m.jibd.stop()
    assert rc == 0, f"jibd exited with {rc} on SIGTERM"
    # Envoy keeps serving the last config it got.
    assert set(m.route.names(20)) == {"v1"}
    config_dir.write("vs.yaml", vs_weights({"v2": 100}))
    # A new jibd on the same ports serves the new config; Envoy reconnects (with its backoff).
    j2 = jibd(xds_port=m.jibd.xds_port, http_port=m.jibd.http_port)
    wait_until(lambda: m.route.who() == "v2", 30, "Envoy reconnected and routes to v2")
    wait_until(lambda: acked_row(j2, m.envoy.node_id), 10, "all xDS types ACKed by new jibd")
    assert m.envoy.alive()
    assert j2.metrics().get("pilot_xds") == 1
