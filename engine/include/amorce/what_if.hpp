#pragma once
/// The what-if page's controls and changes (docs/what-if.md). Every number the page can move is
/// a Control with an id (`input:NAME` for a fixed value, `input:NAME:PARAM` for a law's
/// parameter, `granted:GRANT`, `payment:GRANT:K`, `igranted:INVESTMENT`, `ipayment:INVESTMENT:K`).
/// The page's changes (id -> value) become a *variant patch*: the YAML body of a variant, merged
/// onto the scenario with the rules of `variants:` (load_scenario_layers), and the same text is
/// what "enregistrer comme variante" saves. Only literal numbers get a control: a parameter
/// written as an expression of other inputs is moved through those inputs.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "amorce/scenario.hpp"

namespace amorce {

struct Control {
  std::string id;
  std::string param;  ///< what the number is: "min", "mode", "p", "value", "granted", "payment 2"...
  std::string kind;   ///< number | probability | offset (months after start/end) | month | delay (extra months)
  double value = 0, lo = 0, hi = 1, step = 1;  ///< current value and the slider's range (a typed value may leave it)
  std::string note;   ///< e.g. the payment's share and date as written
};

/// An input, a grant or an investment grant, with its controls.
struct ControlItem {
  std::string name, label, unit;
  std::string law;     ///< law of an input ("pert", "fixed"...), "" for grants
  std::string detail;  ///< how it is written in the scenario, e.g. "pert: [10, 16, 25]"
  std::vector<Control> controls;
};

struct ControlGroup {
  std::string id, title;
  std::vector<ControlItem> items;
};

/// Every control of `sc`, grouped: uncertain inputs, fixed values, grants (probability and payment
/// dates), investment grants. Labels and units are the scenario's own.
std::vector<ControlGroup> what_if_controls(const Scenario& sc);
nlohmann::json controls_json(const std::vector<ControlGroup>& groups);

/// The changes as a variant patch (YAML block mapping, "" when there is none). Values equal to the
/// scenario's are left out. Throws std::invalid_argument naming an unknown control or a value that
/// is not a finite number within the scenario limits.
std::string changes_to_patch(const Scenario& sc, const std::map<std::string, double>& changes);

/// The controls' values of `sc` that differ from those of `reference` (same controls), as changes:
/// what a variant did to the numbers the page controls.
std::map<std::string, double> control_differences(const Scenario& reference, const Scenario& sc);

}  // namespace amorce
