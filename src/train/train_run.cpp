#include "ldarts/train/train_run.h"

#include <chrono>
#include <functional>
#include <cstdio>

#include <torch/torch.h>

#include "ldarts/core/error.h"
#include "ldarts/core/files.h"
#include "ldarts/core/rng.h"
#include "ldarts/data/dataset.h"
#include "ldarts/data/image_data.h"
#include "ldarts/data/loader.h"
#include "ldarts/data/split.h"
#include "ldarts/io/checkpoint.h"
#include "ldarts/run/driver.h"
#include "ldarts/search/cell_health.h"
#include "ldarts/train/trainer.h"

namespace ldarts {
namespace {

EvalNetworkOptions network_options(const TrainOptions& o, const AnyGenotype& g, int64_t in_channels,
                                   int64_t num_classes) {
  EvalNetworkOptions n;
  n.form = resolve_network(o, g.is_nb201);
  n.channels = o.channels, n.layers = o.layers, n.in_channels = in_channels, n.num_classes = num_classes;
  n.auxiliary = o.auxiliary && n.form != "nb201";
  return n;
}

AnyGenotype genotype_of(const TrainOptions& o) {
  LDARTS_CHECK(!o.genotype.empty(), "--genotype is required: a genotype.json of a search, an NB201 string or "
               "DARTS' Genotype(...) text (inline or in a file)");
  return read_genotype(o.genotype);
}

// Every image of `part` once, in a fixed order: rank r takes positions r,
// r+world, ... in batches of batch_size/world (the last one shorter), at most
// `cap` batches (0: all).
std::vector<std::vector<int64_t>> eval_indices(const std::vector<int64_t>& part, int64_t batch_size, int64_t cap,
                                               const Communicator& comm) {
  std::vector<int64_t> mine;
  for (size_t i = comm.rank(); i < part.size(); i += comm.world_size()) mine.push_back(part[i]);
  const size_t local = std::max<int64_t>(1, batch_size / comm.world_size());
  std::vector<std::vector<int64_t>> out;
  for (size_t first = 0; first < mine.size() && (cap == 0 || int64_t(out.size()) < cap); first += local)
    out.emplace_back(mine.begin() + first, mine.begin() + std::min(mine.size(), first + local));
  return out;
}

// The evaluation transforms of those batches, built ahead by the loader.
// between_batches: before each batch (the run loop's stop check).
TrainStats evaluate_part(Trainer& trainer, const ImageData& data, const std::vector<std::vector<int64_t>>& batches,
                         int threads, const std::function<void()>& between_batches = {}) {
  Prefetcher loader([&](int64_t k) { return data.batch(batches[k], false, 0); }, int64_t(batches.size()), threads,
                    2 * std::max(1, threads));
  return trainer.evaluate(int64_t(batches.size()), [&] {
    if (between_batches) between_batches();
    return loader.next();
  });
}

}  // namespace

std::string resolve_network(const TrainOptions& o, bool nb201_genotype) {
  if (o.network != "auto") return o.network;
  if (nb201_genotype) return "nb201";
  return o.dataset == "imagenet" ? "imagenet" : "cifar";
}

void print_dry_run(const TrainOptions& o) {
  const AnyGenotype g = genotype_of(o);
  const DatasetShape shape = dataset_shape(o.dataset);
  EvalNetworkOptions n = network_options(o, g, shape.channels, shape.num_classes);
  const bool has_aux = n.auxiliary;
  n.auxiliary = true;
  const EvalModel with_aux = make_eval_network(g, n);
  int64_t all = 0;
  for (const auto& p : with_aux->parameters()) all += p.numel();
  std::printf("ldarts train --dry-run: %s network, C=%ld, %s=%ld, %s (%ldx%ldx%ld, %ld classes)\n  genotype %s\n",
              n.form.c_str(), long(o.channels), n.form == "nb201" ? "N" : "L", long(o.layers), o.dataset.c_str(),
              long(shape.channels), long(shape.image_size), long(shape.image_size), long(shape.num_classes),
              genotype_text(g).c_str());
  std::printf("  %s\n", describe(check_cell(g)).c_str());
  std::printf("  parameters without the auxiliary head: %ld (%.3f M)\n", long(with_aux->parameters_without_aux()),
              with_aux->parameters_without_aux() / 1e6);
  if (n.form != "nb201")
    std::printf("  parameters with the auxiliary head:    %ld (%.3f M)%s\n", long(all), all / 1e6,
                has_aux ? "" : "  [--auxiliary false: not trained]");
  const int64_t macs = count_macs(*with_aux, shape.channels, shape.image_size);
  std::printf("  multiply-adds at %ldx%ld: %ld (%.1f M)\n", long(shape.image_size), long(shape.image_size), long(macs),
              macs / 1e6);
}

void print_benchmark(const TrainOptions& o, int steps) {
  const AnyGenotype g = genotype_of(o);
  const DatasetShape shape = dataset_shape(o.dataset);
  LocalCommunicator comm;
  Trainer trainer(o, make_eval_network(g, network_options(o, g, shape.channels, shape.num_classes)), comm);
  trainer.model()->set_drop_path(o.drop_path);
  torch::manual_seed(0);
  const Batch batch{torch::randn({o.batch_size, shape.channels, shape.image_size, shape.image_size}),
                    torch::randint(0, shape.num_classes, {o.batch_size})};
  trainer.step(batch, o.lr);  // warm-up
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < steps; ++i) trainer.step(batch, o.lr);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double images_per_second = steps * o.batch_size / seconds;
  const double epoch_images = shape.train_images * (1.0 - o.valid_portion);
  std::printf("train benchmark: %s network C=%ld L=%ld, batch %ld of %ldx%ldx%ld, %d threads, %s: %.1f ms/step, "
              "%.1f images/s\n  projected: %d epochs x %.0f images = %s on this machine\n",
              resolve_network(o, g.is_nb201).c_str(), long(o.channels), long(o.layers), long(o.batch_size),
              long(shape.channels), long(shape.image_size), long(shape.image_size), torch::get_num_threads(),
              trainer.device().str().c_str(), 1000 * seconds / steps, images_per_second, o.epochs, epoch_images,
              format_duration(o.epochs * epoch_images / images_per_second).c_str());
}

