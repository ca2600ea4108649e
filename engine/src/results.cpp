#include "amorce/results.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace amorce {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

const char* indicator_name(Indicator i) {
  static const char* names[] = {"breakeven_month", "breakeven_month_unsubsidised", "min_cash", "min_cash_month",
                                "funding_need", "shortfall", "months_negative", "cash_end", "npv",
                                "min_cash_months"};
  static_assert(sizeof(names) / sizeof(names[0]) == kIndicatorCount);
  return names[static_cast<int>(i)];
}

bool indicator_censored(Indicator i) {
  return i == Indicator::breakeven_month || i == Indicator::breakeven_month_unsubsidised ||
         i == Indicator::min_cash_months;
}

const char* figure_name(Figure f) {
  static const char* names[] = {"revenue", "subsidies", "charges", "net_result", "caf", "self_financing",
                                "subsidy_share", "largest_funder_share", "breakeven_revenue", "safety_margin",
                                "debt_cover", "min_cash", "costs", "staff", "ebitda", "operating_result",
                                "variable_costs", "months"};
  static_assert(sizeof(names) / sizeof(names[0]) == kFigureCount);
  return names[static_cast<int>(f)];
}

namespace {

/// First month from which the windowed operating result stays >= 0 to the horizon; NaN if never.
double breakeven(const double* op, int H, std::size_t n, std::size_t i, int window, const double* subs) {
  // windowed sums, then the last month where it is negative
  int last_negative = -1;
  double sum = 0;
  std::vector<double> v(H);
  for (int m = 0; m < H; ++m) v[m] = op[static_cast<std::size_t>(m) * n + i] - (subs ? subs[static_cast<std::size_t>(m) * n + i] : 0.0);
  for (int m = 0; m < H; ++m) {
    sum += v[m];
    if (m >= window) sum -= v[m - window];
    if (sum < -1e-9) last_negative = m;
  }
  if (last_negative == H - 1) return kNaN;
  return last_negative + 1;
}

}  // namespace

