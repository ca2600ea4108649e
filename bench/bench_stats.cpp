// The statistics of a run on their own: per path, what run_monte_carlo feeds into moments and
// quantile sketches for the peer scenario (5 monthly series x 60 months of fan-chart bands,
// every fiscal-year figure x 5 years), block by block as the workers and the ordered merge
// do. Compared with BM_reference_kernel (the whole hand-written cash-only kernel, per path)
// it measures how much of amorce's gap to the kernel is the statistics the kernel does not
// compute (docs/performance.md, "Where the time goes").
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "amorce/results.hpp"
#include "amorce/stats.hpp"

namespace {

using namespace amorce;

void BM_statistics_per_path(benchmark::State& state) {
  const auto paths = static_cast<std::size_t>(state.range(0));
  constexpr int H = 60, years = 5;
  constexpr std::size_t S = 5, B = 128, kDistinct = 32;
  const std::size_t F = static_cast<std::size_t>(kFigureCount) * years;
  // 32 distinct blocks of cash-like data (normal, with a level drifting over the months),
  // drawn once outside the timing (seed 7)
  std::mt19937_64 rng(7);
  std::normal_distribution<double> z(0.0, 1.0);
  std::vector<std::vector<double>> series(kDistinct, std::vector<double>(S * H * B));
  std::vector<std::vector<double>> figures(kDistinct, std::vector<double>(F * B));
  for (std::size_t d = 0; d < kDistinct; ++d) {
    for (std::size_t s = 0; s < S; ++s)
      for (int m = 0; m < H; ++m)
        for (std::size_t i = 0; i < B; ++i)
          series[d][(s * H + static_cast<std::size_t>(m)) * B + i] = 1000.0 * (static_cast<double>(m) - 20.0) + 15000.0 * z(rng);
    for (auto& v : figures[d]) v = 50000.0 + 20000.0 * z(rng);
  }
  for (auto _ : state) {
    std::vector<SeriesBands> bands(S, SeriesBands(H));
    std::vector<QuantileSketch> fig_sketch(F);
    std::vector<Moments> fig_moments(F);
    std::vector<Moments> month_moments(S * H);
    for (std::size_t first = 0; first < paths; first += B) {
      const std::size_t d = (first / B) % kDistinct;
      for (std::size_t s = 0; s < S; ++s) {
        const double* x = series[d].data() + s * H * B;
        for (int m = 0; m < H; ++m) {
          month_moments[s * H + static_cast<std::size_t>(m)] = Moments{};
          month_moments[s * H + static_cast<std::size_t>(m)].add(x + static_cast<std::size_t>(m) * B, B);
        }
        bands[s].add_block(x, B, month_moments.data() + s * H);
      }
      for (std::size_t f = 0; f < F; ++f) {
        fig_moments[f].add(figures[d].data() + f * B, B);
        fig_sketch[f].add(figures[d].data() + f * B, B);
      }
    }
    benchmark::DoNotOptimize(bands.data());
    benchmark::DoNotOptimize(fig_sketch.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * paths));
}
BENCHMARK(BM_statistics_per_path)->Arg(100'000)->Unit(benchmark::kMillisecond);

}  // namespace
