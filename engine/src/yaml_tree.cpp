/// Reading one scenario file into the owned YAML tree: size and encoding checks, yaml-cpp
/// parsing with bounded aliases and nesting, decimal commas caught, item lists normalised.
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

#include "amorce/load_hints.hpp"
#include "load_tree.hpp"

namespace amorce::load_detail {

namespace fs = std::filesystem;

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
    case Kind::null:
      return "nothing";
    case Kind::scalar:
      return "'" + n.text + "'";
    case Kind::seq:
      return "a list";
    case Kind::map:
      return "a mapping (key: value)";
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

std::string join(const std::vector<std::string>& v, const char* sep) {
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
          st.sink.error(kpos, "key '" + k.Scalar() +
                                  "' appears twice in the same mapping (first at line " +
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
    fatal(sink, where,
          "cannot read '" + path +
              "': not a regular file (a device, FIFO or socket); give a scenario file");
  std::ifstream in(path, std::ios::binary);
  if (!in) fatal(sink, where, "cannot open '" + path + "'");
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > Limits::max_file_bytes)
      fatal(sink, where,
            "'" + path + "' is too large (more than " + std::to_string(Limits::max_file_bytes) +
                " bytes)");
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
    return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) {
      return std::isdigit(static_cast<unsigned char>(c)) || c == '_' || c == '.';
    });
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
      std::size_t first =
          static_cast<std::size_t>(std::find(glued.begin(), glued.end(), true) - glued.begin());
      const YNode& a = n.children[first - 1];
      std::string msg = "'" + a.text + "," + n.children[first].text + "' reads as two values " +
                        a.text + " and " + n.children[first].text +
                        " (',' separates list items): decimals take a point: ";
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
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                const std::string&) override {
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
      fatal(sink, SourcePos{file, h->line, h->column},
            "YAML syntax error (" + e.msg + "): " + h->hint);
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

}  // namespace amorce::load_detail
