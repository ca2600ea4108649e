// Statistical correctness tests of the Monte Carlo engine (amorce/run.hpp).
//
// Every test states its seed, its tolerance and how many standard errors (sigma) that
// tolerance is. Reference laws are computed here with Boost.Math directly from the
// spec's parameterisation (never with amorce::cdf / amorce::quantile, which are under
// test), so a wrong parameterisation in the engine cannot cancel out.
//
// Scenarios are small YAML texts chosen so an indicator equals the quantity under test
// exactly (e.g. horizon 1, opening cash 0, revenue X paid at once: cash_end == X).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include <boost/math/distributions/normal.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <nlohmann/json.hpp>

#include "amorce/compile.hpp"
#include "amorce/error.hpp"
#include "amorce/load.hpp"
#include "amorce/run.hpp"

namespace amorce {
namespace {

const char* kSamplingNames[] = {"mc", "lhs", "sobol"};
const Sampling kSamplings[] = {Sampling::mc, Sampling::lhs, Sampling::sobol};

Plan plan_of(const std::string& yaml, const std::string& name = "test.yaml") {
  return compile(load_scenario_text(yaml, name));
}

RunResult run(const Plan& plan, long long paths, std::uint64_t seed, Sampling sampling, int threads = 2,
              bool keep_paths = false) {
  RunOptions o;
  o.paths = paths;
  o.seed = seed;
  o.sampling = sampling;
  o.threads = threads;
  o.keep_paths = keep_paths;
  return run_monte_carlo(plan, o);
}

std::vector<double> column(const RunResult& r, Indicator k) {
  const double* p = r.indicator(k);
  return std::vector<double>(p, p + r.paths());
}

double phi(double z) { return std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI); }
double Phi(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }
double Phi_inv(double p) { return boost::math::quantile(boost::math::normal_distribution<>(0, 1), p); }

/// Two-sided Kolmogorov-Smirnov statistic of x against the continuous CDF F.
template <class F>
double ks_statistic(std::vector<double> x, F cdf) {
  std::sort(x.begin(), x.end());
  const double n = static_cast<double>(x.size());
  double d = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    double f = cdf(x[i]);
    d = std::max({d, f - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - f});
  }
  return d;
}

