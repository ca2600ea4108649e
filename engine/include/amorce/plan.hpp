#pragma once
/// The compiled scenario: flat programs of vector operations over numbered slots, plus the
/// layout the ledger needs. Each operation runs as one tight loop over a block of paths, so
/// the expression language costs one dispatch per operation per block-month, not per path.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "amorce/scenario.hpp"

namespace amorce {

class FastQuantile;

enum class OpCode : std::uint8_t {
  constant, copy, add, sub, mul, div, pow, neg, lt, le, gt, ge, eq, ne, land, lor, lnot,
  select, min, max, clamp, abs, floor, ceil, round, exp, log, sqrt, sin, cos,
  month, year, calendar_month, ramp, scurve, between, season, grow,
  lag, cumsum, gate, sample, check_finite, granted
};

/// One vector operation: dst[i] = f(a[i], b[i], c[i]) for every path i of the block.
struct Instr {
  OpCode op = OpCode::constant;
  int dst = -1;
  int a = -1, b = -1, c = -1;
  double k = 0;        ///< constant operand (constant value, lag months)
  int aux = -1;        ///< sample spec, history index, season table...
  int owner = -1;      ///< index in Plan::owners, for error messages
};

/// A sampled input: law, parameter slots, and where its uniforms come from.
struct SampleSpec {
  std::string name;
  Law law = Law::uniform;
  std::vector<int> params, values, weights;  ///< slots
  int lo = -1, hi = -1, lambda = -1, base = -1;
  bool each_month = false;
  std::uint64_t key = 0;       ///< stream key (hash of the name)
  int uniform_row = -1;        ///< row in the per-path uniforms (once-per-path inputs)
  bool constant = false;       ///< all parameters are literal: fast inverse available
  std::shared_ptr<const FastQuantile> fast;
  std::vector<double> const_values, const_weights;
  double const_params[3] = {0, 0, 0};
  double const_lo = 0, const_hi = 0, const_lambda = 4;
};

struct FlowLine {  ///< a revenue or cost item
  std::string name, label, kind;
  int amount_hist = -1, paid_after = -1, vat_rate = -1;
  bool variable = false;
};

struct StaffPlan {
  std::string name, role, label;
  int wage_hist = -1, charges_hist = -1, fte_hist = -1, gross_hist = -1, raise_hist = -1;
  int from = -1, until = -1;
};

struct PaymentPlan {
  int begin = 0, end = 0;  ///< range in Plan::payment_prog
  int share = -1, at = -1;
};

struct SubsidyPlan {
  std::string name, label, kind, period;
  int amount_hist = -1, from = -1, until = -1, granted = -1;
  std::vector<PaymentPlan> payments;
};

struct InvestmentPlan {
  std::string name, label;
  int amount = -1, month = -1, life = -1, vat_rate = -1;
  bool has_grant = false;
  int grant_amount = -1, grant_share = -1, granted = -1;
  std::vector<PaymentPlan> payments;
};

struct LoanPlan {
  std::string name, label, type;
  int principal = -1, month = -1, rate = -1, term = -1, deferral = -1;
};

struct EquityPlan {
  std::string label;
  int amount = -1, month = -1;
};

struct CheckPlan {
  std::string name, text;
  int result = -1;
};

/// What a pruned Plan still computes (prune.hpp): the result of the liveness pass. A Plan
/// straight from compile() has `pruned == false` and computes everything.
struct Liveness {
  bool pruned = false;
  std::vector<char> lines;       ///< [Line]: the ledger computes this line
  std::vector<char> stages;      ///< [LedgerStage]: the ledger runs this stage
  std::vector<char> hist;        ///< [history entry]: run_month records it
  std::vector<char> indicators;  ///< [Indicator]: compute_results computes it
  bool figures = true;           ///< fiscal-year figures
  bool checks = true;            ///< the check program
  bool subsidy_income = true;    ///< per-grant recognised income (largest_funder_share)
  std::size_t monthly_ops_before = 0;  ///< size of the monthly program before pruning

  bool line(int l) const { return !pruned || lines[static_cast<std::size_t>(l)]; }
  bool stage(int s) const { return !pruned || stages[static_cast<std::size_t>(s)]; }
  bool history(std::size_t h) const { return !pruned || hist[h]; }
  bool indicator(int k) const { return !pruned || indicators[static_cast<std::size_t>(k)]; }
};

/// Everything compiled from a Scenario. Immutable once built; shared by all threads.
struct Plan {
  // calendar
  std::string name;
  std::string file;  ///< scenario file, for runtime error messages
  int horizon = 0, start_year = 0, start_month = 1, fiscal_year_start = 1;
  int year_offset = 0;  ///< (start_month - fiscal_year_start) mod 12
  int n_slots = 0;

  std::vector<Instr> static_prog;   ///< once per block: constants, inputs, static fields
  std::vector<Instr> monthly_prog;  ///< every month: series, items
  std::vector<Instr> payment_prog;  ///< grant payment share/at, run per agreement
  std::vector<Instr> check_prog;    ///< per fiscal year, on figure slots
  std::vector<SampleSpec> samples;
  std::vector<std::vector<double>> season_tables;
  std::vector<std::string> owners;

  // history: slots recorded every month (items, series) as [hist][month][path]
  std::vector<int> hist_slots;
  std::vector<std::string> hist_names;
  /// Per history entry: its slot is written before it is read every month (and not by the
  /// static program), so run_month lets the month's operations write straight into the
  /// history row instead of copying the slot there afterwards.
  std::vector<char> hist_direct;

  // inputs
  std::vector<std::string> input_names;
  std::vector<int> input_slots;
  std::vector<std::uint64_t> uniform_keys;  ///< per row of the per-path uniforms
  std::vector<std::string> uniform_names;
  struct Corr { int row_a, row_b; double rho; };
  std::vector<Corr> correlations;

  // payment context slots
  int start_slot = -1, end_slot = -1;

  // ledger layout
  std::vector<FlowLine> revenue, costs;
  std::vector<StaffPlan> staff;
  std::vector<SubsidyPlan> subsidies;
  std::vector<InvestmentPlan> investments;
  std::vector<LoanPlan> loans;
  std::vector<EquityPlan> equity;
  std::vector<std::pair<std::string, int>> in_kind;  ///< label, hist
  std::vector<std::pair<std::string, int>> series;   ///< name, hist (every named series)
  int opening_cash = -1;
  std::string vat_regime = "none";
  std::string vat_refund = "period";  ///< period | year | none
  int vat_refund_delay = -1;          ///< slot: months after the period's last month
  double vat_refund_min = 760, vat_refund_min_year = 150;
  int corporate_rate = -1;
  bool corporate_instalments = true;
  double corporate_instalment_threshold = 3000;
  bool has_payroll_tax = false;
  PayrollTax payroll_tax;
  std::vector<CheckPlan> checks;
  std::vector<std::string> figure_names;  ///< names usable in checks
  std::vector<int> figure_slots;
  Outputs outputs;
  SimulationDefaults simulation;
  Liveness live;  ///< set by prune(); everything computed otherwise
};

/// Index of the fiscal year of month m.
inline int fiscal_year_of(const Plan& p, int m) { return (m + p.year_offset) / 12; }

}  // namespace amorce
