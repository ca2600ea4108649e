#pragma once
/// Sensitivity analysis: which uncertain input drives a metric (docs/sensitivity.md).
/// Drivers of the same engine: designed uniforms go through RunOptions::uniform_source
/// (Saltelli, Morris) or base_case + rows_from_uniforms (tornado).
///
///  - tornado:     each factor at its low / high percentile, others at base (one-at-a-time);
///                 on a statistic (prob, mean, quantile) the Monte Carlo is rerun with the
///                 factor fixed at that percentile, common random numbers for the others.
///  - correlation: Spearman rank correlation and standardised rank regression coefficients
///                 (SRRC) of every per-path input with the metric, from one Monte Carlo run.
///  - sobol:       first-order (Saltelli 2010) and total (Jansen) indices on a Saltelli design
///                 built from a 2k-dimensional Sobol' sequence, with bootstrap intervals;
///                 groups are drawn jointly with their correlations (sobol_design.hpp).
///  Month by month (--over-time): sensitivity_over_time.hpp.
///  - morris:      elementary effects (mu*, mu, sigma) on r trajectories over a level grid.
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "amorce/metric.hpp"
#include "amorce/plan.hpp"

namespace amorce {

enum class SensitivityMethod { tornado, correlation, sobol, morris };

struct SensitivityOptions {
  SensitivityMethod method = SensitivityMethod::tornado;
  long long paths = 0;  ///< 0: method default (scenario paths; sobol 1024 base rows; morris r x (k+1))
  std::uint64_t seed = 42;
  int threads = 0;
  Sampling sampling = Sampling::lhs;
  double low = 10, high = 90;  ///< tornado percentiles
  /// Named groups of inputs moved together as one factor (tornado, sobol, morris); sobol draws
  /// a group jointly with the correlations among its members (grouped indices of the correlated model).
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;
  int bootstrap = 500;   ///< sobol bootstrap resamples
  double level = 0.95;   ///< confidence level of the intervals
  int trajectories = 20; ///< morris r
  int levels = 4;        ///< morris grid levels (even)
};

/// One factor (an input or a group of inputs) and its measures; NaN where not applicable.
struct SensitivityRow {
  std::string factor;
  std::vector<std::string> members;
  std::string label;
  double importance = 0;  ///< the sort key
  // tornado
  double input_low = 0, input_high = 0, input_base = 0;
  double at_low = 0, at_high = 0, swing = 0, se_low = 0, se_high = 0;
  // correlation
  double spearman = 0, srrc = 0;
  // sobol
  double s1 = 0, s1_lo = 0, s1_hi = 0, st = 0, st_lo = 0, st_hi = 0;
  // morris
  double mu_star = 0, mu = 0, sigma = 0;
};

struct SensitivityReport {
  std::string method, metric, scenario;
  double base = 0, base_se = 0;  ///< metric in the base case / base Monte Carlo
  long long model_runs = 0;      ///< paths simulated in all
  long long n = 0;               ///< base sample size (paths, Saltelli rows, trajectories)
  double variance = 0;           ///< sobol: variance of the per-path metric
  double r2 = 0;                 ///< correlation: R^2 of the rank regression
  double sum_s1 = 0;             ///< sobol
  std::vector<std::string> warnings, notes;
  std::vector<SensitivityRow> rows;  ///< sorted by importance, largest first
};

SensitivityReport run_sensitivity(const Plan& plan, const Metric& metric, const SensitivityOptions& options);
nlohmann::json sensitivity_json(const SensitivityReport& r);
void print_sensitivity(std::ostream& os, const SensitivityReport& r);

// ------------------------------------------------------------- estimators (testable alone)

/// First-order and total index of one factor with bootstrap percentile intervals.
struct SobolIndex {
  double s1 = 0, s1_lo = 0, s1_hi = 0;
  double st = 0, st_lo = 0, st_hi = 0;
};

/// Saltelli 2010 first order S = mean(fB (fABi - fA)) / V and Jansen total
/// ST = mean((fA - fABi)^2) / 2V, V the variance of fA and fB pooled; n rows each.
/// Intervals: `bootstrap` resamples of the rows (Philox stream keyed by `seed`), percentile
/// method at `level`.
std::vector<SobolIndex> sobol_estimate(const std::vector<double>& fA, const std::vector<double>& fB,
                                       const std::vector<std::vector<double>>& fAB, int bootstrap = 500,
                                       double level = 0.95, std::uint64_t seed = 1);

/// Saltelli design on a digitally shifted Sobol' sequence of dimension 2k: A (first k
/// coordinates) and B (last k) as k x n row-major arrays of uniforms in (0,1).
void saltelli_matrices(std::size_t k, std::size_t n, std::uint64_t seed, std::vector<double>& A, std::vector<double>& B);

/// Sobol indices of f(u), u in (0,1)^k, with factors = groups of coordinates (each
/// coordinate in at most one factor; an empty `factors` means one factor per coordinate).
std::vector<SobolIndex> sobol_indices(std::size_t k, std::size_t n, const std::function<double(const double*)>& f,
                                      std::vector<std::vector<std::size_t>> factors = {}, int bootstrap = 500,
                                      double level = 0.95, std::uint64_t seed = 1);

/// Morris design: `r` trajectories of (factors + 1) points each, row-major points x k, on a
/// grid of `levels` levels at u = (l + 1/2) / levels; a factor's members move together by
/// levels/2 grid steps (half the probability range). `moved[t * F + s]` = factor moved at step s.
struct MorrisDesign {
  std::size_t k = 0, factors = 0, r = 0;
  std::vector<double> points;     ///< (r * (factors + 1)) x k
  std::vector<std::size_t> moved; ///< r x factors
  std::vector<double> sign;       ///< r x factors: +1 up, -1 down
};
MorrisDesign morris_design(std::size_t k, const std::vector<std::vector<std::size_t>>& factors, std::size_t r, int levels,
                           std::uint64_t seed);
struct MorrisEffect {
  double mu_star = 0, mu = 0, sigma = 0;
};
/// Elementary effects (change of f for an upward move of half the probability range).
std::vector<MorrisEffect> morris_effects(const MorrisDesign& d, const std::vector<double>& f);

/// Spearman rank correlation (average ranks for ties); NaN when a column is constant.
double spearman(const std::vector<double>& x, const std::vector<double>& y);
/// Standardised rank regression coefficients of y on the columns xs (Eigen least squares);
/// r2 receives the R^2 of the rank regression. Constant columns get 0.
std::vector<double> srrc(const std::vector<std::vector<double>>& xs, const std::vector<double>& y, double* r2 = nullptr);

}  // namespace amorce
