// One libFuzzer target: fuzz/CMakeLists.txt builds this file once per property, naming it in
// AMORCE_FUZZ_TARGET ("scenario", "expr", "metric", "cli").
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "properties.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const amorce::fuzz::Property property = amorce::fuzz::property_of(AMORCE_FUZZ_TARGET);
  std::string v = property(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!v.empty()) {
    std::fprintf(stderr, "amorce fuzz (%s): property violated: %s\n", AMORCE_FUZZ_TARGET, v.c_str());
    std::abort();  // libFuzzer saves the input as crash-<sha1>
  }
  return 0;
}
