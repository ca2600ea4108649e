// Report sections for the analyst: the key indicators at any percentile, and the inputs next
// to the outputs (scatter plots of the top drivers against the chosen metric).
#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "amorce/messages.hpp"
#include "amorce/stats.hpp"
#include "report_detail.hpp"

namespace amorce::report_detail {

using nlohmann::json;

namespace {

bool money_indicator(Indicator k) {
  return k == Indicator::min_cash || k == Indicator::funding_need || k == Indicator::cash_end || k == Indicator::npv;
}

/// Average ranks (ties share their mean rank); NaN ranks last (+infinity: "never reached").
std::vector<double> ranks(const double* x, std::size_t n) {
  std::vector<std::size_t> idx(n);
  std::iota(idx.begin(), idx.end(), 0);
  auto key = [&](std::size_t i) { return std::isnan(x[i]) ? INFINITY : x[i]; };
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return key(a) < key(b); });
  std::vector<double> r(n);
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j + 1 < n && key(idx[j + 1]) == key(idx[i])) ++j;
    const double mean_rank = 0.5 * static_cast<double>(i + j);
    for (std::size_t k = i; k <= j; ++k) r[idx[k]] = mean_rank;
    i = j + 1;
  }
  return r;
}

/// Spearman's rank correlation; NaN when either side is constant.
double spearman(const std::vector<double>& ra, const std::vector<double>& rb) {
  const double n = static_cast<double>(ra.size());
  const double ma = std::accumulate(ra.begin(), ra.end(), 0.0) / n, mb = std::accumulate(rb.begin(), rb.end(), 0.0) / n;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < ra.size(); ++i) {
    sab += (ra[i] - ma) * (rb[i] - mb);
    saa += (ra[i] - ma) * (ra[i] - ma);
    sbb += (rb[i] - mb) * (rb[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : NAN;
}

}  // namespace

std::string percentiles_section(const SectionContext& c) {
  const Tr& t = c.t;
  const Lang lang = c.fr() ? Lang::fr : Lang::en;
  const auto& pcts = c.plan.outputs.quantiles;
  const json summary = run_summary_json(c.plan, c.run);
  std::string s = "<section id=\"percentiles\">\n<h2>" + esc(t("Indicateurs clés par percentile", "Key indicators by percentile")) + "</h2>\n";
  s += "<p class=\"src\">" +
       esc(t("Pn : n % des scénarios simulés font moins que cette valeur. Calculés sur chaque scénario simulé, exactement ; "
             "« jamais » : le point mort n'est pas atteint dans l'horizon à ce percentile.",
             "Pn: n % of the simulated paths are below this value. Computed exactly over every simulated path; "
             "\"never\": breakeven is not reached within the horizon at this percentile.")) +
       "</p>\n";
  s += "<div class=\"scroll\"><table id=\"percentiles-table\"><tr><th>" + esc(t("Indicateur", "Indicator")) + "</th>";
  for (double p : pcts) s += fmt::format("<th class=\"num\">P{:g}</th>", p);
  s += "</tr>\n";
  for (Indicator k : {Indicator::funding_need, Indicator::min_cash, Indicator::cash_end, Indicator::npv, Indicator::breakeven_month}) {
    const std::string name = indicator_name(k);
    const json& q = summary["indicators"][name]["quantiles"];
    s += "<tr><td>" + esc(std::string(indicator_label(k, lang))) + "<br><code class=\"name\">" + esc(name) + "</code></td>";
    for (double p : pcts) {
      const std::string key = fmt::format("p{:g}", p);
      const double v = q.contains(key) && q[key].is_number() ? q[key].get<double>() : NAN;
      std::string text = !std::isfinite(v)                                     ? std::string(msg(Msg::never, lang))
                         : money_indicator(k) ? format_money(v, c.fr() ? "fr" : "en")
                                              : fmt_dec(v, c.fr(), 0);
      s += fmt::format("<td class=\"num\" data-key=\"{}.{}\" data-value=\"{}\">{}</td>", esc(name), key,
                       std::isfinite(v) ? fmt::format("{:.17g}", v) : "null", esc(text));
    }
    s += "</tr>\n";
  }
  return s + "</table></div>\n</section>\n";
}

std::string drivers_section(const SectionContext& c) {
  const Tr& t = c.t;
  const Lang lang = c.fr() ? Lang::fr : Lang::en;
  const std::size_t N = c.paths();
  const std::size_t K = c.plan.uniform_names.size();
  if (N < 3 || K == 0 || c.run.kept_inputs.size() != K * N) return {};
  Indicator metric = Indicator::min_cash;
  for (int k = 0; k < kIndicatorCount; ++k)
    if (c.options.scatter_metric == indicator_name(static_cast<Indicator>(k))) metric = static_cast<Indicator>(k);
  const double* y = c.run.indicator(metric);
  const double* shortfall = c.run.indicator(Indicator::shortfall);
  // the drivers: inputs ranked by |Spearman correlation| with the metric, on every path
  const std::vector<double> ry = ranks(y, N);
  std::vector<std::pair<double, std::size_t>> order;
  for (std::size_t k = 0; k < K; ++k) {
    const double rho = spearman(ranks(c.run.kept_input(k), N), ry);
    if (std::isfinite(rho)) order.push_back({rho, k});
  }
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return std::fabs(a.first) > std::fabs(b.first); });
  if (order.size() > 4) order.resize(4);
  if (order.empty()) return {};
  // at most ~1 500 points per chart: every stride-th path (a deterministic subsample)
  const std::size_t stride = (N + 1499) / 1500;
  const std::size_t shown = (N + stride - 1) / stride;
  const std::string metric_name = indicator_name(metric);
  const std::string metric_label = std::string(indicator_label(metric, lang));
  const std::string yes = t("trésorerie négative au moins un mois", "cash negative in some month");
  const std::string no = t("trésorerie toujours positive", "cash never negative");

  std::string s = "<section id=\"drivers\">\n<h2>" + esc(t("Hypothèses et résultat, scénario par scénario", "Inputs against the outcome, path by path")) + "</h2>\n";
  s += "<p class=\"src\" id=\"drivers-note\">" +
       esc(fmt::format(fmt::runtime(t("Chaque point est un scénario simulé : en abscisse la valeur tirée d'une hypothèse, en ordonnée « {} ». "
                                      "Les hypothèses montrées sont les {} plus liées au résultat (corrélation de rang de Spearman ρ). "
                                      "En orange, les scénarios où la trésorerie devient négative. {}",
                                      "Each point is a simulated path: across, the value drawn for an input; up, \"{}\". "
                                      "The inputs shown are the {} most related to the outcome (Spearman rank correlation ρ). "
                                      "In orange, the paths where cash goes negative. {}")),
                       metric_label, order.size(),
                       stride > 1 ? fmt::format(fmt::runtime(t("Pour alléger la page, {} scénarios sur {} sont dessinés (un sur {}) ; ρ est calculé sur tous.",
                                                               "To keep the page small, {} paths of {} are drawn (one in {}); ρ uses them all.")),
                                                group_digits(static_cast<double>(shown), c.fr() ? kNarrowNbsp : ","),
                                                group_digits(static_cast<double>(N), c.fr() ? kNarrowNbsp : ","), stride)
                                  : std::string())) +
       "</p>\n";
  int n = 0;
  for (const auto& [rho, k] : order) {
    const std::string& name = c.plan.uniform_names[k];
    const auto [label, unit] = label_of(c.sc, name);
    const std::string x_title = display_name(name, label, unit, true);
    json pts = json::array();
    const double* x = c.run.kept_input(k);
    for (std::size_t i = 0; i < N; i += stride) {
      if (!std::isfinite(x[i]) || !std::isfinite(y[i])) continue;
      pts.push_back({{"x", x[i]}, {"y", y[i]}, {"s", shortfall[i] != 0 ? yes : no}});
    }
    json yaxis = {{"title", metric_label + (money_indicator(metric) ? " (€)" : "")}};
    if (money_indicator(metric)) yaxis["format"] = "$,.0f";
    // a fixed plot size (autosize "pad"): fit-x would shrink the plot to make room for a long title
    json spec = {{"width", 520},
                 {"height", 260},
                 {"autosize", {{"type", "pad"}}},
                 {"data", {{"values", pts}}},
                 {"mark", {{"type", "circle"}, {"size", 14}, {"opacity", 0.55}}},
                 {"encoding",
                  {{"x", {{"field", "x"}, {"type", "quantitative"}, {"scale", {{"zero", false}}}, {"axis", {{"title", display_name(name, label, unit, false)}, {"titleLimit", 520}}}}},
                   {"y", {{"field", "y"}, {"type", "quantitative"}, {"axis", yaxis}}},
                   {"color", {{"field", "s"}, {"type", "nominal"}, {"scale", {{"domain", {no, yes}}, {"range", {"#0072B2", "#E69F00"}}}},
                              {"legend", {{"title", nullptr}, {"labelLimit", 400}, {"orient", "top"}}}}},
                   {"tooltip", {{{"field", "x"}, {"title", x_title}, {"format", ",.4~r"}},
                                {{"field", "y"}, {"title", metric_label}, {"format", ",.4~r"}}}}}}};
    s += c.figure(fmt::format("chart-driver-{}", ++n), spec,
                  fmt::format("{} — ρ = {}", label.empty() ? name : label, fmt_dec(rho, c.fr(), 2)),
                  esc(fmt::format(fmt::runtime(t("Abscisse : {} ; ordonnée : {} [{}].", "Across: {}; up: {} [{}].")), x_title,
                                  metric_label, metric_name)));
  }
  return s + "</section>\n";
}

}  // namespace amorce::report_detail
