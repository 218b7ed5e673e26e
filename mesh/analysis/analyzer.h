// Cross-object analysis, after Istio's `istioctl analyze`: each Analyzer looks at all objects of a
// store state at once and reports findings that no single-object validation can see (a route to
// a host nobody defines, a subset that selects no pod). Used by `jibctl analyze`; jibd can run
// the same analyzers on each new state.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mesh/analysis/context.h"
#include "mesh/analysis/finding.h"

namespace jib::mesh::analysis {

class Analyzer {
 public:
  virtual ~Analyzer() = default;
  // A short stable name, e.g. "virtualservice.destinationhost".
  virtual std::string_view name() const = 0;
  // Appends what it finds; never throws, never modifies the context.
  virtual void analyze(const Context& context, std::vector<Finding>& out) const = 0;
};
using AnalyzerPtr = std::unique_ptr<Analyzer>;

}  // namespace jib::mesh::analysis
