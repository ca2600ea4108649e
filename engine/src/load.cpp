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

#include "amorce/variants_file.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "load_builder.hpp"

namespace amorce {
namespace {

using namespace load_detail;
namespace fs = std::filesystem;

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
      sink.error(variants.pos,
                 "variants: expected a mapping name: {changes}, got " + describe(variants));
    } else {
      for (const auto& v : variants.children) {
        variant_names.push_back(v.key);
        if (v.kind != Kind::map) {
          sink.error(v.pos,
                     "variant '" + v.key + "': expected a mapping of changes, got " + describe(v));
          continue;
        }
        for (const char* k : {"variants", "extends", "amorce"})
          if (const YNode* x = find(v, k))
            sink.error(x->key_pos,
                       "variant '" + v.key + "': '" + k + "' cannot be changed by a variant");
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
