"""Two workloads, A (client) and B (server), each a real Envoy fed by its own jib-agent over
secure xDS (jibd's CA port), for the mTLS tests. Fixtures in conftest.py.

    test ──HTTP──> A's Envoy 127.0.1.2:P (egress bind) ──mTLS──> B's Envoy 127.0.0.3:P
                                                                   └──> B's app 127.0.0.1:<app>
A's "app" is the test itself. Objects are built in mtls_config.py."""
import http.client
import json
import os
import re
import socket

from helpers.wait import wait_until
from mtls_client import MeshClient, mint, mtls_probe

TRUST_DOMAIN = "cluster.local"


class WorkloadSpec:
    """Who a workload is: name (= label app and pod prefix), namespace, service account,
    its own loopback IP (the pod IP) and the IP its egress listeners bind."""

    def __init__(self, name, ns, sa, ip, egress_bind):
        self.name, self.ns, self.sa, self.ip, self.egress_bind = name, ns, sa, ip, egress_bind
        self.host = f"{name}.{ns}.svc.cluster.local"
        self.spiffe_id = f"spiffe://{TRUST_DOMAIN}/ns/{ns}/sa/{sa}"
        self.labels = {"app": name}


A = WorkloadSpec("a", "ns-a", "sa-a", "127.0.0.2", "127.0.1.2")
B = WorkloadSpec("b", "ns-b", "sa-b", "127.0.0.3", "127.0.1.3")


def outbound_cluster(port, host):
    return f"outbound|{int(port)}||{host}"


class Workload:
    """A running workload: `apps` {service port: Backend}, its agent and the Envoy on the
    agent's bootstrap."""

    def __init__(self, spec, agent, envoy, apps=None):
        self.spec = spec
        self.agent = agent
        self.envoy = envoy
        self.apps = dict(apps or {})

    def __getattr__(self, name):  # name, ns, sa, ip, host, spiffe_id, ...
        return getattr(self.spec, name)

    @property
    def admin(self):
        return self.envoy.admin

    @property
    def node_id(self):
        return self.envoy.node_id

    def stats(self, prefix):
        """Counters and gauges whose name starts with `prefix` (exact prefix, not a regex)."""
        return {k: v for k, v in self.admin.stats(filter="^" + re.escape(prefix)).items()
                if k.startswith(prefix)}

    def inbound_tls(self, port):
        """ssl.* stats of the inbound listener on this workload's IP:port, keys without the
        `listener.<ip>_<port>.ssl.` prefix."""
        p = f"listener.{self.ip}_{int(port)}.ssl."
        return {k[len(p):]: v for k, v in self.stats(p).items()}

    def outbound_tls(self, port, host):
        """ssl.* stats of cluster outbound|port||host, keys without the prefix."""
        p = f"cluster.{outbound_cluster(port, host)}.ssl."
        return {k[len(p):]: v for k, v in self.stats(p).items()}

    def cluster_stat(self, port, host, name, default=0):
        return self.admin.stat(f"cluster.{outbound_cluster(port, host)}.{name}", default)

    def served_cert(self):
        """(serial int, [URI SANs]) of the workload certificate Envoy serves (admin /certs);
        None before it has one."""
        status, body = self.admin.get("/certs")
        assert status == 200, body
        for c in json.loads(body).get("certificates", []):
            for chain in c.get("cert_chain", []):
                uris = [s["uri"] for s in chain.get("subject_alt_names", []) if "uri" in s]
                if uris:
                    return int(chain["serial_number"], 16), uris
        return None


# Envoy gauges that are 0 once an update has fully taken effect.
SETTLING = ("listener_manager.total_listeners_warming", "listener_manager.total_listeners_draining",
            "listener_manager.total_filter_chains_draining", "cluster_manager.warming_clusters")


def settled(row):
    """A /debug/syncz row in which every type sent has been ACKed or NACKed (and CDS and LDS
    have been sent)."""
    if not row:
        return False
    for t, s in row.items():
        if t == "proxy" or not isinstance(s, dict) or not s.get("sent"):
            continue
        if s.get("acked") != s.get("sent") and not s.get("nack"):
            return False
    return bool((row.get("cds") or {}).get("sent")) and bool((row.get("lds") or {}).get("sent"))


def nacks(row):
    return {t: s["nack"] for t, s in row.items() if isinstance(s, dict) and s.get("nack")}


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def __repr__(self):
        return f"Response({self.status}, {self.body[:120]!r})"


