#pragma once
/// Counter-based randomness: every uniform is a pure function of (seed, input name, path,
/// month), computed with Random123's Philox4x64-10, so path 123 456 draws the same numbers
/// whatever the thread, block, machine or order of the inputs in the YAML.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "amorce/scenario.hpp"

namespace amorce {

/// Stable 64-bit key of an input name (FNV-1a 64), so reordering the YAML never changes draws.
std::uint64_t name_key(std::string_view name);

/// Month value for draws made once per path (not per month).
inline constexpr std::uint32_t kStatic = 0xFFFFFFFFu;

/// Uniform in (0,1), never 0 or 1 (53-bit grid centred in its cells), for
/// (seed, key, path, month): Philox4x64-10 with key {seed, key} and counter {path, month, 0, 0}.
double stream_uniform(std::uint64_t seed, std::uint64_t key, std::uint64_t path, std::uint32_t month);

/// A keyed pseudo-random bijection of [0, n), evaluable per index in O(1) memory: a 4-round
/// balanced Feistel network on 2h bits (2^2h >= n, h >= 1) whose round function is Philox,
/// with cycle walking back into [0, n) (fewer than 4 steps on average). LHS uses it so the
/// strata are shared out across ALL paths of a run whatever the block partition.
class IndexPermutation {
 public:
  IndexPermutation(std::uint64_t seed, std::uint64_t key, std::uint64_t n);
  std::uint64_t operator()(std::uint64_t i) const;
  std::uint64_t size() const { return n_; }

 private:
  std::uint64_t feistel(std::uint64_t x) const;
  std::uint64_t n_;
  unsigned half_bits_ = 0;
  std::uint64_t round_keys_[4] = {0, 0, 0, 0};
};

/// Randomised Sobol' points. The direction numbers are Boost's (boost::random::sobol_engine,
/// Joe-Kuo tables, up to max_dims() dimensions); point i is the *unskipped* Gray-code point
/// (so points 0 .. 2^m - 1 form a (t, m, s)-net; Boost's engine itself skips point 0), then
/// randomised by a random digital shift: the 32-bit coordinate, placed in the top bits of a
/// 64-bit word, is XORed with 64 bits drawn from Philox for (seed, dimension). The shift makes
/// point 0 non-zero and every point uniform on (0,1) (unbiased estimates); the result is
/// rounded to 53 bits and centred, so u is never 0 or 1.
/// point(i) is O(32 dims) and needs no earlier point; points() walks a contiguous range in
/// Gray-code order, O(dims) per point. Indices must be < 2^32.
class SobolPoints {
 public:
  SobolPoints(std::size_t dims, std::uint64_t seed);
  static std::size_t max_dims();
  static constexpr std::uint64_t max_points = std::uint64_t{1} << 32;
  std::size_t dims() const { return dims_; }
  /// out[d] for d < dims: coordinates of point `index`, in (0,1).
  void point(std::uint64_t index, double* out) const;
  /// out[d * n + k]: coordinate d of point first + k (dims x n, row-major by dimension).
  void points(std::uint64_t first, std::size_t n, double* out) const;

 private:
  double to_unit(std::uint32_t x, std::size_t d) const;
  std::size_t dims_;
  std::vector<std::uint32_t> directions_;  ///< directions_[r * dims + d], r = 0..31
  std::vector<std::uint64_t> shifts_;      ///< per dimension
};

/// Fills uniforms for per-path inputs: out[i * n + k] for input i (keys[i]) and path first + k
/// of a run of total_paths paths.
///   mc:    stream_uniform(seed, keys[i], path, kStatic)
///   lhs:   (perm_i(path) + stream_uniform(seed, keys[i], path, kStatic)) / total_paths, with
///          perm_i = IndexPermutation(seed, keys[i], total_paths): one path per stratum per input
///   sobol: coordinate i of SobolPoints(keys.size(), seed) point `path` (the caller sorts the
///          inputs by name so the dimension of an input does not depend on the YAML order).
/// Throws std::out_of_range when first + n > total_paths, std::invalid_argument for sobol
/// beyond max_dims() inputs or 2^32 paths.
void fill_uniforms(Sampling sampling, std::uint64_t seed, std::uint64_t total_paths,
                   const std::vector<std::uint64_t>& keys, std::uint64_t first, std::size_t n,
                   double* out);

}  // namespace amorce
