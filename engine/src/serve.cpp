// The what-if server's logic (serve.hpp): request checks, the API and the runs. No socket here:
// engine/cli/cmd_serve.cpp binds cpp-httplib and calls WhatIfServer::handle.
#include "amorce/serve.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "amorce/atomic_file.hpp"
#include "amorce/compile.hpp"
#include "amorce/evaluate.hpp"
#include "amorce/load.hpp"
#include "amorce/metric.hpp"
#include "amorce/run.hpp"
#include "amorce/sensitivity.hpp"
#include "amorce/variants_file.hpp"
#include "amorce/what_if.hpp"

namespace amorce {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

/// An answer that is not 200: a status and a message (and diagnostics for a scenario).
struct ApiError {
  int status;
  std::string message;
  json errors = json::array();
};

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

json diagnostics_json(const ScenarioError& e) {
  json out = json::array();
  for (const auto& d : e.diagnostics())
    out.push_back({{"file", d.pos.file}, {"line", d.pos.line}, {"column", d.pos.column}, {"message", d.message},
                   {"text", format_pos(d.pos) + d.message}});
  return out;
}

HttpResponse json_response(int status, const json& j) {
  HttpResponse r;
  r.status = status;
  r.body = j.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

HttpResponse error_response(const ApiError& e) {
  json j = {{"error", e.message}};
  if (!e.errors.empty()) j["errors"] = e.errors;
  return json_response(e.status, j);
}

std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Every line of `text` that mentions `extends`, in order. An edited text must keep exactly the
/// file's: a plain scan, so no YAML is parsed before the loader's limits apply.
std::vector<std::string> extends_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.find("extends") != std::string::npos) out.push_back(line);
  }
  return out;
}

// request fields ------------------------------------------------------------------------

std::string string_field(const json& body, const char* key, std::size_t max_len = 4096) {
  if (!body.contains(key) || body[key].is_null()) return "";
  if (!body[key].is_string()) throw ApiError{400, fmt::format("'{}' must be a string", key)};
  std::string s = body[key].get<std::string>();
  if (s.size() > max_len) throw ApiError{413, fmt::format("'{}' is longer than {} characters", key, max_len)};
  return s;
}

std::map<std::string, double> changes_field(const json& body) {
  std::map<std::string, double> out;
  if (!body.contains("changes") || body["changes"].is_null()) return out;
  const json& c = body["changes"];
  if (!c.is_object()) throw ApiError{400, "'changes' must be an object {control id: number}"};
  if (c.size() > ServeLimits::max_changes)
    throw ApiError{413, fmt::format("too many changes ({}, at most {})", c.size(), ServeLimits::max_changes)};
  for (auto it = c.begin(); it != c.end(); ++it) {
    if (!it.value().is_number())
      throw ApiError{400, fmt::format("change '{}' must be a number, not {}", it.key(), it.value().type_name())};
    out[it.key()] = it.value().get<double>();
  }
  return out;
}

}  // namespace

// -------------------------------------------------------------------------------- Impl

struct WhatIfServer::Impl {
  ServeOptions opt;
  std::string file_text;           ///< the scenario as read at start (the file is never written)
  std::string scenario_name;
  std::uint64_t seed = 0;
  Sampling sampling = Sampling::lhs;
  std::atomic<long long> paths{0};
  std::atomic<int> port{0};
  std::atomic<std::uint64_t> generation{0};  ///< latest run request
  std::atomic<bool> stopping{false};
  std::atomic<int> active{0};  ///< run requests holding run_mu
  std::mutex run_mu;   ///< one run at a time (the latest wins the next turn)
  std::mutex save_mu;  ///< one write of the variants file at a time
  double pilot_per_1000 = 0, pilot_fixed = 0;

  std::vector<YamlSource> variant_files() const {
    std::vector<YamlSource> v;
    if (auto f = read_variants_file(opt.scenario_path)) v.push_back(std::move(*f));
    return v;
  }

