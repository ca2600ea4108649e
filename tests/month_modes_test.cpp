// The most likely periods of the month of minimum cash (month_modes.hpp): hand-built
// distributions whose periods and shares are known exactly (counts / n, no tolerance beyond
// double rounding).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "amorce/month_modes.hpp"

namespace {

using amorce::month_modes;

std::vector<double> column(const std::vector<std::pair<int, int>>& month_counts) {
  std::vector<double> x;
  for (auto [m, k] : month_counts)
    for (int i = 0; i < k; ++i) x.push_back(m);
  return x;
}

TEST(MonthModes, BimodalGivesTwoPeriodsNotTheMonthBetween) {
  // 600 paths in months 2-4 (100, 400, 100), 400 paths in months 30-31 (300, 100): the median
  // month would be 4, the periods are [2, 4] 60 % and [30, 31] 40 %.
  auto x = column({{2, 100}, {3, 400}, {4, 100}, {30, 300}, {31, 100}});
  auto p = month_modes(x.data(), x.size(), 36);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].first, 2);
  EXPECT_EQ(p[0].last, 4);
  EXPECT_DOUBLE_EQ(p[0].share, 0.6);
  EXPECT_EQ(p[1].first, 30);
  EXPECT_EQ(p[1].last, 31);
  EXPECT_DOUBLE_EQ(p[1].share, 0.4);
}

TEST(MonthModes, SmallPeriodsDroppedAndAtMostThree) {
  // four separate clusters: 50 %, 30 %, 17 %, 3 %: the 3 % one is below min_share (5 %)
  auto x = column({{0, 500}, {10, 300}, {20, 170}, {40, 30}});
  auto p = month_modes(x.data(), x.size(), 48);
  ASSERT_EQ(p.size(), 3u);
  EXPECT_DOUBLE_EQ(p[0].share, 0.5);
  EXPECT_DOUBLE_EQ(p[1].share, 0.3);
  EXPECT_DOUBLE_EQ(p[2].share, 0.17);
  auto two = month_modes(x.data(), x.size(), 48, 2);
  EXPECT_EQ(two.size(), 2u);
}

TEST(MonthModes, ThinTailsStopAPeriod) {
  // the peak month 10 has 1000 paths; month 11 has 40 (< 5 % of 1000) so it starts its own
  // period, which is then below 5 % of the paths and dropped
  auto x = column({{10, 1000}, {11, 40}});
  auto p = month_modes(x.data(), x.size(), 24);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].first, 10);
  EXPECT_EQ(p[0].last, 10);
  EXPECT_DOUBLE_EQ(p[0].share, 1000.0 / 1040.0);
}

TEST(MonthModes, NanAndOutOfRangeIgnoredButCountedInShares) {
  std::vector<double> x = {5, 5, 5, NAN, -1, 99};
  auto p = month_modes(x.data(), x.size(), 12);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_DOUBLE_EQ(p[0].share, 0.5);
  EXPECT_TRUE(month_modes(x.data(), 0, 12).empty());
}

}  // namespace
