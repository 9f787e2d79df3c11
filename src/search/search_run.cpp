#include "ldarts/search/search_run.h"

#include <algorithm>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>

#include <torch/torch.h>

#include "ldarts/core/error.h"
#include "ldarts/core/files.h"
#include "ldarts/core/progress.h"
#include "ldarts/core/rng.h"
#include "ldarts/core/signals.h"
#include "ldarts/data/sampler.h"
#include "ldarts/data/image_data.h"
#include "ldarts/data/loader.h"
#include "ldarts/data/split.h"
#include "ldarts/dist/runtime.h"
#include "ldarts/io/checkpoint.h"
#include "ldarts/io/csv_log.h"
#include "ldarts/io/module_state.h"
#include "ldarts/io/graphviz.h"
#include "ldarts/io/nb201_table.h"
#include "ldarts/search/darts_genotype.h"
#include "ldarts/search/genotype.h"
#include "ldarts/search/regularizer.h"
#include "ldarts/search/schedule.h"
#include "ldarts/search/searcher.h"

namespace ldarts {
namespace {

const std::vector<std::string> kMetricColumns = {
    "epoch", "lr", "lambda", "epsilon", "delta_norm", "grad_norm", "train_loss", "train_acc", "arch_loss",
    "arch_acc", "valid_loss", "valid_acc", "alignment_train", "alignment_valid", "sign_alignment_train",
    "sign_alignment_valid", "genotype", "cifar10_test", "cifar100_test", "imagenet16_test", "seconds"};
const std::vector<std::string> kStepColumns = {
    "epoch", "step", "lr", "lambda", "train_loss", "train_acc", "arch_loss", "arch_acc", "alignment_train",
    "alignment_valid", "sign_alignment_train", "sign_alignment_valid", "epsilon", "delta_norm", "grad_norm"};

std::vector<float> to_vector(const torch::Tensor& t) {
  const torch::Tensor c = t.to(torch::kFloat).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

std::string softmax_rows(const SearchSpace& space, const Architecture& arch) {
  std::string out;
  char buf[96];
  for (int t = 0; t < arch.num_types(); ++t) {
    const torch::Tensor p = arch.probabilities(t).cpu();
    out += "  softmax(alpha) of the " + arch.type_name(t) + " cells:\n";
    for (int e = 0; e < space.num_edges(); ++e) {
      std::snprintf(buf, sizeof buf, "    %d<-%d ", space.edges[e].to, space.edges[e].from);
      out += buf;
      const auto& ops = space.cell_types[t].edge_ops[e];
      for (size_t o = 0; o < ops.size(); ++o) {
        std::snprintf(buf, sizeof buf, " %s=%.3f", ops[o].c_str(), p[e][o].item<double>());
        out += buf;
      }
      out += "\n";
    }
  }
  return out;
}

std::string alpha_json_line(int epoch, const Architecture& arch) {
  std::ostringstream out;
  out.precision(8);
  out << "{\"epoch\": " << epoch;
  for (int t = 0; t < arch.num_types(); ++t) {
    const torch::Tensor p = arch.probabilities(t).cpu();
    out << ", \"" << arch.type_name(t) << "\": [";
    for (int r = 0; r < p.size(0); ++r) {
      out << (r ? ", [" : "[");
      for (int c = 0; c < p.size(1); ++c) out << (c ? ", " : "") << p[r][c].item<double>();
      out << "]";
    }
    out << "]";
  }
  out << "}\n";
  return out.str();
}

// The discrete cell(s) of the current α, in the space's forms.
struct GenotypeView {
  std::string text;  // NB201 string, or DARTS' Genotype(...) text
  std::string json;
  std::vector<std::pair<std::string, std::string>> pictures;  // (cell name, DOT)
};

GenotypeView describe_genotype(const SearchSpace& space, const Architecture& arch, const SearchNetworkImpl& network) {
  GenotypeView view;
  if (space.kind == CellKind::nb201) {
    const Nb201Genotype g = derive_nb201(space, to_vector(arch.probabilities(0)));
    view.text = to_nb201_string(space, g);
    view.json = to_json(space, g);
    return view;
  }
  DartsGenotype g;
  auto scale = [&](int t) {
    torch::NoGradGuard no_grad;
    const torch::Tensor w = network.edge_weights(t);
    return w.defined() ? to_vector(w) : std::vector<float>{};
  };
  g.normal = derive_darts_cell(space, "normal", to_vector(arch.probabilities(0)), scale(0));
  g.reduce = derive_darts_cell(space, "reduce", to_vector(arch.probabilities(1)), scale(1));
  view.text = to_genotype_text(g);
  view.json = to_json(g);
  view.pictures = {{"normal", to_dot(g.normal, "normal cell")}, {"reduce", to_dot(g.reduce, "reduction cell")}};
  return view;
}

// The cell pictures of an epoch: <out>/cells/epoch-NNN-<cell>.dot (+ .svg and
// .png where Graphviz is installed), the newest also as <out>/<cell>.*. A
// failing `dot` is reported once and never stops the search.
void write_pictures(const std::string& out, int epoch,
                    const std::vector<std::pair<std::string, std::string>>& pictures) {
  if (pictures.empty()) return;
  static bool warned = false;
  make_dirs(out + "/cells");
  char prefix[32];
  std::snprintf(prefix, sizeof prefix, "epoch-%03d-", epoch + 1);
  for (const auto& [cell, dot] : pictures) {
    std::vector<std::pair<std::string, std::string>> files{{"dot", dot}};
    try {
      if (graphviz_available()) files.push_back({"svg", render_dot(dot, "svg")}), files.push_back({"png", render_dot(dot, "png")});
    } catch (const Error& e) {
      if (!warned) std::fprintf(stderr, "warning: %s; only .dot pictures are written\n", e.what());
      warned = true;
    }
    for (const auto& [ext, data] : files) {
      write_file_atomically(out + "/cells/" + prefix + cell + "." + ext, data);
      write_file_atomically(out + "/" + cell + "." + ext, data);
    }
  }
}

// A CSV field: quoted when it holds a comma (DARTS genotype text).
std::string csv_field(const std::string& text) {
  return text.find(',') == std::string::npos ? text : "\"" + text + "\"";
}

// Running sums of the step statistics over an epoch (checkpointed mid-epoch).
struct Means {
  StepStats sum;
  int64_t n = 0, regularized = 0;
  void add(const StepStats& s) {
    for (auto f : fields()) sum.*f += s.*f;
    regularized += s.regularized;
    ++n;
  }
  double mean(double StepStats::*field) const { return n ? sum.*field / n : 0.0; }
  // ε and ‖Δ‖ averaged over the steps that ran the finite-difference passes.
  double regularized_mean(double StepStats::*field) const { return regularized ? sum.*field / regularized : 0.0; }

  static std::vector<std::pair<const char*, double StepStats::*>> named_fields() {
    return {{"train_loss", &StepStats::train_loss}, {"train_acc", &StepStats::train_acc},
            {"valid_loss", &StepStats::valid_loss}, {"valid_acc", &StepStats::valid_acc},
            {"alignment_train", &StepStats::alignment_train}, {"alignment_valid", &StepStats::alignment_valid},
            {"sign_alignment_train", &StepStats::sign_alignment_train},
            {"sign_alignment_valid", &StepStats::sign_alignment_valid}, {"epsilon", &StepStats::epsilon},
            {"delta_norm", &StepStats::delta_norm}, {"grad_norm", &StepStats::grad_norm}};
  }
  static std::vector<double StepStats::*> fields() {
    std::vector<double StepStats::*> out;
    for (const auto& [name, f] : named_fields()) out.push_back(f);
    return out;
  }
  void save(Checkpoint& c) const {
    for (const auto& [name, f] : named_fields()) c.doubles[std::string("epoch_sums/") + name] = sum.*f;
    c.integers["epoch_sums/steps"] = n;
    c.integers["epoch_sums/regularized_steps"] = regularized;
  }
  void load(const Checkpoint& c) {
    for (const auto& [name, f] : named_fields()) sum.*f = c.number(std::string("epoch_sums/") + name);
    n = c.integer("epoch_sums/steps");
    regularized = c.integer("epoch_sums/regularized_steps");
  }
};

// The ω / α split: the NB201 split file, per-class fractions (ImageNet search;
// drawn once, kept in <out>/subset-manifest.txt and read back on resume), or
// a fraction of the training set.
SearchSplit search_split(const SearchOptions& o, const ImageData& data, bool root) {
  if (!o.split_file.empty()) return read_split_file(o.split_file, data.size());
  if (o.class_fraction_train <= 0) return fraction_split(data.size(), o.train_portion);
  LDARTS_CHECK(data.files() != nullptr, "--class-fraction-train needs a data set of image files (imagenet, folder)");
  const std::string manifest = o.out + "/subset-manifest.txt";
  if (!file_exists(manifest)) {
    const ClassSubsets drawn = per_class_subsets(data.labels(), data.num_classes(), o.class_fraction_train,
                                                 o.class_fraction_valid, derive_seed(o.seed, {21}));
    if (root) {
      make_dirs(o.out);
      write_manifest(manifest, *data.files(), drawn);
    }
    return SearchSplit{drawn.first, drawn.second};
  }
  const ClassSubsets kept = read_manifest(manifest, *data.files());
  return SearchSplit{kept.first, kept.second};
}

// The resume point of a checkpoint.
struct Position {
  int epoch = 0;
  int64_t step = 0;  // next step inside `epoch`
};

}  // namespace

SearchResult run_search(const SearchOptions& o, const std::string& resolved_config, Communicator& comm) {
  const bool root = comm.is_root();
  LDARTS_CHECK(o.epochs > 0, "--epochs must be positive");
  if (o.threads > 0) torch::set_num_threads(o.threads);
  torch::manual_seed(o.seed);
  const SearchSpace& space = find_space(o.space);
  LDARTS_CHECK(o.nb201_table.empty() || space.kind == CellKind::nb201, "--nb201-table needs --space nb201");

  // ---- data ----
  DataOptions data_options;
  data_options.augment = AugmentOptions{o.augment};
  data_options.color_jitter = false;  // search batches: RandomResizedCrop + flip (PC-DARTS), no jitter
  data_options.skip_bad_images = o.skip_bad_images;
  data_options.pin_memory = resolve_device(o.device).is_cuda();
  const ImageData data = ImageData::open(o.dataset, o.data_dir, Split::train, data_options);
  const SearchSplit split = search_split(o, data, root);
  const int loader_threads = data.loader_threads(o.loader_threads);
  ShardedSampler train_sampler(split.train.size(), o.batch_size, derive_seed(o.seed, {1}), comm.rank(), comm.world_size());
  ShardedSampler valid_sampler(split.valid.size(), o.batch_size, derive_seed(o.seed, {2}), comm.rank(), comm.world_size());
  const int64_t steps = o.max_steps > 0 ? std::min(o.max_steps, train_sampler.batches_per_epoch())
                                        : train_sampler.batches_per_epoch();
  // Supernet validation: a fixed order of the valid part (the same every epoch), this rank's share, no augmentation.
  ShardedSampler eval_order(split.valid.size(), o.batch_size, 0, comm.rank(), comm.world_size());
  const int64_t eval_steps = o.eval_steps > 0 ? std::min(o.eval_steps, eval_order.batches_per_epoch())
                                              : eval_order.batches_per_epoch();

  std::optional<Nb201Table> table;
  if (!o.nb201_table.empty()) table = Nb201Table::load(o.nb201_table);

  Searcher searcher(o, space, data.channels(), data.num_classes(), comm);
  const int cells = searcher.network()->num_search_cells();

  // ---- resume ----
  std::string resume_from = o.resume == "auto" ? latest_checkpoint(o.out) : o.resume;
  Position start;
  Means means;
  std::optional<Checkpoint> resumed;
  if (!resume_from.empty()) {
    resumed = read_checkpoint(resume_from);
    const Checkpoint& c = *resumed;
    LDARTS_CHECK(c.string("run/space") == space.name, resume_from, ": the checkpoint is of space '",
                 c.string("run/space"), "', this run is '", space.name, "'");
    LDARTS_CHECK(c.integer("run/world_size") == comm.world_size(), resume_from, ": written by ",
                 c.integer("run/world_size"), " rank(s), this run has ", comm.world_size(),
                 " (a search resumes exactly only with the same number of ranks)");
    searcher.load_state(c);
    start = Position{int(c.integer("state/epoch")), c.integer("state/step")};
    LDARTS_CHECK(start.epoch <= o.epochs, resume_from, ": the checkpoint is at epoch ", start.epoch + 1,
                 ", beyond --epochs ", o.epochs);
    means.load(c);
    restore_rng_states(c, comm.rank(), searcher.device());  // [world, state bytes]: one row per rank
  }

  // ---- run folder ----
  CsvLog metrics, step_log;
  std::string alphas_text;
  if (root) {
    make_dirs(o.out);
    write_file_atomically(o.out + "/config.toml", resolved_config);
    metrics = CsvLog(o.out + "/metrics.csv", kMetricColumns, resumed ? resumed->string("logs/metrics") : "");
    step_log = CsvLog(o.out + "/steps.csv", kStepColumns, resumed ? resumed->string("logs/steps") : "");
    alphas_text = resumed ? resumed->string("logs/alphas") : "";
    write_file_atomically(o.out + "/alphas.jsonl", alphas_text);
    std::printf("ldarts search: space %s, %d search cells (C=%ld, %s=%ld), %s %ld images -> %zu train / %zu valid\n",
                space.name.c_str(), cells, long(o.channels), space.kind == CellKind::nb201 ? "N" : "L",
                long(space.kind == CellKind::nb201 ? o.cells_per_stage : o.layers), o.dataset.c_str(),
                long(data.size()), split.train.size(), split.valid.size());
    if (o.class_fraction_train > 0)
      std::printf("  per-class subsets: %.1f%% for ω, %.1f%% for α of every class (manifest %s/subset-manifest.txt)\n",
                  100 * o.class_fraction_train, 100 * o.class_fraction_valid, o.out.c_str());
    std::printf("  regularizer %s (λ=%g, ε0=%g, %s differences, %s objective)\n", o.regularizer.c_str(), o.lambda,
                o.epsilon0, o.fd_mode.c_str(), o.lambda_target.c_str());
    std::printf("  %d epochs x %ld steps, batch %ld on %d rank(s), %d threads, %s step first; run folder %s\n",
                o.epochs, long(steps), long(o.batch_size), comm.world_size(), torch::get_num_threads(),
                searcher.arch_step_first() ? "alpha" : "weight", o.out.c_str());
    if (resumed)
      std::printf("  resumed from %s at epoch %d step %ld\n", resume_from.c_str(), start.epoch + 1, long(start.step));
    std::fflush(stdout);
  }

  // Writes a checkpoint whose resume point is `next` (rank 0, after a barrier).
  auto save_checkpoint = [&](const Position& next) {
    const auto rng_states = gather_rng_states(comm, searcher.device());
    comm.barrier();
    if (!root) return;
    Checkpoint c;
    searcher.save_state(c);
    means.save(c);
    c.integers["state/epoch"] = next.epoch;
    c.integers["state/step"] = next.step;
    c.integers["run/world_size"] = comm.world_size();
    c.strings["run/space"] = space.name;
    c.strings["run/config"] = resolved_config;
    c.strings["run/ldarts_version"] = LDARTS_VERSION;
    c.strings["run/torch_version"] = TORCH_VERSION;
    c.strings["genotype/text"] = describe_genotype(space, searcher.architecture(), *searcher.network()).text;
    c.strings["logs/metrics"] = metrics.contents();
    c.strings["logs/steps"] = step_log.contents();
    c.strings["logs/alphas"] = alphas_text;
    for (const auto& [key, states] : rng_states) c.tensors[key] = states;
    write_checkpoint(o.out + "/" + checkpoint_name(searcher.steps_done()), c);
    rotate_checkpoints(o.out, o.keep_checkpoints);
  };

  SearchResult result;
  Progress progress(int64_t(o.epochs - start.epoch) * steps - start.step, root);
  const int log_every = o.log_every > 0 ? o.log_every : int(std::max<int64_t>(1, steps / 10));
  for (int epoch = start.epoch; epoch < o.epochs; ++epoch) {
    const double epoch_start = progress.elapsed_seconds();
    double lr = o.lr;
    // λ_t (0 for plain DARTS, so that the logs say what acted).
    const double lambda = o.regularizer == "none" ? 0.0 : lambda_at_epoch(o.lambda, epoch, o.epochs);
    const int64_t first_step = epoch == start.epoch ? start.step : 0;
    if (first_step == 0) means = Means{};
    // The epoch's batches are built ahead of the step by --loader-threads workers.
    std::vector<std::vector<int64_t>> train_indices, valid_indices;
    for (int64_t step = first_step; step < steps; ++step) {
      train_indices.push_back(gather(split.train, train_sampler.batch(epoch, step)));
      valid_indices.push_back(gather(split.valid, valid_sampler.batch(epoch, step % valid_sampler.batches_per_epoch())));
    }
    auto loader = [&](int kind, const std::vector<std::vector<int64_t>>& indices) {
      return std::make_unique<Prefetcher>(
          [&, kind, epoch](int64_t k) {
            const uint64_t seed = derive_seed(o.seed, {uint64_t(kind), uint64_t(epoch), uint64_t(first_step + k)});
            return data.batch(indices[k], true, seed);
          },
          int64_t(indices.size()), loader_threads, 2 * std::max(1, loader_threads));
    };
    const auto train_loader = loader(3, train_indices), valid_loader = loader(4, valid_indices);
    for (int64_t step = first_step; step < steps; ++step) {
      lr = learning_rate(o.lr_schedule, o.lr, o.lr_min, epoch + double(step) / steps, o.epochs, o.warmup_epochs);
      const Batch train = train_loader->next();
      const Batch valid = valid_loader->next();
      maybe_inject_fault(comm, searcher.steps_done() + 1);
      const StepStats s = searcher.step(train, valid, StepSchedule{lr, lambda, epoch >= o.arch_start_epoch});
      means.add(s);
      if (root)
        step_log.row(epoch, step, lr, lambda, s.train_loss, s.train_acc, s.valid_loss, s.valid_acc, s.alignment_train,
                     s.alignment_valid, s.sign_alignment_train, s.sign_alignment_valid, s.epsilon, s.delta_norm,
                     s.grad_norm);
      if (progress.tick(log_every)) {
        std::printf("epoch %d/%d step %ld/%ld | %.2f step/s %.0f img/s | loss %.3f acc %.1f%% | "
                    "Λ train %.4f valid %.4f | elapsed %s ETA %s\n",
                    epoch + 1, o.epochs, long(step + 1), long(steps), progress.steps_per_second(),
                    progress.steps_per_second() * o.batch_size, means.mean(&StepStats::train_loss),
                    means.mean(&StepStats::train_acc), s.alignment_train, s.alignment_valid,
                    format_duration(progress.elapsed_seconds()).c_str(), format_duration(progress.eta_seconds()).c_str());
        std::fflush(stdout);
      }
      const bool last_step = step + 1 == steps;
      const bool stop = stop_agreed(comm);
      if (!last_step && (stop || (o.checkpoint_every > 0 && searcher.steps_done() % o.checkpoint_every == 0)))
        save_checkpoint(Position{epoch, step + 1});
      if (!last_step && stop)
        throw Preempted("signal " + std::to_string(stop_signal()) + ": checkpoint written at epoch " +
                        std::to_string(epoch + 1) + " step " + std::to_string(step + 1));
    }

    // ---- end of epoch: supernet validation accuracy, genotype, logs ----
    std::vector<Batch> eval_batches;
    for (int64_t b = 0; b < eval_steps; ++b)
      eval_batches.push_back(data.batch(gather(split.valid, eval_order.batch(0, b)), false, 0));
    const EvalStats eval = searcher.evaluate(eval_batches);
    const GenotypeView view = describe_genotype(space, searcher.architecture(), *searcher.network());
    const std::string& genotype = view.text;

    EpochSummary e;
    e.epoch = epoch, e.lr = lr, e.genotype = genotype;
    e.train_loss = means.mean(&StepStats::train_loss), e.train_acc = means.mean(&StepStats::train_acc);
    e.valid_loss = eval.loss, e.valid_acc = eval.accuracy;
    e.alignment_train = means.mean(&StepStats::alignment_train);
    e.alignment_valid = means.mean(&StepStats::alignment_valid);
    e.sign_alignment_train = means.mean(&StepStats::sign_alignment_train);
    e.sign_alignment_valid = means.mean(&StepStats::sign_alignment_valid);
    e.seconds = progress.elapsed_seconds() - epoch_start;
    result.epochs.push_back(e);
    result.genotype = genotype;

    if (root) {
      const std::optional<Nb201Accuracy> found = table ? table->find(genotype) : std::nullopt;
      const Nb201Accuracy* acc = found ? &*found : nullptr;
      auto cell = [&](double Nb201Accuracy::*f) { return acc ? std::to_string(acc->*f) : std::string(); };
      metrics.row(epoch, lr, lambda, means.regularized_mean(&StepStats::epsilon),
                  means.regularized_mean(&StepStats::delta_norm), means.mean(&StepStats::grad_norm), e.train_loss,
                  e.train_acc, means.mean(&StepStats::valid_loss), means.mean(&StepStats::valid_acc), e.valid_loss,
                  e.valid_acc, e.alignment_train, e.alignment_valid, e.sign_alignment_train, e.sign_alignment_valid,
                  csv_field(genotype), cell(&Nb201Accuracy::cifar10), cell(&Nb201Accuracy::cifar100),
                  cell(&Nb201Accuracy::imagenet16), e.seconds);
      alphas_text += alpha_json_line(epoch, searcher.architecture());
      write_pictures(o.out, epoch, view.pictures);
      write_file_atomically(o.out + "/alphas.jsonl", alphas_text);
      std::printf("== epoch %d/%d: λ_t %.4f | train loss %.4f acc %.2f%% | valid acc %.2f%% | Λ train %.4f valid %.4f | "
                  "Λ± train %.4f valid %.4f | %s\n   genotype %s",
                  epoch + 1, o.epochs, lambda, e.train_loss, e.train_acc, e.valid_acc, e.alignment_train,
                  e.alignment_valid, e.sign_alignment_train, e.sign_alignment_valid, format_duration(e.seconds).c_str(),
                  genotype.c_str());
      if (acc) std::printf("  (NB201 test: CIFAR-10 %.2f, CIFAR-100 %.2f, ImageNet16-120 %.2f)", acc->cifar10, acc->cifar100, acc->imagenet16);
      std::printf("\n%s", softmax_rows(space, searcher.architecture()).c_str());
      std::fflush(stdout);
    }
    means = Means{};
    save_checkpoint(Position{epoch + 1, 0});
    if (stop_agreed(comm) && epoch + 1 < o.epochs)
      throw Preempted("signal " + std::to_string(stop_signal()) + ": checkpoint written after epoch " +
                      std::to_string(epoch + 1));
  }

  const GenotypeView final_view = describe_genotype(space, searcher.architecture(), *searcher.network());
  result.genotype = final_view.text;
  if (root) {
    write_file_atomically(o.out + "/genotype.json", final_view.json);
    std::printf("\nLayer alignment Λ per epoch (mean over steps):\n  epoch   Λ train   Λ valid  valid acc\n");
    for (const auto& e : result.epochs)
      std::printf("  %5d  %8.4f  %8.4f  %8.2f%%\n", e.epoch + 1, e.alignment_train, e.alignment_valid, e.valid_acc);
    std::printf("final genotype: %s\nrun folder: %s (config.toml, metrics.csv, steps.csv, alphas.jsonl, genotype.json, "
                "checkpoint-*.h5)\n",
                result.genotype.c_str(), o.out.c_str());
    std::fflush(stdout);
  }
  return result;
}

}  // namespace ldarts