  /// The scenario text of a request: the file's, or the editor's (same `extends:` only, so the
  /// page cannot make the server read another file).
  std::string text_of(const json& body) const {
    if (!body.contains("text") || body["text"].is_null()) return file_text;
    std::string t = string_field(body, "text", Limits::max_file_bytes);
    if (t != file_text && extends_lines(t) != extends_lines(file_text))
      throw ApiError{403, "the edited scenario must keep the file's lines that mention 'extends' as they are "
                          "(the page serves this scenario and the files it extends only)"};
    return t;
  }

  /// The last scenario loaded without a patch: runs that only move controls reuse it (the
  /// patched scenario is loaded each time, so the loader validates every change).
  mutable std::mutex cache_mu;
  mutable std::string cache_key;
  mutable std::shared_ptr<const Scenario> cache;

  mutable QuantileCache qcache;  ///< fast inverse tables reused across compiles
  mutable std::string plan_key;
  mutable std::shared_ptr<const Plan> plan_cache;  ///< the last compiled (text, variant, patch)

  /// The plan of a request (the last one is kept: the tornado asked after a run reuses it).
  std::shared_ptr<const Plan> plan_for(const std::string& text, const std::string& variant,
                                       const std::map<std::string, double>& changes, std::string* patch_out,
                                       double* load_ms = nullptr) const {
    auto t0 = Clock::now();
    Scenario base = load(text, variant, "");
    std::string patch = changes_to_patch(base, changes);
    std::string key = text + '\0' + variant + '\0' + patch;
    for (const auto& f : variant_files()) key += '\0' + f.text;
    if (patch_out) *patch_out = patch;
    {
      std::lock_guard lk(cache_mu);
      if (plan_cache && key == plan_key) {
        if (load_ms) *load_ms = ms_since(t0);
        return plan_cache;
      }
    }
    Scenario sc = patch.empty() ? std::move(base) : load(text, variant, patch);
    if (load_ms) *load_ms = ms_since(t0);
    auto plan = std::make_shared<const Plan>(compile(sc, &qcache));
    std::lock_guard lk(cache_mu);
    plan_key = std::move(key);
    plan_cache = plan;
    return plan;
  }

  Scenario load(const std::string& text, const std::string& variant, const std::string& patch) const {
    std::vector<YamlSource> files = variant_files();
    std::vector<YamlSource> patches;
    if (!patch.empty()) patches.push_back({patch, "modifications de la page"});
    if (!patch.empty()) return load_scenario_layers(text, opt.scenario_path, files, variant, patches);
    std::string key = text + '\0' + variant;
    for (const auto& f : files) key += '\0' + f.text;
    {
      std::lock_guard lk(cache_mu);
      if (cache && key == cache_key) return *cache;
    }
    auto sc = std::make_shared<const Scenario>(load_scenario_layers(text, opt.scenario_path, files, variant, {}));
    std::lock_guard lk(cache_mu);
    cache_key = std::move(key);
    cache = sc;
    return *sc;
  }

  bool host_ok(const std::string& host) const {
    const int p = port.load();
    return host == fmt::format("127.0.0.1:{}", p) || host == fmt::format("localhost:{}", p);
  }
  bool origin_ok(const std::string& origin) const {
    const int p = port.load();
    return origin.empty() || origin == fmt::format("http://127.0.0.1:{}", p) || origin == fmt::format("http://localhost:{}", p);
  }

  json scenario_info(const Scenario& sc) const {
    json variants = json::array();
    std::vector<std::string> in_file;
    try {
      for (const auto& f : variant_files()) {
        YAML::Node n = YAML::Load(f.text);
        if (n["variants"] && n["variants"].IsMap())
          for (const auto& kv : n["variants"]) in_file.push_back(kv.first.as<std::string>());
      }
    } catch (const std::exception&) {
    }
    for (const auto& v : sc.variant_names)
      variants.push_back({{"name", v}, {"saved", std::find(in_file.begin(), in_file.end(), v) != in_file.end()}});
    return {{"name", sc.name}, {"file", opt.scenario_path}, {"variants_file", variants_file_path(opt.scenario_path)},
            {"variants", variants}, {"horizon", sc.horizon}, {"paths", paths.load()}, {"seed", seed},
            {"sampling", sampling == Sampling::mc ? "mc" : sampling == Sampling::lhs ? "lhs" : "sobol"},
            {"target_ms", opt.target_ms}, {"controls", controls_json(what_if_controls(sc))}};
  }

