// Correctness of the deterministic ledger (spec sections 4-6, docs/model-reference.md):
// for each timing rule, a small scenario whose expected figures are computed by hand in the
// test (arithmetic in the comments). Tolerances are 1e-6 €: the only difference allowed
// between the hand computation and the engine is floating-point rounding.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>

#include "amorce/base_case.hpp"
#include "amorce/compile.hpp"
#include "amorce/ledger.hpp"
#include "amorce/load.hpp"
#include "amorce/results.hpp"

namespace {

using namespace amorce;

constexpr double kTol = 1e-6;  // floating-point rounding only

struct Case {
  std::unique_ptr<Plan> plan;
  BaseCase bc;
  double at(Line l, int m) const { return bc.ledger.at(l, m, 0); }
  double ind(Indicator k) const { return bc.results.indicator(k, 0); }
  double fig(Figure f, int y) const { return bc.results.figure(f, y, 0); }
  double sum(Line l, int m0, int m1) const {  // inclusive
    double s = 0;
    for (int m = m0; m <= m1; ++m) s += at(l, m);
    return s;
  }
  double total_assets(int m) const {
    return at(Line::fixed_assets, m) + at(Line::receivables_customers, m) + at(Line::receivables_subsidies, m) +
           at(Line::receivables_investment_grants, m) + at(Line::receivables_vat, m) +
           at(Line::receivables_taxes, m) + at(Line::cash, m);
  }
  double total_liabilities(int m) const {
    return at(Line::equity, m) + at(Line::retained_results, m) + at(Line::grants_unreleased, m) +
           at(Line::loans_outstanding, m) + at(Line::payables_suppliers, m) + at(Line::payables_social, m) +
           at(Line::payables_taxes, m) + at(Line::payables_vat, m) + at(Line::deferred_income, m) +
           at(Line::advances_investment_grants, m);
  }
};

Case run(const std::string& body, const std::string& start = "2027-01", int horizon = 12, int fys = 1) {
  std::string yaml = "amorce: 1\nname: t\nstart: " + start + "\nhorizon: " + std::to_string(horizon) +
                     "\nfiscal_year_start: " + std::to_string(fys) + "\n" + body;
  Case c;
  c.plan = std::make_unique<Plan>(compile(load_scenario_text(yaml, "t.yaml")));
  c.bc = run_base_case(*c.plan);
  return c;
}

// ---------------------------------------------------------------- loans (spec 4, financing)

TEST(Loans, AnnuityWithSixMonthsDeferral) {
  // 60 000 at 6 % (i = 0.005), term 60, deferral 6, drawn in month 0, H = 72.
  // Months 1-6: interest only, 60 000 x 0.005 = 300.
  // Months 7-60: 54 constant payments A = P i / (1 - (1+i)^-54) = 1 270.6116348...
  Case c = run(R"Y(
financing:
  loans:
    - {name: bank, principal: 60_000, month: 0, rate: 0.06, term: 60, deferral: 6, type: annuity}
)Y", "2027-01", 72);
  const double i = 0.005, A = 60000 * i / (1 - std::pow(1 + i, -54));
  EXPECT_NEAR(A, 1270.6116348183732, 1e-9);
  EXPECT_NEAR(c.at(Line::cash_loans, 0), 60000, kTol);
  EXPECT_NEAR(c.at(Line::cash_interest, 0), 0, kTol);
  for (int m = 1; m <= 6; ++m) {
    EXPECT_NEAR(c.at(Line::interest, m), 300, kTol) << m;
    EXPECT_NEAR(c.at(Line::cash_interest, m), 300, kTol) << m;
    EXPECT_NEAR(c.at(Line::cash_principal, m), 0, kTol) << m;
    EXPECT_NEAR(c.at(Line::loans_outstanding, m), 60000, kTol) << m;
  }
  double bal = 60000;
  for (int m = 7; m <= 60; ++m) {
    // constant payment: interest on the balance + principal = A
    EXPECT_NEAR(c.at(Line::cash_interest, m) + c.at(Line::cash_principal, m), A, kTol) << m;
    EXPECT_NEAR(c.at(Line::cash_interest, m), bal * i, kTol) << m;
    bal -= A - bal * i;
  }
  EXPECT_NEAR(c.at(Line::cash_principal, 7), A - 300, kTol);  // 970.6116...
  EXPECT_NEAR(c.at(Line::loans_outstanding, 60), 0, kTol);
  EXPECT_NEAR(c.at(Line::loans_outstanding, 71), 0, kTol);
  for (int m = 61; m < 72; ++m) EXPECT_NEAR(c.at(Line::cash_interest, m) + c.at(Line::cash_principal, m), 0, kTol);
  EXPECT_NEAR(c.sum(Line::cash_principal, 0, 71), 60000, kTol);
  // total interest = 6 x 300 + 54 A - 60 000 = 10 413.0282801...
  EXPECT_NEAR(c.sum(Line::interest, 0, 71), 6 * 300 + 54 * A - 60000, kTol);
  EXPECT_NEAR(c.at(Line::cash, 71), 60000 - 1800 - 54 * A, kTol);
}

TEST(Loans, Linear) {
  // 12 000 at 12 % (i = 0.01), term 12, linear, drawn in month 2, H = 24:
  // principal 1 000 in months 3..14; interest in month 2+k = (12 000 - (k-1) 1 000) x 0.01
  // = 120, 110, ..., 10; total 10 x (12 + ... + 1) = 780.
  Case c = run(R"Y(
financing:
  loans:
    - {name: bank, principal: 12_000, month: 2, rate: 0.12, term: 12, type: linear}
)Y", "2027-01", 24);
  EXPECT_NEAR(c.at(Line::cash_loans, 2), 12000, kTol);
  for (int k = 1; k <= 12; ++k) {
    EXPECT_NEAR(c.at(Line::cash_principal, 2 + k), 1000, kTol) << k;
    EXPECT_NEAR(c.at(Line::interest, 2 + k), (12000 - (k - 1) * 1000) * 0.01, kTol) << k;
  }
  EXPECT_NEAR(c.sum(Line::interest, 0, 23), 780, kTol);
  EXPECT_NEAR(c.at(Line::loans_outstanding, 2), 12000, kTol);
  EXPECT_NEAR(c.at(Line::loans_outstanding, 8), 6000, kTol);  // 6 repayments made (months 3-8)
  EXPECT_NEAR(c.at(Line::loans_outstanding, 14), 0, kTol);
}

TEST(Loans, LinearCutByHorizonLeavesOutstanding) {
  // 12 000, linear, term 12, drawn in month 0, H = 10: repayments in months 1..9 only
  // (9 000); 3 000 is still outstanding at the end (month 9).
  Case c = run(R"Y(
financing:
  loans:
    - {name: bank, principal: 12_000, month: 0, rate: 0.0, term: 12, type: linear}
)Y", "2027-01", 10);
  EXPECT_NEAR(c.sum(Line::cash_principal, 0, 9), 9000, kTol);
  EXPECT_NEAR(c.at(Line::loans_outstanding, 9), 3000, kTol);
  EXPECT_NEAR(c.at(Line::cash, 9), 3000, kTol);
}

TEST(Loans, Bullet) {
  // 10 000 at 6 % (i = 0.005), term 6, bullet, drawn in month 0: 50 of interest in months 1-6,
  // the whole 10 000 in month 6.
  Case c = run(R"Y(
financing:
  opening_cash: 1_000
  loans:
    - {name: bridge, principal: 10_000, month: 0, rate: 0.06, term: 6, type: bullet}
)Y");
  for (int m = 1; m <= 6; ++m) EXPECT_NEAR(c.at(Line::cash_interest, m), 50, kTol) << m;
  for (int m = 1; m <= 5; ++m) EXPECT_NEAR(c.at(Line::cash_principal, m), 0, kTol) << m;
  EXPECT_NEAR(c.at(Line::cash_principal, 6), 10000, kTol);
  EXPECT_NEAR(c.at(Line::loans_outstanding, 5), 10000, kTol);
  EXPECT_NEAR(c.at(Line::loans_outstanding, 6), 0, kTol);
  // cash at the end: 1 000 + 10 000 - 6 x 50 - 10 000 = 700
  EXPECT_NEAR(c.at(Line::cash, 11), 700, kTol);
  EXPECT_NEAR(c.fig(Figure::net_result, 0), -300, kTol);
}

// ------------------------------------------------------------------------------------ VAT

TEST(Vat, QuarterlyWithCreditCarriedForward) {
  // Calendar quarters (start January). Revenue 1 000/month at 20 %: collected 200/month,
  // 600 a quarter. A cost of 4 500 in month 1 at 20 %: deductible 900.
  // Q1 (m0-2): 600 - 900 = -300 -> credit carried. Q2 (m3-5): 600 - 300 = 300 paid in
  // month 6. Q3: 600 paid in month 9. Q4: 600 due in month 12 = H -> VAT payable at year end.
  Case c = run(R"Y(
vat: {regime: quarterly, default_rate: 0.2}
revenue:
  sales: {amount: 1_000}
costs:
  fitout: {amount: 4_500, from: 1, until: 2}
)Y");
  for (int m = 0; m < 12; ++m) {
    double expected = m == 6 ? 300 : m == 9 ? 600 : 0;
    EXPECT_NEAR(c.at(Line::cash_vat, m), expected, kTol) << m;
    EXPECT_NEAR(c.at(Line::cash_revenue, m), 1200, kTol) << m;  // TTC, paid in the month
    EXPECT_NEAR(c.at(Line::vat_collected, m), 200, kTol) << m;
  }
  EXPECT_NEAR(c.at(Line::cash_suppliers, 1), 5400, kTol);  // 4 500 TTC
  EXPECT_NEAR(c.at(Line::vat_deductible, 1), 900, kTol);
  EXPECT_NEAR(c.at(Line::receivables_vat, 2), 300, kTol);  // credit at the end of Q1
  EXPECT_NEAR(c.at(Line::payables_vat, 2), 0, kTol);
  EXPECT_NEAR(c.at(Line::payables_vat, 5), 300, kTol);  // due for Q2, paid in month 6
  // month 6: Q2 paid (300), and July's 200 collected is already owed
  EXPECT_NEAR(c.at(Line::payables_vat, 6), 200, kTol);
  EXPECT_NEAR(c.at(Line::payables_vat, 11), 600, kTol);  // Q4 unpaid at the horizon
  // result is HT: 12 000 - 4 500
  EXPECT_NEAR(c.fig(Figure::net_result, 0), 7500, kTol);
  // cash: 12 x 1 200 - 5 400 - 300 - 600 = 8 100
  EXPECT_NEAR(c.at(Line::cash, 11), 8100, kTol);
  EXPECT_NEAR(c.total_assets(11), c.total_liabilities(11), kTol);
}

TEST(Vat, QuarterCutByStart) {
  // Start in February: the first calendar quarter is February-March (months 0-1), settled
  // in month 2 (April): 2 x 200 = 400.
  Case c = run(R"Y(
vat: {regime: quarterly, default_rate: 0.2}
revenue:
  sales: {amount: 1_000}
)Y", "2027-02", 6);
  EXPECT_NEAR(c.at(Line::cash_vat, 2), 400, kTol);
  EXPECT_NEAR(c.at(Line::cash_vat, 5), 600, kTol);  // April-June (m2-4) paid in July (m5)
  EXPECT_NEAR(c.at(Line::cash_vat, 3), 0, kTol);
}

TEST(Vat, MonthlyWithCredit) {
  // Monthly VAT. Revenue 1 000 (20 %) -> collected 200; cost 500 at 5.5 % -> deductible 27.5;
  // net 172.5 a month, paid the next month. An investment of 3 000 (20 %) in month 2 adds
  // 600 deductible: month 2 net 172.5 - 600 = -427.5 (credit); month 3: 172.5 - 427.5 =
  // -255; month 4: 172.5 - 255 = -82.5; month 5: 172.5 - 82.5 = 90 paid in month 6;
  // month 6: 172.5 paid in month 7; month 7: 172.5 payable at the end (H = 8).
  Case c = run(R"Y(
vat: {regime: monthly, default_rate: 0.2}
revenue:
  sales: {amount: 1_000}
costs:
  food: {amount: 500, vat_rate: 0.055}
investments:
  - {name: oven, amount: 3_000, month: 2, life: 60}
)Y", "2027-01", 8);
  const double expected[8] = {0, 172.5, 172.5, 0, 0, 0, 90, 172.5};
  for (int m = 0; m < 8; ++m) EXPECT_NEAR(c.at(Line::cash_vat, m), expected[m], kTol) << m;
  EXPECT_NEAR(c.at(Line::cash_suppliers, 0), 527.5, kTol);
  EXPECT_NEAR(c.at(Line::cash_investments, 2), 3600, kTol);
  EXPECT_NEAR(c.at(Line::receivables_vat, 2), 427.5, kTol);
  EXPECT_NEAR(c.at(Line::receivables_vat, 4), 82.5, kTol);
  EXPECT_NEAR(c.at(Line::payables_vat, 7), 172.5, kTol);
  EXPECT_NEAR(c.total_assets(7), c.total_liabilities(7), kTol);
}

TEST(Vat, CreditRefundedTwoMonthsAfterThePeriod) {
  // Monthly VAT, revenue 1 000 at 20 % (collected 200); an investment of 6 000 at 20 % in
  // month 1 (deductible 1 200). Month 0: 200 paid in month 1. Month 1: 200 - 1 200 = -1 000,
  // a credit >= 760: its refund (art. 242-0 C annexe II CGI) is paid in month 1 + 2 = 3 and
  // nothing is carried. Months 2..6: 200 paid the month after; month 7's 200 is due after H.
  // VAT account: m1: 200 + 200 - 1 200 - 200 = -1 000 (receivable); m2: -800; m3: -800 + 200
  // - 200 + 1 000 = 200 (payable).
  const char* body = R"Y(
revenue:
  sales: {amount: 1_000}
investments:
  - {name: oven, amount: 6_000, month: 1, life: 60}
)Y";
  Case c = run(std::string("vat: {regime: monthly, default_rate: 0.2}") + body, "2027-01", 8);
  for (int m = 0; m < 8; ++m) {
    EXPECT_NEAR(c.at(Line::cash_vat, m), m == 1 || m >= 3 ? 200 : 0, kTol) << m;
    EXPECT_NEAR(c.at(Line::cash_vat_refund, m), m == 3 ? 1000 : 0, kTol) << m;
  }
  EXPECT_NEAR(c.at(Line::cash_in, 3), 1200 + 1000, kTol);
  EXPECT_NEAR(c.at(Line::receivables_vat, 1), 1000, kTol);
  EXPECT_NEAR(c.at(Line::receivables_vat, 2), 800, kTol);
  EXPECT_NEAR(c.at(Line::receivables_vat, 3), 0, kTol);
  EXPECT_NEAR(c.at(Line::payables_vat, 3), 200, kTol);
  // cash: 8 x 1 200 - 7 200 - 6 x 200 + 1 000 = 2 200
  EXPECT_NEAR(c.at(Line::cash, 7), 2200, kTol);
  for (int m = 0; m < 8; ++m) EXPECT_NEAR(c.total_assets(m), c.total_liabilities(m), kTol) << m;

