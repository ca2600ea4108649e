// Tests of the scenario loader: a full valid scenario, extends + variants merging, and a
// table of malformed files each checked for file name, line number and a useful phrase.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "amorce/load.hpp"

namespace {

using namespace amorce;

std::string data(const std::string& rel) {
  return std::string(AMORCE_SOURCE_DIR) + "/tests/data/" + rel;
}

const Input& input(const Scenario& s, const std::string& name) {
  for (const auto& i : s.inputs)
    if (i.name == name) return i;
  throw std::runtime_error("no input " + name);
}

TEST(Load, FullScenario) {
  Scenario s = load_scenario(data("load/full.yaml"));
  EXPECT_EQ(s.file, data("load/full.yaml"));
  EXPECT_EQ(s.name, "Garage solidaire de l'Est lyonnais");
  EXPECT_EQ(s.start_year, 2027);
  EXPECT_EQ(s.start_month, 3);
  EXPECT_EQ(s.horizon, 60);
  EXPECT_EQ(s.fiscal_year_start, 7);
  EXPECT_EQ(s.simulation.paths, 20000);
  EXPECT_EQ(s.simulation.seed, 7u);
  EXPECT_EQ(s.simulation.sampling, Sampling::sobol);

  ASSERT_EQ(s.inputs.size(), 15u);
  EXPECT_EQ(s.inputs[0].name, "price");
  ASSERT_TRUE(s.inputs[0].fixed);
  EXPECT_EQ(s.inputs[0].fixed->text, "45");
  EXPECT_EQ(s.inputs[0].pos.line, 9);
  EXPECT_EQ(s.inputs[0].pos.column, 3);
  const Input& demand = input(s, "demand");
  ASSERT_TRUE(demand.dist);
  EXPECT_EQ(demand.dist->law, Law::uniform);
  ASSERT_EQ(demand.dist->params.size(), 2u);
  EXPECT_EQ(demand.dist->params[1].text, "200");
  EXPECT_EQ(demand.dist->params[1].pos.line, 10);
  EXPECT_EQ(demand.label, "Demande");
  EXPECT_EQ(demand.unit, "jobs");
  EXPECT_EQ(input(s, "delay").dist->law, Law::pert);
  EXPECT_EQ(input(s, "delay").dist->lambda->text, "4");
  const auto& wage = *input(s, "wage").dist;
  EXPECT_EQ(wage.law, Law::normal);
  EXPECT_EQ(wage.params[0].text, "1800");
  EXPECT_EQ(wage.params[1].text, "100");
  EXPECT_EQ(wage.min->text, "1500");
  EXPECT_EQ(wage.max->text, "2200");
  EXPECT_EQ(input(s, "growth").dist->base->text, "0.02");
  EXPECT_EQ(input(s, "share_b").dist->params[1].text, "5");
  EXPECT_EQ(input(s, "lead").dist->law, Law::gamma);
  EXPECT_TRUE(input(s, "visits").each_month);
  EXPECT_EQ(input(s, "visits").dist->params[0].text, "12");
  EXPECT_EQ(input(s, "hires").dist->params[0].text, "3");
  EXPECT_EQ(input(s, "region_ok").dist->law, Law::bernoulli);
  const auto& fleet = *input(s, "fleet").dist;
  ASSERT_EQ(fleet.values.size(), 3u);
  ASSERT_EQ(fleet.weights.size(), 3u);
  EXPECT_EQ(fleet.weights[1].text, "2");
  EXPECT_EQ(input(s, "seen").dist->values.size(), 3u);

  ASSERT_EQ(s.correlations.size(), 1u);
  EXPECT_EQ(s.correlations[0].a, "demand");
  EXPECT_EQ(s.correlations[0].b, "hours");
  EXPECT_DOUBLE_EQ(s.correlations[0].rho, 0.4);

  ASSERT_EQ(s.series.size(), 2u);
  EXPECT_EQ(s.series[0].expr.text, "demand * ramp(0, 6)");
  EXPECT_EQ(s.series[0].expr.pos.line, 27);
  EXPECT_EQ(s.series[0].expr.pos.column, 9);
  EXPECT_EQ(s.series[1].label, "Heures");

  ASSERT_EQ(s.revenue.size(), 2u);
  EXPECT_EQ(s.revenue[0].name, "labour");
  EXPECT_EQ(s.revenue[0].label, "Main d'oeuvre");
  EXPECT_EQ(s.revenue[0].kind, "services");
  EXPECT_EQ(s.revenue[0].paid_after->text, "1");
  EXPECT_EQ(s.revenue[0].until->text, "60");
  EXPECT_EQ(s.revenue[1].amount.text, "0.05 * labour");
  EXPECT_EQ(s.revenue[1].amount.pos.line, 38);
  ASSERT_EQ(s.costs.size(), 2u);
  EXPECT_EQ(s.costs[1].behaviour, "variable");

  ASSERT_EQ(s.staff.size(), 2u);
  EXPECT_EQ(s.staff[0].name, "mechanic");
  EXPECT_EQ(s.staff[0].gross_monthly.text, "1_900");
  EXPECT_EQ(s.staff[0].raise->text, "0.02");
  EXPECT_EQ(s.staff[1].name, "director");
  EXPECT_EQ(s.staff[1].role, "manager");

  ASSERT_EQ(s.subsidies.size(), 2u);
  const Subsidy& region = s.subsidies[0];
  EXPECT_EQ(region.name, "region");
  EXPECT_EQ(region.period, "year");
  EXPECT_EQ(region.granted->text, "region_ok");
  ASSERT_EQ(region.payments.size(), 2u);
  EXPECT_EQ(region.payments[1].at.text, "end + region_delay");
  EXPECT_EQ(region.payments[1].share.text, "0.5");
  const Subsidy& aide = s.subsidies[1];
  EXPECT_EQ(aide.kind, "job");
  EXPECT_EQ(aide.period, "month");
  ASSERT_EQ(aide.payments.size(), 1u);  // default payment
  EXPECT_EQ(aide.payments[0].share.text, "1");
  EXPECT_EQ(aide.payments[0].at.text, "start");

  ASSERT_EQ(s.investments.size(), 2u);
  ASSERT_TRUE(s.investments[0].grant);
  EXPECT_EQ(s.investments[0].grant->share->text, "0.4");
  EXPECT_FALSE(s.investments[0].grant->amount);
  EXPECT_EQ(s.investments[0].grant->payments[0].at.text, "end + 3");
  EXPECT_EQ(s.investments[1].month.text, "0");  // default month

  EXPECT_EQ(s.financing.opening_cash->text, "10_000");
  ASSERT_EQ(s.financing.equity.size(), 1u);
  EXPECT_EQ(s.financing.equity[0].label, "Apports");
  ASSERT_EQ(s.financing.loans.size(), 1u);
  EXPECT_EQ(s.financing.loans[0].type, "linear");
  EXPECT_EQ(s.financing.loans[0].deferral->text, "6");

  EXPECT_EQ(s.vat.regime, "quarterly");
  ASSERT_TRUE(s.taxes.payroll_tax);
  ASSERT_EQ(s.taxes.payroll_tax->brackets.size(), 3u);
  EXPECT_DOUBLE_EQ(*s.taxes.payroll_tax->brackets[0].first, 9147);
  EXPECT_FALSE(s.taxes.payroll_tax->brackets[2].first);
  EXPECT_DOUBLE_EQ(s.taxes.payroll_tax->brackets[2].second, 0.136);
  EXPECT_DOUBLE_EQ(s.taxes.payroll_tax->allowance, 24041);
  EXPECT_EQ(s.taxes.corporate_tax_rate->text, "0.15");

  ASSERT_EQ(s.in_kind.size(), 2u);  // list form with name:
  EXPECT_EQ(s.in_kind[0].name, "volunteers");
  EXPECT_EQ(s.in_kind[1].until->text, "24");
  ASSERT_EQ(s.checks.size(), 1u);
  EXPECT_EQ(s.checks[0].rule.text, "revenue <= 0.30 * charges");

  EXPECT_DOUBLE_EQ(s.outputs.discount_rate, 0.03);
  EXPECT_EQ(s.outputs.breakeven_window, 6);
  EXPECT_EQ(s.outputs.quantiles, (std::vector<double>{5, 50, 95}));
  EXPECT_EQ(s.outputs.series, (std::vector<std::string>{"jobs", "hours_total"}));
  EXPECT_EQ(s.variant_names, (std::vector<std::string>{"pessimistic"}));
  EXPECT_EQ(s.applied_variant, "");
  EXPECT_EQ(input(s, "demand").dist->params[0].text, "100");

  Scenario p = load_scenario(data("load/full.yaml"), "pessimistic");
  EXPECT_EQ(p.applied_variant, "pessimistic");
  EXPECT_EQ(input(p, "demand").dist->params[0].text, "80");
  EXPECT_EQ(input(p, "demand").label, "Demande");  // deep merge keeps the other keys
}

TEST(Load, Defaults) {
  Scenario s = load_scenario_text("amorce: 1\nstart: 2027-01\nhorizon: 12\n", "min.yaml");
  EXPECT_EQ(s.fiscal_year_start, 1);
  EXPECT_EQ(s.simulation.sampling, Sampling::lhs);
  EXPECT_EQ(s.vat.regime, "none");
  EXPECT_EQ(s.outputs.breakeven_window, 3);
  EXPECT_EQ(s.outputs.quantiles.size(), 7u);
  EXPECT_TRUE(s.variant_names.empty());
}

TEST(Load, ExtendsAndVariants) {
  Scenario s = load_scenario(data("load/derived.yaml"));
  EXPECT_EQ(s.name, "Derived");
  EXPECT_EQ(s.horizon, 48);
  ASSERT_EQ(s.revenue.size(), 2u);
  EXPECT_EQ(s.revenue[0].name, "shop");
  EXPECT_EQ(s.revenue[0].amount.text, "1200");
  EXPECT_EQ(s.revenue[0].kind, "sales");  // kept from base
  EXPECT_EQ(s.revenue[1].name, "training");
  ASSERT_EQ(s.costs.size(), 2u);  // base list form merged with derived map form
  EXPECT_EQ(s.costs[0].name, "rent");
  EXPECT_EQ(s.costs[0].pos.file, data("load/base.yaml"));
  EXPECT_EQ(s.costs[1].name, "insurance");
  EXPECT_EQ(s.costs[1].pos.file, data("load/derived.yaml"));
  ASSERT_EQ(s.staff.size(), 2u);
  EXPECT_EQ(s.staff[0].name, "mechanic");
  EXPECT_EQ(s.staff[0].fte.text, "2");
  EXPECT_EQ(s.staff[0].gross_monthly.text, "1800");  // matched by role, merged
  EXPECT_EQ(s.staff[1].name, "director");
  ASSERT_EQ(s.subsidies.size(), 1u);
  EXPECT_EQ(s.subsidies[0].amount.text, "24000");
  EXPECT_EQ(s.subsidies[0].payments.size(), 2u);  // kept from base
  // Variants of the base and of the derived file are both available.
  EXPECT_EQ(s.variant_names, (std::vector<std::string>{"slow", "pessimistic"}));

  Scenario p = load_scenario(data("load/derived.yaml"), "pessimistic");
  EXPECT_EQ(p.horizon, 24);
  EXPECT_EQ(p.revenue[0].amount.text, "900");
  ASSERT_EQ(p.subsidies.size(), 2u);
  ASSERT_EQ(p.subsidies[0].payments.size(), 1u);  // list of unnamed maps: replaced
  EXPECT_EQ(p.subsidies[0].payments[0].at.text, "end + 6");
  EXPECT_EQ(p.subsidies[1].name, "europe");
  EXPECT_EQ(p.subsidies[1].period, "once");

  Scenario slow = load_scenario(data("load/derived.yaml"), "slow");
  ASSERT_TRUE(slow.inputs[0].fixed);
  EXPECT_EQ(slow.inputs[0].fixed->text, "60");
}

TEST(Load, ExtendsRelativeToIncludingFileFromText) {
  Scenario s = load_scenario_text("extends: base.yaml\nhorizon: 24\n", data("load/inline.yaml"));
  EXPECT_EQ(s.horizon, 24);
  EXPECT_EQ(s.name, "Base");
}

TEST(Load, RemovingMissingElementIsAnError) {
  try {
    load_scenario_text("extends: base.yaml\nrevenue:\n  nothing: {remove: true}\n",
                       data("load/inline.yaml"));
    FAIL() << "expected ScenarioError";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("inline.yaml:3:3: cannot remove 'nothing'"), std::string::npos)
        << e.what();
  }
}