  /// One Monte Carlo run with its answers; `cancelled` stops it between blocks.
  json run(const Plan& plan, long long n, bool tornado, const std::function<bool()>& cancelled, double* run_ms) const {
    RunOptions ro;
    ro.paths = n;
    ro.seed = seed;
    ro.sampling = sampling;
    ro.threads = opt.threads;
    ro.cancelled = cancelled;
    auto t0 = Clock::now();
    RunResult r = run_monte_carlo(plan, ro);
    const double sim_ms = ms_since(t0);
    json s = run_summary_json(plan, r);
    json out;
    out["probabilities"] = s["probabilities"];
    for (const char* k : {"funding_need", "min_cash", "min_cash_month", "breakeven_month"}) {
      json v = s["indicators"][k];
      v.erase("histogram");
      out["indicators"][k] = v;
    }
    json years = json::array();
    const int Y = static_cast<int>(r.years.size());
    auto fig50 = [&](Figure f, int y) -> json {
      const QuantileSketch& sk = r.figure_sketches[static_cast<std::size_t>(f) * Y + y];
      double v = sk.count() ? sk.quantile(0.5) : NAN;
      return std::isfinite(v) ? json(v) : json(nullptr);
    };
    for (int y = 0; y < Y; ++y)
      years.push_back({{"label", r.years[y].label}, {"complete", r.years[y].complete},
                       {"subsidy_share", fig50(Figure::subsidy_share, y)}, {"self_financing", fig50(Figure::self_financing, y)}});
    out["years"] = years;
    out["months"] = s["monthly"]["months"];
    out["negative"] = s["monthly"]["prob_negative_cash"];
    auto it = std::find(r.series_names.begin(), r.series_names.end(), "cash");
    if (it != r.series_names.end()) {
      auto q = r.series[static_cast<std::size_t>(it - r.series_names.begin())].quantiles({5, 25, 50, 75, 95});
      out["fan"] = {{"p5", q[0]}, {"p25", q[1]}, {"p50", q[2]}, {"p75", q[3]}, {"p95", q[4]}};
    }
    out["warnings"] = s["warnings"];
    if (run_ms) *run_ms = ms_since(t0);
    out["simulate_ms"] = sim_ms;
    out["tornado"] = nullptr;
    if (tornado) {
      if (cancelled && cancelled()) throw RunCancelled{};
      auto t1 = Clock::now();
      out["tornado"] = tornado_json(plan);
      out["tornado_ms"] = ms_since(t1);
    }
    return out;
  }

  /// The funding need's tornado: each input alone at its P10 then its P90, the others at the base
  /// case (deterministic runs, so it does not depend on the number of paths).
  json tornado_json(const Plan& plan) const {
    if (plan.uniform_keys.empty()) return nullptr;
    {
      SensitivityOptions so;
      so.method = SensitivityMethod::tornado;
      so.seed = seed;
      so.threads = 1;
      so.sampling = sampling;
      SensitivityReport rep = run_sensitivity(plan, parse_metric("funding_need", plan), so);
      json rows = json::array();
      for (const auto& row : rep.rows)
        rows.push_back({{"name", row.factor}, {"label", row.label.empty() ? row.factor : row.label},
                        {"low", std::isfinite(row.at_low) ? json(row.at_low) : json(nullptr)},
                        {"high", std::isfinite(row.at_high) ? json(row.at_high) : json(nullptr)}});
      return {{"metric", "funding_need"}, {"base", rep.base}, {"rows", rows}};
    }
  }

  // ------------------------------------------------------------------------ endpoints

  HttpResponse get_scenario() const {
    Scenario sc = load(file_text, "", "");
    json j = scenario_info(sc);
    j["text"] = file_text;
    return json_response(200, j);
  }

  HttpResponse post_controls(const json& body) const {
    Scenario sc = load(text_of(body), string_field(body, "variant", 256), "");
    return json_response(200, scenario_info(sc));
  }

