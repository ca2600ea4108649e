#include "amorce/stats.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

namespace amorce {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// numpy's _lerp: the two-sided form keeps the result inside [a, b] and exact at t = 0, 1.
double lerp(double a, double b, double t) {
  const double d = b - a;
  return t >= 0.5 ? b - d * (1.0 - t) : a + d * t;
}

/// numpy's type-7 virtual index, written the way numpy computes it (n*q + (1 - q) - 1) so
/// results match numpy bit for bit rather than to the last ulp.
double virtual_index(std::uint64_t n, double p) {
  return static_cast<double>(n) * p + (1.0 - p) - 1.0;
}

void check_probability(double p) {
  if (!(p >= 0.0 && p <= 1.0)) {
    throw std::invalid_argument("quantile: probability " + std::to_string(p) +
                                " is outside [0, 1]");
  }
}

// Order-preserving map double -> uint64 (negative numbers: all bits flipped; positive:
// sign bit set), so an unsigned radix sort sorts doubles. NaN never reaches it.
std::uint64_t radix_key(double d) {
  std::uint64_t u;
  std::memcpy(&u, &d, sizeof u);
  return (u >> 63) != 0 ? ~u : (u | 0x8000000000000000ULL);
}

double radix_value(std::uint64_t k) {
  const std::uint64_t u = (k >> 63) != 0 ? (k & 0x7fffffffffffffffULL) : ~k;
  double d;
  std::memcpy(&d, &u, sizeof d);
  return d;
}

/// Sorts doubles for level-0 compaction (~k random values per k values added).
/// std::sort costs ~4 ns per value per log2(k) (branch mispredictions); instead: LSD radix
/// sort on the 32 highest *varying* key bits (4 passes of 8 bits, constant digits
/// skipped), then std::sort on any run whose 32 bits tie (rare; keeps narrow or
/// adversarial data correct and bounded by std::sort's cost).
void sort_values(std::vector<double>& v) {
  const std::size_t n = v.size();
  if (n < 256) {
    std::sort(v.begin(), v.end());
    return;
  }
  // scratch without zero-filling: every element is written before it is read
  auto a_buf = std::make_unique_for_overwrite<std::uint64_t[]>(n);
  auto b_buf = std::make_unique_for_overwrite<std::uint64_t[]>(n);
  std::uint64_t* a = a_buf.get();
  std::uint64_t* b = b_buf.get();
  std::uint64_t diff = 0;
  const std::uint64_t k0 = radix_key(v[0]);
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = radix_key(v[i]);
    diff |= a[i] ^ k0;
  }
  if (diff == 0) return;  // all equal
  const int top = 63 - std::countl_zero(diff);
  const int shift = std::max(0, top + 1 - 32);
  std::array<std::array<std::uint32_t, 256>, 4> hist{};
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t key = a[i] >> shift;
    for (int d = 0; d < 4; ++d) ++hist[d][(key >> (8 * d)) & 0xff];
  }
  for (int d = 0; d < 4; ++d) {
    const int bit = shift + 8 * d;
    auto& h = hist[d];
    if (h[(a[0] >> bit) & 0xff] == n) continue;  // all keys share this digit
    std::uint32_t sum = 0;
    for (auto& c : h) {
      const std::uint32_t c0 = c;
      c = sum;
      sum += c0;
    }
    for (std::size_t i = 0; i < n; ++i) b[h[(a[i] >> bit) & 0xff]++] = a[i];
    std::swap(a, b);
  }
  if (shift > 0) {
    // Keys equal on the sorted bits form runs; order each run by the full key.
    std::size_t i = 0;
    while (i < n) {
      std::size_t j = i + 1;
      const std::uint64_t hi = a[i] >> shift;
      while (j < n && (a[j] >> shift) == hi) ++j;
      if (j - i > 1 && std::any_of(a + i + 1, a + j, [&](std::uint64_t x) { return x != a[i]; }))
        std::sort(a + i, a + j);  // (a run of one repeated value, e.g. a month, is sorted)
      i = j;
    }
  }
  for (std::size_t i = 0; i < n; ++i) v[i] = radix_value(a[i]);
}

}  // namespace

// ---------------------------------------------------------------- merge_sorted

