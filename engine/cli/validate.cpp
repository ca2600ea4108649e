// Argument validators shared by the subcommands: every option is checked when the command
// line is parsed, before any work starts, so a bad argument is exit status 2 with the
// option's name, never a late failure after a long run.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "amorce/scenario.hpp"
#include "commands.hpp"

namespace amorce::cli {

std::optional<std::uint64_t> parse_seed(const std::string& s) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

CLI::Validator seed_validator() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        if (parse_seed(s)) return "";
        return "'" + s + "' is not a seed: expected a whole number between 0 and 18446744073709551615";
      },
      "0..2^64-1", "SEED");
}

CLI::Validator finite_validator() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(s.c_str(), &end);
        if (s.empty() || end != s.c_str() + s.size()) return "'" + s + "' is not a number";
        if (!std::isfinite(v) || !(std::fabs(v) < Limits::max_abs_value))
          return "'" + s + "' is outside what amorce accepts (a finite number, |x| < 1e12)";
        return "";
      },
      "FINITE", "FINITE");
}

CLI::Validator positive_validator() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(s.c_str(), &end);
        if (s.empty() || end != s.c_str() + s.size()) return "'" + s + "' is not a number";
        if (!std::isfinite(v) || !(v > 0) || !(v < Limits::max_abs_value))
          return "'" + s + "': expected a finite number > 0";
        return "";
      },
      "> 0", "POSITIVE");
}

std::vector<double> parse_percentiles(const std::string& text) {
  std::vector<double> out;
  std::string cur;
  auto flush = [&]() {
    if (cur.empty()) throw std::invalid_argument("--percentiles '" + text + "': empty entry (expected e.g. 1,5,10,50,90,95,99)");
    char* end = nullptr;
    const double v = std::strtod(cur.c_str(), &end);
    if (end != cur.c_str() + cur.size() || !std::isfinite(v))
      throw std::invalid_argument("--percentiles: '" + cur + "' is not a number (expected e.g. 1,5,10,50,90,95,99)");
    if (!(v > 0 && v < 100))
      throw std::invalid_argument("--percentiles: " + cur + " is not a percentile strictly between 0 and 100");
    out.push_back(v);
    cur.clear();
  };
  for (char c : text) {
    if (c == ',') flush();
    else if (c != ' ') cur.push_back(c);
  }
  flush();
  if (out.size() > 50) throw std::invalid_argument("--percentiles: at most 50 percentiles");
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

CLI::Validator percentiles_validator() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        try {
          parse_percentiles(s);
        } catch (const std::invalid_argument& e) {
          return e.what();
        }
        return "";
      },
      "P1,P2,...", "PERCENTILES");
}

void add_lang_option(CLI::App* sub, std::string& lang) {
  sub->add_option("--lang", lang, "language of the output: fr (default) or en")->check(CLI::IsMember({"fr", "en"}));
}

CLI::Validator non_empty_validator() {
  return CLI::Validator([](std::string& s) -> std::string { return s.empty() ? "expected a non-empty name" : ""; },
                        "NON-EMPTY", "NON-EMPTY");
}

}  // namespace amorce::cli
