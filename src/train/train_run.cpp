#include "ldarts/train/train_run.h"

#include <chrono>
#include <functional>
#include <cstdio>
#include <optional>

#include <torch/torch.h>

#include "ldarts/core/cpu_budget.h"
#include "ldarts/core/error.h"
#include "ldarts/core/files.h"
#include "ldarts/core/progress.h"
#include "ldarts/core/rng.h"
#include "ldarts/core/signals.h"
#include "ldarts/data/dataset.h"
#include "ldarts/data/image_data.h"
#include "ldarts/data/loader.h"
#include "ldarts/data/sampler.h"
#include "ldarts/data/split.h"
#include "ldarts/dist/runtime.h"
#include "ldarts/io/checkpoint.h"
#include "ldarts/io/module_state.h"
#include "ldarts/run/epoch_loop.h"
#include "ldarts/run/observers.h"
#include "ldarts/search/cell_health.h"
#include "ldarts/search/schedule.h"
#include "ldarts/search/searcher.h"
#include "ldarts/train/trainer.h"

namespace ldarts {
namespace {

const std::vector<std::string> kColumns = {"epoch",      "lr",         "drop_path",  "train_loss", "train_top1",
                                           "train_top5", "valid_loss", "valid_top1", "valid_top5", "seconds"};

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

TrainResult run_train(const TrainOptions& o, const std::string& resolved_config, Communicator& comm) {
  const bool root = comm.is_root();
  LDARTS_CHECK(o.epochs > 0, "--epochs must be positive");
  LDARTS_CHECK(o.valid_portion >= 0 && o.valid_portion < 1, "--valid-portion must be in [0, 1), got ", o.valid_portion);
  LDARTS_CHECK(o.batch_size % comm.world_size() == 0, "--batch-size ", o.batch_size, " is not a multiple of the ",
               comm.world_size(), " ranks");
  if (o.threads > 0) torch::set_num_threads(o.threads);
  torch::manual_seed(o.seed);
  const AnyGenotype genotype = genotype_of(o);
  const CellHealth health = check_cell(genotype);

  // ---- data: the validation part is held out of the training set; the test set is read at the end ----
  DataOptions data_options;
  data_options.augment = AugmentOptions{o.augment, 4, true, o.cutout};
  data_options.color_jitter = o.color_jitter;
  data_options.skip_bad_images = o.skip_bad_images;
  data_options.pin_memory = resolve_device(o.device).is_cuda();
  const ImageData data = ImageData::open(o.dataset, o.data_dir, Split::train, data_options);
  const SearchSplit split = fraction_split(data.size(), 1.0 - o.valid_portion);
  const int loader_threads = data.loader_threads(o.loader_threads);
  LDARTS_CHECK(o.tail == "drop" || o.tail == "pad", "--tail must be drop or pad, got '", o.tail, "'");
  ShardedSampler sampler(split.train.size(), o.batch_size, derive_seed(o.seed, {11}), comm.rank(), comm.world_size(),
                         o.tail == "pad");
  LDARTS_CHECK(sampler.batches_per_epoch() > 0, o.dataset, ": ", split.train.size(),
               " training images do not fill one batch of --batch-size ", o.batch_size);
  const int64_t steps = o.max_steps > 0 ? std::min(o.max_steps, sampler.batches_per_epoch()) : sampler.batches_per_epoch();
  const std::vector<std::vector<int64_t>> valid_batches = eval_indices(split.valid, o.batch_size, o.eval_steps, comm);

  const EvalNetworkOptions net_options = network_options(o, genotype, data.channels(), data.num_classes());
  Trainer trainer(o, make_eval_network(genotype, net_options), comm);

  // ---- run folder, resume, observers ----
  const RunFolder folder = RunFolder::claim(o.out, {"train", o.resume, o.force}, comm);
  if (root && !folder.moved_to().empty())
    std::printf("--force: moved the earlier contents of %s to %s (nothing deleted)\n", o.out.c_str(),
                folder.moved_to().c_str());
  const RunHeader header{"train", "genotype", genotype_text(genotype), "train the genotype of that checkpoint's run",
                         resolved_config, comm.world_size(), folder.id()};
  EpochLoop loop(folder, header, loop_options(o, steps, trainer.device().str()), comm);
  if (loop.resumed()) trainer.load_state(*loop.resumed());
  if (loop.resumed() && loop.resumed()->integer("run/world_size") != comm.world_size() && root)
    std::fprintf(stderr, "warning: %s: written by %ld rank(s), continued on %d: the global batch and the data order are "
                 "the same, but batch norm now normalizes over %ld images per rank instead of %ld (unless "
                 "--sync-bn), and drop path draws from rank r mod %ld's generator (docs/distributed.md)\n",
                 loop.resumed()->source.c_str(), long(loop.resumed()->integer("run/world_size")), comm.world_size(),
                 long(o.batch_size / comm.world_size()), long(o.batch_size / loop.resumed()->integer("run/world_size")),
                 long(loop.resumed()->integer("run/world_size")));
  loop.add(csv_observer(folder, "metrics.csv", kColumns, CsvEvery::epoch));
  loop.add(tensorboard_observer(folder));

  folder.write("config.toml", resolved_config);
  folder.write("run.json", header.json());
  folder.write("genotype.txt", genotype_text(genotype) + "\n");
  if (root) {
    std::printf("ldarts train: %s network (C=%ld, %s=%ld, %ld parameters without the auxiliary head), %s %zu train / "
                "%zu valid (held out of the training set)\n  %d epochs x %ld steps, batch %ld on %d rank(s), %d "
                "threads, %s; run folder %s\n",
                net_options.form.c_str(), long(o.channels), net_options.form == "nb201" ? "N" : "L", long(o.layers),
                long(trainer.model()->parameters_without_aux()), o.dataset.c_str(), split.train.size(),
                split.valid.size(), o.epochs, long(steps), long(o.batch_size), comm.world_size(),
                torch::get_num_threads(), trainer.device().str().c_str(), o.out.c_str());
    std::printf("  %s\n", describe(health).c_str());
    if (loop.resumed())
      std::printf("  resumed from %s at epoch %d step %ld\n", loop.resumed()->source.c_str(), loop.start_epoch() + 1,
                  long(loop.start_step()));
    if (!openmp_wait_note().empty()) std::printf("  %s\n", openmp_wait_note().c_str());
    std::fflush(stdout);
  }

  // ---- the loop body ----
  TrainResult result;
  double lr = o.lr, drop = 0;
  std::unique_ptr<Prefetcher> loader;
  EpochLoop::Body body;
  body.begin_epoch = [&](int epoch, int64_t first) {
    drop = o.drop_path * epoch / o.epochs;  // ramped linearly, as DARTS' train.py
    trainer.model()->set_drop_path(drop);
    // The last step's rate is the epoch's (metrics.csv), also when a resume has no step left to run.
    lr = first == 0 ? o.lr
                    : learning_rate(o.lr_schedule, o.lr, o.lr_min, epoch + double(first - 1) / steps, o.epochs,
                                    o.warmup_epochs);
    std::vector<std::vector<int64_t>> indices;
    for (int64_t step = first; step < steps; ++step) indices.push_back(gather(split.train, sampler.batch(epoch, step)));
    const int64_t count = int64_t(indices.size());
    loader.reset();
    loader = std::make_unique<Prefetcher>(
        [&, epoch, first, indices = std::move(indices)](int64_t k) {
          return data.batch(indices[k], true, derive_seed(o.seed, {12, uint64_t(epoch), uint64_t(first + k)}));
        },
        count, loader_threads, 2 * std::max(1, loader_threads));
  };
  body.step = [&](int epoch, int64_t step) {
    lr = learning_rate(o.lr_schedule, o.lr, o.lr_min, epoch + double(step) / steps, o.epochs, o.warmup_epochs);
    const Batch batch = loader->next();
    maybe_inject_fault(comm, trainer.steps_done() + 1);
    const TrainStats s = trainer.step(batch, lr);
    return Scalars{{"lr", lr}, {"train_loss", s.loss}, {"train_top1", s.top1}, {"train_top5", s.top5}};
  };
  body.print_step = [&](const StepEvent& e) {
    const Progress& progress = loop.progress();
    std::printf("epoch %d/%d step %ld/%ld | lr %.5f | %.2f step/s %.0f img/s | loss %.3f top-1 %.1f%% | "
                "elapsed %s ETA %s\n",
                e.epoch + 1, o.epochs, long(e.step + 1), long(steps), lr, progress.steps_per_second(),
                progress.steps_per_second() * o.batch_size, loop.means().mean("train_loss"),
                loop.means().mean("train_top1"), format_duration(progress.elapsed_seconds()).c_str(),
                format_duration(progress.eta_seconds()).c_str());
    std::fflush(stdout);
  };
  body.end_epoch = [&](int epoch) {
    const TrainStats valid = evaluate_part(trainer, data, valid_batches, loader_threads, [&] {
      loop.check_stop();  // a preemption signal is honoured within one batch
      maybe_inject_signal("validation");
    });
    const EpochMeans& m = loop.means();
    EpochEvent e;
    e.scalars = {{"lr", lr},
                 {"drop_path", drop},
                 {"train_loss", m.mean("train_loss")},
                 {"train_top1", m.mean("train_top1")},
                 {"train_top5", m.mean("train_top5")},
                 {"valid_loss", valid.loss},
                 {"valid_top1", valid.top1},
                 {"valid_top5", valid.top5}};
    return e;
  };
  body.finish_epoch = [&](const EpochEvent& ev) {
    auto value = [&](const char* name) { return find_scalar(ev.scalars, name); };
    const TrainEpoch e{ev.epoch, value("lr"), value("drop_path"), value("train_loss"), value("train_top1"),
                       value("train_top5"), value("valid_loss"), value("valid_top1"), value("valid_top5"),
                       value("seconds")};
    result.epochs.push_back(e);
    if (!root) return;
    std::printf("== epoch %d/%d: lr %.5f drop path %.3f | train loss %.4f top-1 %.2f%% top-5 %.2f%% | valid loss "
                "%.4f top-1 %.2f%% top-5 %.2f%% | %s\n",
                e.epoch + 1, o.epochs, e.lr, e.drop_path, e.train_loss, e.train_top1, e.train_top5, e.valid_loss,
                e.valid_top1, e.valid_top5, format_duration(e.seconds).c_str());
    std::fflush(stdout);
  };
  body.save_state = [&](Checkpoint& c) { trainer.save_state(c); };
  body.steps_done = [&] { return trainer.steps_done(); };
  loop.run(body);

  // ---- the test set: once, at the end, never used to choose weights ----
  if (o.test) {
    const ImageData test = ImageData::open(o.dataset, o.data_dir, Split::test, data_options);
    LDARTS_CHECK(!data.files() || test.files()->classes == data.files()->classes, test.source(),
                 ": its class folders differ from the training set's (", test.num_classes(), " vs ",
                 data.num_classes(), "); labels would not match");
    std::vector<int64_t> all(test.size());
    for (int64_t i = 0; i < test.size(); ++i) all[i] = i;
    const TrainStats t = evaluate_part(trainer, test, eval_indices(all, o.batch_size, 0, comm), loader_threads);
    result.tested = true, result.test_loss = t.loss, result.test_top1 = t.top1, result.test_top5 = t.top5;
    if (root) {
      char json[320];
      std::snprintf(json, sizeof json,
                    "{\"run_id\": \"%s\", \"images\": %.0f, \"loss\": %.6f, \"top1\": %.4f, \"top5\": %.4f, \"epochs\": %d, "
                    "\"parameters\": %ld, \"parameter_free_ops\": %d, \"connected\": %s}\n",
                    folder.id().c_str(), t.count, t.loss, t.top1, t.top5, o.epochs, long(trainer.model()->parameters_without_aux()),
                    health.parameter_free, health.connected ? "true" : "false");
      write_file_atomically(o.out + "/test.json", json);
      std::printf("test set (%.0f images, final weights): loss %.4f top-1 %.2f%% top-5 %.2f%%\n", t.count, t.loss,
                  t.top1, t.top5);
    }
  }
  if (root) {
    std::printf("run folder: %s (config.toml, genotype.txt, metrics.csv, test.json, checkpoint-*.h5)\n", o.out.c_str());
    std::fflush(stdout);
  }
  return result;
}

}  // namespace ldarts
