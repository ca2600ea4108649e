/// Literals, names and the tables of top-level keys and laws shared by the loader's stages.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "load_tree.hpp"

namespace amorce::load_detail {

// ---------------------------------------------------------------------------------------
// Literals and names
// ---------------------------------------------------------------------------------------

/// The value of a plain number literal ("45_000", "-0.5", "1e3"), or nullopt for expressions.
std::optional<double> literal(std::string_view text) {
  std::string s;
  bool digit = false;
  for (char c : text) {
    if (c == '_') continue;
    if (c == ' ') return std::nullopt;
    if (std::isdigit(static_cast<unsigned char>(c)))
      digit = true;
    else if (c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-')
      return std::nullopt;
    s += c;
  }
  if (!digit) return std::nullopt;
  if (!s.empty() && s[0] == '+') s.erase(0, 1);
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<double> literal(const std::optional<Expr>& e) {
  return e ? literal(e->text) : std::nullopt;
}

std::optional<long long> integer(std::string_view text) {
  std::string s;
  for (char c : text)
    if (c != '_') s += c;
  if (!s.empty() && s[0] == '+') s.erase(0, 1);
  if (s.empty()) return std::nullopt;
  long long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

const std::vector<std::string>& reserved_words() {
  static const std::vector<std::string> words{"month",   "year",   "calendar_month",
                                              "start",   "end",    "and",
                                              "or",      "not",    "if",
                                              "min",     "max",    "clamp",
                                              "abs",     "floor",  "ceil",
                                              "round",   "exp",    "log",
                                              "sqrt",    "pow",    "sin",
                                              "cos",     "ramp",   "scurve",
                                              "between", "season", "grow",
                                              "lag",     "cumsum", "true",
                                              "false"};
  return words;
}

/// Empty when `name` is a valid name, else the reason.
std::string name_problem(const std::string& name) {
  if (name.empty()) return "a name cannot be empty";
  if (name.size() > Limits::max_name_length)
    return "name '" + name.substr(0, 20) + "...' is longer than " +
           std::to_string(Limits::max_name_length) + " characters";
  auto ok_first = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; };
  auto ok_rest = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  if (!ok_first(name[0]) || !std::all_of(name.begin() + 1, name.end(), ok_rest))
    return "'" + name +
           "' is not a valid name: use letters, digits and '_', starting with a letter "
           "(no spaces, accents or dashes)";
  const auto& r = reserved_words();
  if (std::find(r.begin(), r.end(), name) != r.end())
    return "'" + name + "' is a reserved word of expressions and cannot be used as a name";
  return "";
}

// ---------------------------------------------------------------------------------------
// Validation into Scenario
// ---------------------------------------------------------------------------------------

const std::vector<std::string> kTopKeys{
    "amorce",     "name",      "description",  "start",     "horizon", "fiscal_year_start",
    "simulation", "inputs",    "correlations", "series",    "revenue", "costs",
    "staff",      "subsidies", "investments",  "financing", "vat",     "taxes",
    "in_kind",    "checks",    "outputs",      "variants",  "extends"};

const std::vector<LawInfo> kLaws{
    {"uniform", Law::uniform},    {"triangular", Law::triangular}, {"pert", Law::pert},
    {"normal", Law::normal},      {"lognormal", Law::lognormal},   {"between", Law::between},
    {"beta", Law::beta},          {"gamma", Law::gamma},           {"poisson", Law::poisson},
    {"binomial", Law::binomial},  {"bernoulli", Law::bernoulli},   {"discrete", Law::discrete},
    {"empirical", Law::empirical}};

std::vector<std::string> law_names() {
  std::vector<std::string> v;
  for (const auto& l : kLaws) v.push_back(l.key);
  return v;
}

}  // namespace amorce::load_detail
