// The funder's figures from the portfolio's per-path columns (docs/portfolio.md): projects in
// shortfall, funding need, loss with VaR / ES and their Euler allocation, joint shortfalls,
// with the shocks on and off. Everything is computed in path order on the full columns, so
// the result depends only on the columns, never on how they were produced.
#include <algorithm>
#include <bit>
#include <cmath>
#include <numeric>
#include <ostream>
#include <sstream>

#include <fmt/format.h>

#include "amorce/atomic_file.hpp"
#include "amorce/base_case.hpp"
#include "amorce/portfolio.hpp"
#include "amorce/stats.hpp"

namespace amorce {

using nlohmann::json;

void value_at_risk(const std::vector<double>& loss, double alpha, double& var, double& es, std::vector<double>* weights) {
  const std::size_t n = loss.size();
  if (n == 0) {
    var = es = NAN;
    return;
  }
  std::vector<double> sorted(loss);
  std::sort(sorted.begin(), sorted.end());
  // the ceil(alpha n)-th smallest (alpha n computed once, rounding guarded)
  std::size_t k = static_cast<std::size_t>(std::ceil(alpha * static_cast<double>(n) - 1e-9));
  k = std::clamp<std::size_t>(k, 1, n);
  var = sorted[k - 1];
  const double tail = (1 - alpha) * static_cast<double>(n);
  std::size_t gt = 0, eq = 0;
  for (double v : loss) {
    gt += v > var;
    eq += v == var;
  }
  const double w_tie = (tail - static_cast<double>(gt)) / static_cast<double>(eq);
  es = 0;
  if (weights) weights->assign(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const double w = loss[i] > var ? 1.0 / tail : loss[i] == var ? w_tie / tail : 0.0;
    es += w * loss[i];
    if (weights) (*weights)[i] = w;
  }
}

namespace {

double mean_of(const std::vector<double>& x) {
  double s = 0;
  for (double v : x) s += v;
  return x.empty() ? NAN : s / static_cast<double>(x.size());
}

PortfolioModeResult summarize_mode(const Portfolio& pf, const PortfolioColumns& c, int mode, std::size_t N,
                                   const std::vector<int>* riskiest_given) {
  const std::size_t P = pf.members.size(), B = kPortfolioBlock, W = kPortfolioWords;
  const std::size_t nb = c.blocks();
  const auto& flags = c.flags[mode];
  PortfolioModeResult r;
  r.shortfalls.assign(P, 0);
  std::vector<double> loss(N, 0.0), grants(N, 0.0), count(N, 0.0);
  for (std::size_t b = 0; b < nb; ++b)
    for (std::size_t p = 0; p < P; ++p) {
      const double lgd = pf.members[p].loss_given_shortfall, grant = pf.members[p].spec.exposure.grant;
      for (std::size_t w = 0; w < W; ++w) {
        std::uint64_t bits = flags[(b * P + p) * W + w];
        r.shortfalls[p] += static_cast<std::uint64_t>(std::popcount(bits));
        while (bits) {
          const std::size_t i = b * B + w * 64 + static_cast<std::size_t>(std::countr_zero(bits));
          bits &= bits - 1;
          loss[i] += lgd;
          grants[i] += grant;
          count[i] += 1;
        }
      }
    }
  // projects in shortfall
  r.count_hist.assign(P + 1, 0);
  for (double k : count) ++r.count_hist[static_cast<std::size_t>(k)];
  r.count_mean = mean_of(count);
  std::vector<double> sorted(count);
  std::sort(sorted.begin(), sorted.end());
  r.count_p50 = quantile_sorted(sorted.data(), N, 0.5);
  r.count_p90 = quantile_sorted(sorted.data(), N, 0.9);
  r.count_p99 = quantile_sorted(sorted.data(), N, 0.99);
  // funding need of the portfolio
  const auto& f = c.funding[mode];
  r.funding_total_mean = mean_of(f);
  sorted.assign(f.begin(), f.end());
  std::sort(sorted.begin(), sorted.end());
  r.funding_p50 = quantile_sorted(sorted.data(), N, 0.5);
  r.funding_p90 = quantile_sorted(sorted.data(), N, 0.9);
  r.funding_p99 = quantile_sorted(sorted.data(), N, 0.99);
  r.funding_max = sorted.back();
  r.funding_mean.assign(P, 0.0);
  for (std::size_t b = 0; b < nb; ++b)
    for (std::size_t p = 0; p < P; ++p) r.funding_mean[p] += c.project_funding[mode][b * P + p];
  for (auto& v : r.funding_mean) v /= static_cast<double>(N);
  // grants committed to projects short of cash
  r.grants_mean = mean_of(grants);
  sorted.assign(grants.begin(), grants.end());
  std::sort(sorted.begin(), sorted.end());
  r.grants_p99 = quantile_sorted(sorted.data(), N, 0.99);
  // loss, VaR, ES and the Euler allocation of ES: a project's share of the tail's weight
  r.loss.expected = mean_of(loss);
  std::vector<double> w95, w99;
  value_at_risk(loss, 0.95, r.loss.var95, r.loss.es95, &w95);
  value_at_risk(loss, 0.99, r.loss.var99, r.loss.es99, &w99);
  r.loss.contrib95.assign(P, 0.0);
  r.loss.contrib99.assign(P, 0.0);
  for (std::size_t b = 0; b < nb; ++b)
    for (std::size_t p = 0; p < P; ++p) {
      const double lgd = pf.members[p].loss_given_shortfall;
      for (std::size_t w = 0; w < W; ++w) {
        std::uint64_t bits = flags[(b * P + p) * W + w];
        while (bits) {
          const std::size_t i = b * B + w * 64 + static_cast<std::size_t>(std::countr_zero(bits));
          bits &= bits - 1;
          r.loss.contrib95[p] += w95[i] * lgd;
          r.loss.contrib99[p] += w99[i] * lgd;
        }
      }
    }
  // the riskiest projects (most paths in shortfall, then file order) and their joint shortfalls
  if (riskiest_given) {
    r.riskiest = *riskiest_given;
  } else {
    std::vector<int> order(P);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return r.shortfalls[a] > r.shortfalls[b]; });
    order.resize(std::min<std::size_t>(P, static_cast<std::size_t>(pf.spec.pairs)));
    r.riskiest = order;
  }
  const std::size_t K = r.riskiest.size();
  r.joint.assign(K * K, 0);
  for (std::size_t a = 0; a < K; ++a)
    for (std::size_t bb = a; bb < K; ++bb) {
      std::uint64_t hits = 0;
      for (std::size_t b = 0; b < nb; ++b)
        for (std::size_t w = 0; w < W; ++w)
          hits += static_cast<std::uint64_t>(std::popcount(flags[(b * P + static_cast<std::size_t>(r.riskiest[a])) * W + w] &
                                                           flags[(b * P + static_cast<std::size_t>(r.riskiest[bb])) * W + w]));
      r.joint[a * K + bb] = r.joint[bb * K + a] = hits;
    }
  return r;
}

