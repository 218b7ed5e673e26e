"""crds/ against a real kube-apiserver: the CRDs install, Istio-style YAML of every kind applies
unchanged (nothing pruned, every served version), and objects that break the schema are
refused by the API server itself."""
import glob
import os
import shutil
import subprocess
import sys
import textwrap

import pytest
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
CRDS = os.path.join(os.path.dirname(os.path.dirname(HERE)), "crds")
SAMPLES = sorted(glob.glob(os.path.join(HERE, "samples", "*.yaml")))

# kind -> (plural, group, served versions, storage version, short names): Istio's.
EXPECTED = {
    "VirtualService": ("virtualservices", "networking.istio.io", ["v1alpha3", "v1beta1", "v1"],
                       "v1alpha3", ["vs"]),
    "DestinationRule": ("destinationrules", "networking.istio.io",
                        ["v1alpha3", "v1beta1", "v1"], "v1alpha3", ["dr"]),
    "Gateway": ("gateways", "networking.istio.io", ["v1alpha3", "v1beta1", "v1"], "v1alpha3",
                ["gw"]),
    "ServiceEntry": ("serviceentries", "networking.istio.io", ["v1alpha3", "v1beta1", "v1"],
                     "v1alpha3", ["se"]),
    "WorkloadEntry": ("workloadentries", "networking.istio.io", ["v1alpha3", "v1beta1", "v1"],
                      "v1alpha3", ["we"]),
    "WorkloadGroup": ("workloadgroups", "networking.istio.io", ["v1alpha3", "v1beta1", "v1"],
                      "v1alpha3", ["wg"]),
    "Sidecar": ("sidecars", "networking.istio.io", ["v1alpha3", "v1beta1", "v1"], "v1alpha3",
                []),
    "PeerAuthentication": ("peerauthentications", "security.istio.io", ["v1beta1", "v1"],
                           "v1beta1", ["pa"]),
    "RequestAuthentication": ("requestauthentications", "security.istio.io",
                              ["v1beta1", "v1"], "v1beta1", ["ra"]),
    "AuthorizationPolicy": ("authorizationpolicies", "security.istio.io", ["v1beta1", "v1"],
                            "v1beta1", ["ap"]),
    "Telemetry": ("telemetries", "telemetry.istio.io", ["v1alpha1", "v1"], "v1alpha1",
                  ["telemetry"]),
    "WasmPlugin": ("wasmplugins", "extensions.istio.io", ["v1alpha1"], "v1alpha1", []),
}


def _path(api_version, plural, namespace, name=""):
    return f"/apis/{api_version}/namespaces/{namespace}/{plural}" + (f"/{name}" if name else "")


def test_crds_install_established_and_structural(kube_cluster, kube_crds):
    assert len(kube_crds) == len(EXPECTED), sorted(kube_crds)
    for kind, (plural, group, versions, storage, short) in EXPECTED.items():
        crd = kube_cluster.get(
            f"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{plural}.{group}")
        conds = {c["type"]: c for c in crd["status"]["conditions"]}
        assert conds["Established"]["status"] == "True", kind
        assert conds["NamesAccepted"]["status"] == "True", kind
        # A non-structural schema would be accepted with this condition set.
        assert "NonStructuralSchema" not in conds, conds["NonStructuralSchema"]
        spec = crd["spec"]
        assert spec["names"]["kind"] == kind
        assert spec["names"].get("shortNames", []) == short, kind
        assert "istio-io" in spec["names"]["categories"]
        assert [v["name"] for v in spec["versions"]] == versions, kind
        assert all(v["served"] for v in spec["versions"]), kind
        assert [v["name"] for v in spec["versions"] if v["storage"]] == [storage], kind
        assert crd["status"]["storedVersions"] == [storage], kind


def test_crds_reapply_unchanged(kube_cluster, kube_crds):
    out = kube_cluster.apply(CRDS).stdout
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == len(EXPECTED), out
    assert all(line.endswith(" unchanged") for line in lines), out


def test_generated_crds_match_generator(tmp_path):
    """crds/*.yaml is the output of crds/gen_crds.py (so edits go to the generator)."""
    crds = CRDS
    copy = tmp_path / "crds"
    shutil.copytree(crds, copy)
    subprocess.run([sys.executable, str(copy / "gen_crds.py")], check=True,
                   capture_output=True)
    for f in glob.glob(os.path.join(crds, "*.yaml")):
        with open(f) as a, open(copy / os.path.basename(f)) as b:
            assert a.read() == b.read(), f"{f} is stale: run python3 crds/gen_crds.py"


