// The compiled monthly program (jit.hpp) gives the interpreter's numbers bit for bit: every
// bundled scenario's full summary JSON and metrics JSON, byte for byte, with the JIT forced on
// and off; a scenario using every fusible operation; the same error messages (division by
// zero, log and square root of negative numbers, non-finite values, a failure after a
// cumsum in the same compiled loop); the fallback without a compiler; the on-disk cache.
// Skipped (not failed) when no C++ compiler is installed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "amorce/compile.hpp"
#include "amorce/error.hpp"
#include "amorce/jit.hpp"
#include "amorce/load.hpp"
#include "amorce/metrics_run.hpp"
#include "amorce/run.hpp"
#include "cli_support.hpp"

namespace {

using namespace amorce;
namespace fs = std::filesystem;
using amorce_test::TempDir;

/// A cache shared by the tests of this file (and across runs: keyed by the source's hash).
void shared_cache() {
  static const std::string dir = (fs::temp_directory_path() / "amorce_jit_test_cache").string();
  setenv("AMORCE_JIT_CACHE", dir.c_str(), 1);
  unsetenv("AMORCE_JIT_CXX");
  unsetenv("AMORCE_JIT");
}

const char* kAllOps = R"(amorce: 1
name: every fusible operation
start: 2027-03
horizon: 30
fiscal_year_start: 1
simulation: {paths: 3000, seed: 7}
inputs:
  x: {uniform: [0.5, 2]}
  r: {uniform: [-0.02, 0.05]}
  noise: {normal: {mean: 0, sd: 1}, each: month}
series:
  s1: ramp(3, 6) * scurve(10, 2) + between(2, 9) + season(1, 1, 1, 1, 1, 1, 0.5, 0.5, 1, 1, 1.2, 1.3) + ramp(5, 0) + scurve(4, 0)
  s2: if(x > 1 and not (r < 0) or month == 4, pow(x, 1.5), clamp(x * 3, 1, 4)) + min(x, r) - max(abs(r), 0.01) + (x >= 1) + (x <= 1) + (x != 1) + (r > 0 or x < 1)
  s3: floor(x * 10) + ceil(r * 100) + round(x * 7.3) + exp(r) + log(x) + sqrt(x) + sin(x + month) + cos(r * month) - -x
  s4: lag(s2, 1) * 0.9 + cumsum(s1) / (month + 1) + grow(r) + noise + year + calendar_month + lag(s3, 2) + 2 ^ x
revenue:
  sales: {amount: 1000 * s1 + 100 * s2 + s3 + s4 * 10}
costs:
  rent: {amount: 800 + 50 * noise, from: 2, until: 20}
)";

