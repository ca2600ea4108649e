// The portfolio section of the funder's report (docs/portfolio.md): one self-contained HTML
// page in French, tables and inline SVG only (no script), so it opens offline from an email.
#include <algorithm>
#include <numeric>
#include <sstream>

#include <fmt/format.h>

#include "amorce/atomic_file.hpp"
#include "amorce/portfolio.hpp"
#include "amorce/report.hpp"
#include "report_detail.hpp"

namespace amorce {

namespace {

using report_detail::esc;  // the report's HTML escaping

std::string pct(double p) { return fmt::format("{:.1f}&nbsp;%", 100 * p); }

/// Bars of P(k projects in shortfall), shocks on (dark) and off (light).
std::string count_chart(const PortfolioResult& r) {
  const double N = static_cast<double>(r.paths);
  std::size_t kmax = 0;
  for (std::size_t k = 0; k < r.on.count_hist.size(); ++k)
    if (r.on.count_hist[k] || r.off.count_hist[k]) kmax = k;
  double pmax = 0;
  for (std::size_t k = 0; k <= kmax; ++k)
    pmax = std::max({pmax, static_cast<double>(r.on.count_hist[k]) / N, static_cast<double>(r.off.count_hist[k]) / N});
  if (pmax <= 0) return "";
  const double width = 640, height = 180, slot = width / static_cast<double>(kmax + 1);
  std::ostringstream s;
  s << fmt::format("<svg viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"projets en difficulté\">",
                   width, height + 20, width, height + 20);
  for (std::size_t k = 0; k <= kmax; ++k) {
    const double x = static_cast<double>(k) * slot;
    const double hon = height * static_cast<double>(r.on.count_hist[k]) / N / pmax;
    const double hoff = height * static_cast<double>(r.off.count_hist[k]) / N / pmax;
    s << fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"#1f4e79\"/>", x, height - hon,
                     slot * 0.45, hon);
    s << fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"#9dc3e6\"/>", x + slot * 0.45,
                     height - hoff, slot * 0.45, hoff);
    if (kmax <= 30 || k % ((kmax + 29) / 30) == 0)
      s << fmt::format("<text x=\"{:.1f}\" y=\"{}\" font-size=\"10\">{}</text>", x, height + 14, k);
  }
  s << "</svg>";
  return s.str();
}

}  // namespace

