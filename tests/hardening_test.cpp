// Regression tests of issue 14 "Hardening": every case an attacker tried, run through the
// `amorce` binary (AMORCE_CLI_PATH) like tests/cli_test.cpp, each with its expected exit
// status and message. Promise: bad input gets exit 2 and a message with its location, never
// a crash, a hang or a silent NaN; bad arguments fail before any work; outputs are never
// half-written or left behind.
//
// Every command runs under `timeout -s KILL`, so a regression that hangs (a FIFO, /dev/zero)
// fails with status -1 instead of blocking the suite.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "amorce/base_case.hpp"
#include "amorce/xlsx_export.hpp"
#include "cli_support.hpp"
#include "amorce/format.hpp"
#include "amorce/report.hpp"

namespace fs = std::filesystem;

namespace {

using amorce_test::amorce;
using amorce_test::kCli;
using amorce_test::kSource;
using amorce_test::quote;
using amorce_test::Result;
using amorce_test::slurp;
using amorce_test::TempDir;

const std::string kMalformed = kSource + "/tests/data/malformed/";
const std::string kGarage = kSource + "/scenarios/garage_solidaire_aci.yaml";

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// Exit 2 and every phrase in stderr.
void expect_exit2(const Result& r, const std::vector<std::string>& phrases) {
  EXPECT_EQ(r.status, 2) << r.err;
  for (const auto& p : phrases) EXPECT_TRUE(has(r.err, p)) << "'" << p << "' not in stderr:\n" << r.err;
  EXPECT_FALSE(has(r.err, "internal error")) << r.err;
}

const std::string kHead = "amorce: 1\nname: t\nstart: 2027-01\nhorizon: 12\n";
const std::string kUncertain = kHead +
                               "inputs:\n  price: {uniform: [10, 20]}\n  volume: {triangular: [50, 80, 120]}\n"
                               "  equity: 20000\n"
                               "revenue:\n  sales: {amount: price * volume}\ncosts:\n  rent: {amount: 1500}\n"
                               "financing:\n  opening_cash: equity\n";

// ---------------------------------------------------------------------------------------
// 2. Inputs
// ---------------------------------------------------------------------------------------

TEST(HardenInputs, DevZeroIsRefusedNotRead) {
  Result r = amorce("check /dev/zero");
  expect_exit2(r, {"/dev/zero", "not a regular file"});
}

TEST(HardenInputs, FifoIsRefusedWithoutBlocking) {
  TempDir dir;
  fs::path fifo = dir.path / "scenario.yaml";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  Result r = amorce("check " + quote(fifo.string()));  // nobody writes: reading it would block forever
  expect_exit2(r, {"scenario.yaml", "not a regular file"});
}

TEST(HardenInputs, ExtendsADeviceIsRefusedAtItsLine) {
  Result r = amorce("check " + quote(kMalformed + "extends_device.yaml"));
  expect_exit2(r, {"extends_device.yaml:2:", "/dev/urandom", "not a regular file"});
}

TEST(HardenInputs, SizeLimitAppliesWhileReading) {
  TempDir dir;
  std::string big = kHead + "# " + std::string(5u << 20, 'x') + "\n";
  fs::path p = dir.write("big.yaml", big);
  Result r = amorce("check " + quote(p.string()));
  expect_exit2(r, {"big.yaml", "too large"});
}

TEST(HardenInputs, AmountsBeyondTheBoundAreRejectedAtLoad) {
  for (const char* f : {"huge_amount.yaml", "infinite_amount.yaml"}) {
    SCOPED_TRACE(f);
    for (const char* cmd : {"check", "run --paths 10"}) {
      Result r = amorce(std::string(cmd) + " " + quote(kMalformed + f));
      expect_exit2(r, {std::string(f) + ":6:", "revenue", "outside what amorce accepts (|x| < 1e12)"});
    }
  }
}

TEST(HardenInputs, LawParametersBeyondTheBoundAreRejectedAtLoad) {
  Result b = amorce("check " + quote(kMalformed + "beta_huge.yaml"));
  expect_exit2(b, {"beta_huge.yaml:7:", "alpha", "1e19"});
  Result p = amorce("run --paths 10 " + quote(kMalformed + "pert_huge.yaml"));
  expect_exit2(p, {"pert_huge.yaml:7:", "-1e308"});
}

TEST(HardenInputs, LawParametersTheQuantileCannotHandleAreRejected) {
  struct Case {
    std::string law, phrase;
  };
  const Case cases[] = {
      {"beta: {alpha: 1e11, beta: 5}", "alpha"},
      {"gamma: {shape: 1e11, scale: 1}", "shape"},
      {"poisson: 1e11", "mean"},
      {"binomial: {n: 1e11, p: 0.5}", "n"},
      {"pert: [0, 1, 2]\n    lambda: 1e11", "lambda"},
  };
  TempDir dir;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.law);
    fs::path p = dir.write("law.yaml", kHead + "inputs:\n  x:\n    " + c.law + "\nrevenue:\n  s: {amount: x}\n");
    Result r = amorce("run --paths 10 " + quote(p.string()));
    expect_exit2(r, {"law.yaml:", c.phrase, "at most"});
  }
}

