// The analyst's outputs (issue 15): any percentile within the statistics' accuracy contract,
// the per-path sampled inputs next to the outputs, one language per output with the
// scenario's labels, and the Excel workbook read back.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "amorce/compile.hpp"
#include "amorce/load.hpp"
#include "amorce/run.hpp"
#include "amorce/stats.hpp"
#include "amorce/xlsx_export.hpp"
#include "cli_support.hpp"

namespace amorce {
namespace {

using amorce_test::amorce;
using amorce_test::TempDir;

// A random walk of cash (a fresh draw every month) and two once-per-path inputs with labels.
const char* kScenario = R"(
amorce: 1
name: zorglub workshop
start: 2027-01
horizon: 18
inputs:
  price:
    uniform: [10, 20]
    label: Zorglub price
    unit: zz
  volume:
    triangular: [0, 100, 400]
    label: Zorglub volume
  noise: {normal: {mean: 0, sd: 800}, each: month}
  rent: {value: 1500, label: Zorglub rent}
revenue:
  sales: {amount: price * volume + noise, label: Zorglub sales}
costs:
  premises: {amount: rent, label: Zorglub premises}
financing: {opening_cash: 2000}
vat: {regime: none}
variants:
  dear:
    inputs:
      rent: 1800
)";

/// Type-7 quantile of a copy of `v` (the exact reference).
double exact_quantile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return quantile_sorted(v.data(), v.size(), p);
}

std::vector<double> month_column(const RunResult& r, int H, int m) {
  std::vector<double> v;
  for (std::size_t i = 0; i < static_cast<std::size_t>(r.paths()); ++i) v.push_back(r.kept_cash[i * H + m]);
  return v;
}

const std::vector<double> kPercentiles = {1, 5, 10, 50, 90, 95, 99};

// ------------------------------------------------------------------ 2. any percentile

// Below the sketch size nothing is compacted: every band is the exact type-7 quantile.
TEST(Percentiles, ExactOnASmallRun) {
  Plan plan = compile(load_scenario_text(kScenario, "zorglub.yaml"));
  plan.outputs.quantiles = kPercentiles;
  RunOptions o;
  o.paths = 700;
  o.seed = 5;
  o.keep_paths = true;
  RunResult r = run_monte_carlo(plan, o);
  const auto& cash = r.series[0];
  ASSERT_EQ(r.series_names[0], "cash");
  for (int m = 0; m < plan.horizon; ++m) EXPECT_TRUE(cash.sketch(m).exact());
  const auto q = cash.quantiles(kPercentiles);
  for (int m : {0, 7, 17})
    for (std::size_t i = 0; i < kPercentiles.size(); ++i)
      EXPECT_DOUBLE_EQ(q[i][m], exact_quantile(month_column(r, plan.horizon, m), kPercentiles[i] / 100)) << "month " << m;
  // the JSON summary reports the requested percentiles, indicators exactly
  const auto j = run_summary_json(plan, r);
  const double* mc = r.indicator(Indicator::min_cash);
  for (double p : kPercentiles) {
    const std::string key = fmt::format("p{:g}", p);
    EXPECT_DOUBLE_EQ(j["indicators"]["min_cash"]["quantiles"][key].get<double>(),
                     exact_quantile(std::vector<double>(mc, mc + r.paths()), p / 100));
    EXPECT_TRUE(j["monthly"]["cash"].contains(key)) << key;
  }
}

