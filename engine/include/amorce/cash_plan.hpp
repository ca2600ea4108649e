#pragma once
/// The monthly cash plan line by line (*plan de trésorerie*), laid out as the France Active
/// and BGE templates: one row per revenue item, grant, equity contribution and loan draw
/// (receipts), per cost item, staff line (wages, then employer charges), tax, investment and
/// loan (principal, interest) (payments), by month. A base-case statement: the per-item flows
/// come from the base case's ledger (Ledger::keep_flows), never from Monte Carlo blocks.
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "amorce/base_case.hpp"

namespace amorce {

struct CashPlanRow {
  std::string key;    ///< "revenue:NAME", ... (ItemFlow::key), or the ledger line for a tax
  std::string label;  ///< the item's label (or name)
  Line line;          ///< the ledger cash line the row is part of
  std::vector<double> months;
};

struct CashPlan {
  std::vector<CashPlanRow> receipts, payments;
  std::vector<double> cash_in, cash_out, cash_start, cash_end;  ///< per month (ledger totals)
};

/// The line-by-line cash plan of a base case (path 0). Rows of each side sum to the ledger's
/// cash_in / cash_out of every month.
CashPlan cash_plan(const BaseCase& bc);

/// {"receipts": [{key, label, line, months}], "payments": [...], "cash_in", "cash_out",
/// "cash_start", "cash_end"}: schema in docs/json-schema.md.
nlohmann::json cash_plan_json(const CashPlan& cp);

/// One terminal table per fiscal year: rows = lines, columns = months and the year's total.
void print_cash_plan(std::ostream& os, const BaseCase& bc, const CashPlan& cp, Lang lang = Lang::fr);

/// CSV, one row per line and one column per month: side,key,line,label,YYYY-MM...
void write_cash_plan_csv(std::ostream& os, const BaseCase& bc, const CashPlan& cp);

/// French heading of a cash line's group of rows ("Ventes et prestations (TTC)"...).
const char* cash_line_label_fr(Line l);
/// The same heading in English (`--lang en`).
const char* cash_line_label_en(Line l);

}  // namespace amorce
