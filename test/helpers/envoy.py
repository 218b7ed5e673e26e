"""Real Envoy processes fed by jibd over ADS: bootstrap, start, admin helpers.

Runnable as a script to write a bootstrap (used by scripts/demo.sh):
  PYTHONPATH=test python3 -m helpers.envoy --xds-port 15010 --admin-port 15000 --out b.json
"""
import argparse
import json
import os
import re
import urllib.error
import urllib.request

from helpers.proc import Process
from helpers.wait import wait_until

ENVOY_BIN = os.environ.get("JIB_ENVOY") or os.path.expanduser("~/.cache/jib/venv/bin/envoy")
ISTIO_VERSION = "1.24.0"


def node_id(pod, namespace, ip="127.0.0.1", kind="sidecar"):
    return f"{kind}~{ip}~{pod}.{namespace}~{namespace}.svc.cluster.local"


def bootstrap(xds_port, admin_port, pod="web-0", namespace="default", labels=None,
              xds_host="127.0.0.1", cluster=None, ip="127.0.0.1", extra_metadata=None):
    """The bootstrap of a sidecar without interception: only jibd's ADS address is static."""
    metadata = {
        "NAMESPACE": namespace,
        "INTERCEPTION_MODE": "NONE",
        "ISTIO_VERSION": ISTIO_VERSION,
        "CLUSTER_ID": "Kubernetes",
        "NAME": pod,
        "LABELS": dict(labels or {}),
    }
    metadata.update(extra_metadata or {})
    ads = {"ads": {}, "resource_api_version": "V3"}
    return {
        "node": {
            "id": node_id(pod, namespace, ip),
            "cluster": cluster or f"{pod.rsplit('-', 1)[0]}.{namespace}",
            "metadata": metadata,
        },
        "dynamic_resources": {
            "ads_config": {
                "api_type": "GRPC",
                "transport_api_version": "V3",
                "grpc_services": [{"envoy_grpc": {"cluster_name": "xds-grpc"}}],
                "set_node_on_first_message_only": True,
            },
            "cds_config": ads,
            "lds_config": ads,
        },
        "static_resources": {
            "clusters": [{
                "name": "xds-grpc",
                "type": "STATIC",
                "connect_timeout": "1s",
                "load_assignment": {
                    "cluster_name": "xds-grpc",
                    "endpoints": [{"lb_endpoints": [{"endpoint": {"address": {"socket_address": {
                        "address": xds_host, "port_value": int(xds_port)}}}}]}],
                },
                "typed_extension_protocol_options": {
                    "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
                        "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                        "explicit_http_config": {"http2_protocol_options": {}},
                    },
                },
            }],
        },
        "admin": {
            "address": {"socket_address": {"address": "127.0.0.1", "port_value": int(admin_port)}},
        },
    }


def envoy_argv(bootstrap_path, log_level="info", concurrency=1, binary=None):
    return [binary or ENVOY_BIN, "-c", str(bootstrap_path), "-l", log_level,
            "--disable-hot-restart", "--concurrency", str(concurrency),
            "--drain-time-s", "1", "--parent-shutdown-time-s", "2"]


