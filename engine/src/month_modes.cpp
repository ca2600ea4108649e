#include "amorce/month_modes.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace amorce {

std::vector<MonthPeriod> month_modes(const double* months, std::size_t n, int horizon, std::size_t max_periods,
                                     double min_share, double spread) {
  std::vector<MonthPeriod> out;
  if (n == 0 || horizon <= 0) return out;
  std::vector<std::uint64_t> count(static_cast<std::size_t>(horizon), 0);
  for (std::size_t i = 0; i < n; ++i) {
    const double m = months[i];
    if (std::isnan(m) || m < 0 || m >= horizon) continue;
    ++count[static_cast<std::size_t>(m)];
  }
  std::vector<char> taken(count.size(), 0);
  while (out.size() < max_periods) {
    int peak = -1;
    for (int m = 0; m < horizon; ++m)
      if (!taken[m] && count[m] > 0 && (peak < 0 || count[m] > count[peak])) peak = m;
    if (peak < 0) break;
    const double floor = spread * static_cast<double>(count[peak]);
    int lo = peak, hi = peak;
    while (lo > 0 && !taken[lo - 1] && count[lo - 1] > 0 && static_cast<double>(count[lo - 1]) >= floor) --lo;
    while (hi + 1 < horizon && !taken[hi + 1] && count[hi + 1] > 0 && static_cast<double>(count[hi + 1]) >= floor) ++hi;
    std::uint64_t sum = 0;
    for (int m = lo; m <= hi; ++m) {
      sum += count[m];
      taken[m] = 1;
    }
    const double share = static_cast<double>(sum) / static_cast<double>(n);
    if (out.empty() || share >= min_share) out.push_back({lo, hi, share});
  }
  std::stable_sort(out.begin(), out.end(), [](const MonthPeriod& a, const MonthPeriod& b) { return a.share > b.share; });
  return out;
}

}  // namespace amorce