  // refund_delay 3: the same refund in month 4
  Case d = run(std::string("vat: {regime: monthly, default_rate: 0.2, refund_delay: 3}") + body, "2027-01", 8);
  EXPECT_NEAR(d.at(Line::cash_vat_refund, 3), 0, kTol);
  EXPECT_NEAR(d.at(Line::cash_vat_refund, 4), 1000, kTol);

  // refund: year (January is not a year end) or none: the credit is carried forward: months
  // 2..5 use it (-800, -600, -400, -200), month 6 nets to 0, month 7's 200 is due after H.
  for (const char* mode : {"year", "none"}) {
    Case y = run(std::string("vat: {regime: monthly, default_rate: 0.2, refund: ") + mode + "}" + body, "2027-01", 8);
    for (int m = 0; m < 8; ++m) {
      EXPECT_NEAR(y.at(Line::cash_vat, m), m == 1 ? 200 : 0, kTol) << mode << m;
      EXPECT_NEAR(y.at(Line::cash_vat_refund, m), 0, kTol) << mode << m;
    }
    EXPECT_NEAR(y.at(Line::receivables_vat, 5), 200, kTol) << mode;
  }

  // a threshold above the credit: carried as with refund: none
  Case h = run(std::string("vat: {regime: monthly, default_rate: 0.2, refund_min: 1_001}") + body, "2027-01", 8);
  EXPECT_NEAR(h.sum(Line::cash_vat_refund, 0, 7), 0, kTol);
  EXPECT_NEAR(h.at(Line::receivables_vat, 5), 200, kTol);
}

TEST(Vat, SmallCreditRefundedAtTheYearEnd) {
  // Quarterly VAT from October 2027: revenue 1 000 at 20 % (600 a quarter), a cost of 4 000 at
  // 20 % in month 0 (deductible 800). Q4 2027 (m0-2): 600 - 800 = -200, below 760 but, at the
  // calendar year's end, above 150: refunded in m2 + 2 = m4 (February 2028) with the default
  // refund: period and with refund: year. Q1 2028 (m3-5): 600 paid in m6.
  // With refund: none, the 200 is carried: Q1 pays 600 - 200 = 400 in m6.
  const char* body = R"Y(
revenue:
  sales: {amount: 1_000}
costs:
  fitout: {amount: 4_000, until: 1}
)Y";
  for (const char* mode : {"period", "year"}) {
    Case c = run(std::string("vat: {regime: quarterly, default_rate: 0.2, refund: ") + mode + "}" + body, "2027-10", 7);
    EXPECT_NEAR(c.at(Line::cash_vat_refund, 4), 200, kTol) << mode;
    EXPECT_NEAR(c.sum(Line::cash_vat_refund, 0, 6), 200, kTol) << mode;
    EXPECT_NEAR(c.at(Line::cash_vat, 6), 600, kTol) << mode;
    EXPECT_NEAR(c.at(Line::receivables_vat, 2), 200, kTol) << mode;
    EXPECT_NEAR(c.at(Line::receivables_vat, 4), 0, kTol) << mode;
    for (int m = 0; m < 7; ++m) EXPECT_NEAR(c.total_assets(m), c.total_liabilities(m), kTol) << mode << m;
  }
  Case n = run(std::string("vat: {regime: quarterly, default_rate: 0.2, refund: none}") + body, "2027-10", 7);
  EXPECT_NEAR(n.sum(Line::cash_vat_refund, 0, 6), 0, kTol);
  EXPECT_NEAR(n.at(Line::cash_vat, 6), 400, kTol);
  // refund_min_year above the credit: carried
  Case m = run(std::string("vat: {regime: quarterly, default_rate: 0.2, refund_min_year: 201}") + body, "2027-10", 7);
  EXPECT_NEAR(m.at(Line::cash_vat, 6), 400, kTol);
}

// ------------------------------------------------------------------------------ subsidies

