#pragma once
/// Scenario -> Plan. Names, arities, cycles and domain errors of literal parameters are found
/// here, once, with file:line:column, not at month 37 of path 90 000.
#include "amorce/plan.hpp"
#include "amorce/quantile_cache.hpp"
#include "amorce/scenario.hpp"

namespace amorce {

/// Compiles a validated scenario; throws ScenarioError listing every problem found.
/// `cache` (optional) reuses the fast inverse tables of an earlier compile (quantile_cache.hpp).
Plan compile(const Scenario& scenario, QuantileCache* cache = nullptr);

}  // namespace amorce
