#include "amorce/base_case.hpp"
#include "amorce/format.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <ostream>

#include "amorce/cash_plan.hpp"
#include "amorce/format.hpp"
#include "amorce/messages.hpp"
#include "amorce/evaluate.hpp"
#include "amorce/warnings.hpp"

namespace amorce {

using nlohmann::json;

BaseCase run_base_case(const Plan& plan) {
  BaseCase bc;
  bc.plan = &plan;
  init_block(bc.state, plan, 1, 0, plan.simulation.seed, /*base_case=*/true, nullptr);
  bc.ledger.keep_flows = true;  // the line-by-line cash plan (cash_plan.hpp)
  simulate_block(bc.state, bc.ledger);
  compute_results(bc.state, bc.ledger, bc.results);
  bc.years = fiscal_years(plan);
  return bc;
}

std::string format_euros(double v) { return group_thousands(v, " "); }

namespace {

json num(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

double year_sum(const BaseCase& bc, Line l, const FiscalYear& fy) {
  double s = 0;
  for (int m = fy.first; m <= fy.last; ++m) s += bc.ledger.at(l, m, 0);
  return s;
}

struct Row {
  const char* key;
  const char* label;
};

const Row kPnl[] = {
    {"revenue", "Chiffre d'affaires (ventes, prestations)"},
    {"subsidies_operating", "Subventions d'exploitation"},
    {"subsidies_job", "Aides aux postes"},
    {"costs", "Achats et charges externes"},
    {"staff_wages", "Salaires bruts"},
    {"staff_charges", "Charges sociales patronales"},
    {"payroll_tax", "Taxe sur les salaires"},
    {"ebitda", "EBE (excédent brut d'exploitation)"},
    {"depreciation", "Dotations aux amortissements"},
    {"grant_release", "Quote-part subv. d'investissement"},
    {"operating_result", "Résultat d'exploitation"},
    {"interest", "Charges financières (intérêts)"},
    {"corporate_tax", "Impôt sur les sociétés"},
    {"net_result", "Résultat net"},
    {"caf", "CAF (capacité d'autofinancement)"},
    {"in_kind", "Contributions volontaires en nature"},
};

Line line_of(const std::string& key) {
  for (int l = 0; l < kLineCount; ++l)
    if (key == line_name(static_cast<Line>(l))) return static_cast<Line>(l);
  return Line::count;
}

double bfr_at(const BaseCase& bc, int m) {
  if (m < 0) return 0;
  auto v = [&](Line l) { return bc.ledger.at(l, m, 0); };
  return v(Line::receivables_customers) + v(Line::receivables_subsidies) + v(Line::receivables_investment_grants) +
         v(Line::receivables_vat) + v(Line::receivables_taxes) - v(Line::payables_suppliers) -
         v(Line::payables_social) - v(Line::payables_taxes) - v(Line::payables_vat) - v(Line::deferred_income) -
         v(Line::advances_investment_grants);
}

}  // namespace

json balance_sheet_json(const BaseCase& bc, int y) {
  int m = bc.years[y].last;
  auto v = [&](Line l) { return bc.ledger.at(l, m, 0); };
  json assets = {{"fixed_assets", v(Line::fixed_assets)},
                 {"receivables_customers", v(Line::receivables_customers)},
                 {"receivables_subsidies", v(Line::receivables_subsidies)},
                 {"receivables_investment_grants", v(Line::receivables_investment_grants)},
                 {"receivables_vat", v(Line::receivables_vat)},
                 {"receivables_taxes", v(Line::receivables_taxes)},
                 {"cash", std::max(v(Line::cash), 0.0)}};
  json liabilities = {{"equity", v(Line::equity)},
                      {"retained_results", v(Line::retained_results)},
                      {"grants_unreleased", v(Line::grants_unreleased)},
                      {"loans_outstanding", v(Line::loans_outstanding)},
                      {"payables_suppliers", v(Line::payables_suppliers)},
                      {"payables_social", v(Line::payables_social)},
                      {"payables_taxes", v(Line::payables_taxes)},
                      {"payables_vat", v(Line::payables_vat)},
                      {"deferred_income", v(Line::deferred_income)},
                      {"advances_investment_grants", v(Line::advances_investment_grants)},
                      // negative cash is a bank overdraft (*concours bancaires courants*), a liability
                      {"bank_overdraft", std::max(-v(Line::cash), 0.0)}};
  double ta = 0, tl = 0;
  for (auto& [k, x] : assets.items()) ta += x.get<double>();
  for (auto& [k, x] : liabilities.items()) tl += x.get<double>();
  double fr = v(Line::equity) + v(Line::retained_results) + v(Line::grants_unreleased) + v(Line::loans_outstanding) -
              v(Line::fixed_assets);
  return json{{"month", m}, {"assets", assets}, {"liabilities", liabilities}, {"total_assets", ta},
              {"total_liabilities", tl}, {"fonds_de_roulement", fr}, {"bfr", bfr_at(bc, m)}, {"net_cash", v(Line::cash)}};
}

json financing_plan_json(const BaseCase& bc, int y) {
  const FiscalYear& fy = bc.years[y];
  double inv = year_sum(bc, Line::investments, fy), principal = year_sum(bc, Line::cash_principal, fy);
  double dbfr = bfr_at(bc, fy.last) - bfr_at(bc, fy.first - 1);
  double caf = year_sum(bc, Line::caf, fy), eq = year_sum(bc, Line::cash_equity, fy),
         grants = year_sum(bc, Line::investment_grants_awarded, fy), loans = year_sum(bc, Line::cash_loans, fy);
  // French presentation: a negative CAF is an *insuffisance d'autofinancement*, a need,
  // never a negative resource (needs and resources both grow by it: the balance is unchanged)
  const double shortfall = caf < 0 ? -caf : 0.0;
  if (caf < 0) caf = 0;
  double needs = inv + principal + dbfr + shortfall, res = caf + eq + grants + loans;
  double cash_before = fy.first == 0 ? bc.ledger.at(Line::cash, 0, 0) - bc.ledger.at(Line::cash_in, 0, 0) + bc.ledger.at(Line::cash_out, 0, 0)
                                     : bc.ledger.at(Line::cash, fy.first - 1, 0);
  return json{{"needs", {{"caf_shortfall", shortfall}, {"investments", inv}, {"loan_repayments", principal},
                         {"bfr_increase", dbfr}, {"total", needs}}},
              {"resources", {{"caf", caf}, {"equity", eq}, {"investment_grants", grants}, {"loans", loans}, {"total", res}}},
              {"cash_change", res - needs},
              {"cash_start", cash_before},
              {"cash_end", bc.ledger.at(Line::cash, fy.last, 0)}};
}

json sig_json(const BaseCase& bc, int y) {
  const FiscalYear& fy = bc.years[y];
  const Plan& p = *bc.plan;
  auto sum = [&](Line l) { return year_sum(bc, l, fy); };
  double goods = 0;  // revenue items of kind `sales`; the rest is production vendue
  for (const auto& f : p.revenue)
    if (f.kind == "sales")
      for (int m = fy.first; m <= fy.last; ++m) goods += bc.state.hist(f.amount_hist, m)[0];
  const double revenue = sum(Line::revenue), variable = sum(Line::variable_costs), costs = sum(Line::costs);
  const double margin = revenue - variable, value_added = margin - (costs - variable);
  const double ebitda = value_added + sum(Line::subsidies_operating) + sum(Line::subsidies_job) -
                        sum(Line::payroll_tax) - sum(Line::staff_wages) - sum(Line::staff_charges);
  const double operating = ebitda - sum(Line::depreciation) + sum(Line::grant_release);
  const double current = operating - sum(Line::interest), exceptional = 0.0;
  return json{{"sales_goods", goods},
              {"production_sold", revenue - goods},
              {"revenue", revenue},
              {"variable_costs", variable},
              {"margin", margin},
              {"other_costs", costs - variable},
              {"value_added", value_added},
              {"subsidies_operating", sum(Line::subsidies_operating)},
              {"subsidies_job", sum(Line::subsidies_job)},
              {"payroll_tax", sum(Line::payroll_tax)},
              {"staff_wages", sum(Line::staff_wages)},
              {"staff_charges", sum(Line::staff_charges)},
              {"ebitda", ebitda},
              {"depreciation", sum(Line::depreciation)},
              {"grant_release", sum(Line::grant_release)},
              {"operating_result", operating},
              {"interest", sum(Line::interest)},
              {"current_result", current},
              {"exceptional_result", exceptional},
              {"corporate_tax", sum(Line::corporate_tax)},
              {"net_result", current + exceptional - sum(Line::corporate_tax)}};
}

json base_case_json(const BaseCase& bc) {
  const Plan& p = *bc.plan;
  json out;
  out["scenario"] = {{"name", p.name}, {"horizon", p.horizon}, {"start", month_label(p, 0)},
                     {"fiscal_year_start", p.fiscal_year_start}, {"vat_regime", p.vat_regime}};
  json months = json::array();
  for (int m = 0; m < p.horizon; ++m) months.push_back(month_label(p, m));
  out["months"] = months;
  out["warnings"] = horizon_warnings(p, bc.ledger);
  json monthly;
  for (int l = 0; l < kLineCount; ++l) {
    json arr = json::array();
    for (int m = 0; m < p.horizon; ++m) arr.push_back(bc.ledger.at(static_cast<Line>(l), m, 0));
    monthly[line_name(static_cast<Line>(l))] = arr;
  }
  for (std::size_t h = 0; h < p.hist_names.size(); ++h) {
    const std::string& name = p.hist_names[h];
    if (name.rfind("item:", 0) != 0 && name.rfind("series:", 0) != 0) continue;
    json arr = json::array();
    for (int m = 0; m < p.horizon; ++m) arr.push_back(bc.state.hist(static_cast<int>(h), m)[0]);
    monthly[name] = arr;
  }
  for (std::size_t k = 0; k < p.subsidies.size(); ++k) {
    json arr = json::array();
    for (int m = 0; m < p.horizon; ++m)
      arr.push_back(bc.ledger.subsidy_income[k * p.horizon + m]);
    monthly["subsidy:" + p.subsidies[k].name] = arr;
  }
  out["monthly"] = monthly;
  json years = json::array();
  for (int y = 0; y < static_cast<int>(bc.years.size()); ++y) {
    const FiscalYear& fy = bc.years[y];
    json yr = {{"label", fy.label}, {"first_month", fy.first}, {"last_month", fy.last}, {"complete", fy.complete}};
    json pnl;
    for (const Row& r : kPnl) pnl[r.key] = year_sum(bc, line_of(r.key), fy);
    yr["income_statement"] = pnl;
    yr["sig"] = sig_json(bc, y);
    json figs;
    for (int f = 0; f < kFigureCount; ++f) figs[figure_name(static_cast<Figure>(f))] = num(bc.results.figure(static_cast<Figure>(f), y, 0));
    yr["figures"] = figs;
    yr["balance_sheet"] = balance_sheet_json(bc, y);
    yr["financing_plan"] = financing_plan_json(bc, y);
    years.push_back(yr);
  }
  out["years"] = years;
  json ind;
  for (int k = 0; k < kIndicatorCount; ++k) ind[indicator_name(static_cast<Indicator>(k))] = num(bc.results.indicator(static_cast<Indicator>(k), 0));
  out["indicators"] = ind;
  out["cash_plan"] = cash_plan_json(cash_plan(bc));
  json checks = json::object();
  for (std::size_t c = 0; c < p.checks.size(); ++c) {
    json per_year = json::array();
    for (int y = 0; y < bc.results.years; ++y) {
      double v = bc.results.check_year[(c * bc.results.years + y) * 1];
      per_year.push_back(std::isnan(v) ? json(nullptr) : json(v == 0));
    }
    checks[p.checks[c].name] = {{"rule", p.checks[c].text}, {"passed", bc.results.check_any[c] == 0}, {"by_year", per_year}};
  }
  out["checks"] = checks;
  return out;
}

void print_table(std::ostream& os, const std::string& title, const std::vector<std::string>& head,
           const std::vector<std::pair<std::string, std::vector<std::string>>>& rows) {
  std::size_t w0 = 0;
  for (const auto& r : rows) w0 = std::max(w0, r.first.size());
  std::vector<std::size_t> w(head.size(), 0);
  for (std::size_t j = 0; j < head.size(); ++j) w[j] = head[j].size();
  for (const auto& r : rows)
    for (std::size_t j = 0; j < r.second.size() && j < w.size(); ++j) w[j] = std::max(w[j], r.second[j].size());
  os << "\n" << title << "\n";
  auto utf8_len = [](const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
  };
  std::size_t w0v = 0;
  for (const auto& r : rows) w0v = std::max(w0v, utf8_len(r.first));
  os << std::string(w0v, ' ');
  for (std::size_t j = 0; j < head.size(); ++j) os << "  " << std::string(w[j] - head[j].size(), ' ') << head[j];
  os << "\n";
  for (const auto& r : rows) {
    os << r.first << std::string(w0v - utf8_len(r.first), ' ');
    for (std::size_t j = 0; j < r.second.size(); ++j) os << "  " << std::string(w[j] - r.second[j].size(), ' ') << r.second[j];
    os << "\n";
  }
}


void print_base_case(std::ostream& os, const BaseCase& bc, Lang lang) {
  const Plan& p = *bc.plan;
  const bool fr = lang == Lang::fr;
  auto euros = [fr](double v) { return fr ? format_euros(v) : group_thousands(v, ","); };
  os << (fr ? "amorce — cas de base : " : "amorce — base case: ") << p.name << "\n";
  os << (fr ? fmt::format("Début {}, {} mois ; montants en euros\n", month_label(p, 0), p.horizon)
            : fmt::format("Start {}, {} months; amounts in euros\n", month_label(p, 0), p.horizon));
  std::vector<std::string> head;
  for (const auto& fy : bc.years) head.push_back(fy.label + (fy.complete ? "" : "*"));
  std::vector<std::pair<std::string, std::vector<std::string>>> rows;
  const int Y = static_cast<int>(bc.years.size());
  // one statement: its rows (label [key]) from the catalogue, its values from the JSON
  auto statement = [&](const std::vector<StatementRow>& layout, const std::vector<json>& years) {
    rows.clear();
    for (const StatementRow& r : layout) {
      std::vector<std::string> cells;
      for (const auto& j : years) {
        const json& src = std::string(r.group).empty() ? j : j[r.group];
        cells.push_back(euros(src.contains(r.key) && src[r.key].is_number() ? src[r.key].get<double>() : NAN));
      }
      rows.push_back({fmt::format("{}{} [{}]", r.total ? "= " : "  ", r.label, r.key), cells});
    }
  };
  std::vector<json> sigs, fps, sheets;
  for (int y = 0; y < Y; ++y) {
    sigs.push_back(sig_json(bc, y));
    fps.push_back(financing_plan_json(bc, y));
    sheets.push_back(balance_sheet_json(bc, y));
  }
  statement(income_statement_rows(lang), sigs);
  for (const char* key : {"caf", "in_kind"}) {  // after the soldes: CAF and contributions en nature
    std::vector<std::string> cells;
    for (const auto& fy : bc.years) cells.push_back(euros(year_sum(bc, line_of(key), fy)));
    const Row* r = std::find_if(std::begin(kPnl), std::end(kPnl), [&](const Row& x) { return std::string(x.key) == key; });
    const std::string label = fr ? r->label : std::string(key) == "caf" ? "Cash flow from operations (CAF)" : "Contributions in kind";
    rows.push_back({fmt::format("  {} [{}]", label, key), cells});
  }
  print_table(os, fr ? "Compte de résultat et soldes intermédiaires de gestion (SIG)" : "Income statement and intermediate balances (SIG)",
              head, rows);
  statement(financing_plan_rows(lang), fps);
  print_table(os, fr ? "Plan de financement" : "Financing plan", head, rows);
  statement(balance_sheet_rows(lang), sheets);
  print_table(os, fr ? "Bilan en fin d'exercice" : "Balance sheet at year end", head, rows);

  print_cash_plan(os, bc, cash_plan(bc), lang);

  rows.clear();
  for (int k = 0; k < kIndicatorCount; ++k) {
    auto ind = static_cast<Indicator>(k);
    double v = bc.results.indicator(ind, 0);
    std::string s;
    if (std::isnan(v)) s = msg(Msg::never, lang);
    else if (ind == Indicator::breakeven_month || ind == Indicator::breakeven_month_unsubsidised || ind == Indicator::min_cash_month)
      s = fmt::format("{} ({})", v, month_label(p, static_cast<int>(v)));
    else if (ind == Indicator::min_cash_months) s = fmt::format("{:.1f}", v);
    else if (ind == Indicator::shortfall) s = v != 0 ? (fr ? "oui" : "yes") : (fr ? "non" : "no");
    else s = euros(v);
    rows.push_back({fmt::format("{} [{}]", indicator_label(ind, lang), indicator_name(ind)), {s}});
  }
  print_table(os, fr ? "Indicateurs" : "Indicators", {fr ? "valeur" : "value"}, rows);

  if (!p.checks.empty()) {
    rows.clear();
    for (std::size_t c = 0; c < p.checks.size(); ++c) {
      std::vector<std::string> cells;
      for (int y = 0; y < bc.results.years; ++y) {
        double v = bc.results.check_year[c * bc.results.years + y];
        cells.push_back(std::isnan(v) ? (fr ? "s.o." : "n/a") : v == 0 ? "ok" : (fr ? "ENFREINT" : "BREACH"));
      }
      rows.push_back({fmt::format("{} ({})", p.checks[c].name, p.checks[c].text), cells});
    }
    print_table(os, fr ? "Contrôles" : "Checks", head, rows);
  }
  bool partial = false;
  for (const auto& fy : bc.years) partial |= !fy.complete;
  if (partial)
    os << (fr ? "\n* exercice incomplet : coupé par l'horizon\n" : "\n* incomplete fiscal year: cut by the horizon\n");
}

void write_base_case_csv(std::ostream& os, const BaseCase& bc) {
  const Plan& p = *bc.plan;
  os << "month";
  for (int l = 0; l < kLineCount; ++l) os << "," << line_name(static_cast<Line>(l));
  os << "\n";
  for (int m = 0; m < p.horizon; ++m) {
    os << month_label(p, m);
    for (int l = 0; l < kLineCount; ++l) os << "," << fmt::format("{:.2f}", bc.ledger.at(static_cast<Line>(l), m, 0));
    os << "\n";
  }
}

}  // namespace amorce
