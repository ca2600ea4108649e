// The YAML examples of docs/user-guide.md and docs/scenario-format.md run as written.
//
// Convention (stated in both documents, section "Examples in this document"):
//   - a ```yaml block whose first line starts with `amorce: 1` or `extends:` is a whole
//     scenario;
//   - any other ```yaml block is a fragment of the bundled garage: it is applied on top of
//     scenarios/garage_solidaire_aci.yaml, as if it began with
//     `extends: garage_solidaire_aci.yaml`, so every name it uses must exist in the garage
//     or in the block itself;
//   - a block that shows a mistake is written ```text, not ```yaml.
// Each block is loaded as a file of scenarios/ (so `extends: lib/france-2026.yaml` works),
// compiled, and its base case computed; a block that declares `variants:` is also run with
// each variant of the result.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "amorce/base_case.hpp"
#include "amorce/compile.hpp"
#include "amorce/error.hpp"
#include "amorce/load.hpp"

namespace {

using namespace amorce;

const std::string kSource = AMORCE_SOURCE_DIR;

struct Block {
  int line = 0;  ///< line of the opening ``` in the document
  std::string text;
};

std::vector<Block> yaml_blocks(const std::string& doc) {
  std::ifstream in(kSource + "/" + doc);
  std::vector<Block> blocks;
  std::string line;
  int n = 0;
  Block* open = nullptr;
  while (std::getline(in, line)) {
    ++n;
    if (!open && line == "```yaml") {
      blocks.push_back({n, ""});
      open = &blocks.back();
    } else if (open && line.rfind("```", 0) == 0) {
      open = nullptr;
    } else if (open) {
      open->text += line + "\n";
    }
  }
  EXPECT_EQ(open, nullptr) << doc << ": unclosed ```yaml block";
  return blocks;
}

bool whole_scenario(const std::string& text) {
  return text.rfind("amorce: 1", 0) == 0 || text.rfind("extends:", 0) == 0;
}

/// Loads, compiles and runs the base case of `text` (and of each of its variants when the
/// block declares some); returns "" or the error, with the document's line numbers.
std::string run_block(const std::string& doc, const Block& b) {
  bool whole = whole_scenario(b.text);
  std::string text = whole ? b.text : "extends: garage_solidaire_aci.yaml\n" + b.text;
  int offset = b.line - (whole ? 0 : 1);  // file line + offset = document line
  std::string file = kSource + "/scenarios/doc_example.yaml";
  std::vector<std::string> variants{""};
  try {
    Scenario sc = load_scenario_text(text, file);
    if (b.text.find("variants:") != std::string::npos)
      variants.insert(variants.end(), sc.variant_names.begin(), sc.variant_names.end());
    for (const auto& v : variants) {
      Scenario s = load_scenario_text(text, file, v);
      run_base_case(compile(s));
    }
  } catch (const ScenarioError& e) {
    std::ostringstream os;
    for (const auto& d : e.diagnostics()) {
      os << doc << ":";
      if (d.pos.file == file) os << d.pos.line + offset;
      else os << "(" << d.pos.file << ":" << d.pos.line << ")";
      os << ": " << d.message << "\n";
    }
    return os.str();
  } catch (const std::exception& e) {
    return doc + ":" + std::to_string(b.line) + ": " + e.what();
  }
  return "";
}

void check_document(const std::string& doc, std::size_t at_least) {
  auto blocks = yaml_blocks(doc);
  EXPECT_GE(blocks.size(), at_least) << doc;
  for (const auto& b : blocks) {
    SCOPED_TRACE(doc + ":" + std::to_string(b.line));
    EXPECT_EQ(run_block(doc, b), "") << b.text;
  }
}

TEST(Docs, UserGuideExamplesRun) { check_document("docs/user-guide.md", 10); }

TEST(Docs, ScenarioFormatExamplesRun) { check_document("docs/scenario-format.md", 10); }

/// The README points at the format reference inside the repository.
TEST(Docs, ReadmeLinksTheFormatReference) {
  std::ifstream in(kSource + "/README.md");
  std::string readme((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(readme.find("(docs/scenario-format.md)"), std::string::npos);
  EXPECT_EQ(readme.find("shared specification"), std::string::npos);
}

}  // namespace
