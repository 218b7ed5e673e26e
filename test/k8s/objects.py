"""Istio and Kubernetes objects as the API server takes them (dicts), for K2's tests."""

NET = "networking.istio.io/v1"


def service_entry(name, ns, host, port, endpoints):
    """STATIC ServiceEntry; endpoints: [(address, target_port, labels)]."""
    return {"apiVersion": NET, "kind": "ServiceEntry", "metadata": {"name": name, "namespace": ns},
            "spec": {"hosts": [host], "location": "MESH_EXTERNAL", "resolution": "STATIC",
                     "ports": [{"number": port, "name": "http", "protocol": "HTTP"}],
                     "endpoints": [{"address": a, "ports": {"http": p}, "labels": dict(l)}
                                   for a, p, l in endpoints]}}


def destination_rule(name, ns, host, subsets):
    return {"apiVersion": NET, "kind": "DestinationRule",
            "metadata": {"name": name, "namespace": ns},
            "spec": {"host": host, "subsets": [{"name": n, "labels": l}
                                               for n, l in subsets.items()]}}


def virtual_service(name, ns, host, subset):
    return {"apiVersion": NET, "kind": "VirtualService",
            "metadata": {"name": name, "namespace": ns},
            "spec": {"hosts": [host],
                     "http": [{"route": [{"destination": {"host": host, "subset": subset}}]}]}}


def collection(obj):
    """REST collection path of an object."""
    api, kind, ns = obj["apiVersion"], obj["kind"], obj["metadata"].get("namespace")
    k = kind.lower()
    plural = k[:-1] + "ies" if k.endswith("y") else k + "es" if k.endswith("s") else k + "s"
    base = f"/api/{api}" if "/" not in api else f"/apis/{api}"
    return f"{base}/namespaces/{ns}/{plural}" if ns else f"{base}/{plural}"


def create(cluster, obj):
    return cluster.api("POST", collection(obj), obj)


def delete(cluster, obj):
    return cluster.api("DELETE", collection(obj) + "/" + obj["metadata"]["name"],
                       expect=(200, 202))
