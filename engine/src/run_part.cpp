// A run split across processes (run_part.hpp): the byte form of a block's statistics and the
// two ends of the split. The simulation and the ordered merge are run.cpp's (run_blocks).
#include "amorce/run_part.hpp"

#include <cstring>
#include <stdexcept>
#include <type_traits>

#include "run_internal.hpp"

namespace amorce {

namespace detail {

namespace {

// the exact bytes of the values: Moments keep their state (count, mean, m2, min, max), so a
// block merged on another process adds the same bits as one merged here
static_assert(std::is_trivially_copyable_v<Moments>);

void put_raw(std::vector<char>& buf, const void* data, std::size_t bytes) {
  const char* c = static_cast<const char*>(data);
  buf.insert(buf.end(), c, c + bytes);
}

template <class T>
void put_vector(std::vector<char>& buf, const std::vector<T>& v) {
  const std::uint64_t n = v.size();
  put_raw(buf, &n, sizeof n);
  if (n) put_raw(buf, v.data(), n * sizeof(T));
}

void get_raw(const char*& p, const char* end, void* out, std::size_t bytes) {
  if (static_cast<std::size_t>(end - p) < bytes) throw std::logic_error("a run part's block statistics are truncated");
  std::memcpy(out, p, bytes);
  p += bytes;
}

template <class T>
void get_vector(const char*& p, const char* end, std::vector<T>& v) {
  std::uint64_t n = 0;
  get_raw(p, end, &n, sizeof n);
  if (n > static_cast<std::uint64_t>(end - p) / sizeof(T)) throw std::logic_error("a run part's block statistics are truncated");
  v.resize(n);
  if (n) get_raw(p, end, v.data(), n * sizeof(T));
}

}  // namespace

void put_block(std::vector<char>& buf, const BlockOut& o) {
  const std::uint64_t head[2] = {o.n, o.n_quantiles};
  put_raw(buf, head, sizeof head);
  put_vector(buf, o.fig_moments);
  put_vector(buf, o.fig_values);
  put_vector(buf, o.check_breaches);
  put_vector(buf, o.check_year_breaches);
  put_vector(buf, o.check_year_applicable);
  put_vector(buf, o.series_moments);
  put_vector(buf, o.series_values);
  put_vector(buf, o.negative_cash);
}

BlockOut get_block(const char*& p, const char* end) {
  BlockOut o;
  std::uint64_t head[2] = {0, 0};
  get_raw(p, end, head, sizeof head);
  o.n = head[0];
  o.n_quantiles = head[1];
  get_vector(p, end, o.fig_moments);
  get_vector(p, end, o.fig_values);
  get_vector(p, end, o.check_breaches);
  get_vector(p, end, o.check_year_breaches);
  get_vector(p, end, o.check_year_applicable);
  get_vector(p, end, o.series_moments);
  get_vector(p, end, o.series_values);
  get_vector(p, end, o.negative_cash);
  return o;
}

}  // namespace detail

std::pair<std::size_t, std::size_t> share_blocks(std::size_t blocks, int index, int count) {
  const auto i = static_cast<std::size_t>(index), c = static_cast<std::size_t>(count);
  return {blocks * i / c, blocks * (i + 1) / c};
}

RunPart run_part(const Plan& plan, const RunOptions& opt) {
  if (opt.share_index < 1) throw std::logic_error("run_part: share 0 merges the others (run_with_parts)");
  RunPart p;
  RunResult r = detail::run_blocks(plan, opt, &p, nullptr);
  p.path_begin = r.path_begin;
  p.path_end = r.path_end;
  p.indicators = std::move(r.indicators);
  p.kept_cash = std::move(r.kept_cash);
  p.kept_inputs = std::move(r.kept_inputs);
  return p;
}

RunResult run_with_parts(const Plan& plan, const RunOptions& opt, const std::function<bool(RunPart&)>& next_part) {
  if (opt.share_index != 0) throw std::logic_error("run_with_parts: only share 0 merges the others");
  return detail::run_blocks(plan, opt, nullptr, &next_part);
}

}  // namespace amorce
