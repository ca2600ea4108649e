// The portfolio engine (docs/portfolio.md): closed-form joint shortfalls with a shared shock
// and with the one-factor copula, shocks off = product of the projects' own probabilities,
// VaR / ES / Euler allocation by hand, a project without shared names = `amorce run` alone,
// byte-identical JSON over threads and MPI ranks, and the loader's errors.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <numeric>

#include "amorce/error.hpp"
#include "amorce/portfolio.hpp"
#include "cli_support.hpp"

using namespace amorce;
using namespace amorce_test;
using nlohmann::json;

namespace {

const std::string kData = kSource + "/tests/data/portfolio/";

struct PfRun {
  Portfolio pf;
  PortfolioRunOptions opt;
  PortfolioResult r;
};

PfRun run_file(const std::string& name, int threads = 2) {
  PfRun x;
  x.pf = compile_portfolio(load_portfolio(kData + name));
  x.opt.paths = x.pf.spec.simulation.paths;
  x.opt.seed = x.pf.spec.simulation.seed;
  x.opt.sampling = x.pf.spec.simulation.sampling;
  x.opt.threads = threads;
  PortfolioColumns c = simulate_portfolio(x.pf, x.opt, 0, portfolio_blocks(x.opt.paths));
  x.r = summarize_portfolio(x.pf, x.opt, c);
  return x;
}

double freq(std::uint64_t hits, long long n) { return static_cast<double>(hits) / static_cast<double>(n); }

/// Monte Carlo bound: 4 standard errors of a frequency of probability p over n independent
/// paths (sampling mc): a correct engine fails this with probability < 1e-4 per check.
double bound4(double p, long long n) { return 4 * std::sqrt(p * (1 - p) / static_cast<double>(n)); }

/// P(X > a, Y > a) for standard normals with correlation rho: the integral over x > a of
/// phi(x) P(Y > a | x), by the trapezoid rule on [a, a + 12] with 20 000 steps (error < 1e-8).
double joint_tail(double a, double rho) {
  const double s = std::sqrt(1 - rho * rho), h = 12.0 / 20000;
  double sum = 0;
  for (int i = 0; i <= 20000; ++i) {
    const double x = a + i * h;
    const double f = std::exp(-x * x / 2) / std::sqrt(2 * M_PI) * 0.5 * std::erfc((a - rho * x) / s / std::sqrt(2.0));
    sum += (i == 0 || i == 20000 ? 0.5 : 1.0) * f;
  }
  return sum * h;
}

/// A shell command with the MPI runs' longer kill timeout (cli_support.hpp).
Result run_shell(const std::string& cmd) { return amorce_test::shell(cmd, 120); }

}  // namespace

TEST(Portfolio, SharedShockJointShortfallIsClosedForm) {
  // a short iff freeze and own_a < 0.5; b short iff freeze and own_b < 0.3 (own draws independent)
  PfRun x = run_file("two_cliffs.yaml");
  const long long N = x.r.paths;
  ASSERT_EQ(x.r.on.riskiest.size(), 2u);
  ASSERT_EQ(x.r.on.riskiest[0], 0);  // a is the riskier
  const double pa = 0.3 * 0.5, pb = 0.3 * 0.3, pab = 0.3 * 0.5 * 0.3;
  EXPECT_NEAR(freq(x.r.on.shortfalls[0], N), pa, bound4(pa, N));
  EXPECT_NEAR(freq(x.r.on.shortfalls[1], N), pb, bound4(pb, N));
  EXPECT_NEAR(freq(x.r.on.joint[1], N), pab, bound4(pab, N));
  // shocks off: each project draws its own freeze: joint = product of the marginals
  EXPECT_NEAR(freq(x.r.off.shortfalls[0], N), pa, bound4(pa, N));
  EXPECT_NEAR(freq(x.r.off.shortfalls[1], N), pb, bound4(pb, N));
  EXPECT_NEAR(freq(x.r.off.joint[1], N), pa * pb, bound4(pa * pb, N));
  // and the estimate agrees with the product of the estimated marginals
  EXPECT_NEAR(freq(x.r.off.joint[1], N), freq(x.r.off.shortfalls[0], N) * freq(x.r.off.shortfalls[1], N), bound4(pa * pb, N));
  // loss: a 10 000 x (1 - 0.5) = 5 000, b 0.5 x 20 000 = 10 000 when short
  EXPECT_DOUBLE_EQ(x.pf.members[0].loss_given_shortfall, 5000);
  EXPECT_DOUBLE_EQ(x.pf.members[1].loss_given_shortfall, 10000);
  EXPECT_NEAR(x.r.on.loss.expected, pa * 5000 + pb * 10000, 4 * std::sqrt((pa * 25e6 + pb * 1e8) / N));
  // L = 15 000 with P 0.045, 10 000 (b alone) 0.045, 5 000 (a alone) 0.105: VaR99 = 15 000 and
  // VaR95 = 10 000 (P(L <= 5 000) = 0.91 < 0.95 <= P(L <= 10 000) = 0.955), far from the edges
  EXPECT_EQ(x.r.on.loss.var99, 15000);
  EXPECT_EQ(x.r.on.loss.var95, 10000);
  EXPECT_NEAR(x.r.on.loss.es99, 15000, 1e-9 * 15000);  // a weighted sum of 200 tail paths: rounding only
  // ES95 = (0.045 x 15 000 + 0.005 x 10 000) / 0.05 = 14 500; the share of b is 10 000
  EXPECT_NEAR(x.r.on.loss.es95, 14500, 5000 * bound4(pab, N) / 0.05);
  EXPECT_NEAR(x.r.on.loss.contrib95[1], 10000, 1e-6);  // b is in every tail path
  // grants at risk: b's 3 000 when b is short
  EXPECT_NEAR(x.r.on.grants_mean, pb * 3000, 3000 * bound4(pb, N));
}

