#include "amorce/copula.hpp"

#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <boost/math/special_functions/erf.hpp>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace amorce {
namespace {

constexpr double kSqrt2 = 1.4142135623730950488;
/// Below this smallest eigenvalue the matrix is treated as not positive definite: the
/// Cholesky factor would amplify rounding errors by more than 1e6.
constexpr double kMinEigenvalue = 1e-12;

/// Phi^-1(u) with the complement above 0.5 (1 - u is exact there), accurate in both tails.
double phi_inv(double u) {
  return u <= 0.5 ? -kSqrt2 * boost::math::erfc_inv(2 * u) : kSqrt2 * boost::math::erfc_inv(2 * (1 - u));
}

/// Phi(z), computed from the small tail so that values near 0 keep their precision.
double phi(double z) { return z <= 0 ? 0.5 * std::erfc(-z / kSqrt2) : 1 - 0.5 * std::erfc(z / kSqrt2); }

}  // namespace

GaussianCopula::GaussianCopula(std::size_t dims,
                               const std::vector<std::tuple<std::size_t, std::size_t, double>>& spearman)
    : dims_(dims) {
  Eigen::MatrixXd r = Eigen::MatrixXd::Identity(static_cast<Eigen::Index>(dims), static_cast<Eigen::Index>(dims));
  std::vector<bool> seen(dims * dims, false);
  for (const auto& [i, j, rho] : spearman) {
    if (i >= dims || j >= dims)
      throw std::invalid_argument(fmt::format("correlation between variables {} and {}: only {} variables", i, j, dims));
    if (i == j) throw std::invalid_argument(fmt::format("correlation of variable {} with itself", i));
    if (!(rho > -1 && rho < 1))
      throw std::invalid_argument(fmt::format("correlation {} between variables {} and {} must be strictly between -1 and 1", rho, i, j));
    if (seen[i * dims + j])
      throw std::invalid_argument(fmt::format("correlation between variables {} and {} is given twice", i, j));
    seen[i * dims + j] = seen[j * dims + i] = true;
    const double pearson = 2 * std::sin(std::numbers::pi * rho / 6);
    r(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = pearson;
    r(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(i)) = pearson;
    if (rho != 0) identity_ = false;
  }
  if (identity_) return;
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(r, Eigen::EigenvaluesOnly);
  smallest_eigenvalue_ = eig.eigenvalues().minCoeff();
  if (!(smallest_eigenvalue_ > kMinEigenvalue))
    throw std::invalid_argument(fmt::format(
        "the correlations do not form a valid correlation matrix: the normal-copula matrix "
        "(r = 2 sin(pi rho / 6)) is not positive definite, its smallest eigenvalue is {:.6g}",
        smallest_eigenvalue_));
  const Eigen::LLT<Eigen::MatrixXd> llt(r);
  if (llt.info() != Eigen::Success)
    throw std::invalid_argument(fmt::format(
        "the correlations do not form a valid correlation matrix (Cholesky failed; smallest eigenvalue {:.6g})",
        smallest_eigenvalue_));
  const Eigen::MatrixXd l = llt.matrixL();
  lower_.resize(dims * dims);
  for (std::size_t a = 0; a < dims; ++a)
    for (std::size_t b = 0; b < dims; ++b)
      lower_[a * dims + b] = l(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b));
}

void GaussianCopula::apply(double* u, std::size_t n) const {
  if (identity_ || n == 0) return;
  const double lo = std::numeric_limits<double>::min();
  const double hi = std::nextafter(1.0, 0.0);
  std::vector<double> z(dims_), y(dims_);
  for (std::size_t k = 0; k < n; ++k) {
    for (std::size_t d = 0; d < dims_; ++d) z[d] = phi_inv(u[d * n + k]);
    // y = L z (L lower triangular).
    for (std::size_t a = 0; a < dims_; ++a) {
      double s = 0;
      for (std::size_t b = 0; b <= a; ++b) s += lower_[a * dims_ + b] * z[b];
      y[a] = s;
    }
    for (std::size_t d = 0; d < dims_; ++d) u[d * n + k] = std::clamp(phi(y[d]), lo, hi);
  }
}

}  // namespace amorce
