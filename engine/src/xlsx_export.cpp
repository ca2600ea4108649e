#include "amorce/xlsx_export.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include "amorce/assumptions.hpp"
#include "amorce/atomic_file.hpp"
#include "amorce/cash_plan.hpp"
#include "amorce/evaluate.hpp"

#ifdef AMORCE_HAVE_XLSX
#include <xlsxwriter.h>
#endif

namespace amorce {

std::string xlsx_file_name(const Plan& plan) {
  std::string stem = plan.file.empty() ? std::string() : std::filesystem::path(plan.file).stem().string();
  if (stem.empty() || stem == "<string>" || stem.find_first_of("<>:\"/\\|?*") != std::string::npos) stem = "amorce";
  return stem + ".xlsx";
}

#ifndef AMORCE_HAVE_XLSX

bool xlsx_available() { return false; }

std::string xlsx_workbook(const std::string&, const Plan&, const RunResult&, const BaseCase&, const Scenario*, Lang) {
  throw std::logic_error("this amorce was built without libxlsxwriter: no .xlsx output (apt install libxlsxwriter-dev, re-run cmake)");
}

#else

bool xlsx_available() { return true; }

namespace {

using nlohmann::json;

/// The formats of the workbook: French presentation (thousands grouped, euros after the
/// number, comma decimals in a French Excel/LibreOffice: the format codes are
/// locale-neutral, the reader's locale draws the separators).
struct Formats {
  lxw_format *head, *head_num, *text, *name, *money, *money_total, *label_total, *num, *pct, *month, *title, *note;
};

Formats make_formats(lxw_workbook* wb) {
  Formats f{};
  auto add = [&]() { return workbook_add_format(wb); };
  f.head = add();
  format_set_bold(f.head);
  format_set_bg_color(f.head, 0xE8EEF7);
  format_set_bottom(f.head, LXW_BORDER_THIN);
  format_set_text_wrap(f.head);
  format_set_align(f.head, LXW_ALIGN_VERTICAL_TOP);
  f.head_num = add();
  format_set_bold(f.head_num);
  format_set_bg_color(f.head_num, 0xE8EEF7);
  format_set_bottom(f.head_num, LXW_BORDER_THIN);
  format_set_align(f.head_num, LXW_ALIGN_RIGHT);
  format_set_num_format(f.head_num, "mmm yyyy");
  f.text = add();
  f.name = add();  // the technical name, in small grey type next to the label
  format_set_font_size(f.name, 8);
  format_set_font_color(f.name, 0x6B6B76);
  f.money = add();
  format_set_num_format(f.money, "#,##0 \"€\";-#,##0 \"€\"");
  f.money_total = add();
  format_set_num_format(f.money_total, "#,##0 \"€\";-#,##0 \"€\"");
  format_set_bold(f.money_total);
  format_set_top(f.money_total, LXW_BORDER_THIN);
  f.label_total = add();
  format_set_bold(f.label_total);
  format_set_top(f.label_total, LXW_BORDER_THIN);
  f.num = add();
  format_set_num_format(f.num, "#,##0.0##");
  f.pct = add();
  format_set_num_format(f.pct, "0.0 %");
  f.month = add();
  format_set_num_format(f.month, "mmm yyyy");
  f.title = add();
  format_set_bold(f.title);
  format_set_font_size(f.title, 13);
  f.note = add();
  format_set_italic(f.note);
  format_set_font_color(f.note, 0x6B6B76);
  return f;
}

class Book {
 public:
  Book(lxw_workbook* wb, const Plan& plan, const RunResult& run, const BaseCase& base, const Scenario* sc, Lang lang)
      : wb_(wb), f_(make_formats(wb)), plan_(plan), run_(run), base_(base), sc_(sc), lang_(lang), fr_(lang == Lang::fr) {
    bj_ = base_case_json(base);
    summary_ = run_summary_json(plan, run);
  }

  void build() {
    summary_sheet();
    statement_sheet(msg(Msg::sheet_income, lang_), income_statement_rows(lang_),
                    [&](int y) { return bj_["years"][static_cast<std::size_t>(y)]["sig"]; });
    statement_sheet(msg(Msg::sheet_financing, lang_), financing_plan_rows(lang_),
                    [&](int y) { return financing_plan_json(base_, y); });
    statement_sheet(msg(Msg::sheet_balance, lang_), balance_sheet_rows(lang_),
                    [&](int y) { return balance_sheet_json(base_, y); });
    cash_plan_sheet();
    assumptions_sheet();
  }