TEST(Subsidies, RegionYearTwoFiscalYearsProrated) {
  // start 2027-07, calendar fiscal years, H = 30 (Jul 2027 .. Dec 2029). Région 24 000 a year,
  // from 0 until 18, paid 50 % at start + 2 and 50 % at end + 6.
  // FY2027: months 0-5 (6 months): agreement 24 000 x 6/12 = 12 000, 2 000/month;
  //   start 0, end 6 -> 6 000 in month 2, 6 000 in month 12.
  // FY2028: months 6-17: 24 000, 2 000/month; start 6, end 18 -> 12 000 in month 8 and in month 24.
  Case c = run(R"Y(
subsidies:
  - name: region
    amount: 24_000
    period: year
    from: 0
    until: 18
    payments:
      - {share: 0.5, at: start + 2}
      - {share: 0.5, at: end + 6}
)Y", "2027-07", 30);
  ASSERT_EQ(c.bc.years.size(), 3u);
  EXPECT_EQ(c.bc.years[0].label, "2027");
  EXPECT_EQ(c.bc.years[0].last, 5);
  for (int m = 0; m < 30; ++m) {
    double inc = m < 18 ? 2000 : 0;
    EXPECT_NEAR(c.at(Line::subsidies_operating, m), inc, kTol) << m;
    double cash = m == 2 ? 6000 : m == 8 ? 12000 : m == 12 ? 6000 : m == 24 ? 12000 : 0;
    EXPECT_NEAR(c.at(Line::cash_subsidies, m), cash, kTol) << m;
  }
  EXPECT_NEAR(c.fig(Figure::subsidies, 0), 12000, kTol);
  EXPECT_NEAR(c.fig(Figure::subsidies, 1), 24000, kTol);
  EXPECT_NEAR(c.fig(Figure::subsidies, 2), 0, kTol);
  // receivable at the 2027 year end (m5): recognised 6 x 2 000 = 12 000, received 6 000
  // (month 2): 6 000.
  EXPECT_NEAR(c.at(Line::receivables_subsidies, 5), 6000, kTol);
  EXPECT_NEAR(balance_sheet_json(c.bc, 0)["assets"]["receivables_subsidies"].get<double>(), 6000, kTol);
  // 2028 (m17): recognised 12 000 + 24 000 = 36 000, received 6 000 + 12 000 + 6 000 = 24 000
  EXPECT_NEAR(c.at(Line::receivables_subsidies, 17), 12000, kTol);
  // 2029 (m29): everything received (month 24): 0
  EXPECT_NEAR(c.at(Line::receivables_subsidies, 29), 0, kTol);
  // the balance sheet JSON reports the same receivable
  EXPECT_NEAR(balance_sheet_json(c.bc, 1)["assets"]["receivables_subsidies"].get<double>(), 12000, kTol);
}

TEST(Subsidies, RegionYearReceivableAtFirstYearEnd) {
  // First instalment after the year end: start 2027-07, 24 000/year from 0 until 18, 50 % at
  // start + 8, 50 % at end + 6. FY2027 (m0-5, 12 000, 2 000/month): 6 000 in month 8,
  // 6 000 in month 12; at m5 recognised 12 000, received 0 -> receivable 12 000.
  // FY2028 (m6-17, 24 000): 12 000 in month 14, 12 000 in month 24; at m17 recognised
  // 36 000, received 6 000 + 6 000 + 12 000 = 24 000 -> receivable 12 000.
  Case c = run(R"Y(
subsidies:
  - name: region
    amount: 24_000
    from: 0
    until: 18
    payments:
      - {share: 0.5, at: start + 8}
      - {share: 0.5, at: end + 6}
)Y", "2027-07", 30);
  EXPECT_NEAR(c.at(Line::receivables_subsidies, 5), 12000, kTol);
  EXPECT_NEAR(c.at(Line::receivables_subsidies, 17), 12000, kTol);
  EXPECT_NEAR(c.at(Line::cash_subsidies, 8), 6000, kTol);
  EXPECT_NEAR(c.at(Line::cash_subsidies, 12), 6000, kTol);
  EXPECT_NEAR(c.at(Line::cash_subsidies, 14), 12000, kTol);
  EXPECT_NEAR(c.at(Line::cash_subsidies, 24), 12000, kTol);
  EXPECT_NEAR(balance_sheet_json(c.bc, 0)["assets"]["receivables_subsidies"].get<double>(), 12000, kTol);
}

TEST(Subsidies, PartialYearAgreementFromUntil) {
  // 12 000 a year, from 3 until 9 (6 months of one fiscal year): 12 000 x 6/12 = 6 000,
  // 1 000/month in months 3-8, paid in full at start (month 3, default payment).
  Case c = run(R"Y(
subsidies:
  - {name: city, amount: 12_000, period: year, from: 3, until: 9}
)Y");
  for (int m = 0; m < 12; ++m)
    EXPECT_NEAR(c.at(Line::subsidies, m), (m >= 3 && m < 9) ? 1000 : 0, kTol) << m;
  EXPECT_NEAR(c.at(Line::cash_subsidies, 3), 6000, kTol);
  EXPECT_NEAR(c.sum(Line::cash_subsidies, 0, 11), 6000, kTol);
  EXPECT_NEAR(c.at(Line::deferred_income, 3), 5000, kTol);  // advance: paid 6 000, earned 1 000
  EXPECT_NEAR(c.at(Line::deferred_income, 8), 0, kTol);
}

TEST(Subsidies, OnceAndMonth) {
  // once: 12 000 from 2 until 8 -> 2 000/month in months 2-7; payments 50 % at start + 1
  // (month 3) and 50 % at end + 2 (8 + 2 = 10).
  // month: 500 a month (job subsidy), each paid at start + 1 -> 500 in months 1..11; the aid
  // of month 11 is due in month 12 = H: a receivable of 500 at the end.
  Case c = run(R"Y(
subsidies:
  - name: foundation
    amount: 12_000
    period: once
    from: 2
    until: 8
    payments: [{share: 0.5, at: start + 1}, {share: 0.5, at: end + 2}]
  - name: aide_poste
    amount: 500
    period: month
    kind: job
    payments: [{share: 1, at: start + 1}]
)Y");
  for (int m = 0; m < 12; ++m) {
    EXPECT_NEAR(c.at(Line::subsidies_operating, m), (m >= 2 && m < 8) ? 2000 : 0, kTol) << m;
    EXPECT_NEAR(c.at(Line::subsidies_job, m), 500, kTol) << m;
    double cash = (m >= 1 ? 500 : 0) + (m == 3 || m == 10 ? 6000 : 0);
    EXPECT_NEAR(c.at(Line::cash_subsidies, m), cash, kTol) << m;
  }
  // month 7: recognised 12 000 + 8 x 500, received 6 000 + 7 x 500 -> 6 500
  EXPECT_NEAR(c.at(Line::receivables_subsidies, 7), 6500, kTol);
  EXPECT_NEAR(c.at(Line::receivables_subsidies, 11), 500, kTol);
  EXPECT_NEAR(c.fig(Figure::subsidies, 0), 18000, kTol);
}

TEST(Subsidies, OnceCutByHorizonRoundingAndEarlyPayment) {
  // once 15 000 from 0 until 18, H = 12: 15 000 / 18 = 833.33/month, 10 000 recognised.
  // Payment 50 % at start - 3 -> before month 0 -> paid in month 0; 50 % at end + 0.4 ->
  // round(18.4) = 18, after the horizon: receivable 10 000 - 7 500 = 2 500.
  Case c = run(R"Y(
subsidies:
  - name: f
    amount: 15_000
    period: once
    from: 0
    until: 18
    payments: [{share: 0.5, at: start - 3}, {share: 0.5, at: end + 0.4}]
)Y");
  EXPECT_NEAR(c.at(Line::subsidies, 5), 15000.0 / 18, kTol);
  EXPECT_NEAR(c.fig(Figure::subsidies, 0), 10000, kTol);
  EXPECT_NEAR(c.at(Line::cash_subsidies, 0), 7500, kTol);
  EXPECT_NEAR(c.sum(Line::cash_subsidies, 0, 11), 7500, kTol);
  EXPECT_NEAR(c.at(Line::receivables_subsidies, 11), 2500, kTol);
}

TEST(Subsidies, GrantedProbabilityInBaseCase) {
  // Base case: granted when g >= 0.5. 0.3 -> nothing at all; 0.75 -> granted.
  Case c = run(R"Y(
subsidies:
  - {name: unlikely, amount: 12_000, granted: 0.3, payments: [{share: 1, at: end + 3}]}
  - {name: likely, amount: 6_000, granted: 0.75}
)Y");
  EXPECT_NEAR(c.fig(Figure::subsidies, 0), 6000, kTol);
  EXPECT_NEAR(c.sum(Line::cash_subsidies, 0, 11), 6000, kTol);
  EXPECT_NEAR(c.at(Line::receivables_subsidies, 11), 0, kTol);  // no receivable from 'unlikely'
  EXPECT_NEAR(c.at(Line::cash, 11), 6000, kTol);
}

// ---------------------------------------------------------------- revenue, costs, staff

TEST(Flows, RevenuePaidAfterAndSupplierCredit) {
  // Revenue 1 000/month paid 2 months later; costs 300/month paid 1 month later; no VAT.
  // Cash: revenue 1 000 in months 2..11 (10 000); suppliers 300 in months 1..11 (3 300).
  // Year end: customer receivable 2 000 (months 10, 11), supplier payable 300 (month 11).
  Case c = run(R"Y(
revenue:
  sales: {amount: 1_000, paid_after: 2}
costs:
  rent: {amount: 300, paid_after: 1}
)Y");
  for (int m = 0; m < 12; ++m) {
    EXPECT_NEAR(c.at(Line::cash_revenue, m), m >= 2 ? 1000 : 0, kTol) << m;
    EXPECT_NEAR(c.at(Line::cash_suppliers, m), m >= 1 ? 300 : 0, kTol) << m;
  }
  EXPECT_NEAR(c.at(Line::receivables_customers, 11), 2000, kTol);
  EXPECT_NEAR(c.at(Line::payables_suppliers, 11), 300, kTol);
  EXPECT_NEAR(c.at(Line::cash, 11), 6700, kTol);  // 10 000 - 3 300
  EXPECT_NEAR(c.fig(Figure::net_result, 0), 8400, kTol);  // 12 000 - 3 600
  auto bs = balance_sheet_json(c.bc, 0);
  EXPECT_NEAR(bs["assets"]["receivables_customers"].get<double>(), 2000, kTol);
  EXPECT_NEAR(bs["liabilities"]["payables_suppliers"].get<double>(), 300, kTol);
}

