#include "amorce/quantile_cache.hpp"

namespace amorce {

std::shared_ptr<const FastQuantile> QuantileCache::get(const LawParams& law) {
  std::vector<double> key = {static_cast<double>(law.law), law.p[0], law.p[1], law.p[2], law.lo, law.hi, law.lambda,
                             static_cast<double>(law.n_values), law.weights ? 1.0 : 0.0};
  for (int i = 0; i < law.n_values; ++i) {
    key.push_back(law.values[i]);
    if (law.weights) key.push_back(law.weights[i]);
  }
  {
    std::lock_guard lk(mu_);
    if (auto it = tables_.find(key); it != tables_.end()) return it->second;
  }
  auto table = std::make_shared<const FastQuantile>(law);  // built outside the lock
  std::lock_guard lk(mu_);
  if (tables_.size() >= kMaxEntries) tables_.clear();
  tables_.emplace(std::move(key), table);
  return table;
}

}  // namespace amorce
