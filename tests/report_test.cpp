// The funder's HTML report (engine/src/report.cpp): produced for every bundled scenario, under
// 3 MB, nothing fetched from the network, scenario name and French labels present, JSON data
// islands that parse, English with lang=en; the CLI paths (`amorce report`, `amorce run --report`).
// The real-browser test is tests/browser/report_browser_test.js.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "amorce/base_case.hpp"
#include "amorce/compile.hpp"
#include "amorce/load.hpp"
#include "amorce/report.hpp"
#include "amorce/run.hpp"

namespace fs = std::filesystem;
using namespace amorce;
using nlohmann::json;

namespace {

const std::string kSource = AMORCE_SOURCE_DIR;
const std::string kCli = AMORCE_CLI_PATH;

std::vector<std::string> bundled() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(fs::path(kSource) / "scenarios"))
    if (e.path().extension() == ".yaml") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

std::string html_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '&') o += "&amp;";
    else if (c == '<') o += "&lt;";
    else if (c == '>') o += "&gt;";
    else if (c == '"') o += "&quot;";
    else if (c == '\'') o += "&#39;";
    else o.push_back(c);
  }
  return o;
}

struct Rendered {
  std::string html;
  Plan plan;
};

Rendered render(const std::string& file, const std::string& lang, long long paths = 400) {
  Scenario sc = load_scenario(file);
  Rendered r{"", compile(sc)};
  RunOptions ro;
  ro.paths = paths;
  ro.seed = 11;
  ro.threads = 2;
  RunResult run = run_monte_carlo(r.plan, ro);
  BaseCase base = run_base_case(r.plan);
  ReportOptions opt;
  opt.lang = lang;
  opt.scenario_file = file;
  opt.date = "2027-01-15";
  r.html = render_report(sc, r.plan, run, base, opt);
  return r;
}

/// Every <script type="application/json" id="..."> island, by id.
std::map<std::string, std::string> islands(const std::string& html) {
  std::map<std::string, std::string> out;
  std::regex re(R"re(<script type="application/json" id="([^"]+)">)re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), re); it != std::sregex_iterator(); ++it) {
    std::size_t start = static_cast<std::size_t>(it->position(0) + it->length(0));
    std::size_t end = html.find("</script>", start);
    out[(*it)[1]] = html.substr(start, end - start);
  }
  return out;
}

