// Threads per rank (issue 15): the budget of each rank on a shared node.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "ldarts/core/cpu_budget.h"

using namespace ldarts;

TEST(CpuBudget, ChosenThreadsSplitTheCpusBetweenTheRanksHere) {
  ThreadPlan p = plan_threads(0, 2, 2, 0);
  EXPECT_EQ(p.threads, 1);
  EXPECT_FALSE(p.oversubscribed);
  EXPECT_NE(p.message.find("2 rank(s) on this node share 2 CPU(s)"), std::string::npos) << p.message;
  EXPECT_EQ(plan_threads(0, 4, 16, 0).threads, 4);
  EXPECT_EQ(plan_threads(0, 3, 2, 0).threads, 1);  // never 0
  p = plan_threads(0, 1, 8, 0);
  EXPECT_EQ(p.threads, 8);
  EXPECT_TRUE(p.message.empty());
  // SLURM's --cpus-per-task is the budget.
  EXPECT_EQ(plan_threads(0, 2, 64, 6).threads, 6);
}

TEST(CpuBudget, RequestedThreadsAboveTheBudgetAreKeptAndReported) {
  ThreadPlan p = plan_threads(2, 3, 2, 0);
  EXPECT_EQ(p.threads, 2);
  EXPECT_TRUE(p.oversubscribed);
  EXPECT_NE(p.message.find("asks for 6 thread(s) on 2 CPU(s)"), std::string::npos) << p.message;
  EXPECT_NE(p.message.find("use --threads 1 or fewer"), std::string::npos) << p.message;
  EXPECT_FALSE(plan_threads(1, 2, 2, 0).oversubscribed);
  EXPECT_TRUE(plan_threads(4, 1, 8, 2).oversubscribed);  // above SLURM's 2 CPUs per task
  EXPECT_FALSE(plan_threads(2, 1, 8, 2).oversubscribed);
}

TEST(CpuBudget, PassiveWaitingWhenOversubscribedOrBusy) {
  EXPECT_FALSE(should_wait_passively(0, 1, 2, 0.1));   // alone on an idle machine: OpenMP's spinning is faster
  EXPECT_FALSE(should_wait_passively(1, 2, 2, 0.3));
  EXPECT_TRUE(should_wait_passively(2, 2, 2, 0.0));    // 2 ranks x 2 threads on 2 CPUs
  EXPECT_TRUE(should_wait_passively(0, 1, 2, 1));      // another process keeps a CPU busy
  EXPECT_FALSE(should_wait_passively(0, 1, 16, 2));
}

TEST(CpuBudget, AffinityAndLocalRanksAreSane) {
  EXPECT_GE(affinity_cpus(), 1);
  // Only what the launcher says counts: 1 rank per node on a 2-node job is 1, not the world size.
  const char* names[] = {"OMPI_COMM_WORLD_LOCAL_SIZE", "PMIX_LOCAL_SIZE", "MPI_LOCALNRANKS", "SLURM_NTASKS_PER_NODE"};
  std::vector<std::pair<std::string, std::string>> saved;
  for (const char* n : names)
    if (const char* v = std::getenv(n)) saved.emplace_back(n, v);
  for (const char* n : names) unsetenv(n);
  EXPECT_EQ(local_ranks(), 0);
  setenv("OMPI_COMM_WORLD_LOCAL_SIZE", "1", 1);
  EXPECT_EQ(local_ranks(), 1);
  unsetenv("OMPI_COMM_WORLD_LOCAL_SIZE");
  setenv("SLURM_NTASKS_PER_NODE", "3", 1);
  EXPECT_EQ(local_ranks(), 3);
  unsetenv("SLURM_NTASKS_PER_NODE");
  for (const auto& [n, v] : saved) setenv(n.c_str(), v.c_str(), 1);
}
