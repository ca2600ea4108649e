// Draws per second for each law: exact inverse CDF (Boost.Math) and the fast inverse
// (FastQuantile, table or closed form), plus the uniform generators (Philox streams,
// LHS permutation, Sobol points).
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

#include "amorce/distributions.hpp"
#include "amorce/random_streams.hpp"

namespace {

using amorce::Law;
using amorce::LawParams;

const std::vector<double> kValues = {1, 2, 3, 5, 8};
const std::vector<double> kWeights = {0.1, 0.2, 0.3, 0.25, 0.15};

struct NamedLaw {
  const char* name;
  LawParams lp;
};

std::vector<NamedLaw> laws() {
  auto mk = [](Law l, double a, double b = 0, double c = 0) {
    LawParams p;
    p.law = l;
    p.p[0] = a;
    p.p[1] = b;
    p.p[2] = c;
    return p;
  };
  std::vector<NamedLaw> v = {
      {"uniform", mk(Law::uniform, 10, 20)},
      {"triangular", mk(Law::triangular, 9, 12, 16)},
      {"pert", mk(Law::pert, 10, 16, 25)},
      {"normal", mk(Law::normal, 0.025, 0.01)},
      {"normal_truncated", mk(Law::normal, 0.025, 0.01)},
      {"lognormal", mk(Law::lognormal, 2400, 600)},
      {"between", mk(Law::between, 600, 1200)},
      {"beta", mk(Law::beta, 5, 4)},
      {"gamma", mk(Law::gamma, 2, 3)},
      {"poisson", mk(Law::poisson, 0.6)},
      {"binomial", mk(Law::binomial, 20, 0.3)},
      {"bernoulli", mk(Law::bernoulli, 0.75)},
      {"discrete", mk(Law::discrete, 0)},
      {"empirical", mk(Law::empirical, 0)},
  };
  v[4].lp.lo = 0;
  for (auto& nl : v)
    if (nl.lp.law == Law::discrete || nl.lp.law == Law::empirical) {
      nl.lp.values = kValues.data();
      nl.lp.n_values = static_cast<int>(kValues.size());
      if (nl.lp.law == Law::discrete) nl.lp.weights = kWeights.data();
    }
  return v;
}

std::vector<double> uniforms(std::size_t n) {
  std::mt19937_64 g(7);
  std::uniform_real_distribution<double> u(1e-12, 1 - 1e-12);
  std::vector<double> out(n);
  for (auto& x : out) x = u(g);
  return out;
}

constexpr std::size_t kBatch = 4096;

void BM_quantile_exact(benchmark::State& state, LawParams lp) {
  const auto u = uniforms(kBatch);
  std::vector<double> out(kBatch);
  for (auto _ : state) {
    for (std::size_t i = 0; i < kBatch; ++i) out[i] = amorce::quantile(lp, u[i]);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
}

void BM_quantile_fast(benchmark::State& state, LawParams lp) {
  const auto u = uniforms(kBatch);
  std::vector<double> out(kBatch);
  amorce::FastQuantile fq(lp);
  for (auto _ : state) {
    fq.apply(u.data(), out.data(), kBatch);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
  state.counters["exact_fallback"] = fq.exact() ? 1 : 0;
}

[[maybe_unused]] const bool registered = [] {
  for (const auto& nl : laws()) {
    benchmark::RegisterBenchmark((std::string("BM_quantile_exact/") + nl.name).c_str(), BM_quantile_exact, nl.lp);
    benchmark::RegisterBenchmark((std::string("BM_quantile_fast/") + nl.name).c_str(), BM_quantile_fast, nl.lp);
  }
  return true;
}();

void BM_stream_uniform(benchmark::State& state) {
  std::uint64_t path = 0;
  double acc = 0;
  for (auto _ : state) {
    for (int i = 0; i < 1024; ++i) acc += amorce::stream_uniform(42, 0x1234, path++, 7);
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * 1024);
}
BENCHMARK(BM_stream_uniform);

void BM_fill_uniforms(benchmark::State& state) {
  const auto sampling = static_cast<amorce::Sampling>(state.range(0));
  std::vector<std::uint64_t> keys;
  for (int k = 0; k < 12; ++k) keys.push_back(amorce::name_key("input_" + std::to_string(k)));
  const std::size_t n = 512;
  std::vector<double> out(keys.size() * n);
  std::uint64_t first = 0;
  const std::uint64_t total = 1 << 20;
  for (auto _ : state) {
    amorce::fill_uniforms(sampling, 42, total, keys, first, n, out.data());
    first = (first + n) % (total - n);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n * keys.size()));
  state.SetLabel(sampling == amorce::Sampling::mc ? "mc" : sampling == amorce::Sampling::lhs ? "lhs" : "sobol");
}
BENCHMARK(BM_fill_uniforms)->Arg(0)->Arg(1)->Arg(2);

}  // namespace
