// Sweeps: a TOML grid of option lists expanded into combinations, each one run
// folder, run as SLURM array tasks (one per combination) or one after another
// here; optionally each search followed by the evaluation training of its
// genotype (docs/sweeps.md).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace ldarts {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

// A grid file:
//   base = "configs/tiny.toml"     # the preset every combination starts from
//   command = "search"             # or "train" (default search)
//   seed = [0, 1, 2]               # a list: one axis of the grid
//   lambda = [0.125, 0.25]
//   epochs = 5                     # a single value: set for every combination
//   train = "configs/train-tiny.toml"  # optional: train every search's genotype with this preset
//   train.epochs = 2               # options of that training
// Values are written to the command line as they are written in the file
// (quotes removed), so they keep the spelling the user chose (1e-3).
struct SweepGrid {
  std::string path;  // the grid file
  std::string command = "search";
  std::string base;
  std::vector<std::pair<std::string, std::vector<std::string>>> axes;  // in file order
  KeyValues fixed;                                                    // in file order
  std::string train;  // the training preset of a search→train pipeline ("" = none)
  KeyValues train_fixed;
};

// Reads a grid file; errors name the file, the line and what to write instead.
SweepGrid read_grid(const std::string& path);

struct Combination {
  int index = 0;       // the array task id
  std::string name;    // its run folder under the sweep's --out: NNN-key=value-key=value
  KeyValues values;    // one value per axis
};

// Every combination, the first axis varying slowest (nested loops in file
// order); the order and the names depend only on the grid file.
std::vector<Combination> expand(const SweepGrid& grid);

// The ldarts arguments (subcommand first, without --resume) of one
// combination's stage: "search"/"train" = the grid's command, "pipeline-train"
// = the training of its search's genotype.json.
std::vector<std::string> stage_arguments(const SweepGrid& grid, const Combination& c, const std::string& out,
                                         const std::string& stage);
// The run folder of a stage.
std::string stage_folder(const Combination& c, const std::string& out, const std::string& stage);

// A command line as a shell would need it typed.
std::string shell_quote(const std::vector<std::string>& words);

}  // namespace ldarts
