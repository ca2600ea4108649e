#pragma once
/// Time-resolved sensitivity (`amorce sensitivity --over-time --metric cash`): for every
/// month, the share of the variance of a monthly line or series due to each input
/// (docs/sensitivity.md). One design serves every month: each model run keeps the whole
/// monthly column, so the cost is that of one scalar analysis.
///  - sobol:       first-order (Saltelli 2010) and total (Jansen) indices per month on the
///                 pick-freeze design of sobol_design.hpp (groups drawn with their copula).
///  - correlation: Spearman and SRRC per month from one Monte Carlo run (correlated model).
#include <iosfwd>
#include <string>
#include <vector>

#include "amorce/messages.hpp"

#include <nlohmann/json.hpp>

#include "amorce/plan.hpp"
#include "amorce/sensitivity.hpp"

namespace amorce {

/// Per-month indices, arrays [month * factors + factor]; NaN where undefined (a month whose
/// value does not vary over the design: 0/0).
struct SensitivityOverTime {
  std::string method, metric, scenario;
  std::vector<std::string> months;  ///< "YYYY-MM", one per month of the horizon
  std::vector<std::string> factors;
  std::vector<std::vector<std::string>> members;
  long long n = 0, model_runs = 0;
  std::vector<double> mean, variance;  ///< per month, over the design's runs (A and B pooled for sobol)
  // sobol
  std::vector<double> first_order, first_lo, first_hi, total, total_lo, total_hi;
  std::vector<double> sum_first_order;  ///< per month
  // correlation
  std::vector<double> spearman, srrc;
  std::vector<double> r2;  ///< per month
  std::vector<std::string> warnings, notes;

  std::size_t month_count() const { return months.size(); }
  std::size_t factor_count() const { return factors.size(); }
  double at(const std::vector<double>& v, std::size_t month, std::size_t factor) const { return v[month * factors.size() + factor]; }
};

/// `line` names a monthly line ("cash", "revenue"...) or series; options.method is sobol or
/// correlation (std::invalid_argument otherwise, and for a metric that is not monthly).
SensitivityOverTime run_sensitivity_over_time(const Plan& plan, const std::string& line, const SensitivityOptions& options);

/// Schema in docs/json-schema.md ("sensitivity --over-time").
nlohmann::json sensitivity_over_time_json(const SensitivityOverTime& r);

/// Long CSV: one row per (month, factor).
std::string sensitivity_over_time_csv(const SensitivityOverTime& r);

/// Compact table: the leading factors at a few months (the JSON / CSV has every month).
/// In `lang`, factors named by the scenario's `label:` and `unit:` (name in brackets) when `sc` is given.
void print_sensitivity_over_time(std::ostream& os, const SensitivityOverTime& r, Lang lang = Lang::fr,
                                 const Scenario* sc = nullptr);

}  // namespace amorce
