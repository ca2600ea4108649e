// The funder's report: one self-contained HTML file. Text, tables and figures are written
// here (readable without JavaScript and in print); charts are Vega-Lite specifications drawn
// in the browser by the vega bundles embedded at build time (report/assets.cmake).
#include "amorce/report.hpp"
#include "amorce/report_sensitivity_time.hpp"

#include "report_detail.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

#include <fmt/format.h>

#include "amorce/assumptions.hpp"
#include "amorce/atomic_file.hpp"
#include "amorce/cash_plan.hpp"
#include "amorce/format.hpp"
#include "amorce/distributions.hpp"
#include "amorce/evaluate.hpp"
#include "amorce/messages.hpp"
#include "amorce/month_modes.hpp"
#include "amorce/stats.hpp"

namespace amorce::report_assets {
// Defined in the generated report_assets.cpp (empty when the npm packages were missing).
extern const std::string_view vega, vega_lite, vega_embed, css, script;
}  // namespace amorce::report_assets

namespace amorce {

using nlohmann::json;
using namespace report_detail;

// ------------------------------------------------------------------------ the report

json report_detail::chart_config() {
  return {{"font", "system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif"},
          {"axis", {{"labelFontSize", 11}, {"titleFontSize", 12}, {"titleFontWeight", "normal"}, {"grid", true},
                    {"gridColor", "#e6e6ea"}}},
          {"legend", {{"orient", "bottom"}, {"labelFontSize", 11}, {"titleFontSize", 11}, {"symbolSize", 120}}},
          {"view", {{"stroke", nullptr}}},
          {"background", "#ffffff"}};
}

std::string SectionContext::figure(const std::string& id, json spec, const std::string& title, const std::string& caption) const {
  spec["config"] = chart_config();
  if (!spec.contains("autosize")) spec["autosize"] = {{"type", "fit-x"}, {"contains", "padding"}};
  charts.push_back({{"id", id}, {"spec", spec}});
  return fmt::format("<figure>\n<h3>{}</h3>\n<div class=\"chart\" id=\"{}\" role=\"img\" aria-label=\"{}\"></div>\n"
                     "<figcaption>{}</figcaption>\n</figure>\n",
                     esc(title), id, esc(title), caption);
}

namespace {

class Report {
 public:
  Report(const Scenario& sc, const Plan& plan, const RunResult& run, const BaseCase& base, const ReportOptions& o)
      : sc_(sc), plan_(plan), run_(run), base_(base), o_(o), fr_(o.lang != "en"), t_{fr_} {
    N_ = static_cast<std::size_t>(run.paths());
    Y_ = static_cast<int>(run.years.size());
    bj_ = base_case_json(base);
  }

  std::string render(const Assets& assets) {
    std::string body;
    body += header();
    body += answers();
    body += cash_section();
    body += distributions_section();
    body += percentiles_section(context());
    body += resources_section();
    body += statements_section();
    body += cash_plan_section();
    body += sensitivity_section();
    body += drivers_section(context());
    body += sensitivity_over_time_section();
    body += checks_section();
    body += assumptions_section();
    body += method_section();
    body += fmt::format("<footer>{} amorce {} — {}</footer>\n", esc(t_("Rapport produit par", "Report produced by")),
                        AMORCE_VERSION, esc(t_("aucune ressource externe n'est chargée : ce fichier s'ouvre hors ligne.",
                                                "no external resource is loaded: this file opens offline.")));

    json charts = {{"lang", fr_ ? "fr" : "en"}, {"charts", charts_}};
    std::string html;
    html.reserve(assets.vega.size() + assets.vega_lite.size() + assets.vega_embed.size() + body.size() + 200000);
    html += "<!DOCTYPE html>\n<html lang=\"" + std::string(fr_ ? "fr" : "en") + "\">\n<head>\n<meta charset=\"utf-8\">\n";
    html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    html += "<meta name=\"generator\" content=\"amorce " AMORCE_VERSION "\">\n";
    // no network at all: only inline scripts, styles, data: images and blob: exports
    html += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline' "
            "'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:\">\n";
    html += "<title>" + esc(t_("Étude de viabilité — ", "Viability study — ") + plan_.name) + "</title>\n";
    html += "<style>\n" + std::string(report_assets::css) + "\n</style>\n</head>\n<body>\n";
    html += body;
    html += "<script type=\"application/json\" id=\"amorce-summary\">" + json_island(run_summary_json(plan_, run_)) + "</script>\n";
    html += "<script type=\"application/json\" id=\"amorce-charts\">" + json_island(charts) + "</script>\n";
    html += "<script>\n" + inline_script(assets.vega) + "\n</script>\n";
    html += "<script>\n" + inline_script(assets.vega_lite) + "\n</script>\n";
    html += "<script>\n" + inline_script(assets.vega_embed) + "\n</script>\n";
    html += "<script>\n" + inline_script(report_assets::script) + "\n</script>\n";
    html += "</body>\n</html>\n";
    return html;
  }

 private:
  // ---------------------------------------------------------------- helpers
  std::string money(double v) const { return format_money(v, fr_ ? "fr" : "en"); }
  std::string pct(double p, int d = 1) const { return fmt_pct(p, fr_, d); }
  std::string month_text(int m) const {
    int idx = plan_.start_month - 1 + m;
    int year = plan_.start_year + idx / 12;
    int mo = idx % 12;
    return fmt::format("{} {}", month_short(mo, fr_ ? Lang::fr : Lang::en), year);
  }
  std::string month_date(int m) const { return month_label(plan_, m) + "-01"; }
  std::string year_label(int y) const { return run_.years[y].label + (run_.years[y].complete ? "" : "*"); }
  double fig_q(Figure f, int y, double p) const {
    const QuantileSketch& sk = run_.figure_sketches[static_cast<std::size_t>(f) * Y_ + y];
    return sk.count() ? sk.quantile(p) : NAN;
  }
  /// data-key / data-value attributes: the browser test matches them with the JSON summary.
  static std::string kv(const std::string& key, double v) {
    return fmt::format(" data-key=\"{}\" data-value=\"{}\"", esc(key), std::isfinite(v) ? fmt::format("{:.17g}", v) : "null");
  }
  std::string money_cell(double med, double lo, double hi, bool with_range = true) const {
    std::string s = "<td class=\"num\">" + money(med);
    if (with_range && std::isfinite(lo) && std::isfinite(hi)) s += "<span class=\"range\">" + money(lo) + " – " + money(hi) + "</span>";
    return s + "</td>";
  }
  json axis_money(const std::string& title) const {
    return {{"title", title}, {"format", "$,.0f"}, {"labelFlush", false}};
  }
  json month_x(const std::string& title) const {
    return {{"field", "date"}, {"type", "temporal"}, {"timeUnit", "utcyearmonth"},
            {"axis", {{"title", title}, {"format", "%b %Y"}, {"labelAngle", 0}, {"tickCount", 8}}}};
  }
  std::string figure(const std::string& id, json spec, const std::string& title, const std::string& caption) {
    return context().figure(id, std::move(spec), title, caption);
  }
  SectionContext context() { return SectionContext{sc_, plan_, run_, base_, o_, t_, charts_}; }
  std::vector<double> indicator_values(Indicator k) const {
    return std::vector<double>(run_.indicator(k), run_.indicator(k) + N_);
  }

