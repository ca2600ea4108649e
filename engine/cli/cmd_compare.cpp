#include <filesystem>
#include <iostream>

#include "amorce/compare.hpp"
#include "amorce/compile.hpp"
#include "amorce/load.hpp"
#include "commands.hpp"

namespace amorce::cli {

Command add_compare_command(CLI::App& app) {
  struct Opts {
    std::vector<std::string> files;
    std::string format = "table", lang = "fr";
    RunFlags flags;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("compare",
                                 "Key indicators of scenarios or variants side by side, with paired differences against the first "
                                 "(common random numbers)");
  sub->add_option("FILES", o->files, "scenario files, each optionally FILE.yaml:VARIANT; the first is the reference")->required();
  add_run_flags(sub, o->flags);
  sub->add_option("--format", o->format, "output format")->check(CLI::IsMember({"table", "json"}));
  add_lang_option(sub, o->lang);
  return {sub, [o]() {
            std::vector<Candidate> cands;
            for (const auto& spec : o->files) {
              std::string file = spec, variant;
              auto colon = spec.rfind(':');
              if (colon != std::string::npos && colon > 0 && !std::filesystem::exists(spec)) {
                file = spec.substr(0, colon);
                variant = spec.substr(colon + 1);
              }
              if (variant.empty()) variant = o->flags.variant;
              Scenario sc = load_scenario(file, variant);
              Candidate c;
              c.label = std::filesystem::path(file).stem().string() + (variant.empty() ? "" : ":" + variant);
              c.description = sc.name + (variant.empty() ? "" : " (" + variant + ")");
              c.plan = compile(sc);
              cands.push_back(std::move(c));
            }
            RunOptions ro = run_options(cands.front().plan, o->flags);
            CompareOptions co;
            co.paths = ro.paths;
            co.seed = ro.seed;
            co.threads = ro.threads;
            co.sampling = ro.sampling;
            Comparison c = compare_plans(cands, co);
            if (o->format == "json") std::cout << comparison_json(c).dump(2) << "\n";
            else print_comparison(std::cout, c, parse_lang(o->lang));
            return 0;
          }};
}

}  // namespace amorce::cli
