/// Builder: VAT, taxes and payroll tax, checks, outputs.
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

void Builder::vat(const YNode& n) {
  if (!expect(n, Kind::map, "vat")) return;
  check_keys(n,
             {"regime", "default_rate", "refund", "refund_delay", "refund_min", "refund_min_year"},
             "vat");
  sc_.vat.regime = choice(n, "regime", "vat", {"none", "monthly", "quarterly"}, "none");
  sc_.vat.default_rate = opt_expr(n, "default_rate", "vat");
  check_rate(sc_.vat.default_rate, "vat", "default_rate");
  sc_.vat.refund = choice(n, "refund", "vat", {"period", "year", "none"}, "period");
  sc_.vat.refund_delay = opt_expr(n, "refund_delay", "vat");
  check_lit(
      sc_.vat.refund_delay, "vat", "refund_delay", [](double v) { return v >= 1 && v <= 120; },
      "a number of months between 1 and 120");
  using Amount = std::pair<const char*, double*>;
  for (auto [key, field] : {Amount{"refund_min", &sc_.vat.refund_min},
                            Amount{"refund_min_year", &sc_.vat.refund_min_year}})
    if (const YNode* a = find(n, key))
      if (auto v = number_field(*a, std::string("vat: ") + key)) {
        if (*v < 0)
          err(a->pos, std::string("vat: ") + key + " is " + num(*v) + ", expected an amount >= 0");
        *field = *v;
      }
}

void Builder::taxes(const YNode& n) {
  if (!expect(n, Kind::map, "taxes")) return;
  check_keys(n, {"payroll_tax", "corporate_tax"}, "taxes");
  if (const YNode* p = find(n, "payroll_tax")) payroll(*p);
  if (const YNode* c = find(n, "corporate_tax");
      c && expect(*c, Kind::map, "taxes.corporate_tax")) {
    const std::string ctx = "taxes.corporate_tax";
    check_keys(*c, {"rate", "instalments", "instalment_threshold"}, ctx);
    sc_.taxes.corporate_tax_rate = req_expr(*c, "rate", ctx, c->pos);
    check_rate(sc_.taxes.corporate_tax_rate, ctx, "rate");
    sc_.taxes.corporate_instalments =
        choice(*c, "instalments", ctx, {"true", "false"}, "true") == "true";
    if (const YNode* t = find(*c, "instalment_threshold"))
      if (auto v = number_field(*t, ctx + ": instalment_threshold")) {
        if (*v < 0)
          err(t->pos, ctx + ": instalment_threshold is " + num(*v) + ", expected an amount >= 0");
        sc_.taxes.corporate_instalment_threshold = *v;
      }
  }
}

void Builder::payroll(const YNode& p) {
  const std::string ctx = "taxes.payroll_tax";
  if (!expect(p, Kind::map, ctx)) return;
  check_keys(p, {"brackets", "allowance"}, ctx);
  PayrollTax pt;
  pt.pos = p.pos;
  if (const YNode* a = find(p, "allowance"))
    if (auto v = number_field(*a, ctx + ": allowance")) {
      if (*v < 0) err(a->pos, ctx + ": allowance is " + num(*v) + ", expected an amount >= 0");
      pt.allowance = *v;
    }
  const YNode* b = find(p, "brackets");
  const std::string form = "a list such as [[9_147, 0.0425], [18_259, 0.085], [null, 0.136]]";
  if (!b) {
    err(p.pos, ctx + ": missing 'brackets' (" + form + ")");
  } else if (b->kind != Kind::seq || b->children.empty()) {
    err(b->pos, ctx + ": brackets: expected " + form + ", got " + describe(*b));
  } else if (!too_many(*b, ctx + ": brackets")) {
    std::optional<double> prev;
    for (std::size_t i = 0; i < b->children.size(); ++i) {
      const YNode& e = b->children[i];
      bool last = i + 1 == b->children.size();
      if (e.kind != Kind::seq || e.children.size() != 2) {
        err(e.pos, ctx + ": bracket should be [limit, rate] (limit null for the last), got " +
                       describe(e));
        continue;
      }
      std::optional<double> limit;
      const YNode& l = e.children[0];
      if (l.kind == Kind::null) {
        if (!last) err(l.pos, ctx + ": only the last bracket may have no limit (null)");
      } else {
        limit = number_field(l, ctx + ": bracket limit");
        if (last) err(l.pos, ctx + ": the last bracket must have limit null (no upper bound)");
        if (limit && *limit <= 0)
          err(l.pos, ctx + ": bracket limit " + num(*limit) + " must be > 0");
        if (limit && prev && *limit <= *prev)
          err(l.pos, ctx + ": bracket limits must increase, but " + num(*limit) + " follows " +
                         num(*prev));
        if (limit) prev = limit;
      }
      auto rate = number_field(e.children[1], ctx + ": bracket rate");
      if (rate && (*rate < 0 || *rate > 1))
        err(e.children[1].pos,
            ctx + ": bracket rate is " + num(*rate) + ", expected a rate between 0 and 1");
      pt.brackets.emplace_back(limit, rate.value_or(0));
    }
  }
  sc_.taxes.payroll_tax = std::move(pt);
}

