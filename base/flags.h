// Command-line flags for every Jib binary: a table of flags bound to variables, parsed from
// `--name value` or `--name=value`, with the usage text generated from the same table, so
// that a flag's spelling, value syntax and help cannot drift apart between binaries.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/log.h"

namespace jib::flags {

// What a flag sets. A list takes comma-separated items; giving the flag again adds to it (the
// first time replaces the default). A custom setter returns an error message, "" when the
// value was good.
using Setter = std::function<std::string(std::string_view value)>;
using Target = std::variant<std::string*, int*, bool*, std::chrono::milliseconds*,
                            std::chrono::seconds*, std::vector<std::string>*, Setter>;

struct Flag {
  std::string name;  // without the leading "--"
  Target target;
  std::string help;
  std::string value_name = {};  // shown in the usage ("DIR"); by default from the kind
  char short_name = 0;          // "-o json" besides "--output json"; 0: none
  // Strings: the values allowed (empty: any but ""). Ints: the inclusive range.
  std::vector<std::string> choices = {};
  int min = 0;
  int max = 65535;
  // Durations: the unit of a bare integer, for flags that took plain numbers before.
  std::optional<std::chrono::nanoseconds> bare_unit = std::nullopt;
  // A deprecated spelling of `replaced_by` (a duration flag): takes a bare number of
  // milliseconds, warns, and is left out of the usage.
  std::string replaced_by = {};
  // Custom setters and bools: the value is optional ("--xds-plaintext").
  bool value_optional = false;
  // Usage's "(default ...)"; by default the bound variable's value when the flag is added.
  std::string default_text = {};
};

struct ParseResult {
  enum class Outcome { kOk, kHelp, kError };
  Outcome outcome = Outcome::kOk;
  std::string error;                    // for kError
  std::vector<std::string> positional;  // arguments that are not flags; all after "--"
  std::vector<std::string> warnings;    // deprecated spellings used
  bool ok() const { return outcome == Outcome::kOk; }
};

class FlagSet {
 public:
  // usage_head: the first lines of the usage ("usage: jibd --config-dir DIR [flags]" and what
  // the program does); the flags' table follows it.
  explicit FlagSet(std::string usage_head);

  FlagSet& add(Flag flag);
  // Starts a titled group of flags in the usage.
  FlagSet& section(std::string title);
  // Text after the flags' table (exit codes, examples).
  FlagSet& footer(std::string text);

  // Parses args (without the program name). --help and -h win over everything else.
  ParseResult parse(const std::vector<std::string>& args) const;
  std::string usage() const;

 private:
  struct Entry {
    std::optional<Flag> flag;  // nullopt: a section title
    std::string title;
  };
  const Flag* find(std::string_view name) const;
  const Flag* find_short(char name) const;
  std::string set(const Flag& flag, std::string_view value, bool first_time,
                  std::vector<std::string>* warnings) const;

  std::string head_;
  std::string footer_;
  std::vector<Entry> entries_;
};

// --log-level LEVEL, the same in every binary.
Flag log_level_flag(log::Level* level);

// The common ending of a parse in a main(): --help prints the usage to stdout (exit 0); an
// error prints "<program>: <error>" and the usage to stderr (exit 2); warnings are logged.
// Nullopt when the program goes on.
std::optional<int> exit_code(const ParseResult& result, const FlagSet& flags,
                             std::string_view program);

// Usage error found after parsing (a missing required flag, flags that exclude each other):
// prints it as exit_code does and returns 2.
int usage_error(const FlagSet& flags, std::string_view program, std::string_view error);

}  // namespace jib::flags
