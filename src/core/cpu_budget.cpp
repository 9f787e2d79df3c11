#include "ldarts/core/cpu_budget.h"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <vector>
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
  return 0;
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

bool should_wait_passively(int requested_threads, int ranks_here, int cpus, double others_running) {
  const int threads = requested_threads > 0 ? requested_threads : 0;
  return (threads > 0 && threads * ranks_here > cpus) || others_running >= 0.5 * cpus;
}

namespace {

// Runnable tasks other than this one: the median of 5 samples of /proc/loadavg's
// "running/total", 10 ms apart; one sample when the first finds nothing else
// running (the common case costs no start-up time).
double others_running() {
  std::vector<int> samples;
  for (int i = 0; i < 5 && !(i == 1 && samples.size() == 1 && samples[0] <= 0); ++i) {
    if (FILE* f = std::fopen("/proc/loadavg", "r")) {
      double a, b, c;
      int running = 0, total = 0;
      if (std::fscanf(f, "%lf %lf %lf %d/%d", &a, &b, &c, &running, &total) == 5) samples.push_back(running - 1);
      std::fclose(f);
    }
    usleep(10000);
  }
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

}  // namespace

void choose_openmp_wait_policy(char** argv) {
  const char* choice = std::getenv("LDARTS_OMP_WAIT");
  if (std::getenv("OMP_WAIT_POLICY") || (choice && std::strcmp(choice, "passive") != 0)) return;
  int requested = 0;
  for (char** a = argv + 1; *a; ++a)
    if (std::strcmp(*a, "--threads") == 0 && a[1]) requested = std::atoi(a[1]);
    else if (std::strncmp(*a, "--threads=", 10) == 0) requested = std::atoi(*a + 10);
  const double busy = others_running();
  const int cpus = affinity_cpus();
  if (!choice && !should_wait_passively(requested, std::max(local_ranks(), 1), cpus, busy)) return;
  char note[200];
  std::snprintf(note, sizeof note,
                "OpenMP threads wait passively (%.0f other runnable process(es) on %d CPU(s), %d rank(s) here%s)", busy,
                cpus, std::max(local_ranks(), 1), choice ? ", LDARTS_OMP_WAIT=passive" : "");
  setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
  setenv("LDARTS_OMP_WAIT", "passive", 1);
  setenv("LDARTS_OMP_WAIT_NOTE", note, 1);
  execv("/proc/self/exe", argv);  // returns only on failure: then run on with OpenMP's default
}

std::string openmp_wait_note() {
  const char* note = std::getenv("LDARTS_OMP_WAIT_NOTE");
  return note ? note : "";
}

}  // namespace ldarts
