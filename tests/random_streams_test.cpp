// Tests of the counter-based random streams, the LHS permutation, Sobol' points and
// fill_uniforms. Every statistical check states its seed and bound.
#include "amorce/random_streams.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/random/sobol.hpp>
#include <cmath>
#include <numeric>
#include <set>
#include <stdexcept>
#include <vector>

namespace amorce {
namespace {

TEST(RandomStreams, NameKeyIsFnv1a64) {
  // Reference computed independently with Python:
  //   h = 0xcbf29ce484222325; for c in b'price': h = ((h ^ c) * 0x100000001b3) % 2**64
  EXPECT_EQ(name_key("price"), 0x2f1887248c8bc0eaull);
  EXPECT_EQ(name_key(""), 0xcbf29ce484222325ull);
  EXPECT_NE(name_key("price"), name_key("prices"));
}

TEST(RandomStreams, StreamUniformIsDeterministicAndOrderFree) {
  const std::uint64_t seed = 42, key = name_key("price");
  std::vector<double> forward(1000), backward(1000);
  for (std::uint64_t p = 0; p < 1000; ++p) forward[p] = stream_uniform(seed, key, p, kStatic);
  for (std::uint64_t p = 1000; p-- > 0;) backward[p] = stream_uniform(seed, key, p, kStatic);
  EXPECT_EQ(forward, backward);
  EXPECT_EQ(stream_uniform(seed, key, 123456, 7), stream_uniform(seed, key, 123456, 7));
  EXPECT_NE(stream_uniform(seed, key, 5, 0), stream_uniform(seed, key, 5, 1));
  EXPECT_NE(stream_uniform(seed, key, 5, 0), stream_uniform(seed + 1, key, 5, 0));
  EXPECT_NE(stream_uniform(seed, key, 5, 0), stream_uniform(seed, name_key("cost"), 5, 0));
}

// Seed 7, 200 000 draws: all in (0,1); mean within 5 sigma (sigma = sqrt(1/12/n)) of 0.5;
// lag-1 correlation across paths within 5 sigma (1/sqrt(n)) of 0.
TEST(RandomStreams, StreamUniformLooksUniform) {
  constexpr std::size_t n = 200000;
  std::vector<double> u(n);
  for (std::size_t p = 0; p < n; ++p) u[p] = stream_uniform(7, name_key("x"), p, 3);
  EXPECT_GT(*std::min_element(u.begin(), u.end()), 0.0);
  EXPECT_LT(*std::max_element(u.begin(), u.end()), 1.0);
  const double mean = std::accumulate(u.begin(), u.end(), 0.0) / n;
  EXPECT_NEAR(mean, 0.5, 5 * std::sqrt(1.0 / 12 / n));
  double c = 0;
  for (std::size_t p = 1; p < n; ++p) c += (u[p] - 0.5) * (u[p - 1] - 0.5);
  EXPECT_NEAR(c / (n - 1) * 12, 0.0, 5 / std::sqrt(double(n)));
}

TEST(RandomStreams, IndexPermutationIsABijection) {
  for (const std::uint64_t n : {1ull, 2ull, 7ull, 1000ull, 4097ull}) {
    const IndexPermutation perm(42, name_key("price"), n);
    std::vector<bool> hit(n, false);
    for (std::uint64_t i = 0; i < n; ++i) {
      const std::uint64_t j = perm(i);
      ASSERT_LT(j, n);
      ASSERT_FALSE(hit[j]) << "n = " << n << ": " << j << " hit twice";
      hit[j] = true;
    }
  }
  EXPECT_THROW(IndexPermutation(1, 2, 10)(10), std::out_of_range);
}

TEST(RandomStreams, IndexPermutationDependsOnSeedAndKey) {
  const std::uint64_t n = 1000;
  const IndexPermutation a(42, 1, n), b(42, 2, n), c(43, 1, n);
  int fixed = 0, same_ab = 0, same_ac = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    fixed += a(i) == i;
    same_ab += a(i) == b(i);
    same_ac += a(i) == c(i);
  }
  // a random permutation has about 1 fixed point (Poisson(1)); 10 is far out (p ~ 1e-7)
  EXPECT_LT(fixed, 10);
  EXPECT_LT(same_ab, 10);
  EXPECT_LT(same_ac, 10);
}

std::vector<double> fill_in_blocks(Sampling s, std::uint64_t seed, std::uint64_t total,
                                   const std::vector<std::uint64_t>& keys, std::size_t block) {
  // result in dims x total layout, assembled from blocks
  std::vector<double> all(keys.size() * total);
  for (std::uint64_t first = 0; first < total; first += block) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(block, total - first));
    std::vector<double> out(keys.size() * n);
    fill_uniforms(s, seed, total, keys, first, n, out.data());
    for (std::size_t i = 0; i < keys.size(); ++i)
      for (std::size_t k = 0; k < n; ++k) all[i * total + first + k] = out[i * n + k];
  }
  return all;
}