 private:
  lxw_worksheet* sheet(std::string_view name) {
    lxw_worksheet* ws = workbook_add_worksheet(wb_, std::string(name).c_str());
    if (!ws) throw OutputError("xlsx: cannot add the sheet '" + std::string(name) + "'");
    return ws;
  }
  static void str(lxw_worksheet* ws, int r, int c, const std::string& s, lxw_format* f = nullptr) {
    worksheet_write_string(ws, static_cast<lxw_row_t>(r), static_cast<lxw_col_t>(c), s.c_str(), f);
  }
  /// A number; an empty cell for a value that does not exist (never reached, no ratio).
  static void number(lxw_worksheet* ws, int r, int c, double v, lxw_format* f) {
    if (std::isfinite(v)) worksheet_write_number(ws, static_cast<lxw_row_t>(r), static_cast<lxw_col_t>(c), v, f);
    else worksheet_write_blank(ws, static_cast<lxw_row_t>(r), static_cast<lxw_col_t>(c), f);
  }
  static double val(const json& j) { return j.is_number() ? j.get<double>() : NAN; }
  void month_head(lxw_worksheet* ws, int r, int c, int m) {
    const int idx = plan_.start_month - 1 + m;
    lxw_datetime d{plan_.start_year + idx / 12, idx % 12 + 1, 1, 0, 0, 0};
    worksheet_write_datetime(ws, static_cast<lxw_row_t>(r), static_cast<lxw_col_t>(c), &d, f_.head_num);
  }
  static void widths(lxw_worksheet* ws, int col, double w) {
    worksheet_set_column(ws, static_cast<lxw_col_t>(col), static_cast<lxw_col_t>(col), w, nullptr);
  }

  bool money_indicator(const std::string& name) const {
    return name == "min_cash" || name == "funding_need" || name == "cash_end" || name == "npv";
  }

  void summary_sheet() {
    lxw_worksheet* ws = sheet(msg(Msg::sheet_summary, lang_));
    str(ws, 0, 0, "amorce — " + plan_.name, f_.title);
    const char* sampling = run_.options.sampling == Sampling::mc ? "mc" : run_.options.sampling == Sampling::lhs ? "lhs" : "sobol";
    str(ws, 1, 0, fmt::format("{} {}, {} {}, {} {}, {}", run_.paths(), msg(Msg::paths_simulated, lang_), msg(Msg::seed, lang_),
                              run_.options.seed, msg(Msg::sampling, lang_), sampling,
                              fmt::format(fmt::runtime(msg(Msg::months_from, lang_)), plan_.horizon, month_label(plan_, 0))),
        f_.note);
    const auto& pcts = plan_.outputs.quantiles;
    int r = 3;
    const int head = r;
    std::vector<std::string> cols = {std::string(msg(Msg::indicator, lang_)), std::string(msg(Msg::name, lang_)),
                                     std::string(msg(Msg::mean, lang_)), std::string(msg(Msg::sd, lang_)),
                                     std::string(msg(Msg::minimum, lang_)), std::string(msg(Msg::maximum, lang_)),
                                     std::string(msg(Msg::missing, lang_))};
    for (double p : pcts) cols.push_back(fmt::format("P{:g}", p));
    for (std::size_t c = 0; c < cols.size(); ++c) str(ws, r, static_cast<int>(c), cols[c], f_.head);
    ++r;
    for (int k = 0; k < kIndicatorCount; ++k) {
      const auto id = static_cast<Indicator>(k);
      const std::string name = indicator_name(id);
      const json& j = summary_["indicators"][name];
      lxw_format* fm = money_indicator(name) ? f_.money : f_.num;
      str(ws, r, 0, std::string(indicator_label(id, lang_)));
      str(ws, r, 1, name, f_.name);
      number(ws, r, 2, val(j["mean"]), fm);
      number(ws, r, 3, val(j["sd"]), fm);
      number(ws, r, 4, val(j["min"]), fm);
      number(ws, r, 5, val(j["max"]), fm);
      number(ws, r, 6, val(j["missing"]), nullptr);
      for (std::size_t i = 0; i < pcts.size(); ++i)
        number(ws, r, 7 + static_cast<int>(i), val(j["quantiles"][fmt::format("p{:g}", pcts[i])]), fm);
      ++r;
    }
    ++r;
    str(ws, r, 0, std::string(msg(Msg::probability, lang_)), f_.head);
    str(ws, r, 1, std::string(msg(Msg::name, lang_)), f_.head);
    str(ws, r, 2, "p", f_.head);
    str(ws, r, 3, std::string(msg(Msg::standard_error, lang_)), f_.head);
    ++r;
    const std::pair<const char*, std::pair<const char*, const char*>> probs[] = {
        {"shortfall", {"Trésorerie négative au moins un mois", "Cash negative in some month"}},
        {"breakeven_within_horizon", {"Point mort atteint dans l'horizon", "Breakeven within the horizon"}},
        {"breakeven_unsubsidised_within_horizon",
         {"Point mort hors subventions atteint", "Breakeven without subsidies within the horizon"}}};
    for (const auto& [key, label] : probs) {
      const json& p = summary_["probabilities"][key];
      str(ws, r, 0, fr_ ? label.first : label.second);
      str(ws, r, 1, key, f_.name);
      number(ws, r, 2, val(p["p"]), f_.pct);
      number(ws, r, 3, val(p["se"]), f_.pct);
      ++r;
    }
    ++r;
    str(ws, r, 0,
        fr_ ? "Percentiles sur les scénarios simulés ; mois comptés depuis le démarrage (0 = premier mois) ; case vide : jamais atteint."
            : "Percentiles across the simulated scenarios; months counted from the start (0 = first month); empty cell: never reached.",
        f_.note);
    worksheet_freeze_panes(ws, static_cast<lxw_row_t>(head + 1), 1);
    widths(ws, 0, 40);
    widths(ws, 1, 26);
    worksheet_set_column(ws, 2, static_cast<lxw_col_t>(6 + pcts.size()), 13, nullptr);
  }

