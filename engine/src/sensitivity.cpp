#include "amorce/sensitivity.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <numeric>
#include <ostream>
#include <stdexcept>

#include "amorce/base_case.hpp"
#include "amorce/copula.hpp"
#include "amorce/random_streams.hpp"
#include "amorce/run.hpp"
#include "amorce/sobol_design.hpp"

namespace amorce {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double percentile_of(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return quantile_sorted(v.data(), v.size(), p);
}

std::vector<double> ranks(const std::vector<double>& x) {
  std::vector<std::size_t> idx(x.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::vector<double> r(x.size());
  for (std::size_t i = 0; i < idx.size();) {
    std::size_t j = i;
    while (j + 1 < idx.size() && x[idx[j + 1]] == x[idx[i]]) ++j;
    double avg = 0.5 * static_cast<double>(i + j) + 1;
    for (std::size_t t = i; t <= j; ++t) r[idx[t]] = avg;
    i = j + 1;
  }
  return r;
}

std::vector<double> standardise(std::vector<double> v, bool* constant = nullptr) {
  double n = static_cast<double>(v.size()), m = 0, s = 0;
  for (double x : v) m += x;
  m /= n;
  for (double x : v) s += (x - m) * (x - m);
  s = std::sqrt(s / std::max(1.0, n - 1));
  if (constant) *constant = !(s > 0);
  for (double& x : v) x = s > 0 ? (x - m) / s : 0.0;
  return v;
}

using Factor = SensitivityFactor;

GaussianCopula copula_of(const Plan& plan) {
  std::vector<std::tuple<std::size_t, std::size_t, double>> corr;
  for (const auto& c : plan.correlations)
    corr.emplace_back(static_cast<std::size_t>(c.row_a), static_cast<std::size_t>(c.row_b), c.rho);
  return GaussianCopula(plan.uniform_keys.size(), corr);
}

std::string correlations_text(const Plan& plan) {
  std::string s;
  for (const auto& c : plan.correlations)
    s += fmt::format("{}{} ~ {} ({:+.2f})", s.empty() ? "" : ", ", plan.uniform_names[c.row_a], plan.uniform_names[c.row_b], c.rho);
  return s;
}

RunOptions base_options(const SensitivityOptions& o, long long paths) {
  RunOptions ro;
  ro.paths = paths;
  ro.seed = o.seed;
  ro.threads = o.threads;
  ro.sampling = o.sampling;
  return ro;
}

/// A uniform_source reading a k x n row-major matrix.
std::function<void(std::uint64_t, std::size_t, double*)> matrix_source(const std::vector<double>* M, std::size_t k, std::size_t n) {
  return [M, k, n](std::uint64_t first, std::size_t cnt, double* out) {
    for (std::size_t r = 0; r < k; ++r)
      for (std::size_t j = 0; j < cnt; ++j) out[r * cnt + j] = (*M)[r * n + first + j];
  };
}

void check_finite(const std::vector<double>& v, const Metric& m) {
  std::size_t bad = 0;
  for (double x : v) bad += !std::isfinite(x);
  if (bad)
    throw std::invalid_argument(fmt::format("metric '{}' is undefined on {} of {} paths: choose a metric defined on every path",
                                            m.text, bad, v.size()));
}

// ------------------------------------------------------------------ tornado

/// A tornado bar from the metric with the factor at its low and high percentile.
SensitivityRow tornado_row(SensitivityRow row, double at_low, double at_high, const double (&inputs)[2]) {
  row.at_low = at_low;
  row.at_high = at_high;
  row.input_low = inputs[0];
  row.input_high = inputs[1];
  row.swing = row.at_high - row.at_low;
  row.importance = std::isnan(row.swing) ? -1 : std::fabs(row.swing);
  return row;
}

SensitivityReport tornado(const Plan& plan, const Metric& metric, const SensitivityOptions& o, const std::vector<Factor>& factors) {
  SensitivityReport rep;
  const std::size_t k = plan.uniform_keys.size();
  const double ulo = o.low / 100, uhi = o.high / 100;
  if (!(ulo > 0 && ulo < 1 && uhi > 0 && uhi < 1 && ulo < uhi))
    throw std::invalid_argument("tornado: --low and --high must be percentiles with 0 < low < high < 100");
  if (!metric.is_statistic()) {
    // deterministic one-at-a-time designs around the base case
    RunOptions ro = base_options(o, 1);
    ro.threads = 1;
    ro.base_case = true;
    auto base = run_metric(plan, metric, ro);
    rep.base = base[0];
    rep.base_se = 0;
    rep.n = 1;
    rep.model_runs = 1;
    for (const auto& f : factors) {
      RunOptions r2 = base_options(o, 2);
      r2.threads = 1;
      r2.base_case = true;
      r2.rows_from_uniforms.assign(k, 0);
      for (auto r : f.rows) r2.rows_from_uniforms[r] = 1;
      r2.uniform_source = [k, ulo, uhi](std::uint64_t first, std::size_t n, double* out) {
        for (std::size_t r = 0; r < k; ++r)
          for (std::size_t j = 0; j < n; ++j) out[r * n + j] = (first + j) == 0 ? ulo : uhi;
      };
      SensitivityRow row;
      row.factor = f.name;
      for (auto r : f.rows) row.members.push_back(plan.uniform_names[r]);
      int slot = f.rows.size() == 1 ? input_slot(plan, plan.uniform_names[f.rows[0]]) : -1;
      double vals[2] = {kNaN, kNaN};
      r2.block_hook = [&vals, slot](const BlockState& st, const Ledger&, const PathResults&, std::uint64_t first) {
        if (slot < 0) return;
        for (std::size_t j = 0; j < st.n; ++j) vals[first + j] = st.slot(slot)[j];
      };
      auto v = run_metric(plan, metric, r2);
      rep.model_runs += 2;
      rep.rows.push_back(tornado_row(std::move(row), v[0], v[1], vals));
    }
    rep.notes.push_back(fmt::format(
        "base case: every input at its base value; each factor moved alone to its P{:g} and P{:g}; grant decisions and "
        "monthly draws at their base values",
        o.low, o.high));
  } else {
    // Monte Carlo with the factor fixed at a percentile; common random numbers for the rest
    const long long N = o.paths > 0 ? o.paths : plan.simulation.paths;
    const Sampling sampling = o.sampling;
    const std::uint64_t seed = o.seed;
    auto copula = std::make_shared<GaussianCopula>(copula_of(plan));
    const std::vector<std::uint64_t>* keys = &plan.uniform_keys;
    auto source = [copula, keys, sampling, seed, N](const std::vector<std::size_t>* fixed, double u) {
      return [copula, keys, sampling, seed, N, fixed, u](std::uint64_t first, std::size_t n, double* out) {
        fill_uniforms(sampling, seed, static_cast<std::uint64_t>(N), *keys, first, n, out);
        if (!copula->identity()) copula->apply(out, n);
        if (fixed)
          for (auto r : *fixed)
            for (std::size_t j = 0; j < n; ++j) out[r * n + j] = u;
      };
    };
    RunOptions ro = base_options(o, N);
    if (k > 0) ro.uniform_source = source(nullptr, 0);
    auto base = run_metric(plan, metric, ro);
    Estimate eb = estimate_metric(metric, base);
    rep.base = eb.value;
    rep.base_se = eb.se;
    rep.n = N;
    rep.model_runs = N;
    for (const auto& f : factors) {
      SensitivityRow row;
      row.factor = f.name;
      for (auto r : f.rows) row.members.push_back(plan.uniform_names[r]);
      int slot = f.rows.size() == 1 ? input_slot(plan, plan.uniform_names[f.rows[0]]) : -1;
      Estimate e[2];
      double vals[2] = {kNaN, kNaN};
      for (int side = 0; side < 2; ++side) {
        RunOptions r2 = base_options(o, N);
        r2.uniform_source = source(&f.rows, side == 0 ? ulo : uhi);
        double* vp = &vals[side];
        r2.block_hook = [vp, slot](const BlockState& st, const Ledger&, const PathResults&, std::uint64_t first) {
          if (slot >= 0 && first == 0) *vp = st.slot(slot)[0];
        };
        e[side] = estimate_metric(metric, run_metric(plan, metric, r2));
        rep.model_runs += N;
      }
      row.se_low = e[0].se;
      row.se_high = e[1].se;
      rep.rows.push_back(tornado_row(std::move(row), e[0].value, e[1].value, vals));
    }
    rep.notes.push_back(fmt::format(
        "Monte Carlo with each factor fixed at its P{:g} / P{:g}, the other inputs drawn as in the base run (same seed, "
        "{} paths: common random numbers)",
        o.low, o.high, N));
  }
  if (!plan.correlations.empty())
    rep.warnings.push_back("inputs are correlated (" + correlations_text(plan) +
                           "): the tornado moves one factor at a time and ignores what the correlation would do to the others");
  return rep;
}

// ------------------------------------------------------------------ correlation

SensitivityReport correlation(const Plan& plan, const Metric& metric, const SensitivityOptions& o) {
  SensitivityReport rep;
  const std::size_t k = plan.uniform_keys.size();
  const long long N = o.paths > 0 ? o.paths : plan.simulation.paths;
  if (k == 0) throw std::invalid_argument("correlation: the scenario has no uncertain input drawn once per path");
  std::vector<std::vector<double>> X(k, std::vector<double>(static_cast<std::size_t>(N)));
  std::vector<int> slots(k);
  for (std::size_t r = 0; r < k; ++r) slots[r] = input_slot(plan, plan.uniform_names[r]);
  RunOptions ro = base_options(o, N);
  ro.block_hook = [&X, &slots](const BlockState& st, const Ledger&, const PathResults&, std::uint64_t first) {
    for (std::size_t r = 0; r < slots.size(); ++r)
      for (std::size_t j = 0; j < st.n; ++j) X[r][first + j] = st.slot(slots[r])[j];
  };
  auto y = run_metric(plan, metric, ro);
  check_finite(y, metric);
  Estimate e = estimate_metric(metric, y);
  rep.base = e.value;
  rep.base_se = e.se;
  rep.n = N;
  rep.model_runs = N;
  auto coef = srrc(X, y, &rep.r2);
  for (std::size_t r = 0; r < k; ++r) {
    SensitivityRow row;
    row.factor = plan.uniform_names[r];
    row.members = {row.factor};
    row.spearman = spearman(X[r], y);
    row.srrc = coef[r];
    row.importance = std::isnan(row.spearman) ? -1 : std::fabs(row.spearman);
    rep.rows.push_back(row);
  }
  if (metric.stat == Stat::prob)
    rep.notes.push_back("the metric is a probability: correlations are computed with the per-path 0/1 outcome");
  if (rep.r2 < 0.5)
    rep.warnings.push_back(fmt::format(
        "the rank regression explains only R2 = {:.2f} of the metric's rank variance: the relation is not monotone and "
        "additive, SRRC understate interactions (prefer --method sobol)",
        rep.r2));
  if (!plan.correlations.empty())
    rep.notes.push_back("inputs are correlated (" + correlations_text(plan) +
                        "): a Spearman coefficient includes the effect of correlated inputs; SRRC separate them");
  if (!o.groups.empty()) rep.notes.push_back("groups are not used by the correlation method (one row per input)");
  return rep;
}

// ------------------------------------------------------------------ sobol

SensitivityReport sobol(const Plan& plan, const Metric& metric, const SensitivityOptions& o, const std::vector<Factor>& factors) {
  SensitivityReport rep;
  const std::size_t k = plan.uniform_keys.size();
  if (k == 0) throw std::invalid_argument("sobol: the scenario has no uncertain input drawn once per path");
  const std::size_t n = saltelli_rows(o.paths);
  std::vector<std::string> split;
  GaussianCopula copula = factor_copula(plan, factors, &split);
  auto runs = run_pick_freeze(plan, factors, copula, n, 1, base_options(o, static_cast<long long>(n)), [&](const RunOptions& ro) {
    auto v = run_metric(plan, metric, ro);
    check_finite(v, metric);
    return v;
  });
  rep.model_runs = runs.model_runs;
  const bool noise = runs.other_randomness;
  const auto& fA = runs.fA;
  const auto& fB = runs.fB;
  const auto& fAB = runs.fAB;
  std::vector<std::string> names;
  for (const auto& f : factors) names.push_back(f.name);
  if (noise) names.push_back("(other randomness)");
  auto idx = sobol_estimate(fA, fB, fAB, o.bootstrap, o.level, o.seed);
  std::vector<double> pooled = fA;
  pooled.insert(pooled.end(), fB.begin(), fB.end());
  Estimate e = estimate_metric(metric, pooled);
  rep.base = e.value;
  rep.base_se = e.se;
  rep.n = static_cast<long long>(n);
  {
    double m = 0, s = 0;
    for (double v : pooled) m += v;
    m /= static_cast<double>(pooled.size());
    for (double v : pooled) s += (v - m) * (v - m);
    rep.variance = s / static_cast<double>(pooled.size() - 1);
  }
  for (std::size_t f = 0; f < idx.size(); ++f) {
    SensitivityRow row;
    row.factor = names[f];
    if (f < factors.size())
      for (auto r : factors[f].rows) row.members.push_back(plan.uniform_names[r]);
    row.s1 = idx[f].s1;
    row.s1_lo = idx[f].s1_lo;
    row.s1_hi = idx[f].s1_hi;
    row.st = idx[f].st;
    row.st_lo = idx[f].st_lo;
    row.st_hi = idx[f].st_hi;
    row.importance = row.st;
    rep.sum_s1 += row.s1;
    rep.rows.push_back(row);
  }
  if (!(rep.variance > 0))
    rep.warnings.push_back("the metric does not vary over the design: the indices are undefined (0/0)");
  if (!split.empty()) rep.warnings.push_back(split_correlation_warning(split));
  else if (!plan.correlations.empty())
    rep.notes.push_back("correlated inputs are drawn jointly within their group (Gaussian copula), groups independently: "
                        "the indices are those of the groups of the correlated model");
  if (noise)
    rep.notes.push_back(
        "'(other randomness)' is the factor made of the grant decisions (granted:) and of the inputs drawn each month");
  rep.notes.push_back(fmt::format("{} base rows (Sobol' sequence, power of two), {} factors: {} model runs; {:g} % bootstrap "
                                  "intervals from {} resamples",
                                  n, idx.size(), rep.model_runs, o.level * 100, o.bootstrap));
  if (metric.stat == Stat::prob)
    rep.notes.push_back("the metric is a probability: indices decompose the variance of the per-path 0/1 outcome");
  else if (metric.stat == Stat::quantile || metric.stat == Stat::sd)
    rep.notes.push_back("indices decompose the variance of the per-path quantity " + metric.path.text +
                        " (a quantile or sd is not a per-path quantity)");
  rep.notes.push_back("small negative indices are estimation noise: read them as 0");
  return rep;
}

// ------------------------------------------------------------------ morris

SensitivityReport morris(const Plan& plan, const Metric& metric, const SensitivityOptions& o, const std::vector<Factor>& factors) {
  SensitivityReport rep;
  const std::size_t k = plan.uniform_keys.size();
  if (k == 0) throw std::invalid_argument("morris: the scenario has no uncertain input drawn once per path");
  std::vector<std::vector<std::size_t>> fr;
  for (const auto& f : factors) fr.push_back(f.rows);
  std::size_t r = static_cast<std::size_t>(o.trajectories);
  if (o.paths > 0) r = std::max<std::size_t>(2, static_cast<std::size_t>(o.paths) / (factors.size() + 1));
  MorrisDesign d = morris_design(k, fr, r, o.levels, o.seed);
  const std::size_t P = d.points.size() / k;
  std::vector<double> U(k * P);  // row-major k x P for matrix_source
  for (std::size_t p = 0; p < P; ++p)
    for (std::size_t c = 0; c < k; ++c) U[c * P + p] = d.points[p * k + c];
  RunOptions ro = base_options(o, static_cast<long long>(P));
  ro.base_case = true;
  ro.rows_from_uniforms.assign(k, 1);
  ro.uniform_source = matrix_source(&U, k, P);
  auto f = run_metric(plan, metric, ro);
  check_finite(f, metric);
  rep.model_runs = static_cast<long long>(P);
  rep.n = static_cast<long long>(r);
  auto eff = morris_effects(d, f);
  Estimate e = estimate_metric(metric, f);
  rep.base = e.value;
  rep.base_se = e.se;
  for (std::size_t i = 0; i < factors.size(); ++i) {
    SensitivityRow row;
    row.factor = factors[i].name;
    for (auto rr : factors[i].rows) row.members.push_back(plan.uniform_names[rr]);
    row.mu_star = eff[i].mu_star;
    row.mu = eff[i].mu;
    row.sigma = eff[i].sigma;
    row.importance = row.mu_star;
    rep.rows.push_back(row);
  }
  rep.notes.push_back(fmt::format("{} trajectories x {} points on a {}-level grid: {} model runs; an elementary effect is the "
                                  "change of the metric when a factor moves up by half its probability range",
                                  r, factors.size() + 1, o.levels, P));
  rep.notes.push_back("grant decisions and inputs drawn each month are at their base values (deterministic model)");
  if (!plan.correlations.empty())
    rep.warnings.push_back("inputs are correlated (" + correlations_text(plan) + "): the Morris design moves them independently");
  return rep;
}

const char* method_name(SensitivityMethod m) {
  switch (m) {
    case SensitivityMethod::tornado: return "tornado";
    case SensitivityMethod::correlation: return "correlation";
    case SensitivityMethod::sobol: return "sobol";
    case SensitivityMethod::morris: return "morris";
  }
  return "";
}

}  // namespace

// ------------------------------------------------------------------ estimators

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
  bool cx = false, cy = false;
  auto rx = standardise(ranks(x), &cx), ry = standardise(ranks(y), &cy);
  if (cx || cy) return kNaN;
  double s = 0;
  for (std::size_t i = 0; i < rx.size(); ++i) s += rx[i] * ry[i];
  return s / static_cast<double>(rx.size() - 1);
}

