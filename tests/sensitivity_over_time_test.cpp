// Time-resolved sensitivity (amorce/sensitivity_over_time.hpp): per-month Sobol indices of
// cash against values derived by hand, SRRC per month, determinism, outputs and errors.
//
// Scenario kRamp: one revenue line a * ramp(0, 12) + b * c, no VAT, no tax in the horizon
// (checked: the base case's cash is exactly the formula below), with independent inputs
//   a ~ U[1000, 3000]: Va = 2000^2 / 12;   b ~ U[100, 300]: mu_b = 200, Vb = 200^2 / 12;
//   c ~ U[0.5, 1.5]:   mu_c = 1, Vc = 1 / 12.
// Cash at the end of month m (0-based; opening cash 0, revenue cashed the same month):
//   cash_m = a R_m + (m + 1) b c,   R_m = sum_{t<=m} min((t + 1) / 12, 1)
//          = (m + 1)(m + 2) / 24 for m < 12,   6.5 + (m - 11) from m = 12 on.
// a is independent of (b, c), so with V_bc = Var(b c) = mu_b^2 Vc + mu_c^2 Vb + Vb Vc:
//   V_m  = R_m^2 Va + (m + 1)^2 V_bc
//   S_a  = ST_a = R_m^2 Va / V_m                        (additive in a)
//   S_b  = (m + 1)^2 Var(E[b c | b]) / V_m = (m + 1)^2 mu_c^2 Vb / V_m
//   S_c  = (m + 1)^2 mu_b^2 Vc / V_m
//   ST_b = (m + 1)^2 (mu_c^2 Vb + Vb Vc) / V_m,  ST_c = (m + 1)^2 (mu_b^2 Vc + Vb Vc) / V_m
// e.g. month 0: S_a = 0.25, S_b = S_c = 0.36, ST_b = ST_c = 0.39; month 23: S_a = 0.966.
// Tolerance 0.03 on every month (the issue's contract), at 8192 Saltelli rows, seed 11; the
// largest error observed is 1.2e-4 (the Sobol' design integrates this smooth model very
// accurately). The shares move from S_a = 0.25 (month 0) to 0.97 (month 23), so a month
// shifted by one (R_m of month m - 1: S_a 0.68 instead of 0.80 at month 5) fails the test.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "amorce/compile.hpp"
#include "amorce/load.hpp"
#include "amorce/metric.hpp"
#include "amorce/sensitivity.hpp"
#include "amorce/sensitivity_over_time.hpp"
#include "cli_support.hpp"