/// Writes `text` to a fresh file under the test temp directory and returns its path.
std::string write_temp(const std::string& name, const std::string& text) {
  auto dir = std::filesystem::path(::testing::TempDir()) / "amorce_load_test";
  std::filesystem::create_directories(dir);
  auto path = dir / name;
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

std::string first_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "(no error)";
}

const std::string kHead = "amorce: 1\nstart: 2027-01\nhorizon: 12\n";

TEST(LoadLimits, ExtendsDepth) {
  // chain0 <- chain1 <- ... <- chain9: nine extends hops, one more than allowed.
  write_temp("chain0.yaml", kHead);
  for (int i = 1; i <= 9; ++i)
    write_temp("chain" + std::to_string(i) + ".yaml",
               "extends: chain" + std::to_string(i - 1) + ".yaml\n");
  EXPECT_NO_THROW(load_scenario(write_temp("ok.yaml", "extends: chain7.yaml\n")));
  std::string what = first_error([] { load_scenario(write_temp("deep.yaml", "extends: chain9.yaml\n")); });
  EXPECT_NE(what.find("too many levels of extends"), std::string::npos) << what;
}

TEST(LoadLimits, NamesExpressionsAndItems) {
  std::string what = first_error([] {
    load_scenario_text(kHead + "inputs:\n  " + std::string(65, 'a') + ": 1\n", "long.yaml");
  });
  EXPECT_NE(what.find("long.yaml:5:3: input: name 'aaaa"), std::string::npos) << what;
  what = first_error([] {
    load_scenario_text(kHead + "series:\n  s: " + std::string(4001, '1') + "\n", "expr.yaml");
  });
  EXPECT_NE(what.find("expr.yaml:5:6: series 's': expression of 4001 characters"), std::string::npos) << what;
  std::string many = kHead + "costs:\n";
  for (int i = 0; i <= 2000; ++i) many += "  c" + std::to_string(i) + ": 1\n";
  what = first_error([&] { load_scenario_text(many, "many.yaml"); });
  EXPECT_NE(what.find("costs: 2001 entries, at most 2000"), std::string::npos) << what;
  what = first_error([] { load_scenario_text(kHead + "costs:\n  rent:\n    amount:\n", "null.yaml"); });
  EXPECT_NE(what.find("null.yaml:6:5: cost 'rent': amount: expected a number or an expression, got nothing"),
            std::string::npos)
      << what;
}

