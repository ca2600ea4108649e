#pragma once
/// YAML scenario files to a validated Scenario. Every problem of a file is reported at
/// once (ScenarioError carries one Diagnostic per problem, each with file:line:column).
#include <string>
#include <vector>

#include "amorce/scenario.hpp"

namespace amorce {

/// Loads `path`, resolves `extends`, applies `variant` (empty = none), validates. A variant not
/// declared in the file may be declared in the sibling NAME.variants.yaml (variants_file.hpp).
Scenario load_scenario(const std::string& path, const std::string& variant = "");

/// Same from YAML text; `file_name` is used in messages and to resolve relative `extends`.
Scenario load_scenario_text(const std::string& yaml_text, const std::string& file_name,
                            const std::string& variant = "");

/// YAML text given beside a scenario, and the name its messages use.
struct YamlSource {
  std::string text;
  std::string file;
};

/// The general form: `variant_files` (each `variants: {name: {changes}}`) add variants to those
/// the scenario declares (a name declared twice is an error); then `variant` (empty = none) and
/// each of `patches` (a mapping of changes, the body of a variant) are merged in order with the
/// rules of variants. The what-if server (serve.hpp) applies its page's changes this way.
Scenario load_scenario_layers(const std::string& yaml_text, const std::string& file_name,
                              const std::vector<YamlSource>& variant_files, const std::string& variant,
                              const std::vector<YamlSource>& patches);

}  // namespace amorce
