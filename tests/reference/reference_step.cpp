// One ldarts search step from a state given by a file, for the comparison with
// the authors' code (tests/reference/compare_step.py, docs/reference-steps.md).
//
//   reference_step IN.pt OUT.pt
//
// IN.pt (torch.save of a dict, written by compare_step.py):
//   options  dict str -> str    SearchOptions fields (below) + in_channels, num_classes,
//                               lr, epoch, epochs, steps (the StepSchedule of every step);
//                               edge_ops (optional, P-DARTS stages): the ops of every edge,
//                               "normal: a b c | d e f ...; reduce: ..." (edges in space
//                               order), searched on stage_space(space, those ops)
//   weights  list of tensors    ω in the published model's get_weights() order
//   buffers  list of tensors    BN running_mean/var/num_batches_tracked of the BNs ldarts
//                               has (stem, ResNet blocks, head; not the search cells')
//   alphas   list of tensors    α per cell type
//   betas    list of tensors    (optional) PC-DARTS edge-normalization β per cell type
//   train_x, train_y, valid_x, valid_y
// The tensors are assigned to ldarts' network->weights() / buffers() / α by position,
// with a shape check; the names of both sides come back in OUT.pt so that the
// mapping can be printed and checked.
// Options also read: float64 (1: the default; 0: the searcher runs in float32 and the
// given tensors are cast to it when assigned), channels_last (1: the default),
// cell_kernel, regularizer (none: the default; corr: Λ), lambda (λ_t of every step's
// schedule, 0 by default), epsilon0 (1e-4), fd_mode (central).
// OUT.pt: weights, buffers, alphas, betas, momentum (SGD buffers), alpha_exp_avg and
// beta_exp_avg (Adam's first moments), weight_names, buffer_names, grad_norm,
// train_loss, arch_loss, alignment_train, alignment_valid, epsilon, delta_norm,
// regularized (StepStats, per step), noise (sdarts-*: the U(−ε, ε) draws of every
// step, replayed from ldarts' generator as src/search/methods/sdarts.cpp draws them),
// mask_seeds (skip_dropout > 0: per pass in execution order, an int64 tensor [modules]
// holding, bit for bit, the uint64 seed from which SkipDropout module k draws its mask,
// replayed as src/search/searcher.cpp seeds each pass and src/ops/skip_dropout.cpp each
// module), skip_dropout_modules (their count).
//
// Built only on request (not part of `all`): cmake --build build --target reference_step
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <torch/serialize.h>
#include <torch/torch.h>

#include "ldarts/core/rng.h"
#include "ldarts/dist/communicator.h"
#include "ldarts/ops/skip_dropout.h"
#include "ldarts/search/progressive.h"
#include "ldarts/search/searcher.h"
#include "ldarts/spaces/space.h"

using namespace ldarts;

namespace {

std::vector<char> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return std::vector<char>(std::istreambuf_iterator<char>(in), {});
}

std::vector<torch::Tensor> tensor_list(const c10::IValue& v) {
  std::vector<torch::Tensor> out;
  for (const auto& t : v.toListRef()) out.push_back(t.toTensor());
  return out;
}

c10::List<torch::Tensor> to_list(const std::vector<torch::Tensor>& ts) {
  c10::List<torch::Tensor> out;
  for (const auto& t : ts) out.push_back(t.defined() ? t.detach().clone().cpu() : torch::empty({0}));  // empty: none
  return out;
}

void assign(const std::vector<torch::Tensor>& to, const std::vector<torch::Tensor>& from, const char* what,
            const std::vector<std::string>& names) {
  if (to.size() != from.size())
    throw std::runtime_error(std::string(what) + ": ldarts has " + std::to_string(to.size()) + ", the file " +
                             std::to_string(from.size()));
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < to.size(); ++i) {
    if (to[i].sizes() != from[i].sizes()) {
      std::ostringstream msg;
      msg << what << " " << i << " (" << names[i] << "): ldarts " << to[i].sizes() << ", the file " << from[i].sizes();
      throw std::runtime_error(msg.str());
    }
    to[i].copy_(from[i].to(to[i].dtype()));  // the searcher's dtype (float32 with float64 = 0)
  }
}

