/// Compiler: inputs (laws, fast inverses, copula), static per-path fields, series and items
/// as units of the dependency graph.
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "amorce/copula.hpp"
#include "amorce/distributions.hpp"
#include "amorce/expr.hpp"
#include "amorce/random_streams.hpp"
#include "compile_internal.hpp"

namespace amorce::compile_detail {

// ---------------------------------------------------------------- units
int Compiler::add_unit(Unit u) {
  units_.push_back(std::move(u));
  unit_slot_.push_back(-1);
  return static_cast<int>(units_.size()) - 1;
}

void Compiler::build_input_units() {
  // inputs: sampled ones get a uniform row, assigned in name order (stable under reordering)
  std::vector<std::string> sampled;
  for (const auto& in : sc_.inputs)
    if (in.dist && !in.each_month) sampled.push_back(in.name);
  std::sort(sampled.begin(), sampled.end());
  for (const auto& s : sampled) {
    plan_.uniform_names.push_back(s);
    plan_.uniform_keys.push_back(name_key(s));
  }
  // rank correlations between per-path inputs: validated here, imposed by the sampler
  std::vector<std::tuple<std::size_t, std::size_t, double>> pairs;
  for (const auto& c : sc_.correlations) {
    auto ia = std::find(plan_.uniform_names.begin(), plan_.uniform_names.end(), c.a);
    auto ib = std::find(plan_.uniform_names.begin(), plan_.uniform_names.end(), c.b);
    if (ia == plan_.uniform_names.end() || ib == plan_.uniform_names.end()) {
      sink_.error(c.pos, "correlation [" + c.a + ", " + c.b +
                             "]: both inputs must be uncertain and drawn once per path");
      continue;
    }
    Plan::Corr pc{static_cast<int>(ia - plan_.uniform_names.begin()),
                  static_cast<int>(ib - plan_.uniform_names.begin()), c.rho};
    plan_.correlations.push_back(pc);
    pairs.emplace_back(pc.row_a, pc.row_b, c.rho);
  }
  if (!pairs.empty()) {
    try {
      GaussianCopula check(plan_.uniform_names.size(), pairs);
    } catch (const std::exception& e) {
      sink_.error(sc_.correlations.front().pos, std::string("correlations: ") + e.what());
    }
  }
  for (const auto& in : sc_.inputs) {
    Unit u;
    u.owner = "input '" + in.name + "'";
    u.name = in.name;
    u.pos = in.pos;
    u.monthly = in.each_month;
    int slot = new_slot();
    symbols_[in.name].unit = add_unit(Unit{});
    int id = symbols_[in.name].unit;
    unit_slot_[id] = slot;
    const Input* inp = &in;
    std::vector<std::pair<std::string, const Expr*>> exprs;
    if (in.fixed) exprs.push_back({"value", &*in.fixed});
    if (in.dist) {
      for (const auto& e : in.dist->params) exprs.push_back({"param", &e});
      for (const auto& e : in.dist->values) exprs.push_back({"value", &e});
      for (const auto& e : in.dist->weights) exprs.push_back({"weight", &e});
      for (const auto* o : {&in.dist->min, &in.dist->max, &in.dist->lambda, &in.dist->base})
        if (*o) exprs.push_back({"param", &**o});
    }
    bool parsed = true;
    for (auto& [what, e] : exprs) {
      // an input may hold a month (`launch: {uniform: [2027-06, 2027-09]}`, then `from: launch`)
      auto t = parse(*e, /*month_field=*/what != "weight");
      if (!t) {
        parsed = false;  // reported by parse(); finish_input reads the parts by position
        continue;
      }
      Part p;
      p.tree = std::move(*t);
      p.target = -1;  // assigned at emission
      u.parts.push_back(std::move(p));
    }
    if (parsed) {
      u.finish = [this, inp, slot, id]() { finish_input(*inp, slot, id); };
    } else {
      u.parts.clear();
      u.finish = [] {};  // the run stops at the next throw_if_any: emit nothing for it
    }
    units_[id] = std::move(u);
    for (auto& part : units_[id].parts)
      collect_deps(part.tree, part.tree.root, units_[id].deps, Ctx::inputs);
  }
}

void Compiler::finish_input(const Input& in, int slot, int unit) {
  Unit& u = units_[unit];
  const int owner = owner_id(u.owner);
  cur_owner_ = owner;
  if (in.fixed) {
    emit(OpCode::copy, slot, u.parts.at(0).target);
    emit(OpCode::check_finite, -1, slot);
    return;
  }
  const Distribution& d = *in.dist;
  SampleSpec s;
  s.name = in.name;
  s.law = d.law;
  s.each_month = in.each_month;
  s.key = name_key(in.name);
  std::size_t k = 0;
  auto next = [&]() { return u.parts.at(k++).target; };
  for (std::size_t i = 0; i < d.params.size(); ++i) s.params.push_back(next());
  for (std::size_t i = 0; i < d.values.size(); ++i) s.values.push_back(next());
  for (std::size_t i = 0; i < d.weights.size(); ++i) s.weights.push_back(next());
  if (d.min) s.lo = next();
  if (d.max) s.hi = next();
  if (d.lambda) s.lambda = next();
  if (d.base) s.base = next();
  if (!in.each_month) {
    auto it = std::find(plan_.uniform_names.begin(), plan_.uniform_names.end(), in.name);
    s.uniform_row = static_cast<int>(it - plan_.uniform_names.begin());
  }
  // literal parameters: validate now (with position) and build the fast inverse
  bool constant = true;
  std::vector<double> vals;
  for (const auto& p : u.parts) {
    auto v = fold(p.tree, p.tree.root);
    if (!v) constant = false;
    vals.push_back(v.value_or(0));
  }
  if (constant) {
    std::size_t j = 0;
    LawParams lp;
    lp.law = d.law;
    for (std::size_t i = 0; i < d.params.size() && i < 3; ++i) lp.p[i] = vals[j + i];
    j += d.params.size();
    s.const_values.assign(vals.begin() + j, vals.begin() + j + d.values.size());
    j += d.values.size();
    s.const_weights.assign(vals.begin() + j, vals.begin() + j + d.weights.size());
    j += d.weights.size();
    if (d.min) lp.lo = vals[j++];
    if (d.max) lp.hi = vals[j++];
    if (d.lambda) lp.lambda = vals[j++];
    lp.values = s.const_values.empty() ? nullptr : s.const_values.data();
    lp.weights = s.const_weights.empty() ? nullptr : s.const_weights.data();
    lp.n_values = static_cast<int>(s.const_values.size());
    std::string err = check_params(lp);
    if (!err.empty()) {
      sink_.error(in.pos, "input '" + in.name + "': " + err);
      return;
    }
    s.constant = true;
    for (int i = 0; i < 3; ++i) s.const_params[i] = lp.p[i];
    s.const_lo = lp.lo;
    s.const_hi = lp.hi;
    s.const_lambda = lp.lambda;
    {  // fast inverse (exact lookup for discrete laws, bounded-error table otherwise)
      try {
        s.fast = quantile_cache_ ? quantile_cache_->get(lp) : std::make_shared<FastQuantile>(lp);
      } catch (const std::exception&) {
        s.fast.reset();
      }
    }
  }
  plan_.samples.push_back(std::move(s));
  emit(OpCode::sample, slot, -1, -1, -1, 0, static_cast<int>(plan_.samples.size()) - 1);
  emit(OpCode::check_finite, -1, slot);
}

Part Compiler::make_part(const Expr& e) {
  Part p;
  if (auto t = parse(e)) p.tree = std::move(*t);
  return p;
}

/// A monthly unit computing `slot` from parts; finish emits the combination.
int Compiler::monthly_unit(const std::string& name, const std::string& owner, SourcePos pos,
                           std::vector<Part> parts, int slot, std::function<void()> finish) {
  Unit u;
  u.owner = owner;
  u.name = name;
  u.pos = pos;
  u.monthly = true;
  u.parts = std::move(parts);
  u.finish = std::move(finish);
  int id = add_unit(std::move(u));
  unit_slot_[id] = slot;
  if (!name.empty() && symbols_.count(name)) symbols_[name].unit = id;
  return id;
}

int Compiler::static_field(const std::optional<Expr>& e, double def, const std::string& owner,
                           bool month_field) {
  if (!e) return const_slot(def);
  auto t = parse(*e, month_field);
  if (!t) return const_slot(def);
  cur_prog_ = &plan_.static_prog;
  cur_owner_ = owner_id(owner);
  try {
    int v = emit_expr(*t, t->root, Ctx::statics);
    int s = new_slot();
    emit(OpCode::copy, s, v);
    emit(OpCode::check_finite, -1, s);
    release(v);
    return s;
  } catch (const ScenarioError& err) {
    for (const auto& d : err.diagnostics()) sink_.error(d.pos, owner + ": " + d.message);
    return const_slot(def);
  }
}

int Compiler::static_field(const Expr& e, double def, const std::string& owner, bool month_field) {
  return static_field(std::optional<Expr>(e), def, owner, month_field);
}

int Compiler::month_field(const std::optional<Expr>& e, double def, const std::string& owner) {
  return static_field(e, def, owner, true);
}

void Compiler::compile_statics() {
  Plan& p = plan_;
  const double H = sc_.horizon;
  p.opening_cash = static_field(sc_.financing.opening_cash, 0, "financing: opening_cash");
  default_vat_ = static_field(sc_.vat.default_rate, 0.20, "vat: default_rate");
  p.corporate_rate = static_field(sc_.taxes.corporate_tax_rate, 0, "taxes: corporate_tax");
  p.vat_refund_delay = static_field(sc_.vat.refund_delay, 2, "vat: refund_delay");
  // revenue and cost items share their per-path fields: window, payment delay, VAT rate
  auto flow_line = [&](const auto& item, const std::string& o, const std::string& kind,
                       bool variable) {
    item_from_[item.name] = month_field(item.from, 0, o);
    item_until_[item.name] = month_field(item.until, H, o);
    FlowLine f;
    f.name = item.name;
    f.label = item.label;
    f.kind = kind;
    f.variable = variable;
    f.paid_after = static_field(item.paid_after, 0, o);
    f.vat_rate = item.vat_rate ? static_field(item.vat_rate, 0, o) : default_vat_;
    return f;
  };
  for (const auto& r : sc_.revenue)
    p.revenue.push_back(flow_line(r, "revenue '" + r.name + "'", r.kind, false));
  for (const auto& c : sc_.costs)
    p.costs.push_back(
        flow_line(c, "cost '" + c.name + "'", c.behaviour, c.behaviour == "variable"));
  for (const auto& s : sc_.staff) {
    std::string o = "staff '" + s.name + "'";
    item_from_[s.name] = month_field(s.from, 0, o);
    item_until_[s.name] = month_field(s.until, H, o);
  }
  for (const auto& k : sc_.in_kind) {
    std::string o = "in_kind '" + k.name + "'";
    item_from_[k.name] = month_field(k.from, 0, o);
    item_until_[k.name] = month_field(k.until, H, o);
  }
  for (const auto& s : sc_.subsidies) {
    std::string o = "subsidy '" + s.name + "'";
    SubsidyPlan sp;
    sp.name = s.name;
    sp.label = s.label;
    sp.kind = s.kind;
    sp.period = s.period;
    sp.from = month_field(s.from, 0, o);
    sp.until = month_field(s.until, H, o);
    int g = static_field(s.granted, 1, o);
    sp.granted = new_slot();
    cur_prog_ = &plan_.static_prog;
    cur_owner_ = owner_id(o);
    emit(OpCode::granted, sp.granted, g, -1, -1, 0, -1);
    plan_.static_prog.back().k = static_cast<double>(name_key("granted:" + s.name) >> 11);
    p.subsidies.push_back(sp);
  }
  for (const auto& inv : sc_.investments) {
    std::string o = "investment '" + inv.name + "'";
    InvestmentPlan ip;
    ip.name = inv.name;
    ip.label = inv.label;
    ip.amount = static_field(inv.amount, 0, o);
    ip.month = month_field(inv.month, 0, o);
    ip.life = static_field(inv.life, 1, o);
    ip.vat_rate = inv.vat_rate ? static_field(inv.vat_rate, 0, o) : default_vat_;
    if (inv.grant) {
      ip.has_grant = true;
      if (inv.grant->amount) ip.grant_amount = static_field(inv.grant->amount, 0, o + " grant");
      ip.grant_share = static_field(inv.grant->share, 0, o + " grant");
      int g = static_field(inv.grant->granted, 1, o + " grant");
      ip.granted = new_slot();
      cur_prog_ = &plan_.static_prog;
      cur_owner_ = owner_id(o);
      emit(OpCode::granted, ip.granted, g);
      plan_.static_prog.back().k = static_cast<double>(name_key("granted:" + inv.name) >> 11);
    }
    p.investments.push_back(ip);
  }
  for (const auto& l : sc_.financing.loans) {
    std::string o = "loan '" + l.name + "'";
    LoanPlan lp;
    lp.name = l.name;
    lp.label = l.label;
    lp.type = l.type;
    lp.principal = static_field(l.principal, 0, o);
    lp.month = month_field(l.month, 0, o);
    lp.rate = static_field(l.rate, 0, o);
    lp.term = static_field(l.term, 1, o);
    lp.deferral = static_field(l.deferral, 0, o);
    p.loans.push_back(lp);
  }
  for (const auto& e : sc_.financing.equity) {
    EquityPlan ep;
    ep.label = e.label;
    ep.amount = static_field(e.amount, 0, "financing: equity");
    ep.month = month_field(e.month, 0, "financing: equity");
    p.equity.push_back(ep);
  }
}

void Compiler::build_monthly_units() {
  Plan& p = plan_;
  for (const auto& s : sc_.series) {
    int slot = new_slot();
    symbols_[s.name].slot = -1;
    std::vector<Part> parts;
    parts.push_back(make_part(s.expr));
    std::string owner = "series '" + s.name + "'";
    int id = monthly_unit(s.name, owner, s.pos, std::move(parts), slot, nullptr);
    units_[id].finish = [this, slot, id]() {
      emit(OpCode::copy, slot, units_[id].parts[0].target);
      emit(OpCode::check_finite, -1, slot);
    };
    p.series.push_back({s.name, hist_index(slot, "series:" + s.name)});
  }
  auto item_unit = [&](const ItemBase& it, const std::string& owner, const std::string& prefix) {
    int slot = new_slot();
    std::vector<Part> parts;
    parts.push_back(make_part(it.amount));
    int id = monthly_unit(it.name, owner, it.pos, std::move(parts), slot, nullptr);
    int from = item_from_.count(it.name) ? item_from_[it.name] : const_slot(0);
    int until = item_until_.count(it.name) ? item_until_[it.name] : const_slot(sc_.horizon);
    units_[id].finish = [this, slot, id, from, until]() {
      emit(OpCode::gate, slot, units_[id].parts[0].target, from, until);
      emit(OpCode::check_finite, -1, slot);
    };
    return hist_index(slot, prefix + it.name);
  };
  for (std::size_t i = 0; i < sc_.revenue.size(); ++i)
    p.revenue[i].amount_hist =
        item_unit(sc_.revenue[i], "revenue '" + sc_.revenue[i].name + "'", "item:");
  for (std::size_t i = 0; i < sc_.costs.size(); ++i)
    p.costs[i].amount_hist = item_unit(sc_.costs[i], "cost '" + sc_.costs[i].name + "'", "item:");
  for (const auto& k : sc_.in_kind)
    p.in_kind.push_back(
        {k.label.empty() ? k.name : k.label, item_unit(k, "in_kind '" + k.name + "'", "item:")});
  for (const auto& s : sc_.staff) {
    StaffPlan sp;
    sp.name = s.name;
    sp.role = s.role;
    sp.label = s.label;
    int fte = new_slot(), gross = new_slot(), er = new_slot(), raise = new_slot();
    int wage = new_slot(), charges = new_slot(), cost = new_slot();
    std::vector<Part> parts;
    parts.push_back(make_part(s.fte));
    parts.push_back(make_part(s.gross_monthly));
    parts.push_back(make_part(s.employer_rate));
    parts.push_back(s.raise ? make_part(*s.raise) : Part{});
    bool has_raise = s.raise.has_value();
    if (!has_raise) parts.pop_back();
    int id = monthly_unit(s.name, "staff '" + s.name + "'", s.pos, std::move(parts), cost, nullptr);
    int from = item_from_[s.name], until = item_until_[s.name];
    units_[id].finish = [=, this]() {
      const auto& pt = units_[id].parts;
      emit(OpCode::gate, fte, pt[0].target, from, until);
      emit(OpCode::copy, gross, pt[1].target);
      emit(OpCode::copy, er, pt[2].target);
      if (has_raise)
        emit(OpCode::copy, raise, pt[3].target);
      else
        emit(OpCode::copy, raise, const_slot(0));
      int g = temp_slot();
      emit(OpCode::grow, g, raise);
      int w = temp_slot();
      emit(OpCode::mul, w, fte, gross);
      emit(OpCode::mul, wage, w, g);
      emit(OpCode::mul, charges, wage, er);
      emit(OpCode::add, cost, wage, charges);
      emit(OpCode::check_finite, -1, cost);
      release(g);
      release(w);
    };
    sp.from = from;
    sp.until = until;
    sp.wage_hist = hist_index(wage, "staff_wage:" + s.name);
    sp.charges_hist = hist_index(charges, "staff_charges:" + s.name);
    sp.fte_hist = hist_index(fte, "staff_fte:" + s.name);
    sp.gross_hist = hist_index(gross, "staff_gross:" + s.name);
    sp.raise_hist = hist_index(raise, "staff_raise:" + s.name);
    hist_index(cost, "item:" + s.name);
    p.staff.push_back(sp);
  }
  for (std::size_t i = 0; i < sc_.subsidies.size(); ++i) {
    int slot = new_slot();
    std::vector<Part> parts;
    parts.push_back(make_part(sc_.subsidies[i].amount));
    int id = monthly_unit("", "subsidy '" + sc_.subsidies[i].name + "'", sc_.subsidies[i].pos,
                          std::move(parts), slot, nullptr);
    units_[id].finish = [this, slot, id]() {
      emit(OpCode::copy, slot, units_[id].parts[0].target);
      emit(OpCode::check_finite, -1, slot);
    };
    p.subsidies[i].amount_hist = hist_index(slot, "subsidy_amount:" + sc_.subsidies[i].name);
  }
  // the slot of every monthly symbol is known up front (recurrences through lag need it)
  for (std::size_t id = 0; id < units_.size(); ++id) {
    if (!units_[id].monthly || units_[id].name.empty()) continue;
    auto it = symbols_.find(units_[id].name);
    if (it != symbols_.end() && it->second.kind != SymKind::each_month_input)
      it->second.slot = unit_slot_[id];
  }
  for (std::size_t id = 0; id < units_.size(); ++id) {
    if (!units_[id].monthly) continue;
    if (symbols_.count(units_[id].name) &&
        symbols_[units_[id].name].kind == SymKind::each_month_input)
      continue;
    for (auto& part : units_[id].parts)
      if (part.tree.root >= 0)
        collect_deps(part.tree, part.tree.root, units_[id].deps, Ctx::monthly);
  }
}

}  // namespace amorce::compile_detail
