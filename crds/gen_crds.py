#!/usr/bin/env python3
"""Writes crds/<plural>.<group>.yaml: the CustomResourceDefinitions of the Istio kinds Jib
serves, from the compact description below.

The schemas follow Istio's public API reference (istio.io/latest/docs/reference/config/), so
that users' existing YAML applies unchanged: every field Istio documents is declared (a
structural schema prunes undeclared fields, and kubectl's strict field validation refuses
them), and the API server refuses what the schema can say: wrong types, unknown enum values,
missing required fields, ports outside 1..65535, malformed durations. Rules a schema cannot
express (cross-field checks, host syntax) stay in jibd's validation (mesh/validate_*.cpp).

Every version of a kind has the same schema, as in Istio; storage versions are Istio's
(v1alpha3 for networking, v1beta1 for security, v1alpha1 for telemetry and extensions), so
that objects stored by Istio read back unchanged. Run: python3 crds/gen_crds.py
"""
import os
import sys

import yaml

# --- schema building blocks ----------------------------------------------------------------


def S(**kw):
    return {"type": "string", **kw}


def B(**kw):
    return {"type": "boolean", **kw}


def I32(**kw):
    return {"type": "integer", "format": "int32", **kw}


def U32(**kw):
    return {"type": "integer", "minimum": 0, "maximum": 4294967295, **kw}


def NUM(**kw):
    return {"type": "number", "format": "double", **kw}


def E(*values):
    return {"type": "string", "enum": list(values)}


def A(item, **kw):
    return {"type": "array", "items": item, **kw}


def M(value, **kw):
    """A map with string keys."""
    return {"type": "object", "additionalProperties": value, **kw}


def O(props, required=None, **kw):
    out = {"type": "object", "properties": props}
    if required:
        out["required"] = list(required)
    out.update(kw)
    return out


def STRS():
    return A(S())


# protobuf Duration in Istio's YAML: Go-style "1s", "100ms", "1h30m", "0.5s".
DURATION = S(pattern=r"^([0-9]+(\.[0-9]*)?(ns|us|µs|ms|s|m|h))+$")
PORT = {"type": "integer", "minimum": 1, "maximum": 65535}
PERCENT = O({"value": NUM(minimum=0, maximum=100)})
LABELS = M(S())
ANY_OBJECT = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
STRING_MATCH = O({"exact": S(), "prefix": S(), "regex": S()},
                 maxProperties=1)
HEADER_OPS = O({"set": M(S()), "add": M(S()), "remove": STRS()})
HEADERS = O({"request": HEADER_OPS, "response": HEADER_OPS})
PORT_SELECTOR = O({"number": PORT})
DESTINATION = O({"host": S(minLength=1), "subset": S(), "port": PORT_SELECTOR}, ["host"])
# type.v1beta1.WorkloadSelector (policies) and networking's WorkloadSelector (labels).
MATCH_LABELS_SELECTOR = O({"matchLabels": M(S(maxLength=63), maxProperties=4096)})
LABELS_SELECTOR = O({"labels": M(S(maxLength=63), maxProperties=256)})
TARGET_REF = O({
    "group": S(maxLength=253), "kind": S(minLength=1, maxLength=63),
    "name": S(minLength=1, maxLength=253), "namespace": S(),
}, ["kind", "name"])
POLICY_TARGETING = {"selector": MATCH_LABELS_SELECTOR, "targetRef": TARGET_REF,
                    "targetRefs": A(TARGET_REF, maxItems=16)}
WORKLOAD_MODE = E("UNDEFINED", "CLIENT", "SERVER", "CLIENT_AND_SERVER")
PROVIDER_REF = O({"name": S(minLength=1)}, ["name"])

# --- networking.istio.io --------------------------------------------------------------------

