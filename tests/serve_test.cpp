// The what-if server's API (serve.hpp) without sockets or a browser: header checks, request
// validation, changes as a variant patch, saving variants beside the scenario, cancellation, and a
// run equal to `amorce run --format json` for the same inputs and seed.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include <nlohmann/json.hpp>

#include "amorce/compile.hpp"
#include "amorce/load.hpp"
#include "amorce/run.hpp"
#include "amorce/serve.hpp"
#include "amorce/variants_file.hpp"
#include "amorce/what_if.hpp"
#include "cli_support.hpp"

using namespace amorce;
using namespace amorce_test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr int kPort = 5799;

/// A copy of the garage scenario (and the library it extends) in a temporary directory, so a
/// saved variant never touches the repository.
struct Fixture {
  TempDir dir;
  fs::path scenario;
  Fixture() {
    fs::copy(fs::path(kSource) / "scenarios/lib", dir.path / "lib", fs::copy_options::recursive);
    scenario = dir.path / "garage.yaml";
    fs::copy_file(fs::path(kSource) / "scenarios/garage_solidaire_aci.yaml", scenario);
  }
};

std::unique_ptr<WhatIfServer> make_server(const fs::path& scenario, long long paths = 2000) {
  ServeOptions o;
  o.scenario_path = scenario.string();
  o.paths = paths;
  o.threads = 2;
  auto s = std::make_unique<WhatIfServer>(o);
  s->set_port(kPort);
  return s;
}

HttpRequest post(const std::string& path, const std::string& body) {
  return {"POST", path, "127.0.0.1:" + std::to_string(kPort), "http://127.0.0.1:" + std::to_string(kPort), "application/json", body};
}

json body_of(const HttpResponse& r) { return json::parse(r.body); }

}  // namespace

TEST(ServeHeaders, ForeignHostIsRefusedWithJson) {
  Fixture f;
  auto s = make_server(f.scenario);
  // DNS rebinding: a foreign name resolving to 127.0.0.1 arrives with its own Host header
  for (std::string host : {"evil.example:5799", "127.0.0.1:80", "localhost", "", "127.0.0.1:57990"}) {
    HttpResponse r = s->handle({"GET", "/api/scenario", host, "", "", ""});
    EXPECT_EQ(r.status, 403) << host;
    EXPECT_NE(body_of(r)["error"].get<std::string>().find("Host"), std::string::npos);
  }
  EXPECT_EQ(s->handle({"GET", "/api/scenario", "localhost:5799", "", "", ""}).status, 200);
  EXPECT_EQ(s->handle({"GET", "/api/scenario", "127.0.0.1:5799", "", "", ""}).status, 200);
}

TEST(ServeHeaders, ForeignOriginIsRefused) {
  Fixture f;
  auto s = make_server(f.scenario);
  HttpRequest r = post("/api/run", "{}");
  for (std::string origin : {"http://evil.example", "http://127.0.0.1:1234", "null", "https://127.0.0.1:5799"}) {
    r.origin = origin;
    HttpResponse a = s->handle(r);
    EXPECT_EQ(a.status, 403) << origin;
    EXPECT_NE(body_of(a)["error"].get<std::string>().find("Origin"), std::string::npos);
  }
  r.origin = "http://localhost:5799";
  EXPECT_EQ(s->handle(r).status, 200);
}

TEST(ServeRequests, BadBodiesGetClearJsonErrors) {
  Fixture f;
  auto s = make_server(f.scenario, 500);
  auto expect = [&](const HttpRequest& r, int status, const std::string& words) {
    HttpResponse a = s->handle(r);
    EXPECT_EQ(a.status, status) << r.body.substr(0, 80);
    json j = json::parse(a.body, nullptr, false);
    ASSERT_TRUE(j.is_object()) << a.body;
    EXPECT_NE(j["error"].get<std::string>().find(words), std::string::npos) << j.dump();
  };
  expect(post("/api/run", "{\"changes\": "), 400, "not valid JSON");
  expect(post("/api/run", "[1, 2]"), 400, "JSON object");
  expect(post("/api/run", std::string(ServeLimits::max_body_bytes + 1, ' ')), 413, "at most");
  HttpRequest form = post("/api/run", "{}");
  form.content_type = "text/plain";  // a cross-site form cannot send JSON without a preflight
  expect(form, 415, "JSON");
  expect(post("/api/run", R"({"changes": {"input:nope:mode": 3}})"), 400, "no input 'nope'");
  expect(post("/api/run", R"({"changes": {"input:referrals_per_month:mode": "12"}})"), 400, "must be a number");
  expect(post("/api/run", R"({"changes": {"input:referrals_per_month:mode": 1e300}})"), 400, "finite");
  expect(post("/api/run", R"({"changes": {"bogus": 1}})"), 400, "unknown control");
  expect(post("/api/run", R"({"paths": 200001})"), 413, "between 1 and 200000");
  expect(post("/api/run", R"({"paths": 2.5})"), 400, "whole number");
  expect(post("/api/run", R"({"variant": "nope"})"), 422, "unknown variant 'nope'");
  expect(post("/api/nothing", "{}"), 404, "no such page");
  expect({"GET", "/api/run", "127.0.0.1:5799", "", "", ""}, 405, "POST");
  // an invalid law after a change: the loader's message, with its position
  HttpResponse a = s->handle(post("/api/run", R"({"changes": {"input:referrals_per_month:min": 30}})"));
  EXPECT_EQ(a.status, 422);
  EXPECT_FALSE(body_of(a)["errors"].empty());
  EXPECT_GT(body_of(a)["errors"][0]["line"].get<int>(), 0);
}

