#pragma once
/// Mergeable statistics for Monte Carlo results.
///
/// A run evaluates blocks of paths on a thread pool; each block is folded into the
/// accumulators below and blocks are merged in block index order. Every accumulator is a
/// deterministic function of the sequence of add()/merge() calls (no randomness, no global
/// state), so a fixed merge order gives bit-identical results for any thread count.
/// Memory is bounded by the sketch size, not by the number of paths.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace amorce {

/// Count, mean, variance (Welford / Chan parallel merge), min, max.
/// NaN values are counted separately (e.g. a censored indicator) and excluded.
class Moments {
 public:
  void add(double x);
  /// Block add: two-pass over the block (more accurate than Welford), then a Chan merge.
  void add(const double* x, std::size_t n);
  void merge(const Moments& other);

  std::uint64_t count() const { return n_; }          ///< non-NaN values
  std::uint64_t nan_count() const { return nan_; }    ///< NaN values seen (censored)
  double mean() const;                                ///< NaN when empty
  double variance() const;                            ///< sample (n-1) variance; NaN when n < 2
  double sd() const;
  double min() const;                                 ///< NaN when empty
  double max() const;

 private:
  std::uint64_t n_ = 0;
  std::uint64_t nan_ = 0;
  double mean_ = 0.0;
  double m2_ = 0.0;  // sum of squared deviations from mean_
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

/// Quantile of sorted data by linear interpolation (Hyndman-Fan type 7, numpy's default),
/// p in [0,1]. Returns NaN when n == 0. Throws std::invalid_argument when p is outside [0,1].
double quantile_sorted(const double* sorted, std::size_t n, double p);

/// Stable merge of two sorted runs into out[0, na + nb): exactly std::merge(a, b) (ties
/// take `a` first), branch-free and from both ends at once. The sketch's level merges.
void merge_sorted(const double* a, std::size_t na, const double* b, std::size_t nb, double* out);

/// Deterministic mergeable quantile sketch: a Manku-Rajagopalan-Lindsay compactor hierarchy.
///
/// Level h holds items of weight 2^h, at most ~k of them. When a level fills it is sorted
/// and every other item (offset alternating 0,1,0,1... per level, NO randomness) moves up
/// with doubled weight. Exact (type 7, like quantile_sorted) while nothing was compacted,
/// i.e. while count() <= k. Memory is O(k log2(n/k)) doubles.
///
/// Error: one compaction at level h moves any rank by at most 2^h, so with
/// E = sum over performed compactions of 2^h, every estimated rank is within E of the true
/// rank, and the returned value v satisfies dist(p*n, [#{x < v}, #{x <= v}]) <= E + 1
/// (the +1 is type-7 interpolation resolution). rank_error_bound() returns (E + 1) / n.
/// Worst case is ~ log2(n/k) / k; actual errors are typically far smaller.
/// NaN values are skipped (counted in nan_count()).
class QuantileSketch {
 public:
  explicit QuantileSketch(std::size_t k = 2048);
  void add(double x);
  void add(const double* x, std::size_t n);
  /// Merge another sketch (same or different k; this sketch keeps its own k).
  void merge(const QuantileSketch& other);

  /// Type-7 quantile of the weighted retained items, p in [0,1]; exact min/max at p = 0, 1.
  double quantile(double p) const;
  /// Several quantiles with a single sort of the retained items.
  std::vector<double> quantiles(const std::vector<double>& ps) const;

  std::uint64_t count() const { return n_; }
  std::uint64_t nan_count() const { return nan_; }
  std::size_t k() const { return k_; }
  bool exact() const { return error_weight_ == 0; }
  /// Rigorous worst-case |rank(returned value)/n - p| (see class comment); 0 when empty.
  double rank_error_bound() const;
  std::size_t memory_bytes() const;

 private:
  void compact(std::size_t level);
  void push_sorted(std::size_t level, const double* first, std::size_t n);
  void compress();
  /// Retained items sorted by value with cumulative weights (for queries).
  void sorted_items(std::vector<double>& values, std::vector<std::uint64_t>& cum) const;
  double query(const std::vector<double>& values, const std::vector<std::uint64_t>& cum,
               double p) const;