TEST(Portfolio, ShockInAPaymentOffsetHitsEveryProjectTogether) {
  // the aide au poste is paid 6 months late exactly when the shared freeze hits: each project
  // is short iff freeze, so on a path both are short or neither
  PfRun x = run_file("freeze_portfolio.yaml");
  const long long N = x.r.paths;
  EXPECT_EQ(x.r.on.shortfalls[0], x.r.on.shortfalls[1]);
  EXPECT_EQ(x.r.on.joint[1], x.r.on.shortfalls[0]);
  EXPECT_NEAR(freq(x.r.on.shortfalls[0], N), 0.2, bound4(0.2, N));
  EXPECT_EQ(x.r.on.count_hist[1], 0u);
  EXPECT_NEAR(freq(x.r.off.joint[1], N), 0.04, bound4(0.04, N));
  // alone, without the shock, the scenario is never short
  Result alone = amorce_test::amorce("run " + quote(kData + "freeze.yaml") + " --paths 50 --format json");
  ASSERT_EQ(alone.status, 0) << alone.err;
  EXPECT_EQ(json::parse(alone.out)["probabilities"]["shortfall"]["p"].get<double>(), 0.0);
}

TEST(Portfolio, FactorJointShortfallIsBivariateNormal) {
  // x_a, x_b standard normal with loading 0.6 on one factor: correlation 0.36
  PfRun x = run_file("factor.yaml");
  const long long N = x.r.paths;
  const double p = 0.5 * std::erfc(1 / std::sqrt(2.0));  // P(x > 1)
  const double pj = joint_tail(1.0, 0.36);
  EXPECT_GT(pj, p * p * 1.5);  // the case is not degenerate: dependence is visible
  EXPECT_NEAR(freq(x.r.on.shortfalls[0], N), p, bound4(p, N));
  EXPECT_NEAR(freq(x.r.on.shortfalls[1], N), p, bound4(p, N));
  EXPECT_NEAR(freq(x.r.on.joint[1], N), pj, bound4(pj, N));
  EXPECT_NEAR(freq(x.r.off.joint[1], N), p * p, bound4(p * p, N));
  // independence check of the closed form itself: rho = 0 gives the product
  EXPECT_NEAR(joint_tail(1.0, 0.0), p * p, 1e-8);
}

TEST(Portfolio, EulerContributionsSumToExpectedShortfall) {
  PfRun x = run_file("mixed.yaml");
  for (const PortfolioModeResult* m : {&x.r.on, &x.r.off}) {
    const double s95 = std::accumulate(m->loss.contrib95.begin(), m->loss.contrib95.end(), 0.0);
    const double s99 = std::accumulate(m->loss.contrib99.begin(), m->loss.contrib99.end(), 0.0);
    // the same weights on each project's loss: equal up to the rounding of a sum of N terms
    EXPECT_NEAR(s95, m->loss.es95, 1e-9 * std::max(1.0, m->loss.es95));
    EXPECT_NEAR(s99, m->loss.es99, 1e-9 * std::max(1.0, m->loss.es99));
    EXPECT_GT(m->loss.es95, 0);
  }
}

TEST(Portfolio, SmallRunsAndEverySampling) {
  // fewer paths than a bit word, a partial last block, one path; the shocks-off joint counts
  // can never exceed the marginals, and a path count is never lost
  Portfolio pf = compile_portfolio(load_portfolio(kData + "two_cliffs.yaml"));
  for (Sampling s : {Sampling::mc, Sampling::lhs, Sampling::sobol})
    for (long long n : {1LL, 37LL, 600LL}) {
      PortfolioRunOptions o;
      o.paths = n;
      o.sampling = s;
      o.threads = 2;
      PortfolioResult r = summarize_portfolio(pf, o, simulate_portfolio(pf, o, 0, portfolio_blocks(n)));
      std::uint64_t paths = 0;
      for (auto c : r.on.count_hist) paths += c;
      EXPECT_EQ(paths, static_cast<std::uint64_t>(n));
      EXPECT_LE(r.on.joint[1], std::min(r.on.shortfalls[0], r.on.shortfalls[1]));
      EXPECT_LE(r.off.joint[1], std::min(r.off.shortfalls[0], r.off.shortfalls[1]));
    }
}