// Beyond it, every level asked for stays within the sketch's stated rank error
// (docs/json-schema.md): dist(p n, [#{x < v}, #{x <= v}]) <= rank_error_bound n.
TEST(Percentiles, WithinTheAccuracyContractAfterCompaction) {
  Plan plan = compile(load_scenario_text(kScenario, "zorglub.yaml"));
  RunOptions o;
  o.paths = 5000;
  o.seed = 9;
  o.keep_paths = true;
  o.sketch_k = 64;  // forces compactions at this size
  RunResult r = run_monte_carlo(plan, o);
  const auto& cash = r.series[0];
  const double bound = cash.rank_error_bound();
  ASSERT_GT(bound, 0.0);
  const auto q = cash.quantiles(kPercentiles);
  const double n = static_cast<double>(r.paths());
  for (int m = 0; m < plan.horizon; ++m) {
    const auto col = month_column(r, plan.horizon, m);
    for (std::size_t i = 0; i < kPercentiles.size(); ++i) {
      const double v = q[i][m];
      const double below = static_cast<double>(std::count_if(col.begin(), col.end(), [&](double x) { return x < v; }));
      const double at_or_below = static_cast<double>(std::count_if(col.begin(), col.end(), [&](double x) { return x <= v; }));
      const double target = kPercentiles[i] / 100 * n;
      const double dist = target < below ? below - target : target > at_or_below ? target - at_or_below : 0.0;
      EXPECT_LE(dist, bound * n) << "month " << m << " P" << kPercentiles[i];
    }
  }
}

TEST(Percentiles, CliOptionAndBadLists) {
  TempDir d;
  auto file = d.write("zorglub.yaml", kScenario);
  auto r = amorce("run " + file.string() + " --paths 300 --percentiles 99,1,50,1 --format json");
  ASSERT_EQ(r.status, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["percentiles"], nlohmann::json::array({1.0, 50.0, 99.0}));  // sorted, duplicates dropped
  for (const char* k : {"p1", "p50", "p99"}) EXPECT_TRUE(j["indicators"]["funding_need"]["quantiles"].contains(k)) << k;
  EXPECT_FALSE(j["indicators"]["funding_need"]["quantiles"].contains("p5"));
  for (const char* bad : {"0,50", "50,100", "5,abc", "5,,50", "nan"}) {
    auto b = amorce("run " + file.string() + " --paths 10 --percentiles '" + std::string(bad) + "'");
    EXPECT_EQ(b.status, 2) << bad;
    EXPECT_NE(b.err.find("--percentiles"), std::string::npos) << b.err;
  }
}

// ------------------------------------------------------------------ 3. inputs next to outputs

// The kept inputs are the design put through each law's quantile function (hand-computed).
TEST(KeepInputs, EqualTheDesign) {
  Plan plan = compile(load_scenario_text(kScenario, "zorglub.yaml"));
  ASSERT_EQ(plan.uniform_names, (std::vector<std::string>{"price", "volume"}));
  const long long N = 333;
  RunOptions o;
  o.paths = N;
  o.keep_inputs = true;
  o.threads = 3;
  o.uniform_source = [N](std::uint64_t first, std::size_t n, double* out) {
    for (std::size_t k = 0; k < n; ++k) {
      const double u = (static_cast<double>(first + k) + 0.5) / static_cast<double>(N);
      out[k] = u;          // price
      out[n + k] = 1 - u;  // volume
    }
  };
  RunResult r = run_monte_carlo(plan, o);
  ASSERT_EQ(r.kept_inputs.size(), 2u * N);
  for (long long i = 0; i < N; ++i) {
    const double u = (static_cast<double>(i) + 0.5) / static_cast<double>(N), v = 1 - u;
    // uniform [10, 20]; triangular [0, 100, 400]: mode at F = 1/4
    const double price = 10 + 10 * u;
    const double volume = v < 0.25 ? std::sqrt(v * 400 * 100) : 400 - std::sqrt((1 - v) * 400 * 300);
    EXPECT_NEAR(r.kept_input(0)[i], price, 1e-9) << i;
    EXPECT_NEAR(r.kept_input(1)[i], volume, 1e-7) << i;
  }
  // inputs.csv gives back the exact doubles
  std::istringstream csv(inputs_csv(plan, r));
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "path,price,volume");
  for (long long i = 0; std::getline(csv, line); ++i) {
    double a = 0, b = 0;
    long long p = -1;
    ASSERT_EQ(std::sscanf(line.c_str(), "%lld,%lf,%lf", &p, &a, &b), 3) << line;
    EXPECT_EQ(p, i);
    EXPECT_EQ(a, r.kept_input(0)[i]);
    EXPECT_EQ(b, r.kept_input(1)[i]);
  }
}