  // ---------------------------------------------------------------- header
  std::string header() const {
    std::string file_hash = kDash;
    std::string file_name = o_.scenario_file.empty() ? sc_.file : o_.scenario_file;
    if (!file_name.empty()) {
      bool ok = false;
      std::string bytes = read_file(file_name, &ok);
      if (ok) file_hash = "SHA-256 " + sha256_hex(bytes);
    }
    const char* sampling = run_.options.sampling == Sampling::mc ? "Monte Carlo" : run_.options.sampling == Sampling::lhs
                                                                                       ? (fr_ ? "hypercube latin (LHS)" : "Latin hypercube (LHS)")
                                                                                       : "Sobol (quasi-Monte Carlo)";
    std::string s = "<header id=\"report-header\">\n";
    s += "<p class=\"subtitle\">" + esc(t_("Étude de viabilité — rapport pour le comité de financement",
                                            "Viability study — report for the funding committee")) + "</p>\n";
    s += "<h1 id=\"scenario-name\">" + esc(plan_.name) + "</h1>\n";
    if (!sc_.description.empty()) s += "<p>" + esc(sc_.description) + "</p>\n";
    s += "<dl class=\"meta\">\n";
    auto row = [&](const std::string& k, const std::string& v) { s += "<dt>" + esc(k) + "</dt><dd>" + v + "</dd>\n"; };
    row(t_("Date du rapport", "Report date"), esc(o_.date.empty() ? today() : o_.date));
    row(t_("Période simulée", "Period simulated"),
        esc(fmt::format("{} → {} ({} {})", month_text(0), month_text(plan_.horizon - 1), plan_.horizon, t_("mois", "months"))));
    if (!sc_.applied_variant.empty()) row(t_("Variante", "Variant"), esc(sc_.applied_variant));
    row(t_("Scénarios simulés", "Paths simulated"), esc(group_digits(static_cast<double>(run_.paths()), fr_ ? kNarrowNbsp : ",")));
    row(t_("Graine aléatoire", "Random seed"), esc(std::to_string(run_.options.seed)));
    row(t_("Échantillonnage", "Sampling"), esc(sampling));
    row(t_("Version d'amorce", "amorce version"), esc(AMORCE_VERSION));
    row(t_("Fichier du scénario", "Scenario file"), esc(file_name.empty() ? std::string(kDash) : file_name));
    row(t_("Empreinte du fichier", "File fingerprint"), "<span class=\"hash\" id=\"scenario-hash\">" + esc(file_hash) + "</span>");
    s += "</dl>\n</header>\n";
    return s;
  }

  // ---------------------------------------------------------------- the five answers
  std::string answers() const {
    std::uint64_t hits = 0;
    const double* sf = run_.indicator(Indicator::shortfall);
    for (std::size_t i = 0; i < N_; ++i) hits += sf[i] != 0;
    Probability p = estimate_probability(hits, N_);
    ScalarSummary fn = summarize(run_.indicator(Indicator::funding_need), N_, {50, 90});
    ScalarSummary mc = summarize(run_.indicator(Indicator::min_cash), N_, {10, 50, 90});
    const std::vector<MonthPeriod> modes = month_modes(run_.indicator(Indicator::min_cash_month), N_, plan_.horizon);
    ScalarSummary be = summarize(run_.indicator(Indicator::breakeven_month), N_, {50});
    std::vector<double> bev = indicator_values(Indicator::breakeven_month);
    for (auto& v : bev)
      if (std::isnan(v)) v = INFINITY;
    std::sort(bev.begin(), bev.end());
    double be50 = N_ ? quantile_sorted(bev.data(), N_, 0.5) : NAN;
    const double never = N_ ? static_cast<double>(be.missing) / static_cast<double>(N_) : NAN;

    std::string s = "<section class=\"answers\" id=\"answers\">\n<h2>" + esc(t_("Les cinq réponses", "The five answers")) + "</h2>\n<ol>\n";
    // 1. shortfall
    s += "<li><span class=\"q\">" + esc(t_("Risque que la trésorerie devienne négative au moins un mois",
                                          "Risk that cash goes negative in at least one month")) + "</span>";
    if (hits == 0 || hits == N_) {
      // a standard error of 0 says nothing: say what 0 % or 100 % means instead
      const std::string why = hits == 0
          ? fmt::format(fmt::runtime(t_("aucun des {} scénarios simulés ; moins de {} de risque (borne à 95 %)",
                                        "none of the {} simulated paths; below {} (95 % bound)")),
                        N_, pct(zero_hits_bound95(N_)))
          : t_("dans tous les scénarios simulés : la question est combien, voir le besoin de financement",
               "in every simulated path: the question is how much, see the funding need");
      s += fmt::format("<span class=\"a\"><span class=\"big{}\"{}>{}</span> {}</span></li>\n", hits ? " risk-high" : "",
                       kv("shortfall.p", p.p), pct(p.p), esc(why));
    } else {
      s += fmt::format("<span class=\"a\"><span class=\"big{}\"{}>{}</span> <span{}>± {}</span> {}</span></li>\n",
                       p.p >= 0.2 ? " risk-high" : "", kv("shortfall.p", p.p), pct(p.p), kv("shortfall.se", p.se), pct(p.se),
                       esc(t_("(erreur type de l'estimation Monte Carlo)", "(Monte Carlo standard error)")));
    }
    // 2. funding need
    s += "<li><span class=\"q\">" + esc(t_("Besoin de financement (apport ou avance de trésorerie pour ne jamais être à découvert)",
                                          "Funding need (cash to add so that the account is never overdrawn)")) + "</span>";
    s += fmt::format("<span class=\"a\">{} <span class=\"big\"{}>{}</span> · {} <span class=\"big\"{}>{}</span></span></li>\n",
                     esc(t_("médiane", "median")), kv("funding_need.p50", fn.quantiles[0]), money(fn.quantiles[0]),
                     esc(t_("P90 (couvre 9 cas sur 10)", "P90 (covers 9 cases in 10)")), kv("funding_need.p90", fn.quantiles[1]),
                     money(fn.quantiles[1]));
    // 3. minimum cash
    // the month of the minimum is often bimodal: its most likely periods, not a median month
    std::string when;
    for (std::size_t k = 0; k < modes.size(); ++k) {
      const auto& mo = modes[k];
      if (k) when += ", ";
      std::string period = month_text(mo.first) + (mo.last != mo.first ? " – " + month_text(mo.last) : "");
      when += fmt::format("{} (<span{}>{}</span>)", esc(period), kv(fmt::format("min_cash_month.modes.{}.share", k), mo.share),
                          pct(mo.share, 0));
    }
    if (when.empty()) when = esc(std::string(kDash));
    s += "<li><span class=\"q\">" + esc(t_("Trésorerie minimale sur la période, et quand", "Minimum cash over the period, and when")) + "</span>";
    s += fmt::format("<span class=\"a\">{} <span class=\"big\"{}>{}</span> ({} {} – {}) · {} {}</span></li>\n",
                     esc(t_("médiane", "median")), kv("min_cash.p50", mc.quantiles[1]), money(mc.quantiles[1]),
                     esc(t_("P10–P90 :", "P10–P90:")), money(mc.quantiles[0]), money(mc.quantiles[2]),
                     esc(t_("le minimum tombe surtout en :", "the minimum falls mostly in:")), when);
    // 4. breakeven
    std::string be_text = std::isfinite(be50) ? month_text(static_cast<int>(be50)) + " (" +
                                                    fmt::format("{} {}", static_cast<int>(be50), t_("mois après le démarrage", "months after the start")) + ")"
                                              : t_("jamais dans l'horizon", "never within the horizon");
    s += "<li><span class=\"q\">" + esc(t_("Point mort : mois à partir duquel le résultat d'exploitation reste positif",
                                          "Breakeven: month from which the operating result stays positive")) + "</span>";
    s += fmt::format("<span class=\"a\">{} <span class=\"big\"{}>{}</span> · {} <span class=\"big\"{}>{}</span></span></li>\n",
                     esc(t_("médiane", "median")), kv("breakeven.p50", std::isfinite(be50) ? be50 : NAN), esc(be_text),
                     esc(t_("jamais atteint dans l'horizon :", "never reached within the horizon:")), kv("breakeven.never", never),
                     pct(never));
    // 5. subsidy share and self-financing
    s += "<li><span class=\"q\">" + esc(t_("Dépendance aux subventions et autofinancement, par exercice (médianes)",
                                          "Subsidy dependence and self-financing, by fiscal year (medians)")) + "</span>";
    s += "<div class=\"scroll\"><table id=\"answers-years\"><tr><th></th>";
    for (int y = 0; y < Y_; ++y) s += "<th class=\"num\">" + esc(year_label(y)) + "</th>";
    s += "</tr>\n<tr><td>" + esc(t_("Part des subventions dans les ressources", "Subsidies as a share of resources")) + "</td>";
    for (int y = 0; y < Y_; ++y) {
      double v = fig_q(Figure::subsidy_share, y, 0.5);
      s += fmt::format("<td class=\"num\"{}>{}</td>", kv("subsidy_share." + run_.years[y].label, v), pct(v, 0));
    }
    s += "</tr>\n<tr><td>" + esc(t_("Autofinancement (recettes propres / charges)", "Self-financing (earned income / costs)")) + "</td>";
    for (int y = 0; y < Y_; ++y) {
      double v = fig_q(Figure::self_financing, y, 0.5);
      s += fmt::format("<td class=\"num\"{}>{}</td>", kv("self_financing." + run_.years[y].label, v), pct(v, 0));
    }
    s += "</tr></table></div></li>\n</ol>\n";
    if (std::any_of(run_.years.begin(), run_.years.end(), [](const FiscalYear& f) { return !f.complete; }))
      s += "<p class=\"src\">" + esc(t_("* exercice incomplet (coupé par le début ou la fin de la période simulée).",
                                         "* incomplete fiscal year (cut by the start or the end of the period simulated).")) + "</p>\n";
    s += "</section>\n";
    return s;
  }

