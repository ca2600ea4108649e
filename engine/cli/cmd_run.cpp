#include <cstdio>
#include <filesystem>
#include <iostream>
#include <unistd.h>

#include "amorce/atomic_file.hpp"
#include "amorce/compile.hpp"
#include "amorce/load.hpp"
#include "amorce/metrics_run.hpp"
#include "amorce/run.hpp"
#include "amorce/warnings.hpp"
#include "amorce/xlsx_export.hpp"
#include "commands.hpp"

namespace amorce::cli {

void add_run_flags(CLI::App* sub, RunFlags& f) {
  sub->add_option("--paths", f.paths, "number of paths (default: the scenario's simulation.paths)")
      ->check(CLI::Range(1LL, Limits::max_paths));
  sub->add_option("--seed", f.seed, "random seed (default: the scenario's simulation.seed)")->check(seed_validator());
  sub->add_option("--threads", f.threads, "worker threads (default: all cores)")->check(CLI::Range(0, 256));
  sub->add_option("--sampling", f.sampling, "sampling method")->check(CLI::IsMember({"mc", "lhs", "sobol"}));
  sub->add_option("--variant", f.variant, "apply a named variant of the scenario")->check(non_empty_validator());
}

/// RunOptions from the scenario's defaults overridden by the command line.
RunOptions run_options(const Plan& plan, const RunFlags& f) {
  RunOptions ro;
  ro.paths = f.paths > 0 ? f.paths : plan.simulation.paths;
  ro.seed = f.seed.empty() ? plan.simulation.seed : parse_seed(f.seed).value();
  ro.threads = f.threads;
  ro.sampling = plan.simulation.sampling;
  if (f.sampling == "mc") ro.sampling = Sampling::mc;
  if (f.sampling == "lhs") ro.sampling = Sampling::lhs;
  if (f.sampling == "sobol") ro.sampling = Sampling::sobol;
  ro.jit = parse_jit_mode(f.jit);
  return ro;
}

Command add_run_command(CLI::App& app) {
  struct Opts {
    std::string file, format = "table", out_dir, report, metrics, percentiles, lang = "fr";
    bool keep_paths = false, keep_inputs = false;
    RunFlags flags;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("run", "Monte Carlo run: probability of a cash shortfall, funding need, breakeven...");
  sub->add_option("FILE", o->file, "scenario YAML file")->required();
  add_run_flags(sub, o->flags);
  // `run` only: the drivers (sensitivity, solve...) build their own RunOptions and use auto
  // (AMORCE_JIT=0|1 sets it for every command)
  sub->add_option("--jit", o->flags.jit,
                  "compile the monthly program to native code with the system C++ compiler (same numbers, faster "
                  "large runs): auto = from 100000 paths when a compiler is found")
      ->check(CLI::IsMember({"auto", "on", "off"}));
  auto* oout = sub->add_option("--out", o->out_dir,
                               "write summary.json, monthly.csv, annual.csv, indicators.csv and the base case's cash_plan.csv to this directory");
  sub->add_option("--format", o->format, "output format")->check(CLI::IsMember({"table", "json"}));
  auto* oreport = sub->add_option("--report", o->report, "also write the funder's HTML report (French) to this file");
  sub->add_option("--metrics", o->metrics,
                  "only these metrics, with their standard errors, e.g. \"shortfall,min_cash,p90(funding_need),cash@end\" "
                  "(skips the summary's statistics: the fast form for scripts and CI)");
  sub->add_flag("--keep-paths", o->keep_paths, "keep every path's monthly cash (memory grows with paths x months); --out then writes paths.csv");
  sub->add_flag("--keep-inputs", o->keep_inputs,
                "keep every path's sampled inputs (memory grows with paths x inputs); --out then writes inputs.csv");
  sub->add_option("--percentiles", o->percentiles,
                  "percentiles reported in the JSON, the --out files and the report, e.g. 1,5,10,50,90,95,99 "
                  "(default: the scenario's outputs.quantiles)")
      ->check(percentiles_validator());
  add_lang_option(sub, o->lang);
  return {sub, [o, oout, oreport]() {
            // outputs checked before the run, not after it
            if (oout->count()) check_output_dir(o->out_dir, "--out");
            if (oreport->count()) {
              // a report inside the --out directory (scripts/run-study.sh): that directory is
              // created by --out, whose check above covers it
              namespace fs = std::filesystem;
              auto norm = [](const fs::path& p) {
                std::error_code ec;
                fs::path a = fs::weakly_canonical(fs::absolute(p, ec), ec);
                return a.has_filename() ? a : a.parent_path();
              };
              const fs::path report(o->report), report_dir = report.parent_path();
              const bool in_out = oout->count() && !report_dir.empty() && !fs::exists(report_dir) &&
                                  norm(report_dir) == norm(o->out_dir) && report.has_filename();
              if (!in_out) check_output_file(o->report, "--report");
            }
            if (!o->report.empty() && !check_report_assets()) return 1;
            Scenario sc = load_scenario(o->file, o->flags.variant);
            Plan plan = compile(sc);
            if (!o->percentiles.empty()) plan.outputs.quantiles = parse_percentiles(o->percentiles);
            RunOptions ro = run_options(plan, o->flags);
            if (!o->metrics.empty()) {
              if (!o->out_dir.empty() || !o->report.empty() || o->keep_paths || o->keep_inputs)
                throw std::invalid_argument(
                    "--metrics gives only the metrics: it cannot be combined with --out, --report, --keep-paths or --keep-inputs");
              MetricsRun mr = run_metrics(plan, split_metric_list(o->metrics), ro);
              if (o->format == "json") std::cout << metrics_json(plan, mr).dump(2) << "\n";
              else print_metrics(std::cout, plan, mr, parse_lang(o->lang));
              return 0;
            }
            ro.keep_paths = o->keep_paths;
            ro.keep_inputs = o->keep_inputs || oreport->count() > 0;  // the report's scatter plots need them
            ro.progress = isatty(fileno(stderr)) != 0;
            RunResult result = run_monte_carlo(plan, ro);
            if (ro.jit == JitMode::on && !result.jit.used)  // asked for: say why it did not happen
              std::cerr << "note: --jit on: " << result.jit.note << "; the interpreter ran\n";
            if (!result.warnings.empty())  // the JSON keeps them in English; the terminal follows --lang
              for (const auto& w : o->lang == "en" ? result.warnings : scenario_warnings(plan, parse_lang(o->lang)))
                std::cerr << o->file << (o->lang == "en" ? ": warning: " : " : avertissement : ") << w << "\n";
            if (oout->count()) {
              // inputs kept for the report only are not written (inputs.csv needs --keep-inputs)
              std::vector<double> report_inputs;
              if (!o->keep_inputs) report_inputs.swap(result.kept_inputs);
              write_run_outputs(o->out_dir, plan, result, &sc, parse_lang(o->lang));
              if (!o->keep_inputs) report_inputs.swap(result.kept_inputs);
              if (!xlsx_available())
                std::cerr << (o->lang == "en" ? "note: no .xlsx written: this amorce was built without libxlsxwriter\n"
                                              : "note : pas de classeur .xlsx : cet amorce a été compilé sans libxlsxwriter\n");
            }
            if (oreport->count()) write_report_file(o->report, o->file, sc, plan, result, o->lang, "");
            if (o->format == "json") std::cout << run_summary_json(plan, result).dump(2) << "\n";
            else print_run_summary(std::cout, plan, result, parse_lang(o->lang));
            return 0;
          }};
}

}  // namespace amorce::cli