TEST(Flows, StaffRaiseByFiscalYearAndChargesNextMonth) {
  // start 2027-07, calendar fiscal years, H = 18. 1 FTE at 2 000, employer_rate 0.4, raise 5 %.
  // FY2027 (m0-5): wages 2 000, charges 800. FY2028 (m6-17): wages 2 100, charges 840.
  // Charges paid next month: 800 in months 1-6, 840 in months 7-17.
  // Social payable at the year ends: 800 (m5), 840 (m17).
  Case c = run(R"Y(
staff:
  - {name: director, role: directrice, fte: 1, gross_monthly: 2_000, employer_rate: 0.4, raise: 0.05}
)Y", "2027-07", 18);
  for (int m = 0; m < 18; ++m) {
    double w = m < 6 ? 2000 : 2100;
    EXPECT_NEAR(c.at(Line::staff_wages, m), w, kTol) << m;
    EXPECT_NEAR(c.at(Line::staff_charges, m), 0.4 * w, kTol) << m;
    EXPECT_NEAR(c.at(Line::staff, m), 1.4 * w, kTol) << m;
    EXPECT_NEAR(c.at(Line::cash_wages, m), w, kTol) << m;
    double ch = m == 0 ? 0 : m <= 6 ? 800 : 840;
    EXPECT_NEAR(c.at(Line::cash_social_charges, m), ch, kTol) << m;
  }
  EXPECT_NEAR(c.at(Line::payables_social, 5), 800, kTol);
  EXPECT_NEAR(c.at(Line::payables_social, 17), 840, kTol);
  EXPECT_NEAR(balance_sheet_json(c.bc, 0)["liabilities"]["payables_social"].get<double>(), 800, kTol);
}

TEST(Flows, StaffWindow) {
  // fte 0.5 at 2 000 from 2 until 5: wages 1 000 in months 2, 3, 4 only.
  Case c = run(R"Y(
staff:
  - {name: a, role: a, fte: 0.5, gross_monthly: 2_000, employer_rate: 0.3, from: 2, until: 5}
)Y");
  for (int m = 0; m < 12; ++m) EXPECT_NEAR(c.at(Line::staff_wages, m), (m >= 2 && m < 5) ? 1000 : 0, kTol) << m;
  EXPECT_NEAR(c.at(Line::cash_social_charges, 5), 300, kTol);
  EXPECT_NEAR(c.sum(Line::cash_social_charges, 0, 11), 900, kTol);
}

// --------------------------------------------------------------------------- payroll tax

TEST(PayrollTax, BracketsAllowanceAccrualAndQuarterlyPayments) {
  // Brackets [[9147, 4.25 %], [18259, 8.5 %], [null, 13.6 %]], allowance 24 041, calendar
  // fiscal years, start 2027-01, H = 24.
  //   line A: 10 FTE x 2 400 -> yearly gross 28 800:
  //     9 147 x 0.0425 + 9 112 x 0.085 + 10 541 x 0.136 = 388.7475 + 774.52 + 1 433.576
  //     = 2 596.8435 per FTE -> 25 968.435
  //   line B: 2 FTE x 1 500 (raise 10 %) -> 18 000 in year 0:
  //     388.7475 + 8 853 x 0.085 = 1 141.2525 per FTE -> 2 282.505
  //     year 1: 1 650 x 12 = 19 800: 388.7475 + 774.52 + 1 541 x 0.136 = 1 372.8435 -> 2 745.687
  //   line C: 1 FTE x 700 -> 8 400 x 0.0425 = 357
  // Year 0: 25 968.435 + 2 282.505 + 357 = 28 607.94; net 28 607.94 - 24 041 = 4 566.94;
  //   380.578333/month; paid 1 141.735 in months 3, 6, 9 and 12 (for Oct-Dec).
  // Year 1: 25 968.435 + 2 745.687 + 357 = 29 071.122; net 5 030.122; 419.176833/month;
  //   paid 1 257.5305 in months 15, 18, 21; Oct-Dec of year 1 is payable at the end.
  Case c = run(R"Y(
staff:
  - {name: a, role: a, fte: 10, gross_monthly: 2_400, employer_rate: 0.3}
  - {name: b, role: b, fte: 2, gross_monthly: 1_500, employer_rate: 0.3, raise: 0.1}
  - {name: c, role: c, fte: 1, gross_monthly: 700, employer_rate: 0.3}
taxes:
  payroll_tax:
    brackets: [[9_147, 0.0425], [18_259, 0.085], [null, 0.136]]
    allowance: 24_041
)Y", "2027-01", 24);
  const double y0 = 10 * 2596.8435 + 2 * 1141.2525 + 357 - 24041;  // 4 566.94
  const double y1 = 10 * 2596.8435 + 2 * 1372.8435 + 357 - 24041;  // 5 030.122
  EXPECT_NEAR(y0, 4566.94, 1e-9);
  EXPECT_NEAR(payroll_tax_brackets(c.plan->payroll_tax, 28800), 2596.8435, kTol);
  for (int m = 0; m < 24; ++m) {
    EXPECT_NEAR(c.at(Line::payroll_tax, m), (m < 12 ? y0 : y1) / 12, kTol) << m;
    double pay = 0;
    if (m == 3 || m == 6 || m == 9 || m == 12) pay = y0 / 4;
    if (m == 15 || m == 18 || m == 21) pay = y1 / 4;
    EXPECT_NEAR(c.at(Line::cash_payroll_tax, m), pay, kTol) << m;
  }
  EXPECT_NEAR(c.sum(Line::payroll_tax, 0, 11), 4566.94, kTol);
  EXPECT_NEAR(c.at(Line::payables_taxes, 11), y0 / 4, kTol);  // 1 141.735
  EXPECT_NEAR(c.at(Line::payables_taxes, 23), y1 / 4, kTol);  // 1 257.5305
  EXPECT_NEAR(c.fig(Figure::charges, 0), c.fig(Figure::staff, 0) + 4566.94, kTol);
}

TEST(PayrollTax, PartialFirstYearProratesAllowance) {
  // Doc example: start 2027-04, 10 FTE x 2 400: 2 164.03625/month; 9 months of 2027:
  // gross 19 476.32625, allowance 24 041 x 9/12 = 18 030.75, net 1 445.57625 ->
  // 160.619583/month; paid 481.85875 in July (m3), October (m6); Oct-Dec due in January
  // (m9 = H) -> payable.
  Case c = run(R"Y(
staff:
  - {name: a, role: a, fte: 10, gross_monthly: 2_400, employer_rate: 0.3}
taxes:
  payroll_tax: {brackets: [[9_147, 0.0425], [18_259, 0.085], [null, 0.136]], allowance: 24_041}
)Y", "2027-04", 9);
  for (int m = 0; m < 9; ++m) EXPECT_NEAR(c.at(Line::payroll_tax, m), 1445.57625 / 9, kTol) << m;
  EXPECT_NEAR(c.at(Line::cash_payroll_tax, 3), 1445.57625 / 3, kTol);
  EXPECT_NEAR(c.at(Line::cash_payroll_tax, 6), 1445.57625 / 3, kTol);
  EXPECT_NEAR(c.sum(Line::cash_payroll_tax, 0, 8), 2 * 1445.57625 / 3, kTol);
  EXPECT_NEAR(c.at(Line::payables_taxes, 8), 1445.57625 / 3, kTol);
}

TEST(PayrollTax, BelowAllowanceIsZero) {
  // 5.943 FTE at 1 870 -> 10 292.6 a year < 24 041: no tax.
  Case c = run(R"Y(
staff:
  - {name: cddi, role: cddi, fte: 5.943, gross_monthly: 1_870, employer_rate: 0.1}
taxes:
  payroll_tax: {brackets: [[9_147, 0.0425], [18_259, 0.085], [null, 0.136]], allowance: 24_041}
)Y");
  EXPECT_NEAR(c.sum(Line::payroll_tax, 0, 11), 0, kTol);
  EXPECT_NEAR(c.sum(Line::cash_payroll_tax, 0, 11), 0, kTol);
}

