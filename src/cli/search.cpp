// ldarts search: every option is a flag and a key of the TOML file given by
// --config (flags win). The resolved configuration goes into the run folder.
#include <memory>

#include <CLI/CLI.hpp>

#include "ldarts/cli/commands.h"
#include "ldarts/cli/config_file.h"
#include "ldarts/cli/run_options.h"
#include "ldarts/core/signals.h"
#include "ldarts/data/dataset.h"
#include "ldarts/dist/runtime.h"
#include "ldarts/search/searcher.h"
#include "ldarts/io/nb201_table.h"
#include "ldarts/search/search_run.h"
#include "ldarts/spaces/space.h"

namespace ldarts {

namespace {

// The enum-valued options as the command line and TOML files give them, parsed once
// into SearchOptions in the callback (after the config file).
struct OptionWords {
  std::string regularizer, fd_mode, lambda_target, step_order;
  explicit OptionWords(const SearchOptions& o)
      : regularizer(regularizer_name(o.regularizer)), fd_mode(fd_mode_name(o.fd_mode)),
        lambda_target(lambda_target_name(o.lambda_target)), step_order(step_order_name(o.step_order)) {}
  void parse_into(SearchOptions& o) const {
    o.regularizer = parse_regularizer(regularizer);
    o.fd_mode = parse_fd_mode(fd_mode);
    o.lambda_target = parse_lambda_target(lambda_target);
    o.step_order = parse_step_order(step_order);
  }
};

// A method's options as flags of `ldarts search` (and keys of its TOML files).
class CliSink final : public OptionSink {
 public:
  explicit CliSink(CLI::App& app) : app_(app) {}
  void add(const std::string& name, double& v, const std::string& help) override { bind(name, v, help); }
  void add(const std::string& name, int& v, const std::string& help) override { bind(name, v, help); }
  void add(const std::string& name, bool& v, const std::string& help) override { bind(name, v, help); }
  void add(const std::string& name, std::vector<int64_t>& v, const std::string& help) override {
    bind(name, v, help)->delimiter(',');
  }
  void add(const std::string& name, std::vector<double>& v, const std::string& help) override {
    bind(name, v, help)->delimiter(',');
  }