def http_get(ip, port, host, path="/", timeout=5.0, headers=None, method="GET"):
    """One request on a fresh connection: Response. Raises OSError/HTTPException when no
    HTTP response comes back."""
    c = http.client.HTTPConnection(ip, int(port), timeout=timeout)
    try:
        c.request(method, path, headers={"Host": host, "Connection": "close", **(headers or {})})
        r = c.getresponse()
        return Response(r.status, {k.lower(): v for k, v in r.getheaders()},
                        r.read().decode(errors="replace"))
    finally:
        c.close()


def probe(ip, port, host, path="/", timeout=3.0):
    """What a plaintext HTTP client gets from ip:port: ('http', status), ('closed', error)
    when the connection was accepted and then closed/reset without an HTTP response,
    ('refused', error) when nothing listens, ('timeout', error)."""
    try:
        return ("http", http_get(ip, port, host, path, timeout).status)
    except ConnectionRefusedError as e:
        return ("refused", repr(e))
    except socket.timeout as e:
        return ("timeout", repr(e))
    except (http.client.HTTPException, ConnectionError, OSError) as e:
        return ("closed", repr(e))


def xfcc_fields(value):
    """The elements of an x-forwarded-client-cert header: [{key: value}] (keys as sent)."""
    out = []
    for element in (value or "").split(","):
        fields = {}
        for pair in element.split(";"):
            k, sep, v = pair.partition("=")
            if sep:
                fields[k.strip()] = v.strip().strip('"')
        if fields:
            out.append(fields)
    return out


def describe(w):
    """Listeners and clusters of a workload's Envoy, one line each: names, addresses and
    whether TLS is configured (for failure reports)."""
    try:
        dump = w.admin.config_dump()
    except Exception as e:  # noqa: BLE001 - a report, not a check
        return f"{w.name}: config_dump failed: {e}"
    lines = [f"--- {w.name} ({w.node_id}) listeners ---"]
    for name, l in sorted(w.admin.dynamic_listeners(dump).items()):
        state = next((k for k in ("active_state", "warming_state", "error_state") if k in l), "?")
        listener = (l.get(state) or {}).get("listener", {})
        chains = listener.get("filter_chains", [])
        tls = ["tls" if "transport_socket" in c else "plain" for c in chains]
        lines.append(f"{name} [{state}] {json.dumps(listener.get('address'))} chains={tls}"
                     + (f" error={l['error_state']}" if state == "error_state" else ""))
    lines.append(f"--- {w.name} clusters ---")
    for name, c in sorted(w.admin.dynamic_clusters(dump).items()):
        cl = c["cluster"]
        tls = ("matches" if cl.get("transport_socket_matches") else
               "tls" if cl.get("transport_socket") else "plain")
        lines.append(f"{name} {tls}")
    return "\n".join(lines)


def save_config_dump(w, directory):
    path = os.path.join(directory, f"config_dump-{w.name}.json")
    try:
        status, body = w.admin.get("/config_dump?include_eds")
        with open(path, "w") as f:
            f.write(body)
    except Exception as e:  # noqa: BLE001
        return f"{path}: {e}"
    return path