std::vector<double> srrc(const std::vector<std::vector<double>>& xs, const std::vector<double>& y, double* r2) {
  const std::size_t k = xs.size(), n = y.size();
  std::vector<double> out(k, 0.0);
  std::vector<std::size_t> used;
  Eigen::MatrixXd X(static_cast<Eigen::Index>(n), 0);
  std::vector<std::vector<double>> cols;
  for (std::size_t c = 0; c < k; ++c) {
    bool constant = false;
    auto z = standardise(ranks(xs[c]), &constant);
    if (constant) continue;
    used.push_back(c);
    cols.push_back(std::move(z));
  }
  bool cy = false;
  auto zy = standardise(ranks(y), &cy);
  if (r2) *r2 = kNaN;
  if (cy || cols.empty() || n < cols.size() + 2) return out;
  X.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(cols.size()));
  for (std::size_t c = 0; c < cols.size(); ++c)
    for (std::size_t i = 0; i < n; ++i) X(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)) = cols[c][i];
  Eigen::Map<const Eigen::VectorXd> Y(zy.data(), static_cast<Eigen::Index>(n));
  Eigen::VectorXd b = X.colPivHouseholderQr().solve(Y);
  for (std::size_t c = 0; c < used.size(); ++c) out[used[c]] = b(static_cast<Eigen::Index>(c));
  if (r2) {
    double ss_res = (Y - X * b).squaredNorm(), ss_tot = Y.squaredNorm();
    *r2 = ss_tot > 0 ? 1 - ss_res / ss_tot : kNaN;
  }
  return out;
}

