// The French presentation of the base-case statements (issue 12, point 3), each rule on a
// small scenario computed by hand (arithmetic in the comments):
//   - grants receivable and received in advance shown gross, per agreement;
//   - negative cash as *concours bancaires courants* on the liabilities side;
//   - a negative CAF as *insuffisance d'autofinancement* among the needs;
//   - the *soldes intermédiaires de gestion*;
//   - the line-by-line monthly cash plan.
// Tolerance 1e-6 €: only floating-point rounding separates the hand computation and the engine.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <sstream>
#include <vector>
#include <string>

#include "amorce/base_case.hpp"
#include "amorce/cash_plan.hpp"
#include "amorce/compile.hpp"
#include "amorce/ledger.hpp"
#include "amorce/load.hpp"

namespace {

using namespace amorce;
using nlohmann::json;

constexpr double kTol = 1e-6;

struct Case {
  std::unique_ptr<Plan> plan;
  BaseCase bc;
  double at(Line l, int m) const { return bc.ledger.at(l, m, 0); }
};

Case run(const std::string& body, int horizon = 12) {
  std::string yaml = "amorce: 1\nname: t\nstart: 2027-01\nhorizon: " + std::to_string(horizon) + "\n" + body;
  Case c;
  c.plan = std::make_unique<Plan>(compile(load_scenario_text(yaml, "t.yaml")));
  c.bc = run_base_case(*c.plan);
  return c;
}

double num(const json& j) { return j.get<double>(); }

// ---------------------------------------------------------------- grants shown gross

TEST(GrossGrants, OneFundersAdvanceDoesNotOffsetAnothersReceivable) {
  // a: 12 000 a year, 1 000/month recognised in months 0-11, paid in full at end + 3 = 15
  //    (after the horizon): receivable 1 000 x (m + 1) at month m.
  // b: once 12 000 from 6 until 18, 1 000/month from month 6, paid in full at start (month 6):
  //    advance 12 000 - 1 000 x (m - 5) at month m >= 6.
  // Month 5: receivable 6 000, advance 0. Month 6: receivable 7 000, advance 11 000.
  // Year end (month 11): receivable 12 000, advance 12 000 - 6 000 = 6 000 (netted: 6 000 | 0).
  Case c = run(R"Y(
subsidies:
  - {name: a, amount: 12_000, period: year, payments: [{share: 1, at: end + 3}]}
  - {name: b, amount: 12_000, period: once, from: 6, until: 18, payments: [{share: 1, at: start}]}
)Y");
  EXPECT_NEAR(c.at(Line::receivables_subsidies, 5), 6000, kTol);
  EXPECT_NEAR(c.at(Line::deferred_income, 5), 0, kTol);
  EXPECT_NEAR(c.at(Line::receivables_subsidies, 6), 7000, kTol);
  EXPECT_NEAR(c.at(Line::deferred_income, 6), 11000, kTol);
  EXPECT_NEAR(c.at(Line::receivables_subsidies, 11), 12000, kTol);
  EXPECT_NEAR(c.at(Line::deferred_income, 11), 6000, kTol);
  json bs = balance_sheet_json(c.bc, 0);
  EXPECT_NEAR(num(bs["assets"]["receivables_subsidies"]), 12000, kTol);
  EXPECT_NEAR(num(bs["liabilities"]["deferred_income"]), 6000, kTol);
  EXPECT_NEAR(num(bs["total_assets"]), num(bs["total_liabilities"]), kTol);
}

TEST(GrossGrants, EachYearlyAgreementIsItsOwnReceivableOrAdvance) {
  // 12 000 a year for two fiscal years, 50 % at start - 2 and 50 % at end + 3.
  // Agreement 2027 (months 0-11): 6 000 in month max(0, -2) = 0, 6 000 in month 15.
  // Agreement 2028 (months 12-23): 6 000 in month 10, 6 000 in month 27 (after the horizon).
  // Month 10: 2027 earned 11 000, received 6 000 -> receivable 5 000; 2028 earned 0, received
  //           6 000 -> advance 6 000 (netted: advance 1 000).
  // Month 11: 2027 receivable 6 000, 2028 advance 6 000 (netted: nothing at all).
  // Month 23: 2027 settled in month 15; 2028 earned 12 000, received 6 000 -> receivable 6 000.
  Case c = run(R"Y(
subsidies:
  - name: region
    amount: 12_000
    period: year
    payments: [{share: 0.5, at: start - 2}, {share: 0.5, at: end + 3}]
)Y", 24);
  EXPECT_NEAR(c.at(Line::cash_subsidies, 0), 6000, kTol);
  EXPECT_NEAR(c.at(Line::cash_subsidies, 10), 6000, kTol);
  EXPECT_NEAR(c.at(Line::cash_subsidies, 15), 6000, kTol);
  EXPECT_NEAR(c.at(Line::receivables_subsidies, 10), 5000, kTol);
  EXPECT_NEAR(c.at(Line::deferred_income, 10), 6000, kTol);
  EXPECT_NEAR(c.at(Line::receivables_subsidies, 11), 6000, kTol);
  EXPECT_NEAR(c.at(Line::deferred_income, 11), 6000, kTol);
  EXPECT_NEAR(c.at(Line::receivables_subsidies, 23), 6000, kTol);
  EXPECT_NEAR(c.at(Line::deferred_income, 23), 0, kTol);
  for (int y = 0; y < 2; ++y) {
    json bs = balance_sheet_json(c.bc, y);
    EXPECT_NEAR(num(bs["total_assets"]), num(bs["total_liabilities"]), kTol) << y;
  }
}

TEST(GrossGrants, InvestmentGrantPaidBeforeThePurchaseIsAnAdvance) {
  // i1: 10 000 bought in month 6, grant 4 000 paid at start - 3 = month 3: an advance of 4 000
  //     in months 3-5 (a liability), nothing once awarded in month 6.
  // i2: 3 000 bought in month 2, grant 1 000 paid at end + 20 (after the horizon): receivable
  //     1 000 from month 2 on.
  // Month 4: receivable 1 000 and advance 4 000 (netted: a negative receivable of -3 000).
  Case c = run(R"Y(
investments:
  - {name: i1, amount: 10_000, month: 6, life: 10, grant: {amount: 4_000, payments: [{share: 1, at: start - 3}]}}
  - {name: i2, amount: 3_000, month: 2, life: 10, grant: {amount: 1_000, payments: [{share: 1, at: end + 20}]}}
)Y");
  EXPECT_NEAR(c.at(Line::cash_investment_grants, 3), 4000, kTol);
  for (int m = 0; m < 12; ++m) {
    EXPECT_NEAR(c.at(Line::advances_investment_grants, m), (m >= 3 && m < 6) ? 4000 : 0, kTol) << m;
    EXPECT_NEAR(c.at(Line::receivables_investment_grants, m), m >= 2 ? 1000 : 0, kTol) << m;
  }
  json bs = balance_sheet_json(c.bc, 0);
  EXPECT_NEAR(num(bs["assets"]["receivables_investment_grants"]), 1000, kTol);
  EXPECT_NEAR(num(bs["liabilities"]["advances_investment_grants"]), 0, kTol);
  EXPECT_NEAR(num(bs["total_assets"]), num(bs["total_liabilities"]), kTol);
}

// ---------------------------------------------------------------- overdraft and CAF shortfall

// Opening cash 1 000; a tool of 2 400 bought in month 0 (life 24: 100/month); rent 500/month.
// Year end (month 11): cash = 1 000 - 2 400 - 12 x 500 = -7 400;
// fixed assets 2 400 - 1 200 = 1 200; net result -6 000 - 1 200 = -7 200; CAF = -7 200 + 1 200
// = -6 000.
const char* kLossMaking = R"Y(
costs:
  rent: {amount: 500}
investments:
  - {name: tool, amount: 2_400, month: 0, life: 24}
financing:
  opening_cash: 1_000
)Y";

