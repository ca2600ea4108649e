/// The compiled monthly program (jit.hpp): the system compiler, the on-disk cache and the
/// loader. Everything that can go wrong here (no compiler, a failed compile, an unwritable
/// cache, dlopen) makes the run keep the interpreter: it never changes a result.
#include <dlfcn.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <functional>
#include <thread>

#include "amorce/jit.hpp"
#include "jit_internal.hpp"

extern char** environ;

namespace amorce {

JitModule::~JitModule() {
  if (handle) dlclose(handle);
}

namespace {

namespace fs = std::filesystem;

/// Flags of every compile: no contraction into FMA, IEEE semantics, no -march (the loops are
/// cloned for AVX2 and AVX-512 like the interpreter's: dispatch.hpp), so both round alike.
/// -fno-trapping-math only lets the compiler evaluate comparisons and selects without
/// branches (it assumes no code reads the floating-point exception flags; none does): it
/// allows no transformation that changes a value.
const std::vector<std::string> kFlags = {"-O3", "-fPIC", "-shared", "-ffp-contract=off", "-fno-fast-math", "-fno-trapping-math", "-x", "c++"};

std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

bool executable(const std::string& p) {
  std::error_code ec;
  return !p.empty() && fs::is_regular_file(p, ec) && access(p.c_str(), X_OK) == 0;
}

/// A program name or path -> an executable path, "" when there is none.
std::string resolve(const std::string& name) {
  if (name.find('/') != std::string::npos) return executable(name) ? name : "";
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  std::size_t b = 0;
  while (b <= dirs.size()) {
    std::size_t e = dirs.find(':', b);
    if (e == std::string::npos) e = dirs.size();
    std::string dir = dirs.substr(b, e - b);
    std::string cand = (dir.empty() ? "." : dir) + "/" + name;
    if (executable(cand)) return cand;
    b = e + 1;
  }
  return "";
}

/// AMORCE_JIT_CXX when set (and nothing else: set it to a missing path to disable the
/// compiler), else the compiler amorce was built with, else c++, g++ or clang++ on PATH.
std::string find_compiler() {
  if (const char* env = std::getenv("AMORCE_JIT_CXX"); env && *env) return resolve(env);
#ifdef AMORCE_JIT_DEFAULT_CXX
  if (std::string c = resolve(AMORCE_JIT_DEFAULT_CXX); !c.empty()) return c;
#endif
  for (const char* n : {"c++", "g++", "clang++"})
    if (std::string c = resolve(n); !c.empty()) return c;
  return "";
}

std::string cache_dir() {
  if (const char* d = std::getenv("AMORCE_JIT_CACHE"); d && *d) return d;
  if (const char* d = std::getenv("XDG_CACHE_HOME"); d && *d) return std::string(d) + "/amorce/jit";
  if (const char* d = std::getenv("HOME"); d && *d) return std::string(d) + "/.cache/amorce/jit";
  std::error_code ec;
  return (fs::temp_directory_path(ec) / fmt::format("amorce-jit-{}", getuid())).string();
}

/// Runs the compiler; its messages go to `log`. True when it succeeded.
bool run_compiler(const std::string& cxx, const std::string& src, const std::string& out, const std::string& log) {
  std::vector<std::string> args = {cxx};
  args.insert(args.end(), kFlags.begin(), kFlags.end());
  args.insert(args.end(), {src, "-o", out});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, cxx.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return false;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return false;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::string first_line(const std::string& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

std::shared_ptr<const JitModule> jit_prepare(const Plan& plan, JitMode mode, long long paths, JitStatus* status) {
  JitStatus local;
  JitStatus& S = status ? *status : local;
  S = JitStatus{};
  if (mode == JitMode::automatic) {
    if (const char* env = std::getenv("AMORCE_JIT"); env && *env) {
      const std::string v = env;
      if (v == "0" || v == "off") mode = JitMode::off;
      if (v == "1" || v == "on") mode = JitMode::on;
    }
  }
  if (mode == JitMode::off) {
    S.note = "off";
    return nullptr;
  }
  if (mode == JitMode::automatic && paths < kJitCachedMinPaths) {
    S.note = fmt::format("fewer than {} paths", kJitCachedMinPaths);
    return nullptr;
  }
  auto mod = std::make_shared<JitModule>();
  mod->layout = jit_detail::segment_plan(plan);
  bool any = false;
  for (const auto& s : mod->layout.segments) any = any || s.compiled;
  if (!any) {
    S.note = "nothing to compile";
    return nullptr;
  }
  const std::string cxx = find_compiler();
  if (cxx.empty()) {
    S.note = "no C++ compiler found";
    return nullptr;
  }
  const std::string src = jit_detail::generate(plan, mod->layout);
  std::string key = src + '\n' + cxx + '\n' + AMORCE_VERSION;
  for (const auto& f : kFlags) key += ' ' + f;
  const std::string hash = fmt::format("{:016x}", fnv1a(key));
  const fs::path dir = cache_dir();
  std::error_code ec;
  fs::create_directories(dir, ec);
  const fs::path lib = dir / ("amorce-" + hash + ".so");
  if (!fs::exists(lib, ec) && mode == JitMode::automatic && paths < kJitMinPaths) {
    // a cold compile would cost more than it saves on this run
    S.note = fmt::format("not in the cache and fewer than {} paths", kJitMinPaths);
    return nullptr;
  }
  if (!fs::exists(lib, ec)) {
    // compiled under a name of this process and thread, then renamed into place in one
    // step: concurrent runs never load a half-written library
    const std::string tmp = (dir / fmt::format(".amorce-{}.{}.{:x}", hash, getpid(),
                                               std::hash<std::thread::id>{}(std::this_thread::get_id())))
                                .string();
    {
      std::ofstream out(tmp + ".cpp");
      out << src;
      if (!out) {
        S.note = "cannot write the JIT cache " + dir.string();
        return nullptr;
      }
    }
    const bool ok = run_compiler(cxx, tmp + ".cpp", tmp + ".so", tmp + ".log");
    const std::string why = ok ? "" : first_line(tmp + ".log");
    fs::remove(tmp + ".cpp", ec);
    fs::remove(tmp + ".log", ec);
    if (!ok) {
      fs::remove(tmp + ".so", ec);
      S.note = "compiler failed (" + cxx + (why.empty() ? "" : ": " + why) + ")";
      return nullptr;
    }
    fs::rename(tmp + ".so", lib, ec);
    if (ec) {
      fs::remove(tmp + ".so", ec);
      S.note = "cannot write the JIT cache " + dir.string();
      return nullptr;
    }
    S.compiled_now = true;
  }
  mod->handle = dlopen(lib.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!mod->handle) {
    const char* e = dlerror();
    S.note = std::string("cannot load ") + lib.string() + (e ? std::string(": ") + e : "");
    return nullptr;
  }
  mod->functions.assign(mod->layout.segments.size(), nullptr);
  for (std::size_t i = 0; i < mod->layout.segments.size(); ++i) {
    if (!mod->layout.segments[i].compiled) continue;
    void* f = dlsym(mod->handle, fmt::format("amorce_seg_{}", i).c_str());
    if (!f) {
      S.note = "incomplete library " + lib.string();
      return nullptr;
    }
    mod->functions[i] = reinterpret_cast<jit_detail::SegmentFn>(f);
  }
  S.used = true;
  S.library = lib.string();
  S.note = S.compiled_now ? "compiled" : "cached";
  return mod;
}

}  // namespace amorce
