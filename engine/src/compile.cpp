#include "amorce/compile.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "amorce/copula.hpp"
#include "amorce/distributions.hpp"
#include "amorce/expr.hpp"
#include "amorce/random_streams.hpp"

namespace amorce {
namespace {

enum class Ctx { inputs, statics, monthly, payment, checks };

enum class SymKind { input, each_month_input, series, revenue, cost, staff, in_kind, subsidy, investment, loan, figure, payment_var };

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

const std::vector<std::string> kFunctions = {
    "if", "min", "max", "clamp", "abs", "floor", "ceil", "round", "exp", "log", "sqrt", "pow",
    "sin", "cos", "ramp", "scurve", "between", "season", "grow", "lag", "cumsum",
    "month", "year", "calendar_month"};

std::string kind_word(SymKind k) {
  switch (k) {
    case SymKind::input: case SymKind::each_month_input: return "input";
    case SymKind::series: return "series";
    case SymKind::revenue: return "revenue item";
    case SymKind::cost: return "cost item";
    case SymKind::staff: return "staff line";
    case SymKind::in_kind: return "in-kind item";
    case SymKind::subsidy: return "subsidy";
    case SymKind::investment: return "investment";
    case SymKind::loan: return "loan";
    case SymKind::figure: return "fiscal-year figure";
    case SymKind::payment_var: return "payment anchor";
  }
  return "name";
}

class Compiler {
 public:
  explicit Compiler(const Scenario& sc, QuantileCache* cache = nullptr)
      : sc_(sc), origin_{sc.start_year, sc.start_month}, quantile_cache_(cache) {}

  Plan run() {
    Plan& p = plan_;
    p.name = sc_.name;
    p.file = sc_.file;
    p.horizon = sc_.horizon;
    p.start_year = sc_.start_year;
    p.start_month = sc_.start_month;
    p.fiscal_year_start = sc_.fiscal_year_start;
    p.year_offset = ((sc_.start_month - sc_.fiscal_year_start) % 12 + 12) % 12;
    p.outputs = sc_.outputs;
    p.simulation = sc_.simulation;
    p.vat_regime = sc_.vat.regime;
    p.vat_refund = sc_.vat.refund;
    p.vat_refund_min = sc_.vat.refund_min;
    p.vat_refund_min_year = sc_.vat.refund_min_year;
    p.corporate_instalments = sc_.taxes.corporate_instalments;
    p.corporate_instalment_threshold = sc_.taxes.corporate_instalment_threshold;
    if (sc_.taxes.payroll_tax) {
      p.has_payroll_tax = true;
      p.payroll_tax = *sc_.taxes.payroll_tax;
    }

    declare_symbols();
    month_slot_ = new_slot();
    year_slot_ = new_slot();
    calmonth_slot_ = new_slot();

    build_input_units();
    emit_units(/*monthly=*/false);  // inputs into static_prog (each-month ones into monthly_prog)
    sink_.throw_if_any();
    compile_statics();
    build_monthly_units();
    emit_units(/*monthly=*/true);
    compile_payments();
    compile_checks();
    resolve_outputs();
    sink_.throw_if_any();
    p.n_slots = n_slots_;
    mark_direct_history(p);
    return std::move(plan_);
  }

  /// Plan::hist_direct: a recorded slot qualifies when, in the monthly program, its first
  /// use is a write (so no value is carried from one month to the next), it is not a
  /// cumsum accumulator and the static program never writes it.
  static void mark_direct_history(Plan& p) {
    const auto n = static_cast<std::size_t>(p.n_slots);
    std::vector<char> static_written(n, 0), first(n, 0);  // first: 0 untouched, 1 written, 2 read
    for (const Instr& in : p.static_prog)
      if (in.dst >= 0) static_written[static_cast<std::size_t>(in.dst)] = 1;
    auto read = [&](int s) {
      if (s >= 0 && first[static_cast<std::size_t>(s)] == 0) first[static_cast<std::size_t>(s)] = 2;
    };
    for (const Instr& in : p.monthly_prog) {
      read(in.a);
      read(in.b);
      read(in.c);
      if (in.op == OpCode::cumsum) read(in.dst);
      if (in.op == OpCode::sample) {
        const SampleSpec& sp = p.samples[static_cast<std::size_t>(in.aux)];
        for (int x : sp.params) read(x);
        for (int x : sp.values) read(x);
        for (int x : sp.weights) read(x);
        for (int x : {sp.lo, sp.hi, sp.lambda, sp.base}) read(x);
      }
      if (in.dst >= 0 && first[static_cast<std::size_t>(in.dst)] == 0) first[static_cast<std::size_t>(in.dst)] = 1;
    }
    p.hist_direct.assign(p.hist_slots.size(), 0);
    for (std::size_t h = 0; h < p.hist_slots.size(); ++h) {
      const auto s = static_cast<std::size_t>(p.hist_slots[h]);
      p.hist_direct[h] = first[s] == 1 && !static_written[s];
    }
  }

 private:
  // ---------------------------------------------------------------- slots and helpers
  int new_slot() { return n_slots_++; }

  int temp_slot() {
    if (!free_temps_.empty()) {
      int s = free_temps_.back();
      free_temps_.pop_back();
      return s;
    }
    int s = new_slot();
    temps_.insert(s);
    return s;
  }
  void release(int s) {
    if (temps_.count(s) && std::find(free_temps_.begin(), free_temps_.end(), s) == free_temps_.end())
      free_temps_.push_back(s);
  }

  int const_slot(double v) {
    auto it = consts_.find(v);
    if (it != consts_.end()) return it->second;
    int s = new_slot();
    Instr in;
    in.op = OpCode::constant;
    in.dst = s;
    in.k = v;
    plan_.static_prog.insert(plan_.static_prog.begin(), in);  // constants first
    consts_[v] = s;
    return s;
  }

  int owner_id(const std::string& owner) {
    for (std::size_t i = 0; i < plan_.owners.size(); ++i)
      if (plan_.owners[i] == owner) return static_cast<int>(i);
    plan_.owners.push_back(owner);
    return static_cast<int>(plan_.owners.size()) - 1;
  }