void saltelli_matrices(std::size_t k, std::size_t n, std::uint64_t seed, std::vector<double>& A, std::vector<double>& B) {
  SobolPoints sp(2 * k, seed);
  std::vector<double> pts(2 * k * n);
  sp.points(0, n, pts.data());
  A.assign(pts.begin(), pts.begin() + static_cast<std::ptrdiff_t>(k * n));
  B.assign(pts.begin() + static_cast<std::ptrdiff_t>(k * n), pts.end());
}

std::vector<SobolIndex> sobol_estimate(const std::vector<double>& fA0, const std::vector<double>& fB0,
                                       const std::vector<std::vector<double>>& fAB0, int bootstrap, double level,
                                       std::uint64_t seed) {
  const std::size_t n = fA0.size(), F = fAB0.size();
  if (fB0.size() != n) throw std::invalid_argument("sobol_estimate: fA and fB differ in size");
  for (const auto& v : fAB0)
    if (v.size() != n) throw std::invalid_argument("sobol_estimate: fAB sizes differ from fA");
  // centre on the pooled mean: same estimands, less variance
  double c = 0;
  for (std::size_t j = 0; j < n; ++j) c += fA0[j] + fB0[j];
  c /= 2.0 * static_cast<double>(n);
  std::vector<double> fA(n), fB(n);
  for (std::size_t j = 0; j < n; ++j) {
    fA[j] = fA0[j] - c;
    fB[j] = fB0[j] - c;
  }
  std::vector<std::vector<double>> fAB(F, std::vector<double>(n));
  for (std::size_t f = 0; f < F; ++f)
    for (std::size_t j = 0; j < n; ++j) fAB[f][j] = fAB0[f][j] - c;

  auto estimate = [&](const std::vector<std::size_t>* idx, std::vector<double>& s1, std::vector<double>& st) {
    const std::size_t m = idx ? idx->size() : n;
    double sum = 0, sum2 = 0;
    for (std::size_t t = 0; t < m; ++t) {
      std::size_t j = idx ? (*idx)[t] : t;
      sum += fA[j] + fB[j];
      sum2 += fA[j] * fA[j] + fB[j] * fB[j];
    }
    double mm = 2.0 * static_cast<double>(m);
    double V = (sum2 - sum * sum / mm) / (mm - 1);
    s1.assign(F, kNaN);
    st.assign(F, kNaN);
    for (std::size_t f = 0; f < F; ++f) {
      double a = 0, b = 0;
      for (std::size_t t = 0; t < m; ++t) {
        std::size_t j = idx ? (*idx)[t] : t;
        double d = fAB[f][j] - fA[j];
        a += fB[j] * d;
        b += d * d;
      }
      s1[f] = a / static_cast<double>(m) / V;
      st[f] = b / (2.0 * static_cast<double>(m)) / V;
    }
  };
  std::vector<double> s1, st;
  estimate(nullptr, s1, st);
  std::vector<SobolIndex> out(F);
  for (std::size_t f = 0; f < F; ++f) {
    out[f].s1 = s1[f];
    out[f].st = st[f];
    out[f].s1_lo = out[f].s1_hi = s1[f];
    out[f].st_lo = out[f].st_hi = st[f];
  }
  if (bootstrap <= 1 || n < 2) return out;
  std::vector<std::vector<double>> bs1(F), bst(F);
  std::vector<std::size_t> idx(n);
  const std::uint64_t key = name_key("sobol-bootstrap");
  for (int b = 0; b < bootstrap; ++b) {
    for (std::size_t j = 0; j < n; ++j)
      idx[j] = std::min(n - 1, static_cast<std::size_t>(stream_uniform(seed, key, static_cast<std::uint64_t>(b), static_cast<std::uint32_t>(j)) *
                                                         static_cast<double>(n)));
    std::vector<double> a, t;
    estimate(&idx, a, t);
    for (std::size_t f = 0; f < F; ++f) {
      bs1[f].push_back(a[f]);
      bst[f].push_back(t[f]);
    }
  }
  const double alpha = (1 - level) / 2;
  for (std::size_t f = 0; f < F; ++f) {
    out[f].s1_lo = percentile_of(bs1[f], alpha);
    out[f].s1_hi = percentile_of(bs1[f], 1 - alpha);
    out[f].st_lo = percentile_of(bst[f], alpha);
    out[f].st_hi = percentile_of(bst[f], 1 - alpha);
  }
  return out;
}

