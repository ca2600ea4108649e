#pragma once
/// The report's chart "what drives cash, month by month" (`amorce report
/// --sensitivity-over-time sobol|correlation`): a stacked area of each input's share of the
/// variance of cash, month by month (docs/report.md). Kept apart from report.cpp: the report
/// only places the figure (ReportOptions::sensitivity_over_time).
#include <string>

#include <nlohmann/json.hpp>

#include "amorce/plan.hpp"
#include "amorce/run.hpp"
#include "amorce/sensitivity_over_time.hpp"

namespace amorce {

/// The chart's data block: {"method", "metric", "n", "model_runs", "rows": [{"date",
/// "month", "factor", "label", "share", "order"}]}: for sobol the first-order index of the
/// leading factors (clamped to [0, 1]), the others summed, and "interactions" = 1 - sum; for
/// correlation SRRC^2 and "not explained" = 1 - R2. Months without variance are left out.
nlohmann::json sensitivity_over_time_block(const Plan& plan, const SensitivityOverTime& r, bool fr, std::size_t leading = 6,
                                           const Scenario* sc = nullptr);

/// Runs the time-resolved sensitivity of cash for the report (bootstrap off: the chart
/// shows point estimates) and returns its block.
/// Factors are labelled with the scenario's `label:` and `unit:` when `sc` is given.
nlohmann::json report_sensitivity_over_time(const Plan& plan, const std::string& method, const RunOptions& run, bool fr,
                                           const Scenario* sc = nullptr);

struct ReportFigureSpec {
  std::string id, title, caption_html;
  nlohmann::json spec;  ///< Vega-Lite, without "config" (the report adds its own)
};

/// The stacked area chart of a block.
ReportFigureSpec sensitivity_over_time_figure(const nlohmann::json& block, bool fr);

}  // namespace amorce
