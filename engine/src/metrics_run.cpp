#include "amorce/metrics_run.hpp"

#include <algorithm>

#include <chrono>
#include <cmath>
#include <ostream>
#include <stdexcept>

#include <fmt/format.h>

#include "amorce/prune.hpp"

namespace amorce {

std::vector<std::string> split_metric_list(const std::string& list) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  auto flush = [&] {
    std::size_t a = cur.find_first_not_of(" \t"), b = cur.find_last_not_of(" \t");
    if (a != std::string::npos) out.push_back(cur.substr(a, b - a + 1));
    else if (!cur.empty() || !out.empty()) throw std::invalid_argument("--metrics: empty metric in '" + list + "'");
    cur.clear();
  };
  for (char c : list) {
    if (c == '(' || c == '[') ++depth;
    if (c == ')' || c == ']') --depth;
    if (c == ',' && depth == 0) flush();
    else cur += c;
  }
  flush();
  if (out.empty()) throw std::invalid_argument("--metrics: no metric given (e.g. --metrics shortfall,min_cash)");
  return out;
}

MetricsRun run_metrics(const Plan& plan, const std::vector<std::string>& texts, RunOptions o) {
  return run_metrics(plan, texts, std::move(o), {});
}

MetricsRun run_metrics(const Plan& plan, const std::vector<std::string>& texts, RunOptions o,
                       const std::function<bool(std::vector<std::vector<double>>& values)>& collect) {
  MetricsRun r;
  for (const auto& t : texts) r.metrics.push_back(parse_metric(t, plan));
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::vector<double>> values(r.metrics.size(), std::vector<double>(static_cast<std::size_t>(o.paths)));
  o.summary = false;
  o.demand = metrics_demand(plan, r.metrics);  // the Plan is pruned to what the metrics read
  o.block_hook = [&](const BlockState& st, const Ledger& L, const PathResults& pr, std::uint64_t first) {
    for (std::size_t k = 0; k < r.metrics.size(); ++k) metric_values(r.metrics[k], st, L, pr, values[k].data() + first);
  };
  RunResult rr = run_monte_carlo(plan, o);
  if (collect) {
    // a share of a split run: its paths' values go to the process that estimates
    for (auto& v : values)
      v = std::vector<double>(v.begin() + static_cast<std::ptrdiff_t>(rr.path_begin), v.begin() + static_cast<std::ptrdiff_t>(rr.path_end));
    if (!collect(values)) return r;
    for (const auto& v : values)
      if (v.size() != static_cast<std::size_t>(o.paths)) throw std::logic_error("run_metrics: the collected values miss paths");
    rr.options.share_index = 0;
    rr.options.share_count = 1;
  }
  for (std::size_t k = 0; k < r.metrics.size(); ++k) r.estimates.push_back(estimate_metric(r.metrics[k], values[k]));
  r.options = rr.options;
  r.options.block_hook = nullptr;
  r.block_size = rr.block_size;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

namespace {
nlohmann::json jnum(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }
const char* sampling_name(Sampling s) { return s == Sampling::mc ? "mc" : s == Sampling::lhs ? "lhs" : "sobol"; }
}  // namespace

nlohmann::json metrics_json(const Plan& plan, const MetricsRun& r) {
  nlohmann::json ms = nlohmann::json::array();
  for (std::size_t k = 0; k < r.metrics.size(); ++k)
    ms.push_back({{"metric", r.metrics[k].text},
                  {"value", jnum(r.estimates[k].value)},
                  {"se", jnum(r.estimates[k].se)},
                  {"n", r.estimates[k].n}});
  return {{"scenario", {{"name", plan.name}, {"start", month_label(plan, 0)}, {"horizon", plan.horizon}}},
          {"run",
           {{"paths", r.options.paths},
            {"seed", r.options.seed},
            {"sampling", sampling_name(r.options.sampling)},
            {"block_size", r.block_size},
            {"amorce_version", AMORCE_VERSION}}},
          {"metrics", ms}};
}

void print_metrics(std::ostream& os, const Plan& plan, const MetricsRun& r, Lang lang) {
  const bool fr = lang == Lang::fr;
  auto dec = [fr](std::string s) {
    if (fr) std::replace(s.begin(), s.end(), '.', ',');
    return s;
  };
  os << fmt::format("amorce — {}\n{} {}, {} {}, {} {} ({} s)\n\n", plan.name, r.options.paths, msg(Msg::paths_simulated, lang),
                    msg(Msg::seed, lang), r.options.seed, msg(Msg::sampling, lang), sampling_name(r.options.sampling),
                    dec(fmt::format("{:.2f}", r.seconds)));
  std::size_t w = 6;
  for (const auto& m : r.metrics) w = std::max(w, m.text.size());
  os << fmt::format("{:<{}}  {:>16}  {:>12}  {:>9}\n", fr ? "indicateur" : "metric", w, fr ? "valeur" : "value",
                    fr ? "erreur type" : "std. error", fr ? "scénarios" : "paths");
  for (std::size_t k = 0; k < r.metrics.size(); ++k) {
    const Estimate& e = r.estimates[k];
    os << fmt::format("{:<{}}  {:>16}  {:>12}  {:>9}\n", r.metrics[k].text, w, dec(fmt::format("{:.6g}", e.value)),
                      dec(fmt::format("{:.3g}", e.se)), e.n);
  }
  os << (fr ? "\nUn indicateur sans prob(), mean(), sd() ni quantile() est sa moyenne sur les scénarios simulés ; l'erreur type "
              "est l'erreur Monte Carlo de l'estimation.\n"
            : "\nA metric without prob(), mean(), sd() or quantile() is its mean over the paths; the standard error is "
              "the Monte Carlo error of the estimate.\n");
}

}  // namespace amorce