TEST(Overdraft, NegativeCashIsABankOverdraftOnTheLiabilitiesSide) {
  Case c = run(kLossMaking);
  EXPECT_NEAR(c.at(Line::cash, 11), -7400, kTol);  // the ledger keeps the signed balance
  json bs = balance_sheet_json(c.bc, 0);
  EXPECT_NEAR(num(bs["assets"]["cash"]), 0, kTol);
  EXPECT_NEAR(num(bs["liabilities"]["bank_overdraft"]), 7400, kTol);
  EXPECT_NEAR(num(bs["net_cash"]), -7400, kTol);
  // assets: 1 200 of fixed assets; liabilities: 1 000 - 7 200 + 7 400 = 1 200
  EXPECT_NEAR(num(bs["total_assets"]), 1200, kTol);
  EXPECT_NEAR(num(bs["total_liabilities"]), 1200, kTol);
  // net cash = fonds de roulement - BFR: (1 000 - 7 200 - 1 200) - 0
  EXPECT_NEAR(num(bs["fonds_de_roulement"]) - num(bs["bfr"]), -7400, kTol);
}

TEST(Overdraft, PositiveCashStaysAnAsset) {
  Case c = run("financing:\n  opening_cash: 5_000\n");
  json bs = balance_sheet_json(c.bc, 0);
  EXPECT_NEAR(num(bs["assets"]["cash"]), 5000, kTol);
  EXPECT_NEAR(num(bs["liabilities"]["bank_overdraft"]), 0, kTol);
}

