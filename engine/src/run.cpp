#include "amorce/run.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "amorce/atomic_file.hpp"
#include "amorce/base_case.hpp"
#include "amorce/cash_plan.hpp"
#include "amorce/copula.hpp"
#include "amorce/evaluate.hpp"
#include "amorce/format.hpp"
#include "amorce/ledger.hpp"
#include "amorce/month_modes.hpp"
#include "amorce/random_streams.hpp"
#include "amorce/warnings.hpp"
#include "amorce/xlsx_export.hpp"
#include "run_internal.hpp"

namespace amorce {

using nlohmann::json;

std::size_t block_size_for(const Plan& plan) {
  // keep a block's ledger and history near 8 MB (lines + history + grants, x horizon x paths):
  // small enough that two workers stay in the shared L3 cache (measured: 25 % less CPU than
  // 32 MB blocks at 100 k paths), large enough that one dispatch per operation is amortised
  std::size_t per_path = (static_cast<std::size_t>(kLineCount) + plan.hist_slots.size() + plan.subsidies.size()) *
                         static_cast<std::size_t>(plan.horizon);
  std::size_t b = 1024;
  while (b > 16 && b * per_path > (std::size_t{1} << 20)) b /= 2;
  return b;
}

namespace {

using detail::BlockOut;  // run_internal.hpp

struct SeriesSource {
  std::string name;
  Line line = Line::count;
  int hist = -1;
};

std::vector<SeriesSource> series_sources(const Plan& p) {
  std::vector<SeriesSource> s = {{"cash", Line::cash, -1}, {"revenue", Line::revenue, -1},
                                 {"subsidies", Line::subsidies, -1}, {"ebitda", Line::ebitda, -1},
                                 {"net_result", Line::net_result, -1}};
  for (const auto& name : p.outputs.series) {
    for (std::size_t h = 0; h < p.hist_names.size(); ++h)
      if (p.hist_names[h] == "series:" + name || p.hist_names[h] == "item:" + name || p.hist_names[h] == "input:" + name) {
        s.push_back({name, Line::count, static_cast<int>(h)});
        break;
      }
  }
  return s;
}

}  // namespace

double run_memory_bytes(const Plan& plan, long long paths, bool keep_paths, bool keep_inputs) {
  // indicator columns, a metric column for the drivers, kept cash and inputs; plus the blocks in flight
  return static_cast<double>(paths) * 8.0 *
         static_cast<double>(kIndicatorCount + 1 + (keep_paths ? plan.horizon : 0) +
                             (keep_inputs ? static_cast<int>(plan.uniform_names.size()) : 0));
}

int sampled_input_slot(const Plan& plan, const std::string& name) {
  for (const auto& in : plan.static_prog)
    if (in.op == OpCode::sample && in.aux >= 0 && plan.samples[static_cast<std::size_t>(in.aux)].name == name) return in.dst;
  for (std::size_t i = 0; i < plan.input_names.size() && i < plan.input_slots.size(); ++i)
    if (plan.input_names[i] == name) return plan.input_slots[i];
  return -1;
}

void check_memory(double bytes, const std::string& what, const std::string& lower) {
  if (bytes > kMaxMemoryBytes)
    throw std::invalid_argument(fmt::format("{} would need {:.1f} GiB of memory (limit {:.0f} GiB): lower {}", what,
                                            bytes / (1024.0 * 1024 * 1024), kMaxMemoryBytes / (1024.0 * 1024 * 1024), lower));
}

namespace {

/// The demand of a run (RunOptions::demand): what its outputs and hook read.
Demand run_demand(const Plan& plan, const RunOptions& opt) {
  Demand d = opt.demand ? *opt.demand : opt.block_hook ? Demand{} : empty_demand();
  if (!opt.demand && !opt.block_hook)
    for (auto& k : d.indicators) k = 1;  // RunResult::indicators
  if (opt.summary) d.add(summary_demand(plan));
  if (opt.keep_paths) d.add_line(Line::cash);
  return d;
}

}  // namespace

RunResult run_monte_carlo(const Plan& plan, const RunOptions& opt) { return detail::run_blocks(plan, opt, nullptr, nullptr); }

RunResult detail::run_blocks(const Plan& full_plan, const RunOptions& opt, RunPart* out_part,
                             const std::function<bool(RunPart&)>* next_part) {
  // load -> compile -> prune: the run computes only what its outputs read
  const Plan plan = prune(full_plan, run_demand(full_plan, opt));
  if (opt.paths < 1 || opt.paths > Limits::max_paths)
    throw std::invalid_argument(fmt::format("paths must be between 1 and {}", Limits::max_paths));
  auto t0 = std::chrono::steady_clock::now();
  const std::size_t N = static_cast<std::size_t>(opt.paths);
  const std::size_t B = block_size_for(plan);
  const std::size_t n_blocks = (N + B - 1) / B;
  // this process's share of the blocks (all of them unless split across processes: run_part.hpp)
  if (opt.share_count < 1 || opt.share_index < 0 || opt.share_index >= opt.share_count)
    throw std::invalid_argument("a run's share must be in [0, share_count)");
  const auto share = share_blocks(n_blocks, opt.share_index, opt.share_count);
  const std::size_t kb0 = share.first, kb1 = share.second;
  const std::size_t n_here = kb1 - kb0;  // blocks simulated here
  const std::size_t P0 = std::min(N, kb0 * B), P1 = std::min(N, kb1 * B);
  // per-path columns: a part sent to another process holds only its own paths
  const std::size_t NC = out_part ? P1 - P0 : N, C0 = out_part ? P0 : 0;
  // per-path columns grow with the path count: refuse a run that cannot fit, before allocating
  check_memory(run_memory_bytes(plan, static_cast<long long>(NC), opt.keep_paths, opt.keep_inputs),
               fmt::format("{} paths{}{}", N, opt.keep_paths ? " with --keep-paths" : "", opt.keep_inputs ? " with --keep-inputs" : ""),
               opt.keep_paths || opt.keep_inputs ? "--paths or drop --keep-paths / --keep-inputs" : "--paths");
  const int H = plan.horizon;
  RunResult r;
  r.options = opt;
  r.block_size = B;
  r.path_begin = P0;
  r.path_end = P1;
  if (out_part) {
    out_part->block_begin = kb0;
    out_part->block_end = kb1;
  }
  r.work = plan_work(plan);
  const auto jit = jit_prepare(plan, opt.jit, opt.paths, &r.jit);
  r.years = fiscal_years(plan);
  if (opt.summary) r.warnings = scenario_warnings(full_plan);
  const int Y = static_cast<int>(r.years.size());
  const std::size_t C = plan.checks.size();
  const auto sources = opt.summary ? series_sources(plan) : std::vector<SeriesSource>{};
  r.indicators.assign(static_cast<std::size_t>(kIndicatorCount) * NC, 0.0);
  r.figure_moments.assign(static_cast<std::size_t>(kFigureCount) * Y, Moments{});
  r.figure_sketches.assign(static_cast<std::size_t>(kFigureCount) * Y, QuantileSketch(opt.sketch_k));
  r.check_breaches.assign(C, 0);
  r.check_year_breaches.assign(C * Y, 0);
  r.check_year_applicable.assign(C * Y, 0);
  for (const auto& s : sources) {
    r.series_names.push_back(s.name);
    r.series.emplace_back(H, opt.sketch_k);
  }
  r.negative_cash.assign(H, 0);
  if (opt.keep_paths) r.kept_cash.assign(NC * H, 0.0);
  std::vector<int> input_slots;
  if (opt.keep_inputs) {
    for (const auto& name : plan.uniform_names) input_slots.push_back(sampled_input_slot(plan, name));
    r.kept_inputs.assign(input_slots.size() * NC, NAN);
  }

  std::vector<std::tuple<std::size_t, std::size_t, double>> corr;
  for (const auto& c : plan.correlations) corr.emplace_back(c.row_a, c.row_b, c.rho);
  GaussianCopula copula(plan.uniform_keys.size(), corr);

  int threads = opt.threads > 0 ? opt.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = static_cast<int>(std::min<std::size_t>(threads, std::max<std::size_t>(n_here, 1)));
  r.threads_used = threads;

  // Ordered merge, shared by the workers. The statistics are split into parts (the figures
  // and counters; one part per series) that are independent of one another; each part
  // merges blocks strictly in block order under its own mutex, so results are bit-identical
  // whatever the thread count, while different parts merge on different cores. A worker
  // that publishes a block drains whatever parts it can lock; the main thread drains too,
  // so progress never depends on who got a lock.
  // (indexed from this share's first block; a part only serialises its blocks, in order)
  std::vector<BlockOut> outs(n_here);
  std::vector<std::atomic<bool>> ready(n_here);
  const std::size_t n_parts = out_part ? 1 : 1 + r.series.size();
  std::vector<std::atomic<int>> parts_left(n_here);
  for (auto& c : parts_left) c.store(static_cast<int>(n_parts));
  struct MergePart {
    std::mutex mu;
    std::size_t next = 0;  ///< next block to merge into this part
  };
  std::vector<MergePart> parts(n_parts);
  std::mutex mu;
  std::condition_variable cv;
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> merged{0};  // blocks merged into every part: always a prefix
  const std::size_t window = 4 * static_cast<std::size_t>(threads);
  // share 0 of a split run merges every share's sketches (run_part.hpp): with one worker, the
  // calling thread merges while the worker simulates, instead of the worker doing both in turn
  // while the other processes only simulate
  const bool caller_merges = opt.share_count > 1 && !out_part && threads == 1;
  std::atomic<std::size_t> published{0};
  std::exception_ptr error;
  std::atomic<bool> failed{false};

  auto fail = [&](std::exception_ptr e) {
    std::lock_guard lk(mu);
    if (!error) error = e;
    failed = true;
    cv.notify_all();
  };
  auto merge_part = [&](std::size_t part, const BlockOut& o) {
    if (out_part) return detail::put_block(out_part->blocks, o);
    if (part == 0) {
      for (std::size_t f = 0; f < o.fig_moments.size(); ++f) {
        r.figure_moments[f].merge(o.fig_moments[f]);
        r.figure_sketches[f].add(o.fig_values.data() + f * o.n_quantiles, o.n_quantiles);
      }
      if (!opt.summary) return;
      for (std::size_t c = 0; c < C; ++c) r.check_breaches[c] += o.check_breaches[c];
      for (std::size_t k = 0; k < C * Y; ++k) {
        r.check_year_breaches[k] += o.check_year_breaches[k];
        r.check_year_applicable[k] += o.check_year_applicable[k];
      }
      for (int m = 0; m < H; ++m) r.negative_cash[m] += o.negative_cash[m];
    } else {
      const std::size_t s = part - 1;
      r.series[s].add_block(o.series_values.data() + s * static_cast<std::size_t>(H) * o.n_quantiles, o.n_quantiles,
                            o.series_moments.data() + s * static_cast<std::size_t>(H));
    }
  };
  auto drain = [&](std::size_t part) {
    MergePart& mp = parts[part];
    for (;;) {
      std::unique_lock part_lock(mp.mu, std::try_to_lock);
      if (!part_lock.owns_lock()) return;
      try {
        while (mp.next < n_here && ready[mp.next].load() && !failed) {
          merge_part(part, outs[mp.next]);
          const std::size_t b = mp.next++;
          if (parts_left[b].fetch_sub(1) == 1) {
            outs[b] = BlockOut{};  // every part has it: free the block's values
            std::lock_guard lk(mu);
            ++merged;
            cv.notify_all();
          }
        }
      } catch (...) {
        part_lock.unlock();
        fail(std::current_exception());
        return;
      }
      const std::size_t b = mp.next;
      part_lock.unlock();
      // a block published while we held the lock may have found it taken: look again
      if (b >= n_here || !ready[b].load() || failed) return;
    }
  };
  auto drain_all = [&] {
    for (std::size_t p = 0; p < n_parts; ++p) drain(p);
  };

  // the statistics of the summary for one block (skipped by metrics-only runs)
  auto block_statistics = [&](BlockOut& o, const BlockState& st, const Ledger& L, const PathResults& pr) {
    const std::size_t n = o.n;
    // quantiles over the paths [0, band_paths): this block's first q paths (none past it)
    const std::size_t cap = opt.band_paths > 0 ? static_cast<std::size_t>(opt.band_paths) : N;
    const std::size_t q = st.first_path >= cap ? 0 : std::min<std::size_t>(n, cap - st.first_path);
    o.n_quantiles = q;
    o.fig_moments.assign(static_cast<std::size_t>(kFigureCount) * Y, Moments{});
    o.fig_values.resize(o.fig_moments.size() * q);
    for (std::size_t f = 0; f < o.fig_moments.size(); ++f) {
      o.fig_moments[f].add(pr.figures.data() + f * n, n);
      std::copy_n(pr.figures.data() + f * n, q, o.fig_values.data() + f * q);
    }
    o.check_breaches.assign(C, 0);
    o.check_year_breaches.assign(C * Y, 0);
    o.check_year_applicable.assign(C * Y, 0);
    for (std::size_t c = 0; c < C; ++c) {
      for (std::size_t i = 0; i < n; ++i) o.check_breaches[c] += pr.check_any[c * n + i] != 0;
      for (int y = 0; y < Y; ++y)
        for (std::size_t i = 0; i < n; ++i) {
          double v = pr.check_year[(c * Y + y) * n + i];
          if (!std::isnan(v)) {
            ++o.check_year_applicable[c * Y + y];
            o.check_year_breaches[c * Y + y] += v != 0;
          }
        }
    }
    o.series_moments.assign(sources.size() * static_cast<std::size_t>(H), Moments{});
    const std::size_t HQ = static_cast<std::size_t>(H) * q;
    o.series_values.resize(sources.size() * HQ);
    for (std::size_t s = 0; s < sources.size(); ++s) {
      const double* src = sources[s].line != Line::count ? L.line(sources[s].line) : st.hist(sources[s].hist, 0);
      for (int m = 0; m < H; ++m) {
        const double* row = src + static_cast<std::size_t>(m) * n;
        o.series_moments[s * static_cast<std::size_t>(H) + static_cast<std::size_t>(m)].add(row, n);
        std::copy_n(row, q, o.series_values.data() + s * HQ + static_cast<std::size_t>(m) * q);
      }
    }
    o.negative_cash.assign(H, 0);
    const double* cash = L.line(Line::cash);
    for (int m = 0; m < H; ++m)
      for (std::size_t i = 0; i < n; ++i) o.negative_cash[m] += cash[static_cast<std::size_t>(m) * n + i] < 0;
  };

  auto worker = [&]() {
    BlockState st;
    Ledger L;
    PathResults pr;
    std::vector<double> U;
    for (;;) {
      const std::size_t j = next.fetch_add(1);  // the share's j-th block
      if (j >= n_here || failed) return;
      const std::size_t b = kb0 + j;
      if (opt.cancelled && opt.cancelled()) return fail(std::make_exception_ptr(RunCancelled{}));
      {
        // stay within a window of the merge cursor so finished blocks cannot pile up
        std::unique_lock lk(mu);
        cv.wait(lk, [&] { return j < merged + window || failed; });
        if (failed) return;
      }
      try {
        std::size_t first = b * B, n = std::min(B, N - first);
        U.assign(plan.uniform_keys.size() * n, 0.0);
        if (!plan.uniform_keys.empty()) {
          if (opt.uniform_source) {
            opt.uniform_source(first, n, U.data());
          } else {
            fill_uniforms(opt.sampling, opt.seed, N, plan.uniform_keys, first, n, U.data());
            if (!copula.identity()) copula.apply(U.data(), n);
          }
        }
        init_block(st, plan, n, first, opt.seed, opt.base_case, U.data());
        st.jit = jit.get();
        st.rows_from_uniforms = opt.base_case && !opt.rows_from_uniforms.empty() ? opt.rows_from_uniforms.data() : nullptr;
        simulate_block(st, L);
        compute_results(st, L, pr);
        if (opt.block_hook) opt.block_hook(st, L, pr, first);
        BlockOut o;
        o.n = n;
        for (int k = 0; k < kIndicatorCount; ++k)
          std::copy_n(pr.indicators.data() + static_cast<std::size_t>(k) * n, n,
                      r.indicators.data() + static_cast<std::size_t>(k) * NC + (first - C0));
        if (opt.summary) block_statistics(o, st, L, pr);
        for (std::size_t k = 0; k < input_slots.size(); ++k)
          if (input_slots[k] >= 0) std::copy_n(st.slot(input_slots[k]), n, r.kept_inputs.data() + k * NC + (first - C0));
        if (opt.keep_paths) {
          const double* cash = L.line(Line::cash);
          for (int m = 0; m < H; ++m)
            for (std::size_t i = 0; i < n; ++i) r.kept_cash[(first - C0 + i) * H + m] = cash[static_cast<std::size_t>(m) * n + i];
        }
        outs[j] = std::move(o);
        ready[j].store(true);
      } catch (...) {
        fail(std::current_exception());
        return;
      }
      if (!caller_merges) {
        drain_all();
        continue;
      }
      {
        std::lock_guard lk(mu);
        ++published;
      }
      cv.notify_all();
    }
  };

  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  auto last_print = t0;
  bool printed = false;
  std::size_t seen = 0;
  while (merged < n_here && !failed) {
    {
      std::unique_lock lk(mu);
      cv.wait_for(lk, std::chrono::milliseconds(50), [&] { return merged == n_here || failed || published != seen; });
      seen = published;
    }
    drain_all();
    if (opt.on_progress) opt.on_progress(std::min(P1 - P0, merged * B));
    auto now = std::chrono::steady_clock::now();
    if (opt.progress && now - t0 > std::chrono::seconds(1) && now - last_print > std::chrono::milliseconds(200)) {
      last_print = now;
      printed = true;
      const std::size_t done = merged;
      int pct = static_cast<int>(100.0 * static_cast<double>(done) / static_cast<double>(n_here));
      std::cerr << fmt::format("\r[{:<40}] {:3d}%  {} / {} paths", std::string(pct * 40 / 100, '#'), pct,
                               std::min(P1 - P0, done * B), P1 - P0)
                << std::flush;
    }
  }
  for (auto& t : pool) t.join();
  if (printed) std::cerr << "\r" << std::string(70, ' ') << "\r" << std::flush;
  if (error) std::rethrow_exception(error);
  if (opt.on_progress) opt.on_progress(P1 - P0);
  if (next_part && *next_part) {
    // share 0 of a split run: the other shares' blocks, merged after ours in block order
    std::size_t expect = kb1;
    for (RunPart p; (*next_part)(p); p = RunPart{}) {
      const std::size_t np = p.path_end - p.path_begin;
      if (p.block_begin != expect || p.block_end < p.block_begin || p.path_begin != std::min(N, p.block_begin * B) ||
          p.path_end != std::min(N, p.block_end * B) || p.indicators.size() != static_cast<std::size_t>(kIndicatorCount) * np ||
          p.kept_cash.size() != (opt.keep_paths ? np * H : 0) || p.kept_inputs.size() != input_slots.size() * np)
        throw std::logic_error(fmt::format("run part of blocks [{}, {}) does not follow block {}", p.block_begin, p.block_end, expect));
      const char* at = p.blocks.data();
      for (std::size_t b = p.block_begin; b < p.block_end; ++b) {
        const BlockOut o = detail::get_block(at, p.blocks.data() + p.blocks.size());
        for (std::size_t part = 0; part < n_parts; ++part) merge_part(part, o);
      }
      for (int k = 0; k < kIndicatorCount; ++k)
        std::copy_n(p.indicators.data() + static_cast<std::size_t>(k) * np, np,
                    r.indicators.data() + static_cast<std::size_t>(k) * N + p.path_begin);
      if (!p.kept_cash.empty())
        std::copy(p.kept_cash.begin(), p.kept_cash.end(), r.kept_cash.begin() + static_cast<std::ptrdiff_t>(p.path_begin * H));
      for (std::size_t k = 0; k < input_slots.size(); ++k)
        std::copy_n(p.kept_inputs.data() + k * np, np, r.kept_inputs.data() + k * N + p.path_begin);
      expect = p.block_end;
    }
    if (expect != n_blocks) throw std::logic_error(fmt::format("a split run ended at block {} of {}", expect, n_blocks));
    r.options.share_index = 0;
    r.options.share_count = 1;
    r.path_begin = 0;
    r.path_end = N;
  }
  r.options.on_progress = nullptr;  // it refers to the caller's state
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace amorce
