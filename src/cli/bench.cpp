// ldarts bench: time of one search step on the NB201 supernet with synthetic
// data, as a table with the thread count and the peak memory.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>

#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include "ldarts/cli/commands.h"
#include "ldarts/search/searcher.h"

namespace ldarts {
namespace {

struct BenchOptions {
  int64_t channels = 16, cells_per_stage = 5, batch_size = 64, image_size = 32;
  int repeats = 10, warmup = 2, threads = 0;
};

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;  // Linux reports KiB
}

void run_bench(const BenchOptions& o) {
  if (o.threads > 0) torch::set_num_threads(o.threads);
  torch::manual_seed(0);
  SearchOptions search;
  search.channels = o.channels;
  search.cells_per_stage = o.cells_per_stage;
  LocalCommunicator comm;
  Searcher searcher(search, find_space("nb201"), 3, 10, comm);
  auto batch = [&] {
    return Batch{torch::randn({o.batch_size, 3, o.image_size, o.image_size}), torch::randint(0, 10, {o.batch_size})};
  };
  const Batch train = batch(), valid = batch();
  std::vector<double> ms;
  for (int i = 0; i < o.warmup + o.repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    searcher.step(train, valid, 0.025);
    const double t = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (i >= o.warmup) ms.push_back(t);
  }
  std::sort(ms.begin(), ms.end());
  std::printf("| method | space | C | N | batch | input | threads | median ms/step | min | max | peak RSS MiB |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
  std::printf("| DARTS (1st order) | nb201 | %ld | %ld | %ld | 3x%ldx%ld | %d | %.1f | %.1f | %.1f | %.0f |\n",
              long(o.channels), long(o.cells_per_stage), long(o.batch_size), long(o.image_size), long(o.image_size),
              torch::get_num_threads(), ms[ms.size() / 2], ms.front(), ms.back(), peak_rss_mib());
}

}  // namespace

void setup_bench(CLI::App& app) {
  auto opt = std::make_shared<BenchOptions>();
  CLI::App* sub = app.add_subcommand("bench", "Time one search step (ω pass + α pass) on synthetic data");
  sub->add_option("--channels", opt->channels, "C")->capture_default_str();
  sub->add_option("--cells-per-stage", opt->cells_per_stage, "N")->capture_default_str();
  sub->add_option("--batch-size", opt->batch_size, "Batch size")->capture_default_str();
  sub->add_option("--image-size", opt->image_size, "Input height and width")->capture_default_str();
  sub->add_option("--repeats", opt->repeats, "Timed steps")->check(CLI::PositiveNumber)->capture_default_str();
  sub->add_option("--warmup", opt->warmup, "Untimed steps first")->capture_default_str();
  sub->add_option("--threads", opt->threads, "Intra-op threads (0: LibTorch default)")->capture_default_str();
  sub->callback([opt] { run_bench(*opt); });
}

}  // namespace ldarts
