#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <unistd.h>

#include <fmt/format.h>

#include "amorce/atomic_file.hpp"
#include "amorce/compile.hpp"
#include "amorce/load.hpp"
#include "amorce/metrics_run.hpp"
#include "amorce/report.hpp"
#include "amorce/run.hpp"
#include "amorce/run_part.hpp"
#include "amorce/warnings.hpp"
#include "amorce/xlsx_export.hpp"
#include "commands.hpp"
#include "mpi_session.hpp"

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

namespace {

struct RunCommandOpts {
  std::string file, format = "table", out_dir, report, metrics, percentiles, lang = "fr";
  bool keep_paths = false, keep_inputs = false;
  RunFlags flags;
};

/// The progress bar of a run across ranks (rank 0, on a terminal, after a second).
struct RanksProgress {
  MpiSession& mpi;
  long long paths;
  std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
  bool show = mpi.rank() == 0 && isatty(fileno(stderr)) != 0, printed = false;
  std::size_t local_done = 0;

  void bar(std::size_t done) {
    if (!show || std::chrono::steady_clock::now() - t0 < std::chrono::seconds(1)) return;
    printed = true;
    const int pct = static_cast<int>(100.0 * static_cast<double>(done) / static_cast<double>(paths));
    std::cerr << fmt::format("\r[{:<40}] {:3d}%  {} / {} paths ({} processes)", std::string(pct * 40 / 100, '#'), pct, done,
                             paths, mpi.size())
              << std::flush;
  }
  /// RunOptions::on_progress
  void update(std::size_t done) {
    local_done = done;
    const std::size_t total = mpi.progress(done);
    if (mpi.rank() == 0) bar(total);
  }
  /// Every rank, once its share is simulated (or failed): rank 0 shows progress until all are
  /// done, then every rank learns whether one failed (MpiSession::agree throws RemoteFailure).
  void finish(const std::exception_ptr& err) {
    mpi.finish_progress(local_done, [this](std::size_t total) { bar(total); });
    if (printed) std::cerr << "\r" << std::string(78, ' ') << "\r" << std::flush;
    printed = false;
    mpi.agree([&] {
      if (err) std::rethrow_exception(err);
    });
  }
};

int run_command(const RunCommandOpts& opts, bool has_out, bool has_report, MpiSession& mpi) {
  const RunCommandOpts* o = &opts;
  const bool root = mpi.rank() == 0;
  Scenario sc;
  Plan plan;
  RunOptions ro;
  mpi.agree([&] {
    // outputs checked before the run, not after it (on rank 0, which writes them)
    if (root && has_out) check_output_dir(o->out_dir, "--out");
    if (root && has_report) {
      // a report inside the --out directory (scripts/run-study.sh): that directory is
      // created by --out, whose check above covers it
      namespace fs = std::filesystem;
      auto norm = [](const fs::path& p) {
        std::error_code ec;
        fs::path a = fs::weakly_canonical(fs::absolute(p, ec), ec);
        return a.has_filename() ? a : a.parent_path();
      };
      const fs::path report(o->report), report_dir = report.parent_path();
      const bool in_out = has_out && !report_dir.empty() && !fs::exists(report_dir) && norm(report_dir) == norm(o->out_dir) &&
                          report.has_filename();
      if (!in_out) check_output_file(o->report, "--report");
    }
    std::string why;
    if (root && !o->report.empty() && !report_assets_available(&why)) throw OutputError("cannot write the report: " + why);
    sc = load_scenario(o->file, o->flags.variant);
    plan = compile(sc);
    if (!o->percentiles.empty()) plan.outputs.quantiles = parse_percentiles(o->percentiles);
    ro = run_options(plan, o->flags);
    if (!o->metrics.empty() && (!o->out_dir.empty() || !o->report.empty() || o->keep_paths || o->keep_inputs))
      throw std::invalid_argument(
          "--metrics gives only the metrics: it cannot be combined with --out, --report, --keep-paths or --keep-inputs");
    ro.threads = mpi.threads_per_rank(ro.threads);  // ranks sharing a machine share its cores
    ro.share_index = mpi.rank();
    ro.share_count = mpi.size();
  });
  RanksProgress progress{mpi, ro.paths};
  bool synced = false;  // finish() called: every rank knows the others' runs went well
  auto sync = [&](const std::exception_ptr& err) {
    synced = true;
    progress.finish(err);
  };
  if (mpi.active()) ro.on_progress = [&](std::size_t done) { progress.update(done); };
  // a rank's run: its errors reach every rank (sync) before rank 0 merges
  auto guarded = [&](const auto& f) {
    try {
      f();
    } catch (...) {
      if (!mpi.active() || synced) throw;
      sync(std::current_exception());
    }
    if (mpi.active() && !synced) sync(nullptr);
  };

  if (!o->metrics.empty()) {
    MetricsRun mr;
    guarded([&] {
      if (!mpi.active()) {
        mr = run_metrics(plan, split_metric_list(o->metrics), ro);
        return;
      }
      mr = run_metrics(plan, split_metric_list(o->metrics), ro, [&](std::vector<std::vector<double>>& values) {
        sync(nullptr);
        for (auto& v : values) mpi.gather(v);
        return root;
      });
    });
    if (!root) return 0;
    if (o->format == "json") std::cout << metrics_json(plan, mr).dump(2) << "\n";
    else print_metrics(std::cout, plan, mr, parse_lang(o->lang));
    return 0;
  }
  ro.keep_paths = o->keep_paths;
  ro.keep_inputs = o->keep_inputs || has_report;  // the report's scatter plots need them
  ro.progress = !mpi.active() && isatty(fileno(stderr)) != 0;
  RunResult result;
  if (!root) {
    RunPart part;
    guarded([&] { part = run_part(plan, ro); });
    mpi.send_run_part(part);
    return 0;
  }
  guarded([&] {
    if (!mpi.active()) {
      result = run_monte_carlo(plan, ro);
      return;
    }
    int next_rank = 1;
    result = run_with_parts(plan, ro, [&](RunPart& part) {
      if (!synced) sync(nullptr);
      if (next_rank >= mpi.size()) return false;
      part = mpi.recv_run_part(next_rank++);
      return true;
    });
  });
  if (ro.jit == JitMode::on && !result.jit.used)  // asked for: say why it did not happen
    std::cerr << "note: --jit on: " << result.jit.note << "; the interpreter ran\n";
  if (!result.warnings.empty())  // the JSON keeps them in English; the terminal follows --lang
    for (const auto& w : o->lang == "en" ? result.warnings : scenario_warnings(plan, parse_lang(o->lang)))
      std::cerr << o->file << (o->lang == "en" ? ": warning: " : " : avertissement : ") << w << "\n";
  if (has_out) {
    // inputs kept for the report only are not written (inputs.csv needs --keep-inputs)
    std::vector<double> report_inputs;
    if (!o->keep_inputs) report_inputs.swap(result.kept_inputs);
    write_run_outputs(o->out_dir, plan, result, &sc, parse_lang(o->lang));
    if (!o->keep_inputs) report_inputs.swap(result.kept_inputs);
    if (!xlsx_available())
      std::cerr << (o->lang == "en" ? "note: no .xlsx written: this amorce was built without libxlsxwriter\n"
                                    : "note : pas de classeur .xlsx : cet amorce a été compilé sans libxlsxwriter\n");
  }
  if (has_report) write_report_file(o->report, o->file, sc, plan, result, o->lang, "");
  if (o->format == "json") std::cout << run_summary_json(plan, result).dump(2) << "\n";
  else print_run_summary(std::cout, plan, result, parse_lang(o->lang));
  return 0;
}

}  // namespace

Command add_run_command(CLI::App& app) {
  auto o = std::make_shared<RunCommandOpts>();
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
            // one process, or one rank of `mpirun -n R amorce run` (docs/portfolio.md): every rank
            // loads the scenario and simulates its range of blocks; rank 0 merges them in block
            // order, then alone prints and writes (byte-identical to one process)
            MpiSession mpi;
            const bool root = mpi.rank() == 0;
            try {
              return run_command(*o, oout->count() > 0, oreport->count() > 0, mpi);
            } catch (const RemoteFailure& f) {
              // another rank failed: rank 0 says which and why; the others leave quietly
              if (root && !f.message.empty()) std::cerr << f.message << "\n" << std::flush;
              mpi.barrier();
              return f.exit_code;
            }
          }};
}

}  // namespace amorce::cli
