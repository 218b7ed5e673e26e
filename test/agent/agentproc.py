"""jib-agent processes and the Envoys fed by them, for the tests in test/agent (fixtures in
conftest.py). Imported by name: conftest.py puts this directory on sys.path."""
import json
import os
import re
import socket
import ssl

from helpers.envoy import Admin, envoy_argv
from helpers.jibd import jibd_binary
from helpers.ports import free_port
from helpers.proc import Process
from helpers.wait import wait_until


def agent_binary():
    return os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(jibd_binary()))),
                        "cmd", "jib-agent", "jib-agent")


def sds_config():
    """An SDS source on the agent's socket, through the bootstrap's `sds-grpc` cluster."""
    return {"api_config_source": {"api_type": "GRPC", "transport_api_version": "V3",
                                  "grpc_services": [{"envoy_grpc": {"cluster_name": "sds-grpc"}}]},
            "resource_api_version": "V3", "initial_fetch_timeout": "0s"}


def tls_listener(port, name="agent_tls"):
    """A static listener that terminates TLS with SDS `default` and answers HTTP `hello`."""
    return {
        "name": name,
        "address": {"socket_address": {"address": "127.0.0.1", "port_value": int(port)}},
        "filter_chains": [{
            "transport_socket": {"name": "envoy.transport_sockets.tls", "typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext",
                "common_tls_context": {
                    "tls_certificate_sds_secret_configs": [{"name": "default",
                                                            "sds_config": sds_config()}],
                    "validation_context_sds_secret_config": {"name": "ROOTCA",
                                                             "sds_config": sds_config()},
                },
            }},
            # HTTP, not the direct_response network filter: that one writes and closes at
            # once, before the TLS handshake has had a chance to run.
            "filters": [{"name": "envoy.filters.network.http_connection_manager", "typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                "stat_prefix": name,
                "route_config": {"virtual_hosts": [{"name": "all", "domains": ["*"], "routes": [{
                    "match": {"prefix": "/"},
                    "direct_response": {"status": 200, "body": {"inline_string": "hello\n"}}}]}]},
                "http_filters": [{"name": "envoy.filters.http.router", "typed_config": {
                    "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"}}],
            }}],
        }],
    }


class Mesh:
    """jibd with its CA; `root_file` is the mesh root as a workload sees it."""

    def __init__(self, jibd, root_file, state_dir):
        self.jibd = jibd
        self.root_file = root_file
        self.state_dir = state_dir

    @property
    def ca_addr(self):
        return f"127.0.0.1:{self.jibd.ca_port}"

    @property
    def xds_addr(self):
        return f"127.0.0.1:{self.jibd.xds_port}"

    def root_pem(self):
        with open(self.root_file) as f:
            return f.read()


class Agent(Process):
    def __init__(self, workdir, mesh, token_file, namespace, sa, pod, extra_args=(),
                 plaintext=True):
        self.workdir = str(workdir)
        os.makedirs(self.workdir, exist_ok=True)
        self.mesh = mesh
        self.namespace = namespace
        self.sa = sa
        self.pod = pod
        self.spiffe_id = f"spiffe://cluster.local/ns/{namespace}/sa/{sa}"
        self.sds_socket = os.path.join(self.workdir, "sds.sock")
        self.bootstrap_path = os.path.join(self.workdir, "bootstrap.json")
        self.admin_port = free_port()
        argv = [agent_binary(), "--ca-address", mesh.ca_addr, "--ca-root-cert", mesh.root_file,
                "--token-file", token_file, "--sds-socket", self.sds_socket,
                "--bootstrap-out", self.bootstrap_path, "--xds-address", mesh.xds_addr,
                *(["--xds-plaintext"] if plaintext else []), "--pod-name", pod, "--pod-namespace", namespace,
                "--service-account", sa, "--interception-mode", "NONE",
                "--admin-port", self.admin_port, "--log-level", "debug", *extra_args]
        super().__init__(argv, os.path.join(self.workdir, "agent.log"), name=f"jib-agent[{pod}]")

    def wait_serving(self, timeout=20):
        """Until the agent has its first certificate and its bootstrap is written."""
        self.wait_for_log(r"certificate serial \w+ for spiffe://", timeout)
        wait_until(lambda: os.path.exists(self.bootstrap_path), timeout, "bootstrap written")
        return self

    def bootstrap(self):
        with open(self.bootstrap_path) as f:
            return json.load(f)

    def serials(self):
        """The serials (ints) of the certificates the agent got, in order (from its log)."""
        return [int(re.search(r"certificate serial (\w+)", l).group(1), 16)
                for l in self.log_lines(r"certificate serial \w+ for ")]


class AgentEnvoy(Process):
    def __init__(self, agent, bootstrap, name):
        self.agent = agent
        self.admin = Admin(agent.admin_port)
        self.node_id = bootstrap["node"]["id"]
        path = os.path.join(agent.workdir, f"{name}.json")
        with open(path, "w") as f:
            json.dump(bootstrap, f, indent=2)
        super().__init__(envoy_argv(path, os.environ.get("JIB_AGENT_ENVOY_LOG", "info")), os.path.join(agent.workdir, f"{name}.log"),
                         name=f"envoy[{agent.pod}]")

    def wait_live(self, timeout=30):
        def live():
            if not self.alive():
                raise AssertionError(f"envoy exited with {self.returncode}")
            return self.admin.ready() == "LIVE"
        wait_until(live, timeout, f"{self.name} LIVE")
        return self

    def rootca_pem(self):
        """The ROOTCA trust bundle Envoy holds now (config_dump's dynamic secrets), or ''.
        (/certs shows only one certificate of a bundle.)"""
        import base64
        sec = self.admin.config_section("SecretsConfigDump", self.admin.config_dump(False))
        for s in sec.get("dynamic_active_secrets", []):
            if s.get("name") == "ROOTCA":
                data = s["secret"]["validation_context"]["trusted_ca"]["inline_bytes"]
                return base64.b64decode(data).decode()
        return ""

    def cert_serials(self):
        """Serials (ints: hex forms differ in leading zeros) of the certificate chains Envoy
        serves now (admin /certs)."""
        status, body = self.admin.get("/certs")
        assert status == 200, body
        out = []
        for c in json.loads(body).get("certificates", []):
            for chain in c.get("cert_chain", []):
                out.append(int(chain["serial_number"], 16))
        return out


def cds_lds_acked(jibd, node_id):
    """jibd's syncz row of the proxy once its CDS and LDS are sent, ACKed and not NACKed;
    else None (for wait_until)."""
    row = jibd.syncz_row(node_id)
    if not row:
        return None
    for t in ("cds", "lds"):
        s = row.get(t) or {}
        if not s.get("sent") or s.get("acked") != s.get("sent") or s.get("nack"):
            return None
    return row


def tls_peer_cert(port, root_pem, timeout=5):
    """(DER certificate, TLS version) served on 127.0.0.1:port, verified against `root_pem`."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False  # SPIFFE certificates name no host
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cadata=root_pem)
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        with ctx.wrap_socket(s) as t:
            der = t.getpeercert(binary_form=True)
            version = t.version()
    return der, version
