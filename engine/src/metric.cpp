#include "amorce/metric.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

#include "amorce/prune.hpp"
#include "amorce/stats.hpp"

namespace amorce {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string trim(const std::string& s) {
  std::size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

double parse_number(const std::string& s, const std::string& what) {
  std::string t;
  for (char c : trim(s))
    if (c != '_') t += c;
  bool percent = !t.empty() && t.back() == '%';
  if (percent) t.pop_back();
  if (t.empty()) throw std::invalid_argument(fmt::format("{}: expected a number", what));
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(t, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != t.size()) throw std::invalid_argument(fmt::format("{}: '{}' is not a number", what, s));
  if (!std::isfinite(v)) throw std::invalid_argument(fmt::format("{}: '{}' is not a finite number", what, trim(s)));
  if (percent) v /= 100;
  return v;
}

/// Splits "f(a, b)" into f and its top-level arguments; false when `s` is not a call.
bool split_call(const std::string& s, std::string& fn, std::vector<std::string>& args) {
  auto open = s.find('(');
  if (open == std::string::npos || s.back() != ')') return false;
  fn = trim(s.substr(0, open));
  if (fn.empty() || !std::all_of(fn.begin(), fn.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }))
    return false;
  int depth = 0;
  std::string cur;
  args.clear();
  for (std::size_t i = open + 1; i + 1 < s.size(); ++i) {
    char c = s[i];
    if (c == '(') ++depth;
    if (c == ')') {
      if (--depth < 0) return false;
    }
    if (c == ',' && depth == 0) {
      args.push_back(trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (depth != 0) return false;
  args.push_back(trim(cur));
  return true;
}

/// Finds a top-level comparison operator; returns its position and length (0 when none).
std::size_t find_cmp(const std::string& s, Cmp& cmp, std::size_t& len) {
  int depth = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '(' || c == '[') ++depth;
    if (c == ')' || c == ']') --depth;
    if (depth != 0) continue;
    char d = i + 1 < s.size() ? s[i + 1] : '\0';
    if (c == '<' && d == '=') { cmp = Cmp::le; len = 2; return i; }
    if (c == '>' && d == '=') { cmp = Cmp::ge; len = 2; return i; }
    if (c == '=' && d == '=') { cmp = Cmp::eq; len = 2; return i; }
    if (c == '!' && d == '=') { cmp = Cmp::ne; len = 2; return i; }
    if (c == '<') { cmp = Cmp::lt; len = 1; return i; }
    if (c == '>') { cmp = Cmp::gt; len = 1; return i; }
  }
  len = 0;
  return std::string::npos;
}

int find_line(const std::string& name) {
  for (int l = 0; l < kLineCount; ++l)
    if (name == line_name(static_cast<Line>(l))) return l;
  return -1;
}

int find_hist(const Plan& p, const std::string& name) {
  for (const char* prefix : {"series:", "item:", "input:"})
    for (std::size_t h = 0; h < p.hist_names.size(); ++h)
      if (p.hist_names[h] == prefix + name) return static_cast<int>(h);
  return -1;
}

std::string valid_names(const Plan& p) {
  std::string s = "indicators:";
  for (int k = 0; k < kIndicatorCount; ++k) s += std::string(" ") + indicator_name(static_cast<Indicator>(k));
  s += "; fiscal-year figures as NAME[year label or index]:";
  for (int f = 0; f < kFigureCount; ++f) s += std::string(" ") + figure_name(static_cast<Figure>(f));
  s += "; lines and series as NAME@month or sum(NAME): ledger lines (cash, revenue, subsidies, ebitda, net_result...)";
  std::string hs;
  for (const auto& h : p.hist_names) {
    auto c = h.find(':');
    if (h.compare(0, c, "series") == 0 || h.compare(0, c, "item") == 0) hs += " " + h.substr(c + 1);
  }
  if (!hs.empty()) s += ", and" + hs;
  return s;
}

PathMetric parse_path_metric(const std::string& text0, const Plan& p) {
  std::string text = trim(text0);
  PathMetric pm;
  pm.text = text;
  if (text.empty()) throw std::invalid_argument("empty metric");
  std::string fn;
  std::vector<std::string> args;
  if (split_call(text, fn, args)) {
    if (fn != "sum" || args.size() != 1)
      throw std::invalid_argument(fmt::format("metric '{}': unknown function '{}' (path metrics: sum(NAME))", text, fn));
    int l = find_line(args[0]);
    if (l >= 0) {
      pm.source = MetricSource::line_sum;
      pm.line = static_cast<Line>(l);
      return pm;
    }
    int h = find_hist(p, args[0]);
    if (h < 0) throw std::invalid_argument(fmt::format("metric '{}': unknown line or series '{}' ({})", text, args[0], valid_names(p)));
    pm.source = MetricSource::hist_sum;
    pm.hist = h;
    return pm;
  }
  auto at = text.find('@');
  if (at != std::string::npos) {
    std::string name = trim(text.substr(0, at));
    pm.month = parse_month(trim(text.substr(at + 1)), p);
    int l = find_line(name);
    if (l >= 0) {
      pm.source = MetricSource::line_at;
      pm.line = static_cast<Line>(l);
      return pm;
    }
    int h = find_hist(p, name);
    if (h < 0) throw std::invalid_argument(fmt::format("metric '{}': unknown line or series '{}' ({})", text, name, valid_names(p)));
    pm.source = MetricSource::hist_at;
    pm.hist = h;
    return pm;
  }
  auto br = text.find('[');
  if (br != std::string::npos) {
    if (text.back() != ']') throw std::invalid_argument(fmt::format("metric '{}': expected NAME[year]", text));
    std::string name = trim(text.substr(0, br));
    std::string ys = trim(text.substr(br + 1, text.size() - br - 2));
    int f = -1;
    for (int k = 0; k < kFigureCount; ++k)
      if (name == figure_name(static_cast<Figure>(k))) f = k;
    if (f < 0) throw std::invalid_argument(fmt::format("metric '{}': '{}' is not a fiscal-year figure ({})", text, name, valid_names(p)));
    auto years = fiscal_years(p);
    int y = -1;
    for (std::size_t k = 0; k < years.size(); ++k)
      if (years[k].label == ys) y = static_cast<int>(k);
    if (y < 0) {
      bool digits = !ys.empty() && std::all_of(ys.begin(), ys.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
      if (digits && ys.size() <= 9 && std::stol(ys) < static_cast<long>(years.size())) y = static_cast<int>(std::stol(ys));
    }
    if (y < 0) {
      std::string labels;
      for (const auto& fy : years) labels += " " + fy.label;
      throw std::invalid_argument(fmt::format("metric '{}': no fiscal year '{}' (years:{}, or an index 0..{})", text, ys, labels,
                                              years.size() - 1));
    }
    pm.source = MetricSource::figure;
    pm.figure = static_cast<Figure>(f);
    pm.year = y;
    return pm;
  }
  for (int k = 0; k < kIndicatorCount; ++k)
    if (text == indicator_name(static_cast<Indicator>(k))) {
      pm.source = MetricSource::indicator;
      pm.indicator = static_cast<Indicator>(k);
      if (pm.indicator == Indicator::breakeven_month || pm.indicator == Indicator::breakeven_month_unsubsidised)
        pm.censor_value = p.horizon;
      return pm;
    }
  for (int k = 0; k < kFigureCount; ++k)
    if (text == figure_name(static_cast<Figure>(k)))
      throw std::invalid_argument(fmt::format("metric '{}' is a fiscal-year figure: say which year, e.g. {}[0] or {}[{}]", text,
                                              text, text, fiscal_years(p).back().label));
  if (find_line(text) >= 0 || find_hist(p, text) >= 0)
    throw std::invalid_argument(fmt::format("metric '{}' is monthly: say {}@MONTH (e.g. {}@end) or sum({})", text, text, text, text));
  throw std::invalid_argument(fmt::format("unknown metric '{}' ({})", text, valid_names(p)));
}

double path_value(const PathMetric& pm, const BlockState& st, const Ledger& L, const PathResults& r, std::size_t i) {
  double v = kNaN;
  switch (pm.source) {
    case MetricSource::indicator:
      v = r.indicator(pm.indicator, i);
      break;
    case MetricSource::figure:
      v = r.figure(pm.figure, pm.year, i);
      break;
    case MetricSource::line_at:
      v = L.at(pm.line, pm.month, i);
      break;
    case MetricSource::hist_at:
      v = st.hist(pm.hist, pm.month)[i];
      break;
    case MetricSource::line_sum:
      v = 0;
      for (int m = 0; m < L.horizon; ++m) v += L.at(pm.line, m, i);
      break;
    case MetricSource::hist_sum:
      v = 0;
      for (int m = 0; m < st.plan->horizon; ++m) v += st.hist(pm.hist, m)[i];
      break;
  }
  if (std::isnan(v)) v = pm.censor_value;
  return v;
}

}  // namespace

static bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

int parse_month(const std::string& s0, const Plan& p) {
  std::string s = trim(s0);
  int m = -1;
  if (s == "end") {
    m = p.horizon - 1;
  } else if (s.size() == 7 && s[4] == '-' && all_digits(s.substr(0, 4)) && all_digits(s.substr(5, 2))) {
    int y = std::atoi(s.substr(0, 4).c_str()), mo = std::atoi(s.substr(5, 2).c_str());
    if (mo < 1 || mo > 12)
      throw std::invalid_argument(fmt::format("month '{}': month {} does not exist (expected 01..12)", s, s.substr(5, 2)));
    m = (y * 12 + mo - 1) - (p.start_year * 12 + p.start_month - 1);
  } else if (all_digits(s)) {
    m = s.size() <= 9 ? std::atoi(s.c_str()) : p.horizon;  // too many digits: outside the horizon
  } else {
    throw std::invalid_argument(fmt::format("month '{}': expected 0..{}, YYYY-MM or end", s, p.horizon - 1));
  }
  if (m < 0 || m >= p.horizon)
    throw std::invalid_argument(fmt::format("month '{}' is outside the horizon (0..{}, {} .. {})", s, p.horizon - 1,
                                            month_label(p, 0), month_label(p, p.horizon - 1)));
  return m;
}

const char* cmp_text(Cmp c) {
  switch (c) {
    case Cmp::lt: return "<";
    case Cmp::le: return "<=";
    case Cmp::gt: return ">";
    case Cmp::ge: return ">=";
    case Cmp::eq: return "==";
    case Cmp::ne: return "!=";
    case Cmp::truthy: return "";
  }
  return "";
}

bool compare_values(double x, Cmp c, double v) {
  switch (c) {
    case Cmp::lt: return x < v;
    case Cmp::le: return x <= v;
    case Cmp::gt: return x > v;
    case Cmp::ge: return x >= v;
    case Cmp::eq: return x == v;
    case Cmp::ne: return !std::isnan(x) && x != v;
    case Cmp::truthy: return !std::isnan(x) && x != 0;
  }
  return false;
}

Metric parse_metric(const std::string& text0, const Plan& p) {
  Metric m;
  m.text = trim(text0);
  std::string fn;
  std::vector<std::string> args;
  if (split_call(m.text, fn, args) && fn != "sum") {
    auto need = [&](std::size_t k) {
      if (args.size() != k)
        throw std::invalid_argument(fmt::format("metric '{}': {}() takes {} argument{}", m.text, fn, k, k > 1 ? "s" : ""));
    };
    if (fn == "prob" || fn == "P" || fn == "probability") {
      need(1);
      m.stat = Stat::prob;
      std::size_t len = 0;
      std::size_t pos = find_cmp(args[0], m.cmp, len);
      if (pos == std::string::npos) {
        m.cmp = Cmp::truthy;
        m.path = parse_path_metric(args[0], p);
      } else {
        m.path = parse_path_metric(args[0].substr(0, pos), p);
        m.threshold = parse_number(args[0].substr(pos + len), "metric '" + m.text + "'");
      }
    } else if (fn == "mean" || fn == "E") {
      need(1);
      m.stat = Stat::mean;
      m.path = parse_path_metric(args[0], p);
    } else if (fn == "sd") {
      need(1);
      m.stat = Stat::sd;
      m.path = parse_path_metric(args[0], p);
    } else if (fn == "quantile" || fn == "q") {
      need(2);
      m.stat = Stat::quantile;
      m.path = parse_path_metric(args[0], p);
      m.q = parse_number(args[1], "metric '" + m.text + "'");
      // one rule: a level is a fraction in (0, 1); percents are written 80% or p80(x)
      if (!(m.q > 0 && m.q < 1))
        throw std::invalid_argument(fmt::format(
            "metric '{}': the quantile level {} is not in (0, 1){}", m.text, args[1],
            m.q > 1 && m.q < 100 ? fmt::format(" (for {0:g} % write quantile({1}, {2:g}), quantile({1}, {0:g}%) or p{0:g}({1}))",
                                               m.q, args[0], m.q / 100)
                                 : ""));
    } else if (fn == "median") {
      need(1);
      m.stat = Stat::quantile;
      m.path = parse_path_metric(args[0], p);
      m.q = 0.5;
    } else if ((fn[0] == 'p' || fn[0] == 'P') && fn.size() > 1 &&
               std::all_of(fn.begin() + 1, fn.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      need(1);
      m.stat = Stat::quantile;
      m.path = parse_path_metric(args[0], p);
      m.q = std::stod(fn.substr(1)) / 100;
    } else {
      throw std::invalid_argument(fmt::format(
          "metric '{}': unknown statistic '{}' (prob, mean, sd, quantile(x, q), median, pNN, or the path metric sum(NAME))", m.text,
          fn));
    }
    if (m.stat == Stat::quantile && !(m.q > 0 && m.q < 1))
      throw std::invalid_argument(fmt::format("metric '{}': the quantile level must be in (0, 1)", m.text));
    return m;
  }
  m.path = parse_path_metric(m.text, p);
  return m;
}

void metric_values(const Metric& m, const BlockState& st, const Ledger& L, const PathResults& r, double* out) {
  for (std::size_t i = 0; i < st.n; ++i) {
    double v = path_value(m.path, st, L, r, i);
    if (m.stat == Stat::prob) v = compare_values(v, m.cmp, m.threshold) ? 1.0 : 0.0;
    out[i] = v;
  }
}

std::function<void(const BlockState&, const Ledger&, const PathResults&, std::uint64_t)> metric_hook(const Metric& m,
                                                                                                     std::vector<double>* out) {
  return [m, out](const BlockState& st, const Ledger& L, const PathResults& r, std::uint64_t first) {
    metric_values(m, st, L, r, out->data() + first);
  };
}

Estimate estimate_metric(const Metric& m, const std::vector<double>& x0) {
  std::vector<double> x;
  x.reserve(x0.size());
  for (double v : x0)
    if (!std::isnan(v)) x.push_back(v);
  Estimate e;
  e.n = x.size();
  if (x.empty()) return e;
  const double n = static_cast<double>(x.size());
  double mean = 0;
  for (double v : x) mean += v;
  mean /= n;
  double ss = 0;
  for (double v : x) ss += (v - mean) * (v - mean);
  double sd = x.size() > 1 ? std::sqrt(ss / (n - 1)) : kNaN;
  switch (m.stat) {
    case Stat::prob:
      e.value = mean;
      e.se = std::sqrt(std::max(0.0, mean * (1 - mean)) / n);
      break;
    case Stat::none:
    case Stat::mean:
      e.value = mean;
      e.se = sd / std::sqrt(n);
      break;
    case Stat::sd:
      e.value = sd;
      e.se = sd / std::sqrt(2 * std::max(1.0, n - 1));
      break;
    case Stat::quantile: {
      std::sort(x.begin(), x.end());
      e.value = quantile_sorted(x.data(), x.size(), m.q);
      // distribution-free: order statistics at q -+ one binomial standard deviation
      double d = std::sqrt(m.q * (1 - m.q) / n);
      double lo = quantile_sorted(x.data(), x.size(), std::max(0.0, m.q - d));
      double hi = quantile_sorted(x.data(), x.size(), std::min(1.0, m.q + d));
      e.se = (hi - lo) / 2;
      break;
    }
  }
  return e;
}

std::vector<double> run_metric(const Plan& plan, const Metric& m, RunOptions o, RunResult* result) {
  std::vector<double> values(static_cast<std::size_t>(o.paths), kNaN);
  auto prev = o.block_hook;
  auto hook = metric_hook(m, &values);
  o.summary = result != nullptr;  // the metric alone needs none of the summary's statistics
  // the Plan is pruned to what the metric reads (the caller's hook reads input slots only)
  Demand d = metrics_demand(plan, {m});
  if (o.demand) d.add(*o.demand);
  o.demand = d;
  o.block_hook = [prev, hook](const BlockState& st, const Ledger& L, const PathResults& r, std::uint64_t first) {
    if (prev) prev(st, L, r, first);
    hook(st, L, r, first);
  };
  RunResult rr = run_monte_carlo(plan, o);
  if (result) *result = std::move(rr);
  return values;
}

Target parse_target(const std::string& text, const Plan& p) {
  Target t;
  t.text = trim(text);
  std::size_t len = 0;
  // the target's comparison is the last top-level one: "prob(min_cash < 0) <= 0.1"
  std::size_t pos = std::string::npos;
  {
    int depth = 0;
    for (std::size_t i = 0; i < t.text.size(); ++i) {
      char c = t.text[i];
      if (c == '(' || c == '[') ++depth;
      if (c == ')' || c == ']') --depth;
      if (depth == 0 && (c == '<' || c == '>' || c == '=' || c == '!')) {
        Cmp cmp;
        std::size_t l = 0;
        std::size_t q = find_cmp(t.text.substr(i), cmp, l);
        if (q == 0) {
          pos = i;
          len = l;
          t.cmp = cmp;
          break;
        }
      }
    }
  }
  if (pos == std::string::npos || t.cmp == Cmp::eq || t.cmp == Cmp::ne)
    throw std::invalid_argument(fmt::format("target '{}': expected METRIC <= VALUE (or <, >, >=), e.g. \"prob(shortfall) <= 0.1\"", text));
  t.metric = parse_metric(t.text.substr(0, pos), p);
  t.value = parse_number(t.text.substr(pos + len), "target '" + t.text + "'");
  return t;
}

}  // namespace amorce