struct Case {
  const char* file;  ///< under tests/data/
  int line;          ///< expected line of the first matching diagnostic (0 = none)
  const char* phrase;
};

void expect_error(const Case& c) {
  SCOPED_TRACE(c.file);
  std::string path = data(c.file);
  try {
    load_scenario(path);
    ADD_FAILURE() << "no ScenarioError for " << c.file;
  } catch (const ScenarioError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find(std::filesystem::path(c.file).filename().string()), std::string::npos) << what;
    bool found = false;
    for (const auto& d : e.diagnostics()) {
      if (d.message.find(c.phrase) == std::string::npos) continue;
      found = true;
      EXPECT_EQ(d.pos.line, c.line) << what;
      EXPECT_NE(d.pos.file.find(std::filesystem::path(c.file).filename().string()), std::string::npos);
    }
    EXPECT_TRUE(found) << "phrase '" << c.phrase << "' not in:\n" << what;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "wrong exception for " << c.file << ": " << e.what();
  }
}

TEST(LoadMalformed, Table) {
  const Case cases[] = {
      {"malformed/syntax_error.yaml", 4, "YAML syntax error"},
      {"malformed/name_not_text.yaml", 4, "name: expected text"},
      {"malformed/unknown_top_key.yaml", 3, "unknown key 'horizn' (did you mean 'horizon'?)"},
      {"malformed/unknown_item_key.yaml", 7, "unknown key 'vat_rat' in revenue item 'shop' (did you mean 'vat_rate'?)"},
      {"malformed/unknown_law.yaml", 5, "unknown distribution 'unifrom' (did you mean 'uniform'?)"},
      {"malformed/two_laws.yaml", 5, "two laws 'uniform' and 'normal'"},
      {"malformed/invalid_date.yaml", 2, "invalid date '2027-13': month 13"},
      {"malformed/negative_horizon.yaml", 3, "horizon is -5, expected a whole number of months between 1 and 600"},
      {"malformed/huge_horizon.yaml", 3, "horizon is 100000"},
      {"malformed/shares_sum.yaml", 8, "subsidy 'region': payment shares sum to 0.9, expected 1"},
      {"malformed/alias_bomb.yaml", 4, "billion laughs"},
      {"malformed/empty.yaml", 0, "the file is empty"},
      {"malformed/binary_garbage.yaml", 1, "binary"},
      {"malformed/invalid_utf8.yaml", 3, "not valid UTF-8"},
      {"malformed/deep_nesting.yaml", 4, "nested more than 64 levels"},
      {"malformed/duplicate_names.yaml", 7, "duplicate name 'shop': already used by the revenue item at line 5"},
      {"malformed/correlation_unknown.yaml", 8, "unknown input 'prise' (did you mean 'price'?)"},
      {"malformed/correlation_each_month.yaml", 8, "drawn every month"},
      {"malformed/correlation_each_month.yaml", 9, "correlated with itself"},
      {"malformed/bool_amount.yaml", 5, "amount: expected a number or an expression, got 'true'"},
      {"malformed/map_amount.yaml", 5, "amount: expected a number or an expression, got a mapping"},
      {"malformed/wrong_version.yaml", 1, "this engine reads version 1"},
      {"malformed/missing_required.yaml", 1, "missing 'amorce: 1'"},
      {"malformed/missing_required.yaml", 1, "missing 'horizon'"},
      {"malformed/not_a_mapping.yaml", 1, "a scenario must be a mapping"},
      {"malformed/negative_fte.yaml", 6, "staff 'mechanic': fte is -1, expected a number >= 0"},
      {"malformed/triangular_order.yaml", 5, "min <= mode <= max"},
      {"malformed/loan_deferral.yaml", 6, "deferral (12 months) must be shorter than the term"},
      {"malformed/investment_month.yaml", 5, "month is 2.5, expected a whole month index >= 0 (0 is the start month) or a date YYYY-MM"},
      {"malformed/bracket_order.yaml", 6, "bracket limits must increase"},
      {"malformed/quantile_range.yaml", 5, "100 is not a percentile"},
      {"malformed/output_series_unknown.yaml", 5, "unknown name 'jbs' (did you mean 'jobs'?)"},
      {"malformed/sampling.yaml", 4, "sampling 'montecarlo' is not one of mc|lhs|sobol"},
      {"malformed/reserved_name.yaml", 5, "'month' is a reserved word"},
      {"malformed/bad_name.yaml", 5, "is not a valid name"},
      {"malformed/normal_sd.yaml", 5, "sd is 0, expected a number > 0"},
      {"malformed/yaml_infinity.yaml", 7, "expected a finite number or an expression, got '-.inf'"},
      {"malformed/yaml_infinity.yaml", 10, "got '.nan' (YAML infinity or NaN)"},
      {"malformed/discrete_weights.yaml", 5, "2 weights for 3 values"},
      {"malformed/grant_both.yaml", 5, "exactly one of 'amount' or 'share'"},
      {"malformed/until_before_from.yaml", 5, "until (5) must be after from (10)"},
      {"malformed/duplicate_key.yaml", 4, "key 'horizon' appears twice"},
      {"malformed/extends_missing.yaml", 1, "cannot open"},
      {"malformed/stray_comma.yaml", 1, "unexpected content after the end"},
      {"malformed/trailing_comma.yaml", 1, "unexpected content after the end"},
      {"malformed/two_documents.yaml", 4, "unexpected content after the end"},
      {"malformed/multiple_errors.yaml", 3, "horizon is 0"},
      {"malformed/multiple_errors.yaml", 4, "did you mean 'horizon'?"},
      {"malformed/multiple_errors.yaml", 6, "kind 'sale' is not one of sales|services|other (did you mean 'sales'?)"},
      {"malformed/multiple_errors.yaml", 7, "regime 'yearly' is not one of none|monthly|quarterly"},
  };
  for (const auto& c : cases) expect_error(c);
}

