// What the searcher needs from a supernet, whatever the space: a forward pass
// with one weight tensor per search cell and the cell type of each cell (which
// α it copies; search/ decides from these which cells Λ acts on).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include <torch/nn/module.h>

#include "ldarts/model/cell_evaluator.h"

namespace ldarts {

struct SearchSpace;
struct SkipDropoutControl;
class MixedOpImpl;

class SearchNetworkImpl : public torch::nn::Module {
 public:
  // cell_weights: one [edges, ops] tensor per search cell, in network order.
  virtual torch::Tensor forward(const torch::Tensor& x, const std::vector<torch::Tensor>& cell_weights) = 0;
  // Index into SearchSpace::cell_types for every search cell.
  virtual const std::vector<int>& cell_types() const = 0;
  int num_search_cells() const { return static_cast<int>(cell_types().size()); }
  // Architecture parameters the network owns, trained with α by the α
  // optimizer: PC-DARTS' edge-normalization β, one [edges] tensor per cell type
  // (empty without edge normalization).
  virtual std::vector<torch::Tensor> edge_parameters() const { return {}; }
  // softmax of β over the edges entering each node, for genotype derivation
  // ([edges]; undefined without edge normalization).
  virtual torch::Tensor edge_weights(int cell_type) const { (void)cell_type; return {}; }
  // ω: every parameter but α (which the network does not own) and β.
  std::vector<torch::Tensor> weights();

  // A hook called during every forward pass after each search cell, with the
  // cell's index and its node states, inputs first: for measurements inside a
  // pass (the diagnostics probe, search/diagnostics.h). Empty: none.
  using CellHook = std::function<void(int cell, const std::vector<torch::Tensor>& nodes)>;
  void set_cell_hook(CellHook hook) { cell_hook_ = std::move(hook); }
  // The stage of every search cell: cells of one stage have node states of
  // equal shapes (-1: a cell alone in its shape, e.g. a reduction cell).
  virtual std::vector<int> cell_stages() const = 0;
  // The mixed op on `edge` of search cell `cell`.
  virtual MixedOpImpl& edge_op(int cell, int edge) = 0;

  // P-DARTS skip-connection dropout (a network built with skip_dropout): the rate of
  // the coming passes, and the seed of the next pass's masks. No-ops without it.
  void set_skip_dropout(double rate);
  void set_noise_seed(uint64_t seed);

 protected:
  CellHook cell_hook_;
  std::shared_ptr<SkipDropoutControl> skip_dropout_;
};

using SearchNetwork = std::shared_ptr<SearchNetworkImpl>;

struct SearchNetworkOptions {
  int64_t channels = 16;        // C
  int64_t cells_per_stage = 5;  // NB201: N
  int64_t layers = 8;           // DARTS: L
  int64_t in_channels = 3;
  int64_t num_classes = 10;
  // DARTS spaces only:
  bool imagenet = false;         // three stride-2 stem convs (224×224 → 28×28), §A.7
  int64_t partial_channels = 1;  // PC-DARTS K
  bool edge_normalization = false;
  CellKernel cell_kernel = CellKernel::fused;  // how every cell evaluates its edges (model/cell_evaluator.h)
  bool skip_dropout = false;  // P-DARTS (DARTS spaces): dropout after every stride-1 skip_connect
};

// The supernet of the space: NB201 or DARTS family.
SearchNetwork make_search_network(const SearchSpace& space, const SearchNetworkOptions& options);

}  // namespace ldarts
