#include "amorce/sensitivity_over_time.hpp"

#include "amorce/messages.hpp"
#include "amorce/sensitivity_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <ostream>
#include <sstream>
#include <stdexcept>

#include "amorce/base_case.hpp"
#include "amorce/evaluate.hpp"
#include "amorce/metric.hpp"
#include "amorce/run.hpp"
#include "amorce/sobol_design.hpp"

namespace amorce {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The monthly metric "NAME@0"; its month is moved over the horizon by the hook.
Metric monthly_metric(const std::string& text, const Plan& plan) {
  const bool plain = !text.empty() && text.find_first_of("@()[]<>=! ") == std::string::npos;
  if (plain) {
    Metric m = parse_metric(text + "@0", plan);
    if (!m.is_statistic() && (m.path.source == MetricSource::line_at || m.path.source == MetricSource::hist_at)) return m;
  }
  // let parse_metric name the valid lines and series for an unknown name
  if (plain) parse_metric(text, plan);
  throw std::invalid_argument(fmt::format(
      "--over-time --metric '{}': expected a monthly line or series name alone (cash, revenue, a series of the scenario); "
      "the indices are computed for every month",
      text));
}

/// Runs the plan and returns the metric at every month of every path, [month * paths + path].
std::vector<double> monthly_values(const Plan& plan, const Metric& metric, RunOptions ro,
                                   const std::function<void(const BlockState&, std::uint64_t)>& extra = {}) {
  const std::size_t N = static_cast<std::size_t>(ro.paths), H = static_cast<std::size_t>(plan.horizon);
  std::vector<double> out(H * N, kNaN);
  ro.summary = false;
  ro.block_hook = [&out, &metric, &extra, N, H](const BlockState& st, const Ledger& L, const PathResults& pr, std::uint64_t first) {
    Metric m = metric;
    for (std::size_t t = 0; t < H; ++t) {
      m.path.month = static_cast<int>(t);
      metric_values(m, st, L, pr, out.data() + t * N + first);
    }
    if (extra) extra(st, first);
  };
  run_monte_carlo(plan, ro);
  return out;
}

void mean_variance(const double* x, std::size_t n, double& mean, double& var) {
  double m = 0;
  for (std::size_t j = 0; j < n; ++j) m += x[j];
  m /= static_cast<double>(n);
  double s = 0;
  for (std::size_t j = 0; j < n; ++j) s += (x[j] - m) * (x[j] - m);
  mean = m;
  var = n > 1 ? s / static_cast<double>(n - 1) : 0;
}

/// A month whose value is the same on every run (to rounding) has no variance to share out.
bool varies(double mean, double var) { return var > 1e-20 * std::max(1.0, mean * mean); }

void check_over_time_memory(const Plan& plan, const SensitivityOptions& o, std::size_t factors, std::size_t n) {
  const double H = plan.horizon, k = static_cast<double>(plan.uniform_keys.size());
  const double cols = o.method == SensitivityMethod::sobol ? static_cast<double>(factors + 3) : 1.0 + k / H;
  // the monthly columns of every design run, the per-month indices, one run
  check_memory(8.0 * static_cast<double>(n) * (H * cols + 5 * k) + 8.0 * H * static_cast<double>(factors) * 8 +
                   run_memory_bytes(plan, static_cast<long long>(n), false),
               fmt::format("sensitivity --over-time --method {} with {} runs per design matrix and {} months",
                           o.method == SensitivityMethod::sobol ? "sobol" : "correlation", n, plan.horizon),
               "--paths");
}

void over_time_sobol(const Plan& plan, const Metric& metric, const SensitivityOptions& o, SensitivityOverTime& rep) {
  const std::size_t k = plan.uniform_keys.size(), H = static_cast<std::size_t>(plan.horizon);
  if (k == 0) throw std::invalid_argument("sobol: the scenario has no uncertain input drawn once per path");
  auto factors = make_factors(plan, o.groups);
  const std::size_t n = saltelli_rows(o.paths);
  check_over_time_memory(plan, o, factors.size(), n);
  std::vector<std::string> split;
  GaussianCopula copula = factor_copula(plan, factors, &split);
  RunOptions base;
  base.paths = static_cast<long long>(n);
  base.seed = o.seed;
  base.threads = o.threads;
  base.sampling = o.sampling;
  auto runs = run_pick_freeze(plan, factors, copula, n, H, base,
                              [&](const RunOptions& ro) { return monthly_values(plan, metric, ro); });
  for (const auto& f : factors) {
    rep.factors.push_back(f.name);
    std::vector<std::string> m;
    for (auto r : f.rows) m.push_back(plan.uniform_names[r]);
    rep.members.push_back(m);
  }
  if (runs.other_randomness) {
    rep.factors.push_back("(other randomness)");
    rep.members.push_back({});
  }
  const std::size_t F = rep.factors.size();
  rep.n = static_cast<long long>(n);
  rep.model_runs = runs.model_runs;
  for (auto* v : {&rep.first_order, &rep.first_lo, &rep.first_hi, &rep.total, &rep.total_lo, &rep.total_hi}) v->assign(H * F, kNaN);
  rep.mean.assign(H, kNaN);
  rep.variance.assign(H, kNaN);
  rep.sum_first_order.assign(H, kNaN);
  std::vector<double> fA(n), fB(n), pooled(2 * n);
  std::vector<std::vector<double>> fAB(F, std::vector<double>(n));
  for (std::size_t t = 0; t < H; ++t) {
    std::copy_n(runs.fA.begin() + static_cast<std::ptrdiff_t>(t * n), n, fA.begin());
    std::copy_n(runs.fB.begin() + static_cast<std::ptrdiff_t>(t * n), n, fB.begin());
    std::copy(fA.begin(), fA.end(), pooled.begin());
    std::copy(fB.begin(), fB.end(), pooled.begin() + static_cast<std::ptrdiff_t>(n));
    for (double v : pooled)
      if (!std::isfinite(v))
        throw std::invalid_argument(fmt::format("metric '{}' is undefined in {} on some paths", rep.metric, rep.months[t]));
    mean_variance(pooled.data(), pooled.size(), rep.mean[t], rep.variance[t]);
    if (!varies(rep.mean[t], rep.variance[t])) {
      rep.variance[t] = 0;
      continue;
    }
    for (std::size_t f = 0; f < F; ++f) std::copy_n(runs.fAB[f].begin() + static_cast<std::ptrdiff_t>(t * n), n, fAB[f].begin());
    // the same bootstrap resamples every month (same seed): month-to-month changes are not resampling noise
    auto idx = sobol_estimate(fA, fB, fAB, o.bootstrap, o.level, o.seed);
    double sum = 0;
    for (std::size_t f = 0; f < F; ++f) {
      const std::size_t i = t * F + f;
      rep.first_order[i] = idx[f].s1;
      rep.first_lo[i] = idx[f].s1_lo;
      rep.first_hi[i] = idx[f].s1_hi;
      rep.total[i] = idx[f].st;
      rep.total_lo[i] = idx[f].st_lo;
      rep.total_hi[i] = idx[f].st_hi;
      sum += idx[f].s1;
    }
    rep.sum_first_order[t] = sum;
  }
  if (!split.empty()) rep.warnings.push_back(split_correlation_warning(split));
  else if (!plan.correlations.empty())
    rep.notes.push_back("correlated inputs are drawn jointly within their group (Gaussian copula), groups independently");
  if (runs.other_randomness)
    rep.notes.push_back("'(other randomness)' is the factor made of the grant decisions (granted:) and of the inputs drawn each month");
  rep.notes.push_back(fmt::format("one design for every month: {} base rows (Sobol' sequence), {} factors, {} model runs; "
                                  "{:g} % bootstrap intervals from {} resamples",
                                  n, F, rep.model_runs, o.level * 100, o.bootstrap));
}

void over_time_correlation(const Plan& plan, const Metric& metric, const SensitivityOptions& o, SensitivityOverTime& rep) {
  const std::size_t k = plan.uniform_keys.size(), H = static_cast<std::size_t>(plan.horizon);
  if (k == 0) throw std::invalid_argument("correlation: the scenario has no uncertain input drawn once per path");
  const long long N = o.paths > 0 ? o.paths : plan.simulation.paths;
  check_over_time_memory(plan, o, k, static_cast<std::size_t>(N));
  const std::size_t n = static_cast<std::size_t>(N);
  std::vector<std::vector<double>> X(k, std::vector<double>(n));
  std::vector<int> slots(k);
  for (std::size_t r = 0; r < k; ++r) slots[r] = input_slot(plan, plan.uniform_names[r]);
  RunOptions ro;
  ro.paths = N;
  ro.seed = o.seed;
  ro.threads = o.threads;
  ro.sampling = o.sampling;
  auto Y = monthly_values(plan, metric, ro, [&X, &slots](const BlockState& st, std::uint64_t first) {
    for (std::size_t r = 0; r < slots.size(); ++r)
      for (std::size_t j = 0; j < st.n; ++j) X[r][first + j] = slots[r] >= 0 ? st.slot(slots[r])[j] : kNaN;
  });
  for (std::size_t r = 0; r < k; ++r) {
    rep.factors.push_back(plan.uniform_names[r]);
    rep.members.push_back({plan.uniform_names[r]});
  }
  rep.n = N;
  rep.model_runs = N;
  rep.spearman.assign(H * k, kNaN);
  rep.srrc.assign(H * k, kNaN);
  rep.r2.assign(H, kNaN);
  rep.mean.assign(H, kNaN);
  rep.variance.assign(H, kNaN);
  std::vector<double> y(n);
  for (std::size_t t = 0; t < H; ++t) {
    std::copy_n(Y.begin() + static_cast<std::ptrdiff_t>(t * n), n, y.begin());
    for (double v : y)
      if (!std::isfinite(v))
        throw std::invalid_argument(fmt::format("metric '{}' is undefined in {} on some paths", rep.metric, rep.months[t]));
    mean_variance(y.data(), n, rep.mean[t], rep.variance[t]);
    if (!varies(rep.mean[t], rep.variance[t])) {
      rep.variance[t] = 0;
      continue;
    }
    auto b = srrc(X, y, &rep.r2[t]);
    for (std::size_t r = 0; r < k; ++r) {
      rep.srrc[t * k + r] = b[r];
      rep.spearman[t * k + r] = spearman(X[r], y);
    }
  }
  if (!plan.correlations.empty())
    rep.notes.push_back("inputs are correlated: a Spearman coefficient includes the effect of correlated inputs; SRRC separate them");
  if (!o.groups.empty()) rep.notes.push_back("groups are not used by the correlation method (one row per input)");
  rep.notes.push_back(fmt::format("one Monte Carlo run of {} paths for every month; SRRC^2 is the share of the rank variance "
                                  "explained by an input when the inputs are independent (their sum is R2)",
                                  N));
}

nlohmann::json jnum(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

nlohmann::json matrix_json(const SensitivityOverTime& r, const std::vector<double>& v) {
  nlohmann::json m = nlohmann::json::array();
  for (std::size_t t = 0; t < r.month_count(); ++t) {
    nlohmann::json row = nlohmann::json::array();
    for (std::size_t f = 0; f < r.factor_count(); ++f) row.push_back(jnum(r.at(v, t, f)));
    m.push_back(row);
  }
  return m;
}

nlohmann::json vector_json(const std::vector<double>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (double x : v) a.push_back(jnum(x));
  return a;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string csv_num(double v) { return std::isfinite(v) ? fmt::format("{:.6g}", v) : std::string(); }

}  // namespace

SensitivityOverTime run_sensitivity_over_time(const Plan& plan, const std::string& line, const SensitivityOptions& o) {
  if (o.method != SensitivityMethod::sobol && o.method != SensitivityMethod::correlation)
    throw std::invalid_argument("--over-time: expected --method sobol or --method correlation (tornado and morris give no share of variance)");
  if (o.paths < 0 || o.paths > Limits::max_paths)
    throw std::invalid_argument(fmt::format("--paths {}: expected 1..{} (or 0 for the method's default)", o.paths, Limits::max_paths));
  if (!(o.level >= 0.5 && o.level < 1))
    throw std::invalid_argument(fmt::format("--level {:g}: expected a confidence level in [0.5, 1)", o.level));
  if (o.bootstrap < 0 || o.bootstrap > 100000)
    throw std::invalid_argument(fmt::format("--bootstrap {}: expected 0..100000", o.bootstrap));
  Metric metric = monthly_metric(line, plan);
  SensitivityOverTime rep;
  rep.method = o.method == SensitivityMethod::sobol ? "sobol" : "correlation";
  rep.metric = line;
  rep.scenario = plan.name;
  for (int m = 0; m < plan.horizon; ++m) rep.months.push_back(month_label(plan, m));
  if (o.method == SensitivityMethod::sobol) over_time_sobol(plan, metric, o, rep);
  else over_time_correlation(plan, metric, o, rep);
  std::size_t flat = 0;
  for (double v : rep.variance) flat += !(v > 0);
  if (flat == rep.months.size())
    rep.warnings.push_back(fmt::format("'{}' does not vary in any month: there is no variance to share out", line));
  else if (flat)
    rep.notes.push_back(fmt::format("{} month(s) where '{}' does not vary have no indices (null)", flat, line));
  bool each_month = false;
  for (const auto& s : plan.samples) each_month |= s.each_month;
  if (each_month && o.method == SensitivityMethod::correlation)
    rep.notes.push_back("inputs drawn each month are not factors here (they vary within a path)");
  return rep;
}

nlohmann::json sensitivity_over_time_json(const SensitivityOverTime& r) {
  nlohmann::json j;
  j["scenario"] = r.scenario;
  j["method"] = r.method;
  j["metric"] = r.metric;
  j["over_time"] = true;
  j["n"] = r.n;
  j["model_runs"] = r.model_runs;
  j["months"] = r.months;
  nlohmann::json fs = nlohmann::json::array();
  for (std::size_t f = 0; f < r.factor_count(); ++f) fs.push_back({{"factor", r.factors[f]}, {"inputs", r.members[f]}});
  j["factors"] = fs;
  j["mean"] = vector_json(r.mean);
  j["variance"] = vector_json(r.variance);
  if (r.method == "sobol") {
    j["first_order"] = matrix_json(r, r.first_order);
    j["first_order_lo"] = matrix_json(r, r.first_lo);
    j["first_order_hi"] = matrix_json(r, r.first_hi);
    j["total"] = matrix_json(r, r.total);
    j["total_lo"] = matrix_json(r, r.total_lo);
    j["total_hi"] = matrix_json(r, r.total_hi);
    j["sum_first_order"] = vector_json(r.sum_first_order);
  } else {
    j["spearman"] = matrix_json(r, r.spearman);
    j["srrc"] = matrix_json(r, r.srrc);
    j["r2"] = vector_json(r.r2);
  }
  j["warnings"] = r.warnings;
  j["notes"] = r.notes;
  return j;
}

std::string sensitivity_over_time_csv(const SensitivityOverTime& r) {
  std::ostringstream os;
  const bool sobol = r.method == "sobol";
  os << (sobol ? "month,factor,inputs,mean,variance,first_order,first_order_lo,first_order_hi,total,total_lo,total_hi\n"
               : "month,factor,inputs,mean,variance,spearman,srrc,r2\n");
  for (std::size_t t = 0; t < r.month_count(); ++t)
    for (std::size_t f = 0; f < r.factor_count(); ++f) {
      std::string inputs;
      for (const auto& m : r.members[f]) inputs += (inputs.empty() ? "" : " ") + m;
      os << r.months[t] << ',' << csv_field(r.factors[f]) << ',' << csv_field(inputs) << ',' << csv_num(r.mean[t]) << ','
         << csv_num(r.variance[t]);
      if (sobol)
        for (const auto* v : {&r.first_order, &r.first_lo, &r.first_hi, &r.total, &r.total_lo, &r.total_hi}) os << ',' << csv_num(r.at(*v, t, f));
      else
        os << ',' << csv_num(r.at(r.spearman, t, f)) << ',' << csv_num(r.at(r.srrc, t, f)) << ',' << csv_num(r.r2[t]);
      os << '\n';
    }
  return os.str();
}

void print_sensitivity_over_time(std::ostream& os, const SensitivityOverTime& r, Lang lang, const Scenario* sc) {
  const bool sobol = r.method == "sobol", fr = lang == Lang::fr;
  auto name = [&](std::size_t f) {
    const std::string& n = r.factors[f];
    if (n == "(other randomness)") return std::string(fr ? "(autres aléas)" : n);
    if (!sc) return n;
    const auto [label, unit] = label_of(*sc, n);
    return label.empty() ? n : display_name(n, label, unit, true);
  };
  os << fmt::format(fmt::runtime(fr ? "amorce sensitivity --over-time — {}\nméthode {}, indicateur {} mois par mois\n"
                                    : "amorce sensitivity --over-time — {}\nmethod {}, metric {} month by month\n"),
                    r.scenario, r.method, r.metric);
  for (const auto& w : r.warnings) os << "\n!! " << sensitivity_note(w, lang) << "\n";
  os << "\n"
     << (sobol ? (fr ? "part de la variance de chaque mois due à chaque facteur : indice de premier ordre / indice total\n"
                     : "share of the variance of each month due to each factor: first-order index / total index\n")
               : (fr ? "coefficient de régression standardisé sur les rangs (SRRC) de chaque hypothèse, mois par mois\n"
                     : "standardised rank regression coefficient (SRRC) of each input, month by month\n"));
  // a few months spread over the horizon, always the last one
  const std::size_t H = r.month_count(), step = std::max<std::size_t>(1, (H + 7) / 8);
  std::vector<std::size_t> shown;
  for (std::size_t t = step - 1; t < H; t += step) shown.push_back(t);
  if (shown.empty() || shown.back() != H - 1) shown.push_back(H - 1);
  os << fmt::format("{:<8}  {:>14}  {}\n", fr ? "mois" : "month", fr ? "écart-type" : "sd",
                    sobol ? (fr ? "facteurs principaux (S1 / ST)" : "leading factors (S1 / ST)")
                          : (fr ? "hypothèses principales (SRRC)" : "leading inputs (SRRC)"));
  for (auto t : shown) {
    const double sd = r.variance[t] > 0 ? std::sqrt(r.variance[t]) : 0;
    std::string sds = std::fabs(sd) >= 1000 ? format_euros(sd) : fmt::format("{:.4g}", sd);
    if (fr && !(std::fabs(sd) >= 1000)) std::replace(sds.begin(), sds.end(), '.', ',');
    std::string top;
    if (!(r.variance[t] > 0)) {
      top = fr ? "(ne varie pas)" : "(does not vary)";
    } else {
      std::vector<std::size_t> order(r.factor_count());
      std::iota(order.begin(), order.end(), 0);
      const auto& key = sobol ? r.total : r.srrc;
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return std::fabs(r.at(key, t, a)) > std::fabs(r.at(key, t, b));
      });
      for (std::size_t i = 0; i < std::min<std::size_t>(3, order.size()); ++i) {
        const std::size_t f = order[i];
        std::string v = sobol ? fmt::format("{:.2f} / {:.2f}", r.at(r.first_order, t, f), r.at(r.total, t, f))
                              : fmt::format("{:+.2f}", r.at(r.srrc, t, f));
        if (fr) std::replace(v.begin(), v.end(), '.', ',');
        top += (i ? ",  " : "") + name(f) + " " + v;
      }
      if (!sobol) {
        std::string r2 = fmt::format("{:.2f}", r.r2[t]);
        if (fr) std::replace(r2.begin(), r2.end(), '.', ',');
        top += "   (R2 " + r2 + ")";
      }
    }
    os << fmt::format("{:<8}  {:>14}  {}\n", r.months[t], sds, top);
  }
  os << (fr ? "\ntous les mois et tous les facteurs : --format json, ou --out FICHIER.csv\n"
            : "\nevery month and every factor: --format json, or --out FILE.csv\n");
  for (const auto& n : r.notes) os << "- " << sensitivity_note(n, lang) << "\n";
  os << fmt::format(fmt::runtime(fr ? "{} évaluations du modèle (scénarios simulés)\n" : "{} model runs (paths simulated)\n"),
                    r.model_runs);
}

}  // namespace amorce