  template <class Year>
  void statement_sheet(std::string_view title, const std::vector<StatementRow>& rows, Year year_json) {
    lxw_worksheet* ws = sheet(title);
    const int Y = static_cast<int>(base_.years.size());
    str(ws, 0, 0, std::string(title) + " — " + std::string(msg(Msg::base_case, lang_)), f_.head);
    str(ws, 0, 1, std::string(msg(Msg::name, lang_)), f_.head);
    for (int y = 0; y < Y; ++y) str(ws, 0, 2 + y, base_.years[y].label + (base_.years[y].complete ? "" : "*"), f_.head);
    std::vector<json> years;
    for (int y = 0; y < Y; ++y) years.push_back(year_json(y));
    int r = 1;
    for (const StatementRow& row : rows) {
      str(ws, r, 0, std::string(row.label), row.total ? f_.label_total : nullptr);
      str(ws, r, 1, std::string(row.group).empty() ? row.key : std::string(row.group) + "." + row.key, f_.name);
      for (int y = 0; y < Y; ++y) {
        const json& src = std::string(row.group).empty() ? years[y] : years[y][row.group];
        number(ws, r, 2 + y, src.contains(row.key) ? val(src[row.key]) : NAN, row.total ? f_.money_total : f_.money);
      }
      ++r;
    }
    if (std::any_of(base_.years.begin(), base_.years.end(), [](const FiscalYear& f) { return !f.complete; }))
      str(ws, r + 1, 0, std::string(msg(Msg::incomplete_year, lang_)), f_.note);
    worksheet_freeze_panes(ws, 1, 2);
    widths(ws, 0, 44);
    widths(ws, 1, 24);
    worksheet_set_column(ws, 2, static_cast<lxw_col_t>(1 + std::max(Y, 1)), 14, nullptr);
  }

  void cash_plan_sheet() {
    lxw_worksheet* ws = sheet(msg(Msg::sheet_cash_plan, lang_));
    const CashPlan cp = cash_plan(base_);
    const int H = plan_.horizon;
    str(ws, 0, 0, std::string(msg(Msg::sheet_cash_plan, lang_)) + " — " + std::string(msg(Msg::base_case, lang_)), f_.head);
    str(ws, 0, 1, std::string(msg(Msg::name, lang_)), f_.head);
    for (int m = 0; m < H; ++m) month_head(ws, 0, 2 + m, m);
    str(ws, 0, 2 + H, std::string(msg(Msg::total, lang_)), f_.head);
    int r = 1;
    auto line = [&](const std::string& label, const std::string& key, const std::vector<double>& v, bool total, bool sum) {
      str(ws, r, 0, label, total ? f_.label_total : nullptr);
      str(ws, r, 1, key, f_.name);
      double s = 0;
      for (int m = 0; m < H; ++m) {
        const double x = m < static_cast<int>(v.size()) ? v[static_cast<std::size_t>(m)] : NAN;
        number(ws, r, 2 + m, x, total ? f_.money_total : f_.money);
        s += std::isfinite(x) ? x : 0;
      }
      if (sum) number(ws, r, 2 + H, s, total ? f_.money_total : f_.money);
      ++r;
    };
    line(std::string(msg(Msg::cash_start, lang_)), "cash_start", cp.cash_start, true, false);
    str(ws, r++, 0, std::string(msg(Msg::receipts, lang_)), f_.head);
    for (const auto& row : cp.receipts) line(row.label, row.key, row.months, false, true);
    line(std::string(msg(Msg::cash_in, lang_)), "cash_in", cp.cash_in, true, true);
    str(ws, r++, 0, std::string(msg(Msg::payments, lang_)), f_.head);
    for (const auto& row : cp.payments) line(row.label, row.key, row.months, false, true);
    line(std::string(msg(Msg::cash_out, lang_)), "cash_out", cp.cash_out, true, true);
    line(std::string(msg(Msg::cash_end, lang_)), "cash_end", cp.cash_end, true, false);
    worksheet_freeze_panes(ws, 1, 2);
    widths(ws, 0, 40);
    widths(ws, 1, 22);
    worksheet_set_column(ws, 2, static_cast<lxw_col_t>(2 + H), 12, nullptr);
  }

