#pragma once
/// The scenario's assumptions as every output lists them (report, workbook): each input with
/// its label and unit, its law and parameters as written, its base-case value and the
/// interval it falls in 9 times out of 10 (P5–P95, when the law's parameters are constants).
#include <string>
#include <utility>
#include <vector>

#include "amorce/base_case.hpp"
#include "amorce/messages.hpp"
#include "amorce/plan.hpp"
#include "amorce/scenario.hpp"

namespace amorce {

struct AssumptionRow {
  std::string name, label, unit;
  std::string law;  ///< law name in the chosen language, or "fixe" / "fixed"
  bool uncertain = false, each_month = false;
  /// (parameter name, text as written in the scenario), e.g. ("min", "12_000")
  std::vector<std::pair<std::string, std::string>> params;
  double base = 0;            ///< value in the base case (NaN when unknown)
  double p5 = 0, p95 = 0;     ///< NaN when the law's parameters depend on other inputs
};

/// One row per input of the scenario, in file order.
std::vector<AssumptionRow> assumption_rows(const Scenario& sc, const Plan& plan, const BaseCase& base, Lang lang);

}  // namespace amorce
