#include "commands.hpp"
namespace amorce::cli {
Command add_solve_command(CLI::App& app) {
  auto* sub = app.add_subcommand("solve", "(not yet implemented)");
  return {sub, []() { return 1; }};
}
}  // namespace amorce::cli
