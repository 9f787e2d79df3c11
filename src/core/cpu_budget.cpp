#include "ldarts/core/cpu_budget.h"

#include <sched.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace ldarts {

int affinity_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) return CPU_COUNT(&set);
  const long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? int(n) : 1;
}

int local_ranks() {
  for (const char* name : {"OMPI_COMM_WORLD_LOCAL_SIZE", "PMIX_LOCAL_SIZE", "MPI_LOCALNRANKS", "SLURM_NTASKS_PER_NODE"})
    if (const char* v = std::getenv(name)) {
      const int n = std::atoi(v);
      if (n > 0) return n;
    }
  return 1;
}

ThreadPlan plan_threads(int requested, int ranks_here, int cpus, int slurm_cpus_per_task) {
  ThreadPlan plan;
  ranks_here = ranks_here > 0 ? ranks_here : 1;
  const int budget = slurm_cpus_per_task > 0 ? slurm_cpus_per_task : (cpus / ranks_here > 0 ? cpus / ranks_here : 1);
  char text[320];
  if (requested <= 0) {
    plan.threads = budget;
    if (ranks_here > 1 || slurm_cpus_per_task > 0) {
      std::snprintf(text, sizeof text, "%d intra-op thread(s) per rank: %d rank(s) on this node share %d CPU(s)%s",
                    plan.threads, ranks_here, cpus, slurm_cpus_per_task > 0 ? " (SLURM --cpus-per-task)" : "");
      plan.message = text;
    }
    return plan;
  }
  plan.threads = requested;
  plan.oversubscribed = requested * ranks_here > cpus || requested > budget;
  if (plan.oversubscribed) {
    std::snprintf(text, sizeof text,
                  "--threads %d on each of %d rank(s) asks for %d thread(s) on %d CPU(s) (%d per rank): "
                  "oversubscribed, steps slow down; use --threads %d or fewer",
                  requested, ranks_here, requested * ranks_here, cpus, budget, budget);
    plan.message = text;
  }
  return plan;
}

void prefer_passive_openmp(char** argv) {
  const char* choice = std::getenv("LDARTS_OMP_WAIT");
  if (std::getenv("OMP_WAIT_POLICY") || (choice && std::strcmp(choice, "default") == 0)) return;
  setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
  execv("/proc/self/exe", argv);  // returns only on failure: then run on with OpenMP's default
}

}  // namespace ldarts
