#include "ldarts/cli/run_options.h"

#include <cstdio>
#include <cstdlib>

#include <torch/torch.h>

#include "ldarts/core/cpu_budget.h"
#include "ldarts/core/signals.h"
#include "ldarts/run/device.h"

namespace ldarts {

std::unique_ptr<Communicator> start_run(const Runtime& runtime, const std::string& backend, const std::string& device,
                                        int threads) {
  install_stop_handlers();
  std::unique_ptr<Communicator> comm = make_communicator(runtime, backend, resolve_device(device).is_cuda());
  // Ranks that share this node's cores split them (issue 15); an unknown launcher counts every rank as local.
  const int here = local_ranks() > 0 ? local_ranks() : comm->world_size();
  const char* slurm_cpus = std::getenv("SLURM_CPUS_PER_TASK");
  const ThreadPlan plan = plan_threads(threads, here, affinity_cpus(), slurm_cpus ? std::atoi(slurm_cpus) : 0);
  // Alone and outside SLURM, LibTorch's own default (its physical cores) stays.
  if (threads == 0 && (here > 1 || slurm_cpus)) torch::set_num_threads(plan.threads);
  if (!plan.message.empty() && runtime.rank() == 0)
    std::fprintf(plan.oversubscribed ? stderr : stdout, "%s%s\n", plan.oversubscribed ? "warning: " : "",
                 plan.message.c_str());
  return comm;
}

}  // namespace ldarts
