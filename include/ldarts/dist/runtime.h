// Starting and stopping the distributed runtime, and choosing the communicator.
// Only src/dist/ includes <mpi.h> or <nccl.h>; the rest sees Communicator.
#pragma once

#include <memory>
#include <string>

#include "ldarts/dist/communicator.h"

namespace ldarts {

// True when the process was started by mpirun/srun as one of several ranks
// (Open MPI, PMIx or PMI environment variables).
bool launched_as_ranks();

// Initializes MPI when launched as ranks (a no-op otherwise) and finalizes it
// at destruction. One per process, in main().
class Runtime {
 public:
  Runtime(int* argc, char*** argv);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;
  bool distributed() const { return mpi_; }
  int rank() const { return rank_; }
  int world_size() const { return world_; }
  int local_rank() const { return local_rank_; }  // rank among the ranks on this node
  // Ends every rank after `message` from this rank (LAMMPS' Error::one): used
  // when one rank fails so that the others do not wait forever.
  [[noreturn]] void abort_all(const std::string& message, int code) const;

 private:
  bool mpi_ = false;
  int rank_ = 0, world_ = 1, local_rank_ = 0;
};

// "auto": NCCL for CUDA runs with several ranks (when built with NCCL), MPI for
// CPU runs with several ranks, the single-process communicator otherwise.
// "local", "mpi", "nccl" force one.
std::unique_ptr<Communicator> make_communicator(const Runtime& runtime, const std::string& backend, bool cuda);

// Every rank's copy of a small tensor, stacked: [world, ...] (built on all_reduce;
// exact for integer types, and for floating types with a power-of-two world).
at::Tensor all_gather(Communicator& comm, const at::Tensor& local);

// A stop signal reaches the ranks at slightly different times; they stop
// together at the first step where any of them has seen one.
bool stop_agreed(Communicator& comm);

// Fault injection for the failure tests (docs/distributed.md): with
// LDARTS_FAULT_RANK=r and LDARTS_FAULT_STEP=s set, rank r fails at global step s.
void maybe_inject_fault(const Communicator& comm, int64_t global_step);
// With LDARTS_FAULT_SIGNAL=<where> set, the first call with that `where`
// ("validation": after the first validation batch) sends SIGUSR1 to this process.
void maybe_inject_signal(const char* where);
// With LDARTS_STOP_AT_STEP=s (or s:TERM) set, every rank raises SIGUSR1 (SIGTERM)
// in itself after global step s, through the real handler: a preemption at a
// known step, for the tests.
void maybe_stop_at_step(int64_t global_step);

}  // namespace ldarts
