// How many threads a rank may use without oversubscribing the cores it shares
// (issue 15): OpenMP threads spinning on cores that other processes need made
// a 3 s step take 15-200 s on this project's 2-core machines.
#pragma once

#include <string>

namespace ldarts {

// CPUs this process may run on (its affinity mask).
int affinity_cpus();
// Ranks of this job on this node (Open MPI, PMIx or SLURM variables; 1 alone).
int local_ranks();

struct ThreadPlan {
  int threads = 1;        // intra-op threads per rank
  bool oversubscribed = false;
  std::string message;    // what was decided and why ("" when nothing to say)
};

// requested: --threads (0 = choose). The budget of a rank is SLURM's
// --cpus-per-task when set, else its share of the affinity CPUs. A chosen
// count is the budget; a requested one above it is kept but reported.
ThreadPlan plan_threads(int requested, int ranks_here, int cpus, int slurm_cpus_per_task);

// Called first in main(): unless OMP_WAIT_POLICY is set, sets it to PASSIVE
// and re-executes this binary once, because LibTorch's OpenMP reads it when
// the library loads. Idle OpenMP threads then sleep instead of spinning, which
// is what an oversubscribed core needs (measured in docs/benchmarks.md).
// LDARTS_OMP_WAIT=default keeps OpenMP's own policy.
void prefer_passive_openmp(char** argv);

}  // namespace ldarts
