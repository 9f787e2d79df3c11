// Observers of a search run (src/search/observers/, one file each): the α
// history and the cell pictures; diagnostics.h has the paper's probes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ldarts/run/observer.h"
#include "ldarts/run/run_folder.h"

namespace ldarts {

class Architecture;
class Communicator;
class Searcher;
struct Batch;
struct SearchSpace;

// alphas.jsonl: softmax(α) of every cell type after each epoch, one JSON line
// per epoch. Adds the epoch scalars "alpha/<type>/<to><-<from>/<op>" (for
// TensorBoard) and "alpha_change_l1_<type>": the ℓ1 norm of the change of
// softmax(α) over the epoch (paper Fig. 3).
std::unique_ptr<RunObserver> alpha_history(const RunFolder& folder, const SearchSpace& space,
                                           const Architecture& arch);

// cells/epoch-NNN-<cell>.{dot,svg,png} and the newest as <cell>.*, from the
// epoch texts "picture/<cell>" (Graphviz DOT). A failing `dot` is reported once
// and never stops the search.
std::unique_ptr<RunObserver> cell_pictures(const RunFolder& folder);

// The paper's diagnostics (search/diagnostics.h, docs/diagnostics.md). Every
// step it updates the exponential averages of Figs. 2 and 7 from the α pass's
// per-cell gradients; every `probe_every` global steps it adds the step scalars
// grad_ema_{first5,last5}_{conv,skip} and, from a probe pass on `train` (the
// step's batch), cos_output_stage<s> and cos_grad_stage<s> (Fig. 6).
std::unique_ptr<RunObserver> diagnostics(Searcher& searcher, const SearchSpace& space, const Batch& train,
                                         int probe_every, Communicator& comm);
// The columns of diagnostics.csv for a space.
std::vector<std::string> diagnostics_columns(const SearchSpace& space);

}  // namespace ldarts
