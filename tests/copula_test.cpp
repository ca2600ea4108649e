// Tests of the Gaussian copula: achieved Spearman correlations, preserved marginals, and
// refusal of invalid matrices.
#include "amorce/copula.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "amorce/random_streams.hpp"

namespace amorce {
namespace {

using Triplets = std::vector<std::tuple<std::size_t, std::size_t, double>>;

std::vector<double> ranks(const double* x, std::size_t n) {
  std::vector<std::size_t> idx(n);
  std::iota(idx.begin(), idx.end(), 0);
  std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::vector<double> r(n);
  for (std::size_t k = 0; k < n; ++k) r[idx[k]] = static_cast<double>(k);
  return r;
}

double spearman(const double* x, const double* y, std::size_t n) {
  const auto rx = ranks(x, n), ry = ranks(y, n);
  const double mean = (static_cast<double>(n) - 1) / 2;
  double sxy = 0, sxx = 0;
  for (std::size_t k = 0; k < n; ++k) {
    sxy += (rx[k] - mean) * (ry[k] - mean);
    sxx += (rx[k] - mean) * (rx[k] - mean);
  }
  return sxy / sxx;  // no ties: both rank vectors have the same variance
}

double ks_uniform(const double* x, std::size_t n) {
  std::vector<double> s(x, x + n);
  std::sort(s.begin(), s.end());
  double d = 0;
  for (std::size_t i = 0; i < n; ++i)
    d = std::max({d, s[i] - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - s[i]});
  return d;
}

// The brief's targets 0.5, -0.3, 0.8 cannot all hold between 3 variables (the Pearson matrix
// has eigenvalue -0.123, see InvalidMatrixThrows), so they are imposed in 4 dimensions:
// rho(0,1) = 0.5, rho(0,2) = -0.3, rho(2,3) = 0.8, other pairs 0 (smallest eigenvalue 0.101).
// N = 20 000, seed 31: |achieved Spearman - target| <= 0.02 (the standard error of a Spearman
// coefficient is about (1 - rho^2) / sqrt(N) <= 0.007, so 0.02 is ~3 sigma) for mc, lhs and
// sobol inputs; each marginal stays uniform: KS statistic below 1.95 / sqrt(N) (0.1 % level).
TEST(Copula, AchievesSpearmanTargetsAndKeepsMarginals) {
  const std::size_t dims = 4, n = 20000;
  const Triplets targets = {{0, 1, 0.5}, {0, 2, -0.3}, {2, 3, 0.8}};
  const GaussianCopula copula(dims, targets);
  EXPECT_FALSE(copula.identity());
  EXPECT_NEAR(copula.smallest_eigenvalue(), 0.10101335, 1e-6);  // numpy.linalg.eigvalsh
  std::vector<std::uint64_t> keys = {name_key("a"), name_key("b"), name_key("c"), name_key("d")};
  for (const Sampling s : {Sampling::mc, Sampling::lhs, Sampling::sobol}) {
    std::vector<double> u(dims * n);
    fill_uniforms(s, 31, n, keys, 0, n, u.data());
    copula.apply(u.data(), n);
    double want[4][4] = {};
    for (const auto& [i, j, rho] : targets) want[i][j] = want[j][i] = rho;
    for (std::size_t i = 0; i < dims; ++i) {
      EXPECT_LT(ks_uniform(&u[i * n], n), 1.95 / std::sqrt(double(n))) << "dim " << i;
      EXPECT_GT(*std::min_element(u.begin() + i * n, u.begin() + (i + 1) * n), 0.0);
      EXPECT_LT(*std::max_element(u.begin() + i * n, u.begin() + (i + 1) * n), 1.0);
      for (std::size_t j = i + 1; j < dims; ++j)
        EXPECT_NEAR(spearman(&u[i * n], &u[j * n], n), want[i][j], 0.02)
            << "sampling " << static_cast<int>(s) << " pair " << i << "," << j;
    }
  }
}

// A valid 3-dimensional set (0.5, -0.3, 0.2), same seed and bounds as above.
TEST(Copula, ThreeDimensions) {
  const std::size_t n = 20000;
  const GaussianCopula copula(3, {{0, 1, 0.5}, {0, 2, -0.3}, {1, 2, 0.2}});
  std::vector<double> u(3 * n);
  fill_uniforms(Sampling::lhs, 31, n, {1, 2, 3}, 0, n, u.data());
  copula.apply(u.data(), n);
  EXPECT_NEAR(spearman(&u[0], &u[n], n), 0.5, 0.02);
  EXPECT_NEAR(spearman(&u[0], &u[2 * n], n), -0.3, 0.02);
  EXPECT_NEAR(spearman(&u[n], &u[2 * n], n), 0.2, 0.02);
}

// Applying per block gives the same values as applying to the whole sample (path by path).
TEST(Copula, BlockIndependent) {
  const std::size_t n = 1000;
  const GaussianCopula copula(2, {{0, 1, 0.7}});
  std::vector<double> all(2 * n);
  fill_uniforms(Sampling::mc, 5, n, {1, 2}, 0, n, all.data());
  std::vector<double> block(2 * 10);
  for (std::size_t k = 0; k < 10; ++k) block[k] = all[k], block[10 + k] = all[n + k];
  copula.apply(all.data(), n);
  copula.apply(block.data(), 10);
  for (std::size_t k = 0; k < 10; ++k) {
    EXPECT_EQ(block[k], all[k]);
    EXPECT_EQ(block[10 + k], all[n + k]);
  }
  // first dimension is unchanged (L's first row is e1, up to Phi(Phi^-1(u)) rounding)
  std::vector<double> raw(2 * n);
  fill_uniforms(Sampling::mc, 5, n, {1, 2}, 0, n, raw.data());
  for (std::size_t k = 0; k < n; ++k) EXPECT_NEAR(all[k], raw[k], 1e-14);
}

TEST(Copula, IdentityAndExtremeTails) {
  const GaussianCopula none(3, {});
  EXPECT_TRUE(none.identity());
  EXPECT_TRUE(GaussianCopula(2, {{0, 1, 0.0}}).identity());
  std::vector<double> u = {0.25, 0.75};
  none.apply(u.data(), 1);
  EXPECT_EQ(u, (std::vector<double>{0.25, 0.75}));
  // values at the ends of (0,1) stay strictly inside
  const GaussianCopula strong(2, {{0, 1, 0.99}});
  std::vector<double> v = {1e-300, 1 - 1e-16, 1e-300, 1 - 1e-16};
  strong.apply(v.data(), 2);
  for (double x : v) {
    EXPECT_GT(x, 0.0);
    EXPECT_LT(x, 1.0);
  }
}

TEST(Copula, InvalidMatrixThrows) {
  try {
    GaussianCopula c(3, {{0, 1, 0.9}, {0, 2, 0.9}, {1, 2, -0.9}});
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("smallest eigenvalue"), std::string::npos) << what;
    EXPECT_NE(what.find("-0.81596"), std::string::npos) << what;  // numpy.linalg.eigvalsh
  }
  try {
    GaussianCopula c(3, {{0, 1, 0.5}, {0, 2, -0.3}, {1, 2, 0.8}});
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("-0.12343"), std::string::npos) << e.what();
  }
  EXPECT_THROW(GaussianCopula(2, {{0, 2, 0.5}}), std::invalid_argument);
  EXPECT_THROW(GaussianCopula(2, {{1, 1, 0.5}}), std::invalid_argument);
  EXPECT_THROW(GaussianCopula(2, {{0, 1, 1.0}}), std::invalid_argument);
  EXPECT_THROW(GaussianCopula(2, {{0, 1, 0.5}, {1, 0, 0.4}}), std::invalid_argument);
}

}  // namespace
}  // namespace amorce