std::vector<std::string> bundled() {
  std::vector<std::string> files;
  for (const char* dir : {"scenarios", "bench/scenarios"})
    for (const auto& e : fs::directory_iterator(amorce_test::kSource + "/" + dir))
      if (e.path().extension() == ".yaml") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

bool have_compiler(const Plan& plan) {
  JitStatus s;
  jit_prepare(plan, JitMode::on, 10, &s);
  return s.note != "no C++ compiler found";
}

RunOptions options(long long paths, JitMode mode) {
  RunOptions ro;
  ro.paths = paths;
  ro.seed = 42;
  ro.threads = 2;
  ro.jit = mode;
  return ro;
}

std::string summary(const Plan& plan, JitMode mode, long long paths, bool* used = nullptr) {
  RunResult r = run_monte_carlo(plan, options(paths, mode));
  if (used) *used = r.jit.used;
  return run_summary_json(plan, r).dump(1);
}

std::string metrics(const Plan& plan, JitMode mode, long long paths, const std::vector<std::string>& m) {
  return metrics_json(plan, run_metrics(plan, m, options(paths, mode))).dump(1);
}

TEST(Jit, EveryBundledScenarioSameJsonOnAndOff) {
  shared_cache();
  auto files = bundled();
  ASSERT_GE(files.size(), 9u);
  {
    Plan p = compile(load_scenario(files.front()));
    if (!have_compiler(p)) GTEST_SKIP() << "no C++ compiler";
  }
  const std::vector<std::vector<std::string>> metric_sets = {
      {"shortfall", "min_cash"}, {"p90(funding_need)", "cash@end"}, {"shortfall", "mean(min_cash)", "p10(min_cash)"}};
  for (const auto& f : files) {
    SCOPED_TRACE(f);
    Plan plan = compile(load_scenario(f));
    bool used = false;
    const std::string on = summary(plan, JitMode::on, 1500, &used);
    EXPECT_TRUE(used) << "the JIT did not run";
    EXPECT_EQ(on, summary(plan, JitMode::off, 1500));
    for (const auto& m : metric_sets) EXPECT_EQ(metrics(plan, JitMode::on, 2000, m), metrics(plan, JitMode::off, 2000, m));
  }
}

TEST(Jit, EveryOperationSameNumbers) {
  shared_cache();
  Plan plan = compile(load_scenario_text(kAllOps, "ops.yaml"));
  if (!have_compiler(plan)) GTEST_SKIP() << "no C++ compiler";
  // the generated source really fuses them: one loop with the libm calls and the lag rows
  const std::string src = jit_source(plan);
  for (const char* f : {"exp(", "log(", "sqrt(", "sin(", "cos(", "pow(", "floor(", "ceil(", "round(", "fabs(", "h0[i]"})
    EXPECT_NE(src.find(f), std::string::npos) << f;
  bool used = false;
  const std::string on = summary(plan, JitMode::on, 3000, &used);
  EXPECT_TRUE(used);
  EXPECT_EQ(on, summary(plan, JitMode::off, 3000));
  // a run with one path per block tail (odd count) and a single thread
  RunOptions a = options(777, JitMode::on), b = options(777, JitMode::off);
  a.threads = b.threads = 1;
  EXPECT_EQ(run_summary_json(plan, run_monte_carlo(plan, a)).dump(), run_summary_json(plan, run_monte_carlo(plan, b)).dump());
}

/// The error message of a run, "" when it succeeded.
std::string run_error(const Plan& plan, JitMode mode) {
  try {
    run_monte_carlo(plan, options(1000, mode));
  } catch (const DomainError& e) {
    return e.what();
  }
  return "";
}

TEST(Jit, SameErrorMessages) {
  shared_cache();
  const std::string head = "amorce: 1\nname: t\nstart: 2027-01\nhorizon: 12\ninputs:\n  x: {uniform: [0.5, 2]}\n";
  struct Case {
    std::string body, expect;
  };
  const std::vector<Case> cases = {
      {"revenue:\n  sales: {amount: 100 / floor(x)}\n", "division by zero"},
      {"revenue:\n  sales: {amount: 100 / (month - 3) + x}\n", "division by zero"},
      {"series:\n  decay: log(x - 1 + month / 10)\nrevenue:\n  sales: {amount: decay}\n", "log of a non-positive number"},
      {"series:\n  root: sqrt(x - 1.2)\nrevenue:\n  sales: {amount: root}\n", "square root of a negative number"},
      {"revenue:\n  sales: {amount: exp(20 * x)}\n", "beyond what amorce accepts"},
      {"revenue:\n  sales: {amount: exp(1000 * x)}\n", "the value is inf"},
      // the failing loop also accumulates: its cumsum is restored before the interpreter re-runs it
      {"series:\n  c: cumsum(x)\n  d: log(c - 2.5 + x)\nrevenue:\n  sales: {amount: d}\n", "log of a non-positive number"},
  };
  bool checked = false;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.body);
    Plan plan = compile(load_scenario_text(head + c.body, "t.yaml"));
    if (!checked) {
      if (!have_compiler(plan)) GTEST_SKIP() << "no C++ compiler";
      checked = true;
    }
    EXPECT_NE(jit_source(plan).find("    fl = ("), std::string::npos) << "not checked in a compiled loop";
    const std::string off = run_error(plan, JitMode::off);
    EXPECT_NE(off.find(c.expect), std::string::npos) << off;
    EXPECT_EQ(run_error(plan, JitMode::on), off);
  }
}

TEST(Jit, FallsBackWithoutCompiler) {
  TempDir cache;
  setenv("AMORCE_JIT_CACHE", cache.path.c_str(), 1);
  setenv("AMORCE_JIT_CXX", "/nonexistent/c++", 1);
  Plan plan = compile(load_scenario_text(kAllOps, "ops.yaml"));
  JitStatus s;
  EXPECT_EQ(jit_prepare(plan, JitMode::on, 100000, &s), nullptr);
  EXPECT_FALSE(s.used);
  EXPECT_EQ(s.note, "no C++ compiler found");
  bool used = true;
  const std::string fallback = summary(plan, JitMode::on, 1000, &used);
  EXPECT_FALSE(used);
  unsetenv("AMORCE_JIT_CXX");
  EXPECT_EQ(fallback, summary(plan, JitMode::off, 1000));
  EXPECT_TRUE(fs::is_empty(cache.path));
}

