// Sensitivity drivers (amorce/sensitivity.hpp): estimators against analytic values.
//
// Sobol' indices: Ishigami (a = 7, b = 0.1) and Sobol' g-function (a = 0, 1, 4.5, 9, 99, 99),
// both directly on C++ lambdas and written as scenarios run through the whole engine. Each
// test checks that the bootstrap interval covers the analytic value (with a slack of 0.01
// for the percentile bootstrap's own error) and that the estimate is within a stated
// absolute error. Morris: mu* of a linear function is exactly half its coefficient (moves of
// half the probability range). Tornado and SRRC: a linear scenario checked by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "amorce/compile.hpp"
#include "amorce/load.hpp"
#include "amorce/metric.hpp"
#include "amorce/random_streams.hpp"
#include "amorce/sensitivity.hpp"

namespace amorce {
namespace {

constexpr double kPi = 3.14159265358979323846;

struct Analytic {
  std::vector<double> s1, st;
};

Analytic ishigami_indices(double a = 7, double b = 0.1) {
  double pi4 = std::pow(kPi, 4), pi8 = std::pow(kPi, 8);
  double V1 = 0.5 * std::pow(1 + b * pi4 / 5, 2), V2 = a * a / 8, V13 = 8 * b * b * pi8 / 225;
  double V = a * a / 8 + b * pi4 / 5 + b * b * pi8 / 18 + 0.5;
  return {{V1 / V, V2 / V, 0.0}, {(V1 + V13) / V, V2 / V, V13 / V}};
}

double ishigami(const double* u) {
  double x1 = -kPi + 2 * kPi * u[0], x2 = -kPi + 2 * kPi * u[1], x3 = -kPi + 2 * kPi * u[2];
  return std::sin(x1) + 7 * std::pow(std::sin(x2), 2) + 0.1 * std::pow(x3, 4) * std::sin(x1);
}

const std::vector<double> kGA = {0, 1, 4.5, 9, 99, 99};

Analytic g_indices() {
  std::vector<double> Vi;
  double prod = 1;
  for (double a : kGA) {
    Vi.push_back(1.0 / (3 * (1 + a) * (1 + a)));
    prod *= 1 + Vi.back();
  }
  double V = prod - 1;
  Analytic r;
  for (double v : Vi) {
    r.s1.push_back(v / V);
    r.st.push_back(v * (prod / (1 + v)) / V);
  }
  return r;
}

double g_function(const double* u) {
  double g = 1;
  for (std::size_t i = 0; i < kGA.size(); ++i) g *= (std::fabs(4 * u[i] - 2) + kGA[i]) / (1 + kGA[i]);
  return g;
}

void expect_covers(const SobolIndex& s, double s1, double st, double tol, const std::string& what) {
  const double slack = 0.01;
  EXPECT_NEAR(s.s1, s1, tol) << what << " first order";
  EXPECT_NEAR(s.st, st, tol) << what << " total";
  EXPECT_LE(s.s1_lo - slack, s1) << what << " first order interval [" << s.s1_lo << ", " << s.s1_hi << "]";
  EXPECT_GE(s.s1_hi + slack, s1) << what << " first order interval [" << s.s1_lo << ", " << s.s1_hi << "]";
  EXPECT_LE(s.st_lo - slack, st) << what << " total interval [" << s.st_lo << ", " << s.st_hi << "]";
  EXPECT_GE(s.st_hi + slack, st) << what << " total interval [" << s.st_lo << ", " << s.st_hi << "]";
}

TEST(SobolEstimators, IshigamiOnLambda) {
  auto ref = ishigami_indices();
  auto idx = sobol_indices(3, 8192, ishigami, {}, 300, 0.95, 7);
  ASSERT_EQ(idx.size(), 3u);
  for (int i = 0; i < 3; ++i) expect_covers(idx[i], ref.s1[i], ref.st[i], 0.03, "x" + std::to_string(i + 1));
}

TEST(SobolEstimators, GFunctionOnLambda) {
  auto ref = g_indices();
  auto idx = sobol_indices(kGA.size(), 8192, g_function, {}, 300, 0.95, 11);
  ASSERT_EQ(idx.size(), kGA.size());
  for (std::size_t i = 0; i < kGA.size(); ++i) expect_covers(idx[i], ref.s1[i], ref.st[i], 0.03, "g x" + std::to_string(i + 1));
}

TEST(SobolEstimators, GroupOfIshigamiInputs) {
  // {x1, x3} as one factor: x2 enters additively, so S = ST = 1 - S2
  auto ref = ishigami_indices();
  auto idx = sobol_indices(3, 8192, ishigami, {{0, 2}, {1}}, 300, 0.95, 3);
  ASSERT_EQ(idx.size(), 2u);
  expect_covers(idx[0], 1 - ref.s1[1], 1 - ref.s1[1], 0.03, "group {x1, x3}");
  expect_covers(idx[1], ref.s1[1], ref.st[1], 0.03, "x2");
}

TEST(SobolEstimators, IntervalsShrinkWithN) {
  auto small = sobol_indices(3, 512, ishigami, {}, 200, 0.95, 5);
  auto large = sobol_indices(3, 8192, ishigami, {}, 200, 0.95, 5);
  EXPECT_LT(large[0].s1_hi - large[0].s1_lo, small[0].s1_hi - small[0].s1_lo);
}

const char* kIshigamiScenario = R"(amorce: 1
name: Ishigami
start: 2027-01
horizon: 1
inputs:
  x1: {uniform: [-3.141592653589793, 3.141592653589793]}
  x2: {uniform: [-3.141592653589793, 3.141592653589793]}
  x3: {uniform: [-3.141592653589793, 3.141592653589793]}
series:
  f: sin(x1) + 7 * sin(x2)^2 + 0.1 * x3^4 * sin(x1)
)";

TEST(SobolScenario, IshigamiThroughTheEngine) {
  Plan plan = compile(load_scenario_text(kIshigamiScenario, "ishigami.yaml"));
  Metric m = parse_metric("f@0", plan);
  SensitivityOptions o;
  o.method = SensitivityMethod::sobol;
  o.paths = 4096;
  o.seed = 2024;
  o.threads = 2;
  o.bootstrap = 300;
  auto rep = run_sensitivity(plan, m, o);
  auto ref = ishigami_indices();
  ASSERT_EQ(rep.rows.size(), 3u);  // no grant or monthly draws: no "(other randomness)" row
  EXPECT_EQ(rep.model_runs, 4096 * 5);
  EXPECT_TRUE(rep.warnings.empty());
  for (const auto& r : rep.rows) {
    int i = r.factor[1] - '1';
    SobolIndex s{r.s1, r.s1_lo, r.s1_hi, r.st, r.st_lo, r.st_hi};
    expect_covers(s, ref.s1[i], ref.st[i], 0.04, r.factor);
  }
  EXPECT_EQ(rep.rows[0].factor, "x1");  // sorted by total index: x1 0.56, x2 0.44, x3 0.24
  EXPECT_EQ(rep.rows[2].factor, "x3");
}

TEST(SobolScenario, GFunctionThroughTheEngine) {
  std::string y = "amorce: 1\nname: g\nstart: 2027-01\nhorizon: 1\ninputs:\n";
  for (std::size_t i = 0; i < kGA.size(); ++i) y += "  u" + std::to_string(i) + ": {uniform: [0, 1]}\n";
  y += "series:\n  g: 1";
  for (std::size_t i = 0; i < kGA.size(); ++i)
    y += " * (abs(4 * u" + std::to_string(i) + " - 2) + " + std::to_string(kGA[i]) + ") / (1 + " + std::to_string(kGA[i]) + ")";
  y += "\n";
  Plan plan = compile(load_scenario_text(y, "g.yaml"));
  SensitivityOptions o;
  o.method = SensitivityMethod::sobol;
  o.paths = 4096;
  o.threads = 2;
  o.bootstrap = 300;
  auto rep = run_sensitivity(plan, parse_metric("g@0", plan), o);
  auto ref = g_indices();
  ASSERT_EQ(rep.rows.size(), kGA.size());
  for (const auto& r : rep.rows) {
    int i = r.factor[1] - '0';
    SobolIndex s{r.s1, r.s1_lo, r.s1_hi, r.st, r.st_lo, r.st_hi};
    expect_covers(s, ref.s1[i], ref.st[i], 0.04, r.factor);
  }
}

TEST(SobolScenario, WarnsOnCorrelatedInputsAndCountsOtherRandomness) {
  const char* y = R"(amorce: 1
name: corr
start: 2027-01
horizon: 12
inputs:
  a: {uniform: [0, 10]}
  b: {uniform: [0, 10]}
  bonus_ok: {bernoulli: 0.5}
  monthly: {uniform: [0, 1], each: month}
correlations:
  - [a, b, 0.5]
revenue:
  sales: {amount: 100 * a + 50 * b + 10 * monthly}
subsidies:
  - name: grant
    amount: 1_000
    period: once
    granted: 0.5
)";
  Plan plan = compile(load_scenario_text(y, "corr.yaml"));
  SensitivityOptions o;
  o.method = SensitivityMethod::sobol;
  o.paths = 512;
  o.threads = 2;
  o.bootstrap = 50;
  auto rep = run_sensitivity(plan, parse_metric("cash_end", plan), o);
  ASSERT_FALSE(rep.warnings.empty());
  EXPECT_NE(rep.warnings[0].find("independent"), std::string::npos);
  bool other = false;
  for (const auto& r : rep.rows) other |= r.factor == "(other randomness)";
  EXPECT_TRUE(other);
}