std::vector<double> ranks(const std::vector<double>& x) {
  std::vector<std::size_t> idx(x.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::vector<double> r(x.size());
  for (std::size_t k = 0; k < idx.size(); ++k) r[idx[k]] = static_cast<double>(k);
  return r;
}

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = static_cast<double>(a.size());
  double ma = std::accumulate(a.begin(), a.end(), 0.0) / n, mb = std::accumulate(b.begin(), b.end(), 0.0) / n;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

double spearman(const std::vector<double>& a, const std::vector<double>& b) { return pearson(ranks(a), ranks(b)); }

// ---------------------------------------------------------------------------------------
// 1. Thread invariance
// ---------------------------------------------------------------------------------------

// Bundled flagship scenario, 5 000 paths, seed 7, for mc / lhs / sobol: the summary JSON
// (dump() string) and every per-path indicator column are bit-identical on 1, 2 and 3
// threads. Tolerance: none (exact equality; NaN == NaN compared bitwise via memcmp).
TEST(MonteCarlo, ThreadInvarianceGarage) {
  Plan plan = compile(load_scenario(std::string(AMORCE_SOURCE_DIR) + "/scenarios/garage_solidaire_aci.yaml"));
  for (int s = 0; s < 3; ++s) {
    SCOPED_TRACE(kSamplingNames[s]);
    RunResult r1 = run(plan, 5000, 7, kSamplings[s], 1);
    // The test is only meaningful when the run is split into many blocks.
    ASSERT_LT(r1.block_size * 3, 5000u);
    const std::string j1 = run_summary_json(plan, r1).dump();
    for (int threads : {2, 3}) {
      SCOPED_TRACE(threads);
      RunResult rt = run(plan, 5000, 7, kSamplings[s], threads);
      EXPECT_EQ(rt.threads_used, threads);
      EXPECT_EQ(run_summary_json(plan, rt).dump(), j1);
      ASSERT_EQ(rt.indicators.size(), r1.indicators.size());
      EXPECT_EQ(std::memcmp(rt.indicators.data(), r1.indicators.data(), r1.indicators.size() * sizeof(double)), 0)
          << "per-path indicators differ between 1 and " << threads << " threads";
      EXPECT_EQ(rt.negative_cash, r1.negative_cash);
    }
  }
}

// ---------------------------------------------------------------------------------------
// 2. Closed form: cash as a Gaussian random walk
// ---------------------------------------------------------------------------------------

// opening_cash C0 = 3000, horizon 24, revenue X_j ~ N(mu = 5000, sd = 2000) drawn every
// month, fixed cost K = 5100 a month, no VAT:
//   cash(m) = C0 + sum_{j<=m} (X_j - K) ~ Normal(C0 + (m+1)(mu - K), sd sqrt(m+1)).
// N = 20 000 paths, seed 11, mc sampling. Tolerances, at months 0, 3, 11, 23:
//   P(cash(m) < 0):  4 SE, SE = sqrt(p(1-p)/N)
//   mean of cash(m): 4 SE, SE = sd sqrt(m+1) / sqrt(N)
//   p5/p50/p95 band: 4 SE + the sketch's own worst-case rank error bound, converted with
//                    the normal density: (4 sqrt(p(1-p)/N) + rank_err) / f(q).
TEST(MonteCarlo, GaussianRandomWalkClosedForm) {
  const double C0 = 3000, mu = 5000, sd = 2000, K = 5100;
  const long long N = 20000;
  Plan plan = plan_of(R"(
amorce: 1
name: random walk
start: 2027-01
horizon: 24
inputs:
  x: {normal: {mean: 5000, sd: 2000}, each: month}
revenue:
  sales: {amount: x}
costs:
  fixed: {amount: 5100}
financing: {opening_cash: 3000}
vat: {regime: none}
)");
  RunResult r = run(plan, N, 11, Sampling::mc);
  auto it = std::find(r.series_names.begin(), r.series_names.end(), "cash");
  ASSERT_NE(it, r.series_names.end());
  const SeriesBands& cash = r.series[static_cast<std::size_t>(it - r.series_names.begin())];
  const auto means = cash.mean();
  const std::vector<double> pct = {5, 50, 95};
  const auto bands = cash.quantiles(pct);
  const double rank_err = cash.rank_error_bound();
  EXPECT_LT(rank_err, 0.01);
  for (int m : {0, 3, 11, 23}) {
    SCOPED_TRACE("month " + std::to_string(m));
    const double mean_m = C0 + (m + 1) * (mu - K), sd_m = sd * std::sqrt(m + 1.0);
    const double p = Phi(-mean_m / sd_m);
    const double p_hat = static_cast<double>(r.negative_cash[static_cast<std::size_t>(m)]) / N;
    EXPECT_NEAR(p_hat, p, 4 * std::sqrt(p * (1 - p) / N));
    EXPECT_NEAR(means[static_cast<std::size_t>(m)], mean_m, 4 * sd_m / std::sqrt(double(N)));
    for (std::size_t q = 0; q < pct.size(); ++q) {
      const double pq = pct[q] / 100, z = Phi_inv(pq);
      const double theory = mean_m + sd_m * z, density = phi(z) / sd_m;
      const double tol = (4 * std::sqrt(pq * (1 - pq) / N) + rank_err) / density;
      EXPECT_NEAR(bands[q][static_cast<std::size_t>(m)], theory, tol) << "p" << pct[q];
    }
  }
  // Same probabilities through the JSON summary.
  nlohmann::json js = run_summary_json(plan, r);
  ASSERT_EQ(js["monthly"]["prob_negative_cash"].size(), 24u);
  for (int m : {0, 23})
    EXPECT_DOUBLE_EQ(js["monthly"]["prob_negative_cash"][m].get<double>(),
                     static_cast<double>(r.negative_cash[static_cast<std::size_t>(m)]) / N);
}

// ---------------------------------------------------------------------------------------
// 3. Per-path input sampling: KS tests of the marginal laws
// ---------------------------------------------------------------------------------------

struct LawCase {
  const char* name;
  const char* yaml;  // the input's law, YAML flow map
  std::function<double(double)> cdf;
};

double triangular_cdf(double x, double a, double c, double b) {
  if (x <= a) return 0;
  if (x >= b) return 1;
  if (x <= c) return (x - a) * (x - a) / ((b - a) * (c - a));
  return 1 - (b - x) * (b - x) / ((b - a) * (b - c));
}

double pert_cdf(double x, double a, double m, double b, double lambda = 4) {
  if (x <= a) return 0;
  if (x >= b) return 1;
  double al = 1 + lambda * (m - a) / (b - a), be = 1 + lambda * (b - m) / (b - a);
  return boost::math::ibeta(al, be, (x - a) / (b - a));
}

double lognormal_mean_sd_cdf(double x, double mean, double sd) {
  if (x <= 0) return 0;
  double s2 = std::log1p((sd / mean) * (sd / mean));
  return Phi((std::log(x) - (std::log(mean) - s2 / 2)) / std::sqrt(s2));
}

double between_cdf(double x, double p5, double p95) {  // both > 0: lognormal
  if (x <= 0) return 0;
  const double z95 = Phi_inv(0.95);
  double m = (std::log(p5) + std::log(p95)) / 2, s = (std::log(p95) - std::log(p5)) / (2 * z95);
  return Phi((std::log(x) - m) / s);
}

double truncated_normal_cdf(double x, double mean, double sd, double lo, double hi) {
  if (x <= lo) return 0;
  if (x >= hi) return 1;
  double a = Phi((lo - mean) / sd), b = Phi((hi - mean) / sd);
  return (Phi((x - mean) / sd) - a) / (b - a);
}

std::vector<LawCase> law_cases() {
  return {
      {"pert", "{pert: [10, 16, 25]}", [](double x) { return pert_cdf(x, 10, 16, 25); }},
      {"lognormal", "{lognormal: {mean: 2400, sd: 600}}", [](double x) { return lognormal_mean_sd_cdf(x, 2400, 600); }},
      {"between", "{between: [600, 1200]}", [](double x) { return between_cdf(x, 600, 1200); }},
      {"triangular", "{triangular: [3, 6, 12]}", [](double x) { return triangular_cdf(x, 3, 6, 12); }},
      {"normal_truncated", "{normal: {mean: 0.025, sd: 0.01}, min: 0.01, max: 0.05}",
       [](double x) { return truncated_normal_cdf(x, 0.025, 0.01, 0.01, 0.05); }},
  };
}

std::string single_input_scenario(const std::string& law) {
  return "amorce: 1\nname: one input\nstart: 2027-01\nhorizon: 1\n"
         "inputs:\n  x: " + law + "\n"
         "revenue:\n  sales: {amount: x}\n"
         "financing: {opening_cash: 0}\nvat: {regime: none}\n";
}

// Revenue at month 0 = X, horizon 1, opening cash 0: cash_end == X on every path.
// N = 20 000 paths, seeds 2027..2031 (one per law), for mc, lhs and sobol. KS statistic against the exact CDF
// (Boost.Math, spec parameterisation) below 1.95 / sqrt(N) = 0.0138 (asymptotic critical
// value at the 0.1 % level). For lhs (one path per stratum [k/N, (k+1)/N) of F), the
// empirical CDF is within 1/N of F everywhere, so its KS statistic must be below 2/N
// (the fast inverse CDF's 1e-7 relative error moves F by far less than 1/N).
TEST(MonteCarlo, PerPathInputMarginalsKS) {
  const long long N = 20000;
  const double crit = 1.95 / std::sqrt(double(N));
  std::uint64_t seed = 2027;  // 2027, 2028, ... one seed per law (independent draws)
  for (const auto& lc : law_cases()) {
    SCOPED_TRACE(lc.name);
    Plan plan = plan_of(single_input_scenario(lc.yaml));
    ++seed;
    for (int s = 0; s < 3; ++s) {
      SCOPED_TRACE(kSamplingNames[s]);
      RunResult r = run(plan, N, seed - 1, kSamplings[s]);
      auto x = column(r, Indicator::cash_end);
      auto mn = column(r, Indicator::min_cash);
      ASSERT_EQ(x, mn);  // horizon 1: the only cash balance
      double d = ks_statistic(x, lc.cdf);
      std::printf("  [info] %s %s: KS D = %.3g (critical %.3g, lhs bound %.3g)\n", lc.name, kSamplingNames[s], d,
                  crit, 2.0 / N);
      EXPECT_LT(d, crit);
      if (kSamplings[s] == Sampling::lhs) {
        EXPECT_LT(d, 2.0 / N) << "LHS strata not exactly filled";
      }
    }
  }
}

// ---------------------------------------------------------------------------------------
// 4. Correlations
// ---------------------------------------------------------------------------------------

const char* kCorrelated = R"(
amorce: 1
name: correlated
start: 2027-01
horizon: 2
inputs:
  a: {pert: [0, 3, 10]}
  b: {lognormal: {mean: 100, sd: 40}}
correlations:
  - [a, b, 0.7]
revenue:
  ra: {amount: a, until: 1}
  rb: {amount: b, from: 1}
financing: {opening_cash: 0}
vat: {regime: none}
)";

