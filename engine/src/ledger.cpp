#include "amorce/ledger.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "amorce/error.hpp"
#include "ledger_builder.hpp"

namespace amorce {

const char* line_name(Line l) {
  static const char* names[] = {
      "revenue", "subsidies_operating", "subsidies_job", "subsidies", "costs", "variable_costs",
      "staff_wages", "staff_charges", "staff", "payroll_tax", "ebitda", "depreciation",
      "grant_release", "operating_result", "interest", "corporate_tax", "net_result", "caf",
      "in_kind", "cash_revenue", "cash_subsidies", "cash_investment_grants", "cash_equity",
      "cash_loans", "cash_vat_refund", "cash_corporate_tax_refund", "cash_suppliers", "cash_wages",
      "cash_social_charges", "cash_investments", "cash_interest", "cash_principal", "cash_vat",
      "cash_payroll_tax", "cash_corporate_tax", "cash_in", "cash_out", "cash", "investments",
      "vat_collected", "vat_deductible", "investment_grants_awarded", "fixed_assets",
      "receivables_customers", "receivables_subsidies", "receivables_investment_grants",
      "receivables_vat", "receivables_taxes", "deferred_income", "advances_investment_grants",
      "payables_suppliers", "payables_social", "payables_taxes", "payables_vat", "equity",
      "retained_results", "grants_unreleased", "loans_outstanding"};
  static_assert(sizeof(names) / sizeof(names[0]) == kLineCount);
  return names[static_cast<int>(l)];
}

std::vector<Line> stage_lines(LedgerStage s) {
  using L = Line;
  switch (s) {
    case LedgerStage::flows:
      return {L::revenue, L::costs, L::variable_costs, L::vat_collected, L::vat_deductible, L::cash_revenue,
              L::cash_suppliers};
    case LedgerStage::staff: return {L::staff_wages, L::staff_charges, L::cash_wages, L::cash_social_charges};
    case LedgerStage::subsidies: return {L::subsidies_operating, L::subsidies_job, L::cash_subsidies};
    case LedgerStage::investments:
      return {L::investments, L::vat_deductible, L::cash_investments, L::depreciation, L::investment_grants_awarded,
              L::grant_release, L::cash_investment_grants};
    case LedgerStage::loans: return {L::cash_loans, L::interest, L::cash_interest, L::cash_principal};
    case LedgerStage::equity: return {L::cash_equity};
    case LedgerStage::in_kind: return {L::in_kind};
    case LedgerStage::payroll_tax: return {L::payroll_tax, L::cash_payroll_tax};
    case LedgerStage::vat_settlement: return {L::cash_vat, L::cash_vat_refund};
    case LedgerStage::corporate_tax: return {L::corporate_tax, L::cash_corporate_tax, L::cash_corporate_tax_refund};
    case LedgerStage::agreement_stocks:
      return {L::receivables_subsidies, L::deferred_income, L::receivables_investment_grants,
              L::advances_investment_grants};
    case LedgerStage::count: break;
  }
  return {};
}

std::vector<FiscalYear> fiscal_years(const Plan& p) {
  std::vector<FiscalYear> out;
  int last_year = fiscal_year_of(p, p.horizon - 1);
  for (int y = 0; y <= last_year; ++y) {
    FiscalYear fy;
    fy.first = std::max(0, 12 * y - p.year_offset);
    int natural_last = 12 * (y + 1) - p.year_offset - 1;
    fy.last = std::min(p.horizon - 1, natural_last);
    fy.complete = natural_last <= p.horizon - 1;
    // label: calendar year of the fiscal year's start, "2027" or "2027-28" when it straddles
    int start_idx = p.start_year * 12 + (p.start_month - 1) + 12 * y - p.year_offset;
    int y0 = start_idx / 12, y1 = (start_idx + 11) / 12;
    fy.label = y0 == y1 ? fmt::format("{}", y0) : fmt::format("{}-{:02d}", y0, y1 % 100);
    out.push_back(fy);
  }
  return out;
}

double payroll_tax_brackets(const PayrollTax& t, double g) {
  double tax = 0, lower = 0;
  for (const auto& [upper, rate] : t.brackets) {
    double hi = upper ? *upper : g;
    if (g > lower) tax += (std::min(g, hi) - lower) * rate;
    if (!upper || g <= hi) break;
    lower = hi;
  }
  return tax;
}

namespace {

/// Lines results_and_cash() sets (=) for every month and path, after every other stage.
constexpr bool assigned_by_results(Line l) {
  switch (l) {
    case Line::subsidies: case Line::staff: case Line::ebitda: case Line::operating_result:
    case Line::net_result: case Line::caf: case Line::cash_in: case Line::cash_out: case Line::cash:
    case Line::equity: case Line::retained_results: case Line::fixed_assets:
    case Line::receivables_customers:
    case Line::payables_vat: case Line::receivables_vat: case Line::receivables_taxes:
    case Line::payables_suppliers: case Line::payables_social: case Line::payables_taxes:
    case Line::grants_unreleased: case Line::loans_outstanding:
      return true;
    default:
      return false;
  }
}

}  // namespace

namespace ledger_detail {

void Builder::run() {
  L_.horizon = H_;
  L_.n = n_;
  // Lines that accumulate start at zero; the totals and stocks that results_and_cash()
  // assigns for every month and path are left as they are (less to clear per block).
  const std::size_t per_line = static_cast<std::size_t>(H_) * n_;
  L_.data.resize(static_cast<std::size_t>(kLineCount) * per_line);
  // (a pruned Plan: only the lines it computes)
  for (int l = 0; l < kLineCount; ++l)
    if (!assigned_by_results(static_cast<Line>(l)) && lv_.line(l))
      std::fill_n(L_.data.data() + static_cast<std::size_t>(l) * per_line, per_line, 0.0);
  if (lv_.subsidy_income) L_.subsidy_income.assign(p_.subsidies.size() * static_cast<std::size_t>(H_) * n_, 0.0);
  else L_.subsidy_income.clear();
  L_.beyond.clear();
  L_.flows.clear();
  vat_on_ = p_.vat_regime != "none";
  if (stage(LedgerStage::flows)) flows();
  if (stage(LedgerStage::staff)) staff();
  if (stage(LedgerStage::subsidies)) subsidies();
  if (stage(LedgerStage::investments)) investments();
  if (stage(LedgerStage::loans)) loans();
  if (stage(LedgerStage::equity)) equity();
  if (stage(LedgerStage::in_kind)) in_kind();
  if (stage(LedgerStage::payroll_tax)) payroll_tax();
  if (stage(LedgerStage::vat_settlement)) vat_settlement();
  results_and_cash();
}

}  // namespace ledger_detail

void simulate_block(BlockState& st, Ledger& out) {
  run_static(st);
  for (int m = 0; m < st.plan->horizon; ++m) run_month(st, m);
  ledger_detail::Builder(st, out).run();
}

}  // namespace amorce
