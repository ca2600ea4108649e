#include "commands.hpp"
namespace amorce::cli {
Command add_stress_command(CLI::App& app) {
  auto* sub = app.add_subcommand("stress", "(not yet implemented)");
  return {sub, []() { return 1; }};
}
}  // namespace amorce::cli
