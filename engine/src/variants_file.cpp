#include "amorce/variants_file.hpp"

#include <sys/stat.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace amorce {

namespace fs = std::filesystem;

std::string variants_file_path(const std::string& scenario_path) {
  fs::path p(scenario_path);
  const std::string ext = p.extension().string();
  if (ext == ".yaml" || ext == ".yml") p.replace_extension();
  return p.string() + ".variants.yaml";
}

std::optional<YamlSource> read_variants_file(const std::string& scenario_path) {
  const std::string path = variants_file_path(scenario_path);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  const SourcePos at{path, 0, 0};
  if (!S_ISREG(st.st_mode)) throw ScenarioError(at, "the variants file is not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError(at, "cannot read the variants file");
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > Limits::max_file_bytes)
      throw ScenarioError(at, "the variants file is too large (more than " + std::to_string(Limits::max_file_bytes) + " bytes)");
  }
  return YamlSource{std::move(text), path};
}

std::string variant_name_problem(const std::string& name) {
  if (name.empty()) return "a variant needs a name";
  if (name.size() > Limits::max_name_length)
    return "a variant name has at most " + std::to_string(Limits::max_name_length) + " characters";
  auto ok_first = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; };
  auto ok_rest = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  if (!ok_first(name[0])) return "'" + name + "': a variant name starts with a letter or '_'";
  for (char c : name)
    if (!ok_rest(c)) return "'" + name + "': use letters, digits and '_' only (no spaces, accents or dashes)";
  return "";
}

std::string append_variant_text(const std::string& existing, const std::string& scenario_path, const std::string& name,
                                const std::string& patch_yaml) {
  std::string out = existing;
  if (out.empty()) {
    out = "# Variants of " + fs::path(scenario_path).filename().string() +
          ", saved by the what-if page (amorce serve).\n"
          "# Same syntax as the scenario's own `variants:`; use them with --variant NAME.\n"
          "variants:\n";
  } else if (out.back() != '\n') {
    out += '\n';
  }
  out += "  " + name + ":\n";
  std::istringstream in(patch_yaml);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out += "    " + line + "\n";
  return out;
}

}  // namespace amorce
