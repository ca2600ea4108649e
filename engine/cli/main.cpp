// amorce: a thin command-line shell over the engine library.
#include <iostream>
#include <new>

#include "amorce/atomic_file.hpp"
#include "amorce/error.hpp"
#include "commands.hpp"
#include "mpi_session.hpp"

using namespace amorce;

int main(int argc, char** argv) {
  CLI::App app{"amorce: will this social-economy project survive? Monte Carlo cash and P&L projections from a YAML scenario."};
  std::vector<cli::Command> commands = cli::setup_app(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  try {
    for (auto& c : commands)
      if (c.app && c.app->parsed()) {
        // under mpirun, only `run` and `portfolio` split their work across ranks (with MPI in
        // the build); any other command runs once, on rank 0, and the other ranks leave quietly
        const bool splits = cli::MpiSession::built_with_mpi() && (c.app->get_name() == "run" || c.app->get_name() == "portfolio");
        if (!splits && cli::MpiSession::launcher_rank() > 0) return 0;
        return c.action();
      }
  } catch (const ScenarioError& e) {
    std::cerr << e.what() << "\n";
    if (e.diagnostics().size() > 1) std::cerr << e.diagnostics().size() << " errors\n";
    return 2;
  } catch (const DomainError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const std::invalid_argument& e) {  // bad arguments (too many paths, unknown metric...)
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const OutputError& e) {  // the disk, not the input nor amorce: a full disk, a lost mount
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const std::bad_alloc&) {
    std::cerr << "error: out of memory: lower --paths (or --keep-paths, --trajectories)\n"
                 "if the command was within the documented limits, please report it (amorce " AMORCE_VERSION ")\n";
    return 1;
  } catch (const std::exception& e) {  // anything else is a bug of amorce
    std::cerr << "internal error: " << e.what() << "\n"
              << "please report it with the command and the scenario file (amorce " AMORCE_VERSION ")\n";
    return 1;
  }
  return 0;
}
