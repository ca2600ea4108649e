#pragma once
/// A second backend for the monthly program: straight-line C++ generated from a (pruned)
/// Plan, compiled at run time with the system compiler, cached on disk by a hash of its
/// source and loaded with dlopen. Runs of element-wise instructions become one loop over
/// the block's paths (a path-month is one pass over memory instead of one per instruction);
/// sample, grow, granted and lag(x, 0) stay in the interpreter, run between the loops.
/// Same numbers as the interpreter, bit for bit (docs/architecture.md, "Compiled monthly
/// program"); any error is re-raised by the interpreter with its exact message.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "amorce/plan.hpp"

namespace amorce {

struct BlockState;

/// RunOptions::jit. auto: compiled when the run has enough paths to repay the compiler
/// (jit_min_paths) and a compiler is found; on: always when possible; off: the interpreter.
enum class JitMode { automatic, on, off };

/// Below this many paths `auto` keeps the interpreter: a first compile costs ~0.4 s of CPU
/// (then the cache makes it ~1 ms), the compiled program saves ~0.7 µs per path (peer).
constexpr long long kJitMinPaths = 100000;

/// "auto" | "on" | "off" -> JitMode (throws std::invalid_argument otherwise).
JitMode parse_jit_mode(const std::string& s);

/// The compiled monthly program of one Plan: immutable once built, shared by all threads.
struct JitModule;

/// Why the run used the compiled program or not (one line, for notes and tests).
struct JitStatus {
  bool used = false;
  bool compiled_now = false;  ///< false: loaded from the cache
  std::string note;           ///< "compiled", "cached", or the reason it fell back
  std::string library;        ///< path of the shared object
};

/// The compiled program for `plan` (the pruned Plan of a run), or null when the run keeps the
/// interpreter: mode off (or AMORCE_JIT=0 with mode auto), fewer than kJitMinPaths paths with
/// mode auto, nothing worth compiling, no compiler (AMORCE_JIT_CXX, else the compiler amorce
/// was built with, else c++ on PATH), or the compiler or loader failed. Never throws for those.
/// Cache: $AMORCE_JIT_CACHE, else $XDG_CACHE_HOME/amorce/jit, else ~/.cache/amorce/jit, else
/// the temp directory; files are written atomically, so concurrent runs may share it.
std::shared_ptr<const JitModule> jit_prepare(const Plan& plan, JitMode mode, long long paths, JitStatus* status = nullptr);

/// The C++ source generated for `plan`'s monthly program (tests, debugging).
std::string jit_source(const Plan& plan);

/// run_month's program through the compiled module (same effects as run_program over the
/// whole monthly program).
void jit_run_monthly(const JitModule& jit, BlockState& st);

}  // namespace amorce
