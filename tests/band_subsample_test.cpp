// The monthly bands' and figures' quantiles come from the first RunOptions::band_paths paths
// (docs/json-schema.md, "Accuracy contract"): tested against an exact sort of every path.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "amorce/compile.hpp"
#include "amorce/load.hpp"
#include "amorce/run.hpp"

namespace {

using namespace amorce;

Plan peer() { return compile(load_scenario(std::string(AMORCE_SOURCE_DIR) + "/bench/scenarios/peer.yaml")); }

TEST(BandSubsample, QuantilesWithinTheContractOfAnExactSortOfAllPaths) {
  const Plan plan = peer();
  RunOptions ro;
  ro.paths = 20000;
  ro.seed = 3;
  ro.threads = 2;
  ro.sampling = Sampling::mc;
  ro.keep_paths = true;  // every path's monthly cash: the exact reference
  ro.band_paths = 2048;
  RunResult r = run_monte_carlo(plan, ro);
  ASSERT_EQ(r.series_names[0], "cash");
  const std::size_t N = 20000, M = 2048;
  const int H = plan.horizon;
  const auto& pcts = plan.outputs.quantiles;
  const auto q = r.series[0].quantiles(pcts);
  const double eps = r.series[0].rank_error_bound();
  ASSERT_LT(eps, 0.01);
  int checked = 0;
  std::vector<double> col(N);
  for (int m = 0; m < H; ++m) {
    for (std::size_t i = 0; i < N; ++i) col[i] = r.kept_cash[i * H + m];
    std::sort(col.begin(), col.end());
    for (std::size_t k = 0; k < pcts.size(); ++k) {
      const double p = pcts[k] / 100, x = q[k][m];
      // rank of x among all paths, as an interval [below, at or below] (ties)
      const double lo = static_cast<double>(std::lower_bound(col.begin(), col.end(), x) - col.begin()) / N;
      const double hi = static_cast<double>(std::upper_bound(col.begin(), col.end(), x) - col.begin()) / N;
      // the subsample's sampling error (finite population), 4.5 standard deviations
      const double sd = std::sqrt(p * (1 - p) * (1 - static_cast<double>(M) / N) / M);
      const double tol = eps + 4.5 * sd + 1.0 / M;
      EXPECT_LE(lo, p + tol) << "month " << m << " p" << pcts[k];
      EXPECT_GE(hi, p - tol) << "month " << m << " p" << pcts[k];
      ++checked;
    }
  }
  EXPECT_EQ(checked, H * static_cast<int>(pcts.size()));
}

TEST(BandSubsample, MeansUseAllPathsAndSmallRunsAreUnchanged) {
  const Plan plan = peer();
  RunOptions a;
  a.paths = 3000;
  a.seed = 9;
  a.threads = 1;
  a.band_paths = 1000;
  RunOptions b = a;
  b.band_paths = 0;  // every path
  RunOptions c = a;
  c.band_paths = 3000;  // as many as the run: the same as every path
  RunResult ra = run_monte_carlo(plan, a), rb = run_monte_carlo(plan, b), rc = run_monte_carlo(plan, c);
  EXPECT_EQ(ra.series[0].mean(), rb.series[0].mean());  // bit for bit: moments over all paths
  EXPECT_EQ(ra.series[0].sd(), rb.series[0].sd());
  EXPECT_EQ(ra.series[0].count(), 3000u);
  EXPECT_NE(ra.series[0].quantiles({50}), rb.series[0].quantiles({50}));  // the subsample did change them
  EXPECT_EQ(run_summary_json(plan, rb).dump(), run_summary_json(plan, rc).dump());
  EXPECT_EQ(run_summary_json(plan, ra)["monthly"]["quantile_paths"], 1000);
}

}  // namespace