TEST(HardenInputs, RunValuesOverflowingNameTheItemAndMonth) {
  for (const char* cmd : {"check", "run --paths 10"}) {
    SCOPED_TRACE(cmd);
    Result r = amorce(std::string(cmd) + " " + quote(kMalformed + "overflow_run.yaml"));
    // 1000^(month + 1) reaches 1e12 at month 3
    expect_exit2(r, {"overflow_run.yaml", "growth", "month 3", "|x| < 1e12"});
  }
}

// The euro formatting helper every table and report uses: no conversion to an integer type,
// so any double prints (the 1e19 case was undefined behaviour, caught by UBSan).
TEST(HardenFormat, GroupThousandsAnyMagnitude) {
  EXPECT_EQ(amorce::group_thousands(0, " "), "0");
  EXPECT_EQ(amorce::group_thousands(-0.4, " "), "0");
  EXPECT_EQ(amorce::group_thousands(999.5, " "), "1 000");   // half away from zero, like llround
  EXPECT_EQ(amorce::group_thousands(-2.5, " "), "-3");
  EXPECT_EQ(amorce::group_thousands(1234567.49, ","), "1,234,567");
  EXPECT_EQ(amorce::group_thousands(1e19, " "), "10 000 000 000 000 000 000");
  EXPECT_EQ(amorce::group_thousands(-1e19, " "), "-10 000 000 000 000 000 000");
  EXPECT_EQ(amorce::group_thousands(NAN, " "), "-");
  EXPECT_EQ(amorce::group_thousands(INFINITY, " "), "inf");
  EXPECT_EQ(amorce::format_euros(123456789), "123 456 789");
  EXPECT_EQ(amorce::format_euros(1e300).size(), 301u + 100u);  // 301 digits, 100 separators
  EXPECT_EQ(amorce::format_money(-1e19, "en"), "-€10,000,000,000,000,000,000");
  EXPECT_EQ(amorce::format_money(1234.5, "fr"), "1\xE2\x80\xAF" "235\xC2\xA0\xE2\x82\xAC");
}

// ---------------------------------------------------------------------------------------
// 3. Arguments: refused before any work, exit 2, the option named
// ---------------------------------------------------------------------------------------

TEST(HardenArgs, MetricYearIndexTooLarge) {
  TempDir dir;
  fs::path p = dir.write("s.yaml", kUncertain);
  Result r = amorce("sensitivity " + quote(p.string()) + " --metric 'net_result[99999999999999999999]' --paths 20");
  expect_exit2(r, {"no fiscal year '99999999999999999999'"});
  EXPECT_FALSE(has(r.err, "stol")) << r.err;
}

TEST(HardenArgs, MetricMonthThatDoesNotExist) {
  TempDir dir;
  fs::path p = dir.write("s.yaml", kUncertain);
  Result r = amorce("sensitivity " + quote(p.string()) + " --metric 'cash@2027-13' --paths 20");
  expect_exit2(r, {"2027-13", "month 13 does not exist"});
  Result ok = amorce("sensitivity " + quote(p.string()) + " --metric 'cash@2027-12' --paths 20");
  EXPECT_EQ(ok.status, 0) << ok.err;
}

TEST(HardenArgs, QuantileLevelIsAFraction) {
  TempDir dir;
  fs::path p = dir.write("s.yaml", kUncertain);
  Result r = amorce("sensitivity " + quote(p.string()) + " --metric 'quantile(min_cash, 2)' --paths 20");
  expect_exit2(r, {"quantile level 2 is not in (0, 1)", "quantile(min_cash, 0.02)"});
  Result pct = amorce("sensitivity " + quote(p.string()) + " --metric 'quantile(min_cash, 2%)' --paths 20");
  EXPECT_EQ(pct.status, 0) << pct.err;
}

TEST(HardenArgs, ThresholdMustBeFinite) {
  TempDir dir;
  fs::path p = dir.write("s.yaml", kUncertain);
  for (const char* t : {"nan", "inf", "-inf"}) {
    SCOPED_TRACE(t);
    Result r = amorce("sensitivity " + quote(p.string()) + " --metric 'prob(min_cash < " + t + ")' --paths 20");
    expect_exit2(r, {"not a finite number"});
  }
}

