#include "amorce/compare.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <ostream>

#include "amorce/base_case.hpp"
#include "amorce/format.hpp"
#include "amorce/random_streams.hpp"
#include "amorce/run.hpp"

namespace amorce {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

enum KF { p_shortfall, funding_mean, funding_p90, min_cash_p50, breakeven_p50, p_breakeven, cash_end_mean, npv_mean, kKF };

/// Type-7 quantile of sorted data that may end with +inf (censored): +inf when it touches them.
double censored_quantile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return kNaN;
  double h = (static_cast<double>(sorted.size()) - 1) * p;
  auto lo = static_cast<std::size_t>(std::floor(h)), hi = static_cast<std::size_t>(std::ceil(h));
  if (std::isinf(sorted[hi])) return kInf;
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

/// Same as censored_quantile on unsorted data, in linear time (nth_element).
double quantile_of(std::vector<double> x, double p) {
  if (x.empty()) return kNaN;
  double h = (static_cast<double>(x.size()) - 1) * p;
  auto lo = static_cast<std::size_t>(std::floor(h)), hi = static_cast<std::size_t>(std::ceil(h));
  std::nth_element(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(lo), x.end());
  double a = x[lo], b = a;
  if (hi > lo) b = *std::min_element(x.begin() + static_cast<std::ptrdiff_t>(hi), x.end());
  if (std::isinf(b)) return kInf;
  return a + (h - static_cast<double>(lo)) * (b - a);
}

Estimate mean_est(const std::vector<double>& x) {
  Estimate e;
  double s = 0;
  std::size_t n = 0;
  for (double v : x)
    if (std::isfinite(v)) {
      s += v;
      ++n;
    }
  e.n = n;
  if (!n) return e;
  e.value = s / static_cast<double>(n);
  double ss = 0;
  for (double v : x)
    if (std::isfinite(v)) ss += (v - e.value) * (v - e.value);
  e.se = n > 1 ? std::sqrt(ss / static_cast<double>(n - 1) / static_cast<double>(n)) : kNaN;
  return e;
}

Estimate quantile_est(const std::vector<double>& x, double p) {
  std::vector<double> s = x;
  std::sort(s.begin(), s.end());
  Estimate e;
  e.n = s.size();
  e.value = censored_quantile(s, p);
  double d = std::sqrt(p * (1 - p) / static_cast<double>(s.size()));
  double lo = censored_quantile(s, std::max(0.0, p - d)), hi = censored_quantile(s, std::min(1.0, p + d));
  e.se = std::isfinite(hi) && std::isfinite(lo) ? (hi - lo) / 2 : kNaN;
  return e;
}

Estimate bootstrap_quantile_diff(const std::vector<double>& a, const std::vector<double>& b, double p, int B, std::uint64_t seed) {
  Estimate e;
  e.n = a.size();
  double qa = quantile_of(a, p), qb = quantile_of(b, p);
  e.value = qa - qb;
  if (!std::isfinite(e.value) || B < 2) return e;
  const std::size_t n = a.size();
  std::vector<double> ra(n), rb(n), diffs;
  const std::uint64_t key = name_key("compare-bootstrap");
  for (int r = 0; r < B; ++r) {
    for (std::size_t j = 0; j < n; ++j) {
      auto i = std::min(n - 1, static_cast<std::size_t>(stream_uniform(seed, key, static_cast<std::uint64_t>(r), static_cast<std::uint32_t>(j)) *
                                                        static_cast<double>(n)));
      ra[j] = a[i];
      rb[j] = b[i];
    }
    double d = quantile_of(ra, p) - quantile_of(rb, p);
    if (std::isfinite(d)) diffs.push_back(d);
  }
  e.se = mean_est(diffs).se * std::sqrt(static_cast<double>(diffs.size()));  // sd of the bootstrap differences
  return e;
}

struct PathColumns {
  std::vector<double> shortfall, funding, min_cash, breakeven, reached, cash_end, npv;
};

PathColumns columns_of(const RunResult& r) {
  const auto N = static_cast<std::size_t>(r.paths());
  auto col = [&](Indicator k) { return std::vector<double>(r.indicator(k), r.indicator(k) + N); };
  PathColumns c;
  c.shortfall = col(Indicator::shortfall);
  c.funding = col(Indicator::funding_need);
  c.min_cash = col(Indicator::min_cash);
  c.breakeven = col(Indicator::breakeven_month);
  c.reached.resize(N);
  for (std::size_t i = 0; i < N; ++i) {
    c.reached[i] = std::isnan(c.breakeven[i]) ? 0.0 : 1.0;
    if (std::isnan(c.breakeven[i])) c.breakeven[i] = kInf;
  }
  c.cash_end = col(Indicator::cash_end);
  c.npv = col(Indicator::npv);
  return c;
}

Estimate paired_mean_diff(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> d(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) d[i] = a[i] - b[i];
  return mean_est(d);
}

Estimate prob_est(const std::vector<double>& x) {
  Estimate e = mean_est(x);
  if (e.n) e.se = std::sqrt(std::max(0.0, e.value * (1 - e.value)) / static_cast<double>(e.n));
  return e;
}

}  // namespace

