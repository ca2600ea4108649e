// Tests of the `amorce` command-line binary (AMORCE_CLI_PATH), run as a child process.
//
// Exit codes (engine/cli/main.cpp): 0 success, 2 invalid scenario / command line / runtime
// DomainError, 1 other errors. Malformed scenarios are written to a fresh temporary
// directory; each must exit 2 and name the file (and its line, when there is one).
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_support.hpp"

namespace fs = std::filesystem;

namespace {

using amorce_test::amorce;
using amorce_test::kCli;
using amorce_test::kSource;
using amorce_test::quote;
using amorce_test::Result;
using amorce_test::slurp;
using amorce_test::TempDir;

std::vector<std::string> bundled_scenarios() {
  std::vector<std::string> v;
  for (const auto& e : fs::directory_iterator(kSource + "/scenarios"))
    if (e.path().extension() == ".yaml") v.push_back(e.path().string());
  std::sort(v.begin(), v.end());
  return v;
}

TEST(Cli, BinaryExists) {
  ASSERT_FALSE(kCli.empty()) << "the amorce target is not built";
  ASSERT_TRUE(fs::exists(kCli)) << kCli;
}

TEST(Cli, Version) {
  Result r = amorce("--version");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("amorce"), std::string::npos) << r.out;
}

TEST(Cli, NoSubcommandIsUsageError) {
  Result r = amorce("");
  EXPECT_EQ(r.status, 2);
}

// Every bundled scenario passes `amorce check`; its JSON parses and has `horizon` monthly
// cash values.
TEST(Cli, CheckBundledScenarios) {
  auto files = bundled_scenarios();
  ASSERT_GE(files.size(), 3u);
  for (const auto& f : files) {
    SCOPED_TRACE(f);
    Result table = amorce("check " + quote(f));
    EXPECT_EQ(table.status, 0) << table.err;
    Result r = amorce("check " + quote(f) + " --format json");
    ASSERT_EQ(r.status, 0) << r.err;
    nlohmann::json j;
    ASSERT_NO_THROW(j = nlohmann::json::parse(r.out)) << r.out.substr(0, 500);
    ASSERT_TRUE(j.contains("scenario") && j["scenario"].contains("horizon"));
    int horizon = j["scenario"]["horizon"].get<int>();
    EXPECT_GT(horizon, 0);
    ASSERT_TRUE(j["monthly"].contains("cash"));
    EXPECT_EQ(j["monthly"]["cash"].size(), static_cast<std::size_t>(horizon));
    EXPECT_EQ(j["months"].size(), static_cast<std::size_t>(horizon));
  }
}

// `amorce run FILE --paths 2000 --format json` prints byte-identical stdout on 1 and 2
// threads, for every bundled scenario (seed from the scenario; same seed both times).
TEST(Cli, RunJsonIdenticalAcrossThreads) {
  for (const auto& f : bundled_scenarios()) {
    SCOPED_TRACE(f);
    Result r1 = amorce("run " + quote(f) + " --paths 2000 --format json --threads 1");
    Result r2 = amorce("run " + quote(f) + " --paths 2000 --format json --threads 2");
    ASSERT_EQ(r1.status, 0) << r1.err;
    ASSERT_EQ(r2.status, 0) << r2.err;
    EXPECT_FALSE(r1.out.empty());
    EXPECT_EQ(r1.out, r2.out);
    nlohmann::json j = nlohmann::json::parse(r1.out);
    EXPECT_EQ(j["run"]["paths"].get<long long>(), 2000);
  }
}

TEST(Cli, RunOutWritesFiles) {
  TempDir dir;
  fs::path out = dir.path / "results";
  std::string f = kSource + "/scenarios/garage_solidaire_aci.yaml";
  Result r = amorce("run " + quote(f) + " --paths 500 --seed 3 --sampling sobol --threads 2 --format json --out " +
                    quote(out.string()));
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* name : {"summary.json", "monthly.csv", "annual.csv", "indicators.csv"}) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(fs::exists(out / name));
    EXPECT_GT(fs::file_size(out / name), 0u);
  }
  // summary.json is the JSON printed on stdout
  nlohmann::json printed = nlohmann::json::parse(r.out), written = nlohmann::json::parse(slurp(out / "summary.json"));
  EXPECT_EQ(printed, written);
  EXPECT_EQ(written["run"]["sampling"], "sobol");
  EXPECT_EQ(written["run"]["seed"].get<long long>(), 3);
  std::string head = slurp(out / "indicators.csv").substr(0, 200);
  EXPECT_EQ(head.rfind("indicator,", 0), 0u) << head;
  // the base case's cash plan line by line, as `amorce check --format cash-plan` prints it
  Result cp = amorce("check " + quote(f) + " --format cash-plan");
  ASSERT_EQ(cp.status, 0) << cp.err;
  EXPECT_EQ(cp.out.rfind("side,key,line,label,2027-01,", 0), 0u) << cp.out.substr(0, 200);
  EXPECT_NE(cp.out.find("\nin,\"revenue:labour\",cash_revenue,"), std::string::npos);
  EXPECT_EQ(slurp(out / "cash_plan.csv"), cp.out);
}

