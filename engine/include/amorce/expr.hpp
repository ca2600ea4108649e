#pragma once
/// Expression syntax tree (spec section 3). Parsed once at compile time; the compiler lowers
/// it to Plan operations evaluated over whole blocks of paths, never walked per path.
#include <string>
#include <vector>

#include "amorce/scenario.hpp"

namespace amorce {

enum class NodeKind { number, name, unary, binary, call };

struct ExprNode {
  NodeKind kind = NodeKind::number;
  double value = 0;         ///< number
  std::string text;         ///< name, operator ("+", "<=", "and", "-" unary, "not") or function
  std::vector<int> args;    ///< child node indices
  int offset = 0;           ///< character offset in the source text, for positions
  bool date = false;        ///< a number written as a date YYYY-MM (a month index)
};

/// A parsed expression: nodes in an arena, root last added.
struct ExprTree {
  std::vector<ExprNode> nodes;
  int root = -1;
  Expr source;
  /// Position of a node: the expression's position shifted by the node's column offset.
  SourcePos pos_of(int node) const;
};

/// The calendar month of month index 0 (the scenario's `start`): a date `YYYY-MM` written
/// in an expression is that many months after it. Without an origin a date is an error.
struct MonthOrigin {
  int year = 0, month = 1;
};

/// Parses `e.text`; throws ScenarioError at the offending column. A date `YYYY-MM` (4-digit
/// year 1900..2199, 1- or 2-digit month) is read as its month index from `origin`, never as a
/// subtraction: `at: 2027-07` means July 2027, not month 2020. A date before the origin is
/// an error.
ExprTree parse_expression(const Expr& e, const MonthOrigin* origin = nullptr);

}  // namespace amorce
