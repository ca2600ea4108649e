/// The compiler's internals (engine/src only): symbols and units of the dependency graph, and
/// the Compiler class whose methods are grouped by concept in compile.cpp (driver, slots,
/// symbols), compile_expr.cpp (expressions to instructions), compile_units.cpp (inputs, static
/// fields, series and items as units) and compile_emit.cpp (dependency order, payments, checks,
/// outputs).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "amorce/compile.hpp"
#include "amorce/expr.hpp"

namespace amorce::compile_detail {

enum class Ctx { inputs, statics, monthly, payment, checks };

enum class SymKind {
  input,
  each_month_input,
  series,
  revenue,
  cost,
  staff,
  in_kind,
  subsidy,
  investment,
  loan,
  figure,
  payment_var
};

struct Symbol {
  SymKind kind;
  int slot = -1;
  int unit = -1;  ///< unit computing it (inputs and monthly units)
};

/// An expression to emit into a target slot.
struct Part {
  ExprTree tree;
  int target = -1;
};

/// A unit of the dependency graph: one input, series or item, emitted as a whole.
struct Unit {
  std::string owner;  ///< "series 'members'"
  std::string name;
  SourcePos pos;
  std::vector<Part> parts;
  std::function<void()> finish;  ///< emits the gating/combination after the parts
  std::set<int> deps;            ///< same-month dependencies (unit indices)
  bool monthly = false;
  int state = 0;  ///< topological sort: 0 new, 1 visiting, 2 done
};

inline const std::vector<std::string> kFunctions = {
    "if",      "min",    "max",  "clamp", "abs",    "floor", "ceil", "round",
    "exp",     "log",    "sqrt", "pow",   "sin",    "cos",   "ramp", "scurve",
    "between", "season", "grow", "lag",   "cumsum", "month", "year", "calendar_month"};

inline std::string kind_word(SymKind k) {
  switch (k) {
    case SymKind::input:
    case SymKind::each_month_input:
      return "input";
    case SymKind::series:
      return "series";
    case SymKind::revenue:
      return "revenue item";
    case SymKind::cost:
      return "cost item";
    case SymKind::staff:
      return "staff line";
    case SymKind::in_kind:
      return "in-kind item";
    case SymKind::subsidy:
      return "subsidy";
    case SymKind::investment:
      return "investment";
    case SymKind::loan:
      return "loan";
    case SymKind::figure:
      return "fiscal-year figure";
    case SymKind::payment_var:
      return "payment anchor";
  }
  return "name";
}

class Compiler {
 public:
  explicit Compiler(const Scenario& sc, QuantileCache* cache = nullptr)
      : sc_(sc), origin_{sc.start_year, sc.start_month}, quantile_cache_(cache) {}

  /// Compiles the whole scenario; every problem is collected and thrown once as ScenarioError.
  Plan run();

 private:
  /// Plan::hist_direct: a recorded slot qualifies when, in the monthly program, its first
  /// use is a write (so no value is carried from one month to the next), it is not a
  /// cumsum accumulator and the static program never writes it.
  static void mark_direct_history(Plan& p);

  int temp_slot();

  void release(int s);

  int const_slot(double v);

  int owner_id(const std::string& owner);

  void emit(OpCode op, int dst, int a = -1, int b = -1, int c = -1, double k = 0, int aux = -1);

  int hist_index(int slot, const std::string& name);

  /// Parses an expression; `month_field` says whether a date alone is meaningful there
  /// (from, until, month, at). Elsewhere a field that is just a date (`term: 2027-07`,
  /// `amount: 2030-12`) is an error: it would silently become a month index.
  std::optional<ExprTree> parse(const Expr& e, bool month_field = false);

  /// Value of a constant subtree (numbers and arithmetic only), for literal parameters.
  std::optional<double> fold(const ExprTree& t, int n) const;

  std::optional<double> literal(const std::optional<Expr>& e);

  void declare(const std::string& name, SymKind k);

  void declare_symbols();

  std::vector<std::string> candidates(Ctx ctx) const;

  static const std::vector<std::string>& figure_names();

  /// Same-month dependencies of a tree in the monthly context; creates synthetic units for
  /// lag() of an expression.
  void collect_deps(const ExprTree& t, int n, std::set<int>& deps, Ctx ctx);

  void arity(const ExprTree& t, int n, std::size_t lo, std::size_t hi);

  /// A date is a month, never a length of time, a rate or a factor: ramp(2027-06, 2027-12)
  /// would silently read the second date as a number of months.
  void duration_args(const ExprTree& t, int n);

  int emit_expr(const ExprTree& t, int n, Ctx ctx);

  int month_intrinsic(const ExprTree& t, int n, Ctx ctx, int slot);

  static std::string ctx_reason(Ctx ctx);

  int emit_name(const ExprTree& t, int n, Ctx ctx);

  int emit_call(const ExprTree& t, int n, Ctx ctx);

  /// Slot holding the value lagged by lag(): the name of an input, series or item.
  int lag_source(const ExprTree& t, int n);

  int add_unit(Unit u);

  void build_input_units();

  void finish_input(const Input& in, int slot, int unit);

  Part make_part(const Expr& e);

  /// A monthly unit computing `slot` from parts; finish emits the combination.
  int monthly_unit(const std::string& name, const std::string& owner, SourcePos pos,
                   std::vector<Part> parts, int slot, std::function<void()> finish);

  int static_field(const std::optional<Expr>& e, double def, const std::string& owner,
                   bool month_field = false);

  int static_field(const Expr& e, double def, const std::string& owner, bool month_field = false);

  int month_field(const std::optional<Expr>& e, double def, const std::string& owner);

  void compile_statics();

  void build_monthly_units();

  void visit(int id, bool monthly, std::vector<int>& stack);

  void emit_units(bool monthly);

  void emit_unit(int id);

  PaymentPlan compile_payment(const Payment& pay, const std::string& owner);

  void compile_payments();

  int figure_slot(const std::string& name);

  void compile_checks();

  void resolve_outputs();

  int new_slot() { return n_slots_++; }

  const Scenario& sc_;
  MonthOrigin origin_;  ///< the scenario's start: dates YYYY-MM in expressions count from it
  QuantileCache* quantile_cache_ = nullptr;  ///< tables of an earlier compile (the what-if server)
  Plan plan_;
  DiagnosticSink sink_;
  std::map<std::string, Symbol> symbols_;
  std::vector<Unit> units_;
  std::vector<int> unit_slot_;
  std::map<double, int> consts_;
  std::map<std::string, int> item_from_, item_until_;
  std::set<int> temps_;
  std::vector<int> free_temps_;
  std::vector<Instr>* cur_prog_ = nullptr;
  int cur_owner_ = -1;
  int n_slots_ = 0;
  int month_slot_ = -1, year_slot_ = -1, calmonth_slot_ = -1;
  int default_vat_ = -1;
};

}  // namespace amorce::compile_detail
