#include <iostream>

#include "amorce/base_case.hpp"
#include "amorce/cash_plan.hpp"
#include "amorce/compile.hpp"
#include "amorce/load.hpp"
#include "amorce/warnings.hpp"
#include "commands.hpp"

namespace amorce::cli {

Command add_check_command(CLI::App& app) {
  struct Opts {
    std::string file, variant, format = "table", lang = "fr";
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("check", "validate a scenario and print its base case (every input at its base value)");
  sub->add_option("FILE", o->file, "scenario YAML file")->required();
  sub->add_option("--variant", o->variant, "apply a named variant of the scenario")->check(non_empty_validator());
  sub->add_option("--format", o->format,
                  "output format: table, json, csv (monthly lines) or cash-plan (the monthly cash plan line by line, CSV)")
      ->check(CLI::IsMember({"table", "csv", "json", "cash-plan"}));
  add_lang_option(sub, o->lang);
  return {sub, [o]() {
            Scenario sc = load_scenario(o->file, o->variant);
            Plan plan = compile(sc);
            BaseCase bc = run_base_case(plan);
            for (const auto& w : horizon_warnings(plan, bc.ledger, parse_lang(o->lang)))
              std::cerr << o->file << (o->lang == "en" ? ": warning: " : " : avertissement : ") << w << "\n";
            if (o->format == "json") {
              std::cout << base_case_json(bc).dump(2) << "\n";
            } else if (o->format == "csv") {
              write_base_case_csv(std::cout, bc);
            } else if (o->format == "cash-plan") {
              write_cash_plan_csv(std::cout, bc, cash_plan(bc));
            } else {
              const std::size_t items = sc.revenue.size() + sc.costs.size() + sc.staff.size();
              if (o->lang == "en")
                std::cerr << o->file << ": ok (" << sc.inputs.size() << " inputs, " << items << " items, " << sc.subsidies.size()
                          << " subsidies)\n";
              else
                std::cerr << o->file << " : valide (" << sc.inputs.size() << " hypothèses, " << items << " postes, "
                          << sc.subsidies.size() << " subventions)\n";
              print_base_case(std::cout, bc, parse_lang(o->lang));
            }
            return 0;
          }};
}

}  // namespace amorce::cli
