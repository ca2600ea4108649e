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
