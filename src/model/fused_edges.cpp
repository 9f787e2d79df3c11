#include "ldarts/model/fused_edges.h"

#include <map>
#include <utility>

#include <torch/torch.h>

#include "ldarts/core/error.h"
#include "ldarts/ops/avg_pool.h"
#include "ldarts/ops/batch_norm.h"
#include "ldarts/ops/channel_shuffle.h"
#include "ldarts/ops/dil_conv.h"
#include "ldarts/ops/sep_conv.h"
#include "ldarts/ops/zero.h"

namespace ldarts {

namespace {

// One ReLU → conv(s) → BN stage of a convolution op.
struct Stage {
  std::vector<std::shared_ptr<torch::nn::Conv2dImpl>> convs;
  std::shared_ptr<BatchNormImpl> bn;
};

// relu_dw_pw_bn's Sequential [ReLU, Conv2d, Conv2d, BatchNorm] as a stage.
bool sequential_stage(const torch::nn::Sequential& seq, Stage& stage) {
  if (seq->size() != 4) return false;
  for (size_t i = 1; i <= 2; ++i) {
    auto conv = std::dynamic_pointer_cast<torch::nn::Conv2dImpl>(seq->ptr(i));
    if (!conv) return false;
    stage.convs.push_back(conv);
  }
  stage.bn = std::dynamic_pointer_cast<BatchNormImpl>(seq->ptr(3));
  return stage.bn != nullptr;
}

// The stages of a convolution op whose BNs are stateless, or empty.
std::vector<Stage> conv_stages(const torch::nn::AnyModule& op) {
  std::vector<Stage> stages;
  const auto& module = op.ptr();
  if (auto* rcb = module->as<ReluConvBnImpl>()) {
    stages.push_back(Stage{{std::dynamic_pointer_cast<torch::nn::Conv2dImpl>(rcb->convolution().ptr())},
                           rcb->norm().ptr()});
  } else if (auto* sep = module->as<SepConvImpl>()) {
    for (const auto& half : sep->halves()) {
      Stage s;
      if (!sequential_stage(half, s)) return {};
      stages.push_back(s);
    }
  } else if (auto* dil = module->as<DilConvImpl>()) {
    Stage s;
    if (!sequential_stage(dil->chain(), s)) return {};
    stages.push_back(s);
  }
  for (const Stage& s : stages)
    if (!s.bn->stateless()) return {};
  return stages;
}

// A parameter-free op whose output depends on its input alone, so that one
// evaluation serves every edge leaving a node.
bool is_shared(const torch::nn::AnyModule& op) {
  const auto& module = op.ptr();
  if (module->as<torch::nn::IdentityImpl>() || module->as<torch::nn::MaxPool2dImpl>()) return true;
  if (auto* pool = module->as<AvgPoolImpl>()) return !pool->has_preprocess();
  if (auto* pool_bn = module->as<PoolBnImpl>()) return pool_bn->norm()->stateless();
  return false;
}

at::Tensor cat_or_first(const std::vector<at::Tensor>& parts) {
  return parts.size() == 1 ? parts[0] : torch::cat(parts);
}

}  // namespace

// The ops of one kind (one op name at one stride) on the edges leaving one node.
struct FusedEdges::Group {
  enum class Kind { shared, conv, generic } kind;
  std::vector<int> edges, ops;             // members: (edge, α column)
  std::vector<std::vector<Stage>> stages;  // conv: [member][stage]
  mutable at::Tensor flat_index;           // conv: e·ops + o of the members, on the weights' device

  // The members' α weights from the flattened [edges·ops] weights.
  at::Tensor member_weights(const at::Tensor& flat, int64_t num_ops) const {
    if (!flat_index.defined() || flat_index.device() != flat.device()) {
      std::vector<int64_t> index;
      for (size_t m = 0; m < edges.size(); ++m) index.push_back(edges[m] * num_ops + ops[m]);
      flat_index = torch::tensor(index, torch::kLong).to(flat.device());
    }
    return flat.index_select(0, flat_index);
  }

