/// Scenario loader: YAML text -> owned tree (aliases expanded under limits) -> `extends` and
/// `variants` resolved by deep merge -> strict validation into the plain Scenario structs.
///
/// Merge rules (used by `extends` and `variants`; see docs):
///   - map + map: keys of the patch are merged into the base recursively; new keys appended.
///     A patch value `{remove: true}` removes that key (e.g. `revenue: {shop: {remove: true}}`).
///   - list + list where every element of the patch is a map with a `name` (or, for staff
///     without a name, a `role`): elements are matched by that identity; a matching element is
///     merged, a new one appended; `{name: x, remove: true}` removes element x.
///   - anything else: the patch value replaces the base value (scalars, lists of numbers,
///     lists of unnamed maps such as `equity` or `payments`).
///   revenue / costs / in_kind written as lists of `{name: ...}` maps are first turned into
///   maps keyed by name, so both spellings merge with each other.
#include "amorce/load.hpp"

#include "amorce/load_hints.hpp"
#include "amorce/variants_file.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string_view>

namespace amorce {
namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------
// Owned YAML tree
// ---------------------------------------------------------------------------------------

enum class Kind { null, scalar, seq, map };

/// One YAML value with its position. Mapping values carry their key and the key position.
struct YNode {
  Kind kind = Kind::null;
  std::string text;  ///< scalar text
  bool plain = false;  ///< scalar written without quotes (so `true` may be a YAML bool)
  SourcePos pos;
  std::string key;  ///< set when this node is the value of a mapping entry
  SourcePos key_pos;
  std::vector<YNode> children;  ///< sequence elements or mapping entries (in file order)
};

const YNode* find(const YNode& map, std::string_view key) {
  if (map.kind != Kind::map) return nullptr;
  for (const auto& c : map.children)
    if (c.key == key) return &c;
  return nullptr;
}

YNode* find_mut(YNode& map, std::string_view key) {
  if (map.kind != Kind::map) return nullptr;
  for (auto& c : map.children)
    if (c.key == key) return &c;
  return nullptr;
}

std::string describe(const YNode& n) {
  switch (n.kind) {
    case Kind::null: return "nothing";
    case Kind::scalar: return "'" + n.text + "'";
    case Kind::seq: return "a list";
    case Kind::map: return "a mapping (key: value)";
  }
  return "?";
}

bool is_yaml_bool(const YNode& n) {
  if (n.kind != Kind::scalar || !n.plain) return false;
  static const std::set<std::string, std::less<>> words{
      "true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes", "YES",
      "no",   "No",   "NO",   "on",    "On",    "ON",    "off", "Off", "OFF"};
  return words.count(n.text) > 0;
}

std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) s += sep;
    s += v[i];
  }
  return s;
}

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::string suggestion(const std::string& word, const std::vector<std::string>& candidates) {
  std::string s = did_you_mean(word, candidates);
  return s.empty() ? std::string() : " (did you mean '" + s + "'?)";
}

[[noreturn]] void fatal(DiagnosticSink& sink, const SourcePos& pos, std::string message) {
  sink.error(pos, std::move(message));
  sink.throw_if_any();
  throw ScenarioError(pos, "internal error");  // unreachable: the sink is not empty
}

// ---------------------------------------------------------------------------------------
// Reading and parsing one file
// ---------------------------------------------------------------------------------------

/// Rejects NUL bytes and invalid UTF-8 before yaml-cpp sees them, with a line number.
void check_text(const std::string& text, const std::string& file, DiagnosticSink& sink) {
  int line = 1, col = 1;
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t n = text.size();
  for (std::size_t i = 0; i < n;) {
    unsigned char c = s[i];
    if (c == 0)
      fatal(sink, {file, line, col},
            "the file contains a NUL byte: it looks like a binary file, not a YAML scenario");
    std::size_t len = 0;
    unsigned cp = 0;
    if (c < 0x80) {
      len = 1;
      cp = c;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    }
    bool ok = len > 0 && i + len <= n;
    for (std::size_t k = 1; ok && k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if (ok) {
      static constexpr unsigned min_cp[5] = {0, 0, 0x80, 0x800, 0x10000};
      if (cp < min_cp[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) ok = false;
    }
    if (!ok)
      fatal(sink, {file, line, col},
            "the file is not valid UTF-8 text (is it a binary file? save it as UTF-8)");
    if (c == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
    i += len;
  }
}

SourcePos mark_pos(const YAML::Mark& m, const std::string& file) {
  return SourcePos{file, m.line >= 0 ? m.line + 1 : 0, m.column >= 0 ? m.column + 1 : 0};
}

struct ConvertState {
  std::string file;
  DiagnosticSink& sink;
  std::size_t nodes = 0;
};

/// Deep copy of a yaml-cpp node. Aliases are expanded, so the count of visited nodes bounds
/// the work of everything after (this defeats "billion laughs" alias bombs and cyclic aliases).
YNode convert(const YAML::Node& n, int depth, ConvertState& st, const SourcePos& fallback) {
  SourcePos pos = mark_pos(n.Mark(), st.file);
  if (pos.line == 0) pos = fallback;
  if (++st.nodes > Limits::max_yaml_nodes)
    fatal(st.sink, pos,
          "the file expands to more than " + std::to_string(Limits::max_yaml_nodes) +
              " YAML values (too large, or aliases '*' that multiply like a 'billion laughs' "
              "attack)");
  if (depth > Limits::max_nesting)
    fatal(st.sink, pos,
          "the YAML structure is nested more than " + std::to_string(Limits::max_nesting) +
              " levels deep");
  YNode out;
  out.pos = pos;
  switch (n.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      out.kind = Kind::null;
      break;
    case YAML::NodeType::Scalar:
      out.kind = Kind::scalar;
      out.text = n.Scalar();
      out.plain = n.Tag() == "?";
      break;
    case YAML::NodeType::Sequence:
      out.kind = Kind::seq;
      for (const auto& c : n) out.children.push_back(convert(c, depth + 1, st, pos));
      break;
    case YAML::NodeType::Map: {
      out.kind = Kind::map;
      std::map<std::string, int, std::less<>> seen;
      for (auto it = n.begin(); it != n.end(); ++it) {
        // Copies, not references: yaml-cpp's iterator hands out a temporary pair.
        const YAML::Node k = it->first;
        const YAML::Node value = it->second;
        SourcePos kpos = mark_pos(k.Mark(), st.file);
        if (kpos.line == 0) kpos = pos;
        if (!k.IsScalar()) {
          st.sink.error(kpos, "a key must be a plain word, not a list, a mapping or nothing");
          continue;
        }
        auto [where, inserted] = seen.emplace(k.Scalar(), kpos.line);
        if (!inserted) {
          st.sink.error(kpos, "key '" + k.Scalar() + "' appears twice in the same mapping (first at line " +
                                  std::to_string(where->second) + ")");
          continue;
        }
        YNode v = convert(value, depth + 1, st, kpos);
        if (v.kind == Kind::null) v.pos = kpos;  // yaml-cpp marks an empty value at the next token
        v.key = k.Scalar();
        v.key_pos = kpos;
        out.children.push_back(std::move(v));
      }
      break;
    }
  }
  return out;
}

/// Reads a scenario file. Only regular files are read (a FIFO, /dev/zero or a terminal would
/// block or never end), and the size limit is applied while reading, so a file growing under
/// us cannot exhaust memory either.
std::string read_file(const std::string& path, const SourcePos& where, DiagnosticSink& sink) {
  std::error_code ec;
  auto st = fs::status(path, ec);
  if (ec || !fs::exists(st)) fatal(sink, where, "cannot open '" + path + "': no such file");
  if (fs::is_directory(st)) fatal(sink, where, "cannot read '" + path + "': it is a directory");
  if (!fs::is_regular_file(st))
    fatal(sink, where, "cannot read '" + path + "': not a regular file (a device, FIFO or socket); give a scenario file");
  std::ifstream in(path, std::ios::binary);
  if (!in) fatal(sink, where, "cannot open '" + path + "'");
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > Limits::max_file_bytes)
      fatal(sink, where,
            "'" + path + "' is too large (more than " + std::to_string(Limits::max_file_bytes) + " bytes)");
  }
  if (in.bad()) fatal(sink, where, "cannot read '" + path + "'");
  return text;
}

/// revenue / costs / in_kind given as a list of `{name: ...}` maps become maps keyed by
/// name, so that both spellings of the spec merge and validate the same way.
void normalize_item_lists(YNode& root) {
  if (root.kind != Kind::map) return;
  for (const char* section : {"revenue", "costs", "in_kind"}) {
    YNode* s = find_mut(root, section);
    if (!s || s->kind != Kind::seq) continue;
    bool all_named = std::all_of(s->children.begin(), s->children.end(), [](const YNode& e) {
      const YNode* n = find(e, "name");
      return n && n->kind == Kind::scalar && !n->text.empty();
    });
    if (!all_named) continue;  // reported item by item by the validator
    YNode m;
    m.kind = Kind::map;
    m.pos = s->pos;
    m.key = s->key;
    m.key_pos = s->key_pos;
    for (auto& e : s->children) {
      auto it = std::find_if(e.children.begin(), e.children.end(),
                             [](const YNode& c) { return c.key == "name"; });
      YNode item = std::move(e);
      item.key = it->text;
      item.key_pos = it->pos;
      auto it2 = std::find_if(item.children.begin(), item.children.end(),
                              [](const YNode& c) { return c.key == "name"; });
      item.children.erase(it2);
      m.children.push_back(std::move(item));
    }
    *s = std::move(m);
  }
}

/// True when `b` follows `a` on the same line after a single ',' with no space: `0,8`
/// written inside [...] or {...} reads as two values 0 and 8.
bool comma_glued(const YNode& a, const SourcePos& b_pos, const std::string& b_text) {
  auto digits = [](const std::string& t) {
    return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '_' || c == '.'; });
  };
  std::string a_text = a.text;
  if (!a_text.empty() && a_text[0] == '-') a_text.erase(0, 1);
  return a.kind == Kind::scalar && a.plain && digits(a_text) && digits(b_text) &&
         std::isdigit(static_cast<unsigned char>(b_text[0])) && a.pos.file == b_pos.file &&
         a.pos.line == b_pos.line &&
         b_pos.column == a.pos.column + static_cast<int>(a.text.size()) + 1;
}

/// The fixed spelling of `a,b` (a decimal comma), e.g. "0.8".
std::string decimal_fix(const std::string& a, const std::string& b) {
  auto f = fix_number_text(a + "," + b);
  return f ? f->fixed : a + "." + b;
}

