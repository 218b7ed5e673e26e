"""jibd goes away for 10 s and comes back on the same ports with the same CA
state. The Envoys keep their config and certificates meanwhile (no A -> B request fails,
one every ~100 ms), reconnect to the new jibd over secure xDS, and a change made after the
restart reaches A."""
import time

import mtls_config as cfg
from helpers.ports import free_port
from helpers.wait import wait_until
from mtls_harness import A, B, outbound_cluster
from traffic import Traffic


def test_envoys_ride_out_a_jibd_restart(mtls, mesh):
    m = mtls(extra={"pa-b.yaml": cfg.peer_authentication("b", B.ns, "STRICT",
                                                          selector=B.labels)})
    old = m.jibd
    serials = {w.name: w.served_cert()[0] for w in m.workloads}
    with Traffic(m.call_status, interval=0.1) as traffic:
        time.sleep(1)
        old.stop()
        assert not old.alive()
        down_at = time.monotonic()
        wait_until(lambda: all(w.admin.stat("control_plane.connected_state") == 0
                               for w in m.workloads), 10, "both Envoys see jibd gone")
        time.sleep(max(0.0, 10 - (time.monotonic() - down_at)))
        during = [r for t, r in traffic.results if t > down_at]
        # Same ports, same CA state (so the same root), same config dir.
        m.mesh = mesh(state_dir=m.mesh.state_dir, ca_port=old.ca_port, xds_port=old.xds_port,
                      http_port=old.http_port, debounce_ms=50)
        up_at = time.monotonic()
        m.wait_settled(30)  # both proxies are back in the new jibd's syncz, ACKed
        for w in m.workloads:
            assert w.admin.stat("control_plane.connected_state") == 1
        time.sleep(1)
    results = traffic.results
    assert len(during) >= 80, f"only {len(during)} requests while jibd was away"
    assert traffic.failures() == [], traffic.failures()[:10]
    assert any(t > up_at for t, _ in results)
    # The Envoys kept their certificates; the agents had no reason to renew.
    assert {w.name: w.served_cert()[0] for w in m.workloads} == serials
    assert m.jibd.metrics().get("pilot_xds") == 2
    # A change made after the restart reaches A (and mTLS traffic still flows).
    port = free_port()
    m.apply("c-service.yaml", cfg.extra_service("c", B.ns, port, "127.0.0.9"))
    assert outbound_cluster(port, "c.ns-b.svc.cluster.local") in m.a.admin.dynamic_clusters()
    app = m.b.apps[m.p1]
    app.clear()
    assert m.call().status == 200
    assert "URI=" + A.spiffe_id in app.received()[0]["headers"]["x-forwarded-client-cert"]
