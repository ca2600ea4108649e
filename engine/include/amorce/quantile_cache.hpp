#pragma once
/// Fast inverse tables (FastQuantile) take thousands of exact quantiles each to build: most of a
/// compile's time. The what-if server (serve.hpp) recompiles the scenario after every change of
/// one number, so it hands compile() a cache that gives back the tables of laws whose parameters
/// are unchanged. A table depends only on the law's parameters, so a cached one is the one a fresh
/// compile would build: results are identical with or without the cache.
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "amorce/distributions.hpp"

namespace amorce {

class QuantileCache {
 public:
  /// The table of `law` (built on a miss; throws as FastQuantile does). Thread-safe.
  std::shared_ptr<const FastQuantile> get(const LawParams& law);

 private:
  static constexpr std::size_t kMaxEntries = 1024;  ///< cleared when full (a table is ~30 KB)
  std::mutex mu_;
  std::map<std::vector<double>, std::shared_ptr<const FastQuantile>> tables_;
};

}  // namespace amorce
