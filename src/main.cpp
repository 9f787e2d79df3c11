// ldarts: dispatch the subcommand; turn errors into one line and an exit code.
#include <cstdio>
#include <exception>
#include <string>

#include <CLI/CLI.hpp>
#include <c10/util/Exception.h>

#include "ldarts/cli/commands.h"
#include "ldarts/core/allocator.h"
#include "ldarts/core/cpu_budget.h"
#include "ldarts/core/error.h"
#include "ldarts/core/signals.h"
#include "ldarts/dist/runtime.h"

int main(int argc, char** argv) {
  ldarts::choose_openmp_wait_policy(argv);  // may re-execute this binary once, before LibTorch's OpenMP starts
  ldarts::tune_allocator();
  ldarts::Runtime runtime(&argc, &argv);
  // A failure on one rank ends all of them; on one process it is one line.
  auto fail = [&](const std::string& message) {
    if (runtime.distributed() && runtime.world_size() > 1) runtime.abort_all(message, 1);
    std::fprintf(stderr, "ldarts: error: %s\n", message.c_str());
    return 1;
  };
  CLI::App app{"ldarts: Λ-DARTS neural architecture search", "ldarts"};
  app.set_version_flag("--version", std::string(LDARTS_VERSION));
  app.require_subcommand(1);
  ldarts::setup_search(app, runtime);
  ldarts::setup_train(app, runtime);
  ldarts::setup_nb201(app);
  ldarts::setup_bench(app, runtime);
  ldarts::setup_inspect(app);
  ldarts::setup_genotype(app);
  ldarts::setup_report(app);
  ldarts::setup_summarize(app);
  ldarts::setup_sweep(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return runtime.rank() == 0 ? app.exit(e) : (e.get_exit_code() == 0 ? 0 : 1);
  } catch (const ldarts::Preempted& e) {
    if (runtime.rank() == 0)
      std::fprintf(stderr, "ldarts: preempted (%s); exit %d asks the job script to requeue\n", e.what(),
                   ldarts::kExitPreempted);
    return ldarts::kExitPreempted;
  } catch (const ldarts::Error& e) {
    return fail(e.what());
  } catch (const c10::Error& e) {
    return fail(e.what_without_backtrace());
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  return 0;
}
