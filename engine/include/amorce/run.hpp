#pragma once
/// Monte Carlo runs: the Plan evaluated over blocks of paths on a thread pool, folded into
/// mergeable statistics in block order so the same seed gives bit-identical results on any
/// number of threads. Memory is bounded by block size and the statistics kept.
#include <functional>
#include <iosfwd>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "amorce/evaluate.hpp"
#include "amorce/jit.hpp"
#include "amorce/ledger.hpp"
#include "amorce/messages.hpp"
#include "amorce/plan.hpp"
#include "amorce/prune.hpp"
#include "amorce/results.hpp"
#include "amorce/stats.hpp"

namespace amorce {

struct RunOptions {
  long long paths = 10000;
  std::uint64_t seed = 42;
  int threads = 0;  ///< 0 = all cores
  Sampling sampling = Sampling::lhs;
  bool keep_paths = false;  ///< keep every path's monthly cash
  bool keep_inputs = false; ///< keep every path's sampled inputs (RunResult::kept_inputs)
  /// false: a metrics-only run (drivers, `run --metrics`): only the per-path indicators and
  /// the block hook; no monthly bands, fiscal-year statistics, checks, negative-cash counts
  /// or warnings, which are ~40 % of a full run and which no metric reads.
  bool summary = true;
  /// What the run must produce beyond the summary (prune.hpp): the Plan is pruned to it.
  /// Unset: what the summary reads (summary = true), or every indicator (summary = false);
  /// and everything when a block_hook is set, since the hook may read any line.
  std::optional<Demand> demand;
  bool progress = false;    ///< progress bar on stderr
  std::size_t sketch_k = 2048;
  /// Quantiles of the monthly bands and fiscal-year figures are taken over paths
  /// [0, band_paths) (all paths when fewer; 0 = all paths): a fixed, deterministic subsample,
  /// so past it a value costs nothing (no sketch insertion, no sort). Means, standard
  /// deviations and every indicator use all paths. Accuracy: docs/json-schema.md.
  long long band_paths = 32768;

  /// Designed samples (sensitivity drivers): fills the per-path uniforms of paths
  /// [first, first + n) instead of the sampling method; rows follow Plan::uniform_names
  /// (inputs sorted by name), out[row * n + k]. Must be thread-safe and depend only on its
  /// arguments. `each: month` inputs and `granted` draws keep their streams (common random numbers).
  std::function<void(std::uint64_t first, std::size_t n, double* out)> uniform_source;

  /// Every input at its base value, except the rows flagged here (size = uniform rows),
  /// which take quantile(uniform) from the sampler or uniform_source (tornado, OAT designs).
  bool base_case = false;
  std::vector<char> rows_from_uniforms;

  /// Called by worker threads for every block once simulated (paths [first, first + n)):
  /// lets drivers extract per-path metrics. Must only write to its own path range.
  std::function<void(const BlockState& st, const Ledger& ledger, const PathResults& results, std::uint64_t first)>
      block_hook;

  /// Polled by the workers before each block (any thread): true stops the run, which then throws
  /// RunCancelled. The what-if server (serve.hpp) cancels a run superseded by a newer request.
  std::function<bool()> cancelled;