  void assumptions_sheet() {
    lxw_worksheet* ws = sheet(msg(Msg::sheet_assumptions, lang_));
    const std::vector<Msg> head = {Msg::label, Msg::name, Msg::unit, Msg::law, Msg::parameters, Msg::base_case};
    int c = 0;
    for (Msg h : head) str(ws, 0, c++, std::string(msg(h, lang_)), f_.head);
    str(ws, 0, c++, "P5", f_.head);
    str(ws, 0, c++, "P95", f_.head);
    int r = 1;
    if (sc_) {
      for (const AssumptionRow& a : assumption_rows(*sc_, plan_, base_, lang_)) {
        std::string params;
        for (std::size_t i = 0; i < a.params.size(); ++i)
          params += (i ? ", " : "") + (a.params[i].first.empty() ? "" : a.params[i].first + " ") + a.params[i].second;
        std::string law = a.law + (a.each_month ? std::string(", ") + std::string(msg(Msg::each_month, lang_)) : "");
        str(ws, r, 0, a.label.empty() ? a.name : a.label);
        str(ws, r, 1, a.name, f_.name);
        str(ws, r, 2, a.unit);
        str(ws, r, 3, law);
        str(ws, r, 4, params);
        number(ws, r, 5, a.base, f_.num);
        number(ws, r, 6, a.p5, f_.num);
        number(ws, r, 7, a.p95, f_.num);
        ++r;
      }
    }
    worksheet_freeze_panes(ws, 1, 2);
    widths(ws, 0, 36);
    widths(ws, 1, 22);
    widths(ws, 2, 10);
    widths(ws, 3, 22);
    widths(ws, 4, 40);
    worksheet_set_column(ws, 5, 7, 14, nullptr);
  }

  lxw_workbook* wb_;
  Formats f_;
  const Plan& plan_;
  const RunResult& run_;
  const BaseCase& base_;
  const Scenario* sc_;
  Lang lang_;
  bool fr_;
  json bj_, summary_;
};

}  // namespace

std::string xlsx_workbook(const std::string& tmp_dir, const Plan& plan, const RunResult& run, const BaseCase& base,
                          const Scenario* sc, Lang lang) {
  // an anonymous file (O_TMPFILE) in the output directory, opened by libxlsxwriter through
  // /proc/self/fd: it vanishes with the process, even on kill -9
  const int fd = ::open(tmp_dir.c_str(), O_TMPFILE | O_RDWR, 0600);
  if (fd < 0) throw OutputError("cannot create a temporary workbook in " + tmp_dir + ": " + std::strerror(errno));
  struct Close {
    int fd;
    ~Close() { ::close(fd); }
  } closer{fd};
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  lxw_workbook_options options{};
  lxw_workbook* wb = workbook_new_opt(path.c_str(), &options);
  if (!wb) throw OutputError("cannot create the workbook in " + tmp_dir);
  try {
    Book(wb, plan, run, base, sc, lang).build();
  } catch (...) {
    workbook_close(wb);
    throw;
  }
  // a fixed creation date: the same run gives the same bytes
  lxw_doc_properties props{};
  props.created = 946684800;  // 2000-01-01
  workbook_set_properties(wb, &props);
  if (lxw_error e = workbook_close(wb); e != LXW_NO_ERROR)
    throw OutputError(fmt::format("cannot write the workbook in {}: {}", tmp_dir, lxw_strerror(e)));
  std::string bytes;
  char buf[1 << 16];
  for (off_t off = 0;;) {
    const ssize_t n = ::pread(fd, buf, sizeof buf, off);
    if (n < 0) throw OutputError("cannot read back the workbook: " + std::string(std::strerror(errno)));
    if (n == 0) break;
    bytes.append(buf, static_cast<std::size_t>(n));
    off += n;
  }
  return bytes;
}

#endif

}  // namespace amorce
