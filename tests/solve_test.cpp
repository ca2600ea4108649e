// Goal seeking (amorce/solve.hpp) against closed-form answers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "amorce/compile.hpp"
#include "amorce/load.hpp"
#include "amorce/run.hpp"
#include "amorce/solve.hpp"

namespace amorce {
namespace {

// 12 months of 1 000 rent and uncertain sales: a reserve (opening cash) shifts every
// month's cash by the same amount, so min_cash(reserve) = min_cash(0) + reserve.
const char* kReserve = R"(amorce: 1
name: reserve
start: 2027-01
horizon: 12
inputs:
  reserve: 0
  volume: {uniform: [0, 1_500]}
revenue:
  sales:
    amount: volume * ramp(0, 6)
costs:
  rent:
    amount: 1_000
financing:
  opening_cash: reserve
)";

TEST(Solve, ReserveIsAQuantileOfTheUnshiftedMinimumCash) {
  Scenario sc = load_scenario_text(kReserve, "reserve.yaml");
  const long long N = 4000;
  RunOptions ro;
  ro.paths = N;
  ro.seed = 11;
  ro.threads = 2;
  RunResult r = run_monte_carlo(compile(sc), ro);
  std::vector<double> s(r.indicator(Indicator::min_cash), r.indicator(Indicator::min_cash) + N);
  std::sort(s.begin(), s.end());
  // P(min_cash + x < 0) <= 0.1  <=>  #{s < -x} <= floor(0.1 N)  <=>  x >= -s[floor(0.1 N)]
  const double expected = -s[static_cast<std::size_t>(0.1 * N)];
  SolveOptions o;
  o.input = "reserve";
  o.target = "prob(shortfall) <= 0.1";
  o.paths = N;
  o.seed = 11;
  o.threads = 2;
  o.tolerance = 1;
  SolveResult res = solve_input(sc, o);
  ASSERT_TRUE(res.found) << res.message;
  EXPECT_GE(res.value, expected - 1e-6);  // meets the target...
  EXPECT_LE(res.value, expected + 1.0);   // ...and is the smallest such value within the tolerance
  EXPECT_LE(res.achieved.value, 0.1);
  EXPECT_GT(res.achieved.se, 0);
  // same answer through opening_cash directly
  o.input = "opening_cash";  // an expression (reserve): the range must be given
  o.min = 0;
  o.max = 2 * expected + 1000;
  SolveResult res2 = solve_input(sc, o);
  ASSERT_TRUE(res2.found);
  EXPECT_NEAR(res2.value, res.value, 1.0);
}

TEST(Solve, StopsAtMonteCarloPrecisionWithAnUncertainty) {
  // Without --tol the bisection stops once the metric at both ends of the bracket differs by
  // no more than its standard error. The answer still meets the target, lies within the
  // bracket of the exact answer for this seed (min_cash quantile, as above), and carries an
  // uncertainty u = se / slope; another seed's answer agrees within 4 sigma of the two u's.
  Scenario sc = load_scenario_text(kReserve, "reserve.yaml");
  const long long N = 4000;
  auto exact = [&](std::uint64_t seed) {
    RunOptions ro;
    ro.paths = N;
    ro.seed = seed;
    RunResult r = run_monte_carlo(compile(sc), ro);
    std::vector<double> s(r.indicator(Indicator::min_cash), r.indicator(Indicator::min_cash) + N);
    std::sort(s.begin(), s.end());
    return -s[static_cast<std::size_t>(0.1 * N)];
  };
  SolveOptions o;
  o.input = "reserve";
  o.target = "prob(shortfall) <= 0.1";
  o.paths = N;
  o.seed = 11;
  SolveResult res = solve_input(sc, o);
  ASSERT_TRUE(res.found) << res.message;
  EXPECT_TRUE(res.stopped_at_precision) << res.message;
  ASSERT_TRUE(std::isfinite(res.uncertainty));
  EXPECT_GT(res.uncertainty, 0);
  const double expected = exact(11);
  EXPECT_GE(res.value, expected - 1e-6);               // meets the target
  EXPECT_LE(res.value - expected, res.hi - res.lo);    // the exact answer is inside the bracket
  EXPECT_LE(res.hi - res.lo, 2 * res.uncertainty);     // ...which is inside the uncertainty
  EXPECT_LE(res.achieved.value, 0.1);
  // far fewer evaluations than bisecting to 1 €
  o.tolerance = 1;
  SolveResult fine = solve_input(sc, o);
  EXPECT_LT(res.steps.size() + 3, fine.steps.size());
  // another seed: the answers agree within 4 sigma
  o.tolerance = 0;
  o.seed = 12;
  SolveResult other = solve_input(sc, o);
  ASSERT_TRUE(other.found);
  EXPECT_LE(std::fabs(other.value - res.value), 4 * std::hypot(res.uncertainty, other.uncertainty));
}

TEST(Solve, AnswerUncertaintyFromTheLocalSlope) {
  // metric 0.30 at x = 0, 0.20 at x = 100, 0.10 at x = 200 (slope 0.001 per unit), se 0.01:
  // u = 0.01 / 0.001 = 10. A pair closer than 2 se in metric is skipped (x = 190, 0.105).
  std::vector<SolveStep> steps(4);
  steps[0].x = 0, steps[0].metric.value = 0.30;
  steps[1].x = 100, steps[1].metric.value = 0.20;
  steps[2].x = 200, steps[2].metric.value = 0.10;
  steps[3].x = 190, steps[3].metric.value = 0.105;
  EXPECT_NEAR(answer_uncertainty(steps, 200, 0.01), 10.0, 1e-9);
  EXPECT_TRUE(std::isnan(answer_uncertainty(steps, 200, 0.0)));  // deterministic metric
}

TEST(Solve, DeterministicEquityForNonNegativeCash) {
  // no uncertainty: min_cash = reserve - 12 000 (rent only): the answer is 12 000
  std::string y = kReserve;
  y.replace(y.find("{uniform: [0, 1_500]}"), std::string("{uniform: [0, 1_500]}").size(), "0");
  Scenario sc = load_scenario_text(y, "reserve.yaml");
  SolveOptions o;
  o.input = "reserve";
  o.target = "min_cash >= 0";
  o.paths = 16;
  o.tolerance = 0.01;
  SolveResult res = solve_input(sc, o);
  ASSERT_TRUE(res.found) << res.message;
  EXPECT_NEAR(res.value, 12000, 0.011);
  EXPECT_NEAR(res.current, 0, 0);
}

TEST(Solve, MaximiseAndNotFound) {
  std::string y = kReserve;
  y.replace(y.find("{uniform: [0, 1_500]}"), std::string("{uniform: [0, 1_500]}").size(), "0");
  y.replace(y.find("amount: 1_000\n"), std::string("amount: 1_000").size(), "amount: rent_amount");
  y.replace(y.find("reserve: 0"), std::string("reserve: 0").size(), "reserve: 20_000\n  rent_amount: 1_000");
  Scenario sc = load_scenario_text(y, "rent.yaml");
  // the largest rent keeping cash >= 0 over 12 months with 20 000 of reserve: 20 000 / 12
  SolveOptions o;
  o.input = "rent_amount";
  o.target = "min_cash >= 0";
  o.maximise = true;
  o.paths = 8;
  o.tolerance = 0.01;
  SolveResult res = solve_input(sc, o);
  ASSERT_TRUE(res.found) << res.message;
  EXPECT_NEAR(res.value, 20000.0 / 12, 0.011);
  // impossible within the range: says so
  o.maximise = false;
  o.input = "reserve";
  o.target = "min_cash >= 0";
  o.min = -5000;
  o.max = 5000;
  SolveResult none = solve_input(sc, o);  // min_cash = reserve - 12 000 < 0 on the whole range
  EXPECT_FALSE(none.found);
  EXPECT_NE(none.message.find("no value"), std::string::npos) << none.message;
  o.max = 20000;
  SolveResult some = solve_input(sc, o);
  ASSERT_TRUE(some.found);
  EXPECT_NEAR(some.value, 12000, 2.0);  // default tolerance: range / 10 000 = 2.5
  // an uncertain input cannot be varied
  std::string z = kReserve;
  Scenario sz = load_scenario_text(z, "reserve.yaml");
  o.input = "volume";
  EXPECT_THROW(solve_input(sz, o), std::invalid_argument);
  o.input = "nope";
  EXPECT_THROW(solve_input(sz, o), std::invalid_argument);
}

}  // namespace
}  // namespace amorce
