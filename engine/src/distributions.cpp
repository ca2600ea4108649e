#include "amorce/distributions.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/poisson.hpp>
#include <boost/math/distributions/triangular.hpp>
#include <boost/math/special_functions/erf.hpp>
#include <cmath>
#include <numeric>
#include <utility>

namespace amorce {
namespace {

namespace bm = boost::math;
/// integer_round_up: a discrete quantile is the smallest integer with cdf >= p (the
/// convention of the whole module); errors throw (never silently NaN).
using Policy = bm::policies::policy<bm::policies::discrete_quantile<bm::policies::integer_round_up>,
                                    bm::policies::promote_double<false>>;
/// Densities may be infinite at the edge of the support (beta with alpha < 1): return inf.
using PdfPolicy = bm::policies::policy<bm::policies::overflow_error<bm::policies::ignore_error>,
                                       bm::policies::promote_double<false>>;

constexpr double kSqrt2 = 1.4142135623730950488;
constexpr double kInvSqrt2Pi = 0.39894228040143267794;

const char* law_name(Law law) {
  switch (law) {
    case Law::uniform: return "uniform";
    case Law::triangular: return "triangular";
    case Law::pert: return "pert";
    case Law::normal: return "normal";
    case Law::lognormal: return "lognormal";
    case Law::between: return "between";
    case Law::beta: return "beta";
    case Law::gamma: return "gamma";
    case Law::poisson: return "poisson";
    case Law::binomial: return "binomial";
    case Law::bernoulli: return "bernoulli";
    case Law::discrete: return "discrete";
    case Law::empirical: return "empirical";
  }
  return "?";
}

int n_params(Law law) {
  switch (law) {
    case Law::triangular:
    case Law::pert: return 3;
    case Law::uniform:
    case Law::normal:
    case Law::lognormal:
    case Law::between:
    case Law::beta:
    case Law::gamma:
    case Law::binomial: return 2;
    case Law::poisson:
    case Law::bernoulli: return 1;
    case Law::discrete:
    case Law::empirical: return 0;
  }
  return 0;
}

/// Standard normal CDF and its complement, each with full relative precision in its tail.
double phi_cdf(double z) { return 0.5 * std::erfc(-z / kSqrt2); }
/// Standard normal quantile for p in (0, 0.5] (accurate in the lower tail).
double phi_inv_lower(double p) { return -kSqrt2 * bm::erfc_inv(2 * p); }



/// Phi^-1(0.95): the half-width in sd of a 90 % interval (between).
double z95() {
  static const double z = -phi_inv_lower(0.05);
  return z;
}

/// A (possibly truncated) normal in standard units: support [a, b] of N(0,1).
struct TruncNormal {
  double mean, sd, a, b;
  double pa, qb, mass;  // Phi(a), Phi(-b) = 1 - Phi(b), Phi(b) - Phi(a)

