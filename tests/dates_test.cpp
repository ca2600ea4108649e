// Dates where months are expected (spec section 4: "a literal date YYYY-MM, converted to its
// index from start; a date before start is an error") and the warnings for items that fall
// after the horizon. The trap this guards against: `at: 2027-07` once parsed as the
// subtraction 2027 - 7 = month 2020, so a 28 000 € payment was silently never received.
// Expected figures are computed by hand in the comments; tolerance 1e-6 € (rounding only).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "amorce/base_case.hpp"
#include "amorce/compile.hpp"
#include "amorce/error.hpp"
#include "amorce/expr.hpp"
#include "amorce/ledger.hpp"
#include "amorce/load.hpp"
#include "amorce/warnings.hpp"

namespace {

using namespace amorce;

constexpr double kTol = 1e-6;

struct Case {
  std::unique_ptr<Plan> plan;
  BaseCase bc;
  double at(Line l, int m) const { return bc.ledger.at(l, m, 0); }
  std::vector<std::string> warnings() const { return horizon_warnings(*plan, bc.ledger); }
};

std::string scenario(const std::string& body, const std::string& start, int horizon) {
  return "amorce: 1\nname: t\nstart: " + start + "\nhorizon: " + std::to_string(horizon) + "\n" + body;
}

Case run(const std::string& body, const std::string& start = "2027-01", int horizon = 12) {
  Case c;
  c.plan = std::make_unique<Plan>(compile(load_scenario_text(scenario(body, start, horizon), "t.yaml")));
  c.bc = run_base_case(*c.plan);
  return c;
}

/// The message of the ScenarioError that loading and compiling `body` throws ("" if none).
std::string error_of(const std::string& body, const std::string& start = "2027-01", int horizon = 12) {
  try {
    compile(load_scenario_text(scenario(body, start, horizon), "t.yaml"));
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

// ---------------------------------------------------------------- the trap of the issue

TEST(Dates, PaymentAtDateIsReceivedThatMonth) {
  // start 2027-01: 2027-07 is month 6. A 28 000 € grant paid in one payment at 2027-07 is
  // cash in month 6 and nowhere else (it used to be month 2020: never received).
  Case c = run(R"Y(
subsidies:
  - name: region
    amount: 28_000
    period: once
    from: 0
    until: 12
    payments: [{share: 1, at: 2027-07}]
)Y");
  for (int m = 0; m < 12; ++m) EXPECT_NEAR(c.at(Line::cash_subsidies, m), m == 6 ? 28000.0 : 0.0, kTol) << "month " << m;
  EXPECT_TRUE(c.warnings().empty());
}

TEST(Dates, StartInJulyCountsFromStart) {
  // start 2027-07: 2028-01 is month 6; from 2027-09 (month 2) until 2028-03 (month 8, excluded)
  Case c = run(R"Y(
revenue:
  sales: {amount: 100, from: 2027-09, until: 2028-03, vat_rate: 0}
subsidies:
  - {name: dept, amount: 6_000, period: once, from: 0, until: 12, payments: [{share: 1, at: 2028-01}]}
)Y",
               "2027-07");
  for (int m = 0; m < 12; ++m) {
    EXPECT_NEAR(c.at(Line::revenue, m), (m >= 2 && m < 8) ? 100.0 : 0.0, kTol) << "month " << m;
    EXPECT_NEAR(c.at(Line::cash_subsidies, m), m == 6 ? 6000.0 : 0.0, kTol) << "month " << m;
  }
}

TEST(Dates, InvestmentLoanEquityMonths) {
  // investment 12 000 in 2027-03 (month 2), loan 10 000 drawn 2027-02 (month 1),
  // equity 5 000 in 2027-05 (month 4); single-digit month 2027-5 is the same date.
  Case c = run(R"Y(
investments:
  - {name: van, amount: 12_000, month: 2027-03, life: 60, vat_rate: 0}
financing:
  equity: [{amount: 5_000, month: 2027-5}]
  loans: [{name: bank, principal: 10_000, month: 2027-02, rate: 0, term: 10}]
)Y");
  for (int m = 0; m < 12; ++m) {
    EXPECT_NEAR(c.at(Line::cash_investments, m), m == 2 ? 12000.0 : 0.0, kTol) << "month " << m;
    EXPECT_NEAR(c.at(Line::cash_loans, m), m == 1 ? 10000.0 : 0.0, kTol) << "month " << m;
    EXPECT_NEAR(c.at(Line::cash_equity, m), m == 4 ? 5000.0 : 0.0, kTol) << "month " << m;
  }
  // depreciation from the month of purchase: 12 000 / 60 = 200 a month from month 2
  EXPECT_NEAR(c.at(Line::depreciation, 1), 0.0, kTol);
  EXPECT_NEAR(c.at(Line::depreciation, 2), 200.0, kTol);
}

TEST(Dates, DatesInsideExpressions) {
  // ramp(2027-06, 4) is ramp(5, 4): 0 before month 5, then 1/4, 2/4, 3/4, 1;
  // between(2027-03, 2027-05) is 1 in months 2 and 3.
  Case c = run(R"Y(
revenue:
  sales:
    amount: 400 * ramp(2027-06, 4)
    vat_rate: 0
  fair:
    amount: 50 * between(2027-03, 2027-05)
    vat_rate: 0
)Y");
  const double ramp[12] = {0, 0, 0, 0, 0, 100, 200, 300, 400, 400, 400, 400};
  for (int m = 0; m < 12; ++m)
    EXPECT_NEAR(c.at(Line::revenue, m), ramp[m] + ((m == 2 || m == 3) ? 50.0 : 0.0), kTol) << "month " << m;
}

TEST(Dates, InputsMayHoldAMonth) {
  // launch = 2027-04 (month 3) used as the start of an item: revenue from month 3 on
  Case c = run(R"Y(
inputs:
  launch: 2027-04
revenue:
  sales:
    amount: 100
    from: launch
    vat_rate: 0
)Y");
  for (int m = 0; m < 12; ++m) EXPECT_NEAR(c.at(Line::revenue, m), m >= 3 ? 100.0 : 0.0, kTol) << "month " << m;
}

TEST(Dates, SpacesMeanSubtraction) {
  // only YYYY-MM written without spaces is a date: 2000 - 12 is 1988
  Case c = run("revenue:\n  sales: {amount: 2000 - 12, vat_rate: 0}\n");
  EXPECT_NEAR(c.at(Line::revenue, 0), 1988.0, kTol);
  // a year outside 1900..2199 is never a date: 1200-50 is 1150
  Case d = run("revenue:\n  sales: {amount: 1200-50, vat_rate: 0}\n");
  EXPECT_NEAR(d.at(Line::revenue, 0), 1150.0, kTol);
}

// ---------------------------------------------------------------- errors with positions

TEST(Dates, BeforeStartIsAnErrorWithPosition) {
  std::string e = error_of(R"Y(
subsidies:
  - name: region
    amount: 1000
    payments: [{share: 1, at: 2026-11}]
)Y");
  // line 9 of the file (4 header lines + the blank line), the column of the date
  EXPECT_NE(e.find("t.yaml:9:"), std::string::npos) << e;
  EXPECT_NE(e.find("date 2026-11 is before the scenario's start (2027-01)"), std::string::npos) << e;
}

TEST(Dates, InvalidMonthAndDayAreErrors) {
  EXPECT_NE(error_of("investments:\n  - {name: van, amount: 1, month: 2027-13, life: 12}\n").find("month 13 does not exist"),
            std::string::npos);
  EXPECT_NE(error_of("investments:\n  - {name: van, amount: 1, month: 2027-00, life: 12}\n").find("month 0 does not exist"),
            std::string::npos);
  std::string day = error_of("revenue:\n  s: {amount: 1, from: 2027-03-15}\n");
  EXPECT_NE(day.find("write the month only, 2027-03"), std::string::npos) << day;
}

TEST(Dates, DateWhereADurationOrAmountIsMeantIsAnError) {
  std::string term = error_of("financing:\n  loans: [{name: b, principal: 1000, month: 0, rate: 0, term: 2028-01}]\n");
  EXPECT_NE(term.find("is a date, but this field is not a month"), std::string::npos) << term;
  std::string amount = error_of("revenue:\n  s: {amount: 2030-12}\n");
  EXPECT_NE(amount.find("is a date, but this field is not a month"), std::string::npos) << amount;
  std::string ramp = error_of("revenue:\n  s:\n    amount: 10 * ramp(2027-03, 2027-09)\n");
  EXPECT_NE(ramp.find("ramp(): argument 2 is a date '2027-09', expected a number of months"), std::string::npos) << ramp;
  std::string lag = error_of("series:\n  x: 1\n  y: lag(x, 2027-02)\n");
  EXPECT_NE(lag.find("lag(): argument 2 is a date"), std::string::npos) << lag;
}

TEST(Dates, ParserWithoutOriginRefusesDates) {
  Expr e{"2027-07", SourcePos{"f.yaml", 3, 9}};
  try {
    parse_expression(e);
    FAIL() << "expected a ScenarioError";
  } catch (const ScenarioError& err) {
    EXPECT_NE(std::string(err.what()).find("needs the scenario's start"), std::string::npos) << err.what();
  }
  MonthOrigin o{2027, 1};
  ExprTree t = parse_expression(e, &o);
  ASSERT_EQ(t.nodes.size(), 1u);
  EXPECT_TRUE(t.nodes[0].date);
  EXPECT_EQ(t.nodes[0].value, 6.0);
}

// ---------------------------------------------------------------- after the horizon: warnings

TEST(HorizonWarnings, LastPaymentAfterHorizon) {
  // yearly grant 12 000, half at start + 1, half at end + 3: the 2027 agreement ends at
  // month 12 = the horizon, so its second half (6 000) is due month 15 = 2028-04.
  Case c = run(R"Y(
subsidies:
  - name: region
    amount: 12_000
    payments: [{share: 0.5, at: start + 1}, {share: 0.5, at: end + 3}]
)Y");
  EXPECT_NEAR(c.at(Line::cash_subsidies, 1), 6000.0, kTol);
  auto w = c.warnings();
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0], "subsidy 'region': payment of 6 000 € due 2028-04, after the horizon (last month 2027-12): "
                  "never received within the study (a receivable in the last balance sheet)");
}