TEST(Portfolio, ValueAtRiskByHand) {
  // 10 losses; alpha 0.8: VaR = 2nd largest... the 8th smallest = 5; tail = 2 paths: 9 and 7
  std::vector<double> loss{0, 1, 9, 2, 3, 5, 4, 7, 0, 5};
  double var = 0, es = 0;
  std::vector<double> w;
  value_at_risk(loss, 0.8, var, es, &w);
  // sorted: 0 0 1 2 3 4 5 5 7 9: the 8th smallest is 5; above it 7 and 9 fill the tail of 2
  EXPECT_EQ(var, 5);
  EXPECT_DOUBLE_EQ(es, 8);
  // alpha 0.75: tail 2.5 paths: 9, 7 and half of the weight shared by the two 5s
  value_at_risk(loss, 0.75, var, es, &w);
  EXPECT_EQ(var, 5);
  EXPECT_DOUBLE_EQ(es, (9 + 7 + 0.5 * 5) / 2.5);
  EXPECT_DOUBLE_EQ(w[5], 0.25 / 2.5);
  EXPECT_DOUBLE_EQ(w[9], 0.25 / 2.5);
  EXPECT_DOUBLE_EQ(w[2], 1 / 2.5);
}

TEST(Portfolio, ProjectWithoutSharedNamesRunsAsAlone) {
  PfRun x = run_file("mixed.yaml", 1);
  const PortfolioMember& c = x.pf.members[0];
  ASSERT_EQ(c.spec.name, "conciergerie");
  EXPECT_FALSE(c.systemic());
  EXPECT_TRUE(x.pf.members[1].systemic());
  EXPECT_EQ(x.pf.members[1].shocks_used, std::vector<std::string>{"state_freeze"});
  Result alone = amorce_test::amorce("run " + quote(kSource + "/scenarios/conciergerie_quartier.yaml") + " --paths 1500 --sampling lhs --seed " +
                        std::to_string(c.seed) + " --format json");
  ASSERT_EQ(alone.status, 0) << alone.err;
  json j = json::parse(alone.out);
  // the same paths: the same number of shortfalls and the same mean funding need
  EXPECT_EQ(static_cast<double>(x.r.on.shortfalls[0]) / 1500, j["probabilities"]["shortfall"]["p"].get<double>());
  EXPECT_NEAR(x.r.on.funding_mean[0], j["indicators"]["funding_need"]["mean"].get<double>(),
              1e-9 * std::max(1.0, x.r.on.funding_mean[0]));
  // adding a project never changes another's draws: its numbers without the others are the same
  TempDir d;
  const auto f = d.write("alone.yaml", "amorce: 1\nportfolio: alone\nsimulation: {paths: 1500, seed: 3}\nprojects:\n"
                                       "  - {name: conciergerie, scenario: " + kSource + "/scenarios/conciergerie_quartier.yaml}\n");
  Portfolio pf = compile_portfolio(load_portfolio(f.string()));
  PortfolioRunOptions o = x.opt;
  PortfolioResult r = summarize_portfolio(pf, o, simulate_portfolio(pf, o, 0, portfolio_blocks(o.paths)));
  EXPECT_EQ(r.on.shortfalls[0], x.r.on.shortfalls[0]);
  EXPECT_EQ(r.on.funding_mean[0], x.r.on.funding_mean[0]);
}

TEST(Portfolio, SameJsonOnAnyThreadsAndRanks) {
  const std::string file = quote(kData + "mixed.yaml");
  Result one = amorce_test::amorce("portfolio " + file + " --threads 1 --format json");
  ASSERT_EQ(one.status, 0) << one.err;
  Result two = amorce_test::amorce("portfolio " + file + " --threads 2 --format json");
  ASSERT_EQ(two.status, 0) << two.err;
  EXPECT_EQ(one.out, two.out);
#ifdef AMORCE_TEST_MPIEXEC
  for (int ranks : {2, 3}) {
    Result r = run_shell(mpirun(ranks) + quote(kCli) + " portfolio " + file + " --threads " + std::to_string(ranks == 2 ? 1 : 2) +
                         " --format json");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, one.out) << ranks << " ranks";
  }
#else
  GTEST_SKIP() << "built without MPI (AMORCE_MPI=OFF): only threads compared";
#endif
}

