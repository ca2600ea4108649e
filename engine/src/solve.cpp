#include "amorce/solve.hpp"

#include <algorithm>

#include <cmath>
#include <memory>
#include <numbers>
#include <tuple>
#include <boost/math/special_functions/erf.hpp>
#include <fmt/format.h>
#include <ostream>
#include <stdexcept>

#include "amorce/base_case.hpp"
#include "amorce/compile.hpp"
#include "amorce/copula.hpp"
#include "amorce/random_streams.hpp"
#include "amorce/run.hpp"

namespace amorce {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double literal_value(const std::string& text) {
  std::string t;
  for (char c : text)
    if (c != '_' && c != ' ') t += c;
  if (t.empty()) return kNaN;
  std::size_t used = 0;
  try {
    double v = std::stod(t, &used);
    return used == t.size() ? v : kNaN;
  } catch (const std::exception&) {
    return kNaN;
  }
}

std::string num(double v) { return fmt::format("{:.17g}", v); }

const Input* find_input(const Scenario& s, const std::string& name) {
  for (const auto& in : s.inputs)
    if (in.name == name) return &in;
  return nullptr;
}

double current_value(const Scenario& s, const std::string& name) {
  if (const Input* in = find_input(s, name)) return in->fixed ? literal_value(in->fixed->text) : kNaN;
  if (name == "opening_cash") return s.financing.opening_cash ? literal_value(s.financing.opening_cash->text) : 0.0;
  return kNaN;
}

}  // namespace

Scenario with_input(const Scenario& s, const std::string& name, double x) {
  Scenario o = s;
  for (auto& in : o.inputs)
    if (in.name == name) {
      if (!in.fixed)
        throw std::invalid_argument(fmt::format(
            "--vary {}: the input is uncertain; solve varies a fixed input (an amount you decide: equity, a grant, a "
            "price, a reserve)",
            name));
      in.fixed = Expr{num(x), in.fixed->pos};
      return o;
    }
  if (name == "opening_cash") {
    o.financing.opening_cash = Expr{num(x), s.financing.opening_cash ? s.financing.opening_cash->pos : SourcePos{}};
    return o;
  }
  std::string fixed;
  for (const auto& in : s.inputs)
    if (in.fixed) fixed += " " + in.name;
  throw std::invalid_argument(fmt::format("--vary {}: no such input (fixed inputs:{}; or opening_cash)", name,
                                          fixed.empty() ? " none" : fixed));
}

double answer_uncertainty(const std::vector<SolveStep>& steps, double x, double se) {
  if (!(se > 0)) return kNaN;
  double slope = std::fabs(resolved_slope(steps, x, se));
  if (std::isnan(slope)) {  // no pair resolves the slope: use the widest one
    double lo = INFINITY, hi = -INFINITY, mlo = kNaN, mhi = kNaN;
    for (const auto& st : steps) {
      if (st.x < lo) lo = st.x, mlo = st.metric.value;
      if (st.x > hi) hi = st.x, mhi = st.metric.value;
    }
    if (hi > lo && mhi != mlo) slope = std::fabs(mhi - mlo) / (hi - lo);
  }
  return std::isfinite(slope) && slope > 0 ? se / slope : kNaN;
}

double resolved_slope(const std::vector<SolveStep>& steps, double x, double se) {
  // the narrowest pair of evaluations around x whose metric values differ by at least two
  // standard errors (a narrower pair only measures noise)
  double best_width = INFINITY, slope = kNaN;
  for (const auto& a : steps)
    for (const auto& b : steps) {
      if (!(a.x <= x && x <= b.x && a.x < b.x)) continue;
      const double dm = b.metric.value - a.metric.value;
      if (!(std::fabs(dm) >= 2 * se) || b.x - a.x >= best_width) continue;
      best_width = b.x - a.x;
      slope = dm / (b.x - a.x);
    }
  return slope;
}

