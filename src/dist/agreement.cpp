// Collective decisions of the run loops: stopping together, injected faults.
#include <ATen/ATen.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>

#include "ldarts/core/error.h"
#include "ldarts/core/signals.h"
#include "ldarts/dist/runtime.h"

namespace ldarts {

bool stop_agreed(Communicator& comm) {
  if (comm.world_size() == 1) return stop_requested();
  std::vector<at::Tensor> flag{at::tensor({stop_requested() ? 1.0 : 0.0}, at::kDouble)};
  comm.all_reduce_mean(flag);
  return flag[0].item<double>() > 0;
}

void maybe_inject_signal(const char* where) {
  static bool sent = false;
  const char* wanted = std::getenv("LDARTS_FAULT_SIGNAL");
  if (sent || !wanted || std::string(wanted) != where) return;
  sent = true;
  std::raise(SIGUSR1);
}

void maybe_stop_at_step(int64_t global_step) {
  static const char* setting = std::getenv("LDARTS_STOP_AT_STEP");
  if (!setting || std::atoll(setting) != global_step) return;
  const char* name = std::strchr(setting, ':');
  std::raise(name && std::strcmp(name + 1, "TERM") == 0 ? SIGTERM : SIGUSR1);
}

void maybe_inject_fault(const Communicator& comm, int64_t global_step) {
  const char* rank = std::getenv("LDARTS_FAULT_RANK");
  const char* step = std::getenv("LDARTS_FAULT_STEP");
  if (rank && step && std::atoi(rank) == comm.rank() && std::atoll(step) == global_step)
    fail("injected fault at step ", global_step, " (LDARTS_FAULT_RANK / LDARTS_FAULT_STEP are set)");
}

}  // namespace ldarts
