#include "amorce/assumptions.hpp"

#include <cmath>

#include "amorce/distributions.hpp"
#include "amorce/evaluate.hpp"
#include "amorce/run.hpp"

namespace amorce {

namespace {

std::vector<std::string> param_names(Law l, Lang lang) {
  const bool fr = lang == Lang::fr;
  switch (l) {
    case Law::uniform: return {"min", "max"};
    case Law::triangular:
    case Law::pert: return {"min", "mode", "max"};
    case Law::normal:
    case Law::lognormal: return {fr ? "moyenne" : "mean", fr ? "écart type" : "sd"};
    case Law::between: return {"P5", "P95"};
    case Law::beta: return {"alpha", "beta"};
    case Law::gamma: return {fr ? "forme" : "shape", fr ? "échelle" : "scale"};
    case Law::poisson: return {fr ? "moyenne" : "mean"};
    case Law::binomial: return {"n", "p"};
    case Law::bernoulli: return {"p"};
    default: return {};
  }
}

/// Slot of an input's value: the operand of its last finiteness check (fixed inputs), or the
/// destination of its sample instruction.
int value_slot(const Plan& plan, const std::string& name) {
  const std::string owner = "input '" + name + "'";
  int slot = -1;
  for (const auto* prog : {&plan.static_prog, &plan.monthly_prog})
    for (const Instr& in : *prog)
      if (in.op == OpCode::check_finite && in.owner >= 0 && static_cast<std::size_t>(in.owner) < plan.owners.size() &&
          plan.owners[static_cast<std::size_t>(in.owner)] == owner)
        slot = in.a;
  return slot >= 0 ? slot : sampled_input_slot(plan, name);
}

std::string join(const std::vector<Expr>& xs) {
  std::string o = "[";
  for (std::size_t i = 0; i < xs.size(); ++i) o += (i ? "; " : "") + xs[i].text;
  return o + "]";
}

}  // namespace

std::vector<AssumptionRow> assumption_rows(const Scenario& sc, const Plan& plan, const BaseCase& base, Lang lang) {
  const bool fr = lang == Lang::fr;
  std::vector<AssumptionRow> rows;
  for (const Input& in : sc.inputs) {
    AssumptionRow r;
    r.name = in.name;
    r.label = in.label;
    r.unit = in.unit;
    r.each_month = in.each_month;
    r.base = r.p5 = r.p95 = NAN;
    const int slot = value_slot(plan, in.name);
    if (slot >= 0 && !base.state.slots.empty()) r.base = base.state.slot(slot)[0];
    if (in.fixed) {
      r.law = msg(Msg::fixed, lang);
      r.params.push_back({"", in.fixed->text});
      r.p5 = r.p95 = r.base;
    }
    if (in.dist) {
      const Distribution& d = *in.dist;
      r.uncertain = true;
      r.law = law_label(d.law, lang);
      const auto names = param_names(d.law, lang);
      for (std::size_t i = 0; i < d.params.size(); ++i) r.params.push_back({i < names.size() ? names[i] : "", d.params[i].text});
      if (!d.values.empty()) r.params.push_back({fr ? "valeurs" : "values", join(d.values)});
      if (!d.weights.empty()) r.params.push_back({fr ? "poids" : "weights", join(d.weights)});
      if (d.min) r.params.push_back({"min", d.min->text});
      if (d.max) r.params.push_back({"max", d.max->text});
      if (d.lambda) r.params.push_back({"lambda", d.lambda->text});
      if (d.base) r.params.push_back({"base", d.base->text});
      for (const SampleSpec& sp : plan.samples) {
        if (sp.name != in.name || !sp.constant) continue;
        LawParams lp;
        lp.law = sp.law;
        for (int i = 0; i < 3; ++i) lp.p[i] = sp.const_params[i];
        lp.lo = sp.const_lo;
        lp.hi = sp.const_hi;
        lp.lambda = sp.const_lambda;
        lp.values = sp.const_values.empty() ? nullptr : sp.const_values.data();
        lp.weights = sp.const_weights.empty() ? nullptr : sp.const_weights.data();
        lp.n_values = static_cast<int>(sp.const_values.size());
        try {
          r.p5 = quantile(lp, 0.05);
          r.p95 = quantile(lp, 0.95);
        } catch (const std::exception&) {
          r.p5 = r.p95 = NAN;
        }
      }
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace amorce