  void emit(OpCode op, int dst, int a = -1, int b = -1, int c = -1, double k = 0, int aux = -1) {
    Instr in;
    in.op = op;
    in.dst = dst;
    in.a = a;
    in.b = b;
    in.c = c;
    in.k = k;
    in.aux = aux;
    in.owner = cur_owner_;
    cur_prog_->push_back(in);
  }

  int hist_index(int slot, const std::string& name) {
    for (std::size_t i = 0; i < plan_.hist_slots.size(); ++i)
      if (plan_.hist_slots[i] == slot) return static_cast<int>(i);
    plan_.hist_slots.push_back(slot);
    plan_.hist_names.push_back(name);
    return static_cast<int>(plan_.hist_slots.size()) - 1;
  }

  /// Parses an expression; `month_field` says whether a date alone is meaningful there
  /// (from, until, month, at). Elsewhere a field that is just a date (`term: 2027-07`,
  /// `amount: 2030-12`) is an error: it would silently become a month index.
  std::optional<ExprTree> parse(const Expr& e, bool month_field = false) {
    try {
      ExprTree t = parse_expression(e, &origin_);
      if (!month_field && t.nodes[t.root].date)
        throw ScenarioError(t.pos_of(t.root), "'" + t.nodes[t.root].text +
                                                  "' is a date, but this field is not a month (a date is "
                                                  "accepted in from, until, month and a payment's at)");
      return t;
    } catch (const ScenarioError& err) {
      for (const auto& d : err.diagnostics()) sink_.error(d.pos, d.message);
      return std::nullopt;
    }
  }

  /// Value of a constant subtree (numbers and arithmetic only), for literal parameters.
  std::optional<double> fold(const ExprTree& t, int n) const {
    const ExprNode& node = t.nodes[n];
    switch (node.kind) {
      case NodeKind::number: return node.value;
      case NodeKind::name: return std::nullopt;
      case NodeKind::unary: {
        auto a = fold(t, node.args[0]);
        if (!a) return std::nullopt;
        if (node.text == "-") return -*a;
        if (node.text == "+") return *a;
        return *a == 0 ? 1.0 : 0.0;
      }
      case NodeKind::binary: {
        auto a = fold(t, node.args[0]);
        auto b = fold(t, node.args[1]);
        if (!a || !b) return std::nullopt;
        const std::string& o = node.text;
        if (o == "+") return *a + *b;
        if (o == "-") return *a - *b;
        if (o == "*") return *a * *b;
        if (o == "/") return *b == 0 ? std::nullopt : std::optional<double>(*a / *b);
        if (o == "^") return std::pow(*a, *b);
        return std::nullopt;
      }
      case NodeKind::call: return std::nullopt;
    }
    return std::nullopt;
  }

  std::optional<double> literal(const std::optional<Expr>& e) {
    if (!e) return std::nullopt;
    try {
      ExprTree t = parse_expression(*e, &origin_);
      return fold(t, t.root);
    } catch (const ScenarioError&) {
      return std::nullopt;
    }
  }

  // ---------------------------------------------------------------- symbols
  void declare(const std::string& name, SymKind k) {
    if (!name.empty()) symbols_[name] = Symbol{k, -1, -1};
  }

  void declare_symbols() {
    for (const auto& in : sc_.inputs) declare(in.name, in.each_month ? SymKind::each_month_input : SymKind::input);
    for (const auto& s : sc_.series) declare(s.name, SymKind::series);
    for (const auto& r : sc_.revenue) declare(r.name, SymKind::revenue);
    for (const auto& c : sc_.costs) declare(c.name, SymKind::cost);
    for (const auto& s : sc_.staff) declare(s.name, SymKind::staff);
    for (const auto& k : sc_.in_kind) declare(k.name, SymKind::in_kind);
    for (const auto& s : sc_.subsidies) declare(s.name, SymKind::subsidy);
    for (const auto& i : sc_.investments) declare(i.name, SymKind::investment);
    for (const auto& l : sc_.financing.loans) declare(l.name, SymKind::loan);
  }

  std::vector<std::string> candidates(Ctx ctx) const {
    std::vector<std::string> c;
    for (const auto& [n, s] : symbols_) c.push_back(n);
    for (const auto& f : kFunctions) c.push_back(f);
    if (ctx == Ctx::payment) {
      c.push_back("start");
      c.push_back("end");
    }
    if (ctx == Ctx::checks)
      for (const auto& f : figure_names()) c.push_back(f);
    return c;
  }

  static const std::vector<std::string>& figure_names() {
    static const std::vector<std::string> names = {
        "revenue", "subsidies", "charges", "net_result", "caf", "self_financing", "subsidy_share",
        "largest_funder_share", "breakeven_revenue", "safety_margin", "debt_cover", "min_cash",
        "costs", "staff", "ebitda", "operating_result", "variable_costs", "months", "year"};
    return names;
  }

  // ---------------------------------------------------------------- dependency collection
  /// Same-month dependencies of a tree in the monthly context; creates synthetic units for
  /// lag() of an expression.
  void collect_deps(const ExprTree& t, int n, std::set<int>& deps, Ctx ctx) {
    const ExprNode& node = t.nodes[n];
    if (node.kind == NodeKind::name) {
      auto it = symbols_.find(node.text);
      if (it != symbols_.end() && it->second.unit >= 0 && (ctx == Ctx::monthly || ctx == Ctx::inputs)) deps.insert(it->second.unit);
      return;
    }
    if (node.kind == NodeKind::call && node.text == "lag" && node.args.size() == 2) {
      auto k = fold(t, node.args[1]);
      if (k && *k >= 1) return;  // no same-month dependency on the lagged value
    }
    for (int a : node.args) collect_deps(t, a, deps, ctx);
  }

  // ---------------------------------------------------------------- expression emission
  void arity(const ExprTree& t, int n, std::size_t lo, std::size_t hi) {
    const ExprNode& node = t.nodes[n];
    if (node.args.size() < lo || node.args.size() > hi) {
      std::string want = lo == hi ? std::to_string(lo) : (hi > 100 ? "at least " + std::to_string(lo) : std::to_string(lo) + " to " + std::to_string(hi));
      throw ScenarioError(t.pos_of(n), node.text + "() takes " + want + " argument" + (hi == 1 ? "" : "s") + ", got " + std::to_string(node.args.size()));
    }
  }

