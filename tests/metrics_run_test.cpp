// `run --metrics` (metrics_run.hpp): a metrics-only run skips the summary's statistics but
// must give bit-identical metric values to a full run with the same seed, and drivers
// (run_metric) use that mode.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "amorce/compile.hpp"
#include "amorce/load.hpp"
#include "amorce/metric.hpp"
#include "amorce/metrics_run.hpp"
#include "amorce/run.hpp"

namespace {

using namespace amorce;

TEST(MetricsRun, SplitsAtTopLevelCommasOnly) {
  auto v = split_metric_list("shortfall, quantile(min_cash, 0.1),cash@end , net_result[2028]");
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0], "shortfall");
  EXPECT_EQ(v[1], "quantile(min_cash, 0.1)");
  EXPECT_EQ(v[2], "cash@end");
  EXPECT_EQ(v[3], "net_result[2028]");
  EXPECT_THROW(split_metric_list(""), std::invalid_argument);
  EXPECT_THROW(split_metric_list("shortfall,,min_cash"), std::invalid_argument);
}

TEST(MetricsRun, SameValuesAsTheFullRunForEveryMetric) {
  const Plan plan = compile(load_scenario(std::string(AMORCE_SOURCE_DIR) + "/scenarios/garage_solidaire_aci.yaml"));
  const std::vector<std::string> texts = {"shortfall",       "prob(min_cash < 0)", "min_cash",       "p90(funding_need)",
                                          "cash@end",        "net_result[0]",      "sum(revenue)",   "sd(npv)",
                                          "breakeven_month", "quantile(min_cash, 0.25)"};
  RunOptions ro;
  ro.paths = 1500;  // several blocks
  ro.seed = 5;
  ro.threads = 2;
  MetricsRun fast = run_metrics(plan, texts, ro);
  ASSERT_EQ(fast.estimates.size(), texts.size());
  for (std::size_t k = 0; k < texts.size(); ++k) {
    // the same metric through a full run (summary statistics on: result requested)
    Metric m = parse_metric(texts[k], plan);
    RunResult full;
    Estimate e = estimate_metric(m, run_metric(plan, m, ro, &full));
    ASSERT_FALSE(full.series.empty()) << "the full run kept its summary";
    if (std::isnan(e.value)) {
      EXPECT_TRUE(std::isnan(fast.estimates[k].value)) << texts[k];
    } else {
      EXPECT_EQ(fast.estimates[k].value, e.value) << texts[k];  // bit-identical
      EXPECT_EQ(fast.estimates[k].se, e.se) << texts[k];
    }
  }
}

TEST(MetricsRun, SummaryOffSkipsEveryStatistic) {
  const Plan plan = compile(load_scenario(std::string(AMORCE_SOURCE_DIR) + "/scenarios/tiers_lieu_rural.yaml"));
  RunOptions ro;
  ro.paths = 600;
  ro.seed = 3;
  RunResult full = run_monte_carlo(plan, ro);
  ro.summary = false;
  RunResult lean = run_monte_carlo(plan, ro);
  EXPECT_TRUE(lean.series.empty());
  for (const auto& sk : lean.figure_sketches) EXPECT_EQ(sk.count(), 0u);
  for (auto c : lean.negative_cash) EXPECT_EQ(c, 0u);
  // indicators are computed all the same, identically
  ASSERT_EQ(lean.indicators.size(), full.indicators.size());
  for (std::size_t i = 0; i < lean.indicators.size(); ++i) {
    const double a = lean.indicators[i], b = full.indicators[i];
    EXPECT_TRUE((std::isnan(a) && std::isnan(b)) || a == b) << i;
  }
}

TEST(MetricsRun, UnknownMetricIsAnInvalidArgument) {
  const Plan plan = compile(load_scenario(std::string(AMORCE_SOURCE_DIR) + "/scenarios/tiers_lieu_rural.yaml"));
  RunOptions ro;
  ro.paths = 64;
  EXPECT_THROW(run_metrics(plan, {"shortfal"}, ro), std::invalid_argument);
}

}  // namespace
