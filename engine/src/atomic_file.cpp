#include "amorce/atomic_file.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <memory>
#include <signal.h>
#include <stdexcept>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace amorce {

namespace fs = std::filesystem;

namespace {

std::string sys_error() { return std::strerror(errno); }

fs::path dir_of(const fs::path& target) {
  fs::path d = target.parent_path();
  return d.empty() ? fs::path(".") : d;
}

/// `.amorce-NAME.PID.tmp` next to the target: hidden, and recognisable by the sweep.
fs::path temp_name(const fs::path& target) {
  return dir_of(target) / (".amorce-" + target.filename().string() + "." + std::to_string(::getpid()) + ".tmp");
}

/// Removes temporary files left in `dir` by writers that died before renaming them.
void sweep_stale_temps(const fs::path& dir) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const std::string n = it->path().filename().string();
    if (n.rfind(".amorce-", 0) != 0 || n.size() < 13 || n.compare(n.size() - 4, 4, ".tmp") != 0) continue;
    const std::string stem = n.substr(0, n.size() - 4);
    const auto dot = stem.rfind('.');
    if (dot == std::string::npos) continue;
    const std::string pid_text = stem.substr(dot + 1);
    if (pid_text.empty() || pid_text.size() > 9 || pid_text.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = static_cast<pid_t>(std::stol(pid_text));
    if (pid == ::getpid() || pid <= 0) continue;
    if (::kill(pid, 0) == -1 && errno == ESRCH) {
      std::error_code rm;
      fs::remove(it->path(), rm);
    }
  }
}

/// A complete file not yet visible under its final name.
class Staged {
 public:
  Staged(const fs::path& target, const std::string& content) : target_(target) {
    const fs::path dir = dir_of(target);
    fd_ = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
    if (fd_ < 0) {
      if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
        throw OutputError("cannot write " + target.string() + ": " + sys_error());
      named_ = temp_name(target);  // no O_TMPFILE on this file system: a named file, swept if we die
      fd_ = ::open(named_.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0666);
      if (fd_ < 0) throw OutputError("cannot write " + target.string() + ": " + sys_error());
    }
    try {
      const char* p = content.data();
      std::size_t left = content.size();
      while (left > 0) {
        ssize_t w = ::write(fd_, p, left);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) throw OutputError("cannot write " + target.string() + ": " + sys_error());
        p += w;
        left -= static_cast<std::size_t>(w);
      }
      if (::fsync(fd_) != 0 && errno != EINVAL)
        throw OutputError("cannot write " + target.string() + ": " + sys_error());
    } catch (...) {
      release();  // a throwing constructor runs no destructor
      throw;
    }
  }
  Staged(const Staged&) = delete;
  Staged& operator=(const Staged&) = delete;
  ~Staged() { release(); }
  void release() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    if (!named_.empty()) ::unlink(named_.c_str());
    named_.clear();
  }

  /// Makes the file visible under its final name in one rename.
  void publish() {
    fs::path tmp = named_;
    if (tmp.empty()) {
      tmp = temp_name(target_);
      ::unlink(tmp.c_str());
      const std::string self = "/proc/self/fd/" + std::to_string(fd_);
      if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, tmp.c_str(), AT_SYMLINK_FOLLOW) != 0)
        throw OutputError("cannot write " + target_.string() + ": " + sys_error());
      named_ = tmp;
    }
    if (::rename(tmp.c_str(), target_.c_str()) != 0)
      throw OutputError("cannot write " + target_.string() + ": " + sys_error());
    named_.clear();
  }

 private:
  fs::path target_;
  fs::path named_;
  int fd_ = -1;
};

/// An exclusive flock on a directory, released when closed (also when the process dies).
class DirLock {
 public:
  explicit DirLock(const fs::path& dir) {
    fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_ < 0) throw OutputError("cannot open " + dir.string() + ": " + sys_error());
    while (::flock(fd_, LOCK_EX) != 0)
      if (errno != EINTR) throw OutputError("cannot lock " + dir.string() + ": " + sys_error());
  }
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;
  ~DirLock() { ::close(fd_); }

 private:
  int fd_ = -1;
};

/// Can a file be created in `dir`? (an actual probe: access() says yes to root on a
/// read-only file system)
bool can_create_in(const fs::path& dir, std::string* why) {
  int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
    fs::path probe = dir / (".amorce-probe." + std::to_string(::getpid()) + ".tmp");
    fd = ::open(probe.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd >= 0) ::unlink(probe.c_str());
  }
  if (fd < 0) {
    *why = sys_error();
    return false;
  }
  ::close(fd);
  return true;
}

}  // namespace

void write_file_atomic(const std::string& path, const std::string& content) {
  const fs::path target(path);
  sweep_stale_temps(dir_of(target));
  Staged s(target, content);
  s.publish();
}

void write_file_set(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& files,
                    const std::vector<std::string>& owned) {
  const fs::path d(dir);
  std::error_code ec;
  fs::create_directories(d, ec);
  if (ec) throw OutputError("cannot create the directory " + dir + ": " + ec.message());
  sweep_stale_temps(d);
  std::vector<std::unique_ptr<Staged>> staged;
  for (const auto& [name, content] : files) staged.push_back(std::make_unique<Staged>(d / name, content));
  DirLock lock(d);
  for (auto& s : staged) s->publish();
  for (const auto& name : owned) {
    bool mine = false;
    for (const auto& f : files) mine |= f.first == name;
    if (!mine) fs::remove(d / name, ec);
  }
}

void check_output_file(const std::string& path, const std::string& option) {
  if (path.empty()) throw std::invalid_argument(option + ": empty file name");
  const fs::path p(path);
  std::error_code ec;
  if (fs::is_directory(p, ec)) throw std::invalid_argument(option + " '" + path + "' is a directory; give a file name");
  if (p.filename().empty() || p.filename() == "." || p.filename() == "..")
    throw std::invalid_argument(option + " '" + path + "': expected a file name");
  const fs::path dir = dir_of(p);
  if (!fs::exists(dir, ec)) throw std::invalid_argument(option + " '" + path + "': the directory " + dir.string() + " does not exist");
  if (!fs::is_directory(dir, ec)) throw std::invalid_argument(option + " '" + path + "': " + dir.string() + " is not a directory");
  if (fs::exists(p, ec) && !fs::is_regular_file(p, ec))
    throw std::invalid_argument(option + " '" + path + "' exists and is not a regular file");
  std::string why;
  if (!can_create_in(dir, &why))
    throw std::invalid_argument(option + " '" + path + "': cannot create a file in " + dir.string() + " (" + why + ")");
}

void check_output_dir(const std::string& dir, const std::string& option) {
  if (dir.empty()) throw std::invalid_argument(option + ": empty directory name");
  fs::path p(dir);
  std::error_code ec;
  if (fs::exists(p, ec)) {
    if (!fs::is_directory(p, ec)) throw std::invalid_argument(option + " '" + dir + "' exists and is not a directory");
  } else {
    // created by the write: its nearest existing ancestor must be a directory we can write in
    p = fs::absolute(p, ec);
    while (!p.empty() && !fs::exists(p, ec) && p.has_parent_path() && p.parent_path() != p) p = p.parent_path();
    if (!fs::is_directory(p, ec))
      throw std::invalid_argument(option + " '" + dir + "': " + p.string() + " is not a directory");
  }
  std::string why;
  if (!can_create_in(p, &why))
    throw std::invalid_argument(option + " '" + dir + "': cannot create files in " + p.string() + " (" + why + ")");
}

}  // namespace amorce