TLS_VERSION = E("TLS_AUTO", "TLSV1_0", "TLSV1_1", "TLSV1_2", "TLSV1_3")
SERVER_TLS = O({
    "httpsRedirect": B(),
    "mode": E("PASSTHROUGH", "SIMPLE", "MUTUAL", "AUTO_PASSTHROUGH", "ISTIO_MUTUAL",
              "OPTIONAL_MUTUAL"),
    "serverCertificate": S(), "privateKey": S(), "caCertificates": S(), "caCrl": S(),
    "credentialName": S(), "credentialNames": A(S(), maxItems=2),
    "tlsCertificates": A(O({"serverCertificate": S(), "privateKey": S(),
                            "caCertificates": S()}), maxItems=2),
    "subjectAltNames": STRS(), "verifyCertificateSpki": STRS(), "verifyCertificateHash": STRS(),
    "minProtocolVersion": TLS_VERSION, "maxProtocolVersion": TLS_VERSION,
    "cipherSuites": STRS(),
})
CLIENT_TLS = O({
    "mode": E("DISABLE", "SIMPLE", "MUTUAL", "ISTIO_MUTUAL"),
    "clientCertificate": S(), "privateKey": S(), "caCertificates": S(), "credentialName": S(),
    "subjectAltNames": STRS(), "sni": S(), "insecureSkipVerify": B(nullable=True),
    "caCrl": S(),
})
CONNECTION_POOL = O({
    "tcp": O({
        "maxConnections": I32(), "connectTimeout": DURATION,
        "tcpKeepalive": O({"probes": U32(), "time": DURATION, "interval": DURATION}),
        "maxConnectionDuration": DURATION, "idleTimeout": DURATION,
    }),
    "http": O({
        "http1MaxPendingRequests": I32(), "http2MaxRequests": I32(),
        "maxRequestsPerConnection": I32(), "maxRetries": I32(), "idleTimeout": DURATION,
        "h2UpgradePolicy": E("DEFAULT", "DO_NOT_UPGRADE", "UPGRADE"),
        "useClientProtocol": B(), "maxConcurrentStreams": I32(),
    }),
})
LOCALITY_LB = O({
    "distribute": A(O({"from": S(), "to": M({"type": "integer"})})),
    "failover": A(O({"from": S(), "to": S()})),
    "failoverPriority": STRS(),
    "enabled": B(nullable=True),
})
LOAD_BALANCER = O({
    "simple": E("UNSPECIFIED", "LEAST_CONN", "RANDOM", "PASSTHROUGH", "ROUND_ROBIN",
                "LEAST_REQUEST"),
    "consistentHash": O({
        "httpHeaderName": S(),
        "httpCookie": O({"name": S(), "path": S(), "ttl": DURATION,
                         "attributes": A(O({"name": S(), "value": S()}, ["name"]))},
                        ["name"]),
        "useSourceIp": B(), "httpQueryParameterName": S(),
        "ringHash": O({"minimumRingSize": {"type": "integer", "minimum": 0}}),
        "maglev": O({"tableSize": {"type": "integer", "minimum": 0}}),
        "minimumRingSize": {"type": "integer", "minimum": 0},
    }),
    "localityLbSetting": LOCALITY_LB,
    "warmupDurationSecs": DURATION,
    "warmup": O({"duration": DURATION, "minimumPercent": NUM(nullable=True, minimum=0,
                                                              maximum=100),
                 "aggression": NUM(nullable=True, minimum=1)}, ["duration"]),
})
OUTLIER_DETECTION = O({
    "splitExternalLocalOriginErrors": B(),
    "consecutiveLocalOriginFailures": I32(nullable=True),
    "consecutiveGatewayErrors": {"type": "integer", "minimum": 0, "nullable": True},
    "consecutive5xxErrors": {"type": "integer", "minimum": 0, "nullable": True},
    "interval": DURATION, "baseEjectionTime": DURATION,
    "maxEjectionPercent": I32(), "minHealthPercent": I32(), "consecutiveErrors": I32(),
})
POLICY_PARTS = {"loadBalancer": LOAD_BALANCER, "connectionPool": CONNECTION_POOL,
                "outlierDetection": OUTLIER_DETECTION, "tls": CLIENT_TLS}
TRAFFIC_POLICY = O({
    **POLICY_PARTS,
    "portLevelSettings": A(O({"port": PORT_SELECTOR, **POLICY_PARTS}), maxItems=4096),
    "tunnel": O({"protocol": S(), "targetHost": S(), "targetPort": PORT},
                ["targetHost", "targetPort"]),
    "proxyProtocol": O({"version": E("V1", "V2")}),
    "retryBudget": O({"percent": NUM(nullable=True, minimum=0, maximum=100),
                      "minRetryConcurrency": U32()}),
})
DESTINATION_RULE = O({
    "host": S(minLength=1),
    "trafficPolicy": TRAFFIC_POLICY,
    "subsets": A(O({"name": S(minLength=1), "labels": LABELS,
                    "trafficPolicy": TRAFFIC_POLICY}, ["name"])),
    "exportTo": STRS(),
    "workloadSelector": MATCH_LABELS_SELECTOR,
}, ["host"])

