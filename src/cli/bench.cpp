// ldarts bench: time of one search step on a supernet (NB201, DARTS L×C at
// 32×32, or the ImageNet search network at 224×224) with synthetic data, for
// plain DARTS and for Λ-DARTS in each finite-difference mode, measured in the
// same process, as a table with ratios, threads and peak memory.
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>

#include <CLI/CLI.hpp>
#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/torch.h>

#include "ldarts/cli/commands.h"
#include "ldarts/core/cpu_budget.h"
#include "ldarts/core/error.h"
#include "ldarts/core/files.h"
#include "ldarts/data/image_data.h"
#include "ldarts/data/jpeg.h"
#include "ldarts/data/loader.h"
#include "ldarts/dist/counting_communicator.h"
#include "ldarts/dist/runtime.h"
#include "ldarts/io/checkpoint.h"
#include "ldarts/run/observer.h"
#include "ldarts/search/fidelity.h"
#include "ldarts/search/observers.h"
#include "ldarts/search/searcher.h"
#include "ldarts/spaces/space.h"

namespace ldarts {
namespace {

struct BenchOptions {
  std::string network = "nb201";  // nb201 | darts | imagenet
  int64_t channels = 16, cells_per_stage = 5, layers = 8, batch_size = 64, image_size = 0;  // 0: 32, or 224 for imagenet
  int repeats = 5, warmup = 1, threads = 0;
  bool checkpoint = false;
  int data_images = 0;  // > 0: the data-throughput benchmark with this many JPEGs instead of search steps
  std::vector<std::string> methods = {"darts", "central", "forward", "backward", "interleaved", "signcorr"};
  // Supernet variants: every cell kernel in every activation layout, each
  // method timed with each (interleaved, in one process). The straightforward
  // supernet is per-edge/nchw.
  std::vector<std::string> kernels = {"fused"};
  std::vector<std::string> layouts = {"nhwc"};
  std::string device = "cpu";
  bool tf32 = false;
  int profile_top = 0;  // > 0: after timing, profile one step per method and variant and print this many ops
  int probe_every = 0;  // > 0: also time the diagnostics at this cadence
  bool fidelity = false;  // instead of timing: each method's float32 step against float64, per variant
  uint64_t seed = 0;      // --fidelity: the first seed of ω's initialization, α and the batches
  int seeds = 1;          // --fidelity: seeds seed, seed + 1, ... (medians over them)
};

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;  // Linux reports KiB
}

// Method name -> the regularizer settings it stands for.
struct Variant {
  std::string kernel = "fused", layout = "nhwc";
  std::string name() const { return kernel + "/" + layout; }
  bool operator==(const Variant& v) const { return kernel == v.kernel && layout == v.layout; }
};

std::vector<Variant> variants(const BenchOptions& o) {
  std::vector<Variant> out;
  for (const auto& k : o.kernels)
    for (const auto& l : o.layouts) out.push_back({k, l});
  return out;
}

// The regularizer variants of first-order DARTS; the --method values of `ldarts search` come on top.
const std::vector<std::string> kRegularizerMethods = {"darts", "central", "forward", "backward", "interleaved",
                                                      "signcorr"};

std::string bench_method_help() {
  std::string text = "darts, central, forward, backward, interleaved, signcorr";
  for (const auto& m : method_names())
    if (m != "darts") text += ", " + m + ", lambda-" + m;
  return text + "; all-methods: every search method alone and with Λ";
}

SearchOptions method_options(const std::string& method, const BenchOptions& o, const Variant& variant = {}) {
  SearchOptions s;
  s.cell_kernel = variant.kernel;
  s.channels_last = variant.layout == "nhwc";
  s.tf32 = o.tf32;
  s.device = o.device;
  s.space = o.network == "nb201" ? "nb201" : "darts";
  s.channels = o.channels;
  s.cells_per_stage = o.cells_per_stage;
  s.layers = o.layers;
  if (o.network == "imagenet") s.network = "imagenet", s.partial_channels = 2, s.edge_normalization = true;
  // A --method of `ldarts search` alone, or "lambda-<method>": with Λ (corr, central).
  const bool with_lambda = method.rfind("lambda-", 0) == 0;
  const std::string search_method = with_lambda ? method.substr(7) : method;
  const auto names = method_names();
  if (std::find(names.begin(), names.end(), search_method) != names.end() && method != "darts") {
    s.method = search_method;
    s.regularizer = with_lambda ? RegularizerKind::corr : RegularizerKind::none;
    const MethodInfo& info = find_method(search_method);
    if (info.test_sized) info.test_sized(s);  // the method's one-step set-up (PC-DARTS' K, P-DARTS' stage 1)
    return s;
  }
  LDARTS_CHECK(std::count(kRegularizerMethods.begin(), kRegularizerMethods.end(), method), "bench --methods: unknown '",
               method, "' (", bench_method_help(), ")");
  s.regularizer = method == "darts"      ? RegularizerKind::none
                  : method == "signcorr" ? RegularizerKind::signcorr
                                         : RegularizerKind::corr;
  s.fd_mode = (method == "darts" || method == "signcorr") ? FdMode::central : parse_fd_mode(method);
  return s;
}

// Every method of `ldarts search --method` alone and with Λ, and first-order DARTS (the ratio's base).
std::vector<std::string> all_search_methods(const std::string& network) {
  std::vector<std::string> out{"darts", "central"};
  for (const MethodInfo* m : registered_methods())
    if (m->name != "darts" && !(m->darts_spaces_only && network == "nb201"))
      out.push_back(m->name), out.push_back("lambda-" + m->name);
  return out;
}

std::string label_of(const std::string& method) {
  if (method == "darts") return "DARTS (1st order)";
  if (method == "signcorr") return "Λ-DARTS signcorr, central";
  if (std::count(kRegularizerMethods.begin(), kRegularizerMethods.end(), method)) return "Λ-DARTS corr, " + method;
  if (method.rfind("lambda-", 0) == 0) return "Λ-" + method.substr(7) + " (corr, central)";
  return method;
}

struct Timing {
  std::string method;
  Variant variant;
  double median, min, max;
  double collective_percent;  // share of the step time spent in collectives
  double bytes_per_step;      // reduced + broadcast payload per step
};

Timing time_method(const std::string& method, const Variant& variant, const BenchOptions& o, const Batch& train,
                   const Batch& valid, Communicator& world) {
  torch::manual_seed(0);
  CountingCommunicator comm(world);
  const SearchOptions so = method_options(method, o, variant);
  Searcher searcher(so, find_space(so.space), 3, 10, comm);
  std::vector<double> ms;
  for (int i = 0; i < o.warmup + o.repeats; ++i) {
    if (i == o.warmup) comm.reset();
    const auto start = std::chrono::steady_clock::now();
    searcher.step(train, valid, StepSchedule{0.025, 0.25});
    const double t = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (i >= o.warmup) ms.push_back(t);
  }
  double total = 0;
  for (double t : ms) total += t;
  std::sort(ms.begin(), ms.end());
  return {method, variant, ms[ms.size() / 2], ms.front(), ms.back(), 100.0 * comm.seconds * 1000.0 / total,
          double(comm.reduced_bytes + comm.broadcast_bytes) / o.repeats};
}

// One step under LibTorch's CPU profiler: self time per op name (autograd
// nodes and ATen ops), the `top` largest, as a Markdown table.
void profile_method(const std::string& method, const Variant& variant, const BenchOptions& o, const Batch& train,
                    const Batch& valid) {
  namespace prof = torch::autograd::profiler;
  torch::manual_seed(0);
  const SearchOptions so = method_options(method, o, variant);
  LocalCommunicator local;  // rank 0 alone profiles: no collectives with the other ranks
  Searcher searcher(so, find_space(so.space), 3, 10, local);
  searcher.step(train, valid, StepSchedule{0.025, 0.25});  // warm-up
  struct Total { double self_us = 0; int64_t calls = 0; };
  std::map<std::string, Total> totals;
  double all_us = 0;
  const auto start = std::chrono::steady_clock::now();
  {
    prof::TLSLegacyProfilerGuard guard(
        torch::profiler::impl::ProfilerConfig(torch::profiler::impl::ProfilerState::CPU),
        [&](const prof::thread_event_lists& threads) {
          for (const auto& events : threads) {
            struct Open { std::string name; double start, children; };
            std::vector<Open> stack;
            for (const auto& e : events) {
              const std::string kind = e.kindStr();
              if (kind == "push") {
                stack.push_back({e.name(), e.cpuUs(), 0});
              } else if (kind == "pop" && !stack.empty()) {
                const Open open = stack.back();
                stack.pop_back();
                const double duration = e.cpuUs() - open.start;
                Total& t = totals[open.name];
                t.self_us += duration - open.children, ++t.calls;
                all_us += duration - open.children;
                if (!stack.empty()) stack.back().children += duration;
              }
            }
          }
        });
    searcher.step(train, valid, StepSchedule{0.025, 0.25});
  }
  const double wall_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::vector<std::pair<std::string, Total>> rows(totals.begin(), totals.end());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second.self_us > b.second.self_us; });
  std::printf("\nprofile of one step, %s, %s: %.0f ms wall (profiled), %.0f ms of op self time\n"
              "| op | self ms | share | calls |\n|---|---|---|---|\n",
              method.c_str(), variant.name().c_str(), wall_ms, all_us / 1000);
  for (size_t i = 0; i < rows.size() && int(i) < o.profile_top; ++i)
    std::printf("| %s | %.1f | %.1f%% | %ld |\n", rows[i].first.c_str(), rows[i].second.self_us / 1000,
                100 * rows[i].second.self_us / std::max(1.0, all_us), long(rows[i].second.calls));
}

