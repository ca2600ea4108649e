/// Builder: revenue, costs, in-kind, staff, subsidies, investments and financing.
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

void Builder::revenue(const std::string& name, const SourcePos& pos, const YNode& body,
                      bool listed) {
  RevenueItem it;
  std::string ctx = "revenue item '" + name + "'";
  if (item_base(it, name, pos, body, "revenue item", {"vat_rate", "paid_after", "kind"}, listed)) {
    it.vat_rate = opt_expr(body, "vat_rate", ctx);
    check_rate(it.vat_rate, ctx, "vat_rate");
    paid_after(it.paid_after, body, ctx);
    it.kind = choice(body, "kind", ctx, {"sales", "services", "other"}, "sales");
  }
  sc_.revenue.push_back(std::move(it));
}

void Builder::cost(const std::string& name, const SourcePos& pos, const YNode& body, bool listed) {
  CostItem it;
  std::string ctx = "cost '" + name + "'";
  if (item_base(it, name, pos, body, "cost", {"vat_rate", "paid_after", "behaviour"}, listed)) {
    it.vat_rate = opt_expr(body, "vat_rate", ctx);
    check_rate(it.vat_rate, ctx, "vat_rate");
    paid_after(it.paid_after, body, ctx);
    it.behaviour = choice(body, "behaviour", ctx, {"fixed", "variable"}, "fixed");
  }
  sc_.costs.push_back(std::move(it));
}

void Builder::in_kind(const std::string& name, const SourcePos& pos, const YNode& body,
                      bool listed) {
  InKind it;
  item_base(it, name, pos, body, "in-kind item", {}, listed);
  sc_.in_kind.push_back(std::move(it));
}

void Builder::staff(const YNode& n) {
  if (!expect(n, Kind::seq, "staff") || too_many(n, "staff")) return;
  // A line without `name:` gets one derived from its role (name_from_role); the names
  // written with `name:` are reserved first, and equal derived names get _2, _3...
  std::set<std::string, std::less<>> taken;
  for (const auto& e : n.children)
    if (const YNode* nm = find(e, "name"); nm && nm->kind == Kind::scalar && !nm->text.empty())
      taken.insert(nm->text);
  for (std::size_t i = 0; i < n.children.size(); ++i) {
    const YNode& e = n.children[i];
    std::string ictx = "staff line #" + std::to_string(i + 1);
    if (!expect(e, Kind::map, ictx)) continue;
    StaffLine s;
    s.pos = e.pos;
    s.role = text_of(find(e, "role"), ictx + ": role");
    std::string given = text_of(find(e, "name"), ictx + ": name");
    std::string note;
    if (!given.empty()) {
      s.name = given;
    } else if (!s.role.empty()) {
      std::string base = name_from_role(s.role, Limits::max_name_length, reserved_words());
      if (base.empty()) {
        err(find(e, "role")->pos, ictx + ": cannot derive a name from role '" + s.role +
                                      "' (no letter or digit): add a name, e.g. name: staff_" +
                                      std::to_string(i + 1));
        continue;
      }
      s.name = base;
      for (int k = 2; taken.count(s.name); ++k) s.name = base + "_" + std::to_string(k);
      taken.insert(s.name);
      note = "; this staff line's name '" + s.name + "' is derived from its role '" + s.role +
             "': give it another one with name:";
    }
    if (s.role.empty()) s.role = s.name;
    if (s.name.empty()) {
      err(e.pos, ictx + ": needs a 'role:' (or a 'name:')");
      continue;
    }
    const YNode* name_node = find(e, given.empty() ? "role" : "name");
    s.pos = name_node->pos;
    std::string ctx = "staff '" + s.name + "'";
    register_name(s.name, "staff line", s.pos, note);
    check_keys(e,
               {"name", "role", "label", "fte", "gross_monthly", "employer_rate", "raise", "from",
                "until"},
               ctx);
    s.label = text_of(find(e, "label"), ctx + ": label");
    s.fte = req_expr(e, "fte", ctx, s.pos);
    s.gross_monthly = req_expr(e, "gross_monthly", ctx, s.pos);
    s.employer_rate = req_expr(e, "employer_rate", ctx, s.pos);
    check_lit(
        s.fte, ctx, "fte", [](double v) { return v >= 0; }, "a number >= 0");
    check_lit(
        s.gross_monthly, ctx, "gross_monthly", [](double v) { return v >= 0; }, "an amount >= 0");
    check_lit(
        s.employer_rate, ctx, "employer_rate", [](double v) { return v >= 0 && v <= 1.5; },
        "a rate between 0 and 1.5");
    s.raise = opt_expr(e, "raise", ctx);
    check_lit(
        s.raise, ctx, "raise", [](double v) { return v > -1 && v <= 1; },
        "a yearly rate between -1 and 1");
    window(s.from, s.until, e, ctx);
    sc_.staff.push_back(std::move(s));
  }
}

