#pragma once
/// Sampling laws of uncertain inputs (spec section 2): parameter checks, exact inverse CDFs
/// (Boost.Math) and a table-driven fast inverse for laws whose parameters are constant.
/// Every draw is `quantile(law, u)` of a uniform u, so LHS strata, Sobol points and copula
/// ranks carry over to the input values unchanged.
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "amorce/scenario.hpp"

namespace amorce {

/// Parameters of one law for one path, after expressions are evaluated.
struct LawParams {
  Law law = Law::uniform;
  /// Positional parameters, in the order listed in scenario.hpp's enum Law.
  double p[3] = {0, 0, 0};
  /// Truncation bounds (normal) or scaling bounds (beta; an infinite bound means 0 / 1).
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  double lambda = 4;  ///< PERT shape
  /// Discrete / empirical values and discrete weights (not owned; weights unused by empirical).
  const double* values = nullptr;
  const double* weights = nullptr;
  int n_values = 0;
};

/// "" when the parameters are valid, else a human message such as
/// "pert: mode 12 is not between min 15 and max 20".
std::string check_params(const LawParams& law);

/// Exact inverse CDF at u in (0,1) (Boost.Math). Discrete laws (poisson, binomial,
/// bernoulli, discrete, empirical) return the smallest x with F(x) >= u; discrete and
/// empirical values are sorted by value first so the quantile is monotone in u.
/// Preconditions: check_params(law) is "" (Boost throws std::domain_error otherwise).
double quantile(const LawParams& law, double u);

/// Exact CDF F(x) = P(X <= x) (used by goodness-of-fit tests and reports).
double cdf(const LawParams& law, double x);

/// The base-case value: the mode for triangular and PERT, the median of the law otherwise,
/// i.e. quantile(0.5) (so bernoulli(0.75) -> 1, bernoulli(0.5) -> 0, and a truncated
/// normal's base is the median of the truncated law).
double base_value(const LawParams& law);

/// True for laws with a finite (or countable) support whose quantile is a step function.
bool is_discrete(Law law);

/// Fast inverse for laws whose parameters do not vary by path.
///
/// Continuous laws: cubic Hermite interpolation of exact quantiles x(w) with exact slopes
/// dx/dw = 1/pdf(x), on dyadic bands w in [2^-(b+1), 2^-b), b = 1..kBands, of w = u
/// (lower half) and w = 1-u (upper half), each band cut into kNodes equal steps: the grid
/// gets denser in the tails at constant relative resolution; beyond 2^-(kBands+1) from 0 or
/// 1 (probability 1.5e-8 in all) the exact quantile is used. Uniform and triangular use their
/// closed-form quantile directly. The error, measured at build at the midpoints of all
/// steps (where Hermite error peaks), must satisfy
///   |x_fast - x_exact| <= kTolerance * max(q99.9 - q0.1, |x_exact|);
/// if it does not (extreme shapes), the object falls back to the exact quantile.
/// Discrete laws: a table of F at each support point and a binary search, which gives
/// exactly quantile()'s answer (exact fallback outside the tabulated range).
class FastQuantile {
 public:
  static constexpr int kBands = 26;
  static constexpr int kNodes = 32;
  static constexpr double kTolerance = 1e-7;

  explicit FastQuantile(const LawParams& law);
  double operator()(double u) const;
  void apply(const double* u, double* out, std::size_t n) const;
  /// Largest |x_fast - x_exact| seen at build (0 when the law is evaluated exactly).
  double max_abs_error() const { return max_abs_error_; }
  /// Largest |x_fast - x_exact| / max(q99.9 - q0.1, |x_exact|) seen at build.
  double max_scaled_error() const { return max_scaled_error_; }
  /// True when the exact quantile is used for every u.
  bool exact() const { return mode_ == Mode::exact; }

 private:
  enum class Mode { exact, table, discrete };
  double interpolate(const std::vector<double>& x, const std::vector<double>& dx, double w) const;

  LawParams law_;
  std::vector<double> owned_values_, owned_weights_;  ///< copies so the object owns its data
  Mode mode_ = Mode::exact;
  // table mode: node (b, j) at index (b-1)*(kNodes+1)+j; dx is dx/ds with s the step fraction
  std::vector<double> lo_x_, lo_dx_, hi_x_, hi_dx_;
  // discrete mode: support values and F at each, ascending
  std::vector<double> support_, cum_;
  double max_abs_error_ = 0;
  double max_scaled_error_ = 0;
};

}  // namespace amorce
