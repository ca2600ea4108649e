#include <iostream>

#include "amorce/compile.hpp"
#include "amorce/load.hpp"
#include "amorce/solve.hpp"
#include "commands.hpp"

namespace amorce::cli {

Command add_solve_command(CLI::App& app) {
  struct Opts {
    std::string file, input, target, format = "table", lang = "fr";
    double min = 0, max = 0, tol = 0;
    bool maximise = false;
    RunFlags flags;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("solve",
                                 "Goal seeking: the smallest (or largest) value of a fixed input meeting a target, e.g. the "
                                 "equity that brings P(shortfall) under 10 %");
  sub->add_option("FILE", o->file, "scenario YAML file")->required();
  sub->add_option("--vary", o->input, "a fixed input of the scenario (or opening_cash)")->required()->check(non_empty_validator());
  sub->add_option("--target", o->target, "e.g. \"prob(shortfall) <= 0.1\", \"quantile(min_cash, 0.1) >= 0\"")
      ->required()
      ->check(non_empty_validator());
  auto* omin = sub->add_option("--min", o->min, "lower end of the search range (default 0)")->check(finite_validator());
  auto* omax = sub->add_option("--max", o->max, "upper end of the search range (default: expanded until the target is met)")
                   ->check(finite_validator());
  sub->add_option("--tol", o->tol, "tolerance on the input (default: range / 10 000)")->check(positive_validator());
  sub->add_flag("--maximise,--maximize", o->maximise, "the largest value meeting the target (e.g. a price, a cost)");
  sub->add_option("--format", o->format, "output format")->check(CLI::IsMember({"table", "json"}));
  add_run_flags(sub, o->flags);
  add_lang_option(sub, o->lang);
  return {sub, [o, omin, omax]() {
            if (omin->count() && omax->count() && !(o->max > o->min))
              throw std::invalid_argument("--min " + std::to_string(o->min) + " --max " + std::to_string(o->max) +
                                          ": the search range is empty (--max must be above --min)");
            Scenario sc = load_scenario(o->file, o->flags.variant);
            Plan plan = compile(sc);
            RunOptions ro = run_options(plan, o->flags);
            SolveOptions so;
            so.input = o->input;
            so.target = o->target;
            if (omin->count()) so.min = o->min;
            if (omax->count()) so.max = o->max;
            so.tolerance = o->tol;
            so.maximise = o->maximise;
            so.paths = ro.paths;
            so.seed = ro.seed;
            so.threads = ro.threads;
            so.sampling = ro.sampling;
            SolveResult r = solve_input(sc, so);
            if (o->format == "json") std::cout << solve_json(r).dump(2) << "\n";
            else print_solve(std::cout, r, parse_lang(o->lang), &sc);
            return r.found ? 0 : 3;
          }};
}

}  // namespace amorce::cli
