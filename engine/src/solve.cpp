#include "amorce/solve.hpp"

#include <algorithm>

#include <cmath>
#include <fmt/format.h>
#include <ostream>
#include <stdexcept>

#include "amorce/base_case.hpp"
#include "amorce/compile.hpp"
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
  // the local slope of the metric: the narrowest pair of evaluations around x whose metric
  // values differ by at least two standard errors (a narrower pair only measures noise)
  double best_width = INFINITY, slope = kNaN;
  for (const auto& a : steps)
    for (const auto& b : steps) {
      if (!(a.x <= x && x <= b.x && a.x < b.x)) continue;
      const double dm = std::fabs(b.metric.value - a.metric.value);
      if (!(dm >= 2 * se) || b.x - a.x >= best_width) continue;
      best_width = b.x - a.x;
      slope = dm / (b.x - a.x);
    }
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
  check_memory(run_memory_bytes(base_plan, o.paths, false), fmt::format("solve with {} paths per evaluation", o.paths), "--paths");
  Target target = parse_target(o.target, base_plan);
  with_input(s, o.input, 0);  // validates the input name and kind
  res.current = current_value(s, o.input);

  RunOptions ro;
  ro.paths = o.paths;
  ro.seed = o.seed;
  ro.threads = o.threads;
  ro.sampling = o.sampling;
  int evals = 0;
  auto eval = [&](double x) {
    Plan p = compile(with_input(s, o.input, x));
    SolveStep st;
    st.x = x;
    st.metric = estimate_metric(target.metric, run_metric(p, target.metric, ro));
    st.met = compare_values(st.metric.value, target.cmp, target.value);
    res.steps.push_back(st);
    ++evals;
    return st;
  };
  res.at_current = estimate_metric(target.metric, run_metric(base_plan, target.metric, ro));

  const double cur = res.current;
  double lo = o.min ? *o.min : (std::isnan(cur) ? kNaN : (cur >= 0 ? 0.0 : 2 * cur));
  double hi = o.max ? *o.max : (std::isnan(cur) ? kNaN : std::max(2 * std::fabs(cur), lo + 1000));
  if (std::isnan(lo) || std::isnan(hi))
    throw std::invalid_argument(fmt::format("--vary {}: its value is an expression; give the search range with --min and --max", o.input));
  if (!(hi > lo)) throw std::invalid_argument(fmt::format("the search range [{}, {}] is empty", lo, hi));

  auto finish_found = [&](double x, const SolveStep& st, const std::string& msg) {
    res.found = true;
    res.value = x;
    res.achieved = st.metric;
    res.message = msg;
  };

  // Bisection between a bound that fails and one that meets the target (the metric is
  // monotone in the input): the answer is the met bound, hi when minimising, lo when maximising.
  // Without --tol it stops once the metric at the two ends of the bracket differs by no more
  // than its standard error: the bracket is then inside the answer's Monte Carlo uncertainty.
  auto bisect = [&](SolveStep best, SolveStep other, bool smallest) {
    const double tol = o.tolerance > 0 ? o.tolerance : (hi - lo) / 1e4;
    auto inside_noise = [&]() {
      const double sigma = std::max(best.metric.se, other.metric.se);
      return o.tolerance <= 0 && sigma > 0 && std::fabs(best.metric.value - other.metric.value) <= sigma;
    };
    while (hi - lo > tol && evals < o.max_evaluations && !inside_noise()) {
      double mid = 0.5 * (lo + hi);
      SolveStep sm = eval(mid);
      (sm.met ? best : other) = sm;
      (sm.met == smallest ? hi : lo) = mid;
    }
    res.lo = lo;
    res.hi = hi;
    res.tolerance = tol;
    res.stopped_at_precision = inside_noise();
    const double x = smallest ? hi : lo;
    res.uncertainty = answer_uncertainty(res.steps, x, best.metric.se);
    finish_found(x, best,
                 res.stopped_at_precision
                     ? fmt::format("{} value meeting the target, to Monte Carlo precision (bracket {:.3g} wide)",
                                   smallest ? "smallest" : "largest", hi - lo)
                     : fmt::format("{} value meeting the target, to within {:.3g}", smallest ? "smallest" : "largest", tol));
    return res;
  };

  if (!o.maximise) {
    SolveStep sl = eval(lo);
    if (sl.met) {
      res.lo = res.hi = lo;
      finish_found(lo, sl, fmt::format("the target is already met at the bottom of the search range ({})", lo));
      return res;
    }
    SolveStep sh = eval(hi);
    SolveStep sl_last = sl;
    for (double w = hi - lo; !sh.met && !o.max && evals < o.max_evaluations && hi + 2 * w < Limits::max_abs_value; ) {
      lo = hi;  // hi failed: the answer is above it (monotone metric)
      sl_last = sh;
      w *= 2;
      hi = lo + w;
      sh = eval(hi);
    }
    if (!sh.met) {
      res.lo = lo;
      res.hi = hi;
      res.message = fmt::format("no value of {} in [{}, {}] meets the target: at {} the metric is {:.6g} ± {:.2g}", o.input,
                                o.min ? *o.min : lo, hi, hi, sh.metric.value, sh.metric.se);
      return res;
    }
    return bisect(sh, sl_last, /*smallest=*/true);
  }
  // maximise: the largest value meeting the target
  SolveStep sh = eval(hi);
  for (double w = hi - lo; sh.met && !o.max && evals < o.max_evaluations && hi + 2 * w < Limits::max_abs_value; ) {
    lo = hi;  // hi met: the answer is above it
    w *= 2;
    hi = lo + w;
    sh = eval(hi);
  }
  if (sh.met) {
    res.lo = res.hi = hi;
    finish_found(hi, sh, o.max ? fmt::format("the target is met at the top of the search range ({})", hi)
                               : fmt::format("the target is still met at {}: no upper limit found", hi));
    return res;
  }
  SolveStep sl = eval(lo);
  if (!sl.met) {
    res.lo = lo;
    res.hi = hi;
    res.message = fmt::format("no value of {} in [{}, {}] meets the target: at {} the metric is {:.6g} ± {:.2g}", o.input, lo,
                              hi, lo, sl.metric.value, sl.metric.se);
    return res;
  }
  return bisect(sl, sh, /*smallest=*/false);
}

