// The items' stages of the ledger (ledger_builder.hpp): revenue and cost items, staff,
// grants with their payment terms and agreements, investments, loans, equity, in-kind.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

#include <fmt/format.h>

#include "ledger_builder.hpp"

namespace amorce::ledger_detail {

void Builder::flows() {
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

void Builder::staff() {
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

void Builder::payment_terms(const std::vector<PaymentPlan>& pays, std::vector<double>& shares, std::vector<int>& months,
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

void Builder::agreement_stock(Line receivable, Line advance, std::size_t i, int lo, int hi_h, double per_month, double total,
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

void Builder::subsidies() {
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

void Builder::investments() {
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

void Builder::loans() {
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

void Builder::equity() {
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

void Builder::in_kind() {
  for (const auto& [label, h] : p_.in_kind)
    for (int m = 0; m < H_; ++m)
      for (std::size_t i = 0; i < n_; ++i) at(Line::in_kind, m, i) += st_.hist(h, m)[i];
}

}  // namespace amorce::ledger_detail
