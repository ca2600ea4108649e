#include "amorce/messages.hpp"

#include <array>
#include <stdexcept>

namespace amorce {

namespace {

struct Pair {
  const char* fr;
  const char* en;
};

// one entry per Msg, in enum order (checked by the static_assert below)
constexpr Pair kMessages[] = {
    {"jamais", "never"},
    {"scénarios simulés", "simulated scenarios"},
    {"graine", "seed"},
    {"échantillonnage", "sampling"},
    {"{} mois à partir de {}", "{} months from {}"},
    {"Risque de trésorerie négative", "Risk of a cash shortfall"},
    {"Besoin de financement", "Funding need"},
    {"Trésorerie minimale", "Minimum cash"},
    {"  atteinte en", "  reached in"},
    {"Point mort (mois)", "Breakeven (month)"},
    {"jamais atteint", "never reached"},
    {"aucun scénario simulé à court de trésorerie (P < {} à 95 %)", "no simulated scenario short of cash (P < {} at 95 %)"},
    {"tous les scénarios simulés manquent de trésorerie ; la question est combien : voir le besoin de financement",
     "every simulated scenario is short of cash; the question is how much: see the funding need"},
    {"Par exercice (médiane)", "By fiscal year (median)"},
    {"Part des subventions", "Subsidy share"},
    {"Autofinancement", "Self-financing"},
    {"Résultat net", "Net result"},
    {"Trésorerie min.", "Minimum cash"},
    {"Contrôles : probabilité d'enfreindre la règle au moins un exercice",
     "Checks: probability of a breach in some fiscal year"},
    {"Les percentiles portent sur les scénarios simulés : point mort, trésorerie minimale et besoin de financement sont "
     "calculés sur chacun.",
     "Percentiles are across the simulated scenarios: breakeven, minimum cash and funding need are computed on each."},
    {"* exercice incomplet", "* incomplete fiscal year"},
    {"cas de base", "base case"},
    {"montants en euros", "amounts in euros"},
    {"Début", "Start"},
    // sensitivity
    {"facteur", "factor"},
    {"hypothèse basse", "input low"},
    {"hypothèse haute", "input high"},
    {"indicateur (bas)", "metric at low"},
    {"indicateur (haut)", "metric at high"},
    {"écart", "swing"},
    {"basse", "low"},
    {"haute", "high"},
    {"amorce sensibilité — {}", "amorce sensitivity — {}"},
    {"méthode", "method"},
    {"indicateur", "metric"},
    {"cas de base : {}", "base case: {}"},
    {"estimation Monte Carlo : {} ± {}", "Monte Carlo estimate: {} ± {}"},
    {"somme des indices du premier ordre {:.3f} (1 = modèle additif ; le reste vient des interactions)",
     "sum of first-order indices {:.3f} (1 = additive model; the rest is interactions)"},
    {"R² de la régression sur les rangs : {:.3f}", "R2 of the rank regression: {:.3f}"},
    {"groupe", "group"},
    {"{} scénarios simulés au total", "{} model runs (simulated scenarios)"},
    // compare and stress
    {"scénario", "scenario"},
    {"écart avec {}", "difference with {}"},
    {"Écarts appariés : mêmes nombres aléatoires pour chaque scénario (erreur type de l'écart).",
     "Paired differences: the same random numbers for every scenario (standard error of the difference)."},
    // solve
    {"trouvé", "found"},
    {"non trouvé", "not found"},
    // workbook
    {"Synthèse Monte Carlo", "Monte Carlo summary"},
    {"Compte de résultat", "Income statement"},
    {"Plan de financement", "Financing plan"},
    {"Bilan", "Balance sheet"},
    {"Plan de trésorerie", "Cash plan"},
    {"Hypothèses", "Assumptions"},
    {"Hypothèses tirées", "Sampled inputs"},
    {"Nom", "Name"},
    {"Libellé", "Label"},
    {"Unité", "Unit"},
    {"Loi", "Law"},
    {"Paramètres", "Parameters"},
    {"P5 – P95", "P5 – P95"},
    {"fixe", "fixed"},
    {"tirée chaque mois", "drawn every month"},
    {"moyenne", "mean"},
    {"écart type", "sd"},
    {"minimum", "minimum"},
    {"maximum", "maximum"},
    {"absents (jamais atteint)", "missing (never reached)"},
    {"Encaissements", "Receipts"},
    {"Décaissements", "Payments"},
    {"Total", "Total"},
    {"Trésorerie en début de mois", "Cash at the start of the month"},
    {"Trésorerie en fin de mois", "Cash at the end of the month"},
    {"Total des encaissements", "Total receipts"},
    {"Total des décaissements", "Total payments"},
    {"Indicateur", "Indicator"},
    {"Probabilité", "Probability"},
    {"Erreur type", "Standard error"},
};
static_assert(std::size(kMessages) == static_cast<std::size_t>(Msg::count), "one catalogue entry per Msg");

constexpr Pair kIndicators[] = {
    {"Point mort (mois)", "Breakeven month"},
    {"Point mort hors subventions (mois)", "Breakeven month without subsidies"},
    {"Trésorerie minimale", "Minimum cash"},
    {"Mois de la trésorerie minimale", "Month of minimum cash"},
    {"Besoin de financement", "Funding need"},
    {"Trésorerie négative au moins un mois", "Cash negative in some month"},
    {"Mois de trésorerie négative", "Months of negative cash"},
    {"Trésorerie finale", "Cash at the end"},
    {"Valeur actuelle nette", "Net present value"},
    {"Trésorerie minimale en mois de charges", "Minimum cash in months of costs"},
};
static_assert(std::size(kIndicators) == static_cast<std::size_t>(kIndicatorCount));

const char* pick(const Pair& p, Lang lang) { return lang == Lang::en ? p.en : p.fr; }

}  // namespace

Lang parse_lang(const std::string& code) {
  if (code == "fr") return Lang::fr;
  if (code == "en") return Lang::en;
  throw std::invalid_argument("language must be fr or en, not '" + code + "'");
}

const char* lang_code(Lang lang) { return lang == Lang::en ? "en" : "fr"; }

std::string_view msg(Msg m, Lang lang) { return pick(kMessages[static_cast<std::size_t>(m)], lang); }

std::string_view indicator_label(Indicator k, Lang lang) { return pick(kIndicators[static_cast<std::size_t>(k)], lang); }

std::string_view law_label(Law law, Lang lang) {
  switch (law) {
    case Law::uniform: return pick({"uniforme", "uniform"}, lang);
    case Law::triangular: return pick({"triangulaire", "triangular"}, lang);
    case Law::pert: return "PERT";
    case Law::normal: return pick({"normale", "normal"}, lang);
    case Law::lognormal: return pick({"log-normale", "lognormal"}, lang);
    case Law::between: return pick({"entre (P5–P95)", "between (P5–P95)"}, lang);
    case Law::beta: return pick({"bêta", "beta"}, lang);
    case Law::gamma: return "gamma";
    case Law::poisson: return "Poisson";
    case Law::binomial: return pick({"binomiale", "binomial"}, lang);
    case Law::bernoulli: return "Bernoulli";
    case Law::discrete: return pick({"discrète", "discrete"}, lang);
    case Law::empirical: return pick({"empirique", "empirical"}, lang);
  }
  return "?";
}

std::string display_name(const std::string& name, const std::string& label, const std::string& unit, bool with_name) {
  if (label.empty()) return unit.empty() ? name : name + " (" + unit + ")";
  std::string s = label;
  if (!unit.empty()) s += " (" + unit + ")";
  if (with_name && name != label) s += " [" + name + "]";
  return s;
}

std::pair<std::string, std::string> label_of(const Scenario& sc, const std::string& name) {
  for (const auto& in : sc.inputs)
    if (in.name == name) return {in.label, in.unit};
  for (const auto& s : sc.series)
    if (s.name == name) return {s.label, ""};
  for (const auto& i : sc.revenue)
    if (i.name == name) return {i.label, ""};
  for (const auto& i : sc.costs)
    if (i.name == name) return {i.label, ""};
  for (const auto& i : sc.staff)
    if (i.name == name) return {i.label, ""};
  for (const auto& i : sc.subsidies)
    if (i.name == name) return {i.label, ""};
  return {"", ""};
}

std::vector<StatementRow> income_statement_rows(Lang lang) {
  struct R {
    const char* key;
    Pair label;
    bool total;
  };
  static const R rows[] = {
      {"sales_goods", {"Ventes de marchandises", "Sales of goods"}, false},
      {"production_sold", {"Production vendue (services, autres)", "Services and other production sold"}, false},
      {"revenue", {"Chiffre d'affaires", "Revenue"}, true},
      {"variable_costs", {"- Achats et charges variables", "- Purchases and variable costs"}, false},
      {"margin", {"Marge (CA - charges variables)", "Margin (revenue - variable costs)"}, true},
      {"other_costs", {"- Autres achats et charges externes", "- Other external costs"}, false},
      {"value_added", {"Valeur ajoutée", "Value added"}, true},
      {"subsidies_operating", {"+ Subventions d'exploitation", "+ Operating subsidies"}, false},
      {"subsidies_job", {"+ Aides aux postes", "+ Job subsidies"}, false},
      {"payroll_tax", {"- Impôts et taxes (taxe sur les salaires)", "- Payroll tax"}, false},
      {"staff_wages", {"- Salaires bruts", "- Gross wages"}, false},
      {"staff_charges", {"- Charges sociales patronales", "- Employer social charges"}, false},
      {"ebitda", {"Excédent brut d'exploitation (EBE)", "EBITDA (EBE)"}, true},
      {"depreciation", {"- Dotations aux amortissements", "- Depreciation"}, false},
      {"grant_release", {"+ Quote-part subv. d'investissement", "+ Investment grant released"}, false},
      {"operating_result", {"Résultat d'exploitation", "Operating result"}, true},
      {"interest", {"- Charges financières (intérêts)", "- Interest"}, false},
      {"current_result", {"Résultat courant avant impôts", "Current result before tax"}, true},
      {"exceptional_result", {"Résultat exceptionnel", "Exceptional result"}, true},
      {"corporate_tax", {"- Impôt sur les sociétés", "- Corporate tax"}, false},
      {"net_result", {"Résultat net", "Net result"}, true},
  };
  std::vector<StatementRow> out;
  for (const auto& r : rows) out.push_back({"", r.key, pick(r.label, lang), r.total});
  return out;
}

std::vector<StatementRow> financing_plan_rows(Lang lang) {
  struct R {
    const char* group;
    const char* key;
    Pair label;
    bool total;
  };
  static const R rows[] = {
      {"needs", "caf_shortfall", {"Insuffisance d'autofinancement", "Negative cash flow from operations"}, false},
      {"needs", "investments", {"Investissements", "Investments"}, false},
      {"needs", "loan_repayments", {"Remboursements d'emprunts", "Loan repayments"}, false},
      {"needs", "bfr_increase", {"Variation du BFR", "Increase in working capital"}, false},
      {"needs", "total", {"Total besoins", "Total needs"}, true},
      {"resources", "caf", {"CAF", "Cash flow from operations (CAF)"}, false},
      {"resources", "equity", {"Apports en fonds propres", "Equity contributions"}, false},
      {"resources", "investment_grants", {"Subventions d'investissement", "Investment grants"}, false},
      {"resources", "loans", {"Emprunts", "Loans"}, false},
      {"resources", "total", {"Total ressources", "Total resources"}, true},
      {"", "cash_change", {"Variation de trésorerie", "Change in cash"}, true},
  };
  std::vector<StatementRow> out;
  for (const auto& r : rows) out.push_back({r.group, r.key, pick(r.label, lang), r.total});
  return out;
}

std::vector<StatementRow> balance_sheet_rows(Lang lang) {
  struct R {
    const char* group;
    const char* key;
    Pair label;
    bool total;
  };
  static const R rows[] = {
      {"assets", "fixed_assets", {"Immobilisations nettes", "Net fixed assets"}, false},
      {"assets", "receivables_customers", {"Créances clients", "Customer receivables"}, false},
      {"assets", "receivables_subsidies", {"Subventions à recevoir", "Subsidies receivable"}, false},
      {"assets", "receivables_investment_grants", {"Subv. d'investissement à recevoir", "Investment grants receivable"}, false},
      {"assets", "receivables_vat", {"Crédit de TVA", "VAT credit"}, false},
      {"assets", "receivables_taxes", {"Créances fiscales (acomptes d'IS)", "Tax receivables (corporate tax instalments)"}, false},
      {"assets", "cash", {"Trésorerie", "Cash"}, false},
      {"", "total_assets", {"Total actif", "Total assets"}, true},
      {"liabilities", "equity", {"Fonds propres et apports", "Equity"}, false},
      {"liabilities", "retained_results", {"Résultats cumulés", "Retained results"}, false},
      {"liabilities", "grants_unreleased", {"Subventions d'investissement", "Investment grants"}, false},
      {"liabilities", "loans_outstanding", {"Emprunts", "Loans"}, false},
      {"liabilities", "payables_suppliers", {"Dettes fournisseurs", "Supplier payables"}, false},
      {"liabilities", "payables_social", {"Dettes sociales", "Social payables"}, false},
      {"liabilities", "payables_taxes", {"Dettes fiscales (impôts)", "Tax payables"}, false},
      {"liabilities", "payables_vat", {"TVA à payer", "VAT payable"}, false},
      {"liabilities", "deferred_income", {"Produits constatés d'avance", "Deferred income"}, false},
      {"liabilities", "advances_investment_grants", {"Avances sur subv. d'investissement", "Investment grant advances"}, false},
      {"liabilities", "bank_overdraft", {"Concours bancaires courants", "Bank overdraft"}, false},
      {"", "total_liabilities", {"Total passif", "Total liabilities"}, true},
      {"", "fonds_de_roulement", {"Fonds de roulement (FR)", "Working capital funds (FR)"}, true},
      {"", "bfr", {"BFR", "Working capital need (BFR)"}, true},
      {"", "net_cash", {"Trésorerie nette (FR - BFR)", "Net cash (FR - BFR)"}, true},
  };
  std::vector<StatementRow> out;
  for (const auto& r : rows) out.push_back({r.group, r.key, pick(r.label, lang), r.total});
  return out;
}

std::string_view month_short(int month, Lang lang) {
  static constexpr Pair months[] = {{"janv.", "Jan"}, {"févr.", "Feb"}, {"mars", "Mar"}, {"avr.", "Apr"},
                                    {"mai", "May"},   {"juin", "Jun"},  {"juil.", "Jul"}, {"août", "Aug"},
                                    {"sept.", "Sep"}, {"oct.", "Oct"},  {"nov.", "Nov"},  {"déc.", "Dec"}};
  return pick(months[((month % 12) + 12) % 12], lang);
}

}  // namespace amorce