  TruncNormal(double m, double s, double lo, double hi) : mean(m), sd(s) {
    a = (lo - m) / s;
    b = (hi - m) / s;
    pa = phi_cdf(a);
    qb = phi_cdf(-b);
    // Compute the mass from the two small tails so it keeps its precision far out.
    if (b <= 0) mass = phi_cdf(b) - pa;
    else if (a >= 0) mass = phi_cdf(-a) - qb;
    else mass = 1 - pa - qb;
  }
  double quantile(double u) const {
    // F(x) = Phi(a) + u * mass; solve on whichever side of 0.5 keeps relative precision.
    const double p = pa + u * mass;
    double z = p <= 0.5 ? phi_inv_lower(p) : -phi_inv_lower(qb + (1 - u) * mass);
    z = std::clamp(z, a, b);
    return mean + sd * z;
  }
  double cdf(double x) const {
    const double z = (x - mean) / sd;
    if (z <= a) return 0;
    if (z >= b) return 1;
    const double f = z <= 0 ? (phi_cdf(z) - pa) / mass : 1 - (phi_cdf(-z) - qb) / mass;
    return std::clamp(f, 0.0, 1.0);
  }
  double pdf(double x) const {
    const double z = (x - mean) / sd;
    if (z < a || z > b) return 0;
    return kInvSqrt2Pi * std::exp(-0.5 * z * z) / (sd * mass);
  }
};

TruncNormal normal_of(const LawParams& l) {
  if (l.law == Law::between) {
    const double sd = (l.p[1] - l.p[0]) / (2 * z95());
    return {(l.p[0] + l.p[1]) / 2, sd, -INFINITY, INFINITY};
  }
  return {l.p[0], l.p[1], l.lo, l.hi};
}

bool between_is_lognormal(const LawParams& l) { return l.p[0] > 0 && l.p[1] > 0; }

bm::lognormal_distribution<double, Policy> lognormal_of(const LawParams& l) {
  if (l.law == Law::between) {
    const double m = (std::log(l.p[0]) + std::log(l.p[1])) / 2;
    const double s = (std::log(l.p[1]) - std::log(l.p[0])) / (2 * z95());
    return {m, s};
  }
  const double r = l.p[1] / l.p[0];
  const double s2 = std::log1p(r * r);
  return {std::log(l.p[0]) - s2 / 2, std::sqrt(s2)};
}

/// Beta on [loc, loc + width]: PERT or scaled beta.
struct ScaledBeta {
  bm::beta_distribution<double, Policy> d;
  double loc, width;
};

ScaledBeta beta_of(const LawParams& l) {
  if (l.law == Law::pert) {
    const double w = l.p[2] - l.p[0];
    const double al = 1 + l.lambda * (l.p[1] - l.p[0]) / w;
    const double be = 1 + l.lambda * (l.p[2] - l.p[1]) / w;
    return {bm::beta_distribution<double, Policy>(al, be), l.p[0], w};
  }
  const double lo = std::isfinite(l.lo) ? l.lo : 0.0;
  const double hi = std::isfinite(l.hi) ? l.hi : 1.0;
  return {bm::beta_distribution<double, Policy>(l.p[0], l.p[1]), lo, hi - lo};
}

/// Sorted (value, cumulative probability) table of a discrete or empirical law.
void discrete_table(const LawParams& l, std::vector<double>& values, std::vector<double>& cum) {
  const auto n = static_cast<std::size_t>(l.n_values);
  std::vector<std::pair<double, double>> vw(n);
  for (std::size_t i = 0; i < n; ++i)
    vw[i] = {l.values[i], l.law == Law::discrete ? l.weights[i] : 1.0};
  std::stable_sort(vw.begin(), vw.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  values.resize(n);
  cum.resize(n);
  double total = 0;
  for (const auto& [v, w] : vw) total += w;
  double acc = 0;
  for (std::size_t i = 0; i < n; ++i) {
    acc += vw[i].second;
    values[i] = vw[i].first;
    cum[i] = acc / total;
  }
  cum[n - 1] = 1;
}

/// Smallest support point whose cumulative probability reaches u.
double table_quantile(const std::vector<double>& values, const std::vector<double>& cum, double u) {
  const auto it = std::lower_bound(cum.begin(), cum.end(), u);
  const auto i = std::min<std::size_t>(static_cast<std::size_t>(it - cum.begin()), values.size() - 1);
  return values[i];
}

/// Smallest integer k with cdf(k) >= u, starting from Boost's rounded-up quantile and
/// correcting it against Boost's own cdf so quantile and cdf agree exactly.
template <class Dist>
double integer_quantile(const Dist& d, double u, double kmax) {
  double k = std::min(bm::quantile(d, u), kmax);
  while (k > 0 && bm::cdf(d, k - 1) >= u) k -= 1;
  while (k < kmax && bm::cdf(d, k) < u) k += 1;
  return k;
}

double pdf_continuous(const LawParams& l, double x) {
  switch (l.law) {
    case Law::uniform: return 1 / (l.p[1] - l.p[0]);
    case Law::triangular:
      return bm::pdf(bm::triangular_distribution<double, Policy>(l.p[0], l.p[1], l.p[2]), x);
    case Law::pert:
    case Law::beta: {
      const auto sb = beta_of(l);
      const bm::beta_distribution<double, PdfPolicy> d(sb.d.alpha(), sb.d.beta());
      return bm::pdf(d, std::clamp((x - sb.loc) / sb.width, 0.0, 1.0)) / sb.width;
    }
    case Law::normal: return normal_of(l).pdf(x);
    case Law::lognormal: return bm::pdf(lognormal_of(l), x);
    case Law::between:
      return between_is_lognormal(l) ? bm::pdf(lognormal_of(l), x) : normal_of(l).pdf(x);
    case Law::gamma: return bm::pdf(bm::gamma_distribution<double, PdfPolicy>(l.p[0], l.p[1]), x);
    default: return NAN;
  }
}

std::string num(double x) { return fmt::format("{}", x); }

}  // namespace

bool is_discrete(Law law) {
  return law == Law::poisson || law == Law::binomial || law == Law::bernoulli ||
         law == Law::discrete || law == Law::empirical;
}

/// Largest shape parameter (beta alpha/beta, PERT lambda, gamma shape) and count (Poisson
/// mean, binomial n) whose quantile Boost computes reliably and fast; far beyond any real use.
constexpr double kMaxShape = 1e6;
constexpr double kMaxCount = 1e6;

std::string check_params(const LawParams& l) {
  const std::string name = law_name(l.law);
  const int np = n_params(l.law);
  for (int i = 0; i < np; ++i)
    if (!std::isfinite(l.p[i])) return fmt::format("{}: parameter {} is {}", name, i + 1, num(l.p[i]));
  const double* p = l.p;
  switch (l.law) {
    case Law::uniform:
      if (!(p[0] < p[1])) return fmt::format("uniform: a {} must be less than b {}", num(p[0]), num(p[1]));
      return "";
    case Law::triangular:
    case Law::pert:
      if (!(p[0] < p[2]))
        return fmt::format("{}: min {} must be less than max {}", name, num(p[0]), num(p[2]));
      if (!std::isfinite(p[2] - p[0]))
        return fmt::format("{}: the range [{}, {}] is too wide to compute with", name, num(p[0]), num(p[2]));
      if (p[1] < p[0] || p[1] > p[2])
        return fmt::format("{}: mode {} is not between min {} and max {}", name, num(p[1]), num(p[0]),
                           num(p[2]));
      if (l.law == Law::pert && !(l.lambda >= 0 && std::isfinite(l.lambda)))
        return fmt::format("pert: lambda {} must be a finite number >= 0", num(l.lambda));
      if (l.law == Law::pert && l.lambda > kMaxShape)
        return fmt::format("pert: lambda {} is at most {:g} (the beta quantile cannot be computed beyond; use a fixed value)",
                           num(l.lambda), kMaxShape);
      return "";
    case Law::normal: {
      if (!(p[1] > 0)) return fmt::format("normal: sd {} must be > 0", num(p[1]));
      if (std::isnan(l.lo) || std::isnan(l.hi) || !(l.lo < l.hi))
        return fmt::format("normal: min {} must be less than max {}", num(l.lo), num(l.hi));
      const TruncNormal tn(p[0], p[1], l.lo, l.hi);
      if (!(tn.mass > 0))
        return fmt::format("normal: [{}, {}] has zero probability under mean {} and sd {}", num(l.lo),
                           num(l.hi), num(p[0]), num(p[1]));
      return "";
    }
    case Law::lognormal:
      if (!(p[0] > 0)) return fmt::format("lognormal: mean {} must be > 0", num(p[0]));
      if (!(p[1] > 0)) return fmt::format("lognormal: sd {} must be > 0", num(p[1]));
      return "";
    case Law::between:
      if (!(p[0] < p[1]))
        return fmt::format("between: p5 {} must be less than p95 {}", num(p[0]), num(p[1]));
      return "";
    case Law::beta: {
      if (!(p[0] > 0)) return fmt::format("beta: alpha {} must be > 0", num(p[0]));
      if (!(p[1] > 0)) return fmt::format("beta: beta {} must be > 0", num(p[1]));
      if (p[0] > kMaxShape || p[1] > kMaxShape)
        return fmt::format("beta: alpha {} and beta {} are at most {:g} each (the quantile cannot be computed beyond; so "
                           "concentrated a law is a fixed value)", num(p[0]), num(p[1]), kMaxShape);
      const double lo = std::isfinite(l.lo) ? l.lo : 0.0;
      const double hi = std::isfinite(l.hi) ? l.hi : 1.0;
      if (std::isnan(l.lo) || std::isnan(l.hi) || !(lo < hi))
        return fmt::format("beta: min {} must be less than max {}", num(lo), num(hi));
      return "";
    }
    case Law::gamma:
      if (!(p[0] > 0)) return fmt::format("gamma: shape {} must be > 0", num(p[0]));
      if (!(p[1] > 0)) return fmt::format("gamma: scale {} must be > 0", num(p[1]));
      if (p[0] > kMaxShape)
        return fmt::format("gamma: shape {} is at most {:g} (the quantile cannot be computed beyond; use a normal)", num(p[0]),
                           kMaxShape);
      return "";
    case Law::poisson:
      if (!(p[0] >= 0)) return fmt::format("poisson: mean {} must be >= 0", num(p[0]));
      if (p[0] > kMaxCount)
        return fmt::format("poisson: mean {} is at most {:g} (the quantile cannot be computed beyond; use a normal)", num(p[0]),
                           kMaxCount);
      return "";
    case Law::binomial:
      if (!(p[0] >= 0) || p[0] != std::floor(p[0]))
        return fmt::format("binomial: n {} must be a whole number >= 0", num(p[0]));
      if (!(p[1] >= 0 && p[1] <= 1)) return fmt::format("binomial: p {} must be between 0 and 1", num(p[1]));
      if (p[0] > kMaxCount)
        return fmt::format("binomial: n {} is at most {:g} (the quantile cannot be computed beyond; use a normal)", num(p[0]),
                           kMaxCount);
      return "";
    case Law::bernoulli:
      if (!(p[0] >= 0 && p[0] <= 1)) return fmt::format("bernoulli: p {} must be between 0 and 1", num(p[0]));
      return "";
    case Law::discrete:
    case Law::empirical: {
      if (l.n_values < 1 || l.values == nullptr) return name + ": needs at least one value";
      if (l.law == Law::discrete && l.weights == nullptr) return "discrete: weights are missing";
      double total = 0;
      for (int i = 0; i < l.n_values; ++i) {
        if (!std::isfinite(l.values[i]))
          return fmt::format("{}: value {} is {}", name, i + 1, num(l.values[i]));
        if (l.law == Law::discrete) {
          const double w = l.weights[i];
          if (!(w >= 0) || !std::isfinite(w))
            return fmt::format("discrete: weight {} is {}; weights must be finite and >= 0", i + 1, num(w));
          total += w;
        }
      }
      if (l.law == Law::discrete && !(total > 0) ) return "discrete: weights must not all be 0";
      if (l.law == Law::discrete && !std::isfinite(total)) return "discrete: the sum of the weights overflows";
      return "";
    }
  }
  return "unknown law";
}

double quantile(const LawParams& l, double u) {
  const double* p = l.p;
  switch (l.law) {
    case Law::uniform: return std::min(p[0] + u * (p[1] - p[0]), p[1]);
    case Law::triangular:
      return bm::quantile(bm::triangular_distribution<double, Policy>(p[0], p[1], p[2]), u);
    case Law::pert:
    case Law::beta: {
      const auto sb = beta_of(l);
      return sb.loc + sb.width * bm::quantile(sb.d, u);
    }
    case Law::normal: return normal_of(l).quantile(u);
    case Law::lognormal: return bm::quantile(lognormal_of(l), u);
    case Law::between:
      return between_is_lognormal(l) ? bm::quantile(lognormal_of(l), u) : normal_of(l).quantile(u);
    case Law::gamma: return bm::quantile(bm::gamma_distribution<double, Policy>(p[0], p[1]), u);
    case Law::poisson:
      if (p[0] == 0) return 0;
      return integer_quantile(bm::poisson_distribution<double, Policy>(p[0]), u, INFINITY);
    case Law::binomial:
      if (p[1] == 0 || p[0] == 0) return 0;
      if (p[1] == 1) return p[0];
      return integer_quantile(bm::binomial_distribution<double, Policy>(p[0], p[1]), u, p[0]);
    case Law::bernoulli: return u <= 1 - p[0] ? 0.0 : 1.0;
    case Law::discrete:
    case Law::empirical: {
      std::vector<double> values, cum;
      discrete_table(l, values, cum);
      return table_quantile(values, cum, u);
    }
  }
  return NAN;
}

double cdf(const LawParams& l, double x) {
  const double* p = l.p;
  switch (l.law) {
    case Law::uniform: return std::clamp((x - p[0]) / (p[1] - p[0]), 0.0, 1.0);
    case Law::triangular:
      if (x <= p[0]) return 0;
      if (x >= p[2]) return 1;
      return bm::cdf(bm::triangular_distribution<double, Policy>(p[0], p[1], p[2]), x);
    case Law::pert:
    case Law::beta: {
      const auto sb = beta_of(l);
      return bm::cdf(sb.d, std::clamp((x - sb.loc) / sb.width, 0.0, 1.0));
    }
    case Law::normal: return normal_of(l).cdf(x);
    case Law::lognormal: return x <= 0 ? 0 : bm::cdf(lognormal_of(l), x);
    case Law::between:
      if (between_is_lognormal(l)) return x <= 0 ? 0 : bm::cdf(lognormal_of(l), x);
      return normal_of(l).cdf(x);
    case Law::gamma:
      return x <= 0 ? 0 : bm::cdf(bm::gamma_distribution<double, Policy>(p[0], p[1]), x);
    case Law::poisson:
      if (x < 0) return 0;
      if (p[0] == 0) return 1;
      return bm::cdf(bm::poisson_distribution<double, Policy>(p[0]), std::floor(x));
    case Law::binomial:
      if (x < 0) return 0;
      if (x >= p[0]) return 1;
      if (p[1] == 0) return 1;
      if (p[1] == 1) return 0;
      return bm::cdf(bm::binomial_distribution<double, Policy>(p[0], p[1]), std::floor(x));
    case Law::bernoulli: return x < 0 ? 0 : (x < 1 ? 1 - p[0] : 1);
    case Law::discrete:
    case Law::empirical: {
      std::vector<double> values, cum;
      discrete_table(l, values, cum);
      const auto it = std::upper_bound(values.begin(), values.end(), x);
      return it == values.begin() ? 0 : cum[static_cast<std::size_t>(it - values.begin()) - 1];
    }
  }
  return NAN;
}

double base_value(const LawParams& l) {
  if (l.law == Law::triangular || l.law == Law::pert) return l.p[1];
  return quantile(l, 0.5);
}

// ---------------------------------------------------------------------------------------
// FastQuantile

FastQuantile::FastQuantile(const LawParams& law) : law_(law) {
  if (law.n_values > 0) {  // own the data: the caller's arrays may not outlive us
    owned_values_.assign(law.values, law.values + law.n_values);
    law_.values = owned_values_.data();
    if (law.weights != nullptr) {
      owned_weights_.assign(law.weights, law.weights + law.n_values);
      law_.weights = owned_weights_.data();
    }
  }
  const std::string err = check_params(law_);
  if (!err.empty()) throw std::invalid_argument(err);

  switch (law_.law) {
    case Law::uniform:
    case Law::triangular: mode_ = Mode::exact; return;  // closed forms, already fast
    case Law::bernoulli: mode_ = Mode::exact; return;
    case Law::discrete:
    case Law::empirical:
      discrete_table(law_, support_, cum_);
      mode_ = Mode::discrete;
      return;
    case Law::poisson:
    case Law::binomial: {
      // Tabulate F(k) over [q(1e-13), q(1 - 1e-13)]; outside it the exact quantile decides.
      const double k0 = quantile(law_, 1e-13), k1 = quantile(law_, 1 - 1e-13);
      if (k1 - k0 > (1 << 22)) { mode_ = Mode::exact; return; }
      for (double k = k0; k <= k1; k += 1) {
        support_.push_back(k);
        cum_.push_back(cdf(law_, k));
      }
      mode_ = Mode::discrete;
      return;
    }
    default: break;
  }

  // Continuous: Hermite tables on dyadic bands of w = u (lower) and w = 1 - u (upper).
  const std::size_t n = static_cast<std::size_t>(kBands) * (kNodes + 1);
  lo_x_.resize(n);
  lo_dx_.resize(n);
  hi_x_.resize(n);
  hi_dx_.resize(n);
  for (int b = 1; b <= kBands; ++b) {
    const double base = std::ldexp(1.0, -(b + 1));
    const double h = base / kNodes;
    for (int j = 0; j <= kNodes; ++j) {
      const double w = base + j * h;
      const std::size_t i = static_cast<std::size_t>(b - 1) * (kNodes + 1) + static_cast<std::size_t>(j);
      lo_x_[i] = quantile(law_, w);
      lo_dx_[i] = h / pdf_continuous(law_, lo_x_[i]);
      hi_x_[i] = quantile(law_, 1 - w);
      hi_dx_[i] = -h / pdf_continuous(law_, hi_x_[i]);
    }
  }
  mode_ = Mode::table;
  const double scale = quantile(law_, 0.999) - quantile(law_, 0.001);
  double worst_abs = 0, worst_scaled = 0;
  for (int b = 1; b <= kBands; ++b) {
    const double base = std::ldexp(1.0, -(b + 1));
    const double h = base / kNodes;
    for (int j = 0; j < kNodes; ++j) {
      const double w = base + (j + 0.5) * h;
      for (const double u : {w, 1 - w}) {
        const double exact = quantile(law_, u);
        const double err = std::abs((*this)(u)-exact);
        const double scaled = err / std::max(scale, std::abs(exact));
        // NaN (a zero or infinite density at a node) counts as a failure.
        worst_abs = std::isnan(err) ? INFINITY : std::max(worst_abs, err);
        worst_scaled = std::isnan(scaled) ? INFINITY : std::max(worst_scaled, scaled);
      }
    }
  }
  max_abs_error_ = worst_abs;
  max_scaled_error_ = worst_scaled;
  if (!(worst_scaled <= kTolerance)) {
    mode_ = Mode::exact;
    max_abs_error_ = max_scaled_error_ = 0;
    lo_x_.clear(), lo_dx_.clear(), hi_x_.clear(), hi_dx_.clear();
  }
}

double FastQuantile::interpolate(const std::vector<double>& x, const std::vector<double>& dx, double w) const {
  int e = 0;
  const double m = std::frexp(w, &e);  // w = m 2^e, m in [0.5, 1): band b = -e, t = 2m - 1
  if (e >= 0) return x[kNodes];          // w = 0.5: last node of band 1
  const double pos = (2 * m - 1) * kNodes;
  const int j = std::min(static_cast<int>(pos), kNodes - 1);
  const double s = pos - j;
  const std::size_t i = static_cast<std::size_t>(-e - 1) * (kNodes + 1) + static_cast<std::size_t>(j);
  const double r = 1 - s;
  return (1 + 2 * s) * r * r * x[i] + s * r * r * dx[i] + s * s * (3 - 2 * s) * x[i + 1] -
         s * s * r * dx[i + 1];
}

double FastQuantile::operator()(double u) const {
  switch (mode_) {
    case Mode::exact: return quantile(law_, u);
    case Mode::discrete:
      if (u > cum_.back() || (u <= cum_.front() && law_.law != Law::discrete &&
                              law_.law != Law::empirical && support_.front() > 0))
        return quantile(law_, u);
      return table_quantile(support_, cum_, u);
    case Mode::table: {
      constexpr double kMin = 1.0 / (1ull << (kBands + 1));
      if (u <= 0.5) return u < kMin ? quantile(law_, u) : interpolate(lo_x_, lo_dx_, u);
      const double w = 1 - u;
      return w < kMin ? quantile(law_, u) : interpolate(hi_x_, hi_dx_, w);
    }
  }
  return NAN;
}

void FastQuantile::apply(const double* u, double* out, std::size_t n) const {
  for (std::size_t k = 0; k < n; ++k) out[k] = (*this)(u[k]);
}

}  // namespace amorce
