// One large `amorce run` split across processes (run_part.hpp, docs/portfolio.md): shares of
// blocks simulated apart and merged by share 0 in block order give a RunResult bit-identical to
// one process, in-process (any build) and through `mpirun -n R amorce run` (builds with MPI):
// the JSON, --metrics and every --out file byte for byte, errors printed once.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "amorce/compile.hpp"
#include "amorce/load.hpp"
#include "amorce/metrics_run.hpp"
#include "amorce/run_part.hpp"
#include "cli_support.hpp"

using namespace amorce;
using namespace amorce_test;

namespace {

const std::string kScenario = kSource + "/scenarios/garage_solidaire_aci.yaml";
// not a multiple of the block size (128 for this scenario: checked below), so the last block is partial
constexpr long long kPaths = 3001;

Plan plan_of(const std::string& file) { return compile(load_scenario(file)); }

RunOptions options(int threads) {
  RunOptions o;
  o.paths = kPaths;
  o.seed = 7;
  o.threads = threads;
  o.keep_paths = true;
  o.keep_inputs = true;
  return o;
}

/// The run split into `shares` shares, parts passed to share 0 in order (what the ranks do).
RunResult split_run(const Plan& plan, RunOptions o, int shares) {
  o.share_count = shares;
  std::vector<RunPart> parts;
  for (int k = 1; k < shares; ++k) {
    o.share_index = k;
    parts.push_back(run_part(plan, o));
  }
  o.share_index = 0;
  std::size_t next = 0;
  return run_with_parts(plan, o, [&](RunPart& p) {
    if (next == parts.size()) return false;
    p = std::move(parts[next++]);
    return true;
  });
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

}  // namespace

TEST(RunParts, SplitRunIsBitIdenticalToOneProcess) {
  const Plan plan = plan_of(kScenario);
  RunOptions o = options(2);
  o.band_paths = 1000;  // the band subsample ends inside a block of another share
  const RunResult one = run_monte_carlo(plan, o);
  ASSERT_EQ(one.block_size, 128u);
  ASSERT_NE(kPaths % static_cast<long long>(one.block_size), 0);
  const std::string json_one = run_summary_json(plan, one).dump(2);
  for (int shares : {2, 3, 30}) {  // 30 shares > 24 blocks: some shares have none
    for (int threads : {1, 2}) {
      RunOptions os = o;
      os.threads = threads;
      const RunResult r = split_run(plan, os, shares);
      EXPECT_EQ(run_summary_json(plan, r).dump(2), json_one) << shares << " shares, " << threads << " threads";
      EXPECT_TRUE(same_bits(r.indicators, one.indicators)) << shares;
      EXPECT_TRUE(same_bits(r.kept_cash, one.kept_cash)) << shares;
      EXPECT_TRUE(same_bits(r.kept_inputs, one.kept_inputs)) << shares;
      EXPECT_EQ(r.options.share_count, 1);
      EXPECT_EQ(r.path_end, static_cast<std::size_t>(kPaths));
    }
  }
}

TEST(RunParts, PartsHoldOnlyTheirPaths) {
  const Plan plan = plan_of(kScenario);
  RunOptions o = options(1);
  o.share_count = 3;
  o.share_index = 2;
  const RunPart p = run_part(plan, o);
  // 24 blocks of 128: share 2 of 3 has blocks [16, 24), paths [2048, 3001)
  EXPECT_EQ(p.block_begin, 16u);
  EXPECT_EQ(p.block_end, 24u);
  EXPECT_EQ(p.path_begin, 2048u);
  EXPECT_EQ(p.path_end, 3001u);
  EXPECT_EQ(p.indicators.size(), static_cast<std::size_t>(kIndicatorCount) * 953);
  EXPECT_EQ(p.kept_cash.size(), static_cast<std::size_t>(plan.horizon) * 953);
  EXPECT_FALSE(p.blocks.empty());
}

TEST(RunParts, PartOutOfOrderIsRefused) {
  const Plan plan = plan_of(kScenario);
  RunOptions o = options(1);
  o.share_count = 3;
  o.share_index = 2;
  RunPart last = run_part(plan, o);
  o.share_index = 0;
  bool given = false;
  // share 2's part offered right after share 0's blocks: share 1's blocks are missing
  EXPECT_THROW(run_with_parts(plan, o,
                              [&](RunPart& p) {
                                if (given) return false;
                                given = true;
                                p = last;
                                return true;
                              }),
               std::logic_error);
  // a truncated part
  given = false;
  o.share_count = 2;
  o.share_index = 1;
  RunPart half = run_part(plan, o);
  half.blocks.resize(half.blocks.size() / 2);
  o.share_index = 0;
  EXPECT_THROW(run_with_parts(plan, o,
                              [&](RunPart& p) {
                                if (given) return false;
                                given = true;
                                p = half;
                                return true;
                              }),
               std::logic_error);
}

TEST(RunParts, SplitMetricsRunGivesTheSameEstimates) {
  const Plan plan = plan_of(kScenario);
  const std::vector<std::string> metrics = {"shortfall", "p90(funding_need)", "cash@end"};
  RunOptions o = options(2);
  o.keep_paths = o.keep_inputs = false;
  const MetricsRun one = run_metrics(plan, metrics, o);
  // three shares run one after another here; share 0 receives the others' values in path order
  o.share_count = 3;
  std::vector<std::vector<std::vector<double>>> shares(3);
  for (int k = 2; k >= 0; --k) {
    o.share_index = k;
    MetricsRun r = run_metrics(plan, metrics, o, [&](std::vector<std::vector<double>>& values) {
      shares[static_cast<std::size_t>(k)] = values;
      if (k != 0) return false;
      for (std::size_t m = 0; m < values.size(); ++m)
        for (int s = 1; s < 3; ++s) values[m].insert(values[m].end(), shares[s][m].begin(), shares[s][m].end());
      return true;
    });
    if (k != 0) {
      EXPECT_TRUE(r.estimates.empty());
      continue;
    }
    EXPECT_EQ(metrics_json(plan, r).dump(2), metrics_json(plan, one).dump(2));
  }
}

// ---------------------------------------------------------------- the command line

namespace {

/// A shell command with the MPI runs' longer kill timeout (cli_support.hpp).
[[maybe_unused]] Result run_shell(const std::string& cmd) { return amorce_test::shell(cmd, 120); }

const std::string kRun = " run " + quote(kScenario) + " --paths " + std::to_string(kPaths) + " --seed 7";

/// Every file of a --out directory, by name.
std::map<std::string, std::string> files_of(const std::filesystem::path& dir) {
  std::map<std::string, std::string> f;
  for (const auto& e : std::filesystem::directory_iterator(dir)) f[e.path().filename().string()] = slurp(e.path());
  return f;
}

}  // namespace

TEST(RunMpi, SameJsonMetricsAndFilesOnAnyRanksAndThreads) {
  TempDir d;
  // every file of --out, and the funder's report written into the same directory
  auto keep = [&](const std::string& name) {
    const std::string dir = (d.path / name).string();
    return " --keep-paths --keep-inputs --format json --out " + quote(dir) + " --report " + quote(dir + "/report.html");
  };
  Result one = amorce_test::amorce(kRun + " --threads 1" + keep("one"));
  ASSERT_EQ(one.status, 0) << one.err;
  Result two = amorce_test::amorce(kRun + " --threads 2" + keep("two"));
  ASSERT_EQ(two.status, 0) << two.err;
  EXPECT_EQ(one.out, two.out);
  const auto files = files_of(d.path / "one");
  EXPECT_TRUE(files.count("paths.csv") && files.count("inputs.csv") && files.count("summary.json") && files.count("report.html"));
  EXPECT_EQ(files_of(d.path / "two"), files);
  const std::string metrics = " --metrics " + quote("shortfall,p90(funding_need),cash@end") + " --format json";
  Result m1 = amorce_test::amorce(kRun + " --threads 1" + metrics);
  ASSERT_EQ(m1.status, 0) << m1.err;
#ifdef AMORCE_TEST_MPIEXEC
  for (int ranks : {2, 3}) {
    const std::string threads = ranks == 2 ? " --threads 1" : " --threads 2";
    const std::string dir = (d.path / ("ranks" + std::to_string(ranks))).string();
    Result r = run_shell(mpirun(ranks) + quote(kCli) + kRun + threads + keep("ranks" + std::to_string(ranks)));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, one.out) << ranks << " ranks";
    const auto got = files_of(dir);
    ASSERT_EQ(got.size(), files.size()) << ranks << " ranks";
    for (const auto& [name, bytes] : files) EXPECT_TRUE(got.at(name) == bytes) << name << " differs on " << ranks << " ranks";
    // the scenario's warnings (payments after the horizon) are printed once, by rank 0
    const std::string warning = "aide_au_poste";
    const auto at = r.err.find(warning);
    ASSERT_NE(at, std::string::npos) << r.err;
    EXPECT_EQ(r.err.find(warning, at + 1), std::string::npos) << "printed by more than rank 0:\n" << r.err;
    Result m = run_shell(mpirun(ranks) + quote(kCli) + kRun + threads + metrics);
    ASSERT_EQ(m.status, 0) << m.err;
    EXPECT_EQ(m.out, m1.out) << ranks << " ranks";
  }
#else
  GTEST_SKIP() << "built without MPI (AMORCE_MPI=OFF): only threads compared";
#endif
}

