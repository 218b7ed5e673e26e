#include "mesh/api/validate_policy_target.h"

namespace jib::mesh::detail {
namespace {

std::string item(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

void validate_providers(const std::vector<TelemetryProviderRef>& providers, const std::string& path,
                        Reporter& report) {
  for (size_t i = 0; i < providers.size(); ++i) {
    if (providers[i].name.empty()) report(item(path, i) + ".name", "required");
  }
}

// Prometheus metric names, which custom metrics become.
bool is_metric_name(const std::string& name) {
  if (name.empty()) return false;
  auto first = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  };
  if (!first(name.front())) return false;
  for (char c : name) {
    if (!first(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

void validate_tracing(const Tracing& t, const std::string& path, Reporter& report) {
  validate_providers(t.providers, path + ".providers", report);
  if (t.random_sampling_percentage &&
      (*t.random_sampling_percentage < 0 || *t.random_sampling_percentage > 100)) {
    report(path + ".randomSamplingPercentage", "must be between 0 and 100");
  }
  for (const auto& [name, tag] : t.custom_tags) {
    const std::string field = path + ".customTags." + name;
    if (name.empty()) report(field, "tag name must not be empty");
    if (const auto* literal = std::get_if<TracingLiteral>(&tag)) {
      if (literal->value.empty()) report(field + ".literal.value", "required");
    } else if (const auto* env = std::get_if<TracingEnvironment>(&tag)) {
      if (env->name.empty()) report(field + ".environment.name", "required");
    } else if (const auto* header = std::get_if<TracingRequestHeader>(&tag)) {
      if (header->name.empty()) {
        report(field + ".header.name", "required");
      } else if (auto reason = check_header_token(header->name); !reason.empty()) {
        report(field + ".header.name", reason);
      }
    }
  }
}

void validate_metrics(const Metrics& m, const std::string& path, Reporter& report) {
  using Op = MetricTagOverride::Operation;
  validate_providers(m.providers, path + ".providers", report);
  if (m.reporting_interval) {
    validate_duration(*m.reporting_interval, path + ".reportingInterval", report);
  }
  for (size_t i = 0; i < m.overrides.size(); ++i) {
    const auto& o = m.overrides[i];
    const std::string opath = item(path + ".overrides", i);
    if (o.match && o.match->metric_match) {
      if (const auto* custom = std::get_if<MetricSelector::CustomMetric>(&*o.match->metric_match)) {
        if (!is_metric_name(custom->name)) {
          report(opath + ".match.customMetric",
                 "\"" + custom->name + "\" is not a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)");
        }
      }
    }
    for (const auto& [name, tag] : o.tag_overrides) {
      const std::string field = opath + ".tagOverrides." + name;
      if (name.empty()) report(field, "tag name must not be empty");
      if (tag.operation == Op::kUpsert && tag.value.empty()) {
        report(field + ".value", "required when operation is UPSERT");
      }
      if (tag.operation == Op::kRemove && !tag.value.empty()) {
        report(field + ".value", "must not be set when operation is REMOVE");
      }
    }
  }
}

void validate_access_logging(const AccessLogging& a, const std::string& path, Reporter& report) {
  validate_providers(a.providers, path + ".providers", report);
  if (a.filter && a.filter->expression.empty()) {
    report(path + ".filter.expression", "required when filter is set");
  }
}

}  // namespace

void validate_telemetry(const Telemetry& t, Reporter& report) {
  validate_policy_scope(t.scope, report);
  for (size_t i = 0; i < t.tracing.size(); ++i) {
    validate_tracing(t.tracing[i], item("spec.tracing", i), report);
  }
  for (size_t i = 0; i < t.metrics.size(); ++i) {
    validate_metrics(t.metrics[i], item("spec.metrics", i), report);
  }
  for (size_t i = 0; i < t.access_logging.size(); ++i) {
    validate_access_logging(t.access_logging[i], item("spec.accessLogging", i), report);
  }
}

}  // namespace jib::mesh::detail
