// Golden regression tests of the bundled scenarios (scenarios/*.yaml).
//
// For every scenario the test computes
//   - the base case (base_case_json), stored as tests/golden/NAME.base.json, and
//   - a seeded Monte Carlo summary (2 000 paths, seed 1, LHS, 1 thread; the output is
//     bit-identical on any thread count), stored as tests/golden/NAME.run.json,
// and compares them with the stored files: numbers with a relative tolerance of 1e-9,
// strings, booleans, nulls and the structure (keys, array lengths) exactly. Any change
// in results is therefore a failing test and, once accepted, a reviewed diff of the
// golden files.
//
// Why a tolerance and not bit equality: the results go through exp, log, pow and the
// inverse CDFs of Boost.Math; the platform's libm may differ in the last bit between
// glibc versions, compilers or CPUs (FMA contraction), which moves sums of thousands of
// terms by ~1e-15 relative. 1e-9 is far above that noise and far below any change
// of a figure a reader could see (1 cent on 10 million euros). The scale has a floor of
// 1 (|a - b| <= 1e-9 * max(1, |a|, |b|)) so that amounts that are 0 up to rounding
// (a balance of 1e-11 EUR) compare equal.
//
// Update mode: AMORCE_UPDATE_GOLDEN=1 rewrites the golden files instead of comparing
// (see docs/scenarios/README.md). Review `git diff tests/golden` before committing.
//
// To keep the files small, the stored base case drops the per-item, per-series and
// per-subsidy monthly arrays (`item:*`, `series:*`, `subsidy:*`; every statement line
// and every year are kept) and the stored run summary drops the monthly bands of the
// series other than cash, and `run.amorce_version`.
//
// The file also checks the RGDU helper of scenarios/lib/france-2026.yaml through the
// engine against the published examples, and that `extends: lib/france-2026.yaml`
// works from scenarios/.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "amorce/base_case.hpp"
#include "amorce/compile.hpp"
#include "amorce/load.hpp"
#include "amorce/run.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace amorce;

constexpr double kRelTol = 1e-9;
constexpr long long kPaths = 2000;
constexpr std::uint64_t kSeed = 1;

fs::path source_dir() { return fs::path(AMORCE_SOURCE_DIR); }
fs::path scenario_dir() { return source_dir() / "scenarios"; }
fs::path golden_dir() { return source_dir() / "tests" / "golden"; }

bool update_mode() {
  const char* v = std::getenv("AMORCE_UPDATE_GOLDEN");
  return v && std::string(v) == "1";
}

/// Bundled scenarios: every scenarios/*.yaml (not scenarios/lib/), sorted.
std::vector<std::string> bundled_scenarios() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(scenario_dir()))
    if (e.is_regular_file() && e.path().extension() == ".yaml") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

// ---------------------------------------------------------------------------------------
// JSON comparison
// ---------------------------------------------------------------------------------------

