#pragma once
/// The words amorce prints, in French (the default: funders read French) and English, chosen
/// once per command with `--lang`. One catalogue for every output (terminal tables, report,
/// workbook) so that a table never mixes the two languages and a term reads the same
/// everywhere: "scénarios simulés" for paths, "jamais" for never, the statements' row labels.
/// Identifiers (indicator, input and item names) are not translated: outputs show the
/// scenario's `label:` first and the name in small type (terminal: in brackets).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "amorce/results.hpp"
#include "amorce/scenario.hpp"

namespace amorce {

enum class Lang { fr, en };

/// "fr" or "en"; std::invalid_argument otherwise.
Lang parse_lang(const std::string& code);
const char* lang_code(Lang lang);

/// Catalogue keys: every sentence or term printed by more than one place or in a table.
enum class Msg {
  never,             ///< a month never reached
  paths_simulated,   ///< "scénarios simulés" (paths)
  seed, sampling, months_from,
  shortfall_risk, funding_need, min_cash, min_cash_when, breakeven_month, never_reached,
  shortfall_none,    ///< {bound}: no path short of cash
  shortfall_all,     ///< every path short of cash
  by_year_median, subsidy_share, self_financing, net_result, min_cash_year,
  checks_title, paths_note, incomplete_year,
  base_case, amounts_in_euros, start,
  // sensitivity
  factor, input_low, input_high, metric_low, metric_high, swing, low_end, high_end,
  sensitivity_title, method, metric, base_case_value, mc_estimate, sum_first_order, r2_rank,
  group, model_runs,
  // compare and stress
  scenario, difference_vs, paired_note,
  // solve
  solve_found, solve_not_found,
  // workbook sheets
  sheet_summary, sheet_income, sheet_financing, sheet_balance, sheet_cash_plan, sheet_assumptions, sheet_inputs,
  name, label, unit, law, parameters, p5_p95, fixed, each_month, mean, sd, minimum, maximum, missing,
  receipts, payments, total, cash_start, cash_end, cash_in, cash_out, indicator, probability, standard_error,
  count
};

/// The text of `m` in `lang` (some are fmt format strings; their arguments are documented
/// at the key).
std::string_view msg(Msg m, Lang lang);

/// Human label of an indicator ("Besoin de financement" / "Funding need").
std::string_view indicator_label(Indicator k, Lang lang);

/// Name of a probability law ("triangulaire" / "triangular").
std::string_view law_label(Law law, Lang lang);

/// "label (unit)" of an input or item when it has a label, else its name; with `with_name`
/// and a label, the name follows in brackets: "Prix de vente (€) [price]".
std::string display_name(const std::string& name, const std::string& label, const std::string& unit, bool with_name);

/// The scenario's label and unit of an input, item or series `name` ("" when none).
std::pair<std::string, std::string> label_of(const Scenario& sc, const std::string& name);

/// A row of a base-case statement: its key in base_case_json (group "" = top level), its
/// label, and whether it is a total (*solde*).
struct StatementRow {
  const char* group;
  const char* key;
  std::string_view label;
  bool total;
};
/// Compte de résultat with its *soldes intermédiaires de gestion* (keys of `sig`).
std::vector<StatementRow> income_statement_rows(Lang lang);
/// Plan de financement (keys of financing_plan_json).
std::vector<StatementRow> financing_plan_rows(Lang lang);
/// Bilan (keys of balance_sheet_json).
std::vector<StatementRow> balance_sheet_rows(Lang lang);

/// Short month name: "janv." / "Jan" (month 0..11).
std::string_view month_short(int month, Lang lang);

}  // namespace amorce