/// Grant payments; default one payment of the whole amount at `start`.
std::vector<Payment> Builder::payments(const YNode& owner, const SourcePos& owner_pos,
                                       const std::string& ctx) {
  const YNode* n = find(owner, "payments");
  if (!n) return {Payment{Expr{"1", owner_pos}, Expr{"start", owner_pos}, owner_pos}};
  std::vector<Payment> out;
  if (n->kind != Kind::seq || n->children.empty()) {
    err(n->pos,
        ctx + ": payments: expected a list such as [{share: 1, at: start}], got " + describe(*n));
    return out;
  }
  if (too_many(*n, ctx + ": payments")) return out;
  bool all_lit = true;
  double sum = 0;
  for (const auto& p : n->children) {
    std::string pctx = ctx + ": payment";
    if (!expect(p, Kind::map, pctx)) {
      all_lit = false;
      continue;
    }
    check_keys(p, {"share", "at"}, pctx);
    Payment pay;
    pay.pos = p.pos;
    pay.share = req_expr(p, "share", pctx, p.pos);
    pay.at = req_expr(p, "at", pctx, p.pos);
    auto v = literal(pay.share.text);
    if (!find(p, "share") || !v) {
      all_lit = false;
    } else {
      if (*v < 0 || *v > 1)
        err(pay.share.pos, pctx + " share is " + num(*v) + ", expected a number between 0 and 1");
      sum += *v;
    }
    out.push_back(std::move(pay));
  }
  if (all_lit && std::abs(sum - 1) > 1e-9)
    err(n->pos, ctx + ": payment shares sum to " + num(sum) + ", expected 1");
  return out;
}

/// The `name:` of a list item, or nullptr (after reporting why) when the item is not a
/// mapping with a name: subsidies, investments and loans are matched by name in variants.
const YNode* Builder::item_name(const YNode& e, const std::string& ictx) {
  if (!expect(e, Kind::map, ictx)) return nullptr;
  const YNode* name = find(e, "name");
  if (!name || name->kind != Kind::scalar || name->text.empty()) {
    err(e.pos, ictx + ": needs a 'name:'");
    return nullptr;
  }
  return name;
}

void Builder::subsidies(const YNode& n) {
  if (!expect(n, Kind::seq, "subsidies") || too_many(n, "subsidies")) return;
  for (std::size_t i = 0; i < n.children.size(); ++i) {
    const YNode& e = n.children[i];
    std::string ictx = "subsidy #" + std::to_string(i + 1);
    const YNode* name = item_name(e, ictx);
    if (!name) continue;
    Subsidy s;
    s.name = name->text;
    s.pos = name->pos;
    std::string ctx = "subsidy '" + s.name + "'";
    register_name(s.name, "subsidy", s.pos);
    check_keys(
        e, {"name", "label", "amount", "period", "from", "until", "granted", "payments", "kind"},
        ctx);
    s.label = text_of(find(e, "label"), ctx + ": label");
    s.amount = req_expr(e, "amount", ctx, s.pos);
    window(s.from, s.until, e, ctx);
    s.period = choice(e, "period", ctx, {"year", "once", "month"}, "year");
    s.kind = choice(e, "kind", ctx, {"operating", "job"}, "operating");
    s.granted = opt_expr(e, "granted", ctx);
    check_lit(
        s.granted, ctx, "granted", [](double v) { return v >= 0 && v <= 1; },
        "a probability between 0 and 1");
    s.payments = payments(e, s.pos, ctx);
    sc_.subsidies.push_back(std::move(s));
  }
}

