// The settlements and totals of the ledger (ledger_builder.hpp): payroll tax, VAT, corporate
// tax, then the monthly P&L totals, cash plan and balance-sheet stocks.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "amorce/dispatch.hpp"
#include "ledger_builder.hpp"

namespace amorce::ledger_detail {

namespace {

// One month of the cash plan and balance-sheet stocks as short loops over restrict rows
// (every row is a distinct line of the ledger or a running total), so each loop vectorises;
// the arithmetic of every element is the original expression, so results are bit-identical.
using Out = double* __restrict;
using In = const double* __restrict;

AMORCE_HOT void net_and_caf(std::size_t n, In op, In interest, In ctax, In dep, In rel, Out net, Out caf) {
  for (std::size_t i = 0; i < n; ++i) {
    net[i] = op[i] - interest[i] - ctax[i];
    caf[i] = net[i] + dep[i] - rel[i];
  }
}
AMORCE_HOT void sum7(std::size_t n, In a, In b, In c, In d, In e, In f, In g, Out out) {
  for (std::size_t i = 0; i < n; ++i) out[i] = a[i] + b[i] + c[i] + d[i] + e[i] + f[i] + g[i];
}
AMORCE_HOT void sum9(std::size_t n, In a, In b, In c, In d, In e, In f, In g, In h, In k, Out out) {
  for (std::size_t i = 0; i < n; ++i) out[i] = a[i] + b[i] + c[i] + d[i] + e[i] + f[i] + g[i] + h[i] + k[i];
}
AMORCE_HOT void running_cash(std::size_t n, In cin, In cout, Out cash, Out out) {
  for (std::size_t i = 0; i < n; ++i) {
    cash[i] += cin[i] - cout[i];
    out[i] = cash[i];
  }
}
AMORCE_HOT void stock_add(std::size_t n, Out acc, Out out, In x) {
  for (std::size_t i = 0; i < n; ++i) {
    acc[i] += x[i];
    out[i] = acc[i];
  }
}
AMORCE_HOT void stock_sub(std::size_t n, Out acc, Out out, In x, In y) {
  for (std::size_t i = 0; i < n; ++i) {
    acc[i] += x[i] - y[i];
    out[i] = acc[i];
  }
}
AMORCE_HOT void stock_customers(std::size_t n, Out acc, Out out, In rev, In vat_c, In c_rev) {
  for (std::size_t i = 0; i < n; ++i) {
    acc[i] += rev[i] + vat_c[i] - c_rev[i];
    out[i] = acc[i];
  }
}
AMORCE_HOT void stock_vat(std::size_t n, Out acc, Out payable, Out receivable, In vat_c, In vat_d, In c_vat,
                          In c_refund) {
  for (std::size_t i = 0; i < n; ++i) {
    acc[i] += vat_c[i] - vat_d[i] - c_vat[i] + c_refund[i];
    receivable[i] = acc[i] < 0 ? -acc[i] : 0;
    payable[i] = acc[i] > 0 ? acc[i] : 0;
  }
}
AMORCE_HOT void stock_suppliers(std::size_t n, Out acc, Out out, In costs, In vat_d, In c_inv, In inv, In c_supp) {
  for (std::size_t i = 0; i < n; ++i) {
    acc[i] += costs[i] + vat_d[i] - (c_inv[i] - inv[i]) - c_supp[i];
    out[i] = acc[i];
  }
}
// Payroll tax is always accrued before it is paid (a payable); corporate tax instalments are
// paid before the year's tax is booked, so its account (État, impôt sur les bénéfices) is a
// payable when positive and a receivable (prepaid tax) when negative.
AMORCE_HOT void stock_taxes(std::size_t n, Out acc_pt, Out acc_ct, Out payable, Out receivable, In pt, In ctax,
                            In c_pt, In c_ct, In c_ct_refund) {
  for (std::size_t i = 0; i < n; ++i) {
    acc_pt[i] += pt[i] - c_pt[i];
    acc_ct[i] += ctax[i] - c_ct[i] + c_ct_refund[i];
    payable[i] = acc_pt[i] + (acc_ct[i] > 0 ? acc_ct[i] : 0);
    receivable[i] = acc_ct[i] < 0 ? -acc_ct[i] : 0;
  }
}

}  // namespace

void Builder::payroll_tax() {
  if (!p_.has_payroll_tax || p_.staff.empty()) return;
  const auto years = fiscal_years(p_);
  std::vector<double> total(n_);
  for (const auto& fy : years) {
    std::fill(total.begin(), total.end(), 0.0);
    for (const auto& sp : p_.staff)
      for (int m = fy.first; m <= fy.last; ++m) {
        const double* fte = st_.hist(sp.fte_hist, m);
        const double* gross = st_.hist(sp.gross_hist, m);
        const double* raise = st_.hist(sp.raise_hist, m);
        const int year = fiscal_year_of(p_, m);
        double last_rate = 0, last_pow = 1;
        for (std::size_t i = 0; i < n_; ++i) {
          if (fte[i] == 0) continue;
          if (raise[i] != last_rate) {
            last_rate = raise[i];
            last_pow = std::pow(1 + raise[i], year);
          }
          double g = gross[i] * 12 * (year == 0 ? 1.0 : last_pow);
          total[i] += fte[i] * payroll_tax_brackets(p_.payroll_tax, g) / 12.0;
        }
      }
    if (vat_on_) assujettissement(fy, total);
    const double allowance = p_.payroll_tax.allowance * fy.months() / 12.0;
    for (int m = fy.first; m <= fy.last; ++m) {
      int pay = after_quarter(m);
      for (std::size_t i = 0; i < n_; ++i) {
        double per_month = std::max(0.0, total[i] - allowance) / fy.months();
        at(Line::payroll_tax, m, i) += per_month;
        schedule(Line::cash_payroll_tax, pay, i, per_month);
      }
    }
  }
}

void Builder::assujettissement(const FiscalYear& fy, std::vector<double>& tax) {
  std::vector<double> num(n_, 0.0), den(n_, 0.0);
  for (int m = fy.first; m <= fy.last; ++m) {
    const std::size_t o = static_cast<std::size_t>(m) * n_;
    const double *ex = exempt_revenue_.data() + o, *rev = L_.line(Line::revenue) + o,
                 *so = L_.line(Line::subsidies_operating) + o, *sj = L_.line(Line::subsidies_job) + o;
    for (std::size_t i = 0; i < n_; ++i) {
      num[i] += ex[i] + so[i] + sj[i];
      den[i] += rev[i] + so[i] + sj[i];
    }
  }
  for (std::size_t i = 0; i < n_; ++i) {
    double r = den[i] > 0 ? std::clamp(num[i] / den[i], 0.0, 1.0) : 1.0;
    tax[i] *= r <= 0.10 ? 0.0 : r;
  }
}

void Builder::vat_settlement() {
  if (!vat_on_) return;
  bool quarterly = p_.vat_regime == "quarterly";
  std::vector<double> credit(n_, 0.0), period_net(n_, 0.0);
  std::vector<int> delay(n_, 0);
  const bool refunds = p_.vat_refund != "none";
  if (refunds)
    for (std::size_t i = 0; i < n_; ++i)
      delay[i] = month_field("vat", p_.vat_refund_delay, i, "refund_delay", 1, 120);
  for (int m = 0; m < H_; ++m) {
    const double* c = L_.line(Line::vat_collected) + static_cast<std::size_t>(m) * n_;
    const double* d = L_.line(Line::vat_deductible) + static_cast<std::size_t>(m) * n_;
    for (std::size_t i = 0; i < n_; ++i) period_net[i] += c[i] - d[i];
    int cal = (p_.start_month - 1 + m) % 12;
    // a quarter cut by the horizon is not settled (its VAT stays on the balance sheet)
    if (quarterly && cal % 3 != 2) continue;
    // credit refunded (art. 242-0 C annexe II CGI): at a period's end from refund_min (760 EUR,
    // réel normal), at the calendar year's end from refund_min_year (150 EUR, yearly request)
    double threshold = INFINITY;
    if (p_.vat_refund == "period") threshold = p_.vat_refund_min;
    if (refunds && cal == 11) threshold = std::min(threshold, p_.vat_refund_min_year);
    for (std::size_t i = 0; i < n_; ++i) {
      double due = period_net[i] - credit[i];
      if (due > 0) {
        schedule(Line::cash_vat, m + 1, i, due);
        credit[i] = 0;
      } else {
        credit[i] = -due;
        if (credit[i] > 0 && credit[i] >= threshold) {
          schedule(Line::cash_vat_refund, m + delay[i], i, credit[i]);
          credit[i] = 0;
        }
      }
      period_net[i] = 0;
    }
  }
}

void Builder::corporate_tax(const std::vector<FiscalYear>& years) {
  std::vector<double> before(n_), prev(n_, 0.0), tax(n_), quarter(n_);
  for (std::size_t y = 0; y < years.size(); ++y) {
    const FiscalYear& fy = years[y];
    std::fill(before.begin(), before.end(), 0.0);
    for (int m = fy.first; m <= fy.last; ++m) {
      const double *op = L_.line(Line::operating_result) + static_cast<std::size_t>(m) * n_,
                   *in = L_.line(Line::interest) + static_cast<std::size_t>(m) * n_;
      for (std::size_t i = 0; i < n_; ++i) before[i] += op[i] - in[i];
    }
    std::fill(quarter.begin(), quarter.end(), 0.0);  // one instalment
    if (y > 0 && p_.corporate_instalments) {
      // the first instalment falls in the first quarter month 2 to 4 months after the
      // previous year's end (art. 360 bis annexe III CGI, closings at a month's end)
      const int prev_last = years[y - 1].last;
      const int prev_cal = (p_.start_month - 1 + prev_last) % 12 + 1;  // 1..12
      int first = prev_last + 2;
      while ((prev_cal + (first - prev_last)) % 3 != 0) ++first;
      for (std::size_t i = 0; i < n_; ++i)
        quarter[i] = prev[i] > p_.corporate_instalment_threshold ? prev[i] / 4 : 0.0;
      for (int k = 0; k < 4; ++k)
        for (std::size_t i = 0; i < n_; ++i)
          if (quarter[i] != 0) schedule(Line::cash_corporate_tax, first + 3 * k, i, quarter[i]);
    }
    for (std::size_t i = 0; i < n_; ++i) {
      tax[i] = s(p_.corporate_rate, i) * std::max(0.0, before[i]);
      at(Line::corporate_tax, fy.last, i) += tax[i];
      double balance = tax[i] - 4 * quarter[i];  // instalments after the horizon count too
      if (balance > 0) schedule(Line::cash_corporate_tax, fy.last + 5, i, balance);
      else if (balance < 0) schedule(Line::cash_corporate_tax_refund, fy.last + 6, i, -balance);
    }
    std::swap(prev, tax);
  }
}

void Builder::results_and_cash() {
  const auto years = fiscal_years(p_);
  auto row = [&](Line l, int m) { return L_.line(l) + static_cast<std::size_t>(m) * n_; };
  // P&L (each total only when computed: a pruned Plan may need none of them)
  const bool sub_on = need(Line::subsidies), staff_on = need(Line::staff), eb_on = need(Line::ebitda),
             op_on = need(Line::operating_result);
  for (int m = 0; m < H_; ++m) {
    double *rev = row(Line::revenue, m), *so = row(Line::subsidies_operating, m), *sj = row(Line::subsidies_job, m),
           *sub = row(Line::subsidies, m), *costs = row(Line::costs, m), *w = row(Line::staff_wages, m),
           *ch = row(Line::staff_charges, m), *staff = row(Line::staff, m), *pt = row(Line::payroll_tax, m),
           *eb = row(Line::ebitda, m), *dep = row(Line::depreciation, m), *rel = row(Line::grant_release, m),
           *op = row(Line::operating_result, m);
    if (sub_on && staff_on && eb_on && op_on) {
      for (std::size_t i = 0; i < n_; ++i) {
        sub[i] = so[i] + sj[i];
        staff[i] = w[i] + ch[i];
        eb[i] = rev[i] + sub[i] - costs[i] - staff[i] - pt[i];
        op[i] = eb[i] - dep[i] + rel[i];
      }
      continue;
    }
    if (sub_on)
      for (std::size_t i = 0; i < n_; ++i) sub[i] = so[i] + sj[i];
    if (staff_on)
      for (std::size_t i = 0; i < n_; ++i) staff[i] = w[i] + ch[i];
    if (eb_on)
      for (std::size_t i = 0; i < n_; ++i) eb[i] = rev[i] + sub[i] - costs[i] - staff[i] - pt[i];
    if (op_on)
      for (std::size_t i = 0; i < n_; ++i) op[i] = eb[i] - dep[i] + rel[i];
  }
  if (stage(LedgerStage::corporate_tax)) corporate_tax(years);
  // cash and balance-sheet stocks: running totals per path, month by month
  const double* opening = st_.slot(p_.opening_cash);
  std::vector<double> cash(opening, opening + n_), equity(opening, opening + n_);
  std::vector<double> retained(n_), fixed(n_), cust(n_), vat(n_), supp(n_), social(n_), payroll_taxes(n_),
      corporate_taxes(n_), unreleased(n_), loans(n_);
  const bool net_on = need(Line::net_result) || need(Line::caf), in_on = need(Line::cash_in),
             out_on = need(Line::cash_out), cash_on = need(Line::cash), equity_on = need(Line::equity),
             retained_on = need(Line::retained_results), fixed_on = need(Line::fixed_assets),
             cust_on = need(Line::receivables_customers),
             vat_on = need(Line::payables_vat) || need(Line::receivables_vat),
             supp_on = need(Line::payables_suppliers), social_on = need(Line::payables_social),
             taxes_on = need(Line::payables_taxes) || need(Line::receivables_taxes),
             unreleased_on = need(Line::grants_unreleased), loans_on = need(Line::loans_outstanding);
  for (int m = 0; m < H_; ++m) {
    const std::size_t n = n_;
    auto r = [&](Line l) { return row(l, m); };
    if (net_on)
      net_and_caf(n, r(Line::operating_result), r(Line::interest), r(Line::corporate_tax), r(Line::depreciation),
                  r(Line::grant_release), r(Line::net_result), r(Line::caf));
    if (in_on)
      sum7(n, r(Line::cash_revenue), r(Line::cash_subsidies), r(Line::cash_investment_grants), r(Line::cash_equity),
           r(Line::cash_loans), r(Line::cash_vat_refund), r(Line::cash_corporate_tax_refund), r(Line::cash_in));
    if (out_on)
      sum9(n, r(Line::cash_suppliers), r(Line::cash_wages), r(Line::cash_social_charges), r(Line::cash_investments),
           r(Line::cash_interest), r(Line::cash_principal), r(Line::cash_vat), r(Line::cash_payroll_tax),
           r(Line::cash_corporate_tax), r(Line::cash_out));
    if (cash_on) running_cash(n, r(Line::cash_in), r(Line::cash_out), cash.data(), r(Line::cash));
    // stocks: accrued minus settled
    if (equity_on) stock_add(n, equity.data(), r(Line::equity), r(Line::cash_equity));
    if (retained_on) stock_add(n, retained.data(), r(Line::retained_results), r(Line::net_result));
    if (fixed_on) stock_sub(n, fixed.data(), r(Line::fixed_assets), r(Line::investments), r(Line::depreciation));
    if (cust_on)
      stock_customers(n, cust.data(), r(Line::receivables_customers), r(Line::revenue), r(Line::vat_collected),
                      r(Line::cash_revenue));
    if (vat_on)
      stock_vat(n, vat.data(), r(Line::payables_vat), r(Line::receivables_vat), r(Line::vat_collected),
                r(Line::vat_deductible), r(Line::cash_vat), r(Line::cash_vat_refund));
    // supplier VAT = deductible VAT less the VAT on investments (paid with the investment)
    if (supp_on)
      stock_suppliers(n, supp.data(), r(Line::payables_suppliers), r(Line::costs), r(Line::vat_deductible),
                      r(Line::cash_investments), r(Line::investments), r(Line::cash_suppliers));
    if (social_on)
      stock_sub(n, social.data(), r(Line::payables_social), r(Line::staff_charges), r(Line::cash_social_charges));
    if (taxes_on)
      stock_taxes(n, payroll_taxes.data(), corporate_taxes.data(), r(Line::payables_taxes), r(Line::receivables_taxes),
                  r(Line::payroll_tax), r(Line::corporate_tax), r(Line::cash_payroll_tax), r(Line::cash_corporate_tax),
                  r(Line::cash_corporate_tax_refund));
    if (unreleased_on)
      stock_sub(n, unreleased.data(), r(Line::grants_unreleased), r(Line::investment_grants_awarded),
                r(Line::grant_release));
    if (loans_on)
      stock_sub(n, loans.data(), r(Line::loans_outstanding), r(Line::cash_loans), r(Line::cash_principal));
  }
}

}  // namespace amorce::ledger_detail
