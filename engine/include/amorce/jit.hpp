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

/// RunOptions::jit. auto: the compiled program when it repays its cost (kJitMinPaths,
/// kJitCachedMinPaths) and a compiler is found; on: always when possible; off: the interpreter.
enum class JitMode { automatic, on, off };

/// `auto` compiles a Plan not yet in the cache from this many paths: a first compile costs
/// ~0.4 to 0.6 s of CPU and the compiled program saves ~0.7 µs per path (peer), so a cold
/// compile repays itself near 500 000 paths (a 100 000-path run would be slower).
constexpr long long kJitMinPaths = 500000;
/// `auto` loads a Plan already in the cache (same structure: a what-if edit, a solve
/// iteration, a re-run) from this many paths: loading costs ~1 ms.
constexpr long long kJitCachedMinPaths = 20000;

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
/// interpreter: mode off (or AMORCE_JIT=0 with mode auto), with mode auto fewer than
/// kJitCachedMinPaths paths or, when the Plan is not in the cache yet, fewer than kJitMinPaths,
/// nothing worth compiling, no compiler (AMORCE_JIT_CXX, else the compiler amorce
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