  // Every member's convolution op on the shared input x (the ReLU already
  // applied), as one tensor [N, members·C_out, H', W'] in member order, each
  // member's output scaled by its α weight w after its last BN.
  at::Tensor run_convs(at::Tensor x, const at::Tensor& w) const {
    const int64_t members = static_cast<int64_t>(edges.size());
    bool split = false;  // x holds one channel block per member (else: the shared input)
    for (size_t s = 0; s < stages[0].size(); ++s) {
      if (s > 0) x = torch::relu(x);
      for (size_t c = 0; c < stages[0][s].convs.size(); ++c) {
        const torch::nn::Conv2dImpl& conv = *stages[0][s].convs[c];
        std::vector<at::Tensor> weight, bias;
        for (size_t m = 0; m < edges.size(); ++m) {
          weight.push_back(stages[m][s].convs[c]->weight);
          if (conv.bias.defined()) bias.push_back(stages[m][s].convs[c]->bias);
        }
        const int64_t groups = conv.options.groups();
        // A depthwise conv on the shared input needs one copy of it per member.
        if (!split && groups > 1 && members > 1) x = x.repeat({1, members, 1, 1});
        const auto& padding = std::get<torch::ExpandingArray<2>>(conv.options.padding());
        x = torch::conv2d(x, cat_or_first(weight), bias.empty() ? at::Tensor() : cat_or_first(bias),
                          conv.options.stride(), padding, conv.options.dilation(),
                          (split || groups > 1) ? members * groups : 1);
        split = true;
      }
      std::vector<at::Tensor> gamma, beta;
      for (size_t m = 0; m < edges.size(); ++m) {
        const BatchNormImpl& bn = *stages[m][s].bn;
        // Grouped at construction as stateless; SyncBN switched on later would be bypassed here.
        LDARTS_CHECK(bn.stateless(), "fused search cells do not support synchronized or running-statistics BN; "
                     "use --cell-kernel per-edge");
        if (bn.affine_weight().defined()) gamma.push_back(bn.affine_weight()), beta.push_back(bn.affine_bias());
      }
      const at::Tensor scale = gamma.empty() ? at::Tensor() : cat_or_first(gamma);
      const at::Tensor shift = beta.empty() ? at::Tensor() : cat_or_first(beta);
      x = batch_norm(x, scale, shift, {}, {}, /*training=*/true);
    }
    // w·BN(x), as the per-edge sum computes it. Folding w into BN's affine scale
    // saves this multiply (about 7% of a Λ step), but then BN's own rounding
    // (x·invstd·w − mean·invstd·w) changes with w, so Λ's ± passes, which differ only
    // in w, no longer share it and their difference quotient keeps it: the median
    // float32 error of the ω update over 10 states was 9x the straightforward
    // supernet's (docs/benchmarks.md, "Float32 fidelity"). Here BN(x) is bit-identical
    // in both passes.
    const int64_t out = x.size(1) / members;
    return x * w.unsqueeze(1).expand({members, out}).reshape({1, -1, 1, 1});
  }
};

FusedEdges::FusedEdges(const std::vector<Edge>& edges, const std::vector<MixedOp>& mixed)
    : edges_(edges), mixed_(mixed) {
  LDARTS_CHECK(edges.size() == mixed.size(), "FusedEdges: ", edges.size(), " edges but ", mixed.size(), " mixed ops");
  int nodes = 0;
  for (const Edge& e : edges) nodes = std::max(nodes, e.to + 1);
  groups_.resize(nodes);
  leaving_.resize(nodes);
  for (size_t e = 0; e < edges.size(); ++e) leaving_[edges[e].from].push_back(static_cast<int>(e));
  for (int from = 0; from < nodes; ++from) {
    std::map<std::pair<std::string, int64_t>, Group*> by_key;  // (op name, stride) -> group
    for (size_t e = 0; e < edges.size(); ++e) {
      if (edges[e].from != from) continue;
      const MixedOpImpl& m = *mixed[e];
      for (size_t o = 0; o < m.ops().size(); ++o) {
        const torch::nn::AnyModule& op = m.ops()[o];
        if (op.ptr()->as<ZeroImpl>()) continue;  // none: nothing to add
        const std::vector<Stage> stages = conv_stages(op);
        const Group::Kind kind = !stages.empty() ? Group::Kind::conv
                                 : is_shared(op) ? Group::Kind::shared
                                                 : Group::Kind::generic;
        Group*& group = by_key[{m.op_names()[o], m.stride()}];
        // Convolutions that start depthwise (DARTS' sep/dil conv) stay one
        // group per edge: batching them needs a copy of the input per edge and
        // grouped convolutions that LibTorch's CPU kernels ran slower than the
        // separate ones (docs/benchmarks.md).
        const bool alone = kind == Group::Kind::conv && stages.front().convs.front()->options.groups() > 1;
        if (group == nullptr || group->kind != kind || alone) {
          groups_[from].push_back(std::make_unique<Group>());
          group = groups_[from].back().get();
          group->kind = kind;
        }
        group->edges.push_back(static_cast<int>(e));
        group->ops.push_back(static_cast<int>(o));
        group->stages.push_back(stages);
      }
    }
  }
}

FusedEdges::~FusedEdges() = default;

void FusedEdges::evaluate(const torch::Tensor& weights, const torch::Tensor& edge_weights,
                          std::vector<torch::Tensor>& nodes) const {
  // Every node's edges come from earlier nodes, so a node is complete before it propagates.
  for (int from = 0; from + 1 < static_cast<int>(nodes.size()); ++from)
    propagate(from, nodes[from], weights, edge_weights, nodes);
}

void FusedEdges::propagate(int from, const torch::Tensor& h, const torch::Tensor& weights,
                           const torch::Tensor& edge_weights, std::vector<torch::Tensor>& nodes) const {
  if (from >= static_cast<int>(leaving_.size()) || leaving_[from].empty()) return;
  const std::vector<int>& leaving = leaving_[from];
  const int64_t partial = mixed_[leaving[0]]->partial_channels();
  const int64_t active = h.size(1) / partial;
  const at::Tensor input = partial == 1 ? h : h.narrow(1, 0, active);
  // Without partial channels the edge weight folds into α's weights (exact);
  // with them it also scales the bypassed channels, so it is applied per edge.
  at::Tensor w = weights;
  if (edge_weights.defined() && partial == 1) w = weights * edge_weights.unsqueeze(1);
  const int64_t num_ops = w.size(1);
  const at::Tensor flat = w.reshape({-1});

  // Each edge's sum goes straight into its target node, or, when PC-DARTS'
  // bypass and shuffle follow, into its own slot first.
  std::vector<at::Tensor> own(edges_.size());
  auto slot = [&](int e) -> at::Tensor& { return partial == 1 ? nodes[edges_[e].to] : own[e]; };
  std::vector<bool> touched(edges_.size(), false);
  auto add = [&](int e, const at::Tensor& term) {
    at::Tensor& s = slot(e);
    s = s.defined() ? s + term : term;
    touched[e] = true;
  };
  auto add_scaled = [&](int e, const at::Tensor& weight, const at::Tensor& term) {
    at::Tensor& s = slot(e);
    s = s.defined() ? torch::addcmul(s, weight, term) : weight * term;
    touched[e] = true;
  };

  at::Tensor relu;  // shared by every convolution op leaving this node
  for (const auto& group : groups_[from]) {
    torch::nn::AnyModule ops0 = mixed_[group->edges[0]]->ops()[group->ops[0]];  // a handle (forward is not const)
    switch (group->kind) {
      case Group::Kind::shared: {
        const at::Tensor out = ops0.ptr()->as<torch::nn::IdentityImpl>() ? input : ops0.forward(input);
        for (size_t m = 0; m < group->edges.size(); ++m)
          add_scaled(group->edges[m], flat[group->edges[m] * num_ops + group->ops[m]], out);
        break;
      }
      case Group::Kind::conv: {
        if (!relu.defined()) relu = torch::relu(input);
        const at::Tensor out = group->run_convs(relu, group->member_weights(flat, num_ops));
        // split, not narrow: one backward node that concatenates the slices'
        // gradients, instead of a zero-filled full-size gradient per slice.
        const std::vector<at::Tensor> parts = out.split(out.size(1) / static_cast<int64_t>(group->edges.size()), 1);
        for (size_t m = 0; m < group->edges.size(); ++m) add(group->edges[m], parts[m]);
        break;
      }
      case Group::Kind::generic:
        for (size_t m = 0; m < group->edges.size(); ++m) {
          const int e = group->edges[m], o = group->ops[m];
          torch::nn::AnyModule op = mixed_[e]->ops()[o];
          add_scaled(e, flat[e * num_ops + o], op.forward(input));
        }
        break;
    }
  }

  std::map<int64_t, at::Tensor> bypass;  // PC-DARTS: the channels that skip the ops, by stride
  for (int e : leaving) {
    if (!touched[e] && !slot(e).defined())  // every op of the edge is none
      slot(e) = torch::zeros(strided_shape(input, input.size(1), mixed_[e]->stride()), input.options());
    if (partial == 1) continue;
    at::Tensor out = own[e];
    at::Tensor& rest = bypass[mixed_[e]->stride()];
    if (!rest.defined()) {
      rest = h.narrow(1, active, h.size(1) - active);
      if (out.size(2) != h.size(2)) {
        const int64_t s = mixed_[e]->stride();
        rest = torch::max_pool2d(rest, {s, s}, {s, s}, {0, 0}, {1, 1}, /*ceil_mode=*/true);
      }
    }
    out = shuffle_channels(torch::cat({out, rest}, 1), partial);
    if (edge_weights.defined()) out = edge_weights[e] * out;
    at::Tensor& node = nodes[edges_[e].to];
    node = node.defined() ? node + out : out;
  }
}

extern const CellKernelRegistration fused_cell_kernel{
    CellKernel::fused, [](const std::vector<Edge>& edges, const std::vector<MixedOp>& mixed) {
      return std::unique_ptr<CellEvaluator>(std::make_unique<FusedEdges>(edges, mixed));
    }};

}  // namespace ldarts