namespace {

/// One fidelity of the search: a number of paths, and the per-path uniforms of the sampled
/// inputs, kept from the first run at that size. The solved input is a fixed one, so every
/// evaluation draws exactly the same uniforms (common random numbers): later runs read them
/// instead of recomputing the LHS permutations and Philox streams (~15 % of a run).
struct Level {
  long long paths = 0;
  std::vector<double> uniforms;  ///< [row * paths + path], after the copula
  std::vector<std::uint64_t> keys;
  std::vector<std::tuple<std::size_t, std::size_t, double>> corr;
  std::shared_ptr<const GaussianCopula> copula;
  bool filled = false;
};

std::vector<std::tuple<std::size_t, std::size_t, double>> correlations_of(const Plan& p) {
  std::vector<std::tuple<std::size_t, std::size_t, double>> corr;
  for (const auto& c : p.correlations) corr.emplace_back(c.row_a, c.row_b, c.rho);
  return corr;
}

/// The run options of one evaluation at level L: the uniforms come from L's store once it is
/// filled, and the first run fills it while it runs (each block writes its own paths: the
/// workers never write the same element). The uniforms are those the run would draw itself
/// (fill_uniforms, then the copula, as run_monte_carlo does), so results are bit-identical.
RunOptions level_options(RunOptions ro, const Plan& p, Level& L) {
  ro.paths = L.paths;
  const std::size_t rows = p.uniform_keys.size();
  if (rows == 0) return ro;
  auto corr = correlations_of(p);
  if (L.filled && (L.keys != p.uniform_keys || L.corr != corr)) return ro;  // not the same draws: sample afresh
  const auto N = static_cast<std::size_t>(L.paths);
  Level* lv = &L;
  if (L.filled) {
    ro.uniform_source = [lv, rows, N](std::uint64_t first, std::size_t n, double* out) {
      for (std::size_t r = 0; r < rows; ++r) std::copy_n(lv->uniforms.data() + r * N + first, n, out + r * n);
    };
    return ro;
  }
  L.keys = p.uniform_keys;
  L.corr = std::move(corr);
  L.uniforms.assign(rows * N, 0.0);
  L.copula = std::make_shared<const GaussianCopula>(rows, L.corr);
  const Sampling sampling = ro.sampling;
  const std::uint64_t seed = ro.seed;
  std::shared_ptr<const GaussianCopula> cop = L.copula;
  ro.uniform_source = [lv, rows, N, sampling, seed, cop](std::uint64_t first, std::size_t n, double* out) {
    fill_uniforms(sampling, seed, N, lv->keys, first, n, out);
    if (!cop->identity()) cop->apply(out, n);
    for (std::size_t r = 0; r < rows; ++r) std::copy_n(out + r * n, n, lv->uniforms.data() + r * N + first);
  };
  return ro;
}

}  // namespace

std::vector<long long> fidelity_levels(long long paths) {
  std::vector<long long> v{paths};
  for (;;) {
    const long long c = std::max(v.back() / 16, kMinCoarsePaths);
    if (4 * c > v.back()) break;
    v.push_back(c);
  }
  std::reverse(v.begin(), v.end());
  return v;
}

namespace {
double normal_quantile(double p) { return -std::sqrt(2.0) * boost::math::erfc_inv(2 * p); }
double normal_density(double z) { return std::exp(-0.5 * z * z) / std::sqrt(2 * std::numbers::pi); }
}  // namespace

