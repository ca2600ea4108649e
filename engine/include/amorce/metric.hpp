#pragma once
/// Metrics for the funder's-questions drivers (sensitivity, stress, solve, compare).
///
/// A *path metric* is one number per path:
///   - an indicator:            `min_cash`, `breakeven_month`, `funding_need`, `shortfall`...
///   - a fiscal-year figure:    `net_result[2028]` (year label) or `net_result[0]` (year index)
///   - a line or series at a month: `cash@35`, `cash@2029-06`, `cash@end`, `coworkers@12`
///   - summed over the horizon: `sum(revenue)`, `sum(cafe)`
/// A *statistic* summarises a path metric over the paths:
///   `prob(shortfall)`, `prob(min_cash < 0)`, `mean(npv)`, `sd(cash_end)`,
///   `quantile(breakeven_month, 0.8)`, `median(x)`, `p90(funding_need)`.
/// Paths that never reach breakeven count as month `horizon` (censored at the horizon).
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "amorce/evaluate.hpp"
#include "amorce/ledger.hpp"
#include "amorce/plan.hpp"
#include "amorce/results.hpp"
#include "amorce/run.hpp"

namespace amorce {

enum class MetricSource { indicator, figure, line_at, hist_at, line_sum, hist_sum };

/// One number per path.
struct PathMetric {
  MetricSource source = MetricSource::indicator;
  Indicator indicator = Indicator::min_cash;
  Figure figure = Figure::net_result;
  int year = 0;
  Line line = Line::cash;
  int hist = -1;
  int month = 0;
  std::string text;
  /// Value given to paths where the quantity is absent (NaN): the horizon for breakeven
  /// indicators ("not within the horizon"), NaN otherwise.
  double censor_value = std::numeric_limits<double>::quiet_NaN();
};

enum class Stat { none, prob, mean, sd, quantile };
enum class Cmp { truthy, lt, le, gt, ge, eq, ne };

/// A path metric, optionally summarised by a statistic.
struct Metric {
  std::string text;
  PathMetric path;
  Stat stat = Stat::none;
  Cmp cmp = Cmp::truthy;  ///< prob(): the event tested on each path
  double threshold = 0;
  double q = 0.5;  ///< quantile(): probability level in (0,1)
  bool is_statistic() const { return stat != Stat::none; }
};

/// Parses a metric; throws std::invalid_argument with the list of valid names on error.
Metric parse_metric(const std::string& text, const Plan& plan);

/// Per-path values of the metric for a simulated block (n values): the path metric, or for
/// prob() the 0/1 outcome of the event. Censored paths get PathMetric::censor_value.
void metric_values(const Metric& m, const BlockState& st, const Ledger& ledger, const PathResults& results,
                   double* out);

/// A block hook writing metric_values into out[first + i] (out must be sized to the paths).
std::function<void(const BlockState&, const Ledger&, const PathResults&, std::uint64_t)> metric_hook(
    const Metric& m, std::vector<double>* out);

/// A Monte Carlo estimate with its standard error (iid formula: conservative under LHS).
struct Estimate {
  double value = std::numeric_limits<double>::quiet_NaN();
  double se = std::numeric_limits<double>::quiet_NaN();
  std::uint64_t n = 0;  ///< paths used (NaN values excluded)
};

/// The metric's statistic over per-path values (a path metric without statistic: its mean).
Estimate estimate_metric(const Metric& m, const std::vector<double>& per_path);

/// Runs the Monte Carlo engine with the metric hook; per-path values in path order.
std::vector<double> run_metric(const Plan& plan, const Metric& m, RunOptions options, RunResult* result = nullptr);

/// "prob(shortfall) <= 0.1", "mean(min_cash) >= 0".
struct Target {
  std::string text;
  Metric metric;
  Cmp cmp = Cmp::le;
  double value = 0;
};
Target parse_target(const std::string& text, const Plan& plan);
bool compare_values(double x, Cmp cmp, double v);
const char* cmp_text(Cmp c);

/// Month of "35", "2029-06" or "end" for a plan; throws std::invalid_argument.
int parse_month(const std::string& s, const Plan& plan);

}  // namespace amorce