// Size and write/read time of the search state after one step (momentum and
// Adam moments exist), as a search would checkpoint it.
void time_checkpoint(const BenchOptions& o, const Batch& train, const Batch& valid) {
  LocalCommunicator comm;
  const SearchOptions so = method_options("darts", o);
  Searcher searcher(so, find_space(so.space), 3, 10, comm);
  searcher.step(train, valid, StepSchedule{0.025, 0.0});
  Checkpoint c;
  searcher.save_state(c);
  const std::string path = "/tmp/ldarts-bench-" + std::to_string(::getpid()) + ".h5";
  const auto t0 = std::chrono::steady_clock::now();
  write_checkpoint(path, c);
  const auto t1 = std::chrono::steady_clock::now();
  const Checkpoint back = read_checkpoint(path);
  const auto t2 = std::chrono::steady_clock::now();
  struct stat st {};
  ::stat(path.c_str(), &st);
  ::unlink(path.c_str());
  std::printf("checkpoint of the search state: %zu datasets, %.2f MiB, write %.0f ms, read %.0f ms\n",
              back.tensors.size(), st.st_size / 1048576.0, std::chrono::duration<double, std::milli>(t1 - t0).count(),
              std::chrono::duration<double, std::milli>(t2 - t1).count());
}

// The diagnostics' cost (search/diagnostics.h) as a share of the step: the
// every-step average update, and one probe pass spread over --probe-every steps.
void time_diagnostics(const BenchOptions& o, const Batch& train, const Batch& valid) {
  LocalCommunicator comm;
  std::printf("\n| method | median ms/step | average update ms | probe ms | at --probe-every %d |\n|---|---|---|---|---|\n",
              o.probe_every);
  for (const std::string method : {"darts", "central"}) {
    const SearchOptions so = method_options(method, o);
    const SearchSpace& space = find_space(so.space);
    torch::manual_seed(0);
    Searcher searcher(so, space, 3, 10, comm);
    searcher.step(train, valid, StepSchedule{0.025, 0.25});  // warm-up
    const auto averages_only = diagnostics(searcher, space, train, 0, comm);
    const auto with_probe = diagnostics(searcher, space, train, 1, comm);
    std::vector<double> step_ms, average_ms, probe_ms;
    auto ms_since = [](std::chrono::steady_clock::time_point t) {
      return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
    };
    for (int r = 0; r < o.repeats; ++r) {
      auto t = std::chrono::steady_clock::now();
      searcher.step(train, valid, StepSchedule{0.025, 0.25});
      step_ms.push_back(ms_since(t));
      StepEvent event;
      event.global_step = searcher.steps_done();
      t = std::chrono::steady_clock::now();
      averages_only->on_step(event);
      average_ms.push_back(ms_since(t));
      t = std::chrono::steady_clock::now();
      with_probe->on_step(event);
      probe_ms.push_back(ms_since(t) - average_ms.back());
    }
    auto median = [](std::vector<double> v) { std::sort(v.begin(), v.end()); return v[v.size() / 2]; };
    const double step = median(step_ms), average = median(average_ms), probe = median(probe_ms);
    std::printf("| %s | %.1f | %.2f | %.1f | %.2f%% of the step |\n",
                method == "darts" ? "DARTS (1st order)" : "Λ-DARTS corr, central", step, average, probe,
                100 * (average + probe / o.probe_every) / step);
  }
}

