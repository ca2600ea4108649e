#pragma once
/// Warnings: scenarios that are valid but probably not what their author meant, such as a
/// grant payment due after the horizon (a receivable never cashed within the study). They
/// never stop a run; `check` and `run` print them and the JSON outputs carry them.
#include <string>
#include <vector>

#include "amorce/ledger.hpp"
#include "amorce/messages.hpp"
#include "amorce/plan.hpp"

namespace amorce {

/// One line per item and kind of event recorded in `ledger.beyond` (a base-case ledger),
/// e.g. "subsidy 'region': payment of 15 000 € due 2032-06 (month 65), after the horizon
/// (last month 2031-12): never received within the study (a receivable in the last balance
/// sheet)".
/// English by default (the JSON outputs); the terminal follows --lang.
std::vector<std::string> horizon_warnings(const Plan& plan, const Ledger& base_case_ledger, Lang lang = Lang::en);

/// The warnings of a scenario, judged on its base case (every input at its base value).
/// Empty when the base case itself fails (the run then reports that error).
std::vector<std::string> scenario_warnings(const Plan& plan, Lang lang = Lang::en);

}  // namespace amorce