/// `[0,8, 1,1, 1,5]` and `{mean: 0,8, sd: 1}`: YAML splits a decimal comma into two values.
/// In a list, only a mix of glued and spaced commas is reported here (a list written
/// `[1,2,3]` is a list); a wrong count of law parameters is reported by the validator.
void check_decimal_commas(const YNode& n, DiagnosticSink& sink) {
  if (n.kind == Kind::map) {
    for (std::size_t i = 1; i < n.children.size(); ++i) {
      const YNode& prev = n.children[i - 1];
      const YNode& cur = n.children[i];
      if (comma_glued(prev, cur.key_pos, cur.key))
        sink.error(prev.pos, "'" + prev.text + "," + cur.key + "' reads as " + prev.text +
                                 " followed by a key '" + cur.key +
                                 "' (',' separates entries): decimals take a point: " + prev.key +
                                 ": " + decimal_fix(prev.text, cur.key));
    }
  }
  if (n.kind == Kind::seq && n.children.size() > 1) {
    std::vector<bool> glued(n.children.size(), false);
    bool any_glued = false, any_spaced = false;
    for (std::size_t i = 1; i < n.children.size(); ++i) {
      const YNode& a = n.children[i - 1];
      const YNode& b = n.children[i];
      glued[i] = b.kind == Kind::scalar && b.plain && comma_glued(a, b.pos, b.text);
      any_glued = any_glued || glued[i];
      any_spaced = any_spaced || (!glued[i] && a.pos.line == b.pos.line);
    }
    if (any_glued && any_spaced) {
      std::vector<std::string> fixed;
      bool all_scalars = true, merged = false;  // a value joins at most one neighbour
      for (std::size_t i = 0; i < n.children.size(); ++i) {
        const YNode& c = n.children[i];
        all_scalars = all_scalars && c.kind == Kind::scalar;
        if (glued[i] && !merged && !fixed.empty()) {
          fixed.back() = decimal_fix(n.children[i - 1].text, c.text);
          merged = true;
        } else {
          fixed.push_back(c.text);
          merged = false;
        }
      }
      std::size_t first = static_cast<std::size_t>(std::find(glued.begin(), glued.end(), true) - glued.begin());
      const YNode& a = n.children[first - 1];
      std::string msg = "'" + a.text + "," + n.children[first].text + "' reads as two values " + a.text +
                        " and " + n.children[first].text + " (',' separates list items): decimals take a point: ";
      msg += all_scalars ? "[" + join(fixed) + "]" : decimal_fix(a.text, n.children[first].text);
      sink.error(a.pos, msg);
    }
  }
  for (const auto& c : n.children) check_decimal_commas(c, sink);
}

