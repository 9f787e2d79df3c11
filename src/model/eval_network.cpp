#include "ldarts/model/eval_network.h"

#include <torch/csrc/autograd/functions/accumulate_grad.h>
#include <torch/torch.h>

#include <unordered_set>

#include "ldarts/core/error.h"
#include "ldarts/model/mixed_op.h"
#include "ldarts/model/nb201_network.h"
#include "ldarts/ops/drop_path.h"
#include "ldarts/ops/factorized_reduce.h"

namespace ldarts {
namespace {

const BatchNormSpec kEvalBn{true, true};

torch::nn::Conv2d conv(int64_t in, int64_t out, int64_t kernel, int64_t stride = 1, int64_t padding = 0) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding).bias(false));
}

// A derived DARTS cell: node k sums its two chosen ops on its two chosen
// inputs; the output concatenates the listed nodes.
class EvalCellImpl : public torch::nn::Module {
 public:
  EvalCellImpl(const DartsCellGenotype& g, int64_t prev_prev, int64_t prev, int64_t channels, bool reduction,
               bool reduction_prev)
      : genotype_(g) {
    preprocess0_ = reduction_prev ? torch::nn::AnyModule(FactorizedReduce(prev_prev, channels, kEvalBn))
                                  : torch::nn::AnyModule(ReluConvBn(ReluConvBnOptions{prev_prev, channels, 1, 1, 0, 1, kEvalBn}));
    preprocess1_ = torch::nn::AnyModule(ReluConvBn(ReluConvBnOptions{prev, channels, 1, 1, 0, 1, kEvalBn}));
    register_module("preprocess0", preprocess0_.ptr());
    register_module("preprocess1", preprocess1_.ptr());
    for (size_t i = 0; i < g.ops.size(); ++i) {
      const auto& [name, input] = g.ops[i];
      const int64_t stride = reduction && input < 2 ? 2 : 1;
      ops_.push_back(make_op(name, channels, channels, stride, kEvalBn));
      identity_.push_back(name == "skip_connect" && stride == 1);
      register_module("op" + std::to_string(i) + "_" + name, ops_.back().ptr());
    }
    out_channels_ = static_cast<int64_t>(g.concat.size()) * channels;
  }

  torch::Tensor forward(const torch::Tensor& s0, const torch::Tensor& s1, double drop_prob) {
    std::vector<torch::Tensor> states{preprocess0_.forward(s0), preprocess1_.forward(s1)};
    for (size_t i = 0; i < ops_.size(); i += 2) {
      torch::Tensor node;
      for (size_t j = i; j < i + 2; ++j) {
        torch::Tensor h = ops_[j].forward(states[genotype_.ops[j].second]);
        if (!identity_[j]) h = drop_path(h, drop_prob, is_training());
        node = node.defined() ? node + h : h;
      }
      states.push_back(node);
    }
    std::vector<torch::Tensor> out;
    for (int n : genotype_.concat) out.push_back(states[n]);
    return torch::cat(out, 1);
  }
  int64_t out_channels() const { return out_channels_; }

 private:
  DartsCellGenotype genotype_;
  torch::nn::AnyModule preprocess0_, preprocess1_;
  std::vector<torch::nn::AnyModule> ops_;
  std::vector<bool> identity_;
  int64_t out_channels_;
};
TORCH_MODULE(EvalCell);

// The auxiliary classifier of DARTS' evaluation networks. The reference pools
// 8×8 maps (CIFAR: 5×5 window, stride 3) or 7×7 maps (ImageNet: stride 2) to
// 2×2; other sizes (e.g. 28×28 inputs) are pooled adaptively to 2×2. The
// ImageNet head has no BN after its 2×2 conv, as in the reference code.
class AuxHeadImpl : public torch::nn::Module {
 public:
  AuxHeadImpl(int64_t channels, int64_t num_classes, bool imagenet) : imagenet_(imagenet) {
    features = register_module("features", torch::nn::Sequential(conv(channels, 128, 1), make_batch_norm(128, kEvalBn),
                                                                 torch::nn::ReLU(), conv(128, 768, 2)));
    if (!imagenet) features->push_back(make_batch_norm(768, kEvalBn));
    features->push_back(torch::nn::ReLU());
    classifier = register_module("classifier", torch::nn::Linear(768, num_classes));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    const int64_t reference_size = imagenet_ ? 7 : 8;
    torch::Tensor h = torch::relu(x);
    h = h.size(2) == reference_size
            ? torch::avg_pool2d(h, 5, imagenet_ ? 2 : 3, 0, false, /*count_include_pad=*/false)
            : torch::adaptive_avg_pool2d(h, {2, 2});
    return classifier(features->forward(h).flatten(1));
  }

