// The run folders `ldarts summarize` reads: run folders given directly, or the
// run folders inside a sweep's --out folder (docs/summarize.md).
#pragma once

#include <string>
#include <vector>

#include "ldarts/report/run_data.h"

namespace ldarts {

struct RunSet {
  std::vector<RunData> runs;       // in the order found, named by name_runs
  std::vector<std::string> notes;  // folders passed over, and why ("<folder>: skipped, not a run folder ...")
};

// Each folder is a run folder (it has run.json or metrics.csv) or a folder of
// run folders (a sweep's --out): its immediate subfolders that are run folders,
// in name order, and the run folders one level further down. A folder reached
// twice is read once. An Error when a folder does not exist or no run folder is
// found at all.
RunSet read_runs(const std::vector<std::string>& dirs);

}  // namespace ldarts
