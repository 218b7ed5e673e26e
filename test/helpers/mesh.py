"""Builders of Istio config objects (as dicts, dumped to YAML by ConfigDir)."""

API = "networking.istio.io/v1"


def _meta(name, namespace):
    return {"name": name, "namespace": namespace}


def service_entry(name, host, port, endpoints, namespace="default", port_name="http",
                  protocol="HTTP"):
    """A STATIC ServiceEntry with one port.

    `endpoints`: list of (address, target_port) or (address, target_port, labels).
    """
    eps = []
    for ep in endpoints:
        address, target, labels = (tuple(ep) + ({},))[:3]
        e = {"address": address, "ports": {port_name: int(target)}}
        if labels:
            e["labels"] = dict(labels)
        eps.append(e)
    return {
        "apiVersion": API, "kind": "ServiceEntry", "metadata": _meta(name, namespace),
        "spec": {
            "hosts": [host],
            "location": "MESH_EXTERNAL",
            "ports": [{"number": int(port), "name": port_name, "protocol": protocol}],
            "resolution": "STATIC",
            "endpoints": eps,
        },
    }


def destination_rule(name, host, subsets, namespace="default"):
    """`subsets`: {subset name: {label: value}}."""
    return {
        "apiVersion": API, "kind": "DestinationRule", "metadata": _meta(name, namespace),
        "spec": {
            "host": host,
            "subsets": [{"name": n, "labels": dict(l)} for n, l in subsets.items()],
        },
    }


def dest(host, subset=None, weight=None, port=None):
    """One HTTPRouteDestination."""
    d = {"host": host}
    if subset:
        d["subset"] = subset
    if port:
        d["port"] = {"number": int(port)}
    out = {"destination": d}
    if weight is not None:
        out["weight"] = weight
    return out


def http_route(destinations, prefix=None, exact=None, regex=None, name=None):
    r = {}
    if name:
        r["name"] = name
    uri = {k: v for k, v in (("prefix", prefix), ("exact", exact), ("regex", regex)) if v}
    if uri:
        r["match"] = [{"uri": uri}]
    r["route"] = list(destinations)
    return r


def virtual_service(name, hosts, http, namespace="default"):
    return {
        "apiVersion": API, "kind": "VirtualService", "metadata": _meta(name, namespace),
        "spec": {"hosts": list(hosts), "http": list(http)},
    }
