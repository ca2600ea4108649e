#pragma once
// Each `amorce` subcommand registers itself here: its options, and the action run when it
// is selected. Actions may throw ScenarioError/DomainError; main maps them to exit status 2.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace amorce::cli {

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> action;
};

/// The whole command line on `app` (version flag, one required subcommand, every subcommand):
/// shared by main.cpp and the CLI fuzz target (fuzz/properties.cpp).
std::vector<Command> setup_app(CLI::App& app);

Command add_check_command(CLI::App& app);
Command add_run_command(CLI::App& app);
Command add_sensitivity_command(CLI::App& app);
Command add_stress_command(CLI::App& app);
Command add_solve_command(CLI::App& app);
Command add_compare_command(CLI::App& app);
Command add_report_command(CLI::App& app);
Command add_portfolio_command(CLI::App& app);
Command add_serve_command(CLI::App& app);

/// Options shared by commands that run the Monte Carlo engine.
struct RunFlags {
  long long paths = 0;   ///< 0: the scenario's simulation.paths
  std::string seed;      ///< "": the scenario's simulation.seed (validated: 0..2^64-1)
  int threads = 0;
  std::string sampling;  ///< "" : the scenario's
  std::string variant;
  std::string jit = "auto";  ///< auto | on | off (RunOptions::jit)
};
void add_run_flags(CLI::App* sub, RunFlags& f);
/// `--lang fr|en` (default fr: funders read French), on every subcommand.
void add_lang_option(CLI::App* sub, std::string& lang);

/// Validators (validate.cpp): run by CLI11 on the raw text, so bad arguments fail at parse.
std::optional<std::uint64_t> parse_seed(const std::string& s);
CLI::Validator seed_validator();
CLI::Validator finite_validator();    ///< finite, |x| < Limits::max_abs_value
CLI::Validator positive_validator();  ///< finite and > 0
CLI::Validator non_empty_validator();
/// "1,5,50,95,99" -> {1, 5, 50, 95, 99}: sorted, duplicates dropped, each in (0, 100);
/// std::invalid_argument naming the bad entry otherwise.
std::vector<double> parse_percentiles(const std::string& text);
CLI::Validator percentiles_validator();

}  // namespace amorce::cli

#include "amorce/plan.hpp"
#include "amorce/run.hpp"

namespace amorce::cli {

/// RunOptions: the scenario's simulation defaults overridden by the command line.
RunOptions run_options(const Plan& plan, const RunFlags& f);

/// The funder's HTML report (cmd_report.cpp): check_report_assets prints why on stderr when the
/// charting library is missing; write_report_file runs the base case and writes `path` atomically.
bool check_report_assets();
void write_report_file(const std::string& path, const std::string& scenario_file, const Scenario& sc, const Plan& plan,
                       const RunResult& result, const std::string& lang, const std::string& sensitivity);

}  // namespace amorce::cli
