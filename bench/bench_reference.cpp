// In-run reference: the hand-written kernel of bench/scenarios/peer.yaml. Its time is the
// machine-speed yardstick bench/check_regressions.py divides every other benchmark by, so a
// slower or busier machine cancels out of the comparison with the committed baseline.
#include <benchmark/benchmark.h>

#define GARAGE_KERNEL_NO_MAIN
#include "peers/garage_kernel.cpp"

namespace {

void BM_reference_kernel(benchmark::State& state) {
  std::uint64_t path = 0;
  double acc = 0;
  const int batch = 256;
  for (auto _ : state) {
    for (int i = 0; i < batch; ++i) acc += simulate_path(42, path++).min_cash;
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * batch);
  state.counters["path_months_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * batch * H, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_reference_kernel);

}  // namespace
