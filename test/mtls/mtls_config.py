"""Istio objects of the mTLS tests (dicts for ConfigDir): B's service and the two Sidecars of
the contract, PeerAuthentications and TLS DestinationRules."""

NETWORKING = "networking.istio.io/v1"
SECURITY = "security.istio.io/v1"
ROOT_NAMESPACE = "istio-system"


def _meta(name, namespace):
    return {"name": name, "namespace": namespace}


def mesh_service(w, ports):
    """A STATIC MESH_INTERNAL ServiceEntry `<name>.<ns>.svc.cluster.local` whose one endpoint is
    workload `w` (istio tlsMode, its service account). `ports`: [(number, name)], all HTTP."""
    return {
        "apiVersion": NETWORKING, "kind": "ServiceEntry", "metadata": _meta(w.name, w.ns),
        "spec": {
            "hosts": [w.host],
            "location": "MESH_INTERNAL",
            "resolution": "STATIC",
            "ports": [{"number": int(n), "name": name, "protocol": "HTTP"} for n, name in ports],
            "endpoints": [{"address": w.ip, "serviceAccount": w.sa,
                           "labels": {"app": w.name, "security.istio.io/tlsMode": "istio"}}],
        },
    }


def sidecar(w, ingress=(), egress_hosts=("./*",)):
    """The Sidecar of workload `w` (selected by app=<name>): one ingress listener per
    (port number, port name, app port) on w's IP, forwarding to 127.0.0.1:<app port>, and one
    egress listener bound on w.egress_bind for `egress_hosts`."""
    spec = {"workloadSelector": {"labels": {"app": w.name}}}
    if ingress:
        spec["ingress"] = [{"port": {"number": int(n), "protocol": "HTTP", "name": name},
                            "defaultEndpoint": f"127.0.0.1:{int(app)}"}
                           for n, name, app in ingress]
    spec["egress"] = [{"bind": w.egress_bind, "hosts": list(egress_hosts)}]
    return {"apiVersion": NETWORKING, "kind": "Sidecar", "metadata": _meta(w.name, w.ns),
            "spec": spec}


def peer_authentication(name, namespace, mode=None, selector=None, port_level=None):
    """PeerAuthentication; `mode` None leaves spec.mtls out (inherits, as UNSET does);
    `port_level`: {port number: mode}."""
    spec = {}
    if selector:
        spec["selector"] = {"matchLabels": dict(selector)}
    if mode is not None:
        spec["mtls"] = {"mode": mode}
    if port_level:
        spec["portLevelMtls"] = {int(p): {"mode": m} for p, m in port_level.items()}
    return {"apiVersion": SECURITY, "kind": "PeerAuthentication",
            "metadata": _meta(name, namespace), "spec": spec}


def mesh_peer_authentication(mode):
    """The mesh-wide policy: in the root namespace, without selector."""
    return peer_authentication("default", ROOT_NAMESPACE, mode)


def tls_destination_rule(name, namespace, host, mode):
    """DestinationRule for `host` with trafficPolicy.tls.mode `mode` (DISABLE, ISTIO_MUTUAL)."""
    return {"apiVersion": NETWORKING, "kind": "DestinationRule",
            "metadata": _meta(name, namespace),
            "spec": {"host": host, "trafficPolicy": {"tls": {"mode": mode}}}}


def extra_service(name, namespace, port, address):
    """Another STATIC MESH_INTERNAL ServiceEntry (used to show a config change reaching a proxy)."""
    return {
        "apiVersion": NETWORKING, "kind": "ServiceEntry", "metadata": _meta(name, namespace),
        "spec": {"hosts": [f"{name}.{namespace}.svc.cluster.local"], "location": "MESH_INTERNAL",
                 "resolution": "STATIC",
                 "ports": [{"number": int(port), "name": "http", "protocol": "HTTP"}],
                 "endpoints": [{"address": address}]},
    }
