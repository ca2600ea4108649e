#pragma once
/// Goal seeking: the smallest (or, maximising, the largest) value of a fixed input that meets
/// a target such as "prob(shortfall) <= 0.1". Every evaluation is a Monte Carlo run with the
/// same seed (common random numbers), so the metric is a deterministic, in practice monotone,
/// function of the input. The answer is a value evaluated at the requested paths that meets
/// the target, next to one evaluated at the requested paths that fails, the two close enough
/// that the metric differs by no more than its standard error across them (the bracket is
/// inside the answer's Monte Carlo uncertainty: going further would only chase the noise of
/// one seed), or within --tol.
///
/// Multi-fidelity search (fidelity_levels: 100 000 paths -> 1 000, 6 250, 100 000):
///  1. at the coarsest size, the ends of the range (the top expanded while nothing meets the
///     target), then secant steps (regula falsi, Illinois; on the probit scale for a
///     probability, where a shifted, roughly normal quantity is linear) with a bisection
///     whenever the bracket does not halve in two steps, to that size's precision;
///  2. at each finer size, from the answer of the size below: first the crossing interpolated
///     in its final bracket, then toward the other side with the slope measured at the
///     coarser sizes, each step aimed a fraction of the noise width (se / slope) past the
///     predicted crossing, so that typically 2 to 4 runs at full size make the final bracket;
///  3. a step that would leave the search range, or a coarse search that ends at a bound (met
///     at the bottom, nothing met), falls back to the same search entirely at full size.
/// The sampled inputs draw the same uniforms at every evaluation (the varied input is a fixed
/// one): each size keeps them from its first run and later runs read them (bit-identical).
/// The metric at the input's current value is context, not the answer: it is taken at the
/// finest coarse size when that has kMinCurrentPaths paths (SolveResult::current_paths).
#include <cstdint>
#include <iosfwd>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "amorce/metric.hpp"
#include "amorce/messages.hpp"
#include "amorce/scenario.hpp"

namespace amorce {

struct SolveOptions {
  std::string input;   ///< a fixed input, or `opening_cash`
  std::string target;  ///< "prob(shortfall) <= 0.1"
  std::optional<double> min, max;  ///< search range; defaults from the input's value, expanded if needed
  bool maximise = false;
  double tolerance = 0;  ///< 0: stop at Monte Carlo precision (at most (max - min) / 10 000)
  int max_evaluations = 60;
  long long paths = 10000;
  std::uint64_t seed = 42;
  int threads = 0;
  Sampling sampling = Sampling::lhs;
  /// Search first at the coarse sizes of fidelity_levels(paths); false: every evaluation at `paths`.
  bool coarse = true;
};

struct SolveStep {
  double x = 0;
  Estimate metric;
  bool met = false;
  long long paths = 0;  ///< the evaluation's number of paths (coarse or full)
};

struct SolveResult {
  std::string input, target, scenario;
  bool found = false;
  double value = 0;   ///< the answer when found
  Estimate achieved;  ///< the metric at the answer
  double current = 0; ///< the input's value in the scenario
  Estimate at_current;
  double lo = 0, hi = 0, tolerance = 0;  ///< final search range
  /// Monte Carlo uncertainty of the answer: the metric's standard error divided by the local
  /// slope of the metric in the input (from the full-size evaluations when a pair of them
  /// resolves it, else from the coarser sizes, on the probit scale for a probability; NaN
  /// when the metric does not vary, e.g. deterministic).
  double uncertainty = std::numeric_limits<double>::quiet_NaN();
  bool stopped_at_precision = false;  ///< bisection stopped because the bracket was inside it
  bool maximise = false;
  std::string message;
  std::vector<SolveStep> steps;  ///< every evaluation, in order
  long long paths = 0;
  std::uint64_t seed = 0;
  std::vector<long long> levels;  ///< path counts of the search, coarsest first (fidelity_levels)
  long long current_paths = 0;  ///< paths of the run at the current value (at_current)
  int full_evaluations = 0;     ///< evaluations at `paths`
};

/// Smallest coarse search worth running: below it the coarse answer is too noisy to start from.
inline constexpr long long kMinCoarsePaths = 1000;
/// The metric at the input's current value (SolveResult::at_current) is taken at the finest
/// coarse size when it has at least this many paths, else at full size.
inline constexpr long long kMinCurrentPaths = 4000;
/// Path counts of the multi-fidelity search for `paths` per evaluation, coarsest first, the
/// last `paths`: each size is the next one / 16 (at least kMinCoarsePaths) while that is at
/// most a quarter of it. 100 000 -> {1 000, 6 250, 100 000}; 4 000 -> {1 000, 4 000}; 3 000 -> {3 000}.
std::vector<long long> fidelity_levels(long long paths);

/// The scenario with `input` set to the fixed value x (throws when the input is uncertain).
Scenario with_input(const Scenario& s, const std::string& input, double x);

SolveResult solve_input(const Scenario& s, const SolveOptions& options);

/// Monte Carlo uncertainty of an answer x: se / |slope|, the slope taken from the narrowest
/// pair of evaluations around x whose metrics differ by at least 2 se (else the widest pair);
/// NaN when se is 0 or the metric does not vary.
double answer_uncertainty(const std::vector<SolveStep>& steps, double x, double se);
/// Signed slope of the metric in the input from the narrowest pair of steps around x whose
/// metrics differ by at least 2 se; NaN when no pair does.
double resolved_slope(const std::vector<SolveStep>& steps, double x, double se);
nlohmann::json solve_json(const SolveResult& r);
/// With `sc`, the input is named by its `label:` and `unit:` (its name in brackets).
void print_solve(std::ostream& os, const SolveResult& r, Lang lang = Lang::fr, const Scenario* sc = nullptr);

}  // namespace amorce
