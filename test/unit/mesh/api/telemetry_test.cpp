#include "mesh/api/telemetry.h"

#include <gtest/gtest.h>

#include <chrono>

#include "test/unit/mesh/api/policy_test_util.h"

namespace jib::mesh {
namespace {

using testing::expect_invalid;
using testing::InvalidCase;
using testing::parse_valid;
using Mode = TelemetryWorkloadMode;
using Metric = MetricSelector::IstioMetric;

// Every field of the reference docs' Telemetry except targetRef(s), which exclude selector.
constexpr const char* kFullYaml = R"(apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata:
  name: mesh-default
  namespace: istio-system
spec:
  selector:
    matchLabels:
      app: reviews
  tracing:
  - match:
      mode: SERVER
    providers:
    - name: zipkin
    randomSamplingPercentage: 10.5
    disableSpanReporting: false
    useRequestIdForTraceSampling: true
    enableIstioTags: true
    customTags:
      my_tag_header:
        header:
          name: x-header
          defaultValue: unknown
      my_tag_env:
        environment:
          name: POD_NAME
          defaultValue: none
      my_tag_literal:
        literal:
          value: static
  metrics:
  - providers:
    - name: prometheus
    reportingInterval: 15s
    overrides:
    - match:
        metric: REQUEST_COUNT
        mode: CLIENT
      disabled: false
      tagOverrides:
        request_host:
          operation: UPSERT
          value: request.host
        response_code:
          operation: REMOVE
    - match:
        customMetric: my_custom_total
      disabled: true
  accessLogging:
  - match:
      mode: CLIENT_AND_SERVER
    providers:
    - name: envoy
    disabled: false
    filter:
      expression: response.code >= 400
)";

constexpr const char* kFullJson = R"({"apiVersion": "telemetry.istio.io/v1", "kind": "Telemetry",
"metadata": {"name": "mesh-default", "namespace": "istio-system"},
"spec": {
  "selector": {"matchLabels": {"app": "reviews"}},
  "tracing": [{
    "match": {"mode": "SERVER"},
    "providers": [{"name": "zipkin"}],
    "randomSamplingPercentage": 10.5,
    "disableSpanReporting": false,
    "useRequestIdForTraceSampling": true,
    "enableIstioTags": true,
    "customTags": {
      "my_tag_header": {"header": {"name": "x-header", "defaultValue": "unknown"}},
      "my_tag_env": {"environment": {"name": "POD_NAME", "defaultValue": "none"}},
      "my_tag_literal": {"literal": {"value": "static"}}}}],
  "metrics": [{
    "providers": [{"name": "prometheus"}],
    "reportingInterval": "15s",
    "overrides": [
      {"match": {"metric": "REQUEST_COUNT", "mode": "CLIENT"}, "disabled": false,
       "tagOverrides": {"request_host": {"operation": "UPSERT", "value": "request.host"},
                        "response_code": {"operation": "REMOVE"}}},
      {"match": {"customMetric": "my_custom_total"}, "disabled": true}]}],
  "accessLogging": [{
    "match": {"mode": "CLIENT_AND_SERVER"},
    "providers": [{"name": "envoy"}],
    "disabled": false,
    "filter": {"expression": "response.code >= 400"}}]
}})";

TEST(Telemetry, EveryDocumentedFieldParses) {
  auto t = parse_valid<Telemetry>(kFullYaml);
  ASSERT_EQ(t.tracing.size(), 1u);
  const Tracing& tr = t.tracing[0];
  EXPECT_EQ(tr.match->mode, Mode::kServer);
  EXPECT_EQ(tr.providers[0].name, "zipkin");
  EXPECT_EQ(tr.random_sampling_percentage, 10.5);
  EXPECT_EQ(tr.disable_span_reporting, false);
  EXPECT_EQ(tr.use_request_id_for_trace_sampling, true);
  EXPECT_EQ(tr.enable_istio_tags, true);
  ASSERT_EQ(tr.custom_tags.size(), 3u);
  EXPECT_EQ(std::get<TracingRequestHeader>(tr.custom_tags.at("my_tag_header")),
            (TracingRequestHeader{"x-header", "unknown"}));
  EXPECT_EQ(std::get<TracingEnvironment>(tr.custom_tags.at("my_tag_env")),
            (TracingEnvironment{"POD_NAME", "none"}));
  EXPECT_EQ(std::get<TracingLiteral>(tr.custom_tags.at("my_tag_literal")).value, "static");
  ASSERT_EQ(t.metrics.size(), 1u);
  const Metrics& m = t.metrics[0];
  EXPECT_EQ(m.providers[0].name, "prometheus");
  EXPECT_EQ(m.reporting_interval, std::chrono::seconds(15));
  ASSERT_EQ(m.overrides.size(), 2u);
  EXPECT_EQ(std::get<Metric>(*m.overrides[0].match->metric_match), Metric::kRequestCount);
  EXPECT_EQ(m.overrides[0].match->mode, Mode::kClient);
  EXPECT_EQ(m.overrides[0].disabled, false);
  EXPECT_EQ(m.overrides[0].tag_overrides.at("request_host").value, "request.host");
  EXPECT_EQ(m.overrides[0].tag_overrides.at("response_code").operation,
            MetricTagOverride::Operation::kRemove);
  EXPECT_EQ(std::get<MetricSelector::CustomMetric>(*m.overrides[1].match->metric_match).name,
            "my_custom_total");
  ASSERT_EQ(t.access_logging.size(), 1u);
  EXPECT_EQ(t.access_logging[0].providers[0].name, "envoy");
  EXPECT_EQ(t.access_logging[0].disabled, false);
  EXPECT_EQ(t.access_logging[0].filter->expression, "response.code >= 400");
}