  HttpResponse post_validate(const json& body) const {
    const std::string text = text_of(body);
    try {
      Scenario sc = load(text, "", "");
      Plan plan = compile(sc, &qcache);
      json j = scenario_info(sc);
      j["ok"] = true;
      j["errors"] = json::array();
      j["message"] = fmt::format("{}: ok ({} entrées, {} postes, {} subventions)", opt.scenario_path, sc.inputs.size(),
                                 sc.revenue.size() + sc.costs.size() + sc.staff.size(), sc.subsidies.size());
      return json_response(200, j);
    } catch (const ScenarioError& e) {
      return json_response(200, {{"ok", false}, {"errors", diagnostics_json(e)}, {"message", e.what()}});
    }
  }

  HttpResponse post_run(const json& body) {
    const auto t0 = Clock::now();
    const std::string text = text_of(body);
    const std::string variant = string_field(body, "variant", 256);
    const auto changes = changes_field(body);
    long long n = paths.load();
    if (body.contains("paths") && !body["paths"].is_null()) {
      if (!body["paths"].is_number_integer()) throw ApiError{400, "'paths' must be a whole number"};
      n = body["paths"].get<long long>();
      if (n < 1 || n > ServeLimits::max_paths)
        throw ApiError{413, fmt::format("'paths' must be between 1 and {}", ServeLimits::max_paths)};
    }
    const bool tornado = !body.contains("tornado") || body["tornado"].is_null() || body["tornado"] == true;
    const std::uint64_t gen = ++generation;
    std::unique_lock lock(run_mu);
    auto cancelled = [this, gen] { return generation.load() != gen || stopping.load(); };
    if (cancelled()) throw ApiError{409, "superseded by a newer request"};
    ++active;
    struct Done {
      std::atomic<int>& n;
      ~Done() { --n; }
    } done{active};
    std::string patch;
    double load_ms = 0;
    auto plan_ptr = plan_for(text, variant, changes, &patch, &load_ms);
    const Plan& plan = *plan_ptr;
    const double compile_ms = ms_since(t0) - load_ms;
    if (static_cast<double>(n) * plan.horizon > ServeLimits::max_path_months)
      throw ApiError{413, fmt::format("{} paths over {} months is more than the page runs ({} path-months): lower 'paths'", n,
                                      plan.horizon, ServeLimits::max_path_months)};
    double run_ms = 0;
    json out = run(plan, n, tornado, cancelled, &run_ms);
    out["paths"] = n;
    out["seed"] = seed;
    out["variant"] = variant;
    out["patch"] = patch;
    out["run_ms"] = run_ms;
    out["load_ms"] = load_ms;
    out["compile_ms"] = compile_ms;
    out["server_ms"] = ms_since(t0);
    return json_response(200, out);
  }

  /// The tornado of a request's scenario, asked by the page once the run's charts are drawn; a
  /// newer run makes it pointless (409).
  HttpResponse post_tornado(const json& body) {
    const auto t0 = Clock::now();
    const std::string text = text_of(body);
    const std::string variant = string_field(body, "variant", 256);
    const auto changes = changes_field(body);
    const std::uint64_t gen = generation.load();
    std::unique_lock lock(run_mu);
    if (generation.load() != gen || stopping) throw ApiError{409, "superseded by a newer request"};
    auto plan = plan_for(text, variant, changes, nullptr);
    json out = {{"tornado", tornado_json(*plan)}};
    out["server_ms"] = ms_since(t0);
    return json_response(200, out);
  }