TEST(FinancingPlan, NegativeCafIsAnInsuffisanceDAutofinancementAmongTheNeeds) {
  Case c = run(kLossMaking);
  json fp = base_case_json(c.bc)["years"][0]["financing_plan"];
  EXPECT_NEAR(num(fp["needs"]["caf_shortfall"]), 6000, kTol);
  EXPECT_NEAR(num(fp["needs"]["investments"]), 2400, kTol);
  EXPECT_NEAR(num(fp["needs"]["total"]), 8400, kTol);
  EXPECT_NEAR(num(fp["resources"]["caf"]), 0, kTol);
  EXPECT_NEAR(num(fp["resources"]["total"]), 0, kTol);
  // resources - needs = change in cash: -8 400 = -7 400 - 1 000
  EXPECT_NEAR(num(fp["cash_change"]), -8400, kTol);
  EXPECT_NEAR(num(fp["cash_end"]) - num(fp["cash_start"]), -8400, kTol);
}

TEST(FinancingPlan, PositiveCafIsAResource) {
  // revenue 1 000/month, nothing else: CAF 12 000
  Case c = run("revenue:\n  sales: {amount: 1_000}\n");
  json fp = base_case_json(c.bc)["years"][0]["financing_plan"];
  EXPECT_NEAR(num(fp["resources"]["caf"]), 12000, kTol);
  EXPECT_NEAR(num(fp["needs"]["caf_shortfall"]), 0, kTol);
}

// ---------------------------------------------------------------- SIG