/// (a, b) per path: cash(0) = a, cash(1) - cash(0) = b (needs keep_paths).
void correlated_values(const RunResult& r, std::vector<double>& a, std::vector<double>& b) {
  const std::size_t N = static_cast<std::size_t>(r.paths()), H = 2;
  a.resize(N);
  b.resize(N);
  for (std::size_t i = 0; i < N; ++i) {
    a[i] = r.kept_cash[i * H];
    b[i] = r.kept_cash[i * H + 1] - r.kept_cash[i * H];
  }
}

// Target Spearman 0.7 between a PERT and a lognormal input. N = 20 000, seed 99, for mc,
// lhs and sobol. Tolerance 0.02: the SE of Spearman's rho is about (1 - rho^2)/sqrt(N)
// = 0.51 / 141 = 0.0036, so 0.02 is about 5.5 SE.
TEST(MonteCarlo, SpearmanCorrelationAchieved) {
  Plan plan = plan_of(kCorrelated);
  for (int s = 0; s < 3; ++s) {
    SCOPED_TRACE(kSamplingNames[s]);
    RunResult r = run(plan, 20000, 99, kSamplings[s], 2, true);
    std::vector<double> a, b;
    correlated_values(r, a, b);
    const double rho = spearman(a, b);
    std::printf("  [info] %s: Spearman %.4f\n", kSamplingNames[s], rho);
    EXPECT_NEAR(rho, 0.7, 0.02);
    // the marginals are kept by the copula: a in [0, 10], b > 0
    EXPECT_GE(*std::min_element(a.begin(), a.end()), 0.0);
    EXPECT_LE(*std::max_element(a.begin(), a.end()), 10.0);
    EXPECT_GT(*std::min_element(b.begin(), b.end()), 0.0);
  }
}

