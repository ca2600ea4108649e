#include "amorce/what_if.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <regex>
#include <stdexcept>

#include <fmt/format.h>

namespace amorce {

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

/// The value of a plain number literal ("45_000", "0.5"), nullopt for an expression.
std::optional<double> literal_value(const std::string& text) {
  std::string s;
  for (char c : text)
    if (c != '_' && c != ' ') s += c;
  if (!s.empty() && s[0] == '+') s.erase(0, 1);
  if (s.empty()) return std::nullopt;
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

/// Parameter names of a law, in the order of Distribution::params; `list` when written as a
/// YAML list (`pert: [a, b, c]`), else a mapping (`normal: {mean, sd}`) or one scalar.
struct LawShape {
  const char* key;
  std::vector<const char*> names;
  enum { list, map, scalar } form;
};

std::optional<LawShape> law_shape(Law law) {
  switch (law) {
    case Law::uniform: return LawShape{"uniform", {"min", "max"}, LawShape::list};
    case Law::triangular: return LawShape{"triangular", {"min", "mode", "max"}, LawShape::list};
    case Law::pert: return LawShape{"pert", {"min", "mode", "max"}, LawShape::list};
    case Law::between: return LawShape{"between", {"p5", "p95"}, LawShape::list};
    case Law::normal: return LawShape{"normal", {"mean", "sd"}, LawShape::map};
    case Law::lognormal: return LawShape{"lognormal", {"mean", "sd"}, LawShape::map};
    case Law::beta: return LawShape{"beta", {"alpha", "beta"}, LawShape::map};
    case Law::gamma: return LawShape{"gamma", {"shape", "scale"}, LawShape::map};
    case Law::binomial: return LawShape{"binomial", {"n", "p"}, LawShape::map};
    case Law::bernoulli: return LawShape{"bernoulli", {"p"}, LawShape::scalar};
    case Law::poisson: return LawShape{"poisson", {"mean"}, LawShape::scalar};
    case Law::discrete: return LawShape{"discrete", {}, LawShape::map};
    case Law::empirical: return LawShape{"empirical", {}, LawShape::list};
  }
  return std::nullopt;
}

/// A round step giving about 200 notches over [lo, hi].
double nice_step(double lo, double hi, bool integer) {
  const double span = hi - lo;
  if (!(span > 0)) return integer ? 1 : 0.01;
  double raw = span / 200, p = std::pow(10.0, std::floor(std::log10(raw)));
  double step = raw / p < 2 ? p : raw / p < 5 ? 2 * p : 5 * p;
  if (integer) step = std::max(1.0, std::round(step));
  return step;
}

Control make_control(std::string id, std::string param, std::string kind, double value, double lo, double hi, bool integer) {
  Control c{std::move(id), std::move(param), std::move(kind), value, lo, hi, 0, ""};
  c.step = nice_step(lo, hi, integer);
  return c;
}

/// The slider's range around the literal parameters of one input.
std::pair<double, double> input_range(const std::vector<double>& vals) {
  double lo = *std::min_element(vals.begin(), vals.end()), hi = *std::max_element(vals.begin(), vals.end());
  double span = hi - lo;
  if (!(span > 0)) span = lo != 0 ? std::fabs(lo) : 1;
  double a = lo - span, b = hi + span;
  if (lo >= 0 && a < 0) a = 0;
  return {a, b};
}

/// A payment's date: `start + n`, `end + n`, a month index, or an expression.
struct PaymentAt {
  std::string kind;  ///< offset | month | delay
  std::string anchor;  ///< start | end (offset)
  double value = 0;
};

PaymentAt parse_at(const std::string& text) {
  static const std::regex re(R"(^\s*(start|end)\s*(?:([+-])\s*([0-9_]+(?:\.[0-9]+)?))?\s*$)");
  std::smatch m;
  if (std::regex_match(text, m, re)) {
    double n = m[3].matched ? literal_value(m[3].str()).value_or(0) : 0;
    if (m[2].matched && m[2].str() == "-") n = -n;
    return {"offset", m[1].str(), n};
  }
  if (auto v = literal_value(text)) return {"month", "", *v};
  return {"delay", "", 0};
}

std::string num_text(double v) {
  char buf[64];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, p) : fmt::format("{:.17g}", v);
}

/// The new `at:` of a payment moved by the page.
std::string moved_at(const std::string& text, double v) {
  PaymentAt a = parse_at(text);
  const long long n = std::llround(v);
  if (a.kind == "offset") return n == 0 ? a.anchor : n > 0 ? fmt::format("{} + {}", a.anchor, n) : fmt::format("{} - {}", a.anchor, -n);
  if (a.kind == "month") return std::to_string(n);
  return n == 0 ? text : fmt::format("({}) + {}", text, n);
}

std::vector<Payment> payments_or_default(const std::vector<Payment>& p) {
  if (!p.empty()) return p;
  return {Payment{Expr{"1", {}}, Expr{"start", {}}, {}}};
}

void payment_controls(ControlItem& item, const std::string& prefix, const std::string& owner, const std::vector<Payment>& payments,
                      int horizon) {
  const auto ps = payments_or_default(payments);
  for (std::size_t k = 0; k < ps.size(); ++k) {
    PaymentAt a = parse_at(ps[k].at.text);
    const std::string id = fmt::format("{}:{}:{}", prefix, owner, k);
    const std::string param = fmt::format("versement {}", k + 1);
    Control c;
    if (a.kind == "offset") c = make_control(id, param, "offset", a.value, std::min(0.0, a.value), std::max(24.0, a.value + 12), true);
    else if (a.kind == "month") c = make_control(id, param, "month", a.value, 0, std::max<double>(horizon + 12, a.value), true);
    else c = make_control(id, param, "delay", 0, 0, 24, true);
    c.note = "part " + ps[k].share.text + ", à " + ps[k].at.text;
    item.controls.push_back(std::move(c));
  }
}

std::optional<Control> granted_control(const std::string& id, const std::optional<Expr>& granted) {
  double p = 1;
  if (granted) {
    auto v = literal_value(granted->text);
    if (!v) return std::nullopt;  // an input's name: moved through that input
    p = *v;
  }
  Control c = make_control(id, "probabilité d'obtention", "probability", p, 0, 1, false);
  c.step = 0.01;
  return c;
}

std::string law_detail(const Input& in) {
  if (in.fixed) return in.fixed->text;
  const Distribution& d = *in.dist;
  auto shape = law_shape(d.law);
  std::string s = shape ? shape->key : "?";
  std::vector<std::string> ps;
  for (const auto& p : d.params) ps.push_back(p.text);
  if (!shape || shape->form == LawShape::list) return s + ": [" + fmt::format("{}", fmt::join(ps, ", ")) + "]";
  if (shape->form == LawShape::scalar) return s + ": " + (ps.empty() ? "" : ps[0]);
  std::vector<std::string> kv;
  for (std::size_t i = 0; i < ps.size() && i < shape->names.size(); ++i) kv.push_back(std::string(shape->names[i]) + ": " + ps[i]);
  return s + ": {" + fmt::format("{}", fmt::join(kv, ", ")) + "}";
}

// ---------------------------------------------------------------- YAML text of a patch

/// Numbers and names that YAML reads back as the same text (not a bool, null or other type).
bool plain_safe(const std::string& s) {
  static const std::regex number(R"(^-?[0-9][0-9_]*(\.[0-9]+)?([eE][+-]?[0-9]+)?$)");
  static const std::regex name(R"(^[A-Za-z_][A-Za-z0-9_]*$)");
  static const std::regex yaml_words(R"(^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$)");
  return std::regex_match(s, number) || (std::regex_match(s, name) && !std::regex_match(s, yaml_words));
}

std::string quoted(const std::string& s) {
  std::string o = json(s).dump();  // a JSON string is a valid YAML double-quoted scalar
  return o;
}

std::string scalar_yaml(const ordered_json& v) {
  if (v.is_number()) return num_text(v.get<double>());
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  const std::string s = v.get<std::string>();
  return plain_safe(s) ? s : quoted(s);
}

bool is_scalar(const ordered_json& v) { return !v.is_object() && !v.is_array(); }

void emit(const ordered_json& n, int indent, std::string& out);

void emit_value_after_key(const ordered_json& v, int indent, std::string& out) {
  if (is_scalar(v)) {
    out += " " + scalar_yaml(v) + "\n";
  } else if (v.is_array() && std::all_of(v.begin(), v.end(), [](const ordered_json& e) { return is_scalar(e); })) {
    std::string s = " [";
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + scalar_yaml(v[i]);
    out += s + "]\n";
  } else {
    out += "\n";
    emit(v, indent + 2, out);
  }
}

void emit(const ordered_json& n, int indent, std::string& out) {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  if (n.is_object()) {
    for (auto it = n.begin(); it != n.end(); ++it) {
      out += pad + it.key() + ":";
      emit_value_after_key(it.value(), indent, out);
    }
  } else if (n.is_array()) {
    for (const auto& e : n) {
      if (e.is_object() && !e.empty()) {
        // "- key: value" then the other keys aligned under the first
        std::string sub;
        emit(e, indent + 2, sub);
        sub.replace(static_cast<std::size_t>(indent), 2, "- ");
        out += sub;
      } else {
        out += pad + "-";
        emit_value_after_key(e, indent, out);
      }
    }
  }
}

/// An expression or literal kept as written ("45_000", "end + region_delay").
ordered_json text_value(const std::string& text) { return text; }

/// Parses "prefix:owner[:rest]".
std::vector<std::string> split_id(const std::string& id) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    std::size_t p = id.find(':', start);
    parts.push_back(id.substr(start, p == std::string::npos ? std::string::npos : p - start));
    if (p == std::string::npos) break;
    start = p + 1;
  }
  return parts;
}

