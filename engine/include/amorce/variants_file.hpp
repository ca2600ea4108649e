#pragma once
/// Variants saved beside a scenario: `NAME.yaml` may have a sibling `NAME.variants.yaml`
/// holding more variants (`variants: {name: {changes}}`, the same syntax as the scenario's own
/// `variants:`). The what-if page (`amorce serve`) writes there, so the scenario file itself is
/// never rewritten; `--variant` on every command reads it (load.hpp).
#include <optional>
#include <string>

#include "amorce/load.hpp"

namespace amorce {

/// "dir/NAME.variants.yaml" for "dir/NAME.yaml" (or .yml; any other name gets the suffix).
std::string variants_file_path(const std::string& scenario_path);

/// The sibling variants file when it exists (a regular file of at most Limits::max_file_bytes;
/// otherwise ScenarioError naming it).
std::optional<YamlSource> read_variants_file(const std::string& scenario_path);

/// Empty when `name` can name a variant (letters, digits and '_', starting with a letter or '_',
/// at most 64 characters), else the reason.
std::string variant_name_problem(const std::string& name);

/// The variants file's text with the variant `name` (its changes `patch_yaml`, a block mapping
/// at indentation 0) appended; `existing` is the current text ("" when there is no file yet;
/// a header comment naming the scenario is written then). The caller validates the result.
std::string append_variant_text(const std::string& existing, const std::string& scenario_path, const std::string& name,
                                const std::string& patch_yaml);

}  // namespace amorce
