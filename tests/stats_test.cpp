// Tests for the statistics layer (amorce/stats.hpp).
//
// Random data comes from std::mt19937_64 with fixed seeds (stated per test); the
// distributions used (normal, lognormal) are implementation-defined in libstdc++ but
// deterministic for a given seed, and no assertion depends on the exact draws: the
// tolerances are analytic (rounding bounds or the sketch's own worst-case rank bound).
#include "amorce/stats.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

namespace amorce {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> normal_data(std::size_t n, double mean, double sd, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> d(mean, sd);
  std::vector<double> x(n);
  for (auto& v : x) v = d(rng);
  return x;
}

std::vector<double> lognormal_data(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> d(0.0, 1.5);  // heavy right tail
  std::vector<double> x(n);
  for (auto& v : x) v = d(rng);
  return x;
}

/// 70 % N(0, 1), 30 % N(10, 0.5): two separated modes with a near-empty gap between.
std::vector<double> bimodal_data(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> a(0.0, 1.0);
  std::normal_distribution<double> b(10.0, 0.5);
  std::bernoulli_distribution pick(0.3);
  std::vector<double> x(n);
  for (auto& v : x) v = pick(rng) ? b(rng) : a(rng);
  return x;
}

double rel_diff(double a, double b) { return std::abs(a - b) / std::max(std::abs(b), 1e-300); }

/// Rank error (as a fraction of n) of value v as the p-quantile of sorted data: the
/// distance from p*n to the interval [#{x < v}, #{x <= v}] divided by n.
double rank_error(const std::vector<double>& sorted, double v, double p) {
  const double n = static_cast<double>(sorted.size());
  const double below = static_cast<double>(std::lower_bound(sorted.begin(), sorted.end(), v) - sorted.begin());
  const double upto = static_cast<double>(std::upper_bound(sorted.begin(), sorted.end(), v) - sorted.begin());
  const double target = p * n;
  if (target < below) return (below - target) / n;
  if (target > upto) return (target - upto) / n;
  return 0.0;
}

const std::vector<double> kProbes = {0.0,  0.001, 0.01, 0.05, 0.1, 0.25, 0.3, 0.5,
                                     0.69, 0.7,   0.75, 0.9,  0.95, 0.99, 0.999, 1.0};

// ---------------------------------------------------------------- Moments

TEST(Moments, MatchesTwoPassFormulas) {
  // Seed 1; mean 1e4 with sd 1 makes the naive sum-of-squares formula lose ~8 digits,
  // so matching a two-pass reference to 1e-12 shows the update is numerically sound.
  const auto x = normal_data(10'000, 1e4, 1.0, 1);
  double sum = 0.0;
  for (double v : x) sum += v;
  const double mean = sum / static_cast<double>(x.size());
  double ss = 0.0;
  for (double v : x) ss += (v - mean) * (v - mean);
  const double var = ss / static_cast<double>(x.size() - 1);

  Moments one_by_one;
  for (double v : x) one_by_one.add(v);
  Moments block;
  block.add(x.data(), x.size());
  for (const Moments* m : {&one_by_one, &block}) {
    EXPECT_EQ(m->count(), x.size());
    EXPECT_LE(rel_diff(m->mean(), mean), 1e-12);
    EXPECT_LE(rel_diff(m->variance(), var), 1e-12);
    EXPECT_EQ(m->min(), *std::min_element(x.begin(), x.end()));
    EXPECT_EQ(m->max(), *std::max_element(x.begin(), x.end()));
  }
  EXPECT_DOUBLE_EQ(block.sd(), std::sqrt(block.variance()));
}

TEST(Moments, BlockMergeEqualsSinglePassAndIsAssociative) {
  // Seed 2. Blocks of 1024 (the engine's block size) plus a ragged last block.
  const auto x = normal_data(50'000, 3.0, 2.0, 2);
  Moments single;
  single.add(x.data(), x.size());
  Moments merged;
  for (std::size_t i = 0; i < x.size(); i += 1024) {
    Moments b;
    b.add(x.data() + i, std::min<std::size_t>(1024, x.size() - i));
    merged.merge(b);
  }
  EXPECT_EQ(merged.count(), single.count());
  EXPECT_LE(rel_diff(merged.mean(), single.mean()), 1e-12);
  EXPECT_LE(rel_diff(merged.variance(), single.variance()), 1e-12);
  EXPECT_EQ(merged.min(), single.min());
  EXPECT_EQ(merged.max(), single.max());

  // (a + b) + c vs a + (b + c) with unequal sizes.
  Moments a, b, c;
  a.add(x.data(), 100);
  b.add(x.data() + 100, 7'000);
  c.add(x.data() + 7'100, 30'000);
  Moments left = a;
  left.merge(b);
  left.merge(c);
  Moments bc = b;
  bc.merge(c);
  Moments right = a;
  right.merge(bc);
  EXPECT_EQ(left.count(), right.count());
  EXPECT_LE(rel_diff(left.mean(), right.mean()), 1e-12);
  EXPECT_LE(rel_diff(left.variance(), right.variance()), 1e-12);
}

TEST(Moments, NaNCountedSeparatelyAndEmptyIsNaN) {
  Moments m;
  EXPECT_TRUE(std::isnan(m.mean()));
  EXPECT_TRUE(std::isnan(m.min()));
  const double x[] = {1.0, kNaN, 3.0, kNaN};
  m.add(x, 4);
  EXPECT_EQ(m.count(), 2u);
  EXPECT_EQ(m.nan_count(), 2u);
  EXPECT_DOUBLE_EQ(m.mean(), 2.0);
  EXPECT_DOUBLE_EQ(m.variance(), 2.0);
  m.add(kNaN);
  EXPECT_EQ(m.nan_count(), 3u);
  Moments only_nan;
  only_nan.add(kNaN);
  Moments merged = only_nan;
  merged.merge(m);
  EXPECT_EQ(merged.nan_count(), 4u);
  EXPECT_EQ(merged.count(), 2u);
  Moments one;
  one.add(5.0);
  EXPECT_TRUE(std::isnan(one.variance()));  // sample variance needs n >= 2
}

// ---------------------------------------------------------------- quantile_sorted

TEST(QuantileSorted, NumpyType7HandValues) {
  // np.quantile([1,2,3,4], [0, .25, .5, 1]) == [1, 1.75, 2.5, 4]
  const double a[] = {1, 2, 3, 4};
  EXPECT_EQ(quantile_sorted(a, 4, 0.0), 1.0);
  EXPECT_EQ(quantile_sorted(a, 4, 0.25), 1.75);
  EXPECT_EQ(quantile_sorted(a, 4, 0.5), 2.5);
  EXPECT_EQ(quantile_sorted(a, 4, 1.0), 4.0);
  // np.percentile([10,20,30,40,50], [10, 90, 50, 37.5]) == [14, 46, 30, 25]
  const double b[] = {10, 20, 30, 40, 50};
  EXPECT_DOUBLE_EQ(quantile_sorted(b, 5, 0.1), 14.0);
  EXPECT_DOUBLE_EQ(quantile_sorted(b, 5, 0.9), 46.0);
  EXPECT_EQ(quantile_sorted(b, 5, 0.5), 30.0);
  EXPECT_EQ(quantile_sorted(b, 5, 0.375), 25.0);
  // np.quantile([-3, 0, 7], 0.75) == 3.5 ; single value ; empty -> NaN
  const double c[] = {-3, 0, 7};
  EXPECT_EQ(quantile_sorted(c, 3, 0.75), 3.5);
  EXPECT_EQ(quantile_sorted(c, 1, 0.3), -3.0);
  EXPECT_TRUE(std::isnan(quantile_sorted(c, 0, 0.5)));
  EXPECT_THROW(quantile_sorted(c, 3, 1.5), std::invalid_argument);
  EXPECT_THROW(quantile_sorted(c, 3, kNaN), std::invalid_argument);
}

// ---------------------------------------------------------------- QuantileSketch

TEST(QuantileSketch, ExactWhileCountAtMostK) {
  // Seed 3. n == k exactly: nothing is compacted, so every quantile equals the exact
  // type-7 value bit for bit.
  for (std::size_t n : {1u, 2u, 500u, 1024u}) {
    const auto x = lognormal_data(n, 3);
    QuantileSketch s(1024);
    s.add(x.data(), x.size());
    auto sorted = x;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_TRUE(s.exact());
    EXPECT_EQ(s.count(), n);
    for (double p : kProbes) EXPECT_EQ(s.quantile(p), quantile_sorted(sorted.data(), n, p)) << n << " " << p;
  }
  QuantileSketch s(1024);
  const auto x = lognormal_data(1025, 3);
  s.add(x.data(), x.size());
  EXPECT_FALSE(s.exact());
  QuantileSketch empty;
  EXPECT_TRUE(std::isnan(empty.quantile(0.5)));
  EXPECT_EQ(empty.rank_error_bound(), 0.0);
}

TEST(QuantileSketch, SkipsNaN) {
  QuantileSketch s(16);
  const double x[] = {kNaN, 1.0, 2.0, kNaN, 3.0};
  s.add(x, 5);
  s.add(kNaN);
  EXPECT_EQ(s.count(), 3u);
  EXPECT_EQ(s.nan_count(), 3u);
  EXPECT_EQ(s.quantile(0.5), 2.0);
}

/// Feeds `x` to a sketch the way the engine does: one sketch per block of `block` values,
/// merged into the total in block order. block == 0 means a single add() of everything.
QuantileSketch feed(const std::vector<double>& x, std::size_t k, std::size_t block) {
  QuantileSketch total(k);
  if (block == 0) {
    total.add(x.data(), x.size());
    return total;
  }
  for (std::size_t i = 0; i < x.size(); i += block) {
    QuantileSketch b(k);
    b.add(x.data() + i, std::min(block, x.size() - i));
    total.merge(b);
  }
  return total;
}

struct RankCase {
  const char* data;
  std::size_t n;
  std::size_t k;
};

class SketchRankError : public ::testing::TestWithParam<RankCase> {};

TEST_P(SketchRankError, WithinRigorousBound) {
  // Seeds 11 (lognormal) and 12 (bimodal). The bound is a worst-case guarantee, so the
  // assertion |rank(v)/n - p| <= rank_error_bound() must hold for every probe, no slack.
  const RankCase c = GetParam();
  const std::string name = c.data;
  const auto x = name == "lognormal" ? lognormal_data(c.n, 11) : bimodal_data(c.n, 12);
  auto sorted = x;
  std::sort(sorted.begin(), sorted.end());
  // Streamed in one add(), fed as 1024-path blocks merged in order (the engine's way),
  // and fed as 100 big blocks: different compaction histories, all within their bound.
  for (std::size_t block : {std::size_t{0}, std::size_t{1024}, c.n / 100}) {
    const QuantileSketch s = feed(x, c.k, block);
    ASSERT_EQ(s.count(), c.n);
    const double bound = s.rank_error_bound();
    double worst = 0.0;
    const auto q = s.quantiles(kProbes);
    for (std::size_t i = 0; i < kProbes.size(); ++i) {
      const double err = rank_error(sorted, q[i], kProbes[i]);
      worst = std::max(worst, err);
      EXPECT_LE(err, bound) << name << " n=" << c.n << " k=" << c.k << " block=" << block
                            << " p=" << kProbes[i];
    }
    EXPECT_EQ(q.front(), sorted.front());
    EXPECT_EQ(q.back(), sorted.back());
    // Memory stays O(k log(n/k)): at most ~(log2(n/k) + 2) levels of <= 2k items.
    const double levels = std::log2(static_cast<double>(c.n) / static_cast<double>(c.k)) + 2.0;
    EXPECT_LE(static_cast<double>(s.memory_bytes()), 2.0 * levels * static_cast<double>(c.k) * 8.0 + 4096.0);
    std::cout << "[ stats    ] " << name << " n=" << c.n << " k=" << c.k << " block=" << block
              << " bound=" << bound << " worst_observed=" << worst
              << " memory_bytes=" << s.memory_bytes() << "\n";
  }
}

INSTANTIATE_TEST_SUITE_P(Skewed, SketchRankError,
                         ::testing::Values(RankCase{"lognormal", 100'000, 1024},
                                           RankCase{"lognormal", 100'000, 4096},
                                           RankCase{"lognormal", 1'000'000, 1024},
                                           RankCase{"lognormal", 1'000'000, 4096},
                                           RankCase{"bimodal", 100'000, 1024},
                                           RankCase{"bimodal", 100'000, 4096},
                                           RankCase{"bimodal", 1'000'000, 1024},
                                           RankCase{"bimodal", 1'000'000, 4096}));

TEST(QuantileSketch, NarrowTiedAndSignedData) {
  // Seed 23. The level-0 sort is a radix sort on the 32 highest varying key bits with a
  // fix-up for ties: values sharing those bits (1e6 +- 1e-3), heavy ties (integers 0..99),
  // mixed signs and +-0 must all still sort correctly, i.e. stay within the rank bound.
  std::mt19937_64 rng(23);
  std::normal_distribution<double> tiny(1e6, 1e-3);
  std::vector<std::vector<double>> cases(3, std::vector<double>(100'000));
  for (auto& v : cases[0]) v = tiny(rng);
  for (auto& v : cases[1]) v = static_cast<double>(rng() % 100);
  for (std::size_t i = 0; i < cases[2].size(); ++i) {
    const double u = std::ldexp(static_cast<double>(rng() >> 11), -53) - 0.5;
    cases[2][i] = i % 97 == 0 ? (i % 2 == 0 ? 0.0 : -0.0) : u * std::exp(20.0 * u);
  }
  for (const auto& x : cases) {
    const QuantileSketch s = feed(x, 512, 1024);
    auto sorted = x;
    std::sort(sorted.begin(), sorted.end());
    for (double p : kProbes) EXPECT_LE(rank_error(sorted, s.quantile(p), p), s.rank_error_bound()) << p;
  }
}

TEST(QuantileSketch, SameMergeOrderIsBitIdentical) {
  // Seed 21. Two independent runs of the same block sequence must agree exactly (what
  // makes results independent of the thread count when blocks merge in index order).
  const auto x = bimodal_data(200'000, 21);
  const QuantileSketch a = feed(x, 512, 1024);
  const QuantileSketch b = feed(x, 512, 1024);
  for (double p : kProbes) EXPECT_EQ(a.quantile(p), b.quantile(p)) << p;
  EXPECT_EQ(a.rank_error_bound(), b.rank_error_bound());
  EXPECT_EQ(a.memory_bytes(), b.memory_bytes());

  // A block sketch that never compacted merges exactly like adding its values.
  const QuantileSketch streamed = feed(x, 2048, 0);
  const QuantileSketch blocks = feed(x, 2048, 1024);
  for (double p : kProbes) EXPECT_EQ(streamed.quantile(p), blocks.quantile(p)) << p;
}

TEST(QuantileSketch, MergeOfTreesStaysWithinBound) {
  // Seed 22. Pairwise (tree) merging, as an MPI reduction might do, then self-merge.
  const auto x = lognormal_data(300'000, 22);
  std::vector<QuantileSketch> parts;
  for (std::size_t i = 0; i < x.size(); i += 3'000) {
    parts.emplace_back(256);
    parts.back().add(x.data() + i, 3'000);
  }
  while (parts.size() > 1) {
    std::vector<QuantileSketch> next;
    for (std::size_t i = 0; i + 1 < parts.size(); i += 2) {
      next.push_back(parts[i]);
      next.back().merge(parts[i + 1]);
    }
    if (parts.size() % 2 == 1) next.push_back(parts.back());
    parts.swap(next);
  }
  auto sorted = x;
  std::sort(sorted.begin(), sorted.end());
  const QuantileSketch& s = parts.front();
  EXPECT_EQ(s.count(), x.size());
  for (double p : kProbes) EXPECT_LE(rank_error(sorted, s.quantile(p), p), s.rank_error_bound()) << p;

  QuantileSketch twice = s;
  twice.merge(twice);
  EXPECT_EQ(twice.count(), 2 * x.size());
  auto doubled = sorted;
  doubled.insert(doubled.end(), sorted.begin(), sorted.end());
  std::sort(doubled.begin(), doubled.end());
  for (double p : kProbes) EXPECT_LE(rank_error(doubled, twice.quantile(p), p), twice.rank_error_bound()) << p;
}

// ---------------------------------------------------------------- Histogram

TEST(Histogram, NiceEdgesCountsAndNaN) {
  // 0..59 (a breakeven month) plus 3 never-reached paths: range 59 / 30 bins -> width 2.
  std::vector<double> x;
  for (int m = 0; m < 60; ++m) x.push_back(m);
  x.insert(x.end(), {kNaN, kNaN, kNaN});
  const Histogram h = make_histogram(x.data(), x.size());
  EXPECT_EQ(h.nan_count, 3u);
  ASSERT_EQ(h.counts.size(), 30u);
  ASSERT_EQ(h.edges.size(), 31u);
  EXPECT_EQ(h.edges.front(), 0.0);
  EXPECT_EQ(h.edges.back(), 60.0);
  for (auto c : h.counts) EXPECT_EQ(c, 2u);
}

TEST(Histogram, RandomDataSumsToN) {
  // Seed 31, lognormal scaled to euros and shifted negative: edges must be nice numbers.
  auto x = lognormal_data(100'000, 31);
  for (auto& v : x) v = v * 12'345.6 - 20'000.0;
  x[17] = kNaN;
  const Histogram h = make_histogram(x.data(), x.size(), 25);
  std::uint64_t total = h.nan_count;
  for (auto c : h.counts) total += c;
  EXPECT_EQ(total, x.size());
  EXPECT_EQ(h.nan_count, 1u);
  const double width = h.edges[1] - h.edges[0];
  const double mant = width / std::pow(10.0, std::floor(std::log10(width)));
  EXPECT_TRUE(std::abs(mant - 1) < 1e-9 || std::abs(mant - 2) < 1e-9 || std::abs(mant - 2.5) < 1e-9 ||
              std::abs(mant - 5) < 1e-9)
      << width;
  EXPECT_LE(h.counts.size(), 27u);
  EXPECT_GE(h.counts.size(), 10u);
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (double v : x)
    if (!std::isnan(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  EXPECT_LE(h.edges.front(), lo);
  EXPECT_GE(h.edges.back(), hi);
}

TEST(Histogram, EdgeCases) {
  const double one[] = {12.0, 12.0};
  const Histogram h = make_histogram(one, 2);
  ASSERT_EQ(h.counts.size(), 1u);
  EXPECT_EQ(h.counts[0], 2u);
  EXPECT_LE(h.edges[0], 12.0);
  const double none[] = {kNaN};
  const Histogram e = make_histogram(none, 1);
  EXPECT_TRUE(e.counts.empty());
  EXPECT_EQ(e.nan_count, 1u);
  const double small[] = {0.1, 0.2, 0.3, std::numeric_limits<double>::infinity()};
  const Histogram s = make_histogram(small, 4, 2);
  std::uint64_t total = 0;
  for (auto c : s.counts) total += c;
  EXPECT_EQ(total, 4u);
  EXPECT_THROW(make_histogram(small, 4, 0), std::invalid_argument);
}

// ---------------------------------------------------------------- summaries

TEST(Summarize, ExactWithCensoredValues) {
  const double x[] = {10, kNaN, 20, 30, 40, kNaN, 50};
  const ScalarSummary s = summarize(x, 7, {10, 50, 90});
  EXPECT_EQ(s.n, 7u);
  EXPECT_EQ(s.missing, 2u);
  EXPECT_DOUBLE_EQ(s.mean, 30.0);
  EXPECT_DOUBLE_EQ(s.sd, std::sqrt(250.0));
  EXPECT_EQ(s.min, 10.0);
  EXPECT_EQ(s.max, 50.0);
  ASSERT_EQ(s.quantiles.size(), 3u);
  EXPECT_DOUBLE_EQ(s.quantiles[0], 14.0);
  EXPECT_EQ(s.quantiles[1], 30.0);
  EXPECT_DOUBLE_EQ(s.quantiles[2], 46.0);
  EXPECT_THROW(summarize(x, 7, {0}), std::invalid_argument);
  EXPECT_THROW(summarize(x, 7, {100}), std::invalid_argument);
  const double all_nan[] = {kNaN, kNaN};
  const ScalarSummary z = summarize(all_nan, 2, {50});
  EXPECT_EQ(z.missing, 2u);
  EXPECT_TRUE(std::isnan(z.mean));
  EXPECT_TRUE(std::isnan(z.quantiles[0]));
}

TEST(EstimateProbability, HandValues) {
  const Probability a = estimate_probability(25, 100);
  EXPECT_DOUBLE_EQ(a.p, 0.25);
  EXPECT_DOUBLE_EQ(a.se, std::sqrt(0.25 * 0.75 / 100.0));  // 0.04330127...
  EXPECT_EQ(a.n, 100u);
  const Probability b = estimate_probability(0, 1'000'000);
  EXPECT_EQ(b.p, 0.0);
  EXPECT_EQ(b.se, 0.0);
  const Probability c = estimate_probability(500'000, 1'000'000);
  EXPECT_DOUBLE_EQ(c.se, 0.0005);
  const Probability d = estimate_probability(0, 0);
  EXPECT_TRUE(std::isnan(d.p));
  EXPECT_THROW(estimate_probability(3, 2), std::invalid_argument);
}

// ---------------------------------------------------------------- SeriesBands

TEST(SeriesBands, ShapeAndExactPerMonthWithinBound) {
  // Seed 41. 60 months of a cash-like random walk with drift and a skewed shock, 100 000
  // paths fed as blocks of 1 000 paths laid out [month][path]; each block gets its own
  // SeriesBands merged in order, as the engine does. k = 512 forces compactions.
  constexpr int kMonths = 60;
  constexpr std::size_t kPaths = 100'000;
  constexpr std::size_t kBlock = 1'000;
  std::mt19937_64 rng(41);
  std::lognormal_distribution<double> shock(0.0, 1.0);
  std::normal_distribution<double> noise(0.0, 1'000.0);
  std::vector<std::vector<double>> per_month(kMonths, std::vector<double>(kPaths));
  for (std::size_t p = 0; p < kPaths; ++p) {
    double cash = 10'000.0;
    for (int m = 0; m < kMonths; ++m) {
      cash += 200.0 + noise(rng) - 500.0 * shock(rng);
      per_month[static_cast<std::size_t>(m)][p] = cash;
    }
  }
  SeriesBands bands(kMonths, 512);
  std::vector<double> block(kMonths * kBlock);
  for (std::size_t start = 0; start < kPaths; start += kBlock) {
    for (int m = 0; m < kMonths; ++m) {
      for (std::size_t i = 0; i < kBlock; ++i) {
        block[static_cast<std::size_t>(m) * kBlock + i] = per_month[static_cast<std::size_t>(m)][start + i];
      }
    }
    SeriesBands part(kMonths, 512);
    part.add_block(block.data(), kMonths, kBlock);
    bands.merge(part);
  }
  EXPECT_EQ(bands.count(), kPaths);
  const std::vector<double> pct = {5, 10, 25, 50, 75, 90, 95};
  const auto q = bands.quantiles(pct);
  ASSERT_EQ(q.size(), pct.size());
  for (const auto& row : q) ASSERT_EQ(row.size(), static_cast<std::size_t>(kMonths));
  const auto mean = bands.mean();
  const auto sd = bands.sd();
  ASSERT_EQ(mean.size(), static_cast<std::size_t>(kMonths));
  ASSERT_EQ(sd.size(), static_cast<std::size_t>(kMonths));
  const double bound = bands.rank_error_bound();
  EXPECT_GT(bound, 0.0);
  EXPECT_LT(bound, 0.05);
  double worst = 0.0;
  for (int m = 0; m < kMonths; ++m) {
    auto sorted = per_month[static_cast<std::size_t>(m)];
    Moments exact;
    exact.add(sorted.data(), sorted.size());
    // Month values ~1e4..1e5 with sd ~1e4: merged vs single-pass moments to 1e-12.
    EXPECT_LE(rel_diff(mean[static_cast<std::size_t>(m)], exact.mean()), 1e-12);
    EXPECT_LE(rel_diff(sd[static_cast<std::size_t>(m)], exact.sd()), 1e-12);
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t i = 0; i < pct.size(); ++i) {
      const double err = rank_error(sorted, q[i][static_cast<std::size_t>(m)], pct[i] / 100.0);
      worst = std::max(worst, err);
      EXPECT_LE(err, bands.sketch(m).rank_error_bound()) << "month " << m << " p " << pct[i];
    }
  }
  // Bounded memory: far below keeping every value (60 x 100 000 doubles = 48 MB).
  EXPECT_LT(bands.memory_bytes(), kMonths * kPaths * sizeof(double) / 10);
  std::cout << "[ stats    ] SeriesBands 60x100000 k=512 bound=" << bound << " worst_observed=" << worst
            << " memory_bytes=" << bands.memory_bytes() << "\n";
}

TEST(SeriesBands, RejectsMismatchedShapes) {
  SeriesBands bands(3, 64);
  const double x[6] = {1, 2, 3, 4, 5, 6};
  EXPECT_THROW(bands.add_block(x, 2, 3), std::invalid_argument);
  bands.add_block(x, 3, 2);
  EXPECT_EQ(bands.count(), 2u);
  EXPECT_EQ(bands.mean()[2], 5.5);
  SeriesBands other(4, 64);
  EXPECT_THROW(bands.merge(other), std::invalid_argument);
  EXPECT_THROW(bands.quantiles({100}), std::invalid_argument);
  EXPECT_THROW(SeriesBands(-1, 64), std::invalid_argument);
}

}  // namespace
}  // namespace amorce

TEST(MergeSorted, EqualsStdMergeBitForBit) {
  // Seed 31. The two-ended merge must be exactly std::merge (ties from the first range
  // first): sizes 0..40 on both sides, heavy ties, mixed signs and +-0 (compared as bits,
  // so the order of -0.0 and +0.0 counts), then long random runs.
  std::mt19937_64 rng(31);
  auto bits = [](double v) {
    std::uint64_t u;
    std::memcpy(&u, &v, sizeof u);
    return u;
  };
  auto check = [&](std::vector<double> a, std::vector<double> b) {
    std::stable_sort(a.begin(), a.end());
    std::stable_sort(b.begin(), b.end());
    std::vector<double> want(a.size() + b.size()), got(a.size() + b.size(), 12345.0);
    std::merge(a.begin(), a.end(), b.begin(), b.end(), want.begin());
    amorce::merge_sorted(a.data(), a.size(), b.data(), b.size(), got.data());
    for (std::size_t i = 0; i < want.size(); ++i) ASSERT_EQ(bits(got[i]), bits(want[i])) << i << " of " << want.size();
  };
  const double pool[] = {-2.0, -1.0, -0.0, 0.0, 1.0, 2.0, 3.0};
  for (std::size_t na = 0; na <= 40; ++na)
    for (std::size_t nb = 0; nb <= 40; ++nb) {
      std::vector<double> a(na), b(nb);
      for (auto& v : a) v = pool[rng() % 7];
      for (auto& v : b) v = pool[rng() % 7];
      check(a, b);
    }
  std::normal_distribution<double> z;
  for (std::size_t n : {1000u, 1024u, 3001u}) {
    std::vector<double> a(n), b(n / 2 + 1);
    for (auto& v : a) v = z(rng);
    for (auto& v : b) v = z(rng);
    check(a, b);
  }
}
