#pragma once
/// The month of minimum cash is often bimodal (before the first grant payment, or at the end
/// of a lean year): a median month would name a month in between that few paths ever see.
/// These are the two or three most likely periods instead, each with its share of paths.
#include <cstddef>
#include <vector>

namespace amorce {

/// Months [first, last] holding `share` of the paths.
struct MonthPeriod {
  int first = 0, last = 0;
  double share = 0;
};

/// Most likely periods of a per-path month column (NaN = absent, ignored; shares are of all
/// `n` paths). Greedy: the most frequent month not yet covered grows into the contiguous run
/// of months each holding at least `spread` times its count; periods below `min_share` are
/// dropped, except the first. Sorted by share, largest first; at most `max_periods`.
std::vector<MonthPeriod> month_modes(const double* months, std::size_t n, int horizon, std::size_t max_periods = 3,
                                     double min_share = 0.05, double spread = 0.05);

}  // namespace amorce