void merge_sorted(const double* a, std::size_t na, const double* b, std::size_t nb, double* out) {
  // Branch-free (a select instead of an unpredictable branch per element) and from both
  // ends at once: the front takes the smallest remaining item, the back the largest, so
  // each step runs two independent dependency chains (load, compare, advance) instead of
  // one. Ties: `a` first from the front, `b` first from the back, which is the order of a
  // stable merge, so the result is exactly std::merge(a, b). An exhausted side reads a
  // clamped (valid) index and is never chosen; the two ends never take the same item
  // because together they take exactly na + nb items.
  if (na == 0 || nb == 0) {
    if (na > 0) std::copy_n(a, na, out);
    if (nb > 0) std::copy_n(b, nb, out);
    return;
  }
  const std::size_t m = na + nb;
  std::size_t i = 0, j = 0;     // front cursors
  std::size_t ie = na, je = nb;  // back cursors: one past the next item
  std::size_t lo = 0, hi = m;
  auto front = [&] {
    const double av = a[i < na ? i : na - 1];
    const double bv = b[j < nb ? j : nb - 1];
    const bool take_b = j < nb && (i >= na || bv < av);
    out[lo++] = take_b ? bv : av;
    j += take_b;
    i += !take_b;
  };
  for (std::size_t s = 0; s < m / 2; ++s) {
    front();
    const double ah = a[ie > 0 ? ie - 1 : 0];
    const double bh = b[je > 0 ? je - 1 : 0];
    const bool take_a = ie > 0 && (je == 0 || ah > bh);
    out[--hi] = take_a ? ah : bh;
    ie -= take_a;
    je -= !take_a;
  }
  if (m & 1) front();
}

// ---------------------------------------------------------------- Moments

void Moments::add(double x) {
  if (std::isnan(x)) {
    ++nan_;
    return;
  }
  ++n_;
  const double delta = x - mean_;
  mean_ += delta / static_cast<double>(n_);
  m2_ += delta * (x - mean_);
  min_ = std::min(min_, x);
  max_ = std::max(max_, x);
}

void Moments::add(const double* x, std::size_t n) {
  Moments block;
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = x[i];
    if (std::isnan(v)) {
      ++block.nan_;
      continue;
    }
    ++block.n_;
    sum += v;
    block.min_ = std::min(block.min_, v);
    block.max_ = std::max(block.max_, v);
  }
  if (block.n_ > 0) {
    const double cnt = static_cast<double>(block.n_);
    const double mean = sum / cnt;
    // Corrected two-pass: the sum of deviations term removes the rounding error of `mean`.
    double ss = 0.0;
    double sd = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const double v = x[i];
      if (std::isnan(v)) continue;
      const double d = v - mean;
      ss += d * d;
      sd += d;
    }
    block.mean_ = mean + sd / cnt;
    block.m2_ = std::max(0.0, ss - sd * sd / cnt);
  }
  merge(block);
}