  HttpResponse post_variant(const json& body) {
    const std::string name = string_field(body, "name", 256);
    if (std::string why = variant_name_problem(name); !why.empty()) throw ApiError{400, why};
    const std::string variant = string_field(body, "variant", 256);
    const auto changes = changes_field(body);
    if (body.contains("text") && !body["text"].is_null() && text_of(body) != file_text)
      throw ApiError{409, "the editor's text differs from the file: a variant is a change of the file's scenario; "
                          "save the scenario file first (the page never rewrites it), then reload the page"};
    std::lock_guard lock(save_mu);
    Scenario plain = load(file_text, "", "");
    if (std::find(plain.variant_names.begin(), plain.variant_names.end(), name) != plain.variant_names.end())
      throw ApiError{409, "a variant named '" + name + "' already exists: choose another name"};
    std::string patch;
    if (variant.empty()) {
      patch = changes_to_patch(plain, changes);
    } else {
      // a variant saved from another one holds the numbers that one changes too; kept only when
      // the result is the same scenario (a variant may change what the page has no control for)
      Scenario from = load(file_text, variant, "");
      const std::string step = changes_to_patch(from, changes);
      Scenario target = step.empty() ? from : load(file_text, variant, step);
      try {
        patch = changes_to_patch(plain, control_differences(plain, target));
      } catch (const std::invalid_argument&) {
        patch.clear();
      }
      Scenario rebuilt = load(file_text, "", patch);
      json a = run_summary_json(compile(rebuilt, &qcache), run_monte_carlo(compile(rebuilt, &qcache), small_run()));
      json b = run_summary_json(compile(target, &qcache), run_monte_carlo(compile(target, &qcache), small_run()));
      if (a != b)
        throw ApiError{409, "variant '" + variant + "' changes what the page has no control for: "
                            "save from the scenario without a variant, or write this variant by hand"};
    }
    if (patch.empty()) throw ApiError{400, "nothing to save: no number differs from the scenario"};
    const std::string vf = variants_file_path(opt.scenario_path);
    std::string existing;
    if (auto f = read_variants_file(opt.scenario_path)) existing = f->text;
    const std::string text = append_variant_text(existing, opt.scenario_path, name, patch);
    // the new file must load, with the new variant, before it replaces the old one
    Scenario check = load_scenario_layers(file_text, opt.scenario_path, {{text, vf}}, name, {});
    compile(check, &qcache);
    write_file_atomic(vf, text);
    return json_response(200, {{"name", name}, {"file", vf}, {"patch", patch}, {"variants", scenario_info(check)["variants"]}});
  }

  RunOptions small_run() const {
    RunOptions ro;
    ro.paths = 256;
    ro.seed = seed;
    ro.sampling = sampling;
    ro.threads = 1;
    return ro;
  }

  HttpResponse route(const HttpRequest& req) {
    if (!host_ok(req.host))
      throw ApiError{403, "forbidden Host header '" + req.host.substr(0, 200) + "': this server answers only 127.0.0.1:" +
                              std::to_string(port.load()) + " and localhost:" + std::to_string(port.load())};
    if (!origin_ok(req.origin)) throw ApiError{403, "forbidden Origin '" + req.origin.substr(0, 200) + "'"};
    if (req.path == "/" || req.path == "/index.html") {
      if (req.method != "GET") throw ApiError{405, "use GET"};
      HttpResponse r;
      r.content_type = "text/html; charset=utf-8";
      r.body = what_if_page();
      if (r.body.empty())
        throw ApiError{500, "this amorce was built without the charting library (npm ci --prefix report, then rebuild)"};
      return r;
    }
    if (req.path == "/api/scenario") {
      if (req.method != "GET") throw ApiError{405, "use GET"};
      return get_scenario();
    }
    static const char* posts[] = {"/api/controls", "/api/validate", "/api/run", "/api/tornado", "/api/variants"};
    if (std::find(std::begin(posts), std::end(posts), req.path) == std::end(posts))
      throw ApiError{404, "no such page: " + req.path.substr(0, 200)};
    if (req.method != "POST") throw ApiError{405, "use POST with a JSON body"};
    if (req.body.size() > ServeLimits::max_body_bytes)
      throw ApiError{413, fmt::format("request body of {} bytes: at most {}", req.body.size(), ServeLimits::max_body_bytes)};
    if (req.content_type.rfind("application/json", 0) != 0) throw ApiError{415, "the body must be JSON (Content-Type: application/json)"};
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded()) throw ApiError{400, "the body is not valid JSON"};
    if (!body.is_object()) throw ApiError{400, "the body must be a JSON object"};
    if (stopping) throw ApiError{503, "the server is stopping"};
    if (req.path == "/api/controls") return post_controls(body);
    if (req.path == "/api/validate") return post_validate(body);
    if (req.path == "/api/run") return post_run(body);
    if (req.path == "/api/tornado") return post_tornado(body);
    return post_variant(body);
  }
};