// ------------------------------------------------------------------- Morris

TEST(Morris, LinearFunctionGivesHalfTheCoefficients) {
  const std::vector<double> c = {10, -5, 1, 0};
  auto d = morris_design(4, {}, 30, 4, 9);
  std::vector<double> f;
  for (std::size_t p = 0; p < d.points.size() / 4; ++p) {
    double v = 0;
    for (int i = 0; i < 4; ++i) v += c[i] * d.points[p * 4 + i];
    f.push_back(v);
  }
  auto e = morris_effects(d, f);
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(e[i].mu_star, std::fabs(c[i]) / 2, 1e-12);
    EXPECT_NEAR(e[i].mu, c[i] / 2, 1e-12);
    EXPECT_NEAR(e[i].sigma, 0, 1e-12);
  }
}

TEST(Morris, RanksAKnownOrderingWithInteractions) {
  // f = 8 u1 + 4 u2^2 + 2 u3 u4 + 0 u5: mu* ordering u1 > u2 > u3 = u4 > u5, sigma > 0 for u3, u4
  auto d = morris_design(5, {}, 60, 6, 4);
  std::vector<double> f;
  for (std::size_t p = 0; p < d.points.size() / 5; ++p) {
    const double* u = &d.points[p * 5];
    f.push_back(8 * u[0] + 4 * u[1] * u[1] + 2 * u[2] * u[3]);
  }
  auto e = morris_effects(d, f);
  EXPECT_GT(e[0].mu_star, e[1].mu_star);
  EXPECT_GT(e[1].mu_star, e[2].mu_star);
  EXPECT_GT(e[1].mu_star, e[3].mu_star);
  EXPECT_GT(e[2].mu_star, e[4].mu_star);
  EXPECT_EQ(e[4].mu_star, 0.0);
  EXPECT_NEAR(e[0].sigma, 0, 1e-12);
  EXPECT_GT(e[2].sigma, 0.05);
}

