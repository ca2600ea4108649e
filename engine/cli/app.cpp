#include "commands.hpp"

namespace amorce::cli {

std::vector<Command> setup_app(CLI::App& app) {
  app.set_version_flag("--version", std::string("amorce ") + AMORCE_VERSION);
  app.require_subcommand(1);
  std::vector<Command> commands = {add_check_command(app), add_run_command(app), add_report_command(app)};
  for (auto add : {add_sensitivity_command, add_stress_command, add_solve_command, add_compare_command,
                   add_portfolio_command, add_serve_command})
    commands.push_back(add(app));
  return commands;
}

}  // namespace amorce::cli
