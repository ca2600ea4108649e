#pragma once
// Helpers shared by the tests that run the `amorce` binary as a child process (cli_test,
// hardening_test): the binary's path, a temporary directory, shell quoting, and a run with
// stdout/stderr captured and a 60 s kill so a hang fails instead of blocking the suite.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace amorce_test {

inline const std::string kCli = AMORCE_CLI_PATH;
inline const std::string kSource = AMORCE_SOURCE_DIR;

struct Result {
  int status = -1;  ///< exit code, or -1 when the process did not exit normally (killed by the timeout)
  std::string out, err;
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

/// Single-quoted for /bin/sh.
inline std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q += "'\\''";
    else q += c;
  }
  return q + "'";
}

/// A fresh temporary directory, removed at destruction.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "amorce_test_XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::filesystem::path write(const std::string& name, const std::string& content) const {
    std::filesystem::path p = path / name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
};

/// Runs `amorce ARGS` with stdout and stderr captured (killed after 60 s: a hang is a failure).
inline Result amorce(const std::string& args) {
  static TempDir io;
  std::filesystem::path out = io.path / "stdout", err = io.path / "stderr";
  std::string cmd = "timeout -s KILL 60 " + quote(kCli) + " " + args + " >" + quote(out.string()) + " 2>" +
                    quote(err.string()) + " </dev/null";
  int raw = std::system(cmd.c_str());
  Result r;
  r.status = (raw != -1 && WIFEXITED(raw)) ? WEXITSTATUS(raw) : -1;
  if (r.status == 137) r.status = -1;  // killed by the timeout
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

}  // namespace amorce_test