TEST(PayrollTax, ProratedByShareOfReceiptsNotSubjectToVat) {
  // Employer subject to VAT (monthly) on part of its receipts: sales 6 000 a month at 20 %,
  // training 2 000 a month exempt (vat_rate 0), an operating grant of 24 000 for the year
  // (outside the scope of VAT). Rapport d'assujettissement (art. 231, 1 CGI; grants in both
  // terms, BOI-TPS-TS-20-30 n° 160): (24 000 + 24 000) / (72 000 + 24 000 + 24 000) = 0.4.
  // 10 FTE x 2 400: bracket tax 25 968.435 a year; x 0.4 = 10 387.374; allowance 5 000 ->
  // 5 387.374 -> 448.947833 a month, 1 346.8435 paid in months 3, 6, 9.
  Case c = run(R"Y(
vat: {regime: monthly, default_rate: 0.2}
revenue:
  sales: {amount: 6_000}
  training: {amount: 2_000, vat_rate: 0}
subsidies:
  - {name: region, amount: 24_000, period: year}
staff:
  - {name: a, role: a, fte: 10, gross_monthly: 2_400, employer_rate: 0.3}
taxes:
  payroll_tax: {brackets: [[9_147, 0.0425], [18_259, 0.085], [null, 0.136]], allowance: 5_000}
)Y");
  const double net = 0.4 * 25968.435 - 5000;  // 5 387.374
  for (int m = 0; m < 12; ++m) EXPECT_NEAR(c.at(Line::payroll_tax, m), net / 12, kTol) << m;
  EXPECT_NEAR(c.at(Line::cash_payroll_tax, 3), net / 4, kTol);
  EXPECT_NEAR(c.sum(Line::cash_payroll_tax, 0, 11), 3 * net / 4, kTol);
  EXPECT_NEAR(c.total_assets(11), c.total_liabilities(11), kTol);

  // The same employer without VAT (regime none): every receipt is outside VAT, ratio 1.
  Case none = run(R"Y(
vat: {regime: none}
revenue:
  sales: {amount: 6_000}
  training: {amount: 2_000, vat_rate: 0}
subsidies:
  - {name: region, amount: 24_000, period: year}
staff:
  - {name: a, role: a, fte: 10, gross_monthly: 2_400, employer_rate: 0.3}
taxes:
  payroll_tax: {brackets: [[9_147, 0.0425], [18_259, 0.085], [null, 0.136]], allowance: 5_000}
)Y");
  EXPECT_NEAR(none.sum(Line::payroll_tax, 0, 11), 25968.435 - 5000, kTol);
}

TEST(PayrollTax, NoneWhenSubjectToVatOnNinetyPercent) {
  // Sales 10 000 a month at 20 %, 500 exempt and a job subsidy of 600 a month: ratio
  // (6 000 + 7 200) / (120 000 + 6 000 + 7 200) = 0.0991 <= 10 %: subject to VAT on 90 % or
  // more of its receipts, the employer owes no payroll tax (art. 231, 1 CGI).
  // With a job subsidy of 800 a month: (6 000 + 9 600) / 135 600 = 0.115044 > 10 %: taxed on
  // 0.115044 x 25 968.435 = 2 987.5191 (allowance 0).
  auto scenario = [](const char* job) {
    return std::string(R"Y(
vat: {regime: monthly, default_rate: 0.2}
revenue:
  sales: {amount: 10_000}
  other: {amount: 500, vat_rate: 0}
subsidies:
  - {name: aide, amount: )Y") + job + R"Y(, period: month, kind: job}
staff:
  - {name: a, role: a, fte: 10, gross_monthly: 2_400, employer_rate: 0.3}
taxes:
  payroll_tax: {brackets: [[9_147, 0.0425], [18_259, 0.085], [null, 0.136]], allowance: 0}
)Y";
  };
  Case below = run(scenario("600"));
  EXPECT_NEAR(below.sum(Line::payroll_tax, 0, 11), 0, kTol);
  Case above = run(scenario("800"));
  EXPECT_NEAR(above.sum(Line::payroll_tax, 0, 11), 15600.0 / 135600.0 * 25968.435, kTol);
}

// ------------------------------------------------------------ investments, equity, taxes

TEST(Investments, DepreciationAndGrantQuotePart) {
  // 12 000 in month 1, life 24: depreciation 500 in months 1..; grant share 0.5 = 6 000,
  // released 6 000 x 500 / 12 000 = 250 a month; paid 40 % at start (month 1) = 2 400 and
  // 60 % at end + 14 = 2 + 14 = 16 > H: 3 600 receivable at the end (H = 12).
  // Month 11: fixed assets 12 000 - 11 x 500 = 6 500; unreleased 6 000 - 11 x 250 = 3 250.
  Case c = run(R"Y(
financing:
  opening_cash: 20_000
investments:
  - name: van
    amount: 12_000
    month: 1
    life: 24
    grant: {share: 0.5, payments: [{share: 0.4, at: start}, {share: 0.6, at: end + 14}]}
)Y");
  EXPECT_NEAR(c.at(Line::depreciation, 0), 0, kTol);
  for (int m = 1; m < 12; ++m) {
    EXPECT_NEAR(c.at(Line::depreciation, m), 500, kTol) << m;
    EXPECT_NEAR(c.at(Line::grant_release, m), 250, kTol) << m;
    EXPECT_NEAR(c.at(Line::operating_result, m), -250, kTol) << m;
    EXPECT_NEAR(c.at(Line::caf, m), 0, kTol) << m;
  }
  EXPECT_NEAR(c.at(Line::cash_investments, 1), 12000, kTol);
  EXPECT_NEAR(c.at(Line::cash_investment_grants, 1), 2400, kTol);
  EXPECT_NEAR(c.sum(Line::cash_investment_grants, 0, 11), 2400, kTol);
  EXPECT_NEAR(c.at(Line::investment_grants_awarded, 1), 6000, kTol);
  EXPECT_NEAR(c.at(Line::fixed_assets, 11), 6500, kTol);
  EXPECT_NEAR(c.at(Line::grants_unreleased, 11), 3250, kTol);
  EXPECT_NEAR(c.at(Line::receivables_investment_grants, 11), 3600, kTol);
  EXPECT_NEAR(c.at(Line::cash, 11), 20000 - 12000 + 2400, kTol);
  EXPECT_NEAR(c.total_assets(11), c.total_liabilities(11), kTol);
}

TEST(Investments, GrantAmountNotGranted) {
  // grant amount 5 000 with granted 0.2: not granted in the base case.
  Case c = run(R"Y(
investments:
  - {name: van, amount: 12_000, month: 0, life: 12, grant: {amount: 5_000, granted: 0.2}}
)Y");
  EXPECT_NEAR(c.sum(Line::grant_release, 0, 11), 0, kTol);
  EXPECT_NEAR(c.at(Line::grants_unreleased, 11), 0, kTol);
  EXPECT_NEAR(c.at(Line::fixed_assets, 11), 0, kTol);  // fully depreciated over 12 months
}

TEST(Equity, OpeningCashAndContributions) {
  // opening 5 000; 10 000 in month 0, 3 000 in month 4 -> equity 15 000 then 18 000.
  Case c = run(R"Y(
financing:
  opening_cash: 5_000
  equity:
    - {amount: 10_000, month: 0}
    - {amount: 3_000, month: 4}
)Y");
  EXPECT_NEAR(c.at(Line::cash_equity, 0), 10000, kTol);
  EXPECT_NEAR(c.at(Line::cash_equity, 4), 3000, kTol);
  EXPECT_NEAR(c.at(Line::equity, 3), 15000, kTol);
  EXPECT_NEAR(c.at(Line::equity, 4), 18000, kTol);
  EXPECT_NEAR(c.at(Line::cash, 11), 18000, kTol);
  EXPECT_NEAR(c.fig(Figure::net_result, 0), 0, kTol);
}

TEST(Taxes, CorporateTaxBalanceFiveMonthsLaterInstalmentsAndCutYear) {
  // Revenue 10 000, costs 6 000 a month, rate 15 %, H = 20 (2027 and Jan-Aug 2028).
  // 2027: result before tax 48 000 -> 7 200 booked in December (m11); no instalments in the
  //   first fiscal year; balance 7 200 paid in May 2028 (m11 + 5 = m16).
  // 2028: 7 200 > 3 000 -> instalments of 1 800 on 15 March (m14), June (m17), September
  //   (m20 >= H) and December. The year is cut by the horizon: its 8 months give 32 000 ->
  //   4 800 booked in m19 (its balance 4 800 - 3 600 is due after the horizon).
  // Tax account: m11 +7 200 (payable); m14 5 400; m16 -1 800 (prepaid: receivable); m17
  //   -3 600; m19 +1 200 (payable).
  Case c = run(R"Y(
revenue:
  sales: {amount: 10_000}
costs:
  all: {amount: 6_000}
taxes:
  corporate_tax: {rate: 0.15}
)Y", "2027-01", 20);
  EXPECT_NEAR(c.at(Line::corporate_tax, 11), 7200, kTol);
  EXPECT_NEAR(c.at(Line::corporate_tax, 19), 4800, kTol);
  EXPECT_NEAR(c.sum(Line::corporate_tax, 0, 19), 12000, kTol);
  for (int m = 0; m < 20; ++m) {
    double paid = m == 14 || m == 17 ? 1800 : m == 16 ? 7200 : 0;
    EXPECT_NEAR(c.at(Line::cash_corporate_tax, m), paid, kTol) << m;
    EXPECT_NEAR(c.at(Line::cash_corporate_tax_refund, m), 0, kTol) << m;
  }
  EXPECT_NEAR(c.at(Line::payables_taxes, 11), 7200, kTol);
  EXPECT_NEAR(c.at(Line::payables_taxes, 14), 5400, kTol);
  EXPECT_NEAR(c.at(Line::payables_taxes, 16), 0, kTol);
  EXPECT_NEAR(c.at(Line::receivables_taxes, 16), 1800, kTol);
  EXPECT_NEAR(c.at(Line::receivables_taxes, 17), 3600, kTol);
  EXPECT_NEAR(c.at(Line::receivables_taxes, 19), 0, kTol);
  EXPECT_NEAR(c.at(Line::payables_taxes, 19), 1200, kTol);
  EXPECT_NEAR(c.fig(Figure::net_result, 0), 40800, kTol);
  EXPECT_NEAR(c.fig(Figure::net_result, 1), 27200, kTol);
  EXPECT_NEAR(c.fig(Figure::charges, 0), 72000 + 7200, kTol);
  // cash: 20 x 4 000 - 7 200 - 2 x 1 800 = 69 200
  EXPECT_NEAR(c.at(Line::cash, 19), 69200, kTol);
  for (int m = 0; m < 20; ++m) EXPECT_NEAR(c.total_assets(m), c.total_liabilities(m), kTol) << m;
}