void Moments::merge(const Moments& other) {
  nan_ += other.nan_;
  if (other.n_ == 0) return;
  if (n_ == 0) {
    const std::uint64_t nan = nan_;
    *this = other;
    nan_ = nan;
    return;
  }
  // Chan, Golub & LeVeque pairwise update.
  const double na = static_cast<double>(n_);
  const double nb = static_cast<double>(other.n_);
  const double nt = na + nb;
  const double delta = other.mean_ - mean_;
  mean_ += delta * (nb / nt);
  m2_ += other.m2_ + delta * delta * (na * nb / nt);
  n_ += other.n_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

double Moments::mean() const { return n_ == 0 ? kNaN : mean_; }
double Moments::variance() const {
  return n_ < 2 ? kNaN : m2_ / static_cast<double>(n_ - 1);
}
double Moments::sd() const { return std::sqrt(variance()); }
double Moments::min() const { return n_ == 0 ? kNaN : min_; }
double Moments::max() const { return n_ == 0 ? kNaN : max_; }

// ---------------------------------------------------------------- quantile_sorted

double quantile_sorted(const double* sorted, std::size_t n, double p) {
  check_probability(p);
  if (n == 0) return kNaN;
  const double h = virtual_index(n, p);
  if (h >= static_cast<double>(n - 1)) return sorted[n - 1];
  if (h <= 0.0) return sorted[0];
  const double lo = std::floor(h);
  const auto i = static_cast<std::size_t>(lo);
  return lerp(sorted[i], sorted[i + 1], h - lo);
}

// ---------------------------------------------------------------- QuantileSketch

QuantileSketch::QuantileSketch(std::size_t k) : k_(k) {
  if (k < 2) throw std::invalid_argument("QuantileSketch: k must be >= 2");
  levels_.emplace_back();
  levels_[0].reserve(k_ + 1);
  next_offset_.push_back(0);
}

void QuantileSketch::add(double x) {
  if (std::isnan(x)) {
    ++nan_;
    return;
  }
  ++n_;
  min_ = std::min(min_, x);
  max_ = std::max(max_, x);
  levels_[0].push_back(x);
  if (levels_[0].size() > k_) compress();
}

void QuantileSketch::add(const double* x, std::size_t n) {
  std::size_t i = 0;
  while (i < n) {
    auto& buf = levels_[0];
    const std::size_t room = k_ + 1 - buf.size();  // buf.size() <= k_ between calls
    const std::size_t end = std::min(n, i + room);
    // Branch-free scan first (vectorises); NaN-free chunks, the usual case, are appended
    // in one copy. min/max ignore NaN: v < lo is false for NaN.
    double lo = min_;
    double hi = max_;
    std::size_t nans = 0;
    for (std::size_t j = i; j < end; ++j) {
      const double v = x[j];
      nans += v != v;
      lo = v < lo ? v : lo;
      hi = v > hi ? v : hi;
    }
    if (nans == 0) {
      buf.insert(buf.end(), x + i, x + end);
    } else {
      for (std::size_t j = i; j < end; ++j)
        if (!std::isnan(x[j])) buf.push_back(x[j]);
    }
    n_ += (end - i) - nans;
    nan_ += nans;
    min_ = lo;
    max_ = hi;
    i = end;
    if (buf.size() > k_) compress();
  }
}

void QuantileSketch::push_sorted(std::size_t level, const double* first, std::size_t n) {
  if (n == 0) return;
  while (levels_.size() <= level) {
    levels_.emplace_back();
    next_offset_.push_back(0);
  }
  auto& buf = levels_[level];
  if (buf.empty()) {
    buf.assign(first, first + n);
    return;
  }
  std::vector<double> out(buf.size() + n);  // exact size: levels >= 1 hold no slack
  merge_sorted(buf.data(), buf.size(), first, n, out.data());
  buf.swap(out);
}

void QuantileSketch::compact(std::size_t level) {
  std::vector<double>& buf = levels_[level];
  if (level == 0) sort_values(buf);
  const std::size_t m = buf.size();
  const std::size_t even = m & ~static_cast<std::size_t>(1);
  if (even == 0) return;
  // Alternate which half survives so that repeated compactions do not all round ranks
  // the same way; deterministic, so the output depends only on the call sequence.
  const std::size_t offset = next_offset_[level];
  next_offset_[level] ^= 1;
  std::vector<double> up;
  up.reserve(even / 2);
  for (std::size_t i = offset; i < even; i += 2) up.push_back(buf[i]);
  // An odd leftover (the largest item) stays at this level with its weight: no error.
  if (m != even) {
    buf[0] = buf[m - 1];
    buf.resize(1);
  } else {
    buf.clear();
  }
  // Levels >= 1 are rebuilt at exact size by every push_sorted: do not keep the capacity of
  // a full level (up to 1.5 k items) while it refills (at 1 M paths this halves the sketches).
  if (level > 0) buf.shrink_to_fit();
  error_weight_ += std::uint64_t{1} << level;
  push_sorted(level + 1, up.data(), up.size());  // may reallocate levels_: `buf` is dead
}

void QuantileSketch::compress() {
  // A level compacts when it holds more than k items (so the sketch is exact while
  // count() <= k). Compacting level h only grows level h+1: one upward sweep suffices.
  for (std::size_t h = 0; h < levels_.size(); ++h) {
    if (levels_[h].size() > k_) compact(h);
  }
}

void QuantileSketch::merge(const QuantileSketch& other_in) {
  if (&other_in == this) {
    const QuantileSketch copy = other_in;
    merge(copy);
    return;
  }
  const QuantileSketch& other = other_in;
  if (other.n_ == 0) {
    nan_ += other.nan_;
    return;
  }
  // Higher levels: sorted runs of the same weight merge linearly.
  for (std::size_t h = 1; h < other.levels_.size(); ++h) {
    push_sorted(h, other.levels_[h].data(), other.levels_[h].size());
  }
  // Level 0: fed like add() (compacting each time the buffer fills), so merging a block
  // sketch that never compacted gives the same state as adding its values directly.
  const std::vector<double>& src = other.levels_[0];
  std::size_t i = 0;
  while (i < src.size()) {
    auto& buf = levels_[0];
    const std::size_t room = k_ + 1 - buf.size();
    const std::size_t take = std::min(room, src.size() - i);
    buf.insert(buf.end(), src.begin() + static_cast<std::ptrdiff_t>(i),
               src.begin() + static_cast<std::ptrdiff_t>(i + take));
    i += take;
    if (buf.size() > k_) compress();
  }
  n_ += other.n_;
  nan_ += other.nan_;
  error_weight_ += other.error_weight_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  compress();
}

void QuantileSketch::sorted_items(std::vector<double>& values,
                                  std::vector<std::uint64_t>& cum) const {
  // Level 0 is the only unsorted level: radix-sort a copy, then merge the sorted levels in
  // (a few linear merges instead of a comparison sort of every retained item). The order of
  // equal values does not matter: a query returns a value, not an item.
  std::vector<double> v = levels_[0];
  sort_values(v);
  std::vector<std::uint64_t> w(v.size(), 1);
  std::vector<double> v2;
  std::vector<std::uint64_t> w2;
  for (std::size_t h = 1; h < levels_.size(); ++h) {
    const auto& lv = levels_[h];
    if (lv.empty()) continue;
    const std::uint64_t wh = std::uint64_t{1} << h;
    v2.resize(v.size() + lv.size());
    w2.resize(v2.size());
    std::size_t a = 0, b = 0, o = 0;
    while (a < v.size() && b < lv.size()) {
      if (lv[b] < v[a]) {
        v2[o] = lv[b++];
        w2[o++] = wh;
      } else {
        v2[o] = v[a];
        w2[o++] = w[a++];
      }
    }
    for (; a < v.size(); ++a, ++o) {
      v2[o] = v[a];
      w2[o] = w[a];
    }
    for (; b < lv.size(); ++b, ++o) {
      v2[o] = lv[b];
      w2[o] = wh;
    }
    v.swap(v2);
    w.swap(w2);
  }
  values = std::move(v);
  cum.resize(w.size());
  std::uint64_t c = 0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    c += w[i];
    cum[i] = c;
  }
}

