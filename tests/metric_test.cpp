// Metrics of the funder's-questions drivers (amorce/metric.hpp): parsing, per-path values
// against hand-computed ledgers, statistics and their Monte Carlo errors.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "amorce/compile.hpp"
#include "amorce/load.hpp"
#include "amorce/metric.hpp"

namespace amorce {
namespace {

// cash grows by 600 a month (1 000 sales - 400 rent, paid in the month, no VAT), plus a
// one-off extra sale `price` ~ U(0, 1000) in month 0.
const char* kScenario = R"(amorce: 1
name: metrics
start: 2027-01
horizon: 24
inputs:
  price: {uniform: [0, 1000]}
series:
  x: 2 * month
revenue:
  sales: {amount: 1_000}
  extra: {amount: price, from: 0, until: 1}
costs:
  rent: {amount: 400}
)";

Plan plan() { return compile(load_scenario_text(kScenario, "metrics.yaml")); }

RunOptions base_case_options() {
  RunOptions o;
  o.paths = 1;
  o.threads = 1;
  o.base_case = true;
  return o;
}

double base_value(const Plan& p, const std::string& text) {
  Metric m = parse_metric(text, p);
  return run_metric(p, m, base_case_options())[0];
}

TEST(Metric, PathMetricsInTheBaseCase) {
  Plan p = plan();
  // base case: price = 500 (median)
  EXPECT_NEAR(base_value(p, "cash@0"), 1100, 1e-9);
  EXPECT_NEAR(base_value(p, "cash@5"), 500 + 6 * 600, 1e-9);
  EXPECT_NEAR(base_value(p, "cash@2027-06"), 500 + 6 * 600, 1e-9);
  EXPECT_NEAR(base_value(p, "cash@end"), 500 + 24 * 600, 1e-9);
  EXPECT_NEAR(base_value(p, "cash_end"), 500 + 24 * 600, 1e-9);
  EXPECT_NEAR(base_value(p, "min_cash"), 1100, 1e-9);
  EXPECT_NEAR(base_value(p, "sum(revenue)"), 24 * 1000 + 500, 1e-9);
  EXPECT_NEAR(base_value(p, "sum(sales)"), 24 * 1000, 1e-9);
  EXPECT_NEAR(base_value(p, "x@12"), 24, 1e-12);
  EXPECT_NEAR(base_value(p, "sum(x)"), 2 * 23 * 24 / 2, 1e-9);
  EXPECT_NEAR(base_value(p, "net_result[2028]"), 12 * 600, 1e-9);
  EXPECT_NEAR(base_value(p, "net_result[1]"), 12 * 600, 1e-9);
  EXPECT_NEAR(base_value(p, "net_result[0]"), 12 * 600 + 500, 1e-9);
  EXPECT_NEAR(base_value(p, "revenue[2027]"), 12 * 1000 + 500, 1e-9);
  EXPECT_NEAR(base_value(p, "breakeven_month"), 0, 1e-12);
}

TEST(Metric, StatisticsAndTheirErrors) {
  Plan p = plan();
  RunOptions o;
  o.paths = 20000;
  o.threads = 2;
  o.seed = 7;
  // cash_end = 14 400 + price, price ~ U(0, 1000)
  struct Case {
    const char* text;
    double expected;
  } cases[] = {{"prob(cash_end < 14650)", 0.25}, {"mean(cash_end)", 14900}, {"quantile(cash_end, 0.8)", 15200},
               {"p90(cash_end)", 15300},          {"median(cash_end)", 14900}, {"sd(cash_end)", 1000 / std::sqrt(12.0)},
               {"prob(shortfall)", 0.0}};
  for (const auto& c : cases) {
    Metric m = parse_metric(c.text, p);
    Estimate e = estimate_metric(m, run_metric(p, m, o));
    EXPECT_EQ(e.n, 20000u);
    EXPECT_NEAR(e.value, c.expected, std::max(1e-9, 4 * e.se)) << c.text << " se " << e.se;  // 4 sigma
  }
  Metric q = parse_metric("quantile(cash_end, 80%)", p);  // percent form
  EXPECT_DOUBLE_EQ(q.q, 0.8);
}

TEST(Metric, ProbabilityErrorIsBinomial) {
  Plan p = plan();
  Metric m = parse_metric("prob(cash_end < 14650)", p);
  std::vector<double> v(400, 0.0);
  for (int i = 0; i < 100; ++i) v[i] = 1;
  Estimate e = estimate_metric(m, v);
  EXPECT_DOUBLE_EQ(e.value, 0.25);
  EXPECT_NEAR(e.se, std::sqrt(0.25 * 0.75 / 400), 1e-15);
}

TEST(Metric, BreakevenIsCensoredAtTheHorizon) {
  Plan p = plan();
  Metric m = parse_metric("breakeven_month", p);
  EXPECT_EQ(m.path.censor_value, 24);
  Metric n = parse_metric("min_cash", p);
  EXPECT_TRUE(std::isnan(n.path.censor_value));
}

TEST(Metric, ParsesTargets) {
  Plan p = plan();
  Target t = parse_target("prob(min_cash < 0) <= 0.1", p);
  EXPECT_EQ(t.metric.stat, Stat::prob);
  EXPECT_EQ(t.metric.cmp, Cmp::lt);
  EXPECT_EQ(t.metric.threshold, 0);
  EXPECT_EQ(t.cmp, Cmp::le);
  EXPECT_DOUBLE_EQ(t.value, 0.1);
  Target u = parse_target("mean(npv) >= 10_000", p);
  EXPECT_EQ(u.metric.stat, Stat::mean);
  EXPECT_EQ(u.cmp, Cmp::ge);
  EXPECT_DOUBLE_EQ(u.value, 10000);
  Target w = parse_target("prob(shortfall) <= 10%", p);
  EXPECT_DOUBLE_EQ(w.value, 0.1);
  EXPECT_TRUE(compare_values(0.1, Cmp::le, 0.1));
  EXPECT_FALSE(compare_values(0.11, Cmp::le, 0.1));
  EXPECT_THROW(parse_target("prob(shortfall)", p), std::invalid_argument);
  EXPECT_THROW(parse_target("prob(shortfall) == 0.1", p), std::invalid_argument);
}

TEST(Metric, ClearErrors) {
  Plan p = plan();
  auto message = [&](const std::string& t) {
    try {
      parse_metric(t, p);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("revenue").find("revenue[0]"), std::string::npos) << message("revenue");
  EXPECT_NE(message("cash").find("cash@"), std::string::npos) << message("cash");
  EXPECT_NE(message("net_result").find("net_result[0]"), std::string::npos);
  EXPECT_NE(message("net_result[2099]").find("2027 2028"), std::string::npos);
  EXPECT_NE(message("cash@99").find("outside the horizon"), std::string::npos);
  EXPECT_NE(message("nope").find("unknown metric"), std::string::npos);
  EXPECT_NE(message("quantile(cash_end, 0)").find("(0, 1)"), std::string::npos);
  EXPECT_NE(message("median(cash_end, 2)").find("argument"), std::string::npos);
  EXPECT_NE(message("sum(nope)").find("unknown line or series"), std::string::npos);
  EXPECT_NE(message("foo(cash_end)").find("unknown statistic"), std::string::npos);
}

}  // namespace
}  // namespace amorce
