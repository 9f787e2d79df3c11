#include "ldarts/search/search_run.h"

#include <algorithm>
#include <cmath>
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
#include "ldarts/data/split.h"
#include "ldarts/dist/runtime.h"
#include "ldarts/io/checkpoint.h"
#include "ldarts/io/module_state.h"
#include "ldarts/io/graphviz.h"
#include "ldarts/io/nb201_table.h"
#include "ldarts/run/driver.h"
#include "ldarts/run/observers.h"
#include "ldarts/run/schedule.h"
#include "ldarts/search/cell_health.h"
#include "ldarts/search/darts_genotype.h"
#include "ldarts/search/genotype.h"
#include "ldarts/search/observers.h"
#include "ldarts/search/method.h"
#include "ldarts/search/regularizer.h"
#include "ldarts/search/searcher.h"

namespace ldarts {
namespace {

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
DataSplit search_split(const SearchOptions& o, const ImageData& data, const RunFolder& folder) {
  if (!o.split_file.empty()) return read_split_file(o.split_file, data.size());
  if (o.class_fraction_train <= 0) return fraction_split(data.size(), o.train_portion);
  LDARTS_CHECK(data.files() != nullptr, "--class-fraction-train needs a data set of image files (imagenet, folder)");
  const std::string manifest = o.out + "/subset-manifest.txt";
  if (!file_exists(manifest)) {
    const ClassSubsets drawn = per_class_subsets(data.labels(), data.num_classes(), o.class_fraction_train,
                                                 o.class_fraction_valid, derive_seed(o.seed, {21}));
    if (folder.root()) write_manifest(manifest, *data.files(), drawn, folder.id());
    return DataSplit{drawn.first, drawn.second};
  }
  const ClassSubsets kept = read_manifest(manifest, *data.files(), folder.id());
  return DataSplit{kept.first, kept.second};
}


// What a search declares: the step values (steps.csv, in its column order), the
// epoch values (metrics.csv) and how the epoch's come from the steps.
std::vector<Metric> search_metrics() {
  const Every step = Every::step, epoch = Every::epoch;
  const std::string steps = "steps.csv", metrics = "metrics.csv", mean = "mean", regularized = "mean_over:regularized";
  std::vector<Metric> m = {
      {"lambda", step, steps},
      {"train_loss", step, steps, "", "", "loss", "%.3f"},
      {"train_acc", step, steps, "", "", "acc", "%.1f%%"},
      {"arch_loss", step, steps},
      {"arch_acc", step, steps},
      {"alignment_train", step, steps, "", "", "Λ train"},
      {"alignment_valid", step, steps, "", "", "Λ valid"},
      {"sign_alignment_train", step, steps},
      {"sign_alignment_valid", step, steps},
      {"epsilon", step, steps},
      {"delta_norm", step, steps},
      {"grad_norm", step, steps},
      {"regularized", step},  // 1 where the step regularized (the epoch's ε and ‖Δ‖ are over those)
      {"lambda", epoch, metrics, "", "", "λ_t"},
      {"epsilon", epoch, metrics, "", regularized},
      {"delta_norm", epoch, metrics, "", regularized},
      {"grad_norm", epoch, metrics, "", mean},
      {"train_loss", epoch, metrics, "", mean, "| train loss"},
      {"train_acc", epoch, metrics, "", mean, "acc", "%.2f%%"},
      {"arch_loss", epoch, metrics, "", mean},
      {"arch_acc", epoch, metrics, "", mean},
      {"valid_loss", epoch, metrics},
      {"valid_acc", epoch, metrics, "", "", "| valid acc", "%.2f%%"},
      {"alignment_train", epoch, metrics, "", mean, "| Λ train"},
      {"alignment_valid", epoch, metrics, "", mean, "valid"},
      {"sign_alignment_train", epoch, metrics, "", mean, "| Λ± train"},
      {"sign_alignment_valid", epoch, metrics, "", mean, "valid"},
      {"genotype", epoch, metrics},
      {"cifar10_test", epoch, metrics, "%f"},
      {"cifar100_test", epoch, metrics, "%f"},
      {"imagenet16_test", epoch, metrics, "%f"},
      {"method", epoch, metrics},
      {"cifar10_valid", epoch, metrics, "%f"},
      {"connected", epoch, metrics},
      {"parameter_free_ops", epoch, metrics},
      {"genotype_json", epoch},
      {"picture/", epoch},  // Graphviz DOT of each cell
  };
  for (Metric& metric : m) metric.text = metric.name == "genotype" || metric.name == "method" ||
                                         metric.name == "genotype_json" || metric.name == "picture/";
  return m;
}

// A search as a task of the run driver: the supernet, α and their bilevel step (Searcher).
class SearchTask final : public Task {
 public:
  SearchTask(const SearchOptions& o, const SearchSpace& space) : o_(o), space_(space) {
    LDARTS_CHECK(o.nb201_table.empty() || space.kind == CellKind::nb201, "--nb201-table needs --space nb201");
    if (!o.nb201_table.empty()) table_ = Nb201Table::load(o.nb201_table);
  }
  const SearchResult& result() const { return result_; }