// ldarts' SDARTS noise of step `step` (src/search/methods/sdarts.cpp: weight_pass_weights
// and uniform_noise), one [edges, ops] tensor per cell type in type order.
constexpr uint64_t kNoiseStream = 0x5d4;
std::vector<torch::Tensor> sdarts_noise(const SearchOptions& o, double epsilon_max, const std::vector<torch::Tensor>& alphas,
                                        int64_t step, int epoch, int epochs) {
  const double eps = 0.03 + (epsilon_max - 0.03) * epoch / std::max(epochs, 1);
  Rng rng(derive_seed(o.seed, {kNoiseStream, uint64_t(step)}));
  std::vector<torch::Tensor> out;
  for (const auto& a : alphas) {
    std::vector<double> values(a.numel());
    for (double& v : values) v = (2 * rng.uniform() - 1) * eps;
    out.push_back(torch::tensor(values, torch::kDouble).reshape(a.sizes()));
  }
  return out;
}

// "normal: a b | c d; reduce: ..." (p_darts.cpp's ops_text) -> one EdgeOps per cell type of `base`.
std::vector<EdgeOps> parse_edge_ops(const std::string& text, const SearchSpace& base) {
  std::vector<EdgeOps> ops(base.cell_types.size());
  std::istringstream types(text);
  std::string part;
  while (std::getline(types, part, ';')) {
    const size_t colon = part.find(':');
    if (colon == std::string::npos) throw std::runtime_error("edge_ops: no 'type:' in '" + part + "'");
    std::string name;
    std::istringstream(part.substr(0, colon)) >> name;
    const size_t t = size_t(&base.cell_type(name) - base.cell_types.data());
    std::istringstream edges(part.substr(colon + 1));
    std::string edge, op;
    while (std::getline(edges, edge, '|')) {
      ops[t].emplace_back();
      std::istringstream words(edge);
      while (words >> op) ops[t].back().push_back(op);
    }
  }
  return ops;
}

