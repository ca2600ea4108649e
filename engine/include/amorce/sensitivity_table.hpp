#pragma once
/// The terminal table of `amorce sensitivity` in the chosen language, with the scenario's
/// labels and units for the inputs (the name in brackets) and, for a tornado, which column is
/// the input's low and which its high value.
#include <iosfwd>

#include "amorce/messages.hpp"
#include "amorce/scenario.hpp"
#include "amorce/sensitivity.hpp"

namespace amorce {

/// Sets every row's `label` from the scenario: "label (unit)" of a single input, or the
/// group's name for a group of inputs.
/// A note or warning of the sensitivity drivers (worded in English, as in the JSON) in `lang`;
/// one the catalogue does not know is returned as it is.
std::string sensitivity_note(const std::string& note, Lang lang);

void label_sensitivity_rows(SensitivityReport& r, const Scenario& sc);

/// The table (tornado, correlation, sobol, morris) in `lang`; `low`/`high` are the tornado's
/// percentiles (shown in the column heads).
void print_sensitivity_table(std::ostream& os, const SensitivityReport& r, Lang lang, double low = 10, double high = 90);

}  // namespace amorce
