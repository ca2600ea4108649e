/// Fixes for values written the way a spreadsheet or a French document writes them. See
/// load_hints.hpp; the loader reports each fix as an error that shows the corrected text.
#include "amorce/load_hints.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace amorce {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_word(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}

/// Byte length of a space (ASCII, no-break, narrow no-break, thin) at `i`, else 0.
std::size_t space_len(std::string_view t, std::size_t i) {
  if (i >= t.size()) return 0;
  if (t[i] == ' ') return 1;
  if (t.compare(i, 2, "\xC2\xA0") == 0) return 2;
  if (t.compare(i, 3, "\xE2\x80\xAF") == 0 || t.compare(i, 3, "\xE2\x80\x89") == 0) return 3;
  return 0;
}

std::size_t skip_spaces(std::string_view t, std::size_t i) {
  while (std::size_t s = space_len(t, i)) i += s;
  return i;
}

/// `digits` x 10^-scale written with a point, thousands grouped with '_' (4+ digits).
std::string format_decimal(std::string digits, int scale) {
  if (scale < 0) {
    digits.append(static_cast<std::size_t>(-scale), '0');
    scale = 0;
  }
  auto s = static_cast<std::size_t>(scale);
  while (digits.size() > s + 1 && digits[0] == '0') digits.erase(0, 1);
  if (digits.size() < s + 1) digits.insert(0, s + 1 - digits.size(), '0');
  std::string ip = digits.substr(0, digits.size() - s), fp = digits.substr(digits.size() - s);
  if (ip.size() >= 4)
    for (std::size_t k = ip.size() - 3; k > 0; k = k > 3 ? k - 3 : 0) ip.insert(k, "_");
  return fp.empty() ? ip : ip + "." + fp;
}

enum class Unit { none, percent, kilo, mega, euro, month, year, fte };

struct UnitWord {
  const char* word;
  Unit unit;
  bool adjacent_only;  ///< only right after the digits ("45k", not "45 k")
};

// Longest spellings first: the first match wins.
const UnitWord kUnits[] = {
    {"k\xE2\x82\xAC", Unit::kilo, false}, {"K\xE2\x82\xAC", Unit::kilo, false},
    {"keur", Unit::kilo, false},          {"kEUR", Unit::kilo, false},
    {"KEUR", Unit::kilo, false},          {"M\xE2\x82\xAC", Unit::mega, false},
    {"MEUR", Unit::mega, false},          {"\xE2\x82\xAC", Unit::euro, false},
    {"euros", Unit::euro, false},         {"euro", Unit::euro, false},
    {"EUR", Unit::euro, false},           {"%", Unit::percent, false},
    {"mois", Unit::month, false},         {"months", Unit::month, false},
    {"month", Unit::month, false},        {"ann\xC3\xA9" "es", Unit::year, false},
    {"ann\xC3\xA9" "e", Unit::year, false}, {"annees", Unit::year, false},
    {"annee", Unit::year, false},         {"years", Unit::year, false},
    {"year", Unit::year, false},          {"ans", Unit::year, false},
    {"an", Unit::year, false},            {"ETP", Unit::fte, false},
    {"etp", Unit::fte, false},            {"FTE", Unit::fte, false},
    {"k", Unit::kilo, true},              {"K", Unit::kilo, true},
};

/// Matches `word` at `i` followed by a word boundary (symbols need none).
bool match_word(std::string_view t, std::size_t i, std::string_view word) {
  if (t.compare(i, word.size(), word) != 0) return false;
  std::size_t end = i + word.size();
  bool symbol = !std::isalpha(static_cast<unsigned char>(word.back()));
  return symbol || end >= t.size() || !is_word(t[end]);
}

/// Optional words after an amount in euros: HT, TTC, per month, per year.
struct Tail {
  const char* word;
  int kind;  ///< 0 HT, 1 TTC, 2 per month, 3 per year
};
const Tail kTails[] = {{"HT", 0},        {"TTC", 1},       {"/mois", 2},     {"/ mois", 2},
                       {"par mois", 2},  {"/month", 2},    {"per month", 2}, {"/an", 3},
                       {"/ an", 3},      {"par an", 3},    {"/year", 3},     {"per year", 3}};