json num(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

const char* sampling_name(Sampling s) { return s == Sampling::mc ? "mc" : s == Sampling::lhs ? "lhs" : "sobol"; }

json mode_json(const Portfolio& pf, const PortfolioModeResult& m, std::size_t N) {
  json dist = json::array();
  for (std::size_t k = 0; k < m.count_hist.size(); ++k)
    if (m.count_hist[k]) dist.push_back({{"k", k}, {"p", static_cast<double>(m.count_hist[k]) / static_cast<double>(N)}});
  json names = json::array(), p = json::array(), lift = json::array();
  const std::size_t K = m.riskiest.size();
  for (std::size_t a = 0; a < K; ++a) {
    names.push_back(pf.members[static_cast<std::size_t>(m.riskiest[a])].spec.name);
    json row = json::array(), lrow = json::array();
    const double pa = static_cast<double>(m.shortfalls[static_cast<std::size_t>(m.riskiest[a])]) / static_cast<double>(N);
    for (std::size_t b = 0; b < K; ++b) {
      const double pb = static_cast<double>(m.shortfalls[static_cast<std::size_t>(m.riskiest[b])]) / static_cast<double>(N);
      const double pj = static_cast<double>(m.joint[a * K + b]) / static_cast<double>(N);
      row.push_back(pj);
      lrow.push_back(num(pa > 0 && pb > 0 ? pj / (pa * pb) : NAN));
    }
    p.push_back(row);
    lift.push_back(lrow);
  }
  return {
      {"in_shortfall", {{"mean", num(m.count_mean)}, {"p50", num(m.count_p50)}, {"p90", num(m.count_p90)},
                        {"p99", num(m.count_p99)}, {"distribution", dist}}},
      {"funding_need", {{"mean", num(m.funding_total_mean)}, {"p50", num(m.funding_p50)}, {"p90", num(m.funding_p90)},
                        {"p99", num(m.funding_p99)}, {"max", num(m.funding_max)}}},
      {"loss", {{"expected", num(m.loss.expected)}, {"var95", num(m.loss.var95)}, {"var99", num(m.loss.var99)},
                {"es95", num(m.loss.es95)}, {"es99", num(m.loss.es99)}}},
      {"grants_at_risk", {{"mean", num(m.grants_mean)}, {"p99", num(m.grants_p99)}}},
      {"joint_shortfall", {{"projects", names}, {"p", p}, {"lift", lift}}}};
}

/// (on - off) / on: the share of a risk figure that comes from the shared shocks and factor.
json share(double on, double off) { return on > 0 ? num((on - off) / on) : json(nullptr); }

}  // namespace