class Admin:
    """Envoy's admin interface on 127.0.0.1:port."""

    def __init__(self, port):
        self.port = port
        self.base = f"http://127.0.0.1:{port}"

    def get(self, path, timeout=5.0):
        """(status, body text) of GET path; HTTP errors are returned, not raised."""
        try:
            with urllib.request.urlopen(self.base + path, timeout=timeout) as r:
                return r.status, r.read().decode(errors="replace")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace")

    def post(self, path, timeout=5.0):
        req = urllib.request.Request(self.base + path, data=b"", method="POST")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, r.read().decode(errors="replace")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace")

    def ready(self):
        """The server state text of /ready: LIVE, PRE_INITIALIZING, INITIALIZING, DRAINING."""
        return self.get("/ready")[1].strip()

    def server_info(self):
        return json.loads(self.get("/server_info")[1])

    def config_dump(self, include_eds=True, resource=None):
        q = []
        if include_eds:
            q.append("include_eds")
        if resource:
            q.append(f"resource={resource}")
        status, body = self.get("/config_dump" + ("?" + "&".join(q) if q else ""))
        assert status == 200, f"config_dump: {status} {body[:200]}"
        return json.loads(body)

    def config_section(self, type_name, dump=None):
        """The config_dump entry of type envoy.admin.v3.<type_name> (e.g. 'ClustersConfigDump')."""
        dump = dump or self.config_dump()
        for c in dump.get("configs", []):
            if c.get("@type", "") == "type.googleapis.com/envoy.admin.v3." + type_name:
                return c
        return {}

    def dynamic_clusters(self, dump=None):
        """name -> Cluster of the dynamic active clusters."""
        sec = self.config_section("ClustersConfigDump", dump)
        return {c["cluster"]["name"]: c for c in sec.get("dynamic_active_clusters", [])}

    def dynamic_listeners(self, dump=None):
        """name -> dynamic listener entry (with active_state / warming_state / error_state)."""
        sec = self.config_section("ListenersConfigDump", dump)
        return {l["name"]: l for l in sec.get("dynamic_listeners", [])}

    def dynamic_route_configs(self, dump=None):
        """name -> RouteConfiguration of the dynamic route configs."""
        sec = self.config_section("RoutesConfigDump", dump)
        return {r["route_config"]["name"]: r for r in sec.get("dynamic_route_configs", [])}

    def dynamic_endpoints(self, dump=None):
        """cluster name -> ClusterLoadAssignment (needs config_dump(include_eds=True))."""
        sec = self.config_section("EndpointsConfigDump", dump)
        return {e["endpoint_config"]["cluster_name"]: e["endpoint_config"]
                for e in sec.get("dynamic_endpoint_configs", [])}

    def stats(self, filter=None):
        """name -> value (int) of counters and gauges; histograms are skipped."""
        path = "/stats"
        if filter:
            path += "?filter=" + urllib.request.quote(filter)
        status, body = self.get(path)
        assert status == 200, f"stats: {status}"
        out = {}
        for line in body.splitlines():
            name, sep, value = line.partition(": ")
            if sep and re.fullmatch(r"-?\d+", value.strip()):
                out[name] = int(value)
        return out

    def stat(self, name, default=None):
        return self.stats(filter=f"^{re.escape(name)}$").get(name, default)

    def listeners(self):
        """The listeners and their bound addresses, from /listeners?format=json."""
        return json.loads(self.get("/listeners?format=json")[1])

    def clusters(self):
        """/clusters?format=json."""
        return json.loads(self.get("/clusters?format=json")[1])


class Envoy(Process):
    """A running Envoy whose only static config is jibd's ADS address."""

    def __init__(self, workdir, xds_port, admin_port, pod="web-0", namespace="default",
                 labels=None, log_level="info", binary=None, **bootstrap_args):
        self.pod = pod
        self.namespace = namespace
        self.admin_port = admin_port
        self.admin = Admin(admin_port)
        self.bootstrap = bootstrap(xds_port, admin_port, pod, namespace, labels, **bootstrap_args)
        self.node_id = self.bootstrap["node"]["id"]
        os.makedirs(workdir, exist_ok=True)
        self.bootstrap_path = os.path.join(workdir, f"envoy-{pod}.{namespace}.json")
        with open(self.bootstrap_path, "w") as f:
            json.dump(self.bootstrap, f, indent=2)
        super().__init__(envoy_argv(self.bootstrap_path, log_level, binary=binary),
                         os.path.join(workdir, f"envoy-{pod}.{namespace}.log"), name=f"envoy[{pod}]")

    def wait_live(self, timeout=30.0):
        """Waits until admin /ready says LIVE (Envoy got its initial CDS and LDS, or gave up)."""
        def live():
            if not self.alive():
                raise AssertionError(f"envoy exited with {self.returncode}")
            return self.admin.ready() == "LIVE"
        try:
            wait_until(live, timeout, f"{self.name} admin /ready == LIVE")
        except AssertionError as e:
            raise AssertionError(f"{e}\n--- envoy log tail ---\n{self.tail()}") from None

    def tail(self, n=40):
        """The last n log lines, without the start-up inventory (extensions, header maps)."""
        lines = [line for line in self.log_lines() if "][info][main]" not in line]
        return "\n".join(lines[-n:])

    def update_rejected(self):
        """name -> value of every `*.update_rejected` stat (CDS, LDS, RDS and per-cluster EDS)."""
        return {k: v for k, v in self.admin.stats(filter=r"\.update_rejected$").items()
                if k.endswith(".update_rejected")}

    def uptime(self):
        return self.admin.stat("server.uptime")


def main():
    ap = argparse.ArgumentParser(description="write an Envoy bootstrap for a jibd sidecar")
    ap.add_argument("--xds-port", type=int, required=True)
    ap.add_argument("--admin-port", type=int, required=True)
    ap.add_argument("--pod", default="web-0")
    ap.add_argument("--namespace", default="default")
    ap.add_argument("--label", action="append", default=[], help="key=value, repeatable")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    labels = dict(kv.split("=", 1) for kv in args.label)
    with open(args.out, "w") as f:
        json.dump(bootstrap(args.xds_port, args.admin_port, args.pod, args.namespace, labels), f,
                  indent=2)


if __name__ == "__main__":
    main()