  // ---------------------------------------------------------------- cash
  std::string cash_section() {
    std::string s = "<section id=\"cash\">\n<h2>" + esc(t_("Trésorerie", "Cash")) + "</h2>\n";
    auto it = std::find(run_.series_names.begin(), run_.series_names.end(), "cash");
    if (it == run_.series_names.end()) return s + "</section>\n";
    const SeriesBands& bands = run_.series[static_cast<std::size_t>(it - run_.series_names.begin())];
    auto q = bands.quantiles({5, 25, 50, 75, 95});
    json fan = json::array();
    for (int m = 0; m < plan_.horizon; ++m)
      fan.push_back({{"date", month_date(m)}, {"month", month_text(m)}, {"p5", q[0][m]}, {"p25", q[1][m]}, {"p50", q[2][m]},
                     {"p75", q[3][m]}, {"p95", q[4][m]}});
    // Subsidy receipts of the base case worth a marker: a steady monthly flow (a job aid paid
    // every month) would put a triangle on every month and hide the payments that matter, so
    // a month is marked when it receives clearly more than the rolling median of the 13
    // months around it (the advance or balance of a grant, a one-off payment).
    json pay = json::array();
    const auto& cs = bj_["monthly"]["cash_subsidies"];
    std::vector<double> recv(static_cast<std::size_t>(plan_.horizon), 0.0);
    for (int m = 0; m < plan_.horizon; ++m) {
      const auto& e = cs.at(static_cast<std::size_t>(m));
      recv[static_cast<std::size_t>(m)] = e.is_number() ? e.get<double>() : 0.0;
    }
    const double largest = recv.empty() ? 0.0 : *std::max_element(recv.begin(), recv.end());
    for (int m = 0; m < plan_.horizon; ++m) {
      std::vector<double> window;
      for (int w = std::max(0, m - 6); w <= std::min(plan_.horizon - 1, m + 6); ++w) window.push_back(recv[static_cast<std::size_t>(w)]);
      std::nth_element(window.begin(), window.begin() + static_cast<std::ptrdiff_t>(window.size() / 2), window.end());
      const double v = recv[static_cast<std::size_t>(m)];
      const double excess = v - window[window.size() / 2];
      if (v > 0.5 && excess > 0.5 && excess > 0.05 * largest)
        pay.push_back({{"date", month_date(m)}, {"month", month_text(m)}, {"amount", v}});
    }
    const std::string l90 = t_("P5–P95 (9 scénarios sur 10)", "P5–P95 (9 paths in 10)");
    const std::string l50 = t_("P25–P75 (1 scénario sur 2)", "P25–P75 (1 path in 2)");
    const std::string lmed = t_("Médiane", "Median");
    const std::string lpay = t_("Versement ponctuel de subvention (cas de base)", "Subsidy payment (base case)");
    json color_scale = {{"domain", {l90, l50, lmed, lpay}}, {"range", {"#BFD9EC", "#6AAED6", "#0072B2", "#E69F00"}}};
    json x = month_x(t_("Mois", "Month"));
    json tt = {{{"field", "month"}, {"title", t_("Mois", "Month")}},
               {{"field", "p5"}, {"title", "P5"}, {"format", "$,.0f"}},
               {{"field", "p25"}, {"title", "P25"}, {"format", "$,.0f"}},
               {{"field", "p50"}, {"title", lmed}, {"format", "$,.0f"}},
               {{"field", "p75"}, {"title", "P75"}, {"format", "$,.0f"}},
               {{"field", "p95"}, {"title", "P95"}, {"format", "$,.0f"}}};
    json layers = json::array();
    layers.push_back({{"data", {{"values", fan}}}, {"mark", {{"type", "area"}, {"opacity", 0.9}}},
                      {"encoding", {{"x", x}, {"y", {{"field", "p5"}, {"type", "quantitative"}, {"axis", axis_money(t_("Trésorerie en fin de mois (€)", "Cash at month end (€)"))}}},
                                    {"y2", {{"field", "p95"}}},
                                    {"color", {{"datum", l90}, {"type", "nominal"}, {"scale", color_scale}, {"legend", {{"title", nullptr}, {"labelLimit", 400}}}}}}}});
    layers.push_back({{"data", {{"values", fan}}}, {"mark", {{"type", "area"}, {"opacity", 0.9}}},
                      {"encoding", {{"x", x}, {"y", {{"field", "p25"}, {"type", "quantitative"}}}, {"y2", {{"field", "p75"}}},
                                    {"color", {{"datum", l50}, {"type", "nominal"}}}}}});
    layers.push_back({{"data", {{"values", fan}}}, {"mark", {{"type", "line"}, {"strokeWidth", 2.5}, {"point", false}}},
                      {"encoding", {{"x", x}, {"y", {{"field", "p50"}, {"type", "quantitative"}}}, {"color", {{"datum", lmed}, {"type", "nominal"}}},
                                    {"tooltip", tt}}}});
    layers.push_back({{"data", {{"values", json::array({json::object()})}}},
                      {"mark", {{"type", "rule"}, {"color", "#000000"}, {"strokeWidth", 1.2}, {"strokeDash", {5, 3}}}},
                      {"encoding", {{"y", {{"datum", 0}, {"type", "quantitative"}}}}}});
    if (!pay.empty())
      layers.push_back({{"data", {{"values", pay}}},
                        {"mark", {{"type", "point"}, {"shape", "triangle-down"}, {"filled", true}, {"size", 110}, {"opacity", 1}}},
                        {"encoding", {{"x", x}, {"y", {{"value", 6}}}, {"color", {{"datum", lpay}, {"type", "nominal"}}},
                                      {"tooltip", {{{"field", "month"}, {"title", t_("Mois", "Month")}},
                                                   {{"field", "amount"}, {"title", t_("Subventions encaissées", "Subsidies received")}, {"format", "$,.0f"}}}}}}});
    json spec = {{"width", 760}, {"height", 300}, {"layer", layers}};
    s += figure("chart-fan", spec, t_("Trésorerie mois par mois : éventail des possibles", "Cash month by month: the range of outcomes"),
                esc(t_("Ligne foncée : trésorerie médiane (la moitié des scénarios simulés est au-dessus). Bande moyenne : "
                       "1 scénario sur 2 se trouve dans cette zone ce mois-là ; bande claire : 9 scénarios sur 10. "
                       "Ligne pointillée : zéro (en dessous, le compte est à découvert). Triangles : mois où le cas de base "
                       "encaisse un versement de subvention (avance, solde, aide ponctuelle ; les aides versées chaque mois "
                       "ne sont pas marquées). Les bandes se lisent mois par mois : ce ne sont pas des trajectoires.",
                       "Dark line: median cash (half of the simulated paths are above it). Middle band: 1 path in 2 is in this "
                       "area that month; light band: 9 paths in 10. Dashed line: zero (below it the account is overdrawn). "
                       "Triangles: months in which the base case receives a grant payment (advance, balance, one-off aid; aids paid "
                       "every month are not marked). Bands are read month by month: "
                       "they are not trajectories.")));

    json neg = json::array();
    for (int m = 0; m < plan_.horizon; ++m)
      neg.push_back({{"date", month_date(m)}, {"month", month_text(m)}, {"p", N_ ? static_cast<double>(run_.negative_cash[m]) / N_ : 0.0}});
    json nspec = {{"width", 760}, {"height", 180}, {"data", {{"values", neg}}},
                  {"mark", {{"type", "bar"}, {"color", "#D55E00"}}},
                  {"encoding", {{"x", month_x(t_("Mois", "Month"))},
                                {"y", {{"field", "p"}, {"type", "quantitative"}, {"scale", {{"domain", {0, 1}}}},
                                       {"axis", {{"title", t_("Probabilité (%)", "Probability (%)")}, {"format", ".0%"}}}}},
                                {"tooltip", {{{"field", "month"}, {"title", t_("Mois", "Month")}},
                                             {{"field", "p"}, {"title", t_("Probabilité", "Probability")}, {"format", ".1%"}}}}}}};
    s += figure("chart-negative", nspec, t_("Probabilité d'une trésorerie négative, mois par mois", "Probability of negative cash, month by month"),
                esc(t_("Part des scénarios simulés dont la trésorerie de fin de mois est négative. Une barre haute signale "
                       "un mois tendu : c'est là qu'une avance ou un décalage de versement compte le plus.",
                       "Share of simulated paths whose month-end cash is negative. A tall bar marks a tight month: that is "
                       "where an advance or an earlier payment matters most.")));
    return s + "</section>\n";
  }