TEST(Taxes, CorporateTaxExcessInstalmentsRefunded) {
  // 2027: 10 000 - 6 000 a month -> 48 000 -> 7 200 (balance paid m16).
  // 2028: 6 500 - 6 000 a month -> 6 000 -> 900 booked in m23; instalments 4 x 1 800 in m14,
  //   m17, m20, m23 = 7 200; excess 6 300 refunded in June 2029 (m23 + 6 = m29).
  // 2029 (cut, m24-29): 3 000 -> 450 booked in m29; 900 <= 3 000: no instalments.
  // Tax account: m23: 7 200 - 7 200 - 7 200 + 900 = -6 300 (receivable) until m29, where
  //   +6 300 refunded and +450 booked -> 450 payable.
  Case c = run(R"Y(
revenue:
  sales: {amount: 10_000, until: 12}
  later: {amount: 6_500, from: 12}
costs:
  all: {amount: 6_000}
taxes:
  corporate_tax: {rate: 0.15}
)Y", "2027-01", 30);
  EXPECT_NEAR(c.at(Line::corporate_tax, 23), 900, kTol);
  EXPECT_NEAR(c.at(Line::corporate_tax, 29), 450, kTol);
  for (int m = 0; m < 30; ++m) {
    double paid = m == 14 || m == 17 || m == 20 || m == 23 ? 1800 : m == 16 ? 7200 : 0;
    EXPECT_NEAR(c.at(Line::cash_corporate_tax, m), paid, kTol) << m;
    EXPECT_NEAR(c.at(Line::cash_corporate_tax_refund, m), m == 29 ? 6300 : 0, kTol) << m;
  }
  EXPECT_NEAR(c.at(Line::receivables_taxes, 23), 6300, kTol);
  EXPECT_NEAR(c.at(Line::receivables_taxes, 28), 6300, kTol);
  EXPECT_NEAR(c.at(Line::receivables_taxes, 29), 0, kTol);
  EXPECT_NEAR(c.at(Line::payables_taxes, 29), 450, kTol);
  EXPECT_NEAR(c.at(Line::cash_in, 29), 6500 + 6300, kTol);
  for (int m = 0; m < 30; ++m) EXPECT_NEAR(c.total_assets(m), c.total_liabilities(m), kTol) << m;
}

TEST(Taxes, CorporateTaxNoInstalmentsAtThresholdOrWhenOff) {
  // Rate 25 %, result 12 000 in 2027 -> tax 3 000, which does not exceed 3 000: no
  // instalments in 2028; balance paid in m16; 2028's 3 000 booked in m23, paid after H.
  Case at = run(R"Y(
revenue: {sales: {amount: 1_000}}
taxes: {corporate_tax: {rate: 0.25}}
)Y", "2027-01", 24);
  EXPECT_NEAR(at.at(Line::cash_corporate_tax, 16), 3000, kTol);
  EXPECT_NEAR(at.sum(Line::cash_corporate_tax, 0, 23), 3000, kTol);
  EXPECT_NEAR(at.at(Line::payables_taxes, 23), 3000, kTol);
  // 7 200 a year with instalments: false -> only the balance, 7 200 in m16.
  Case off = run(R"Y(
revenue: {sales: {amount: 10_000}}
costs: {all: {amount: 6_000}}
taxes: {corporate_tax: {rate: 0.15, instalments: false}}
)Y", "2027-01", 24);
  EXPECT_NEAR(off.at(Line::cash_corporate_tax, 16), 7200, kTol);
  EXPECT_NEAR(off.sum(Line::cash_corporate_tax, 0, 23), 7200, kTol);
  // a lower threshold makes the 3 000 of the first case pay instalments of 750
  Case low = run(R"Y(
revenue: {sales: {amount: 1_000}}
taxes: {corporate_tax: {rate: 0.25, instalment_threshold: 2_000}}
)Y", "2027-01", 24);
  for (int m : {14, 17, 20, 23}) EXPECT_NEAR(low.at(Line::cash_corporate_tax, m), 750, kTol) << m;
  EXPECT_NEAR(low.at(Line::cash_corporate_tax, 16), 3000, kTol);
  EXPECT_NEAR(low.at(Line::payables_taxes, 23), 0, kTol);  // 3 000 + 3 000 - 3 000 - 3 000
}

TEST(Taxes, CorporateTaxPartialFirstFiscalYear) {
  // fiscal_year_start 7, start 2027-01, H = 24: year 0 = m0-5 (Jan-Jun 2027, partial, taxed),
  // year 1 = m6-17, year 2 = m18-23 (cut by the horizon: taxed on its 6 months).
  // Result before tax 4 000/month: 24 000 -> 3 600 booked in m5, balance paid in m10
  // (November 2027); 48 000 -> 7 200 booked in m17; 24 000 -> 3 600 booked in m23.
  // Year 1 instalments: 3 600 > 3 000 -> 900 each; closing at the end of June (20 May -
  // 19 August, art. 359 annexe III): 15 September (m8), December (m11), March (m14), June
  // (m17). Year 1 balance 7 200 - 3 600 = 3 600 in m22 (November 2028).
  // Year 2 instalments: 1 800 on m20 (September 2028), m23; m26, m29 after the horizon.
  Case c = run(R"Y(
revenue: {sales: {amount: 10_000}}
costs: {all: {amount: 6_000}}
taxes: {corporate_tax: {rate: 0.15}}
)Y", "2027-01", 24, 7);
  EXPECT_NEAR(c.at(Line::corporate_tax, 5), 3600, kTol);
  EXPECT_NEAR(c.at(Line::corporate_tax, 17), 7200, kTol);
  EXPECT_NEAR(c.at(Line::corporate_tax, 23), 3600, kTol);
  EXPECT_NEAR(c.sum(Line::corporate_tax, 0, 23), 14400, kTol);
  for (int m = 0; m < 24; ++m) {
    double paid = m == 10 ? 3600 : m == 8 || m == 11 || m == 14 || m == 17 ? 900 : m == 22 ? 3600
                : m == 20 || m == 23 ? 1800 : 0;
    EXPECT_NEAR(c.at(Line::cash_corporate_tax, m), paid, kTol) << m;
  }
  // account at m23: 14 400 booked - 3 600 - 3 600 - 3 600 - 3 600 paid = 0
  EXPECT_NEAR(c.at(Line::payables_taxes, 23), 0, kTol);
  EXPECT_NEAR(c.at(Line::receivables_taxes, 23), 0, kTol);
  for (int m = 0; m < 24; ++m) EXPECT_NEAR(c.total_assets(m), c.total_liabilities(m), kTol) << m;
}

TEST(Taxes, CorporateTaxInstalmentsAfterFebruaryClosing) {
  // fiscal_year_start 3: year 0 = Jan-Feb 2027 (m0-1), year 1 = Mar 2027-Feb 2028 (m2-13).
  // Rate 50 %, result 4 000 a month: year 0 tax 4 000 (> 3 000). Closing at the end of
  // February (20 February - 19 May): instalments of 1 000 on 15 June (m5), September (m8),
  // December (m11) and 15 March (m14), one month after year 1 ends. Year 0 balance 4 000 in
  // July 2027 (m6); year 1 tax 24 000 in m13, balance 24 000 - 4 000 in July 2028 (m18).
  Case c = run(R"Y(
revenue: {sales: {amount: 10_000}}
costs: {all: {amount: 6_000}}
taxes: {corporate_tax: {rate: 0.5}}
)Y", "2027-01", 19, 3);
  EXPECT_NEAR(c.at(Line::corporate_tax, 1), 4000, kTol);
  EXPECT_NEAR(c.at(Line::corporate_tax, 13), 24000, kTol);
  for (int m = 0; m < 19; ++m) {
    double paid = m == 5 || m == 8 || m == 11 || m == 14 ? 1000 : m == 6 ? 4000 : m == 18 ? 20000 : 0;
    // year 2 (from m14): instalments of 6 000 on 15 June 2028 (m17)
    if (m == 17) paid = 6000;
    EXPECT_NEAR(c.at(Line::cash_corporate_tax, m), paid, kTol) << m;
  }
  for (int m = 0; m < 19; ++m) EXPECT_NEAR(c.total_assets(m), c.total_liabilities(m), kTol) << m;
}

TEST(Subsidies, OnceDefaultUntilIsHorizon) {
  // once 9 000 from 3, no until: spread over months 3..11 (H = 12): 1 000 a month.
  Case c = run(R"Y(
subsidies: [{name: f, amount: 9_000, period: once, from: 3}]
)Y");
  for (int m = 0; m < 12; ++m) EXPECT_NEAR(c.at(Line::subsidies, m), m >= 3 ? 1000 : 0, kTol) << m;
  EXPECT_NEAR(c.at(Line::cash_subsidies, 3), 9000, kTol);
}

TEST(Taxes, CorporateTaxNotOnLoss) {
  Case c = run(R"Y(
revenue:
  sales: {amount: 5_000}
costs:
  all: {amount: 6_000}
taxes:
  corporate_tax: {rate: 0.25}
)Y");
  EXPECT_NEAR(c.sum(Line::corporate_tax, 0, 11), 0, kTol);
  EXPECT_NEAR(c.fig(Figure::net_result, 0), -12000, kTol);
}

TEST(InKind, ReportedWithoutEffect) {
  // 800 of volunteering a month: in_kind line only; result and cash unchanged.
  Case c = run(R"Y(
revenue:
  sales: {amount: 1_000}
in_kind:
  - {name: volunteers, amount: 800}
  - {name: premises, amount: 300, until: 6}
)Y");
  EXPECT_NEAR(c.at(Line::in_kind, 0), 1100, kTol);
  EXPECT_NEAR(c.at(Line::in_kind, 6), 800, kTol);
  EXPECT_NEAR(c.fig(Figure::net_result, 0), 12000, kTol);
  EXPECT_NEAR(c.fig(Figure::charges, 0), 0, kTol);
  EXPECT_NEAR(c.at(Line::cash, 11), 12000, kTol);
}