TEST(Sig, CascadeComputedByHand) {
  // Per month: goods sold 2 000 (kind sales), services 1 000; purchases 800 (variable), rent
  // 300 (fixed); one post: wages 1 000, employer charges 400; operating grant 6 000 a year
  // (500/month), job aid 200/month; a 12 000 van bought in month 0 over 60 months (200/month)
  // with a 50 % grant (released 100/month); a 10 000 bullet loan at 12 % (interest 100/month in
  // months 1-11: 1 100); corporate tax 25 %.
  // Year: sales_goods 24 000, production_sold 12 000, revenue 36 000, variable 9 600,
  // margin 26 400, other costs 3 600, value added 22 800; EBE = 22 800 + 6 000 + 2 400
  // - 12 000 - 4 800 = 14 400; operating = 14 400 - 2 400 + 1 200 = 13 200;
  // current = 13 200 - 1 100 = 12 100; exceptional 0; IS = 0.25 x 12 100 = 3 025;
  // net = 9 075.
  Case c = run(R"Y(
revenue:
  goods: {amount: 2_000, kind: sales}
  repairs: {amount: 1_000, kind: services}
costs:
  purchases: {amount: 800, behaviour: variable}
  rent: {amount: 300}
staff:
  - {name: mechanic, fte: 1, gross_monthly: 1_000, employer_rate: 0.4}
subsidies:
  - {name: region, amount: 6_000, period: year}
  - {name: aide, amount: 200, period: month, kind: job}
investments:
  - {name: van, amount: 12_000, month: 0, life: 60, grant: {share: 0.5}}
financing:
  loans:
    - {name: bank, principal: 10_000, month: 0, rate: 0.12, term: 12, type: bullet}
taxes:
  corporate_tax: {rate: 0.25}
)Y");
  json sig = sig_json(c.bc, 0);
  const std::pair<const char*, double> expected[] = {
      {"sales_goods", 24000}, {"production_sold", 12000}, {"revenue", 36000}, {"variable_costs", 9600},
      {"margin", 26400},      {"other_costs", 3600},      {"value_added", 22800}, {"subsidies_operating", 6000},
      {"subsidies_job", 2400}, {"payroll_tax", 0},        {"staff_wages", 12000}, {"staff_charges", 4800},
      {"ebitda", 14400},      {"depreciation", 2400},     {"grant_release", 1200}, {"operating_result", 13200},
      {"interest", 1100},     {"current_result", 12100},  {"exceptional_result", 0}, {"corporate_tax", 3025},
      {"net_result", 9075}};
  for (const auto& [key, v] : expected) EXPECT_NEAR(num(sig[key]), v, kTol) << key;
  // the soldes agree with the ledger's own lines
  json is = base_case_json(c.bc)["years"][0]["income_statement"];
  for (const char* key : {"ebitda", "operating_result", "net_result"}) EXPECT_NEAR(num(sig[key]), num(is[key]), kTol) << key;
}

// ---------------------------------------------------------------- cash plan line by line

