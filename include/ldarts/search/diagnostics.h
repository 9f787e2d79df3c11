// The quantities of the paper's analysis figures, measured during a search
// (docs/diagnostics.md). Pure functions of tensors, plus one probe pass.
#pragma once

#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "ldarts/dist/communicator.h"

namespace ldarts {

class SearchNetworkImpl;
struct SearchSpace;

// Figs. 2 and 7: Σ over `cells` of ∂L/∂P[cell, edge, op], averaged over the
// edges that have the op. per_cell_grads: [cells, edges·ops]; op_columns[e]:
// the op's α column on edge e (-1: the edge lacks it). A 0-dim tensor (no host sync).
at::Tensor summed_op_gradient(const at::Tensor& per_cell_grads, const std::vector<int>& cells,
                              const std::vector<int>& op_columns);

// The α column of `op` on every edge of cell type `type` (-1 where it is missing).
std::vector<int> op_columns(const SearchSpace& space, int type, const std::string& op);

// An exponential average with the decay of the paper's Fig. 2 (0.999):
// m_t = d·m_{t−1} + (1−d)·v_t from m_0 = 0, reported bias-corrected as
// m_t / (1 − d^t), so that early values are not pulled towards 0.
struct ExponentialAverage {
  double decay = 0.999;
  at::Tensor sum;     // m_t
  int64_t count = 0;  // t
  void add(const at::Tensor& value);
  at::Tensor value() const;  // undefined before the first add
};

// Fig. 6 for the tensors of the cells of one stage (equal shapes): for every
// pair ℓ < ℓ', the sums ⟨a_ℓ, a_ℓ'⟩, ⟨a_ℓ, a_ℓ⟩, ⟨a_ℓ', a_ℓ'⟩ over all
// elements: [pairs, 3], from one Gram matrix computed in the tensors' own
// precision, returned in double. Sums, so that ranks can add them before the
// cosine is taken (the cosine over the global batch).
at::Tensor pair_products(const std::vector<at::Tensor>& same_shape);
// The mean over rows of ⟨a,b⟩ / (‖a‖‖b‖) of pair_products rows; NaN without rows.
double mean_cosine(const at::Tensor& products);

// One probe pass on a batch (train mode, no change to ω, α, the BN running
// statistics or any gradient): per stage s with at least two search cells,
//   cos_output_stage<s>: the cosine between the outputs of the same
//     convolution op on the same edge of two cells, mean over cell pairs,
//     edges and convolution ops (Fig. 6a);
//   cos_grad_stage<s>: the cosine between ∂L/∂x_j of the same node j of two
//     cells, mean over cell pairs and the nodes that receive edges (Fig. 6b).
// Collective: every rank calls it with its share of the batch.
struct StageSimilarity {
  int stage = 0;  // from 0
  double outputs = 0, gradients = 0;
};
std::vector<StageSimilarity> probe_similarities(SearchNetworkImpl& network, const SearchSpace& space,
                                                const std::vector<at::Tensor>& cell_weights,
                                                const at::Tensor& images, const at::Tensor& labels,
                                                Communicator& comm);

}  // namespace ldarts
