// MpiSession (mpi_session.hpp): Boost.MPI over Open MPI when built with AMORCE_MPI, else a
// single process. Only the main thread calls MPI; the columns of a rank are plain vectors of
// doubles and 64-bit words, gathered with MPI_Gatherv (no serialisation on the hot data).
#include "mpi_session.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <limits>
#include <thread>
#include <new>
#include <stdexcept>
#include <utility>
#include <vector>

#include "amorce/atomic_file.hpp"
#include "amorce/error.hpp"

#ifdef AMORCE_HAVE_MPI
#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/mpi/nonblocking.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/utility.hpp>
#endif

namespace amorce::cli {

int exit_code_of(const std::exception_ptr& e, std::string& message) {
  try {
    std::rethrow_exception(e);
  } catch (const ScenarioError& x) {
    message = x.what();
    if (x.diagnostics().size() > 1) message += "\n" + std::to_string(x.diagnostics().size()) + " errors";
    return 2;
  } catch (const DomainError& x) {
    message = std::string("error: ") + x.what();
    return 2;
  } catch (const std::invalid_argument& x) {
    message = std::string("error: ") + x.what();
    return 2;
  } catch (const OutputError& x) {
    message = std::string("error: ") + x.what();
    return 1;
  } catch (const std::bad_alloc&) {
    message = "error: out of memory: lower --paths or the number of projects";
    return 1;
  } catch (const RemoteFailure& x) {
    message = x.message;
    return x.exit_code;
  } catch (const std::exception& x) {
    message = std::string("internal error: ") + x.what() + "\nplease report it (amorce " AMORCE_VERSION ")";
    return 1;
  }
}

#ifdef AMORCE_HAVE_MPI

namespace mpi = boost::mpi;

namespace {
constexpr int kTagProgress = 7, kTagDone = 8;

/// Waits for every rank without spinning: Open MPI's blocking calls busy-poll, which takes a
/// core from the ranks still computing when ranks share a machine. A non-blocking barrier
/// tested every 2 ms costs nothing while waiting.
void quiet_barrier(const mpi::communicator& world) {
  MPI_Request req;
  MPI_Ibarrier(static_cast<MPI_Comm>(world), &req);
  for (int done = 0;;) {
    MPI_Test(&req, &done, MPI_STATUS_IGNORE);
    if (done) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

bool launched_by_mpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (std::getenv(v)) return true;
  return false;
}
}  // namespace

struct MpiSession::Impl {
  // abort_on_exception = false: an input error leaves the command through an exception, and
  // MPI must be finalised (not aborted) while it unwinds so rank 0 can print it
  mpi::environment env{mpi::threading::funneled, false};
  mpi::communicator world;
  std::vector<std::size_t> counts;    ///< rank 0: blocks done per rank
  unsigned long long sent_value = 0;  ///< buffer of the pending isend
  std::size_t last_sent = 0;
  bool pending = false;
  mpi::request req;
};

MpiSession::MpiSession() {
  if (!launched_by_mpi()) return;
  impl_ = std::make_unique<Impl>();
  rank_ = impl_->world.rank();
  size_ = impl_->world.size();
  impl_->counts.assign(static_cast<std::size_t>(size_), 0);
}

MpiSession::~MpiSession() = default;

bool MpiSession::built_with_mpi() { return true; }

void MpiSession::agree(const std::function<void()>& f) {
  std::exception_ptr err;
  try {
    f();
  } catch (...) {
    err = std::current_exception();
  }
  if (!impl_) {
    if (err) std::rethrow_exception(err);
    return;
  }
  quiet_barrier(impl_->world);
  const int first = mpi::all_reduce(impl_->world, err ? rank_ : size_, mpi::minimum<int>());
  if (first == size_) return;
  std::pair<int, std::string> what{2, ""};
  if (rank_ == first) what.first = exit_code_of(err, what.second);
  mpi::broadcast(impl_->world, what, first);
  // every rank leaves through RemoteFailure, so every rank reaches the final barrier
  // (barrier()) and none exits before rank 0 has printed the message
  std::string message;
  if (rank_ == 0) message = first == 0 ? what.second : "rank " + std::to_string(first) + ": " + what.second;
  throw RemoteFailure{first, what.first, message};
}

void MpiSession::barrier() {
  if (impl_) quiet_barrier(impl_->world);
}

std::size_t MpiSession::progress(std::size_t local_done) {
  if (!impl_) return local_done;
  Impl& m = *impl_;
  if (rank_ != 0) {
    if (m.pending && m.req.test()) m.pending = false;
    if (!m.pending && local_done != m.last_sent) {
      m.sent_value = local_done;
      m.last_sent = local_done;
      m.req = m.world.isend(0, kTagProgress, m.sent_value);
      m.pending = true;
    }
    return 0;
  }
  m.counts[0] = local_done;
  while (auto st = m.world.iprobe(mpi::any_source, kTagProgress)) {
    unsigned long long v = 0;
    m.world.recv(st->source(), kTagProgress, v);
    m.counts[static_cast<std::size_t>(st->source())] = v;
  }
  std::size_t total = 0;
  for (auto c : m.counts) total += c;
  return total;
}

void MpiSession::finish_progress(std::size_t local_done, const std::function<void(std::size_t)>& show) {
  if (!impl_) return;
  Impl& m = *impl_;
  if (rank_ != 0) {
    if (m.pending) m.req.wait();
    m.pending = false;
    m.world.send(0, kTagDone, static_cast<unsigned long long>(local_done));
    return;
  }
  m.counts[0] = local_done;
  for (int finished = 0; finished < size_ - 1;) {
    // one source's messages arrive in order: its progress before its end (polled: a blocking
    // probe would spin on a core the other ranks need)
    auto polled = m.world.iprobe(mpi::any_source, mpi::any_tag);
    if (!polled) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      continue;
    }
    mpi::status st = *polled;
    unsigned long long v = 0;
    m.world.recv(st.source(), st.tag(), v);
    m.counts[static_cast<std::size_t>(st.source())] = v;
    if (st.tag() == kTagDone) ++finished;
    std::size_t total = 0;
    for (auto c : m.counts) total += c;
    if (show) show(total);
  }
}

namespace {
template <class T>
void gather_vector(const mpi::communicator& world, std::vector<T>& v) {
  if (v.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw std::invalid_argument("a rank's share of the portfolio is too large to gather: use more ranks or fewer paths");
  const int n = static_cast<int>(v.size());
  if (world.rank() == 0) {
    std::vector<int> sizes;
    mpi::gather(world, n, sizes, 0);
    long long total = 0;
    for (int s : sizes) total += s;
    std::vector<T> out(static_cast<std::size_t>(total));
    mpi::gatherv(world, v.data(), n, out.data(), sizes, 0);
    v = std::move(out);
  } else {
    mpi::gather(world, n, 0);
    mpi::gatherv(world, v.data(), n, 0);
  }
}
}  // namespace

void MpiSession::gather(PortfolioColumns& local) {
  if (!impl_ || size_ == 1) return;
  const std::size_t end = mpi::all_reduce(impl_->world, local.block_end, mpi::maximum<std::size_t>());
  for (int m = 0; m < 2; ++m) {
    gather_vector(impl_->world, local.flags[m]);
    gather_vector(impl_->world, local.funding[m]);
    gather_vector(impl_->world, local.project_funding[m]);
  }
  if (rank_ == 0) {
    local.block_begin = 0;
    local.block_end = end;
  }
}

void MpiSession::gather(std::vector<double>& local) {
  if (impl_ && size_ > 1) gather_vector(impl_->world, local);
}

namespace {
constexpr int kTagPart = 9, kTagGo = 10, kTagReady = 11;
constexpr std::size_t kChunk = std::size_t{1} << 27;  // elements per message (an int count)

// Parts move with blocking calls (Open MPI's progress engine copies a large message only while
// a call polls it: a test every millisecond would take seconds for tens of MB); a rank waits
// for its turn without spinning (rank 0's go message), so the waiting ranks leave their cores
// to the transfer and to rank 0's merge.
template <class T>
void send_array(const mpi::communicator& world, const std::vector<T>& v) {
  for (std::size_t at = 0; at < v.size(); at += kChunk)
    world.send(0, kTagPart, v.data() + at, static_cast<int>(std::min(kChunk, v.size() - at)));
}

template <class T>
void recv_array(const mpi::communicator& world, int from, std::vector<T>& v, unsigned long long n) {
  v.resize(n);
  for (std::size_t at = 0; at < v.size(); at += kChunk)
    world.recv(from, kTagPart, v.data() + at, static_cast<int>(std::min(kChunk, v.size() - at)));
}
}  // namespace

void MpiSession::send_run_part(const RunPart& p) {
  if (!impl_ || rank_ == 0) return;
  impl_->world.send(0, kTagReady, 1);  // tiny (eager): rank 0 stops waiting without spinning
  int go = 0;
  mpi::request turn = impl_->world.irecv(0, kTagGo, go);
  while (!turn.test()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  const std::vector<unsigned long long> head = {p.block_begin,       p.block_end,        p.path_begin,         p.path_end,
                                                p.indicators.size(), p.kept_cash.size(), p.kept_inputs.size(), p.blocks.size()};
  send_array(impl_->world, head);
  send_array(impl_->world, p.indicators);
  send_array(impl_->world, p.kept_cash);
  send_array(impl_->world, p.kept_inputs);
  send_array(impl_->world, p.blocks);
}

RunPart MpiSession::recv_run_part(int from) {
  RunPart p;
  if (!impl_ || rank_ != 0) return p;
  // wait for the part to be ready by polling a tiny message with sleeps: a blocking receive
  // would spin a core (Open MPI busy-polls) while rank `from` still simulates
  while (!impl_->world.iprobe(from, kTagReady)) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  int ready = 0;
  impl_->world.recv(from, kTagReady, ready);
  impl_->world.send(from, kTagGo, 1);
  std::vector<unsigned long long> head;
  recv_array(impl_->world, from, head, 8);
  p.block_begin = head[0];
  p.block_end = head[1];
  p.path_begin = head[2];
  p.path_end = head[3];
  recv_array(impl_->world, from, p.indicators, head[4]);
  recv_array(impl_->world, from, p.kept_cash, head[5]);
  recv_array(impl_->world, from, p.kept_inputs, head[6]);
  recv_array(impl_->world, from, p.blocks, head[7]);
  return p;
}

#else  // a build without MPI: one process

struct MpiSession::Impl {};
MpiSession::MpiSession() = default;
MpiSession::~MpiSession() = default;
bool MpiSession::built_with_mpi() { return false; }
void MpiSession::agree(const std::function<void()>& f) { f(); }
void MpiSession::barrier() {}
std::size_t MpiSession::progress(std::size_t local_done) { return local_done; }
void MpiSession::finish_progress(std::size_t, const std::function<void(std::size_t)>&) {}
void MpiSession::gather(PortfolioColumns&) {}
void MpiSession::gather(std::vector<double>&) {}
void MpiSession::send_run_part(const RunPart&) {}
RunPart MpiSession::recv_run_part(int) { return {}; }

#endif

int MpiSession::launcher_rank() {
  for (const char* v : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"})
    if (const char* r = std::getenv(v)) return std::max(0, std::atoi(r));
  return 0;
}

int MpiSession::threads_per_rank(int requested) const {
  if (requested > 0 || !active()) return requested;
  const char* local = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
  if (!local) local = std::getenv("SLURM_NTASKS_PER_NODE");
  const int share = local ? std::max(1, std::atoi(local)) : 1;
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / share);
}

std::pair<std::size_t, std::size_t> MpiSession::block_range(std::size_t blocks) const {
  const auto r = static_cast<std::size_t>(rank_), s = static_cast<std::size_t>(size_);
  return {blocks * r / s, blocks * (r + 1) / s};
}

}  // namespace amorce::cli