// ---------------------------------------------------------------------------------------
// Malformed inputs: exit status 2, the file name in stderr, and ":<line>:" when the
// problem has a line (line = 0 below means "any line", -1 means "no line to report").
// ---------------------------------------------------------------------------------------

struct Malformed {
  const char* name;
  std::string content;
  int line;
};

const std::string kHead = "amorce: 1\nname: t\nstart: 2027-01\nhorizon: 12\n";

std::string alias_bomb() {
  std::string s = "a: &a [x, x, x, x, x, x, x, x, x]\n";
  std::string prev = "a";
  for (char c = 'b'; c <= 'm'; ++c) {
    std::string cur(1, c);
    s += cur + ": &" + cur + " [";
    for (int k = 0; k < 9; ++k) s += (k ? ", *" : "*") + prev;
    s += "]\n";
    prev = cur;
  }
  return s;
}

std::string binary_garbage() {
  std::string s;
  std::uint64_t x = 0x9E3779B97F4A7C15ull;
  for (int i = 0; i < 4096; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    s += static_cast<char>(x & 0xFF);
  }
  s[0] = static_cast<char>(0xFF);  // never valid UTF-8
  s[1] = '\0';
  return s;
}

std::vector<Malformed> malformed_cases() {
  return {
      {"syntax_error.yaml", kHead + "revenue:\n  sales: {amount: [100\n", 0},
      {"unknown_key.yaml", kHead + "revenu:\n  sales: {amount: 100}\n", 5},
      {"wrong_type.yaml", "amorce: 1\nname: t\nstart: 2027-01\nhorizon: twelve\n", 4},
      {"unknown_name.yaml", kHead + "revenue:\n  sales: {amount: 100 * pric}\n", 6},
      {"cycle.yaml", kHead + "series:\n  a: b + 1\n  b: a + 1\nrevenue:\n  sales: {amount: a}\n", 0},
      {"invalid_date.yaml", "amorce: 1\nname: t\nstart: 2027-13\nhorizon: 12\n", 3},
      {"negative_horizon.yaml", "amorce: 1\nname: t\nstart: 2027-01\nhorizon: -3\n", 4},
      {"shares_sum.yaml",
       kHead + "subsidies:\n  - name: s\n    amount: 1000\n    payments:\n      - {share: 0.5, at: start}\n"
               "      - {share: 0.4, at: end}\n",
       0},
      {"alias_bomb.yaml", alias_bomb(), 0},
      {"empty.yaml", "", -1},
      {"binary_garbage.yaml", binary_garbage(), 0},
      {"deep_nesting.yaml", kHead + "description: " + std::string(1000, '[') + std::string(1000, ']') + "\n", 5},
      {"huge_horizon.yaml", "amorce: 1\nname: t\nstart: 2027-01\nhorizon: 100000\n", 4},
      {"wrong_version.yaml", "amorce: 2\nname: t\nstart: 2027-01\nhorizon: 12\n", 1},
      {"correlation_unknown.yaml",
       kHead + "inputs:\n  a: {uniform: [0, 1]}\ncorrelations:\n  - [a, zz, 0.5]\nrevenue:\n  s: {amount: a}\n", 0},
      // a law parameter that does not parse used to crash the compiler (internal error, exit 1)
      {"input_param_syntax.yaml", kHead + "inputs:\n  x:\n    pert: [10, 20 *, 30]\nrevenue:\n  s: {amount: x}\n", 7},
      {"yaml_infinity.yaml", kHead + "inputs:\n  x:\n    bernoulli: -.inf\nrevenue:\n  s: {amount: x}\n", 7},
  };
}

void expect_scenario_error(const Result& r, const std::string& file_name, int line) {
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find(file_name), std::string::npos) << "stderr does not name the file: " << r.err;
  if (line > 0) {
    EXPECT_NE(r.err.find(file_name + ":" + std::to_string(line) + ":"), std::string::npos)
        << "expected " << file_name << ":" << line << ": in: " << r.err;
  } else if (line == 0) {
    EXPECT_TRUE(std::regex_search(r.err, std::regex(std::regex_replace(file_name, std::regex("\\."), "\\.") + ":[0-9]+:")))
        << "expected " << file_name << ":<line>: in: " << r.err;
  }
}

TEST(Cli, MalformedScenariosExit2WithFileAndLine) {
  TempDir dir;
  for (const auto& m : malformed_cases()) {
    SCOPED_TRACE(m.name);
    fs::path p = dir.write(m.name, m.content);
    for (const char* cmd : {"check", "run"}) {
      SCOPED_TRACE(cmd);
      Result r = amorce(std::string(cmd) + " " + quote(p.string()) + (std::string(cmd) == "run" ? " --paths 10" : ""));
      expect_scenario_error(r, m.name, m.line);
    }
  }
}