TEST(HorizonWarnings, InvestmentLoanEquityAfterHorizonAreSkippedAndNamed) {
  // all three fall after the horizon (month 11 = 2027-12 is the last): nothing in the cash plan
  Case c = run(R"Y(
investments:
  - {name: van, amount: 12_000, month: 2028-03, life: 60, vat_rate: 0}
financing:
  opening_cash: 1000
  equity: [{amount: 5_000, month: 14}]
  loans: [{name: bank, principal: 10_000, month: 2029-01, rate: 0.02, term: 10}]
)Y");
  for (int m = 0; m < 12; ++m) {
    EXPECT_NEAR(c.at(Line::cash_investments, m), 0.0, kTol);
    EXPECT_NEAR(c.at(Line::cash_loans, m), 0.0, kTol);
    EXPECT_NEAR(c.at(Line::cash_equity, m), 0.0, kTol);
    EXPECT_NEAR(c.at(Line::cash, m), 1000.0, kTol);
  }
  auto w = c.warnings();
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0], "investment 'van': purchase of 12 000 € due 2028-03, after the horizon (last month 2027-12): "
                  "never made within the study");
  EXPECT_EQ(w[1], "loan 'bank': draw of 10 000 € due 2029-01, after the horizon (last month 2027-12): "
                  "never received within the study");
  EXPECT_EQ(w[2], "equity: contribution of 5 000 € due 2028-03, after the horizon (last month 2027-12): "
                  "never received within the study");
}