class Fixer {
 public:
  explicit Fixer(std::string_view t) : t_(t) {}

  std::optional<TextFix> run() {
    std::size_t i = 0;
    int depth = 0;
    while (i < t_.size()) {
      char c = t_[i];
      if (c == '(') ++depth;
      if (c == ')') --depth;
      if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        std::size_t j = i;
        while (j < t_.size() && (std::isalnum(static_cast<unsigned char>(t_[j])) || t_[j] == '_')) ++j;
        out_.append(t_.substr(i, j - i));
        i = j;
      } else if (is_digit(c) || (c == '.' && i + 1 < t_.size() && is_digit(t_[i + 1]))) {
        i = number(i, depth);
      } else if (t_.compare(i, 3, "\xE2\x82\xAC") == 0) {  // a euro sign before a number
        reason("amounts are plain numbers in euros, without '\xE2\x82\xAC'");
        i = skip_spaces(t_, i + 3);
        changed_ = true;
      } else {
        out_ += c;
        ++i;
      }
    }
    if (!changed_) return std::nullopt;
    return TextFix{out_, reasons_};
  }

 private:
  std::string_view t_;
  std::string out_;
  std::vector<std::string> reasons_;
  bool changed_ = false;

  void reason(std::string r) {
    if (std::find(reasons_.begin(), reasons_.end(), r) == reasons_.end()) reasons_.push_back(std::move(r));
  }

  /// A run of digits and separators at `i`; returns the index after it (and its unit).
  std::size_t number(std::size_t i, int depth) {
    std::vector<std::string> groups{""};
    std::vector<char> seps;
    std::size_t j = i;
    while (j < t_.size()) {
      if (is_digit(t_[j])) {
        groups.back() += t_[j++];
        continue;
      }
      char sep = 0;
      std::size_t len = 1;
      if (t_[j] == '_' || t_[j] == '.' || t_[j] == '\'') sep = t_[j];
      else if (t_[j] == ',' && depth == 0) sep = ',';
      else if ((len = space_len(t_, j)) > 0) sep = ' ';
      if (!sep || j + len >= t_.size() || !is_digit(t_[j + len])) break;
      if (sep == ' ' || sep == '\'') {  // thousands only: groups of exactly three digits
        std::size_t k = j + len;
        while (k < t_.size() && is_digit(t_[k])) ++k;
        if (k - (j + len) != 3 || groups.back().empty() ||
            (groups.size() == 1 && groups[0].size() > 3))
          break;
      }
      seps.push_back(sep);
      groups.emplace_back();
      j += len;
    }
    std::string raw(t_.substr(i, j - i));
    std::string exponent;
    if (j < t_.size() && (t_[j] == 'e' || t_[j] == 'E')) {
      std::size_t k = j + 1;
      if (k < t_.size() && (t_[k] == '+' || t_[k] == '-')) ++k;
      if (k < t_.size() && is_digit(t_[k])) {
        while (k < t_.size() && is_digit(t_[k])) ++k;
        exponent = std::string(t_.substr(j, k - j));
        j = k;
      }
    }

    // Which separator is the decimal one; the others separate thousands.
    auto count = [&](char s) { return std::count(seps.begin(), seps.end(), s); };
    auto groups_of_three_after = [&](char s) {
      for (std::size_t k = 0; k < seps.size(); ++k)
        if (seps[k] == s && groups[k + 1].size() != 3) return false;
      return groups[0].size() <= 3 && !groups[0].empty();
    };
    long commas = count(','), dots = count('.'), spaces = count(' ') + count('\'');
    std::optional<std::size_t> decimal;
    bool ok = true, issue = commas > 0 || dots > 1 || spaces > 0;
    std::vector<std::string> why;
    bool thousands_alternative = false;
    if (commas && dots) {
      std::size_t last = seps.size();
      while (last-- > 0)
        if (seps[last] == ',' || seps[last] == '.') break;
      char d = seps[last];
      for (std::size_t k = 0; k < last; ++k)
        if (seps[k] == d) ok = false;
      decimal = last;
      why.push_back(d == ',' ? "decimals take a point, not a comma; separate thousands with '_'"
                             : "',' cannot separate thousands: use '_'");
    } else if (commas == 1 && seps.back() == ',') {
      decimal = seps.size() - 1;
      why.push_back("decimals take a point, not a comma");
      thousands_alternative = seps.size() == 1 && groups[1].size() == 3;
    } else if (commas) {
      ok = groups_of_three_after(',');
      why.push_back("',' cannot separate thousands: use '_'");
    } else if (dots > 1) {
      ok = groups_of_three_after('.');
      why.push_back("'.' is the decimal point: separate thousands with '_'");
    } else if (dots == 1) {
      decimal = static_cast<std::size_t>(std::find(seps.begin(), seps.end(), '.') - seps.begin());
    }
    if (decimal && *decimal + 1 != seps.size()) ok = false;  // a thousands separator after it
    if (spaces) why.push_back("a space cannot separate thousands: use '_'");
    if (!ok) {  // not a number we can read with confidence: leave it to the expression parser
      out_ += raw + exponent;
      return j;
    }
    std::string digits;
    for (const auto& g : groups) digits += g;
    int scale = decimal ? static_cast<int>(groups.back().size()) : 0;

    // A unit after the number.
    std::size_t after = skip_spaces(t_, j);
    Unit unit = Unit::none;
    if (exponent.empty()) {
      for (const auto& u : kUnits) {
        if (u.adjacent_only && after != j) continue;
        if (match_word(t_, after, u.word)) {
          unit = u.unit;
          after += std::string_view(u.word).size();
          break;
        }
      }
    }
    std::string suffix;
    if (unit != Unit::none) {
      issue = true;
      j = after;
      switch (unit) {
        case Unit::percent:
          scale += 2;
          why.push_back("a rate is a fraction: 30% is written 0.30");
          break;
        case Unit::kilo:
          scale -= 3;
          why.push_back("'k\xE2\x82\xAC' means thousands of euros: write the whole amount");
          break;
        case Unit::mega:
          scale -= 6;
          why.push_back("'M\xE2\x82\xAC' means millions of euros: write the whole amount");
          break;
        case Unit::euro:
          why.push_back("amounts are plain numbers in euros, without '\xE2\x82\xAC'");
          break;
        case Unit::month:
          why.push_back("months are plain numbers, without a unit");
          break;
        case Unit::year: {
          why.push_back("durations are in months: a year is 12");
          // value x 12, exactly: the digits times 12 at the same scale
          unsigned long long v = 0;
          bool fits = digits.size() < 15;
          for (char d : digits) v = v * 10 + static_cast<unsigned long long>(d - '0');
          if (fits) digits = std::to_string(v * 12);
          else suffix = " * 12";
          break;
        }
        case Unit::fte:
          why.push_back("full-time equivalents are plain numbers, without 'ETP'");
          break;
        case Unit::none:
          break;
      }
      if (unit == Unit::euro || unit == Unit::kilo || unit == Unit::mega) {
        std::size_t k = skip_spaces(t_, j);
        for (const auto& tail : kTails) {
          if (!match_word(t_, k, tail.word)) continue;
          j = k + std::string_view(tail.word).size();
          if (tail.kind == 0) why.push_back("amounts are HT (excluding VAT) already");
          if (tail.kind == 1)
            why.push_back("amounts are HT (excluding VAT): divide an amount TTC by 1 + its VAT rate");
          if (tail.kind == 2) why.push_back("amounts are per month already");
          if (tail.kind == 3) {
            why.push_back("amounts are per month: a yearly amount is divided by 12");
            suffix = " / 12";
          }
          break;
        }
      }
    }
    if (!issue) {
      out_ += raw + exponent;
      return j;
    }
    changed_ = true;
    std::string fixed = format_decimal(digits, scale);
    out_ += fixed + exponent + suffix;
    for (auto& w : why) reason(std::move(w));
    if (thousands_alternative)
      reason("if ',' separates thousands, write " + format_decimal(groups[0] + groups[1], 0) + " instead");
    return j;
  }
};

