#include "mesh/api/wasm_plugin.h"

#include <gtest/gtest.h>

#include "test/unit/mesh/api/policy_test_util.h"

namespace jib::mesh {
namespace {

using testing::expect_invalid;
using testing::InvalidCase;
using testing::parse_valid;

constexpr const char* kSha = "a9b2f5c4e3d1a9b2f5c4e3d1a9b2f5c4e3d1a9b2f5c4e3d1a9b2f5c4e3d1a9b2";

// Every field of the reference docs' WasmPlugin except targetRef(s), which exclude selector.
constexpr const char* kFullYaml = R"(apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata:
  name: openid-connect
  namespace: istio-ingress
spec:
  selector:
    matchLabels:
      istio: ingressgateway
  url: oci://private-registry:5000/openid-connect/openid:latest
  sha256: a9b2f5c4e3d1a9b2f5c4e3d1a9b2f5c4e3d1a9b2f5c4e3d1a9b2f5c4e3d1a9b2
  imagePullPolicy: IfNotPresent
  imagePullSecret: private-registry-pull-secret
  verificationKey: cosign.pub
  pluginName: openid-connect-filter
  phase: AUTHN
  priority: 10
  failStrategy: FAIL_OPEN
  type: HTTP
  pluginConfig:
    openid_server: authn
    openid_realm: ingress
    max_age: 300
    ratio: 0.5
    enabled: true
    empty: null
    quoted_number: "42"
    nested:
      list: [1, "two", {three: 3}]
  vmConfig:
    env:
    - name: POD_NAME
      valueFrom: HOST
    - name: TRUST_DOMAIN
      value: cluster.local
      valueFrom: INLINE
  match:
  - mode: SERVER
    ports:
    - number: 80
    - number: 8080
  - mode: CLIENT_AND_SERVER
)";

constexpr const char* kFullJson = R"({"apiVersion": "extensions.istio.io/v1alpha1",
"kind": "WasmPlugin",
"metadata": {"name": "openid-connect", "namespace": "istio-ingress"},
"spec": {
  "selector": {"matchLabels": {"istio": "ingressgateway"}},
  "url": "oci://private-registry:5000/openid-connect/openid:latest",
  "sha256": "a9b2f5c4e3d1a9b2f5c4e3d1a9b2f5c4e3d1a9b2f5c4e3d1a9b2f5c4e3d1a9b2",
  "imagePullPolicy": "IfNotPresent",
  "imagePullSecret": "private-registry-pull-secret",
  "verificationKey": "cosign.pub",
  "pluginName": "openid-connect-filter",
  "phase": "AUTHN",
  "priority": 10,
  "failStrategy": "FAIL_OPEN",
  "type": "HTTP",
  "pluginConfig": {"openid_server": "authn", "openid_realm": "ingress", "max_age": 300,
                   "ratio": 0.5, "enabled": true, "empty": null, "quoted_number": "42",
                   "nested": {"list": [1, "two", {"three": 3}]}},
  "vmConfig": {"env": [{"name": "POD_NAME", "valueFrom": "HOST"},
                       {"name": "TRUST_DOMAIN", "value": "cluster.local", "valueFrom": "INLINE"}]},
  "match": [{"mode": "SERVER", "ports": [{"number": 80}, {"number": 8080}]},
            {"mode": "CLIENT_AND_SERVER"}]
}})";

TEST(WasmPlugin, EveryDocumentedFieldParses) {
  auto wp = parse_valid<WasmPlugin>(kFullYaml);
  EXPECT_EQ(wp.scope.selector->match_labels.at("istio"), "ingressgateway");
  EXPECT_EQ(wp.url, "oci://private-registry:5000/openid-connect/openid:latest");
  EXPECT_EQ(wp.sha256, kSha);
  EXPECT_EQ(wp.image_pull_policy, WasmPlugin::PullPolicy::kIfNotPresent);
  EXPECT_EQ(wp.image_pull_secret, "private-registry-pull-secret");
  EXPECT_EQ(wp.verification_key, "cosign.pub");
  EXPECT_EQ(wp.plugin_name, "openid-connect-filter");
  EXPECT_EQ(wp.phase, WasmPlugin::Phase::kAuthn);
  EXPECT_EQ(wp.priority, 10);
  EXPECT_EQ(wp.fail_strategy, WasmPlugin::FailStrategy::kFailOpen);
  EXPECT_EQ(wp.type, WasmPlugin::Type::kHttp);
  // Plain YAML scalars take their JSON types; quoted ones stay strings.
  EXPECT_EQ(wp.plugin_config["max_age"], 300);
  EXPECT_EQ(wp.plugin_config["ratio"], 0.5);
  EXPECT_EQ(wp.plugin_config["enabled"], true);
  EXPECT_TRUE(wp.plugin_config["empty"].is_null());
  EXPECT_EQ(wp.plugin_config["quoted_number"], "42");
  EXPECT_EQ(wp.plugin_config["nested"]["list"][2]["three"], 3);
  ASSERT_TRUE(wp.vm_config.has_value());
  ASSERT_EQ(wp.vm_config->env.size(), 2u);
  EXPECT_EQ(wp.vm_config->env[0].value_from, WasmEnvVar::ValueSource::kHost);
  EXPECT_EQ(wp.vm_config->env[1],
            (WasmEnvVar{"TRUST_DOMAIN", WasmEnvVar::ValueSource::kInline, "cluster.local"}));
  ASSERT_EQ(wp.match.size(), 2u);
  EXPECT_EQ(wp.match[0].mode, WasmTrafficSelector::Mode::kServer);
  ASSERT_EQ(wp.match[0].ports.size(), 2u);
  EXPECT_EQ(wp.match[0].ports[1].number, 8080u);
  EXPECT_EQ(wp.match[1].mode, WasmTrafficSelector::Mode::kClientAndServer);
}

