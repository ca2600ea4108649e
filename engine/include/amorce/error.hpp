#pragma once
/// Errors carry their context (file, line, column, item, month, path) so the CLI prints one
/// clear line per problem and the Python bindings can map them to exceptions.
#include <stdexcept>
#include <string>
#include <vector>

namespace amorce {

/// Where a value came from in a scenario file (1-based line and column; 0 when unknown).
struct SourcePos {
  std::string file;
  int line = 0;
  int column = 0;
};

/// "file:line:col: " prefix (or "file: " when the line is unknown).
std::string format_pos(const SourcePos& pos);

/// One problem found in a scenario.
struct Diagnostic {
  SourcePos pos;
  std::string message;
};

/// Invalid scenario (syntax, types, names, cycles, limits): carries every problem found.
class ScenarioError : public std::invalid_argument {
 public:
  explicit ScenarioError(std::vector<Diagnostic> diagnostics);
  ScenarioError(const SourcePos& pos, const std::string& message);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

/// A value that cannot be computed while simulating (division by zero, log of a
/// non-positive number, NaN or infinity reaching an item).
class DomainError : public std::runtime_error {
 public:
  DomainError(const std::string& what, std::string item, int month, long long path);
  const std::string& item() const { return item_; }
  int month() const { return month_; }
  long long path() const { return path_; }

 private:
  std::string item_;
  int month_;
  long long path_;
};

/// Collects diagnostics so a loader can report every error of a file, then throw once.
class DiagnosticSink {
 public:
  void error(const SourcePos& pos, std::string message);
  bool empty() const { return diags_.empty(); }
  std::size_t size() const { return diags_.size(); }
  /// Throws ScenarioError when any error was recorded.
  void throw_if_any() const;
  const std::vector<Diagnostic>& diagnostics() const { return diags_; }

 private:
  std::vector<Diagnostic> diags_;
};

/// Closest candidate by edit distance, or "" when none is close enough to suggest.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace amorce