// Sharper check that the Spearman target is converted to the copula's Pearson
// r = 2 sin(pi rho / 6): without that conversion the achieved Spearman would be
// (6/pi) asin(0.7/2) = 0.683, 0.017 from the target. N = 200 000 mc paths, seed 5:
// SE = 0.51 / sqrt(N) = 0.00114; tolerance 0.0057 = 5 SE (< 0.017 / 2, so the test
// separates the two).
TEST(MonteCarlo, SpearmanCorrelationPrecise) {
  Plan plan = plan_of(kCorrelated);
  RunResult r = run(plan, 200000, 5, Sampling::mc, 2, true);
  std::vector<double> a, b;
  correlated_values(r, a, b);
  const double rho = spearman(a, b);
  std::printf("  [info] mc, N = 200000: Spearman %.4f\n", rho);
  EXPECT_NEAR(rho, 0.7, 0.0057);
}

// 0.9, 0.9, -0.9 among three inputs is not a correlation matrix: compile() must refuse it
// and name its smallest eigenvalue (never repair it silently).
TEST(MonteCarlo, InvalidCorrelationMatrixRejected) {
  Scenario sc = load_scenario_text(R"(
amorce: 1
name: invalid correlations
start: 2027-01
horizon: 2
inputs:
  a: {uniform: [0, 1]}
  b: {uniform: [0, 1]}
  c: {uniform: [0, 1]}
correlations:
  - [a, b, 0.9]
  - [a, c, 0.9]
  - [b, c, -0.9]
revenue:
  r: {amount: a + b + c}
vat: {regime: none}
)",
                                   "invalid_corr.yaml");
  try {
    compile(sc);
    FAIL() << "compile() accepted a non positive definite correlation matrix";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("smallest eigenvalue"), std::string::npos) << e.what();
  }
}

