/// Compiler: units emitted in dependency order (same-month cycles reported), grant payments,
/// checks on fiscal-year figures and the outputs resolved.
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

// ---------------------------------------------------------------- topological emission
void Compiler::visit(int id, bool monthly, std::vector<int>& stack) {
  Unit& u = units_[id];
  if (u.state == 2) return;
  if (u.state == 1) {
    // cycle: report it once, naming every member
    auto it = std::find(stack.begin(), stack.end(), id);
    std::string chain;
    for (auto j = it; j != stack.end(); ++j) chain += units_[*j].name + " -> ";
    chain += u.name;
    sink_.error(u.pos, "circular definition: " + chain + " (use lag(x, 1) for a recurrence)");
    u.state = 2;
    return;
  }
  u.state = 1;
  stack.push_back(id);
  for (int d : u.deps) {
    if (units_[d].monthly != monthly && !monthly) {
      // an input using an each-month input
      sink_.error(u.pos, u.owner + " uses input '" + units_[d].name +
                             "', which is drawn every month; define '" + u.name +
                             "' as a series instead");
      continue;
    }
    if (units_[d].monthly == monthly || (monthly && !units_[d].monthly)) visit(d, monthly, stack);
  }
  stack.pop_back();
  u.state = 2;
  emit_unit(id);
}

void Compiler::emit_units(bool monthly) {
  if (monthly) {
    cur_prog_ = &plan_.monthly_prog;
    cur_owner_ = -1;
    emit(OpCode::month, month_slot_);
    emit(OpCode::year, year_slot_);
    emit(OpCode::calendar_month, calmonth_slot_);
  }
  std::vector<int> stack;
  for (std::size_t id = 0; id < units_.size(); ++id) {
    bool is_input_unit = symbols_.count(units_[id].name) &&
                         (symbols_[units_[id].name].kind == SymKind::input ||
                          symbols_[units_[id].name].kind == SymKind::each_month_input) &&
                         units_[id].owner.rfind("input", 0) == 0;
    if (monthly == is_input_unit) continue;
    visit(static_cast<int>(id), monthly, stack);
  }
}

void Compiler::emit_unit(int id) {
  Unit& u = units_[id];
  bool is_input = u.owner.rfind("input", 0) == 0;
  // parameters of inputs (even each-month ones) are fixed per path: static program
  cur_prog_ = is_input ? &plan_.static_prog : &plan_.monthly_prog;
  cur_owner_ = owner_id(u.owner);
  Ctx ctx = is_input ? Ctx::inputs : Ctx::monthly;
  bool ok = true;
  std::vector<int> temps;
  for (auto& part : u.parts) {
    if (part.tree.root < 0) {
      ok = false;
      continue;
    }
    try {
      int v = emit_expr(part.tree, part.tree.root, ctx);
      part.target = v;
      temps.push_back(v);
    } catch (const ScenarioError& err) {
      for (const auto& d : err.diagnostics()) sink_.error(d.pos, u.owner + ": " + d.message);
      ok = false;
    }
  }
  if (ok && u.finish) {
    if (is_input && u.monthly) {
      // sampling itself happens every month
      cur_prog_ = &plan_.monthly_prog;
    }
    // keep parameter slots alive: they are read by the monthly sampler
    if (!(is_input && u.monthly)) {
      u.finish();
      for (int t : temps) release(t);
    } else {
      for (int t : temps) temps_.erase(t);  // pin: parameters live across months
      u.finish();
    }
  }
  if (is_input && unit_slot_[id] >= 0) {
    symbols_[u.name].slot = unit_slot_[id];
    plan_.input_names.push_back(u.name);
    plan_.input_slots.push_back(unit_slot_[id]);
  }
}