namespace {
nlohmann::json jnum(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }
std::string fx(double v) { return std::fabs(v) >= 1000 ? format_euros(v) : fmt::format("{:.6g}", v); }
}  // namespace

nlohmann::json solve_json(const SolveResult& r) {
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& s : r.steps)
    steps.push_back({{"x", s.x}, {"metric", jnum(s.metric.value)}, {"se", jnum(s.metric.se)}, {"met", s.met}});
  return {{"scenario", r.scenario},
          {"input", r.input},
          {"target", r.target},
          {"maximise", r.maximise},
          {"found", r.found},
          {"value", r.found ? jnum(r.value) : nlohmann::json(nullptr)},
          {"achieved", {{"value", jnum(r.achieved.value)}, {"se", jnum(r.achieved.se)}}},
          {"current", {{"value", jnum(r.current)}, {"metric", jnum(r.at_current.value)}, {"se", jnum(r.at_current.se)}}},
          {"bracket", {jnum(r.lo), jnum(r.hi)}},
          {"tolerance", jnum(r.tolerance)},
          {"uncertainty", jnum(r.uncertainty)},
          {"stopped_at_precision", r.stopped_at_precision},
          {"message", r.message},
          {"paths", r.paths},
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
    os << fmt::format("amorce recherche d'objectif — {}\n{} valeur de {} telle que {}\n{} scénarios simulés par évaluation, graine {} "
                      "(nombres aléatoires communs)\n\n",
                      r.scenario, r.maximise ? "plus grande" : "plus petite", who, r.target, r.paths, r.seed);
  else
    os << fmt::format("amorce solve — {}\n{} {} such that {}\n{} paths per evaluation, seed {} (common random numbers)\n\n",
                      r.scenario, r.maximise ? "largest" : "smallest", who, r.target, r.paths, r.seed);
  auto g = [fr](double v, const char* spec) {
    std::string s = fmt::format(fmt::runtime(spec), v);
    if (fr) std::replace(s.begin(), s.end(), '.', ',');
    return s;
  };
  const char* metric = fr ? "indicateur" : "metric";
  if (!std::isnan(r.current))
    os << fmt::format("{}{} = {}   ->  {} {} ± {}\n", fr ? "actuel :   " : "now:     ", r.input, fx(r.current), metric,
                      g(r.at_current.value, "{:.6g}"), g(r.at_current.se, "{:.2g}"));
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
    os << fmt::format("\n{} évaluations. Le ± de l'indicateur est son erreur type Monte Carlo ; celui de la réponse est cette "
                      "erreur divisée par la pente de l'indicateur en {} : avec une autre graine, la réponse bougerait d'environ "
                      "autant.\n",
                      r.steps.size(), r.input);
  else
    os << fmt::format("\n{} evaluations. The metric's ± is its Monte Carlo standard error; the answer's ± is that error "
                      "divided by the metric's slope in {}: with another seed the answer would move by about that much.\n",
                      r.steps.size(), r.input);
}

}  // namespace amorce