  // ---------------------------------------------------------------- histograms
  std::string distributions_section() {
    std::string s = "<section id=\"distributions\">\n<h2>" + esc(t_("Point mort et besoin de financement", "Breakeven and funding need")) + "</h2>\n";
    // breakeven: one bar per month, and a "never" bar
    std::vector<std::uint64_t> counts(static_cast<std::size_t>(plan_.horizon), 0);
    std::uint64_t never = 0;
    const double* be = run_.indicator(Indicator::breakeven_month);
    for (std::size_t i = 0; i < N_; ++i) {
      if (std::isnan(be[i])) ++never;
      else counts[static_cast<std::size_t>(std::clamp(static_cast<int>(be[i]), 0, plan_.horizon - 1))] += 1;
    }
    const double n = N_ ? static_cast<double>(N_) : 1.0;
    json bars = json::array();
    for (int m = 0; m < plan_.horizon; ++m)
      if (counts[m]) bars.push_back({{"date", month_date(m)}, {"month", month_text(m)}, {"share", counts[m] / n}});
    const std::string never_label = t_("Jamais", "Never");
    json yshare = {{"field", "share"}, {"type", "quantitative"}, {"axis", {{"title", t_("Part des scénarios (%)", "Share of paths (%)")}, {"format", ".0%"}}}};
    json x = month_x(t_("Mois du point mort", "Breakeven month"));
    x["scale"] = {{"domain", {month_date(0), month_date(plan_.horizon - 1)}}};
    json left = {{"width", 620}, {"height", 200}, {"data", {{"values", bars}}},
                 {"mark", {{"type", "bar"}, {"color", "#0072B2"}}},
                 {"encoding", {{"x", x}, {"y", yshare},
                               {"tooltip", {{{"field", "month"}, {"title", t_("Mois", "Month")}}, {{"field", "share"}, {"title", t_("Part des scénarios", "Share of paths")}, {"format", ".1%"}}}}}}};
    json right = {{"width", 70}, {"height", 200}, {"data", {{"values", {{{"label", never_label}, {"share", never / n}}}}}},
                  {"mark", {{"type", "bar"}, {"color", "#D55E00"}}},
                  {"encoding", {{"x", {{"field", "label"}, {"type", "nominal"}, {"axis", {{"title", nullptr}, {"labelAngle", 0}}}}},
                                {"y", {{"field", "share"}, {"type", "quantitative"}, {"axis", nullptr}}},
                                {"tooltip", {{{"field", "label"}, {"title", " "}}, {{"field", "share"}, {"title", t_("Part des scénarios", "Share of paths")}, {"format", ".1%"}}}}}}};
    json spec = {{"hconcat", {left, right}}, {"resolve", {{"scale", {{"y", "shared"}}}}}, {"spacing", 8},
                 {"autosize", {{"type", "pad"}}}};
    s += figure("chart-breakeven", spec, t_("Quand le point mort est-il atteint ?", "When is breakeven reached?"),
                esc(t_("Pour chaque scénario simulé, le mois à partir duquel le résultat d'exploitation (subventions comprises) "
                       "reste positif sur la fenêtre glissante du scénario. Barre « Jamais » : scénarios où ce mois n'arrive "
                       "pas avant la fin de la période simulée.",
                       "For each simulated path, the month from which the operating result (subsidies included) stays positive "
                       "over the scenario's rolling window. \"Never\" bar: paths where that month does not come before the "
                       "end of the period simulated.")));

    Histogram h = make_histogram(run_.indicator(Indicator::funding_need), N_, 30);
    double zero_need = 0;
    for (std::size_t i = 0; i < N_; ++i) zero_need += run_.indicator(Indicator::funding_need)[i] == 0;
    json fb = json::array();
    for (std::size_t i = 0; i < h.counts.size(); ++i)
      if (h.counts[i]) fb.push_back({{"x0", h.edges[i]}, {"x1", h.edges[i + 1]}, {"share", h.counts[i] / n}});
    json fspec = {{"width", 760}, {"height", 200}, {"data", {{"values", fb}}},
                  {"mark", {{"type", "bar"}, {"color", "#009E73"}, {"stroke", "#ffffff"}, {"strokeWidth", 0.5}}},
                  {"encoding", {{"x", {{"field", "x0"}, {"type", "quantitative"}, {"bin", {{"binned", true}}},
                                       {"axis", axis_money(t_("Besoin de financement (€)", "Funding need (€)"))}}},
                                {"x2", {{"field", "x1"}}},
                                {"y", yshare},
                                {"tooltip", {{{"field", "x0"}, {"title", t_("de", "from")}, {"format", "$,.0f"}},
                                             {{"field", "x1"}, {"title", t_("à", "to")}, {"format", "$,.0f"}},
                                             {{"field", "share"}, {"title", t_("Part des scénarios", "Share of paths")}, {"format", ".1%"}}}}}}};
    s += figure("chart-funding", fspec, t_("Combien faudrait-il apporter ?", "How much cash would have to be added?"),
                esc(t_("Le besoin de financement d'un scénario est l'opposé de sa trésorerie la plus basse quand elle est négative "
                       "(0 € quand la trésorerie ne passe jamais sous zéro). La première barre, qui part de 0 €, comprend les "
                       "scénarios sans aucun besoin : ",
                       "A path's funding need is minus its lowest cash when that is negative (0 € when cash never goes below "
                       "zero). The first bar, starting at 0 €, includes the paths without any need: ") +
                    pct(zero_need / n) + t_(" des scénarios.", " of the paths.")));
    return s + "</section>\n";
  }

