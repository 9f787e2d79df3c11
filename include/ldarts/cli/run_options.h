// What `ldarts search` and `ldarts train` share on their command lines: the
// device, ranks, seed, threads, run folder, logging and checkpoint options, and
// the start of a run (stop handlers, communicator, threads per rank).
#pragma once

#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "ldarts/dist/communicator.h"
#include "ldarts/dist/runtime.h"
#include "ldarts/run/driver.h"

namespace ldarts {

inline void add_run_options(CLI::App& sub, RunOptions& o) {
  sub.add_option("--device", o.device, "cpu | cuda | auto")->check(CLI::IsMember({"cpu", "cuda", "auto"}))->group("Run");
  sub.add_option("--backend", o.backend, "Communicator across ranks: auto | local | mpi | nccl")
      ->check(CLI::IsMember({"auto", "local", "mpi", "nccl"}))->group("Run");
  sub.add_option("--seed", o.seed, "Random seed")->group("Run");
  sub.add_option("--threads", o.threads, "Intra-op threads (0: LibTorch default)")->check(CLI::NonNegativeNumber)->group("Run");
  sub.add_option("--out", o.out, "Run folder")->group("Run");
  sub.add_option("--log-every", o.log_every, "Steps between progress lines (0: ~10 per epoch)")->group("Run");
  sub.add_option("--resume", o.resume, "Continue from a checkpoint file, or 'auto': the newest in --out if any")
      ->configurable(false)->group("Checkpoints");
  sub.add_flag("--force", o.force, "Start afresh even if --out holds another run: moves that folder to "
               "<out>.old-<time> (nothing is deleted)")->configurable(false)->group("Checkpoints");
  sub.add_option("--checkpoint-every", o.checkpoint_every, "Also checkpoint every N steps (0: at epoch ends only)")
      ->check(CLI::NonNegativeNumber)->group("Checkpoints");
  sub.add_option("--keep-checkpoints", o.keep_checkpoints, "Newest checkpoints kept in --out")
      ->check(CLI::PositiveNumber)->group("Checkpoints");
}

// Installs the SIGTERM/SIGUSR1 handlers and opens the communicator; ranks that
// share a machine get one intra-op thread each unless --threads says otherwise.
std::unique_ptr<Communicator> start_run(const Runtime& runtime, const std::string& backend, const std::string& device,
                                        int threads);

}  // namespace ldarts
