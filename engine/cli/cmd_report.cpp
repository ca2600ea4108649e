// `amorce report FILE`: the funder's HTML report (a Monte Carlo run, the base case, charts).
#include <cstdio>
#include <iostream>
#include <unistd.h>

#include "amorce/base_case.hpp"
#include "amorce/compile.hpp"
#include "amorce/load.hpp"
#include "amorce/report.hpp"
#include "amorce/run.hpp"
#include "commands.hpp"

namespace amorce::cli {

bool check_report_assets() {
  std::string why;
  if (report_assets_available(&why)) return true;
  std::cerr << "error: cannot write the report: " << why << "\n";
  return false;
}

void write_report_file(const std::string& path, const std::string& scenario_file, const Scenario& sc, const Plan& plan,
                       const RunResult& result, const std::string& lang, const std::string& sensitivity) {
  BaseCase base = run_base_case(plan);
  ReportOptions ro;
  ro.lang = lang;
  ro.scenario_file = scenario_file;
  ro.sensitivity_method = sensitivity;
  if (!sensitivity.empty())
    ro.sensitivity_note = lang == "en" ? "the sensitivity driver is not part of this build of amorce"
                                       : "le calcul de sensibilité n'est pas disponible dans cette version d'amorce";
  write_report(path, sc, plan, result, base, ro);
  std::cerr << "report written to " << path << "\n";
}

Command add_report_command(CLI::App& app) {
  struct Opts {
    std::string file, out = "report.html", lang = "fr", sensitivity;
    RunFlags flags;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("report", "Funder's report: one self-contained HTML file with charts (opens offline)");
  sub->add_option("FILE", o->file, "scenario YAML file")->required();
  sub->add_option("-o,--out", o->out, "HTML file to write (default: report.html)");
  add_run_flags(sub, o->flags);
  sub->add_option("--sensitivity", o->sensitivity, "add a sensitivity analysis (method, e.g. tornado or sobol)");
  sub->add_option("--lang", o->lang, "language of the report (default: fr)")->check(CLI::IsMember({"fr", "en"}));
  return {sub, [o]() {
            if (!check_report_assets()) return 1;
            Scenario sc = load_scenario(o->file, o->flags.variant);
            Plan plan = compile(sc);
            RunOptions ro = run_options(plan, o->flags);
            ro.progress = isatty(fileno(stderr)) != 0;
            RunResult result = run_monte_carlo(plan, ro);
            write_report_file(o->out, o->file, sc, plan, result, o->lang, o->sensitivity);
            return 0;
          }};
}

}  // namespace amorce::cli