TEST(CashPlan, EveryItemOnItsOwnRowComputedByHand) {
  // H = 6, no VAT. Sales 1 000/month paid the month after: 1 000 in months 1-5. Rent 300 every
  // month. Wages 1 000 in the month, employer charges 500 the month after (months 1-5). A
  // one-off grant of 3 000 paid at start + 2 (month 2). A computer of 1 200 in month 1. Equity
  // 4 000 and a 6 000 loan drawn in month 0, 12 % (1 %/month), 6 months, linear: principal
  // 1 000 in months 1-5 (month 6 is past the horizon), interest 1 % of the balance:
  // 60, 50, 40, 30, 20.
  Case c = run(R"Y(
revenue:
  sales: {amount: 1_000, paid_after: 1, label: Ventes}
costs:
  rent: {amount: 300}
staff:
  - {name: coord, fte: 1, gross_monthly: 1_000, employer_rate: 0.5}
subsidies:
  - {name: city, amount: 3_000, period: once, from: 0, until: 6, payments: [{share: 1, at: start + 2}]}
investments:
  - {name: pc, amount: 1_200, month: 1, life: 12}
financing:
  opening_cash: 2_000
  equity: [{amount: 4_000, month: 0}]
  loans:
    - {name: bank, principal: 6_000, month: 0, rate: 0.12, term: 6, type: linear}
)Y", 6);
  CashPlan cp = cash_plan(c.bc);
  using V = std::vector<double>;
  const std::vector<std::pair<std::string, V>> receipts = {
      {"revenue:sales", {0, 1000, 1000, 1000, 1000, 1000}},
      {"subsidy:city", {0, 0, 3000, 0, 0, 0}},
      {"equity:1", {4000, 0, 0, 0, 0, 0}},
      {"loan:bank", {6000, 0, 0, 0, 0, 0}},
      {"cash_vat_refund", {0, 0, 0, 0, 0, 0}},  // taxes and refunds: one row each, from the ledger
      {"cash_corporate_tax_refund", {0, 0, 0, 0, 0, 0}}};
  const std::vector<std::pair<std::string, V>> payments = {
      {"cost:rent", {300, 300, 300, 300, 300, 300}},
      {"wages:coord", {1000, 1000, 1000, 1000, 1000, 1000}},
      {"social_charges:coord", {0, 500, 500, 500, 500, 500}},
      {"cash_payroll_tax", {0, 0, 0, 0, 0, 0}},
      {"cash_vat", {0, 0, 0, 0, 0, 0}},
      {"cash_corporate_tax", {0, 0, 0, 0, 0, 0}},
      {"investment:pc", {0, 1200, 0, 0, 0, 0}},
      {"loan_principal:bank", {0, 1000, 1000, 1000, 1000, 1000}},
      {"loan_interest:bank", {0, 60, 50, 40, 30, 20}}};
  auto expect_rows = [](const std::vector<CashPlanRow>& got, const std::vector<std::pair<std::string, V>>& want) {
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t r = 0; r < want.size(); ++r) {
      EXPECT_EQ(got[r].key, want[r].first);
      for (std::size_t m = 0; m < 6; ++m) EXPECT_NEAR(got[r].months[m], want[r].second[m], kTol) << want[r].first << " " << m;
    }
  };
  expect_rows(cp.receipts, receipts);
  expect_rows(cp.payments, payments);
  EXPECT_EQ(cp.receipts[0].label, "Ventes");
  // month 1: 2 000 + 10 000 - 1 300 (month 0) = 10 700 at the start; in 1 000, out 300 + 1 000
  // + 500 + 1 200 + 1 000 + 60 = 4 060; end 7 640
  EXPECT_NEAR(cp.cash_start[1], 10700, kTol);
  EXPECT_NEAR(cp.cash_in[1], 1000, kTol);
  EXPECT_NEAR(cp.cash_out[1], 4060, kTol);
  EXPECT_NEAR(cp.cash_end[1], 7640, kTol);
  // JSON and CSV carry the same rows
  json j = base_case_json(c.bc)["cash_plan"];
  EXPECT_EQ(j["payments"][8]["key"], "loan_interest:bank");
  EXPECT_NEAR(num(j["payments"][8]["months"][2]), 50, kTol);
  std::ostringstream csv;
  write_cash_plan_csv(csv, c.bc, cp);
  EXPECT_NE(csv.str().find("out,\"loan_interest:bank\",cash_interest,\"bank\",0.00,60.00,50.00,40.00,30.00,20.00\n"),
            std::string::npos)
      << csv.str();
}

/// The rows of each side add up to the ledger's cash_in / cash_out every month, on every
/// bundled scenario (tolerance 1e-6 €: the same flows summed in another order).
TEST(CashPlan, RowsSumToTheTotalCashFlowOnEveryBundledScenario) {
  int scenarios = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(AMORCE_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(entry.path().string());
    ++scenarios;
    Plan plan = compile(load_scenario(entry.path().string(), ""));
    BaseCase bc = run_base_case(plan);
    CashPlan cp = cash_plan(bc);
    EXPECT_GT(cp.receipts.size() + cp.payments.size(), 10u);
    for (int m = 0; m < plan.horizon; ++m) {
      double in = 0, out = 0;
      for (const auto& r : cp.receipts) in += r.months[static_cast<std::size_t>(m)];
      for (const auto& r : cp.payments) out += r.months[static_cast<std::size_t>(m)];
      EXPECT_NEAR(in, bc.ledger.at(Line::cash_in, m, 0), 1e-6) << m;
      EXPECT_NEAR(out, bc.ledger.at(Line::cash_out, m, 0), 1e-6) << m;
      EXPECT_NEAR(cp.cash_start[static_cast<std::size_t>(m)] + in - out, bc.ledger.at(Line::cash, m, 0), 1e-6) << m;
    }
  }
  EXPECT_GE(scenarios, 7);
}

}  // namespace
