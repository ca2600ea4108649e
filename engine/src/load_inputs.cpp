/// Builder: inputs and their laws, series, correlations.
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
#include "load_builder.hpp"

namespace amorce::load_detail {

void Builder::inputs(const YNode& n) {
  if (!expect(n, Kind::map, "inputs") || too_many(n, "inputs")) return;
  for (const auto& c : n.children) {
    Input in;
    in.name = c.key;
    in.pos = c.key_pos;
    std::string ctx = "input '" + c.key + "'";
    register_name(c.key, "input", c.key_pos);
    if (c.kind == Kind::map) {
      input_map(c, ctx, in);
    } else if (auto e = expr_of(c, ctx)) {
      in.fixed = *e;
    }
    sc_.inputs.push_back(std::move(in));
  }
}

void Builder::input_map(const YNode& c, const std::string& ctx, Input& in) {
  std::vector<std::string> allowed = law_names();
  for (const char* k : {"value", "base", "each", "label", "unit", "lambda", "min", "max"})
    allowed.push_back(k);
  std::vector<const YNode*> laws;
  std::vector<const YNode*> unknown;
  for (const auto& e : c.children) {
    if (e.key == "value" ||
        std::any_of(kLaws.begin(), kLaws.end(), [&](const LawInfo& l) { return e.key == l.key; }))
      laws.push_back(&e);
    else if (std::find(allowed.begin(), allowed.end(), e.key) == allowed.end())
      unknown.push_back(&e);
  }
  std::string valid = "valid laws: " + join(law_names()) + " (or a plain value)";
  for (const YNode* u : unknown) {
    if (laws.empty())
      err(u->key_pos, ctx + ": unknown distribution '" + u->key + "'" +
                          suggestion(u->key, law_names()) + "; " + valid);
    else
      err(u->key_pos, ctx + ": unknown key '" + u->key + "'" + suggestion(u->key, allowed) +
                          "; valid keys: " + join(allowed));
  }
  if (laws.empty()) {
    if (unknown.empty()) err(c.pos, ctx + ": no distribution given; " + valid);
    return;
  }
  if (laws.size() > 1) {
    err(laws[1]->key_pos, ctx + ": gives two laws '" + laws[0]->key + "' and '" + laws[1]->key +
                              "'; use exactly one; " + valid);
    return;
  }
  in.label = text_of(find(c, "label"), ctx + ": label");
  in.unit = text_of(find(c, "unit"), ctx + ": unit");
  if (const YNode* e = find(c, "each")) {
    if (e->kind == Kind::scalar && (e->text == "month" || e->text == "path"))
      in.each_month = e->text == "month";
    else
      err(e->pos, ctx + ": each is " + describe(*e) + ", expected 'month' (or 'path')");
  }
  const YNode& lawnode = *laws[0];
  if (lawnode.key == "value") {
    for (const char* k : {"base", "each", "lambda", "min", "max"})
      if (const YNode* x = find(c, k))
        err(x->key_pos, ctx + ": '" + std::string(k) + "' applies only to a distribution");
    if (auto e = expr_of(lawnode, ctx)) in.fixed = *e;
    in.each_month = false;
    return;
  }
  Law law = std::find_if(kLaws.begin(), kLaws.end(), [&](const LawInfo& l) {
              return lawnode.key == l.key;
            })->law;
  Distribution d;
  d.law = law;
  std::string lctx = ctx + ": " + lawnode.key;
  auto extra_ok = [&](const char* k, std::initializer_list<Law> ok) {
    const YNode* x = find(c, k);
    if (!x) return;
    if (std::find(ok.begin(), ok.end(), law) == ok.end()) {
      err(x->key_pos,
          ctx + ": '" + std::string(k) + "' does not apply to a " + lawnode.key + " law");
      return;
    }
    auto e = expr_of(*x, ctx + ": " + k);
    if (std::string(k) == "lambda")
      d.lambda = e;
    else if (std::string(k) == "min")
      d.min = e;
    else
      d.max = e;
  };
  extra_ok("lambda", {Law::pert});
  extra_ok("min", {Law::normal, Law::beta});
  extra_ok("max", {Law::normal, Law::beta});
  d.base = opt_expr(c, "base", ctx);

  auto list_params = [&](std::size_t count, const std::string& form) -> bool {
    if (lawnode.kind != Kind::seq || lawnode.children.size() != count) {
      std::string got = describe(lawnode);
      if (lawnode.kind == Kind::seq) got = std::to_string(lawnode.children.size()) + " values";
      err(lawnode.pos,
          lctx + " expects " + form + ", got " + got + glued_commas_hint(lawnode, count));
      return false;
    }
    for (const auto& p : lawnode.children)
      d.params.push_back(expr_of(p, lctx).value_or(Expr{"0", p.pos}));
    return true;
  };
  auto map_params = [&](const std::vector<std::string>& keys) -> bool {
    std::string form = "{" + join(keys) + "}";
    if (lawnode.kind == Kind::seq) return list_params(keys.size(), form);
    if (lawnode.kind != Kind::map) {
      err(lawnode.pos, lctx + " expects " + form + ", got " + describe(lawnode));
      return false;
    }
    // The bounds of a normal or beta may also be written inside the law's map
    // ({mean: 120, sd: 30, min: 20}): they mean the same as beside it.
    bool bounded = law == Law::normal || law == Law::beta;
    std::vector<std::string> allowed = keys;
    for (const char* b : {"min", "max"}) {
      const YNode* x = find(lawnode, b);
      if (!x) continue;
      if (!bounded) {
        err(x->key_pos, lctx + ": '" + b + "' does not apply to a " + lawnode.key +
                            " law (only normal and beta take bounds)");
      } else if (find(c, b)) {
        err(x->key_pos, ctx + ": '" + b + "' is given twice, inside " + lawnode.key +
                            " and beside it; keep one");
      } else {
        (std::string(b) == "min" ? d.min : d.max) = expr_of(*x, ctx + ": " + b);
      }
      allowed.push_back(b);
    }
    check_keys(lawnode, allowed, lctx);
    for (const auto& k : keys) d.params.push_back(req_expr(lawnode, k.c_str(), lctx, lawnode.pos));
    return true;
  };
  auto scalar_param = [&](const std::string& what) -> bool {
    if (lawnode.kind == Kind::map || lawnode.kind == Kind::seq) {
      err(lawnode.pos, lctx + " expects a single " + what + ", got " + describe(lawnode));
      return false;
    }
    auto e = expr_of(lawnode, lctx);
    if (!e) return false;
    d.params.push_back(*e);
    return true;
  };
  auto values_list = [&](const YNode& v, std::vector<Expr>& out, const std::string& what) {
    if (v.kind != Kind::seq || v.children.empty()) {
      err(v.pos, what + ": expected a non-empty list of numbers, got " + describe(v));
      return false;
    }
    if (v.children.size() > Limits::max_items) {
      err(v.pos, what + ": more than " + std::to_string(Limits::max_items) + " values");
      return false;
    }
    for (const auto& p : v.children) out.push_back(expr_of(p, what).value_or(Expr{"0", p.pos}));
    return true;
  };
  auto P = [&](std::size_t i) { return literal(d.params[i].text); };
  auto positive = [&](std::size_t i, const char* what) {
    if (auto v = P(i); v && *v <= 0)
      err(d.params[i].pos, lctx + ": " + what + " is " + num(*v) + ", expected a number > 0");
  };
  auto probability = [&](std::size_t i) {
    if (auto v = P(i); v && (*v < 0 || *v > 1))
      err(d.params[i].pos,
          lctx + ": probability is " + num(*v) + ", expected a number between 0 and 1");
  };
  auto min_max = [&]() {
    auto a = literal(d.min), b = literal(d.max);
    if (a && b && *a >= *b)
      err(d.max->pos, ctx + ": min " + num(*a) + " must be below max " + num(*b));
  };

  switch (law) {
    case Law::uniform:
      if (list_params(2, "a list [a, b]"))
        if (auto a = P(0), b = P(1); a && b && *a >= *b)
          err(lawnode.pos,
              lctx + ": lower bound " + num(*a) + " must be below upper bound " + num(*b));
      break;
    case Law::triangular:
    case Law::pert:
      if (list_params(3, "a list [min, mode, max]")) {
        auto a = P(0), m = P(1), b = P(2);
        if (a && m && b && !(*a <= *m && *m <= *b && *a < *b))
          err(lawnode.pos, lctx + ": expected min <= mode <= max with min < max, got [" + num(*a) +
                               ", " + num(*m) + ", " + num(*b) + "]");
      }
      if (auto l = literal(d.lambda); l && *l <= 0)
        err(d.lambda->pos, ctx + ": lambda is " + num(*l) + ", expected a number > 0");
      break;
    case Law::normal:
      if (map_params({"mean", "sd"})) positive(1, "sd");
      min_max();
      break;
    case Law::lognormal:
      if (map_params({"mean", "sd"})) {
        positive(0, "mean");
        positive(1, "sd");
      }
      break;
    case Law::between:
      if (list_params(2, "a list [p5, p95]"))
        if (auto a = P(0), b = P(1); a && b && *a >= *b)
          err(lawnode.pos, lctx + ": p5 " + num(*a) + " must be below p95 " + num(*b));
      break;
    case Law::beta:
      if (map_params({"alpha", "beta"})) {
        positive(0, "alpha");
        positive(1, "beta");
      }
      min_max();
      break;
    case Law::gamma:
      if (map_params({"shape", "scale"})) {
        positive(0, "shape");
        positive(1, "scale");
      }
      break;
    case Law::poisson:
      if (scalar_param("mean"))
        if (auto v = P(0); v && *v < 0)
          err(d.params[0].pos, lctx + ": mean is " + num(*v) + ", expected a number >= 0");
      break;
    case Law::binomial:
      if (map_params({"n", "p"})) {
        if (auto v = P(0); v && (*v < 0 || std::floor(*v) != *v))
          err(d.params[0].pos, lctx + ": n is " + num(*v) + ", expected a whole number >= 0");
        probability(1);
      }
      break;
    case Law::bernoulli:
      if (scalar_param("probability")) probability(0);
      break;
    case Law::discrete: {
      if (lawnode.kind != Kind::map) {
        err(lawnode.pos,
            lctx + " expects {values: [...], weights: [...]}, got " + describe(lawnode));
        break;
      }
      check_keys(lawnode, {"values", "weights"}, lctx);
      const YNode* v = find(lawnode, "values");
      if (!v) {
        err(lawnode.pos, lctx + ": missing 'values'");
        break;
      }
      if (!values_list(*v, d.values, lctx + ": values")) break;
      if (const YNode* w = find(lawnode, "weights")) {
        if (!values_list(*w, d.weights, lctx + ": weights")) break;
        if (d.weights.size() != d.values.size()) {
          err(w->pos, lctx + ": " + std::to_string(d.weights.size()) + " weights for " +
                          std::to_string(d.values.size()) + " values; give one weight per value");
          break;
        }
        bool all_lit = true;
        double sum = 0;
        for (const auto& e : d.weights) {
          auto x = literal(e.text);
          if (!x) {
            all_lit = false;
            continue;
          }
          if (*x < 0) err(e.pos, lctx + ": weight is " + num(*x) + ", expected a number >= 0");
          sum += *x;
        }
        if (all_lit && sum <= 0)
          err(w->pos, lctx + ": weights sum to " + num(sum) + ", expected a positive total");
      } else {
        for (const auto& e : d.values) d.weights.push_back(Expr{"1", e.pos});  // equally likely
      }
      break;
    }
    case Law::empirical:
      values_list(lawnode, d.values, lctx);
      break;
  }
  in.dist = std::move(d);
}

void Builder::series(const YNode& n) {
  if (!expect(n, Kind::map, "series") || too_many(n, "series")) return;
  for (const auto& c : n.children) {
    Series s;
    s.name = c.key;
    s.pos = c.key_pos;
    std::string ctx = "series '" + c.key + "'";
    register_name(c.key, "series", c.key_pos);
    if (c.kind == Kind::map) {
      check_keys(c, {"value", "label"}, ctx);
      s.expr = req_expr(c, "value", ctx, c.key_pos);
      s.label = text_of(find(c, "label"), ctx + ": label");
    } else {
      s.expr = expr_of(c, ctx).value_or(Expr{"0", c.pos});
    }
    sc_.series.push_back(std::move(s));
  }
}

void Builder::correlations(const YNode& n) {
  if (!expect(n, Kind::seq, "correlations") || too_many(n, "correlations")) return;
  std::vector<std::string> input_names;
  for (const auto& in : sc_.inputs) input_names.push_back(in.name);
  std::map<std::pair<std::string, std::string>, int> seen;
  for (const auto& e : n.children) {
    if (e.kind != Kind::seq || e.children.size() != 3) {
      err(e.pos, "correlations: expected [input_a, input_b, rho], got " + describe(e));
      continue;
    }
    Correlation c;
    c.pos = e.pos;
    bool ok = true;
    for (int k = 0; k < 2; ++k) {
      const YNode& x = e.children[static_cast<std::size_t>(k)];
      if (x.kind != Kind::scalar) {
        err(x.pos, "correlations: expected an input name, got " + describe(x));
        ok = false;
        continue;
      }
      (k == 0 ? c.a : c.b) = x.text;
      auto in = std::find_if(sc_.inputs.begin(), sc_.inputs.end(),
                             [&](const Input& i) { return i.name == x.text; });
      if (in == sc_.inputs.end()) {
        err(x.pos,
            "correlations: unknown input '" + x.text + "'" + suggestion(x.text, input_names));
        ok = false;
      } else if (!in->dist) {
        err(x.pos, "correlations: input '" + x.text +
                       "' is a fixed value; only uncertain inputs can be correlated");
        ok = false;
      } else if (in->each_month) {
        err(x.pos, "correlations: input '" + x.text +
                       "' is drawn every month (each: month); only inputs drawn once per path "
                       "can be correlated");
        ok = false;
      }
    }
    if (auto rho = number_field(e.children[2], "correlations: rho")) {
      if (*rho < -1 || *rho > 1) {
        err(e.children[2].pos,
            "correlations: rho is " + num(*rho) + ", expected a number between -1 and 1");
        ok = false;
      }
      c.rho = *rho;
    } else {
      ok = false;
    }
    if (!c.a.empty() && c.a == c.b) {
      err(e.pos, "correlations: '" + c.a + "' is correlated with itself");
      ok = false;
    }
    auto key = std::minmax(c.a, c.b);
    auto [it, inserted] = seen.emplace(std::pair{key.first, key.second}, e.pos.line);
    if (!inserted && !c.a.empty() && !c.b.empty()) {
      err(e.pos, "correlations: the pair '" + c.a + "', '" + c.b + "' is already given at line " +
                     std::to_string(it->second));
      ok = false;
    }
    if (ok) sc_.correlations.push_back(std::move(c));
  }
}

}  // namespace amorce::load_detail