std::vector<SobolIndex> sobol_indices(std::size_t k, std::size_t n, const std::function<double(const double*)>& f,
                                      std::vector<std::vector<std::size_t>> factors, int bootstrap, double level,
                                      std::uint64_t seed) {
  if (factors.empty())
    for (std::size_t i = 0; i < k; ++i) factors.push_back({i});
  std::vector<double> A, B;
  saltelli_matrices(k, n, seed, A, B);
  std::vector<double> x(k);
  auto eval = [&](const std::vector<double>& M) {
    std::vector<double> out(n);
    for (std::size_t j = 0; j < n; ++j) {
      for (std::size_t i = 0; i < k; ++i) x[i] = M[i * n + j];
      out[j] = f(x.data());
    }
    return out;
  };
  auto fA = eval(A), fB = eval(B);
  std::vector<std::vector<double>> fAB;
  for (const auto& fac : factors) {
    std::vector<double> M = A;
    for (auto r : fac) std::copy_n(B.begin() + static_cast<std::ptrdiff_t>(r * n), n, M.begin() + static_cast<std::ptrdiff_t>(r * n));
    fAB.push_back(eval(M));
  }
  return sobol_estimate(fA, fB, fAB, bootstrap, level, seed);
}

MorrisDesign morris_design(std::size_t k, const std::vector<std::vector<std::size_t>>& factors0, std::size_t r, int levels,
                           std::uint64_t seed) {
  if (levels < 2 || levels % 2) throw std::invalid_argument("morris: the number of levels must be even and >= 2");
  std::vector<std::vector<std::size_t>> factors = factors0;
  if (factors.empty())
    for (std::size_t i = 0; i < k; ++i) factors.push_back({i});
  const std::size_t F = factors.size();
  MorrisDesign d;
  d.k = k;
  d.factors = F;
  d.r = r;
  d.points.assign(r * (F + 1) * k, 0.5);
  d.moved.assign(r * F, 0);
  d.sign.assign(r * F, 1.0);
  const std::uint64_t key = name_key("morris");
  const int half = levels / 2;
  auto u_of = [levels](int l) { return (l + 0.5) / levels; };
  for (std::size_t t = 0; t < r; ++t) {
    std::uint32_t ctr = 0;
    auto draw = [&]() { return stream_uniform(seed, key, t, ctr++); };
    std::vector<int> lev(F);
    for (std::size_t f = 0; f < F; ++f) lev[f] = std::min(levels - 1, static_cast<int>(draw() * levels));
    std::vector<std::size_t> order(F);
    std::iota(order.begin(), order.end(), 0);
    for (std::size_t i = F; i > 1; --i) std::swap(order[i - 1], order[std::min(i - 1, static_cast<std::size_t>(draw() * static_cast<double>(i)))]);
    double* p0 = d.points.data() + t * (F + 1) * k;
    for (std::size_t f = 0; f < F; ++f)
      for (auto c : factors[f]) p0[c] = u_of(lev[f]);
    for (std::size_t s = 0; s < F; ++s) {
      double* prev = p0 + s * k;
      double* cur = prev + k;
      std::copy_n(prev, k, cur);
      std::size_t f = order[s];
      int to = lev[f] < half ? lev[f] + half : lev[f] - half;
      for (auto c : factors[f]) cur[c] = u_of(to);
      d.moved[t * F + s] = f;
      d.sign[t * F + s] = to > lev[f] ? 1.0 : -1.0;
    }
  }
  return d;
}