 private:
  bool imagenet_;
  torch::nn::Sequential features{nullptr};
  torch::nn::Linear classifier{nullptr};
};
TORCH_MODULE(AuxHead);

class DartsEvalNetworkImpl : public EvalModelImpl {
 public:
  DartsEvalNetworkImpl(const DartsGenotype& g, const EvalNetworkOptions& o) : imagenet_(o.form == "imagenet") {
    LDARTS_CHECK(o.layers >= 3 && o.channels > 0, "the evaluation network needs --layers >= 3 and --channels > 0");
    const int64_t c = o.channels;
    int64_t prev_prev, prev;
    if (imagenet_) {
      LDARTS_CHECK(c % 2 == 0, "the ImageNet evaluation network needs an even --channels");
      stem = register_module("stem0", torch::nn::Sequential(conv(o.in_channels, c / 2, 3, 2, 1), make_batch_norm(c / 2, kEvalBn),
                                                            torch::nn::ReLU(), conv(c / 2, c, 3, 2, 1), make_batch_norm(c, kEvalBn)));
      stem1 = register_module("stem1", torch::nn::Sequential(torch::nn::ReLU(), conv(c, c, 3, 2, 1), make_batch_norm(c, kEvalBn)));
      prev_prev = prev = c;
    } else {
      stem = register_module("stem", torch::nn::Sequential(conv(o.in_channels, 3 * c, 3, 1, 1), make_batch_norm(3 * c, kEvalBn)));
      prev_prev = prev = 3 * c;
    }
    cells = register_module("cells", torch::nn::ModuleList());
    int64_t channels = c;
    bool reduction_prev = imagenet_;
    aux_after_ = 2 * o.layers / 3;
    for (int64_t i = 0; i < o.layers; ++i) {
      const bool reduction = i == o.layers / 3 || i == 2 * o.layers / 3;
      if (reduction) channels *= 2;
      EvalCell cell(reduction ? g.reduce : g.normal, prev_prev, prev, channels, reduction, reduction_prev);
      prev_prev = prev;
      prev = cell->out_channels();
      cells->push_back(cell);
      reduction_prev = reduction;
      if (i == aux_after_ && o.auxiliary) auxiliary = register_module("auxiliary", AuxHead(prev, o.num_classes, imagenet_));
    }
    classifier = register_module("classifier", torch::nn::Linear(prev, o.num_classes));
  }

  EvalOutput forward(const torch::Tensor& x) override {
    EvalOutput out;
    torch::Tensor s0 = stem->forward(x);
    torch::Tensor s1 = stem1 ? stem1->forward(s0) : s0;
    for (size_t i = 0; i < cells->size(); ++i) {
      torch::Tensor next = cells[i]->as<EvalCellImpl>()->forward(s0, s1, drop_prob_);
      s0 = s1;
      s1 = next;
      if (static_cast<int64_t>(i) == aux_after_ && auxiliary && is_training()) out.aux_logits = auxiliary(s1);
    }
    out.logits = classifier(torch::adaptive_avg_pool2d(s1, {1, 1}).flatten(1));
    return out;
  }
  void set_drop_path(double p) override { drop_prob_ = p; }

 private:
  bool imagenet_;
  int64_t aux_after_ = -1;
  double drop_prob_ = 0;
  torch::nn::Sequential stem{nullptr}, stem1{nullptr};
  torch::nn::ModuleList cells{nullptr};
  AuxHead auxiliary{nullptr};
  torch::nn::Linear classifier{nullptr};
};

