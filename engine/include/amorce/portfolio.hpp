#pragma once
/// A funder's portfolio: many projects (each a scenario) simulated path by path with shared
/// shocks (inputs drawn once per path for every project) and a one-factor Gaussian copula on
/// chosen inputs, so the funder sees how many projects fall short of cash together and what
/// its loans and guarantees could lose (docs/portfolio.md states the model).
///
/// Stages: load_portfolio (YAML, portfolio_load.cpp) -> compile_portfolio (each project's
/// scenario loaded and compiled with the shocks it uses injected) -> simulate_portfolio over a
/// range of path blocks (one process, or one MPI rank) -> PortfolioColumns concatenated in
/// block order -> summarize_portfolio. A path's numbers depend only on (seed, project, input,
/// path), so any split of the blocks over ranks and threads gives byte-identical results.
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "amorce/plan.hpp"
#include "amorce/scenario.hpp"

namespace amorce {

/// What the funder has at stake in one project.
struct Exposure {
  double loan = 0;             ///< loan outstanding from the funder (EUR)
  double guaranteed_loan = 0;  ///< bank loan the funder guarantees (EUR)
  double guarantee_share = 0;  ///< share of it guaranteed, in [0, 1]
  double grant = 0;            ///< grant committed, not yet paid (EUR): at risk, not a loss
};

struct PortfolioProject {
  std::string name;      ///< unique; default: the scenario file's stem
  std::string scenario;  ///< path, resolved against the portfolio file's directory
  std::string variant;   ///< "" = none
  Exposure exposure;
  double recovery = 0;   ///< share of loan and guarantee recovered after a default, [0, 1]
  /// Bridge financing arranged (overdraft, bridge loan, EUR): the project is in shortfall (and
  /// defaults on the funder) when its funding need exceeds it. Default 0: any negative cash.
  double bridge = 0;
  bool has_seed = false;
  std::uint64_t seed = 0;  ///< explicit stream seed of the project's own inputs
  SourcePos pos;
};

/// One rule of the common economic factor: `input` of the listed projects (all projects that
/// draw it once per path when the list is empty) is driven by the factor with this loading.
struct FactorRule {
  std::string input;
  double loading = 0;  ///< in [-1, 1]: z = w Z + sqrt(1 - w^2) eps
  std::vector<std::string> projects;
  std::vector<SourcePos> project_pos;
  SourcePos pos;
};

struct PortfolioSpec {
  std::string file, name, description;
  SimulationDefaults simulation;
  std::vector<PortfolioProject> projects;
  std::vector<Input> shocks;  ///< same syntax as a scenario's `inputs` (laws), once per path
  std::string factor_name = "economy";
  std::vector<FactorRule> factor;
  int pairs = 10;  ///< riskiest projects whose pairwise joint shortfall is reported
};

/// Bounds of a portfolio file (beyond: an error at load, with the position).
struct PortfolioLimits {
  static constexpr std::size_t max_projects = 10000;
  static constexpr std::size_t max_shocks = 200;
  static constexpr std::size_t max_factor_rules = 2000;
  static constexpr int max_pairs = 50;
  static constexpr std::size_t max_file_bytes = 4 << 20;
};

/// Reads and validates a portfolio file (every error with file:line:column; unknown keys
/// rejected with a suggestion). Scenario files are not opened here.
PortfolioSpec load_portfolio(const std::string& path);
PortfolioSpec load_portfolio_text(const std::string& yaml_text, const std::string& file_name);

/// A project ready to simulate.
struct PortfolioMember {
  PortfolioProject spec;
  Plan plan;                  ///< the scenario with the shocks it uses injected as inputs
  std::uint64_t seed = 0;     ///< stream seed of its own inputs (reported: `amorce run --seed`)
  std::vector<std::string> shocks_used;
  std::vector<std::pair<int, int>> shock_rows;     ///< (uniform row, shock index)
  std::vector<std::pair<int, double>> factor_rows;  ///< (uniform row, loading)
  double loss_given_shortfall = 0;  ///< (loan + share x guaranteed loan) x (1 - recovery)
  /// Uses a shock or the factor: otherwise its "shocks off" run is its shared run.
  bool systemic() const { return !shock_rows.empty() || !factor_rows.empty(); }
};

struct Portfolio {
  PortfolioSpec spec;
  std::vector<PortfolioMember> members;
  std::vector<std::uint64_t> shared_keys;  ///< stream keys: shocks drawn once per path, then the factor
  std::vector<int> shock_shared_row;       ///< per shock: row in the shared uniforms, -1 when fixed
  int factor_row = -1;                     ///< row of the factor, -1 without factor
};

/// Loads every project's scenario (relative to the portfolio file) and compiles it with the
/// shocks it names; errors name the project and the file:line:column.
Portfolio compile_portfolio(const PortfolioSpec& spec);

/// Stream seed of a project's own inputs: splitmix64(seed + FNV-1a(name)), unless set.
std::uint64_t project_seed(std::uint64_t seed, const std::string& project_name);

/// Paths per block of the portfolio (a multiple of 64: shortfall flags are bit columns).
inline constexpr std::size_t kPortfolioBlock = 512;
inline constexpr std::size_t kPortfolioWords = kPortfolioBlock / 64;

struct PortfolioRunOptions {
  long long paths = 10000;
  std::uint64_t seed = 42;
  Sampling sampling = Sampling::lhs;
  int threads = 0;  ///< 0 = all cores
  /// Called on the calling thread about every 200 ms with the blocks finished so far.
  std::function<void(std::size_t done)> progress;
};

inline std::size_t portfolio_blocks(long long paths) {
  return (static_cast<std::size_t>(paths) + kPortfolioBlock - 1) / kPortfolioBlock;
}

/// Per-path results of a range of blocks, for the shocks on (mode 0) and off (mode 1).
/// Everything is block-major, so the columns of consecutive ranges concatenate in block order.
struct PortfolioColumns {
  std::size_t block_begin = 0, block_end = 0;
  std::vector<std::uint64_t> flags[2];    ///< [block][project][word]: shortfall bits
  std::vector<double> funding[2];         ///< [path]: total funding need of the portfolio
  std::vector<double> project_funding[2]; ///< [block][project]: sum of the project's funding need
  std::size_t blocks() const { return block_end - block_begin; }
  /// Appends the next range (its block_begin must be this block_end).
  void append(const PortfolioColumns& next);
};

/// Bytes of the columns of a whole run (checked against kMaxMemoryBytes before anything runs).
double portfolio_memory_bytes(std::size_t projects, long long paths);

/// Simulates blocks [block_begin, block_end) on a thread pool. Throws DomainError as a run does.
PortfolioColumns simulate_portfolio(const Portfolio& pf, const PortfolioRunOptions& opt, std::size_t block_begin,
                                    std::size_t block_end);

/// Loss statistics of one mode.
struct LossStats {
  double expected = 0, var95 = 0, var99 = 0, es95 = 0, es99 = 0;
  std::vector<double> contrib95, contrib99;  ///< Euler allocation of es95 / es99 per project
};

struct PortfolioModeResult {
  std::vector<std::uint64_t> count_hist;  ///< [k]: paths with k projects in shortfall
  std::vector<std::uint64_t> shortfalls;  ///< [project]: paths in shortfall
  std::vector<double> funding_mean;       ///< [project]
  double funding_total_mean = 0, funding_p50 = 0, funding_p90 = 0, funding_p99 = 0, funding_max = 0;
  double count_mean = 0, count_p50 = 0, count_p90 = 0, count_p99 = 0;
  double grants_mean = 0, grants_p99 = 0;
  LossStats loss;
  std::vector<int> riskiest;                ///< project indices (most likely in shortfall first)
  std::vector<std::uint64_t> joint;         ///< [i * riskiest + j]: paths with both in shortfall
};

struct PortfolioResult {
  long long paths = 0;
  std::uint64_t seed = 0;
  Sampling sampling = Sampling::lhs;
  PortfolioModeResult on, off;  ///< shocks on (shared) / off (each project its own draws)
  double seconds = 0;
  int ranks = 1, threads = 1;
};

/// Statistics of the full columns (blocks [0, portfolio_blocks(paths))).
PortfolioResult summarize_portfolio(const Portfolio& pf, const PortfolioRunOptions& opt, const PortfolioColumns& all);

/// Discrete VaR and ES of losses at level alpha (docs/portfolio.md): VaR = the ceil(alpha N)-th
/// smallest loss; ES = mean of the worst (1 - alpha) N paths, paths tied at VaR sharing the
/// remaining weight. `weights` (per path) let the Euler allocation apply the same weights to
/// each project's loss, so the contributions sum to ES.
void value_at_risk(const std::vector<double>& loss, double alpha, double& var, double& es,
                   std::vector<double>* weights = nullptr);

/// The summary as JSON (docs/json-schema.md): no timing, so it is byte-identical on any split.
nlohmann::json portfolio_json(const Portfolio& pf, const PortfolioResult& r);
/// The table a funder's committee reads (French labels, like `run`).
void print_portfolio(std::ostream& os, const Portfolio& pf, const PortfolioResult& r);
/// portfolio.json and projects.csv in `dir`, as one set (atomic_file.hpp).
void write_portfolio_outputs(const std::string& dir, const Portfolio& pf, const PortfolioResult& r);

/// The portfolio section of the funder's report: a self-contained HTML page (French), no script.
std::string render_portfolio_report(const Portfolio& pf, const PortfolioResult& r);
/// render_portfolio_report written atomically to `path`.
void write_portfolio_report(const std::string& path, const Portfolio& pf, const PortfolioResult& r);

}  // namespace amorce
