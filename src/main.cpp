// ldarts: dispatch the subcommand; turn errors into one line and an exit code.
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>
#include <c10/util/Exception.h>

#include "ldarts/cli/commands.h"
#include "ldarts/core/error.h"
#include "ldarts/core/signals.h"

int main(int argc, char** argv) {
  CLI::App app{"ldarts: Λ-DARTS neural architecture search", "ldarts"};
  app.set_version_flag("--version", std::string(LDARTS_VERSION));
  app.require_subcommand(1);
  ldarts::setup_search(app);
  ldarts::setup_nb201(app);
  ldarts::setup_bench(app);
  ldarts::setup_inspect(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const ldarts::Preempted& e) {
    std::fprintf(stderr, "ldarts: preempted (%s); exit %d asks the job script to requeue\n", e.what(),
                 ldarts::kExitPreempted);
    return ldarts::kExitPreempted;
  } catch (const ldarts::Error& e) {
    std::fprintf(stderr, "ldarts: error: %s\n", e.what());
    return 1;
  } catch (const c10::Error& e) {
    std::fprintf(stderr, "ldarts: error: %s\n", e.what_without_backtrace());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ldarts: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
