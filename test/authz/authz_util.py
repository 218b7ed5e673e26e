"""Helpers of the AuthorizationPolicy end-to-end tests (test/authz): policy objects,
callers other than A (direct mTLS clients with minted identities, bound to a chosen loopback
source address, any method/path/headers), a TCP echo server, and B's RBAC stats.

Everything here is additive to test/mtls's harness (mtls_harness.MtlsMesh): nothing in it is
changed."""
import http.client
import socket
import ssl
import threading

import mtls_config as cfg
from mtls_client import ALPN
from mtls_harness import B, WorkloadSpec

SECURITY = cfg.SECURITY
RBAC_DENIED_BODY = "RBAC: access denied"


# ---- objects ---------------------------------------------------------------------------------
def policy(name, namespace=B.ns, action=None, rules=None, selector=None, annotations=None,
           spec=None):
    """An AuthorizationPolicy. `spec` given: used as it is (e.g. {} for allow-nothing);
    otherwise built from action (omitted when None: ALLOW), rules (omitted when None) and
    selector ({label: value})."""
    if spec is None:
        spec = {}
        if selector:
            spec["selector"] = {"matchLabels": dict(selector)}
        if action:
            spec["action"] = action
        if rules is not None:
            spec["rules"] = rules
    meta = {"name": name, "namespace": namespace}
    if annotations:
        meta["annotations"] = dict(annotations)
    return {"apiVersion": SECURITY, "kind": "AuthorizationPolicy", "metadata": meta,
            "spec": spec}


def b_policy(name, action=None, rules=None, **kw):
    """A policy of B's namespace selecting B (app=b)."""
    return policy(name, B.ns, action, rules, selector=B.labels, **kw)


def from_principals(*principals):
    return {"from": [{"source": {"principals": list(principals)}}]}


def principal(spec):
    """Istio's form of a workload's identity in `principals`: without spiffe://."""
    return spec.spiffe_id[len("spiffe://"):]


# ---- callers ---------------------------------------------------------------------------------
def spec(name, ns, sa):
    """A caller identity (no Envoy of its own: used through a minted certificate)."""
    return WorkloadSpec(name, ns, sa, "127.0.0.1", "127.0.0.1")


class Caller:
    """HTTP/1.1 over mTLS straight to B's inbound listener with one minted identity (a
    mtls_client.MeshClient's files), from `source` (a loopback address to bind, or None)."""

    def __init__(self, mesh_client, source=None):
        self.files = mesh_client
        self.source = source

    def context(self):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False  # SPIFFE certificates name no host
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(self.files.roots_file)
        ctx.load_cert_chain(self.files.cert_file, self.files.key_file)
        ctx.set_alpn_protocols(ALPN)
        return ctx

    def connect(self, ip, port, timeout=5.0):
        """A TLS socket to ip:port (handshake done)."""
        source = (self.source, 0) if self.source else None
        raw = socket.create_connection((ip, int(port)), timeout=timeout, source_address=source)
        try:
            return self.context().wrap_socket(raw)
        except BaseException:
            raw.close()
            raise

    def request(self, ip, port, host, path="/", method="GET", headers=None, body=None,
                timeout=5.0):
        """(status, body text) of one request on a fresh connection; raises OSError /
        ssl.SSLError / http.client.HTTPException when no HTTP response comes back."""
        tls = self.connect(ip, port, timeout)
        conn = http.client.HTTPConnection(ip, int(port), timeout=timeout)
        conn.sock = tls
        try:
            conn.request(method, path, body=body,
                         headers={"Host": host, "Connection": "close", **(headers or {})})
            r = conn.getresponse()
            return r.status, r.read().decode(errors="replace")
        finally:
            conn.close()


def caller(m, who, source=None):
    """A Caller with a certificate for `who` (a WorkloadSpec) minted from the mesh's CA."""
    c = Caller(m.client(who), source)
    c.name = f"{who.ns}/{who.sa}" + (f"@{source}" if source else "")
    return c


# The caller "A's app through A's Envoy" in expect() cases.
MESH = "mesh"


def request(m, who, path="/", method="GET", headers=None, port=None):
    """(status, body) of one request from `who` (MESH or a Caller) to B; status is a string
    'failed: ...' when no HTTP response came back."""
    try:
        if who == MESH:
            r = m.call(port=port, path=path, headers=headers, method=method)
            return r.status, r.body
        return who.request(m.b.ip, port or m.p1, m.b.host, path, method, headers)
    except (OSError, ssl.SSLError, http.client.HTTPException) as e:
        return f"failed: {e!r}", ""


def who_name(who):
    return "A via its Envoy" if who == MESH else getattr(who, "name", repr(who))


def expect(m, cases):
    """Runs every case and asserts all at once. A case is (who, path, status) or
    (who, path, status, {method, headers, port, app_path}). A 200 must have reached B's app
    (exactly one new request, with that path, or app_path when given); a 403 must be Envoy's
    RBAC denial that never reached the app."""
    wrong = []
    for case in cases:
        who, path, want, *rest = case
        kw = dict(rest[0]) if rest else {}
        port = kw.get("port") or m.p1
        app = m.b.apps[port]
        before = app.count
        got, body = request(m, who, path, kw.get("method", "GET"), kw.get("headers"), port)
        label = f"{who_name(who)} {kw.get('method', 'GET')} {path}" + \
            (f" {kw.get('headers')}" if kw.get("headers") else "") + \
            (" on p2" if port == m.p2 else "")
        if got != want:
            wrong.append(f"{label}: got {got} {body[:60]!r}, want {want}")
        elif want == 403 and (RBAC_DENIED_BODY not in body or app.count != before):
            wrong.append(f"{label}: 403 but body {body[:60]!r}, app got {app.count - before}")
        elif want == 200 and (app.count != before + 1 or
                              app.received()[-1]["path"] != kw.get("app_path", path)):
            wrong.append(f"{label}: 200 but the app got {app.received()[before:]}")
    assert not wrong, "unexpected verdicts:\n  " + "\n  ".join(wrong)