  // ---------------------------------------------------------------- resources by year
  std::string resources_section() {
    std::string s = "<section id=\"resources\">\n<h2>" + esc(t_("D'où viennent les ressources ?", "Where do the resources come from?")) + "</h2>\n";
    json rows = json::array();
    const auto& years = bj_["years"];
    const auto& monthly = bj_["monthly"];
    std::vector<std::string> domain;
    const std::string earned = t_("Recettes propres (chiffre d'affaires)", "Earned income (revenue)");
    domain.push_back(earned);
    for (const auto& sp : plan_.subsidies) domain.push_back(sp.label.empty() ? sp.name : sp.label);
    for (std::size_t y = 0; y < years.size(); ++y) {
      const auto& yr = years[y];
      int first = yr["first_month"].get<int>(), last = yr["last_month"].get<int>();
      std::string label = yr["label"].get<std::string>() + (yr["complete"].get<bool>() ? "" : "*");
      double rev = yr["income_statement"]["revenue"].is_number() ? yr["income_statement"]["revenue"].get<double>() : 0.0;
      rows.push_back({{"year", label}, {"source", earned}, {"amount", rev}, {"order", 0}});
      for (std::size_t k = 0; k < plan_.subsidies.size(); ++k) {
        const std::string key = "subsidy:" + plan_.subsidies[k].name;
        double sum = 0;
        if (monthly.contains(key))
          for (int m = first; m <= last; ++m) {
            const auto& v = monthly[key][static_cast<std::size_t>(m)];
            if (v.is_number()) sum += v.get<double>();
          }
        rows.push_back({{"year", label}, {"source", domain[k + 1]}, {"amount", sum}, {"order", static_cast<int>(k) + 1}});
      }
    }
    static const char* palette[] = {"#0072B2", "#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#F0E442", "#D55E00", "#999999", "#000000"};
    json range = json::array();
    for (std::size_t i = 0; i < domain.size(); ++i) range.push_back(palette[i % 9]);
    json spec = {{"width", 760}, {"height", 280}, {"data", {{"values", rows}}},
                 {"mark", {{"type", "bar"}, {"stroke", "#ffffff"}, {"strokeWidth", 0.7}}},
                 {"encoding", {{"x", {{"field", "year"}, {"type", "ordinal"}, {"sort", nullptr}, {"axis", {{"title", t_("Exercice", "Fiscal year")}, {"labelAngle", 0}}}}},
                               {"y", {{"field", "amount"}, {"type", "quantitative"}, {"stack", "zero"}, {"axis", axis_money(t_("Ressources de l'exercice (€)", "Resources of the fiscal year (€)"))}}},
                               {"color", {{"field", "source"}, {"type", "nominal"}, {"scale", {{"domain", domain}, {"range", range}}},
                                          {"legend", {{"title", nullptr}, {"columns", 1}, {"labelLimit", 700}}}}},
                               {"order", {{"field", "order"}, {"type", "quantitative"}}},
                               {"tooltip", {{{"field", "year"}, {"title", t_("Exercice", "Fiscal year")}},
                                            {{"field", "source"}, {"title", t_("Ressource", "Resource")}},
                                            {{"field", "amount"}, {"title", t_("Montant", "Amount")}, {"format", "$,.0f"}}}}}}};
    s += figure("chart-resources", spec, t_("Ressources par exercice : recettes propres et chaque subvention", "Resources by fiscal year: earned income and each subsidy"),
                esc(t_("Cas de base (chaque hypothèse à sa valeur centrale) : chiffre d'affaires et produit de chaque subvention "
                       "rattaché à l'exercice (lignes subsidy:NOM du cas de base sommées par exercice). Plus la part "
                       "des subventions est haute, plus le projet dépend de leur renouvellement.",
                       "Base case (every assumption at its central value): revenue and the income of each subsidy recognised "
                       "in the fiscal year (the base case's subsidy:NAME amounts summed by fiscal year). The larger the "
                       "subsidy share, the more the project depends on their renewal.")));
    return s + "</section>\n";
  }

  // ---------------------------------------------------------------- statements
  std::string statements_section() const {
    std::string s = "<section id=\"statements\">\n<h2>" + esc(t_("Comptes prévisionnels", "Projected accounts")) + "</h2>\n";
    const auto& years = bj_["years"];
    auto head = [&]() {
      std::string h = "<tr><th></th>";
      for (int y = 0; y < Y_; ++y) h += "<th class=\"num\">" + esc(year_label(y)) + "</th>";
      return h + "</tr>\n";
    };
    auto run_row = [&](const std::string& label, Figure f, bool total = false) {
      std::string r = std::string(total ? "<tr class=\"total\">" : "<tr>") + "<td>" + esc(label) + "</td>";
      for (int y = 0; y < Y_; ++y) r += money_cell(fig_q(f, y, 0.5), fig_q(f, y, 0.1), fig_q(f, y, 0.9));
      return r + "</tr>\n";
    };
    auto base_row = [&](const std::string& label, const char* group, const char* key, bool total = false) {
      std::string r = std::string(total ? "<tr class=\"total\">" : "<tr>") + "<td>" + esc(label) + " <span class=\"src\">†</span></td>";
      for (int y = 0; y < Y_; ++y) {
        double x = NAN;
        if (y < static_cast<int>(years.size())) {
          const json* v = &years[static_cast<std::size_t>(y)];
          std::string path = std::string(group) + "." + key;
          std::size_t start = 0;
          while (v && start <= path.size()) {
            std::size_t dot = path.find('.', start);
            std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
            v = (v->is_object() && v->contains(part)) ? &(*v)[part] : nullptr;
            if (dot == std::string::npos) break;
            start = dot + 1;
          }
          if (v && v->is_number()) x = v->get<double>();
        }
        r += money_cell(x, NAN, NAN, false);
      }
      return r + "</tr>\n";
    };
    s += "<h3>" + esc(t_("Compte de résultat annuel", "Annual income statement (compte de résultat)")) + "</h3>\n";
    s += "<p class=\"src\">" + esc(t_("Médiane des scénarios simulés, et en petit l'intervalle P10–P90 (8 scénarios sur 10). "
                                     "† : cas de base (ligne non suivie par scénario). Les lignes ne s'additionnent pas : "
                                     "chaque médiane est calculée séparément.",
                                     "Median of the simulated paths, and in small print the P10–P90 interval (8 paths in 10). "
                                     "†: base case (line not tracked per path). Lines do not add up: each median is computed "
                                     "separately.")) + "</p>\n";
    s += "<div class=\"scroll\"><table id=\"income-statement\">\n" + head();
    s += run_row(t_("Chiffre d'affaires (ventes, prestations)", "Revenue (sales, services)"), Figure::revenue);
    s += run_row(t_("Subventions d'exploitation et aides aux postes", "Operating subsidies and job aids"), Figure::subsidies);
    s += base_row(t_("Marge (CA − charges variables)", "Margin (revenue − variable costs)"), "sig", "margin");
    s += run_row(t_("Achats et charges externes", "Purchases and external costs"), Figure::costs);
    s += base_row(t_("Valeur ajoutée", "Value added"), "sig", "value_added", true);
    s += run_row(t_("Charges de personnel (salaires et charges)", "Staff costs (wages and charges)"), Figure::staff);
    s += base_row(t_("Taxe sur les salaires", "Payroll tax"), "income_statement", "payroll_tax");
    s += run_row(t_("EBE (excédent brut d'exploitation)", "EBITDA (excédent brut d'exploitation)"), Figure::ebitda, true);
    s += base_row(t_("Dotations aux amortissements", "Depreciation"), "income_statement", "depreciation");
    s += base_row(t_("Quote-part des subventions d'investissement", "Investment grants released"), "income_statement", "grant_release");
    s += run_row(t_("Résultat d'exploitation", "Operating result"), Figure::operating_result, true);
    s += base_row(t_("Charges financières (intérêts)", "Interest"), "income_statement", "interest");
    s += base_row(t_("Résultat courant avant impôts", "Result before tax"), "sig", "current_result", true);
    s += base_row(t_("Résultat exceptionnel", "Exceptional result"), "sig", "exceptional_result");
    s += base_row(t_("Impôt sur les sociétés", "Corporate tax"), "income_statement", "corporate_tax");
    s += run_row(t_("Résultat net", "Net result"), Figure::net_result, true);
    s += run_row(t_("CAF (capacité d'autofinancement)", "CAF (cash flow from operations)"), Figure::caf);
    s += "</table></div>\n";

    s += "<h3>" + esc(t_("Plan de financement", "Financing plan (plan de financement)")) + "</h3>\n";
    s += "<p class=\"src\">" + esc(t_("Cas de base (†), sauf les deux dernières lignes : médiane et P10–P90 des scénarios simulés.",
                                     "Base case (†), except the last two lines: median and P10–P90 of the simulated paths.")) + "</p>\n";
    s += "<div class=\"scroll\"><table id=\"financing-plan\">\n" + head();
    s += "<tr><th colspan=\"" + std::to_string(Y_ + 1) + "\">" + esc(t_("Besoins", "Needs")) + "</th></tr>\n";
    s += base_row(t_("Insuffisance d'autofinancement", "Negative CAF (insuffisance d'autofinancement)"), "financing_plan",
                  "needs.caf_shortfall");
    s += base_row(t_("Investissements", "Investments"), "financing_plan", "needs.investments");
    s += base_row(t_("Remboursement d'emprunts", "Loan repayments"), "financing_plan", "needs.loan_repayments");
    s += base_row(t_("Augmentation du BFR", "Increase in working capital need (BFR)"), "financing_plan", "needs.bfr_increase");
    s += base_row(t_("Total des besoins", "Total needs"), "financing_plan", "needs.total", true);
    s += "<tr><th colspan=\"" + std::to_string(Y_ + 1) + "\">" + esc(t_("Ressources", "Resources")) + "</th></tr>\n";
    s += base_row(t_("CAF (positive)", "CAF (cash flow from operations, when positive)"), "financing_plan", "resources.caf");
    s += base_row(t_("Apports en fonds propres", "Equity contributions"), "financing_plan", "resources.equity");
    s += base_row(t_("Subventions d'investissement", "Investment grants"), "financing_plan", "resources.investment_grants");
    s += base_row(t_("Emprunts", "Loans"), "financing_plan", "resources.loans");
    s += base_row(t_("Total des ressources", "Total resources"), "financing_plan", "resources.total", true);
    s += base_row(t_("Variation de trésorerie", "Change in cash"), "financing_plan", "cash_change");
    s += base_row(t_("Trésorerie en fin d'exercice", "Cash at year end"), "financing_plan", "cash_end", true);
    s += run_row(t_("CAF — scénarios simulés", "CAF — simulated paths"), Figure::caf);
    s += run_row(t_("Trésorerie la plus basse de l'exercice — scénarios simulés", "Lowest cash of the year — simulated paths"), Figure::min_cash);
    s += "</table></div>\n";
    return s + "</section>\n";
  }