/// A malformed file whose first diagnostic is `message` at line:column. Messages that show
/// how to fix a value are compared whole; YAML syntax errors end with the hint (the part
/// before it is yaml-cpp's own wording, in parentheses).
struct Hint {
  const char* file;
  int line, column;
  const char* message;
};

TEST(LoadHints, EachMessageShowsTheFix) {
  const Hint cases[] = {
      {"malformed/decimal_comma_list.yaml", 6, 12,
       "'0,8' reads as two values 0 and 8 (',' separates list items): decimals take a point: [0.8, 1.1, 1.5]"},
      {"malformed/decimal_comma_count.yaml", 6, 11,
       "input 'delay': pert expects a list [min, mode, max], got 6 values (',' without a space reads as a list separator): decimals take a point: [0.8, 1.1, 1.5]"},
      {"malformed/decimal_comma_map.yaml", 6, 20,
       "'1_800,5' reads as 1_800 followed by a key '5' (',' separates entries): decimals take a point: mean: 1_800.5"},
      {"malformed/decimal_comma.yaml", 5, 10,
       "input 'share': '0,8' is not a number or an expression: write 0.8 (decimals take a point, not a comma)"},
      {"malformed/thousands_space.yaml", 6, 13,
       "cost 'rent': amount: '1 100' is not a number or an expression: write 1_100 (a space cannot separate thousands: use '_')"},
      {"malformed/percent.yaml", 8, 20,
       "staff 'mechanic': employer_rate: '30%' is not a number or an expression: write 0.30 (a rate is a fraction: 30% is written 0.30)"},
      {"malformed/tab_indent.yaml", 6, 1,
       "YAML forbids tabs for indentation: indent with spaces"},
      {"malformed/unquoted_colon.yaml", 6, 12,
       "a value containing ': ' must be quoted: label: \"Atelier : réparation\""},
      {"malformed/unquoted_colon_flow.yaml", 5, 27,
       "a value containing ': ' must be quoted: - {name: region, label: \"Région : fonctionnement\", amount: 30_000}"},
      {"malformed/reserved_indicator.yaml", 6, 12,
       "a value cannot start with '@' unquoted: label: \"@home\""},
      {"malformed/role_without_letters.yaml", 5, 11,
       "staff line #1: cannot derive a name from role '— / —' (no letter or digit): add a name, e.g. name: staff_1"},
      {"malformed/role_name_taken.yaml", 7, 11,
       "duplicate name 'directeur': already used by the input at line 5 (names must be unique across inputs, series and all items); this staff line's name 'directeur' is derived from its role 'Directeur': give it another one with name:"},
      {"malformed/law_bound_twice.yaml", 6, 33,
       "input 'wage': 'min' is given twice, inside normal and beside it; keep one"},
      {"malformed/law_bound_not_applicable.yaml", 6, 36,
       "input 'wage': lognormal: 'min' does not apply to a lognormal law (only normal and beta take bounds)"},
      {"malformed/thousands_dot.yaml", 6, 13,
       "revenue item 'shop': amount: '1.100,50' is not a number or an expression: write 1_100.50 (decimals take a point, not a comma; separate thousands with '_')"},
      {"malformed/euro_sign.yaml", 6, 13,
       "investment 'van': amount: '45 000 €' is not a number or an expression: write 45_000 (a space cannot separate thousands: use '_'; amounts are plain numbers in euros, without '€')"},
      {"malformed/kilo_euro.yaml", 5, 17,
       "financing: opening_cash: '45k€' is not a number or an expression: write 45_000 ('k€' means thousands of euros: write the whole amount)"},
      {"malformed/per_year.yaml", 6, 13,
       "cost 'insurance': amount: '12 000 €/an' is not a number or an expression: write 12_000 / 12 (a space cannot separate thousands: use '_'; amounts are plain numbers in euros, without '€'; amounts are per month: a yearly amount is divided by 12)"},
      {"malformed/months_unit.yaml", 7, 11,
       "revenue item 'shop': from: '12 mois' is not a number or an expression: write 12 (months are plain numbers, without a unit)"},
      {"malformed/years_unit.yaml", 3, 10,
       "horizon is 5 ans, expected a whole number of months between 1 and 600: write 60 (durations are in months: a year is 12)"},
      {"malformed/start_month_first.yaml", 2, 8,
       "start: expected a month written YYYY-MM (e.g. 2027-01), got '01/2027': write 2027-01 (year first, then the month)"},
      {"malformed/fte_unit.yaml", 6, 10,
       "staff 'mechanic': fte: '1,5 ETP' is not a number or an expression: write 1.5 (decimals take a point, not a comma; full-time equivalents are plain numbers, without 'ETP')"},
      {"malformed/ttc_amount.yaml", 6, 13,
       "cost 'rent': amount: '1 200 € TTC' is not a number or an expression: write 1_200 (a space cannot separate thousands: use '_'; amounts are plain numbers in euros, without '€'; amounts are HT (excluding VAT): divide an amount TTC by 1 + its VAT rate)"},
      {"malformed/plain_number_field.yaml", 5, 18,
       "outputs.discount_rate: expected a plain number, got '3%': write 0.03 (a rate is a fraction: 30% is written 0.30)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    try {
      load_scenario(data(c.file));
      ADD_FAILURE() << "no ScenarioError";
    } catch (const ScenarioError& e) {
      ASSERT_FALSE(e.diagnostics().empty());
      const Diagnostic& d = e.diagnostics()[0];
      EXPECT_EQ(d.pos.file, data(c.file));
      EXPECT_EQ(d.pos.line, c.line) << e.what();
      EXPECT_EQ(d.pos.column, c.column) << e.what();
      std::string m = d.message, want = c.message;
      bool yaml = m.rfind("YAML syntax error (", 0) == 0;
      if (yaml) {
        ASSERT_GE(m.size(), want.size()) << m;
        EXPECT_EQ(m.substr(m.size() - want.size()), want);
        EXPECT_EQ(m.substr(m.size() - want.size() - 3, 3), "): ") << m;
      } else {
        EXPECT_EQ(m, want);
      }
    }
  }
}

