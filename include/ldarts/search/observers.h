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

// (cells/epoch-NNN-<cell>.{dot,svg,png}, the cell pictures, is a registered observer:
// src/search/observers/cell_pictures.cpp.)

// The genotype of the epoch with the best supernet validation accuracy so far
// (the NB201 reference keeps it beside the final one).
struct BestGenotype {
  int epoch = -1;  // from 0; -1 before the first epoch
  double valid_acc = 0;
  std::string text, json;  // the genotype as text and as genotype.json
};
// Adds the epoch scalars best_epoch, best_valid_acc, best_cifar10_test,
// best_cifar100_test, best_imagenet16_test, best_cifar10_valid,
// best_connected, best_parameter_free_ops and the text best_genotype, keeps
// `best` (and the checkpoint's best/*) up to date, and writes genotype-best.json
// whenever it changes. Reads the epoch's valid_acc, genotype, genotype_json and
// *_test values; a tie keeps the earlier epoch.
std::unique_ptr<RunObserver> best_genotype(const RunFolder& folder, BestGenotype& best);

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
