// Replays every input the fuzzers ever found (tests/data/fuzz/<target>/) through the fuzz
// property (fuzz/properties.hpp) with the compiler of this build, so a regression is caught
// without clang; under the asan preset the sanitizers also watch the replay.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "properties.hpp"

namespace fs = std::filesystem;
using amorce::fuzz::property_of;

namespace {

const fs::path kData = fs::path(AMORCE_SOURCE_DIR) / "tests" / "data";

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Runs the target's property on every file of `dir`; returns how many were replayed.
int replay(const std::string& target, const fs::path& dir) {
  auto property = property_of(target);
  EXPECT_NE(property, nullptr) << target;
  if (!property || !fs::is_directory(dir)) return 0;
  int n = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    EXPECT_EQ(property(read_bytes(entry.path())), "") << entry.path();
    ++n;
  }
  return n;
}

}  // namespace

TEST(FuzzRegression, EveryFoundInputSatisfiesTheProperty) {
  int n = 0;
  for (const char* target : {"scenario", "expr", "metric", "cli"}) {
    SCOPED_TRACE(target);
    n += replay(target, kData / "fuzz" / target);
  }
  EXPECT_GT(n, 0) << "no input replayed: is tests/data/fuzz/ there?";
}

// The malformed scenarios of the loader tests are rejected the way the property demands:
// ScenarioError with file:line:column on every diagnostic.
TEST(FuzzRegression, MalformedScenariosAreRejectedWithPositions) {
  EXPECT_GT(replay("scenario", kData / "malformed"), 40);
}

// User errors are accepted rejections, for each kind of input.
TEST(FuzzRegression, UserErrorsSatisfyTheProperty) {
  EXPECT_EQ(property_of("expr")("1 +"), "");  // ScenarioError at the expression's position
  EXPECT_EQ(property_of("metric")("cash@"), "");
  EXPECT_EQ(property_of("nonexistent"), nullptr);
  // the command line: what the parser rejects (exit 2) and a bad --metric value
  EXPECT_EQ(property_of("cli")("run\n--paths\n0"), "");
  EXPECT_EQ(property_of("cli")("sensitivity\nf.yaml\n--metric\nprob(nonsense)"), "");
}