std::string escape_pointer(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

std::string short_dump(const json& j) {
  std::string s = j.dump();
  if (s.size() > 80) s = s.substr(0, 77) + "...";
  return s;
}

/// Collects the JSON paths (RFC 6901 pointers) where `actual` differs from `expected`.
void diff(const json& expected, const json& actual, const std::string& path,
          std::vector<std::string>& out, std::size_t& count) {
  auto report = [&](const std::string& what) {
    ++count;
    if (out.size() < 25) out.push_back((path.empty() ? "/" : path) + ": " + what);
  };
  if (expected.is_number() && actual.is_number()) {
    double a = expected.get<double>(), b = actual.get<double>();
    double scale = std::max({1.0, std::fabs(a), std::fabs(b)});
    if (!(std::fabs(a - b) <= kRelTol * scale)) {
      std::ostringstream os;
      os.precision(17);
      os << "golden " << a << ", now " << b << " (relative difference " << std::fabs(a - b) / scale << ")";
      report(os.str());
    }
    return;
  }
  if (expected.type() != actual.type()) {
    report("golden " + std::string(expected.type_name()) + " " + short_dump(expected) + ", now " +
           actual.type_name() + " " + short_dump(actual));
    return;
  }
  if (expected.is_object()) {
    for (auto it = expected.begin(); it != expected.end(); ++it) {
      std::string p = path + "/" + escape_pointer(it.key());
      if (!actual.contains(it.key())) {
        ++count;
        if (out.size() < 25) out.push_back(p + ": missing now (golden " + short_dump(it.value()) + ")");
      } else {
        diff(it.value(), actual.at(it.key()), p, out, count);
      }
    }
    for (auto it = actual.begin(); it != actual.end(); ++it)
      if (!expected.contains(it.key())) {
        ++count;
        if (out.size() < 25)
          out.push_back(path + "/" + escape_pointer(it.key()) + ": new key (now " + short_dump(it.value()) + ")");
      }
    return;
  }
  if (expected.is_array()) {
    if (expected.size() != actual.size()) {
      report("golden array of " + std::to_string(expected.size()) + " elements, now " +
             std::to_string(actual.size()));
      return;
    }
    for (std::size_t i = 0; i < expected.size(); ++i)
      diff(expected[i], actual[i], path + "/" + std::to_string(i), out, count);
    return;
  }
  if (expected != actual) report("golden " + short_dump(expected) + ", now " + short_dump(actual));
}

/// Compares with the golden file, or rewrites it in update mode.
void check_golden(const json& actual, const fs::path& file) {
  if (update_mode()) {
    fs::create_directories(file.parent_path());
    std::ofstream os(file, std::ios::binary | std::ios::trunc);
    ASSERT_TRUE(os) << "cannot write " << file;
    os << actual.dump(1) << '\n';
    std::cout << "[golden] updated " << file.string() << '\n';
    return;
  }
  std::ifstream is(file, std::ios::binary);
  ASSERT_TRUE(is) << "missing golden file " << file.string()
                  << "\nCreate it with: AMORCE_UPDATE_GOLDEN=1 ./build/release/tests/golden_test"
                  << " (then review and commit tests/golden/)";
  json expected = json::parse(is);
  std::vector<std::string> lines;
  std::size_t count = 0;
  diff(expected, actual, "", lines, count);
  if (count == 0) return;
  std::ostringstream msg;
  msg << count << " difference(s) from " << file.string() << " (relative tolerance " << kRelTol
      << "); first ones, as JSON paths:\n";
  for (const auto& l : lines) msg << "  " << l << '\n';
  msg << "If the change is intended, rerun with AMORCE_UPDATE_GOLDEN=1 and review git diff tests/golden.";
  ADD_FAILURE() << msg.str();
}

// ---------------------------------------------------------------------------------------
// What is stored
// ---------------------------------------------------------------------------------------

json stored_base_case(const Plan& plan) {
  BaseCase bc = run_base_case(plan);
  json j = base_case_json(bc);
  json& monthly = j.at("monthly");
  for (auto it = monthly.begin(); it != monthly.end();) {
    const std::string& k = it.key();
    if (k.rfind("item:", 0) == 0 || k.rfind("series:", 0) == 0 || k.rfind("subsidy:", 0) == 0)
      it = monthly.erase(it);
    else
      ++it;
  }
  return j;
}

json stored_run(const Plan& plan) {
  RunOptions opt;
  opt.paths = kPaths;
  opt.seed = kSeed;
  opt.threads = 1;
  opt.sampling = Sampling::lhs;
  RunResult r = run_monte_carlo(plan, opt);
  json j = run_summary_json(plan, r);
  if (j.contains("run")) j["run"].erase("amorce_version");
  if (j.contains("monthly")) {
    json& m = j["monthly"];
    for (auto it = m.begin(); it != m.end();) {
      const std::string& k = it.key();
      bool keep = k == "months" || k == "cash" || k == "prob_negative_cash" || k == "quantile_rank_error_bound";
      it = keep ? std::next(it) : m.erase(it);
    }
  }
  return j;
}

// ---------------------------------------------------------------------------------------
// One test per bundled scenario
// ---------------------------------------------------------------------------------------

class Golden : public ::testing::TestWithParam<std::string> {};

TEST_P(Golden, BaseCaseAndMonteCarlo) {
  const std::string name = GetParam();
  const fs::path file = scenario_dir() / (name + ".yaml");
  Plan plan;
  try {
    plan = compile(load_scenario(file.string()));
  } catch (const std::exception& e) {
    FAIL() << file.string() << " does not load: " << e.what();
  }
  {
    SCOPED_TRACE(name + ".base.json");
    check_golden(stored_base_case(plan), golden_dir() / (name + ".base.json"));
  }
  {
    SCOPED_TRACE(name + ".run.json");
    check_golden(stored_run(plan), golden_dir() / (name + ".run.json"));
  }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, Golden, ::testing::ValuesIn(bundled_scenarios()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(Golden, SevenBundledScenarios) {
  std::vector<std::string> expected = {"conciergerie_quartier", "epicerie_solidaire", "garage_solidaire_aci", "garage_solidaire_ei",
                                       "groupement_achat",      "reemploi_materiaux",   "tiers_lieu_rural"};
  EXPECT_EQ(bundled_scenarios(), expected);
}

/// Every variant of every bundled scenario loads and compiles (no golden: the variants
/// are the user's what-ifs; their results are exercised by the CLI tests of the runs).
TEST(Golden, EveryVariantCompiles) {
  for (const auto& name : bundled_scenarios()) {
    const std::string file = (scenario_dir() / (name + ".yaml")).string();
    Scenario sc = load_scenario(file);
    EXPECT_GE(sc.variant_names.size(), 3u) << name << ": pessimistic, optimistic and one stress expected";
    for (const auto& v : sc.variant_names) {
      SCOPED_TRACE(name + " --variant " + v);
      EXPECT_NO_THROW(compile(load_scenario(file, v)));
    }
  }
}

// ---------------------------------------------------------------------------------------
// scenarios/lib/france-2026.yaml through the engine
// ---------------------------------------------------------------------------------------

bool has_input(const Scenario& s, const std::string& name) {
  return std::any_of(s.inputs.begin(), s.inputs.end(), [&](const Input& i) { return i.name == name; });
}

TEST(FranceReference, ExtendsFromScenarios) {
  for (const char* name : {"garage_solidaire_aci", "garage_solidaire_ei", "conciergerie_quartier",
                           "groupement_achat", "reemploi_materiaux"}) {
    SCOPED_TRACE(name);
    Scenario s = load_scenario((scenario_dir() / (std::string(name) + ".yaml")).string());
    EXPECT_TRUE(has_input(s, "smic_brut_mensuel"));
    EXPECT_TRUE(has_input(s, "aide_poste_ei"));
    EXPECT_TRUE(has_input(s, "taux_patronal_smic_100"));
  }
  // VAT-registered companies drop the lib's taxe sur salaires; associations keep it.
  EXPECT_FALSE(load_scenario((scenario_dir() / "garage_solidaire_ei.yaml").string()).taxes.payroll_tax);
  EXPECT_FALSE(load_scenario((scenario_dir() / "reemploi_materiaux.yaml").string()).taxes.payroll_tax);
  EXPECT_TRUE(load_scenario((scenario_dir() / "groupement_achat.yaml").string()).taxes.payroll_tax);
  EXPECT_TRUE(load_scenario((scenario_dir() / "garage_solidaire_aci.yaml").string()).taxes.payroll_tax);
}

/// Month-0 value of a series of a small scenario that extends the reference file.
class Rgdu : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string yaml = R"(
extends: lib/france-2026.yaml
amorce: 1
name: RGDU check
start: 2026-01
horizon: 1
series:
  # Published: service-public.fr F24542 (2026), Tdelta = 0.3821.
  coef_smic: rgdu_tmin + rgdu_tdelta_50_plus * pow(0.5 * (3 * smic_brut_annuel / smic_brut_annuel - 1), rgdu_puissance)
  coef_3500: rgdu_tmin + rgdu_tdelta_50_plus * pow(0.5 * (3 * smic_brut_annuel / 42_000 - 1), rgdu_puissance)
  # Worked values at 1.5 and 2 SMIC, both Tdelta.
  coef_150_small: taux_patronal_avant_reduction - taux_patronal_smic_150
  coef_200_small: taux_patronal_avant_reduction - taux_patronal_smic_200
  coef_150_large: rgdu_tmin + rgdu_tdelta_50_plus * pow(0.5 * (3 / 1.5 - 1), rgdu_puissance)
  coef_200_large: rgdu_tmin + rgdu_tdelta_50_plus * pow(0.5 * (3 / 2 - 1), rgdu_puissance)
  rate_smic: taux_patronal_smic_100
  rate_300: taux_patronal_smic_300
  smic_m: smic_brut_mensuel
  smic_a: smic_brut_annuel
  smic_h: smic_horaire_brut
revenue:
  dummy: {amount: 0}
)";
    const std::string virtual_file = (scenario_dir() / "rgdu_check.yaml").string();  // resolves lib/
    BaseCase bc = run_base_case(plan_ = compile(load_scenario_text(yaml, virtual_file)));
    json_ = base_case_json(bc);
  }
  static double series(const std::string& name) { return json_.at("monthly").at("series:" + name).at(0).get<double>(); }
  static double round4(double x) { return std::round(x * 1e4) / 1e4; }
  static inline Plan plan_;
  static inline json json_;
};

