#pragma once
// The ledger's Builder (internal to engine/src): one block's accounts built stage by stage.
// ledger.cpp runs the stages; ledger_items.cpp holds the items' stages (revenue and cost
// items, staff, grants, investments, loans, equity, in-kind); ledger_settle.cpp the
// settlements (payroll tax, VAT, corporate tax) and the monthly totals, cash and stocks.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "amorce/error.hpp"
#include "amorce/ledger.hpp"

namespace amorce::ledger_detail {

inline int round_month(double x) { return static_cast<int>(std::lround(x)); }
/// Upper bound of a month field: later months only mean "after the horizon".
constexpr int kFarMonth = 1'000'000;

class Builder {
 public:
  Builder(BlockState& st, Ledger& L) : st_(st), p_(*st.plan), lv_(p_.live), L_(L), H_(p_.horizon), n_(st.n) {}

  void run();

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

  /// True when `slot` holds the same bits on every path of the block.
  bool uniform(int slot) const {
    if (slot < 0) return true;
    const double* v = st_.slot(slot);
    const auto first = std::bit_cast<std::uint64_t>(v[0]);
    for (std::size_t i = 1; i < n_; ++i)
      if (std::bit_cast<std::uint64_t>(v[i]) != first) return false;
    return true;
  }

  /// Month index of the first month of the calendar quarter after month m's quarter.
  int after_quarter(int m) const {
    int cal = (p_.start_month - 1 + m) % 12;  // 0..11
    return m + (2 - cal % 3) + 1;
  }

  void flows();
  void staff();
  /// Runs the payment program of a grant for agreement [start, end) set per path; returns
  /// (share, month) per path and payment.
  void payment_terms(const std::vector<PaymentPlan>& pays, std::vector<double>& shares, std::vector<int>& months,
                     const std::string& owner, const std::vector<char>& active);
  /// Balance-sheet position of one grant agreement on path i, shown gross (spec 5, French
  /// presentation): income recognised [lo, hi_h) at per_month less the payments received so
  /// far; positive = *subvention à recevoir*, negative = *produit constaté d'avance*. Each
  /// agreement is its own receivable or advance: one funder's advance never offsets another's
  /// (or another year's) unpaid balance. The walk stops once every event is past and the
  /// position is settled (|position| < 1e-6 €, floating-point residue); an unsettled one
  /// (payment due after the horizon) is carried to the last month.
  void agreement_stock(Line receivable, Line advance, std::size_t i, int lo, int hi_h, double per_month, double total,
                       std::size_t n_pay, const std::vector<double>& shares, const std::vector<int>& months);
  void subsidies();
  void investments();
  void loans();
  void equity();
  void in_kind();

  void payroll_tax();
  /// Rapport d'assujettissement (art. 231, 1 CGI): an employer subject to VAT pays the payroll
  /// tax on the share of its pay equal to (receipts not subject to VAT) / (total receipts), over
  /// the fiscal year; operating and job subsidies outside the scope of VAT count in both
  /// (BOI-TPS-TS-20-30 n° 160); subject to VAT on 90 % or more of them, it owes none.
  void assujettissement(const FiscalYear& fy, std::vector<double>& tax);
  void vat_settlement();
  /// Corporate tax (art. 1668 CGI; art. 359 and 360 bis annexe III CGI): rate x max(0, result
  /// before tax) of each fiscal year, a final year cut by the horizon included, booked in its
  /// last month. From the second year, four instalments of a quarter of the previous year's
  /// tax when it exceeds the threshold, on the quarter months (March, June, September,
  /// December) 2 to 4, 5 to 7, 8 to 10 and 11 to 13 months after the previous year's end; the
  /// balance is paid in month last + 5 (spec), an excess of instalments refunded in month
  /// last + 6 (within 30 days of the relevé de solde).
  void corporate_tax(const std::vector<FiscalYear>& years);
  void results_and_cash();

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

}  // namespace amorce::ledger_detail