TEST(HorizonWarnings, SubsidyStartingAfterHorizon) {
  Case c = run("subsidies:\n  - {name: fonjep, amount: 7_000, from: 2028-06, until: 40}\n");
  auto w = c.warnings();
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0], "subsidy 'fonjep': start in 2028-06, after the horizon (last month 2027-12): "
                  "never received within the study");
}

TEST(HorizonWarnings, NoneWhenEverythingFallsInside) {
  Case c = run(R"Y(
subsidies:
  - {name: region, amount: 12_000, payments: [{share: 1, at: start + 2}]}
investments:
  - {name: van, amount: 1000, month: 11, life: 12}
)Y");
  EXPECT_TRUE(c.warnings().empty());
}

// ---------------------------------------------------------------- through the binary

TEST(HorizonWarnings, CheckAndRunPrintThemAndKeepExitZero) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("amorce_dates_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "late.yaml";
  std::ofstream(file) << scenario(
      "subsidies:\n  - {name: region, amount: 12_000, payments: [{share: 1, at: end + 2}]}\n", "2027-01", 12);
  auto sh = [&](const std::string& cmd, std::string& out) {
    FILE* p = popen(cmd.c_str(), "r");
    char buf[4096];
    out.clear();
    while (std::size_t k = std::fread(buf, 1, sizeof buf, p)) out.append(buf, k);
    return pclose(p);
  };
  const std::string cli = AMORCE_CLI_PATH;
  std::string out;
  int rc = sh(cli + " check " + file.string() + " --lang en 2>&1 >/dev/null", out);
  EXPECT_EQ(rc, 0);
  EXPECT_NE(out.find("late.yaml: warning: subsidy 'region': payment of 12 000 € due 2028-03"), std::string::npos) << out;
  // French by default, on the terminal of check and run (the JSON keeps the English text)
  for (const char* cmd : {" check ", " run "}) {
    rc = sh(cli + cmd + file.string() + " --paths 64 2>&1 >/dev/null", out);
    if (std::string(cmd) == " check ") rc = sh(cli + cmd + file.string() + " 2>&1 >/dev/null", out);
    EXPECT_EQ(rc, 0);
    EXPECT_NE(out.find("late.yaml : avertissement : subvention 'region' : versement de 12 000 € dû 2028-03, après l'horizon "
                       "(dernier mois 2027-12) : jamais encaissé pendant l'étude (une créance au dernier bilan)"),
              std::string::npos)
        << cmd << out;
  }
  rc = sh(cli + " run " + file.string() + " --paths 64 --format json 2>/dev/null", out);
  EXPECT_EQ(rc, 0);
  auto j = nlohmann::json::parse(out);
  ASSERT_EQ(j["warnings"].size(), 1u);
  EXPECT_NE(j["warnings"][0].get<std::string>().find("never received within the study"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
