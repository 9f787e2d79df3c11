// How many threads a rank may use without oversubscribing the cores it shares
// (issue 15): OpenMP threads spinning on cores that other processes need made
// a 3 s step take 15-200 s on this project's 2-core machines.
#pragma once

#include <string>

namespace ldarts {

// CPUs this process may run on (its affinity mask).
int affinity_cpus();
// Ranks of this job on this node, as the launcher says (Open MPI, PMIx or SLURM
// variables); 0 when none says.
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

// Whether OpenMP threads should wait passively (sleep) instead of spinning:
// when the ranks of this node ask for more threads than CPUs (--threads on the
// command line × local ranks), or when the machine is already busy (other
// runnable processes, the median of a few samples of /proc/loadavg, ≥ half
// the CPUs; the load average itself lags by minutes). Spinning threads on shared cores made steps
// 10× slower here; sleeping ones cost 44% on an idle machine, hence not always
// (docs/benchmarks.md, "Oversubscription").
bool should_wait_passively(int requested_threads, int ranks_here, int cpus, double others_running);

// Called first in main(): when should_wait_passively and neither
// OMP_WAIT_POLICY nor LDARTS_OMP_WAIT is set, sets OMP_WAIT_POLICY=PASSIVE and
// re-executes this binary once (LibTorch's OpenMP reads it when the library
// loads). LDARTS_OMP_WAIT=passive forces it, =default never.
void choose_openmp_wait_policy(char** argv);
// A line saying that choose_openmp_wait_policy chose passive waiting, or "".
std::string openmp_wait_note();

}  // namespace ldarts