SolveResult solve_input(const Scenario& s, const SolveOptions& o) {
  SolveResult res;
  res.input = o.input;
  res.target = o.target;
  res.scenario = s.name;
  res.maximise = o.maximise;
  res.paths = o.paths;
  res.seed = o.seed;
  // arguments first: a range or tolerance no value of the scenario can take is refused here
  auto check_bound = [](const std::optional<double>& v, const char* what) {
    if (v && !(std::fabs(*v) < Limits::max_abs_value))
      throw std::invalid_argument(fmt::format("{} {}: expected a finite number with |x| < 1e12", what, *v));
  };
  check_bound(o.min, "--min");
  check_bound(o.max, "--max");
  if (o.min && o.max && !(*o.max > *o.min))
    throw std::invalid_argument(fmt::format("--min {} --max {}: the search range is empty (--max must be above --min)", *o.min, *o.max));
  if (!(o.tolerance >= 0) || !(o.tolerance < Limits::max_abs_value))
    throw std::invalid_argument(fmt::format("--tol {}: expected a finite number > 0 (or 0 for range / 10 000)", o.tolerance));
  if (o.max_evaluations < 1 || o.max_evaluations > 10000)
    throw std::invalid_argument(fmt::format("max_evaluations {}: expected 1..10000", o.max_evaluations));
  Plan base_plan = compile(s);
  // the uniforms kept across evaluations cost what keep_inputs keeps
  check_memory(run_memory_bytes(base_plan, o.paths, false, true), fmt::format("solve with {} paths per evaluation", o.paths), "--paths");
  Target target = parse_target(o.target, base_plan);
  with_input(s, o.input, 0);  // validates the input name and kind
  res.current = current_value(s, o.input);
  res.levels = o.coarse ? fidelity_levels(o.paths) : std::vector<long long>{o.paths};

  RunOptions ro;
  ro.seed = o.seed;
  ro.threads = o.threads;
  ro.sampling = o.sampling;
  // the fidelities, coarsest first, the last at o.paths (sized once: the runs keep pointers)
  std::vector<Level> levels;
  for (long long n : res.levels) levels.push_back(Level{n, {}, {}, {}, {}, false});
  Level& full = levels.back();
  auto run_at = [&](const Plan& p, Level& L) {
    const bool filling = !L.filled;
    RunOptions r = level_options(ro, p, L);
    Estimate e = estimate_metric(target.metric, run_metric(p, target.metric, r));
    if (filling && r.uniform_source) L.filled = true;
    return e;
  };
  int evals = 0;
  auto eval = [&](double x, Level& L) {
    Plan p = compile(with_input(s, o.input, x));
    SolveStep st;
    st.x = x;
    st.paths = L.paths;
    st.metric = run_at(p, L);
    st.met = compare_values(st.metric.value, target.cmp, target.value);
    res.steps.push_back(st);
    ++evals;
    if (&L == &full) ++res.full_evaluations;
    return st;
  };
  auto steps_at = [&](const Level& L) {
    std::vector<SolveStep> v;
    for (const auto& st : res.steps)
      if (st.paths == L.paths) v.push_back(st);
    return v;
  };
  // the metric at the current value: context, not the answer, so at the finest coarse size
  // when that has at least kMinCurrentPaths paths (se <= 0.008 on a probability), else at full size
  Level& current_level = levels.size() > 1 && levels[levels.size() - 2].paths >= kMinCurrentPaths ? levels[levels.size() - 2] : full;
  res.at_current = run_at(base_plan, current_level);
  res.current_paths = current_level.paths;

  const double cur = res.current;
  const double lo0 = o.min ? *o.min : (std::isnan(cur) ? kNaN : (cur >= 0 ? 0.0 : 2 * cur));
  const double hi0 = o.max ? *o.max : (std::isnan(cur) ? kNaN : std::max(2 * std::fabs(cur), lo0 + 1000));
  if (std::isnan(lo0) || std::isnan(hi0))
    throw std::invalid_argument(fmt::format("--vary {}: its value is an expression; give the search range with --min and --max", o.input));
  if (!(hi0 > lo0)) throw std::invalid_argument(fmt::format("the search range [{}, {}] is empty", lo0, hi0));

  // g(x) <= 0 where the target is met: the metric minus the target value (the reverse for >=),
  // on the probit scale for a probability with a target inside (0, 1): a probability of a
  // shift of a roughly normal quantity is then roughly linear in the input, which the secant
  // steps below need far from the answer.
  const bool probit = target.metric.stat == Stat::prob && target.value > 0 && target.value < 1;
  auto scale = [&](double m, long long n) {
    if (!probit) return m;
    const double eps = 0.5 / static_cast<double>(std::max(1LL, n));
    return normal_quantile(std::clamp(m, eps, 1 - eps));
  };
  const double sgn = target.cmp == Cmp::le || target.cmp == Cmp::lt ? 1 : -1;
  auto g = [&](const SolveStep& st) { return sgn * (scale(st.metric.value, st.paths) - scale(target.value, st.paths)); };
  // d(scale)/d(metric) at the target: converts a slope of the metric into one of g
  const double dscale = probit ? 1 / normal_density(normal_quantile(target.value)) : 1.0;
  const double dir = o.maximise ? -1 : 1;  // from a value that fails toward the values that meet
  auto inside_noise = [](const SolveStep& f, const SolveStep& m) {
    const double sigma = std::max(f.metric.se, m.metric.se);
    return sigma > 0 && std::fabs(m.metric.value - f.metric.value) <= sigma;
  };
  // the slope of g in the input near x, from the finest level up to `upto` that resolves it
  // (resolved_slope on g; the metric's standard error se at o.paths scaled as 1 / sqrt(paths))
  auto slope_near = [&](double x, double se, std::size_t upto) {
    for (std::size_t k = upto + 1; k-- > 0;) {
      const double se_k = se * dscale * std::sqrt(static_cast<double>(o.paths) / static_cast<double>(levels[k].paths));
      auto steps = steps_at(levels[k]);
      for (auto& st : steps) st.metric.value = g(st);
      const double sl = resolved_slope(steps, x, se_k);
      if (std::isfinite(sl)) return sl;
    }
    return kNaN;
  };

  // The ends of the range (the top expanded while nothing meets the target, or, maximising,
  // while everything does): a failing and a meeting value, or where the search ends.
  struct Bracket {
    enum Kind { found, at_bound, none } kind = found;
    SolveStep fail, met;
    double lo = 0, hi = 0;
  };
  auto bracket = [&](Level& L) {
    Bracket b;
    double lo = lo0, hi = hi0;
    if (!o.maximise) {
      SolveStep sl = eval(lo, L);
      if (sl.met) {
        b.kind = Bracket::at_bound, b.met = sl, b.lo = b.hi = lo;
        return b;
      }
      SolveStep sh = eval(hi, L), last_fail = sl;
      for (double w = hi - lo; !sh.met && !o.max && evals < o.max_evaluations && hi + 2 * w < Limits::max_abs_value;) {
        lo = hi;  // hi failed: the answer is above it (monotone metric)
        last_fail = sh;
        w *= 2;
        hi = lo + w;
        sh = eval(hi, L);
      }
      b.lo = lo, b.hi = hi;
      if (!sh.met) b.kind = Bracket::none, b.fail = sh;
      else b.fail = last_fail, b.met = sh;
      return b;
    }
    SolveStep sh = eval(hi, L);
    std::optional<SolveStep> last_met;
    for (double w = hi - lo; sh.met && !o.max && evals < o.max_evaluations && hi + 2 * w < Limits::max_abs_value;) {
      lo = hi;  // hi met: the answer is above it
      last_met = sh;
      w *= 2;
      hi = lo + w;
      sh = eval(hi, L);
    }
    b.lo = lo, b.hi = hi;
    if (sh.met) {
      b.kind = Bracket::at_bound, b.met = sh, b.lo = b.hi = hi;
      return b;
    }
    SolveStep sl = last_met ? *last_met : eval(lo, L);
    if (!sl.met) b.kind = Bracket::none, b.fail = sl;
    else b.fail = sh, b.met = sl;
    return b;
  };

  // Refinement at level L between a failing value F and a meeting one M (either may be
  // missing at first: it is then searched for from the other, or from x_first), until the
  // bracket is within `tol`, or (precision) the metric differs by no more than its standard
  // error across it. Each step is the secant (regula falsi, Illinois variant) crossing of g
  // between F and M, or with one end missing the crossing extrapolated with the nearest
  // resolved slope (else `prior`, in g units), offset toward the end to be replaced by a
  // quarter (half when extrapolating) of the noise width se / |slope|, so that one evaluation
  // replaces that end and the next the other. A bisection whenever the bracket has not halved
  // in two steps or one end is a saturated probability (se 0), e.g. on the step functions of
  // deterministic metrics. Not ok when a value outside [bound_lo, bound_hi] would be needed,
  // or the evaluation budget ran out before both ends were found.
  struct Refined {
    bool ok = false;
    SolveStep fail, met;
  };
  auto refine = [&](Level& L, std::optional<SolveStep> F, std::optional<SolveStep> M, double x_first, double prior,
                    double step0, double tol, bool precision, double bound_lo, double bound_hi) {
    Refined out;
    double w_prev1 = INFINITY, w_prev2 = INFINITY, miss = step0, kf = 1, km = 1;
    int last = 0;  // +1: the last evaluation replaced M, -1: F
    for (;;) {
      double x = x_first;
      if (F && M) {
        const double width = std::fabs(M->x - F->x);
        if (width <= tol || (precision && inside_noise(*F, *M)) || evals >= o.max_evaluations) break;
        const double se = std::max(F->metric.se, M->metric.se);
        const double slope = slope_near(0.5 * (F->x + M->x), se * std::sqrt(static_cast<double>(L.paths) / static_cast<double>(o.paths)),
                                        static_cast<std::size_t>(&L - levels.data()));
        const double noise = se > 0 && std::isfinite(slope) && slope != 0 ? se * dscale / std::fabs(slope) : 0;
        const double gf = g(*F) * kf, gm = g(*M) * km;
        const double t = gf > gm ? gf / (gf - gm) : 0.5;
        const double r = F->x + (M->x - F->x) * std::clamp(t, 0.0, 1.0);
        // the offset: a quarter of the noise width (of the tolerance when one is asked for), at
        // most half the way to the end it is to replace
        const bool toward_met = std::fabs(M->x - r) >= std::fabs(r - F->x);
        const double room = toward_met ? std::fabs(M->x - r) : std::fabs(r - F->x);
        x = r + (toward_met ? dir : -dir) * std::min((precision ? std::max(noise, tol) : tol) / 4, room / 2);
        const double a = std::min(F->x, M->x) + 0.01 * width, b = std::max(F->x, M->x) - 0.01 * width;
        x = std::clamp(x, a, b);
        const bool saturated = (F->metric.se > 0) != (M->metric.se > 0);
        if (width > 0.5 * w_prev2 || saturated) x = 0.5 * (F->x + M->x);
        w_prev2 = w_prev1;
        w_prev1 = width;
      } else if (F || M) {
        if (evals >= o.max_evaluations) return out;
        const SolveStep& e = F ? *F : *M;
        const double toward = F ? dir : -dir;  // toward the missing end
        // the slope of g: from e and the nearest other evaluation at this level, when resolved
        double slope = kNaN, nearest = INFINITY;
        for (const auto& st : steps_at(L))
          if (st.x != e.x && std::fabs(st.x - e.x) < nearest) {
            nearest = std::fabs(st.x - e.x);
            const bool resolved = std::fabs(e.metric.value - st.metric.value) >= 2 * std::max(e.metric.se, st.metric.se);
            slope = resolved ? (g(e) - g(st)) / (e.x - st.x) : kNaN;
          }
        if (!std::isfinite(slope) || slope * dir >= 0) slope = prior;
        const double noise = e.metric.se > 0 && std::isfinite(slope) && slope != 0 ? e.metric.se * dscale / std::fabs(slope) : 0;
        const double margin = (precision ? std::max(noise, tol) : tol) / 2;
        double step = std::isfinite(slope) && slope * dir < 0 ? (-g(e) / slope) * toward + margin : kNaN;
        if (!(step > 0) || !std::isfinite(step)) {
          step = miss;  // no usable slope: steps doubling in length
          miss *= 2;
        }
        x = e.x + toward * step;
      }
      if (!(x >= bound_lo && x <= bound_hi)) return out;
      SolveStep st = eval(x, L);
      if (st.met && (!M || (x - M->x) * dir < 0)) {
        M = st;
        km = 1;
        if (last == 1) kf *= 0.5;  // Illinois: F kept twice, its weight halved
        last = 1;
      }
      if (!st.met && (!F || (x - F->x) * dir > 0)) {
        F = st;
        kf = 1;
        if (last == -1) km *= 0.5;
        last = -1;
      }
    }
    out.ok = F && M;
    if (out.ok) out.fail = *F, out.met = *M;
    return out;
  };

  auto finish = [&](const Refined& r, double tol, bool precision) {
    const bool smallest = !o.maximise;
    res.found = true;
    res.value = r.met.x;
    res.achieved = r.met.metric;
    res.lo = std::min(r.fail.x, r.met.x);
    res.hi = std::max(r.fail.x, r.met.x);
    res.tolerance = tol;
    res.stopped_at_precision = precision && inside_noise(r.fail, r.met);
    // the slope from the full-size evaluations when they resolve it, else from the coarser
    // ones (same metric, same slope; they span a wider range)
    const double se = r.met.metric.se;
    const double sl = std::fabs(slope_near(r.met.x, se, levels.size() - 1));
    res.uncertainty = se > 0 && std::isfinite(sl) && sl > 0 ? se * dscale / sl : answer_uncertainty(steps_at(full), r.met.x, se);
    res.message = res.stopped_at_precision
                      ? fmt::format("{} value meeting the target, to Monte Carlo precision (bracket {:.3g} wide)",
                                    smallest ? "smallest" : "largest", res.hi - res.lo)
                      : fmt::format("{} value meeting the target, to within {:.3g}", smallest ? "smallest" : "largest", tol);
  };

  // 1. Multi-fidelity: the whole search first at the coarsest size (same seed: common random
  // numbers), to its Monte Carlo precision; then each finer size starts from the answer of the
  // one below: its interpolated crossing first, then toward the other side with its slope.
  if (levels.size() > 1) {
    Bracket b = bracket(levels[0]);
    if (b.kind == Bracket::found) {
      const double tol = o.tolerance > 0 ? o.tolerance : (b.hi - b.lo) / 1e4;
      Refined prev = refine(levels[0], b.fail, b.met, kNaN, kNaN, b.hi - b.lo, tol, true, b.lo, b.hi);
      bool precision = true;
      for (std::size_t k = 1; prev.ok && k < levels.size(); ++k) {
        const double se = std::max(prev.fail.metric.se, prev.met.metric.se);
        const double slope = slope_near(prev.met.x, se * std::sqrt(static_cast<double>(levels[k - 1].paths) / static_cast<double>(o.paths)), k - 1);
        const double gf = g(prev.fail), gm = g(prev.met);
        const double x0 = gf > gm ? prev.fail.x + (prev.met.x - prev.fail.x) * std::clamp(gf / (gf - gm), 0.0, 1.0) : prev.met.x;
        const double u = se > 0 && std::isfinite(slope) && slope != 0 ? se * dscale / std::fabs(slope) : 0;
        const double step0 = std::max({2 * u, std::fabs(prev.met.x - prev.fail.x), tol});
        precision = k + 1 < levels.size() || o.tolerance <= 0;
        prev = refine(levels[k], std::nullopt, std::nullopt, x0, slope, step0, tol, precision, lo0,
                      o.max ? *o.max : Limits::max_abs_value);
      }
      if (prev.ok) {
        finish(prev, tol, precision);
        return res;
      }
    }
    // the coarse search ended at a bound of the range, or a finer one left the range: the
    // search is done again at full size (what a single-fidelity search does)
  }

  Bracket b = bracket(full);
  if (b.kind == Bracket::at_bound) {
    res.lo = b.lo, res.hi = b.hi;
    res.found = true;
    res.value = b.met.x;
    res.achieved = b.met.metric;
    res.message = !o.maximise ? fmt::format("the target is already met at the bottom of the search range ({})", b.met.x)
                  : o.max     ? fmt::format("the target is met at the top of the search range ({})", b.met.x)
                              : fmt::format("the target is still met at {}: no upper limit found", b.met.x);
    return res;
  }
  if (b.kind == Bracket::none) {
    res.lo = b.lo, res.hi = b.hi;
    res.message = fmt::format("no value of {} in [{}, {}] meets the target: at {} the metric is {:.6g} ± {:.2g}", o.input,
                              !o.maximise && o.min ? *o.min : b.lo, b.hi, b.fail.x, b.fail.metric.value, b.fail.metric.se);
    return res;
  }
  const double tol = o.tolerance > 0 ? o.tolerance : (b.hi - b.lo) / 1e4;
  const bool precision = o.tolerance <= 0;
  Refined r = refine(full, b.fail, b.met, kNaN, kNaN, b.hi - b.lo, tol, precision, b.lo, b.hi);
  finish(r, tol, precision);
  return res;
}