  std::string command() const override { return "search"; }
  bool step_log() const override { return true; }
  DataOptions data_options() const override {
    DataOptions d;
    d.augment = AugmentOptions{o_.augment};
    d.augment.cutout = o_.cutout;
    d.color_jitter = false;  // search batches: RandomResizedCrop + flip (PC-DARTS), no jitter
    return d;
  }
  // ω batches from the train part, α batches from the valid part (cycled when it is shorter).
  std::vector<Stream> streams(const ImageData& data, const RunFolder& folder) override {
    LDARTS_CHECK(o_.cutout == 0 || data.files() == nullptr, "--cutout: search-time cutout is for in-memory data sets "
                 "(CIFAR, SVHN, MNIST-like), not JPEG trees such as ", o_.dataset);
    split_ = search_split(o_, data, folder);
    return {{split_.train, derive_seed(o_.seed, {1}), 3}, {split_.valid, derive_seed(o_.seed, {2}), 4, false, true}};
  }
  RunHeader header(const std::string& config) const override { return {"search", "space", space_.name, "", config, 1, ""}; }
  void build(RunContext& run, const Checkpoint* resumed) override {
    run_options_ = with_resumed_world(o_, resumed, run.comm.world_size(), run.comm.is_root());
    searcher_ = std::make_unique<Searcher>(run_options_, space_, run.data.channels(), run.data.num_classes(), run.comm);
    if (resumed) searcher_->load_state(*resumed);
    // Supernet validation: a fixed order of the valid part (the same every epoch), this rank's share, no augmentation.
    eval_order_.emplace(split_.valid.size(), o_.batch_size, 0, run.comm.rank(), run.comm.world_size());
    eval_steps_ = o_.eval_steps > 0 ? std::min(o_.eval_steps, eval_order_->batches_per_epoch())
                                    : eval_order_->batches_per_epoch();
  }
  void declare(MetricSchema& schema) const override { schema.declare(search_metrics()); }
  // diagnostics.csv, α history, the best genotype (in this order: each may add values the next sees); the
  // registered observers follow (cell pictures).
  void add_observers(RunContext& run) override {
    run.loop.add(diagnostics(*searcher_, space_, train_batch_, o_.probe_every, run.comm));
    run.loop.add(csv_observer(run.folder, "diagnostics.csv", run.loop.schema()));
    run.loop.add(alpha_history(run.folder, space_, searcher_->architecture()));
    run.loop.add(best_genotype(run.folder, best_));
  }
  void write_files(const RunFolder& folder) const override { folder.write("space.json", space_json(space_)); }
  void describe(const RunContext& run) const override;