// ---- YAML syntax ------------------------------------------------------------------------

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t b = 0;
  while (b <= text.size()) {
    std::size_t e = text.find('\n', b);
    if (e == std::string_view::npos) e = text.size();
    std::string_view l = text.substr(b, e - b);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    lines.push_back(l);
    b = e + 1;
  }
  return lines;
}

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return std::string(s.substr(b, e - b));
}

std::string quoted(const std::string& v) {
  if (v.find('"') == std::string::npos && v.find('\\') == std::string::npos) return "\"" + v + "\"";
  if (v.find('\'') == std::string::npos) return "'" + v + "'";
  std::string q = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') q += '\\';
    q += c;
  }
  return q + "\"";
}

/// Index of the `: ` (or final ':') that ends the key of `s`, outside quotes; npos if none.
std::size_t key_end(std::string_view s) {
  char quote = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if ((c == '"' || c == '\'') && i == 0) quote = c;
    if (c == ':' && (i + 1 == s.size() || s[i + 1] == ' ')) return i;
  }
  return std::string_view::npos;
}

/// A value that YAML cannot read unquoted: it holds ': ', ends with ':', or starts with a
/// reserved indicator. Returns the reason, or "".
std::string needs_quotes(const std::string& value) {
  if (value.empty()) return "";
  char f = value[0];
  if (f == '@' || f == '`')
    return std::string("a value cannot start with '") + f + "' unquoted";
  if (f == '"' || f == '\'' || f == '[' || f == '{' || f == '|' || f == '>' || f == '&' || f == '*' ||
      f == '!')
    return "";
  if (value.find(": ") != std::string::npos || value.back() == ':')
    return "a value containing ': ' must be quoted";
  return "";
}