namespace {
nlohmann::json jnum(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }
std::string fx(double v) { return std::fabs(v) >= 1000 ? format_euros(v) : fmt::format("{:.6g}", v); }
}  // namespace

nlohmann::json solve_json(const SolveResult& r) {
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& s : r.steps)
    steps.push_back({{"x", s.x}, {"paths", s.paths}, {"metric", jnum(s.metric.value)}, {"se", jnum(s.metric.se)}, {"met", s.met}});
  return {{"scenario", r.scenario},
          {"input", r.input},
          {"target", r.target},
          {"maximise", r.maximise},
          {"found", r.found},
          {"value", r.found ? jnum(r.value) : nlohmann::json(nullptr)},
          {"achieved", {{"value", jnum(r.achieved.value)}, {"se", jnum(r.achieved.se)}}},
          {"current",
           {{"value", jnum(r.current)}, {"metric", jnum(r.at_current.value)}, {"se", jnum(r.at_current.se)}, {"paths", r.current_paths}}},
          {"bracket", {jnum(r.lo), jnum(r.hi)}},
          {"tolerance", jnum(r.tolerance)},
          {"uncertainty", jnum(r.uncertainty)},
          {"stopped_at_precision", r.stopped_at_precision},
          {"message", r.message},
          {"paths", r.paths},
          {"levels", r.levels},
          {"full_evaluations", r.full_evaluations},
          {"seed", r.seed},
          {"evaluations", steps}};
}