TEST(ServeRequests, EditedTextMustKeepItsExtends) {
  Fixture f;
  auto s = make_server(f.scenario, 500);
  std::string text = slurp(f.scenario);
  std::string other = text;
  other.replace(other.find("extends: lib/france-2026.yaml"), 29, "extends: /etc/hostname");
  HttpResponse a = s->handle(post("/api/run", json{{"text", other}}.dump()));
  EXPECT_EQ(a.status, 403);
  // validation of a broken text: every error at file:line:column, as the CLI prints them
  std::string broken = text;
  broken.replace(broken.find("horizon: 60"), 11, "horizon: soixante");
  json v = body_of(s->handle(post("/api/validate", json{{"text", broken}}.dump())));
  EXPECT_FALSE(v["ok"].get<bool>());
  ASSERT_FALSE(v["errors"].empty());
  const std::string line = v["errors"][0]["text"];
  EXPECT_EQ(line.rfind(f.scenario.string() + ":", 0), 0u) << line;
  const int horizon_line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(text.find("horizon: 60")), '\n'));
  EXPECT_EQ(v["errors"][0]["line"].get<int>(), horizon_line);
  json ok = body_of(s->handle(post("/api/validate", json{{"text", text}}.dump())));
  EXPECT_TRUE(ok["ok"].get<bool>());
}

TEST(WhatIf, ChangesBecomeAVariantPatch) {
  Fixture f;
  Scenario sc = load_scenario(f.scenario.string());
  // hand-written expectations: list laws keep their other parameters, grants are matched by
  // name, a payment list is written whole (unnamed list elements are replaced, not merged)
  EXPECT_EQ(changes_to_patch(sc, {{"input:referrals_per_month:mode", 12}}), "inputs:\n  referrals_per_month:\n    pert: [10, 12, 25]\n");
  EXPECT_EQ(changes_to_patch(sc, {{"input:price_index", 0.03}}), "inputs:\n  price_index: 0.03\n");
  EXPECT_EQ(changes_to_patch(sc, {{"input:bank_rate:mean", 0.05}}), "inputs:\n  bank_rate:\n    normal:\n      mean: 0.05\n      sd: 0.006\n");
  EXPECT_EQ(changes_to_patch(sc, {{"granted:fse_plus", 0.5}}), "subsidies:\n  - name: fse_plus\n    granted: 0.5\n");
  EXPECT_EQ(changes_to_patch(sc, {{"payment:metropole:1", 9}}),
            "subsidies:\n  - name: metropole\n    payments:\n      - share: 0.7\n        at: \"start + 3\"\n"
            "      - share: 0.3\n        at: \"end + 9\"\n");
  // an expression date gets extra months
  EXPECT_NE(changes_to_patch(sc, {{"payment:region:1", 2}}).find("\"(end + region_delay) + 2\""), std::string::npos);
  EXPECT_EQ(changes_to_patch(sc, {{"igranted:workshop", 1}}), "investments:\n  - name: workshop\n    grant:\n      granted: 1\n");
  EXPECT_EQ(changes_to_patch(sc, {{"input:referrals_per_month:mode", 16}}), "");  // unchanged: nothing
  // the patch loads with the rules of variants, and does what it says
  std::string patch = changes_to_patch(sc, {{"input:referrals_per_month:mode", 12}, {"granted:fse_plus", 0.5}});
  Scenario changed = load_scenario_layers(slurp(f.scenario), f.scenario.string(), {}, "", {{patch, "page"}});
  auto in = std::find_if(changed.inputs.begin(), changed.inputs.end(), [](const Input& i) { return i.name == "referrals_per_month"; });
  EXPECT_EQ(in->dist->params[1].text, "12");
  EXPECT_EQ(in->label, "Nouveaux ménages orientés par les prescripteurs chaque mois (en régime de croisière)");  // kept
  auto fse = std::find_if(changed.subsidies.begin(), changed.subsidies.end(), [](const Subsidy& s) { return s.name == "fse_plus"; });
  EXPECT_EQ(fse->granted->text, "0.5");
  auto diff = control_differences(sc, changed);
  EXPECT_EQ(diff.size(), 2u);
  EXPECT_EQ(diff["input:referrals_per_month:mode"], 12);
  EXPECT_EQ(diff["granted:fse_plus"], 0.5);
}