@pytest.mark.parametrize("sample", SAMPLES, ids=[os.path.basename(s) for s in SAMPLES])
def test_sample_applies_unchanged_in_every_version(kube_cluster, kube_crds, kube_namespace,
                                                   sample):
    """kubectl apply (strict field validation: an undeclared field would be refused), then
    every object reads back with exactly the spec that was written, at every served version:
    nothing was pruned or defaulted away."""
    kube_cluster.apply(sample, namespace=kube_namespace)
    with open(sample) as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    assert docs
    for doc in docs:
        plural, group, versions, _, _ = EXPECTED[doc["kind"]]
        for v in versions:
            got = kube_cluster.get(_path(f"{group}/{v}", plural, kube_namespace,
                                         doc["metadata"]["name"]))
            assert got["apiVersion"] == f"{group}/{v}"
            assert got.get("spec") == doc["spec"], (doc["metadata"]["name"], v)


def test_short_names_and_category_work_with_kubectl(kube_cluster, kube_crds, kube_namespace):
    for sample in SAMPLES:
        kube_cluster.apply(sample, namespace=kube_namespace)
    out = kube_cluster.kubectl("get", "vs,dr,gw,se,we,wg,pa,ra,ap,telemetry", "-n",
                               kube_namespace, "-o", "name").stdout.split()
    assert "virtualservice.networking.istio.io/reviews-route" in out
    assert "authorizationpolicy.security.istio.io/allow-nothing" in out
    everything = kube_cluster.kubectl("get", "istio-io", "-n", kube_namespace, "-o",
                                      "name").stdout.split()
    want = sum(len([d for d in yaml.safe_load_all(open(s)) if d]) for s in SAMPLES)
    assert len(everything) == want, everything
    cols = kube_cluster.kubectl("get", "vs", "reviews-route", "-n", kube_namespace).stdout
    assert "reviews.prod.svc.cluster.local" in cols  # the Hosts printer column


