// Everything a search run is configured by. Filled from TOML/CLI in cli/search.cpp,
// read by the search components; nothing reads a global config.
#pragma once

#include <any>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ldarts/run/driver.h"

namespace ldarts {

// The option values that select code paths, parsed once (cli/search.cpp); parse_*
// throws a user error naming the option for anything else, *_name gives the option's word.
enum class RegularizerKind { none, corr, signcorr };  // --regularizer: none = plain DARTS; corr = Λ; signcorr = Λ±
enum class FdMode { central, forward, backward, interleaved };  // --fd-mode
enum class LambdaTarget { inner, outer };  // --lambda-target: ω objective (default) or α objective (§A.4)
enum class StepOrder { automatic, weights_first, arch_first };  // --step-order auto | weights-first | arch-first
RegularizerKind parse_regularizer(const std::string& name);
FdMode parse_fd_mode(const std::string& name);
LambdaTarget parse_lambda_target(const std::string& name);
StepOrder parse_step_order(const std::string& name);
const char* regularizer_name(RegularizerKind kind);
const char* fd_mode_name(FdMode mode);
const char* lambda_target_name(LambdaTarget target);
const char* step_order_name(StepOrder order);

// RunOptions (run/driver.h) holds what search and train share: data set, batch, epochs,
// learning-rate schedule, device, seed, run folder, checkpoints.
struct SearchOptions : RunOptions {
  SearchOptions();  // out = runs/search; every registered method's settings at their defaults

  // search space and supernet
  std::string space = "nb201";
  int64_t channels = 16;        // C
  int64_t cells_per_stage = 5;  // N (NB201: 3N search cells)
  int64_t layers = 8;           // L (DARTS spaces: L cells, reductions at L/3 and 2L/3)
  std::string network = "cifar";   // DARTS spaces: cifar | imagenet (three stride-2 stems, §A.7)
  int64_t partial_channels = 1;    // PC-DARTS K (ImageNet preset: 2)
  bool edge_normalization = false; // PC-DARTS edge normalization β (ImageNet preset: on)
  bool channels_last = true;          // NHWC activations (conv, BN and pooling kernels in that layout)
  bool tf32 = false;                  // CUDA: TF32 tensor cores in convolutions and matmuls (10-bit mantissa)
  bool float64 = false;               // ω, α and activations in double (for exactness checks; slow)
  std::string cell_kernel = "fused";  // fused (FusedEdges) | per-edge (the straightforward reference)

  // data
  std::string split_file;      // NB201 split file; "" = fraction split
  double train_portion = 0.5;  // with no split file
  bool augment = true;
  double class_fraction_train = 0;  // > 0: per-class subsets (ImageNet search: 0.1 for ω) ...
  double class_fraction_valid = 0;  // ... and 0.025 for α, kept in <out>/subset-manifest.txt

  // ω: SGD with momentum (its learning rate: RunOptions)
  double momentum = 0.9, weight_decay = 3e-4;
  int arch_start_epoch = 0;            // α frozen before this epoch (PC-DARTS ImageNet: 35)
  bool nesterov = false;
  double grad_clip = 5.0;
  // The ω clip's norm also counts α's gradient as the NB201 codebases leave it there: they clip
  // network.parameters(), which holds α (docs/reference-steps.md D1; SearchMethod::alpha_at_clip)
  bool clip_with_alpha = false;

  // α: Adam
  double arch_lr = 1e-4, arch_beta1 = 0.5, arch_beta2 = 0.999, arch_weight_decay = 1e-3;
  double arch_grad_clip = 0;  // α gradient clipping (global norm over every α; 0: none; P-DARTS: 5)
  // the DARTS variant (docs/methods.md; a registered method's name); every one combines with the regularizer below
  std::string method = "darts";
  // Each method's own settings (its options: --hvp-r, --pdarts-keep-ops, ...), by method name;
  // read with method_settings<T>(options, name) (search/method.h).
  std::map<std::string, std::any> method_settings;
  // P-DARTS' skip-connection dropout d: a dropout after every stride-1 skip_connect (network option;
  // its per-epoch rate is the method's, SearchMethod::begin_epoch). 0: none.
  double skip_dropout = 0;
  bool show_next_steps = true;  // the end of the run prints what to run next (a method's stages: off)
  // Λ-DARTS regularizer (§4.2): none = plain first-order DARTS
  RegularizerKind regularizer = RegularizerKind::corr;
  double lambda = 0.25;                 // λ, ramped linearly from 0 over the epochs
  double epsilon0 = 1e-4;               // ε = ε0 / ‖Δ‖_F
  FdMode fd_mode = FdMode::central;
  LambdaTarget lambda_target = LambdaTarget::inner;

  // weights-first (NB201 codebases), arch-first (DARTS codebases), automatic = the space's default
  StepOrder step_order = StepOrder::automatic;

  // distribution
  int64_t accumulate = 1;      // micro-batches per rank batch (gradients averaged)

  // run
  std::string nb201_table;  // CSV of NB201 accuracies; "" = no lookup
  int64_t cutout = 0;        // search-time cutout length on ω and α batches (0: none)
  double cutout_prob = 1.0;  // its probability at the last epoch, ramped linearly from 0 (authors' train_search.py)
  int probe_every = 20;     // steps between diagnostics probes (diagnostics.csv; 0 = none)
};

}  // namespace ldarts
