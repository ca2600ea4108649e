#include "amorce/warnings.hpp"

#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "amorce/base_case.hpp"
#include "amorce/evaluate.hpp"

namespace amorce {

namespace {

/// "never received", "never made"... for each kind of event.
const char* consequence(const std::string& what, bool fr) {
  if (what == "purchase") return fr ? "jamais réalisé pendant l'étude" : "never made within the study";
  if (what == "payment")
    return fr ? "jamais encaissé pendant l'étude (une créance au dernier bilan)"
              : "never received within the study (a receivable in the last balance sheet)";
  return fr ? "jamais encaissé pendant l'étude" : "never received within the study";
}

/// The ledger's owner ("subsidy 'region'", "investment 'van' grant", "equity") in French.
std::string owner_text(const std::string& owner, bool fr) {
  if (!fr) return owner;
  static const std::pair<const char*, const char*> words[] = {
      {"subsidy ", "subvention "}, {"investment ", "investissement "}, {"loan ", "emprunt "}};
  std::string o = owner;
  if (o == "equity") return "apports en fonds propres";
  for (const auto& [en, f] : words)
    if (o.rfind(en, 0) == 0) {
      o = f + o.substr(std::string(en).size());
      break;
    }
  const std::string grant = " grant";
  if (o.size() > grant.size() && o.compare(o.size() - grant.size(), grant.size(), grant) == 0)
    o = o.substr(0, o.size() - grant.size()) + " (subvention d'investissement)";
  return o;
}

std::string event_text(const std::string& what, std::size_t count, bool fr) {
  const bool many = count > 1;
  if (fr) {
    if (what == "payment") return many ? "versements" : "versement";
    if (what == "purchase") return many ? "achats" : "achat";
    if (what == "draw") return many ? "tirages d'emprunt" : "tirage d'emprunt";
    if (what == "contribution") return many ? "apports" : "apport";
    return many ? "débuts" : "début";
  }
  if (what == "payment") return many ? "payments" : "payment";
  if (what == "purchase") return many ? "purchases" : "purchase";
  if (what == "draw") return many ? "draws" : "draw";
  if (what == "contribution") return many ? "contributions" : "contribution";
  return many ? "starts" : "start";
}

}  // namespace

std::vector<std::string> horizon_warnings(const Plan& plan, const Ledger& ledger, Lang lang) {
  const bool fr = lang == Lang::fr;
  // group by item and kind, in the order first seen
  std::vector<std::pair<std::string, std::string>> order;
  std::map<std::pair<std::string, std::string>, std::vector<const BeyondHorizon*>> groups;
  for (const auto& b : ledger.beyond) {
    auto key = std::make_pair(b.item, b.what);
    if (!groups.count(key)) order.push_back(key);
    groups[key].push_back(&b);
  }
  const std::string last = month_label(plan, plan.horizon - 1);
  std::vector<std::string> out;
  for (const auto& key : order) {
    const auto& list = groups[key];
    double total = 0;
    std::string months;
    for (std::size_t k = 0; k < list.size(); ++k) {
      total += list[k]->amount;
      if (k < 4) months += (k ? ", " : "") + month_label(plan, list[k]->month);
      else if (k == 4) months += fmt::format(fmt::runtime(fr ? " et {} autres" : " and {} more"), list.size() - 4);
    }
    std::string amount = total != 0 ? fmt::format(fmt::runtime(fr ? " de {} €" : " of {} €"), format_euros(total)) : "";
    const char* verb = key.second == "start" ? (fr ? "en" : "in") : (fr ? "dû" : "due");
    out.push_back(fmt::format(fmt::runtime(fr ? "{} : {}{} {} {}, après l'horizon (dernier mois {}) : {}"
                                              : "{}: {}{} {} {}, after the horizon (last month {}): {}"),
                              owner_text(key.first, fr), event_text(key.second, list.size(), fr), amount, verb, months, last,
                              consequence(key.second, fr)));
  }
  return out;
}

std::vector<std::string> scenario_warnings(const Plan& plan, Lang lang) {
  try {
    BaseCase bc = run_base_case(plan);
    return horizon_warnings(plan, bc.ledger, lang);
  } catch (const std::exception&) {
    return {};
  }
}

}  // namespace amorce
