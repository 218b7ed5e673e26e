#include "mesh/api/yaml_guard.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <sstream>

namespace jib::mesh::detail {
namespace {

struct OverBudget {};

// Counts events; every event of a terminating parse consumes input, so a few per byte is
// far more than any real document needs.
class BudgetHandler : public YAML::EventHandler {
 public:
  explicit BudgetHandler(size_t budget) : budget_(budget) {}
  int line() const { return line_; }

  void OnDocumentStart(const YAML::Mark& m) override { spend(&m); }
  void OnDocumentEnd() override { spend(nullptr); }
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { spend(&m); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { spend(&m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                const std::string&) override {
    spend(&m);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    spend(&m);
  }
  void OnSequenceEnd() override { spend(nullptr); }
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    spend(&m);
  }
  void OnMapEnd() override { spend(nullptr); }

 private:
  void spend(const YAML::Mark* mark) {
    if (mark != nullptr && !mark->is_null()) line_ = mark->line + 1;
    if (++events_ > budget_) throw OverBudget{};
  }

  size_t budget_;
  size_t events_ = 0;
  int line_ = 1;
};

}  // namespace

std::optional<YamlHazard> find_yaml_hazard(std::string_view text) {
  std::istringstream in{std::string(text)};
  BudgetHandler handler(4 * text.size() + 64);
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(handler)) {
    }
  } catch (const OverBudget&) {
    return YamlHazard{
        handler.line(),
        "YAML that the parser cannot read (a stray ',' where a value or the end of the "
        "document is expected?)"};
  } catch (const std::exception&) {
    // A syntax error: LoadAll reports it with its position.
  }
  return std::nullopt;
}

}  // namespace jib::mesh::detail
