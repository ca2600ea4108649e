#pragma once
/// Internals of the compiled monthly program (jit.hpp), shared by jit.cpp (segments, code)
/// and jit_build.cpp (compiler, cache, loader).
#include <cstddef>
#include <string>
#include <vector>

#include "amorce/plan.hpp"

namespace amorce {
namespace jit_detail {

/// Instructions [begin, end) of the monthly program: one compiled loop, or interpreted.
struct Segment {
  std::size_t begin = 0, end = 0;
  bool compiled = false;
  std::size_t grow_index = 0;  ///< grow() instructions before `begin` (interpreter's caches)
  std::vector<int> slots;      ///< the slots it uses: argument S[j] of the function
  std::vector<int> lags;       ///< its lag() instructions: argument H[j] (history row or null)
  std::vector<int> consts;     ///< per constant / season instruction: offset in Layout::constants
  std::vector<int> loads, stores;  ///< slots read before written / written
  std::vector<int> restore;        ///< both: restored before the interpreter re-runs a failed segment
  bool can_fail = false;           ///< has a division, log, sqrt or finiteness check
};

struct Layout {
  std::vector<Segment> segments;
  std::vector<double> constants;  ///< constant values and season tables (12 each)
};

Layout segment_plan(const Plan& plan);
std::string generate(const Plan& plan, const Layout& layout);

/// int amorce_seg_N(S, H, K, X = {month, fiscal year, calendar month}, n): nonzero when some
/// path raised an error flag.
using SegmentFn = int (*)(double* const*, const double* const*, const double*, const double*, unsigned long);

}  // namespace jit_detail

struct JitModule {
  jit_detail::Layout layout;
  std::vector<jit_detail::SegmentFn> functions;  ///< per segment; null when interpreted
  void* handle = nullptr;                         ///< dlopen handle
  JitModule() = default;
  JitModule(const JitModule&) = delete;
  JitModule& operator=(const JitModule&) = delete;
  ~JitModule();
};

}  // namespace amorce
