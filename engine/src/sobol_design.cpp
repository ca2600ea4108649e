#include "amorce/sobol_design.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <tuple>

#include "amorce/random_streams.hpp"
#include "amorce/sensitivity.hpp"

namespace amorce {

std::vector<SensitivityFactor> make_factors(const Plan& plan,
                                            const std::vector<std::pair<std::string, std::vector<std::string>>>& groups) {
  const auto& names = plan.uniform_names;
  std::vector<char> used(names.size(), 0);
  std::vector<SensitivityFactor> out;
  for (const auto& [gname, members] : groups) {
    SensitivityFactor f{gname, {}};
    for (const auto& m : members) {
      auto it = std::find(names.begin(), names.end(), m);
      if (it == names.end()) {
        std::string valid;
        for (const auto& n : names) valid += " " + n;
        bool is_input = false;
        for (const auto& sp : plan.samples) is_input |= sp.name == m;
        throw std::invalid_argument(fmt::format("group '{}': '{}' is {} (uncertain inputs drawn once per path:{})", gname, m,
                                                is_input ? "drawn each month, not once per path"
                                                         : "not an uncertain input",
                                                valid));
      }
      auto r = static_cast<std::size_t>(it - names.begin());
      if (used[r]) throw std::invalid_argument(fmt::format("group '{}': '{}' is already in another group", gname, m));
      used[r] = 1;
      f.rows.push_back(r);
    }
    if (f.rows.empty()) throw std::invalid_argument(fmt::format("group '{}' is empty", gname));
    out.push_back(f);
  }
  for (std::size_t r = 0; r < names.size(); ++r)
    if (!used[r]) out.push_back({names[r], {r}});
  return out;
}

int input_slot(const Plan& plan, const std::string& name) {
  // the destination of its `sample` instruction, else the input slot of a fixed input
  for (const auto& in : plan.static_prog)
    if (in.op == OpCode::sample && in.aux >= 0 && plan.samples[static_cast<std::size_t>(in.aux)].name == name) return in.dst;
  for (std::size_t i = 0; i < plan.input_names.size() && i < plan.input_slots.size(); ++i)
    if (plan.input_names[i] == name) return plan.input_slots[i];
  return -1;
}

GaussianCopula factor_copula(const Plan& plan, const std::vector<SensitivityFactor>& factors, std::vector<std::string>* split) {
  std::vector<std::size_t> factor_of(plan.uniform_keys.size(), static_cast<std::size_t>(-1));
  for (std::size_t f = 0; f < factors.size(); ++f)
    for (auto r : factors[f].rows) factor_of[r] = f;
  std::vector<std::tuple<std::size_t, std::size_t, double>> kept;
  for (const auto& c : plan.correlations) {
    const auto a = static_cast<std::size_t>(c.row_a), b = static_cast<std::size_t>(c.row_b);
    if (factor_of[a] == factor_of[b] && factor_of[a] != static_cast<std::size_t>(-1)) {
      kept.emplace_back(a, b, c.rho);
    } else if (split) {
      split->push_back(fmt::format("{} ~ {} ({:+.2f})", plan.uniform_names[a], plan.uniform_names[b], c.rho));
    }
  }
  // principal blocks of a positive definite matrix: positive definite, never throws here
  return GaussianCopula(plan.uniform_keys.size(), kept);
}

std::string split_correlation_warning(const std::vector<std::string>& split) {
  if (split.empty()) return {};
  std::string pairs;
  for (const auto& s : split) pairs += (pairs.empty() ? "" : ", ") + s;
  return "WARNING: correlated inputs in different factors (" + pairs +
         "). Sobol indices assume independent factors: this design draws these pairs independently, so the indices "
         "describe a model without these correlations. Put each correlated pair in one group (--group NAME=a,b: the "
         "group is then drawn with its correlation) or use --method correlation for the correlated model.";
}

std::size_t saltelli_rows(long long paths) {
  std::size_t n = 1;
  const long long want = paths > 0 ? paths : 1024;
  while (static_cast<long long>(n) < want) n *= 2;
  return n;
}

PickFreezeRuns run_pick_freeze(const Plan& plan, const std::vector<SensitivityFactor>& factors, const GaussianCopula& copula,
                               std::size_t n, std::size_t columns, const RunOptions& base, const DesignEvaluator& evaluate) {
  const std::size_t k = plan.uniform_keys.size();
  if (2 * k > SobolPoints::max_dims())
    throw std::invalid_argument(fmt::format("sobol: {} inputs need {} Sobol dimensions (at most {})", k, 2 * k, SobolPoints::max_dims()));
  PickFreezeRuns out;
  out.n = n;
  out.columns = columns;
  // A and B: the first and last k coordinates of a 2k-dimensional Sobol' sequence
  std::vector<double> A, B;
  saltelli_matrices(k, n, base.seed, A, B);
  const std::uint64_t seed_a = base.seed, seed_b = base.seed ^ 0x9E3779B97F4A7C15ull;
  auto cop = std::make_shared<GaussianCopula>(copula);
  auto run = [&](const std::vector<double>& M, std::uint64_t seed) {
    RunOptions ro = base;
    ro.paths = static_cast<long long>(n);
    ro.seed = seed;
    const std::vector<double>* Mp = &M;
    // the copula acts path by path on the design's independent uniforms: a group swapped
    // from B is exactly B's correlated group (the Cholesky factor is block diagonal)
    ro.uniform_source = [Mp, k, n, cop](std::uint64_t first, std::size_t cnt, double* o) {
      for (std::size_t r = 0; r < k; ++r)
        for (std::size_t j = 0; j < cnt; ++j) o[r * cnt + j] = (*Mp)[r * n + first + j];
      if (!cop->identity()) cop->apply(o, cnt);
    };
    auto v = evaluate(ro);
    if (v.size() != n * columns) throw std::logic_error("run_pick_freeze: the evaluator returned the wrong size");
    out.model_runs += static_cast<long long>(n);
    return v;
  };
  out.fA = run(A, seed_a);
  out.fB = run(B, seed_b);
  for (const auto& f : factors) {
    std::vector<double> M = A;
    for (auto r : f.rows) std::copy_n(B.begin() + static_cast<std::ptrdiff_t>(r * n), n, M.begin() + static_cast<std::ptrdiff_t>(r * n));
    out.fAB.push_back(run(M, seed_a));
  }
  // grant decisions and `each: month` draws, keyed by the seed, as one more factor
  auto noise = run(A, seed_b);
  for (std::size_t j = 0; j < noise.size() && !out.other_randomness; ++j) out.other_randomness = !(noise[j] == out.fA[j]) && !(std::isnan(noise[j]) && std::isnan(out.fA[j]));
  if (out.other_randomness) out.fAB.push_back(std::move(noise));
  else out.model_runs -= static_cast<long long>(n);
  return out;
}

}  // namespace amorce
