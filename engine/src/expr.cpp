#include "amorce/expr.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace amorce {

SourcePos ExprTree::pos_of(int node) const {
  SourcePos p = source.pos;
  if (node >= 0 && node < static_cast<int>(nodes.size()) && p.line > 0 && p.column > 0 &&
      source.text.find('\n') == std::string::npos)
    p.column += nodes[node].offset;
  return p;
}

namespace {

struct Token {
  enum Type { number, name, op, lparen, rparen, comma, end } type = end;
  std::string text;
  double value = 0;
  int offset = 0;
  bool date = false;
};

bool digit_at(const std::string& s, std::size_t i) {
  return i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]));
}

/// Length of the run of digits starting at i.
std::size_t digits_from(const std::string& s, std::size_t i) {
  std::size_t j = i;
  while (digit_at(s, j)) ++j;
  return j - i;
}

class Parser {
 public:
  Parser(const Expr& e, const MonthOrigin* origin) : src_(e.text), origin_(origin) { tree_.source = e; }

  ExprTree run() {
    if (src_.size() > Limits::max_expression_length)
      fail(0, "expression is too long (" + std::to_string(src_.size()) + " characters, at most " +
                  std::to_string(Limits::max_expression_length) + ")");
    tokenize();
    if (toks_.size() == 1) fail(0, "empty expression: expected a number or an expression");
    tree_.root = parse_expr(0);
    if (peek().type != Token::end) fail(peek().offset, "unexpected '" + peek().text + "' after the end of the expression");
    return std::move(tree_);
  }

 private:
  [[noreturn]] void fail(int offset, const std::string& msg) {
    ExprTree t;
    t.source = tree_.source;
    ExprNode n;
    n.offset = offset;
    t.nodes.push_back(n);
    throw ScenarioError(t.pos_of(0), msg + " in expression '" + src_ + "'");
  }

  void tokenize() {
    std::size_t i = 0;
    while (i < src_.size()) {
      unsigned char c = static_cast<unsigned char>(src_[i]);
      if (std::isspace(c)) {
        ++i;
        continue;
      }
      Token t;
      t.offset = static_cast<int>(i);
      if (std::size_t len = date_length(i)) {
        t = date_token(i, len);
        i += len;
      } else if (std::isdigit(c) || (c == '.' && i + 1 < src_.size() && std::isdigit(static_cast<unsigned char>(src_[i + 1])))) {
        std::string digits;
        std::size_t j = i;
        bool seen_e = false;
        while (j < src_.size()) {
          char d = src_[j];
          if (std::isdigit(static_cast<unsigned char>(d)) || d == '.') {
            digits += d;
          } else if (d == '_' && !digits.empty() && j + 1 < src_.size() && std::isdigit(static_cast<unsigned char>(src_[j + 1]))) {
            // digit separator: 45_000
          } else if ((d == 'e' || d == 'E') && !seen_e && j + 1 < src_.size() &&
                     (std::isdigit(static_cast<unsigned char>(src_[j + 1])) ||
                      ((src_[j + 1] == '-' || src_[j + 1] == '+') && j + 2 < src_.size() &&
                       std::isdigit(static_cast<unsigned char>(src_[j + 2]))))) {
            seen_e = true;
            digits += d;
            digits += src_[++j];
          } else {
            break;
          }
          ++j;
        }
        char* endp = nullptr;
        t.value = std::strtod(digits.c_str(), &endp);
        if (endp != digits.c_str() + digits.size() || !std::isfinite(t.value))
          fail(t.offset, "invalid number '" + digits + "'");
        if (j < src_.size() && (std::isalpha(static_cast<unsigned char>(src_[j])) || src_[j] == '_'))
          fail(static_cast<int>(j), "invalid number '" + src_.substr(i, j - i + 1) + "'");
        t.type = Token::number;
        t.text = src_.substr(i, j - i);
        i = j;
      } else if (std::isalpha(c) || c == '_') {
        std::size_t j = i;
        while (j < src_.size() && (std::isalnum(static_cast<unsigned char>(src_[j])) || src_[j] == '_')) ++j;
        t.text = src_.substr(i, j - i);
        t.type = (t.text == "and" || t.text == "or" || t.text == "not") ? Token::op : Token::name;
        i = j;
      } else if (c == '(') {
        t.type = Token::lparen, t.text = "(", ++i;
      } else if (c == ')') {
        t.type = Token::rparen, t.text = ")", ++i;
      } else if (c == ',') {
        t.type = Token::comma, t.text = ",", ++i;
      } else {
        static const char* two[] = {"<=", ">=", "==", "!=", "&&", "||"};
        bool matched = false;
        for (const char* o : two) {
          if (src_.compare(i, 2, o) == 0) {
            t.type = Token::op;
            t.text = o;
            if (t.text == "&&") t.text = "and";
            if (t.text == "||") t.text = "or";
            i += 2;
            matched = true;
            break;
          }
        }
        if (!matched) {
          if (std::string("+-*/^<>!").find(static_cast<char>(c)) == std::string::npos)
            fail(t.offset, std::string("unexpected character '") + static_cast<char>(c) + "'");
          t.type = Token::op;
          t.text = std::string(1, static_cast<char>(c));
          if (t.text == "!") t.text = "not";
          ++i;
        }
      }
      toks_.push_back(t);
    }
    Token e;
    e.type = Token::end;
    e.text = "end of expression";
    e.offset = static_cast<int>(src_.size());
    toks_.push_back(e);
  }