TEST(Telemetry, JsonAndYamlGiveEqualValues) {
  EXPECT_EQ(parse_valid<Telemetry>(kFullYaml), parse_valid<Telemetry>(kFullJson, "t.json"));
}

TEST(Telemetry, TargetRef) {
  auto t = parse_valid<Telemetry>(R"(apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: {name: gw, namespace: foo}
spec:
  targetRef: {group: gateway.networking.k8s.io, kind: Gateway, name: gw}
  accessLogging: [{providers: [{name: envoy}]}]
)");
  EXPECT_EQ(t.scope.target_ref->kind, "Gateway");
}

std::string tel(const std::string& spec) {
  return testing::object_yaml("telemetry.istio.io/v1", "Telemetry", "t", "foo", spec);
}

const InvalidCase kCases[] = {
    {"sampling above 100", tel("spec:\n  tracing:\n  - randomSamplingPercentage: 101\n"),
     "spec.tracing[0].randomSamplingPercentage", "must be between 0 and 100"},
    {"sampling not a number", tel("spec:\n  tracing:\n  - randomSamplingPercentage: lots\n"),
     "spec.tracing[0].randomSamplingPercentage", "expected a number"},
    {"provider without name", tel("spec:\n  tracing:\n  - providers: [{}]\n"),
     "spec.tracing[0].providers[0].name", "required"},
    {"custom tag of no kind", tel("spec:\n  tracing:\n  - customTags:\n      t1: {}\n"),
     "spec.tracing[0].customTags.t1", "exactly one of literal, environment or header"},
    {"custom tag of two kinds",
     tel("spec:\n  tracing:\n  - customTags:\n      t1: {literal: {value: a}, environment: "
         "{name: B}}\n"),
     "spec.tracing[0].customTags.t1", "exactly one of literal, environment or header"},
    {"empty literal",
     tel("spec:\n  tracing:\n  - customTags:\n      t1: {literal: {value: \"\"}}\n"),
     "spec.tracing[0].customTags.t1.literal.value", "required"},
    {"header tag without name",
     tel("spec:\n  tracing:\n  - customTags:\n      t1: {header: {defaultValue: x}}\n"),
     "spec.tracing[0].customTags.t1.header.name", "required"},
    {"unknown metric",
     tel("spec:\n  metrics:\n  - overrides:\n    - match: {metric: REQUEST_BYTES}\n"),
     "spec.metrics[0].overrides[0].match.metric", "unknown value \"REQUEST_BYTES\""},
    {"metric and customMetric",
     tel("spec:\n  metrics:\n  - overrides:\n    - match: {metric: REQUEST_COUNT, customMetric: "
         "x}\n"),
     "spec.metrics[0].overrides[0].match", "only one of metric and customMetric"},
    {"bad custom metric name",
     tel("spec:\n  metrics:\n  - overrides:\n    - match: {customMetric: \"my-metric\"}\n"),
     "spec.metrics[0].overrides[0].match.customMetric", "is not a metric name"},
    {"UPSERT without value",
     tel("spec:\n  metrics:\n  - overrides:\n    - tagOverrides:\n        t: {operation: "
         "UPSERT}\n"),
     "spec.metrics[0].overrides[0].tagOverrides.t.value", "required when operation is UPSERT"},
    {"REMOVE with value",
     tel("spec:\n  metrics:\n  - overrides:\n    - tagOverrides:\n        t: {operation: REMOVE, "
         "value: x}\n"),
     "spec.metrics[0].overrides[0].tagOverrides.t.value",
     "must not be set when operation is REMOVE"},
    {"reporting interval too short", tel("spec:\n  metrics:\n  - reportingInterval: 0s\n"),
     "spec.metrics[0].reportingInterval", "at least 1ms"},
    {"unknown log mode", tel("spec:\n  accessLogging:\n  - match: {mode: BOTH}\n"),
     "spec.accessLogging[0].match.mode", "unknown value \"BOTH\""},
    {"empty filter", tel("spec:\n  accessLogging:\n  - filter: {expression: \"\"}\n"),
     "spec.accessLogging[0].filter.expression", "required when filter is set"},
    {"selector and targetRef",
     tel("spec:\n  selector: {matchLabels: {app: a}}\n  targetRef: {kind: Service, name: s}\n"),
     "spec.selector", "only one of selector, targetRef and targetRefs"},
    {"wrong api version",
     "apiVersion: telemetry.istio.io/v2\nkind: Telemetry\n"
     "metadata: {name: t, namespace: foo}\nspec: {}\n",
     "apiVersion", "unsupported apiVersion"},
};

TEST(Telemetry, InvalidObjectsFailWithPathAndReason) {
  for (const auto& c : kCases) expect_invalid(c);
}

}  // namespace
}  // namespace jib::mesh
