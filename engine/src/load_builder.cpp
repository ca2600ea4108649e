/// Builder: the common field checks, names, the top level and the shared parts of item sections.
#include "load_builder.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string_view>

#include "amorce/load_hints.hpp"

namespace amorce::load_detail {

Scenario Builder::build(const YNode& root) {
  check_keys(root, kTopKeys, "");
  top_level(root);
  if (const YNode* n = find(root, "simulation")) simulation(*n);
  if (const YNode* n = find(root, "inputs")) inputs(*n);
  if (const YNode* n = find(root, "series")) series(*n);
  named_items(find(root, "revenue"), "revenue", "revenue item",
              [&](const std::string& name, const SourcePos& pos, const YNode& body, bool listed) {
                revenue(name, pos, body, listed);
              });
  named_items(find(root, "costs"), "costs", "cost",
              [&](const std::string& name, const SourcePos& pos, const YNode& body, bool listed) {
                cost(name, pos, body, listed);
              });
  if (const YNode* n = find(root, "staff")) staff(*n);
  if (const YNode* n = find(root, "subsidies")) subsidies(*n);
  if (const YNode* n = find(root, "investments")) investments(*n);
  if (const YNode* n = find(root, "financing")) financing(*n);
  if (const YNode* n = find(root, "vat")) vat(*n);
  if (const YNode* n = find(root, "taxes")) taxes(*n);
  named_items(find(root, "in_kind"), "in_kind", "in-kind item",
              [&](const std::string& name, const SourcePos& pos, const YNode& body, bool listed) {
                in_kind(name, pos, body, listed);
              });
  if (const YNode* n = find(root, "checks")) checks(*n);
  if (const YNode* n = find(root, "correlations")) correlations(*n);
  check_unique_names();
  if (const YNode* n = find(root, "outputs")) outputs(*n);
  return std::move(sc_);
}

/// Unknown keys are errors with a did-you-mean suggestion.
void Builder::check_keys(const YNode& map, const std::vector<std::string>& allowed,
                         const std::string& ctx) {
  for (const auto& c : map.children) {
    if (std::find(allowed.begin(), allowed.end(), c.key) != allowed.end()) continue;
    std::string where = ctx.empty() ? "" : " in " + ctx;
    std::string hint = suggestion(c.key, allowed);
    err(c.key_pos, "unknown key '" + c.key + "'" + where +
                       (hint.empty() ? "; valid keys: " + join(allowed) : hint));
  }
}

bool Builder::expect(const YNode& n, Kind kind, const std::string& what) {
  if (n.kind == kind) return true;
  static const char* names[] = {"nothing", "a single value", "a list", "a mapping (key: value)"};
  err(n.pos, what + ": expected " + names[static_cast<int>(kind)] + ", got " + describe(n));
  return false;
}

bool Builder::too_many(const YNode& n, const std::string& section) {
  if (n.children.size() <= Limits::max_items) return false;
  err(n.pos, section + ": " + std::to_string(n.children.size()) + " entries, at most " +
                 std::to_string(Limits::max_items) + " are allowed");
  return true;
}

/// .inf, -.Inf, .nan...: YAML's spellings of infinity and NaN, never a valid amount.
bool Builder::is_yaml_special_float(const std::string& t) {
  std::string v = t;
  if (!v.empty() && (v[0] == '+' || v[0] == '-')) v.erase(0, 1);
  return v == ".inf" || v == ".Inf" || v == ".INF" || v == ".nan" || v == ".NaN" || v == ".NAN";
}

/// " : write 1_100 (a space cannot separate thousands: use '_')", or "" when `text`
/// shows none of the usual spreadsheet spellings (see load_hints.hpp).
std::string Builder::fix_hint(const std::string& text) {
  auto f = fix_number_text(text);
  if (!f) return "";
  return ": write " + f->fixed + " (" + join(f->reasons, "; ") + ")";
}

/// "; ',' without a space is a decimal comma? write [0.8, 1.1, 1.5]" when joining the
/// glued pairs of a list (`0,8` read as 0 and 8) gives the `expected` count; else "".
std::string Builder::glued_commas_hint(const YNode& list, std::size_t expected) {
  if (list.kind != Kind::seq) return "";
  std::vector<std::string> fixed;
  bool any = false, merged = false;  // a value joins at most one neighbour
  for (std::size_t i = 0; i < list.children.size(); ++i) {
    const YNode& c = list.children[i];
    if (c.kind != Kind::scalar) return "";
    if (i > 0 && !merged && c.plain && comma_glued(list.children[i - 1], c.pos, c.text)) {
      fixed.back() = decimal_fix(list.children[i - 1].text, c.text);
      any = merged = true;
    } else {
      fixed.push_back(c.text);
      merged = false;
    }
  }
  if (!any || fixed.size() != expected) return "";
  return " (',' without a space reads as a list separator): decimals take a point: [" +
         join(fixed) + "]";
}

std::optional<Expr> Builder::expr_of(const YNode& n, const std::string& what) {
  if (n.kind != Kind::scalar || is_yaml_bool(n) || n.text.empty()) {
    err(n.pos, what + ": expected a number or an expression, got " + describe(n) +
                   (is_yaml_bool(n) ? " (write 1 for yes, 0 for no)" : ""));
    return std::nullopt;
  }
  if (std::string hint = fix_hint(n.text); !hint.empty()) {
    err(n.pos, what + ": '" + n.text + "' is not a number or an expression" + hint);
    return std::nullopt;
  }
  if (is_yaml_special_float(n.text)) {
    err(n.pos, what + ": expected a finite number or an expression, got '" + n.text +
                   "' (YAML infinity or NaN)");
    return std::nullopt;
  }
  if (auto v = literal(n.text); v && !(std::fabs(*v) < Limits::max_abs_value)) {
    err(n.pos, what + " is " + n.text + ", outside what amorce accepts (|x| < 1e12)");
    return Expr{
        n.text,
        n.pos};  // the file is refused; kept as written so no other check trips on a stand-in 0
  }
  if (n.text.size() > Limits::max_expression_length) {
    err(n.pos, what + ": expression of " + std::to_string(n.text.size()) + " characters, at most " +
                   std::to_string(Limits::max_expression_length));
    return std::nullopt;
  }
  return Expr{n.text, n.pos};
}

std::optional<Expr> Builder::opt_expr(const YNode& map, const char* key, const std::string& ctx) {
  const YNode* n = find(map, key);
  if (!n) return std::nullopt;
  return expr_of(*n, prefix(ctx) + key);
}

Expr Builder::req_expr(const YNode& map, const char* key, const std::string& ctx,
                       const SourcePos& at) {
  const YNode* n = find(map, key);
  if (!n) {
    err(at, prefix(ctx) + "missing '" + key + "'");
    return Expr{"0", at};
  }
  return expr_of(*n, prefix(ctx) + key).value_or(Expr{"0", n->pos});
}

/// Checks a number field when it is a plain literal (expressions are checked when run).
void Builder::check_lit(const std::optional<Expr>& e, const std::string& ctx, const char* key,
                        const std::function<bool(double)>& ok, const std::string& expected) {
  auto v = literal(e);
  if (v && !ok(*v)) err(e->pos, prefix(ctx) + key + " is " + num(*v) + ", expected " + expected);
}

void Builder::check_rate(const std::optional<Expr>& e, const std::string& ctx, const char* key) {
  check_lit(
      e, ctx, key, [](double v) { return v >= 0 && v <= 1; }, "a rate between 0 and 1");
}

/// A month after the horizon is legal (the item then never happens within the study, and
/// `check` and `run` warn about it); dates YYYY-MM are converted by the compiler.
void Builder::check_month(const std::optional<Expr>& e, const std::string& ctx, const char* key) {
  auto v = literal(e);
  if (!v) return;
  bool whole = std::floor(*v) == *v;
  if (!whole || *v < 0)
    err(e->pos, prefix(ctx) + key + " is " + num(*v) +
                    ", expected a whole month index >= 0 (0 is the start month) or a date YYYY-MM");
}

std::string Builder::text_of(const YNode* n, const std::string& what) {
  if (!n || n->kind == Kind::null) return "";
  if (n->kind != Kind::scalar) {
    err(n->pos, what + ": expected text, got " + describe(*n));
    return "";
  }
  return n->text;
}

/// One of a fixed set of words.
std::string Builder::choice(const YNode& map, const char* key, const std::string& ctx,
                            const std::vector<std::string>& options, const std::string& dflt) {
  const YNode* n = find(map, key);
  if (!n) return dflt;
  if (n->kind == Kind::scalar &&
      std::find(options.begin(), options.end(), n->text) != options.end())
    return n->text;
  std::string got = n->kind == Kind::scalar ? n->text : describe(*n);
  err(n->pos, prefix(ctx) + key + " '" + got + "' is not one of " + join(options, "|") +
                  (n->kind == Kind::scalar ? suggestion(n->text, options) : ""));
  return dflt;
}

std::optional<long long> Builder::int_field(const YNode& n, const std::string& what, long long lo,
                                            long long hi, const std::string& expected) {
  std::optional<long long> v;
  if (n.kind == Kind::scalar && !is_yaml_bool(n)) v = integer(n.text);
  if (!v || *v < lo || *v > hi) {
    err(n.pos, what + " is " + (n.kind == Kind::scalar ? n.text : describe(n)) + ", expected " +
                   expected + (n.kind == Kind::scalar && !v ? fix_hint(n.text) : ""));
    return std::nullopt;
  }
  return v;
}

std::optional<double> Builder::number_field(const YNode& n, const std::string& what) {
  std::optional<double> v;
  if (n.kind == Kind::scalar && !is_yaml_bool(n)) v = literal(n.text);
  if (!v)
    err(n.pos, what + ": expected a plain number, got " + describe(n) +
                   (n.kind == Kind::scalar ? fix_hint(n.text) : ""));
  if (v && !(std::fabs(*v) < Limits::max_abs_value)) {
    err(n.pos, what + " is " + n.text + ", outside what amorce accepts (|x| < 1e12)");
    return std::nullopt;
  }
  return v;
}

bool Builder::register_name(const std::string& name, const std::string& kind, const SourcePos& pos,
                            std::string note) {
  std::string problem = name_problem(name);
  if (!problem.empty()) {
    err(pos, kind + ": " + problem);
    return false;
  }
  names_.push_back({name, kind, pos, std::move(note)});
  return true;
}

void Builder::check_unique_names() {
  std::vector<const NameUse*> order;
  for (const auto& n : names_) order.push_back(&n);
  std::stable_sort(order.begin(), order.end(), [](const NameUse* a, const NameUse* b) {
    return std::tie(a->pos.file, a->pos.line, a->pos.column) <
           std::tie(b->pos.file, b->pos.line, b->pos.column);
  });
  std::map<std::string, const NameUse*, std::less<>> first;
  for (const NameUse* u : order) {
    auto [it, inserted] = first.emplace(u->name, u);
    if (inserted) continue;
    const NameUse* f = it->second;
    std::string where = "line " + std::to_string(f->pos.line);
    if (f->pos.file != u->pos.file) where = f->pos.file + ":" + std::to_string(f->pos.line);
    const std::string& note = u->note.empty() ? f->note : u->note;
    err(u->pos, "duplicate name '" + u->name + "': already used by the " + f->kind + " at " +
                    where + " (names must be unique across inputs, series and all items)" + note);
  }
}

std::vector<std::string> Builder::all_names(const char* kind) const {
  std::vector<std::string> v;
  for (const auto& n : names_)
    if (!kind || n.kind == kind) v.push_back(n.name);
  return v;
}

void Builder::top_level(const YNode& root) {
  SourcePos top{root.pos.file, 1, 1};
  sc_.file = root.pos.file;
  if (const YNode* n = find(root, "amorce")) {
    auto v = int_field(*n, "amorce (format version)", 1, 1,
                       "1: this engine reads version 1 of the scenario format");
    (void)v;
  } else {
    err(top, "missing 'amorce: 1' (the format version) at the top of the scenario");
  }
  sc_.name = text_of(find(root, "name"), "name");
  sc_.description = text_of(find(root, "description"), "description");
  if (const YNode* n = find(root, "start")) {
    start_date(*n);
  } else {
    err(top, "missing 'start' (the first simulated month, e.g. start: 2027-01)");
  }
  if (const YNode* n = find(root, "horizon")) {
    if (auto v = int_field(
            *n, "horizon", 1, Limits::max_horizon,
            "a whole number of months between 1 and " + std::to_string(Limits::max_horizon))) {
      sc_.horizon = static_cast<int>(*v);
      horizon_ok_ = true;
    }
  } else {
    err(top, "missing 'horizon' (the number of months simulated, e.g. horizon: 60)");
  }
  if (const YNode* n = find(root, "fiscal_year_start"))
    if (auto v = int_field(*n, "fiscal_year_start", 1, 12, "a calendar month between 1 and 12"))
      sc_.fiscal_year_start = static_cast<int>(*v);
}

void Builder::start_date(const YNode& n) {
  const std::string& t = n.text;
  bool shape = n.kind == Kind::scalar && t.size() >= 6 && t.size() <= 7 && t[4] == '-' &&
               std::all_of(t.begin(), t.begin() + 4, ::isdigit) &&
               std::all_of(t.begin() + 5, t.end(), ::isdigit);
  if (!shape) {
    std::string hint;  // 01/2027, 1/2027, 01-2027: the month first
    if (std::size_t sep = t.find_first_of("/-");
        n.kind == Kind::scalar && sep != std::string::npos && sep >= 1 && sep <= 2 &&
        t.size() == sep + 5 &&
        std::all_of(t.begin(), t.begin() + static_cast<long>(sep), ::isdigit) &&
        std::all_of(t.begin() + static_cast<long>(sep) + 1, t.end(), ::isdigit))
      hint = ": write " + t.substr(sep + 1) + "-" + (sep == 1 ? "0" : "") + t.substr(0, sep) +
             " (year first, then the month)";
    err(n.pos, "start: expected a month written YYYY-MM (e.g. 2027-01), got " + describe(n) + hint);
    return;
  }
  int y = std::stoi(t.substr(0, 4)), m = std::stoi(t.substr(5));
  bool ok = true;
  if (m < 1 || m > 12) {
    err(n.pos,
        "start: invalid date '" + t + "': month " + std::to_string(m) + " is not between 1 and 12");
    ok = false;
  }
  if (y < 1900 || y > 2200) {
    err(n.pos, "start: invalid date '" + t + "': year " + std::to_string(y) +
                   " is not between 1900 and 2200");
    ok = false;
  }
  if (ok) {
    sc_.start_year = y;
    sc_.start_month = m;
  }
}

void Builder::simulation(const YNode& n) {
  if (!expect(n, Kind::map, "simulation")) return;
  check_keys(n, {"paths", "seed", "sampling"}, "simulation");
  if (const YNode* p = find(n, "paths"))
    if (auto v = int_field(*p, "simulation.paths", 1, Limits::max_paths,
                           "a whole number between 1 and " + std::to_string(Limits::max_paths)))
      sc_.simulation.paths = *v;
  if (const YNode* s = find(n, "seed")) {
    std::string digits;
    for (char c : s->text)
      if (c != '_') digits += c;
    unsigned long long v = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (s->kind != Kind::scalar || digits.empty() || ec != std::errc() ||
        p != digits.data() + digits.size())
      err(s->pos, "simulation.seed is " + (s->kind == Kind::scalar ? s->text : describe(*s)) +
                      ", expected a non-negative whole number");
    else
      sc_.simulation.seed = v;
  }
  std::string sampling = choice(n, "sampling", "simulation", {"mc", "lhs", "sobol"}, "lhs");
  sc_.simulation.sampling = sampling == "mc"      ? Sampling::mc
                            : sampling == "sobol" ? Sampling::sobol
                                                  : Sampling::lhs;
}

/// Sections keyed by name: a map `name: {...}`, or a list of maps with `name:`.
void Builder::named_items(const YNode* n, const std::string& section, const std::string& kind,
                          const ItemFn& fn) {
  if (!n) return;
  if (n->kind == Kind::seq) {
    if (too_many(*n, section)) return;
    for (std::size_t i = 0; i < n->children.size(); ++i) {
      const YNode& e = n->children[i];
      const YNode* name = find(e, "name");
      if (e.kind != Kind::map || !name || name->kind != Kind::scalar || name->text.empty()) {
        err(e.pos, section + ": " + kind + " #" + std::to_string(i + 1) +
                       " needs a 'name:' (or write " + section + " as a mapping name: {...})");
        continue;
      }
      fn(name->text, name->pos, e, true);
    }
    return;
  }
  if (!expect(*n, Kind::map, section) || too_many(*n, section)) return;
  for (const auto& c : n->children) fn(c.key, c.key_pos, c, false);
}

/// Common fields of revenue, costs and in-kind items. A bare value is the amount.
bool Builder::item_base(ItemBase& it, const std::string& name, const SourcePos& pos,
                        const YNode& body, const std::string& kind, std::vector<std::string> keys,
                        bool listed) {
  it.name = name;
  it.pos = pos;
  register_name(name, kind, pos);
  std::string ctx = kind + " '" + name + "'";
  if (body.kind == Kind::scalar) {
    it.amount = expr_of(body, ctx + ": amount").value_or(Expr{"0", body.pos});
    return false;
  }
  if (!expect(body, Kind::map, ctx)) return false;
  for (const char* k : {"label", "amount", "from", "until"}) keys.push_back(k);
  if (listed) keys.push_back("name");
  check_keys(body, keys, ctx);
  it.label = text_of(find(body, "label"), ctx + ": label");
  it.amount = req_expr(body, "amount", ctx, pos);
  window(it.from, it.until, body, ctx);
  return true;
}

void Builder::window(std::optional<Expr>& from, std::optional<Expr>& until, const YNode& body,
                     const std::string& ctx) {
  from = opt_expr(body, "from", ctx);
  until = opt_expr(body, "until", ctx);
  check_lit(
      from, ctx, "from", [](double v) { return v >= 0; }, "a month >= 0");
  auto f = literal(from), u = literal(until);
  if (f && u && *u <= *f && *f >= 0)
    err(until->pos, prefix(ctx) + "until (" + num(*u) + ") must be after from (" + num(*f) +
                        "): until is the first month no longer included");
}

void Builder::paid_after(std::optional<Expr>& e, const YNode& body, const std::string& ctx) {
  e = opt_expr(body, "paid_after", ctx);
  check_lit(
      e, ctx, "paid_after", [](double v) { return v >= 0 && v <= 120; },
      "a number of months between 0 and 120");
}

}  // namespace amorce::load_detail
