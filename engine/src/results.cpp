#include "amorce/results.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "amorce/dispatch.hpp"

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
                                "variable_costs", "months", "year"};
  static_assert(sizeof(names) / sizeof(names[0]) == kFigureCount);
  return names[static_cast<int>(f)];
}

AMORCE_HOT void compute_results(BlockState& st, const Ledger& L, PathResults& out) {
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
  const double* cash = L.line(Line::cash);
  const int window = p.outputs.breakeven_window;
  const double r = p.outputs.discount_rate;
  auto row = [&](Line l, int m) { return L.line(l) + static_cast<std::size_t>(m) * n; };

  // a pruned Plan computes only the indicators (and figures, checks) it was asked for; the
  // others stay NaN
  const Liveness& lv = p.live;
  auto want = [&](Indicator k) { return lv.indicator(static_cast<int>(k)); };

  // breakeven: first month from which the windowed operating result stays >= 0 (NaN if never)
  for (int pass = 0; pass < 2; ++pass) {
    if (!want(pass ? Indicator::breakeven_month_unsubsidised : Indicator::breakeven_month)) continue;
    std::vector<double> sum(n, 0.0);
    std::vector<int> last_negative(n, -1);
    for (int m = 0; m < H; ++m) {
      const double* op = row(Line::operating_result, m);
      const double* sub = row(Line::subsidies, m);
      const double* op_old = m >= window ? row(Line::operating_result, m - window) : nullptr;
      const double* sub_old = m >= window ? row(Line::subsidies, m - window) : nullptr;
      for (std::size_t i = 0; i < n; ++i) {
        sum[i] += op[i] - (pass ? sub[i] : 0.0);
        if (op_old) sum[i] -= op_old[i] - (pass ? sub_old[i] : 0.0);
        if (sum[i] < -1e-9) last_negative[i] = m;
      }
    }
    Indicator k = pass ? Indicator::breakeven_month_unsubsidised : Indicator::breakeven_month;
    for (std::size_t i = 0; i < n; ++i) ind(k, i) = last_negative[i] == H - 1 ? kNaN : last_negative[i] + 1;
  }

  // cash indicators and npv (operating and investing flows: financing flows excluded)
  const bool cash_on = !lv.pruned || want(Indicator::min_cash) || want(Indicator::min_cash_month) ||
                       want(Indicator::funding_need) || want(Indicator::shortfall) ||
                       want(Indicator::months_negative) || want(Indicator::cash_end) ||
                       want(Indicator::min_cash_months) || want(Indicator::npv);
  const bool npv_on = want(Indicator::npv);
  std::vector<double> mc(cash_on ? cash : nullptr, cash_on ? cash + n : nullptr), npv(n, 0.0);
  std::vector<int> mcm(n, 0), neg(n, 0);
  for (int m = 0; m < H && cash_on; ++m) {
    if (!npv_on) {
      const double* c = cash + static_cast<std::size_t>(m) * n;
      for (std::size_t i = 0; i < n; ++i) {
        if (c[i] < mc[i]) {
          mc[i] = c[i];
          mcm[i] = m;
        }
        neg[i] += c[i] < 0;
      }
      continue;
    }
    const double* c = cash + static_cast<std::size_t>(m) * n;
    const double disc = 1.0 / std::pow(1 + r, m / 12.0);
    const double *in = row(Line::cash_in, m), *out_ = row(Line::cash_out, m), *eq = row(Line::cash_equity, m),
                 *loan = row(Line::cash_loans, m), *interest = row(Line::cash_interest, m),
                 *principal = row(Line::cash_principal, m);
    for (std::size_t i = 0; i < n; ++i) {
      if (c[i] < mc[i]) {
        mc[i] = c[i];
        mcm[i] = m;
      }
      neg[i] += c[i] < 0;
      npv[i] += (in[i] - out_[i] - eq[i] - loan[i] + interest[i] + principal[i]) * disc;
    }
  }
  for (std::size_t i = 0; i < n && cash_on; ++i) {
    ind(Indicator::min_cash, i) = mc[i];
    ind(Indicator::min_cash_month, i) = mcm[i];
    ind(Indicator::funding_need, i) = std::max(0.0, -mc[i]);
    ind(Indicator::shortfall, i) = mc[i] < 0 ? 1.0 : 0.0;
    ind(Indicator::months_negative, i) = neg[i];
    ind(Indicator::cash_end, i) = cash[static_cast<std::size_t>(H - 1) * n + i];
    if (npv_on) ind(Indicator::npv, i) = npv[i];
  }

  // fiscal-year figures
  std::vector<double> revenue(n), subsidies(n), costs(n), staff(n), variable(n), charges(n), caf(n), principal(n),
      largest(n), grant(n), ymin(n), net(n), ebitda(n), opres(n);
  for (int y = 0; y < Y && lv.figures; ++y) {
    const FiscalYear& fy = years[y];
    auto sum = [&](Line l, std::vector<double>& acc, bool add = false) {
      if (!add) std::fill(acc.begin(), acc.end(), 0.0);
      for (int m = fy.first; m <= fy.last; ++m) {
        const double* x = row(l, m);
        for (std::size_t i = 0; i < n; ++i) acc[i] += x[i];
      }
    };
    sum(Line::revenue, revenue);
    sum(Line::subsidies, subsidies);
    sum(Line::costs, costs);
    sum(Line::staff, staff);
    sum(Line::variable_costs, variable);
    sum(Line::caf, caf);
    sum(Line::cash_principal, principal);
    sum(Line::net_result, net);
    sum(Line::ebitda, ebitda);
    sum(Line::operating_result, opres);
    charges = costs;
    sum(Line::staff, charges, true);
    sum(Line::payroll_tax, charges, true);
    sum(Line::depreciation, charges, true);
    sum(Line::interest, charges, true);
    sum(Line::corporate_tax, charges, true);
    std::fill(largest.begin(), largest.end(), 0.0);
    for (std::size_t k = 0; k < p.subsidies.size(); ++k) {
      std::fill(grant.begin(), grant.end(), 0.0);
      const double* inc = L.subsidy_income.data() + k * static_cast<std::size_t>(H) * n;
      for (int m = fy.first; m <= fy.last; ++m)
        for (std::size_t i = 0; i < n; ++i) grant[i] += inc[static_cast<std::size_t>(m) * n + i];
      for (std::size_t i = 0; i < n; ++i) largest[i] = std::max(largest[i], grant[i]);
    }
    std::copy_n(cash + static_cast<std::size_t>(fy.first) * n, n, ymin.begin());
    for (int m = fy.first; m <= fy.last; ++m)
      for (std::size_t i = 0; i < n; ++i) ymin[i] = std::min(ymin[i], cash[static_cast<std::size_t>(m) * n + i]);
    for (std::size_t i = 0; i < n; ++i) {
      double resources = revenue[i] + subsidies[i];
      fig(Figure::revenue, y, i) = revenue[i];
      fig(Figure::subsidies, y, i) = subsidies[i];
      fig(Figure::charges, y, i) = charges[i];
      fig(Figure::net_result, y, i) = net[i];
      fig(Figure::caf, y, i) = caf[i];
      fig(Figure::self_financing, y, i) = charges[i] > 0 ? revenue[i] / charges[i] : kNaN;
      fig(Figure::subsidy_share, y, i) = resources > 0 ? subsidies[i] / resources : kNaN;
      fig(Figure::largest_funder_share, y, i) = resources > 0 ? largest[i] / resources : kNaN;
      double be = (revenue[i] > 0 && variable[i] < revenue[i])
                      ? (charges[i] - variable[i]) / (1 - variable[i] / revenue[i]) : kNaN;
      fig(Figure::breakeven_revenue, y, i) = be;
      fig(Figure::safety_margin, y, i) = std::isnan(be) ? kNaN : revenue[i] - be;
      fig(Figure::debt_cover, y, i) = principal[i] > 0 ? caf[i] / principal[i] : kNaN;
      fig(Figure::min_cash, y, i) = ymin[i];
      fig(Figure::costs, y, i) = costs[i];
      fig(Figure::staff, y, i) = staff[i];
      fig(Figure::ebitda, y, i) = ebitda[i];
      fig(Figure::operating_result, y, i) = opres[i];
      fig(Figure::variable_costs, y, i) = variable[i];
      fig(Figure::months, y, i) = fy.months();
      fig(Figure::year, y, i) = y;  // fiscal-year index, so checks can target some years
    }
  }
  for (std::size_t i = 0; i < n && want(Indicator::min_cash_months); ++i) {
    int ymc = fiscal_year_of(p, mcm[i]);
    double avg = fig(Figure::charges, ymc, i) / years[ymc].months();
    ind(Indicator::min_cash_months, i) = avg > 0 ? mc[i] / avg : kNaN;
  }

  // checks: the check program runs over the block once per fiscal year on the figure slots
  for (int y = 0; y < Y && !p.checks.empty() && lv.checks; ++y) {
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