  /// A date is a month, never a length of time, a rate or a factor: ramp(2027-06, 2027-12)
  /// would silently read the second date as a number of months.
  void duration_args(const ExprTree& t, int n) {
    const ExprNode& node = t.nodes[n];
    const std::string& f = node.text;
    for (std::size_t i = 0; i < node.args.size(); ++i) {
      const bool month_arg = ((f == "ramp" || f == "scurve") && i == 0) || f == "between" || f == "if" ||
                             f == "min" || f == "max" || f == "clamp";
      if (!month_arg && t.nodes[node.args[i]].date)
        throw ScenarioError(t.pos_of(node.args[i]),
                            f + "(): argument " + std::to_string(i + 1) + " is a date '" + t.nodes[node.args[i]].text +
                                "', expected " + (f == "ramp" || f == "scurve" || f == "lag" ? "a number of months" : "a number"));
    }
  }

  int emit_expr(const ExprTree& t, int n, Ctx ctx) {
    const ExprNode& node = t.nodes[n];
    switch (node.kind) {
      case NodeKind::number: return const_slot(node.value);
      case NodeKind::name: return emit_name(t, n, ctx);
      case NodeKind::unary: {
        int a = emit_expr(t, node.args[0], ctx);
        if (node.text == "+") return a;
        int d = temp_slot();
        emit(node.text == "-" ? OpCode::neg : OpCode::lnot, d, a);
        release(a);
        return d;
      }
      case NodeKind::binary: {
        int a = emit_expr(t, node.args[0], ctx);
        int b = emit_expr(t, node.args[1], ctx);
        static const std::map<std::string, OpCode> ops = {
            {"+", OpCode::add}, {"-", OpCode::sub}, {"*", OpCode::mul}, {"/", OpCode::div},
            {"^", OpCode::pow}, {"<", OpCode::lt}, {"<=", OpCode::le}, {">", OpCode::gt},
            {">=", OpCode::ge}, {"==", OpCode::eq}, {"!=", OpCode::ne}, {"and", OpCode::land},
            {"or", OpCode::lor}};
        int d = temp_slot();
        emit(ops.at(node.text), d, a, b);
        release(a);
        release(b);
        return d;
      }
      case NodeKind::call: return emit_call(t, n, ctx);
    }
    return -1;
  }

  int month_intrinsic(const ExprTree& t, int n, Ctx ctx, int slot) {
    if (ctx != Ctx::monthly)
      throw ScenarioError(t.pos_of(n), "'" + t.nodes[n].text + "' cannot be used here: " + ctx_reason(ctx));
    return slot;
  }

  static std::string ctx_reason(Ctx ctx) {
    switch (ctx) {
      case Ctx::inputs: return "inputs are drawn once per path and may only use other inputs";
      case Ctx::statics: return "this field is fixed for a path and may only use inputs";
      case Ctx::payment: return "payment dates and shares may only use inputs, 'start' and 'end'";
      case Ctx::checks: return "checks may only use fiscal-year figures and min_cash";
      case Ctx::monthly: return "";
    }
    return "";
  }