// Messages that show the fix (tests/data/malformed; the whole table is in load_test.cpp):
// through the CLI they exit 2 with file:line:column and the hint.
TEST(Cli, FixHintsExit2) {
  struct Hinted {
    const char* file;
    const char* expected;
  };
  const Hinted cases[] = {
      {"thousands_space.yaml", "thousands_space.yaml:6:13: cost 'rent': amount: '1 100' is not a number or an "
                               "expression: write 1_100 (a space cannot separate thousands: use '_')"},
      {"percent.yaml", "percent.yaml:8:20: staff 'mechanic': employer_rate: '30%' is not a number or an expression: "
                       "write 0.30 (a rate is a fraction: 30% is written 0.30)"},
      {"tab_indent.yaml", "tab_indent.yaml:6:1: YAML syntax error ("},
      {"tab_indent.yaml", "): YAML forbids tabs for indentation: indent with spaces"},
      {"unquoted_colon.yaml",
       "): a value containing ': ' must be quoted: label: \"Atelier : r\u00e9paration\""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    Result r = amorce("check " + quote(kSource + "/tests/data/malformed/" + c.file));
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_NE(r.err.find(c.expected), std::string::npos) << r.err;
  }
}

// The date trap (issue: `at: 2027-07` once read as 2027 - 7): dates are months from start;
// those that cannot be meant exit 2 with file:line:column and what was expected.
TEST(Cli, DateTrapsExit2) {
  struct Dated {
    const char* file;
    const char* expected;
  };
  const Dated cases[] = {
      {"date_before_start.yaml", "date_before_start.yaml:8:31: date 2026-11 is before the scenario's start (2027-01): "
                                 "expected a month from the start on"},
      {"date_month_13.yaml", "date_month_13.yaml:8:12: invalid date '2027-13': month 13 does not exist (expected 01 to 12)"},
      {"date_as_duration.yaml", "date_as_duration.yaml:7:67: '2029-01' is a date, but this field is not a month"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    Result r = amorce("check " + quote(kSource + "/tests/data/malformed/" + c.file));
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_NE(r.err.find(c.expected), std::string::npos) << r.err;
  }
}

// scripts/run-study.sh (the README's main command) puts the report inside a new --out
// directory: the arguments are checked before the run, and that directory is --out's.
TEST(Cli, ReportInsideANewOutDirectory) {
  TempDir dir;
  const fs::path out = dir.path / "new" / "garage";
  Result r = amorce("run " + quote(kSource + "/scenarios/tiers_lieu_rural.yaml") + " --paths 200 --out " +
                    quote(out.string()) + " --report " + quote((out / "report.html").string()));
  if (r.status == 1 && r.err.find("report") != std::string::npos) GTEST_SKIP() << "report assets not built: " << r.err;
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::exists(out / "summary.json"));
  EXPECT_TRUE(fs::exists(out / "report.html"));
  // elsewhere, a report in a directory that does not exist is still refused before the run
  Result bad = amorce("run " + quote(kSource + "/scenarios/tiers_lieu_rural.yaml") + " --paths 200 --report " +
                      quote((dir.path / "missing" / "report.html").string()));
  EXPECT_EQ(bad.status, 2) << bad.err;
}

TEST(Cli, MissingFileExit2) {
  TempDir dir;
  fs::path p = dir.path / "does_not_exist.yaml";
  Result r = amorce("check " + quote(p.string()));
  expect_scenario_error(r, "does_not_exist.yaml", -1);
}

TEST(Cli, UnknownVariantExit2) {
  TempDir dir;
  fs::path p = dir.write("variants.yaml", kHead + "revenue:\n  s: {amount: 100}\nvariants:\n  low: {revenue: {s: {amount: 50}}}\n");
  Result ok = amorce("check " + quote(p.string()) + " --variant low");
  EXPECT_EQ(ok.status, 0) << ok.err;
  Result r = amorce("run " + quote(p.string()) + " --paths 10 --variant nope");
  expect_scenario_error(r, "variants.yaml", -1);
  EXPECT_NE(r.err.find("nope"), std::string::npos) << r.err;
}

// A series dividing by zero at month 5: a runtime DomainError. Exit 2, the message names
// the series and the month, and --out is left without any file (existing empty directory
// stays empty; a directory that did not exist is not created with content).
TEST(Cli, RuntimeDomainErrorExit2NoOutput) {
  TempDir dir;
  fs::path p = dir.write("divzero.yaml", kHead + "series:\n  x: 100 / (month - 5)\nrevenue:\n  sales: {amount: x}\n");
  fs::path existing = dir.path / "out_existing";
  fs::create_directory(existing);
  Result r = amorce("run " + quote(p.string()) + " --paths 100 --format json --out " + quote(existing.string()));
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("month 5"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'x'"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::is_empty(existing));

  fs::path fresh = dir.path / "out_fresh";
  Result r2 = amorce("run " + quote(p.string()) + " --paths 100 --out " + quote(fresh.string()));
  EXPECT_EQ(r2.status, 2) << r2.err;
  EXPECT_TRUE(!fs::exists(fresh) || fs::is_empty(fresh));
}

}  // namespace
