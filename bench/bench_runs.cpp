// End-to-end runs: every bundled scenario at 10 k and 100 k paths (1 M with
// AMORCE_BENCH_FULL=1), thread scaling 1 -> 2, peak RSS against path count and horizon
// (measured in a forked child), and a Sobol' study (Saltelli design through
// RunOptions::uniform_source) against the same number of plain runs.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>
#include <fmt/format.h>
#include <regex>

#include "amorce/metrics_run.hpp"
#include "amorce/random_streams.hpp"
#include "amorce/run.hpp"
#include "bench_common.hpp"

namespace {

using namespace amorce;

bool full() {
  const char* e = std::getenv("AMORCE_BENCH_FULL");
  return e && *e && std::string(e) != "0";
}

std::string short_name(const std::string& rel) {
  auto s = rel.substr(rel.find_last_of('/') + 1);
  return s.substr(0, s.size() - 5);
}

void run_once(benchmark::State& state, const Plan& plan, long long paths, int threads) {
  RunOptions o;
  o.paths = paths;
  o.threads = threads;
  o.seed = 42;
  o.sampling = plan.simulation.sampling;
  for (auto _ : state) {
    RunResult r = run_monte_carlo(plan, o);
    benchmark::DoNotOptimize(r.indicators.data());
  }
  state.SetItemsProcessed(state.iterations() * paths);
  state.counters["us_per_path"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * paths * 1e-6, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["path_months_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * paths * plan.horizon, benchmark::Counter::kIsRate);
}

void BM_run(benchmark::State& state, std::string rel, long long paths, int threads) {
  run_once(state, bench::plan_of(rel), paths, threads);
}

/// Peer scenario text with another horizon.
std::string peer_with_horizon(int horizon) {
  return std::regex_replace(bench::read_text(bench::kPeer), std::regex("\nhorizon: 60"), fmt::format("\nhorizon: {}", horizon));
}

void BM_run_horizon(benchmark::State& state) {
  const Plan plan = bench::plan_from_text(peer_with_horizon(static_cast<int>(state.range(0))), "peer.yaml");
  run_once(state, plan, state.range(1), 1);
}

void BM_peak_rss(benchmark::State& state) {
  const int horizon = static_cast<int>(state.range(0));
  const long long paths = state.range(1);
  const Plan plan = bench::plan_from_text(peer_with_horizon(horizon), "peer.yaml");
  long long rss = -1;
  for (auto _ : state) {
    rss = bench::child_peak_rss([&] {
      RunOptions o;
      o.paths = paths;
      o.threads = 1;
      RunResult r = run_monte_carlo(plan, o);
      benchmark::DoNotOptimize(r.indicators.data());
    });
  }
  state.counters["peak_rss_MB"] = static_cast<double>(rss) / (1 << 20);
  state.counters["paths"] = static_cast<double>(paths);
  state.counters["horizon"] = horizon;
}

// ---------------------------------------------------------------- Sobol' study

/// Sobol' first-order and total indices of min_cash with the Saltelli (2010) / Jansen
/// estimators on N base points: (d + 2) N model runs, plus 200 bootstrap resamples.
struct SobolStudy {
  std::vector<double> first, total, first_ci, total_ci;
};

SobolStudy sobol_study(const Plan& plan, std::size_t N, int threads) {
  const std::size_t d = plan.uniform_keys.size();
  const SobolPoints pts(2 * d, 4242);
  RunOptions o;
  o.paths = static_cast<long long>((d + 2) * N);
  o.threads = threads;
  o.seed = 42;
  o.uniform_source = [&](std::uint64_t first, std::size_t n, double* out) {
    std::vector<double> x(2 * d);
    for (std::size_t k = 0; k < n; ++k) {
      const std::uint64_t p = first + k, group = p / N, j = p % N;
      pts.point(j, x.data());
      for (std::size_t i = 0; i < d; ++i) {
        // group 0: A, 1: B, 2 + c: A with column c from B
        const bool from_b = group == 1 || (group >= 2 && i == group - 2);
        out[i * n + k] = x[from_b ? d + i : i];
      }
    }
  };
  RunResult r = run_monte_carlo(plan, o);
  const double* y = r.indicator(Indicator::min_cash);
  const double* fa = y;
  const double* fb = y + N;
  auto estimate = [&](const std::vector<std::size_t>& idx, std::vector<double>& s1, std::vector<double>& st) {
    double mean = 0, var = 0;
    for (std::size_t j : idx) mean += fa[j] + fb[j];
    mean /= 2.0 * idx.size();
    for (std::size_t j : idx) var += (fa[j] - mean) * (fa[j] - mean) + (fb[j] - mean) * (fb[j] - mean);
    var /= 2.0 * idx.size() - 1;
    s1.assign(d, 0);
    st.assign(d, 0);
    for (std::size_t i = 0; i < d; ++i) {
      const double* fab = y + (2 + i) * N;
      double a = 0, b = 0;
      for (std::size_t j : idx) {
        a += fb[j] * (fab[j] - fa[j]);
        b += (fa[j] - fab[j]) * (fa[j] - fab[j]);
      }
      s1[i] = a / idx.size() / var;
      st[i] = b / (2.0 * idx.size()) / var;
    }
  };
  SobolStudy s;
  std::vector<std::size_t> all(N);
  for (std::size_t j = 0; j < N; ++j) all[j] = j;
  estimate(all, s.first, s.total);
  // bootstrap: 200 resamples, 95 % interval half-widths
  std::vector<std::vector<double>> bs1(d), bst(d);
  std::vector<double> s1, st;
  std::uint64_t state = 12345;
  for (int b = 0; b < 200; ++b) {
    for (auto& j : all) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      j = (state >> 33) % N;
    }
    estimate(all, s1, st);
    for (std::size_t i = 0; i < d; ++i) {
      bs1[i].push_back(s1[i]);
      bst[i].push_back(st[i]);
    }
  }
  for (std::size_t i = 0; i < d; ++i) {
    std::sort(bs1[i].begin(), bs1[i].end());
    std::sort(bst[i].begin(), bst[i].end());
    s.first_ci.push_back((bs1[i][194] - bs1[i][5]) / 2);
    s.total_ci.push_back((bst[i][194] - bst[i][5]) / 2);
  }
  return s;
}

const char* kSobolScenario = "bench/scenarios/sobol15.yaml";

void BM_sobol_study(benchmark::State& state) {
  const Plan& plan = bench::plan_of(kSobolScenario);
  const auto N = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    SobolStudy s = sobol_study(plan, N, static_cast<int>(state.range(1)));
    benchmark::DoNotOptimize(s.first.data());
  }
  state.counters["inputs"] = static_cast<double>(plan.uniform_keys.size());
  state.counters["model_runs"] = static_cast<double>((plan.uniform_keys.size() + 2) * N);
}

void BM_sobol_plain_runs(benchmark::State& state) {  // same number of runs, plain sampling
  const Plan& plan = bench::plan_of(kSobolScenario);
  const auto N = static_cast<std::size_t>(state.range(0));
  const long long runs = static_cast<long long>((plan.uniform_keys.size() + 2) * N);
  run_once(state, plan, runs, static_cast<int>(state.range(1)));
  state.counters["model_runs"] = static_cast<double>(runs);
}

/// Single-metric runs (`run --metrics`): the Plan pruned to the metric, 1 thread.
void BM_metrics(benchmark::State& state, std::string rel, std::string metrics, long long paths) {
  const Plan& plan = bench::plan_of(rel);
  RunOptions o;
  o.paths = paths;
  o.threads = 1;
  o.seed = 42;
  o.sampling = plan.simulation.sampling;
  for (auto _ : state) {
    MetricsRun r = run_metrics(plan, split_metric_list(metrics), o);
    benchmark::DoNotOptimize(r.estimates.data());
  }
  state.counters["us_per_path"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * paths * 1e-6, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

/// The what-if loop of `serve`: the Plan compiled once, one input's value changed (a constant
/// of the static program, as an edited field would), 100 k paths of two metrics re-run in
/// process on 2 threads. Wall time per re-run.
void BM_whatif(benchmark::State& state) {
  Plan plan = bench::plan_of(bench::kPeer);
  Instr* edited = nullptr;
  for (Instr& in : plan.static_prog)
    if (in.op == OpCode::constant && in.k > 100) { edited = &in; break; }
  RunOptions o;
  o.paths = state.range(0);
  o.threads = 2;
  o.seed = 42;
  o.sampling = plan.simulation.sampling;
  const auto metrics = split_metric_list("prob(shortfall), median(min_cash)");
  double k0 = edited ? edited->k : 0;
  int step = 0;
  for (auto _ : state) {
    if (edited) edited->k = k0 * (1 + 0.01 * (++step % 5));  // the user moves a slider
    MetricsRun r = run_metrics(plan, metrics, o);
    benchmark::DoNotOptimize(r.estimates.data());
  }
}

[[maybe_unused]] const bool registered = [] {
  benchmark::RegisterBenchmark("BM_whatif", BM_whatif)->Arg(100'000)
      ->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);
  for (long long n : {200'000LL})
    benchmark::RegisterBenchmark(fmt::format("BM_metrics/peer/{}", n).c_str(), BM_metrics, std::string(bench::kPeer),
                                 std::string("shortfall,min_cash"), n)
        ->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
  std::vector<long long> sizes = {10'000, 100'000};
  if (full()) sizes.push_back(1'000'000);
  auto scenarios = bench::bundled_scenarios();
  scenarios.push_back(bench::kPeer);
  for (const auto& rel : scenarios)
    for (long long n : sizes)
      benchmark::RegisterBenchmark(fmt::format("BM_run/{}/{}", short_name(rel), n).c_str(), BM_run, rel, n, 1)
          ->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
  for (int t : {1, 2})
    benchmark::RegisterBenchmark(fmt::format("BM_threads/peer/200000/{}", t).c_str(), BM_run,
                                 std::string(bench::kPeer), 200'000, t)
        ->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
  auto* h = benchmark::RegisterBenchmark("BM_run_horizon", BM_run_horizon)
                ->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
  for (int months : {12, 60, 600}) h->Args({months, 20'000});
  auto* rss = benchmark::RegisterBenchmark("BM_peak_rss", BM_peak_rss)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
  rss->Args({60, 10'000})->Args({60, 100'000})->Args({12, 100'000})->Args({600, 100'000});
  if (full()) rss->Args({60, 1'000'000});
  for (int t : {1, 2}) {
    benchmark::RegisterBenchmark("BM_sobol_study", BM_sobol_study)->Args({4096, t})
        ->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
    benchmark::RegisterBenchmark("BM_sobol_plain_runs", BM_sobol_plain_runs)->Args({4096, t})
        ->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
  }
  return true;
}();

}  // namespace

BENCHMARK_MAIN();
