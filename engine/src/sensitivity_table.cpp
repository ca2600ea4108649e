#include "amorce/sensitivity_table.hpp"

#include <algorithm>
#include <cmath>
#include <ostream>
#include <regex>

#include <fmt/format.h>

#include "amorce/format.hpp"

namespace amorce {

namespace {

bool is_prob(const SensitivityReport& r) { return r.metric.rfind("prob", 0) == 0 || r.metric.rfind("P(", 0) == 0; }

std::string localise(std::string s, Lang lang) {
  if (lang == Lang::fr) std::replace(s.begin(), s.end(), '.', ',');
  return s;
}

std::string value(const SensitivityReport& r, double v, Lang lang) {
  if (std::isnan(v)) return "-";
  if (is_prob(r)) return localise(fmt::format("{:.1f}", 100 * v), lang) + " %";
  if (std::fabs(v) >= 1000) return group_thousands(v, lang == Lang::fr ? " " : ",");
  return localise(fmt::format("{:.4g}", v), lang);
}

std::size_t width(const std::string& s) {
  std::size_t w = 0;
  for (unsigned char c : s) w += (c & 0xC0) != 0x80;
  return w;
}

std::string pad(const std::string& s, std::size_t w, bool right) {
  const std::size_t n = width(s);
  if (n >= w) return s;
  return right ? std::string(w - n, ' ') + s : s + std::string(w - n, ' ');
}

/// The factor's label with its name in brackets (the terminal's small type).
std::string factor_cell(const SensitivityRow& x) {
  if (x.label.empty() || x.label == x.factor) return x.factor;
  return x.label + " [" + x.factor + "]";
}

/// A note of the sensitivity driver (worded in English for the JSON) in French; notes this
/// table does not know are printed as they are.
std::string note_fr(const std::string& n) {
  static const std::pair<std::regex, const char*> known[] = {
      {std::regex(R"(^base case: every input at its base value; each factor moved alone to its P([\d.]+) and P([\d.]+); grant decisions and monthly draws at their base values$)"),
       "cas de base : chaque hypothèse à sa valeur de base ; chaque facteur déplacé seul à son P$1 puis à son P$2 ; décisions d'attribution "
       "des subventions et tirages mensuels à leur valeur de base"},
      {std::regex(R"(^Monte Carlo with each factor fixed at its P([\d.]+) / P([\d.]+), the other inputs drawn as in the base run \(same seed, (\d+) paths: common random numbers\)$)"),
       "Monte Carlo avec chaque facteur fixé à son P$1 / P$2, les autres hypothèses tirées comme dans le calcul de base (même graine, "
       "$3 scénarios simulés : nombres aléatoires communs)"},
      {std::regex(R"(^inputs drawn each month are not factors here \(they vary within a path\)$)"),
       "les hypothèses tirées chaque mois ne sont pas des facteurs ici (elles varient au sein d'un scénario simulé)"},
      {std::regex(R"(^small negative indices are estimation noise: read them as 0$)"),
       "de petits indices négatifs sont du bruit d'estimation : les lire comme 0"},
      {std::regex(R"(^the metric is a probability: correlations are computed with the per-path 0/1 outcome$)"),
       "l'indicateur est une probabilité : les corrélations sont calculées avec le résultat 0/1 de chaque scénario simulé"},
      {std::regex(R"(^the metric is a probability: indices decompose the variance of the per-path 0/1 outcome$)"),
       "l'indicateur est une probabilité : les indices décomposent la variance du résultat 0/1 de chaque scénario simulé"},
      {std::regex(R"(^groups are not used by the correlation method \(one row per input\)$)"),
       "les groupes ne servent pas à la méthode des corrélations (une ligne par hypothèse)"},
      {std::regex(R"(^grant decisions and inputs drawn each month are at their base values \(deterministic model\)$)"),
       "décisions d'attribution et hypothèses tirées chaque mois à leur valeur de base (modèle déterministe)"},
  };
  for (const auto& [re, fr] : known)
    if (std::regex_match(n, re)) return std::regex_replace(n, re, fr);
  return n;
}

}  // namespace

void label_sensitivity_rows(SensitivityReport& r, const Scenario& sc) {
  for (auto& row : r.rows) {
    if (row.members.size() > 1) continue;
    const auto [label, unit] = label_of(sc, row.members.empty() ? row.factor : row.members.front());
    if (!label.empty()) row.label = display_name(row.factor, label, unit, false);
  }
}

void print_sensitivity_table(std::ostream& os, const SensitivityReport& r, Lang lang, double low, double high) {
  const bool fr = lang == Lang::fr;
  auto T = [lang](Msg m) { return std::string(msg(m, lang)); };
  os << fmt::format(fmt::runtime(T(Msg::sensitivity_title)), r.scenario) << "\n";
  os << T(Msg::method) << " " << r.method << ", " << T(Msg::metric) << " " << r.metric << "\n";
  if (r.method == "tornado" && r.base_se == 0)
    os << fmt::format(fmt::runtime(T(Msg::base_case_value)), value(r, r.base, lang)) << "\n";
  else
    os << fmt::format(fmt::runtime(T(Msg::mc_estimate)), value(r, r.base, lang), value(r, r.base_se, lang)) << "\n";
  for (const auto& w : r.warnings) os << "\n!! " << w << "\n";
  os << "\n";
  std::size_t w = 8;
  for (const auto& x : r.rows) w = std::max(w, width(factor_cell(x)));
  w = std::min<std::size_t>(w, 56);
  auto cell = [&](const SensitivityRow& x) {
    std::string c = factor_cell(x);
    return pad(c, w, false);
  };
  if (r.method == "tornado") {
    // which end is which: the input at its low percentile, then at its high one
    const std::string lo = fmt::format("{} (P{:g})", T(Msg::low_end), low), hi = fmt::format("{} (P{:g})", T(Msg::high_end), high);
    os << pad(T(Msg::factor), w, false) << "  " << pad(T(Msg::input_low), 16, true) << " " << pad(T(Msg::input_high), 16, true) << "  "
       << pad(T(Msg::metric_low), 18, true) << " " << pad(T(Msg::metric_high), 18, true) << "  " << pad(T(Msg::swing), 14, true)
       << "\n";
    os << pad("", w, false) << "  " << pad(lo, 16, true) << " " << pad(hi, 16, true) << "  " << pad(lo, 18, true) << " "
       << pad(hi, 18, true) << "\n";
    auto in = [&](double v) {
      if (std::isnan(v)) return std::string();
      if (std::fabs(v) >= 1000) return group_thousands(v, fr ? " " : ",");
      return localise(fmt::format("{:.4g}", v), lang);
    };
    for (const auto& x : r.rows)
      os << cell(x) << "  " << pad(in(x.input_low), 16, true) << " " << pad(in(x.input_high), 16, true) << "  "
         << pad(value(r, x.at_low, lang), 18, true) << " " << pad(value(r, x.at_high, lang), 18, true) << "  "
         << pad(value(r, x.swing, lang), 14, true) << "\n";
  } else if (r.method == "correlation") {
    os << pad(T(Msg::factor), w, false) << "  " << pad("spearman", 10, true) << " " << pad("srrc", 10, true) << "\n";
    for (const auto& x : r.rows)
      os << cell(x) << "  " << pad(localise(fmt::format("{:+.3f}", x.spearman), lang), 10, true) << " "
         << pad(localise(fmt::format("{:+.3f}", x.srrc), lang), 10, true) << "\n";
    os << "\n" << localise(fmt::format(fmt::runtime(T(Msg::r2_rank)), r.r2), lang) << "\n";
  } else if (r.method == "sobol") {
    const std::string interval = fr ? "intervalle" : "interval";
    os << pad(T(Msg::factor), w, false) << "  " << pad("S1", 7, true) << " " << pad(interval, 17, true) << "   " << pad("ST", 7, true)
       << " " << pad(interval, 17, true) << "\n";
    for (const auto& x : r.rows)
      os << cell(x) << "  "
         << localise(fmt::format("{:>7.3f} [{:>6.3f}, {:>6.3f}]   {:>7.3f} [{:>6.3f}, {:>6.3f}]", x.s1, x.s1_lo, x.s1_hi, x.st,
                                 x.st_lo, x.st_hi),
                     lang)
         << "\n";
    os << "\n" << localise(fmt::format(fmt::runtime(T(Msg::sum_first_order)), r.sum_s1), lang) << "\n";
  } else {
    os << pad(T(Msg::factor), w, false) << "  " << pad("mu*", 14, true) << " " << pad("mu", 14, true) << " " << pad("sigma", 14, true)
       << "\n";
    for (const auto& x : r.rows)
      os << cell(x) << "  " << pad(value(r, x.mu_star, lang), 14, true) << " " << pad(value(r, x.mu, lang), 14, true) << " "
         << pad(value(r, x.sigma, lang), 14, true) << "\n";
  }
  for (const auto& x : r.rows)
    if (x.members.size() > 1) {
      os << "  " << T(Msg::group) << " " << x.factor << (fr ? " :" : ":");
      for (const auto& m : x.members) os << " " << m;
      os << "\n";
    }
  for (const auto& n : r.notes) os << "- " << (fr ? note_fr(n) : n) << "\n";
  os << fmt::format(fmt::runtime(T(Msg::model_runs)), r.model_runs) << "\n";
}

}  // namespace amorce