double QuantileSketch::query(const std::vector<double>& values,
                             const std::vector<std::uint64_t>& cum, double p) const {
  check_probability(p);
  if (n_ == 0) return kNaN;
  if (p == 0.0) return min_;
  if (p == 1.0) return max_;
  // Type 7 on the multiset where each retained item of weight w stands for w copies:
  // identical to quantile_sorted while nothing was compacted (all weights 1).
  const double h = virtual_index(n_, p);
  if (h >= static_cast<double>(n_ - 1)) return max_;
  if (h <= 0.0) return min_;
  const double lo = std::floor(h);
  const auto j = static_cast<std::uint64_t>(lo);
  // Expanded order statistic j (0-based) is the first item with cumulative weight > j.
  const auto at = [&](std::uint64_t r) {
    auto it = std::upper_bound(cum.begin(), cum.end(), r);
    if (it == cum.end()) --it;
    return values[static_cast<std::size_t>(it - cum.begin())];
  };
  return lerp(at(j), at(j + 1), h - lo);
}

double QuantileSketch::quantile(double p) const {
  std::vector<double> values;
  std::vector<std::uint64_t> cum;
  sorted_items(values, cum);
  return query(values, cum, p);
}

std::vector<double> QuantileSketch::quantiles(const std::vector<double>& ps) const {
  std::vector<double> values;
  std::vector<std::uint64_t> cum;
  sorted_items(values, cum);
  std::vector<double> out;
  out.reserve(ps.size());
  for (double p : ps) out.push_back(query(values, cum, p));
  return out;
}

double QuantileSketch::rank_error_bound() const {
  if (n_ == 0) return 0.0;
  return (static_cast<double>(error_weight_) + 1.0) / static_cast<double>(n_);
}