std::vector<MorrisEffect> morris_effects(const MorrisDesign& d, const std::vector<double>& f) {
  const std::size_t F = d.factors;
  std::vector<std::vector<double>> ee(F);
  for (std::size_t t = 0; t < d.r; ++t)
    for (std::size_t s = 0; s < F; ++s) {
      std::size_t base = t * (F + 1) + s;
      ee[d.moved[t * F + s]].push_back(d.sign[t * F + s] * (f[base + 1] - f[base]));
    }
  std::vector<MorrisEffect> out(F);
  for (std::size_t i = 0; i < F; ++i) {
    double m = 0, ma = 0;
    for (double e : ee[i]) {
      m += e;
      ma += std::fabs(e);
    }
    const double n = static_cast<double>(ee[i].size());
    m /= n;
    ma /= n;
    double s = 0;
    for (double e : ee[i]) s += (e - m) * (e - m);
    out[i].mu = m;
    out[i].mu_star = ma;
    out[i].sigma = n > 1 ? std::sqrt(s / (n - 1)) : 0.0;
  }
  return out;
}

// ------------------------------------------------------------------ driver and output

namespace {

/// The memory a method needs before it starts (designs, per-path metric columns, one run):
/// refused with what to lower rather than dying of bad_alloc half-way.
void check_sensitivity_memory(const Plan& plan, const SensitivityOptions& o, std::size_t n_factors) {
  const double k = static_cast<double>(plan.uniform_keys.size()), F = static_cast<double>(n_factors);
  const std::string m = method_name(o.method);
  switch (o.method) {
    case SensitivityMethod::tornado:
    case SensitivityMethod::correlation: {
      const long long N = o.paths > 0 ? o.paths : plan.simulation.paths;
      const double per_path = o.method == SensitivityMethod::correlation ? 8.0 * (4 * k + 2) : 16.0;
      check_memory(run_memory_bytes(plan, N, false) + per_path * static_cast<double>(N),
                   fmt::format("sensitivity --method {} with {} paths", m, N), "--paths");
      break;
    }
    case SensitivityMethod::sobol: {
      const long long want = o.paths > 0 ? o.paths : 1024;
      double n = 1;
      while (n < static_cast<double>(want)) n *= 2;
      // A, B, the generated points and one A_B matrix (k x n each), one metric column per factor
      check_memory(8.0 * n * (5 * k + F + 3) + run_memory_bytes(plan, static_cast<long long>(n), false),
                   fmt::format("sensitivity --method sobol with {:.0f} base rows and {} inputs", n, k), "--paths");
      break;
    }
    case SensitivityMethod::morris: {
      const double r = o.paths > 0 ? std::max(2.0, std::floor(static_cast<double>(o.paths) / (F + 1)))
                                   : static_cast<double>(std::max(o.trajectories, 0));
      const double P = r * (F + 1);
      check_memory(8.0 * P * (2 * k + 2) + run_memory_bytes(plan, static_cast<long long>(std::min(P, 9e18)), false),
                   fmt::format("sensitivity --method morris with {:.0f} model runs", P), "--paths or --trajectories");
      break;
    }
  }
}

}  // namespace