const std::vector<std::string>& key_figure_names() {
  static const std::vector<std::string> n = {"p_shortfall", "funding_need_mean", "funding_need_p90", "min_cash_p50",
                                             "breakeven_month_p50", "p_breakeven_within_horizon", "cash_end_mean", "npv_mean"};
  return n;
}

const std::vector<std::string>& key_figure_labels() {
  static const std::vector<std::string> n = {"P(cash shortfall)", "funding need, mean", "funding need, P90", "min cash, P50",
                                             "breakeven month, P50", "P(breakeven in horizon)", "cash at end, mean", "NPV, mean"};
  return n;
}

Comparison compare_plans(const std::vector<Candidate>& cands, const CompareOptions& o) {
  if (o.paths < 1 || o.paths > Limits::max_paths)
    throw std::invalid_argument(fmt::format("paths must be between 1 and {}", Limits::max_paths));
  if (!cands.empty()) {
    // seven per-path columns kept per candidate for the paired differences, plus one run at a time
    const double n = static_cast<double>(o.paths);
    check_memory(8.0 * 7 * n * static_cast<double>(cands.size()) + run_memory_bytes(cands.front().plan, o.paths, false),
                 fmt::format("{} runs of {} paths", cands.size(), o.paths), "--paths (or compare fewer scenarios)");
  }
  Comparison c;
  c.paths = o.paths;
  c.seed = o.seed;
  std::vector<PathColumns> cols;
  int ref_horizon = -1;
  for (const auto& cand : cands) {
    CompareRow row;
    row.label = cand.label;
    row.description = cand.description;
    row.error = cand.error;
    row.figures.assign(kKF, KeyFigure{});
    if (!cand.error.empty()) {
      cols.emplace_back();
      c.rows.push_back(row);
      continue;
    }
    RunOptions ro;
    ro.paths = o.paths;
    ro.seed = o.seed;
    ro.threads = o.threads;
    ro.sampling = o.sampling;
    ro.summary = false;  // only the per-path indicators are compared
    {
      Demand d = empty_demand();  // the indicators columns_of() reads
      for (Indicator k : {Indicator::shortfall, Indicator::funding_need, Indicator::min_cash, Indicator::breakeven_month,
                          Indicator::cash_end, Indicator::npv})
        d.add_indicator(k);
      ro.demand = d;
    }
    try {
      RunResult r = run_monte_carlo(cand.plan, ro);
      cols.push_back(columns_of(r));
    } catch (const std::exception& e) {
      row.error = e.what();
      cols.emplace_back();
      c.rows.push_back(row);
      continue;
    }
    row.horizon = cand.plan.horizon;
    if (ref_horizon < 0) ref_horizon = row.horizon;
    else if (row.horizon != ref_horizon)
      c.warnings.push_back(fmt::format("{} has a horizon of {} months, the reference {}: end-of-horizon figures differ in meaning",
                                       row.label, row.horizon, ref_horizon));
    const PathColumns& pc = cols.back();
    auto& f = row.figures;
    f[p_shortfall].value = prob_est(pc.shortfall);
    f[funding_mean].value = mean_est(pc.funding);
    f[funding_p90].value = quantile_est(pc.funding, 0.9);
    f[min_cash_p50].value = quantile_est(pc.min_cash, 0.5);
    f[breakeven_p50].value = quantile_est(pc.breakeven, 0.5);
    f[breakeven_p50].never = std::isinf(f[breakeven_p50].value.value);
    f[p_breakeven].value = prob_est(pc.reached);
    f[cash_end_mean].value = mean_est(pc.cash_end);
    f[npv_mean].value = mean_est(pc.npv);
    if (!c.rows.empty() && c.rows[0].error.empty()) {
      const PathColumns& rc = cols.front();
      f[p_shortfall].diff = paired_mean_diff(pc.shortfall, rc.shortfall);
      f[funding_mean].diff = paired_mean_diff(pc.funding, rc.funding);
      f[funding_p90].diff = bootstrap_quantile_diff(pc.funding, rc.funding, 0.9, o.bootstrap, o.seed);
      f[min_cash_p50].diff = bootstrap_quantile_diff(pc.min_cash, rc.min_cash, 0.5, o.bootstrap, o.seed);
      f[breakeven_p50].diff = bootstrap_quantile_diff(pc.breakeven, rc.breakeven, 0.5, o.bootstrap, o.seed);
      f[breakeven_p50].diff_never = !std::isfinite(f[breakeven_p50].diff.value);
      f[p_breakeven].diff = paired_mean_diff(pc.reached, rc.reached);
      f[cash_end_mean].diff = paired_mean_diff(pc.cash_end, rc.cash_end);
      f[npv_mean].diff = paired_mean_diff(pc.npv, rc.npv);
    }
    c.rows.push_back(row);
  }
  if (!c.rows.empty() && !c.rows[0].error.empty())
    c.warnings.push_back("the reference run failed: no differences computed (" + c.rows[0].error + ")");
  if (o.sampling == Sampling::sobol)
    c.warnings.push_back("sobol sampling: an input's dimension depends on the set of inputs, so scenarios with different "
                         "inputs do not share draws; use lhs or mc for common random numbers");
  return c;
}

