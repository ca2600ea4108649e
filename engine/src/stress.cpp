#include "amorce/stress.hpp"

#include <cctype>
#include <fmt/format.h>

#include "amorce/compile.hpp"
#include "amorce/ledger.hpp"

namespace amorce {

namespace {

bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string num(double v) { return fmt::format("{:.17g}", v); }

}  // namespace

std::string rewrite_calls(const std::string& t, const std::string& fn,
                          const std::function<std::string(std::vector<std::string>)>& rewrite) {
  std::string out;
  std::size_t i = 0;
  while (i < t.size()) {
    if (ident_char(t[i]) && (i == 0 || !ident_char(t[i - 1]))) {
      std::size_t j = i;
      while (j < t.size() && ident_char(t[j])) ++j;
      std::string id = t.substr(i, j - i);
      std::size_t k = j;
      while (k < t.size() && std::isspace(static_cast<unsigned char>(t[k]))) ++k;
      if (id == fn && k < t.size() && t[k] == '(') {
        int depth = 0;
        std::vector<std::string> args;
        std::string cur;
        std::size_t e = k + 1;
        bool closed = false;
        for (; e < t.size(); ++e) {
          char c = t[e];
          if (c == '(') ++depth;
          if (c == ')') {
            if (depth == 0) {
              closed = true;
              break;
            }
            --depth;
          }
          if (c == ',' && depth == 0) {
            args.push_back(rewrite_calls(cur, fn, rewrite));
            cur.clear();
          } else {
            cur += c;
          }
        }
        if (closed) {
          args.push_back(rewrite_calls(cur, fn, rewrite));
          out += rewrite(args);
          i = e + 1;
          continue;
        }
      }
      out += id;
      i = j;
      continue;
    }
    out += t[i++];
  }
  return out;
}

Scenario delay_subsidies(const Scenario& s, int months) {
  Scenario o = s;
  auto shift = [months](std::vector<Payment>& ps, SourcePos pos) {
    if (ps.empty()) {
      Payment p;
      p.share = Expr{"1", pos};
      p.at = Expr{"start", pos};
      p.pos = pos;
      ps.push_back(p);
    }
    for (auto& p : ps) p.at.text = fmt::format("({}) + {}", p.at.text, months);
  };
  for (auto& sub : o.subsidies) shift(sub.payments, sub.pos);
  for (auto& inv : o.investments)
    if (inv.grant) shift(inv.grant->payments, inv.grant->pos);
  return o;
}

bool cap_yearly_subsidies(const Scenario& s, int years, Scenario& out) {
  out = s;
  // fiscal years of the scenario, as the engine computes them
  int offset = ((s.start_month - s.fiscal_year_start) % 12 + 12) % 12;
  int cap = 12 * years - offset;  // first month of fiscal year index `years`
  if (years < 1 || cap >= s.horizon) return false;
  bool any = false;
  for (auto& sub : out.subsidies) {
    if (sub.period != "year") continue;
    any = true;
    sub.until = Expr{sub.until ? fmt::format("min({}, {})", sub.until->text, cap) : std::to_string(cap),
                     sub.until ? sub.until->pos : sub.pos};
    // an agreement starting after the cap is never signed
    if (sub.from) sub.from = Expr{fmt::format("min({}, {})", sub.from->text, cap), sub.from->pos};
  }
  return any;
}

Scenario scale_revenue(const Scenario& s, double factor) {
  Scenario o = s;
  for (auto& r : o.revenue) r.amount.text = fmt::format("{} * ({})", num(factor), r.amount.text);
  return o;
}

bool slow_ramps(const Scenario& s, double k, Scenario& out) {
  out = s;
  bool found = false;
  const std::string ks = num(k);
  auto ramp = [&](std::vector<std::string> a) {
    found = true;
    if (a.size() != 2) {
      std::string r = "ramp(";
      for (std::size_t i = 0; i < a.size(); ++i) r += (i ? "," : "") + a[i];
      return r + ")";
    }
    return fmt::format("ramp({}, ({}) * {})", a[0], a[1], ks);
  };
  auto scurve = [&](std::vector<std::string> a) {
    found = true;
    if (a.size() != 2) {
      std::string r = "scurve(";
      for (std::size_t i = 0; i < a.size(); ++i) r += (i ? "," : "") + a[i];
      return r + ")";
    }
    return fmt::format("scurve(({}) * {}, ({}) * {})", a[0], ks, a[1], ks);
  };
  auto fix = [&](Expr& e) {
    e.text = rewrite_calls(e.text, "ramp", ramp);
    e.text = rewrite_calls(e.text, "scurve", scurve);
  };
  for (auto& se : out.series) fix(se.expr);
  for (auto& r : out.revenue) fix(r.amount);
  return found;
}

std::vector<StressCase> standard_stresses(const Scenario& s, const std::function<Scenario(const std::string&)>& load_variant) {
  std::vector<StressCase> out;
  if (!s.subsidies.empty() || std::any_of(s.investments.begin(), s.investments.end(), [](const Investment& i) { return i.grant.has_value(); }))
    for (int k : {3, 6, 12})
      out.push_back({fmt::format("subsidy_delay_{}", k), fmt::format("every subsidy paid {} months later", k), delay_subsidies(s, k)});
  for (int n : {1, 2, 3}) {
    Scenario c;
    if (cap_yearly_subsidies(s, n, c))
      out.push_back({fmt::format("no_renewal_after_year_{}", n), fmt::format("yearly subsidies stop after fiscal year {}", n), c});
  }
  if (!s.revenue.empty()) out.push_back({"revenue_minus_20", "earned revenue -20 %", scale_revenue(s, 0.8)});
  {
    Scenario c;
    if (slow_ramps(s, 2, c)) out.push_back({"ramp_up_twice_as_slow", "ramp-up twice as slow", c});
  }
  if (load_variant)
    for (const auto& v : s.variant_names) {
      if (v == s.applied_variant) continue;
      out.push_back({"variant:" + v, "variant " + v, load_variant(v)});
    }
  return out;
}

Comparison run_stress_tests(const Scenario& base, const std::vector<StressCase>& stresses, const CompareOptions& o) {
  std::vector<Candidate> cands;
  cands.push_back({"base", base.applied_variant.empty() ? "base scenario" : "base (variant " + base.applied_variant + ")", compile(base), ""});
  for (const auto& st : stresses) {
    Candidate c;
    c.label = st.name;
    c.description = st.description;
    try {
      c.plan = compile(st.scenario);
    } catch (const std::exception& e) {
      c.error = e.what();
    }
    cands.push_back(std::move(c));
  }
  return compare_plans(cands, o);
}

}  // namespace amorce
