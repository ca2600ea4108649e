#include "amorce/random_streams.hpp"

#include <Random123/philox.h>
#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <boost/random/sobol.hpp>
#include <stdexcept>

namespace amorce {
namespace {

/// Domain tags in the third counter word keep the uses of Philox apart.
enum : std::uint64_t { kDomainStream = 0, kDomainSobolShift = 1, kDomainFeistel = 2 };

r123::Philox4x64::ctr_type philox(std::uint64_t k0, std::uint64_t k1, std::uint64_t c0,
                                  std::uint64_t c1, std::uint64_t c2) {
  const r123::Philox4x64 gen;
  const r123::Philox4x64::ctr_type ctr = {{c0, c1, c2, 0}};
  const r123::Philox4x64::key_type key = {{k0, k1}};
  return gen(ctr, key);
}

/// Top 53 bits, centred in their cell: in [2^-54, 1 - 2^-54], never 0 or 1.
double u53(std::uint64_t x) { return (static_cast<double>(x >> 11) + 0.5) * 0x1.0p-53; }

}  // namespace

std::uint64_t name_key(std::string_view name) {
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a 64 offset basis
  for (const char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;  // FNV 64 prime
  }
  return h;
}

double stream_uniform(std::uint64_t seed, std::uint64_t key, std::uint64_t path, std::uint32_t month) {
  return u53(philox(seed, key, path, month, kDomainStream)[0]);
}

// ---------------------------------------------------------------------------------------

IndexPermutation::IndexPermutation(std::uint64_t seed, std::uint64_t key, std::uint64_t n) : n_(n) {
  if (n <= 1) return;
  const unsigned bits = static_cast<unsigned>(std::bit_width(n - 1));  // 2^bits >= n
  half_bits_ = std::max(1u, (bits + 1) / 2);
  const auto r = philox(seed, key, 0, 0, kDomainFeistel);
  for (int i = 0; i < 4; ++i) round_keys_[i] = r[static_cast<std::size_t>(i)];
}

std::uint64_t IndexPermutation::feistel(std::uint64_t x) const {
  const std::uint64_t mask = (std::uint64_t{1} << half_bits_) - 1;
  std::uint64_t left = x >> half_bits_, right = x & mask;
  const r123::Philox2x64 gen;
  for (int round = 0; round < 4; ++round) {
    const r123::Philox2x64::ctr_type ctr = {{right, static_cast<std::uint64_t>(round)}};
    const r123::Philox2x64::key_type key = {{round_keys_[round]}};
    const std::uint64_t f = gen(ctr, key)[0] & mask;
    const std::uint64_t next = left ^ f;
    left = right;
    right = next;
  }
  return (left << half_bits_) | right;
}

std::uint64_t IndexPermutation::operator()(std::uint64_t i) const {
  if (i >= n_) throw std::out_of_range(fmt::format("permutation index {} is not below {}", i, n_));
  if (n_ <= 1) return i;
  // Cycle walking: the Feistel network permutes [0, 2^2h); iterate until back inside [0, n).
  std::uint64_t x = feistel(i);
  while (x >= n_) x = feistel(x);
  return x;
}

// ---------------------------------------------------------------------------------------

std::size_t SobolPoints::max_dims() { return boost::random::default_sobol_table::max_dimension; }

SobolPoints::SobolPoints(std::size_t dims, std::uint64_t seed) : dims_(dims) {
  if (dims == 0) throw std::invalid_argument("sobol: at least one dimension is needed");
  if (dims > max_dims())
    throw std::invalid_argument(fmt::format(
        "sobol: {} inputs sampled per path exceed the {} dimensions of the Sobol' direction "
        "tables (Boost 1.74); use sampling: lhs or mc",
        dims, max_dims()));
  // Boost's point j is the Gray-code point of index j + 1, and the Gray code of
  // 2^(r+1) - 1 is 2^r: so Boost's point 2^(r+1) - 2 is the direction vector v_r.
  boost::random::sobol_engine<std::uint32_t, 32> engine(dims);
  directions_.resize(32 * dims);
  for (unsigned r = 0; r < 32; ++r) {
    engine.seed(static_cast<std::uint32_t>((std::uint64_t{1} << (r + 1)) - 2));
    for (std::size_t d = 0; d < dims; ++d) directions_[r * dims + d] = engine();
  }
  shifts_.resize(dims);
  for (std::size_t d = 0; d < dims; ++d) shifts_[d] = philox(seed, 0x736f626f6cull, d, 0, kDomainSobolShift)[0];
}

double SobolPoints::to_unit(std::uint32_t x, std::size_t d) const {
  return u53((static_cast<std::uint64_t>(x) << 32) ^ shifts_[d]);
}

void SobolPoints::point(std::uint64_t index, double* out) const { points(index, 1, out); }

void SobolPoints::points(std::uint64_t first, std::size_t n, double* out) const {
  if (n == 0) return;
  if (first >= max_points || n > max_points - first)
    throw std::invalid_argument(
        fmt::format("sobol: points {}..{} go beyond the 2^32 points of the sequence", first, first + n - 1));
  std::vector<std::uint32_t> state(dims_, 0);
  const std::uint64_t gray = first ^ (first >> 1);
  for (unsigned r = 0; r < 32; ++r)
    if ((gray >> r) & 1)
      for (std::size_t d = 0; d < dims_; ++d) state[d] ^= directions_[r * dims_ + d];
  for (std::size_t k = 0;; ++k) {
    for (std::size_t d = 0; d < dims_; ++d) out[d * n + k] = to_unit(state[d], d);
    if (k + 1 == n) break;
    // Gray code of i+1 differs from that of i in bit ctz(i+1).
    const auto r = static_cast<std::size_t>(std::countr_zero(first + k + 1));
    for (std::size_t d = 0; d < dims_; ++d) state[d] ^= directions_[r * dims_ + d];
  }
}

// ---------------------------------------------------------------------------------------

void fill_uniforms(Sampling sampling, std::uint64_t seed, std::uint64_t total_paths,
                   const std::vector<std::uint64_t>& keys, std::uint64_t first, std::size_t n,
                   double* out) {
  if (first > total_paths || n > total_paths - first)
    throw std::out_of_range(fmt::format("paths {}..{} are outside a run of {} paths", first,
                                        first + n, total_paths));
  if (n == 0 || keys.empty()) return;
  switch (sampling) {
    case Sampling::mc:
      for (std::size_t i = 0; i < keys.size(); ++i)
        for (std::size_t k = 0; k < n; ++k) out[i * n + k] = stream_uniform(seed, keys[i], first + k, kStatic);
      return;
    case Sampling::lhs: {
      const auto total = static_cast<double>(total_paths);
      const double below_one = std::nextafter(1.0, 0.0);
      for (std::size_t i = 0; i < keys.size(); ++i) {
        const IndexPermutation perm(seed, keys[i], total_paths);
        for (std::size_t k = 0; k < n; ++k) {
          const std::uint64_t path = first + k;
          const double jitter = stream_uniform(seed, keys[i], path, kStatic);
          out[i * n + k] = std::min((static_cast<double>(perm(path)) + jitter) / total, below_one);
        }
      }
      return;
    }
    case Sampling::sobol:
      SobolPoints(keys.size(), seed).points(first, n, out);
      return;
  }
}

}  // namespace amorce