// Float32 fidelity (search/fidelity.h): one step of each method in float32 and in
// float64 from identical state, per supernet variant, over --seeds states; the
// straightforward per-edge/nchw supernet's error (the authors' code's own float32
// noise) is the yardstick, "÷ yardstick" the factor by which a variant's median
// exceeds the yardstick's median.
void run_fidelity(const BenchOptions& o, const std::string& description) {
  // The yardstick first, so that every row can be divided by it.
  const Variant straightforward{"per-edge", "nchw"};
  std::vector<Variant> vs{straightforward};
  for (const auto& v : variants(o))
    if (!(v == straightforward)) vs.push_back(v);
  FidelitySetup setup;
  setup.batch = o.batch_size, setup.image = o.image_size, setup.seed = o.seed;
  std::printf("float32 against float64, one step from identical state: %s, batch %ld, input 3x%ldx%ld, λ_t %.2f, "
              "lr %.3f, %d threads; medians over seeds %lu..%lu\n"
              "| method | cell kernel / layout | ω update | worst ω tensor | ∂L/∂α | Λ_train (abs) | Λ_valid (abs) | "
              "ε | clip norm | λr share of the update | ω ÷ yardstick | ∂L/∂α ÷ yardstick | Λ_valid ÷ yardstick | "
              "seeds with ω error > 1%% |\n"
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
              description.c_str(), long(o.batch_size), long(o.image_size), long(o.image_size), setup.lambda, setup.lr,
              torch::get_num_threads(), static_cast<unsigned long>(o.seed),
              static_cast<unsigned long>(o.seed + o.seeds - 1));
  for (const auto& m : o.methods) {
    StepFidelity yardstick;
    for (const auto& v : vs) {
      const FidelitySummary s = float32_fidelity_over_seeds(method_options(m, o, v), setup, o.seeds);
      const StepFidelity& f = s.median;
      if (v == straightforward) yardstick = f;
      auto times = [](double a, double b) { return b > 0 ? a / b : 0.0; };
      std::printf("| %s | %s | %.2e | %.2e | %.2e | %.1e | %.1e | %.1e | %.1e | %.2f | %.2f | %.2f | %.2f | %d/%d |\n",
                  label_of(m).c_str(), v.name().c_str(), f.omega, f.omega_worst_tensor, f.alpha_grad, f.lambda_train,
                  f.lambda_valid, f.epsilon, f.grad_norm, f.regularizer_share, times(f.omega, yardstick.omega),
                  times(f.alpha_grad, yardstick.alpha_grad), times(f.lambda_valid, yardstick.lambda_valid), s.jumps,
                  s.seeds);
      std::fflush(stdout);
    }
  }
}

