#include "bench_common.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "amorce/compile.hpp"
#include "amorce/load.hpp"

namespace amorce::bench {

std::string source_path(const std::string& relative) { return std::string(AMORCE_SOURCE_DIR) + "/" + relative; }

std::vector<std::string> bundled_scenarios() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(source_path("scenarios")))
    if (e.path().extension() == ".yaml") out.push_back("scenarios/" + e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

const Plan& plan_of(const std::string& relative) {
  static std::mutex mu;
  static std::map<std::string, Plan> cache;
  std::lock_guard lk(mu);
  auto it = cache.find(relative);
  if (it == cache.end()) it = cache.emplace(relative, compile(load_scenario(source_path(relative)))).first;
  return it->second;
}

Plan plan_from_text(const std::string& yaml, const std::string& name) {
  return compile(load_scenario_text(yaml, source_path("bench/scenarios/" + name)));
}

std::string read_text(const std::string& relative) {
  std::ifstream in(source_path(relative));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

long long child_peak_rss(const std::function<void()>& fn) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    try {
      fn();
    } catch (...) {
      _exit(1);
    }
    _exit(0);
  }
  int status = 0;
  struct rusage ru {};
  if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
  return static_cast<long long>(ru.ru_maxrss) * 1024;  // kilobytes on Linux
}

}  // namespace amorce::bench
