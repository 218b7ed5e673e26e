"""A captured sidecar (INTERCEPTION_MODE REDIRECT) whose IP is a service endpoint gets Istio's
`virtualInbound` on 15006, with the chains of its PeerAuthentication per port and
`inbound|<port>||` clusters to the original destination; a real Envoy takes all of it without
a NACK. (Traffic through it needs iptables, which the tests do not have: the mTLS behaviour of
the same chains is shown without capture in test/mtls.) The Envoy runs on a jib-agent's
bootstrap: the mTLS chains wait for the agent's `default` and `ROOTCA`."""
from agentproc import cds_lds_acked
from helpers.mesh import service_entry

POD_IP = "127.0.0.9"


def peer_authentication(mode):
    return {"apiVersion": "security.istio.io/v1", "kind": "PeerAuthentication",
            "metadata": {"name": "default", "namespace": "default"},
            "spec": {"mtls": {"mode": mode}}}


def test_virtual_inbound_is_accepted_with_each_mtls_mode(config_dir, mesh, agent, agent_envoy,
                                                         free_port, wait_until):
    port = free_port()
    config_dir.write("se.yaml", service_entry(
        "web", "web.default.svc.cluster.local", port,
        [(POD_IP, port, {"security.istio.io/tlsMode": "istio"})]))
    config_dir.write("pa.yaml", peer_authentication("STRICT"))
    m = mesh()
    j = m.jibd
    a = agent(m, namespace="default", sa="web",
              extra_args=["--interception-mode", "REDIRECT", "--pod-ip", POD_IP])
    e = agent_envoy(a)
    wait_until(lambda: cds_lds_acked(j, e.node_id), 15, "CDS and LDS ACKed")

    def chains():
        entry = e.admin.dynamic_listeners().get("virtualInbound") or {}
        if "active_state" not in entry or "warming_state" in entry:
            return None
        return entry["active_state"]["listener"]["filter_chains"]

    strict = wait_until(chains, 10, "virtualInbound active")
    ports = [c.get("filter_chain_match", {}).get("destination_port") for c in strict]
    assert ports == [15006, port]
    assert strict[1]["filter_chain_match"]["transport_protocol"] == "tls"
    clusters = {name: c["cluster"] for name, c in e.admin.dynamic_clusters().items()}
    assert clusters[f"inbound|{port}||"]["type"] == "ORIGINAL_DST"
    assert "InboundPassthroughCluster" in clusters

    for mode, count in (("PERMISSIVE", 4), ("DISABLE", 2)):
        config_dir.write("pa.yaml", peer_authentication(mode))
        wait_until(lambda: chains() and len(chains()) == count, 10,
                   f"virtualInbound with {mode} chains")
    rejected = e.admin.stats(filter=r"\.update_rejected$")
    assert not any(v for k, v in rejected.items() if k.endswith(".update_rejected")), rejected
    row = j.syncz_row(e.node_id)
    assert not any((row.get(t) or {}).get("nack") for t in ("cds", "eds", "lds", "rds")), row
