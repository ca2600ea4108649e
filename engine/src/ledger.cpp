#include "amorce/ledger.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "amorce/error.hpp"

namespace amorce {

const char* line_name(Line l) {
  static const char* names[] = {
      "revenue", "subsidies_operating", "subsidies_job", "subsidies", "costs", "variable_costs",
      "staff_wages", "staff_charges", "staff", "payroll_tax", "ebitda", "depreciation",
      "grant_release", "operating_result", "interest", "corporate_tax", "net_result", "caf",
      "in_kind", "cash_revenue", "cash_subsidies", "cash_investment_grants", "cash_equity",
      "cash_loans", "cash_suppliers", "cash_wages", "cash_social_charges", "cash_investments",
      "cash_interest", "cash_principal", "cash_vat", "cash_payroll_tax", "cash_corporate_tax",
      "cash_in", "cash_out", "cash", "investments", "vat_collected", "vat_deductible",
      "investment_grants_awarded", "fixed_assets", "receivables_customers",
      "receivables_subsidies", "receivables_investment_grants", "receivables_vat",
      "deferred_income", "payables_suppliers", "payables_social", "payables_taxes",
      "payables_vat", "equity", "retained_results", "grants_unreleased", "loans_outstanding"};
  static_assert(sizeof(names) / sizeof(names[0]) == kLineCount);
  return names[static_cast<int>(l)];
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

class Builder {
 public:
  Builder(BlockState& st, Ledger& L) : st_(st), p_(*st.plan), L_(L), H_(p_.horizon), n_(st.n) {}

  void run() {
    L_.horizon = H_;
    L_.n = n_;
    L_.data.assign(static_cast<std::size_t>(kLineCount) * H_ * n_, 0.0);
    L_.subsidy_income.assign(p_.subsidies.size() * static_cast<std::size_t>(H_) * n_, 0.0);
    vat_on_ = p_.vat_regime != "none";
    flows();
    staff();
    subsidies();
    investments();
    loans();
    equity();
    payroll_tax();
    vat_settlement();
    results_and_cash();
  }

 private:
  double& at(Line l, int m, std::size_t i) { return L_.line(l)[static_cast<std::size_t>(m) * n_ + i]; }
  /// Adds a cash flow at month m when it falls inside the horizon (later: stays a receivable/payable).
  void schedule(Line l, int m, std::size_t i, double v) {
    if (m < 0) m = 0;
    if (m < H_) at(l, m, i) += v;
  }
  double s(int slot, std::size_t i) const { return st_.slot(slot)[i]; }

  [[noreturn]] void fail(const std::string& owner, int month, std::size_t i, const std::string& what) {
    throw DomainError(fmt::format("{}: {} (path {}, seed {})", owner, what, st_.first_path + i, st_.seed), owner,
                      month, static_cast<long long>(st_.first_path + i));
  }

  int month_field(const std::string& owner, int slot, std::size_t i, const char* what, int lo, int hi) {
    double v = s(slot, i);
    int m = round_month(v);
    if (m < lo || m > hi) fail(owner, 0, i, fmt::format("{} {} is outside {}..{}", what, v, lo, hi));
    return m;
  }

  void flows() {
    for (int pass = 0; pass < 2; ++pass) {
      const auto& lines = pass == 0 ? p_.revenue : p_.costs;
      for (const auto& f : lines) {
        std::string owner = (pass == 0 ? "revenue '" : "cost '") + f.name + "'";
        for (std::size_t i = 0; i < n_; ++i) {
          int delay = month_field(owner, f.paid_after, i, "paid_after", 0, 1200);
          double vat = vat_on_ ? s(f.vat_rate, i) : 0.0;
          if (vat < 0 || vat > 1) fail(owner, 0, i, fmt::format("vat_rate {} is outside 0..1", vat));
          for (int m = 0; m < H_; ++m) {
            double a = st_.hist(f.amount_hist, m)[i];
            if (a == 0) continue;
            if (pass == 0) {
              at(Line::revenue, m, i) += a;
              at(Line::vat_collected, m, i) += a * vat;
              schedule(Line::cash_revenue, m + delay, i, a * (1 + vat));
            } else {
              at(Line::costs, m, i) += a;
              if (f.variable) at(Line::variable_costs, m, i) += a;
              at(Line::vat_deductible, m, i) += a * vat;
              schedule(Line::cash_suppliers, m + delay, i, a * (1 + vat));
            }
          }
        }
      }
    }
  }

  void staff() {
    for (const auto& sp : p_.staff) {
      for (int m = 0; m < H_; ++m) {
        const double* w = st_.hist(sp.wage_hist, m);
        const double* c = st_.hist(sp.charges_hist, m);
        for (std::size_t i = 0; i < n_; ++i) {
          at(Line::staff_wages, m, i) += w[i];
          at(Line::staff_charges, m, i) += c[i];
          at(Line::cash_wages, m, i) += w[i];               // wages paid in the month
          schedule(Line::cash_social_charges, m + 1, i, c[i]);  // charges the month after
        }
      }
    }
  }

  /// Runs the payment program of a grant for agreement [start, end) set per path; returns
  /// (share, month) per path and payment.
  void payment_terms(const std::vector<PaymentPlan>& pays, std::vector<double>& shares, std::vector<int>& months,
                     const std::string& owner, const std::vector<char>& active) {
    shares.assign(pays.size() * n_, 0.0);
    months.assign(pays.size() * n_, 0);
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
      double* income = L_.subsidy_income.data() + k * static_cast<std::size_t>(H_) * n_;
      std::vector<int> from(n_), until(n_);
      for (std::size_t i = 0; i < n_; ++i) {
        from[i] = std::max(0, round_month(std::clamp(s(sp.from, i), -1e6, 1e6)));
        until[i] = round_month(std::clamp(s(sp.until, i), -1e6, 1e6));
      }
      // agreements: one per fiscal year, per month, or a single one
      int n_agreements = sp.period == "year" ? static_cast<int>(years.size()) : sp.period == "month" ? H_ : 1;
      for (int a = 0; a < n_agreements; ++a) {
        bool any = false;
        for (std::size_t i = 0; i < n_; ++i) {
          int lo, hi;
          if (sp.period == "year") {
            lo = std::max(from[i], years[a].first);
            hi = std::min({until[i], years[a].last + 1, H_});
          } else if (sp.period == "month") {
            lo = a;
            hi = (a >= from[i] && a < until[i]) ? a + 1 : a;
          } else {
            lo = from[i];
            hi = until[i];  // once: the whole span, even past the horizon
          }
          cs[i] = lo;
          ce[i] = hi;
          active[i] = hi > lo && lo < H_ && s(sp.granted, i) != 0;
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
          if (sp.period == "year") {
            per_month = amount / 12.0;
            total = per_month * (hi - lo);
          } else if (sp.period == "month") {
            per_month = amount;
            total = amount;
          } else {
            total = amount;
            per_month = amount / (hi - lo);
          }
          for (int m = lo; m < std::min(hi, H_); ++m) {
            at(line, m, i) += per_month;
            income[static_cast<std::size_t>(m) * n_ + i] += per_month;
          }
          for (std::size_t q = 0; q < sp.payments.size(); ++q)
            schedule(Line::cash_subsidies, months[q * n_ + i], i, total * shares[q * n_ + i]);
        }
      }
    }
  }

  void investments() {
    std::vector<double> shares;
    std::vector<int> months;
    std::vector<char> active(n_);
    for (const auto& ip : p_.investments) {
      std::string owner = "investment '" + ip.name + "'";
      std::vector<int> when(n_);
      for (std::size_t i = 0; i < n_; ++i) {
        when[i] = month_field(owner, ip.month, i, "month", 0, H_ - 1);
        int life = round_month(s(ip.life, i));
        if (life < 1) fail(owner, when[i], i, fmt::format("life {} must be at least 1 month", s(ip.life, i)));
        double amount = s(ip.amount, i);
        double vat = vat_on_ ? s(ip.vat_rate, i) : 0.0;
        int d = when[i];
        at(Line::investments, d, i) += amount;
        at(Line::vat_deductible, d, i) += amount * vat;
        at(Line::cash_investments, d, i) += amount * (1 + vat);
        double dep = amount / life;
        for (int m = d; m < std::min(H_, d + life); ++m) at(Line::depreciation, m, i) += dep;
        double grant = 0;
        if (ip.has_grant && s(ip.granted, i) != 0)
          grant = ip.grant_amount >= 0 ? s(ip.grant_amount, i) : s(ip.grant_share, i) * amount;
        active[i] = grant != 0;
        if (grant != 0) {
          at(Line::investment_grants_awarded, d, i) += grant;
          for (int m = d; m < std::min(H_, d + life); ++m) at(Line::grant_release, m, i) += grant / life;
        }
        st_.slot(p_.start_slot)[i] = d;
        st_.slot(p_.end_slot)[i] = d + 1;
        grant_[i] = grant;
      }
      if (!ip.has_grant) continue;
      payment_terms(ip.payments, shares, months, owner + " grant", active);
      for (std::size_t i = 0; i < n_; ++i) {
        if (!active[i]) continue;
        for (std::size_t q = 0; q < ip.payments.size(); ++q)
          schedule(Line::cash_investment_grants, months[q * n_ + i], i, grant_[i] * shares[q * n_ + i]);
      }
    }
  }

  void loans() {
    for (const auto& lp : p_.loans) {
      std::string owner = "loan '" + lp.name + "'";
      for (std::size_t i = 0; i < n_; ++i) {
        int d = month_field(owner, lp.month, i, "month", 0, H_ - 1);
        int term = round_month(s(lp.term, i));
        int def = round_month(s(lp.deferral, i));
        double P = s(lp.principal, i), r = s(lp.rate, i) / 12.0;
        if (term < 1) fail(owner, d, i, fmt::format("term {} must be at least 1 month", term));
        if (def < 0 || def >= term) fail(owner, d, i, fmt::format("deferral {} must be between 0 and term - 1 ({})", def, term - 1));
        if (P < 0) fail(owner, d, i, fmt::format("principal {} is negative", P));
        at(Line::cash_loans, d, i) += P;
        int nrep = term - def;
        double annuity = r == 0 ? P / nrep : P * r / (1 - std::pow(1 + r, -nrep));
        double bal = P;
        for (int k = 1; k <= term && d + k < H_; ++k) {
          int m = d + k;
          double interest = bal * r;
          double principal = 0;
          if (k > def) {
            if (lp.type == "annuity") principal = k == term ? bal : annuity - interest;
            else if (lp.type == "linear") principal = k == term ? bal : P / nrep;
            else principal = k == term ? bal : 0.0;  // bullet
          }
          bal -= principal;
          at(Line::interest, m, i) += interest;
          at(Line::cash_interest, m, i) += interest;
          at(Line::cash_principal, m, i) += principal;
        }
      }
    }
  }

  void equity() {
    for (const auto& e : p_.equity)
      for (std::size_t i = 0; i < n_; ++i) {
        int m = month_field("financing: equity", e.month, i, "month", 0, H_ - 1);
        at(Line::cash_equity, m, i) += s(e.amount, i);
      }
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
    for (std::size_t i = 0; i < n_; ++i) {
      for (const auto& fy : years) {
        double total = 0;
        for (const auto& sp : p_.staff)
          for (int m = fy.first; m <= fy.last; ++m) {
            double fte = st_.hist(sp.fte_hist, m)[i];
            if (fte == 0) continue;
            double g = st_.hist(sp.gross_hist, m)[i] * 12 * std::pow(1 + st_.hist(sp.raise_hist, m)[i], fiscal_year_of(p_, m));
            total += fte * payroll_tax_brackets(p_.payroll_tax, g) / 12.0;
          }
        double net = std::max(0.0, total - p_.payroll_tax.allowance * fy.months() / 12.0);
        double per_month = net / fy.months();
        for (int m = fy.first; m <= fy.last; ++m) {
          at(Line::payroll_tax, m, i) += per_month;
          schedule(Line::cash_payroll_tax, after_quarter(m), i, per_month);
        }
      }
    }
  }

  void vat_settlement() {
    if (!vat_on_) return;
    bool quarterly = p_.vat_regime == "quarterly";
    for (std::size_t i = 0; i < n_; ++i) {
      double credit = 0, period_net = 0;
      for (int m = 0; m < H_; ++m) {
        period_net += at(Line::vat_collected, m, i) - at(Line::vat_deductible, m, i);
        int cal = (p_.start_month - 1 + m) % 12;
        bool period_end = !quarterly || cal % 3 == 2 || m == H_ - 1;
        if (!period_end) continue;
        if (m == H_ - 1 && quarterly && cal % 3 != 2) break;  // quarter cut by the horizon: not settled
        double due = period_net - credit;
        if (due > 0) {
          schedule(Line::cash_vat, m + 1, i, due);
          credit = 0;
        } else {
          credit = -due;
        }
        period_net = 0;
      }
    }
  }

  void results_and_cash() {
    const auto years = fiscal_years(p_);
    for (std::size_t i = 0; i < n_; ++i) {
      // P&L
      for (int m = 0; m < H_; ++m) {
        at(Line::subsidies, m, i) = at(Line::subsidies_operating, m, i) + at(Line::subsidies_job, m, i);
        at(Line::staff, m, i) = at(Line::staff_wages, m, i) + at(Line::staff_charges, m, i);
        double ebitda = at(Line::revenue, m, i) + at(Line::subsidies, m, i) - at(Line::costs, m, i) -
                        at(Line::staff, m, i) - at(Line::payroll_tax, m, i);
        at(Line::ebitda, m, i) = ebitda;
        at(Line::operating_result, m, i) = ebitda - at(Line::depreciation, m, i) + at(Line::grant_release, m, i);
      }
      // corporate tax on each complete fiscal year's positive result before tax
      for (const auto& fy : years) {
        if (!fy.complete) continue;
        double before = 0;
        for (int m = fy.first; m <= fy.last; ++m) before += at(Line::operating_result, m, i) - at(Line::interest, m, i);
        double tax = s(p_.corporate_rate, i) * std::max(0.0, before);
        at(Line::corporate_tax, fy.last, i) += tax;
        schedule(Line::cash_corporate_tax, fy.last + 4, i, tax);
      }
      // cash and balance-sheet stocks
      double cash = s(p_.opening_cash, i);
      double equity = cash, retained = 0, fixed = 0, cust = 0, subs = 0, igr = 0, vat = 0, supp = 0, social = 0,
             taxes = 0, unreleased = 0, loans = 0;
      for (int m = 0; m < H_; ++m) {
        double net = at(Line::operating_result, m, i) - at(Line::interest, m, i) - at(Line::corporate_tax, m, i);
        at(Line::net_result, m, i) = net;
        at(Line::caf, m, i) = net + at(Line::depreciation, m, i) - at(Line::grant_release, m, i);
        double in = at(Line::cash_revenue, m, i) + at(Line::cash_subsidies, m, i) + at(Line::cash_investment_grants, m, i) +
                    at(Line::cash_equity, m, i) + at(Line::cash_loans, m, i);
        double out = at(Line::cash_suppliers, m, i) + at(Line::cash_wages, m, i) + at(Line::cash_social_charges, m, i) +
                     at(Line::cash_investments, m, i) + at(Line::cash_interest, m, i) + at(Line::cash_principal, m, i) +
                     at(Line::cash_vat, m, i) + at(Line::cash_payroll_tax, m, i) + at(Line::cash_corporate_tax, m, i);
        at(Line::cash_in, m, i) = in;
        at(Line::cash_out, m, i) = out;
        cash += in - out;
        at(Line::cash, m, i) = cash;
        // stocks: accrued minus settled
        double vat_c = at(Line::vat_collected, m, i), vat_d = at(Line::vat_deductible, m, i);
        equity += at(Line::cash_equity, m, i);
        retained += net;
        fixed += at(Line::investments, m, i) - at(Line::depreciation, m, i);
        cust += at(Line::revenue, m, i) + vat_c - at(Line::cash_revenue, m, i);
        subs += at(Line::subsidies, m, i) - at(Line::cash_subsidies, m, i);
        igr += at(Line::investment_grants_awarded, m, i) - at(Line::cash_investment_grants, m, i);
        vat += vat_c - vat_d - at(Line::cash_vat, m, i);
        // supplier VAT = deductible VAT less the VAT on investments (paid with the investment)
        double invest_vat = at(Line::cash_investments, m, i) - at(Line::investments, m, i);
        supp += at(Line::costs, m, i) + vat_d - invest_vat - at(Line::cash_suppliers, m, i);
        social += at(Line::staff_charges, m, i) - at(Line::cash_social_charges, m, i);
        taxes += at(Line::payroll_tax, m, i) + at(Line::corporate_tax, m, i) - at(Line::cash_payroll_tax, m, i) -
                 at(Line::cash_corporate_tax, m, i);
        unreleased += at(Line::investment_grants_awarded, m, i) - at(Line::grant_release, m, i);
        loans += at(Line::cash_loans, m, i) - at(Line::cash_principal, m, i);
        at(Line::fixed_assets, m, i) = fixed;
        at(Line::receivables_customers, m, i) = cust;
        at(Line::receivables_subsidies, m, i) = subs > 0 ? subs : 0;
        at(Line::deferred_income, m, i) = subs < 0 ? -subs : 0;
        at(Line::receivables_investment_grants, m, i) = igr;
        at(Line::receivables_vat, m, i) = vat < 0 ? -vat : 0;
        at(Line::payables_vat, m, i) = vat > 0 ? vat : 0;
        at(Line::payables_social, m, i) = social;
        at(Line::payables_taxes, m, i) = taxes;
        at(Line::equity, m, i) = equity;
        at(Line::retained_results, m, i) = retained;
        at(Line::grants_unreleased, m, i) = unreleased;
        at(Line::loans_outstanding, m, i) = loans;
        at(Line::payables_suppliers, m, i) = supp;
      }
    }
  }

  BlockState& st_;
  const Plan& p_;
  Ledger& L_;
  int H_;
  std::size_t n_;
  bool vat_on_ = false;
  std::vector<double> grant_ = std::vector<double>(n_);
};

}  // namespace

void simulate_block(BlockState& st, Ledger& out) {
  run_static(st);
  for (int m = 0; m < st.plan->horizon; ++m) run_month(st, m);
  Builder(st, out).run();
}

}  // namespace amorce