[[noreturn]] void unknown(const std::string& id, const std::string& why) {
  throw std::invalid_argument("unknown control '" + id + "': " + why);
}

std::size_t index_of(const std::string& s, const std::string& id) {
  std::size_t k = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), k);
  if (ec != std::errc() || p != s.data() + s.size()) unknown(id, "expected a payment number");
  return k;
}

ordered_json payments_json(const std::vector<Payment>& payments, const std::map<std::size_t, double>& moved) {
  ordered_json list = ordered_json::array();
  const auto ps = payments_or_default(payments);
  for (std::size_t k = 0; k < ps.size(); ++k) {
    auto it = moved.find(k);
    list.push_back({{"share", text_value(ps[k].share.text)},
                    {"at", text_value(it == moved.end() ? ps[k].at.text : moved_at(ps[k].at.text, it->second))}});
  }
  return list;
}

}  // namespace

std::vector<ControlGroup> what_if_controls(const Scenario& sc) {
  ControlGroup uncertain{"uncertain", "Hypothèses incertaines", {}};
  ControlGroup fixed{"fixed", "Valeurs fixes", {}};
  ControlGroup grants{"grants", "Subventions : obtention et dates de versement", {}};
  ControlGroup igrants{"investment_grants", "Subventions d'investissement", {}};
  for (const auto& in : sc.inputs) {
    ControlItem item{in.name, in.label, in.unit, in.fixed ? "fixed" : "", law_detail(in), {}};
    if (in.fixed) {
      if (auto v = literal_value(in.fixed->text)) {
        double lo = *v > 0 ? 0 : *v < 0 ? 2 * *v : -1, hi = *v > 0 ? 2 * *v : *v < 0 ? 0 : 1;
        if (*v > 0 && *v <= 1) hi = std::max(hi, 1.0);
        item.controls.push_back(make_control("input:" + in.name, "valeur", "number", *v, lo, hi, false));
        fixed.items.push_back(std::move(item));
      }
      continue;
    }
    const Distribution& d = *in.dist;
    auto shape = law_shape(d.law);
    if (!shape) continue;
    item.law = shape->key;
    std::vector<double> vals;
    for (const auto& p : d.params)
      if (auto v = literal_value(p.text)) vals.push_back(*v);
    if (vals.empty()) continue;
    auto [lo, hi] = input_range(vals);
    for (std::size_t i = 0; i < d.params.size() && i < shape->names.size(); ++i) {
      auto v = literal_value(d.params[i].text);
      if (!v) continue;
      const std::string pname = shape->names[i];
      const std::string id = "input:" + in.name + ":" + pname;
      if (pname == "p") item.controls.push_back(make_control(id, pname, "probability", *v, 0, 1, false));
      else if (pname == "sd" || pname == "alpha" || pname == "beta" || pname == "shape" || pname == "scale" ||
               (d.law == Law::poisson))
        item.controls.push_back(make_control(id, pname, "number", *v, 0, std::max(3 * *v, 1e-9), false));
      else if (pname == "n") item.controls.push_back(make_control(id, pname, "number", *v, 0, std::max(3 * *v, 10.0), true));
      else item.controls.push_back(make_control(id, pname, "number", *v, lo, hi, false));
    }
    if (!item.controls.empty()) uncertain.items.push_back(std::move(item));
  }
  for (const auto& s : sc.subsidies) {
    ControlItem item{s.name, s.label, "", "", "", {}};
    if (auto c = granted_control("granted:" + s.name, s.granted)) item.controls.push_back(*c);
    else item.detail = "obtention : " + s.granted->text;
    payment_controls(item, "payment", s.name, s.payments, sc.horizon);
    grants.items.push_back(std::move(item));
  }
  for (const auto& inv : sc.investments) {
    if (!inv.grant) continue;
    ControlItem item{inv.name, inv.label, "", "", "", {}};
    if (auto c = granted_control("igranted:" + inv.name, inv.grant->granted)) item.controls.push_back(*c);
    else item.detail = "obtention : " + inv.grant->granted->text;
    payment_controls(item, "ipayment", inv.name, inv.grant->payments, sc.horizon);
    igrants.items.push_back(std::move(item));
  }
  std::vector<ControlGroup> out;
  for (auto* g : {&uncertain, &fixed, &grants, &igrants})
    if (!g->items.empty()) out.push_back(std::move(*g));
  return out;
}