namespace {

/// The coarse sizes of a multi-fidelity search, coarsest first: "1000 then 6250".
std::string coarse_list(const SolveResult& r, const char* then) {
  std::string out;
  for (std::size_t k = 0; k + 1 < r.levels.size(); ++k) out += (k ? then : "") + std::to_string(r.levels[k]);
  return out;
}

/// r.message in French, rebuilt from the result's fields (solve_input words it in English for
/// the JSON).
std::string message_fr(const SolveResult& r) {
  auto starts = [&](const char* p) { return r.message.rfind(p, 0) == 0; };
  if (!r.found) return fmt::format("aucune valeur de {} dans [{}, {}] n'atteint l'objectif", r.input, fx(r.lo), fx(r.hi));
  if (starts("the target is already met at the bottom"))
    return fmt::format("l'objectif est déjà atteint au bas de l'intervalle de recherche ({})", fx(r.value));
  if (starts("the target is met at the top"))
    return fmt::format("l'objectif est atteint en haut de l'intervalle de recherche ({})", fx(r.value));
  if (starts("the target is still met at")) return fmt::format("l'objectif est encore atteint à {} : pas de limite haute trouvée", fx(r.value));
  const char* which = r.maximise ? "plus grande" : "plus petite";
  if (r.stopped_at_precision)
    return fmt::format("{} valeur atteignant l'objectif, à la précision Monte Carlo près (intervalle de {:.3g})", which, r.hi - r.lo);
  return fmt::format("{} valeur atteignant l'objectif, à {:.3g} près", which, r.tolerance);
}

}  // namespace

