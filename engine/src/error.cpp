#include "amorce/error.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

namespace amorce {

std::string format_pos(const SourcePos& pos) {
  const std::string file = pos.file.empty() ? std::string("<scenario>") : pos.file;
  if (pos.line <= 0) return fmt::format("{}: ", file);
  if (pos.column <= 0) return fmt::format("{}:{}: ", file, pos.line);
  return fmt::format("{}:{}:{}: ", file, pos.line, pos.column);
}

static std::string join(const std::vector<Diagnostic>& d) {
  std::string s;
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (i) s += "\n";
    s += format_pos(d[i].pos) + d[i].message;
  }
  return s;
}

ScenarioError::ScenarioError(std::vector<Diagnostic> diagnostics)
    : std::invalid_argument(join(diagnostics)), diagnostics_(std::move(diagnostics)) {}

ScenarioError::ScenarioError(const SourcePos& pos, const std::string& message)
    : ScenarioError(std::vector<Diagnostic>{Diagnostic{pos, message}}) {}

DomainError::DomainError(const std::string& what, std::string item, int month, long long path)
    : std::runtime_error(what), item_(std::move(item)), month_(month), path_(path) {}

void DiagnosticSink::error(const SourcePos& pos, std::string message) {
  diags_.push_back(Diagnostic{pos, std::move(message)});
}

void DiagnosticSink::throw_if_any() const {
  if (!diags_.empty()) throw ScenarioError(diags_);
}

static std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t sub = prev[j - 1] + (std::tolower(a[i - 1]) == std::tolower(b[j - 1]) ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_d = std::string::npos;
  for (const auto& c : candidates) {
    std::size_t d = edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  // Suggest only plausible typos: at most a third of the word's letters changed (min 1, max 3).
  std::size_t limit = std::clamp<std::size_t>(word.size() / 3, 1, 3);
  if (best_d == std::string::npos || best_d > limit) return "";
  return best;
}

}  // namespace amorce