// ------------------------------------------------------------------------------ public

WhatIfServer::WhatIfServer(ServeOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->opt = std::move(options);
  Scenario sc = load_scenario(impl_->opt.scenario_path);  // errors exactly as `amorce check` prints them
  impl_->file_text = read_whole_file(impl_->opt.scenario_path);
  Plan plan = compile(impl_->load(impl_->file_text, "", ""), &impl_->qcache);
  impl_->scenario_name = sc.name;
  impl_->seed = impl_->opt.seed ? *impl_->opt.seed : plan.simulation.seed;
  impl_->sampling = plan.simulation.sampling;
  impl_->paths = impl_->opt.paths > 0 ? impl_->opt.paths : 1000;
}

WhatIfServer::~WhatIfServer() = default;

long long WhatIfServer::calibrate() {
  Impl& m = *impl_;
  // pilot requests as the page sends them (one number changed: load, compile with the cached
  // tables but the changed law's, a run of 1 000 then 4 000 paths, the JSON) give the fixed cost
  // and the cost per path; the best of two tries each, so another process's burst does not decide
  Scenario sc0 = m.load(m.file_text, "", "");
  const Control* first = nullptr;
  auto groups = what_if_controls(sc0);
  for (const auto& g : groups)
    for (const auto& it : g.items)
      for (const auto& c : it.controls)
        if (!first) first = &c;
  int tries = 0;
  auto measure = [&](long long n) {
    double best = INFINITY;
    for (int k = 0; k < 2; ++k) {
      std::map<std::string, double> changes;
      if (first) changes[first->id] = first->value + first->step * (++tries);  // a new law each time
      auto t0 = Clock::now();
      auto plan = m.plan_for(m.file_text, "", changes, nullptr);
      json j = m.run(*plan, n, false, nullptr, nullptr);
      (void)j.dump();
      best = std::min(best, ms_since(t0));
    }
    return best;
  };
  const double t1 = measure(1000), t4 = measure(4000);
  m.pilot_per_1000 = std::max(1e-3, (t4 - t1) / 3);
  m.pilot_fixed = std::max(0.0, t1 - m.pilot_per_1000);
  if (m.opt.paths > 0) return m.paths = m.opt.paths;
  // the browser needs time too: parse the JSON and redraw the answers and two charts (about 40 ms
  // measured in headless Chromium, docs/performance.md); the server keeps the rest of the budget
  const double budget = m.opt.target_ms - 40 - m.pilot_fixed;
  long long n = static_cast<long long>(budget / m.pilot_per_1000 * 1000);
  n = n / 1000 * 1000;
  m.paths = std::clamp<long long>(n, 1000, 100'000);
  return m.paths;
}

long long WhatIfServer::paths() const { return impl_->paths.load(); }
bool WhatIfServer::running() const { return impl_->active.load() > 0; }
double WhatIfServer::pilot_ms_per_1000() const { return impl_->pilot_per_1000; }
double WhatIfServer::pilot_fixed_ms() const { return impl_->pilot_fixed; }
void WhatIfServer::set_port(int port) { impl_->port = port; }

void WhatIfServer::shutdown() {
  impl_->stopping = true;
  ++impl_->generation;
}

HttpResponse WhatIfServer::handle(const HttpRequest& request) {
  try {
    HttpResponse r = impl_->route(request);
    return r;
  } catch (const ApiError& e) {
    return error_response(e);
  } catch (const RunCancelled&) {
    return error_response({409, "superseded by a newer request"});
  } catch (const ScenarioError& e) {
    return error_response({422, e.what(), diagnostics_json(e)});
  } catch (const DomainError& e) {
    return error_response({422, e.what()});
  } catch (const std::invalid_argument& e) {
    return error_response({400, e.what()});
  } catch (const OutputError& e) {
    return error_response({500, e.what()});
  } catch (const std::bad_alloc&) {
    return error_response({507, "out of memory: lower the number of paths"});
  } catch (const std::exception& e) {
    return error_response({500, std::string("internal error: ") + e.what() + " (please report it, amorce " AMORCE_VERSION ")"});
  }
}

}  // namespace amorce
