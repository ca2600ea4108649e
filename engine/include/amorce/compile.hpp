#pragma once
/// Scenario -> Plan. Names, arities, cycles and domain errors of literal parameters are found
/// here, once, with file:line:column, not at month 37 of path 90 000.
#include "amorce/plan.hpp"
#include "amorce/scenario.hpp"

namespace amorce {

/// Compiles a validated scenario; throws ScenarioError listing every problem found.
Plan compile(const Scenario& scenario);

}  // namespace amorce
