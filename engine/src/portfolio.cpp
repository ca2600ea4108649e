// A portfolio compiled (each project's scenario with the shocks it names) and simulated over a
// range of path blocks (docs/portfolio.md). Each block writes its own slice of the per-path
// columns, so no merge is needed and any split over threads and ranks gives the same bytes.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <boost/math/special_functions/erf.hpp>
#include <fmt/format.h>

#include "amorce/compile.hpp"
#include "amorce/copula.hpp"
#include "amorce/evaluate.hpp"
#include "amorce/ledger.hpp"
#include "amorce/load.hpp"
#include "amorce/portfolio.hpp"
#include "amorce/random_streams.hpp"
#include "amorce/results.hpp"
#include "amorce/run.hpp"

namespace amorce {

namespace {

constexpr double kSqrt2 = 1.4142135623730950488;
double phi_inv(double u) {
  return u <= 0.5 ? -kSqrt2 * boost::math::erfc_inv(2 * u) : kSqrt2 * boost::math::erfc_inv(2 * (1 - u));
}
double phi(double z) { return z <= 0 ? 0.5 * std::erfc(-z / kSqrt2) : 1 - 0.5 * std::erfc(z / kSqrt2); }

/// Identifiers of an expression text (names of inputs, series, items, functions).
void identifiers(const std::string& t, std::set<std::string>& out) {
  std::size_t i = 0;
  while (i < t.size()) {
    const unsigned char c = static_cast<unsigned char>(t[i]);
    if (std::isalpha(c) || c == '_') {
      std::size_t j = i + 1;
      while (j < t.size() && (std::isalnum(static_cast<unsigned char>(t[j])) || t[j] == '_')) ++j;
      out.insert(t.substr(i, j - i));
      i = j;
    } else if (std::isdigit(c)) {
      // a number (1e3, 45_000) or a date (2027-05): never a name
      while (i < t.size() && (std::isalnum(static_cast<unsigned char>(t[i])) || t[i] == '_' || t[i] == '.')) ++i;
    } else {
      ++i;
    }
  }
}

/// Every name an expression of the scenario mentions (and the series it reports).
std::set<std::string> names_used(const Scenario& sc) {
  std::set<std::string> out;
  auto e = [&](const Expr& x) { identifiers(x.text, out); };
  auto oe = [&](const std::optional<Expr>& x) { if (x) e(*x); };
  auto item = [&](const ItemBase& b) { e(b.amount); oe(b.from); oe(b.until); };
  auto pays = [&](const std::vector<Payment>& v) { for (const auto& p : v) { e(p.share); e(p.at); } };
  for (const auto& in : sc.inputs) {
    oe(in.fixed);
    if (in.dist) {
      for (const auto& x : in.dist->params) e(x);
      for (const auto& x : in.dist->values) e(x);
      for (const auto& x : in.dist->weights) e(x);
      oe(in.dist->min); oe(in.dist->max); oe(in.dist->lambda); oe(in.dist->base);
    }
  }
  for (const auto& s : sc.series) e(s.expr);
  for (const auto& r : sc.revenue) { item(r); oe(r.vat_rate); oe(r.paid_after); }
  for (const auto& c : sc.costs) { item(c); oe(c.vat_rate); oe(c.paid_after); }
  for (const auto& s : sc.staff) { e(s.fte); e(s.gross_monthly); e(s.employer_rate); oe(s.raise); oe(s.from); oe(s.until); }
  for (const auto& s : sc.subsidies) { item(s); oe(s.granted); pays(s.payments); }
  for (const auto& v : sc.investments) {
    e(v.amount); e(v.month); e(v.life); oe(v.vat_rate);
    if (v.grant) { oe(v.grant->amount); oe(v.grant->share); oe(v.grant->granted); pays(v.grant->payments); }
  }
  oe(sc.financing.opening_cash);
  for (const auto& q : sc.financing.equity) { e(q.amount); e(q.month); }
  for (const auto& l : sc.financing.loans) { e(l.principal); e(l.month); e(l.rate); e(l.term); oe(l.deferral); }
  oe(sc.vat.default_rate); oe(sc.vat.refund_delay);
  oe(sc.taxes.corporate_tax_rate);
  for (const auto& k : sc.in_kind) item(k);
  for (const auto& c : sc.checks) e(c.rule);
  for (const auto& s : sc.outputs.series) out.insert(s);
  return out;
}

}  // namespace

std::uint64_t project_seed(std::uint64_t seed, const std::string& project_name) {
  std::uint64_t z = seed + name_key(project_name) + 0x9E3779B97F4A7C15ull;  // splitmix64
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

Portfolio compile_portfolio(const PortfolioSpec& spec) {
  Portfolio pf;
  pf.spec = spec;
  for (const auto& s : spec.shocks) {
    const bool drawn = s.dist.has_value();
    pf.shock_shared_row.push_back(drawn ? static_cast<int>(pf.shared_keys.size()) : -1);
    if (drawn) pf.shared_keys.push_back(name_key("shock:" + s.name));
  }
  if (!spec.factor.empty()) {
    pf.factor_row = static_cast<int>(pf.shared_keys.size());
    pf.shared_keys.push_back(name_key("factor:" + spec.factor_name));
  }
  // names each shock mentions (a shock's law may name another shock)
  std::vector<std::set<std::string>> shock_deps(spec.shocks.size());
  for (std::size_t s = 0; s < spec.shocks.size(); ++s) {
    Scenario one;
    one.inputs.push_back(spec.shocks[s]);
    shock_deps[s] = names_used(one);
  }
  // one project: its member, or its errors in its own sink (projects compile in parallel)
  auto compile_one = [&](const PortfolioProject& p, DiagnosticSink& sink,
                         std::vector<char>& rule_matched) -> std::optional<PortfolioMember> {
    PortfolioMember m;
    m.spec = p;
    const std::string ctx = "project '" + p.name + "'";
    std::error_code ec;
    if (!std::filesystem::is_regular_file(p.scenario, ec)) {
      sink.error(p.pos, ctx + ": scenario file '" + p.scenario + "' not found (paths are relative to the portfolio file)");
      return std::nullopt;
    }
    try {
      Scenario sc = load_scenario(p.scenario, p.variant);
      // the shocks this project uses: named in its expressions, or replacing an input of the
      // same name (so a scenario can be run alone with its own value of the shock)
      const std::set<std::string> used_names = names_used(sc);
      std::vector<char> used(spec.shocks.size(), 0);
      for (std::size_t s = 0; s < spec.shocks.size(); ++s) used[s] = used_names.count(spec.shocks[s].name) > 0;
      for (bool grew = true; grew;) {
        grew = false;
        for (std::size_t s = 0; s < spec.shocks.size(); ++s)
          if (used[s])
            for (std::size_t t = 0; t < spec.shocks.size(); ++t)
              if (!used[t] && shock_deps[s].count(spec.shocks[t].name)) used[t] = grew = true;
      }
      std::vector<Input> injected;
      for (std::size_t s = 0; s < spec.shocks.size(); ++s)
        if (used[s]) {
          const std::string& nm = spec.shocks[s].name;
          for (const auto& c : sc.correlations)
            if (c.a == nm || c.b == nm)
              sink.error(c.pos, ctx + ": '" + nm + "' is a shared shock of the portfolio (" + format_pos(spec.shocks[s].pos) +
                                    ") and cannot be correlated within the scenario");
          sc.inputs.erase(std::remove_if(sc.inputs.begin(), sc.inputs.end(), [&](const Input& in) { return in.name == nm; }),
                          sc.inputs.end());
          injected.push_back(spec.shocks[s]);
          m.shocks_used.push_back(nm);
        }
      sc.inputs.insert(sc.inputs.begin(), injected.begin(), injected.end());
      m.plan = compile(sc);
      auto row_of = [&](const std::string& name) {
        const auto& u = m.plan.uniform_names;
        auto it = std::find(u.begin(), u.end(), name);
        return it == u.end() ? -1 : static_cast<int>(it - u.begin());
      };
      for (std::size_t s = 0; s < spec.shocks.size(); ++s)
        if (used[s] && pf.shock_shared_row[s] >= 0) m.shock_rows.emplace_back(row_of(spec.shocks[s].name), pf.shock_shared_row[s]);
      for (std::size_t r = 0; r < spec.factor.size(); ++r) {
        const FactorRule& rule = spec.factor[r];
        const bool listed = std::find(rule.projects.begin(), rule.projects.end(), p.name) != rule.projects.end();
        if (!rule.projects.empty() && !listed) continue;
        const int row = row_of(rule.input);
        if (row < 0) {
          if (listed)
            sink.error(rule.pos, "factor: " + ctx + " has no input '" + rule.input +
                                     "' drawn once per path (a distribution without each: month)");
          continue;
        }
        rule_matched[r] = 1;
        if (std::any_of(m.factor_rows.begin(), m.factor_rows.end(), [&](const auto& fr) { return fr.first == row; })) {
          sink.error(rule.pos, "factor: input '" + rule.input + "' of " + ctx + " is driven by two rules; keep one");
          continue;
        }
        m.factor_rows.emplace_back(row, rule.loading);
      }
    } catch (const ScenarioError& e) {
      sink.error(p.pos, ctx + ": its scenario '" + p.scenario + "' has " + std::to_string(e.diagnostics().size()) +
                            " error(s), listed below");
      for (const auto& d : e.diagnostics()) sink.error(d.pos, d.message);
      return std::nullopt;
    }
    m.seed = p.has_seed ? p.seed : project_seed(spec.simulation.seed, p.name);
    m.loss_given_shortfall =
        (p.exposure.loan + p.exposure.guarantee_share * p.exposure.guaranteed_loan) * (1 - p.recovery);
    return m;
  };
  const std::size_t P = spec.projects.size();
  std::vector<std::optional<PortfolioMember>> members(P);
  std::vector<DiagnosticSink> sinks(P);
  std::vector<std::vector<char>> matched(P, std::vector<char>(spec.factor.size(), 0));
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < P;) {
      try {
        members[i] = compile_one(spec.projects[i], sinks[i], matched[i]);
      } catch (const std::exception& e) {  // anything but a ScenarioError: reported at the project
        sinks[i].error(spec.projects[i].pos, "project '" + spec.projects[i].name + "': " + e.what());
      }
    }
  };
  const unsigned threads = std::clamp<unsigned>(std::thread::hardware_concurrency(), 1, 16);
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < std::min<std::size_t>(threads, P); ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  DiagnosticSink sink;
  std::vector<char> rule_matched(spec.factor.size(), 0);
  for (std::size_t i = 0; i < P; ++i) {
    for (const auto& d : sinks[i].diagnostics()) sink.error(d.pos, d.message);
    for (std::size_t r = 0; r < rule_matched.size(); ++r) rule_matched[r] |= matched[i][r];
    if (members[i]) pf.members.push_back(std::move(*members[i]));
  }
  for (std::size_t r = 0; r < spec.factor.size(); ++r)
    if (!rule_matched[r] && spec.factor[r].projects.empty() && sink.empty())
      sink.error(spec.factor[r].pos, "factor: no project draws an input named '" + spec.factor[r].input + "' once per path");
  sink.throw_if_any();
  return pf;
}