 private:
  template <class T>
  CLI::Option* bind(const std::string& name, T& value, const std::string& help) {
    return app_.add_option("--" + name, value, help)->group("Method");
  }
  CLI::App& app_;
};

// The options of `ldarts search`, by --help group, in the order of --help and config.toml.
void add_model_options(CLI::App* sub, SearchOptions* opt) {
  sub->add_option("--space", opt->space, "Search space")->check(CLI::IsMember(space_names()))->group("Model");
  sub->add_option("--channels", opt->channels, "Channels C of the first stage")->check(CLI::PositiveNumber)->group("Model");
  sub->add_option("--cells-per-stage", opt->cells_per_stage, "NB201: search cells N per stage")->check(CLI::PositiveNumber)->group("Model");
  sub->add_option("--layers", opt->layers, "DARTS spaces: cells L (reductions at L/3 and 2L/3)")->check(CLI::PositiveNumber)->group("Model");

  sub->add_option("--network", opt->network, "DARTS spaces: cifar (3×3 stem) | imagenet (three stride-2 stems, 224×224 input)")
      ->check(CLI::IsMember({"cifar", "imagenet"}))->group("Model");
  sub->add_option("--partial-channels", opt->partial_channels, "PC-DARTS K (1/K of the channels through each mixed op)")
      ->check(CLI::PositiveNumber)->group("Model");
  sub->add_option("--edge-normalization", opt->edge_normalization, "DARTS spaces: PC-DARTS edge normalization β")->group("Model");
  sub->add_option("--cell-kernel", opt->cell_kernel,
                  "fused (ops shared per source node, batched convolutions) | per-edge (the straightforward reference); same results up to float rounding")
      ->check(CLI::IsMember({"fused", "per-edge"}))->group("Model");
  sub->add_option("--tf32", opt->tf32, "CUDA: TF32 tensor cores for convolutions and matmuls (off: exact float32)")
      ->group("Model");
  sub->add_option("--float64", opt->float64, "Weights, α and activations in float64 (exactness checks against other code; slow)")
      ->group("Model");
  sub->add_option("--channels-last", opt->channels_last, "Channels-last (NHWC) activations (faster on CPU and GPU); false: NCHW, same results up to float rounding")
      ->group("Model");
}

void add_data_options(CLI::App* sub, SearchOptions* opt) {
  sub->add_option("--dataset", opt->dataset, "Data set")->check(CLI::IsMember(dataset_names()))->group("Data");
  sub->add_option("--data-dir", opt->data_dir, "Folder with the data set's files (default: its standard folder)")->group("Data");
  sub->add_option("--split", opt->split_file, "NB201 split file (else --train-portion)")->group("Data");
  sub->add_option("--train-portion", opt->train_portion, "Share of the training set for ω (the rest trains α)")->group("Data");
  sub->add_option("--batch-size", opt->batch_size, "Global batch size")->check(CLI::PositiveNumber)->group("Data");
  sub->add_option("--augment", opt->augment, "Random crop + flip on search batches")->group("Data");
  sub->add_option("--class-fraction-train", opt->class_fraction_train,
                  "Per-class share of the training images for ω (ImageNet search: 0.1; 0: --train-portion)")->group("Data");
  sub->add_option("--class-fraction-valid", opt->class_fraction_valid,
                  "Per-class share for α, disjoint from ω's (ImageNet search: 0.025)")->group("Data");
  sub->add_option("--loader-threads", opt->loader_threads, "Threads building batches ahead of the step (0: none; -1: 0 for in-memory data, 4 for JPEG trees)")->group("Data");
  sub->add_option("--skip-bad-images", opt->skip_bad_images, "JPEG trees: log and skip unreadable images")->group("Data");
}

void add_method_options(CLI::App* sub, SearchOptions* opt, OptionWords* words) {
  sub->add_option("--epochs", opt->epochs, "Epochs")->check(CLI::PositiveNumber)->group("Schedule");
  sub->add_option("--max-steps", opt->max_steps, "Cap on steps per epoch (0: whole split)")->check(CLI::NonNegativeNumber)->group("Schedule");
  sub->add_option("--eval-steps", opt->eval_steps, "Cap on validation batches per epoch (0: whole split)")->check(CLI::NonNegativeNumber)->group("Schedule");
  sub->add_option("--step-order", words->step_order, "auto | weights-first | arch-first")
      ->check(CLI::IsMember({"auto", "weights-first", "arch-first"}))->group("Schedule");

  sub->add_option("--method", opt->method, "The DARTS variant (docs/methods.md); each combines with --regularizer")
      ->check(CLI::IsMember(method_names()))->group("Method");
  // Each method's own options, as its file declares them (search/method.h).
  CliSink sink(*sub);
  for (const MethodInfo* m : registered_methods())
    if (m->options) m->options(sink, opt->method_settings.at(m->name));
  sub->add_option("--regularizer", words->regularizer, "none (plain DARTS) | corr (Λ) | signcorr (Λ±)")
      ->check(CLI::IsMember({"none", "corr", "signcorr"}))->group("Λ-DARTS");
  sub->add_option("--lambda", opt->lambda, "λ, ramped linearly from 0 at the first epoch to λ at the last")->group("Λ-DARTS");
  sub->add_option("--epsilon0", opt->epsilon0, "ε0; the step is ε = ε0/‖Δ‖")->check(CLI::PositiveNumber)->group("Λ-DARTS");
  sub->add_option("--fd-mode", words->fd_mode, "central (eq. 13) | forward | backward (eqs. 24-25) | interleaved")
      ->check(CLI::IsMember({"central", "forward", "backward", "interleaved"}))->group("Λ-DARTS");
  sub->add_option("--lambda-target", words->lambda_target, "inner (ω objective, default) | outer (α objective, §A.4)")
      ->check(CLI::IsMember({"inner", "outer"}))->group("Λ-DARTS");
}

void add_optimizer_options(CLI::App* sub, SearchOptions* opt) {
  sub->add_option("--lr", opt->lr, "ω learning rate (cosine start)")->group("Optimizers");
  sub->add_option("--lr-min", opt->lr_min, "ω learning rate at the end")->group("Optimizers");
  sub->add_option("--lr-schedule", opt->lr_schedule, "cosine | linear")->check(CLI::IsMember({"cosine", "linear"}))->group("Optimizers");
  sub->add_option("--warmup-epochs", opt->warmup_epochs, "Epochs of linear lr warm-up")->check(CLI::NonNegativeNumber)->group("Optimizers");
  sub->add_option("--arch-start-epoch", opt->arch_start_epoch, "α frozen before this epoch (PC-DARTS: 35 of 50)")
      ->check(CLI::NonNegativeNumber)->group("Optimizers");
  sub->add_option("--momentum", opt->momentum, "ω SGD momentum")->group("Optimizers");
  sub->add_option("--weight-decay", opt->weight_decay, "ω weight decay")->group("Optimizers");
  sub->add_option("--nesterov", opt->nesterov, "ω Nesterov momentum")->group("Optimizers");
  sub->add_option("--grad-clip", opt->grad_clip, "ω gradient clipping (global norm)")->group("Optimizers");
  sub->add_option("--clip-with-alpha", opt->clip_with_alpha,
                  "The ω clip's norm also counts α's gradient, as the NB201 codebases clip network.parameters()")
      ->group("Optimizers");
  sub->add_option("--arch-lr", opt->arch_lr, "α Adam learning rate")->group("Optimizers");
  sub->add_option("--arch-beta1", opt->arch_beta1, "α Adam beta1")->group("Optimizers");
  sub->add_option("--arch-beta2", opt->arch_beta2, "α Adam beta2")->group("Optimizers");
  sub->add_option("--arch-weight-decay", opt->arch_weight_decay, "α weight decay")->group("Optimizers");
  sub->add_option("--arch-grad-clip", opt->arch_grad_clip, "α gradient clipping (global norm; 0: none; P-DARTS: 5)")
      ->check(CLI::NonNegativeNumber)->group("Optimizers");
}

void add_search_run_options(CLI::App* sub, SearchOptions* opt) {
  sub->add_option("--accumulate", opt->accumulate, "Micro-batches per rank batch (gradients averaged, as over ranks)")
      ->check(CLI::PositiveNumber)->group("Run");
  sub->add_option("--lr-update", opt->lr_update,
                  "step: the ω lr schedule per step | epoch: held at each epoch's start value, as the authors' code")
      ->check(CLI::IsMember({"step", "epoch"}))->group("Optimizers");
  sub->add_option("--cutout", opt->cutout, "Search-time cutout length on the ω and α batches (0: none)")
      ->check(CLI::NonNegativeNumber)->group("Data");
  sub->add_option("--cutout-prob", opt->cutout_prob,
                  "Cutout probability at the last epoch, ramped linearly from 0 at the first, as train_search.py:160 "
                  "intends (its ramp sets an attribute its Cutout never reads, so there it stays fixed)")
      ->check(CLI::Range(0.0, 1.0))->group("Data");
  sub->add_option("--probe-every", opt->probe_every,
                  "Steps between the paper's diagnostics (diagnostics.csv, docs/diagnostics.md; 0: none)")
      ->check(CLI::NonNegativeNumber)->group("Run");
  sub->add_option("--nb201-table", opt->nb201_table,
                  "NB201 accuracy CSV to look each epoch's genotype up in (shipped: data/nb201/nb201_test_acc_200ep.csv)")
      ->check(CLI::Validator(
          [](std::string& path) { return path.empty() ? std::string() : CLI::ExistingFile(path); }, "FILE or \"\""))
      ->group("Run");
}

}  // namespace

void setup_search(CLI::App& app, const Runtime& runtime) {
  auto opt = std::make_shared<SearchOptions>();
  auto words = std::make_shared<OptionWords>(*opt);
  CLI::App* sub = app.add_subcommand("search", "Run an architecture search: Λ-DARTS or plain DARTS (NB201, DARTS, S1-S4 spaces; CIFAR or ImageNet network)");
  sub->option_defaults()->always_capture_default();
  auto config_path = std::make_shared<std::string>();
  add_config_option(*sub, *config_path);

  add_model_options(sub, opt.get());
  add_data_options(sub, opt.get());
  add_method_options(sub, opt.get(), words.get());
  add_optimizer_options(sub, opt.get());
  add_search_run_options(sub, opt.get());
  add_run_options(*sub, *opt);

  auto print_config = std::make_shared<bool>(false);
  sub->add_flag("--print-config", *print_config, "Print the resolved configuration (preset + flags) as TOML and exit")
      ->configurable(false)->group("Run");

  sub->callback([sub, opt, words, config_path, print_config, &runtime] {
    apply_config_file(*sub, *config_path);
    words->parse_into(*opt);
    if (*print_config) {
      std::printf("%s", sub->config_to_str(true, false).c_str());
      return;
    }
    const std::unique_ptr<Communicator> comm = start_run(runtime, opt->backend, opt->device, opt->threads);
    run_search(*opt, sub->config_to_str(true, false), *comm);
  });
}

}  // namespace ldarts