HTTP_MATCH = O({
    "name": S(), "uri": STRING_MATCH, "scheme": STRING_MATCH, "method": STRING_MATCH,
    "authority": STRING_MATCH, "headers": M(STRING_MATCH), "port": PORT,
    "sourceLabels": LABELS, "gateways": STRS(), "queryParams": M(STRING_MATCH),
    "ignoreUriCase": B(), "withoutHeaders": M(STRING_MATCH), "sourceNamespace": S(),
    "statPrefix": S(),
})
HTTP_ROUTE = O({
    "name": S(),
    "match": A(HTTP_MATCH),
    "route": A(O({"destination": DESTINATION, "weight": I32(minimum=0), "headers": HEADERS},
                 ["destination"])),
    "redirect": O({
        "uri": S(), "authority": S(), "port": PORT,
        "derivePort": E("FROM_PROTOCOL_DEFAULT", "FROM_REQUEST_PORT"),
        "scheme": S(), "redirectCode": {"type": "integer", "minimum": 300, "maximum": 399},
    }),
    "directResponse": O({
        "status": {"type": "integer", "minimum": 200, "maximum": 599},
        "body": O({"string": S(), "bytes": S(format="binary")}, maxProperties=1),
    }, ["status"]),
    "delegate": O({"name": S(), "namespace": S()}),
    "rewrite": O({"uri": S(), "authority": S(),
                  "uriRegexRewrite": O({"match": S(), "rewrite": S()})}),
    "timeout": DURATION,
    "retries": O({"attempts": I32(minimum=0), "perTryTimeout": DURATION, "retryOn": S(),
                  "retryRemoteLocalities": B(nullable=True),
                  "retryIgnorePreviousHosts": B(nullable=True), "backoff": DURATION}),
    "fault": O({
        "delay": O({"fixedDelay": DURATION, "exponentialDelay": DURATION,
                    "percentage": PERCENT, "percent": I32(minimum=0, maximum=100)}),
        "abort": O({"httpStatus": {"type": "integer", "minimum": 200, "maximum": 599},
                    "grpcStatus": S(), "http2Error": S(), "percentage": PERCENT}),
    }),
    "mirror": DESTINATION,
    "mirrors": A(O({"destination": DESTINATION, "percentage": PERCENT}, ["destination"])),
    "mirrorPercentage": PERCENT,
    "mirrorPercent": {"type": "integer", "minimum": 0, "maximum": 100, "nullable": True},
    "corsPolicy": O({
        "allowOrigins": A(STRING_MATCH), "allowOrigin": STRS(), "allowMethods": STRS(),
        "allowHeaders": STRS(), "exposeHeaders": STRS(), "maxAge": DURATION,
        "allowCredentials": B(nullable=True),
        "unmatchedPreflights": E("UNSPECIFIED", "FORWARD", "IGNORE"),
    }),
    "headers": HEADERS,
})
L4_ROUTE_DESTINATION = O({"destination": DESTINATION, "weight": I32(minimum=0)},
                         ["destination"])
L4_MATCH = {"destinationSubnets": STRS(), "port": PORT, "sourceLabels": LABELS,
            "gateways": STRS(), "sourceNamespace": S()}
VIRTUAL_SERVICE = O({
    "hosts": STRS(), "gateways": STRS(),
    "http": A(HTTP_ROUTE),
    "tls": A(O({"match": A(O({"sniHosts": STRS(), **L4_MATCH}, ["sniHosts"])),
                "route": A(L4_ROUTE_DESTINATION)}, ["match"])),
    "tcp": A(O({"match": A(O(L4_MATCH)), "route": A(L4_ROUTE_DESTINATION)})),
    "exportTo": STRS(),
})

SERVER_PORT = O({"number": PORT, "protocol": S(), "name": S(), "targetPort": PORT},
                ["number", "protocol", "name"])
GATEWAY = O({
    "servers": A(O({
        "port": SERVER_PORT, "bind": S(), "hosts": A(S(), minItems=1), "tls": SERVER_TLS,
        "defaultEndpoint": S(), "name": S(),
    }, ["port", "hosts"])),
    "selector": LABELS,
})