TEST(KeepInputs, CliWritesInputsCsvOfTheRun) {
  TempDir d;
  auto file = d.write("zorglub.yaml", kScenario);
  auto out = d.path / "out";
  auto r = amorce("run " + file.string() + " --paths 250 --seed 3 --keep-inputs --out " + out.string());
  ASSERT_EQ(r.status, 0) << r.err;
  // the same run in the library
  Plan plan = compile(load_scenario(file.string()));
  RunOptions o;
  o.paths = 250;
  o.seed = 3;
  o.keep_inputs = true;
  RunResult lib = run_monte_carlo(plan, o);
  EXPECT_EQ(amorce_test::slurp(out / "inputs.csv"), inputs_csv(plan, lib));
  // without the flag there is no inputs.csv, and an older one goes
  r = amorce("run " + file.string() + " --paths 50 --out " + out.string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out / "inputs.csv"));
}

// ------------------------------------------------------------------ 1. labels and one language

/// The output without the parts that are not ours to translate: [names] and the scenario's
/// own labels.
std::string ours(std::string s) {
  s = std::regex_replace(s, std::regex(R"(\[[^\]]*\])"), "");
  s = std::regex_replace(s, std::regex(R"(Zorglub [a-z]+( \(zz\))?)"), "");
  s = std::regex_replace(s, std::regex(R"(prob\(shortfall\))"), "");  // the target as typed
  return s;
}

struct Words {
  std::vector<std::string> french, english;
};
const Words kWords = {
    {"scénarios", "Trésorerie", "trésorerie", "jamais", "médiane", "Besoin", "hypothèse", "Contrôles", "exercice", "écart",
     "graine", "Bilan", "Compte de résultat", "Indicateurs", "valeur", "indicateur", "Début", "réponse", "mois"},
    {"never", "paths", "Funding need", "seed", "change", "breakeven", "Minimum cash", "factor", "model runs", "Income statement",
     "Balance sheet", "Indicators", "value", "metric", "Start", "answer", "months", "Risk", "shortfall", "receipts", "RECEIPTS"}};

TEST(Lang, EveryTableInOneLanguage) {
  TempDir d;
  auto file = d.write("zorglub.yaml", kScenario).string();
  const std::vector<std::string> commands = {
      "check " + file,
      "run " + file + " --paths 200",
      "run " + file + " --paths 200 --metrics 'min_cash,p90(funding_need)'",
      "stress " + file + " --paths 200",
      "compare " + file + " " + file + ":dear --paths 200",
      "sensitivity " + file + " --paths 200 --metric min_cash",
      "sensitivity " + file + " --paths 200 --method correlation --metric min_cash",
      "sensitivity " + file + " --paths 64 --over-time",
      "sensitivity " + file + " --paths 200 --over-time --method correlation",
      "solve " + file + " --vary rent --target 'prob(shortfall) <= 0.5' --paths 200 --max 5000"};
  for (const auto& c : commands) {
    for (const char* lang : {"fr", "en"}) {
      SCOPED_TRACE(c + " --lang " + lang);
      auto r = amorce(c + " --lang " + lang);
      ASSERT_TRUE(r.status == 0 || r.status == 3) << r.err;
      const std::string text = ours(r.out);
      const auto& forbidden = std::string(lang) == "en" ? kWords.french : kWords.english;
      for (const auto& w : forbidden) EXPECT_EQ(text.find(w), std::string::npos) << "'" << w << "' in:\n" << r.out;
    }
  }
  // French is the default
  auto without_timing = [](std::string s) { return std::regex_replace(s, std::regex(R"(\([\d,]+ s\))"), ""); };
  EXPECT_EQ(without_timing(amorce("run " + file + " --paths 100").out), without_timing(amorce("run " + file + " --paths 100 --lang fr").out));
  EXPECT_EQ(amorce("run " + file + " --paths 10 --lang de").status, 2);
}