TEST(HardenArgs, SeedOutOfRange) {
  TempDir dir;
  fs::path p = dir.write("s.yaml", kUncertain);
  Result r = amorce("run " + quote(p.string()) + " --paths 10 --seed 18446744073709551616");
  expect_exit2(r, {"--seed", "18446744073709551616", "not a seed"});
  Result neg = amorce("run " + quote(p.string()) + " --paths 10 --seed -1");
  EXPECT_EQ(neg.status, 2) << neg.err;
  Result top = amorce("run " + quote(p.string()) + " --paths 10 --format json --seed 18446744073709551615");
  ASSERT_EQ(top.status, 0) << top.err;
  EXPECT_EQ(nlohmann::json::parse(top.out)["run"]["seed"].get<std::uint64_t>(), 18446744073709551615ull);
}

TEST(HardenArgs, EmptyVariant) {
  TempDir dir;
  fs::path p = dir.write("s.yaml", kUncertain);
  for (const char* cmd : {"check", "run --paths 10", "stress --paths 10"}) {
    SCOPED_TRACE(cmd);
    Result r = amorce(std::string(cmd) + " " + quote(p.string()) + " --variant ''");
    expect_exit2(r, {"--variant", "non-empty"});
  }
}

TEST(HardenArgs, SolveRangeAndTolerance) {
  TempDir dir;
  fs::path p = dir.write("s.yaml", kUncertain);
  const std::string base = "solve " + quote(p.string()) + " --vary equity --target 'prob(shortfall) <= 0.1' --paths 50 ";
  Result huge = amorce(base + "--min -1e308 --max 1e308");
  expect_exit2(huge, {"--min", "outside what amorce accepts"});
  Result inf = amorce(base + "--max inf");
  expect_exit2(inf, {"--max", "'inf'"});
  EXPECT_FALSE(has(inf.err, "s.yaml")) << "blamed on the scenario: " << inf.err;
  Result empty = amorce(base + "--min 10 --max 5");
  expect_exit2(empty, {"search range is empty"});
  for (const char* tol : {"0", "-1", "nan", "abc"}) {
    SCOPED_TRACE(tol);
    Result r = amorce(base + "--tol " + tol);
    expect_exit2(r, {"--tol"});
  }
}

TEST(HardenArgs, OutputPathsCheckedBeforeTheRun) {
  TempDir dir;
  fs::path p = dir.write("s.yaml", kUncertain);
  fs::path file = dir.write("a_file", "x");
  // --out naming a regular file (the issue used /etc/passwd; tests run as root may write there)
  Result r1 = amorce("run " + quote(p.string()) + " --paths 10 --out " + quote(file.string()));
  expect_exit2(r1, {"--out", "not a directory"});
  EXPECT_EQ(slurp(file), "x");
  Result r2 = amorce("run " + quote(p.string()) + " --paths 10 --report " + quote(dir.path.string()));
  expect_exit2(r2, {"--report", "is a directory"});
  Result r3 = amorce("report " + quote(p.string()) + " --paths 10 -o /nonexistent/x.html");
  expect_exit2(r3, {"--out", "/nonexistent", "does not exist"});
  Result r4 = amorce("run " + quote(p.string()) + " --paths 10 --out ''");
  expect_exit2(r4, {"--out", "empty"});
  Result r5 = amorce("report " + quote(p.string()) + " --paths 10 -o " + quote((file / "x.html").string()));
  expect_exit2(r5, {"--out", "not a directory"});
  // nothing was run: no summary on stdout
  for (const Result* r : {&r1, &r2, &r3, &r4, &r5}) EXPECT_TRUE(r->out.empty()) << r->out;
}

// ---------------------------------------------------------------------------------------
// 4. Files
// ---------------------------------------------------------------------------------------

std::set<std::string> listing(const fs::path& d) {
  std::set<std::string> s;
  for (const auto& e : fs::directory_iterator(d)) s.insert(e.path().filename().string());
  return s;
}

TEST(HardenFiles, StaleTemporaryFilesAreSwept) {
  TempDir dir;
  fs::path out = dir.path / "out";
  fs::create_directory(out);
  // a temporary of a writer that died (pid above any pid_max: no such process)
  std::ofstream(out / ".amorce-summary.json.999999999.tmp") << "half";
  std::ofstream(out / "notes.txt") << "mine";  // the user's own file stays
  Result r = amorce("run " + quote(kGarage) + " --paths 100 --out " + quote(out.string()));
  ASSERT_EQ(r.status, 0) << r.err;
  std::set<std::string> expected{"annual.csv", "cash_plan.csv", "indicators.csv", "monthly.csv", "notes.txt", "summary.json"};
  if (amorce::xlsx_available()) expected.insert("garage_solidaire_aci.xlsx");  // the workbook is part of the set
  EXPECT_EQ(listing(out), expected);
}

