#pragma once
/// `amorce run --metrics LIST`: a Monte Carlo run that produces only the metrics asked for
/// (metric.hpp syntax: `shortfall`, `prob(min_cash < 0)`, `cash@2029-06`, `p90(funding_need)`),
/// each with its Monte Carlo standard error. It skips the summary's statistics (monthly
/// bands, fiscal-year sketches, checks), the form CI and scripts use.
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "amorce/messages.hpp"
#include "amorce/metric.hpp"
#include "amorce/run.hpp"

namespace amorce {

struct MetricsRun {
  std::vector<Metric> metrics;
  std::vector<Estimate> estimates;  ///< one per metric, same order
  RunOptions options;
  std::size_t block_size = 0;
  double seconds = 0;
};

/// Splits "shortfall, quantile(min_cash, 0.1)" at top-level commas (not inside brackets).
std::vector<std::string> split_metric_list(const std::string& list);

/// Parses every metric (std::invalid_argument naming the bad one) and runs once for all.
MetricsRun run_metrics(const Plan& plan, const std::vector<std::string>& metrics, RunOptions options);

/// A metrics run split across processes (options.share_count > 1, run_part.hpp): this process
/// simulates its share of the blocks, then `collect` gets each metric's values on the share's
/// paths and returns true on the process that estimates the metrics, its `values` then holding
/// every path's in path order (the others get no estimates). Same estimates as one process.
MetricsRun run_metrics(const Plan& plan, const std::vector<std::string>& metrics, RunOptions options,
                       const std::function<bool(std::vector<std::vector<double>>& values)>& collect);

nlohmann::json metrics_json(const Plan& plan, const MetricsRun& r);
void print_metrics(std::ostream& os, const Plan& plan, const MetricsRun& r, Lang lang = Lang::fr);

}  // namespace amorce
