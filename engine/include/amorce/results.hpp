#pragma once
/// Per-path results of a block: the indicators of spec section 6, the fiscal-year figures
/// and the checks. Every array stays in path order (common random numbers rely on it).
#include <string>
#include <vector>

#include "amorce/ledger.hpp"

namespace amorce {

enum class Indicator : int {
  breakeven_month, breakeven_month_unsubsidised, min_cash, min_cash_month, funding_need,
  shortfall, months_negative, cash_end, npv, min_cash_months, count
};
constexpr int kIndicatorCount = static_cast<int>(Indicator::count);
const char* indicator_name(Indicator i);
/// True for indicators that may be absent on a path (NaN = never reached).
bool indicator_censored(Indicator i);

/// Fiscal-year figures; names usable in checks (same order as Plan::figure_names).
enum class Figure : int {
  revenue, subsidies, charges, net_result, caf, self_financing, subsidy_share,
  largest_funder_share, breakeven_revenue, safety_margin, debt_cover, min_cash, costs, staff,
  ebitda, operating_result, variable_costs, months, year, count
};
constexpr int kFigureCount = static_cast<int>(Figure::count);
const char* figure_name(Figure f);

struct PathResults {
  std::size_t n = 0;
  int years = 0;
  std::vector<double> indicators;  ///< [indicator][path]; NaN = not reached
  std::vector<double> figures;     ///< [figure][year][path]; NaN = undefined (e.g. no revenue)
  std::vector<double> check_year;  ///< [check][year][path]: 1 breached, 0 met, NaN not applicable
  std::vector<double> check_any;   ///< [check][path]: 1 when breached in some year

  double indicator(Indicator k, std::size_t i) const { return indicators[static_cast<std::size_t>(k) * n + i]; }
  double figure(Figure f, int y, std::size_t i) const {
    return figures[(static_cast<std::size_t>(f) * years + y) * n + i];
  }
};

/// Computes indicators, figures and checks for every path of a simulated block.
void compute_results(BlockState& st, const Ledger& ledger, PathResults& out);

}  // namespace amorce