std::string describe(const BenchOptions& o) {
  char text[160];
  if (o.network == "nb201")
    std::snprintf(text, sizeof text, "NB201 supernet C=%ld N=%ld", long(o.channels), long(o.cells_per_stage));
  else
    std::snprintf(text, sizeof text, "%s search network (DARTS space) L=%ld C=%ld%s",
                  o.network == "imagenet" ? "ImageNet" : "DARTS", long(o.layers), long(o.channels),
                  o.network == "imagenet" ? ", K=2, edge normalization" : "");
  return text;
}

void run_bench(BenchOptions o, const Runtime& runtime) {
  if (o.image_size == 0) o.image_size = o.network == "imagenet" ? 224 : 32;
  const std::unique_ptr<Communicator> world = make_communicator(runtime, "auto", false);
  const bool root = world->is_root();
  if (o.threads > 0) torch::set_num_threads(o.threads);
  LDARTS_CHECK(o.batch_size % world->world_size() == 0, "--batch-size must be a multiple of the ranks");
  const int64_t local_batch = o.batch_size / world->world_size();
  if (std::count(o.methods.begin(), o.methods.end(), "all-methods")) o.methods = all_search_methods(o.network);
  for (const auto& m : o.methods) method_options(m, o);  // validate names before the long part
  torch::manual_seed(1 + world->rank());
  auto batch = [&] {
    return Batch{torch::randn({local_batch, 3, o.image_size, o.image_size}), torch::randint(0, 10, {local_batch})};
  };
  const Batch train = batch(), valid = batch();
  if (o.fidelity) {
    if (root) run_fidelity(o, describe(o));
    return;
  }
  if (root && !openmp_wait_note().empty()) std::printf("%s\n", openmp_wait_note().c_str());
  if (root)
    std::printf("%s, global batch %ld on %d rank(s) (%ld each), input 3x%ldx%ld, %d threads "
                "per rank, %d timed steps after %d warm-up\n",
                describe(o).c_str(), long(o.batch_size), world->world_size(), long(local_batch),
                long(o.image_size), long(o.image_size), torch::get_num_threads(), o.repeats, o.warmup);
  std::vector<Timing> rows;
  for (const auto& m : o.methods)
    for (const auto& v : variants(o)) rows.push_back(time_method(m, v, o, train, valid, *world));
  if (!root) return;
  auto find = [&](const std::string& method, const Variant& variant) -> const Timing* {
    for (const auto& t : rows)
      if (t.method == method && t.variant == variant) return &t;
    return nullptr;
  };
  auto ratio = [](const Timing* a, const Timing* b) {
    return a && b ? std::to_string(a->median / b->median).substr(0, 4) : std::string("-");
  };
  const Variant straightforward{"per-edge", "nchw"};
  std::printf("| method | cell kernel / layout | median ms/step | min | max | ratio to DARTS | per-edge/nchw ÷ this | "
              "steps/s | in collectives | bytes/step |\n|---|---|---|---|---|---|---|---|---|---|\n");
  for (const auto& t : rows) {
    const std::string label = label_of(t.method);
    std::printf("| %s | %s | %.1f | %.1f | %.1f | %s | %s | %.3f | %.1f%% | %.0f |\n", label.c_str(),
                t.variant.name().c_str(), t.median, t.min, t.max, ratio(&t, find("darts", t.variant)).c_str(),
                ratio(find(t.method, straightforward), &t).c_str(), 1000.0 / t.median, t.collective_percent,
                t.bytes_per_step);
  }
  std::printf("peak RSS: %.0f MiB\n", peak_rss_mib());
  if (o.profile_top > 0)
    for (const auto& m : o.methods)
      for (const auto& v : variants(o)) profile_method(m, v, o, train, valid);
  if (o.checkpoint) time_checkpoint(o, train, valid);
  if (o.probe_every > 0) time_diagnostics(o, train, valid);
}