WORKLOAD_ENTRY = O({
    "address": S(maxLength=256), "ports": M(PORT), "labels": LABELS, "network": S(),
    "locality": S(), "weight": U32(), "serviceAccount": S(),
})
SERVICE_ENTRY = O({
    "hosts": A(S(), minItems=1), "addresses": STRS(),
    "ports": A(O({"number": PORT, "protocol": S(), "name": S(), "targetPort": PORT},
                 ["number", "name"])),
    "location": E("MESH_EXTERNAL", "MESH_INTERNAL"),
    "resolution": E("NONE", "STATIC", "DNS", "DNS_ROUND_ROBIN"),
    "endpoints": A(WORKLOAD_ENTRY),
    "workloadSelector": LABELS_SELECTOR,
    "exportTo": STRS(), "subjectAltNames": STRS(),
}, ["hosts"])

PROBE_PORT = PORT
WORKLOAD_GROUP = O({
    "metadata": O({"labels": LABELS, "annotations": M(S())}),
    "template": WORKLOAD_ENTRY,
    "probe": O({
        "initialDelaySeconds": I32(minimum=0), "timeoutSeconds": I32(minimum=0),
        "periodSeconds": I32(minimum=0), "successThreshold": I32(minimum=0),
        "failureThreshold": I32(minimum=0),
        "httpGet": O({"path": S(), "port": PROBE_PORT, "host": S(), "scheme": S(),
                      "httpHeaders": A(O({"name": S(), "value": S()}))}, ["port"]),
        "tcpSocket": O({"host": S(), "port": PROBE_PORT}, ["port"]),
        "exec": O({"command": A(S(), minItems=1)}, ["command"]),
        "grpc": O({"port": PROBE_PORT, "service": S(nullable=True)}),
    }),
}, ["template"])

SIDECAR_PORT = O({"number": PORT, "protocol": S(), "name": S(), "targetPort": PORT})
CAPTURE_MODE = E("DEFAULT", "IPTABLES", "NONE")
SIDECAR = O({
    "workloadSelector": LABELS_SELECTOR,
    "ingress": A(O({"port": SIDECAR_PORT, "bind": S(), "captureMode": CAPTURE_MODE,
                    "defaultEndpoint": S(), "tls": SERVER_TLS,
                    "connectionPool": CONNECTION_POOL}, ["port"])),
    "egress": A(O({"port": SIDECAR_PORT, "bind": S(), "captureMode": CAPTURE_MODE,
                   "hosts": A(S(), minItems=1)}, ["hosts"])),
    "outboundTrafficPolicy": O({"mode": E("REGISTRY_ONLY", "ALLOW_ANY"),
                                "egressProxy": DESTINATION}),
    "inboundConnectionPool": CONNECTION_POOL,
})

# --- security.istio.io ----------------------------------------------------------------------

MTLS_MODE = E("UNSET", "DISABLE", "PERMISSIVE", "STRICT")
PEER_AUTHENTICATION = O({
    "selector": MATCH_LABELS_SELECTOR,
    "mtls": O({"mode": MTLS_MODE}),
    "portLevelMtls": M(O({"mode": MTLS_MODE}), minProperties=1),
})
JWT_RULE = O({
    "issuer": S(minLength=1), "audiences": A(S(minLength=1)), "jwksUri": S(maxLength=2048),
    "jwks": S(), "fromHeaders": A(O({"name": S(minLength=1), "prefix": S()}, ["name"])),
    "fromParams": A(S(minLength=1)), "fromCookies": A(S(minLength=1)),
    "outputPayloadToHeader": S(), "forwardOriginalToken": B(),
    "outputClaimToHeaders": A(O({"header": S(minLength=1), "claim": S(minLength=1)})),
    "timeout": DURATION,
}, ["issuer"])
REQUEST_AUTHENTICATION = O({**POLICY_TARGETING, "jwtRules": A(JWT_RULE, maxItems=4096)})
SOURCE_FIELDS = ("principals", "notPrincipals", "requestPrincipals", "notRequestPrincipals",
                 "namespaces", "notNamespaces", "ipBlocks", "notIpBlocks", "remoteIpBlocks",
                 "notRemoteIpBlocks", "serviceAccounts", "notServiceAccounts")
OPERATION_FIELDS = ("hosts", "notHosts", "ports", "notPorts", "methods", "notMethods",
                    "paths", "notPaths")
