#pragma once
/// Runtime dispatch for the hot vector loops.
///
/// The default build targets any x86-64 (SSE2, two doubles per vector). Functions marked
/// AMORCE_HOT are compiled again for x86-64-v3 (AVX2) and x86-64-v4 (AVX-512) and the
/// loader picks the best one the CPU supports (GCC target_clones, an ifunc). The clones
/// compute bit-identical results: the loops are element-wise (no reassociated reductions)
/// and the engine is built with -ffp-contract=off, so no clone uses FMA.
/// Define AMORCE_NO_CLONES to build the baseline code only.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(AMORCE_NO_CLONES)
#define AMORCE_HOT __attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4")))
#else
#define AMORCE_HOT
#endif