TEST(WasmPlugin, JsonAndYamlGiveEqualValues) {
  EXPECT_EQ(parse_valid<WasmPlugin>(kFullYaml), parse_valid<WasmPlugin>(kFullJson, "fixture.json"));
}

TEST(WasmPlugin, UrlFormsIstioAccepts) {
  for (const char* url : {"file:///opt/filters/openid.wasm", "https://example.com/f.wasm",
                          "http://example.com/f.wasm", "ghcr.io/org/filter:1.0"}) {
    SCOPED_TRACE(url);
    auto wp = parse_valid<WasmPlugin>(std::string("apiVersion: extensions.istio.io/v1alpha1\n"
                                                  "kind: WasmPlugin\nmetadata: {name: w}\n"
                                                  "spec:\n  targetRefs:\n  - {kind: Gateway, "
                                                  "group: gateway.networking.k8s.io, name: gw}\n"
                                                  "  url: ") +
                                      url + "\n  failStrategy: FAIL_RELOAD\n  type: NETWORK\n");
    EXPECT_EQ(wp.url, url);
    EXPECT_EQ(wp.fail_strategy, WasmPlugin::FailStrategy::kFailReload);
  }
}

std::string wp(const std::string& spec) {
  return testing::object_yaml("extensions.istio.io/v1alpha1", "WasmPlugin", "wp", "foo", spec);
}

const InvalidCase kCases[] = {
    {"missing url", wp("spec:\n  phase: AUTHN\n"), "spec.url", "required"},
    {"unsupported scheme", wp("spec:\n  url: ftp://example.com/f.wasm\n"), "spec.url",
     "scheme \"ftp\" is not supported (expected oci, file, http or https)"},
    {"nothing after scheme", wp("spec:\n  url: \"oci://\"\n"), "spec.url",
     "has nothing after the scheme"},
    {"sha256 too short", wp("spec:\n  url: oci://r/f\n  sha256: abc123\n"), "spec.sha256",
     "is not 64 lower-case hexadecimal digits"},
    {"sha256 upper case",
     wp("spec:\n  url: oci://r/f\n  sha256: "
        "A9B2F5C4E3D1A9B2F5C4E3D1A9B2F5C4E3D1A9B2F5C4E3D1A9B2F5C4E3D1A9B2\n"),
     "spec.sha256", "is not 64 lower-case hexadecimal digits"},
    {"unknown phase", wp("spec:\n  url: oci://r/f\n  phase: ROUTING\n"), "spec.phase",
     "unknown value \"ROUTING\" (expected one of UNSPECIFIED_PHASE, AUTHN, AUTHZ, STATS)"},
    {"unknown pull policy", wp("spec:\n  url: oci://r/f\n  imagePullPolicy: Never\n"),
     "spec.imagePullPolicy", "unknown value \"Never\""},
    {"priority not a number", wp("spec:\n  url: oci://r/f\n  priority: high\n"), "spec.priority",
     "expected an integer"},
    {"pluginConfig not an object", wp("spec:\n  url: oci://r/f\n  pluginConfig: [1, 2]\n"),
     "spec.pluginConfig", "expected an object"},
    {"env value with HOST",
     wp("spec:\n  url: oci://r/f\n  vmConfig:\n    env:\n    - {name: A, valueFrom: HOST, "
        "value: x}\n"),
     "spec.vmConfig.env[0].value", "only allowed when valueFrom is INLINE"},
    {"env without name", wp("spec:\n  url: oci://r/f\n  vmConfig:\n    env:\n    - {value: x}\n"),
     "spec.vmConfig.env[0].name", "required"},
    {"duplicate env",
     wp("spec:\n  url: oci://r/f\n  vmConfig:\n    env:\n    - {name: A, value: x}\n    - "
        "{name: A, value: y}\n"),
     "spec.vmConfig.env[1].name", "duplicate variable \"A\""},
    {"match port 0", wp("spec:\n  url: oci://r/f\n  match:\n  - ports: [{number: 0}]\n"),
     "spec.match[0].ports[0].number", "must be between 1 and 65535"},
    {"unknown match mode", wp("spec:\n  url: oci://r/f\n  match:\n  - mode: INBOUND\n"),
     "spec.match[0].mode", "unknown value \"INBOUND\""},
    {"selector and targetRef",
     wp("spec:\n  url: oci://r/f\n  selector: {matchLabels: {app: a}}\n  targetRef: {kind: "
        "Gateway, group: gateway.networking.k8s.io, name: gw}\n"),
     "spec.selector", "only one of selector, targetRef and targetRefs"},
};

TEST(WasmPlugin, InvalidObjectsFailWithPathAndReason) {
  for (const auto& c : kCases) expect_invalid(c);
}

}  // namespace
}  // namespace jib::mesh