AUTHORIZATION_POLICY = O({
    **POLICY_TARGETING,
    "rules": A(O({
        "from": A(O({"source": O({f: STRS() for f in SOURCE_FIELDS})})),
        "to": A(O({"operation": O({f: STRS() for f in OPERATION_FIELDS})})),
        "when": A(O({"key": S(minLength=1), "values": STRS(), "notValues": STRS()},
                    ["key"])),
    }), maxItems=512),
    "action": E("ALLOW", "DENY", "AUDIT", "CUSTOM"),
    "provider": O({"name": S()}),
})

# --- telemetry.istio.io, extensions.istio.io ----------------------------------------------

TELEMETRY_METRICS = E("ALL_METRICS", "REQUEST_COUNT", "REQUEST_DURATION", "REQUEST_SIZE",
                      "RESPONSE_SIZE", "TCP_OPENED_CONNECTIONS", "TCP_CLOSED_CONNECTIONS",
                      "TCP_SENT_BYTES", "TCP_RECEIVED_BYTES", "GRPC_REQUEST_MESSAGES",
                      "GRPC_RESPONSE_MESSAGES")
TELEMETRY = O({
    **POLICY_TARGETING,
    "tracing": A(O({
        "match": O({"mode": WORKLOAD_MODE}),
        "providers": A(PROVIDER_REF),
        "randomSamplingPercentage": NUM(nullable=True, minimum=0, maximum=100),
        "disableSpanReporting": B(nullable=True),
        "customTags": M(O({
            "literal": O({"value": S(minLength=1)}, ["value"]),
            "environment": O({"name": S(minLength=1), "defaultValue": S()}, ["name"]),
            "header": O({"name": S(minLength=1), "defaultValue": S()}, ["name"]),
        }, maxProperties=1)),
        "useRequestIdForTraceSampling": B(nullable=True),
        "enableIstioTags": B(nullable=True),
    })),
    "metrics": A(O({
        "providers": A(PROVIDER_REF),
        "overrides": A(O({
            "match": O({"metric": TELEMETRY_METRICS, "customMetric": S(), "mode": WORKLOAD_MODE}),
            "disabled": B(nullable=True),
            "tagOverrides": M(O({"operation": E("UPSERT", "REMOVE"), "value": S()})),
        })),
        "reportingInterval": DURATION,
    })),
    "accessLogging": A(O({
        "match": O({"mode": WORKLOAD_MODE}),
        "providers": A(PROVIDER_REF),
        "disabled": B(nullable=True),
        "filter": O({"expression": S()}),
    })),
})
WASM_PLUGIN = O({
    **POLICY_TARGETING,
    "url": S(minLength=1), "sha256": S(pattern=r"(^$|^[a-f0-9]{64}$)"),
    "imagePullPolicy": E("UNSPECIFIED_POLICY", "IfNotPresent", "Always"),
    "imagePullSecret": S(minLength=1, maxLength=253),
    "pluginConfig": ANY_OBJECT,
    "pluginName": S(minLength=1, maxLength=256),
    "phase": E("UNSPECIFIED_PHASE", "AUTHN", "AUTHZ", "STATS"),
    "priority": I32(nullable=True),
    "failStrategy": E("FAIL_CLOSE", "FAIL_OPEN", "FAIL_RELOAD"),
    "vmConfig": O({"env": A(O({"name": S(minLength=1, maxLength=256),
                               "value": S(maxLength=2048),
                               "valueFrom": E("INLINE", "HOST")}, ["name"]), maxItems=256)}),
    "match": A(O({"mode": WORKLOAD_MODE, "ports": A(O({"number": PORT}, ["number"]))})),
    "type": E("UNSPECIFIED_PLUGIN_TYPE", "HTTP", "NETWORK"),
    "verificationKey": S(),
}, ["url"])

# --- the kinds ------------------------------------------------------------------------------

NETWORKING = ("networking.istio.io", ["v1alpha3", "v1beta1", "v1"], "v1alpha3")
SECURITY = ("security.istio.io", ["v1beta1", "v1"], "v1beta1")
AGE = {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp",
       "description": "CreationTimestamp is the server time when this object was created."}


def col(name, path, description, typ="string"):
    return {"name": name, "type": typ, "jsonPath": path, "description": description}