# Each case: (id, YAML, a fragment of the API server's refusal). Every kind has at least one.
INVALID = [
    ("vs-hosts-not-list", """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: bad}
        spec:
          hosts: reviews
        """, "spec.hosts: Invalid value"),
    ("vs-destination-without-host", """
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata: {name: bad}
        spec:
          hosts: [reviews]
          http:
          - route:
            - destination: {subset: v1}
        """, "spec.http[0].route[0].destination.host: Required value"),
    ("vs-weight-not-integer", """
        apiVersion: networking.istio.io/v1alpha3
        kind: VirtualService
        metadata: {name: bad}
        spec:
          hosts: [reviews]
          http:
          - route:
            - destination: {host: reviews}
              weight: heavy
        """, "spec.http[0].route[0].weight"),
    ("vs-timeout-not-duration", """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: bad}
        spec:
          hosts: [reviews]
          http:
          - timeout: 10 seconds
            route:
            - destination: {host: reviews}
        """, "spec.http[0].timeout"),
    ("vs-unknown-field", """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: bad}
        spec:
          hosts: [reviews]
          http:
          - rout:
            - destination: {host: reviews}
        """, 'unknown field "spec.http[0].rout"'),
    ("dr-without-host", """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: bad}
        spec:
          subsets: [{name: v1, labels: {version: v1}}]
        """, "spec.host: Required value"),
    ("dr-unknown-lb", """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: bad}
        spec:
          host: reviews
          trafficPolicy: {loadBalancer: {simple: FASTEST}}
        """, 'Unsupported value: "FASTEST"'),
    ("dr-subset-without-name", """
        apiVersion: networking.istio.io/v1beta1
        kind: DestinationRule
        metadata: {name: bad}
        spec:
          host: reviews
          subsets: [{labels: {version: v1}}]
        """, "spec.subsets[0].name: Required value"),
    ("gw-port-out-of-range", """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: bad}
        spec:
          servers:
          - port: {number: 70000, name: http, protocol: HTTP}
            hosts: ["*"]
        """, "should be less than or equal to 65535"),
    ("gw-server-without-hosts", """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: bad}
        spec:
          servers:
          - port: {number: 80, name: http, protocol: HTTP}
        """, "spec.servers[0].hosts: Required value"),
    ("se-unknown-resolution", """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: bad}
        spec:
          hosts: [api.example.com]
          resolution: MAGIC
        """, 'Unsupported value: "MAGIC"'),
    ("se-without-spec", """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: bad}
        """, "spec: Required value"),
    ("se-without-hosts", """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: bad}
        spec:
          ports: [{number: 443, name: https, protocol: TLS}]
        """, "spec.hosts: Required value"),
    ("we-negative-weight", """
        apiVersion: networking.istio.io/v1
        kind: WorkloadEntry
        metadata: {name: bad}
        spec:
          address: 10.0.0.1
          weight: -1
        """, "spec.weight: Invalid value"),
    ("wg-without-template", """
        apiVersion: networking.istio.io/v1
        kind: WorkloadGroup
        metadata: {name: bad}
        spec:
          metadata: {labels: {app: x}}
        """, "spec.template: Required value"),
    ("sidecar-egress-without-hosts", """
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: bad}
        spec:
          egress:
          - captureMode: NONE
        """, "spec.egress[0].hosts: Required value"),
    ("sidecar-bad-outbound-mode", """
        apiVersion: networking.istio.io/v1alpha3
        kind: Sidecar
        metadata: {name: bad}
        spec:
          outboundTrafficPolicy: {mode: OPEN}
        """, 'Unsupported value: "OPEN"'),
    ("pa-unknown-mode", """
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: bad}
        spec:
          mtls: {mode: SOMETIMES}
        """, 'Unsupported value: "SOMETIMES"'),
    ("ra-rule-without-issuer", """
        apiVersion: security.istio.io/v1
        kind: RequestAuthentication
        metadata: {name: bad}
        spec:
          jwtRules:
          - jwksUri: https://example.com/jwks.json
        """, "spec.jwtRules[0].issuer: Required value"),
    ("ap-unknown-action", """
        apiVersion: security.istio.io/v1beta1
        kind: AuthorizationPolicy
        metadata: {name: bad}
        spec:
          action: PERMIT
        """, 'Unsupported value: "PERMIT"'),
    ("ap-condition-without-key", """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: bad}
        spec:
          rules:
          - when:
            - values: ["x"]
        """, "spec.rules[0].when[0].key: Required value"),
    ("telemetry-sampling-over-100", """
        apiVersion: telemetry.istio.io/v1
        kind: Telemetry
        metadata: {name: bad}
        spec:
          tracing:
          - randomSamplingPercentage: 150
        """, "should be less than or equal to 100"),
    ("wasm-without-url", """
        apiVersion: extensions.istio.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: bad}
        spec:
          phase: AUTHN
        """, "spec.url: Required value"),
    ("wasm-bad-sha256", """
        apiVersion: extensions.istio.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: bad}
        spec:
          url: oci://registry/plugin:1
          sha256: not-a-digest
        """, "spec.sha256"),
]


@pytest.mark.parametrize("case", INVALID, ids=[c[0] for c in INVALID])
def test_schema_violations_are_refused(kube_cluster, kube_crds, kube_namespace, case):
    _, manifest, fragment = case
    p = kube_cluster.apply(textwrap.dedent(manifest), namespace=kube_namespace, check=False)
    assert p.returncode != 0, f"accepted: {p.stdout}"
    assert fragment in p.stderr, p.stderr
    doc = yaml.safe_load(textwrap.dedent(manifest))
    plural, group, _, _, _ = EXPECTED[doc["kind"]]
    version = doc["apiVersion"].split("/")[1]
    assert not kube_cluster.exists(_path(f"{group}/{version}", plural, kube_namespace, "bad"))


def test_schema_violation_refused_over_plain_rest(kube_cluster, kube_crds, kube_namespace):
    """The refusal comes from the API server, not from kubectl: a plain POST gets 422."""
    body = {"apiVersion": "networking.istio.io/v1", "kind": "DestinationRule",
            "metadata": {"name": "bad"}, "spec": {"trafficPolicy": {"tls": {"mode": "MAYBE"}}}}
    r = kube_cluster.api("POST", _path("networking.istio.io/v1", "destinationrules",
                                       kube_namespace), body, expect=None)
    assert r.status_code == 422, r.text
    causes = {c["field"] for c in r.json()["details"]["causes"]}
    assert {"spec.host", "spec.trafficPolicy.tls.mode"} <= causes, causes