  // ---------------------------------------------------------------- cash plan
  /// The base case's monthly cash plan line by line (cash_plan.hpp), one table per fiscal year.
  std::string cash_plan_section() const {
    const json& cp = bj_["cash_plan"];
    std::string s = "<section id=\"cash-plan\">\n<h2>" + esc(t_("Plan de trésorerie mensuel", "Monthly cash plan")) + "</h2>\n";
    s += "<p class=\"src\">" + esc(t_("Cas de base (chaque hypothèse à sa valeur centrale) : chaque recette, subvention, "
                                     "charge, salaire, emprunt et impôt sur sa ligne, aux dates d'encaissement et de "
                                     "décaissement (TTC quand le projet est assujetti à la TVA).",
                                     "Base case (every assumption at its central value): each revenue, grant, cost, "
                                     "wage, loan and tax on its own row, at its payment dates (VAT included when the "
                                     "project is subject to VAT).")) + "</p>\n";
    const auto& months = bj_["months"];
    for (const auto& yr : bj_["years"]) {
      const int m0 = yr["first_month"].get<int>(), m1 = yr["last_month"].get<int>();
      const int cols = m1 - m0 + 3;
      s += "<h3>" + esc(yr["label"].get<std::string>()) + "</h3>\n<div class=\"scroll\"><table class=\"cash-plan\">\n<tr><th></th>";
      for (int m = m0; m <= m1; ++m) s += "<th class=\"num\">" + esc(months[static_cast<std::size_t>(m)].get<std::string>()) + "</th>";
      s += "<th class=\"num\">" + esc(t_("Total", "Total")) + "</th></tr>\n";
      auto row = [&](const std::string& label, const json& v, bool total, bool sum) {
        std::string r = std::string(total ? "<tr class=\"total\">" : "<tr>") + "<td>" + esc(label) + "</td>";
        double acc = 0;
        for (int m = m0; m <= m1; ++m) {
          double x = v[static_cast<std::size_t>(m)].get<double>();
          acc += x;
          r += money_cell(x, NAN, NAN, false);
        }
        return r + (sum ? money_cell(acc, NAN, NAN, false) : std::string("<td></td>")) + "</tr>\n";
      };
      auto side = [&](const std::string& title, const json& rows, const json& total, const std::string& total_label) {
        std::string r = "<tr><th colspan=\"" + std::to_string(cols) + "\">" + esc(title) + "</th></tr>\n";
        for (const auto& x : rows) {
          // "Salaires : Coordinatrice"; a tax row (key = its line) is its group label alone
          const std::string line = x["line"].get<std::string>(), key = x["key"].get<std::string>();
          std::string group = line;
          for (int l = 0; l < kLineCount; ++l)
            if (line == line_name(static_cast<Line>(l)) && fr_) group = cash_line_label_fr(static_cast<Line>(l));
          r += row(key == line ? group : group + " : " + x["label"].get<std::string>(), x["months"], false, true);
        }
        return r + row(total_label, total, true, true);
      };
      s += row(t_("Trésorerie en début de mois", "Cash at the start of the month"), cp["cash_start"], false, false);
      s += side(t_("Encaissements", "Receipts"), cp["receipts"], cp["cash_in"], t_("Total des encaissements", "Total receipts"));
      s += side(t_("Décaissements", "Payments"), cp["payments"], cp["cash_out"], t_("Total des décaissements", "Total payments"));
      s += row(t_("Trésorerie en fin de mois", "Cash at the end of the month"), cp["cash_end"], true, false);
      s += "</table></div>\n";
    }
    return s + "</section>\n";
  }

