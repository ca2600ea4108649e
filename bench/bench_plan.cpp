// Plan evaluation in path-months per second as the number of operations grows, and the
// stages of one block of the peer scenario (evaluation, ledger, per-path results).
#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include "amorce/evaluate.hpp"
#include "amorce/ledger.hpp"
#include "amorce/random_streams.hpp"
#include "amorce/results.hpp"
#include "amorce/run.hpp"
#include "bench_common.hpp"

namespace {

using namespace amorce;

/// A scenario with `k` chained series (each about two vector operations a month).
std::string chain_yaml(int k) {
  std::string y =
      "amorce: 1\nname: chain\nstart: 2027-01\nhorizon: 60\nsimulation: {paths: 1000, seed: 1, sampling: mc}\n"
      "inputs:\n  x: {uniform: [0.9, 1.1]}\nseries:\n  s0: x * 100\n";
  for (int i = 1; i < k; ++i) y += fmt::format("  s{}: s{} * 1.001 + x\n", i, i - 1);
  y += fmt::format("revenue:\n  sales: {{amount: s{}, kind: sales}}\nfinancing: {{opening_cash: 1000}}\n", k - 1);
  return y;
}

struct Block {
  std::vector<double> u;
  BlockState st;
  Ledger ledger;
  PathResults results;
  std::size_t n;
  explicit Block(const Plan& plan) : n(block_size_for(plan)) {
    u.assign(plan.uniform_keys.size() * n, 0.0);
    if (!plan.uniform_keys.empty()) fill_uniforms(Sampling::mc, 42, n, plan.uniform_keys, 0, n, u.data());
    init_block(st, plan, n, 0, 42, false, u.data());
  }
};

void set_rates(benchmark::State& state, const Plan& plan, std::size_t n) {
  const double pm = static_cast<double>(state.iterations()) * static_cast<double>(n) * plan.horizon;
  state.counters["path_months_per_second"] = benchmark::Counter(pm, benchmark::Counter::kIsRate);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));  // paths
}

/// The Plan alone over one block: the static program, then every month.
void evaluate(Block& b, const Plan& plan) {
  run_static(b.st);
  for (int m = 0; m < plan.horizon; ++m) run_month(b.st, m);
  benchmark::DoNotOptimize(b.st.history.data());
}

void BM_plan_ops(benchmark::State& state) {
  const Plan plan = bench::plan_from_text(chain_yaml(static_cast<int>(state.range(0))));
  Block b(plan);
  for (auto _ : state) evaluate(b, plan);
  set_rates(state, plan, b.n);
  state.counters["monthly_ops"] = static_cast<double>(plan.monthly_prog.size());
  state.counters["block"] = static_cast<double>(b.n);
}
BENCHMARK(BM_plan_ops)->RangeMultiplier(4)->Range(1, 256)->Unit(benchmark::kMicrosecond);

void BM_peer_evaluate(benchmark::State& state) {
  const Plan& plan = bench::plan_of(bench::kPeer);
  Block b(plan);
  for (auto _ : state) evaluate(b, plan);
  set_rates(state, plan, b.n);
}
BENCHMARK(BM_peer_evaluate)->Unit(benchmark::kMicrosecond);

void BM_peer_simulate_block(benchmark::State& state) {  // evaluation + ledger
  const Plan& plan = bench::plan_of(bench::kPeer);
  Block b(plan);
  for (auto _ : state) {
    simulate_block(b.st, b.ledger);
    benchmark::DoNotOptimize(b.ledger.data.data());
  }
  set_rates(state, plan, b.n);
}
BENCHMARK(BM_peer_simulate_block)->Unit(benchmark::kMicrosecond);

void BM_peer_compute_results(benchmark::State& state) {
  const Plan& plan = bench::plan_of(bench::kPeer);
  Block b(plan);
  simulate_block(b.st, b.ledger);
  for (auto _ : state) {
    compute_results(b.st, b.ledger, b.results);
    benchmark::DoNotOptimize(b.results.indicators.data());
  }
  set_rates(state, plan, b.n);
}
BENCHMARK(BM_peer_compute_results)->Unit(benchmark::kMicrosecond);

}  // namespace
