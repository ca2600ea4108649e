#include <iostream>

#include "amorce/compile.hpp"
#include "amorce/load.hpp"
#include "amorce/metric.hpp"
#include "amorce/atomic_file.hpp"
#include "amorce/sensitivity.hpp"
#include "amorce/sensitivity_over_time.hpp"
#include "amorce/sensitivity_table.hpp"
#include "commands.hpp"

namespace amorce::cli {

namespace {

std::pair<std::string, std::vector<std::string>> parse_group(const std::string& s) {
  auto eq = s.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 >= s.size())
    throw std::invalid_argument("--group '" + s + "': expected NAME=input1,input2,...");
  std::pair<std::string, std::vector<std::string>> g{s.substr(0, eq), {}};
  std::string cur;
  for (char c : s.substr(eq + 1) + ",") {
    if (c == ',') {
      if (!cur.empty()) g.second.push_back(cur);
      cur.clear();
    } else if (c != ' ') {
      cur += c;
    }
  }
  return g;
}

}  // namespace

Command add_sensitivity_command(CLI::App& app) {
  struct Opts {
    std::string file, metric = "prob(shortfall)", method = "tornado", format = "table", lang = "fr";
    std::vector<std::string> groups;
    bool over_time = false;
    std::string out;
    double low = 10, high = 90, level = 0.95;
    int bootstrap = 500, trajectories = 20, levels = 4;
    RunFlags flags;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("sensitivity", "Which assumption drives a metric: tornado, rank correlation, Sobol indices, Morris screening");
  sub->add_option("FILE", o->file, "scenario YAML file")->required();
  auto* ometric = sub->add_option("--metric", o->metric,
                  "metric: an indicator (min_cash, funding_need, breakeven_month...), a figure net_result[2028], a monthly value "
                  "cash@35, sum(revenue), or a statistic prob(shortfall), mean(npv), quantile(breakeven_month, 0.8)")
      ->capture_default_str();
  auto* omethod = sub->add_option("--method", o->method, "tornado | correlation | sobol | morris")
      ->check(CLI::IsMember({"tornado", "correlation", "sobol", "morris"}))
      ->capture_default_str();
  sub->add_option("--group", o->groups, "NAME=input1,input2: inputs moved together as one factor (tornado, sobol, morris; sobol draws the group with "
                  "its correlations); repeatable");
  sub->add_option("--low", o->low, "tornado: low percentile")->capture_default_str();
  sub->add_option("--high", o->high, "tornado: high percentile")->capture_default_str();
  sub->add_option("--bootstrap", o->bootstrap, "sobol: bootstrap resamples")->check(CLI::Range(0, 100000))->capture_default_str();
  sub->add_option("--level", o->level, "sobol: confidence level of the intervals")->check(CLI::Range(0.5, 0.999))->capture_default_str();
  sub->add_option("--trajectories", o->trajectories, "morris: trajectories r")->check(CLI::Range(2, 100000))->capture_default_str();
  sub->add_option("--levels", o->levels, "morris: grid levels (even)")->check(CLI::Range(2, 100))->capture_default_str();
  sub->add_option("--format", o->format, "output format")->check(CLI::IsMember({"table", "json"}));
  sub->add_flag("--over-time", o->over_time,
                "month by month: the share of a monthly line's variance due to each input (--metric cash and --method "
                "sobol by default here, or --method correlation), one design for every month");
  sub->add_option("--out", o->out, "--over-time: also write every month and factor to this CSV file (atomically)");
  add_run_flags(sub, o->flags);
  add_lang_option(sub, o->lang);
  sub->description(sub->get_description() +
                   ". --paths: Monte Carlo paths (tornado on a statistic, correlation), Saltelli base rows N (sobol, rounded "
                   "up to a power of two; cost N x (factors + 2)), or total model runs (morris)");
  return {sub, [o, ometric, omethod]() {
            Scenario sc = load_scenario(o->file, o->flags.variant);
            Plan plan = compile(sc);
            if (o->over_time && !omethod->count()) o->method = "sobol";  // the default month by month
            if (!o->over_time && !o->out.empty()) throw std::invalid_argument("--out FILE.csv is written by --over-time only");
            if (!o->out.empty()) check_output_file(o->out, "--out");
            Metric metric = o->over_time ? Metric{} : parse_metric(o->metric, plan);
            RunOptions ro = run_options(plan, o->flags);
            SensitivityOptions so;
            so.method = o->method == "correlation" ? SensitivityMethod::correlation
                        : o->method == "sobol"     ? SensitivityMethod::sobol
                        : o->method == "morris"    ? SensitivityMethod::morris
                                                   : SensitivityMethod::tornado;
            so.paths = o->flags.paths;
            so.seed = ro.seed;
            so.threads = ro.threads;
            so.sampling = ro.sampling;
            so.low = o->low;
            so.high = o->high;
            so.bootstrap = o->bootstrap;
            so.level = o->level;
            so.trajectories = o->trajectories;
            so.levels = o->levels;
            for (const auto& g : o->groups) so.groups.push_back(parse_group(g));
            if (o->over_time) {
              if (!ometric->count()) o->metric = "cash";
              if (o->method == "tornado" || o->method == "morris")
                throw std::invalid_argument("--over-time: expected --method sobol or --method correlation, not " + o->method);
              SensitivityOverTime rt = run_sensitivity_over_time(plan, o->metric, so);
              if (!o->out.empty()) write_file_atomic(o->out, sensitivity_over_time_csv(rt));
              if (o->format == "json") std::cout << sensitivity_over_time_json(rt).dump(2) << "\n";
              else print_sensitivity_over_time(std::cout, rt, parse_lang(o->lang), &sc);
              return 0;
            }
            SensitivityReport rep = run_sensitivity(plan, metric, so);
            if (o->format == "json") std::cout << sensitivity_json(rep).dump(2) << "\n";
            else {
              label_sensitivity_rows(rep, sc);
              print_sensitivity_table(std::cout, rep, parse_lang(o->lang), o->low, o->high);
            }
            return 0;
          }};
}

}  // namespace amorce::cli