SensitivityReport run_sensitivity(const Plan& plan, const Metric& metric, const SensitivityOptions& o) {
  if (o.paths < 0 || o.paths > Limits::max_paths)
    throw std::invalid_argument(fmt::format("--paths {}: expected 1..{} (or 0 for the method's default)", o.paths, Limits::max_paths));
  if (!(o.low > 0 && o.low < o.high && o.high < 100))
    throw std::invalid_argument(fmt::format("--low {:g} --high {:g}: expected percentiles with 0 < low < high < 100", o.low, o.high));
  if (!(o.level >= 0.5 && o.level < 1))
    throw std::invalid_argument(fmt::format("--level {:g}: expected a confidence level in [0.5, 1)", o.level));
  if (o.bootstrap < 0 || o.bootstrap > 100000)
    throw std::invalid_argument(fmt::format("--bootstrap {}: expected 0..100000", o.bootstrap));
  if (o.trajectories < 2 || o.trajectories > 100000)
    throw std::invalid_argument(fmt::format("--trajectories {}: expected 2..100000", o.trajectories));
  auto factors = make_factors(plan, o.groups);
  if (factors.empty() && o.method != SensitivityMethod::correlation)
    throw std::invalid_argument("the scenario has no uncertain input drawn once per path: nothing to analyse");
  check_sensitivity_memory(plan, o, factors.size());
  SensitivityReport rep;
  switch (o.method) {
    case SensitivityMethod::tornado: rep = tornado(plan, metric, o, factors); break;
    case SensitivityMethod::correlation: rep = correlation(plan, metric, o); break;
    case SensitivityMethod::sobol: rep = sobol(plan, metric, o, factors); break;
    case SensitivityMethod::morris: rep = morris(plan, metric, o, factors); break;
  }
  rep.method = method_name(o.method);
  rep.metric = metric.text;
  rep.scenario = plan.name;
  std::stable_sort(rep.rows.begin(), rep.rows.end(),
                   [](const SensitivityRow& a, const SensitivityRow& b) { return a.importance > b.importance; });
  bool each_month = false;
  for (const auto& s : plan.samples) each_month |= s.each_month;
  if (each_month && o.method != SensitivityMethod::sobol)
    rep.notes.push_back("inputs drawn each month are not factors here (they vary within a path)");
  return rep;
}

