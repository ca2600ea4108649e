#include "amorce/report_sensitivity_time.hpp"

#include "amorce/messages.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "amorce/evaluate.hpp"
#include "report_detail.hpp"

namespace amorce {

namespace {

}  // namespace

nlohmann::json sensitivity_over_time_block(const Plan& plan, const SensitivityOverTime& r, bool fr, std::size_t leading,
                                           const Scenario* sc) {
  const bool sobol = r.method == "sobol";
  const std::size_t M = r.month_count(), F = r.factor_count();
  auto share = [&](std::size_t t, std::size_t f) {
    double v = sobol ? r.at(r.first_order, t, f) : r.at(r.srrc, t, f);
    if (!std::isfinite(v)) return 0.0;
    if (!sobol) v *= v;
    return std::clamp(v, 0.0, 1.0);
  };
  // leading factors: largest share summed over the months (every month counts the same)
  std::vector<double> weight(F, 0);
  for (std::size_t t = 0; t < M; ++t)
    if (r.variance[t] > 0)
      for (std::size_t f = 0; f < F; ++f) weight[f] += share(t, f);
  std::vector<std::size_t> order(F);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return weight[a] > weight[b]; });
  const std::size_t shown = F > leading + 1 ? leading : F;
  const std::string others = fr ? "autres hypothèses" : "other assumptions";
  const std::string rest = sobol ? (fr ? "interactions entre hypothèses" : "interactions between assumptions")
                                 : (fr ? "non expliqué (effets non linéaires)" : "not explained (non-linear effects)");
  nlohmann::json rows = nlohmann::json::array();
  for (std::size_t t = 0; t < M; ++t) {
    if (!(r.variance[t] > 0)) continue;
    const std::string date = r.months[t] + "-01";
    double sum = 0, other = 0;
    int k = 0;
    for (std::size_t i = 0; i < F; ++i) {
      const std::size_t f = order[i];
      const double v = share(t, f);
      sum += v;
      if (i < shown) {
        std::string label = r.factors[f] == "(other randomness)" ? (fr ? "autres aléas (décisions d'octroi, tirages mensuels)"
                                                                       : "other randomness (grant decisions, monthly draws)")
                                                                 : r.factors[f];
        if (sc && r.factors[f] != "(other randomness)") {
          const auto [lab, unit] = label_of(*sc, r.factors[f]);
          if (!lab.empty()) label = display_name(r.factors[f], lab, unit, true);
        }
        rows.push_back({{"date", date}, {"month", r.months[t]}, {"factor", r.factors[f]}, {"label", label}, {"share", v}, {"order", k++}});
      } else {
        other += v;
      }
    }
    if (shown < F) rows.push_back({{"date", date}, {"month", r.months[t]}, {"factor", "(others)"}, {"label", others}, {"share", other}, {"order", k++}});
    const double remainder = sobol ? 1 - sum : 1 - (std::isfinite(r.r2[t]) ? r.r2[t] : sum);
    rows.push_back({{"date", date}, {"month", r.months[t]}, {"factor", "(rest)"}, {"label", rest}, {"share", std::clamp(remainder, 0.0, 1.0)}, {"order", k++}});
  }
  (void)plan;
  return {{"method", r.method}, {"metric", r.metric}, {"n", r.n}, {"model_runs", r.model_runs}, {"rows", rows}};
}

nlohmann::json report_sensitivity_over_time(const Plan& plan, const std::string& method, const RunOptions& run, bool fr,
                                           const Scenario* sc) {
  SensitivityOptions so;
  if (method == "sobol") so.method = SensitivityMethod::sobol;
  else if (method == "correlation") so.method = SensitivityMethod::correlation;
  else throw std::invalid_argument("--sensitivity-over-time must be sobol or correlation, not '" + method + "'");
  so.seed = run.seed;
  so.threads = run.threads;
  so.sampling = run.sampling;
  so.bootstrap = 0;
  return sensitivity_over_time_block(plan, run_sensitivity_over_time(plan, "cash", so), fr, 6, sc);
}

ReportFigureSpec sensitivity_over_time_figure(const nlohmann::json& block, bool fr) {
  const bool sobol = block.value("method", std::string("sobol")) == "sobol";
  ReportFigureSpec f;
  f.id = "chart-sensitivity-time";
  f.title = fr ? "Ce qui explique la trésorerie, mois par mois" : "What drives cash, month by month";
  const nlohmann::json x = {{"field", "date"}, {"type", "temporal"}, {"timeUnit", "utcyearmonth"},
                            {"axis", {{"title", nullptr}, {"format", "%b %Y"}, {"labelAngle", 0}, {"tickCount", 8}}}};
  const nlohmann::json y = {{"field", "share"}, {"type", "quantitative"}, {"stack", "zero"}, {"scale", {{"domain", {0, 1}}}},
                            {"axis", {{"title", fr ? "part de la variance de la trésorerie" : "share of the variance of cash"},
                                      {"format", ".0%"}}}};
  f.spec = {{"width", 620}, {"height", 280}, {"data", {{"values", block["rows"]}}},
            {"mark", {{"type", "area"}, {"interpolate", "step-after"}, {"opacity", 0.9}}},
            {"encoding", {{"x", x}, {"y", y},
                          {"color", {{"field", "label"}, {"type", "nominal"}, {"sort", {{"field", "order"}}},
                                     {"scale", {{"scheme", "tableau10"}}}, {"legend", {{"title", nullptr}, {"columns", 2}, {"labelLimit", 320}}}}},
                          {"order", {{"field", "order"}, {"type", "quantitative"}}},
                          {"tooltip", {{{"field", "month"}, {"title", fr ? "mois" : "month"}},
                                       {{"field", "label"}, {"title", fr ? "hypothèse" : "assumption"}},
                                       {{"field", "share"}, {"title", fr ? "part" : "share"}, {"format", ".1%"}}}}}}};
  const long long runs = block.value("model_runs", 0LL);
  std::string cap =
      sobol ? (fr ? "Chaque bande est la part de l'incertitude sur la trésorerie du mois due à une hypothèse seule (indice de Sobol du "
                    "premier ordre) ; la bande du haut est la part due aux combinaisons d'hypothèses."
                  : "Each band is the share of the uncertainty on the month's cash due to one assumption alone (first-order Sobol "
                    "index); the top band is the share due to combinations of assumptions.")
            : (fr ? "Chaque bande est la part de l'incertitude sur la trésorerie du mois expliquée par une hypothèse (carré du "
                    "coefficient de régression sur les rangs) ; la bande du haut est la part non expliquée."
                  : "Each band is the share of the uncertainty on the month's cash explained by one assumption (squared "
                    "standardised rank regression coefficient); the top band is the part not explained.");
  cap += fmt::format(fmt::runtime(fr ? " Un seul plan d'expérience pour tous les mois : {} scénarios simulés." : " One design for every month: {} simulated scenarios."),
                     runs);
  f.caption_html = report_detail::esc(cap);
  return f;
}

}  // namespace amorce
