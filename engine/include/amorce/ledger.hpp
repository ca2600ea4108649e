#pragma once
/// The monthly accounts of a block of paths: P&L lines, cash flows by category and the
/// balance-sheet stocks, all [line][month][path]. Computed from a Plan's evaluated history.
#include <string>
#include <vector>

#include "amorce/evaluate.hpp"

namespace amorce {

/// Every monthly line the ledger keeps. Names (line_name) are the stable JSON keys.
enum class Line : int {
  // compte de résultat
  revenue, subsidies_operating, subsidies_job, subsidies, costs, variable_costs, staff_wages,
  staff_charges, staff, payroll_tax, ebitda, depreciation, grant_release, operating_result,
  interest, corporate_tax, net_result, caf, in_kind,
  // cash plan
  cash_revenue, cash_subsidies, cash_investment_grants, cash_equity, cash_loans, cash_vat_refund,
  cash_corporate_tax_refund, cash_suppliers, cash_wages, cash_social_charges, cash_investments,
  cash_interest, cash_principal, cash_vat, cash_payroll_tax, cash_corporate_tax, cash_in, cash_out,
  cash,
  // other flows
  investments, vat_collected, vat_deductible, investment_grants_awarded,
  // balance-sheet stocks at the end of each month
  fixed_assets, receivables_customers, receivables_subsidies, receivables_investment_grants,
  receivables_vat, receivables_taxes, deferred_income, advances_investment_grants, payables_suppliers,
  payables_social, payables_taxes, payables_vat, equity, retained_results, grants_unreleased, loans_outstanding,
  count
};

const char* line_name(Line l);
constexpr int kLineCount = static_cast<int>(Line::count);

/// The ledger's stages, in the order it runs them; each writes a fixed set of lines
/// (prune.cpp's table). A pruned Plan skips the stages whose lines nobody reads.
enum class LedgerStage : int {
  flows, staff, subsidies, investments, loans, equity, in_kind, payroll_tax, vat_settlement, corporate_tax,
  agreement_stocks,  ///< receivables / advances of grant agreements (balance sheet)
  count
};
constexpr int kStageCount = static_cast<int>(LedgerStage::count);
/// Lines a stage writes (a line written by two stages, vat_deductible, makes both run).
std::vector<Line> stage_lines(LedgerStage s);

/// Something the scenario schedules after the horizon (a grant payment, an investment, a
/// loan draw, equity, a subsidy that starts too late): it never happens within the study.
/// Recorded on base-case blocks only, for the warnings of `check` and `run`.
struct BeyondHorizon {
  std::string item;    ///< "subsidy 'region'"
  std::string what;    ///< "payment", "purchase", "draw", "contribution", "start"
  int month = 0;       ///< month index, >= horizon
  double amount = 0;   ///< euros concerned (0 when not known)
};

/// The cash flows of one scenario item (a revenue or cost item, a staff line's wages or
/// charges, a grant, an investment, a loan's draw, interest or principal, an equity
/// contribution), [month][path]. Kept only when Ledger::keep_flows is set (the base case):
/// the Monte Carlo blocks never pay for them.
struct ItemFlow {
  std::string key;  ///< "revenue:NAME", "cost:NAME", "wages:NAME", "social_charges:NAME", "subsidy:NAME",
                    ///< "investment:NAME", "investment_grant:NAME", "loan:NAME", "loan_interest:NAME",
                    ///< "loan_principal:NAME", "equity:K" (K = 1, 2... in scenario order)
  std::string label;
  Line line;  ///< the ledger cash line it is part of
  std::vector<double> v;
};

/// Ledger of one block.
struct Ledger {
  bool keep_flows = false;             ///< set before simulate_block to fill `flows`
  std::vector<ItemFlow> flows;         ///< per-item cash flows (keep_flows only)
  int horizon = 0;
  std::size_t n = 0;
  std::vector<double> data;            ///< [line][month][path]
  std::vector<double> subsidy_income;  ///< [subsidy][month][path], recognised income per grant
  std::vector<BeyondHorizon> beyond;   ///< base case only: items falling after the horizon

  double* line(Line l) { return data.data() + static_cast<std::size_t>(l) * horizon * n; }
  const double* line(Line l) const { return data.data() + static_cast<std::size_t>(l) * horizon * n; }
  double at(Line l, int m, std::size_t i) const { return line(l)[static_cast<std::size_t>(m) * n + i]; }
};

/// A fiscal year as simulated: months [first, last], label "2027" or "2027-28".
struct FiscalYear {
  int first = 0, last = 0;
  std::string label;
  int months() const { return last - first + 1; }
  bool complete = true;  ///< false when the horizon cuts it
};
std::vector<FiscalYear> fiscal_years(const Plan& plan);

/// Evaluates the plan over the block (static program, every month) and builds the ledger.
void simulate_block(BlockState& st, Ledger& out);

/// Yearly payroll tax of one full-time post paid `yearly_gross` (progressive brackets).
double payroll_tax_brackets(const PayrollTax& t, double yearly_gross);

}  // namespace amorce
