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
};

/// A parsed expression: nodes in an arena, root last added.
struct ExprTree {
  std::vector<ExprNode> nodes;
  int root = -1;
  Expr source;
  /// Position of a node: the expression's position shifted by the node's column offset.
  SourcePos pos_of(int node) const;
};

/// Parses `e.text`; throws ScenarioError at the offending column.
ExprTree parse_expression(const Expr& e);

}  // namespace amorce