// Images per second decoded + augmented by the loader with 1 and 2 worker
// threads: ImageNet-style JPEGs (about 500×375, written here) with the
// training and the evaluation transforms, and CIFAR-style images in memory.
void run_data_bench(const BenchOptions& o) {
  torch::set_num_threads(1);  // the workers are the parallelism
  const std::string root = "/tmp/ldarts-data-bench-" + std::to_string(::getpid());
  torch::manual_seed(0);
  int64_t bytes = 0;
  for (int i = 0; i < o.data_images; ++i) {
    const std::string folder = root + "/c" + std::to_string(i % 10);
    make_dirs(folder);
    const auto yy = torch::arange(375).view({1, 375, 1}), xx = torch::arange(500).view({1, 1, 500});
    const auto smooth = 128 + 60 * torch::sin((yy + 7 * i) / 23.0) * torch::cos((xx - 3 * i) / 31.0) +
                        20 * torch::arange(3).view({3, 1, 1});
    const auto image = (smooth + torch::randn({3, 375, 500}) * 12).clamp(0, 255).to(torch::kByte);
    const auto jpeg = encode_jpeg(image, 90);
    bytes += int64_t(jpeg.size());
    std::string text(jpeg.begin(), jpeg.end());
    write_file_atomically(folder + "/" + std::to_string(i) + ".JPEG", text);
  }
  std::printf("%d JPEGs of 500x375 written (%.0f KiB each on average); batches of 32, 1 intra-op thread per worker\n",
              o.data_images, bytes / 1024.0 / o.data_images);
  DataOptions options, full_decode;
  full_decode.dct_scaling = false;
  const FileImageSet files = scan_image_folder(root);
  const ImageData jpegs = ImageData::from_files(files, normalization_of("imagenet"), options);
  const ImageData jpegs_full = ImageData::from_files(files, normalization_of("imagenet"), full_decode);
  DataOptions cifar_options;
  cifar_options.augment = AugmentOptions{true, 4, true, 16};
  const int64_t cifar_n = 9600;
  const ImageData cifar = ImageData::in_memory(
      ImageSet{torch::randint(0, 256, {cifar_n, 3, 32, 32}).to(torch::kByte), torch::randint(0, 10, {cifar_n}), 10, "synthetic"},
      normalization_of("cifar10"), cifar_options);
  auto measure = [](const ImageData& data, bool train, int threads, int64_t batch) {
    const int64_t batches = data.size() / batch;
    Prefetcher loader(
        [&](int64_t k) {
          std::vector<int64_t> idx(batch);
          for (int64_t j = 0; j < batch; ++j) idx[j] = k * batch + j;
          return data.batch(idx, train, uint64_t(k));
        },
        batches, threads, 2 * threads);
    const auto start = std::chrono::steady_clock::now();
    for (int64_t k = 0; k < batches; ++k) loader.next();
    return batches * batch / std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  std::printf("| data | transforms | 1 thread img/s | 2 threads img/s |\n|---|---|---|---|\n");
  std::printf("| ImageNet-style JPEG 500x375 | RandomResizedCrop 224 + flip + colour jitter | %.1f | %.1f |\n",
              measure(jpegs, true, 1, 32), measure(jpegs, true, 2, 32));
  std::printf("| ImageNet-style JPEG 500x375 | the same, full-size decode (no DCT scaling) | %.1f | %.1f |\n",
              measure(jpegs_full, true, 1, 32), measure(jpegs_full, true, 2, 32));
  std::printf("| ImageNet-style JPEG 500x375 | resize 256 + centre crop 224 | %.1f | %.1f |\n",
              measure(jpegs, false, 1, 32), measure(jpegs, false, 2, 32));
  std::printf("| ImageNet-style JPEG 500x375 | the same, full-size decode (no DCT scaling) | %.1f | %.1f |\n",
              measure(jpegs_full, false, 1, 32), measure(jpegs_full, false, 2, 32));
  std::printf("| CIFAR-style 32x32 in memory | crop 32 pad 4 + flip + cutout 16 | %.0f | %.0f |\n",
              measure(cifar, true, 1, 96), measure(cifar, true, 2, 96));
  remove_tree(root);
}

}  // namespace