  void begin_epoch(int epoch) override {
    // λ_t (0 for plain DARTS, so that the logs say what acted).
    lambda_ = o_.regularizer == RegularizerKind::none ? 0.0 : lambda_at_epoch(o_.lambda, epoch, o_.epochs);
    searcher_->begin_epoch(epoch, o_.epochs);
  }
  double cutout_probability(int epoch) const override {
    return ldarts::cutout_probability(o_.cutout_prob, epoch, o_.epochs);
  }
  Scalars step(const std::vector<Batch>& batches, double lr, int epoch, int64_t) override {
    train_batch_ = batches[0];  // the diagnostics probe's
    const StepStats s = searcher_->step(batches[0], batches[1], {lr, lambda_, epoch >= o_.arch_start_epoch, epoch, o_.epochs});
    return {{"lambda", lambda_},
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
  EpochEvent validate(int epoch, const RunContext& run, const std::function<void()>& between_batches) override;
  void after_epoch(const EpochEvent& event, const RunContext& run) override;
  void save(Checkpoint& c) const override {
    searcher_->save_state(c);
    c.integers["run/accumulate"] = run_options_.accumulate;
    c.strings["genotype/text"] = describe_genotype(space_, searcher_->architecture(), *searcher_->network()).text;
  }
  int64_t steps_done() const override { return searcher_->steps_done(); }
  void finish(const RunContext& run) override;

 private:
  const SearchOptions& o_;
  const SearchSpace& space_;
  SearchOptions run_options_;  // o_ with the micro-batches of a resume on another world size
  std::optional<Nb201Table> table_;
  DataSplit split_;
  std::unique_ptr<Searcher> searcher_;
  std::optional<ShardedSampler> eval_order_;
  int64_t eval_steps_ = 0;
  double lambda_ = 0;
  Batch train_batch_;  // the step's, for the diagnostics probe
  BestGenotype best_;
  SearchResult result_;
};

void SearchTask::describe(const RunContext& run) const {
  const bool nb201 = space_.kind == CellKind::nb201;
  std::printf("ldarts search: space %s, %d search cells (C=%ld, %s=%ld), %s %ld images -> %zu train / %zu valid\n",
              space_.name.c_str(), searcher_->network()->num_search_cells(), long(o_.channels), nb201 ? "N" : "L",
              long(nb201 ? o_.cells_per_stage : o_.layers), o_.dataset.c_str(), long(run.data.size()),
              split_.train.size(), split_.valid.size());
  if (o_.class_fraction_train > 0)
    std::printf("  per-class subsets: %.1f%% for ω, %.1f%% for α of every class (manifest %s/subset-manifest.txt)\n",
                100 * o_.class_fraction_train, 100 * o_.class_fraction_valid, o_.out.c_str());
  std::printf("  method %s, regularizer %s (λ=%g, ε0=%g, %s differences, %s objective)\n", o_.method.c_str(),
              regularizer_name(o_.regularizer), o_.lambda, o_.epsilon0, fd_mode_name(o_.fd_mode),
              lambda_target_name(o_.lambda_target));
  std::printf("  %d epochs x %ld steps, batch %ld on %d rank(s), %d threads, %s step first; run folder %s\n",
              o_.epochs, long(run.steps), long(o_.batch_size), run.comm.world_size(), torch::get_num_threads(),
              searcher_->alpha_step_first() ? "alpha" : "weight", o_.out.c_str());
}

// Supernet validation on the α part, the genotype, its NB201 accuracies and pictures.
EpochEvent SearchTask::validate(int epoch, const RunContext& run, const std::function<void()>& between_batches) {
  std::vector<Batch> eval_batches;
  for (int64_t b = 0; b < eval_steps_; ++b) {
    eval_batches.push_back(run.data.batch(gather(split_.valid, eval_order_->batch(0, b)), false, 0));
    if (b % 16 == 15) run.loop.check_stop();
  }
  const EvalStats eval = searcher_->evaluate(eval_batches, between_batches, StepSchedule{0, 0, true, epoch, o_.epochs});
  const GenotypeView view = describe_genotype(space_, searcher_->architecture(), *searcher_->network());
  EpochEvent e;
  e.scalars = {{"lambda", lambda_}, {"valid_loss", eval.loss}, {"valid_acc", eval.accuracy}};
  for (const auto& accuracy : nb201_scalars(table_, view.text)) e.scalars.push_back(accuracy);
  e.scalars.emplace_back("connected", view.health.connected ? 1.0 : 0.0);
  e.scalars.emplace_back("parameter_free_ops", view.health.parameter_free);
  e.texts = {{"genotype", view.text}, {"method", o_.method}, {"genotype_json", view.json}};
  for (const auto& [cell, dot] : view.pictures) e.texts.emplace_back("picture/" + cell, dot);
  return e;
}

void SearchTask::after_epoch(const EpochEvent& ev, const RunContext& run) {
  auto value = [&](const char* name) { return find_scalar(ev.scalars, name); };
  EpochSummary e;
  e.epoch = ev.epoch, e.lr = value("lr"), e.genotype = *find_text(ev.texts, "genotype");
  e.train_loss = value("train_loss"), e.train_acc = value("train_acc");
  e.valid_loss = value("valid_loss"), e.valid_acc = value("valid_acc");
  e.alignment_train = value("alignment_train"), e.alignment_valid = value("alignment_valid");
  e.sign_alignment_train = value("sign_alignment_train"), e.sign_alignment_valid = value("sign_alignment_valid");
  e.seconds = value("seconds");
  result_.epochs.push_back(e);
  result_.genotype = e.genotype;
  if (!run.comm.is_root()) return;
  std::printf("== epoch %d/%d: %s | %s\n   genotype %s", e.epoch + 1, o_.epochs,
              run.loop.schema().console(Every::epoch, run.loop.means(), ev.scalars).c_str(),
              format_duration(e.seconds).c_str(), e.genotype.c_str());
  if (value("connected") == 0) std::printf("  [DISCONNECTED]");
  if (!std::isnan(value("cifar10_test"))) std::printf("  (%s)", nb201_accuracies(ev.scalars).c_str());
  std::printf("\n%s", softmax_rows(space_, searcher_->architecture()).c_str());
  std::fflush(stdout);
}

// genotype.json, the Λ table, the final (and best) cell and what to run next.
void SearchTask::finish(const RunContext& run) {
  const GenotypeView final_view = describe_genotype(space_, searcher_->architecture(), *searcher_->network());
  result_.genotype = final_view.text;
  result_.connected = final_view.health.connected;
  for (int t = 0; t < searcher_->architecture().num_types(); ++t)
    result_.probabilities.push_back(to_vector(searcher_->architecture().probabilities(t)));
  if (!run.comm.is_root()) return;
  write_file_atomically(o_.out + "/genotype.json", with_best(final_view.json, best_));
  std::printf("\nLayer alignment Λ per epoch (mean over steps):\n  epoch   Λ train   Λ valid  valid acc\n");
  for (const auto& e : result_.epochs)
    std::printf("  %5d  %8.4f  %8.4f  %8.2f%%\n", e.epoch + 1, e.alignment_train, e.alignment_valid, e.valid_acc);
  std::printf("run folder: %s (config.toml, metrics.csv, steps.csv, alphas.jsonl, genotype.json, "
              "events.out.tfevents.*, checkpoint-*.h5)\n",
              o_.out.c_str());
  print_final_cell(o_, space_.name, final_view, table_, best_);
}

}  // namespace

SearchResult run_search(const SearchOptions& o, const std::string& resolved_config, Communicator& comm) {
  const MethodInfo& method = find_method(o.method);
  if (method.run) return method.run(o, resolved_config, comm);  // a method that is more than a step (P-DARTS)
  return run_search_in(o, find_space(o.space), resolved_config, comm);
}

SearchResult run_search_in(const SearchOptions& o, const SearchSpace& space, const std::string& resolved_config,
                           Communicator& comm) {
  SearchTask task(o, space);
  run_task(task, o, resolved_config, comm);
  return task.result();
}

}  // namespace ldarts