void print_solve(std::ostream& os, const SolveResult& r, Lang lang, const Scenario* sc) {
  const bool fr = lang == Lang::fr;
  std::string who = r.input;  // the scenario's label and unit, the name in brackets
  if (sc) {
    const auto [label, unit] = label_of(*sc, r.input);
    if (!label.empty()) who = display_name(r.input, label, unit, true);
  }
  if (fr)
    os << fmt::format("amorce recherche d'objectif — {}\n{} valeur de {} telle que {}\n{} scénarios simulés par évaluation{}, graine {} "
                      "(nombres aléatoires communs)\n\n",
                      r.scenario, r.maximise ? "plus grande" : "plus petite", who, r.target, r.paths,
                      r.levels.size() > 1 ? fmt::format(" (recherche d'abord sur {})", coarse_list(r, " puis ")) : "", r.seed);
  else
    os << fmt::format("amorce solve — {}\n{} {} such that {}\n{} paths per evaluation{}, seed {} (common random numbers)\n\n",
                      r.scenario, r.maximise ? "largest" : "smallest", who, r.target, r.paths,
                      r.levels.size() > 1 ? fmt::format(" (searched first with {})", coarse_list(r, " then ")) : "", r.seed);
  auto g = [fr](double v, const char* spec) {
    std::string s = fmt::format(fmt::runtime(spec), v);
    if (fr) std::replace(s.begin(), s.end(), '.', ',');
    return s;
  };
  const char* metric = fr ? "indicateur" : "metric";
  if (!std::isnan(r.current))
    os << fmt::format("{}{} = {}   ->  {} {} ± {}{}\n", fr ? "actuel :   " : "now:     ", r.input, fx(r.current), metric,
                      g(r.at_current.value, "{:.6g}"), g(r.at_current.se, "{:.2g}"),
                      r.current_paths != r.paths ? fmt::format(fmt::runtime(fr ? " ({} scénarios)" : " ({} paths)"), r.current_paths) : "");
  if (r.found) {
    // the uncertainty to two significant digits: 716.86 reads as ± 720
    auto two_digits = [&](double u) {
      const double scale = std::pow(10.0, std::floor(std::log10(u)) - 1);
      const double v = std::round(u / scale) * scale;
      return v >= 1 ? format_euros(v) : g(v, "{:.2g}");
    };
    const std::string pm = std::isfinite(r.uncertainty) && r.uncertainty > 0 ? " ± " + two_digits(r.uncertainty) : "";
    os << fmt::format("{}{} = {}{}   ->  {} {} ± {}\n", fr ? "réponse :  " : "answer:  ", r.input, fx(r.value), pm, metric,
                      g(r.achieved.value, "{:.6g}"), g(r.achieved.se, "{:.2g}"));
    os << (fr ? "           " : "         ") << (fr ? message_fr(r) : r.message) << "\n";
    if (!std::isnan(r.current))
      os << fmt::format("{}{}{}\n", fr ? "écart :    " : "change:  ", r.value - r.current >= 0 ? "+" : "", fx(r.value - r.current));
  } else {
    os << (fr ? "NON TROUVÉ : " + message_fr(r) : "NOT FOUND: " + r.message) << "\n";
  }
  if (fr)
    os << fmt::format("\n{} évaluations{}. Le ± de l'indicateur est son erreur type Monte Carlo ; celui de la réponse est cette "
                      "erreur divisée par la pente de l'indicateur en {} : avec une autre graine, la réponse bougerait d'environ "
                      "autant.\n",
                      r.steps.size(), r.levels.size() > 1 ? fmt::format(" dont {} sur {} scénarios", r.full_evaluations, r.paths) : "",
                      r.input);
  else
    os << fmt::format("\n{} evaluations{}. The metric's ± is its Monte Carlo standard error; the answer's ± is that error "
                      "divided by the metric's slope in {}: with another seed the answer would move by about that much.\n",
                      r.steps.size(), r.levels.size() > 1 ? fmt::format(", {} of them with {} paths", r.full_evaluations, r.paths) : "",
                      r.input);
}

}  // namespace amorce
