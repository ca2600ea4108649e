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
std::string note_fr_impl(const std::string& n) {
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
      {std::regex(R"(^inputs are correlated \((.*)\): the tornado moves one factor at a time and ignores what the correlation would do to the others$)"),
       "hypothèses corrélées ($1) : le tornado déplace un facteur à la fois et ignore ce que la corrélation ferait aux autres"},
      {std::regex(R"(^the rank regression explains only R2 = ([\d.]+) of the metric's rank variance: the relation is not monotone and additive, SRRC understate interactions \(prefer --method sobol\)$)"),
       "la régression sur les rangs n'explique que R2 = $1 de la variance des rangs de l'indicateur : la relation n'est ni monotone ni additive, les SRRC sous-estiment les interactions (préférer --method sobol)"},
      {std::regex(R"(^inputs are correlated \((.*)\): a Spearman coefficient includes the effect of correlated inputs; SRRC separate them$)"),
       "hypothèses corrélées ($1) : un coefficient de Spearman inclut l'effet des hypothèses corrélées ; les SRRC les séparent"},
      {std::regex(R"(^inputs are correlated: a Spearman coefficient includes the effect of correlated inputs; SRRC separate them$)"),
       "hypothèses corrélées : un coefficient de Spearman inclut l'effet des hypothèses corrélées ; les SRRC les séparent"},
      {std::regex(R"(^the metric does not vary over the design: the indices are undefined \(0/0\)$)"),
       "l'indicateur ne varie pas sur le plan d'expérience : les indices ne sont pas définis (0/0)"},
      {std::regex(R"(^WARNING: correlated inputs in different factors \((.*)\)\. Sobol indices assume independent factors: this design draws these pairs independently, so the indices describe a model without these correlations\. Put each correlated pair in one group \(--group NAME=a,b: the group is then drawn with its correlation\) or use --method correlation for the correlated model\.$)"),
       "ATTENTION : hypothèses corrélées dans des facteurs différents ($1). Les indices de Sobol supposent des facteurs indépendants : ce plan tire ces paires indépendamment, les indices décrivent donc un modèle sans ces corrélations. Mettre chaque paire corrélée dans un même groupe (--group NOM=a,b : le groupe est alors tiré avec sa corrélation) ou utiliser --method correlation pour le modèle corrélé."},
      {std::regex(R"(^correlated inputs are drawn jointly within their group \(Gaussian copula\), groups independently(: the indices are those of the groups of the correlated model)?$)"),
       "les hypothèses corrélées sont tirées ensemble dans leur groupe (copule gaussienne), les groupes indépendamment : les indices sont ceux des groupes du modèle corrélé"},
      {std::regex(R"(^'\(other randomness\)' is the factor made of the grant decisions \(granted:\) and of the inputs drawn each month$)"),
       "« (other randomness) » (autres aléas) est le facteur fait des décisions d'octroi des subventions (granted:) et des hypothèses tirées chaque mois"},
      {std::regex(R"(^(\d+) base rows \(Sobol' sequence, power of two\), (\d+) factors: (\d+) model runs; ([\d.]+) % bootstrap intervals from (\d+) resamples$)"),
       "$1 lignes de base (suite de Sobol', puissance de deux), $2 facteurs : $3 évaluations du modèle ; intervalles bootstrap à $4 % sur $5 rééchantillonnages"},
      {std::regex(R"(^one design for every month: (\d+) base rows \(Sobol' sequence\), (\d+) factors, (\d+) model runs; ([\d.]+) % bootstrap intervals from (\d+) resamples$)"),
       "un seul plan pour tous les mois : $1 lignes de base (suite de Sobol'), $2 facteurs, $3 évaluations du modèle ; intervalles bootstrap à $4 % sur $5 rééchantillonnages"},
      {std::regex(R"(^one Monte Carlo run of (\d+) paths for every month; SRRC\^2 is the share of the rank variance explained by an input when the inputs are independent \(their sum is R2\)$)"),
       "un seul calcul Monte Carlo de $1 scénarios simulés pour tous les mois ; SRRC² est la part de la variance des rangs expliquée par une hypothèse quand les hypothèses sont indépendantes (leur somme est R2)"},
      {std::regex(R"(^(\d+) month\(s\) where '(.*)' does not vary have no indices \(null\)$)"),
       "$1 mois où « $2 » ne varie pas n'ont pas d'indices (null)"},
      {std::regex(R"(^indices decompose the variance of the per-path quantity (.*) \(a quantile or sd is not a per-path quantity\)$)"),
       "les indices décomposent la variance de la grandeur par scénario simulé $1 (un quantile ou un écart-type n'est pas une grandeur par scénario)"},
      {std::regex(R"(^(\d+) trajectories x (\d+) points on a (\d+)-level grid: (\d+) model runs; an elementary effect is the change of the metric when a factor moves up by half its probability range$)"),
       "$1 trajectoires x $2 points sur une grille à $3 niveaux : $4 évaluations du modèle ; un effet élémentaire est la variation de l'indicateur quand un facteur monte de la moitié de son intervalle de probabilité"},
      {std::regex(R"(^inputs are correlated \((.*)\): the Morris design moves them independently$)"),
       "hypothèses corrélées ($1) : le plan de Morris les déplace indépendamment"},
      {std::regex(R"(^grant decisions and inputs drawn each month are at their base values \(deterministic model\)$)"),
       "décisions d'attribution et hypothèses tirées chaque mois à leur valeur de base (modèle déterministe)"},
  };
  for (const auto& [re, fr] : known)
    if (std::regex_match(n, re)) return std::regex_replace(n, re, fr);
  return n;
}

}  // namespace

std::string sensitivity_note(const std::string& note, Lang lang) { return lang == Lang::fr ? note_fr_impl(note) : note; }

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
  for (const auto& w : r.warnings) os << "\n!! " << sensitivity_note(w, lang) << "\n";
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
  for (const auto& n : r.notes) os << "- " << (fr ? note_fr_impl(n) : n) << "\n";
  os << fmt::format(fmt::runtime(T(Msg::model_runs)), r.model_runs) << "\n";
}

}  // namespace amorce
