#include <iostream>

#include "amorce/compile.hpp"
#include "amorce/load.hpp"
#include "amorce/stress.hpp"
#include "commands.hpp"

namespace amorce::cli {

Command add_stress_command(CLI::App& app) {
  struct Opts {
    std::string file, format = "table", lang = "fr";
    bool no_variants = false;
    RunFlags flags;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand(
      "stress",
      "Standard funder stresses against the base: subsidies paid 3/6/12 months later, yearly subsidies not renewed after "
      "year 1/2/3, earned revenue -20 %, ramp-up twice as slow, and the scenario's own variants");
  sub->add_option("FILE", o->file, "scenario YAML file")->required();
  add_run_flags(sub, o->flags);
  sub->add_flag("--no-variants", o->no_variants, "leave out the scenario's own variants");
  sub->add_option("--format", o->format, "output format")->check(CLI::IsMember({"table", "json"}));
  add_lang_option(sub, o->lang);
  return {sub, [o]() {
            Scenario sc = load_scenario(o->file, o->flags.variant);
            Plan plan = compile(sc);
            RunOptions ro = run_options(plan, o->flags);
            CompareOptions co;
            co.paths = ro.paths;
            co.seed = ro.seed;
            co.threads = ro.threads;
            co.sampling = ro.sampling;
            std::function<Scenario(const std::string&)> loader;
            if (!o->no_variants) loader = [file = o->file](const std::string& v) { return load_scenario(file, v); };
            auto stresses = standard_stresses(sc, loader);
            Comparison c = run_stress_tests(sc, stresses, co);
            if (o->format == "json") {
              auto j = comparison_json(c);
              j["scenario"] = sc.name;
              std::cout << j.dump(2) << "\n";
            } else {
              const Lang lang = parse_lang(o->lang);
              print_stress_table(std::cout, c, (lang == Lang::fr ? "amorce tests de résistance — " : "amorce stress — ") + sc.name, lang);
            }
            return 0;
          }};
}

}  // namespace amorce::cli