void setup_bench(CLI::App& app, const Runtime& runtime) {
  auto opt = std::make_shared<BenchOptions>();
  CLI::App* sub = app.add_subcommand("bench", "Time one search step (ω pass + α pass) on synthetic data");
  sub->add_option("--network", opt->network, "nb201 | darts (32x32) | imagenet (224x224, K=2, edge normalization)")
      ->check(CLI::IsMember({"nb201", "darts", "imagenet"}))->capture_default_str();
  sub->add_option("--channels", opt->channels, "C")->capture_default_str();
  sub->add_option("--layers", opt->layers, "L (darts, imagenet)")->capture_default_str();
  sub->add_option("--cells-per-stage", opt->cells_per_stage, "N")->capture_default_str();
  sub->add_option("--batch-size", opt->batch_size, "Batch size")->capture_default_str();
  sub->add_option("--image-size", opt->image_size, "Input height and width (0: 32, imagenet 224)")->capture_default_str();
  sub->add_option("--repeats", opt->repeats, "Timed steps")->check(CLI::PositiveNumber)->capture_default_str();
  sub->add_option("--warmup", opt->warmup, "Untimed steps first")->capture_default_str();
  sub->add_option("--threads", opt->threads, "Intra-op threads (0: LibTorch default)")->capture_default_str();
  sub->add_option("--methods", opt->methods, "Any of " + bench_method_help())->capture_default_str();
  sub->add_option("--cell-kernels", opt->kernels,
                  "fused and/or per-edge (the straightforward supernet): every method is timed with each")
      ->check(CLI::IsMember({"fused", "per-edge"}))->capture_default_str();
  sub->add_option("--layouts", opt->layouts, "nhwc (channels-last) and/or nchw activations, crossed with --cell-kernels")
      ->check(CLI::IsMember({"nhwc", "nchw"}))->capture_default_str();
  sub->add_option("--device", opt->device, "cpu | cuda | auto")->check(CLI::IsMember({"cpu", "cuda", "auto"}))
      ->capture_default_str();
  sub->add_option("--tf32", opt->tf32, "CUDA: TF32 convolutions and matmuls")->capture_default_str();
  sub->add_option("--profile", opt->profile_top,
                  "After timing, profile one step of each method and kernel and print the N ops with the most self time")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--probe-every", opt->probe_every,
                  "Also time the diagnostics (average update every step, probe every N steps; 0: not timed)")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  sub->add_flag("--fidelity", opt->fidelity,
                "Instead of timing: each method's float32 step against float64 from identical state, per kernel and "
                "layout, with the straightforward per-edge/nchw supernet's error as the yardstick (docs/benchmarks.md)");
  sub->add_option("--seed", opt->seed, "--fidelity: first seed of ω's initialization, α and the batches")
      ->capture_default_str();
  sub->add_option("--seeds", opt->seeds, "--fidelity: number of seeds (states); the table shows medians over them")
      ->check(CLI::PositiveNumber)->capture_default_str();
  sub->add_flag("--checkpoint", opt->checkpoint, "Also time writing and reading the search state's checkpoint");
  sub->add_option("--data", opt->data_images,
                  "Data throughput instead: write this many 500x375 JPEGs and time decoding + augmentation")
      ->check(CLI::NonNegativeNumber);
  sub->callback([opt, &runtime] { opt->data_images > 0 ? run_data_bench(*opt) : run_bench(*opt, runtime); });
}

}  // namespace ldarts
