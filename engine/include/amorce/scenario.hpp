#pragma once
/// The validated scenario: plain data produced by the loader (see docs/scenario-format.md).
/// Every number field is kept as expression text with its source position; the compiler
/// (compile.hpp) turns them into a Plan. `extends` and `variants` are already resolved.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "amorce/error.hpp"

namespace amorce {

/// A number field: a literal ("45_000") or an expression ("0.05 * labour"), with its position.
struct Expr {
  std::string text;
  SourcePos pos;
};

/// Sampling law of an uncertain input (spec section 2).
enum class Law {
  uniform,     // params: a, b
  triangular,  // params: min, mode, max
  pert,        // params: min, mode, max ; lambda
  normal,      // params: mean, sd ; optional min/max truncation
  lognormal,   // params: mean, sd of the variable itself
  between,     // params: p5, p95 (lognormal when both > 0, else normal)
  beta,        // params: alpha, beta ; optional min/max scaling (default [0,1])
  gamma,       // params: shape, scale
  poisson,     // params: mean
  binomial,    // params: n, p
  bernoulli,   // params: p
  discrete,    // values ; weights
  empirical,   // values
};

struct Distribution {
  Law law = Law::uniform;
  std::vector<Expr> params;   ///< positional parameters, in the order listed in Law
  std::vector<Expr> values;   ///< discrete / empirical values
  std::vector<Expr> weights;  ///< discrete weights (same length as values)
  std::optional<Expr> min, max, lambda, base;
};

/// An input: a fixed value (expression of earlier inputs) or a distribution.
struct Input {
  std::string name;
  SourcePos pos;
  std::optional<Expr> fixed;        ///< set for fixed inputs
  std::optional<Distribution> dist; ///< set for uncertain inputs
  bool each_month = false;          ///< fresh draw every month
  std::string label, unit;
};

struct Correlation {
  std::string a, b;
  double rho = 0;
  SourcePos pos;
};

/// A named monthly quantity.
struct Series {
  std::string name;
  SourcePos pos;
  Expr expr;
  std::string label;
};

/// Fields shared by every item: name, label, monthly amount and activity window.
struct ItemBase {
  std::string name;
  std::string label;
  SourcePos pos;
  Expr amount;
  std::optional<Expr> from, until;  ///< months, until excluded
};

struct RevenueItem : ItemBase {
  std::optional<Expr> vat_rate;    ///< default vat.default_rate
  std::optional<Expr> paid_after;  ///< months of customer credit, default 0
  std::string kind = "sales";      ///< sales | services | other
};

struct CostItem : ItemBase {
  std::optional<Expr> vat_rate;
  std::optional<Expr> paid_after;
  std::string behaviour = "fixed";  ///< fixed | variable
};

struct StaffLine {
  std::string name;  ///< `name:` if given, else derived from the role (name_from_role)
  std::string role;
  std::string label;
  SourcePos pos;
  Expr fte, gross_monthly, employer_rate;
  std::optional<Expr> raise;
  std::optional<Expr> from, until;
};

/// One payment of a grant: `share` of the agreement paid at month `at`, an expression in
/// which `start` (first month covered) and `end` (month after the last covered) are bound.
struct Payment {
  Expr share;
  Expr at;
  SourcePos pos;
};

struct Subsidy : ItemBase {
  std::string period = "year";  ///< year | once | month
  std::optional<Expr> granted;  ///< probability or input, decided once per path (default 1)
  std::vector<Payment> payments; ///< default: one payment of share 1 at `start`
  std::string kind = "operating"; ///< operating | job
};

struct InvestmentGrant {
  std::optional<Expr> amount;  ///< either amount ...
  std::optional<Expr> share;   ///< ... or share of the investment
  std::optional<Expr> granted;
  std::vector<Payment> payments;  ///< start = month of purchase, end = month + 1
  SourcePos pos;
};

struct Investment {
  std::string name, label;
  SourcePos pos;
  Expr amount, month, life;
  std::optional<Expr> vat_rate;
  std::optional<InvestmentGrant> grant;
};

struct EquityContribution {
  Expr amount, month;
  std::string label;
  SourcePos pos;
};

struct Loan {
  std::string name, label;
  SourcePos pos;
  Expr principal, month, rate, term;
  std::optional<Expr> deferral;
  std::string type = "annuity";  ///< annuity | linear | bullet
};

struct Financing {
  std::optional<Expr> opening_cash;
  std::vector<EquityContribution> equity;
  std::vector<Loan> loans;
};

struct Vat {
  std::string regime = "none";  ///< none | monthly | quarterly
  std::optional<Expr> default_rate;  ///< default 0.20
  /// Refund of a VAT credit (art. 242-0 C annexe II CGI): period | year | none.
  std::string refund = "period";
  std::optional<Expr> refund_delay;  ///< months after the period's last month, default 2
  double refund_min = 760;           ///< smallest credit refunded at a period's end
  double refund_min_year = 150;      ///< smallest credit refunded at the calendar year's end
};

struct PayrollTax {
  /// [upper bound of yearly gross (nullopt = no bound), rate], in increasing order.
  std::vector<std::pair<std::optional<double>, double>> brackets;
  double allowance = 0;
  SourcePos pos;
};

struct Taxes {
  std::optional<PayrollTax> payroll_tax;
  std::optional<Expr> corporate_tax_rate;
  /// Quarterly instalments of corporate tax (art. 1668 CGI) when last year's tax exceeds
  /// the threshold (3 000 EUR, art. 359 annexe III CGI).
  bool corporate_instalments = true;
  double corporate_instalment_threshold = 3000;
};

struct InKind : ItemBase {};

struct Check {
  std::string name;
  Expr rule;  ///< boolean expression on fiscal-year figures
};

struct Outputs {
  double discount_rate = 0;
  int breakeven_window = 3;
  std::vector<double> quantiles{5, 10, 25, 50, 75, 90, 95};  ///< percentiles
  std::vector<std::string> series;  ///< extra series reported with monthly bands
  SourcePos pos;
};

enum class Sampling { mc, lhs, sobol };

struct SimulationDefaults {
  long long paths = 10000;
  unsigned long long seed = 42;
  Sampling sampling = Sampling::lhs;
};

struct Scenario {
  std::string file;  ///< path of the top-level file (for messages)
  std::string name, description;
  int start_year = 2027, start_month = 1;  ///< calendar month of m = 0
  int horizon = 12;                        ///< months simulated, 1..600
  int fiscal_year_start = 1;               ///< calendar month a fiscal year starts
  SimulationDefaults simulation;
  std::vector<Input> inputs;  ///< in file order
  std::vector<Correlation> correlations;
  std::vector<Series> series;
  std::vector<RevenueItem> revenue;
  std::vector<CostItem> costs;
  std::vector<StaffLine> staff;
  std::vector<Subsidy> subsidies;
  std::vector<Investment> investments;
  Financing financing;
  Vat vat;
  Taxes taxes;
  std::vector<InKind> in_kind;
  std::vector<Check> checks;
  Outputs outputs;
  std::vector<std::string> variant_names;  ///< variants declared in the file
  std::string applied_variant;             ///< the variant applied, "" for none
};

/// Hard limits that keep any input from exhausting memory or time.
struct Limits {
  static constexpr int max_horizon = 600;
  static constexpr std::size_t max_file_bytes = 4 << 20;
  static constexpr std::size_t max_items = 2000;        ///< per section
  static constexpr std::size_t max_name_length = 64;
  static constexpr std::size_t max_expression_length = 4000;
  static constexpr int max_nesting = 64;               ///< YAML and expression depth
  static constexpr int max_extends_depth = 8;
  static constexpr std::size_t max_yaml_nodes = 200000;  ///< defeats alias bombs
  static constexpr long long max_paths = 100'000'000;
  /// Largest magnitude of any number in a scenario or any value computed by a run (amounts in
  /// euros, counts, parameters): 1e12 EUR is far above any project's budget, and keeps every sum
  /// of a run (600 months x a few thousand lines) exact enough and far from overflow.
  static constexpr double max_abs_value = 1e12;
};

}  // namespace amorce
