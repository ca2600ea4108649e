#include <cstdio>
#include <iostream>
#include <unistd.h>

#include <sstream>

#include "amorce/atomic_file.hpp"
#include "amorce/base_case.hpp"
#include "amorce/cash_plan.hpp"
#include "amorce/compile.hpp"
#include "amorce/load.hpp"
#include "amorce/run.hpp"
#include "commands.hpp"

namespace amorce::cli {

void add_run_flags(CLI::App* sub, RunFlags& f) {
  sub->add_option("--paths", f.paths, "number of paths (default: the scenario's simulation.paths)")
      ->check(CLI::Range(1LL, Limits::max_paths));
  sub->add_option("--seed", f.seed, "random seed (default: the scenario's simulation.seed)")->check(CLI::NonNegativeNumber);
  sub->add_option("--threads", f.threads, "worker threads (default: all cores)")->check(CLI::Range(0, 256));
  sub->add_option("--sampling", f.sampling, "sampling method")->check(CLI::IsMember({"mc", "lhs", "sobol"}));
  sub->add_option("--variant", f.variant, "apply a named variant of the scenario");
}

/// RunOptions from the scenario's defaults overridden by the command line.
RunOptions run_options(const Plan& plan, const RunFlags& f) {
  RunOptions ro;
  ro.paths = f.paths > 0 ? f.paths : plan.simulation.paths;
  ro.seed = f.seed >= 0 ? static_cast<std::uint64_t>(f.seed) : plan.simulation.seed;
  ro.threads = f.threads;
  ro.sampling = plan.simulation.sampling;
  if (f.sampling == "mc") ro.sampling = Sampling::mc;
  if (f.sampling == "lhs") ro.sampling = Sampling::lhs;
  if (f.sampling == "sobol") ro.sampling = Sampling::sobol;
  return ro;
}

Command add_run_command(CLI::App& app) {
  struct Opts {
    std::string file, format = "table", out_dir, report;
    bool keep_paths = false;
    RunFlags flags;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("run", "Monte Carlo run: probability of a cash shortfall, funding need, breakeven...");
  sub->add_option("FILE", o->file, "scenario YAML file")->required();
  add_run_flags(sub, o->flags);
  sub->add_option("--out", o->out_dir, "write summary.json, monthly.csv, annual.csv, indicators.csv and the base case's cash_plan.csv to this directory");
  sub->add_option("--format", o->format, "output format")->check(CLI::IsMember({"table", "json"}));
  sub->add_option("--report", o->report, "also write the funder's HTML report (French) to this file");
  sub->add_flag("--keep-paths", o->keep_paths, "keep every path's monthly cash (memory grows with paths x months); --out then writes paths.csv");
  return {sub, [o]() {
            if (!o->report.empty() && !check_report_assets()) return 1;
            Scenario sc = load_scenario(o->file, o->flags.variant);
            Plan plan = compile(sc);
            RunOptions ro = run_options(plan, o->flags);
            ro.keep_paths = o->keep_paths;
            ro.progress = isatty(fileno(stderr)) != 0;
            RunResult result = run_monte_carlo(plan, ro);
            if (!o->out_dir.empty()) {
              write_run_outputs(o->out_dir, plan, result);
              // the base case's monthly cash plan line by line (a base-case statement)
              BaseCase bc = run_base_case(plan);
              std::ostringstream csv;
              write_cash_plan_csv(csv, bc, cash_plan(bc));
              write_file_atomic(o->out_dir + "/cash_plan.csv", csv.str());
            }
            if (!o->report.empty()) write_report_file(o->report, o->file, sc, plan, result, "fr", "");
            if (o->format == "json") std::cout << run_summary_json(plan, result).dump(2) << "\n";
            else print_run_summary(std::cout, plan, result);
            return 0;
          }};
}

}  // namespace amorce::cli