namespace {

// What evaluation training declares: its step values and metrics.csv's columns.
std::vector<Metric> train_metrics() {
  const Every step = Every::step, epoch = Every::epoch;
  const std::string metrics = "metrics.csv", mean = "mean";
  return {{"train_loss", step, "", "", "", "loss", "%.3f"},
          {"train_top1", step, "", "", "", "top-1", "%.1f%%"},
          {"train_top5", step},
          {"drop_path", epoch, metrics, "", "", "drop path", "%.3f"},
          {"train_loss", epoch, metrics, "", mean, "| train loss"},
          {"train_top1", epoch, metrics, "", mean, "top-1", "%.2f%%"},
          {"train_top5", epoch, metrics, "", mean, "top-5", "%.2f%%"},
          {"valid_loss", epoch, metrics, "", "", "| valid loss"},
          {"valid_top1", epoch, metrics, "", "", "top-1", "%.2f%%"},
          {"valid_top5", epoch, metrics, "", "", "top-5", "%.2f%%"}};
}

// Evaluation training as a task of the run driver: a fixed network (Trainer).
class TrainTask final : public Task {
 public:
  explicit TrainTask(const TrainOptions& o) : o_(o), genotype_(genotype_of(o)), health_(check_cell(genotype_)) {
    LDARTS_CHECK(o.valid_portion >= 0 && o.valid_portion < 1, "--valid-portion must be in [0, 1), got ", o.valid_portion);
    LDARTS_CHECK(o.tail == "drop" || o.tail == "pad", "--tail must be drop or pad, got '", o.tail, "'");
  }
  const TrainResult& result() const { return result_; }

  std::string command() const override { return "train"; }
  DataOptions data_options() const override {
    DataOptions d;
    d.augment = AugmentOptions{o_.augment, 4, true, o_.cutout};
    d.color_jitter = o_.color_jitter;
    return d;
  }
  // The validation part is held out of the training set; the test set is read at the end.
  std::vector<Stream> streams(const ImageData& data, const RunFolder&) override {
    split_ = fraction_split(data.size(), 1.0 - o_.valid_portion);
    return {{split_.train, derive_seed(o_.seed, {11}), 12, o_.tail == "pad"}};
  }
  RunHeader header(const std::string& config) const override {
    return {"train", "genotype", genotype_text(genotype_), "train the genotype of that checkpoint's run", config, 1, ""};
  }
  void build(RunContext& run, const Checkpoint* resumed) override {
    valid_batches_ = eval_indices(split_.valid, o_.batch_size, o_.eval_steps, run.comm);
    net_options_ = network_options(o_, genotype_, run.data.channels(), run.data.num_classes());
    trainer_ = std::make_unique<Trainer>(o_, make_eval_network(genotype_, net_options_), run.comm);
    if (!resumed) return;
    trainer_->load_state(*resumed);
    const int64_t before = resumed->integer("run/world_size");
    if (before != run.comm.world_size() && run.comm.is_root())
      std::fprintf(stderr, "warning: %s: written by %ld rank(s), continued on %d: the global batch and the data order "
                   "are the same, but batch norm now normalizes over %ld images per rank instead of %ld (unless "
                   "--sync-bn), and drop path draws from rank r mod %ld's generator (docs/distributed.md)\n",
                   resumed->source.c_str(), long(before), run.comm.world_size(),
                   long(o_.batch_size / run.comm.world_size()), long(o_.batch_size / before), long(before));
  }
  void declare(MetricSchema& schema) const override { schema.declare(train_metrics()); }
  void write_files(const RunFolder& folder) const override {
    folder.write("genotype.txt", genotype_text(genotype_) + "\n");
  }
  void describe(const RunContext& run) const override {
    std::printf("ldarts train: %s network (C=%ld, %s=%ld, %ld parameters without the auxiliary head), %s %zu train / "
                "%zu valid (held out of the training set)\n  %d epochs x %ld steps, batch %ld on %d rank(s), %d "
                "threads, %s; run folder %s\n",
                net_options_.form.c_str(), long(o_.channels), net_options_.form == "nb201" ? "N" : "L",
                long(o_.layers), long(trainer_->model()->parameters_without_aux()), o_.dataset.c_str(),
                split_.train.size(), split_.valid.size(), o_.epochs, long(run.steps), long(o_.batch_size),
                run.comm.world_size(), torch::get_num_threads(), trainer_->device().str().c_str(), o_.out.c_str());
    std::printf("  %s\n", ldarts::describe(health_).c_str());
  }