namespace {

nlohmann::json jnum(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

bool is_prob(const SensitivityReport& r) { return r.metric.rfind("prob", 0) == 0 || r.metric.rfind("P(", 0) == 0; }

std::string fv(const SensitivityReport& r, double v) {
  if (std::isnan(v)) return "-";
  if (is_prob(r)) return fmt::format("{:.1f} %", 100 * v);
  if (std::fabs(v) >= 1000) return format_euros(v);
  return fmt::format("{:.4g}", v);
}

std::string fin(double v) {
  if (std::isnan(v)) return "";
  if (std::fabs(v) >= 1000) return format_euros(v);
  return fmt::format("{:.4g}", v);
}

}  // namespace

nlohmann::json sensitivity_json(const SensitivityReport& r) {
  nlohmann::json j;
  j["scenario"] = r.scenario;
  j["method"] = r.method;
  j["metric"] = r.metric;
  j["base"] = {{"value", jnum(r.base)}, {"se", jnum(r.base_se)}};
  j["n"] = r.n;
  j["model_runs"] = r.model_runs;
  if (r.method == "sobol") {
    j["variance"] = jnum(r.variance);
    j["sum_first_order"] = jnum(r.sum_s1);
  }
  if (r.method == "correlation") j["r2"] = jnum(r.r2);
  j["warnings"] = r.warnings;
  j["notes"] = r.notes;
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& x : r.rows) {
    nlohmann::json o = {{"factor", x.factor}, {"inputs", x.members}};
    if (r.method == "tornado") {
      o["input_low"] = jnum(x.input_low);
      o["input_high"] = jnum(x.input_high);
      o["metric_low"] = jnum(x.at_low);
      o["metric_high"] = jnum(x.at_high);
      o["swing"] = jnum(x.swing);
      if (x.se_low > 0 || x.se_high > 0) {
        o["se_low"] = jnum(x.se_low);
        o["se_high"] = jnum(x.se_high);
      }
    } else if (r.method == "correlation") {
      o["spearman"] = jnum(x.spearman);
      o["srrc"] = jnum(x.srrc);
    } else if (r.method == "sobol") {
      o["first_order"] = {{"value", jnum(x.s1)}, {"lo", jnum(x.s1_lo)}, {"hi", jnum(x.s1_hi)}};
      o["total"] = {{"value", jnum(x.st)}, {"lo", jnum(x.st_lo)}, {"hi", jnum(x.st_hi)}};
    } else {
      o["mu_star"] = jnum(x.mu_star);
      o["mu"] = jnum(x.mu);
      o["sigma"] = jnum(x.sigma);
    }
    rows.push_back(o);
  }
  j["factors"] = rows;
  return j;
}