#ifdef AMORCE_TEST_MPIEXEC
TEST(Portfolio, MpiInputErrorIsPrintedOnceWithStatus2) {
  Result r = run_shell(mpirun(2) + quote(kCli) + " portfolio " + quote(kData + "bad_key.yaml"));
  EXPECT_NE(r.status, 0);
  const std::string msg = "bad_key.yaml:6:28: unknown key 'guarante_share'";
  const auto at = r.err.find(msg);
  ASSERT_NE(at, std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(msg, at + 1), std::string::npos) << "printed by more than rank 0:\n" << r.err;
  EXPECT_NE(r.err.find("Exit code:    2"), std::string::npos) << r.err;  // mpirun reports the rank's status
}
#endif

TEST(Portfolio, GeneratedPortfolioRuns) {
  // scripts/portfolio-generate.py: every bundled scenario (7 + 2 jittered again), its extends
  // path and variants valid; two runs of the generator give the same files
  TempDir d;
  const std::string gen = "/usr/bin/python3 " + quote(kSource + "/scripts/portfolio-generate.py") + " 9 ";
  ASSERT_EQ(run_shell(gen + quote((d.path / "a").string()) + " --paths 64").status, 0);
  ASSERT_EQ(run_shell(gen + quote((d.path / "b").string()) + " --paths 64").status, 0);
  EXPECT_EQ(slurp(d.path / "a" / "projects" / "p0005.yaml"), slurp(d.path / "b" / "projects" / "p0005.yaml"));
  Result r = amorce_test::amorce("portfolio " + quote((d.path / "a" / "portfolio.yaml").string()) + " --format json");
  ASSERT_EQ(r.status, 0) << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(j["projects"].size(), 9u);
  EXPECT_EQ(j["run"]["paths"], 64);
}

TEST(Portfolio, OutWritesJsonAndCsv) {
  TempDir d;
  Result r = amorce_test::amorce("portfolio " + quote(kData + "two_cliffs.yaml") + " --paths 2000 --out " + quote((d.path / "o").string()) +
                    " --report " + quote((d.path / "p.html").string()));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("Projets en difficulté"), std::string::npos);
  json j = json::parse(slurp(d.path / "o" / "portfolio.json"));
  EXPECT_EQ(j["run"]["paths"], 2000);
  EXPECT_EQ(j["projects"].size(), 2u);
  EXPECT_NE(slurp(d.path / "o" / "projects.csv").find("a,"), std::string::npos);
  EXPECT_NE(slurp(d.path / "p.html").find("Contribution des projets"), std::string::npos);
}

TEST(Portfolio, ErrorsHaveFileLineColumn) {
  Result r = amorce_test::amorce("portfolio " + quote(kData + "bad_key.yaml"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("bad_key.yaml:6:28: unknown key 'guarante_share'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("did you mean 'guarantee_share'"), std::string::npos) << r.err;
  TempDir d;
  auto expect_error = [&](const std::string& text, const std::string& what) {
    const auto f = d.write("p.yaml", text);
    try {
      (void)compile_portfolio(load_portfolio(f.string()));
      ADD_FAILURE() << "accepted: " << text;
    } catch (const ScenarioError& e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  };
  const std::string head = "amorce: 1\nportfolio: p\n";
  const std::string cliff = kData + "cliff.yaml";
  expect_error(head + "projects:\n  - {scenario: nowhere.yaml}\n", "p.yaml:4:5: project 'nowhere': scenario file");
  expect_error(head + "shocks:\n  s: {bernouli: 0.1}\nprojects:\n  - {scenario: " + cliff + "}\n",
               "p.yaml:4:7: input 's': unknown distribution 'bernouli'");
  expect_error(head + "shocks:\n  s: {bernoulli: 0.1, each: month}\nprojects:\n  - {scenario: " + cliff + "}\n",
               "p.yaml:4:3: shock 's': a shared shock is drawn once per path");
  expect_error(head + "factor:\n  inputs: [{input: own, loading: 1.5}]\nprojects:\n  - {scenario: " + cliff + "}\n",
               "loading is 1.5, expected a number between -1 and 1");
  expect_error(head + "factor:\n  inputs: [{input: own, loading: 0.5, projects: [clif]}]\nprojects:\n  - {scenario: " + cliff + "}\n",
               "no project named 'clif'; did you mean 'cliff'?");
  expect_error(head + "factor:\n  inputs: [{input: threshold, loading: 0.5, projects: [cliff]}]\nprojects:\n  - {scenario: " + cliff +
                   "}\n",
               "has no input 'threshold' drawn once per path");
  expect_error(head + "projects:\n  - {scenario: " + cliff + "}\n  - {scenario: " + cliff + "}\n", "a second project named 'cliff'");
  expect_error(head + "projects:\n  - {scenario: " + cliff + ", exposure: {loan: -5}}\n", "exposure.loan is -5");
}
