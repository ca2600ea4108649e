#pragma once
/// Output files are written to a temporary name and renamed into place, so a failed run
/// never leaves a half-written result.
#include <string>

namespace amorce {

/// Writes `content` to `path` atomically (temp file in the same directory + rename).
void write_file_atomic(const std::string& path, const std::string& content);

}  // namespace amorce