// ---------------------------------------------------------------------------------------
// 5. Sobol' beats plain Monte Carlo on a smooth integrand
// ---------------------------------------------------------------------------------------

// cash_end = a + b + c + d + e + a*b/10 with independent uniforms
// a~U[0,10], b~U[0,20], c~U[5,15], d~U[0,1], e~U[-3,3]: E = 5+10+10+0.5+0+5 = 30.5.
// N = 4096 (a power of 2: a full Sobol' net), seeds 1..10: the mean absolute error of the
// estimated mean must be at least 3x smaller with sobol than with mc. (MC's error is
// ~ sd/sqrt(N) = 0.15; randomised Sobol' on a smooth function is O(log(N)^d / N).)
TEST(MonteCarlo, SobolBeatsMcOnSmoothMean) {
  Plan plan = plan_of(R"(
amorce: 1
name: five uniforms
start: 2027-01
horizon: 1
inputs:
  a: {uniform: [0, 10]}
  b: {uniform: [0, 20]}
  c: {uniform: [5, 15]}
  d: {uniform: [0, 1]}
  e: {uniform: [-3, 3]}
revenue:
  r: {amount: a + b + c + d + e + a * b / 10}
financing: {opening_cash: 0}
vat: {regime: none}
)");
  const double exact = 30.5;
  double err_mc = 0, err_sobol = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    for (Sampling s : {Sampling::mc, Sampling::sobol}) {
      RunResult r = run(plan, 4096, seed, s);
      auto x = column(r, Indicator::cash_end);
      double mean = std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
      (s == Sampling::mc ? err_mc : err_sobol) += std::fabs(mean - exact) / 10;
    }
  }
  std::printf("  [info] mean |error|: mc %.3g, sobol %.3g\n", err_mc, err_sobol);
  EXPECT_GT(err_mc, 0.0);
  EXPECT_LT(3 * err_sobol, err_mc) << "mc " << err_mc << " sobol " << err_sobol;
}

// ---------------------------------------------------------------------------------------
// 6. Granted subsidies
// ---------------------------------------------------------------------------------------

// A 1 000 EUR subsidy `granted: 0.3` paid at month 0, horizon 1, opening cash 0:
// cash_end is 1000 on granted paths and 0 otherwise. N = 20 000, seed 31, each sampling
// method: granted fraction within 4 SE = 4 sqrt(0.3 * 0.7 / N) = 0.0130 of 0.3.
TEST(MonteCarlo, GrantedFraction) {
  const long long N = 20000;
  Plan plan = plan_of(R"(
amorce: 1
name: granted
start: 2027-01
horizon: 1
subsidies:
  - {name: g, amount: 1000, period: once, from: 0, until: 1, granted: 0.3}
financing: {opening_cash: 0}
vat: {regime: none}
)");
  for (int s = 0; s < 3; ++s) {
    SCOPED_TRACE(kSamplingNames[s]);
    RunResult r = run(plan, N, 31, kSamplings[s]);
    auto x = column(r, Indicator::cash_end);
    long long granted = 0, other = 0;
    for (double v : x) {
      if (v == 1000) ++granted;
      else if (v != 0) ++other;
    }
    EXPECT_EQ(other, 0);
    EXPECT_NEAR(double(granted) / N, 0.3, 4 * std::sqrt(0.3 * 0.7 / N));
  }
}

// ---------------------------------------------------------------------------------------
// 7. Independent numpy implementation of scenarios/epicerie_solidaire.yaml
// ---------------------------------------------------------------------------------------

std::string read_command(const std::string& cmd, int& status) {
  std::string out;
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) {
    status = -1;
    return out;
  }
  char buf[4096];
  std::size_t k;
  while ((k = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, k);
  status = pclose(f);
  return out;
}