class MtlsMesh:
    """jibd (file mode, CA, secure xDS) with workloads `a` and `b`; B serves ports p1 and p2."""

    def __init__(self, mesh, config_dir, a, b, p1, p2, issuer, workdir):
        self.mesh = mesh
        self.config = config_dir
        self.a, self.b = a, b
        self.p1, self.p2 = p1, p2
        self.issuer = issuer
        self.workdir = str(workdir)

    @property
    def jibd(self):
        return self.mesh.jibd

    @property
    def workloads(self):
        return [self.a, self.b]

    # ---- calls -------------------------------------------------------------------------
    def call(self, port=None, path="/", timeout=5.0, host=None, headers=None, method="GET"):
        """A's app calls B through the mesh: a request on A's egress listener with Host = B's
        host."""
        return http_get(self.a.egress_bind, port or self.p1, host or self.b.host, path, timeout,
                        headers, method)

    def call_status(self, port=None, timeout=5.0):
        try:
            return self.call(port, timeout=timeout).status
        except (http.client.HTTPException, OSError) as e:
            return repr(e)

    def direct(self, port=None, timeout=3.0):
        """A plaintext client that bypasses A's Envoy, straight to B's inbound listener."""
        return probe(self.b.ip, port or self.p1, self.b.host, timeout=timeout)

    def client(self, spec=A):
        """A MeshClient with a certificate for `spec`'s identity minted from jibd's CA."""
        key, chain = mint(self.jibd.ca_port, self.roots_pem(), self.issuer.token(spec.ns, spec.sa),
                          spec.spiffe_id)
        client = MeshClient(os.path.join(self.workdir, f"client-{spec.name}"), key, chain,
                            self.roots_pem())
        client.chain = chain
        return client

    def direct_mtls(self, client, port=None):
        """An mTLS client (not an Envoy) straight to B's inbound listener: see mtls_probe."""
        return mtls_probe(client, self.b.ip, port or self.p1, self.b.host)

    def wait_traffic(self, port=None, timeout=15.0):
        port = port or self.p1
        return wait_until(lambda: self.call_status(port, timeout=3) == 200, timeout,
                          f"A -> B:{port} through the mesh answers 200")

    # ---- CA roots ------------------------------------------------------------------------
    def roots_pem(self):
        """jibd's trust bundle from its CA state: the signing root, then the next one during a
        rotation, then the previous ones."""
        path = os.path.join(self.mesh.state_dir, "root-cert.pem")
        if not os.path.exists(path):
            return ""
        with open(path) as f:
            return f.read()

    def publish_roots(self):
        """Mirrors the trust bundle into the workloads' root file, as the istio-ca-root-cert
        ConfigMap would (jibd publishes it only on Kubernetes). True when it changed."""
        text = self.roots_pem()
        if not text or text == self.mesh.root_pem():
            return False
        tmp = self.mesh.root_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, self.mesh.root_file)
        return True

    # ---- config ------------------------------------------------------------------------
    def generation(self):
        status, body = self.jibd.get("/debug/configz")
        assert status == 200, body
        return json.loads(body)["generation"]

    def objects(self):
        status, body = self.jibd.get("/debug/configz")
        assert status == 200, body
        return {(o["kind"], o["namespace"], o["name"]) for o in json.loads(body)["objects"]}

    def apply(self, name, objects, timeout=10.0):
        """Writes `name` (atomically) and waits until every proxy has the resulting push."""
        before = self.generation()
        self.config.write(name, objects)
        self.wait_pushed(before, name, timeout)

    def remove(self, name, timeout=10.0):
        before = self.generation()
        self.config.remove(name)
        self.wait_pushed(before, name, timeout)

    def wait_pushed(self, before, name="", timeout=10.0):
        """Waits until jibd's store is past generation `before`, a snapshot of the current
        generation has been pushed to every stream, and both proxies ACKed (or NACKed) it."""
        j = self.jibd

        def taken():
            g = self.generation()
            return g > before and g
        try:
            wait_until(taken, timeout, f"jibd's store to take {name}")
        except AssertionError as e:
            errors = j.log_lines(re.escape(name)) if name else []
            raise AssertionError(f"{e}\njibd log about {name}: {errors[-5:]}") from None

        def pushed():
            g = self.generation()
            lines = j.log_lines(r"snapshot for generation \d+")
            gens = [int(re.search(r"generation (\d+)", x).group(1)) for x in lines]
            built = j.metrics().get("jib_xds_snapshots_built") or 0
            return gens and max(gens) >= g and built >= len(gens)
        wait_until(pushed, timeout, "jibd to push a snapshot of the newest generation")
        self.wait_settled(timeout)

    def wait_settled(self, timeout=10.0):
        """Both proxies connected to jibd with every type ACKed or NACKed, and no listener or
        cluster of theirs still warming (an ACKed listener serves only once warm) or draining
        (a replaced filter chain keeps its connections, e.g. A's pooled one, until drained);
        returns the syncz rows."""
        rows = {}
        for w in self.workloads:
            rows[w.name] = wait_until(
                lambda w=w: (r := self.jibd.syncz_row(w.node_id)) and settled(r) and r,
                timeout, f"jibd's syncz: {w.node_id} connected, every type ACKed or NACKed")
            wait_until(lambda w=w: all(w.admin.stat(s, 0) == 0 for s in SETTLING), timeout,
                       f"{w.name}'s listeners and clusters neither warming nor draining")
        return rows

    def assert_no_nack(self):
        for w in self.workloads:
            row = self.jibd.syncz_row(w.node_id)
            assert row and not nacks(row), f"{w.name} NACKed: {nacks(row) if row else row}"