void PortfolioColumns::append(const PortfolioColumns& next) {
  if (next.block_begin != block_end) throw std::logic_error("portfolio columns appended out of block order");
  for (int m = 0; m < 2; ++m) {
    flags[m].insert(flags[m].end(), next.flags[m].begin(), next.flags[m].end());
    funding[m].insert(funding[m].end(), next.funding[m].begin(), next.funding[m].end());
    project_funding[m].insert(project_funding[m].end(), next.project_funding[m].begin(), next.project_funding[m].end());
  }
  block_end = next.block_end;
}

double portfolio_memory_bytes(std::size_t projects, long long paths) {
  // per mode: flags (1 bit per project and path) + total funding (8 B per path) + per-block
  // sums; then, while summarising, loss, count, grants and a sorted copy (4 x 8 B per path)
  const double n = static_cast<double>(paths), p = static_cast<double>(projects);
  const double blocks = static_cast<double>(portfolio_blocks(paths));
  return 2 * (p * blocks * kPortfolioBlock / 8.0 + 8 * n + 8 * p * blocks) + 32 * n;
}

PortfolioColumns simulate_portfolio(const Portfolio& pf, const PortfolioRunOptions& opt, std::size_t block_begin,
                                    std::size_t block_end) {
  if (opt.paths < 1 || opt.paths > Limits::max_paths)
    throw std::invalid_argument(fmt::format("paths must be between 1 and {}", Limits::max_paths));
  const std::size_t N = static_cast<std::size_t>(opt.paths);
  const std::size_t P = pf.members.size();
  const std::size_t B = kPortfolioBlock, W = kPortfolioWords;
  block_end = std::min(block_end, portfolio_blocks(opt.paths));
  block_begin = std::min(block_begin, block_end);
  PortfolioColumns cols;
  cols.block_begin = block_begin;
  cols.block_end = block_end;
  const std::size_t nb = block_end - block_begin;
  const std::size_t path0 = block_begin * B, path1 = std::min(N, block_end * B);
  for (int m = 0; m < 2; ++m) {
    cols.flags[m].assign(nb * P * W, 0);
    cols.funding[m].assign(path1 - path0, 0.0);
    cols.project_funding[m].assign(nb * P, 0.0);
  }
  if (nb == 0) return cols;
  std::vector<GaussianCopula> copulas;
  std::vector<std::size_t> chunk;
  for (const auto& m : pf.members) {
    std::vector<std::tuple<std::size_t, std::size_t, double>> corr;
    for (const auto& c : m.plan.correlations) corr.emplace_back(c.row_a, c.row_b, c.rho);
    copulas.emplace_back(m.plan.uniform_keys.size(), corr);
    chunk.push_back(std::min(B, block_size_for(m.plan)));
  }

  int threads = opt.threads > 0 ? opt.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(threads), nb));
  std::atomic<std::size_t> next{0}, done{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex mu;
  std::condition_variable cv;

  auto worker = [&] {
    BlockState st;
    Ledger L;
    PathResults pr;
    std::vector<double> S, U, Z;
    for (;;) {
      const std::size_t lb = next.fetch_add(1);
      if (lb >= nb || failed) return;
      try {
        const std::size_t b = block_begin + lb, first = b * B, n = std::min(B, N - first);
        S.assign(pf.shared_keys.size() * n, 0.0);
        if (!pf.shared_keys.empty()) fill_uniforms(opt.sampling, opt.seed, N, pf.shared_keys, first, n, S.data());
        if (pf.factor_row >= 0) {
          Z.resize(n);
          for (std::size_t k = 0; k < n; ++k) Z[k] = phi_inv(S[static_cast<std::size_t>(pf.factor_row) * n + k]);
        }
        double* total[2] = {cols.funding[0].data() + (first - path0), cols.funding[1].data() + (first - path0)};
        for (std::size_t p = 0; p < P; ++p) {
          const PortfolioMember& m = pf.members[p];
          const Plan& plan = m.plan;
          const std::size_t rows = plan.uniform_keys.size();
          const int modes = m.systemic() ? 2 : 1;
          std::uint64_t* bits[2] = {cols.flags[0].data() + (lb * P + p) * W, cols.flags[1].data() + (lb * P + p) * W};
          double* sums[2] = {&cols.project_funding[0][lb * P + p], &cols.project_funding[1][lb * P + p]};
          for (std::size_t c0 = 0; c0 < n; c0 += chunk[p]) {
            const std::size_t cn = std::min(chunk[p], n - c0);
            for (int mode = 0; mode < modes; ++mode) {
              U.assign(rows * cn, 0.0);
              if (rows) {
                fill_uniforms(opt.sampling, m.seed, N, plan.uniform_keys, first + c0, cn, U.data());
                if (!copulas[p].identity()) copulas[p].apply(U.data(), cn);
              }
              if (mode == 0) {
                // shocks on: the shared draws replace the project's own, and the factor drives its
                // inputs after the scenario's own copula (a correlation r of a driven input with an
                // undriven one becomes sqrt(1 - w^2) r in the normal copula: docs/portfolio.md)
                for (const auto& [row, srow] : m.shock_rows)
                  std::copy_n(S.data() + static_cast<std::size_t>(srow) * n + c0, cn, U.data() + static_cast<std::size_t>(row) * cn);
                const double lo = std::numeric_limits<double>::min(), hi = std::nextafter(1.0, 0.0);
                for (const auto& [row, w] : m.factor_rows) {
                  const double s = std::sqrt(std::max(0.0, 1 - w * w));
                  double* u = U.data() + static_cast<std::size_t>(row) * cn;
                  for (std::size_t k = 0; k < cn; ++k) u[k] = std::clamp(phi(w * Z[c0 + k] + s * phi_inv(u[k])), lo, hi);
                }
              }
              init_block(st, plan, cn, first + c0, m.seed, false, U.data());
              simulate_block(st, L);
              compute_results(st, L, pr);
              const double* fn = pr.indicators.data() + static_cast<std::size_t>(Indicator::funding_need) * cn;
              // without shocks or factor a project's "off" run is its "on" run: written to both
              for (int out = mode; out < (modes == 1 ? 2 : mode + 1); ++out)
                for (std::size_t k = 0; k < cn; ++k) {
                  const std::size_t i = c0 + k;
                  if (fn[k] > m.spec.bridge) bits[out][i / 64] |= std::uint64_t{1} << (i % 64);
                  total[out][i] += fn[k];
                  *sums[out] += fn[k];
                }
            }
          }
        }
      } catch (...) {
        std::lock_guard lk(mu);
        if (!error) error = std::current_exception();
        failed = true;
      }
      done.fetch_add(1);
      cv.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  while (done < nb && !failed) {
    std::unique_lock lk(mu);
    cv.wait_for(lk, std::chrono::milliseconds(200), [&] { return done >= nb || failed.load(); });
    lk.unlock();
    if (opt.progress) opt.progress(done.load());
  }
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
  return cols;
}

}  // namespace amorce