namespace {

nlohmann::json jnum(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

bool is_prob_figure(std::size_t k) { return k == p_shortfall || k == p_breakeven; }
bool is_month_figure(std::size_t k) { return k == breakeven_p50; }

/// "12.3" (en) or "12,3" (fr)
std::string dec1(double v, Lang lang) {
  std::string s = fmt::format("{:.1f}", v);
  if (lang == Lang::fr) std::replace(s.begin(), s.end(), '.', ',');
  return s;
}

std::string euros(double v, Lang lang) { return lang == Lang::fr ? format_euros(v) : group_thousands(v, ","); }

std::string fmt_value(std::size_t k, double v, bool never, Lang lang) {
  if (never) return std::string(msg(Msg::never, lang));
  if (std::isnan(v)) return "-";
  if (is_prob_figure(k)) return dec1(100 * v, lang) + " %";
  if (is_month_figure(k)) return fmt::format("{:g}", v);
  return euros(v, lang);
}

std::string fmt_diff(std::size_t k, const Estimate& d, bool never, Lang lang) {
  if (never) return lang == Lang::fr ? "s.o." : "n/a";
  if (std::isnan(d.value)) return "-";
  if (is_prob_figure(k)) {
    std::string s = (d.value >= 0 ? "+" : "") + dec1(100 * d.value, lang) + " pt";
    if (std::isfinite(d.se)) s += " ± " + dec1(100 * d.se, lang);
    return s;
  }
  if (is_month_figure(k)) {
    std::string s = fmt::format("{:+g}", d.value);
    if (std::isfinite(d.se)) s += " ± " + dec1(d.se, lang);
    return s;
  }
  std::string s = (d.value >= 0 ? "+" : "") + euros(d.value, lang);
  if (std::isfinite(d.se)) s += " ± " + euros(d.se, lang);
  return s;
}

}  // namespace

nlohmann::json comparison_json(const Comparison& c) {
  nlohmann::json j;
  j["paths"] = c.paths;
  j["seed"] = c.seed;
  j["common_random_numbers"] = true;
  j["warnings"] = c.warnings;
  nlohmann::json rows = nlohmann::json::array();
  const auto& names = key_figure_names();
  for (std::size_t r = 0; r < c.rows.size(); ++r) {
    const auto& row = c.rows[r];
    nlohmann::json o = {{"label", row.label}, {"description", row.description}, {"reference", r == 0}};
    if (!row.error.empty()) {
      o["error"] = row.error;
      rows.push_back(o);
      continue;
    }
    nlohmann::json f;
    for (std::size_t k = 0; k < names.size(); ++k) {
      const auto& kf = row.figures[k];
      nlohmann::json x = {{"value", kf.never ? nlohmann::json("never") : jnum(kf.value.value)}, {"se", jnum(kf.value.se)}};
      if (r > 0) x["diff"] = {{"value", kf.diff_never ? nlohmann::json(nullptr) : jnum(kf.diff.value)}, {"se", jnum(kf.diff.se)}};
      f[names[k]] = x;
    }
    o["figures"] = f;
    rows.push_back(o);
  }
  j["runs"] = rows;
  return j;
}

namespace {

/// The key figures' labels (key_figure_labels() order) in `lang`.
std::vector<std::string> key_figure_labels(Lang lang) {
  if (lang == Lang::en) return amorce::key_figure_labels();
  return {"P(trésorerie négative)", "besoin de fin., moyenne", "besoin de fin., P90", "trésorerie min., P50",
          "point mort (mois), P50", "P(point mort atteint)", "trésorerie finale, moy.", "VAN, moyenne"};
}

/// A standard stress's description in `lang` (stress.cpp names them; variants keep their name).
std::string stress_description(const CompareRow& row, Lang lang) {
  const std::string& n = row.label;
  const std::string d = row.description.empty() ? n : row.description;
  if (lang == Lang::en) return d;
  auto tail = [&](const std::string& prefix) { return n.substr(prefix.size()); };
  if (n == "base") return d.rfind("base scenario", 0) == 0 ? "scénario de base" : "base (variante " + tail("base") + ")";
  if (n.rfind("subsidy_delay_", 0) == 0) return "subventions versées " + tail("subsidy_delay_") + " mois plus tard";
  if (n.rfind("no_renewal_after_year_", 0) == 0) return "subventions annuelles arrêtées après l'exercice " + tail("no_renewal_after_year_");
  if (n == "revenue_minus_20") return "recettes propres -20 %";
  if (n == "ramp_up_twice_as_slow") return "montée en charge deux fois plus lente";
  if (n.rfind("variant:", 0) == 0) return "variante " + tail("variant:");
  return d;
}

std::size_t text_width(const std::string& s) {
  std::size_t w = 0;
  for (unsigned char ch : s) w += (ch & 0xC0) != 0x80;
  return w;
}

/// `s` padded to `w` code points (left- or right-aligned): UTF-8 labels line up.
std::string pad(const std::string& s, std::size_t w, bool right) {
  const std::size_t n = text_width(s);
  if (n >= w) return s;
  return right ? std::string(w - n, ' ') + s : s + std::string(w - n, ' ');
}

}  // namespace

void print_comparison(std::ostream& os, const Comparison& c, Lang lang) {
  const bool fr = lang == Lang::fr;
  os << (fr ? fmt::format("amorce comparaison — {} scénarios simulés, graine {}, nombres aléatoires communs (mêmes tirages "
                          "pour les hypothèses de même nom)\n",
                          c.paths, c.seed)
            : fmt::format("amorce compare — {} paths, seed {}, common random numbers (same draws for inputs of the same name)\n",
                          c.paths, c.seed));
  for (const auto& w : c.warnings) os << "!! " << w << "\n";
  os << "\n";
  const auto labels = key_figure_labels(lang);
  std::size_t w0 = 26, w = 16;
  for (const auto& r : c.rows) w = std::max(w, std::min<std::size_t>(r.label.size(), 36) + 2);
  os << pad("", w0, false);
  for (const auto& r : c.rows) os << pad(r.label.substr(0, 36), w, true);
  os << "\n";
  for (std::size_t k = 0; k < labels.size(); ++k) {
    os << pad(labels[k], w0, false);
    for (const auto& r : c.rows) {
      if (!r.error.empty()) {
        os << pad(fr ? "erreur" : "error", w, true);
        continue;
      }
      std::string v = fmt_value(k, r.figures[k].value.value, r.figures[k].never, lang);
      if (is_prob_figure(k) && std::isfinite(r.figures[k].value.se)) v += " ± " + dec1(100 * r.figures[k].value.se, lang);
      os << pad(v, w, true);
    }
    os << "\n";
    if (c.rows.size() > 1) {
      os << pad(fr ? "  écart au premier" : "  change vs first", w0, false);
      for (std::size_t r = 0; r < c.rows.size(); ++r) {
        if (r == 0 || !c.rows[r].error.empty()) {
          os << pad("", w, true);
          continue;
        }
        os << pad(fmt_diff(k, c.rows[r].figures[k].diff, c.rows[r].figures[k].diff_never, lang), w, true);
      }
      os << "\n";
    }
  }
  for (const auto& r : c.rows)
    if (!r.error.empty()) os << fmt::format("\n{}: {}\n", r.label, r.error);
  os << (fr ? "\nLes écarts sont appariés scénario par scénario (mêmes tirages dans chaque calcul) : ± est l'erreur type Monte "
              "Carlo de l'écart.\n"
            : "\nChanges are paired per path (same draws in each run): ± is the Monte Carlo standard error of the change.\n");
}

void print_stress_table(std::ostream& os, const Comparison& c, const std::string& title, Lang lang) {
  const bool fr = lang == Lang::fr;
  os << title << "\n";
  os << (fr ? fmt::format("{} scénarios simulés, graine {}, nombres aléatoires communs : chaque ligne utilise les mêmes tirages\n",
                          c.paths, c.seed)
            : fmt::format("{} paths, seed {}, common random numbers: every row uses the same draws\n", c.paths, c.seed));
  for (const auto& w : c.warnings) os << "!! " << w << "\n";
  os << "\n";
  std::size_t w0 = 10;
  for (const auto& r : c.rows) w0 = std::max(w0, std::min<std::size_t>(text_width(stress_description(r, lang)), 52));
  const char* change = fr ? "écart" : "change";
  os << pad(fr ? "test de résistance" : "stress", w0, false) << "  " << pad(fr ? "P(trés. négative)" : "P(shortfall)", 17, true)
     << " " << pad(change, 17, true) << "  " << pad(fr ? "besoin P90" : "need P90", 12, true) << " " << pad(change, 16, true) << "  "
     << pad(fr ? "point mort" : "breakeven", 10, true) << " " << pad(change, 12, true) << "\n";
  for (std::size_t r = 0; r < c.rows.size(); ++r) {
    const auto& row = c.rows[r];
    std::string name = stress_description(row, lang);
    if (text_width(name) > w0) name = name.substr(0, w0);
    if (!row.error.empty()) {
      os << pad(name, w0, false) << (fr ? "  erreur : " : "  error: ") << row.error << "\n";
      continue;
    }
    const auto& f = row.figures;
    std::string ps = dec1(100 * f[p_shortfall].value.value, lang) + " % ± " + dec1(100 * f[p_shortfall].value.se, lang);
    os << pad(name, w0, false) << "  " << pad(ps, 17, true) << " "
       << pad(r == 0 ? "" : fmt_diff(p_shortfall, f[p_shortfall].diff, false, lang), 17, true) << "  "
       << pad(fmt_value(funding_p90, f[funding_p90].value.value, false, lang), 12, true) << " "
       << pad(r == 0 ? "" : fmt_diff(funding_p90, f[funding_p90].diff, false, lang), 16, true) << "  "
       << pad(fmt_value(breakeven_p50, f[breakeven_p50].value.value, f[breakeven_p50].never, lang), 10, true) << " "
       << pad(r == 0 ? "" : fmt_diff(breakeven_p50, f[breakeven_p50].diff, f[breakeven_p50].diff_never, lang), 12, true) << "\n";
  }
  if (fr)
    os << "\nP(trés. négative) : probabilité que la trésorerie passe sous zéro au moins un mois (± erreur type Monte Carlo).\n"
          "besoin P90 : besoin de financement (apport qui garderait la trésorerie >= 0) dépassé dans 10 % des scénarios simulés.\n"
          "point mort : mois médian du point mort d'exploitation durable (jamais : dans plus de la moitié des scénarios).\n"
          "écart : par rapport à la première ligne, apparié scénario par scénario (± erreur type de l'écart).\n";
  else
    os << "\nP(shortfall): probability that cash goes below zero in some month (± Monte Carlo standard error).\n"
          "need P90: funding need (extra cash that would keep cash >= 0) exceeded on 10 % of paths.\n"
          "breakeven: median month of the lasting operating breakeven (never: on more than half of the paths).\n"
          "change: against the first row, paired per path (± standard error of the change).\n";
}

}  // namespace amorce
