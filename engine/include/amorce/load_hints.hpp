#pragma once
/// Fixes for the usual ways a French spreadsheet user writes a value the scenario format does
/// not read (`0,8`, `1 100`, `30%`, `45 000 €`, `12 mois`, tabs, unquoted colons...). The
/// loader turns each into an error that shows the corrected text, so the user copies it
/// instead of guessing what "unexpected ','" means.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amorce {

/// A corrected number or expression and why it had to change (one short clause a reason).
struct TextFix {
  std::string fixed;
  std::vector<std::string> reasons;
};

/// The text with decimal commas, thousands spaces or dots, percentages, euro signs, `k€`,
/// and units (`mois`, `ans`, `ETP`) rewritten the way expressions read them; nullopt when
/// nothing of the kind is found. Only constructs that are invalid in an expression are
/// rewritten (a comma is a decimal comma only outside parentheses), so a valid expression
/// never gets a fix.
std::optional<TextFix> fix_number_text(std::string_view text);

/// Where a YAML syntax error most likely comes from, found by reading the source line.
struct YamlHint {
  int line = 0, column = 0;  ///< 1-based position of the cause (a tab, a value to quote)
  std::string hint;          ///< what to write instead
};

/// Looks at the text around a yaml-cpp error (1-based `line`, `column`) for a tab used as
/// indentation, a value holding ': ' that needs quotes, or a value starting with a
/// character YAML reserves; nullopt when none of these is found.
std::optional<YamlHint> yaml_syntax_hint(std::string_view text, int line, int column);

/// The identifier derived from a staff line's `role` text: lowercase ASCII, French accents
/// stripped (é -> e, ç -> c, œ -> oe), every other run of characters -> '_', no leading or
/// trailing '_', at most `max_length` characters; `staff_` is put in front when the result
/// starts with a digit or is a reserved word. Empty when the role holds no letter or digit.
std::string name_from_role(std::string_view role, std::size_t max_length,
                           const std::vector<std::string>& reserved);

}  // namespace amorce
