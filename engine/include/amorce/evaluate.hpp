#pragma once
/// Runs a Plan's programs over a block of paths. One dispatch per operation per
/// block-month; each operation is a tight loop over the block's paths.
#include <cstdint>
#include <string>
#include <vector>

#include "amorce/plan.hpp"

namespace amorce {

struct JitModule;

/// Working memory of one block: slot values for the current month and the recorded history.
struct BlockState {
  const Plan* plan = nullptr;
  std::size_t n = 0;             ///< paths in the block
  std::uint64_t first_path = 0;  ///< global index of the block's first path
  std::uint64_t seed = 0;
  bool base_case = false;        ///< every input at its base value
  const double* uniforms = nullptr;  ///< per-path uniforms, rows = plan.uniform_keys (row-major, n per row)
  /// In base-case mode, rows flagged here still take quantile(uniform) (tornado designs).
  const char* rows_from_uniforms = nullptr;
  int month = 0;
  std::vector<double> slots;    ///< n_slots x n
  std::vector<double> scratch, values_buf, weights_buf;  ///< sampling work space, reused every month
  std::vector<double> history;  ///< hist x horizon x n
  /// grow() of the monthly program: (1 + rate)^year per path, kept while the fiscal year
  /// and the path's rate are unchanged (pow is the dearest operation of a month otherwise).
  std::vector<double> grow_rate, grow_pow;  ///< [grow instruction][path]
  std::vector<int> grow_year;               ///< year each cache holds; -1 = empty

  /// During month m a slot of Plan::hist_direct lives in its history row (no copy).
  std::vector<int> slot_row;  ///< per slot: history row [hist x horizon] or -1 (own storage)

  /// Compiled monthly program (jit.hpp), shared by the run's threads; null: the interpreter.
  const JitModule* jit = nullptr;
  std::vector<double*> jit_ptrs;        ///< per-segment pointer tables, rebuilt every call
  std::vector<double> jit_saved;        ///< slots restored when a compiled segment flags an error
  std::vector<double> jit_zeros;        ///< n zeros: lag() before month 0

  double* slot(int s) {
    const int r = slot_row[static_cast<std::size_t>(s)];
    return r < 0 ? slots.data() + static_cast<std::size_t>(s) * n : history.data() + static_cast<std::size_t>(r) * n;
  }
  const double* slot(int s) const {
    const int r = slot_row[static_cast<std::size_t>(s)];
    return r < 0 ? slots.data() + static_cast<std::size_t>(s) * n : history.data() + static_cast<std::size_t>(r) * n;
  }
  /// Recorded value of history entry h at month m, for all paths of the block.
  const double* hist(int h, int m) const {
    return history.data() + (static_cast<std::size_t>(h) * plan->horizon + m) * n;
  }
};

/// Allocates a block's state: slots zeroed; the history is left unzeroed because run_month
/// writes every entry before anything reads it.
void init_block(BlockState& st, const Plan& plan, std::size_t n, std::uint64_t first_path,
                std::uint64_t seed, bool base_case, const double* uniforms);

/// Constants, inputs and per-path fields (once per block).
void run_static(BlockState& st);

/// Every series and item at month m, then records the history of month m.
void run_month(BlockState& st, int m);

/// Instructions [begin, end) of `prog` at the current month.
void run_program(BlockState& st, const std::vector<Instr>& prog, std::size_t begin, std::size_t end);

/// Instructions [begin, end) of the monthly program at the current month, its grow()
/// caches numbered from `grow_index` (the number of grow() instructions before `begin`):
/// lets the compiled program (jit.hpp) run its non-fused instructions one by one.
void run_monthly_range(BlockState& st, std::size_t begin, std::size_t end, std::size_t grow_index);

/// "2027-05" for month m of the plan.
std::string month_label(const Plan& plan, int m);

}  // namespace amorce
