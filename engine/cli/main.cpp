// amorce: a thin command-line shell over the engine library.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include "amorce/base_case.hpp"
#include "amorce/compile.hpp"
#include "amorce/load.hpp"
#include "amorce/run.hpp"

using namespace amorce;

namespace {

int check_command(const std::string& file, const std::string& variant, const std::string& format) {
  Scenario sc = load_scenario(file, variant);
  Plan plan = compile(sc);
  BaseCase bc = run_base_case(plan);
  if (format == "json") {
    std::cout << base_case_json(bc).dump(2) << "\n";
  } else if (format == "csv") {
    write_base_case_csv(std::cout, bc);
  } else {
    std::cerr << file << ": ok (" << sc.inputs.size() << " inputs, " << sc.revenue.size() + sc.costs.size() + sc.staff.size()
              << " items, " << sc.subsidies.size() << " subsidies)\n";
    print_base_case(std::cout, bc);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"amorce: will this social-economy project survive? Monte Carlo cash and P&L projections from a YAML scenario."};
  app.set_version_flag("--version", std::string("amorce ") + AMORCE_VERSION);
  app.require_subcommand(1);

  std::string file, variant, format = "table";
  auto* check = app.add_subcommand("check", "validate a scenario and print its base case (every input at its base value)");
  check->add_option("FILE", file, "scenario YAML file")->required();
  check->add_option("--variant", variant, "apply a named variant of the scenario");
  check->add_option("--format", format, "output format")->check(CLI::IsMember({"table", "csv", "json"}));

  RunOptions ro;
  std::string rfile, rvariant, rformat = "table", sampling, out_dir;
  long long paths = 0;
  long long seed = -1;
  bool keep_paths = false;
  auto* run = app.add_subcommand("run", "Monte Carlo run: probability of a cash shortfall, funding need, breakeven...");
  run->add_option("FILE", rfile, "scenario YAML file")->required();
  run->add_option("--paths", paths, "number of paths (default: the scenario's simulation.paths)")->check(CLI::Range(1LL, Limits::max_paths));
  run->add_option("--seed", seed, "random seed (default: the scenario's simulation.seed)")->check(CLI::NonNegativeNumber);
  run->add_option("--threads", ro.threads, "worker threads (default: all cores)")->check(CLI::Range(0, 256));
  run->add_option("--sampling", sampling, "sampling method")->check(CLI::IsMember({"mc", "lhs", "sobol"}));
  run->add_option("--variant", rvariant, "apply a named variant of the scenario");
  run->add_option("--out", out_dir, "write summary.json, monthly.csv, annual.csv, indicators.csv to this directory");
  run->add_option("--format", rformat, "output format")->check(CLI::IsMember({"table", "json"}));
  run->add_flag("--keep-paths", keep_paths, "keep every path's monthly cash (memory grows with paths x months)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  try {
    if (*check) return check_command(file, variant, format);
    if (*run) {
      Scenario sc = load_scenario(rfile, rvariant);
      Plan plan = compile(sc);
      ro.paths = paths > 0 ? paths : plan.simulation.paths;
      ro.seed = seed >= 0 ? static_cast<std::uint64_t>(seed) : plan.simulation.seed;
      ro.sampling = plan.simulation.sampling;
      if (sampling == "mc") ro.sampling = Sampling::mc;
      if (sampling == "lhs") ro.sampling = Sampling::lhs;
      if (sampling == "sobol") ro.sampling = Sampling::sobol;
      ro.keep_paths = keep_paths;
      ro.progress = isatty(fileno(stderr)) != 0;
      RunResult result = run_monte_carlo(plan, ro);
      if (!out_dir.empty()) write_run_outputs(out_dir, plan, result);
      if (rformat == "json") std::cout << run_summary_json(plan, result).dump(2) << "\n";
      else print_run_summary(std::cout, plan, result);
      return 0;
    }
  } catch (const ScenarioError& e) {
    std::cerr << e.what() << "\n";
    if (e.diagnostics().size() > 1) std::cerr << e.diagnostics().size() << " errors\n";
    return 2;
  } catch (const DomainError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