// ------------------------------------------------------------------- linear scenario

const char* kLinear = R"(amorce: 1
name: linear
start: 2027-01
horizon: 1
inputs:
  a: {uniform: [0, 10]}
  b: {uniform: [100, 200]}
  c: {triangular: [0, 1, 4]}
revenue:
  sales: {amount: 3 * a + b}
)";

TEST(Tornado, HandComputedSwingsOnALinearScenario) {
  Plan plan = compile(load_scenario_text(kLinear, "linear.yaml"));
  SensitivityOptions o;
  o.method = SensitivityMethod::tornado;
  auto rep = run_sensitivity(plan, parse_metric("cash_end", plan), o);
  // base: a = 5 (median), b = 150; cash_end = 3 a + b = 165
  EXPECT_NEAR(rep.base, 165, 1e-9);
  ASSERT_EQ(rep.rows.size(), 3u);
  EXPECT_EQ(rep.rows[0].factor, "b");  // swing 80 (110 -> 190)
  EXPECT_NEAR(rep.rows[0].at_low, 3 * 5 + 110, 1e-6);
  EXPECT_NEAR(rep.rows[0].at_high, 3 * 5 + 190, 1e-6);
  EXPECT_NEAR(rep.rows[0].swing, 80, 1e-6);
  EXPECT_NEAR(rep.rows[0].input_low, 110, 1e-6);
  EXPECT_EQ(rep.rows[1].factor, "a");  // swing 3 x (9 - 1) = 24
  EXPECT_NEAR(rep.rows[1].swing, 24, 1e-6);
  EXPECT_NEAR(rep.rows[1].at_low, 3 * 1 + 150, 1e-6);
  EXPECT_EQ(rep.rows[2].factor, "c");
  EXPECT_NEAR(rep.rows[2].swing, 0, 1e-12);
}

