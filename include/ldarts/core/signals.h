// Preemption: SIGTERM and SIGUSR1 (SLURM's warning signal and time limit) ask
// the run to finish its step, checkpoint and exit with kExitPreempted, which
// job scripts turn into a requeue.
#pragma once

#include <stdexcept>

namespace ldarts {

constexpr int kExitPreempted = 75;  // EX_TEMPFAIL: "try again later"

void install_stop_handlers();
bool stop_requested();
int stop_signal();  // the signal that asked, 0 if none
void reset_stop_request();  // for tests

// Thrown after the preemption checkpoint is written; main() exits with kExitPreempted.
class Preempted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace ldarts
