// Speed-of-light peer: bench/scenarios/peer.yaml hard-coded in plain C++.
//
// The same laws, timing rules and outputs as amorce on that file (min cash and shortfall
// per path), written the way a performance-minded programmer would write ONE scenario:
// per-path constants hoisted (yearly growth factors), a 60-entry cash-flow array for the
// delayed flows, a fast PRNG (xoshiro256++), gamma draws for PERT (beta = X / (X + Y)).
// It computes what the comparison needs and nothing else (no ledger, no balance sheet, no
// fiscal-year figures, no monthly bands): that is the point of a speed-of-light reference.
//
// Usage: garage_kernel [--paths N] [--seed S] [--threads T]
// Prints one JSON object: paths, seconds (simulation and statistics), p_shortfall, se,
// median_min_cash, median_se, mean_min_cash.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr int H = 60;

struct Xoshiro256pp {
  using result_type = std::uint64_t;
  std::uint64_t s[4];
  static std::uint64_t splitmix(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  Xoshiro256pp(std::uint64_t seed, std::uint64_t path) {
    std::uint64_t x = seed * 0x9E3779B97F4A7C15ull ^ (path + 0x632BE59BD9B4E019ull);
    for (auto& v : s) v = splitmix(x);
  }
  static constexpr std::uint64_t min() { return 0; }
  static constexpr std::uint64_t max() { return ~std::uint64_t{0}; }
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t operator()() {
    const std::uint64_t r = rotl(s[0] + s[3], 23) + s[0];
    const std::uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return r;
  }
  double uniform() { return ((*this)() >> 11) * 0x1.0p-53 + 0x1.0p-54; }  // (0,1)
};

struct Pert {
  std::gamma_distribution<double> ga, gb;
  double lo, width;
  Pert(double mn, double mode, double mx)
      : ga(1 + 4 * (mode - mn) / (mx - mn)), gb(1 + 4 * (mx - mode) / (mx - mn)), lo(mn), width(mx - mn) {}
  double operator()(Xoshiro256pp& g) {
    double x = ga(g), y = gb(g);
    return lo + width * x / (x + y);
  }
};

double triangular(double a, double c, double b, double u) {
  const double fc = (c - a) / (b - a);
  return u < fc ? a + std::sqrt(u * (b - a) * (c - a)) : b - std::sqrt((1 - u) * (b - a) * (b - c));
}

struct PathOut {
  double min_cash;
  int min_month, months_negative;
  double cash_end;
};

/// One path of peer.yaml: its minimum monthly cash, month of the minimum, months below zero.
PathOut simulate_path(std::uint64_t seed, std::uint64_t path) {
  Xoshiro256pp g(seed, path);
  std::normal_distribution<double> std_normal(0.0, 1.0);
  static thread_local Pert referrals_law(10, 16, 25), hpc_law(0.4, 0.6, 0.8), rate_law(26, 30, 35),
      metropole_law(45000, 55000, 62000);
  // --- per-path inputs
  const double referrals = referrals_law(g);
  const double churn = triangular(0.03, 0.05, 0.08, g.uniform());
  const double hpc = hpc_law(g);
  const double hourly_rate = rate_law(g);
  const double parts_per_hour = triangular(9, 12, 16, g.uniform());
  const double parts_markup = 0.05 + 0.10 * g.uniform();
  const double smic = triangular(1840, 1870, 1910, g.uniform());
  const double employer_rate = 0.04 + 0.08 * g.uniform();
  const double metropole = metropole_law(g);
  const double s2 = std::log1p((200.0 / 900.0) * (200.0 / 900.0));
  const double energy = std::exp(std::log(900.0) - s2 / 2 + std::sqrt(s2) * std_normal(g));
  const double inflation = 0.025 + 0.01 * std_normal(g);
  const bool start_up_granted = g.uniform() < 0.8;
  const bool workshop_granted = g.uniform() < 0.85;

  // growth factors by fiscal year (5 years)
  double g2[5], g15[5], gi[5];
  for (int y = 0; y < 5; ++y) {
    g2[y] = std::pow(1.02, y);
    g15[y] = std::pow(1.015, y);
    gi[y] = std::pow(1 + inflation, y);
  }

  double cf[H + 1];
  std::memset(cf, 0, sizeof cf);
  // one-off flows: equity, investment, its grant, start-up grant, loan, yearly grant
  cf[0] += 40000 - 60000;
  if (workshop_granted) {
    cf[0] += 0.3 * 30000;
    cf[7] += 0.7 * 30000;
  }
  if (start_up_granted) {
    cf[3] += 0.5 * 20000;
    cf[16] += 0.5 * 20000;
  }
  for (int y = 0; y < 5; ++y) {
    cf[12 * y + 3] += 0.7 * metropole;
    if (12 * y + 15 < H) cf[12 * y + 15] += 0.3 * metropole;
  }
  {
    const double P = 30000, r = 0.042 / 12;
    const int term = 60, deferral = 6, nrep = term - deferral;
    cf[1] += P;
    double bal = P;
    for (int k = 1; k <= term && 1 + k < H; ++k) {
      const double interest = bal * r;
      const double principal = k > deferral ? (k == term ? bal : P / nrep) : 0.0;
      bal -= principal;
      cf[1 + k] -= interest + principal;
    }
  }
  // monthly flows
  double customers = 0;
  for (int m = 0; m < H; ++m) {
    const int y = m / 12;
    const double ramp6 = std::min(1.0, (m + 1) / 6.0), ramp3 = std::min(1.0, (m + 1) / 3.0);
    customers = customers * (1 - churn) + referrals * ramp6;
    const double fte = 6 * ramp3;
    const double capacity = fte * 151.67 * 0.17;
    const double noise = 1 + 0.15 * std_normal(g);
    const double billed = std::min(customers * hpc * noise, capacity);
    const double labour = billed * hourly_rate * g2[y];
    const double parts = billed * parts_per_hour * gi[y];
    const double parts_sales = parts * (1 + parts_markup);
    const double fixed_costs = 1500 * g2[y] + energy * gi[y] + 1800 * gi[y];
    const double wages = (fte * smic + 2450) * g2[y];
    const double charges = fte * smic * g2[y] * employer_rate + 2450 * g2[y] * 0.32;
    const double job_aid = 23000.0 / 12 * fte * g15[y];
    cf[m + 1] += labour - parts - charges + job_aid;  // paid the month after
    cf[m] += parts_sales - fixed_costs - wages;
  }
  PathOut o{0, 0, 0, 0};
  double cash = 45000;
  for (int m = 0; m < H; ++m) {
    cash += cf[m];
    if (m == 0 || cash < o.min_cash) {
      o.min_cash = cash;
      o.min_month = m;
    }
    o.months_negative += cash < 0;
  }
  o.cash_end = cash;
  return o;
}

}  // namespace

