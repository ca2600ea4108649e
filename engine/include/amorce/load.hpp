#pragma once
/// YAML scenario files to a validated Scenario. Every problem of a file is reported at
/// once (ScenarioError carries one Diagnostic per problem, each with file:line:column).
#include <string>

#include "amorce/scenario.hpp"

namespace amorce {

/// Loads `path`, resolves `extends`, applies `variant` (empty = none), validates.
Scenario load_scenario(const std::string& path, const std::string& variant = "");

/// Same from YAML text; `file_name` is used in messages and to resolve relative `extends`.
Scenario load_scenario_text(const std::string& yaml_text, const std::string& file_name,
                            const std::string& variant = "");

}  // namespace amorce