void print_sensitivity(std::ostream& os, const SensitivityReport& r) {
  os << fmt::format("amorce sensitivity — {}\nmethod {}, metric {}\n", r.scenario, r.method, r.metric);
  if (r.method == "tornado" && r.base_se == 0)
    os << fmt::format("base case: {}\n", fv(r, r.base));
  else
    os << fmt::format("Monte Carlo estimate: {} ± {}\n", fv(r, r.base), fv(r, r.base_se));
  for (const auto& w : r.warnings) os << "\n!! " << w << "\n";
  os << "\n";
  std::size_t w = 8;
  for (const auto& x : r.rows) w = std::max(w, x.factor.size());
  w = std::min<std::size_t>(w, 40);
  if (r.method == "tornado") {
    os << fmt::format("{:<{}}  {:>12} {:>12}  {:>14} {:>14}  {:>14}\n", "factor", w, "input low", "input high", "metric low",
                      "metric high", "swing");
    for (const auto& x : r.rows)
      os << fmt::format("{:<{}}  {:>12} {:>12}  {:>14} {:>14}  {:>14}\n", x.factor, w, fin(x.input_low), fin(x.input_high),
                        fv(r, x.at_low), fv(r, x.at_high), fv(r, x.swing));
  } else if (r.method == "correlation") {
    os << fmt::format("{:<{}}  {:>10} {:>10}\n", "input", w, "spearman", "srrc");
    for (const auto& x : r.rows) os << fmt::format("{:<{}}  {:>+10.3f} {:>+10.3f}\n", x.factor, w, x.spearman, x.srrc);
    os << fmt::format("\nR2 of the rank regression: {:.3f}\n", r.r2);
  } else if (r.method == "sobol") {
    os << fmt::format("{:<{}}  {:>7} {:>17}   {:>7} {:>17}\n", "factor", w, "S1", "interval", "ST", "interval");
    for (const auto& x : r.rows)
      os << fmt::format("{:<{}}  {:>7.3f} [{:>6.3f}, {:>6.3f}]   {:>7.3f} [{:>6.3f}, {:>6.3f}]\n", x.factor, w, x.s1, x.s1_lo,
                        x.s1_hi, x.st, x.st_lo, x.st_hi);
    os << fmt::format("\nsum of first-order indices {:.3f} (1 = additive model; the rest is interactions)\n", r.sum_s1);
  } else {
    os << fmt::format("{:<{}}  {:>14} {:>14} {:>14}\n", "factor", w, "mu*", "mu", "sigma");
    for (const auto& x : r.rows)
      os << fmt::format("{:<{}}  {:>14} {:>14} {:>14}\n", x.factor, w, fv(r, x.mu_star), fv(r, x.mu), fv(r, x.sigma));
  }
  for (const auto& x : r.rows)
    if (x.members.size() > 1) {
      os << fmt::format("  group {}:", x.factor);
      for (const auto& m : x.members) os << " " << m;
      os << "\n";
    }
  for (const auto& n : r.notes) os << "- " << n << "\n";
  os << fmt::format("{} model runs (paths simulated)\n", r.model_runs);
}

}  // namespace amorce