  // ---------------------------------------------------------------- sensitivity
  std::string sensitivity_section() {
    if (o_.sensitivity_method.empty()) return {};
    std::string s = "<section id=\"sensitivity\">\n<h2>" + esc(t_("Quelles hypothèses comptent le plus ?", "Which assumptions matter most?")) + "</h2>\n";
    const json& sj = o_.sensitivity;
    if (sj.is_null() || !sj.contains("items") || sj["items"].empty()) {
      std::string why = o_.sensitivity_note.empty() ? t_("analyse non disponible dans cette version d'amorce",
                                                         "analysis not available in this version of amorce")
                                                    : o_.sensitivity_note;
      s += "<p class=\"note warn\" id=\"sensitivity-unavailable\">" +
           esc(fmt::format("{} « {} » : {}.", t_("Analyse de sensibilité demandée", "Sensitivity analysis requested"), o_.sensitivity_method, why)) +
           "</p>\n";
      return s + "</section>\n";
    }
    const std::string metric = sj.value("metric", std::string("funding_need"));
    const std::string kind = sj.value("kind", std::string("interval"));
    json rows = json::array();
    for (const auto& it : sj["items"]) {
      json r = it;
      if (!r.contains("label") || r["label"].get<std::string>().empty()) r["label"] = r.value("name", std::string("?"));
      rows.push_back(r);
    }
    json spec;
    if (kind == "index") {
      spec = {{"width", 620}, {"height", {{"step", 22}}}, {"data", {{"values", rows}}},
              {"layer", {{{"mark", {{"type", "bar"}, {"color", "#0072B2"}}},
                          {"encoding", {{"y", {{"field", "label"}, {"type", "nominal"}, {"sort", "-x"}, {"axis", {{"title", nullptr}, {"labelLimit", 260}}}}},
                                        {"x", {{"field", "value"}, {"type", "quantitative"}, {"axis", {{"title", sj.value("axis_title", t_("Indice de sensibilité", "Sensitivity index"))}}}}}}}},
                         {{"mark", {{"type", "rule"}, {"color", "#000000"}}},
                          {"encoding", {{"y", {{"field", "label"}, {"type", "nominal"}, {"sort", "-x"}}},
                                        {"x", {{"field", "ci_low"}, {"type", "quantitative"}}}, {"x2", {{"field", "ci_high"}}}}}}}}};
    } else {
      // two segments per assumption, from the base-case value to the metric with the input at
      // its low value and at its high value: the colour says which end is which
      const double base = sj.contains("base") && sj["base"].is_number() ? sj["base"].get<double>() : NAN;
      const std::string lo_label = sj.value("low_label", t_("hypothèse basse", "low assumption"));
      const std::string hi_label = sj.value("high_label", t_("hypothèse haute", "high assumption"));
      json segs = json::array();
      for (auto& r : rows) {
        const double lo = r.value("low", 0.0), hi = r.value("high", 0.0);
        const double from = std::isfinite(base) ? base : std::min(lo, hi);
        const double width = std::fabs(hi - lo);
        segs.push_back({{"label", r["label"]}, {"from", from}, {"to", lo}, {"end", lo_label}, {"width", width}, {"low", lo}, {"high", hi}});
        segs.push_back({{"label", r["label"]}, {"from", from}, {"to", hi}, {"end", hi_label}, {"width", width}, {"low", lo}, {"high", hi}});
      }
      rows = segs;
      json bars = {{"mark", {{"type", "bar"}}},
                   {"encoding", {{"y", {{"field", "label"}, {"type", "nominal"}, {"sort", {{"field", "width"}, {"order", "descending"}}}, {"axis", {{"title", nullptr}, {"labelLimit", 320}}}}},
                                 {"x", {{"field", "from"}, {"type", "quantitative"}, {"scale", {{"zero", false}}}, {"axis", sj.value("money", true) ? axis_money(sj.value("axis_title", metric)) : json{{"title", sj.value("axis_title", metric)}}}}},
                                 {"x2", {{"field", "to"}}},
                                 {"color", {{"field", "end"}, {"type", "nominal"}, {"scale", {{"domain", {lo_label, hi_label}}, {"range", {"#D55E00", "#0072B2"}}}},
                                            {"legend", {{"title", nullptr}, {"labelLimit", 400}, {"orient", "top"}, {"direction", "vertical"}}}}},
                                 {"tooltip", {{{"field", "label"}, {"title", t_("Hypothèse", "Assumption")}},
                                              {{"field", "low"}, {"title", lo_label}, {"format", ",.4~r"}},
                                              {{"field", "high"}, {"title", hi_label}, {"format", ",.4~r"}}}}}}};
      json layers = json::array({bars});
      if (std::isfinite(base))
        layers.push_back({{"data", {{"values", json::array({json::object()})}}}, {"mark", {{"type", "rule"}, {"color", "#000000"}, {"strokeDash", {4, 3}}}},
                          {"encoding", {{"x", {{"datum", base}, {"type", "quantitative"}}}}}});
      spec = {{"width", 620}, {"height", {{"step", 22}}}, {"data", {{"values", rows}}}, {"layer", layers}};
    }
    s += figure("chart-sensitivity", spec, t_("Sensibilité", "Sensitivity") + std::string(" (") + o_.sensitivity_method + ")",
                esc(t_("Chaque barre montre l'effet d'une hypothèse sur l'indicateur ; les plus longues sont celles à vérifier en priorité.",
                       "Each bar shows the effect of one assumption on the indicator; the longest ones are those to check first.") +
                    (sj.contains("note") ? " " + sj["note"].get<std::string>() : std::string())));
    return s + "</section>\n";
  }

  // hook: the chart of report_sensitivity_time.cpp
  std::string sensitivity_over_time_section() {
    if (o_.sensitivity_over_time.is_null()) return {};
    ReportFigureSpec f = sensitivity_over_time_figure(o_.sensitivity_over_time, fr_);
    return "<section id=\"sensitivity-over-time\">\n" + figure(f.id, f.spec, f.title, f.caption_html) + "</section>\n";
  }

  // ---------------------------------------------------------------- checks
  std::string checks_section() const {
    std::string s = "<section id=\"checks\">\n<h2>" + esc(t_("Contrôles du scénario", "Scenario checks")) + "</h2>\n";
    if (plan_.checks.empty()) return s + "<p>" + esc(t_("Le scénario ne déclare aucun contrôle.", "The scenario declares no check.")) + "</p>\n</section>\n";
    s += "<p class=\"src\">" + esc(t_("Probabilité qu'une règle soit enfreinte au moins un exercice, puis exercice par exercice (± erreur type).",
                                     "Probability that a rule is broken in at least one fiscal year, then year by year (± standard error).")) + "</p>\n";
    s += "<div class=\"scroll\"><table id=\"checks-table\"><tr><th>" + esc(t_("Contrôle", "Check")) + "</th><th>" + esc(t_("Règle", "Rule")) +
         "</th><th class=\"num\">" + esc(t_("Enfreint", "Breached")) + "</th>";
    for (int y = 0; y < Y_; ++y) s += "<th class=\"num\">" + esc(year_label(y)) + "</th>";
    s += "</tr>\n";
    for (std::size_t c = 0; c < plan_.checks.size(); ++c) {
      Probability p = estimate_probability(run_.check_breaches[c], N_);
      s += "<tr><td>" + esc(plan_.checks[c].name) + "</td><td><code>" + esc(plan_.checks[c].text) + "</code></td>";
      s += fmt::format("<td class=\"num\"{}>{} <span class=\"range\">± {}</span></td>", kv("check." + plan_.checks[c].name, p.p), pct(p.p), pct(p.se));
      for (int y = 0; y < Y_; ++y) {
        std::uint64_t app = run_.check_year_applicable[c * Y_ + y];
        s += "<td class=\"num\">" + (app ? pct(static_cast<double>(run_.check_year_breaches[c * Y_ + y]) / app) : std::string(kDash)) + "</td>";
      }
      s += "</tr>\n";
    }
    return s + "</table></div>\n</section>\n";
  }

