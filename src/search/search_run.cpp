#include "ldarts/search/search_run.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>

#include <torch/torch.h>

#include "ldarts/core/cpu_budget.h"
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
#include "ldarts/io/module_state.h"
#include "ldarts/io/graphviz.h"
#include "ldarts/io/nb201_table.h"
#include "ldarts/run/epoch_loop.h"
#include "ldarts/run/observers.h"
#include "ldarts/search/cell_health.h"
#include "ldarts/search/darts_genotype.h"
#include "ldarts/search/genotype.h"
#include "ldarts/search/observers.h"
#include "ldarts/search/regularizer.h"
#include "ldarts/search/schedule.h"
#include "ldarts/search/searcher.h"

namespace ldarts {
namespace {

const std::vector<std::string> kMetricColumns = {
    "epoch", "lr", "lambda", "epsilon", "delta_norm", "grad_norm", "train_loss", "train_acc", "arch_loss",
    "arch_acc", "valid_loss", "valid_acc", "alignment_train", "alignment_valid", "sign_alignment_train",
    "sign_alignment_valid", "genotype", "cifar10_test", "cifar100_test", "imagenet16_test", "seconds"};
// After the best-genotype columns (before "seconds"): what ldarts 0.2 did not write.
const std::vector<std::string> kCellColumns = {"cifar10_valid",      "connected",          "parameter_free_ops",
                                               "best_cifar10_valid", "best_connected",     "best_parameter_free_ops"};
const std::vector<std::string> kStepColumns = {
    "epoch", "step", "lr", "lambda", "train_loss", "train_acc", "arch_loss", "arch_acc", "alignment_train",
    "alignment_valid", "sign_alignment_train", "sign_alignment_valid", "epsilon", "delta_norm", "grad_norm"};
// NB201-table accuracies as ldarts 0.1 wrote them.
// After "sign_alignment_valid"... and before "seconds": what ldarts 0.1 did not write.
const std::vector<std::string> kBestColumns = {"best_epoch", "best_valid_acc", "best_genotype", "best_cifar10_test",
                                               "best_cifar100_test", "best_imagenet16_test"};
// NB201-table accuracies as ldarts 0.1 wrote them.
const std::map<std::string, std::string> kMetricFormats = {
    {"cifar10_test", "%f"},      {"cifar100_test", "%f"},      {"imagenet16_test", "%f"},
    {"best_cifar10_test", "%f"}, {"best_cifar100_test", "%f"}, {"best_imagenet16_test", "%f"},
    {"cifar10_valid", "%f"},     {"best_cifar10_valid", "%f"}};

// genotype.json of the final genotype with the best epoch's genotype as "best".
std::string with_best(const std::string& final_json, const BestGenotype& best) {
  if (best.epoch < 0) return final_json;
  std::string escaped;
  for (char c : best.text) escaped += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  const CellHealth health = check_cell(parse_genotype(best.text, "the best genotype"));
  char head[160];
  std::snprintf(head, sizeof head, ",\n  \"best\": {\"epoch\": %d, \"valid_acc\": %.6f, \"genotype\": \"", best.epoch,
                best.valid_acc);
  const size_t close = final_json.rfind('}');
  std::string body = final_json.substr(0, close);
  while (!body.empty() && (body.back() == '\n' || body.back() == ' ')) body.pop_back();
  return body + head + escaped + "\", \"connected\": " + (health.connected ? "true" : "false") +
         ", \"parameter_free_ops\": " + std::to_string(health.parameter_free) + "}\n}\n";
}

// The named scalars of a step.
Scalars step_scalars(double lr, double lambda, const StepStats& s) {
  return {{"lr", lr},
          {"lambda", lambda},
          {"train_loss", s.train_loss},
          {"train_acc", s.train_acc},
          {"arch_loss", s.arch_loss},
          {"arch_acc", s.arch_acc},
          {"alignment_train", s.alignment_train},
          {"alignment_valid", s.alignment_valid},
          {"sign_alignment_train", s.sign_alignment_train},
          {"sign_alignment_valid", s.sign_alignment_valid},
          {"epsilon", s.epsilon},
          {"delta_norm", s.delta_norm},
          {"grad_norm", s.grad_norm},
          {"regularized", s.regularized ? 1.0 : 0.0}};
}

// space.json: the edges and op names of every cell type (for `ldarts report`).
std::string space_json(const SearchSpace& space) {
  std::ostringstream out;
  out << "{\"space\": \"" << space.name << "\", \"cell_types\": [";
  for (size_t t = 0; t < space.cell_types.size(); ++t) {
    const CellType& type = space.cell_types[t];
    out << (t ? ", " : "") << "{\"name\": \"" << type.name << "\", \"edges\": [";
    for (int e = 0; e < space.num_edges(); ++e) {
      out << (e ? ", " : "") << "{\"from\": " << space.edges[e].from << ", \"to\": " << space.edges[e].to
          << ", \"ops\": [";
      for (size_t o = 0; o < type.edge_ops[e].size(); ++o) out << (o ? ", " : "") << "\"" << type.edge_ops[e][o] << "\"";
      out << "]}";
    }
    out << "]}";
  }
  out << "]}\n";
  return out.str();
}

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

// The discrete cell(s) of the current α, in the space's forms.
struct GenotypeView {
  std::string text;  // NB201 string, or DARTS' Genotype(...) text
  std::string json;  // with "connected" and "parameter_free_ops"
  CellHealth health;
  std::vector<std::pair<std::string, std::string>> pictures;  // (cell name, DOT)
};

GenotypeView describe_genotype(const SearchSpace& space, const Architecture& arch, const SearchNetworkImpl& network) {
  GenotypeView view;
  if (space.kind == CellKind::nb201) {
    const Nb201Genotype g = derive_nb201(space, to_vector(arch.probabilities(0)));
    view.text = to_nb201_string(space, g);
    view.health = check_cell(space, g);
    view.json = with_health(to_json(space, g), view.health);
    view.pictures = {{"cell", to_dot(space, g)}};
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
  view.health = check_cell(g);
  view.json = with_health(to_json(g), view.health);
  view.pictures = {{"normal", to_dot(g.normal, "normal cell")}, {"reduce", to_dot(g.reduce, "reduction cell")}};
  return view;
}

// "NB201: CIFAR-10 valid 91.61 / test 94.37, CIFAR-100 test 73.22, ImageNet16-120 test 46.71" from the
// epoch scalars cifar10_valid, cifar10_test, ... (valid left out without the validation table).
std::string nb201_accuracies(const Scalars& scalars) {
  auto value = [&](const char* name) { return find_scalar(scalars, name); };
  char valid[48] = "";
  if (!std::isnan(value("cifar10_valid"))) std::snprintf(valid, sizeof valid, "valid %.2f / ", value("cifar10_valid"));
  char buf[200];
  std::snprintf(buf, sizeof buf, "NB201: CIFAR-10 %stest %.2f, CIFAR-100 test %.2f, ImageNet16-120 test %.2f", valid,
                value("cifar10_test"), value("cifar100_test"), value("imagenet16_test"));
  return buf;
}

Scalars nb201_scalars(const std::optional<Nb201Table>& table, const std::string& genotype) {
  const std::optional<Nb201Accuracy> acc = table ? table->find(genotype) : std::nullopt;
  if (!acc) return {};
  return {{"cifar10_valid", acc->cifar10_valid},
          {"cifar10_test", acc->cifar10},
          {"cifar100_test", acc->cifar100},
          {"imagenet16_test", acc->imagenet16}};
}

// The end of a search: the final cell (connected or not, its NB201 accuracies), the
// best-validation cell where it differs, and what to run next.
void print_final_cell(const SearchOptions& o, const std::string& space_name, const GenotypeView& final_view,
                      const std::optional<Nb201Table>& table, const BestGenotype& best) {
  std::printf("final genotype: %s\n  %s\n", final_view.text.c_str(), describe(final_view.health).c_str());
  const Scalars final_acc = nb201_scalars(table, final_view.text);
  if (!final_acc.empty()) std::printf("  %s (200-epoch training of this cell)\n", nb201_accuracies(final_acc).c_str());
  if (best.epoch >= 0 && best.text != final_view.text) {
    std::printf("best-validation genotype (epoch %d, supernet valid acc %.2f%%): %s\n  %s\n", best.epoch + 1,
                best.valid_acc, best.text.c_str(), describe(check_cell(parse_genotype(best.text, "best"))).c_str());
    const Scalars best_acc = nb201_scalars(table, best.text);
    if (!best_acc.empty()) std::printf("  %s\n", nb201_accuracies(best_acc).c_str());
  }
  if (o.show_next_steps) {
    const bool plain = o.regularizer == RegularizerKind::none;
    const std::string other = o.out + (plain ? "-lambda" : "-darts");
    const std::string& method = o.method;
    const std::string compare = plain ? "Λ-" + method : method == "darts" ? "plain DARTS" : method + " without Λ";
    std::printf("next: compare with %s on the same seed, then over seeds:\n"
                "  the same command with --regularizer %s --out %s\n  ldarts report %s %s --out compare.html\n",
                compare.c_str(), plain ? "corr" : "none", other.c_str(), o.out.c_str(), other.c_str());
    if (o.dataset == "fashion-mnist" && space_name == "nb201")
      std::printf("  ldarts sweep configs/sweeps/study-fmnist-default.toml --out runs/study --local   "
                  "(5 seeds per arm, each cell also trained; docs/results.md)\n");
    else
      std::printf("  ldarts sweep GRID --out DIR (seeds as an axis; docs/sweeps.md)\n");
  }
  std::fflush(stdout);
}

// The options of a run resumed from a checkpoint of another world size: R ranks
// × A micro-batches become R' ranks × A' = R·A/R' micro-batches, so that the
// batch-norm statistics see the same groups of images and the run continues as
// the uninterrupted one would (up to float summation order). docs/distributed.md.
SearchOptions with_resumed_world(const SearchOptions& o, const Checkpoint* resumed, int world, bool root) {
  if (!resumed || resumed->integer("run/world_size") == world) return o;
  const int64_t before = resumed->integer("run/world_size");
  const int64_t accumulate = resumed->integers.count("run/accumulate") ? resumed->integer("run/accumulate") : 1;
  SearchOptions out = o;
  const int64_t groups = before * accumulate;  // batch-norm groups per step
  if (groups % world == 0 && (o.batch_size / world) % (groups / world) == 0) {
    out.accumulate = groups / world;
    if (root)
      std::printf("  resuming %ld rank(s) x %ld micro-batch(es) as %d rank(s) x %ld: the same batch-norm groups\n",
                  long(before), long(accumulate), world, long(out.accumulate));
  } else if (root) {
    std::fprintf(stderr, "warning: %s: written by %ld rank(s) x %ld micro-batch(es); %d rank(s) cannot split the "
                 "batch into the same %ld batch-norm groups, so the run continues with other batch statistics than "
                 "the uninterrupted one would\n", resumed->source.c_str(), long(before), long(accumulate), world,
                 long(groups));
  }
  return out;
}

// The ω / α split: the NB201 split file, per-class fractions (ImageNet search;
// drawn once, kept in <out>/subset-manifest.txt and read back on resume), or
// a fraction of the training set.
SearchSplit search_split(const SearchOptions& o, const ImageData& data, const RunFolder& folder) {
  if (!o.split_file.empty()) return read_split_file(o.split_file, data.size());
  if (o.class_fraction_train <= 0) return fraction_split(data.size(), o.train_portion);
  LDARTS_CHECK(data.files() != nullptr, "--class-fraction-train needs a data set of image files (imagenet, folder)");
  const std::string manifest = o.out + "/subset-manifest.txt";
  if (!file_exists(manifest)) {
    const ClassSubsets drawn = per_class_subsets(data.labels(), data.num_classes(), o.class_fraction_train,
                                                 o.class_fraction_valid, derive_seed(o.seed, {21}));
    if (folder.root()) write_manifest(manifest, *data.files(), drawn, folder.id());
    return SearchSplit{drawn.first, drawn.second};
  }
  const ClassSubsets kept = read_manifest(manifest, *data.files(), folder.id());
  return SearchSplit{kept.first, kept.second};
}

}  // namespace


SearchResult run_search(const SearchOptions& o, const std::string& resolved_config, Communicator& comm) {
  const MethodInfo& method = find_method(o.method);
  if (method.run) return method.run(o, resolved_config, comm);  // a method that is more than a step (P-DARTS)
  return run_search_in(o, find_space(o.space), resolved_config, comm);
}

SearchResult run_search_in(const SearchOptions& o, const SearchSpace& space, const std::string& resolved_config,
                           Communicator& comm) {
  const bool root = comm.is_root();
  LDARTS_CHECK(o.epochs > 0, "--epochs must be positive");
  if (o.threads > 0) torch::set_num_threads(o.threads);
  torch::manual_seed(o.seed);
  LDARTS_CHECK(o.nb201_table.empty() || space.kind == CellKind::nb201, "--nb201-table needs --space nb201");

  // ---- data ----
  DataOptions data_options;
  data_options.augment = AugmentOptions{o.augment};
  data_options.augment.cutout = o.cutout;
  data_options.color_jitter = false;  // search batches: RandomResizedCrop + flip (PC-DARTS), no jitter
  data_options.skip_bad_images = o.skip_bad_images;
  data_options.pin_memory = resolve_device(o.device).is_cuda();
  const ImageData data = ImageData::open(o.dataset, o.data_dir, Split::train, data_options);
  LDARTS_CHECK(o.cutout == 0 || data.files() == nullptr, "--cutout: search-time cutout is for in-memory data sets "
               "(CIFAR, SVHN, MNIST-like), not JPEG trees such as ", o.dataset);
  // The run folder is this run's before anything is written there.
  const RunFolder folder = RunFolder::claim(o.out, {"search", o.resume, o.force}, comm);
  if (root && !folder.moved_to().empty())
    std::printf("--force: moved the earlier contents of %s to %s (nothing deleted)\n", o.out.c_str(),
                folder.moved_to().c_str());
  const SearchSplit split = search_split(o, data, folder);
  const int loader_threads = data.loader_threads(o.loader_threads);
  LDARTS_CHECK(o.batch_size % comm.world_size() == 0, "--batch-size ", o.batch_size, " (the global batch) is not a ",
               "multiple of the ", comm.world_size(), " ranks; a run resumed on another number of ranks keeps its ",
               "global batch, so use a number of ranks that divides it");
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

  // ---- run folder, resume ----
  const RunHeader header{"search", "space", space.name, "", resolved_config, comm.world_size(), folder.id()};
  EpochLoop loop(folder, header, loop_options(o, steps, resolve_device(o.device).str()), comm);
  const SearchOptions run = with_resumed_world(o, loop.resumed(), comm.world_size(), root);

  Searcher searcher(run, space, data.channels(), data.num_classes(), comm);
  const int cells = searcher.network()->num_search_cells();
  if (loop.resumed()) searcher.load_state(*loop.resumed());
  Batch train_batch;  // the step's, for the diagnostics probe
  std::vector<std::string> metric_columns = kMetricColumns;
  for (const CellType& type : space.cell_types)  // before "seconds", which stays last
    metric_columns.insert(metric_columns.end() - 1, "alpha_change_l1_" + type.name);
  metric_columns.insert(metric_columns.end() - 1, kBestColumns.begin(), kBestColumns.end());
  metric_columns.insert(metric_columns.end() - 1, "method");
  metric_columns.insert(metric_columns.end() - 1, kCellColumns.begin(), kCellColumns.end());
  BestGenotype best;
  loop.add(csv_observer(folder, "steps.csv", kStepColumns, CsvEvery::step));
  loop.add(diagnostics(searcher, space, train_batch, o.probe_every, comm));
  loop.add(csv_observer(folder, "diagnostics.csv", diagnostics_columns(space), CsvEvery::step));
  loop.add(alpha_history(folder, space, searcher.architecture()));
  loop.add(cell_pictures(folder));
  loop.add(best_genotype(folder, best));
  loop.add(csv_observer(folder, "metrics.csv", metric_columns, CsvEvery::epoch, kMetricFormats));
  loop.add(tensorboard_observer(folder));

  folder.write("config.toml", resolved_config);
  folder.write("run.json", header.json());
  folder.write("space.json", space_json(space));
  if (root) {
    std::printf("ldarts search: space %s, %d search cells (C=%ld, %s=%ld), %s %ld images -> %zu train / %zu valid\n",
                space.name.c_str(), cells, long(o.channels), space.kind == CellKind::nb201 ? "N" : "L",
                long(space.kind == CellKind::nb201 ? o.cells_per_stage : o.layers), o.dataset.c_str(),
                long(data.size()), split.train.size(), split.valid.size());
    if (o.class_fraction_train > 0)
      std::printf("  per-class subsets: %.1f%% for ω, %.1f%% for α of every class (manifest %s/subset-manifest.txt)\n",
                  100 * o.class_fraction_train, 100 * o.class_fraction_valid, o.out.c_str());
    std::printf("  method %s, regularizer %s (λ=%g, ε0=%g, %s differences, %s objective)\n", o.method.c_str(),
                regularizer_name(o.regularizer), o.lambda,
                o.epsilon0, fd_mode_name(o.fd_mode), lambda_target_name(o.lambda_target));
    std::printf("  %d epochs x %ld steps, batch %ld on %d rank(s), %d threads, %s step first; run folder %s\n",
                o.epochs, long(steps), long(o.batch_size), comm.world_size(), torch::get_num_threads(),
                searcher.arch_step_first() ? "alpha" : "weight", o.out.c_str());
    if (loop.resumed())
      std::printf("  resumed from %s at epoch %d step %ld\n", loop.resumed()->source.c_str(), loop.start_epoch() + 1,
                  long(loop.start_step()));
    if (!openmp_wait_note().empty()) std::printf("  %s\n", openmp_wait_note().c_str());
    std::fflush(stdout);
  }

  // ---- the loop body ----
  SearchResult result;
  double lr = o.lr, lambda = 0;
  std::unique_ptr<Prefetcher> train_loader, valid_loader;
  EpochLoop::Body body;
  body.begin_epoch = [&](int epoch, int64_t first_step) {
    // The last step's rate is the epoch's (metrics.csv), also when a resume has no step left to run.
    lr = first_step == 0 ? o.lr
                         : learning_rate(o.lr_schedule, o.lr, o.lr_min, lr_progress(o.lr_update, epoch, first_step - 1, steps),
                                         o.epochs, o.warmup_epochs);
    // λ_t (0 for plain DARTS, so that the logs say what acted).
    lambda = o.regularizer == RegularizerKind::none ? 0.0 : lambda_at_epoch(o.lambda, epoch, o.epochs);
    const double cutout_prob = cutout_probability(o.cutout_prob, epoch, o.epochs);
    searcher.begin_epoch(epoch, o.epochs);
    // The epoch's batches are built ahead of the step by --loader-threads workers.
    auto loader = [&](int kind, std::vector<std::vector<int64_t>> indices) {
      const int64_t count = int64_t(indices.size());
      return std::make_unique<Prefetcher>(
          [&, kind, epoch, first_step, cutout_prob, indices = std::move(indices)](int64_t k) {
            const uint64_t seed = derive_seed(o.seed, {uint64_t(kind), uint64_t(epoch), uint64_t(first_step + k)});
            return data.batch(indices[k], true, seed, cutout_prob);
          },
          count, loader_threads, 2 * std::max(1, loader_threads));
    };
    std::vector<std::vector<int64_t>> train_indices, valid_indices;
    for (int64_t step = first_step; step < steps; ++step) {
      train_indices.push_back(gather(split.train, train_sampler.batch(epoch, step)));
      valid_indices.push_back(gather(split.valid, valid_sampler.batch(epoch, step % valid_sampler.batches_per_epoch())));
    }
    train_loader.reset(), valid_loader.reset();
    train_loader = loader(3, std::move(train_indices));
    valid_loader = loader(4, std::move(valid_indices));
  };
  body.step = [&](int epoch, int64_t step) {
    lr = learning_rate(o.lr_schedule, o.lr, o.lr_min, lr_progress(o.lr_update, epoch, step, steps), o.epochs,
                       o.warmup_epochs);
    train_batch = train_loader->next();
    const Batch valid = valid_loader->next();
    maybe_inject_fault(comm, searcher.steps_done() + 1);
    const StepSchedule schedule{lr, lambda, epoch >= o.arch_start_epoch, epoch, o.epochs};
    const StepStats s = searcher.step(train_batch, valid, schedule);
    return step_scalars(lr, lambda, s);
  };
  body.print_step = [&](const StepEvent& e) {
    const Progress& progress = loop.progress();
    std::printf("epoch %d/%d step %ld/%ld | %.2f step/s %.0f img/s | loss %.3f acc %.1f%% | "
                "Λ train %.4f valid %.4f | elapsed %s ETA %s\n",
                e.epoch + 1, o.epochs, long(e.step + 1), long(steps), progress.steps_per_second(),
                progress.steps_per_second() * o.batch_size, loop.means().mean("train_loss"),
                loop.means().mean("train_acc"), find_scalar(e.scalars, "alignment_train"),
                find_scalar(e.scalars, "alignment_valid"), format_duration(progress.elapsed_seconds()).c_str(),
                format_duration(progress.eta_seconds()).c_str());
    std::fflush(stdout);
  };
  body.end_epoch = [&](int epoch) {
    // Supernet validation accuracy, genotype.
    std::vector<Batch> eval_batches;
    for (int64_t b = 0; b < eval_steps; ++b) {
      eval_batches.push_back(data.batch(gather(split.valid, eval_order.batch(0, b)), false, 0));
      if (b % 16 == 15) loop.check_stop();
    }
    const auto between_batches = [&] {
      maybe_inject_signal("validation");
      loop.check_stop();  // a preemption signal is honoured within one batch
    };
    const EvalStats eval = searcher.evaluate(eval_batches, between_batches, StepSchedule{0, 0, true, epoch, o.epochs});
    const GenotypeView view = describe_genotype(space, searcher.architecture(), *searcher.network());
    const EpochMeans& m = loop.means();
    EpochEvent e;
    e.scalars = {{"lr", lr},
                 {"lambda", lambda},
                 {"epsilon", m.mean_over("epsilon", "regularized")},
                 {"delta_norm", m.mean_over("delta_norm", "regularized")}};
    for (const char* name : {"grad_norm", "train_loss", "train_acc", "arch_loss", "arch_acc"})
      e.scalars.emplace_back(name, m.mean(name));
    e.scalars.emplace_back("valid_loss", eval.loss);
    e.scalars.emplace_back("valid_acc", eval.accuracy);
    for (const char* name : {"alignment_train", "alignment_valid", "sign_alignment_train", "sign_alignment_valid"})
      e.scalars.emplace_back(name, m.mean(name));
    for (const auto& accuracy : nb201_scalars(table, view.text)) e.scalars.push_back(accuracy);
    e.scalars.emplace_back("connected", view.health.connected ? 1.0 : 0.0);
    e.scalars.emplace_back("parameter_free_ops", view.health.parameter_free);
    e.texts.emplace_back("genotype", view.text);
    e.texts.emplace_back("method", o.method);
    e.texts.emplace_back("genotype_json", view.json);
    for (const auto& [cell, dot] : view.pictures) e.texts.emplace_back("picture/" + cell, dot);
    return e;
  };
  body.finish_epoch = [&](const EpochEvent& ev) {
    EpochSummary e;
    auto value = [&](const char* name) { return find_scalar(ev.scalars, name); };
    e.epoch = ev.epoch, e.lr = value("lr"), e.genotype = *find_text(ev.texts, "genotype");
    e.train_loss = value("train_loss"), e.train_acc = value("train_acc");
    e.valid_loss = value("valid_loss"), e.valid_acc = value("valid_acc");
    e.alignment_train = value("alignment_train"), e.alignment_valid = value("alignment_valid");
    e.sign_alignment_train = value("sign_alignment_train"), e.sign_alignment_valid = value("sign_alignment_valid");
    e.seconds = value("seconds");
    result.epochs.push_back(e);
    result.genotype = e.genotype;
    if (!root) return;
    std::printf("== epoch %d/%d: λ_t %.4f | train loss %.4f acc %.2f%% | valid acc %.2f%% | Λ train %.4f valid %.4f | "
                "Λ± train %.4f valid %.4f | %s\n   genotype %s",
                e.epoch + 1, o.epochs, value("lambda"), e.train_loss, e.train_acc, e.valid_acc, e.alignment_train,
                e.alignment_valid, e.sign_alignment_train, e.sign_alignment_valid, format_duration(e.seconds).c_str(),
                e.genotype.c_str());
    if (value("connected") == 0) std::printf("  [DISCONNECTED]");
    if (!std::isnan(value("cifar10_test"))) std::printf("  (%s)", nb201_accuracies(ev.scalars).c_str());
    std::printf("\n%s", softmax_rows(space, searcher.architecture()).c_str());
    std::fflush(stdout);
  };
  body.save_state = [&](Checkpoint& c) {
    searcher.save_state(c);
    c.integers["run/accumulate"] = run.accumulate;
    c.strings["genotype/text"] = describe_genotype(space, searcher.architecture(), *searcher.network()).text;
  };
  body.steps_done = [&] { return searcher.steps_done(); };
  loop.run(body);

  const GenotypeView final_view = describe_genotype(space, searcher.architecture(), *searcher.network());
  result.genotype = final_view.text;
  result.connected = final_view.health.connected;
  for (int t = 0; t < searcher.architecture().num_types(); ++t)
    result.probabilities.push_back(to_vector(searcher.architecture().probabilities(t)));
  if (root) {
    write_file_atomically(o.out + "/genotype.json", with_best(final_view.json, best));
    std::printf("\nLayer alignment Λ per epoch (mean over steps):\n  epoch   Λ train   Λ valid  valid acc\n");
    for (const auto& e : result.epochs)
      std::printf("  %5d  %8.4f  %8.4f  %8.2f%%\n", e.epoch + 1, e.alignment_train, e.alignment_valid, e.valid_acc);
    std::printf("run folder: %s (config.toml, metrics.csv, steps.csv, alphas.jsonl, genotype.json, "
                "events.out.tfevents.*, checkpoint-*.h5)\n",
                o.out.c_str());
    print_final_cell(o, space.name, final_view, table, best);
  }
  return result;
}

}  // namespace ldarts
