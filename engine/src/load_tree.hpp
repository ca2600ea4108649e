/// The loader's owned YAML tree and the helpers its stages share (internal to engine/src:
/// yaml_tree.cpp reads a file into it, load_merge.cpp resolves `extends` and variants on it,
/// load_builder*.cpp validate it into a Scenario).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "amorce/error.hpp"
#include "amorce/scenario.hpp"

namespace amorce::load_detail {

enum class Kind { null, scalar, seq, map };

/// One YAML value with its position. Mapping values carry their key and the key position.
struct YNode {
  Kind kind = Kind::null;
  std::string text;    ///< scalar text
  bool plain = false;  ///< scalar written without quotes (so `true` may be a YAML bool)
  SourcePos pos;
  std::string key;  ///< set when this node is the value of a mapping entry
  SourcePos key_pos;
  std::vector<YNode> children;  ///< sequence elements or mapping entries (in file order)
};

const YNode* find(const YNode& map, std::string_view key);
YNode* find_mut(YNode& map, std::string_view key);
/// "'text'", "a list", "a mapping (key: value)" or "nothing", for messages.
std::string describe(const YNode& n);
/// A plain scalar YAML 1.1 reads as a boolean (yes, on, False, ...).
bool is_yaml_bool(const YNode& n);
std::string join(const std::vector<std::string>& v, const char* sep = ", ");
std::string num(double v);
/// " (did you mean 'x'?)" or "".
std::string suggestion(const std::string& word, const std::vector<std::string>& candidates);
/// Records the error and throws every error collected so far.
[[noreturn]] void fatal(DiagnosticSink& sink, const SourcePos& pos, std::string message);

// yaml_tree.cpp: reading and parsing one file
std::string read_file(const std::string& path, const SourcePos& where, DiagnosticSink& sink);
YNode parse_text(const std::string& raw, const std::string& file, DiagnosticSink& sink);
bool comma_glued(const YNode& a, const SourcePos& b_pos, const std::string& b_text);
std::string decimal_fix(const std::string& a, const std::string& b);

// load_merge.cpp: deep merge of `extends` and variants
void merge(YNode& base, const YNode& patch, DiagnosticSink& sink);
struct ChainLink {
  std::string canonical, display;
};
std::string canonical_of(const std::string& path);
/// Parses a file and resolves its `extends` chain into one tree.
YNode resolve_extends(const std::string& text, const std::string& file,
                      std::vector<ChainLink>& chain, DiagnosticSink& sink);

// load_names.cpp: literals, names and the tables of keys and laws
std::optional<double> literal(std::string_view text);
std::optional<double> literal(const std::optional<Expr>& e);
std::optional<long long> integer(std::string_view text);
const std::vector<std::string>& reserved_words();
/// Empty when `name` is a valid name, else the reason.
std::string name_problem(const std::string& name);
extern const std::vector<std::string> kTopKeys;
struct LawInfo {
  const char* key;
  Law law;
};
extern const std::vector<LawInfo> kLaws;
std::vector<std::string> law_names();

}  // namespace amorce::load_detail
