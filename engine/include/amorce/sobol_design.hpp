#pragma once
/// The pick-freeze (Saltelli) design shared by the scalar and the per-month Sobol drivers
/// (docs/sensitivity.md): the factors (user groups, then every other per-path input alone),
/// the copula that keeps the correlations *inside* a factor (grouped Sobol for correlated
/// inputs: each group drawn jointly, groups independent), and the model runs on the matrices
/// A, B and A_B^(f) whose whole factor f (every member) is taken from B.
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "amorce/copula.hpp"
#include "amorce/plan.hpp"
#include "amorce/run.hpp"

namespace amorce {

/// A factor: one input or a named group of inputs (rows of Plan::uniform_names).
struct SensitivityFactor {
  std::string name;
  std::vector<std::size_t> rows;
};

/// Groups given by the user, then every other per-path input alone. Throws
/// std::invalid_argument for an unknown or monthly input, an input in two groups, an empty group.
std::vector<SensitivityFactor> make_factors(const Plan& plan,
                                            const std::vector<std::pair<std::string, std::vector<std::string>>>& groups);

/// The state slot a per-path input is written to (its `sample` destination); -1 if none.
int input_slot(const Plan& plan, const std::string& name);

/// The scenario's copula restricted to the pairs whose two inputs sit in the same factor:
/// sampling the factors through it draws each group jointly with its correlations and the
/// groups independently of one another (the assumption under which Sobol indices of groups
/// are a variance decomposition). `split` receives "a ~ b (+0.50)" for every correlated pair
/// that crosses two factors (treated as independent by the design).
GaussianCopula factor_copula(const Plan& plan, const std::vector<SensitivityFactor>& factors, std::vector<std::string>* split);

/// The warning of a Sobol design when correlated pairs cross factors; "" when none does.
std::string split_correlation_warning(const std::vector<std::string>& split);

/// Number of Saltelli base rows: the power of two >= `paths` (1024 when paths is 0).
std::size_t saltelli_rows(long long paths);

/// Model outputs on the pick-freeze design, `columns` values per path, stored [column][row]
/// (column-major: value c of row j at c * n + j).
struct PickFreezeRuns {
  std::size_t n = 0, columns = 1;
  std::vector<double> fA, fB;
  std::vector<std::vector<double>> fAB;  ///< one per factor, then "(other randomness)" if any
  bool other_randomness = false;         ///< grant decisions / monthly draws vary with the seed
  long long model_runs = 0;
};

/// Evaluates a run: fills `columns` x paths values (column-major) from a RunOptions whose
/// uniform_source, seed and paths are set by the design.
using DesignEvaluator = std::function<std::vector<double>(const RunOptions&)>;

/// Runs A, B, every A_B^(f) and A with B's seed (the grant decisions and `each: month` draws,
/// kept as a factor only when they change something). The design's uniforms go through
/// `copula` (factor_copula), so correlated members of one factor keep their correlation and
/// the whole group is swapped at once.
PickFreezeRuns run_pick_freeze(const Plan& plan, const std::vector<SensitivityFactor>& factors, const GaussianCopula& copula,
                               std::size_t n, std::size_t columns, const RunOptions& base, const DesignEvaluator& evaluate);

}  // namespace amorce