TEST(WhatIf, ControlsFollowTheLaws) {
  Fixture f;
  Scenario sc = load_scenario(f.scenario.string());
  std::map<std::string, Control> by_id;
  for (const auto& g : what_if_controls(sc))
    for (const auto& it : g.items)
      for (const auto& c : it.controls) by_id[c.id] = c;
  EXPECT_EQ(by_id.at("input:referrals_per_month:mode").value, 16);
  EXPECT_EQ(by_id.at("input:referrals_per_month:min").kind, "number");
  EXPECT_EQ(by_id.at("input:region_renewal_ok:p").kind, "probability");
  EXPECT_EQ(by_id.at("granted:fse_plus").value, 0.8);
  EXPECT_EQ(by_id.at("granted:commune").value, 1);  // no `granted:`: certain
  EXPECT_EQ(by_id.count("granted:region_renewal"), 0u);  // an input's name: moved through that input
  EXPECT_EQ(by_id.at("payment:metropole:0").kind, "offset");
  EXPECT_EQ(by_id.at("payment:metropole:0").value, 3);
  EXPECT_EQ(by_id.at("payment:region:1").kind, "delay");
  EXPECT_EQ(by_id.count("input:smic_gross:mode"), 0u);  // parameters written as expressions
  EXPECT_EQ(by_id.count("input:cddi_fte"), 0u);
}

TEST(ServeRun, EqualsTheCliForTheSameInputsAndSeed) {
  Fixture f;
  auto s = make_server(f.scenario, 2000);
  const std::string original = slurp(f.scenario);
  const json changes = {{"input:referrals_per_month:mode", 12}, {"granted:fse_plus", 0.5}, {"payment:metropole:1", 6}};
  HttpResponse a = s->handle(post("/api/run", json{{"changes", changes}, {"tornado", false}}.dump()));
  ASSERT_EQ(a.status, 200) << a.body;
  json run = body_of(a);
  EXPECT_EQ(run["paths"].get<long long>(), 2000);
  // saved as a variant beside the scenario, the same changes run by the CLI give the same numbers
  HttpResponse saved = s->handle(post("/api/variants", json{{"name", "referrals_12"}, {"changes", changes}}.dump()));
  ASSERT_EQ(saved.status, 200) << saved.body;
  EXPECT_EQ(body_of(saved)["patch"], run["patch"]);
  EXPECT_EQ(slurp(f.scenario), original);  // the scenario file is never rewritten
  ASSERT_TRUE(fs::exists(f.dir.path / "garage.variants.yaml"));
  Result cli = amorce_test::amorce("run " + quote(f.scenario.string()) + " --variant referrals_12 --paths 2000 --format json");
  ASSERT_EQ(cli.status, 0) << cli.err;
  json want = json::parse(cli.out);
  EXPECT_EQ(run["probabilities"], want["probabilities"]);
  for (const char* k : {"funding_need", "min_cash", "breakeven_month"}) {
    json w = want["indicators"][k];
    w.erase("histogram");
    EXPECT_EQ(run["indicators"][k], w) << k;
  }
  EXPECT_EQ(run["negative"], want["monthly"]["prob_negative_cash"]);
  EXPECT_EQ(run["months"], want["monthly"]["months"]);
  // the tornado of the same changes, asked after the run (deterministic: no paths)
  HttpResponse tor = s->handle(post("/api/tornado", json{{"changes", changes}}.dump()));
  ASSERT_EQ(tor.status, 200) << tor.body;
  EXPECT_FALSE(body_of(tor)["tornado"]["rows"].empty());
  // the base run differs (the changes have an effect) but uses the same seed
  json base = body_of(s->handle(post("/api/run", R"({"tornado": false})")));
  EXPECT_NE(base["probabilities"]["shortfall"]["p"], run["probabilities"]["shortfall"]["p"]);
  EXPECT_EQ(base["seed"], run["seed"]);
}

