// The fused cell kernel (--cell-kernel fused, the default; docs/design.md, "Fused
// cell kernel"). The straightforward kernel (PerEdgeSum) walks a cell's edges
// and evaluates every op of every edge: pool, skip and the ReLU in front of
// each convolution are computed once per edge although every edge leaving a
// node sees the same input, `none` multiplies zeros, and each op output is
// scaled by its α weight and summed in a separate pass. FusedEdges evaluates
// the same sum by source node instead, with the same parameters (it reads the
// MixedOps' modules, so parameter names and checkpoints do not change):
//   - none is skipped (its α column still gets its zero gradient);
//   - parameter-free ops (skip, avg/max pool, pool + stateless BN) run once per
//     source node and are added with one fused multiply-add per edge;
//   - the ReLU in front of the convolutions runs once per source node;
//   - the convolutions of one op type on all edges leaving a node run as one
//     (grouped) convolution over the concatenated weights, and their BN as one
//     batch norm over the concatenated channels;
//   - the α weights of a group's convolution ops scale its BN output as one
//     per-channel multiply. (They are not folded into BN's affine scale: BN's
//     rounding would then change with α, and Λ's finite-difference passes, which
//     differ only in α, would no longer cancel it; see fused_edges.cpp.)
// The mathematics is that of the per-edge sum; only float rounding differs
// (tests/unit/test_fused_edges.cpp compares losses and gradients;
// tests/unit/test_float32_fidelity.cpp Λ's float32 step against the per-edge one).
#pragma once

#include <memory>
#include <vector>

#include "ldarts/model/cell_evaluator.h"

namespace ldarts {

class FusedEdges : public CellEvaluator {
 public:
  // edges: the cell's edges, ordered by target node; mixed: their mixed ops.
  FusedEdges(const std::vector<Edge>& edges, const std::vector<MixedOp>& mixed);
  ~FusedEdges() override;

  // propagate() from every node but the last, in order.
  void evaluate(const torch::Tensor& weights, const torch::Tensor& edge_weights,
                std::vector<torch::Tensor>& nodes) const override;

 private:
  // nodes[e.to] += edge e's output for every edge e leaving node `from`:
  //   Σ_o w[e,o]·op_{e,o}(h), with PC-DARTS' bypass and channel shuffle when
  //   the ops see only part of the channels, times edge_weights[e] when given.
  // weights: [edges, ops]; edge_weights: [edges] (edge normalization) or undefined.
  void propagate(int from, const torch::Tensor& h, const torch::Tensor& weights,
                 const torch::Tensor& edge_weights, std::vector<torch::Tensor>& nodes) const;

  struct Group;
  std::vector<Edge> edges_;
  std::vector<MixedOp> mixed_;
  std::vector<std::vector<std::unique_ptr<Group>>> groups_;  // [source node][group]
  std::vector<std::vector<int>> leaving_;                    // [source node] -> its edges
};

}  // namespace ldarts
