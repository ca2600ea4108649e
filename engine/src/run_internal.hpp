#pragma once
// Private to run.cpp and run_part.cpp: a block's statistics before the ordered merge, their
// byte form (a run split across processes, run_part.hpp) and the body of run_monte_carlo.
#include <cstdint>
#include <functional>
#include <vector>

#include "amorce/run_part.hpp"
#include "amorce/stats.hpp"

namespace amorce::detail {

/// What a worker hands to the ordered merge: moments already reduced, and the raw values
/// the quantile sketches need (a block's values go into a sketch exactly as if added
/// directly, so no per-block sketch is built).
struct BlockOut {
  std::size_t n = 0;
  std::size_t n_quantiles = 0;  ///< first paths of the block within RunOptions::band_paths
  std::vector<Moments> fig_moments;
  std::vector<double> fig_values;  ///< [figure x year][path]
  std::vector<std::uint64_t> check_breaches, check_year_breaches, check_year_applicable;
  std::vector<Moments> series_moments;  ///< [series][month]
  std::vector<double> series_values;    ///< [series][month][path]
  std::vector<std::uint64_t> negative_cash;
};

/// Appends `o` to `buf` (its exact bytes: Moments included, so the merge is bit-identical).
void put_block(std::vector<char>& buf, const BlockOut& o);
/// Reads the block at `p` and moves `p` past it; std::logic_error on a truncated buffer.
BlockOut get_block(const char*& p, const char* end);

/// run_monte_carlo's body over opt's share of blocks. `part` set: the blocks' statistics are
/// serialised into it unmerged and the per-path columns hold only its paths (run_part);
/// `next_part` set: once this share's blocks are merged, the parts it returns are merged
/// after them (run_with_parts). Neither: the share's blocks merged (the whole run when
/// share_count is 1), per-path columns over all paths.
RunResult run_blocks(const Plan& plan, const RunOptions& opt, RunPart* part,
                     const std::function<bool(RunPart&)>* next_part);

}  // namespace amorce::detail
