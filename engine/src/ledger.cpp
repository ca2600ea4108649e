#include "amorce/ledger.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <fmt/format.h>

#include "amorce/dispatch.hpp"
#include "amorce/error.hpp"

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

inline int round_month(double x) { return static_cast<int>(std::lround(x)); }
/// Upper bound of a month field: later months only mean "after the horizon".
constexpr int kFarMonth = 1'000'000;

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

class Builder {
 public:
  Builder(BlockState& st, Ledger& L) : st_(st), p_(*st.plan), lv_(p_.live), L_(L), H_(p_.horizon), n_(st.n) {}

  void run() {
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

 private:
  bool stage(LedgerStage s) const { return lv_.stage(static_cast<int>(s)); }
  bool need(Line l) const { return lv_.line(static_cast<int>(l)); }

  double& at(Line l, int m, std::size_t i) { return L_.line(l)[static_cast<std::size_t>(m) * n_ + i]; }
  /// Adds a cash flow at month m when it falls inside the horizon (later: stays a receivable/payable).
  void schedule(Line l, int m, std::size_t i, double v) {
    if (m < 0) m = 0;
    if (m < H_) at(l, m, i) += v;
  }
  double s(int slot, std::size_t i) const { return st_.slot(slot)[i]; }

  /// Records, on the base case only, that `owner` has something at month m >= horizon.
  void beyond(const std::string& owner, const char* what, int m, double amount) {
    if (st_.base_case && m >= H_) L_.beyond.push_back({owner, what, m, amount});
  }

  /// A new per-item cash-flow row (base case only): its index in L_.flows, or -1 when the
  /// ledger does not keep them (Monte Carlo blocks).
  int flow_row(Line l, std::string key, const std::string& label) {
    if (!L_.keep_flows) return -1;
    L_.flows.push_back({std::move(key), label, l, std::vector<double>(static_cast<std::size_t>(H_) * n_, 0.0)});
    return static_cast<int>(L_.flows.size()) - 1;
  }
  /// Records v at month m in a per-item row, with schedule()'s rule (m < 0 is month 0,
  /// past the horizon is dropped).
  void record(int row, int m, std::size_t i, double v) {
    if (row < 0) return;
    if (m < 0) m = 0;
    if (m < H_) L_.flows[static_cast<std::size_t>(row)].v[static_cast<std::size_t>(m) * n_ + i] += v;
  }

  [[noreturn]] void fail(const std::string& owner, int month, std::size_t i, const std::string& what) {
    throw DomainError(fmt::format("{}{}: {} (path {}, seed {})", p_.file.empty() ? "" : p_.file + ": ", owner, what,
                                  st_.first_path + i, st_.seed), owner,
                      month, static_cast<long long>(st_.first_path + i));
  }

  int month_field(const std::string& owner, int slot, std::size_t i, const char* what, int lo, int hi) {
    double v = s(slot, i);
    int m = round_month(std::clamp(v, -1e6, 1e6));
    if (m < lo || m > hi) fail(owner, 0, i, fmt::format("{} {} is outside {}..{}", what, v, lo, hi));
    return m;
  }

  void flows() {
    std::vector<int> delay(n_);
    std::vector<double> vat(n_), exempt(n_);
    // the payroll tax's rapport d'assujettissement needs the revenue not subject to VAT
    const bool track_exempt = vat_on_ && p_.has_payroll_tax && !p_.staff.empty();
    if (track_exempt) exempt_revenue_.assign(static_cast<std::size_t>(H_) * n_, 0.0);
    for (int pass = 0; pass < 2; ++pass) {
      const auto& lines = pass == 0 ? p_.revenue : p_.costs;
      for (const auto& f : lines) {
        std::string owner = (pass == 0 ? "revenue '" : "cost '") + f.name + "'";
        for (std::size_t i = 0; i < n_; ++i) {
          delay[i] = month_field(owner, f.paid_after, i, "paid_after", 0, 1200);
          vat[i] = vat_on_ ? s(f.vat_rate, i) : 0.0;
          if (vat[i] < 0 || vat[i] > 1) fail(owner, 0, i, fmt::format("vat_rate {} is outside 0..1", vat[i]));
          exempt[i] = vat[i] == 0 ? 1.0 : 0.0;
        }
        const bool add_exempt = track_exempt && pass == 0;
        Line acc = pass == 0 ? Line::revenue : Line::costs;
        Line vat_line = pass == 0 ? Line::vat_collected : Line::vat_deductible;
        Line cash_line = pass == 0 ? Line::cash_revenue : Line::cash_suppliers;
        const int row = flow_row(cash_line, (pass == 0 ? "revenue:" : "cost:") + f.name, f.label.empty() ? f.name : f.label);
        // a pruned Plan writes only the lines someone reads (prune.cpp)
        const bool acc_on = need(acc), vat_on = need(vat_line), var_on = f.variable && need(Line::variable_costs),
                   cash_on = need(cash_line);
        for (int m = 0; m < H_; ++m) {
          const double* a = st_.hist(f.amount_hist, m);
          double* acc_m = L_.line(acc) + static_cast<std::size_t>(m) * n_;
          double* vat_m = L_.line(vat_line) + static_cast<std::size_t>(m) * n_;
          double* var_m = L_.line(Line::variable_costs) + static_cast<std::size_t>(m) * n_;
          if (acc_on)
            for (std::size_t i = 0; i < n_; ++i) acc_m[i] += a[i];
          if (vat_on)
            for (std::size_t i = 0; i < n_; ++i) vat_m[i] += a[i] * vat[i];
          if (var_on)
            for (std::size_t i = 0; i < n_; ++i) var_m[i] += a[i];
          if (add_exempt) {
            double* ex_m = exempt_revenue_.data() + static_cast<std::size_t>(m) * n_;
            for (std::size_t i = 0; i < n_; ++i) ex_m[i] += a[i] * exempt[i];
          }
          if (cash_on)
            for (std::size_t i = 0; i < n_; ++i)
              if (a[i] != 0) schedule(cash_line, m + delay[i], i, a[i] * (1 + vat[i]));
          if (row >= 0)
            for (std::size_t i = 0; i < n_; ++i)
              if (a[i] != 0) record(row, m + delay[i], i, a[i] * (1 + vat[i]));
        }
      }
    }
  }

  void staff() {
    for (const auto& sp : p_.staff) {
      const std::string label = sp.label.empty() ? (sp.role.empty() ? sp.name : sp.role) : sp.label;
      const int wages = flow_row(Line::cash_wages, "wages:" + sp.name, label);
      const int charges = flow_row(Line::cash_social_charges, "social_charges:" + sp.name, label);
      const bool wages_on = need(Line::staff_wages), charges_on = need(Line::staff_charges),
                 cash_wages_on = need(Line::cash_wages), cash_charges_on = need(Line::cash_social_charges);
      for (int m = 0; m < H_; ++m) {
        const double* w = st_.hist(sp.wage_hist, m);
        const double* c = st_.hist(sp.charges_hist, m);
        if (wages_on)
          for (std::size_t i = 0; i < n_; ++i) at(Line::staff_wages, m, i) += w[i];
        if (charges_on)
          for (std::size_t i = 0; i < n_; ++i) at(Line::staff_charges, m, i) += c[i];
        if (cash_wages_on)
          for (std::size_t i = 0; i < n_; ++i) at(Line::cash_wages, m, i) += w[i];  // wages paid in the month
        if (cash_charges_on)
          for (std::size_t i = 0; i < n_; ++i) schedule(Line::cash_social_charges, m + 1, i, c[i]);  // the month after
        if (wages >= 0)
          for (std::size_t i = 0; i < n_; ++i) {
            record(wages, m, i, w[i]);
            record(charges, m + 1, i, c[i]);
          }
      }
    }
  }

  /// Runs the payment program of a grant for agreement [start, end) set per path; returns
  /// (share, month) per path and payment.
  void payment_terms(const std::vector<PaymentPlan>& pays, std::vector<double>& shares, std::vector<int>& months,
                     const std::string& owner, const std::vector<char>& active) {
    // every entry is written below: no zeroing (this runs once per agreement, 60 times a
    // block for a monthly grant)
    shares.resize(pays.size() * n_);
    months.resize(pays.size() * n_);
    for (std::size_t k = 0; k < pays.size(); ++k) {
      run_program(st_, p_.payment_prog, pays[k].begin, pays[k].end);
      for (std::size_t i = 0; i < n_; ++i) {
        shares[k * n_ + i] = s(pays[k].share, i);
        months[k * n_ + i] = std::max(0, round_month(std::clamp(s(pays[k].at, i), -1e6, 1e6)));
      }
    }
    for (std::size_t i = 0; i < n_; ++i) {
      if (!active[i]) continue;
      double sum = 0;
      for (std::size_t k = 0; k < pays.size(); ++k) {
        double sh = shares[k * n_ + i];
        if (sh < 0 || sh > 1) fail(owner, st_.month, i, fmt::format("payment share {} is outside 0..1", sh));
        sum += sh;
      }
      if (std::fabs(sum - 1) > 1e-9) fail(owner, st_.month, i, fmt::format("payment shares sum to {}, expected 1", sum));
    }
  }

  /// Balance-sheet position of one grant agreement on path i, shown gross (spec 5, French
  /// presentation): income recognised [lo, hi_h) at per_month less the payments received so
  /// far; positive = *subvention à recevoir*, negative = *produit constaté d'avance*. Each
  /// agreement is its own receivable or advance: one funder's advance never offsets another's
  /// (or another year's) unpaid balance. The walk stops once every event is past and the
  /// position is settled (|position| < 1e-6 €, floating-point residue); an unsettled one
  /// (payment due after the horizon) is carried to the last month.
  void agreement_stock(Line receivable, Line advance, std::size_t i, int lo, int hi_h, double per_month, double total,
                       std::size_t n_pay, const std::vector<double>& shares, const std::vector<int>& months) {
    int first = lo, last = hi_h - 1;
    for (std::size_t q = 0; q < n_pay; ++q) {
      const int pm = months[q * n_ + i];
      if (pm < H_) first = std::min(first, pm), last = std::max(last, pm);
    }
    double earned = 0, paid = 0;
    for (int m = std::max(first, 0); m < H_; ++m) {
      if (m >= lo && m < hi_h) earned += per_month;
      for (std::size_t q = 0; q < n_pay; ++q)
        if (months[q * n_ + i] == m) paid += total * shares[q * n_ + i];
      const double pos = earned - paid;
      if (m >= last && std::fabs(pos) < 1e-6) break;
      if (pos > 0) at(receivable, m, i) += pos;
      else if (pos < 0) at(advance, m, i) -= pos;
    }
  }

  void subsidies() {
    const auto years = fiscal_years(p_);
    std::vector<double> shares;
    std::vector<int> months;
    std::vector<char> active(n_);
    std::vector<int> cs(n_), ce(n_);  // covered [cs, ce) per path
    for (std::size_t k = 0; k < p_.subsidies.size(); ++k) {
      const SubsidyPlan& sp = p_.subsidies[k];
      std::string owner = "subsidy '" + sp.name + "'";
      Line line = sp.kind == "job" ? Line::subsidies_job : Line::subsidies_operating;
      double* income = lv_.subsidy_income ? L_.subsidy_income.data() + k * static_cast<std::size_t>(H_) * n_ : nullptr;
      const bool stocks = stage(LedgerStage::agreement_stocks);
      const bool line_on = need(line), cash_on = need(Line::cash_subsidies);
      const int row = flow_row(Line::cash_subsidies, "subsidy:" + sp.name, sp.label.empty() ? sp.name : sp.label);
      std::vector<int> from(n_), until(n_);
      for (std::size_t i = 0; i < n_; ++i) {
        from[i] = std::max(0, round_month(std::clamp(s(sp.from, i), -1e6, 1e6)));
        until[i] = round_month(std::clamp(s(sp.until, i), -1e6, 1e6));
      }
      // agreements: one per fiscal year, per month, or a single one
      const bool yearly = sp.period == "year", monthly = sp.period == "month";  // not per path
      int n_agreements = yearly ? static_cast<int>(years.size()) : monthly ? H_ : 1;
      for (int a = 0; a < n_agreements; ++a) {
        bool any = false;
        for (std::size_t i = 0; i < n_; ++i) {
          int lo, hi;
          if (yearly) {
            lo = std::max(from[i], years[a].first);
            hi = std::min({until[i], years[a].last + 1, H_});
          } else if (monthly) {
            lo = a;
            hi = (a >= from[i] && a < until[i]) ? a + 1 : a;
          } else {
            lo = from[i];
            hi = until[i];  // once: the whole span, even past the horizon
          }
          cs[i] = lo;
          ce[i] = hi;
          active[i] = hi > lo && lo < H_ && s(sp.granted, i) != 0;
          if (a == 0 && from[i] >= H_ && from[i] < until[i] && s(sp.granted, i) != 0) beyond(owner, "start", from[i], 0);
          any |= active[i] != 0;
          st_.slot(p_.start_slot)[i] = lo;
          st_.slot(p_.end_slot)[i] = hi;
        }
        if (!any) continue;
        st_.month = std::clamp(cs[0], 0, H_ - 1);
        payment_terms(sp.payments, shares, months, owner, active);
        for (std::size_t i = 0; i < n_; ++i) {
          if (!active[i]) continue;
          int lo = cs[i], hi = ce[i];
          double amount = st_.hist(sp.amount_hist, std::min(lo, H_ - 1))[i];
          double total, per_month;
          if (yearly) {
            per_month = amount / 12.0;
            total = per_month * (hi - lo);
          } else if (monthly) {
            per_month = amount;
            total = amount;
          } else {
            total = amount;
            per_month = amount / (hi - lo);
          }
          if (line_on)
            for (int m = lo; m < std::min(hi, H_); ++m) at(line, m, i) += per_month;
          if (income)
            for (int m = lo; m < std::min(hi, H_); ++m) income[static_cast<std::size_t>(m) * n_ + i] += per_month;
          for (std::size_t q = 0; q < sp.payments.size(); ++q) {
            if (cash_on) schedule(Line::cash_subsidies, months[q * n_ + i], i, total * shares[q * n_ + i]);
            beyond(owner, "payment", months[q * n_ + i], total * shares[q * n_ + i]);
            record(row, months[q * n_ + i], i, total * shares[q * n_ + i]);
          }
          if (stocks)
            agreement_stock(Line::receivables_subsidies, Line::deferred_income, i, lo, std::min(hi, H_), per_month, total,
                            sp.payments.size(), shares, months);
        }
      }
    }
  }

  void investments() {
    std::vector<double> shares;
    std::vector<int> months;
    std::vector<char> active(n_);
    const bool inv_on = need(Line::investments), vat_on = need(Line::vat_deductible),
               cash_on = need(Line::cash_investments), dep_on = need(Line::depreciation),
               awarded_on = need(Line::investment_grants_awarded), release_on = need(Line::grant_release),
               grant_cash_on = need(Line::cash_investment_grants);
    for (const auto& ip : p_.investments) {
      std::string owner = "investment '" + ip.name + "'";
      const std::string grant_owner = owner + " grant";
      std::vector<int> when(n_);
      const std::string label = ip.label.empty() ? ip.name : ip.label;
      const int row = flow_row(Line::cash_investments, "investment:" + ip.name, label);
      const int grant_row = ip.has_grant ? flow_row(Line::cash_investment_grants, "investment_grant:" + ip.name, label) : -1;
      for (std::size_t i = 0; i < n_; ++i) {
        when[i] = month_field(owner, ip.month, i, "month", 0, kFarMonth);
        int life = round_month(s(ip.life, i));
        if (life < 1) fail(owner, std::min(when[i], H_ - 1), i, fmt::format("life {} must be at least 1 month", s(ip.life, i)));
        double amount = s(ip.amount, i);
        active[i] = 0;
        grant_[i] = 0;
        if (when[i] >= H_) {  // bought after the horizon: never within the study
          beyond(owner, "purchase", when[i], amount);
          st_.slot(p_.start_slot)[i] = when[i];
          st_.slot(p_.end_slot)[i] = when[i] + 1;
          continue;
        }
        double vat = vat_on_ ? s(ip.vat_rate, i) : 0.0;
        int d = when[i];
        if (inv_on) at(Line::investments, d, i) += amount;
        if (vat_on) at(Line::vat_deductible, d, i) += amount * vat;
        if (cash_on) at(Line::cash_investments, d, i) += amount * (1 + vat);
        record(row, d, i, amount * (1 + vat));
        double dep = amount / life;
        if (dep_on)
          for (int m = d; m < std::min(H_, d + life); ++m) at(Line::depreciation, m, i) += dep;
        double grant = 0;
        if (ip.has_grant && s(ip.granted, i) != 0)
          grant = ip.grant_amount >= 0 ? s(ip.grant_amount, i) : s(ip.grant_share, i) * amount;
        active[i] = grant != 0;
        if (grant != 0) {
          if (awarded_on) at(Line::investment_grants_awarded, d, i) += grant;
          if (release_on)
            for (int m = d; m < std::min(H_, d + life); ++m) at(Line::grant_release, m, i) += grant / life;
        }
        st_.slot(p_.start_slot)[i] = d;
        st_.slot(p_.end_slot)[i] = d + 1;
        grant_[i] = grant;
      }
      if (!ip.has_grant) continue;
      payment_terms(ip.payments, shares, months, grant_owner, active);
      for (std::size_t i = 0; i < n_; ++i) {
        if (!active[i]) continue;
        for (std::size_t q = 0; q < ip.payments.size(); ++q) {
          if (grant_cash_on) schedule(Line::cash_investment_grants, months[q * n_ + i], i, grant_[i] * shares[q * n_ + i]);
          beyond(grant_owner, "payment", months[q * n_ + i], grant_[i] * shares[q * n_ + i]);
          record(grant_row, months[q * n_ + i], i, grant_[i] * shares[q * n_ + i]);
        }
        // awarded in the month of purchase: receivable until paid, an advance if paid before
        if (stage(LedgerStage::agreement_stocks))
          agreement_stock(Line::receivables_investment_grants, Line::advances_investment_grants, i, when[i], when[i] + 1,
                          grant_[i], grant_[i], ip.payments.size(), shares, months);
      }
    }
  }

  /// True when `slot` holds the same bits on every path of the block.
  bool uniform(int slot) const {
    if (slot < 0) return true;
    const double* v = st_.slot(slot);
    const auto first = std::bit_cast<std::uint64_t>(v[0]);
    for (std::size_t i = 1; i < n_; ++i)
      if (std::bit_cast<std::uint64_t>(v[i]) != first) return false;
    return true;
  }

  void loans() {
    const bool draw_on = need(Line::cash_loans), interest_on = need(Line::interest),
               cash_interest_on = need(Line::cash_interest), principal_on = need(Line::cash_principal);
    struct Due { int m; double interest, principal; };
    std::vector<Due> dues;
    for (const auto& lp : p_.loans) {
      std::string owner = "loan '" + lp.name + "'";
      const std::string label = lp.label.empty() ? lp.name : lp.label;
      const int draw_row = flow_row(Line::cash_loans, "loan:" + lp.name, label);
      const int interest_row = flow_row(Line::cash_interest, "loan_interest:" + lp.name, label);
      const int principal_row = flow_row(Line::cash_principal, "loan_principal:" + lp.name, label);
      const int type = lp.type == "annuity" ? 0 : lp.type == "linear" ? 1 : 2;  // else bullet
      // path i's draw month (or -1 past the horizon) and its monthly dues
      auto schedule_of = [&](std::size_t i, double& P) {
        dues.clear();
        int d = month_field(owner, lp.month, i, "month", 0, kFarMonth);
        P = s(lp.principal, i);
        if (d >= H_) {  // drawn after the horizon: never within the study
          beyond(owner, "draw", d, P);
          return -1;
        }
        int term = round_month(s(lp.term, i));
        int def = round_month(s(lp.deferral, i));
        double r = s(lp.rate, i) / 12.0;
        if (term < 1) fail(owner, d, i, fmt::format("term {} must be at least 1 month", term));
        if (def < 0 || def >= term) fail(owner, d, i, fmt::format("deferral {} must be between 0 and term - 1 ({})", def, term - 1));
        if (P < 0) fail(owner, d, i, fmt::format("principal {} is negative", P));
        int nrep = term - def;
        double annuity = r == 0 ? P / nrep : P * r / (1 - std::pow(1 + r, -nrep));
        double bal = P;
        for (int k = 1; k <= term && d + k < H_; ++k) {
          double interest = bal * r;
          double principal = 0;
          if (k > def) {
            if (type == 0) principal = k == term ? bal : annuity - interest;
            else if (type == 1) principal = k == term ? bal : P / nrep;
            else principal = k == term ? bal : 0.0;
          }
          bal -= principal;
          dues.push_back({d + k, interest, principal});
        }
        return d;
      };
      // Terms identical on every path (literal terms, the common case): one schedule for the
      // block, added to every path (the same arithmetic, so the same bits as path by path).
      if (!L_.keep_flows && !st_.base_case &&
          uniform(lp.month) && uniform(lp.term) && uniform(lp.deferral) && uniform(lp.principal) && uniform(lp.rate)) {
        double P = 0;
        const int d = schedule_of(0, P);
        if (d < 0) continue;
        auto add = [&](Line l, int m, double v) {
          double* row = L_.line(l) + static_cast<std::size_t>(m) * n_;
          for (std::size_t i = 0; i < n_; ++i) row[i] += v;
        };
        if (draw_on) add(Line::cash_loans, d, P);
        for (const Due& due : dues) {
          if (interest_on) add(Line::interest, due.m, due.interest);
          if (cash_interest_on) add(Line::cash_interest, due.m, due.interest);
          if (principal_on) add(Line::cash_principal, due.m, due.principal);
        }
        continue;
      }
      for (std::size_t i = 0; i < n_; ++i) {
        double P = 0;
        const int d = schedule_of(i, P);
        if (d < 0) continue;
        if (draw_on) at(Line::cash_loans, d, i) += P;
        record(draw_row, d, i, P);
        for (const Due& due : dues) {
          if (interest_on) at(Line::interest, due.m, i) += due.interest;
          if (cash_interest_on) at(Line::cash_interest, due.m, i) += due.interest;
          if (principal_on) at(Line::cash_principal, due.m, i) += due.principal;
          record(interest_row, due.m, i, due.interest);
          record(principal_row, due.m, i, due.principal);
        }
      }
    }
  }

  void equity() {
    for (std::size_t k = 0; k < p_.equity.size(); ++k) {
      const auto& e = p_.equity[k];
      const int row = flow_row(Line::cash_equity, "equity:" + std::to_string(k + 1),
                               e.label.empty() ? "equity " + std::to_string(k + 1) : e.label);
      for (std::size_t i = 0; i < n_; ++i) {
        int m = month_field("financing: equity", e.month, i, "month", 0, kFarMonth);
        if (m >= H_) {
          beyond("equity", "contribution", m, s(e.amount, i));
          continue;
        }
        at(Line::cash_equity, m, i) += s(e.amount, i);
        record(row, m, i, s(e.amount, i));
      }
    }
  }

  void in_kind() {
    for (const auto& [label, h] : p_.in_kind)
      for (int m = 0; m < H_; ++m)
        for (std::size_t i = 0; i < n_; ++i) at(Line::in_kind, m, i) += st_.hist(h, m)[i];
  }

  /// Month index of the first month of the calendar quarter after month m's quarter.
  int after_quarter(int m) const {
    int cal = (p_.start_month - 1 + m) % 12;  // 0..11
    return m + (2 - cal % 3) + 1;
  }

  void payroll_tax() {
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

  /// Rapport d'assujettissement (art. 231, 1 CGI): an employer subject to VAT pays the payroll
  /// tax on the share of its pay equal to (receipts not subject to VAT) / (total receipts), over
  /// the fiscal year; operating and job subsidies outside the scope of VAT count in both
  /// (BOI-TPS-TS-20-30 n° 160); subject to VAT on 90 % or more of them, it owes none.
  void assujettissement(const FiscalYear& fy, std::vector<double>& tax) {
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

  void vat_settlement() {
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

  /// Corporate tax (art. 1668 CGI; art. 359 and 360 bis annexe III CGI): rate x max(0, result
  /// before tax) of each fiscal year, a final year cut by the horizon included, booked in its
  /// last month. From the second year, four instalments of a quarter of the previous year's
  /// tax when it exceeds the threshold, on the quarter months (March, June, September,
  /// December) 2 to 4, 5 to 7, 8 to 10 and 11 to 13 months after the previous year's end; the
  /// balance is paid in month last + 5 (spec), an excess of instalments refunded in month
  /// last + 6 (within 30 days of the relevé de solde).
  void corporate_tax(const std::vector<FiscalYear>& years) {
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

  void results_and_cash() {
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

  BlockState& st_;
  const Plan& p_;
  const Liveness& lv_;
  Ledger& L_;
  int H_;
  std::size_t n_;
  bool vat_on_ = false;
  std::vector<double> grant_ = std::vector<double>(n_);
  std::vector<double> exempt_revenue_;  ///< [month][path] revenue at VAT rate 0 (payroll tax ratio)
};

}  // namespace

void simulate_block(BlockState& st, Ledger& out) {
  run_static(st);
  for (int m = 0; m < st.plan->horizon; ++m) run_month(st, m);
  Builder(st, out).run();
}

}  // namespace amorce