PortfolioResult summarize_portfolio(const Portfolio& pf, const PortfolioRunOptions& opt, const PortfolioColumns& all) {
  const std::size_t N = static_cast<std::size_t>(opt.paths);
  if (all.block_begin != 0 || all.block_end != portfolio_blocks(opt.paths) || all.funding[0].size() != N)
    throw std::logic_error("summarize_portfolio needs the columns of every block");
  PortfolioResult r;
  r.paths = opt.paths;
  r.seed = opt.seed;
  r.sampling = opt.sampling;
  r.on = summarize_mode(pf, all, 0, N, nullptr);
  r.off = summarize_mode(pf, all, 1, N, &r.on.riskiest);
  return r;
}

json portfolio_json(const Portfolio& pf, const PortfolioResult& r) {
  const std::size_t N = static_cast<std::size_t>(r.paths);
  json out;
  json shocks = json::array(), factor = json::array();
  for (const auto& s : pf.spec.shocks) shocks.push_back(s.name);
  for (const auto& f : pf.spec.factor) factor.push_back({{"input", f.input}, {"loading", f.loading}, {"projects", f.projects}});
  out["portfolio"] = {{"name", pf.spec.name}, {"projects", pf.members.size()}, {"shocks", shocks},
                      {"factor", {{"name", pf.spec.factor_name}, {"inputs", factor}}}};
  out["run"] = {{"paths", r.paths}, {"seed", r.seed}, {"sampling", sampling_name(r.sampling)},
                {"block_size", kPortfolioBlock}, {"amorce_version", AMORCE_VERSION}};
  out["shocks_on"] = mode_json(pf, r.on, N);
  out["shocks_off"] = mode_json(pf, r.off, N);
  out["systemic_share"] = {{"es99", share(r.on.loss.es99, r.off.loss.es99)},
                           {"es95", share(r.on.loss.es95, r.off.loss.es95)},
                           {"funding_need_p99", share(r.on.funding_p99, r.off.funding_p99)},
                           {"in_shortfall_p99", share(r.on.count_p99, r.off.count_p99)}};
  json projects = json::array();
  for (std::size_t p = 0; p < pf.members.size(); ++p) {
    const PortfolioMember& m = pf.members[p];
    json factor_inputs = json::array();
    for (const auto& [row, w] : m.factor_rows) factor_inputs.push_back({{"input", m.plan.uniform_names[static_cast<std::size_t>(row)]}, {"loading", w}});
    auto side = [&](const PortfolioModeResult& mr) {
      Probability pr = estimate_probability(mr.shortfalls[p], N);
      return json{{"shortfall", {{"p", num(pr.p)}, {"se", num(pr.se)}}},
                  {"funding_need_mean", num(mr.funding_mean[p])},
                  {"expected_loss", num(pr.p * m.loss_given_shortfall)},
                  {"es95_contribution", num(mr.loss.contrib95[p])},
                  {"es99_contribution", num(mr.loss.contrib99[p])}};
    };
    projects.push_back({{"name", m.spec.name}, {"scenario", m.spec.scenario}, {"variant", m.spec.variant},
                        {"seed", m.seed}, {"shocks", m.shocks_used}, {"factor", factor_inputs},
                        {"exposure", {{"loan", m.spec.exposure.loan}, {"guaranteed_loan", m.spec.exposure.guaranteed_loan},
                                      {"guarantee_share", m.spec.exposure.guarantee_share}, {"grant", m.spec.exposure.grant}}},
                        {"recovery", m.spec.recovery}, {"bridge", m.spec.bridge},
                        {"loss_given_shortfall", m.loss_given_shortfall},
                        {"shocks_on", side(r.on)}, {"shocks_off", side(r.off)}});
  }
  out["projects"] = projects;
  return out;
}