/// Drops a trailing ` # comment` (outside quotes).
std::string without_comment(const std::string& v) {
  std::size_t p = v.find(" #");
  return p == std::string::npos ? v : trim(std::string_view(v).substr(0, p));
}

std::optional<YamlHint> colon_hint(std::string_view line, int line_no) {
  std::size_t p = 0;
  while (p < line.size() && line[p] == ' ') ++p;
  while (line.compare(p, 2, "- ") == 0) {
    p += 2;
    while (p < line.size() && line[p] == ' ') ++p;
  }
  std::string_view rest = line.substr(p);
  if (!rest.empty() && rest[0] != '{') {
    std::size_t k = key_end(rest);
    if (k == std::string_view::npos) return std::nullopt;
    std::size_t vb = k + 1;
    while (vb < rest.size() && rest[vb] == ' ') ++vb;
    std::string value = without_comment(trim(rest.substr(vb)));
    if (!value.empty() && value[0] == '{') {
      rest = rest.substr(vb);
      p += vb;
    } else {
      std::string why = needs_quotes(value);
      if (why.empty()) return std::nullopt;
      std::string lead = trim(line.substr(0, p));  // "" or the list dash
      std::string fixed = (lead.empty() ? "" : lead + " ") + std::string(rest.substr(0, k)) + ": " + quoted(value);
      return YamlHint{line_no, static_cast<int>(p + vb) + 1, why + ": " + fixed};
    }
  }
  // A flow mapping {a: x, b: y}: quote the entry whose value needs it.
  if (rest.empty() || rest[0] != '{') return std::nullopt;
  std::size_t close = rest.rfind('}');
  if (close == std::string_view::npos) close = rest.size();
  std::string_view body = rest.substr(1, close - 1);
  std::vector<std::string> entries;
  std::optional<std::pair<std::string, std::size_t>> bad;  // reason, column
  std::size_t b = 0;
  int depth = 0;
  for (std::size_t i = 0; i <= body.size(); ++i) {
    if (i < body.size() && (body[i] == '[' || body[i] == '{')) ++depth;
    if (i < body.size() && (body[i] == ']' || body[i] == '}')) --depth;
    if (i < body.size() && (body[i] != ',' || depth > 0)) continue;
    std::string entry = trim(body.substr(b, i - b));
    std::size_t k = key_end(entry);
    if (k != std::string::npos && !bad) {
      std::string value = trim(std::string_view(entry).substr(k + 1));
      std::string why = needs_quotes(value);
      if (!why.empty()) {
        std::size_t at = std::string_view(body).substr(b, i - b).find(value);
        bad = {why, p + 1 + b + (at == std::string::npos ? 0 : at) + 1};
        entry = entry.substr(0, k) + ": " + quoted(value);
      }
    }
    entries.push_back(entry);
    b = i + 1;
  }
  if (!bad) return std::nullopt;
  std::string joined;
  for (std::size_t i = 0; i < entries.size(); ++i) joined += (i ? ", " : "") + entries[i];
  std::string lead = trim(line.substr(0, p));  // "key:", "-" or ""
  std::string fixed = (lead.empty() ? "" : lead + " ") + "{" + joined + "}" +
                      std::string(rest.substr(std::min(close + 1, rest.size())));
  return YamlHint{line_no, static_cast<int>(bad->second), bad->first + ": " + trim(fixed)};
}

}  // namespace