std::size_t QuantileSketch::memory_bytes() const {
  std::size_t bytes = sizeof(*this) + levels_.capacity() * sizeof(std::vector<double>) +
                      next_offset_.capacity();
  for (const auto& l : levels_) bytes += l.capacity() * sizeof(double);
  return bytes;
}

// ---------------------------------------------------------------- Histogram

namespace {

/// Smallest width m * 10^e >= raw with m in {1, 2, 2.5, 5}; returns (m, e).
std::pair<double, int> nice_width(double raw) {
  int e = static_cast<int>(std::floor(std::log10(raw)));
  for (int attempt = 0; attempt < 3; ++attempt, ++e) {
    const double base = std::pow(10.0, e);
    for (double m : {1.0, 2.0, 2.5, 5.0}) {
      if (m * base >= raw) return {m, e};
    }
  }
  return {1.0, e};
}

/// idx * m * 10^e, dividing by 10^-e for negative e so decimal edges come out exact-ish
/// (0.1 * 3 != 0.3, but 3 / 10 == 0.3).
double nice_edge(double idx, double m, int e) {
  return e >= 0 ? idx * m * std::pow(10.0, e) : idx * m / std::pow(10.0, -e);
}

}  // namespace

Histogram make_histogram(const double* x, std::size_t n, int target_bins) {
  if (target_bins < 1) throw std::invalid_argument("make_histogram: target_bins must be >= 1");
  Histogram hist;
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  std::uint64_t finite = 0;
  std::uint64_t infinite = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = x[i];
    if (std::isnan(v)) {
      ++hist.nan_count;
    } else if (std::isinf(v)) {
      ++infinite;
    } else {
      ++finite;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (finite == 0) {
    hist.nan_count += infinite;  // nothing to place the infinities against
    return hist;
  }
  const double span = hi - lo;
  // hi/t - lo/t rather than (hi - lo)/t: no overflow for data near +-DBL_MAX.
  const double raw = span > 0.0 ? hi / target_bins - lo / target_bins
                                : std::max(std::abs(lo), 1.0) / target_bins;
  const auto [m, e] = nice_width(raw);
  const double width = nice_edge(1.0, m, e);
  double first = std::floor(lo / width);
  while (nice_edge(first, m, e) > lo) first -= 1.0;
  std::size_t bins = 1;
  while (nice_edge(first + static_cast<double>(bins), m, e) < hi) ++bins;
  hist.edges.resize(bins + 1);
  for (std::size_t i = 0; i <= bins; ++i) hist.edges[i] = nice_edge(first + static_cast<double>(i), m, e);
  hist.counts.assign(bins, 0);
  const double e0 = hist.edges.front();
  for (std::size_t i = 0; i < n; ++i) {
    const double v = x[i];
    if (std::isnan(v)) continue;
    std::size_t b;
    if (v == -std::numeric_limits<double>::infinity()) {
      b = 0;
    } else if (v == std::numeric_limits<double>::infinity()) {
      b = bins - 1;
    } else {
      const double f = std::floor((v - e0) / width);
      b = f <= 0.0 ? 0 : std::min(bins - 1, static_cast<std::size_t>(f));
      // The division may round across an edge: settle against the stored edges.
      while (b > 0 && v < hist.edges[b]) --b;
      while (b + 1 < bins && v >= hist.edges[b + 1]) ++b;
    }
    ++hist.counts[b];
  }
  return hist;
}

// ---------------------------------------------------------------- summaries

ScalarSummary summarize(const double* x, std::size_t n, const std::vector<double>& percentiles) {
  for (double q : percentiles) {
    if (!(q > 0.0 && q < 100.0)) {
      throw std::invalid_argument("summarize: percentile " + std::to_string(q) +
                                  " is outside (0, 100)");
    }
  }
  ScalarSummary s;
  s.n = n;
  Moments mom;
  mom.add(x, n);
  s.missing = mom.nan_count();
  s.mean = mom.mean();
  s.sd = mom.sd();
  s.min = mom.min();
  s.max = mom.max();
  std::vector<double> v;
  v.reserve(mom.count());
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isnan(x[i])) v.push_back(x[i]);
  }
  sort_values(v);  // radix: the per-path columns hold up to millions of values
  s.quantiles.reserve(percentiles.size());
  for (double q : percentiles) s.quantiles.push_back(quantile_sorted(v.data(), v.size(), q / 100.0));
  return s;
}

