// capsim plan --mpi: the planner's simulations spread over the ranks of an MPI job (SPMD). Every
// rank runs the same planner on the same inputs; run_batch's replications are shared out among
// the ranks and every rank gets every result, so every rank takes the same decisions and the
// result is the single-process run's. Only rank 0 prints and writes files.
#pragma once

#include "sim/batch.hpp"

namespace capsim::runs {

class MpiSession {
 public:
  // Whether capsim was built with MPI (else a session cannot be made).
  static bool available();
  // MPI_Init; silences stdout and stderr on ranks other than 0 (they compute the same plan: one
  // copy of the output and of any error is enough). Throws std::logic_error when capsim was built
  // without MPI (check available() first).
  MpiSession();
  // MPI_Finalize.
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool lead() const { return rank_ == 0; }  // the rank that prints and writes
  // The executor that shares a batch's replications among the ranks: `processes` forked children
  // at once per rank (0: the cores this rank may use).
  sim::Executor executor(int processes) const;

 private:
  int rank_ = 0, size_ = 1;
  int default_processes_ = 1;
};

}  // namespace capsim::runs