// ------------------------------------------------------------------------ checks

TEST(Checks, BreachedInOneYear) {
  // Year 0: revenue 24 000 <= 0.3 x 120 000 = 36 000 holds; year 1: 48 000 > 36 000 breaks.
  Case c = run(R"Y(
revenue:
  sales: {amount: 2_000 * (1 + year)}
costs:
  all: {amount: 10_000}
checks:
  cap: revenue <= 0.30 * charges
)Y", "2027-01", 24);
  ASSERT_EQ(c.bc.results.years, 2);
  EXPECT_EQ(c.bc.results.check_year[0], 0.0);
  EXPECT_EQ(c.bc.results.check_year[1], 1.0);
  EXPECT_EQ(c.bc.results.check_any[0], 1.0);
  auto j = base_case_json(c.bc);
  EXPECT_FALSE(j["checks"]["cap"]["passed"].get<bool>());
  EXPECT_TRUE(j["checks"]["cap"]["by_year"][0].get<bool>());
  EXPECT_FALSE(j["checks"]["cap"]["by_year"][1].get<bool>());
}

// -------------------------------------------------------------------------- indicators

// Operating results (window 3), month 0..11, from the revenue season() and a cost of 10:
//   -10, -4, 3, 5, 4, -2, -9, 6, 5, 5, 5, 5
// rolling sums: -10, -14, -11, 4, 12, 7, -7, -5, 2, 16, 15, 15 -> last negative month 7,
// breakeven month 8 (the first breakeven, month 3, is lost when the sum dips at month 6).
const char* kIndicatorScenario = R"Y(
revenue:
  sales: {amount: "season(0, 6, 13, 15, 14, 8, 1, 16, 15, 15, 15, 15)"}
costs:
  fixed: {amount: 10}
financing:
  opening_cash: 12
outputs:
  discount_rate: 0.03
  breakeven_window: 3
)Y";

TEST(Indicators, BreakevenMovesLaterAfterADip) {
  Case c = run(kIndicatorScenario);
  const double op[12] = {-10, -4, 3, 5, 4, -2, -9, 6, 5, 5, 5, 5};
  for (int m = 0; m < 12; ++m) EXPECT_NEAR(c.at(Line::operating_result, m), op[m], kTol) << m;
  EXPECT_EQ(c.ind(Indicator::breakeven_month), 8);
  // cash: 12 + cumulated op = 2, -2, 1, 6, 10, 8, -1, 5, 10, 15, 20, 25
  EXPECT_NEAR(c.ind(Indicator::min_cash), -2, kTol);
  EXPECT_EQ(c.ind(Indicator::min_cash_month), 1);
  EXPECT_NEAR(c.ind(Indicator::funding_need), 2, kTol);
  EXPECT_EQ(c.ind(Indicator::shortfall), 1);
  EXPECT_EQ(c.ind(Indicator::months_negative), 2);
  EXPECT_NEAR(c.ind(Indicator::cash_end), 25, kTol);
  // npv at 3 %: sum op_m / 1.03^(m/12) = 12.510509192...
  double npv = 0;
  for (int m = 0; m < 12; ++m) npv += op[m] / std::pow(1.03, m / 12.0);
  EXPECT_NEAR(npv, 12.510509192284989, 1e-9);
  EXPECT_NEAR(c.ind(Indicator::npv), npv, kTol);
}

TEST(Indicators, BreakevenDocExampleAndNever) {
  // Doc example, H = 8: op -10, -4, 3, 5, 4, -2, 3, 6; sums -10, -14, -11, 4, 12, 7, 5, 7
  // -> breakeven 3. With month 7 at -20 (cost 36 in month 7): sum -2 + 3 - 20 = -19 -> never.
  Case a = run(R"Y(
revenue:
  sales: {amount: "season(0, 6, 13, 15, 14, 8, 13, 16, 0, 0, 0, 0)"}
costs:
  fixed: {amount: 10}
)Y", "2027-01", 8);
  EXPECT_EQ(a.ind(Indicator::breakeven_month), 3);
  Case b = run(R"Y(
revenue:
  sales: {amount: "season(0, 6, 13, 15, 14, 8, 13, 16, 0, 0, 0, 0)"}
costs:
  fixed: {amount: "10 + 26 * between(7, 8)"}
)Y", "2027-01", 8);
  EXPECT_NEAR(b.at(Line::operating_result, 7), -20, kTol);
  EXPECT_TRUE(std::isnan(b.ind(Indicator::breakeven_month)));
  auto j = base_case_json(b.bc);
  EXPECT_TRUE(j["indicators"]["breakeven_month"].is_null());
}

TEST(Indicators, BreakevenUnsubsidised) {
  // op = 100 (revenue) + 50 (subsidy) - 120 = 30 each month: breakeven 0;
  // without the subsidy: -20 every month: never.
  Case c = run(R"Y(
revenue: {sales: {amount: 100}}
costs: {all: {amount: 120}}
subsidies: [{name: s, amount: 50, period: month}]
)Y");
  EXPECT_EQ(c.ind(Indicator::breakeven_month), 0);
  EXPECT_TRUE(std::isnan(c.ind(Indicator::breakeven_month_unsubsidised)));
}

TEST(Indicators, NpvExcludesFinancingFlows) {
  // Doc example: investment 10 000 in month 0, +6 000 in months 12 and 24, r = 3 %:
  // -10 000 + 6 000/1.03 + 6 000/1.03^2 = 1 480.8181732...; the loan (draw, interest,
  // principal), the equity and the opening cash are excluded.
  Case c = run(R"Y(
revenue:
  sales: {amount: "6_000 * (between(12, 13) + between(24, 25))"}
investments:
  - {name: machine, amount: 10_000, month: 0, life: 120}
financing:
  opening_cash: 1_000
  equity: [{amount: 2_000, month: 3}]
  loans: [{name: bank, principal: 8_000, month: 0, rate: 0.05, term: 12, type: annuity}]
outputs: {discount_rate: 0.03}
)Y", "2027-01", 25);
  EXPECT_NEAR(c.ind(Indicator::npv), -10000 + 6000 / 1.03 + 6000 / (1.03 * 1.03), kTol);
  EXPECT_NEAR(c.ind(Indicator::npv), 1480.8181732491275, 1e-6);
}

TEST(Indicators, YearFiguresRatios) {
  // H = 12. Revenue 5 000/month = 60 000. Subsidies: a 24 000, b 12 000 (year) = 36 000.
  // Costs: purchases 0.3 x sales = 1 500/month variable = 18 000; rent 1 000/month = 12 000.
  // Staff: 3 000 x 1.5 = 4 500/month = 54 000. Depreciation 6 000 / 60 = 100/month = 1 200.
  // Loan 12 000 at 12 % linear over 12 months, drawn m0: principal 1 000 in months 1-11
  // (11 000 in the year); interest 120, 110, ..., 20 = 10 x (12 + ... + 2) = 770.
  // charges = 18 000 + 12 000 + 54 000 + 1 200 + 770 = 85 970.
  // net = 60 000 + 36 000 - 85 970 = 10 030; CAF = 10 030 + 1 200 = 11 230.
  // self_financing = 60 000 / 85 970; subsidy_share = 36 000 / 96 000 = 0.375;
  // largest_funder_share = 24 000 / 96 000 = 0.25;
  // breakeven_revenue = (85 970 - 18 000) / (1 - 18 000/60 000) = 67 970 / 0.7 = 97 100;
  // safety_margin = 60 000 - 97 100 = -37 100; debt_cover = 11 230 / 11 000.
  Case c = run(R"Y(
revenue:
  sales: {amount: 5_000}
costs:
  purchases: {amount: 0.3 * sales, behaviour: variable}
  rent: {amount: 1_000}
staff:
  - {name: s, role: s, fte: 1, gross_monthly: 3_000, employer_rate: 0.5}
subsidies:
  - {name: a, amount: 24_000}
  - {name: b, amount: 12_000}
investments:
  - {name: kit, amount: 6_000, month: 0, life: 60}
financing:
  loans: [{name: bank, principal: 12_000, month: 0, rate: 0.12, term: 12, type: linear}]
)Y");
  EXPECT_NEAR(c.fig(Figure::revenue, 0), 60000, kTol);
  EXPECT_NEAR(c.fig(Figure::subsidies, 0), 36000, kTol);
  EXPECT_NEAR(c.fig(Figure::variable_costs, 0), 18000, kTol);
  EXPECT_NEAR(c.fig(Figure::charges, 0), 85970, kTol);
  EXPECT_NEAR(c.fig(Figure::net_result, 0), 10030, kTol);
  EXPECT_NEAR(c.fig(Figure::caf, 0), 11230, kTol);
  EXPECT_NEAR(c.fig(Figure::self_financing, 0), 60000.0 / 85970, 1e-12);
  EXPECT_NEAR(c.fig(Figure::subsidy_share, 0), 0.375, 1e-12);
  EXPECT_NEAR(c.fig(Figure::largest_funder_share, 0), 0.25, 1e-12);
  EXPECT_NEAR(c.fig(Figure::breakeven_revenue, 0), 97100, kTol);
  EXPECT_NEAR(c.fig(Figure::safety_margin, 0), -37100, kTol);
  EXPECT_NEAR(c.fig(Figure::debt_cover, 0), 11230.0 / 11000, 1e-12);
  EXPECT_EQ(c.fig(Figure::months, 0), 12);
}

TEST(Indicators, DebtCoverAbsentWithoutRepayment) {
  Case c = run(R"Y(
revenue: {sales: {amount: 100}}
)Y");
  EXPECT_TRUE(std::isnan(c.fig(Figure::debt_cover, 0)));
  EXPECT_TRUE(std::isnan(c.fig(Figure::self_financing, 0)));  // no charges
  EXPECT_NEAR(c.fig(Figure::subsidy_share, 0), 0, 1e-12);
}

