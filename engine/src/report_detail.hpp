#pragma once
// The report's internals shared by its source files (not a public header): formatting and
// escaping helpers (report_format.cpp), and the context a section is written in, so that a
// section can live in its own file (report_sections_*.cpp) and be added to the page by one
// line in report.cpp's render().
#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "amorce/base_case.hpp"
#include "amorce/plan.hpp"
#include "amorce/report.hpp"
#include "amorce/run.hpp"
#include "amorce/scenario.hpp"

namespace amorce::report_detail {

inline constexpr const char* kNarrowNbsp = "\xE2\x80\xAF";  // U+202F, French thousands separator
inline constexpr const char* kNbsp = "\xC2\xA0";            // U+00A0, before € and %
inline constexpr const char* kDash = "\xE2\x80\x94";        // em dash: value that does not exist

/// The page's language: t_("français", "English").
struct Tr {
  bool fr = true;
  std::string operator()(const char* f, const char* e) const { return fr ? f : e; }
};

std::string group_digits(double x, const std::string& sep);
/// 0.123 -> "12,3 %" (fr) / "12.3%" (en); "—" for NaN.
std::string fmt_pct(double p, bool fr, int decimals = 1);
std::string fmt_dec(double v, bool fr, int decimals);
/// A parameter as it reads: plain numbers grouped, expressions kept as written.
std::string fmt_param(const std::string& text, bool fr);
/// A value of an input: euros-like magnitudes grouped, small values with 3 significant digits.
std::string fmt_value(double v, bool fr);
/// HTML text escaping.
std::string esc(const std::string& s);
/// JSON inside <script type="application/json">: no "<", ">" or "&" can end the element.
std::string json_island(const nlohmann::json& j);
/// JavaScript inside <script>: "</script" and "<!--" cannot appear literally.
std::string inline_script(std::string_view js);
std::string read_file(const std::filesystem::path& p, bool* ok);
/// "YYYY-MM-DD", local time.
std::string today();

/// The charting library's three bundles.
struct Assets {
  std::string vega, vega_lite, vega_embed;
  std::string where;
};
bool load_assets(Assets& a, std::string* why);

/// What a section is written from, and where its charts go: figure() registers a Vega-Lite
/// specification (drawn by report.js) and returns the <figure> element.
struct SectionContext {
  const Scenario& sc;
  const Plan& plan;
  const RunResult& run;
  const BaseCase& base;
  const ReportOptions& options;
  Tr t;
  nlohmann::json& charts;

  bool fr() const { return t.fr; }
  std::size_t paths() const { return static_cast<std::size_t>(run.paths()); }
  std::string figure(const std::string& id, nlohmann::json spec, const std::string& title, const std::string& caption) const;
};

/// The charts' shared configuration (fonts, axes, legend).
nlohmann::json chart_config();

// Sections written in their own files: "" when they have nothing to show.
/// report_sections_drivers.cpp: the key indicators at the run's percentiles (--percentiles).
std::string percentiles_section(const SectionContext& c);
/// report_sections_drivers.cpp: scatter plots of the top drivers against the chosen metric,
/// shortfall paths highlighted (needs the run's kept inputs).
std::string drivers_section(const SectionContext& c);

}  // namespace amorce::report_detail