/// The same fixes inside expressions, and no fix proposed for a valid expression.
TEST(LoadHints, ExpressionsAndValidText) {
  auto message = [](const std::string& value) {
    return first_error([&] { load_scenario_text(kHead + "inputs:\n  a: 2\n  x: " + value + "\n", "e.yaml"); });
  };
  EXPECT_NE(message("0,05 * a").find("write 0.05 * a (decimals take a point, not a comma)"), std::string::npos);
  EXPECT_NE(message("a * 5,5 %").find("write a * 0.055 ("), std::string::npos);
  EXPECT_NE(message("1 234 567,89").find("write 1_234_567.89 ("), std::string::npos);
  EXPECT_NE(message("1,000,000").find("write 1_000_000 (',' cannot separate thousands: use '_')"), std::string::npos);
  EXPECT_NE(message("1.000.000").find("write 1_000_000 ('.' is the decimal point"), std::string::npos);
  EXPECT_NE(message("1,100").find("write 1.100 (decimals take a point, not a comma; if ',' separates "
                                  "thousands, write 1_100 instead)"),
            std::string::npos);
  EXPECT_NE(message("3 ans").find("write 36 (durations are in months: a year is 12)"), std::string::npos);
  EXPECT_NE(message("1,5 k\u20ac").find("write 1_500 ("), std::string::npos);
  EXPECT_NE(message("2 M\u20ac").find("write 2_000_000 ("), std::string::npos);
  EXPECT_NE(message("\u20ac 45 000").find("write 45_000 ("), std::string::npos);
  EXPECT_NE(message("1\u202f100").find("write 1_100 (a space cannot"), std::string::npos);  // narrow no-break space
  EXPECT_NE(message("yes").find("got 'yes' (write 1 for yes, 0 for no)"), std::string::npos);
  // Valid expressions are never "fixed": commas inside parentheses separate arguments.
  for (const char* ok : {"max(0,5)", "season(1,1,1,1,1,1,1,1,1,1,1,1)", "1e3", "2.5e-3 * a", "1_100.50",
                         "a * 0.3", "if(a > 3 and a < 5, 1, 0)"})
    EXPECT_NO_THROW(load_scenario_text(kHead + "inputs:\n  a: 2\n  x: " + std::string(ok) + "\n", "ok.yaml")) << ok;
  // A list written without spaces is a list: [1,2,3] is three values.
  Scenario s = load_scenario_text(kHead + "inputs:\n  x: {empirical: [1,2,3]}\n  y: {triangular: [1,2,3]}\n", "l.yaml");
  EXPECT_EQ(s.inputs[0].dist->values.size(), 3u);
}