// The NB201 network with one fixed op per edge: the supernet built on a space
// whose edges each hold the chosen op, driven with weight 1.
class Nb201EvalNetworkImpl : public EvalModelImpl {
 public:
  Nb201EvalNetworkImpl(const Nb201Genotype& g, const EvalNetworkOptions& o) : space_(find_space("nb201")) {
    for (int e = 0; e < space_.num_edges(); ++e) space_.cell_types.front().edge_ops[e] = {g.edge_ops[e]};
    Nb201NetworkOptions n;
    n.channels = o.channels, n.cells_per_stage = o.layers, n.in_channels = o.in_channels;
    n.num_classes = o.num_classes, n.cell_bn = kEvalBn;
    net = register_module("net", Nb201Network(space_, n));
  }
  EvalOutput forward(const torch::Tensor& x) override {
    const torch::Tensor ones = torch::ones({space_.num_edges(), 1}, x.options());
    return {net->forward(x, std::vector<torch::Tensor>(net->cell_types().size(), ones)), {}};
  }

 private:
  SearchSpace space_;
  Nb201Network net{nullptr};
};

int64_t shape_numel(const c10::SymIntArrayRef& shape) {
  int64_t n = 1;
  for (const auto& d : shape) n *= d.expect_int();
  return n;
}

const torch::Tensor* leaf_of(const torch::autograd::Edge& edge) {
  auto* acc = dynamic_cast<torch::autograd::AccumulateGrad*>(edge.function.get());
  return acc ? &acc->variable : nullptr;
}

}  // namespace

int64_t EvalModelImpl::parameters_without_aux() {
  int64_t n = 0;
  for (const auto& p : named_parameters())
    if (p.key().rfind("auxiliary.", 0) != 0) n += p.value().numel();
  return n;
}

EvalModel make_eval_network(const AnyGenotype& g, const EvalNetworkOptions& o) {
  if (o.form == "nb201") {
    LDARTS_CHECK(g.is_nb201, "--network nb201 needs an NB201 genotype (|op~0|+...), got a DARTS-family genotype");
    return std::make_shared<Nb201EvalNetworkImpl>(g.nb201, o);
  }
  LDARTS_CHECK(o.form == "cifar" || o.form == "imagenet", "--network must be cifar, imagenet or nb201, got '",
               o.form, "'");
  LDARTS_CHECK(!g.is_nb201, "an NB201 genotype trains with --network nb201, not ", o.form);
  return std::make_shared<DartsEvalNetworkImpl>(g.darts, o);
}

// Walks the autograd graph of one forward pass: every convolution node
// contributes output elements × (weight elements / output channels), every
// linear layer (addmm) output elements × input features.
int64_t count_macs(EvalModelImpl& model, int64_t in_channels, int64_t image_size) {
  const bool was_training = model.is_training();
  model.eval();
  torch::AutoGradMode grad(true);
  const torch::Tensor out = model.forward(torch::zeros({1, in_channels, image_size, image_size})).logits;
  int64_t macs = 0;
  std::vector<torch::autograd::Node*> stack{out.grad_fn().get()};
  std::unordered_set<torch::autograd::Node*> seen;
  while (!stack.empty()) {
    torch::autograd::Node* node = stack.back();
    stack.pop_back();
    if (node == nullptr || !seen.insert(node).second) continue;
    const std::string name = node->name();
    if (name.rfind("ConvolutionBackward", 0) == 0 && node->next_edges().size() > 1) {
      if (const torch::Tensor* w = leaf_of(node->next_edges()[1]))
        macs += shape_numel(node->input_metadata(0).shape_as_dim_vector()) * (w->numel() / w->size(0));
    } else if (name.rfind("AddmmBackward", 0) == 0 && node->next_edges().size() > 2) {
      const auto& weight_edge = node->next_edges()[2];  // mat2 = weightᵀ
      const torch::Tensor* w = nullptr;
      if (weight_edge.function && !weight_edge.function->next_edges().empty())
        w = leaf_of(weight_edge.function->next_edges()[0]);
      if (w) macs += shape_numel(node->input_metadata(0).shape_as_dim_vector()) * w->size(1);
    }
    for (const auto& e : node->next_edges()) stack.push_back(e.function.get());
  }
  if (was_training) model.train();
  return macs;
}

}  // namespace ldarts
