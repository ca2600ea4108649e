#include "amorce/run.hpp"

// The report stage of a run: its summary as JSON and as a table, and the files of --out.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <sstream>

#include "amorce/atomic_file.hpp"
#include "amorce/base_case.hpp"
#include "amorce/cash_plan.hpp"
#include "amorce/evaluate.hpp"
#include "amorce/format.hpp"
#include "amorce/ledger.hpp"
#include "amorce/month_modes.hpp"
#include "amorce/warnings.hpp"
#include "amorce/xlsx_export.hpp"

namespace amorce {

using nlohmann::json;

namespace {

json num(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

std::string pct_key(double p) {
  std::string s = fmt::format("{:g}", p);
  return "p" + s;
}

json prob_json(std::uint64_t hits, std::uint64_t n) {
  Probability pr = estimate_probability(hits, n);
  json j{{"p", num(pr.p)}, {"se", num(pr.se)}, {"n", n}};
  // se is 0 at p = 0 or 1, which says nothing: give the exact one-sided 95 % bound instead
  if (n > 0 && hits == 0) j["upper95"] = num(zero_hits_bound95(n));
  if (n > 0 && hits == n) j["lower95"] = num(1.0 - zero_hits_bound95(n));
  return j;
}

/// The two or three most likely periods of the month of minimum cash.
json modes_json(const Plan& plan, const std::vector<MonthPeriod>& modes) {
  json a = json::array();
  for (const auto& m : modes)
    a.push_back({{"from", month_label(plan, m.first)}, {"to", month_label(plan, m.last)},
                 {"first", m.first}, {"last", m.last}, {"share", num(m.share)}});
  return a;
}

std::string modes_text(const Plan& plan, const std::vector<MonthPeriod>& modes) {
  std::string t;
  for (const auto& m : modes) {
    if (!t.empty()) t += ", ";
    t += month_label(plan, m.first);
    if (m.last != m.first) t += "–" + month_label(plan, m.last);
    t += fmt::format(" ({:.0f} %)", 100 * m.share);
  }
  return t.empty() ? "-" : t;
}

json scalar_json(const double* x, std::size_t n, const std::vector<double>& pcts, bool with_hist, bool censored) {
  ScalarSummary s = summarize(x, n, pcts);
  if (censored && s.missing > 0) {
    // quantiles over all paths, "never" (NaN) ranked last: null when a quantile falls there
    std::vector<double> v(x, x + n);
    for (auto& e : v)
      if (std::isnan(e)) e = INFINITY;
    std::sort(v.begin(), v.end());
    for (std::size_t i = 0; i < pcts.size(); ++i) s.quantiles[i] = quantile_sorted(v.data(), n, pcts[i] / 100.0);
  }
  json q;
  for (std::size_t i = 0; i < pcts.size(); ++i) q[pct_key(pcts[i])] = num(s.quantiles[i]);
  json j = {{"n", n - s.missing}, {"missing", s.missing}, {"mean", num(s.mean)}, {"sd", num(s.sd)},
            {"min", num(s.min)}, {"max", num(s.max)}, {"quantiles", q}};
  if (with_hist) {
    Histogram h = make_histogram(x, n);
    j["histogram"] = {{"edges", h.edges}, {"counts", h.counts}, {"missing", h.nan_count}};
  }
  return j;
}

}  // namespace

json run_summary_json(const Plan& plan, const RunResult& r) {
  const auto& pcts = plan.outputs.quantiles;
  const std::size_t N = static_cast<std::size_t>(r.paths());
  const int Y = static_cast<int>(r.years.size());
  json out;
  out["scenario"] = {{"name", plan.name}, {"start", month_label(plan, 0)}, {"horizon", plan.horizon}};
  const char* sampling = r.options.sampling == Sampling::mc ? "mc" : r.options.sampling == Sampling::lhs ? "lhs" : "sobol";
  out["run"] = {{"paths", r.paths()}, {"seed", r.options.seed}, {"sampling", sampling},
                {"block_size", r.block_size}, {"amorce_version", AMORCE_VERSION}};
  out["percentiles"] = pcts;
  json ind;
  for (int k = 0; k < kIndicatorCount; ++k) {
    auto id = static_cast<Indicator>(k);
    ind[indicator_name(id)] = scalar_json(r.indicator(id), N, pcts, true, indicator_censored(id));
  }
  ind["min_cash_month"]["modes"] = modes_json(plan, month_modes(r.indicator(Indicator::min_cash_month), N, plan.horizon));
  out["indicators"] = ind;
  auto count_if = [&](Indicator k, auto pred) {
    std::uint64_t c = 0;
    const double* x = r.indicator(k);
    for (std::size_t i = 0; i < N; ++i) c += pred(x[i]);
    return c;
  };
  out["probabilities"] = {
      {"shortfall", prob_json(count_if(Indicator::shortfall, [](double v) { return v != 0; }), N)},
      {"breakeven_within_horizon", prob_json(count_if(Indicator::breakeven_month, [](double v) { return !std::isnan(v); }), N)},
      {"breakeven_unsubsidised_within_horizon",
       prob_json(count_if(Indicator::breakeven_month_unsubsidised, [](double v) { return !std::isnan(v); }), N)}};
  json years = json::array();
  std::vector<double> fractions;
  for (double p : pcts) fractions.push_back(p / 100.0);
  for (int y = 0; y < Y; ++y) {
    json figs;
    for (int f = 0; f < kFigureCount; ++f) {
      const Moments& mo = r.figure_moments[static_cast<std::size_t>(f) * Y + y];
      const QuantileSketch& sk = r.figure_sketches[static_cast<std::size_t>(f) * Y + y];
      json q;
      // one sort of the sketch for all percentiles (quantile(p) sorts on every call)
      const std::vector<double> qs = sk.count() ? sk.quantiles(fractions) : std::vector<double>(pcts.size(), NAN);
      for (std::size_t i = 0; i < pcts.size(); ++i) q[pct_key(pcts[i])] = num(qs[i]);
      figs[figure_name(static_cast<Figure>(f))] = {{"mean", num(mo.mean())}, {"sd", num(mo.sd())},
                                                    {"missing", mo.nan_count()}, {"quantiles", q}};
    }
    years.push_back({{"label", r.years[y].label}, {"complete", r.years[y].complete}, {"figures", figs}});
  }
  out["years"] = years;
  json checks = json::object();
  for (std::size_t c = 0; c < plan.checks.size(); ++c) {
    json by_year = json::array();
    for (int y = 0; y < Y; ++y)
      by_year.push_back(prob_json(r.check_year_breaches[c * Y + y], r.check_year_applicable[c * Y + y]));
    checks[plan.checks[c].name] = {{"rule", plan.checks[c].text}, {"breach", prob_json(r.check_breaches[c], N)}, {"by_year", by_year}};
  }
  out["checks"] = checks;
  json monthly;
  json months = json::array();
  for (int m = 0; m < plan.horizon; ++m) months.push_back(month_label(plan, m));
  monthly["months"] = months;
  double rank_err = 0;
  for (std::size_t s = 0; s < r.series.size(); ++s) {
    json js;
    js["mean"] = r.series[s].mean();
    js["sd"] = r.series[s].sd();
    auto q = r.series[s].quantiles(pcts);
    for (std::size_t i = 0; i < pcts.size(); ++i) js[pct_key(pcts[i])] = q[i];
    monthly[r.series_names[s]] = js;
    rank_err = std::max(rank_err, r.series[s].rank_error_bound());
  }
  json neg = json::array();
  for (int m = 0; m < plan.horizon; ++m) neg.push_back(static_cast<double>(r.negative_cash[m]) / N);
  monthly["prob_negative_cash"] = neg;
  monthly["quantile_rank_error_bound"] = rank_err;
  // the quantiles of the bands and figures come from paths [0, band_paths) (json-schema.md)
  monthly["quantile_paths"] = r.options.band_paths > 0 ? std::min(r.paths(), r.options.band_paths) : r.paths();
  out["monthly"] = monthly;
  out["warnings"] = r.warnings;
  return out;
}

void print_run_summary(std::ostream& os, const Plan& plan, const RunResult& r, Lang lang) {
  const bool fr = lang == Lang::fr;
  auto T = [lang](Msg m) { return std::string(msg(m, lang)); };
  const std::size_t N = static_cast<std::size_t>(r.paths());
  const char* sampling = r.options.sampling == Sampling::mc ? "mc" : r.options.sampling == Sampling::lhs ? "lhs" : "sobol";
  // French: comma decimals and thin-space thousands; English: point decimals and commas
  auto dec = [fr](double v, int d) {
    std::string s = fmt::format("{:.{}f}", v, d);
    if (fr) std::replace(s.begin(), s.end(), '.', ',');
    return s;
  };
  auto euros = [fr](double v) { return fr ? format_euros(v) : group_thousands(v, ","); };
  // a label column then the indicator's name in brackets (the "small type" of a terminal)
  auto head = [](const std::string& label, const std::string& name) {
    std::string cell = label + " [" + name + "]";
    // pad by code points, not bytes (accents are two bytes in UTF-8)
    std::size_t width = 0;
    for (unsigned char c : cell) width += (c & 0xC0) != 0x80;
    return cell + std::string(width < 50 ? 50 - width : 1, ' ');
  };
  os << "amorce — " << plan.name << "\n";
  os << fmt::format("{} {}, {} {}, {} {}, {} ({} s)\n\n", group_thousands(static_cast<double>(N), fr ? " " : ","),
                    T(Msg::paths_simulated), T(Msg::seed), r.options.seed, T(Msg::sampling), sampling,
                    fmt::format(fmt::runtime(T(Msg::months_from)), plan.horizon, month_label(plan, 0)), dec(r.seconds, 2));
  auto s = [&](Indicator k) { return summarize(r.indicator(k), N, {10, 50, 90}); };
  std::uint64_t hits = 0;
  for (std::size_t i = 0; i < N; ++i) hits += r.indicator(Indicator::shortfall)[i] != 0;
  Probability p = estimate_probability(hits, N);
  os << head(T(Msg::shortfall_risk), "shortfall");
  if (hits == 0)
    os << "0 % : " << fmt::format(fmt::runtime(T(Msg::shortfall_none)), dec(100 * zero_hits_bound95(N), 2) + " %") << "\n";
  else if (hits == N)
    os << "100 % : " << T(Msg::shortfall_all) << "\n";
  else
    os << fmt::format("{} % ± {} %\n", dec(100 * p.p, 1), dec(100 * p.se, 1));
  ScalarSummary fn = summarize(r.indicator(Indicator::funding_need), N, {50, 90});
  os << head(T(Msg::funding_need), "funding_need")
     << fmt::format("P50 {} €   P90 {} €\n", euros(fn.quantiles[0]), euros(fn.quantiles[1]));
  ScalarSummary mc = s(Indicator::min_cash);
  os << head(T(Msg::min_cash), "min_cash")
     << fmt::format("P10 {} €   P50 {} €   P90 {} €\n", euros(mc.quantiles[0]), euros(mc.quantiles[1]), euros(mc.quantiles[2]));
  os << head(T(Msg::min_cash_when), "min_cash_month")
     << modes_text(plan, month_modes(r.indicator(Indicator::min_cash_month), N, plan.horizon)) << "\n";
  ScalarSummary be = s(Indicator::breakeven_month);
  auto month_or_never = [&](double v) { return std::isnan(v) ? T(Msg::never) : fmt::format("{:.0f}", v); };
  // quantiles of a censored indicator with "never" as +infinity
  std::vector<double> bev(r.indicator(Indicator::breakeven_month), r.indicator(Indicator::breakeven_month) + N);
  for (auto& v : bev) if (std::isnan(v)) v = INFINITY;
  std::sort(bev.begin(), bev.end());
  auto bq = [&](double q) { double v = quantile_sorted(bev.data(), N, q); return std::isfinite(v) ? v : NAN; };
  os << head(T(Msg::breakeven_month), "breakeven_month")
     << fmt::format("P10 {}   P50 {}   P90 {}   {} : {} %\n", month_or_never(bq(0.1)), month_or_never(bq(0.5)),
                    month_or_never(bq(0.9)), T(Msg::never_reached), dec(100.0 * be.missing / N, 1));
  const int Y = static_cast<int>(r.years.size());
  os << "\n" << head(T(Msg::by_year_median), "figure");
  for (const auto& fy : r.years) os << fmt::format("{:>10}", fy.label + (fy.complete ? "" : "*"));
  os << "\n";
  auto fig_row = [&](Msg label, Figure f, bool pct) {
    os << head(T(label), figure_name(f));
    for (int y = 0; y < Y; ++y) {
      const auto& sk = r.figure_sketches[static_cast<std::size_t>(f) * Y + y];
      double v = sk.count() ? sk.quantile(0.5) : NAN;
      os << fmt::format("{:>10}", std::isnan(v) ? "-" : pct ? fmt::format("{:.0f} %", 100 * v) : euros(v));
    }
    os << "\n";
  };
  fig_row(Msg::subsidy_share, Figure::subsidy_share, true);
  fig_row(Msg::self_financing, Figure::self_financing, true);
  fig_row(Msg::net_result, Figure::net_result, false);
  fig_row(Msg::min_cash_year, Figure::min_cash, false);
  if (std::any_of(r.years.begin(), r.years.end(), [](const FiscalYear& f) { return !f.complete; }))
    os << T(Msg::incomplete_year) << "\n";
  if (!plan.checks.empty()) {
    os << "\n" << T(Msg::checks_title) << "\n";
    for (std::size_t c = 0; c < plan.checks.size(); ++c) {
      Probability pc = estimate_probability(r.check_breaches[c], N);
      os << fmt::format("  {:<28} {} % ± {} %   ({})\n", plan.checks[c].name, dec(100 * pc.p, 1), dec(100 * pc.se, 1),
                        plan.checks[c].text);
    }
  }
  os << "\n" << T(Msg::paths_note) << "\n";
}

std::string inputs_csv(const Plan& plan, const RunResult& r) {
  std::ostringstream csv;
  csv << "path";
  for (const auto& name : plan.uniform_names) csv << "," << name;
  csv << "\n";
  const std::size_t N = static_cast<std::size_t>(r.paths());
  const std::size_t K = r.kept_inputs.size() / std::max<std::size_t>(N, 1);
  for (std::size_t i = 0; i < N; ++i) {
    csv << i;
    // 17 significant digits: the CSV gives back the exact doubles the paths used
    for (std::size_t k = 0; k < K; ++k) csv << "," << fmt::format("{:.17g}", r.kept_input(k)[i]);
    csv << "\n";
  }
  return csv.str();
}

void write_run_outputs(const std::string& dir, const Plan& plan, const RunResult& r, const Scenario* sc, Lang lang) {
  const auto& pcts = plan.outputs.quantiles;
  json summary = run_summary_json(plan, r);
  // build every file in memory first, then write each atomically
  std::ostringstream monthly, annual, inds;
  monthly << "month,series,mean,sd";
  for (double p : pcts) monthly << "," << pct_key(p);
  monthly << "\n";
  for (std::size_t s = 0; s < r.series.size(); ++s) {
    auto mean = r.series[s].mean();
    auto sd = r.series[s].sd();
    auto q = r.series[s].quantiles(pcts);
    for (int m = 0; m < plan.horizon; ++m) {
      monthly << month_label(plan, m) << "," << r.series_names[s] << "," << fmt::format("{:.6g},{:.6g}", mean[m], sd[m]);
      for (std::size_t i = 0; i < pcts.size(); ++i) monthly << "," << fmt::format("{:.6g}", q[i][m]);
      monthly << "\n";
    }
  }
  annual << "year,figure,mean,sd,missing";
  for (double p : pcts) annual << "," << pct_key(p);
  annual << "\n";
  const int Y = static_cast<int>(r.years.size());
  for (int y = 0; y < Y; ++y)
    for (int f = 0; f < kFigureCount; ++f) {
      const auto& mo = r.figure_moments[static_cast<std::size_t>(f) * Y + y];
      const auto& sk = r.figure_sketches[static_cast<std::size_t>(f) * Y + y];
      annual << r.years[y].label << "," << figure_name(static_cast<Figure>(f)) << "," << fmt::format("{:.6g},{:.6g},{}", mo.mean(), mo.sd(), mo.nan_count());
      std::vector<double> fractions;
      for (double p : pcts) fractions.push_back(p / 100);
      const std::vector<double> qs = sk.count() ? sk.quantiles(fractions) : std::vector<double>(pcts.size(), NAN);
      for (double v : qs) annual << "," << fmt::format("{:.6g}", v);
      annual << "\n";
    }
  inds << "indicator,n,missing,mean,sd,min,max";
  for (double p : pcts) inds << "," << pct_key(p);
  inds << "\n";
  const std::size_t N = static_cast<std::size_t>(r.paths());
  for (int k = 0; k < kIndicatorCount; ++k) {
    ScalarSummary s = summarize(r.indicator(static_cast<Indicator>(k)), N, pcts);
    const json& q = summary["indicators"][indicator_name(static_cast<Indicator>(k))]["quantiles"];
    inds << indicator_name(static_cast<Indicator>(k)) << "," << (N - s.missing) << "," << s.missing << ","
         << fmt::format("{:.6g},{:.6g},{:.6g},{:.6g}", s.mean, s.sd, s.min, s.max);
    for (double p : pcts) {
      const json& v = q[pct_key(p)];
      inds << "," << (v.is_null() ? std::string("") : fmt::format("{:.6g}", v.get<double>()));
    }
    inds << "\n";
  }
  std::vector<std::pair<std::string, std::string>> files;
  if (!r.kept_cash.empty()) {
    // --keep-paths: every path's indicators and monthly cash, in path order
    std::ostringstream paths;
    paths << "path";
    for (int k = 0; k < kIndicatorCount; ++k) paths << "," << indicator_name(static_cast<Indicator>(k));
    for (int m = 0; m < plan.horizon; ++m) paths << ",cash_" << month_label(plan, m);
    paths << "\n";
    for (std::size_t i = 0; i < N; ++i) {
      paths << i;
      for (int k = 0; k < kIndicatorCount; ++k) paths << "," << fmt::format("{:.10g}", r.indicator(static_cast<Indicator>(k))[i]);
      for (int m = 0; m < plan.horizon; ++m) paths << "," << fmt::format("{:.2f}", r.kept_cash[i * plan.horizon + m]);
      paths << "\n";
    }
    files.emplace_back("paths.csv", paths.str());
  }
  files.emplace_back("summary.json", summary.dump(2) + "\n");
  files.emplace_back("monthly.csv", monthly.str());
  files.emplace_back("annual.csv", annual.str());
  files.emplace_back("indicators.csv", inds.str());
  if (!r.kept_inputs.empty()) files.emplace_back("inputs.csv", inputs_csv(plan, r));
  // the base case's monthly cash plan line by line (a base-case statement)
  BaseCase bc = run_base_case(plan);
  {
    std::ostringstream csv;
    write_cash_plan_csv(csv, bc, cash_plan(bc));
    files.emplace_back("cash_plan.csv", csv.str());
  }
  std::vector<std::string> owned = {"summary.json", "monthly.csv", "annual.csv", "indicators.csv", "cash_plan.csv", "paths.csv", "inputs.csv"};
  if (xlsx_available()) {
    // libxlsxwriter writes a file: built in the output directory (same file system), read
    // back, and published with the rest of the set
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw OutputError("cannot create the output directory " + dir + ": " + ec.message());
    const std::string name = xlsx_file_name(plan);
    files.emplace_back(name, xlsx_workbook(dir, plan, r, bc, sc, lang));
    owned.push_back(name);
  }
  // one set: a concurrent writer's files never mix with ours, and an older paths.csv goes
  write_file_set(dir, files, owned);
}

}  // namespace amorce
