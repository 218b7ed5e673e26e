#include "base/flags.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <type_traits>

#include "base/duration.h"
#include "base/log.h"

namespace jib::flags {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};

std::vector<std::string> split_list(std::string_view v) {
  std::vector<std::string> out;
  while (!v.empty()) {
    const size_t comma = v.find(',');
    if (const auto item = v.substr(0, comma); !item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    v.remove_prefix(comma + 1);
  }
  return out;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : std::string(separator)) + item;
  return out;
}

// Help text in lines of at most kWidth columns, the later ones indented to `indent`.
std::string wrap(const std::string& text, size_t indent) {
  constexpr size_t kWidth = 100;
  std::string out;
  size_t column = indent;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string_view word(text.data() + start, end - start);
    if (column > indent && column + 1 + word.size() > kWidth) {
      out += "\n" + std::string(indent, ' ');
      column = indent;
    } else if (column > indent) {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
    start = end + 1;
  }
  return out;
}

bool is_bool(const Flag& flag) { return std::holds_alternative<bool*>(flag.target); }
bool takes_optional_value(const Flag& flag) { return is_bool(flag) || flag.value_optional; }

std::string default_value_name(const Flag& flag) {
  if (!flag.value_name.empty()) return flag.value_name;
  return std::visit(Overloaded{[](std::string*) { return std::string("VALUE"); },
                               [](int*) { return std::string("N"); },
                               [](bool*) { return std::string("true|false"); },
                               [](std::chrono::milliseconds*) { return std::string("DURATION"); },
                               [](std::chrono::seconds*) { return std::string("DURATION"); },
                               [](std::vector<std::string>*) { return std::string("A,B,..."); },
                               [](const Setter&) { return std::string("VALUE"); }},
                    flag.target);
}

std::string current_value(const Flag& flag) {
  return std::visit(
      Overloaded{[](std::string* v) { return *v; }, [](int* v) { return std::to_string(*v); },
                 [](bool* v) { return std::string(*v ? "true" : "false"); },
                 [](std::chrono::milliseconds* v) { return format_duration(*v); },
                 [](std::chrono::seconds* v) { return format_duration(*v); },
                 [](std::vector<std::string>* v) { return join(*v, ","); },
                 [](const Setter&) { return std::string(); }},
      flag.target);
}

// Nanoseconds into a coarser duration, refusing what it cannot hold exactly.
template <typename D>
std::string assign_duration(std::chrono::nanoseconds parsed, D* out, std::string_view unit) {
  const auto converted = std::chrono::duration_cast<D>(parsed);
  if (std::chrono::duration_cast<std::chrono::nanoseconds>(converted) != parsed) {
    return "not a whole number of " + std::string(unit);
  }
  *out = converted;
  return "";
}

}  // namespace

FlagSet::FlagSet(std::string usage_head) : head_(std::move(usage_head)) {}

FlagSet& FlagSet::add(Flag flag) {
  if (flag.default_text.empty()) flag.default_text = current_value(flag);
  entries_.push_back({std::move(flag), ""});
  return *this;
}

FlagSet& FlagSet::section(std::string title) {
  entries_.push_back({std::nullopt, std::move(title)});
  return *this;
}

FlagSet& FlagSet::footer(std::string text) {
  footer_ = std::move(text);
  return *this;
}

const Flag* FlagSet::find(std::string_view name) const {
  for (const auto& e : entries_) {
    if (e.flag && e.flag->name == name) return &*e.flag;
  }
  return nullptr;
}

const Flag* FlagSet::find_short(char name) const {
  for (const auto& e : entries_) {
    if (e.flag && e.flag->short_name == name) return &*e.flag;
  }
  return nullptr;
}

std::string FlagSet::set(const Flag& flag, std::string_view value, bool first_time,
                         std::vector<std::string>* warnings) const {
  auto duration = [&](auto* out) -> std::string {
    std::string error;
    auto bare = flag.replaced_by.empty() ? flag.bare_unit : std::chrono::milliseconds(1);
    auto parsed = parse_duration(value, &error, bare);
    if (!parsed) return error;
    if (!flag.replaced_by.empty()) {
      warnings->push_back("--" + flag.name + " is deprecated and goes in the next release: use --" +
                          flag.replaced_by + " " + format_duration(*parsed));
    }
    using D = std::remove_pointer_t<decltype(out)>;
    return assign_duration(*parsed, out,
                           std::is_same_v<D, std::chrono::seconds> ? "seconds" : "milliseconds");
  };
  return std::visit(Overloaded{[&](std::string* out) -> std::string {
                                 if (flag.choices.empty() && value.empty()) return "empty value";
                                 if (!flag.choices.empty()) {
                                   bool allowed = false;
                                   for (const auto& c : flag.choices)
                                     allowed = allowed || c == value;
                                   if (!allowed)
                                     return "must be one of " + join(flag.choices, ", ");
                                 }
                                 *out = std::string(value);
                                 return "";
                               },
                               [&](int* out) -> std::string {
                                 int n = 0;
                                 auto [end, ec] =
                                     std::from_chars(value.data(), value.data() + value.size(), n);
                                 if (ec != std::errc() || end != value.data() + value.size() ||
                                     n < flag.min || n > flag.max) {
                                   return "needs a number from " + std::to_string(flag.min) +
                                          " to " + std::to_string(flag.max);
                                 }
                                 *out = n;
                                 return "";
                               },
                               [&](bool* out) -> std::string {
                                 if (value != "true" && value != "false")
                                   return "needs true or false";
                                 *out = value == "true";
                                 return "";
                               },
                               [&](std::chrono::milliseconds* out) { return duration(out); },
                               [&](std::chrono::seconds* out) { return duration(out); },
                               [&](std::vector<std::string>* out) -> std::string {
                                 if (first_time) out->clear();
                                 for (auto& item : split_list(value))
                                   out->push_back(std::move(item));
                                 return "";
                               },
                               [&](const Setter& setter) { return setter(value); }},
                    flag.target);
}

