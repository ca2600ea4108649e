// Demand-driven compilation (prune.hpp): a pruned Plan computes only what a run reads, and
// every value it still computes is bit-identical to the full Plan's. Checked on every bundled
// scenario (scenarios/ and bench/scenarios/) for a set of metrics run alone, and for the
// summary; and the work a single-metric run does is counted, so a regression of the pruning
// (a ledger line, a stage or an operation computed again) fails here.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "amorce/compile.hpp"
#include "amorce/load.hpp"
#include "amorce/metric.hpp"
#include "amorce/metrics_run.hpp"
#include "amorce/prune.hpp"
#include "amorce/run.hpp"

namespace {

using namespace amorce;
namespace fs = std::filesystem;

std::vector<std::string> bundled_scenarios() {
  std::vector<std::string> out;
  for (const char* dir : {"/scenarios", "/bench/scenarios"})
    for (const auto& e : fs::directory_iterator(std::string(AMORCE_SOURCE_DIR) + dir))
      if (e.path().extension() == ".yaml") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

/// Bitwise equality (NaN equals NaN of the same bits; +0 differs from -0).
bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

/// Metrics that between them read every kind of output: indicators, figures, flow lines,
/// P&L totals, cash lines, balance-sheet stocks, a series.
std::vector<std::string> metric_set(const Plan& plan) {
  std::vector<std::string> m = {"shortfall", "min_cash", "min_cash_month", "funding_need", "months_negative",
                                "cash_end", "npv", "breakeven_month", "breakeven_month_unsubsidised",
                                "min_cash_months", "cash@end", "cash@12", "revenue@12", "sum(costs)",
                                "ebitda@end", "net_result@end", "caf@end", "sum(cash_vat)", "sum(cash_payroll_tax)",
                                "sum(corporate_tax)", "net_result[0]", "largest_funder_share[0]",
                                "receivables_subsidies@end", "deferred_income@end", "fixed_assets@end",
                                "payables_taxes@end", "receivables_vat@end", "loans_outstanding@end",
                                "retained_results@end", "in_kind@end"};
  for (const auto& h : plan.hist_names)
    if (h.rfind("series:", 0) == 0) {
      m.push_back("sum(" + h.substr(7) + ")");
      break;
    }
  return m;
}

RunOptions small_run() {
  RunOptions ro;
  ro.paths = 700;  // more than one block on the larger scenarios
  ro.seed = 11;
  ro.threads = 1;
  ro.sampling = Sampling::mc;
  return ro;
}

TEST(Prune, EveryMetricAloneEqualsTheFullPlanBitForBit) {
  for (const auto& file : bundled_scenarios()) {
    SCOPED_TRACE(file);
    const Plan plan = compile(load_scenario(file));
    const auto texts = metric_set(plan);
    std::vector<Metric> ms;
    for (const auto& t : texts) ms.push_back(parse_metric(t, plan));
    // reference: the full Plan (a block hook with no stated demand computes everything)
    RunOptions full = small_run();
    full.summary = false;
    std::vector<std::vector<double>> ref(ms.size(), std::vector<double>(static_cast<std::size_t>(full.paths)));
    full.block_hook = [&](const BlockState& st, const Ledger& L, const PathResults& r, std::uint64_t first) {
      for (std::size_t k = 0; k < ms.size(); ++k) metric_values(ms[k], st, L, r, ref[k].data() + first);
    };
    RunResult fr = run_monte_carlo(plan, full);
    ASSERT_EQ(fr.work.ledger_lines, kLineCount);
    for (std::size_t k = 0; k < ms.size(); ++k) {
      SCOPED_TRACE(texts[k]);
      std::vector<double> v = run_metric(plan, ms[k], small_run());  // pruned to this metric
      ASSERT_EQ(v.size(), ref[k].size());
      std::size_t bad = 0;
      for (std::size_t i = 0; i < v.size(); ++i) bad += !same_bits(v[i], ref[k][i]);
      EXPECT_EQ(bad, 0u) << "paths differing from the full Plan";
    }
  }
}

TEST(Prune, SummaryOfThePrunedPlanEqualsTheFullPlans) {
  for (const auto& file : bundled_scenarios()) {
    SCOPED_TRACE(file);
    const Plan plan = compile(load_scenario(file));
    RunOptions pruned = small_run();
    RunResult a = run_monte_carlo(plan, pruned);
    RunOptions everything = pruned;
    everything.demand = Demand{};  // nothing pruned
    RunResult b = run_monte_carlo(plan, everything);
    EXPECT_LT(a.work.ledger_lines, b.work.ledger_lines) << "the summary reads no balance-sheet stock";
    EXPECT_EQ(run_summary_json(plan, a).dump(), run_summary_json(plan, b).dump());
  }
}

/// The peer (bench/scenarios/peer.yaml): no VAT, no corporate tax, no payroll tax.
TEST(Prune, SingleMetricRunComputesOnlyWhatItReads) {
  const Plan plan = compile(load_scenario(std::string(AMORCE_SOURCE_DIR) + "/bench/scenarios/peer.yaml"));
  const PlanWork full = plan_work(plan);
  ASSERT_EQ(full.ledger_lines, kLineCount);
  ASSERT_EQ(full.ledger_stages, kStageCount);

  // shortfall reads the cash line: the cash plan's stages, no P&L total, no stock, no figure
  const PlanWork cash = plan_work(prune(plan, metrics_demand(plan, {parse_metric("shortfall", plan)})));
  EXPECT_EQ(cash.indicators, 1);
  EXPECT_FALSE(cash.figures);
  // the 19 cash lines (cash, cash_in, cash_out and the 16 categories they sum) and the two
  // VAT lines the VAT settlement reads (vat_collected, vat_deductible) = 21 lines. The items'
  // stages write only those: no revenue, costs, variable costs, wages, charges, grant
  // income, investments, depreciation, grants awarded or released, interest (P&L) lines.
  // Not run: payroll tax and corporate tax (the peer has neither: their cash lines stay zero),
  // in-kind, the agreements' receivables. Stages: flows, staff, subsidies, investments,
  // loans, equity, VAT settlement.
  EXPECT_EQ(cash.ledger_lines, 21);
  EXPECT_EQ(cash.ledger_stages, 7);
  // the staff's FTE, gross pay and raise are recorded for the payroll tax alone
  EXPECT_LT(cash.monthly_ops, full.monthly_ops);
  EXPECT_LT(cash.history, full.history);

  // a series alone: one history entry and the operations it depends on, no ledger stage
  const PlanWork series = plan_work(prune(plan, metrics_demand(plan, {parse_metric("sum(new_customers)", plan)})));
  EXPECT_EQ(series.ledger_stages, 0);
  EXPECT_EQ(series.ledger_lines, 0);
  EXPECT_EQ(series.history, 1u);
  EXPECT_LT(series.monthly_ops * 4, full.monthly_ops);

  // a balance-sheet stock still gets what it needs
  const PlanWork stock = plan_work(prune(plan, metrics_demand(plan, {parse_metric("receivables_subsidies@end", plan)})));
  EXPECT_GE(stock.ledger_stages, 2);  // the grants' stage and the agreements' walk
}

TEST(Prune, DriversRunThePrunedPlan) {
  const Plan plan = compile(load_scenario(std::string(AMORCE_SOURCE_DIR) + "/bench/scenarios/peer.yaml"));
  RunOptions ro = small_run();
  std::mutex mu;
  PlanWork seen;
  bool pruned = false;
  // a hook that reads only input slots (as sensitivity's do) leaves the metric's demand alone
  ro.block_hook = [&](const BlockState& st, const Ledger&, const PathResults&, std::uint64_t) {
    std::lock_guard lk(mu);
    seen = plan_work(*st.plan);
    pruned = st.plan->live.pruned;
  };
  run_metric(plan, parse_metric("prob(shortfall)", plan), ro);  // solve, sensitivity, stress
  EXPECT_TRUE(pruned);
  EXPECT_EQ(seen.ledger_lines, 21);
  EXPECT_EQ(seen.indicators, 1);
  EXPECT_FALSE(seen.figures);

  // `run --metrics` and Python's Scenario.metrics
  RunOptions mo = small_run();
  MetricsRun mr = run_metrics(plan, {"cash@35"}, mo);
  EXPECT_EQ(mr.estimates.size(), 1u);
}

}  // namespace