TEST(HardenFiles, KillNineLeavesNoTemporaryFile) {
  TempDir dir;
  fs::path out = dir.path / "out";
  // The run is killed with -9 as soon as it holds a file open in the output directory, i.e.
  // while it writes its outputs (polled in /proc/PID/fd). Whenever it dies, no temporary may
  // remain (O_TMPFILE files vanish with the process) and no file may be half-written.
  const std::string marker = (dir.path / "killed").string();
  std::string cmd = quote(kCli) + " run " + quote(kGarage) + " --paths 20000 --keep-paths --threads 2 --out " +
                    quote(out.string()) + " >/dev/null 2>&1 & pid=$!; while kill -0 $pid 2>/dev/null; do if ls -l /proc/$pid/fd " +
                    "2>/dev/null | grep -qF " + quote(out.string() + "/") + "; then kill -9 $pid; touch " + quote(marker) +
                    "; break; fi; sleep 0.005; done; wait $pid 2>/dev/null; true";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  if (!fs::exists(marker)) GTEST_SKIP() << "the run ended before it could be killed while writing";
  if (!fs::exists(out)) return;
  const auto names = listing(out);
  for (const auto& name : names) EXPECT_EQ(name.find(".tmp"), std::string::npos) << name;
  // killed during its first write: either nothing was published, or (killed during the
  // renames) only complete files
  if (names.count("summary.json")) {
    EXPECT_TRUE(nlohmann::json::accept(slurp(out / "summary.json")));
  }
  if (names.count("paths.csv")) {
    EXPECT_EQ(slurp(out / "paths.csv").back(), '\n');
  }
}

/// The files of one run, read back.
std::map<std::string, std::string> contents(const fs::path& d) {
  std::map<std::string, std::string> m;
  for (const auto& name : listing(d)) m[name] = slurp(d / name);
  return m;
}

TEST(HardenFiles, ConcurrentWritersLeaveOneCompleteSet) {
  TempDir dir;
  // the two writers' sets, each alone (outputs are deterministic for a seed)
  fs::path ref_a = dir.path / "a", ref_b = dir.path / "b";
  const std::string a = " --paths 3000 --seed 1 --keep-paths --threads 1", b = " --paths 2000 --seed 2 --threads 1";
  ASSERT_EQ(amorce("run " + quote(kGarage) + a + " --out " + quote(ref_a.string())).status, 0);
  ASSERT_EQ(amorce("run " + quote(kGarage) + b + " --out " + quote(ref_b.string())).status, 0);
  const auto set_a = contents(ref_a), set_b = contents(ref_b);
  const std::size_t book = amorce::xlsx_available() ? 1 : 0;  // NAME.xlsx (deterministic bytes too)
  ASSERT_EQ(set_a.size(), 6u + book);  // with paths.csv
  ASSERT_EQ(set_b.size(), 5u + book);  // summary.json, monthly.csv, annual.csv, indicators.csv, cash_plan.csv
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE(round);
    fs::path out = dir.path / ("both" + std::to_string(round));
    std::string cmd = "(" + quote(kCli) + " run " + quote(kGarage) + a + " --out " + quote(out.string()) + " >/dev/null & " +
                      quote(kCli) + " run " + quote(kGarage) + b + " --out " + quote(out.string()) + " >/dev/null & wait)";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    const auto got = contents(out);
    EXPECT_TRUE(got == set_a || got == set_b) << "a mix of the two runs' files (" << got.size() << " files)";
  }
}

// ---------------------------------------------------------------------------------------
// 5. Memory: every driver refuses, before starting, what cannot fit, and says what to lower
// ---------------------------------------------------------------------------------------

TEST(HardenMemory, EveryDriverBoundsItsMemory) {
  TempDir dir;
  fs::path p = dir.write("s.yaml", kUncertain);
  const std::string f = quote(p.string());
  struct Case {
    std::string args, lower;
  };
  const Case cases[] = {
      {"sensitivity " + f + " --method sobol --paths 100000000", "lower --paths"},
      {"sensitivity " + f + " --method morris --paths 100000000", "lower --paths"},
      {"sensitivity " + f + " --method correlation --paths 100000000", "lower --paths"},
      {"stress " + f + " --paths 100000000", "lower --paths"},
      {"compare " + f + " " + f + " --paths 100000000", "lower --paths"},
      {"solve " + f + " --vary equity --target 'prob(shortfall) <= 0.1' --paths 100000000", "lower --paths"},
      {"report " + f + " -o " + quote((dir.path / "r.html").string()) + " --paths 100000000", "lower --paths"},
      {"run " + f + " --paths 100000000", "lower --paths"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.args);
    Result r = amorce(c.args);
    expect_exit2(r, {"GiB", "limit 4 GiB", c.lower});
  }
}

}  // namespace
