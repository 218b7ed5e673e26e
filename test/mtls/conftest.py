"""Fixtures of the mTLS tests (test/mtls): two workloads with real Envoys and
jib-agents, fed by jibd over secure xDS, calling each other through the mesh.

  mtls(**kw)   -> mtls_harness.MtlsMesh, started (see `start` below for the options):
                  B's apps on two free ports, the contract's config (B's ServiceEntry with
                  ports p1/p2, Sidecars of A and B, plus `extra` objects) written before jibd
                  starts; jibd with its CA on a free CA port; agents for A (ns-a/sa-a,
                  127.0.0.2) and B (ns-b/sa-b, 127.0.0.3) with ADS over TLS to the CA port;
                  their Envoys LIVE and ACKed in jibd's syncz; with wait_traffic, until
                  A -> B answers 200.
  issuer, mesh, agent, agent_envoy  come from test/agent/conftest.py (same behaviour);
  jibd, config_dir, free_port, wait_until from test/conftest.py.
On failure, each Envoy's config_dump is saved under tmp_path and its listeners and clusters
are summarised; the process logs are printed by the fixtures that started them.
"""
import importlib.util
import os
import sys

import pytest

_HERE = os.path.dirname(__file__)
_TEST = os.path.dirname(_HERE)
for d in (_HERE, os.path.join(_TEST, "agent"), os.path.join(_TEST, "ca")):
    if d not in sys.path:
        sys.path.insert(0, d)


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The jib-agent fixtures, shared with test/agent rather than copied.
_agent_fixtures = _load(os.path.join(_TEST, "agent", "conftest.py"), "jib_test_agent_fixtures")
issuer = _agent_fixtures.issuer
mesh = _agent_fixtures.mesh
agent = _agent_fixtures.agent
agent_envoy = _agent_fixtures.agent_envoy

from helpers.backend import Backend  # noqa: E402
from helpers.ports import free_port as _free_port  # noqa: E402
import mtls_config as cfg  # noqa: E402
from mtls_harness import A, B, MtlsMesh, Workload, describe, save_config_dump  # noqa: E402


def _failed(request):
    return any(getattr(request.node, f"rep_{w}", None) is not None
               and getattr(request.node, f"rep_{w}").failed for w in ("setup", "call"))


def base_config(p1, p2, app1, app2):
    """The contract's objects: B's service, B's Sidecar (ingress p1 -> app1, p2 -> app2,
    egress ./*) and A's Sidecar (egress ns-b/* on 127.0.1.2)."""
    return {
        "b-service.yaml": cfg.mesh_service(B, [(p1, "http"), (p2, "http-alt")]),
        "b-sidecar.yaml": cfg.sidecar(B, ingress=[(p1, "http", app1), (p2, "http-alt", app2)]),
        "a-sidecar.yaml": cfg.sidecar(A, egress_hosts=["ns-b/*"]),
    }


@pytest.fixture
def mtls(request, tmp_path, config_dir, issuer, mesh, agent, agent_envoy):
    """Factory: mtls(extra=None, agent_args=(), jibd_args=(), wait_traffic=True,
    debounce_ms=50) -> MtlsMesh.

    extra: {file name: object or [objects]} written with the base config before jibd starts.
    agent_args: more jib-agent flags for both agents (e.g. --cert-ttl).
    jibd_args: more jibd flags (e.g. the CA's --ca-root-ttl=...)."""
    apps = []
    started = []

    def start(extra=None, agent_args=(), jibd_args=(), wait_traffic=True, debounce_ms=50):
        b1, b2 = Backend("b-http"), Backend("b-http-alt")
        apps.extend([b1, b2])
        p1, p2 = _free_port(), _free_port()
        for name, objects in {**base_config(p1, p2, b1.port, b2.port), **(extra or {})}.items():
            config_dir.write(name, objects)
        ca_port = _free_port()
        m = mesh(ca_port=ca_port, extra_args=list(jibd_args), debounce_ms=debounce_ms)
        workloads = {}
        # B first: its inbound listeners are up by the time A calls.
        for spec, wapps in ((B, {p1: b1, p2: b2}), (A, {})):
            args = ["--xds-address", f"127.0.0.1:{m.jibd.ca_port}", "--pod-ip", spec.ip,
                    "--labels", f"app={spec.name}", "--root-cert-poll", "200ms", *agent_args]
            ag = agent(m, namespace=spec.ns, sa=spec.sa, pod=f"{spec.name}-0", extra_args=args,
                       plaintext=False)
            workloads[spec.name] = Workload(spec, ag, agent_envoy(ag), wapps)
        mm = MtlsMesh(m, config_dir, workloads["a"], workloads["b"], p1, p2, issuer, tmp_path)
        started.append(mm)
        mm.wait_settled(20)
        if wait_traffic:
            mm.wait_traffic(timeout=15)
        return mm

    yield start
    if _failed(request):
        for mm in started:
            for w in mm.workloads:
                print(f"\n{describe(w)}\nconfig_dump saved to {save_config_dump(w, tmp_path)}")
    for b in apps:
        b.stop()