void Builder::checks(const YNode& n) {
  if (!expect(n, Kind::map, "checks") || too_many(n, "checks")) return;
  for (const auto& c : n.children) {
    std::string ctx = "check '" + c.key + "'";
    if (std::string p = name_problem(c.key); !p.empty()) err(c.key_pos, ctx + ": " + p);
    if (c.kind != Kind::scalar || is_yaml_bool(c) || c.text.empty()) {
      err(c.pos, ctx + ": expected a rule such as 'revenue <= 0.30 * charges', got " + describe(c));
      continue;
    }
    if (auto e = expr_of(c, ctx)) sc_.checks.push_back(Check{c.key, *e});
  }
}

void Builder::outputs(const YNode& n) {
  if (!expect(n, Kind::map, "outputs")) return;
  sc_.outputs.pos = n.pos;
  check_keys(n, {"discount_rate", "breakeven_window", "quantiles", "series"}, "outputs");
  if (const YNode* d = find(n, "discount_rate"))
    if (auto v = number_field(*d, "outputs.discount_rate")) {
      if (*v <= -1)
        err(d->pos, "outputs.discount_rate is " + num(*v) + ", expected a yearly rate > -1");
      else
        sc_.outputs.discount_rate = *v;
    }
  if (const YNode* w = find(n, "breakeven_window")) {
    int hi = horizon_ok_ ? sc_.horizon : Limits::max_horizon;
    if (auto v = int_field(
            *w, "outputs.breakeven_window", 1, hi,
            "a whole number of months between 1 and the horizon (" + std::to_string(hi) + ")"))
      sc_.outputs.breakeven_window = static_cast<int>(*v);
  }
  if (const YNode* q = find(n, "quantiles")) {
    if (q->kind != Kind::seq || q->children.empty()) {
      err(q->pos, "outputs.quantiles: expected a list of percentiles such as [5, 50, 95], got " +
                      describe(*q));
    } else if (!too_many(*q, "outputs.quantiles")) {
      std::vector<double> qs;
      for (const auto& e : q->children)
        if (auto v = number_field(e, "outputs.quantiles")) {
          if (*v <= 0 || *v >= 100)
            err(e.pos, "outputs.quantiles: " + num(*v) +
                           " is not a percentile strictly between 0 and 100");
          else
            qs.push_back(*v);
        }
      std::sort(qs.begin(), qs.end());
      qs.erase(std::unique(qs.begin(), qs.end()), qs.end());
      sc_.outputs.quantiles = qs;
    }
  }
  if (const YNode* s = find(n, "series")) {
    if (!expect(*s, Kind::seq, "outputs.series") || too_many(*s, "outputs.series")) return;
    std::vector<std::string> known = all_names();
    for (const auto& e : s->children) {
      if (e.kind != Kind::scalar) {
        err(e.pos, "outputs.series: expected a name, got " + describe(e));
        continue;
      }
      if (std::find(known.begin(), known.end(), e.text) == known.end()) {
        err(e.pos, "outputs.series: unknown name '" + e.text + "'" + suggestion(e.text, known) +
                       "; list series, inputs or items declared in the scenario");
        continue;
      }
      if (std::find(sc_.outputs.series.begin(), sc_.outputs.series.end(), e.text) ==
          sc_.outputs.series.end())
        sc_.outputs.series.push_back(e.text);
    }
  }
}

}  // namespace amorce::load_detail