  // ---------------------------------------------------------------- assumptions
  std::string assumptions_section() const {
    std::string s = "<section id=\"assumptions\">\n<h2>" + esc(t_("Hypothèses", "Assumptions")) + "</h2>\n";
    s += "<p class=\"src\">" + esc(t_("Chaque hypothèse du scénario : sa loi de probabilité et ses paramètres tels qu'écrits, "
                                     "sa valeur dans le cas de base et l'intervalle où elle tombe 9 fois sur 10 (P5–P95). "
                                     "Une hypothèse fixe a la même valeur dans tous les scénarios simulés.",
                                     "Every assumption of the scenario: its probability law and parameters as written, its value "
                                     "in the base case and the interval it falls in 9 times out of 10 (P5–P95). A fixed "
                                     "assumption has the same value on every path.")) + "</p>\n";
    s += "<div class=\"scroll\"><table id=\"assumptions-table\"><tr><th>" + esc(t_("Hypothèse", "Assumption")) + "</th><th>" +
         esc(t_("Loi", "Law")) + "</th><th>" + esc(t_("Paramètres", "Parameters")) +
         "</th><th class=\"num\">" + esc(t_("Cas de base", "Base case")) + "</th><th class=\"num\">P5 – P95</th></tr>\n";
    for (const AssumptionRow& a : assumption_rows(sc_, plan_, base_, fr_ ? Lang::fr : Lang::en)) {
      // the label (and unit) first, the name in small type
      std::string who = a.label.empty() ? "<code>" + esc(a.name) + "</code>"
                                        : esc(a.label) + (a.unit.empty() ? "" : " <span class=\"unit\">(" + esc(a.unit) + ")</span>") +
                                              "<br><code class=\"name\">" + esc(a.name) + "</code>";
      if (a.label.empty() && !a.unit.empty()) who += " <span class=\"unit\">(" + esc(a.unit) + ")</span>";
      std::string law = a.law + (a.each_month ? t_(", tirée chaque mois", ", drawn every month") : "");
      std::string params;
      for (std::size_t i = 0; i < a.params.size(); ++i) {
        const auto& [name, text] = a.params[i];
        std::string v = text.size() > 1 && text.front() == '[' ? text : fmt_param(text, fr_);
        params += (i ? ", " : "") + (name.empty() ? "" : name + " ") + v;
      }
      std::string range = !a.uncertain ? fmt_value(a.base, fr_)
                          : std::isfinite(a.p5) ? fmt_value(a.p5, fr_) + " – " + fmt_value(a.p95, fr_)
                                                : t_("dépend d'autres hypothèses", "depends on other inputs");
      s += "<tr><td>" + who + "</td><td>" + esc(law) + "</td><td>" + esc(params) + "</td><td class=\"num\">" +
           esc(fmt_value(a.base, fr_)) + "</td><td class=\"num\">" + esc(range) + "</td></tr>\n";
    }
    s += "</table></div>\n";
    if (!plan_.correlations.empty()) {
      s += "<p>" + esc(t_("Corrélations (rang de Spearman) :", "Correlations (Spearman rank):")) + " ";
      for (std::size_t i = 0; i < plan_.correlations.size(); ++i) {
        const auto& c = plan_.correlations[i];
        s += (i ? ", " : "") + esc(plan_.uniform_names[c.row_a] + " ↔ " + plan_.uniform_names[c.row_b] + " " + fmt_dec(c.rho, fr_, 2));
      }
      s += "</p>\n";
    }
    return s + "</section>\n";
  }

  // ---------------------------------------------------------------- method
  std::string method_section() const {
    std::string s = "<section id=\"method\" class=\"method\">\n<h2>" + esc(t_("Méthode et lecture", "Method and how to read this report")) + "</h2>\n<ul>\n";
    auto li = [&](const char* f, const char* e) { s += "<li>" + esc(t_(f, e)) + "</li>\n"; };
    li("Un scénario simulé est un avenir possible du projet : chaque hypothèse incertaine est tirée selon sa loi, puis le "
       "prévisionnel complet (compte de résultat, trésorerie, bilan) est calculé mois par mois. Le rapport résume "
       "des milliers de scénarios.",
       "A path is one possible future of the project: every uncertain assumption is drawn from its law, then the full "
       "projection (income statement, cash, balance sheet) is computed month by month. The report summarises thousands "
       "of paths.");
    li("Un percentile se lit ainsi : P10 = 10 % des scénarios font moins bien que cette valeur ; P50 (médiane) = la moitié ; "
       "P90 = 90 % des scénarios font moins que cette valeur. L'intervalle P10–P90 contient 8 scénarios sur 10.",
       "A percentile reads: P10 = 10% of the paths are below this value; P50 (median) = half of them; P90 = 90% of the "
       "paths are below it. The P10–P90 interval holds 8 paths in 10.");
    li("Les bandes de l'éventail de trésorerie sont calculées mois par mois : ce ne sont pas des trajectoires. Un scénario "
       "peut passer d'une bande à l'autre ; le minimum d'un scénario n'est pas lu sur les bandes mais calculé scénario par scénario "
       "(besoin de financement, trésorerie minimale).",
       "The cash fan chart bands are computed month by month: they are not trajectories. A path may cross from one band to "
       "another; a path's minimum is not read off the bands but computed path by path (funding need, minimum cash).");
    li("Les probabilités sont des parts de scénarios ; leur erreur type (±) mesure la précision due au nombre de scénarios, "
       "pas l'incertitude des hypothèses elles-mêmes.",
       "Probabilities are shares of paths; their standard error (±) measures the precision due to the number of paths, "
       "not the uncertainty of the assumptions themselves.");
    li("Le cas de base fixe chaque hypothèse à sa valeur centrale (le mode pour les lois triangulaires et PERT, la médiane "
       "sinon). Les ressources par exercice, les versements de subventions marqués sur l'éventail, le plan de financement "
       "et les lignes † du compte de résultat viennent du cas de base ; les autres chiffres viennent des scénarios simulés.",
       "The base case sets every assumption at its central value (the mode for triangular and PERT laws, the median "
       "otherwise). Resources by fiscal year, the subsidy payments marked on the fan chart, the financing plan and the † "
       "lines of the income statement come from the base case; every other figure comes from the simulated paths.");
    s += "<li>" + esc(fmt::format(
                      "{} {}.",
                      t_("Les quantiles mensuels et annuels viennent d'une esquisse déterministe dont l'erreur de rang maximale est",
                         "Monthly and annual quantiles come from a deterministic sketch whose worst-case rank error is"),
                      pct(max_rank_error(), 2))) +
         "</li>\n";
    li("Les montants sont en euros hors taxes quand la structure est assujettie à la TVA. Un exercice marqué * est incomplet.",
       "Amounts are euros excluding VAT when the organisation is subject to VAT. A fiscal year marked * is incomplete.");
    li("Le même fichier, la même graine et le même nombre de scénarios redonnent exactement les mêmes chiffres ; "
       "l'empreinte SHA-256 du fichier permet de vérifier qu'un rapport correspond à ses hypothèses.",
       "The same file, seed and number of paths give exactly the same figures; the file's SHA-256 fingerprint lets anyone "
       "check that a report matches its inputs.");
    return s + "</ul>\n</section>\n";
  }
  double max_rank_error() const {
    double e = 0;
    for (const auto& b : run_.series) e = std::max(e, b.rank_error_bound());
    return e;
  }

  const Scenario& sc_;
  const Plan& plan_;
  const RunResult& run_;
  const BaseCase& base_;
  const ReportOptions& o_;
  bool fr_;
  Tr t_;
  std::size_t N_ = 0;
  int Y_ = 0;
  json bj_;
  json charts_ = json::array();
};

}  // namespace

std::string render_report(const Scenario& sc, const Plan& plan, const RunResult& run, const BaseCase& base,
                          const ReportOptions& options) {
  Assets assets;
  std::string why;
  if (!load_assets(assets, &why)) throw ReportError(why);
  if (options.lang != "fr" && options.lang != "en") throw ReportError("report language must be fr or en, not '" + options.lang + "'");
  Report r(sc, plan, run, base, options);
  return r.render(assets);
}

void write_report(const std::string& path, const Scenario& sc, const Plan& plan, const RunResult& run, const BaseCase& base,
                  const ReportOptions& options) {
  write_file_atomic(path, render_report(sc, plan, run, base, options));
}

}  // namespace amorce
