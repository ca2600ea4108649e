#pragma once
/// The funder's report: one self-contained HTML file (data, Vega-Lite chart specifications
/// and the vega / vega-lite / vega-embed bundles inline) that opens offline from an email
/// attachment. The JavaScript is embedded into the library at build time (report/assets.cmake);
/// see docs/report.md.
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "amorce/base_case.hpp"
#include "amorce/plan.hpp"
#include "amorce/run.hpp"
#include "amorce/scenario.hpp"

namespace amorce {

/// The report cannot be produced (charting library not embedded in this build...).
class ReportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ReportOptions {
  std::string lang = "fr";       ///< "fr" or "en"
  std::string scenario_file;     ///< shown in the header; its bytes are hashed (SHA-256)
  std::string date;              ///< "YYYY-MM-DD" shown in the header; "" = today (local time)
  /// Sensitivity requested on the command line ("" = not requested) and its results:
  /// {"method", "metric", "kind": "interval" | "index",
  ///  "items": [{"name", "label", "low", "high"} | {"name", "label", "value", "ci_low", "ci_high"}]}
  /// (interval: the metric's value with the input at its P5 / P95; index: a Sobol index with its
  /// confidence interval). Null when not computed; `sensitivity_note` then says why.
  std::string sensitivity_method;
  /// Per-path indicator the drivers' scatter plots show against the inputs (needs a run with
  /// RunOptions::keep_inputs; without it the section is left out).
  std::string scatter_metric = "min_cash";
  nlohmann::json sensitivity;
  std::string sensitivity_note;
  /// `--sensitivity-over-time`: the block of report_sensitivity_over_time (report_sensitivity_time.hpp); null = none.
  nlohmann::json sensitivity_over_time;
};

/// True when the charting library is available (embedded at build time, or found in the
/// directory named by the AMORCE_ASSET_DIR environment variable); else `why` says what to do.
bool report_assets_available(std::string* why = nullptr);

/// The HTML report of a Monte Carlo run and the base case of the same plan.
/// Throws ReportError when the charting library is missing.
std::string render_report(const Scenario& sc, const Plan& plan, const RunResult& run, const BaseCase& base,
                          const ReportOptions& options);

/// render_report written atomically to `path`.
void write_report(const std::string& path, const Scenario& sc, const Plan& plan, const RunResult& run,
                  const BaseCase& base, const ReportOptions& options);

/// Lower-case hex SHA-256 of `bytes` (FIPS 180-4).
std::string sha256_hex(const std::string& bytes);

/// "12 345 €" (fr: narrow no-break space between thousands, no-break space before €) or
/// "€12,345" (en); "—" for NaN.
std::string format_money(double v, const std::string& lang);

}  // namespace amorce
