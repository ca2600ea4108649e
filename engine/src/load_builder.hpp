/// Validation of a merged YAML tree into the plain Scenario structs. One class, its methods
/// grouped by section in load_builder.cpp (common checks, top level, item sections' shared
/// parts), load_inputs.cpp (inputs, series, correlations), load_items.cpp (revenue, costs,
/// staff, subsidies, investments, financing) and load_fiscal.cpp (VAT, taxes, checks, outputs).
#pragma once

#include <functional>

#include "load_tree.hpp"

namespace amorce::load_detail {

class Builder {
 public:
  explicit Builder(DiagnosticSink& sink) : sink_(sink) {}

  /// Every problem goes to the sink; the caller throws them once.
  Scenario build(const YNode& root);

 private:
  DiagnosticSink& sink_;
  Scenario sc_;
  bool horizon_ok_ = false;
  struct NameUse {
    std::string name, kind;
    SourcePos pos;
    std::string note;  ///< said when the name is a duplicate (e.g. how it was derived)
  };
  std::vector<NameUse> names_;

  void err(const SourcePos& pos, std::string msg) { sink_.error(pos, std::move(msg)); }

  static std::string prefix(const std::string& ctx) { return ctx.empty() ? "" : ctx + ": "; }

  using ItemFn = std::function<void(const std::string&, const SourcePos&, const YNode&, bool)>;

  /// Unknown keys are errors with a did-you-mean suggestion.
  void check_keys(const YNode& map, const std::vector<std::string>& allowed,
                  const std::string& ctx);

  bool expect(const YNode& n, Kind kind, const std::string& what);

  bool too_many(const YNode& n, const std::string& section);

  /// .inf, -.Inf, .nan...: YAML's spellings of infinity and NaN, never a valid amount.
  static bool is_yaml_special_float(const std::string& t);

  /// " : write 1_100 (a space cannot separate thousands: use '_')", or "" when `text`
  /// shows none of the usual spreadsheet spellings (see load_hints.hpp).
  static std::string fix_hint(const std::string& text);

  /// "; ',' without a space is a decimal comma? write [0.8, 1.1, 1.5]" when joining the
  /// glued pairs of a list (`0,8` read as 0 and 8) gives the `expected` count; else "".
  static std::string glued_commas_hint(const YNode& list, std::size_t expected);

  std::optional<Expr> expr_of(const YNode& n, const std::string& what);

  std::optional<Expr> opt_expr(const YNode& map, const char* key, const std::string& ctx);

  Expr req_expr(const YNode& map, const char* key, const std::string& ctx, const SourcePos& at);

  /// Checks a number field when it is a plain literal (expressions are checked when run).
  void check_lit(const std::optional<Expr>& e, const std::string& ctx, const char* key,
                 const std::function<bool(double)>& ok, const std::string& expected);

  void check_rate(const std::optional<Expr>& e, const std::string& ctx, const char* key);

  /// A month after the horizon is legal (the item then never happens within the study, and
  /// `check` and `run` warn about it); dates YYYY-MM are converted by the compiler.
  void check_month(const std::optional<Expr>& e, const std::string& ctx, const char* key);

  std::string text_of(const YNode* n, const std::string& what);

  /// One of a fixed set of words.
  std::string choice(const YNode& map, const char* key, const std::string& ctx,
                     const std::vector<std::string>& options, const std::string& dflt);

  std::optional<long long> int_field(const YNode& n, const std::string& what, long long lo,
                                     long long hi, const std::string& expected);

  std::optional<double> number_field(const YNode& n, const std::string& what);

  bool register_name(const std::string& name, const std::string& kind, const SourcePos& pos,
                     std::string note = "");

  void check_unique_names();

  std::vector<std::string> all_names(const char* kind = nullptr) const;

  void top_level(const YNode& root);

  void start_date(const YNode& n);

  void simulation(const YNode& n);

  void inputs(const YNode& n);

  void input_map(const YNode& c, const std::string& ctx, Input& in);

  void series(const YNode& n);

  void checks(const YNode& n);

  /// Sections keyed by name: a map `name: {...}`, or a list of maps with `name:`.
  void named_items(const YNode* n, const std::string& section, const std::string& kind,
                   const ItemFn& fn);

  /// Common fields of revenue, costs and in-kind items. A bare value is the amount.
  bool item_base(ItemBase& it, const std::string& name, const SourcePos& pos, const YNode& body,
                 const std::string& kind, std::vector<std::string> keys, bool listed);

  void window(std::optional<Expr>& from, std::optional<Expr>& until, const YNode& body,
              const std::string& ctx);

  void paid_after(std::optional<Expr>& e, const YNode& body, const std::string& ctx);

  void revenue(const std::string& name, const SourcePos& pos, const YNode& body, bool listed);

  void cost(const std::string& name, const SourcePos& pos, const YNode& body, bool listed);

  void in_kind(const std::string& name, const SourcePos& pos, const YNode& body, bool listed);

  void staff(const YNode& n);

  /// Grant payments; default one payment of the whole amount at `start`.
  std::vector<Payment> payments(const YNode& owner, const SourcePos& owner_pos,
                                const std::string& ctx);

  /// The `name:` of a list item, or nullptr (after reporting why) when the item is not a
  /// mapping with a name: subsidies, investments and loans are matched by name in variants.
  const YNode* item_name(const YNode& e, const std::string& ictx);

  void subsidies(const YNode& n);

  void investments(const YNode& n);

  void financing(const YNode& n);

  void vat(const YNode& n);

  void taxes(const YNode& n);

  void payroll(const YNode& p);

  void correlations(const YNode& n);

  void outputs(const YNode& n);
};

}  // namespace amorce::load_detail
