#include "mesh/api/yaml_guard.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <sstream>
#include <unordered_map>
#include <vector>

namespace jib::mesh::detail {
namespace {

struct Refused {
  std::string message;
};

// Counts events against a budget (every event of a terminating parse consumes input, so a few
// per byte is far more than any real document needs), and nodes as a walk of the loaded document
// would meet them: an alias counts as the whole subtree of its anchor.
class GuardHandler : public YAML::EventHandler {
 public:
  GuardHandler(size_t event_budget, const YamlLimits& limits)
      : event_budget_(event_budget), limits_(limits) {}
  int line() const { return line_; }

  void OnDocumentStart(const YAML::Mark& m) override { event(&m); }
  void OnDocumentEnd() override { event(nullptr); }
  void OnNull(const YAML::Mark& m, YAML::anchor_t anchor) override { leaf(m, anchor); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t anchor) override {
    event(&m);
    auto it = subtree_nodes_.find(anchor);
    add_nodes(it == subtree_nodes_.end() ? 1 : it->second);
  }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t anchor,
                const std::string&) override {
    leaf(m, anchor);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(m, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(m, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Open {
    YAML::anchor_t anchor;
    size_t nodes_before;
  };

  void event(const YAML::Mark* mark) {
    if (mark != nullptr && !mark->is_null()) line_ = mark->line + 1;
    if (++events_ > event_budget_) {
      throw Refused{
          "YAML that the parser cannot read (a stray ',' where a value or the end of the "
          "document is expected?)"};
    }
  }
  void add_nodes(size_t n) {
    nodes_ += n;
    if (nodes_ > limits_.max_nodes) {
      throw Refused{"more than " + std::to_string(limits_.max_nodes) +
                    " YAML nodes once aliases are expanded (an alias bomb?)"};
    }
  }
  void leaf(const YAML::Mark& m, YAML::anchor_t anchor) {
    event(&m);
    add_nodes(1);
    if (anchor != YAML::NullAnchor) subtree_nodes_[anchor] = 1;
  }
  void open(const YAML::Mark& m, YAML::anchor_t anchor) {
    event(&m);
    add_nodes(1);
    if (open_.size() >= limits_.max_depth) {
      throw Refused{"YAML nested deeper than " + std::to_string(limits_.max_depth) + " levels"};
    }
    open_.push_back({anchor, nodes_ - 1});
  }
  void close() {
    event(nullptr);
    if (open_.empty()) return;
    const Open done = open_.back();
    open_.pop_back();
    if (done.anchor != YAML::NullAnchor) subtree_nodes_[done.anchor] = nodes_ - done.nodes_before;
  }

  size_t event_budget_;
  YamlLimits limits_;
  size_t events_ = 0;
  size_t nodes_ = 0;
  int line_ = 1;
  std::vector<Open> open_;
  std::unordered_map<YAML::anchor_t, size_t> subtree_nodes_;
};

}  // namespace

std::optional<YamlHazard> find_yaml_hazard(std::string_view text, const YamlLimits& limits) {
  std::istringstream in{std::string(text)};
  GuardHandler handler(4 * text.size() + 64, limits);
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(handler)) {
    }
  } catch (const Refused& refused) {
    return YamlHazard{handler.line(), refused.message};
  } catch (const std::exception&) {
    // A syntax error: LoadAll reports it with its position.
  }
  return std::nullopt;
}

}  // namespace jib::mesh::detail