TEST(LoadHints, StaffNamesDerivedFromRole) {
  const std::string line = "    fte: 1\n    gross_monthly: 2000\n    employer_rate: 0.3\n";
  Scenario s = load_scenario_text(kHead + "staff:\n"
                                  "  - role: Charg\u00e9 de mission\n" + line +
                                  "  - role: Charg\u00e9e  de  mission\n" + line +
                                  "  - role: \"\u0152uvre & \u00c7a \u2019 \x3f\"\n" + line +
                                  "  - role: 2e poste\n" + line +
                                  "  - role: Max\n" + line +
                                  "  - role: Chef d'\u00e9quipe\n" + line +
                                  "  - name: chef_d_equipe_2\n    role: other\n" + line,
                                  "staff.yaml");
  ASSERT_EQ(s.staff.size(), 7u);
  EXPECT_EQ(s.staff[0].name, "charge_de_mission");
  EXPECT_EQ(s.staff[0].role, "Charg\u00e9 de mission");
  EXPECT_EQ(s.staff[1].name, "chargee_de_mission");
  EXPECT_EQ(s.staff[2].name, "oeuvre_ca");
  EXPECT_EQ(s.staff[3].name, "staff_2e_poste");  // a name starts with a letter
  EXPECT_EQ(s.staff[4].name, "staff_max");       // 'max' is a reserved word
  EXPECT_EQ(s.staff[5].name, "chef_d_equipe");
  EXPECT_EQ(s.staff[5].pos.line, 25);            // messages point at the role
  EXPECT_EQ(s.staff[6].name, "chef_d_equipe_2");
  Scenario d = load_scenario_text(kHead + "staff:\n  - role: Vendeur\n" + line + "  - role: vendeur\n" + line +
                                  "  - role: VENDEUR\n" + line, "dup.yaml");
  EXPECT_EQ(d.staff[0].name, "vendeur");
  EXPECT_EQ(d.staff[1].name, "vendeur_2");
  EXPECT_EQ(d.staff[2].name, "vendeur_3");
}