  /// Length of a date YYYY-MM (or YYYY-M) starting at i, 0 when there is none. A 4-digit
  /// year in 1900..2199 directly followed by '-' and one or two digits is always a date;
  /// write spaces around '-' to subtract (`2000 - 12`).
  std::size_t date_length(std::size_t i) const {
    if (i > 0 && (std::isalnum(static_cast<unsigned char>(src_[i - 1])) || src_[i - 1] == '_' || src_[i - 1] == '.'))
      return 0;
    if (digits_from(src_, i) != 4 || i + 4 >= src_.size() || src_[i + 4] != '-') return 0;
    int year = std::stoi(src_.substr(i, 4));
    if (year < 1900 || year > 2199) return 0;
    std::size_t m = digits_from(src_, i + 5);
    if (m == 0) return 0;
    std::size_t end = i + 5 + m;
    if (end < src_.size() && (src_[end] == '.' || src_[end] == '_' || std::isalpha(static_cast<unsigned char>(src_[end]))))
      return 0;
    return 5 + m;
  }

  Token date_token(std::size_t i, std::size_t len) {
    const std::string text = src_.substr(i, len);
    const int off = static_cast<int>(i);
    const int year = std::stoi(text.substr(0, 4));
    const std::string mm = text.substr(5);
    if (mm.size() > 2)
      fail(off, "invalid date '" + text + "': expected YYYY-MM with a month from 01 to 12");
    const int month = std::stoi(mm);
    if (month < 1 || month > 12)
      fail(off, "invalid date '" + text + "': month " + std::to_string(month) + " does not exist (expected 01 to 12)");
    if (i + len < src_.size() && src_[i + len] == '-' && digit_at(src_, i + len + 1))
      fail(off, "a day is not used here: write the month only, " + std::to_string(year) + "-" +
                    (month < 10 ? "0" : "") + std::to_string(month));
    if (!origin_)
      fail(off, "a date '" + text + "' needs the scenario's start to become a month index");
    const int index = (year * 12 + month - 1) - (origin_->year * 12 + origin_->month - 1);
    if (index < 0)
      fail(off, "date " + text + " is before the scenario's start (" + std::to_string(origin_->year) + "-" +
                    (origin_->month < 10 ? "0" : "") + std::to_string(origin_->month) +
                    "): expected a month from the start on");
    Token t;
    t.type = Token::number;
    t.text = text;
    t.value = index;
    t.offset = off;
    t.date = true;
    return t;
  }

