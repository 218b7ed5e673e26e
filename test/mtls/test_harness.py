"""The mTLS harness itself, without any mTLS behaviour of jibd: both workloads get their
certificates from jibd's CA, their Envoys reach jibd over TLS on the CA port as their own
identity and ACK config, and config-dir edits reach both of them."""
import mtls_config as cfg
from helpers.ports import free_port
from mtls_harness import A, B, nacks, outbound_cluster


def test_workloads_have_certificates_and_secure_xds(mtls):
    m = mtls(wait_traffic=False)
    for w in m.workloads:
        # The agent's newest certificate, with the workload's SPIFFE ID, is what Envoy serves.
        serial, uris = w.served_cert()
        assert serial == w.agent.serials()[-1]
        assert uris == [w.spiffe_id]
        # ADS goes to jibd's CA port over TLS, not to the plaintext xDS port.
        boot = w.agent.bootstrap()
        xds = next(c for c in boot["static_resources"]["clusters"] if c["name"] == "xds-grpc")
        sock = xds["load_assignment"]["endpoints"][0]["lb_endpoints"][0]["endpoint"]["address"]
        assert sock["socket_address"]["port_value"] == m.jibd.ca_port != m.jibd.xds_port
        assert "transport_socket" in xds
        assert w.admin.stat("control_plane.connected_state") == 1
        # The node is the workload: its IP, namespace, service account and labels.
        assert w.node_id == f"sidecar~{w.ip}~{w.name}-0.{w.ns}~{w.ns}.svc.cluster.local"
        md = boot["node"]["metadata"]
        assert (md["NAMESPACE"], md["SERVICE_ACCOUNT"], md["LABELS"]) == (w.ns, w.sa, w.labels)
        row = m.jibd.syncz_row(w.node_id)
        assert row and not nacks(row), row
        assert row["cds"]["acked"] == row["cds"]["sent"] and row["lds"]["acked"]
        assert w.admin.stat("cluster_manager.cds.update_success", 0) >= 1
    # jibd accepted both streams on the secure port as the proxies' own identities.
    assert m.jibd.metrics().get("pilot_xds") == 2


def test_config_edits_reach_both_proxies(mtls):
    m = mtls(wait_traffic=False)
    # B's service and the Sidecars are in jibd's store as written.
    objects = m.objects()
    for key in [("ServiceEntry", B.ns, B.name), ("Sidecar", B.ns, B.name),
                ("Sidecar", A.ns, A.name)]:
        assert key in objects, sorted(objects)
    # A's Envoy has B's clusters on both ports.
    clusters = m.a.admin.dynamic_clusters()
    for p in (m.p1, m.p2):
        assert outbound_cluster(p, B.host) in clusters, sorted(clusters)

    # A new service in ns-b (visible to A) reaches A's Envoy as a cluster.
    port = free_port()
    m.apply("c-service.yaml", cfg.extra_service("c", B.ns, port, "127.0.0.9"))
    assert outbound_cluster(port, "c.ns-b.svc.cluster.local") in m.a.admin.dynamic_clusters()
    # A PeerAuthentication is taken into the store; removing it takes it out again.
    m.apply("pa.yaml", cfg.peer_authentication("default", B.ns, "STRICT"))
    assert ("PeerAuthentication", B.ns, "default") in m.objects()
    m.remove("pa.yaml")
    assert ("PeerAuthentication", B.ns, "default") not in m.objects()
    m.assert_no_nack()
