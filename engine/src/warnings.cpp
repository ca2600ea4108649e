#include "amorce/warnings.hpp"

#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "amorce/base_case.hpp"
#include "amorce/evaluate.hpp"

namespace amorce {

namespace {

/// "never received", "never made"... for each kind of event.
const char* consequence(const std::string& what) {
  if (what == "purchase") return "never made within the study";
  if (what == "payment") return "never received within the study (a receivable in the last balance sheet)";
  return "never received within the study";
}

std::string event_text(const std::string& what, std::size_t count) {
  const bool many = count > 1;
  if (what == "payment") return many ? "payments" : "payment";
  if (what == "purchase") return many ? "purchases" : "purchase";
  if (what == "draw") return many ? "draws" : "draw";
  if (what == "contribution") return many ? "contributions" : "contribution";
  return many ? "starts" : "start";
}

}  // namespace

std::vector<std::string> horizon_warnings(const Plan& plan, const Ledger& ledger) {
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
      else if (k == 4) months += fmt::format(" and {} more", list.size() - 4);
    }
    std::string amount = total != 0 ? fmt::format(" of {} €", format_euros(total)) : "";
    const char* verb = key.second == "start" ? "in" : "due";
    out.push_back(fmt::format("{}: {}{} {} {}, after the horizon (last month {}): {}", key.first,
                              event_text(key.second, list.size()), amount, verb, months, last,
                              consequence(key.second)));
  }
  return out;
}

std::vector<std::string> scenario_warnings(const Plan& plan) {
  try {
    BaseCase bc = run_base_case(plan);
    return horizon_warnings(plan, bc.ledger);
  } catch (const std::exception&) {
    return {};
  }
}

}  // namespace amorce
