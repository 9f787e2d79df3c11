// The cell kernel (--cell-kernel): how a search cell evaluates its mixed edges
// given its weights. Every kernel computes the same sum from the same MixedOps
// (only float rounding differs), so the parameters, their names and the
// checkpoints do not depend on the kernel. A kernel is one file that defines a
// CellEvaluator and registers it with one CellKernelRegistration line, plus its
// CellKernel value and name (cell_evaluator.cpp).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ldarts/model/mixed_op.h"
#include "ldarts/spaces/space.h"

namespace ldarts {

// fused: FusedEdges (model/fused_edges.h), the default; per_edge: PerEdgeSum
// (model/per_edge_sum.h), the straightforward reference.
enum class CellKernel { fused, per_edge };
// "fused" | "per-edge"; anything else is a user error naming --cell-kernel.
CellKernel parse_cell_kernel(const std::string& name);
const char* cell_kernel_name(CellKernel kernel);

class CellEvaluator {
 public:
  virtual ~CellEvaluator() = default;
  // Fills in the cell's nodes from its inputs: node j = Σ over the edges e
  // entering j of Σ_o weights[e,o]·op_{e,o}(node e.from) (with PC-DARTS' bypass
  // and channel shuffle when the ops see part of the channels), times
  // edge_weights[e] when given.
  // nodes: every node of the cell, the inputs set and the others undefined;
  // weights: [edges, ops]; edge_weights: [edges] (edge normalization) or undefined.
  virtual void evaluate(const torch::Tensor& weights, const torch::Tensor& edge_weights,
                        std::vector<torch::Tensor>& nodes) const = 0;
};

// The evaluator of `kernel` for a cell's edges (ordered by target node) and their mixed ops.
std::unique_ptr<CellEvaluator> make_cell_evaluator(CellKernel kernel, const std::vector<Edge>& edges,
                                                   const std::vector<MixedOp>& mixed);

// A kernel registers itself with one namespace-scope object in its own file:
//   extern const CellKernelRegistration per_edge_cell_kernel{CellKernel::per_edge, make_per_edge_sum};
// (extern: cell_evaluator.cpp names it, so that the linker keeps the kernel's
// file, which nothing else references, in a program linked from the static library).
using CellEvaluatorFactory = std::unique_ptr<CellEvaluator> (*)(const std::vector<Edge>& edges,
                                                               const std::vector<MixedOp>& mixed);
struct CellKernelRegistration {
  CellKernelRegistration(CellKernel kernel, CellEvaluatorFactory make);
};

}  // namespace ldarts
