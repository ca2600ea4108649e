#pragma once
/// The deterministic base case (every input at its base value) and its statements as a
/// French *prévisionnel* reads: compte de résultat, plan de financement, bilan, cash plan.
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "amorce/messages.hpp"
#include "amorce/plan.hpp"
#include "amorce/results.hpp"

namespace amorce {

struct BaseCase {
  const Plan* plan = nullptr;
  BlockState state;
  Ledger ledger;
  PathResults results;
  std::vector<FiscalYear> years;
};

/// Simulates one path with every input at its base value.
BaseCase run_base_case(const Plan& plan);

/// Year-end balance sheet, *fonds de roulement* and *BFR* of fiscal year y (path 0).
nlohmann::json balance_sheet_json(const BaseCase& bc, int y);

/// *Plan de financement* of fiscal year y (path 0): needs (an *insuffisance
/// d'autofinancement* when the CAF is negative, investments, loan repayments, increase in BFR)
/// and resources (CAF, equity, investment grants, loans); resources - needs = change in cash.
nlohmann::json financing_plan_json(const BaseCase& bc, int y);

/// *Soldes intermédiaires de gestion* of fiscal year y (path 0), from the model's lines:
/// marge, valeur ajoutée, EBE, résultats d'exploitation, courant, exceptionnel (0) and net.
/// Definitions in docs/model-reference.md.
nlohmann::json sig_json(const BaseCase& bc, int y);

/// The full base case: months, every monthly line and series, years (P&L, balance sheet,
/// financing plan, figures), indicators and checks. Schema in docs/json-schema.md.
nlohmann::json base_case_json(const BaseCase& bc);

/// Aligned terminal tables in `lang` (labels from amorce/messages.hpp, the key in brackets).
void print_base_case(std::ostream& os, const BaseCase& bc, Lang lang = Lang::fr);

/// Monthly lines as CSV (one row per month).
void write_base_case_csv(std::ostream& os, const BaseCase& bc);

/// An aligned terminal table: a title, column heads, and rows of (label, cells); labels may be UTF-8.
void print_table(std::ostream& os, const std::string& title, const std::vector<std::string>& head,
                 const std::vector<std::pair<std::string, std::vector<std::string>>>& rows);

/// 12 345 (French thousands separator, no decimals); "-" for NaN.
std::string format_euros(double v);

}  // namespace amorce