namespace amorce {
namespace {

const char* kRamp = R"(amorce: 1
name: ramp
start: 2027-01
horizon: 24
inputs:
  a: {uniform: [1_000, 3_000]}
  b: {uniform: [100, 300]}
  c: {uniform: [0.5, 1.5]}
revenue:
  sales:
    amount: a * ramp(0, 12) + b * c
    vat_rate: 0
)";

struct Exact {
  double s1[3], st[3];  // a, b, c
};

Exact exact(int m) {
  const double Va = 2000.0 * 2000 / 12, mub = 200, Vb = 200.0 * 200 / 12, muc = 1, Vc = 1.0 / 12;
  const double R = m < 12 ? (m + 1.0) * (m + 2.0) / 24 : 6.5 + (m - 11);
  const double k2 = (m + 1.0) * (m + 1.0), Vbc = mub * mub * Vc + muc * muc * Vb + Vb * Vc;
  const double V = R * R * Va + k2 * Vbc;
  return {{R * R * Va / V, k2 * muc * muc * Vb / V, k2 * mub * mub * Vc / V},
          {R * R * Va / V, k2 * (muc * muc * Vb + Vb * Vc) / V, k2 * (mub * mub * Vc + Vb * Vc) / V}};
}

SensitivityOptions sobol_options(int threads) {
  SensitivityOptions o;
  o.method = SensitivityMethod::sobol;
  o.paths = 8192;
  o.seed = 11;
  o.threads = threads;
  o.bootstrap = 0;
  return o;
}

std::size_t factor(const SensitivityOverTime& r, const std::string& name) {
  auto it = std::find(r.factors.begin(), r.factors.end(), name);
  EXPECT_NE(it, r.factors.end()) << name;
  return static_cast<std::size_t>(it - r.factors.begin());
}

TEST(SobolOverTime, CashIndicesMatchTheHandDerivedValuesEveryMonth) {
  Plan plan = compile(load_scenario_text(kRamp, "ramp.yaml"));
  auto r = run_sensitivity_over_time(plan, "cash", sobol_options(2));
  ASSERT_EQ(r.month_count(), 24u);
  ASSERT_EQ(r.factor_count(), 3u);  // no grant or monthly draw: no "(other randomness)"
  EXPECT_EQ(r.model_runs, 8192 * 5);  // one design (A, B, three A_B) for all 24 months
  EXPECT_EQ(r.months.front(), "2027-01");
  EXPECT_EQ(r.months.back(), "2028-12");
  EXPECT_TRUE(r.warnings.empty());
  const std::size_t ia = factor(r, "a"), ib = factor(r, "b"), ic = factor(r, "c");
  double worst = 0;
  for (int m = 0; m < 24; ++m) {
    Exact e = exact(m);
    const std::size_t t = static_cast<std::size_t>(m), idx[3] = {ia, ib, ic};
    for (int i = 0; i < 3; ++i) {
      EXPECT_NEAR(r.at(r.first_order, t, idx[i]), e.s1[i], 0.03) << "S1 of input " << i << " month " << m;
      EXPECT_NEAR(r.at(r.total, t, idx[i]), e.st[i], 0.03) << "ST of input " << i << " month " << m;
      worst = std::max({worst, std::fabs(r.at(r.first_order, t, idx[i]) - e.s1[i]), std::fabs(r.at(r.total, t, idx[i]) - e.st[i])});
    }
  }
  std::cout << "largest error over 24 months x 3 inputs x (S1, ST): " << worst << "\n";
  // the shares move: a explains a quarter of month 0, almost all of month 23
  EXPECT_LT(r.at(r.first_order, 0, ia), 0.35);
  EXPECT_GT(r.at(r.first_order, 23, ia), 0.93);
}

TEST(SobolOverTime, SameSeedSameNumbersOnOneOrTwoThreads) {
  Plan plan = compile(load_scenario_text(kRamp, "ramp.yaml"));
  auto o1 = sobol_options(1), o2 = sobol_options(2);
  o1.paths = o2.paths = 1024;
  o1.bootstrap = o2.bootstrap = 50;
  auto one = run_sensitivity_over_time(plan, "cash", o1), two = run_sensitivity_over_time(plan, "cash", o2);
  EXPECT_EQ(one.first_order, two.first_order);
  EXPECT_EQ(one.total_hi, two.total_hi);
  o1.method = o2.method = SensitivityMethod::correlation;
  one = run_sensitivity_over_time(plan, "cash", o1);
  two = run_sensitivity_over_time(plan, "cash", o2);
  EXPECT_EQ(one.srrc, two.srrc);
}

TEST(SobolOverTime, EachMonthIsTheScalarAnalysisOfThatMonth) {
  // one design for all months: month m's indices are exactly those of `--metric cash@m`
  // (same seed, same design, same bootstrap resamples), at a fraction of the cost
  Plan plan = compile(load_scenario_text(kRamp, "ramp.yaml"));
  auto o = sobol_options(2);
  o.paths = 256;
  o.bootstrap = 30;
  auto r = run_sensitivity_over_time(plan, "cash", o);
  for (int m : {0, 7, 23}) {
    auto s = run_sensitivity(plan, parse_metric("cash@" + std::to_string(m), plan), o);
    EXPECT_EQ(s.model_runs, r.model_runs);
    for (const auto& row : s.rows) {
      const std::size_t f = factor(r, row.factor), t = static_cast<std::size_t>(m);
      EXPECT_DOUBLE_EQ(row.s1, r.at(r.first_order, t, f)) << row.factor << " month " << m;
      EXPECT_DOUBLE_EQ(row.st, r.at(r.total, t, f)) << row.factor << " month " << m;
      EXPECT_DOUBLE_EQ(row.st_hi, r.at(r.total_hi, t, f)) << row.factor << " month " << m;
    }
  }
}

TEST(CorrelationOverTime, SrrcFollowsTheShiftFromBCToA) {
  // additive in a: SRRC_a grows with a's share; at month 23 a explains 96.6 % of the variance
  Plan plan = compile(load_scenario_text(kRamp, "ramp.yaml"));
  SensitivityOptions o;
  o.method = SensitivityMethod::correlation;
  o.paths = 4000;
  o.threads = 2;
  auto r = run_sensitivity_over_time(plan, "cash", o);
  EXPECT_EQ(r.model_runs, 4000);
  const std::size_t ia = factor(r, "a"), ib = factor(r, "b");
  EXPECT_LT(r.at(r.srrc, 0, ia), 0.6);
  EXPECT_GT(r.at(r.srrc, 23, ia), 0.95);
  EXPECT_GT(r.at(r.srrc, 0, ib), r.at(r.srrc, 23, ib));
  for (std::size_t t = 0; t < 24; ++t) EXPECT_GT(r.r2[t], 0.9) << t;
}

TEST(SensitivityOverTime, JsonCsvAndClearErrors) {
  Plan plan = compile(load_scenario_text(kRamp, "ramp.yaml"));
  auto o = sobol_options(2);
  o.paths = 256;
  o.bootstrap = 20;
  auto r = run_sensitivity_over_time(plan, "cash", o);
  auto j = sensitivity_over_time_json(r);
  EXPECT_EQ(j["months"].size(), 24u);
  EXPECT_EQ(j["first_order"].size(), 24u);
  EXPECT_EQ(j["first_order"][0].size(), 3u);
  EXPECT_EQ(j["factors"][0]["factor"], r.factors[0]);
  std::string csv = sensitivity_over_time_csv(r);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 24 * 3);
  EXPECT_EQ(csv.rfind("month,factor,inputs,mean,variance,first_order,", 0), 0u);
  std::ostringstream table;
  print_sensitivity_over_time(table, r);
  EXPECT_NE(table.str().find("2028-12"), std::string::npos);
  // a month with no variance: nulls, not NaN or a crash (revenue starts at month 3 below)
  std::string late = kRamp;
  const std::string vat = "    vat_rate: 0\n";
  late.replace(late.find(vat), vat.size(), vat + "    from: 3\n");
  Plan p2 = compile(load_scenario_text(late, "late.yaml"));
  auto r2 = run_sensitivity_over_time(p2, "cash", o);
  EXPECT_EQ(r2.variance[0], 0);
  EXPECT_TRUE(sensitivity_over_time_json(r2)["first_order"][0][0].is_null());
  EXPECT_GT(r2.variance[3], 0);
  auto bad = [&](const std::string& metric, SensitivityMethod m) {
    SensitivityOptions b = o;
    b.method = m;
    EXPECT_THROW(run_sensitivity_over_time(plan, metric, b), std::invalid_argument) << metric;
  };
  bad("cash", SensitivityMethod::tornado);
  bad("cash", SensitivityMethod::morris);
  bad("cash@3", SensitivityMethod::sobol);
  bad("min_cash", SensitivityMethod::sobol);
  bad("cashh", SensitivityMethod::sobol);
}