TEST(Tornado, CustomPercentilesAndGroups) {
  Plan plan = compile(load_scenario_text(kLinear, "linear.yaml"));
  SensitivityOptions o;
  o.low = 25;
  o.high = 75;
  o.groups = {{"activity", {"a", "b"}}};
  auto rep = run_sensitivity(plan, parse_metric("cash_end", plan), o);
  ASSERT_EQ(rep.rows.size(), 2u);
  EXPECT_EQ(rep.rows[0].factor, "activity");
  EXPECT_NEAR(rep.rows[0].at_low, 3 * 2.5 + 125, 1e-6);
  EXPECT_NEAR(rep.rows[0].at_high, 3 * 7.5 + 175, 1e-6);
  EXPECT_THROW(([&] {
                 SensitivityOptions bad;
                 bad.groups = {{"g", {"nope"}}};
                 run_sensitivity(plan, parse_metric("cash_end", plan), bad);
               }()),
               std::invalid_argument);
}

TEST(Tornado, ProbabilityMetricWithCommonRandomNumbers) {
  // P(3 a + b < 160): a fixed at P10 = 1 -> P(b < 157) = 0.57; at P90 = 9 -> P(b < 133) = 0.33
  Plan plan = compile(load_scenario_text(kLinear, "linear.yaml"));
  SensitivityOptions o;
  o.paths = 20000;
  o.threads = 2;
  auto rep = run_sensitivity(plan, parse_metric("prob(cash_end < 160)", plan), o);
  const SensitivityRow* a = nullptr;
  for (const auto& r : rep.rows)
    if (r.factor == "a") a = &r;
  ASSERT_NE(a, nullptr);
  EXPECT_NEAR(a->at_low, 0.57, 4 * a->se_low);  // 4 sigma
  EXPECT_NEAR(a->at_high, 0.33, 4 * a->se_high);
  EXPECT_NEAR(a->input_low, 1, 1e-9);
  // base: P(3a + b < 160) = E[(60 - 3a) / 100 ; a < 20/3 ...] computed by integration below
  double base = 0;
  for (int i = 0; i < 100000; ++i) {
    double av = (i + 0.5) / 100000 * 10;
    base += std::clamp((160 - 3 * av - 100) / 100, 0.0, 1.0) / 100000;
  }
  EXPECT_NEAR(rep.base, base, 4 * rep.base_se);
}