void print_portfolio(std::ostream& os, const Portfolio& pf, const PortfolioResult& r) {
  const std::size_t N = static_cast<std::size_t>(r.paths), P = pf.members.size();
  os << "amorce portfolio — " << pf.spec.name << "\n";
  os << fmt::format("{} projects, {} paths, seed {}, sampling {} ({:.2f} s, {} process{} x {} thread{})\n\n", P, N, r.seed,
                    sampling_name(r.sampling), r.seconds, r.ranks, r.ranks > 1 ? "es" : "", r.threads, r.threads > 1 ? "s" : "");
  os << fmt::format("{:<48}{:>16}{:>16}\n", "", "chocs communs", "sans chocs");
  os << fmt::format("{:<48}{:>16}{:>16}\n", "", "shocks on", "shocks off");
  auto row = [&](const std::string& label, double on, double off, bool euros) {
    auto f = [&](double v) { return euros ? format_euros(v) + " €" : fmt::format("{:.1f}", v); };
    os << fmt::format("{:<48}{:>16}{:>16}\n", label, f(on), f(off));
  };
  row("Projets en difficulté   in shortfall  mean", r.on.count_mean, r.off.count_mean, false);
  row("                                      P90", r.on.count_p90, r.off.count_p90, false);
  row("                                      P99", r.on.count_p99, r.off.count_p99, false);
  row("Besoin de financement   funding need  P50", r.on.funding_p50, r.off.funding_p50, true);
  row("                                      P90", r.on.funding_p90, r.off.funding_p90, true);
  row("                                      P99", r.on.funding_p99, r.off.funding_p99, true);
  row("Perte attendue          expected loss", r.on.loss.expected, r.off.loss.expected, true);
  row("Perte VaR 95 %          VaR 95 %", r.on.loss.var95, r.off.loss.var95, true);
  row("Perte VaR 99 %          VaR 99 %", r.on.loss.var99, r.off.loss.var99, true);
  row("Perte moyenne au-delà   ES 95 %", r.on.loss.es95, r.off.loss.es95, true);
  row("                        ES 99 %", r.on.loss.es99, r.off.loss.es99, true);
  row("Subventions exposées    grants at risk P99", r.on.grants_p99, r.off.grants_p99, true);
  if (r.on.loss.es99 > 0)
    os << fmt::format("\nPart systémique de l'ES 99 %  systemic share of ES 99 %: {:.0f} %\n",
                      0.0 + std::round(100 * (r.on.loss.es99 - r.off.loss.es99) / r.on.loss.es99));
  // the projects carrying the tail, largest contribution first
  std::vector<std::size_t> order(P);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return r.on.loss.contrib99[a] != r.on.loss.contrib99[b] ? r.on.loss.contrib99[a] > r.on.loss.contrib99[b]
                                                            : r.on.shortfalls[a] > r.on.shortfalls[b];
  });
  os << fmt::format("\n{:<28}{:>12}{:>12}{:>14}{:>16}\n", "Projet  project", "P(short.)", "sans chocs", "perte att. EL",
                    "part ES 99 %");
  for (std::size_t i = 0; i < std::min<std::size_t>(P, 15); ++i) {
    const std::size_t p = order[i];
    const double pon = static_cast<double>(r.on.shortfalls[p]) / static_cast<double>(N);
    const double poff = static_cast<double>(r.off.shortfalls[p]) / static_cast<double>(N);
    os << fmt::format("{:<28}{:>10.1f} %{:>10.1f} %{:>14}{:>16}\n", pf.members[p].spec.name.substr(0, 27), 100 * pon, 100 * poff,
                      format_euros(pon * pf.members[p].loss_given_shortfall) + " €", format_euros(r.on.loss.contrib99[p]) + " €");
  }
  if (P > 15) os << fmt::format("... and {} more projects (--format json or --out for all)\n", P - 15);
  const std::size_t K = r.on.riskiest.size();
  if (K >= 2) {
    os << "\nDéfaillances conjointes  joint shortfall, riskiest projects (shocks on / off):\n";
    for (std::size_t a = 0; a < K; ++a)
      for (std::size_t b = a + 1; b < K && b < a + 4; ++b)
        os << fmt::format("  {:<24} & {:<24} {:5.1f} % / {:5.1f} %\n",
                          pf.members[static_cast<std::size_t>(r.on.riskiest[a])].spec.name.substr(0, 24),
                          pf.members[static_cast<std::size_t>(r.on.riskiest[b])].spec.name.substr(0, 24),
                          100.0 * static_cast<double>(r.on.joint[a * K + b]) / static_cast<double>(N),
                          100.0 * static_cast<double>(r.off.joint[a * K + b]) / static_cast<double>(N));
  }
  os << "\nShortfall: the project's funding need exceeds its bridge financing (0: any negative cash). Loss: (loan + guarantee "
        "share x guaranteed loan) x (1 - recovery) for each project in shortfall. Shocks off: each project draws its own "
        "copy of every shock, and the factor is off.\n";
}

