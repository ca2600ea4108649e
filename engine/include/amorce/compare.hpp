#pragma once
/// Side-by-side comparison of scenarios or variants with common random numbers: every run
/// uses the same seed and path count, so an input of the same name gets the same draws in
/// each, and per-path (paired) differences measure the effect of the change, not noise.
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "amorce/metric.hpp"
#include "amorce/messages.hpp"
#include "amorce/plan.hpp"

namespace amorce {

struct CompareOptions {
  long long paths = 10000;
  std::uint64_t seed = 42;
  int threads = 0;
  Sampling sampling = Sampling::lhs;
  int bootstrap = 100;  ///< resamples for the error of quantile differences
};

/// One compared run: a label ("garage.yaml:pessimistic", "subsidies +6 months") and its plan.
/// A candidate whose plan could not be built carries the error instead.
struct Candidate {
  std::string label, description;
  Plan plan;
  std::string error;
};

/// A key figure of one run and its difference with the reference (first) run.
struct KeyFigure {
  Estimate value;  ///< estimate and its Monte Carlo standard error
  Estimate diff;   ///< paired difference with the reference run (NaN for the reference)
  bool never = false;       ///< censored quantile: not reached within the horizon
  bool diff_never = false;  ///< the difference involves a "never"
};

/// Names of the key figures, in order.
const std::vector<std::string>& key_figure_names();
/// Human labels of the key figures (same order).
const std::vector<std::string>& key_figure_labels();

struct CompareRow {
  std::string label, description, error;
  std::vector<KeyFigure> figures;  ///< same order as key_figure_names()
  int horizon = 0;
};

struct Comparison {
  long long paths = 0;
  std::uint64_t seed = 0;
  std::vector<CompareRow> rows;  ///< rows[0] is the reference
  std::vector<std::string> warnings;
};

/// Runs every candidate with the same seed and paths; differences against candidates[0].
Comparison compare_plans(const std::vector<Candidate>& candidates, const CompareOptions& options);

nlohmann::json comparison_json(const Comparison& c);
/// Scenarios side by side (one column per run).
void print_comparison(std::ostream& os, const Comparison& c, Lang lang = Lang::fr);
/// Stress-test layout: one row per run, P(shortfall), funding need P90, breakeven P50 and changes.
void print_stress_table(std::ostream& os, const Comparison& c, const std::string& title, Lang lang = Lang::fr);

}  // namespace amorce