TEST(LoadHints, BoundsInsideTheLawMap) {
  Scenario s = load_scenario_text(kHead + "inputs:\n"
                                  "  w: {normal: {mean: 120, sd: 30, min: 20}, max: 200}\n"
                                  "  b: {beta: {alpha: 2, beta: 3, min: 10, max: 50}}\n",
                                  "bounds.yaml");
  EXPECT_EQ(s.inputs[0].dist->min->text, "20");
  EXPECT_EQ(s.inputs[0].dist->max->text, "200");
  EXPECT_EQ(s.inputs[1].dist->min->text, "10");
  EXPECT_EQ(s.inputs[1].dist->max->text, "50");
  std::string what = first_error([&] {
    load_scenario_text(kHead + "inputs:\n  w: {normal: {mean: 1, sd: 1, min: 5, max: 2}}\n", "order.yaml");
  });
  EXPECT_NE(what.find("order.yaml:5:45: input 'w': min 5 must be below max 2"), std::string::npos) << what;
}

TEST(LoadMalformed, EveryErrorIsReported) {
  try {
    load_scenario(data("malformed/multiple_errors.yaml"));
    FAIL() << "expected ScenarioError";
  } catch (const ScenarioError& e) {
    EXPECT_GE(e.diagnostics().size(), 3u) << e.what();
  }
}

TEST(LoadMalformed, UnknownVariant) {
  try {
    load_scenario(data("load/full.yaml"), "pessimist");
    FAIL() << "expected ScenarioError";
  } catch (const ScenarioError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("full.yaml"), std::string::npos) << what;
    EXPECT_NE(what.find("unknown variant 'pessimist' (did you mean 'pessimistic'?)"), std::string::npos)
        << what;
  }
}

TEST(LoadMalformed, ExtendsCycle) {
  try {
    load_scenario(data("load/cycle_a.yaml"));
    FAIL() << "expected ScenarioError";
  } catch (const ScenarioError& e) {
    std::string what = e.what();
    // Reported where the cycle closes: the extends of cycle_b.yaml, line 1.
    EXPECT_NE(what.find("cycle_b.yaml:1:10: extends cycle: "), std::string::npos) << what;
    EXPECT_NE(what.find("cycle_a.yaml -> "), std::string::npos) << what;
  }
}