int run_cli(const std::string& args) {
  int rc = std::system((kCli + " " + args + " >/dev/null 2>&1").c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

#define REQUIRE_ASSETS()                                                               \
  do {                                                                                 \
    std::string why;                                                                   \
    if (!report_assets_available(&why)) GTEST_SKIP() << "charting library missing: " << why; \
  } while (0)

}  // namespace

TEST(Report, Sha256KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Report, FrenchAndEnglishMoney) {
  EXPECT_EQ(format_money(12345, "fr"), "12\u202f345\u00a0€");
  EXPECT_EQ(format_money(-1948.4, "fr"), "-1\u202f948\u00a0€");
  EXPECT_EQ(format_money(0, "fr"), "0\u00a0€");
  EXPECT_EQ(format_money(1234567, "en"), "€1,234,567");
  EXPECT_EQ(format_money(-12, "en"), "-€12");
  EXPECT_EQ(format_money(NAN, "fr"), "—");
}

TEST(Report, EveryBundledScenarioGivesASelfContainedFrenchReport) {
  REQUIRE_ASSETS();
  for (const auto& file : bundled()) {
    SCOPED_TRACE(file);
    Rendered r = render(file, "fr");
    const std::string& html = r.html;
    EXPECT_LT(html.size(), 3u * 1024 * 1024);
    EXPECT_NE(html.find("<html lang=\"fr\">"), std::string::npos);
    EXPECT_NE(html.find("<meta charset=\"utf-8\">"), std::string::npos);
    EXPECT_NE(html.find(html_escape(r.plan.name)), std::string::npos) << "scenario name";
    for (const char* label : {"Les cinq réponses", "Trésorerie", "Point mort", "Besoin de financement", "Compte de résultat",
                              "Plan de financement", "Hypothèses", "Méthode et lecture", "Empreinte du fichier", "SHA-256"})
      EXPECT_NE(html.find(label), std::string::npos) << label;
    // the SHA-256 of the scenario file's bytes is in the header
    EXPECT_NE(html.find(sha256_hex(slurp(file))), std::string::npos);
    // nothing is fetched: no src/href/url() pointing at a network address, no @import
    std::regex fetched(R"re((src|href)\s*=\s*["']?\s*(https?:)?//|url\(\s*["']?\s*(https?:)?//|@import)re", std::regex::icase);
    EXPECT_FALSE(std::regex_search(html, fetched));
    std::regex script_src(R"re(<script[^>]*\ssrc\s*=)re", std::regex::icase);
    EXPECT_FALSE(std::regex_search(html, script_src));
    std::regex link_tag(R"re(<link\b)re", std::regex::icase);
    EXPECT_FALSE(std::regex_search(html, link_tag));
    EXPECT_EQ(html.find("sourceMappingURL"), std::string::npos);
    EXPECT_NE(html.find("default-src 'none'"), std::string::npos) << "content security policy forbids network";
    // the data islands parse; the charts are all there
    auto isl = islands(html);
    ASSERT_TRUE(isl.count("amorce-summary"));
    ASSERT_TRUE(isl.count("amorce-charts"));
    json summary = json::parse(isl["amorce-summary"]);
    EXPECT_EQ(summary["scenario"]["name"], r.plan.name);
    EXPECT_EQ(summary["run"]["paths"], 400);
    json charts = json::parse(isl["amorce-charts"]);
    EXPECT_EQ(charts["lang"], "fr");
    std::vector<std::string> ids;
    for (const auto& c : charts["charts"]) {
      ids.push_back(c["id"]);
      EXPECT_TRUE(c["spec"].is_object());
      EXPECT_NE(html.find("id=\"" + c["id"].get<std::string>() + "\""), std::string::npos);
    }
    for (const char* id : {"chart-fan", "chart-negative", "chart-breakeven", "chart-funding", "chart-resources"})
      EXPECT_NE(std::find(ids.begin(), ids.end(), id), ids.end()) << id;
    // French euros in the page text (narrow no-break space, no-break space before €)
    EXPECT_TRUE(std::regex_search(html, std::regex("[0-9]\u202f[0-9]{3}\u00a0€"))) << "French euro format";
    // the vega bundles are inline
    EXPECT_NE(html.find("vegaEmbed"), std::string::npos);
  }
}

TEST(Report, CashPlanLineByLineAndFrenchStatements) {
  // the épicerie's base case: a row per item in the monthly cash plan, the SIG soldes and the
  // insuffisance d'autofinancement row of the financing plan
  REQUIRE_ASSETS();
  Rendered r = render(std::string(AMORCE_SOURCE_DIR) + "/scenarios/epicerie_solidaire.yaml", "fr", 200);
  const std::size_t at = r.html.find("<section id=\"cash-plan\">");
  ASSERT_NE(at, std::string::npos);
  const std::string section = r.html.substr(at, r.html.find("</section>", at) - at);
  for (const char* row : {"Ventes et prestations encaissées (TTC) : sales", "Emprunts (déblocage) : bank",
                          "Salaires : responsable", "Charges sociales patronales : vendeur", "Intérêts d&#39;emprunts : bank",
                          "Total des décaissements", "Trésorerie en fin de mois"})
    EXPECT_NE(section.find(row), std::string::npos) << row;
  EXPECT_EQ(section.find("<table class=\"cash-plan\">", section.find("<h3>2029</h3>")) != std::string::npos, true);
  for (const char* row : {"Valeur ajoutée", "Résultat courant avant impôts", "Insuffisance d&#39;autofinancement"})
    EXPECT_NE(r.html.find(row), std::string::npos) << row;
}

TEST(Report, EnglishWithLangEn) {
  REQUIRE_ASSETS();
  Rendered r = render(bundled().front(), "en", 200);
  EXPECT_NE(r.html.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(r.html.find("The five answers"), std::string::npos);
  EXPECT_EQ(r.html.find("Les cinq réponses"), std::string::npos);
  json charts = json::parse(islands(r.html)["amorce-charts"]);
  EXPECT_EQ(charts["lang"], "en");
}

TEST(Report, ScriptInjectionInNamesIsEscaped) {
  REQUIRE_ASSETS();
  std::string yaml = slurp(bundled().front());
  std::regex name_line("(^|\n)name:[^\n]*");
  yaml = std::regex_replace(yaml, name_line, "$1name: \"</script><script>alert(1)</script> & <b>\"", std::regex_constants::format_first_only);
  Scenario sc = load_scenario_text(yaml, (fs::path(kSource) / "scenarios" / "evil.yaml").string());
  Plan plan = compile(sc);
  RunOptions ro;
  ro.paths = 100;
  RunResult run = run_monte_carlo(plan, ro);
  BaseCase base = run_base_case(plan);
  ReportOptions opt;
  std::string html = render_report(sc, plan, run, base, opt);
  EXPECT_EQ(html.find("<script>alert(1)"), std::string::npos);
  EXPECT_NE(html.find("&lt;/script&gt;&lt;script&gt;alert(1)"), std::string::npos);
  json summary = json::parse(islands(html)["amorce-summary"]);
  EXPECT_EQ(summary["scenario"]["name"], "</script><script>alert(1)</script> & <b>");
}

TEST(Report, RejectsUnknownLanguage) {
  REQUIRE_ASSETS();
  Scenario sc = load_scenario(bundled().front());
  Plan plan = compile(sc);
  RunOptions ro;
  ro.paths = 50;
  RunResult run = run_monte_carlo(plan, ro);
  BaseCase base = run_base_case(plan);
  ReportOptions opt;
  opt.lang = "de";
  EXPECT_THROW(render_report(sc, plan, run, base, opt), ReportError);
}

TEST(ReportCli, ReportAndRunReport) {
  if (kCli.empty()) GTEST_SKIP() << "CLI not built";
  REQUIRE_ASSETS();
  fs::path dir = fs::temp_directory_path() / ("amorce_report_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string file = bundled().front();
  EXPECT_EQ(run_cli("report '" + file + "' -o '" + (dir / "r.html").string() + "' --paths 300 --seed 3"), 0);
  std::string a = slurp(dir / "r.html");
  EXPECT_GT(a.size(), 100000u);
  EXPECT_LT(a.size(), 3u * 1024 * 1024);
  EXPECT_EQ(run_cli("run '" + file + "' --paths 300 --seed 3 --report '" + (dir / "run.html").string() + "'"), 0);
  std::string b = slurp(dir / "run.html");
  // same run, same data (the date line aside)
  EXPECT_EQ(json::parse(islands(a)["amorce-summary"]), json::parse(islands(b)["amorce-summary"]));
  EXPECT_EQ(run_cli("report '" + file + "' -o '" + (dir / "en.html").string() + "' --paths 100 --lang en"), 0);
  EXPECT_NE(slurp(dir / "en.html").find("The five answers"), std::string::npos);
  // sensitivity: bars when the driver is built, else a clear note; never a failure
  EXPECT_EQ(run_cli("report '" + file + "' -o '" + (dir / "s.html").string() + "' --paths 200 --sensitivity tornado"), 0);
  std::string s = slurp(dir / "s.html");
  EXPECT_TRUE(s.find("chart-sensitivity") != std::string::npos || s.find("sensitivity-unavailable") != std::string::npos);
  // errors: bad language (2, command line), missing directory (2, checked before the run:
  // issue 14), no partial file left behind
  EXPECT_EQ(run_cli("report '" + file + "' --lang de"), 2);
  EXPECT_EQ(run_cli("report '" + file + "' --paths 50 -o '" + (dir / "missing" / "r.html").string() + "'"), 2);
  EXPECT_FALSE(fs::exists(dir / "missing"));
  fs::remove_all(dir);
}

TEST(ReportCli, MissingAssetsFailCleanly) {
  if (kCli.empty()) GTEST_SKIP() << "CLI not built";
  std::string why;
  if (report_assets_available(&why)) GTEST_SKIP() << "assets embedded in this build: the failure path is not reachable";
  EXPECT_EQ(run_cli("report '" + bundled().front() + "' -o /tmp/never.html --paths 10"), 1);
}
