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
  // never more evaluations than narrowing to 1 € (the secant steps make that cheap too: the
  // bisection of the single-fidelity search needed 4 more)
  o.tolerance = 1;
  SolveResult fine = solve_input(sc, o);
  EXPECT_LE(res.steps.size(), fine.steps.size());
  EXPECT_LE(fine.hi - fine.lo, 1.0);
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
  // the same through the multi-fidelity search (1 000 then 4 000 paths): a deterministic
  // metric is the same at every size, the full-size bracket is within the tolerance
  o.paths = 4000;
  SolveResult mf = solve_input(sc, o);
  ASSERT_TRUE(mf.found) << mf.message;
  EXPECT_EQ(mf.levels, (std::vector<long long>{1000, 4000}));
  EXPECT_NEAR(mf.value, 12000, 0.011);
  EXPECT_LE(mf.hi - mf.lo, 0.01);
  EXPECT_LE(mf.full_evaluations, 4);
}

// kReserve with a second uncertain input correlated with the first (the copula path of the
// uniforms kept across evaluations).
std::string correlated_reserve() {
  std::string y = kReserve;
  y.replace(y.find("  volume: {uniform: [0, 1_500]}\n"), std::string("  volume: {uniform: [0, 1_500]}\n").size(),
            "  volume: {uniform: [0, 1_000]}\n  extra: {uniform: [0, 500]}\n");
  y.replace(y.find("amount: volume * ramp(0, 6)"), std::string("amount: volume * ramp(0, 6)").size(),
            "amount: (volume + extra) * ramp(0, 6)");
  y.replace(y.find("costs:"), std::string("costs:").size(), "correlations:\n  - [volume, extra, 0.6]\ncosts:");
  return y;
}

double exact_reserve(const Scenario& sc, long long n, std::uint64_t seed) {
  RunOptions ro;
  ro.paths = n;
  ro.seed = seed;
  RunResult r = run_monte_carlo(compile(sc), ro);
  std::vector<double> s(r.indicator(Indicator::min_cash), r.indicator(Indicator::min_cash) + n);
  std::sort(s.begin(), s.end());
  return -s[static_cast<std::size_t>(0.1 * static_cast<double>(n))];
}

TEST(Solve, FidelityLevels) {
  // paths / 16 (at least 1 000) while that is at most a quarter of the finer size
  EXPECT_EQ(fidelity_levels(100000), (std::vector<long long>{1000, 6250, 100000}));
  EXPECT_EQ(fidelity_levels(32000), (std::vector<long long>{2000, 32000}));
  EXPECT_EQ(fidelity_levels(4000), (std::vector<long long>{1000, 4000}));
  EXPECT_EQ(fidelity_levels(3999), (std::vector<long long>{3999}));
  EXPECT_EQ(fidelity_levels(1000000), (std::vector<long long>{3906, 62500, 1000000}));
}

TEST(Solve, MultiFidelityAnswerIsAFullSizeAnswer) {
  // Correlated inputs (copula) so the kept uniforms are tested on their hardest path. The
  // answer and both ends of the final bracket are evaluations at the full 32 000 paths: the
  // answer meets the target there, the exact answer for this seed and size (the min_cash
  // quantile) lies in the bracket, and the metric reported at the answer is exactly what a
  // plain run at that value gives (the kept uniforms are the ones the run would draw).
  Scenario sc = load_scenario_text(correlated_reserve(), "reserve.yaml");
  const long long N = 32000;
  SolveOptions o;
  o.input = "reserve";
  o.target = "prob(shortfall) <= 0.1";
  o.paths = N;
  o.seed = 5;
  o.threads = 2;
  SolveResult res = solve_input(sc, o);
  ASSERT_TRUE(res.found) << res.message;
  EXPECT_EQ(res.levels, (std::vector<long long>{2000, N}));
  EXPECT_EQ(res.current_paths, N);  // the finest coarse size has fewer than 4 000 paths
  const double expected = exact_reserve(sc, N, 5);
  EXPECT_GE(res.value, expected - 1e-6);             // meets the target at full size
  EXPECT_LE(res.value - expected, res.hi - res.lo);  // the exact answer is inside the bracket
  EXPECT_TRUE(res.stopped_at_precision) << res.message;
  EXPECT_LE(res.hi - res.lo, 2 * res.uncertainty);
  int at_lo = 0, at_hi = 0;
  for (const auto& st : res.steps) {
    if (st.paths != N) continue;
    at_lo += st.x == res.lo && !st.met;
    at_hi += st.x == res.hi && st.met;
  }
  EXPECT_EQ(at_lo, 1);  // both ends were evaluated at full size
  EXPECT_EQ(at_hi, 1);
  RunOptions ro;
  ro.paths = N;
  ro.seed = 5;
  ro.threads = 1;
  Plan p = compile(with_input(sc, "reserve", res.value));
  Target t = parse_target(o.target, p);
  Estimate plain = estimate_metric(t.metric, run_metric(p, t.metric, ro));
  EXPECT_EQ(plain.value, res.achieved.value);
  EXPECT_EQ(plain.se, res.achieved.se);
  EXPECT_LE(res.achieved.value, 0.1);
}

