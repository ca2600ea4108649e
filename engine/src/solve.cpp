#include "amorce/solve.hpp"

#include <algorithm>

#include <cmath>
#include <memory>
#include <tuple>
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
/// instead of recomputing the LHS permutations and Philox streams (~17 % of a run).
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

long long coarse_paths_for(long long paths) {
  const long long c = std::max(paths / 16, kMinCoarsePaths);
  return 4 * c <= paths ? c : 0;
}

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
  res.coarse_paths = o.coarse ? coarse_paths_for(o.paths) : 0;

  RunOptions ro;
  ro.seed = o.seed;
  ro.threads = o.threads;
  ro.sampling = o.sampling;
  Level full, coarse;
  full.paths = o.paths;
  coarse.paths = res.coarse_paths;
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
  Level& first_level = res.coarse_paths ? coarse : full;
  res.at_current = run_at(base_plan, first_level);
  res.current_paths = first_level.paths;

  const double cur = res.current;
  const double lo0 = o.min ? *o.min : (std::isnan(cur) ? kNaN : (cur >= 0 ? 0.0 : 2 * cur));
  const double hi0 = o.max ? *o.max : (std::isnan(cur) ? kNaN : std::max(2 * std::fabs(cur), lo0 + 1000));
  if (std::isnan(lo0) || std::isnan(hi0))
    throw std::invalid_argument(fmt::format("--vary {}: its value is an expression; give the search range with --min and --max", o.input));
  if (!(hi0 > lo0)) throw std::invalid_argument(fmt::format("the search range [{}, {}] is empty", lo0, hi0));

  // g(x) <= 0 where the target is met: the metric minus the target value, or the reverse for >=
  const double sgn = target.cmp == Cmp::le || target.cmp == Cmp::lt ? 1 : -1;
  auto g = [&](const SolveStep& st) { return sgn * (st.metric.value - target.value); };
  const double dir = o.maximise ? -1 : 1;  // from a value that fails toward the values that meet
  auto inside_noise = [](const SolveStep& f, const SolveStep& m) {
    const double sigma = std::max(f.metric.se, m.metric.se);
    return sigma > 0 && std::fabs(m.metric.value - f.metric.value) <= sigma;
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
  // error across it. Steps: linear interpolation of g between F and M (secant; the slope
  // `prior` when one end is missing), offset by a quarter of the noise width se / |slope|
  // toward the end farther away, so that one evaluation replaces that end and the next the
  // other; a bisection whenever the bracket has not halved in two steps (step functions,
  // deterministic metrics). False when a value outside [bound_lo, bound_hi] would be needed
  // or the evaluation budget ran out before a bracket.
  struct Refined {
    bool ok = false;
    SolveStep fail, met;
  };
  auto refine = [&](Level& L, std::optional<SolveStep> F, std::optional<SolveStep> M, double x_first, double prior,
                    double step0, double tol, bool precision, double bound_lo, double bound_hi) {
    Refined out;
    double w_prev1 = INFINITY, w_prev2 = INFINITY, miss = step0;
    for (;;) {
      double x = x_first;
      if (F && M) {
        const double width = std::fabs(M->x - F->x);
        if (width <= tol || (precision && inside_noise(*F, *M)) || evals >= o.max_evaluations) break;
        const double se = std::max(F->metric.se, M->metric.se);
        double slope = sgn * resolved_slope(steps_at(L), 0.5 * (F->x + M->x), se);
        if (!std::isfinite(slope) || slope * dir >= 0) slope = prior;
        const double noise = se > 0 && std::isfinite(slope) && slope != 0 ? se / std::fabs(slope) : 0;
        const double gf = g(*F), gm = g(*M);
        const double t = gf > gm ? gf / (gf - gm) : 0.5;
        const double r = F->x + (M->x - F->x) * std::clamp(t, 0.0, 1.0);
        const bool toward_met = std::fabs(M->x - r) >= std::fabs(r - F->x);
        x = r + (toward_met ? dir : -dir) * std::max(noise / 4, tol / 4);
        const double a = std::min(F->x, M->x) + 0.01 * width, b = std::max(F->x, M->x) - 0.01 * width;
        x = std::clamp(x, a, b);
        if (width > 0.5 * w_prev2) x = 0.5 * (F->x + M->x);  // not converging: bisect
        w_prev2 = w_prev1;
        w_prev1 = width;
      } else if (F || M) {
        if (evals >= o.max_evaluations) return out;
        const SolveStep& e = F ? *F : *M;
        const double toward = F ? dir : -dir;  // toward the missing end
        // the slope: from e and the nearest other evaluation at this level, when resolved
        double slope = kNaN, nearest = INFINITY;
        for (const auto& st : steps_at(L))
          if (st.x != e.x && std::fabs(st.x - e.x) < nearest) {
            nearest = std::fabs(st.x - e.x);
            const double dg = g(e) - g(st);
            slope = std::fabs(dg) >= 2 * std::max(e.metric.se, st.metric.se) ? dg / (e.x - st.x) : kNaN;
          }
        if (!std::isfinite(slope) || slope * dir >= 0) slope = prior;
        const double noise = e.metric.se > 0 && std::isfinite(slope) && slope != 0 ? e.metric.se / std::fabs(slope) : 0;
        double step = std::isfinite(slope) && slope * dir < 0 ? (-g(e) / slope) * toward + std::max(noise / 2, tol / 2) : kNaN;
        if (!(step > 0) || !std::isfinite(step)) {
          step = miss;  // no usable slope: steps doubling in length
          miss *= 2;
        }
        x = e.x + toward * step;
      }
      if (!(x >= bound_lo && x <= bound_hi)) return out;
      SolveStep st = eval(x, L);
      if (st.met && (!M || (x - M->x) * dir < 0)) M = st;
      if (!st.met && (!F || (x - F->x) * dir > 0)) F = st;
    }
    out.ok = F && M;
    if (out.ok) out.fail = *F, out.met = *M;
    return out;
  };

  auto finish = [&](const Refined& r, double tol, bool precision, const std::vector<SolveStep>& slope_steps, double slope_se) {
    const bool smallest = !o.maximise;
    res.found = true;
    res.value = r.met.x;
    res.achieved = r.met.metric;
    res.lo = std::min(r.fail.x, r.met.x);
    res.hi = std::max(r.fail.x, r.met.x);
    res.tolerance = tol;
    res.stopped_at_precision = precision && inside_noise(r.fail, r.met);
    // the slope from the full-size evaluations when they resolve it, else from the coarse ones
    // (same metric, same slope; they span a wider range)
    const double se = r.met.metric.se;
    const auto fs = steps_at(full);
    if (se > 0 && std::isnan(resolved_slope(fs, r.met.x, se)) && !slope_steps.empty()) {
      const double sl = std::fabs(resolved_slope(slope_steps, r.met.x, slope_se));
      res.uncertainty = std::isfinite(sl) && sl > 0 ? se / sl : answer_uncertainty(slope_steps, r.met.x, se);
    } else {
      res.uncertainty = answer_uncertainty(fs, r.met.x, se);
    }
    res.message = res.stopped_at_precision
                      ? fmt::format("{} value meeting the target, to Monte Carlo precision (bracket {:.3g} wide)",
                                    smallest ? "smallest" : "largest", res.hi - res.lo)
                      : fmt::format("{} value meeting the target, to within {:.3g}", smallest ? "smallest" : "largest", tol);
  };

  // 1. Multi-fidelity: the whole search first at coarse_paths (same seed), to its precision.
  if (res.coarse_paths) {
    Bracket b = bracket(coarse);
    if (b.kind == Bracket::found) {
      const double tol = o.tolerance > 0 ? o.tolerance : (b.hi - b.lo) / 1e4;
      Refined c = refine(coarse, b.fail, b.met, kNaN, kNaN, b.hi - b.lo, tol, true, b.lo, b.hi);
      if (c.ok) {
        // 2. At full size, from the coarse answer: the first value is the coarse bracket's
        // interpolated crossing, then the search toward the other side with the coarse slope.
        const auto cs = steps_at(coarse);
        const double se_c = std::max(c.fail.metric.se, c.met.metric.se);
        const double slope_c = sgn * resolved_slope(cs, c.met.x, se_c);
        const double gf = g(c.fail), gm = g(c.met);
        const double x0 = gf > gm ? c.fail.x + (c.met.x - c.fail.x) * std::clamp(gf / (gf - gm), 0.0, 1.0) : c.met.x;
        const double u_c = se_c > 0 && std::isfinite(slope_c) && slope_c != 0 ? se_c / std::fabs(slope_c) : 0;
        const double step0 = std::max({2 * u_c, std::fabs(c.met.x - c.fail.x), tol});
        const double bound_lo = lo0, bound_hi = o.max ? *o.max : Limits::max_abs_value;
        const bool precision = o.tolerance <= 0;
        Refined f = refine(full, std::nullopt, std::nullopt, x0, slope_c, step0, tol, precision, bound_lo, bound_hi);
        if (f.ok) {
          finish(f, tol, precision, cs, se_c);
          return res;
        }
      }
    }
    // the coarse search ended at a bound of the range, or the full-size search left the range:
    // the search is done again at full size (what a single-fidelity search does)
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
  finish(r, tol, precision, {}, 0);
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
          {"coarse_paths", r.coarse_paths},
          {"full_evaluations", r.full_evaluations},
          {"seed", r.seed},
          {"evaluations", steps}};
}

namespace {

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
                      r.coarse_paths ? fmt::format(" (recherche d'abord sur {})", r.coarse_paths) : "", r.seed);
  else
    os << fmt::format("amorce solve — {}\n{} {} such that {}\n{} paths per evaluation{}, seed {} (common random numbers)\n\n",
                      r.scenario, r.maximise ? "largest" : "smallest", who, r.target, r.paths,
                      r.coarse_paths ? fmt::format(" (searched first with {})", r.coarse_paths) : "", r.seed);
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
                      r.steps.size(), r.coarse_paths ? fmt::format(" dont {} sur {} scénarios", r.full_evaluations, r.paths) : "",
                      r.input);
  else
    os << fmt::format("\n{} evaluations{}. The metric's ± is its Monte Carlo standard error; the answer's ± is that error "
                      "divided by the metric's slope in {}: with another seed the answer would move by about that much.\n",
                      r.steps.size(), r.coarse_paths ? fmt::format(", {} of them with {} paths", r.full_evaluations, r.paths) : "",
                      r.input);
}

}  // namespace amorce
