"""A real Envoy whose credentials (token and workload certificate, from a real
jib-agent) say ns-a/sa-a but whose node claims another service account or namespace is
refused at jibd's secure port, while honest proxies beside it are served.

The gRPC-level cases (token for one identity, node metadata claiming another; no or expired
token) are in test/xds/test_secure_xds.py; this is the same check end to end."""
import json
import os
import re

import pytest

from helpers.wait import wait_until
from mtls_harness import A


@pytest.mark.parametrize("field,claim", [("SERVICE_ACCOUNT", "sa-y"), ("NAMESPACE", "ns-b")])
def test_proxy_claiming_another_identity_is_refused(mtls, agent, agent_envoy, field, claim):
    m = mtls(wait_traffic=False)
    assert m.jibd.metrics().get("pilot_xds") == 2  # the honest A and B
    ag = agent(m.mesh, namespace=A.ns, sa=A.sa, pod="liar-0", plaintext=False,
               extra_args=["--xds-address", f"127.0.0.1:{m.jibd.ca_port}", "--pod-ip",
                           "127.0.0.4", "--labels", "app=liar"])
    # The agent got a certificate for its real identity (the token's)...
    assert ag.serials()
    boot = ag.bootstrap()
    node = boot["node"]
    node["metadata"][field] = claim
    if field == "NAMESPACE":
        node["id"] = f"sidecar~127.0.0.4~liar-0.{claim}~{claim}.svc.cluster.local"
    # ... but its Envoy's node claims another one.
    with open(os.open(ag.bootstrap_path, os.O_WRONLY | os.O_TRUNC), "w") as f:
        json.dump(boot, f)
    mark = m.jibd.log_mark()
    liar = agent_envoy(ag, wait=False)

    line = m.jibd.wait_for_log(r"refusing stream of " + re.escape(node["id"]), 20,
                               since=mark)
    assert "ns-a/sa-a" in line, line
    # Envoy saw the stream closed with PERMISSION_DENIED (gRPC status 7), again on retry.
    wait_until(lambda: len(liar.log_lines(r"gRPC config stream to xds-grpc closed.*: 7, ")) >= 2,
               30, "Envoy's ADS stream refused twice with status 7")
    assert liar.admin.stat("control_plane.connected_state") == 0
    assert liar.admin.stat("cluster_manager.cds.update_success", 0) == 0
    assert liar.admin.dynamic_clusters() == {} and liar.admin.dynamic_listeners() == {}
    assert m.jibd.syncz_row(node["id"]) is None
    # The honest proxies are still served.
    assert m.jibd.metrics().get("pilot_xds") == 2
    m.wait_settled()
