// `amorce portfolio FILE`: a funder's portfolio with shared shocks (docs/portfolio.md), in one
// process or across the ranks of an MPI job. Every rank loads and compiles the portfolio,
// simulates its contiguous range of path blocks with its own threads, and rank 0 gathers the
// columns in block order and prints or writes the result: byte-identical JSON whatever the
// number of ranks and threads.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>
#include <unistd.h>

#include <fmt/format.h>

#include "amorce/atomic_file.hpp"
#include "amorce/portfolio.hpp"
#include "amorce/run.hpp"
#include "commands.hpp"
#include "mpi_session.hpp"

namespace amorce::cli {

Command add_portfolio_command(CLI::App& app) {
  struct Opts {
    std::string file, format = "table", out_dir, report;
    long long paths = 0;
    std::string seed, sampling;
    int threads = 0;
    int pairs = -1;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("portfolio",
                                 "A funder's portfolio with shared shocks: projects in shortfall together, funding need, "
                                 "loss (VaR, ES and each project's share); runs on MPI ranks with mpirun");
  sub->add_option("FILE", o->file, "portfolio YAML file (docs/portfolio.md)")->required();
  sub->add_option("--paths", o->paths, "number of paths (default: the portfolio's simulation.paths)")
      ->check(CLI::Range(1LL, Limits::max_paths));
  sub->add_option("--seed", o->seed, "random seed (default: the portfolio's simulation.seed)")->check(seed_validator());
  sub->add_option("--threads", o->threads, "worker threads per process (default: all cores; under MPI, shared among the ranks of a machine)")->check(CLI::Range(0, 256));
  sub->add_option("--sampling", o->sampling, "sampling method")->check(CLI::IsMember({"mc", "lhs", "sobol"}));
  sub->add_option("--pairs", o->pairs, "riskiest projects whose joint shortfalls are reported (default: the file's pairs, 10)")
      ->check(CLI::Range(0, PortfolioLimits::max_pairs));
  sub->add_option("--format", o->format, "output format")->check(CLI::IsMember({"table", "json"}));
  auto* oout = sub->add_option("--out", o->out_dir, "write portfolio.json and projects.csv to this directory");
  auto* oreport = sub->add_option("--report", o->report, "also write the portfolio's HTML report section to this file");
  return {sub, [o, oout, oreport]() {
            MpiSession mpi;
            const bool root = mpi.rank() == 0;
            Portfolio pf;
            PortfolioRunOptions opt;
            PortfolioColumns cols;
            const auto t0 = std::chrono::steady_clock::now();
            try {
              mpi.agree([&] {
                // outputs are checked before the run (on rank 0, which writes them)
                if (root && oout->count()) check_output_dir(o->out_dir, "--out");
                if (root && oreport->count()) check_output_file(o->report, "--report");
                PortfolioSpec spec = load_portfolio(o->file);
                if (o->pairs >= 0) spec.pairs = o->pairs;
                pf = compile_portfolio(spec);
                opt.paths = o->paths > 0 ? o->paths : spec.simulation.paths;
                opt.seed = o->seed.empty() ? spec.simulation.seed : parse_seed(o->seed).value();
                opt.sampling = spec.simulation.sampling;
                if (o->sampling == "mc") opt.sampling = Sampling::mc;
                if (o->sampling == "lhs") opt.sampling = Sampling::lhs;
                if (o->sampling == "sobol") opt.sampling = Sampling::sobol;
                opt.threads = mpi.threads_per_rank(o->threads);  // ranks sharing a machine share its cores
                check_memory(portfolio_memory_bytes(pf.members.size(), opt.paths),
                             fmt::format("{} projects x {} paths", pf.members.size(), opt.paths), "--paths");
              });
              const std::size_t blocks = portfolio_blocks(opt.paths);
              const auto [b0, b1] = mpi.block_range(blocks);
              const bool show = root && isatty(fileno(stderr)) != 0;
              bool printed = false;
              auto bar = [&](std::size_t done) {
                if (!show || std::chrono::steady_clock::now() - t0 < std::chrono::seconds(1)) return;
                printed = true;
                const int pct = static_cast<int>(100.0 * static_cast<double>(done) / static_cast<double>(blocks));
                std::cerr << fmt::format("\r[{:<40}] {:3d}%  {} / {} paths ({} process{})", std::string(pct * 40 / 100, '#'),
                                         pct, std::min<std::size_t>(done * kPortfolioBlock, static_cast<std::size_t>(opt.paths)),
                                         opt.paths, mpi.size(), mpi.size() > 1 ? "es" : "")
                          << std::flush;
              };
              opt.progress = [&](std::size_t done) {
                const std::size_t total = mpi.progress(done);
                if (root) bar(total);
              };
              std::exception_ptr run_error;
              try {
                cols = simulate_portfolio(pf, opt, b0, b1);
              } catch (...) {
                run_error = std::current_exception();
              }
              mpi.finish_progress(b1 - b0, bar);
              if (printed) std::cerr << "\r" << std::string(78, ' ') << "\r" << std::flush;
              mpi.agree([&] {
                if (run_error) std::rethrow_exception(run_error);
              });
              mpi.gather(cols);
              if (!root) return 0;
              PortfolioResult r = summarize_portfolio(pf, opt, cols);
              r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
              r.ranks = mpi.size();
              r.threads = opt.threads > 0 ? opt.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
              if (oout->count()) write_portfolio_outputs(o->out_dir, pf, r);
              if (oreport->count()) write_portfolio_report(o->report, pf, r);
              if (o->format == "json") std::cout << portfolio_json(pf, r).dump(2) << "\n";
              else print_portfolio(std::cout, pf, r);
              return 0;
            } catch (const RemoteFailure& f) {
              // another rank failed: rank 0 says which and why; the others leave quietly
              if (root && !f.message.empty()) std::cerr << f.message << "\n" << std::flush;
              mpi.barrier();
              return f.exit_code;
            }
          }};
}

}  // namespace amorce::cli
