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

/// Runs a shell command with stdout and stderr captured (killed after `timeout_s`: a hang is
/// a failure, status -1).
inline Result shell(const std::string& cmd, int timeout_s = 60) {
  static TempDir io;
  std::filesystem::path out = io.path / "stdout", err = io.path / "stderr";
  std::string full = "timeout -s KILL " + std::to_string(timeout_s) + " " + cmd + " >" + quote(out.string()) + " 2>" +
                     quote(err.string()) + " </dev/null";
  int raw = std::system(full.c_str());
  Result r;
  r.status = (raw != -1 && WIFEXITED(raw)) ? WEXITSTATUS(raw) : -1;
  if (r.status == 137) r.status = -1;  // killed by the timeout
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

/// Runs `amorce ARGS` (see shell()).
inline Result amorce(const std::string& args) { return shell(quote(kCli) + " " + args); }

/// The launcher prefix for `ranks` MPI ranks as CI runs them: as root, more ranks than cores,
/// and without the single-copy shared memory mechanism (ptrace-based CMA is refused in many
/// containers). Empty when the test target was not given AMORCE_TEST_MPIEXEC (no MPI).
[[maybe_unused]] inline std::string mpirun(int ranks) {
#ifdef AMORCE_TEST_MPIEXEC
  return "env OMPI_MCA_btl_vader_single_copy_mechanism=none " + quote(AMORCE_TEST_MPIEXEC) +
         " --oversubscribe --allow-run-as-root -n " + std::to_string(ranks) + " ";
#else
  (void)ranks;
  return "";
#endif
}

}  // namespace amorce_test