# (kind, plural, (group, versions, storage), short names, spec schema, printer columns,
#  spec required)
KINDS = [
    ("VirtualService", "virtualservices", NETWORKING, ["vs"], VIRTUAL_SERVICE,
     [col("Gateways", ".spec.gateways", "The names of gateways and sidecars that should "
          "apply these routes"),
      col("Hosts", ".spec.hosts", "The destination hosts to which traffic is being sent"),
      AGE], False),
    ("DestinationRule", "destinationrules", NETWORKING, ["dr"], DESTINATION_RULE,
     [col("Host", ".spec.host", "The name of a service from the service registry"), AGE],
     False),
    ("Gateway", "gateways", NETWORKING, ["gw"], GATEWAY, [AGE], False),
    ("ServiceEntry", "serviceentries", NETWORKING, ["se"], SERVICE_ENTRY,
     [col("Hosts", ".spec.hosts", "The hosts associated with the ServiceEntry"),
      col("Location", ".spec.location", "Whether the service is external to the mesh or "
          "part of the mesh (MESH_EXTERNAL or MESH_INTERNAL)"),
      col("Resolution", ".spec.resolution", "Service resolution mode for the hosts "
          "(NONE, STATIC, or DNS)"),
      AGE], True),
    ("WorkloadEntry", "workloadentries", NETWORKING, ["we"], WORKLOAD_ENTRY,
     [AGE, col("Address", ".spec.address", "Address associated with the network endpoint.")],
     False),
    ("WorkloadGroup", "workloadgroups", NETWORKING, ["wg"], WORKLOAD_GROUP, [AGE], False),
    ("Sidecar", "sidecars", NETWORKING, [], SIDECAR, [AGE], False),
    ("PeerAuthentication", "peerauthentications", SECURITY, ["pa"], PEER_AUTHENTICATION,
     [col("Mode", ".spec.mtls.mode", "Defines the mTLS mode used for peer authentication."),
      AGE], False),
    ("RequestAuthentication", "requestauthentications", SECURITY, ["ra"],
     REQUEST_AUTHENTICATION, [AGE], False),
    ("AuthorizationPolicy", "authorizationpolicies", SECURITY, ["ap"], AUTHORIZATION_POLICY,
     [col("Action", ".spec.action", "The operation to take."), AGE], False),
    ("Telemetry", "telemetries", ("telemetry.istio.io", ["v1alpha1", "v1"], "v1alpha1"),
     ["telemetry"], TELEMETRY, [AGE], False),
    ("WasmPlugin", "wasmplugins", ("extensions.istio.io", ["v1alpha1"], "v1alpha1"), [],
     WASM_PLUGIN, [AGE], True),
]

STATUS = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}


def crd(kind, plural, group_versions, short_names, spec, columns, spec_required):
    group, versions, storage = group_versions
    root = {"type": "object", "properties": {"spec": spec, "status": STATUS}}
    if spec_required:
        root["required"] = ["spec"]
    names = {"categories": ["istio-io", group.replace(".", "-")], "kind": kind,
             "listKind": kind + "List", "plural": plural, "singular": kind.lower()}
    if short_names:
        names["shortNames"] = short_names
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{group}",
                     "labels": {"app.kubernetes.io/part-of": "jib"}},
        "spec": {
            "group": group,
            "names": names,
            "scope": "Namespaced",
            "versions": [{
                "name": v, "served": True, "storage": v == storage,
                "additionalPrinterColumns": columns,
                "schema": {"openAPIV3Schema": root},
                "subresources": {"status": {}},
            } for v in versions],
        },
    }


class _Dumper(yaml.SafeDumper):
    """Block style, no anchors: the shared sub-schemas are written out in full each time."""

    def ignore_aliases(self, data):
        return True


def main():
    out_dir = os.path.dirname(os.path.abspath(__file__))
    written = []
    for k in KINDS:
        doc = crd(*k)
        path = os.path.join(out_dir, doc["metadata"]["name"] + ".yaml")
        with open(path, "w") as f:
            f.write("# Generated by crds/gen_crds.py from Istio's API reference. Do not edit.\n")
            yaml.dump(doc, f, Dumper=_Dumper, sort_keys=False, default_flow_style=False,
                      allow_unicode=True, width=100)
        written.append(os.path.basename(path))
    print(f"wrote {len(written)} CRDs into {out_dir}", file=sys.stderr)


if __name__ == "__main__":
    main()