namespace {
/// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}
}  // namespace

void write_portfolio_outputs(const std::string& dir, const Portfolio& pf, const PortfolioResult& r) {
  const std::size_t N = static_cast<std::size_t>(r.paths);
  std::ostringstream csv;
  csv << "project,scenario,seed,loss_given_shortfall,p_shortfall,p_shortfall_off,funding_need_mean,expected_loss,"
         "es95_contribution,es99_contribution,es99_contribution_off\n";
  for (std::size_t p = 0; p < pf.members.size(); ++p) {
    const auto& m = pf.members[p];
    const double pon = static_cast<double>(r.on.shortfalls[p]) / static_cast<double>(N);
    const double poff = static_cast<double>(r.off.shortfalls[p]) / static_cast<double>(N);
    csv << fmt::format("{},{},{},{:.2f},{:.6g},{:.6g},{:.2f},{:.2f},{:.2f},{:.2f},{:.2f}\n", m.spec.name, csv_field(m.spec.scenario), m.seed,
                       m.loss_given_shortfall, pon, poff, r.on.funding_mean[p], pon * m.loss_given_shortfall,
                       r.on.loss.contrib95[p], r.on.loss.contrib99[p], r.off.loss.contrib99[p]);
  }
  write_file_set(dir, {{"portfolio.json", portfolio_json(pf, r).dump(2) + "\n"}, {"projects.csv", csv.str()}},
                 {"portfolio.json", "projects.csv"});
}

}  // namespace amorce
