/// compile: Scenario -> Plan. The driver (units built, ordered and emitted), slots and symbols;
/// the Compiler class is declared in compile_internal.hpp.
#include "amorce/compile.hpp"

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

namespace amorce {
namespace compile_detail {

Plan Compiler::run() {
  Plan& p = plan_;
  p.name = sc_.name;
  p.file = sc_.file;
  p.horizon = sc_.horizon;
  p.start_year = sc_.start_year;
  p.start_month = sc_.start_month;
  p.fiscal_year_start = sc_.fiscal_year_start;
  p.year_offset = ((sc_.start_month - sc_.fiscal_year_start) % 12 + 12) % 12;
  p.outputs = sc_.outputs;
  p.simulation = sc_.simulation;
  p.vat_regime = sc_.vat.regime;
  p.vat_refund = sc_.vat.refund;
  p.vat_refund_min = sc_.vat.refund_min;
  p.vat_refund_min_year = sc_.vat.refund_min_year;
  p.corporate_instalments = sc_.taxes.corporate_instalments;
  p.corporate_instalment_threshold = sc_.taxes.corporate_instalment_threshold;
  if (sc_.taxes.payroll_tax) {
    p.has_payroll_tax = true;
    p.payroll_tax = *sc_.taxes.payroll_tax;
  }

  declare_symbols();
  month_slot_ = new_slot();
  year_slot_ = new_slot();
  calmonth_slot_ = new_slot();

  build_input_units();
  emit_units(/*monthly=*/false);  // inputs into static_prog (each-month ones into monthly_prog)
  sink_.throw_if_any();
  compile_statics();
  build_monthly_units();
  emit_units(/*monthly=*/true);
  compile_payments();
  compile_checks();
  resolve_outputs();
  sink_.throw_if_any();
  p.n_slots = n_slots_;
  mark_direct_history(p);
  return std::move(plan_);
}

/// Plan::hist_direct: a recorded slot qualifies when, in the monthly program, its first
/// use is a write (so no value is carried from one month to the next), it is not a
/// cumsum accumulator and the static program never writes it.
void Compiler::mark_direct_history(Plan& p) {
  const auto n = static_cast<std::size_t>(p.n_slots);
  std::vector<char> static_written(n, 0), first(n, 0);  // first: 0 untouched, 1 written, 2 read
  for (const Instr& in : p.static_prog)
    if (in.dst >= 0) static_written[static_cast<std::size_t>(in.dst)] = 1;
  auto read = [&](int s) {
    if (s >= 0 && first[static_cast<std::size_t>(s)] == 0) first[static_cast<std::size_t>(s)] = 2;
  };
  for (const Instr& in : p.monthly_prog) {
    read(in.a);
    read(in.b);
    read(in.c);
    if (in.op == OpCode::cumsum) read(in.dst);
    if (in.op == OpCode::sample) {
      const SampleSpec& sp = p.samples[static_cast<std::size_t>(in.aux)];
      for (int x : sp.params) read(x);
      for (int x : sp.values) read(x);
      for (int x : sp.weights) read(x);
      for (int x : {sp.lo, sp.hi, sp.lambda, sp.base}) read(x);
    }
    if (in.dst >= 0 && first[static_cast<std::size_t>(in.dst)] == 0)
      first[static_cast<std::size_t>(in.dst)] = 1;
  }
  p.hist_direct.assign(p.hist_slots.size(), 0);
  for (std::size_t h = 0; h < p.hist_slots.size(); ++h) {
    const auto s = static_cast<std::size_t>(p.hist_slots[h]);
    p.hist_direct[h] = first[s] == 1 && !static_written[s];
  }
}

int Compiler::temp_slot() {
  if (!free_temps_.empty()) {
    int s = free_temps_.back();
    free_temps_.pop_back();
    return s;
  }
  int s = new_slot();
  temps_.insert(s);
  return s;
}

void Compiler::release(int s) {
  if (temps_.count(s) && std::find(free_temps_.begin(), free_temps_.end(), s) == free_temps_.end())
    free_temps_.push_back(s);
}

int Compiler::const_slot(double v) {
  auto it = consts_.find(v);
  if (it != consts_.end()) return it->second;
  int s = new_slot();
  Instr in;
  in.op = OpCode::constant;
  in.dst = s;
  in.k = v;
  plan_.static_prog.insert(plan_.static_prog.begin(), in);  // constants first
  consts_[v] = s;
  return s;
}

int Compiler::owner_id(const std::string& owner) {
  for (std::size_t i = 0; i < plan_.owners.size(); ++i)
    if (plan_.owners[i] == owner) return static_cast<int>(i);
  plan_.owners.push_back(owner);
  return static_cast<int>(plan_.owners.size()) - 1;
}

void Compiler::emit(OpCode op, int dst, int a, int b, int c, double k, int aux) {
  Instr in;
  in.op = op;
  in.dst = dst;
  in.a = a;
  in.b = b;
  in.c = c;
  in.k = k;
  in.aux = aux;
  in.owner = cur_owner_;
  cur_prog_->push_back(in);
}

int Compiler::hist_index(int slot, const std::string& name) {
  for (std::size_t i = 0; i < plan_.hist_slots.size(); ++i)
    if (plan_.hist_slots[i] == slot) return static_cast<int>(i);
  plan_.hist_slots.push_back(slot);
  plan_.hist_names.push_back(name);
  return static_cast<int>(plan_.hist_slots.size()) - 1;
}

// ---------------------------------------------------------------- symbols
void Compiler::declare(const std::string& name, SymKind k) {
  if (!name.empty()) symbols_[name] = Symbol{k, -1, -1};
}

void Compiler::declare_symbols() {
  for (const auto& in : sc_.inputs)
    declare(in.name, in.each_month ? SymKind::each_month_input : SymKind::input);
  for (const auto& s : sc_.series) declare(s.name, SymKind::series);
  for (const auto& r : sc_.revenue) declare(r.name, SymKind::revenue);
  for (const auto& c : sc_.costs) declare(c.name, SymKind::cost);
  for (const auto& s : sc_.staff) declare(s.name, SymKind::staff);
  for (const auto& k : sc_.in_kind) declare(k.name, SymKind::in_kind);
  for (const auto& s : sc_.subsidies) declare(s.name, SymKind::subsidy);
  for (const auto& i : sc_.investments) declare(i.name, SymKind::investment);
  for (const auto& l : sc_.financing.loans) declare(l.name, SymKind::loan);
}

}  // namespace compile_detail

Plan compile(const Scenario& scenario, QuantileCache* cache) {
  return compile_detail::Compiler(scenario, cache).run();
}

}  // namespace amorce