json controls_json(const std::vector<ControlGroup>& groups) {
  json out = json::array();
  for (const auto& g : groups) {
    json items = json::array();
    for (const auto& it : g.items) {
      json cs = json::array();
      for (const auto& c : it.controls)
        cs.push_back({{"id", c.id}, {"param", c.param}, {"kind", c.kind}, {"value", c.value}, {"min", c.lo}, {"max", c.hi},
                      {"step", c.step}, {"note", c.note}});
      items.push_back({{"name", it.name}, {"label", it.label}, {"unit", it.unit}, {"law", it.law}, {"detail", it.detail},
                       {"controls", cs}});
    }
    out.push_back({{"id", g.id}, {"title", g.title}, {"items", items}});
  }
  return out;
}

std::string changes_to_patch(const Scenario& sc, const std::map<std::string, double>& changes) {
  // current values, to leave out the changes that change nothing
  std::map<std::string, double> current;
  for (const auto& g : what_if_controls(sc))
    for (const auto& it : g.items)
      for (const auto& c : it.controls) current[c.id] = c.value;
  std::map<std::string, std::map<std::string, double>> inputs;                 // input -> param -> value
  std::map<std::string, std::pair<std::optional<double>, std::map<std::size_t, double>>> subs, invs;  // granted, payments
  for (const auto& [id, v] : changes) {
    auto cur = current.find(id);
    if (cur == current.end()) {
      const auto parts = split_id(id);
      const std::string& kind = parts[0];
      if (parts.size() >= 2 && kind == "input") {
        auto in = std::find_if(sc.inputs.begin(), sc.inputs.end(), [&](const Input& i) { return i.name == parts[1]; });
        if (in == sc.inputs.end()) unknown(id, "the scenario has no input '" + parts[1] + "'");
        unknown(id, "input '" + parts[1] + "' has no such number that the page can change (an expression, or another law)");
      }
      unknown(id, "expected input:NAME, input:NAME:PARAM, granted:GRANT, payment:GRANT:K, igranted:INVESTMENT or ipayment:INVESTMENT:K "
                  "naming what the scenario declares");
    }
    if (!std::isfinite(v) || !(std::fabs(v) < Limits::max_abs_value))
      throw std::invalid_argument(fmt::format("control '{}': {} is not a finite number with |x| < 1e12", id, v));
    if (v == cur->second) continue;
    const auto parts = split_id(id);
    if (parts[0] == "input") inputs[parts[1]][parts.size() > 2 ? parts[2] : ""] = v;
    else if (parts[0] == "granted") subs[parts[1]].first = v;
    else if (parts[0] == "payment") subs[parts[1]].second[index_of(parts[2], id)] = v;
    else if (parts[0] == "igranted") invs[parts[1]].first = v;
    else if (parts[0] == "ipayment") invs[parts[1]].second[index_of(parts[2], id)] = v;
  }
  ordered_json patch = ordered_json::object();
  for (const auto& in : sc.inputs) {  // file order
    auto it = inputs.find(in.name);
    if (it == inputs.end()) continue;
    if (in.fixed) {
      const double v = it->second.at("");
      if (in.label.empty() && in.unit.empty()) patch["inputs"][in.name] = v;
      else patch["inputs"][in.name] = {{"value", v}};
      continue;
    }
    const Distribution& d = *in.dist;
    const LawShape shape = *law_shape(d.law);
    std::vector<ordered_json> ps;
    for (std::size_t i = 0; i < d.params.size() && i < shape.names.size(); ++i) {
      auto ch = it->second.find(shape.names[i]);
      ps.push_back(ch != it->second.end() ? ordered_json(ch->second) : text_value(d.params[i].text));
    }
    ordered_json law;
    if (shape.form == LawShape::list) law = ps;
    else if (shape.form == LawShape::scalar) law = ps.at(0);
    else
      for (std::size_t i = 0; i < ps.size(); ++i) law[shape.names[i]] = ps[i];
    patch["inputs"][in.name] = {{shape.key, law}};
  }
  for (const auto& s : sc.subsidies) {
    auto it = subs.find(s.name);
    if (it == subs.end()) continue;
    ordered_json e = {{"name", s.name}};
    if (it->second.first) e["granted"] = *it->second.first;
    if (!it->second.second.empty()) e["payments"] = payments_json(s.payments, it->second.second);
    patch["subsidies"].push_back(e);
  }
  for (const auto& inv : sc.investments) {
    auto it = invs.find(inv.name);
    if (it == invs.end() || !inv.grant) continue;
    ordered_json g = ordered_json::object();
    if (it->second.first) g["granted"] = *it->second.first;
    if (!it->second.second.empty()) g["payments"] = payments_json(inv.grant->payments, it->second.second);
    patch["investments"].push_back({{"name", inv.name}, {"grant", g}});
  }
  std::string out;
  if (!patch.empty()) emit(patch, 0, out);
  return out;
}

std::map<std::string, double> control_differences(const Scenario& reference, const Scenario& sc) {
  std::map<std::string, double> ref, diff;
  for (const auto& g : what_if_controls(reference))
    for (const auto& it : g.items)
      for (const auto& c : it.controls) ref[c.id] = c.value;
  for (const auto& g : what_if_controls(sc))
    for (const auto& it : g.items)
      for (const auto& c : it.controls) {
        auto r = ref.find(c.id);
        if (r == ref.end() || r->second != c.value) diff[c.id] = c.value;
      }
  return diff;
}

}  // namespace amorce