TEST(Indicators, MinCashMonths) {
  // opening 6 000, costs 1 000/month: cash 5 000, 4 000, ..., 0 at month 5, -6 000 at
  // month 11; charges 12 000 a year = 1 000/month -> min_cash_months = -6.
  Case c = run(R"Y(
costs: {all: {amount: 1_000}}
financing: {opening_cash: 6_000}
)Y");
  EXPECT_NEAR(c.ind(Indicator::min_cash), -6000, kTol);
  EXPECT_EQ(c.ind(Indicator::min_cash_month), 11);
  EXPECT_NEAR(c.ind(Indicator::min_cash_months), -6, kTol);
  EXPECT_EQ(c.ind(Indicator::months_negative), 6);  // months 6..11 (cash 0 at month 5 is not < 0)
}

// ------------------------------------------------------------------- fiscal years

TEST(FiscalYears, StartInJulyStraddlesCalendarYears) {
  // start 2027-01, fiscal_year_start 7, H = 24: k = (1 - 7) mod 12 = 6.
  // year 0 = m0-5 (Jan-Jun 2027, the 2026-27 fiscal year), year 1 = m6-17 (Jul 2027-Jun 2028),
  // year 2 = m18-23 (Jul-Dec 2028, cut by the horizon). grow() steps at m6 and m18.
  Case c = run(R"Y(
revenue:
  sales: {amount: 1_000 * grow(0.1)}
staff:
  - {name: a, role: a, fte: 1, gross_monthly: 1_000, employer_rate: 0, raise: 0.1}
)Y", "2027-01", 24, 7);
  ASSERT_EQ(c.bc.years.size(), 3u);
  EXPECT_EQ(c.bc.years[0].first, 0);
  EXPECT_EQ(c.bc.years[0].last, 5);
  EXPECT_TRUE(c.bc.years[0].complete);
  EXPECT_EQ(c.bc.years[1].first, 6);
  EXPECT_EQ(c.bc.years[1].last, 17);
  EXPECT_EQ(c.bc.years[2].first, 18);
  EXPECT_EQ(c.bc.years[2].last, 23);
  EXPECT_FALSE(c.bc.years[2].complete);
  // Labels as the engine (ledger.hpp) writes them: "2026-27", "2027-28", "2028-29".
  // NOTE: docs/model-reference.md section 1 says a straddling year is labelled by the
  // calendar year in which it starts ("2027" for Sept 2027-Aug 2028): discrepancy reported.
  EXPECT_EQ(c.bc.years[0].label, "2026-27");
  EXPECT_EQ(c.bc.years[1].label, "2027-28");
  EXPECT_EQ(c.bc.years[2].label, "2028-29");
  EXPECT_NEAR(c.at(Line::revenue, 5), 1000, kTol);
  EXPECT_NEAR(c.at(Line::revenue, 6), 1100, kTol);
  EXPECT_NEAR(c.at(Line::revenue, 18), 1210, kTol);
  EXPECT_NEAR(c.at(Line::staff_wages, 17), 1100, kTol);
  EXPECT_NEAR(c.fig(Figure::revenue, 0), 6000, kTol);
  EXPECT_NEAR(c.fig(Figure::revenue, 1), 13200, kTol);
  EXPECT_NEAR(c.fig(Figure::revenue, 2), 6 * 1210, kTol);
  EXPECT_EQ(c.fig(Figure::months, 2), 6);
}

// -------------------------------------------------- balance sheet and financing plan

TEST(Statements, DocBalanceSheetExample) {
  // docs/model-reference.md section 16: opening cash 10 000; revenue 1 000/month paid one
  // month later; costs 300/month; wages 500 + charges 200 paid next month; investment 6 000
  // in month 0, life 60, grant 3 000 paid after the horizon; subsidy 2 400 for the year paid
  // after the horizon. Result 1 800, cash 3 200, totals 14 400, FR 9 400, BFR 6 200.
  Case c = run(R"Y(
revenue: {sales: {amount: 1_000, paid_after: 1}}
costs: {rent: {amount: 300}}
staff:
  - {name: w, role: w, fte: 1, gross_monthly: 500, employer_rate: 0.4}
subsidies:
  - {name: op, amount: 2_400, payments: [{share: 1, at: end + 1}]}
investments:
  - {name: kit, amount: 6_000, month: 0, life: 60, grant: {amount: 3_000, payments: [{share: 1, at: end + 20}]}}
financing: {opening_cash: 10_000}
)Y");
  auto bs = balance_sheet_json(c.bc, 0);
  EXPECT_NEAR(bs["assets"]["fixed_assets"].get<double>(), 4800, kTol);
  EXPECT_NEAR(bs["assets"]["receivables_customers"].get<double>(), 1000, kTol);
  EXPECT_NEAR(bs["assets"]["receivables_subsidies"].get<double>(), 2400, kTol);
  EXPECT_NEAR(bs["assets"]["receivables_investment_grants"].get<double>(), 3000, kTol);
  EXPECT_NEAR(bs["assets"]["cash"].get<double>(), 3200, kTol);
  EXPECT_NEAR(bs["liabilities"]["equity"].get<double>(), 10000, kTol);
  EXPECT_NEAR(bs["liabilities"]["retained_results"].get<double>(), 1800, kTol);
  EXPECT_NEAR(bs["liabilities"]["grants_unreleased"].get<double>(), 2400, kTol);
  EXPECT_NEAR(bs["liabilities"]["payables_social"].get<double>(), 200, kTol);
  EXPECT_NEAR(bs["total_assets"].get<double>(), 14400, kTol);
  EXPECT_NEAR(bs["total_liabilities"].get<double>(), 14400, kTol);
  EXPECT_NEAR(bs["fonds_de_roulement"].get<double>(), 9400, kTol);
  EXPECT_NEAR(bs["bfr"].get<double>(), 6200, kTol);
  // financing plan (section 17): CAF 2 400 + grant 3 000 = 5 400; needs 6 000 + 6 200 =
  // 12 200; cash change -6 800.
  auto fp = base_case_json(c.bc)["years"][0]["financing_plan"];
  EXPECT_NEAR(fp["resources"]["caf"].get<double>(), 2400, kTol);
  EXPECT_NEAR(fp["resources"]["investment_grants"].get<double>(), 3000, kTol);
  EXPECT_NEAR(fp["resources"]["total"].get<double>(), 5400, kTol);
  EXPECT_NEAR(fp["needs"]["total"].get<double>(), 12200, kTol);
  EXPECT_NEAR(fp["cash_change"].get<double>(), -6800, kTol);
  EXPECT_NEAR(fp["cash_start"].get<double>(), 10000, kTol);
}

TEST(Statements, FinancingPlanIdentityAndFrMinusBfrEveryYear) {
  // A scenario touching every flow: resources - needs = cash change and FR - BFR = cash at
  // every fiscal-year end; the balance sheet balances.
  Case c = run(R"Y(
vat: {regime: quarterly, default_rate: 0.2}
revenue:
  sales: {amount: "4_000 * ramp(0, 6)", paid_after: 2}
  memberships: {amount: 300, vat_rate: 0}
costs:
  purchases: {amount: 0.3 * sales, behaviour: variable, paid_after: 1}
  rent: {amount: 900, vat_rate: 0.2}
staff:
  - {name: a, role: a, fte: 1.5, gross_monthly: 2_100, employer_rate: 0.35, raise: 0.02}
subsidies:
  - {name: region, amount: 30_000, until: 30, payments: [{share: 0.5, at: start + 2}, {share: 0.5, at: end + 6}]}
  - {name: aide, amount: 800, period: month, kind: job, payments: [{share: 1, at: start + 1}]}
  - {name: launch, amount: 9_000, period: once, from: 0, until: 6, payments: [{share: 1, at: start - 2}]}
investments:
  - {name: kit, amount: 24_000, month: 2, life: 48, grant: {share: 0.4, payments: [{share: 0.3, at: start}, {share: 0.7, at: end + 9}]}}
financing:
  opening_cash: 8_000
  equity: [{amount: 5_000, month: 1}]
  loans:
    - {name: bank, principal: 20_000, month: 1, rate: 0.045, term: 36, deferral: 3, type: annuity}
    - {name: bridge, principal: 10_000, month: 0, rate: 0.03, term: 15, type: bullet}
taxes:
  payroll_tax: {brackets: [[9_147, 0.0425], [18_259, 0.085], [null, 0.136]], allowance: 1_000}
  corporate_tax: {rate: 0.15}
)Y", "2027-05", 40);
  auto j = base_case_json(c.bc);
  double prev_cash = 8000;
  ASSERT_EQ(j["years"].size(), 4u);
  for (std::size_t y = 0; y < j["years"].size(); ++y) {
    const auto& yr = j["years"][y];
    const auto& fp = yr["financing_plan"];
    const auto& bs = yr["balance_sheet"];
    double cash_end = bs["assets"]["cash"].get<double>();
    EXPECT_NEAR(fp["cash_start"].get<double>(), prev_cash, kTol) << y;
    EXPECT_NEAR(fp["resources"]["total"].get<double>() - fp["needs"]["total"].get<double>(), cash_end - prev_cash, kTol)
        << y;
    EXPECT_NEAR(bs["fonds_de_roulement"].get<double>() - bs["bfr"].get<double>(), cash_end, kTol) << y;
    EXPECT_NEAR(bs["total_assets"].get<double>(), bs["total_liabilities"].get<double>(), kTol) << y;
    prev_cash = cash_end;
  }
  for (int m = 0; m < 40; ++m) EXPECT_NEAR(c.total_assets(m), c.total_liabilities(m), kTol) << m;
}

}  // namespace
