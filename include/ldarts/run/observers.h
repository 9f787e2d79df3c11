// The observers every run has: CSV files and TensorBoard event files.
// (Search-only observers: include/ldarts/search/observers.h.)
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ldarts/run/observer.h"
#include "ldarts/run/run_folder.h"

namespace ldarts {

class MetricSchema;

// <folder>/<file>: one row per step or per epoch with the columns the schema
// declares for `file` (MetricSchema::columns, read when the loop starts). The
// columns "epoch", "step" and "global_step" come from the event; the others
// from its scalars (NaN or missing: an empty field) or texts (quoted when they
// hold a comma). A step without any of the other columns writes no row
// (diagnostics.csv: probe steps only). Numbers: the metric's printf format
// (default: 8 significant digits). The file's text is kept in every
// checkpoint as logs/<file without .csv>, so a resumed run rewrites it exactly.
std::unique_ptr<RunObserver> csv_observer(const RunFolder& folder, const std::string& file, const MetricSchema& schema);

// TensorBoard event files in the run folder: every step scalar as "step/<name>"
// at the global step, every epoch scalar as "epoch/<name>" at the epoch (from
// 1); names that already hold a '/' are tags as they are. A resumed run
// continues the file where the checkpoint was written, so that no step is
// duplicated or missing.
std::unique_ptr<RunObserver> tensorboard_observer(const RunFolder& folder);

}  // namespace ldarts