TEST(Labels, InTheTablesWithTheNameInBrackets) {
  TempDir d;
  auto file = d.write("zorglub.yaml", kScenario).string();
  for (const char* lang : {"fr", "en"}) {
    auto s = amorce("sensitivity " + file + " --paths 200 --metric min_cash --lang " + std::string(lang));
    ASSERT_EQ(s.status, 0) << s.err;
    EXPECT_NE(s.out.find("Zorglub price (zz) [price]"), std::string::npos) << s.out;
    EXPECT_NE(s.out.find("Zorglub volume [volume]"), std::string::npos) << s.out;
    // the tornado says which column is the low and which the high value
    EXPECT_NE(s.out.find(std::string(lang) == "fr" ? "basse (P10)" : "low (P10)"), std::string::npos) << s.out;
    // the input solve varies
    auto v = amorce("solve " + file + " --vary rent --target 'prob(shortfall) <= 0.5' --paths 200 --max 5000 --lang " +
                    std::string(lang));
    EXPECT_NE(v.out.find("Zorglub rent [rent]"), std::string::npos) << v.out;
    // month by month (sensitivity --over-time) too
    auto t = amorce("sensitivity " + file + " --paths 64 --over-time --lang " + std::string(lang));
    ASSERT_EQ(t.status, 0) << t.err;
    EXPECT_NE(t.out.find("[price]"), std::string::npos) << t.out;
    EXPECT_NE(t.out.find("Zorglub"), std::string::npos) << t.out;
    auto c = amorce("check " + file + " --lang " + std::string(lang));
    EXPECT_NE(c.out.find("Zorglub sales [revenue:sales]"), std::string::npos) << c.out;
    // the cash plan's headings are words in both languages, never the engine's line names
    EXPECT_NE(c.out.find(std::string(lang) == "fr" ? "Ventes et prestations encaissées" : "Sales and services received"),
              std::string::npos) << c.out;
  }
}

// ------------------------------------------------------------------ 4. the workbook

TEST(Xlsx, ReadBackEqualsTheJson) {
  if (!xlsx_available()) GTEST_SKIP() << "built without libxlsxwriter";
  if (std::system("/usr/bin/python3 -c 'import openpyxl' 2>/dev/null") != 0) GTEST_SKIP() << "python3-openpyxl missing";
  TempDir d;
  auto file = d.write("zorglub.yaml", kScenario).string();
  auto out = d.path / "out";
  auto r = amorce("run " + file + " --paths 300 --percentiles 1,50,99 --out " + out.string());
  ASSERT_EQ(r.status, 0) << r.err;
  ASSERT_TRUE(std::filesystem::exists(out / "zorglub.xlsx"));
  auto check = amorce("check " + file + " --format json");
  ASSERT_EQ(check.status, 0);
  std::ofstream(d.path / "check.json") << check.out;
  const std::string cmd = "/usr/bin/python3 " + amorce_test::quote(amorce_test::kSource + "/tests/xlsx_readback.py") + " " +
                          amorce_test::quote((out / "zorglub.xlsx").string()) + " " + amorce_test::quote((out / "summary.json").string()) +
                          " " + amorce_test::quote((d.path / "check.json").string()) + " > " +
                          amorce_test::quote((d.path / "py.log").string()) + " 2>&1";
  const int rc = std::system(cmd.c_str());
  EXPECT_TRUE(WIFEXITED(rc) && WEXITSTATUS(rc) == 0) << amorce_test::slurp(d.path / "py.log");
  // no temporary file left in the output directory
  for (const auto& e : std::filesystem::directory_iterator(out))
    EXPECT_EQ(e.path().filename().string().rfind(".amorce", 0), std::string::npos) << e.path();
}

}  // namespace
}  // namespace amorce