// ---------------------------------------------------------------- payments and checks
PaymentPlan Compiler::compile_payment(const Payment& pay, const std::string& owner) {
  PaymentPlan pp;
  pp.begin = static_cast<int>(plan_.payment_prog.size());
  cur_prog_ = &plan_.payment_prog;
  cur_owner_ = owner_id(owner);
  for (int which = 0; which < 2; ++which) {
    const Expr& e = which == 0 ? pay.share : pay.at;
    auto t = parse(e, which == 1);
    int out = new_slot();
    if (t) {
      try {
        int v = emit_expr(*t, t->root, Ctx::payment);
        emit(OpCode::copy, out, v);
        emit(OpCode::check_finite, -1, out);
        release(v);
      } catch (const ScenarioError& err) {
        for (const auto& d : err.diagnostics()) sink_.error(d.pos, owner + ": " + d.message);
      }
    }
    (which == 0 ? pp.share : pp.at) = out;
  }
  pp.end = static_cast<int>(plan_.payment_prog.size());
  return pp;
}

void Compiler::compile_payments() {
  plan_.start_slot = new_slot();
  plan_.end_slot = new_slot();
  auto defaults = [](const std::vector<Payment>& ps, SourcePos pos) {
    if (!ps.empty()) return ps;
    Payment p;
    p.share = Expr{"1", pos};
    p.at = Expr{"start", pos};
    p.pos = pos;
    return std::vector<Payment>{p};
  };
  for (std::size_t i = 0; i < sc_.subsidies.size(); ++i)
    for (const auto& pay : defaults(sc_.subsidies[i].payments, sc_.subsidies[i].pos))
      plan_.subsidies[i].payments.push_back(
          compile_payment(pay, "subsidy '" + sc_.subsidies[i].name + "'"));
  for (std::size_t i = 0; i < sc_.investments.size(); ++i) {
    if (!sc_.investments[i].grant) continue;
    for (const auto& pay : defaults(sc_.investments[i].grant->payments, sc_.investments[i].pos))
      plan_.investments[i].payments.push_back(
          compile_payment(pay, "investment '" + sc_.investments[i].name + "' grant"));
  }
}

int Compiler::figure_slot(const std::string& name) {
  const auto& f = figure_names();
  auto idx = static_cast<std::size_t>(std::find(f.begin(), f.end(), name) - f.begin());
  if (plan_.figure_slots.size() < f.size()) {
    plan_.figure_names = f;
    plan_.figure_slots.assign(f.size(), -1);
  }
  if (plan_.figure_slots[idx] < 0) plan_.figure_slots[idx] = new_slot();
  return plan_.figure_slots[idx];
}

void Compiler::compile_checks() {
  plan_.figure_names = figure_names();
  plan_.figure_slots.assign(plan_.figure_names.size(), -1);
  for (const auto& c : sc_.checks) {
    auto t = parse(c.rule);
    if (!t) continue;
    cur_prog_ = &plan_.check_prog;
    cur_owner_ = owner_id("check '" + c.name + "'");
    try {
      int v = emit_expr(*t, t->root, Ctx::checks);
      int out = new_slot();
      emit(OpCode::copy, out, v);
      release(v);
      plan_.checks.push_back({c.name, c.rule.text, out});
    } catch (const ScenarioError& err) {
      for (const auto& d : err.diagnostics())
        sink_.error(d.pos, "check '" + c.name + "': " + d.message);
    }
  }
}

void Compiler::resolve_outputs() {
  for (const auto& s : sc_.outputs.series) {
    if (symbols_.count(s) &&
        (symbols_[s].kind == SymKind::input || symbols_[s].kind == SymKind::each_month_input) &&
        symbols_[s].slot >= 0) {
      hist_index(symbols_[s].slot, "input:" + s);  // recorded every month for its bands
      continue;
    }
    if (!symbols_.count(s) || symbols_[s].kind != SymKind::series) {
      bool known_item =
          symbols_.count(s) &&
          (symbols_[s].kind == SymKind::revenue || symbols_[s].kind == SymKind::cost ||
           symbols_[s].kind == SymKind::staff || symbols_[s].kind == SymKind::in_kind);
      if (!known_item) {
        std::vector<std::string> names;
        for (const auto& x : sc_.series) names.push_back(x.name);
        std::string hint = did_you_mean(s, names);
        sink_.error(sc_.outputs.pos, "outputs.series: unknown series '" + s + "'" +
                                         (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
      }
    }
  }
}

}  // namespace amorce::compile_detail