  const Token& peek() const { return toks_[pos_]; }
  Token next() { return toks_[pos_++]; }

  int add(ExprNode n) {
    if (tree_.nodes.size() > 20000) fail(n.offset, "expression is too large");
    tree_.nodes.push_back(std::move(n));
    return static_cast<int>(tree_.nodes.size()) - 1;
  }

  static int binding_power(const std::string& op) {
    if (op == "or") return 1;
    if (op == "and") return 2;
    if (op == "<" || op == "<=" || op == ">" || op == ">=" || op == "==" || op == "!=") return 4;
    if (op == "+" || op == "-") return 5;
    if (op == "*" || op == "/") return 6;
    if (op == "^") return 8;
    return -1;
  }

  int parse_expr(int min_bp) {
    if (++depth_ > Limits::max_nesting) fail(peek().offset, "expression is nested too deeply");
    int lhs = parse_prefix();
    for (;;) {
      const Token& t = peek();
      if (t.type != Token::op) break;
      int bp = binding_power(t.text);
      if (bp < 0 || bp < min_bp) break;
      Token op = next();
      // ^ is right-associative; comparisons do not chain.
      int rbp = op.text == "^" ? bp : bp + 1;
      int rhs = parse_expr(rbp);
      ExprNode n;
      n.kind = NodeKind::binary;
      n.text = op.text;
      n.args = {lhs, rhs};
      n.offset = op.offset;
      lhs = add(n);
    }
    --depth_;
    return lhs;
  }

  int parse_prefix() {
    Token t = next();
    ExprNode n;
    n.offset = t.offset;
    switch (t.type) {
      case Token::number:
        n.kind = NodeKind::number;
        n.value = t.value;
        n.date = t.date;
        if (t.date) n.text = t.text;  // as written, for messages
        return add(n);
      case Token::lparen: {
        int inner = parse_expr(0);
        if (peek().type != Token::rparen) fail(peek().offset, "expected ')' but found '" + peek().text + "'");
        next();
        return inner;
      }
      case Token::op:
        if (t.text == "-" || t.text == "+") {
          // unary minus binds looser than ^ : -2^2 = -4
          n.kind = NodeKind::unary;
          n.text = t.text;
          n.args = {parse_expr(7)};
          return add(n);
        }
        if (t.text == "not") {
          n.kind = NodeKind::unary;
          n.text = "not";
          n.args = {parse_expr(3)};
          return add(n);
        }
        fail(t.offset, "expected a number, a name or '(' but found '" + t.text + "'");
      case Token::name:
        n.text = t.text;
        if (t.text == "true" || t.text == "false") {
          n.kind = NodeKind::number;
          n.value = t.text == "true" ? 1 : 0;
          return add(n);
        }
        if (peek().type == Token::lparen) {
          next();
          n.kind = NodeKind::call;
          if (peek().type != Token::rparen) {
            for (;;) {
              n.args.push_back(parse_expr(0));
              if (peek().type == Token::comma) {
                next();
                continue;
              }
              if (peek().type == Token::rparen) break;
              fail(peek().offset, "expected ',' or ')' in the arguments of " + t.text + "() but found '" + peek().text + "'");
            }
          }
          next();
          return add(n);
        }
        n.kind = NodeKind::name;
        return add(n);
      default:
        fail(t.offset, "expected a number, a name or '(' but found '" + t.text + "'");
    }
  }

  std::string src_;
  const MonthOrigin* origin_ = nullptr;
  std::vector<Token> toks_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  ExprTree tree_;
};

}  // namespace

ExprTree parse_expression(const Expr& e, const MonthOrigin* origin) { return Parser(e, origin).run(); }

}  // namespace amorce