// LHS, N = 1000, seed 2024: every stratum [k/N, (k+1)/N) holds exactly one path per input,
// and the values are bit-identical for blocks of 1000 and of 37.
TEST(RandomStreams, LhsStrataHoldOnePathWhateverTheBlocks) {
  const std::uint64_t total = 1000;
  const std::vector<std::uint64_t> keys = {name_key("a"), name_key("b"), name_key("c")};
  const auto one = fill_in_blocks(Sampling::lhs, 2024, total, keys, 1000);
  const auto many = fill_in_blocks(Sampling::lhs, 2024, total, keys, 37);
  EXPECT_EQ(one, many);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    std::vector<int> count(total, 0);
    for (std::size_t p = 0; p < total; ++p) {
      const double u = one[i * total + p];
      ASSERT_GT(u, 0.0);
      ASSERT_LT(u, 1.0);
      ++count[static_cast<std::size_t>(std::floor(u * total))];
    }
    EXPECT_TRUE(std::all_of(count.begin(), count.end(), [](int c) { return c == 1; })) << "input " << i;
  }
  // the three inputs are not stratified in the same order
  EXPECT_NE(std::vector<double>(one.begin(), one.begin() + 1000),
            std::vector<double>(one.begin() + 1000, one.begin() + 2000));
}

TEST(RandomStreams, McBlocksAndPathIdentity) {
  const std::vector<std::uint64_t> keys = {name_key("a"), name_key("b")};
  const auto one = fill_in_blocks(Sampling::mc, 9, 500, keys, 500);
  EXPECT_EQ(one, fill_in_blocks(Sampling::mc, 9, 500, keys, 37));
  EXPECT_EQ(one[1 * 500 + 123], stream_uniform(9, keys[1], 123, kStatic));
  std::vector<double> out(2);
  EXPECT_THROW(fill_uniforms(Sampling::mc, 9, 500, keys, 500, 1, out.data()), std::out_of_range);
}

// Raw (unshifted) Sobol' integer coordinates recovered from the shifted points: the top 32
// bits of u are x ^ shift, and point 0 is the shift itself.
std::vector<std::uint32_t> raw(const SobolPoints& s, std::uint64_t i) {
  std::vector<double> p(s.dims()), p0(s.dims());
  s.point(i, p.data());
  s.point(0, p0.data());
  std::vector<std::uint32_t> r(s.dims());
  for (std::size_t d = 0; d < s.dims(); ++d)
    r[d] = static_cast<std::uint32_t>(std::ldexp(p[d], 32)) ^ static_cast<std::uint32_t>(std::ldexp(p0[d], 32));
  return r;
}

TEST(RandomStreams, SobolMatchesBoostDirectionNumbers) {
  const std::size_t dims = 8;
  const SobolPoints s(dims, 5);
  boost::random::sobol_engine<std::uint32_t, 32> engine(dims);  // its point j is our point j + 1
  for (std::uint64_t i = 1; i < 300; ++i) {
    const auto r = raw(s, i);
    for (std::size_t d = 0; d < dims; ++d) ASSERT_EQ(r[d], engine()) << "point " << i << " dim " << d;
  }
  // random access far out agrees with Boost's own seek
  engine.seed(1000000 - 1);
  const auto r = raw(s, 1000000);
  for (std::size_t d = 0; d < dims; ++d) EXPECT_EQ(r[d], engine());
}

TEST(RandomStreams, SobolIdenticalAcrossBlockPartitions) {
  const std::size_t dims = 6;
  const SobolPoints s(dims, 11);
  const std::size_t total = 4096;
  std::vector<double> all(dims * total);
  s.points(0, total, all.data());
  std::vector<double> pt(dims);
  for (std::uint64_t i = 0; i < total; i += 97) {
    s.point(i, pt.data());
    for (std::size_t d = 0; d < dims; ++d) ASSERT_EQ(pt[d], all[d * total + i]);
  }
  std::vector<std::uint64_t> keys(dims);
  for (std::size_t d = 0; d < dims; ++d) keys[d] = d;
  EXPECT_EQ(fill_in_blocks(Sampling::sobol, 11, total, keys, 37), all);
  EXPECT_EQ(fill_in_blocks(Sampling::sobol, 11, total, keys, 1024), all);
}