#ifdef AMORCE_TEST_MPIEXEC
TEST(RunMpi, ErrorsArePrintedOnceWithTheirStatus) {
  // an input error every rank finds, and an output error only rank 0 checks
  const std::string bad = " run " + quote(kSource + "/tests/data/malformed/bad_name.yaml");
  const std::pair<std::string, std::string> cases[] = {{bad, "bad_name.yaml:"}, {kRun + " --out /proc/amorce-no", "error: --out"}};
  for (const auto& [args, message] : cases) {
    Result r = run_shell(mpirun(2) + quote(kCli) + args);
    EXPECT_NE(r.status, 0) << args;
    EXPECT_NE(r.err.find("Exit code:    2"), std::string::npos) << r.err;  // mpirun reports the rank's status
    const auto first = r.err.find(message);
    ASSERT_NE(first, std::string::npos) << r.err;
    EXPECT_EQ(r.err.find(message, first + 1), std::string::npos) << "printed by more than rank 0:\n" << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

TEST(RunMpi, CommandsThatDoNotSplitRunOnRankZeroOnly) {
  Result r = run_shell(mpirun(2) + quote(kCli) + " check " + quote(kScenario) + " --lang en");
  ASSERT_EQ(r.status, 0) << r.err;
  Result one = amorce_test::amorce(" check " + quote(kScenario) + " --lang en");
  EXPECT_EQ(r.out, one.out);
}
#endif
