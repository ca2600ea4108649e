// `amorce report FILE`: the funder's HTML report (a Monte Carlo run, the base case, charts).
#include <cstdio>
#include <stdexcept>
#include <fmt/format.h>
#include <iostream>
#include <unistd.h>

#include "amorce/atomic_file.hpp"
#include "amorce/base_case.hpp"
#include "amorce/compile.hpp"
#include "amorce/load.hpp"
#include "amorce/report.hpp"
#include "amorce/run.hpp"
#include "commands.hpp"

// The sensitivity driver (amorce/sensitivity.hpp) is another module: the report shows its bars
// when it is part of the build, and a clear "not available" note otherwise.
#if __has_include("amorce/sensitivity.hpp")
#include "amorce/metric.hpp"
#include "amorce/report_sensitivity_time.hpp"
#include "amorce/sensitivity.hpp"
#include "amorce/sensitivity_table.hpp"
#define AMORCE_REPORT_SENSITIVITY 1
#endif

namespace amorce::cli {

namespace {

#ifdef AMORCE_REPORT_SENSITIVITY
/// Sensitivity of `metric_text` by `method`, in the report's format (report.hpp).
nlohmann::json report_sensitivity(const Scenario& sc, const Plan& plan, const std::string& method, const std::string& metric_text,
                                  const RunOptions& ro, long long paths, bool fr) {
  Metric metric = parse_metric(metric_text, plan);
  SensitivityOptions so;
  if (method == "tornado") so.method = SensitivityMethod::tornado;
  else if (method == "correlation") so.method = SensitivityMethod::correlation;
  else if (method == "sobol") so.method = SensitivityMethod::sobol;
  else if (method == "morris") so.method = SensitivityMethod::morris;
  else throw std::invalid_argument("--sensitivity must be tornado, correlation, sobol or morris, not '" + method + "'");
  so.paths = paths;
  so.seed = ro.seed;
  so.threads = ro.threads;
  so.sampling = ro.sampling;
  SensitivityReport rep = run_sensitivity(plan, metric, so);
  label_sensitivity_rows(rep, sc);
  const bool money = !metric.is_statistic() || metric.stat == Stat::mean || metric.stat == Stat::quantile;
  nlohmann::json j = {{"method", method}, {"metric", metric_text}, {"items", nlohmann::json::array()}};
  // the scenario's label (and unit) first, the name after it
  auto label = [](const SensitivityRow& r) { return r.label.empty() || r.label == r.factor ? r.factor : r.label + " [" + r.factor + "]"; };
  if (so.method == SensitivityMethod::tornado) {
    j["kind"] = "interval";
    j["money"] = money && metric_text.find("month") == std::string::npos;
    j["base"] = rep.base;
    j["axis_title"] = metric_text;
    j["low_label"] = fmt::format(fmt::runtime(fr ? "hypothèse à sa valeur basse (P{:g})" : "assumption at its low value (P{:g})"), so.low);
    j["high_label"] = fmt::format(fmt::runtime(fr ? "hypothèse à sa valeur haute (P{:g})" : "assumption at its high value (P{:g})"), so.high);
    j["note"] = fmt::format(fmt::runtime(fr ? "Tornade : chaque hypothèse seule à son P{:g} puis à son P{:g}, les autres au cas de base ; "
                                 "trait pointillé : valeur du cas de base."
                               : "Tornado: each assumption alone at its P{:g} then its P{:g}, the others at the base case; "
                                 "dashed line: base-case value."),
                            so.low, so.high);
    for (const auto& r : rep.rows) j["items"].push_back({{"name", r.factor}, {"label", label(r)}, {"low", r.at_low}, {"high", r.at_high}});
  } else {
    j["kind"] = "index";
    for (const auto& r : rep.rows) {
      double v = r.importance, lo = r.importance, hi = r.importance;
      if (so.method == SensitivityMethod::sobol) v = r.st, lo = r.st_lo, hi = r.st_hi;
      else if (so.method == SensitivityMethod::correlation) v = lo = hi = r.srrc;
      else v = lo = hi = r.mu_star;
      j["items"].push_back({{"name", r.factor}, {"label", label(r)}, {"value", v}, {"ci_low", lo}, {"ci_high", hi}});
    }
    // the axis names the metric the indices are of
    j["axis_title"] = std::string(so.method == SensitivityMethod::sobol ? (fr ? "Indice total de Sobol (et intervalle de confiance)" : "Total Sobol index (and confidence interval)")
                      : so.method == SensitivityMethod::correlation ? (fr ? "Coefficient de régression sur les rangs (SRRC)" : "Standardised rank regression coefficient (SRRC)")
                                                                    : (fr ? "Effet élémentaire moyen μ* (Morris)" : "Mean elementary effect μ* (Morris)")) +
                      (fr ? " — indicateur : " : " — metric: ") + metric_text;
  }
  return j;
}
#endif

}  // namespace

bool check_report_assets() {
  std::string why;
  if (report_assets_available(&why)) return true;
  std::cerr << "error: cannot write the report: " << why << "\n";
  return false;
}

static void write_report_full(const std::string& path, const std::string& scenario_file, const Scenario& sc, const Plan& plan,
                              const RunResult& result, const std::string& lang, const std::string& sensitivity,
                              const std::string& sensitivity_metric, long long sensitivity_paths,
                              const std::string& scatter_metric = "min_cash",
                              const std::string& over_time = "") {
  BaseCase base = run_base_case(plan);
  ReportOptions ro;
  ro.scatter_metric = scatter_metric;
  ro.lang = lang;
  ro.scenario_file = scenario_file;
  ro.sensitivity_method = sensitivity;
  if (!sensitivity.empty()) {
#ifdef AMORCE_REPORT_SENSITIVITY
    ro.sensitivity = report_sensitivity(sc, plan, sensitivity, sensitivity_metric, result.options, sensitivity_paths, lang != "en");
#else
    (void)sensitivity_metric;
    (void)sensitivity_paths;
    ro.sensitivity_note = lang == "en" ? "the sensitivity driver is not part of this build of amorce"
                                       : "le calcul de sensibilité n'est pas disponible dans cette version d'amorce";
#endif
  }
#ifdef AMORCE_REPORT_SENSITIVITY
  if (!over_time.empty()) ro.sensitivity_over_time = report_sensitivity_over_time(plan, over_time, result.options, lang != "en", &sc);
#endif
  write_report(path, sc, plan, result, base, ro);
  std::cerr << "report written to " << path << "\n";
}

void write_report_file(const std::string& path, const std::string& scenario_file, const Scenario& sc, const Plan& plan,
                       const RunResult& result, const std::string& lang, const std::string& sensitivity) {
  write_report_full(path, scenario_file, sc, plan, result, lang, sensitivity, "funding_need", 0);
}

Command add_report_command(CLI::App& app) {
  struct Opts {
    std::string file, out = "report.html", lang = "fr", sensitivity, metric = "funding_need", percentiles, scatter = "min_cash",
        over_time;
    RunFlags flags;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("report", "Funder's report: one self-contained HTML file with charts (opens offline)");
  sub->add_option("FILE", o->file, "scenario YAML file")->required();
  sub->add_option("-o,--out", o->out, "HTML file to write (default: report.html)");
  add_run_flags(sub, o->flags);
  sub->add_option("--sensitivity", o->sensitivity, "add a sensitivity analysis: tornado, correlation, sobol or morris")
      ->check(CLI::IsMember({"tornado", "correlation", "sobol", "morris"}));
  sub->add_option("--sensitivity-metric", o->metric, "metric of the sensitivity analysis (see amorce sensitivity --help)")
      ->capture_default_str();
  sub->add_option("--sensitivity-over-time", o->over_time,
                  "add the chart of what drives cash month by month: sobol (Sobol indices) or correlation (SRRC)")
      ->check(CLI::IsMember({"sobol", "correlation"}));
  add_lang_option(sub, o->lang);
  sub->add_option("--percentiles", o->percentiles,
                  "percentiles of the key indicators' table and the embedded summary, e.g. 1,5,10,50,90,95,99 "
                  "(default: the scenario's outputs.quantiles)")
      ->check(percentiles_validator());
  std::vector<std::string> indicators;
  for (int k = 0; k < kIndicatorCount; ++k) indicators.push_back(indicator_name(static_cast<Indicator>(k)));
  sub->add_option("--scatter-metric", o->scatter,
                  "per-path indicator drawn against the top drivers in the scatter plots (default: min_cash)")
      ->check(CLI::IsMember(indicators));
  return {sub, [o]() {
            check_output_file(o->out, "--out");
            if (!check_report_assets()) return 1;
            Scenario sc = load_scenario(o->file, o->flags.variant);
            Plan plan = compile(sc);
            if (!o->percentiles.empty()) plan.outputs.quantiles = parse_percentiles(o->percentiles);
#ifdef AMORCE_REPORT_SENSITIVITY
            if (!o->sensitivity.empty()) parse_metric(o->metric, plan);  // a bad metric fails before the run
#endif
            RunOptions ro = run_options(plan, o->flags);
            ro.progress = isatty(fileno(stderr)) != 0;
            ro.keep_inputs = true;  // the drivers' scatter plots
            RunResult result = run_monte_carlo(plan, ro);
            write_report_full(o->out, o->file, sc, plan, result, o->lang, o->sensitivity, o->metric, 0, o->scatter,
                              o->over_time);
            return 0;
          }};
}

}  // namespace amorce::cli