TEST_F(Rgdu, PublishedExampleAtTheSmic) {
  // service-public.fr F24542: SMIC 12.02 EUR/h, 1 823.03 EUR a month, 21 876.40 a year;
  // coefficient 0.4021, reduction 8 796.50 EUR a year.
  EXPECT_DOUBLE_EQ(series("smic_h"), 12.02);
  EXPECT_NEAR(series("smic_m"), 12.02 * 35 * 52 / 12, 0.005);
  EXPECT_NEAR(series("smic_a"), 12.02 * 1820, 1e-9);
  EXPECT_NEAR(series("smic_a"), 21876.40, 1e-9);
  EXPECT_DOUBLE_EQ(round4(series("coef_smic")), 0.4021);
  EXPECT_NEAR(series("smic_a") * round4(series("coef_smic")), 8796.50, 0.005);
}

TEST_F(Rgdu, PublishedExampleAt3500PerMonth) {
  // Same page: 3 500 EUR a month (42 000 a year, 1.92 SMIC): coefficient 0.0615, reduction
  // 2 583.70 EUR (computed by the page with the unrounded coefficient).
  EXPECT_DOUBLE_EQ(round4(series("coef_3500")), 0.0615);
  EXPECT_NEAR(42000 * series("coef_3500"), 2583.70, 0.02);
}

TEST_F(Rgdu, WorkedValuesAtOneAndAHalfAndTwoSmic) {
  // C(k) = 0.02 + Tdelta * (0.5 (3/k - 1))^1.75: 0.5^1.75 = 0.297302, 0.25^1.75 = 0.0883883.
  EXPECT_DOUBLE_EQ(round4(series("coef_150_small")), 0.1324);  // Tdelta 0.3781 (< 50 employees)
  EXPECT_DOUBLE_EQ(round4(series("coef_200_small")), 0.0534);
  EXPECT_DOUBLE_EQ(round4(series("coef_150_large")), 0.1336);  // Tdelta 0.3821 (>= 50)
  EXPECT_DOUBLE_EQ(round4(series("coef_200_large")), 0.0538);
  // Employer rate after the reduction: 43.136 % before, minus Tmax 0.3981 at the SMIC.
  EXPECT_NEAR(series("rate_smic"), 0.43136 - 0.3981, 1e-12);
  EXPECT_NEAR(series("rate_300"), 0.43136, 1e-12);
}

}  // namespace