# ---- TCP -------------------------------------------------------------------------------------
class TcpEcho:
    """A TCP server on 127.0.0.1 answering each chunk received with b'echo:' + chunk; counts
    connections that sent at least one byte."""

    def __init__(self):
        self.served = 0
        self._lock = threading.Lock()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._threads = []
        self._thread = threading.Thread(target=self._accept, name="tcp-echo", daemon=True)
        self._thread.start()

    def _accept(self):
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            t = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(t)
            t.start()

    def _serve(self, conn):
        conn.settimeout(5)
        counted = False
        try:
            while not self._stop.is_set():
                data = conn.recv(4096)
                if not data:
                    return
                if not counted:
                    counted = True
                    with self._lock:
                        self.served += 1
                conn.sendall(b"echo:" + data)
        except OSError:
            return
        finally:
            conn.close()

    def stop(self):
        self._stop.set()
        self._sock.close()
        self._thread.join(5)
        for t in self._threads:
            t.join(5)


def exchange(sock, payload=b"ping", timeout=3.0):
    """Sends `payload` and reads the echo: ('echoed', bytes) when the echo came back whole,
    ('closed', bytes so far) when the peer closed or reset first, ('timeout', ...) when
    nothing more came within `timeout`."""
    sock.settimeout(timeout)
    want = b"echo:" + payload
    got = b""
    try:
        sock.sendall(payload)
        while len(got) < len(want):
            chunk = sock.recv(4096)
            if not chunk:
                return ("closed", got)
            got += chunk
    except socket.timeout:
        return ("timeout", got)
    except (ConnectionError, ssl.SSLError, OSError):
        return ("closed", got)
    return ("echoed", got) if got == want else ("closed", got)


def tcp_via_a(m, port, payload=b"ping"):
    """A's app opens a TCP connection to A's egress listener for `port` (tcp_proxy to B over
    mTLS) and exchanges one payload."""
    try:
        sock = socket.create_connection((m.a.egress_bind, int(port)), timeout=5)
    except OSError as e:
        return ("refused", repr(e))
    with sock:
        return exchange(sock, payload)


def tcp_direct(m, c, port, payload=b"ping"):
    """A direct mTLS client `c` to B's TCP port; ('handshake failed', ...) when TLS fails."""
    try:
        sock = c.connect(m.b.ip, port)
    except (OSError, ssl.SSLError) as e:
        return ("handshake failed", repr(e))
    with sock:
        return exchange(sock, payload)


# ---- stats -----------------------------------------------------------------------------------
def http_rbac_stats(w, port):
    """RBAC counters of the HTTP connection manager of w's inbound listener on `port`,
    keys after `http.inbound_<ip>_<port>.rbac.`."""
    prefix = f"http.inbound_{w.ip}_{int(port)}.rbac."
    return {k[len(prefix):]: v for k, v in w.stats(prefix).items()}


def tcp_rbac_stats(w):
    """Network RBAC counters (stat prefix `tcp.`), keys after `tcp.rbac.`."""
    prefix = "tcp.rbac."
    return {k[len(prefix):]: v for k, v in w.stats(prefix).items()}




# ---- B's RBAC config -------------------------------------------------------------------------
def inbound_rbac(w, port):
    """The RBAC filters of w's inbound listener on `port`, from its config_dump, in chain
    order, from the first filter chain that has any: [(filter name, {'rules': {action,
    policy names}, 'shadow': {...}})]."""
    listeners = w.admin.dynamic_listeners()
    entry = listeners.get(f"{w.ip}_{int(port)}", {})
    listener = (entry.get("active_state") or {}).get("listener", {})
    for chain in listener.get("filter_chains", []):
        found = []
        for f in chain.get("filters", []):
            config = f.get("typed_config", {})
            filters = config.get("http_filters", []) if "http_filters" in config else [f]
            for hf in filters:
                if not hf.get("name", "").endswith(".rbac"):
                    continue
                c = hf.get("typed_config", {})
                summary = {}
                for key in ("rules", "shadow_rules"):
                    if key in c:
                        summary[key] = (c[key].get("action", "ALLOW"),
                                        sorted(c[key].get("policies", {})))
                found.append((hf["name"], summary))
        if found:
            return found
    return []


def add_tcp_ports(m, tcp_ports, app_port):
    """Rewrites B's ServiceEntry and Sidecar of the harness with TCP ports added: `tcp_ports`
    [(number, name)] on the ServiceEntry (protocol TCP, so A gets TCP egress listeners) and
    as Sidecar ingress ports (protocol TCP) forwarding to 127.0.0.1:`app_port`."""
    service = cfg.mesh_service(B, [(m.p1, "http"), (m.p2, "http-alt")])
    sidecar = cfg.sidecar(B, ingress=[(m.p1, "http", m.b.apps[m.p1].port),
                                      (m.p2, "http-alt", m.b.apps[m.p2].port)])
    for number, name in tcp_ports:
        service["spec"]["ports"].append({"number": int(number), "name": name, "protocol": "TCP"})
        sidecar["spec"]["ingress"].append({
            "port": {"number": int(number), "protocol": "TCP", "name": name},
            "defaultEndpoint": f"127.0.0.1:{int(app_port)}"})
    m.apply("b-sidecar.yaml", sidecar)
    m.apply("b-service.yaml", service)
