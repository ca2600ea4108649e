// Stress tests and comparisons (amorce/stress.hpp, amorce/compare.hpp): each stress changes
// the scenario as documented, and differences are paired (common random numbers).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "amorce/compile.hpp"
#include "amorce/load.hpp"
#include "amorce/metric.hpp"
#include "amorce/run.hpp"
#include "amorce/stress.hpp"

namespace amorce {
namespace {

// No uncertainty except the sales volume: 12 000 a year of grant paid at start + 2, a
// launch grant, sales ramping over 6 months; cash goes negative on part of the paths.
const char* kScenario = R"(amorce: 1
name: stress
start: 2027-01
horizon: 48
inputs:
  volume: {uniform: [500, 1_500]}
series:
  activity: ramp(0, 6)
revenue:
  sales: {amount: volume * activity}
costs:
  rent: {amount: 1_800}
subsidies:
  - name: region
    amount: 12_000
    period: year
    payments:
      - {share: 1, at: start + 2}
  - name: launch
    amount: 5_000
    period: once
    until: 1
financing:
  opening_cash: 0
variants:
  cheap_rent:
    costs:
      rent: {amount: 1_700}
)";

Scenario scenario() { return load_scenario_text(kScenario, "stress.yaml"); }

double base_metric(const Scenario& s, const std::string& text) {
  Plan p = compile(s);
  RunOptions o;
  o.paths = 1;
  o.threads = 1;
  o.base_case = true;
  return run_metric(p, parse_metric(text, p), o)[0];
}

TEST(Stress, RewriteCalls) {
  auto twice = [](std::vector<std::string> a) { return "ramp(" + a[0] + ", (" + a[1] + ") * 2)"; };
  EXPECT_EQ(rewrite_calls("x * ramp(0, 6)", "ramp", twice), "x * ramp(0, ( 6) * 2)");
  EXPECT_EQ(rewrite_calls("my_ramp(1) + ramp (a, max(2, 3))", "ramp", twice), "my_ramp(1) + ramp(a, ( max(2, 3)) * 2)");
  EXPECT_EQ(rewrite_calls("ramp(ramp(0, 1), 2)", "ramp", twice), "ramp(ramp(0, ( 1) * 2), ( 2) * 2)");
}

TEST(Stress, SubsidyDelayShiftsCashNotResult) {
  Scenario s = scenario();
  Scenario d = delay_subsidies(s, 6);
  // the grant of 2027 (12 000) comes at month 8 instead of 2, the launch grant at 6 instead of 0
  EXPECT_NEAR(base_metric(s, "cash_subsidies@2"), 12000, 1e-6);
  EXPECT_NEAR(base_metric(d, "cash_subsidies@2"), 0, 1e-6);
  EXPECT_NEAR(base_metric(d, "cash_subsidies@8"), 12000, 1e-6);
  EXPECT_NEAR(base_metric(d, "cash_subsidies@6"), 5000, 1e-6);
  EXPECT_NEAR(base_metric(d, "net_result[0]"), base_metric(s, "net_result[0]"), 1e-6);
}

TEST(Stress, NonRenewalCapsYearlySubsidies) {
  Scenario s = scenario(), c;
  ASSERT_TRUE(cap_yearly_subsidies(s, 2, c));
  EXPECT_NEAR(base_metric(c, "subsidies[1]"), 12000, 1e-6);
  EXPECT_NEAR(base_metric(c, "subsidies[2]"), 0, 1e-6);
  EXPECT_NEAR(base_metric(s, "subsidies[2]"), 12000, 1e-6);
  EXPECT_FALSE(cap_yearly_subsidies(s, 4, c));  // the horizon ends with year 4
}

TEST(Stress, RevenueAndRamp) {
  Scenario s = scenario(), slow;
  EXPECT_NEAR(base_metric(scale_revenue(s, 0.8), "sum(revenue)"), 0.8 * base_metric(s, "sum(revenue)"), 1e-6);
  ASSERT_TRUE(slow_ramps(s, 2, slow));
  EXPECT_NEAR(base_metric(slow, "activity@5"), 0.5, 1e-12);  // ramp(0, 12) at month 5: 6 / 12
  EXPECT_NEAR(base_metric(s, "activity@5"), 1.0, 1e-12);
}

TEST(Stress, StandardStressesAgainstTheBase) {
  Scenario s = scenario();
  auto stresses = standard_stresses(s, [](const std::string& v) { return load_scenario_text(kScenario, "stress.yaml", v); });
  std::vector<std::string> names;
  for (const auto& st : stresses) names.push_back(st.name);
  std::vector<std::string> expected = {"subsidy_delay_3", "subsidy_delay_6", "subsidy_delay_12", "no_renewal_after_year_1",
                                       "no_renewal_after_year_2", "no_renewal_after_year_3", "revenue_minus_20",
                                       "ramp_up_twice_as_slow", "variant:cheap_rent"};
  EXPECT_EQ(names, expected);
  CompareOptions o;
  o.paths = 2000;
  o.threads = 2;
  Comparison c = run_stress_tests(s, stresses, o);
  ASSERT_EQ(c.rows.size(), stresses.size() + 1);
  const auto& base = c.rows[0].figures;
  for (std::size_t r = 1; r < c.rows.size(); ++r) {
    ASSERT_TRUE(c.rows[r].error.empty()) << c.rows[r].label << ": " << c.rows[r].error;
    const auto& f = c.rows[r].figures;
    // funding need mean (index 1): the difference is the paired difference of the two runs
    EXPECT_NEAR(f[1].diff.value, f[1].value.value - base[1].value.value, 1e-6);
  }
  // every stress but the cheaper rent makes things worse on average
  for (std::size_t r = 1; r + 1 < c.rows.size(); ++r) EXPECT_GE(c.rows[r].figures[1].diff.value, -1e-9) << c.rows[r].label;
  EXPECT_LT(c.rows.back().figures[1].diff.value, 0);
  // the cheaper rent saves 100 a month on every path: cash_end (index 6) +4 800 exactly, zero error
  EXPECT_NEAR(c.rows.back().figures[6].diff.value, 100 * 48, 1e-6);
  EXPECT_NEAR(c.rows.back().figures[6].diff.se, 0, 1e-6);
  auto j = comparison_json(c);
  EXPECT_EQ(j["runs"].size(), c.rows.size());
}

TEST(Compare, PairedErrorsAreSmallerThanUnpaired) {
  Scenario s = scenario();
  Scenario v = load_scenario_text(kScenario, "stress.yaml", "cheap_rent");
  std::vector<Candidate> cands;
  cands.push_back({"base", "", compile(s), ""});
  cands.push_back({"cheap_rent", "", compile(v), ""});
  CompareOptions o;
  o.paths = 4000;
  o.threads = 2;
  Comparison c = compare_plans(cands, o);
  // P(shortfall) difference: paired se far below the unpaired sqrt(se1^2 + se2^2)
  const auto& a = c.rows[0].figures[0].value;
  const auto& b = c.rows[1].figures[0];
  double unpaired = std::sqrt(a.se * a.se + b.value.se * b.value.se);
  EXPECT_LT(b.diff.se, unpaired);
  EXPECT_NEAR(b.diff.value, b.value.value - a.value, 1e-12);
}

}  // namespace
}  // namespace amorce
