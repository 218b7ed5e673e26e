#include "base/metrics.h"

#include <sstream>

namespace jib::metrics {

Counter& Registry::counter(const std::string& name, const std::string& help,
                           const std::string& labels) {
  std::lock_guard lock(mutex_);
  Family& family = families_[name];
  family.type = "counter";
  family.help = help;
  Counter*& slot = family.counters[labels];
  if (!slot) slot = &counter_storage_.emplace_back();
  return *slot;
}

Gauge& Registry::gauge(const std::string& name, const std::string& help,
                       const std::string& labels) {
  std::lock_guard lock(mutex_);
  Family& family = families_[name];
  family.type = "gauge";
  family.help = help;
  Gauge*& slot = family.gauges[labels];
  if (!slot) slot = &gauge_storage_.emplace_back();
  return *slot;
}

std::string Registry::render() const {
  std::lock_guard lock(mutex_);
  std::ostringstream out;
  auto series = [&out](const std::string& name, const std::string& labels, auto value) {
    out << name;
    if (!labels.empty()) out << '{' << labels << '}';
    out << ' ' << value << '\n';
  };
  for (const auto& [name, family] : families_) {
    out << "# HELP " << name << ' ' << family.help << '\n';
    out << "# TYPE " << name << ' ' << family.type << '\n';
    for (const auto& [labels, c] : family.counters) series(name, labels, c->value());
    for (const auto& [labels, g] : family.gauges) series(name, labels, g->value());
  }
  return out.str();
}

Registry& Registry::global() {
  static Registry* registry = new Registry();
  return *registry;
}

}  // namespace jib::metrics
