#include "ldarts/core/signals.h"

#include <csignal>

namespace ldarts {
namespace {
volatile std::sig_atomic_t requested = 0;
extern "C" void on_stop_signal(int signal) { requested = signal; }  // a second signal only sets it again
}  // namespace

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // interrupted writes resume instead of failing
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGUSR1, &action, nullptr);
}

bool stop_requested() { return requested != 0; }
int stop_signal() { return requested; }
void reset_stop_request() { requested = 0; }

}  // namespace ldarts