TEST(Solve, MultiFidelityNeedsFewFullSizeRuns) {
  // The single-fidelity search needs ~10 runs at full size; the coarse search leaves at most
  // 6 (typically 2 to 4), and its answer agrees with the single-fidelity one within their
  // uncertainties (4 sigma). Same seed on 1 and 2 threads: the same steps, bit for bit.
  Scenario sc = load_scenario_text(kReserve, "reserve.yaml");
  SolveOptions o;
  o.input = "reserve";
  o.target = "prob(shortfall) <= 0.1";
  o.paths = 64000;
  o.seed = 3;
  o.threads = 2;
  SolveResult mf = solve_input(sc, o);
  ASSERT_TRUE(mf.found) << mf.message;
  int full = 0;
  for (const auto& st : mf.steps) full += st.paths == o.paths;
  EXPECT_EQ(full, mf.full_evaluations);
  EXPECT_GE(mf.full_evaluations, 2);
  EXPECT_LE(mf.full_evaluations, 6);
  EXPECT_EQ(mf.current_paths, 4000);  // the metric now: at the finest coarse size (>= 4 000 paths)
  o.coarse = false;
  SolveResult sf = solve_input(sc, o);
  ASSERT_TRUE(sf.found);
  EXPECT_EQ(sf.full_evaluations, static_cast<int>(sf.steps.size()));
  EXPECT_GT(sf.full_evaluations, mf.full_evaluations + 3);
  EXPECT_LE(std::fabs(mf.value - sf.value), 4 * std::hypot(mf.uncertainty, sf.uncertainty));
  o.coarse = true;
  o.threads = 1;
  SolveResult one = solve_input(sc, o);
  ASSERT_EQ(one.steps.size(), mf.steps.size());
  for (std::size_t i = 0; i < one.steps.size(); ++i) {
    EXPECT_EQ(one.steps[i].x, mf.steps[i].x);
    EXPECT_EQ(one.steps[i].metric.value, mf.steps[i].metric.value);
  }
  EXPECT_EQ(one.value, mf.value);
  // maximising: the largest rent keeping P(shortfall) <= 0.1 with a 20 000 reserve
  std::string y = kReserve;
  y.replace(y.find("amount: 1_000\n"), std::string("amount: 1_000").size(), "amount: rent_amount");
  y.replace(y.find("reserve: 0"), std::string("reserve: 0").size(), "reserve: 20_000\n  rent_amount: 1_000");
  Scenario rent = load_scenario_text(y, "rent.yaml");
  o.input = "rent_amount";
  o.maximise = true;
  o.threads = 2;
  o.min = 0;
  o.max = 10000;
  SolveResult mx = solve_input(rent, o);
  ASSERT_TRUE(mx.found) << mx.message;
  EXPECT_LE(mx.full_evaluations, 6);
  EXPECT_LE(mx.achieved.value, 0.1);
  o.coarse = false;
  SolveResult mx1 = solve_input(rent, o);
  ASSERT_TRUE(mx1.found);
  EXPECT_LE(std::fabs(mx.value - mx1.value), 4 * std::hypot(mx.uncertainty, mx1.uncertainty));
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
