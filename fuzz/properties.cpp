#include "properties.hpp"

#include <algorithm>
#include <sstream>
#include <typeinfo>
#include <vector>

#include "amorce/base_case.hpp"
#include "amorce/compile.hpp"
#include "amorce/error.hpp"
#include "amorce/expr.hpp"
#include "amorce/load.hpp"
#include "amorce/metric.hpp"
#include "commands.hpp"

namespace amorce::fuzz {

namespace {

/// The scenario target's input poses as a file of scenarios/, so that `extends:
/// lib/france-2026.yaml` (as in the bundled scenarios) resolves.
const std::string kScenarioFile = AMORCE_SOURCE_DIR "/scenarios/fuzz-input.yaml";
const std::string kFixtureFile = AMORCE_SOURCE_DIR "/fuzz/fixture.yaml";

/// The fixture scenario and its plan, loaded once per process (read-only afterwards).
struct Fixture {
  Scenario scenario;
  Plan plan;
};
const Fixture& fixture() {
  static const Fixture f = [] {
    Fixture x;
    x.scenario = load_scenario(kFixtureFile);
    x.plan = compile(x.scenario);
    return x;
  }();
  return f;
}

std::string unexpected(const std::exception& e) {
  return std::string("unexpected exception ") + typeid(e).name() + ": " + e.what();
}

/// A ScenarioError about a file must say where: every diagnostic has file:line:column, or
/// names the file alone (line and column 0) when it is about the whole file (empty, too large).
std::string check_positions(const ScenarioError& e) {
  if (e.diagnostics().empty()) return std::string("ScenarioError without diagnostics: ") + e.what();
  for (const auto& d : e.diagnostics()) {
    bool located = d.pos.line >= 1 && d.pos.column >= 1;
    bool whole_file = d.pos.line == 0 && d.pos.column == 0;
    if (d.pos.file.empty() || !(located || whole_file))
      return "diagnostic without file:line:column: '" + format_pos(d.pos) + d.message + "'";
  }
  return "";
}

/// Compiles, runs the base case and prints it as `amorce check` does (table and JSON).
void compile_and_print(const Scenario& sc) {
  Plan plan = compile(sc);
  BaseCase bc = run_base_case(plan);
  std::ostringstream out;
  print_base_case(out, bc);
  out << base_case_json(bc).dump(2);
}

/// Runs `f` on a file-like input: ScenarioError (with positions) and DomainError are the
/// accepted rejections.
template <class F>
std::string file_property(F&& f) {
  try {
    f();
  } catch (const ScenarioError& e) {
    return check_positions(e);
  } catch (const DomainError&) {
  } catch (const std::exception& e) {
    return unexpected(e);
  } catch (...) {
    return "unexpected exception of a non-standard type";
  }
  return "";
}

/// Runs `f` on a command-line value: std::invalid_argument (ScenarioError included) and
/// DomainError are the accepted rejections.
template <class F>
std::string argument_property(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument&) {
  } catch (const DomainError&) {
  } catch (const std::exception& e) {
    return unexpected(e);
  } catch (...) {
    return "unexpected exception of a non-standard type";
  }
  return "";
}

}  // namespace

std::string scenario_property(std::string_view yaml) {
  const std::string text(yaml);
  std::vector<std::string> variants;
  std::string v = file_property([&] {
    Scenario sc = load_scenario_text(text, kScenarioFile);
    variants = sc.variant_names;
    compile_and_print(sc);
  });
  if (!v.empty()) return v;
  // the first two declared variants (each one re-reads and recompiles the whole file)
  for (std::size_t i = 0; i < variants.size() && i < 2; ++i) {
    v = file_property([&] { compile_and_print(load_scenario_text(text, kScenarioFile, variants[i])); });
    if (!v.empty()) return "variant '" + variants[i] + "': " + v;
  }
  return "";
}

std::string expression_property(std::string_view text) {
  const Expr e{std::string(text), SourcePos{kFixtureFile, 3, 7}};
  bool parsed = false;
  std::string v = file_property([&] {
    parse_expression(e);
    parsed = true;
  });
  if (!v.empty()) return "parse: " + v;
  if (!parsed) return "";  // rejected at its position; compiling it would only reject it again
  // the same text as a series, a fixed input (after every other input) and a check
  Scenario as_series = fixture().scenario;
  as_series.series.push_back(Series{"fuzz_series", e.pos, e, ""});
  if (!(v = file_property([&] { compile_and_print(as_series); })).empty()) return "series: " + v;
  Scenario as_input = fixture().scenario;
  Input in;
  in.name = "fuzz_input";
  in.pos = e.pos;
  in.fixed = e;
  as_input.inputs.push_back(in);
  if (!(v = file_property([&] { compile_and_print(as_input); })).empty()) return "input: " + v;
  Scenario as_check = fixture().scenario;
  as_check.checks.push_back(Check{"fuzz_check", e});
  if (!(v = file_property([&] { compile_and_print(as_check); })).empty()) return "check: " + v;
  return "";
}

std::string metric_property(std::string_view text) {
  const std::string s(text);
  const Plan& plan = fixture().plan;
  std::string v = argument_property([&] {
    Metric m = parse_metric(s, plan);
    RunOptions ro;
    ro.paths = 8;
    ro.threads = 1;
    estimate_metric(m, run_metric(plan, m, ro));
  });
  if (!v.empty()) return "metric: " + v;
  if (!(v = argument_property([&] { parse_target(s, plan); })).empty()) return "target: " + v;
  if (!(v = argument_property([&] { parse_month(s, plan); })).empty()) return "month: " + v;
  return "";
}

std::string cli_property(std::string_view lines) {
  std::vector<std::string> args{"amorce"};
  for (std::size_t begin = 0; begin < lines.size();) {
    std::size_t end = std::min(lines.find('\n', begin), lines.size());
    args.emplace_back(lines.substr(begin, end - begin));
    begin = end + 1;
  }
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  CLI::App app{"amorce"};
  std::vector<cli::Command> commands = cli::setup_app(app);
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError&) {
    return "";  // the CLI prints it and exits with 0 (--help, --version) or 2
  } catch (const std::exception& e) {
    return "parse: " + unexpected(e);
  } catch (...) {
    return "parse: unexpected exception of a non-standard type";
  }
  // the argument values the commands hand to the engine's parsers before loading anything
  const Plan& plan = fixture().plan;
  for (const auto& c : commands) {
    if (!c.app || !c.app->parsed()) continue;
    for (const char* name : {"--metric", "--sensitivity-metric"}) {
      CLI::Option* opt = c.app->get_option_no_throw(name);
      if (!opt || opt->count() == 0) continue;
      std::string v = argument_property([&] { parse_metric(opt->as<std::string>(), plan); });
      if (!v.empty()) return std::string(name) + ": " + v;
    }
    if (CLI::Option* opt = c.app->get_option_no_throw("--target"); opt && opt->count() > 0) {
      std::string v = argument_property([&] { parse_target(opt->as<std::string>(), plan); });
      if (!v.empty()) return "--target: " + v;
    }
  }
  return "";
}

Property property_of(std::string_view target) {
  if (target == "scenario") return scenario_property;
  if (target == "expr") return expression_property;
  if (target == "metric") return metric_property;
  if (target == "cli") return cli_property;
  return nullptr;
}

}  // namespace amorce::fuzz