TEST(Jit, ModesAndThreshold) {
  shared_cache();
  Plan plan = compile(load_scenario_text(kAllOps, "ops.yaml"));
  if (!have_compiler(plan)) GTEST_SKIP() << "no C++ compiler";
  JitStatus s;
  EXPECT_EQ(jit_prepare(plan, JitMode::off, 1000000, &s), nullptr);
  EXPECT_EQ(jit_prepare(plan, JitMode::automatic, kJitCachedMinPaths - 1, &s), nullptr);
  // auto compiles a Plan the cache lacks only from kJitMinPaths paths, then loads it from
  // kJitCachedMinPaths: a cold compile never costs a mid-size run more than it saves
  {
    TempDir cold;
    setenv("AMORCE_JIT_CACHE", cold.path.c_str(), 1);
    EXPECT_EQ(jit_prepare(plan, JitMode::automatic, kJitMinPaths - 1, &s), nullptr);
    EXPECT_NE(s.note.find("not in the cache"), std::string::npos) << s.note;
    EXPECT_TRUE(fs::is_empty(cold.path));
    EXPECT_NE(jit_prepare(plan, JitMode::automatic, kJitMinPaths, &s), nullptr);
    EXPECT_TRUE(s.compiled_now);
    EXPECT_NE(jit_prepare(plan, JitMode::automatic, kJitCachedMinPaths, &s), nullptr);
    EXPECT_FALSE(s.compiled_now);
    EXPECT_EQ(s.note, "cached");
    shared_cache();
  }
  EXPECT_NE(jit_prepare(plan, JitMode::automatic, kJitMinPaths, &s), nullptr);
  EXPECT_TRUE(s.used);
  setenv("AMORCE_JIT", "0", 1);
  EXPECT_EQ(jit_prepare(plan, JitMode::automatic, kJitMinPaths, &s), nullptr);
  EXPECT_NE(jit_prepare(plan, JitMode::on, 10, &s), nullptr);  // an explicit `on` wins
  unsetenv("AMORCE_JIT");
  EXPECT_EQ(parse_jit_mode("auto"), JitMode::automatic);
  EXPECT_THROW(parse_jit_mode("yes"), std::invalid_argument);
}

TEST(Jit, CacheReusedNotRecompiled) {
  TempDir cache;
  setenv("AMORCE_JIT_CACHE", cache.path.c_str(), 1);
  unsetenv("AMORCE_JIT_CXX");
  Plan plan = compile(load_scenario_text(kAllOps, "ops.yaml"));
  JitStatus first, second;
  auto a = jit_prepare(plan, JitMode::on, 10, &first);
  if (!a && first.note == "no C++ compiler found") GTEST_SKIP() << "no C++ compiler";
  ASSERT_NE(a, nullptr) << first.note;
  EXPECT_TRUE(first.compiled_now);
  EXPECT_EQ(first.note, "compiled");
  const auto stamp = fs::last_write_time(first.library);
  auto b = jit_prepare(plan, JitMode::on, 10, &second);
  ASSERT_NE(b, nullptr);
  EXPECT_FALSE(second.compiled_now);
  EXPECT_EQ(second.note, "cached");
  EXPECT_EQ(second.library, first.library);
  EXPECT_EQ(fs::last_write_time(second.library), stamp);
  // only the library is left in the cache: no temporary source, log or object
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(cache.path)) files += e.is_regular_file();
  EXPECT_EQ(files, 1u);
}

TEST(Jit, CliOnOffSameOutput) {
  shared_cache();
  Plan plan = compile(load_scenario_text(kAllOps, "ops.yaml"));
  if (!have_compiler(plan)) GTEST_SKIP() << "no C++ compiler";
  const std::string file = amorce_test::quote(amorce_test::kSource + "/scenarios/tiers_lieu_rural.yaml");
  auto on = amorce_test::amorce("run " + file + " --paths 2000 --format json --jit on");
  auto off = amorce_test::amorce("run " + file + " --paths 2000 --format json --jit off");
  ASSERT_EQ(on.status, 0) << on.err;
  ASSERT_EQ(off.status, 0) << off.err;
  EXPECT_EQ(on.out, off.out);
  auto m_on = amorce_test::amorce("run " + file + " --paths 2000 --metrics shortfall,min_cash --format json --jit on");
  auto m_off = amorce_test::amorce("run " + file + " --paths 2000 --metrics shortfall,min_cash --format json --jit off");
  EXPECT_EQ(m_on.out, m_off.out);
  auto bad = amorce_test::amorce("run " + file + " --paths 100 --jit maybe");
  EXPECT_EQ(bad.status, 2) << bad.err;
  // without a compiler `--jit on` says so and runs the interpreter: the same numbers
  setenv("AMORCE_JIT_CXX", "/nonexistent", 1);
  auto none = amorce_test::amorce("run " + file + " --paths 2000 --format json --jit on");
  unsetenv("AMORCE_JIT_CXX");
  EXPECT_EQ(none.status, 0);
  EXPECT_EQ(none.out, off.out);
  EXPECT_NE(none.err.find("no C++ compiler found"), std::string::npos) << none.err;
}

}  // namespace