double zero_hits_bound95(std::uint64_t n) {
  return n == 0 ? 1.0 : 1.0 - std::pow(0.05, 1.0 / static_cast<double>(n));
}

Probability estimate_probability(std::uint64_t hits, std::uint64_t n) {
  if (hits > n) {
    throw std::invalid_argument("estimate_probability: hits (" + std::to_string(hits) +
                                ") > n (" + std::to_string(n) + ")");
  }
  Probability r;
  r.n = n;
  if (n == 0) return r;
  const double nn = static_cast<double>(n);
  r.p = static_cast<double>(hits) / nn;
  r.se = std::sqrt(r.p * (1.0 - r.p) / nn);
  return r;
}

// ---------------------------------------------------------------- SeriesBands

SeriesBands::SeriesBands(int months, std::size_t k) {
  if (months < 0) throw std::invalid_argument("SeriesBands: months must be >= 0");
  moments_.resize(static_cast<std::size_t>(months));
  sketches_.assign(static_cast<std::size_t>(months), QuantileSketch(k));
}

void SeriesBands::add_block(const double* month_major, int months, std::size_t n_paths) {
  if (months != this->months()) {
    throw std::invalid_argument("SeriesBands::add_block: block has " + std::to_string(months) +
                                " months, bands have " + std::to_string(this->months()));
  }
  for (std::size_t m = 0; m < moments_.size(); ++m) {
    const double* row = month_major + m * n_paths;
    moments_[m].add(row, n_paths);
    sketches_[m].add(row, n_paths);
  }
}

void SeriesBands::add_block(const double* month_major, std::size_t n_paths,
                            const Moments* block_moments) {
  for (std::size_t m = 0; m < moments_.size(); ++m) {
    moments_[m].merge(block_moments[m]);
    sketches_[m].add(month_major + m * n_paths, n_paths);
  }
}

void SeriesBands::merge(const SeriesBands& other) {
  if (other.months() != months()) {
    throw std::invalid_argument("SeriesBands::merge: month counts differ (" +
                                std::to_string(other.months()) + " vs " +
                                std::to_string(months()) + ")");
  }
  for (std::size_t m = 0; m < moments_.size(); ++m) {
    moments_[m].merge(other.moments_[m]);
    sketches_[m].merge(other.sketches_[m]);
  }
}

std::uint64_t SeriesBands::count() const {
  return moments_.empty() ? 0 : moments_[0].count() + moments_[0].nan_count();
}

std::vector<double> SeriesBands::mean() const {
  std::vector<double> out;
  out.reserve(moments_.size());
  for (const auto& m : moments_) out.push_back(m.mean());
  return out;
}

std::vector<double> SeriesBands::sd() const {
  std::vector<double> out;
  out.reserve(moments_.size());
  for (const auto& m : moments_) out.push_back(m.sd());
  return out;
}

std::vector<std::vector<double>> SeriesBands::quantiles(
    const std::vector<double>& percentiles) const {
  std::vector<double> ps;
  ps.reserve(percentiles.size());
  for (double q : percentiles) {
    if (!(q > 0.0 && q < 100.0)) {
      throw std::invalid_argument("SeriesBands::quantiles: percentile " + std::to_string(q) +
                                  " is outside (0, 100)");
    }
    ps.push_back(q / 100.0);
  }
  std::vector<std::vector<double>> out(ps.size(), std::vector<double>(sketches_.size()));
  for (std::size_t m = 0; m < sketches_.size(); ++m) {
    const std::vector<double> q = sketches_[m].quantiles(ps);
    for (std::size_t i = 0; i < ps.size(); ++i) out[i][m] = q[i];
  }
  return out;
}

double SeriesBands::rank_error_bound() const {
  double b = 0.0;
  for (const auto& s : sketches_) b = std::max(b, s.rank_error_bound());
  return b;
}

std::size_t SeriesBands::memory_bytes() const {
  std::size_t bytes = sizeof(*this) + moments_.capacity() * sizeof(Moments) +
                      (sketches_.capacity() - sketches_.size()) * sizeof(QuantileSketch);
  for (const auto& s : sketches_) bytes += s.memory_bytes();
  return bytes;
}

}  // namespace amorce