std::optional<TextFix> fix_number_text(std::string_view text) { return Fixer(text).run(); }

std::optional<YamlHint> yaml_syntax_hint(std::string_view text, int line, int column) {
  (void)column;
  auto lines = split_lines(text);
  if (line < 1) return std::nullopt;
  int last = std::min(line, static_cast<int>(lines.size()));
  // A tab in the indentation of the error line or of a line before it.
  for (int l = last; l >= 1; --l) {
    std::string_view s = lines[static_cast<std::size_t>(l - 1)];
    std::size_t k = 0;
    while (k < s.size() && (s[k] == ' ' || s[k] == '\t')) ++k;
    if (k == s.size() || s[k] == '#') continue;
    std::size_t tab = s.substr(0, k).find('\t');
    if (tab != std::string_view::npos)
      return YamlHint{l, static_cast<int>(tab) + 1,
                      "YAML forbids tabs for indentation: indent with spaces"};
  }
  if (last >= 1)
    if (auto h = colon_hint(lines[static_cast<std::size_t>(last - 1)], last)) return h;
  return std::nullopt;
}

std::string name_from_role(std::string_view role, std::size_t max_length,
                           const std::vector<std::string>& reserved) {
  // U+00C0..U+00FF folded to ASCII ("" = not a letter: becomes a separator).
  static const char* const latin1[64] = {
      "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
      "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",
      "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
      "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y"};
  std::string out;
  bool sep = false;
  auto put = [&](std::string_view s) {
    if (s.empty()) {
      sep = true;
      return;
    }
    if (sep && !out.empty()) out += '_';
    sep = false;
    out += s;
  };
  const auto* s = reinterpret_cast<const unsigned char*>(role.data());
  for (std::size_t i = 0; i < role.size();) {
    unsigned char c = s[i];
    if (c < 0x80) {
      char l = static_cast<char>(std::tolower(c));
      if (std::isalnum(c)) put(std::string_view(&l, 1));
      else put("");
      ++i;
      continue;
    }
    std::size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
    unsigned cp = 0;
    if (len == 2 && i + 1 < role.size()) cp = ((c & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu);
    if (cp >= 0xC0 && cp <= 0xFF) put(latin1[cp - 0xC0]);
    else if (cp == 0x152 || cp == 0x153) put("oe");
    else if (cp == 0x178) put("y");
    else put("");
    i += len;
  }
  if (out.size() > max_length - 6) {  // room for "staff_"
    out.resize(max_length - 6);
    while (!out.empty() && out.back() == '_') out.pop_back();
  }
  if (out.empty()) return out;
  if (is_digit(out[0]) || std::find(reserved.begin(), reserved.end(), out) != reserved.end())
    out = "staff_" + out;
  return out;
}

}  // namespace amorce