void Builder::investments(const YNode& n) {
  if (!expect(n, Kind::seq, "investments") || too_many(n, "investments")) return;
  for (std::size_t i = 0; i < n.children.size(); ++i) {
    const YNode& e = n.children[i];
    std::string ictx = "investment #" + std::to_string(i + 1);
    const YNode* name = item_name(e, ictx);
    if (!name) continue;
    Investment inv;
    inv.name = name->text;
    inv.pos = name->pos;
    std::string ctx = "investment '" + inv.name + "'";
    register_name(inv.name, "investment", inv.pos);
    check_keys(e, {"name", "label", "amount", "month", "life", "vat_rate", "grant"}, ctx);
    inv.label = text_of(find(e, "label"), ctx + ": label");
    inv.amount = req_expr(e, "amount", ctx, inv.pos);
    check_lit(
        inv.amount, ctx, "amount", [](double v) { return v >= 0; }, "an amount >= 0");
    inv.month = opt_expr(e, "month", ctx).value_or(Expr{"0", inv.pos});
    check_month(inv.month, ctx, "month");
    inv.life = req_expr(e, "life", ctx, inv.pos);
    check_lit(
        inv.life, ctx, "life", [](double v) { return v > 0; }, "a number of months > 0");
    inv.vat_rate = opt_expr(e, "vat_rate", ctx);
    check_rate(inv.vat_rate, ctx, "vat_rate");
    if (const YNode* g = find(e, "grant")) {
      std::string gctx = ctx + ": grant";
      if (expect(*g, Kind::map, gctx)) {
        check_keys(*g, {"label", "amount", "share", "granted", "payments"}, gctx);
        InvestmentGrant gr;
        gr.pos = g->pos;
        gr.amount = opt_expr(*g, "amount", gctx);
        gr.share = opt_expr(*g, "share", gctx);
        if ((find(*g, "amount") != nullptr) == (find(*g, "share") != nullptr))
          err(g->pos, gctx + ": give exactly one of 'amount' or 'share' (of the investment)");
        check_rate(gr.share, gctx, "share");
        gr.granted = opt_expr(*g, "granted", gctx);
        check_lit(
            gr.granted, gctx, "granted", [](double v) { return v >= 0 && v <= 1; },
            "a probability between 0 and 1");
        gr.payments = payments(*g, g->pos, gctx);
        inv.grant = std::move(gr);
      }
    }
    sc_.investments.push_back(std::move(inv));
  }
}

void Builder::financing(const YNode& n) {
  if (!expect(n, Kind::map, "financing")) return;
  check_keys(n, {"opening_cash", "equity", "loans"}, "financing");
  sc_.financing.opening_cash = opt_expr(n, "opening_cash", "financing");
  if (const YNode* eq = find(n, "equity");
      eq && expect(*eq, Kind::seq, "financing.equity") && !too_many(*eq, "financing.equity")) {
    for (std::size_t i = 0; i < eq->children.size(); ++i) {
      const YNode& e = eq->children[i];
      std::string ctx = "equity #" + std::to_string(i + 1);
      if (!expect(e, Kind::map, ctx)) continue;
      check_keys(e, {"amount", "month", "label"}, ctx);
      EquityContribution c;
      c.pos = e.pos;
      c.label = text_of(find(e, "label"), ctx + ": label");
      c.amount = req_expr(e, "amount", ctx, e.pos);
      c.month = opt_expr(e, "month", ctx).value_or(Expr{"0", e.pos});
      check_month(c.month, ctx, "month");
      sc_.financing.equity.push_back(std::move(c));
    }
  }
  if (const YNode* ln = find(n, "loans");
      ln && expect(*ln, Kind::seq, "financing.loans") && !too_many(*ln, "financing.loans")) {
    for (std::size_t i = 0; i < ln->children.size(); ++i) {
      const YNode& e = ln->children[i];
      std::string ictx = "loan #" + std::to_string(i + 1);
      const YNode* name = item_name(e, ictx);
      if (!name) continue;
      Loan l;
      l.name = name->text;
      l.pos = name->pos;
      std::string ctx = "loan '" + l.name + "'";
      register_name(l.name, "loan", l.pos);
      check_keys(e, {"name", "label", "principal", "month", "rate", "term", "deferral", "type"},
                 ctx);
      l.label = text_of(find(e, "label"), ctx + ": label");
      l.principal = req_expr(e, "principal", ctx, l.pos);
      check_lit(
          l.principal, ctx, "principal", [](double v) { return v >= 0; }, "an amount >= 0");
      l.month = opt_expr(e, "month", ctx).value_or(Expr{"0", l.pos});
      check_month(l.month, ctx, "month");
      l.rate = req_expr(e, "rate", ctx, l.pos);
      check_lit(
          l.rate, ctx, "rate", [](double v) { return v >= 0 && v <= 1; },
          "a yearly rate between 0 and 1");
      l.term = req_expr(e, "term", ctx, l.pos);
      check_lit(
          l.term, ctx, "term", [](double v) { return v > 0 && std::floor(v) == v; },
          "a whole number of months > 0");
      l.deferral = opt_expr(e, "deferral", ctx);
      auto t = literal(l.term), d = literal(l.deferral);
      if (d && (*d < 0 || std::floor(*d) != *d))
        err(l.deferral->pos,
            ctx + ": deferral is " + num(*d) + ", expected a whole number of months >= 0");
      else if (d && t && *d >= *t)
        err(l.deferral->pos, ctx + ": deferral (" + num(*d) +
                                 " months) must be shorter than the term (" + num(*t) +
                                 " months, deferral included)");
      l.type = choice(e, "type", ctx, {"annuity", "linear", "bullet"}, "annuity");
      sc_.financing.loans.push_back(std::move(l));
    }
  }
}

}  // namespace amorce::load_detail
