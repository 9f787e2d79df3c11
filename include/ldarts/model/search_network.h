// What the searcher needs from a supernet, whatever the space: a forward pass
// with one weight tensor per search cell, the cell type of each cell (which α
// it copies), and the cells the Λ regularizer acts on.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <torch/nn/module.h>

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
  // The cells whose per-cell gradients enter Λ and the regularizer.
  virtual std::vector<bool> regularized_cells() const = 0;
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

  // For the diagnostics (search/diagnostics.h). While `nodes` is set, every
  // forward pass keeps each search cell's node states, inputs first, in
  // (*nodes)[cell] (nullptr: none kept).
  void trace_nodes(std::vector<std::vector<torch::Tensor>>* nodes) { traced_ = nodes; }
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
  std::vector<std::vector<torch::Tensor>>* traced_ = nullptr;
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
  // Evaluate the cells with FusedEdges (model/fused_edges.h); false: the
  // straightforward per-edge evaluation, kept as the reference.
  bool fused_cells = true;
  bool skip_dropout = false;  // P-DARTS (DARTS spaces): dropout after every stride-1 skip_connect
};

// The supernet of the space: NB201 or DARTS family.
SearchNetwork make_search_network(const SearchSpace& space, const SearchNetworkOptions& options);

}  // namespace ldarts
