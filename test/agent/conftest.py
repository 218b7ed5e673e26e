"""Fixtures of the jib-agent tests (test/agent): a jibd with its CA, agents, Envoys fed by them.

  issuer                            -> jibca.Issuer: mints the workload tokens jibd's CA accepts
  mesh(**jibd_kw)                   -> Mesh: jibd with the CA (local JWT authenticator for
                                       `issuer`) and its root copied to a file, as the
                                       istio-ca-root-cert mount would be
  agent(mesh, ns, sa, **kw)         -> Agent: jib-agent for one workload; its token, SDS socket,
                                       bootstrap and log under tmp_path; stopped at teardown
  agent_envoy(agent, tls_port=None) -> Envoy on the agent's bootstrap (plaintext ADS to jibd);
                                       with tls_port, plus a static TLS listener that serves
                                       SDS `default` and checks clients against `ROOTCA`
The jibd, free_port, wait_until and config_dir fixtures come from test/conftest.py.
"""
import os
import shutil
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "ca"))

import jibca  # noqa: E402  (test/ca's JWT issuer and openssl helpers)
from agentproc import Agent, AgentEnvoy, Mesh, agent_binary, tls_listener  # noqa: E402
from helpers.envoy import ENVOY_BIN  # noqa: E402


@pytest.fixture
def issuer(tmp_path):
    return jibca.Issuer(str(tmp_path))


@pytest.fixture
def mesh(jibd, issuer, tmp_path):
    """Factory: mesh(state_dir=None, ca_port=0, extra_args=(), **jibd_kw) -> Mesh."""
    def start(state_dir=None, ca_port=0, extra_args=(), **kw):
        state_dir = str(state_dir or tmp_path / "ca-state")
        args = [f"--ca-jwt-issuer={issuer.issuer}", f"--ca-jwt-jwks-file={issuer.jwks_path}",
                f"--ca-state-dir={state_dir}", *extra_args]
        j = jibd(ca_port=ca_port, extra_args=args, **kw)
        root_file = str(tmp_path / "istio-ca-root-cert" / "root-cert.pem")
        os.makedirs(os.path.dirname(root_file), exist_ok=True)
        if not os.path.exists(root_file):
            shutil.copy(os.path.join(state_dir, "ca-cert.pem"), root_file)
        return Mesh(j, root_file, state_dir)
    return start


@pytest.fixture
def agent(request, tmp_path, issuer):
    """Factory: agent(mesh, namespace='default', sa='web', pod=None, extra_args=(),
    plaintext=True, wait=True) -> Agent. plaintext: the bootstrap's ADS goes to jibd's
    plaintext port; otherwise to --xds-address (give it in extra_args) over TLS."""
    started = []

    def start(mesh, namespace="default", sa="web", pod=None, extra_args=(), plaintext=True,
              wait=True):
        if not os.access(agent_binary(), os.X_OK):
            pytest.fail(f"{agent_binary()} not found (set JIB_BUILD to a build dir)")
        pod = pod or f"{sa}-{len(started)}"
        workdir = tmp_path / f"agent-{pod}"
        os.makedirs(workdir, exist_ok=True)
        token_file = workdir / "token"
        token_file.write_text(issuer.token(namespace, sa))
        a = Agent(workdir, mesh, token_file, namespace, sa, pod, extra_args, plaintext)
        started.append(a)
        if wait:
            a.wait_serving()
        return a

    yield start
    failed = any(getattr(request.node, f"rep_{w}", None) is not None
                 and getattr(request.node, f"rep_{w}").failed for w in ("setup", "call"))
    for a in started:
        a.stop()
        if failed:
            print(f"\n===== {a.name} log =====\n{a.tail(60)}")


@pytest.fixture
def agent_envoy(request):
    """Factory: agent_envoy(agent, tls_port=None, wait=True, listeners=()) -> AgentEnvoy;
    `listeners`: more static listeners for the bootstrap."""
    if not os.access(ENVOY_BIN, os.X_OK):
        pytest.fail(f"envoy binary not found at {ENVOY_BIN} (run `make setup`)")
    started = []

    def start(agent, tls_port=None, wait=True, listeners=()):
        b = agent.bootstrap()
        static = b.setdefault("static_resources", {}).setdefault("listeners", [])
        if tls_port:
            static.append(tls_listener(tls_port))
        static.extend(listeners)
        e = AgentEnvoy(agent, b, f"envoy-{len(started)}")
        started.append(e)
        if wait:
            e.wait_live()
        return e

    yield start
    failed = any(getattr(request.node, f"rep_{w}", None) is not None
                 and getattr(request.node, f"rep_{w}").failed for w in ("setup", "call"))
    for e in started:
        e.stop()
        if failed:
            print(f"\n===== {e.name} log =====\n{e.tail(60)}")
