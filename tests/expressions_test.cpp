// The expression language (spec section 3), checked through small scenarios whose series are
// read back from base_case_json(bc)["monthly"]["series:NAME"]; compile-time errors (with
// their line and column) and runtime DomainErrors (naming the item and month).
// Expected values are computed by hand; tolerances 1e-12 (relative to values of order 1-1000)
// only absorb floating-point rounding.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "amorce/base_case.hpp"
#include "amorce/compile.hpp"
#include "amorce/error.hpp"
#include "amorce/load.hpp"

namespace {

using namespace amorce;

constexpr double kTol = 1e-9;

std::string header(const std::string& start, int horizon, int fys = 1) {
  return "amorce: 1\nname: t\nstart: " + start + "\nhorizon: " + std::to_string(horizon) +
         "\nfiscal_year_start: " + std::to_string(fys) + "\n";
}

struct Evaluated {
  std::unique_ptr<Plan> plan;
  BaseCase bc;
  nlohmann::json monthly;
  std::vector<double> series(const std::string& name) const {
    const auto& j = monthly.at("series:" + name);
    return j.get<std::vector<double>>();
  }
  double at(const std::string& name, int m) const { return series(name).at(static_cast<std::size_t>(m)); }
};

Evaluated eval(const std::string& body, const std::string& start = "2027-01", int horizon = 12, int fys = 1) {
  Evaluated e;
  e.plan = std::make_unique<Plan>(compile(load_scenario_text(header(start, horizon, fys) + body, "t.yaml")));
  e.bc = run_base_case(*e.plan);
  e.monthly = base_case_json(e.bc)["monthly"];
  return e;
}

/// Compiles (load + compile) and returns the ScenarioError's diagnostics; fails if none thrown.
std::vector<Diagnostic> compile_errors(const std::string& yaml) {
  try {
    Plan p = compile(load_scenario_text(yaml, "t.yaml"));
  } catch (const ScenarioError& e) {
    return e.diagnostics().empty() ? std::vector<Diagnostic>{{{}, e.what()}} : e.diagnostics();
  }
  ADD_FAILURE() << "no ScenarioError for:\n" << yaml;
  return {};
}

std::string all_messages(const std::vector<Diagnostic>& d) {
  std::string s;
  for (const auto& x : d) s += format_pos(x.pos) + x.message + "\n";
  return s;
}

// ------------------------------------------------------------------ operators and precedence

TEST(Expressions, PrecedenceAndOperators) {
  Evaluated e = eval(R"(
series:
  neg_pow: -2^2
  pow_right: 2^3^2
  paren_pow: (-2)^2
  left_sub: 10 - 4 - 3
  left_div: 64 / 4 / 2
  mixed: 2 * 3 + 4 * 5
  parens: (2 + 3) * 4
  half: 7 / 2
  cmp_lt: 1 + 2 < 4
  cmp_le: 2 <= 1
  cmp_ge: 2 >= 2
  cmp_gt: 3 > 3
  cmp_eq: 2 * 3 == 6
  cmp_ne: 3 != 3
  and_false: 1 < 2 and 3 > 4
  or_true: 1 < 2 or 3 > 4
  not_one: not 1
  not_cmp: not (1 > 2)
  and_or: 1 or 0 and 0
  and_or_paren: (1 or 0) and 0
  sep: 45_000 + 1_000
  dec: 1.5e3 + 0.25
)", "2027-01", 2);
  EXPECT_NEAR(e.at("neg_pow", 0), -4, kTol);     // unary minus binds looser than ^
  EXPECT_NEAR(e.at("pow_right", 0), 512, kTol);  // 2^(3^2), right-associative
  EXPECT_NEAR(e.at("paren_pow", 0), 4, kTol);
  EXPECT_NEAR(e.at("left_sub", 0), 3, kTol);
  EXPECT_NEAR(e.at("left_div", 0), 8, kTol);
  EXPECT_NEAR(e.at("mixed", 0), 26, kTol);
  EXPECT_NEAR(e.at("parens", 0), 20, kTol);
  EXPECT_NEAR(e.at("half", 0), 3.5, kTol);
  EXPECT_EQ(e.at("cmp_lt", 0), 1);  // arithmetic before comparison: 3 < 4
  EXPECT_EQ(e.at("cmp_le", 0), 0);
  EXPECT_EQ(e.at("cmp_ge", 0), 1);
  EXPECT_EQ(e.at("cmp_gt", 0), 0);
  EXPECT_EQ(e.at("cmp_eq", 0), 1);
  EXPECT_EQ(e.at("cmp_ne", 0), 0);
  EXPECT_EQ(e.at("and_false", 0), 0);
  EXPECT_EQ(e.at("or_true", 0), 1);
  EXPECT_EQ(e.at("not_one", 0), 0);
  EXPECT_EQ(e.at("not_cmp", 0), 1);
  EXPECT_EQ(e.at("and_or", 0), 1);  // and binds tighter than or: 1 or (0 and 0)
  EXPECT_EQ(e.at("and_or_paren", 0), 0);
  EXPECT_NEAR(e.at("sep", 0), 46000, kTol);
  EXPECT_NEAR(e.at("dec", 0), 1500.25, kTol);
}

TEST(Expressions, MathFunctions) {
  Evaluated e = eval(R"(
series:
  f_if: if(month < 3, 10, 20)
  f_min: min(3, 1, 2)
  f_max: max(3, 7)
  f_clamp_hi: clamp(15, 0, 10)
  f_clamp_lo: clamp(-5, 0, 10)
  f_clamp_in: clamp(4, 0, 10)
  f_abs: abs(-3.5)
  f_floor: floor(-2.5)
  f_ceil: ceil(2.1)
  f_round_up: round(2.5)
  f_round_neg: round(-2.5)
  f_round_down: round(2.4)
  f_exp: exp(1)
  f_log: log(exp(2))
  f_sqrt: sqrt(16)
  f_pow: pow(2, 10)
  f_sin: sin(0)
  f_cos: cos(0)
  f_sin_half_pi: sin(3.141592653589793 / 2)
)", "2027-01", 6);
  for (int m = 0; m < 6; ++m) EXPECT_NEAR(e.at("f_if", m), m < 3 ? 10 : 20, kTol) << m;
  EXPECT_NEAR(e.at("f_min", 0), 1, kTol);
  EXPECT_NEAR(e.at("f_max", 0), 7, kTol);
  EXPECT_NEAR(e.at("f_clamp_hi", 0), 10, kTol);
  EXPECT_NEAR(e.at("f_clamp_lo", 0), 0, kTol);
  EXPECT_NEAR(e.at("f_clamp_in", 0), 4, kTol);
  EXPECT_NEAR(e.at("f_abs", 0), 3.5, kTol);
  EXPECT_NEAR(e.at("f_floor", 0), -3, kTol);
  EXPECT_NEAR(e.at("f_ceil", 0), 3, kTol);
  EXPECT_NEAR(e.at("f_round_up", 0), 3, kTol);    // halves away from zero
  EXPECT_NEAR(e.at("f_round_neg", 0), -3, kTol);
  EXPECT_NEAR(e.at("f_round_down", 0), 2, kTol);
  EXPECT_NEAR(e.at("f_exp", 0), 2.718281828459045, kTol);
  EXPECT_NEAR(e.at("f_log", 0), 2, kTol);
  EXPECT_NEAR(e.at("f_sqrt", 0), 4, kTol);
  EXPECT_NEAR(e.at("f_pow", 0), 1024, kTol);
  EXPECT_NEAR(e.at("f_sin", 0), 0, kTol);
  EXPECT_NEAR(e.at("f_cos", 0), 1, kTol);
  EXPECT_NEAR(e.at("f_sin_half_pi", 0), 1, kTol);
}

// ------------------------------------------------------------------------ calendar

TEST(Expressions, MonthYearCalendarMonth) {
  // start 2027-11, calendar fiscal years: k = 10; months 0-1 (Nov, Dec 2027) are year 0,
  // month 2 (Jan 2028) starts year 1, month 14 (Jan 2029) year 2.
  Evaluated e = eval(R"(
series:
  m: month
  y: year
  cm: calendar_month
  m_call: month()
)", "2027-11", 16);
  for (int m = 0; m < 16; ++m) {
    EXPECT_EQ(e.at("m", m), m);
    EXPECT_EQ(e.at("m_call", m), m);
    EXPECT_EQ(e.at("y", m), m < 2 ? 0 : m < 14 ? 1 : 2) << m;
    EXPECT_EQ(e.at("cm", m), ((10 + m) % 12) + 1) << m;
  }
}

TEST(Expressions, YearWithFiscalYearStart) {
  // start 2027-01, fiscal_year_start 7: k = 6; months 0-5 year 0, 6-17 year 1, 18+ year 2.
  Evaluated e = eval("series:\n  y: year\n  g: grow(0.1)\n", "2027-01", 20, 7);
  for (int m = 0; m < 20; ++m) {
    int y = m < 6 ? 0 : m < 18 ? 1 : 2;
    EXPECT_EQ(e.at("y", m), y) << m;
    EXPECT_NEAR(e.at("g", m), std::pow(1.1, y), kTol) << m;  // grow steps on fiscal years
  }
}

TEST(Expressions, RampScurveBetweenSeason) {
  // ramp(3, 4) = clamp((m - 3 + 1)/4, 0, 1): 0, 0, 0, 0.25, 0.5, 0.75, 1, 1 ...
  // scurve(6, 2) = 1/(1 + exp(-(m - 6)/2)): 0.5 at month 6.
  // between(2, 5) = 1 for months 2, 3, 4.
  // season(1..12) starting in November: 11, 12, 1, 2, ...
  Evaluated e = eval(R"(
series:
  r: ramp(3, 4)
  r1: ramp(0, 1)
  s: scurve(6, 2)
  b: between(2, 5)
  se: season(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)
)", "2027-11", 14);
  const double ramp[8] = {0, 0, 0, 0.25, 0.5, 0.75, 1, 1};
  for (int m = 0; m < 8; ++m) EXPECT_NEAR(e.at("r", m), ramp[m], kTol) << m;
  for (int m = 0; m < 14; ++m) {
    EXPECT_NEAR(e.at("r1", m), 1, kTol);
    EXPECT_NEAR(e.at("s", m), 1 / (1 + std::exp(-(m - 6) / 2.0)), kTol) << m;
    EXPECT_EQ(e.at("b", m), (m >= 2 && m < 5) ? 1 : 0) << m;
    EXPECT_EQ(e.at("se", m), ((10 + m) % 12) + 1) << m;
  }
  EXPECT_NEAR(e.at("s", 6), 0.5, kTol);
  EXPECT_NEAR(e.at("s", 8), 1 / (1 + std::exp(-1.0)), kTol);  // 0.7310585786
}

TEST(Expressions, GrowByFiscalYear) {
  // start 2027-04, calendar fiscal years: year 0 = months 0-8, year 1 = 9-20, year 2 = 21-.
  // grow(0.02) = 1, 1.02, 1.0404.
  Evaluated e = eval("series:\n  g: 100 * grow(0.02)\n", "2027-04", 24);
  for (int m = 0; m < 24; ++m) EXPECT_NEAR(e.at("g", m), m < 9 ? 100 : m < 21 ? 102 : 104.04, kTol) << m;
}

// ------------------------------------------------------------------ lag and cumsum

TEST(Expressions, LagCumsumAndRecurrence) {
  // x = month + 1; lag(x, 2) = 0 for m < 2, else m - 1; cumsum(x) = (m + 1)(m + 2)/2.
  // members = lag(members, 1) + 10 - 0.1 lag(members, 1) = 0.9 members(m-1) + 10, from 0:
  //   10, 19, 27.1, 34.39, ... = 100 (1 - 0.9^(m+1)).
  Evaluated e = eval(R"(
series:
  x: month + 1
  lagged: lag(x, 2)
  lag0: lag(x, 0)
  total: cumsum(x)
  members: lag(members, 1) + 10 - 0.1 * lag(members, 1)
)", "2027-01", 24);
  for (int m = 0; m < 24; ++m) {
    EXPECT_NEAR(e.at("lagged", m), m < 2 ? 0 : m - 1, kTol) << m;
    EXPECT_NEAR(e.at("lag0", m), m + 1, kTol) << m;
    EXPECT_NEAR(e.at("total", m), (m + 1) * (m + 2) / 2.0, kTol) << m;
    EXPECT_NEAR(e.at("members", m), 100 * (1 - std::pow(0.9, m + 1)), 1e-9) << m;
  }
  EXPECT_NEAR(e.at("members", 2), 27.1, 1e-9);
}

TEST(Expressions, ItemNameStandsForItsMonthlyAmount) {
  // labour = 1 000 x month from month 2 (0 before: the item's window applies);
  // parts = 0.05 x labour; a series reading the cost.
  Evaluated e = eval(R"(
series:
  seen: parts * 2
revenue:
  labour: {amount: 1_000 * month, from: 2}
costs:
  parts: {amount: 0.05 * labour}
)", "2027-01", 6);
  for (int m = 0; m < 6; ++m) {
    double labour = m >= 2 ? 1000.0 * m : 0;
    EXPECT_NEAR(e.monthly["item:labour"][m].get<double>(), labour, kTol) << m;
    EXPECT_NEAR(e.monthly["item:parts"][m].get<double>(), 0.05 * labour, kTol) << m;
    EXPECT_NEAR(e.monthly["costs"][m].get<double>(), 0.05 * labour, kTol) << m;
    EXPECT_NEAR(e.at("seen", m), 0.1 * labour, kTol) << m;
  }
}

TEST(Expressions, InputsInExpressions) {
  // fixed inputs, an input built from earlier inputs, and an uncertain input at its base
  // (triangular: mode 12).
  Evaluated e = eval(R"(
inputs:
  a: 3
  b: a * 2 + 1
  p: {triangular: [10, 12, 20]}
series:
  s: b * p
)", "2027-01", 2);
  EXPECT_NEAR(e.at("s", 0), 84, kTol);
}

// ------------------------------------------------------------------ compile-time errors

TEST(ExpressionErrors, UnknownNameDidYouMean) {
  std::string yaml = header("2027-01", 12) +  // lines 1-5
                     "series:\n"                 // 6
                     "  demand: 100\n"           // 7
                     "  sales: 2 * demnd\n";     // 8: value at column 10, 'demnd' at offset 4
  auto d = compile_errors(yaml);
  ASSERT_FALSE(d.empty());
  std::string msg = all_messages(d);
  EXPECT_NE(msg.find("unknown name 'demnd'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("did you mean 'demand'"), std::string::npos) << msg;
  EXPECT_EQ(d[0].pos.file, "t.yaml");
  EXPECT_EQ(d[0].pos.line, 8) << msg;
  EXPECT_EQ(d[0].pos.column, 14) << msg;
}

TEST(ExpressionErrors, UnknownFunction) {
  std::string yaml = header("2027-01", 12) + "series:\n  a: 1 + rampe(0, 3)\n";  // line 7
  auto d = compile_errors(yaml);
  ASSERT_FALSE(d.empty());
  std::string msg = all_messages(d);
  EXPECT_NE(msg.find("unknown function 'rampe'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("did you mean 'ramp'"), std::string::npos) << msg;
  EXPECT_EQ(d[0].pos.line, 7) << msg;
  EXPECT_EQ(d[0].pos.column, 10) << msg;  // value at column 6, 'rampe' at offset 4
}

TEST(ExpressionErrors, WrongArity) {
  std::string yaml = header("2027-01", 12) + "series:\n  a: 1\n  b: clamp(a, 0)\n";  // line 8
  auto d = compile_errors(yaml);
  ASSERT_FALSE(d.empty());
  std::string msg = all_messages(d);
  EXPECT_NE(msg.find("clamp() takes 3 arguments, got 2"), std::string::npos) << msg;
  EXPECT_EQ(d[0].pos.line, 8) << msg;
  EXPECT_EQ(d[0].pos.column, 6) << msg;
}

TEST(ExpressionErrors, SameMonthCycleNamesTheCycle) {
  std::string yaml = header("2027-01", 12) +
                     "series:\n"          // 6
                     "  a: b + 1\n"       // 7
                     "  b: c * 2\n"       // 8
                     "  c: a - 3\n"       // 9
                     "  ok: lag(ok, 1) + 1\n";  // a legal recurrence
  auto d = compile_errors(yaml);
  ASSERT_FALSE(d.empty());
  std::string msg = all_messages(d);
  EXPECT_NE(msg.find("circular definition"), std::string::npos) << msg;
  // the message names every member of the cycle
  EXPECT_NE(msg.find("a -> b -> c -> a"), std::string::npos) << msg;
  EXPECT_GE(d[0].pos.line, 7) << msg;
  EXPECT_LE(d[0].pos.line, 9) << msg;
  EXPECT_EQ(msg.find("'ok'"), std::string::npos) << msg;  // the lag recurrence is not reported
}

TEST(ExpressionErrors, MonthInInput) {
  std::string yaml = header("2027-01", 12) + "inputs:\n  x: 2 * month\n";  // line 7
  auto d = compile_errors(yaml);
  ASSERT_FALSE(d.empty());
  std::string msg = all_messages(d);
  EXPECT_NE(msg.find("'month' cannot be used here"), std::string::npos) << msg;
  EXPECT_NE(msg.find("inputs"), std::string::npos) << msg;
  EXPECT_EQ(d[0].pos.line, 7) << msg;
  EXPECT_EQ(d[0].pos.column, 10) << msg;
}

TEST(ExpressionErrors, SeriesInFrom) {
  std::string yaml = header("2027-01", 12) +
                     "series:\n  opening: 3\n"                       // 6, 7
                     "revenue:\n  sales: {amount: 100, from: opening}\n";  // 8, 9
  auto d = compile_errors(yaml);
  ASSERT_FALSE(d.empty());
  std::string msg = all_messages(d);
  EXPECT_NE(msg.find("series 'opening' cannot be used here"), std::string::npos) << msg;
  EXPECT_EQ(d[0].pos.line, 9) << msg;
  EXPECT_EQ(d[0].pos.column, 30) << msg;
}

// ------------------------------------------------------------------ runtime domain errors

TEST(ExpressionErrors, DivisionByZeroNamesItemAndMonth) {
  // 100 / (month - 3) divides by zero at month 3 (2027-04).
  Plan p = compile(load_scenario_text(header("2027-01", 12) + "revenue:\n  sales: {amount: 100 / (month - 3)}\n", "t.yaml"));
  try {
    run_base_case(p);
    FAIL() << "no DomainError";
  } catch (const DomainError& e) {
    std::string what = e.what();
    EXPECT_EQ(e.month(), 3) << what;
    EXPECT_NE(e.item().find("sales"), std::string::npos) << what;
    EXPECT_NE(what.find("division by zero"), std::string::npos) << what;
    EXPECT_NE(what.find("month 3"), std::string::npos) << what;
    EXPECT_NE(what.find("seed"), std::string::npos) << what;
  }
}

TEST(ExpressionErrors, LogOfNonPositiveNamesSeriesAndMonth) {
  // log(5 - month) is log(0) at month 5.
  Plan p = compile(load_scenario_text(header("2027-01", 12) + "series:\n  decay: log(5 - month)\n", "t.yaml"));
  try {
    run_base_case(p);
    FAIL() << "no DomainError";
  } catch (const DomainError& e) {
    std::string what = e.what();
    EXPECT_EQ(e.month(), 5) << what;
    EXPECT_NE(e.item().find("decay"), std::string::npos) << what;
    EXPECT_NE(what.find("log of a non-positive number"), std::string::npos) << what;
  }
}

}  // namespace