  /// A run split across processes (MPI ranks, run_part.hpp): this process simulates only share
  /// `share_index` of `share_count` contiguous ranges of blocks (RunResult::path_begin/path_end).
  int share_index = 0, share_count = 1;
  /// Called on the calling thread about every 50 ms with the paths this process has finished
  /// (progress of a run across processes, shown by rank 0).
  std::function<void(std::size_t paths_done)> on_progress;
  /// The monthly program compiled to native code (jit.hpp): same numbers, less time on
  /// large runs. auto: from kJitMinPaths paths when a compiler is found.
  JitMode jit = JitMode::automatic;
};

/// A run stopped by RunOptions::cancelled: not an error of the input, nothing is returned.
class RunCancelled : public std::runtime_error {
 public:
  RunCancelled() : std::runtime_error("run cancelled") {}
};

/// Statistics of a run. Per-path columns are kept for the path indicators (exact quantiles,
/// bindings, sensitivity); fiscal-year figures and monthly series use mergeable sketches.
struct RunResult {
  RunOptions options;
  int threads_used = 1;
  std::size_t block_size = 0;
  double seconds = 0;
  std::vector<FiscalYear> years;
  std::vector<double> indicators;  ///< [indicator][path]
  std::vector<Moments> figure_moments;         ///< [figure * years + year]
  std::vector<QuantileSketch> figure_sketches; ///< [figure * years + year]
  std::vector<std::uint64_t> check_breaches;   ///< [check]: paths breaking it in some year
  std::vector<std::uint64_t> check_year_breaches, check_year_applicable;  ///< [check * years + year]
  std::vector<std::string> series_names;
  std::vector<SeriesBands> series;
  std::vector<std::uint64_t> negative_cash;  ///< [month]: paths with cash < 0
  std::vector<double> kept_cash;             ///< [path][month] when keep_paths
  /// keep_inputs: the value every once-per-path sampled input took on each path,
  /// [input][path], inputs in Plan::uniform_names order (`each: month` inputs are not kept:
  /// they change every month).
  std::vector<double> kept_inputs;
  std::vector<std::string> warnings;         ///< valid but suspicious scenario (warnings.hpp)
  PlanWork work;                             ///< what the pruned Plan computed (prune.hpp)
  /// Paths this process simulated: all of them unless RunOptions::share_count > 1 (the per-path
  /// columns are then filled only there).
  std::size_t path_begin = 0, path_end = 0;
  JitStatus jit;                             ///< whether the compiled monthly program ran

  long long paths() const { return options.paths; }
  const double* kept_input(std::size_t row) const {
    return kept_inputs.data() + row * static_cast<std::size_t>(options.paths);
  }
  const double* indicator(Indicator k) const {
    return indicators.data() + static_cast<std::size_t>(k) * static_cast<std::size_t>(options.paths);
  }
};

/// Slot holding the value of sampled input `name` (the destination of its sample
/// instruction), -1 when there is none.
int sampled_input_slot(const Plan& plan, const std::string& name);

/// Block size used for a plan: a function of the scenario only (never of the thread count).
std::size_t block_size_for(const Plan& plan);

RunResult run_monte_carlo(const Plan& plan, const RunOptions& options);

/// Memory every driver bounds before it starts (run, sensitivity, stress, solve, compare,
/// report): the per-path results and designs grow with the number of paths.
constexpr double kMaxMemoryBytes = 4.0 * 1024 * 1024 * 1024;

/// Bytes one Monte Carlo run of `paths` keeps (per-path indicator columns, a metric column,
/// the kept cash with keep_paths).
double run_memory_bytes(const Plan& plan, long long paths, bool keep_paths, bool keep_inputs = false);

/// Throws std::invalid_argument when `bytes` exceed kMaxMemoryBytes, before anything is
/// allocated: "`what` would need X GiB of memory (limit 4 GiB): lower `lower`".
void check_memory(double bytes, const std::string& what, const std::string& lower);

/// The full summary (schema in docs/json-schema.md).
nlohmann::json run_summary_json(const Plan& plan, const RunResult& r);

/// The ten-second summary a project officer reads, in `lang` (labels, then the indicator's
/// name in brackets).
void print_run_summary(std::ostream& os, const Plan& plan, const RunResult& r, Lang lang = Lang::fr);

/// inputs.csv of a run with keep_inputs: `path`, then one column per kept input.
std::string inputs_csv(const Plan& plan, const RunResult& r);

/// summary.json, monthly.csv, annual.csv, indicators.csv, cash_plan.csv (paths.csv with
/// keep_paths, inputs.csv with keep_inputs) and NAME.xlsx when the build has libxlsxwriter,
/// in `dir`, as one atomic set.
/// `sc` (optional) gives the workbook its assumptions sheet; `lang` is the workbook's language.
void write_run_outputs(const std::string& dir, const Plan& plan, const RunResult& r, const Scenario* sc = nullptr,
                       Lang lang = Lang::fr);

}  // namespace amorce