double l2_star_discrepancy(const std::vector<double>& x, std::size_t dims, std::size_t n) {
  // Warnock's formula, x in dims x n layout
  double s1 = 0, s2 = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double p = 1;
    for (std::size_t d = 0; d < dims; ++d) p *= (1 - x[d * n + i] * x[d * n + i]) / 2;
    s1 += p;
    for (std::size_t j = 0; j < n; ++j) {
      double q = 1;
      for (std::size_t d = 0; d < dims; ++d) q *= 1 - std::max(x[d * n + i], x[d * n + j]);
      s2 += q;
    }
  }
  const double dn = static_cast<double>(n);
  return std::sqrt(std::pow(3.0, -double(dims)) - 2 * s1 / dn + s2 / (dn * dn));
}

// Seed 2024, N = 4096 = 2^12, 5 dims: coordinate means within 1e-3 of 0.5 (a shifted net gives
// one point per 1/4096 interval, so |mean - 0.5| <= 1/8192); points in (0,1); the L2-star
// discrepancy and the error integrating prod_i (|4 x_i - 2| + 1) / 2 (exact integral 1,
// a g-function) are smaller than for MC with the same seed.
TEST(RandomStreams, SobolBeatsMonteCarlo) {
  const std::size_t dims = 5, n = 4096;
  std::vector<std::uint64_t> keys(dims);
  for (std::size_t d = 0; d < dims; ++d) keys[d] = name_key(std::string(1, char('a' + d)));
  std::vector<double> qmc(dims * n), mc(dims * n);
  fill_uniforms(Sampling::sobol, 2024, n, keys, 0, n, qmc.data());
  fill_uniforms(Sampling::mc, 2024, n, keys, 0, n, mc.data());
  for (std::size_t d = 0; d < dims; ++d) {
    const double mean = std::accumulate(qmc.begin() + d * n, qmc.begin() + (d + 1) * n, 0.0) / n;
    EXPECT_NEAR(mean, 0.5, 1e-3) << "dim " << d;
  }
  EXPECT_GT(*std::min_element(qmc.begin(), qmc.end()), 0.0);
  EXPECT_LT(*std::max_element(qmc.begin(), qmc.end()), 1.0);
  const double d_qmc = l2_star_discrepancy(qmc, dims, n), d_mc = l2_star_discrepancy(mc, dims, n);
  EXPECT_LT(d_qmc, d_mc / 4) << "QMC " << d_qmc << " MC " << d_mc;
  auto integrate = [&](const std::vector<double>& x) {
    double s = 0;
    for (std::size_t k = 0; k < n; ++k) {
      double p = 1;
      for (std::size_t d = 0; d < dims; ++d) p *= (std::abs(4 * x[d * n + k] - 2) + 1) / 2;
      s += p;
    }
    return s / n;
  };
  const double e_qmc = std::abs(integrate(qmc) - 1), e_mc = std::abs(integrate(mc) - 1);
  EXPECT_LT(e_qmc, e_mc) << "QMC " << e_qmc << " MC " << e_mc;
  EXPECT_LT(e_qmc, 2e-3);
}

TEST(RandomStreams, SobolLimits) {
  EXPECT_EQ(SobolPoints::max_dims(), 3667u);
  try {
    SobolPoints s(3668, 1);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("3667"), std::string::npos) << e.what();
  }
  EXPECT_THROW(SobolPoints(0, 1), std::invalid_argument);
  const SobolPoints s(2, 1);
  std::vector<double> p(2);
  EXPECT_NO_THROW(s.point(SobolPoints::max_points - 1, p.data()));
  EXPECT_THROW(s.point(SobolPoints::max_points, p.data()), std::invalid_argument);
  // point 0 is randomised: not 0, and differs between seeds
  s.point(0, p.data());
  EXPECT_GT(p[0], 0.0);
  std::vector<double> q(2);
  SobolPoints(2, 2).point(0, q.data());
  EXPECT_NE(p, q);
}

}  // namespace
}  // namespace amorce