/// Type-7 quantile of a sorted vector.
double q7(const std::vector<double>& s, double p) {
  double h = (static_cast<double>(s.size()) - 1) * p;
  std::size_t lo = static_cast<std::size_t>(std::floor(h));
  std::size_t hi = std::min(lo + 1, s.size() - 1);
  return s[lo] + (h - static_cast<double>(lo)) * (s[hi] - s[lo]);
}

// The engine (mc sampling, seed 2024) and tests/reference/simple_numpy.py (numpy's PCG64,
// seed 2024, its own draws) simulate the same scenario at N = 40 000 paths each.
//   probabilities (shortfall, P(cash < 0) at every month): |p_e - p_n| < 4 sqrt(2 p(1-p)/N)
//     with p the pooled estimate (4 SE of the difference of two independent estimates);
//   min_cash P10 / P50 / P90: |q_e - q_n| < 4 sqrt(2) SE_q, SE_q = sqrt(p(1-p)/N) / f(q),
//     the density-based SE with 1/f(q) estimated by the sparsity
//     (q(p + 0.02) - q(p - 0.02)) / 0.04 of the engine's own per-path min_cash.
TEST(MonteCarlo, AgreesWithIndependentNumpyImplementation) {
  const std::string py = "/usr/bin/python3";
  const std::string script = std::string(AMORCE_SOURCE_DIR) + "/tests/reference/simple_numpy.py";
  const std::string yaml = std::string(AMORCE_SOURCE_DIR) + "/scenarios/epicerie_solidaire.yaml";
  if (std::system((py + " -c 'import numpy' >/dev/null 2>&1").c_str()) != 0)
    GTEST_SKIP() << "/usr/bin/python3 with numpy not available";
  const long long N = 40000;
  int status = 0;
  std::string out = read_command(py + " " + script + " " + std::to_string(N) + " 2024", status);
  ASSERT_EQ(status, 0) << out;
  nlohmann::json ref = nlohmann::json::parse(out);

  Plan plan = compile(load_scenario(yaml));
  ASSERT_EQ(ref["horizon"].get<int>(), plan.horizon);
  RunResult r = run(plan, N, 2024, Sampling::mc);

  auto close_p = [&](double pe, double pn, const std::string& what) {
    double p = (pe + pn) / 2;
    double tol = 4 * std::sqrt(2 * p * (1 - p) / N);
    EXPECT_LE(std::fabs(pe - pn), tol) << what << ": engine " << pe << " numpy " << pn;
  };
  auto sf = column(r, Indicator::shortfall);
  double p_short = std::accumulate(sf.begin(), sf.end(), 0.0) / N;
  close_p(p_short, ref["p_shortfall"].get<double>(), "P(shortfall)");
  // the scenario is built so these probabilities are informative
  EXPECT_GT(p_short, 0.05);
  EXPECT_LT(p_short, 0.95);

  ASSERT_EQ(ref["p_negative_by_month"].size(), static_cast<std::size_t>(plan.horizon));
  int informative = 0;
  for (int m = 0; m < plan.horizon; ++m) {
    double pe = static_cast<double>(r.negative_cash[static_cast<std::size_t>(m)]) / N;
    double pn = ref["p_negative_by_month"][m].get<double>();
    if (pe > 0.02 && pe < 0.98) ++informative;
    close_p(pe, pn, "P(cash < 0) at month " + std::to_string(m));
  }
  EXPECT_GE(informative, 5);

  auto mc = column(r, Indicator::min_cash);
  std::sort(mc.begin(), mc.end());
  for (auto [key, p] : {std::pair{"min_cash_p10", 0.10}, {"min_cash_p50", 0.50}, {"min_cash_p90", 0.90}}) {
    double qe = q7(mc, p), qn = ref[key].get<double>();
    double sparsity = (q7(mc, p + 0.02) - q7(mc, p - 0.02)) / 0.04;
    double se = std::sqrt(p * (1 - p) / N) * sparsity;
    EXPECT_LE(std::fabs(qe - qn), 4 * std::sqrt(2.0) * se) << key << ": engine " << qe << " numpy " << qn;
  }
}

}  // namespace
}  // namespace amorce