ParseResult FlagSet::parse(const std::vector<std::string>& args) const {
  ParseResult result;
  for (const auto& arg : args) {
    if (arg == "--") break;
    if (arg == "--help" || arg == "-h") {
      result.outcome = ParseResult::Outcome::kHelp;
      return result;
    }
  }
  auto fail = [&](std::string error) {
    result.outcome = ParseResult::Outcome::kError;
    result.error = std::move(error);
    return result;
  };
  std::vector<const Flag*> seen;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--") {
      result.positional.insert(result.positional.end(), args.begin() + static_cast<long>(i) + 1,
                               args.end());
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      result.positional.emplace_back(arg);
      continue;
    }
    std::string_view name;
    std::optional<std::string_view> value;
    const Flag* flag = nullptr;
    if (arg[1] == '-') {
      name = arg.substr(2);
      if (const size_t eq = name.find('='); eq != std::string_view::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      flag = find(name);
    } else if (arg.size() == 2 || arg[2] == '=') {
      flag = find_short(arg[1]);
      if (arg.size() > 2) value = arg.substr(3);
      if (flag) name = flag->name;
    }
    if (flag == nullptr) return fail("unknown flag " + std::string(arg.substr(0, arg.find('='))));
    const std::string shown = "--" + std::string(name);
    const bool next_is_value = i + 1 < args.size() && !args[i + 1].starts_with("--");
    if (!value && is_bool(*flag)) {
      // "--leader-election false" as well as "--leader-election" and "--leader-election=false".
      if (next_is_value && (args[i + 1] == "true" || args[i + 1] == "false")) {
        value = args[++i];
      } else {
        value = "true";
      }
    } else if (!value && !takes_optional_value(*flag)) {
      if (i + 1 >= args.size()) return fail(shown + " needs a value");
      value = args[++i];
    }
    const bool first_time = std::find(seen.begin(), seen.end(), flag) == seen.end();
    seen.push_back(flag);
    const std::string text(value.value_or(""));
    if (std::string error = set(*flag, text, first_time, &result.warnings); !error.empty()) {
      // "needs ..." reads on from the flag's name; other errors describe the value.
      return fail(error.starts_with("needs ")
                      ? shown + " " + error + ", not \"" + text + "\""
                      : "bad value for " + shown + " \"" + text + "\": " + error);
    }
  }
  return result;
}

std::string FlagSet::usage() const {
  std::string out = head_;
  if (!out.empty() && !out.ends_with("\n")) out += "\n";
  if (!out.empty() && !entries_.empty() && entries_.front().flag) out += "\n";
  for (const auto& e : entries_) {
    if (!e.flag) {
      out += "\n" + e.title + "\n";
      continue;
    }
    const Flag& f = *e.flag;
    if (!f.replaced_by.empty()) continue;
    std::string left = "  ";
    if (f.short_name != 0) left += std::string("-") + f.short_name + ", ";
    left += "--" + f.name;
    if (const std::string v = default_value_name(f); !v.empty()) {
      left += takes_optional_value(f) ? "[=" + v + "]" : " " + v;
    }
    constexpr size_t kColumn = 30;
    left += left.size() < kColumn ? std::string(kColumn - left.size(), ' ')
                                  : "\n" + std::string(kColumn, ' ');
    std::string help = f.help;
    const bool show_default = !f.default_text.empty() &&
                              !std::holds_alternative<Setter>(f.target) &&
                              !(is_bool(f) && f.default_text == "false");
    if (show_default) help += " (default " + f.default_text + ")";
    out += left + wrap(help, kColumn) + "\n";
  }
  if (!footer_.empty()) out += "\n" + footer_ + (footer_.ends_with("\n") ? "" : "\n");
  return out;
}

Flag log_level_flag(log::Level* level) {
  return {.name = "log-level",
          .target = Setter([level](std::string_view v) -> std::string {
            return log::parse_level(v, level) ? "" : "needs debug, info, warn or error";
          }),
          .help = "debug, info, warn or error (default info)",
          .value_name = "LEVEL"};
}

std::optional<int> exit_code(const ParseResult& result, const FlagSet& flags,
                             std::string_view program) {
  for (const auto& w : result.warnings) log::warn(program, w);
  switch (result.outcome) {
    case ParseResult::Outcome::kOk:
      return std::nullopt;
    case ParseResult::Outcome::kHelp:
      std::fputs(flags.usage().c_str(), stdout);
      return 0;
    case ParseResult::Outcome::kError:
      break;
  }
  return usage_error(flags, program, result.error);
}

int usage_error(const FlagSet& flags, std::string_view program, std::string_view error) {
  std::fprintf(stderr, "%.*s: %.*s\n\n%s", static_cast<int>(program.size()), program.data(),
               static_cast<int>(error.size()), error.data(), flags.usage().c_str());
  return 2;
}

}  // namespace jib::flags