TEST(SensitivityOverTime, CliWritesTheCsvAndRejectsBadArguments) {
  using amorce_test::quote;
  using amorce_test::slurp;
  using amorce_test::TempDir;
  TempDir d;
  auto yaml = d.write("ramp.yaml", kRamp);
  auto csv = d.path / "drivers.csv";
  // the issue's command: --over-time alone means --metric cash --method sobol
  auto r = amorce_test::amorce("sensitivity " + quote(yaml.string()) + " --over-time --paths 128 --bootstrap 10 --threads 2 --out " +
                  quote(csv.string()));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("méthode sobol, indicateur cash mois par mois"), std::string::npos) << r.out;  // French by default
  std::string text = slurp(csv);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1 + 24 * 3);
  auto js = amorce_test::amorce("sensitivity " + quote(yaml.string()) + " --over-time --method correlation --paths 200 --format json");
  ASSERT_EQ(js.status, 0) << js.err;
  auto j = nlohmann::json::parse(js.out);
  EXPECT_EQ(j["srrc"].size(), 24u);
  auto t = amorce_test::amorce("sensitivity " + quote(yaml.string()) + " --over-time --method tornado");
  EXPECT_EQ(t.status, 2) << t.err;
  EXPECT_NE(t.err.find("sobol"), std::string::npos) << t.err;
  auto m = amorce_test::amorce("sensitivity " + quote(yaml.string()) + " --over-time --method sobol --metric cash@4");
  EXPECT_EQ(m.status, 2) << m.err;
  auto o = amorce_test::amorce("sensitivity " + quote(yaml.string()) + " --out x.csv");
  EXPECT_EQ(o.status, 2) << o.err;
}

}  // namespace
}  // namespace amorce
