#include "amorce/prune.hpp"

#include <initializer_list>

#include "amorce/metric.hpp"

namespace amorce {

namespace {

using L = Line;
using S = LedgerStage;

std::size_t idx(Line l) { return static_cast<std::size_t>(l); }
std::size_t idx(LedgerStage s) { return static_cast<std::size_t>(s); }

/// Lines a ledger line is computed from (results_and_cash, corporate tax, VAT and payroll-tax
/// settlement). Lines written by a stage from the history have none here: their stage reads
/// history entries and slots (stage_hist_roots).
std::vector<Line> line_inputs(Line l, bool vat_on) {
  switch (l) {
    case L::subsidies: return {L::subsidies_operating, L::subsidies_job};
    case L::staff: return {L::staff_wages, L::staff_charges};
    case L::ebitda: return {L::revenue, L::subsidies, L::costs, L::staff, L::payroll_tax};
    case L::operating_result: return {L::ebitda, L::depreciation, L::grant_release};
    // computed together (one loop each): a pair is live or not as one
    case L::net_result: return {L::operating_result, L::interest, L::corporate_tax, L::caf};
    case L::caf: return {L::net_result, L::depreciation, L::grant_release};
    case L::cash_in:
      return {L::cash_revenue, L::cash_subsidies, L::cash_investment_grants, L::cash_equity, L::cash_loans,
              L::cash_vat_refund, L::cash_corporate_tax_refund};
    case L::cash_out:
      return {L::cash_suppliers, L::cash_wages, L::cash_social_charges, L::cash_investments, L::cash_interest,
              L::cash_principal, L::cash_vat, L::cash_payroll_tax, L::cash_corporate_tax};
    case L::cash: return {L::cash_in, L::cash_out};
    case L::corporate_tax: case L::cash_corporate_tax: case L::cash_corporate_tax_refund:
      return {L::operating_result, L::interest};
    case L::cash_vat: case L::cash_vat_refund: return {L::vat_collected, L::vat_deductible};
    case L::payroll_tax: case L::cash_payroll_tax:
      // the rapport d'assujettissement reads the receipts (VAT regimes only)
      if (vat_on) return {L::revenue, L::subsidies_operating, L::subsidies_job};
      return {};
    // balance-sheet stocks: accrued minus settled
    case L::equity: return {L::cash_equity};
    case L::retained_results: return {L::net_result};
    case L::fixed_assets: return {L::investments, L::depreciation};
    case L::receivables_customers: return {L::revenue, L::vat_collected, L::cash_revenue};
    case L::payables_vat: case L::receivables_vat:
      return {L::vat_collected, L::vat_deductible, L::cash_vat, L::cash_vat_refund, L::payables_vat, L::receivables_vat};
    case L::payables_suppliers:
      return {L::costs, L::vat_deductible, L::cash_investments, L::investments, L::cash_suppliers};
    case L::payables_social: return {L::staff_charges, L::cash_social_charges};
    case L::payables_taxes: case L::receivables_taxes:
      return {L::payroll_tax,      L::corporate_tax,  L::cash_payroll_tax,   L::cash_corporate_tax,
              L::cash_corporate_tax_refund, L::payables_taxes, L::receivables_taxes};
    case L::grants_unreleased: return {L::investment_grants_awarded, L::grant_release};
    case L::loans_outstanding: return {L::cash_loans, L::cash_principal};
    default: return {};
  }
}

/// The value of a slot the static program sets to one constant and nothing else writes.
bool static_constant(const Plan& p, int slot, double& value) {
  if (slot < 0) return false;
  int writes = 0;
  for (const Instr& in : p.static_prog)
    if (in.dst == slot) {
      ++writes;
      if (in.op != OpCode::constant) return false;
      value = in.k;
    }
  for (const auto* prog : {&p.monthly_prog, &p.payment_prog, &p.check_prog})
    for (const Instr& in : *prog)
      if (in.dst == slot) return false;
  return writes == 1;
}

bool month_dependent(OpCode op) {
  switch (op) {
    case OpCode::month: case OpCode::year: case OpCode::calendar_month: case OpCode::ramp: case OpCode::scurve:
    case OpCode::between: case OpCode::season: case OpCode::grow: case OpCode::lag: case OpCode::gate:
    case OpCode::sample:
      return true;
    default:
      return false;
  }
}

/// Every slot an instruction reads.
template <class F>
void for_each_read(const Plan& p, const Instr& in, F&& f) {
  for (int s : {in.a, in.b, in.c})
    if (s >= 0) f(s);
  if (in.op == OpCode::cumsum && in.dst >= 0) f(in.dst);  // d += a
  if (in.op == OpCode::sample) {
    const SampleSpec& s = p.samples[static_cast<std::size_t>(in.aux)];
    for (const auto* v : {&s.params, &s.values, &s.weights})
      for (int x : *v)
        if (x >= 0) f(x);
    for (int x : {s.lo, s.hi, s.lambda, s.base})
      if (x >= 0) f(x);
  }
}

}  // namespace

void Demand::add_hist(int h) {
  if (h < 0) return;
  if (hist.size() <= static_cast<std::size_t>(h)) hist.resize(static_cast<std::size_t>(h) + 1, 0);
  hist[static_cast<std::size_t>(h)] = 1;
}

void Demand::add(const Demand& o) {
  everything = everything || o.everything;
  for (std::size_t k = 0; k < indicators.size(); ++k) indicators[k] |= o.indicators[k];
  for (std::size_t l = 0; l < lines.size(); ++l) lines[l] |= o.lines[l];
  for (std::size_t h = 0; h < o.hist.size(); ++h)
    if (o.hist[h]) add_hist(static_cast<int>(h));
  figures = figures || o.figures;
  checks = checks || o.checks;
}

Demand empty_demand() {
  Demand d;
  d.everything = false;
  return d;
}

Demand summary_demand(const Plan& p) {
  Demand d = empty_demand();
  for (auto& k : d.indicators) k = 1;
  d.figures = true;
  d.checks = true;
  // the monthly bands (run.cpp, series_sources) and the negative-cash counts
  for (Line l : {L::cash, L::revenue, L::subsidies, L::ebitda, L::net_result}) d.add_line(l);
  for (const auto& name : p.outputs.series)
    for (std::size_t h = 0; h < p.hist_names.size(); ++h)
      if (p.hist_names[h] == "series:" + name || p.hist_names[h] == "item:" + name || p.hist_names[h] == "input:" + name) {
        d.add_hist(static_cast<int>(h));
        break;
      }
  return d;
}

Demand metrics_demand(const Plan& /*plan*/, const std::vector<Metric>& metrics) {
  Demand d = empty_demand();
  for (const Metric& m : metrics) {
    const PathMetric& pm = m.path;
    switch (pm.source) {
      case MetricSource::indicator: d.add_indicator(pm.indicator); break;
      case MetricSource::figure: d.figures = true; break;
      case MetricSource::line_at: case MetricSource::line_sum: d.add_line(pm.line); break;
      case MetricSource::hist_at: case MetricSource::hist_sum: d.add_hist(pm.hist); break;
    }
  }
  return d;
}

Plan prune(const Plan& plan, const Demand& demand) {
  Plan p = plan;
  if (demand.everything) return p;
  const bool vat_on = p.vat_regime != "none";
  Liveness lv;
  lv.pruned = true;
  lv.monthly_ops_before = plan.monthly_prog.size();
  lv.lines.assign(kLineCount, 0);
  lv.stages.assign(kStageCount, 0);
  lv.hist.assign(p.hist_slots.size(), 0);
  lv.indicators = demand.indicators;
  lv.checks = demand.checks && !p.checks.empty();
  lv.figures = demand.figures || lv.checks || demand.indicators[static_cast<std::size_t>(Indicator::min_cash_months)];
  lv.subsidy_income = lv.figures;

  // 1. lines read by the outputs: the demand's own, the indicators', the figures'
  std::vector<char>& live = lv.lines;
  live = demand.lines;
  auto need = [&](std::initializer_list<Line> ls) {
    for (Line l : ls) live[idx(l)] = 1;
  };
  auto ind = [&](Indicator k) { return demand.indicators[static_cast<std::size_t>(k)] != 0; };
  if (ind(Indicator::breakeven_month) || ind(Indicator::breakeven_month_unsubsidised))
    need({L::operating_result, L::subsidies});
  for (Indicator k : {Indicator::min_cash, Indicator::min_cash_month, Indicator::funding_need, Indicator::shortfall,
                      Indicator::months_negative, Indicator::cash_end, Indicator::min_cash_months})
    if (ind(k)) need({L::cash});
  if (ind(Indicator::npv))
    need({L::cash_in, L::cash_out, L::cash_equity, L::cash_loans, L::cash_interest, L::cash_principal});
  if (lv.figures)
    need({L::revenue, L::subsidies, L::costs, L::staff, L::variable_costs, L::caf, L::cash_principal, L::net_result,
          L::ebitda, L::operating_result, L::payroll_tax, L::depreciation, L::interest, L::corporate_tax, L::cash});

  // 2. corporate tax at a literal rate of 0 (every non-profit scenario) books nothing
  double rate = 1;
  const bool no_corporate_tax = static_constant(p, p.corporate_rate, rate) && rate == 0;
  const bool no_payroll_tax = !p.has_payroll_tax || p.staff.empty();

  // 3. backwards closure over the lines, then the stages that write live lines
  for (bool changed = true; changed;) {
    changed = false;
    for (int l = 0; l < kLineCount; ++l) {
      if (!live[static_cast<std::size_t>(l)]) continue;
      const Line line = static_cast<Line>(l);
      if (no_corporate_tax && (line == L::corporate_tax || line == L::cash_corporate_tax ||
                               line == L::cash_corporate_tax_refund))
        continue;  // zero whatever it reads
      if (no_payroll_tax && (line == L::payroll_tax || line == L::cash_payroll_tax)) continue;
      for (Line in : line_inputs(line, vat_on))
        if (!live[idx(in)]) live[idx(in)] = 1, changed = true;
    }
    // a stage that runs writes all its lines; lines it shares with another stage make both run
    for (int s = 0; s < kStageCount; ++s) {
      bool any = false;
      for (Line l : stage_lines(static_cast<S>(s))) any |= live[idx(l)] != 0;
      lv.stages[static_cast<std::size_t>(s)] = any;
    }
    if (no_corporate_tax) lv.stages[idx(S::corporate_tax)] = 0;
    if (no_payroll_tax) lv.stages[idx(S::payroll_tax)] = 0;
    // the agreements' receivables and advances are walked inside the grants' stages
    if (lv.stages[idx(S::agreement_stocks)]) {
      if (!p.subsidies.empty()) lv.stages[idx(S::subsidies)] = 1;
      if (!p.investments.empty()) lv.stages[idx(S::investments)] = 1;
    }
    // the investment grants' payment programs run with the month the grants' walk left
    // (st.month): keep that walk when they read it
    if (lv.stages[idx(S::investments)] && !lv.stages[idx(S::subsidies)] && !p.subsidies.empty()) {
      bool reads_month = false;
      for (const auto& ip : p.investments)
        for (const auto& pay : ip.payments)
          for (int pc = pay.begin; pc < pay.end; ++pc) reads_month |= month_dependent(p.payment_prog[static_cast<std::size_t>(pc)].op);
      if (reads_month) lv.stages[idx(S::subsidies)] = 1;
    }
    // (the payroll tax's ratio reads the revenue not subject to VAT, kept by the flows
    // stage: it runs, since the ratio's receipts make `revenue` live)
  }
  // The stages of the items (flows, staff, grants, investments, loans) write only the live
  // lines among theirs; the others write every line of theirs when they run.
  for (S s : {S::equity, S::in_kind, S::payroll_tax, S::vat_settlement, S::corporate_tax, S::agreement_stocks})
    if (lv.stages[idx(s)])
      for (Line l : stage_lines(s)) live[idx(l)] = 1;

  // 4. history entries and slots the active stages read
  std::vector<char>& hist = lv.hist;
  for (std::size_t h = 0; h < demand.hist.size() && h < hist.size(); ++h) hist[h] |= demand.hist[h];
  auto use_hist = [&](int h) {
    if (h >= 0) hist[static_cast<std::size_t>(h)] = 1;
  };
  auto stage = [&](S s) { return lv.stages[idx(s)] != 0; };
  if (stage(S::flows))
    for (const auto* lines : {&p.revenue, &p.costs})
      for (const auto& f : *lines) use_hist(f.amount_hist);
  if (stage(S::staff))
    for (const auto& sp : p.staff) use_hist(sp.wage_hist), use_hist(sp.charges_hist);
  if (stage(S::payroll_tax))
    for (const auto& sp : p.staff) use_hist(sp.fte_hist), use_hist(sp.gross_hist), use_hist(sp.raise_hist);
  if (stage(S::subsidies))
    for (const auto& sp : p.subsidies) use_hist(sp.amount_hist);
  if (stage(S::in_kind))
    for (const auto& [label, h] : p.in_kind) use_hist(h);

  // 5. the monthly program, backwards, as a loop (a slot read before it is written in a
  //    month carries last month's value): iterate to a fixed point. Roots: the slots of the
  //    live history entries, and every slot the ledger, payment and check programs read
  //    (static fields such as paid_after; the payment programs run after the last month).
  std::vector<char> root(static_cast<std::size_t>(p.n_slots), 0);
  auto root_slot = [&](int s) {
    if (s >= 0) root[static_cast<std::size_t>(s)] = 1;
  };
  for (const auto* prog : {&p.payment_prog, &p.check_prog})
    for (const Instr& in : *prog) for_each_read(p, in, root_slot);
  for (const auto& f : p.revenue) root_slot(f.paid_after), root_slot(f.vat_rate);
  for (const auto& f : p.costs) root_slot(f.paid_after), root_slot(f.vat_rate);
  for (const auto& s : p.subsidies) root_slot(s.from), root_slot(s.until), root_slot(s.granted);
  for (const auto& ip : p.investments)
    for (int x : {ip.amount, ip.month, ip.life, ip.vat_rate, ip.grant_amount, ip.grant_share, ip.granted}) root_slot(x);
  for (const auto& lp : p.loans)
    for (int x : {lp.principal, lp.month, lp.rate, lp.term, lp.deferral}) root_slot(x);
  for (const auto& e : p.equity) root_slot(e.amount), root_slot(e.month);
  for (int x : {p.opening_cash, p.vat_refund_delay, p.corporate_rate, p.start_slot, p.end_slot}) root_slot(x);

  const auto& prog = plan.monthly_prog;
  std::vector<char> keep(prog.size(), 0), live_top(root.size(), 0);
  for (bool changed = true; changed;) {
    changed = false;
    std::vector<char> L = root;
    for (std::size_t h = 0; h < hist.size(); ++h)
      if (hist[h]) L[static_cast<std::size_t>(p.hist_slots[h])] = 1;
    for (std::size_t s = 0; s < L.size(); ++s) L[s] |= live_top[s];
    for (std::size_t pc = prog.size(); pc-- > 0;) {
      const Instr& in = prog[pc];
      const bool needed = in.op == OpCode::check_finite ? (in.a >= 0 && L[static_cast<std::size_t>(in.a)])
                                                        : (in.dst >= 0 && L[static_cast<std::size_t>(in.dst)]);
      if (!needed) continue;
      if (!keep[pc]) keep[pc] = 1, changed = true;
      // a full write kills the slot above it (cumsum reads its own slot; checks write none)
      if (in.op != OpCode::check_finite && in.op != OpCode::cumsum) L[static_cast<std::size_t>(in.dst)] = 0;
      for_each_read(p, in, [&](int s) { L[static_cast<std::size_t>(s)] = 1; });
      if (in.op == OpCode::lag && in.aux >= 0 && !hist[static_cast<std::size_t>(in.aux)])
        hist[static_cast<std::size_t>(in.aux)] = 1, changed = true;
    }
    for (std::size_t s = 0; s < L.size(); ++s)
      if (L[s] && !live_top[s]) live_top[s] = 1, changed = true;
  }
  p.monthly_prog.clear();
  for (std::size_t pc = 0; pc < prog.size(); ++pc)
    if (keep[pc]) p.monthly_prog.push_back(prog[pc]);
  p.live = std::move(lv);
  return p;
}

PlanWork plan_work(const Plan& p) {
  PlanWork w;
  for (int l = 0; l < kLineCount; ++l) w.ledger_lines += p.live.line(l);
  for (int s = 0; s < kStageCount; ++s) w.ledger_stages += p.live.stage(s);
  w.monthly_ops = p.monthly_prog.size();
  for (std::size_t h = 0; h < p.hist_slots.size(); ++h) w.history += p.live.history(h);
  for (int k = 0; k < kIndicatorCount; ++k) w.indicators += p.live.indicator(k);
  w.figures = p.live.figures;
  return w;
}

}  // namespace amorce
