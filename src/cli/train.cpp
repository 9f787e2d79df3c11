// ldarts train: evaluation training of a genotype from scratch. Every option
// is a flag and a key of the TOML file given by --config (flags win).
#include <memory>

#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include "ldarts/cli/commands.h"
#include "ldarts/cli/config_file.h"
#include "ldarts/cli/run_options.h"
#include "ldarts/core/signals.h"
#include "ldarts/data/dataset.h"
#include "ldarts/dist/runtime.h"
#include "ldarts/search/searcher.h"
#include "ldarts/train/train_run.h"

namespace ldarts {

void setup_train(CLI::App& app, const Runtime& runtime) {
  auto opt = std::make_shared<TrainOptions>();
  CLI::App* sub = app.add_subcommand("train", "Train a genotype from scratch (evaluation: CIFAR, ImageNet or NB201 network)");
  sub->option_defaults()->always_capture_default();
  auto config_path = std::make_shared<std::string>();
  add_config_option(*sub, *config_path);

  sub->add_option("--genotype", opt->genotype, "genotype.json of a search, an NB201 string, or DARTS' Genotype(...) text; inline or a file")->group("Model");
  sub->add_option("--network", opt->network, "auto | cifar | imagenet | nb201")
      ->check(CLI::IsMember({"auto", "cifar", "imagenet", "nb201"}))->group("Model");
  sub->add_option("--channels", opt->channels, "Initial channels C")->check(CLI::PositiveNumber)->group("Model");
  sub->add_option("--layers", opt->layers, "Cells L (NB201: cells per stage N)")->check(CLI::PositiveNumber)->group("Model");
  sub->add_option("--auxiliary", opt->auxiliary, "Auxiliary head after cell 2L/3")->group("Model");
  sub->add_option("--auxiliary-weight", opt->auxiliary_weight, "Weight of the auxiliary loss")->group("Model");
  sub->add_option("--drop-path", opt->drop_path, "Drop-path probability (ramped linearly from 0)")->group("Model");

  sub->add_option("--dataset", opt->dataset, "Data set")->check(CLI::IsMember(dataset_names()))->group("Data");
  sub->add_option("--data-dir", opt->data_dir, "Folder with the data set's files")->group("Data");
  sub->add_option("--valid-portion", opt->valid_portion, "Share of the training set held out for validation (0: none)")->group("Data");
  sub->add_option("--batch-size", opt->batch_size, "Global batch size")->check(CLI::PositiveNumber)->group("Data");
  sub->add_option("--augment", opt->augment, "Random crop + flip")->group("Data");
  sub->add_option("--tail", opt->tail, "Last incomplete global batch of an epoch: drop | pad")
      ->check(CLI::IsMember({"drop", "pad"}))->group("Data");
  sub->add_option("--cutout", opt->cutout, "Cutout length (0: off)")->check(CLI::NonNegativeNumber)->group("Data");
  sub->add_option("--color-jitter", opt->color_jitter, "JPEG trees: colour jitter on training images")->group("Data");
  sub->add_option("--loader-threads", opt->loader_threads, "Threads building batches ahead of the step (0: none; -1: 0 for in-memory data, 4 for JPEG trees)")->group("Data");
  sub->add_option("--skip-bad-images", opt->skip_bad_images, "JPEG trees: log and skip unreadable images")->group("Data");

  sub->add_option("--epochs", opt->epochs, "Epochs")->check(CLI::PositiveNumber)->group("Schedule");
  sub->add_option("--max-steps", opt->max_steps, "Cap on steps per epoch (0: all)")->check(CLI::NonNegativeNumber)->group("Schedule");
  sub->add_option("--eval-steps", opt->eval_steps, "Cap on validation batches (0: all)")->check(CLI::NonNegativeNumber)->group("Schedule");
  sub->add_option("--lr", opt->lr, "Learning rate")->group("Optimizer");
  sub->add_option("--lr-min", opt->lr_min, "Learning rate at the end")->group("Optimizer");
  sub->add_option("--lr-schedule", opt->lr_schedule, "cosine | linear")->check(CLI::IsMember({"cosine", "linear"}))->group("Optimizer");
  sub->add_option("--warmup-epochs", opt->warmup_epochs, "Epochs of linear warm-up")->check(CLI::NonNegativeNumber)->group("Optimizer");
  sub->add_option("--momentum", opt->momentum, "SGD momentum")->group("Optimizer");
  sub->add_option("--weight-decay", opt->weight_decay, "Weight decay")->group("Optimizer");
  sub->add_option("--nesterov", opt->nesterov, "Nesterov momentum")->group("Optimizer");
  sub->add_option("--grad-clip", opt->grad_clip, "Gradient clipping, global norm (0: off)")->group("Optimizer");
  sub->add_option("--label-smoothing", opt->label_smoothing, "Label smoothing ε")->group("Optimizer");

  sub->add_option("--sync-bn", opt->sync_bn, "BN statistics over all ranks (SyncBN)")->group("Run");
  sub->add_option("--bf16", opt->bf16, "bf16 autocast (GPU speed option)")->group("Run");
  sub->add_option("--channels-last", opt->channels_last, "NHWC memory format (GPU speed option)")->group("Run");
  sub->add_option("--test", opt->test, "Evaluate the test set once at the end (final weights)")->group("Run");
  add_run_options(*sub, *opt);

  auto dry_run = std::make_shared<bool>(false);
  auto print_config = std::make_shared<bool>(false);
  auto benchmark = std::make_shared<int>(0);
  sub->add_flag("--dry-run", *dry_run, "Build the model, print parameters (without/with auxiliary head) and multiply-adds, exit")
      ->configurable(false)->group("Run");
  sub->add_flag("--print-config", *print_config, "Print the resolved configuration as TOML and exit")->configurable(false)->group("Run");
  sub->add_option("--benchmark", *benchmark, "Time N steps on synthetic data and project the preset's wall time, exit")
      ->configurable(false)->group("Run");

  sub->callback([sub, opt, config_path, dry_run, print_config, benchmark, &runtime] {
    apply_config_file(*sub, *config_path);
    if (*print_config) return (void)std::printf("%s", sub->config_to_str(true, false).c_str());
    if (opt->threads > 0) torch::set_num_threads(opt->threads);
    if (*dry_run) return print_dry_run(*opt);
    if (*benchmark > 0) return print_benchmark(*opt, *benchmark);
    const std::unique_ptr<Communicator> comm = start_run(runtime, opt->backend, opt->device, opt->threads);
    run_train(*opt, sub->config_to_str(true, false), *comm);
  });
}

}  // namespace ldarts