TEST(LoadMalformed, MissingFile) {
  EXPECT_THROW(load_scenario(data("malformed/does_not_exist.yaml")), ScenarioError);
}

TEST(LoadMalformed, HugeTextAndNulByte) {
  EXPECT_THROW(load_scenario_text(std::string(5 << 20, ' '), "big.yaml"), ScenarioError);
  EXPECT_THROW(load_scenario_text(std::string("amorce: 1\0x", 11), "nul.yaml"), ScenarioError);
  // Very deep nesting beyond yaml-cpp's own guard is still an error, never a crash.
  EXPECT_THROW(load_scenario_text("a: " + std::string(100000, '['), "deep.yaml"), ScenarioError);
  // A self-referencing alias would loop forever without the depth limit.
  EXPECT_THROW(load_scenario_text("amorce: 1\nx: &a [*a]\n", "self.yaml"), ScenarioError);
}

TEST(LoadMalformed, FuzzedTextNeverCrashes) {
  const std::string seed = "amorce: 1\nstart: 2027-01\nhorizon: 12\ninputs: {a: {uniform: [1, 2]}}\n"
                           "revenue: {shop: {amount: a * 3}}\n";
  unsigned state = 12345;
  for (int i = 0; i < 2000; ++i) {
    std::string t = seed;
    for (int k = 0; k < 3; ++k) {
      state = state * 1103515245u + 12345u;
      std::size_t pos = (state >> 8) % t.size();
      state = state * 1103515245u + 12345u;
      t[pos] = static_cast<char>(" -:[]{}*&!|>'\"#,\n\tax0"[(state >> 8) % 22]);
    }
    try {
      load_scenario_text(t, "fuzz.yaml");
    } catch (const ScenarioError&) {
    }
  }
}

TEST(Load, TaxRuleKeys) {
  // defaults: VAT credits refunded per period (760 EUR) and at the year end (150 EUR) two
  // months after the period; corporate tax instalments above 3 000 EUR of last year's tax
  Scenario d = load_scenario_text(kHead + "vat: {regime: monthly}\ntaxes: {corporate_tax: {rate: 0.25}}\n", "d.yaml");
  EXPECT_EQ(d.vat.refund, "period");
  EXPECT_FALSE(d.vat.refund_delay);
  EXPECT_DOUBLE_EQ(d.vat.refund_min, 760);
  EXPECT_DOUBLE_EQ(d.vat.refund_min_year, 150);
  EXPECT_TRUE(d.taxes.corporate_instalments);
  EXPECT_DOUBLE_EQ(d.taxes.corporate_instalment_threshold, 3000);
  Scenario s = load_scenario_text(kHead +
                                      "vat: {regime: quarterly, refund: year, refund_delay: 3, refund_min: 1_000, "
                                      "refund_min_year: 200}\n"
                                      "taxes: {corporate_tax: {rate: 0.25, instalments: false, instalment_threshold: 0}}\n",
                                  "s.yaml");
  EXPECT_EQ(s.vat.refund, "year");
  EXPECT_EQ(s.vat.refund_delay->text, "3");
  EXPECT_DOUBLE_EQ(s.vat.refund_min, 1000);
  EXPECT_DOUBLE_EQ(s.vat.refund_min_year, 200);
  EXPECT_FALSE(s.taxes.corporate_instalments);
  EXPECT_DOUBLE_EQ(s.taxes.corporate_instalment_threshold, 0);

  struct Bad {
    std::string yaml, phrase;
  };
  const Bad bad[] = {
      {"vat: {regime: monthly, refund: quaterly}\n", "t.yaml:4:32: vat: refund 'quaterly' is not one of period|year|none"},
      {"vat: {regime: monthly, refund_dealy: 2}\n", "unknown key 'refund_dealy' in vat (did you mean 'refund_delay'?)"},
      {"vat: {regime: monthly, refund_delay: 0}\n", "vat: refund_delay is 0, expected a number of months between 1 and 120"},
      {"vat: {regime: monthly, refund_min: -5}\n", "vat: refund_min is -5, expected an amount >= 0"},
      {"vat: {regime: monthly, refund_min_year: x}\n", "vat: refund_min_year: expected a plain number"},
      {"taxes: {corporate_tax: {rate: 0.25, instalments: maybe}}\n", "instalments 'maybe' is not one of true|false"},
      {"taxes: {corporate_tax: {rate: 0.25, instalment_threshold: -1}}\n",
       "taxes.corporate_tax: instalment_threshold is -1, expected an amount >= 0"},
      {"taxes: {corporate_tax: {rate: 0.25, instalment: true}}\n", "unknown key 'instalment' in taxes.corporate_tax"},
  };
  for (const auto& b : bad) {
    std::string what = first_error([&] { load_scenario_text(kHead + b.yaml, "t.yaml"); });
    EXPECT_NE(what.find(b.phrase), std::string::npos) << b.yaml << what;
  }
}

}  // namespace
