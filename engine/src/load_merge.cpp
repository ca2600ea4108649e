/// Deep merge of YAML trees, used by `extends` and `variants` (rules in load.cpp's header
/// comment and docs/scenario-format.md).
#include <algorithm>
#include <filesystem>

#include "load_tree.hpp"

namespace amorce::load_detail {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------
// Deep merge (extends and variants)
// ---------------------------------------------------------------------------------------

std::optional<std::string> identity(const YNode& n) {
  if (n.kind != Kind::map) return std::nullopt;
  for (const char* k : {"name", "role"})
    if (const YNode* id = find(n, k); id && id->kind == Kind::scalar) return id->text;
  return std::nullopt;
}

bool is_true(const YNode* n) {
  return n && n->kind == Kind::scalar && n->text == "true";
}

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

}  // namespace amorce::load_detail