void compute_results(BlockState& st, const Ledger& L, PathResults& out) {
  const Plan& p = *st.plan;
  const int H = p.horizon;
  const std::size_t n = st.n;
  const auto years = fiscal_years(p);
  const int Y = static_cast<int>(years.size());
  out.n = n;
  out.years = Y;
  out.indicators.assign(static_cast<std::size_t>(kIndicatorCount) * n, kNaN);
  out.figures.assign(static_cast<std::size_t>(kFigureCount) * Y * n, kNaN);
  out.check_year.assign(p.checks.size() * Y * n, kNaN);
  out.check_any.assign(p.checks.size() * n, 0.0);
  auto ind = [&](Indicator k, std::size_t i) -> double& { return out.indicators[static_cast<std::size_t>(k) * n + i]; };
  auto fig = [&](Figure f, int y, std::size_t i) -> double& {
    return out.figures[(static_cast<std::size_t>(f) * Y + y) * n + i];
  };
  const double* op = L.line(Line::operating_result);
  const double* subs = L.line(Line::subsidies);
  const double* cash = L.line(Line::cash);
  const int window = p.outputs.breakeven_window;
  const double r = p.outputs.discount_rate;

  for (std::size_t i = 0; i < n; ++i) {
    ind(Indicator::breakeven_month, i) = breakeven(op, H, n, i, window, nullptr);
    ind(Indicator::breakeven_month_unsubsidised, i) = breakeven(op, H, n, i, window, subs);
    double mc = cash[i];
    int mcm = 0, neg = 0;
    double npv = 0;
    for (int m = 0; m < H; ++m) {
      double c = cash[static_cast<std::size_t>(m) * n + i];
      if (c < mc) {
        mc = c;
        mcm = m;
      }
      if (c < 0) ++neg;
      // operating and investing flows only: financing (equity, loans, interest, principal) excluded
      double flow = L.at(Line::cash_in, m, i) - L.at(Line::cash_out, m, i) - L.at(Line::cash_equity, m, i) -
                    L.at(Line::cash_loans, m, i) + L.at(Line::cash_interest, m, i) + L.at(Line::cash_principal, m, i);
      npv += flow / std::pow(1 + r, m / 12.0);
    }
    ind(Indicator::min_cash, i) = mc;
    ind(Indicator::min_cash_month, i) = mcm;
    ind(Indicator::funding_need, i) = std::max(0.0, -mc);
    ind(Indicator::shortfall, i) = mc < 0 ? 1.0 : 0.0;
    ind(Indicator::months_negative, i) = neg;
    ind(Indicator::cash_end, i) = cash[static_cast<std::size_t>(H - 1) * n + i];
    ind(Indicator::npv, i) = npv;

    for (int y = 0; y < Y; ++y) {
      const FiscalYear& fy = years[y];
      auto sum = [&](Line l) {
        double s = 0;
        for (int m = fy.first; m <= fy.last; ++m) s += L.at(l, m, i);
        return s;
      };
      double revenue = sum(Line::revenue), subsidies = sum(Line::subsidies), costs = sum(Line::costs),
             staff = sum(Line::staff), variable = sum(Line::variable_costs);
      double charges = costs + staff + sum(Line::payroll_tax) + sum(Line::depreciation) + sum(Line::interest) +
                       sum(Line::corporate_tax);
      double caf = sum(Line::caf), principal = sum(Line::cash_principal);
      double largest = 0;
      for (std::size_t k = 0; k < p.subsidies.size(); ++k) {
        double s = 0;
        const double* inc = L.subsidy_income.data() + k * static_cast<std::size_t>(H) * n;
        for (int m = fy.first; m <= fy.last; ++m) s += inc[static_cast<std::size_t>(m) * n + i];
        largest = std::max(largest, s);
      }
      double ymin = L.at(Line::cash, fy.first, i);
      for (int m = fy.first; m <= fy.last; ++m) ymin = std::min(ymin, L.at(Line::cash, m, i));
      double resources = revenue + subsidies;
      fig(Figure::revenue, y, i) = revenue;
      fig(Figure::subsidies, y, i) = subsidies;
      fig(Figure::charges, y, i) = charges;
      fig(Figure::net_result, y, i) = sum(Line::net_result);
      fig(Figure::caf, y, i) = caf;
      fig(Figure::self_financing, y, i) = charges > 0 ? revenue / charges : kNaN;
      fig(Figure::subsidy_share, y, i) = resources > 0 ? subsidies / resources : kNaN;
      fig(Figure::largest_funder_share, y, i) = resources > 0 ? largest / resources : kNaN;
      double be = (revenue > 0 && variable < revenue) ? (charges - variable) / (1 - variable / revenue) : kNaN;
      fig(Figure::breakeven_revenue, y, i) = be;
      fig(Figure::safety_margin, y, i) = std::isnan(be) ? kNaN : revenue - be;
      fig(Figure::debt_cover, y, i) = principal > 0 ? caf / principal : kNaN;
      fig(Figure::min_cash, y, i) = ymin;
      fig(Figure::costs, y, i) = costs;
      fig(Figure::staff, y, i) = staff;
      fig(Figure::ebitda, y, i) = sum(Line::ebitda);
      fig(Figure::operating_result, y, i) = sum(Line::operating_result);
      fig(Figure::variable_costs, y, i) = variable;
      fig(Figure::months, y, i) = fy.months();
    }
    int ymc = fiscal_year_of(p, mcm);
    double avg = fig(Figure::charges, ymc, i) / years[ymc].months();
    ind(Indicator::min_cash_months, i) = avg > 0 ? mc / avg : kNaN;
  }

  // checks: the check program runs over the block once per fiscal year on the figure slots
  for (int y = 0; y < Y && !p.checks.empty(); ++y) {
    for (std::size_t f = 0; f < p.figure_slots.size(); ++f) {
      if (p.figure_slots[f] < 0) continue;
      double* s = st.slot(p.figure_slots[f]);
      for (std::size_t i = 0; i < n; ++i) s[i] = out.figures[(f * Y + y) * n + i];
    }
    run_program(st, p.check_prog, 0, p.check_prog.size());
    for (std::size_t c = 0; c < p.checks.size(); ++c) {
      const double* res = st.slot(p.checks[c].result);
      for (std::size_t i = 0; i < n; ++i) {
        double v = std::isnan(res[i]) ? kNaN : (res[i] != 0 ? 0.0 : 1.0);
        out.check_year[(c * Y + y) * n + i] = v;
        if (v == 1.0) out.check_any[c * n + i] = 1.0;
      }
    }
  }
}

}  // namespace amorce
