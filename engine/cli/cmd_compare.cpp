#include "commands.hpp"
namespace amorce::cli {
Command add_compare_command(CLI::App& app) {
  auto* sub = app.add_subcommand("compare", "(not yet implemented)");
  return {sub, []() { return 1; }};
}
}  // namespace amorce::cli