TEST(ServeRun, SavedVariantsAreCheckedAndFoundByVariant) {
  Fixture f;
  auto s = make_server(f.scenario, 500);
  auto save = [&](const json& body) { return s->handle(post("/api/variants", body.dump())); };
  const json ch = {{"input:hourly_rate:mode", 28}};
  EXPECT_EQ(save({{"name", "bad name"}, {"changes", ch}}).status, 400);
  EXPECT_EQ(save({{"name", "pessimistic"}, {"changes", ch}}).status, 409);  // declared by the scenario
  EXPECT_EQ(save({{"name", "rate_28"}, {"changes", json::object()}}).status, 400);  // nothing to save
  ASSERT_EQ(save({{"name", "rate_28"}, {"changes", ch}}).status, 200);
  EXPECT_EQ(save({{"name", "rate_28"}, {"changes", ch}}).status, 409);  // saved already
  ASSERT_EQ(save({{"name", "rate_26"}, {"changes", {{"input:hourly_rate:mode", 26}}}}).status, 200);
  // saved from another variant: the numbers that variant changes are saved too
  ASSERT_EQ(save({{"name", "pessimistic_late"}, {"variant", "pessimistic"}, {"changes", {{"payment:region:0", 6}}}}).status, 200);
  Scenario a = load_scenario(f.scenario.string(), "pessimistic_late");
  auto ref = std::find_if(a.inputs.begin(), a.inputs.end(), [](const Input& i) { return i.name == "referrals_per_month"; });
  EXPECT_EQ(ref->dist->params[1].text, "12");  // from `pessimistic`
  Scenario b = load_scenario(f.scenario.string(), "rate_26");
  EXPECT_EQ(b.applied_variant, "rate_26");
  EXPECT_NE(std::find(b.variant_names.begin(), b.variant_names.end(), "rate_28"), b.variant_names.end());
  // every command's --variant reads the sibling file
  Result r = amorce_test::amorce("check " + quote(f.scenario.string()) + " --variant rate_28");
  EXPECT_EQ(r.status, 0) << r.err;
  Result bad = amorce_test::amorce("check " + quote(f.scenario.string()) + " --variant rate_27");
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("did you mean 'rate_28'"), std::string::npos) << bad.err;
}

TEST(VariantsFile, SiblingPathAndErrors) {
  EXPECT_EQ(variants_file_path("dir/garage.yaml"), "dir/garage.variants.yaml");
  EXPECT_EQ(variants_file_path("garage.yml"), "garage.variants.yaml");
  EXPECT_EQ(variants_file_path("garage"), "garage.variants.yaml");
  Fixture f;
  TempDir& d = f.dir;
  // a variant declared in both files is an error at the variants file's line
  d.write("garage.variants.yaml", "variants:\n  region_late:\n    inputs:\n      region_delay: 3\n");
  try {
    load_scenario(f.scenario.string(), "region_late");
    FAIL() << "a duplicate variant was accepted";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("garage.variants.yaml:2:3: variant 'region_late' is already declared"), std::string::npos) << e.what();
  }
  d.write("garage.variants.yaml", "inputs:\n  x: 1\n");
  EXPECT_THROW(load_scenario(f.scenario.string(), "x"), ScenarioError);
  // without --variant the file is not read: a broken file does not break the base scenario
  EXPECT_NO_THROW(load_scenario(f.scenario.string()));
  EXPECT_NE(append_variant_text("", "a/garage.yaml", "v", "inputs:\n  x: 1\n").find("variants:\n  v:\n    inputs:\n      x: 1\n"),
            std::string::npos);
}

TEST(ServeRun, CancelledRunThrowsAndLatestRequestWins) {
  Fixture f;
  Scenario sc = load_scenario(f.scenario.string());
  Plan plan = compile(sc);
  RunOptions ro;
  ro.paths = 5000;
  ro.threads = 1;
  ro.cancelled = [] { return true; };
  EXPECT_THROW(run_monte_carlo(plan, ro), RunCancelled);

  auto s = make_server(f.scenario, 500);
  // a long run, then a newer request: the first is cancelled at its next block (409), the newer
  // one answers; the long run never finishes its 200 000 paths
  auto slow = std::async(std::launch::async, [&] { return s->handle(post("/api/run", R"({"paths": 200000, "tornado": false})")); });
  for (int k = 0; k < 3000 && !s->running(); ++k) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(s->running());
  auto t0 = std::chrono::steady_clock::now();
  HttpResponse fast = s->handle(post("/api/run", R"({"paths": 500, "tornado": false})"));
  HttpResponse first = slow.get();
  EXPECT_EQ(fast.status, 200) << fast.body;
  EXPECT_EQ(first.status, 409) << first.body.substr(0, 200);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 10.0);
  s->shutdown();
  EXPECT_EQ(s->handle(post("/api/run", "{}")).status, 503);
}