TEST(Correlation, SpearmanAndSrrcOnALinearModel) {
  Plan plan = compile(load_scenario_text(kLinear, "linear.yaml"));
  SensitivityOptions o;
  o.method = SensitivityMethod::correlation;
  o.paths = 20000;
  o.threads = 2;
  auto rep = run_sensitivity(plan, parse_metric("cash_end", plan), o);
  // standardised coefficients of y = 3a + b: 3 sd(a) / sd(y) = 0.287, sd(b) / sd(y) = 0.958
  double sa = 3 * 10 / std::sqrt(12.0), sb = 100 / std::sqrt(12.0), sy = std::sqrt(sa * sa + sb * sb);
  ASSERT_EQ(rep.rows.size(), 3u);
  EXPECT_EQ(rep.rows[0].factor, "b");
  EXPECT_NEAR(rep.rows[0].srrc, sb / sy, 0.03);
  EXPECT_NEAR(rep.rows[1].srrc, sa / sy, 0.03);
  EXPECT_NEAR(rep.rows[2].srrc, 0, 0.03);
  EXPECT_NEAR(rep.rows[0].spearman, sb / sy, 0.03);
  EXPECT_GT(rep.r2, 0.97);
}

TEST(Correlation, SrrcRecoversCoefficientsOnSyntheticData) {
  // y = 2 x1 - x2 + 0 x3 + small noise, x uniform: rank transform is linear for uniforms
  const std::size_t n = 20000;
  std::vector<std::vector<double>> X(3, std::vector<double>(n));
  std::vector<double> y(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (int c = 0; c < 3; ++c) X[c][i] = stream_uniform(1, 10 + c, i, kStatic);
    y[i] = 2 * X[0][i] - X[1][i] + 0.01 * stream_uniform(1, 99, i, kStatic);
  }
  double r2 = 0;
  auto b = srrc(X, y, &r2);
  // ranks of y are a monotone but not linear transform of y: the ratio of the coefficients
  // is kept (within 10 %), not their values
  EXPECT_NEAR(b[0] / b[1], -2.0, 0.2);
  EXPECT_NEAR(b[2], 0, 0.02);
  EXPECT_GT(r2, 0.95);
  EXPECT_NEAR(spearman(X[0], X[0]), 1.0, 1e-12);
  std::vector<double> tied = {1, 1, 2, 2}, other = {1, 2, 3, 4};
  EXPECT_NEAR(spearman(tied, other), 0.894427191, 1e-6);
}

TEST(MorrisScenario, RanksInputsOfALinearScenario) {
  Plan plan = compile(load_scenario_text(kLinear, "linear.yaml"));
  SensitivityOptions o;
  o.method = SensitivityMethod::morris;
  o.trajectories = 10;
  auto rep = run_sensitivity(plan, parse_metric("cash_end", plan), o);
  ASSERT_EQ(rep.rows.size(), 3u);
  EXPECT_EQ(rep.rows[0].factor, "b");
  EXPECT_EQ(rep.rows[1].factor, "a");
  EXPECT_EQ(rep.model_runs, 10 * 4);
  // b moves by half its probability range: 50 euros, exactly (uniform: linear quantile)
  EXPECT_NEAR(rep.rows[0].mu_star, 50, 1e-6);
  EXPECT_NEAR(rep.rows[1].mu_star, 15, 1e-6);
}

TEST(Sensitivity, BundledScenariosRunEveryMethod) {
  for (const char* f : {"garage_solidaire_aci.yaml", "tiers_lieu_rural.yaml", "conciergerie_quartier.yaml"}) {
    Plan plan = compile(load_scenario(std::string(AMORCE_SOURCE_DIR) + "/scenarios/" + f));
    for (auto method : {SensitivityMethod::tornado, SensitivityMethod::correlation, SensitivityMethod::sobol, SensitivityMethod::morris}) {
      SensitivityOptions o;
      o.method = method;
      o.paths = 256;
      o.threads = 2;
      o.bootstrap = 20;
      o.trajectories = 4;
      auto rep = run_sensitivity(plan, parse_metric("min_cash", plan), o);
      EXPECT_FALSE(rep.rows.empty()) << f;
      auto j = sensitivity_json(rep);
      EXPECT_TRUE(j.contains("factors"));
    }
  }
}

}  // namespace
}  // namespace amorce
