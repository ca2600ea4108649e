#pragma once
/// Output files are written so that a reader never sees a half-written result and nothing is
/// left behind, even when the process is killed (`kill -9`): the content goes to an anonymous
/// file (Linux `O_TMPFILE`) that is linked under a temporary name and renamed into place only
/// once complete. Where `O_TMPFILE` is unsupported a named temporary file is used, and stale
/// ones (`.amorce-NAME.PID.tmp` of a dead process) are swept by the next write to that
/// directory.
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace amorce {

/// An output could not be written (disk full, permissions changed during the run...).
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Writes `content` to `path` atomically (replaces an existing file in one rename).
void write_file_atomic(const std::string& path, const std::string& content);

/// Writes a set of files (name, content) into `dir` (created if missing) as one unit: every
/// file is complete before any is published, and the renames happen under an exclusive lock
/// on the directory, so two concurrent writers leave one writer's complete set. Names in
/// `owned` that are not part of this set are removed under the same lock (they belong to an
/// older set, e.g. a paths.csv of a previous --keep-paths run).
void write_file_set(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& files,
                    const std::vector<std::string>& owned);

/// Checks, before any work starts, that `path` can be written as an output file: not empty,
/// not a directory, in an existing directory where a file can be created. Throws
/// std::invalid_argument naming `option` (the CLI maps it to exit status 2).
void check_output_file(const std::string& path, const std::string& option);

/// Checks that `dir` can be used as an output directory: an existing writable directory, or
/// a path whose nearest existing parent is a writable directory (it is then created).
void check_output_dir(const std::string& dir, const std::string& option);

}  // namespace amorce
