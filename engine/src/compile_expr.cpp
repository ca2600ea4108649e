/// Compiler: expressions parsed, folded, checked (names, arity, durations) and emitted as
/// instructions over slots.
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
#include "compile_internal.hpp"

namespace amorce::compile_detail {

/// Parses an expression; `month_field` says whether a date alone is meaningful there
/// (from, until, month, at). Elsewhere a field that is just a date (`term: 2027-07`,
/// `amount: 2030-12`) is an error: it would silently become a month index.
std::optional<ExprTree> Compiler::parse(const Expr& e, bool month_field) {
  try {
    ExprTree t = parse_expression(e, &origin_);
    if (!month_field && t.nodes[t.root].date)
      throw ScenarioError(t.pos_of(t.root),
                          "'" + t.nodes[t.root].text +
                              "' is a date, but this field is not a month (a date is "
                              "accepted in from, until, month and a payment's at)");
    return t;
  } catch (const ScenarioError& err) {
    for (const auto& d : err.diagnostics()) sink_.error(d.pos, d.message);
    return std::nullopt;
  }
}

/// Value of a constant subtree (numbers and arithmetic only), for literal parameters.
std::optional<double> Compiler::fold(const ExprTree& t, int n) const {
  const ExprNode& node = t.nodes[n];
  switch (node.kind) {
    case NodeKind::number:
      return node.value;
    case NodeKind::name:
      return std::nullopt;
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
    case NodeKind::call:
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<double> Compiler::literal(const std::optional<Expr>& e) {
  if (!e) return std::nullopt;
  try {
    ExprTree t = parse_expression(*e, &origin_);
    return fold(t, t.root);
  } catch (const ScenarioError&) {
    return std::nullopt;
  }
}

std::vector<std::string> Compiler::candidates(Ctx ctx) const {
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

const std::vector<std::string>& Compiler::figure_names() {
  static const std::vector<std::string> names = {"revenue",
                                                 "subsidies",
                                                 "charges",
                                                 "net_result",
                                                 "caf",
                                                 "self_financing",
                                                 "subsidy_share",
                                                 "largest_funder_share",
                                                 "breakeven_revenue",
                                                 "safety_margin",
                                                 "debt_cover",
                                                 "min_cash",
                                                 "costs",
                                                 "staff",
                                                 "ebitda",
                                                 "operating_result",
                                                 "variable_costs",
                                                 "months",
                                                 "year"};
  return names;
}

// ---------------------------------------------------------------- dependency collection
/// Same-month dependencies of a tree in the monthly context; creates synthetic units for
/// lag() of an expression.
void Compiler::collect_deps(const ExprTree& t, int n, std::set<int>& deps, Ctx ctx) {
  const ExprNode& node = t.nodes[n];
  if (node.kind == NodeKind::name) {
    auto it = symbols_.find(node.text);
    if (it != symbols_.end() && it->second.unit >= 0 && (ctx == Ctx::monthly || ctx == Ctx::inputs))
      deps.insert(it->second.unit);
    return;
  }
  if (node.kind == NodeKind::call && node.text == "lag" && node.args.size() == 2) {
    auto k = fold(t, node.args[1]);
    if (k && *k >= 1) return;  // no same-month dependency on the lagged value
  }
  for (int a : node.args) collect_deps(t, a, deps, ctx);
}

// ---------------------------------------------------------------- expression emission
void Compiler::arity(const ExprTree& t, int n, std::size_t lo, std::size_t hi) {
  const ExprNode& node = t.nodes[n];
  if (node.args.size() < lo || node.args.size() > hi) {
    std::string want = lo == hi ? std::to_string(lo)
                                : (hi > 100 ? "at least " + std::to_string(lo)
                                            : std::to_string(lo) + " to " + std::to_string(hi));
    throw ScenarioError(t.pos_of(n), node.text + "() takes " + want + " argument" +
                                         (hi == 1 ? "" : "s") + ", got " +
                                         std::to_string(node.args.size()));
  }
}

/// A date is a month, never a length of time, a rate or a factor: ramp(2027-06, 2027-12)
/// would silently read the second date as a number of months.
void Compiler::duration_args(const ExprTree& t, int n) {
  const ExprNode& node = t.nodes[n];
  const std::string& f = node.text;
  for (std::size_t i = 0; i < node.args.size(); ++i) {
    const bool month_arg = ((f == "ramp" || f == "scurve") && i == 0) || f == "between" ||
                           f == "if" || f == "min" || f == "max" || f == "clamp";
    if (!month_arg && t.nodes[node.args[i]].date)
      throw ScenarioError(
          t.pos_of(node.args[i]),
          f + "(): argument " + std::to_string(i + 1) + " is a date '" +
              t.nodes[node.args[i]].text + "', expected " +
              (f == "ramp" || f == "scurve" || f == "lag" ? "a number of months" : "a number"));
  }
}

int Compiler::emit_expr(const ExprTree& t, int n, Ctx ctx) {
  const ExprNode& node = t.nodes[n];
  switch (node.kind) {
    case NodeKind::number:
      return const_slot(node.value);
    case NodeKind::name:
      return emit_name(t, n, ctx);
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
          {"^", OpCode::pow}, {"<", OpCode::lt},  {"<=", OpCode::le}, {">", OpCode::gt},
          {">=", OpCode::ge}, {"==", OpCode::eq}, {"!=", OpCode::ne}, {"and", OpCode::land},
          {"or", OpCode::lor}};
      int d = temp_slot();
      emit(ops.at(node.text), d, a, b);
      release(a);
      release(b);
      return d;
    }
    case NodeKind::call:
      return emit_call(t, n, ctx);
  }
  return -1;
}

int Compiler::month_intrinsic(const ExprTree& t, int n, Ctx ctx, int slot) {
  if (ctx != Ctx::monthly)
    throw ScenarioError(t.pos_of(n),
                        "'" + t.nodes[n].text + "' cannot be used here: " + ctx_reason(ctx));
  return slot;
}

std::string Compiler::ctx_reason(Ctx ctx) {
  switch (ctx) {
    case Ctx::inputs:
      return "inputs are drawn once per path and may only use other inputs";
    case Ctx::statics:
      return "this field is fixed for a path and may only use inputs";
    case Ctx::payment:
      return "payment dates and shares may only use inputs, 'start' and 'end'";
    case Ctx::checks:
      return "checks may only use fiscal-year figures and min_cash";
    case Ctx::monthly:
      return "";
  }
  return "";
}

int Compiler::emit_name(const ExprTree& t, int n, Ctx ctx) {
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
    throw ScenarioError(t.pos_of(n),
                        "unknown name '" + name + "' in a check: checks use fiscal-year figures (" +
                            "revenue, subsidies, charges, net_result, caf, min_cash...)" +
                            (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
  }
  auto it = symbols_.find(name);
  if (it == symbols_.end()) {
    std::string hint = did_you_mean(name, candidates(ctx));
    throw ScenarioError(t.pos_of(n), "unknown name '" + name + "'" +
                                         (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
  }
  const Symbol& s = it->second;
  bool is_input = s.kind == SymKind::input;
  if (s.kind == SymKind::subsidy || s.kind == SymKind::investment || s.kind == SymKind::loan)
    throw ScenarioError(t.pos_of(n), kind_word(s.kind) + " '" + name +
                                         "' cannot be used in an expression (only inputs, series "
                                         "and revenue, cost, staff and in-kind items can)");
  if (ctx != Ctx::monthly && !is_input) {
    if (s.kind == SymKind::each_month_input)
      throw ScenarioError(t.pos_of(n), "input '" + name +
                                           "' is drawn every month and cannot be used here: " +
                                           ctx_reason(ctx) + " (use it in a series instead)");
    throw ScenarioError(
        t.pos_of(n), kind_word(s.kind) + " '" + name + "' cannot be used here: " + ctx_reason(ctx));
  }
  if (s.slot < 0)
    throw ScenarioError(t.pos_of(n),
                        kind_word(s.kind) + " '" + name + "' is used before it is defined");
  return s.slot;
}

int Compiler::emit_call(const ExprTree& t, int n, Ctx ctx) {
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
    return month_intrinsic(t, n, ctx,
                           f == "month"  ? month_slot_
                           : f == "year" ? year_slot_
                                         : calmonth_slot_);
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
      throw ScenarioError(t.pos_of(n),
                          "season() takes 12 numbers (the factors of January to December)");
    plan_.season_tables.push_back(table);
    int d = temp_slot();
    emit(OpCode::season, d, calmonth_slot_, -1, -1, 0,
         static_cast<int>(plan_.season_tables.size()) - 1);
    return d;
  }
  if (f == "lag") {
    args(2, 2);
    if (ctx != Ctx::monthly) month_intrinsic(t, n, ctx, 0);
    auto k = fold(t, node.args[1]);
    if (!k || *k < 0 || std::floor(*k) != *k || *k > 1200)
      throw ScenarioError(
          t.pos_of(node.args[1]),
          "lag() needs a whole, non-negative number of months as its second argument");
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
  throw ScenarioError(t.pos_of(n), "unknown function '" + f + "'" +
                                       (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
}

/// Slot holding the value lagged by lag(): the name of an input, series or item.
int Compiler::lag_source(const ExprTree& t, int n) {
  if (t.nodes[n].kind != NodeKind::name)
    throw ScenarioError(t.pos_of(n),
                        "lag() takes the name of a series or item as its first argument; define "
                        "the expression as a series and lag that");
  return emit_name(t, n, Ctx::monthly);
}

}  // namespace amorce::compile_detail
