#pragma once
/// Gaussian copula imposing Spearman rank correlations between inputs sampled once per path.
/// It maps uniforms to uniforms, so each input keeps its marginal law exactly; it acts path by
/// path (no sorting of the sample), so results do not depend on the block partition.
/// Caveat: correlated coordinates of LHS or Sobol' uniforms keep their uniform marginals but
/// not their strata / net structure (only the first dimension is left unchanged).
#include <cstddef>
#include <tuple>
#include <vector>

namespace amorce {

class GaussianCopula {
 public:
  /// `spearman` lists (i, j, rho): target Spearman rho between variables i and j (i != j,
  /// both < dims, -1 < rho < 1, each pair at most once; unlisted pairs are 0). rho is
  /// converted to the normal-copula Pearson r = 2 sin(pi rho / 6), which makes the achieved
  /// Spearman correlation exactly rho. The matrix of r must be positive definite: otherwise
  /// std::invalid_argument names its smallest eigenvalue (Eigen SelfAdjointEigenSolver). The
  /// user's numbers are never repaired silently.
  GaussianCopula(std::size_t dims, const std::vector<std::tuple<std::size_t, std::size_t, double>>& spearman);
  std::size_t dims() const { return dims_; }
  /// True when no correlation is imposed (apply is then a no-op).
  bool identity() const { return identity_; }
  /// Smallest eigenvalue of the Pearson matrix of the normal copula.
  double smallest_eigenvalue() const { return smallest_eigenvalue_; }
  /// In place on u (dims x n, row-major by dimension: u[d * n + k]): z = Phi^-1(u),
  /// z' = L z (Cholesky factor, Eigen LLT), u = Phi(z'), clamped into (0,1).
  void apply(double* u, std::size_t n) const;

 private:
  std::size_t dims_;
  bool identity_ = true;
  double smallest_eigenvalue_ = 1;
  std::vector<double> lower_;  ///< Cholesky factor L, row-major dims x dims
};

}  // namespace amorce