  std::size_t k_;
  // levels_[0] is an unsorted buffer; levels_[h >= 1] are kept sorted.
  std::vector<std::vector<double>> levels_;
  std::vector<std::uint8_t> next_offset_;  // per level: alternates 0/1 at each compaction
  std::uint64_t n_ = 0;
  std::uint64_t nan_ = 0;
  std::uint64_t error_weight_ = 0;  // E: sum of 2^h over compactions performed
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

/// Histogram with "nice" bin edges (widths 1, 2, 2.5, 5 x 10^k) covering the data min/max,
/// about target_bins bins; bins are [e_i, e_{i+1}) except the last, closed.
/// NaN values (e.g. "never reached") are counted in nan_count; +-inf go in the outer bins.
struct Histogram {
  std::vector<double> edges;            ///< counts.size() + 1 edges (empty when no finite data)
  std::vector<std::uint64_t> counts;
  std::uint64_t nan_count = 0;
};
Histogram make_histogram(const double* x, std::size_t n, int target_bins = 30);

/// Summary of one scalar quantity over paths: what the CLI/JSON prints.
struct ScalarSummary {
  std::uint64_t n = 0;        ///< paths summarised, including missing ones
  std::uint64_t missing = 0;  ///< NaN = censored (e.g. never reached); excluded below
  double mean = std::numeric_limits<double>::quiet_NaN();
  double sd = std::numeric_limits<double>::quiet_NaN();
  double min = std::numeric_limits<double>::quiet_NaN();
  double max = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> quantiles;  ///< same order as the requested percentiles
};

/// Exact summary from all per-path values (NaN = censored: excluded from moments and
/// quantiles, counted in `missing`). Percentiles in (0,100), else std::invalid_argument.
ScalarSummary summarize(const double* x, std::size_t n, const std::vector<double>& percentiles);

/// Probability estimate with its Monte Carlo standard error sqrt(p(1-p)/n).
struct Probability {
  double p = std::numeric_limits<double>::quiet_NaN();
  double se = std::numeric_limits<double>::quiet_NaN();
  std::uint64_t n = 0;
};
/// NaN p and se when n == 0; std::invalid_argument when hits > n.
Probability estimate_probability(std::uint64_t hits, std::uint64_t n);

/// Exact one-sided 95 % upper bound on p when none of n paths was a hit (Clopper-Pearson:
/// 1 - 0.05^(1/n), about 3/n): what "0 %" means when its standard error is 0.
double zero_hits_bound95(std::uint64_t n);

/// Per-month bands of a monthly series: a QuantileSketch + Moments per month, fed block by
/// block. Bands are per-month marginals, not trajectories.
class SeriesBands {
 public:
  SeriesBands(int months, std::size_t k = 2048);
  /// One block: values laid out [month][path], contiguous in path (month m starts at
  /// month_major + m * n_paths). `months` must equal months().
  void add_block(const double* month_major, int months, std::size_t n_paths);
  /// Same state as add_block, with each month's Moments of the block computed beforehand
  /// (by a worker thread, so the ordered merge on the main thread only feeds the sketches).
  void add_block(const double* month_major, std::size_t n_paths, const Moments* block_moments);
  void merge(const SeriesBands& other);

  int months() const { return static_cast<int>(moments_.size()); }
  std::uint64_t count() const;  ///< paths seen (per month)
  std::vector<double> mean() const;
  std::vector<double> sd() const;
  /// result[i][m]: percentile percentiles[i] (in (0,100)) of month m.
  std::vector<std::vector<double>> quantiles(const std::vector<double>& percentiles) const;
  /// Largest rank error bound over the months.
  double rank_error_bound() const;
  std::size_t memory_bytes() const;
  const Moments& moments(int month) const { return moments_.at(static_cast<std::size_t>(month)); }
  const QuantileSketch& sketch(int month) const { return sketches_.at(static_cast<std::size_t>(month)); }

 private:
  std::vector<Moments> moments_;
  std::vector<QuantileSketch> sketches_;
};

}  // namespace amorce