/// Parser events are ignored; only the position of the first one is kept (for messages).
struct DocumentCounter : YAML::EventHandler {
  YAML::Mark mark = YAML::Mark::null_mark();
  void note(const YAML::Mark& m) {
    if (mark.line < 0) mark = m;
  }
  void OnDocumentStart(const YAML::Mark& m) override { note(m); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { note(m); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { note(m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t, const std::string&) override {
    note(m);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    note(m);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    note(m);
  }
  void OnMapEnd() override {}
};

YNode parse_text(const std::string& raw, const std::string& file, DiagnosticSink& sink) {
  SourcePos file_pos{file, 0, 0};
  if (raw.size() > Limits::max_file_bytes)
    fatal(sink, file_pos,
          "the file is too large (" + std::to_string(raw.size()) + " bytes, at most " +
              std::to_string(Limits::max_file_bytes) + ")");
  std::string text = raw;
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // UTF-8 byte order mark
  check_text(text, file, sink);
  const std::string too_deep = "the YAML structure is nested more than " +
                               std::to_string(Limits::max_nesting) + " levels deep";
  YAML::Node doc;
  try {
    // Not YAML::LoadAll: yaml-cpp 0.7 loops forever, allocating, on a stray ',' at document
    // level (jbeder/yaml-cpp#1040). Load reads one document; a bounded second pass below
    // rejects anything after it.
    doc = YAML::Load(text);
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentCounter counter;
    parser.HandleNextDocument(counter);
    counter.mark = YAML::Mark::null_mark();
    if (parser.HandleNextDocument(counter))
      fatal(sink, mark_pos(counter.mark, file),
            "unexpected content after the end of the scenario (a second YAML document after "
            "'---', or a stray ',')");
  } catch (const YAML::DeepRecursion& e) {
    fatal(sink, mark_pos(e.mark, file), too_deep);
  } catch (const YAML::Exception& e) {
    SourcePos at = mark_pos(e.mark, file);
    if (auto h = yaml_syntax_hint(text, at.line, at.column))
      fatal(sink, SourcePos{file, h->line, h->column}, "YAML syntax error (" + e.msg + "): " + h->hint);
    fatal(sink, at, "YAML syntax error: " + e.msg);
  }
  if (doc.IsNull() || !doc.IsDefined())
    fatal(sink, file_pos, "the file is empty: a scenario starts with 'amorce: 1'");
  ConvertState st{file, sink};
  YNode root;
  try {
    root = convert(doc, 0, st, SourcePos{file, 1, 1});
  } catch (const YAML::Exception& e) {
    fatal(sink, mark_pos(e.mark, file), "YAML error: " + e.msg);
  }
  if (root.kind != Kind::map)
    fatal(sink, root.pos,
          "a scenario must be a mapping of keys (amorce:, start:, horizon:, ...), not " +
              describe(root));
  check_decimal_commas(root, sink);
  normalize_item_lists(root);
  if (YNode* v = find_mut(root, "variants"); v && v->kind == Kind::map)
    for (auto& patch : v->children) normalize_item_lists(patch);
  return root;
}

// ---------------------------------------------------------------------------------------
// Deep merge (extends and variants)
// ---------------------------------------------------------------------------------------

std::optional<std::string> identity(const YNode& n) {
  if (n.kind != Kind::map) return std::nullopt;
  for (const char* k : {"name", "role"})
    if (const YNode* id = find(n, k); id && id->kind == Kind::scalar) return id->text;
  return std::nullopt;
}

bool is_true(const YNode* n) { return n && n->kind == Kind::scalar && n->text == "true"; }

/// `{remove: true}` (map entry) or `{name: x, remove: true}` (list element).
bool is_removal(const YNode& n) {
  if (n.kind != Kind::map || !is_true(find(n, "remove"))) return false;
  return std::all_of(n.children.begin(), n.children.end(), [](const YNode& c) {
    return c.key == "remove" || c.key == "name" || c.key == "role";
  });
}

void merge(YNode& base, const YNode& patch, DiagnosticSink& sink) {
  if (base.kind == Kind::map && patch.kind == Kind::map) {
    for (const auto& pc : patch.children) {
      auto it = std::find_if(base.children.begin(), base.children.end(),
                             [&](const YNode& c) { return c.key == pc.key; });
      if (is_removal(pc)) {
        if (it == base.children.end())
          sink.error(pc.key_pos, "cannot remove '" + pc.key + "': there is no such entry");
        else
          base.children.erase(it);
      } else if (it == base.children.end()) {
        base.children.push_back(pc);
      } else {
        merge(*it, pc, sink);
      }
    }
    return;
  }
  bool by_name = base.kind == Kind::seq && patch.kind == Kind::seq &&
                 std::all_of(patch.children.begin(), patch.children.end(),
                             [](const YNode& e) { return identity(e).has_value(); });
  if (by_name) {
    for (const auto& pc : patch.children) {
      std::string id = *identity(pc);
      auto it = std::find_if(base.children.begin(), base.children.end(),
                             [&](const YNode& c) { return identity(c) == id; });
      if (is_removal(pc)) {
        if (it == base.children.end())
          sink.error(pc.pos, "cannot remove '" + id + "': there is no element with that name");
        else
          base.children.erase(it);
      } else if (it == base.children.end()) {
        base.children.push_back(pc);
      } else {
        merge(*it, pc, sink);
      }
    }
    return;
  }
  std::string key = base.key;
  SourcePos key_pos = base.key_pos;
  base = patch;
  if (!key.empty()) {
    base.key = key;
    base.key_pos = key_pos;
  }
}

struct ChainLink {
  std::string canonical, display;
};

std::string canonical_of(const std::string& path) {
  std::error_code ec;
  auto p = fs::weakly_canonical(fs::path(path), ec);
  return ec ? fs::path(path).lexically_normal().string() : p.string();
}

/// Parses a file and resolves its `extends` chain into one tree.
YNode resolve_extends(const std::string& text, const std::string& file,
                      std::vector<ChainLink>& chain, DiagnosticSink& sink) {
  YNode root = parse_text(text, file, sink);
  auto it = std::find_if(root.children.begin(), root.children.end(),
                         [](const YNode& c) { return c.key == "extends"; });
  if (it == root.children.end()) return root;
  YNode ext = *it;
  root.children.erase(it);
  if (ext.kind != Kind::scalar || ext.text.empty())
    fatal(sink, ext.pos,
          "extends: expected the path of another scenario file, got " + describe(ext));
  fs::path base_path = fs::path(file).parent_path() / ext.text;
  std::string display = base_path.lexically_normal().string();
  std::string canonical = canonical_of(base_path.string());
  for (const auto& link : chain) {
    if (link.canonical == canonical) {
      std::vector<std::string> names;
      for (const auto& l : chain) names.push_back(l.display);
      names.push_back(display);
      fatal(sink, ext.pos, "extends cycle: " + join(names, " -> "));
    }
  }
  if (static_cast<int>(chain.size()) > Limits::max_extends_depth)
    fatal(sink, ext.pos,
          "too many levels of extends (at most " + std::to_string(Limits::max_extends_depth) + ")");
  std::string base_text = read_file(display, ext.pos, sink);
  chain.push_back({canonical, display});
  YNode base = resolve_extends(base_text, display, chain, sink);
  chain.pop_back();
  merge(base, root, sink);
  return base;
}

// ---------------------------------------------------------------------------------------
// Literals and names
// ---------------------------------------------------------------------------------------

/// The value of a plain number literal ("45_000", "-0.5", "1e3"), or nullopt for expressions.
std::optional<double> literal(std::string_view text) {
  std::string s;
  bool digit = false;
  for (char c : text) {
    if (c == '_') continue;
    if (c == ' ') return std::nullopt;
    if (std::isdigit(static_cast<unsigned char>(c))) digit = true;
    else if (c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-') return std::nullopt;
    s += c;
  }
  if (!digit) return std::nullopt;
  if (!s.empty() && s[0] == '+') s.erase(0, 1);
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<double> literal(const std::optional<Expr>& e) {
  return e ? literal(e->text) : std::nullopt;
}

std::optional<long long> integer(std::string_view text) {
  std::string s;
  for (char c : text)
    if (c != '_') s += c;
  if (!s.empty() && s[0] == '+') s.erase(0, 1);
  if (s.empty()) return std::nullopt;
  long long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

const std::vector<std::string>& reserved_words() {
  static const std::vector<std::string> words{
      "month", "year",  "calendar_month", "start", "end",   "and",   "or",    "not",
      "if",    "min",   "max",            "clamp", "abs",   "floor", "ceil",  "round",
      "exp",   "log",   "sqrt",           "pow",   "sin",   "cos",   "ramp",  "scurve",
      "between", "season", "grow",        "lag",   "cumsum", "true", "false"};
  return words;
}

/// Empty when `name` is a valid name, else the reason.
std::string name_problem(const std::string& name) {
  if (name.empty()) return "a name cannot be empty";
  if (name.size() > Limits::max_name_length)
    return "name '" + name.substr(0, 20) + "...' is longer than " +
           std::to_string(Limits::max_name_length) + " characters";
  auto ok_first = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; };
  auto ok_rest = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  if (!ok_first(name[0]) || !std::all_of(name.begin() + 1, name.end(), ok_rest))
    return "'" + name +
           "' is not a valid name: use letters, digits and '_', starting with a letter "
           "(no spaces, accents or dashes)";
  const auto& r = reserved_words();
  if (std::find(r.begin(), r.end(), name) != r.end())
    return "'" + name + "' is a reserved word of expressions and cannot be used as a name";
  return "";
}

// ---------------------------------------------------------------------------------------
// Validation into Scenario
// ---------------------------------------------------------------------------------------

const std::vector<std::string> kTopKeys{
    "amorce",   "name",      "description", "start",    "horizon",     "fiscal_year_start",
    "simulation", "inputs",  "correlations", "series",  "revenue",     "costs",
    "staff",    "subsidies", "investments", "financing", "vat",        "taxes",
    "in_kind",  "checks",    "outputs",     "variants", "extends"};

struct LawInfo {
  const char* key;
  Law law;
};
const std::vector<LawInfo> kLaws{
    {"uniform", Law::uniform},     {"triangular", Law::triangular}, {"pert", Law::pert},
    {"normal", Law::normal},       {"lognormal", Law::lognormal},   {"between", Law::between},
    {"beta", Law::beta},           {"gamma", Law::gamma},           {"poisson", Law::poisson},
    {"binomial", Law::binomial},   {"bernoulli", Law::bernoulli},   {"discrete", Law::discrete},
    {"empirical", Law::empirical}};

std::vector<std::string> law_names() {
  std::vector<std::string> v;
  for (const auto& l : kLaws) v.push_back(l.key);
  return v;
}

class Builder {
 public:
  explicit Builder(DiagnosticSink& sink) : sink_(sink) {}

  Scenario build(const YNode& root) {
    check_keys(root, kTopKeys, "");
    top_level(root);
    if (const YNode* n = find(root, "simulation")) simulation(*n);
    if (const YNode* n = find(root, "inputs")) inputs(*n);
    if (const YNode* n = find(root, "series")) series(*n);
    named_items(find(root, "revenue"), "revenue", "revenue item", [&](const std::string& name, const SourcePos& pos, const YNode& body, bool listed) { revenue(name, pos, body, listed); });
    named_items(find(root, "costs"), "costs", "cost", [&](const std::string& name, const SourcePos& pos, const YNode& body, bool listed) { cost(name, pos, body, listed); });
    if (const YNode* n = find(root, "staff")) staff(*n);
    if (const YNode* n = find(root, "subsidies")) subsidies(*n);
    if (const YNode* n = find(root, "investments")) investments(*n);
    if (const YNode* n = find(root, "financing")) financing(*n);
    if (const YNode* n = find(root, "vat")) vat(*n);
    if (const YNode* n = find(root, "taxes")) taxes(*n);
    named_items(find(root, "in_kind"), "in_kind", "in-kind item", [&](const std::string& name, const SourcePos& pos, const YNode& body, bool listed) { in_kind(name, pos, body, listed); });
    if (const YNode* n = find(root, "checks")) checks(*n);
    if (const YNode* n = find(root, "correlations")) correlations(*n);
    check_unique_names();
    if (const YNode* n = find(root, "outputs")) outputs(*n);
    return std::move(sc_);
  }

 private:
  DiagnosticSink& sink_;
  Scenario sc_;
  bool horizon_ok_ = false;
  struct NameUse {
    std::string name, kind;
    SourcePos pos;
    std::string note;  ///< said when the name is a duplicate (e.g. how it was derived)
  };
  std::vector<NameUse> names_;

  void err(const SourcePos& pos, std::string msg) { sink_.error(pos, std::move(msg)); }

  static std::string prefix(const std::string& ctx) { return ctx.empty() ? "" : ctx + ": "; }

  /// Unknown keys are errors with a did-you-mean suggestion.
  void check_keys(const YNode& map, const std::vector<std::string>& allowed,
                  const std::string& ctx) {
    for (const auto& c : map.children) {
      if (std::find(allowed.begin(), allowed.end(), c.key) != allowed.end()) continue;
      std::string where = ctx.empty() ? "" : " in " + ctx;
      std::string hint = suggestion(c.key, allowed);
      err(c.key_pos, "unknown key '" + c.key + "'" + where +
                         (hint.empty() ? "; valid keys: " + join(allowed) : hint));
    }
  }

  bool expect(const YNode& n, Kind kind, const std::string& what) {
    if (n.kind == kind) return true;
    static const char* names[] = {"nothing", "a single value", "a list", "a mapping (key: value)"};
    err(n.pos, what + ": expected " + names[static_cast<int>(kind)] + ", got " + describe(n));
    return false;
  }

  bool too_many(const YNode& n, const std::string& section) {
    if (n.children.size() <= Limits::max_items) return false;
    err(n.pos, section + ": " + std::to_string(n.children.size()) + " entries, at most " +
                   std::to_string(Limits::max_items) + " are allowed");
    return true;
  }

  /// .inf, -.Inf, .nan...: YAML's spellings of infinity and NaN, never a valid amount.
  static bool is_yaml_special_float(const std::string& t) {
    std::string v = t;
    if (!v.empty() && (v[0] == '+' || v[0] == '-')) v.erase(0, 1);
    return v == ".inf" || v == ".Inf" || v == ".INF" || v == ".nan" || v == ".NaN" || v == ".NAN";
  }

  /// A number field: scalar text kept as written, with its position.
  /// " : write 1_100 (a space cannot separate thousands: use '_')", or "" when `text`
  /// shows none of the usual spreadsheet spellings (see load_hints.hpp).
  static std::string fix_hint(const std::string& text) {
    auto f = fix_number_text(text);
    if (!f) return "";
    return ": write " + f->fixed + " (" + join(f->reasons, "; ") + ")";
  }

  /// "; ',' without a space is a decimal comma? write [0.8, 1.1, 1.5]" when joining the
  /// glued pairs of a list (`0,8` read as 0 and 8) gives the `expected` count; else "".
  static std::string glued_commas_hint(const YNode& list, std::size_t expected) {
    if (list.kind != Kind::seq) return "";
    std::vector<std::string> fixed;
    bool any = false, merged = false;  // a value joins at most one neighbour
    for (std::size_t i = 0; i < list.children.size(); ++i) {
      const YNode& c = list.children[i];
      if (c.kind != Kind::scalar) return "";
      if (i > 0 && !merged && c.plain && comma_glued(list.children[i - 1], c.pos, c.text)) {
        fixed.back() = decimal_fix(list.children[i - 1].text, c.text);
        any = merged = true;
      } else {
        fixed.push_back(c.text);
        merged = false;
      }
    }
    if (!any || fixed.size() != expected) return "";
    return " (',' without a space reads as a list separator): decimals take a point: [" + join(fixed) + "]";
  }

  std::optional<Expr> expr_of(const YNode& n, const std::string& what) {
    if (n.kind != Kind::scalar || is_yaml_bool(n) || n.text.empty()) {
      err(n.pos, what + ": expected a number or an expression, got " + describe(n) +
                     (is_yaml_bool(n) ? " (write 1 for yes, 0 for no)" : ""));
      return std::nullopt;
    }
    if (std::string hint = fix_hint(n.text); !hint.empty()) {
      err(n.pos, what + ": '" + n.text + "' is not a number or an expression" + hint);
      return std::nullopt;
    }
    if (is_yaml_special_float(n.text)) {
      err(n.pos, what + ": expected a finite number or an expression, got '" + n.text +
                     "' (YAML infinity or NaN)");
      return std::nullopt;
    }
    if (auto v = literal(n.text); v && !(std::fabs(*v) < Limits::max_abs_value)) {
      err(n.pos, what + " is " + n.text + ", outside what amorce accepts (|x| < 1e12)");
      return Expr{n.text, n.pos};  // the file is refused; kept as written so no other check trips on a stand-in 0
    }
    if (n.text.size() > Limits::max_expression_length) {
      err(n.pos, what + ": expression of " + std::to_string(n.text.size()) +
                     " characters, at most " + std::to_string(Limits::max_expression_length));
      return std::nullopt;
    }
    return Expr{n.text, n.pos};
  }

  std::optional<Expr> opt_expr(const YNode& map, const char* key, const std::string& ctx) {
    const YNode* n = find(map, key);
    if (!n) return std::nullopt;
    return expr_of(*n, prefix(ctx) + key);
  }

  Expr req_expr(const YNode& map, const char* key, const std::string& ctx, const SourcePos& at) {
    const YNode* n = find(map, key);
    if (!n) {
      err(at, prefix(ctx) + "missing '" + key + "'");
      return Expr{"0", at};
    }
    return expr_of(*n, prefix(ctx) + key).value_or(Expr{"0", n->pos});
  }

  /// Checks a number field when it is a plain literal (expressions are checked when run).
  void check_lit(const std::optional<Expr>& e, const std::string& ctx, const char* key,
                 const std::function<bool(double)>& ok, const std::string& expected) {
    auto v = literal(e);
    if (v && !ok(*v)) err(e->pos, prefix(ctx) + key + " is " + num(*v) + ", expected " + expected);
  }

  void check_rate(const std::optional<Expr>& e, const std::string& ctx, const char* key) {
    check_lit(e, ctx, key, [](double v) { return v >= 0 && v <= 1; }, "a rate between 0 and 1");
  }

  /// A month after the horizon is legal (the item then never happens within the study, and
  /// `check` and `run` warn about it); dates YYYY-MM are converted by the compiler.
  void check_month(const std::optional<Expr>& e, const std::string& ctx, const char* key) {
    auto v = literal(e);
    if (!v) return;
    bool whole = std::floor(*v) == *v;
    if (!whole || *v < 0)
      err(e->pos, prefix(ctx) + key + " is " + num(*v) +
                      ", expected a whole month index >= 0 (0 is the start month) or a date YYYY-MM");
  }

  std::string text_of(const YNode* n, const std::string& what) {
    if (!n || n->kind == Kind::null) return "";
    if (n->kind != Kind::scalar) {
      err(n->pos, what + ": expected text, got " + describe(*n));
      return "";
    }
    return n->text;
  }

  /// One of a fixed set of words.
  std::string choice(const YNode& map, const char* key, const std::string& ctx,
                     const std::vector<std::string>& options, const std::string& dflt) {
    const YNode* n = find(map, key);
    if (!n) return dflt;
    if (n->kind == Kind::scalar &&
        std::find(options.begin(), options.end(), n->text) != options.end())
      return n->text;
    std::string got = n->kind == Kind::scalar ? n->text : describe(*n);
    err(n->pos, prefix(ctx) + key + " '" + got + "' is not one of " + join(options, "|") +
                    (n->kind == Kind::scalar ? suggestion(n->text, options) : ""));
    return dflt;
  }

  std::optional<long long> int_field(const YNode& n, const std::string& what, long long lo,
                                     long long hi, const std::string& expected) {
    std::optional<long long> v;
    if (n.kind == Kind::scalar && !is_yaml_bool(n)) v = integer(n.text);
    if (!v || *v < lo || *v > hi) {
      err(n.pos, what + " is " + (n.kind == Kind::scalar ? n.text : describe(n)) + ", expected " +
                     expected + (n.kind == Kind::scalar && !v ? fix_hint(n.text) : ""));
      return std::nullopt;
    }
    return v;
  }

  std::optional<double> number_field(const YNode& n, const std::string& what) {
    std::optional<double> v;
    if (n.kind == Kind::scalar && !is_yaml_bool(n)) v = literal(n.text);
    if (!v) err(n.pos, what + ": expected a plain number, got " + describe(n) +
                           (n.kind == Kind::scalar ? fix_hint(n.text) : ""));
    if (v && !(std::fabs(*v) < Limits::max_abs_value)) {
      err(n.pos, what + " is " + n.text + ", outside what amorce accepts (|x| < 1e12)");
      return std::nullopt;
    }
    return v;
  }

  bool register_name(const std::string& name, const std::string& kind, const SourcePos& pos,
                     std::string note = "") {
    std::string problem = name_problem(name);
    if (!problem.empty()) {
      err(pos, kind + ": " + problem);
      return false;
    }
    names_.push_back({name, kind, pos, std::move(note)});
    return true;
  }

  void check_unique_names() {
    std::vector<const NameUse*> order;
    for (const auto& n : names_) order.push_back(&n);
    std::stable_sort(order.begin(), order.end(), [](const NameUse* a, const NameUse* b) {
      return std::tie(a->pos.file, a->pos.line, a->pos.column) <
             std::tie(b->pos.file, b->pos.line, b->pos.column);
    });
    std::map<std::string, const NameUse*, std::less<>> first;
    for (const NameUse* u : order) {
      auto [it, inserted] = first.emplace(u->name, u);
      if (inserted) continue;
      const NameUse* f = it->second;
      std::string where = "line " + std::to_string(f->pos.line);
      if (f->pos.file != u->pos.file) where = f->pos.file + ":" + std::to_string(f->pos.line);
      const std::string& note = u->note.empty() ? f->note : u->note;
      err(u->pos, "duplicate name '" + u->name + "': already used by the " + f->kind + " at " +
                      where + " (names must be unique across inputs, series and all items)" + note);
    }
  }

  std::vector<std::string> all_names(const char* kind = nullptr) const {
    std::vector<std::string> v;
    for (const auto& n : names_)
      if (!kind || n.kind == kind) v.push_back(n.name);
    return v;
  }

  // ---- top level ---------------------------------------------------------------------

  void top_level(const YNode& root) {
    SourcePos top{root.pos.file, 1, 1};
    sc_.file = root.pos.file;
    if (const YNode* n = find(root, "amorce")) {
      auto v = int_field(*n, "amorce (format version)", 1, 1,
                         "1: this engine reads version 1 of the scenario format");
      (void)v;
    } else {
      err(top, "missing 'amorce: 1' (the format version) at the top of the scenario");
    }
    sc_.name = text_of(find(root, "name"), "name");
    sc_.description = text_of(find(root, "description"), "description");
    if (const YNode* n = find(root, "start")) {
      start_date(*n);
    } else {
      err(top, "missing 'start' (the first simulated month, e.g. start: 2027-01)");
    }
    if (const YNode* n = find(root, "horizon")) {
      if (auto v = int_field(*n, "horizon", 1, Limits::max_horizon,
                             "a whole number of months between 1 and " +
                                 std::to_string(Limits::max_horizon))) {
        sc_.horizon = static_cast<int>(*v);
        horizon_ok_ = true;
      }
    } else {
      err(top, "missing 'horizon' (the number of months simulated, e.g. horizon: 60)");
    }
    if (const YNode* n = find(root, "fiscal_year_start"))
      if (auto v = int_field(*n, "fiscal_year_start", 1, 12, "a calendar month between 1 and 12"))
        sc_.fiscal_year_start = static_cast<int>(*v);
  }

  void start_date(const YNode& n) {
    const std::string& t = n.text;
    bool shape = n.kind == Kind::scalar && t.size() >= 6 && t.size() <= 7 && t[4] == '-' &&
                 std::all_of(t.begin(), t.begin() + 4, ::isdigit) &&
                 std::all_of(t.begin() + 5, t.end(), ::isdigit);
    if (!shape) {
      std::string hint;  // 01/2027, 1/2027, 01-2027: the month first
      if (std::size_t sep = t.find_first_of("/-"); n.kind == Kind::scalar && sep != std::string::npos &&
                                                     sep >= 1 && sep <= 2 && t.size() == sep + 5 &&
                                                     std::all_of(t.begin(), t.begin() + static_cast<long>(sep), ::isdigit) &&
                                                     std::all_of(t.begin() + static_cast<long>(sep) + 1, t.end(), ::isdigit))
        hint = ": write " + t.substr(sep + 1) + "-" + (sep == 1 ? "0" : "") + t.substr(0, sep) +
               " (year first, then the month)";
      err(n.pos, "start: expected a month written YYYY-MM (e.g. 2027-01), got " + describe(n) + hint);
      return;
    }
    int y = std::stoi(t.substr(0, 4)), m = std::stoi(t.substr(5));
    bool ok = true;
    if (m < 1 || m > 12) {
      err(n.pos, "start: invalid date '" + t + "': month " + std::to_string(m) +
                     " is not between 1 and 12");
      ok = false;
    }
    if (y < 1900 || y > 2200) {
      err(n.pos, "start: invalid date '" + t + "': year " + std::to_string(y) +
                     " is not between 1900 and 2200");
      ok = false;
    }
    if (ok) {
      sc_.start_year = y;
      sc_.start_month = m;
    }
  }

  void simulation(const YNode& n) {
    if (!expect(n, Kind::map, "simulation")) return;
    check_keys(n, {"paths", "seed", "sampling"}, "simulation");
    if (const YNode* p = find(n, "paths"))
      if (auto v = int_field(*p, "simulation.paths", 1, Limits::max_paths,
                             "a whole number between 1 and " + std::to_string(Limits::max_paths)))
        sc_.simulation.paths = *v;
    if (const YNode* s = find(n, "seed")) {
      std::string digits;
      for (char c : s->text)
        if (c != '_') digits += c;
      unsigned long long v = 0;
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
      if (s->kind != Kind::scalar || digits.empty() || ec != std::errc() ||
          p != digits.data() + digits.size())
        err(s->pos, "simulation.seed is " + (s->kind == Kind::scalar ? s->text : describe(*s)) +
                        ", expected a non-negative whole number");
      else
        sc_.simulation.seed = v;
    }
    std::string sampling = choice(n, "sampling", "simulation", {"mc", "lhs", "sobol"}, "lhs");
    sc_.simulation.sampling = sampling == "mc" ? Sampling::mc
                              : sampling == "sobol" ? Sampling::sobol
                                                    : Sampling::lhs;
  }

  // ---- inputs ------------------------------------------------------------------------

  void inputs(const YNode& n) {
    if (!expect(n, Kind::map, "inputs") || too_many(n, "inputs")) return;
    for (const auto& c : n.children) {
      Input in;
      in.name = c.key;
      in.pos = c.key_pos;
      std::string ctx = "input '" + c.key + "'";
      register_name(c.key, "input", c.key_pos);
      if (c.kind == Kind::map) {
        input_map(c, ctx, in);
      } else if (auto e = expr_of(c, ctx)) {
        in.fixed = *e;
      }
      sc_.inputs.push_back(std::move(in));
    }
  }

  void input_map(const YNode& c, const std::string& ctx, Input& in) {
    std::vector<std::string> allowed = law_names();
    for (const char* k : {"value", "base", "each", "label", "unit", "lambda", "min", "max"})
      allowed.push_back(k);
    std::vector<const YNode*> laws;
    std::vector<const YNode*> unknown;
    for (const auto& e : c.children) {
      if (e.key == "value" || std::any_of(kLaws.begin(), kLaws.end(),
                                          [&](const LawInfo& l) { return e.key == l.key; }))
        laws.push_back(&e);
      else if (std::find(allowed.begin(), allowed.end(), e.key) == allowed.end())
        unknown.push_back(&e);
    }
    std::string valid = "valid laws: " + join(law_names()) + " (or a plain value)";
    for (const YNode* u : unknown) {
      if (laws.empty())
        err(u->key_pos, ctx + ": unknown distribution '" + u->key + "'" +
                            suggestion(u->key, law_names()) + "; " + valid);
      else
        err(u->key_pos, ctx + ": unknown key '" + u->key + "'" + suggestion(u->key, allowed) +
                            "; valid keys: " + join(allowed));
    }
    if (laws.empty()) {
      if (unknown.empty()) err(c.pos, ctx + ": no distribution given; " + valid);
      return;
    }
    if (laws.size() > 1) {
      err(laws[1]->key_pos, ctx + ": gives two laws '" + laws[0]->key + "' and '" + laws[1]->key +
                                "'; use exactly one; " + valid);
      return;
    }
    in.label = text_of(find(c, "label"), ctx + ": label");
    in.unit = text_of(find(c, "unit"), ctx + ": unit");
    if (const YNode* e = find(c, "each")) {
      if (e->kind == Kind::scalar && (e->text == "month" || e->text == "path"))
        in.each_month = e->text == "month";
      else
        err(e->pos, ctx + ": each is " + describe(*e) + ", expected 'month' (or 'path')");
    }
    const YNode& lawnode = *laws[0];
    if (lawnode.key == "value") {
      for (const char* k : {"base", "each", "lambda", "min", "max"})
        if (const YNode* x = find(c, k))
          err(x->key_pos, ctx + ": '" + std::string(k) + "' applies only to a distribution");
      if (auto e = expr_of(lawnode, ctx)) in.fixed = *e;
      in.each_month = false;
      return;
    }
    Law law = std::find_if(kLaws.begin(), kLaws.end(),
                           [&](const LawInfo& l) { return lawnode.key == l.key; })
                  ->law;
    Distribution d;
    d.law = law;
    std::string lctx = ctx + ": " + lawnode.key;
    auto extra_ok = [&](const char* k, std::initializer_list<Law> ok) {
      const YNode* x = find(c, k);
      if (!x) return;
      if (std::find(ok.begin(), ok.end(), law) == ok.end()) {
        err(x->key_pos, ctx + ": '" + std::string(k) + "' does not apply to a " + lawnode.key +
                            " law");
        return;
      }
      auto e = expr_of(*x, ctx + ": " + k);
      if (std::string(k) == "lambda") d.lambda = e;
      else if (std::string(k) == "min") d.min = e;
      else d.max = e;
    };
    extra_ok("lambda", {Law::pert});
    extra_ok("min", {Law::normal, Law::beta});
    extra_ok("max", {Law::normal, Law::beta});
    d.base = opt_expr(c, "base", ctx);

    auto list_params = [&](std::size_t count, const std::string& form) -> bool {
      if (lawnode.kind != Kind::seq || lawnode.children.size() != count) {
        std::string got = describe(lawnode);
        if (lawnode.kind == Kind::seq) got = std::to_string(lawnode.children.size()) + " values";
        err(lawnode.pos, lctx + " expects " + form + ", got " + got + glued_commas_hint(lawnode, count));
        return false;
      }
      for (const auto& p : lawnode.children) d.params.push_back(expr_of(p, lctx).value_or(Expr{"0", p.pos}));
      return true;
    };
    auto map_params = [&](const std::vector<std::string>& keys) -> bool {
      std::string form = "{" + join(keys) + "}";
      if (lawnode.kind == Kind::seq) return list_params(keys.size(), form);
      if (lawnode.kind != Kind::map) {
        err(lawnode.pos, lctx + " expects " + form + ", got " + describe(lawnode));
        return false;
      }
      // The bounds of a normal or beta may also be written inside the law's map
      // ({mean: 120, sd: 30, min: 20}): they mean the same as beside it.
      bool bounded = law == Law::normal || law == Law::beta;
      std::vector<std::string> allowed = keys;
      for (const char* b : {"min", "max"}) {
        const YNode* x = find(lawnode, b);
        if (!x) continue;
        if (!bounded) {
          err(x->key_pos, lctx + ": '" + b + "' does not apply to a " + lawnode.key +
                              " law (only normal and beta take bounds)");
        } else if (find(c, b)) {
          err(x->key_pos, ctx + ": '" + b + "' is given twice, inside " + lawnode.key +
                              " and beside it; keep one");
        } else {
          (std::string(b) == "min" ? d.min : d.max) = expr_of(*x, ctx + ": " + b);
        }
        allowed.push_back(b);
      }
      check_keys(lawnode, allowed, lctx);
      for (const auto& k : keys) d.params.push_back(req_expr(lawnode, k.c_str(), lctx, lawnode.pos));
      return true;
    };
    auto scalar_param = [&](const std::string& what) -> bool {
      if (lawnode.kind == Kind::map || lawnode.kind == Kind::seq) {
        err(lawnode.pos, lctx + " expects a single " + what + ", got " + describe(lawnode));
        return false;
      }
      auto e = expr_of(lawnode, lctx);
      if (!e) return false;
      d.params.push_back(*e);
      return true;
    };
    auto values_list = [&](const YNode& v, std::vector<Expr>& out, const std::string& what) {
      if (v.kind != Kind::seq || v.children.empty()) {
        err(v.pos, what + ": expected a non-empty list of numbers, got " + describe(v));
        return false;
      }
      if (v.children.size() > Limits::max_items) {
        err(v.pos, what + ": more than " + std::to_string(Limits::max_items) + " values");
        return false;
      }
      for (const auto& p : v.children) out.push_back(expr_of(p, what).value_or(Expr{"0", p.pos}));
      return true;
    };
    auto P = [&](std::size_t i) { return literal(d.params[i].text); };
    auto positive = [&](std::size_t i, const char* what) {
      if (auto v = P(i); v && *v <= 0)
        err(d.params[i].pos, lctx + ": " + what + " is " + num(*v) + ", expected a number > 0");
    };
    auto probability = [&](std::size_t i) {
      if (auto v = P(i); v && (*v < 0 || *v > 1))
        err(d.params[i].pos, lctx + ": probability is " + num(*v) + ", expected a number between 0 and 1");
    };
    auto min_max = [&]() {
      auto a = literal(d.min), b = literal(d.max);
      if (a && b && *a >= *b)
        err(d.max->pos, ctx + ": min " + num(*a) + " must be below max " + num(*b));
    };

    switch (law) {
      case Law::uniform:
        if (list_params(2, "a list [a, b]"))
          if (auto a = P(0), b = P(1); a && b && *a >= *b)
            err(lawnode.pos, lctx + ": lower bound " + num(*a) + " must be below upper bound " + num(*b));
        break;
      case Law::triangular:
      case Law::pert:
        if (list_params(3, "a list [min, mode, max]")) {
          auto a = P(0), m = P(1), b = P(2);
          if (a && m && b && !(*a <= *m && *m <= *b && *a < *b))
            err(lawnode.pos, lctx + ": expected min <= mode <= max with min < max, got [" + num(*a) +
                                 ", " + num(*m) + ", " + num(*b) + "]");
        }
        if (auto l = literal(d.lambda); l && *l <= 0)
          err(d.lambda->pos, ctx + ": lambda is " + num(*l) + ", expected a number > 0");
        break;
      case Law::normal:
        if (map_params({"mean", "sd"})) positive(1, "sd");
        min_max();
        break;
      case Law::lognormal:
        if (map_params({"mean", "sd"})) {
          positive(0, "mean");
          positive(1, "sd");
        }
        break;
      case Law::between:
        if (list_params(2, "a list [p5, p95]"))
          if (auto a = P(0), b = P(1); a && b && *a >= *b)
            err(lawnode.pos, lctx + ": p5 " + num(*a) + " must be below p95 " + num(*b));
        break;
      case Law::beta:
        if (map_params({"alpha", "beta"})) {
          positive(0, "alpha");
          positive(1, "beta");
        }
        min_max();
        break;
      case Law::gamma:
        if (map_params({"shape", "scale"})) {
          positive(0, "shape");
          positive(1, "scale");
        }
        break;
      case Law::poisson:
        if (scalar_param("mean"))
          if (auto v = P(0); v && *v < 0)
            err(d.params[0].pos, lctx + ": mean is " + num(*v) + ", expected a number >= 0");
        break;
      case Law::binomial:
        if (map_params({"n", "p"})) {
          if (auto v = P(0); v && (*v < 0 || std::floor(*v) != *v))
            err(d.params[0].pos, lctx + ": n is " + num(*v) + ", expected a whole number >= 0");
          probability(1);
        }
        break;
      case Law::bernoulli:
        if (scalar_param("probability")) probability(0);
        break;
      case Law::discrete: {
        if (lawnode.kind != Kind::map) {
          err(lawnode.pos, lctx + " expects {values: [...], weights: [...]}, got " + describe(lawnode));
          break;
        }
        check_keys(lawnode, {"values", "weights"}, lctx);
        const YNode* v = find(lawnode, "values");
        if (!v) {
          err(lawnode.pos, lctx + ": missing 'values'");
          break;
        }
        if (!values_list(*v, d.values, lctx + ": values")) break;
        if (const YNode* w = find(lawnode, "weights")) {
          if (!values_list(*w, d.weights, lctx + ": weights")) break;
          if (d.weights.size() != d.values.size()) {
            err(w->pos, lctx + ": " + std::to_string(d.weights.size()) + " weights for " +
                            std::to_string(d.values.size()) + " values; give one weight per value");
            break;
          }
          bool all_lit = true;
          double sum = 0;
          for (const auto& e : d.weights) {
            auto x = literal(e.text);
            if (!x) {
              all_lit = false;
              continue;
            }
            if (*x < 0) err(e.pos, lctx + ": weight is " + num(*x) + ", expected a number >= 0");
            sum += *x;
          }
          if (all_lit && sum <= 0) err(w->pos, lctx + ": weights sum to " + num(sum) + ", expected a positive total");
        } else {
          for (const auto& e : d.values) d.weights.push_back(Expr{"1", e.pos});  // equally likely
        }
        break;
      }
      case Law::empirical:
        values_list(lawnode, d.values, lctx);
        break;
    }
    in.dist = std::move(d);
  }

  // ---- series and checks -------------------------------------------------------------

  void series(const YNode& n) {
    if (!expect(n, Kind::map, "series") || too_many(n, "series")) return;
    for (const auto& c : n.children) {
      Series s;
      s.name = c.key;
      s.pos = c.key_pos;
      std::string ctx = "series '" + c.key + "'";
      register_name(c.key, "series", c.key_pos);
      if (c.kind == Kind::map) {
        check_keys(c, {"value", "label"}, ctx);
        s.expr = req_expr(c, "value", ctx, c.key_pos);
        s.label = text_of(find(c, "label"), ctx + ": label");
      } else {
        s.expr = expr_of(c, ctx).value_or(Expr{"0", c.pos});
      }
      sc_.series.push_back(std::move(s));
    }
  }

  void checks(const YNode& n) {
    if (!expect(n, Kind::map, "checks") || too_many(n, "checks")) return;
    for (const auto& c : n.children) {
      std::string ctx = "check '" + c.key + "'";
      if (std::string p = name_problem(c.key); !p.empty()) err(c.key_pos, ctx + ": " + p);
      if (c.kind != Kind::scalar || is_yaml_bool(c) || c.text.empty()) {
        err(c.pos, ctx + ": expected a rule such as 'revenue <= 0.30 * charges', got " + describe(c));
        continue;
      }
      if (auto e = expr_of(c, ctx)) sc_.checks.push_back(Check{c.key, *e});
    }
  }

  // ---- items -------------------------------------------------------------------------

  using ItemFn = std::function<void(const std::string&, const SourcePos&, const YNode&, bool)>;

  /// Sections keyed by name: a map `name: {...}`, or a list of maps with `name:`.
  void named_items(const YNode* n, const std::string& section, const std::string& kind,
                   const ItemFn& fn) {
    if (!n) return;
    if (n->kind == Kind::seq) {
      if (too_many(*n, section)) return;
      for (std::size_t i = 0; i < n->children.size(); ++i) {
        const YNode& e = n->children[i];
        const YNode* name = find(e, "name");
        if (e.kind != Kind::map || !name || name->kind != Kind::scalar || name->text.empty()) {
          err(e.pos, section + ": " + kind + " #" + std::to_string(i + 1) +
                         " needs a 'name:' (or write " + section + " as a mapping name: {...})");
          continue;
        }
        fn(name->text, name->pos, e, true);
      }
      return;
    }
    if (!expect(*n, Kind::map, section) || too_many(*n, section)) return;
    for (const auto& c : n->children) fn(c.key, c.key_pos, c, false);
  }

  /// Common fields of revenue, costs and in-kind items. A bare value is the amount.
  bool item_base(ItemBase& it, const std::string& name, const SourcePos& pos, const YNode& body,
                 const std::string& kind, std::vector<std::string> keys, bool listed) {
    it.name = name;
    it.pos = pos;
    register_name(name, kind, pos);
    std::string ctx = kind + " '" + name + "'";
    if (body.kind == Kind::scalar) {
      it.amount = expr_of(body, ctx + ": amount").value_or(Expr{"0", body.pos});
      return false;
    }
    if (!expect(body, Kind::map, ctx)) return false;
    for (const char* k : {"label", "amount", "from", "until"}) keys.push_back(k);
    if (listed) keys.push_back("name");
    check_keys(body, keys, ctx);
    it.label = text_of(find(body, "label"), ctx + ": label");
    it.amount = req_expr(body, "amount", ctx, pos);
    window(it.from, it.until, body, ctx);
    return true;
  }

  void window(std::optional<Expr>& from, std::optional<Expr>& until, const YNode& body,
              const std::string& ctx) {
    from = opt_expr(body, "from", ctx);
    until = opt_expr(body, "until", ctx);
    check_lit(from, ctx, "from", [](double v) { return v >= 0; }, "a month >= 0");
    auto f = literal(from), u = literal(until);
    if (f && u && *u <= *f && *f >= 0)
      err(until->pos, prefix(ctx) + "until (" + num(*u) + ") must be after from (" + num(*f) +
                          "): until is the first month no longer included");
  }

  void paid_after(std::optional<Expr>& e, const YNode& body, const std::string& ctx) {
    e = opt_expr(body, "paid_after", ctx);
    check_lit(e, ctx, "paid_after", [](double v) { return v >= 0 && v <= 120; },
              "a number of months between 0 and 120");
  }

  void revenue(const std::string& name, const SourcePos& pos, const YNode& body, bool listed) {
    RevenueItem it;
    std::string ctx = "revenue item '" + name + "'";
    if (item_base(it, name, pos, body, "revenue item", {"vat_rate", "paid_after", "kind"}, listed)) {
      it.vat_rate = opt_expr(body, "vat_rate", ctx);
      check_rate(it.vat_rate, ctx, "vat_rate");
      paid_after(it.paid_after, body, ctx);
      it.kind = choice(body, "kind", ctx, {"sales", "services", "other"}, "sales");
    }
    sc_.revenue.push_back(std::move(it));
  }

  void cost(const std::string& name, const SourcePos& pos, const YNode& body, bool listed) {
    CostItem it;
    std::string ctx = "cost '" + name + "'";
    if (item_base(it, name, pos, body, "cost", {"vat_rate", "paid_after", "behaviour"}, listed)) {
      it.vat_rate = opt_expr(body, "vat_rate", ctx);
      check_rate(it.vat_rate, ctx, "vat_rate");
      paid_after(it.paid_after, body, ctx);
      it.behaviour = choice(body, "behaviour", ctx, {"fixed", "variable"}, "fixed");
    }
    sc_.costs.push_back(std::move(it));
  }

  void in_kind(const std::string& name, const SourcePos& pos, const YNode& body, bool listed) {
    InKind it;
    item_base(it, name, pos, body, "in-kind item", {}, listed);
    sc_.in_kind.push_back(std::move(it));
  }

  void staff(const YNode& n) {
    if (!expect(n, Kind::seq, "staff") || too_many(n, "staff")) return;
    // A line without `name:` gets one derived from its role (name_from_role); the names
    // written with `name:` are reserved first, and equal derived names get _2, _3...
    std::set<std::string, std::less<>> taken;
    for (const auto& e : n.children)
      if (const YNode* nm = find(e, "name"); nm && nm->kind == Kind::scalar && !nm->text.empty())
        taken.insert(nm->text);
    for (std::size_t i = 0; i < n.children.size(); ++i) {
      const YNode& e = n.children[i];
      std::string ictx = "staff line #" + std::to_string(i + 1);
      if (!expect(e, Kind::map, ictx)) continue;
      StaffLine s;
      s.pos = e.pos;
      s.role = text_of(find(e, "role"), ictx + ": role");
      std::string given = text_of(find(e, "name"), ictx + ": name");
      std::string note;
      if (!given.empty()) {
        s.name = given;
      } else if (!s.role.empty()) {
        std::string base = name_from_role(s.role, Limits::max_name_length, reserved_words());
        if (base.empty()) {
          err(find(e, "role")->pos, ictx + ": cannot derive a name from role '" + s.role +
                                        "' (no letter or digit): add a name, e.g. name: staff_" +
                                        std::to_string(i + 1));
          continue;
        }
        s.name = base;
        for (int k = 2; taken.count(s.name); ++k) s.name = base + "_" + std::to_string(k);
        taken.insert(s.name);
        note = "; this staff line's name '" + s.name + "' is derived from its role '" + s.role +
               "': give it another one with name:";
      }
      if (s.role.empty()) s.role = s.name;
      if (s.name.empty()) {
        err(e.pos, ictx + ": needs a 'role:' (or a 'name:')");
        continue;
      }
      const YNode* name_node = find(e, given.empty() ? "role" : "name");
      s.pos = name_node->pos;
      std::string ctx = "staff '" + s.name + "'";
      register_name(s.name, "staff line", s.pos, note);
      check_keys(e, {"name", "role", "label", "fte", "gross_monthly", "employer_rate", "raise", "from", "until"}, ctx);
      s.label = text_of(find(e, "label"), ctx + ": label");
      s.fte = req_expr(e, "fte", ctx, s.pos);
      s.gross_monthly = req_expr(e, "gross_monthly", ctx, s.pos);
      s.employer_rate = req_expr(e, "employer_rate", ctx, s.pos);
      check_lit(s.fte, ctx, "fte", [](double v) { return v >= 0; }, "a number >= 0");
      check_lit(s.gross_monthly, ctx, "gross_monthly", [](double v) { return v >= 0; }, "an amount >= 0");
      check_lit(s.employer_rate, ctx, "employer_rate", [](double v) { return v >= 0 && v <= 1.5; },
                "a rate between 0 and 1.5");
      s.raise = opt_expr(e, "raise", ctx);
      check_lit(s.raise, ctx, "raise", [](double v) { return v > -1 && v <= 1; },
                "a yearly rate between -1 and 1");
      window(s.from, s.until, e, ctx);
      sc_.staff.push_back(std::move(s));
    }
  }

  /// Grant payments; default one payment of the whole amount at `start`.
  std::vector<Payment> payments(const YNode& owner, const SourcePos& owner_pos, const std::string& ctx) {
    const YNode* n = find(owner, "payments");
    if (!n) return {Payment{Expr{"1", owner_pos}, Expr{"start", owner_pos}, owner_pos}};
    std::vector<Payment> out;
    if (n->kind != Kind::seq || n->children.empty()) {
      err(n->pos, ctx + ": payments: expected a list such as [{share: 1, at: start}], got " + describe(*n));
      return out;
    }
    if (too_many(*n, ctx + ": payments")) return out;
    bool all_lit = true;
    double sum = 0;
    for (const auto& p : n->children) {
      std::string pctx = ctx + ": payment";
      if (!expect(p, Kind::map, pctx)) {
        all_lit = false;
        continue;
      }
      check_keys(p, {"share", "at"}, pctx);
      Payment pay;
      pay.pos = p.pos;
      pay.share = req_expr(p, "share", pctx, p.pos);
      pay.at = req_expr(p, "at", pctx, p.pos);
      auto v = literal(pay.share.text);
      if (!find(p, "share") || !v) {
        all_lit = false;
      } else {
        if (*v < 0 || *v > 1) err(pay.share.pos, pctx + " share is " + num(*v) + ", expected a number between 0 and 1");
        sum += *v;
      }
      out.push_back(std::move(pay));
    }
    if (all_lit && std::abs(sum - 1) > 1e-9)
      err(n->pos, ctx + ": payment shares sum to " + num(sum) + ", expected 1");
    return out;
  }

  /// The `name:` of a list item, or nullptr (after reporting why) when the item is not a
  /// mapping with a name: subsidies, investments and loans are matched by name in variants.
  const YNode* item_name(const YNode& e, const std::string& ictx) {
    if (!expect(e, Kind::map, ictx)) return nullptr;
    const YNode* name = find(e, "name");
    if (!name || name->kind != Kind::scalar || name->text.empty()) {
      err(e.pos, ictx + ": needs a 'name:'");
      return nullptr;
    }
    return name;
  }

  void subsidies(const YNode& n) {
    if (!expect(n, Kind::seq, "subsidies") || too_many(n, "subsidies")) return;
    for (std::size_t i = 0; i < n.children.size(); ++i) {
      const YNode& e = n.children[i];
      std::string ictx = "subsidy #" + std::to_string(i + 1);
      const YNode* name = item_name(e, ictx);
      if (!name) continue;
      Subsidy s;
      s.name = name->text;
      s.pos = name->pos;
      std::string ctx = "subsidy '" + s.name + "'";
      register_name(s.name, "subsidy", s.pos);
      check_keys(e, {"name", "label", "amount", "period", "from", "until", "granted", "payments", "kind"}, ctx);
      s.label = text_of(find(e, "label"), ctx + ": label");
      s.amount = req_expr(e, "amount", ctx, s.pos);
      window(s.from, s.until, e, ctx);
      s.period = choice(e, "period", ctx, {"year", "once", "month"}, "year");
      s.kind = choice(e, "kind", ctx, {"operating", "job"}, "operating");
      s.granted = opt_expr(e, "granted", ctx);
      check_lit(s.granted, ctx, "granted", [](double v) { return v >= 0 && v <= 1; },
                "a probability between 0 and 1");
      s.payments = payments(e, s.pos, ctx);
      sc_.subsidies.push_back(std::move(s));
    }
  }

  void investments(const YNode& n) {
    if (!expect(n, Kind::seq, "investments") || too_many(n, "investments")) return;
    for (std::size_t i = 0; i < n.children.size(); ++i) {
      const YNode& e = n.children[i];
      std::string ictx = "investment #" + std::to_string(i + 1);
      const YNode* name = item_name(e, ictx);
      if (!name) continue;
      Investment inv;
      inv.name = name->text;
      inv.pos = name->pos;
      std::string ctx = "investment '" + inv.name + "'";
      register_name(inv.name, "investment", inv.pos);
      check_keys(e, {"name", "label", "amount", "month", "life", "vat_rate", "grant"}, ctx);
      inv.label = text_of(find(e, "label"), ctx + ": label");
      inv.amount = req_expr(e, "amount", ctx, inv.pos);
      check_lit(inv.amount, ctx, "amount", [](double v) { return v >= 0; }, "an amount >= 0");
      inv.month = opt_expr(e, "month", ctx).value_or(Expr{"0", inv.pos});
      check_month(inv.month, ctx, "month");
      inv.life = req_expr(e, "life", ctx, inv.pos);
      check_lit(inv.life, ctx, "life", [](double v) { return v > 0; }, "a number of months > 0");
      inv.vat_rate = opt_expr(e, "vat_rate", ctx);
      check_rate(inv.vat_rate, ctx, "vat_rate");
      if (const YNode* g = find(e, "grant")) {
        std::string gctx = ctx + ": grant";
        if (expect(*g, Kind::map, gctx)) {
          check_keys(*g, {"label", "amount", "share", "granted", "payments"}, gctx);
          InvestmentGrant gr;
          gr.pos = g->pos;
          gr.amount = opt_expr(*g, "amount", gctx);
          gr.share = opt_expr(*g, "share", gctx);
          if ((find(*g, "amount") != nullptr) == (find(*g, "share") != nullptr))
            err(g->pos, gctx + ": give exactly one of 'amount' or 'share' (of the investment)");
          check_rate(gr.share, gctx, "share");
          gr.granted = opt_expr(*g, "granted", gctx);
          check_lit(gr.granted, gctx, "granted", [](double v) { return v >= 0 && v <= 1; },
                    "a probability between 0 and 1");
          gr.payments = payments(*g, g->pos, gctx);
          inv.grant = std::move(gr);
        }
      }
      sc_.investments.push_back(std::move(inv));
    }
  }

  void financing(const YNode& n) {
    if (!expect(n, Kind::map, "financing")) return;
    check_keys(n, {"opening_cash", "equity", "loans"}, "financing");
    sc_.financing.opening_cash = opt_expr(n, "opening_cash", "financing");
    if (const YNode* eq = find(n, "equity"); eq && expect(*eq, Kind::seq, "financing.equity") &&
                                             !too_many(*eq, "financing.equity")) {
      for (std::size_t i = 0; i < eq->children.size(); ++i) {
        const YNode& e = eq->children[i];
        std::string ctx = "equity #" + std::to_string(i + 1);
        if (!expect(e, Kind::map, ctx)) continue;
        check_keys(e, {"amount", "month", "label"}, ctx);
        EquityContribution c;
        c.pos = e.pos;
        c.label = text_of(find(e, "label"), ctx + ": label");
        c.amount = req_expr(e, "amount", ctx, e.pos);
        c.month = opt_expr(e, "month", ctx).value_or(Expr{"0", e.pos});
        check_month(c.month, ctx, "month");
        sc_.financing.equity.push_back(std::move(c));
      }
    }
    if (const YNode* ln = find(n, "loans"); ln && expect(*ln, Kind::seq, "financing.loans") &&
                                            !too_many(*ln, "financing.loans")) {
      for (std::size_t i = 0; i < ln->children.size(); ++i) {
        const YNode& e = ln->children[i];
        std::string ictx = "loan #" + std::to_string(i + 1);
        const YNode* name = item_name(e, ictx);
        if (!name) continue;
        Loan l;
        l.name = name->text;
        l.pos = name->pos;
        std::string ctx = "loan '" + l.name + "'";
        register_name(l.name, "loan", l.pos);
        check_keys(e, {"name", "label", "principal", "month", "rate", "term", "deferral", "type"}, ctx);
        l.label = text_of(find(e, "label"), ctx + ": label");
        l.principal = req_expr(e, "principal", ctx, l.pos);
        check_lit(l.principal, ctx, "principal", [](double v) { return v >= 0; }, "an amount >= 0");
        l.month = opt_expr(e, "month", ctx).value_or(Expr{"0", l.pos});
        check_month(l.month, ctx, "month");
        l.rate = req_expr(e, "rate", ctx, l.pos);
        check_lit(l.rate, ctx, "rate", [](double v) { return v >= 0 && v <= 1; },
                  "a yearly rate between 0 and 1");
        l.term = req_expr(e, "term", ctx, l.pos);
        check_lit(l.term, ctx, "term", [](double v) { return v > 0 && std::floor(v) == v; },
                  "a whole number of months > 0");
        l.deferral = opt_expr(e, "deferral", ctx);
        auto t = literal(l.term), d = literal(l.deferral);
        if (d && (*d < 0 || std::floor(*d) != *d))
          err(l.deferral->pos, ctx + ": deferral is " + num(*d) + ", expected a whole number of months >= 0");
        else if (d && t && *d >= *t)
          err(l.deferral->pos, ctx + ": deferral (" + num(*d) + " months) must be shorter than the term (" +
                                   num(*t) + " months, deferral included)");
        l.type = choice(e, "type", ctx, {"annuity", "linear", "bullet"}, "annuity");
        sc_.financing.loans.push_back(std::move(l));
      }
    }
  }

  void vat(const YNode& n) {
    if (!expect(n, Kind::map, "vat")) return;
    check_keys(n, {"regime", "default_rate", "refund", "refund_delay", "refund_min", "refund_min_year"}, "vat");
    sc_.vat.regime = choice(n, "regime", "vat", {"none", "monthly", "quarterly"}, "none");
    sc_.vat.default_rate = opt_expr(n, "default_rate", "vat");
    check_rate(sc_.vat.default_rate, "vat", "default_rate");
    sc_.vat.refund = choice(n, "refund", "vat", {"period", "year", "none"}, "period");
    sc_.vat.refund_delay = opt_expr(n, "refund_delay", "vat");
    check_lit(sc_.vat.refund_delay, "vat", "refund_delay", [](double v) { return v >= 1 && v <= 120; },
              "a number of months between 1 and 120");
    using Amount = std::pair<const char*, double*>;
    for (auto [key, field] :
         {Amount{"refund_min", &sc_.vat.refund_min}, Amount{"refund_min_year", &sc_.vat.refund_min_year}})
      if (const YNode* a = find(n, key))
        if (auto v = number_field(*a, std::string("vat: ") + key)) {
          if (*v < 0) err(a->pos, std::string("vat: ") + key + " is " + num(*v) + ", expected an amount >= 0");
          *field = *v;
        }
  }

  void taxes(const YNode& n) {
    if (!expect(n, Kind::map, "taxes")) return;
    check_keys(n, {"payroll_tax", "corporate_tax"}, "taxes");
    if (const YNode* p = find(n, "payroll_tax")) payroll(*p);
    if (const YNode* c = find(n, "corporate_tax"); c && expect(*c, Kind::map, "taxes.corporate_tax")) {
      const std::string ctx = "taxes.corporate_tax";
      check_keys(*c, {"rate", "instalments", "instalment_threshold"}, ctx);
      sc_.taxes.corporate_tax_rate = req_expr(*c, "rate", ctx, c->pos);
      check_rate(sc_.taxes.corporate_tax_rate, ctx, "rate");
      sc_.taxes.corporate_instalments = choice(*c, "instalments", ctx, {"true", "false"}, "true") == "true";
      if (const YNode* t = find(*c, "instalment_threshold"))
        if (auto v = number_field(*t, ctx + ": instalment_threshold")) {
          if (*v < 0) err(t->pos, ctx + ": instalment_threshold is " + num(*v) + ", expected an amount >= 0");
          sc_.taxes.corporate_instalment_threshold = *v;
        }
    }
  }

  void payroll(const YNode& p) {
    const std::string ctx = "taxes.payroll_tax";
    if (!expect(p, Kind::map, ctx)) return;
    check_keys(p, {"brackets", "allowance"}, ctx);
    PayrollTax pt;
    pt.pos = p.pos;
    if (const YNode* a = find(p, "allowance"))
      if (auto v = number_field(*a, ctx + ": allowance")) {
        if (*v < 0) err(a->pos, ctx + ": allowance is " + num(*v) + ", expected an amount >= 0");
        pt.allowance = *v;
      }
    const YNode* b = find(p, "brackets");
    const std::string form = "a list such as [[9_147, 0.0425], [18_259, 0.085], [null, 0.136]]";
    if (!b) {
      err(p.pos, ctx + ": missing 'brackets' (" + form + ")");
    } else if (b->kind != Kind::seq || b->children.empty()) {
      err(b->pos, ctx + ": brackets: expected " + form + ", got " + describe(*b));
    } else if (!too_many(*b, ctx + ": brackets")) {
      std::optional<double> prev;
      for (std::size_t i = 0; i < b->children.size(); ++i) {
        const YNode& e = b->children[i];
        bool last = i + 1 == b->children.size();
        if (e.kind != Kind::seq || e.children.size() != 2) {
          err(e.pos, ctx + ": bracket should be [limit, rate] (limit null for the last), got " + describe(e));
          continue;
        }
        std::optional<double> limit;
        const YNode& l = e.children[0];
        if (l.kind == Kind::null) {
          if (!last) err(l.pos, ctx + ": only the last bracket may have no limit (null)");
        } else {
          limit = number_field(l, ctx + ": bracket limit");
          if (last) err(l.pos, ctx + ": the last bracket must have limit null (no upper bound)");
          if (limit && *limit <= 0) err(l.pos, ctx + ": bracket limit " + num(*limit) + " must be > 0");
          if (limit && prev && *limit <= *prev)
            err(l.pos, ctx + ": bracket limits must increase, but " + num(*limit) + " follows " + num(*prev));
          if (limit) prev = limit;
        }
        auto rate = number_field(e.children[1], ctx + ": bracket rate");
        if (rate && (*rate < 0 || *rate > 1))
          err(e.children[1].pos, ctx + ": bracket rate is " + num(*rate) + ", expected a rate between 0 and 1");
        pt.brackets.emplace_back(limit, rate.value_or(0));
      }
    }
    sc_.taxes.payroll_tax = std::move(pt);
  }

  // ---- correlations and outputs (need every name) -------------------------------------

  void correlations(const YNode& n) {
    if (!expect(n, Kind::seq, "correlations") || too_many(n, "correlations")) return;
    std::vector<std::string> input_names;
    for (const auto& in : sc_.inputs) input_names.push_back(in.name);
    std::map<std::pair<std::string, std::string>, int> seen;
    for (const auto& e : n.children) {
      if (e.kind != Kind::seq || e.children.size() != 3) {
        err(e.pos, "correlations: expected [input_a, input_b, rho], got " + describe(e));
        continue;
      }
      Correlation c;
      c.pos = e.pos;
      bool ok = true;
      for (int k = 0; k < 2; ++k) {
        const YNode& x = e.children[static_cast<std::size_t>(k)];
        if (x.kind != Kind::scalar) {
          err(x.pos, "correlations: expected an input name, got " + describe(x));
          ok = false;
          continue;
        }
        (k == 0 ? c.a : c.b) = x.text;
        auto in = std::find_if(sc_.inputs.begin(), sc_.inputs.end(),
                               [&](const Input& i) { return i.name == x.text; });
        if (in == sc_.inputs.end()) {
          err(x.pos, "correlations: unknown input '" + x.text + "'" + suggestion(x.text, input_names));
          ok = false;
        } else if (!in->dist) {
          err(x.pos, "correlations: input '" + x.text +
                         "' is a fixed value; only uncertain inputs can be correlated");
          ok = false;
        } else if (in->each_month) {
          err(x.pos, "correlations: input '" + x.text +
                         "' is drawn every month (each: month); only inputs drawn once per path "
                         "can be correlated");
          ok = false;
        }
      }
      if (auto rho = number_field(e.children[2], "correlations: rho")) {
        if (*rho < -1 || *rho > 1) {
          err(e.children[2].pos, "correlations: rho is " + num(*rho) + ", expected a number between -1 and 1");
          ok = false;
        }
        c.rho = *rho;
      } else {
        ok = false;
      }
      if (!c.a.empty() && c.a == c.b) {
        err(e.pos, "correlations: '" + c.a + "' is correlated with itself");
        ok = false;
      }
      auto key = std::minmax(c.a, c.b);
      auto [it, inserted] = seen.emplace(std::pair{key.first, key.second}, e.pos.line);
      if (!inserted && !c.a.empty() && !c.b.empty()) {
        err(e.pos, "correlations: the pair '" + c.a + "', '" + c.b + "' is already given at line " +
                       std::to_string(it->second));
        ok = false;
      }
      if (ok) sc_.correlations.push_back(std::move(c));
    }
  }

  void outputs(const YNode& n) {
    if (!expect(n, Kind::map, "outputs")) return;
    sc_.outputs.pos = n.pos;
    check_keys(n, {"discount_rate", "breakeven_window", "quantiles", "series"}, "outputs");
    if (const YNode* d = find(n, "discount_rate"))
      if (auto v = number_field(*d, "outputs.discount_rate")) {
        if (*v <= -1) err(d->pos, "outputs.discount_rate is " + num(*v) + ", expected a yearly rate > -1");
        else sc_.outputs.discount_rate = *v;
      }
    if (const YNode* w = find(n, "breakeven_window")) {
      int hi = horizon_ok_ ? sc_.horizon : Limits::max_horizon;
      if (auto v = int_field(*w, "outputs.breakeven_window", 1, hi,
                             "a whole number of months between 1 and the horizon (" + std::to_string(hi) + ")"))
        sc_.outputs.breakeven_window = static_cast<int>(*v);
    }
    if (const YNode* q = find(n, "quantiles")) {
      if (q->kind != Kind::seq || q->children.empty()) {
        err(q->pos, "outputs.quantiles: expected a list of percentiles such as [5, 50, 95], got " + describe(*q));
      } else if (!too_many(*q, "outputs.quantiles")) {
        std::vector<double> qs;
        for (const auto& e : q->children)
          if (auto v = number_field(e, "outputs.quantiles")) {
            if (*v <= 0 || *v >= 100) err(e.pos, "outputs.quantiles: " + num(*v) + " is not a percentile strictly between 0 and 100");
            else qs.push_back(*v);
          }
        std::sort(qs.begin(), qs.end());
        qs.erase(std::unique(qs.begin(), qs.end()), qs.end());
        sc_.outputs.quantiles = qs;
      }
    }
    if (const YNode* s = find(n, "series")) {
      if (!expect(*s, Kind::seq, "outputs.series") || too_many(*s, "outputs.series")) return;
      std::vector<std::string> known = all_names();
      for (const auto& e : s->children) {
        if (e.kind != Kind::scalar) {
          err(e.pos, "outputs.series: expected a name, got " + describe(e));
          continue;
        }
        if (std::find(known.begin(), known.end(), e.text) == known.end()) {
          err(e.pos, "outputs.series: unknown name '" + e.text + "'" + suggestion(e.text, known) +
                         "; list series, inputs or items declared in the scenario");
          continue;
        }
        if (std::find(sc_.outputs.series.begin(), sc_.outputs.series.end(), e.text) ==
            sc_.outputs.series.end())
          sc_.outputs.series.push_back(e.text);
      }
    }
  }
};

/// The variants of a separate file (`variants: {name: {changes}}`, variants_file.hpp) added to
/// the scenario's own; a name declared twice is an error.
void add_file_variants(YNode& variants, std::vector<std::string>& names, const YNode& file_root, DiagnosticSink& sink) {
  if (variants.kind != Kind::map) variants.kind = Kind::map;
  for (const auto& c : file_root.children) {
    if (c.key != "variants") {
      sink.error(c.key_pos, "a variants file holds only 'variants:', not '" + c.key + "'");
      continue;
    }
    if (c.kind != Kind::map) {
      sink.error(c.pos, "variants: expected a mapping name: {changes}, got " + describe(c));
      continue;
    }
    for (const auto& v : c.children) {
      if (find(variants, v.key)) sink.error(v.key_pos, "variant '" + v.key + "' is already declared by the scenario");
      else if (v.kind != Kind::map) sink.error(v.pos, "variant '" + v.key + "': expected a mapping of changes, got " + describe(v));
      for (const char* k : {"variants", "extends", "amorce"})
        if (const YNode* x = find(v, k)) sink.error(x->key_pos, "variant '" + v.key + "': '" + k + "' cannot be changed by a variant");
      names.push_back(v.key);
      variants.children.push_back(v);
    }
  }
}

/// Extends resolved, the variants of `variant_files` added, then the variant and the patches
/// applied in order; returns the validated scenario.
Scenario load_impl(const std::string& text, const std::string& file, const std::string& variant,
                   const std::vector<YamlSource>& variant_files = {}, const std::vector<YamlSource>& patches = {}) {
  DiagnosticSink sink;
  std::vector<ChainLink> chain{{canonical_of(file), file}};
  YNode root = resolve_extends(text, file, chain, sink);
  sink.throw_if_any();  // merge problems (nothing to remove, duplicate keys, ...)

  std::vector<std::string> variant_names;
  auto vit = std::find_if(root.children.begin(), root.children.end(),
                          [](const YNode& c) { return c.key == "variants"; });
  YNode variants;
  if (vit != root.children.end()) {
    variants = std::move(*vit);
    root.children.erase(vit);
    if (variants.kind != Kind::map) {
      sink.error(variants.pos, "variants: expected a mapping name: {changes}, got " + describe(variants));
    } else {
      for (const auto& v : variants.children) {
        variant_names.push_back(v.key);
        if (v.kind != Kind::map) {
          sink.error(v.pos, "variant '" + v.key + "': expected a mapping of changes, got " + describe(v));
          continue;
        }
        for (const char* k : {"variants", "extends", "amorce"})
          if (const YNode* x = find(v, k))
            sink.error(x->key_pos, "variant '" + v.key + "': '" + k + "' cannot be changed by a variant");
      }
    }
  }
  for (const auto& src : variant_files) add_file_variants(variants, variant_names, parse_text(src.text, src.file, sink), sink);
  if (!variant.empty()) {
    const YNode* patch = find(variants, variant);
    if (!patch) {
      std::string msg = "unknown variant '" + variant + "'" + suggestion(variant, variant_names);
      msg += variant_names.empty() ? "; this scenario declares no variants"
                                   : "; variants of this scenario: " + join(variant_names);
      fatal(sink, SourcePos{file, 0, 0}, msg);
    }
    sink.throw_if_any();
    if (patch->kind == Kind::map) merge(root, *patch, sink);
  }
  for (const auto& src : patches) {  // changes given as the body of a variant (the what-if page)
    YNode patch = parse_text(src.text, src.file, sink);
    for (const char* k : {"variants", "extends", "amorce"})
      if (const YNode* x = find(patch, k)) sink.error(x->key_pos, std::string("'") + k + "' cannot be changed by a variant");
    sink.throw_if_any();
    merge(root, patch, sink);
  }
  sink.throw_if_any();

  Builder builder(sink);
  Scenario sc = builder.build(root);
  sink.throw_if_any();
  sc.file = file;
  sc.variant_names = std::move(variant_names);
  sc.applied_variant = variant;
  return sc;
}

}  // namespace

Scenario load_scenario(const std::string& path, const std::string& variant) {
  DiagnosticSink sink;
  std::string text = read_file(path, SourcePos{path, 0, 0}, sink);
  std::vector<YamlSource> files;  // variants saved beside the scenario (variants_file.hpp)
  std::error_code ec;
  if (const std::string vf = variants_file_path(path); !variant.empty() && fs::exists(vf, ec))
    files.push_back({read_file(vf, SourcePos{vf, 0, 0}, sink), vf});
  return load_impl(text, path, variant, files);
}

Scenario load_scenario_layers(const std::string& yaml_text, const std::string& file_name,
                              const std::vector<YamlSource>& variant_files, const std::string& variant,
                              const std::vector<YamlSource>& patches) {
  return load_impl(yaml_text, file_name, variant, variant_files, patches);
}

Scenario load_scenario_text(const std::string& yaml_text, const std::string& file_name,
                            const std::string& variant) {
  return load_impl(yaml_text, file_name, variant);
}

}  // namespace amorce
