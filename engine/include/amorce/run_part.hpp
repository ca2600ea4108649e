#pragma once
/// One large Monte Carlo run split across processes (`mpirun -n R amorce run`, docs/portfolio.md):
/// share k of R simulates a contiguous range of path blocks with its own threads and keeps every
/// block's statistics unmerged (RunPart); share 0 simulates the first range, merging as a
/// single-process run does, then merges the other shares' blocks strictly in block order. The
/// merged RunResult is bit-identical to run_monte_carlo's on one process, whatever the number
/// of shares and threads. The engine moves no bytes between processes: the caller does
/// (engine/cli/mpi_session.hpp), so the library does not depend on MPI.
#include <cstddef>
#include <functional>
#include <utility>
#include <vector>

#include "amorce/run.hpp"

namespace amorce {

/// What share k > 0 of a run hands to share 0: the per-path columns of its paths and every
/// block's statistics, serialised in block order (plain bytes: processes run the same binary).
struct RunPart {
  std::size_t block_begin = 0, block_end = 0;  ///< blocks [begin, end) of the run
  std::size_t path_begin = 0, path_end = 0;    ///< their paths [begin, end)
  std::vector<double> indicators;   ///< [indicator][path - path_begin]
  std::vector<double> kept_cash;    ///< keep_paths: [path - path_begin][month]
  std::vector<double> kept_inputs;  ///< keep_inputs: [input][path - path_begin]
  std::vector<char> blocks;         ///< each block's statistics, unmerged, in block order
};

/// Blocks [first, last) of share `index` of `count` over `blocks` blocks: contiguous ranges in
/// share order (the same split as the portfolio's ranks).
std::pair<std::size_t, std::size_t> share_blocks(std::size_t blocks, int index, int count);

/// Share opt.share_index (> 0) of opt.share_count: simulates its blocks and returns them unmerged.
RunPart run_part(const Plan& plan, const RunOptions& opt);

/// Share 0 of opt.share_count: simulates its blocks, merging them as run_monte_carlo does, then
/// merges the parts `next_part` fills (one per call, following blocks in block order; it returns
/// false when none is left). `next_part` is called on the calling thread once this share's
/// blocks are done. The result is the whole run's (options.share_count back to 1).
RunResult run_with_parts(const Plan& plan, const RunOptions& opt, const std::function<bool(RunPart&)>& next_part);

}  // namespace amorce