  int emit_name(const ExprTree& t, int n, Ctx ctx) {
    const std::string& name = t.nodes[n].text;
    if (ctx == Ctx::checks && name == "year") return figure_slot(name);  // fiscal-year index
    if (name == "month") return month_intrinsic(t, n, ctx, month_slot_);
    if (name == "year") return month_intrinsic(t, n, ctx, year_slot_);
    if (name == "calendar_month") return month_intrinsic(t, n, ctx, calmonth_slot_);
    if (ctx == Ctx::payment && (name == "start" || name == "end"))
      return name == "start" ? plan_.start_slot : plan_.end_slot;
    if (ctx == Ctx::checks) {
      const auto& f = figure_names();
      auto it = std::find(f.begin(), f.end(), name);
      if (it != f.end()) return figure_slot(name);
      std::string hint = did_you_mean(name, f);
      throw ScenarioError(t.pos_of(n), "unknown name '" + name + "' in a check: checks use fiscal-year figures (" +
                                           "revenue, subsidies, charges, net_result, caf, min_cash...)" +
                                           (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
    }
    auto it = symbols_.find(name);
    if (it == symbols_.end()) {
      std::string hint = did_you_mean(name, candidates(ctx));
      throw ScenarioError(t.pos_of(n), "unknown name '" + name + "'" + (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
    }
    const Symbol& s = it->second;
    bool is_input = s.kind == SymKind::input;
    if (s.kind == SymKind::subsidy || s.kind == SymKind::investment || s.kind == SymKind::loan)
      throw ScenarioError(t.pos_of(n), kind_word(s.kind) + " '" + name + "' cannot be used in an expression (only inputs, series and revenue, cost, staff and in-kind items can)");
    if (ctx != Ctx::monthly && !is_input) {
      if (s.kind == SymKind::each_month_input)
        throw ScenarioError(t.pos_of(n), "input '" + name + "' is drawn every month and cannot be used here: " + ctx_reason(ctx) + " (use it in a series instead)");
      throw ScenarioError(t.pos_of(n), kind_word(s.kind) + " '" + name + "' cannot be used here: " + ctx_reason(ctx));
    }
    if (s.slot < 0)
      throw ScenarioError(t.pos_of(n), kind_word(s.kind) + " '" + name + "' is used before it is defined");
    return s.slot;
  }

  int emit_call(const ExprTree& t, int n, Ctx ctx) {
    const ExprNode& node = t.nodes[n];
    const std::string& f = node.text;
    auto args = [&](std::size_t lo, std::size_t hi) {
      arity(t, n, lo, hi);
      duration_args(t, n);
    };
    auto unary = [&](OpCode op) {
      args(1, 1);
      int a = emit_expr(t, node.args[0], ctx);
      int d = temp_slot();
      emit(op, d, a);
      release(a);
      return d;
    };
    if (f == "month" || f == "year" || f == "calendar_month") {
      args(0, 0);
      return month_intrinsic(t, n, ctx, f == "month" ? month_slot_ : f == "year" ? year_slot_ : calmonth_slot_);
    }
    if (f == "abs") return unary(OpCode::abs);
    if (f == "floor") return unary(OpCode::floor);
    if (f == "ceil") return unary(OpCode::ceil);
    if (f == "round") return unary(OpCode::round);
    if (f == "exp") return unary(OpCode::exp);
    if (f == "log") return unary(OpCode::log);
    if (f == "sqrt") return unary(OpCode::sqrt);
    if (f == "sin") return unary(OpCode::sin);
    if (f == "cos") return unary(OpCode::cos);
    if (f == "grow") {
      if (ctx != Ctx::monthly) month_intrinsic(t, n, ctx, 0);
      return unary(OpCode::grow);
    }
    if (f == "min" || f == "max") {
      args(2, 1000);
      int acc = emit_expr(t, node.args[0], ctx);
      for (std::size_t i = 1; i < node.args.size(); ++i) {
        int b = emit_expr(t, node.args[i], ctx);
        int d = temp_slot();
        emit(f == "min" ? OpCode::min : OpCode::max, d, acc, b);
        release(acc);
        release(b);
        acc = d;
      }
      return acc;
    }
    auto ternary = [&](OpCode op) {
      args(3, 3);
      int a = emit_expr(t, node.args[0], ctx);
      int b = emit_expr(t, node.args[1], ctx);
      int c = emit_expr(t, node.args[2], ctx);
      int d = temp_slot();
      emit(op, d, a, b, c);
      release(a), release(b), release(c);
      return d;
    };
    if (f == "if") return ternary(OpCode::select);
    if (f == "clamp") return ternary(OpCode::clamp);
    auto binary = [&](OpCode op, bool monthly_only) {
      args(2, 2);
      if (monthly_only && ctx != Ctx::monthly) month_intrinsic(t, n, ctx, 0);
      int a = emit_expr(t, node.args[0], ctx);
      int b = emit_expr(t, node.args[1], ctx);
      int d = temp_slot();
      emit(op, d, a, b);
      release(a), release(b);
      return d;
    };
    if (f == "pow") return binary(OpCode::pow, false);
    if (f == "ramp") return binary(OpCode::ramp, true);
    if (f == "scurve") return binary(OpCode::scurve, true);
    if (f == "between") return binary(OpCode::between, true);
    if (f == "season") {
      args(12, 12);
      if (ctx != Ctx::monthly) month_intrinsic(t, n, ctx, 0);
      std::vector<double> table;
      std::vector<int> slots;
      bool all_const = true;
      for (int a : node.args) {
        auto v = fold(t, a);
        if (!v) all_const = false;
        table.push_back(v.value_or(0));
      }
      if (!all_const)
        throw ScenarioError(t.pos_of(n), "season() takes 12 numbers (the factors of January to December)");
      plan_.season_tables.push_back(table);
      int d = temp_slot();
      emit(OpCode::season, d, calmonth_slot_, -1, -1, 0, static_cast<int>(plan_.season_tables.size()) - 1);
      return d;
    }
    if (f == "lag") {
      args(2, 2);
      if (ctx != Ctx::monthly) month_intrinsic(t, n, ctx, 0);
      auto k = fold(t, node.args[1]);
      if (!k || *k < 0 || std::floor(*k) != *k || *k > 1200)
        throw ScenarioError(t.pos_of(node.args[1]), "lag() needs a whole, non-negative number of months as its second argument");
      int src = lag_source(t, node.args[0]);
      if (*k == 0) return src;
      int h = hist_index(src, "");
      int d = temp_slot();
      emit(OpCode::lag, d, -1, -1, -1, *k, h);
      return d;
    }
    if (f == "cumsum") {
      args(1, 1);
      if (ctx != Ctx::monthly) month_intrinsic(t, n, ctx, 0);
      int a = emit_expr(t, node.args[0], ctx);
      int acc = new_slot();  // persistent accumulator across months
      emit(OpCode::cumsum, acc, a);
      release(a);
      return acc;
    }
    std::string hint = did_you_mean(f, kFunctions);
    throw ScenarioError(t.pos_of(n), "unknown function '" + f + "'" + (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
  }

  /// Slot holding the value lagged by lag(): the name of an input, series or item.
  int lag_source(const ExprTree& t, int n) {
    if (t.nodes[n].kind != NodeKind::name)
      throw ScenarioError(t.pos_of(n), "lag() takes the name of a series or item as its first argument; define the expression as a series and lag that");
    return emit_name(t, n, Ctx::monthly);
  }

  // ---------------------------------------------------------------- units
  int add_unit(Unit u) {
    units_.push_back(std::move(u));
    unit_slot_.push_back(-1);
    return static_cast<int>(units_.size()) - 1;
  }

  void build_input_units() {
    // inputs: sampled ones get a uniform row, assigned in name order (stable under reordering)
    std::vector<std::string> sampled;
    for (const auto& in : sc_.inputs)
      if (in.dist && !in.each_month) sampled.push_back(in.name);
    std::sort(sampled.begin(), sampled.end());
    for (const auto& s : sampled) {
      plan_.uniform_names.push_back(s);
      plan_.uniform_keys.push_back(name_key(s));
    }
    // rank correlations between per-path inputs: validated here, imposed by the sampler
    std::vector<std::tuple<std::size_t, std::size_t, double>> pairs;
    for (const auto& c : sc_.correlations) {
      auto ia = std::find(plan_.uniform_names.begin(), plan_.uniform_names.end(), c.a);
      auto ib = std::find(plan_.uniform_names.begin(), plan_.uniform_names.end(), c.b);
      if (ia == plan_.uniform_names.end() || ib == plan_.uniform_names.end()) {
        sink_.error(c.pos, "correlation [" + c.a + ", " + c.b + "]: both inputs must be uncertain and drawn once per path");
        continue;
      }
      Plan::Corr pc{static_cast<int>(ia - plan_.uniform_names.begin()), static_cast<int>(ib - plan_.uniform_names.begin()), c.rho};
      plan_.correlations.push_back(pc);
      pairs.emplace_back(pc.row_a, pc.row_b, c.rho);
    }
    if (!pairs.empty()) {
      try {
        GaussianCopula check(plan_.uniform_names.size(), pairs);
      } catch (const std::exception& e) {
        sink_.error(sc_.correlations.front().pos, std::string("correlations: ") + e.what());
      }
    }
    for (const auto& in : sc_.inputs) {
      Unit u;
      u.owner = "input '" + in.name + "'";
      u.name = in.name;
      u.pos = in.pos;
      u.monthly = in.each_month;
      int slot = new_slot();
      symbols_[in.name].unit = add_unit(Unit{});
      int id = symbols_[in.name].unit;
      unit_slot_[id] = slot;
      const Input* inp = &in;
      std::vector<std::pair<std::string, const Expr*>> exprs;
      if (in.fixed) exprs.push_back({"value", &*in.fixed});
      if (in.dist) {
        for (const auto& e : in.dist->params) exprs.push_back({"param", &e});
        for (const auto& e : in.dist->values) exprs.push_back({"value", &e});
        for (const auto& e : in.dist->weights) exprs.push_back({"weight", &e});
        for (const auto* o : {&in.dist->min, &in.dist->max, &in.dist->lambda, &in.dist->base})
          if (*o) exprs.push_back({"param", &**o});
      }
      bool parsed = true;
      for (auto& [what, e] : exprs) {
        // an input may hold a month (`launch: {uniform: [2027-06, 2027-09]}`, then `from: launch`)
        auto t = parse(*e, /*month_field=*/what != "weight");
        if (!t) {
          parsed = false;  // reported by parse(); finish_input reads the parts by position
          continue;
        }
        Part p;
        p.tree = std::move(*t);
        p.target = -1;  // assigned at emission
        u.parts.push_back(std::move(p));
      }
      if (parsed) {
        u.finish = [this, inp, slot, id]() { finish_input(*inp, slot, id); };
      } else {
        u.parts.clear();
        u.finish = [] {};  // the run stops at the next throw_if_any: emit nothing for it
      }
      units_[id] = std::move(u);
      for (auto& part : units_[id].parts) collect_deps(part.tree, part.tree.root, units_[id].deps, Ctx::inputs);
    }
  }

  void finish_input(const Input& in, int slot, int unit) {
    Unit& u = units_[unit];
    const int owner = owner_id(u.owner);
    cur_owner_ = owner;
    if (in.fixed) {
      emit(OpCode::copy, slot, u.parts.at(0).target);
      emit(OpCode::check_finite, -1, slot);
      return;
    }
    const Distribution& d = *in.dist;
    SampleSpec s;
    s.name = in.name;
    s.law = d.law;
    s.each_month = in.each_month;
    s.key = name_key(in.name);
    std::size_t k = 0;
    auto next = [&]() { return u.parts.at(k++).target; };
    for (std::size_t i = 0; i < d.params.size(); ++i) s.params.push_back(next());
    for (std::size_t i = 0; i < d.values.size(); ++i) s.values.push_back(next());
    for (std::size_t i = 0; i < d.weights.size(); ++i) s.weights.push_back(next());
    if (d.min) s.lo = next();
    if (d.max) s.hi = next();
    if (d.lambda) s.lambda = next();
    if (d.base) s.base = next();
    if (!in.each_month) {
      auto it = std::find(plan_.uniform_names.begin(), plan_.uniform_names.end(), in.name);
      s.uniform_row = static_cast<int>(it - plan_.uniform_names.begin());
    }
    // literal parameters: validate now (with position) and build the fast inverse
    bool constant = true;
    std::vector<double> vals;
    for (const auto& p : u.parts) {
      auto v = fold(p.tree, p.tree.root);
      if (!v) constant = false;
      vals.push_back(v.value_or(0));
    }
    if (constant) {
      std::size_t j = 0;
      LawParams lp;
      lp.law = d.law;
      for (std::size_t i = 0; i < d.params.size() && i < 3; ++i) lp.p[i] = vals[j + i];
      j += d.params.size();
      s.const_values.assign(vals.begin() + j, vals.begin() + j + d.values.size());
      j += d.values.size();
      s.const_weights.assign(vals.begin() + j, vals.begin() + j + d.weights.size());
      j += d.weights.size();
      if (d.min) lp.lo = vals[j++];
      if (d.max) lp.hi = vals[j++];
      if (d.lambda) lp.lambda = vals[j++];
      lp.values = s.const_values.empty() ? nullptr : s.const_values.data();
      lp.weights = s.const_weights.empty() ? nullptr : s.const_weights.data();
      lp.n_values = static_cast<int>(s.const_values.size());
      std::string err = check_params(lp);
      if (!err.empty()) {
        sink_.error(in.pos, "input '" + in.name + "': " + err);
        return;
      }
      s.constant = true;
      for (int i = 0; i < 3; ++i) s.const_params[i] = lp.p[i];
      s.const_lo = lp.lo;
      s.const_hi = lp.hi;
      s.const_lambda = lp.lambda;
      {  // fast inverse (exact lookup for discrete laws, bounded-error table otherwise)
        try {
          s.fast = quantile_cache_ ? quantile_cache_->get(lp) : std::make_shared<FastQuantile>(lp);
        } catch (const std::exception&) {
          s.fast.reset();
        }
      }
    }
    plan_.samples.push_back(std::move(s));
    emit(OpCode::sample, slot, -1, -1, -1, 0, static_cast<int>(plan_.samples.size()) - 1);
    emit(OpCode::check_finite, -1, slot);
  }

  Part make_part(const Expr& e) {
    Part p;
    if (auto t = parse(e)) p.tree = std::move(*t);
    return p;
  }

  /// A monthly unit computing `slot` from parts; finish emits the combination.
  int monthly_unit(const std::string& name, const std::string& owner, SourcePos pos,
                   std::vector<Part> parts, int slot, std::function<void()> finish) {
    Unit u;
    u.owner = owner;
    u.name = name;
    u.pos = pos;
    u.monthly = true;
    u.parts = std::move(parts);
    u.finish = std::move(finish);
    int id = add_unit(std::move(u));
    unit_slot_[id] = slot;
    if (!name.empty() && symbols_.count(name)) symbols_[name].unit = id;
    return id;
  }

  int static_field(const std::optional<Expr>& e, double def, const std::string& owner, bool month_field = false) {
    if (!e) return const_slot(def);
    auto t = parse(*e, month_field);
    if (!t) return const_slot(def);
    cur_prog_ = &plan_.static_prog;
    cur_owner_ = owner_id(owner);
    try {
      int v = emit_expr(*t, t->root, Ctx::statics);
      int s = new_slot();
      emit(OpCode::copy, s, v);
      emit(OpCode::check_finite, -1, s);
      release(v);
      return s;
    } catch (const ScenarioError& err) {
      for (const auto& d : err.diagnostics()) sink_.error(d.pos, owner + ": " + d.message);
      return const_slot(def);
    }
  }

  int static_field(const Expr& e, double def, const std::string& owner, bool month_field = false) {
    return static_field(std::optional<Expr>(e), def, owner, month_field);
  }
  int month_field(const std::optional<Expr>& e, double def, const std::string& owner) {
    return static_field(e, def, owner, true);
  }

  void compile_statics() {
    Plan& p = plan_;
    const double H = sc_.horizon;
    p.opening_cash = static_field(sc_.financing.opening_cash, 0, "financing: opening_cash");
    default_vat_ = static_field(sc_.vat.default_rate, 0.20, "vat: default_rate");
    p.corporate_rate = static_field(sc_.taxes.corporate_tax_rate, 0, "taxes: corporate_tax");
    p.vat_refund_delay = static_field(sc_.vat.refund_delay, 2, "vat: refund_delay");
    // revenue and cost items share their per-path fields: window, payment delay, VAT rate
    auto flow_line = [&](const auto& item, const std::string& o, const std::string& kind, bool variable) {
      item_from_[item.name] = month_field(item.from, 0, o);
      item_until_[item.name] = month_field(item.until, H, o);
      FlowLine f;
      f.name = item.name;
      f.label = item.label;
      f.kind = kind;
      f.variable = variable;
      f.paid_after = static_field(item.paid_after, 0, o);
      f.vat_rate = item.vat_rate ? static_field(item.vat_rate, 0, o) : default_vat_;
      return f;
    };
    for (const auto& r : sc_.revenue) p.revenue.push_back(flow_line(r, "revenue '" + r.name + "'", r.kind, false));
    for (const auto& c : sc_.costs)
      p.costs.push_back(flow_line(c, "cost '" + c.name + "'", c.behaviour, c.behaviour == "variable"));
    for (const auto& s : sc_.staff) {
      std::string o = "staff '" + s.name + "'";
      item_from_[s.name] = month_field(s.from, 0, o);
      item_until_[s.name] = month_field(s.until, H, o);
    }
    for (const auto& k : sc_.in_kind) {
      std::string o = "in_kind '" + k.name + "'";
      item_from_[k.name] = month_field(k.from, 0, o);
      item_until_[k.name] = month_field(k.until, H, o);
    }
    for (const auto& s : sc_.subsidies) {
      std::string o = "subsidy '" + s.name + "'";
      SubsidyPlan sp;
      sp.name = s.name;
      sp.label = s.label;
      sp.kind = s.kind;
      sp.period = s.period;
      sp.from = month_field(s.from, 0, o);
      sp.until = month_field(s.until, H, o);
      int g = static_field(s.granted, 1, o);
      sp.granted = new_slot();
      cur_prog_ = &plan_.static_prog;
      cur_owner_ = owner_id(o);
      emit(OpCode::granted, sp.granted, g, -1, -1, 0, -1);
      plan_.static_prog.back().k = static_cast<double>(name_key("granted:" + s.name) >> 11);
      p.subsidies.push_back(sp);
    }
    for (const auto& inv : sc_.investments) {
      std::string o = "investment '" + inv.name + "'";
      InvestmentPlan ip;
      ip.name = inv.name;
      ip.label = inv.label;
      ip.amount = static_field(inv.amount, 0, o);
      ip.month = month_field(inv.month, 0, o);
      ip.life = static_field(inv.life, 1, o);
      ip.vat_rate = inv.vat_rate ? static_field(inv.vat_rate, 0, o) : default_vat_;
      if (inv.grant) {
        ip.has_grant = true;
        if (inv.grant->amount) ip.grant_amount = static_field(inv.grant->amount, 0, o + " grant");
        ip.grant_share = static_field(inv.grant->share, 0, o + " grant");
        int g = static_field(inv.grant->granted, 1, o + " grant");
        ip.granted = new_slot();
        cur_prog_ = &plan_.static_prog;
        cur_owner_ = owner_id(o);
        emit(OpCode::granted, ip.granted, g);
        plan_.static_prog.back().k = static_cast<double>(name_key("granted:" + inv.name) >> 11);
      }
      p.investments.push_back(ip);
    }
    for (const auto& l : sc_.financing.loans) {
      std::string o = "loan '" + l.name + "'";
      LoanPlan lp;
      lp.name = l.name;
      lp.label = l.label;
      lp.type = l.type;
      lp.principal = static_field(l.principal, 0, o);
      lp.month = month_field(l.month, 0, o);
      lp.rate = static_field(l.rate, 0, o);
      lp.term = static_field(l.term, 1, o);
      lp.deferral = static_field(l.deferral, 0, o);
      p.loans.push_back(lp);
    }
    for (const auto& e : sc_.financing.equity) {
      EquityPlan ep;
      ep.label = e.label;
      ep.amount = static_field(e.amount, 0, "financing: equity");
      ep.month = month_field(e.month, 0, "financing: equity");
      p.equity.push_back(ep);
    }
  }

  void build_monthly_units() {
    Plan& p = plan_;
    for (const auto& s : sc_.series) {
      int slot = new_slot();
      symbols_[s.name].slot = -1;
      std::vector<Part> parts;
      parts.push_back(make_part(s.expr));
      std::string owner = "series '" + s.name + "'";
      int id = monthly_unit(s.name, owner, s.pos, std::move(parts), slot, nullptr);
      units_[id].finish = [this, slot, id]() {
        emit(OpCode::copy, slot, units_[id].parts[0].target);
        emit(OpCode::check_finite, -1, slot);
      };
      p.series.push_back({s.name, hist_index(slot, "series:" + s.name)});
    }
    auto item_unit = [&](const ItemBase& it, const std::string& owner, const std::string& prefix) {
      int slot = new_slot();
      std::vector<Part> parts;
      parts.push_back(make_part(it.amount));
      int id = monthly_unit(it.name, owner, it.pos, std::move(parts), slot, nullptr);
      int from = item_from_.count(it.name) ? item_from_[it.name] : const_slot(0);
      int until = item_until_.count(it.name) ? item_until_[it.name] : const_slot(sc_.horizon);
      units_[id].finish = [this, slot, id, from, until]() {
        emit(OpCode::gate, slot, units_[id].parts[0].target, from, until);
        emit(OpCode::check_finite, -1, slot);
      };
      return hist_index(slot, prefix + it.name);
    };
    for (std::size_t i = 0; i < sc_.revenue.size(); ++i)
      p.revenue[i].amount_hist = item_unit(sc_.revenue[i], "revenue '" + sc_.revenue[i].name + "'", "item:");
    for (std::size_t i = 0; i < sc_.costs.size(); ++i)
      p.costs[i].amount_hist = item_unit(sc_.costs[i], "cost '" + sc_.costs[i].name + "'", "item:");
    for (const auto& k : sc_.in_kind)
      p.in_kind.push_back({k.label.empty() ? k.name : k.label, item_unit(k, "in_kind '" + k.name + "'", "item:")});
    for (const auto& s : sc_.staff) {
      StaffPlan sp;
      sp.name = s.name;
      sp.role = s.role;
      sp.label = s.label;
      int fte = new_slot(), gross = new_slot(), er = new_slot(), raise = new_slot();
      int wage = new_slot(), charges = new_slot(), cost = new_slot();
      std::vector<Part> parts;
      parts.push_back(make_part(s.fte));
      parts.push_back(make_part(s.gross_monthly));
      parts.push_back(make_part(s.employer_rate));
      parts.push_back(s.raise ? make_part(*s.raise) : Part{});
      bool has_raise = s.raise.has_value();
      if (!has_raise) parts.pop_back();
      int id = monthly_unit(s.name, "staff '" + s.name + "'", s.pos, std::move(parts), cost, nullptr);
      int from = item_from_[s.name], until = item_until_[s.name];
      units_[id].finish = [=, this]() {
        const auto& pt = units_[id].parts;
        emit(OpCode::gate, fte, pt[0].target, from, until);
        emit(OpCode::copy, gross, pt[1].target);
        emit(OpCode::copy, er, pt[2].target);
        if (has_raise) emit(OpCode::copy, raise, pt[3].target);
        else emit(OpCode::copy, raise, const_slot(0));
        int g = temp_slot();
        emit(OpCode::grow, g, raise);
        int w = temp_slot();
        emit(OpCode::mul, w, fte, gross);
        emit(OpCode::mul, wage, w, g);
        emit(OpCode::mul, charges, wage, er);
        emit(OpCode::add, cost, wage, charges);
        emit(OpCode::check_finite, -1, cost);
        release(g);
        release(w);
      };
      sp.from = from;
      sp.until = until;
      sp.wage_hist = hist_index(wage, "staff_wage:" + s.name);
      sp.charges_hist = hist_index(charges, "staff_charges:" + s.name);
      sp.fte_hist = hist_index(fte, "staff_fte:" + s.name);
      sp.gross_hist = hist_index(gross, "staff_gross:" + s.name);
      sp.raise_hist = hist_index(raise, "staff_raise:" + s.name);
      hist_index(cost, "item:" + s.name);
      p.staff.push_back(sp);
    }
    for (std::size_t i = 0; i < sc_.subsidies.size(); ++i) {
      int slot = new_slot();
      std::vector<Part> parts;
      parts.push_back(make_part(sc_.subsidies[i].amount));
      int id = monthly_unit("", "subsidy '" + sc_.subsidies[i].name + "'", sc_.subsidies[i].pos, std::move(parts), slot, nullptr);
      units_[id].finish = [this, slot, id]() {
        emit(OpCode::copy, slot, units_[id].parts[0].target);
        emit(OpCode::check_finite, -1, slot);
      };
      p.subsidies[i].amount_hist = hist_index(slot, "subsidy_amount:" + sc_.subsidies[i].name);
    }
    // the slot of every monthly symbol is known up front (recurrences through lag need it)
    for (std::size_t id = 0; id < units_.size(); ++id) {
      if (!units_[id].monthly || units_[id].name.empty()) continue;
      auto it = symbols_.find(units_[id].name);
      if (it != symbols_.end() && it->second.kind != SymKind::each_month_input) it->second.slot = unit_slot_[id];
    }
    for (std::size_t id = 0; id < units_.size(); ++id) {
      if (!units_[id].monthly) continue;
      if (symbols_.count(units_[id].name) && symbols_[units_[id].name].kind == SymKind::each_month_input) continue;
      for (auto& part : units_[id].parts)
        if (part.tree.root >= 0) collect_deps(part.tree, part.tree.root, units_[id].deps, Ctx::monthly);
    }
  }

  // ---------------------------------------------------------------- topological emission
  void visit(int id, bool monthly, std::vector<int>& stack) {
    Unit& u = units_[id];
    if (u.state == 2) return;
    if (u.state == 1) {
      // cycle: report it once, naming every member
      auto it = std::find(stack.begin(), stack.end(), id);
      std::string chain;
      for (auto j = it; j != stack.end(); ++j) chain += units_[*j].name + " -> ";
      chain += u.name;
      sink_.error(u.pos, "circular definition: " + chain + " (use lag(x, 1) for a recurrence)");
      u.state = 2;
      return;
    }
    u.state = 1;
    stack.push_back(id);
    for (int d : u.deps) {
      if (units_[d].monthly != monthly && !monthly) {
        // an input using an each-month input
        sink_.error(u.pos, u.owner + " uses input '" + units_[d].name + "', which is drawn every month; define '" + u.name + "' as a series instead");
        continue;
      }
      if (units_[d].monthly == monthly || (monthly && !units_[d].monthly)) visit(d, monthly, stack);
    }
    stack.pop_back();
    u.state = 2;
    emit_unit(id);
  }

  void emit_units(bool monthly) {
    if (monthly) {
      cur_prog_ = &plan_.monthly_prog;
      cur_owner_ = -1;
      emit(OpCode::month, month_slot_);
      emit(OpCode::year, year_slot_);
      emit(OpCode::calendar_month, calmonth_slot_);
    }
    std::vector<int> stack;
    for (std::size_t id = 0; id < units_.size(); ++id) {
      bool is_input_unit = symbols_.count(units_[id].name) &&
                           (symbols_[units_[id].name].kind == SymKind::input || symbols_[units_[id].name].kind == SymKind::each_month_input) &&
                           units_[id].owner.rfind("input", 0) == 0;
      if (monthly == is_input_unit) continue;
      visit(static_cast<int>(id), monthly, stack);
    }
  }

  void emit_unit(int id) {
    Unit& u = units_[id];
    bool is_input = u.owner.rfind("input", 0) == 0;
    // parameters of inputs (even each-month ones) are fixed per path: static program
    cur_prog_ = is_input ? &plan_.static_prog : &plan_.monthly_prog;
    cur_owner_ = owner_id(u.owner);
    Ctx ctx = is_input ? Ctx::inputs : Ctx::monthly;
    bool ok = true;
    std::vector<int> temps;
    for (auto& part : u.parts) {
      if (part.tree.root < 0) {
        ok = false;
        continue;
      }
      try {
        int v = emit_expr(part.tree, part.tree.root, ctx);
        part.target = v;
        temps.push_back(v);
      } catch (const ScenarioError& err) {
        for (const auto& d : err.diagnostics()) sink_.error(d.pos, u.owner + ": " + d.message);
        ok = false;
      }
    }
    if (ok && u.finish) {
      if (is_input && u.monthly) {
        // sampling itself happens every month
        cur_prog_ = &plan_.monthly_prog;
      }
      // keep parameter slots alive: they are read by the monthly sampler
      if (!(is_input && u.monthly)) {
        u.finish();
        for (int t : temps) release(t);
      } else {
        for (int t : temps) temps_.erase(t);  // pin: parameters live across months
        u.finish();
      }
    }
    if (is_input && unit_slot_[id] >= 0) {
      symbols_[u.name].slot = unit_slot_[id];
      plan_.input_names.push_back(u.name);
      plan_.input_slots.push_back(unit_slot_[id]);
    }
  }

  // ---------------------------------------------------------------- payments and checks
  PaymentPlan compile_payment(const Payment& pay, const std::string& owner) {
    PaymentPlan pp;
    pp.begin = static_cast<int>(plan_.payment_prog.size());
    cur_prog_ = &plan_.payment_prog;
    cur_owner_ = owner_id(owner);
    for (int which = 0; which < 2; ++which) {
      const Expr& e = which == 0 ? pay.share : pay.at;
      auto t = parse(e, which == 1);
      int out = new_slot();
      if (t) {
        try {
          int v = emit_expr(*t, t->root, Ctx::payment);
          emit(OpCode::copy, out, v);
          emit(OpCode::check_finite, -1, out);
          release(v);
        } catch (const ScenarioError& err) {
          for (const auto& d : err.diagnostics()) sink_.error(d.pos, owner + ": " + d.message);
        }
      }
      (which == 0 ? pp.share : pp.at) = out;
    }
    pp.end = static_cast<int>(plan_.payment_prog.size());
    return pp;
  }

  void compile_payments() {
    plan_.start_slot = new_slot();
    plan_.end_slot = new_slot();
    auto defaults = [](const std::vector<Payment>& ps, SourcePos pos) {
      if (!ps.empty()) return ps;
      Payment p;
      p.share = Expr{"1", pos};
      p.at = Expr{"start", pos};
      p.pos = pos;
      return std::vector<Payment>{p};
    };
    for (std::size_t i = 0; i < sc_.subsidies.size(); ++i)
      for (const auto& pay : defaults(sc_.subsidies[i].payments, sc_.subsidies[i].pos))
        plan_.subsidies[i].payments.push_back(compile_payment(pay, "subsidy '" + sc_.subsidies[i].name + "'"));
    for (std::size_t i = 0; i < sc_.investments.size(); ++i) {
      if (!sc_.investments[i].grant) continue;
      for (const auto& pay : defaults(sc_.investments[i].grant->payments, sc_.investments[i].pos))
        plan_.investments[i].payments.push_back(compile_payment(pay, "investment '" + sc_.investments[i].name + "' grant"));
    }
  }

  int figure_slot(const std::string& name) {
    const auto& f = figure_names();
    auto idx = static_cast<std::size_t>(std::find(f.begin(), f.end(), name) - f.begin());
    if (plan_.figure_slots.size() < f.size()) {
      plan_.figure_names = f;
      plan_.figure_slots.assign(f.size(), -1);
    }
    if (plan_.figure_slots[idx] < 0) plan_.figure_slots[idx] = new_slot();
    return plan_.figure_slots[idx];
  }

  void compile_checks() {
    plan_.figure_names = figure_names();
    plan_.figure_slots.assign(plan_.figure_names.size(), -1);
    for (const auto& c : sc_.checks) {
      auto t = parse(c.rule);
      if (!t) continue;
      cur_prog_ = &plan_.check_prog;
      cur_owner_ = owner_id("check '" + c.name + "'");
      try {
        int v = emit_expr(*t, t->root, Ctx::checks);
        int out = new_slot();
        emit(OpCode::copy, out, v);
        release(v);
        plan_.checks.push_back({c.name, c.rule.text, out});
      } catch (const ScenarioError& err) {
        for (const auto& d : err.diagnostics()) sink_.error(d.pos, "check '" + c.name + "': " + d.message);
      }
    }
  }

  void resolve_outputs() {
    for (const auto& s : sc_.outputs.series) {
      if (symbols_.count(s) && (symbols_[s].kind == SymKind::input || symbols_[s].kind == SymKind::each_month_input) &&
          symbols_[s].slot >= 0) {
        hist_index(symbols_[s].slot, "input:" + s);  // recorded every month for its bands
        continue;
      }
      if (!symbols_.count(s) || symbols_[s].kind != SymKind::series) {
        bool known_item = symbols_.count(s) && (symbols_[s].kind == SymKind::revenue || symbols_[s].kind == SymKind::cost ||
                                                symbols_[s].kind == SymKind::staff || symbols_[s].kind == SymKind::in_kind);
        if (!known_item) {
          std::vector<std::string> names;
          for (const auto& x : sc_.series) names.push_back(x.name);
          std::string hint = did_you_mean(s, names);
          sink_.error(sc_.outputs.pos, "outputs.series: unknown series '" + s + "'" + (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
        }
      }
    }
  }

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

}  // namespace

Plan compile(const Scenario& scenario, QuantileCache* cache) { return Compiler(scenario, cache).run(); }

}  // namespace amorce
