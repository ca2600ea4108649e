#pragma once
// One process, or one rank of an MPI job (`mpirun -n R amorce portfolio ...`). MPI is
// initialised only when amorce was built with AMORCE_MPI and started by a launcher (mpirun,
// srun: detected from its environment), so the same binary runs alone without any MPI set-up.
// Only the calling thread talks to MPI (MPI_THREAD_FUNNELED); workers never do.
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <string>

#include "amorce/portfolio.hpp"
#include "amorce/run_part.hpp"

namespace amorce::cli {

/// A failure on another rank, reported by rank 0 with that rank's message and exit status.
struct RemoteFailure {
  int rank = 0;
  int exit_code = 2;
  std::string message;
};

class MpiSession {
 public:
  MpiSession();
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  /// True when this build has MPI and the process was started by an MPI launcher.
  bool active() const { return size_ > 1 || impl_ != nullptr; }
  /// True when this build was configured with AMORCE_MPI.
  static bool built_with_mpi();
  /// This process's rank as its MPI launcher set it in the environment (0 when started alone),
  /// read without initialising MPI: commands that do not split their work run on rank 0 only.
  static int launcher_rank();

  /// Every rank runs `f`; if it throws on any rank, every rank learns it and throws
  /// RemoteFailure: on rank 0 with the lowest failing rank's message (prefixed with its rank
  /// when not 0), elsewhere with an empty message. The caller prints it on rank 0, then calls
  /// barrier() so that no rank exits (and makes mpirun kill the job) before the message is out.
  /// Without MPI, `f`'s exception propagates unchanged.
  void agree(const std::function<void()>& f);
  /// Every rank waits for all (without busy-polling a core).
  void barrier();

  /// Blocks [begin, end) of this rank: contiguous ranges in rank order.
  std::pair<std::size_t, std::size_t> block_range(std::size_t blocks) const;

  /// Progress across ranks, shown on rank 0 (called on the main thread while this rank works).
  /// `local_done` is this rank's count; returns the job's total on rank 0 (0 elsewhere).
  std::size_t progress(std::size_t local_done);
  /// End of this rank's work: non-zero ranks report it; rank 0 keeps reporting progress through
  /// `show` until every rank has finished.
  void finish_progress(std::size_t local_done, const std::function<void(std::size_t)>& show);

  /// Rank 0 receives every rank's columns appended in rank (= block) order.
  void gather(PortfolioColumns& local);
  /// Rank 0 receives every rank's values appended in rank order (a metrics run's share).
  void gather(std::vector<double>& local);

  /// `amorce run` across ranks (run_part.hpp): a rank > 0 sends its part to rank 0, which
  /// receives them in rank (= block) order. Called once every rank has agreed its run went well.
  void send_run_part(const RunPart& part);
  RunPart recv_run_part(int from);

  /// Worker threads of this rank: `requested`, or with 0 the machine's cores shared among the
  /// ranks running on it (Open MPI / Slurm say how many share it).
  int threads_per_rank(int requested) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int rank_ = 0, size_ = 1;
};

/// Exit status for an exception the way main() maps it (2: input, 1: disk or bug).
int exit_code_of(const std::exception_ptr& e, std::string& message);

}  // namespace amorce::cli
