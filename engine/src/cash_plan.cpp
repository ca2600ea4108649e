#include "amorce/cash_plan.hpp"

#include <fmt/format.h>
#include <ostream>

#include "amorce/evaluate.hpp"

namespace amorce {

using nlohmann::json;

namespace {

// Row order of each side, by ledger line (the templates' order).
constexpr Line kReceipts[] = {Line::cash_revenue, Line::cash_subsidies, Line::cash_investment_grants, Line::cash_equity,
                              Line::cash_loans,   Line::cash_vat_refund, Line::cash_corporate_tax_refund};
constexpr Line kPayments[] = {Line::cash_suppliers,  Line::cash_wages,       Line::cash_social_charges,
                              Line::cash_payroll_tax, Line::cash_vat,         Line::cash_corporate_tax,
                              Line::cash_investments, Line::cash_principal,   Line::cash_interest};

/// Taxes are settled on totals, not per item: one row each, straight from the ledger line.
bool is_tax(Line l) {
  return l == Line::cash_vat || l == Line::cash_payroll_tax || l == Line::cash_corporate_tax ||
         l == Line::cash_vat_refund || l == Line::cash_corporate_tax_refund;
}

void add_rows(const BaseCase& bc, Line l, std::vector<CashPlanRow>& out) {
  const int H = bc.plan->horizon;
  if (is_tax(l)) {
    CashPlanRow r{line_name(l), cash_line_label_fr(l), l, std::vector<double>(static_cast<std::size_t>(H))};
    for (int m = 0; m < H; ++m) r.months[static_cast<std::size_t>(m)] = bc.ledger.at(l, m, 0);
    out.push_back(std::move(r));
    return;
  }
  for (const ItemFlow& f : bc.ledger.flows) {
    if (f.line != l) continue;
    CashPlanRow r{f.key, f.label, l, std::vector<double>(static_cast<std::size_t>(H))};
    for (int m = 0; m < H; ++m) r.months[static_cast<std::size_t>(m)] = f.v[static_cast<std::size_t>(m) * bc.ledger.n];
    out.push_back(std::move(r));
  }
}

}  // namespace

const char* cash_line_label_fr(Line l) {
  switch (l) {
    case Line::cash_revenue: return "Ventes et prestations encaissées (TTC)";
    case Line::cash_subsidies: return "Subventions d'exploitation et aides aux postes";
    case Line::cash_investment_grants: return "Subventions d'investissement";
    case Line::cash_equity: return "Apports en fonds propres";
    case Line::cash_loans: return "Emprunts (déblocage)";
    case Line::cash_vat_refund: return "Remboursement de crédit de TVA";
    case Line::cash_corporate_tax_refund: return "Restitution d'excédent d'IS";
    case Line::cash_suppliers: return "Achats et charges externes (TTC)";
    case Line::cash_wages: return "Salaires";
    case Line::cash_social_charges: return "Charges sociales patronales";
    case Line::cash_payroll_tax: return "Taxe sur les salaires";
    case Line::cash_vat: return "TVA reversée";
    case Line::cash_corporate_tax: return "Impôt sur les sociétés";
    case Line::cash_investments: return "Investissements (TTC)";
    case Line::cash_principal: return "Remboursement d'emprunts (capital)";
    case Line::cash_interest: return "Intérêts d'emprunts";
    default: return line_name(l);
  }
}

/// The same headings in English (the terminal's --lang en).
const char* cash_line_label_en(Line l) {
  switch (l) {
    case Line::cash_revenue: return "Sales and services received (incl. VAT)";
    case Line::cash_subsidies: return "Operating subsidies and job aids";
    case Line::cash_investment_grants: return "Investment grants";
    case Line::cash_equity: return "Equity contributions";
    case Line::cash_loans: return "Loans (drawdowns)";
    case Line::cash_vat_refund: return "VAT credit refunds";
    case Line::cash_corporate_tax_refund: return "Corporate tax refunds";
    case Line::cash_suppliers: return "Purchases and external costs (incl. VAT)";
    case Line::cash_wages: return "Wages";
    case Line::cash_social_charges: return "Employer social charges";
    case Line::cash_payroll_tax: return "Payroll tax";
    case Line::cash_vat: return "VAT paid";
    case Line::cash_corporate_tax: return "Corporate tax";
    case Line::cash_investments: return "Investments (incl. VAT)";
    case Line::cash_principal: return "Loan repayments (principal)";
    case Line::cash_interest: return "Loan interest";
    default: return line_name(l);
  }
}

CashPlan cash_plan(const BaseCase& bc) {
  CashPlan cp;
  for (Line l : kReceipts) add_rows(bc, l, cp.receipts);
  for (Line l : kPayments) add_rows(bc, l, cp.payments);
  const int H = bc.plan->horizon;
  for (int m = 0; m < H; ++m) {
    const double in = bc.ledger.at(Line::cash_in, m, 0), out = bc.ledger.at(Line::cash_out, m, 0);
    const double end = bc.ledger.at(Line::cash, m, 0);
    cp.cash_in.push_back(in);
    cp.cash_out.push_back(out);
    cp.cash_start.push_back(m == 0 ? end - in + out : bc.ledger.at(Line::cash, m - 1, 0));
    cp.cash_end.push_back(end);
  }
  return cp;
}

json cash_plan_json(const CashPlan& cp) {
  auto rows = [](const std::vector<CashPlanRow>& v) {
    json a = json::array();
    for (const auto& r : v) a.push_back({{"key", r.key}, {"label", r.label}, {"line", line_name(r.line)}, {"months", r.months}});
    return a;
  };
  return json{{"receipts", rows(cp.receipts)}, {"payments", rows(cp.payments)}, {"cash_in", cp.cash_in},
              {"cash_out", cp.cash_out}, {"cash_start", cp.cash_start}, {"cash_end", cp.cash_end}};
}

void print_cash_plan(std::ostream& os, const BaseCase& bc, const CashPlan& cp, Lang lang) {
  const bool fr = lang == Lang::fr;
  const Plan& p = *bc.plan;
  for (const FiscalYear& fy : bc.years) {
    std::vector<std::string> head;
    for (int m = fy.first; m <= fy.last; ++m) head.push_back(month_label(p, m));
    head.push_back("Total");
    std::vector<std::pair<std::string, std::vector<std::string>>> rows;
    auto cells = [&](const std::vector<double>& v, bool total = true) {
      std::vector<std::string> c;
      double s = 0;
      for (int m = fy.first; m <= fy.last; ++m) {
        c.push_back(format_euros(v[static_cast<std::size_t>(m)]));
        s += v[static_cast<std::size_t>(m)];
      }
      c.push_back(total ? format_euros(s) : "");
      return c;
    };
    auto side = [&](const char* title, const std::vector<CashPlanRow>& v, const std::vector<double>& total,
                    const char* total_label) {
      rows.push_back({title, {}});
      Line group = Line::count;
      for (const auto& r : v) {
        if (r.line != group && !is_tax(r.line))
          rows.push_back({fmt::format(" {}", fr ? cash_line_label_fr(r.line) : cash_line_label_en(r.line)), {}});
        group = r.line;
        rows.push_back({fmt::format("{}{} [{}]", is_tax(r.line) ? " " : "   ", r.label, r.key), cells(r.months)});
      }
      rows.push_back({total_label, cells(total)});
    };
    rows.push_back({fr ? "Trésorerie en début de mois [cash_start]" : "Cash at the start of the month [cash_start]", cells(cp.cash_start, false)});
    side(fr ? "ENCAISSEMENTS" : "RECEIPTS", cp.receipts, cp.cash_in, fr ? "Total encaissements [cash_in]" : "Total receipts [cash_in]");
    side(fr ? "DÉCAISSEMENTS" : "PAYMENTS", cp.payments, cp.cash_out, fr ? "Total décaissements [cash_out]" : "Total payments [cash_out]");
    std::vector<double> net(cp.cash_in.size());
    for (std::size_t m = 0; m < net.size(); ++m) net[m] = cp.cash_in[m] - cp.cash_out[m];
    rows.push_back({fr ? "Solde du mois [cash_in - cash_out]" : "Net flow of the month [cash_in - cash_out]", cells(net)});
    rows.push_back({fr ? "Trésorerie en fin de mois [cash]" : "Cash at the end of the month [cash]", cells(cp.cash_end, false)});
    print_table(os, fmt::format("{} {}{}", fr ? "Plan de trésorerie mensuel" : "Monthly cash plan", fy.label, fy.complete ? "" : "*"),
                head, rows);
  }
}

void write_cash_plan_csv(std::ostream& os, const BaseCase& bc, const CashPlan& cp) {
  const Plan& p = *bc.plan;
  auto quote = [](const std::string& s) {
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  os << "side,key,line,label";
  for (int m = 0; m < p.horizon; ++m) os << "," << month_label(p, m);
  os << "\n";
  auto row = [&](const char* side, const std::string& key, const std::string& line, const std::string& label,
                 const std::vector<double>& v) {
    os << side << "," << quote(key) << "," << line << "," << quote(label);
    for (double x : v) os << "," << fmt::format("{:.2f}", x);
    os << "\n";
  };
  row("start", "cash_start", "cash", "Trésorerie en début de mois", cp.cash_start);
  for (const auto& r : cp.receipts) row("in", r.key, line_name(r.line), r.label, r.months);
  row("in", "cash_in", "cash_in", "Total encaissements", cp.cash_in);
  for (const auto& r : cp.payments) row("out", r.key, line_name(r.line), r.label, r.months);
  row("out", "cash_out", "cash_out", "Total décaissements", cp.cash_out);
  row("end", "cash", "cash", "Trésorerie en fin de mois", cp.cash_end);
}

}  // namespace amorce