#ifndef GARAGE_KERNEL_NO_MAIN  // bench/bench_reference.cpp includes this file for the in-run reference
int main(int argc, char** argv) {
  long long paths = 100000;
  std::uint64_t seed = 42;
  int threads = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--paths") paths = std::atoll(argv[i + 1]);
    else if (a == "--seed") seed = std::strtoull(argv[i + 1], nullptr, 10);
    else if (a == "--threads") threads = std::max(1, std::atoi(argv[i + 1]));
    else {
      std::fprintf(stderr, "usage: garage_kernel [--paths N] [--seed S] [--threads T]\n");
      return 2;
    }
  }
  auto t0 = std::chrono::steady_clock::now();
  std::vector<double> min_cash(static_cast<std::size_t>(paths));
  std::vector<long long> shortfalls(threads, 0);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      long long lo = paths * t / threads, hi = paths * (t + 1) / threads, s = 0;
      for (long long p = lo; p < hi; ++p) {
        PathOut o = simulate_path(seed, static_cast<std::uint64_t>(p));
        min_cash[p] = o.min_cash;
        s += o.min_cash < 0;
      }
      shortfalls[t] = s;
    });
  for (auto& th : pool) th.join();
  long long shortfall = 0;
  double sum = 0;
  for (long long s : shortfalls) shortfall += s;
  for (double v : min_cash) sum += v;
  // median and its standard error: order statistics at 0.5 -/+ one standard error of the ECDF
  auto order_stat = [&](double q) {
    auto k = static_cast<std::size_t>(std::clamp(q * static_cast<double>(paths), 0.0, static_cast<double>(paths - 1)));
    std::nth_element(min_cash.begin(), min_cash.begin() + k, min_cash.end());
    return min_cash[k];
  };
  const double d = std::sqrt(0.25 / static_cast<double>(paths));
  const double median = order_stat(0.5), q_lo = order_stat(0.5 - d), q_hi = order_stat(0.5 + d);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double p = static_cast<double>(shortfall) / paths;
  std::printf(
      "{\"peer\": \"kernel\", \"paths\": %lld, \"threads\": %d, \"seconds\": %.6f, \"p_shortfall\": %.6f, "
      "\"se\": %.6f, \"median_min_cash\": %.3f, \"median_se\": %.3f, \"mean_min_cash\": %.3f}\n",
      paths, threads, seconds, p, std::sqrt(p * (1 - p) / paths), median, (q_hi - q_lo) / 2, sum / paths);
  return 0;
}
#endif