std::string render_portfolio_report(const Portfolio& pf, const PortfolioResult& r) {
  const double N = static_cast<double>(r.paths);
  auto eur = [](double v) { return format_money(v, "fr"); };
  std::ostringstream h;
  h << "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Portefeuille — " << esc(pf.spec.name)
    << "</title><style>body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}"
       "table{border-collapse:collapse;margin:1em 0}td,th{padding:.25em .6em;border-bottom:1px solid #ddd;text-align:right}"
       "td:first-child,th:first-child{text-align:left}.note{color:#555;font-size:.9em}</style></head><body>";
  h << "<h1>Portefeuille : " << esc(pf.spec.name) << "</h1>";
  h << fmt::format("<p class=\"note\">{} projets, {} trajectoires, graine {}, amorce {}.</p>", pf.members.size(), r.paths,
                   r.seed, AMORCE_VERSION);
  h << "<h2>Risque du portefeuille</h2><table><tr><th></th><th>chocs communs</th><th>sans chocs</th></tr>";
  auto row = [&](const std::string& label, const std::string& on, const std::string& off) {
    h << "<tr><td>" << label << "</td><td>" << on << "</td><td>" << off << "</td></tr>";
  };
  row("Projets en difficulté (moyenne)", fmt::format("{:.1f}", r.on.count_mean), fmt::format("{:.1f}", r.off.count_mean));
  row("Projets en difficulté (P90 / P99)", fmt::format("{:.0f} / {:.0f}", r.on.count_p90, r.on.count_p99),
      fmt::format("{:.0f} / {:.0f}", r.off.count_p90, r.off.count_p99));
  row("Besoin de financement P50", eur(r.on.funding_p50), eur(r.off.funding_p50));
  row("Besoin de financement P90", eur(r.on.funding_p90), eur(r.off.funding_p90));
  row("Besoin de financement P99", eur(r.on.funding_p99), eur(r.off.funding_p99));
  row("Perte attendue", eur(r.on.loss.expected), eur(r.off.loss.expected));
  row("Perte VaR 95 % / 99 %", eur(r.on.loss.var95) + " / " + eur(r.on.loss.var99), eur(r.off.loss.var95) + " / " + eur(r.off.loss.var99));
  row("Perte moyenne au-delà (ES) 95 % / 99 %", eur(r.on.loss.es95) + " / " + eur(r.on.loss.es99),
      eur(r.off.loss.es95) + " / " + eur(r.off.loss.es99));
  row("Subventions engagées exposées (P99)", eur(r.on.grants_p99), eur(r.off.grants_p99));
  h << "</table>";
  if (r.on.loss.es99 > 0)
    h << fmt::format("<p>Part systémique de l'ES 99 % (due aux chocs communs et au facteur) : <b>{:.0f}&nbsp;%</b>.</p>",
                     100 * (r.on.loss.es99 - r.off.loss.es99) / r.on.loss.es99);
  h << "<h2>Nombre de projets en difficulté</h2>" << count_chart(r)
    << "<p class=\"note\">Foncé : chocs communs ; clair : chaque projet tire ses propres chocs.</p>";
  std::vector<std::size_t> order(pf.members.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return r.on.loss.contrib99[a] > r.on.loss.contrib99[b]; });
  h << "<h2>Contribution des projets</h2><table><tr><th>Projet</th><th>P(difficulté)</th><th>sans chocs</th>"
       "<th>perte si défaut</th><th>perte attendue</th><th>part de l'ES 99 %</th></tr>";
  for (std::size_t p : order) {
    const auto& m = pf.members[p];
    const double pon = static_cast<double>(r.on.shortfalls[p]) / N, poff = static_cast<double>(r.off.shortfalls[p]) / N;
    h << "<tr><td>" << esc(m.spec.name) << "</td><td>" << pct(pon) << "</td><td>" << pct(poff) << "</td><td>"
      << eur(m.loss_given_shortfall) << "</td><td>" << eur(pon * m.loss_given_shortfall) << "</td><td>"
      << eur(r.on.loss.contrib99[p]) << "</td></tr>";
  }
  h << "</table>";
  const std::size_t K = r.on.riskiest.size();
  if (K >= 2) {
    h << "<h2>Défaillances conjointes (projets les plus exposés)</h2><table><tr><th></th>";
    for (std::size_t b = 0; b < K; ++b) h << "<th>" << esc(pf.members[static_cast<std::size_t>(r.on.riskiest[b])].spec.name) << "</th>";
    h << "</tr>";
    for (std::size_t a = 0; a < K; ++a) {
      h << "<tr><td>" << esc(pf.members[static_cast<std::size_t>(r.on.riskiest[a])].spec.name) << "</td>";
      for (std::size_t b = 0; b < K; ++b) h << "<td>" << pct(static_cast<double>(r.on.joint[a * K + b]) / N) << "</td>";
      h << "</tr>";
    }
    h << "</table>";
  }
  h << "<p class=\"note\">Un projet est en difficulté sur une trajectoire quand son besoin de financement dépasse le "
       "financement relais prévu (bridge ; 0 : toute trésorerie négative). Perte si défaut : (prêt + quotité garantie × prêt garanti) × (1 − taux de "
       "récupération). ES : moyenne des pertes des 5 % ou 1 % pires trajectoires ; la part de chaque projet est son "
       "allocation d'Euler (elles somment à l'ES).</p></body></html>\n";
  return h.str();
}

void write_portfolio_report(const std::string& path, const Portfolio& pf, const PortfolioResult& r) {
  write_file_atomic(path, render_portfolio_report(pf, r));
}

}  // namespace amorce