// The seeds of ldarts' skip-dropout masks in step `step`: per pass (in execution
// order) the seed of module k = derive_seed(derive_seed(pass seed, {micro 0}), {k}),
// the pass seed being derive_seed(seed, {0x5d7, step, 0 (ω) | 1 (α)}) (Searcher::weight_step,
// alpha_step, seed_noise; one rank, one micro-batch).
std::vector<torch::Tensor> mask_seeds(uint64_t seed, int64_t step, bool arch_first, int64_t modules) {
  std::vector<torch::Tensor> out;
  for (const uint64_t pass : arch_first ? std::vector<uint64_t>{1, 0} : std::vector<uint64_t>{0, 1}) {
    const uint64_t network_seed = derive_seed(derive_seed(seed, {0x5d7, uint64_t(step), pass}), {0});
    torch::Tensor t = torch::empty({modules}, torch::kLong);
    for (int64_t k = 0; k < modules; ++k) {
      const uint64_t s = derive_seed(network_seed, {uint64_t(k)});
      std::memcpy(t.data_ptr<int64_t>() + k, &s, sizeof s);
    }
    out.push_back(t);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s IN.pt OUT.pt\n", argv[0]);
    return 2;
  }
  try {
    const c10::IValue in = torch::pickle_load(read_bytes(argv[1]));
    const auto dict = in.toGenericDict();
    std::map<std::string, std::string> opt;
    for (const auto& kv : dict.at("options").toGenericDict()) opt[kv.key().toStringRef()] = kv.value().toStringRef();
    auto num = [&](const std::string& k, double fallback) { return opt.count(k) ? std::stod(opt[k]) : fallback; };
    auto str = [&](const std::string& k, const std::string& fallback) { return opt.count(k) ? opt[k] : fallback; };

    SearchOptions o;
    o.space = str("space", "nb201");
    o.channels = int64_t(num("channels", 8));
    o.cells_per_stage = int64_t(num("cells_per_stage", 1));
    o.layers = int64_t(num("layers", 5));
    o.partial_channels = int64_t(num("partial_channels", 1));
    o.edge_normalization = num("edge_normalization", 0) != 0;
    o.channels_last = num("channels_last", 1) != 0;
    o.cell_kernel = str("cell_kernel", "fused");
    o.float64 = num("float64", 1) != 0;
    o.lr = num("lr", 0.025);
    o.momentum = num("momentum", 0.9);
    o.weight_decay = num("weight_decay", 3e-4);
    o.nesterov = num("nesterov", 0) != 0;
    o.grad_clip = num("grad_clip", 5);
    o.clip_with_alpha = num("clip_with_alpha", 0) != 0;
    o.arch_lr = num("arch_lr", 3e-4);
    o.arch_beta1 = num("arch_beta1", 0.5);
    o.arch_beta2 = num("arch_beta2", 0.999);
    o.arch_weight_decay = num("arch_weight_decay", 1e-3);
    o.method = find_method(str("method", "darts")).name;
    set_method_option(o, "hvp-r", num("hvp_r", 0.01));
    set_method_option(o, "perturb-epsilon", num("perturb_epsilon", 0.3));
    set_method_option(o, "pgd-steps", int(num("pgd_steps", 7)));
    set_method_option(o, "beta-decay", num("beta_decay", 50));
    set_method_option(o, "aux-skip-beta", num("aux_skip_beta", 1));
    o.arch_grad_clip = num("arch_grad_clip", 0);
    method_settings<PDartsSettings>(o, "p-darts").stage = int(num("pdarts_stage", -1));
    o.skip_dropout = num("skip_dropout", 0);
    o.regularizer = parse_regularizer(str("regularizer", "none"));
    o.lambda = num("lambda", 0);
    o.epsilon0 = num("epsilon0", 1e-4);
    o.fd_mode = parse_fd_mode(str("fd_mode", "central"));
    o.step_order = parse_step_order(str("step_order", "auto"));
    o.seed = uint64_t(num("seed", 0));
    o.batch_size = int64_t(num("batch_size", 16));
    o.threads = 1;
    torch::set_num_threads(1);

    // P-DARTS stage: the base space with these ops per edge (search/progressive.h)
    const SearchSpace& base = find_space(o.space);
    const SearchSpace space = opt.count("edge_ops") ? stage_space(base, parse_edge_ops(opt["edge_ops"], base)) : base;
    LocalCommunicator comm;
    Searcher searcher(o, space, int64_t(num("in_channels", 3)), int64_t(num("num_classes", 10)), comm);
    const torch::Dtype dtype = o.float64 ? torch::kDouble : torch::kFloat;

    std::vector<std::string> weight_names, buffer_names;
    for (const auto& p : searcher.network()->named_parameters()) weight_names.push_back(p.key());
    for (const auto& b : searcher.network()->named_buffers()) buffer_names.push_back(b.key());
    std::vector<torch::Tensor> weights = searcher.network()->weights(), buffers = searcher.network()->buffers();
    std::vector<torch::Tensor> alphas = searcher.architecture().alphas();
    assign(weights, tensor_list(dict.at("weights")), "weights", weight_names);
    assign(buffers, tensor_list(dict.at("buffers")), "buffers", buffer_names);
    assign(alphas, tensor_list(dict.at("alphas")), "alphas", std::vector<std::string>(alphas.size(), "alpha"));
    std::vector<torch::Tensor> betas = searcher.network()->edge_parameters();  // PC-DARTS β (edge normalization)
    if (dict.contains("betas"))
      assign(betas, tensor_list(dict.at("betas")), "betas", std::vector<std::string>(betas.size(), "beta"));

    const Batch train{dict.at("train_x").toTensor().to(dtype), dict.at("train_y").toTensor()};
    const Batch valid{dict.at("valid_x").toTensor().to(dtype), dict.at("valid_y").toTensor()};
    StepSchedule schedule;
    schedule.lr = num("step_lr", o.lr);
    schedule.lambda = num("lambda", 0);  // λ_t: no ramp, the value of the option in every step
    schedule.epoch = int(num("epoch", 0));
    schedule.epochs = int(num("epochs", 1));
    const int steps = int(num("steps", 1));

    c10::List<torch::Tensor> noise, seeds;
    const bool arch_first = o.step_order == StepOrder::arch_first ||
                            (o.step_order == StepOrder::automatic && space.kind == CellKind::darts);
    int64_t dropout_modules = 0;
    for (const auto& m : searcher.network()->modules(/*include_self=*/false))
      if (m->as<SkipDropoutImpl>()) ++dropout_modules;
    c10::List<double> grad_norms, train_losses, arch_losses, align_train, align_valid, epsilons, delta_norms;
    c10::List<int64_t> regularized;
    for (int s = 0; s < steps; ++s) {
      if (o.method == "sdarts-rs" || o.method == "sdarts-adv")
        for (const auto& t : sdarts_noise(o, num("perturb_epsilon", 0.3), alphas, searcher.steps_done(), schedule.epoch, schedule.epochs))
          noise.push_back(t);
      if (o.skip_dropout > 0)
        for (const auto& t : mask_seeds(o.seed, searcher.steps_done(), arch_first, dropout_modules))
          seeds.push_back(t);
      const StepStats stats = searcher.step(train, valid, schedule);
      grad_norms.push_back(stats.grad_norm), train_losses.push_back(stats.train_loss);
      arch_losses.push_back(stats.arch_loss);
      align_train.push_back(stats.alignment_train), align_valid.push_back(stats.alignment_valid);
      epsilons.push_back(stats.epsilon), delta_norms.push_back(stats.delta_norm);
      regularized.push_back(stats.regularized ? 1 : 0);
    }

    // SGD momentum buffers in weights() order (undefined where none), through a checkpoint.
    Checkpoint checkpoint;
    searcher.save_state(checkpoint);
    std::vector<torch::Tensor> momentum;
    for (const auto& n : weight_names) {
      auto it = checkpoint.tensors.find("optim/weights/" + n + "/momentum_buffer");
      momentum.push_back(it == checkpoint.tensors.end() ? torch::Tensor() : it->second);
    }

    // Adam's first moment of α after the step: (1 − β1)·(the α gradient + wd·α) after one step.
    std::vector<torch::Tensor> exp_avg;
    for (int t = 0; t < searcher.architecture().num_types(); ++t) {
      auto it = checkpoint.tensors.find("optim/arch/" + searcher.architecture().type_name(t) + "/exp_avg");
      exp_avg.push_back(it == checkpoint.tensors.end() ? torch::Tensor() : it->second);
    }

    std::vector<torch::Tensor> beta_exp_avg;
    for (size_t i = 0; i < betas.size(); ++i) {
      auto it = checkpoint.tensors.find("optim/edge/" + std::to_string(i) + "/exp_avg");
      beta_exp_avg.push_back(it == checkpoint.tensors.end() ? torch::Tensor() : it->second);
    }

    c10::impl::GenericDict out(c10::StringType::get(), c10::AnyType::get());
    out.insert("weights", to_list(searcher.network()->weights()));
    out.insert("buffers", to_list(searcher.network()->buffers()));
    out.insert("alphas", to_list(searcher.architecture().alphas()));
    c10::List<std::string> wn, bn;
    for (const auto& n : weight_names) wn.push_back(n);
    for (const auto& n : buffer_names) bn.push_back(n);
    out.insert("weight_names", wn);
    out.insert("buffer_names", bn);
    out.insert("momentum", to_list(momentum));
    out.insert("alpha_exp_avg", to_list(exp_avg));
    out.insert("betas", to_list(searcher.network()->edge_parameters()));
    out.insert("beta_exp_avg", to_list(beta_exp_avg));
    out.insert("noise", noise);
    out.insert("mask_seeds", seeds);
    out.insert("skip_dropout_modules", dropout_modules);
    out.insert("grad_norm", grad_norms);
    out.insert("train_loss", train_losses);
    out.insert("arch_loss", arch_losses);
    out.insert("alignment_train", align_train);
    out.insert("alignment_valid", align_valid);
    out.insert("epsilon", epsilons);
    out.insert("delta_norm", delta_norms);
    out.insert("regularized", regularized);
    const std::vector<char> bytes = torch::pickle_save(out);
    std::ofstream(argv[2], std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "reference_step: %s\n", e.what());
    return 1;
  }
  return 0;
}