  void begin_epoch(int epoch) override {
    drop_ = o_.drop_path * epoch / o_.epochs;  // ramped linearly, as DARTS' train.py
    trainer_->model()->set_drop_path(drop_);
  }
  Scalars step(const std::vector<Batch>& batches, double lr, int, int64_t) override {
    const TrainStats s = trainer_->step(batches[0], lr);
    return {{"train_loss", s.loss}, {"train_top1", s.top1}, {"train_top5", s.top5}};
  }
  EpochEvent validate(int, const RunContext& run, const std::function<void()>& between_batches) override {
    const TrainStats valid = evaluate_part(*trainer_, run.data, valid_batches_, run.loader_threads, between_batches);
    EpochEvent e;
    e.scalars = {{"drop_path", drop_}, {"valid_loss", valid.loss}, {"valid_top1", valid.top1}, {"valid_top5", valid.top5}};
    return e;
  }
  void after_epoch(const EpochEvent& ev, const RunContext& run) override {
    auto value = [&](const char* name) { return find_scalar(ev.scalars, name); };
    result_.epochs.push_back({ev.epoch, value("lr"), value("drop_path"), value("train_loss"), value("train_top1"),
                              value("train_top5"), value("valid_loss"), value("valid_top1"), value("valid_top5"),
                              value("seconds")});
    if (!run.comm.is_root()) return;
    std::printf("== epoch %d/%d: lr %.5f %s | %s\n", ev.epoch + 1, o_.epochs, value("lr"),
                run.loop.schema().console(Every::epoch, run.loop.means(), ev.scalars).c_str(),
                format_duration(value("seconds")).c_str());
    std::fflush(stdout);
  }
  void save(Checkpoint& c) const override { trainer_->save_state(c); }
  int64_t steps_done() const override { return trainer_->steps_done(); }
  void finish(const RunContext& run) override;

 private:
  const TrainOptions& o_;
  const AnyGenotype genotype_;
  const CellHealth health_;
  DataSplit split_;
  std::vector<std::vector<int64_t>> valid_batches_;
  EvalNetworkOptions net_options_;
  std::unique_ptr<Trainer> trainer_;
  double drop_ = 0;
  TrainResult result_;
};

// The test set: once, at the end, never used to choose weights.
void TrainTask::finish(const RunContext& run) {
  if (o_.test) {
    const ImageData test = ImageData::open(o_.dataset, o_.data_dir, Split::test, run.data_options);
    LDARTS_CHECK(!run.data.files() || test.files()->classes == run.data.files()->classes, test.source(),
                 ": its class folders differ from the training set's (", test.num_classes(), " vs ",
                 run.data.num_classes(), "); labels would not match");
    std::vector<int64_t> all(test.size());
    for (int64_t i = 0; i < test.size(); ++i) all[i] = i;
    const TrainStats t = evaluate_part(*trainer_, test, eval_indices(all, o_.batch_size, 0, run.comm), run.loader_threads);
    result_.tested = true, result_.test_loss = t.loss, result_.test_top1 = t.top1, result_.test_top5 = t.top5;
    if (run.comm.is_root()) {
      char json[320];
      std::snprintf(json, sizeof json,
                    "{\"run_id\": \"%s\", \"images\": %.0f, \"loss\": %.6f, \"top1\": %.4f, \"top5\": %.4f, "
                    "\"epochs\": %d, \"parameters\": %ld, \"parameter_free_ops\": %d, \"connected\": %s}\n",
                    run.folder.id().c_str(), t.count, t.loss, t.top1, t.top5, o_.epochs,
                    long(trainer_->model()->parameters_without_aux()), health_.parameter_free,
                    health_.connected ? "true" : "false");
      write_file_atomically(o_.out + "/test.json", json);
      std::printf("test set (%.0f images, final weights): loss %.4f top-1 %.2f%% top-5 %.2f%%\n", t.count, t.loss,
                  t.top1, t.top5);
    }
  }
  if (run.comm.is_root()) {
    std::printf("run folder: %s (config.toml, genotype.txt, metrics.csv, test.json, checkpoint-*.h5)\n", o_.out.c_str());
    std::fflush(stdout);
  }
}

}  // namespace

TrainResult run_train(const TrainOptions& o, const std::string& resolved_config, Communicator& comm) {
  TrainTask task(o);
  run_task(task, o, resolved_config, comm);
  return task.result();
}

}  // namespace ldarts
