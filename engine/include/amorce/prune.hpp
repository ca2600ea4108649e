#pragma once
/// Demand-driven compilation: load -> compile -> **prune** -> evaluate -> accumulate.
///
/// A run states what it must produce (a `Demand`: the summary's indicators, figures, bands
/// and checks, or only the metrics a driver asked for). `prune` works backwards from those
/// outputs (liveness over the ledger's lines and stages, then over the monthly program's
/// slots and history entries) and returns a copy of the Plan that computes only them.
/// Every value it still computes is bit-identical to the full Plan's: pruning removes
/// operations, it never reorders or rewrites them. One consequence: a domain error (division
/// by zero, a NaN) in a quantity nobody reads is no longer raised.
#include <cstddef>
#include <vector>

#include "amorce/ledger.hpp"
#include "amorce/plan.hpp"
#include "amorce/results.hpp"

namespace amorce {

struct Metric;

/// What a run must produce. The default demands everything (nothing is pruned).
struct Demand {
  bool everything = true;
  std::vector<char> indicators = std::vector<char>(kIndicatorCount, 0);  ///< [Indicator]
  std::vector<char> lines = std::vector<char>(kLineCount, 0);            ///< ledger lines read directly
  std::vector<char> hist;  ///< history entries read directly (sized on demand)
  bool figures = false;    ///< fiscal-year figures
  bool checks = false;     ///< the scenario's checks (need the figures)

  /// Adds everything `other` demands.
  void add(const Demand& other);
  void add_line(Line l) { lines[static_cast<std::size_t>(l)] = 1; }
  void add_hist(int h);
  void add_indicator(Indicator k) { indicators[static_cast<std::size_t>(k)] = 1; }
};

/// Nothing yet: add what the run reads.
Demand empty_demand();

/// What the full summary of `amorce run` reads: every indicator, the fiscal-year figures,
/// the checks, the monthly bands (cash, revenue, subsidies, ebitda, net_result and the
/// scenario's `outputs.series`). Not the balance-sheet stocks, which no summary output reads.
Demand summary_demand(const Plan& plan);

/// What the metrics read (metric.hpp): an indicator, the figures, a line or a series.
Demand metrics_demand(const Plan& plan, const std::vector<Metric>& metrics);

/// The Plan that computes `demand` and nothing else (`demand.everything`: a copy of `plan`).
Plan prune(const Plan& plan, const Demand& demand);

/// What a (pruned) Plan computes, for tests and benchmarks.
struct PlanWork {
  int ledger_lines = 0;          ///< ledger lines computed
  int ledger_stages = 0;         ///< ledger stages run
  std::size_t monthly_ops = 0;   ///< operations of the monthly program
  std::size_t history = 0;       ///< history entries recorded every month
  int indicators = 0;            ///< indicators computed
  bool figures = false;          ///< fiscal-year figures computed
};
PlanWork plan_work(const Plan& plan);

}  // namespace amorce
